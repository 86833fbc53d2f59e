/* it_backup.c - backups of a serving pcnd, restore, and what clients see.
 *
 * 1. Two clients keep task creations in flight; `pcnd backup` runs beside
 *    the server while they write; more writes; kill -9; `pcnd restore` into
 *    the data directory's place and pcnd runs again on the same port. Every
 *    task acknowledged before the backup started is there, one acknowledged
 *    after it finished is not (the store really went back), `pcnd verify`
 *    passes, and a client subscribed all along is told the server went
 *    back in time (a new store epoch, how many events it lost) and then
 *    receives the restored server's next event at head+1.
 * 2. pcnd run --backup-dir DIR --backup-every 1s --backup-keep 2: backups
 *    appear, only the newest two are kept, the newest restores and
 *    verifies; when DIR stops being a directory the PCN manager's feed gets
 *    a backup_failed notice, and backup_ok once it works again.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup.h"
#include "itest.h"

#define WRITERS 2
#define INFLIGHT 8
#define MAX_ACKED 20000

typedef struct proc {
  uv_process_t p;
  int done;
  int64_t status;
} proc;

typedef struct run {
  its_server *srv;
  uv_loop_t loop;
  pcn_client *w[WRITERS];
  pcn_client *sub; /* subscribed from 0, auto-reconnecting */
  uint64_t acked_id[MAX_ACKED];
  size_t acked;
  int killed, unanswered, failed_other, sent;
  /* What the subscriber saw. */
  uint64_t sub_last;
  int rewinds;
  uint64_t lost, from_seq;
  uint64_t first_after_rewind;
  /* Notices (test 2). */
  int notice_failed, notice_ok;
} run;

static void on_exit_cb(uv_process_t *p, int64_t status, int sig) {
  proc *x = p->data;
  x->done = 1;
  x->status = sig ? 128 + sig : status;
  uv_close((uv_handle_t *)p, NULL);
}

static void spawn(uv_loop_t *loop, proc *x, char **argv) {
  memset(x, 0, sizeof *x);
  x->p.data = x;
  uv_stdio_container_t io[3] = {{.flags = UV_IGNORE},
                                {.flags = UV_INHERIT_FD, .data.fd = 2},
                                {.flags = UV_INHERIT_FD, .data.fd = 2}};
  uv_process_options_t o = {0};
  o.file = argv[0];
  o.args = argv;
  o.exit_cb = on_exit_cb;
  o.stdio = io;
  o.stdio_count = 3;
  assert_int_equal(uv_spawn(loop, &x->p, &o), 0);
}

static int proc_done(void *ud) {
  return ((proc *)ud)->done;
}

/* Runs argv to completion on its own loop; its exit code. */
static int run_cmd(char **argv) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  proc x;
  spawn(&loop, &x, argv);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  return (int)x.status;
}

static void send_one(run *r, int k);

static void on_created(pcn_client *c, const Pcn__Response *resp, void *ud) {
  (void)c;
  run *r = ud;
  r->unanswered--;
  int k = c == r->w[0] ? 0 : 1;
  if (resp->status->code == PCN__STATUS_CODE__OK) {
    if (r->acked < MAX_ACKED) r->acked_id[r->acked++] = resp->task->id;
  } else if (resp->status->code != PCN__STATUS_CODE__UNAVAILABLE) {
    r->failed_other++;
  }
  if (!r->killed && resp->status->code == PCN__STATUS_CODE__OK) send_one(r, k);
}

static void send_one(run *r, int k) {
  char title[40];
  snprintf(title, sizeof title, "backed up %d", r->sent++);
  Pcn__TaskCreate t = PCN__TASK_CREATE__INIT;
  t.title = title;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_CREATE;
  req.task_create = &t;
  if (pcn_client_call(r->w[k], &req, on_created, r)) r->unanswered++;
}

static void on_sub_event(pcn_client *c, const Pcn__Event *ev, void *ud) {
  (void)c;
  run *r = ud;
  r->sub_last = ev->seq;
  if (r->rewinds && !r->first_after_rewind) r->first_after_rewind = ev->seq;
  if (ev->record_case == PCN__EVENT__RECORD_SERVER_NOTICE) {
    if (!strcmp(ev->server_notice->kind, "backup_failed") &&
        ev->server_notice->severity == 2)
      r->notice_failed++;
    if (!strcmp(ev->server_notice->kind, "backup_ok")) r->notice_ok++;
  }
}

static void on_rewind(pcn_client *c, uint64_t lost, uint64_t from_seq,
                      void *ud) {
  (void)c;
  run *r = ud;
  r->rewinds++;
  r->lost = lost;
  r->from_seq = from_seq;
}

static int all_ready(void *ud) {
  run *r = ud;
  for (int k = 0; k < WRITERS; k++)
    if (pcn_client_get_state(r->w[k]) != PCN_CLIENT_READY) return 0;
  return pcn_client_get_state(r->sub) == PCN_CLIENT_READY;
}

static size_t want_acked;
static int acked_enough(void *ud) {
  return ((run *)ud)->acked >= want_acked;
}
static int drained(void *ud) {
  return ((run *)ud)->unanswered == 0;
}
static int rewound(void *ud) {
  return ((run *)ud)->rewinds > 0;
}
static int got_new_event(void *ud) {
  return ((run *)ud)->first_after_rewind != 0;
}
static uint64_t want_seq;
static int sub_caught_up(void *ud) {
  return ((run *)ud)->sub_last >= want_seq;
}

static int task_status(its_member *m, uint64_t id) {
  Pcn__TaskGet g = PCN__TASK_GET__INIT;
  g.id = id;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_GET;
  req.task_get = &g;
  return its_call(m, &req)->status->code;
}

static void test_backup_while_writing_kill9_restore(void **state) {
  (void)state;
  run *r = calloc(1, sizeof *r);
  r->srv = its_start("");
  its_member *mgr = its_manager(r->srv);
  /* Some megabytes, so the compacted copy is larger than any small map a
   * restore might open it with. */
  static char body[16000];
  memset(body, 'b', sizeof body - 1);
  Pcn__TaskCreate big = PCN__TASK_CREATE__INIT;
  big.title = "a long one";
  big.body = body;
  Pcn__Request breq = PCN__REQUEST__INIT;
  breq.body_case = PCN__REQUEST__BODY_TASK_CREATE;
  breq.task_create = &big;
  for (int i = 0; i < 150; i++)
    its_expect(mgr, &breq, PCN__STATUS_CODE__OK);
  uv_loop_init(&r->loop);
  for (int k = 0; k < WRITERS; k++) {
    pcn_client_config cfg = its_config(r->srv, mgr->token);
    r->w[k] = pcn_client_new(&r->loop, &cfg);
    pcn_client_connect(r->w[k]);
  }
  pcn_client_config scfg = its_config(r->srv, mgr->token);
  scfg.auto_reconnect = 1;
  r->sub = pcn_client_new(&r->loop, &scfg);
  pcn_client_on_rewind(r->sub, on_rewind, r);
  pcn_client_subscribe(r->sub, 0, on_sub_event, r);
  pcn_client_connect(r->sub);
  assert_true(its_wait(&r->loop, all_ready, r, 10000));
  char epoch_before[33];
  snprintf(epoch_before, sizeof epoch_before, "%s",
           pcn_client_store_epoch(r->sub));
  assert_int_equal(strlen(epoch_before), 32);

  /* Writers running, then the backup beside them. */
  for (int k = 0; k < WRITERS; k++)
    for (int i = 0; i < INFLIGHT; i++)
      send_one(r, k);
  want_acked = 100;
  assert_true(its_wait(&r->loop, acked_enough, r, 30000));
  size_t acked_before_backup = r->acked;
  char file[400];
  snprintf(file, sizeof file, "%s.pcnbak", r->srv->dir);
  char *bargv[] = {PCND_PATH, "backup", "--data", r->srv->dir,
                   "--out",   file,     "--json", NULL};
  proc bk;
  spawn(&r->loop, &bk, bargv);
  assert_true(its_wait(&r->loop, proc_done, &bk, 60000));
  assert_int_equal(bk.status, 0);
  size_t acked_after_backup = r->acked;
  backup_manifest m;
  char err[512];
  assert_int_equal(backup_read_manifest(file, &m, err, sizeof err), 0);
  assert_string_equal(m.store_epoch, epoch_before);
  assert_true(m.head_seq >= acked_before_backup);
  /* More writes, seen by the subscriber, then the crash. */
  want_acked = acked_after_backup + 100;
  assert_true(its_wait(&r->loop, acked_enough, r, 30000));
  want_seq = m.head_seq + 50;
  assert_true(its_wait(&r->loop, sub_caught_up, r, 30000));
  r->killed = 1;
  its_kill9(r->srv);
  assert_true(its_wait(&r->loop, drained, r, 20000));
  assert_int_equal(r->failed_other, 0);
  uint64_t last_acked = r->acked_id[r->acked - 1];

  /* Restore where the crashed store was; run it on the same port. */
  char crashed[400], cmd[1000];
  snprintf(crashed, sizeof crashed, "%s.crashed", r->srv->dir);
  assert_int_equal(rename(r->srv->dir, crashed), 0);
  char *rargv[] = {PCND_PATH, "restore",   "--from", file,
                   "--data",  r->srv->dir, NULL};
  assert_int_equal(run_cmd(rargv), 0);
  its_run(r->srv);
  assert_int_equal(its_verify(r->srv), 0);
  /* Written to the restored server before the subscriber is back (its
   * loop does not run meanwhile): it must still reach it. */
  its_member_free(mgr);
  mgr = its_login(r->srv, "manager", ITEST_PASSWORD);
  its_task(mgr, "before the subscriber is back", "", "", "");

  /* The subscriber reconnects by itself and is told. */
  assert_true(its_wait(&r->loop, rewound, r, 30000));
  assert_int_equal(r->rewinds, 1);
  assert_int_equal(r->from_seq, m.head_seq);
  assert_int_equal(r->lost, r->sub_last - m.head_seq);
  assert_true(r->lost > 0);
  assert_string_not_equal(pcn_client_store_epoch(r->sub), epoch_before);

  /* Every write acknowledged before the backup started is there; the
   * newest acknowledged before the crash is not. */
  for (size_t i = 0; i < acked_before_backup; i++)
    assert_int_equal(task_status(mgr, r->acked_id[i]), PCN__STATUS_CODE__OK);
  assert_int_equal(task_status(mgr, last_acked), PCN__STATUS_CODE__NOT_FOUND);
  /* The restored server's events reach the subscriber from where the new
   * epoch began, the one written before it reconnected first: nothing is
   * skipped in the new history. */
  its_task(mgr, "after the restore", "", "", "");
  assert_true(its_wait(&r->loop, got_new_event, r, 10000));
  assert_int_equal(r->first_after_rewind, m.head_seq + 1);
  fprintf(stderr,
          "backup: %zu acknowledged before the backup, %zu after it "
          "finished, %zu at the kill; head %llu in the backup; the "
          "subscriber lost %llu events and carried on\n",
          acked_before_backup, acked_after_backup, r->acked,
          (unsigned long long)m.head_seq, (unsigned long long)r->lost);

  for (int k = 0; k < WRITERS; k++)
    pcn_client_close(r->w[k]);
  pcn_client_close(r->sub);
  uv_run(&r->loop, UV_RUN_DEFAULT);
  uv_loop_close(&r->loop);
  its_member_free(mgr);
  snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", crashed, file);
  assert_int_equal(system(cmd), 0);
  its_free(r->srv);
  free(r);
}

/* Names of the finished backups in dir, newline-separated, and how many. */
static size_t list_backups(const char *dir, char *names, size_t n) {
  names[0] = 0;
  DIR *d = opendir(dir);
  if (!d) return 0;
  size_t count = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (strncmp(e->d_name, "pcn-", 4) || len < 11 ||
        strcmp(e->d_name + len - 7, ".pcnbak"))
      continue;
    count++;
    strncat(names, e->d_name, n - strlen(names) - 2);
    strcat(names, "\n");
  }
  closedir(d);
  return count;
}

static int notice_failed(void *ud) {
  return ((run *)ud)->notice_failed > 0;
}
static int notice_ok(void *ud) {
  return ((run *)ud)->notice_ok > 0;
}

static void test_scheduled_backups(void **state) {
  (void)state;
  char bdir[64] = "/tmp/pcn-itest-bk-XXXXXX";
  assert_non_null(mkdtemp(bdir));
  char opts[200];
  snprintf(opts, sizeof opts,
           "--backup-dir %s --backup-every 1s --backup-keep 2", bdir);
  run *r = calloc(1, sizeof *r);
  r->srv = its_start(opts);
  its_member *mgr = its_manager(r->srv);
  its_task(mgr, "in every backup", "", "", "");
  uv_loop_init(&r->loop);
  pcn_client_config cfg = its_config(r->srv, mgr->token);
  cfg.auto_reconnect = 1;
  r->sub = pcn_client_new(&r->loop, &cfg);
  pcn_client_subscribe(r->sub, its_head(mgr), on_sub_event, r);
  pcn_client_connect(r->sub);

  /* Four different backups seen over time (polling the directory, at most
   * 30 s); the directory never holds more than keep + 1 (the newest is
   * renamed in just before the oldest goes). */
  char seen[4096] = "", now[4096];
  size_t distinct = 0;
  for (int i = 0; i < 600 && distinct < 4; i++) {
    size_t n = list_backups(bdir, now, sizeof now);
    assert_true(n <= 3);
    for (char *p = now, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
      *nl = 0;
      if (!strstr(seen, p)) {
        strncat(seen, p, sizeof seen - strlen(seen) - 2);
        strcat(seen, ",");
        distinct++;
      }
    }
    uv_run(&r->loop, UV_RUN_NOWAIT);
    its_sleep_ms(50);
  }
  assert_true(distinct >= 4);

  /* The backup disk goes away: the managers hear of it. */
  char moved[100], cmd[400];
  snprintf(moved, sizeof moved, "%s.away", bdir);
  assert_int_equal(rename(bdir, moved), 0);
  FILE *f = fopen(bdir, "w");
  assert_non_null(f);
  fclose(f);
  assert_true(its_wait(&r->loop, notice_failed, r, 15000));
  /* It comes back: so do the backups, and a word that they work. */
  assert_int_equal(unlink(bdir), 0);
  assert_int_equal(rename(moved, bdir), 0);
  assert_true(its_wait(&r->loop, notice_ok, r, 15000));

  /* A stop waits for a backup in flight, which removes the oldest. */
  pcn_client_close(r->sub);
  uv_run(&r->loop, UV_RUN_DEFAULT);
  uv_loop_close(&r->loop);
  its_member_free(mgr);
  its_stop(r->srv);
  assert_int_equal(list_backups(bdir, now, sizeof now), 2);
  /* The newest (names sort by time) restores and verifies. */
  char *second = strchr(now, '\n');
  *second++ = 0;
  second[strlen(second) - 1] = 0;
  const char *newest = strcmp(now, second) > 0 ? now : second;
  char file[4200], dest[400];
  snprintf(file, sizeof file, "%s/%s", bdir, newest);
  snprintf(dest, sizeof dest, "%s/restored", bdir);
  char *rargv[] = {PCND_PATH, "restore", "--from", file, "--data", dest, NULL};
  assert_int_equal(run_cmd(rargv), 0);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", bdir);
  assert_int_equal(system(cmd), 0);
  its_free(r->srv);
  free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_backup_while_writing_kill9_restore),
      cmocka_unit_test(test_scheduled_backups),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
