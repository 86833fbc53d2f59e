/* writer.c - the writer thread and its group commit (contract in writer.h).
 *
 * Queues: `queue` (loop -> writer) under mu/cv; `done` (writer -> loop)
 * under done_mu, announced with uv_async_send. Jobs come back in the order
 * they were committed, so events are published in seq order.
 *
 * The feed chain lives here: `chain` is the committed head; each batch
 * works on a copy that becomes the head only when the batch commits.
 *
 * Faults (faults.h): a full disk refuses the batch with RESOURCE_EXHAUSTED
 * and the next batch tries again; a fatal fault (a failed fsync, a
 * panicked environment) sets `fatal`, after which the writer never touches
 * the store again: it refuses every job with UNAVAILABLE, and the loop
 * stops the server, which exits non-zero.
 */
#include "writer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "conn.h"
#include "faults.h"
#include "feed.h"
#include "log.h"

struct writer {
  server *srv;
  uv_thread_t thread;
  uv_mutex_t mu;
  uv_cond_t cv;
  wjob *queue, *queue_tail;
  int stop;
  uv_mutex_t done_mu;
  wjob *done, *done_tail;
  uv_async_t async;
  uint32_t pending; /* loop thread only */
  feed_chain chain; /* writer thread only, after start */
  /* Writer thread only; read after it is joined. */
  uint64_t n_batches, n_jobs, commit_ns;
  /* Set by the writer thread; the loop reads them after taking done_mu. */
  int fatal;
  char fatal_why[400];
  int fatal_reported;    /* loop thread only */
  int full_said;         /* writer thread: "full" logged, "room" not yet */
  uint64_t full_said_ns; /* when "full" was last logged (uv_hrtime) */
};

#define FULL_LOG_EVERY_NS (60ull * 1000 * 1000 * 1000)

wjob *wjob_new(server *s, conn *c, uint64_t frame_id, size_t arena_budget) {
  wjob *job = calloc(1, sizeof *job);
  if (!job) return NULL;
  job->srv = s;
  job->c = c;
  if (c) conn_ref(c);
  job->frame_id = frame_id;
  pcn_arena_init(&job->arena, arena_budget);
  pcn__response__init(&job->resp);
  pcn__status__init(&job->status);
  job->resp.status = &job->status;
  job->now_ms = srv_now_ms(s);
  return job;
}

static void feed_items_free(feed_item *it) {
  while (it) {
    feed_item *next = it->next;
    pcn_buf_free(&it->frame);
    free(it);
    it = next;
  }
}

void wjob_free(wjob *job) {
  if (!job) return;
  if (job->c) conn_unref(job->c);
  feed_items_free(job->items);
  pcn_arena_free(&job->arena);
  free(job);
}

int wtx_fail(wtx *w, int code, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  w->job->status.code = code;
  w->job->status.message = pcn_arena_strdup(&w->job->arena, msg);
  if (!w->job->status.message) w->job->status.message = "";
  return code;
}

int wtx_lmdb(wtx *w, int rc, const char *what) {
  if (rc == MDB_MAP_FULL) return WRITER_RETRY_MAP_FULL;
  pcnd_log(LOG_ERR, "store error while %s: %s", what, mdb_strerror(rc));
  return wtx_fail(w, PCN__STATUS_CODE__INTERNAL,
                  "The server could not save this (%s); try again, and tell "
                  "the server's operator if it goes on.",
                  what);
}

/* Clears what a previous attempt at this job left, so a rerun after
 * MDB_MAP_FULL starts clean. The arena keeps the request (allocated before
 * `mark`), so only the response side is reset. */
static void job_reset_result(wjob *job) {
  pcn__response__init(&job->resp);
  pcn__status__init(&job->status);
  job->resp.status = &job->status;
  job->code = 0;
  feed_items_free(job->items);
  job->items = NULL;
}

/* Runs one job in a nested transaction of parent. Returns 0, or
 * WRITER_RETRY_MAP_FULL to rerun the batch. */
static int writer_apply_one(writer *wr, MDB_txn *parent, feed_chain *chain,
                            wjob *job) {
  wtx w = {.srv = wr->srv, .st = &wr->srv->st, .chain = chain, .job = job};
  w.items_tail = &w.items;
  job_reset_result(job);
  feed_chain saved = *chain;
  int rc = mdb_txn_begin(wr->srv->st.env, parent, 0, &w.txn);
  if (rc) {
    if (rc == MDB_MAP_FULL) return WRITER_RETRY_MAP_FULL;
    job->code = wtx_lmdb(&w, rc, "starting a write");
    return 0;
  }
  int code = job->apply(&w, job);
  if (code == WRITER_RETRY_MAP_FULL) {
    mdb_txn_abort(w.txn);
    feed_items_free(w.items);
    *chain = saved;
    return WRITER_RETRY_MAP_FULL;
  }
  if (code == PCN__STATUS_CODE__OK) {
    rc = mdb_txn_commit(w.txn);
    if (rc == MDB_MAP_FULL) {
      feed_items_free(w.items);
      *chain = saved;
      return WRITER_RETRY_MAP_FULL;
    }
    if (rc) code = wtx_lmdb(&w, rc, "saving a change");
  } else {
    mdb_txn_abort(w.txn);
  }
  if (code != PCN__STATUS_CODE__OK) {
    feed_items_free(w.items);
    w.items = NULL;
    *chain = saved;
  }
  job->code = code;
  job->status.code = code;
  job->items = w.items;
  return 0;
}

/* Fails every job of the batch with code and message; publishes nothing. */
static void writer_refuse(writer *wr, wjob *batch, int code, const char *msg) {
  for (wjob *j = batch; j; j = j->next) {
    wtx w = {.srv = wr->srv, .st = &wr->srv->st, .job = j};
    feed_items_free(j->items);
    j->items = NULL;
    j->code = wtx_fail(&w, code, "%s", msg);
  }
}

/* A commit failed for a reason faults.h names: refuse the batch, and after
 * a fatal fault everything that follows. */
static void writer_fault(writer *wr, wjob *batch, enum fault_kind k,
                         const char *why) {
  if (k == FAULT_DISK_FULL) {
    /* On a nearly full disk small writes can fit in pages LMDB freed
     * while larger ones do not: say it is full (and then that there is
     * room) at most once a minute. */
    uint64_t now = uv_hrtime();
    if (!wr->full_said_ns || now - wr->full_said_ns > FULL_LOG_EVERY_NS) {
      pcnd_log(LOG_ERR,
               "%s; refusing writes (reads and the feed go on) until space "
               "is freed.",
               why);
      wr->full_said = 1;
      wr->full_said_ns = now;
    }
    writer_refuse(wr, batch, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                  "The server's disk is full, so this change was not saved; "
                  "reads still work, and saving resumes once the server's "
                  "operator frees space.");
    return;
  }
  if (!wr->fatal) {
    pcnd_log(LOG_CRIT, "%s; no more writes will be taken.", why);
    snprintf(wr->fatal_why, sizeof wr->fatal_why, "%s", why);
    wr->fatal = 1;
  }
  writer_refuse(wr, batch, PCN__STATUS_CODE__UNAVAILABLE,
                "The server stopped taking writes after its disk reported an "
                "error, so this change was not saved; try again once the "
                "server's operator has restarted it.");
}

/* Applies and commits one batch. On return every job has its result. */
static void writer_run_batch(writer *wr, wjob *batch) {
  store *st = &wr->srv->st;
  if (wr->fatal) {
    writer_fault(wr, batch, FAULT_FATAL, wr->fatal_why);
    return;
  }
  for (int attempt = 0;; attempt++) {
    feed_chain chain = wr->chain;
    MDB_txn *txn;
    faults_sync_clear();
    int rc = mdb_txn_begin(st->env, NULL, 0, &txn);
    int retry = 0;
    if (rc == 0) {
      for (wjob *j = batch; j; j = j->next) {
        if (writer_apply_one(wr, txn, &chain, j) == WRITER_RETRY_MAP_FULL) {
          retry = 1;
          break;
        }
      }
      if (!retry && wr->srv->cfg.feed_keep)
        rc = feed_trim(st, txn, chain.head_seq, wr->srv->cfg.feed_keep);
      if (retry || rc) {
        mdb_txn_abort(txn);
        if (rc == MDB_MAP_FULL) retry = 1;
      } else {
        rc = mdb_txn_commit(txn); /* durable: fsync before we go on */
        if (rc == MDB_MAP_FULL) retry = 1;
      }
    }
    if (!retry && rc) {
      char why[400];
      enum fault_kind k =
          faults_classify(st->env, wr->srv->cfg.data_dir, rc, why, sizeof why);
      if (k != FAULT_OTHER) {
        writer_fault(wr, batch, k, why);
        return;
      }
    }
    if (retry && attempt < 8 && store_grow(st) == 0) {
      pcnd_log(LOG_NOTICE, "the store's map was full; grown to %zu MiB.",
               st->map_size >> 20);
      continue;
    }
    if (!retry && rc == 0) {
      wr->chain = chain;
      if (wr->full_said) {
        pcnd_log(LOG_NOTICE,
                 "there is room on the disk again; writes are being saved.");
        wr->full_said = 0;
      }
      return;
    }
    /* The batch is lost: fail every job, publish nothing. */
    pcnd_log(LOG_ERR, "commit failed: %s", mdb_strerror(rc));
    for (wjob *j = batch; j; j = j->next) {
      wtx w = {.srv = wr->srv, .st = st, .job = j};
      feed_items_free(j->items);
      j->items = NULL;
      j->code = wtx_lmdb(&w, rc ? rc : MDB_MAP_FULL, "committing");
      j->status.code = j->code;
    }
    return;
  }
}

static void writer_main(void *arg) {
  writer *wr = arg;
  for (;;) {
    uv_mutex_lock(&wr->mu);
    while (!wr->queue && !wr->stop)
      uv_cond_wait(&wr->cv, &wr->mu);
    if (!wr->queue && wr->stop) {
      uv_mutex_unlock(&wr->mu);
      return;
    }
    /* Take up to batch_max jobs: everything waiting, in arrival order. */
    wjob *batch = wr->queue, *last = batch;
    uint32_t n = 1;
    while (last->next && n < wr->srv->cfg.batch_max) {
      last = last->next;
      n++;
    }
    wr->queue = last->next;
    if (!wr->queue) wr->queue_tail = NULL;
    last->next = NULL;
    uv_mutex_unlock(&wr->mu);

    uint64_t t0 = uv_hrtime();
    writer_run_batch(wr, batch);
    uint64_t took = uv_hrtime() - t0;
    wr->commit_ns += took;
    last->batch_end = 1; /* the loop counts batches from this mark */
    last->batch_ns = took;
    wr->n_batches++;
    wr->n_jobs += n;

    uv_mutex_lock(&wr->done_mu);
    if (wr->done_tail)
      wr->done_tail->next = batch;
    else
      wr->done = batch;
    wr->done_tail = last;
    uv_mutex_unlock(&wr->done_mu);
    uv_async_send(&wr->async);
  }
}

/* Encodes job->resp into the reply and sends it, if its connection is
 * still there. */
static void writer_reply(wjob *job) {
  if (!job->c && job->done) {
    job->done(job->srv, job);
    return;
  }
  if (!job->c) {
    /* The server's own writes (timers.c) have nobody to tell but the
     * operator. */
    if (job->code != PCN__STATUS_CODE__OK)
      pcnd_log(LOG_WARNING, "a timed job failed: %s",
               job->status.message ? job->status.message : "(no reason)");
    return;
  }
  if (job->code != PCN__STATUS_CODE__OK) {
    /* A failed write answers with its status and whatever record apply
     * attached (CONFLICT carries the current one). */
    if (!job->status.message) job->status.message = "";
  }
  dispatch_reply(job->c, job->frame_id, &job->resp);
}

/* Loop thread: replies, then events, for every finished batch. */
static void writer_on_done(uv_async_t *h) {
  writer *wr = h->data;
  uv_mutex_lock(&wr->done_mu);
  wjob *jobs = wr->done;
  wr->done = wr->done_tail = NULL;
  uv_mutex_unlock(&wr->done_mu);
  while (jobs) {
    wjob *job = jobs;
    jobs = job->next;
    wr->pending--;
    if (job->batch_end) {
      wr->srv->stats.batches++;
      wr->srv->stats.batch_ns += job->batch_ns;
    }
    if (job->code == PCN__STATUS_CODE__OK && job->after)
      job->after(wr->srv, job);
    writer_reply(job);
    if (job->c) {
      conn_flush(job->c);
      dispatch_async_done(job->c);
    }
    if (job->items) feed_publish(wr->srv, job->items);
    wjob_free(job);
  }
  if (wr->fatal && !wr->fatal_reported) {
    wr->fatal_reported = 1;
    pcnd_log(LOG_CRIT,
             "stopping with exit status %d because %s. Check the disk "
             "(dmesg), then run `pcnd verify --data %s` and start pcnd again: "
             "it opens at the last durable commit.",
             FAULTS_EXIT_STORE_ERROR, wr->fatal_why, wr->srv->cfg.data_dir);
    wr->srv->exit_code = FAULTS_EXIT_STORE_ERROR;
    server_stop(wr->srv);
  }
  if (wr->srv->stopping) server_stop(wr->srv); /* re-check: drained? */
}

void writer_submit(writer *wr, wjob *job) {
  job->next = NULL;
  wr->pending++;
  wr->srv->stats.writes++;
  uv_mutex_lock(&wr->mu);
  if (wr->queue_tail)
    wr->queue_tail->next = job;
  else
    wr->queue = job;
  wr->queue_tail = job;
  uv_cond_signal(&wr->cv);
  uv_mutex_unlock(&wr->mu);
}

uint32_t writer_pending(writer *wr) {
  return wr ? wr->pending : 0;
}

writer *writer_start(server *s, char *err, size_t errlen) {
  writer *wr = calloc(1, sizeof *wr);
  if (!wr) {
    snprintf(err, errlen, "Out of memory.");
    return NULL;
  }
  wr->srv = s;
  MDB_txn *txn;
  int rc = mdb_txn_begin(s->st.env, NULL, MDB_RDONLY, &txn);
  if (rc == 0) {
    rc = feed_chain_load(&s->st, txn, &wr->chain, &s->oldest_seq);
    mdb_txn_abort(txn);
  }
  if (rc) {
    snprintf(err, errlen, "Could not read the feed: %s.", mdb_strerror(rc));
    goto fail;
  }
  s->published_seq = wr->chain.head_seq;
  if (uv_mutex_init(&wr->mu)) goto fail_sys;
  if (uv_cond_init(&wr->cv)) goto fail_mu;
  if (uv_mutex_init(&wr->done_mu)) goto fail_cv;
  if (uv_async_init(s->loop, &wr->async, writer_on_done)) goto fail_done_mu;
  wr->async.data = wr;
  if (uv_thread_create(&wr->thread, writer_main, wr)) goto fail_async;
  return wr;

fail_async:
  uv_close((uv_handle_t *)&wr->async, NULL);
fail_done_mu:
  uv_mutex_destroy(&wr->done_mu);
fail_cv:
  uv_cond_destroy(&wr->cv);
fail_mu:
  uv_mutex_destroy(&wr->mu);
fail_sys:
  snprintf(err, errlen, "Could not start the writer thread.");
fail:
  free(wr);
  return NULL;
}

void writer_stop(writer *wr) {
  if (!wr || wr->stop) return;
  uv_mutex_lock(&wr->mu);
  wr->stop = 1;
  uv_cond_signal(&wr->cv);
  uv_mutex_unlock(&wr->mu);
  uv_thread_join(&wr->thread);
  writer_on_done(&wr->async); /* answer the last batch */
  if (wr->n_batches)
    pcnd_log(LOG_INFO,
             "%llu writes committed in %llu batches (%.1f per batch, "
             "%.2f ms per batch)",
             (unsigned long long)wr->n_jobs, (unsigned long long)wr->n_batches,
             (double)wr->n_jobs / (double)wr->n_batches,
             (double)wr->commit_ns / 1e6 / (double)wr->n_batches);
  uv_close((uv_handle_t *)&wr->async, NULL);
}

void writer_free(writer *wr) {
  if (!wr) return;
  uv_mutex_destroy(&wr->done_mu);
  uv_cond_destroy(&wr->cv);
  uv_mutex_destroy(&wr->mu);
  free(wr);
}
