/* it_certs.c - the certificate's lifecycle against a real pcnd: `pcnd cert
 * renew` and SIGHUP give new connections a new certificate while open
 * ones carry on; a file that does not load keeps the old certificate and
 * tells the PCN managers; the expiry notices (60, 30, 7 days, expired)
 * come once per threshold, across a restart, for the server certificate
 * and the network CA.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <openssl/ssl.h>

#include "certs.h"
#include "itest.h"
#include "pki.h"

#define DAY_MS (24LL * 3600 * 1000)

/* The serial of the certificate a new connection is served, after a
 * handshake that verifies it against the network CA (as clients do). */
static void served_serial(its_server *s, char out[64]) {
  char err[200];
  certs_info info;
  SSL_CTX *ctx = pcn_pki_client_ctx(s->ca_pem, err, sizeof err);
  assert_non_null(ctx);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(s->port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
  SSL *ssl = SSL_new(ctx);
  assert_int_equal(pcn_pki_client_set_host(ssl, "127.0.0.1"), 0);
  SSL_set_fd(ssl, fd);
  assert_int_equal(SSL_connect(ssl), 1);
  X509 *peer = SSL_get1_peer_certificate(ssl);
  assert_non_null(peer);
  assert_int_equal(certs_info_of(peer, &info), 0);
  snprintf(out, 64, "%s", info.serial);
  X509_free(peer);
  SSL_free(ssl);
  close(fd);
  SSL_CTX_free(ctx);
}

static void file_serial(its_server *s, char out[64]) {
  char path[300], err[300];
  certs_info info;
  snprintf(path, sizeof path, "%s/server.pem", s->dir);
  assert_int_equal(certs_chain_info(path, &info, NULL, NULL, err, sizeof err),
                   0);
  snprintf(out, 64, "%s", info.serial);
}

static int pcnd_cert(its_server *s, const char *args) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "%s cert %s --data '%s' >/dev/null", PCND_PATH,
           args, s->dir);
  int rc = system(cmd);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

/* Waits, bounded, until new connections are served serial `want`. */
static void wait_served(its_server *s, const char *want) {
  char got[64] = "";
  for (int i = 0; i < 500; i++) {
    served_serial(s, got);
    if (!strcmp(got, want)) return;
    its_sleep_ms(20);
  }
  fail_msg("pcnd still serves %s, not the renewed %s", got, want);
}

/* ServerNotices of kind since seq `since`, as mgr sees them; the last one
 * into *last (a copy of its message, severity) when not NULL. */
static size_t notices(its_server *s, its_member *mgr, uint64_t since,
                      const char *kind, char *last, size_t lastlen,
                      int *severity) {
  its_events *e = its_seen(s, mgr, mgr, since);
  size_t n = 0;
  for (size_t i = 0; i < e->n; i++) {
    const Pcn__Event *ev = e->ev[i];
    if (ev->record_case != PCN__EVENT__RECORD_SERVER_NOTICE ||
        strcmp(ev->server_notice->kind, kind))
      continue;
    n++;
    if (last) snprintf(last, lastlen, "%s", ev->server_notice->message);
    if (severity) *severity = ev->server_notice->severity;
  }
  its_events_free(e);
  return n;
}

static void whoami_raw(its_raw *raw, uint64_t id) {
  Pcn__WhoAmI who = PCN__WHO_AM_I__INIT;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_WHOAMI;
  r.whoami = &who;
  its_raw_send(raw, id, &r);
  for (;;) {
    int eof = 0;
    Pcn__Frame *f = its_raw_read_frame(raw, 5000, &eof);
    assert_non_null(f); /* NULL: the server dropped the connection */
    int done = f->body_case == PCN__FRAME__BODY_RESPONSE && f->id == id;
    if (done) assert_int_equal(f->response->status->code, PCN__STATUS_CODE__OK);
    pcn__frame__free_unpacked(f, NULL);
    if (done) return;
  }
}

static its_raw *raw_session(its_server *s, its_member *m) {
  its_raw *raw = its_raw_connect(s);
  assert_non_null(raw);
  Pcn__Hello h = PCN__HELLO__INIT;
  h.protocol_version = 1;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_HELLO;
  r.hello = &h;
  its_raw_send(raw, 1, &r);
  Pcn__Resume rs = PCN__RESUME__INIT;
  rs.token = m->token;
  Pcn__Request r2 = PCN__REQUEST__INIT;
  r2.body_case = PCN__REQUEST__BODY_RESUME;
  r2.resume = &rs;
  its_raw_send(raw, 2, &r2);
  whoami_raw(raw, 3);
  return raw;
}

static void test_renew_and_reload(void **state) {
  (void)state;
  its_server *s = its_start("");
  its_member *mgr = its_manager(s);
  its_add_practices(mgr, 1);
  its_member *pm =
      its_add_member(s, mgr, "pm1", PCN__ROLE__PRACTICE_MANAGER, "F84001");
  its_raw *raw = raw_session(s, mgr);
  its_task(pm, "before the renewal", "F84001", "", "");
  uint64_t since = its_head(mgr);
  char before[64], after[64], in_file[64];
  served_serial(s, before);
  file_serial(s, in_file);
  assert_string_equal(before, in_file);

  assert_int_equal(pcnd_cert(s, "renew --host hub.example.org"), 0);
  file_serial(s, in_file);
  assert_string_not_equal(in_file, before);
  /* Not served until pcnd is told. */
  served_serial(s, after);
  assert_string_equal(after, before);
  assert_int_equal(kill(s->pid, SIGHUP), 0);
  wait_served(s, in_file);

  /* The connections opened before carry on, on the old certificate. */
  whoami_raw(raw, 4);
  its_task(pm, "after the renewal", "F84001", "", "");
  /* A new client, trusting only the network CA, verifies the new one. */
  its_member *again = its_login(s, "pm1", ITEST_PASSWORD);
  its_task(again, "from a new connection", "F84001", "", "");
  char msg[700];
  /* Nobody was warned about the old one: nothing to tell. */
  assert_int_equal(notices(s, mgr, since, "cert_expiry", NULL, 0, NULL), 0);

  /* A damaged file on SIGHUP: the served certificate stays, the managers
   * are told, nothing is dropped. */
  char path[300];
  snprintf(path, sizeof path, "%s/server.pem", s->dir);
  char *good = NULL;
  size_t goodlen = 0;
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char buf[8192];
  goodlen = fread(buf, 1, sizeof buf, f);
  fclose(f);
  good = buf;
  f = fopen(path, "wb");
  fputs("-----BEGIN CERTIFICATE-----\nnot base64\n", f);
  fclose(f);
  assert_int_equal(kill(s->pid, SIGHUP), 0);
  size_t told = 0;
  for (int i = 0; i < 250 && told == 0; i++) {
    told = notices(s, mgr, since, "cert_reload", msg, sizeof msg, NULL);
    if (!told) its_sleep_ms(20);
  }
  assert_int_equal(told, 1);
  assert_non_null(strstr(msg, "keeps serving"));
  served_serial(s, after);
  assert_string_equal(after, in_file);
  whoami_raw(raw, 5);
  f = fopen(path, "wb");
  assert_int_equal(fwrite(good, 1, goodlen, f), goodlen);
  fclose(f);

  /* The renewal outlives a restart. */
  its_raw_close(raw);
  its_member_free(again);
  its_stop(s);
  its_run(s);
  served_serial(s, after);
  assert_string_equal(after, in_file);
  pm = its_relogin(s, pm);
  its_task(pm, "after a restart", "F84001", "", "");
  assert_int_equal(its_verify(s), 0);
  its_member_free(pm);
  its_member_free(mgr);
  its_free(s);
}

/* Whether msg says "in N days" for days or days + 1: the certificate
 * ends on a whole second, so a test that runs within init's second sees
 * one more whole day left. */
static int days_are(const char *msg, int days) {
  char a[32], b[32];
  snprintf(a, sizeof a, "in %d days", days);
  snprintf(b, sizeof b, "in %d days", days + 1);
  if (strstr(msg, a) || strstr(msg, b)) return 1;
  fprintf(stderr, "expected %s or %s: %s\n", a, b, msg);
  return 0;
}

/* Moves the server's clock (its due work has committed on return) and
 * logs in again: a jump of months outlasts any session. */
static its_member *advance(its_server *s, its_member *m, int64_t ms) {
  its_advance(m, ms);
  return its_relogin(s, m);
}

static void test_expiry_notices_once(void **state) {
  (void)state;
  its_server *s = its_start("--test-clock");
  its_member *mgr = its_manager(s);
  uint64_t since = its_head(mgr);
  char msg[700];
  int sev = -1;
  /* 825 days to go: nothing to tell. */
  mgr = advance(s, mgr, 0);
  assert_int_equal(notices(s, mgr, since, "cert_expiry", NULL, 0, NULL), 0);
  /* 55 days left: the 60-day notice, once however often the clock ticks. */
  mgr = advance(s, mgr, 770 * DAY_MS);
  mgr = advance(s, mgr, DAY_MS);
  mgr = advance(s, mgr, 0);
  assert_int_equal(notices(s, mgr, since, "cert_expiry", msg, sizeof msg, &sev),
                   1);
  assert_non_null(strstr(msg, "server's certificate expires"));
  assert_true(days_are(msg, 54));
  assert_int_equal(sev, 1);

  /* A restart starts the clock afresh: the same point is not told again. */
  its_stop(s);
  its_run(s);
  mgr = its_relogin(s, mgr);
  mgr = advance(s, mgr, 772 * DAY_MS);
  assert_int_equal(notices(s, mgr, since, "cert_expiry", NULL, 0, NULL), 1);
  /* 28 days left: the 30-day notice; then 5: the 7-day one. */
  mgr = advance(s, mgr, 25 * DAY_MS);
  assert_int_equal(notices(s, mgr, since, "cert_expiry", msg, sizeof msg, &sev),
                   2);
  assert_true(days_are(msg, 27));
  its_stop(s);
  its_run(s);
  mgr = its_relogin(s, mgr);
  mgr = advance(s, mgr, 797 * DAY_MS);
  assert_int_equal(notices(s, mgr, since, "cert_expiry", NULL, 0, NULL), 2);
  mgr = advance(s, mgr, 23 * DAY_MS);
  assert_int_equal(notices(s, mgr, since, "cert_expiry", msg, sizeof msg, &sev),
                   3);
  assert_int_equal(sev, 2);
  /* Past its end: told that it has expired, once. */
  mgr = advance(s, mgr, 10 * DAY_MS);
  mgr = advance(s, mgr, DAY_MS);
  assert_int_equal(notices(s, mgr, since, "cert_expiry", msg, sizeof msg, &sev),
                   4);
  assert_non_null(strstr(msg, "expired on"));
  /* The network CA, ten years on: 40 days left. */
  mgr = advance(s, mgr, (3610 - 831) * DAY_MS);
  assert_int_equal(notices(s, mgr, since, "cert_expiry", msg, sizeof msg, &sev),
                   5);
  assert_non_null(strstr(msg, "root certificate expires"));
  its_member_free(mgr);
  its_free(s);
}

/* A certificate the managers were warned about, replaced while pcnd was
 * stopped: the next start tells them, once, that all is well again. */
static void test_replacement_told_once(void **state) {
  (void)state;
  its_server *s = its_start("--test-clock");
  its_member *mgr = its_manager(s);
  uint64_t since = its_head(mgr);
  char msg[700];
  int sev = -1;
  mgr = advance(s, mgr, 790 * DAY_MS);
  assert_int_equal(notices(s, mgr, since, "cert_expiry", msg, sizeof msg, &sev),
                   1);
  its_stop(s);
  assert_int_equal(pcnd_cert(s, "renew"), 0);
  its_run(s);
  mgr = its_relogin(s, mgr);
  mgr = advance(s, mgr, 0);
  assert_int_equal(notices(s, mgr, since, "cert_expiry", msg, sizeof msg, &sev),
                   2);
  assert_int_equal(sev, 0);
  assert_non_null(strstr(msg, "was replaced"));
  its_stop(s);
  its_run(s);
  mgr = its_relogin(s, mgr);
  mgr = advance(s, mgr, 0);
  assert_int_equal(notices(s, mgr, since, "cert_expiry", NULL, 0, NULL), 2);
  its_member_free(mgr);
  its_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_renew_and_reload),
      cmocka_unit_test(test_expiry_notices_once),
      cmocka_unit_test(test_replacement_told_once),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
