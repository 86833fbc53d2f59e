/* decisions.c - the Decisions page: every decision, open ones first by
 * closing time, each with its rule, closing time and a strip of the
 * practices' votes; a practice's member votes agree, disagree or abstain
 * (with a reason) from the row, the proposer reminds or withdraws from
 * it, and a closed one shows its outcome. A form proposes a new one;
 * another (Voters) shows each practice's named voter and names one: a
 * practice manager for their practice, the PCN manager for any practice,
 * from its members or the clinical director (issue 13: a practice with
 * no manager yet can still vote).
 *
 * Decisions are few (a network decides a handful a month), so the page is
 * a GtkListBox with a row of widgets per decision, built once and updated
 * in place: a reason half typed survives the votes arriving around it.
 * Loaded after the first connect, kept live from the feed: a decision
 * record replaces the row's fields unless older (version), and a vote
 * replaces that practice's vote unless older (its own version).
 *
 * Notices (desk_notice): a new proposal, a reminder for the member's
 * practice, a decision that closed.
 *
 * Issue 19: times in words, UK time ("Wed 9 Dec, 17:00"); practices by
 * name (the code in the tooltip), people by name; the vote's reason field
 * only on a consent decision (the only rule that reads it: an objection
 * gives its reason), and in the proposal form the line saying so only
 * when consent is picked; the closing date typed as people write it or
 * picked from a calendar, with a time beside it; a refusal in words under
 * the field it names; withdrawing asks first. The vote strip wraps (a
 * GtkFlowBox, each name ellipsized past the row's width, whole in its
 * tooltip) and the page bar's summary wraps beside its buttons, so the
 * page fits 1024x768 and 800x600 with long names.
 */
#include <stdio.h>
#include <string.h>

#include "uktime.h"
#include "words.h"
#include "validate.h"

typedef struct vote_cell {
  int choice;
  guint version;
  char *voter, *reason;
} vote_cell;

typedef struct dec_row {
  pcn_desk *d;
  guint64 id;
  guint version;
  int rule, state, outcome, closed_early;
  gint64 closes_at, closed_at;
  char *title, *text, *proposed_by, *note;
  GPtrArray *practices; /* char *, ODS codes */
  GHashTable *votes;    /* ODS -> vote_cell */
  GtkWidget *row, *title_l, *state_l, *meta_l, *text_l, *strip, *outcome_l,
      *voting, *reason, *mine, *withdraw, *note_l;
} dec_row;

typedef struct desk_decisions desk_decisions;
struct desk_decisions {
  GtkWidget *list, *show, *summary, *form, *f_title, *f_text, *f_rule,
      *f_closes, *f_time, *f_closes_error, *f_title_error, *f_consent, *f_error,
      *f_go, *f_to;
  /* The Voters form: who votes now (v_list), and naming one. */
  GtkWidget *voters, *v_list, *v_practice, *v_user, *v_error, *v_go;
  GHashTable *rows; /* id -> dec_row */
};

static void cell_free(gpointer p) {
  vote_cell *c = p;
  g_free(c->voter);
  g_free(c->reason);
  g_free(c);
}

static void row_free(gpointer p) {
  dec_row *r = p;
  g_free(r->title);
  g_free(r->text);
  g_free(r->proposed_by);
  g_free(r->note);
  g_ptr_array_unref(r->practices);
  g_hash_table_destroy(r->votes);
  g_free(r);
}

static const char *rule_word(int rule) {
  switch (rule) {
  case PCN__DECISION_RULE__DECISION_UNANIMOUS: return "Unanimous";
  case PCN__DECISION_RULE__DECISION_MAJORITY: return "Majority";
  default: return "Consent";
  }
}

static const char *rule_help(int rule) {
  switch (rule) {
  case PCN__DECISION_RULE__DECISION_UNANIMOUS:
    return "Passes if no practice disagrees, every practice votes and one "
           "agrees; abstaining stands aside.";
  case PCN__DECISION_RULE__DECISION_MAJORITY:
    return "Passes if more than half of all the practices agree.";
  default:
    return "Passes unless a practice objects; an objection gives its reason.";
  }
}

static const char *choice_word(int c) {
  switch (c) {
  case PCN__DECISION_CHOICE__DECISION_AGREE: return "agree";
  case PCN__DECISION_CHOICE__DECISION_DISAGREE: return "disagree";
  case PCN__DECISION_CHOICE__DECISION_ABSTAIN: return "abstain";
  default: return "not voted";
  }
}

/* A mark that does not rely on colour alone. */
static const char *choice_mark(int c) {
  switch (c) {
  case PCN__DECISION_CHOICE__DECISION_AGREE: return "\u2713";    /* ✓ */
  case PCN__DECISION_CHOICE__DECISION_DISAGREE: return "\u2717"; /* ✗ */
  case PCN__DECISION_CHOICE__DECISION_ABSTAIN: return "\u2013";  /* – */
  default: return "\u2026";                                      /* … */
  }
}

/* "Fri 4 Dec, 17:00", UK time (issue 20), the year when not this one. */
static char *when(gint64 ms) {
  char buf[40];
  desk_datetime_words(ms, buf, sizeof buf);
  return g_strdup(buf);
}

static int is_open(const dec_row *r) {
  return r->state == PCN__DECISION_STATE__DECISION_OPEN;
}

static int my_practice_votes(const dec_row *r) {
  const char *mine = r->d->practice;
  if (!mine[0]) return 0;
  for (guint i = 0; i < r->practices->len; i++)
    if (!strcmp(r->practices->pdata[i], mine)) return 1;
  return 0;
}

/* ------------------------------------------------------------ showing */

static void set_class(GtkWidget *w, const char *cls) {
  static const char *all[] = {"success", "error", "warning", "dim-label"};
  for (size_t i = 0; i < G_N_ELEMENTS(all); i++)
    gtk_widget_remove_css_class(w, all[i]);
  if (cls) gtk_widget_add_css_class(w, cls);
}

static void show_strip(dec_row *r) {
  GtkWidget *c;
  while ((c = gtk_widget_get_first_child(r->strip)))
    gtk_flow_box_remove(GTK_FLOW_BOX(r->strip), c);
  for (guint i = 0; i < r->practices->len; i++) {
    const char *ods = r->practices->pdata[i];
    vote_cell *v = g_hash_table_lookup(r->votes, ods);
    int choice = v ? v->choice : 0;
    char *text =
        g_strdup_printf("%s %s: %s", choice_mark(choice),
                        desk_practice_words(r->d, ods), choice_word(choice));
    GtkWidget *l = gtk_label_new(text);
    gtk_label_set_xalign(GTK_LABEL(l), 0);
    /* A name longer than the row has room for ends in an ellipsis; the
     * whole is in the tooltip. */
    gtk_label_set_ellipsize(GTK_LABEL(l), PANGO_ELLIPSIZE_END);
    char *name =
        g_strdup_printf("%s vote on decision %" G_GUINT64_FORMAT, ods, r->id);
    gtk_widget_set_name(l, name);
    set_class(l, choice == PCN__DECISION_CHOICE__DECISION_AGREE      ? "success"
                 : choice == PCN__DECISION_CHOICE__DECISION_DISAGREE ? "error"
                 : choice == PCN__DECISION_CHOICE__DECISION_ABSTAIN
                     ? "warning"
                     : "dim-label");
    if (v) {
      char *tip = g_strdup_printf(
          "%s (%s): %s voted %s%s%s", desk_practice_words(r->d, ods), ods,
          desk_person_words(r->d, v->voter), choice_word(choice),
          v->reason[0] ? ": " : "", v->reason);
      gtk_widget_set_tooltip_text(l, tip);
      g_free(tip);
    } else {
      char *tip = g_strdup_printf("%s (%s): not voted",
                                  desk_practice_words(r->d, ods), ods);
      gtk_widget_set_tooltip_text(l, tip);
      g_free(tip);
    }
    desk_strip_add(r->strip, l);
    g_free(text);
    g_free(name);
  }
}

static void show_row(dec_row *r) {
  gtk_label_set_text(GTK_LABEL(r->title_l), r->title);
  char *closes = when(r->closes_at);
  char *state;
  if (is_open(r)) {
    state = g_strdup_printf("Open · closes %s", closes);
    set_class(r->state_l, NULL);
  } else if (r->state == PCN__DECISION_STATE__DECISION_WITHDRAWN) {
    state = g_strdup("Withdrawn");
    set_class(r->state_l, "dim-label");
  } else {
    int passed = r->outcome == PCN__DECISION_OUTCOME__DECISION_PASSED;
    state = g_strdup(passed ? "Passed" : "Rejected");
    set_class(r->state_l, passed ? "success" : "error");
  }
  gtk_label_set_text(GTK_LABEL(r->state_l), state);
  guint voted = 0;
  for (guint i = 0; i < r->practices->len; i++)
    voted += g_hash_table_contains(r->votes, r->practices->pdata[i]);
  char *ended = is_open(r) ? g_strdup("") : when(r->closed_at);
  char *meta = g_strdup_printf(
      "%s · proposed by %s · %u of %u practices voted%s%s%s",
      rule_word(r->rule), desk_person_words(r->d, r->proposed_by), voted,
      r->practices->len,
      is_open(r)                                            ? ""
      : r->state == PCN__DECISION_STATE__DECISION_WITHDRAWN ? " · withdrawn "
                                                            : " · closed ",
      ended, r->closed_early ? " (every practice had voted)" : "");
  g_free(ended);
  gtk_label_set_text(GTK_LABEL(r->meta_l), meta);
  gtk_widget_set_tooltip_text(r->meta_l, rule_help(r->rule));
  gtk_label_set_text(GTK_LABEL(r->text_l), r->text);
  gtk_widget_set_visible(r->text_l, r->text[0] != 0);
  show_strip(r);
  gtk_label_set_text(GTK_LABEL(r->outcome_l), r->note ? r->note : "");
  gtk_widget_set_visible(r->outcome_l, r->note && r->note[0]);
  gtk_widget_set_visible(r->voting, is_open(r) && my_practice_votes(r));
  /* Only consent reads a reason (an objection gives one): elsewhere the
   * field would ask for what nobody uses (issue 19). */
  gtk_widget_set_visible(r->reason,
                         r->rule == PCN__DECISION_RULE__DECISION_CONSENT);
  /* Remind: the proposer or a PCN manager (issue 20); withdraw: the
   * proposer only. */
  int proposer = !strcmp(r->proposed_by, r->d->username);
  gtk_widget_set_visible(
      r->mine,
      is_open(r) && (proposer || r->d->role == PCN__ROLE__PCN_MANAGER));
  gtk_widget_set_visible(r->withdraw, proposer);
  g_free(closes);
  g_free(state);
  g_free(meta);
}

static void show_summary(pcn_desk *d) {
  desk_decisions *t = d->decisions;
  guint open = 0, owed = 0;
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, t->rows);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    dec_row *r = v;
    if (!is_open(r)) continue;
    open++;
    owed +=
        my_practice_votes(r) && !g_hash_table_contains(r->votes, d->practice);
  }
  char buf[200];
  if (d->practice[0])
    snprintf(buf, sizeof buf, "%u open · %u waiting for %s's vote", open, owed,
             desk_practice_words(d, d->practice));
  else
    snprintf(buf, sizeof buf, "%u open", open);
  gtk_label_set_text(GTK_LABEL(t->summary), buf);
}

static void changed(pcn_desk *d) {
  gtk_list_box_invalidate_sort(GTK_LIST_BOX(d->decisions->list));
  gtk_list_box_invalidate_filter(GTK_LIST_BOX(d->decisions->list));
  show_summary(d);
}

static void note(dec_row *r, const char *text, int error) {
  gtk_label_set_text(GTK_LABEL(r->note_l), text);
  set_class(r->note_l, error ? "error" : "dim-label");
  gtk_widget_set_visible(r->note_l, text[0] != 0);
}

/* ------------------------------------------------------------ requests */

typedef struct call {
  pcn_desk *d;
  guint64 id;
  const char *done; /* what to say when it worked */
  int clear_reason; /* a vote: the reason went with it */
} call;

static void upsert(pcn_desk *d, const Pcn__Decision *dec);

static void on_answer(pcn_client *cl, const Pcn__Response *resp, void *ud) {
  (void)cl;
  call *c = ud;
  desk_decisions *t = c->d->decisions;
  dec_row *r = t ? g_hash_table_lookup(t->rows, &c->id) : NULL;
  if (r) {
    if (resp->status->code != PCN__STATUS_CODE__OK) {
      char words[600];
      desk_error_words(resp->status, words, sizeof words);
      note(r, words, 1);
    } else {
      if (resp->body_case == PCN__RESPONSE__BODY_DECISION)
        upsert(c->d, resp->decision);
      if (c->clear_reason) gtk_editable_set_text(GTK_EDITABLE(r->reason), "");
      note(r,
           c->clear_reason && !is_open(r)
               ? "Yours was the last vote: the decision has closed."
               : c->done,
           0);
    }
  }
  g_free(c);
}

static void row_send(dec_row *r, Pcn__Request *req, const char *done,
                     int clear_reason) {
  call *c = g_new0(call, 1);
  c->d = r->d;
  c->id = r->id;
  c->done = done;
  c->clear_reason = clear_reason;
  if (!r->d->cl || !pcn_client_call(r->d->cl, req, on_answer, c)) {
    g_free(c);
    note(r, DESK_OFFLINE, 1);
  }
}

static void vote_clicked(GtkButton *b, gpointer ud) {
  dec_row *r = ud;
  Pcn__DecisionVoteCast v = PCN__DECISION_VOTE_CAST__INIT;
  v.id = r->id;
  v.choice = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(b), "choice"));
  /* The reason field is consent's alone (and hidden elsewhere). */
  v.reason = r->rule == PCN__DECISION_RULE__DECISION_CONSENT
                 ? (char *)gtk_editable_get_text(GTK_EDITABLE(r->reason))
                 : "";
  v.practice = "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DECISION_VOTE;
  req.decision_vote = &v;
  row_send(r, &req,
           "Your practice's vote is in; you can change it until the "
           "decision closes.",
           1);
}

static void remind_clicked(GtkButton *b, gpointer ud) {
  (void)b;
  dec_row *r = ud;
  Pcn__DecisionRemind m = PCN__DECISION_REMIND__INIT;
  m.id = r->id;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DECISION_REMIND;
  req.decision_remind = &m;
  row_send(r, &req, "The practices that have not voted were reminded.", 0);
}

static void withdraw_confirmed(gpointer ud) {
  dec_row *r = ud;
  Pcn__DecisionWithdraw w = PCN__DECISION_WITHDRAW__INIT;
  w.id = r->id;
  w.version = r->version;
  w.reason = "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DECISION_WITHDRAW;
  req.decision_withdraw = &w;
  row_send(r, &req, "Withdrawn.", 0);
}

/* Withdrawing ends the vote for every practice and cannot be undone:
 * asked first (issue 19). The row lives as long as the page, and the
 * dialog goes with the window. */
static void withdraw_clicked(GtkButton *b, gpointer ud) {
  dec_row *r = ud;
  char *heading = g_strdup_printf("Withdraw “%s”?", r->title);
  desk_confirm(GTK_WINDOW(gtk_widget_get_root(GTK_WIDGET(b))), heading,
               "The vote ends for every practice and the decision shows as "
               "withdrawn; it cannot be reopened. To decide it later, "
               "propose it again.",
               "Withdraw", TRUE, withdraw_confirmed, r, NULL);
  g_free(heading);
}

/* ------------------------------------------------------------ rows */

static GtkWidget *label(const char *name, int wrap) {
  GtkWidget *l = gtk_label_new(NULL);
  gtk_widget_set_name(l, name);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  gtk_label_set_wrap(GTK_LABEL(l), wrap);
  gtk_label_set_selectable(GTK_LABEL(l), FALSE);
  return l;
}

static GtkWidget *row_button(dec_row *r, const char *mnemonic, const char *what,
                             GCallback cb) {
  GtkWidget *b = gtk_button_new_with_mnemonic(mnemonic);
  char *name = g_strdup_printf("%s decision %" G_GUINT64_FORMAT, what, r->id);
  gtk_widget_set_name(b, name);
  gtk_accessible_update_property(GTK_ACCESSIBLE(b),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  g_free(name);
  g_signal_connect(b, "clicked", cb, r);
  return b;
}

static GtkWidget *vote_button(dec_row *r, const char *mnemonic,
                              const char *what, int choice) {
  GtkWidget *b = row_button(r, mnemonic, what, G_CALLBACK(vote_clicked));
  g_object_set_data(G_OBJECT(b), "choice", GINT_TO_POINTER(choice));
  return b;
}

static dec_row *row_new(pcn_desk *d, guint64 id) {
  dec_row *r = g_new0(dec_row, 1);
  r->d = d;
  r->id = id;
  r->title = g_strdup("");
  r->text = g_strdup("");
  r->proposed_by = g_strdup("");
  r->practices = g_ptr_array_new_with_free_func(g_free);
  r->votes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, cell_free);
  char name[64];
  snprintf(name, sizeof name, "Decision %" G_GUINT64_FORMAT, id);

  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_margin_start(box, 12);
  gtk_widget_set_margin_end(box, 12);
  gtk_widget_set_margin_top(box, 10);
  gtk_widget_set_margin_bottom(box, 10);
  GtkWidget *head = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
  r->title_l = label(name, 1);
  gtk_widget_add_css_class(r->title_l, "heading");
  gtk_widget_set_hexpand(r->title_l, TRUE);
  snprintf(name, sizeof name, "State of decision %" G_GUINT64_FORMAT, id);
  r->state_l = label(name, 0);
  gtk_box_append(GTK_BOX(head), r->title_l);
  gtk_box_append(GTK_BOX(head), r->state_l);
  r->meta_l = label("", 1);
  gtk_widget_add_css_class(r->meta_l, "dim-label");
  r->text_l = label("", 1);
  r->strip = desk_strip_new();
  snprintf(name, sizeof name, "Votes on decision %" G_GUINT64_FORMAT, id);
  gtk_widget_set_name(r->strip, name);
  snprintf(name, sizeof name, "Outcome of decision %" G_GUINT64_FORMAT, id);
  r->outcome_l = label(name, 1);
  gtk_widget_add_css_class(r->outcome_l, "heading");

  /* Voting, for the member's practice. */
  r->voting = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
  snprintf(name, sizeof name, "Reason for decision %" G_GUINT64_FORMAT, id);
  r->reason = desk_entry(name, "Reason (needed to object)", 0);
  gtk_accessible_update_property(GTK_ACCESSIBLE(r->reason),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                 "Reason for your practice's vote", -1);
  gtk_widget_set_hexpand(r->reason, TRUE);
  gtk_box_append(GTK_BOX(r->voting), r->reason);
  gtk_box_append(GTK_BOX(r->voting),
                 vote_button(r, "_Agree", "Agree on",
                             PCN__DECISION_CHOICE__DECISION_AGREE));
  gtk_box_append(GTK_BOX(r->voting),
                 vote_button(r, "_Disagree", "Disagree on",
                             PCN__DECISION_CHOICE__DECISION_DISAGREE));
  gtk_box_append(GTK_BOX(r->voting),
                 vote_button(r, "A_bstain", "Abstain on",
                             PCN__DECISION_CHOICE__DECISION_ABSTAIN));
  /* The proposer's own actions (and a PCN manager's reminder). */
  r->mine = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append(GTK_BOX(r->mine), row_button(r, "_Remind", "Remind about",
                                              G_CALLBACK(remind_clicked)));
  GtkWidget *wd =
      row_button(r, "_Withdraw", "Withdraw", G_CALLBACK(withdraw_clicked));
  gtk_widget_add_css_class(wd, "destructive-action");
  gtk_box_append(GTK_BOX(r->mine), wd);
  r->withdraw = wd;
  snprintf(name, sizeof name, "Note on decision %" G_GUINT64_FORMAT, id);
  r->note_l = label(name, 1);
  gtk_widget_set_visible(r->note_l, FALSE);

  gtk_box_append(GTK_BOX(box), head);
  gtk_box_append(GTK_BOX(box), r->meta_l);
  gtk_box_append(GTK_BOX(box), r->text_l);
  gtk_box_append(GTK_BOX(box), r->strip);
  gtk_box_append(GTK_BOX(box), r->outcome_l);
  gtk_box_append(GTK_BOX(box), r->voting);
  gtk_box_append(GTK_BOX(box), r->mine);
  gtk_box_append(GTK_BOX(box), r->note_l);
  r->row = gtk_list_box_row_new();
  gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(r->row), FALSE);
  gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(r->row), box);
  g_object_set_data(G_OBJECT(r->row), "decision", r);
  gtk_list_box_append(GTK_LIST_BOX(d->decisions->list), r->row);
  g_hash_table_insert(d->decisions->rows, &r->id, r);
  return r;
}

static void put_vote(dec_row *r, const Pcn__DecisionVote *v) {
  vote_cell *c = g_hash_table_lookup(r->votes, v->practice);
  if (c && c->version > v->version) return; /* never back in time */
  c = g_new0(vote_cell, 1);
  c->choice = v->choice;
  c->version = v->version;
  c->voter = g_strdup(v->voter);
  c->reason = g_strdup(v->reason);
  g_hash_table_replace(r->votes, g_strdup(v->practice), c);
}

static void upsert(pcn_desk *d, const Pcn__Decision *dec) {
  desk_decisions *t = d->decisions;
  dec_row *r = g_hash_table_lookup(t->rows, &dec->id);
  if (!r)
    r = row_new(d, dec->id);
  else if (dec->version < r->version)
    return;
  /* A note about voting means nothing once it has closed. */
  if (is_open(r) && r->version && (int)dec->state != r->state) note(r, "", 0);
  r->version = dec->version;
  r->rule = dec->rule;
  r->state = dec->state;
  r->outcome = dec->outcome;
  r->closes_at = dec->closes_at;
  r->closed_at = dec->closed_at;
  r->closed_early = dec->closed_early;
  g_free(r->title);
  r->title = g_strdup(dec->title);
  g_free(r->text);
  r->text = g_strdup(dec->text);
  g_free(r->proposed_by);
  r->proposed_by = g_strdup(dec->proposed_by);
  g_free(r->note);
  r->note = g_strdup(dec->outcome_note);
  g_ptr_array_set_size(r->practices, 0);
  for (size_t i = 0; i < dec->n_practices; i++)
    g_ptr_array_add(r->practices, g_strdup(dec->practices[i]));
  /* A closed decision carries the final record: it is the whole truth. */
  if (dec->state == PCN__DECISION_STATE__DECISION_CLOSED)
    g_hash_table_remove_all(r->votes);
  for (size_t i = 0; i < dec->n_votes; i++)
    put_vote(r, dec->votes[i]);
  show_row(r);
  changed(d);
}

/* ------------------------------------------------------------ live */

static int practice_listed(char **list, size_t n, const char *ods) {
  for (size_t i = 0; ods[0] && i < n; i++)
    if (!strcmp(list[i], ods)) return 1;
  return 0;
}

static void notices(pcn_desk *d, const Pcn__Event *ev) {
  char id[64], body[700];
  if (ev->record_case == PCN__EVENT__RECORD_DECISION) {
    const Pcn__Decision *dec = ev->decision;
    if (ev->op == PCN__OP__CREATED) {
      char *c = when(dec->closes_at);
      snprintf(id, sizeof id, "decision-%" G_GUINT64_FORMAT, dec->id);
      snprintf(body, sizeof body, "%s (%s, closes %s)", dec->title,
               rule_word(dec->rule), c);
      g_free(c);
      desk_notice(d, ev, id, "A new decision to vote on", body);
    } else if (dec->state == PCN__DECISION_STATE__DECISION_CLOSED) {
      snprintf(id, sizeof id, "decision-closed-%" G_GUINT64_FORMAT, dec->id);
      snprintf(body, sizeof body, "%s: %s", dec->title, dec->outcome_note);
      desk_notice(d, ev, id, "A decision has closed", body);
    }
  } else if (ev->record_case == PCN__EVENT__RECORD_DECISION_REMINDER) {
    const Pcn__DecisionReminder *m = ev->decision_reminder;
    if (!practice_listed(m->practices, m->n_practices, d->practice)) return;
    char *c = when(m->closes_at);
    snprintf(id, sizeof id, "decision-reminder-%" G_GUINT64_FORMAT,
             m->decision_id);
    snprintf(body, sizeof body, "%s closes %s; %s has not voted yet.", m->title,
             c, desk_practice_words(d, d->practice));
    g_free(c);
    desk_notice(d, ev, id, "Your practice's vote is awaited", body);
  }
}

static void voters_load(pcn_desk *d);

void decisions_on_event(pcn_desk *d, const Pcn__Event *ev) {
  if (!d->decisions) return;
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_DECISION: upsert(d, ev->decision); break;
  case PCN__EVENT__RECORD_DECISION_VOTE: {
    dec_row *r = g_hash_table_lookup(d->decisions->rows,
                                     &ev->decision_vote->decision_id);
    if (!r || !is_open(r)) break; /* a closed one has its final record */
    put_vote(r, ev->decision_vote);
    show_row(r);
    changed(d);
    break;
  }
  case PCN__EVENT__RECORD_DECISION_REMINDER: break;
  case PCN__EVENT__RECORD_DECISION_VOTER:
    if (d->decisions->voters) voters_load(d);
    return;
  default: return;
  }
  notices(d, ev);
}

static void on_list(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  if (!d->decisions || r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_DECISIONS)
    return;
  for (size_t i = 0; i < r->decisions->n_decisions; i++)
    upsert(d, r->decisions->decisions[i]);
  show_summary(d);
}

void decisions_load(pcn_desk *d) {
  if (!d->decisions) return;
  Pcn__DecisionList l = PCN__DECISION_LIST__INIT;
  l.limit = 200;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DECISION_LIST;
  req.decision_list = &l;
  pcn_client_call(d->cl, &req, on_list, d);
}

/* ------------------------------------------------------------ the page */

/* The server's order (decisions_read.c): open first, soonest closing
 * first; then the rest, the most recently closed first. */
static int sort_rows(GtkListBoxRow *a, GtkListBoxRow *b, gpointer ud) {
  (void)ud;
  dec_row *x = g_object_get_data(G_OBJECT(a), "decision");
  dec_row *y = g_object_get_data(G_OBJECT(b), "decision");
  if (is_open(x) != is_open(y)) return is_open(x) ? -1 : 1;
  if (is_open(x) && x->closes_at != y->closes_at)
    return x->closes_at < y->closes_at ? -1 : 1;
  if (is_open(x)) return x->id < y->id ? -1 : x->id > y->id;
  if (x->closed_at != y->closed_at) return x->closed_at > y->closed_at ? -1 : 1;
  return x->id > y->id ? -1 : x->id < y->id;
}

static gboolean filter_rows(GtkListBoxRow *row, gpointer ud) {
  desk_decisions *t = ud;
  dec_row *r = g_object_get_data(G_OBJECT(row), "decision");
  guint sel = gtk_drop_down_get_selected(GTK_DROP_DOWN(t->show));
  if (sel == 1) return is_open(r);
  if (sel == 2) return !is_open(r);
  return TRUE;
}

static void on_show(GObject *o, GParamSpec *p, gpointer ud) {
  (void)o;
  (void)p;
  changed(ud);
}

/* The proposal form. */
static void on_proposed(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_decisions *t = d->decisions;
  if (!t || !t->form) return;
  gtk_widget_set_sensitive(t->f_go, TRUE);
  if (r->status->code == PCN__STATUS_CODE__OK) {
    if (r->body_case == PCN__RESPONSE__BODY_DECISION) upsert(d, r->decision);
    /* Proposed, but some practice has nobody to vote: the form stays to
     * say so (closing it is the acknowledgement). */
    if (r->body_case == PCN__RESPONSE__BODY_DECISION &&
        r->decision->n_no_voter) {
      GString *w = g_string_new("Proposed. Nobody can vote for");
      for (size_t i = 0; i < r->decision->n_no_voter; i++)
        g_string_append_printf(
            w, "%s %s", i ? "," : "",
            desk_practice_words(d, r->decision->no_voter[i]));
      g_string_append(w, " (no practice manager, no named voter); the PCN "
                         "manager can name one of its members, or the "
                         "clinical director, as its voter.");
      desk_say(t->f_error, w->str);
      g_string_free(w, TRUE);
      gtk_widget_set_sensitive(t->f_go, FALSE);
      return;
    }
    gtk_window_destroy(GTK_WINDOW(t->form));
    return;
  }
  /* Under the field the refusal names, in words; the rest at the foot. */
  const char *field = r->status->details && r->status->details->field
                          ? r->status->details->field
                          : "";
  if (!strcmp(field, "closes_at"))
    desk_field_error(desk_date_entry_text(t->f_closes), t->f_closes_error,
                     r->status);
  else if (!strcmp(field, "title"))
    desk_field_error(t->f_title, t->f_title_error, r->status);
  else {
    char words[600];
    desk_error_words(r->status, words, sizeof words);
    desk_say(t->f_error, words);
  }
}

/* A refusal of the form's own, under field (st's words). */
static void field_says(GtkWidget *field, GtkWidget *label, const char *text) {
  Pcn__Status st = PCN__STATUS__INIT;
  st.code = PCN__STATUS_CODE__INVALID_ARGUMENT;
  st.message = (char *)text;
  desk_field_error(field, label, &st);
}

static void on_propose(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  desk_decisions *t = d->decisions;
  GtkWidget *closes_text = desk_date_entry_text(t->f_closes);
  desk_field_error(closes_text, t->f_closes_error, NULL);
  desk_field_error(t->f_title, t->f_title_error, NULL);
  gtk_widget_set_visible(t->f_error, FALSE);
  /* UK time on every machine (uktime.h, issue 20); no time: 17:00. */
  char iso[11], full[24];
  const char *why = NULL;
  int64_t closes_at;
  int got = desk_date_entry_get(t->f_closes, iso, &why);
  if (got) {
    field_says(closes_text, t->f_closes_error,
               got > 0 ? "Say when voting closes: a date, as 9 Dec or "
                         "9/12/2026, or pick one from the calendar."
                       : why);
    return;
  }
  const char *at = gtk_editable_get_text(GTK_EDITABLE(t->f_time));
  while (*at == ' ')
    at++;
  snprintf(full, sizeof full, "%s %s", iso, at[0] ? at : "17:00");
  if (pcn_london_parse(full, &closes_at, &why)) {
    field_says(t->f_time, t->f_closes_error,
               "Type the closing time as 17:00 (24-hour, UK time).");
    return;
  }
  static const int rules[] = {PCN__DECISION_RULE__DECISION_CONSENT,
                              PCN__DECISION_RULE__DECISION_MAJORITY,
                              PCN__DECISION_RULE__DECISION_UNANIMOUS};
  Pcn__DecisionPropose p = PCN__DECISION_PROPOSE__INIT;
  p.title = (char *)gtk_editable_get_text(GTK_EDITABLE(t->f_title));
  p.text = (char *)gtk_editable_get_text(GTK_EDITABLE(t->f_text));
  guint rule = gtk_drop_down_get_selected(GTK_DROP_DOWN(t->f_rule));
  p.rule = rules[rule < G_N_ELEMENTS(rules) ? rule : 0];
  p.closes_at = closes_at;
  /* To: the practices ticked (each check named by its code); none ticked
   * is every practice. */
  char *codes[32];
  for (GtkWidget *c = gtk_widget_get_first_child(t->f_to);
       c && p.n_practices < G_N_ELEMENTS(codes);
       c = gtk_widget_get_next_sibling(c))
    if (gtk_check_button_get_active(GTK_CHECK_BUTTON(c)))
      codes[p.n_practices++] = (char *)gtk_widget_get_name(c);
  p.practices = codes;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DECISION_PROPOSE;
  req.decision_propose = &p;
  desk_form_send(d, &req, on_proposed, t->f_go, t->f_error);
}

static void on_form_destroy(GtkWidget *w, gpointer ud) {
  (void)w;
  pcn_desk *d = ud;
  if (d->decisions) d->decisions->form = NULL;
}

/* The rules' order in the form's drop-down: consent first. */
static void on_rule_picked(GObject *o, GParamSpec *p, gpointer ud) {
  (void)p;
  desk_decisions *t = ud;
  gtk_widget_set_visible(t->f_consent,
                         gtk_drop_down_get_selected(GTK_DROP_DOWN(o)) == 0);
}

static void on_new(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  desk_decisions *t = d->decisions;
  if (t->form) {
    gtk_window_present(GTK_WINDOW(t->form));
    return;
  }
  GtkWidget *grid = gtk_grid_new();
  t->form = desk_form(d, "New proposal", NULL, 520, grid);
  g_signal_connect(t->form, "destroy", G_CALLBACK(on_form_destroy), d);
  t->f_title = desk_field(grid, 0, "_Title",
                          desk_entry("Title", "What is to be decided", 0));
  t->f_title_error = desk_form_error(grid, 1, 0); /* under the title */
  t->f_text = desk_field(grid, 2, "_Proposal",
                         desk_entry("Proposal", "The proposal in full", 0));
  const char *rules[] = {"Consent: passes unless a practice objects",
                         "Majority: more than half of the practices agree",
                         "Unanimous: every practice agrees", NULL};
  t->f_rule = gtk_drop_down_new_from_strings(rules);
  gtk_accessible_update_property(GTK_ACCESSIBLE(t->f_rule),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Rule", -1);
  desk_field(grid, 3, "_Rule", t->f_rule);
  /* What consent alone asks of a voter, shown only when it is picked. */
  t->f_consent = gtk_label_new("A practice that objects must give its "
                               "reason; the others need none.");
  gtk_widget_set_name(t->f_consent, "Consent reason note");
  gtk_label_set_wrap(GTK_LABEL(t->f_consent), TRUE);
  gtk_label_set_xalign(GTK_LABEL(t->f_consent), 0);
  gtk_widget_add_css_class(t->f_consent, "dim-label");
  gtk_grid_attach(GTK_GRID(grid), t->f_consent, 1, 4, 1, 1);
  g_signal_connect(t->f_rule, "notify::selected", G_CALLBACK(on_rule_picked),
                   t);
  GtkWidget *when_box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
  t->f_closes = desk_date_entry_new("Closes");
  gtk_widget_set_hexpand(t->f_closes, TRUE);
  t->f_time = desk_entry("Closing time", "17:00", 0);
  gtk_editable_set_width_chars(GTK_EDITABLE(t->f_time), 6);
  gtk_editable_set_text(GTK_EDITABLE(t->f_time), "17:00");
  gtk_box_append(GTK_BOX(when_box), t->f_closes);
  gtk_box_append(GTK_BOX(when_box), t->f_time);
  desk_field(grid, 5, "_Closes", when_box);
  gtk_label_set_mnemonic_widget(
      GTK_LABEL(gtk_grid_get_child_at(GTK_GRID(grid), 0, 5)),
      desk_date_entry_text(t->f_closes));
  char week[11];
  pcn_date_format(pcn_date_today() + 7, week); /* the UK date */
  desk_date_entry_set(t->f_closes, week);
  t->f_closes_error = desk_form_error(grid, 6, 0); /* under the date */
  /* To: the practices by name, a check each; none ticked: every one. */
  t->f_to = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_name(t->f_to, "To");
  gtk_widget_set_tooltip_text(t->f_to, "None ticked: every practice");
  gtk_accessible_update_property(GTK_ACCESSIBLE(t->f_to),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                 "Practices asked to vote", -1);
  GListModel *ps = G_LIST_MODEL(d->practices);
  for (guint i = 0; ps && i < g_list_model_get_n_items(ps); i++) {
    PcnRecordRow *pr = g_list_model_get_item(ps, i);
    const char *ods = pcn_record_row_key(pr);
    GtkWidget *c = gtk_check_button_new_with_label(desk_practice_words(d, ods));
    gtk_widget_set_name(c, ods);
    gtk_widget_set_tooltip_text(c, ods);
    gtk_box_append(GTK_BOX(t->f_to), c);
    g_object_unref(pr);
  }
  desk_field(grid, 7, "_To", t->f_to);
  GtkWidget *every = gtk_label_new("None ticked: every practice votes.");
  gtk_label_set_xalign(GTK_LABEL(every), 0);
  gtk_widget_add_css_class(every, "dim-label");
  gtk_grid_attach(GTK_GRID(grid), every, 1, 8, 1, 1);
  t->f_error = desk_form_error(grid, 9, 0);
  t->f_go = desk_form_go(t->form, "_Propose", G_CALLBACK(on_propose), d);
  gtk_window_present(GTK_WINDOW(t->form));
}

/* The Voters form. Its list is read when it opens and again whenever a
 * nomination changes (the feed), so it is never stale while shown. */
static void on_voters(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_decisions *t = d->decisions;
  if (!t || !t->voters) return;
  if (r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_DECISION_VOTERS) {
    desk_say(t->v_error, r->status->message);
    return;
  }
  GString *w = g_string_new(NULL);
  for (size_t i = 0; i < r->decision_voters->n_voters; i++) {
    const Pcn__DecisionVoter *v = r->decision_voters->voters[i];
    if (!v->username[0]) continue;
    g_string_append_printf(
        w, "%s%s votes for %s (named by %s)", w->len ? "\n" : "",
        desk_person_words(d, v->username), desk_practice_words(d, v->practice),
        desk_person_words(d, v->named_by));
  }
  gtk_label_set_text(GTK_LABEL(t->v_list),
                     w->len ? w->str
                            : "No practice has named a voter: each votes "
                              "through its practice manager.");
  g_string_free(w, TRUE);
}

static void voters_load(pcn_desk *d) {
  Pcn__DecisionVoterList l = PCN__DECISION_VOTER_LIST__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DECISION_VOTER_LIST;
  req.decision_voter_list = &l;
  if (d->cl) pcn_client_call(d->cl, &req, on_voters, d);
}

static void on_voter_named(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_decisions *t = d->decisions;
  if (!t || !t->voters) return;
  gtk_widget_set_sensitive(t->v_go, TRUE);
  if (r->status->code != PCN__STATUS_CODE__OK) {
    char words[600];
    desk_error_words(r->status, words, sizeof words);
    desk_say(t->v_error, words);
    return;
  }
  /* Done: the list (read again below) shows it; the error line goes. */
  gtk_widget_set_visible(t->v_error, FALSE);
  gtk_drop_down_set_selected(GTK_DROP_DOWN(t->v_user), 0);
  voters_load(d);
}

static void on_name_voter(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  desk_decisions *t = d->decisions;
  Pcn__DecisionVoterSet v = PCN__DECISION_VOTER_SET__INIT;
  /* Both picked by name: the practice's code and the member's username
   * ride along in the drop-downs (issue 19). */
  GPtrArray *codes = g_object_get_data(G_OBJECT(t->v_practice), "codes");
  guint pi = gtk_drop_down_get_selected(GTK_DROP_DOWN(t->v_practice));
  const char *user = desk_person_picker_get(t->v_user);
  v.practice = (char *)(codes && pi < codes->len ? codes->pdata[pi] : "");
  v.username = (char *)(user ? user : "");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DECISION_VOTER_SET;
  req.decision_voter_set = &v;
  desk_form_send(d, &req, on_voter_named, t->v_go, t->v_error);
}

static void on_voters_destroy(GtkWidget *w, gpointer ud) {
  (void)w;
  pcn_desk *d = ud;
  if (d->decisions) d->decisions->voters = NULL;
}

static void on_voters_open(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  desk_decisions *t = d->decisions;
  if (t->voters) {
    gtk_window_present(GTK_WINDOW(t->voters));
    return;
  }
  GtkWidget *grid = gtk_grid_new();
  t->voters = desk_form(d, "Voters", "Who votes for each practice", 520, grid);
  g_signal_connect(t->voters, "destroy", G_CALLBACK(on_voters_destroy), d);
  GtkWidget *about = label("About voters", 1);
  gtk_label_set_text(
      GTK_LABEL(about),
      "A practice votes through its practice manager or the member it names "
      "as its voter. A practice manager names one of their practice's "
      "members; the PCN manager names one for any practice, or the clinical "
      "director. Pick Nobody to take a nomination back.");
  gtk_widget_add_css_class(about, "dim-label");
  gtk_grid_attach(GTK_GRID(grid), about, 0, 0, 2, 1);
  t->v_list = label("Named voters", 1);
  gtk_label_set_text(GTK_LABEL(t->v_list), "Reading...");
  gtk_grid_attach(GTK_GRID(grid), t->v_list, 0, 1, 2, 1);
  /* The practices by name (the codes kept beside, in the same order). */
  GtkStringList *names = gtk_string_list_new(NULL);
  GPtrArray *codes = g_ptr_array_new_with_free_func(g_free);
  GListModel *ps = G_LIST_MODEL(d->practices);
  guint mine = 0;
  for (guint i = 0; ps && i < g_list_model_get_n_items(ps); i++) {
    PcnRecordRow *p = g_list_model_get_item(ps, i);
    const char *ods = pcn_record_row_key(p);
    if (!strcmp(ods, d->practice)) mine = codes->len;
    g_ptr_array_add(codes, g_strdup(ods));
    gtk_string_list_append(names, desk_practice_words(d, ods));
    g_object_unref(p);
  }
  t->v_practice = gtk_drop_down_new(G_LIST_MODEL(names), NULL);
  g_object_set_data_full(G_OBJECT(t->v_practice), "codes", codes,
                         (GDestroyNotify)g_ptr_array_unref);
  gtk_widget_set_name(t->v_practice, "Practice");
  gtk_accessible_update_property(GTK_ACCESSIBLE(t->v_practice),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Practice", -1);
  gtk_drop_down_set_selected(GTK_DROP_DOWN(t->v_practice), mine);
  desk_field(grid, 2, "_Practice", t->v_practice);
  /* The members by name, "Nobody" first (taking a nomination back). */
  t->v_user = desk_person_picker_new(d, NULL);
  GtkStringList *people =
      GTK_STRING_LIST(gtk_drop_down_get_model(GTK_DROP_DOWN(t->v_user)));
  const char *const nobody[] = {"Nobody: take the nomination back", NULL};
  gtk_string_list_splice(people, 0, 0, nobody);
  g_ptr_array_insert(g_object_get_data(G_OBJECT(t->v_user), "usernames"), 0,
                     g_strdup(""));
  gtk_drop_down_set_selected(GTK_DROP_DOWN(t->v_user), 0);
  gtk_widget_set_name(t->v_user, "Member");
  gtk_accessible_update_property(GTK_ACCESSIBLE(t->v_user),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Member", -1);
  desk_field(grid, 3, "_Member", t->v_user);
  t->v_error = desk_form_error(grid, 4, 1);
  t->v_go =
      desk_form_go(t->voters, "_Name voter", G_CALLBACK(on_name_voter), d);
  /* Naming a voter keeps the window open, for the next practice. */
  gtk_button_set_label(GTK_BUTTON(desk_form_cancel(t->voters)), "_Close");
  voters_load(d);
  gtk_window_present(GTK_WINDOW(t->voters));
}

GtkWidget *decisions_view_new(pcn_desk *d) {
  desk_decisions *t = g_new0(desk_decisions, 1);
  d->decisions = t;
  t->rows = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, row_free);
  const char *shows[] = {"All decisions", "Open", "Closed and withdrawn", NULL};
  t->show = gtk_drop_down_new_from_strings(shows);
  gtk_accessible_update_property(GTK_ACCESSIBLE(t->show),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                 "Show decisions that are", -1);
  g_signal_connect(t->show, "notify::selected", G_CALLBACK(on_show), d);
  t->summary = gtk_label_new(NULL);
  gtk_label_set_xalign(GTK_LABEL(t->summary), 0);
  /* "1 open · 1 waiting for <the practice>'s vote" wraps before the
   * buttons beside it would leave the page (issue 19). */
  gtk_label_set_wrap(GTK_LABEL(t->summary), TRUE);
  gtk_label_set_wrap_mode(GTK_LABEL(t->summary), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand(t->summary, TRUE);
  gtk_widget_add_css_class(t->summary, "dim-label");
  GtkWidget *add = gtk_button_new_with_mnemonic("_New proposal");
  gtk_widget_add_css_class(add, "suggested-action");
  g_signal_connect(add, "clicked", G_CALLBACK(on_new), d);
  GtkWidget *bar = desk_bar();
  gtk_box_append(GTK_BOX(bar), t->summary);
  gtk_box_append(GTK_BOX(bar), t->show);
  GtkWidget *voters = gtk_button_new_with_mnemonic("_Voters");
  gtk_widget_set_tooltip_text(voters, "Who votes for each practice");
  g_signal_connect(voters, "clicked", G_CALLBACK(on_voters_open), d);
  gtk_box_append(GTK_BOX(bar), voters);
  gtk_box_append(GTK_BOX(bar), add);
  /* The buttons keep their height when the summary takes two lines. */
  gtk_widget_set_valign(t->show, GTK_ALIGN_CENTER);
  gtk_widget_set_valign(voters, GTK_ALIGN_CENTER);
  gtk_widget_set_valign(add, GTK_ALIGN_CENTER);

  t->list = gtk_list_box_new();
  gtk_widget_set_name(t->list, "Decisions");
  gtk_accessible_update_property(GTK_ACCESSIBLE(t->list),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                 "Decisions, open ones first", -1);
  gtk_list_box_set_selection_mode(GTK_LIST_BOX(t->list), GTK_SELECTION_NONE);
  gtk_list_box_set_sort_func(GTK_LIST_BOX(t->list), sort_rows, NULL, NULL);
  gtk_list_box_set_filter_func(GTK_LIST_BOX(t->list), filter_rows, t, NULL);
  gtk_widget_add_css_class(t->list, "boxed-list");
  GtkWidget *empty = gtk_label_new("No decisions here.");
  gtk_widget_add_css_class(empty, "dim-label");
  gtk_widget_set_margin_top(empty, 24);
  gtk_widget_set_margin_bottom(empty, 24);
  gtk_list_box_set_placeholder(GTK_LIST_BOX(t->list), empty);
  gtk_widget_set_margin_start(t->list, 12);
  gtk_widget_set_margin_end(t->list, 12);
  gtk_widget_set_margin_bottom(t->list, 12);
  GtkWidget *scroll = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), t->list);
  gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroll), GTK_POLICY_NEVER,
                                 GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand(scroll, TRUE);
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append(GTK_BOX(box), bar);
  gtk_box_append(GTK_BOX(box), scroll);
  show_summary(d);
  return box;
}

void decisions_free(pcn_desk *d) {
  desk_decisions *t = d->decisions;
  if (!t) return;
  if (t->form) gtk_window_destroy(GTK_WINDOW(t->form));
  if (t->voters) gtk_window_destroy(GTK_WINDOW(t->voters));
  d->decisions = NULL;
  g_hash_table_destroy(t->rows);
  g_free(t);
}

/* ------------------------------------------------------------ registry */

/* What waits on the member: open decisions their practice votes on
 * through them and has not voted on yet (the page's "waiting for"). */
static unsigned decisions_needs_me(pcn_desk *d) {
  desk_decisions *t = d->decisions;
  if (!t || !d->practice[0]) return 0;
  unsigned n = 0;
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init(&it, t->rows);
  while (g_hash_table_iter_next(&it, NULL, &v)) {
    dec_row *r = v;
    n += is_open(r) && my_practice_votes(r) &&
         !g_hash_table_contains(r->votes, d->practice);
  }
  return n;
}

/* Everyone. */
const desk_page decisions_page = {
    .id = "decisions",
    .title = "Decisions",
    .group = DESK_WORK,
    .icon = "emblem-ok-symbolic",
    .view_new = decisions_view_new,
    .load = decisions_load,
    .on_event = decisions_on_event,
    .free = decisions_free,
    .needs_me = decisions_needs_me,
};
