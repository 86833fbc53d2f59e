/* claims.c - the Claims page: backfill claims for the time practices'
 * people spent at the network's meetings, pending ones first, and the
 * year-end position of every practice below. The PCN manager approves a
 * pending claim (choosing the stream that pays it) or rejects it (saying
 * why); a practice manager claims for a member's attendance with a small
 * form (no role to pick: the server pays the person's own role's rate),
 * and is told when their practice's claim is decided. Claims are decided
 * here one by one; several at once is `pcn funds claim approve 4 5 6`. The
 * server decides who may do what and who sees which claim (the network's people
 * every claim, a practice's people their own); a refusal shows as its
 * sentence.
 *
 * Issue 19: what a person reads has no record numbers, usernames, role
 * keys or ODS codes. A claim reads "Pending · Dr Lucy Turner · GP ·
 * Riverside Surgery · 120 min · £220.00" (its id only in the row's widget
 * name, for the tests), its meeting by title and date; a year-end row
 * starts with the practice's name (the code in its tooltip). The form
 * picks the meeting from a drop-down of the meetings held (title, day and
 * time, newest first) and the person from the person picker (words.h): a
 * practice manager's lists their practice's people, the PCN manager's
 * everyone.
 *
 * Model: copies of the claims by id (the list at load, then every claim
 * event) and the last year-end report, fetched again after each ledger
 * entry (once per main-loop turn), so its figures are the server's own.
 * The form's meetings are the MeetingList of meetings started by the time
 * it was asked (every page of it), fetched at load and again after a
 * meeting event; the person picker is made again when the Members list
 * changes, keeping the person picked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "deskpriv.h"
#include "money.h"
#include "sentences.h"
#include "uktime.h"
#include "validate.h"
#include "words.h"

#define CLAIMS_ROWS_MAX 200
#define MEETING_PAGES_MAX 20 /* of 200 meetings each */

typedef struct desk_claims desk_claims;
struct desk_claims {
  GtkWidget *summary, *note, *list, *form, *c_meeting, *c_user;
  /* The form's meetings: their names in the drop-down, their ids beside
   * (guint64), and the pages being gathered (Pcn__Meeting copies). */
  GtkStringList *meeting_names;
  GArray *meeting_ids;
  GPtrArray *meetings_in;
  int meetings_pages, meetings_loading, meetings_again;
  guint meetings_id;
  int people_drawn; /* the person picker has the Members list's people */
  GtkWidget *y_year, *y_basis, *y_summary, *y_list;
  GtkStringList *streams;
  GHashTable *claims;  /* guint64* id -> Pcn__FundsClaim* (own copy) */
  GHashTable *reasons; /* guint64* id -> gchar* typed, kept across redraws */
  Pcn__FundsYearEndReport *ye;
  guint redraw_id, reload_id;
  /* The Members and Practices lists (people.c) the rows take names from:
   * drawn again when they change (they load after the first draw). */
  GListModel *names[2];
  gulong names_id[2];
};

static const char *state_word(int s) {
  switch (s) {
  case PCN__FUNDS_CLAIM_STATE__CLAIM_APPROVED: return "Approved";
  case PCN__FUNDS_CLAIM_STATE__CLAIM_REJECTED: return "Rejected";
  default: return "Pending";
  }
}

/* The server's refusal in the window's words (words.h). */
static void error_note(pcn_desk *d, const Pcn__Status *st);

/* ------------------------------------------------------------ model */

static void claim_free(gpointer p) {
  pcn__funds_claim__free_unpacked(p, NULL);
}

static void redraw(pcn_desk *d);
static void redraw_year_end(pcn_desk *d);
static void draw_people(pcn_desk *d);

static gboolean redraw_idle(gpointer ud) {
  pcn_desk *d = ud;
  d->claims->redraw_id = 0;
  redraw(d);
  return G_SOURCE_REMOVE;
}

static void changed(pcn_desk *d) {
  if (!d->claims->redraw_id) d->claims->redraw_id = g_idle_add(redraw_idle, d);
}

static void on_names(GListModel *m, guint pos, guint rm, guint add,
                     gpointer ud) {
  (void)pos, (void)rm, (void)add;
  pcn_desk *d = ud;
  if (m == d->claims->names[1]) d->claims->people_drawn = 0;
  changed(d);
}

/* Follows the name lists once they exist. */
static void follow_names(pcn_desk *d) {
  desk_claims *t = d->claims;
  GListStore *lists[2] = {d->practices, d->members};
  for (int i = 0; i < 2; i++) {
    if (t->names[i] || !lists[i]) continue;
    t->names[i] = G_LIST_MODEL(g_object_ref(lists[i]));
    t->names_id[i] =
        g_signal_connect(t->names[i], "items-changed", G_CALLBACK(on_names), d);
  }
}

static void put_claim(pcn_desk *d, const Pcn__FundsClaim *c) {
  Pcn__FundsClaim *copy = desk_copy_msg(&c->base);
  if (!copy) return;
  guint64 *key = g_new(guint64, 1);
  *key = copy->id;
  g_hash_table_replace(d->claims->claims, key, copy);
  changed(d);
}

static void note(pcn_desk *d, const char *text, int error) {
  desk_note(d->claims->note, text, error);
}

static void error_note(pcn_desk *d, const Pcn__Status *st) {
  char words[600];
  desk_error_words(st, words, sizeof words);
  note(d, words, 1);
}

/* Sends req; 0, or -1 (said why). Callbacks check d->claims first: a
 * closing client fails what is in flight after claims_free. */
static int call(pcn_desk *d, Pcn__Request *req, pcn_response_cb cb) {
  return desk_send(d, d->claims->note, req, cb);
}

static void on_year_end(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  if (!d->claims) return;
  desk_claims *t = d->claims;
  if (r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_FUNDS_YEAR_END) {
    gtk_label_set_text(GTK_LABEL(t->y_summary), r->status->message);
    return;
  }
  if (t->ye) pcn__funds_year_end_report__free_unpacked(t->ye, NULL);
  t->ye = desk_copy_msg(&r->funds_year_end->base);
  redraw_year_end(d); /* the claims' rows (and what is typed) stay */
}

static void load_year_end(pcn_desk *d) {
  desk_claims *t = d->claims;
  Pcn__FundsYearEnd y = PCN__FUNDS_YEAR_END__INIT;
  const char *s = gtk_editable_get_text(GTK_EDITABLE(t->y_year));
  y.year = s[0] ? (uint32_t)strtoul(s, NULL, 10) : 0;
  y.basis = gtk_drop_down_get_selected(GTK_DROP_DOWN(t->y_basis)) == 1
                ? PCN__FUNDS_SPLIT__FUNDS_SPLIT_WEIGHTED
                : PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_YEAR_END;
  req.funds_year_end = &y;
  call(d, &req, on_year_end);
}

static gboolean reload_idle(gpointer ud) {
  pcn_desk *d = ud;
  d->claims->reload_id = 0;
  load_year_end(d);
  return G_SOURCE_REMOVE;
}

static void on_show_year(GtkButton *b, gpointer ud) {
  (void)b;
  load_year_end(ud);
}

static void on_list(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  if (!d->claims) return;
  if (r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_FUNDS_CLAIM_PAGE) {
    error_note(d, r->status);
    return;
  }
  for (size_t i = 0; i < r->funds_claim_page->n_claims; i++)
    put_claim(d, r->funds_claim_page->claims[i]);
  changed(d);
}

/* ------------------------------------------------------------ meetings */

static void meeting_free(gpointer p) {
  pcn__meeting__free_unpacked(p, NULL);
}

/* Newest first. */
static gint meeting_order(gconstpointer a, gconstpointer b) {
  const Pcn__Meeting *x = *(Pcn__Meeting *const *)a,
                     *y = *(Pcn__Meeting *const *)b;
  return x->starts_at < y->starts_at ? 1 : x->starts_at > y->starts_at ? -1 : 0;
}

/* The drop-down from the meetings gathered: "Network board, Fri 27 Nov,
 * 13:00", newest first, the meeting picked before still picked. */
static void fill_meetings(pcn_desk *d) {
  desk_claims *t = d->claims;
  guint at = gtk_drop_down_get_selected(GTK_DROP_DOWN(t->c_meeting));
  guint64 was =
      at < t->meeting_ids->len ? g_array_index(t->meeting_ids, guint64, at) : 0;
  g_ptr_array_sort(t->meetings_in, meeting_order);
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  g_array_set_size(t->meeting_ids, 0);
  guint pick = 0;
  for (guint i = 0; i < t->meetings_in->len; i++) {
    const Pcn__Meeting *m = t->meetings_in->pdata[i];
    char when[32];
    desk_datetime_words(m->starts_at, when, sizeof when);
    g_ptr_array_add(names, g_strdup_printf("%s, %s", m->title, when));
    guint64 id = m->id;
    if (id == was) pick = i;
    g_array_append_val(t->meeting_ids, id);
  }
  if (!names->len) g_ptr_array_add(names, g_strdup("No meetings held yet"));
  g_ptr_array_add(names, NULL);
  guint old = g_list_model_get_n_items(G_LIST_MODEL(t->meeting_names));
  gtk_string_list_splice(t->meeting_names, 0, old,
                         (const char *const *)names->pdata);
  g_ptr_array_unref(names);
  gtk_drop_down_set_selected(GTK_DROP_DOWN(t->c_meeting), pick);
  g_ptr_array_set_size(t->meetings_in, 0);
}

static void load_meetings(pcn_desk *d, const char *after);

static void on_meetings(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  if (!d->claims) return;
  desk_claims *t = d->claims;
  if (r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_MEETINGS) {
    t->meetings_loading = 0;
    g_ptr_array_set_size(t->meetings_in, 0);
    error_note(d, r->status);
    return;
  }
  const Pcn__MeetingPage *pg = r->meetings;
  for (size_t i = 0; i < pg->n_meetings; i++)
    if (!pg->meetings[i]->cancelled)
      g_ptr_array_add(t->meetings_in, desk_copy_msg(&pg->meetings[i]->base));
  if (!t->meetings_again && pg->next[0] &&
      ++t->meetings_pages < MEETING_PAGES_MAX) {
    load_meetings(d, pg->next);
    return;
  }
  t->meetings_loading = 0;
  if (t->meetings_again) { /* changed while gathering: from the start */
    g_ptr_array_set_size(t->meetings_in, 0);
    load_meetings(d, NULL);
    return;
  }
  fill_meetings(d);
}

/* The meetings started by now, every page (after: the next page's
 * cursor, NULL to start); one gathering at a time, another asked for
 * while one runs starting again when it ends. */
static void load_meetings(pcn_desk *d, const char *after) {
  desk_claims *t = d->claims;
  if (!after) {
    if (t->meetings_loading) {
      t->meetings_again = 1;
      return;
    }
    t->meetings_again = 0;
    t->meetings_pages = 0;
    g_ptr_array_set_size(t->meetings_in, 0);
  }
  Pcn__MeetingList l = PCN__MEETING_LIST__INIT;
  l.starts_before = pcn_now_ms() + 1;
  l.limit = 200;
  l.after = (char *)(after ? after : "");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEETING_LIST;
  req.meeting_list = &l;
  t->meetings_loading = call(d, &req, on_meetings) == 0;
}

static gboolean meetings_idle(gpointer ud) {
  pcn_desk *d = ud;
  d->claims->meetings_id = 0;
  load_meetings(d, NULL);
  return G_SOURCE_REMOVE;
}

void claims_load(pcn_desk *d) {
  if (!d->claims) return;
  Pcn__Request req = PCN__REQUEST__INIT;
  Pcn__FundsClaimList l = PCN__FUNDS_CLAIM_LIST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_CLAIM_LIST;
  req.funds_claim_list = &l;
  if (call(d, &req, on_list)) return;
  load_year_end(d);
  load_meetings(d, NULL);
  changed(d);
}

void claims_on_event(pcn_desk *d, const Pcn__Event *ev) {
  desk_claims *t = d->claims;
  if (!t) return;
  if (ev->record_case == PCN__EVENT__RECORD_FUNDS_ENTRY ||
      ev->record_case == PCN__EVENT__RECORD_FUNDS_FIGURES) {
    if (!t->reload_id) t->reload_id = g_idle_add(reload_idle, d);
  } else if (ev->record_case == PCN__EVENT__RECORD_MEETING) {
    if (!t->meetings_id) t->meetings_id = g_idle_add(meetings_idle, d);
  } else if (ev->record_case == PCN__EVENT__RECORD_FUNDS_CLAIM) {
    const Pcn__FundsClaim *c = ev->funds_claim;
    put_claim(d, c);
    /* A practice manager hears when their practice's claim is decided. */
    if (d->role == PCN__ROLE__PRACTICE_MANAGER && d->practice[0] &&
        !strcmp(c->practice, d->practice) &&
        c->state != PCN__FUNDS_CLAIM_STATE__CLAIM_PENDING) {
      char id[40], amt[PCN_PENCE_BUF], body[600], day[24];
      int ok = c->state == PCN__FUNDS_CLAIM_STATE__CLAIM_APPROVED;
      snprintf(id, sizeof id, "claim-%llu", (unsigned long long)c->id);
      pcn_pence_format(c->pence, 1, amt);
      desk_date_words(c->meeting_date, day, sizeof day, DESK_DATE_YEAR);
      snprintf(body, sizeof body, "%s for %s at %s (%s)%s%s", amt,
               desk_person_words(d, c->username),
               c->meeting_title[0] ? c->meeting_title : "a meeting", day,
               ok ? "" : ": ", ok ? "" : c->reason);
      desk_notice(d, ev, id,
                  ok ? "Your practice's backfill claim was approved"
                     : "Your practice's backfill claim was rejected",
                  body);
    }
  }
}

/* ------------------------------------------------------------ actions */

static void on_done(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  if (!d->claims) return;
  if (r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_FUNDS_CLAIM) {
    error_note(d, r->status);
    if (r->body_case == PCN__RESPONSE__BODY_FUNDS_CLAIM)
      put_claim(d, r->funds_claim); /* CONFLICT: the claim as it stands */
    return;
  }
  const Pcn__FundsClaim *c = r->funds_claim;
  char amt[PCN_PENCE_BUF], text[400];
  pcn_pence_format(c->pence, 1, amt);
  const char *who = desk_person_words(d, c->username),
             *at = c->meeting_title[0] ? c->meeting_title : "a meeting";
  if (c->state == PCN__FUNDS_CLAIM_STATE__CLAIM_PENDING)
    snprintf(text, sizeof text,
             "Claimed %s for %s's time at %s; it waits for the PCN manager's "
             "decision.",
             amt, who, at);
  else
    snprintf(text, sizeof text, "%s the claim of %s for %s's time at %s.",
             c->state == PCN__FUNDS_CLAIM_STATE__CLAIM_APPROVED ? "Approved"
                                                                : "Rejected",
             amt, who, at);
  note(d, text, 0);
  put_claim(d, c);
}

static void on_claim(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  desk_claims *t = d->claims;
  Pcn__FundsClaimCreate r = PCN__FUNDS_CLAIM_CREATE__INIT;
  guint at = gtk_drop_down_get_selected(GTK_DROP_DOWN(t->c_meeting));
  if (at >= t->meeting_ids->len) {
    note(d,
         "Meeting: no meeting has been held yet; a claim is for time at one "
         "that has.",
         1);
    return;
  }
  r.meeting_id = g_array_index(t->meeting_ids, guint64, at);
  const char *user = t->c_user ? desk_person_picker_get(t->c_user) : NULL;
  if (!user || !user[0]) {
    note(d, "Person: there is no one to claim for in the Members list yet.", 1);
    return;
  }
  r.username = (char *)user;
  r.role = ""; /* the server's: the person's own role (issue 20) */
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_CLAIM_CREATE;
  req.funds_claim_create = &r;
  call(d, &req, on_done);
}

/* A row's decision controls carry the claim's id (and the row's stream
 * picker and reason entry) as object data. */
/* A decision on its way: what the request needs, copied, as the
 * confirmation can outlive the row that asked. */
struct decision {
  pcn_desk *d;
  uint64_t id, version;
  int approve;
  char *stream, *reason;
};

static void decision_free(gpointer p) {
  struct decision *x = p;
  g_free(x->stream);
  g_free(x->reason);
  g_free(x);
}

static void send_decision(gpointer p) {
  struct decision *x = p;
  if (!x->d->claims) return;
  Pcn__FundsClaimDecide r = PCN__FUNDS_CLAIM_DECIDE__INIT;
  r.id = x->id;
  r.version = x->version;
  r.approve = x->approve;
  r.stream = x->stream ? x->stream : "";
  r.reason = x->reason ? x->reason : "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_CLAIM_DECIDE;
  req.funds_claim_decide = &r;
  call(x->d, &req, on_done);
}

/* Approving sends at once (it pays what the meeting's attendance earned);
 * rejecting asks first, naming the claim, who and what it was for, and
 * what the practice will be told (issue 19). */
static void decide(GtkButton *b, pcn_desk *d, int approve) {
  guint64 id = GPOINTER_TO_SIZE(g_object_get_data(G_OBJECT(b), "claim"));
  const Pcn__FundsClaim *c = g_hash_table_lookup(d->claims->claims, &id);
  if (!c) return;
  struct decision *x = g_new0(struct decision, 1);
  x->d = d;
  x->id = c->id;
  x->version = c->version;
  x->approve = approve;
  if (approve) {
    GtkWidget *dd = g_object_get_data(G_OBJECT(b), "stream");
    GObject *o = gtk_drop_down_get_selected_item(GTK_DROP_DOWN(dd));
    x->stream = g_strdup(o ? gtk_string_object_get_string(GTK_STRING_OBJECT(o))
                           : "core");
    send_decision(x);
    decision_free(x);
    return;
  }
  GtkWidget *e = g_object_get_data(G_OBJECT(b), "reason");
  const char *reason = gtk_editable_get_text(GTK_EDITABLE(e));
  if (!reason[0]) {
    note(d, "Reason: say why the claim is rejected.", 1);
    decision_free(x);
    return;
  }
  x->reason = g_strdup(reason);
  char amt[PCN_PENCE_BUF], day[24], heading[200];
  pcn_pence_format(c->pence, 1, amt);
  desk_date_words(c->meeting_date, day, sizeof day, DESK_DATE_YEAR);
  snprintf(heading, sizeof heading, "Reject the claim for %s's time?",
           desk_person_words(d, c->username));
  char *body = g_strdup_printf(
      "%s's claim of %s for %s (%s, %s) will be rejected: nothing is paid, "
      "and %s is told the reason, “%s”. The decision is final; the "
      "practice may claim for the attendance again.",
      desk_person_words(d, c->username), amt, c->meeting_title, day,
      desk_practice_words(d, c->practice), desk_practice_words(d, c->practice),
      reason);
  desk_confirm(GTK_WINDOW(d->window), heading, body, "Reject claim", TRUE,
               send_decision, x, decision_free);
  g_free(body);
}

/* A reason being typed survives the list being drawn again. */
static void on_reason_changed(GtkEditable *e, gpointer ud) {
  pcn_desk *d = ud;
  guint64 *key = g_new(guint64, 1);
  *key = GPOINTER_TO_SIZE(g_object_get_data(G_OBJECT(e), "claim"));
  g_hash_table_replace(d->claims->reasons, key,
                       g_strdup(gtk_editable_get_text(e)));
}

static void on_approve(GtkButton *b, gpointer ud) {
  decide(b, ud, 1);
}
static void on_reject(GtkButton *b, gpointer ud) {
  decide(b, ud, 0);
}

/* ------------------------------------------------------------ drawing */

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

static GtkWidget *row_with(const char *name, const char *a11y, GtkWidget *c) {
  GtkWidget *row = gtk_list_box_row_new();
  gtk_widget_set_name(row, name);
  gtk_accessible_update_property(GTK_ACCESSIBLE(row),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
  gtk_widget_set_margin_start(c, 12);
  gtk_widget_set_margin_end(c, 12);
  gtk_widget_set_margin_top(c, 6);
  gtk_widget_set_margin_bottom(c, 6);
  gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(row), c);
  return row;
}

static GtkWidget *named(GtkWidget *w, const char *name) {
  gtk_widget_set_name(w, name);
  gtk_accessible_update_property(GTK_ACCESSIBLE(w),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return w;
}

/* The PCN manager's controls for a pending claim: a stream and Approve, a
 * reason and Reject. */
static GtkWidget *decision_box(pcn_desk *d, const Pcn__FundsClaim *c) {
  char name[64];
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
  snprintf(name, sizeof name, "Stream for claim %llu",
           (unsigned long long)c->id);
  GtkWidget *dd = named(
      gtk_drop_down_new(G_LIST_MODEL(g_object_ref(d->claims->streams)), NULL),
      name);
  desk_stream_dropdown(d, dd);
  snprintf(name, sizeof name, "Approve claim %llu", (unsigned long long)c->id);
  GtkWidget *ok = named(gtk_button_new_with_label("Approve"), name);
  gtk_widget_add_css_class(ok, "suggested-action");
  snprintf(name, sizeof name, "Reason for claim %llu",
           (unsigned long long)c->id);
  GtkWidget *why = desk_entry(name, "Why it is rejected", 0);
  gtk_widget_set_hexpand(why, TRUE);
  snprintf(name, sizeof name, "Reject claim %llu", (unsigned long long)c->id);
  GtkWidget *no = named(gtk_button_new_with_label("Reject"), name);
  gtk_widget_add_css_class(no, "destructive-action");
  gpointer id = GSIZE_TO_POINTER((gsize)c->id);
  g_object_set_data(G_OBJECT(ok), "claim", id);
  g_object_set_data(G_OBJECT(ok), "stream", dd);
  g_object_set_data(G_OBJECT(no), "claim", id);
  g_object_set_data(G_OBJECT(no), "reason", why);
  g_object_set_data(G_OBJECT(why), "claim", id);
  guint64 key = c->id;
  const char *typed = g_hash_table_lookup(d->claims->reasons, &key);
  if (typed) gtk_editable_set_text(GTK_EDITABLE(why), typed);
  g_signal_connect(why, "changed", G_CALLBACK(on_reason_changed), d);
  g_signal_connect(ok, "clicked", G_CALLBACK(on_approve), d);
  g_signal_connect(no, "clicked", G_CALLBACK(on_reject), d);
  gtk_box_append(GTK_BOX(box), dd);
  gtk_box_append(GTK_BOX(box), ok);
  gtk_box_append(GTK_BOX(box), why);
  gtk_box_append(GTK_BOX(box), no);
  return box;
}

/* "Pending · Dr Lucy Turner · GP · Riverside Surgery · 120 min ·
 * £220.00" over "Network board, 27 Nov 2026. £110.00 an hour." and what
 * was decided; the practice's code in the tooltip, the claim's id only in
 * the widgets' names. */
static GtkWidget *claim_row(pcn_desk *d, const Pcn__FundsClaim *c) {
  char amt[PCN_PENCE_BUF], rate[PCN_PENCE_BUF], top[400], sub[500], name[40],
      role[80];
  pcn_pence_format(c->pence, 1, amt);
  pcn_pence_format(c->pence_per_hour, 1, rate);
  desk_claim_role_words(c->role, 1, role, sizeof role);
  char day[24];
  desk_date_words(c->meeting_date, day, sizeof day, DESK_DATE_YEAR);
  const char *practice = desk_practice_words(d, c->practice);
  snprintf(top, sizeof top, "%s · %s · %s · %s · %u min · %s",
           state_word(c->state), desk_person_words(d, c->username), role,
           practice, c->minutes, amt);
  int n =
      snprintf(sub, sizeof sub, "%s, %s. %s an hour.",
               c->meeting_title[0] ? c->meeting_title : "A meeting", day, rate);
  if (c->state == PCN__FUNDS_CLAIM_STATE__CLAIM_APPROVED && n > 0) {
    char paid[24] = "", iso[11];
    if (c->decided_at) {
      pcn_date_format(pcn_london_day_of_ms(c->decided_at), iso);
      desk_date_words(iso, paid, sizeof paid, DESK_DATE_YEAR);
    }
    snprintf(sub + n, sizeof sub - (size_t)n, " Paid from %s%s%s.",
             desk_stream_words(d, c->stream), paid[0] ? " on " : "", paid);
  } else if (c->state == PCN__FUNDS_CLAIM_STATE__CLAIM_REJECTED && n > 0) {
    snprintf(sub + n, sizeof sub - (size_t)n, " Rejected: %s", c->reason);
  }
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *head = label(top, "heading", 1);
  if (strcmp(practice, c->practice)) {
    char *tip = g_strdup_printf("%s (%s)", practice, c->practice);
    gtk_widget_set_tooltip_text(head, tip);
    g_free(tip);
  }
  gtk_box_append(GTK_BOX(box), head);
  gtk_box_append(GTK_BOX(box), label(sub, "dim-label", 1));
  if (d->role == PCN__ROLE__PCN_MANAGER &&
      c->state == PCN__FUNDS_CLAIM_STATE__CLAIM_PENDING)
    gtk_box_append(GTK_BOX(box), decision_box(d, c));
  snprintf(name, sizeof name, "Claim %llu", (unsigned long long)c->id);
  return row_with(name, top, box);
}

/* Pending first, then newest first. */
static gint claim_order(gconstpointer a, gconstpointer b) {
  const Pcn__FundsClaim *x = *(Pcn__FundsClaim *const *)a,
                        *y = *(Pcn__FundsClaim *const *)b;
  int px = x->state == PCN__FUNDS_CLAIM_STATE__CLAIM_PENDING,
      py = y->state == PCN__FUNDS_CLAIM_STATE__CLAIM_PENDING;
  if (px != py) return py - px;
  return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

static void clear(GtkWidget *list) {
  GtkWidget *c;
  while ((c = gtk_widget_get_first_child(list)))
    gtk_list_box_remove(GTK_LIST_BOX(list), c);
}

/* 12400 -> "12,400". */
static const char *count_words(unsigned v, char out[16]) {
  if (v >= 1000000)
    snprintf(out, 16, "%u,%03u,%03u", v / 1000000, v / 1000 % 1000, v % 1000);
  else if (v >= 1000)
    snprintf(out, 16, "%u,%03u", v / 1000, v % 1000);
  else
    snprintf(out, 16, "%u", v);
  return out;
}

static void redraw_year_end(pcn_desk *d) {
  desk_claims *t = d->claims;
  clear(t->y_list);
  if (!t->ye) return;
  const Pcn__FundsYearEndReport *y = t->ye;
  char a[PCN_PENCE_BUF], b[PCN_PENCE_BUF], c[PCN_PENCE_BUF], e[PCN_PENCE_BUF],
      text[600], on[24];
  desk_date_words(y->figures_date, on, sizeof on, DESK_DATE_YEAR);
  snprintf(
      text, sizeof text,
      "Year %u/%02u (April %u to March %u), shares by %s on %s: the "
      "network received %s, paid practices %s, spent %s, and held %s "
      "at the year's end.",
      y->year, (y->year + 1) % 100, y->year, y->year + 1,
      y->basis == PCN__FUNDS_SPLIT__FUNDS_SPLIT_WEIGHTED ? "weighted population"
                                                         : "list size",
      on, pcn_pence_format(y->received, 1, a), pcn_pence_format(y->paid, 1, b),
      pcn_pence_format(y->spent, 1, c), pcn_pence_format(y->held, 1, e));
  /* Pass-through streams left out of the rows (issue 20). */
  for (size_t i = 0; i < y->n_left_out; i++) {
    size_t at = strlen(text);
    snprintf(text + at, sizeof text - at, "%s%s",
             i ? ", " : " Left out of the practices' rows: pass-through ",
             y->left_out[i]);
  }
  if (y->n_left_out) {
    size_t at = strlen(text);
    snprintf(text + at, sizeof text - at, " (%s paid to practices).",
             pcn_pence_format(y->left_out_paid, 1, a));
  }
  gtk_label_set_text(GTK_LABEL(t->y_summary), text);
  for (size_t i = 0; i < y->n_rows; i++) {
    const Pcn__FundsYearEndRow *x = y->rows[i];
    char f[PCN_PENCE_BUF], name[48], patients[16];
    const char *called =
        x->name[0] ? x->name : desk_practice_words(d, x->practice);
    snprintf(text, sizeof text,
             "%s · %s patients · distributed %s + claimed %s = %s · "
             "share %s · %s %s",
             called,
             count_words(y->basis == PCN__FUNDS_SPLIT__FUNDS_SPLIT_WEIGHTED
                             ? x->weighted
                             : x->list_size,
                         patients),
             pcn_pence_format(x->distributed, 1, a),
             pcn_pence_format(x->claimed, 1, b),
             pcn_pence_format(x->received, 1, c),
             pcn_pence_format(x->share, 1, e),
             x->difference >= 0 ? "surplus" : "shortfall",
             pcn_pence_format(
                 x->difference >= 0 ? x->difference : -x->difference, 1, f));
    snprintf(name, sizeof name, "Year end %s", x->practice);
    GtkWidget *l = label(text, NULL, 1);
    char *tip = g_strdup_printf("%s (%s)", called, x->practice);
    gtk_widget_set_tooltip_text(l, tip);
    g_free(tip);
    if (x->difference < 0) gtk_widget_add_css_class(l, "warning");
    gtk_list_box_append(GTK_LIST_BOX(t->y_list), row_with(name, text, l));
  }
}

static void redraw(pcn_desk *d) {
  desk_claims *t = d->claims;
  follow_names(d);
  gtk_widget_set_visible(t->form, d->role == PCN__ROLE__PRACTICE_MANAGER ||
                                      d->role == PCN__ROLE__PCN_MANAGER);
  if (!t->people_drawn) draw_people(d);
  clear(t->list);
  GPtrArray *all = g_ptr_array_new();
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, t->claims);
  while (g_hash_table_iter_next(&it, &k, &v))
    g_ptr_array_add(all, v);
  g_ptr_array_sort(all, claim_order);
  int64_t pending = 0;
  guint npending = 0;
  for (guint i = 0; i < all->len; i++) {
    const Pcn__FundsClaim *c = all->pdata[i];
    if (c->state == PCN__FUNDS_CLAIM_STATE__CLAIM_PENDING) {
      pending += c->pence;
      npending++;
    }
    if (i < CLAIMS_ROWS_MAX)
      gtk_list_box_append(GTK_LIST_BOX(t->list), claim_row(d, c));
  }
  char amt[PCN_PENCE_BUF], text[200];
  snprintf(text, sizeof text, "%u claim%s waiting for a decision: %s.",
           npending, npending == 1 ? "" : "s",
           pcn_pence_format(pending, 1, amt));
  gtk_label_set_text(GTK_LABEL(t->summary), text);
  if (!all->len)
    gtk_list_box_set_placeholder(
        GTK_LIST_BOX(t->list),
        desk_empty_state(
            "Claims empty", "mail-send-symbolic", "No backfill claims yet",
            d->role == PCN__ROLE__PCN_MANAGER ||
                    d->role == PCN__ROLE__PRACTICE_MANAGER
                ? "Claim for a member's time at a network meeting with the "
                  "form on this page; the claim waits here for the PCN "
                  "manager's decision."
                : "No claims for meeting time have been made yet."));
  g_ptr_array_unref(all);
  redraw_year_end(d);
}

static GtkWidget *boxed_list(const char *name, const char *a11y) {
  GtkWidget *l = gtk_list_box_new();
  gtk_widget_set_name(l, name);
  gtk_list_box_set_selection_mode(GTK_LIST_BOX(l), GTK_SELECTION_NONE);
  gtk_accessible_update_property(GTK_ACCESSIBLE(l),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  gtk_widget_add_css_class(l, "boxed-list");
  return l;
}

/* The meeting drop-down's items as labels that ellipsize past 48
 * characters (the whole title in the tooltip): a long title does not
 * widen the page. */
static void item_setup(GtkSignalListItemFactory *f, GtkListItem *li,
                       gpointer ud) {
  (void)f, (void)ud;
  GtkWidget *l = gtk_label_new("");
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  gtk_label_set_ellipsize(GTK_LABEL(l), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars(GTK_LABEL(l), 48);
  gtk_list_item_set_child(li, l);
}

static void item_bind(GtkSignalListItemFactory *f, GtkListItem *li,
                      gpointer ud) {
  (void)f, (void)ud;
  GtkStringObject *o = gtk_list_item_get_item(li);
  const char *text = o ? gtk_string_object_get_string(o) : "";
  gtk_label_set_text(GTK_LABEL(gtk_list_item_get_child(li)), text);
  gtk_widget_set_tooltip_text(gtk_list_item_get_child(li), text);
}

/* The form's person picker, made again (the person picked kept) from the
 * Members list: a practice manager's practice's people, or everyone for
 * the PCN manager (the server refuses the network's own people, saying
 * why). */
static void draw_people(pcn_desk *d) {
  desk_claims *t = d->claims;
  GtkWidget *g = t->form;
  char *was = t->c_user && GTK_IS_DROP_DOWN(t->c_user)
                  ? g_strdup(desk_person_picker_get(t->c_user))
                  : NULL;
  if (t->c_user) gtk_grid_remove(GTK_GRID(g), t->c_user);
  t->c_user =
      named(desk_person_picker_new(
                d, d->role == PCN__ROLE__PRACTICE_MANAGER ? d->practice : NULL),
            "Claim person");
  gtk_widget_set_hexpand(t->c_user, TRUE);
  if (was) desk_person_picker_set(t->c_user, was);
  g_free(was);
  gtk_grid_attach(GTK_GRID(g), t->c_user, 1, 2, 1, 1);
  GtkWidget *l = gtk_grid_get_child_at(GTK_GRID(g), 0, 2);
  if (GTK_IS_LABEL(l)) gtk_label_set_mnemonic_widget(GTK_LABEL(l), t->c_user);
  t->people_drawn = d->members != NULL;
}

static GtkWidget *claim_form(pcn_desk *d) {
  desk_claims *t = d->claims;
  GtkWidget *g = gtk_grid_new();
  t->form = g;
  gtk_grid_set_row_spacing(GTK_GRID(g), 6);
  gtk_grid_set_column_spacing(GTK_GRID(g), 12);
  gtk_grid_attach(GTK_GRID(g),
                  label("Claim for a member's attendance", "heading", 0), 0, 0,
                  2, 1);
  t->meeting_names = gtk_string_list_new(NULL);
  t->meeting_ids = g_array_new(FALSE, FALSE, sizeof(guint64));
  t->meetings_in = g_ptr_array_new_with_free_func(meeting_free);
  const char *const loading[] = {"Loading the meetings…", NULL};
  gtk_string_list_splice(t->meeting_names, 0, 0, loading);
  t->c_meeting =
      desk_field(g, 1, "_Meeting",
                 named(gtk_drop_down_new(
                           G_LIST_MODEL(g_object_ref(t->meeting_names)), NULL),
                       "Claim meeting"));
  gtk_widget_set_hexpand(t->c_meeting, TRUE);
  GtkListItemFactory *items = gtk_signal_list_item_factory_new();
  g_signal_connect(items, "setup", G_CALLBACK(item_setup), NULL);
  g_signal_connect(items, "bind", G_CALLBACK(item_bind), NULL);
  gtk_drop_down_set_factory(GTK_DROP_DOWN(t->c_meeting), items);
  g_object_unref(items);
  t->c_user = desk_field(g, 2, "_Person", gtk_label_new("")); /* for now */
  draw_people(d);
  gtk_grid_attach(GTK_GRID(g),
                  named(label("Paid at the rate of the person's own role: a "
                              "GP's, a practice manager's or staff's.",
                              "dim-label", 1),
                        "Claim role note"),
                  0, 3, 2, 1);
  GtkWidget *go = gtk_button_new_with_mnemonic("_Claim");
  gtk_widget_set_name(go, "Claim");
  gtk_widget_add_css_class(go, "suggested-action");
  gtk_widget_set_halign(go, GTK_ALIGN_END);
  g_signal_connect(go, "clicked", G_CALLBACK(on_claim), d);
  gtk_grid_attach(GTK_GRID(g), go, 1, 4, 1, 1);
  gtk_widget_set_name(g, "Claim form");
  gtk_widget_set_margin_start(g, 12);
  gtk_widget_set_visible(g, FALSE);
  return g;
}

static GtkWidget *year_bar(pcn_desk *d) {
  desk_claims *t = d->claims;
  GtkWidget *bar = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append(GTK_BOX(bar), label("Year end", "title-4", 0));
  t->y_year = desk_entry("Financial year", "last ended", 0);
  gtk_editable_set_width_chars(GTK_EDITABLE(t->y_year), 10);
  GtkWidget *yl = gtk_label_new_with_mnemonic("_Year");
  gtk_label_set_mnemonic_widget(GTK_LABEL(yl), t->y_year);
  static const char *const bases[] = {"By list size", "By weighted population",
                                      NULL};
  t->y_basis = named(gtk_drop_down_new_from_strings(bases), "Shares by");
  GtkWidget *show = gtk_button_new_with_mnemonic("_Show");
  gtk_widget_set_name(show, "Show year end");
  g_signal_connect(show, "clicked", G_CALLBACK(on_show_year), d);
  gtk_box_append(GTK_BOX(bar), yl);
  gtk_box_append(GTK_BOX(bar), t->y_year);
  gtk_box_append(GTK_BOX(bar), t->y_basis);
  gtk_box_append(GTK_BOX(bar), show);
  return bar;
}

GtkWidget *claims_view_new(pcn_desk *d) {
  desk_claims *t = g_new0(desk_claims, 1);
  d->claims = t;
  t->claims =
      g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, claim_free);
  t->reasons =
      g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  t->streams = g_object_ref(d->streams);

  t->summary = label("Loading the claims…", "heading", 1);
  gtk_widget_set_name(t->summary, "Claims summary");
  t->note = label(NULL, NULL, 1);
  gtk_widget_set_name(t->note, "Claims note");
  t->form = claim_form(d);
  t->list = boxed_list("Claims", "Backfill claims, pending first");
  t->y_summary = label("", "dim-label", 1);
  gtk_widget_set_name(t->y_summary, "Year end summary");
  t->y_list = boxed_list("Year end", "Each practice's year against its share");

  GtkWidget *col = gtk_box_new(GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start(col, 12);
  gtk_widget_set_margin_end(col, 12);
  gtk_widget_set_margin_top(col, 6);
  gtk_widget_set_margin_bottom(col, 12);
  gtk_box_append(GTK_BOX(col), t->summary);
  gtk_box_append(GTK_BOX(col), t->note);
  gtk_box_append(GTK_BOX(col), t->form);
  gtk_box_append(GTK_BOX(col), t->list);
  gtk_box_append(GTK_BOX(col), year_bar(d));
  gtk_box_append(GTK_BOX(col), t->y_summary);
  gtk_box_append(GTK_BOX(col), t->y_list);
  GtkWidget *scroll = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), col);
  gtk_widget_set_vexpand(scroll, TRUE);
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_name(box, "Claims page");
  gtk_box_append(GTK_BOX(box), scroll);
  return box;
}

void claims_free(pcn_desk *d) {
  desk_claims *t = d->claims;
  if (!t) return;
  if (t->redraw_id) g_source_remove(t->redraw_id);
  if (t->reload_id) g_source_remove(t->reload_id);
  if (t->meetings_id) g_source_remove(t->meetings_id);
  for (int i = 0; i < 2; i++)
    if (t->names[i]) {
      g_signal_handler_disconnect(t->names[i], t->names_id[i]);
      g_object_unref(t->names[i]);
    }
  g_hash_table_destroy(t->claims);
  g_hash_table_destroy(t->reasons);
  if (t->ye) pcn__funds_year_end_report__free_unpacked(t->ye, NULL);
  g_object_unref(t->streams);
  g_object_unref(t->meeting_names);
  g_array_unref(t->meeting_ids);
  g_ptr_array_unref(t->meetings_in);
  g_free(t);
  d->claims = NULL;
}

/* ------------------------------------------------------------ registry */

/* What waits on the member: for the PCN manager, the claims pending their
 * decision. */
static unsigned claims_needs_me(pcn_desk *d) {
  desk_claims *t = d->claims;
  if (!t || d->role != PCN__ROLE__PCN_MANAGER) return 0;
  unsigned n = 0;
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init(&it, t->claims);
  while (g_hash_table_iter_next(&it, NULL, &v))
    n += ((Pcn__FundsClaim *)v)->state == PCN__FUNDS_CLAIM_STATE__CLAIM_PENDING;
  return n;
}

static int claims_shown(pcn_desk *d) {
  return !desk_role_is_staff(d);
}

/* Not staff: practices claim backfill through their manager. */
const desk_page claims_page = {
    .id = "claims",
    .title = "Claims",
    .group = DESK_MONEY,
    .icon = "document-send-symbolic",
    .view_new = claims_view_new,
    .load = claims_load,
    .on_event = claims_on_event,
    .free = claims_free,
    .shown = claims_shown,
    .needs_me = claims_needs_me,
};
