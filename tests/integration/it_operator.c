/* it_operator.c - the server's operator on the server host: `pcnd invite`
 * lets a locked-out network back in (through the running server, seen live
 * by a subscriber with "(operator)" as the actor, and with the server
 * stopped), `pcnd status` reports a running and a stopped server, the data
 * directory's lock keeps a second pcnd out and does not outlive a killed
 * one, and `pcnd run --metrics` serves Prometheus text whose numbers move
 * (checked by promtool when it is installed), refusing garbage and any
 * address that is not loopback.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "itest.h"

#ifndef PCND_PATH
#define PCND_PATH "pcnd"
#endif

/* Runs `pcnd CMD --data DIR ARGS` and captures stdout and stderr together;
 * returns the exit code. Bounded: a pcnd run that should have refused to
 * start is killed after 60 s, and its exit code fails the test. */
static int pcnd_cmd(its_server *s, const char *cmd, const char *args, char *out,
                    size_t n) {
  char line[1500];
  snprintf(line, sizeof line, "timeout 60 '%s' %s --data '%s' %s 2>&1",
           PCND_PATH, cmd, s->dir, args);
  FILE *p = popen(line, "r");
  assert_non_null(p);
  size_t got = fread(out, 1, n - 1, p);
  out[got] = 0;
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* `pcnd invite`; returns the exit code and the printed join code. */
static int operator_invite(its_server *s, const char *username, char code[600],
                           char *out, size_t n) {
  char args[200];
  snprintf(args, sizeof args, "--username %s --name 'Rescue Manager'",
           username);
  int rc = pcnd_cmd(s, "invite", args, out, n);
  printf("pcnd invite said:\n%s", out);
  code[0] = 0;
  const char *p = strstr(out, "\n  pcn join ");
  if (p) sscanf(p + strlen("\n  pcn join "), "%599s", code);
  return rc;
}

/* `pcnd status --json`, parsed; *rc gets the exit code. */
static json_t *status_json(its_server *s, int *rc) {
  char out[8192];
  *rc = pcnd_cmd(s, "status", "--json", out, sizeof out);
  json_error_t e;
  json_t *o = json_loads(out, 0, &e);
  if (!o) fail_msg("pcnd status --json printed no JSON: %s", out);
  return o;
}

static json_int_t jget(json_t *o, const char *k1, const char *k2) {
  json_t *v = json_object_get(o, k1);
  if (k2) v = json_object_get(v, k2);
  if (!json_is_integer(v)) fail_msg("status has no integer %s", k1);
  return json_integer_value(v);
}

static void invite_req(Pcn__Request *req, Pcn__MemberInvite *mi,
                       const char *username) {
  pcn__member_invite__init(mi);
  mi->username = (char *)username;
  mi->display_name = "Someone";
  mi->role = PCN__ROLE__CLINICAL_DIRECTOR;
  mi->practice = "";
  pcn__request__init(req);
  req->body_case = PCN__REQUEST__BODY_MEMBER_INVITE;
  req->member_invite = mi;
}

/* ------------------------------------------------------------ live feed */

typedef struct live {
  int notice_seen;
  char actor[64], kind[64], message[512];
} live;

static void on_live_event(pcn_client *c, const Pcn__Event *ev, void *ud) {
  (void)c;
  live *l = ud;
  if (ev->record_case != PCN__EVENT__RECORD_SERVER_NOTICE) return;
  l->notice_seen = 1;
  snprintf(l->actor, sizeof l->actor, "%s", ev->actor);
  snprintf(l->kind, sizeof l->kind, "%s", ev->server_notice->kind);
  snprintf(l->message, sizeof l->message, "%s", ev->server_notice->message);
}

static int live_ready(void *ud) {
  return pcn_client_get_state(ud) == PCN_CLIENT_READY;
}

static int live_seen(void *ud) {
  return ((live *)ud)->notice_seen;
}

/* The only PCN manager has forgotten their password; the clinical director,
 * subscribed, cannot invite anyone; the operator invites a new PCN manager
 * through the running server, the director sees it happen, and the new
 * PCN manager joins and invites others. */
static void test_invite_running(void **state) {
  (void)state;
  its_server *s = its_start("");
  its_member *mgr = its_manager(s);
  its_member *cd =
      its_add_member(s, mgr, "director", PCN__ROLE__CLINICAL_DIRECTOR, "");
  uint64_t head = its_head(cd);
  its_member_free(mgr); /* the password is forgotten: nobody logs in again */

  Pcn__Request req;
  Pcn__MemberInvite mi;
  invite_req(&req, &mi, "helper");
  its_expect(cd, &req, PCN__STATUS_CODE__PERMISSION_DENIED); /* locked out */

  uv_loop_t loop;
  uv_loop_init(&loop);
  pcn_client_config cfg = its_config(s, cd->token);
  pcn_client *sub = pcn_client_new(&loop, &cfg);
  live l = {0};
  pcn_client_subscribe(sub, head, on_live_event, &l);
  pcn_client_connect(sub);
  assert_true(its_wait(&loop, live_ready, sub, 15000));

  char out[4096], code[600];
  assert_int_equal(operator_invite(s, "rescuer", code, out, sizeof out), 0);
  assert_non_null(strstr(out, "through the running server"));
  assert_true(code[0]);
  assert_true(its_wait(&loop, live_seen, &l, 15000));
  assert_string_equal(l.actor, "(operator)");
  assert_string_equal(l.kind, "operator_invite");
  assert_non_null(strstr(l.message, "rescuer"));
  pcn_client_close(sub);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);

  its_member *rescuer = its_join(s, code);
  assert_int_equal(rescuer->role, PCN__ROLE__PCN_MANAGER);
  its_member *pm =
      its_add_member(s, rescuer, "helper", PCN__ROLE__CLINICAL_DIRECTOR, "");
  its_member_free(pm);

  /* Refusals: a taken username, and a role other than PCN manager. */
  assert_int_equal(operator_invite(s, "director", code, out, sizeof out), 2);
  assert_non_null(strstr(out, "taken"));
  assert_int_equal(
      pcnd_cmd(s, "invite", "--username x2 --role staff", out, sizeof out), 1);
  assert_non_null(strstr(out, "PCN managers only"));

  its_member_free(rescuer);
  its_member_free(cd);
  assert_int_equal(its_verify(s), 0);
  its_free(s);
}

/* The same with the server stopped: the invitation is written to the store,
 * the event is in the feed when the server comes back, and the chain holds. */
static void test_invite_stopped(void **state) {
  (void)state;
  its_server *s = its_start("");
  its_member *mgr = its_manager(s);
  uint64_t head = its_head(mgr);
  its_member_free(mgr);
  its_stop(s);

  char out[4096], code[600];
  assert_int_equal(operator_invite(s, "rescuer", code, out, sizeof out), 0);
  assert_non_null(strstr(out, "no server was running"));
  assert_int_equal(its_verify(s), 0);

  its_run(s);
  its_member *rescuer = its_join(s, code);
  assert_int_equal(rescuer->role, PCN__ROLE__PCN_MANAGER);
  its_events *ev = its_seen(s, rescuer, rescuer, head);
  size_t notices = 0;
  for (size_t i = 0; i < ev->n; i++) {
    if (ev->ev[i]->record_case != PCN__EVENT__RECORD_SERVER_NOTICE) continue;
    assert_string_equal(ev->ev[i]->actor, "(operator)");
    assert_string_equal(ev->ev[i]->server_notice->kind, "operator_invite");
    notices++;
  }
  assert_int_equal(notices, 1);
  its_events_free(ev);
  its_member *cd =
      its_add_member(s, rescuer, "director", PCN__ROLE__CLINICAL_DIRECTOR, "");
  its_member_free(cd);
  its_member_free(rescuer);
  its_stop(s);
  assert_int_equal(its_verify(s), 0);
  its_free(s);
}

/* Sends raw bytes to the control socket and reads until the server closes;
 * returns what it said (NUL-terminated in out). */
static size_t ctl_raw(its_server *s, const char *p, size_t n, char *out,
                      size_t outlen) {
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  int len = snprintf(a.sun_path, sizeof a.sun_path, "%s/pcnd.sock", s->dir);
  assert_true(len > 0 && (size_t)len < sizeof a.sun_path);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
  for (size_t off = 0; off < n;) {
    ssize_t w = send(fd, p + off, n - off, MSG_NOSIGNAL);
    if (w <= 0) break;
    off += (size_t)w;
  }
  size_t got = 0;
  for (;;) {
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    if (poll(&pf, 1, 15000) <= 0) fail_msg("the control socket hung");
    ssize_t r = recv(fd, out + got, outlen - 1 - got, 0);
    if (r <= 0) break;
    got += (size_t)r;
    if (got == outlen - 1) break;
  }
  out[got] = 0;
  close(fd);
  return got;
}

/* ------------------------------------------------------------ status */

static void test_status(void **state) {
  (void)state;
  its_server *s = its_start("");
  its_member *mgr = its_manager(s);
  int rc;
  json_t *o = status_json(s, &rc);
  assert_int_equal(rc, 0);
  assert_string_equal(json_string_value(json_object_get(o, "state")),
                      "running");
  assert_int_equal(jget(o, "head_seq", NULL), (json_int_t)its_head(mgr));
  assert_true(jget(o, "connections", NULL) >= 1);
  assert_true(jget(o, "logged_in", NULL) >= 1);
  assert_true(jget(o, "sessions_stored", NULL) >= 1);
  assert_true(jget(o, "cert_not_after", NULL) > (json_int_t)time(NULL));
  assert_true(jget(o, "map", "used_bytes") > 0);
  assert_true(jget(o, "map", "free_bytes") > 0);
  assert_true(jget(o, "readers", "max") > 0);
  json_int_t writes = jget(o, "writes_total", NULL);
  json_int_t batches = jget(o, "batches_total", NULL);
  json_decref(o);

  its_task(mgr, "Count me", "", NULL, NULL);
  o = status_json(s, &rc);
  assert_true(jget(o, "writes_total", NULL) > writes);
  assert_true(jget(o, "batches_total", NULL) > batches);
  assert_int_equal(jget(o, "head_seq", NULL), (json_int_t)its_head(mgr));
  json_decref(o);

  /* The control socket answers what is not a request with one sentence
   * and stays up; a socket file 0600. */
  char said[8192];
  ctl_raw(s, "garbage\n", 8, said, sizeof said);
  assert_non_null(strstr(said, "\"ok\":false"));
  ctl_raw(s, "{\"op\":\"format-disk\"}\n", 22, said, sizeof said);
  assert_non_null(strstr(said, "Unknown op"));
  ctl_raw(s, "{\"op\":\"invite\"}\n", 16, said, sizeof said);
  assert_non_null(strstr(said, "needs a username"));
  static char big[10000];
  memset(big, '{', sizeof big);
  ctl_raw(s, big, sizeof big, said, sizeof said);
  assert_non_null(strstr(said, "too long"));
  ctl_raw(s, "{\"op\":\"status\"}\n", 16, said, sizeof said);
  assert_non_null(strstr(said, "\"ok\":true"));
  char sockpath[300];
  struct stat sst;
  snprintf(sockpath, sizeof sockpath, "%s/pcnd.sock", s->dir);
  assert_int_equal(stat(sockpath, &sst), 0);
  assert_int_equal(sst.st_mode & 0777, 0600);

  /* A second server on the same directory is refused. */
  char out[4096];
  assert_int_equal(pcnd_cmd(s, "run", "--listen 127.0.0.1:0", out, sizeof out),
                   2);
  assert_non_null(strstr(out, "Another pcnd is already serving"));

  uint64_t head = its_head(mgr);
  its_member_free(mgr);
  its_stop(s);
  o = status_json(s, &rc);
  assert_int_equal(rc, 3);
  assert_string_equal(json_string_value(json_object_get(o, "state")),
                      "stopped");
  assert_int_equal(jget(o, "head_seq", NULL), (json_int_t)head);
  assert_true(jget(o, "cert_not_after", NULL) > (json_int_t)time(NULL));
  assert_true(jget(o, "map", "used_bytes") > 0);
  json_decref(o);
  assert_int_equal(pcnd_cmd(s, "status", "", out, sizeof out), 3);
  assert_non_null(strstr(out, "NOT RUNNING"));

  /* A killed server leaves its socket file; nothing answers on it, status
   * says so, and the next start clears it. */
  its_run(s);
  its_kill9(s);
  char sock[300];
  struct stat sb;
  snprintf(sock, sizeof sock, "%s/pcnd.sock", s->dir);
  assert_int_equal(stat(sock, &sb), 0);
  o = status_json(s, &rc);
  assert_int_equal(rc, 3);
  assert_string_equal(json_string_value(json_object_get(o, "state")),
                      "stopped");
  json_decref(o);
  its_run(s);
  o = status_json(s, &rc);
  assert_int_equal(rc, 0);
  json_decref(o);
  its_stop(s);
  assert_int_equal(stat(sock, &sb), -1); /* a clean stop removes it */
  its_free(s);
}

/* ------------------------------------------------------------ metrics */

static void promtool_check(const char *body) {
  if (system("command -v promtool >/dev/null 2>&1") != 0) {
    printf("promtool is not installed (Debian: prometheus); its check is "
           "skipped.\n");
    return;
  }
  char tmp[] = "/tmp/pcn-metrics-XXXXXX";
  int fd = mkstemp(tmp);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, body, strlen(body)), (ssize_t)strlen(body));
  close(fd);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "promtool check metrics < %s", tmp);
  int st = system(cmd);
  unlink(tmp);
  assert_int_equal(WIFEXITED(st) ? WEXITSTATUS(st) : 128, 0);
  printf("promtool check metrics: accepted.\n");
}

static void test_metrics(void **state) {
  (void)state;
  int port = its_free_port();
  char opts[64];
  snprintf(opts, sizeof opts, "--metrics 127.0.0.1:%d", port);
  its_server *s = its_start(opts);
  static char page[65536];
  its_http_get(port, "/metrics", page, sizeof page);
  assert_non_null(strstr(page, "HTTP/1.1 200 OK\r\n"));
  assert_non_null(
      strstr(page, "Content-Type: text/plain; version=0.0.4; charset=utf-8"));
  const char *body = strstr(page, "\r\n\r\n") + 4;
  promtool_check(body);
  double writes = its_metric_value(page, "pcnd_writes_total");
  assert_true(its_metric_value(page, "pcnd_cert_expiry_time_seconds") >
              (double)time(NULL));

  its_member *mgr = its_manager(s); /* a join is a write, and a connection */
  its_task(mgr, "Count me", "", NULL, NULL);
  its_http_get(port, "/metrics", page, sizeof page);
  assert_true(its_metric_value(page, "pcnd_writes_total") >= writes + 2);
  assert_true(its_metric_value(page, "pcnd_write_batches_total") >= 1);
  assert_true(its_metric_value(page, "pcnd_connections") >= 1);
  assert_true(its_metric_value(page, "pcnd_connections_logged_in") >= 1);
  assert_int_equal((uint64_t)its_metric_value(page, "pcnd_feed_head_seq"),
                   its_head(mgr));

  /* What is not a scrape gets a short answer and a close. */
  its_http_get(port, "/", page, sizeof page);
  assert_non_null(strstr(page, "HTTP/1.1 404 "));
  const char *post = "POST /metrics HTTP/1.1\r\n\r\n";
  its_http_raw(port, post, strlen(post), page, sizeof page, 10000);
  assert_non_null(strstr(page, "HTTP/1.1 405 "));
  const char *junk = "\x01\x02 garbage\r\n\r\n";
  its_http_raw(port, junk, strlen(junk), page, sizeof page, 10000);
  assert_non_null(strstr(page, "HTTP/1.1 400 "));
  static char big[10000];
  memset(big, 'A', sizeof big);
  its_http_raw(port, big, sizeof big, page, sizeof page, 10000);
  assert_non_null(strstr(page, "HTTP/1.1 400 "));
  /* A client that says nothing is closed by the timeout. */
  assert_int_equal(its_http_raw(port, "", 0, page, sizeof page, 10000), 0);
  /* And the server is still well. */
  its_http_get(port, "/metrics", page, sizeof page);
  assert_non_null(strstr(page, "HTTP/1.1 200 OK\r\n"));

  char out[4096];
  assert_int_equal(pcnd_cmd(s, "status", "", out, sizeof out), 0);
  assert_non_null(strstr(out, opts + strlen("--metrics ")));

  its_member_free(mgr);
  its_stop(s);

  /* Anything but loopback is refused before the server starts. */
  assert_int_equal(
      pcnd_cmd(s, "run", "--metrics 0.0.0.0:9464", out, sizeof out), 2);
  assert_non_null(strstr(out, "loopback"));
  assert_int_equal(
      pcnd_cmd(s, "run", "--metrics 192.168.1.1:9464", out, sizeof out), 2);
  assert_non_null(strstr(out, "loopback"));
  its_free(s);
}

/* Every new command and option explains itself. */
static void test_help(void **state) {
  (void)state;
  char out[8192];
  its_server dummy = {.dir = "/nonexistent"};
  assert_int_equal(pcnd_cmd(&dummy, "status", "--help", out, sizeof out), 0);
  assert_non_null(strstr(out, "not running"));
  assert_non_null(strstr(out, "--json"));
  assert_int_equal(pcnd_cmd(&dummy, "invite", "--help", out, sizeof out), 0);
  assert_non_null(strstr(out, "locked-out"));
  assert_non_null(strstr(out, "(operator)"));
  assert_int_equal(pcnd_cmd(&dummy, "run", "--help", out, sizeof out), 0);
  assert_non_null(strstr(out, "--metrics"));
  /* Wrong use: one sentence and exit 1; a missing store: one sentence. */
  assert_int_equal(pcnd_cmd(&dummy, "invite", "", out, sizeof out), 1);
  assert_int_equal(pcnd_cmd(&dummy, "status", "", out, sizeof out), 1);
  assert_non_null(strstr(out, "pcnd init"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_help),
      cmocka_unit_test(test_invite_running),
      cmocka_unit_test(test_invite_stopped),
      cmocka_unit_test(test_status),
      cmocka_unit_test(test_metrics),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
