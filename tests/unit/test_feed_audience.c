/* test_feed_audience.c - who sees an event (server/feed.h): everyone, one
 * practice, or the network's own people plus a list of practices; the
 * audience builder's bounds; and the list form reads apply (feed_reaches).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "feed.h"

static void test_everyone_and_one_practice(void **state) {
  (void)state;
  assert_true(feed_visible("", ""));
  assert_true(feed_visible("", "F84001"));
  assert_true(feed_visible("F84001", "F84001"));
  assert_false(feed_visible("F84001", "F84002"));
  /* A practice's own record is not the network's business. */
  assert_false(feed_visible("F84001", ""));
}

static void test_network_plus_practices(void **state) {
  (void)state;
  assert_true(feed_visible("+", ""));
  assert_false(feed_visible("+", "F84001"));
  assert_true(feed_visible("+F84001,F84002", ""));
  assert_true(feed_visible("+F84001,F84002", "F84001"));
  assert_true(feed_visible("+F84001,F84002", "F84002"));
  assert_false(feed_visible("+F84001,F84002", "F84003"));
  /* Whole codes only: no prefix or suffix matches. */
  assert_false(feed_visible("+F840011", "F84001"));
  assert_false(feed_visible("+F8400", "F84001"));
  assert_false(feed_visible("+F84001,", "F8400"));
  /* The unreadable marker reaches nobody. */
  assert_false(feed_visible("?", ""));
  assert_false(feed_visible("?", "F84001"));
}

static void test_builder(void **state) {
  (void)state;
  char out[FEED_AUD_MAX];
  char *two[] = {"F84001", "Y01234"};
  assert_int_equal(feed_audience(out, two, 2), 0);
  assert_string_equal(out, "+F84001,Y01234");
  assert_int_equal(feed_audience(out, two, 0), 0);
  assert_string_equal(out, "+");
  /* 40 codes of 6 do not fit in FEED_AUD_MAX; the builder says so. */
  char *many[40];
  for (int i = 0; i < 40; i++)
    many[i] = "A12345";
  assert_int_equal(feed_audience(out, many, 40), -1);
  assert_int_equal(feed_audience(out, many, 30), 0);
  assert_true(feed_visible(out, "A12345"));
}

/* The list form answers as feed_visible does on the audience built from
 * the same list. */
static void test_reaches_matches_visible(void **state) {
  (void)state;
  char *lists[][2] = {{"F84001", "F84002"}, {"Y01234", NULL}};
  size_t sizes[] = {2, 1};
  const char *who[] = {"", "F84001", "F84002", "Y01234", "F8400"};
  for (size_t l = 0; l < 2; l++) {
    char aud[FEED_AUD_MAX];
    assert_int_equal(feed_audience(aud, lists[l], sizes[l]), 0);
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++)
      assert_int_equal(feed_reaches(lists[l], sizes[l], who[i]),
                       feed_visible(aud, who[i]));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_everyone_and_one_practice),
      cmocka_unit_test(test_network_plus_practices),
      cmocka_unit_test(test_builder),
      cmocka_unit_test(test_reaches_matches_visible),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
