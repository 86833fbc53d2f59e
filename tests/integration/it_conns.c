/* it_conns.c - connection limits against a live pcnd: connections not
 * logged in are capped per address (so a flood from one address leaves
 * room for everyone else, and logged-in connections from it never count),
 * the refused are told when to retry, anonymous connections cannot stay
 * open by keeping requests in flight or queue password hashes, frames
 * before login are small, and --max-conns is fitted to the open-file
 * limit.
 *
 * Each test starts its own server with the limits it needs. Other
 * addresses are other 127.x.y.z sources (Linux routes 127/8 to lo).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

#define FLOOD 30

/* The first response that answers id or is about the connection (id 0),
 * into *a (if not NULL): its status code, plus 1000 when it is about the
 * connection; -1 on EOF or timeout. */
static int read_status(its_raw *raw, uint64_t id, its_answer *a) {
  its_answer spare;
  if (!a) a = &spare;
  int code = its_raw_answer(raw, id, 10000, a);
  if (code >= 0 && a->id == 0 && id != 0) code = 1000 + code;
  return code;
}

/* A connection from `from` that has had its Welcome, or NULL if the
 * server refused it; a refusal must say when to retry. */
static its_raw *hello_from(its_server *s, const char *from, its_answer *a) {
  its_answer spare;
  if (!a) a = &spare;
  its_raw *raw = its_raw_connect_from(s, from);
  assert_non_null(raw);
  its_raw_send_hello(raw, 1);
  int code = read_status(raw, 1, a);
  if (code == PCN__STATUS_CODE__OK) return raw;
  if (code != 1000 + PCN__STATUS_CODE__RESOURCE_EXHAUSTED)
    fail_msg("connection from %s: status %d, not OK or a busy refusal: %s",
             from, code, a->msg);
  assert_true(a->retry_after_ms > 0);
  assert_true(its_raw_closed(raw, 20, 5000));
  its_raw_close(raw);
  return NULL;
}

static void resume(its_raw *raw, const char *token, uint64_t id) {
  its_raw_resume(raw, id, token);
  assert_int_equal(read_status(raw, id, NULL), PCN__STATUS_CODE__OK);
}

static void send_login(its_raw *raw, uint64_t id, const char *user) {
  Pcn__Login l;
  Pcn__Request r = its_login_req(&l, user, "not the password at all");
  its_raw_send(raw, id, &r);
}

static void assert_alive(its_member *m) {
  Pcn__WhoAmI who = PCN__WHO_AM_I__INIT;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_WHOAMI;
  r.whoami = &who;
  its_expect(m, &r, PCN__STATUS_CODE__OK);
}

/* A flood of anonymous connections from one address takes only that
 * address's share: a real user elsewhere still logs in; the flood's extra
 * connections are told to retry; once its connections log in, they no
 * longer count, so a whole practice behind one address can connect. */
static void test_flood_from_one_address(void **state) {
  (void)state;
  its_server *s = its_start("--max-conns 12 --max-anon-per-addr 4");
  its_member *mgr = its_manager(s);
  its_raw *flood[FLOOD];
  its_answer a;
  int held = 0, refused = 0;
  for (int i = 0; i < FLOOD; i++) {
    flood[i] = hello_from(s, "127.0.0.2", &a);
    if (flood[i]) {
      held++;
    } else {
      refused++;
      assert_non_null(strstr(a.msg, "The server is busy; try again in"));
    }
  }
  assert_int_equal(held, 4);
  assert_int_equal(refused, FLOOD - 4);

  /* Everyone else is unaffected. */
  its_member *again = its_login(s, "manager", ITEST_PASSWORD);
  assert_alive(again);
  its_raw *other = hello_from(s, "127.0.0.3", &a);
  assert_non_null(other);

  /* The four log in: their address may open four more anonymous ones. */
  int k = 0;
  for (int i = 0; i < FLOOD; i++)
    if (flood[i]) resume(flood[i], mgr->token, 2);
  its_raw *more[5];
  for (k = 0; k < 4; k++) {
    more[k] = hello_from(s, "127.0.0.2", &a);
    assert_non_null(more[k]);
  }
  more[4] = hello_from(s, "127.0.0.2", &a);
  assert_null(more[4]);
  /* Closing one gives its place back. */
  its_raw_close(more[0]);
  more[0] = NULL;
  for (int tries = 0; tries < 50 && !more[0]; tries++) {
    more[0] = hello_from(s, "127.0.0.2", &a);
    if (!more[0]) its_sleep_ms(100); /* the server has yet to see the close */
  }
  assert_non_null(more[0]);

  for (k = 0; k < 4; k++)
    its_raw_close(more[k]);
  for (int i = 0; i < FLOOD; i++)
    its_raw_close(flood[i]);
  its_raw_close(other);
  assert_alive(mgr);
  its_member_free(again);
  its_member_free(mgr);
  assert_int_equal(its_verify(s), 0);
  its_free(s);
}

typedef struct retry_seen {
  int reconnecting;
  uint64_t retry_in;
  char detail[400];
} retry_seen;

static void on_state(pcn_client *c, pcn_client_state st, const char *detail,
                     void *ud) {
  retry_seen *r = ud;
  if (st != PCN_CLIENT_RECONNECTING || r->reconnecting) return;
  r->reconnecting = 1;
  r->retry_in = pcn_client_retry_in(c);
  snprintf(r->detail, sizeof r->detail, "%s", detail);
}

static int reconnecting(void *ud) {
  return ((retry_seen *)ud)->reconnecting;
}

/* libpcnclient shows the refusal as the server's sentence (what pcn
 * prints), not as a lost connection, and waits as long as it is told
 * before reconnecting. */
static void test_client_told_to_retry(void **state) {
  (void)state;
  its_server *s = its_start("--max-anon-per-addr 2");
  its_raw *hold[2];
  for (int i = 0; i < 2; i++) {
    hold[i] = hello_from(s, "127.0.0.1", NULL);
    assert_non_null(hold[i]);
  }
  pcn_client_config cfg = its_config(s, NULL);
  char err[400];
  pcn_error_class cls;
  pcn_sync *c = pcn_sync_connect(&cfg, err, sizeof err, &cls);
  assert_null(c);
  printf("refused, as it should be: %s\n", err);
  assert_non_null(strstr(err, "The server is busy; try again in 5 seconds"));
  assert_int_equal(cls, PCN_ERR_CONNECT);

  uv_loop_t loop;
  assert_int_equal(uv_loop_init(&loop), 0);
  cfg.auto_reconnect = 1;
  pcn_client *cl = pcn_client_new(&loop, &cfg);
  assert_non_null(cl);
  retry_seen seen = {0};
  pcn_client_on_state(cl, on_state, &seen);
  pcn_client_connect(cl);
  assert_true(its_wait(&loop, reconnecting, &seen, 20000));
  assert_non_null(strstr(seen.detail, "The server is busy"));
  assert_true(seen.retry_in >= 5000); /* its own backoff starts at 250 ms */
  pcn_client_close(cl);
  while (uv_run(&loop, UV_RUN_NOWAIT)) {
  }
  assert_int_equal(uv_loop_close(&loop), 0);

  for (int i = 0; i < 2; i++)
    its_raw_close(hold[i]);
  its_free(s);
}

/* A TaskCreate frame whose title alone is 100 KB, written a TLS record's
 * worth at a time (the client context allows partial writes). The writes
 * may stop part way: a server that refuses the frame from its length
 * prefix closes. */
static void send_big_task(its_raw *raw, uint64_t id) {
  char *title = malloc(100001);
  memset(title, 'x', 100000);
  title[100000] = 0;
  Pcn__TaskCreate t = PCN__TASK_CREATE__INIT;
  t.title = title;
  t.practice = "";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_TASK_CREATE;
  r.task_create = &t;
  size_t n;
  uint8_t *buf = its_frame(id, &r, &n);
  for (size_t off = 0; off < n; off += 16384) {
    size_t k = n - off < 16384 ? n - off : 16384;
    if (its_raw_write(raw, buf + off, k) != 0) break;
  }
  free(buf);
  free(title);
}

/* Not logged in, one login at a time: pipelined logins are not queued
 * for hashing. And a frame before login is at most 64 KiB, refused as
 * soon as its length prefix says more; logged in, the same frame is read
 * and answered. */
static void test_anonymous_requests_bounded(void **state) {
  (void)state;
  its_server *s = its_start("");
  its_member *mgr = its_manager(s);
  its_raw *raw = hello_from(s, "127.0.0.4", NULL);
  assert_non_null(raw);
  enum { N = 10 };
  /* In one write, so the server reads them all while the first is being
   * hashed (sent one by one, the first could be answered before the
   * second arrived on an idle machine, and then the second was hashed). */
  static uint8_t logins[N * 256];
  size_t at = 0;
  for (uint64_t i = 0; i < N; i++) {
    Pcn__Login l;
    Pcn__Request r = its_login_req(&l, "nobody", "not the password at all");
    at = its_frame_put(logins, at, sizeof logins, 10 + i, &r);
  }
  assert_int_equal(its_raw_write(raw, logins, at), 0);
  int checked = 0, busy = 0;
  for (int i = 0; i < N; i++) {
    int eof;
    Pcn__Frame *f = its_raw_read_frame(raw, 10000, &eof);
    assert_non_null(f);
    assert_int_equal(f->body_case, PCN__FRAME__BODY_RESPONSE);
    assert_true(f->id >= 10 && f->id < 10 + N);
    int code = (int)f->response->status->code;
    if (code == PCN__STATUS_CODE__UNAUTHENTICATED)
      checked++;
    else if (code == PCN__STATUS_CODE__RESOURCE_EXHAUSTED)
      busy++;
    pcn__frame__free_unpacked(f, NULL);
  }
  assert_int_equal(checked, 1);
  assert_int_equal(busy, N - 1);

  its_answer a;
  send_big_task(raw, 30);
  assert_int_equal(read_status(raw, 30, &a),
                   1000 + PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_non_null(strstr(a.msg, "before logging in"));
  assert_true(its_raw_closed(raw, 20, 5000));
  its_raw_close(raw);

  raw = hello_from(s, "127.0.0.4", NULL);
  assert_non_null(raw);
  resume(raw, mgr->token, 2);
  send_big_task(raw, 31);
  /* Answered as a request (the title is too long), not cut as a frame. */
  assert_int_equal(read_status(raw, 31, &a),
                   PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_raw_close(raw);
  assert_alive(mgr);
  its_member_free(mgr);
  its_free(s);
}

/* A connection that never logs in is closed even while it keeps a login
 * being checked: at the handshake timeout, or twice it for a login in
 * flight. With slow hashes, it gets through only a few logins; before
 * the bound it stayed until the address's failed-login backoff (20). */
static void test_anonymous_inflight_bounded(void **state) {
  (void)state;
  its_server *s = its_start("--handshake-timeout 1 --argon2-time 16");
  its_raw *raw = hello_from(s, "127.0.0.5", NULL);
  assert_non_null(raw);
  int answered = 0, closed_code = -1;
  its_answer a;
  for (uint64_t id = 10; id < 60 && closed_code < 0; id++) {
    char user[32];
    snprintf(user, sizeof user, "nobody%d", (int)id); /* no user backoff */
    send_login(raw, id, user);
    int code = read_status(raw, id, &a);
    if (code == PCN__STATUS_CODE__UNAUTHENTICATED)
      answered++;
    else
      closed_code = code;
  }
  printf("closed after %d logins: %s\n", answered, a.msg);
  assert_int_equal(closed_code, 1000 + PCN__STATUS_CODE__UNAUTHENTICATED);
  assert_non_null(strstr(a.msg, "Not logged in"));
  assert_true(answered < 20);
  its_raw_close(raw);
  its_free(s);
}

/* Under an open-file limit of 64, --max-conns 1000 cannot be kept: pcnd
 * says so and serves what fits, and the connections past it are told to
 * retry (not dropped without a word) while it keeps serving. */
static void test_open_file_limit(void **state) {
  (void)state;
  its_server *s = its_start("");
  its_stop(s);
  s->nofile = 64;
  snprintf(s->stderr_path, sizeof s->stderr_path, "%s.err", s->dir);
  snprintf(s->extra, sizeof s->extra,
           "--max-conns 1000 --max-anon-per-addr 1000 --handshake-timeout 300");
  its_run(s);
  FILE *f = fopen(s->stderr_path, "r");
  assert_non_null(f);
  char line[1024], *warn = NULL;
  unsigned fits = 0;
  while (!warn && fgets(line, sizeof line, f))
    if ((warn = strstr(line, "client connections, not --max-conns 1000")))
      assert_int_equal(
          sscanf(line, "pcnd: The open-file limit of 64 fits %u", &fits), 1);
  fclose(f);
  assert_non_null(warn);
  printf("%s", line);
  assert_true(fits >= 1 && fits < 64);

  its_member *mgr = its_manager(s); /* one of them */
  its_raw *held[64];
  unsigned n = 0;
  its_answer a;
  char want[80];
  snprintf(want, sizeof want, "limit of %u connections", fits);
  while (n < 64) {
    held[n] = hello_from(s, "127.0.0.6", &a);
    if (!held[n]) break;
    n++;
  }
  assert_int_equal(n + 1, fits);
  assert_non_null(strstr(a.msg, want));
  /* Every one past the limit is told, however many come. */
  for (int i = 0; i < 70; i++) {
    assert_null(hello_from(s, "127.0.0.6", &a));
    assert_non_null(strstr(a.msg, "The server is busy; try again in"));
    assert_non_null(strstr(a.msg, want));
  }
  assert_alive(mgr);
  /* A closed connection's place is taken by the next. */
  its_raw_close(held[--n]);
  its_raw *again = NULL;
  for (int tries = 0; tries < 50 && !again; tries++) {
    again = hello_from(s, "127.0.0.6", &a);
    if (!again) its_sleep_ms(100); /* the server has yet to see the close */
  }
  assert_non_null(again);
  its_raw_close(again);
  while (n > 0)
    its_raw_close(held[--n]);
  its_member_free(mgr);
  its_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_flood_from_one_address),
      cmocka_unit_test(test_client_told_to_retry),
      cmocka_unit_test(test_anonymous_requests_bounded),
      cmocka_unit_test(test_anonymous_inflight_bounded),
      cmocka_unit_test(test_open_file_limit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
