/* test_status.c - the status table (common/status.c).
 *
 * Walks the generated descriptor of pcn.StatusCode, so a code added to
 * proto/pcn.proto without a table entry fails here. Each entry's name must
 * match the .proto and its sentence must be a distinct, complete sentence;
 * anything outside the enum reads as UNKNOWN.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "status.h"

static const char *unknown_message(void) {
  return pcn_status_default_message(-1);
}

static void assert_sentence(const char *s) {
  assert_non_null(s);
  size_t n = strlen(s);
  assert_true(n >= 5);
  assert_true(s[0] >= 'A' && s[0] <= 'Z');
  assert_int_equal(s[n - 1], '.');
}

static void test_every_code_has_an_entry(void **state) {
  (void)state;
  const ProtobufCEnumDescriptor *d = &pcn__status_code__descriptor;
  assert_int_equal(d->n_values, 12);
  for (unsigned i = 0; i < d->n_values; i++) {
    int code = d->values[i].value;
    assert_string_equal(pcn_status_name(code), d->values[i].name);
    const char *msg = pcn_status_default_message(code);
    assert_sentence(msg);
    assert_string_not_equal(msg, unknown_message());
    for (unsigned j = 0; j < i; j++) {
      assert_string_not_equal(msg,
                              pcn_status_default_message(d->values[j].value));
    }
  }
}

static void test_named_codes(void **state) {
  (void)state;
  assert_string_equal(pcn_status_name(PCN__STATUS_CODE__OK), "OK");
  assert_string_equal(pcn_status_name(PCN__STATUS_CODE__CONFLICT), "CONFLICT");
  assert_int_equal(PCN__STATUS_CODE__CONFLICT, 10);
  assert_string_equal(pcn_status_name(PCN__STATUS_CODE__UNAUTHENTICATED),
                      "UNAUTHENTICATED");
  assert_string_equal(pcn_status_name(16), "UNAUTHENTICATED");
}

static void test_unknown_codes(void **state) {
  (void)state;
  static const int unknown[] = {-1, 1,  2,    4,       12,
                                15, 17, 1000, INT_MAX, INT_MIN};
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
    assert_string_equal(pcn_status_name(unknown[i]), "UNKNOWN");
    assert_sentence(pcn_status_default_message(unknown[i]));
    assert_string_equal(pcn_status_default_message(unknown[i]),
                        unknown_message());
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_code_has_an_entry),
      cmocka_unit_test(test_named_codes),
      cmocka_unit_test(test_unknown_codes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
