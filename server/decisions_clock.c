/* decisions_clock.c - a decision's outcome and the server's part in it:
 * closing at the closing time (decisions_tick) or as soon as every
 * practice has voted (decision_close, from a vote), and the reminders to
 * the practices that still owe a vote, on the working day before closing
 * (the tick) or when the proposer asks (decision_remind). The tick runs in
 * a writer job of the server's own (timers.c); what it does is recorded in
 * the same transaction, so it never does it twice (decisions.h).
 *
 * The rules (also in proto/pcn.proto, DecisionRule): unanimous passes
 * when no practice disagrees, every practice voted, and at least one
 * agreed (an abstention stands aside; silence blocks); majority passes
 * when more than half of all the practices agree; consent passes unless a
 * practice objects (disagrees, with its reason).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "decisions.h"
#include "feed.h"
#include "uktime.h"
#include "validate.h"

/* Closings and reminders per tick; the next tick goes on. */
#define DEC_TICK_MAX 16
#define DEC_NOTE_MAX 1200

/* ------------------------------------------------------------ dates */

int64_t decision_remind_from(int64_t closes_at, const pcn_holidays *h) {
  /* From midnight UK time of the working day before (issue 20). */
  int32_t close_day = pcn_london_day_of_ms(closes_at);
  return pcn_london_midnight(pcn_add_working_days(close_day, -1, h));
}

int decision_holidays(wtx *w, wjob *job, pcn_holidays *h) {
  Pcn__NetworkSettings *set;
  int rc = settings_load(w->txn, w->st, &job->arena, &set);
  if (rc) return wtx_lmdb(w, rc, "reading the settings");
  if (settings_holidays(set, &job->arena, h))
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ the rules */

/* Appends printf output to a note of DEC_NOTE_MAX bytes, cutting on a
 * character boundary when full. */
static void note_add(char *note, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note_add(char *note, const char *fmt, ...) {
  size_t len = strlen(note);
  if (len + 1 >= DEC_NOTE_MAX) return;
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(note + len, DEC_NOTE_MAX - len, fmt, ap);
  va_end(ap);
  if (k >= 0 && (size_t)k < DEC_NOTE_MAX - len) return;
  /* Cut: back off to the start of a UTF-8 character and mark the cut. */
  size_t end = DEC_NOTE_MAX - 4;
  while (end > len && ((unsigned char)note[end] & 0xC0) == 0x80)
    end--;
  memcpy(note + end, "\xE2\x80\xA6", 4); /* … */
}

/* A short quote of a reason for the note: at most 150 bytes, whole
 * characters, newlines as spaces. */
static void quote(char out[160], const char *reason) {
  size_t n = 0;
  for (; reason[n] && n < 150; n++)
    out[n] = reason[n] == '\n' || reason[n] == '\t' ? ' ' : reason[n];
  if (reason[n]) {
    while (n > 0 && ((unsigned char)reason[n] & 0xC0) == 0x80)
      n--;
    memcpy(out + n, "\xE2\x80\xA6", 4);
  } else {
    out[n] = 0;
  }
}

/* Computes d's outcome from votes (the votes of d's practices), fills the
 * tally and the note. */
static void decide(Pcn__Decision *d, Pcn__DecisionVote **votes, size_t nv,
                   char *note) {
  uint32_t a = 0, x = 0, b = 0, n = (uint32_t)d->n_practices;
  for (size_t i = 0; i < nv; i++) {
    if (!decision_has_practice(d, votes[i]->practice)) continue;
    switch (votes[i]->choice) {
    case PCN__DECISION_CHOICE__DECISION_AGREE: a++; break;
    case PCN__DECISION_CHOICE__DECISION_DISAGREE: x++; break;
    default: b++; break;
    }
  }
  uint32_t silent = n - a - x - b;
  d->agree = a;
  d->disagree = x;
  d->abstain = b;
  d->not_voted = silent;
  note[0] = 0;
  int pass;
  switch (d->rule) {
  case PCN__DECISION_RULE__DECISION_UNANIMOUS:
    pass = x == 0 && silent == 0 && a > 0;
    if (pass)
      note_add(note, "Passed unanimously: %u of %u practices agreed", a, n);
    else if (x)
      note_add(note, "Not agreed: %u of %u practices disagreed", x, n);
    else if (silent)
      note_add(note,
               "Not agreed: %u of %u practices did not vote, and unanimity "
               "needs every practice's answer",
               silent, n);
    else
      note_add(note, "Not agreed: every practice abstained, and unanimity "
                     "needs at least one to agree");
    break;
  case PCN__DECISION_RULE__DECISION_MAJORITY:
    pass = a * 2 > n;
    note_add(note,
             pass ? "Passed by a majority: %u of %u practices agreed"
                  : "Rejected: %u of %u practices agreed, and a majority "
                    "needs more than half",
             a, n);
    break;
  default: /* consent */
    pass = x == 0;
    if (pass)
      note_add(note, "Passed by consent: no practice objected");
    else
      note_add(note, "Rejected: %u of %u practices objected", x, n);
    break;
  }
  note_add(note, " (%u agreed, %u disagreed, %u abstained, %u did not vote).",
           a, x, b, silent);
  for (size_t i = 0; i < nv; i++) {
    if (votes[i]->choice != PCN__DECISION_CHOICE__DECISION_DISAGREE ||
        !decision_has_practice(d, votes[i]->practice))
      continue;
    char q[160];
    quote(q, votes[i]->reason);
    note_add(note, q[0] ? " %s: \"%s\"" : " %s gave no reason.",
             votes[i]->practice, q);
  }
  d->outcome = pass ? PCN__DECISION_OUTCOME__DECISION_PASSED
                    : PCN__DECISION_OUTCOME__DECISION_REJECTED;
}

int decision_close(wtx *w, wjob *job, Pcn__Decision *d, int early) {
  Pcn__DecisionVote **votes;
  size_t nv;
  int rc = decision_votes_load(w->txn, w->st, d->id, &job->arena, &votes, &nv);
  if (rc) return wtx_lmdb(w, rc, "reading the votes");
  char *note = pcn_arena_alloc(&job->arena, DEC_NOTE_MAX);
  if (!note) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  decide(d, votes, nv, note);
  d->outcome_note = note;
  d->votes = votes;
  d->n_votes = nv;
  d->state = PCN__DECISION_STATE__DECISION_CLOSED;
  d->closed_early = early;
  d->closed_at = job->now_ms;
  d->updated_at = job->now_ms;
  d->version++;
  if ((rc = decision_save(w, d))) return rc;
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_DECISION;
  ev.decision = d;
  return decision_feed(w, PCN__OP__UPDATED, d, &ev);
}

/* ------------------------------------------------------------ reminders */

int decision_remind(wtx *w, wjob *job, Pcn__Decision *d, int by_proposer) {
  Pcn__DecisionVote **votes;
  size_t nv;
  int rc = decision_votes_load(w->txn, w->st, d->id, &job->arena, &votes, &nv);
  if (rc) return wtx_lmdb(w, rc, "reading the votes");
  Pcn__DecisionReminder *m = pcn_arena_alloc(&job->arena, sizeof *m);
  char **owing =
      pcn_arena_alloc(&job->arena, (d->n_practices + 1) * sizeof *owing);
  if (!m || !owing)
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__decision_reminder__init(m);
  m->practices = owing;
  for (size_t i = 0; i < d->n_practices; i++) {
    int voted = 0;
    for (size_t j = 0; j < nv && !voted; j++)
      voted = strcmp(votes[j]->practice, d->practices[i]) == 0;
    if (!voted) owing[m->n_practices++] = d->practices[i];
  }
  if (by_proposer) {
    d->proposer_reminded_at = job->now_ms;
  } else {
    d->last_day_reminded_at = job->now_ms;
  }
  if (m->n_practices) d->reminders++;
  if ((rc = decision_save(w, d))) return rc;
  if (!m->n_practices) return PCN__STATUS_CODE__OK; /* nobody owes */
  m->decision_id = d->id;
  m->title = d->title;
  m->closes_at = d->closes_at;
  m->by_proposer = by_proposer != 0;
  m->by_pcn_manager = by_proposer == 2;
  m->sent_by = job->who.username;
  m->at = job->now_ms;
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_DECISION_REMINDER;
  ev.decision_reminder = m;
  if ((rc = feed_emit_to(w, PCN__OP__CREATED, m->practices, m->n_practices,
                         &ev)))
    return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_DECISION_REMINDER;
  job->resp.decision_reminder = m;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ the clock */

/* The tick's index entries with this prefix that are due at now (up to
 * max): closing times passed ('o'), or last-day reminders due ('r').
 * Both rise with the closing time, so the walk stops at the first entry
 * not yet due. */
typedef struct due_entry {
  int64_t closes_at;
  uint64_t id;
} due_entry;

static int collect_due(wtx *w, uint8_t prefix, int64_t now,
                       const pcn_holidays *h, due_entry *out, int max, int *n) {
  *n = 0;
  MDB_cursor *cur;
  int rc = mdb_cursor_open(w->txn, w->st->decisions, &cur);
  if (rc) return rc;
  MDB_val k = {1, &prefix}, v;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && *n < max;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    const uint8_t *p = k.mv_data;
    if (k.mv_size != KEY_OPEN || p[0] != prefix) break;
    int64_t closes_at = (int64_t)key_get_u64(p + 1);
    if (now < (prefix == 'o' ? closes_at : decision_remind_from(closes_at, h)))
      break;
    out[*n].closes_at = closes_at;
    out[(*n)++].id = key_get_u64(p + 9);
  }
  mdb_cursor_close(cur);
  return rc == MDB_NOTFOUND || rc == 0 ? 0 : rc;
}

/* Loads the decision of an index entry; NULL (after mending the index)
 * when the entry is stale, which the invariant says cannot happen. */
static int due_load(wtx *w, wjob *job, uint8_t prefix, const due_entry *e,
                    Pcn__Decision **d) {
  int rc = decision_load(w->txn, w->st, e->id, &job->arena, d);
  if (rc && rc != MDB_NOTFOUND) return wtx_lmdb(w, rc, "reading a decision");
  if (rc == 0 && (*d)->state == PCN__DECISION_STATE__DECISION_OPEN &&
      (*d)->closes_at == e->closes_at)
    return PCN__STATUS_CODE__OK;
  *d = NULL;
  uint8_t ok[KEY_OPEN];
  key_open(ok, prefix, e->closes_at, e->id);
  MDB_val k = {KEY_OPEN, ok};
  rc = mdb_del(w->txn, w->st->decisions, &k, NULL);
  return rc ? wtx_lmdb(w, rc, "indexing the decisions") : 0;
}

/* Closes the open decisions whose time has come, then sends the last-day
 * reminders that are due: at most DEC_TICK_MAX of them in one tick (the
 * next goes on). */
int decisions_tick(wtx *w, wjob *job) {
  int64_t now = job->now_ms;
  pcn_holidays h;
  int rc = decision_holidays(w, job, &h);
  if (rc) return rc;
  due_entry due[DEC_TICK_MAX];
  int n;
  if ((rc = collect_due(w, 'o', now, &h, due, DEC_TICK_MAX, &n)))
    return wtx_lmdb(w, rc, "reading the decisions");
  int done = n;
  for (int i = 0; i < n; i++) {
    Pcn__Decision *d;
    if ((rc = due_load(w, job, 'o', &due[i], &d))) return rc;
    if (d && (rc = decision_close(w, job, d, 0))) return rc;
  }
  if ((rc = collect_due(w, 'r', now, &h, due, DEC_TICK_MAX - done, &n)))
    return wtx_lmdb(w, rc, "reading the decisions");
  for (int i = 0; i < n; i++) {
    Pcn__Decision *d;
    if ((rc = due_load(w, job, 'r', &due[i], &d))) return rc;
    /* Past its closing time, it closes on the next tick instead. */
    if (d && now < d->closes_at && (rc = decision_remind(w, job, d, 0)))
      return rc;
  }
  job->resp.body_case = PCN__RESPONSE__BODY__NOT_SET;
  return PCN__STATUS_CODE__OK;
}
