/* fault_fsync.c - an LD_PRELOAD shim for it_faults: a disk whose flush
 * fails. Tests only; never linked into anything.
 *
 * Once the file named by PCN_FAULT_FSYNC_TRIGGER exists, every fdatasync
 * and fsync of a file named data.mdb (an LMDB store) fails with EIO
 * without syncing, as a dying disk or a lost iSCSI path does; other files
 * and every call before the trigger go to libc untouched. pcnd's own
 * wrappers (server/faults.c) forward to this one through dlsym(RTLD_NEXT),
 * so the failure reaches LMDB and pcnd exactly as a real one would.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int armed_for(int fd) {
  const char *trigger = getenv("PCN_FAULT_FSYNC_TRIGGER");
  if (!trigger || access(trigger, F_OK) != 0) return 0;
  char link[64], path[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  if (n < 9) return 0;
  path[n] = 0;
  return strcmp(path + n - 9, "/data.mdb") == 0;
}

static int call_next(const char *name, int fd) {
  int (*next)(int);
  *(void **)&next = dlsym(RTLD_NEXT, name);
  return next ? next(fd) : (errno = ENOSYS, -1);
}

int fdatasync(int fd) {
  if (armed_for(fd)) {
    errno = EIO;
    return -1;
  }
  return call_next("fdatasync", fd);
}

int fsync(int fd) {
  if (armed_for(fd)) {
    errno = EIO;
    return -1;
  }
  return call_next("fsync", fd);
}
