/* faults.c - classifying a failed commit, and watching fdatasync/fsync
 * (the rules are in faults.h; the operator's view in docs/faults.md).
 *
 * Owns: the two sync wrappers and their thread-local failure word. The
 * wrappers change nothing about the call: they forward to the next
 * definition and only remember that it failed. Invariant: a sync failure
 * seen by the writer thread is never forgotten before the writer has
 * classified the commit it belonged to (faults_sync_clear is called only
 * before a commit).
 */
#define _GNU_SOURCE
#include "faults.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Less free space than this on the store's filesystem, as the user pcnd
 * runs as can use it, makes an EIO from a page write "disk full": LMDB
 * reports a short write as EIO, and a short write means the filesystem ran
 * out of room mid-batch. */
#define FAULTS_LOW_SPACE (1u << 20)

typedef int (*sync_fn)(int fd);
static sync_fn next_fdatasync, next_fsync;
static pthread_once_t next_once = PTHREAD_ONCE_INIT;
static _Thread_local int sync_errno;

static void resolve_next(void) {
  /* POSIX's way to turn dlsym's void * into a function pointer. */
  *(void **)&next_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
  *(void **)&next_fsync = dlsym(RTLD_NEXT, "fsync");
}

static int sync_done(int rc) {
  if (rc != 0 && !sync_errno) sync_errno = errno ? errno : EIO;
  return rc;
}

int fdatasync(int fd) {
  pthread_once(&next_once, resolve_next);
  if (!next_fdatasync) return sync_done((int)syscall(SYS_fdatasync, fd));
  return sync_done(next_fdatasync(fd));
}

int fsync(int fd) {
  pthread_once(&next_once, resolve_next);
  if (!next_fsync) return sync_done((int)syscall(SYS_fsync, fd));
  return sync_done(next_fsync(fd));
}

void faults_sync_clear(void) {
  sync_errno = 0;
}

int faults_sync_errno(void) {
  return sync_errno;
}

/* 1 when the filesystem holding dir has less than FAULTS_LOW_SPACE that
 * this process may use (root may use the reserved blocks). */
static int space_low(const char *dir) {
  struct statvfs sv;
  if (statvfs(dir, &sv) != 0) return 0;
  unsigned long long blocks = geteuid() == 0 ? sv.f_bfree : sv.f_bavail;
  return blocks * sv.f_frsize < FAULTS_LOW_SPACE;
}

enum fault_kind faults_classify(MDB_env *env, const char *data_dir, int rc,
                                char *why, size_t whylen) {
  int se = faults_sync_errno();
  if (se) {
    snprintf(why, whylen,
             "the disk reported an error while the store was flushed to it "
             "(fdatasync: %s), and a retry could report success over pages "
             "the kernel has dropped",
             strerror(se));
    return FAULT_FATAL;
  }
  if (rc == MDB_MAP_FULL || rc == 0) return FAULT_OTHER;
  /* Did the failure leave the environment usable? A failed meta write
   * marks it fatal, and every later transaction would fail anyway. */
  int probe = rc;
  if (rc != MDB_PANIC) {
    MDB_txn *t;
    probe = mdb_txn_begin(env, NULL, 0, &t);
    if (probe == 0) mdb_txn_abort(t);
  }
  if (probe == MDB_PANIC) {
    snprintf(why, whylen,
             "LMDB marked the store unusable after a failed write (%s)",
             mdb_strerror(rc));
    return FAULT_FATAL;
  }
  if (rc == ENOSPC || rc == EDQUOT ||
      (rc == EIO && data_dir && space_low(data_dir))) {
    snprintf(why, whylen, "the filesystem holding %s is full (%s)",
             data_dir ? data_dir : "the store",
             rc == EIO ? "a write of the store's pages came up short"
                       : strerror(rc));
    return FAULT_DISK_FULL;
  }
  if (rc > 0 && rc != ENOMEM) {
    snprintf(why, whylen, "writing the store failed (%s)", strerror(rc));
    return FAULT_FATAL;
  }
  return FAULT_OTHER;
}
