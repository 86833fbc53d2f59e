/* it_tasks.c - tasks end to end over TLS: create, list with every filter
 * and the cursor, show, update with CONFLICT carrying the current record,
 * assign, comment, close, reopen, and who sees which tasks; and (issue 20)
 * one order across the network's and the practice's tasks on every page,
 * overdue by the London date of the server's (test) clock, recurring
 * tasks, and the reminders on the due date and when overdue, once each,
 * across a restart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"
#include "tasks.h"
#include "validate.h"

#define DAY_MS (24LL * 3600 * 1000)
#define CLOCK_OPTS "--test-clock --session-idle 31536000 --session-max 31536000"

typedef struct world {
  its_server *s;
  its_member *mgr, *pm_a, *staff_a, *pm_b;
} world;

static int setup(void **state) {
  world *w = calloc(1, sizeof *w);
  w->s = its_start("");
  w->mgr = its_manager(w->s);
  its_add_practices(w->mgr, 2);
  w->pm_a = its_add_member(w->s, w->mgr, "pma", PCN__ROLE__PRACTICE_MANAGER,
                           "F84001");
  w->staff_a =
      its_add_member(w->s, w->pm_a, "staffa", PCN__ROLE__STAFF, "F84001");
  w->pm_b = its_add_member(w->s, w->mgr, "pmb", PCN__ROLE__PRACTICE_MANAGER,
                           "F84002");
  *state = w;
  return 0;
}

static int teardown(void **state) {
  world *w = *state;
  its_member_free(w->mgr);
  its_member_free(w->pm_a);
  its_member_free(w->staff_a);
  its_member_free(w->pm_b);
  assert_int_equal(its_verify(w->s), 0);
  its_free(w->s);
  free(w);
  return 0;
}

static Pcn__Request req_list(Pcn__TaskList *l) {
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_TASK_LIST;
  r.task_list = l;
  return r;
}

static int page_has(const Pcn__Response *r, uint64_t id) {
  for (size_t i = 0; i < r->tasks->n_tasks; i++)
    if (r->tasks->tasks[i]->id == id) return 1;
  return 0;
}

static void test_visibility(void **state) {
  world *w = *state;
  uint64_t net = its_task(w->mgr, "Network flu plan", "", "2026-12-01", "");
  uint64_t a = its_task(w->pm_a, "Riverside rota", "F84001", NULL, NULL);
  uint64_t b = its_task(w->pm_b, "Hill Street audit", "F84002", NULL, NULL);

  Pcn__TaskList l = PCN__TASK_LIST__INIT;
  Pcn__Request r = req_list(&l);
  const Pcn__Response *resp = its_expect(w->pm_a, &r, PCN__STATUS_CODE__OK);
  assert_true(page_has(resp, net));
  assert_true(page_has(resp, a));
  assert_false(page_has(resp, b));

  resp = its_expect(w->mgr, &r, PCN__STATUS_CODE__OK);
  assert_true(page_has(resp, net));
  assert_false(page_has(resp, a)); /* a practice's own records are its own */

  Pcn__TaskGet g = PCN__TASK_GET__INIT;
  g.id = b;
  Pcn__Request gr = PCN__REQUEST__INIT;
  gr.body_case = PCN__REQUEST__BODY_TASK_GET;
  gr.task_get = &g;
  /* Another practice's task is, to Riverside, no task at all (issue 13). */
  its_expect(w->pm_a, &gr, PCN__STATUS_CODE__NOT_FOUND);
  resp = its_expect(w->pm_b, &gr, PCN__STATUS_CODE__OK);
  assert_string_equal(resp->task_detail->task->title, "Hill Street audit");

  /* Listing another practice's tasks is refused, one's own allowed. */
  l.scope = PCN__TASK_LIST__SCOPE__PRACTICE;
  l.practice = "F84002";
  its_expect(w->pm_a, &r, PCN__STATUS_CODE__PERMISSION_DENIED);
  l.practice = "f84001"; /* lower case is accepted */
  resp = its_expect(w->staff_a, &r, PCN__STATUS_CODE__OK);
  assert_true(page_has(resp, a));
  assert_false(page_has(resp, net));
}

static void test_update_conflict(void **state) {
  world *w = *state;
  uint64_t id = its_task(w->mgr, "Draft winter plan", "", NULL, NULL);
  Pcn__TaskUpdate u = PCN__TASK_UPDATE__INIT;
  u.id = id;
  u.version = 1;
  u.has_title_case = PCN__TASK_UPDATE__HAS_TITLE_TITLE;
  u.title = "Winter plan v2";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_TASK_UPDATE;
  r.task_update = &u;
  const Pcn__Response *resp = its_expect(w->mgr, &r, PCN__STATUS_CODE__OK);
  assert_int_equal(resp->task->version, 2);
  assert_string_equal(resp->task->title, "Winter plan v2");

  /* The same stale version again: CONFLICT, with the current record. */
  u.title = "Someone else's idea";
  resp = its_expect(w->mgr, &r, PCN__STATUS_CODE__CONFLICT);
  assert_int_equal(resp->body_case, PCN__RESPONSE__BODY_TASK);
  assert_int_equal(resp->task->version, 2);
  assert_string_equal(resp->task->title, "Winter plan v2");

  /* Bad input: a bad date and an over-long title lose nothing. */
  u.version = 2;
  u.has_due_case = PCN__TASK_UPDATE__HAS_DUE_DUE;
  u.due = "2026-02-30";
  resp = its_expect(w->mgr, &r, PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_non_null(strstr(resp->status->message, "YYYY-MM-DD"));
  u.has_due_case = PCN__TASK_UPDATE__HAS_DUE__NOT_SET;
  char longt[300];
  memset(longt, 'x', sizeof longt - 1);
  longt[sizeof longt - 1] = 0;
  u.title = longt;
  its_expect(w->mgr, &r, PCN__STATUS_CODE__INVALID_ARGUMENT);
  Pcn__TaskGet g = PCN__TASK_GET__INIT;
  g.id = id;
  Pcn__Request gr = PCN__REQUEST__INIT;
  gr.body_case = PCN__REQUEST__BODY_TASK_GET;
  gr.task_get = &g;
  resp = its_expect(w->mgr, &gr, PCN__STATUS_CODE__OK);
  assert_int_equal(resp->task_detail->task->version, 2);
}

static void test_assign_comment_close(void **state) {
  world *w = *state;
  uint64_t id =
      its_task(w->pm_a, "Order vaccines", "F84001", "2026-12-10", NULL);
  Pcn__TaskAssign as = PCN__TASK_ASSIGN__INIT;
  as.id = id;
  as.assignee = "staffa";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_TASK_ASSIGN;
  r.task_assign = &as;
  /* Someone of another practice cannot be assigned a practice task. */
  as.assignee = "pmb";
  its_expect(w->pm_a, &r, PCN__STATUS_CODE__INVALID_ARGUMENT);
  as.assignee = "staffa";
  its_expect(w->pm_a, &r, PCN__STATUS_CODE__OK);

  /* The assignee (staff) may work their own task. */
  Pcn__TaskComment c = PCN__TASK_COMMENT__INIT;
  c.id = id;
  c.text = "Ordered 200 doses.\nDelivery Tuesday.";
  Pcn__Request cr = PCN__REQUEST__INIT;
  cr.body_case = PCN__REQUEST__BODY_TASK_COMMENT;
  cr.task_comment = &c;
  its_expect(w->staff_a, &cr, PCN__STATUS_CODE__OK);
  its_expect(w->pm_b, &cr, PCN__STATUS_CODE__NOT_FOUND); /* not theirs */

  Pcn__TaskClose cl = PCN__TASK_CLOSE__INIT;
  cl.id = id;
  Pcn__Request clr = PCN__REQUEST__INIT;
  clr.body_case = PCN__REQUEST__BODY_TASK_CLOSE;
  clr.task_close = &cl;
  const Pcn__Response *resp =
      its_expect(w->staff_a, &clr, PCN__STATUS_CODE__OK);
  assert_int_equal(resp->task->status, PCN__TASK_STATUS__TASK_CLOSED);
  its_expect(w->staff_a, &clr, PCN__STATUS_CODE__FAILED_PRECONDITION);

  Pcn__TaskReopen ro = PCN__TASK_REOPEN__INIT;
  ro.id = id;
  Pcn__Request ror = PCN__REQUEST__INIT;
  ror.body_case = PCN__REQUEST__BODY_TASK_REOPEN;
  ror.task_reopen = &ro;
  resp = its_expect(w->pm_a, &ror, PCN__STATUS_CODE__OK);
  assert_int_equal(resp->task->status, PCN__TASK_STATUS__TASK_OPEN);

  Pcn__TaskGet g = PCN__TASK_GET__INIT;
  g.id = id;
  Pcn__Request gr = PCN__REQUEST__INIT;
  gr.body_case = PCN__REQUEST__BODY_TASK_GET;
  gr.task_get = &g;
  resp = its_expect(w->staff_a, &gr, PCN__STATUS_CODE__OK);
  assert_int_equal(resp->task_detail->n_comments, 1);
  assert_string_equal(resp->task_detail->comments[0]->author, "staffa");
  assert_string_equal(resp->task_detail->task->assignee, "staffa");
}

/* 23 tasks listed 5 at a time: each exactly once, in due-date order, with
 * the filters applied. */
static void test_list_pages_and_filters(void **state) {
  world *w = *state;
  char title[64], due[16];
  for (int i = 0; i < 23; i++) {
    snprintf(title, sizeof title, "Paged %02d", i);
    snprintf(due, sizeof due, "2027-01-%02d", 23 - i);
    its_task(w->pm_b, title, "F84002", due, i % 3 == 0 ? "pmb" : NULL);
  }
  Pcn__TaskList l = PCN__TASK_LIST__INIT;
  l.scope = PCN__TASK_LIST__SCOPE__PRACTICE;
  l.practice = "F84002";
  l.limit = 5;
  l.due_before = "2027-02-01";
  Pcn__Request r = req_list(&l);
  int seen[23] = {0}, total = 0;
  char cursor[64] = "";
  char last_due[16] = "";
  for (int page = 0; page < 10; page++) {
    l.after = cursor;
    const Pcn__Response *resp = its_expect(w->pm_b, &r, PCN__STATUS_CODE__OK);
    for (size_t i = 0; i < resp->tasks->n_tasks; i++) {
      Pcn__Task *t = resp->tasks->tasks[i];
      int k = atoi(t->title + 6);
      assert_int_equal(seen[k], 0);
      seen[k] = 1;
      total++;
      assert_true(strcmp(t->due, last_due) >= 0);
      snprintf(last_due, sizeof last_due, "%s", t->due);
    }
    if (!resp->tasks->next[0]) break;
    snprintf(cursor, sizeof cursor, "%s", resp->tasks->next);
  }
  assert_int_equal(total, 23);

  l.limit = 100;
  l.after = "";
  l.assignee = "pmb";
  const Pcn__Response *resp = its_expect(w->pm_b, &r, PCN__STATUS_CODE__OK);
  assert_int_equal(resp->tasks->n_tasks, 8); /* i = 0, 3, ..., 21 */
  l.assignee = "";
  l.due_before = "2027-01-05"; /* dues 01..04 */
  resp = its_expect(w->pm_b, &r, PCN__STATUS_CODE__OK);
  assert_int_equal(resp->tasks->n_tasks, 4);
  l.status = PCN__TASK_STATUS__TASK_CLOSED;
  resp = its_expect(w->pm_b, &r, PCN__STATUS_CODE__OK);
  assert_int_equal(resp->tasks->n_tasks, 0);
  l.after = "not-a-cursor";
  its_expect(w->pm_b, &r, PCN__STATUS_CODE__INVALID_ARGUMENT);
}

/* ------------------------------------------------------------ issue 20 */

static const char *fmt(int32_t day) {
  static char buf[4][11];
  static int k;
  k = (k + 1) % 4;
  pcn_date_format(day, buf[k]);
  return buf[k];
}

/* Moves the server's clock to `hour`:00 UTC on day (not earlier than now);
 * the ticks for the new time have run when this returns. */
static void goto_day(its_member *m, int32_t day, int hour) {
  int64_t now = its_advance(m, 0);
  int64_t at = (int64_t)day * DAY_MS + hour * 3600 * 1000LL;
  assert_true(at >= now);
  its_advance(m, at - now);
}

static const Pcn__Response *task_get(its_member *m, uint64_t id) {
  Pcn__TaskGet g = PCN__TASK_GET__INIT;
  g.id = id;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_TASK_GET;
  r.task_get = &g;
  return its_expect(m, &r, PCN__STATUS_CODE__OK);
}

static const Pcn__Response *task_close(its_member *m, uint64_t id, int code) {
  Pcn__TaskClose c = PCN__TASK_CLOSE__INIT;
  c.id = id;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_TASK_CLOSE;
  r.task_close = &c;
  return its_expect(m, &r, code);
}

/* The practice manager's list is one order across the network's tasks and
 * the practice's (the issue: 15, 15, 18 Dec network, then 09, 20 Dec the
 * practice's): by due date, undated last, then id, and the same when it
 * is read two at a time. */
static void test_one_order(void **state) {
  world *w = *state;
  /* A fresh practice's view: Hill Street (pmb) and the network's. */
  Pcn__TaskList l = PCN__TASK_LIST__INIT;
  l.status = PCN__TASK_STATUS__TASK_OPEN;
  l.limit = 500;
  Pcn__Request r = req_list(&l);
  size_t before = its_expect(w->pm_b, &r, PCN__STATUS_CODE__OK)->tasks->n_tasks;
  uint64_t want[7];
  want[6] = its_task(w->pm_b, "Undated B", "F84002", NULL, NULL);
  want[2] = its_task(w->mgr, "Net 15 a", "", "2028-12-15", NULL);
  want[3] = its_task(w->mgr, "Net 15 b", "", "2028-12-15", NULL);
  want[4] = its_task(w->mgr, "Net 18", "", "2028-12-18", NULL);
  want[0] = its_task(w->pm_b, "B 09", "F84002", "2028-12-09", NULL);
  want[5] = its_task(w->pm_b, "B 20", "F84002", "2028-12-20", NULL);
  want[1] = its_task(w->pm_b, "B 09 later id", "F84002", "2028-12-09", NULL);
  (void)before;
  for (uint32_t limit = 2; limit <= 500; limit += 498) {
    l.limit = limit;
    char cursor[64] = "";
    uint64_t got[600];
    size_t n = 0;
    char last_due[16] = "";
    int undated = 0;
    for (int page = 0; page < 300; page++) {
      l.after = cursor;
      const Pcn__Response *resp = its_expect(w->pm_b, &r, PCN__STATUS_CODE__OK);
      for (size_t i = 0; i < resp->tasks->n_tasks && n < 600; i++) {
        const Pcn__Task *t = resp->tasks->tasks[i];
        /* due ascending, undated last, across both scopes */
        if (!t->due[0])
          undated = 1;
        else {
          assert_false(undated);
          assert_true(strcmp(t->due, last_due) >= 0);
          snprintf(last_due, sizeof last_due, "%s", t->due);
        }
        for (size_t j = 0; j < n; j++)
          assert_true(got[j] != t->id); /* each once */
        got[n++] = t->id;
      }
      if (!resp->tasks->next[0]) break;
      snprintf(cursor, sizeof cursor, "%s", resp->tasks->next);
    }
    /* The seven, in the order wanted, among the rest. */
    size_t at = 0;
    for (size_t j = 0; j < n && at < 7; j++)
      if (got[j] == want[at]) at++;
    assert_int_equal(at, 7);
  }
}

typedef struct cworld {
  its_server *s;
  its_member *mgr, *pm_a, *staff_a, *pm_b;
} cworld;

static cworld *cworld_new(void) {
  cworld *w = calloc(1, sizeof *w);
  w->s = its_start(CLOCK_OPTS);
  w->mgr = its_manager(w->s);
  its_add_practices(w->mgr, 2);
  w->pm_a = its_add_member(w->s, w->mgr, "pma", PCN__ROLE__PRACTICE_MANAGER,
                           "F84001");
  w->staff_a =
      its_add_member(w->s, w->pm_a, "staffa", PCN__ROLE__STAFF, "F84001");
  w->pm_b = its_add_member(w->s, w->mgr, "pmb", PCN__ROLE__PRACTICE_MANAGER,
                           "F84002");
  return w;
}

static void cworld_free(cworld *w) {
  its_member_free(w->mgr);
  its_member_free(w->pm_a);
  its_member_free(w->staff_a);
  its_member_free(w->pm_b);
  assert_int_equal(its_verify(w->s), 0);
  its_free(w->s);
  free(w);
}

static void cworld_relogin(cworld *w) {
  w->mgr = its_relogin(w->s, w->mgr);
  w->pm_a = its_relogin(w->s, w->pm_a);
  w->staff_a = its_relogin(w->s, w->staff_a);
  w->pm_b = its_relogin(w->s, w->pm_b);
}

/* Overdue is open and due before the London date of the server's clock:
 * in summer time, 23:30 UTC is already the next day in London. The list
 * and show say today; --overdue lists exactly the overdue. */
static void test_overdue(void **state) {
  (void)state;
  cworld *w = cworld_new();
  int64_t y;
  int m, d;
  int32_t now = (int32_t)(its_now(w->mgr) / DAY_MS);
  pcn_civil_from_days(now, &y, &m, &d);
  int32_t june = (int32_t)pcn_days_from_civil(y + 1, 6, 10);
  uint64_t past = its_task(w->pm_a, "Was due", "F84001", fmt(june - 1), NULL);
  uint64_t today = its_task(w->pm_a, "Due today", "F84001", fmt(june), NULL);
  uint64_t later = its_task(w->mgr, "Due later", "", fmt(june + 1), NULL);
  uint64_t undated = its_task(w->mgr, "No date", "", NULL, NULL);
  uint64_t closed =
      its_task(w->pm_a, "Done early", "F84001", fmt(june - 3), NULL);
  task_close(w->pm_a, closed, PCN__STATUS_CODE__OK);
  goto_day(w->mgr, june - 1, 23); /* 23:00 UTC = 00:00 BST on the 10th */
  int64_t at = its_advance(w->mgr, 30 * 60 * 1000);
  assert_int_equal(tasks_today(at, NULL), june);

  Pcn__TaskList l = PCN__TASK_LIST__INIT;
  l.overdue = 1;
  Pcn__Request r = req_list(&l);
  const Pcn__Response *resp = its_expect(w->pm_a, &r, PCN__STATUS_CODE__OK);
  assert_string_equal(resp->tasks->today, fmt(june));
  assert_int_equal(resp->tasks->n_tasks, 1);
  assert_int_equal(resp->tasks->tasks[0]->id, past);
  (void)today, (void)later, (void)undated;
  assert_string_equal(task_get(w->pm_a, today)->task_detail->today, fmt(june));

  /* Overdue with the closed status is a contradiction, named. */
  l.status = PCN__TASK_STATUS__TASK_CLOSED;
  resp = its_expect(w->pm_a, &r, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(resp, "overdue");
  cworld_free(w);
}

/* A monthly task due on a month's last day: closing it makes the next,
 * due on the next month's last day, same title, scope and assignee, in
 * the same commit; closing again after a reopen makes no second one;
 * --every none stops it; --every without a due date is refused. */
static void test_recurring(void **state) {
  world *w = *state;
  Pcn__TaskCreate c = PCN__TASK_CREATE__INIT;
  c.title = "Monthly figures to the PCN";
  c.practice = "F84001";
  c.due = "2027-01-31";
  c.assignee = "staffa";
  c.every = PCN__TASK_REPEAT__TASK_MONTHLY;
  Pcn__Request cr = PCN__REQUEST__INIT;
  cr.body_case = PCN__REQUEST__BODY_TASK_CREATE;
  cr.task_create = &c;
  const Pcn__Response *resp = its_expect(w->pm_a, &cr, PCN__STATUS_CODE__OK);
  uint64_t first = resp->task->id;
  assert_int_equal(resp->task->every, PCN__TASK_REPEAT__TASK_MONTHLY);

  uint64_t head = its_head(w->pm_a);
  resp = task_close(w->staff_a, first, PCN__STATUS_CODE__OK);
  uint64_t second = resp->task->next_id;
  assert_true(second > first);
  assert_int_equal(its_head(w->pm_a), head + 2); /* one commit, two events */
  const Pcn__Task *n = task_get(w->pm_a, second)->task_detail->task;
  assert_string_equal(n->due, "2027-02-28");
  assert_string_equal(n->title, "Monthly figures to the PCN");
  assert_string_equal(n->practice, "F84001");
  assert_string_equal(n->assignee, "staffa");
  assert_int_equal(n->status, PCN__TASK_STATUS__TASK_OPEN);
  assert_int_equal(n->follows, first);

  /* Reopened and closed again: no second next. */
  Pcn__TaskReopen ro = PCN__TASK_REOPEN__INIT;
  ro.id = first;
  Pcn__Request ror = PCN__REQUEST__INIT;
  ror.body_case = PCN__REQUEST__BODY_TASK_REOPEN;
  ror.task_reopen = &ro;
  its_expect(w->pm_a, &ror, PCN__STATUS_CODE__OK);
  resp = task_close(w->pm_a, first, PCN__STATUS_CODE__OK);
  assert_int_equal(resp->task->next_id, second);

  /* Month end stays month end: 28 Feb (its last day) -> 31 Mar. */
  resp = task_close(w->pm_a, second, PCN__STATUS_CODE__OK);
  uint64_t third = resp->task->next_id;
  assert_string_equal(task_get(w->pm_a, third)->task_detail->task->due,
                      "2027-03-31");

  /* --every none stops it: closing makes nothing. */
  Pcn__TaskUpdate u = PCN__TASK_UPDATE__INIT;
  u.id = third;
  u.version = 1;
  u.has_every_case = PCN__TASK_UPDATE__HAS_EVERY_EVERY;
  u.every = PCN__TASK_REPEAT__TASK_REPEAT_NONE;
  Pcn__Request ur = PCN__REQUEST__INIT;
  ur.body_case = PCN__REQUEST__BODY_TASK_UPDATE;
  ur.task_update = &u;
  its_expect(w->pm_a, &ur, PCN__STATUS_CODE__OK);
  resp = task_close(w->pm_a, third, PCN__STATUS_CODE__OK);
  assert_int_equal(resp->task->next_id, 0);

  /* A recurring task needs a due date; a period must be one we know. */
  c.due = "";
  resp = its_expect(w->pm_a, &cr, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(resp, "every");
  c.due = "2027-01-15";
  c.every = (Pcn__TaskRepeat)9;
  resp = its_expect(w->pm_a, &cr, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(resp, "every");
  /* Weekly and quarterly move on by 7 days and 3 months. */
  assert_int_equal(tasks_next_due(PCN__TASK_REPEAT__TASK_WEEKLY, 100), 107);
  int32_t nov30 = (int32_t)pcn_days_from_civil(2027, 11, 30);
  assert_int_equal(tasks_next_due(PCN__TASK_REPEAT__TASK_QUARTERLY, nov30),
                   pcn_days_from_civil(2028, 2, 29));
  int32_t jan30 = (int32_t)pcn_days_from_civil(2027, 1, 30);
  assert_int_equal(tasks_next_due(PCN__TASK_REPEAT__TASK_MONTHLY, jan30),
                   pcn_days_from_civil(2027, 2, 28));
}

/* The reminders in events from since that `viewer` sees. */
static size_t task_reminders(cworld *w, its_member *viewer, uint64_t since,
                             uint64_t task, int overdue, const char *to,
                             const char *audience) {
  its_events *e = its_seen(w->s, viewer, w->mgr, since);
  size_t n = 0;
  for (size_t i = 0; i < e->n; i++) {
    const Pcn__Event *ev = e->ev[i];
    if (ev->record_case != PCN__EVENT__RECORD_TASK_REMINDER ||
        ev->task_reminder->task_id != task ||
        ev->task_reminder->overdue != overdue)
      continue;
    assert_string_equal(ev->task_reminder->to, to);
    assert_string_equal(ev->audience, audience);
    n++;
  }
  its_events_free(e);
  return n;
}

/* On the due date from 07:00 London and once overdue, once each, to the
 * assignee, the practice manager (unassigned practice task) or the PCN
 * manager (unassigned network task), and never again after a restart;
 * none for a task overdue by more than two weeks. */
static void test_reminders(void **state) {
  (void)state;
  cworld *w = cworld_new();
  int64_t y;
  int m, d;
  pcn_civil_from_days((int32_t)(its_now(w->mgr) / DAY_MS), &y, &m, &d);
  int32_t due = (int32_t)pcn_days_from_civil(y + 1, 1, 20); /* GMT */
  uint64_t since = its_head(w->mgr);
  uint64_t assigned =
      its_task(w->pm_a, "Assigned", "F84001", fmt(due), "staffa");
  uint64_t practice = its_task(w->pm_a, "Unassigned", "F84001", fmt(due), NULL);
  uint64_t network = its_task(w->mgr, "Network", "", fmt(due), NULL);
  uint64_t net_to_a = its_task(w->mgr, "Network, to A", "", fmt(due), "pma");

  goto_day(w->mgr, due, 6); /* before 07:00: nothing yet */
  assert_int_equal(
      task_reminders(w, w->staff_a, since, assigned, 0, "staffa", "F84001"), 0);
  goto_day(w->mgr, due, 9);
  its_advance(w->mgr, 60 * 1000); /* another tick: still once */
  assert_int_equal(
      task_reminders(w, w->staff_a, since, assigned, 0, "staffa", "F84001"), 1);
  assert_int_equal(
      task_reminders(w, w->pm_a, since, practice, 0, "pma", "F84001"), 1);
  assert_int_equal(task_reminders(w, w->mgr, since, network, 0, "manager", "+"),
                   1);
  assert_int_equal(
      task_reminders(w, w->pm_a, since, net_to_a, 0, "pma", "+F84001"), 1);
  /* Hill Street sees none of Riverside's. */
  assert_int_equal(
      task_reminders(w, w->pm_b, since, practice, 0, "pma", "F84001"), 0);

  goto_day(w->mgr, due + 1, 9);
  its_advance(w->mgr, 60 * 1000);
  assert_int_equal(
      task_reminders(w, w->staff_a, since, assigned, 1, "staffa", "F84001"), 1);
  assert_int_equal(task_reminders(w, w->mgr, since, network, 1, "manager", "+"),
                   1);
  /* A closed task is not reminded again. */
  task_close(w->mgr, network, PCN__STATUS_CODE__OK);
  goto_day(w->mgr, due + 3, 9);
  assert_int_equal(task_reminders(w, w->mgr, since, network, 1, "manager", "+"),
                   1);

  /* Past due at the real clock too: reminded once, and not again by the
   * start-up tick after a restart (the test clock starts again from the
   * real time, when the task is still overdue). */
  its_stop(w->s);
  its_run(w->s);
  cworld_relogin(w);
  int32_t real = tasks_today(its_now(w->mgr), NULL);
  uint64_t old = its_task(w->pm_a, "Overdue", "F84001", fmt(real - 2), NULL);
  /* Overdue longer than TASK_REMIND_DAYS (14): none, it is stale. */
  uint64_t stale = its_task(w->pm_a, "Stale", "F84001", fmt(real - 15), NULL);
  its_advance(w->mgr, 0);
  assert_int_equal(task_reminders(w, w->pm_a, since, old, 1, "pma", "F84001"),
                   1);
  assert_int_equal(task_reminders(w, w->pm_a, since, stale, 1, "pma", "F84001"),
                   0);
  its_stop(w->s);
  its_run(w->s);
  cworld_relogin(w);
  its_advance(w->mgr, 60 * 1000);
  assert_int_equal(task_reminders(w, w->pm_a, since, old, 1, "pma", "F84001"),
                   1);
  /* The assigned one, overdue at the advanced clock, is not overdue at the
   * real one; nothing more was sent for it. */
  assert_int_equal(
      task_reminders(w, w->staff_a, since, assigned, 1, "staffa", "F84001"), 1);
  cworld_free(w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_visibility),
      cmocka_unit_test(test_update_conflict),
      cmocka_unit_test(test_assign_comment_close),
      cmocka_unit_test(test_list_pages_and_filters),
      cmocka_unit_test(test_one_order),
      cmocka_unit_test(test_recurring),
  };
  const struct CMUnitTest clock_tests[] = {
      cmocka_unit_test(test_overdue),
      cmocka_unit_test(test_reminders),
  };
  int failed = cmocka_run_group_tests(tests, setup, teardown);
  return failed + cmocka_run_group_tests(clock_tests, NULL, NULL);
}
