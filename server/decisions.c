/* decisions.c - decisions between practices: the records, the writes
 * (propose, vote, withdraw, the proposer's extra reminder, each practice's
 * named voter) and the request table. The reads are in decisions_read.c;
 * the outcome, closing and the reminders in decisions_clock.c. Records,
 * keys and invariants: decisions.h.
 *
 * Visibility: decisions, votes and voters are every member's business
 * (audience ""): practices see how each other voted. A decision put to
 * some practices only (some_practices) is theirs and the network's
 * people's ("+A,B"): its votes and outcome too; to anyone else it does
 * not exist (NOT_FOUND, left out of lists). A reminder goes to
 * the practices that owe a vote and the network's people ("+A,B").
 *
 * Who: the PCN manager, the clinical director and practice managers
 * propose; a practice's practice manager or its named voter votes for it;
 * only the proposer withdraws; the proposer or a PCN manager (whose work
 * it is to chase: issue 20) sends an extra reminder; a practice
 * manager names their practice's voter, the PCN manager any practice's
 * (one of its members, or the clinical director). propose answers with
 * the practices nobody can vote for (Decision.no_voter, never stored).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "decisions.h"
#include "feed.h"
#include "uktime.h"
#include "validate.h"

#define META_NEXT_DECISION "next_decision"
#define DEC_MAX_REASON 2000
#define DEC_MIN_AHEAD_MS (3600LL * 1000)
#define DEC_MAX_AHEAD_MS (366 * PCN_DAY_MS)
#define DEC_REMIND_EVERY_MS PCN_DAY_MS /* the proposer's extra reminders */

static void key_vote(uint8_t k[KEY_VOTE], uint64_t id, const char *ods) {
  key_u64(k, id);
  memcpy(k + 8, ods, 6);
}

static void key_voter(uint8_t k[KEY_VOTER], const char *ods) {
  k[0] = 'v';
  memcpy(k + 1, ods, 6);
}

/* "2026-12-01 17:00 GMT": UK time, as members typed it (issue 20). */
static void fmt_time(int64_t ms, char out[24]) {
  pcn_london_format_zone(ms, out);
}

/* ------------------------------------------------------------ records */

int decision_load(MDB_txn *txn, store *st, uint64_t id, pcn_arena *a,
                  Pcn__Decision **d) {
  uint8_t key[8];
  key_u64(key, id);
  return store_get_pb(txn, st->decisions, key, 8, &pcn__decision__descriptor, a,
                      (void **)d);
}

int decision_visible(const Pcn__Decision *d, const char *practice) {
  return !d->some_practices || !practice[0] ||
         decision_has_practice(d, practice);
}

int decision_feed(wtx *w, Pcn__Op op, const Pcn__Decision *d, Pcn__Event *ev) {
  if (!d->some_practices) return feed_emit(w, op, "", ev);
  return feed_emit_to(w, op, d->practices, d->n_practices, ev);
}

int decision_load_for(req_ctx *ctx, uint64_t id, Pcn__Decision **d) {
  *d = NULL;
  MDB_txn *txn = ctx_txn(ctx);
  /* One not put to the asker's practice answers as one that is not. */
  if (!txn || decision_load(txn, &ctx->srv->st, id, ctx->arena, d) ||
      !decision_visible(*d, ctx->who->practice))
    return ctx_fail(ctx, PCN__STATUS_CODE__NOT_FOUND,
                    "No decision %llu; `pcn decision list` shows them.",
                    (unsigned long long)id);
  return PCN__STATUS_CODE__OK;
}

int decision_has_practice(const Pcn__Decision *d, const char *ods) {
  for (size_t i = 0; i < d->n_practices; i++)
    if (strcmp(d->practices[i], ods) == 0) return 1;
  return 0;
}

int decision_votes_load(MDB_txn *txn, store *st, uint64_t id, pcn_arena *a,
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

int decision_fill_votes(MDB_txn *txn, store *st, Pcn__Decision *d,
                        pcn_arena *a) {
  if (d->state != PCN__DECISION_STATE__DECISION_OPEN) return 0;
  return decision_votes_load(txn, st, d->id, a, &d->votes, &d->n_votes);
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

/* Whether anyone can vote for practice ods now: an enabled practice
 * manager of it, or its named voter while enabled. */
static int practice_has_voter(MDB_txn *txn, store *st, const char *ods,
                              pcn_arena *a) {
  Pcn__DecisionVoter *v;
  Pcn__Member *m;
  if (voter_load(txn, st, ods, a, &v) == 0 && v->username[0] &&
      member_lookup(txn, st, v->username, a, &m) == 0 && !m->disabled)
    return 1;
  MDB_cursor *cur;
  if (mdb_cursor_open(txn, st->members, &cur)) return 1; /* do not warn */
  int found = 0;
  MDB_val k, val;
  for (int rc = mdb_cursor_get(cur, &k, &val, MDB_FIRST); rc == 0 && !found;
       rc = mdb_cursor_get(cur, &k, &val, MDB_NEXT)) {
    Pcn__Member *pm = pcn__member__unpack(&a->pb, val.mv_size, val.mv_data);
    found = pm && !pm->disabled && pm->role == PCN__ROLE__PRACTICE_MANAGER &&
            strcmp(pm->practice, ods) == 0;
  }
  mdb_cursor_close(cur);
  return found;
}

/* Fills d->no_voter (the answer's warning; never stored). */
static int find_no_voter(wtx *w, wjob *job, Pcn__Decision *d) {
  d->no_voter =
      pcn_arena_alloc(&job->arena, d->n_practices * sizeof *d->no_voter);
  if (!d->no_voter)
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  for (size_t i = 0; i < d->n_practices; i++)
    if (!practice_has_voter(w->txn, w->st, d->practices[i], &job->arena))
      d->no_voter[d->n_no_voter++] = d->practices[i];
  return PCN__STATUS_CODE__OK;
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

int decision_save(wtx *w, Pcn__Decision *d) {
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
  int rc = decision_feed(w, op, d, &ev);
  if (rc) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_DECISION;
  job->resp.decision = d;
  return PCN__STATUS_CODE__OK;
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
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  if (!r->n_practices) return PCN__STATUS_CODE__OK;
  if (r->n_practices > DEC_MAX_PRACTICES)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "practices",
                          "practices: at most %d; leave them out to put it "
                          "to every practice.",
                          DEC_MAX_PRACTICES);
  char **p = pcn_arena_alloc(ctx->arena, r->n_practices * sizeof *p);
  if (!p) return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  for (size_t i = 0; i < r->n_practices; i++)
    if (!(p[i] = ctx_ods(ctx, "practices", r->practices[i], 0)) ||
        ctx_practice_id(ctx, "practices", p[i], NULL))
      return ctx->status->code;
  r->practices = p;
  r->n_practices = ods_sort_unique(p, r->n_practices);
  return PCN__STATUS_CODE__OK;
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
  int rc = PCN__STATUS_CODE__OK;
  if (r->n_practices) { /* checked by propose_prepare */
    d->practices = r->practices;
    d->n_practices = r->n_practices;
    d->some_practices = 1;
  } else if ((rc = snapshot_practices(w, job, d)))
    return rc;
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
  if ((rc = decision_holidays(w, job, &h))) return rc;
  d->no_last_day_reminder =
      d->created_at >= decision_remind_from(d->closes_at, &h);
  if ((rc = decision_save(w, d)) || (rc = find_no_voter(w, job, d))) return rc;
  return decision_emit(w, job, PCN__OP__CREATED, d);
}

/* ------------------------------------------------------------ changes */

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

/* The proposer withdraws; the proposer or a PCN manager reminds (the
 * request table says which: a PCN manager passes perm_check for remind
 * whoever proposed). */
static int prepare_proposer(req_ctx *ctx, uint64_t id, const char *verb,
                            Pcn__Decision **out) {
  Pcn__Decision *d;
  int rc = decision_load_for(ctx, id, &d);
  if (rc) return rc;
  if (perm_check(ctx, "", strcmp(d->proposed_by, ctx->who->username) == 0))
    return ctx_fail(ctx, PCN__STATUS_CODE__PERMISSION_DENIED,
                    "Only the proposer of decision %llu, %s%s, may %s.",
                    (unsigned long long)id, d->proposed_by,
                    ctx->entry->net_roles ? ", or a PCN manager" : "", verb);
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
  int rc = decision_load_for(ctx, r->id, &d);
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
  /* A named voter from the network's own people votes for a practice
   * that is not theirs: being named is the permission. */
  if (!(voter && !ctx->who->practice[0]) && perm_check(ctx, practice, voter)) {
    if (strcmp(practice, ctx->who->practice) == 0)
      return ctx_fail(ctx, PCN__STATUS_CODE__PERMISSION_DENIED,
                      "Only %s's practice manager or its named voter may vote "
                      "for it; your practice manager can name you (pcn "
                      "decision voter).",
                      practice);
    return ctx->status->code;
  }
  if (!decision_has_practice(d, practice))
    return ctx_fail(ctx, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    d->some_practices
                        ? "%s is not among the practices decision %llu was "
                          "put to, so it does not vote on it."
                        : "%s joined the network after decision %llu was "
                          "proposed, so it does not vote on it.",
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
  if ((rc =
           decision_feed(w, old ? PCN__OP__UPDATED : PCN__OP__CREATED, d, &ev)))
    return rc;
  /* Every practice has voted: it closes now. */
  if ((rc = decision_fill_votes(w->txn, w->st, d, &job->arena)))
    return wtx_lmdb(w, rc, "reading the votes");
  size_t voted = 0;
  for (size_t i = 0; i < d->n_votes; i++)
    voted += decision_has_practice(d, d->votes[i]->practice);
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
    decision_fill_votes(w->txn, w->st, d, &job->arena);
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
  if ((rc = decision_fill_votes(w->txn, w->st, d, &job->arena)))
    return wtx_lmdb(w, rc, "reading the votes");
  return decision_emit(w, job, PCN__OP__UPDATED, d);
}

static int remind_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__DecisionRemind *r = ctx->req->decision_remind;
  Pcn__Decision *d = NULL;
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
                    "The practices were reminded about decision %llu by hand "
                    "less than a day ago; one extra reminder a day: try again "
                    "after %s.",
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
  return decision_remind(w, job, d,
                         strcmp(d->proposed_by, job->who.username) ? 2 : 1);
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
  /* The PCN manager may also name one of the network's own people (the
   * clinical director, say, for a practice with no manager yet). */
  int network_person = !m->practice[0] &&
                       m->role == PCN__ROLE__CLINICAL_DIRECTOR &&
                       ctx->who->role == PCN__ROLE__PCN_MANAGER;
  if (strcmp(m->practice, practice) != 0 && !network_person)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "username",
                          "username: %s is not a member of %s; name one of its "
                          "own members (or, as the PCN manager, the clinical "
                          "director).",
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

/* ------------------------------------------------------------ the table */

const req_entry decisions_entries[] = {
    {PCN__REQUEST__BODY_DECISION_PROPOSE, "propose decisions", REQ_WRITE,
     R_PCNM | R_CD | R_PM, 0, 0, NULL, propose_prepare, propose_apply, NULL},
    {PCN__REQUEST__BODY_DECISION_LIST, "list decisions", 0, R_ALL, R_ALL, 0,
     decisions_list_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_DECISION_GET, "see decisions", 0, R_ALL, R_ALL, 0,
     decisions_get_read, NULL, NULL, NULL},
    /* The owner here is the practice's named voter. */
    {PCN__REQUEST__BODY_DECISION_VOTE, "vote on decisions",
     REQ_WRITE | REQ_OWNER, 0, R_PM, 0, NULL, vote_prepare, vote_apply, NULL},
    /* The owner is the proposer, and only they may. */
    {PCN__REQUEST__BODY_DECISION_WITHDRAW, "withdraw decisions",
     REQ_WRITE | REQ_OWNER, 0, 0, 0, NULL, withdraw_prepare, withdraw_apply,
     NULL},
    /* The proposer (the owner), or a PCN manager whoever proposed it: the
     * network's chasing is theirs (issue 20). */
    {PCN__REQUEST__BODY_DECISION_REMIND, "send reminders about decisions",
     REQ_WRITE | REQ_OWNER, R_PCNM, 0, 0, NULL, remind_prepare, remind_apply,
     NULL},
    {PCN__REQUEST__BODY_DECISION_VOTER_SET, "name a practice's voter",
     REQ_WRITE, 0, R_PM, R_PCNM, NULL, voter_prepare, voter_apply, NULL},
    {PCN__REQUEST__BODY_DECISION_VOTER_LIST, "list practices' voters", 0, R_ALL,
     R_ALL, 0, decisions_voters_read, NULL, NULL, NULL},
};
const size_t decisions_entries_n =
    sizeof decisions_entries / sizeof decisions_entries[0];
