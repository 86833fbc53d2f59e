/* decisions.c - decisions between practices: propose, list, show, vote,
 * withdraw, remind, and each practice's named voter; closing at the
 * closing time (decisions_tick) or as soon as every practice has voted.
 *
 * Records and keys (all integers big-endian):
 *   decisions  u64 id (8 bytes)                 -> pcn.Decision
 *              'o' | u64 closes_at | u64 id     -> (empty): the open
 *                (17 bytes)                        decisions by closing
 *                                                  time, for the tick
 *              'r' | u64 closes_at | u64 id     -> (empty): the open
 *                (17 bytes)                        decisions whose last-day
 *                                                  reminder is still to go
 *   votes      u64 decision id | 6-byte ODS     -> pcn.DecisionVote: each
 *                (14 bytes)                        practice's current vote
 *              'v' | 6-byte ODS (7 bytes)       -> pcn.DecisionVoter: the
 *                                                  practice's named voter
 * Record keys start with a zero byte (ids stay below 2^56), so they sort
 * before the 'o' and 'v' entries, and key length tells them apart.
 *
 * Invariants:
 * - Decision.practices is the network's practices when it was proposed;
 *   only they vote, one vote each, and "every practice" means them.
 * - A decision is in the open index exactly while its state is OPEN.
 * - Once CLOSED, the record holds the outcome, the tally and the full
 *   final vote record; nothing changes it again (votes, withdrawal and
 *   reminders are refused). Votes at or after closes_at are refused even
 *   before the tick has run, so the tick's tally is the tally at
 *   closes_at.
 * - The reminder of the working day before closing is recorded
 *   (last_day_reminded_at) in the transaction that sends it: never twice,
 *   and caught up after a stop. A decision proposed on or after that day
 *   gets none (it would arrive with the proposal).
 *
 * The rules (also in proto/pcn.proto, DecisionRule): unanimous passes
 * when no practice disagrees, every practice voted, and at least one
 * agreed (an abstention stands aside; silence blocks); majority passes
 * when more than half of all the practices agree; consent passes unless a
 * practice objects (disagrees, with its reason).
 *
 * Visibility: decisions, votes and voters are every member's business
 * (audience ""): practices see how each other voted. A reminder goes to
 * the practices that owe a vote and the network's people ("+A,B").
 *
 * Who: the PCN manager, the clinical director and practice managers
 * propose; a practice's practice manager or its named voter votes for it;
 * only the proposer withdraws or sends an extra reminder; a practice
 * manager names their practice's voter, the PCN manager any practice's.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "areas.h"
#include "feed.h"
#include "validate.h"
#include "workdays.h"

#define META_NEXT_DECISION "next_decision"
#define DEC_MAX_PRACTICES 32 /* a network has 3 to 8; the audience fits 32 */
#define DEC_MAX_REASON 2000
#define DEC_MIN_AHEAD_MS (3600LL * 1000)
#define DEC_MAX_AHEAD_MS (366 * PCN_DAY_MS)
#define DEC_REMIND_EVERY_MS PCN_DAY_MS /* the proposer's extra reminders */
#define DEC_LIST_DEFAULT 50
#define DEC_LIST_MAX 200
#define DEC_SCAN_MAX 5000
#define DEC_PAGE_BYTES (512u << 10)
#define DEC_TICK_MAX                                                           \
  16 /* closings and reminders per tick; the next goes on                      \
      */
#define DEC_NOTE_MAX 1200

#define KEY_OPEN 17
#define KEY_VOTE 14
#define KEY_VOTER 7

/* The tick's index entries: prefix 'o' (open) or 'r' (reminder to go). */
static void key_open(uint8_t k[KEY_OPEN], uint8_t prefix, int64_t closes_at,
                     uint64_t id) {
  k[0] = prefix;
  key_u64(k + 1, (uint64_t)closes_at);
  key_u64(k + 9, id);
}

static void key_vote(uint8_t k[KEY_VOTE], uint64_t id, const char *ods) {
  key_u64(k, id);
  memcpy(k + 8, ods, 6);
}

static void key_voter(uint8_t k[KEY_VOTER], const char *ods) {
  k[0] = 'v';
  memcpy(k + 1, ods, 6);
}

/* "2026-12-01 17:00 UTC" */
static void fmt_time(int64_t ms, char out[24]) {
  int32_t days = pcn_day_of_ms(ms);
  int64_t rem = ms - days * PCN_DAY_MS;
  char date[11];
  pcn_date_format(days, date);
  snprintf(out, 24, "%s %02d:%02d UTC", date, (int)(rem / 3600000),
           (int)(rem / 60000 % 60));
}

/* When the reminder of the working day before closes_at is due: the start
 * (UTC) of the last working day before the closing day. */
static int64_t remind_from(int64_t closes_at, const pcn_holidays *h) {
  int32_t close_day = pcn_day_of_ms(closes_at);
  return (int64_t)pcn_add_working_days(close_day, -1, h) * PCN_DAY_MS;
}

/* The network's bank holidays, for remind_from. */
static int load_holidays(wtx *w, wjob *job, pcn_holidays *h) {
  Pcn__NetworkSettings *set;
  int rc = settings_load(w->txn, w->st, &job->arena, &set);
  if (rc) return wtx_lmdb(w, rc, "reading the settings");
  if (settings_holidays(set, &job->arena, h))
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ records */

static int decision_load(MDB_txn *txn, store *st, uint64_t id, pcn_arena *a,
                         Pcn__Decision **d) {
  uint8_t key[8];
  key_u64(key, id);
  return store_get_pb(txn, st->decisions, key, 8, &pcn__decision__descriptor, a,
                      (void **)d);
}

static int in_decision(const Pcn__Decision *d, const char *ods) {
  for (size_t i = 0; i < d->n_practices; i++)
    if (strcmp(d->practices[i], ods) == 0) return 1;
  return 0;
}

/* The votes cast on decision id, into the arena. 0 or an LMDB error. */
static int votes_load(MDB_txn *txn, store *st, uint64_t id, pcn_arena *a,
                      Pcn__DecisionVote ***out, size_t *n) {
  *n = 0;
  *out = pcn_arena_alloc(a, DEC_MAX_PRACTICES * sizeof **out);
  if (!*out) return ENOMEM;
  MDB_cursor *cur;
  int rc = mdb_cursor_open(txn, st->votes, &cur);
  if (rc) return rc;
  uint8_t key[KEY_VOTE];
  memset(key, 0, sizeof key);
  key_u64(key, id);
  MDB_val k = {KEY_VOTE, key}, v;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
       rc == 0 && *n < DEC_MAX_PRACTICES;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    if (k.mv_size != KEY_VOTE || key_get_u64(k.mv_data) != id) break;
    Pcn__DecisionVote *dv =
        pcn__decision_vote__unpack(&a->pb, v.mv_size, v.mv_data);
    if (!dv) {
      rc = MDB_CORRUPTED;
      break;
    }
    (*out)[(*n)++] = dv;
  }
  mdb_cursor_close(cur);
  return rc == MDB_NOTFOUND || rc == 0 ? 0 : rc;
}

/* An open decision's record carries no votes: a read shows those cast so
 * far. A closed one keeps its final record. */
static int fill_votes(MDB_txn *txn, store *st, Pcn__Decision *d, pcn_arena *a) {
  if (d->state != PCN__DECISION_STATE__DECISION_OPEN) return 0;
  return votes_load(txn, st, d->id, a, &d->votes, &d->n_votes);
}

static int voter_load(MDB_txn *txn, store *st, const char *ods, pcn_arena *a,
                      Pcn__DecisionVoter **out) {
  if (strlen(ods) != 6) return MDB_NOTFOUND;
  uint8_t key[KEY_VOTER];
  key_voter(key, ods);
  return store_get_pb(txn, st->votes, key, KEY_VOTER,
                      &pcn__decision_voter__descriptor, a, (void **)out);
}

/* Whether username is the named voter of practice ods. */
static int is_named_voter(MDB_txn *txn, store *st, const char *ods,
                          const char *username, pcn_arena *a) {
  Pcn__DecisionVoter *v;
  return txn && voter_load(txn, st, ods, a, &v) == 0 && v->username[0] &&
         strcmp(v->username, username) == 0;
}

/* Puts (want) or deletes the tick's index entry of d with prefix. */
static int index_set(wtx *w, const Pcn__Decision *d, uint8_t prefix, int want) {
  uint8_t ok[KEY_OPEN];
  key_open(ok, prefix, d->closes_at, d->id);
  MDB_val k = {KEY_OPEN, ok}, v = {0, NULL};
  int rc = want ? mdb_put(w->txn, w->st->decisions, &k, &v, 0)
                : mdb_del(w->txn, w->st->decisions, &k, NULL);
  return rc == MDB_NOTFOUND ? 0 : rc;
}

static int decision_save(wtx *w, Pcn__Decision *d) {
  uint8_t key[8];
  key_u64(key, d->id);
  /* The stored record of an open decision holds no votes (votes has
   * them); reads fill them in. */
  size_t nv = d->n_votes;
  Pcn__DecisionVote **vv = d->votes;
  if (d->state == PCN__DECISION_STATE__DECISION_OPEN) d->n_votes = 0;
  int rc =
      store_put_pb(w->txn, w->st->decisions, key, 8, (ProtobufCMessage *)d);
  d->n_votes = nv;
  d->votes = vv;
  if (rc) return wtx_lmdb(w, rc, "saving the decision");
  int open = d->state == PCN__DECISION_STATE__DECISION_OPEN;
  int to_remind = open && !d->last_day_reminded_at && !d->no_last_day_reminder;
  if ((rc = index_set(w, d, 'o', open)) ||
      (rc = index_set(w, d, 'r', to_remind)))
    return wtx_lmdb(w, rc, "indexing the decision");
  return PCN__STATUS_CODE__OK;
}

static int decision_emit(wtx *w, wjob *job, Pcn__Op op, Pcn__Decision *d) {
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_DECISION;
  ev.decision = d;
  int rc = feed_emit(w, op, "", &ev);
  if (rc) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_DECISION;
  job->resp.decision = d;
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
    if (!in_decision(d, votes[i]->practice)) continue;
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
        !in_decision(d, votes[i]->practice))
      continue;
    char q[160];
    quote(q, votes[i]->reason);
    note_add(note, q[0] ? " %s: \"%s\"" : " %s gave no reason.",
             votes[i]->practice, q);
  }
  d->outcome = pass ? PCN__DECISION_OUTCOME__DECISION_PASSED
                    : PCN__DECISION_OUTCOME__DECISION_REJECTED;
}

/* Closes d now: the outcome by its rule, the tally, and the final vote
 * record, all kept in the record; one event. */
static int decision_close(wtx *w, wjob *job, Pcn__Decision *d, int early) {
  Pcn__DecisionVote **votes;
  size_t nv;
  int rc = votes_load(w->txn, w->st, d->id, &job->arena, &votes, &nv);
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
  return feed_emit(w, PCN__OP__UPDATED, "", &ev);
}

/* Why a decision takes no more changes, or NULL if it is open. */
static const char *not_open(const Pcn__Decision *d, int64_t now, char *buf,
                            size_t n) {
  char tm[24];
  if (d->state == PCN__DECISION_STATE__DECISION_WITHDRAWN) {
    snprintf(buf, n,
             "Decision %llu was withdrawn by its proposer; it takes no more "
             "votes or reminders.",
             (unsigned long long)d->id);
    return buf;
  }
  if (d->state == PCN__DECISION_STATE__DECISION_CLOSED) {
    fmt_time(d->closed_at, tm);
    snprintf(buf, n,
             "Decision %llu closed on %s and %s; its outcome and votes never "
             "change.",
             (unsigned long long)d->id, tm,
             d->outcome == PCN__DECISION_OUTCOME__DECISION_PASSED ? "passed"
                                                                  : "was "
                                                                    "rejected");
    return buf;
  }
  if (now >= d->closes_at) {
    fmt_time(d->closes_at, tm);
    snprintf(buf, n,
             "Decision %llu closed at %s; its outcome is being recorded and "
             "its votes no longer change.",
             (unsigned long long)d->id, tm);
    return buf;
  }
  return NULL;
}

/* ------------------------------------------------------------ propose */

static int propose_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__DecisionPropose *r = ctx->req->decision_propose;
  if (ctx_check_text(ctx, "title", r->title, PCN_MAX_TITLE, 1, 0) ||
      ctx_check_text(ctx, "text", r->text, PCN_MAX_TEXT, 0, 1))
    return ctx->status->code;
  if (r->rule < PCN__DECISION_RULE__DECISION_UNANIMOUS ||
      r->rule > PCN__DECISION_RULE__DECISION_CONSENT)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "rule",
                          "rule: choose unanimous (every practice agrees), "
                          "majority (more than half agree) or consent "
                          "(passes unless a practice objects).");
  int64_t now = srv_now_ms(ctx->srv);
  if (r->closes_at < now + DEC_MIN_AHEAD_MS)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "closes_at",
                          "closes_at: a decision closes at least an hour "
                          "from now, so that practices can vote; give a later "
                          "time.");
  if (r->closes_at > now + DEC_MAX_AHEAD_MS)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "closes_at",
                          "closes_at: a decision closes within a year; give "
                          "an earlier time.");
  return perm_check(ctx, "", 0) ? ctx->status->code : PCN__STATUS_CODE__OK;
}

/* The network's practices, by ODS code, in the order they were added. */
static int snapshot_practices(wtx *w, wjob *job, Pcn__Decision *d) {
  MDB_stat ms;
  int rc = mdb_stat(w->txn, w->st->practices, &ms);
  if (rc) return wtx_lmdb(w, rc, "reading the practices");
  if (ms.ms_entries == 0)
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "The network has no practices yet, so nobody could vote; "
                    "add them first (pcn practice add).");
  if (ms.ms_entries > DEC_MAX_PRACTICES)
    return wtx_fail(w, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "A decision takes at most %d practices, and this network "
                    "has %zu.",
                    DEC_MAX_PRACTICES, (size_t)ms.ms_entries);
  d->practices =
      pcn_arena_alloc(&job->arena, ms.ms_entries * sizeof *d->practices);
  if (!d->practices)
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  MDB_cursor *cur;
  if ((rc = mdb_cursor_open(w->txn, w->st->practices, &cur)))
    return wtx_lmdb(w, rc, "reading the practices");
  MDB_val k, v;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
       rc == 0 && d->n_practices < ms.ms_entries;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    Pcn__Practice *p =
        pcn__practice__unpack(&job->arena.pb, v.mv_size, v.mv_data);
    if (p) d->practices[d->n_practices++] = p->ods;
  }
  mdb_cursor_close(cur);
  return PCN__STATUS_CODE__OK;
}

static int propose_apply(wtx *w, wjob *job) {
  Pcn__DecisionPropose *r = job->req->decision_propose;
  Pcn__Decision *d = pcn_arena_alloc(&job->arena, sizeof *d);
  if (!d) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__decision__init(d);
  int rc = snapshot_practices(w, job, d);
  if (rc) return rc;
  uint64_t id;
  if ((rc = store_next_id(w->txn, w->st, META_NEXT_DECISION, &id)))
    return wtx_lmdb(w, rc, "numbering the decision");
  d->id = id;
  d->version = 1;
  d->title = r->title;
  d->text = r->text;
  d->rule = r->rule;
  d->closes_at = r->closes_at;
  d->state = PCN__DECISION_STATE__DECISION_OPEN;
  d->proposed_by = job->who.username;
  d->proposer_practice = job->who.practice;
  d->created_at = d->updated_at = job->now_ms;
  /* Proposed on or after the working day before closing: the proposal is
   * the reminder. */
  pcn_holidays h;
  if ((rc = load_holidays(w, job, &h))) return rc;
  d->no_last_day_reminder = d->created_at >= remind_from(d->closes_at, &h);
  if ((rc = decision_save(w, d))) return rc;
  return decision_emit(w, job, PCN__OP__CREATED, d);
}

/* ------------------------------------------------------------ reads */

static int get_read(req_ctx *ctx) {
  uint64_t id = ctx->req->decision_get->id;
  MDB_txn *txn = ctx_txn(ctx);
  Pcn__Decision *d;
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  if (!txn || decision_load(txn, &ctx->srv->st, id, ctx->arena, &d))
    return ctx_fail(ctx, PCN__STATUS_CODE__NOT_FOUND,
                    "No decision %llu; `pcn decision list` shows them.",
                    (unsigned long long)id);
  if (fill_votes(txn, &ctx->srv->st, d, ctx->arena))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The votes on decision %llu could not be read; the "
                    "operator should run pcnd verify.",
                    (unsigned long long)id);
  ctx->resp->body_case = PCN__RESPONSE__BODY_DECISION;
  ctx->resp->decision = d;
  return PCN__STATUS_CODE__OK;
}

static int list_read(req_ctx *ctx) {
  Pcn__DecisionList *r = ctx->req->decision_list;
  store *st = &ctx->srv->st;
  if (r->state < 0 || r->state > PCN__DECISION_STATE__DECISION_WITHDRAWN)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "state",
                          "state: choose open, closed or withdrawn (or "
                          "none for all).");
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  uint32_t limit = r->limit ? r->limit : DEC_LIST_DEFAULT;
  if (limit > DEC_LIST_MAX) limit = DEC_LIST_MAX;
  MDB_txn *txn = ctx_txn(ctx);
  Pcn__DecisionPage *page = pcn_arena_alloc(ctx->arena, sizeof *page);
  Pcn__Decision **items =
      pcn_arena_alloc(ctx->arena, limit * sizeof *page->decisions);
  MDB_cursor *cur;
  if (!page || !items)
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Out of memory.");
  if (!txn || mdb_cursor_open(txn, st->decisions, &cur))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The server could not read decisions; try again.");
  pcn__decision_page__init(page);
  page->decisions = items;
  /* Newest first: from just below before_id, or from the last record
   * (just below the 'o' entries). */
  uint8_t start[8];
  MDB_val k, v;
  int rc;
  if (r->before_id) {
    key_u64(start, r->before_id);
    k = (MDB_val){8, start};
  } else {
    start[0] = 'o';
    k = (MDB_val){1, start};
  }
  rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
  rc = rc == 0 ? mdb_cursor_get(cur, &k, &v, MDB_PREV)
               : mdb_cursor_get(cur, &k, &v, MDB_LAST);
  size_t bytes = 0;
  int scanned = 0;
  uint64_t last = 0;
  for (; rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_PREV)) {
    if (k.mv_size != 8) continue;
    if (page->n_decisions == limit || scanned == DEC_SCAN_MAX ||
        bytes > DEC_PAGE_BYTES) {
      page->next_before_id = last;
      break;
    }
    scanned++;
    last = key_get_u64(k.mv_data);
    Pcn__Decision *d =
        pcn__decision__unpack(&ctx->arena->pb, v.mv_size, v.mv_data);
    if (!d) {
      mdb_cursor_close(cur);
      return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                      "Too much to list at once; ask for fewer (--limit).");
    }
    if (r->state && d->state != r->state) continue;
    if (fill_votes(txn, st, d, ctx->arena)) {
      mdb_cursor_close(cur);
      return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                      "Too much to list at once; ask for fewer (--limit).");
    }
    bytes += pcn__decision__get_packed_size(d);
    items[page->n_decisions++] = d;
  }
  mdb_cursor_close(cur);
  ctx->resp->body_case = PCN__RESPONSE__BODY_DECISIONS;
  ctx->resp->decisions = page;
  return PCN__STATUS_CODE__OK;
}

static int voters_read(req_ctx *ctx) {
  store *st = &ctx->srv->st;
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  MDB_txn *txn = ctx_txn(ctx);
  MDB_cursor *cur;
  if (!txn || mdb_cursor_open(txn, st->votes, &cur))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The server could not read the voters; try again.");
  Pcn__DecisionVoterPage *page = pcn_arena_alloc(ctx->arena, sizeof *page);
  MDB_stat ms;
  mdb_stat(txn, st->practices, &ms);
  size_t cap = ms.ms_entries + 1;
  Pcn__DecisionVoter **items = pcn_arena_alloc(ctx->arena, cap * sizeof *items);
  if (!page || !items) {
    mdb_cursor_close(cur);
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Out of memory.");
  }
  pcn__decision_voter_page__init(page);
  page->voters = items;
  uint8_t start = 'v';
  MDB_val k = {1, &start}, v;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
       rc == 0 && page->n_voters < cap;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    if (k.mv_size != KEY_VOTER || ((uint8_t *)k.mv_data)[0] != 'v') break;
    Pcn__DecisionVoter *dv =
        pcn__decision_voter__unpack(&ctx->arena->pb, v.mv_size, v.mv_data);
    if (dv && dv->username[0]) items[page->n_voters++] = dv;
  }
  mdb_cursor_close(cur);
  ctx->resp->body_case = PCN__RESPONSE__BODY_DECISION_VOTERS;
  ctx->resp->decision_voters = page;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ changes */

/* Loads decision id for a change on the loop; NOT_FOUND if missing. */
static int prepare_load(req_ctx *ctx, uint64_t id, Pcn__Decision **d) {
  MDB_txn *txn = ctx_txn(ctx);
  if (!txn || decision_load(txn, &ctx->srv->st, id, ctx->arena, d))
    return ctx_fail(ctx, PCN__STATUS_CODE__NOT_FOUND,
                    "No decision %llu; `pcn decision list` shows them.",
                    (unsigned long long)id);
  return PCN__STATUS_CODE__OK;
}

/* Writer side: the decision, still open at job->now_ms. */
static int apply_load_open(wtx *w, wjob *job, uint64_t id, Pcn__Decision **d) {
  int rc = decision_load(w->txn, w->st, id, &job->arena, d);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND, "No decision %llu.",
                    (unsigned long long)id);
  if (rc) return wtx_lmdb(w, rc, "reading the decision");
  char why[300];
  if (not_open(*d, job->now_ms, why, sizeof why))
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION, "%s", why);
  return PCN__STATUS_CODE__OK;
}

/* The proposer alone withdraws and reminds. */
static int prepare_proposer(req_ctx *ctx, uint64_t id, const char *verb,
                            Pcn__Decision **out) {
  Pcn__Decision *d;
  int rc = prepare_load(ctx, id, &d);
  if (rc) return rc;
  if (perm_check(ctx, "", strcmp(d->proposed_by, ctx->who->username) == 0))
    return ctx_fail(ctx, PCN__STATUS_CODE__PERMISSION_DENIED,
                    "Only the proposer of decision %llu, %s, may %s.",
                    (unsigned long long)id, d->proposed_by, verb);
  char why[300];
  if (not_open(d, srv_now_ms(ctx->srv), why, sizeof why))
    return ctx_fail(ctx, PCN__STATUS_CODE__FAILED_PRECONDITION, "%s", why);
  *out = d;
  return PCN__STATUS_CODE__OK;
}

static int vote_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__DecisionVoteCast *r = ctx->req->decision_vote;
  if (r->choice < PCN__DECISION_CHOICE__DECISION_AGREE ||
      r->choice > PCN__DECISION_CHOICE__DECISION_ABSTAIN)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "choice",
                          "choice: vote agree, disagree or abstain.");
  if (ctx_check_text(ctx, "reason", r->reason, DEC_MAX_REASON, 0, 1))
    return ctx->status->code;
  char *practice = ctx_ods_or_own(ctx, "practice", r->practice);
  if (!practice) return ctx->status->code;
  if (!practice[0])
    return ctx_fail(ctx, PCN__STATUS_CODE__PERMISSION_DENIED,
                    "Practices vote, through their practice manager or named "
                    "voter; a %s has no practice to vote for.",
                    ctx->who->role == PCN__ROLE__PCN_MANAGER ? "PCN manager"
                    : ctx->who->role == PCN__ROLE__CLINICAL_DIRECTOR
                        ? "clinical director"
                        : "member of the network's own staff");
  r->practice = practice;
  Pcn__Decision *d;
  int rc = prepare_load(ctx, r->id, &d);
  if (rc) return rc;
  if (d->rule == PCN__DECISION_RULE__DECISION_CONSENT &&
      r->choice == PCN__DECISION_CHOICE__DECISION_DISAGREE &&
      pcn_check_text(r->reason, DEC_MAX_REASON, 1, 1) != NULL)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "reason",
                          "reason: under consent a disagree vote is an "
                          "objection; give its reason, so that the network "
                          "can answer it.");
  int voter = is_named_voter(ctx_txn(ctx), &ctx->srv->st, practice,
                             ctx->who->username, ctx->arena);
  if (perm_check(ctx, practice, voter)) {
    if (strcmp(practice, ctx->who->practice) == 0)
      return ctx_fail(ctx, PCN__STATUS_CODE__PERMISSION_DENIED,
                      "Only %s's practice manager or its named voter may vote "
                      "for it; your practice manager can name you (pcn "
                      "decision voter).",
                      practice);
    return ctx->status->code;
  }
  if (!in_decision(d, practice))
    return ctx_fail(ctx, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "%s joined the network after decision %llu was proposed, "
                    "so it does not vote on it.",
                    practice, (unsigned long long)d->id);
  char why[300];
  if (not_open(d, srv_now_ms(ctx->srv), why, sizeof why))
    return ctx_fail(ctx, PCN__STATUS_CODE__FAILED_PRECONDITION, "%s", why);
  return PCN__STATUS_CODE__OK;
}

static int vote_apply(wtx *w, wjob *job) {
  Pcn__DecisionVoteCast *r = job->req->decision_vote;
  Pcn__Decision *d;
  int rc = apply_load_open(w, job, r->id, &d);
  if (rc) return rc;
  uint8_t key[KEY_VOTE];
  key_vote(key, d->id, r->practice);
  Pcn__DecisionVote *old = NULL;
  rc =
      store_get_pb(w->txn, w->st->votes, key, KEY_VOTE,
                   &pcn__decision_vote__descriptor, &job->arena, (void **)&old);
  if (rc && rc != MDB_NOTFOUND) return wtx_lmdb(w, rc, "reading the vote");
  if (rc) old = NULL;
  if (r->version && (!old || old->version != r->version)) {
    if (old) {
      job->resp.body_case = PCN__RESPONSE__BODY_DECISION_VOTE;
      job->resp.decision_vote = old;
    }
    return wtx_fail(w, PCN__STATUS_CODE__CONFLICT,
                    "%s's vote on decision %llu changed meanwhile (now "
                    "version %u, you read %u)%s: review it and vote again.",
                    r->practice, (unsigned long long)d->id,
                    old ? old->version : 0, r->version,
                    old ? "; here it is" : "");
  }
  Pcn__DecisionVote *v = pcn_arena_alloc(&job->arena, sizeof *v);
  if (!v) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__decision_vote__init(v);
  v->decision_id = d->id;
  v->practice = r->practice;
  v->choice = r->choice;
  v->reason = r->reason;
  v->voter = job->who.username;
  v->at = job->now_ms;
  v->version = old ? old->version + 1 : 1;
  if ((rc = store_put_pb(w->txn, w->st->votes, key, KEY_VOTE,
                         (ProtobufCMessage *)v)))
    return wtx_lmdb(w, rc, "saving the vote");
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_DECISION_VOTE;
  ev.decision_vote = v;
  if ((rc = feed_emit(w, old ? PCN__OP__UPDATED : PCN__OP__CREATED, "", &ev)))
    return rc;
  /* Every practice has voted: it closes now. */
  if ((rc = fill_votes(w->txn, w->st, d, &job->arena)))
    return wtx_lmdb(w, rc, "reading the votes");
  size_t voted = 0;
  for (size_t i = 0; i < d->n_votes; i++)
    voted += in_decision(d, d->votes[i]->practice);
  if (voted == d->n_practices && (rc = decision_close(w, job, d, 1))) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_DECISION;
  job->resp.decision = d;
  return PCN__STATUS_CODE__OK;
}

static int withdraw_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__DecisionWithdraw *r = ctx->req->decision_withdraw;
  if (ctx_check_text(ctx, "reason", r->reason, DEC_MAX_REASON, 0, 1))
    return ctx->status->code;
  Pcn__Decision *d;
  return prepare_proposer(ctx, r->id, "withdraw it", &d);
}

static int withdraw_apply(wtx *w, wjob *job) {
  Pcn__DecisionWithdraw *r = job->req->decision_withdraw;
  Pcn__Decision *d;
  int rc = apply_load_open(w, job, r->id, &d);
  if (rc) return rc;
  if (r->version && r->version != d->version) {
    fill_votes(w->txn, w->st, d, &job->arena);
    job->resp.body_case = PCN__RESPONSE__BODY_DECISION;
    job->resp.decision = d;
    return wtx_fail(w, PCN__STATUS_CODE__CONFLICT,
                    "Decision %llu changed meanwhile (now version %u, you read "
                    "%u); here it is: review it and try again.",
                    (unsigned long long)d->id, d->version, r->version);
  }
  d->state = PCN__DECISION_STATE__DECISION_WITHDRAWN;
  d->withdrawn_reason = r->reason;
  d->closed_at = d->updated_at = job->now_ms;
  d->version++;
  if ((rc = decision_save(w, d))) return rc;
  if ((rc = fill_votes(w->txn, w->st, d, &job->arena)))
    return wtx_lmdb(w, rc, "reading the votes");
  return decision_emit(w, job, PCN__OP__UPDATED, d);
}

/* Sends a reminder of d to the practices that have not voted, and records
 * it in d (no new version: the decision itself did not change). */
static int remind(wtx *w, wjob *job, Pcn__Decision *d, int by_proposer) {
  Pcn__DecisionVote **votes;
  size_t nv;
  int rc = votes_load(w->txn, w->st, d->id, &job->arena, &votes, &nv);
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
  m->by_proposer = by_proposer;
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

static int remind_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__DecisionRemind *r = ctx->req->decision_remind;
  Pcn__Decision *d;
  int rc = prepare_proposer(ctx, r->id, "send it an extra reminder", &d);
  if (rc) return rc;
  int64_t next = d->proposer_reminded_at + DEC_REMIND_EVERY_MS;
  int64_t now = srv_now_ms(ctx->srv);
  if (d->proposer_reminded_at && now < next) {
    char tm[24];
    fmt_time(next, tm);
    Pcn__StatusDetails *det = ctx_details(ctx);
    if (det) det->retry_after_ms = (uint32_t)(next - now);
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "You reminded the practices about decision %llu less than "
                    "a day ago; one extra reminder a day: try again after %s.",
                    (unsigned long long)d->id, tm);
  }
  return PCN__STATUS_CODE__OK;
}

static int remind_apply(wtx *w, wjob *job) {
  Pcn__Decision *d;
  int rc = apply_load_open(w, job, job->req->decision_remind->id, &d);
  if (rc) return rc;
  if (d->proposer_reminded_at &&
      job->now_ms < d->proposer_reminded_at + DEC_REMIND_EVERY_MS)
    return wtx_fail(w, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "The practices were reminded about decision %llu less "
                    "than a day ago.",
                    (unsigned long long)d->id);
  return remind(w, job, d, 1);
}

/* ------------------------------------------------------------ voters */

static int voter_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__DecisionVoterSet *r = ctx->req->decision_voter_set;
  char *practice = ctx_ods_or_own(ctx, "practice", r->practice);
  if (!practice) return ctx->status->code;
  if (!practice[0])
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "practice",
                          "practice: name the practice whose voter this is "
                          "(its ODS code, such as F84001).");
  r->practice = practice;
  if (r->username[0] &&
      ctx_check_text(ctx, "username", r->username, PCN_MAX_USERNAME, 0, 0))
    return ctx->status->code;
  if (perm_check(ctx, practice, 0) ||
      ctx_practice_id(ctx, "practice", practice, NULL))
    return ctx->status->code;
  if (!r->username[0]) return PCN__STATUS_CODE__OK;
  Pcn__Member *m;
  if (ctx_active_member(ctx, "username", r->username, &m))
    return ctx->status->code;
  if (strcmp(m->practice, practice) != 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "username",
                          "username: %s is not a member of %s; a practice's "
                          "voter is one of its own members.",
                          r->username, practice);
  return PCN__STATUS_CODE__OK;
}

static int voter_apply(wtx *w, wjob *job) {
  Pcn__DecisionVoterSet *r = job->req->decision_voter_set;
  Pcn__DecisionVoter *v = NULL;
  int rc = voter_load(w->txn, w->st, r->practice, &job->arena, &v);
  if (rc && rc != MDB_NOTFOUND) return wtx_lmdb(w, rc, "reading the voter");
  int existed = rc == 0;
  if (!existed) {
    v = pcn_arena_alloc(&job->arena, sizeof *v);
    if (!v) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
    pcn__decision_voter__init(v);
    v->practice = r->practice;
  }
  if (r->version && r->version != v->version) {
    job->resp.body_case = PCN__RESPONSE__BODY_DECISION_VOTER;
    job->resp.decision_voter = v;
    return wtx_fail(w, PCN__STATUS_CODE__CONFLICT,
                    "%s's voter was changed meanwhile (now version %u, you "
                    "read %u); here it is: review it and try again.",
                    r->practice, v->version, r->version);
  }
  if (strcmp(v->username, r->username) == 0)
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    r->username[0] ? "%s is already %s's voter."
                                   : "%s has no named voter to take back.",
                    r->username[0] ? r->username : r->practice, r->practice);
  v->username = r->username;
  v->version++;
  v->named_by = job->who.username;
  v->at = job->now_ms;
  uint8_t key[KEY_VOTER];
  key_voter(key, r->practice);
  if ((rc = store_put_pb(w->txn, w->st->votes, key, KEY_VOTER,
                         (ProtobufCMessage *)v)))
    return wtx_lmdb(w, rc, "saving the voter");
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_DECISION_VOTER;
  ev.decision_voter = v;
  if ((rc = feed_emit(w, existed ? PCN__OP__UPDATED : PCN__OP__CREATED, "",
                      &ev)))
    return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_DECISION_VOTER;
  job->resp.decision_voter = v;
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
    if (now < (prefix == 'o' ? closes_at : remind_from(closes_at, h))) break;
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
  int rc = load_holidays(w, job, &h);
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
    if (d && now < d->closes_at && (rc = remind(w, job, d, 0))) return rc;
  }
  job->resp.body_case = PCN__RESPONSE__BODY__NOT_SET;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ the table */

const req_entry decisions_entries[] = {
    {PCN__REQUEST__BODY_DECISION_PROPOSE, "propose decisions", REQ_WRITE,
     R_PCNM | R_CD | R_PM, 0, 0, NULL, propose_prepare, propose_apply, NULL},
    {PCN__REQUEST__BODY_DECISION_LIST, "list decisions", 0, R_ALL, R_ALL, 0,
     list_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_DECISION_GET, "see decisions", 0, R_ALL, R_ALL, 0,
     get_read, NULL, NULL, NULL},
    /* The owner here is the practice's named voter. */
    {PCN__REQUEST__BODY_DECISION_VOTE, "vote on decisions",
     REQ_WRITE | REQ_OWNER, 0, R_PM, 0, NULL, vote_prepare, vote_apply, NULL},
    /* The owner is the proposer, and only they may. */
    {PCN__REQUEST__BODY_DECISION_WITHDRAW, "withdraw decisions",
     REQ_WRITE | REQ_OWNER, 0, 0, 0, NULL, withdraw_prepare, withdraw_apply,
     NULL},
    {PCN__REQUEST__BODY_DECISION_REMIND, "send reminders about decisions",
     REQ_WRITE | REQ_OWNER, 0, 0, 0, NULL, remind_prepare, remind_apply, NULL},
    {PCN__REQUEST__BODY_DECISION_VOTER_SET, "name a practice's voter",
     REQ_WRITE, 0, R_PM, R_PCNM, NULL, voter_prepare, voter_apply, NULL},
    {PCN__REQUEST__BODY_DECISION_VOTER_LIST, "list practices' voters", 0, R_ALL,
     R_ALL, 0, voters_read, NULL, NULL, NULL},
};
const size_t decisions_entries_n =
    sizeof decisions_entries / sizeof decisions_entries[0];
