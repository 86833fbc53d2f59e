/* buf.h - a growable byte buffer.
 *
 * Owns: one heap block (data, len, cap). Invariant: len <= cap; data is NULL
 * only while cap is 0. Used for frame assembly, TLS output and encoding.
 * Portable C11: used by server and clients alike.
 */
#ifndef PCN_BUF_H
#define PCN_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct pcn_buf {
  uint8_t *data;
  size_t len;
  size_t cap;
} pcn_buf;

void pcn_buf_init(pcn_buf *b);
void pcn_buf_free(pcn_buf *b);
/* Makes room for n more bytes; returns 0, or -1 when out of memory. */
int pcn_buf_reserve(pcn_buf *b, size_t n);
int pcn_buf_append(pcn_buf *b, const void *p, size_t n);
/* Drops the first n bytes (n <= len), moving the rest to the front. */
void pcn_buf_consume(pcn_buf *b, size_t n);
void pcn_buf_reset(pcn_buf *b);

#endif
