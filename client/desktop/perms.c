/* perms.c - the member's slice of the server's permission table, and the
 * sentence a greyed-out control shows (perms.h; issue 19).
 *
 * The slice lives on the desk's window (object data "desk-perms"), so it
 * goes with the window and needs no field of its own in pcn_desk. The
 * words for each request the desktop asks about are here; a request not
 * listed gets a plain "do that".
 */
#include "perms.h"

#include <stdio.h>
#include <string.h>

#include "words.h"

typedef struct perm {
  int body_case;
  gboolean net, own, other, owner;
} perm;

typedef struct perms {
  GArray *v; /* perm */
  char why[300];
} perms;

static void perms_free(gpointer p) {
  perms *ps = p;
  g_array_unref(ps->v);
  g_free(ps);
}

void desk_perms_set(pcn_desk *d, const Pcn__Member *m) {
  if (!d->window || !m->n_permissions) return; /* an older server */
  perms *ps = g_new0(perms, 1);
  ps->v = g_array_sized_new(FALSE, FALSE, sizeof(perm), m->n_permissions);
  for (size_t i = 0; i < m->n_permissions; i++) {
    const Pcn__Permission *p = m->permissions[i];
    perm e = {p->body_case, p->may_net, p->may_own, p->may_other, p->owner_may};
    g_array_append_val(ps->v, e);
  }
  g_object_set_data_full(G_OBJECT(d->window), "desk-perms", ps, perms_free);
}

/* What the request does, in words: a verb and what it acts on.
 * targeted: the thing belongs to the network or a practice. */
static const struct {
  int body_case;
  const char *verb, *thing;
  int targeted;
} said[] = {
    {PCN__REQUEST__BODY_TASK_CREATE, "create", "task", 1},
    {PCN__REQUEST__BODY_TASK_UPDATE, "change", "task", 1},
    {PCN__REQUEST__BODY_TASK_ASSIGN, "assign", "task", 1},
    {PCN__REQUEST__BODY_TASK_CLOSE, "close", "task", 1},
    {PCN__REQUEST__BODY_TASK_REOPEN, "reopen", "task", 1},
    {PCN__REQUEST__BODY_TASK_COMMENT, "comment on", "task", 1},
    {PCN__REQUEST__BODY_PRACTICE_ADD, "add", "practice to the network", 0},
};

static void explain(pcn_desk *d, perms *ps, int body_case, const char *tp,
                    int where, gboolean owner_may) {
  const char *verb = "do", *thing = "that";
  int targeted = 0;
  for (size_t i = 0; i < G_N_ELEMENTS(said); i++)
    if (said[i].body_case == body_case) {
      verb = said[i].verb;
      thing = said[i].thing;
      targeted = said[i].targeted;
    }
  /* "As a practice manager", "As staff", "As the PCN manager". */
  const char *role = desk_role_words(d->role);
  char who[64];
  if (d->role == PCN__ROLE__STAFF)
    snprintf(who, sizeof who, "As staff");
  else if (d->role == PCN__ROLE__PCN_MANAGER)
    snprintf(who, sizeof who, "As the %s", role);
  else
    snprintf(who, sizeof who, "As a %c%s", g_ascii_tolower(role[0]), role + 1);
  char what[160];
  if (!targeted)
    snprintf(what, sizeof what, "%s a %s", verb, thing);
  else if (where == 0)
    snprintf(what, sizeof what, "%s a network-wide %s%s", verb, thing,
             owner_may ? " you did not create and do not hold" : "");
  else if (where == 1)
    snprintf(what, sizeof what, "%s your practice's %s%s", verb, thing,
             owner_may ? " you did not create and do not hold" : "");
  else
    snprintf(what, sizeof what, "%s a %s of %s", verb, thing,
             desk_practice_words(d, tp));
  const char *ask =
      (where == 1 &&
       (d->role == PCN__ROLE__STAFF || d->role == PCN__ROLE__CLINICIAN))
          ? "ask your practice manager"
      : d->role == PCN__ROLE__PCN_MANAGER ? "no role in the network may"
                                          : "ask your PCN manager";
  snprintf(ps->why, sizeof ps->why, "%s you cannot %s; %s.", who, what, ask);
}

gboolean desk_may(pcn_desk *d, int body_case, const char *target_practice,
                  gboolean owner, const char **why) {
  if (why) *why = NULL;
  perms *ps =
      d->window ? g_object_get_data(G_OBJECT(d->window), "desk-perms") : NULL;
  if (!ps) return TRUE; /* not known yet: the server decides */
  const perm *p = NULL;
  for (guint i = 0; i < ps->v->len; i++)
    if (g_array_index(ps->v, perm, i).body_case == body_case)
      p = &g_array_index(ps->v, perm, i);
  const char *tp = target_practice ? target_practice : "";
  /* As the server's perm_allows: which of the three, and whether the
   * member can see the target (an owner counts only there). */
  int where = !tp[0] ? 0 : !strcmp(tp, d->practice) ? 1 : 2;
  gboolean may = FALSE, owner_may = FALSE;
  if (p) {
    may = where == 0 ? p->net : where == 1 ? p->own : p->other;
    owner_may = p->owner;
    if (!may && p->owner && owner && where < 2) may = TRUE;
  }
  if (may) return TRUE;
  explain(d, ps, body_case, tp, where, owner_may);
  if (why) *why = ps->why;
  return FALSE;
}

gboolean desk_may_widget(pcn_desk *d, GtkWidget *w, int body_case,
                         const char *target_practice, gboolean owner,
                         const char *ok_tip) {
  const char *why;
  gboolean may = desk_may(d, body_case, target_practice, owner, &why);
  gtk_widget_set_sensitive(w, may);
  gtk_widget_set_tooltip_text(w, may ? ok_tip : why);
  return may;
}
