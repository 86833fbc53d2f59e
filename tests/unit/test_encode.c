/* test_encode.c - hex and unpadded base64url (common/encode.c).
 *
 * RFC 4648 test vectors, round trips over every length 0..64 and every byte
 * value, and the inputs a strict decoder must refuse: wrong lengths,
 * characters outside the alphabet (including standard base64's + and /,
 * padding and whitespace), and non-zero unused bits in the last character.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "encode.h"

static void test_hex_encode(void **state) {
  (void)state;
  static const uint8_t in[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
  char out[2 * sizeof in + 1];
  memset(out, 'z', sizeof out);
  pcn_hex_encode(in, sizeof in, out);
  assert_string_equal(out, "00017f80abff");
  char empty[1] = {'z'};
  pcn_hex_encode(NULL, 0, empty);
  assert_string_equal(empty, "");
}

static void test_hex_round_trip_all_bytes(void **state) {
  (void)state;
  uint8_t in[256], back[256];
  char text[513];
  for (int i = 0; i < 256; i++)
    in[i] = (uint8_t)i;
  pcn_hex_encode(in, 256, text);
  assert_int_equal(strlen(text), 512);
  assert_int_equal(pcn_hex_decode(text, back, 256), 0);
  assert_memory_equal(in, back, 256);
}

static void test_hex_decode(void **state) {
  (void)state;
  uint8_t out[4];
  assert_int_equal(pcn_hex_decode("00ABcdEf", out, 4), 0);
  assert_int_equal(out[0], 0x00);
  assert_int_equal(out[1], 0xab);
  assert_int_equal(out[2], 0xcd);
  assert_int_equal(out[3], 0xef);
  assert_int_equal(pcn_hex_decode("", out, 0), 0);
}

static void test_hex_decode_refuses(void **state) {
  (void)state;
  uint8_t out[8];
  static const char *bad[] = {
      "0001abf",    /* one digit short */
      "0001ab",     /* one byte short */
      "",           /* empty */
      "0001abff00", /* too long */
      "0001abfg",   /* not a digit */
      "0x01abff",   /* prefix */
      " 001abff",   /* space */
      "0001ab\xff\xff",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(pcn_hex_decode(bad[i], out, 4), -1);
  assert_int_equal(pcn_hex_decode("a", out, 0), -1);
}

static void test_b64url_vectors(void **state) {
  (void)state;
  static const char *plain[] = {"",     "f",     "fo",    "foo",
                                "foob", "fooba", "foobar"};
  static const char *coded[] = {"",       "Zg",      "Zm8",     "Zm9v",
                                "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
  for (size_t i = 0; i < 7; i++) {
    size_t n = strlen(plain[i]);
    char out[16];
    assert_int_equal(pcn_b64url_len(n), strlen(coded[i]));
    pcn_b64url_encode((const uint8_t *)plain[i], n, out);
    assert_string_equal(out, coded[i]);
    uint8_t back[16];
    assert_int_equal(pcn_b64url_decode(coded[i], back), (long)n);
    assert_memory_equal(back, plain[i], n);
  }
  /* The URL-safe alphabet: standard base64 gives "-_8" as "+/8=". */
  static const uint8_t fb[] = {0xfb, 0xff};
  char out[8];
  pcn_b64url_encode(fb, 2, out);
  assert_string_equal(out, "-_8");
}

static int in_alphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static void test_b64url_round_trip_lengths(void **state) {
  (void)state;
  for (size_t n = 0; n <= 64; n++) {
    for (unsigned seed = 0; seed < 8; seed++) {
      uint8_t in[64], back[64];
      for (size_t i = 0; i < n; i++)
        in[i] = (uint8_t)(seed * 97 + i * 131 + (i >> 2));
      if (seed == 0) memset(in, 0xff, n);
      if (seed == 1) memset(in, 0x00, n);
      char text[100];
      memset(text, '#', sizeof text);
      pcn_b64url_encode(in, n, text);
      size_t len = strlen(text);
      assert_int_equal(len, pcn_b64url_len(n));
      assert_true(len % 4 != 1);
      for (size_t i = 0; i < len; i++)
        assert_true(in_alphabet(text[i]));
      assert_int_equal(text[len + 1], '#'); /* wrote len + 1 bytes only */
      assert_int_equal(pcn_b64url_decode(text, back), (long)n);
      assert_memory_equal(in, back, n);
    }
  }
}

static void test_b64url_decode_refuses(void **state) {
  (void)state;
  static const char *bad[] = {
      "A",                            /* length mod 4 == 1 */
      "Zm9vY",                        /* length mod 4 == 1 */
      "Zm9vYmFyZ",                    /* length mod 4 == 1 */
      "Zg==",                         /* padding */
      "Zm8=",                         /* padding */
      "Zm9v YmFy",                    /* whitespace */
      "Zm9v\nYmFy", "Zm+v",           /* standard base64, not url */
      "Zm/v",       "Zm9v*mFy", "Zh", /* unused bits set: canonical is "Zg" */
      "Zm9",                          /* unused bits set: canonical is "Zm8" */
      "\303\251AA",                   /* non-ASCII */
      "Zm9\x7f",                      /* DEL */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    uint8_t out[16];
    assert_int_equal(pcn_b64url_decode(bad[i], out), -1);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hex_encode),
      cmocka_unit_test(test_hex_round_trip_all_bytes),
      cmocka_unit_test(test_hex_decode),
      cmocka_unit_test(test_hex_decode_refuses),
      cmocka_unit_test(test_b64url_vectors),
      cmocka_unit_test(test_b64url_round_trip_lengths),
      cmocka_unit_test(test_b64url_decode_refuses),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
