/* test_buf.c - the growable byte buffer (common/buf.c).
 *
 * Checks the invariants buf.h promises (len <= cap; data NULL only while
 * cap is 0), that growth keeps the bytes, that a failed reserve leaves the
 * buffer as it was, and consume at its edges.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"

static void check_invariants(const pcn_buf *b) {
  assert_true(b->len <= b->cap);
  assert_true((b->data == NULL) == (b->cap == 0));
}

static void test_init_is_empty(void **state) {
  (void)state;
  pcn_buf b;
  pcn_buf_init(&b);
  assert_null(b.data);
  assert_int_equal(b.len, 0);
  assert_int_equal(b.cap, 0);
  pcn_buf_free(&b); /* freeing an empty buffer is fine */
  check_invariants(&b);
}

static void test_append_keeps_bytes_across_growth(void **state) {
  (void)state;
  pcn_buf b;
  pcn_buf_init(&b);
  for (int i = 0; i < 10000; i++) {
    uint8_t c = (uint8_t)(i * 7);
    assert_int_equal(pcn_buf_append(&b, &c, 1), 0);
    check_invariants(&b);
  }
  assert_int_equal(b.len, 10000);
  for (int i = 0; i < 10000; i++)
    assert_int_equal(b.data[i], (uint8_t)(i * 7));
  pcn_buf_free(&b);
  check_invariants(&b);
  assert_int_equal(b.len, 0);
}

static void test_append_nothing(void **state) {
  (void)state;
  pcn_buf b;
  pcn_buf_init(&b);
  assert_int_equal(pcn_buf_append(&b, NULL, 0), 0);
  assert_null(b.data);
  check_invariants(&b);
}

static void test_reserve(void **state) {
  (void)state;
  pcn_buf b;
  pcn_buf_init(&b);
  assert_int_equal(pcn_buf_append(&b, "abc", 3), 0);
  assert_int_equal(pcn_buf_reserve(&b, 5000), 0);
  assert_true(b.cap - b.len >= 5000);
  assert_int_equal(b.len, 3);
  assert_memory_equal(b.data, "abc", 3);
  size_t cap = b.cap;
  assert_int_equal(pcn_buf_reserve(&b, 10), 0);
  assert_int_equal(b.cap, cap); /* already room: no realloc */
  assert_int_equal(pcn_buf_reserve(&b, b.cap - b.len), 0);
  assert_int_equal(b.cap, cap); /* exactly enough room is room */
  pcn_buf_free(&b);
}

static void test_reserve_overflow_fails_cleanly(void **state) {
  (void)state;
  pcn_buf b;
  pcn_buf_init(&b);
  assert_int_equal(pcn_buf_append(&b, "abc", 3), 0);
  uint8_t *data = b.data;
  size_t cap = b.cap;
  assert_int_equal(pcn_buf_reserve(&b, SIZE_MAX), -1);
  assert_int_equal(pcn_buf_reserve(&b, SIZE_MAX - 2), -1);
  assert_int_equal(pcn_buf_append(&b, "x", SIZE_MAX - 1), -1);
  assert_ptr_equal(b.data, data);
  assert_int_equal(b.cap, cap);
  assert_int_equal(b.len, 3);
  assert_memory_equal(b.data, "abc", 3);
  pcn_buf_free(&b);
}

static void test_consume(void **state) {
  (void)state;
  pcn_buf b;
  pcn_buf_init(&b);
  assert_int_equal(pcn_buf_append(&b, "hello world", 11), 0);
  pcn_buf_consume(&b, 0);
  assert_int_equal(b.len, 11);
  pcn_buf_consume(&b, 6);
  assert_int_equal(b.len, 5);
  assert_memory_equal(b.data, "world", 5);
  pcn_buf_consume(&b, 5);
  assert_int_equal(b.len, 0);
  assert_int_equal(pcn_buf_append(&b, "ab", 2), 0);
  pcn_buf_consume(&b, 99); /* more than len: treated as all */
  assert_int_equal(b.len, 0);
  check_invariants(&b);
  pcn_buf_free(&b);
}

static void test_reset_keeps_memory(void **state) {
  (void)state;
  pcn_buf b;
  pcn_buf_init(&b);
  assert_int_equal(pcn_buf_append(&b, "abcdef", 6), 0);
  size_t cap = b.cap;
  pcn_buf_reset(&b);
  assert_int_equal(b.len, 0);
  assert_int_equal(b.cap, cap);
  assert_non_null(b.data);
  assert_int_equal(pcn_buf_append(&b, "xy", 2), 0);
  assert_memory_equal(b.data, "xy", 2);
  pcn_buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_init_is_empty),
      cmocka_unit_test(test_append_keeps_bytes_across_growth),
      cmocka_unit_test(test_append_nothing),
      cmocka_unit_test(test_reserve),
      cmocka_unit_test(test_reserve_overflow_fails_cleanly),
      cmocka_unit_test(test_consume),
      cmocka_unit_test(test_reset_keeps_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
