/* it_staff.c - shared staff over TLS: the register (add, update with
 * versions, ending employment without losing the record), the weekly rota
 * (a standing pattern, a week overridden, a clash refused naming both
 * places), leave taking sessions away, the equity report's figures exact
 * for a constructed network, who may do what, bad input refused with the
 * field named and nothing changed, every event seen by every member, and
 * all of it surviving a restart.
 *
 * The constructed network: Riverside (F84001, 6,000 patients) and Hill
 * Street (F84002, 4,000). Sam works Mon AM, Mon PM, Tue AM at Riverside
 * and Wed AM at Hill Street; Ria works Thu AM, Thu PM, Fri AM, Fri PM at
 * Hill Street, from the week of Monday 23 November 2026.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "areas.h"
#include "itest.h"
#include "store.h"
#include "validate.h"

typedef struct world {
  its_server *s;
  its_member *mgr, *cd, *jo, *pat, *amy; /* jo: PM F84001; pat: PM F84002;
                                            amy: staff F84002 */
  uint64_t sam, ria, old, since;
} world;

static void free_members(world *w) {
  its_member *all[] = {w->mgr, w->cd, w->jo, w->pat, w->amy};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    its_member_free(all[i]);
}

static void login_all(world *w) {
  w->mgr = its_login(w->s, "manager", ITEST_PASSWORD);
  w->cd = its_login(w->s, "cd", ITEST_PASSWORD);
  w->jo = its_login(w->s, "jo", ITEST_PASSWORD);
  w->pat = its_login(w->s, "pat", ITEST_PASSWORD);
  w->amy = its_login(w->s, "amy", ITEST_PASSWORD);
}

static int setup(void **state) {
  world *w = calloc(1, sizeof *w);
  w->s = its_start("");
  w->mgr = its_manager(w->s);
  its_add_practice(w->mgr, "F84001", "Riverside Surgery", 6000);
  its_add_practice(w->mgr, "F84002", "Hill Street", 4000);
  w->cd = its_add_member(w->s, w->mgr, "cd", PCN__ROLE__CLINICAL_DIRECTOR, "");
  w->jo =
      its_add_member(w->s, w->mgr, "jo", PCN__ROLE__PRACTICE_MANAGER, "F84001");
  w->pat = its_add_member(w->s, w->mgr, "pat", PCN__ROLE__PRACTICE_MANAGER,
                          "F84002");
  w->amy = its_add_member(w->s, w->mgr, "amy", PCN__ROLE__STAFF, "F84002");
  w->since = its_head(w->mgr);
  *state = w;
  return 0;
}

static int teardown(void **state) {
  world *w = *state;
  free_members(w);
  assert_int_equal(its_verify(w->s), 0);
  its_free(w->s);
  free(w);
  return 0;
}

/* ------------------------------------------------------------ helpers */

static const Pcn__Response *add(its_member *m, const char *name,
                                const char *role, const char *practice,
                                uint32_t wte, int64_t cost, int code) {
  Pcn__StaffAdd a = PCN__STAFF_ADD__INIT;
  a.name = (char *)name;
  a.role = (char *)role;
  a.practice = (char *)practice;
  a.wte = wte;
  a.annual_cost = cost;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_ADD;
  req.staff_add = &a;
  return its_expect(m, &req, code);
}

static const Pcn__StaffPage *list(its_member *m, int all) {
  Pcn__StaffList l = PCN__STAFF_LIST__INIT;
  l.include_ended = all;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_LIST;
  req.staff_list = &l;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->staff_page;
}

static const Pcn__Response *assign(its_member *m, uint64_t staff,
                                   const char *week, const uint32_t *sessions,
                                   size_t n, const char *practice, int only,
                                   int code) {
  Pcn__StaffRotaCell cells[10], *cp[10];
  for (size_t i = 0; i < n; i++) {
    pcn__staff_rota_cell__init(&cells[i]);
    cells[i].session = sessions[i];
    cells[i].practice = (char *)practice;
    cp[i] = &cells[i];
  }
  Pcn__StaffRotaSet s = PCN__STAFF_ROTA_SET__INIT;
  s.staff_id = staff;
  s.week = (char *)week;
  s.cells = cp;
  s.n_cells = n;
  s.this_week_only = only;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_ROTA_SET;
  req.staff_rota_set = &s;
  return its_expect(m, &req, code);
}

static const Pcn__StaffRota *rota(its_member *m, const char *week) {
  Pcn__StaffRotaGet g = PCN__STAFF_ROTA_GET__INIT;
  g.week = (char *)week;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_ROTA_GET;
  req.staff_rota_get = &g;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->staff_rota;
}

static const Pcn__StaffRotaWeek *row_of(const Pcn__StaffRota *r,
                                        uint64_t staff) {
  for (size_t i = 0; i < r->n_rows; i++)
    if (r->rows[i]->staff_id == staff) return r->rows[i];
  return NULL;
}

static const Pcn__Response *leave(its_member *m, uint64_t staff,
                                  const char *from, const char *to, int part,
                                  int code) {
  Pcn__StaffLeaveAdd a = PCN__STAFF_LEAVE_ADD__INIT;
  a.staff_id = staff;
  a.from = (char *)from;
  a.to = (char *)to;
  a.part = part;
  a.note = "annual leave";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_LEAVE_ADD;
  req.staff_leave_add = &a;
  return its_expect(m, &req, code);
}

static const Pcn__StaffEquityReport *equity(its_member *m, const char *from,
                                            const char *to) {
  Pcn__StaffEquity e = PCN__STAFF_EQUITY__INIT;
  e.from = (char *)from;
  e.to = (char *)to;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_EQUITY;
  req.staff_equity = &e;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->staff_equity;
}

static const Pcn__StaffEquityRow *eq_row(const Pcn__StaffEquityReport *q,
                                         const char *ods) {
  for (size_t i = 0; i < q->n_rows; i++)
    if (strcmp(q->rows[i]->practice, ods) == 0) return q->rows[i];
  fail_msg("no equity row for %s", ods);
  return NULL;
}

#define WEEK1 "2026-11-23"
#define WEEK2 "2026-11-30"
#define WEEK3 "2026-12-07"
#define WEEK4 "2026-12-14"

/* ------------------------------------------------------------ tests */

static void test_register(void **state) {
  world *w = *state;
  const Pcn__Response *r = add(w->mgr, "Sam Patel", "clinical pharmacist",
                               "f84001", 80, 4200000, PCN__STATUS_CODE__OK);
  w->sam = r->staff_member->id;
  assert_string_equal(r->staff_member->practice, "F84001");
  assert_int_equal(r->staff_member->wte, 80);
  assert_int_equal(r->staff_member->annual_cost, 4200000);
  assert_int_equal(r->staff_member->version, 1);
  w->ria = add(w->mgr, "Ria Khan", "social prescribing link worker", "F84002",
               100, 3150050, PCN__STATUS_CODE__OK)
               ->staff_member->id;
  w->old = add(w->mgr, "Old Timer", "paramedic", "F84002", 50, 2000000,
               PCN__STATUS_CODE__OK)
               ->staff_member->id;

  /* Everyone reads the register, with the ARRS roles offered. */
  const Pcn__StaffPage *p = list(w->amy, 0);
  assert_int_equal(p->n_staff, 3);
  assert_int_equal(p->n_roles, 15);
  assert_string_equal(p->roles[0], "clinical pharmacist");
  assert_string_equal(p->roles[14], "GP");

  /* Update with the version read; a stale version is CONFLICT with the
   * record as it stands. */
  Pcn__StaffUpdate u = PCN__STAFF_UPDATE__INIT;
  u.id = w->sam;
  u.version = 1;
  u.has_wte_case = PCN__STAFF_UPDATE__HAS_WTE_WTE;
  u.wte = 100;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_UPDATE;
  req.staff_update = &u;
  its_expect(w->jo, &req, PCN__STATUS_CODE__PERMISSION_DENIED);
  its_expect(w->cd, &req, PCN__STATUS_CODE__PERMISSION_DENIED);
  r = its_expect(w->mgr, &req, PCN__STATUS_CODE__OK);
  assert_int_equal(r->staff_member->version, 2);
  assert_int_equal(r->staff_member->wte, 100);
  u.wte = 90;
  r = its_expect(w->mgr, &req, PCN__STATUS_CODE__CONFLICT);
  assert_int_equal(r->body_case, PCN__RESPONSE__BODY_STAFF_MEMBER);
  assert_int_equal(r->staff_member->version, 2);
  assert_int_equal(r->staff_member->wte, 100);
  u.version = 2;
  u.wte = 100; /* no change */
  its_expect(w->mgr, &req, PCN__STATUS_CODE__FAILED_PRECONDITION);

  /* Ending employment keeps the record: gone from the current list,
   * there with --all. */
  Pcn__StaffEnd e = PCN__STAFF_END__INIT;
  e.id = w->old;
  e.version = 1;
  e.ended = "2020-01-31";
  req.body_case = PCN__REQUEST__BODY_STAFF_END;
  req.staff_end = &e;
  its_expect(w->pat, &req, PCN__STATUS_CODE__PERMISSION_DENIED);
  r = its_expect(w->mgr, &req, PCN__STATUS_CODE__OK);
  assert_string_equal(r->staff_member->ended, "2020-01-31");
  e.version = 2;
  its_expect(w->mgr, &req, PCN__STATUS_CODE__FAILED_PRECONDITION);
  assert_int_equal(list(w->jo, 0)->n_staff, 2);
  assert_int_equal(list(w->jo, 1)->n_staff, 3);

  /* Only the PCN manager adds. */
  add(w->jo, "Nope", "GP", "F84001", 100, 0,
      PCN__STATUS_CODE__PERMISSION_DENIED);
  add(w->amy, "Nope", "GP", "F84001", 100, 0,
      PCN__STATUS_CODE__PERMISSION_DENIED);
}

static void test_rota(void **state) {
  world *w = *state;
  uint32_t sam_a[] = {0, 1, 2}, sam_b[] = {4}, ria[] = {6, 7, 8, 9};
  /* Any day of the week names the week: Wednesday gives Monday. */
  const Pcn__Response *r = assign(w->mgr, w->sam, "2026-11-25", sam_a, 3,
                                  "F84001", 0, PCN__STATUS_CODE__OK);
  assert_string_equal(r->staff_rota_week->week, WEEK1);
  assign(w->mgr, w->sam, WEEK1, sam_b, 1, "F84002", 0, PCN__STATUS_CODE__OK);
  assign(w->mgr, w->ria, WEEK1, ria, 4, "F84002", 0, PCN__STATUS_CODE__OK);

  /* A clash: Sam is at Riverside on Monday morning; Hill Street cannot
   * have him too. The message names both places (by name, the code
   * beside: issue 19), the session and the week in words. */
  uint32_t mon_am[] = {0};
  r = assign(w->mgr, w->sam, WEEK1, mon_am, 1, "F84002", 0,
             PCN__STATUS_CODE__FAILED_PRECONDITION);
  assert_non_null(strstr(r->status->message, "(F84001)"));
  assert_non_null(strstr(r->status->message, "(F84002)"));
  assert_non_null(strstr(r->status->message, "Mon AM"));
  assert_non_null(strstr(r->status->message, "week of Mon 23 Nov 2026"));
  assert_non_null(strstr(r->status->message, "Sam Patel"));

  /* Only the PCN manager sets the rota. */
  assign(w->jo, w->sam, WEEK1, mon_am, 1, "F84001", 0,
         PCN__STATUS_CODE__PERMISSION_DENIED);
  assign(w->cd, w->sam, WEEK1, mon_am, 1, "F84001", 0,
         PCN__STATUS_CODE__PERMISSION_DENIED);

  /* The pattern stands for the weeks after. */
  const Pcn__StaffRota *g = rota(w->amy, "2026-12-02");
  assert_string_equal(g->week, WEEK2);
  assert_int_equal(g->n_rows, 2); /* Old Timer left in 2020 */
  const Pcn__StaffRotaWeek *row = row_of(g, w->sam);
  assert_non_null(row);
  assert_int_equal(row->n_sessions, 10);
  assert_string_equal(row->sessions[0], "F84001");
  assert_string_equal(row->sessions[4], "F84002");
  assert_string_equal(row->sessions[5], "");
  assert_string_equal(row->from_week, WEEK1);

  /* Week 3 only: Sam's Monday morning is freed and moved to Hill Street;
   * week 4 keeps the standing pattern. */
  assign(w->mgr, w->sam, WEEK3, mon_am, 1, "", 1, PCN__STATUS_CODE__OK);
  assign(w->mgr, w->sam, WEEK3, mon_am, 1, "F84002", 1, PCN__STATUS_CODE__OK);
  row = row_of(rota(w->jo, WEEK3), w->sam);
  assert_string_equal(row->sessions[0], "F84002");
  assert_string_equal(row->sessions[1], "F84001");
  row = row_of(rota(w->jo, WEEK4), w->sam);
  assert_string_equal(row->sessions[0], "F84001");
  row = row_of(rota(w->jo, WEEK2), w->sam);
  assert_string_equal(row->sessions[0], "F84001");
}

static void test_equity_and_leave(void **state) {
  world *w = *state;
  /* Week 1 as planned: Riverside 3 sessions, Hill Street 5. */
  const Pcn__StaffEquityReport *q = equity(w->cd, WEEK1, "2026-11-27");
  assert_int_equal(q->sessions_delivered, 8);
  assert_int_equal(q->sessions_rota, 8);
  assert_int_equal(q->sessions_leave, 0);
  assert_int_equal(q->list_total, 10000);
  assert_int_equal(eq_row(q, "F84001")->sessions, 3);
  assert_int_equal(eq_row(q, "F84001")->sessions_share_bp, 3750);
  assert_int_equal(eq_row(q, "F84001")->list_share_bp, 6000);
  assert_int_equal(eq_row(q, "F84001")->deviation_bp, -2250);
  assert_int_equal(eq_row(q, "F84002")->sessions, 5);
  assert_int_equal(eq_row(q, "F84002")->sessions_share_bp, 6250);
  assert_int_equal(eq_row(q, "F84002")->deviation_bp, 2250);

  /* Leave: Pat (Hill Street's manager) records Ria's Thursday afternoon;
   * Jo may not (Ria is not Riverside's), but records Sam's. */
  leave(w->jo, w->ria, "2026-11-26", "",
        PCN__STAFF_LEAVE_PART__LEAVE_AFTERNOONS,
        PCN__STATUS_CODE__PERMISSION_DENIED);
  leave(w->amy, w->ria, "2026-11-26", "",
        PCN__STAFF_LEAVE_PART__LEAVE_AFTERNOONS,
        PCN__STATUS_CODE__PERMISSION_DENIED);
  const Pcn__Response *r =
      leave(w->pat, w->ria, "2026-11-26", "",
            PCN__STAFF_LEAVE_PART__LEAVE_AFTERNOONS, PCN__STATUS_CODE__OK);
  assert_string_equal(r->staff_leave->to, "2026-11-26");
  assert_string_equal(r->staff_leave->practice, "F84002");
  /* Overlapping leave is refused. */
  leave(w->mgr, w->ria, "2026-11-25", "2026-11-26",
        PCN__STAFF_LEAVE_PART__LEAVE_WHOLE_DAYS,
        PCN__STATUS_CODE__ALREADY_EXISTS);

  q = equity(w->amy, WEEK1, "2026-11-27");
  assert_int_equal(q->sessions_rota, 8);
  assert_int_equal(q->sessions_leave, 1);
  assert_int_equal(q->sessions_delivered, 7);
  assert_int_equal(eq_row(q, "F84001")->sessions, 3);
  assert_int_equal(eq_row(q, "F84002")->sessions, 4);
  assert_int_equal(eq_row(q, "F84001")->sessions_share_bp, 4286); /* 3/7 */
  assert_int_equal(eq_row(q, "F84002")->sessions_share_bp, 5714); /* 4/7 */
  assert_int_equal(eq_row(q, "F84001")->deviation_bp, -1714);
  assert_int_equal(eq_row(q, "F84002")->deviation_bp, 1714);

  /* Jo records Sam's whole week 2 off, then cancels it again. */
  r = leave(w->jo, w->sam, WEEK2, "2026-12-04",
            PCN__STAFF_LEAVE_PART__LEAVE_WHOLE_DAYS, PCN__STATUS_CODE__OK);
  uint64_t lid = r->staff_leave->id;
  q = equity(w->amy, WEEK1, "2026-12-04");
  assert_int_equal(q->sessions_rota, 16);
  assert_int_equal(q->sessions_leave, 5);
  assert_int_equal(eq_row(q, "F84001")->sessions, 3);
  assert_int_equal(eq_row(q, "F84002")->sessions, 8);
  Pcn__StaffLeaveCancel c = PCN__STAFF_LEAVE_CANCEL__INIT;
  c.id = lid;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_LEAVE_CANCEL;
  req.staff_leave_cancel = &c;
  its_expect(w->pat, &req, PCN__STATUS_CODE__PERMISSION_DENIED);
  r = its_expect(w->jo, &req, PCN__STATUS_CODE__OK);
  assert_true(r->staff_leave->cancelled);
  its_expect(w->jo, &req, PCN__STATUS_CODE__FAILED_PRECONDITION);
  q = equity(w->amy, WEEK1, "2026-12-04");
  assert_int_equal(q->sessions_leave, 1);
  assert_int_equal(q->sessions_delivered, 15);

  /* The rota answer carries the week's leave. */
  const Pcn__StaffRota *g = rota(w->amy, WEEK1);
  assert_int_equal(g->n_leave, 1);
  assert_int_equal(g->leave[0]->staff_id, w->ria);

  /* Leave listing. */
  Pcn__StaffLeaveList ll = PCN__STAFF_LEAVE_LIST__INIT;
  ll.staff_id = w->sam;
  ll.from = "";
  ll.to = "";
  req.body_case = PCN__REQUEST__BODY_STAFF_LEAVE_LIST;
  req.staff_leave_list = &ll;
  r = its_expect(w->amy, &req, PCN__STATUS_CODE__OK);
  assert_int_equal(r->staff_leave_page->n_leave, 1);
  assert_true(r->staff_leave_page->leave[0]->cancelled);

  /* Bank holidays deliver nothing: Christmas week, Ria's Friday is
   * Christmas Day. */
  q = equity(w->amy, "2026-12-21", "2026-12-25");
  assert_int_equal(eq_row(q, "F84002")->sessions, 1 + 2); /* Wed AM, Thu */
  assert_int_equal(eq_row(q, "F84001")->sessions, 3);
}

static void test_bad_input(void **state) {
  world *w = *state;
  uint64_t head = its_head(w->mgr);
  const Pcn__Response *r;
  r = add(w->mgr, "", "GP", "F84001", 100, 0,
          PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_string_equal(r->status->details->field, "name");
  r = add(w->mgr, "X", "", "F84001", 100, 0,
          PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_string_equal(r->status->details->field, "role");
  r = add(w->mgr, "X", "GP", "F84001", 0, 0,
          PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_string_equal(r->status->details->field, "wte");
  r = add(w->mgr, "X", "GP", "F84001", 101, 0,
          PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_string_equal(r->status->details->field, "wte");
  r = add(w->mgr, "X", "GP", "F84001", 100, -1,
          PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_string_equal(r->status->details->field, "annual_cost");
  r = add(w->mgr, "X", "GP", "", 100, 0, PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_string_equal(r->status->details->field, "practice");
  r = add(w->mgr, "X", "GP", "F99999", 100, 0, PCN__STATUS_CODE__NOT_FOUND);
  assert_non_null(strstr(r->status->message, "F99999"));

  uint32_t bad[] = {10}, twice[] = {3, 3};
  r = assign(w->mgr, w->sam, WEEK1, bad, 1, "F84001", 0,
             PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_string_equal(r->status->details->field, "cells");
  r = assign(w->mgr, w->sam, "2026-02-30", twice, 1, "F84001", 0,
             PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_string_equal(r->status->details->field, "week");
  r = assign(w->mgr, 999, WEEK1, twice, 1, "F84001", 0,
             PCN__STATUS_CODE__NOT_FOUND);
  r = assign(w->mgr, w->ria, WEEK1, twice, 1, "F99999", 0,
             PCN__STATUS_CODE__NOT_FOUND);
  r = assign(w->mgr, w->old, WEEK1, twice, 1, "F84001", 0,
             PCN__STATUS_CODE__FAILED_PRECONDITION); /* left in 2020 */

  /* Twice in one request at two places: a clash too. */
  Pcn__StaffRotaCell c1 = PCN__STAFF_ROTA_CELL__INIT,
                     c2 = PCN__STAFF_ROTA_CELL__INIT, *cp[] = {&c1, &c2};
  c1.session = c2.session = 5;
  c1.practice = "F84001";
  c2.practice = "F84002";
  Pcn__StaffRotaSet s = PCN__STAFF_ROTA_SET__INIT;
  s.staff_id = w->sam;
  s.week = WEEK1;
  s.cells = cp;
  s.n_cells = 2;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_ROTA_SET;
  req.staff_rota_set = &s;
  r = its_expect(w->mgr, &req, PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_string_equal(r->status->details->field, "cells");
  assert_non_null(strstr(r->status->message, "F84001"));
  assert_non_null(strstr(r->status->message, "F84002"));

  r = leave(w->mgr, w->sam, "2026-12-10", "2026-12-09", 0,
            PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_string_equal(r->status->details->field, "to");
  r = leave(w->mgr, w->sam, "tomorrow", "", 0,
            PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_string_equal(r->status->details->field, "from");
  r = leave(w->mgr, w->sam, "2026-12-10", "", 7,
            PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_string_equal(r->status->details->field, "part");
  r = leave(w->mgr, 999, "2026-12-10", "", 0, PCN__STATUS_CODE__NOT_FOUND);
  assert_string_equal(r->status->details->field, "staff_id");

  Pcn__StaffEquity e = PCN__STAFF_EQUITY__INIT;
  e.from = "2026-12-10";
  e.to = "2026-12-01";
  req.body_case = PCN__REQUEST__BODY_STAFF_EQUITY;
  req.staff_equity = &e;
  r = its_expect(w->amy, &req, PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_string_equal(r->status->details->field, "to");
  e.from = "2020-01-01";
  e.to = "2026-01-01";
  r = its_expect(w->amy, &req, PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_string_equal(r->status->details->field, "to");

  /* Nothing changed. */
  assert_int_equal(its_head(w->mgr), head);
  assert_int_equal(list(w->mgr, 1)->n_staff, 3);
}

/* Every member sees every staff event: the sharing is everyone's
 * business. */
static void test_visibility(void **state) {
  world *w = *state;
  its_events *base = its_seen(w->s, w->mgr, w->mgr, w->since);
  size_t ns = its_events_count(base, PCN__EVENT__RECORD_STAFF_MEMBER),
         nr = its_events_count(base, PCN__EVENT__RECORD_STAFF_ROTA_WEEK),
         nl = its_events_count(base, PCN__EVENT__RECORD_STAFF_LEAVE);
  /* 3 added, 1 updated, 1 ended; 3 weeks set in week 1, 2 in week 3 each
   * writing week 4 back once; 2 leave, 1 cancelled. */
  assert_int_equal(ns, 5);
  assert_int_equal(nr, 3 + 2 + 1);
  assert_int_equal(nl, 3);
  its_events_free(base);
  its_member *viewers[] = {w->cd, w->jo, w->pat, w->amy};
  for (size_t i = 0; i < 4; i++) {
    its_events *e = its_seen(w->s, viewers[i], w->mgr, w->since);
    assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_STAFF_MEMBER), ns);
    assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_STAFF_ROTA_WEEK),
                     nr);
    assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_STAFF_LEAVE), nl);
    for (size_t k = 0; k < e->n; k++)
      if (e->ev[k]->record_case == PCN__EVENT__RECORD_STAFF_LEAVE)
        assert_string_equal(e->ev[k]->audience, "");
    its_events_free(e);
  }
}

static void test_restart(void **state) {
  world *w = *state;
  free_members(w);
  its_stop(w->s);
  /* What the ledger asks of the register (ARRS headroom): the costs of
   * those employed on a day. Sam (£42,000) and Ria (£31,500.50) now; in
   * 2019 Old Timer (£20,000) too, who left in January 2020. */
  store st;
  char err[200];
  assert_int_equal(store_open(&st, w->s->dir, 64u << 20, 0, err, sizeof err),
                   0);
  MDB_txn *txn;
  assert_int_equal(mdb_txn_begin(st.env, NULL, MDB_RDONLY, &txn), 0);
  int64_t pence;
  uint32_t count;
  int32_t day;
  assert_int_equal(pcn_date_parse("2026-11-23", &day), 0);
  assert_int_equal(staff_costs_on(txn, &st, day, &pence, &count), 0);
  assert_int_equal(count, 2);
  assert_int_equal(pence, 4200000 + 3150050);
  assert_int_equal(pcn_date_parse("2019-06-01", &day), 0);
  assert_int_equal(staff_costs_on(txn, &st, day, &pence, &count), 0);
  assert_int_equal(count, 3);
  assert_int_equal(pence, 4200000 + 3150050 + 2000000);
  mdb_txn_abort(txn);
  store_close(&st);
  its_run(w->s);
  login_all(w);
  uint64_t head = its_head(w->mgr);
  assert_int_equal(list(w->amy, 1)->n_staff, 3);
  const Pcn__StaffRotaWeek *row = row_of(rota(w->jo, WEEK3), w->sam);
  assert_string_equal(row->sessions[0], "F84002");
  const Pcn__StaffEquityReport *q = equity(w->amy, WEEK1, "2026-11-27");
  assert_int_equal(q->sessions_delivered, 7);
  assert_int_equal(eq_row(q, "F84001")->deviation_bp, -1714);
  assert_int_equal(its_head(w->mgr), head); /* the start wrote nothing */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_register),         cmocka_unit_test(test_rota),
      cmocka_unit_test(test_equity_and_leave), cmocka_unit_test(test_bad_input),
      cmocka_unit_test(test_visibility),       cmocka_unit_test(test_restart),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
