/* tls_stream.h - TLS over memory BIOs, for a libuv stream on either side.
 *
 * Owns: one SSL and its two memory BIOs. The socket side is the caller's:
 * ciphertext read from the socket goes in with pcn_tls_feed; ciphertext the
 * engine produces comes out through ops->write_raw when the caller calls
 * pcn_tls_flush (after every batch of SSL calls: a read can produce bytes to
 * send, such as session tickets and key updates). Plaintext is encrypted
 * at the flush, so everything written between two flushes shares TLS
 * records and one write_raw call. Plaintext written before
 * the handshake completes, or refused with SSL_ERROR_WANT_READ, is kept and
 * retried after the next feed, so callers can write at any time.
 *
 * Invariants: the read BIO returns "retry" when empty
 * (BIO_set_mem_eof_return(rbio, -1)), so running dry is never mistaken for
 * an EOF; a peer that closes without close_notify is the caller's EOF.
 */
#ifndef PCN_TLS_STREAM_H
#define PCN_TLS_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/ssl.h>

#include "buf.h"

typedef struct pcn_tls pcn_tls;

typedef struct pcn_tls_ops {
  /* Decrypted application bytes. Return 0 to go on, non-zero to stop
   * delivering for now (the caller is closing). */
  int (*on_plain)(pcn_tls *t, const uint8_t *p, size_t n);
  /* Ciphertext to send; the callee copies what it keeps. 0 or -1. */
  int (*write_raw)(pcn_tls *t, const uint8_t *p, size_t n);
  /* The handshake finished (optional). */
  void (*on_handshake)(pcn_tls *t);
} pcn_tls_ops;

enum {
  PCN_TLS_OK = 0,
  PCN_TLS_ERR = -1,    /* fatal TLS error: close the connection */
  PCN_TLS_CLOSED = -2, /* the peer sent close_notify */
  PCN_TLS_STOPPED = -3 /* on_plain asked to stop */
};

struct pcn_tls {
  SSL *ssl;
  BIO *rbio; /* ciphertext in, owned by ssl */
  BIO *wbio; /* ciphertext out, owned by ssl */
  const pcn_tls_ops *ops;
  void *data;      /* the caller's */
  pcn_buf pending; /* plaintext not yet accepted by SSL_write */
  int handshake_done;
  char err[160]; /* the last error, a sentence */
};

/* Server side when is_server, else client. The caller may set the host
 * name on t->ssl before pcn_tls_start. Returns 0 or -1 (out of memory). */
int pcn_tls_init(pcn_tls *t, SSL_CTX *ctx, int is_server,
                 const pcn_tls_ops *ops, void *data);
/* Client: sends the ClientHello. Server: nothing to do. */
int pcn_tls_start(pcn_tls *t);
/* Ciphertext from the socket. Delivers plaintext, advances the handshake,
 * retries pending writes, and flushes. */
int pcn_tls_feed(pcn_tls *t, const uint8_t *p, size_t n);
/* Plaintext to send. Does not flush: call pcn_tls_flush after a batch. */
int pcn_tls_write(pcn_tls *t, const uint8_t *p, size_t n);
/* Hands every byte of ciphertext waiting in the write BIO to write_raw. */
int pcn_tls_flush(pcn_tls *t);
/* Queues close_notify (and flushes). */
void pcn_tls_shutdown(pcn_tls *t);
/* Bytes of plaintext and ciphertext not yet handed to write_raw. */
size_t pcn_tls_unsent(const pcn_tls *t);
void pcn_tls_free(pcn_tls *t);

#endif
