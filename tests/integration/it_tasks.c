/* it_tasks.c - tasks end to end over TLS: create, list with every filter
 * and the cursor, show, update with CONFLICT carrying the current record,
 * assign, comment, close, reopen, and who sees which tasks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_visibility),
      cmocka_unit_test(test_update_conflict),
      cmocka_unit_test(test_assign_comment_close),
      cmocka_unit_test(test_list_pages_and_filters),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
