/* test_desktop_decisions.c - the Decisions page, driven as Jo (practice
 * manager at F84001) would: a proposal the PCN manager makes arrives live
 * with a notice; Ravi's objection (F84002, over the wire) shows in the
 * vote strip at once; Jo's own objection without a reason is refused with
 * the server's sentence on the row; her vote with a reason through the
 * row's buttons is the last one, so the decision closes and the row shows
 * the outcome; a decision Ravi closes raises a notice, and so does a
 * reminder to Jo's practice; Jo proposes through the form and withdraws
 * her own proposal from its row; one she puts to two practices, one with
 * nobody to vote, keeps its form open to say so; she names her practice's
 * GP as its voter in the Voters form, is refused naming one for another
 * practice, and sees the PCN manager's nomination arrive; the PCN manager
 * reminds about her decision from their own window (issue 20). Every
 * control of
 * the page has
 * a name a screen reader can say. Screenshots: desktop-decisions*.png.
 * Issue 19: the reason field is consent's alone: the consent decision's
 * row has one, the majority's none; the proposal form's line about an
 * objection's reason shows only while consent is picked; a closing date
 * typed as "9/12/2031" reaches the server as that day, 17:00 UK time;
 * withdrawing asks first (Cancel keeps it open).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dtest.h"
#include "uktime.h"
#include "validate.h"

#define DAY_MS (24LL * 3600 * 1000)

static GtkWidget *win;
static const char *want_name, *want_text;

/* The label named want_name says want_text. */
static int label_says(fixture *f) {
  (void)f;
  GtkWidget *l = find_widget(win, GTK_TYPE_LABEL, want_name);
  return l && strstr(gtk_label_get_text(GTK_LABEL(l)), want_text);
}

static int wait_label(fixture *f, const char *name, const char *text) {
  want_name = name;
  want_text = text;
  int ok = spin_until(f, label_says, 5000);
  if (!ok) {
    GtkWidget *l = find_widget(win, GTK_TYPE_LABEL, name);
    fprintf(stderr, "label '%s' says '%s', not '%s'\n", name,
            l ? gtk_label_get_text(GTK_LABEL(l)) : "(no such label)", text);
  }
  return ok;
}

/* The Voters form's button is back: its answer arrived. */
static int form_go_ready(fixture *f) {
  (void)f;
  GtkWidget *form = dtest_window_named("Voters");
  return form && gtk_widget_get_sensitive(
                     find_widget(form, GTK_TYPE_BUTTON, "Name voter"));
}

/* Jo's Practices list has Brook Lane. */
static int brook_lane_known(fixture *f) {
  GListModel *m = pcn_desk_practices(f->d);
  int n = 0;
  for (guint i = 0; i < g_list_model_get_n_items(m); i++) {
    PcnRecordRow *r = g_list_model_get_item(m, i);
    n += !strcmp(pcn_record_row_key(r), "F84003");
    g_object_unref(r);
  }
  return n;
}

/* Jo's Members list has the GP and the clinical director. */
static int members_known(fixture *f) {
  GListModel *m = pcn_desk_members(f->d);
  int n = 0;
  for (guint i = 0; i < g_list_model_get_n_items(m); i++) {
    PcnRecordRow *r = g_list_model_get_item(m, i);
    n += !strcmp(pcn_record_row_key(r), "drlee") ||
         !strcmp(pcn_record_row_key(r), "cd");
    g_object_unref(r);
  }
  return n == 2;
}

/* Decision 5 has had a reminder sent by hand. */
static int reminded_6(fixture *f) {
  Pcn__DecisionGet g = PCN__DECISION_GET__INIT;
  g.id = 6;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DECISION_GET;
  r.decision_get = &g;
  return its_expect(f->mgr, &r, PCN__STATUS_CODE__OK)
             ->decision->proposer_reminded_at != 0;
}

static uint64_t propose(its_member *m, const char *title, int rule) {
  Pcn__DecisionPropose p = PCN__DECISION_PROPOSE__INIT;
  p.title = (char *)title;
  p.text = "One clinic at Riverside on Saturday mornings, staffed by "
           "rota from every practice.";
  p.rule = rule;
  p.closes_at = ((int64_t)time(NULL) + 3 * 86400) * 1000;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DECISION_PROPOSE;
  r.decision_propose = &p;
  return its_expect(m, &r, PCN__STATUS_CODE__OK)->decision->id;
}

static void vote(its_member *m, uint64_t id, int choice, const char *reason) {
  Pcn__DecisionVoteCast v = PCN__DECISION_VOTE_CAST__INIT;
  v.id = id;
  v.choice = choice;
  v.reason = (char *)reason;
  v.practice = "";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DECISION_VOTE;
  r.decision_vote = &v;
  its_expect(m, &r, PCN__STATUS_CODE__OK);
}

/* The line under the Closes field says the server's refusal in words. */
static GtkWidget *closes_field;
static int closes_refused(fixture *f) {
  (void)f;
  GtkWidget *grid = gtk_widget_get_parent(
      gtk_widget_get_parent(gtk_widget_get_parent(closes_field)));
  int col, row, w, h;
  gtk_grid_query_child(
      GTK_GRID(grid),
      gtk_widget_get_parent(gtk_widget_get_parent(closes_field)), &col, &row,
      &w, &h);
  GtkWidget *l = gtk_grid_get_child_at(GTK_GRID(grid), 0, row + 1);
  if (!l || !GTK_IS_LABEL(l) || !gtk_widget_get_visible(l)) return 0;
  const char *text = gtk_label_get_text(GTK_LABEL(l));
  return strstr(text, "A decision closes within a year") &&
         !strstr(text, "closes_at") && !strstr(text, "`pcn") &&
         gtk_widget_has_css_class(closes_field, "error");
}

/* When decision id closes, as the server has it. */
static int64_t closes_of(its_member *m, uint64_t id) {
  Pcn__DecisionList l = PCN__DECISION_LIST__INIT;
  l.limit = 200;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DECISION_LIST;
  req.decision_list = &l;
  const Pcn__Response *r = its_expect(m, &req, PCN__STATUS_CODE__OK);
  for (size_t i = 0; i < r->decisions->n_decisions; i++)
    if (r->decisions->decisions[i]->id == id)
      return r->decisions->decisions[i]->closes_at;
  return -1;
}

static void test_decisions(void **state) {
  fixture *f = *state;
  win = GTK_WIDGET(pcn_desk_window(f->d));
  its_add_practice(f->mgr, "F84002", "Hill Street", 8000);
  its_member *ravi = its_add_member(f->s, f->mgr, "ravi",
                                    PCN__ROLE__PRACTICE_MANAGER, "F84002");
  gtk_stack_set_visible_child_name(
      GTK_STACK(find_widget(win, GTK_TYPE_STACK, NULL)), "decisions");

  /* A proposal arrives live, with a notice. */
  unsigned before = pcn_desk_notices(f->d, NULL);
  propose(f->mgr, "Shared flu clinic", PCN__DECISION_RULE__DECISION_CONSENT);
  assert_true(wait_label(f, "Decision 1", "Shared flu clinic"));
  assert_true(dtest_wait_notice(f, f->d, before, "A new decision to vote on"));
  assert_true(wait_label(f, "State of decision 1", "Open · closes"));
  assert_true(wait_label(f, "F84001 vote on decision 1", "not voted"));

  /* Ravi objects elsewhere: the strip shows it at once. */
  vote(ravi, 1, PCN__DECISION_CHOICE__DECISION_DISAGREE,
       "No room on Saturdays.");
  assert_true(
      wait_label(f, "F84002 vote on decision 1", "Hill Street: disagree"));

  /* Jo objects without a reason: the row says what the server said. */
  dtest_click(win, "Disagree on decision 1");
  assert_true(wait_label(f, "Note on decision 1", "objection"));

  /* Jo agrees, with a reason: the last vote, so it closes; the row shows
   * the outcome and the votes stay. */
  type_text(find_widget(win, GTK_TYPE_ENTRY, "Reason for decision 1"),
            "We can host it.");
  shot(win, "desktop-decisions-open");
  dtest_click(win, "Agree on decision 1");
  assert_true(wait_label(f, "State of decision 1", "Rejected"));
  assert_true(wait_label(f, "Outcome of decision 1",
                         "Rejected: 1 of 2 practices objected"));
  assert_true(
      wait_label(f, "F84001 vote on decision 1", "Riverside Surgery: agree"));
  assert_false(gtk_widget_is_visible(
      find_widget(win, GTK_TYPE_ENTRY, "Reason for decision 1")));

  /* Jo votes first on a majority decision; Ravi's vote closes it, and Jo
   * hears about it. */
  propose(f->mgr, "Joint training day", PCN__DECISION_RULE__DECISION_MAJORITY);
  assert_true(wait_label(f, "Decision 2", "Joint training day"));
  /* No reason field on a majority decision: only consent reads one. */
  assert_false(gtk_widget_is_visible(
      find_widget(win, GTK_TYPE_ENTRY, "Reason for decision 2")));
  dtest_click(win, "Agree on decision 2");
  assert_true(
      wait_label(f, "F84001 vote on decision 2", "Riverside Surgery: agree"));
  before = pcn_desk_notices(f->d, NULL);
  vote(ravi, 2, PCN__DECISION_CHOICE__DECISION_AGREE, "");
  assert_true(dtest_wait_notice(f, f->d, before, "A decision has closed"));
  assert_true(wait_label(f, "State of decision 2", "Passed"));

  /* The proposer's reminder reaches Jo's practice, which has not voted. */
  /* ... and one on an open consent decision. */
  propose(f->mgr, "Consent check", PCN__DECISION_RULE__DECISION_CONSENT);
  assert_true(wait_label(f, "Decision 3", "Consent check"));
  assert_true(gtk_widget_is_visible(
      find_widget(win, GTK_TYPE_ENTRY, "Reason for decision 3")));
  propose(f->mgr, "Estates review", PCN__DECISION_RULE__DECISION_UNANIMOUS);
  assert_true(wait_label(f, "Decision 4", "Estates review"));
  Pcn__DecisionRemind m = PCN__DECISION_REMIND__INIT;
  m.id = 4;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DECISION_REMIND;
  req.decision_remind = &m;
  before = pcn_desk_notices(f->d, NULL);
  its_expect(f->mgr, &req, PCN__STATUS_CODE__OK);
  assert_true(
      dtest_wait_notice(f, f->d, before, "Your practice's vote is awaited"));
  assert_true(wait_label(f, "Decision 4", "Estates review"));
  /* Jo proposes from the page; her own proposal she may remind about and
   * withdraw. */
  dtest_click(win, "New proposal");
  GtkWidget *form = dtest_window_named("New proposal");
  assert_non_null(form);
  assert_int_equal(dtest_unnamed(form), 0);
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Title"), "Share a phlebotomist");
  GtkWidget *consent_note =
      find_widget(form, GTK_TYPE_LABEL, "Consent reason note");
  assert_true(gtk_widget_is_visible(consent_note)); /* consent: the default */
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Closes"), "9/12/2031");
  spin_ms(200);
  shot(form, "desktop-decision-form");
  gtk_drop_down_set_selected(
      GTK_DROP_DOWN(find_widget(form, GTK_TYPE_DROP_DOWN, NULL)), 1);
  assert_false(gtk_widget_is_visible(consent_note)); /* majority */
  /* Five years ahead is refused: the server's sentence, in words, right
   * under the date (no "closes_at:", no CLI advice), the field marked. */
  dtest_press(find_widget(form, GTK_TYPE_BUTTON, "Propose"));
  closes_field = find_widget(form, GTK_TYPE_ENTRY, "Closes");
  assert_true(spin_until(f, closes_refused, 5000));
  shot(form, "desktop-decisions-propose");
  /* Typed day first, within the year: it reaches the server as that day,
   * 17:00 UK time. */
  int32_t soon = pcn_date_today() + 30;
  int64_t sy;
  int sm, sd;
  pcn_civil_from_days(soon, &sy, &sm, &sd);
  char typed[16], iso[24];
  snprintf(typed, sizeof typed, "%d/%d/%lld", sd, sm, (long long)sy);
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Closes"), typed);
  pcn_date_format(soon, iso);
  strcat(iso, " 17:00");
  int64_t want_ms;
  const char *why;
  assert_int_equal(pcn_london_parse(iso, &want_ms, &why), 0);
  dtest_press(find_widget(form, GTK_TYPE_BUTTON, "Propose"));
  assert_true(wait_label(f, "Decision 5", "Share a phlebotomist"));
  assert_int_equal(closes_of(f->mgr, 5), want_ms);
  assert_true(gtk_widget_is_visible(
      find_widget(win, GTK_TYPE_BUTTON, "Withdraw decision 5")));
  /* Withdrawing asks first; Cancel keeps it open. */
  dtest_click(win, "Withdraw decision 5");
  GtkWidget *dlg = dtest_window_named("Confirm");
  assert_non_null(dlg);
  assert_true(dtest_label_under(dlg, "Withdraw “Share a phlebotomist”?"));
  dtest_click(dlg, "Cancel");
  spin_ms(300);
  assert_true(wait_label(f, "State of decision 5", "Open"));
  dtest_click(win, "Withdraw decision 5");
  dlg = dtest_window_named("Confirm");
  assert_non_null(dlg);
  dtest_click(dlg, "Withdraw");
  assert_true(wait_label(f, "State of decision 5", "Withdrawn"));

  /* Jo puts one to F84001 and a new practice with nobody to vote yet:
   * the form stays open to say so. */
  its_add_practice(f->mgr, "F84003", "Brook Lane", 6000);
  assert_true(spin_until(f, brook_lane_known, 5000));
  dtest_click(win, "New proposal");
  form = dtest_window_named("New proposal");
  assert_non_null(form);
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Title"), "Shared clinic");
  /* The practices are ticked by name (issue 19). */
  assert_null(find_widget(form, GTK_TYPE_ENTRY, "To"));
  gtk_check_button_set_active(
      GTK_CHECK_BUTTON(find_widget(form, GTK_TYPE_CHECK_BUTTON, "F84001")),
      TRUE);
  gtk_check_button_set_active(
      GTK_CHECK_BUTTON(find_widget(form, GTK_TYPE_CHECK_BUTTON, "F84003")),
      TRUE);
  dtest_press(find_widget(form, GTK_TYPE_BUTTON, "Propose"));
  assert_true(wait_label(f, "Decision 6", "Shared clinic"));
  assert_true(dtest_label_under(form, "Nobody can vote for Brook Lane"));
  shot(form, "desktop-decisions-no-voter");
  gtk_window_destroy(GTK_WINDOW(form));

  /* The Voters form: Jo names her practice's GP as its voter; naming one
   * for another practice is refused with the server's sentence; the PCN
   * manager naming the clinical director for F84003 shows at once. */
  its_member *lee =
      its_add_member(f->s, f->mgr, "drlee", PCN__ROLE__CLINICIAN, "F84001");
  its_member *cd =
      its_add_member(f->s, f->mgr, "cd", PCN__ROLE__CLINICAL_DIRECTOR, "");
  assert_true(spin_until(f, members_known, 5000));
  dtest_click(win, "Voters");
  form = dtest_window_named("Voters");
  assert_non_null(form);
  assert_int_equal(dtest_unnamed(form), 0);
  assert_true(dtest_wait_says(f, form, "Named voters", "No practice has"));
  /* Practice and member are picked by name, not typed (issue 19). */
  assert_null(find_widget(form, GTK_TYPE_ENTRY, "Member"));
  GtkWidget *practice = find_widget(form, GTK_TYPE_DROP_DOWN, "Practice");
  GtkWidget *member = find_widget(form, GTK_TYPE_DROP_DOWN, "Member");
  GtkStringList *shown =
      GTK_STRING_LIST(gtk_drop_down_get_model(GTK_DROP_DOWN(practice)));
  assert_string_equal(
      gtk_string_list_get_string(
          shown, gtk_drop_down_get_selected(GTK_DROP_DOWN(practice))),
      "Riverside Surgery");
  dtest_pick(member, "drlee");
  dtest_press(find_widget(form, GTK_TYPE_BUTTON, "Name voter"));
  assert_true(dtest_wait_says(f, form, "Named voters",
                              "drlee votes for Riverside Surgery"));
  dtest_pick(practice, "Brook Lane");
  dtest_pick(member, "cd");
  dtest_press(find_widget(form, GTK_TYPE_BUTTON, "Name voter"));
  assert_true(spin_until(f, form_go_ready, 5000));
  assert_true(dtest_label_under(form, "may not name a practice's voter there"));
  assert_false(dtest_label_under(form, "`pcn"));
  Pcn__DecisionVoterSet vs = PCN__DECISION_VOTER_SET__INIT;
  vs.practice = "F84003";
  vs.username = "cd";
  Pcn__Request vr = PCN__REQUEST__INIT;
  vr.body_case = PCN__REQUEST__BODY_DECISION_VOTER_SET;
  vr.decision_voter_set = &vs;
  its_expect(f->mgr, &vr, PCN__STATUS_CODE__OK);
  assert_true(
      dtest_wait_says(f, form, "Named voters", "cd votes for Brook Lane"));
  shot(form, "desktop-decisions-voters");
  gtk_window_destroy(GTK_WINDOW(form));
  its_member_free(lee);
  its_member_free(cd);

  /* Not Jo's proposal: no withdraw or remind for her. */
  assert_false(gtk_widget_is_visible(
      find_widget(win, GTK_TYPE_BUTTON, "Withdraw decision 4")));
  GtkStack *stack = GTK_STACK(find_widget(win, GTK_TYPE_STACK, NULL));
  assert_int_equal(
      dtest_unnamed(gtk_stack_get_child_by_name(stack, "decisions")), 0);
  shot(win, "desktop-decisions");

  /* The PCN manager reminds about Jo's decision 6 from their own window
   * (issue 20); withdrawing stays Jo's. */
  pcn_desk *md = dtest_open_manager(f);
  GtkWidget *jo_win = win;
  win = GTK_WIDGET(pcn_desk_window(md));
  dtest_show_page(win, "decisions");
  assert_true(wait_label(f, "Decision 6", "Shared clinic"));
  assert_true(gtk_widget_is_visible(
      find_widget(win, GTK_TYPE_BUTTON, "Remind about decision 6")));
  assert_false(gtk_widget_is_visible(
      find_widget(win, GTK_TYPE_BUTTON, "Withdraw decision 6")));
  dtest_click(win, "Remind about decision 6");
  assert_true(spin_until(f, reminded_6, 5000));
  win = jo_win;
  its_member_free(ravi);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_decisions, dtest_setup,
                                      dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
