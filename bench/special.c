/* special.c - the workloads that are not request/response: fanout,
 * connect and idle.
 *
 * fanout: S subscribed connections and W writers creating tasks. For each
 * event, at each subscriber, the time from the writer's acknowledgement to
 * the event's arrival; and per write, the time to the last subscriber. The
 * feed checker holds every subscriber to the feed's promise: seqs rise by
 * exactly one (no gap, no duplicate), and when the writers stop every
 * subscriber reaches the same last seq (nothing missing).
 *
 * connect: C connections at a time, each new: TCP, TLS 1.3, Hello, Resume
 * with the session token, then closed and replaced (how clients come
 * back); then, separately, password logins one at a time on one
 * connection, as the server allows per username (Argon2id makes them slow
 * on purpose).
 *
 * idle: K subscribed connections held open; the server's resident memory
 * before and after, per connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* ------------------------------------------------------------ fanout */

static int grow(bench *b, uint64_t idx) {
  if (idx < b->ack_cap) return 0;
  uint64_t ncap = b->ack_cap ? b->ack_cap : 4096;
  while (ncap <= idx)
    ncap *= 2;
  uint64_t *a = realloc(b->ack_t, ncap * sizeof *a);
  if (!a) return -1;
  b->ack_t = a;
  uint64_t *l = realloc(b->last_t, ncap * sizeof *l);
  if (!l) return -1;
  b->last_t = l;
  uint32_t *n = realloc(b->arrivals, ncap * sizeof *n);
  if (!n) return -1;
  b->arrivals = n;
  memset(b->ack_t + b->ack_cap, 0, (ncap - b->ack_cap) * sizeof *a);
  memset(b->last_t + b->ack_cap, 0, (ncap - b->ack_cap) * sizeof *l);
  memset(b->arrivals + b->ack_cap, 0, (ncap - b->ack_cap) * sizeof *n);
  b->ack_cap = ncap;
  return 0;
}

/* The slot of task id, or -1 (before the first one seen, or no memory). */
static int64_t slot(bench *b, uint64_t id) {
  if (!b->ack_base) b->ack_base = id;
  if (id < b->ack_base) return -1;
  return grow(b, id - b->ack_base) ? -1 : (int64_t)(id - b->ack_base);
}

static void on_fan_ack(bench *b, uint64_t id, uint64_t t) {
  int64_t i = slot(b, id);
  if (i >= 0) b->ack_t[i] = t;
}

/* Counts ev on bc's subscription: a duplicate (0: ignore it), or the next
 * event, any gap before it counted. */
static int feed_check(bench *b, bconn *bc, const Pcn__Event *ev) {
  if (ev->seq <= bc->last_seq) {
    b->r->dups++;
    return 0;
  }
  if (ev->seq != bc->last_seq + 1) b->r->gaps += ev->seq - bc->last_seq - 1;
  bc->last_seq = ev->seq;
  bc->got++;
  b->r->events++;
  return 1;
}

static void on_fan_event(pcn_client *cl, const Pcn__Event *ev, void *ud) {
  (void)cl;
  bconn *bc = ud;
  bench *b = bc->b;
  uint64_t t = uv_hrtime();
  if (!feed_check(b, bc, ev)) return;
  if (ev->record_case != PCN__EVENT__RECORD_TASK || ev->op != PCN__OP__CREATED)
    return;
  int64_t i = slot(b, ev->task->id);
  if (i < 0) return;
  b->arrivals[i]++;
  if (t > b->last_t[i]) b->last_t[i] = t;
  if (b->ack_t[i] && t >= b->ack_t[i]) {
    hist_record(&b->r->fan, t - b->ack_t[i]);
  } else {
    hist_record(&b->r->fan, 0); /* here before the writer heard back */
    b->r->early++;
  }
}

static uint64_t max_seq(bench *b) {
  uint64_t m = 0;
  for (uint32_t i = 0; i < b->nsub; i++)
    if (b->conns[i].last_seq > m) m = b->conns[i].last_seq;
  return m;
}

/* Caught up: every subscriber has the newest seq the server had once the
 * writers were all acknowledged (b->head), not merely the newest any
 * subscriber has seen: the last event may still be on its way to all. */
static int subs_caught_up(bench *b) {
  uint64_t m = b->head > max_seq(b) ? b->head : max_seq(b);
  for (uint32_t i = 0; i < b->nsub; i++)
    if (b->conns[i].last_seq != m || !b->conns[i].ready) return 0;
  return 1;
}

/* The newest seq, from a fresh connection's Welcome. */
static int head_seq(bench *b, uint64_t *head) {
  pcn_client_config cc = {.server = b->t->server,
                          .ca_pem = b->t->ca_pem,
                          .client_name = "pcn-bench",
                          .client_version = PCN_VERSION,
                          .token = b->t->token};
  char err[400];
  pcn_error_class cls;
  pcn_sync *s = pcn_sync_connect(&cc, err, sizeof err, &cls);
  if (!s) {
    fprintf(stderr, "pcn-bench: %s\n", err);
    return BX_CONNECT;
  }
  const Pcn__Welcome *w = pcn_client_welcome(pcn_sync_client(s));
  *head = w ? w->head_seq : 0;
  pcn_sync_close(s);
  return BX_OK;
}

int run_fanout(bench *b) {
  const bench_opts *o = b->o;
  int rc = head_seq(b, &b->since);
  if (rc) return rc;
  b->nsub = o->subscribers;
  b->first_sender = o->subscribers;
  b->r->subscribers = o->subscribers;
  b->r->writers = o->writers;
  rc = pool_open(b, o->subscribers + o->writers, on_fan_event);
  if (rc) return rc;
  b->on_ack = on_fan_ack;
  b->limit = o->requests;
  b->depth = o->pipeline;
  drive(b, "fanout");
  /* Every write is acknowledged, so committed: the server's head now is
   * the seq every subscriber must reach. */
  rc = head_seq(b, &b->head);
  if (rc) return rc;
  if (bench_wait(b, subs_caught_up, 15000))
    fprintf(stderr, "pcn-bench: some subscribers did not catch up.\n");
  uint64_t m = b->head > max_seq(b) ? b->head : max_seq(b);
  for (uint32_t i = 0; i < b->nsub; i++) {
    if (!b->conns[i].ready) b->r->missing++;
    b->r->missing += m - b->conns[i].last_seq;
  }
  for (uint64_t i = 0; i < b->ack_cap; i++)
    if (b->ack_t[i] && b->arrivals[i] >= b->nsub)
      hist_record(&b->r->fan_last,
                  b->last_t[i] > b->ack_t[i] ? b->last_t[i] - b->ack_t[i] : 0);
  b->on_ack = NULL;
  free(b->ack_t);
  free(b->last_t);
  free(b->arrivals);
  b->ack_t = b->last_t = NULL;
  b->arrivals = NULL;
  b->ack_cap = 0;
  return b->r->gaps || b->r->dups || b->r->missing ? BX_FAILED : BX_OK;
}

/* ------------------------------------------------------------ connect */

typedef struct connector {
  bench *b;
  pcn_client *cl;
  uint64_t t0;
  int done; /* ready or failed: close it and start another */
} connector;

typedef struct connect_run {
  bench *b;
  connector *slots;
  uint32_t n;
  uv_check_t check;
  int running;
  uint64_t resumes;
} connect_run;

static void slot_start(connect_run *cr, connector *s);

static void on_conn_state(pcn_client *cl, pcn_client_state st,
                          const char *detail, void *ud) {
  (void)cl;
  connector *s = ud;
  bench *b = s->b;
  if (st == PCN_CLIENT_READY) {
    if (b->measuring) {
      result_record(b->r, OP_RESUME, uv_hrtime() - s->t0);
      b->done++;
    }
    s->done = 1;
  } else if (st == PCN_CLIENT_FAILED) {
    if (b->measuring) {
      bench_note_status(b, PCN__STATUS_CODE__UNAVAILABLE);
      if (b->r->errors <= 1) fprintf(stderr, "pcn-bench: %s\n", detail);
    }
    s->done = 1;
  }
}

static void slot_start(connect_run *cr, connector *s) {
  bench *b = cr->b;
  pcn_client_config cc = {.server = b->t->server,
                          .ca_pem = b->t->ca_pem,
                          .client_name = "pcn-bench",
                          .client_version = PCN_VERSION,
                          .token = b->t->token};
  s->b = b;
  s->done = 0;
  s->t0 = uv_hrtime();
  s->cl = pcn_client_new(b->loop, &cc);
  if (!s->cl) {
    s->done = 1;
    return;
  }
  pcn_client_on_state(s->cl, on_conn_state, s);
  pcn_client_connect(s->cl);
}

/* After each loop iteration: close the connections that are done, and
 * start new ones while measuring. */
static void on_check(uv_check_t *h) {
  connect_run *cr = h->data;
  for (uint32_t i = 0; i < cr->n; i++) {
    connector *s = &cr->slots[i];
    if (!s->done) continue;
    if (s->cl) pcn_client_close(s->cl);
    s->cl = NULL;
    s->done = 0;
    if (cr->b->measuring) slot_start(cr, s);
  }
}

static int connectors_idle(bench *b) {
  if (b->measuring) return 0;
  connect_run *cr = b->aux;
  for (uint32_t i = 0; cr && i < cr->n; i++)
    if (cr->slots[i].cl) return 0;
  return 1;
}

static void on_connect_deadline(uv_timer_t *t) {
  bench *b = t->data;
  b->measuring = 0;
}

int run_connect(bench *b) {
  const bench_opts *o = b->o;
  double total = o->duration > 0 ? o->duration : 5;
  double resume_s = b->t->have_password ? total / 2 : total;
  connect_run cr;
  memset(&cr, 0, sizeof cr);
  cr.b = b;
  cr.n = o->connections;
  cr.slots = calloc(cr.n, sizeof *cr.slots);
  if (!cr.slots) return BX_FAILED;
  b->aux = &cr;
  uv_check_init(b->loop, &cr.check);
  cr.check.data = &cr;
  uv_check_start(&cr.check, on_check);
  uv_timer_t dl;
  uv_timer_init(b->loop, &dl);
  dl.data = b;
  b->done = 0;
  b->measuring = 1;
  b->t0 = uv_hrtime();
  b->client_cpu0 = self_cpu();
  proc_read(b->t->pid, &b->ps0);
  progress_start(b, "reconnects");
  uv_timer_start(&dl, on_connect_deadline, (uint64_t)(resume_s * 1000), 0);
  for (uint32_t i = 0; i < cr.n; i++)
    slot_start(&cr, &cr.slots[i]);
  bench_wait(b, connectors_idle, (uint64_t)(resume_s * 1000) + 30000);
  double el = (double)(uv_hrtime() - b->t0) / 1e9;
  b->r->resumes_per_s = (double)b->r->op[OP_RESUME].count / el;
  server_sample(b, 1);
  progress_stop(b);
  /* Close what is left, then let the handles go. */
  b->measuring = 0;
  on_check(&cr.check);
  for (uint32_t i = 0; i < cr.n; i++)
    if (cr.slots[i].cl) pcn_client_close(cr.slots[i].cl);
  uv_check_stop(&cr.check);
  uv_close((uv_handle_t *)&cr.check, NULL);
  uv_close((uv_handle_t *)&dl, NULL);
  uv_run(b->loop, UV_RUN_NOWAIT);
  b->aux = NULL;
  free(cr.slots);
  b->r->elapsed_s = el;
  if (!b->t->have_password) {
    fprintf(stderr, "pcn-bench: no password given (--password-stdin), so "
                    "no login figures.\n");
    return BX_OK;
  }
  /* Logins: one connection, one login in flight, since the server checks
   * one password per username at a time and refuses others (auth.c). */
  uint32_t nl = 1;
  int rc = pool_open(b, nl, NULL);
  if (rc) return rc;
  bench_opts lo = *o;
  lo.duration = total - resume_s;
  lo.rate = 0;
  const bench_opts *saved = b->o;
  b->o = &lo;
  b->limit = 0;
  b->depth = 1;
  double before = b->r->elapsed_s;
  drive(b, "logins");
  b->r->logins = b->r->op[OP_LOGIN].count;
  b->r->logins_per_s = (double)b->r->logins / b->r->elapsed_s;
  b->r->elapsed_s += before;
  b->o = saved;
  pool_close(b);
  return BX_OK;
}

/* ------------------------------------------------------------ idle */

static void on_idle_event(pcn_client *cl, const Pcn__Event *ev, void *ud) {
  (void)cl;
  bconn *bc = ud;
  bc->last_seq = ev->seq;
  bc->got++;
}

static void on_idle_done(uv_timer_t *t) {
  bench *b = t->data;
  b->measuring = 0;
}

static int idle_over(bench *b) {
  return !b->measuring;
}

/* Runs the loop until ms have passed (b->measuring cleared then) or, at
 * the most, wait_ms. */
static void measure_for(bench *b, uint64_t ms, uint64_t wait_ms) {
  uv_timer_t t;
  uv_timer_init(b->loop, &t);
  t.data = b;
  uv_timer_start(&t, on_idle_done, ms, 0);
  bench_wait(b, idle_over, wait_ms);
  uv_close((uv_handle_t *)&t, NULL);
  uv_run(b->loop, UV_RUN_NOWAIT); /* t lives on this stack */
}

/* The server's memory before a run that measures it: BX_USAGE, said why,
 * when it cannot be read (no --spawn, no --pid here). */
static int server_memory(bench *b, const char *mode, proc_sample *before) {
  if (proc_read(b->t->pid, before) == 0) return BX_OK;
  fprintf(stderr,
          "pcn-bench: %s measures the server's memory, so it needs "
          "--spawn, or --pid with a server on this machine.\n",
          mode);
  return BX_USAGE;
}

int run_idle(bench *b) {
  const bench_opts *o = b->o;
  proc_sample before, after;
  int rc = server_memory(b, "idle", &before);
  if (rc) return rc;
  rc = head_seq(b, &b->since);
  if (rc) return rc;
  b->nsub = o->idle;
  b->r->idle = o->idle;
  b->r->idle_rss_before_kb = before.rss_kb;
  b->t0 = uv_hrtime();
  rc = pool_open(b, o->idle, on_idle_event);
  if (rc) return rc;
  /* Hold them: the subscriptions settle, heartbeats flow. */
  b->measuring = 1;
  measure_for(b, (uint64_t)((o->duration > 0 ? o->duration : 3) * 1000),
              (uint64_t)(o->duration * 1000) + 10000);
  proc_read(b->t->pid, &after);
  b->r->idle_rss_after_kb = after.rss_kb;
  b->r->server_rss_kb = after.rss_kb;
  b->r->elapsed_s = (double)(uv_hrtime() - b->t0) / 1e9;
  uint32_t alive = 0;
  for (uint32_t i = 0; i < b->nconns; i++)
    alive += b->conns[i].ready;
  if (alive != o->idle) {
    fprintf(stderr, "pcn-bench: %u of %u idle connections were dropped.\n",
            o->idle - alive, o->idle);
    return BX_FAILED;
  }
  return BX_OK;
}

/* ------------------------------------------------------------ replay */

/* Checked as fanout's events are; the first event a subscriber hears in
 * the stalled phase is its last read until the phase ends. */
static void on_replay_event(pcn_client *cl, const Pcn__Event *ev, void *ud) {
  bconn *bc = ud;
  bench *b = bc->b;
  if (!feed_check(b, bc, ev)) return;
  if (b->measuring && !bc->paused && pcn_client_pause(cl, 1) == 0)
    bc->paused = 1;
}

static int replay_caught_up(bench *b) {
  for (uint32_t i = 0; i < b->nsub; i++)
    if (b->conns[i].last_seq < b->head) return 0;
  return 1;
}

int run_replay(bench *b) {
  const bench_opts *o = b->o;
  proc_sample before, after;
  int rc = server_memory(b, "replay", &before);
  if (rc) return rc;
  rc = head_seq(b, &b->head);
  if (rc) return rc;
  if (o->from >= b->head) {
    fprintf(stderr,
            "pcn-bench: --from %llu leaves nothing to replay (the head is "
            "%llu); preload more tasks or give a smaller --from.\n",
            (unsigned long long)o->from, (unsigned long long)b->head);
    return BX_USAGE;
  }
  b->since = o->from;
  b->nsub = o->idle;
  b->r->idle = o->idle;
  b->r->replay_from = o->from;
  b->r->replay_head = b->head;
  b->r->idle_rss_before_kb = before.rss_kb;
  b->r->idle_anon_before_kb = before.anon_kb;
  b->r->server_rss_kb = before.rss_kb;
  b->r->server_anon_kb = before.anon_kb;
  b->t0 = uv_hrtime();
  b->ps0 = before;
  b->client_cpu0 = self_cpu();
  b->measuring = 1; /* subscribers stop reading at their first event */
  progress_start(b, "stalled");
  rc = pool_open(b, o->idle, on_replay_event);
  if (rc) {
    progress_stop(b);
    return rc;
  }
  measure_for(b, (uint64_t)(o->duration * 1000),
              (uint64_t)(o->duration * 1000) + 10000);
  server_sample(b, 0);
  proc_read(b->t->pid, &after);
  b->r->idle_rss_after_kb = after.rss_kb;
  b->r->idle_anon_after_kb = after.anon_kb;
  /* They read again: every one must reach the head, each event once. */
  uint64_t t1 = uv_hrtime();
  for (uint32_t i = 0; i < b->nconns; i++)
    if (b->conns[i].paused && pcn_client_pause(b->conns[i].cl, 0) == 0)
      b->conns[i].paused = 0;
  if (bench_wait(b, replay_caught_up, 300000))
    fprintf(stderr, "pcn-bench: some subscribers did not catch up.\n");
  b->r->replay_catchup_s = (double)(uv_hrtime() - t1) / 1e9;
  for (uint32_t i = 0; i < b->nsub; i++)
    if (b->conns[i].last_seq < b->head)
      b->r->missing += b->head - b->conns[i].last_seq;
  server_sample(b, 1);
  progress_stop(b);
  b->r->elapsed_s = (double)(uv_hrtime() - b->t0) / 1e9;
  return b->r->gaps || b->r->dups || b->r->missing ? BX_FAILED : BX_OK;
}
