/* ops.c - the data directory's lock, the ops modules' lifetime, and the
 * numbers status and metrics report (ops.h).
 *
 * The lock is flock(2) on DIR/pcnd.lock, not fcntl(2): LMDB takes fcntl
 * locks on its own files, and fcntl locks belong to the process, so any
 * close of another descriptor of the same file would drop them. flock
 * belongs to the open file, and the kernel drops it when the holder dies.
 *
 * Rates: a one-second timer keeps the last OPS_RATE_WINDOW_S samples of
 * the write and batch counters; a rate is the newest count minus the
 * oldest held, over the time between them.
 */
#define _GNU_SOURCE /* flock, timegm */
#include "ops.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "conn.h"
#include "feed.h"
#include "writer.h"

#define LOCK_WAIT_MS 5000
#define LOCK_STEP_MS 50

/* ------------------------------------------------------------ lock */

int ops_trylock(const char *data_dir, char *err, size_t errlen) {
  char path[4096];
  struct stat sb;
  snprintf(path, sizeof path, "%s/data.mdb", data_dir);
  if (stat(path, &sb) != 0) {
    snprintf(err, errlen,
             "%s holds no network; make one with `pcnd init --data %s "
             "--network NAME`, or give the directory pcnd init made.",
             data_dir, data_dir);
    return -1;
  }
  snprintf(path, sizeof path, "%s/" OPS_LOCK_FILE, data_dir);
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    snprintf(err, errlen,
             "Could not open %s: %s; run as the owner of the data directory.",
             path, strerror(errno));
    return -1;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) == 0) return fd;
  int e = errno;
  close(fd);
  if (e == EWOULDBLOCK) return -2;
  snprintf(err, errlen, "Could not lock %s: %s.", path, strerror(e));
  return -1;
}

int ops_lock(const char *data_dir, char *err, size_t errlen) {
  for (int waited = 0;; waited += LOCK_STEP_MS) {
    int fd = ops_trylock(data_dir, err, errlen);
    if (fd != -2) return fd;
    if (waited >= LOCK_WAIT_MS) break;
    struct timespec ts = {0, LOCK_STEP_MS * 1000000L};
    nanosleep(&ts, NULL);
  }
  snprintf(err, errlen,
           "Another pcnd is already serving %s (or `pcnd invite` is writing "
           "to it); stop it first, or see `pcnd status --data %s`.",
           data_dir, data_dir);
  return -1;
}

void ops_unlock(int fd) {
  if (fd >= 0) close(fd); /* closing drops the flock */
}

/* ------------------------------------------------------------ lifetime */

static void on_sample(uv_timer_t *t) {
  struct ops *o = t->data;
  server *s = o->srv;
  o->ring[o->ring_pos].writes = s->stats.writes;
  o->ring[o->ring_pos].batches = s->stats.batches;
  o->ring[o->ring_pos].at_ms = uv_now(s->loop);
  o->ring_pos = (o->ring_pos + 1) % (OPS_RATE_WINDOW_S + 1);
  if (o->ring_n < OPS_RATE_WINDOW_S + 1) o->ring_n++;
}

int ops_start(server *s, int lock_fd, char *err, size_t errlen) {
  struct ops *o = calloc(1, sizeof *o);
  if (!o) {
    ops_unlock(lock_fd);
    snprintf(err, errlen, "Out of memory.");
    return -1;
  }
  s->ops = o;
  o->srv = s;
  o->lock_fd = lock_fd;
  o->up_since_ms = srv_now_ms(s);
  /* At start, before the loop runs: the one file read status needs. */
  o->cert_not_after = ops_cert_not_after(s->cfg.data_dir);
  uv_timer_init(s->loop, &o->sampler);
  o->sampler.data = o;
  o->sampler_on = 1;
  on_sample(&o->sampler);
  uv_timer_start(&o->sampler, on_sample, 1000, 1000);
  if (ctl_start(s, err, errlen)) return -1;
  if (s->cfg.metrics[0] && metrics_start(s, err, errlen)) return -1;
  return 0;
}

void ops_stop(server *s) {
  struct ops *o = s->ops;
  if (!o || o->stopping) return;
  o->stopping = 1;
  if (o->sampler_on) {
    uv_timer_stop(&o->sampler);
    uv_close((uv_handle_t *)&o->sampler, NULL);
    o->sampler_on = 0;
  }
  ctl_stop(s);
  metrics_stop(s);
}

void ops_free(server *s) {
  struct ops *o = s->ops;
  if (!o) return;
  /* Before the lock goes: whoever takes it next finds no socket. */
  if (o->ctl_made) unlink(o->sock_path);
  ops_unlock(o->lock_fd);
  free(o);
  s->ops = NULL;
}

/* ------------------------------------------------------------ numbers */

void ops_snapshot_store(MDB_env *env, MDB_txn *txn, MDB_dbi meta, MDB_dbi feed,
                        MDB_dbi sessions, ops_snapshot *snap) {
  MDB_envinfo info;
  MDB_stat est, ss;
  if (mdb_env_info(env, &info) == 0 && mdb_env_stat(env, &est) == 0) {
    snap->map_size = info.me_mapsize;
    snap->map_used = (uint64_t)(info.me_last_pgno + 1) * est.ms_psize;
    snap->readers = info.me_numreaders;
    snap->max_readers = info.me_maxreaders;
  }
  if (mdb_stat(txn, sessions, &ss) == 0) snap->sessions = ss.ms_entries;
  store st;
  memset(&st, 0, sizeof st);
  st.env = env;
  st.meta = meta;
  st.feed = feed;
  feed_chain chain;
  uint64_t oldest;
  if (feed_chain_load(&st, txn, &chain, &oldest) == 0) {
    snap->head_seq = chain.head_seq;
    snap->oldest_seq = oldest;
  }
}

void ops_snapshot_live(server *s, ops_snapshot *snap) {
  struct ops *o = s->ops;
  memset(snap, 0, sizeof *snap);
  snap->running = 1;
  snap->pid = (long)getpid();
  snap->up_since_ms = o ? o->up_since_ms : 0;
  snprintf(snap->network, sizeof snap->network, "%s", s->network_name);
  int was_live = s->st.rtxn_live;
  MDB_txn *txn = store_read_begin(&s->st);
  if (txn) {
    ops_snapshot_store(s->st.env, txn, s->st.meta, s->st.feed, s->st.sessions,
                       snap);
    if (!was_live) store_read_end(&s->st);
  }
  /* What the loop has published, not what the store holds: the same
   * until a batch is committed and not yet back on the loop. */
  snap->head_seq = s->published_seq;
  snap->oldest_seq = s->oldest_seq;
  snprintf(snap->metrics, sizeof snap->metrics, "%s", s->cfg.metrics);
  snap->connections = s->nconns;
  for (conn *c = s->conns; c; c = c->next)
    if (c->who.member_id) snap->logged_in++;
  for (conn *c = s->subs; c; c = c->sub_next)
    snap->subscribers++;
  snap->pw_checks = s->stats.pw_checks; /* auth.c */
  snap->logins_refused = s->stats.logins_refused;
  snap->requests = s->stats.requests;
  snap->writes = s->stats.writes;
  snap->batches = s->stats.batches;
  snap->batch_ns = s->stats.batch_ns;
  snap->events_out = s->stats.events_out;
  snap->cuts = s->stats.cuts;
  snap->out_bytes = s->out_bytes;
  snap->out_budget = s->cfg.output_budget;
  snap->budget_cuts = s->stats.budget_cuts;
  for (conn *c = s->conns; c; c = c->next)
    if (c->out_acct > snap->out_largest) snap->out_largest = c->out_acct;
  snap->rejected_conns = s->stats.rejected_conns;
  snap->writes_pending = writer_pending(s->wr);
  if (o && o->ring_n) {
    unsigned oldest = (o->ring_pos + OPS_RATE_WINDOW_S + 1 - o->ring_n) %
                      (OPS_RATE_WINDOW_S + 1);
    uint64_t dt = uv_now(s->loop) - o->ring[oldest].at_ms;
    if (dt >= 500) {
      snap->writes_per_s =
          (double)(s->stats.writes - o->ring[oldest].writes) * 1000.0 / dt;
      snap->batches_per_s =
          (double)(s->stats.batches - o->ring[oldest].batches) * 1000.0 / dt;
    }
  }
  snap->backup_ms = s->backup.last_ms;
  snap->backup_ok = s->backup.last_ok;
  snprintf(snap->backup_error, sizeof snap->backup_error, "%s",
           s->backup.last_error);
  snprintf(snap->backup_file, sizeof snap->backup_file, "%s",
           s->backup.last_file);
  snap->cert_not_after = s->cert_not_after ? s->cert_not_after
                         : o               ? o->cert_not_after
                                           : 0;
}

int64_t ops_cert_not_after(const char *data_dir) {
  char path[4096];
  snprintf(path, sizeof path, "%s/server.pem", data_dir);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
  fclose(f);
  if (!x) return 0;
  struct tm tm;
  int64_t t = 0;
  if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1)
    t = (int64_t)timegm(&tm);
  X509_free(x);
  return t;
}

/* ------------------------------------------------------------ JSON */

json_t *ops_snapshot_json(const ops_snapshot *n) {
  json_t *o = json_object();
  json_object_set_new(o, "running", json_boolean(n->running));
  if (n->network[0]) json_object_set_new(o, "network", json_string(n->network));
  json_object_set_new(o, "head_seq", json_integer((json_int_t)n->head_seq));
  json_object_set_new(o, "oldest_seq", json_integer((json_int_t)n->oldest_seq));
  json_object_set_new(o, "sessions_stored",
                      json_integer((json_int_t)n->sessions));
  json_t *map = json_object();
  json_object_set_new(map, "size_bytes", json_integer((json_int_t)n->map_size));
  json_object_set_new(map, "used_bytes", json_integer((json_int_t)n->map_used));
  json_object_set_new(map, "free_bytes",
                      json_integer((json_int_t)(n->map_size > n->map_used
                                                    ? n->map_size - n->map_used
                                                    : 0)));
  json_object_set_new(o, "map", map);
  json_t *rd = json_object();
  json_object_set_new(rd, "used", json_integer(n->readers));
  json_object_set_new(rd, "max", json_integer(n->max_readers));
  json_object_set_new(o, "readers", rd);
  json_object_set_new(o, "cert_not_after",
                      n->cert_not_after ? json_integer(n->cert_not_after)
                                        : json_null());
  if (!n->running) return o;

  json_object_set_new(o, "pid", json_integer(n->pid));
  json_object_set_new(o, "up_since", json_integer(n->up_since_ms));
  json_object_set_new(o, "metrics",
                      n->metrics[0] ? json_string(n->metrics) : json_null());
  json_object_set_new(o, "connections", json_integer(n->connections));
  json_object_set_new(o, "logged_in", json_integer(n->logged_in));
  json_object_set_new(o, "subscribers", json_integer(n->subscribers));
  json_object_set_new(o, "requests_total",
                      json_integer((json_int_t)n->requests));
  json_object_set_new(o, "writes_total", json_integer((json_int_t)n->writes));
  json_object_set_new(o, "batches_total", json_integer((json_int_t)n->batches));
  json_object_set_new(o, "writes_pending", json_integer(n->writes_pending));
  json_object_set_new(o, "writes_per_sec", json_real(n->writes_per_s));
  json_object_set_new(o, "batches_per_sec", json_real(n->batches_per_s));
  json_object_set_new(o, "password_checks_total",
                      json_integer((json_int_t)n->pw_checks));
  json_object_set_new(o, "logins_refused_total",
                      json_integer((json_int_t)n->logins_refused));
  json_object_set_new(o, "events_sent_total",
                      json_integer((json_int_t)n->events_out));
  json_object_set_new(o, "subscribers_cut_total",
                      json_integer((json_int_t)n->cuts));
  json_object_set_new(o, "connections_rejected_total",
                      json_integer((json_int_t)n->rejected_conns));
  json_t *out = json_object();
  json_object_set_new(out, "unsent_bytes",
                      json_integer((json_int_t)n->out_bytes));
  json_object_set_new(out, "largest_bytes",
                      json_integer((json_int_t)n->out_largest));
  json_object_set_new(out, "budget_bytes",
                      json_integer((json_int_t)n->out_budget));
  json_object_set_new(out, "budget_cuts_total",
                      json_integer((json_int_t)n->budget_cuts));
  json_object_set_new(o, "output", out);
  json_t *b = json_object();
  if (n->backup_ms) {
    json_object_set_new(b, "at", json_integer(n->backup_ms));
    json_object_set_new(b, "ok", json_boolean(n->backup_ok));
    json_object_set_new(b, "file", json_string(n->backup_file));
    if (!n->backup_ok)
      json_object_set_new(b, "error", json_string(n->backup_error));
  }
  json_object_set_new(o, "last_backup", n->backup_ms ? b : json_null());
  if (!n->backup_ms) json_decref(b);
  return o;
}
