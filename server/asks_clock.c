/* asks_clock.c - the asks that depend on the calendar: when a recurring
 * ask's instances fall due and are made, and the reminders to practices
 * that still owe an answer. asks_tick (timers.c) runs both in a writer job
 * of the server's own: at start, every minute, and in a test's
 * ClockAdvance.
 *
 * Durable and idempotent, by what is recorded in the same transaction:
 * - a series records the due date of its next instance (next_due); making
 *   an instance moves it on, so an instance is made once, and after a stop
 *   the first tick makes every instance that fell due meanwhile (those
 *   already past their due date are skipped: an ask due yesterday helps
 *   nobody);
 * - an answer records the reminder day it was last reminded for
 *   (reminded_for); a practice gets a reminder when the latest reminder
 *   day that has come is later than that. After a stop the practice gets
 *   one reminder, the latest, rather than a burst of stale ones.
 *
 * When: an instance is made min_notice_days + ASK_SERIES_MARGIN (5)
 * working days before it is due, so it always gives fair notice with a
 * week in hand; one the server makes late (stopped, or the notice raised)
 * is marked urgent, saying why. Reminders go the network's reminder_days (3 and
 * 1) working days before the due date and the working day after it, to
 * practices that have not answered or have only acknowledged.
 */
#include <stdio.h>
#include <string.h>

#include "asks.h"
#include "feed.h"
#include "uktime.h"
#include "validate.h"
#include "wire.h"

#define TICK_MAX_ASKS 2000  /* asks reminded per tick; the next goes on */
#define TICK_MAX_SERIES 500 /* series advanced per tick */
#define SERIES_CATCH_UP 36  /* instances one series may skip or make at once */

enum { ASK_F_DUE = 5, ASK_F_STATE = 7, ASK_F_CREATED_AT = 12 };
enum { SERIES_F_NEXT_DUE = 10, SERIES_F_STOPPED = 13 };

/* ------------------------------------------------------------ dates */

static int in_pattern(int repeat, int month, int m) {
  switch (repeat) {
  case PCN__ASK_REPEAT__ASK_MONTHLY: return 1;
  case PCN__ASK_REPEAT__ASK_QUARTERLY: return ((m - month) % 3 + 3) % 3 == 0;
  default: return m == month;
  }
}

int32_t asks_series_first(int repeat, int day, int month, int32_t from) {
  int64_t y;
  int m, d;
  pcn_civil_from_days(from, &y, &m, &d);
  /* Within thirteen months there is a date of every pattern on or after
   * from: this month's may be past, next year's same month is not. */
  for (int k = 0; k < 26; k++) {
    if (in_pattern(repeat, month, m)) {
      int dim = pcn_days_in_month(y, m);
      int32_t at = (int32_t)pcn_days_from_civil(y, m, day < dim ? day : dim);
      if (at >= from) return at;
    }
    if (++m == 13) {
      m = 1;
      y++;
    }
  }
  return from; /* not reached for a valid pattern */
}

int32_t asks_series_make_on(int32_t due, uint32_t min_notice,
                            const pcn_holidays *h) {
  return pcn_add_working_days(due, -(int)(min_notice + ASK_SERIES_MARGIN), h);
}

int asks_reminder_due(int32_t due, int32_t made, int32_t today,
                      const uint32_t *before, size_t nbefore,
                      const pcn_holidays *h, int32_t *point, int *days_before) {
  int found = 0;
  int32_t after = pcn_add_working_days(due, 1, h);
  if (after <= today && after > made) {
    *point = after;
    *days_before = -1;
    return 0; /* the latest there can be */
  }
  for (size_t i = 0; i < nbefore; i++) {
    int32_t p = pcn_add_working_days(due, -(int)before[i], h);
    if (p <= today && p > made && (!found || p > *point)) {
      *point = p;
      *days_before = (int)before[i];
      found = 1;
    }
  }
  return found ? 0 : 1;
}

/* ------------------------------------------------------------ series */

/* Makes the instance of s due on `due` (today is before it). */
static int make_instance(wtx *w, Pcn__AskSeries *s, const ask_rules *r,
                         int32_t today, int32_t due, pcn_arena *a) {
  Pcn__Ask *ask = pcn_arena_alloc(a, sizeof *ask);
  char *due_s = pcn_arena_alloc(a, 11);
  char *why = pcn_arena_alloc(a, 200);
  if (!ask || !due_s || !why)
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__ask__init(ask);
  int rc;
  if (s->all_practices) {
    if ((rc = ask_all_practices(w->txn, w->st, a, &ask->practices,
                                &ask->n_practices)))
      return wtx_lmdb(w, rc, "reading the practices");
    if (!ask->n_practices) return PCN__STATUS_CODE__OK; /* nobody to ask */
  } else {
    ask->practices = s->practices;
    ask->n_practices = s->n_practices;
  }
  uint64_t id;
  if ((rc = store_next_id(w->txn, w->st, META_NEXT_ASK, &id)))
    return wtx_lmdb(w, rc, "numbering the ask");
  pcn_date_format(due, due_s);
  ask->id = id;
  ask->version = 1;
  ask->title = s->title;
  ask->body = s->body;
  ask->due = due_s;
  ask->state = PCN__ASK_STATE__ASK_OPEN;
  ask->notice_days = (uint32_t)pcn_working_days_between(today, due, &r->h);
  if (ask->notice_days < r->s->min_notice_days) {
    snprintf(why, 200,
             "Made late by the server (it was stopped, or the notice was "
             "raised): %u working days' notice, not %u.",
             ask->notice_days, r->s->min_notice_days);
    ask->urgent = 1;
    ask->urgent_reason = why;
  }
  ask->created_by = s->created_by;
  ask->created_at = ask->updated_at = w->job->now_ms;
  ask->series_id = s->id;
  if ((rc = ask_insert(w, ask))) return rc;
  s->made++;
  s->last_ask_id = id;
  return PCN__STATUS_CODE__OK;
}

int asks_series_catch_up(wtx *w, Pcn__AskSeries *s, const ask_rules *r,
                         int32_t today, pcn_arena *a, int *made) {
  *made = 0;
  for (int i = 0; i < SERIES_CATCH_UP && !s->stopped; i++) {
    int32_t due;
    if (pcn_date_parse(s->next_due, &due)) break; /* pcnd verify's to say */
    if (today < asks_series_make_on(due, r->s->min_notice_days, &r->h)) break;
    if (due > today) {
      int rc = make_instance(w, s, r, today, due, a);
      if (rc) return rc;
      (*made)++;
    }
    char *next = pcn_arena_alloc(a, 11);
    if (!next) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
    pcn_date_format(
        asks_series_first(s->repeat, (int)s->day, (int)s->month, due + 1),
        next);
    s->next_due = next;
  }
  return PCN__STATUS_CODE__OK;
}

/* The series whose next instance is due by today, from the stored bytes:
 * their ids into ids (at most max). */
static int series_due(wtx *w, const ask_rules *r, int32_t today, uint64_t *ids,
                      int max, int *n) {
  *n = 0;
  MDB_cursor *cur;
  int rc = mdb_cursor_open(w->txn, w->st->ask_series, &cur);
  if (rc) return rc;
  MDB_val k, v;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && *n < max;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    uint64_t stopped;
    char buf[11];
    int32_t due;
    if (k.mv_size != 8 ||
        pcn_wire_find_varint(v.mv_data, v.mv_size, SERIES_F_STOPPED, &stopped) <
            0 ||
        stopped ||
        pcn_wire_find_str(v.mv_data, v.mv_size, SERIES_F_NEXT_DUE, buf,
                          sizeof buf) ||
        pcn_date_parse(buf, &due) ||
        today < asks_series_make_on(due, r->s->min_notice_days, &r->h))
      continue;
    ids[(*n)++] = key_get_u64(k.mv_data);
  }
  mdb_cursor_close(cur);
  return rc == MDB_NOTFOUND || rc == 0 ? 0 : rc;
}

static int tick_series(wtx *w, const ask_rules *r, int32_t today,
                       pcn_arena *scratch) {
  uint64_t ids[TICK_MAX_SERIES];
  int n;
  int rc = series_due(w, r, today, ids, TICK_MAX_SERIES, &n);
  if (rc) return wtx_lmdb(w, rc, "reading the series");
  for (int i = 0; i < n; i++) {
    pcn_arena_reset(scratch);
    uint8_t key[8];
    key_u64(key, ids[i]);
    Pcn__AskSeries *s;
    if ((rc = store_get_pb(w->txn, w->st->ask_series, key, 8,
                           &pcn__ask_series__descriptor, scratch, (void **)&s)))
      return wtx_lmdb(w, rc, "reading the series");
    int made;
    if ((rc = asks_series_catch_up(w, s, r, today, scratch, &made))) return rc;
    s->updated_at = w->job->now_ms;
    if ((rc = ask_series_save(w, s)) ||
        (rc = ask_series_emit(w, PCN__OP__UPDATED, s)))
      return rc;
  }
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ reminders */

typedef struct to_remind {
  uint64_t id;
  int32_t point;
  int days_before;
} to_remind;

/* The open asks with a reminder day that has come, newest first, from
 * the stored bytes (closed ones are passed over without decoding). */
static int asks_due(wtx *w, const ask_rules *r, int32_t today, to_remind *out,
                    int max, int *n) {
  *n = 0;
  MDB_cursor *cur;
  int rc = mdb_cursor_open(w->txn, w->st->asks, &cur);
  if (rc) return rc;
  MDB_val k, v;
  int scanned = 0;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
       rc == 0 && *n < max && scanned < ASK_SCAN_MAX;
       rc = mdb_cursor_get(cur, &k, &v, MDB_PREV), scanned++) {
    uint64_t state, at;
    char buf[11];
    int32_t due;
    if (k.mv_size != 8 ||
        pcn_wire_find_varint(v.mv_data, v.mv_size, ASK_F_STATE, &state) ||
        state != PCN__ASK_STATE__ASK_OPEN ||
        pcn_wire_find_varint(v.mv_data, v.mv_size, ASK_F_CREATED_AT, &at) < 0 ||
        pcn_wire_find_str(v.mv_data, v.mv_size, ASK_F_DUE, buf, sizeof buf))
      continue;
    to_remind *t = &out[*n];
    if (pcn_date_parse(buf, &due) ||
        asks_reminder_due(due, pcn_london_day_of_ms((int64_t)at), today,
                          r->s->reminder_days, r->s->n_reminder_days, &r->h,
                          &t->point, &t->days_before))
      continue;
    t->id = key_get_u64(k.mv_data);
    (*n)++;
  }
  mdb_cursor_close(cur);
  return rc == MDB_NOTFOUND || rc == 0 ? 0 : rc;
}

/* Reminds each practice asked that still owes an answer and has not been
 * reminded for this day, recording it on the answer (its version, which
 * is the practice's, stays). */
static int remind(wtx *w, const to_remind *t, pcn_arena *a) {
  Pcn__Ask *ask;
  int rc = ask_load(w->txn, w->st, t->id, a, &ask);
  if (rc) return wtx_lmdb(w, rc, "reading the ask");
  char point[11];
  pcn_date_format(t->point, point);
  for (size_t i = 0; i < ask->n_practices; i++) {
    uint8_t key[ASK_ANSWER_KEY];
    ask_answer_key(key, ask->id, ask->practices[i]);
    Pcn__AskAnswer *ans;
    rc = store_get_pb(w->txn, w->st->ask_answers, key, ASK_ANSWER_KEY,
                      &pcn__ask_answer__descriptor, a, (void **)&ans);
    if (rc == MDB_NOTFOUND) continue;
    if (rc) return wtx_lmdb(w, rc, "reading the answer");
    if (!ask_owes(ans->state) || strcmp(ans->reminded_for, point) >= 0)
      continue;
    ans->reminded_for = point;
    if ((rc = ask_answer_save(w, ans))) return rc;
    Pcn__AskReminder rem = PCN__ASK_REMINDER__INIT;
    rem.ask_id = ask->id;
    rem.practice = ans->practice;
    rem.title = ask->title;
    rem.due = ask->due;
    rem.days_before = t->days_before;
    rem.state = ans->state;
    Pcn__Event ev = PCN__EVENT__INIT;
    ev.record_case = PCN__EVENT__RECORD_ASK_REMINDER;
    ev.ask_reminder = &rem;
    if ((rc = feed_emit(w, PCN__OP__CREATED, ans->practice, &ev))) return rc;
  }
  return PCN__STATUS_CODE__OK;
}

static int tick_reminders(wtx *w, const ask_rules *r, int32_t today,
                          pcn_arena *scratch) {
  to_remind *due = pcn_arena_alloc(scratch, TICK_MAX_ASKS * sizeof *due);
  if (!due) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  int n;
  int rc = asks_due(w, r, today, due, TICK_MAX_ASKS, &n);
  if (rc) return wtx_lmdb(w, rc, "reading the asks");
  pcn_arena each;
  pcn_arena_init(&each, 1u << 20);
  for (int i = 0; i < n && !rc; i++) {
    pcn_arena_reset(&each);
    rc = remind(w, &due[i], &each);
  }
  pcn_arena_free(&each);
  return rc;
}

/* ------------------------------------------------------------ tick */

int asks_tick(wtx *w, wjob *job) {
  pcn_arena scratch;
  pcn_arena_init(&scratch, 4u << 20);
  ask_rules rules;
  int32_t today = pcn_london_day_of_ms(job->now_ms);
  int rc = ask_rules_load(w->txn, w->st, &job->arena, &rules);
  if (rc)
    rc = wtx_lmdb(w, rc, "reading the settings");
  else if (!(rc = tick_series(w, &rules, today, &scratch))) {
    pcn_arena_reset(&scratch);
    rc = tick_reminders(w, &rules, today, &scratch);
  }
  pcn_arena_free(&scratch);
  return rc;
}
