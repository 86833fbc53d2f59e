/* test_pki.c - the network PKI: certificates made by certs_create
 * (server/certs.h) and the TLS contexts and pinning in common/pki.h.
 *
 * Owns: two certificate directories made once in the group setup (network
 * A with the usual hosts, network B with duplicate hosts and a long UTF-8
 * name) and removed in the group teardown; tests that need a directory of
 * their own make and remove it themselves.
 *
 * Invariants: handshakes run in memory over a BIO pair, no sockets; every
 * test leaves the OpenSSL error queue empty.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "certs.h"
#include "pki.h"

static const char *const hosts_a[] = {"pcn.example.nhs.uk", "localhost",
                                      "127.0.0.1", "::1"};
/* Duplicates by case, by trailing dot, by brackets and by IPv6 spelling. */
static const char *const hosts_b[] = {"Hub.Example.org", "hub.example.org.",
                                      "localhost",       "LOCALHOST",
                                      "127.0.0.1",       "::1",
                                      "[::1]",           "0:0:0:0:0:0:0:1"};
/* 60 characters, several of them two bytes in UTF-8: too long for a
 * common name once " PCN Hub CA" is added. */
static const char network_b[] =
    "R\xc3\xa9seau de soins primaires de Saint-\xc3\x89tienne-du-"
    "Rouvray et environs";

static const char *const cert_files[] = {"ca.key", "ca.pem", "server.key",
                                         "server.pem"};

typedef struct {
  char dir[64];
  char *ca_pem;  /* ca.pem's text */
  SSL_CTX *sctx; /* a server context on server.pem/server.key */
  X509 *ca, *srv;
} net;

typedef struct {
  net a, b;
} fixture;

static void path_in(char *out, size_t n, const char *dir, const char *name) {
  snprintf(out, n, "%s/%s", dir, name);
}

static X509 *load_cert(const char *path, int index) {
  X509 *x = NULL;
  BIO *b = BIO_new_file(path, "r");
  if (!b) return NULL;
  for (int i = 0; i <= index; i++) {
    X509_free(x);
    x = PEM_read_bio_X509(b, NULL, NULL, NULL);
    if (!x) break;
  }
  BIO_free(b);
  ERR_clear_error();
  return x;
}

static void remove_dir(const char *dir) {
  char p[256];
  for (size_t i = 0; i < sizeof cert_files / sizeof cert_files[0]; i++) {
    path_in(p, sizeof p, dir, cert_files[i]);
    unlink(p);
  }
  rmdir(dir);
}

static int file_exists(const char *dir, const char *name) {
  char p[256];
  struct stat sb;
  path_in(p, sizeof p, dir, name);
  return stat(p, &sb) == 0;
}

static int make_dir(char *dir, size_t n) {
  snprintf(dir, n, "/tmp/pcn-pki-XXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}

static int net_make(net *nt, const char *name, const char *const *hosts,
                    size_t nhosts) {
  char err[300], p[256], k[256];
  if (make_dir(nt->dir, sizeof nt->dir)) return -1;
  if (certs_create(nt->dir, name, hosts, nhosts, err, sizeof err)) {
    fprintf(stderr, "certs_create: %s\n", err);
    return -1;
  }
  path_in(p, sizeof p, nt->dir, "ca.pem");
  nt->ca_pem = certs_read_file(p, err, sizeof err);
  nt->ca = load_cert(p, 0);
  path_in(p, sizeof p, nt->dir, "server.pem");
  path_in(k, sizeof k, nt->dir, "server.key");
  nt->srv = load_cert(p, 0);
  nt->sctx = pcn_pki_server_ctx(p, k, err, sizeof err);
  if (!nt->sctx) fprintf(stderr, "pcn_pki_server_ctx: %s\n", err);
  return nt->ca_pem && nt->ca && nt->srv && nt->sctx ? 0 : -1;
}

static void net_free(net *nt) {
  SSL_CTX_free(nt->sctx);
  X509_free(nt->srv);
  X509_free(nt->ca);
  free(nt->ca_pem);
  if (nt->dir[0]) remove_dir(nt->dir);
}

static int group_setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f) return -1;
  *state = f;
  if (net_make(&f->a, "Riverside", hosts_a, 4) ||
      net_make(&f->b, network_b, hosts_b, 8))
    return -1;
  return 0;
}

static int group_teardown(void **state) {
  fixture *f = *state;
  if (!f) return 0;
  net_free(&f->b);
  net_free(&f->a);
  free(f);
  return 0;
}

/* Drives a client and a server SSL over a BIO pair until both finish the
 * handshake or one fails, then (on success) sends a message each way so
 * post-handshake messages such as session tickets are processed too.
 * Returns 0 on success; *verify gets the client's verify result. When
 * keep is not NULL the client SSL is handed back instead of freed. */
static int handshake(SSL_CTX *cctx, SSL_CTX *sctx, const char *host,
                     long *verify, SSL **keep) {
  SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
  BIO *bc = NULL, *bs = NULL;
  int cdone = 0, sdone = 0, failed = 0;
  assert_non_null(c);
  assert_non_null(s);
  assert_int_equal(BIO_new_bio_pair(&bc, 0, &bs, 0), 1);
  SSL_set_bio(c, bc, bc);
  SSL_set_bio(s, bs, bs);
  SSL_set_connect_state(c);
  SSL_set_accept_state(s);
  if (host) assert_int_equal(pcn_pki_client_set_host(c, host), 0);
  for (int i = 0; i < 20 && !failed && !(cdone && sdone); i++) {
    if (!cdone) {
      int r = SSL_do_handshake(c);
      int e = SSL_get_error(c, r);
      if (r == 1)
        cdone = 1;
      else if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
        failed = 1;
    }
    if (!sdone && !failed) {
      int r = SSL_do_handshake(s);
      int e = SSL_get_error(s, r);
      if (r == 1)
        sdone = 1;
      else if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
        failed = 1;
    }
  }
  int ok = cdone && sdone && !failed;
  if (ok) {
    char buf[8];
    assert_int_equal(SSL_version(c), TLS1_3_VERSION);
    assert_int_equal(SSL_write(c, "ping", 4), 4);
    assert_int_equal(SSL_read(s, buf, sizeof buf), 4);
    assert_memory_equal(buf, "ping", 4);
    assert_int_equal(SSL_write(s, "pong", 4), 4);
    assert_int_equal(SSL_read(c, buf, sizeof buf), 4);
    assert_memory_equal(buf, "pong", 4);
  }
  if (verify) *verify = SSL_get_verify_result(c);
  SSL_free(s);
  if (keep)
    *keep = c;
  else
    SSL_free(c);
  ERR_clear_error();
  return ok ? 0 : -1;
}

static void test_files_and_modes(void **state) {
  fixture *f = *state;
  char p[256], err[300];
  struct stat sb;
  for (size_t i = 0; i < 4; i++) {
    path_in(p, sizeof p, f->a.dir, cert_files[i]);
    assert_int_equal(stat(p, &sb), 0);
    assert_true(S_ISREG(sb.st_mode));
    if (strstr(cert_files[i], ".key")) {
      assert_int_equal(sb.st_mode & 0777, 0600);
      /* An unencrypted PKCS#8 EC P-256 key. */
      BIO *b = BIO_new_file(p, "r");
      EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
      assert_non_null(k);
      assert_true(EVP_PKEY_is_a(k, "EC"));
      assert_int_equal(EVP_PKEY_get_bits(k), 256);
      char group[32];
      assert_int_equal(EVP_PKEY_get_group_name(k, group, sizeof group, NULL),
                       1);
      assert_string_equal(group, "prime256v1");
      EVP_PKEY_free(k);
      BIO_free(b);
    } else {
      /* Public: nobody but the owner may write it. */
      assert_int_equal(sb.st_mode & 0133, 0);
      assert_true(sb.st_mode & 0400);
    }
  }
  /* server.pem is the chain: the server certificate, then the CA. */
  uint8_t fp_ca[32], fp_chain_ca[32], fp_first[32], fp_srv[32];
  path_in(p, sizeof p, f->a.dir, "ca.pem");
  assert_int_equal(certs_fingerprint_file(p, fp_ca, err, sizeof err), 0);
  assert_int_equal(pcn_pki_sha256(f->a.ca, fp_chain_ca), 0);
  assert_memory_equal(fp_ca, fp_chain_ca, 32);
  path_in(p, sizeof p, f->a.dir, "server.pem");
  X509 *second = load_cert(p, 1);
  assert_non_null(second);
  assert_int_equal(pcn_pki_sha256(second, fp_chain_ca), 0);
  assert_memory_equal(fp_ca, fp_chain_ca, 32);
  X509_free(second);
  assert_int_equal(certs_fingerprint_file(p, fp_first, err, sizeof err), 0);
  assert_int_equal(pcn_pki_sha256(f->a.srv, fp_srv), 0);
  assert_memory_equal(fp_first, fp_srv, 32);
  /* The fingerprint is SHA-256 over the DER. */
  unsigned char *der = NULL;
  int n = i2d_X509(f->a.ca, &der);
  assert_true(n > 0);
  uint8_t md[32];
  assert_non_null(SHA256(der, (size_t)n, md));
  assert_memory_equal(md, fp_ca, 32);
  OPENSSL_free(der);

  path_in(p, sizeof p, f->a.dir, "nonexistent.pem");
  assert_int_equal(certs_fingerprint_file(p, fp_ca, err, sizeof err), -1);
  assert_non_null(strstr(err, "nonexistent.pem"));
  assert_null(certs_read_file(p, err, sizeof err));
  assert_non_null(strstr(err, "nonexistent.pem"));
  path_in(p, sizeof p, f->a.dir, "ca.key");
  assert_int_equal(certs_fingerprint_file(p, fp_ca, err, sizeof err), -1);
  assert_non_null(strstr(err, "ca.key"));
  assert_int_equal(ERR_peek_error(), 0);
}

static int ext_critical(X509 *x, int nid) {
  int i = X509_get_ext_by_NID(x, nid, -1);
  if (i < 0) return -1;
  return X509_EXTENSION_get_critical(X509_get_ext(x, i));
}

static long days_left(X509 *x) {
  int days = 0, secs = 0;
  assert_int_equal(ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(x)),
                   1);
  return days;
}

static void check_serial(X509 *x) {
  BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
  assert_non_null(bn);
  assert_false(BN_is_negative(bn));
  assert_false(BN_is_zero(bn));
  assert_true(BN_num_bits(bn) <= 159);
  BN_free(bn);
}

static void test_ca_certificate(void **state) {
  fixture *f = *state;
  X509 *ca = f->a.ca;
  char cn[128];
  assert_int_equal(X509_get_version(ca), X509_VERSION_3);
  assert_true(X509_NAME_get_text_by_NID(X509_get_subject_name(ca),
                                        NID_commonName, cn, sizeof cn) > 0);
  assert_string_equal(cn, "Riverside PCN Hub CA");
  assert_int_equal(
      X509_NAME_cmp(X509_get_subject_name(ca), X509_get_issuer_name(ca)), 0);
  assert_int_equal(X509_check_ca(ca), 1);
  assert_int_equal(ext_critical(ca, NID_basic_constraints), 1);
  assert_true(X509_get_extension_flags(ca) & EXFLAG_CA);
  assert_int_equal(X509_get_pathlen(ca), 0);
  assert_int_equal(ext_critical(ca, NID_key_usage), 1);
  assert_true(X509_get_key_usage(ca) & KU_KEY_CERT_SIGN);
  assert_true(X509_get_key_usage(ca) & KU_CRL_SIGN);
  assert_false(X509_get_key_usage(ca) & KU_DIGITAL_SIGNATURE);
  assert_non_null(X509_get0_subject_key_id(ca));
  assert_true(X509_get_extension_flags(ca) & EXFLAG_SS);
  assert_int_equal(X509_get_signature_nid(ca), NID_ecdsa_with_SHA256);
  check_serial(ca);
  long d = days_left(ca);
  assert_true(d >= 3649 && d <= 3650);
  EVP_PKEY *pub = X509_get0_pubkey(ca);
  assert_int_equal(X509_verify(ca, pub), 1);
}

static void test_server_certificate(void **state) {
  fixture *f = *state;
  X509 *srv = f->a.srv, *ca = f->a.ca;
  char cn[128];
  assert_int_equal(X509_get_version(srv), X509_VERSION_3);
  assert_true(X509_NAME_get_text_by_NID(X509_get_subject_name(srv),
                                        NID_commonName, cn, sizeof cn) > 0);
  assert_string_equal(cn, "pcn.example.nhs.uk");
  assert_int_equal(
      X509_NAME_cmp(X509_get_issuer_name(srv), X509_get_subject_name(ca)), 0);
  assert_int_equal(X509_verify(srv, X509_get0_pubkey(ca)), 1);
  assert_int_equal(X509_check_issued(ca, srv), X509_V_OK);
  assert_int_equal(X509_check_ca(srv), 0);
  assert_int_equal(X509_check_purpose(srv, X509_PURPOSE_SSL_SERVER, 0), 1);
  assert_int_equal(ext_critical(srv, NID_key_usage), 1);
  assert_int_equal(X509_get_key_usage(srv), KU_DIGITAL_SIGNATURE);
  assert_true(X509_get_extended_key_usage(srv) & XKU_SSL_SERVER);
  assert_int_equal(X509_get_signature_nid(srv), NID_ecdsa_with_SHA256);
  check_serial(srv);
  long d = days_left(srv);
  assert_true(d >= 824 && d <= 825);

  /* The authority key identifier is the CA's subject key identifier. */
  const ASN1_OCTET_STRING *akid = X509_get0_authority_key_id(srv);
  assert_non_null(akid);
  assert_int_equal(ASN1_OCTET_STRING_cmp(akid, X509_get0_subject_key_id(ca)),
                   0);
  assert_non_null(X509_get0_subject_key_id(srv));

  /* Exactly one subjectAltName per host, of the right type. */
  GENERAL_NAMES *gens = X509_get_ext_d2i(srv, NID_subject_alt_name, NULL, NULL);
  assert_non_null(gens);
  assert_int_equal(sk_GENERAL_NAME_num(gens), 4);
  int ndns = 0, nip = 0;
  for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
    int type;
    GENERAL_NAME_get0_value(sk_GENERAL_NAME_value(gens, i), &type);
    ndns += type == GEN_DNS;
    nip += type == GEN_IPADD;
  }
  assert_int_equal(ndns, 2);
  assert_int_equal(nip, 2);
  GENERAL_NAMES_free(gens);
  assert_int_equal(X509_check_host(srv, "pcn.example.nhs.uk", 0, 0, NULL), 1);
  assert_int_equal(X509_check_host(srv, "localhost", 0, 0, NULL), 1);
  assert_int_equal(X509_check_ip_asc(srv, "127.0.0.1", 0), 1);
  assert_int_equal(X509_check_ip_asc(srv, "::1", 0), 1);
  assert_int_equal(X509_check_host(srv, "other.example", 0, 0, NULL), 0);
  assert_int_equal(X509_check_ip_asc(srv, "127.0.0.2", 0), 0);
}

/* Verifies srv against ca alone, strictly, as a TLS server for host. */
static int strict_verify(X509 *ca, X509 *srv, const char *host, int is_ip) {
  X509_STORE *st = X509_STORE_new();
  X509_STORE_CTX *ctx = X509_STORE_CTX_new();
  assert_non_null(st);
  assert_non_null(ctx);
  assert_int_equal(X509_STORE_add_cert(st, ca), 1);
  assert_int_equal(X509_STORE_CTX_init(ctx, st, srv, NULL), 1);
  assert_int_equal(X509_STORE_CTX_set_default(ctx, "ssl_server"), 1);
  X509_VERIFY_PARAM *p = X509_STORE_CTX_get0_param(ctx);
  X509_VERIFY_PARAM_set_flags(p, X509_V_FLAG_X509_STRICT);
  if (is_ip)
    assert_int_equal(X509_VERIFY_PARAM_set1_ip_asc(p, host), 1);
  else if (host)
    assert_int_equal(X509_VERIFY_PARAM_set1_host(p, host, 0), 1);
  int rc = X509_verify_cert(ctx);
  int e = X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(st);
  ERR_clear_error();
  return rc == 1 ? X509_V_OK : e;
}

static void test_strict_verification(void **state) {
  fixture *f = *state;
  assert_int_equal(strict_verify(f->a.ca, f->a.srv, NULL, 0), X509_V_OK);
  assert_int_equal(strict_verify(f->a.ca, f->a.srv, "pcn.example.nhs.uk", 0),
                   X509_V_OK);
  assert_int_equal(strict_verify(f->a.ca, f->a.srv, "::1", 1), X509_V_OK);
  assert_int_equal(strict_verify(f->b.ca, f->b.srv, "hub.example.org", 0),
                   X509_V_OK);
  assert_int_equal(strict_verify(f->a.ca, f->a.srv, "other.example", 0),
                   X509_V_ERR_HOSTNAME_MISMATCH);
  assert_int_not_equal(strict_verify(f->b.ca, f->a.srv, NULL, 0), X509_V_OK);
  /* The CA itself is no server certificate (no digitalSignature). */
  assert_int_equal(strict_verify(f->a.ca, f->a.ca, NULL, 0),
                   X509_V_ERR_INVALID_PURPOSE);
}

static void test_handshake_hosts(void **state) {
  fixture *f = *state;
  char err[300];
  long v;
  SSL_CTX *cctx = pcn_pki_client_ctx(f->a.ca_pem, err, sizeof err);
  assert_non_null(cctx);
  assert_int_equal(SSL_CTX_get_verify_mode(cctx), SSL_VERIFY_PEER);
  const char *good[] = {"127.0.0.1",          "localhost", "pcn.example.nhs.uk",
                        "PCN.Example.NHS.uk", "::1",       "[::1]"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    assert_int_equal(handshake(cctx, f->a.sctx, good[i], &v, NULL), 0);
    assert_int_equal(v, X509_V_OK);
  }
  assert_int_equal(handshake(cctx, f->a.sctx, "other.example", &v, NULL), -1);
  assert_int_equal(v, X509_V_ERR_HOSTNAME_MISMATCH);
  assert_int_equal(handshake(cctx, f->a.sctx, "10.1.2.3", &v, NULL), -1);
  assert_int_equal(v, X509_V_ERR_IP_ADDRESS_MISMATCH);
  /* A partial match is no match. */
  assert_int_equal(handshake(cctx, f->a.sctx, "example.nhs.uk", &v, NULL), -1);
  SSL_CTX_free(cctx);
  assert_int_equal(ERR_peek_error(), 0);
}

static void test_handshake_sni(void **state) {
  fixture *f = *state;
  char err[300];
  SSL_CTX *cctx = pcn_pki_client_ctx(f->a.ca_pem, err, sizeof err);
  SSL *c = SSL_new(cctx);
  assert_int_equal(pcn_pki_client_set_host(c, "localhost"), 0);
  assert_string_equal(SSL_get_servername(c, TLSEXT_NAMETYPE_host_name),
                      "localhost");
  SSL_free(c);
  /* No SNI for an address (RFC 6066). */
  c = SSL_new(cctx);
  assert_int_equal(pcn_pki_client_set_host(c, "127.0.0.1"), 0);
  assert_null(SSL_get_servername(c, TLSEXT_NAMETYPE_host_name));
  SSL_free(c);
  c = SSL_new(cctx);
  assert_int_equal(pcn_pki_client_set_host(c, NULL), -1);
  assert_int_equal(pcn_pki_client_set_host(c, ""), -1);
  assert_int_equal(pcn_pki_client_set_host(c, "[]"), -1);
  SSL_free(c);
  SSL_CTX_free(cctx);
  assert_int_equal(ERR_peek_error(), 0);
}

static void test_handshake_wrong_ca(void **state) {
  fixture *f = *state;
  char err[300];
  long v;
  SSL_CTX *cctx = pcn_pki_client_ctx(f->b.ca_pem, err, sizeof err);
  assert_non_null(cctx);
  assert_int_equal(handshake(cctx, f->a.sctx, "127.0.0.1", &v, NULL), -1);
  assert_int_not_equal(v, X509_V_OK);
  assert_int_equal(handshake(cctx, f->b.sctx, "127.0.0.1", &v, NULL), 0);
  SSL_CTX_free(cctx);
}

static void test_tls12_refused(void **state) {
  fixture *f = *state;
  char err[300];
  SSL_CTX *cctx = pcn_pki_client_ctx(f->a.ca_pem, err, sizeof err);
  assert_non_null(cctx);
  /* Our client context refuses to go below 1.3... */
  assert_int_equal(SSL_CTX_get_min_proto_version(cctx), TLS1_3_VERSION);
  assert_int_equal(SSL_CTX_get_max_proto_version(cctx), TLS1_3_VERSION);
  SSL_CTX_free(cctx);
  /* ...and the server refuses a client that offers only 1.2. */
  cctx = SSL_CTX_new(TLS_client_method());
  assert_non_null(cctx);
  assert_int_equal(SSL_CTX_set_min_proto_version(cctx, TLS1_2_VERSION), 1);
  assert_int_equal(SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION), 1);
  SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, NULL);
  assert_int_equal(handshake(cctx, f->a.sctx, NULL, NULL, NULL), -1);
  SSL_CTX_free(cctx);
  assert_int_equal(SSL_CTX_get_min_proto_version(f->a.sctx), TLS1_3_VERSION);
  assert_int_equal(SSL_CTX_get_max_proto_version(f->a.sctx), TLS1_3_VERSION);
}

/* The group a handshake between cctx and sctx settled on, or 0 when it
 * failed. */
static int agreed_group(SSL_CTX *cctx, SSL_CTX *sctx) {
  SSL *c = NULL;
  if (handshake(cctx, sctx, "127.0.0.1", NULL, &c) != 0) {
    SSL_free(c);
    return 0;
  }
  int nid = SSL_get_negotiated_group(c);
  SSL_free(c);
  return nid;
}

/* Only X25519 and P-256, at both ends: a finite-field exchange (up to
 * ffdhe8192, about 200 times the CPU of X25519) runs on the server's loop
 * thread and would let any client make every handshake slow. */
static void test_key_groups(void **state) {
  fixture *f = *state;
  char err[300], p[256], k[256];
  static const struct {
    const char *offer;
    int nid; /* 0: refused */
  } server_side[] = {{"ffdhe2048", 0},
                     {"ffdhe8192", 0},
                     {"ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:ffdhe8192", 0},
                     {"X448", 0},
                     {"X25519", NID_X25519},
                     {"P-256", NID_X9_62_prime256v1},
                     {"ffdhe8192:P-256", NID_X9_62_prime256v1}};
  /* The server refuses a client offering anything else. */
  for (size_t i = 0; i < sizeof server_side / sizeof server_side[0]; i++) {
    SSL_CTX *cctx = pcn_pki_client_ctx(f->a.ca_pem, err, sizeof err);
    assert_non_null(cctx);
    assert_int_equal(SSL_CTX_set1_groups_list(cctx, server_side[i].offer), 1);
    int got = agreed_group(cctx, f->a.sctx);
    if (got != server_side[i].nid)
      fail_msg("client offering %s: group %d, wanted %d", server_side[i].offer,
               got, server_side[i].nid);
    SSL_CTX_free(cctx);
  }
  /* Our client refuses a server that accepts only finite-field groups. */
  path_in(p, sizeof p, f->a.dir, "server.pem");
  path_in(k, sizeof k, f->a.dir, "server.key");
  static const struct {
    const char *accept;
    int nid;
  } client_side[] = {{"ffdhe2048", 0},
                     {"ffdhe8192", 0},
                     {"P-256", NID_X9_62_prime256v1},
                     {"X25519", NID_X25519}};
  SSL_CTX *cctx = pcn_pki_client_ctx(f->a.ca_pem, err, sizeof err);
  assert_non_null(cctx);
  for (size_t i = 0; i < sizeof client_side / sizeof client_side[0]; i++) {
    SSL_CTX *sctx = pcn_pki_server_ctx(p, k, err, sizeof err);
    assert_non_null(sctx);
    assert_int_equal(SSL_CTX_set1_groups_list(sctx, client_side[i].accept), 1);
    int got = agreed_group(cctx, sctx);
    if (got != client_side[i].nid)
      fail_msg("server accepting %s: group %d, wanted %d",
               client_side[i].accept, got, client_side[i].nid);
    SSL_CTX_free(sctx);
  }
  SSL_CTX_free(cctx);
  /* Unchanged contexts agree on the first preference. */
  cctx = pcn_pki_client_ctx(f->a.ca_pem, err, sizeof err);
  assert_int_equal(agreed_group(cctx, f->a.sctx), NID_X25519);
  SSL_CTX_free(cctx);
}

static void test_pin_from_peer(void **state) {
  fixture *f = *state;
  char err[300];
  uint8_t fp_a[32], fp_b[32], fp_leaf[32];
  assert_int_equal(pcn_pki_sha256(f->a.ca, fp_a), 0);
  assert_int_equal(pcn_pki_sha256(f->b.ca, fp_b), 0);
  assert_int_equal(pcn_pki_sha256(f->a.srv, fp_leaf), 0);

  SSL_CTX *join = pcn_pki_client_ctx(NULL, err, sizeof err);
  assert_non_null(join);
  assert_int_equal(SSL_CTX_get_verify_mode(join), SSL_VERIFY_NONE);
  SSL *c = NULL;
  assert_int_equal(handshake(join, f->a.sctx, "127.0.0.1", NULL, &c), 0);

  char *pem = pcn_pki_pin_from_peer(c, fp_a, "127.0.0.1", err, sizeof err);
  assert_non_null(pem);
  assert_string_equal(pem, f->a.ca_pem);
  free(pem);
  pem = pcn_pki_pin_from_peer(c, fp_a, "localhost", err, sizeof err);
  assert_non_null(pem);
  free(pem);

  err[0] = '\0';
  assert_null(pcn_pki_pin_from_peer(c, fp_b, "127.0.0.1", err, sizeof err));
  assert_non_null(strstr(err, "does not match the fingerprint"));
  /* The server's own certificate is in the chain but is no CA. */
  err[0] = '\0';
  assert_null(pcn_pki_pin_from_peer(c, fp_leaf, "127.0.0.1", err, sizeof err));
  assert_true(err[0] != '\0');
  err[0] = '\0';
  assert_null(pcn_pki_pin_from_peer(c, fp_a, "other.example", err, sizeof err));
  assert_non_null(strstr(err, "does not name other.example"));
  assert_null(pcn_pki_pin_from_peer(c, fp_a, "10.9.9.9", err, sizeof err));
  assert_non_null(strstr(err, "does not name 10.9.9.9"));
  SSL_free(c);

  /* A server from another network with the invitation's fingerprint for
   * network A is refused, whatever it says about itself. */
  c = NULL;
  assert_int_equal(handshake(join, f->b.sctx, "127.0.0.1", NULL, &c), 0);
  assert_null(pcn_pki_pin_from_peer(c, fp_a, "127.0.0.1", err, sizeof err));
  assert_non_null(strstr(err, "does not match the fingerprint"));
  SSL_free(c);
  SSL_CTX_free(join);

  /* No handshake, no certificate. */
  SSL_CTX *cctx = pcn_pki_client_ctx(NULL, err, sizeof err);
  c = SSL_new(cctx);
  assert_null(pcn_pki_pin_from_peer(c, fp_a, "127.0.0.1", err, sizeof err));
  SSL_free(c);
  SSL_CTX_free(cctx);

  /* The pinned PEM is what later connections verify against. */
  pem = NULL;
  cctx = pcn_pki_client_ctx(NULL, err, sizeof err);
  c = NULL;
  assert_int_equal(handshake(cctx, f->a.sctx, "localhost", NULL, &c), 0);
  pem = pcn_pki_pin_from_peer(c, fp_a, "localhost", err, sizeof err);
  assert_non_null(pem);
  SSL_free(c);
  SSL_CTX_free(cctx);
  cctx = pcn_pki_client_ctx(pem, err, sizeof err);
  assert_non_null(cctx);
  assert_int_equal(handshake(cctx, f->a.sctx, "localhost", NULL, NULL), 0);
  assert_int_equal(handshake(cctx, f->b.sctx, "localhost", NULL, NULL), -1);
  SSL_CTX_free(cctx);
  free(pem);
  assert_int_equal(ERR_peek_error(), 0);
}

static void test_context_errors(void **state) {
  fixture *f = *state;
  char err[300], chain[256], key[256];
  err[0] = '\0';
  assert_null(pcn_pki_client_ctx("not a certificate", err, sizeof err));
  assert_true(err[0] != '\0');
  err[0] = '\0';
  assert_null(pcn_pki_client_ctx("", err, sizeof err));
  assert_true(err[0] != '\0');
  /* A damaged certificate after a good one is refused, not skipped. */
  size_t n = strlen(f->a.ca_pem);
  char *two = malloc(2 * n + 1);
  assert_non_null(two);
  memcpy(two, f->a.ca_pem, n);
  memcpy(two + n, f->b.ca_pem, n);
  two[2 * n] = '\0';
  two[n + 40] = '*';
  err[0] = '\0';
  assert_null(pcn_pki_client_ctx(two, err, sizeof err));
  assert_true(err[0] != '\0');
  free(two);

  path_in(chain, sizeof chain, f->a.dir, "missing.pem");
  path_in(key, sizeof key, f->a.dir, "server.key");
  assert_null(pcn_pki_server_ctx(chain, key, err, sizeof err));
  assert_non_null(strstr(err, "missing.pem"));
  assert_non_null(strstr(err, "No such file"));
  /* Network A's chain with network B's key. */
  path_in(chain, sizeof chain, f->a.dir, "server.pem");
  path_in(key, sizeof key, f->b.dir, "server.key");
  assert_null(pcn_pki_server_ctx(chain, key, err, sizeof err));
  assert_non_null(strstr(err, "must match"));
  assert_int_equal(ERR_peek_error(), 0);
}

static void test_dedupe_and_long_name(void **state) {
  fixture *f = *state;
  GENERAL_NAMES *gens =
      X509_get_ext_d2i(f->b.srv, NID_subject_alt_name, NULL, NULL);
  assert_non_null(gens);
  /* hub.example.org, localhost, 127.0.0.1, ::1 */
  assert_int_equal(sk_GENERAL_NAME_num(gens), 4);
  GENERAL_NAMES_free(gens);
  assert_int_equal(X509_check_host(f->b.srv, "hub.example.org", 0, 0, NULL), 1);
  char cn[300];
  assert_true(X509_NAME_get_text_by_NID(X509_get_subject_name(f->b.srv),
                                        NID_commonName, cn, sizeof cn) > 0);
  assert_string_equal(cn, "hub.example.org");

  /* The CA's common name: cut to 64 characters at a character boundary. */
  X509_NAME_ENTRY *e = X509_NAME_get_entry(
      X509_get_subject_name(f->b.ca),
      X509_NAME_get_index_by_NID(X509_get_subject_name(f->b.ca), NID_commonName,
                                 -1));
  assert_non_null(e);
  unsigned char *utf8 = NULL;
  int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
  assert_true(len > 0);
  int chars = 0;
  for (int i = 0; i < len; i++)
    chars += (utf8[i] & 0xC0) != 0x80;
  assert_true(chars <= 64);
  assert_true(len > 11);
  assert_memory_equal(utf8 + len - 11, " PCN Hub CA", 11);
  assert_memory_equal(utf8, network_b, 20);
  OPENSSL_free(utf8);
}

static void test_refuses_overwrite(void **state) {
  fixture *f = *state;
  char err[300], p[256], dir[64];
  uint8_t before[32], after[32];
  path_in(p, sizeof p, f->a.dir, "ca.pem");
  assert_int_equal(certs_fingerprint_file(p, before, err, sizeof err), 0);
  err[0] = '\0';
  assert_int_equal(
      certs_create(f->a.dir, "Riverside", hosts_a, 4, err, sizeof err), -1);
  assert_non_null(strstr(err, "already exists"));
  assert_int_equal(certs_fingerprint_file(p, after, err, sizeof err), 0);
  assert_memory_equal(before, after, 32);

  /* Only server.pem is there: certs_create fails on it last and removes
   * the three files it made, leaving server.pem alone. */
  assert_int_equal(make_dir(dir, sizeof dir), 0);
  path_in(p, sizeof p, dir, "server.pem");
  FILE *fp = fopen(p, "w");
  assert_non_null(fp);
  fputs("someone else's\n", fp);
  fclose(fp);
  assert_int_equal(certs_create(dir, "X", hosts_a, 4, err, sizeof err), -1);
  assert_non_null(strstr(err, "server.pem"));
  assert_false(file_exists(dir, "ca.key"));
  assert_false(file_exists(dir, "ca.pem"));
  assert_false(file_exists(dir, "server.key"));
  char *left = certs_read_file(p, err, sizeof err);
  assert_non_null(left);
  assert_string_equal(left, "someone else's\n");
  free(left);
  remove_dir(dir);

  /* A symlink where a key would go is not followed. */
  assert_int_equal(make_dir(dir, sizeof dir), 0);
  char target[256];
  path_in(target, sizeof target, dir, "target");
  path_in(p, sizeof p, dir, "ca.key");
  assert_int_equal(symlink(target, p), 0);
  assert_int_equal(certs_create(dir, "X", hosts_a, 4, err, sizeof err), -1);
  assert_non_null(strstr(err, "already exists"));
  struct stat sb;
  assert_int_not_equal(stat(target, &sb), 0);
  remove_dir(dir);

  assert_int_equal(
      certs_create("/nonexistent-pcn-dir", "X", hosts_a, 4, err, sizeof err),
      -1);
  assert_non_null(strstr(err, "/nonexistent-pcn-dir/ca.key"));
  assert_int_equal(ERR_peek_error(), 0);
}

static void test_bad_hosts(void **state) {
  (void)state;
  char err[300], dir[64];
  assert_int_equal(make_dir(dir, sizeof dir), 0);
  const char *bad[] = {"bad host", "*.example.org",      "",
                       "a..b",     "x,DNS:evil.example", ".",
                       "[]",       "caf\xc3\xa9.fr"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    const char *hosts[] = {"localhost", bad[i]};
    err[0] = '\0';
    assert_int_equal(certs_create(dir, "X", hosts, 2, err, sizeof err), -1);
    assert_non_null(strstr(err, "is not a host name"));
    assert_non_null(strstr(err, bad[i]));
    for (size_t j = 0; j < 4; j++)
      assert_false(file_exists(dir, cert_files[j]));
  }
  assert_int_equal(certs_create(dir, "X", NULL, 0, err, sizeof err), -1);
  assert_int_equal(certs_create(dir, "", hosts_a, 4, err, sizeof err), -1);
  /* A name that is not UTF-8 cannot go in the CA's common name. */
  assert_int_equal(
      certs_create(dir, "bad \xff name", hosts_a, 4, err, sizeof err), -1);
  assert_non_null(strstr(err, "UTF-8"));
  for (size_t j = 0; j < 4; j++)
    assert_false(file_exists(dir, cert_files[j]));
  /* A very long first host still gets a certificate (the common name is
   * limited to 64 characters; the subjectAltName is not). */
  const char *longhost[] = {
      "a-rather-long-label-for-a-host-name-in-a-primary-care-network."
      "hub.example.org"};
  assert_int_equal(certs_create(dir, "X", longhost, 1, err, sizeof err), 0);
  char p[256];
  path_in(p, sizeof p, dir, "server.pem");
  X509 *srv = load_cert(p, 0);
  assert_non_null(srv);
  assert_int_equal(X509_check_host(srv, longhost[0], 0, 0, NULL), 1);
  X509_free(srv);
  remove_dir(dir);
  assert_int_equal(ERR_peek_error(), 0);
}

/* Python's ssl module with VERIFY_X509_STRICT (the default from 3.13)
 * accepts our chain: the check that caught real-world PKIs out. */
static void test_python_strict(void **state) {
  fixture *f = *state;
  char script[512], cmd[1400];
  const char *file = __FILE__;
  const char *slash = strrchr(file, '/');
  if (system("command -v python3 >/dev/null 2>&1") != 0) skip();
  snprintf(script, sizeof script, "%.*spki_strict_check.py",
           slash ? (int)(slash - file + 1) : 0, file);
  if (access(script, R_OK) != 0) skip();
  snprintf(cmd, sizeof cmd, "python3 '%s' '%s'", script, f->a.dir);
  int rc = system(cmd);
  assert_true(WIFEXITED(rc));
  if (WEXITSTATUS(rc) == 77) skip();
  assert_int_equal(WEXITSTATUS(rc), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_files_and_modes),
      cmocka_unit_test(test_ca_certificate),
      cmocka_unit_test(test_server_certificate),
      cmocka_unit_test(test_strict_verification),
      cmocka_unit_test(test_handshake_hosts),
      cmocka_unit_test(test_handshake_sni),
      cmocka_unit_test(test_handshake_wrong_ca),
      cmocka_unit_test(test_tls12_refused),
      cmocka_unit_test(test_key_groups),
      cmocka_unit_test(test_pin_from_peer),
      cmocka_unit_test(test_context_errors),
      cmocka_unit_test(test_dedupe_and_long_name),
      cmocka_unit_test(test_refuses_overwrite),
      cmocka_unit_test(test_bad_hosts),
      cmocka_unit_test(test_python_strict),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
