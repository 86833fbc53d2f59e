/* wire.h - just enough of the protobuf wire format to move stored records
 * into replies without decoding and re-encoding them.
 *
 * pcnd stores every record as its protobuf encoding, and a repeated or
 * nested message field on the wire is only a tag, a length and those same
 * bytes. So a page of fifty tasks can be answered by copying fifty stored
 * values behind their tags, instead of unpacking fifty Task structs and
 * packing them again (which was a fifth of pcnd's CPU under a read load).
 * pcn_wire_find reads one length-delimited field (a task's practice, for
 * the permission check) straight from the encoding.
 */
#ifndef PCN_WIRE_H
#define PCN_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

size_t pcn_wire_varint_len(uint64_t v);
/* Writes v at p (pcn_wire_varint_len(v) bytes); returns the end. */
uint8_t *pcn_wire_put_varint(uint8_t *p, uint64_t v);
/* The encoded size of a length-delimited field of n bytes. */
size_t pcn_wire_len_field_size(uint32_t field, size_t n);
/* Appends a length-delimited field (a message, string or bytes). 0 or -1. */
int pcn_wire_append_len(pcn_buf *b, uint32_t field, const void *p, size_t n);
/* Appends a varint field. 0 or -1. */
int pcn_wire_append_varint(pcn_buf *b, uint32_t field, uint64_t v);
/* Reads a varint of at most 10 bytes at *p, never at or past end, and
 * moves *p past it; -1 if it runs off the end or goes on too long. */
int pcn_wire_get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v);
/* Finds length-delimited field `field` in a message's encoding (the last
 * one, as a parser would keep). 0 found, 1 absent (*val = "", *len = 0),
 * -1 the encoding is malformed. */
int pcn_wire_find(const uint8_t *p, size_t n, uint32_t field,
                  const uint8_t **val, size_t *len);

/* Copies string field `field` into out (outlen bytes) with a NUL: 0 found,
 * 1 absent (out = ""), -1 malformed or too long for out (out = ""). */
int pcn_wire_find_str(const uint8_t *p, size_t n, uint32_t field, char *out,
                      size_t outlen);

/* Finds varint field `field`; 0 found, 1 absent (*v = 0), -1 malformed. */
int pcn_wire_find_varint(const uint8_t *p, size_t n, uint32_t field,
                         uint64_t *v);

#endif
