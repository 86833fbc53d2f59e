/* funds_claims.c - backfill claims: the time a practice's people spent at
 * the network's meetings (the attendance meetings.c records), at an
 * hourly rate per role, claimed by the practice and approved by the PCN
 * manager into ledger entries; and the year-end position per practice.
 *
 * Records (funds_claims; funds_arrs.c keeps 'A'/'a' keys in the same
 * database):
 *   'C' u64 id                     -> pcn.FundsClaim
 *   'M' u64 meeting id | username  -> u64 id of the newest claim for that
 *                                     attendance (one live claim each)
 *   'P' role                       -> pcn.FundsBackfillRate
 *   meta "next_funds_claim"           the id counter
 *
 * A claim is for one person's attendance at one meeting: the minutes the
 * meeting recorded, at the role's rate when claimed (minutes x rate / 60,
 * rounded half up to the penny), paid to the practice the person belonged
 * to when attendance was recorded. The role is the attendee's own, from
 * their member record, never the claimer's word (member_rate_role: a
 * clinician is "gp", a practice manager "practice-manager", anyone else
 * at a practice "staff"); a request may name it, and is refused when it
 * names another. A role with no rate is refused naming the rate to set. A claim
 * is PENDING until the PCN manager approves it (paid from a stream in the same
 * transaction: funds_post_claim in funds.c, which keeps the chart of accounts)
 * or rejects it (with a reason); then it never changes again. Several claims
 * may be decided alike in one request (ids): all in the one transaction, or
 * none when any cannot be (the refusal names it). Another claim for the same
 * attendance is refused unless the earlier one was rejected. A claim's entry
 * may be reversed like any entry; the claim stays approved (the reversal is the
 * ledger's record of the correction).
 *
 * Who: the practice manager of the attendee's practice, or the PCN
 * manager, claims (a clinician too, for their own attendance); only the PCN
 * manager sets rates and decides. A claim is seen by the network's people and
 * the attendee's practice (its events, and the list, follow the same rule);
 * rates and the year end are everyone's.
 *
 * The year end: for a financial year (2027: 1 April 2027 to 31 March
 * 2028), what each practice was paid (distributed and claimed) against its
 * share of everything paid to practices, split by its list size (or
 * weighted population) on 1 April with pcn_split, so the shares add up to
 * the total exactly. Per stream too (issue 20): each stream's payments
 * split the same way, one FundsStreamShare per practice and stream. The
 * rows and totals count only the streams that are not pass-through
 * (FundsStream.pass_through: ARRS and IIF by default), unless the
 * request says include_pass_through; the streams left out are named.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "areas.h"
#include "feed.h"
#include "money.h"
#include "uktime.h"
#include "validate.h"

#define META_NEXT_CLAIM "next_funds_claim"
#define ROLE_MAX 40
#define RATE_PPH_MAX 1000000 /* £10,000.00 an hour */
#define RATES_MAX 200
#define REASON_MAX 500
#define CLAIMS_LIST_MAX 500
#define CLAIMS_SCAN_MAX 20000
#define DECIDE_MAX 100 /* claims decided in one request */
#define YEAR_MIN 2000
#define YEAR_MAX 2200
#define DAY_MS 86400000LL


/* A role is lower-case words joined by spaces or '-': "gp", "nurse",
 * "practice-manager". Upper case is folded in place. 0 or -1. */
static int role_fold(char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > ROLE_MAX) return -1;
  for (size_t i = 0; i < n; i++) {
    if (s[i] >= 'A' && s[i] <= 'Z') s[i] = (char)(s[i] - 'A' + 'a');
    int word = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9');
    int join = s[i] == ' ' || s[i] == '-';
    if (!word && !join) return -1;
    if (join && (i == 0 || i == n - 1 || s[i - 1] == ' ' || s[i - 1] == '-'))
      return -1;
  }
  return 0;
}

static int check_role(req_ctx *ctx, char *role) {
  if (role_fold(role) == 0) return 0;
  return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "role",
                        "role: 1 to %d characters of lower-case words joined "
                        "by spaces or '-', such as gp, nurse or "
                        "practice-manager.",
                        ROLE_MAX);
}

/* The backfill rate's role for a member of a practice, by their role in
 * the network: the server's record, so no claimer picks a dearer one. */
static const char *member_rate_role(int role) {
  switch (role) {
  case PCN__ROLE__CLINICIAN: return "gp";
  case PCN__ROLE__PRACTICE_MANAGER: return "practice-manager";
  default: return "staff";
  }
}

/* ------------------------------------------------------------ keys */

static size_t rate_key(uint8_t k[1 + ROLE_MAX], const char *role) {
  size_t n = strlen(role);
  if (n > ROLE_MAX) n = ROLE_MAX;
  k[0] = 'P';
  memcpy(k + 1, role, n);
  return 1 + n;
}

static size_t attend_key(uint8_t k[9 + PCN_MAX_USERNAME], uint64_t meeting,
                         const char *username) {
  size_t n = strlen(username);
  if (n > PCN_MAX_USERNAME) n = PCN_MAX_USERNAME;
  k[0] = 'M';
  key_u64(k + 1, meeting);
  memcpy(k + 9, username, n);
  return 9 + n;
}

static int claim_load(MDB_txn *txn, store *st, uint64_t id, pcn_arena *a,
                      Pcn__FundsClaim **c) {
  uint8_t k[9] = {'C'};
  key_u64(k + 1, id);
  return store_get_pb(txn, st->funds_claims, k, 9,
                      &pcn__funds_claim__descriptor, a, (void **)c);
}

static int rate_find(MDB_txn *txn, store *st, const char *role, pcn_arena *a,
                     Pcn__FundsBackfillRate **out) {
  uint8_t k[1 + ROLE_MAX];
  return store_get_pb(txn, st->funds_claims, k, rate_key(k, role),
                      &pcn__funds_backfill_rate__descriptor, a, (void **)out);
}

/* ------------------------------------------------------------ rates */

static int rate_set_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__FundsBackfillRateSet *r = ctx->req->funds_backfill_rate_set;
  if (check_role(ctx, r->role)) return ctx->status->code;
  if (r->pence_per_hour <= 0 || r->pence_per_hour > RATE_PPH_MAX)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT,
                          "pence_per_hour",
                          "pence_per_hour: the hourly rate is more than 0 "
                          "and at most £10,000.00.");
  return perm_check(ctx, "", 0) ? ctx->status->code : PCN__STATUS_CODE__OK;
}

static int rate_set_apply(wtx *w, wjob *job) {
  Pcn__FundsBackfillRateSet *r = job->req->funds_backfill_rate_set;
  Pcn__FundsBackfillRate *old = NULL;
  int rc = rate_find(w->txn, w->st, r->role, &job->arena, &old);
  if (rc && rc != MDB_NOTFOUND) return wtx_lmdb(w, rc, "reading the rate");
  if (rc == MDB_NOTFOUND) {
    /* A new role: the list of rates is bounded. */
    MDB_cursor *cur;
    size_t n = 0;
    uint8_t lo[1] = {'P'};
    MDB_val k = {1, lo}, v;
    if ((rc = mdb_cursor_open(w->txn, w->st->funds_claims, &cur)))
      return wtx_lmdb(w, rc, "counting the rates");
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
         rc == 0 && ((uint8_t *)k.mv_data)[0] == 'P' && n <= RATES_MAX;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
      n++;
    mdb_cursor_close(cur);
    if (n >= RATES_MAX)
      return wtx_fail(w, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                      "The network already has backfill rates for %d roles.",
                      RATES_MAX);
  }
  Pcn__FundsBackfillRate *x = pcn_arena_alloc(&job->arena, sizeof *x);
  if (!x) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__funds_backfill_rate__init(x);
  x->role = r->role;
  x->pence_per_hour = r->pence_per_hour;
  x->set_at = job->now_ms;
  x->set_by = job->who.username;
  uint8_t key[1 + ROLE_MAX];
  if ((rc = store_put_pb(w->txn, w->st->funds_claims, key,
                         rate_key(key, r->role), (const ProtobufCMessage *)x)))
    return wtx_lmdb(w, rc, "saving the rate");
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_FUNDS_BACKFILL_RATE;
  ev.funds_backfill_rate = x;
  if ((rc = feed_emit(w, old ? PCN__OP__UPDATED : PCN__OP__CREATED, "", &ev)))
    return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_FUNDS_BACKFILL_RATE;
  job->resp.funds_backfill_rate = x;
  return PCN__STATUS_CODE__OK;
}

static int rate_list_read(req_ctx *ctx) {
  pcn_arena *a = ctx->arena;
  Pcn__FundsBackfillRatePage *pg = pcn_arena_alloc(a, sizeof *pg);
  MDB_cursor *cur = NULL;
  if (!pg || mdb_cursor_open(ctx_txn(ctx), ctx->srv->st.funds_claims, &cur))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The backfill rates could not be read.");
  pcn__funds_backfill_rate_page__init(pg);
  pg->rates = pcn_arena_alloc(a, RATES_MAX * sizeof *pg->rates);
  uint8_t lo[1] = {'P'};
  MDB_val k = {1, lo}, v;
  for (int rc = pg->rates ? mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE) : ENOMEM;
       rc == 0 && ((uint8_t *)k.mv_data)[0] == 'P' && pg->n_rates < RATES_MAX;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    Pcn__FundsBackfillRate *x =
        pcn__funds_backfill_rate__unpack(&a->pb, v.mv_size, v.mv_data);
    if (x) pg->rates[pg->n_rates++] = x;
  }
  mdb_cursor_close(cur);
  if (!pg->rates)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  ctx->resp->body_case = PCN__RESPONSE__BODY_FUNDS_BACKFILL_RATES;
  ctx->resp->funds_backfill_rates = pg;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ claims */

/* A refusal worked out against a transaction, for prepare (naming the
 * field) and apply alike. */
typedef struct cmsg {
  const char *field;
  char text[480];
} cmsg;

#define CFAIL(m, code, fld, ...)                                               \
  ((m)->field = (fld), snprintf((m)->text, sizeof(m)->text, __VA_ARGS__),      \
   (code))

/* The claim r would make, as far as who it pays: the meeting, the member,
 * their attendance (NULL if none recorded) and so the practice paid. */
typedef struct claim_basis {
  Pcn__Meeting *meeting;
  Pcn__MeetingAttendance *att;
  const char *practice;
  const char *role; /* member_rate_role of the attendee */
  const char *who;  /* the attendee's name (their username without one) */
  char meeting_words[180]; /* "Network board on 5 Oct 2026" */
} claim_basis;

/* A backfill role as the refusals say it (issue 19: the desktop shows
 * them): "a GP", "a practice manager", "staff", or the words chosen. */
static const char *rate_role_words(const char *role) {
  if (!strcmp(role, "gp")) return "a GP";
  if (!strcmp(role, "practice-manager")) return "a practice manager";
  return role;
}

static int claim_find(MDB_txn *txn, store *st, pcn_arena *a,
                      const Pcn__FundsClaimCreate *r, claim_basis *b, cmsg *m) {
  int rc = meeting_attendance_of(txn, st, r->meeting_id, r->username, a,
                                 &b->meeting, &b->att);
  if (rc == MDB_NOTFOUND)
    return CFAIL(m, PCN__STATUS_CODE__NOT_FOUND, "meeting_id",
                 "meeting_id: there is no meeting %llu; `pcn meeting list` "
                 "shows them.",
                 (unsigned long long)r->meeting_id);
  if (rc)
    return CFAIL(m, PCN__STATUS_CODE__INTERNAL, "",
                 "The meeting could not be read.");
  Pcn__Member *mem;
  rc = member_lookup(txn, st, r->username, a, &mem);
  if (rc == MDB_NOTFOUND)
    return CFAIL(m, PCN__STATUS_CODE__NOT_FOUND, "username",
                 "username: no member is called '%.40s'; `pcn member list` "
                 "shows them.",
                 r->username);
  if (rc)
    return CFAIL(m, PCN__STATUS_CODE__INTERNAL, "",
                 "The member could not be read.");
  /* The practice they belonged to at the meeting, as attendance recorded
   * it; with no attendance, their practice now (the claim then fails as
   * not attended, but the refusal goes to whoever may know). */
  b->practice = b->att ? b->att->practice : mem->practice;
  b->role = member_rate_role(mem->role);
  b->who = mem->display_name[0] ? mem->display_name : mem->username;
  char day[24];
  pcn_date_words(pcn_london_day_of_ms(b->meeting->starts_at), 0, 0, 1, day,
                 sizeof day);
  snprintf(b->meeting_words, sizeof b->meeting_words, "%.120s on %s",
           b->meeting->title, day);
  return 0;
}

/* The rest of the rules, once the actor may claim for b->practice; the
 * new claim (no id yet) into *out. */
static int claim_check(MDB_txn *txn, store *st, pcn_arena *a,
                       const Pcn__FundsClaimCreate *r, const claim_basis *b,
                       Pcn__FundsClaim **out, cmsg *m) {
  if (!b->practice[0])
    return CFAIL(m, PCN__STATUS_CODE__FAILED_PRECONDITION, "username",
                 "username: %.60s is one of the network's own people; only "
                 "the time of practices' people is backfilled.",
                 b->who);
  if (b->meeting->cancelled)
    return CFAIL(m, PCN__STATUS_CODE__FAILED_PRECONDITION, "meeting_id",
                 "The meeting %s is cancelled; nothing can be claimed for it.",
                 b->meeting_words);
  if (!b->att || b->att->minutes == 0)
    return CFAIL(m, PCN__STATUS_CODE__FAILED_PRECONDITION, "username",
                 "username: %.60s is not recorded as attending %s; its "
                 "organiser records attendance (`pcn meeting attend`).",
                 b->who, b->meeting_words);
  if (r->role[0] && strcmp(r->role, b->role) != 0)
    return CFAIL(m, PCN__STATUS_CODE__INVALID_ARGUMENT, "role",
                 "role: %.40s is claimed as '%s', their role in the network; "
                 "leave the role out (it is not '%s').",
                 r->username, b->role, r->role);
  Pcn__FundsBackfillRate *rate;
  int rc = rate_find(txn, st, b->role, a, &rate);
  if (rc == MDB_NOTFOUND)
    return CFAIL(m, PCN__STATUS_CODE__FAILED_PRECONDITION, "role",
                 "role: there is no backfill rate for %s, %.60s's role; the "
                 "PCN manager sets backfill rates; `pcn funds claim rate "
                 "--role '%s' --per-hour POUNDS` sets this one.",
                 rate_role_words(b->role), b->who, b->role);
  if (rc)
    return CFAIL(m, PCN__STATUS_CODE__INTERNAL, "",
                 "The backfill rate could not be read.");
  uint8_t k[9 + PCN_MAX_USERNAME];
  MDB_val kv = {attend_key(k, r->meeting_id, r->username), k}, v;
  rc = mdb_get(txn, st->funds_claims, &kv, &v);
  if (rc == 0 && v.mv_size == 8) {
    uint64_t prev = key_get_u64(v.mv_data);
    Pcn__FundsClaim *p;
    if (claim_load(txn, st, prev, a, &p) == 0 &&
        p->state != PCN__FUNDS_CLAIM_STATE__CLAIM_REJECTED)
      return CFAIL(m, PCN__STATUS_CODE__ALREADY_EXISTS, "username",
                   "%.60s's time at %s is already claimed, %s; `pcn funds "
                   "claim list` shows it as claim %llu.",
                   b->who, b->meeting_words,
                   p->state == PCN__FUNDS_CLAIM_STATE__CLAIM_APPROVED
                       ? "approved"
                       : "waiting for a decision",
                   (unsigned long long)prev);
  } else if (rc && rc != MDB_NOTFOUND) {
    return CFAIL(m, PCN__STATUS_CODE__INTERNAL, "",
                 "The claims could not be read.");
  }
  Pcn__FundsClaim *c = pcn_arena_alloc(a, sizeof *c);
  char *date = pcn_arena_alloc(a, 11);
  if (!c || !date)
    return CFAIL(m, PCN__STATUS_CODE__INTERNAL, "", "Out of memory.");
  pcn__funds_claim__init(c);
  pcn_date_format(pcn_london_day_of_ms(b->meeting->starts_at), date);
  c->meeting_id = b->meeting->id;
  c->meeting_title = b->meeting->title;
  c->meeting_date = date;
  c->username = r->username;
  c->practice = (char *)b->practice;
  c->role = (char *)b->role;
  c->minutes = b->att->minutes;
  c->pence_per_hour = rate->pence_per_hour;
  /* minutes x rate / 60 to the penny, half up: at most 1440 x 10^6. */
  c->pence = ((int64_t)c->minutes * rate->pence_per_hour + 30) / 60;
  c->state = PCN__FUNDS_CLAIM_STATE__CLAIM_PENDING;
  *out = c;
  return 0;
}

static int create_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__FundsClaimCreate *r = ctx->req->funds_claim_create;
  if (!r->meeting_id)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "meeting_id",
                          "meeting_id: name the meeting attended (pcn "
                          "meeting list shows their numbers).");
  if (ctx_check_text(ctx, "username", r->username, PCN_MAX_USERNAME, 1, 0) ||
      (r->role[0] && check_role(ctx, r->role)))
    return ctx->status->code;
  claim_basis b;
  cmsg m = {0};
  Pcn__FundsClaim *c;
  MDB_txn *txn = ctx_txn(ctx);
  int rc = claim_find(txn, &ctx->srv->st, ctx->arena, r, &b, &m);
  if (!rc && perm_check(ctx, b.practice, 0)) return ctx->status->code;
  /* A clinician claims their own meeting time only. */
  if (!rc && ctx->who->role == PCN__ROLE__CLINICIAN &&
      strcmp(r->username, ctx->who->username) != 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__PERMISSION_DENIED, "username",
                          "username: a clinician claims backfill for their own "
                          "meeting time only; your practice manager claims "
                          "for others.");
  if (!rc) rc = claim_check(txn, &ctx->srv->st, ctx->arena, r, &b, &c, &m);
  if (!rc) return PCN__STATUS_CODE__OK;
  if (m.field[0]) return ctx_fail_field(ctx, rc, m.field, "%s", m.text);
  return ctx_fail(ctx, rc, "%s", m.text);
}

static int claim_save(wtx *w, const Pcn__FundsClaim *c) {
  uint8_t k[9] = {'C'};
  key_u64(k + 1, c->id);
  int rc =
      store_put_pb(w->txn, w->st->funds_claims, k, 9, (ProtobufCMessage *)c);
  return rc ? wtx_lmdb(w, rc, "saving the claim") : PCN__STATUS_CODE__OK;
}

/* The claim's event, to the network's people and its practice; c is the
 * answer. */
static int claim_emit(wtx *w, wjob *job, Pcn__Op op, Pcn__FundsClaim *c) {
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_FUNDS_CLAIM;
  ev.funds_claim = c;
  int rc = feed_emit_to(w, op, &c->practice, 1, &ev);
  if (rc) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_FUNDS_CLAIM;
  job->resp.funds_claim = c;
  return PCN__STATUS_CODE__OK;
}

static int create_apply(wtx *w, wjob *job) {
  Pcn__FundsClaimCreate *r = job->req->funds_claim_create;
  claim_basis b;
  cmsg m = {0};
  Pcn__FundsClaim *c;
  int rc = claim_find(w->txn, w->st, &job->arena, r, &b, &m);
  if (!rc) rc = claim_check(w->txn, w->st, &job->arena, r, &b, &c, &m);
  if (rc) return wtx_fail(w, rc, "%s", m.text);
  uint64_t id;
  if ((rc = store_next_id(w->txn, w->st, META_NEXT_CLAIM, &id)))
    return wtx_lmdb(w, rc, "numbering the claim");
  c->id = id;
  c->version = 1;
  c->claimed_by = job->who.username;
  c->claimed_at = job->now_ms;
  uint8_t k[9 + PCN_MAX_USERNAME], idb[8];
  key_u64(idb, id);
  MDB_val kv = {attend_key(k, r->meeting_id, r->username), k}, v = {8, idb};
  if ((rc = mdb_put(w->txn, w->st->funds_claims, &kv, &v, 0)))
    return wtx_lmdb(w, rc, "indexing the claim");
  if ((rc = claim_save(w, c))) return rc;
  return claim_emit(w, job, PCN__OP__CREATED, c);
}

static int decide_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__FundsClaimDecide *r = ctx->req->funds_claim_decide;
  if (r->n_ids) {
    if (r->id || r->version)
      return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "ids",
                            "ids: name one claim by id (with its version) "
                            "or several by ids (without), not both.");
    if (r->n_ids > DECIDE_MAX)
      return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "ids",
                            "ids: at most %d claims are decided at once; "
                            "decide the rest in another request.",
                            DECIDE_MAX);
    for (size_t i = 0; i < r->n_ids; i++) {
      if (!r->ids[i])
        return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "ids",
                              "ids: claim numbers are above 0 (pcn funds "
                              "claim list shows them).");
      for (size_t j = 0; j < i; j++)
        if (r->ids[j] == r->ids[i])
          return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "ids",
                                "ids: claim %llu is named twice; name each "
                                "claim once.",
                                (unsigned long long)r->ids[i]);
    }
  } else if (!r->id)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "id",
                          "id: name the claim (pcn funds claim list shows "
                          "them).");
  if (r->approve) {
    if (!funds_stream_exists(ctx_txn(ctx), &ctx->srv->st, r->stream))
      return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "stream",
                            "stream: say which funding stream pays the "
                            "claim; there is no stream '%.40s' (pcn funds "
                            "stream lists them).",
                            r->stream);
    if (ctx_check_date(ctx, "date", r->date, 1, "2027-04-30", NULL))
      return ctx->status->code;
    if (r->reason[0])
      return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "reason",
                            "reason: a reason goes with a rejection, not an "
                            "approval.");
  } else {
    if (ctx_check_text(ctx, "reason", r->reason, REASON_MAX, 1, 1))
      return ctx->status->code;
    if (r->stream[0] || r->date[0])
      return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT,
                            r->stream[0] ? "stream" : "date",
                            "%s: a stream and a date go with an approval, "
                            "not a rejection.",
                            r->stream[0] ? "stream" : "date");
  }
  return perm_check(ctx, "", 0) ? ctx->status->code : PCN__STATUS_CODE__OK;
}

/* Decides claim id as r says, into *out; of several (many), a refusal
 * says that none was decided. */
static int decide_one(wtx *w, wjob *job, const Pcn__FundsClaimDecide *r,
                      uint64_t id, int many, Pcn__FundsClaim **out) {
  const char *none = many ? " None of the claims named was decided." : "";
  Pcn__FundsClaim *c;
  int rc = claim_load(w->txn, w->st, id, &job->arena, &c);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND,
                    "There is no claim %llu; pcn funds claim list shows "
                    "them.%s",
                    (unsigned long long)id, none);
  if (rc) return wtx_lmdb(w, rc, "reading the claim");
  if (r->version && r->version != c->version) {
    job->resp.body_case = PCN__RESPONSE__BODY_FUNDS_CLAIM;
    job->resp.funds_claim = c;
    return wtx_fail(w, PCN__STATUS_CODE__CONFLICT,
                    "Claim %llu was changed meanwhile (now version %u, you "
                    "read %u); here it is as it stands: read it again.",
                    (unsigned long long)c->id, c->version, r->version);
  }
  if (c->state != PCN__FUNDS_CLAIM_STATE__CLAIM_PENDING)
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "Claim %llu was already %s by %s; a claim is decided "
                    "once.%s",
                    (unsigned long long)c->id,
                    c->state == PCN__FUNDS_CLAIM_STATE__CLAIM_APPROVED
                        ? "approved"
                        : "rejected",
                    c->decided_by, none);
  if (r->approve) {
    Pcn__FundsEntry *e;
    if ((rc = funds_post_claim(w, job, c, r->stream, r->date, &e))) return rc;
    c->state = PCN__FUNDS_CLAIM_STATE__CLAIM_APPROVED;
    c->entry = e->id;
    c->stream = r->stream;
  } else {
    c->state = PCN__FUNDS_CLAIM_STATE__CLAIM_REJECTED;
    c->reason = r->reason;
  }
  c->version++;
  c->decided_by = job->who.username;
  c->decided_at = job->now_ms;
  if ((rc = claim_save(w, c))) return rc;
  *out = c;
  return claim_emit(w, job, PCN__OP__UPDATED, c);
}

static int decide_apply(wtx *w, wjob *job) {
  Pcn__FundsClaimDecide *r = job->req->funds_claim_decide;
  Pcn__FundsClaim *c;
  if (!r->n_ids) return decide_one(w, job, r, r->id, 0, &c);
  Pcn__FundsClaimPage *p = pcn_arena_alloc(&job->arena, sizeof *p);
  Pcn__FundsClaim **all = pcn_arena_alloc(&job->arena, r->n_ids * sizeof *all);
  if (!p || !all)
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__funds_claim_page__init(p);
  p->claims = all;
  for (size_t i = 0; i < r->n_ids; i++) {
    int rc = decide_one(w, job, r, r->ids[i], 1, &all[i]);
    if (rc) { /* none was decided: no claim goes back as if it were */
      job->resp.body_case = PCN__RESPONSE__BODY__NOT_SET;
      return rc;
    }
    p->n_claims++;
  }
  job->resp.body_case = PCN__RESPONSE__BODY_FUNDS_CLAIMS_DECIDED;
  job->resp.funds_claims_decided = p;
  return PCN__STATUS_CODE__OK;
}

static int list_read(req_ctx *ctx) {
  Pcn__FundsClaimList *r = ctx->req->funds_claim_list;
  char *ods = ctx_ods(ctx, "practice", r->practice, 1);
  if (!ods) return ctx->status->code;
  if (perm_check(ctx, ods, 0)) return ctx->status->code;
  pcn_arena *a = ctx->arena;
  Pcn__FundsClaimPage *pg = pcn_arena_alloc(a, sizeof *pg);
  MDB_cursor *cur = NULL;
  if (!pg || mdb_cursor_open(ctx_txn(ctx), ctx->srv->st.funds_claims, &cur))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The claims could not be read.");
  pcn__funds_claim_page__init(pg);
  pg->claims = pcn_arena_alloc(a, CLAIMS_LIST_MAX * sizeof *pg->claims);
  const char *mine = ctx->who->practice; /* "" sees every practice's */
  /* Newest first: from the last 'C' key down. */
  uint8_t hi[1] = {'D'};
  MDB_val k = {1, hi}, v;
  int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
  rc = rc == MDB_NOTFOUND ? mdb_cursor_get(cur, &k, &v, MDB_LAST)
       : rc               ? rc
                          : mdb_cursor_get(cur, &k, &v, MDB_PREV);
  uint32_t scanned = 0;
  for (; rc == 0 && pg->claims && pg->n_claims < CLAIMS_LIST_MAX &&
         ++scanned <= CLAIMS_SCAN_MAX;
       rc = mdb_cursor_get(cur, &k, &v, MDB_PREV)) {
    uint8_t tag = ((uint8_t *)k.mv_data)[0];
    if (tag < 'C') break;
    if (tag != 'C' || k.mv_size != 9) continue;
    Pcn__FundsClaim *c = pcn__funds_claim__unpack(&a->pb, v.mv_size, v.mv_data);
    if (!c) continue;
    if (mine[0] && strcmp(c->practice, mine) != 0) continue;
    if (ods[0] && strcmp(c->practice, ods) != 0) continue;
    if (r->pending_only && c->state != PCN__FUNDS_CLAIM_STATE__CLAIM_PENDING)
      continue;
    pg->claims[pg->n_claims++] = c;
  }
  mdb_cursor_close(cur);
  if (!pg->claims)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  ctx->resp->body_case = PCN__RESPONSE__BODY_FUNDS_CLAIM_PAGE;
  ctx->resp->funds_claim_page = pg;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ year end */

#define YE_MAX PCN_SPLIT_MAX

typedef struct ye_table {
  Pcn__FundsYearEndRow *rows;
  size_t n;
  /* Per practice and stream: what the year's lines paid. */
  Pcn__FundsStreamShare *ss;
  int64_t *dist, *claim;
  size_t nss, css;
} ye_table;

/* The (practice, stream) cell of t, added when new; NULL when out of
 * memory. */
static size_t ye_cell(ye_table *t, pcn_arena *a, const char *ods, size_t olen,
                      const char *stream, int *ok) {
  for (size_t i = 0; i < t->nss; i++)
    if (strlen(t->ss[i].practice) == olen &&
        !strncmp(t->ss[i].practice, ods, olen) &&
        !strcmp(t->ss[i].stream, stream))
      return i;
  if (t->nss == t->css) {
    size_t nc = t->css ? 2 * t->css : 64;
    Pcn__FundsStreamShare *ns = pcn_arena_alloc(a, nc * sizeof *ns);
    int64_t *nd = pcn_arena_alloc(a, nc * sizeof *nd);
    int64_t *nk = pcn_arena_alloc(a, nc * sizeof *nk);
    if (!ns || !nd || !nk) return *ok = 0, 0;
    if (t->nss) {
      memcpy(ns, t->ss, t->nss * sizeof *ns);
      memcpy(nd, t->dist, t->nss * sizeof *nd);
      memcpy(nk, t->claim, t->nss * sizeof *nk);
    }
    t->ss = ns, t->dist = nd, t->claim = nk, t->css = nc;
  }
  Pcn__FundsStreamShare *x = &t->ss[t->nss];
  pcn__funds_stream_share__init(x);
  char *o = pcn_arena_alloc(a, olen + 1);
  x->stream = pcn_arena_strdup(a, stream);
  if (!o || !x->stream) return *ok = 0, 0;
  memcpy(o, ods, olen);
  o[olen] = 0;
  x->practice = o;
  t->dist[t->nss] = t->claim[t->nss] = 0;
  return t->nss++;
}

static int cmp_share(const void *a, const void *b) {
  const Pcn__FundsStreamShare *x = a, *y = b;
  int c = strcmp(x->stream, y->stream);
  return c ? c : strcmp(x->practice, y->practice);
}

static Pcn__FundsYearEndRow *ye_row(ye_table *t, pcn_arena *a, const char *ods,
                                    size_t len) {
  for (size_t i = 0; i < t->n; i++)
    if (strlen(t->rows[i].practice) == len &&
        !strncmp(t->rows[i].practice, ods, len))
      return &t->rows[i];
  if (t->n == YE_MAX) return NULL;
  Pcn__FundsYearEndRow *x = &t->rows[t->n];
  pcn__funds_year_end_row__init(x);
  char *code = pcn_arena_alloc(a, len + 1);
  if (!code) return NULL;
  memcpy(code, ods, len);
  code[len] = 0;
  x->practice = code;
  x->name = code;
  t->n++;
  return x;
}

static int cmp_ye(const void *a, const void *b) {
  return strcmp(((const Pcn__FundsYearEndRow *)a)->practice,
                ((const Pcn__FundsYearEndRow *)b)->practice);
}

/* Every practice (with its name), then the year's ledger lines. */
static int ye_gather(MDB_txn *txn, store *st, pcn_arena *a, ye_table *t,
                     Pcn__FundsYearEndReport *rep, const char *from,
                     const char *to) {
  MDB_cursor *cur;
  MDB_val k, v;
  int rc = mdb_cursor_open(txn, st->practices, &cur);
  if (rc) return rc;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    Pcn__Practice *p = pcn__practice__unpack(&a->pb, v.mv_size, v.mv_data);
    Pcn__FundsYearEndRow *x = p ? ye_row(t, a, p->ods, strlen(p->ods)) : NULL;
    if (x) x->name = p->name;
  }
  mdb_cursor_close(cur);
  if (rc != MDB_NOTFOUND) return rc;
  /* The ledger's month sums (funds.c) up to the year's last month: the
   * bank's to date, the rest within the year. */
  if ((rc = mdb_cursor_open(txn, st->funds_months, &cur))) return rc;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    if (k.mv_size <= 7 || v.mv_size != 8) continue;
    if (memcmp(k.mv_data, to, 7) > 0) break;
    int in = memcmp(k.mv_data, from, 7) >= 0;
    char acct[200];
    size_t al =
        k.mv_size - 7 < sizeof acct - 1 ? k.mv_size - 7 : sizeof acct - 1;
    memcpy(acct, (const char *)k.mv_data + 7, al);
    acct[al] = 0;
    int64_t p = (int64_t)key_get_u64(v.mv_data);
    if (!strncmp(acct, "bank:", 5)) {
      rep->held += p;
      continue;
    }
    if (!in) continue;
    if (!strncmp(acct, "income:", 7)) {
      rep->received -= p;
    } else if (!strncmp(acct, "expense:", 8)) {
      rep->spent += p;
    } else {
      int claim = !strncmp(acct, "claim:", 6);
      if (!claim && strncmp(acct, "practice:", 9)) continue;
      const char *o = acct + (claim ? 6 : 9), *c = strchr(o, ':');
      Pcn__FundsYearEndRow *x = c ? ye_row(t, a, o, (size_t)(c - o)) : NULL;
      if (!x) continue;
      int ok = 1;
      size_t i = ye_cell(t, a, o, (size_t)(c - o), c + 1, &ok);
      if (!ok) {
        rc = ENOMEM;
        break;
      }
      if (claim)
        t->claim[i] += p;
      else
        t->dist[i] += p;
    }
  }
  mdb_cursor_close(cur);
  return rc == MDB_NOTFOUND ? 0 : rc;
}

/* rep->streams: for every stream paid in the year, each practice's
 * payments from it against its share of them (w: the rows' weights, in
 * t's row order), by stream then practice. 0 or -1 (out of memory). */
static int ye_streams(ye_table *t, pcn_arena *a, const int64_t *w, int64_t wsum,
                      Pcn__FundsYearEndReport *rep) {
  if (t->nss) qsort(t->ss, t->nss, sizeof *t->ss, cmp_share);
  size_t cap = t->nss + t->n * 8 + 1, n = 0;
  Pcn__FundsStreamShare **out = pcn_arena_alloc(a, cap * sizeof *out);
  if (!out) return -1;
  for (size_t i = 0; i < t->nss;) {
    const Pcn__FundsStreamShare *first = &t->ss[i];
    size_t j = i;
    int64_t total = 0, paid[YE_MAX] = {0}, share[YE_MAX] = {0};
    for (; j < t->nss && !strcmp(t->ss[j].stream, first->stream); j++)
      for (size_t p = 0; p < t->n; p++)
        if (!strcmp(t->rows[p].practice, t->ss[j].practice)) {
          paid[p] += t->ss[j].paid;
          total += t->ss[j].paid;
        }
    if (t->n && wsum > 0) {
      pcn_split(total < 0 ? -total : total, w, t->n, share);
      for (size_t p = 0; total < 0 && p < t->n; p++)
        share[p] = -share[p];
    }
    if (n + t->n >= cap) {
      size_t nc = 2 * (n + t->n) + 1;
      Pcn__FundsStreamShare **no = pcn_arena_alloc(a, nc * sizeof *no);
      if (!no) return -1;
      memcpy(no, out, n * sizeof *no);
      out = no, cap = nc;
    }
    Pcn__FundsStreamShare *x = pcn_arena_alloc(a, (t->n + 1) * sizeof *x);
    if (!x) return -1;
    for (size_t p = 0; p < t->n; p++) {
      pcn__funds_stream_share__init(&x[p]);
      x[p].practice = t->rows[p].practice;
      x[p].stream = first->stream;
      x[p].pass_through = first->pass_through;
      x[p].counted = first->counted;
      x[p].paid = paid[p];
      x[p].share = share[p];
      x[p].difference = paid[p] - share[p];
      out[n++] = &x[p];
    }
    i = j;
  }
  rep->streams = out;
  rep->n_streams = n;
  return 0;
}

static int year_end_read(req_ctx *ctx) {
  Pcn__FundsYearEnd *r = ctx->req->funds_year_end;
  MDB_txn *txn = ctx_txn(ctx);
  store *st = &ctx->srv->st;
  pcn_arena *a = ctx->arena;
  uint32_t year = r->year;
  if (!year) {
    /* The last year that has ended: the one before today's. */
    int64_t y;
    int mo, d;
    pcn_civil_from_days(pcn_london_day_of_ms(srv_now_ms(ctx->srv)), &y, &mo, &d);
    year = (uint32_t)(mo >= 4 ? y - 1 : y - 2);
  }
  if (year < YEAR_MIN || year > YEAR_MAX)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "year",
                          "year: the financial year by the year it starts "
                          "in, such as 2027 for April 2027 to March 2028.");
  int basis = r->basis ? r->basis : PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE;
  if (basis != PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE &&
      basis != PCN__FUNDS_SPLIT__FUNDS_SPLIT_WEIGHTED)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "basis",
                          "basis: shares go by list size or by weighted "
                          "population.");
  Pcn__FundsYearEndReport *rep = pcn_arena_alloc(a, sizeof *rep);
  char *from = pcn_arena_alloc(a, 11), to[11];
  ye_table t = {
      pcn_arena_alloc(a, YE_MAX * sizeof *t.rows), 0, NULL, NULL, NULL, 0, 0};
  if (!rep || !from || !t.rows)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__funds_year_end_report__init(rep);
  int32_t day = (int32_t)pcn_days_from_civil(year, 4, 1);
  pcn_date_format(day, from);
  pcn_date_format((int32_t)pcn_days_from_civil(year + 1, 3, 31), to);
  rep->year = year;
  rep->basis = basis;
  rep->figures_date = from;
  Pcn__PracticeFigures **fig;
  size_t nf;
  if (ye_gather(txn, st, a, &t, rep, from, to) ||
      funds_figures_at(txn, st, day, a, &fig, &nf))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The ledger could not be read; the operator should run "
                    "pcnd verify.");
  qsort(t.rows, t.n, sizeof *t.rows, cmp_ye);
  /* Each practice's money from the streams counted; the rest named. */
  rep->include_pass_through = r->include_pass_through;
  rep->left_out = pcn_arena_alloc(a, (t.nss + 1) * sizeof *rep->left_out);
  if (!rep->left_out)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  for (size_t i = 0; i < t.nss; i++) {
    Pcn__FundsStreamShare *c = &t.ss[i];
    c->pass_through = funds_stream_pass_through(txn, st, c->stream);
    c->counted = !c->pass_through || r->include_pass_through;
    c->paid = t.dist[i] + t.claim[i];
    if (!c->counted) {
      rep->left_out_paid += c->paid;
      size_t k = 0;
      while (k < rep->n_left_out && strcmp(rep->left_out[k], c->stream))
        k++;
      if (k == rep->n_left_out) rep->left_out[rep->n_left_out++] = c->stream;
      continue;
    }
    for (size_t j = 0; j < t.n; j++)
      if (!strcmp(t.rows[j].practice, c->practice)) {
        t.rows[j].distributed += t.dist[i];
        t.rows[j].claimed += t.claim[i];
      }
  }
  int64_t w[YE_MAX], share[YE_MAX], wsum = 0;
  for (size_t i = 0; i < t.n; i++) {
    Pcn__FundsYearEndRow *x = &t.rows[i];
    for (size_t j = 0; j < nf; j++)
      if (!strcmp(fig[j]->practice, x->practice)) {
        x->list_size = fig[j]->list_size;
        x->weighted = fig[j]->weighted;
        x->locality = fig[j]->locality;
      }
    x->received = x->distributed + x->claimed;
    rep->paid += x->received;
    w[i] = basis == PCN__FUNDS_SPLIT__FUNDS_SPLIT_WEIGHTED ? x->weighted
                                                           : x->list_size;
    wsum += w[i];
  }
  /* Shares of what was paid, by the figures on 1 April (none: no shares,
   * so every practice's difference is what it was paid). A year of
   * reversals could leave the total below zero: split its size. */
  memset(share, 0, sizeof share);
  if (t.n && wsum > 0) {
    int neg = rep->paid < 0;
    pcn_split(neg ? -rep->paid : rep->paid, w, t.n, share);
    if (neg)
      for (size_t i = 0; i < t.n; i++)
        share[i] = -share[i];
  }
  rep->rows = pcn_arena_alloc(a, (t.n + 1) * sizeof *rep->rows);
  if (!rep->rows)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  for (size_t i = 0; i < t.n; i++) {
    t.rows[i].share = share[i];
    t.rows[i].difference = t.rows[i].received - share[i];
    rep->rows[rep->n_rows++] = &t.rows[i];
  }
  if (ye_streams(&t, a, w, wsum, rep))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  ctx->resp->body_case = PCN__RESPONSE__BODY_FUNDS_YEAR_END;
  ctx->resp->funds_year_end = rep;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ verify */

#define VERR(...) (snprintf(err, errlen, __VA_ARGS__), -1)

/* One claim against its attendance index and, once approved, the ledger
 * entry that paid it. */
static int verify_claim(store *st, MDB_txn *txn, pcn_arena *a,
                        const Pcn__FundsClaim *c, char *err, size_t errlen) {
  unsigned long long id = (unsigned long long)c->id;
  uint8_t ik[9 + PCN_MAX_USERNAME];
  MDB_val kv = {attend_key(ik, c->meeting_id, c->username), ik}, v;
  if (mdb_get(txn, st->funds_claims, &kv, &v) || v.mv_size != 8 ||
      key_get_u64(v.mv_data) < c->id)
    return VERR("Backfill claim %llu is missing from the attendance index.",
                id);
  if (c->state != PCN__FUNDS_CLAIM_STATE__CLAIM_APPROVED) {
    if (c->entry)
      return VERR("Backfill claim %llu names an entry but was "
                  "not approved.",
                  id);
    return 0;
  }
  uint8_t ek[9] = {'E'};
  key_u64(ek + 1, c->entry);
  Pcn__FundsEntry *e = NULL;
  if (store_get_pb(txn, st->funds_entries, ek, 9, &pcn__funds_entry__descriptor,
                   a, (void **)&e))
    return VERR("Backfill claim %llu was approved but its entry %llu is "
                "not in the ledger.",
                id, (unsigned long long)c->entry);
  if (e->kind != PCN__FUNDS_KIND__FUNDS_CLAIM || e->claim != c->id ||
      e->pence != c->pence || strcmp(e->payee, c->practice) ||
      strcmp(e->stream, c->stream))
    return VERR("Backfill claim %llu and its ledger entry %llu disagree "
                "(amount, practice, stream or kind).",
                id, (unsigned long long)c->entry);
  return 0;
}

int funds_claims_verify(store *st, MDB_txn *txn, uint64_t *claims, char *err,
                        size_t errlen) {
  *claims = 0;
  pcn_arena a;
  pcn_arena_init(&a, 1u << 16);
  MDB_cursor *cur;
  int rc = mdb_cursor_open(txn, st->funds_claims, &cur);
  if (rc) {
    pcn_arena_free(&a);
    return VERR("The claims could not be read: %s.", mdb_strerror(rc));
  }
  MDB_val k = {1, "C"}, v;
  int bad = 0;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && !bad;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    if (((const uint8_t *)k.mv_data)[0] != 'C') break;
    pcn_arena_reset(&a);
    Pcn__FundsClaim *c = pcn__funds_claim__unpack(&a.pb, v.mv_size, v.mv_data);
    if (k.mv_size != 9 || !c || c->id != key_get_u64((uint8_t *)k.mv_data + 1))
      bad = VERR("A backfill claim record does not decode, or is filed "
                 "under another id.");
    else
      bad = verify_claim(st, txn, &a, c, err, errlen);
    (*claims)++;
  }
  mdb_cursor_close(cur);
  pcn_arena_free(&a);
  return bad ? -1 : 0;
}

const req_entry funds_claims_entries[] = {
    {PCN__REQUEST__BODY_FUNDS_BACKFILL_RATE_SET, "set a backfill rate",
     REQ_WRITE, R_PCNM, 0, 0, NULL, rate_set_prepare, rate_set_apply, NULL},
    {PCN__REQUEST__BODY_FUNDS_BACKFILL_RATE_LIST, "see the backfill rates", 0,
     R_ALL, 0, 0, rate_list_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_FUNDS_CLAIM_CREATE, "claim backfill for a meeting",
     REQ_WRITE, R_PCNM, R_PM | R_CLIN, R_PCNM, NULL, create_prepare,
     create_apply, NULL},
    {PCN__REQUEST__BODY_FUNDS_CLAIM_LIST, "see backfill claims", 0, R_ALL,
     R_ALL, R_PCNM | R_CD, list_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_FUNDS_CLAIM_DECIDE, "decide a backfill claim",
     REQ_WRITE, R_PCNM, 0, 0, NULL, decide_prepare, decide_apply, NULL},
    {PCN__REQUEST__BODY_FUNDS_YEAR_END, "see the year-end position", 0, R_ALL,
     0, 0, year_end_read, NULL, NULL, NULL},
};
const size_t funds_claims_entries_n =
    sizeof funds_claims_entries / sizeof funds_claims_entries[0];
