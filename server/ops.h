/* ops.h - what the server's operator sees and does on the server host: the
 * data directory's lock, the control socket, status, metrics and the
 * operator's invitation.
 *
 * Files in the data directory:
 *   pcnd.lock  flock(LOCK_EX) held by the one process that may append to the
 *              feed: a running `pcnd run`, or `pcnd invite` writing offline.
 *              The kernel drops it when the holder dies, so it is never
 *              stale; the file itself stays.
 *   pcnd.sock  the control socket (AF_UNIX stream, 0600), made by the
 *              holder of the lock at start and unlinked at stop. One JSON
 *              request line, one JSON reply line, then the server closes.
 *              A socket file left by a killed server is removed at start
 *              (whoever holds the lock knows nobody else serves it).
 *
 * Invariants: two processes never append to the feed at once (a running
 * server's writer caches the feed's head); while a server runs, an
 * operator's invitation goes through its writer like any write; the loop
 * thread only reads memory and the store (no file I/O: the certificate's
 * expiry is read once at start).
 *
 * Modules: ops.c (lock, lifetime, the snapshot of numbers), control.c (the
 * control socket), metrics.c (Prometheus over loopback HTTP), recovery.c
 * (the operator's invitation, online and offline), opcmd.c (`pcnd status`,
 * `pcnd invite`).
 */
#ifndef PCND_OPS_H
#define PCND_OPS_H

#include <jansson.h>
#include <stdint.h>

#include "server.h"

#define OPS_LOCK_FILE "pcnd.lock"
#define OPS_SOCK_FILE "pcnd.sock"
#define OPS_ACTOR "(operator)" /* the feed's actor for the operator */
#define OPS_RATE_WINDOW_S 10   /* writes and batches per second: averaged */

/* Everything status and metrics report. */
typedef struct ops_snapshot {
  int running;
  long pid;
  int64_t up_since_ms;
  char network[128];
  uint64_t head_seq, oldest_seq;
  uint32_t connections, subscribers, logged_in;
  uint64_t sessions; /* stored, expired ones not yet purged included */
  uint64_t requests, writes, batches, batch_ns, events_out, cuts,
      rejected_conns;
  uint64_t pw_checks, logins_refused; /* server.h stats */
  uint32_t writes_pending;
  /* Output not yet sent, all connections (conn_account), the largest one
   * connection holds, the budget, and the connections cut over it. */
  uint64_t out_bytes, out_largest, out_budget, budget_cuts;
  double writes_per_s, batches_per_s; /* over OPS_RATE_WINDOW_S */
  uint64_t map_size, map_used;
  uint32_t readers, max_readers;
  int64_t backup_ms; /* 0: no backup by this process */
  int backup_ok;
  char backup_error[256], backup_file[512];
  int64_t cert_not_after; /* Unix seconds; 0 unknown */
  char metrics[300];      /* --metrics HOST:PORT, "" off */
} ops_snapshot;

/* Takes DIR/pcnd.lock, waiting up to a few seconds for a holder that is
 * finishing (an offline `pcnd invite`). Returns the descriptor, or -1 with a
 * sentence in err when another process holds it. */
int ops_lock(const char *data_dir, char *err, size_t errlen);
/* Tries once, without waiting: the descriptor, -2 if held, -1 on error. */
int ops_trylock(const char *data_dir, char *err, size_t errlen);
void ops_unlock(int fd);

/* Loop: after server_open. Owns lock_fd whatever it returns. Makes the
 * control socket, the rate sampler and, with --metrics, the endpoint.
 * 0, or -1 with err (the caller still calls ops_stop and server_free). */
int ops_start(server *s, int lock_fd, char *err, size_t errlen);
/* Loop: closes the listeners, the sampler and idle clients; clients
 * awaiting a write close after their reply. Unlinks the socket. */
void ops_stop(server *s);
/* After the loop has ended: frees the state and drops the lock. */
void ops_free(server *s);

/* Loop: the running server's numbers (reads the store briefly). */
void ops_snapshot_live(server *s, ops_snapshot *snap);
/* The store's own numbers, from an open environment: head seq, map,
 * readers, sessions. meta, feed and sessions are dbis of txn's env. */
void ops_snapshot_store(MDB_env *env, MDB_txn *txn, MDB_dbi meta, MDB_dbi feed,
                        MDB_dbi sessions, ops_snapshot *snap);
/* server.pem's notAfter in Unix seconds, or 0. File I/O: not on the loop. */
int64_t ops_cert_not_after(const char *data_dir);
/* The snapshot as the JSON `pcnd status --json` prints. New reference. */
json_t *ops_snapshot_json(const ops_snapshot *snap);

/* control.c (used by ops.c). */
int ctl_start(server *s, char *err, size_t errlen);
void ctl_stop(server *s);

/* metrics.c (used by ops.c). Checks --metrics: a loopback HOST:PORT.
 * 0, or -1 with a sentence in err. */
int metrics_parse(const char *spec, struct sockaddr_storage *ss, char *err,
                  size_t errlen);
int metrics_start(server *s, char *err, size_t errlen);
void metrics_stop(server *s);

/* recovery.c: the operator's invitation of a PCN manager. */
typedef struct ops_invite {
  int code; /* Pcn__StatusCode */
  char message[512];
  char join_code[600];
  int64_t expires_at;
} ops_invite;
/* Loop: submits the invitation to the writer; done(s, ud, result) runs on
 * the loop once it is committed or has failed. 0, or -1 with result set
 * (and done not called). */
typedef void (*ops_invite_done)(server *s, void *ud, const ops_invite *res);
int recovery_submit(server *s, const char *username, const char *name,
                    ops_invite_done done, void *ud, ops_invite *res);
/* No server running: the caller holds the lock. Opens the store, writes
 * the invitation and its feed event in one transaction. The code pins the
 * root of tls_cert (the chain pcnd run serves with --tls-cert) or, when it
 * is NULL, DIR/ca.pem. 0 or -1; res says what happened either way. */
int recovery_offline(const char *data_dir, const char *tls_cert,
                     const char *username, const char *name, ops_invite *res);

/* The ops modules' shared state (server->ops). Loop thread only. */
struct ctl_client;
struct http_client;
struct ops {
  server *srv;
  int lock_fd;
  int stopping;
  int64_t up_since_ms;    /* wall clock */
  int64_t cert_not_after; /* read at start when certs.c left it 0 */
  uv_timer_t sampler;     /* once a second: the rate ring */
  int sampler_on;
  struct {
    uint64_t writes, batches, at_ms; /* at_ms: uv_now */
  } ring[OPS_RATE_WINDOW_S + 1];
  unsigned ring_n, ring_pos; /* samples held; next slot */
  uv_pipe_t ctl;             /* control.c: the listener */
  int ctl_on;
  int ctl_made; /* sock_path is ours to unlink */
  char sock_path[4096];
  struct ctl_client *clients;
  unsigned nclients;
  uv_tcp_t http; /* metrics.c: the listener */
  int http_on;
  struct http_client *hclients;
  unsigned nhclients;
};

/* opcmd.c: the commands. argv[0] is the command's name. */
int opcmd_status(int argc, char **argv);
int opcmd_invite(int argc, char **argv);

#endif
