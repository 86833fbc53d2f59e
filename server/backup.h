/* backup.h - backups of a network's server: one file that holds a
 * compacted copy of the LMDB store and the PKI files, under a manifest,
 * optionally encrypted; restore from it; scheduled backups in pcnd run.
 *
 * File format (all integers big-endian):
 *   8 bytes   "PCNBAK1\n"
 *   u32       manifest length M (at most BACKUP_MANIFEST_MAX)
 *   M bytes   manifest, a JSON object (backup_manifest's fields)
 *   payload   the archive, or with a key: 12-byte nonce | the archive
 *             encrypted with AES-256-GCM | 16-byte tag, the 8+4+M header
 *             bytes being the authenticated data
 * Archive: for each file { u16 name length, name, u64 size, bytes }, the
 * names drawn only from BACKUP_FILES. The manifest's sha256 is over the
 * whole (plaintext) archive.
 *
 * Invariants: a backup file appears under its final name only complete,
 * fsynced and renamed (never half-written); the store copy inside it came
 * from one LMDB read transaction (mdb_env_copy2 with compaction) and passed
 * pcnd_verify before it was written. Restore writes nothing under a final
 * name before the tag and the hash have both checked out.
 *
 * Everything here blocks (disk, hashing): call it from a command or from
 * libuv's threadpool, never on the loop thread. Files: backup.c (taking,
 * keys, output), backup_restore.c (restoring), backup_cmd.c (the commands),
 * backup_sched.c (the running server's schedule, the loop-side part).
 */
#ifndef PCND_BACKUP_H
#define PCND_BACKUP_H

#include <lmdb.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define BACKUP_KEY_BYTES 32
#define BACKUP_MANIFEST_MAX 65536
#define BACKUP_FORMAT 1

typedef struct backup_manifest {
  int format;
  char network_name[128];
  char network_id[40];
  char store_epoch[33];
  uint64_t schema;
  uint64_t head_seq; /* the newest feed seq in the copy */
  int64_t created_ms;
  char sha256[65]; /* of the archive, hex */
  uint64_t archive_bytes;
  int encrypted;
} backup_manifest;

/* Reads a key file: 64 hex digits (whitespace around them ignored), the
 * file readable by its owner only. 0, or -1 with a sentence in err. */
int backup_key_load(const char *path, uint8_t key[BACKUP_KEY_BYTES], char *err,
                    size_t errlen);
/* Writes a new random key to path (which must not exist), mode 0600. */
int backup_key_new(const char *path, char *err, size_t errlen);

/* Takes a consistent, verified backup of the store env (its PKI files in
 * data_dir) into out, atomically. map_lock, when not NULL, is held for
 * reading while the copy's read transaction lives (the running server's
 * store_grow takes it for writing). key NULL: not encrypted. Fills m. */
int backup_take(MDB_env *env, pthread_rwlock_t *map_lock, const char *data_dir,
                const char *out, const uint8_t *key, backup_manifest *m,
                char *err, size_t errlen);

/* Restores file into data_dir (missing, or an empty directory): checks the
 * tag and the hash, gives the store a new epoch, and runs pcnd_verify on
 * it. key NULL for a file that is not encrypted. Fills m (with the new
 * epoch). */
int backup_restore(const char *file, const char *data_dir, const uint8_t *key,
                   backup_manifest *m, char *err, size_t errlen);

/* Reads only a backup file's manifest (no checks of the payload). */
int backup_read_manifest(const char *file, backup_manifest *m, char *err,
                         size_t errlen);

/* Prints m (one line a person reads, or one JSON object), with what was
 * done ("backup", "restore") and the file. */
void backup_print(const backup_manifest *m, const char *what, const char *file,
                  uint64_t file_bytes, int json);

/* "90s", "30m", "6h", "1d" -> seconds (1 s to 365 d). 0 or -1. */
int backup_parse_duration(const char *s, uint32_t *secs);

/* The commands (backup_cmd.c): pcnd backup, pcnd restore. Exit codes. */
int pcnd_backup_cmd(int argc, char **argv);
int pcnd_restore_cmd(int argc, char **argv);

#endif
