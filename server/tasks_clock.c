/* tasks_clock.c - the tasks that depend on the calendar: today's date in
 * London, the due date of a recurring task's next instance, and the
 * reminders for tasks due today or overdue. tasks_tick (timers.c) runs in
 * a writer job of the server's own: at start, every minute, and in a
 * test's ClockAdvance.
 *
 * Reminders: an open task due today gets one from TASK_REMIND_MINUTE
 * (07:00 London), and one once it is overdue (due before today). Each
 * goes to one person: the assignee; for an unassigned task the practice's
 * practice manager (the first enabled one) or, for a network task, the
 * PCN manager. The event's audience is the task's practice; for a network
 * task the network's people and the assignee's practice ("+ODS").
 *
 * Durable and idempotent, as asks_clock.c: the task records the due date
 * it was reminded for (reminded_due, reminded_overdue), in the same
 * transaction as the event, without a new version (the reminder is the
 * server's bookkeeping, not an edit that should make anyone's conflict).
 * So each reminder is sent once per task and due date, never again after
 * a restart; moving the due date arms both again. After a stop, a task
 * that went overdue meanwhile gets the overdue one only, not a stale
 * "due today" as well; one overdue by more than TASK_REMIND_DAYS (14)
 * gets none (the list still marks it).
 */
#include <string.h>

#include "feed.h"
#include "tasks.h"
#include "uktime.h"
#include "validate.h"
#include "wire.h"

#define TICK_MAX_TASKS 2000 /* reminded per tick; the next tick goes on */
/* Days back an overdue task is still reminded: after a long stop, or for
 * the tasks that were overdue before reminders existed, a burst of stale
 * reminders helps nobody (as asks_clock.c skips stale instances). It also
 * bounds what a tick walks: per scope, the open tasks due in
 * [today - TASK_REMIND_DAYS, today]. */
#define TASK_REMIND_DAYS 14

enum { TASK_F_REMINDED_OVERDUE = 72 }; /* proto/pcn.proto */

/* ------------------------------------------------------------ dates */

/* Today in London and the minute of it (uktime.h, the one place the rule
 * lives). */
int32_t tasks_today(int64_t now_ms, int *minute) {
  if (minute) {
    int y, mo, d, h, mi;
    pcn_london_from_utc(now_ms, &y, &mo, &d, &h, &mi);
    *minute = h * 60 + mi; /* on the wall clock */
  }
  return pcn_london_day_of_ms(now_ms);
}

int32_t tasks_next_due(int every, int32_t due) {
  int months = every == PCN__TASK_REPEAT__TASK_MONTHLY     ? 1
               : every == PCN__TASK_REPEAT__TASK_QUARTERLY ? 3
                                                           : 0;
  if (every == PCN__TASK_REPEAT__TASK_WEEKLY) return due + 7;
  if (!months) return due;
  int64_t y;
  int m, d;
  pcn_civil_from_days(due, &y, &m, &d);
  int month_end = d == pcn_days_in_month(y, m);
  m += months;
  if (m > 12) {
    m -= 12;
    y++;
  }
  int dim = pcn_days_in_month(y, m);
  return (int32_t)pcn_days_from_civil(y, m, month_end || d > dim ? dim : d);
}

/* ------------------------------------------------------------ reminders */

/* The first enabled member of `practice` with `role` ("" practice: a
 * network role), or NULL. */
static const char *first_with_role(MDB_txn *txn, store *st,
                                   const char *practice, int role,
                                   pcn_arena *a) {
  MDB_cursor *cur;
  if (mdb_cursor_open(txn, st->members, &cur)) return NULL;
  const char *found = NULL;
  MDB_val k, v;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && !found;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    Pcn__Member *m = pcn__member__unpack(&a->pb, v.mv_size, v.mv_data);
    if (m && !m->disabled && (int)m->role == role &&
        strcmp(m->practice, practice) == 0)
      found = m->username;
  }
  mdb_cursor_close(cur);
  return found;
}

/* Who a reminder of t goes to, and the audience that reaches them. */
static const char *recipient(wtx *w, const Pcn__Task *t, pcn_arena *a,
                             char audience[FEED_AUD_MAX]) {
  strcpy(audience, t->practice);
  if (t->assignee[0]) {
    Pcn__Member *m;
    if (!t->practice[0] &&
        member_lookup(w->txn, w->st, t->assignee, a, &m) == 0 &&
        m->practice[0]) {
      char *ods = m->practice;
      if (feed_audience(audience, &ods, 1)) strcpy(audience, "+");
    } else if (!t->practice[0]) {
      strcpy(audience, "+");
    }
    return t->assignee;
  }
  if (t->practice[0])
    return first_with_role(w->txn, w->st, t->practice,
                           PCN__ROLE__PRACTICE_MANAGER, a);
  strcpy(audience, "+");
  return first_with_role(w->txn, w->st, "", PCN__ROLE__PCN_MANAGER, a);
}

/* Sends t's reminder of the kind today calls for, if it has not been sent
 * for this due date, recording it on t. */
static int remind(wtx *w, uint64_t id, int32_t today, int minute,
                  pcn_arena *a) {
  uint8_t key[8];
  key_u64(key, id);
  Pcn__Task *t;
  int rc = store_get_pb(w->txn, w->st->tasks, key, 8, &pcn__task__descriptor, a,
                        (void **)&t);
  if (rc) return wtx_lmdb(w, rc, "reading the task");
  int32_t due;
  if (t->status != PCN__TASK_STATUS__TASK_OPEN || pcn_date_parse(t->due, &due))
    return PCN__STATUS_CODE__OK;
  int overdue = due < today;
  if (due < today - TASK_REMIND_DAYS) return PCN__STATUS_CODE__OK;
  if (overdue ? strcmp(t->reminded_overdue, t->due) == 0
              : due != today || minute < TASK_REMIND_MINUTE ||
                    strcmp(t->reminded_due, t->due) == 0)
    return PCN__STATUS_CODE__OK;
  t->reminded_due = t->due; /* an overdue one stands for both */
  if (overdue) t->reminded_overdue = t->due;
  if ((rc = store_put_pb(w->txn, w->st->tasks, key, 8, (ProtobufCMessage *)t)))
    return wtx_lmdb(w, rc, "saving the task");
  char audience[FEED_AUD_MAX];
  const char *to = recipient(w, t, a, audience);
  Pcn__TaskReminder rem = PCN__TASK_REMINDER__INIT;
  rem.task_id = t->id;
  rem.title = t->title;
  rem.due = t->due;
  rem.practice = t->practice;
  rem.to = (char *)(to ? to : "");
  rem.overdue = overdue;
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_TASK_REMINDER;
  ev.task_reminder = &rem;
  return feed_emit(w, PCN__OP__CREATED, audience, &ev);
}

/* The open tasks due by today whose overdue reminder is not yet sent, from
 * the index (scope | status | due | id): per scope, its open tasks due
 * from TASK_REMIND_DAYS ago to today, then on to the next scope. */
static int tasks_due(wtx *w, int32_t today, uint64_t *ids, int max, int *n) {
  *n = 0;
  MDB_cursor *cur;
  int rc = mdb_cursor_open(w->txn, w->st->task_index, &cur);
  if (rc) return rc;
  uint32_t from =
      (uint32_t)(today > TASK_REMIND_DAYS ? today - TASK_REMIND_DAYS : 0);
  uint8_t seek[TASK_INDEX_KEY];
  key_task_index(seek, 0, PCN__TASK_STATUS__TASK_OPEN, from, 0);
  MDB_val k = {TASK_INDEX_KEY, seek}, v;
  rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
  while (rc == 0 && *n < max) {
    const uint8_t *key = k.mv_data;
    uint32_t scope = key_get_u32(key);
    if (k.mv_size == TASK_INDEX_KEY && key[4] == PCN__TASK_STATUS__TASK_OPEN &&
        key_get_u32(key + 5) <= (uint32_t)today) {
      uint64_t id = key_get_u64(key + 9);
      MDB_val tk = {8, (void *)(key + 9)}, tv;
      char sent[11] = "", due[11];
      pcn_date_format((int32_t)key_get_u32(key + 5), due);
      if (mdb_get(w->txn, w->st->tasks, &tk, &tv) != 0 ||
          pcn_wire_find_str(tv.mv_data, tv.mv_size, TASK_F_REMINDED_OVERDUE,
                            sent, sizeof sent) < 0 ||
          strcmp(sent, due) != 0)
        ids[(*n)++] = id;
      rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
      continue;
    }
    /* Past this scope's open tasks due by today: on to the next scope. */
    if (k.mv_size != TASK_INDEX_KEY || scope == UINT32_MAX) break;
    if (key[4] < PCN__TASK_STATUS__TASK_OPEN)
      key_task_index(seek, scope, PCN__TASK_STATUS__TASK_OPEN, from, 0);
    else
      key_task_index(seek, scope + 1, PCN__TASK_STATUS__TASK_OPEN, from, 0);
    k.mv_size = TASK_INDEX_KEY;
    k.mv_data = seek;
    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
  }
  mdb_cursor_close(cur);
  return rc == MDB_NOTFOUND || rc == 0 ? 0 : rc;
}

int tasks_tick(wtx *w, wjob *job) {
  int minute;
  int32_t today = tasks_today(job->now_ms, &minute);
  uint64_t *ids = pcn_arena_alloc(&job->arena, TICK_MAX_TASKS * sizeof *ids);
  if (!ids) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  int n;
  int rc = tasks_due(w, today, ids, TICK_MAX_TASKS, &n);
  if (rc) return wtx_lmdb(w, rc, "reading the tasks");
  pcn_arena each;
  pcn_arena_init(&each, 1u << 20);
  for (int i = 0; i < n && !rc; i++) {
    pcn_arena_reset(&each);
    rc = remind(w, ids[i], today, minute, &each);
  }
  pcn_arena_free(&each);
  return rc;
}
