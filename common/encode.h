/* encode.h - hex and unpadded base64url, for tokens, cursors and invitation
 * codes. Portable; no allocation except where the signature says so.
 */
#ifndef PCN_ENCODE_H
#define PCN_ENCODE_H

#include <stddef.h>
#include <stdint.h>

/* Writes 2*n lowercase hex digits and a NUL. */
void pcn_hex_encode(const uint8_t *p, size_t n, char *out);
/* Decodes exactly 2*n hex digits (either case) from s, which must be that
 * long; returns 0, or -1 on a bad digit or length. */
int pcn_hex_decode(const char *s, uint8_t *out, size_t n);

/* base64url without padding. encode writes a NUL-terminated string into out,
 * which must hold pcn_b64url_len(n) + 1 bytes. */
size_t pcn_b64url_len(size_t n);
void pcn_b64url_encode(const uint8_t *p, size_t n, char *out);
/* Decodes s (no padding, no whitespace); out must hold strlen(s)*3/4 bytes.
 * Returns the decoded length, or -1 if s is not base64url. */
long pcn_b64url_decode(const char *s, uint8_t *out);

#endif
