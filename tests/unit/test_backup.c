/* test_backup.c - server/backup.c on its own: durations, key files, and
 * backup files that are damaged, truncated, altered or not backups at all
 * (each refused with a sentence, nothing left behind), against a real
 * store made by pcnd_init.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "backup.h"
#include "init.h"
#include "store.h"

static char root[64];

static void path_in(char *out, size_t n, const char *name) {
  snprintf(out, n, "%s/%s", root, name);
}

static void test_durations(void **state) {
  (void)state;
  uint32_t s = 0;
  assert_int_equal(backup_parse_duration("90s", &s), 0);
  assert_int_equal(s, 90);
  assert_int_equal(backup_parse_duration("30m", &s), 0);
  assert_int_equal(s, 1800);
  assert_int_equal(backup_parse_duration("6h", &s), 0);
  assert_int_equal(s, 21600);
  assert_int_equal(backup_parse_duration("1d", &s), 0);
  assert_int_equal(s, 86400);
  const char *bad[] = {
      "",   "6", "h", "0h", "-1h", "6hh", "6x", "366d", "99999999999999999999s",
      " 6h"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(backup_parse_duration(bad[i], &s), -1);
}

static void test_key_files(void **state) {
  (void)state;
  char key[200], err[600];
  uint8_t k[BACKUP_KEY_BYTES], k2[BACKUP_KEY_BYTES];
  path_in(key, sizeof key, "key");
  assert_int_equal(backup_key_new(key, err, sizeof err), 0);
  struct stat sb;
  assert_int_equal(stat(key, &sb), 0);
  assert_int_equal(sb.st_mode & 0777, 0600);
  assert_int_equal(backup_key_load(key, k, err, sizeof err), 0);
  assert_int_equal(backup_key_load(key, k2, err, sizeof err), 0);
  assert_memory_equal(k, k2, sizeof k);
  /* Never over an existing file. */
  assert_int_equal(backup_key_new(key, err, sizeof err), -1);
  /* Readable by others: refused, with what to do. */
  chmod(key, 0644);
  assert_int_equal(backup_key_load(key, k, err, sizeof err), -1);
  assert_non_null(strstr(err, "chmod 600"));
  /* Not 64 hex digits. */
  char bad[200];
  path_in(bad, sizeof bad, "badkey");
  const char *texts[] = {"", "abc", "zz", "00112233"};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    FILE *f = fopen(bad, "w");
    fputs(texts[i], f);
    fclose(f);
    chmod(bad, 0600);
    assert_int_equal(backup_key_load(bad, k, err, sizeof err), -1);
    unlink(bad);
  }
  unlink(key);
}

/* A real network's backup, unencrypted, in root/net.pcnbak. */
static void make_backup(char *file, size_t n) {
  char dir[200], code[600], err[600];
  path_in(dir, sizeof dir, "net");
  init_opts o = {.data_dir = dir,
                 .network = "Unit PCN",
                 .listen = "127.0.0.1:7443",
                 .manager = "manager",
                 .manager_name = "PCN Manager",
                 .invite_ttl_s = 3600};
  assert_int_equal(pcnd_init(&o, code, sizeof code, err, sizeof err), 0);
  store st;
  assert_int_equal(store_open(&st, dir, 1u << 20, 0, err, sizeof err), 0);
  char epoch[33];
  memcpy(epoch, st.epoch, sizeof epoch);
  path_in(file, n, "net.pcnbak");
  backup_manifest m;
  int rc = backup_take(st.env, NULL, dir, file, NULL, &m, err, sizeof err);
  if (rc) fprintf(stderr, "%s\n", err);
  assert_int_equal(rc, 0);
  store_close(&st);
  assert_string_equal(m.network_name, "Unit PCN");
  assert_string_equal(m.store_epoch, epoch);
  assert_int_equal(m.encrypted, 0);
}

static void write_bytes(const char *path, const unsigned char *p, size_t n) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(p, 1, n, f), n);
  fclose(f);
}

static unsigned char *read_bytes(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  unsigned char *p = malloc(1 << 22);
  *n = fread(p, 1, 1 << 22, f);
  fclose(f);
  return p;
}

/* Restoring bad into a fresh directory fails with a sentence containing
 * want, and leaves no directory behind. */
static void refused(const char *bad, const char *want) {
  char dest[200], err[1000];
  path_in(dest, sizeof dest, "restored");
  backup_manifest m;
  assert_int_equal(backup_restore(bad, dest, NULL, &m, err, sizeof err), -1);
  if (!strstr(err, want)) fail_msg("wanted '%s' in: %s", want, err);
  struct stat sb;
  assert_int_not_equal(stat(dest, &sb), 0);
}

static void test_damaged_files(void **state) {
  (void)state;
  char file[200], bad[200], dest[200], err[1000];
  make_backup(file, sizeof file);
  size_t n;
  unsigned char *orig = read_bytes(file, &n);
  unsigned char *copy = malloc(n + 16);
  path_in(bad, sizeof bad, "bad.pcnbak");

  write_bytes(bad, (const unsigned char *)"hello, world\n", 13);
  refused(bad, "not a PCN Hub backup");
  write_bytes(bad, orig, 10);
  refused(bad, "not a PCN Hub backup");
  /* A manifest length past the file, and past the limit. */
  memcpy(copy, orig, n);
  copy[8] = 0x7f;
  write_bytes(bad, copy, n);
  refused(bad, "manifest");
  /* Truncated payload; one byte too many. */
  write_bytes(bad, orig, n - 1);
  refused(bad, "truncated");
  memcpy(copy, orig, n);
  copy[n] = 0;
  write_bytes(bad, copy, n + 1);
  refused(bad, "longer");
  /* One bit changed in the store: the hash catches it. */
  memcpy(copy, orig, n);
  copy[n - 3000] ^= 1;
  write_bytes(bad, copy, n);
  refused(bad, "SHA-256");
  /* A key for an unencrypted file. */
  uint8_t key[BACKUP_KEY_BYTES] = {1};
  path_in(dest, sizeof dest, "restored");
  backup_manifest m;
  assert_int_equal(backup_restore(file, dest, key, &m, err, sizeof err), -1);
  assert_non_null(strstr(err, "not encrypted"));

  /* The good one restores, under a new epoch, into an empty directory. */
  backup_manifest before;
  assert_int_equal(backup_read_manifest(file, &before, err, sizeof err), 0);
  assert_int_equal(mkdir(dest, 0700), 0);
  int rc = backup_restore(file, dest, NULL, &m, err, sizeof err);
  if (rc) fprintf(stderr, "%s\n", err);
  assert_int_equal(rc, 0);
  assert_int_equal(strlen(m.store_epoch), 32);
  assert_string_not_equal(m.store_epoch, before.store_epoch);
  /* And not again over it. */
  assert_int_equal(backup_restore(file, dest, NULL, &m, err, sizeof err), -1);
  assert_non_null(strstr(err, "not an empty directory"));
  free(orig);
  free(copy);
}

int main(void) {
  snprintf(root, sizeof root, "/tmp/pcn-unit-backup-XXXXXX");
  if (!mkdtemp(root)) return 1;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_durations),
      cmocka_unit_test(test_key_files),
      cmocka_unit_test(test_damaged_files),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  char cmd[200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  if (system(cmd) != 0) rc = 1;
  return rc;
}
