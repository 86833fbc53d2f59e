/* certs.h - the network's certificates on disk: made once by `pcnd init`,
 * read by `pcnd run` and by tests.
 *
 * Owns: four files in the data directory. ca.pem (the network CA),
 * ca.key (0600; or kept elsewhere, offline, after pcnd init --ca-out, and
 * given to renewal as --ca-key), server.pem (the server certificate followed by the CA:
 * the chain the server sends) and server.key (0600). Renewal leaves the
 * previous pair as server.pem.prev and server.key.prev.
 *
 * Invariants: keys are EC P-256 and never exist on disk with wider
 * permissions than 0600, not even briefly; init never overwrites a file,
 * and renewal replaces the server pair only by rename, after the new files
 * are complete and fsynced; certificates are signed with SHA-256, pass
 * X509_V_FLAG_X509_STRICT verification and never outlive their issuer.
 */
#ifndef PCN_CERTS_H
#define PCN_CERTS_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/x509.h>

/* Creates the four files in dir. The CA is "<network_name> PCN Hub CA"
 * (10 years); the server certificate is named by hosts[0] and carries a
 * subjectAltName for every entry of hosts (DNS names and IPv4/IPv6
 * literals; de-duplicated) and lasts 825 days. Returns 0, or -1 with a
 * one-sentence error naming the file or problem; on failure, no file this
 * call created is left behind. */
int certs_create(const char *dir, const char *network_name,
                 const char *const *hosts, size_t nhosts, char *err,
                 size_t errlen);
/* The same, with the CA's key written to ca_key_dir/ca.key instead of
 * dir/ca.key (pcnd init --ca-out: the key kept offline); ca_key_dir NULL
 * is certs_create. ca_key_dir is made (0700) if it does not exist. */
int certs_create_ca_out(const char *dir, const char *ca_key_dir,
                        const char *network_name, const char *const *hosts,
                        size_t nhosts, char *err, size_t errlen);

#define CERTS_HOST_MAX 256
#define CERTS_INFO_HOSTS 32

/* What `pcnd cert status` and the server need to know of a certificate. */
typedef struct certs_info {
  char subject[256], issuer[256]; /* RFC 2253 text */
  char serial[64];                /* upper-case hex */
  int64_t not_before, not_after;  /* Unix seconds */
  uint8_t sha256[32];             /* of the DER encoding */
  int self_signed;
  size_t nhosts; /* subjectAltName entries, DNS names and IP addresses */
  char hosts[CERTS_INFO_HOSTS][CERTS_HOST_MAX];
} certs_info;

/* Fills out from x. 0, or -1 when a date or the serial cannot be read. */
int certs_info_of(X509 *x, certs_info *out);

/* Reads a PEM chain file: leaf is its first certificate, root (when not
 * NULL) its last, count (when not NULL) how many it holds. 0, or -1 with
 * a one-sentence err. */
int certs_chain_info(const char *path, certs_info *leaf, certs_info *root,
                     int *count, char *err, size_t errlen);

/* pcnd cert renew: a new server key and certificate from the CA in dir
 * (ca.pem, ca.key), named hosts[0] with a subjectAltName for every host,
 * lasting 825 days (never past the CA's end). server.key and server.pem
 * are replaced atomically each (temp file, fsync, rename; the key first),
 * the old ones kept as .prev. issued (may be NULL) receives the new
 * certificate's details. 0, or -1 with err; on failure the served pair is
 * untouched unless the failure came between the two renames (err says
 * so; running renew again mends it). */
int certs_renew(const char *dir, const char *const *hosts, size_t nhosts,
                certs_info *issued, char *err, size_t errlen);
/* The same, signing with the CA key in ca_key_path (the offline key of
 * pcnd init --ca-out) instead of dir/ca.key; NULL is certs_renew. */
int certs_renew_with(const char *dir, const char *ca_key_path,
                     const char *const *hosts, size_t nhosts,
                     certs_info *issued, char *err, size_t errlen);

/* SHA-256 of the DER encoding of the first certificate in a PEM file.
 * Returns 0 or -1 with err. */
int certs_fingerprint_file(const char *pem_path, uint8_t out[32], char *err,
                           size_t errlen);

/* A whole (small) PEM file as a malloc'd NUL-terminated string, or NULL
 * with err. The caller frees it with free(). */
char *certs_read_file(const char *path, char *err, size_t errlen);

#endif
