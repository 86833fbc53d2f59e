/* faults.h - what a failed commit means, and what the writer does about it.
 *
 * Three kinds of failure reach the writer from mdb_txn_commit, and each has
 * one honest answer (docs/faults.md):
 *
 *   FAULT_DISK_FULL  the filesystem had no room for the batch's pages
 *                    (ENOSPC, EDQUOT, or LMDB's "short write" EIO while the
 *                    filesystem is out of space). Nothing was made durable
 *                    and the last commit is intact: the batch is refused
 *                    with RESOURCE_EXHAUSTED and the next batch tries again,
 *                    so writing resumes by itself once space is freed.
 *   FAULT_FATAL      fdatasync/fsync failed (whatever its errno), LMDB
 *                    marked the environment unusable (a failed meta write:
 *                    MDB_PANIC), or any other I/O error. The kernel may have
 *                    dropped the dirty pages and a retried sync would
 *                    "succeed" over lost data (PostgreSQL, 2018), so the
 *                    writer refuses everything from then on and the server
 *                    stops and exits non-zero.
 *   FAULT_OTHER      not an I/O fault (the caller keeps its own handling).
 *
 * How a sync failure is seen: pcnd defines fdatasync() and fsync() itself
 * (faults.c). Being in the executable, these definitions are the ones
 * liblmdb's calls bind to; each forwards to the next definition
 * (dlsym(RTLD_NEXT): libc's, or a test's LD_PRELOAD shim) and records a
 * failure in a thread-local word, which the writer clears before a commit
 * and reads after it. Nothing else is changed about the call.
 */
#ifndef PCND_FAULTS_H
#define PCND_FAULTS_H

#include <lmdb.h>
#include <stddef.h>

/* The exit status of `pcnd run` after a fatal store fault. */
#define FAULTS_EXIT_STORE_ERROR 3

enum fault_kind { FAULT_OTHER = 0, FAULT_DISK_FULL, FAULT_FATAL };

/* Writer thread: forgets any sync failure seen so far on this thread. */
void faults_sync_clear(void);
/* Writer thread: the errno of the first fdatasync/fsync that failed on this
 * thread since faults_sync_clear, or 0. */
int faults_sync_errno(void);

/* Writer thread, after mdb_txn_commit (or mdb_txn_begin) returned rc and
 * with no transaction open: what it means. Probes the environment (a write
 * transaction begun and aborted) and the filesystem of data_dir (statvfs).
 * Writes a sentence for the log into why. */
enum fault_kind faults_classify(MDB_env *env, const char *data_dir, int rc,
                                char *why, size_t whylen);

#endif
