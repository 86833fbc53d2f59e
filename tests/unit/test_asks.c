/* test_asks.c - the calendar of asks (server/asks_clock.c), with days the
 * test chooses: a series' due dates (monthly on the 31st through February
 * and a leap year, quarterly, yearly), the day the server makes an
 * instance (the notice plus a margin, counted in working days across
 * Easter), and the reminder days (3 and 1 working days before, the working
 * day after; never on the day an ask arrives; across Easter and a holiday
 * the network adds). And the tasks' dates (server/tasks_clock.c, issue
 * 20): today in London either side of the clocks changing, and a
 * recurring task's next due date (a month end stays month end).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "asks.h"
#include "tasks.h"
#include "validate.h"

static int32_t D(const char *s) {
  int32_t d;
  assert_int_equal(pcn_date_parse(s, &d), 0);
  return d;
}

static void expect_day(int32_t got, const char *want) {
  char s[11];
  pcn_date_format(got, s);
  assert_string_equal(s, want);
}

static void test_series_dates(void **state) {
  (void)state;
  enum {
    M = PCN__ASK_REPEAT__ASK_MONTHLY,
    Q = PCN__ASK_REPEAT__ASK_QUARTERLY,
    Y = PCN__ASK_REPEAT__ASK_YEARLY
  };
  /* Monthly on the 10th: this month's if not past, else next month's. */
  expect_day(asks_series_first(M, 10, 0, D("2027-03-10")), "2027-03-10");
  expect_day(asks_series_first(M, 10, 0, D("2027-03-11")), "2027-04-10");
  expect_day(asks_series_first(M, 10, 0, D("2027-12-11")), "2028-01-10");
  /* On the 31st: February's last day, then the 31st again. */
  expect_day(asks_series_first(M, 31, 0, D("2027-02-01")), "2027-02-28");
  expect_day(asks_series_first(M, 31, 0, D("2028-02-01")), "2028-02-29");
  expect_day(asks_series_first(M, 31, 0, D("2027-03-01")), "2027-03-31");
  expect_day(asks_series_first(M, 31, 0, D("2027-04-01")), "2027-04-30");
  /* Quarterly from January the 15th: April, July, October, January. */
  expect_day(asks_series_first(Q, 15, 1, D("2027-01-15")), "2027-01-15");
  expect_day(asks_series_first(Q, 15, 1, D("2027-01-16")), "2027-04-15");
  expect_day(asks_series_first(Q, 15, 10, D("2027-02-01")), "2027-04-15");
  expect_day(asks_series_first(Q, 15, 4, D("2027-10-16")), "2028-01-15");
  /* Yearly on 31 March. */
  expect_day(asks_series_first(Y, 31, 3, D("2027-03-31")), "2027-03-31");
  expect_day(asks_series_first(Y, 31, 3, D("2027-04-01")), "2028-03-31");
  expect_day(asks_series_first(Y, 29, 2, D("2027-03-01")), "2028-02-29");
  expect_day(asks_series_first(Y, 29, 2, D("2028-03-01")), "2029-02-28");
}

/* An instance due Thursday 15 April 2027 is made 10 + 5 working days
 * before: back over Easter (Good Friday 26 March, Easter Monday 29 March)
 * to Tuesday 23 March. */
static void test_make_on(void **state) {
  (void)state;
  expect_day(asks_series_make_on(D("2027-04-15"), 10, NULL), "2027-03-23");
  /* With no notice, still the margin: a week ahead. */
  expect_day(asks_series_make_on(D("2027-04-15"), 0, NULL), "2027-04-08");
  /* A holiday the network adds pushes it a working day earlier. */
  int32_t jubilee = D("2027-04-07");
  pcn_holidays h = {&jubilee, 1, NULL, 0};
  expect_day(asks_series_make_on(D("2027-04-15"), 10, &h), "2027-03-22");
}

static void expect_reminder(int32_t due, const char *made, const char *today,
                            const pcn_holidays *h, const char *point,
                            int days_before) {
  static const uint32_t before[] = {3, 1};
  int32_t p = 0;
  int db = 99;
  int rc = asks_reminder_due(due, D(made), D(today), before, 2, h, &p, &db);
  if (!point) {
    assert_int_equal(rc, 1);
    return;
  }
  assert_int_equal(rc, 0);
  expect_day(p, point);
  assert_int_equal(db, days_before);
}

/* Due Tuesday 30 March 2027, the day after Easter Monday: 1 working day
 * before is Thursday 25 March, 3 before Tuesday 23 March, and the working
 * day after Wednesday 31 March. */
static void test_reminder_days(void **state) {
  (void)state;
  int32_t due = D("2027-03-30");
  const char *made = "2027-03-10";
  expect_reminder(due, made, "2027-03-22", NULL, NULL, 0);
  expect_reminder(due, made, "2027-03-23", NULL, "2027-03-23", 3);
  expect_reminder(due, made, "2027-03-24", NULL, "2027-03-23", 3);
  expect_reminder(due, made, "2027-03-25", NULL, "2027-03-25", 1);
  expect_reminder(due, made, "2027-03-29", NULL, "2027-03-25", 1);
  expect_reminder(due, made, "2027-03-30", NULL, "2027-03-25", 1);
  expect_reminder(due, made, "2027-03-31", NULL, "2027-03-31", -1);
  expect_reminder(due, made, "2027-05-01", NULL, "2027-03-31", -1);
  /* Never on the day an ask arrives: made on a reminder day, the next
   * one is the first. */
  expect_reminder(due, "2027-03-23", "2027-03-24", NULL, NULL, 0);
  expect_reminder(due, "2027-03-24", "2027-03-25", NULL, "2027-03-25", 1);
  expect_reminder(due, "2027-03-30", "2027-03-30", NULL, NULL, 0);
  expect_reminder(due, "2027-03-30", "2027-03-31", NULL, "2027-03-31", -1);
  /* A holiday on the 24th moves the 3-day reminder to the 22nd. */
  int32_t extra = D("2027-03-24");
  pcn_holidays h = {&extra, 1, NULL, 0};
  expect_reminder(due, made, "2027-03-22", &h, "2027-03-22", 3);
}

/* UTC ms of day s at hh:mm UTC. */
static int64_t at(const char *s, int hh, int mm) {
  return (int64_t)D(s) * PCN_DAY_MS + (hh * 60 + mm) * 60000LL;
}

static void test_task_dates(void **state) {
  (void)state;
  int minute;
  /* Winter: London is UTC. */
  expect_day(tasks_today(at("2027-01-15", 23, 59), &minute), "2027-01-15");
  assert_int_equal(minute, 23 * 60 + 59);
  /* The clocks go forward at 01:00 UTC on the last Sunday of March. */
  expect_day(tasks_today(at("2027-03-28", 0, 59), &minute), "2027-03-28");
  assert_int_equal(minute, 59);
  tasks_today(at("2027-03-28", 1, 0), &minute);
  assert_int_equal(minute, 2 * 60);
  /* Summer: 23:30 UTC is 00:30 tomorrow in London. */
  expect_day(tasks_today(at("2027-07-01", 23, 30), &minute), "2027-07-02");
  assert_int_equal(minute, 30);
  /* Back at 01:00 UTC on the last Sunday of October. */
  expect_day(tasks_today(at("2027-10-30", 23, 30), NULL), "2027-10-31");
  expect_day(tasks_today(at("2027-10-31", 23, 30), NULL), "2027-10-31");

  expect_day(tasks_next_due(PCN__TASK_REPEAT__TASK_WEEKLY, D("2027-12-29")),
             "2028-01-05");
  expect_day(tasks_next_due(PCN__TASK_REPEAT__TASK_MONTHLY, D("2027-01-31")),
             "2027-02-28");
  expect_day(tasks_next_due(PCN__TASK_REPEAT__TASK_MONTHLY, D("2027-02-28")),
             "2027-03-31"); /* month end stays month end */
  expect_day(tasks_next_due(PCN__TASK_REPEAT__TASK_MONTHLY, D("2028-01-29")),
             "2028-02-29");
  expect_day(tasks_next_due(PCN__TASK_REPEAT__TASK_MONTHLY, D("2027-03-15")),
             "2027-04-15");
  expect_day(tasks_next_due(PCN__TASK_REPEAT__TASK_QUARTERLY, D("2027-11-30")),
             "2028-02-29");
  expect_day(tasks_next_due(PCN__TASK_REPEAT__TASK_QUARTERLY, D("2027-12-10")),
             "2028-03-10");
  expect_day(
      tasks_next_due(PCN__TASK_REPEAT__TASK_REPEAT_NONE, D("2027-12-10")),
      "2027-12-10");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_task_dates),
      cmocka_unit_test(test_series_dates),
      cmocka_unit_test(test_make_on),
      cmocka_unit_test(test_reminder_days),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
