/* server.h - the process's one server context, its configuration, and the
 * structures the server's modules pass between them.
 *
 * Threads: everything here belongs to the loop thread except the writer
 * (writer.h), which owns its queue and the store's write transaction, and
 * threadpool work, which touches only the job it is given.
 *
 * Modules: conn.c (listener, connections, TLS, frames, limits, timers),
 * dispatch.c (the request table and permission checks), writer.c (group
 * commit), feed.c (events, hash chain, subscriptions, fan-out), auth.c
 * (accounts, sessions, invitations), timers.c (the server's own jobs on
 * the clock), and one file per domain area (practices.c, members.c,
 * tasks.c, settings.c, asks*.c, news.c, decisions*.c, duties.c,
 * meetings.c). main.c parses the command line.
 */
#ifndef PCND_SERVER_H
#define PCND_SERVER_H

/* --max-conns unless given; fitted quietly to the open-file limit. */
#define PCND_MAX_CONNS_DEFAULT 20000

#include <stdint.h>
#include <uv.h>
#include <openssl/ssl.h>

#include "arena.h"
#include "buf.h"
#include "frame.h"
#include "store.h"
#include "tls_stream.h"

typedef struct server server;
typedef struct conn conn;
typedef struct writer writer;
typedef struct wjob wjob;

/* Every limit and default, each shown by `pcnd run --help`. */
typedef struct srv_config {
  const char *data_dir;
  char listen[300];      /* HOST:PORT */
  uint32_t max_frame;    /* bytes per frame */
  uint32_t max_conns;    /* concurrent connections */
  uint32_t max_anon_per_addr; /* connections not yet logged in, per peer
                                 address (conn_limits.h) */
  uint32_t max_inflight; /* unanswered requests per connection */
  size_t max_output;     /* unsent bytes per connection before a cut */
  size_t output_budget;  /* unsent bytes, all connections: past it the
                            connection with the most is cut (conn.c) */
  size_t arena_budget;   /* bytes one request may decode into */
  uint32_t handshake_timeout_ms; /* connect to logged in (or a login in
                                   flight), whatever else is sent */
  uint32_t frame_timeout_ms;     /* a frame's first byte to its last */
  uint32_t idle_timeout_ms;
  uint32_t heartbeat_ms;
  uint64_t feed_keep; /* events held; 0 keeps them all */
  size_t map_size;    /* initial LMDB map size */
  uint32_t session_idle_s;
  uint32_t session_max_s;
  uint32_t invite_ttl_s;
  uint32_t batch_max; /* writes per group commit */
  uint32_t argon2_m_kib;
  uint32_t argon2_t;
  uint32_t backoff_slots; /* login backoff table (backoff.h) */
  int verbose;
  int test_clock; /* accept ClockAdvance (tests only) */
  char metrics[300]; /* loopback HOST:PORT for Prometheus; "" off (metrics.c) */
  /* Scheduled backups (backup_sched.c); off while backup_dir is "". The
   * strings are as long as listen, which main.c's OPT_STR assumes. */
  char backup_dir[300];
  char backup_key[300]; /* --encrypt-key FILE, or "" */
  uint32_t backup_every_s;
  uint32_t backup_keep;
  /* --tls-cert/--tls-key: the organisation's own chain (ending in its
   * root) and key instead of the data directory's (certs_live.h). */
  const char *tls_cert, *tls_key;
} srv_config;

void srv_config_defaults(srv_config *cfg);

/* Who is making a request: copied into every job so the writer never looks
 * at a connection. */
typedef struct actor {
  uint32_t member_id; /* 0: not logged in */
  int role;           /* Pcn__Role */
  char username[40];
  char practice[8]; /* ODS code, "" for network roles */
} actor;

/* A password check or hash on the threadpool. */
typedef struct pw_work pw_work;

struct server {
  srv_config cfg;
  uv_loop_t *loop;
  store st;
  writer *wr;
  SSL_CTX *tls_ctx;
  uv_tcp_t listener;
  uv_timer_t sweep;      /* timeouts, heartbeats, housekeeping */
  uv_timer_t stop_timer; /* bounds how long a stop waits for clients */
  uv_signal_t sig_int, sig_term;
  conn *conns; /* every open connection */
  uint32_t nconns;
  uint64_t next_cid;
  conn *subs;             /* subscribed connections */
  uint64_t published_seq; /* newest seq fanned out */
  uint64_t oldest_seq;    /* oldest seq held in the feed */
  uint32_t pending_work;  /* threadpool jobs not yet completed */
  int stopping;           /* refusing new work */
  int stopped;            /* drained; connections closing */
  uint64_t last_purge_ms;
  uint64_t last_timers_ms; /* timers.c: the last tick */
  int64_t clock_offset_ms; /* --test-clock: added to the wall clock */
  char network_name[128];
  char network_id[40];
  char recorded_listen[300];
  uint8_t ca_sha256[32];
  uint8_t read_buf[65536]; /* the loop thread's one read buffer */
  /* Loop thread scratch for replies built from stored bytes (dispatch.c):
   * the body, then the whole frame. Reused, never shrunk. */
  pcn_buf raw, raw_frame;
  /* Output accounting (conn_account): every connection's unsent bytes,
   * and those of connections already closing (freed as they drain or
   * within their grace), which the budget does not count again. */
  size_t out_bytes, out_doomed;
  struct {
    uint64_t requests, writes, events_out, cuts, rejected_conns;
    uint64_t budget_cuts;       /* connections cut over --output-budget */
    uint64_t batches, batch_ns; /* counted on the loop as batches return */
    /* auth.c: password checks and hashes started on the threadpool, and
     * logins, password changes and joins refused unhashed (backoff, one at
     * a time, the backoff table full). */
    uint64_t pw_checks, logins_refused;
  } stats;
  struct login_backoff *backoff; /* auth.c */
  /* The last scheduled or on-demand backup taken by this process (backup.c),
   * for status and metrics. last_ms 0: none yet. */
  struct {
    int64_t last_ms; /* wall clock, Unix ms, when it finished */
    int last_ok;
    char last_error[256]; /* a sentence when !last_ok */
    char last_file[512];
  } backup;
  /* The served certificate's notAfter, Unix seconds (certs.c). */
  int64_t cert_not_after;
  struct certs_live *certs; /* certs_live.c: the served chain, SIGHUP */
  char store_epoch[33]; /* 32 hex digits (store.c); sent in Welcome */
  /* pcnd run's exit status once the loop ends: 0, or
   * FAULTS_EXIT_STORE_ERROR after a fatal store fault (faults.h). */
  int exit_code;
  /* ops.c: the data directory's lock, the control socket (status, operator
   * invitations) and the metrics endpoint. */
  struct ops *ops;
  struct backup_sched *backup_sched; /* backup_sched.c; NULL when off */
  /* conn_limits.c: per-address counts of connections not logged in, and
   * the refused connections being told to retry. NULL until listening. */
  struct conn_limits *limits;
};

/* The server's wall clock in Unix ms: the real one, moved by ClockAdvance
 * under --test-clock. Every domain time (timestamps, expiry, the feed's
 * times) comes from here; timeouts use libuv's monotonic clock. */
int64_t srv_now_ms(const server *s);

/* Lifecycle (server.c). server_open readies everything but the network
 * (store, TLS context, writer thread): what the fuzz target drives. */
int server_open(server *s, const srv_config *cfg, uv_loop_t *loop, char *err,
                size_t errlen);
int server_start(server *s, const srv_config *cfg, uv_loop_t *loop, char *err,
                 size_t errlen);
/* Graceful stop: no new connections, writes in flight committed and
 * answered, then connections closed. The loop ends when it is done. */
void server_stop(server *s);
void server_free(server *s);

/* Scheduled backups (backup_sched.c): server_start starts them when
 * cfg.backup_dir is set; server_stop stops the timer, and waits for a
 * backup in flight through pending_work. */
int backup_sched_start(server *s, char *err, size_t errlen);
void backup_sched_stop(server *s);

/* Connections (conn.c). */
int conn_listen(server *s, char *err, size_t errlen);
void conn_stop_listening(server *s);
/* Queues a frame on a connection (encodes it). 0, or -1 if it is closing. */
int conn_send_frame(conn *c, const Pcn__Frame *f);
/* Queues already-encoded frame bytes. */
int conn_send_bytes(conn *c, const uint8_t *p, size_t n);
/* Pushes queued output to the socket. */
void conn_flush(conn *c);
/* Sends a connection-level error (Frame id 0) and closes after it. */
void conn_fail(conn *c, Pcn__StatusCode code, const char *message);
void conn_close(conn *c);
void conn_ref(conn *c);
void conn_unref(conn *c);
int conn_is_open(const conn *c);
size_t conn_unsent(const conn *c);
/* Brings c's share of out_bytes up to date with conn_unsent(c). */
void conn_account(conn *c);
/* While the unsent bytes of open connections pass --output-budget, cuts
 * the connection with the most (RESOURCE_EXHAUSTED), sparing `spare` (the
 * one just now making progress) unless no other holds any. Call only
 * where no list of connections is being walked. */
void conn_budget_check(server *s, conn *spare);
void conn_sweep(server *s, uint64_t now_ms);
/* A connection with no socket behind it, already past Hello, whose output
 * goes nowhere: for the fuzz target. */
conn *conn_new_detached(server *s);
/* Feeds decrypted bytes as if they came from the peer (frames, dispatch). */
int conn_feed_plain(conn *c, const uint8_t *p, size_t n);

#endif
