/* server.c - the server's lifecycle: start (store, TLS, writer, listener,
 * timers, signals), graceful stop, and the once-a-second sweep.
 *
 * Stop order: stop accepting; answer new requests with UNAVAILABLE; wait
 * until the writer and the threadpool have nothing in flight (each of them
 * calls server_stop again as it finishes); then close every connection
 * after flushing it, stop the writer thread, and close the handles so the
 * loop ends.
 */
#include <stdio.h>
#include <string.h>

#include "areas.h"
#include "auth.h"
#include "clock.h"
#include "certs.h"
#include "certs_live.h"
#include "conn.h"
#include "conn_limits.h"
#include "feed.h"
#include "ops.h"
#include "log.h"
#include "sdnotify.h"
#include "pki.h"
#include "validate.h"

#define SWEEP_MS 1000
#define PURGE_EVERY_MS (60 * 60 * 1000)
#define TIMERS_EVERY_MS (60 * 1000) /* reminders are per day; a minute is ample */
#define STOP_GRACE_MS 3000

void srv_config_defaults(srv_config *cfg) {
  memset(cfg, 0, sizeof *cfg);
  cfg->max_frame = PCN_FRAME_MAX_DEFAULT;
  cfg->max_conns = PCND_MAX_CONNS_DEFAULT;
  cfg->max_anon_per_addr = 32; /* a practice's PCs behind one NAT address */
  cfg->max_inflight = 256;
  cfg->max_output = 8u << 20;
  cfg->output_budget = 64u << 20;
  cfg->arena_budget = 4u << 20;
  cfg->handshake_timeout_ms = 10000;
  cfg->frame_timeout_ms = 10000;
  cfg->idle_timeout_ms = 300000;
  cfg->heartbeat_ms = 15000;
  cfg->feed_keep = 0;
  cfg->map_size = 256u << 20;
  /* A holiday fortnight: Christmas Eve to the first working days of
   * January, weekends included (issue 20). */
  cfg->session_idle_s = 16 * 24 * 3600;
  cfg->session_max_s = 30 * 24 * 3600;
  cfg->invite_ttl_s = 7 * 24 * 3600;
  cfg->batch_max = 1024;
  cfg->argon2_m_kib = 19456;
  cfg->argon2_t = 2;
  cfg->backoff_slots = 65536; /* BACKOFF_SLOTS_DEFAULT */
  cfg->backup_every_s = 86400;
  cfg->backup_keep = 7;
}

static void on_sweep(uv_timer_t *t) {
  server *s = t->data;
  uint64_t now = uv_now(s->loop);
  conn_sweep(s, now);
  feed_heartbeat(s, now);
  if (!s->stopping && now - s->last_purge_ms >= PURGE_EVERY_MS) {
    s->last_purge_ms = now;
    auth_purge_expired(s);
  }
  if (!s->stopping && now - s->last_timers_ms >= TIMERS_EVERY_MS) {
    s->last_timers_ms = now;
    timers_run(s);
  }
}

/* Clients that do not read their last bytes do not hold the stop up. */
static void on_stop_timer(uv_timer_t *t) {
  server *s = t->data;
  while (s->conns)
    conn_close(s->conns); /* the last closes the timer */
  if (!uv_is_closing((uv_handle_t *)t)) uv_close((uv_handle_t *)t, NULL);
}

static void on_signal(uv_signal_t *h, int signum) {
  server *s = h->data;
  pcnd_log(LOG_NOTICE,
           "%s received; finishing writes in flight, then stopping.",
           signum == SIGINT ? "SIGINT" : "SIGTERM");
  server_stop(s);
}

static int load_identity(server *s, char *err, size_t errlen) {
  MDB_txn *txn = store_read_begin(&s->st);
  if (!txn) {
    snprintf(err, errlen, "Could not read the store.");
    return -1;
  }
  int rc = store_meta_get_str(txn, &s->st, META_NETWORK_NAME, s->network_name,
                              sizeof s->network_name);
  if (!rc)
    rc = store_meta_get_str(txn, &s->st, META_NETWORK_ID, s->network_id,
                            sizeof s->network_id);
  if (!rc)
    rc = store_meta_get_str(txn, &s->st, META_ADVERTISE, s->recorded_listen,
                            sizeof s->recorded_listen);
  char listen[300] = "";
  if (!rc)
    rc = store_meta_get_str(txn, &s->st, META_LISTEN, listen, sizeof listen);
  store_read_end(&s->st);
  if (rc) {
    snprintf(err, errlen,
             "The store has no network identity; was it made by pcnd init?");
    return -1;
  }
  if (!s->cfg.listen[0])
    snprintf(s->cfg.listen, sizeof s->cfg.listen, "%s", listen);
  return 0;
}

int server_open(server *s, const srv_config *cfg, uv_loop_t *loop, char *err,
                size_t errlen) {
  memset(s, 0, sizeof *s);
  s->cfg = *cfg;
  s->loop = loop;
  if (store_open(&s->st, cfg->data_dir, cfg->map_size, 0, err, errlen))
    return -1;
  if (load_identity(s, err, errlen)) goto fail_store;
  memcpy(s->store_epoch, s->st.epoch, sizeof s->store_epoch);
  /* The chain served, the root invitations pin, cert_not_after. */
  if (certs_live_open(s, err, errlen)) goto fail_store;
  if (auth_init(s, err, errlen)) goto fail_tls;
  s->wr = writer_start(s, err, errlen);
  if (!s->wr) goto fail_auth;
  return 0;

fail_auth:
  auth_free(s);
fail_tls:
  SSL_CTX_free(s->tls_ctx);
  s->tls_ctx = NULL;
  certs_live_free(s);
fail_store:
  store_close(&s->st);
  return -1;
}

int server_start(server *s, const srv_config *cfg, uv_loop_t *loop, char *err,
                 size_t errlen) {
  /* The data directory's lock first: no second server, and no offline
   * `pcnd invite`, may append to the feed while this one caches its head. */
  int lock_fd = ops_lock(cfg->data_dir, err, errlen);
  if (lock_fd < 0) return -1;
  if (server_open(s, cfg, loop, err, errlen)) {
    ops_unlock(lock_fd);
    return -1;
  }
  if (ops_start(s, lock_fd, err, errlen) || /* owns lock_fd from here */
      backup_sched_start(s, err, errlen)) {
    ops_stop(s);
    writer_stop(s->wr);
    uv_run(loop, UV_RUN_NOWAIT);
    server_free(s);
    return -1;
  }
  /* Signals before the port: a service manager (or a test) may send
   * SIGTERM the moment a connection succeeds, and the default action
   * would kill the server mid-write instead of stopping it cleanly. */
  uv_signal_init(loop, &s->sig_int);
  uv_signal_init(loop, &s->sig_term);
  s->sig_int.data = s->sig_term.data = s;
  uv_signal_start(&s->sig_int, on_signal, SIGINT);
  uv_signal_start(&s->sig_term, on_signal, SIGTERM);
  certs_live_start(s); /* SIGHUP: take a renewed certificate */
  if (conn_listen(s, err, errlen)) {
    uv_close((uv_handle_t *)&s->sig_int, NULL);
    uv_close((uv_handle_t *)&s->sig_term, NULL);
    certs_live_stop(s);
    ops_stop(s);
    backup_sched_stop(s);
    uv_close((uv_handle_t *)&s->listener, NULL);
    writer_stop(s->wr);
    uv_run(loop, UV_RUN_NOWAIT);
    server_free(s);
    return -1;
  }
  uv_timer_init(loop, &s->stop_timer);
  uv_timer_init(loop, &s->sweep);
  s->sweep.data = s->stop_timer.data = s;
  uv_timer_start(&s->sweep, on_sweep, SWEEP_MS, SWEEP_MS);
  /* Catch up on what fell due while the server was stopped. */
  s->last_timers_ms = uv_now(loop);
  timers_run(s);
  return 0;
}

void server_stop(server *s) {
  if (!s->stopping) {
    s->stopping = 1;
    pcnd_notify_stopping();
    conn_stop_listening(s);
    ops_stop(s);
    backup_sched_stop(s);
    /* The signal handlers stay: a second Ctrl-C must not kill a stop
     * that is finishing writes. */
  }
  if (s->stopped) return;
  if (writer_pending(s->wr) > 0 || s->pending_work > 0) return;
  s->stopped = 1;
  uv_timer_stop(&s->sweep);
  uv_close((uv_handle_t *)&s->sweep, NULL);
  uv_close((uv_handle_t *)&s->sig_int, NULL);
  uv_close((uv_handle_t *)&s->sig_term, NULL);
  certs_live_stop(s);
  writer_stop(s->wr);
  /* Connections flush their last bytes and close; the stop timer bounds
   * the wait, and the last connection to close closes the timer. */
  uv_timer_start(&s->stop_timer, on_stop_timer, STOP_GRACE_MS, 0);
  for (conn *c = s->conns, *next; c; c = next) {
    next = c->next;
    conn_fail(c, PCN__STATUS_CODE__UNAVAILABLE,
              "The server is shutting down; reconnect in a moment.");
  }
  if (!s->conns && !uv_is_closing((uv_handle_t *)&s->stop_timer))
    uv_close((uv_handle_t *)&s->stop_timer, NULL);
}

void server_free(server *s) {
  ops_free(s);
  writer_free(s->wr);
  s->wr = NULL;
  auth_free(s);
  if (s->tls_ctx) SSL_CTX_free(s->tls_ctx);
  s->tls_ctx = NULL;
  certs_live_free(s);
  conn_limits_free(s);
  store_close(&s->st);
  pcn_buf_free(&s->raw);
  pcn_buf_free(&s->raw_frame);
}

int64_t srv_now_ms(const server *s) {
  return pcn_now_ms() + s->clock_offset_ms;
}
