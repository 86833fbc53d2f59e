/* it_hostile.c - bad input gets a clear error and loses nothing: every
 * kind of hostile or broken client named in the foundation issue, each
 * against a live server that must keep serving everyone else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <openssl/ssl.h>

#include "itest.h"
#include "pki.h"

typedef its_world world;

static int setup(void **state) {
  world *w = calloc(1, sizeof *w);
  w->s = its_start("--max-conns 40 --max-frame 65536");
  w->mgr = its_manager(w->s);
  its_add_practice(w->mgr, "F84001", "Riverside", 1000);
  *state = w;
  return 0;
}

/* The server still answers a well-behaved client. */
static void assert_alive(world *w) {
  Pcn__WhoAmI who = PCN__WHO_AM_I__INIT;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_WHOAMI;
  r.whoami = &who;
  its_expect(w->mgr, &r, PCN__STATUS_CODE__OK);
}

static void raw_login(world *w, its_raw *raw) {
  its_raw_resume(raw, 2, w->mgr->token);
  assert_int_equal(its_raw_answer(raw, 2, 5000, NULL), PCN__STATUS_CODE__OK);
}

static void test_zero_length_frame(void **state) {
  world *w = *state;
  its_raw *raw = its_raw_hello(w->s);
  uint8_t zero[4] = {0, 0, 0, 0};
  its_raw_write(raw, zero, 4);
  its_answer a;
  assert_int_equal(its_raw_answer(raw, 0, 5000, &a),
                   PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_non_null(strstr(a.msg, "length 0"));
  assert_true(its_raw_closed(raw, 10, 3000));
  its_raw_close(raw);
  assert_alive(w);
}

static void test_huge_length_frame(void **state) {
  world *w = *state;
  its_raw *raw = its_raw_hello(w->s);
  uint8_t huge[4] = {0xff, 0xff, 0xff, 0xff};
  its_raw_write(raw, huge, 4);
  its_answer a;
  assert_int_equal(its_raw_answer(raw, 0, 5000, &a),
                   PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_non_null(strstr(a.msg, "limit"));
  assert_true(its_raw_closed(raw, 10, 3000));
  its_raw_close(raw);
  assert_alive(w);
}

static void test_not_protobuf(void **state) {
  world *w = *state;
  its_raw *raw = its_raw_hello(w->s);
  uint8_t junk[] = {0, 0, 0, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  its_raw_write(raw, junk, sizeof junk);
  assert_int_equal(its_raw_answer(raw, 0, 5000, NULL),
                   PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_true(its_raw_closed(raw, 10, 3000));
  its_raw_close(raw);
  assert_alive(w);
}

static void test_before_hello(void **state) {
  world *w = *state;
  its_raw *raw = its_raw_connect(w->s);
  assert_non_null(raw);
  Pcn__WhoAmI who = PCN__WHO_AM_I__INIT;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_WHOAMI;
  r.whoami = &who;
  its_raw_send(raw, 9, &r);
  assert_int_equal(its_raw_answer(raw, 9, 5000, NULL),
                   PCN__STATUS_CODE__FAILED_PRECONDITION);
  assert_true(its_raw_closed(raw, 10, 3000));
  its_raw_close(raw);

  raw = its_raw_connect(w->s);
  its_raw_send_hello(raw, 99);
  its_answer a;
  assert_int_equal(its_raw_answer(raw, 1, 5000, &a),
                   PCN__STATUS_CODE__FAILED_PRECONDITION);
  assert_non_null(strstr(a.msg, "protocol version"));
  its_raw_close(raw);
  assert_alive(w);
}

static void test_before_login(void **state) {
  world *w = *state;
  its_raw *raw = its_raw_hello(w->s);
  Pcn__TaskCreate t = PCN__TASK_CREATE__INIT;
  t.title = "sneaky";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_TASK_CREATE;
  r.task_create = &t;
  its_raw_send(raw, 5, &r);
  assert_int_equal(its_raw_answer(raw, 5, 5000, NULL),
                   PCN__STATUS_CODE__UNAUTHENTICATED);
  /* A bad session token is refused the same way. */
  Pcn__Resume rs = PCN__RESUME__INIT;
  rs.token = "0000000000000000000000000000000000000000000000000000000000000000";
  Pcn__Request rr = PCN__REQUEST__INIT;
  rr.body_case = PCN__REQUEST__BODY_RESUME;
  rr.resume = &rs;
  its_raw_send(raw, 6, &rr);
  assert_int_equal(its_raw_answer(raw, 6, 5000, NULL),
                   PCN__STATUS_CODE__UNAUTHENTICATED);
  its_raw_close(raw);
}

/* Invalid UTF-8, over-long strings, unknown enum values and unknown
 * request types each get an answer naming the problem, and the
 * connection goes on. */
static void test_bad_fields(void **state) {
  world *w = *state;
  its_raw *raw = its_raw_hello(w->s);
  raw_login(w, raw);
  Pcn__TaskCreate t = PCN__TASK_CREATE__INIT;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_TASK_CREATE;
  r.task_create = &t;
  its_answer a;

  t.title = "bad \xC0\xAF utf8";
  its_raw_send(raw, 10, &r);
  assert_int_equal(its_raw_answer(raw, 10, 5000, &a),
                   PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_non_null(strstr(a.msg, "title"));

  char longt[5000];
  memset(longt, 'a', sizeof longt - 1);
  longt[sizeof longt - 1] = 0;
  t.title = longt;
  its_raw_send(raw, 11, &r);
  assert_int_equal(its_raw_answer(raw, 11, 5000, &a),
                   PCN__STATUS_CODE__INVALID_ARGUMENT);

  t.title = "fine";
  t.practice = "NOT-AN-ODS";
  its_raw_send(raw, 12, &r);
  assert_int_equal(its_raw_answer(raw, 12, 5000, &a),
                   PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_non_null(strstr(a.msg, "ODS"));

  Pcn__MemberInvite inv = PCN__MEMBER_INVITE__INIT;
  inv.username = "newbie";
  inv.display_name = "New";
  inv.role = (Pcn__Role)99;
  Pcn__Request ir = PCN__REQUEST__INIT;
  ir.body_case = PCN__REQUEST__BODY_MEMBER_INVITE;
  ir.member_invite = &inv;
  its_raw_send(raw, 13, &ir);
  assert_int_equal(its_raw_answer(raw, 13, 5000, &a),
                   PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_non_null(strstr(a.msg, "role"));

  /* Frame{id 14, request{field 99: 1}}: a request type from the future. */
  uint8_t future[] = {0, 0, 0, 7, 0x08, 14, 0x12, 3, 0x98, 0x06, 0x01};
  its_raw_write(raw, future, sizeof future);
  assert_int_equal(its_raw_answer(raw, 14, 5000, &a),
                   PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_non_null(strstr(a.msg, "request type"));

  /* Still fine on the same connection. */
  t.practice = "";
  its_raw_send(raw, 15, &r);
  assert_int_equal(its_raw_answer(raw, 15, 5000, NULL), PCN__STATUS_CODE__OK);
  its_raw_close(raw);
}

/* Past --max-conns, new connections are told to retry; others go on. */
static void test_connection_flood(void **state) {
  world *w = *state;
  its_raw *raws[60];
  int refused = 0, n = 0;
  for (int i = 0; i < 60; i++) {
    raws[i] = its_raw_connect(w->s);
    if (!raws[i]) continue;
    n++;
    its_raw_send_hello(raws[i], 1);
  }
  for (int i = 0; i < 60; i++) {
    if (!raws[i]) continue;
    int code = its_raw_answer(raws[i], 1, 5000, NULL);
    if (code == PCN__STATUS_CODE__RESOURCE_EXHAUSTED) refused++;
  }
  assert_true(refused > 0);
  assert_true(n - refused <= 40);
  for (int i = 0; i < 60; i++)
    its_raw_close(raws[i]);
  its_sleep_ms(300);
  assert_alive(w);
  its_member *again = its_login(w->s, "manager", ITEST_PASSWORD);
  its_member_free(again);
}

/* A client that pipelines requests and never reads its answers is paused
 * (the server stops reading it) instead of growing the server's memory. */
static void test_client_that_never_reads(void **state) {
  world *w = *state;
  its_raw *raw = its_raw_hello(w->s);
  raw_login(w, raw);
  Pcn__TaskList l = PCN__TASK_LIST__INIT;
  l.limit = 500;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_TASK_LIST;
  r.task_list = &l;
  for (int i = 0; i < 3000; i++)
    its_raw_send(raw, 100 + (uint64_t)i, &r);
  assert_alive(w);
  its_raw_close(raw);
  assert_alive(w);
}

/* A server whose certificate is not from the pinned CA is refused. */
static void test_wrong_ca(void **state) {
  world *w = *state;
  its_server *other = its_start("");
  pcn_client_config cfg = its_config(w->s, NULL);
  cfg.ca_pem = other->ca_pem; /* trust the other network's CA */
  char err[400];
  pcn_error_class cls;
  pcn_sync *c = pcn_sync_connect(&cfg, err, sizeof err, &cls);
  assert_null(c);
  assert_int_equal(cls, PCN_ERR_CONNECT);
  assert_non_null(strstr(err, "certificate"));
  its_free(other);
}

/* TLS 1.2 and older are refused. */
static void test_tls12_refused(void **state) {
  world *w = *state;
  char err[200];
  SSL_CTX *ctx = pcn_pki_client_ctx(w->s->ca_pem, err, sizeof err);
  assert_non_null(ctx);
  SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
  SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
  its_raw *probe = its_raw_connect(w->s); /* proves the port is live */
  assert_non_null(probe);
  its_raw_close(probe);
  /* Same connect path as its_raw, with the 1.2-only context. */
  SSL *ssl = SSL_new(ctx);
  int fd;
  {
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)w->s->port)};
    a.sin_addr.s_addr = htonl(0x7f000001);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
  }
  SSL_set_fd(ssl, fd);
  assert_int_not_equal(SSL_connect(ssl), 1);
  SSL_free(ssl);
  close(fd);
  SSL_CTX_free(ctx);
  assert_alive(w);
}

/* Writes pipelined past --max-inflight: the ones past it are refused at
 * once with a sentence, the others committed, nothing else stored, and
 * the connection goes on serving. All 40 go in one TLS write, so the
 * server reads them in one go, before any commit has come back. */
static void test_inflight_cap(void **state) {
  (void)state;
  world w = {.s = its_start("--max-inflight 2")};
  w.mgr = its_manager(w.s);
  its_raw *raw = its_raw_hello(w.s);
  raw_login(&w, raw);
  uint64_t head = its_head(w.mgr);
  Pcn__TaskCreate t = PCN__TASK_CREATE__INIT;
  t.title = "pipelined";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_TASK_CREATE;
  r.task_create = &t;
  uint8_t all[8192];
  size_t n = 0;
  for (uint64_t id = 10; id < 50; id++)
    n = its_frame_put(all, n, sizeof all, id, &r);
  assert_int_equal(its_raw_write(raw, all, n), 0);
  int ok = 0, refused = 0;
  char msg[300] = "";
  for (int i = 0; i < 40; i++) {
    int eof;
    Pcn__Frame *f = its_raw_read_frame(raw, 5000, &eof);
    assert_non_null(f);
    if (f->body_case != PCN__FRAME__BODY_RESPONSE || f->id < 10) {
      pcn__frame__free_unpacked(f, NULL);
      i--; /* a feed event or the like: not an answer */
      continue;
    }
    int code = (int)f->response->status->code;
    if (code == PCN__STATUS_CODE__OK) {
      ok++;
    } else {
      assert_int_equal(code, PCN__STATUS_CODE__RESOURCE_EXHAUSTED);
      snprintf(msg, sizeof msg, "%s", f->response->status->message);
      refused++;
    }
    pcn__frame__free_unpacked(f, NULL);
  }
  fprintf(stderr, "in flight: %d of 40 committed, %d refused\n", ok, refused);
  assert_true(ok >= 2);
  assert_true(refused >= 1);
  assert_non_null(strstr(msg, "in flight on this connection (limit 2)"));
  assert_int_equal(its_head(w.mgr), head + (uint64_t)ok);
  assert_alive(&w);
  its_raw_close(raw);
  its_member_free(w.mgr);
  assert_int_equal(its_verify(w.s), 0);
  its_free(w.s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_zero_length_frame),
      cmocka_unit_test(test_huge_length_frame),
      cmocka_unit_test(test_not_protobuf),
      cmocka_unit_test(test_before_hello),
      cmocka_unit_test(test_before_login),
      cmocka_unit_test(test_bad_fields),
      cmocka_unit_test(test_connection_flood),
      cmocka_unit_test(test_client_that_never_reads),
      cmocka_unit_test(test_wrong_ca),
      cmocka_unit_test(test_tls12_refused),
      cmocka_unit_test(test_inflight_cap),
  };
  return cmocka_run_group_tests(tests, setup, its_world_teardown);
}
