/* wire.c - see wire.h. */
#include "wire.h"

#include <string.h>

enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5 };

size_t pcn_wire_varint_len(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

uint8_t *pcn_wire_put_varint(uint8_t *p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  *p++ = (uint8_t)v;
  return p;
}

size_t pcn_wire_len_field_size(uint32_t field, size_t n) {
  return pcn_wire_varint_len((uint64_t)field << 3 | WT_LEN) +
         pcn_wire_varint_len(n) + n;
}

int pcn_wire_append_len(pcn_buf *b, uint32_t field, const void *p, size_t n) {
  if (pcn_buf_reserve(b, pcn_wire_len_field_size(field, n))) return -1;
  uint8_t *w = b->data + b->len;
  w = pcn_wire_put_varint(w, (uint64_t)field << 3 | WT_LEN);
  w = pcn_wire_put_varint(w, n);
  if (n) memcpy(w, p, n);
  b->len = (size_t)(w - b->data) + n;
  return 0;
}

int pcn_wire_append_varint(pcn_buf *b, uint32_t field, uint64_t v) {
  if (pcn_buf_reserve(b, 20)) return -1;
  uint8_t *w = b->data + b->len;
  w = pcn_wire_put_varint(w, (uint64_t)field << 3 | WT_VARINT);
  w = pcn_wire_put_varint(w, v);
  b->len = (size_t)(w - b->data);
  return 0;
}

int pcn_wire_get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v) {
  uint64_t x = 0;
  for (int shift = 0; shift < 64 && *p < end; shift += 7) {
    uint8_t c = *(*p)++;
    x |= (uint64_t)(c & 0x7f) << shift;
    if (!(c & 0x80)) {
      *v = x;
      return 0;
    }
  }
  return -1;
}

/* Walks the fields of an encoding: the last LEN field `field` into
 * val/len, or the last varint field `field` into *vout. */
static int scan(const uint8_t *p, size_t n, uint32_t field, int want_len,
                const uint8_t **val, size_t *len, uint64_t *vout);

int pcn_wire_find_varint(const uint8_t *p, size_t n, uint32_t field,
                         uint64_t *v) {
  *v = 0;
  return scan(p, n, field, 0, NULL, NULL, v);
}

int pcn_wire_find(const uint8_t *p, size_t n, uint32_t field,
                  const uint8_t **val, size_t *len) {
  *val = (const uint8_t *)"";
  *len = 0;
  return scan(p, n, field, 1, val, len, NULL);
}

int pcn_wire_find_str(const uint8_t *p, size_t n, uint32_t field, char *out,
                      size_t outlen) {
  const uint8_t *v;
  size_t len;
  int rc = pcn_wire_find(p, n, field, &v, &len);
  if (rc < 0 || len >= outlen) {
    if (outlen) out[0] = 0;
    return -1;
  }
  memcpy(out, v, len);
  out[len] = 0;
  return rc;
}

static int scan(const uint8_t *p, size_t n, uint32_t field, int want_len,
                const uint8_t **val, size_t *len, uint64_t *vout) {
  int found = 0;
  if (!n) return 1;
  const uint8_t *end = p + n;
  while (p < end) {
    uint64_t key, v;
    if (pcn_wire_get_varint(&p, end, &key)) return -1;
    switch (key & 7) {
    case WT_VARINT:
      if (pcn_wire_get_varint(&p, end, &v)) return -1;
      if (!want_len && (key >> 3) == field) {
        *vout = v;
        found = 1;
      }
      break;
    case WT_I64:
      if (end - p < 8) return -1;
      p += 8;
      break;
    case WT_I32:
      if (end - p < 4) return -1;
      p += 4;
      break;
    case WT_LEN:
      if (pcn_wire_get_varint(&p, end, &v) || v > (uint64_t)(end - p))
        return -1;
      if (want_len && (key >> 3) == field) {
        *val = p;
        *len = (size_t)v;
        found = 1;
      }
      p += v;
      break;
    default: return -1; /* groups and unknown wire types: not in our records */
    }
  }
  return found ? 0 : 1;
}
