/* it_durability.c - an acknowledged write survives kill -9.
 *
 * Four clients keep 16 task creations each in flight; after 400
 * acknowledgements the server is killed with SIGKILL mid-stream. After a
 * restart every acknowledged task is there with its title, and
 * `pcnd verify` passes (indexes and hash chain intact). Also: a graceful
 * SIGTERM answers the writes in flight before exiting 0.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

#define CLIENTS 4
#define INFLIGHT 16
#define KILL_AFTER 400
#define MAX_ACKED 4096

typedef struct run {
  its_server *srv;
  uv_loop_t loop;
  pcn_client *c[CLIENTS];
  uint64_t acked_id[MAX_ACKED];
  char acked_title[MAX_ACKED][32];
  size_t acked;
  int sent, killed, failed_other;
  int stop_at; /* kill -9 at this many acks (0: never) */
  int refill;  /* send another after each acknowledgement */
  int unanswered;
} run;

typedef struct call {
  run *r;
  int client;
  char title[32];
} call;

static void send_one(run *r, int k);

static void on_created(pcn_client *c, const Pcn__Response *resp, void *ud) {
  (void)c;
  call *cl = ud;
  run *r = cl->r;
  r->unanswered--;
  if (resp->status->code == PCN__STATUS_CODE__OK) {
    /* An acknowledgement read after the kill was sent before it. */
    if (r->acked < MAX_ACKED) {
      r->acked_id[r->acked] = resp->task->id;
      snprintf(r->acked_title[r->acked], 32, "%s", cl->title);
      r->acked++;
    }
    if (r->stop_at && (int)r->acked >= r->stop_at && !r->killed) {
      its_kill9(r->srv);
      r->killed = 1;
    }
  } else if (resp->status->code != PCN__STATUS_CODE__UNAVAILABLE) {
    r->failed_other++;
  }
  int k = cl->client;
  free(cl);
  if (r->refill && !r->killed && resp->status->code == PCN__STATUS_CODE__OK)
    send_one(r, k);
}

static void send_one(run *r, int k) {
  call *cl = calloc(1, sizeof *cl);
  cl->r = r;
  cl->client = k;
  snprintf(cl->title, sizeof cl->title, "durable %d-%d", k, r->sent++);
  Pcn__TaskCreate t = PCN__TASK_CREATE__INIT;
  t.title = cl->title;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_CREATE;
  req.task_create = &t;
  if (!pcn_client_call(r->c[k], &req, on_created, cl)) {
    free(cl);
    return;
  }
  r->unanswered++;
}

static int all_ready(void *ud) {
  run *r = ud;
  for (int k = 0; k < CLIENTS; k++)
    if (pcn_client_get_state(r->c[k]) != PCN_CLIENT_READY) return 0;
  return 1;
}

static int done(void *ud) {
  run *r = ud;
  return r->killed && r->unanswered == 0;
}

static int first_ready(void *ud) {
  run *r = ud;
  return pcn_client_get_state(r->c[0]) == PCN_CLIENT_READY;
}

/* After a restart, every acknowledged task is there with its title. */
static void check_acked(run *r) {
  its_member *mgr = its_login(r->srv, "manager", ITEST_PASSWORD);
  for (size_t i = 0; i < r->acked; i++) {
    Pcn__TaskGet g = PCN__TASK_GET__INIT;
    g.id = r->acked_id[i];
    Pcn__Request req = PCN__REQUEST__INIT;
    req.body_case = PCN__REQUEST__BODY_TASK_GET;
    req.task_get = &g;
    const Pcn__Response *resp = its_expect(mgr, &req, PCN__STATUS_CODE__OK);
    assert_string_equal(resp->task_detail->task->title, r->acked_title[i]);
  }
  its_member_free(mgr);
}

static void test_kill9_loses_no_acknowledged_write(void **state) {
  (void)state;
  run *r = calloc(1, sizeof *r);
  r->srv = its_start("");
  r->stop_at = KILL_AFTER;
  r->refill = 1;
  its_member *mgr = its_manager(r->srv);
  uv_loop_init(&r->loop);
  for (int k = 0; k < CLIENTS; k++) {
    pcn_client_config cfg = its_config(r->srv, mgr->token);
    r->c[k] = pcn_client_new(&r->loop, &cfg);
    pcn_client_connect(r->c[k]);
  }
  assert_true(its_wait(&r->loop, all_ready, r, 10000));
  for (int k = 0; k < CLIENTS; k++)
    for (int i = 0; i < INFLIGHT; i++)
      send_one(r, k);
  assert_true(its_wait(&r->loop, done, r, 60000));
  assert_int_equal(r->failed_other, 0);
  assert_true(r->acked >= KILL_AFTER);
  for (int k = 0; k < CLIENTS; k++)
    pcn_client_close(r->c[k]);
  uv_run(&r->loop, UV_RUN_DEFAULT);
  uv_loop_close(&r->loop);
  its_member_free(mgr);

  assert_int_equal(its_verify(r->srv), 0);
  its_run(r->srv);
  check_acked(r);
  fprintf(stderr, "durability: %zu acknowledged of %d sent survived kill -9\n",
          r->acked, r->sent);
  its_free(r->srv);
  free(r);
}

/* SIGTERM while writes are in flight: each is answered (OK, or UNAVAILABLE
 * for requests that arrived after the stop began), the server exits 0, and
 * what was acknowledged is there after a restart. */
static void test_sigterm_answers_writes_in_flight(void **state) {
  (void)state;
  run *r = calloc(1, sizeof *r);
  r->srv = its_start("");
  its_member *mgr = its_manager(r->srv);
  uv_loop_init(&r->loop);
  pcn_client_config cfg = its_config(r->srv, mgr->token);
  r->c[0] = pcn_client_new(&r->loop, &cfg);
  pcn_client_connect(r->c[0]);
  assert_true(its_wait(&r->loop, first_ready, r, 10000));
  for (int i = 0; i < 64; i++)
    send_one(r, 0);
  r->killed = 1; /* all 64 are in flight; `done` waits for 64 answers */
  kill(r->srv->pid, SIGTERM);
  assert_true(its_wait(&r->loop, done, r, 20000));
  assert_int_equal(its_wait_exit(r->srv), 0);
  assert_int_equal(r->failed_other, 0);
  pcn_client_close(r->c[0]);
  uv_run(&r->loop, UV_RUN_DEFAULT);
  uv_loop_close(&r->loop);
  its_member_free(mgr);
  assert_int_equal(its_verify(r->srv), 0);
  its_run(r->srv);
  check_acked(r);
  fprintf(stderr,
          "sigterm: %zu of 64 in flight were committed and "
          "acknowledged\n",
          r->acked);
  its_free(r->srv);
  free(r);
}

/* A store whose map fills grows it and retries: nothing is refused. */
static void test_map_grows_when_full(void **state) {
  (void)state;
  its_server *srv = its_start("--map-size 1048576");
  its_member *mgr = its_manager(srv);
  static char body[16000];
  memset(body, 'm', sizeof body - 1);
  Pcn__TaskCreate t = PCN__TASK_CREATE__INIT;
  t.title = "fills the map";
  t.body = body;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_CREATE;
  req.task_create = &t;
  for (int i = 0; i < 200; i++)
    its_expect(mgr, &req, PCN__STATUS_CODE__OK);
  its_member_free(mgr);
  its_stop(srv);
  assert_int_equal(its_verify(srv), 0);
  its_free(srv);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_map_grows_when_full),
      cmocka_unit_test(test_kill9_loses_no_acknowledged_write),
      cmocka_unit_test(test_sigterm_answers_writes_in_flight),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
