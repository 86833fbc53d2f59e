/* test_validate.c - input checks and dates (common/validate.c).
 *
 * A table of UTF-8 byte sequences, well formed and not (overlongs,
 * surrogates, past U+10FFFF, truncated, stray continuation bytes, C0, DEL
 * and C1 controls), at the length limit and one past; each check's
 * sentences; and every date from 2000-01-01 to 2199-12-31 through parse and
 * format, against a day count kept independently here.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "uktime.h"
#include "validate.h"

typedef struct utf8_case {
  const char *s;
  int single; /* valid as single-line text */
  int multi;  /* valid as multi-line text */
} utf8_case;

static const utf8_case utf8_cases[] = {
    {"", 1, 1},
    {"hello, world", 1, 1},
    {"~", 1, 1},
    {"caf\xc3\xa9", 1, 1},      /* U+00E9 */
    {"\xc2\xa0", 1, 1},         /* U+00A0, first after C1 */
    {"\xdf\xbf", 1, 1},         /* U+07FF */
    {"\xe0\xa0\x80", 1, 1},     /* U+0800, shortest 3-byte */
    {"\xe2\x82\xac", 1, 1},     /* euro sign */
    {"\xed\x9f\xbf", 1, 1},     /* U+D7FF, below surrogates */
    {"\xee\x80\x80", 1, 1},     /* U+E000, above surrogates */
    {"\xef\xbf\xbd", 1, 1},     /* U+FFFD */
    {"\xf0\x90\x80\x80", 1, 1}, /* U+10000, shortest 4-byte */
    {"\xf0\x9f\x98\x80", 1, 1}, /* emoji */
    {"\xf4\x8f\xbf\xbf", 1, 1}, /* U+10FFFF, the last */
    {"line\nbreak", 0, 1},
    {"tab\there", 0, 1},
    {"\n", 0, 1},
    {"a\r\nb", 0, 0}, /* CR is a control */
    {"\x01", 0, 0},
    {"\x1b[31mred", 0, 0}, /* ESC */
    {"\x0b", 0, 0},
    {"\x0c", 0, 0},
    {"\x1f", 0, 0},
    {"\x7f", 0, 0},                     /* DEL */
    {"\xc2\x80", 0, 0},                 /* C1: U+0080 */
    {"\xc2\x85", 0, 0},                 /* C1: NEL */
    {"\xc2\x9f", 0, 0},                 /* C1: U+009F */
    {"\xc0\xaf", 0, 0},                 /* overlong '/' */
    {"\xc0\x80", 0, 0},                 /* overlong NUL */
    {"\xc1\xbf", 0, 0},                 /* overlong */
    {"\xe0\x80\xaf", 0, 0},             /* overlong '/' */
    {"\xe0\x9f\xbf", 0, 0},             /* overlong U+07FF */
    {"\xf0\x80\x80\xaf", 0, 0},         /* overlong '/' */
    {"\xf0\x8f\xbf\xbf", 0, 0},         /* overlong U+FFFF */
    {"\xed\xa0\x80", 0, 0},             /* surrogate U+D800 */
    {"\xed\xbf\xbf", 0, 0},             /* surrogate U+DFFF */
    {"\xed\xa0\xbd\xed\xb8\x80", 0, 0}, /* CESU-8 pair */
    {"\xf4\x90\x80\x80", 0, 0},         /* U+110000 */
    {"\xf5\x80\x80\x80", 0, 0},
    {"\xf7\xbf\xbf\xbf", 0, 0},
    {"\xf8\x88\x80\x80\x80", 0, 0},     /* 5-byte form */
    {"\xfc\x84\x80\x80\x80\x80", 0, 0}, /* 6-byte form */
    {"\xfe", 0, 0},
    {"\xff", 0, 0},
    {"\x80", 0, 0}, /* lone continuation */
    {"\xbf", 0, 0},
    {"a\200b", 0, 0},
    {"\xc3", 0, 0}, /* truncated */
    {"caf\xc3", 0, 0},
    {"\xe2\x82", 0, 0},
    {"a\xe2\x82", 0, 0},
    {"\xe2", 0, 0},
    {"\xf0\x9f\x98", 0, 0},
    {"\xf0\x9f", 0, 0},
    {"\xf0", 0, 0},
    {"\xc3\x28", 0, 0}, /* bad continuation */
    {"\xe2\x28\xa1", 0, 0},
    {"\xe2\x82\x28", 0, 0},
    {"\xf0\x28\x8c\xbc", 0, 0},
    {"\xf0\x9f\x98\x28", 0, 0},
    {"\xc3\xa9\xc3", 0, 0},
};

static void test_utf8_table(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof utf8_cases / sizeof utf8_cases[0]; i++) {
    const utf8_case *c = &utf8_cases[i];
    if (pcn_utf8_valid(c->s, 100, 0) != c->single ||
        pcn_utf8_valid(c->s, 100, 1) != c->multi) {
      print_error("case %zu: want single=%d multi=%d\n", i, c->single,
                  c->multi);
    }
    assert_int_equal(pcn_utf8_valid(c->s, 100, 0), c->single);
    assert_int_equal(pcn_utf8_valid(c->s, 100, 1), c->multi);
    /* check_text agrees with pcn_utf8_valid. */
    assert_int_equal(pcn_check_text(c->s, 100, 0, 0) == NULL, c->single);
    assert_int_equal(pcn_check_text(c->s, 100, 0, 1) == NULL, c->multi);
  }
}

static void test_utf8_length_limit(void **state) {
  (void)state;
  assert_true(pcn_utf8_valid("abc", 3, 0));
  assert_false(pcn_utf8_valid("abc", 2, 0));
  assert_true(pcn_utf8_valid("", 0, 0));
  assert_false(pcn_utf8_valid("a", 0, 0));
  /* Limits are bytes, and a sequence straddling the limit is too long. */
  assert_true(pcn_utf8_valid("\xc3\xa9", 2, 0));
  assert_false(pcn_utf8_valid("\xc3\xa9", 1, 0));
  assert_true(pcn_utf8_valid("a\xf0\x9f\x98\x80", 5, 0));
  assert_false(pcn_utf8_valid("a\xf0\x9f\x98\x80", 4, 0));
  assert_false(pcn_utf8_valid("a\xf0\x9f\x98\x80", 2, 0));

  /* Scanning stops at the limit: what lies past it is not read. */
  assert_string_equal(pcn_check_text("abcdef\xff", 3, 1, 0),
                      "Text is too long for this field; shorten it.");

  static char big[PCN_MAX_TEXT + 2];
  memset(big, 'a', PCN_MAX_TEXT);
  big[PCN_MAX_TEXT] = '\0';
  assert_true(pcn_utf8_valid(big, PCN_MAX_TEXT, 1));
  big[PCN_MAX_TEXT] = 'a';
  big[PCN_MAX_TEXT + 1] = '\0';
  assert_false(pcn_utf8_valid(big, PCN_MAX_TEXT, 1));
}

static void test_check_text_sentences(void **state) {
  (void)state;
  assert_null(pcn_check_text("A title", PCN_MAX_TITLE, 1, 0));
  assert_null(pcn_check_text("", PCN_MAX_TITLE, 0, 0));
  assert_null(pcn_check_text(NULL, PCN_MAX_TITLE, 0, 0));
  assert_string_equal(pcn_check_text("", PCN_MAX_TITLE, 1, 0),
                      "Text is required.");
  assert_string_equal(pcn_check_text(NULL, PCN_MAX_TITLE, 1, 0),
                      "Text is required.");
  assert_string_equal(pcn_check_text("   ", PCN_MAX_TITLE, 1, 0),
                      "Text is required.");
  assert_string_equal(pcn_check_text(" \n\t ", PCN_MAX_TEXT, 1, 1),
                      "Text is required.");
  assert_string_equal(pcn_check_text("abcdef", 5, 1, 0),
                      "Text is too long for this field; shorten it.");
  assert_string_equal(pcn_check_text("ab\xc0\xaf", 50, 1, 0),
                      "Text must be valid UTF-8.");
  const char *one_line = pcn_check_text("a\nb", 50, 1, 0);
  const char *multi = pcn_check_text("a\rb", 50, 1, 1);
  assert_non_null(one_line);
  assert_non_null(multi);
  assert_non_null(strstr(one_line, "single line"));
  assert_non_null(strstr(multi, "control characters"));
}

static void test_ods(void **state) {
  (void)state;
  static const char *good[] = {"F84001", "Y00001", "ABCDEF", "A12345",
                               "Z99999"};
  static const char *bad[] = {"",        "f84001",        "F8400",
                              "F840011", "884001",        "F8400a",
                              "F84 01",  "F84-01",        " F84001",
                              "F84001 ", "\303\21184001", "F8400\xc3\x89"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    assert_null(pcn_check_ods(good[i]));
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_string_equal(pcn_check_ods(bad[i]),
                        "An ODS code is a letter and five letters or digits, "
                        "such as F84001.");
  }
  assert_non_null(pcn_check_ods(NULL));

  char s[] = "f84a0b";
  pcn_ods_normalize(s);
  assert_string_equal(s, "F84A0B");
  assert_null(pcn_check_ods(s));
  char e[] = "\xc3\xa9z";
  pcn_ods_normalize(e);
  assert_string_equal(e, "\xc3\xa9Z"); /* ASCII only */
  pcn_ods_normalize(NULL);
}

/* A plausible e-mail address: what NHSmail and practice domains look
 * like passes; anything a calendar line or a mailer could misread does
 * not (pcn_check_email). */
static void test_email(void **state) {
  (void)state;
  static const char *good[] = {"jo.smith@nhs.net", "a@b.co",
                               "pm+pcn@riverside-surgery.nhs.uk",
                               "O'Brien@Example.ORG", "x_y-z@a1.b2.uk"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    assert_null(pcn_check_email(good[i]));
  static const char *bad[] = {
      "jo",           "@nhs.net",          "jo@",
      "jo@nhs",       "jo@@nhs.net",       "j o@nhs.net",
      "jo@nhs..net",  ".jo@nhs.net",       "jo.@nhs.net",
      "j..o@nhs.net", "jo@-nhs.net",       "jo@nhs-.net",
      "jo@nhs.n3t",   "jo@nhs.net.",       "jo@nhs.net\n",
      "jo:x@nhs.net", "jo;@nhs.net",       "jo,@nhs.net",
      "jo@nhs_x.net", "j\xc3\xa9@nhs.net", "\"jo\"@nhs.net",
      "jo@[10.0.0.1]"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    const char *why = pcn_check_email(bad[i]);
    if (!why) fail_msg("accepted %s", bad[i]);
    assert_non_null(strstr(why, "name@practice.nhs.net"));
  }
  assert_string_equal(pcn_check_email(""), "An e-mail address is required.");
  assert_string_equal(pcn_check_email(NULL), "An e-mail address is required.");
  char longest[PCN_MAX_EMAIL + 2];
  memset(longest, 'a', sizeof longest);
  memcpy(longest, "jo@", 3);
  memcpy(longest + PCN_MAX_EMAIL - 4, ".net", 5); /* 254 bytes */
  for (size_t i = 3 + 60; i < PCN_MAX_EMAIL - 4; i += 61)
    longest[i] = '.';
  assert_null(pcn_check_email(longest));
  longest[PCN_MAX_EMAIL - 4] = 'a';
  memcpy(longest + PCN_MAX_EMAIL - 3, ".net", 5); /* 255 bytes */
  assert_non_null(strstr(pcn_check_email(longest), "at most 254"));
}

static void test_username(void **state) {
  (void)state;
  static const char *good[] = {"ab", "jo.smith", "a_b-c.d", "a1", "z0_.-"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    assert_null(pcn_check_username(good[i]));
  char max[PCN_MAX_USERNAME + 2];
  memset(max, 'a', PCN_MAX_USERNAME);
  max[PCN_MAX_USERNAME] = '\0';
  assert_null(pcn_check_username(max));
  max[PCN_MAX_USERNAME] = 'a';
  max[PCN_MAX_USERNAME + 1] = '\0';
  assert_string_equal(pcn_check_username(max),
                      "A username is 2 to 32 characters long.");
  assert_string_equal(pcn_check_username("a"),
                      "A username is 2 to 32 characters long.");
  assert_string_equal(pcn_check_username(""), "A username is required.");
  assert_string_equal(pcn_check_username(NULL), "A username is required.");
  static const char *bad_start[] = {"1abc", "_abc", "Abc", ".ab", "\xc3\xa9t"};
  for (size_t i = 0; i < sizeof bad_start / sizeof bad_start[0]; i++) {
    assert_string_equal(pcn_check_username(bad_start[i]),
                        "A username must start with a lowercase letter (a "
                        "to z).");
  }
  static const char *bad_char[] = {"ab cd", "ab\xc3\xa9", "a@b",
                                   "aB",    "a/b",        "ab\n"};
  for (size_t i = 0; i < sizeof bad_char / sizeof bad_char[0]; i++) {
    const char *why = pcn_check_username(bad_char[i]);
    assert_non_null(why);
    assert_non_null(strstr(why, "only lowercase letters"));
  }
}

static void test_password(void **state) {
  (void)state;
  const char *short_msg = "A password needs at least 10 characters.";
  assert_string_equal(pcn_check_password(""), short_msg);
  assert_string_equal(pcn_check_password(NULL), short_msg);
  assert_string_equal(pcn_check_password("123456789"), short_msg);
  assert_null(pcn_check_password("1234567890"));
  assert_null(pcn_check_password("correct horse battery staple"));
  assert_null(pcn_check_password("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"));

  char p[PCN_MAX_PASSWORD + 2];
  memset(p, 'x', PCN_MAX_PASSWORD);
  p[PCN_MAX_PASSWORD] = '\0';
  assert_null(pcn_check_password(p));
  p[PCN_MAX_PASSWORD] = 'x';
  p[PCN_MAX_PASSWORD + 1] = '\0';
  const char *why = pcn_check_password(p);
  assert_non_null(why);
  assert_non_null(strstr(why, "at most 256 bytes"));

  why = pcn_check_password("abcdefghij\xc0\xaf");
  assert_non_null(why);
  assert_non_null(strstr(why, "UTF-8"));
  why = pcn_check_password("abcdefghij\x01");
  assert_non_null(why);
  assert_non_null(strstr(why, "control"));
}

/* ---------------------------------------------------------------- dates */

static int leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Walks the calendar a day at a time: each date must parse to one more
 * than the previous, and format back to the same text. */
static void test_dates_every_day(void **state) {
  (void)state;
  int32_t expect = 10957; /* 2000-01-01: 30 years of 365 days + 7 leap days */
  int count = 0;
  for (int y = 2000; y <= 2199; y++) {
    for (int m = 1; m <= 12; m++) {
      for (int d = 1; d <= month_days(y, m); d++) {
        char s[32], back[11];
        snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
        int32_t days = -1;
        assert_int_equal(pcn_date_parse(s, &days), 0);
        assert_int_equal(days, expect);
        pcn_date_format(days, back);
        assert_string_equal(back, s);
        expect++;
        count++;
      }
    }
  }
  assert_int_equal(count, 200 * 365 + 49);
  int32_t last;
  assert_int_equal(pcn_date_parse("2199-12-31", &last), 0);
  assert_int_equal(last, 84005);
}

/* A time's day rounds down, before 1970 as after. */
static void test_day_of_ms(void **state) {
  (void)state;
  assert_int_equal(pcn_day_of_ms(0), 0);
  assert_int_equal(pcn_day_of_ms(PCN_DAY_MS - 1), 0);
  assert_int_equal(pcn_day_of_ms(PCN_DAY_MS), 1);
  assert_int_equal(pcn_day_of_ms(-1), -1);
  assert_int_equal(pcn_day_of_ms(-PCN_DAY_MS), -1);
  assert_int_equal(pcn_day_of_ms(-PCN_DAY_MS - 1), -2);
  int32_t d;
  assert_int_equal(pcn_date_parse("2026-03-31", &d), 0);
  assert_int_equal(pcn_day_of_ms(d * PCN_DAY_MS + 17 * 3600000LL), d);
}

static void test_dates_leap_days(void **state) {
  (void)state;
  int32_t d;
  assert_int_equal(pcn_date_parse("2000-02-29", &d), 0); /* div by 400 */
  assert_int_equal(pcn_date_parse("2024-02-29", &d), 0);
  assert_int_equal(pcn_date_parse("2196-02-29", &d), 0);
  assert_int_equal(pcn_date_parse("2023-02-29", &d), -1);
  assert_int_equal(pcn_date_parse("2100-02-29", &d), -1); /* div by 100 */
  assert_int_equal(pcn_date_parse("2024-02-30", &d), -1);
  assert_int_equal(pcn_date_parse("2024-03-01", &d), 0);
  int32_t feb28;
  assert_int_equal(pcn_date_parse("2100-02-28", &feb28), 0);
  assert_int_equal(pcn_date_parse("2100-03-01", &d), 0);
  assert_int_equal(d, feb28 + 1);
}

static void test_dates_refused(void **state) {
  (void)state;
  static const char *bad[] = {
      "2024-1-01",
      "2024-01-1",
      "24-01-01",
      "2024-01-01 ",
      " 2024-01-01",
      "2024/01/01",
      "20240101",
      "2024-13-01",
      "2024-00-10",
      "2024-01-00",
      "2024-01-32",
      "2024-04-31",
      "1999-12-31",
      "2200-01-01",
      "1970-01-01",
      "+024-01-01",
      "2024-+1-01",
      "2024-01-0a",
      "2024-01-01T00:00",
      "",
      "2024/01-01",
      "2024-01/01",
      "2024-01",
      "2024-01-",
      "\357\274\222024-01-01",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int32_t d = 12345;
    if (pcn_date_parse(bad[i], &d) != -1) print_error("accepted %s\n", bad[i]);
    assert_int_equal(pcn_date_parse(bad[i], &d), -1);
    assert_int_equal(d, 12345); /* untouched on failure */
  }
  int32_t d;
  assert_int_equal(pcn_date_parse(NULL, &d), -1);
}

static void test_date_format_edges(void **state) {
  (void)state;
  char out[11];
  pcn_date_format(0, out);
  assert_string_equal(out, "1970-01-01");
  pcn_date_format(-1, out);
  assert_string_equal(out, "1969-12-31");
  pcn_date_format(19782, out);
  assert_string_equal(out, "2024-02-29");
  pcn_date_format(INT32_MAX, out);
  assert_int_equal(strlen(out), 10);
  pcn_date_format(INT32_MIN, out);
  assert_int_equal(strlen(out), 10);
}

static void test_date_today(void **state) {
  (void)state;
  int32_t lo, hi;
  assert_int_equal(pcn_date_parse("2020-01-01", &lo), 0);
  assert_int_equal(pcn_date_parse("2199-12-31", &hi), 0);
  /* The UK date (issue 20): the UTC one, or the next in BST's last hour. */
  int32_t before = pcn_london_day_of_ms((int64_t)time(NULL) * 1000);
  int32_t today = pcn_date_today();
  int32_t after = pcn_london_day_of_ms((int64_t)time(NULL) * 1000);
  assert_true(today >= before && today <= after);
  assert_in_range(today, lo, hi);
}

/* Whole-time equivalents in hundredths (the CLI's --wte and the desktop's
 * Add staff form). */
static void test_wte_parse(void **state) {
  (void)state;
  uint32_t w = 0;
  assert_int_equal(pcn_wte_parse("0.8", &w), 0);
  assert_int_equal(w, 80);
  assert_int_equal(pcn_wte_parse("1", &w), 0);
  assert_int_equal(w, 100);
  assert_int_equal(pcn_wte_parse("0.75", &w), 0);
  assert_int_equal(w, 75);
  assert_int_equal(pcn_wte_parse("0.01", &w), 0);
  assert_int_equal(w, 1);
  const char *bad[] = {"",   "0",     "0.0", "1.01", "2", ".5",
                       "0.", "0.755", "0,8", "x",    "1 "};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    assert_int_equal(pcn_wte_parse(bad[i], &w), -1);
  assert_int_equal(pcn_wte_parse(NULL, &w), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_utf8_table),
      cmocka_unit_test(test_utf8_length_limit),
      cmocka_unit_test(test_check_text_sentences),
      cmocka_unit_test(test_ods),
      cmocka_unit_test(test_username),
      cmocka_unit_test(test_email),
      cmocka_unit_test(test_password),
      cmocka_unit_test(test_dates_every_day),
      cmocka_unit_test(test_dates_leap_days),
      cmocka_unit_test(test_day_of_ms),
      cmocka_unit_test(test_dates_refused),
      cmocka_unit_test(test_date_format_edges),
      cmocka_unit_test(test_date_today),
      cmocka_unit_test(test_wte_parse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
