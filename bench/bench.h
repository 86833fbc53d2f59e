/* bench.h - pcn-bench, the load tester: what its files share.
 *
 * One libuv loop drives every connection through libpcnclient, exactly as
 * a real client does (TLS 1.3, Hello, session resume, pipelining), so what
 * it measures is what practices get. The parts:
 *
 *   main.c    options, --help, the run's order (target, preload, workload)
 *   target.c  the server under test: --spawn (pcnd init + run on a fresh
 *             temporary directory, join) or --server with pcn's saved
 *             session; /proc sampling of its CPU and memory
 *   pool.c    connection pools, the request driver (closed loop: a fixed
 *             depth per connection; open loop: --rate, latency from the
 *             scheduled time), the read/write/mixed workloads and preload
 *   special.c fanout (with its feed checker), connect, idle, replay
 *   funds.c   the funds workload: its practices, figures and ledger
 *             preload, and its requests (statement, balances, receipt)
 *   report.c  the result: a table for people, one JSON object for scripts
 *   hist.c    the latency histogram and the open-loop schedule
 *
 * Loopback or the address given, bounded by --duration or --requests,
 * stops by itself. Exit 0 if nothing failed unexpectedly, 1 usage, 2 a
 * request failed or the feed checker found a gap, 3 cannot connect.
 */
#ifndef PCN_BENCH_H
#define PCN_BENCH_H

#include <jansson.h>
#include <stdint.h>
#include <uv.h>

#include "hist.h"
#include "pcnclient.h"

enum { BX_OK = 0, BX_USAGE = 1, BX_FAILED = 2, BX_CONNECT = 3 };

typedef enum wl {
  WL_READ,
  WL_WRITE,
  WL_MIXED,
  WL_FANOUT,
  WL_CONNECT,
  WL_IDLE,
  WL_REPLAY,
  WL_FUNDS
} wl;

/* Operation kinds, each with its own histogram. */
enum {
  OP_GET,
  OP_LIST,
  OP_CREATE,
  OP_UPDATE,
  OP_RESUME,
  OP_LOGIN,
  OP_STATEMENT,  /* funds: a month's statement */
  OP_BALANCES,   /* funds: every account's balance */
  OP_RECEIVE,    /* funds: a receipt (durable) */
  OP_DISTRIBUTE, /* funds preload: a list-size distribution */
  OP_N
};

typedef struct bench_opts {
  wl workload;
  int spawn;
  const char *server;        /* --server HOST:PORT */
  const char *pcnd;          /* pcnd binary for --spawn */
  uint32_t connections;      /* C */
  uint32_t pipeline;         /* requests in flight per connection */
  double duration;           /* seconds (0: until --requests) */
  uint64_t requests;         /* total (0: until --duration) */
  double rate;               /* open loop when > 0: requests per second */
  uint32_t read_ratio;       /* mixed: percent reads */
  uint32_t list_percent;     /* reads: percent task lists (the rest shows) */
  uint32_t subscribers;      /* fanout */
  uint32_t writers;          /* fanout */
  uint32_t idle;             /* idle, replay: connections to hold */
  uint32_t task_body; /* bytes of body in each created task */
  uint64_t from;             /* replay: subscribe after this seq */
  const char *pcnd_args[16]; /* --spawn: extra `pcnd run` options */
  uint32_t npcnd_args;
  uint64_t preload; /* tasks (funds: ledger entries) to create first */
  int restart;      /* --spawn: restart pcnd after preload, timed */
  int keep;         /* --spawn: keep the directory (logs, store) */
  int json;
  int quiet;            /* no progress line */
  int pid;              /* --pid: the server's pid, for /proc sampling */
  const char *password; /* for logins (connect); NULL: skip them */
  const char *username;
} bench_opts;

/* Server CPU and memory from /proc (only when its pid is known). */
typedef struct proc_sample {
  int ok;
  double cpu_s; /* user + system seconds so far */
  uint64_t rss_kb;
  uint64_t anon_kb; /* RssAnon: the heap, without the store's mapped pages */
} proc_sample;
int proc_read(int pid, proc_sample *out);
/* This process's user + system CPU seconds so far. */
double self_cpu(void);

/* What a run found; report.c prints it. */
typedef struct bench_result {
  const char *workload;
  uint32_t connections, pipeline;
  double rate;
  double elapsed_s;
  uint64_t requests; /* answered OK */
  uint64_t errors;
  uint64_t errors_by_code[32]; /* by pcn.StatusCode */
  hist lat;                    /* every request */
  hist op[OP_N];
  /* preload */
  uint64_t preloaded;
  double preload_s;
  double server_start_ms; /* --restart */
  /* server */
  int server_sampled;
  double server_cpu_percent;
  double client_cpu_percent; /* pcn-bench itself: is the client the limit? */
  uint64_t server_rss_kb;    /* peak seen */
  uint64_t server_anon_kb;   /* peak RssAnon seen */
  /* fanout */
  uint32_t subscribers, writers;
  uint64_t events; /* delivered, all subscribers */
  hist fan;        /* ack -> each subscriber */
  hist fan_last;   /* ack -> the last subscriber, per write */
  uint64_t early;  /* arrived before the writer's ack */
  uint64_t gaps, dups, missing;
  /* connect */
  double resumes_per_s, logins_per_s;
  uint64_t logins;
  /* idle */
  uint32_t idle;
  uint64_t idle_rss_before_kb, idle_rss_after_kb;
  uint64_t idle_anon_before_kb, idle_anon_after_kb;
  /* replay: the stalled subscribers' catch-up once they read again */
  uint64_t replay_from, replay_head;
  double replay_catchup_s;
  uint64_t reconnects; /* connections lost and resumed (cut, or closed) */
} bench_result;

void result_init(bench_result *r);
void result_record(bench_result *r, int op, uint64_t ns);
json_t *result_json(const bench_result *r);
void result_print(const bench_result *r, FILE *f);

/* ------------------------------------------------------------ target */

typedef struct target {
  char server[300];
  char *ca_pem;
  char token[80];
  char username[40];
  char password[64];
  int have_password;
  /* --spawn */
  char dir[256];
  uv_process_t proc;
  int running;
  int exited;
  int pid;
} target;

/* Sets up t: spawns and joins, or loads pcn's configuration. BX_OK, or an
 * exit code after printing why. */
int target_open(target *t, uv_loop_t *loop, const bench_opts *o);
/* Restarts a spawned pcnd and returns how long it took to serve (ms), or
 * a negative number. */
double target_restart(target *t, uv_loop_t *loop, const bench_opts *o);
/* Stops a spawned pcnd (SIGTERM, then waits) and removes its directory. */
void target_close(target *t, uv_loop_t *loop, int keep);

/* ------------------------------------------------------------ the run */

typedef struct bench bench;
typedef struct bconn bconn;

struct bconn {
  bench *b;
  pcn_client *cl;
  uint32_t idx;
  uint32_t inflight;
  int ready, failed, subscribed, updating, updated;
  uint64_t t_start; /* connect: when it started */
  uint64_t task_id; /* write: this connection's own task */
  uint32_t task_ver;
  uint64_t last_seq; /* fanout: feed checker */
  uint64_t got;      /* events received */
  int paused;        /* replay: stopped reading */
};

struct bench {
  const bench_opts *o;
  target *t;
  uv_loop_t *loop;
  bench_result *r;
  bconn *conns;
  uint32_t nconns;
  uint32_t nready, nfailed;
  uint64_t t0;           /* measurement start (uv_hrtime) */
  uint64_t sent;         /* requests sent in the measured phase */
  uint64_t done;         /* answered */
  uint64_t id_lo, id_hi; /* tasks to read */
  uint64_t limit;        /* requests to send (0: until the deadline) */
  uint32_t depth;        /* in flight per connection */
  int preloading;
  uint64_t *queue; /* open loop: due times not yet sent */
  size_t qhead, qlen, qcap;
  uint32_t cursor;       /* open loop: next connection to try */
  uint32_t first_sender; /* conns below it only listen (fanout) */
  uint32_t nsub;         /* conns below it subscribe (pool_open) */
  void (*on_ack)(bench *b, uint64_t task_id, uint64_t t);
  void *aux; /* the connect workload's state */
  int measuring, stopping;
  uint64_t rng;
  uv_timer_t tick, progress, deadline;
  uint64_t last_progress_done;
  uint64_t last_progress_t;
  proc_sample ps0;
  double client_cpu0; /* our own user + system seconds at t0 */
  /* fanout */
  uint64_t since;
  uint64_t *ack_t;  /* by task id - ack_base: the writer's ack time */
  uint64_t *last_t; /* latest arrival across subscribers */
  uint32_t *arrivals;
  uint64_t ack_base, ack_cap;
  uint64_t head; /* the server's seq once every write was acknowledged */
  /* connect */
  uint64_t opened;
};

uint64_t bench_rand(bench *b);
/* Opens n connections (resuming the session) and runs the loop until all
 * are ready. BX_OK or BX_CONNECT (printed). */
int pool_open(bench *b, uint32_t n, pcn_event_cb on_event);
void pool_close(bench *b);
/* Creates o->preload tasks, recording the id range. */
int pool_preload(bench *b);
/* read, write, mixed. */
int run_load(bench *b);
/* The measured phase: --duration seconds or b->limit requests, sending
 * from conns[first_sender..] at depth b->depth (or --rate). */
void drive(bench *b, const char *what);
int run_fanout(bench *b);
int run_connect(bench *b);
int run_idle(bench *b);
int run_replay(bench *b);

/* funds.c: the request structures of one funds request, alive until
 * pcn_client_call has sent it. */
typedef struct funds_req {
  Pcn__FundsStatement statement;
  Pcn__FundsBalances balances;
  Pcn__FundsReceive receive;
  Pcn__FundsDistribute distribute;
  char month[8], date[16], reference[64];
} funds_req;
/* Three practices with figures and the opening receipt, over a
 * connection of its own; counts the receipt as preloaded. BX_OK, or an
 * exit code after printing why. */
int funds_setup(bench *b);
/* What the funds workload sends next (preload or measured). */
int funds_next_op(bench *b);
/* Fills req (pointing into f) for a funds op; -1 if op is not one. */
int funds_build(bench *b, int op, funds_req *f, Pcn__Request *req);

/* Shared by the drivers. */
void progress_start(bench *b, const char *what);
void progress_stop(bench *b);
void bench_note_status(bench *b, int code);
/* Runs the loop until done(b) or timeout_ms passes; 0 if done. */
int bench_wait(bench *b, int (*done)(bench *b), uint64_t timeout_ms);
/* Sends one request of kind op on bc, its latency measured from due (a
 * uv_hrtime). 0, or -1 if the connection is not ready. */
int bench_send(bconn *bc, int op, uint64_t due);
void server_sample(bench *b, int final);

#endif
