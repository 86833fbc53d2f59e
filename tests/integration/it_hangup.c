/* it_hangup.c - no client, logged in or not, can stop pcnd by hanging up,
 * and none can hold a connection by sending half a frame or by staying
 * anonymous.
 *
 * A client that closes its socket while the server still has bytes to send
 * it makes the server's next write fail with EPIPE, which raises SIGPIPE;
 * pcnd must ignore it and close only that connection. The harness starts
 * pcnd with SIGPIPE at its default, as a shell would (itest.c), so a pcnd
 * that forgot would die here. Each phase of a connection is tried: TCP
 * only, mid-TLS-handshake, after Hello with replies pending, logged in
 * with a replay and live events pending, and mid-frame. After each, the
 * same pcnd process must still be running and serving.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
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
  /* Short timeouts, so the slot-holding cases close within the test. */
  w->s = its_start("--handshake-timeout 3 --frame-timeout 2");
  w->mgr = its_manager(w->s);
  its_add_practice(w->mgr, "F84001", "Riverside", 1000);
  /* Some history, so a replay has plenty to send. */
  for (int i = 0; i < 150; i++) {
    char title[64];
    snprintf(title, sizeof title, "Task %d with a title long enough", i);
    its_task(w->mgr, title, "", NULL, NULL);
  }
  *state = w;
  return 0;
}

/* The same pcnd process is still running (it did not die of SIGPIPE). */
static void assert_running(world *w) {
  int st;
  pid_t r = waitpid(w->s->pid, &st, WNOHANG);
  if (r == w->s->pid) {
    if (WIFSIGNALED(st))
      fail_msg("pcnd died of signal %d (%s)", WTERMSIG(st),
               strsignal(WTERMSIG(st)));
    fail_msg("pcnd exited with status %d", WEXITSTATUS(st));
  }
  assert_int_equal(r, 0);
}

/* A new client gets answers from the same process. The reset of a closed
 * socket reaches the server a moment after the close, so the check that
 * it lives comes after a round trip. */
static void assert_serving(world *w) {
  assert_running(w);
  its_member *again = its_login(w->s, "manager", ITEST_PASSWORD);
  Pcn__WhoAmI who = PCN__WHO_AM_I__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_WHOAMI;
  req.whoami = &who;
  its_expect(again, &req, PCN__STATUS_CODE__OK);
  its_member_free(again);
  assert_running(w);
}

static int tcp_connect(world *w) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(fd >= 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(w->s->port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
  return fd;
}

/* Closes with a reset instead of a FIN: the server's next write fails at
 * once. */
static void reset_close(int fd) {
  struct linger l = {.l_onoff = 1, .l_linger = 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}

/* Appends Hello and then n WhoAmI frames to buf. */
static size_t hello_and_whoamis(uint8_t *out, size_t cap, int n) {
  Pcn__Hello h = PCN__HELLO__INIT;
  h.protocol_version = 1;
  h.client_name = "hangup";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_HELLO;
  r.hello = &h;
  size_t used = its_frame_put(out, 0, cap, 1, &r);
  for (int i = 0; i < n; i++) {
    Pcn__WhoAmI who = PCN__WHO_AM_I__INIT;
    Pcn__Request q = PCN__REQUEST__INIT;
    q.body_case = PCN__REQUEST__BODY_WHOAMI;
    q.whoami = &who;
    used = its_frame_put(out, used, cap, 2 + (uint64_t)i, &q);
  }
  return used;
}

/* TCP connections that close before, or in the middle of, the TLS
 * handshake: at once, after a few bytes of garbage, and with a reset. */
static void test_hangup_before_tls(void **state) {
  world *w = *state;
  assert_running(w);
  for (int i = 0; i < 20; i++) {
    int fd = tcp_connect(w);
    if (i % 3 == 1) {
      static const uint8_t junk[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01};
      assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
    }
    if (i % 2)
      reset_close(fd);
    else
      close(fd);
  }
  assert_serving(w);
}

/* The ClientHello is sent, and the client goes while the server answers
 * with its certificate. */
static void test_hangup_mid_handshake(void **state) {
  world *w = *state;
  assert_running(w);
  char err[200];
  SSL_CTX *ctx = pcn_pki_client_ctx(w->s->ca_pem, err, sizeof err);
  assert_non_null(ctx);
  for (int i = 0; i < 20; i++) {
    int fd = tcp_connect(w);
    /* The ClientHello through memory BIOs, so it is sent and nothing
     * more. */
    SSL *ssl = SSL_new(ctx);
    BIO *rb = BIO_new(BIO_s_mem()), *wb = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl, rb, wb);
    int rc = SSL_connect(ssl);
    assert_int_equal(SSL_get_error(ssl, rc), SSL_ERROR_WANT_READ);
    char *hello;
    long len = BIO_get_mem_data(wb, &hello);
    assert_true(len > 0);
    assert_int_equal(write(fd, hello, (size_t)len), len);
    if (i % 2) {
      /* Give the server time to answer into a socket about to reset. */
      struct pollfd pf = {.fd = fd, .events = POLLIN};
      poll(&pf, 1, 1000);
    }
    SSL_free(ssl);
    reset_close(fd);
  }
  SSL_CTX_free(ctx);
  assert_serving(w);
}

/* The outside probe's repro: Hello and five WhoAmI in one write, then
 * close at once without reading a reply; thirty times. */
static void test_hangup_after_hello(void **state) {
  world *w = *state;
  assert_running(w);
  uint8_t buf[4096];
  size_t n = hello_and_whoamis(buf, sizeof buf, 5);
  for (int i = 0; i < 30; i++) {
    its_raw *raw = its_raw_connect(w->s);
    assert_non_null(raw);
    assert_int_equal(its_raw_write(raw, buf, n), 0);
    its_raw_hangup(raw, i % 2);
  }
  assert_serving(w);
}

/* Logged in and subscribed from the start of the feed, so the server has
 * a replay to send, while another member writes: the client hangs up with
 * all of it pending. */
static void test_hangup_with_feed_pending(void **state) {
  world *w = *state;
  assert_running(w);
  for (int i = 0; i < 10; i++) {
    its_raw *raw = its_raw_connect(w->s);
    assert_non_null(raw);
    uint8_t buf[4096];
    size_t n = hello_and_whoamis(buf, sizeof buf, 0);
    assert_int_equal(its_raw_write(raw, buf, n), 0);
    its_raw_resume(raw, 2, w->mgr->token);
    Pcn__Subscribe sub = PCN__SUBSCRIBE__INIT;
    sub.since_seq = 0;
    Pcn__Request sr = PCN__REQUEST__INIT;
    sr.body_case = PCN__REQUEST__BODY_SUBSCRIBE;
    sr.subscribe = &sub;
    its_raw_send(raw, 3, &sr);
    /* Read a little, so the replay is under way, then write more. */
    int eof;
    for (int k = 0; k < 3; k++) {
      Pcn__Frame *f = its_raw_read_frame(raw, 5000, &eof);
      assert_non_null(f);
      pcn__frame__free_unpacked(f, NULL);
    }
    char title[64];
    snprintf(title, sizeof title, "Written while %d hangs up", i);
    its_task(w->mgr, title, "", NULL, NULL);
    its_raw_hangup(raw, i % 2);
    its_task(w->mgr, "Written after the hang-up", "", NULL, NULL);
  }
  assert_serving(w);
}

/* Half a frame, then gone; and a frame's length with no body. */
static void test_hangup_mid_frame(void **state) {
  world *w = *state;
  assert_running(w);
  uint8_t buf[4096];
  size_t n = hello_and_whoamis(buf, sizeof buf, 1);
  for (int i = 0; i < 10; i++) {
    its_raw *raw = its_raw_connect(w->s);
    assert_non_null(raw);
    /* Hello, and the WhoAmI cut short: only its first bytes. */
    size_t cut = n - 3;
    assert_int_equal(its_raw_write(raw, buf, cut), 0);
    its_raw_hangup(raw, i % 2);
  }
  assert_serving(w);
}

/* A frame that has begun must finish within the frame timeout (2 s here),
 * long before the idle timeout (300 s): even for a logged-in member. */
static void test_unfinished_frame_closed(void **state) {
  world *w = *state;
  assert_running(w);
  its_raw *raw = its_raw_connect(w->s);
  assert_non_null(raw);
  uint8_t buf[4096];
  size_t n = hello_and_whoamis(buf, sizeof buf, 0);
  assert_int_equal(its_raw_write(raw, buf, n), 0);
  its_raw_resume(raw, 2, w->mgr->token);
  int eof;
  for (int got = 0; got < 2;) { /* Welcome and the Resume's answer */
    Pcn__Frame *f = its_raw_read_frame(raw, 5000, &eof);
    assert_non_null(f);
    if (f->body_case == PCN__FRAME__BODY_RESPONSE) got++;
    pcn__frame__free_unpacked(f, NULL);
  }
  static const uint8_t begun[] = {0, 0, 0, 40, 0x08, 0x07};
  assert_int_equal(its_raw_write(raw, begun, sizeof begun), 0);
  time_t t0 = time(NULL);
  int code = -1;
  char msg[300] = "";
  for (;;) {
    Pcn__Frame *f = its_raw_read_frame(raw, 8000, &eof);
    if (!f) break;
    if (f->body_case == PCN__FRAME__BODY_RESPONSE && f->id == 0) {
      code = (int)f->response->status->code;
      snprintf(msg, sizeof msg, "%s", f->response->status->message);
    }
    pcn__frame__free_unpacked(f, NULL);
  }
  assert_true(eof);
  assert_true(time(NULL) - t0 <= 6);
  assert_int_equal(code, PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_non_null(strstr(msg, "did not arrive whole"));
  its_raw_close(raw);
  assert_serving(w);
}

/* Until it logs in, a connection has the handshake timeout (3 s here)
 * from its connect, whatever it sends: Pings do not keep it alive. A
 * logged-in connection made at the same time is not touched. */
static void test_anonymous_closed_at_handshake_timeout(void **state) {
  world *w = *state;
  assert_running(w);
  its_raw *anon = its_raw_connect(w->s);
  its_raw *member = its_raw_connect(w->s);
  assert_non_null(anon);
  assert_non_null(member);
  uint8_t buf[4096];
  size_t n = hello_and_whoamis(buf, sizeof buf, 0);
  assert_int_equal(its_raw_write(anon, buf, n), 0);
  assert_int_equal(its_raw_write(member, buf, n), 0);
  its_raw_resume(member, 2, w->mgr->token);
  time_t t0 = time(NULL);
  int code = -1, eof = 0;
  for (uint64_t id = 10; time(NULL) - t0 < 10; id++) {
    Pcn__Ping p = PCN__PING__INIT;
    Pcn__Request pr = PCN__REQUEST__INIT;
    pr.body_case = PCN__REQUEST__BODY_PING;
    pr.ping = &p;
    its_raw_send_nocheck(anon, id, &pr);
    Pcn__Frame *f = its_raw_read_frame(anon, 700, &eof);
    if (f) {
      if (f->body_case == PCN__FRAME__BODY_RESPONSE && f->id == 0)
        code = (int)f->response->status->code;
      pcn__frame__free_unpacked(f, NULL);
    }
    if (eof) break;
  }
  assert_true(eof);
  assert_int_equal(code, PCN__STATUS_CODE__UNAUTHENTICATED);
  assert_true(time(NULL) - t0 >= 2);
  its_raw_close(anon);
  /* The member's connection, as old, still answers. */
  Pcn__WhoAmI who = PCN__WHO_AM_I__INIT;
  Pcn__Request q = PCN__REQUEST__INIT;
  q.body_case = PCN__REQUEST__BODY_WHOAMI;
  q.whoami = &who;
  its_raw_send(member, 99, &q);
  int answered = 0;
  for (int k = 0; k < 10 && !answered; k++) {
    Pcn__Frame *f = its_raw_read_frame(member, 5000, &eof);
    if (!f) break;
    if (f->body_case == PCN__FRAME__BODY_RESPONSE && f->id == 99) {
      assert_int_equal(f->response->status->code, PCN__STATUS_CODE__OK);
      answered = 1;
    }
    pcn__frame__free_unpacked(f, NULL);
  }
  assert_true(answered);
  its_raw_close(member);
  assert_serving(w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hangup_before_tls),
      cmocka_unit_test(test_hangup_mid_handshake),
      cmocka_unit_test(test_hangup_after_hello),
      cmocka_unit_test(test_hangup_with_feed_pending),
      cmocka_unit_test(test_hangup_mid_frame),
      cmocka_unit_test(test_unfinished_frame_closed),
      cmocka_unit_test(test_anonymous_closed_at_handshake_timeout),
  };
  return cmocka_run_group_tests(tests, setup, its_world_teardown);
}
