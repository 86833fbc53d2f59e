/* test_desktop_asks.c - the Asks page, on a server whose clock the test
 * moves. Jo (practice manager, F84001): an ask the PCN manager makes over
 * the wire appears live with a notice; Jo answers it Done through the
 * Answer window and the server has the answer. The PCN manager's own
 * window: the per-practice strip shows Jo's answer, and Sam's decline
 * (F84002) arrives live with a notice to the asker; the New ask form shows
 * the urgent reason only when the due date is short of fair notice, and
 * shows the server's refusal of an urgent ask without a reason. The clock
 * moves past the urgent ask's due date: Jo gets the overdue reminder as a
 * notice. Every control on the page and in its windows has a name. The
 * page names Jo's practice, not its code (issue 19).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dtest.h"
#include "validate.h"
#include "workdays.h"

#define DAY_MS (24LL * 3600 * 1000)

static its_member *sam;
static pcn_desk *mgr_desk;

/* dtest_setup with a movable clock (and sessions that outlast the move),
 * a second practice, and Sam, its practice manager. */
static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  f->s = its_start("--test-clock --session-idle 31536000 "
                   "--session-max 31536000");
  f->mgr = its_manager(f->s);
  its_add_practice(f->mgr, "F84001", "Riverside Surgery", 12000);
  its_add_practice(f->mgr, "F84002", "Hill Street", 8000);
  f->jo =
      its_add_member(f->s, f->mgr, "jo", PCN__ROLE__PRACTICE_MANAGER, "F84001");
  sam = its_add_member(f->s, f->mgr, "sam", PCN__ROLE__PRACTICE_MANAGER,
                       "F84002");
  dtest_save_session(f, f->jo, f->cfgdir, sizeof f->cfgdir);
  f->app =
      adw_application_new("org.pcnhub.DesktopTest", G_APPLICATION_NON_UNIQUE);
  assert_true(g_application_register(G_APPLICATION(f->app), NULL, NULL));
  f->d = pcn_desk_new(GTK_APPLICATION(f->app));
  gtk_window_present(pcn_desk_window(f->d));
  assert_true(spin_until(f, connected, 10000));
  *state = f;
  return 0;
}

static int teardown(void **state) {
  its_member_free(sam);
  return dtest_teardown(state);
}

/* ------------------------------------------------------------ helpers */

static GtkWidget *in_win;
static const char *want_row, *want_chip;

/* The row of the ask named want_row in in_win, and in it (when want_chip)
 * the chip of that name. */
static GtkWidget *row_widget(void) {
  GtkWidget *row = find_widget(in_win, GTK_TYPE_LIST_BOX_ROW, want_row);
  if (!row || !want_chip) return row;
  return find_widget(row, GTK_TYPE_LABEL, want_chip);
}

static int row_shown(fixture *f) {
  (void)f;
  return row_widget() != NULL;
}

static int wait_row(fixture *f, GtkWidget *win, const char *row,
                    const char *chip) {
  in_win = win;
  want_row = row;
  want_chip = chip;
  return spin_until(f, row_shown, 8000);
}

/* The refusal of the urgent reason shows in words in the error line right
 * under the Urgent because field (issue 19): the server's sentence without
 * its "urgent_reason: " prefix or any `pcn advice, the field marked. */
static GtkWidget *error_win;
static int form_error(fixture *f) {
  (void)f;
  GtkWidget *grid = pcn_desk_form_grid(GTK_WINDOW(error_win));
  GtkWidget *reason = find_widget(grid, GTK_TYPE_ENTRY, "Urgent because");
  int col, row, w, h;
  gtk_grid_query_child(GTK_GRID(grid), reason, &col, &row, &w, &h);
  GtkWidget *c = gtk_grid_get_child_at(GTK_GRID(grid), 0, row + 1);
  if (!c || !GTK_IS_LABEL(c) || !gtk_widget_has_css_class(c, "error") ||
      !gtk_widget_get_visible(c))
    return 0;
  const char *text = gtk_label_get_text(GTK_LABEL(c));
  return strstr(text, "An urgent ask says why it cannot give") &&
         !strstr(text, "urgent_reason") && !strstr(text, "`pcn") &&
         gtk_widget_has_css_class(reason, "error");
}

/* The due date of ask id, as the server has it. */
static char *due_of(its_member *m, uint64_t id) {
  Pcn__AskList l = PCN__ASK_LIST__INIT;
  l.practice = "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_ASK_LIST;
  req.ask_list = &l;
  const Pcn__Response *r = its_expect(m, &req, PCN__STATUS_CODE__OK);
  for (size_t i = 0; i < r->asks->n_asks; i++)
    if (r->asks->asks[i]->ask->id == id) return r->asks->asks[i]->ask->due;
  return "";
}

/* The Asks page of a main window. */
static GtkWidget *asks_page(GtkWidget *win) {
  return gtk_stack_get_child_by_name(
      GTK_STACK(find_widget(win, GTK_TYPE_STACK, NULL)), "asks");
}

static GtkWidget *body(GtkWidget *win) {
  return pcn_desk_form_grid(GTK_WINDOW(win));
}

static void make_ask(its_member *m, const char *title, int32_t due, char **to,
                     size_t n, const char *urgent) {
  char day[11];
  pcn_date_format(due, day);
  Pcn__AskCreate c = PCN__ASK_CREATE__INIT;
  c.title = (char *)title;
  c.body = "Your practice's figures to the end of last month.";
  c.due = day;
  c.practices = to;
  c.n_practices = n;
  c.urgent = urgent != NULL;
  c.urgent_reason = (char *)(urgent ? urgent : "");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_ASK_CREATE;
  req.ask_create = &c;
  its_expect(m, &req, PCN__STATUS_CODE__OK);
}

/* ------------------------------------------------------------ the test */

static void test_asks(void **state) {
  fixture *f = *state;
  GtkWidget *jo_win = GTK_WIDGET(pcn_desk_window(f->d));
  int32_t today = pcn_date_today();
  char *both[] = {"F84001", "F84002"};

  /* A new ask to Jo's practice appears live, with a notice. */
  unsigned n0 = pcn_desk_notices(f->d, NULL);
  make_ask(f->mgr, "Flu vaccine uptake", pcn_add_working_days(today, 12, NULL),
           both, 2, NULL);
  dtest_show_page(jo_win, "asks");
  assert_true(wait_row(f, jo_win, "ask-1", "F84001: no answer"));
  assert_true(dtest_wait_notice(f, f->d, n0, "A new ask for your practice"));
  /* Jo sees F84001's answer only, not F84002's. */
  want_chip = "F84002: no answer";
  assert_null(row_widget());
  /* The page names her practice, not its code (issue 19). */
  assert_true(dtest_label_under(asks_page(jo_win),
                                "Asked of Riverside Surgery, by due date"));
  assert_false(dtest_label_under(asks_page(jo_win), "F84001"));

  /* Jo answers Done, with a note, through the Answer window. */
  want_chip = NULL;
  dtest_click(row_widget(), "Answer");
  GtkWidget *aw = dtest_window_named("Answer an ask");
  assert_non_null(aw);
  assert_int_equal(dtest_unnamed(body(aw)), 0);
  gtk_drop_down_set_selected(
      GTK_DROP_DOWN(find_widget(aw, GTK_TYPE_DROP_DOWN, NULL)), 1);
  type_text(find_widget(aw, GTK_TYPE_ENTRY, "Note or reason"),
            "Sent to the ICB on Monday");
  dtest_click(aw, "Send");
  assert_true(wait_row(f, jo_win, "ask-1", "F84001: done"));
  Pcn__AskGet g = PCN__ASK_GET__INIT;
  g.id = 1;
  Pcn__Request gr = PCN__REQUEST__INIT;
  gr.body_case = PCN__REQUEST__BODY_ASK_GET;
  gr.ask_get = &g;
  const Pcn__Response *r = its_expect(f->mgr, &gr, PCN__STATUS_CODE__OK);
  assert_int_equal(r->ask_detail->answers[0]->state,
                   PCN__ASK_ANSWER_STATE__ASK_DONE);
  assert_string_equal(r->ask_detail->answers[0]->note,
                      "Sent to the ICB on Monday");
  assert_string_equal(r->ask_detail->answers[0]->answered_by, "jo");
  assert_int_equal(dtest_unnamed(asks_page(jo_win)), 0);

  /* The PCN manager's own window: every practice's answer in the strip. */
  mgr_desk = dtest_open_manager(f);
  GtkWidget *mgr_win = GTK_WIDGET(pcn_desk_window(mgr_desk));
  dtest_show_page(mgr_win, "asks");
  assert_true(wait_row(f, mgr_win, "ask-1", "F84001: done"));
  assert_true(wait_row(f, mgr_win, "ask-1", "F84002: no answer"));

  /* Sam declines over the wire: the strip changes live, and the asker
   * gets a notice. */
  unsigned m0 = pcn_desk_notices(mgr_desk, NULL);
  Pcn__AskReply rep = PCN__ASK_REPLY__INIT;
  rep.ask_id = 1;
  rep.state = PCN__ASK_ANSWER_STATE__ASK_DECLINED;
  rep.note = "Our data lead is away until the 20th";
  Pcn__Request rr = PCN__REQUEST__INIT;
  rr.body_case = PCN__REQUEST__BODY_ASK_REPLY;
  rr.ask_reply = &rep;
  its_expect(sam, &rr, PCN__STATUS_CODE__OK);
  assert_true(wait_row(f, mgr_win, "ask-1", "F84002: declined"));
  assert_true(
      dtest_wait_notice(f, mgr_desk, m0, "Hill Street declined an ask"));

  /* New ask with short notice: the urgent reason appears; without one
   * the server's refusal shows; with one the ask reaches Jo. */
  dtest_click(mgr_win, "New ask");
  GtkWidget *nw = dtest_window_named("New ask");
  assert_non_null(nw);
  GtkWidget *reason = find_widget(nw, GTK_TYPE_ENTRY, "Urgent because");
  assert_false(gtk_widget_get_visible(reason));
  type_text(find_widget(nw, GTK_TYPE_ENTRY, "Title"), "Rota gaps this week");
  type_text(find_widget(nw, GTK_TYPE_ENTRY, "What is needed"),
            "Sessions you cannot cover, by Friday");
  char fair[11], soon[11], typed[16];
  pcn_date_format(pcn_add_working_days(today, 20, NULL), fair);
  pcn_date_format(today + 1, soon);
  type_text(find_widget(nw, GTK_TYPE_ENTRY, "Due date"), fair);
  assert_false(gtk_widget_get_visible(reason));
  /* Typed as people in England write it, day first (issue 19). */
  int64_t sy;
  int sm, sd;
  pcn_civil_from_days(today + 1, &sy, &sm, &sd);
  snprintf(typed, sizeof typed, "%d/%d/%lld", sd, sm, (long long)sy);
  type_text(find_widget(nw, GTK_TYPE_ENTRY, "Due date"), typed);
  assert_true(gtk_widget_get_visible(reason));
  gtk_check_button_set_active(
      GTK_CHECK_BUTTON(find_widget(nw, GTK_TYPE_CHECK_BUTTON, "F84001")), 1);
  assert_int_equal(dtest_unnamed(body(nw)), 0);
  dtest_click(nw, "Ask");
  error_win = nw;
  assert_true(spin_until(f, form_error, 5000));
  shot(nw, "desktop-asks-new");
  type_text(reason, "The ICB moved its deadline to this week");
  unsigned j0 = pcn_desk_notices(f->d, NULL);
  dtest_click(nw, "Ask");
  assert_true(wait_row(f, mgr_win, "ask-2", "F84001: no answer"));
  assert_null(dtest_window_named("New ask"));
  assert_string_equal(due_of(f->mgr, 2), soon);
  assert_true(wait_row(f, jo_win, "ask-2", "F84001: no answer"));
  assert_true(dtest_wait_notice(f, f->d, j0, "urgent: The ICB moved"));
  assert_non_null(find_widget(mgr_win, GTK_TYPE_LABEL, "Urgent asks"));
  assert_int_equal(dtest_unnamed(asks_page(mgr_win)), 0);
  shot(mgr_win, "desktop-asks-manager");

  /* The working day after it was due, Jo's practice still owes it: the
   * reminder reaches Jo as a notice. (Ask 1 is done: no reminder.) */
  j0 = pcn_desk_notices(f->d, NULL);
  int64_t now = its_advance(f->mgr, 0);
  int32_t after = pcn_add_working_days(today + 1, 1, NULL);
  its_advance(f->mgr, (int64_t)after * DAY_MS + 9 * 3600 * 1000LL - now);
  assert_true(dtest_wait_notice(f, f->d, j0, "An ask is overdue"));
  const char *last;
  pcn_desk_notices(f->d, &last);
  assert_non_null(strstr(last, "Rota gaps this week"));
  assert_null(strstr(last, soon)); /* the due date in words (issue 19) */
  /* And the page has moved to the server's day: it shows as overdue. */
  assert_true(wait_row(f, jo_win, "ask-2", "F84001: overdue"));
  /* In words on the row too, and only for what is still owed (issue 20):
   * ask 1, done by Jo, is no one's overdue. */
  assert_true(wait_row(f, jo_win, "ask-2", "Overdue"));
  want_row = "ask-1";
  want_chip = "Overdue";
  assert_null(row_widget());
  shot(jo_win, "desktop-asks-jo");

  gtk_window_destroy(GTK_WINDOW(mgr_win));
  pcn_desk_free(mgr_desk);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_asks, setup, teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
