/* fuzz_wire_check.c - libFuzzer target for the string check on the wire
 * (common/wire_check.c): arbitrary bytes as a Frame body. The walk must
 * never read outside them (ASan), and must agree with protobuf-c: a frame
 * it passes and protobuf-c decodes still passes once re-encoded (the
 * strings protobuf-c kept are the ones it checked), and each string
 * protobuf-c made of it is then well-formed UTF-8 by an independent check
 * written here. A fault names a path. (That a NUL is seen cannot be judged
 * from the decoded frame, which has lost it: test_wire_check.c covers it.)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "frame.h"
#include "wire_check.h"

/* UTF-8 by another route than validate.c's, as the oracle: decode each
 * sequence by its lead byte's length, then refuse the code points that are
 * too small for that length (overlong), surrogates, and past U+10FFFF. */
static int oracle_utf8(const unsigned char *s) {
  static const uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
  while (*s) {
    unsigned char c = *s;
    size_t k = c < 0x80       ? 1
               : c >> 5 == 6  ? 2
               : c >> 4 == 14 ? 3
               : c >> 3 == 30 ? 4
                              : 0;
    if (!k) return 0;
    uint32_t cp = k == 1 ? c : c & (0xFFu >> (k + 1));
    for (size_t i = 1; i < k; i++) {
      if ((s[i] & 0xC0) != 0x80) return 0;
      cp = cp << 6 | (s[i] & 0x3Fu);
    }
    if (cp < min_for_len[k] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
      return 0;
    s += k;
  }
  return 1;
}

/* Every string field of a decoded message, checked as a C string. */
static int strings_ok(const ProtobufCMessage *m) {
  const ProtobufCMessageDescriptor *d = m->descriptor;
  for (unsigned i = 0; i < d->n_fields; i++) {
    const ProtobufCFieldDescriptor *fd = &d->fields[i];
    if (fd->type != PROTOBUF_C_TYPE_STRING &&
        fd->type != PROTOBUF_C_TYPE_MESSAGE)
      continue; /* only these hold pointers */
    const char *base = (const char *)m + fd->offset;
    size_t n = 1;
    const void *const *vals = (const void *const *)base;
    if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
      n = *(const size_t *)((const char *)m + fd->quantifier_offset);
      vals = *(const void *const *const *)base;
    }
    if (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
      uint32_t which =
          *(const uint32_t *)((const char *)m + fd->quantifier_offset);
      if (which != fd->id) continue;
    }
    for (size_t k = 0; k < n; k++) {
      const void *v = vals[k];
      if (!v) continue;
      if (fd->type == PROTOBUF_C_TYPE_STRING) {
        if (!oracle_utf8(v)) return 0;
      } else if (fd->type == PROTOBUF_C_TYPE_MESSAGE) {
        if (!strings_ok(v)) return 0;
      }
    }
  }
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pcn_wire_fault f;
  pcn_wire_verdict v =
      pcn_wire_check_text(&pcn__frame__descriptor, data, size, &f);
  if (v == PCN_WIRE_NUL || v == PCN_WIRE_BAD_UTF8) {
    char path[256];
    pcn_wire_fault_path(&f, 0, path, sizeof path);
    if (f.depth == 0 || !path[0]) abort();
    return 0;
  }
  if (v != PCN_WIRE_OK) return 0;
  pcn_arena a;
  pcn_arena_init(&a, 1u << 20);
  Pcn__Frame *fr = pcn_frame_decode(&a, data, size);
  if (fr) {
    if (!strings_ok(&fr->base)) abort();
    pcn_buf out;
    pcn_buf_init(&out);
    if (pcn_frame_encode(fr, &out, 1u << 24) == 0 &&
        pcn_wire_check_text(&pcn__frame__descriptor,
                            out.data + PCN_FRAME_HEADER,
                            out.len - PCN_FRAME_HEADER, NULL) != PCN_WIRE_OK)
      abort();
    pcn_buf_free(&out);
  }
  pcn_arena_free(&a);
  return 0;
}
