/* test_uktime.c - common/uktime: UK time for everything people type and
 * read (issue 20). Ranges whose ends are in different zones, the repeated
 * October hour named by GMT/BST, London dates of instants ("today" for the
 * server's due dates and months) and midnights. ctest also runs it under
 * TZ=UTC, America/New_York and Europe/London (unit.test_uktime_tz_*): the
 * answers must not move, and the last case checks the machine's own zone
 * is never read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "uktime.h"
#include "validate.h"

#define MIN_MS 60000LL
#define HOUR_MS (60 * MIN_MS)

static int64_t utc(int y, int mo, int d, int h, int mi) {
  return pcn_days_from_civil(y, mo, d) * PCN_DAY_MS + h * HOUR_MS + mi * MIN_MS;
}

static int64_t parse(const char *s, int *twice) {
  int64_t ms = 0;
  const char *why = NULL;
  assert_int_equal(pcn_london_parse_ex(s, &ms, &why, twice), 0);
  return ms;
}

static void range(const char *a, const char *b, const char *want) {
  char out[64];
  int t;
  pcn_london_range(parse(a, &t), parse(b, &t), "-", " - ", out, sizeof out);
  assert_string_equal(out, want);
}

static void test_ranges(void **state) {
  (void)state;
  range("2027-01-12 10:00", "2027-01-12 11:00", "2027-01-12 10:00-11:00 GMT");
  range("2027-06-10 10:00", "2027-06-10 11:30", "2027-06-10 10:00-11:30 BST");
  /* The clocks go forward between the ends: each carries its own zone. */
  range("2027-03-28 00:30", "2027-03-28 02:30",
        "2027-03-28 00:30 GMT - 02:30 BST");
  /* And back: 01:30 BST for 30 minutes ends at 01:00 GMT. */
  int t;
  int64_t s = parse("2027-10-31 01:30", &t);
  char out[64];
  pcn_london_range(s, s + 30 * MIN_MS, "-", " - ", out, sizeof out);
  assert_string_equal(out, "2027-10-31 01:30 BST - 01:00 GMT");
  range("2026-12-31 23:00", "2027-01-01 01:00",
        "2026-12-31 23:00 GMT - 2027-01-01 01:00 GMT");
  /* The desktop's dashes, and a short buffer stays terminated. */
  pcn_london_range(s, s + 30 * MIN_MS, "–", " – ", out, sizeof out);
  assert_string_equal(out, "2027-10-31 01:30 BST – 01:00 GMT");
  pcn_london_range(s, s + 30 * MIN_MS, "-", " - ", out, 8);
  assert_string_equal(out, "2027-10");
}

static void test_repeated_hour(void **state) {
  (void)state;
  int twice = -1;
  /* Without a zone: the first (BST), and the caller is told. */
  assert_int_equal(parse("2027-10-31 01:30", &twice), utc(2027, 10, 31, 0, 30));
  assert_int_equal(twice, 1);
  assert_int_equal(parse("2027-10-31 01:30 BST", &twice),
                   utc(2027, 10, 31, 0, 30));
  assert_int_equal(twice, 0);
  assert_int_equal(parse("2027-10-31 01:30 GMT", &twice),
                   utc(2027, 10, 31, 1, 30));
  assert_int_equal(twice, 0);
  assert_int_equal(parse("2027-10-31T01:59 gmt", &twice),
                   utc(2027, 10, 31, 1, 59));
  /* Not in the repeated hour: no note; a zone that is right is allowed. */
  assert_int_equal(parse("2027-10-31 02:00", &twice), utc(2027, 10, 31, 2, 0));
  assert_int_equal(twice, 0);
  assert_int_equal(parse("2027-10-31 00:59", &twice),
                   utc(2027, 10, 30, 23, 59));
  assert_int_equal(twice, 0);
  assert_int_equal(parse("2027-07-01 10:00 BST", &twice),
                   utc(2027, 7, 1, 9, 0));
  assert_true(pcn_london_repeated(utc(2027, 10, 31, 0, 0)));
  assert_true(pcn_london_repeated(utc(2027, 10, 31, 1, 59)));
  assert_false(pcn_london_repeated(utc(2027, 10, 31, 2, 0)));
  assert_false(pcn_london_repeated(utc(2027, 10, 30, 23, 59)));
  assert_false(pcn_london_repeated(utc(2027, 3, 28, 0, 30)));
}

static void test_refused(void **state) {
  (void)state;
  int64_t ms;
  const char *why;
  static const char *bad[] = {
      "2027-07-01 10:00 GMT", /* July is BST */
      "2027-01-12 10:00 BST", /* January is GMT */
      "2027-03-28 01:30",     /* skipped */
      "2027-03-28 01:30 GMT", /* skipped, whatever the zone */
      "2027-03-28 01:30 BST",  "2027-10-31 01:30 CET", "2027-10-31 01:30GMT ",
      "2027-10-31 01:30 GMTX", "2027-10-31",           ""};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    why = NULL;
    assert_int_equal(pcn_london_parse_ex(bad[i], &ms, &why, NULL), -1);
    assert_non_null(why);
  }
  assert_int_equal(pcn_london_parse("2027-07-01 10:00 GMT", &ms, &why), -1);
  assert_non_null(strstr(why, "BST"));
}

static void test_dates(void **state) {
  (void)state;
  /* 23:30 UTC on a summer evening is already tomorrow in the UK. */
  int32_t d;
  assert_int_equal(pcn_date_parse("2027-07-01", &d), 0);
  assert_int_equal(pcn_london_day_of_ms(utc(2027, 6, 30, 23, 30)), d);
  assert_int_equal(pcn_london_day_of_ms(utc(2027, 6, 30, 22, 59)), d - 1);
  /* In winter the UK date is the UTC one. */
  assert_int_equal(pcn_date_parse("2027-01-01", &d), 0);
  assert_int_equal(pcn_london_day_of_ms(utc(2026, 12, 31, 23, 30)), d - 1);
  assert_int_equal(pcn_london_day_of_ms(utc(2027, 1, 1, 0, 0)), d);
  /* Midnights: BST ones are 23:00 UTC the day before. */
  assert_int_equal(pcn_london_midnight(d), utc(2027, 1, 1, 0, 0));
  assert_int_equal(pcn_date_parse("2027-07-01", &d), 0);
  assert_int_equal(pcn_london_midnight(d), utc(2027, 6, 30, 23, 0));
  /* Both clock-change Sundays start on the old side. */
  assert_int_equal(pcn_date_parse("2027-03-28", &d), 0);
  assert_int_equal(pcn_london_midnight(d), utc(2027, 3, 28, 0, 0));
  assert_int_equal(pcn_date_parse("2027-10-31", &d), 0);
  assert_int_equal(pcn_london_midnight(d), utc(2027, 10, 30, 23, 0));
  /* Every midnight over two years is day d's first instant. */
  int32_t from;
  assert_int_equal(pcn_date_parse("2026-01-01", &from), 0);
  for (int32_t x = from; x < from + 731; x++) {
    int64_t m = pcn_london_midnight(x);
    assert_int_equal(pcn_london_day_of_ms(m), x);
    assert_int_equal(pcn_london_day_of_ms(m - 1), x - 1);
    int64_t back;
    char date[11];
    pcn_date_format(x, date);
    assert_int_equal(pcn_london_day(date, &back), 0);
    assert_int_equal(back, m);
  }
  char out[21];
  pcn_london_format_zone(utc(2027, 6, 10, 16, 0), out);
  assert_string_equal(out, "2027-06-10 17:00 BST");
}

/* The case: 17:00 typed is 17:00 read, on any machine. */
static void test_machine_zone_ignored(void **state) {
  (void)state;
  int t;
  int64_t ms = parse("2027-06-10 17:00", &t);
  assert_int_equal(ms, utc(2027, 6, 10, 16, 0));
  char out[17];
  pcn_london_format(ms, out);
  assert_string_equal(out, "2027-06-10 17:00");
  /* pcn_date_today is the UK date now, not the machine's. */
  int32_t a = pcn_london_day_of_ms((int64_t)time(NULL) * 1000);
  int32_t today = pcn_date_today();
  int32_t b = pcn_london_day_of_ms((int64_t)time(NULL) * 1000);
  assert_true(today == a || today == b);
}

/* Issue 19: dates as people in England type and read them. Today is
 * Sunday 6 December 2026 for these. */
static int32_t uk(const char *s, int32_t today) {
  int32_t d = -1;
  const char *why = NULL;
  int rc = pcn_date_parse_uk(s, today, &d, &why);
  if (rc) {
    assert_non_null(why);
    return -1;
  }
  return d;
}

static void test_date_parse_uk(void **state) {
  (void)state;
  int32_t today = (int32_t)pcn_days_from_civil(2026, 12, 6);
  int32_t dec9 = (int32_t)pcn_days_from_civil(2026, 12, 9);
  const char *same[] = {"2026-12-09",
                        "9/12/2026",
                        "9/12/26",
                        "09/12/2026",
                        "9.12.2026",
                        "9 Dec",
                        "9 dec",
                        "9 December 2026",
                        "9th December",
                        "Wed 9 Dec",
                        "Wednesday, 9 December 2026",
                        "  9 DEC 26 ",
                        "9-Dec-2026",
                        "9/12"};
  for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
    int32_t got = uk(same[i], today);
    if (got != dec9) fail_msg("\"%s\" gave day %d", same[i], got);
  }
  assert_int_equal(uk("today", today), today);
  assert_int_equal(uk("Tomorrow", today), today + 1);
  /* A year left out: the date nearest today. */
  assert_int_equal(uk("9 Jan", today), pcn_days_from_civil(2027, 1, 9));
  assert_int_equal(uk("2 Dec", today), pcn_days_from_civil(2026, 12, 2));
  assert_int_equal(uk("1 Jul", today), pcn_days_from_civil(2026, 7, 1));
  assert_int_equal(uk("1/6", today), pcn_days_from_civil(2027, 6, 1));
  assert_int_equal(uk("29 Feb", today), pcn_days_from_civil(2028, 2, 29));
  assert_int_equal(uk("29/2/2028", today), pcn_days_from_civil(2028, 2, 29));
  assert_int_equal(uk("1 Sept 2027", today), pcn_days_from_civil(2027, 9, 1));

  /* Refused, each with a sentence that says what to type. */
  const char *why = NULL;
  int32_t d;
  assert_int_equal(pcn_date_parse_uk("31/2/2027", today, &d, &why), -1);
  assert_non_null(strstr(why, "February has 28 days"));
  assert_int_equal(pcn_date_parse_uk("31 April 2027", today, &d, &why), -1);
  assert_non_null(strstr(why, "April has 30 days"));
  assert_int_equal(pcn_date_parse_uk("9/13/2026", today, &d, &why), -1);
  assert_non_null(strstr(why, "day first"));
  assert_int_equal(pcn_date_parse_uk("Dec", today, &d, &why), -1);
  assert_non_null(strstr(why, "day as well"));
  assert_int_equal(pcn_date_parse_uk("", today, &d, &why), -1);
  assert_non_null(strstr(why, "Give a date"));
  assert_int_equal(pcn_date_parse_uk("   ", today, &d, &why), -1);
  assert_int_equal(pcn_date_parse_uk("Dec 9", today, &d, &why), -1);
  assert_non_null(strstr(why, "day before the month"));
  assert_int_equal(pcn_date_parse_uk("Tue 9 Dec", today, &d, &why), -1);
  assert_non_null(strstr(why, "weekday"));
  const char *bad[] = {"0/12/2026",  "32 Dec",      "9 Decx",    "9 Dex",
                       "9/12/1999",  "9/12/2200",   "9/12/202",  "2026-13-01",
                       "2026-12-32", "9 12 2026 1", "next week", "9:12",
                       "9/12/2026x", "999/1",       "29/2/2027", NULL};
  for (int i = 0; i < 15; i++) {
    why = NULL;
    if (pcn_date_parse_uk(bad[i], today, &d, &why) != -1 || !why)
      fail_msg("\"%s\" was not refused with words", bad[i]);
  }
  assert_int_equal(pcn_date_parse_uk(NULL, today, &d, &why), -1);
}

static void test_date_words(void **state) {
  (void)state;
  int32_t today = (int32_t)pcn_days_from_civil(2026, 12, 6);
  char out[24];
  pcn_date_words((int32_t)pcn_days_from_civil(2026, 12, 9), today, 1, 0, out,
                 sizeof out);
  assert_string_equal(out, "Wed 9 Dec");
  pcn_date_words((int32_t)pcn_days_from_civil(2026, 12, 9), today, 0, 1, out,
                 sizeof out);
  assert_string_equal(out, "9 Dec 2026");
  pcn_date_words((int32_t)pcn_days_from_civil(2027, 1, 12), today, 0, 0, out,
                 sizeof out);
  assert_string_equal(out, "12 Jan 2027");
  pcn_date_words((int32_t)pcn_days_from_civil(2027, 1, 12), today, 1, 0, out,
                 sizeof out);
  assert_string_equal(out, "Tue 12 Jan 2027");
  pcn_date_words(today, today, 1, 0, out, 6);
  assert_string_equal(out, "Sun 6");
  /* What the words say, the parser reads back. */
  for (int32_t day = today - 400; day < today + 400; day += 7) {
    int32_t back;
    pcn_date_words(day, today, 1, 1, out, sizeof out);
    assert_int_equal(pcn_date_parse_uk(out, today, &back, NULL), 0);
    assert_int_equal(back, day);
  }
}

/* Months as people type them, and in words (issue 19: the Statement and
 * ARRS claim months were typed as YYYY-MM). */
static void test_month_parse_uk(void **state) {
  (void)state;
  static const struct {
    const char *in, *out;
  } ok[] = {{"December 2026", "2026-12"},  {"Dec 2026", "2026-12"},
            {"dec 26", "2026-12"},         {"12/2026", "2026-12"},
            {"4/2027", "2027-04"},         {"2027-04", "2027-04"},
            {"  april, 2027 ", "2027-04"}, {"Sept 2027", "2027-09"}};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    char m[8];
    const char *why = NULL;
    int rc = pcn_month_parse_uk(ok[i].in, m, &why);
    if (ok[i].out[0]) {
      if (rc != 0) fail_msg("%s: %s", ok[i].in, why);
      assert_string_equal(m, ok[i].out);
    } else {
      assert_int_equal(rc, -1);
    }
  }
  char m[8];
  const char *why = NULL;
  assert_int_equal(pcn_month_parse_uk("13/2026", m, &why), -1);
  assert_string_equal(m, "");
  assert_non_null(strstr(why, "December 2026"));
  assert_int_equal(pcn_month_parse_uk("December", m, &why), -1);
  assert_int_equal(pcn_month_parse_uk("", m, &why), -1);
  assert_string_equal(why, "Give a month, as December 2026.");
  assert_int_equal(pcn_month_parse_uk("Dec 1999", m, &why), -1);
  assert_string_equal(why, "Give a year from 2000 to 2199.");
  assert_int_equal(pcn_month_parse_uk("9 Dec 2026", m, &why), -1);
  char w[24];
  pcn_month_words("2026-12", w, sizeof w);
  assert_string_equal(w, "December 2026");
  pcn_month_words("2027-01", w, sizeof w);
  assert_string_equal(w, "January 2027");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ranges),
      cmocka_unit_test(test_repeated_hour),
      cmocka_unit_test(test_refused),
      cmocka_unit_test(test_dates),
      cmocka_unit_test(test_machine_zone_ignored),
      cmocka_unit_test(test_date_parse_uk),
      cmocka_unit_test(test_date_words),
      cmocka_unit_test(test_month_parse_uk),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
