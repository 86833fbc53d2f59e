/* test_desktop_headroom.c - the ARRS headroom page. On a server whose
 * clock stands at 15 June 2027, Jo (practice manager at F84001) sees the
 * ceiling, the months and what would be lost; a claim the PCN manager
 * records over the wire appears live, and Jo has no form. The PCN
 * manager, in a second window, records May's claim through the real
 * widgets; Jo's window follows. When June's claim comes due the PCN
 * manager is told, and Jo is not. Reversing May's claim asks first,
 * naming the month, amount and reason; Cancel leaves the server's claim
 * standing. Every control on the page has a name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dtest.h"
#include "validate.h"

#define DAY_MS (24LL * 3600 * 1000)

/* Moves the server's clock to 09:00 UTC on ymd. */
static void goto_day(its_member *m, const char *ymd) {
  int32_t day;
  assert_int_equal(pcn_date_parse(ymd, &day), 0);
  int64_t now = its_advance(m, 0);
  its_advance(m, (int64_t)day * DAY_MS + 9 * 3600 * 1000LL - now);
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  f->s = its_start("--test-clock --session-idle 31536000 "
                   "--session-max 31536000");
  f->mgr = its_manager(f->s);
  goto_day(f->mgr, "2027-06-15");
  its_add_practice(f->mgr, "F84001", "Riverside Surgery", 12000);
  f->jo =
      its_add_member(f->s, f->mgr, "jo", PCN__ROLE__PRACTICE_MANAGER, "F84001");
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

static void claim(its_member *m, const char *month, int64_t pence) {
  Pcn__FundsArrsClaim c = PCN__FUNDS_ARRS_CLAIM__INIT;
  c.month = (char *)month;
  c.pence = pence;
  c.reference = "";
  c.note = "";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_ARRS_CLAIM;
  r.funds_arrs_claim = &c;
  its_expect(m, &r, PCN__STATUS_CODE__OK);
}

static const Pcn__FundsHeadroomReport *headroom(its_member *m) {
  Pcn__FundsHeadroom h = PCN__FUNDS_HEADROOM__INIT;
  h.year = 2027;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_HEADROOM;
  r.funds_headroom = &h;
  return its_expect(m, &r, PCN__STATUS_CODE__OK)->funds_headroom;
}

/* 261201 cp a weighted patient * 13250 = 3460913250 cp: 34,609,132.5p,
 * so a ceiling of £346,091.33. */
static void test_headroom(void **state) {
  fixture *f = *state;
  GtkWidget *jo_win = GTK_WIDGET(pcn_desk_window(f->d));
  dtest_show_page(jo_win, "headroom");
  assert_true(dtest_wait_says(f, jo_win, "Headroom summary",
                              "No ARRS rate is recorded"));

  /* The figures, the rate and a member of staff arrive over the wire:
   * the page follows each. */
  Pcn__Request r = PCN__REQUEST__INIT;
  Pcn__FundsFiguresSet fs = PCN__FUNDS_FIGURES_SET__INIT;
  fs.applies_from = "2027-04-01";
  fs.practice = "F84001";
  fs.list_size = 12000;
  fs.weighted = 13250;
  r.body_case = PCN__REQUEST__BODY_FUNDS_FIGURES_SET;
  r.funds_figures_set = &fs;
  its_expect(f->mgr, &r, PCN__STATUS_CODE__OK);
  Pcn__FundsRateSet rs = PCN__FUNDS_RATE_SET__INIT;
  rs.year = 2027;
  rs.stream = "arrs";
  rs.basis = PCN__FUNDS_BASIS__FUNDS_PER_WEIGHTED;
  rs.rate_cp = 261201;
  r.body_case = PCN__REQUEST__BODY_FUNDS_RATE_SET;
  r.funds_rate_set = &rs;
  its_expect(f->mgr, &r, PCN__STATUS_CODE__OK);
  assert_true(dtest_wait_says(f, jo_win, "Headroom summary",
                              "Ceiling £346,091.33 · Claimed £0.00"));
  assert_true(dtest_says(jo_win, "Headroom loss", "£346,091.33 would be lost"));
  assert_true(dtest_says(jo_win, "Month 2027-04", "Overdue"));
  /* Due dates in words (issue 19). */
  assert_true(dtest_says(jo_win, "Month 2027-04", "10 May 2027"));
  /* The month in words, not as YYYY-MM (issue 19). */
  assert_true(dtest_says(jo_win, "Month 2027-04", "Apr 2027"));
  Pcn__StaffAdd sa = PCN__STAFF_ADD__INIT;
  sa.name = "Sam Patel";
  sa.role = "clinical pharmacist";
  sa.practice = "F84001";
  sa.wte = 100;
  sa.annual_cost = 3600000;
  sa.started = "2027-04-01";
  r.body_case = PCN__REQUEST__BODY_STAFF_ADD;
  r.staff_add = &sa;
  its_expect(f->mgr, &r, PCN__STATUS_CODE__OK);
  assert_true(dtest_wait_says(f, jo_win, "Month 2027-06", "£3,000.00"));

  /* April's claim, recorded over the wire, appears live. */
  claim(f->mgr, "2027-04", 4100000);
  assert_true(dtest_wait_says(f, jo_win, "Month 2027-04", "£41,000.00"));
  assert_false(dtest_says(jo_win, "Month 2027-04", "Overdue"));
  assert_true(dtest_says(jo_win, "Headroom summary", "Claimed £41,000.00"));
  /* Jo has no form: recording is the PCN manager's. */
  GtkWidget *form = find_widget(jo_win, 0, "Record an ARRS claim");
  assert_non_null(form);
  assert_false(gtk_widget_get_visible(form));
  spin_ms(200);
  shot(jo_win, "desktop-headroom");
  assert_int_equal(dtest_unnamed(find_widget(jo_win, 0, "Headroom page")), 0);

  /* The PCN manager records May's claim through the form. */
  pcn_desk *md = dtest_open_manager(f);
  GtkWidget *mgr_win = GTK_WIDGET(pcn_desk_window(md));
  dtest_show_page(mgr_win, "headroom");
  assert_true(dtest_wait_says(f, mgr_win, "Month 2027-04", "£41,000.00"));
  form = find_widget(mgr_win, 0, "Record an ARRS claim");
  assert_true(gtk_widget_get_visible(form));
  assert_int_equal(dtest_unnamed(find_widget(mgr_win, 0, "Headroom page")), 0);
  /* A month that is not over (this one): the server's sentence, nothing
   * saved. */
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Claim month"), "2027-06");
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Claim amount"), "100");
  dtest_click(form, "Record claim");
  assert_true(dtest_wait_says(f, mgr_win, "Headroom note", "not over yet"));
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Claim month"), "May 2027");
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Claim amount"), "39,500.50");
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Claim reference"), "ARRS-05");
  dtest_click(form, "Record claim");
  assert_true(dtest_wait_says(f, jo_win, "Month 2027-05", "£39,500.50"));
  assert_true(dtest_says(mgr_win, "Headroom note",
                         "Recorded the ARRS claim for May 2027"));
  const Pcn__FundsHeadroomReport *h = headroom(f->jo);
  assert_int_equal(h->claimed, 8050050);
  assert_int_equal(h->n_claims, 2);
  spin_ms(200);
  shot(mgr_win, "desktop-headroom-manager");

  /* June's claim is due Saturday 10 July: three working days before is
   * Wednesday 7 July. The PCN manager is told; Jo is not. */
  unsigned jo0 = pcn_desk_notices(f->d, NULL);
  unsigned m0 = pcn_desk_notices(md, NULL);
  goto_day(f->mgr, "2027-07-07");
  assert_true(dtest_wait_notice(f, md, m0,
                                "ARRS claim for June 2027 is due Sat 10 Jul"));
  spin_ms(300);
  assert_int_equal(pcn_desk_notices(f->d, NULL), jo0);

  /* A mistaken claim reversed from the form (issue 20): May is unclaimed
   * and overdue again, on Jo's page too. */
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Claim month"), "May 2027");
  dtest_click(form, "Reverse claim");
  assert_true(dtest_wait_says(f, mgr_win, "Headroom note", "Reason:"));
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Reverse reason"), "sent twice");
  /* It asks first, naming the month, the amount and the reason (issue 19);
   * Cancel sends nothing: the server still has May's claim. */
  dtest_click(form, "Reverse claim");
  GtkWidget *dlg = dtest_window_named("Confirm");
  assert_non_null(dlg);
  assert_true(dtest_label_under(dlg, "Reverse the ARRS claim for May 2027?"));
  assert_true(dtest_label_under(dlg, "The claim of £39,500.50 for May 2027"));
  assert_true(dtest_label_under(dlg, "“sent twice”"));
  dtest_click(dlg, "Cancel");
  spin_ms(500);
  assert_int_equal(headroom(f->jo)->n_claims, 2);
  assert_false(dtest_says(mgr_win, "Headroom note", "Reversed"));
  dtest_click(form, "Reverse claim");
  dlg = dtest_window_named("Confirm");
  assert_non_null(dlg);
  dtest_click(dlg, "Reverse claim");
  assert_true(dtest_wait_says(f, mgr_win, "Headroom note",
                              "Reversed the ARRS claim for May 2027"));
  assert_true(dtest_wait_says(f, jo_win, "Month 2027-05", "Overdue"));
  assert_int_equal(headroom(f->jo)->n_claims, 1);

  gtk_window_destroy(GTK_WINDOW(mgr_win));
  pcn_desk_free(md);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_headroom, setup, dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
