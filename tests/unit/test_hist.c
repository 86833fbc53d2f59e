/* test_hist.c - pcn-bench's own logic: the histogram's buckets and
 * percentiles, the open-loop schedule, and the JSON report's shape.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bench.h"
#include "hist.h"

/* Every value lands in a bucket whose top is at or above it and within
 * 1/64 of it; bucket indexes rise with the value. */
static void test_buckets_bound_the_value(void **state) {
  (void)state;
  unsigned last = 0;
  for (uint64_t v = 0; v < 1u << 20; v += 1 + v / 97) {
    unsigned i = hist_index(v);
    assert_true(i < HIST_BUCKETS);
    assert_true(i >= last);
    last = i;
    uint64_t top = hist_bucket_top(i);
    assert_true(top >= v);
    assert_true((double)(top - v) <= (double)v / 64.0 + 1.0);
  }
  assert_int_equal(hist_index(127), 127); /* small values are exact */
  assert_int_equal(hist_bucket_top(hist_index(100)), 100);
  assert_true(hist_index(UINT64_MAX) < HIST_BUCKETS);
  assert_true(hist_bucket_top(hist_index(UINT64_MAX)) == UINT64_MAX);
}

static void test_percentiles_of_uniform(void **state) {
  (void)state;
  static hist h;
  hist_init(&h);
  for (uint64_t v = 1; v <= 100000; v++)
    hist_record(&h, v * 1000);
  assert_int_equal(h.count, 100000);
  assert_int_equal(h.min, 1000);
  assert_int_equal(h.max, 100000000);
  double want[] = {0.5, 0.9, 0.99, 0.999};
  for (int i = 0; i < 4; i++) {
    double got = (double)hist_quantile(&h, want[i]);
    double exact = want[i] * 100000 * 1000;
    assert_true(got >= exact);
    assert_true(got <= exact * (1 + 1.0 / 64) + 1);
  }
  assert_int_equal(hist_quantile(&h, 1.0), h.max);
  assert_int_equal(hist_quantile(&h, 0), h.min);
  assert_true(hist_mean(&h) > 50000000.0 && hist_mean(&h) < 50001000.0);
}

/* A long tail is not averaged away: one slow request in a thousand is
 * the p99.9 and the max. */
static void test_tail_is_kept(void **state) {
  (void)state;
  static hist h;
  hist_init(&h);
  for (int i = 0; i < 999; i++)
    hist_record(&h, 100000);
  hist_record(&h, 50000000);
  assert_true(hist_quantile(&h, 0.99) <= 101600);
  uint64_t p999 = hist_quantile(&h, 0.999); /* the 999th: still fast */
  assert_true(p999 >= 100000 && p999 <= 101600);
  assert_int_equal(hist_quantile(&h, 0.9995), 50000000);
  assert_int_equal(h.max, 50000000);
}

static void test_merge_and_empty(void **state) {
  (void)state;
  static hist a, b;
  hist_init(&a);
  hist_init(&b);
  assert_int_equal(hist_quantile(&a, 0.5), 0);
  hist_record(&a, 10);
  hist_record(&b, 20);
  hist_record(&b, 30);
  hist_merge(&a, &b);
  assert_int_equal(a.count, 3);
  assert_int_equal(a.min, 10);
  assert_int_equal(a.max, 30);
  assert_int_equal(hist_quantile(&a, 0.5), 20);
}

/* Open loop: request i is due at i/rate whatever happened before, so the
 * schedule does not drift and a stall leaves the later due times alone. */
static void test_open_loop_schedule(void **state) {
  (void)state;
  assert_int_equal(sched_due_at(0, 1000), 0);
  assert_int_equal(sched_due_at(1, 1000), 1000000);
  assert_int_equal(sched_due_at(1000, 1000), 1000000000);
  assert_int_equal(sched_due_at(3, 3), 1000000000);
  uint64_t prev = 0;
  for (uint64_t i = 1; i < 100000; i++) {
    uint64_t t = sched_due_at(i, 7919.0);
    assert_true(t > prev);
    prev = t;
  }
  /* Due times are rounded up to the dispatch tick, never down. */
  assert_int_equal(sched_tick_base(0, 1000000), 0);
  assert_int_equal(sched_tick_base(1, 1000000), 1000000);
  assert_int_equal(sched_tick_base(1000000, 1000000), 1000000);
  assert_int_equal(sched_tick_base(1000001, 1000000), 2000000);
  for (uint64_t i = 0; i < 10000; i++) {
    uint64_t due = sched_due_at(i, 3333.0),
             base = sched_tick_base(due, 1000000);
    assert_true(base >= due && base - due < 1000000);
  }
  /* After a million requests at 50,000/s: exactly 20 s in. */
  assert_int_equal(sched_due_at(1000000, 50000), 20000000000ull);
}

static void test_result_json(void **state) {
  (void)state;
  static bench_result r;
  result_init(&r);
  r.workload = "read";
  r.connections = 50;
  r.pipeline = 16;
  r.elapsed_s = 2.0;
  for (int i = 0; i < 1000; i++)
    result_record(&r, OP_GET, 50000);
  r.errors = 2;
  r.errors_by_code[PCN__STATUS_CODE__CONFLICT] = 2;
  json_t *j = result_json(&r);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(j, "workload")),
                      "read");
  assert_int_equal(json_integer_value(json_object_get(j, "requests")), 1000);
  assert_true(json_real_value(json_object_get(j, "throughput")) == 500.0);
  json_t *lat = json_object_get(j, "latency_us");
  double p50 = json_real_value(json_object_get(lat, "p50"));
  assert_true(p50 >= 50.0 && p50 <= 50.0 * (1 + 1.0 / 64));
  assert_non_null(json_object_get(lat, "p999"));
  assert_int_equal(json_integer_value(json_object_get(
                       json_object_get(j, "errors_by_status"), "CONFLICT")),
                   2);
  assert_non_null(json_object_get(json_object_get(j, "ops"), "get"));
  assert_null(json_object_get(json_object_get(j, "ops"), "create"));
  assert_null(json_object_get(j, "fanout")); /* only when it ran */
  char *s = json_dumps(j, 0);
  json_t *back = json_loads(s, 0, NULL);
  assert_non_null(back); /* valid JSON */
  json_decref(back);
  free(s);
  json_decref(j);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_buckets_bound_the_value),
      cmocka_unit_test(test_percentiles_of_uniform),
      cmocka_unit_test(test_tail_is_kept),
      cmocka_unit_test(test_merge_and_empty),
      cmocka_unit_test(test_open_loop_schedule),
      cmocka_unit_test(test_result_json),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
