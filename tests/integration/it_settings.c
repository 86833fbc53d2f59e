/* it_settings.c - the network's settings over TLS: the defaults (10
 * working days' notice, reminders 3 and 1 working days before), changes by
 * the PCN manager only, bad values refused with the field named, and the
 * bank holiday corrections (a day added, a rule day removed and restored,
 * weekends and repeats refused), and issue 19's switch that offers staff
 * the funding pages. Every change reaches every member's feed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

static const Pcn__Response *get(its_member *m) {
  Pcn__SettingsGet g = PCN__SETTINGS_GET__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_SETTINGS_GET;
  req.settings_get = &g;
  return its_expect(m, &req, PCN__STATUS_CODE__OK);
}

static const Pcn__Response *holiday(its_member *m, const char *date, int add,
                                    int code) {
  Pcn__HolidayAdd a = PCN__HOLIDAY_ADD__INIT;
  Pcn__HolidayRemove r = PCN__HOLIDAY_REMOVE__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  if (add) {
    a.date = (char *)date;
    req.body_case = PCN__REQUEST__BODY_HOLIDAY_ADD;
    req.holiday_add = &a;
  } else {
    r.date = (char *)date;
    req.body_case = PCN__REQUEST__BODY_HOLIDAY_REMOVE;
    req.holiday_remove = &r;
  }
  return its_expect(m, &req, code);
}

static void test_settings(void **state) {
  (void)state;
  its_server *s = its_start("");
  its_member *mgr = its_manager(s);
  its_add_practices(mgr, 1);
  its_member *pm =
      its_add_member(s, mgr, "jo", PCN__ROLE__PRACTICE_MANAGER, "F84001");
  uint64_t since = its_head(mgr);

  const Pcn__Response *r = get(pm);
  assert_int_equal(r->settings->min_notice_days, 10);
  assert_int_equal(r->settings->n_reminder_days, 2);
  assert_int_equal(r->settings->reminder_days[0], 3);
  assert_int_equal(r->settings->reminder_days[1], 1);
  assert_false(r->settings->staff_see_funding);

  /* A practice manager may read but not change them. */
  Pcn__SettingsUpdate u = PCN__SETTINGS_UPDATE__INIT;
  u.has_min_notice_case = PCN__SETTINGS_UPDATE__HAS_MIN_NOTICE_MIN_NOTICE_DAYS;
  u.min_notice_days = 15;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_SETTINGS_UPDATE;
  req.settings_update = &u;
  its_expect(pm, &req, PCN__STATUS_CODE__PERMISSION_DENIED);

  /* Out of range: refused, naming the field, nothing changed. */
  u.min_notice_days = 400;
  r = its_expect(mgr, &req, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "min_notice_days");
  uint32_t zero[] = {0};
  u.min_notice_days = 15;
  u.set_reminder_days = 1;
  u.n_reminder_days = 1;
  u.reminder_days = zero;
  r = its_expect(mgr, &req, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "reminder_days");
  assert_int_equal(get(pm)->settings->min_notice_days, 10);

  /* Reminders are kept latest first, once each. */
  uint32_t days[] = {2, 5, 2};
  u.n_reminder_days = 3;
  u.reminder_days = days;
  r = its_expect(mgr, &req, PCN__STATUS_CODE__OK);
  uint32_t v = r->settings->version;
  r = get(pm);
  assert_int_equal(r->settings->min_notice_days, 15);
  assert_int_equal(r->settings->n_reminder_days, 2);
  assert_int_equal(r->settings->reminder_days[0], 5);
  assert_int_equal(r->settings->reminder_days[1], 2);
  assert_string_equal(r->settings->updated_by, "manager");

  /* A stale version is a conflict that shows the current settings. */
  u.version = v + 1;
  u.set_reminder_days = 0;
  u.n_reminder_days = 0;
  r = its_expect(mgr, &req, PCN__STATUS_CODE__CONFLICT);
  assert_int_equal(r->settings->version, v);

  /* Issue 19: staff are offered the funding pages when the PCN manager
   * says so; only that setting changes, and only the PCN manager changes
   * it. */
  Pcn__SettingsUpdate f = PCN__SETTINGS_UPDATE__INIT;
  f.has_staff_see_funding_case =
      PCN__SETTINGS_UPDATE__HAS_STAFF_SEE_FUNDING_STAFF_SEE_FUNDING;
  f.staff_see_funding = 1;
  Pcn__Request freq = PCN__REQUEST__INIT;
  freq.body_case = PCN__REQUEST__BODY_SETTINGS_UPDATE;
  freq.settings_update = &f;
  its_expect(pm, &freq, PCN__STATUS_CODE__PERMISSION_DENIED);
  assert_false(get(pm)->settings->staff_see_funding);
  its_expect(mgr, &freq, PCN__STATUS_CODE__OK);
  r = get(pm);
  assert_true(r->settings->staff_see_funding);
  assert_int_equal(r->settings->min_notice_days, 15);
  assert_int_equal(r->settings->n_reminder_days, 2);

  /* Holidays: a jubilee added; Christmas 2026 made a working day and then
   * a holiday again; refusals for repeats, weekends and bad dates. */
  holiday(pm, "2027-06-04", 1, PCN__STATUS_CODE__PERMISSION_DENIED);
  r = holiday(mgr, "2027-06-04", 1, PCN__STATUS_CODE__OK);
  assert_int_equal(r->settings->n_holidays_added, 1);
  holiday(mgr, "2027-06-04", 1, PCN__STATUS_CODE__FAILED_PRECONDITION);
  r = holiday(mgr, "2026-12-25", 0, PCN__STATUS_CODE__OK);
  assert_int_equal(r->settings->n_holidays_removed, 1);
  assert_string_equal(r->settings->holidays_removed[0], "2026-12-25");
  r = holiday(mgr, "2026-12-25", 1, PCN__STATUS_CODE__OK);
  assert_int_equal(r->settings->n_holidays_removed, 0);
  holiday(mgr, "2026-11-28", 1, PCN__STATUS_CODE__FAILED_PRECONDITION);
  r = holiday(mgr, "2026-13-01", 1, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "date");
  r = holiday(mgr, "2027-06-04", 0, PCN__STATUS_CODE__OK);
  assert_int_equal(r->settings->n_holidays_added, 0);

  /* The practice manager saw every change (its_seen leaves its marker
   * out). */
  its_events *e = its_seen(s, pm, mgr, since);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_SETTINGS), 6);
  its_events_free(e);

  /* Kept across a restart. */
  its_stop(s);
  its_run(s);
  its_member *again = its_login(s, "jo", ITEST_PASSWORD);
  assert_int_equal(get(again)->settings->min_notice_days, 15);
  assert_true(get(again)->settings->staff_see_funding);
  its_member_free(again);
  its_member_free(pm);
  its_member_free(mgr);
  assert_int_equal(its_verify(s), 0);
  its_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_settings),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
