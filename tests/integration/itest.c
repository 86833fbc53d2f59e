/* itest.c - the integration-test harness (see itest.h). POSIX: tests only.
 */
#define _GNU_SOURCE
#include "itest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "frame.h"
#include "invite.h"
#include "pki.h"
#include "wire.h"

#ifndef PCND_PATH
#define PCND_PATH "pcnd"
#endif

int its_free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
  assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
  close(fd);
  return ntohs(a.sin_port);
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  if (fread(buf, 1, (size_t)n, f) != (size_t)n) n = 0;
  buf[n] = 0;
  fclose(f);
  return buf;
}

/* Runs a command, capturing stdout; returns the exit status. */
static int run_capture(char *const argv[], char *out, size_t outlen) {
  int p[2];
  assert_int_equal(pipe(p), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(p[1], 1);
    close(p[0]);
    close(p[1]);
    execv(argv[0], argv);
    _exit(127);
  }
  close(p[1]);
  size_t n = 0;
  ssize_t r;
  while (n + 1 < outlen && (r = read(p[0], out + n, outlen - 1 - n)) > 0)
    n += (size_t)r;
  out[n] = 0;
  close(p[0]);
  int st;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

void its_run(its_server *s) {
  int p[2];
  assert_int_equal(pipe(p), 0);
  pid_t pid = fork();
  if (pid == 0) {
    /* A test that fails mid-way must not leave pcnd holding ctest's
     * output pipe open until the timeout. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* The harness ignores SIGPIPE for itself; an ignored signal survives
     * exec, and for years that hid pcnd's own SIGPIPE death from every
     * test. pcnd starts as it would from a shell: with the default. */
    signal(SIGPIPE, SIG_DFL);
    if (s->nofile) {
      struct rlimit rl = {.rlim_cur = s->nofile, .rlim_max = s->nofile};
      if (setrlimit(RLIMIT_NOFILE, &rl) != 0) _exit(126);
    }
    if (s->stderr_path[0]) {
      int fd = open(s->stderr_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (fd < 0) _exit(126);
      dup2(fd, 2);
      close(fd);
    }
    dup2(p[1], 1);
    close(p[0]);
    close(p[1]);
    char *argv[64];
    int n = 0;
    argv[n++] = PCND_PATH;
    argv[n++] = "run";
    argv[n++] = "--data";
    argv[n++] = s->dir;
    char extra[512];
    snprintf(extra, sizeof extra, "%s", s->extra);
    for (char *tok = strtok(extra, " "); tok && n < 62; tok = strtok(NULL, " "))
      argv[n++] = tok;
    argv[n] = NULL;
    execv(argv[0], argv);
    _exit(127);
  }
  close(p[1]);
  s->pid = pid;
  /* Ready when it prints its "serving" line. */
  char line[1024] = "";
  size_t n = 0;
  struct pollfd pf = {.fd = p[0], .events = POLLIN};
  while (n + 1 < sizeof line && !strstr(line, "\n")) {
    int pr = poll(&pf, 1, 20000);
    assert_true(pr > 0);
    ssize_t r = read(p[0], line + n, sizeof line - 1 - n);
    assert_true(r > 0);
    n += (size_t)r;
    line[n] = 0;
  }
  assert_non_null(strstr(line, "serving"));
  /* Drain the rest of pcnd's stdout, so its last line cannot SIGPIPE it. */
  if (fork() == 0) {
    char buf[4096];
    while (read(p[0], buf, sizeof buf) > 0) {
    }
    _exit(0);
  }
  close(p[0]);
}

its_server *its_start(const char *extra) {
  signal(SIGPIPE, SIG_IGN);
  its_server *s = calloc(1, sizeof *s);
  snprintf(s->dir, sizeof s->dir, "/tmp/pcn-itest-XXXXXX");
  assert_non_null(mkdtemp(s->dir));
  strcat(s->dir, "/net");
  s->port = its_free_port();
  snprintf(s->addr, sizeof s->addr, "127.0.0.1:%d", s->port);
  snprintf(s->extra, sizeof s->extra, "%s", extra ? extra : "");
  char out[4096];
  char *argv[] = {PCND_PATH,  "init",     "--data", s->dir, "--network",
                  "Test PCN", "--listen", s->addr,  NULL};
  int rc = run_capture(argv, out, sizeof out);
  if (rc != 0) fprintf(stderr, "pcnd init failed (%d): %s\n", rc, out);
  assert_int_equal(rc, 0);
  char *j = strstr(out, "pcn join ");
  assert_non_null(j);
  j += strlen("pcn join ");
  size_t k = 0;
  while (j[k] && j[k] != '\n' && k + 1 < sizeof s->manager_code)
    k++;
  memcpy(s->manager_code, j, k);
  s->manager_code[k] = 0;
  char ca[300];
  snprintf(ca, sizeof ca, "%s/ca.pem", s->dir);
  s->ca_pem = read_file(ca);
  assert_non_null(s->ca_pem);
  its_run(s);
  return s;
}

void its_stop(its_server *s) {
  if (!s->pid) return;
  kill(s->pid, SIGTERM);
  int st;
  waitpid(s->pid, &st, 0);
  s->pid = 0;
  assert_true(WIFEXITED(st));
  assert_int_equal(WEXITSTATUS(st), 0);
}

int its_wait_exit(its_server *s) {
  int st;
  waitpid(s->pid, &st, 0);
  s->pid = 0;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void its_kill9(its_server *s) {
  if (!s->pid) return;
  kill(s->pid, SIGKILL);
  waitpid(s->pid, NULL, 0);
  s->pid = 0;
}

int its_verify(its_server *s) {
  char out[4096];
  char *argv[] = {PCND_PATH, "verify", "--data", s->dir, NULL};
  return run_capture(argv, out, sizeof out);
}

void its_free(its_server *s) {
  if (!s) return;
  if (s->pid) its_stop(s);
  char cmd[600];
  char *slash = strrchr(s->dir, '/');
  *slash = 0;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", s->dir);
  free(s->ca_pem);
  free(s);
}

int its_world_teardown(void **state) {
  its_world *w = *state;
  its_member_free(w->mgr);
  assert_int_equal(its_verify(w->s), 0);
  its_free(w->s);
  free(w);
  return 0;
}

pcn_client_config its_config(its_server *s, const char *token) {
  pcn_client_config c = {.server = s->addr,
                         .ca_pem = s->ca_pem,
                         .client_name = "itest",
                         .token = token};
  return c;
}

pcn_sync *its_connect(its_server *s) {
  pcn_client_config cfg = its_config(s, NULL);
  char err[400];
  pcn_error_class cls;
  pcn_sync *c = pcn_sync_connect(&cfg, err, sizeof err, &cls);
  if (!c) fail_msg("connect to %s failed: %s", s->addr, err);
  return c;
}

const Pcn__Response *its_call(its_member *m, const Pcn__Request *req) {
  return pcn_sync_call(m->s, req);
}

const Pcn__Response *its_expect(its_member *m, const Pcn__Request *req,
                                int code) {
  const Pcn__Response *r = pcn_sync_call(m->s, req);
  if ((int)r->status->code != code)
    fail_msg("%s: expected status %d, got %d: %s", m->username, code,
             r->status->code, r->status->message);
  return r;
}

void its_field_is(const Pcn__Response *r, const char *field) {
  if (!r->status->details)
    fail_msg("no field named (wanted %s): %s", field, r->status->message);
  assert_string_equal(r->status->details->field, field);
}

static its_member *member_from_session(pcn_sync *c, const Pcn__Response *r) {
  assert_int_equal(r->body_case, PCN__RESPONSE__BODY_SESSION);
  its_member *m = calloc(1, sizeof *m);
  m->s = c;
  snprintf(m->username, sizeof m->username, "%s", r->session->member->username);
  snprintf(m->token, sizeof m->token, "%s", r->session->token);
  snprintf(m->practice, sizeof m->practice, "%s", r->session->member->practice);
  m->role = r->session->member->role;
  return m;
}

its_member *its_join(its_server *s, const char *code) {
  return its_try_join(s, code, PCN__STATUS_CODE__OK);
}

its_member *its_try_join(its_server *s, const char *code, int want) {
  pcn_invite inv;
  char err[300];
  if (pcn_invite_decode(code, &inv, err, sizeof err)) fail_msg("%s", err);
  pcn_client_config cfg = {
      .server = s->addr, .pin_sha256 = inv.ca_sha256, .client_name = "itest"};
  pcn_error_class cls;
  pcn_sync *c = pcn_sync_connect(&cfg, err, sizeof err, &cls);
  if (!c) fail_msg("join connect failed: %s", err);
  Pcn__Join j = PCN__JOIN__INIT;
  j.invite_token = inv.token;
  j.password = ITEST_PASSWORD;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_JOIN;
  req.join = &j;
  const Pcn__Response *r = pcn_sync_call(c, &req);
  if ((int)r->status->code != want)
    fail_msg("join answered %d, not %d: %s", r->status->code, want,
             r->status->message);
  if (want == PCN__STATUS_CODE__OK) return member_from_session(c, r);
  printf("join refused, as it should be: %s\n", r->status->message);
  pcn_sync_close(c);
  return NULL;
}

its_member *its_manager(its_server *s) {
  return its_join(s, s->manager_code);
}

its_member *its_login(its_server *s, const char *username,
                      const char *password) {
  pcn_sync *c = its_connect(s);
  Pcn__Login l = PCN__LOGIN__INIT;
  l.username = (char *)username;
  l.password = (char *)password;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_LOGIN;
  req.login = &l;
  const Pcn__Response *r = pcn_sync_call(c, &req);
  if (r->status->code != PCN__STATUS_CODE__OK)
    fail_msg("login of %s failed: %s", username, r->status->message);
  return member_from_session(c, r);
}

its_member *its_relogin(its_server *s, its_member *m) {
  char name[sizeof m->username];
  snprintf(name, sizeof name, "%s", m->username);
  its_member_free(m);
  return its_login(s, name, ITEST_PASSWORD);
}

void its_member_free(its_member *m) {
  if (!m) return;
  pcn_sync_close(m->s);
  free(m);
}

void its_add_practice(its_member *mgr, const char *ods, const char *name,
                      uint32_t list_size) {
  Pcn__PracticeAdd a = PCN__PRACTICE_ADD__INIT;
  a.ods = (char *)ods;
  a.name = (char *)name;
  a.list_size = list_size;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_PRACTICE_ADD;
  req.practice_add = &a;
  its_expect(mgr, &req, PCN__STATUS_CODE__OK);
}

void its_add_practices(its_member *mgr, size_t n) {
  static const struct {
    const char *ods, *name;
    uint32_t list_size;
  } network[] = {{"F84001", "Riverside Surgery", 12000},
                 {"F84002", "Hill Street", 8000},
                 {"F84003", "Canal Side", 6000}};
  assert_true(n >= 1 && n <= sizeof network / sizeof network[0]);
  for (size_t i = 0; i < n; i++)
    its_add_practice(mgr, network[i].ods, network[i].name,
                     network[i].list_size);
}

char *its_invite(its_member *by, const char *username, int role,
                 const char *practice) {
  Pcn__MemberInvite inv = PCN__MEMBER_INVITE__INIT;
  inv.username = (char *)username;
  inv.display_name = (char *)username;
  inv.role = role;
  inv.practice = (char *)practice;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEMBER_INVITE;
  req.member_invite = &inv;
  const Pcn__Response *r = its_expect(by, &req, PCN__STATUS_CODE__OK);
  assert_int_equal(r->body_case, PCN__RESPONSE__BODY_INVITATION);
  return strdup(r->invitation->code);
}

its_member *its_add_member(its_server *s, its_member *mgr, const char *username,
                           int role, const char *practice) {
  char *code = its_invite(mgr, username, role, practice);
  its_member *m = its_join(s, code);
  free(code);
  return m;
}

uint64_t its_task(its_member *m, const char *title, const char *practice,
                  const char *due, const char *assignee) {
  Pcn__TaskCreate t = PCN__TASK_CREATE__INIT;
  t.title = (char *)title;
  t.practice = (char *)(practice ? practice : "");
  t.due = (char *)(due ? due : "");
  t.assignee = (char *)(assignee ? assignee : "");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_CREATE;
  req.task_create = &t;
  const Pcn__Response *r = its_expect(m, &req, PCN__STATUS_CODE__OK);
  assert_int_equal(r->body_case, PCN__RESPONSE__BODY_TASK);
  return r->task->id;
}

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void its_sleep_ms(unsigned ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
  nanosleep(&ts, NULL);
}

int its_wait(uv_loop_t *loop, int (*cond)(void *ud), void *ud,
             uint64_t timeout_ms) {
  uint64_t end = now_ms() + timeout_ms;
  while (!cond(ud) && now_ms() < end)
    uv_run(loop, UV_RUN_NOWAIT), usleep(1000);
  return cond(ud);
}

/* ------------------------------------------------------------ raw */

struct its_raw {
  int fd;
  SSL_CTX *ctx;
  SSL *ssl;
};

static its_raw *raw_connect(its_server *s, int rcvbuf, const char *from);

its_raw *its_raw_connect(its_server *s) {
  return raw_connect(s, 0, NULL);
}

its_raw *its_raw_connect_rcvbuf(its_server *s, int rcvbuf) {
  return raw_connect(s, rcvbuf, NULL);
}

its_raw *its_raw_connect_from(its_server *s, const char *from) {
  return raw_connect(s, 0, from);
}

static its_raw *raw_connect(its_server *s, int rcvbuf, const char *from) {
  its_raw *r = calloc(1, sizeof *r);
  char err[200];
  r->ctx = pcn_pki_client_ctx(s->ca_pem, err, sizeof err);
  assert_non_null(r->ctx);
  r->fd = socket(AF_INET, SOCK_STREAM, 0);
  /* Before connect, so the window the client offers stays small. */
  if (rcvbuf > 0)
    setsockopt(r->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  if (from) {
    struct sockaddr_in src = {.sin_family = AF_INET};
    assert_int_equal(inet_pton(AF_INET, from, &src.sin_addr), 1);
    if (bind(r->fd, (struct sockaddr *)&src, sizeof src) != 0) goto fail;
  }
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(s->port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(r->fd, (struct sockaddr *)&a, sizeof a) != 0) goto fail;
  r->ssl = SSL_new(r->ctx);
  pcn_pki_client_set_host(r->ssl, "127.0.0.1");
  SSL_set_fd(r->ssl, r->fd);
  if (SSL_connect(r->ssl) != 1) goto fail;
  return r;
fail:
  its_raw_close(r);
  return NULL;
}

int its_raw_write(its_raw *r, const void *p, size_t n) {
  return SSL_write(r->ssl, p, (int)n) == (int)n ? 0 : -1;
}

size_t its_frame_put(uint8_t *buf, size_t at, size_t cap, uint64_t id,
                     const Pcn__Request *req) {
  Pcn__Frame f = PCN__FRAME__INIT;
  f.id = id;
  f.body_case = PCN__FRAME__BODY_REQUEST;
  f.request = (Pcn__Request *)req;
  size_t n = pcn__frame__get_packed_size(&f);
  assert_true(at + 4 + n <= cap);
  buf[at] = (uint8_t)(n >> 24);
  buf[at + 1] = (uint8_t)(n >> 16);
  buf[at + 2] = (uint8_t)(n >> 8);
  buf[at + 3] = (uint8_t)n;
  pcn__frame__pack(&f, buf + at + 4);
  return at + 4 + n;
}

uint8_t *its_frame(uint64_t id, const Pcn__Request *req, size_t *len) {
  Pcn__Frame f = PCN__FRAME__INIT;
  f.id = id;
  f.body_case = PCN__FRAME__BODY_REQUEST;
  f.request = (Pcn__Request *)req;
  size_t cap = pcn__frame__get_packed_size(&f) + 4;
  uint8_t *buf = malloc(cap);
  assert_non_null(buf);
  *len = its_frame_put(buf, 0, cap, id, req);
  return buf;
}

int its_raw_send_nocheck(its_raw *r, uint64_t id, Pcn__Request *req) {
  size_t n;
  uint8_t *buf = its_frame(id, req, &n);
  int rc = its_raw_write(r, buf, n);
  free(buf);
  return rc;
}

void its_raw_hangup(its_raw *r, int reset) {
  if (reset) {
    struct linger l = {.l_onoff = 1, .l_linger = 0};
    setsockopt(r->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  }
  /* SSL_free without SSL_shutdown sends nothing. */
  its_raw_close(r);
}

void its_raw_send(its_raw *r, uint64_t id, Pcn__Request *req) {
  assert_int_equal(its_raw_send_nocheck(r, id, req), 0);
}

void its_raw_send_body(its_raw *r, uint64_t id, uint32_t req_field,
                       const void *body, size_t len) {
  pcn_buf req, fr;
  pcn_buf_init(&req);
  pcn_buf_init(&fr);
  assert_int_equal(pcn_wire_append_len(&req, req_field, body, len), 0);
  assert_int_equal(pcn_wire_append_varint(&fr, 1, id), 0);
  assert_int_equal(pcn_wire_append_len(&fr, 2, req.data, req.len), 0);
  uint8_t hdr[4] = {(uint8_t)(fr.len >> 24), (uint8_t)(fr.len >> 16),
                    (uint8_t)(fr.len >> 8), (uint8_t)fr.len};
  assert_int_equal(its_raw_write(r, hdr, 4), 0);
  assert_int_equal(its_raw_write(r, fr.data, fr.len), 0);
  pcn_buf_free(&req);
  pcn_buf_free(&fr);
}

void its_raw_send_hello(its_raw *r, uint32_t version) {
  Pcn__Hello h = PCN__HELLO__INIT;
  h.protocol_version = version;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_HELLO;
  req.hello = &h;
  its_raw_send(r, 1, &req);
}

its_raw *its_raw_hello(its_server *s) {
  its_raw *r = its_raw_connect(s);
  assert_non_null(r);
  its_raw_send_hello(r, PCN_PROTOCOL_VERSION);
  its_answer a;
  if (its_raw_answer(r, 1, 30000, &a) != PCN__STATUS_CODE__OK)
    fail_msg("Hello answered %d: %s", a.code, a.msg);
  return r;
}

void its_raw_resume(its_raw *r, uint64_t id, const char *token) {
  Pcn__Resume rs = PCN__RESUME__INIT;
  rs.token = (char *)token;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_RESUME;
  req.resume = &rs;
  its_raw_send(r, id, &req);
}

void its_raw_subscribe(its_raw *r, const char *token, uint64_t since) {
  its_raw_send_hello(r, PCN_PROTOCOL_VERSION);
  its_raw_resume(r, 2, token);
  Pcn__Subscribe sb = PCN__SUBSCRIBE__INIT;
  sb.since_seq = since;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_SUBSCRIBE;
  req.subscribe = &sb;
  its_raw_send(r, 3, &req);
}

void its_raw_wait_subscribed(its_raw *r) {
  for (;;) {
    int eof;
    Pcn__Frame *f = its_raw_read_frame(r, 10000, &eof);
    assert_non_null(f);
    int done = f->body_case == PCN__FRAME__BODY_RESPONSE && f->id == 3;
    if (f->body_case == PCN__FRAME__BODY_RESPONSE)
      assert_int_equal(f->response->status->code, PCN__STATUS_CODE__OK);
    pcn__frame__free_unpacked(f, NULL);
    if (done) return;
  }
}

int its_raw_answer(its_raw *r, uint64_t id, int timeout_ms, its_answer *a) {
  its_answer spare;
  if (!a) a = &spare;
  memset(a, 0, sizeof *a);
  a->code = -1;
  for (;;) {
    int eof;
    Pcn__Frame *f = its_raw_read_frame(r, timeout_ms, &eof);
    if (!f) return -1;
    if (f->body_case == PCN__FRAME__BODY_RESPONSE &&
        (f->id == id || f->id == 0)) {
      const Pcn__Status *st = f->response->status;
      if (!st)
        fail_msg("the answer to %llu has no status", (unsigned long long)f->id);
      a->code = (int)st->code;
      a->id = f->id;
      snprintf(a->msg, sizeof a->msg, "%s", st->message ? st->message : "");
      if (st->details) {
        snprintf(a->field, sizeof a->field, "%s",
                 st->details->field ? st->details->field : "");
        a->retry_after_ms = st->details->retry_after_ms;
      }
      pcn__frame__free_unpacked(f, NULL);
      return a->code;
    }
    pcn__frame__free_unpacked(f, NULL);
  }
}

static int raw_read_exact(its_raw *r, uint8_t *p, size_t n, int timeout_ms,
                          int *eof) {
  size_t got = 0;
  while (got < n) {
    if (SSL_pending(r->ssl) == 0) {
      struct pollfd pf = {.fd = r->fd, .events = POLLIN};
      if (poll(&pf, 1, timeout_ms) <= 0) return -1;
    }
    int k = SSL_read(r->ssl, p + got, (int)(n - got));
    if (k <= 0) {
      int e = SSL_get_error(r->ssl, k);
      if (e == SSL_ERROR_WANT_READ) continue;
      *eof = 1;
      ERR_clear_error();
      return -1;
    }
    got += (size_t)k;
  }
  return 0;
}

Pcn__Frame *its_raw_read_frame(its_raw *r, int timeout_ms, int *eof) {
  *eof = 0;
  uint8_t hdr[4];
  if (raw_read_exact(r, hdr, 4, timeout_ms, eof)) return NULL;
  uint32_t n = (uint32_t)hdr[0] << 24 | hdr[1] << 16 | hdr[2] << 8 | hdr[3];
  if (n == 0 || n > (16u << 20)) return NULL;
  uint8_t *body = malloc(n);
  Pcn__Frame *f = NULL;
  if (raw_read_exact(r, body, n, timeout_ms, eof) == 0)
    f = pcn__frame__unpack(NULL, n, body);
  free(body);
  return f;
}

int its_raw_closed(its_raw *r, int frames, int timeout_ms) {
  for (int i = 0; i < frames; i++) {
    int eof;
    Pcn__Frame *f = its_raw_read_frame(r, timeout_ms, &eof);
    if (!f) return eof;
    pcn__frame__free_unpacked(f, NULL);
  }
  return 0;
}

void its_raw_close(its_raw *r) {
  if (!r) return;
  if (r->ssl) SSL_free(r->ssl);
  if (r->fd >= 0) close(r->fd);
  SSL_CTX_free(r->ctx);
  free(r);
}

/* ------------------------------------------------------------ clock, feed */

int64_t its_advance(its_member *m, int64_t ms) {
  Pcn__ClockAdvance a = PCN__CLOCK_ADVANCE__INIT;
  a.ms = ms;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_CLOCK_ADVANCE;
  req.clock_advance = &a;
  const Pcn__Response *r = its_expect(m, &req, PCN__STATUS_CODE__OK);
  return r->pong->server_time;
}

typedef struct seen_ctx {
  its_events *out;
  uint64_t until;
  int done;
} seen_ctx;

static void seen_on_event(pcn_client *c, const Pcn__Event *ev, void *ud) {
  (void)c;
  seen_ctx *sc = ud;
  if (ev->seq >= sc->until) {
    sc->done = 1;
    return;
  }
  its_events *o = sc->out;
  if (o->n == o->cap) {
    o->cap = o->cap ? 2 * o->cap : 64;
    o->ev = realloc(o->ev, o->cap * sizeof *o->ev);
    assert_non_null(o->ev);
  }
  size_t len = pcn__event__get_packed_size(ev);
  uint8_t *buf = malloc(len ? len : 1);
  assert_non_null(buf);
  pcn__event__pack(ev, buf);
  o->ev[o->n] = pcn__event__unpack(NULL, len, buf);
  free(buf);
  assert_non_null(o->ev[o->n]);
  o->n++;
}

static int seen_done(void *ud) {
  return ((seen_ctx *)ud)->done;
}

its_events *its_seen(its_server *s, its_member *viewer, its_member *mgr,
                     uint64_t since) {
  /* The marker: an event everyone sees (settings, unchanged). */
  Pcn__SettingsUpdate su = PCN__SETTINGS_UPDATE__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_SETTINGS_UPDATE;
  req.settings_update = &su;
  its_expect(mgr, &req, PCN__STATUS_CODE__OK);
  its_events *out = calloc(1, sizeof *out);
  assert_non_null(out);
  seen_ctx sc = {out, its_head(mgr), 0};
  uv_loop_t loop;
  uv_loop_init(&loop);
  pcn_client_config cfg = its_config(s, viewer->token);
  pcn_client *c = pcn_client_new(&loop, &cfg);
  assert_non_null(c);
  pcn_client_subscribe(c, since, seen_on_event, &sc);
  pcn_client_connect(c);
  int ok = its_wait(&loop, seen_done, &sc, 15000);
  pcn_client_close(c);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  if (!ok) fail_msg("%s never saw the marker event", viewer->username);
  return out;
}

size_t its_events_count(const its_events *e, int record_case) {
  size_t n = 0;
  for (size_t i = 0; i < e->n; i++)
    if (e->ev[i]->record_case == (Pcn__Event__RecordCase)record_case) n++;
  return n;
}

void its_events_free(its_events *e) {
  if (!e) return;
  for (size_t i = 0; i < e->n; i++)
    pcn__event__free_unpacked(e->ev[i], NULL);
  free(e->ev);
  free(e);
}

static const Pcn__Pong *ping(its_member *m) {
  Pcn__Ping ping = PCN__PING__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_PING;
  req.ping = &ping;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->pong;
}

uint64_t its_head(its_member *m) {
  return ping(m)->head_seq;
}

int64_t its_now(its_member *m) {
  return ping(m)->server_time;
}

Pcn__Request its_login_req(Pcn__Login *l, const char *user, const char *pw) {
  pcn__login__init(l);
  l->username = (char *)user;
  l->password = (char *)pw;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_LOGIN;
  r.login = l;
  return r;
}

/* ------------------------------------------------------------ metrics */

size_t its_http_raw(int port, const char *send_buf, size_t send_len, char *out,
                    size_t n, int timeout_ms) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
  for (size_t off = 0; off < send_len;) {
    ssize_t w = send(fd, send_buf + off, send_len - off, MSG_NOSIGNAL);
    if (w <= 0) break;
    off += (size_t)w;
  }
  size_t got = 0;
  for (;;) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) <= 0) fail_msg("the metrics server hung");
    ssize_t r = recv(fd, out + got, n - 1 - got, 0);
    if (r <= 0) break;
    got += (size_t)r;
    if (got == n - 1) break;
  }
  out[got] = 0;
  close(fd);
  return got;
}

size_t its_http_get(int port, const char *path, char *out, size_t n) {
  char req[256];
  snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", path);
  return its_http_raw(port, req, strlen(req), out, n, 10000);
}

double its_metric_value(const char *text, const char *name) {
  char key[128];
  snprintf(key, sizeof key, "\n%s ", name);
  const char *p = strstr(text, key);
  if (!p) fail_msg("no %s in the metrics", name);
  return strtod(p + strlen(key), NULL);
}

/* ------------------------------------------------------------ funds */

void its_funds_figures(its_member *m, const char *ods, const char *from,
                       uint32_t list, uint32_t weighted, const char *locality) {
  Pcn__FundsFiguresSet f = PCN__FUNDS_FIGURES_SET__INIT;
  f.practice = (char *)ods;
  f.applies_from = (char *)from;
  f.list_size = list;
  f.weighted = weighted;
  f.locality = (char *)locality;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_FIGURES_SET;
  req.funds_figures_set = &f;
  its_expect(m, &req, PCN__STATUS_CODE__OK);
}

void its_funds_rate(its_member *m, uint32_t year, const char *stream, int basis,
                    int64_t cp) {
  Pcn__FundsRateSet r = PCN__FUNDS_RATE_SET__INIT;
  r.year = year;
  r.stream = (char *)stream;
  r.basis = basis;
  r.rate_cp = cp;
  r.note = "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_RATE_SET;
  req.funds_rate_set = &r;
  its_expect(m, &req, PCN__STATUS_CODE__OK);
}

uint64_t its_funds_receive(its_member *m, const char *stream, int64_t pence,
                           const char *date) {
  Pcn__FundsReceive r = PCN__FUNDS_RECEIVE__INIT;
  r.stream = (char *)stream;
  r.pence = pence;
  r.date = (char *)date;
  r.reference = "ICB remittance";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_RECEIVE;
  req.funds_receive = &r;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->funds_entry->id;
}

const Pcn__FundsEntry *its_funds_distribute(its_member *m, const char *stream,
                                            int64_t pence, const char *date,
                                            const char *to) {
  Pcn__FundsDistribute d = PCN__FUNDS_DISTRIBUTE__INIT;
  Pcn__FundsPart part = PCN__FUNDS_PART__INIT, *pp[1] = {&part};
  d.stream = (char *)stream;
  d.pence = pence;
  d.date = (char *)date;
  d.reference = "monthly";
  if (to) {
    d.split = PCN__FUNDS_SPLIT__FUNDS_SPLIT_FIXED;
    part.practice = (char *)to;
    part.pence = pence;
    d.parts = pp;
    d.n_parts = 1;
  } else {
    d.split = PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE;
  }
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_DISTRIBUTE;
  req.funds_distribute = &d;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->funds_entry;
}

void its_funds_expense(its_member *m, const char *stream, int64_t pence,
                       const char *date) {
  Pcn__FundsExpense e = PCN__FUNDS_EXPENSE__INIT;
  e.stream = (char *)stream;
  e.pence = pence;
  e.date = (char *)date;
  e.payee = "Pat Jones (project manager)";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_EXPENSE;
  req.funds_expense = &e;
  its_expect(m, &req, PCN__STATUS_CODE__OK);
}

const Pcn__FundsEntry *its_funds_reverse(its_member *m, uint64_t id,
                                         const char *date) {
  Pcn__FundsReverse r = PCN__FUNDS_REVERSE__INIT;
  r.entry = id;
  r.date = (char *)date;
  r.note = "paid in error";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_REVERSE;
  req.funds_reverse = &r;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->funds_entry;
}

void its_backfill_rate(its_member *m, const char *role, int64_t pph) {
  Pcn__FundsBackfillRateSet r = PCN__FUNDS_BACKFILL_RATE_SET__INIT;
  r.role = (char *)role;
  r.pence_per_hour = pph;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_BACKFILL_RATE_SET;
  req.funds_backfill_rate_set = &r;
  its_expect(m, &req, PCN__STATUS_CODE__OK);
}

uint64_t its_board_meeting(its_member *m, int32_t day) {
  Pcn__MeetingCreate c = PCN__MEETING_CREATE__INIT;
  c.title = "Network board";
  c.starts_at = (int64_t)day * 86400000LL + 13 * 3600000LL;
  c.ends_at = c.starts_at + 2 * 3600000LL;
  c.place = "Riverside";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEETING_CREATE;
  req.meeting_create = &c;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->meeting->id;
}

void its_attend(its_member *m, uint64_t meeting, const char *user,
                uint32_t minutes) {
  Pcn__MeetingAttend a = PCN__MEETING_ATTEND__INIT;
  char *users[] = {(char *)user};
  a.id = meeting;
  a.usernames = users;
  a.n_usernames = 1;
  a.minutes = minutes;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEETING_ATTEND;
  req.meeting_attend = &a;
  its_expect(m, &req, PCN__STATUS_CODE__OK);
}

int64_t its_backfill_paid(its_member *who, its_member *mgr, uint64_t meeting,
                          const char *user, const char *role,
                          const char *date) {
  Pcn__FundsClaimCreate c = PCN__FUNDS_CLAIM_CREATE__INIT;
  c.meeting_id = meeting;
  c.username = (char *)user;
  c.role = (char *)role;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_CLAIM_CREATE;
  req.funds_claim_create = &c;
  const Pcn__FundsClaim *cl =
      its_expect(who, &req, PCN__STATUS_CODE__OK)->funds_claim;
  assert_int_equal(cl->state, PCN__FUNDS_CLAIM_STATE__CLAIM_PENDING);
  Pcn__FundsClaimDecide d = PCN__FUNDS_CLAIM_DECIDE__INIT;
  d.id = cl->id;
  d.version = cl->version;
  d.approve = 1;
  d.stream = "core";
  d.date = (char *)date;
  d.reason = "";
  Pcn__Request req2 = PCN__REQUEST__INIT;
  req2.body_case = PCN__REQUEST__BODY_FUNDS_CLAIM_DECIDE;
  req2.funds_claim_decide = &d;
  const Pcn__FundsClaim *ok =
      its_expect(mgr, &req2, PCN__STATUS_CODE__OK)->funds_claim;
  assert_int_equal(ok->state, PCN__FUNDS_CLAIM_STATE__CLAIM_APPROVED);
  assert_true(ok->entry > 0);
  return ok->pence;
}

const Pcn__Response *its_arrs_claim(its_member *m, const char *month,
                                    int64_t pence, int want) {
  Pcn__FundsArrsClaim c = PCN__FUNDS_ARRS_CLAIM__INIT;
  c.month = (char *)month;
  c.pence = pence;
  c.reference = "ARRS portal";
  c.note = "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_ARRS_CLAIM;
  req.funds_arrs_claim = &c;
  return its_expect(m, &req, want);
}

Pcn__FundsStatementPage *its_statement(its_member *m, const char *month) {
  Pcn__FundsStatement st = PCN__FUNDS_STATEMENT__INIT;
  st.month = (char *)month;
  st.practice = "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_STATEMENT;
  req.funds_statement = &st;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->funds_statement_page;
}

const Pcn__FundsStatementRow *
its_statement_row(const Pcn__FundsStatementPage *pg, const char *practice,
                  const char *stream) {
  for (size_t i = 0; i < pg->n_rows; i++)
    if (!strcmp(pg->rows[i]->practice, practice) &&
        !strcmp(pg->rows[i]->stream, stream))
      return pg->rows[i];
  return NULL;
}

void its_statement_rows_add_up(const Pcn__FundsStatementPage *pg) {
  int64_t dist = 0, claim = 0, net = 0;
  for (size_t r = 0; r < pg->n_rows; r++) {
    const Pcn__FundsStatementRow *x = pg->rows[r];
    if (x->practice[0]) {
      dist += x->distributed;
      claim += x->claimed;
    } else {
      net += x->balance;
    }
  }
  assert_int_equal(dist, pg->distributed);
  assert_int_equal(claim, pg->claimed);
  assert_int_equal(net, pg->held);
}
