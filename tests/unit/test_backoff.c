/* test_backoff.c - the login backoff table (server/backoff.c).
 *
 * Driven by its own clock (milliseconds passed in), so waits of an hour
 * take no time. Checks the waits (5 free tries, then 1 s doubling to
 * 15 min), that a full table refuses a newcomer rather than forget anyone
 * live (the eviction bug: one failed login for a colliding name wiped a
 * victim's lockout), that entries are forgotten only when idle for
 * BACKOFF_FORGET_MS and never while busy, that a key is never in two
 * slots, how full random keys can make the table before a refusal, the
 * address and username+address keys, and the admission rule: a guesser's
 * username+address and address wait, the same username from an address
 * that has not failed does not, until the username's ceiling, which holds
 * back only addresses that have failed for it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "backoff.h"

#define T0 1000000ull /* an arbitrary monotonic start */

static backoff_entry *claim(backoff_table *t, const char *key, uint64_t now) {
  uint64_t retry;
  return backoff_claim(t, key, now, &retry);
}

static void test_waits(void **state) {
  (void)state;
  backoff_table *t = backoff_new(64);
  assert_non_null(t);
  backoff_entry *e = claim(t, "u:alice", T0);
  assert_non_null(e);
  for (int i = 0; i < 4; i++) {
    backoff_count(e, 5, T0);
    assert_int_equal(backoff_wait(e, T0), 0);
  }
  backoff_count(e, 5, T0); /* the fifth */
  assert_int_equal(backoff_wait(e, T0), 1000);
  assert_int_equal(backoff_wait(e, T0 + 1000), 0);
  backoff_count(e, 5, T0 + 1000);
  assert_int_equal(backoff_wait(e, T0 + 1000), 2000);
  for (int i = 0; i < 30; i++)
    backoff_count(e, 5, T0 + 5000);
  assert_int_equal(backoff_wait(e, T0 + 5000), BACKOFF_MAX_MS);
  assert_ptr_equal(backoff_find(t, "u:alice", T0 + 5000), e);
  assert_null(backoff_find(t, "u:bob", T0));
  backoff_clear(e);
  assert_int_equal(backoff_wait(e, T0 + 5000), 0);
  assert_int_equal(e->failures, 0);
  backoff_free(t);
}

/* A wait runs from when the client hears; restamping never shortens. */
static void test_restamp(void **state) {
  (void)state;
  backoff_table *t = backoff_new(8);
  backoff_entry *e = claim(t, "a:10.0.0.1", T0);
  for (int i = 0; i < 20; i++)
    backoff_count(e, 20, T0);
  assert_int_equal(backoff_wait(e, T0), 1000);
  backoff_restamp(e, 20, T0 + 700); /* the check took 0.7 s */
  assert_int_equal(backoff_wait(e, T0 + 700), 1000);
  backoff_count(e, 20, T0 + 2000); /* 2 s from T0 + 2000 */
  backoff_restamp(e, 20, T0 + 2100);
  assert_int_equal(e->until_ms, T0 + 4100);
  e->until_ms = T0 + 99999;
  backoff_restamp(e, 20, T0 + 2200);
  assert_int_equal(e->until_ms, T0 + 99999);
  /* Within the free tries nothing waits. */
  backoff_entry *f = claim(t, "a:10.0.0.2", T0);
  backoff_count(f, 20, T0);
  backoff_restamp(f, 20, T0 + 10);
  assert_int_equal(backoff_wait(f, T0 + 10), 0);
  backoff_free(t);
}

/* A right password takes its attempt back, and the wait it set, unless a
 * later attempt has set another. */
static void test_uncount(void **state) {
  (void)state;
  backoff_table *t = backoff_new(8);
  backoff_entry *e = claim(t, "a:10.0.0.1", T0);
  for (int i = 0; i < 19; i++)
    backoff_count(e, 20, T0);
  uint64_t prev = backoff_count(e, 20, T0 + 1);
  uint64_t set = e->until_ms;
  assert_int_equal(backoff_wait(e, T0 + 1), 1000);
  backoff_uncount(e, prev, set);
  assert_int_equal(e->failures, 19);
  assert_int_equal(backoff_wait(e, T0 + 1), 0);
  prev = backoff_count(e, 20, T0 + 2);
  set = e->until_ms;
  backoff_count(e, 20, T0 + 3); /* another attempt, a longer wait */
  backoff_uncount(e, prev, set);
  assert_int_equal(e->failures, 20);
  assert_int_equal(backoff_wait(e, T0 + 3), 2000);
  backoff_free(t);
}

/* The bug this table fixes: a newcomer never takes a live entry's slot. */
static void test_full_table_refuses_newcomers(void **state) {
  (void)state;
  backoff_table *t = backoff_new(8);
  assert_int_equal(backoff_slots(t), 8);
  backoff_entry *v = claim(t, "u:victim", T0);
  for (int i = 0; i < 9; i++)
    backoff_count(v, 5, T0);
  uint64_t until = v->until_ms;
  char key[BACKOFF_KEY_MAX];
  for (int i = 0; i < 7; i++) {
    snprintf(key, sizeof key, "u:filler%d", i);
    backoff_entry *e = claim(t, key, T0 + 10);
    assert_non_null(e);
    backoff_count(e, 5, T0 + 10);
  }
  for (int i = 0; i < 10000; i++) {
    uint64_t retry = 0;
    snprintf(key, sizeof key, "u:newcomer%d", i);
    assert_null(backoff_claim(t, key, T0 + 20, &retry));
    /* The soonest a slot frees: the victim, an hour after its last try. */
    assert_int_equal(retry, T0 + BACKOFF_FORGET_MS - (T0 + 20));
  }
  backoff_entry *again = backoff_find(t, "u:victim", T0 + 20);
  assert_ptr_equal(again, v);
  assert_int_equal(again->failures, 9);
  assert_int_equal(again->until_ms, until);
  /* Keys already in the table are still served. */
  assert_ptr_equal(claim(t, "u:victim", T0 + 20), v);
  assert_non_null(claim(t, "u:filler3", T0 + 20));
  backoff_free(t);
}

/* Idle for BACKOFF_FORGET_MS and past its wait, an entry is forgotten: its
 * slot serves a newcomer, and its own key starts afresh. */
static void test_forgotten_entries_are_reused(void **state) {
  (void)state;
  backoff_table *t = backoff_new(8);
  char key[BACKOFF_KEY_MAX];
  backoff_entry *slot[8];
  for (int i = 0; i < 8; i++) {
    snprintf(key, sizeof key, "u:old%d", i);
    slot[i] = claim(t, key, T0);
    assert_non_null(slot[i]);
    backoff_count(slot[i], 5, T0);
  }
  uint64_t later = T0 + BACKOFF_FORGET_MS;
  assert_null(claim(t, "u:new", later - 1));
  assert_non_null(backoff_find(t, "u:old7", later - 1));
  assert_null(backoff_find(t, "u:old7", later));
  /* Its own key, forgotten, starts afresh in the same slot. */
  backoff_entry *e = claim(t, "u:old7", later);
  assert_ptr_equal(e, slot[7]);
  assert_int_equal(e->failures, 0);
  /* A newcomer is served, and never into the slot of a key it is not. */
  backoff_count(e, 5, later);
  backoff_entry *n = claim(t, "u:new", later);
  assert_non_null(n);
  assert_ptr_not_equal(n, e);
  assert_string_equal(n->key, "u:new");
  assert_string_equal(e->key, "u:old7");
  backoff_free(t);
}

/* An entry a check holds is never reused, however old. */
static void test_busy_is_never_reused(void **state) {
  (void)state;
  backoff_table *t = backoff_new(8);
  char key[BACKOFF_KEY_MAX];
  for (int i = 0; i < 8; i++) {
    snprintf(key, sizeof key, "u:busy%d", i);
    backoff_entry *e = claim(t, key, T0);
    e->busy = 1;
  }
  uint64_t retry = 0;
  assert_null(backoff_claim(t, "u:new", T0 + 100 * BACKOFF_FORGET_MS, &retry));
  assert_int_equal(retry, 1000);
  /* A claimed entry with no failure and not busy is free again at once. */
  backoff_table *u = backoff_new(8);
  for (int i = 0; i < 8; i++) {
    snprintf(key, sizeof key, "u:idle%d", i);
    assert_non_null(claim(u, key, T0));
  }
  assert_non_null(claim(u, "u:new", T0));
  backoff_free(u);
  backoff_free(t);
}

/* A key found in its bucket is returned, even when a reusable slot comes
 * before it: a key never sits in two slots. */
static void test_one_slot_per_key(void **state) {
  (void)state;
  backoff_table *t = backoff_new(8);
  char key[BACKOFF_KEY_MAX];
  backoff_entry *slot[8];
  for (int i = 0; i < 8; i++) {
    snprintf(key, sizeof key, "u:k%d", i);
    slot[i] = claim(t, key, T0);
    backoff_count(slot[i], 5, T0);
  }
  /* Everyone but k7 goes idle for an hour: their slots are reusable. */
  uint64_t later = T0 + BACKOFF_FORGET_MS + 1;
  backoff_count(slot[7], 5, later - 10);
  for (int round = 0; round < 3; round++) {
    backoff_entry *e = claim(t, "u:k7", later);
    assert_ptr_equal(e, slot[7]);
    assert_int_equal(e->failures, 2);
  }
  int seen = 0;
  for (int i = 0; i < 8; i++)
    seen += strcmp(slot[i]->key, "u:k7") == 0;
  assert_int_equal(seen, 1);
  backoff_free(t);
}

/* How full the default table gets with random keys before the first
 * refusal: reported, and at least three quarters (two-choice buckets
 * measure about 88%; a single linear-probing window about 50%). */
static void test_capacity(void **state) {
  (void)state;
  backoff_table *t = backoff_new(BACKOFF_SLOTS_DEFAULT);
  assert_int_equal(backoff_slots(t), BACKOFF_SLOTS_DEFAULT);
  char key[BACKOFF_KEY_MAX];
  uint32_t n = 0;
  for (; n < BACKOFF_SLOTS_DEFAULT; n++) {
    snprintf(key, sizeof key, "u:user%u", n);
    backoff_entry *e = claim(t, key, T0);
    if (!e) break;
    backoff_count(e, 5, T0);
  }
  printf("first refusal with %u of %u slots live (%.1f%%)\n", n,
         BACKOFF_SLOTS_DEFAULT, 100.0 * n / BACKOFF_SLOTS_DEFAULT);
  assert_true(n >= BACKOFF_SLOTS_DEFAULT / 4 * 3);
  assert_true(n < BACKOFF_SLOTS_DEFAULT); /* and then it refuses */
  backoff_free(t);
}

static void test_sizes_round_up(void **state) {
  (void)state;
  uint32_t ask[] = {0, 1, 8, 9, 100, 65536, 65537};
  uint32_t want[] = {8, 8, 8, 16, 128, 65536, 131072};
  for (size_t i = 0; i < sizeof ask / sizeof ask[0]; i++) {
    backoff_table *t = backoff_new(ask[i]);
    assert_non_null(t);
    assert_int_equal(backoff_slots(t), want[i]);
    backoff_free(t);
  }
  /* An over-long key is refused, not truncated into someone else's. */
  backoff_table *t = backoff_new(8);
  char key[BACKOFF_KEY_MAX + 8];
  memset(key, 'x', sizeof key - 1);
  key[sizeof key - 1] = 0;
  assert_null(claim(t, key, T0));
  backoff_free(t);
}

static void test_addr_key(void **state) {
  (void)state;
  char k[BACKOFF_KEY_MAX], k2[BACKOFF_KEY_MAX];
  backoff_addr_key("127.0.0.1", k);
  assert_string_equal(k, "a:127.0.0.1");
  backoff_addr_key("::ffff:10.1.2.3", k);
  assert_string_equal(k, "a:10.1.2.3");
  backoff_addr_key("2001:db8:1:2:3:4:5:6", k);
  assert_string_equal(k, "a:2001:db8:1:2::/64");
  backoff_addr_key("2001:db8:1:2:ffff:ffff:ffff:ffff", k2);
  assert_string_equal(k, k2);
  backoff_addr_key("2001:db8:1:3::1", k2);
  assert_string_not_equal(k, k2);
  backoff_addr_key("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", k);
  assert_string_equal(k, "a:ffff:ffff:ffff:ffff::/64");
  backoff_addr_key("fuzz", k);
  assert_string_equal(k, "a:fuzz");
}

static void test_pair_key(void **state) {
  (void)state;
  char a[BACKOFF_KEY_MAX], b[BACKOFF_KEY_MAX], ak[BACKOFF_KEY_MAX];
  backoff_addr_key("2001:db8:1:2:3:4:5:6", ak);
  /* The longest username and address still fit, as "p:" + 32 hex. */
  backoff_pair_key("0123456789abcdef0123456789abcdef", ak, a);
  assert_int_equal(strlen(a), 34);
  assert_memory_equal(a, "p:", 2);
  backoff_pair_key("0123456789abcdef0123456789abcdef", ak, b);
  assert_string_equal(a, b);
  backoff_pair_key("alice", "a:10.0.0.1", a);
  backoff_pair_key("alice", "a:10.0.0.2", b);
  assert_string_not_equal(a, b);
  backoff_pair_key("bob", "a:10.0.0.1", b);
  assert_string_not_equal(a, b);
  /* Where one ends and the other starts matters. */
  backoff_pair_key("ab", "c", a);
  backoff_pair_key("a", "bc", b);
  assert_string_not_equal(a, b);
}

/* Counts n failed attempts for the login (user, pair, addr) at now, as
 * auth.c's pw_admit does once it is admitted. */
static void fail_login(backoff_entry *u, backoff_entry *p, backoff_entry *a,
                       int n, uint64_t now) {
  for (int i = 0; i < n; i++) {
    backoff_count(u, BACKOFF_FREE_USER, now);
    backoff_count(p, BACKOFF_FREE_PAIR, now);
    if (a) backoff_count(a, BACKOFF_FREE_ADDR, now);
  }
}

/* A claimed entry held busy (as pw_admit holds its entries while it
 * claims the others), so later claims cannot be given its slot. */
static backoff_entry *held(backoff_table *t, const char *key) {
  backoff_entry *e = claim(t, key, T0);
  assert_non_null(e);
  e->busy++;
  return e;
}

static void test_admit_wait(void **state) {
  (void)state;
  backoff_table *t = backoff_new(1024);
  char pk[BACKOFF_KEY_MAX];
  backoff_entry *u = held(t, "u:alice");
  backoff_pair_key("alice", "a:10.0.0.66", pk);
  backoff_entry *gp = held(t, pk);
  backoff_entry *ga = held(t, "a:10.0.0.66");
  backoff_pair_key("alice", "a:10.0.0.1", pk);
  backoff_entry *op = held(t, pk);
  backoff_entry *oa = held(t, "a:10.0.0.1");
  assert_true(gp != op && ga != oa && gp != ga && op != oa);
  /* The guesser's five: its pair waits, the owner's PC does not. */
  fail_login(u, gp, ga, BACKOFF_FREE_PAIR, T0);
  assert_int_equal(backoff_admit_wait(u, gp, ga, T0), 1000);
  assert_int_equal(backoff_admit_wait(u, op, oa, T0), 0);
  /* Its address, over twenty usernames, waits for every username. */
  backoff_entry *other = held(t, "p:other");
  backoff_entry *fresh = held(t, "p:fresh");
  fail_login(u, other, ga, BACKOFF_FREE_ADDR - BACKOFF_FREE_PAIR - 1, T0);
  assert_int_equal(backoff_admit_wait(u, fresh, ga, T0), 0);
  fail_login(u, other, ga, 1, T0);
  assert_int_equal(backoff_admit_wait(u, fresh, ga, T0), 1000);
  assert_int_equal(backoff_admit_wait(u, fresh, oa, T0), 0);
  /* Many addresses, one username, past the ceiling: every address that
   * has failed for it waits, the owner's PC still does not. */
  fail_login(u, other, NULL, BACKOFF_FREE_USER, T0);
  assert_true(backoff_wait(u, T0) > 0);
  assert_true(backoff_admit_wait(u, other, NULL, T0) >= backoff_wait(u, T0));
  assert_int_equal(backoff_admit_wait(u, op, oa, T0), 0);
  /* The owner's own typo puts their PC under the ceiling too. */
  fail_login(u, op, oa, 1, T0);
  assert_int_equal(backoff_admit_wait(u, op, oa, T0), backoff_wait(u, T0));
  /* A password change has no address entry: the pair and the ceiling. */
  assert_int_equal(backoff_admit_wait(u, op, NULL, T0), backoff_wait(u, T0));
  backoff_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_waits),
      cmocka_unit_test(test_restamp),
      cmocka_unit_test(test_uncount),
      cmocka_unit_test(test_full_table_refuses_newcomers),
      cmocka_unit_test(test_forgotten_entries_are_reused),
      cmocka_unit_test(test_busy_is_never_reused),
      cmocka_unit_test(test_one_slot_per_key),
      cmocka_unit_test(test_capacity),
      cmocka_unit_test(test_sizes_round_up),
      cmocka_unit_test(test_addr_key),
      cmocka_unit_test(test_pair_key),
      cmocka_unit_test(test_admit_wait),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
