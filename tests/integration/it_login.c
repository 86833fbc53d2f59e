/* it_login.c - the login backoff holds against pipelining and against
 * flooding its table, on a real pcnd over raw TLS.
 *
 * What it counts: `pcnd status --json` reports password_checks_total, the
 * Argon2id checks and hashes the server started. A guess the backoff
 * refuses is answered RESOURCE_EXHAUSTED (with retry_after_ms) and costs
 * no check; a guess that was checked is answered "Wrong username or
 * password." So each test proves how many guesses were checked, twice:
 * from the counter and from the answers.
 *
 * - Pipelining: 60 wrong-password Login frames, written at once on 3
 *   connections for one username, used to be checked all 60 (the backoff
 *   was looked at on arrival but counted only after each hash). Now at
 *   most 5 are, the per-username allowance, and the rest are refused at
 *   once. The same for an unknown username, with the same answers.
 *   Afterwards the right password, once the backoff allows, still logs in.
 * - One password check per connection, whatever the request: a second
 *   Login, ChangePassword or Join sent before the first is answered is
 *   refused unhashed.
 * - ChangePassword's old password is a guess too: it shares the
 *   username's count and wait with Login.
 * - Flooding: with an 8-slot table (--backoff-slots 8), a locked victim
 *   and failed logins for many new usernames from one address: the
 *   newcomers are refused once the table is full, the victim's lockout
 *   holds, and only admitted guesses were checked.
 *
 * The guess rate before and after is printed, not asserted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <jansson.h>

#include "invite.h"
#include "itest.h"

#ifndef PCND_PATH
#define PCND_PATH "pcnd"
#endif

#define FREE_USER 5 /* auth.c's BACKOFF_FREE_USER */
#define WRONG "Wrong username or password."

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* password_checks_total from `pcnd status --json`. */
static long long pw_checks(its_server *s) {
  char line[1024], out[8192];
  snprintf(line, sizeof line, "timeout 60 '%s' status --json --data '%s' 2>&1",
           PCND_PATH, s->dir);
  FILE *p = popen(line, "r");
  assert_non_null(p);
  size_t got = fread(out, 1, sizeof out - 1, p);
  out[got] = 0;
  assert_int_equal(pclose(p), 0);
  json_error_t e;
  json_t *o = json_loads(out, 0, &e);
  if (!o) fail_msg("pcnd status --json printed no JSON: %s", out);
  json_t *v = json_object_get(o, "password_checks_total");
  if (!json_is_integer(v)) fail_msg("status has no password_checks_total");
  long long n = (long long)json_integer_value(v);
  json_decref(o);
  return n;
}

/* The next response on raw; asserts one comes (30 s). Free it. */
static Pcn__Frame *next_response(its_raw *raw) {
  int eof = 0;
  Pcn__Frame *f = its_raw_read_frame(raw, 30000, &eof);
  if (!f) fail_msg("no answer from pcnd (%s)", eof ? "it closed" : "timeout");
  assert_int_equal(f->body_case, PCN__FRAME__BODY_RESPONSE);
  assert_non_null(f->response->status);
  return f;
}

/* A refusal without a check: RESOURCE_EXHAUSTED, when to retry, and a
 * sentence. Returns retry_after_ms. */
static uint32_t assert_refusal(const Pcn__Response *r) {
  assert_int_equal(r->status->code, PCN__STATUS_CODE__RESOURCE_EXHAUSTED);
  assert_non_null(r->status->details);
  assert_true(r->status->details->retry_after_ms > 0);
  size_t n = strlen(r->status->message);
  assert_true(n > 20 && r->status->message[n - 1] == '.');
  return r->status->details->retry_after_ms;
}

/* One login on a fresh connection: its status code, and message. */
static int login_once(its_server *s, const char *user, const char *pw,
                      char *msg, size_t msglen, uint32_t *retry_ms) {
  its_raw *raw = its_raw_hello(s);
  Pcn__Login l;
  Pcn__Request r = its_login_req(&l, user, pw);
  its_raw_send(raw, 2, &r);
  Pcn__Frame *f = next_response(raw);
  assert_int_equal(f->id, 2);
  int code = (int)f->response->status->code;
  snprintf(msg, msglen, "%s", f->response->status->message);
  if (code == PCN__STATUS_CODE__RESOURCE_EXHAUSTED)
    *retry_ms = assert_refusal(f->response);
  pcn__frame__free_unpacked(f, NULL);
  its_raw_close(raw);
  return code;
}

#define CONNS 3
#define PER_CONN 20

typedef struct tally {
  int checked, refused;
  char refusals[4][200]; /* the distinct refusal sentences */
  int nrefusals;
} tally;

/* Writes PER_CONN wrong-password logins for user at once on each of CONNS
 * connections, then reads every answer. */
static void pipeline_guesses(its_server *s, const char *user, tally *t) {
  memset(t, 0, sizeof *t);
  its_raw *raw[CONNS];
  for (int c = 0; c < CONNS; c++)
    raw[c] = its_raw_hello(s);
  static uint8_t buf[CONNS][PER_CONN * 128];
  size_t len[CONNS];
  for (int c = 0; c < CONNS; c++) {
    len[c] = 0;
    for (int i = 0; i < PER_CONN; i++) {
      char pw[64];
      snprintf(pw, sizeof pw, "wrong guess %d-%d", c, i);
      Pcn__Login l;
      Pcn__Request r = its_login_req(&l, user, pw);
      len[c] =
          its_frame_put(buf[c], len[c], sizeof buf[c], 100 + (uint64_t)i, &r);
    }
  }
  long long before = pw_checks(s);
  double t0 = now_s();
  for (int c = 0; c < CONNS; c++)
    assert_int_equal(its_raw_write(raw[c], buf[c], len[c]), 0);
  for (int c = 0; c < CONNS; c++) {
    int seen[PER_CONN] = {0};
    for (int i = 0; i < PER_CONN; i++) {
      Pcn__Frame *f = next_response(raw[c]);
      assert_true(f->id >= 100 && f->id < 100 + PER_CONN);
      assert_int_equal(seen[f->id - 100]++, 0);
      const Pcn__Status *st = f->response->status;
      if (st->code == PCN__STATUS_CODE__UNAUTHENTICATED) {
        assert_string_equal(st->message, WRONG);
        t->checked++;
      } else {
        assert_refusal(f->response);
        t->refused++;
        int k = 0;
        while (k < t->nrefusals && strcmp(t->refusals[k], st->message))
          k++;
        if (k == t->nrefusals && k < 4)
          snprintf(t->refusals[t->nrefusals++], sizeof t->refusals[0], "%s",
                   st->message);
      }
      pcn__frame__free_unpacked(f, NULL);
    }
  }
  double el = now_s() - t0;
  long long checks = pw_checks(s) - before;
  printf("%s: %d guesses pipelined on %d connections: %d checked, %d "
         "refused unhashed, in %.3f s (%.1f guesses checked/s)\n",
         user, CONNS * PER_CONN, CONNS, t->checked, t->refused, el,
         t->checked / el);
  for (int k = 0; k < t->nrefusals; k++)
    printf("  refused: %s\n", t->refusals[k]);
  for (int c = 0; c < CONNS; c++)
    its_raw_close(raw[c]);
  /* Every check the server ran answered one of these guesses. */
  assert_int_equal(checks, t->checked);
  assert_int_equal(t->checked + t->refused, CONNS * PER_CONN);
  assert_true(t->checked >= 1);
  /* All three connections' guesses arrive while the first is hashed
   * (tens of ms for Argon2id): the others wait for it, not just for their
   * own connection's. */
  int username_busy = 0;
  for (int k = 0; k < t->nrefusals; k++)
    username_busy |= strstr(t->refusals[k], "for this username") != NULL;
  assert_true(username_busy);
  if (t->checked > FREE_USER)
    fail_msg("%d guesses for %s were checked; at most %d may be", t->checked,
             user, FREE_USER);
}

/* Logs user in with the right password as soon as the backoff allows:
 * each refusal says how long to wait. Returns how many were refused. */
static int login_when_allowed(its_server *s, const char *user) {
  char msg[300];
  double deadline = now_s() + 120;
  for (int refused = 0;; refused++) {
    uint32_t retry = 0;
    int code = login_once(s, user, ITEST_PASSWORD, msg, sizeof msg, &retry);
    if (code == PCN__STATUS_CODE__OK) return refused;
    if (code != PCN__STATUS_CODE__RESOURCE_EXHAUSTED)
      fail_msg("the right password for %s got: %s", user, msg);
    if (now_s() + retry / 1000.0 > deadline)
      fail_msg("%s was still refused after two minutes: %s", user, msg);
    its_sleep_ms(retry); /* what the server said to wait */
  }
}

static void test_pipelined_guesses(void **state) {
  (void)state;
  its_server *s = its_start("");
  its_member *mgr = its_manager(s);
  tally known, unknown;
  pipeline_guesses(s, "manager", &known);
  pipeline_guesses(s, "nobody", &unknown);
  /* An unknown username is admitted, checked and refused alike: the same
   * sentences (the counts may differ by timing, each within the bound). */
  for (int k = 0; k < unknown.nrefusals; k++) {
    int found = 0;
    for (int j = 0; j < known.nrefusals; j++)
      found |= !strcmp(unknown.refusals[k], known.refusals[j]);
    if (!found && !strstr(unknown.refusals[k], "Too many failed logins"))
      fail_msg("only the unknown username was told: %s", unknown.refusals[k]);
  }
  /* The right password still works once the backoff allows, costing one
   * check: the refusals before it cost none. */
  long long before = pw_checks(s);
  int refused = login_when_allowed(s, "manager");
  assert_int_equal(pw_checks(s) - before, 1);
  printf("manager logged in after %d refusals\n", refused);
  its_member_free(mgr);
  its_free(s);
}

/* An unknown username backs off exactly like a known one: the same
 * answers, the same count, the same wait. */
static void test_unknown_username_backs_off_alike(void **state) {
  (void)state;
  its_server *s = its_start("");
  its_member *mgr = its_manager(s);
  char said[2][FREE_USER + 1][200];
  const char *users[2] = {"manager", "nobody"};
  long long before = pw_checks(s);
  for (int u = 0; u < 2; u++) {
    its_raw *raw = its_raw_hello(s);
    Pcn__Login l;
    Pcn__Request r = its_login_req(&l, users[u], "a wrong password");
    for (int i = 0; i <= FREE_USER; i++) {
      its_raw_send(raw, 10 + (uint64_t)i, &r);
      Pcn__Frame *f = next_response(raw);
      assert_int_equal(f->response->status->code,
                       i < FREE_USER ? PCN__STATUS_CODE__UNAUTHENTICATED
                                     : PCN__STATUS_CODE__RESOURCE_EXHAUSTED);
      snprintf(said[u][i], sizeof said[u][i], "%s",
               f->response->status->message);
      pcn__frame__free_unpacked(f, NULL);
    }
    its_raw_close(raw);
  }
  for (int i = 0; i <= FREE_USER; i++)
    assert_string_equal(said[0][i], said[1][i]);
  assert_non_null(strstr(said[1][FREE_USER], "Too many failed logins"));
  assert_int_equal(pw_checks(s) - before, 2 * FREE_USER);
  its_member_free(mgr);
  its_free(s);
}

/* A second password operation on a connection, sent before the first is
 * answered, is refused unhashed, whichever kind either is. */
static void test_one_check_per_connection(void **state) {
  (void)state;
  its_server *s = its_start("");
  its_member *mgr = its_manager(s);
  char *code = its_invite(mgr, "pat", PCN__ROLE__CLINICAL_DIRECTOR, "");
  pcn_invite inv;
  char err[200];
  if (pcn_invite_decode(code, &inv, err, sizeof err)) fail_msg("%s", err);
  free(code);

  its_raw *raw = its_raw_hello(s);
  static uint8_t buf[4096];
  size_t len = 0;
  Pcn__Login l1, l2;
  Pcn__Request r1 = its_login_req(&l1, "manager", ITEST_PASSWORD);
  Pcn__Request r2 = its_login_req(&l2, "someone else", "another guess");
  Pcn__Join j = PCN__JOIN__INIT;
  j.invite_token = inv.token;
  j.password = "pat's long password";
  Pcn__Request r3 = PCN__REQUEST__INIT;
  r3.body_case = PCN__REQUEST__BODY_JOIN;
  r3.join = &j;
  len = its_frame_put(buf, len, sizeof buf, 10, &r1);
  len = its_frame_put(buf, len, sizeof buf, 11, &r2);
  len = its_frame_put(buf, len, sizeof buf, 12, &r3);
  long long before = pw_checks(s);
  assert_int_equal(its_raw_write(raw, buf, len), 0);
  int ok = 0, refused = 0;
  for (int i = 0; i < 3; i++) {
    Pcn__Frame *f = next_response(raw);
    if (f->id == 10) {
      assert_int_equal(f->response->status->code, PCN__STATUS_CODE__OK);
      ok++;
    } else {
      assert_refusal(f->response);
      assert_non_null(strstr(f->response->status->message, "connection"));
      refused++;
    }
    pcn__frame__free_unpacked(f, NULL);
  }
  assert_int_equal(ok, 1);
  assert_int_equal(refused, 2);
  assert_int_equal(pw_checks(s) - before, 1);

  /* Logged in now: two password changes at once, one is checked. */
  Pcn__ChangePassword cp = PCN__CHANGE_PASSWORD__INIT;
  cp.old_password = "not the old password";
  cp.new_password = "a brand new password";
  Pcn__Request rc = PCN__REQUEST__INIT;
  rc.body_case = PCN__REQUEST__BODY_CHANGE_PASSWORD;
  rc.change_password = &cp;
  len = its_frame_put(buf, 0, sizeof buf, 20, &rc);
  len = its_frame_put(buf, len, sizeof buf, 21, &rc);
  before = pw_checks(s);
  assert_int_equal(its_raw_write(raw, buf, len), 0);
  for (int i = 0; i < 2; i++) {
    Pcn__Frame *f = next_response(raw);
    if (f->id == 20)
      assert_int_equal(f->response->status->code,
                       PCN__STATUS_CODE__UNAUTHENTICATED);
    else
      assert_refusal(f->response);
    pcn__frame__free_unpacked(f, NULL);
  }
  assert_int_equal(pw_checks(s) - before, 1);

  /* Once the answer is in, the connection may check again: the join. */
  its_raw_close(raw);
  raw = its_raw_hello(s);
  its_raw_send(raw, 30, &r3);
  Pcn__Frame *f = next_response(raw);
  assert_int_equal(f->response->status->code, PCN__STATUS_CODE__OK);
  pcn__frame__free_unpacked(f, NULL);
  its_raw_close(raw);
  its_member_free(mgr);
  its_free(s);
}

/* Wrong old passwords count against the username like failed logins. */
static void test_change_password_guesses_back_off(void **state) {
  (void)state;
  its_server *s = its_start("");
  its_member *mgr = its_manager(s);
  Pcn__ChangePassword cp = PCN__CHANGE_PASSWORD__INIT;
  cp.old_password = "not the old password";
  cp.new_password = "a brand new password";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_CHANGE_PASSWORD;
  r.change_password = &cp;
  long long before = pw_checks(s);
  for (int i = 0; i < FREE_USER; i++)
    its_expect(mgr, &r, PCN__STATUS_CODE__UNAUTHENTICATED);
  const Pcn__Response *resp =
      its_expect(mgr, &r, PCN__STATUS_CODE__RESOURCE_EXHAUSTED);
  uint32_t retry = assert_refusal(resp);
  assert_non_null(strstr(resp->status->message, "Too many wrong passwords"));
  /* Once more after the wait, so the next one lasts 2 s. */
  its_sleep_ms(retry);
  its_expect(mgr, &r, PCN__STATUS_CODE__UNAUTHENTICATED);
  its_expect(mgr, &r, PCN__STATUS_CODE__RESOURCE_EXHAUSTED);
  /* The same count: a login as manager waits too, even the right one. */
  char msg[300];
  assert_int_equal(
      login_once(s, "manager", ITEST_PASSWORD, msg, sizeof msg, &retry),
      PCN__STATUS_CODE__RESOURCE_EXHAUSTED);
  assert_non_null(strstr(msg, "Too many failed logins"));
  assert_int_equal(pw_checks(s) - before, FREE_USER + 1);
  login_when_allowed(s, "manager");
  its_member_free(mgr);
  its_free(s);
}

/* One wrong guess for user on raw (a fresh connection if NULL): 1 if it
 * was checked, 0 if refused (msg says why). */
static int guess(its_server *s, its_raw *raw, const char *user, char *msg,
                 size_t msglen, uint32_t *retry) {
  int code;
  if (!raw) {
    code = login_once(s, user, "a wrong password", msg, msglen, retry);
  } else {
    Pcn__Login l;
    Pcn__Request r = its_login_req(&l, user, "a wrong password");
    its_raw_send(raw, 2, &r);
    Pcn__Frame *f = next_response(raw);
    code = (int)f->response->status->code;
    snprintf(msg, msglen, "%s", f->response->status->message);
    if (code == PCN__STATUS_CODE__RESOURCE_EXHAUSTED)
      *retry = assert_refusal(f->response);
    pcn__frame__free_unpacked(f, NULL);
  }
  if (code == PCN__STATUS_CODE__UNAUTHENTICATED) return 1;
  assert_int_equal(code, PCN__STATUS_CODE__RESOURCE_EXHAUSTED);
  return 0;
}

static void test_flood_keeps_lockout(void **state) {
  (void)state;
  its_server *s = its_start("--backoff-slots 8");
  its_member *mgr = its_manager(s);
  long long before = pw_checks(s);
  char msg[300];
  uint32_t retry;
  /* Lock the victim: 5 free guesses, then waits of 1, 2 and 4 s, each
   * ended by guessing again, so the last wait is 8 s. The table now holds
   * u:manager and a:127.0.0.1. */
  int checked = 0;
  while (checked < FREE_USER + 3) {
    if (guess(s, NULL, "manager", msg, sizeof msg, &retry))
      checked++;
    else
      its_sleep_ms(retry); /* what the server said to wait */
  }
  /* Six new usernames fill the other slots; every one after that is
   * refused, unchecked, rather than evicting anyone. Ten in all, so that
   * even a table that evicted would leave the address (8 + 10 failures)
   * below its 20 and the victim's own lockout is what is tested. */
  its_raw *raw = its_raw_hello(s);
  int admitted = 0, full = 0;
  for (int i = 0; i < 10; i++) {
    char user[32];
    snprintf(user, sizeof user, "flood%d", i);
    if (guess(s, raw, user, msg, sizeof msg, &retry))
      admitted++;
    else
      full += strstr(msg, "refusing new logins") != NULL;
  }
  /* The victim is still locked: even the right password waits. */
  Pcn__Login l;
  Pcn__Request r = its_login_req(&l, "manager", ITEST_PASSWORD);
  its_raw_send(raw, 3, &r);
  Pcn__Frame *f = next_response(raw);
  if (f->response->status->code == PCN__STATUS_CODE__OK)
    fail_msg("the flood wiped the victim's lockout: the right password "
             "logged in");
  assert_refusal(f->response);
  assert_non_null(strstr(f->response->status->message, "Too many failed"));
  pcn__frame__free_unpacked(f, NULL);
  printf("flood: %d new usernames checked, %d refused (table full); the "
         "victim still waits\n",
         admitted, full);
  assert_int_equal(admitted, 6);
  assert_int_equal(full, 4);
  /* A username the table holds is still served. */
  assert_int_equal(guess(s, raw, "flood0", msg, sizeof msg, &retry), 1);
  its_raw_close(raw);
  assert_int_equal(pw_checks(s) - before, checked + admitted + 1);
  its_member_free(mgr);
  its_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pipelined_guesses),
      cmocka_unit_test(test_unknown_username_backs_off_alike),
      cmocka_unit_test(test_one_check_per_connection),
      cmocka_unit_test(test_change_password_guesses_back_off),
      cmocka_unit_test(test_flood_keeps_lockout),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
