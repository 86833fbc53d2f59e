/* asks.c - the Asks page. For the network's people (PCN manager, clinical
 * director): every ask with a strip of its practices' answers
 * (acknowledged, done, declined, or none yet; owed past the due date shows
 * as overdue) and a New ask form whose urgent reason appears only when the
 * due date gives less than the network's notice. For a practice's
 * members: the asks of their practice, by due date with the overdue first,
 * and, for the practice manager, Answer (acknowledge, done with a note or
 * link, decline with a reason). The urgent asks per month head the page,
 * for everyone.
 *
 * The asks are loaded after the first connect and kept live from the
 * feed: an ask or answer event replaces what it is newer than. Asks are
 * few (tens open), so the list is a GtkListBox rebuilt on change. Notices:
 * a new ask to the member's practice, a reminder to it, and, for the one
 * who asked, a practice declining.
 *
 * Overdue is the reader's (issue 20): open, due before today's London
 * date, and owed by a practice the reader answers for (their own; for the
 * network's people any, with how many). Such a row has the "overdue"
 * style class and says "Overdue" in words; what the reader owes sorts
 * first, asks they have answered after.
 *
 * Issue 19: due dates in words ("Wed 9 Dec"), practices by name (the
 * code in a tooltip), people by name; the due date is typed as people in
 * England write it ("9/12/2026", "9 Dec") or picked from a calendar; a
 * refusal shows in words under the field it names. The strip wraps (a
 * GtkFlowBox, each name ellipsized past the row's width, whole in its
 * tooltip), so a row fits 1024x768 however many practices and however
 * long their names; the rows and the heading follow the Practices list
 * (a practice named later, or renamed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uktime.h"
#include "words.h"
#include "validate.h"

#define ASK_PRACTICES 30

typedef struct desk_asks desk_asks;

/* One ask and the answers this member may see (copies, owned). */
typedef struct ask_row {
  Pcn__Ask *ask;
  Pcn__AskAnswer *ans[ASK_PRACTICES];
  size_t n;
} ask_row;

struct desk_asks {
  GPtrArray *rows; /* ask_row, owned */
  GtkWidget *list, *summary, *heading, *new_btn;
  guint rebuild_id, clock_id;
  GListModel *practices_watched; /* the Practices list, for its names */
  gulong practices_handler;
  char today[11], fair[11];
  unsigned min_notice;
  char month[8];           /* the current month, YYYY-MM */
  unsigned month_asks[12]; /* asks and urgent ones per month, newest first */
  unsigned month_urgent[12];
  char month_name[12][8];
  /* New ask form */
  GtkWidget *d_title_error, *d_due_error, *d_reason_error;
  GtkWidget *dialog, *d_title, *d_need, *d_due, *d_all, *d_checks, *d_hint,
      *d_reason, *d_reason_label, *d_error, *d_create;
  /* Answer form */
  GtkWidget *answer, *a_state, *a_note, *a_link, *a_error, *a_send;
  guint64 a_id;
  guint32 a_version;
};

/* ------------------------------------------------------------ records */

static void row_free(gpointer p) {
  ask_row *r = p;
  if (r->ask) pcn__ask__free_unpacked(r->ask, NULL);
  for (size_t i = 0; i < r->n; i++)
    pcn__ask_answer__free_unpacked(r->ans[i], NULL);
  g_free(r);
}

static ask_row *find(desk_asks *a, guint64 id) {
  for (guint i = 0; i < a->rows->len; i++) {
    ask_row *r = a->rows->pdata[i];
    if (r->ask->id == id) return r;
  }
  return NULL;
}

static int is_network(pcn_desk *d) {
  return d->role == PCN__ROLE__PCN_MANAGER ||
         d->role == PCN__ROLE__CLINICAL_DIRECTOR;
}

static int asked_of(const Pcn__Ask *ask, const char *practice) {
  for (size_t i = 0; i < ask->n_practices; i++)
    if (!strcmp(ask->practices[i], practice)) return 1;
  return 0;
}

/* Puts ans in r unless r has a newer one for that practice. */
static void put_answer(ask_row *r, const Pcn__AskAnswer *ans) {
  for (size_t i = 0; i < r->n; i++) {
    if (strcmp(r->ans[i]->practice, ans->practice)) continue;
    if (ans->version < r->ans[i]->version) return;
    pcn__ask_answer__free_unpacked(r->ans[i], NULL);
    r->ans[i] = desk_copy_msg(&ans->base);
    return;
  }
  if (r->n < ASK_PRACTICES) r->ans[r->n++] = desk_copy_msg(&ans->base);
}

/* Puts ask in the rows (newer versions only); a new one gets an empty
 * answer for each practice this member may see. */
static ask_row *put_ask(pcn_desk *d, const Pcn__Ask *ask) {
  desk_asks *a = d->asks;
  ask_row *r = find(a, ask->id);
  if (r) {
    if (ask->version < r->ask->version) return r;
    pcn__ask__free_unpacked(r->ask, NULL);
    r->ask = desk_copy_msg(&ask->base);
    return r;
  }
  r = g_new0(ask_row, 1);
  r->ask = desk_copy_msg(&ask->base);
  for (size_t i = 0; i < ask->n_practices; i++) {
    if (d->practice[0] && strcmp(ask->practices[i], d->practice)) continue;
    Pcn__AskAnswer none = PCN__ASK_ANSWER__INIT;
    none.ask_id = ask->id;
    none.practice = ask->practices[i];
    put_answer(r, &none);
  }
  g_ptr_array_add(a->rows, r);
  return r;
}

/* ------------------------------------------------------------ the page */

static const char *answer_word(int s) {
  switch (s) {
  case PCN__ASK_ANSWER_STATE__ASK_ACKNOWLEDGED: return "acknowledged";
  case PCN__ASK_ANSWER_STATE__ASK_DONE: return "done";
  case PCN__ASK_ANSWER_STATE__ASK_DECLINED: return "declined";
  default: return "no answer";
  }
}

static int is_open(const ask_row *r) {
  return r->ask->state != PCN__ASK_STATE__ASK_CLOSED;
}

/* How many of the answers the reader sees (their practice's; every
 * practice's for the network's people) still owe. */
static unsigned owing(const ask_row *r) {
  unsigned n = 0;
  for (size_t i = 0; i < r->n; i++)
    n += r->ans[i]->state == PCN__ASK_ANSWER_STATE__ASK_NO_ANSWER ||
         r->ans[i]->state == PCN__ASK_ANSWER_STATE__ASK_ACKNOWLEDGED;
  return n;
}

static int overdue(desk_asks *a, const ask_row *r) {
  return is_open(r) && a->today[0] && strcmp(r->ask->due, a->today) < 0 &&
         owing(r) > 0;
}

/* 0 open and owed by the reader, 1 open and answered, 2 closed. */
static int rank(const ask_row *r) {
  return !is_open(r) ? 2 : owing(r) ? 0 : 1;
}

/* What the reader owes first by due date (so their overdue lead), then
 * open asks they have answered, then closed, latest due first. */
static int row_cmp(gconstpointer pa, gconstpointer pb) {
  const ask_row *x = *(ask_row *const *)pa, *y = *(ask_row *const *)pb;
  if (rank(x) != rank(y)) return rank(x) < rank(y) ? -1 : 1;
  int c = strcmp(x->ask->due, y->ask->due);
  if (c) return is_open(x) ? c : -c;
  return x->ask->id < y->ask->id ? -1 : x->ask->id > y->ask->id;
}

static GtkWidget *label(const char *text, const char *css) {
  GtkWidget *l = gtk_label_new(text);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  if (css) gtk_widget_add_css_class(l, css);
  return l;
}

/* One practice's answer as a chip of the strip: named "F84001: done" for
 * screen readers and the tests, coloured by state. */
static GtkWidget *chip(pcn_desk *d, desk_asks *a, const ask_row *r,
                       const Pcn__AskAnswer *ans) {
  int owed = ans->state == PCN__ASK_ANSWER_STATE__ASK_NO_ANSWER ||
             ans->state == PCN__ASK_ANSWER_STATE__ASK_ACKNOWLEDGED;
  const char *word =
      owed && overdue(a, r) ? "overdue" : answer_word(ans->state);
  char text[80], name[80];
  snprintf(text, sizeof text, "%s · %s", desk_practice_words(d, ans->practice),
           word);
  snprintf(name, sizeof name, "%s: %s", ans->practice, word);
  const char *css =
      !strcmp(word, "overdue")                                ? "error"
      : ans->state == PCN__ASK_ANSWER_STATE__ASK_DONE         ? "success"
      : ans->state == PCN__ASK_ANSWER_STATE__ASK_DECLINED     ? "warning"
      : ans->state == PCN__ASK_ANSWER_STATE__ASK_ACKNOWLEDGED ? "accent"
                                                              : "dim-label";
  GtkWidget *l = label(text, css);
  gtk_widget_add_css_class(l, "caption-heading");
  /* A name longer than the row has room for ends in an ellipsis; the
   * whole is in the tooltip. */
  gtk_label_set_ellipsize(GTK_LABEL(l), PANGO_ELLIPSIZE_END);
  gtk_widget_set_name(l, name);
  gtk_accessible_update_property(GTK_ACCESSIBLE(l),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  /* The code where it helps: in the tooltip, with any note or link. */
  char *tip = g_strdup_printf(
      "%s (%s)%s%s%s%s", desk_practice_words(d, ans->practice), ans->practice,
      ans->note[0] || ans->link[0] ? "\n" : "", ans->note,
      ans->note[0] && ans->link[0] ? "\n" : "", ans->link);
  gtk_widget_set_tooltip_text(l, tip);
  g_free(tip);
  return l;
}

static void answer_open(pcn_desk *d, ask_row *r);

static void on_answer_clicked(GtkButton *b, gpointer ud) {
  pcn_desk *d = ud;
  guint64 id = GPOINTER_TO_SIZE(g_object_get_data(G_OBJECT(b), "ask"));
  ask_row *r = find(d->asks, id);
  if (r) answer_open(d, r);
}

static GtkWidget *ask_widget(pcn_desk *d, ask_row *r) {
  desk_asks *a = d->asks;
  const Pcn__Ask *ask = r->ask;
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_margin_start(box, 12);
  gtk_widget_set_margin_end(box, 12);
  gtk_widget_set_margin_top(box, 8);
  gtk_widget_set_margin_bottom(box, 8);

  GtkWidget *top = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
  char due_words[32];
  desk_date_words(ask->due, due_words, sizeof due_words, DESK_DATE_WEEKDAY);
  GtkWidget *due = label(due_words, overdue(a, r) ? "error" : NULL);
  gtk_widget_set_name(due, "Due");
  gtk_label_set_width_chars(GTK_LABEL(due), 11);
  if (overdue(a, r)) gtk_widget_set_tooltip_text(due, "Overdue");
  GtkWidget *title = label(ask->title, is_open(r) ? "heading" : "dim-label");
  gtk_label_set_ellipsize(GTK_LABEL(title), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand(title, TRUE);
  gtk_box_append(GTK_BOX(top), due);
  gtk_box_append(GTK_BOX(top), title);
  if (ask->urgent) {
    GtkWidget *u = label("Urgent", "warning");
    gtk_widget_set_tooltip_text(u, ask->urgent_reason);
    gtk_box_append(GTK_BOX(top), u);
  }
  if (!is_open(r)) gtk_box_append(GTK_BOX(top), label("Closed", "dim-label"));
  if (overdue(a, r)) {
    char late[40] = "Overdue";
    if (r->n > 1) snprintf(late, sizeof late, "Overdue: %u owe", owing(r));
    GtkWidget *l = label(late, "error");
    gtk_widget_set_name(l, late);
    gtk_box_append(GTK_BOX(top), l);
    gtk_widget_add_css_class(box, "overdue");
  }
  gtk_box_append(GTK_BOX(box), top);

  GtkWidget *answers = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_start(answers, 10 * 8 + 12);
  GtkWidget *strip = desk_strip_new();
  for (size_t i = 0; i < r->n; i++)
    desk_strip_add(strip, chip(d, a, r, r->ans[i]));
  gtk_box_append(GTK_BOX(answers), strip);
  if (d->role == PCN__ROLE__PRACTICE_MANAGER && is_open(r)) {
    GtkWidget *b = gtk_button_new_with_mnemonic("_Answer");
    gtk_widget_add_css_class(b, "flat");
    char name[80];
    snprintf(name, sizeof name, "Answer ask %llu", (unsigned long long)ask->id);
    gtk_accessible_update_property(GTK_ACCESSIBLE(b),
                                   GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
    g_object_set_data(G_OBJECT(b), "ask", GSIZE_TO_POINTER(ask->id));
    g_signal_connect(b, "clicked", G_CALLBACK(on_answer_clicked), d);
    gtk_widget_set_valign(b, GTK_ALIGN_CENTER);
    gtk_box_append(GTK_BOX(answers), b);
  }
  gtk_box_append(GTK_BOX(box), answers);

  char meta[600];
  snprintf(meta, sizeof meta, "Asked by %s · %u working day%s notice%s%s%s%s",
           ask->created_by[0] ? desk_person_words(d, ask->created_by)
                              : "the server",
           ask->notice_days, ask->notice_days == 1 ? "'s" : "s'",
           ask->urgent ? " · urgent: " : "", ask->urgent_reason,
           ask->body[0] ? " · " : "", ask->body);
  GtkWidget *m = label(meta, "dim-label");
  gtk_label_set_ellipsize(GTK_LABEL(m), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_start(m, 10 * 8 + 12);
  gtk_box_append(GTK_BOX(box), m);

  GtkWidget *row = gtk_list_box_row_new();
  char name[40];
  snprintf(name, sizeof name, "ask-%llu", (unsigned long long)ask->id);
  gtk_widget_set_name(row, name);
  char *desc = g_strdup_printf("%s, due %s%s", ask->title, due_words,
                               overdue(a, r) ? ", overdue" : "");
  gtk_accessible_update_property(GTK_ACCESSIBLE(row),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, desc, -1);
  g_free(desc);
  gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(row), box);
  gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
  return row;
}

/* "October" for "2026-10". */
static void month_word(const char *ym, char *out, size_t n) {
  int y = 0, m = 0;
  snprintf(out, n, "%s", ym);
  if (sscanf(ym, "%d-%d", &y, &m) != 2 || m < 1 || m > 12) return;
  GDateTime *t = g_date_time_new_utc(y, m, 1, 0, 0, 0);
  char *w = t ? g_date_time_format(t, "%B") : NULL;
  if (w) snprintf(out, n, "%s", w);
  g_free(w);
  if (t) g_date_time_unref(t);
}

static void show_summary(pcn_desk *d) {
  desk_asks *a = d->asks;
  char text[300];
  int k = snprintf(text, sizeof text, "Urgent asks this month: %u of %u",
                   a->month_urgent[0], a->month_asks[0]);
  if (a->month_asks[1]) {
    char last[40];
    month_word(a->month_name[1], last, sizeof last);
    snprintf(text + k, sizeof text - (size_t)k, " · in %s: %u of %u", last,
             a->month_urgent[1], a->month_asks[1]);
  }
  gtk_label_set_text(GTK_LABEL(a->summary), text);
  char head[200];
  if (is_network(d))
    snprintf(head, sizeof head,
             "Every ask, with each practice's answer. Fair notice: %u "
             "working days.",
             a->min_notice);
  else
    snprintf(head, sizeof head, "Asked of %s, by due date, the overdue first.",
             d->practice[0] ? desk_practice_words(d, d->practice)
                            : "your practice");
  gtk_label_set_text(GTK_LABEL(a->heading), head);
  gtk_widget_set_visible(a->new_btn, is_network(d));
}

static gboolean rebuild(gpointer ud) {
  pcn_desk *d = ud;
  desk_asks *a = d->asks;
  a->rebuild_id = 0;
  GtkWidget *c;
  while ((c = gtk_widget_get_first_child(a->list)))
    gtk_list_box_remove(GTK_LIST_BOX(a->list), c);
  g_ptr_array_sort(a->rows, row_cmp);
  for (guint i = 0; i < a->rows->len; i++)
    gtk_list_box_append(GTK_LIST_BOX(a->list),
                        ask_widget(d, a->rows->pdata[i]));
  show_summary(d);
  return G_SOURCE_REMOVE;
}

static void schedule(pcn_desk *d) {
  if (!d->asks->rebuild_id)
    d->asks->rebuild_id = g_idle_add_full(G_PRIORITY_DEFAULT, rebuild, d, NULL);
}

/* ------------------------------------------------------------ feed */

static void notice_ask(pcn_desk *d, const Pcn__Event *ev) {
  const Pcn__Ask *ask = ev->ask;
  char id[40], body[400], due[32];
  snprintf(id, sizeof id, "ask-%llu", (unsigned long long)ask->id);
  desk_date_words(ask->due, due, sizeof due, DESK_DATE_WEEKDAY);
  snprintf(body, sizeof body, "%s, due %s%s%s", ask->title, due,
           ask->urgent ? " (urgent: " : "",
           ask->urgent ? ask->urgent_reason : "");
  if (ask->urgent) strncat(body, ")", sizeof body - strlen(body) - 1);
  desk_notice(d, ev, id, "A new ask for your practice", body);
}

static void count_new(desk_asks *a, const Pcn__Ask *ask) {
  GDateTime *t = desk_london_time(ask->created_at); /* the UK month */
  char *m = t ? g_date_time_format(t, "%Y-%m") : NULL;
  if (m && !strcmp(m, a->month_name[0])) {
    a->month_asks[0]++;
    a->month_urgent[0] += ask->urgent != 0;
  }
  g_free(m);
  if (t) g_date_time_unref(t);
}

/* The server's day in London moves on with its events (and, between
 * them, the local clock): what was due yesterday is overdue today. */
static void move_today(pcn_desk *d, int64_t server_ms) {
  desk_asks *a = d->asks;
  char day[11];
  pcn_date_format(
      pcn_london_day_of_ms(server_ms ? server_ms : g_get_real_time() / 1000),
      day);
  if (strcmp(day, a->today) > 0) {
    memcpy(a->today, day, sizeof a->today);
    schedule(d);
  }
}

static gboolean on_clock(gpointer ud) {
  pcn_desk *d = ud;
  if (d->asks->today[0]) move_today(d, 0);
  return G_SOURCE_CONTINUE;
}

void asks_on_event(pcn_desk *d, const Pcn__Event *ev) {
  desk_asks *a = d->asks;
  if (!a) return;
  if (a->today[0]) move_today(d, ev->at);
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_ASK:
    if (ev->op == PCN__OP__CREATED && !find(a, ev->ask->id) &&
        ev->seq > d->live_from)
      count_new(a, ev->ask);
    put_ask(d, ev->ask);
    if (ev->op == PCN__OP__CREATED && d->practice[0] &&
        asked_of(ev->ask, d->practice))
      notice_ask(d, ev);
    schedule(d);
    break;
  case PCN__EVENT__RECORD_ASK_ANSWER: {
    const Pcn__AskAnswer *ans = ev->ask_answer;
    ask_row *r = find(a, ans->ask_id);
    if (!r) break; /* the page's load brings it */
    put_answer(r, ans);
    if (ans->state == PCN__ASK_ANSWER_STATE__ASK_DECLINED &&
        !strcmp(r->ask->created_by, d->username)) {
      char id[40], body[600];
      snprintf(id, sizeof id, "ask-%llu-%s", (unsigned long long)ans->ask_id,
               ans->practice);
      snprintf(body, sizeof body, "%s: %s", r->ask->title, ans->note);
      char title[80];
      snprintf(title, sizeof title, "%s declined an ask",
               desk_practice_words(d, ans->practice));
      desk_notice(d, ev, id, title, body);
    }
    schedule(d);
    break;
  }
  case PCN__EVENT__RECORD_ASK_REMINDER: {
    const Pcn__AskReminder *rem = ev->ask_reminder;
    if (strcmp(rem->practice, d->practice)) break;
    char id[60], body[400], due[32];
    snprintf(id, sizeof id, "ask-%llu-reminder",
             (unsigned long long)rem->ask_id);
    desk_date_words(rem->due, due, sizeof due, DESK_DATE_WEEKDAY);
    if (rem->days_before < 0)
      snprintf(body, sizeof body, "%s was due %s", rem->title, due);
    else
      snprintf(body, sizeof body, "%s is due %s, in %d working day%s",
               rem->title, due, rem->days_before,
               rem->days_before == 1 ? "" : "s");
    desk_notice(d, ev, id,
                rem->days_before < 0 ? "An ask is overdue"
                                     : "Reminder: an ask is due",
                body);
    break;
  }
  default: break;
  }
}

/* ------------------------------------------------------------ load */

static void load_page(pcn_desk *d, guint64 before);

static void on_page(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_asks *a = d->asks;
  if (!a || r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_ASKS)
    return;
  const Pcn__AskPage *p = r->asks;
  for (size_t i = 0; i < p->n_asks; i++) {
    ask_row *row = put_ask(d, p->asks[i]->ask);
    for (size_t k = 0; k < p->asks[i]->n_answers; k++)
      put_answer(row, p->asks[i]->answers[k]);
  }
  if (strcmp(p->today, a->today) > 0)
    snprintf(a->today, sizeof a->today, "%s", p->today);
  snprintf(a->fair, sizeof a->fair, "%s", p->earliest_fair_due);
  a->min_notice = p->min_notice_days;
  for (size_t i = 0; i < 12; i++) {
    a->month_name[i][0] = 0;
    a->month_asks[i] = a->month_urgent[i] = 0;
  }
  for (size_t i = 0; i < p->n_months && i < 12; i++) {
    snprintf(a->month_name[i], sizeof a->month_name[i], "%s",
             p->months[i]->month);
    a->month_asks[i] = p->months[i]->asks;
    a->month_urgent[i] = p->months[i]->urgent;
  }
  if (p->next_before) load_page(d, p->next_before);
  schedule(d);
}

static void load_page(pcn_desk *d, guint64 before) {
  Pcn__AskList l = PCN__ASK_LIST__INIT;
  l.limit = 500;
  l.before = before;
  l.practice = "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_ASK_LIST;
  req.ask_list = &l;
  pcn_client_call(d->cl, &req, on_page, d);
}

/* The Practices list changed (loaded, a practice named or renamed): the
 * rows and the heading say the names again. */
static void on_practices_changed(GListModel *m, guint pos, guint removed,
                                 guint added, gpointer ud) {
  (void)m;
  (void)pos;
  (void)removed;
  (void)added;
  pcn_desk *d = ud;
  if (d->asks) schedule(d);
}

void asks_load(pcn_desk *d) {
  desk_asks *a = d->asks;
  if (!a || !d->cl) return;
  /* The Practices list exists once every page is built. */
  GListModel *ps = pcn_desk_practices(d);
  if (ps && !a->practices_handler) {
    a->practices_watched = ps;
    a->practices_handler = g_signal_connect(
        ps, "items-changed", G_CALLBACK(on_practices_changed), d);
  }
  load_page(d, 0);
}

/* ------------------------------------------------------------ forms */

/* --- answer */

static const int answer_states[] = {PCN__ASK_ANSWER_STATE__ASK_ACKNOWLEDGED,
                                    PCN__ASK_ANSWER_STATE__ASK_DONE,
                                    PCN__ASK_ANSWER_STATE__ASK_DECLINED};

static void on_answered(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_asks *a = d->asks;
  if (!a || !a->answer) return;
  gtk_widget_set_sensitive(a->a_send, TRUE);
  if (r->status->code == PCN__STATUS_CODE__OK &&
      r->body_case == PCN__RESPONSE__BODY_ASK_ANSWER) {
    ask_row *row = find(a, r->ask_answer->ask_id);
    if (row) put_answer(row, r->ask_answer);
    schedule(d);
    gtk_window_destroy(GTK_WINDOW(a->answer));
    return;
  }
  if (r->body_case == PCN__RESPONSE__BODY_ASK_ANSWER)
    a->a_version = r->ask_answer->version; /* the next send is over it */
  char words[600];
  desk_error_words(r->status, words, sizeof words);
  desk_say(a->a_error, words);
}

static void on_answer_send(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  desk_asks *a = d->asks;
  guint i = gtk_drop_down_get_selected(GTK_DROP_DOWN(a->a_state));
  Pcn__AskReply rep = PCN__ASK_REPLY__INIT;
  rep.ask_id = a->a_id;
  rep.practice = "";
  rep.state = answer_states[i < 3 ? i : 0];
  rep.note = (char *)gtk_editable_get_text(GTK_EDITABLE(a->a_note));
  rep.link = (char *)gtk_editable_get_text(GTK_EDITABLE(a->a_link));
  rep.version = a->a_version;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_ASK_REPLY;
  req.ask_reply = &rep;
  desk_form_send(d, &req, on_answered, a->a_send, a->a_error);
}

static void on_answer_destroy(GtkWidget *w, gpointer ud) {
  (void)w;
  pcn_desk *d = ud;
  if (d->asks) d->asks->answer = NULL;
}

static void answer_open(pcn_desk *d, ask_row *r) {
  desk_asks *a = d->asks;
  if (a->answer) gtk_window_destroy(GTK_WINDOW(a->answer));
  const Pcn__AskAnswer *mine = r->n ? r->ans[0] : NULL;
  a->a_id = r->ask->id;
  a->a_version = mine ? mine->version : 0;
  char title[300], due[32];
  desk_date_words(r->ask->due, due, sizeof due, DESK_DATE_WEEKDAY);
  snprintf(title, sizeof title, "Answer: %s (due %s)", r->ask->title, due);
  GtkWidget *grid = gtk_grid_new();
  a->answer = desk_form(d, "Answer an ask", title, 520, grid);
  g_signal_connect(a->answer, "destroy", G_CALLBACK(on_answer_destroy), d);
  GtkWidget *what = label(r->ask->body[0] ? r->ask->body : r->ask->title, NULL);
  gtk_label_set_wrap(GTK_LABEL(what), TRUE);
  gtk_grid_attach(GTK_GRID(grid), what, 0, 0, 2, 1);
  const char *states[] = {"Acknowledged: on it", "Done", "Declined", NULL};
  a->a_state = gtk_drop_down_new_from_strings(states);
  gtk_accessible_update_property(GTK_ACCESSIBLE(a->a_state),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Answer", -1);
  desk_field(grid, 1, "_Answer", a->a_state);
  a->a_note = desk_field(
      grid, 2, "_Note",
      desk_entry("Note or reason", "Done: what was done. Declined: why.", 0));
  a->a_link = desk_field(grid, 3, "_Link",
                         desk_entry("Link", "Where it is (optional)", 0));
  if (mine) {
    for (guint i = 0; i < 3; i++)
      if (answer_states[i] == (int)mine->state)
        gtk_drop_down_set_selected(GTK_DROP_DOWN(a->a_state), i);
    gtk_editable_set_text(GTK_EDITABLE(a->a_note), mine->note);
    gtk_editable_set_text(GTK_EDITABLE(a->a_link), mine->link);
  }
  a->a_error = desk_form_error(grid, 4, 1);
  a->a_send = desk_form_go(a->answer, "_Send", G_CALLBACK(on_answer_send), d);
  gtk_window_present(GTK_WINDOW(a->answer));
}

/* --- new ask */

/* The urgent reason shows only when the due date is short of fair. */
static int short_notice(desk_asks *a) {
  char due[11];
  return desk_date_entry_get(a->d_due, due, NULL) == 0 && a->fair[0] &&
         strcmp(due, a->fair) < 0;
}

static void on_due_changed(GtkEditable *e, gpointer ud) {
  (void)e;
  desk_asks *a = ((pcn_desk *)ud)->asks;
  int s = short_notice(a);
  if (s) {
    char hint[300], fair[32];
    desk_date_words(a->fair, fair, sizeof fair, DESK_DATE_WEEKDAY);
    snprintf(hint, sizeof hint,
             "Less than the network's %u working days' notice: the earliest "
             "fair due date is %s. Choose it or later, or say why this is "
             "urgent.",
             a->min_notice, fair);
    gtk_label_set_text(GTK_LABEL(a->d_hint), hint);
  }
  gtk_widget_set_visible(a->d_hint, s);
  if (!s) desk_field_error(a->d_reason, a->d_reason_error, NULL);
  gtk_widget_set_visible(a->d_reason, s);
  gtk_widget_set_visible(a->d_reason_label, s);
}

static void on_all_toggled(GtkCheckButton *b, gpointer ud) {
  desk_asks *a = ((pcn_desk *)ud)->asks;
  int all = gtk_check_button_get_active(b);
  for (GtkWidget *c = gtk_widget_get_first_child(a->d_checks); c;
       c = gtk_widget_get_next_sibling(c)) {
    gtk_check_button_set_active(GTK_CHECK_BUTTON(c), all);
    gtk_widget_set_sensitive(c, !all);
  }
}

static void on_created(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_asks *a = d->asks;
  if (!a || !a->dialog) return;
  gtk_widget_set_sensitive(a->d_create, TRUE);
  if (r->status->code == PCN__STATUS_CODE__OK &&
      r->body_case == PCN__RESPONSE__BODY_ASK) {
    if (!find(a, r->ask->id)) count_new(a, r->ask);
    put_ask(d, r->ask);
    schedule(d);
    gtk_window_destroy(GTK_WINDOW(a->dialog));
    return;
  }
  /* Under the field the refusal names, in words; the rest at the foot. */
  const char *field = r->status->details && r->status->details->field
                          ? r->status->details->field
                          : "";
  if (!strcmp(field, "due"))
    desk_field_error(desk_date_entry_text(a->d_due), a->d_due_error, r->status);
  else if (!strcmp(field, "title"))
    desk_field_error(a->d_title, a->d_title_error, r->status);
  else if (!strcmp(field, "urgent_reason") &&
           gtk_widget_get_visible(a->d_reason))
    desk_field_error(a->d_reason, a->d_reason_error, r->status);
  else {
    char words[600];
    desk_error_words(r->status, words, sizeof words);
    desk_say(a->d_error, words);
  }
}

static void on_create(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  desk_asks *a = d->asks;
  char *codes[ASK_PRACTICES];
  size_t n = 0;
  for (GtkWidget *c = gtk_widget_get_first_child(a->d_checks);
       c && n < ASK_PRACTICES; c = gtk_widget_get_next_sibling(c))
    if (gtk_check_button_get_active(GTK_CHECK_BUTTON(c)))
      codes[n++] = (char *)gtk_widget_get_name(c);
  Pcn__AskCreate cr = PCN__ASK_CREATE__INIT;
  cr.title = (char *)gtk_editable_get_text(GTK_EDITABLE(a->d_title));
  cr.body = (char *)gtk_editable_get_text(GTK_EDITABLE(a->d_need));
  desk_field_error(desk_date_entry_text(a->d_due), a->d_due_error, NULL);
  desk_field_error(a->d_title, a->d_title_error, NULL);
  desk_field_error(a->d_reason, a->d_reason_error, NULL);
  gtk_widget_set_visible(a->d_error, FALSE);
  char due[11];
  const char *why = NULL;
  if (desk_date_entry_get(a->d_due, due, &why) < 0) {
    Pcn__Status st = PCN__STATUS__INIT;
    st.code = PCN__STATUS_CODE__INVALID_ARGUMENT;
    st.message = (char *)why;
    desk_field_error(desk_date_entry_text(a->d_due), a->d_due_error, &st);
    return;
  }
  cr.due = due; /* "" when empty: the server says what to do */
  cr.all_practices = gtk_check_button_get_active(GTK_CHECK_BUTTON(a->d_all));
  if (!cr.all_practices) {
    cr.practices = codes;
    cr.n_practices = n;
  }
  cr.urgent_reason = "";
  if (short_notice(a)) {
    cr.urgent = 1;
    cr.urgent_reason = (char *)gtk_editable_get_text(GTK_EDITABLE(a->d_reason));
  }
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_ASK_CREATE;
  req.ask_create = &cr;
  desk_form_send(d, &req, on_created, a->d_create, a->d_error);
}

static void on_dialog_destroy(GtkWidget *w, gpointer ud) {
  (void)w;
  pcn_desk *d = ud;
  if (d->asks) d->asks->dialog = NULL;
}

static void on_new_clicked(GtkButton *btn, gpointer ud) {
  (void)btn;
  pcn_desk *d = ud;
  desk_asks *a = d->asks;
  if (a->dialog) {
    gtk_window_present(GTK_WINDOW(a->dialog));
    return;
  }
  GtkWidget *grid = gtk_grid_new();
  a->dialog = desk_form(d, "New ask", NULL, 520, grid);
  g_signal_connect(a->dialog, "destroy", G_CALLBACK(on_dialog_destroy), d);
  a->d_title = desk_field(grid, 0, "_Title",
                          desk_entry("Title", "What is asked, in a line", 0));
  a->d_need = desk_field(grid, 1, "_What is needed",
                         desk_entry("What is needed", "The detail", 0));
  a->d_due = desk_field(grid, 2, "_Due", desk_date_entry_new("Due date"));
  GtkWidget *due_text = desk_date_entry_text(a->d_due);
  gtk_label_set_mnemonic_widget(
      GTK_LABEL(gtk_grid_get_child_at(GTK_GRID(grid), 0, 2)), due_text);
  if (a->fair[0]) {
    char fair[32], ph[80];
    desk_date_words(a->fair, fair, sizeof fair, DESK_DATE_WEEKDAY);
    snprintf(ph, sizeof ph, "Fair notice: %s or later", fair);
    gtk_entry_set_placeholder_text(GTK_ENTRY(due_text), ph);
  }
  g_signal_connect(due_text, "changed", G_CALLBACK(on_due_changed), d);

  /* The practices: one check each, and all of them. */
  GtkWidget *targets = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
  a->d_all = gtk_check_button_new_with_mnemonic("A_ll practices");
  g_signal_connect(a->d_all, "toggled", G_CALLBACK(on_all_toggled), d);
  gtk_box_append(GTK_BOX(targets), a->d_all);
  a->d_checks = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
  GListModel *ps = G_LIST_MODEL(d->practices);
  for (guint i = 0; ps && i < g_list_model_get_n_items(ps); i++) {
    PcnRecordRow *p = g_list_model_get_item(ps, i);
    /* By name; the code (the check's widget name) in the tooltip. */
    GtkWidget *c = gtk_check_button_new_with_label(
        desk_practice_words(d, pcn_record_row_key(p)));
    gtk_widget_set_name(c, pcn_record_row_key(p));
    gtk_widget_set_tooltip_text(c, pcn_record_row_key(p));
    gtk_box_append(GTK_BOX(a->d_checks), c);
    g_object_unref(p);
  }
  gtk_box_append(GTK_BOX(targets), a->d_checks);
  GtkWidget *tl = gtk_label_new("Asked of");
  gtk_label_set_xalign(GTK_LABEL(tl), 1);
  gtk_label_set_yalign(GTK_LABEL(tl), 0);
  gtk_grid_attach(GTK_GRID(grid), tl, 0, 3, 1, 1);
  gtk_grid_attach(GTK_GRID(grid), targets, 1, 3, 1, 1);
  gtk_accessible_update_property(GTK_ACCESSIBLE(targets),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                 "Practices asked", -1);
  a->d_hint = label("", "warning");
  gtk_label_set_wrap(GTK_LABEL(a->d_hint), TRUE);
  gtk_widget_set_visible(a->d_hint, FALSE);
  gtk_grid_attach(GTK_GRID(grid), a->d_hint, 0, 4, 2, 1);
  a->d_reason =
      desk_field(grid, 5, "_Urgent because",
                 desk_entry("Urgent because", "Why the notice is short", 0));
  a->d_reason_label = gtk_grid_get_child_at(GTK_GRID(grid), 0, 5);
  gtk_widget_set_visible(a->d_reason, FALSE);
  gtk_widget_set_visible(a->d_reason_label, FALSE);
  a->d_error = desk_form_error(grid, 6, 1);
  a->d_create = desk_form_go(a->dialog, "_Ask", G_CALLBACK(on_create), d);
  /* The fields' own error lines, each under its field (from the foot up,
   * as each insertion moves the rows below it). */
  gtk_grid_insert_row(GTK_GRID(grid), 6);
  a->d_reason_error = desk_form_error(grid, 6, 0);
  gtk_grid_insert_row(GTK_GRID(grid), 3);
  a->d_due_error = desk_form_error(grid, 3, 0);
  gtk_grid_insert_row(GTK_GRID(grid), 1);
  a->d_title_error = desk_form_error(grid, 1, 0);
  gtk_window_present(GTK_WINDOW(a->dialog));
}

/* ------------------------------------------------------------ view */

GtkWidget *asks_view_new(pcn_desk *d) {
  desk_asks *a = g_new0(desk_asks, 1);
  d->asks = a;
  a->rows = g_ptr_array_new_with_free_func(row_free);
  a->summary = label("", "heading");
  gtk_widget_set_hexpand(a->summary, TRUE);
  gtk_widget_set_name(a->summary, "Urgent asks");
  a->new_btn = gtk_button_new_with_mnemonic("_New ask");
  gtk_widget_add_css_class(a->new_btn, "suggested-action");
  gtk_widget_set_visible(a->new_btn, FALSE); /* the network's people, below */
  g_signal_connect(a->new_btn, "clicked", G_CALLBACK(on_new_clicked), d);
  GtkWidget *bar = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start(bar, 12);
  gtk_widget_set_margin_end(bar, 12);
  gtk_widget_set_margin_top(bar, 8);
  gtk_box_append(GTK_BOX(bar), a->summary);
  gtk_box_append(GTK_BOX(bar), a->new_btn);
  gtk_label_set_wrap(GTK_LABEL(a->summary), TRUE);
  a->heading = label("", "dim-label");
  gtk_label_set_wrap(GTK_LABEL(a->heading), TRUE); /* a long practice name */
  gtk_widget_set_margin_start(a->heading, 12);
  gtk_widget_set_margin_end(a->heading, 12);
  gtk_widget_set_margin_bottom(a->heading, 6);
  a->list = gtk_list_box_new();
  gtk_widget_set_name(a->list, "Asks");
  gtk_list_box_set_selection_mode(GTK_LIST_BOX(a->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class(a->list, "rich-list");
  gtk_accessible_update_property(GTK_ACCESSIBLE(a->list),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                 "Asks by due date", -1);
  GtkWidget *empty = gtk_label_new("No asks yet.");
  gtk_widget_add_css_class(empty, "dim-label");
  gtk_list_box_set_placeholder(GTK_LIST_BOX(a->list), empty);
  GtkWidget *scroll = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), a->list);
  gtk_widget_set_vexpand(scroll, TRUE);
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append(GTK_BOX(box), bar);
  gtk_box_append(GTK_BOX(box), a->heading);
  gtk_box_append(GTK_BOX(box), scroll);
  show_summary(d);
  a->clock_id = g_timeout_add_seconds(60, on_clock, d);
  return box;
}

void asks_free(pcn_desk *d) {
  desk_asks *a = d->asks;
  if (!a) return;
  if (a->dialog) gtk_window_destroy(GTK_WINDOW(a->dialog));
  if (a->answer) gtk_window_destroy(GTK_WINDOW(a->answer));
  if (a->rebuild_id) g_source_remove(a->rebuild_id);
  if (a->practices_handler && d->practices &&
      G_LIST_MODEL(d->practices) == a->practices_watched)
    g_signal_handler_disconnect(d->practices, a->practices_handler);
  g_source_remove(a->clock_id);
  g_ptr_array_unref(a->rows);
  g_free(a);
  d->asks = NULL;
}

/* ------------------------------------------------------------ registry */

/* What waits on the member: the open asks their practice still owes an
 * answer to (a practice's members see only their practice's answers). The
 * network's people owe none. */
static unsigned asks_needs_me(pcn_desk *d) {
  desk_asks *a = d->asks;
  if (!a || is_network(d) || !d->practice[0]) return 0;
  unsigned n = 0;
  for (guint i = 0; i < a->rows->len; i++) {
    const ask_row *r = a->rows->pdata[i];
    n += is_open(r) && owing(r) > 0;
  }
  return n;
}

/* Everyone; the badge counts what the member's practice owes. */
const desk_page asks_page = {
    .id = "asks",
    .title = "Asks",
    .group = DESK_WORK,
    .icon = "dialog-question-symbolic",
    .view_new = asks_view_new,
    .load = asks_load,
    .on_event = asks_on_event,
    .free = asks_free,
    .needs_me = asks_needs_me,
};
