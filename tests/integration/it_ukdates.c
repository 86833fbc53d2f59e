/* it_ukdates.c - the server's dates are UK dates (issue 20): "today",
 * months and the start of a reminder day follow the UK clock, not UTC or
 * the machine's zone. On a --test-clock pcnd moved to a summer evening,
 * 23:30 UTC, which is already the next day (00:30 BST) in England: the
 * ask load's today is that next day, and a decision's reminder, due from
 * the start of the working day before it closes, has gone out although
 * UTC is still on the day before. ctest runs it again under TZ=UTC,
 * America/New_York and Europe/London (integration.it_ukdates_tz_*).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"
#include "uktime.h"
#include "validate.h"
#include "workdays.h"

#define MIN_MS 60000LL
#define HOUR_MS (60 * MIN_MS)

/* A Tuesday in July at least a week ahead: 2027-07-13, or a later year's
 * first Tuesday on or after 13 July when the clock is past it. */
static int32_t july_tuesday(int64_t now) {
  int64_t y;
  int m, d;
  pcn_civil_from_days(pcn_london_day_of_ms(now), &y, &m, &d);
  for (;; y++) {
    int32_t t = (int32_t)pcn_days_from_civil(y, 7, 13);
    while (pcn_weekday(t) != 2)
      t++;
    if (!pcn_is_bank_holiday(t, NULL) && !pcn_is_bank_holiday(t + 1, NULL) &&
        (int64_t)t * PCN_DAY_MS > now + 7 * PCN_DAY_MS)
      return t;
  }
}

static void test_uk_dates(void **state) {
  (void)state;
  its_server *s =
      its_start("--test-clock --session-idle 31536000 --session-max 31536000");
  its_member *mgr = its_manager(s);
  its_add_practices(mgr, 2);
  int32_t tue = july_tuesday(its_now(mgr));
  /* Closes Wednesday 12:00 BST; its reminder day is Tuesday. */
  int64_t closes_at = (int64_t)(tue + 1) * PCN_DAY_MS + 11 * HOUR_MS;
  /* Monday 23:00 UTC first: 00:00 BST on Tuesday. Propose before it. */
  int64_t monday_2230 = (int64_t)tue * PCN_DAY_MS - 90 * MIN_MS;
  its_advance(mgr, monday_2230 - its_now(mgr));
  Pcn__DecisionPropose p = PCN__DECISION_PROPOSE__INIT;
  p.title = "Summer rota";
  p.text = "Who covers the late clinics in August.";
  p.rule = PCN__DECISION_RULE__DECISION_CONSENT;
  p.closes_at = closes_at;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DECISION_PROPOSE;
  r.decision_propose = &p;
  const Pcn__Response *resp = its_expect(mgr, &r, PCN__STATUS_CODE__OK);
  uint64_t id = resp->decision->id;
  assert_int_equal(resp->decision->reminders, 0);

  /* 23:30 UTC on Monday is 00:30 BST on Tuesday. */
  its_advance(mgr, 60 * MIN_MS);
  char want[11];
  pcn_date_format(tue, want);
  Pcn__AskLoad al = PCN__ASK_LOAD__INIT;
  r = (Pcn__Request)PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_ASK_LOAD;
  r.ask_load = &al;
  resp = its_expect(mgr, &r, PCN__STATUS_CODE__OK);
  assert_string_equal(resp->ask_load_report->today, want);

  Pcn__DecisionGet g = PCN__DECISION_GET__INIT;
  g.id = id;
  r = (Pcn__Request)PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DECISION_GET;
  r.decision_get = &g;
  resp = its_expect(mgr, &r, PCN__STATUS_CODE__OK);
  assert_int_equal(resp->decision->reminders, 1);
  assert_true(resp->decision->last_day_reminded_at >= pcn_london_midnight(tue));

  /* The proposer's second reminder in a day is refused with the time to
   * try again in UK time (BST), as members typed the closing time. */
  Pcn__DecisionRemind x = PCN__DECISION_REMIND__INIT;
  x.id = id;
  r = (Pcn__Request)PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DECISION_REMIND;
  r.decision_remind = &x;
  its_expect(mgr, &r, PCN__STATUS_CODE__OK);
  resp = its_expect(mgr, &r, PCN__STATUS_CODE__RESOURCE_EXHAUSTED);
  char after[40], wed[11];
  pcn_date_format(tue + 1, wed); /* a day after 00:30 BST on Tuesday */
  snprintf(after, sizeof after, "after %s 00:30 BST", wed);
  if (!strstr(resp->status->message, after))
    fail_msg("%s: no \"%s\"", resp->status->message, after);
  its_member_free(mgr);
  its_stop(s);
  its_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_uk_dates),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
