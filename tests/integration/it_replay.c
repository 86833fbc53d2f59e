/* it_replay.c - what output costs the server: subscribers replaying a long
 * feed that do not read hold at most the catch-up window each in the
 * server's own accounting (pcnd_output_largest_bytes); over
 * --output-budget the connection holding the most is cut and the others
 * keep receiving; a slow but steady reader from 0 gets every event once,
 * in order, while stalled ones sit beside it.
 *
 * The feed is made of 16 kB tasks, so that 600 of them (9.6 MB) are more
 * than the kernels hold for a client that does not read (its receive
 * buffer is capped at 16 kB): the rest waits in the server.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "itest.h"

#define WINDOW (64 * 1024) /* feed.c's FEED_PUMP_HIGH_WATER */
#define BODY 16000         /* a task body; its event frame is under 17000 */
#define EVENT_MAX 17000
#define FEED_TASKS 600
#define RCVBUF 16384

/* ------------------------------------------------------------ metrics */

typedef struct out_metrics {
  double unsent, largest, cuts, events_sent;
} out_metrics;

/* One scrape of pcnd's --metrics endpoint. */
static out_metrics scrape(int port) {
  static char page[65536];
  its_http_get(port, "/metrics", page, sizeof page);
  out_metrics m = {its_metric_value(page, "pcnd_output_unsent_bytes"),
                   its_metric_value(page, "pcnd_output_largest_bytes"),
                   its_metric_value(page, "pcnd_output_budget_cuts_total"),
                   its_metric_value(page, "pcnd_events_sent_total")};
  return m;
}

static its_server *start_with_metrics(int *port, const char *extra) {
  *port = its_free_port();
  char opts[256];
  snprintf(opts, sizeof opts, "--metrics 127.0.0.1:%d %s", *port, extra);
  return its_start(opts);
}

/* ------------------------------------------------------------ feed */

typedef struct filler {
  int inflight, done, failed;
} filler;

static void fill_cb(pcn_client *c, const Pcn__Response *r, void *ud) {
  (void)c;
  filler *f = ud;
  f->inflight--;
  f->done++;
  if (r->status->code != PCN__STATUS_CODE__OK) f->failed++;
}

/* n network tasks with BODY-byte bodies, 64 in flight (group commits). */
static void fill_feed(its_member *m, int n) {
  pcn_client *cl = pcn_sync_client(m->s);
  uv_loop_t *loop = pcn_sync_loop(m->s);
  static char body[BODY + 1];
  memset(body, 'r', BODY);
  Pcn__TaskCreate t = PCN__TASK_CREATE__INIT;
  t.title = "replayed";
  t.body = body;
  t.practice = "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_CREATE;
  req.task_create = &t;
  filler f = {0, 0, 0};
  int sent = 0;
  while (f.done < n) {
    while (sent < n && f.inflight < 64) {
      assert_true(pcn_client_call(cl, &req, fill_cb, &f) != 0);
      sent++;
      f.inflight++;
    }
    uv_run(loop, UV_RUN_ONCE);
  }
  assert_int_equal(f.failed, 0);
}

static void big_task(its_member *m) {
  static char body[BODY + 1];
  memset(body, 'l', BODY);
  Pcn__TaskCreate t = PCN__TASK_CREATE__INIT;
  t.title = "live";
  t.body = body;
  t.practice = "";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_TASK_CREATE;
  r.task_create = &t;
  its_expect(m, &r, PCN__STATUS_CODE__OK);
}

/* ------------------------------------------------------------ raw subs */

/* Hello, Resume and Subscribe{since} on a connection with a small receive
 * buffer, sent without reading anything. */
static its_raw *raw_subscribe(its_server *srv, const char *token,
                              uint64_t since) {
  its_raw *raw = its_raw_connect_rcvbuf(srv, RCVBUF);
  assert_non_null(raw);
  its_raw_subscribe(raw, token, since);
  return raw;
}

/* Reads a subscription to seq `head`: every event after `last` exactly
 * once, in order, and no cut. Every `pause_every` events (0: never) it
 * stops for pause_ms, a slow but steady reader. */
static void raw_read_to(its_raw *raw, uint64_t last, uint64_t head,
                        int pause_every, unsigned pause_ms) {
  uint64_t n = 0;
  while (last < head) {
    int eof;
    Pcn__Frame *f = its_raw_read_frame(raw, 15000, &eof);
    if (!f)
      fail_msg("the subscription ended at seq %llu of %llu (eof %d)",
               (unsigned long long)last, (unsigned long long)head, eof);
    if (f->body_case == PCN__FRAME__BODY_EVENT) {
      if (f->event->seq != last + 1)
        fail_msg("after seq %llu came %llu", (unsigned long long)last,
                 (unsigned long long)f->event->seq);
      last = f->event->seq;
      if (pause_every && ++n % (uint64_t)pause_every == 0)
        its_sleep_ms(pause_ms);
    } else if (f->body_case == PCN__FRAME__BODY_RESPONSE) {
      if (f->response->status->code != PCN__STATUS_CODE__OK)
        fail_msg("cut at seq %llu: %s", (unsigned long long)last,
                 f->response->status->message);
    }
    pcn__frame__free_unpacked(f, NULL);
  }
}

/* ------------------------------------------------------------ tests */

/* Subscribers from 0 that read nothing hold at most the catch-up window
 * (plus one event) each in the server's count of unsent output, however
 * long the feed; and when they read, they get all of it, once, in order. */
static void test_stalled_replays_hold_a_window(void **state) {
  (void)state;
  int port;
  its_server *srv = start_with_metrics(&port, "");
  its_member *mgr = its_manager(srv);
  fill_feed(mgr, FEED_TASKS);
  uint64_t head = its_head(mgr);
  enum { N = 4 };
  its_raw *raw[N];
  for (int i = 0; i < N; i++)
    raw[i] = raw_subscribe(srv, mgr->token, 0);
  /* Watch until the server stops sending (the replays have stalled),
   * checking the bound at every look. */
  out_metrics m = {0, 0, 0, -1};
  double max_unsent = 0, max_largest = 0;
  for (int i = 0, still = 0; i < 300 && still < 5; i++) {
    its_sleep_ms(100);
    out_metrics now = scrape(port);
    still = now.events_sent == m.events_sent ? still + 1 : 0;
    m = now;
    if (m.unsent > max_unsent) max_unsent = m.unsent;
    if (m.largest > max_largest) max_largest = m.largest;
  }
  fprintf(stderr,
          "stalled replays: %.0f of %llu events sent; unsent at most %.0f "
          "bytes in all, %.0f on one connection\n",
          m.events_sent, (unsigned long long)(N * head), max_unsent,
          max_largest);
  /* The kernels did not take it all: the rest waited in the server. */
  assert_true(m.events_sent < (double)(N * head) / 2);
  assert_true(max_largest > 0);
  assert_true(max_largest <= WINDOW + EVENT_MAX);
  assert_true(max_unsent <= N * (WINDOW + EVENT_MAX));
  for (int i = 0; i < N; i++) {
    raw_read_to(raw[i], 0, head, 0, 0);
    its_raw_close(raw[i]);
  }
  assert_int_equal(scrape(port).cuts, 0);
  its_member_free(mgr);
  its_free(srv);
}

/* Over --output-budget, the connection holding the most (a live
 * subscriber that stopped reading) is cut with RESOURCE_EXHAUSTED; a
 * stalled replay beside it, holding less, is not, and a reading
 * subscriber receives every event. */
static void test_budget_cuts_the_largest(void **state) {
  (void)state;
  int port;
  its_server *srv = start_with_metrics(&port, "--output-budget 262144");
  its_member *mgr = its_manager(srv);
  fill_feed(mgr, FEED_TASKS);
  uint64_t head0 = its_head(mgr);
  its_raw *replay = raw_subscribe(srv, mgr->token, 0);
  its_raw *live = raw_subscribe(srv, mgr->token, head0);
  its_raw_wait_subscribed(live);
  its_raw *steady = raw_subscribe(srv, mgr->token, head0);
  its_raw_wait_subscribed(steady);
  uint64_t steady_last = head0;
  out_metrics m = {0, 0, 0, 0};
  int writes = 0;
  for (; writes < FEED_TASKS && m.cuts == 0; writes++) {
    big_task(mgr);
    /* The steady subscriber reads each event as it comes. */
    raw_read_to(steady, steady_last, steady_last + 1, 0, 0);
    steady_last++;
    if (writes % 8 == 7) m = scrape(port);
  }
  fprintf(stderr, "budget: cut after %d live writes\n", writes);
  assert_int_equal(m.cuts, 1);
  /* The live one: what was queued, then the cut, then EOF. */
  int cut = 0, eof = 0;
  for (;;) {
    Pcn__Frame *f = its_raw_read_frame(live, 10000, &eof);
    if (!f) break;
    if (f->body_case == PCN__FRAME__BODY_RESPONSE && f->id == 0) {
      assert_int_equal(f->response->status->code,
                       PCN__STATUS_CODE__RESOURCE_EXHAUSTED);
      assert_non_null(strstr(f->response->status->message, "--output-budget"));
      assert_non_null(strstr(f->response->status->message, "resubscribe"));
      cut = 1;
    }
    pcn__frame__free_unpacked(f, NULL);
  }
  assert_true(eof);
  assert_true(cut);
  /* The others go on to the end, the replay without a cut. */
  uint64_t head = its_head(mgr);
  raw_read_to(steady, steady_last, head, 0, 0);
  raw_read_to(replay, 0, head, 0, 0);
  assert_int_equal(scrape(port).cuts, 1);
  its_raw_close(steady);
  its_raw_close(replay);
  its_raw_close(live);
  its_member_free(mgr);
  its_free(srv);
}

/* A subscriber that reads slowly but steadily from 0, beside stalled
 * replays that between them would hold more than --output-budget (8 x 64
 * KiB > 256 KiB), and while new events are written, gets every event
 * once, in order, from the replay into the live feed, and is never cut:
 * the stalled ones give way. */
static void test_slow_reader_catches_up(void **state) {
  (void)state;
  int port;
  its_server *srv = start_with_metrics(&port, "--output-budget 262144");
  its_member *mgr = its_manager(srv);
  fill_feed(mgr, FEED_TASKS);
  enum { STALLED = 8 };
  its_raw *stalled[STALLED];
  for (int i = 0; i < STALLED; i++)
    stalled[i] = raw_subscribe(srv, mgr->token, 0);
  its_raw *slow = raw_subscribe(srv, mgr->token, 0);
  uint64_t head = its_head(mgr);
  raw_read_to(slow, 0, head / 2, 20, 10);
  for (int i = 0; i < 20; i++)
    big_task(mgr);
  uint64_t head2 = its_head(mgr);
  raw_read_to(slow, head / 2, head2, 20, 10);
  out_metrics m = scrape(port);
  fprintf(stderr,
          "slow reader: caught up to %llu; %.0f cut; %.0f bytes unsent\n",
          (unsigned long long)head2, m.cuts, m.unsent);
  assert_true(m.cuts <= STALLED);
  its_raw_close(slow);
  for (int i = 0; i < STALLED; i++)
    its_raw_close(stalled[i]);
  its_member_free(mgr);
  its_free(srv);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_stalled_replays_hold_a_window),
      cmocka_unit_test(test_budget_cuts_the_largest),
      cmocka_unit_test(test_slow_reader_catches_up),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
