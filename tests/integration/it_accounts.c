/* it_accounts.c - accounts and sessions over TLS: login answers, backoff,
 * logout, resume, password change, one-time invitations, disabling a
 * member (sessions end and live connections close at once), role changes
 * taking effect on live connections, and the last PCN manager rule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "invite.h"
#include "itest.h"

static Pcn__Request whoami_req(void) {
  static Pcn__WhoAmI w = PCN__WHO_AM_I__INIT;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_WHOAMI;
  r.whoami = &w;
  return r;
}

/* A wrong password and an unknown user get the same answer; after five
 * failures the username backs off at that address, and only there: the
 * same user from another address still gets in with the right password. */
static void test_login_answers_and_backoff(void **state) {
  (void)state;
  its_server *s = its_start("");
  its_member *mgr = its_manager(s);
  its_member anon = {.s = its_connect(s), .username = "anon"};
  Pcn__Login l;
  Pcn__Request r = its_login_req(&l, "manager", "not the password");
  const Pcn__Response *resp =
      its_expect(&anon, &r, PCN__STATUS_CODE__UNAUTHENTICATED);
  char wrong[200];
  snprintf(wrong, sizeof wrong, "%s", resp->status->message);
  r = its_login_req(&l, "nobody", "not the password");
  resp = its_expect(&anon, &r, PCN__STATUS_CODE__UNAUTHENTICATED);
  assert_string_equal(resp->status->message, wrong);
  /* Three more wrong tries for manager make five; then a wait. */
  r = its_login_req(&l, "manager", "not the password");
  for (int i = 0; i < 3; i++)
    its_expect(&anon, &r, PCN__STATUS_CODE__UNAUTHENTICATED);
  its_expect(&anon, &r, PCN__STATUS_CODE__UNAUTHENTICATED);
  resp = its_expect(&anon, &r, PCN__STATUS_CODE__RESOURCE_EXHAUSTED);
  assert_non_null(resp->status->details);
  assert_true(resp->status->details->retry_after_ms > 0);
  assert_non_null(strstr(resp->status->message, "try again in"));
  /* Even the right password waits: the answer does not leak which. */
  r = its_login_req(&l, "manager", ITEST_PASSWORD);
  its_expect(&anon, &r, PCN__STATUS_CODE__RESOURCE_EXHAUSTED);
  pcn_sync_close(anon.s);
  /* The user's own PC, at another address, is not locked out. */
  its_raw *own = its_raw_connect_from(s, "127.0.0.2");
  assert_non_null(own);
  its_raw_send_hello(own, PCN_PROTOCOL_VERSION);
  its_answer a;
  assert_int_equal(its_raw_answer(own, 1, 30000, &a), PCN__STATUS_CODE__OK);
  its_raw_send(own, 2, &r);
  if (its_raw_answer(own, 2, 30000, &a) != PCN__STATUS_CODE__OK)
    fail_msg("the right password from another address got: %s", a.msg);
  its_raw_close(own);
  its_member_free(mgr);
  its_free(s);
}

static void test_logout_resume_password(void **state) {
  (void)state;
  its_server *s = its_start("");
  its_member *mgr = its_manager(s);
  its_member *second = its_login(s, "manager", ITEST_PASSWORD);
  Pcn__Request who = whoami_req();
  its_expect(second, &who, PCN__STATUS_CODE__OK);

  /* A session token resumes on a new connection. */
  pcn_client_config cfg = its_config(s, mgr->token);
  char err[300];
  pcn_error_class cls;
  pcn_sync *resumed = pcn_sync_connect(&cfg, err, sizeof err, &cls);
  assert_non_null(resumed);
  pcn_sync_close(resumed);

  /* Changing the password ends the other sessions and their connections. */
  Pcn__ChangePassword cp = PCN__CHANGE_PASSWORD__INIT;
  cp.old_password = "wrong old password";
  cp.new_password = "a brand new password";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_CHANGE_PASSWORD;
  r.change_password = &cp;
  its_expect(mgr, &r, PCN__STATUS_CODE__UNAUTHENTICATED);
  cp.old_password = ITEST_PASSWORD;
  cp.new_password = "short";
  its_expect(mgr, &r, PCN__STATUS_CODE__INVALID_ARGUMENT);
  cp.new_password = "a brand new password";
  its_expect(mgr, &r, PCN__STATUS_CODE__OK);
  const Pcn__Response *resp = its_call(second, &who);
  assert_int_not_equal(resp->status->code, PCN__STATUS_CODE__OK);
  its_expect(mgr, &who, PCN__STATUS_CODE__OK); /* this session lives on */
  cfg = its_config(s, second->token);
  assert_null(pcn_sync_connect(&cfg, err, sizeof err, &cls));
  assert_int_equal(cls, PCN_ERR_SERVER);
  its_member_free(second);
  second = its_login(s, "manager", "a brand new password");

  /* Logout ends the session: the connection is anonymous again and the
   * token no longer resumes. */
  Pcn__Logout lo = PCN__LOGOUT__INIT;
  Pcn__Request lr = PCN__REQUEST__INIT;
  lr.body_case = PCN__REQUEST__BODY_LOGOUT;
  lr.logout = &lo;
  its_expect(second, &lr, PCN__STATUS_CODE__OK);
  its_expect(second, &who, PCN__STATUS_CODE__UNAUTHENTICATED);
  cfg = its_config(s, second->token);
  assert_null(pcn_sync_connect(&cfg, err, sizeof err, &cls));
  assert_non_null(strstr(err, "log in"));
  its_member_free(second);
  its_member_free(mgr);
  its_free(s);
}

static void test_invitation_is_one_time(void **state) {
  (void)state;
  its_server *s = its_start("");
  its_member *mgr = its_manager(s);
  char *code = its_invite(mgr, "cd", PCN__ROLE__CLINICAL_DIRECTOR, "");
  its_member *cd = its_join(s, code);
  assert_int_equal(cd->role, PCN__ROLE__CLINICAL_DIRECTOR);
  /* The same code again. */
  pcn_invite inv;
  char err[300];
  assert_int_equal(pcn_invite_decode(code, &inv, err, sizeof err), 0);
  its_member anon = {.s = its_connect(s), .username = "anon"};
  Pcn__Join j = PCN__JOIN__INIT;
  j.invite_token = inv.token;
  j.password = ITEST_PASSWORD;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_JOIN;
  r.join = &j;
  its_expect(&anon, &r, PCN__STATUS_CODE__NOT_FOUND);
  /* A taken username cannot be invited again. */
  Pcn__MemberInvite mi = PCN__MEMBER_INVITE__INIT;
  mi.username = "cd";
  mi.display_name = "Again";
  mi.role = PCN__ROLE__CLINICAL_DIRECTOR;
  mi.practice = "";
  Pcn__Request ir = PCN__REQUEST__INIT;
  ir.body_case = PCN__REQUEST__BODY_MEMBER_INVITE;
  ir.member_invite = &mi;
  its_expect(mgr, &ir, PCN__STATUS_CODE__ALREADY_EXISTS);
  /* A practice role needs an existing practice. */
  mi.username = "pm";
  mi.role = PCN__ROLE__PRACTICE_MANAGER;
  mi.practice = "Z99999";
  its_expect(mgr, &ir, PCN__STATUS_CODE__NOT_FOUND);
  free(code);
  pcn_sync_close(anon.s);
  its_member_free(cd);
  its_member_free(mgr);
  its_free(s);
}

typedef struct watch {
  pcn_client_state st;
  char detail[300];
} watch;
static void on_state(pcn_client *c, pcn_client_state st, const char *d,
                     void *ud) {
  (void)c;
  watch *w = ud;
  w->st = st;
  snprintf(w->detail, sizeof w->detail, "%s", d);
}
static int failed(void *ud) {
  return ((watch *)ud)->st == PCN_CLIENT_FAILED;
}
static int ready(void *ud) {
  return ((watch *)ud)->st == PCN_CLIENT_READY;
}

/* Disabling a member closes their live connection at once and ends their
 * sessions; a role change reaches their live connection. */
static void test_disable_and_role(void **state) {
  (void)state;
  its_server *s = its_start("");
  its_member *mgr = its_manager(s);
  its_add_practice(mgr, "F84001", "Riverside", 1000);
  its_member *jo =
      its_add_member(s, mgr, "jo", PCN__ROLE__PRACTICE_MANAGER, "F84001");

  uv_loop_t loop;
  uv_loop_init(&loop);
  pcn_client_config cfg = its_config(s, jo->token);
  cfg.auto_reconnect = 1;
  pcn_client *live = pcn_client_new(&loop, &cfg);
  watch w = {PCN_CLIENT_IDLE, ""};
  pcn_client_on_state(live, on_state, &w);
  pcn_client_connect(live);
  assert_true(its_wait(&loop, ready, &w, 10000));

  /* Role change: jo becomes staff and can no longer invite. */
  Pcn__MemberSetRole sr = PCN__MEMBER_SET_ROLE__INIT;
  sr.username = "jo";
  sr.role = PCN__ROLE__STAFF;
  sr.practice = "F84001";
  Pcn__Request rr = PCN__REQUEST__INIT;
  rr.body_case = PCN__REQUEST__BODY_MEMBER_SET_ROLE;
  rr.member_set_role = &sr;
  its_expect(mgr, &rr, PCN__STATUS_CODE__OK);
  Pcn__MemberInvite mi = PCN__MEMBER_INVITE__INIT;
  mi.username = "newstaff";
  mi.display_name = "New";
  mi.role = PCN__ROLE__STAFF;
  mi.practice = "F84001";
  Pcn__Request ir = PCN__REQUEST__INIT;
  ir.body_case = PCN__REQUEST__BODY_MEMBER_INVITE;
  ir.member_invite = &mi;
  its_expect(jo, &ir, PCN__STATUS_CODE__PERMISSION_DENIED);

  Pcn__MemberDisable d = PCN__MEMBER_DISABLE__INIT;
  d.username = "jo";
  Pcn__Request dr = PCN__REQUEST__INIT;
  dr.body_case = PCN__REQUEST__BODY_MEMBER_DISABLE;
  dr.member_disable = &d;
  const Pcn__Response *resp = its_expect(mgr, &dr, PCN__STATUS_CODE__OK);
  assert_true(resp->member->disabled);
  /* The live connection is closed and does not come back. */
  assert_true(its_wait(&loop, failed, &w, 10000));
  assert_non_null(strstr(w.detail, "disabled"));
  Pcn__Request who = whoami_req();
  resp = its_call(jo, &who);
  assert_int_not_equal(resp->status->code, PCN__STATUS_CODE__OK);
  char err[300];
  pcn_error_class cls;
  pcn_client_config c2 = its_config(s, jo->token);
  assert_null(pcn_sync_connect(&c2, err, sizeof err, &cls));
  its_member anon = {.s = its_connect(s), .username = "anon"};
  Pcn__Login l;
  Pcn__Request lr = its_login_req(&l, "jo", ITEST_PASSWORD);
  its_expect(&anon, &lr, PCN__STATUS_CODE__UNAUTHENTICATED);

  /* Issue 19: the way back. A practice manager may disable their own
   * practice's people but not enable them; the PCN manager may. */
  its_member *pat =
      its_add_member(s, mgr, "pat", PCN__ROLE__PRACTICE_MANAGER, "F84001");
  Pcn__MemberEnable en = PCN__MEMBER_ENABLE__INIT;
  en.username = "jo";
  Pcn__Request er = PCN__REQUEST__INIT;
  er.body_case = PCN__REQUEST__BODY_MEMBER_ENABLE;
  er.member_enable = &en;
  its_expect(pat, &er, PCN__STATUS_CODE__PERMISSION_DENIED);
  its_expect(&anon, &lr, PCN__STATUS_CODE__UNAUTHENTICATED);
  en.username = "nobody";
  resp = its_expect(mgr, &er, PCN__STATUS_CODE__NOT_FOUND);
  assert_string_equal(resp->status->details->field, "username");
  en.username = "jo";
  resp = its_expect(mgr, &er, PCN__STATUS_CODE__OK);
  assert_false(resp->member->disabled);
  uint32_t v = resp->member->version;
  /* Enabling twice changes nothing. */
  resp = its_expect(mgr, &er, PCN__STATUS_CODE__OK);
  assert_int_equal(resp->member->version, v);
  /* Their old session stays ended; their password works again. */
  assert_null(pcn_sync_connect(&c2, err, sizeof err, &cls));
  its_member *jo2 = its_login(s, "jo", ITEST_PASSWORD);
  resp = its_call(jo2, &who);
  assert_int_equal(resp->status->code, PCN__STATUS_CODE__OK);
  its_member_free(jo2);
  its_member_free(pat);

  /* The network keeps a PCN manager: the only one cannot go. */
  d.username = "manager";
  its_expect(mgr, &dr, PCN__STATUS_CODE__FAILED_PRECONDITION);
  sr.username = "manager";
  sr.role = PCN__ROLE__CLINICAL_DIRECTOR;
  sr.practice = "";
  its_expect(mgr, &rr, PCN__STATUS_CODE__FAILED_PRECONDITION);

  pcn_client_close(live);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  pcn_sync_close(anon.s);
  its_member_free(jo);
  its_member_free(mgr);
  assert_int_equal(its_verify(s), 0);
  its_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_login_answers_and_backoff),
      cmocka_unit_test(test_logout_resume_password),
      cmocka_unit_test(test_invitation_is_one_time),
      cmocka_unit_test(test_disable_and_role),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
