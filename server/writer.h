/* writer.h - the writer thread: the only LMDB writer.
 *
 * The loop hands it jobs (writer_submit). It takes every job waiting, opens
 * one write transaction, runs each job's apply in a nested transaction (a
 * failing write is rolled back alone), commits once (one fsync pair for the
 * batch), and hands the finished batch back to the loop with
 * uv_async_send. Only then does the loop send replies and fan out events:
 * nothing is acknowledged before it is durable. MDB_MAP_FULL grows the map
 * and reruns the batch; a failed commit fails the batch's jobs and rolls
 * the feed state back: RESOURCE_EXHAUSTED for a full disk, UNAVAILABLE
 * (and the server stops, exiting non-zero) after a failed fsync or another
 * I/O error (faults.h), INTERNAL otherwise.
 */
#ifndef PCND_WRITER_H
#define PCND_WRITER_H

#include <lmdb.h>

#include "server.h"

typedef struct wtx wtx;

/* Runs in the writer thread. Returns a status code; on failure sets the
 * message with wtx_fail. Returns WRITER_RETRY_MAP_FULL when LMDB said
 * MDB_MAP_FULL (wtx_lmdb does this for you). */
typedef int (*apply_fn)(wtx *w, wjob *job);
/* Runs on the loop after the commit, before the reply is sent. */
typedef void (*after_fn)(server *s, wjob *job);

#define WRITER_RETRY_MAP_FULL (-1000)

/* One event produced by a committed write, ready to send. */
typedef struct feed_item {
  struct feed_item *next;
  uint64_t seq;
  char audience[256]; /* FEED_AUD_MAX (feed.h) */
  int record_case;    /* Pcn__Event__RecordCase */
  uint32_t member_id; /* for member events: whose record */
  pcn_buf frame;      /* the whole Frame{event}, length prefix included */
} feed_item;

struct wjob {
  wjob *next;
  server *srv;
  conn *c; /* NULL for the server's own writes; holds a ref */
  uint64_t frame_id;
  apply_fn apply;
  after_fn after;
  pcn_arena arena; /* owns req, prep and the response */
  Pcn__Request *req;
  actor who;
  int64_t now_ms;
  void *prep;         /* what prepare worked out, for apply */
  Pcn__Response resp; /* built by apply */
  Pcn__Status status;
  int code;
  feed_item *items; /* events this job committed */
  uint64_t aux;     /* area-specific result for after() */
  /* Loop, after every outcome, for a job with no connection that someone
   * still waits on (recovery.c's operator invitation); NULL: failures are
   * logged. */
  after_fn done;
  int batch_end;     /* the last job of its batch (set by the writer) */
  uint64_t batch_ns; /* on batch_end: how long the batch took */
};

/* The head of the feed's hash chain, as the writer sees it. */
typedef struct feed_chain {
  uint64_t head_seq;
  uint8_t head_hash[32];
} feed_chain;

struct wtx {
  server *srv;
  feed_chain *chain; /* advanced by feed_emit; restored if the job fails */
  store *st;
  MDB_txn *txn; /* this job's nested transaction */
  wjob *job;
  feed_item *items; /* events emitted so far by this job */
  feed_item **items_tail;
};

writer *writer_start(server *s, char *err, size_t errlen);
void writer_submit(writer *w, wjob *job);
/* Finishes what is queued, then stops the thread. */
void writer_stop(writer *w);
void writer_free(writer *w);
/* Jobs submitted and not yet completed on the loop. */
uint32_t writer_pending(writer *w);

/* Creates a job; the caller fills it and either submits or frees it. */
wjob *wjob_new(server *s, conn *c, uint64_t frame_id, size_t arena_budget);
void wjob_free(wjob *job);

/* Helpers for apply functions. */
int wtx_fail(wtx *w, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Maps an LMDB error to INTERNAL (or WRITER_RETRY_MAP_FULL). */
int wtx_lmdb(wtx *w, int rc, const char *what);

#endif
