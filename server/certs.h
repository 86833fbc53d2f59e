/* certs.h - the network's certificates on disk: made once by `pcnd init`,
 * read by `pcnd run` and by tests.
 *
 * Owns: four files in the data directory. ca.pem (the network CA),
 * ca.key (0600), server.pem (the server certificate followed by the CA:
 * the chain the server sends) and server.key (0600).
 *
 * Invariants: keys are EC P-256 and never exist on disk with wider
 * permissions than 0600, not even briefly; existing files are never
 * overwritten; certificates are signed with SHA-256 and pass
 * X509_V_FLAG_X509_STRICT verification.
 */
#ifndef PCN_CERTS_H
#define PCN_CERTS_H

#include <stddef.h>
#include <stdint.h>

/* Creates the four files in dir. The CA is "<network_name> PCN Hub CA"
 * (10 years); the server certificate is named by hosts[0] and carries a
 * subjectAltName for every entry of hosts (DNS names and IPv4/IPv6
 * literals; de-duplicated) and lasts 825 days. Returns 0, or -1 with a
 * one-sentence error naming the file or problem; on failure, no file this
 * call created is left behind. */
int certs_create(const char *dir, const char *network_name,
                 const char *const *hosts, size_t nhosts, char *err,
                 size_t errlen);

/* SHA-256 of the DER encoding of the first certificate in a PEM file.
 * Returns 0 or -1 with err. */
int certs_fingerprint_file(const char *pem_path, uint8_t out[32], char *err,
                           size_t errlen);

/* A whole (small) PEM file as a malloc'd NUL-terminated string, or NULL
 * with err. The caller frees it with free(). */
char *certs_read_file(const char *path, char *err, size_t errlen);

#endif
