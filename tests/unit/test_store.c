/* test_store.c - the store's key encodings (server/store.h): big-endian so
 * that LMDB's byte order is numeric order, and the task index order
 * (scope, status, due date, id) with undated tasks last.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "store.h"

static void test_u32_u64_round_trip_and_order(void **state) {
  (void)state;
  uint32_t v32[] = {0, 1, 255, 256, 65535, 65536, 0x7fffffff, 0xffffffff};
  uint8_t prev[8], cur[8];
  for (size_t i = 0; i < sizeof v32 / sizeof v32[0]; i++) {
    key_u32(cur, v32[i]);
    assert_int_equal(key_get_u32(cur), v32[i]);
    if (i) assert_true(memcmp(prev, cur, 4) < 0);
    memcpy(prev, cur, 4);
  }
  uint64_t v64[] = {0, 1, 0xffffffffull, 0x100000000ull, 0xffffffffffffffffull};
  for (size_t i = 0; i < sizeof v64 / sizeof v64[0]; i++) {
    key_u64(cur, v64[i]);
    assert_int_equal(key_get_u64(cur), v64[i]);
    if (i) assert_true(memcmp(prev, cur, 8) < 0);
    memcpy(prev, cur, 8);
  }
  key_u32(cur, 0x01020304);
  assert_int_equal(cur[0], 1);
  assert_int_equal(cur[3], 4);
}

/* The listing order is the byte order of the keys. */
static void test_task_index_order(void **state) {
  (void)state;
  struct {
    uint32_t scope;
    uint8_t status;
    uint32_t due;
    uint64_t id;
  } in_order[] = {
      {0, 1, 20000, 9},         {0, 1, 20000, 10},  {0, 1, 20001, 1},
      {0, 1, TASK_DUE_NONE, 2}, {0, 2, 19000, 3},   {1, 1, 0, 1},
      {1, 1, 20000, 1},         {256, 1, 20000, 1},
  };
  uint8_t prev[TASK_INDEX_KEY], cur[TASK_INDEX_KEY];
  for (size_t i = 0; i < sizeof in_order / sizeof in_order[0]; i++) {
    key_task_index(cur, in_order[i].scope, in_order[i].status, in_order[i].due,
                   in_order[i].id);
    assert_int_equal(key_get_u32(cur), in_order[i].scope);
    assert_int_equal(cur[4], in_order[i].status);
    assert_int_equal(key_get_u32(cur + 5), in_order[i].due);
    assert_int_equal(key_get_u64(cur + 9), in_order[i].id);
    if (i) assert_true(memcmp(prev, cur, TASK_INDEX_KEY) < 0);
    memcpy(prev, cur, TASK_INDEX_KEY);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_u32_u64_round_trip_and_order),
      cmocka_unit_test(test_task_index_order),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
