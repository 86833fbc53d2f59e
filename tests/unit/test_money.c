/* test_money.c - pence from and to pounds as people write them, and the
 * largest-remainder split: exact examples, the tie-break, and a property
 * test over random totals and list sizes (the parts always add up to the
 * whole, each is within a penny of its exact share, and the same inputs
 * give the same split).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "money.h"

static int64_t P(const char *s) {
  int64_t p;
  if (pcn_pence_parse(s, &p)) fail_msg("'%s' did not parse", s);
  return p;
}

static void test_parse(void **state) {
  (void)state;
  assert_int_equal(P("1234.56"), 123456);
  assert_int_equal(P("1,234.56"), 123456);
  assert_int_equal(P("\xc2\xa3"
                     "1,234.56"),
                   123456);
  assert_int_equal(P("-12.5"), -1250);
  assert_int_equal(P("-\xc2\xa3"
                     "12.05"),
                   -1205);
  assert_int_equal(P("12"), 1200);
  assert_int_equal(P("0.01"), 1);
  assert_int_equal(P("1,000,000"), 100000000);
  const char *bad[] = {"",         "abc",
                       "1.234",    "12.",
                       "1,23.00",  ",123",
                       "1234,567", "1,2345",
                       "--1",      "1e5",
                       "12.3x",    "\xc2\xa3",
                       "1 000",    "100000000000.01"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int64_t p;
    if (pcn_pence_parse(bad[i], &p) == 0)
      fail_msg("'%s' parsed as %lld", bad[i], (long long)p);
  }
}

static void test_format(void **state) {
  (void)state;
  char b[PCN_PENCE_BUF];
  assert_string_equal(pcn_pence_format(123456, 0, b), "1,234.56");
  assert_string_equal(pcn_pence_format(123456, 1, b), "\xc2\xa3"
                                                      "1,234.56");
  assert_string_equal(pcn_pence_format(-5, 1, b), "-\xc2\xa3"
                                                  "0.05");
  assert_string_equal(pcn_pence_format(0, 0, b), "0.00");
  assert_string_equal(pcn_pence_format(100000000, 0, b), "1,000,000.00");
  assert_string_equal(pcn_pence_format(PCN_PENCE_MAX, 0, b),
                      "100,000,000,000.00");
  /* Round trip. */
  int64_t p;
  assert_int_equal(pcn_pence_parse(pcn_pence_format(-98765432, 1, b), &p), 0);
  assert_int_equal(p, -98765432);
}

static void test_split_examples(void **state) {
  (void)state;
  int64_t parts[4];
  /* £100 by list sizes 12,000 / 8,000 / 5,000: 48 / 32 / 20. */
  int64_t lists[] = {12000, 8000, 5000};
  assert_int_equal(pcn_split(10000, lists, 3, parts), 0);
  assert_int_equal(parts[0], 4800);
  assert_int_equal(parts[1], 3200);
  assert_int_equal(parts[2], 2000);
  /* 100p three ways equally: 34 / 33 / 33, the first part breaking the
   * tie. */
  int64_t eq[] = {1, 1, 1};
  assert_int_equal(pcn_split(100, eq, 3, parts), 0);
  assert_int_equal(parts[0], 34);
  assert_int_equal(parts[1], 33);
  assert_int_equal(parts[2], 33);
  /* 2p over three: the first two. */
  assert_int_equal(pcn_split(2, eq, 3, parts), 0);
  assert_int_equal(parts[0] + parts[1] + parts[2], 2);
  assert_int_equal(parts[2], 0);
  /* The largest remainder wins, not the first: 10p by 1:2:7 = 1, 2, 7;
   * 11p by 1:1:1:1 -> 3, 3, 3, 2. */
  int64_t w4[] = {1, 1, 1, 1};
  assert_int_equal(pcn_split(11, w4, 4, parts), 0);
  assert_int_equal(parts[3], 2);
  int64_t w[] = {1, 2, 7};
  assert_int_equal(pcn_split(1000, w, 3, parts), 0);
  assert_int_equal(parts[0], 100);
  assert_int_equal(parts[2], 700);
  /* A zero weight gets nothing, even of the leftovers. */
  int64_t z[] = {0, 1, 1};
  assert_int_equal(pcn_split(101, z, 3, parts), 0);
  assert_int_equal(parts[0], 0);
  assert_int_equal(parts[1] + parts[2], 101);
  /* Refusals. */
  int64_t zero[] = {0, 0};
  assert_int_equal(pcn_split(100, zero, 2, parts), -1);
  int64_t neg[] = {1, -1};
  assert_int_equal(pcn_split(100, neg, 2, parts), -1);
  assert_int_equal(pcn_split(-1, eq, 3, parts), -1);
  assert_int_equal(pcn_split(100, eq, 0, parts), -1);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

/* 20,000 random splits: sum exact, each part within a penny of its exact
 * share (checked in exact integer arithmetic: |part * W - total * w| < W),
 * and deterministic. */
static void test_split_property(void **state) {
  (void)state;
  int64_t w[16], parts[16], again[16];
  for (int round = 0; round < 20000; round++) {
    size_t n = 1 + next() % 16;
    int64_t total = (int64_t)(next() % (round % 10 ? 100000000ull
                                                   : (uint64_t)PCN_PENCE_MAX));
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
      w[i] = (int64_t)(next() % (round % 3 ? 40000 : 3)); /* list sizes */
      sum += w[i];
    }
    if (sum == 0) w[0] = sum = 1;
    assert_int_equal(pcn_split(total, w, n, parts), 0);
    assert_int_equal(pcn_split(total, w, n, again), 0);
    int64_t got = 0;
    for (size_t i = 0; i < n; i++) {
      assert_int_equal(parts[i], again[i]);
      assert_true(parts[i] >= 0);
      got += parts[i];
      /* part - total*w/sum lies in (-1, 1): compare with long double on
       * the exact quotient, whose error is far below a penny here. */
      long double exact = (long double)total * w[i] / sum;
      assert_true((long double)parts[i] - exact > -1.0L);
      assert_true((long double)parts[i] - exact < 1.0L);
      if (w[i] == 0) assert_int_equal(parts[i], 0);
    }
    assert_int_equal(got, total);
  }
}

static void test_rates(void **state) {
  (void)state;
  int64_t cp;
  char buf[PCN_RATE_BUF];
  assert_int_equal(pcn_rate_parse("1.5023", &cp), 0);
  assert_int_equal(cp, 15023);
  assert_int_equal(pcn_rate_parse("£68,000", &cp), 0);
  assert_int_equal(cp, 680000000);
  assert_int_equal(pcn_rate_parse("120.5", &cp), 0);
  assert_int_equal(cp, 1205000);
  assert_int_equal(pcn_rate_parse("0", &cp), 0);
  assert_int_equal(cp, 0);
  const char *bad[] = {"",   "1.",    ".5",   "1.50231", "-1",
                       "+1", "1.2.3", "1,00", "abc",     "1.5e3"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(pcn_rate_parse(bad[i], &cp), -1);
  assert_string_equal(pcn_rate_format(15023, buf), "£1.5023");
  assert_string_equal(pcn_rate_format(15020, buf), "£1.502");
  assert_string_equal(pcn_rate_format(15000, buf), "£1.50");
  assert_string_equal(pcn_rate_format(680000000, buf), "£68,000.00");
  assert_string_equal(pcn_rate_format(1205000, buf), "£120.50");
  assert_string_equal(pcn_rate_format(7, buf), "£0.0007");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rates),
      cmocka_unit_test(test_parse),
      cmocka_unit_test(test_format),
      cmocka_unit_test(test_split_examples),
      cmocka_unit_test(test_split_property),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
