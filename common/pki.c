/* pki.c - TLS contexts, host checks and CA pinning (see pki.h).
 *
 * Owns: no state. Every function either returns a new OpenSSL object (or a
 * malloc'd string) to the caller, or frees everything it made.
 *
 * Invariants:
 * - contexts are TLS 1.3 only, on both sides, and carry the options the
 *   memory-BIO stream needs (SSL_OP_IGNORE_UNEXPECTED_EOF, partial writes,
 *   moving write buffers);
 * - both sides offer and accept only the key-exchange groups in
 *   PCN_PKI_GROUPS (X25519, P-256): the handshake runs on the server's
 *   loop thread, and one finite-field (ffdhe8192) exchange costs it about
 *   200 times an X25519 one, so a client must not be able to choose it;
 * - a verifying context trusts only the certificates it was given, with
 *   X509_V_FLAG_X509_STRICT, so our chain passes the checks recent Python
 *   and OpenSSL clients make;
 * - every failure path empties the OpenSSL error queue after taking its
 *   reason, because a stale entry makes a later SSL_get_error on the same
 *   thread report SSL_ERROR_SSL for an unrelated call.
 * Portable: OpenSSL and the C library only, nothing POSIX.
 */
#include "pki.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#define PKI_HOST_MAX 256

static void pki_err(char *err, size_t errlen, const char *fmt, ...) {
  if (!err || !errlen) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

/* The earliest error in the queue is the most specific ("No such file or
 * directory", "no start line", "key values mismatch"); later entries only
 * say which function gave up. Takes it into buf and empties the queue. */
static const char *pki_reason(char *buf, size_t buflen) {
  unsigned long e = ERR_get_error();
  const char *r = NULL;
  if (!e) {
    snprintf(buf, buflen, "no detail from OpenSSL");
  } else if (ERR_SYSTEM_ERROR(e)) {
    snprintf(buf, buflen, "%s", strerror(ERR_GET_REASON(e)));
  } else if ((r = ERR_reason_error_string(e)) != NULL) {
    snprintf(buf, buflen, "%s", r);
  } else {
    ERR_error_string_n(e, buf, buflen);
  }
  ERR_clear_error();
  return buf;
}

int pcn_pki_sha256(X509 *cert, uint8_t out[32]) {
  unsigned int n = 0;
  if (!cert || X509_digest(cert, EVP_sha256(), out, &n) != 1 || n != 32) {
    ERR_clear_error();
    return -1;
  }
  return 0;
}

/* Both sides share the protocol floor and ceiling, the key-exchange groups
 * and the stream options:
 * tls_stream.c treats a missing close_notify as EOF and may retry a write
 * from a different buffer after SSL_ERROR_WANT_READ. */
static int pki_common_setup(SSL_CTX *ctx) {
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set1_groups_list(ctx, PCN_PKI_GROUPS) != 1)
    return -1;
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
                            SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  return 0;
}

SSL_CTX *pcn_pki_server_ctx(const char *chain_pem_path, const char *key_path,
                            char *err, size_t errlen) {
  char why[160];
  SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx || pki_common_setup(ctx)) {
    pki_err(err, errlen, "Cannot set up TLS (%s).",
            pki_reason(why, sizeof why));
    goto fail;
  }
  if (SSL_CTX_use_certificate_chain_file(ctx, chain_pem_path) != 1) {
    pki_err(err, errlen,
            "Cannot load the server certificate chain from %s (%s).",
            chain_pem_path, pki_reason(why, sizeof why));
    goto fail;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key_path, SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    pki_err(err, errlen,
            "Cannot load the server key from %s (%s); it must match the "
            "certificate in %s.",
            key_path, pki_reason(why, sizeof why), chain_pem_path);
    goto fail;
  }
  return ctx;

fail:
  SSL_CTX_free(ctx);
  ERR_clear_error();
  return NULL;
}

/* Loads every certificate in a PEM string into a new store; at least one,
 * and no junk between them. */
static X509_STORE *pki_store_from_pem(const char *pem, char *err,
                                      size_t errlen) {
  char why[160];
  X509_STORE *store = NULL;
  X509 *x = NULL;
  int n = 0;
  unsigned long e;
  BIO *b = BIO_new_mem_buf(pem, -1);
  if (!b) goto fail_reason;
  store = X509_STORE_new();
  if (!store) goto fail_reason;
  while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
    if (X509_STORE_add_cert(store, x) != 1) goto fail_reason;
    X509_free(x);
    x = NULL;
    n++;
  }
  /* The loop ends with "no start line" at the end of the text; any other
   * error means a damaged certificate. */
  e = ERR_peek_last_error();
  if (n == 0 || (e && !(ERR_GET_LIB(e) == ERR_LIB_PEM &&
                        ERR_GET_REASON(e) == PEM_R_NO_START_LINE))) {
    pki_err(err, errlen,
            "The stored certificate authority is not a valid PEM "
            "certificate (%s).",
            n == 0 ? "none found" : pki_reason(why, sizeof why));
    goto fail;
  }
  ERR_clear_error();
  BIO_free(b);
  return store;

fail_reason:
  pki_err(err, errlen, "Cannot load the certificate authority (%s).",
          pki_reason(why, sizeof why));
fail:
  X509_free(x);
  X509_STORE_free(store);
  BIO_free(b);
  ERR_clear_error();
  return NULL;
}

SSL_CTX *pcn_pki_client_ctx(const char *ca_pem, char *err, size_t errlen) {
  char why[160];
  X509_STORE *store = NULL;
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx || pki_common_setup(ctx)) {
    pki_err(err, errlen, "Cannot set up TLS (%s).",
            pki_reason(why, sizeof why));
    goto fail;
  }
  if (!ca_pem) {
    /* join: the fingerprint check comes after the handshake. */
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    return ctx;
  }
  store = pki_store_from_pem(ca_pem, err, errlen);
  if (!store) goto fail;
  if (X509_STORE_set_flags(store, X509_V_FLAG_X509_STRICT) != 1 ||
      X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(ctx),
                                  X509_V_FLAG_X509_STRICT) != 1) {
    pki_err(err, errlen, "Cannot set up certificate checks (%s).",
            pki_reason(why, sizeof why));
    goto fail_store;
  }
  /* Replaces (and frees) the context's empty default store: no system CAs
   * are ever consulted. */
  SSL_CTX_set_cert_store(ctx, store);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  return ctx;

fail_store:
  X509_STORE_free(store);
fail:
  SSL_CTX_free(ctx);
  ERR_clear_error();
  return NULL;
}

/* Copies host into out without the brackets people put around IPv6
 * literals ("[::1]"). 0, or -1 when empty or too long. */
static int pki_host_copy(const char *host, char *out, size_t outlen) {
  if (!host) return -1;
  size_t n = strlen(host);
  if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
    host++;
    n -= 2;
  }
  if (n == 0 || n >= outlen) return -1;
  memcpy(out, host, n);
  out[n] = '\0';
  return 0;
}

/* An IP literal gets no SNI (RFC 6066) and an iPAddress check rather than
 * a dNSName one. a2i_IPADDRESS parses both families strictly. */
static int pki_is_ip(const char *host) {
  ERR_set_mark();
  ASN1_OCTET_STRING *ip = a2i_IPADDRESS(host);
  ERR_pop_to_mark();
  if (!ip) return 0;
  ASN1_OCTET_STRING_free(ip);
  return 1;
}

/* The server certificate must name host: an exact dNSName (no partial
 * wildcards) or the iPAddress. */
static int pki_param_set_host(X509_VERIFY_PARAM *p, const char *host,
                              int is_ip) {
  X509_VERIFY_PARAM_set_hostflags(p, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (is_ip) return X509_VERIFY_PARAM_set1_ip_asc(p, host) == 1 ? 0 : -1;
  return X509_VERIFY_PARAM_set1_host(p, host, 0) == 1 ? 0 : -1;
}

int pcn_pki_client_set_host(SSL *ssl, const char *host) {
  char h[PKI_HOST_MAX];
  if (!ssl || pki_host_copy(host, h, sizeof h)) return -1;
  int is_ip = pki_is_ip(h);
  if (!is_ip && SSL_set_tlsext_host_name(ssl, h) != 1) goto fail;
  if ((SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) &&
      pki_param_set_host(SSL_get0_param(ssl), h, is_ip))
    goto fail;
  return 0;

fail:
  ERR_clear_error();
  return -1;
}

/* The certificate as PEM text in a malloc'd string, for the caller to
 * store and later hand to pcn_pki_client_ctx. */
static char *pki_cert_pem(X509 *x) {
  char *out = NULL, *data = NULL;
  BIO *b = BIO_new(BIO_s_mem());
  if (!b || PEM_write_bio_X509(b, x) != 1) goto done;
  long n = BIO_get_mem_data(b, &data);
  if (n <= 0) goto done;
  out = malloc((size_t)n + 1);
  if (!out) goto done;
  memcpy(out, data, (size_t)n);
  out[n] = '\0';
done:
  BIO_free(b);
  return out;
}

/* Searches the peer certificate and the chain it sent for fp. */
static X509 *pki_find_fp(X509 *peer, STACK_OF(X509) * chain,
                         const uint8_t fp[32]) {
  uint8_t md[32];
  if (pcn_pki_sha256(peer, md) == 0 && memcmp(md, fp, 32) == 0) return peer;
  for (int i = 0; chain && i < sk_X509_num(chain); i++) {
    X509 *x = sk_X509_value(chain, i);
    if (pcn_pki_sha256(x, md) == 0 && memcmp(md, fp, 32) == 0) return x;
  }
  return NULL;
}

/* Join only: the handshake ran without verification, so nothing about the
 * peer is trusted until its certificate chains, strictly and for the host
 * the user asked for, to the one certificate the invitation names. Only then
 * is that certificate worth storing as the network's CA. */
char *pcn_pki_pin_from_peer(SSL *ssl, const uint8_t fp[32], const char *host,
                            char *err, size_t errlen) {
  char h[PKI_HOST_MAX], why[160];
  char *pem = NULL;
  X509_STORE *store = NULL;
  X509_STORE_CTX *sctx = NULL;
  X509_VERIFY_PARAM *p;
  X509 *ca, *peer = ssl ? SSL_get0_peer_certificate(ssl) : NULL;
  if (!peer) {
    pki_err(err, errlen, "The server sent no certificate.");
    goto fail;
  }
  if (host && pki_host_copy(host, h, sizeof h)) {
    pki_err(err, errlen, "The server address is not a valid host name.");
    goto fail;
  }
  ca = pki_find_fp(peer, SSL_get_peer_cert_chain(ssl), fp);
  if (!ca) {
    pki_err(err, errlen,
            "The server's certificate authority does not match the "
            "fingerprint in the invitation; ask your PCN manager for a new "
            "code.");
    goto fail;
  }

  store = X509_STORE_new();
  if (!store || X509_STORE_add_cert(store, ca) != 1) goto fail_setup;
  sctx = X509_STORE_CTX_new();
  /* What the server sent besides its own certificate are the untrusted
   * intermediates between it and the pinned root (an organisation's PKI;
   * the network CA signs the server directly). */
  if (!sctx ||
      X509_STORE_CTX_init(sctx, store, peer, SSL_get_peer_cert_chain(ssl)) !=
          1 ||
      X509_STORE_CTX_set_default(sctx, "ssl_server") != 1)
    goto fail_setup;
  p = X509_STORE_CTX_get0_param(sctx);
  if (X509_VERIFY_PARAM_set_flags(p, X509_V_FLAG_X509_STRICT) != 1 ||
      (host && pki_param_set_host(p, h, pki_is_ip(h))))
    goto fail_setup;
  if (X509_verify_cert(sctx) != 1) {
    int e = X509_STORE_CTX_get_error(sctx);
    if (e == X509_V_ERR_HOSTNAME_MISMATCH ||
        e == X509_V_ERR_IP_ADDRESS_MISMATCH)
      pki_err(err, errlen,
              "The server's certificate does not name %s; check the address "
              "in the invitation with your PCN manager.",
              h);
    else if (e == X509_V_ERR_CERT_HAS_EXPIRED)
      pki_err(err, errlen,
              "The server's certificate has expired; ask your PCN manager to "
              "renew it.");
    else if (e == X509_V_ERR_CERT_NOT_YET_VALID)
      pki_err(err, errlen,
              "The server's certificate is not valid yet; check this "
              "computer's clock.");
    else
      pki_err(err, errlen,
              "The server's certificate does not verify against the "
              "certificate authority in the invitation (%s); ask your PCN "
              "manager for a new code.",
              X509_verify_cert_error_string(e));
    goto fail;
  }
  pem = pki_cert_pem(ca);
  if (!pem) goto fail_setup;
  X509_STORE_CTX_free(sctx);
  X509_STORE_free(store);
  ERR_clear_error();
  return pem;

fail_setup:
  pki_err(err, errlen, "Cannot check the server's certificate (%s).",
          pki_reason(why, sizeof why));
fail:
  X509_STORE_CTX_free(sctx);
  X509_STORE_free(store);
  ERR_clear_error();
  return NULL;
}
