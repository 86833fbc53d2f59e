/* test_arena.c - the budgeted bump allocator (common/arena.c).
 *
 * Alignment of every size, no overlap between allocations, the budget
 * counted exactly and enforced (NULL past it), sizes near SIZE_MAX refused
 * rather than wrapped, reset reusing the first block, and the protobuf-c
 * allocator wired to the arena.
 */
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"

#define ALIGN alignof(max_align_t)

static int aligned(const void *p, size_t to) {
  return (uintptr_t)p % to == 0;
}

static void test_alignment_and_no_overlap(void **state) {
  (void)state;
  pcn_arena a;
  pcn_arena_init(&a, 0);
  uint8_t *ptrs[300];
  for (size_t n = 0; n < 300; n++) {
    ptrs[n] = pcn_arena_alloc(&a, n);
    assert_non_null(ptrs[n]);
    assert_true(aligned(ptrs[n], 8));
    assert_true(aligned(ptrs[n], ALIGN));
    memset(ptrs[n], (int)(n & 0xff), n);
  }
  for (size_t n = 0; n < 300; n++) {
    for (size_t i = 0; i < n; i++)
      assert_int_equal(ptrs[n][i], n & 0xff);
  }
  /* Zero bytes still get distinct pointers. */
  void *z1 = pcn_arena_alloc(&a, 0);
  void *z2 = pcn_arena_alloc(&a, 0);
  assert_non_null(z1);
  assert_non_null(z2);
  assert_ptr_not_equal(z1, z2);
  pcn_arena_free(&a);
}

static void test_budget_enforced(void **state) {
  (void)state;
  pcn_arena a;
  pcn_arena_init(&a, 100);
  assert_non_null(pcn_arena_alloc(&a, 64));
  assert_int_equal(a.used, 64);
  assert_null(pcn_arena_alloc(&a, 64)); /* 128 > 100 */
  assert_int_equal(a.used, 64);         /* a refusal costs nothing */
  assert_non_null(pcn_arena_alloc(&a, 32));
  assert_int_equal(a.used, 96);
  assert_null(pcn_arena_alloc(&a, 5)); /* rounds to 8 or 16: past 100 */
  assert_null(pcn_arena_alloc(&a, 101));
  pcn_arena_free(&a);
}

static void test_budget_exact_fit(void **state) {
  (void)state;
  pcn_arena a;
  pcn_arena_init(&a, 64);
  assert_non_null(pcn_arena_alloc(&a, 64));
  assert_null(pcn_arena_alloc(&a, 1));
  assert_null(pcn_arena_alloc(&a, 0));
  pcn_arena_reset(&a);
  assert_int_equal(a.used, 0);
  assert_non_null(pcn_arena_alloc(&a, 64)); /* the budget is per reset */
  pcn_arena_free(&a);
}

static void test_budget_exhausted_by_many_small(void **state) {
  (void)state;
  pcn_arena a;
  pcn_arena_init(&a, 1u << 16);
  size_t got = 0;
  while (pcn_arena_alloc(&a, 8))
    got++;
  assert_int_equal(got * 8 <= (1u << 16), 1);
  assert_true(got >= (1u << 16) / 16); /* rounding to at most 16 */
  assert_true(a.used <= a.budget);
  pcn_arena_free(&a);
}

static void test_huge_sizes_refused(void **state) {
  (void)state;
  pcn_arena a;
  pcn_arena_init(&a, 0); /* no budget: only overflow checks stand */
  assert_null(pcn_arena_alloc(&a, SIZE_MAX));
  assert_null(pcn_arena_alloc(&a, SIZE_MAX - 1));
  assert_null(pcn_arena_alloc(&a, SIZE_MAX - ALIGN));
  assert_null(pcn_arena_alloc(&a, SIZE_MAX - 4096));
  assert_null(pcn_arena_alloc(&a, SIZE_MAX / 2 + 1));
  assert_int_equal(a.used, 0);
  assert_non_null(pcn_arena_alloc(&a, 16)); /* still usable */
  pcn_arena_free(&a);

  pcn_arena_init(&a, 1000);
  assert_null(pcn_arena_alloc(&a, SIZE_MAX - 3));
  assert_int_equal(a.used, 0);
  pcn_arena_free(&a);
}

static void test_large_then_small(void **state) {
  (void)state;
  pcn_arena a;
  pcn_arena_init(&a, 0);
  uint8_t *small1 = pcn_arena_alloc(&a, 16);
  uint8_t *big = pcn_arena_alloc(&a, 1u << 20);
  uint8_t *small2 = pcn_arena_alloc(&a, 16);
  assert_non_null(small1);
  assert_non_null(big);
  assert_non_null(small2);
  memset(big, 0xAB, 1u << 20);
  memset(small1, 1, 16);
  memset(small2, 2, 16);
  assert_int_equal(big[0], 0xAB);
  assert_int_equal(big[(1u << 20) - 1], 0xAB);
  /* The small ones share the first block: the big one did not strand it. */
  assert_ptr_equal(small2, small1 + 16);
  pcn_arena_free(&a);
}

static void test_reset_reuses_first_block(void **state) {
  (void)state;
  pcn_arena a;
  pcn_arena_init(&a, 0);
  void *first = pcn_arena_alloc(&a, 24);
  for (int i = 0; i < 1000; i++)
    assert_non_null(pcn_arena_alloc(&a, 100));
  assert_non_null(pcn_arena_alloc(&a, 200000));
  pcn_arena_reset(&a);
  assert_int_equal(a.used, 0);
  assert_non_null(a.head);
  assert_ptr_equal(pcn_arena_alloc(&a, 24), first);
  pcn_arena_free(&a);
  assert_null(a.head);
  assert_int_equal(a.used, 0);
  /* A freed arena can be used again. */
  assert_non_null(pcn_arena_alloc(&a, 8));
  pcn_arena_free(&a);
}

static void test_reset_gives_back_a_big_first_block(void **state) {
  (void)state;
  pcn_arena a;
  pcn_arena_init(&a, 0);
  assert_non_null(pcn_arena_alloc(&a, 1u << 20));
  pcn_arena_reset(&a);
  assert_null(a.head);
  pcn_arena_reset(&a); /* resetting an empty arena is fine */
  pcn_arena_free(&a);
}

static void test_strdup(void **state) {
  (void)state;
  pcn_arena a;
  pcn_arena_init(&a, 0);
  char *s = pcn_arena_strdup(&a, "F84001");
  assert_string_equal(s, "F84001");
  char *e = pcn_arena_strdup(&a, "");
  assert_string_equal(e, "");
  pcn_arena_free(&a);

  pcn_arena_init(&a, 8);
  assert_null(pcn_arena_strdup(&a, "more than eight bytes"));
  pcn_arena_free(&a);
}

static void test_protobuf_allocator(void **state) {
  (void)state;
  pcn_arena a;
  pcn_arena_init(&a, 64);
  assert_ptr_equal(a.pb.allocator_data, &a);
  assert_non_null(a.pb.alloc);
  assert_non_null(a.pb.free);
  void *p = a.pb.alloc(a.pb.allocator_data, 40);
  assert_non_null(p);
  assert_true(aligned(p, ALIGN));
  assert_int_equal(a.used >= 40, 1);
  a.pb.free(a.pb.allocator_data, p); /* a no-op: reclaimed at reset */
  assert_null(a.pb.alloc(a.pb.allocator_data, 40)); /* budget holds here too */
  pcn_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_alignment_and_no_overlap),
      cmocka_unit_test(test_budget_enforced),
      cmocka_unit_test(test_budget_exact_fit),
      cmocka_unit_test(test_budget_exhausted_by_many_small),
      cmocka_unit_test(test_huge_sizes_refused),
      cmocka_unit_test(test_large_then_small),
      cmocka_unit_test(test_reset_reuses_first_block),
      cmocka_unit_test(test_reset_gives_back_a_big_first_block),
      cmocka_unit_test(test_strdup),
      cmocka_unit_test(test_protobuf_allocator),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
