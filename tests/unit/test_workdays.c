/* test_workdays.c - England and Wales bank holidays by the rules, checked
 * against the published lists (gov.uk) for 2025 to 2027 and the awkward
 * Christmases; the network's corrections (2020's moved early May, 2022's
 * jubilee); and working-day arithmetic across weekends and holidays.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "validate.h"
#include "workdays.h"

static int32_t D(const char *s) {
  int32_t d;
  assert_int_equal(pcn_date_parse(s, &d), 0);
  return d;
}

/* Every bank holiday of year y by the rules, in order, into out. */
static int holidays_of(int y, char out[][11], int max) {
  int n = 0;
  for (int32_t d = (int32_t)pcn_days_from_civil(y, 1, 1);
       d < (int32_t)pcn_days_from_civil(y + 1, 1, 1) && n < max; d++)
    if (pcn_is_bank_holiday_rule(d)) pcn_date_format(d, out[n++]);
  return n;
}

static void expect_year(int y, const char *const *want, int nwant) {
  char got[16][11];
  int n = holidays_of(y, got, 16);
  assert_int_equal(n, nwant);
  for (int i = 0; i < n; i++)
    assert_string_equal(got[i], want[i]);
}

static void test_published_years(void **state) {
  (void)state;
  const char *y2025[] = {"2025-01-01", "2025-04-18", "2025-04-21",
                         "2025-05-05", "2025-05-26", "2025-08-25",
                         "2025-12-25", "2025-12-26"};
  const char *y2026[] = {"2026-01-01", "2026-04-03", "2026-04-06",
                         "2026-05-04", "2026-05-25", "2026-08-31",
                         "2026-12-25", "2026-12-28"}; /* Boxing Day Sat */
  const char *y2027[] = {"2027-01-01", "2027-03-26", "2027-03-29",
                         "2027-05-03", "2027-05-31", "2027-08-30",
                         "2027-12-27", "2027-12-28"}; /* Christmas Sat */
  expect_year(2025, y2025, 8);
  expect_year(2026, y2026, 8);
  expect_year(2027, y2027, 8);
  /* Christmas on a Sunday (2022): Boxing Day Mon 26, Christmas Tue 27. */
  assert_true(pcn_is_bank_holiday_rule(D("2022-12-26")));
  assert_true(pcn_is_bank_holiday_rule(D("2022-12-27")));
  assert_false(pcn_is_bank_holiday_rule(D("2022-12-25")));
  /* New Year's Day on a Saturday (2022): Monday 3 January. */
  assert_true(pcn_is_bank_holiday_rule(D("2022-01-03")));
  assert_false(pcn_is_bank_holiday_rule(D("2022-01-01")));
}

static void test_names(void **state) {
  (void)state;
  assert_string_equal(pcn_bank_holiday_rule_name(D("2026-04-03")),
                      "Good Friday");
  assert_string_equal(pcn_bank_holiday_rule_name(D("2026-04-06")),
                      "Easter Monday");
  assert_string_equal(pcn_bank_holiday_rule_name(D("2026-05-04")),
                      "Early May bank holiday");
  assert_string_equal(pcn_bank_holiday_rule_name(D("2026-05-25")),
                      "Spring bank holiday");
  assert_string_equal(pcn_bank_holiday_rule_name(D("2026-08-31")),
                      "Summer bank holiday");
  assert_string_equal(pcn_bank_holiday_rule_name(D("2026-12-25")),
                      "Christmas Day");
  assert_string_equal(pcn_bank_holiday_rule_name(D("2026-12-28")),
                      "Boxing Day");
  assert_string_equal(pcn_bank_holiday_rule_name(D("2027-12-27")),
                      "Christmas Day"); /* the 25th a Saturday */
  assert_string_equal(pcn_bank_holiday_rule_name(D("2027-12-28")),
                      "Boxing Day");
  assert_string_equal(pcn_bank_holiday_rule_name(D("2022-12-26")),
                      "Boxing Day"); /* the 25th a Sunday */
  assert_string_equal(pcn_bank_holiday_rule_name(D("2022-12-27")),
                      "Christmas Day");
  assert_string_equal(pcn_bank_holiday_rule_name(D("2022-01-03")),
                      "New Year's Day");
  assert_null(pcn_bank_holiday_rule_name(D("2026-11-23")));
}

static void test_easter(void **state) {
  (void)state;
  char s[11];
  const char *known[][2] = {{"2024", "2024-03-31"},
                            {"2025", "2025-04-20"},
                            {"2026", "2026-04-05"},
                            {"2038", "2038-04-25"},
                            {"2285", "2285-03-22"}};
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
    pcn_date_format(pcn_easter(atoi(known[i][0])), s);
    assert_string_equal(s, known[i][1]);
  }
}

/* The network's list corrects the rules. */
static void test_corrections(void **state) {
  (void)state;
  /* 2020: the early May holiday moved from Mon 4 to Fri 8 (VE Day). */
  int32_t removed[] = {D("2020-05-04")};
  int32_t added[] = {D("2020-05-08"), D("2022-06-03")}; /* and a jubilee */
  pcn_holidays h = {added, 2, removed, 1};
  assert_true(pcn_is_bank_holiday_rule(D("2020-05-04")));
  assert_false(pcn_is_bank_holiday(D("2020-05-04"), &h));
  assert_true(pcn_is_bank_holiday(D("2020-05-08"), &h));
  assert_true(pcn_is_working_day(D("2020-05-04"), &h));
  assert_false(pcn_is_working_day(D("2020-05-08"), &h));
  assert_false(pcn_is_working_day(D("2022-06-03"), &h));
  assert_true(pcn_is_working_day(D("2022-06-03"), NULL));
}

static void test_arithmetic(void **state) {
  (void)state;
  char s[11];
  /* Weekdays: 2026-11-23 is a Monday. */
  assert_int_equal(pcn_weekday(D("2026-11-23")), 1);
  assert_int_equal(pcn_weekday(0), 4); /* 1970-01-01, a Thursday */
  assert_int_equal(pcn_weekday((int32_t)pcn_days_from_civil(1969, 12, 31)), 3);
  assert_int_equal(pcn_days_from_civil(1969, 12, 31), -1);
  /* Ten working days from Monday 23 Nov 2026: Monday 7 Dec. */
  pcn_date_format(pcn_add_working_days(D("2026-11-23"), 10, NULL), s);
  assert_string_equal(s, "2026-12-07");
  /* Across Christmas 2026 (Fri 25, Mon 28 holidays): from Thu 24 Dec,
   * one working day on is Tue 29 Dec. */
  pcn_date_format(pcn_add_working_days(D("2026-12-24"), 1, NULL), s);
  assert_string_equal(s, "2026-12-29");
  /* And back: one working day before Tue 29 Dec is Thu 24 Dec. */
  pcn_date_format(pcn_add_working_days(D("2026-12-29"), -1, NULL), s);
  assert_string_equal(s, "2026-12-24");
  /* Easter 2026: Thu 2 Apr + 1 = Tue 7 Apr. */
  pcn_date_format(pcn_add_working_days(D("2026-04-02"), 1, NULL), s);
  assert_string_equal(s, "2026-04-07");
  /* Notice: an ask on Fri 18 Dec 2026 due Fri 1 Jan 2027 gives 7 working
   * days (21-24, 29-31 Dec; 25 and 28 Dec and 1 Jan are holidays). */
  assert_int_equal(
      pcn_working_days_between(D("2026-12-18"), D("2027-01-01"), NULL), 7);
  assert_int_equal(
      pcn_working_days_between(D("2026-11-23"), D("2026-12-07"), NULL), 10);
  assert_int_equal(
      pcn_working_days_between(D("2026-12-07"), D("2026-11-23"), NULL), 0);
  /* add and between agree over a long run. */
  for (int n = 0; n < 400; n += 7) {
    int32_t to = pcn_add_working_days(D("2025-01-06"), n, NULL);
    assert_int_equal(pcn_working_days_between(D("2025-01-06"), to, NULL), n);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_published_years),
      cmocka_unit_test(test_names),
      cmocka_unit_test(test_easter),
      cmocka_unit_test(test_corrections),
      cmocka_unit_test(test_arithmetic),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
