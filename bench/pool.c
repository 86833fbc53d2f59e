/* pool.c - connection pools and the request driver.
 *
 * Closed loop: every connection keeps --pipeline requests in flight and
 * sends the next the moment one is answered; latency is from send to
 * answer. Open loop (--rate R): request i is due at start + i/R; due
 * requests wait in one queue for a connection with room, and latency is
 * measured from the due time, so a server stall shows up in the numbers
 * instead of slowing the sender down (coordinated omission).
 *
 * read: task show by a random id of the preloaded tasks, and the first
 * page of task list, half each. write: each connection creates a task,
 * then updates its own task (with the version it read, so never a
 * conflict), alternately; every answer is a durable commit. mixed: read
 * or write, --read-ratio percent reads. funds: see funds.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/timerfd.h>
#include <time.h>
#endif

#include "bench.h"

#define CONNECT_WINDOW 256 /* connections being set up at once */
#define PRELOAD_INFLIGHT 512
/* The open loop dispatches on a timerfd (libuv's timers have 1 ms
 * resolution and fire late by up to another, which showed up as a 1 ms
 * floor under every open-loop latency): every 1/rate, between 50 us and
 * 1 ms. */
#define TICK_MIN_NS 50000ull
#define TICK_MAX_NS 1000000ull

typedef struct req_rec {
  bconn *bc;
  uint64_t t0;
  int op;
} req_rec;

uint64_t bench_rand(bench *b) {
  uint64_t x = b->rng; /* xorshift64 */
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return b->rng = x;
}

void bench_note_status(bench *b, int code) {
  b->r->errors++;
  b->r->errors_by_code[code >= 0 && code < 32 ? code : 2]++;
  if (b->r->errors <= 3)
    fprintf(stderr, "pcn-bench: a request failed (status %d)%s\n", code,
            b->r->errors == 3 ? "; not reporting more" : "");
}

/* ------------------------------------------------------------ waiting */

static void on_wake(uv_timer_t *t) {
  (void)t;
}

int bench_wait(bench *b, int (*done)(bench *b), uint64_t timeout_ms) {
  uv_timer_t t;
  uv_timer_init(b->loop, &t);
  uv_timer_start(&t, on_wake, 10, 10);
  uint64_t start = uv_hrtime();
  int ok;
  while (!(ok = done(b)) && uv_hrtime() - start < timeout_ms * 1000000ull)
    uv_run(b->loop, UV_RUN_ONCE);
  uv_close((uv_handle_t *)&t, NULL);
  uv_run(b->loop, UV_RUN_NOWAIT);
  return ok ? 0 : -1;
}

/* ------------------------------------------------------------ progress */

void server_sample(bench *b, int final) {
  if (final) {
    double wall = (double)(uv_hrtime() - b->t0) / 1e9;
    b->r->client_cpu_percent =
        wall > 0 ? (self_cpu() - b->client_cpu0) / wall * 100.0 : 0;
  }
  proc_sample p;
  if (proc_read(b->t->pid, &p)) return;
  if (p.rss_kb > b->r->server_rss_kb) b->r->server_rss_kb = p.rss_kb;
  if (p.anon_kb > b->r->server_anon_kb) b->r->server_anon_kb = p.anon_kb;
  if (final && b->ps0.ok) {
    double wall = (double)(uv_hrtime() - b->t0) / 1e9;
    b->r->server_sampled = 1;
    b->r->server_cpu_percent =
        wall > 0 ? (p.cpu_s - b->ps0.cpu_s) / wall * 100.0 : 0;
  }
}

static const char *progress_what;

static void on_progress(uv_timer_t *t) {
  bench *b = t->data;
  server_sample(b, 0);
  if (b->o->quiet) return;
  uint64_t now = uv_hrtime();
  double dt = (double)(now - b->last_progress_t) / 1e9;
  double rate = dt > 0 ? (double)(b->done - b->last_progress_done) / dt : 0;
  b->last_progress_t = now;
  b->last_progress_done = b->done;
  double el = (double)(now - b->t0) / 1e9;
  if (isatty(2))
    fprintf(stderr, "\r  %s %6.1f s  %10llu done  %9.0f/s   ", progress_what,
            el, (unsigned long long)b->done, rate);
  else if ((uint64_t)el % 5 == 0)
    fprintf(stderr, "  %s %6.1f s  %10llu done  %9.0f/s\n", progress_what, el,
            (unsigned long long)b->done, rate);
}

void progress_start(bench *b, const char *what) {
  progress_what = what;
  b->last_progress_t = uv_hrtime();
  b->last_progress_done = b->done;
  uv_timer_init(b->loop, &b->progress);
  b->progress.data = b;
  uv_timer_start(&b->progress, on_progress, 1000, 1000);
}

void progress_stop(bench *b) {
  uv_timer_stop(&b->progress);
  uv_close((uv_handle_t *)&b->progress, NULL);
  if (!b->o->quiet && isatty(2)) fprintf(stderr, "\r%60s\r", "");
}

/* ------------------------------------------------------------ pool */

static uint32_t started;

static void start_next(bench *b);

static void on_state(pcn_client *cl, pcn_client_state st, const char *detail,
                     void *ud) {
  (void)cl;
  bconn *bc = ud;
  bench *b = bc->b;
  if (st == PCN_CLIENT_READY && !bc->ready) {
    bc->ready = 1;
    b->nready++;
    start_next(b);
  } else if (st == PCN_CLIENT_RECONNECTING) {
    b->r->reconnects++;
  } else if (st == PCN_CLIENT_FAILED && !bc->failed) {
    bc->failed = 1;
    if (bc->ready) bc->ready = 0, b->nready--;
    b->nfailed++;
    if (!b->stopping && b->nfailed <= 3)
      fprintf(stderr, "pcn-bench: connection %u: %s\n", bc->idx,
              detail ? detail : "lost");
    start_next(b);
  }
}

static pcn_event_cb pool_event_cb;

static void start_next(bench *b) {
  while (started < b->nconns &&
         started - (b->nready + b->nfailed) < CONNECT_WINDOW) {
    bconn *bc = &b->conns[started++];
    pcn_client_config cc = {.server = b->t->server,
                            .ca_pem = b->t->ca_pem,
                            .client_name = "pcn-bench",
                            .client_version = PCN_VERSION,
                            .token = b->t->token,
                            /* a stalled subscriber that is cut resumes */
                            .auto_reconnect = b->o->workload == WL_REPLAY};
    bc->cl = pcn_client_new(b->loop, &cc);
    if (!bc->cl) {
      bc->failed = 1;
      b->nfailed++;
      continue;
    }
    pcn_client_on_state(bc->cl, on_state, bc);
    if (pool_event_cb && bc->idx < b->nsub)
      pcn_client_subscribe(bc->cl, b->since, pool_event_cb, bc);
    pcn_client_connect(bc->cl);
  }
}

static int all_settled(bench *b) {
  return b->nready + b->nfailed == b->nconns;
}

int pool_open(bench *b, uint32_t n, pcn_event_cb on_event) {
  b->conns = calloc(n, sizeof *b->conns);
  if (!b->conns) {
    fprintf(stderr, "pcn-bench: out of memory for %u connections.\n", n);
    return BX_FAILED;
  }
  b->nconns = n;
  b->nready = b->nfailed = 0;
  for (uint32_t i = 0; i < n; i++) {
    b->conns[i].b = b;
    b->conns[i].idx = i;
    b->conns[i].last_seq = b->since;
  }
  started = 0;
  pool_event_cb = on_event;
  if (!b->o->quiet)
    fprintf(stderr, "pcn-bench: opening %u connection%s to %s\n", n,
            n == 1 ? "" : "s", b->t->server);
  start_next(b);
  bench_wait(b, all_settled, 120000);
  if (b->nfailed || b->nready < n) {
    fprintf(stderr, "pcn-bench: %u of %u connections could not be opened.\n",
            n - b->nready, n);
    return BX_CONNECT;
  }
  return BX_OK;
}

void pool_close(bench *b) {
  b->stopping = 1;
  for (uint32_t i = 0; i < b->nconns; i++)
    if (b->conns[i].cl) pcn_client_close(b->conns[i].cl);
  uv_run(b->loop, UV_RUN_NOWAIT);
  /* Let every handle finish closing. */
  for (int i = 0; i < 50 && uv_loop_alive(b->loop); i++)
    uv_run(b->loop, UV_RUN_NOWAIT);
  free(b->conns);
  b->conns = NULL;
  b->nconns = 0;
  b->stopping = 0;
}

/* ------------------------------------------------------------ requests */

static void pump(bench *b);

static void on_response(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  req_rec *q = ud;
  bconn *bc = q->bc;
  bench *b = bc->b;
  uint64_t t = uv_hrtime();
  bc->inflight--;
  b->done++;
  if (q->op == OP_UPDATE) bc->updating = 0;
  if (r->status->code == PCN__STATUS_CODE__OK) {
    if (b->measuring && !b->preloading)
      result_record(b->r, q->op, t > q->t0 ? t - q->t0 : 0);
    if (b->preloading && (q->op == OP_RECEIVE || q->op == OP_DISTRIBUTE))
      b->r->preloaded++;
    if (q->op == OP_CREATE && b->on_ack &&
        r->body_case == PCN__RESPONSE__BODY_TASK)
      b->on_ack(b, r->task->id, t);
    if ((q->op == OP_CREATE || q->op == OP_UPDATE) &&
        r->body_case == PCN__RESPONSE__BODY_TASK) {
      const Pcn__Task *tk = r->task;
      if (q->op == OP_CREATE) {
        if (!b->id_lo || tk->id < b->id_lo) b->id_lo = tk->id;
        if (tk->id > b->id_hi) b->id_hi = tk->id;
        if (b->preloading) b->r->preloaded++;
      }
      /* Updates go to this connection's newest task, one at a time. */
      if ((q->op == OP_CREATE && !bc->updating) ||
          (q->op == OP_UPDATE && tk->id == bc->task_id)) {
        bc->task_id = tk->id;
        bc->task_ver = tk->version;
      }
    }
  } else if (!b->stopping) {
    bench_note_status(b, r->status->code);
  }
  free(q);
  pump(b);
}

/* A body of n bytes for created tasks (--task-body), made once. */
static const char *task_body(uint32_t n) {
  static char *body;
  if (!body && (body = malloc(n + 1))) {
    memset(body, 'b', n);
    body[n] = 0;
  }
  return body ? body : "";
}

int bench_send(bconn *bc, int op, uint64_t due) {
  bench *b = bc->b;
  if (!bc->ready) return -1;
  char title[64];
  Pcn__Request req = PCN__REQUEST__INIT;
  Pcn__TaskGet g = PCN__TASK_GET__INIT;
  Pcn__TaskList l = PCN__TASK_LIST__INIT;
  Pcn__TaskCreate c = PCN__TASK_CREATE__INIT;
  Pcn__TaskUpdate u = PCN__TASK_UPDATE__INIT;
  Pcn__Login lg = PCN__LOGIN__INIT;
  funds_req fr;
  switch (op) {
  case OP_GET:
    g.id = b->id_lo + bench_rand(b) % (b->id_hi - b->id_lo + 1);
    req.body_case = PCN__REQUEST__BODY_TASK_GET;
    req.task_get = &g;
    break;
  case OP_LIST:
    req.body_case = PCN__REQUEST__BODY_TASK_LIST;
    req.task_list = &l;
    break;
  case OP_CREATE:
    snprintf(title, sizeof title, "bench task %llu from connection %u",
             (unsigned long long)b->sent, bc->idx);
    c.title = title;
    if (b->o->task_body) c.body = (char *)task_body(b->o->task_body);
    req.body_case = PCN__REQUEST__BODY_TASK_CREATE;
    req.task_create = &c;
    break;
  case OP_LOGIN:
    lg.username = b->t->username;
    lg.password = b->t->password;
    req.body_case = PCN__REQUEST__BODY_LOGIN;
    req.login = &lg;
    break;
  case OP_UPDATE:
    snprintf(title, sizeof title, "bench task %llu, version %u",
             (unsigned long long)bc->task_id, bc->task_ver + 1);
    u.id = bc->task_id;
    u.version = bc->task_ver;
    u.has_title_case = PCN__TASK_UPDATE__HAS_TITLE_TITLE;
    u.title = title;
    req.body_case = PCN__REQUEST__BODY_TASK_UPDATE;
    req.task_update = &u;
    bc->updating = 1;
    break;
  default:
    if (funds_build(b, op, &fr, &req)) return -1;
  }
  req_rec *q = malloc(sizeof *q);
  if (!q) return -1;
  q->bc = bc;
  q->t0 = due;
  q->op = op;
  if (!pcn_client_call(bc->cl, &req, on_response, q)) {
    free(q);
    if (op == OP_UPDATE) bc->updating = 0;
    return -1;
  }
  bc->inflight++;
  b->sent++;
  return 0;
}

/* What the workload sends next on bc. */
static int next_op(bench *b, bconn *bc) {
  if (b->o->workload == WL_FUNDS) return funds_next_op(b);
  if (b->preloading || b->o->workload == WL_FANOUT) return OP_CREATE;
  if (b->o->workload == WL_CONNECT) return OP_LOGIN;
  int read;
  switch (b->o->workload) {
  case WL_READ: read = 1; break;
  case WL_MIXED: read = bench_rand(b) % 100 < b->o->read_ratio; break;
  default: read = 0;
  }
  if (read) return bench_rand(b) % 100 < b->o->list_percent ? OP_LIST : OP_GET;
  /* Create, update it, create, ...: half each. */
  if (bc->task_id && !bc->updating && !bc->updated) {
    bc->updated = 1;
    return OP_UPDATE;
  }
  bc->updated = 0;
  return OP_CREATE;
}

static int budget_left(bench *b) {
  return b->measuring && !b->stopping && (!b->limit || b->sent < b->limit);
}

/* Sends what may be sent now: closed loop fills every connection to its
 * depth; open loop drains the queue of due requests. */
static void pump(bench *b) {
  if (b->o->rate > 0 && !b->preloading) {
    while (b->qlen) {
      bconn *bc = NULL;
      uint32_t n = b->nconns - b->first_sender;
      for (uint32_t k = 0; k < n; k++) {
        bconn *c = &b->conns[b->first_sender + (b->cursor + k) % n];
        if (c->ready && c->inflight < b->depth) {
          bc = c;
          b->cursor = (b->cursor + k + 1) % n;
          break;
        }
      }
      if (!bc) return;
      uint64_t due = b->queue[b->qhead];
      if (bench_send(bc, next_op(b, bc), due)) return;
      b->qhead = (b->qhead + 1) % b->qcap;
      b->qlen--;
    }
    return;
  }
  for (uint32_t i = b->first_sender; i < b->nconns && budget_left(b); i++) {
    bconn *bc = &b->conns[i];
    while (bc->ready && bc->inflight < b->depth && budget_left(b))
      if (bench_send(bc, next_op(b, bc), uv_hrtime())) break;
  }
}

/* Open loop: queue every request that has come due. */
static uint64_t scheduled;

static uint64_t tick_ns;
static int tick_fd = -1;
static uv_poll_t tick_poll;

static void tick(bench *b);

static void on_tick(uv_timer_t *t) {
  tick(t->data);
}

static void on_tick_fd(uv_poll_t *p, int status, int events) {
  (void)status;
  (void)events;
  uint64_t n;
  while (read(tick_fd, &n, sizeof n) == (ssize_t)sizeof n) {
  }
  tick(p->data);
}

/* Starts the dispatch timer: a timerfd, or libuv's 1 ms timer. */
static void tick_start(bench *b) {
  double per = 1e9 / b->o->rate;
  tick_ns = per < TICK_MIN_NS   ? TICK_MIN_NS
            : per > TICK_MAX_NS ? TICK_MAX_NS
                                : (uint64_t)per;
#ifdef __linux__
  tick_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (tick_fd >= 0) {
    struct itimerspec its = {{0, (long)tick_ns}, {0, (long)tick_ns}};
    if (timerfd_settime(tick_fd, 0, &its, NULL) == 0 &&
        uv_poll_init(b->loop, &tick_poll, tick_fd) == 0) {
      tick_poll.data = b;
      uv_poll_start(&tick_poll, UV_READABLE, on_tick_fd);
      return;
    }
    close(tick_fd);
    tick_fd = -1;
  }
#endif
  tick_ns = TICK_MAX_NS;
  uv_timer_start(&b->tick, on_tick, 1, 1);
}

static void on_tick_closed(uv_handle_t *h) {
  (void)h;
  close(tick_fd);
  tick_fd = -1;
}

static void tick_stop(bench *b) {
  uv_timer_stop(&b->tick);
  if (tick_fd >= 0 && !uv_is_closing((uv_handle_t *)&tick_poll)) {
    uv_poll_stop(&tick_poll);
    uv_close((uv_handle_t *)&tick_poll, on_tick_closed);
  }
}

static void tick(bench *b) {
  uint64_t now = uv_hrtime();
  while (budget_left(b) && (!b->limit || scheduled < b->limit) &&
         b->t0 + sched_due_at(scheduled, b->o->rate) <= now) {
    if (b->qlen == b->qcap) {
      size_t ncap = b->qcap ? b->qcap * 2 : 4096;
      uint64_t *nq = malloc(ncap * sizeof *nq);
      if (!nq) break;
      for (size_t i = 0; i < b->qlen; i++)
        nq[i] = b->queue[(b->qhead + i) % b->qcap];
      free(b->queue);
      b->queue = nq;
      b->qhead = 0;
      b->qcap = ncap;
    }
    b->queue[(b->qhead + b->qlen) % b->qcap] =
        b->t0 + sched_tick_base(sched_due_at(scheduled, b->o->rate), tick_ns);
    b->qlen++;
    scheduled++;
  }
  pump(b);
}

static void on_deadline(uv_timer_t *t) {
  bench *b = t->data;
  b->measuring = 0;
}

static int all_answered(bench *b) {
  if (b->measuring && b->limit && b->done >= b->limit) b->measuring = 0;
  if (b->measuring) return 0;
  for (uint32_t i = 0; i < b->nconns; i++)
    if (b->conns[i].inflight) return 0;
  return 1;
}

/* Runs the measured phase: --duration seconds or --requests requests. */
void drive(bench *b, const char *what) {
  b->done = b->sent = 0;
  scheduled = 0;
  b->qlen = b->qhead = 0;
  b->measuring = 1;
  b->t0 = uv_hrtime();
  b->client_cpu0 = self_cpu();
  proc_read(b->t->pid, &b->ps0);
  progress_start(b, what);
  uv_timer_init(b->loop, &b->deadline);
  b->deadline.data = b;
  if (b->o->duration > 0 && !b->limit)
    uv_timer_start(&b->deadline, on_deadline, (uint64_t)(b->o->duration * 1000),
                   0);
  uv_timer_init(b->loop, &b->tick);
  b->tick.data = b;
  if (b->o->rate > 0 && !b->preloading) tick_start(b);
  pump(b);
  /* Bounded: the deadline, or the requests (given a minute per 100k). */
  uint64_t bound = b->o->duration > 0 && !b->limit
                       ? (uint64_t)(b->o->duration * 1000) + 30000
                       : 60000 + b->limit / 100000 * 60000;
  if (bench_wait(b, all_answered, bound)) {
    fprintf(stderr, "pcn-bench: gave up waiting for answers.\n");
    b->r->errors++;
  }
  uint64_t end = uv_hrtime();
  if (!b->preloading) {
    b->r->elapsed_s = (double)(end - b->t0) / 1e9;
    server_sample(b, 1);
  }
  b->measuring = 0;
  tick_stop(b);
  uv_timer_stop(&b->deadline);
  uv_close((uv_handle_t *)&b->tick, NULL);
  uv_close((uv_handle_t *)&b->deadline, NULL);
  progress_stop(b);
}

int pool_preload(bench *b) {
  uint64_t n = b->o->preload;
  const char *what = b->o->workload == WL_FUNDS ? "ledger entries" : "tasks";
  if (!n) return BX_OK;
  if (!b->o->quiet)
    fprintf(stderr, "pcn-bench: preloading %llu %s\n", (unsigned long long)n,
            what);
  b->preloading = 1;
  /* funds_setup has posted the opening receipt already. */
  b->limit = n > b->r->preloaded ? n - b->r->preloaded : 0;
  b->depth = PRELOAD_INFLIGHT / b->nconns ? PRELOAD_INFLIGHT / b->nconns : 1;
  if (b->depth > 128) b->depth = 128;
  uint64_t t0 = uv_hrtime();
  if (b->limit) drive(b, "preload");
  b->r->preload_s = (double)(uv_hrtime() - t0) / 1e9;
  b->preloading = 0;
  for (uint32_t i = 0; i < b->nconns; i++)
    b->conns[i].task_id = 0;
  if (b->r->preloaded < n) {
    fprintf(stderr, "pcn-bench: only %llu of %llu %s were created.\n",
            (unsigned long long)b->r->preloaded, (unsigned long long)n, what);
    return BX_FAILED;
  }
  if (!b->o->quiet)
    fprintf(stderr, "pcn-bench: preloaded %llu %s in %.1f s (%.0f/s)\n",
            (unsigned long long)n, what, b->r->preload_s,
            (double)n / b->r->preload_s);
  return BX_OK;
}

int run_load(bench *b) {
  if ((b->o->workload == WL_READ || b->o->workload == WL_MIXED) && !b->id_hi) {
    fprintf(stderr, "pcn-bench: no tasks to read; give --preload-tasks N.\n");
    return BX_USAGE;
  }
  b->limit = b->o->requests;
  b->depth = b->o->pipeline;
  drive(b, b->r->workload);
  return BX_OK;
}
