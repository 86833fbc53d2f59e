/* duties.c - the Responsibilities view: the network's register of areas
 * of work, one row per entry (who owns it, what the owner does, when it is
 * reviewed, "review due" once that date has come) with a strip saying,
 * for every practice, agreed or pending.
 *
 * A practice manager agrees an entry for their practice from its row, or
 * every pending entry at once; each agreement names the version shown, so
 * nobody agrees wording they have not seen (a change meanwhile is refused
 * and the row redrawn). A practice manager may instead disagree, giving a
 * reason (a small form); the row shows "disagrees" and the reason to
 * everyone, and its Agree button changes the practice's mind. "Agree all
 * pending" leaves disagreements alone. The PCN manager adds and edits
 * entries in a form. The server decides who may do what; a refusal shows
 * as its sentence, in words for the window (desk_error_words), under
 * the field it names when it names one.
 *
 * Issue 19: "Agree all pending" asks first, listing the titles it will
 * agree and how many (Cancel agrees nothing); removing an entry asks too.
 * Dates show in words ("Review 9 Dec 2027") and the review date is typed
 * as people write it or picked from a calendar (desk_date_entry). The
 * practices' strip names each practice, its ODS code in the tooltip; it
 * wraps (a GtkFlowBox, each name ellipsized past the row's width) beside
 * the row's buttons, so a row is as wide as the page.
 *
 * Model: copies of the entries by id, the practices, and for each
 * (entry, practice) the version and time of that practice's agreement and
 * of its disagreement. A position counts when its version is the entry's
 * current one, so a change to an entry makes it pending everywhere
 * without touching the model, and events replayed out of order with the
 * register's load cannot bring back a position on old wording; between
 * an agreement and a disagreement to the same version the later one
 * stands (the server keeps only one, and says DELETED of the other).
 * Rows are redrawn once per main-loop turn after changes (at most
 * DUTY_MAX rows).
 */
#include <stdio.h>
#include <string.h>

#include "words.h"

typedef struct duty_practice {
  char ods[8];
  char *name;
} duty_practice;

typedef struct duty_pos {
  guint version;
  gint64 at;
} duty_pos;

typedef struct desk_duties desk_duties;
struct desk_duties {
  GtkWidget *list, *summary, *note, *agree_all, *add, *only_pending;
  GHashTable *by_id;         /* guint64* id -> Pcn__Duty* (own copy) */
  GArray *practices;         /* duty_practice, in the server's order */
  GHashTable *agreements;    /* "id/ODS" -> duty_pos* */
  GHashTable *disagreements; /* "id/ODS" -> Pcn__DutyDisagreement* (copy) */
  guint redraw_id;
  GtkWidget *dform, *d_reason, *d_note, *d_go; /* the disagree form */
  guint64 d_id;
  guint d_version;
  GtkWidget *form;
  GtkWidget *f_title, *f_owner, *f_does, *f_review, *f_review_error, *f_note,
      *f_save;
  guint64 f_id;
  guint f_version;
};

static const struct {
  int owner;
  const char *label;
} owners[] = {
    {PCN__DUTY_OWNER__DUTY_PCN_MANAGER, "PCN manager"},
    {PCN__DUTY_OWNER__DUTY_PRACTICE_MANAGERS, "Each practice manager"},
    {PCN__DUTY_OWNER__DUTY_CLINICAL_DIRECTOR, "Clinical director"},
    {PCN__DUTY_OWNER__DUTY_SHARED, "Shared"},
};

static const char *owner_label(int owner) {
  for (size_t i = 0; i < G_N_ELEMENTS(owners); i++)
    if (owners[i].owner == owner) return owners[i].label;
  return "?";
}

/* ------------------------------------------------------------ model */

static void duty_free(gpointer p) {
  pcn__duty__free_unpacked(p, NULL);
}

static void disagreement_free(gpointer p) {
  pcn__duty_disagreement__free_unpacked(p, NULL);
}

static void redraw(pcn_desk *d);

static gboolean redraw_idle(gpointer ud) {
  pcn_desk *d = ud;
  d->duties->redraw_id = 0;
  redraw(d);
  return G_SOURCE_REMOVE;
}

static void changed(pcn_desk *d) {
  if (!d->duties->redraw_id) d->duties->redraw_id = g_idle_add(redraw_idle, d);
}

/* Takes in an entry unless what is held is newer. The same version again
 * is the server flagging the review as due: that flag only ever rises
 * within a version. */
static void put_duty(pcn_desk *d, const Pcn__Duty *nd) {
  desk_duties *t = d->duties;
  Pcn__Duty *old = g_hash_table_lookup(t->by_id, &nd->id);
  if (old && old->version > nd->version) return;
  int due = old && old->version == nd->version && old->review_due;
  Pcn__Duty *c = desk_copy_msg(&nd->base);
  if (!c) return;
  c->review_due = c->review_due || due;
  guint64 *key = g_new(guint64, 1);
  *key = c->id;
  g_hash_table_replace(t->by_id, key, c);
  changed(d);
}

static int newer(guint v1, gint64 at1, guint v2, gint64 at2) {
  return v1 > v2 || (v1 == v2 && at1 >= at2);
}

static void put_agreement(pcn_desk *d, const Pcn__DutyAgreement *a) {
  char *key = g_strdup_printf("%" G_GUINT64_FORMAT "/%s", (guint64)a->duty_id,
                              a->practice);
  duty_pos *had = g_hash_table_lookup(d->duties->agreements, key);
  if (!had || newer(a->duty_version, a->agreed_at, had->version, had->at)) {
    duty_pos *p = g_new(duty_pos, 1);
    p->version = a->duty_version;
    p->at = a->agreed_at;
    g_hash_table_replace(d->duties->agreements, key, p);
  } else {
    g_free(key);
  }
  changed(d);
}

static void put_disagreement(pcn_desk *d, const Pcn__DutyDisagreement *x) {
  char *key = g_strdup_printf("%" G_GUINT64_FORMAT "/%s", (guint64)x->duty_id,
                              x->practice);
  Pcn__DutyDisagreement *had =
      g_hash_table_lookup(d->duties->disagreements, key);
  Pcn__DutyDisagreement *c = NULL;
  if ((!had || newer(x->duty_version, x->at, had->duty_version, had->at)) &&
      (c = desk_copy_msg(&x->base)))
    g_hash_table_replace(d->duties->disagreements, key, c);
  else
    g_free(key);
  changed(d);
}

/* A DELETED event: the position it names is withdrawn, unless a newer
 * one has taken its place already. */
static void drop_position(pcn_desk *d, GHashTable *h, guint64 id,
                          const char *ods, guint version, gint64 at) {
  char key[40];
  snprintf(key, sizeof key, "%" G_GUINT64_FORMAT "/%s", id, ods);
  void *had = g_hash_table_lookup(h, key);
  if (!had) return;
  guint hv = h == d->duties->agreements
                 ? ((duty_pos *)had)->version
                 : ((Pcn__DutyDisagreement *)had)->duty_version;
  gint64 hat = h == d->duties->agreements ? ((duty_pos *)had)->at
                                          : ((Pcn__DutyDisagreement *)had)->at;
  if (hv == version && hat == at && g_hash_table_remove(h, key)) changed(d);
}

/* The version of e's last change of substance: positions to it or later
 * stand (a review date's change keeps them; 0 on older entries: the
 * version). */
static guint substance_of(const Pcn__Duty *e) {
  return e->substance_version ? e->substance_version : e->version;
}

/* The practice's disagreement with e as it stands, if that is its
 * position (a later agreement to what it says overrides it). */
static const Pcn__DutyDisagreement *
disagreement_of(desk_duties *t, const Pcn__Duty *e, const char *ods) {
  char key[40];
  snprintf(key, sizeof key, "%" G_GUINT64_FORMAT "/%s", (guint64)e->id, ods);
  const Pcn__DutyDisagreement *x = g_hash_table_lookup(t->disagreements, key);
  if (!x || x->duty_version < substance_of(e)) return NULL;
  const duty_pos *a = g_hash_table_lookup(t->agreements, key);
  return a && a->version >= substance_of(e) && a->at > x->at ? NULL : x;
}

static int has_agreed(desk_duties *t, const Pcn__Duty *e, const char *ods) {
  char key[40];
  snprintf(key, sizeof key, "%" G_GUINT64_FORMAT "/%s", (guint64)e->id, ods);
  const duty_pos *a = g_hash_table_lookup(t->agreements, key);
  return a && a->version >= substance_of(e) && !disagreement_of(t, e, ods);
}

static void put_practice(pcn_desk *d, const Pcn__Practice *p) {
  GArray *a = d->duties->practices;
  for (guint i = 0; i < a->len; i++) {
    duty_practice *dp = &g_array_index(a, duty_practice, i);
    if (!strcmp(dp->ods, p->ods)) {
      g_free(dp->name);
      dp->name = g_strdup(p->name);
      changed(d);
      return;
    }
  }
  duty_practice dp;
  snprintf(dp.ods, sizeof dp.ods, "%s", p->ods);
  dp.name = g_strdup(p->name);
  g_array_append_val(a, dp);
  changed(d);
}

static int contains(char **list, size_t n, const char *s) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(list[i], s)) return 1;
  return 0;
}

/* What concerns the member: an entry their practice had agreed changed
 * (it needs agreeing again), a new entry to agree, and, for the PCN
 * manager, a review come due. */
static void notices(pcn_desk *d, const Pcn__Event *ev) {
  const Pcn__Duty *e = ev->duty;
  char id[40];
  snprintf(id, sizeof id, "duty-%llu", (unsigned long long)e->id);
  int pm = d->role == PCN__ROLE__PRACTICE_MANAGER && d->practice[0];
  if (ev->op == PCN__OP__UPDATED && ev->actor[0] && d->practice[0] &&
      contains(e->cleared, e->n_cleared, d->practice))
    desk_notice(d, ev, id, "A responsibility changed: agree it again",
                e->title);
  else if (ev->op == PCN__OP__CREATED && ev->actor[0] && pm)
    desk_notice(d, ev, id, "A new responsibility to agree", e->title);
  else if (ev->op == PCN__OP__UPDATED && !ev->actor[0] && e->review_due &&
           d->role == PCN__ROLE__PCN_MANAGER)
    desk_notice(d, ev, id, "A responsibility is due for review", e->title);
}

void duties_on_event(pcn_desk *d, const Pcn__Event *ev) {
  desk_duties *t = d->duties;
  if (!t) return;
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_DUTY:
    if (ev->op == PCN__OP__DELETED) {
      if (g_hash_table_remove(t->by_id, &ev->duty->id)) changed(d);
    } else {
      put_duty(d, ev->duty);
    }
    notices(d, ev);
    break;
  case PCN__EVENT__RECORD_DUTY_AGREEMENT:
    if (ev->op == PCN__OP__DELETED)
      drop_position(d, t->agreements, ev->duty_agreement->duty_id,
                    ev->duty_agreement->practice,
                    ev->duty_agreement->duty_version,
                    ev->duty_agreement->agreed_at);
    else
      put_agreement(d, ev->duty_agreement);
    break;
  case PCN__EVENT__RECORD_DUTY_DISAGREEMENT:
    if (ev->op == PCN__OP__DELETED)
      drop_position(d, t->disagreements, ev->duty_disagreement->duty_id,
                    ev->duty_disagreement->practice,
                    ev->duty_disagreement->duty_version,
                    ev->duty_disagreement->at);
    else
      put_disagreement(d, ev->duty_disagreement);
    if (ev->op != PCN__OP__DELETED && d->role == PCN__ROLE__PCN_MANAGER) {
      /* The register's keeper is told: it is theirs to act on. */
      char id[40], *title = g_strdup_printf(
                       "%s disagrees with a responsibility",
                       desk_practice_words(d, ev->duty_disagreement->practice));
      snprintf(id, sizeof id, "duty-%llu-no",
               (unsigned long long)ev->duty_disagreement->duty_id);
      desk_notice(d, ev, id, title, ev->duty_disagreement->duty_title);
      g_free(title);
    }
    break;
  case PCN__EVENT__RECORD_PRACTICE: put_practice(d, ev->practice); break;
  default: break;
  }
}

/* ------------------------------------------------------------ requests */

static void note(pcn_desk *d, const char *text, int error) {
  desk_note(d->duties->note, text, error);
}

/* The server's refusal in the page's note, in words for the window. */
static void note_status(pcn_desk *d, const Pcn__Status *st) {
  char words[600];
  desk_error_words(st, words, sizeof words);
  note(d, words, 1);
}

/* The same in a form's error line. */
static void say_status(GtkWidget *label, const Pcn__Status *st) {
  char words[600];
  desk_error_words(st, words, sizeof words);
  desk_say(label, words);
}

/* Sends req with d as the callback's data; 0, or -1 (said why). The
 * callbacks may run after duties_free (a closing client fails what is in
 * flight): each checks d->duties first. */
static int call(pcn_desk *d, Pcn__Request *req, pcn_response_cb cb) {
  return desk_send(d, d->duties->note, req, cb);
}

static void on_register(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  if (!d->duties) return;
  if (r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_DUTY_REGISTER) {
    note_status(d, r->status);
    return;
  }
  const Pcn__DutyRegister *g = r->duty_register;
  for (size_t i = 0; i < g->n_practices; i++)
    put_practice(d, g->practices[i]);
  for (size_t i = 0; i < g->n_duties; i++)
    put_duty(d, g->duties[i]);
  for (size_t i = 0; i < g->n_agreements; i++)
    put_agreement(d, g->agreements[i]);
  for (size_t i = 0; i < g->n_disagreements; i++)
    put_disagreement(d, g->disagreements[i]);
  changed(d);
}

void duties_load(pcn_desk *d) {
  if (!d->duties) return;
  Pcn__DutyList l = PCN__DUTY_LIST__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DUTY_LIST;
  req.duty_list = &l;
  call(d, &req, on_register);
}

static void on_agreed(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  if (!d->duties) return;
  if (r->status->code == PCN__STATUS_CODE__CONFLICT &&
      r->body_case == PCN__RESPONSE__BODY_DUTY) {
    put_duty(d, r->duty); /* show what it says now */
    note_status(d, r->status);
    return;
  }
  if (r->status->code != PCN__STATUS_CODE__OK) {
    note_status(d, r->status);
    return;
  }
  const Pcn__DutyAgreed *a = r->duty_agreed;
  for (size_t i = 0; i < a->n_agreements; i++)
    put_agreement(d, a->agreements[i]);
  char text[120];
  snprintf(text, sizeof text, "Agreed %zu %s for %s.", a->n_agreements,
           a->n_agreements == 1 ? "entry" : "entries",
           desk_practice_words(d, d->practice));
  note(d, text, 0);
}

/* Agrees the entries given, each as the version shown. */
static void agree(pcn_desk *d, const Pcn__Duty **list, size_t n) {
  if (!n) {
    note(d, "Nothing is pending for your practice.", 0);
    return;
  }
  Pcn__DutyVersion *v = g_new(Pcn__DutyVersion, n);
  Pcn__DutyVersion **vp = g_new(Pcn__DutyVersion *, n);
  for (size_t i = 0; i < n; i++) {
    pcn__duty_version__init(&v[i]);
    v[i].id = list[i]->id;
    v[i].version = list[i]->version;
    vp[i] = &v[i];
  }
  Pcn__DutyAgree a = PCN__DUTY_AGREE__INIT;
  a.practice = d->practice;
  a.n_entries = n;
  a.entries = vp;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DUTY_AGREE;
  req.duty_agree = &a;
  call(d, &req, on_agreed);
  g_free(vp);
  g_free(v);
}

static void on_agree_one(GtkButton *b, gpointer ud) {
  pcn_desk *d = ud;
  guint64 id = *(guint64 *)g_object_get_data(G_OBJECT(b), "id");
  const Pcn__Duty *e = g_hash_table_lookup(d->duties->by_id, &id);
  if (e) agree(d, &e, 1);
}

static gint by_id(gconstpointer a, gconstpointer b) {
  guint64 x = (*(Pcn__Duty *const *)a)->id, y = (*(Pcn__Duty *const *)b)->id;
  return x < y ? -1 : x > y;
}

/* The entries in id order (the caller frees the array, not the entries). */
static GPtrArray *sorted(desk_duties *t) {
  GPtrArray *a = g_ptr_array_new();
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, t->by_id);
  while (g_hash_table_iter_next(&it, &k, &v))
    g_ptr_array_add(a, v);
  g_ptr_array_sort(a, by_id);
  return a;
}

/* What "Agree all pending" asked about: the entries as the dialog listed
 * them (id and version), agreed only if the member confirms. */
typedef struct agree_ask {
  pcn_desk *d;
  GArray *entries; /* Pcn__Duty copies' id and version: guint64 pairs */
} agree_ask;

static void agree_ask_free(gpointer p) {
  agree_ask *a = p;
  g_array_unref(a->entries);
  g_free(a);
}

static void on_agree_all_confirmed(gpointer ud) {
  agree_ask *a = ud;
  pcn_desk *d = a->d;
  if (!d->duties) return;
  guint n = a->entries->len / 2;
  Pcn__Duty *e = g_new0(Pcn__Duty, n);
  const Pcn__Duty **list = g_new(const Pcn__Duty *, n);
  for (guint i = 0; i < n; i++) {
    pcn__duty__init(&e[i]);
    e[i].id = g_array_index(a->entries, guint64, 2 * i);
    e[i].version = (uint32_t)g_array_index(a->entries, guint64, 2 * i + 1);
    list[i] = &e[i];
  }
  agree(d, list, n);
  g_free(list);
  g_free(e);
}

static void on_agree_all(GtkButton *b, gpointer ud) {
  pcn_desk *d = ud;
  GPtrArray *all = sorted(d->duties);
  GPtrArray *pending = g_ptr_array_new();
  /* Not what the practice disagrees with: agreeing by number would
   * withdraw the disagreement, which is done from its own row. */
  for (guint i = 0; i < all->len; i++)
    if (!has_agreed(d->duties, all->pdata[i], d->practice) &&
        !disagreement_of(d->duties, all->pdata[i], d->practice))
      g_ptr_array_add(pending, all->pdata[i]);
  if (!pending->len) {
    note(d, "Nothing is pending for your practice.", 0);
  } else {
    /* It commits the practice to every one of them: ask first, naming
     * them (issue 19). */
    agree_ask *a = g_new0(agree_ask, 1);
    a->d = d;
    a->entries = g_array_new(FALSE, FALSE, sizeof(guint64));
    GString *body = g_string_new(NULL);
    g_string_append_printf(body, "%s agrees to %s as the register says %s:\n",
                           desk_practice_words(d, d->practice),
                           pending->len == 1 ? "this entry" : "these entries",
                           pending->len == 1 ? "it" : "them");
    for (guint i = 0; i < pending->len; i++) {
      const Pcn__Duty *e = pending->pdata[i];
      guint64 id = e->id, version = e->version;
      g_array_append_val(a->entries, id);
      g_array_append_val(a->entries, version);
      g_string_append_printf(body, "\n• %s", e->title);
    }
    char heading[80], verb[40];
    snprintf(heading, sizeof heading, "Agree %u %s?", pending->len,
             pending->len == 1 ? "responsibility" : "responsibilities");
    snprintf(verb, sizeof verb, "Agree %u", pending->len);
    desk_confirm(GTK_WINDOW(gtk_widget_get_root(GTK_WIDGET(b))), heading,
                 body->str, verb, FALSE, on_agree_all_confirmed, a,
                 agree_ask_free);
    g_string_free(body, TRUE);
  }
  g_ptr_array_unref(pending);
  g_ptr_array_unref(all);
}

/* ------------------------------------------------------------ disagree */

static void on_disagreed(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_duties *t = d->duties;
  if (!t || !t->dform) return;
  gtk_widget_set_sensitive(t->d_go, TRUE);
  if (r->status->code == PCN__STATUS_CODE__CONFLICT &&
      r->body_case == PCN__RESPONSE__BODY_DUTY) {
    put_duty(d, r->duty); /* the row shows it as it stands now */
    t->d_version = r->duty->version;
    char words[600];
    desk_error_words(r->status, words, sizeof words);
    char *text = g_strdup_printf("%s\nNow: %s\nSend again to disagree with "
                                 "that.",
                                 words, r->duty->owner_does);
    desk_say(t->d_note, text);
    g_free(text);
    return;
  }
  if (r->status->code != PCN__STATUS_CODE__OK) {
    say_status(t->d_note, r->status);
    return;
  }
  if (r->body_case == PCN__RESPONSE__BODY_DUTY_DISAGREEMENT)
    put_disagreement(d, r->duty_disagreement);
  note(d,
       "Your practice's disagreement is recorded; everyone sees it "
       "beside the agreements.",
       0);
  gtk_window_destroy(GTK_WINDOW(t->dform));
}

static void on_disagree_go(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  desk_duties *t = d->duties;
  Pcn__DutyDisagree x = PCN__DUTY_DISAGREE__INIT;
  x.practice = d->practice;
  x.id = t->d_id;
  x.version = t->d_version;
  x.reason =
      g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(t->d_reason))));
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DUTY_DISAGREE;
  req.duty_disagree = &x;
  if (!x.reason[0])
    desk_say(t->d_note, "Say why your practice disagrees, so the PCN manager "
                        "can change the entry or talk it through.");
  else if (d->cl && pcn_client_call(d->cl, &req, on_disagreed, d))
    gtk_widget_set_sensitive(t->d_go, FALSE);
  else
    desk_say(t->d_note, "Not connected to the server.");
  g_free(x.reason);
}

static void on_dform_destroy(GtkWidget *w, gpointer ud) {
  (void)w;
  pcn_desk *d = ud;
  if (d->duties) d->duties->dform = NULL;
}

static void on_disagree(GtkButton *b, gpointer ud) {
  pcn_desk *d = ud;
  desk_duties *t = d->duties;
  guint64 id = *(guint64 *)g_object_get_data(G_OBJECT(b), "id");
  const Pcn__Duty *e = g_hash_table_lookup(t->by_id, &id);
  if (!e) return;
  if (t->dform) gtk_window_destroy(GTK_WINDOW(t->dform));
  t->d_id = e->id;
  t->d_version = e->version;
  char *title =
      g_strdup_printf("Entry %llu: %s", (unsigned long long)e->id, e->title);
  GtkWidget *grid = gtk_grid_new();
  t->dform = desk_form(d, "Disagree with entry", title, 480, grid);
  g_free(title);
  g_signal_connect(t->dform, "destroy", G_CALLBACK(on_dform_destroy), d);
  GtkWidget *what = gtk_label_new(e->owner_does);
  gtk_label_set_wrap(GTK_LABEL(what), TRUE);
  gtk_label_set_xalign(GTK_LABEL(what), 0);
  gtk_widget_add_css_class(what, "dim-label");
  gtk_grid_attach(GTK_GRID(grid), what, 0, 0, 2, 1);
  t->d_reason = desk_field(grid, 1, "_Why",
                           desk_entry("Reason", "What should change", 0));
  const Pcn__DutyDisagreement *was = disagreement_of(t, e, d->practice);
  if (was) gtk_editable_set_text(GTK_EDITABLE(t->d_reason), was->reason);
  t->d_note = desk_form_error(grid, 2, 1);
  t->d_go = gtk_button_new_with_mnemonic("_Disagree");
  gtk_widget_add_css_class(t->d_go, "destructive-action");
  g_signal_connect(t->d_go, "clicked", G_CALLBACK(on_disagree_go), d);
  desk_form_action(t->dform, t->d_go);
  gtk_window_present(GTK_WINDOW(t->dform));
}

/* ------------------------------------------------------------ the form */

static void on_saved(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_duties *t = d->duties;
  if (!t || !t->form) return;
  gtk_widget_set_sensitive(t->f_save, TRUE);
  if (r->status->code == PCN__STATUS_CODE__CONFLICT &&
      r->body_case == PCN__RESPONSE__BODY_DUTY) {
    /* Keep what was typed; the next save is made knowingly. */
    put_duty(d, r->duty);
    t->f_version = r->duty->version;
    char words[600], review[32];
    desk_error_words(r->status, words, sizeof words);
    desk_date_words(r->duty->review_date, review, sizeof review,
                    DESK_DATE_YEAR);
    char *text = g_strdup_printf(
        "%s\nNow: %s; review %s.\n%s\nSave again to replace it with yours.",
        words, owner_label(r->duty->owner), review, r->duty->owner_does);
    desk_say(t->f_note, text);
    g_free(text);
    return;
  }
  if (r->status->code != PCN__STATUS_CODE__OK) {
    /* A refused review date is said under it; the rest under the form. */
    if (r->status->details && r->status->details->field &&
        !strcmp(r->status->details->field, "review_date"))
      desk_field_error(desk_date_entry_text(t->f_review), t->f_review_error,
                       r->status);
    else
      say_status(t->f_note, r->status);
    return;
  }
  if (r->body_case == PCN__RESPONSE__BODY_DUTY) put_duty(d, r->duty);
  gtk_window_destroy(GTK_WINDOW(t->form));
}

static void on_removed(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_duties *t = d->duties;
  if (!t || !t->form) return;
  gtk_widget_set_sensitive(t->f_save, TRUE);
  if (r->status->code != PCN__STATUS_CODE__OK) {
    if (r->body_case == PCN__RESPONSE__BODY_DUTY) put_duty(d, r->duty);
    say_status(t->f_note, r->status);
    return;
  }
  if (g_hash_table_remove(t->by_id, &r->duty->id)) changed(d);
  gtk_window_destroy(GTK_WINDOW(t->form));
}

static char *does_text(desk_duties *t) {
  GtkTextBuffer *b = gtk_text_view_get_buffer(GTK_TEXT_VIEW(t->f_does));
  GtkTextIter s, e;
  gtk_text_buffer_get_bounds(b, &s, &e);
  return gtk_text_buffer_get_text(b, &s, &e, FALSE);
}

static int owner_picked(desk_duties *t) {
  guint i = gtk_drop_down_get_selected(GTK_DROP_DOWN(t->f_owner));
  return i < G_N_ELEMENTS(owners) ? owners[i].owner : 0;
}

static void on_save(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  desk_duties *t = d->duties;
  char *does = does_text(t);
  char *title = g_strdup(gtk_editable_get_text(GTK_EDITABLE(t->f_title)));
  char review[11];
  const char *why = NULL;
  desk_field_error(desk_date_entry_text(t->f_review), t->f_review_error, NULL);
  if (desk_date_entry_get(t->f_review, review, &why) < 0) {
    Pcn__Status st = PCN__STATUS__INIT;
    st.code = PCN__STATUS_CODE__INVALID_ARGUMENT;
    st.message = (char *)(why ? why : "Type the review date as 9 Dec 2027.");
    desk_field_error(desk_date_entry_text(t->f_review), t->f_review_error, &st);
    g_free(does);
    g_free(title);
    return;
  }
  Pcn__Request req = PCN__REQUEST__INIT;
  Pcn__DutyAdd a = PCN__DUTY_ADD__INIT;
  Pcn__DutyUpdate u = PCN__DUTY_UPDATE__INIT;
  if (!t->f_id) {
    a.title = title;
    a.owner = owner_picked(t);
    a.owner_does = does;
    a.review_date = review;
    req.body_case = PCN__REQUEST__BODY_DUTY_ADD;
    req.duty_add = &a;
  } else {
    /* Only what was changed is sent: an untouched field stays as it is. */
    const Pcn__Duty *e = g_hash_table_lookup(t->by_id, &t->f_id);
    u.id = t->f_id;
    u.version = t->f_version;
    if (!e || strcmp(e->title, title)) {
      u.has_title_case = PCN__DUTY_UPDATE__HAS_TITLE_TITLE;
      u.title = title;
    }
    if (!e || (int)e->owner != owner_picked(t)) {
      u.has_owner_case = PCN__DUTY_UPDATE__HAS_OWNER_OWNER;
      u.owner = owner_picked(t);
    }
    if (!e || strcmp(e->owner_does, does)) {
      u.has_owner_does_case = PCN__DUTY_UPDATE__HAS_OWNER_DOES_OWNER_DOES;
      u.owner_does = does;
    }
    if (!e || strcmp(e->review_date, review)) {
      u.has_review_date_case = PCN__DUTY_UPDATE__HAS_REVIEW_DATE_REVIEW_DATE;
      u.review_date = review;
    }
    req.body_case = PCN__REQUEST__BODY_DUTY_UPDATE;
    req.duty_update = &u;
  }
  if (req.body_case == PCN__REQUEST__BODY_DUTY_UPDATE && !u.has_title_case &&
      !u.has_owner_case && !u.has_owner_does_case && !u.has_review_date_case)
    desk_say(t->f_note, "Nothing changed: the practices' agreements stand.");
  else if (d->cl && pcn_client_call(d->cl, &req, on_saved, d))
    gtk_widget_set_sensitive(t->f_save, FALSE);
  else
    desk_say(t->f_note, "Not connected to the server.");
  g_free(title);
  g_free(does);
}

static void on_remove_confirmed(gpointer ud) {
  pcn_desk *d = ud;
  desk_duties *t = d->duties;
  if (!t || !t->form) return;
  Pcn__DutyRemove r = PCN__DUTY_REMOVE__INIT;
  r.id = t->f_id;
  r.version = t->f_version;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DUTY_REMOVE;
  req.duty_remove = &r;
  if (d->cl && pcn_client_call(d->cl, &req, on_removed, d))
    gtk_widget_set_sensitive(t->f_save, FALSE);
  else
    desk_say(t->f_note, "Not connected to the server.");
}

/* Removing takes the entry and every practice's position on it away:
 * asked first (issue 19). */
static void on_remove(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  desk_duties *t = d->duties;
  const Pcn__Duty *e = g_hash_table_lookup(t->by_id, &t->f_id);
  char *heading = g_strdup_printf("Remove “%s”?", e ? e->title : "this entry");
  desk_confirm(GTK_WINDOW(t->form), heading,
               "The entry leaves the register with every practice's "
               "agreement or disagreement to it; it cannot be brought back.",
               "Remove", TRUE, on_remove_confirmed, d, NULL);
  g_free(heading);
}

static void on_form_destroy(GtkWidget *w, gpointer ud) {
  (void)w;
  pcn_desk *d = ud;
  if (d->duties) d->duties->form = NULL;
}

/* The add form (e NULL) or the edit form of e. */
static void open_form(pcn_desk *d, const Pcn__Duty *e) {
  desk_duties *t = d->duties;
  if (t->form) gtk_window_destroy(GTK_WINDOW(t->form));
  t->f_id = e ? e->id : 0;
  t->f_version = e ? e->version : 0;
  char *title =
      e ? g_strdup_printf("Entry %llu: %s", (unsigned long long)e->id, e->title)
        : g_strdup("Add an entry to the register");
  GtkWidget *grid = gtk_grid_new();
  t->form = desk_form(d, e ? "Edit entry" : "Add an entry", title, 520, grid);
  g_free(title);
  g_signal_connect(t->form, "destroy", G_CALLBACK(on_form_destroy), d);

  t->f_title = desk_field(grid, 0, "_Area of work",
                          desk_entry("Area of work", "Estates and rooms", 0));
  const char *labels[G_N_ELEMENTS(owners) + 1];
  for (size_t i = 0; i < G_N_ELEMENTS(owners); i++)
    labels[i] = owners[i].label;
  labels[G_N_ELEMENTS(owners)] = NULL;
  t->f_owner = gtk_drop_down_new_from_strings(labels);
  gtk_widget_set_name(t->f_owner, "Owner");
  gtk_accessible_update_property(GTK_ACCESSIBLE(t->f_owner),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Owner", -1);
  desk_field(grid, 1, "_Owner", t->f_owner);
  t->f_does = gtk_text_view_new();
  gtk_widget_set_name(t->f_does, "What the owner does");
  gtk_text_view_set_wrap_mode(GTK_TEXT_VIEW(t->f_does), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin(GTK_TEXT_VIEW(t->f_does), 8);
  gtk_text_view_set_right_margin(GTK_TEXT_VIEW(t->f_does), 8);
  gtk_text_view_set_top_margin(GTK_TEXT_VIEW(t->f_does), 6);
  gtk_text_view_set_bottom_margin(GTK_TEXT_VIEW(t->f_does), 6);
  gtk_accessible_update_property(GTK_ACCESSIBLE(t->f_does),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                 "What the owner does", -1);
  GtkWidget *frame = gtk_frame_new(NULL);
  gtk_widget_set_size_request(frame, -1, 90);
  gtk_frame_set_child(GTK_FRAME(frame), t->f_does);
  GtkWidget *l = gtk_label_new_with_mnemonic("_What the owner does");
  gtk_label_set_xalign(GTK_LABEL(l), 1);
  gtk_label_set_yalign(GTK_LABEL(l), 0);
  gtk_label_set_mnemonic_widget(GTK_LABEL(l), t->f_does);
  gtk_widget_set_hexpand(frame, TRUE);
  gtk_grid_attach(GTK_GRID(grid), l, 0, 2, 1, 1);
  gtk_grid_attach(GTK_GRID(grid), frame, 1, 2, 1, 1);
  t->f_review =
      desk_field(grid, 3, "_Review date", desk_date_entry_new("Review date"));
  t->f_review_error = desk_form_error(grid, 4, 0); /* under the date */
  GtkWidget *warn = gtk_label_new(
      e ? "Saving a change asks every practice to agree this entry again."
        : "Every practice will be asked to agree the new entry.");
  gtk_label_set_wrap(GTK_LABEL(warn), TRUE);
  gtk_label_set_xalign(GTK_LABEL(warn), 0);
  gtk_widget_add_css_class(warn, "dim-label");
  gtk_grid_attach(GTK_GRID(grid), warn, 0, 5, 2, 1);
  t->f_note = desk_form_error(grid, 6, 1);
  if (e) { /* in the body, away from Save: it asks first (on_remove) */
    GtkWidget *rm = gtk_button_new_with_mnemonic("_Remove entry");
    gtk_widget_add_css_class(rm, "destructive-action");
    gtk_widget_set_halign(rm, GTK_ALIGN_START);
    g_signal_connect(rm, "clicked", G_CALLBACK(on_remove), d);
    gtk_grid_attach(GTK_GRID(grid), rm, 1, 7, 1, 1);
  }
  t->f_save =
      desk_form_go(t->form, e ? "_Save" : "_Add", G_CALLBACK(on_save), d);
  if (e) {
    gtk_editable_set_text(GTK_EDITABLE(t->f_title), e->title);
    for (guint i = 0; i < G_N_ELEMENTS(owners); i++)
      if (owners[i].owner == (int)e->owner)
        gtk_drop_down_set_selected(GTK_DROP_DOWN(t->f_owner), i);
    gtk_text_buffer_set_text(gtk_text_view_get_buffer(GTK_TEXT_VIEW(t->f_does)),
                             e->owner_does, -1);
    desk_date_entry_set(t->f_review, e->review_date);
  }
  gtk_window_present(GTK_WINDOW(t->form));
}

static void on_edit(GtkButton *b, gpointer ud) {
  pcn_desk *d = ud;
  guint64 id = *(guint64 *)g_object_get_data(G_OBJECT(b), "id");
  const Pcn__Duty *e = g_hash_table_lookup(d->duties->by_id, &id);
  if (e) open_form(d, e);
}

static void on_add(GtkButton *b, gpointer ud) {
  (void)b;
  open_form(ud, NULL);
}

/* ------------------------------------------------------------ rows */

static GtkWidget *label(const char *text, const char *css, int wrap) {
  GtkWidget *l = gtk_label_new(text);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  if (wrap) {
    gtk_label_set_wrap(GTK_LABEL(l), TRUE);
    gtk_label_set_wrap_mode(GTK_LABEL(l), PANGO_WRAP_WORD_CHAR);
  }
  if (css) gtk_widget_add_css_class(l, css);
  return l;
}

static GtkWidget *id_button(pcn_desk *d, const char *mnemonic, const char *name,
                            const char *a11y, guint64 id, GCallback cb) {
  GtkWidget *b = gtk_button_new_with_mnemonic(mnemonic);
  gtk_widget_set_name(b, name);
  gtk_accessible_update_property(GTK_ACCESSIBLE(b),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  guint64 *p = g_new(guint64, 1);
  *p = id;
  g_object_set_data_full(G_OBJECT(b), "id", p, g_free);
  g_signal_connect(b, "clicked", cb, d);
  return b;
}

/* A button of the row, beside the strip: its own height however many
 * lines the strip takes. */
static void row_add(GtkWidget *line, GtkWidget *b) {
  gtk_widget_set_valign(b, GTK_ALIGN_CENTER);
  gtk_box_append(GTK_BOX(line), b);
}

static GtkWidget *row_of(pcn_desk *d, const Pcn__Duty *e) {
  desk_duties *t = d->duties;
  char buf[300];
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_margin_start(box, 12);
  gtk_widget_set_margin_end(box, 12);
  gtk_widget_set_margin_top(box, 8);
  gtk_widget_set_margin_bottom(box, 8);

  GtkWidget *top = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
  snprintf(buf, sizeof buf, "%llu. %s", (unsigned long long)e->id, e->title);
  GtkWidget *title = label(buf, "heading", 1);
  gtk_widget_set_hexpand(title, TRUE);
  gtk_box_append(GTK_BOX(top), title);
  snprintf(buf, sizeof buf, "Owner: %s", owner_label(e->owner));
  gtk_box_append(GTK_BOX(top), label(buf, NULL, 0));
  char review_words[32];
  desk_date_words(e->review_date, review_words, sizeof review_words,
                  DESK_DATE_YEAR);
  snprintf(buf, sizeof buf, "%s %s", e->review_due ? "Review due" : "Review",
           review_words);
  GtkWidget *review = label(buf, e->review_due ? "error" : "dim-label", 0);
  gtk_widget_set_name(review, "Review");
  gtk_box_append(GTK_BOX(top), review);
  gtk_box_append(GTK_BOX(box), top);
  gtk_box_append(GTK_BOX(box), label(e->owner_does, "dim-label", 1));

  GtkWidget *line = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *strip = desk_strip_new();
  gtk_box_append(GTK_BOX(line), strip);
  int mine_pending = 0;
  GString *why = g_string_new(NULL); /* each disagreement, with its reason */
  for (guint i = 0; i < t->practices->len; i++) {
    const duty_practice *p = &g_array_index(t->practices, duty_practice, i);
    int yes = has_agreed(t, e, p->ods);
    const Pcn__DutyDisagreement *no =
        yes ? NULL : disagreement_of(t, e, p->ods);
    if (!yes && !strcmp(p->ods, d->practice)) mine_pending = 1;
    const char *pname = p->name && p->name[0] ? p->name : p->ods;
    snprintf(buf, sizeof buf, "%s %s", pname,
             yes  ? "agreed"
             : no ? "disagrees"
                  : "pending");
    GtkWidget *l = label(buf, yes ? "success" : no ? "error" : "warning", 0);
    /* A name longer than the row has room for ends in an ellipsis; the
     * whole is in the tooltip, with the code. */
    gtk_label_set_ellipsize(GTK_LABEL(l), PANGO_ELLIPSIZE_END);
    char *tip = g_strdup_printf("%s (%s)", pname, p->ods);
    gtk_widget_set_tooltip_text(l, tip);
    g_free(tip);
    desk_strip_add(strip, l);
    if (no)
      g_string_append_printf(why, "%s%s disagrees (%s): %s",
                             why->len ? "\n" : "", pname,
                             desk_person_words(d, no->by), no->reason);
  }
  char name[40], a11y[300];
  if (mine_pending && d->role == PCN__ROLE__PRACTICE_MANAGER) {
    snprintf(name, sizeof name, "Agree %llu", (unsigned long long)e->id);
    snprintf(a11y, sizeof a11y, "Agree %s for %s", e->title,
             desk_practice_words(d, d->practice));
    GtkWidget *b =
        id_button(d, "Agree", name, a11y, e->id, G_CALLBACK(on_agree_one));
    gtk_widget_add_css_class(b, "suggested-action");
    row_add(line, b);
  }
  if (d->role == PCN__ROLE__PRACTICE_MANAGER && d->practice[0]) {
    snprintf(name, sizeof name, "Disagree %llu", (unsigned long long)e->id);
    snprintf(a11y, sizeof a11y, "Disagree with %s for %s", e->title,
             desk_practice_words(d, d->practice));
    row_add(line, id_button(d, "Disagree…", name, a11y, e->id,
                            G_CALLBACK(on_disagree)));
  }
  if (d->role == PCN__ROLE__PCN_MANAGER) {
    snprintf(name, sizeof name, "Edit %llu", (unsigned long long)e->id);
    snprintf(a11y, sizeof a11y, "Edit %s", e->title);
    row_add(line, id_button(d, "Edit", name, a11y, e->id, G_CALLBACK(on_edit)));
  }
  gtk_box_append(GTK_BOX(box), line);
  if (why->len) {
    GtkWidget *w = label(why->str, "error", 1);
    snprintf(name, sizeof name, "Disagreements %llu",
             (unsigned long long)e->id);
    gtk_widget_set_name(w, name);
    gtk_box_append(GTK_BOX(box), w);
  }
  g_string_free(why, TRUE);

  GtkWidget *row = gtk_list_box_row_new();
  snprintf(name, sizeof name, "Entry %llu", (unsigned long long)e->id);
  gtk_widget_set_name(row, name);
  gtk_accessible_update_property(GTK_ACCESSIBLE(row),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, e->title, -1);
  gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
  gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(row), box);
  return row;
}

static void redraw(pcn_desk *d) {
  desk_duties *t = d->duties;
  GtkWidget *c;
  while ((c = gtk_widget_get_first_child(t->list)))
    gtk_list_box_remove(GTK_LIST_BOX(t->list), c);
  GPtrArray *all = sorted(t);
  int only = gtk_check_button_get_active(GTK_CHECK_BUTTON(t->only_pending));
  guint mine = 0, everyone = 0, due = 0, shown = 0, mine_no = 0, no = 0;
  for (guint i = 0; i < all->len; i++) {
    const Pcn__Duty *e = all->pdata[i];
    guint n = 0;
    for (guint p = 0; p < t->practices->len; p++)
      n += (guint)has_agreed(t, e,
                             g_array_index(t->practices, duty_practice, p).ods);
    int mine_ok = d->practice[0] && has_agreed(t, e, d->practice);
    mine += (guint)mine_ok;
    mine_no += d->practice[0] && disagreement_of(t, e, d->practice);
    for (guint p = 0; p < t->practices->len; p++)
      no +=
          disagreement_of(
              t, e, g_array_index(t->practices, duty_practice, p).ods) != NULL;
    everyone += n == t->practices->len;
    due += (guint)e->review_due;
    if (only && (d->practice[0] ? mine_ok : n == t->practices->len)) continue;
    gtk_list_box_append(GTK_LIST_BOX(t->list), row_of(d, e));
    shown++;
  }
  char text[300];
  int pm = d->role == PCN__ROLE__PRACTICE_MANAGER && d->practice[0];
  const char *mine_name = desk_practice_words(d, d->practice);
  if (pm && mine_no)
    snprintf(text, sizeof text,
             "%s has agreed %u of %u entries and disagrees with %u%s",
             mine_name, mine, all->len, mine_no,
             mine + mine_no == all->len ? "." : "; the rest are pending.");
  else if (pm)
    snprintf(text, sizeof text, "%s has agreed %u of %u entries%s", mine_name,
             mine, all->len,
             mine == all->len ? "." : "; the rest are pending.");
  else
    snprintf(text, sizeof text, "Agreed by every practice: %u of %u entries.",
             everyone, all->len);
  if (!pm && no) {
    size_t k = strlen(text);
    snprintf(text + k, sizeof text - k, " %u %s.", no,
             no == 1 ? "disagreement" : "disagreements");
  }
  if (due) {
    size_t k = strlen(text);
    snprintf(text + k, sizeof text - k, " %u %s due for review.", due,
             due == 1 ? "is" : "are");
  }
  gtk_label_set_text(GTK_LABEL(t->summary), text);
  gtk_widget_set_visible(t->agree_all, pm);
  gtk_widget_set_sensitive(t->agree_all, pm && mine + mine_no < all->len);
  gtk_widget_set_visible(t->add, d->role == PCN__ROLE__PCN_MANAGER);
  if (!shown)
    gtk_list_box_set_placeholder(
        GTK_LIST_BOX(t->list),
        label(all->len ? "Nothing pending." : "The register is empty.",
              "dim-label", 0));
  g_ptr_array_unref(all);
}

static void on_only_pending(GtkCheckButton *b, gpointer ud) {
  (void)b;
  changed(ud);
}

GtkWidget *duties_view_new(pcn_desk *d) {
  desk_duties *t = g_new0(desk_duties, 1);
  d->duties = t;
  t->by_id =
      g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, duty_free);
  t->agreements =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  t->disagreements =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, disagreement_free);
  t->practices = g_array_new(FALSE, TRUE, sizeof(duty_practice));

  t->summary = label("Loading the register…", NULL, 1);
  gtk_widget_set_hexpand(t->summary, TRUE);
  t->only_pending = gtk_check_button_new_with_mnemonic("Only _pending");
  gtk_widget_set_tooltip_text(t->only_pending,
                              "Only entries your practice (or, for the "
                              "network, any practice) has not agreed");
  g_signal_connect(t->only_pending, "toggled", G_CALLBACK(on_only_pending), d);
  t->agree_all = gtk_button_new_with_mnemonic("A_gree all pending");
  gtk_widget_add_css_class(t->agree_all, "suggested-action");
  gtk_widget_set_visible(t->agree_all, FALSE);
  g_signal_connect(t->agree_all, "clicked", G_CALLBACK(on_agree_all), d);
  t->add = gtk_button_new_with_mnemonic("_Add entry");
  gtk_widget_set_visible(t->add, FALSE);
  g_signal_connect(t->add, "clicked", G_CALLBACK(on_add), d);
  GtkWidget *bar = desk_bar();
  gtk_box_append(GTK_BOX(bar), t->summary);
  gtk_box_append(GTK_BOX(bar), t->only_pending);
  gtk_box_append(GTK_BOX(bar), t->agree_all);
  gtk_box_append(GTK_BOX(bar), t->add);

  t->note = label(NULL, NULL, 1);
  gtk_widget_set_margin_start(t->note, 12);
  gtk_widget_set_margin_end(t->note, 12);

  t->list = gtk_list_box_new();
  gtk_widget_set_name(t->list, "Responsibilities");
  gtk_list_box_set_selection_mode(GTK_LIST_BOX(t->list), GTK_SELECTION_NONE);
  gtk_accessible_update_property(GTK_ACCESSIBLE(t->list),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                 "The responsibilities register", -1);
  gtk_widget_add_css_class(t->list, "boxed-list");
  gtk_widget_set_margin_start(t->list, 12);
  gtk_widget_set_margin_end(t->list, 12);
  gtk_widget_set_margin_bottom(t->list, 12);
  GtkWidget *scroll = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), t->list);
  gtk_widget_set_vexpand(scroll, TRUE);

  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_name(box, "Responsibilities page");
  gtk_box_append(GTK_BOX(box), bar);
  gtk_box_append(GTK_BOX(box), t->note);
  gtk_box_append(GTK_BOX(box), scroll);
  return box;
}

void duties_free(pcn_desk *d) {
  desk_duties *t = d->duties;
  if (!t) return;
  if (t->form) gtk_window_destroy(GTK_WINDOW(t->form));
  if (t->dform) gtk_window_destroy(GTK_WINDOW(t->dform));
  if (t->redraw_id) g_source_remove(t->redraw_id);
  g_hash_table_destroy(t->by_id);
  g_hash_table_destroy(t->agreements);
  g_hash_table_destroy(t->disagreements);
  for (guint i = 0; i < t->practices->len; i++)
    g_free(g_array_index(t->practices, duty_practice, i).name);
  g_array_free(t->practices, TRUE);
  g_free(t);
  d->duties = NULL;
}

/* ------------------------------------------------------------ registry */

/* Everyone. */
const desk_page duties_page = {
    .id = "duties",
    .title = "Responsibilities",
    .group = DESK_WORK,
    .icon = "view-list-ordered-symbolic",
    .view_new = duties_view_new,
    .load = duties_load,
    .on_event = duties_on_event,
    .free = duties_free,
};
