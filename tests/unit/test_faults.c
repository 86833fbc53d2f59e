/* test_faults.c - what a failed commit means (server/faults.h): a full
 * disk is refused and retried later, a failed flush or any other I/O
 * error is fatal, and pcnd's fdatasync/fsync wrappers remember a failure
 * on the thread that saw it. it_faults and cli_diskfull check the same
 * against a real pcnd.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "faults.h"

static void test_wrappers_remember_a_failed_sync(void **state) {
  (void)state;
  char path[] = "/tmp/pcn-faults-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  faults_sync_clear();
  assert_int_equal(fdatasync(fd), 0);
  assert_int_equal(fsync(fd), 0);
  assert_int_equal(faults_sync_errno(), 0);
  close(fd);
  unlink(path);
  /* A closed descriptor: the call fails as libc's would, and is noted. */
  assert_int_equal(fdatasync(fd), -1);
  assert_int_equal(errno, EBADF);
  assert_int_equal(faults_sync_errno(), EBADF);
  faults_sync_clear();
  assert_int_equal(fsync(fd), -1);
  assert_int_equal(faults_sync_errno(), EBADF);
  faults_sync_clear();
  assert_int_equal(faults_sync_errno(), 0);
}

static void test_classify(void **state) {
  (void)state;
  char dir[] = "/tmp/pcn-faults-XXXXXX";
  assert_non_null(mkdtemp(dir));
  MDB_env *env;
  assert_int_equal(mdb_env_create(&env), 0);
  assert_int_equal(mdb_env_open(env, dir, MDB_NOTLS, 0600), 0);
  char why[400];

  faults_sync_clear();
  assert_int_equal(faults_classify(env, dir, ENOSPC, why, sizeof why),
                   FAULT_DISK_FULL);
  assert_non_null(strstr(why, "is full"));
  assert_int_equal(faults_classify(env, dir, EDQUOT, why, sizeof why),
                   FAULT_DISK_FULL);
  /* /tmp has room, so an EIO is not a short write on a full disk. */
  assert_int_equal(faults_classify(env, dir, EIO, why, sizeof why),
                   FAULT_FATAL);
  assert_int_equal(faults_classify(env, dir, MDB_PANIC, why, sizeof why),
                   FAULT_FATAL);
  /* Not I/O faults: the writer's own handling. */
  assert_int_equal(faults_classify(env, dir, MDB_MAP_FULL, why, sizeof why),
                   FAULT_OTHER);
  assert_int_equal(faults_classify(env, dir, ENOMEM, why, sizeof why),
                   FAULT_OTHER);
  /* A failed flush is fatal whatever the commit returned, ENOSPC too. */
  assert_int_equal(fdatasync(-1), -1);
  assert_int_equal(faults_classify(env, dir, ENOSPC, why, sizeof why),
                   FAULT_FATAL);
  assert_non_null(strstr(why, "fdatasync"));
  faults_sync_clear();

  mdb_env_close(env);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_wrappers_remember_a_failed_sync),
      cmocka_unit_test(test_classify),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
