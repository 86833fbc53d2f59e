/* tls_stream.c - TLS over memory BIOs (see tls_stream.h for the contract).
 *
 * The engine never touches a socket. Every entry point ends by draining the
 * write BIO through ops->write_raw where the contract says so, because any
 * SSL call may produce ciphertext: handshake messages, alerts, session
 * tickets after the handshake, key-update responses.
 */
#include "tls_stream.h"

#include <stdio.h>
#include <string.h>
#include <openssl/err.h>

/* Output memory is handed on, not kept: after a flush, a plaintext queue
 * or write BIO grown past this (by one large reply or a replay chunk) is
 * freed rather than held for the connection's life, so a connection's
 * output costs what it has unsent (the caller's queue) plus this. */
#define TLS_KEEP_CAP (16 * 1024)

static void tls_set_error(pcn_tls *t, const char *what) {
  unsigned long e = ERR_peek_last_error();
  if (e) {
    char reason[120];
    ERR_error_string_n(e, reason, sizeof reason);
    snprintf(t->err, sizeof t->err, "%s: %s", what, reason);
  } else {
    snprintf(t->err, sizeof t->err, "%s", what);
  }
  ERR_clear_error();
}

int pcn_tls_init(pcn_tls *t, SSL_CTX *ctx, int is_server,
                 const pcn_tls_ops *ops, void *data) {
  memset(t, 0, sizeof *t);
  t->ops = ops;
  t->data = data;
  pcn_buf_init(&t->pending);
  t->ssl = SSL_new(ctx);
  if (!t->ssl) goto fail;
  t->rbio = BIO_new(BIO_s_mem());
  if (!t->rbio) goto fail_ssl;
  t->wbio = BIO_new(BIO_s_mem());
  if (!t->wbio) goto fail_rbio;
  /* An empty read BIO means "no data yet", never EOF. */
  BIO_set_mem_eof_return(t->rbio, -1);
  BIO_set_mem_eof_return(t->wbio, -1);
  SSL_set_bio(t->ssl, t->rbio, t->wbio); /* ssl owns both from here */
  /* OpenSSL's own record buffers (about 34 KiB) are freed whenever they
   * are empty: most connections are idle subscribers most of the time. */
  SSL_set_mode(t->ssl, SSL_MODE_RELEASE_BUFFERS);
  if (is_server)
    SSL_set_accept_state(t->ssl);
  else
    SSL_set_connect_state(t->ssl);
  return 0;

fail_rbio:
  BIO_free(t->rbio);
fail_ssl:
  SSL_free(t->ssl);
  t->ssl = NULL;
fail:
  return -1;
}

static int tls_write_pending(pcn_tls *t);

/* Frees what a flush left grown: the emptied plaintext queue, and the
 * write BIO (a memory BIO never shrinks; an empty one is replaced). */
static void tls_trim(pcn_tls *t) {
  if (t->pending.len == 0 && t->pending.cap > TLS_KEEP_CAP)
    pcn_buf_free(&t->pending);
  BUF_MEM *bm = NULL;
  BIO_get_mem_ptr(t->wbio, &bm);
  if (!bm || bm->length != 0 || bm->max <= TLS_KEEP_CAP) return;
  BIO *nb = BIO_new(BIO_s_mem());
  if (!nb) return; /* keep the big one; it still works */
  BIO_set_mem_eof_return(nb, -1);
  SSL_set0_wbio(t->ssl, nb); /* frees the old one */
  t->wbio = nb;
}

int pcn_tls_flush(pcn_tls *t) {
  /* Plaintext written since the last flush becomes as few TLS records as
   * it fits in (up to 16 KiB each): sixteen pipelined replies cost one
   * AEAD pass and one write(2), not sixteen. */
  if (t->handshake_done && t->pending.len && tls_write_pending(t))
    return PCN_TLS_ERR;
  char *p;
  long n = BIO_get_mem_data(t->wbio, &p);
  int rc = 0;
  if (n > 0) {
    rc = t->ops->write_raw(t, (const uint8_t *)p, (size_t)n);
    (void)BIO_reset(t->wbio);
  }
  tls_trim(t);
  return rc == 0 ? PCN_TLS_OK : PCN_TLS_ERR;
}

/* Advances the handshake; PCN_TLS_OK while it is under way or done. */
static int tls_handshake(pcn_tls *t) {
  int r = SSL_do_handshake(t->ssl);
  if (r == 1) {
    t->handshake_done = 1;
    if (t->ops->on_handshake) t->ops->on_handshake(t);
    return PCN_TLS_OK;
  }
  int e = SSL_get_error(t->ssl, r);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return PCN_TLS_OK;
  if (SSL_get_verify_result(t->ssl) != X509_V_OK) {
    snprintf(t->err, sizeof t->err,
             "The server's certificate is not from this network's "
             "certificate authority (%s).",
             X509_verify_cert_error_string(SSL_get_verify_result(t->ssl)));
    ERR_clear_error();
  } else {
    tls_set_error(t, "TLS handshake failed");
  }
  return PCN_TLS_ERR;
}

/* Pushes queued plaintext into SSL_write until it is all taken or SSL
 * wants to read first. */
static int tls_write_pending(pcn_tls *t) {
  while (t->pending.len > 0) {
    size_t n = t->pending.len > (1u << 30) ? (1u << 30) : t->pending.len;
    int r = SSL_write(t->ssl, t->pending.data, (int)n);
    if (r > 0) {
      pcn_buf_consume(&t->pending, (size_t)r);
      continue;
    }
    int e = SSL_get_error(t->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) break;
    tls_set_error(t, "TLS write failed");
    return PCN_TLS_ERR;
  }
  return PCN_TLS_OK;
}

int pcn_tls_start(pcn_tls *t) {
  int rc = tls_handshake(t);
  if (rc == PCN_TLS_OK) rc = pcn_tls_flush(t);
  return rc;
}

/* Delivers everything SSL_read has; stops on WANT_READ. */
static int tls_read_all(pcn_tls *t) {
  uint8_t buf[16384];
  for (;;) {
    int r = SSL_read(t->ssl, buf, sizeof buf);
    if (r > 0) {
      if (t->ops->on_plain(t, buf, (size_t)r) != 0) return PCN_TLS_STOPPED;
      continue;
    }
    int e = SSL_get_error(t->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
      return PCN_TLS_OK;
    if (e == SSL_ERROR_ZERO_RETURN) return PCN_TLS_CLOSED;
    tls_set_error(t, "TLS read failed");
    return PCN_TLS_ERR;
  }
}

int pcn_tls_feed(pcn_tls *t, const uint8_t *p, size_t n) {
  int rc = PCN_TLS_OK;
  while (n > 0 && rc == PCN_TLS_OK) {
    int chunk = n > (1u << 30) ? (1 << 30) : (int)n;
    int w = BIO_write(t->rbio, p, chunk);
    if (w <= 0) {
      snprintf(t->err, sizeof t->err, "Out of memory for TLS input.");
      return PCN_TLS_ERR;
    }
    p += w;
    n -= (size_t)w;
    if (!t->handshake_done) rc = tls_handshake(t);
    if (rc == PCN_TLS_OK && t->handshake_done) rc = tls_read_all(t);
  }
  if (rc == PCN_TLS_OK && t->handshake_done) rc = tls_write_pending(t);
  /* Even after an error, an alert may be waiting for the peer. */
  int frc = pcn_tls_flush(t);
  return rc != PCN_TLS_OK ? rc : frc;
}

int pcn_tls_write(pcn_tls *t, const uint8_t *p, size_t n) {
  if (pcn_buf_append(&t->pending, p, n) != 0) {
    snprintf(t->err, sizeof t->err, "Out of memory for TLS output.");
    return PCN_TLS_ERR;
  }
  return PCN_TLS_OK; /* encrypted at the next pcn_tls_flush */
}

void pcn_tls_shutdown(pcn_tls *t) {
  if (t->ssl && t->handshake_done) {
    (void)tls_write_pending(t); /* what was written goes before the alert */
    (void)SSL_shutdown(t->ssl);
    (void)pcn_tls_flush(t);
  }
  ERR_clear_error();
}

size_t pcn_tls_unsent(const pcn_tls *t) {
  return t->pending.len + (size_t)BIO_ctrl_pending(t->wbio);
}

void pcn_tls_free(pcn_tls *t) {
  if (t->ssl) SSL_free(t->ssl);
  t->ssl = NULL;
  pcn_buf_free(&t->pending);
}
