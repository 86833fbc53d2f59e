/* it_meetings.c - meetings end to end over TLS, between the PCN manager,
 * the practice managers of two practices (Jo at F84001, Sam at F84002),
 * a member of Jo's staff and the clinical director: calling a meeting with
 * invitees, the agenda (invitees yes, others no), rescheduling with
 * CONFLICT, attendance after the meeting (the meeting's length by
 * default), minutes, actions that become tasks in the same commit, bad
 * input refused with the field named and nothing changed, who sees which
 * events, cancelling, and everything still there after a restart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

#define MIN_MS 60000LL
#define HOUR_MS (60 * MIN_MS)

typedef struct world {
  its_server *s;
  its_member *mgr, *cd, *jo, *ali, *sam;
} world;

static int setup(void **state) {
  world *w = calloc(1, sizeof *w);
  w->s = its_start("--test-clock");
  w->mgr = its_manager(w->s);
  its_add_practices(w->mgr, 2);
  w->cd = its_add_member(w->s, w->mgr, "cd", PCN__ROLE__CLINICAL_DIRECTOR, "");
  w->jo =
      its_add_member(w->s, w->mgr, "jo", PCN__ROLE__PRACTICE_MANAGER, "F84001");
  w->ali = its_add_member(w->s, w->jo, "ali", PCN__ROLE__STAFF, "F84001");
  w->sam = its_add_member(w->s, w->mgr, "sam", PCN__ROLE__PRACTICE_MANAGER,
                          "F84002");
  *state = w;
  return 0;
}

static int teardown(void **state) {
  world *w = *state;
  its_member *all[] = {w->mgr, w->cd, w->jo, w->ali, w->sam};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    its_member_free(all[i]);
  assert_int_equal(its_verify(w->s), 0);
  its_free(w->s);
  free(w);
  return 0;
}

/* ------------------------------------------------------------ requests */

static const Pcn__Response *create(its_member *m, const char *title,
                                   int64_t starts, int64_t ends,
                                   const char *place, char **invitees, size_t n,
                                   int code) {
  Pcn__MeetingCreate c = PCN__MEETING_CREATE__INIT;
  c.title = (char *)title;
  c.starts_at = starts;
  c.ends_at = ends;
  c.place = (char *)place;
  c.invitees = invitees;
  c.n_invitees = n;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_MEETING_CREATE;
  r.meeting_create = &c;
  return its_expect(m, &r, code);
}

static const Pcn__Response *agenda(its_member *m, uint64_t id, const char *text,
                                   int code) {
  Pcn__MeetingAgendaAdd a = PCN__MEETING_AGENDA_ADD__INIT;
  a.id = id;
  a.text = (char *)text;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_MEETING_AGENDA_ADD;
  r.meeting_agenda_add = &a;
  return its_expect(m, &r, code);
}

static const Pcn__Response *attend(its_member *m, uint64_t id, char **who,
                                   size_t n, uint32_t minutes, int absent,
                                   int code) {
  Pcn__MeetingAttend a = PCN__MEETING_ATTEND__INIT;
  a.id = id;
  a.usernames = who;
  a.n_usernames = n;
  a.minutes = minutes;
  a.absent = absent;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_MEETING_ATTEND;
  r.meeting_attend = &a;
  return its_expect(m, &r, code);
}

static const Pcn__Response *minutes(its_member *m, uint64_t id,
                                    uint32_t version, const char *text,
                                    int code) {
  Pcn__MeetingMinutes a = PCN__MEETING_MINUTES__INIT;
  a.id = id;
  a.version = version;
  a.text = (char *)text;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_MEETING_MINUTES;
  r.meeting_minutes = &a;
  return its_expect(m, &r, code);
}

static const Pcn__Response *action(its_member *m, uint64_t id,
                                   const char *title, const char *assignee,
                                   const char *due, const char *practice,
                                   int code) {
  Pcn__MeetingActionAdd a = PCN__MEETING_ACTION_ADD__INIT;
  a.id = id;
  a.title = (char *)title;
  a.assignee = (char *)assignee;
  a.due = (char *)due;
  a.practice = (char *)practice;
  a.body = "";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_MEETING_ACTION_ADD;
  r.meeting_action_add = &a;
  return its_expect(m, &r, code);
}

static const Pcn__Response *update(its_member *m, Pcn__MeetingUpdate *u,
                                   int code) {
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_MEETING_UPDATE;
  r.meeting_update = u;
  return its_expect(m, &r, code);
}

static const Pcn__Response *get(its_member *m, uint64_t id) {
  Pcn__MeetingGet g = PCN__MEETING_GET__INIT;
  g.id = id;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_MEETING_GET;
  r.meeting_get = &g;
  return its_expect(m, &r, PCN__STATUS_CODE__OK);
}

static const Pcn__Response *list(its_member *m, int64_t from, int64_t before,
                                 uint32_t limit, const char *after) {
  Pcn__MeetingList l = PCN__MEETING_LIST__INIT;
  l.starts_from = from;
  l.starts_before = before;
  l.limit = limit;
  l.after = (char *)after;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_MEETING_LIST;
  r.meeting_list = &l;
  return its_expect(m, &r, PCN__STATUS_CODE__OK);
}

static size_t tasks_of(its_member *m, const char *assignee) {
  Pcn__TaskList l = PCN__TASK_LIST__INIT;
  l.assignee = (char *)assignee;
  l.due_before = "";
  l.after = "";
  l.practice = "";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_TASK_LIST;
  r.task_list = &l;
  return its_expect(m, &r, PCN__STATUS_CODE__OK)->tasks->n_tasks;
}

/* ------------------------------------------------------------ the story */

static void test_meetings(void **state) {
  world *w = *state;
  uint64_t since = its_head(w->mgr);
  int64_t now = its_advance(w->mgr, 0) / MIN_MS * MIN_MS;
  int64_t start = now + 2 * HOUR_MS, end = start + 90 * MIN_MS;
  char *inv[] = {"jo", "sam", "jo"};

  /* Bad input: refused naming the field; nothing is created. */
  const Pcn__Response *r = create(w->mgr, "Board", start, start - MIN_MS, "",
                                  inv, 2, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "ends_at");
  assert_non_null(strstr(r->status->message, "after it starts"));
  its_field_is(create(w->mgr, "Board", start, start, "", inv, 2,
                      PCN__STATUS_CODE__INVALID_ARGUMENT),
               "ends_at");
  its_field_is(create(w->mgr, "Board", start, start + 25 * HOUR_MS, "", inv, 2,
                      PCN__STATUS_CODE__INVALID_ARGUMENT),
               "ends_at");
  its_field_is(create(w->mgr, "Board", 0, HOUR_MS, "", inv, 2,
                      PCN__STATUS_CODE__INVALID_ARGUMENT),
               "starts_at");
  its_field_is(create(w->mgr, "Board", start + 1234, end, "", inv, 2,
                      PCN__STATUS_CODE__INVALID_ARGUMENT),
               "starts_at");
  its_field_is(create(w->mgr, "", start, end, "", inv, 2,
                      PCN__STATUS_CODE__INVALID_ARGUMENT),
               "title");
  its_field_is(create(w->mgr, "Board", start, end, "Room 1\nRoom 2", inv, 2,
                      PCN__STATUS_CODE__INVALID_ARGUMENT),
               "place");
  char *nobody[] = {"jo", "nobody"};
  its_field_is(create(w->mgr, "Board", start, end, "", nobody, 2,
                      PCN__STATUS_CODE__NOT_FOUND),
               "invitees");
  char *many[101];
  for (int i = 0; i < 101; i++)
    many[i] = "jo";
  its_field_is(create(w->mgr, "Board", start, end, "", many, 101,
                      PCN__STATUS_CODE__INVALID_ARGUMENT),
               "invitees");
  assert_int_equal(list(w->jo, 0, 0, 0, "")->meetings->n_meetings, 0);

  /* Staff do not call meetings; practice managers may. */
  create(w->ali, "Staff meeting", start, end, "", NULL, 0,
         PCN__STATUS_CODE__PERMISSION_DENIED);

  /* The PCN manager calls the board: repeats dropped, the organiser
   * invited first. */
  r = create(w->mgr, "PCN board", start, end, "Riverside, room 2", inv, 3,
             PCN__STATUS_CODE__OK);
  uint64_t id = r->meeting->id;
  assert_int_equal(r->meeting->version, 1);
  assert_string_equal(r->meeting->organiser, "manager");
  assert_int_equal(r->meeting->n_invitees, 3);
  assert_string_equal(r->meeting->invitees[0], "manager");
  assert_string_equal(r->meeting->invitees[1], "jo");
  assert_string_equal(r->meeting->invitees[2], "sam");
  uint64_t pm_meeting =
      create(w->sam, "Practice managers' catch-up", start + 24 * HOUR_MS,
             start + 25 * HOUR_MS, "https://meet.example/pm", inv, 1,
             PCN__STATUS_CODE__OK)
          ->meeting->id;

  /* The agenda: any invitee adds; others are refused, and told why. */
  assert_int_equal(
      agenda(w->jo, id, "Estates: Hill Street lease", PCN__STATUS_CODE__OK)
          ->meeting_agenda_item->n,
      1);
  assert_int_equal(
      agenda(w->sam, id, "ARRS claim for March", PCN__STATUS_CODE__OK)
          ->meeting_agenda_item->n,
      2);
  r = agenda(w->ali, id, "Can I come?", PCN__STATUS_CODE__PERMISSION_DENIED);
  assert_non_null(strstr(r->status->message, "invited"));
  agenda(w->cd, id, "Clinical governance", PCN__STATUS_CODE__PERMISSION_DENIED);
  agenda(w->mgr, id, "Any other business", PCN__STATUS_CODE__OK);
  its_field_is(agenda(w->jo, id, "", PCN__STATUS_CODE__INVALID_ARGUMENT),
               "text");
  agenda(w->jo, 999, "Nowhere", PCN__STATUS_CODE__NOT_FOUND);
  r = get(w->ali, id);
  assert_int_equal(r->meeting_detail->meeting->version, 4); /* 3 items */
  assert_int_equal(r->meeting_detail->n_agenda, 3);
  assert_string_equal(r->meeting_detail->agenda[0]->text,
                      "Estates: Hill Street lease");
  assert_string_equal(r->meeting_detail->agenda[0]->added_by, "jo");
  assert_string_equal(r->meeting_detail->agenda[2]->added_by, "manager");

  /* Rescheduling: the organiser only, from the version read. */
  Pcn__MeetingUpdate u = PCN__MEETING_UPDATE__INIT;
  u.id = id;
  u.version = 4;
  u.has_starts_at_case = PCN__MEETING_UPDATE__HAS_STARTS_AT_STARTS_AT;
  u.starts_at = start + 30 * MIN_MS;
  u.has_ends_at_case = PCN__MEETING_UPDATE__HAS_ENDS_AT_ENDS_AT;
  u.ends_at = end + 30 * MIN_MS;
  r = update(w->jo, &u, PCN__STATUS_CODE__PERMISSION_DENIED);
  assert_non_null(strstr(r->status->message, "organiser"));
  u.version = 1;
  r = update(w->mgr, &u, PCN__STATUS_CODE__CONFLICT);
  assert_int_equal(r->body_case, PCN__RESPONSE__BODY_MEETING);
  assert_int_equal(r->meeting->version, 4);
  u.version = 4;
  u.has_ends_at_case = PCN__MEETING_UPDATE__HAS_ENDS_AT__NOT_SET;
  u.starts_at = end + HOUR_MS; /* after the end it keeps */
  its_field_is(update(w->mgr, &u, PCN__STATUS_CODE__INVALID_ARGUMENT),
               "ends_at");
  u.starts_at = start + 30 * MIN_MS;
  u.has_ends_at_case = PCN__MEETING_UPDATE__HAS_ENDS_AT_ENDS_AT;
  u.has_place_case = PCN__MEETING_UPDATE__HAS_PLACE_PLACE;
  u.place = "Riverside, room 3";
  r = update(w->mgr, &u, PCN__STATUS_CODE__OK);
  assert_int_equal(r->meeting->version, 5);
  assert_int_equal(r->meeting->starts_at, start + 30 * MIN_MS);
  start += 30 * MIN_MS;
  end += 30 * MIN_MS;

  /* Listing by start time, in ranges and pages. */
  r = list(w->ali, 0, 0, 0, "");
  assert_int_equal(r->meetings->n_meetings, 2);
  assert_int_equal(r->meetings->meetings[0]->id, id);
  assert_int_equal(r->meetings->meetings[1]->id, pm_meeting);
  r = list(w->ali, start + MIN_MS, 0, 0, "");
  assert_int_equal(r->meetings->n_meetings, 1);
  assert_int_equal(r->meetings->meetings[0]->id, pm_meeting);
  r = list(w->ali, 0, start + MIN_MS, 0, "");
  assert_int_equal(r->meetings->n_meetings, 1);
  assert_int_equal(r->meetings->meetings[0]->id, id);
  r = list(w->ali, 0, 0, 1, "");
  assert_int_equal(r->meetings->n_meetings, 1);
  char cursor[64];
  snprintf(cursor, sizeof cursor, "%s", r->meetings->next);
  assert_true(cursor[0]);
  r = list(w->ali, 0, 0, 1, cursor);
  assert_int_equal(r->meetings->n_meetings, 1);
  assert_int_equal(r->meetings->meetings[0]->id, pm_meeting);
  assert_string_equal(r->meetings->next, "");

  /* Attendance is recorded once the meeting has started. */
  char *jo_only[] = {"jo"};
  attend(w->mgr, id, jo_only, 1, 0, 0, PCN__STATUS_CODE__FAILED_PRECONDITION);
  its_advance(w->mgr, 3 * HOUR_MS); /* the meeting is on */
  r = attend(w->mgr, id, jo_only, 1, 0, 0, PCN__STATUS_CODE__OK);
  assert_int_equal(r->meeting_attendance->n_attendance, 1);
  assert_int_equal(r->meeting_attendance->attendance[0]->minutes, 90);
  assert_string_equal(r->meeting_attendance->attendance[0]->practice, "F84001");
  char *sam_only[] = {"sam"}, *ali_only[] = {"ali"}, *ghost[] = {"ghost"};
  attend(w->mgr, id, sam_only, 1, 60, 0, PCN__STATUS_CODE__OK);
  attend(w->mgr, id, sam_only, 1, 75, 0, PCN__STATUS_CODE__OK); /* replaced */
  attend(w->mgr, id, ali_only, 1, 0, 1, PCN__STATUS_CODE__OK);
  attend(w->jo, id, jo_only, 1, 0, 0, PCN__STATUS_CODE__PERMISSION_DENIED);
  its_field_is(attend(w->mgr, id, ghost, 1, 0, 0, PCN__STATUS_CODE__NOT_FOUND),
               "usernames");
  its_field_is(attend(w->mgr, id, jo_only, 1, 2000, 0,
                      PCN__STATUS_CODE__INVALID_ARGUMENT),
               "minutes");
  its_field_is(
      attend(w->mgr, id, jo_only, 1, 30, 1, PCN__STATUS_CODE__INVALID_ARGUMENT),
      "minutes");
  its_field_is(
      attend(w->mgr, id, NULL, 0, 0, 0, PCN__STATUS_CODE__INVALID_ARGUMENT),
      "usernames");

  /* Once it is over the agenda is closed; the minutes say what happened. */
  its_advance(w->mgr, 2 * HOUR_MS);
  agenda(w->jo, id, "Late item", PCN__STATUS_CODE__FAILED_PRECONDITION);
  minutes(w->jo, id, 5, "My version", PCN__STATUS_CODE__PERMISSION_DENIED);
  minutes(w->mgr, id, 4, "Stale", PCN__STATUS_CODE__CONFLICT);
  its_field_is(
      minutes(w->mgr, id, 0, "No version", PCN__STATUS_CODE__INVALID_ARGUMENT),
      "version");
  r = minutes(w->mgr, id, 5,
              "Lease: Jo to summarise.\nARRS: claim agreed for March.",
              PCN__STATUS_CODE__OK);
  assert_int_equal(r->meeting->version, 6);

  /* An action is a task, made in the same commit, assigned as asked. */
  size_t jo_tasks = tasks_of(w->jo, "jo");
  uint64_t head = its_head(w->mgr);
  r = action(w->mgr, id, "Summarise the Hill Street lease", "jo", "2026-12-01",
             "", PCN__STATUS_CODE__OK);
  uint64_t task_id = r->meeting_action->task_id;
  assert_true(task_id > 0);
  assert_int_equal(r->meeting_action->n, 1);
  assert_int_equal(its_head(w->mgr), head + 2); /* the task, the action */
  assert_int_equal(tasks_of(w->jo, "jo"), jo_tasks + 1);
  Pcn__TaskGet tg = PCN__TASK_GET__INIT;
  tg.id = task_id;
  Pcn__Request tr = PCN__REQUEST__INIT;
  tr.body_case = PCN__REQUEST__BODY_TASK_GET;
  tr.task_get = &tg;
  r = its_expect(w->jo, &tr, PCN__STATUS_CODE__OK);
  assert_string_equal(r->task_detail->task->assignee, "jo");
  assert_string_equal(r->task_detail->task->due, "2026-12-01");
  assert_string_equal(r->task_detail->task->created_by, "manager");
  assert_non_null(strstr(r->task_detail->task->body, "meeting"));
  /* A practice's own action: a task of that practice, for its member. */
  r = action(w->mgr, id, "Book room 3 for April", "ali", "", "f84001",
             PCN__STATUS_CODE__OK);
  uint64_t practice_task = r->meeting_action->task_id;
  assert_string_equal(r->meeting_action->practice, "F84001");
  /* tasks.c's rule: the assignee must be able to see the task. */
  head = its_head(w->mgr);
  its_field_is(action(w->mgr, id, "Hill audit", "jo", "", "F84002",
                      PCN__STATUS_CODE__INVALID_ARGUMENT),
               "assignee");
  its_field_is(action(w->mgr, id, "Someone do it", "", "", "",
                      PCN__STATUS_CODE__INVALID_ARGUMENT),
               "assignee");
  its_field_is(action(w->mgr, id, "Ghost work", "ghost", "", "",
                      PCN__STATUS_CODE__NOT_FOUND),
               "assignee");
  its_field_is(action(w->mgr, id, "Bad date", "jo", "2026-02-30", "",
                      PCN__STATUS_CODE__INVALID_ARGUMENT),
               "due");
  action(w->jo, id, "Mine", "jo", "", "", PCN__STATUS_CODE__PERMISSION_DENIED);
  assert_int_equal(its_head(w->mgr), head); /* nothing written */

  /* The whole meeting, as anyone sees it. */
  r = get(w->sam, id);
  Pcn__MeetingDetail *d = r->meeting_detail;
  assert_string_equal(d->meeting->place, "Riverside, room 3");
  assert_non_null(strstr(d->meeting->minutes, "claim agreed"));
  assert_int_equal(d->n_agenda, 3);
  assert_int_equal(d->n_attendance, 3);
  for (size_t i = 0; i < d->n_attendance; i++) {
    const Pcn__MeetingAttendance *a = d->attendance[i];
    uint32_t want = !strcmp(a->username, "jo")    ? 90
                    : !strcmp(a->username, "sam") ? 75
                                                  : 0;
    assert_int_equal(a->minutes, want);
  }
  assert_int_equal(d->n_actions, 2);
  assert_int_equal(d->actions[0]->task_id, task_id);
  assert_int_equal(d->actions[1]->task_id, practice_task);

  /* Visibility: every member sees the meetings and their items; a
   * practice task made by an action stays in its practice, though the
   * action that names it is the meeting's, seen by all. */
  its_events *e = its_seen(w->s, w->sam, w->mgr, since);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_MEETING), 4);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_MEETING_AGENDA_ITEM),
                   3);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_MEETING_ATTENDANCE),
                   4);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_MEETING_ACTION), 2);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_TASK), 1);
  for (size_t i = 0; i < e->n; i++)
    if (e->ev[i]->record_case == PCN__EVENT__RECORD_MEETING ||
        e->ev[i]->record_case == PCN__EVENT__RECORD_MEETING_ACTION)
      assert_string_equal(e->ev[i]->audience, "");
  its_events_free(e);
  e = its_seen(w->s, w->ali, w->mgr, since);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_MEETING), 4);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_MEETING_ACTION), 2);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_TASK), 2);
  its_events_free(e);

  /* Cancelled: no more attendance or actions (and no task made). */
  Pcn__MeetingUpdate c = PCN__MEETING_UPDATE__INIT;
  c.id = pm_meeting;
  c.version = 1;
  c.has_cancelled_case = PCN__MEETING_UPDATE__HAS_CANCELLED_CANCELLED;
  c.cancelled = 1;
  update(w->mgr, &c, PCN__STATUS_CODE__OK); /* the PCN manager may */
  jo_tasks = tasks_of(w->jo, "jo");
  r = action(w->sam, pm_meeting, "Never", "jo", "", "",
             PCN__STATUS_CODE__FAILED_PRECONDITION);
  assert_non_null(strstr(r->status->message, "cancelled"));
  assert_int_equal(tasks_of(w->jo, "jo"), jo_tasks);
  its_advance(w->mgr, 24 * HOUR_MS);
  attend(w->sam, pm_meeting, sam_only, 1, 0, 0,
         PCN__STATUS_CODE__FAILED_PRECONDITION);
  assert_true(get(w->jo, pm_meeting)->meeting_detail->meeting->cancelled);

  /* All of it survives a restart, the time index too. */
  its_stop(w->s);
  its_run(w->s);
  its_member *jo = its_login(w->s, "jo", ITEST_PASSWORD);
  r = get(jo, id);
  assert_int_equal(r->meeting_detail->meeting->version, 6);
  assert_int_equal(r->meeting_detail->n_agenda, 3);
  assert_int_equal(r->meeting_detail->n_attendance, 3);
  assert_int_equal(r->meeting_detail->n_actions, 2);
  r = list(jo, start, start + MIN_MS, 0, "");
  assert_int_equal(r->meetings->n_meetings, 1);
  assert_int_equal(r->meetings->meetings[0]->id, id);
  its_member_free(jo);
  /* The world's members' connections died with the server: log in again
   * for the teardown's sake. */
  its_member **all[] = {&w->mgr, &w->cd, &w->jo, &w->ali, &w->sam};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    *all[i] = its_relogin(w->s, *all[i]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_meetings),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
