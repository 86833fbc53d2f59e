/* encode.c - hex and unpadded base64url (RFC 4648 section 5), see encode.h.
 *
 * Owns nothing; no allocation. Decoders are strict so that every value has
 * exactly one text form: no padding, no whitespace, no characters outside
 * the alphabet, and (base64url) the unused low bits of the last character
 * must be zero. A token compared or hashed as text therefore cannot be
 * spelt two ways.
 */
#include "encode.h"

#include <limits.h>
#include <string.h>

static const char hex_digits[] = "0123456789abcdef";

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void pcn_hex_encode(const uint8_t *p, size_t n, char *out) {
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = hex_digits[p[i] >> 4];
    out[2 * i + 1] = hex_digits[p[i] & 0x0f];
  }
  out[2 * n] = '\0';
}

/* The value of one hex digit, or -1. */
static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Reads at most 2*n + 1 bytes of s: a NUL inside the digits is a bad digit,
 * so a short string never makes this read past its end. */
int pcn_hex_decode(const char *s, uint8_t *out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int hi = hex_value(s[2 * i]);
    if (hi < 0) return -1;
    int lo = hex_value(s[2 * i + 1]);
    if (lo < 0) return -1;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return s[2 * n] == '\0' ? 0 : -1;
}

/* Any n that is the size of an object in memory (at most SIZE_MAX / 2)
 * gives a result that fits in size_t. */
size_t pcn_b64url_len(size_t n) {
  static const size_t tail[3] = {0, 2, 3};
  return n / 3 * 4 + tail[n % 3];
}

void pcn_b64url_encode(const uint8_t *p, size_t n, char *out) {
  size_t i = 0;
  for (; n - i >= 3; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
    *out++ = b64url_alphabet[v >> 18];
    *out++ = b64url_alphabet[v >> 12 & 63];
    *out++ = b64url_alphabet[v >> 6 & 63];
    *out++ = b64url_alphabet[v & 63];
  }
  if (n - i == 1) {
    uint32_t v = (uint32_t)p[i] << 16;
    *out++ = b64url_alphabet[v >> 18];
    *out++ = b64url_alphabet[v >> 12 & 63];
  } else if (n - i == 2) {
    uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
    *out++ = b64url_alphabet[v >> 18];
    *out++ = b64url_alphabet[v >> 12 & 63];
    *out++ = b64url_alphabet[v >> 6 & 63];
  }
  *out = '\0';
}

/* The 6-bit value of one base64url character, or -1. */
static int b64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

/* Decodes the k (2..4) characters of one group into k - 1 bytes. Returns
 * -1 on a bad character or, for a short final group, non-zero unused bits. */
static int b64url_group(const char *s, size_t k, uint8_t *out) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; i++) {
    int d = i < k ? b64url_value(s[i]) : 0;
    if (d < 0) return -1;
    v = v << 6 | (uint32_t)d;
  }
  if ((k == 2 && (v & 0xffff)) || (k == 3 && (v & 0xff))) return -1;
  out[0] = (uint8_t)(v >> 16);
  if (k > 2) out[1] = (uint8_t)(v >> 8);
  if (k > 3) out[2] = (uint8_t)v;
  return 0;
}

long pcn_b64url_decode(const char *s, uint8_t *out) {
  size_t len = strlen(s);
  if (len % 4 == 1 || len / 4 * 3 > (size_t)LONG_MAX - 2) return -1;
  size_t n = 0;
  for (size_t i = 0; i < len; i += 4) {
    size_t k = len - i < 4 ? len - i : 4;
    if (b64url_group(s + i, k, out + n) != 0) return -1;
    n += k - 1;
  }
  return (long)n;
}
