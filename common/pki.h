/* pki.h - the network's PKI as server and clients use it: TLS contexts,
 * host checks, and pinning a CA by its fingerprint.
 *
 * Owns: nothing long-lived. Each function builds or inspects OpenSSL
 * objects and hands ownership to the caller as documented.
 *
 * Invariants:
 * - every context is TLS 1.3 only (minimum and maximum protocol version)
 *   and offers or accepts only the groups in PCN_PKI_GROUPS;
 * - a verifying client trusts exactly the CA it was given, never the system
 *   store, and checks the chain with X509_V_FLAG_X509_STRICT;
 * - a fingerprint is the SHA-256 of a certificate's DER encoding;
 * - on failure the OpenSSL error queue is left empty, so a stale error
 *   never confuses a later SSL_get_error on the same thread.
 * Portable: OpenSSL and the C library only.
 */
#ifndef PCN_PKI_H
#define PCN_PKI_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

/* The key-exchange groups both sides offer, in order of preference. The
 * finite-field groups (ffdhe2048 to 8192) are left out on purpose: their
 * cost falls on the server's loop thread and the client picks it. */
#define PCN_PKI_GROUPS "X25519:P-256"

/* SHA-256 of the certificate's DER encoding. Returns 0 or -1. */
int pcn_pki_sha256(X509 *cert, uint8_t out[32]);

/* Server context: TLS 1.3 only; the chain from chain_pem_path (server
 * certificate first, then the CA) and the key from key_path;
 * SSL_OP_IGNORE_UNEXPECTED_EOF; partial writes and moving write buffers
 * allowed. NULL with a one-sentence error in err on failure. */
SSL_CTX *pcn_pki_server_ctx(const char *chain_pem_path, const char *key_path,
                            char *err, size_t errlen);

/* Client context: TLS 1.3 only. When ca_pem (a NUL-terminated PEM string,
 * not a path) is given, the peer must chain to the certificates in it and
 * nothing else (SSL_VERIFY_PEER, X509_V_FLAG_X509_STRICT). When NULL,
 * SSL_VERIFY_NONE: only for join, which pins by fingerprint afterwards with
 * pcn_pki_pin_from_peer. NULL with a one-sentence error on failure. */
SSL_CTX *pcn_pki_client_ctx(const char *ca_pem, char *err, size_t errlen);

/* Prepares a client SSL for host (a DNS name or an IP literal; brackets
 * around an IPv6 literal are accepted): SNI for names only, and when the
 * context verifies, the name or address must be in the server certificate.
 * Returns 0 or -1. */
int pcn_pki_client_set_host(SSL *ssl, const char *host);

/* After a handshake made with a NULL-CA context: finds in the peer's chain
 * the certificate whose SHA-256 is fp, verifies the peer's certificate
 * against that one alone (strict, and for host when host is not NULL), and
 * returns it as a malloc'd PEM string the caller frees with free(). NULL
 * with a one-sentence error on failure. */
char *pcn_pki_pin_from_peer(SSL *ssl, const uint8_t fp[32], const char *host,
                            char *err, size_t errlen);

#endif
