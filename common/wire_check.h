/* wire_check.h - every string in a protobuf encoding, checked on the wire.
 *
 * protobuf-c unpacks a string field into a NUL-terminated C string and
 * forgets its length, so a NUL inside it silently cuts it short ("nul\0title"
 * becomes "nul") and nothing after decoding can tell. protobuf-c does not
 * check UTF-8 either. So the check is made on the encoded bytes, once, where
 * a frame is decoded: a walk over the protobuf wire format driven by the
 * message's protobuf-c descriptor, which knows for each field number whether
 * it is a string (checked: well-formed UTF-8, no NUL), a message (walked in
 * turn) or anything else (skipped, as are unknown fields).
 *
 * Control characters are not refused here: which are allowed depends on the
 * field (a body may hold line breaks, a title may not), so that stays with
 * the per-field checks (validate.h).
 */
#ifndef PCN_WIRE_CHECK_H
#define PCN_WIRE_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

/* Messages nested deeper than this are refused. The walk only descends into
 * fields the descriptor says are messages, so without a recursive message in
 * the schema the depth is bounded by the schema anyway (pcn.proto's deepest
 * is a handful); the bound is for schemas that do recurse. */
#define PCN_WIRE_CHECK_MAX_DEPTH 32

typedef enum pcn_wire_verdict {
  PCN_WIRE_OK = 0,
  PCN_WIRE_NUL,       /* a string holds a NUL byte */
  PCN_WIRE_BAD_UTF8,  /* a string is not well-formed UTF-8 */
  PCN_WIRE_MALFORMED, /* the encoding itself is broken (truncated, ...) */
  PCN_WIRE_TOO_DEEP   /* messages nested past PCN_WIRE_CHECK_MAX_DEPTH */
} pcn_wire_verdict;

/* Where the walk stopped: the fields from the outer message down to the one
 * at fault. path[i] is the field at nesting level i; index[i] is which
 * occurrence of a repeated field it was (0 first), -1 for a singular one. */
typedef struct pcn_wire_fault {
  pcn_wire_verdict verdict;
  size_t offset;  /* NUL, BAD_UTF8: the first bad byte within the string */
  unsigned depth; /* entries in path */
  const ProtobufCFieldDescriptor *path[PCN_WIRE_CHECK_MAX_DEPTH];
  int32_t index[PCN_WIRE_CHECK_MAX_DEPTH];
} pcn_wire_fault;

/* Walks the encoding p[0..n) of a message of type d. Returns PCN_WIRE_OK
 * when every string in it, at any depth, is well-formed UTF-8 without a NUL;
 * else the first fault, described in *fault (if not NULL). Reads p[0..n)
 * only; allocates nothing; stack use is bounded by the depth limit. */
pcn_wire_verdict pcn_wire_check_text(const ProtobufCMessageDescriptor *d,
                                     const uint8_t *p, size_t n,
                                     pcn_wire_fault *fault);

/* Writes the path of the fault from level skip down, the names joined by
 * dots and a repeated field's occurrence in brackets, e.g.
 * "task_create.title" or "invitees[2]", into out with a NUL (truncated to
 * outlen). "" when the path is no deeper than skip. */
void pcn_wire_fault_path(const pcn_wire_fault *fault, unsigned skip, char *out,
                         size_t outlen);

#endif
