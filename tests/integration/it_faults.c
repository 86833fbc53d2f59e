/* it_faults.c - a failed fsync is not retried as if nothing happened.
 *
 * pcnd runs with the fault_fsync shim preloaded (LD_PRELOAD). Two clients
 * keep 16 task creations each in flight; after 100 acknowledgements the
 * test creates the shim's trigger file, so every later fdatasync of the
 * store fails with EIO. Then: no write is acknowledged that was not
 * durable (every answer after the fault is UNAVAILABLE or INTERNAL, and
 * the server's own answer says why), pcnd exits by itself with status 3
 * within seconds, `pcnd verify` passes, and after a restart (without the
 * shim) every acknowledged task is there with its title.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itest.h"

#define CLIENTS 2
#define INFLIGHT 16
#define FAULT_AFTER 100
#define MAX_ACKED 4096

typedef struct run {
  its_server *srv;
  uv_loop_t loop;
  pcn_client *c[CLIENTS];
  char trigger[300];
  uint64_t acked_id[MAX_ACKED];
  char acked_title[MAX_ACKED][32];
  size_t acked;
  int sent, faulted, unanswered;
  uint64_t fault_ns; /* when the trigger file was made */
  int refused;       /* answered UNAVAILABLE or INTERNAL */
  int said_why;      /* of those, the server's own "stopped taking writes" */
  int acked_wrongly; /* any other code */
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
  int code = (int)resp->status->code;
  if (code == PCN__STATUS_CODE__OK) {
    if (r->acked < MAX_ACKED) {
      r->acked_id[r->acked] = resp->task->id;
      snprintf(r->acked_title[r->acked], 32, "%s", cl->title);
      r->acked++;
    }
    if ((int)r->acked >= FAULT_AFTER && !r->faulted) {
      int fd = open(r->trigger, O_CREAT | O_WRONLY, 0600);
      assert_true(fd >= 0);
      close(fd);
      r->faulted = 1;
      r->fault_ns = uv_hrtime();
    }
  } else if (code == PCN__STATUS_CODE__UNAVAILABLE ||
             code == PCN__STATUS_CODE__INTERNAL) {
    r->refused++;
    if (resp->status->message &&
        strstr(resp->status->message, "stopped taking writes"))
      r->said_why++;
  } else {
    fprintf(stderr, "unexpected answer %d: %s\n", code,
            resp->status->message ? resp->status->message : "");
    r->acked_wrongly++;
  }
  int k = cl->client;
  free(cl);
  /* Keep writing until the server refuses: writes keep arriving after
   * the fault, as they would from real clients. */
  if (code == PCN__STATUS_CODE__OK) send_one(r, k);
}

static void send_one(run *r, int k) {
  call *cl = calloc(1, sizeof *cl);
  cl->r = r;
  cl->client = k;
  snprintf(cl->title, sizeof cl->title, "fsync %d-%d", k, r->sent++);
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

static int all_answered(void *ud) {
  run *r = ud;
  return r->faulted && r->unanswered == 0;
}

/* Waits up to timeout_ms for pcnd to exit by itself; its exit status, or
 * -1 (after killing it) if it did not. */
static int wait_exit_within(its_server *s, int timeout_ms) {
  for (int waited = 0; waited < timeout_ms; waited += 50) {
    int st;
    pid_t p = waitpid(s->pid, &st, WNOHANG);
    if (p == s->pid) {
      s->pid = 0;
      return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
    its_sleep_ms(50);
  }
  its_kill9(s);
  return -1;
}

static void test_fsync_error_stops_the_server(void **state) {
  (void)state;
  run *r = calloc(1, sizeof *r);
  snprintf(r->trigger, sizeof r->trigger, "/tmp/pcn-fault-XXXXXX");
  assert_non_null(mkdtemp(r->trigger));
  strcat(r->trigger, "/fail-fsync");
  setenv("PCN_FAULT_FSYNC_TRIGGER", r->trigger, 1);
  setenv("LD_PRELOAD", FAULT_FSYNC_SHIM, 1);
  r->srv = its_start("");
  unsetenv("LD_PRELOAD"); /* only the server runs with the shim */

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
  assert_true(its_wait(&r->loop, all_answered, r, 60000));
  int status = wait_exit_within(r->srv, 20000);
  double exit_ms = (double)(uv_hrtime() - r->fault_ns) / 1e6;
  for (int k = 0; k < CLIENTS; k++)
    pcn_client_close(r->c[k]);
  uv_run(&r->loop, UV_RUN_DEFAULT);
  uv_loop_close(&r->loop);
  its_member_free(mgr);

  fprintf(stderr,
          "fsync fault: %zu acknowledged, %d refused (%d by the server "
          "saying why), pcnd exited %d within %.0f ms of the fault\n",
          r->acked, r->refused, r->said_why, status, exit_ms);
  assert_int_equal(r->acked_wrongly, 0);
  assert_true(r->acked >= FAULT_AFTER);
  assert_true(r->refused > 0);
  assert_true(r->said_why > 0);
  assert_int_equal(status, 3);

  /* The store is sound and holds every acknowledged write. */
  assert_int_equal(its_verify(r->srv), 0);
  its_run(r->srv);
  its_member *m = its_login(r->srv, "manager", ITEST_PASSWORD);
  for (size_t i = 0; i < r->acked; i++) {
    Pcn__TaskGet g = PCN__TASK_GET__INIT;
    g.id = r->acked_id[i];
    Pcn__Request req = PCN__REQUEST__INIT;
    req.body_case = PCN__REQUEST__BODY_TASK_GET;
    req.task_get = &g;
    const Pcn__Response *resp = its_expect(m, &req, PCN__STATUS_CODE__OK);
    assert_string_equal(resp->task_detail->task->title, r->acked_title[i]);
  }
  /* And it takes writes again. */
  its_task(m, "after the restart", "", NULL, NULL);
  its_member_free(m);
  its_stop(r->srv);
  assert_int_equal(its_verify(r->srv), 0);

  unlink(r->trigger);
  *strrchr(r->trigger, '/') = 0;
  rmdir(r->trigger);
  unsetenv("PCN_FAULT_FSYNC_TRIGGER");
  its_free(r->srv);
  free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fsync_error_stops_the_server),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
