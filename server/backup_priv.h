/* backup_priv.h - what backup.c (taking) and backup_restore.c (restoring)
 * share: the file format's constants, the list of PKI files a backup
 * carries, and small helpers. Not for other modules: they use backup.h.
 */
#ifndef PCND_BACKUP_PRIV_H
#define PCND_BACKUP_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "backup.h"

#define MAGIC "PCNBAK1\n"
#define MAGIC_LEN 8
#define NONCE_LEN 12
#define TAG_LEN 16
#define CHUNK 65536
#define STORE_FILE "data.mdb"

/* What goes into a backup besides the store, and the mode each gets back. */
typedef struct backup_pki_file {
  const char *name;
  mode_t mode;
  int required;
} backup_pki_file;
#define N_PKI 4
extern const backup_pki_file backup_pki[N_PKI];

/* Writes a sentence into err; returns -1. */
__attribute__((format(printf, 3, 4))) int backup_fail(char *err, size_t errlen,
                                                      const char *fmt, ...);
#define BFAIL(...) backup_fail(err, errlen, __VA_ARGS__)

/* n bytes as 2n hex digits and a NUL into out. */
void backup_hex(const uint8_t *p, size_t n, char *out);
/* fsyncs the directory that holds path. 0 or -1. */
int backup_fsync_dir(const char *path);
/* The map size to open a store copy in dir with: a compacted copy fills
 * its file exactly, and store_open may write (a missing store epoch;
 * restore's new one), so leave it room. */
size_t backup_map_size(const char *dir);

#endif
