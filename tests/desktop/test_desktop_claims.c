/* test_desktop_claims.c - the Claims page. Jo (practice manager at
 * F84001) claims for Dr Khan's time at a meeting through the page's form;
 * a claim the PCN manager makes for F84001 over the wire appears live,
 * and one for F84002 never does. The PCN manager, in a second window,
 * approves one claim (choosing the stream) and rejects another (saying
 * why, then confirming what the rejection does) through the real widgets; Jo's
 * window follows and Jo is told of each decision. The year end below shows what
 * F84001 was paid. Every control on the page has a name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "dtest.h"
#include "validate.h"

static void call_ok(its_member *m, Pcn__Request *r) {
  its_expect(m, r, PCN__STATUS_CODE__OK);
}

static void rate(its_member *m, const char *role, int64_t pph) {
  Pcn__FundsBackfillRateSet s = PCN__FUNDS_BACKFILL_RATE_SET__INIT;
  s.role = (char *)role;
  s.pence_per_hour = pph;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_BACKFILL_RATE_SET;
  r.funds_backfill_rate_set = &s;
  call_ok(m, &r);
}

static uint64_t meeting(its_member *m, int day, int minutes) {
  int64_t start =
      (pcn_days_from_civil(2026, 10, 5) + day) * 86400000LL + 36000000LL;
  Pcn__MeetingCreate c = PCN__MEETING_CREATE__INIT;
  c.title = "Network board";
  c.starts_at = start;
  c.ends_at = start + minutes * 60000LL;
  c.place = "";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_MEETING_CREATE;
  r.meeting_create = &c;
  return its_expect(m, &r, PCN__STATUS_CODE__OK)->meeting->id;
}

static void attend(its_member *m, uint64_t id, const char *user,
                   uint32_t minutes) {
  Pcn__MeetingAttend a = PCN__MEETING_ATTEND__INIT;
  char *users[] = {(char *)user};
  a.id = id;
  a.usernames = users;
  a.n_usernames = 1;
  a.minutes = minutes;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_MEETING_ATTEND;
  r.meeting_attend = &a;
  call_ok(m, &r);
}

static void claim(its_member *m, uint64_t meeting_id, const char *user,
                  const char *role) {
  Pcn__FundsClaimCreate c = PCN__FUNDS_CLAIM_CREATE__INIT;
  c.meeting_id = meeting_id;
  c.username = (char *)user;
  c.role = (char *)role;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_CLAIM_CREATE;
  r.funds_claim_create = &c;
  call_ok(m, &r);
}

static void test_claims(void **state) {
  fixture *f = *state;
  GtkWidget *jo_win = GTK_WIDGET(pcn_desk_window(f->d));
  its_add_practice(f->mgr, "F84002", "Hill Street", 8000);
  its_member_free(
      its_add_member(f->s, f->mgr, "dr.khan", PCN__ROLE__CLINICIAN, "F84001"));
  its_member_free(
      its_add_member(f->s, f->mgr, "nia", PCN__ROLE__STAFF, "F84002"));
  rate(f->mgr, "gp", 11000);
  rate(f->mgr, "staff", 4537);
  uint64_t m1 = meeting(f->mgr, 0, 90), m2 = meeting(f->mgr, 1, 60);
  attend(f->mgr, m1, "dr.khan", 0);
  attend(f->mgr, m1, "nia", 50);
  attend(f->mgr, m2, "dr.khan", 30);

  dtest_show_page(jo_win, "claims");
  assert_true(dtest_wait_says(f, jo_win, "Claims summary",
                              "0 claims waiting for a decision"));
  assert_true(dtest_says(jo_win, "Claims", "No backfill claims yet"));

  /* Jo claims through the form. */
  GtkWidget *form = find_widget(jo_win, 0, "Claim form");
  assert_non_null(form);
  /* Shown once the page knows Jo is a practice manager. */
  for (int i = 0; i < 80 && !gtk_widget_get_visible(form); i++)
    spin_ms(100);
  assert_true(gtk_widget_get_visible(form));
  char id[24];
  snprintf(id, sizeof id, "%llu", (unsigned long long)m1);
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Claim meeting"), id);
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Claim person"), "dr.khan");
  /* No role to pick: the server pays Dr Khan's own (a GP's). */
  assert_null(find_widget(form, GTK_TYPE_ENTRY, "Claim role"));
  dtest_click(form, "Claim");
  assert_true(
      dtest_wait_says(f, jo_win, "Claim 1",
                      "pending · dr.khan · Riverside Surgery · gp · 90 min · "
                      "£165.00"));
  assert_true(dtest_says(jo_win, "Claims note", "Claim 1 (dr.khan, £165.00)"));
  /* No decision controls for Jo. */
  assert_null(find_widget(jo_win, 0, "Approve claim 1"));

  /* The manager claims for F84002 (never shown to Jo) and for F84001
   * (live). */
  claim(f->mgr, m1, "nia", "");
  claim(f->mgr, m2, "dr.khan", "");
  assert_true(dtest_wait_says(f, jo_win, "Claim 3", "30 min · £55.00"));
  assert_true(dtest_wait_says(f, jo_win, "Claims summary",
                              "2 claims waiting for a decision: £220.00"));
  assert_null(find_widget(jo_win, 0, "Claim 2"));
  spin_ms(200);
  shot(jo_win, "desktop-claims");
  assert_int_equal(dtest_unnamed(find_widget(jo_win, 0, "Claims page")), 0);

  /* The PCN manager decides through the widgets. */
  Pcn__FundsReceive rc = PCN__FUNDS_RECEIVE__INIT;
  rc.stream = "core";
  rc.pence = 100000;
  rc.date = "2026-04-02";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_RECEIVE;
  r.funds_receive = &rc;
  call_ok(f->mgr, &r);
  pcn_desk *md = dtest_open_manager(f);
  GtkWidget *mgr_win = GTK_WIDGET(pcn_desk_window(md));
  dtest_show_page(mgr_win, "claims");
  assert_true(dtest_wait_says(f, mgr_win, "Claim 2", "nia · Hill Street"));
  assert_true(dtest_wait_says(f, mgr_win, "Claim 1", "pending"));
  assert_int_equal(dtest_unnamed(find_widget(mgr_win, 0, "Claims page")), 0);
  spin_ms(200);
  shot(mgr_win, "desktop-claims-manager");
  unsigned before = pcn_desk_notices(f->d, NULL);
  GtkWidget *dd =
      find_widget(mgr_win, GTK_TYPE_DROP_DOWN, "Stream for claim 1");
  assert_non_null(dd);
  dtest_pick(dd, "core");
  dtest_click(mgr_win, "Approve claim 1");
  assert_true(dtest_wait_says(f, jo_win, "Claim 1", "approved"));
  assert_true(
      dtest_wait_says(f, jo_win, "Claim 1", "Paid from Core PCN funding"));
  assert_true(dtest_wait_notice(f, f->d, before, "approved"));
  before = pcn_desk_notices(f->d, NULL);
  /* The manager's list has the decision too before typing there. */
  assert_true(
      dtest_wait_says(f, mgr_win, "Claim 1", "Paid from Core PCN funding"));
  spin_ms(300);
  type_text(find_widget(mgr_win, GTK_TYPE_ENTRY, "Reason for claim 3"),
            "Not a board member");
  /* Rejecting asks first, naming the claim and the reason (issue 19). */
  dtest_click(mgr_win, "Reject claim 3");
  GtkWidget *dlg = dtest_window_named("Confirm");
  assert_non_null(dlg);
  assert_true(dtest_label_under(dlg, "Reject claim 3?"));
  assert_true(dtest_label_under(dlg, "“Not a board member”"));
  dtest_click(dlg, "Reject claim");
  assert_true(
      dtest_wait_says(f, jo_win, "Claim 3", "Rejected: Not a board member"));
  assert_true(dtest_wait_notice(f, f->d, before, "Not a board member"));
  assert_true(dtest_wait_says(f, jo_win, "Claims summary",
                              "0 claims waiting for a decision"));

  /* The year end of the year the claim was paid in (today's). */
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  char year[16];
  snprintf(year, sizeof year, "%d",
           tm.tm_year + 1900 - (tm.tm_mon + 1 >= 4 ? 0 : 1));
  type_text(find_widget(jo_win, GTK_TYPE_ENTRY, "Financial year"), year);
  dtest_click(jo_win, "Show year end");
  assert_true(dtest_wait_says(f, jo_win, "Year end F84001",
                              "claimed £165.00 = £165.00"));
  assert_true(dtest_says(jo_win, "Year end F84002", "Hill Street"));
  assert_true(dtest_says(jo_win, "Year end summary", "paid practices £165.00"));
  spin_ms(200);
  shot(jo_win, "desktop-claims-year-end");

  gtk_window_destroy(GTK_WINDOW(mgr_win));
  pcn_desk_free(md);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_claims, dtest_setup, dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
