/* certs.c - the network CA and server certificate (see certs.h).
 *
 * Owns: making the keys and certificates in memory, then writing them to
 * four new files; renewing the server key and certificate from the CA
 * (pcnd cert renew); reading certificates back for their fingerprint,
 * dates and names.
 *
 * Invariants:
 * - nothing touches the disk until every key, certificate and PEM text
 *   exists in memory, so a failure to build never leaves half a network;
 * - every file is created with O_CREAT|O_EXCL and its final mode (0600 for
 *   keys), so an existing file is never overwritten in place and a key is
 *   never readable by others, not even between open and chmod; renewal
 *   writes new files beside the old (.new), fsyncs them, and renames them
 *   over, keeping the old pair as .prev;
 * - on failure, the files this call created (and only those) are removed;
 * - subjectAltName entries are built as GENERAL_NAMEs, never from a config
 *   string, so a host containing ',' or ':' cannot smuggle in another name;
 * - private key PEM text lives in secure-heap memory BIOs, which are wiped
 *   when freed.
 */
#include "certs.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "pki.h"

#define CERTS_CA_DAYS 3650
#define CERTS_SERVER_DAYS 825
#define CERTS_BACKDATE_S 3600 /* tolerate clients whose clocks run slow */
#define CERTS_CN_MAX 64       /* characters: X.520 ub-common-name */
#define CERTS_SERIAL_BITS 159 /* positive and under RFC 5280's 20 octets */
#define CERTS_FILE_MAX (1L << 20)

enum { F_CA_KEY, F_CA_PEM, F_SRV_KEY, F_SRV_PEM, F_COUNT };

/* Written in this order: the CA key first, so a clash with an existing
 * network is found before anything is created. */
static const struct {
  const char *name;
  mode_t mode;
} certs_files[F_COUNT] = {
    {"ca.key", 0600},
    {"ca.pem", 0644},
    {"server.key", 0600},
    {"server.pem", 0644},
};

typedef struct {
  int nid;
  const char *value;
} ext_spec;

static const ext_spec ca_exts[] = {
    {NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
    {NID_key_usage, "critical,keyCertSign,cRLSign"},
    {NID_subject_key_identifier, "hash"},
    {NID_authority_key_identifier, "keyid:always"},
    {0, NULL},
};

static const ext_spec server_exts[] = {
    {NID_basic_constraints, "critical,CA:FALSE"},
    {NID_key_usage, "critical,digitalSignature"},
    {NID_ext_key_usage, "serverAuth"},
    {NID_subject_key_identifier, "hash"},
    {NID_authority_key_identifier, "keyid:always"},
    {0, NULL},
};

static void certs_err(char *err, size_t errlen, const char *fmt, ...) {
  if (!err || !errlen) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

/* The earliest queued error is the specific one; takes it and empties the
 * queue so it cannot surface later from an unrelated SSL call. */
static const char *certs_reason(char *buf, size_t buflen) {
  unsigned long e = ERR_get_error();
  const char *r = NULL;
  if (!e)
    snprintf(buf, buflen, "no detail from OpenSSL");
  else if (ERR_SYSTEM_ERROR(e))
    snprintf(buf, buflen, "%s", strerror(ERR_GET_REASON(e)));
  else if ((r = ERR_reason_error_string(e)) != NULL)
    snprintf(buf, buflen, "%s", r);
  else
    ERR_error_string_n(e, buf, buflen);
  ERR_clear_error();
  return buf;
}

/* A host as it goes into the certificate: brackets off an IPv6 literal, a
 * DNS name lowercased (names compare case-insensitively, so this makes
 * duplicates byte-equal) and without a trailing dot. */
static int host_normalize(const char *in, char *out, size_t outlen) {
  size_t n = strlen(in);
  if (n >= 2 && in[0] == '[' && in[n - 1] == ']') {
    in++;
    n -= 2;
  }
  if (n > 1 && in[n - 1] == '.') n--;
  if (n == 0 || n >= outlen) return -1;
  for (size_t i = 0; i < n; i++) {
    char c = in[i];
    out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
  }
  out[n] = '\0';
  return 0;
}

/* LDH labels of 1 to 63 characters (and '_', which private networks use),
 * at most 253 in all. No wildcards: the server answers on real names. */
static int dns_name_ok(const char *s) {
  size_t n = strlen(s), label = 0;
  if (n == 0 || n > 253) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '.') {
      if (label == 0) return 0;
      label = 0;
      continue;
    }
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_'))
      return 0;
    if (++label > 63) return 0;
  }
  return label > 0;
}

/* Whether gens already names this address (ip) or DNS name (dns). */
static int san_has(GENERAL_NAMES *gens, const ASN1_OCTET_STRING *ip,
                   const char *dns) {
  for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
    int type;
    void *v = GENERAL_NAME_get0_value(sk_GENERAL_NAME_value(gens, i), &type);
    if (ip && type == GEN_IPADD && ASN1_OCTET_STRING_cmp(v, ip) == 0) return 1;
    if (!ip && type == GEN_DNS &&
        strcmp((const char *)ASN1_STRING_get0_data(v), dns) == 0)
      return 1;
  }
  return 0;
}

/* One subjectAltName entry per distinct host: iPAddress for IPv4 and IPv6
 * literals (compared as bytes, so "::1" and "0::1" are one), dNSName for
 * the rest. first receives hosts[0] normalised, for the common name. */
static GENERAL_NAMES *san_build(const char *const *hosts, size_t nhosts,
                                char *first, size_t firstlen, char *err,
                                size_t errlen) {
  char h[CERTS_HOST_MAX], why[160];
  GENERAL_NAME *g = NULL;
  ASN1_OCTET_STRING *ip = NULL;
  ASN1_IA5STRING *dns = NULL;
  const char *bad = NULL;
  GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
  if (!gens) goto fail_ossl;
  for (size_t i = 0; i < nhosts; i++) {
    bad = hosts[i];
    if (!hosts[i] || host_normalize(hosts[i], h, sizeof h)) goto fail_host;
    ERR_set_mark();
    ip = a2i_IPADDRESS(h);
    ERR_pop_to_mark();
    if (!ip && !dns_name_ok(h)) goto fail_host;
    if (i == 0) snprintf(first, firstlen, "%s", h);
    if (san_has(gens, ip, h)) {
      ASN1_OCTET_STRING_free(ip);
      ip = NULL;
      continue;
    }
    g = GENERAL_NAME_new();
    if (!g) goto fail_ossl;
    if (ip) {
      GENERAL_NAME_set0_value(g, GEN_IPADD, ip);
      ip = NULL;
    } else {
      dns = ASN1_IA5STRING_new();
      if (!dns || ASN1_STRING_set(dns, h, -1) != 1) goto fail_ossl;
      GENERAL_NAME_set0_value(g, GEN_DNS, dns);
      dns = NULL;
    }
    if (!sk_GENERAL_NAME_push(gens, g)) goto fail_ossl;
    g = NULL;
  }
  return gens;

fail_host:
  certs_err(err, errlen,
            "'%s' is not a host name or IP address a certificate can name.",
            bad ? bad : "(null)");
  goto fail;
fail_ossl:
  certs_err(err, errlen, "Cannot build the subjectAltName (%s).",
            certs_reason(why, sizeof why));
fail:
  ASN1_IA5STRING_free(dns);
  ASN1_OCTET_STRING_free(ip);
  GENERAL_NAME_free(g);
  GENERAL_NAMES_free(gens);
  return NULL;
}

/* "<network> PCN Hub CA", the network name cut at a character boundary so
 * the whole stays within the 64 characters X.520 allows a common name
 * (network names may run to 120). */
static void ca_common_name(const char *network, char *out, size_t outlen) {
  static const char suffix[] = " PCN Hub CA";
  size_t room = CERTS_CN_MAX - (sizeof suffix - 1), chars = 0, n = 0;
  for (; network[n]; n++)
    if (((unsigned char)network[n] & 0xC0) != 0x80 && ++chars > room) break;
  while (n > 0 && network[n - 1] == ' ')
    n--;
  snprintf(out, outlen, "%.*s%s", (int)n, network, suffix);
}

/* Random, positive, non-zero and at most 159 bits, so the DER INTEGER fits
 * RFC 5280's 20 octets without a sign byte pushing it over. */
static int cert_serial(X509 *x) {
  int rc = -1;
  BIGNUM *bn = BN_new();
  if (!bn) return -1;
  do {
    if (BN_rand(bn, CERTS_SERIAL_BITS, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) !=
        1)
      goto out;
  } while (BN_is_zero(bn));
  if (BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x))) rc = 0;
out:
  BN_free(bn);
  return rc;
}

/* A v3 certificate for key named cn, issued by issuer (NULL: self-signed),
 * valid from an hour ago for days, with exts and the optional san, signed
 * with issuer_key and SHA-256. The extension strings are constants; nothing
 * a user typed goes through the config parser. */
static X509 *cert_build(EVP_PKEY *key, const char *cn, X509 *issuer,
                        EVP_PKEY *issuer_key, int days, const ext_spec *exts,
                        GENERAL_NAMES *san) {
  X509V3_CTX v3;
  X509_NAME *name = NULL;
  X509_EXTENSION *ext = NULL;
  X509 *x = X509_new();
  if (!x || X509_set_version(x, X509_VERSION_3) != 1 || cert_serial(x) ||
      !X509_gmtime_adj(X509_getm_notBefore(x), -CERTS_BACKDATE_S) ||
      !X509_time_adj_ex(X509_getm_notAfter(x), days, 0, NULL) ||
      X509_set_pubkey(x, key) != 1)
    goto fail;
  /* A certificate never outlives its issuer: past the CA's end it could
   * not be verified anyway, and its date would mislead `pcnd cert status`. */
  if (issuer &&
      ASN1_TIME_compare(X509_get0_notAfter(x), X509_get0_notAfter(issuer)) >
          0 &&
      X509_set1_notAfter(x, X509_get0_notAfter(issuer)) != 1)
    goto fail;
  name = X509_NAME_new();
  if (!name ||
      X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                                 (const unsigned char *)cn, -1, -1, 0) != 1 ||
      X509_set_subject_name(x, name) != 1 ||
      X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) !=
          1)
    goto fail;
  /* The subject key identifier goes in before the authority key
   * identifier, which a self-signed CA takes from its own. */
  X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
  for (const ext_spec *e = exts; e->nid; e++) {
    ext = X509V3_EXT_conf_nid(NULL, &v3, e->nid, e->value);
    if (!ext || X509_add_ext(x, ext, -1) != 1) goto fail;
    X509_EXTENSION_free(ext);
    ext = NULL;
  }
  if (san && X509_add1_ext_i2d(x, NID_subject_alt_name, san, 0,
                               X509V3_ADD_DEFAULT) != 1)
    goto fail;
  if (X509_sign(x, issuer_key, EVP_sha256()) <= 0) goto fail;
  X509_NAME_free(name);
  return x;

fail:
  X509_EXTENSION_free(ext);
  X509_NAME_free(name);
  X509_free(x);
  return NULL;
}

/* Creates path with its final mode, failing if anything is there (O_EXCL
 * also refuses to follow a symlink planted in its place), and writes data
 * durably. Removes what it created when the write fails. */
static int file_create(const char *path, mode_t mode, BIO *data, char *err,
                       size_t errlen) {
  char *p = NULL;
  size_t off = 0;
  int saved;
  long n = BIO_get_mem_data(data, &p);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST)
      certs_err(err, errlen, "%s already exists; refusing to overwrite it.",
                path);
    else
      certs_err(err, errlen, "Cannot create %s: %s.", path, strerror(errno));
    return -1;
  }
  while (n > 0 && off < (size_t)n) {
    ssize_t w = write(fd, p + off, (size_t)n - off);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) goto fail;
    off += (size_t)w;
  }
  if (fsync(fd) != 0) goto fail;
  if (close(fd) != 0) {
    fd = -1;
    goto fail;
  }
  return 0;

fail:
  saved = errno;
  if (fd >= 0) close(fd);
  unlink(path);
  certs_err(err, errlen, "Cannot write %s: %s.", path, strerror(saved));
  return -1;
}

/* Makes the new directory entries durable as well. Best effort: failing
 * here leaves complete files that might not survive a power cut, which is
 * no reason to throw away a network that was just made. */
static void dir_sync(const char *dir) {
  int fd = open(dir, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  (void)fsync(fd);
  close(fd);
}

int certs_create(const char *dir, const char *network_name,
                 const char *const *hosts, size_t nhosts, char *err,
                 size_t errlen) {
  return certs_create_ca_out(dir, NULL, network_name, hosts, nhosts, err,
                             errlen);
}

int certs_create_ca_out(const char *dir, const char *ca_key_dir,
                        const char *network_name, const char *const *hosts,
                        size_t nhosts, char *err, size_t errlen) {
  char path[F_COUNT][4096];
  char first[CERTS_HOST_MAX] = "", cn[CERTS_CN_MAX * 4 + 1], why[160];
  int created[F_COUNT] = {0};
  BIO *pem[F_COUNT] = {NULL};
  GENERAL_NAMES *san = NULL;
  EVP_PKEY *ca_key = NULL, *srv_key = NULL;
  X509 *ca = NULL, *srv = NULL;
  int rc = -1, i;

  if (!dir || !*dir || !network_name || !*network_name || !hosts ||
      nhosts == 0) {
    certs_err(err, errlen,
              "Certificates need a directory, a network name and at least "
              "one host.");
    return -1;
  }
  for (i = 0; i < F_COUNT; i++) {
    const char *in = i == F_CA_KEY && ca_key_dir ? ca_key_dir : dir;
    int n =
        snprintf(path[i], sizeof path[i], "%s/%s", in, certs_files[i].name);
    if (n < 0 || (size_t)n >= sizeof path[i]) {
      certs_err(err, errlen, "The directory path %s is too long.", in);
      return -1;
    }
  }
  if (ca_key_dir && mkdir(ca_key_dir, 0700) != 0 && errno != EEXIST) {
    certs_err(err, errlen, "Cannot make %s for the CA key: %s.", ca_key_dir,
              strerror(errno));
    return -1;
  }

  san = san_build(hosts, nhosts, first, sizeof first, err, errlen);
  if (!san) goto out;
  ca_key = EVP_EC_gen("P-256");
  if (ca_key) srv_key = EVP_EC_gen("P-256");
  if (!srv_key) {
    certs_err(err, errlen, "Cannot generate an EC P-256 key (%s).",
              certs_reason(why, sizeof why));
    goto out;
  }
  ca_common_name(network_name, cn, sizeof cn);
  ca = cert_build(ca_key, cn, NULL, ca_key, CERTS_CA_DAYS, ca_exts, NULL);
  if (!ca) {
    certs_err(err, errlen,
              "Cannot build the CA certificate '%s' (%s); the network name "
              "must be valid UTF-8.",
              cn, certs_reason(why, sizeof why));
    goto out;
  }
  srv = cert_build(srv_key,
                   strlen(first) <= CERTS_CN_MAX ? first : "PCN Hub server", ca,
                   ca_key, CERTS_SERVER_DAYS, server_exts, san);
  if (!srv) {
    certs_err(err, errlen, "Cannot build the server certificate (%s).",
              certs_reason(why, sizeof why));
    goto out;
  }

  /* Key text goes to secure-heap BIOs, which are wiped when freed. */
  pem[F_CA_KEY] = BIO_new(BIO_s_secmem());
  pem[F_CA_PEM] = BIO_new(BIO_s_mem());
  pem[F_SRV_KEY] = BIO_new(BIO_s_secmem());
  pem[F_SRV_PEM] = BIO_new(BIO_s_mem());
  if (!pem[F_CA_KEY] || !pem[F_CA_PEM] || !pem[F_SRV_KEY] || !pem[F_SRV_PEM] ||
      PEM_write_bio_PrivateKey(pem[F_CA_KEY], ca_key, NULL, NULL, 0, NULL,
                               NULL) != 1 ||
      PEM_write_bio_X509(pem[F_CA_PEM], ca) != 1 ||
      PEM_write_bio_PrivateKey(pem[F_SRV_KEY], srv_key, NULL, NULL, 0, NULL,
                               NULL) != 1 ||
      PEM_write_bio_X509(pem[F_SRV_PEM], srv) != 1 ||
      PEM_write_bio_X509(pem[F_SRV_PEM], ca) != 1) {
    certs_err(err, errlen, "Cannot encode the certificates (%s).",
              certs_reason(why, sizeof why));
    goto out;
  }

  for (i = 0; i < F_COUNT; i++) {
    if (file_create(path[i], certs_files[i].mode, pem[i], err, errlen))
      goto out;
    created[i] = 1;
  }
  dir_sync(dir);
  if (ca_key_dir) dir_sync(ca_key_dir);
  rc = 0;

out:
  for (i = F_COUNT - 1; rc != 0 && i >= 0; i--)
    if (created[i]) unlink(path[i]);
  for (i = F_COUNT - 1; i >= 0; i--)
    BIO_free(pem[i]);
  X509_free(srv);
  X509_free(ca);
  EVP_PKEY_free(srv_key);
  EVP_PKEY_free(ca_key);
  GENERAL_NAMES_free(san);
  ERR_clear_error();
  return rc;
}

int certs_fingerprint_file(const char *pem_path, uint8_t out[32], char *err,
                           size_t errlen) {
  char why[160];
  X509 *x = NULL;
  int rc = -1;
  BIO *b = BIO_new_file(pem_path, "r");
  if (!b) {
    certs_err(err, errlen, "Cannot open %s (%s).", pem_path,
              certs_reason(why, sizeof why));
    goto out;
  }
  x = PEM_read_bio_X509(b, NULL, NULL, NULL);
  if (!x) {
    certs_err(err, errlen, "%s does not hold a PEM certificate (%s).", pem_path,
              certs_reason(why, sizeof why));
    goto out;
  }
  if (pcn_pki_sha256(x, out)) {
    certs_err(err, errlen, "Cannot compute the fingerprint of %s.", pem_path);
    goto out;
  }
  rc = 0;

out:
  X509_free(x);
  BIO_free(b);
  ERR_clear_error();
  return rc;
}

/* Bounded: a certificate file is a few KiB, and this must not swallow a
 * wrong path that points at something huge. */
char *certs_read_file(const char *path, char *err, size_t errlen) {
  char *buf = NULL, *nb;
  size_t len = 0, cap = 0;
  FILE *f = fopen(path, "rb");
  if (!f) {
    certs_err(err, errlen, "Cannot open %s: %s.", path, strerror(errno));
    return NULL;
  }
  for (;;) {
    if (len == cap) {
      if (cap >= (size_t)CERTS_FILE_MAX) {
        certs_err(err, errlen, "%s is too large for a certificate file.", path);
        goto fail;
      }
      size_t ncap = cap ? cap * 2 : 8192;
      nb = realloc(buf, ncap + 1);
      if (!nb) {
        certs_err(err, errlen, "Out of memory reading %s.", path);
        goto fail;
      }
      buf = nb;
      cap = ncap;
    }
    size_t r = fread(buf + len, 1, cap - len, f);
    len += r;
    if (r == 0 || len < cap) {
      if (ferror(f)) {
        certs_err(err, errlen, "Cannot read %s: %s.", path, strerror(errno));
        goto fail;
      }
      if (feof(f)) break;
    }
  }
  buf[len] = '\0';
  fclose(f);
  return buf;

fail:
  free(buf);
  fclose(f);
  return NULL;
}

/* ------------------------------------------------------------ renewal */

/* Unix seconds of an ASN1_TIME, or 0 when it cannot be read. */
static int64_t asn1_unix(const ASN1_TIME *t) {
  int days = 0, secs = 0;
  ASN1_TIME *epoch = ASN1_TIME_set(NULL, 0);
  int ok = epoch && ASN1_TIME_diff(&days, &secs, epoch, t) == 1;
  ASN1_TIME_free(epoch);
  return ok ? (int64_t)days * 86400 + secs : 0;
}

static void name_text(const X509_NAME *n, char *out, size_t outlen) {
  char *p = NULL;
  out[0] = '\0';
  BIO *b = BIO_new(BIO_s_mem());
  if (!b) return;
  if (X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >=
      0) {
    long len = BIO_get_mem_data(b, &p);
    if (len > 0)
      snprintf(out, outlen, "%.*s",
               (int)(len < (long)outlen ? len : (long)outlen - 1), p);
  }
  BIO_free(b);
}

int certs_info_of(X509 *x, certs_info *out) {
  memset(out, 0, sizeof *out);
  BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
  char *hex = bn ? BN_bn2hex(bn) : NULL;
  BN_free(bn);
  if (!hex) goto fail;
  snprintf(out->serial, sizeof out->serial, "%s", hex);
  OPENSSL_free(hex);
  name_text(X509_get_subject_name(x), out->subject, sizeof out->subject);
  name_text(X509_get_issuer_name(x), out->issuer, sizeof out->issuer);
  out->not_before = asn1_unix(X509_get0_notBefore(x));
  out->not_after = asn1_unix(X509_get0_notAfter(x));
  out->self_signed = X509_check_issued(x, x) == X509_V_OK;
  if (pcn_pki_sha256(x, out->sha256) || !out->not_after) goto fail;
  GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
  for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
    if (out->nhosts == CERTS_INFO_HOSTS) break;
    int type;
    void *v = GENERAL_NAME_get0_value(sk_GENERAL_NAME_value(gens, i), &type);
    char *h = out->hosts[out->nhosts];
    if (type == GEN_DNS) {
      const ASN1_STRING *s = v;
      snprintf(h, CERTS_HOST_MAX, "%.*s", ASN1_STRING_length(s),
               (const char *)ASN1_STRING_get0_data(s));
    } else if (type == GEN_IPADD) {
      const ASN1_OCTET_STRING *s = v;
      int n = ASN1_STRING_length(s);
      if ((n != 4 && n != 16) ||
          !inet_ntop(n == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(s), h,
                     CERTS_HOST_MAX))
        continue;
    } else {
      continue;
    }
    out->nhosts++;
  }
  GENERAL_NAMES_free(gens);
  ERR_clear_error();
  return 0;

fail:
  ERR_clear_error();
  return -1;
}

int certs_chain_info(const char *path, certs_info *leaf, certs_info *root,
                     int *count, char *err, size_t errlen) {
  char why[160];
  X509 *x, *first = NULL, *last = NULL;
  int n = 0, rc = -1;
  BIO *b = BIO_new_file(path, "r");
  if (!b) {
    certs_err(err, errlen, "Cannot open %s (%s).", path,
              certs_reason(why, sizeof why));
    return -1;
  }
  while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
    n++;
    if (!first) {
      first = x;
    } else {
      X509_free(last);
      last = x;
    }
  }
  ERR_clear_error();
  if (!first) {
    certs_err(err, errlen, "%s holds no PEM certificate.", path);
    goto out;
  }
  if (certs_info_of(first, leaf) ||
      (root && certs_info_of(last ? last : first, root))) {
    certs_err(err, errlen, "Cannot read the certificate dates in %s.", path);
    goto out;
  }
  if (count) *count = n;
  rc = 0;

out:
  X509_free(last);
  X509_free(first);
  BIO_free(b);
  return rc;
}

/* Replaces path by tmp's contents: keeps the old file as prev (a hard
 * link, so a key keeps its 0600 inode), then renames tmp over path. */
static int file_replace(const char *tmp, const char *path, const char *prev,
                        char *err, size_t errlen) {
  (void)unlink(prev);
  if (link(path, prev) != 0 && errno != ENOENT) {
    certs_err(err, errlen, "Cannot keep the old %s as %s: %s.", path, prev,
              strerror(errno));
    return -1;
  }
  if (rename(tmp, path) != 0) {
    certs_err(err, errlen, "Cannot replace %s: %s.", path, strerror(errno));
    return -1;
  }
  return 0;
}

/* Reads the network CA's key and certificate and checks they belong
 * together and the CA is still valid. */
static int ca_load(const char *dir, const char *key_path, X509 **ca,
                   EVP_PKEY **key, char *err, size_t errlen) {
  char path[4096], why[160];
  BIO *b = NULL;
  *ca = NULL;
  *key = NULL;
  snprintf(path, sizeof path, "%s/ca.pem", dir);
  b = BIO_new_file(path, "r");
  if (!b || !(*ca = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
    certs_err(err, errlen,
              "Cannot read the network CA from %s (%s); is --data the "
              "directory pcnd init made?",
              path, certs_reason(why, sizeof why));
    goto fail;
  }
  BIO_free(b);
  b = NULL;
  if (key_path) {
    snprintf(path, sizeof path, "%s", key_path);
  } else {
    snprintf(path, sizeof path, "%s/ca.key", dir);
    if (access(path, F_OK) != 0 && errno == ENOENT) {
      certs_err(err, errlen,
                "The network CA's key is not in %s (pcnd init --ca-out kept "
                "it offline); give it with --ca-key FILE.",
                dir);
      goto fail;
    }
  }
  b = BIO_new_file(path, "r");
  if (!b || !(*key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL))) {
    certs_err(err, errlen,
              "Cannot read the CA key %s (%s); renew as the user that owns "
              "it.",
              path, certs_reason(why, sizeof why));
    goto fail;
  }
  if (X509_check_private_key(*ca, *key) != 1) {
    certs_err(err, errlen,
              "%s does not match ca.pem; restore the pair from a backup.",
              path);
    goto fail;
  }
  if (X509_cmp_current_time(X509_get0_notAfter(*ca)) <= 0) {
    certs_err(err, errlen,
              "The network CA has expired; roll it over as "
              "docs/certificates.md describes before renewing.");
    goto fail;
  }
  BIO_free(b);
  ERR_clear_error();
  return 0;

fail:
  BIO_free(b);
  X509_free(*ca);
  EVP_PKEY_free(*key);
  *ca = NULL;
  *key = NULL;
  ERR_clear_error();
  return -1;
}

int certs_renew(const char *dir, const char *const *hosts, size_t nhosts,
                certs_info *issued, char *err, size_t errlen) {
  return certs_renew_with(dir, NULL, hosts, nhosts, issued, err, errlen);
}

int certs_renew_with(const char *dir, const char *ca_key_path,
                     const char *const *hosts, size_t nhosts,
                     certs_info *issued, char *err, size_t errlen) {
  char key_path[4096], pem_path[4096], key_tmp[4200], pem_tmp[4200],
      key_prev[4200], pem_prev[4200];
  char first[CERTS_HOST_MAX] = "", why[160];
  BIO *key_pem = NULL, *cert_pem = NULL;
  GENERAL_NAMES *san = NULL;
  EVP_PKEY *ca_key = NULL, *srv_key = NULL;
  X509 *ca = NULL, *srv = NULL;
  int rc = -1, key_made = 0, pem_made = 0;

  if (!dir || !*dir || !hosts || nhosts == 0) {
    certs_err(err, errlen,
              "Renewing needs the data directory and at least one host.");
    return -1;
  }
  snprintf(key_path, sizeof key_path, "%s/server.key", dir);
  snprintf(pem_path, sizeof pem_path, "%s/server.pem", dir);
  snprintf(key_tmp, sizeof key_tmp, "%s.new", key_path);
  snprintf(pem_tmp, sizeof pem_tmp, "%s.new", pem_path);
  snprintf(key_prev, sizeof key_prev, "%s.prev", key_path);
  snprintf(pem_prev, sizeof pem_prev, "%s.prev", pem_path);

  if (ca_load(dir, ca_key_path, &ca, &ca_key, err, errlen)) goto out;
  san = san_build(hosts, nhosts, first, sizeof first, err, errlen);
  if (!san) goto out;
  srv_key = EVP_EC_gen("P-256");
  if (!srv_key) {
    certs_err(err, errlen, "Cannot generate an EC P-256 key (%s).",
              certs_reason(why, sizeof why));
    goto out;
  }
  srv = cert_build(srv_key,
                   strlen(first) <= CERTS_CN_MAX ? first : "PCN Hub server", ca,
                   ca_key, CERTS_SERVER_DAYS, server_exts, san);
  key_pem = BIO_new(BIO_s_secmem());
  cert_pem = BIO_new(BIO_s_mem());
  if (!srv || !key_pem || !cert_pem ||
      PEM_write_bio_PrivateKey(key_pem, srv_key, NULL, NULL, 0, NULL, NULL) !=
          1 ||
      PEM_write_bio_X509(cert_pem, srv) != 1 ||
      PEM_write_bio_X509(cert_pem, ca) != 1) {
    certs_err(err, errlen, "Cannot build the server certificate (%s).",
              certs_reason(why, sizeof why));
    goto out;
  }
  if (issued && certs_info_of(srv, issued)) {
    certs_err(err, errlen, "Cannot read back the new certificate.");
    goto out;
  }

  /* Both new files complete and durable before either old one goes. A
   * leftover .new from an interrupted run is ours to replace. */
  (void)unlink(key_tmp);
  (void)unlink(pem_tmp);
  if (file_create(key_tmp, 0600, key_pem, err, errlen)) goto out;
  key_made = 1;
  if (file_create(pem_tmp, 0644, cert_pem, err, errlen)) goto out;
  pem_made = 1;
  /* Between these two renames the key and certificate do not match; a
   * crash there leaves a pcnd that refuses to start with that message,
   * and running renew again (it needs only the CA) mends it. */
  if (file_replace(key_tmp, key_path, key_prev, err, errlen)) goto out;
  key_made = 0;
  if (file_replace(pem_tmp, pem_path, pem_prev, err, errlen)) goto out;
  pem_made = 0;
  dir_sync(dir);
  rc = 0;

out:
  if (key_made) unlink(key_tmp);
  if (pem_made) unlink(pem_tmp);
  BIO_free(cert_pem);
  BIO_free(key_pem);
  X509_free(srv);
  X509_free(ca);
  EVP_PKEY_free(srv_key);
  EVP_PKEY_free(ca_key);
  GENERAL_NAMES_free(san);
  ERR_clear_error();
  return rc;
}
