/* test_desktop_plan.c - the Funding plan page. Jo (practice manager at
 * F84001) picks the financial year 2027 and sees its rates, the income
 * they make expected against what was received, and the budgets; a rate,
 * a practice's figures, a receipt and a budget the PCN manager records
 * over the wire appear live. Jo has no forms. The PCN manager, in a
 * second window, sets a rate and a budget through the real widgets (a
 * rate with five decimals is refused before it is sent); Jo's window
 * follows. Every control on the page has a name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dtest.h"

static void call_ok(its_member *m, Pcn__Request *r) {
  its_expect(m, r, PCN__STATUS_CODE__OK);
}

static void figures(its_member *m, const char *ods, uint32_t list) {
  Pcn__FundsFiguresSet fs = PCN__FUNDS_FIGURES_SET__INIT;
  fs.applies_from = "2027-04-01";
  fs.practice = (char *)ods;
  fs.list_size = list;
  fs.weighted = list;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_FIGURES_SET;
  r.funds_figures_set = &fs;
  call_ok(m, &r);
}

static const Pcn__FundsRatePage *rates(its_member *m) {
  Pcn__FundsRateList l = PCN__FUNDS_RATE_LIST__INIT;
  l.year = 2027;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_RATE_LIST;
  r.funds_rate_list = &l;
  return its_expect(m, &r, PCN__STATUS_CODE__OK)->funds_rate_page;
}

static GtkWidget *jo_window;
static int no_core_rate(fixture *f) {
  (void)f;
  return !dtest_says(jo_window, "Rate core", NULL);
}

static void pick_year(GtkWidget *win, int year) {
  GtkWidget *sb = find_widget(win, GTK_TYPE_SPIN_BUTTON, "Financial year");
  assert_non_null(sb);
  gtk_spin_button_set_value(GTK_SPIN_BUTTON(sb), year);
}

static void test_plan(void **state) {
  fixture *f = *state;
  GtkWidget *jo_win = GTK_WIDGET(pcn_desk_window(f->d));
  /* Added without a list size (which would be its first figure): its
   * figures arrive live below. */
  its_add_practice(f->mgr, "F84002", "Hill Street", 0);
  figures(f->mgr, "F84001", 12000);

  dtest_show_page(jo_win, "plan");
  pick_year(jo_win, 2027);
  assert_true(dtest_wait_says(f, jo_win, "Year shown",
                              "2027/28: April 2027 to March 2028"));
  assert_true(
      dtest_wait_says(f, jo_win, "Rates", "No rates recorded for this year"));
  /* The forms are the PCN manager's. */
  GtkWidget *forms = find_widget(jo_win, 0, "Plan forms");
  assert_non_null(forms);
  assert_false(gtk_widget_get_visible(forms));

  /* A rate over the wire: £1.5023 x 12000 / 12 = £1,502.30 a month. */
  Pcn__FundsRateSet rs = PCN__FUNDS_RATE_SET__INIT;
  rs.year = 2027;
  rs.stream = "core";
  rs.basis = PCN__FUNDS_BASIS__FUNDS_PER_PATIENT;
  rs.rate_cp = 15023;
  rs.note = "ICB letter";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_RATE_SET;
  r.funds_rate_set = &rs;
  call_ok(f->mgr, &r);
  assert_true(dtest_wait_says(f, jo_win, "Rate core", "£1.5023"));
  assert_true(dtest_says(jo_win, "Rate core", "per registered patient"));
  assert_true(dtest_wait_says(f, jo_win, "Expected core", "£18,027.60"));
  /* Another practice's figures: 20000 patients, £2,503.83 a month. */
  figures(f->mgr, "F84002", 8000);
  assert_true(dtest_wait_says(f, jo_win, "Expected core", "£30,045.96"));
  /* A receipt, and the difference. */
  Pcn__FundsReceive rc = PCN__FUNDS_RECEIVE__INIT;
  rc.stream = "core";
  rc.pence = 250383;
  rc.date = "2027-04-05";
  r.body_case = PCN__REQUEST__BODY_FUNDS_RECEIVE;
  r.funds_receive = &rc;
  call_ok(f->mgr, &r);
  assert_true(dtest_wait_says(f, jo_win, "Expected core", "-£27,542.13"));
  assert_true(dtest_says(jo_win, "Expected total", "£2,503.83"));
  /* A budget. */
  Pcn__FundsBudgetSet bs = PCN__FUNDS_BUDGET_SET__INIT;
  bs.year = 2027;
  bs.stream = "core";
  bs.pence = 5000000;
  r.body_case = PCN__REQUEST__BODY_FUNDS_BUDGET_SET;
  r.funds_budget_set = &bs;
  call_ok(f->mgr, &r);
  assert_true(dtest_wait_says(f, jo_win, "Budget core", "£50,000.00"));
  /* Another year shows its own (none). */
  pick_year(jo_win, 2026);
  jo_window = jo_win;
  assert_true(spin_until(f, no_core_rate, 8000));
  assert_true(dtest_wait_says(f, jo_win, "Year shown", "2026/27"));
  pick_year(jo_win, 2027);
  assert_true(dtest_wait_says(f, jo_win, "Rate core", "£1.5023"));
  spin_ms(200);
  shot(jo_win, "desktop-plan");
  assert_int_equal(dtest_unnamed(find_widget(jo_win, 0, "Plan page")), 0);

  /* The PCN manager's window: the forms. */
  pcn_desk *md = dtest_open_manager(f);
  GtkWidget *mgr_win = GTK_WIDGET(pcn_desk_window(md));
  dtest_show_page(mgr_win, "plan");
  pick_year(mgr_win, 2027);
  assert_true(dtest_wait_says(f, mgr_win, "Rate core", "£1.5023"));
  forms = find_widget(mgr_win, 0, "Plan forms");
  assert_true(gtk_widget_get_visible(forms));
  assert_int_equal(dtest_unnamed(find_widget(mgr_win, 0, "Plan page")), 0);
  /* Five decimals: refused here, nothing sent. */
  dtest_pick(find_widget(forms, GTK_TYPE_DROP_DOWN, "Rate stream"), "arrs");
  dtest_pick(find_widget(forms, GTK_TYPE_DROP_DOWN, "Basis"),
             "Per weighted patient");
  type_text(find_widget(forms, GTK_TYPE_ENTRY, "Rate"), "2.50001");
  dtest_click(forms, "Set rate");
  assert_true(dtest_says(mgr_win, "Plan note", "up to four decimal places"));
  assert_int_equal(rates(f->mgr)->n_rates, 1);
  type_text(find_widget(forms, GTK_TYPE_ENTRY, "Rate"), "2.5");
  dtest_click(forms, "Set rate");
  assert_true(
      dtest_wait_says(f, mgr_win, "Plan note",
                      "Set ARRS reimbursement's rate for 2027/28: £2.50 per "
                      "weighted patient."));
  assert_true(dtest_wait_says(f, jo_win, "Rate arrs", "£2.50"));
  /* 2.50 x 20000 weighted = £50,000.00 for the year, the ARRS headroom's
   * ceiling, in twelve parts (issue 20: each month rounded on its own made
   * it £50,000.04). */
  assert_true(dtest_wait_says(f, jo_win, "Expected arrs", "£50,000.00"));
  dtest_pick(find_widget(forms, GTK_TYPE_DROP_DOWN, "Budget stream"), "core");
  type_text(find_widget(forms, GTK_TYPE_ENTRY, "Budget amount"), "60,000");
  dtest_click(forms, "Set budget");
  assert_true(dtest_wait_says(f, jo_win, "Budget core", "£60,000.00"));
  assert_true(
      dtest_says(mgr_win, "Plan note", "Set Core PCN funding's budget"));
  spin_ms(200);
  shot(mgr_win, "desktop-plan-manager");

  gtk_window_destroy(GTK_WINDOW(mgr_win));
  pcn_desk_free(md);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_plan, dtest_setup, dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
