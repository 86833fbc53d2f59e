/* buf.c - the growable byte buffer (see buf.h).
 *
 * Owns: b->data, one malloc'd block. Invariants: len <= cap; data == NULL
 * exactly when cap == 0. Growth at least doubles the capacity, so appending
 * byte by byte costs amortised O(1); every size sum is checked for overflow
 * before it is used. Failure leaves the buffer as it was.
 */
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The first allocation: small enough not to matter, large enough that a
 * frame header or a short message does not realloc again at once. */
#define PCN_BUF_MIN_CAP 64

void pcn_buf_init(pcn_buf *b) {
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
}

void pcn_buf_free(pcn_buf *b) {
  free(b->data);
  pcn_buf_init(b);
}

/* Picks the new capacity: double, or exactly what is needed when doubling
 * is not enough (a large frame body reserves its exact size, not twice it). */
static size_t buf_grow_cap(size_t cap, size_t need) {
  size_t next = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
  if (next < PCN_BUF_MIN_CAP) next = PCN_BUF_MIN_CAP;
  return next < need ? need : next;
}

int pcn_buf_reserve(pcn_buf *b, size_t n) {
  if (b->cap - b->len >= n) return 0;
  if (n > SIZE_MAX - b->len) return -1;
  size_t cap = buf_grow_cap(b->cap, b->len + n);
  uint8_t *p = realloc(b->data, cap);
  if (!p) return -1;
  b->data = p;
  b->cap = cap;
  return 0;
}

int pcn_buf_append(pcn_buf *b, const void *p, size_t n) {
  if (n == 0) return 0;
  if (pcn_buf_reserve(b, n) != 0) return -1;
  memcpy(b->data + b->len, p, n);
  b->len += n;
  return 0;
}

/* n > len is a caller bug; it is treated as "everything" rather than read
 * past the end. */
void pcn_buf_consume(pcn_buf *b, size_t n) {
  if (n >= b->len) {
    b->len = 0;
    return;
  }
  memmove(b->data, b->data + n, b->len - n);
  b->len -= n;
}

void pcn_buf_reset(pcn_buf *b) {
  b->len = 0;
}
