/* wire_check.c - the string check on the wire (see wire_check.h).
 *
 * Owns nothing; allocates nothing. Invariants of the walk:
 * - it never reads outside p[0..n): every varint and every length is checked
 *   against the end of the enclosing message before it is used;
 * - it descends only into fields the descriptor says are messages, one
 *   level of C recursion per level of nesting, and refuses level
 *   PCN_WIRE_CHECK_MAX_DEPTH, so its stack is bounded whatever the input;
 * - unknown fields, bytes and numbers (packed or not) are skipped unread, so
 *   a frame from a newer client still passes (unknown fields are ignored);
 * - groups (wire types 3 and 4) are malformed, as protobuf-c has them.
 * Each string costs one pass over its bytes; the whole walk is linear in n.
 */
#include "wire_check.h"

#include <stdio.h>
#include <string.h>

#include "validate.h"
#include "wire.h"

enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5 };

/* One field's key and where its value is; the value of a LEN field is
 * val[0..len), other wire types have been stepped over. */
typedef struct wire_field {
  uint32_t number;
  unsigned type;
  const uint8_t *val;
  size_t len;
} wire_field;

/* Reads the field at *p and moves *p past it; -1 if malformed. */
static int next_field(const uint8_t **p, const uint8_t *end, wire_field *wf) {
  uint64_t key, v;
  if (pcn_wire_get_varint(p, end, &key)) return -1;
  if ((key >> 3) == 0 || (key >> 3) > 0x1FFFFFFF) return -1;
  wf->number = (uint32_t)(key >> 3);
  wf->type = (unsigned)(key & 7);
  wf->val = NULL;
  wf->len = 0;
  switch (wf->type) {
  case WT_VARINT: return pcn_wire_get_varint(p, end, &v);
  case WT_I64:
    if (end - *p < 8) return -1;
    *p += 8;
    return 0;
  case WT_I32:
    if (end - *p < 4) return -1;
    *p += 4;
    return 0;
  case WT_LEN:
    if (pcn_wire_get_varint(p, end, &v) || v > (uint64_t)(end - *p)) return -1;
    wf->val = *p;
    wf->len = (size_t)v;
    *p += v;
    return 0;
  default: return -1;
  }
}

/* Which occurrence of field `number` begins at `at`: the LEN fields with
 * that number before it, from the message's start. Only on the way out
 * with a fault, over bytes already walked, so it cannot fail. */
static int32_t occurrence(const uint8_t *p, const uint8_t *at,
                          uint32_t number) {
  int32_t k = 0;
  wire_field wf;
  while (p < at && next_field(&p, at, &wf) == 0) {
    if (wf.type == WT_LEN && wf.number == number) k++;
  }
  return k;
}

static pcn_wire_verdict walk(const ProtobufCMessageDescriptor *d,
                             const uint8_t *p, size_t n, unsigned level,
                             pcn_wire_fault *f);

/* Checks one length-delimited field the descriptor knows. */
static pcn_wire_verdict check_field(const ProtobufCFieldDescriptor *fd,
                                    const wire_field *wf, unsigned level,
                                    pcn_wire_fault *f) {
  if (fd->type == PROTOBUF_C_TYPE_MESSAGE)
    return walk(fd->descriptor, wf->val, wf->len, level + 1, f);
  if (fd->type != PROTOBUF_C_TYPE_STRING) return PCN_WIRE_OK;
  int bad = pcn_utf8_check_bytes(wf->val, wf->len, &f->offset);
  if (bad == PCN_BYTES_OK) return PCN_WIRE_OK;
  f->depth = level + 1;
  return bad == PCN_BYTES_NUL ? PCN_WIRE_NUL : PCN_WIRE_BAD_UTF8;
}

static pcn_wire_verdict walk(const ProtobufCMessageDescriptor *d,
                             const uint8_t *p, size_t n, unsigned level,
                             pcn_wire_fault *f) {
  if (level >= PCN_WIRE_CHECK_MAX_DEPTH) {
    f->depth = level;
    return PCN_WIRE_TOO_DEEP;
  }
  const uint8_t *start = p, *end = p + n;
  while (p < end) {
    const uint8_t *at = p;
    wire_field wf;
    if (next_field(&p, end, &wf) != 0) {
      f->depth = level;
      return PCN_WIRE_MALFORMED;
    }
    if (wf.type != WT_LEN) continue;
    const ProtobufCFieldDescriptor *fd =
        protobuf_c_message_descriptor_get_field(d, wf.number);
    if (!fd) continue; /* unknown: ignored, as the decoder ignores it */
    pcn_wire_verdict v = check_field(fd, &wf, level, f);
    if (v != PCN_WIRE_OK) {
      f->path[level] = fd;
      f->index[level] = fd->label == PROTOBUF_C_LABEL_REPEATED
                            ? occurrence(start, at, wf.number)
                            : -1;
      return v;
    }
  }
  return PCN_WIRE_OK;
}

pcn_wire_verdict pcn_wire_check_text(const ProtobufCMessageDescriptor *d,
                                     const uint8_t *p, size_t n,
                                     pcn_wire_fault *fault) {
  pcn_wire_fault scratch;
  pcn_wire_fault *f = fault ? fault : &scratch;
  f->offset = 0;
  f->depth = 0;
  f->verdict = walk(d, p, n, 0, f);
  return f->verdict;
}

void pcn_wire_fault_path(const pcn_wire_fault *fault, unsigned skip, char *out,
                         size_t outlen) {
  if (!outlen) return;
  out[0] = 0;
  size_t len = 0;
  for (unsigned i = skip; i < fault->depth && len < outlen; i++) {
    const char *dot = i > skip ? "." : "";
    int w = fault->index[i] >= 0
                ? snprintf(out + len, outlen - len, "%s%s[%d]", dot,
                           fault->path[i]->name, (int)fault->index[i])
                : snprintf(out + len, outlen - len, "%s%s", dot,
                           fault->path[i]->name);
    if (w < 0) break;
    len += (size_t)w;
  }
}
