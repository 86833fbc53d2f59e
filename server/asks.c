/* asks.c - asks from the network to practices: the PCN manager or the
 * clinical director asks some or all practices for something by a due
 * date; each practice asked answers for itself (acknowledged, done with a
 * note or a link, declined with a reason) and may revise its answer until
 * the ask is closed. Recurring asks (series) are made here and fed by the
 * clock (asks_clock.c, which also sends the reminders).
 *
 * Records and keys: asks.h. The reads are in asks_read.c.
 *
 * Rules kept here:
 * - Fair notice: an ask due in fewer working days than the network's
 *   min_notice_days must be urgent, with a reason; otherwise it is refused
 *   with the earliest due date that gives fair notice. An ask with fair
 *   notice is not marked urgent (the monthly urgent count means short
 *   notice and nothing else).
 * - Only a practice's own practice manager answers for it: an answer
 *   commits the practice, which is the practice manager's to do (staff
 *   read the asks, and see their practice's answer).
 * - Visibility: an ask and its series are seen by the network's people and
 *   the practices asked ("+A,B"); a practice's answer by the network's
 *   people and that practice ("+A"); a reminder by that practice ("A").
 *   Reads apply the same rule: a practice's members list only asks to
 *   their practice and see only their own practice's answer.
 */
#include <stdio.h>
#include <string.h>

#include "asks.h"
#include "feed.h"
#include "uktime.h"
#include "validate.h"

#define ASKERS (R_PCNM | R_CD)
#define ASK_MAX_AHEAD (3 * 366) /* days: bounds the working-day count */

/* ------------------------------------------------------------ records */

int ask_rules_load(MDB_txn *txn, store *st, pcn_arena *a, ask_rules *r) {
  int rc = settings_load(txn, st, a, &r->s);
  if (rc) return rc;
  return settings_holidays(r->s, a, &r->h) ? ENOMEM : 0;
}

void ask_answer_key(uint8_t k[ASK_ANSWER_KEY], uint64_t ask, const char *ods) {
  key_u64(k, ask);
  memcpy(k + 8, ods, 6);
}

int ask_load(MDB_txn *txn, store *st, uint64_t id, pcn_arena *a,
             Pcn__Ask **out) {
  uint8_t key[8];
  key_u64(key, id);
  return store_get_pb(txn, st->asks, key, 8, &pcn__ask__descriptor, a,
                      (void **)out);
}

static int series_load(MDB_txn *txn, store *st, uint64_t id, pcn_arena *a,
                       Pcn__AskSeries **out) {
  uint8_t key[8];
  key_u64(key, id);
  return store_get_pb(txn, st->ask_series, key, 8, &pcn__ask_series__descriptor,
                      a, (void **)out);
}

int ask_answer_load(MDB_txn *txn, store *st, uint64_t ask, const char *ods,
                    pcn_arena *a, Pcn__AskAnswer **out) {
  uint8_t key[ASK_ANSWER_KEY];
  ask_answer_key(key, ask, ods);
  return store_get_pb(txn, st->ask_answers, key, ASK_ANSWER_KEY,
                      &pcn__ask_answer__descriptor, a, (void **)out);
}

int ask_all_practices(MDB_txn *txn, store *st, pcn_arena *a, char ***out,
                      size_t *n) {
  *n = 0;
  *out = pcn_arena_alloc(a, ASK_MAX_PRACTICES * sizeof **out);
  if (!*out) return ENOMEM;
  MDB_cursor *cur;
  int rc = mdb_cursor_open(txn, st->practice_by_ods, &cur);
  if (rc) return rc;
  MDB_val k, v;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
       rc == 0 && *n < ASK_MAX_PRACTICES;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    char *ods = pcn_arena_alloc(a, k.mv_size + 1);
    if (!ods) {
      rc = ENOMEM;
      break;
    }
    memcpy(ods, k.mv_data, k.mv_size);
    ods[k.mv_size] = 0;
    (*out)[(*n)++] = ods;
  }
  mdb_cursor_close(cur);
  return rc == MDB_NOTFOUND || rc == 0 ? 0 : rc;
}

static int ask_save(wtx *w, Pcn__Ask *a) {
  uint8_t key[8];
  key_u64(key, a->id);
  int rc = store_put_pb(w->txn, w->st->asks, key, 8, (ProtobufCMessage *)a);
  return rc ? wtx_lmdb(w, rc, "saving the ask") : PCN__STATUS_CODE__OK;
}

int ask_answer_save(wtx *w, Pcn__AskAnswer *ans) {
  uint8_t key[ASK_ANSWER_KEY];
  ask_answer_key(key, ans->ask_id, ans->practice);
  int rc = store_put_pb(w->txn, w->st->ask_answers, key, ASK_ANSWER_KEY,
                        (ProtobufCMessage *)ans);
  return rc ? wtx_lmdb(w, rc, "saving the answer") : PCN__STATUS_CODE__OK;
}

int ask_series_save(wtx *w, Pcn__AskSeries *s) {
  uint8_t key[8];
  key_u64(key, s->id);
  int rc =
      store_put_pb(w->txn, w->st->ask_series, key, 8, (ProtobufCMessage *)s);
  return rc ? wtx_lmdb(w, rc, "saving the series") : PCN__STATUS_CODE__OK;
}

static int ask_emit(wtx *w, Pcn__Op op, Pcn__Ask *a) {
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_ASK;
  ev.ask = a;
  return feed_emit_to(w, op, a->practices, a->n_practices, &ev);
}

int ask_series_emit(wtx *w, Pcn__Op op, Pcn__AskSeries *s) {
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_ASK_SERIES;
  ev.ask_series = s;
  if (s->all_practices) return feed_emit(w, op, "", &ev);
  return feed_emit_to(w, op, s->practices, s->n_practices, &ev);
}

int ask_insert(wtx *w, Pcn__Ask *a) {
  int rc = ask_save(w, a);
  if (rc) return rc;
  for (size_t i = 0; i < a->n_practices; i++) {
    Pcn__AskAnswer ans = PCN__ASK_ANSWER__INIT;
    ans.ask_id = a->id;
    ans.practice = a->practices[i];
    if ((rc = ask_answer_save(w, &ans))) return rc;
  }
  return ask_emit(w, PCN__OP__CREATED, a);
}

/* ------------------------------------------------------------ checks */

/* The practices asked: every practice (all), or the codes given, each one
 * of this network's, sorted and without repeats. Arena array. */
static int check_targets(req_ctx *ctx, const char *field, char **in, size_t n,
                         int all, char ***out, size_t *nout) {
  MDB_txn *txn = ctx_txn(ctx);
  if (!txn)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The server could not read the practices; try again.");
  if (all) {
    if (n)
      return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, field,
                            "%s: name practices or ask all of them, not "
                            "both.",
                            field);
    if (ask_all_practices(txn, &ctx->srv->st, ctx->arena, out, nout))
      return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                      "The server could not read the practices; try again.");
    if (!*nout)
      return ctx_fail_field(ctx, PCN__STATUS_CODE__FAILED_PRECONDITION, field,
                            "The network has no practices yet; add them "
                            "first (pcn practice add).");
    return PCN__STATUS_CODE__OK;
  }
  if (!n)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, field,
                          "%s: name the practices asked (ODS codes), or ask "
                          "all of them.",
                          field);
  if (n > ASK_MAX_PRACTICES)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, field,
                          "%s: at most %d practices; ask all of them "
                          "instead.",
                          field, ASK_MAX_PRACTICES);
  char **p = pcn_arena_alloc(ctx->arena, n * sizeof *p);
  if (!p) return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  for (size_t i = 0; i < n; i++) {
    if (!(p[i] = ctx_ods(ctx, field, in[i], 0))) return ctx->status->code;
    uint32_t id;
    if (practice_lookup(txn, &ctx->srv->st, p[i], &id))
      return ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, field,
                            "%s: no practice %s in this network; pcn practice "
                            "list shows them.",
                            field, p[i]);
  }
  *out = p;
  *nout = ods_sort_unique(p, n);
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ create */

typedef struct create_prep {
  char **practices;
  size_t n;
  uint32_t notice;
} create_prep;

/* The fair-notice rule for an ask made today and due on `due`. */
static int check_notice(req_ctx *ctx, const Pcn__AskCreate *r, int32_t today,
                        int32_t due, uint32_t *notice) {
  ask_rules rules;
  MDB_txn *txn = ctx_txn(ctx);
  if (!txn || ask_rules_load(txn, &ctx->srv->st, ctx->arena, &rules))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The network's settings could not be read; try again.");
  uint32_t min = rules.s->min_notice_days;
  char fair[11], due_s[11];
  pcn_date_format(pcn_add_working_days(today, (int)min, &rules.h), fair);
  pcn_date_format(due, due_s);
  if (due < today)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "due",
                          "due: %s has passed; the earliest due date that "
                          "gives the network's %u working days' notice is %s.",
                          due_s, min, fair);
  if (due > today + ASK_MAX_AHEAD)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "due",
                          "due: %s is more than three years ahead; ask nearer "
                          "the time.",
                          due_s);
  *notice = (uint32_t)pcn_working_days_between(today, due, &rules.h);
  if (*notice >= min && r->urgent)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__FAILED_PRECONDITION, "urgent",
                          "urgent: due %s gives %u working days' notice, at "
                          "least the network's %u, so it is not urgent; send "
                          "it without urgent.",
                          due_s, *notice, min);
  if (*notice < min && !r->urgent)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__FAILED_PRECONDITION, "due",
                          "due: %s gives only %u working days' notice and the "
                          "network asks for %u; make it due on %s or later, "
                          "or mark it urgent and say why.",
                          due_s, *notice, min, fair);
  return PCN__STATUS_CODE__OK;
}

static int create_prepare(req_ctx *ctx, wjob *job) {
  Pcn__AskCreate *r = ctx->req->ask_create;
  int32_t due;
  if (ctx_check_text(ctx, "title", r->title, PCN_MAX_TITLE, 1, 0) ||
      ctx_check_text(ctx, "body", r->body, PCN_MAX_TEXT, 0, 1) ||
      ctx_check_date(ctx, "due", r->due, 0, "2026-03-31", &due) ||
      ctx_check_text(ctx, "urgent_reason", r->urgent_reason, ASK_MAX_REASON, 0,
                     0))
    return ctx->status->code;
  if (r->urgent && !r->urgent_reason[0])
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT,
                          "urgent_reason",
                          "urgent_reason: an urgent ask says why it cannot "
                          "give the network's notice.");
  if (!r->urgent && r->urgent_reason[0])
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT,
                          "urgent_reason",
                          "urgent_reason: only an urgent ask has one; mark it "
                          "urgent or leave the reason out.");
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  create_prep *p = pcn_arena_alloc(ctx->arena, sizeof *p);
  if (!p) return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  if (check_targets(ctx, "practices", r->practices, r->n_practices,
                    r->all_practices, &p->practices, &p->n) ||
      check_notice(ctx, r, pcn_london_day_of_ms(job->now_ms), due, &p->notice))
    return ctx->status->code;
  job->prep = p;
  return PCN__STATUS_CODE__OK;
}

static int create_apply(wtx *w, wjob *job) {
  Pcn__AskCreate *r = job->req->ask_create;
  create_prep *p = job->prep;
  uint64_t id;
  int rc = store_next_id(w->txn, w->st, META_NEXT_ASK, &id);
  if (rc) return wtx_lmdb(w, rc, "numbering the ask");
  Pcn__Ask *a = pcn_arena_alloc(&job->arena, sizeof *a);
  if (!a) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__ask__init(a);
  a->id = id;
  a->version = 1;
  a->title = r->title;
  a->body = r->body;
  a->due = r->due;
  a->practices = p->practices;
  a->n_practices = p->n;
  a->state = PCN__ASK_STATE__ASK_OPEN;
  a->urgent = r->urgent;
  a->urgent_reason = r->urgent_reason;
  a->notice_days = p->notice;
  a->created_by = job->who.username;
  a->created_at = a->updated_at = job->now_ms;
  if ((rc = ask_insert(w, a))) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_ASK;
  job->resp.ask = a;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ answers */

/* Only the practice's own practice manager answers; the sentence says who
 * does instead. 0 if allowed. */
static int reply_perm(req_ctx *ctx, const char *practice) {
  if (perm_allows(ctx->entry, ctx->who, practice, 0)) return 0;
  if (!ctx->who->practice[0])
    return ctx_fail(ctx, PCN__STATUS_CODE__PERMISSION_DENIED,
                    "Each practice answers for itself: %s's practice manager "
                    "answers this ask, and you see their answer.",
                    practice[0] ? practice : "the practice");
  if (strcmp(practice, ctx->who->practice) != 0)
    return ctx_fail(ctx, PCN__STATUS_CODE__PERMISSION_DENIED,
                    "You are at %s; only %s's practice manager answers for "
                    "%s.",
                    ctx->who->practice, practice, practice);
  return ctx_fail(ctx, PCN__STATUS_CODE__PERMISSION_DENIED,
                  "Your practice manager answers asks for %s; a staff member "
                  "may not.",
                  practice);
}

static int reply_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__AskReply *r = ctx->req->ask_reply;
  int st = r->state;
  if (st != PCN__ASK_ANSWER_STATE__ASK_ACKNOWLEDGED &&
      st != PCN__ASK_ANSWER_STATE__ASK_DONE &&
      st != PCN__ASK_ANSWER_STATE__ASK_DECLINED)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "state",
                          "state: answer acknowledged, done or declined.");
  if (ctx_check_text(ctx, "note", r->note, ASK_MAX_NOTE, 0, 1) ||
      ctx_check_text(ctx, "link", r->link, ASK_MAX_LINK, 0, 0))
    return ctx->status->code;
  if (strchr(r->link, ' '))
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "link",
                          "link: a link has no spaces; paste the address as "
                          "it is, such as https://example.org/return.xlsx.");
  if (st == PCN__ASK_ANSWER_STATE__ASK_DONE && !r->note[0] && !r->link[0])
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "note",
                          "note: say what was done, or give a link to it.");
  if (st == PCN__ASK_ANSWER_STATE__ASK_DECLINED && !r->note[0])
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "note",
                          "note: a practice that declines says why.");
  if (st == PCN__ASK_ANSWER_STATE__ASK_DECLINED && r->link[0])
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "link",
                          "link: a declined ask has a reason, not a link.");
  char *practice = ctx_ods_or_own(ctx, "practice", r->practice);
  if (!practice) return ctx->status->code;
  r->practice = practice;
  if (reply_perm(ctx, r->practice)) return ctx->status->code;
  MDB_txn *txn = ctx_txn(ctx);
  Pcn__Ask *a;
  if (!txn || ask_load(txn, &ctx->srv->st, r->ask_id, ctx->arena, &a) ||
      !feed_reaches(a->practices, a->n_practices, r->practice))
    return ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, "ask_id",
                          "No ask %llu to %s; pcn ask list shows your "
                          "practice's.",
                          (unsigned long long)r->ask_id, r->practice);
  return PCN__STATUS_CODE__OK;
}

static int closed_fail(wtx *w, const Pcn__Ask *a) {
  return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                  "Ask %llu was closed by %s; its answers can no longer "
                  "change.",
                  (unsigned long long)a->id,
                  a->closed_by[0] ? a->closed_by : "the network");
}

static int reply_apply(wtx *w, wjob *job) {
  Pcn__AskReply *r = job->req->ask_reply;
  Pcn__Ask *a;
  Pcn__AskAnswer *ans;
  int rc = ask_load(w->txn, w->st, r->ask_id, &job->arena, &a);
  if (rc == 0)
    rc = ask_answer_load(w->txn, w->st, r->ask_id, r->practice, &job->arena,
                         &ans);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND, "No ask %llu to %s.",
                    (unsigned long long)r->ask_id, r->practice);
  if (rc) return wtx_lmdb(w, rc, "reading the ask");
  if (a->state == PCN__ASK_STATE__ASK_CLOSED) return closed_fail(w, a);
  if (r->version && r->version != ans->version) {
    job->resp.body_case = PCN__RESPONSE__BODY_ASK_ANSWER;
    job->resp.ask_answer = ans;
    return wtx_fail(w, PCN__STATUS_CODE__CONFLICT,
                    "%s's answer to ask %llu was changed by %s meanwhile (now "
                    "version %u, you read %u); here it is: review it and try "
                    "again.",
                    r->practice, (unsigned long long)r->ask_id,
                    ans->answered_by[0] ? ans->answered_by : "someone",
                    ans->version, r->version);
  }
  ans->state = r->state;
  ans->note = r->note;
  ans->link = r->link;
  ans->version++;
  ans->answered_by = job->who.username;
  ans->answered_at = job->now_ms;
  if ((rc = ask_answer_save(w, ans))) return rc;
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_ASK_ANSWER;
  ev.ask_answer = ans;
  if ((rc = feed_emit_to(w, PCN__OP__UPDATED, &ans->practice, 1, &ev)))
    return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_ASK_ANSWER;
  job->resp.ask_answer = ans;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ close */

int ask_not_found(req_ctx *ctx, uint64_t id) {
  return ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, "id",
                        "No ask %llu; pcn ask list shows the asks you can "
                        "see.",
                        (unsigned long long)id);
}

static int close_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  uint64_t id = ctx->req->ask_close->id;
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  MDB_txn *txn = ctx_txn(ctx);
  Pcn__Ask *a;
  if (!txn || ask_load(txn, &ctx->srv->st, id, ctx->arena, &a))
    return ask_not_found(ctx, id);
  return PCN__STATUS_CODE__OK;
}

static int close_apply(wtx *w, wjob *job) {
  Pcn__AskClose *r = job->req->ask_close;
  Pcn__Ask *a;
  int rc = ask_load(w->txn, w->st, r->id, &job->arena, &a);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND, "No ask %llu.",
                    (unsigned long long)r->id);
  if (rc) return wtx_lmdb(w, rc, "reading the ask");
  if (r->version && r->version != a->version) {
    job->resp.body_case = PCN__RESPONSE__BODY_ASK;
    job->resp.ask = a;
    return wtx_fail(w, PCN__STATUS_CODE__CONFLICT,
                    "Ask %llu was changed meanwhile (now version %u, you read "
                    "%u); here it is: review it and try again.",
                    (unsigned long long)r->id, a->version, r->version);
  }
  if (a->state == PCN__ASK_STATE__ASK_CLOSED)
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "Ask %llu is already closed.", (unsigned long long)r->id);
  a->state = PCN__ASK_STATE__ASK_CLOSED;
  a->closed_at = a->updated_at = job->now_ms;
  a->closed_by = job->who.username;
  a->version++;
  if ((rc = ask_save(w, a)) || (rc = ask_emit(w, PCN__OP__UPDATED, a)))
    return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_ASK;
  job->resp.ask = a;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ series */

typedef struct series_prep {
  char **practices;
  size_t n;
} series_prep;

static int series_create_prepare(req_ctx *ctx, wjob *job) {
  Pcn__AskSeriesCreate *r = ctx->req->ask_series_create;
  if (ctx_check_text(ctx, "title", r->title, PCN_MAX_TITLE, 1, 0) ||
      ctx_check_text(ctx, "body", r->body, PCN_MAX_TEXT, 0, 1))
    return ctx->status->code;
  if (r->repeat != PCN__ASK_REPEAT__ASK_MONTHLY &&
      r->repeat != PCN__ASK_REPEAT__ASK_QUARTERLY &&
      r->repeat != PCN__ASK_REPEAT__ASK_YEARLY)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "repeat",
                          "repeat: choose monthly, quarterly or yearly.");
  if (r->day < 1 || r->day > 31)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "day",
                          "day: the day of the month it is due, 1 to 31 (a "
                          "shorter month uses its last day).");
  if (r->repeat == PCN__ASK_REPEAT__ASK_MONTHLY)
    r->month = 0;
  else if (r->month < 1 || r->month > 12)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "month",
                          "month: the month (1 to 12) of %s due date.",
                          r->repeat == PCN__ASK_REPEAT__ASK_YEARLY
                              ? "the yearly"
                              : "one quarterly");
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  series_prep *p = pcn_arena_alloc(ctx->arena, sizeof *p);
  if (!p) return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  p->practices = NULL;
  p->n = 0;
  /* A series to all practices names none: each instance asks the
   * practices of its day, so a practice that joins later is asked too. */
  if (!r->all_practices &&
      check_targets(ctx, "practices", r->practices, r->n_practices, 0,
                    &p->practices, &p->n))
    return ctx->status->code;
  if (r->all_practices && r->n_practices)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "practices",
                          "practices: name practices or ask all of them, not "
                          "both.");
  job->prep = p;
  return PCN__STATUS_CODE__OK;
}

/* The first instance is the first due date of the pattern that gives fair
 * notice; it and any others already due are made at once. */
static int series_create_apply(wtx *w, wjob *job) {
  Pcn__AskSeriesCreate *r = job->req->ask_series_create;
  series_prep *p = job->prep;
  ask_rules rules;
  uint64_t id;
  int rc = ask_rules_load(w->txn, w->st, &job->arena, &rules);
  if (rc) return wtx_lmdb(w, rc, "reading the settings");
  if ((rc = store_next_id(w->txn, w->st, META_NEXT_ASK_SERIES, &id)))
    return wtx_lmdb(w, rc, "numbering the series");
  Pcn__AskSeries *s = pcn_arena_alloc(&job->arena, sizeof *s);
  char *next = pcn_arena_alloc(&job->arena, 11);
  if (!s || !next)
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__ask_series__init(s);
  s->id = id;
  s->version = 1;
  s->title = r->title;
  s->body = r->body;
  s->practices = p->practices;
  s->n_practices = p->n;
  s->all_practices = r->all_practices;
  s->repeat = r->repeat;
  s->day = r->day;
  s->month = r->month;
  int32_t today = pcn_london_day_of_ms(job->now_ms);
  int32_t fair =
      pcn_add_working_days(today, (int)rules.s->min_notice_days, &rules.h);
  pcn_date_format(
      asks_series_first(r->repeat, (int)r->day, (int)r->month, fair), next);
  s->next_due = next;
  s->created_by = job->who.username;
  s->created_at = s->updated_at = job->now_ms;
  int made = 0;
  if ((rc = asks_series_catch_up(w, s, &rules, today, &job->arena, &made)) ||
      (rc = ask_series_save(w, s)) ||
      (rc = ask_series_emit(w, PCN__OP__CREATED, s)))
    return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_ASK_SERIES;
  job->resp.ask_series = s;
  return PCN__STATUS_CODE__OK;
}

static int series_stop_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  uint64_t id = ctx->req->ask_series_stop->id;
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  MDB_txn *txn = ctx_txn(ctx);
  Pcn__AskSeries *s;
  if (!txn || series_load(txn, &ctx->srv->st, id, ctx->arena, &s))
    return ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, "id",
                          "No series %llu; pcn ask repeat --list shows them.",
                          (unsigned long long)id);
  return PCN__STATUS_CODE__OK;
}

static int series_stop_apply(wtx *w, wjob *job) {
  Pcn__AskSeriesStop *r = job->req->ask_series_stop;
  Pcn__AskSeries *s;
  int rc = series_load(w->txn, w->st, r->id, &job->arena, &s);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND, "No series %llu.",
                    (unsigned long long)r->id);
  if (rc) return wtx_lmdb(w, rc, "reading the series");
  if (r->version && r->version != s->version) {
    job->resp.body_case = PCN__RESPONSE__BODY_ASK_SERIES;
    job->resp.ask_series = s;
    return wtx_fail(w, PCN__STATUS_CODE__CONFLICT,
                    "Series %llu was changed meanwhile (now version %u, you "
                    "read %u); here it is: review it and try again.",
                    (unsigned long long)r->id, s->version, r->version);
  }
  if (s->stopped)
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "Series %llu is already stopped.",
                    (unsigned long long)r->id);
  s->stopped = 1;
  s->stopped_by = job->who.username;
  s->updated_at = job->now_ms;
  s->version++;
  if ((rc = ask_series_save(w, s)) ||
      (rc = ask_series_emit(w, PCN__OP__UPDATED, s)))
    return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_ASK_SERIES;
  job->resp.ask_series = s;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ table */

const req_entry asks_entries[] = {
    {PCN__REQUEST__BODY_ASK_CREATE, "make asks of practices", REQ_WRITE, ASKERS,
     0, 0, NULL, create_prepare, create_apply, NULL},
    {PCN__REQUEST__BODY_ASK_LIST, "see asks", 0, R_ALL, R_ALL, ASKERS,
     asks_list_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_ASK_GET, "see asks", 0, R_ALL, R_ALL, ASKERS,
     asks_get_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_ASK_REPLY, "answer asks", REQ_WRITE, 0, R_PM, 0, NULL,
     reply_prepare, reply_apply, NULL},
    {PCN__REQUEST__BODY_ASK_CLOSE, "close asks", REQ_WRITE, ASKERS, 0, 0, NULL,
     close_prepare, close_apply, NULL},
    {PCN__REQUEST__BODY_ASK_LOAD, "see the ask load", 0, R_ALL, R_ALL, 0,
     asks_load_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_ASK_SERIES_CREATE, "set up recurring asks", REQ_WRITE,
     ASKERS, 0, 0, NULL, series_create_prepare, series_create_apply, NULL},
    {PCN__REQUEST__BODY_ASK_SERIES_LIST, "see recurring asks", 0, R_ALL, R_ALL,
     0, asks_series_list_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_ASK_SERIES_STOP, "stop recurring asks", REQ_WRITE,
     ASKERS, 0, 0, NULL, series_stop_prepare, series_stop_apply, NULL},
};
const size_t asks_entries_n = sizeof asks_entries / sizeof asks_entries[0];
