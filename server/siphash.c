/* siphash.c - SipHash-2-4 (siphash.h), after the reference implementation
 * (github.com/veorq/SipHash): two compression rounds per 8-byte word, four
 * finalisation rounds, 64-bit output. Words are read little-endian whatever
 * the host, so the result is the same everywhere; tests/unit/test_siphash.c
 * checks the reference's 64 test vectors.
 */
#include "siphash.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND                                                               \
  do {                                                                         \
    v0 += v1;                                                                  \
    v1 = ROTL(v1, 13);                                                         \
    v1 ^= v0;                                                                  \
    v0 = ROTL(v0, 32);                                                         \
    v2 += v3;                                                                  \
    v3 = ROTL(v3, 16);                                                         \
    v3 ^= v2;                                                                  \
    v0 += v3;                                                                  \
    v3 = ROTL(v3, 21);                                                         \
    v3 ^= v0;                                                                  \
    v2 += v1;                                                                  \
    v1 = ROTL(v1, 17);                                                         \
    v1 ^= v2;                                                                  \
    v2 = ROTL(v2, 32);                                                         \
  } while (0)

static uint64_t load_le64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = v << 8 | p[i];
  return v;
}

uint64_t siphash24(const uint8_t key[SIPHASH_KEY_LEN], const void *data,
                   size_t len) {
  const uint8_t *p = data;
  uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
  uint64_t v0 = 0x736f6d6570736575ull ^ k0;
  uint64_t v1 = 0x646f72616e646f6dull ^ k1;
  uint64_t v2 = 0x6c7967656e657261ull ^ k0;
  uint64_t v3 = 0x7465646279746573ull ^ k1;
  const uint8_t *end = p + (len - len % 8);
  for (; p != end; p += 8) {
    uint64_t m = load_le64(p);
    v3 ^= m;
    SIPROUND;
    SIPROUND;
    v0 ^= m;
  }
  /* The last 0 to 7 bytes, with the length's low byte on top. */
  uint64_t b = (uint64_t)len << 56;
  for (size_t i = 0; i < len % 8; i++)
    b |= (uint64_t)p[i] << (8 * i);
  v3 ^= b;
  SIPROUND;
  SIPROUND;
  v0 ^= b;
  v2 ^= 0xff;
  SIPROUND;
  SIPROUND;
  SIPROUND;
  SIPROUND;
  return v0 ^ v1 ^ v2 ^ v3;
}
