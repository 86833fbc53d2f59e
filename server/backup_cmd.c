/* backup_cmd.c - `pcnd backup` and `pcnd restore`, the operator's commands
 * around backup.c.
 *
 * pcnd backup opens the store read-only (MDB_RDONLY), so it runs beside a
 * serving pcnd without writing to its store: LMDB gives it a consistent
 * snapshot from one read transaction, and the server's loop never waits
 * on it. Exit codes: 0 done, 1 usage, 2 failed (one sentence on stderr).
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#include "backup.h"

static void usage_backup(void) {
  printf(
      "Usage: pcnd backup --data DIR --out FILE [--encrypt-key KEYFILE] "
      "[--json]\n"
      "       pcnd backup --new-key KEYFILE\n\n"
      "Takes a consistent copy of the network in DIR while pcnd serves it\n"
      "(LMDB's compacting copy from one read transaction), checks the copy\n"
      "as `pcnd verify` does, and writes FILE atomically: the store, the\n"
      "certificate authority and server keys, and a manifest (network, store\n"
      "epoch, schema, feed head, SHA-256, time). FILE holds personal data\n"
      "and private keys: keep it safe, or encrypt it.\n\n"
      "  --data DIR             the directory made by `pcnd init`\n"
      "  --out FILE             where the backup goes (replaced if it exists)\n"
      "  --encrypt-key KEYFILE  encrypt with AES-256-GCM under this key\n"
      "  --new-key KEYFILE      make a new random key (mode 0600) and exit;\n"
      "                         keep a copy away from the backups\n"
      "  --json                 print the result as one JSON object\n\n"
      "Restore with `pcnd restore --from FILE --data NEWDIR`.\n");
}

static void usage_restore(void) {
  printf("Usage: pcnd restore --from FILE --data DIR [--encrypt-key KEYFILE] "
         "[--json]\n\n"
         "Restores a network from a file made by `pcnd backup` (or by pcnd\n"
         "run --backup-dir) into DIR, which must be new or empty: a directory\n"
         "a server uses is refused. Checks the authentication tag (encrypted\n"
         "backups), the SHA-256 and the manifest before anything takes its\n"
         "final name, gives the store a new epoch, and runs `pcnd verify`.\n"
         "Then start it with `pcnd run --data DIR`. Clients notice the new\n"
         "epoch, report the events they saw that the backup lacks, and carry\n"
         "on from the restored feed head.\n\n"
         "  --from FILE            the backup file\n"
         "  --data DIR             where to restore (new or empty)\n"
         "  --encrypt-key KEYFILE  the key the backup was encrypted with\n"
         "  --json                 print the result as one JSON object\n");
}

static uint64_t file_size(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

/* Opens the store in dir read-only, for a copy beside a running server. */
static MDB_env *open_readonly(const char *dir, char *err, size_t errlen) {
  char path[4096];
  snprintf(path, sizeof path, "%s/data.mdb", dir);
  struct stat sb;
  if (stat(path, &sb) != 0) {
    snprintf(err, errlen,
             "No store in %s; give --data the directory made by pcnd init.",
             dir);
    return NULL;
  }
  MDB_env *env;
  int rc = mdb_env_create(&env);
  if (rc) {
    snprintf(err, errlen, "Out of memory.");
    return NULL;
  }
  if (!(rc = mdb_env_set_maxdbs(env, 64)) &&
      !(rc = mdb_env_set_maxreaders(env, 126)))
    rc = mdb_env_open(env, dir, MDB_RDONLY | MDB_NOTLS, 0600);
  if (rc) {
    snprintf(err, errlen, "Could not open the store in %s: %s.", dir,
             mdb_strerror(rc));
    mdb_env_close(env);
    return NULL;
  }
  return env;
}

int pcnd_backup_cmd(int argc, char **argv) {
  const char *dir = NULL, *out = NULL, *keyfile = NULL, *newkey = NULL;
  int json = 0;
  static const struct option longs[] = {
      {"data", required_argument, NULL, 'd'},
      {"out", required_argument, NULL, 'o'},
      {"encrypt-key", required_argument, NULL, 'k'},
      {"new-key", required_argument, NULL, 'n'},
      {"json", no_argument, NULL, 'j'},
      {"help", no_argument, NULL, 'h'},
      {0}};
  int c;
  while ((c = getopt_long(argc, argv, "d:o:k:n:jh", longs, NULL)) != -1) {
    switch (c) {
    case 'd': dir = optarg; break;
    case 'o': out = optarg; break;
    case 'k': keyfile = optarg; break;
    case 'n': newkey = optarg; break;
    case 'j': json = 1; break;
    case 'h': usage_backup(); return 0;
    default: fprintf(stderr, "Try `pcnd backup --help`.\n"); return 1;
    }
  }
  char err[1024];
  if (newkey) {
    if (backup_key_new(newkey, err, sizeof err)) {
      fprintf(stderr, "pcnd backup: %s\n", err);
      return 2;
    }
    if (json) {
      json_t *j = json_pack("{s:b, s:s}", "ok", 1, "key_file", newkey);
      char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
      if (s) puts(s);
      free(s);
      json_decref(j);
    } else
      printf("Made a new backup key in %s (mode 0600). Keep a copy somewhere "
             "other than the backups: without it they cannot be restored.\n",
             newkey);
    return 0;
  }
  if (!dir || !out) {
    fprintf(stderr, "pcnd backup: --data DIR and --out FILE are required; see "
                    "`pcnd backup --help`.\n");
    return 1;
  }
  uint8_t key[BACKUP_KEY_BYTES];
  if (keyfile && backup_key_load(keyfile, key, err, sizeof err)) {
    fprintf(stderr, "pcnd backup: %s\n", err);
    return 2;
  }
  MDB_env *env = open_readonly(dir, err, sizeof err);
  backup_manifest m;
  int rc = env ? backup_take(env, NULL, dir, out, keyfile ? key : NULL, &m, err,
                             sizeof err)
               : -1;
  if (env) mdb_env_close(env);
  OPENSSL_cleanse(key, sizeof key);
  if (rc) {
    fprintf(stderr, "pcnd backup: %s\n", err);
    return 2;
  }
  backup_print(&m, "backup", out, file_size(out), json);
  return 0;
}

int pcnd_restore_cmd(int argc, char **argv) {
  const char *dir = NULL, *from = NULL, *keyfile = NULL;
  int json = 0;
  static const struct option longs[] = {
      {"data", required_argument, NULL, 'd'},
      {"from", required_argument, NULL, 'f'},
      {"encrypt-key", required_argument, NULL, 'k'},
      {"json", no_argument, NULL, 'j'},
      {"help", no_argument, NULL, 'h'},
      {0}};
  int c;
  while ((c = getopt_long(argc, argv, "d:f:k:jh", longs, NULL)) != -1) {
    switch (c) {
    case 'd': dir = optarg; break;
    case 'f': from = optarg; break;
    case 'k': keyfile = optarg; break;
    case 'j': json = 1; break;
    case 'h': usage_restore(); return 0;
    default: fprintf(stderr, "Try `pcnd restore --help`.\n"); return 1;
    }
  }
  if (!dir || !from) {
    fprintf(stderr, "pcnd restore: --from FILE and --data DIR are required; "
                    "see `pcnd restore --help`.\n");
    return 1;
  }
  char err[1024];
  uint8_t key[BACKUP_KEY_BYTES];
  if (keyfile && backup_key_load(keyfile, key, err, sizeof err)) {
    fprintf(stderr, "pcnd restore: %s\n", err);
    return 2;
  }
  backup_manifest m;
  int rc = backup_restore(from, dir, keyfile ? key : NULL, &m, err, sizeof err);
  OPENSSL_cleanse(key, sizeof key);
  if (rc) {
    fprintf(stderr, "pcnd restore: %s\n", err);
    return 2;
  }
  backup_print(&m, "restore", from, file_size(from), json);
  if (!json) printf("Start it with: pcnd run --data %s\n", dir);
  return 0;
}
