/* it_clock.c - the server's clock under test control (pcnd run
 * --test-clock), and what depends on it: invitations expire after 7 days,
 * sessions after 16 days unused (the Christmas fortnight, issue 20),
 * judged by the server's clock. Without the
 * flag the clock cannot be moved. No test sleeps for real days.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

#define DAY_MS (24LL * 3600 * 1000)

static const Pcn__Response *advance(its_member *m, int64_t ms, int code) {
  Pcn__ClockAdvance a = PCN__CLOCK_ADVANCE__INIT;
  a.ms = ms;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_CLOCK_ADVANCE;
  req.clock_advance = &a;
  return its_expect(m, &req, code);
}

static void test_real_clock_cannot_move(void **state) {
  (void)state;
  its_server *s = its_start("");
  its_member *mgr = its_manager(s);
  const Pcn__Response *r =
      advance(mgr, DAY_MS, PCN__STATUS_CODE__FAILED_PRECONDITION);
  assert_non_null(strstr(r->status->message, "--test-clock"));
  its_member_free(mgr);
  its_free(s);
}

static void test_invitation_expires(void **state) {
  (void)state;
  its_server *s = its_start("--test-clock");
  its_member *mgr = its_manager(s);
  advance(mgr, -1, PCN__STATUS_CODE__INVALID_ARGUMENT); /* forward only */
  /* Bounded: the offset never overflows the clock. */
  advance(mgr, INT64_MAX, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_add_practices(mgr, 1);
  char *code = its_invite(mgr, "jo", PCN__ROLE__PRACTICE_MANAGER, "F84001");
  /* Six days on it still works for someone else's invitation... */
  char *code2 = its_invite(mgr, "sam", PCN__ROLE__STAFF, "F84001");
  const Pcn__Response *r = advance(mgr, 6 * DAY_MS, PCN__STATUS_CODE__OK);
  int64_t t6 = r->pong->server_time;
  its_member *sam = its_join(s, code2);
  its_member_free(sam);
  /* ...and a day and a minute later Jo's has expired. */
  r = advance(mgr, DAY_MS + 60000, PCN__STATUS_CODE__OK);
  assert_true(r->pong->server_time >= t6 + DAY_MS + 60000);
  /* Refused, saying it has expired and to ask for a new one. */
  its_member *jo = its_try_join(s, code, PCN__STATUS_CODE__FAILED_PRECONDITION);
  assert_null(jo);
  free(code);
  free(code2);
  its_member_free(mgr);
  its_free(s);
}

static void test_session_idles_out(void **state) {
  (void)state;
  its_server *s = its_start("--test-clock");
  its_member *mgr = its_manager(s);
  its_member *clock = its_login(s, "manager", ITEST_PASSWORD);
  /* Christmas Eve to the second week of January, fifteen days idle: the
   * session still resumes (issue 20; it ended after 3 days before). */
  advance(clock, 15 * DAY_MS, PCN__STATUS_CODE__OK);
  pcn_client_config cc = its_config(s, mgr->token);
  char err[400];
  pcn_error_class cls;
  pcn_sync *again = pcn_sync_connect(&cc, err, sizeof err, &cls);
  assert_non_null(again);
  pcn_sync_close(again);
  /* A session logged in now and unused for sixteen days and a minute has
   * ended (well inside the 30 days' absolute limit): a new connection
   * cannot resume it. */
  its_member *fresh = its_login(s, "manager", ITEST_PASSWORD);
  cc = its_config(s, fresh->token);
  advance(clock, 16 * DAY_MS + 60000, PCN__STATUS_CODE__OK);
  again = pcn_sync_connect(&cc, err, sizeof err, &cls);
  assert_null(again);
  assert_int_equal(cls, PCN_ERR_SERVER);
  assert_non_null(strstr(err, "session"));
  its_member_free(fresh);
  its_member_free(clock);
  its_member_free(mgr);
  its_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_real_clock_cannot_move),
      cmocka_unit_test(test_invitation_expires),
      cmocka_unit_test(test_session_idles_out),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
