/* funds_arrs.c - the network's ARRS reimbursement: the claim it sends the
 * commissioner for each month, the year's headroom (what it may still
 * claim before the year's money is lost), and the reminders that a
 * month's claim is due.
 *
 * Records (in funds_claims, beside funds_claims.c's 'C', 'M', 'P' keys):
 *   'A' "YYYY-MM" -> pcn.FundsArrsClaimRecord (recording a month again
 *                    replaces it: the claim is what was last sent; a
 *                    reversed one, reversed_at set, is kept as the record
 *                    of the mistake and counts as no claim)
 *   'a' "YYYY-MM" -> "YYYY-MM-DD", the reminder day last reminded for
 *                    (the tick's memory; absent: never reminded)
 *
 * Claims (FundsArrsClaim, the PCN manager only):
 * - month is YYYY-MM of a month that is over (before today's month):
 *   the claim is for what the month cost, known once it has ended; the
 *   refusal says the day it can be claimed from. pence is more than 0: a
 *   claim of nothing would stop the month's reminders and show it
 *   claimed when nothing was (a month with nobody in post simply needs no
 *   claim; its reminders stop once later months' begin).
 * - FundsArrsClaimReverse (the PCN manager, with a reason) marks the
 *   month's claim reversed: the month is unclaimed again, its 'a' record
 *   is dropped so that the next tick reminds about it again, and a new
 *   claim may be recorded. ARRS claims are the network's record of what
 *   it asked the commissioner for, not ledger entries (money in is a
 *   FundsReceive): so they are reversed here, not by pcn funds reverse.
 *
 * Headroom (FundsHeadroom, every member), for financial year Y (April Y
 * to March Y+1; 0: the year today is in):
 * - rate_cp: the "arrs" rate for Y (funds_plan.c), 0 when none. Its basis
 *   says what it multiplies: per weighted patient (the usual, and the
 *   issue's rule) the practices' weighted populations; per registered
 *   patient their list sizes; per care-home bed their beds; FIXED is the
 *   year's sum itself. Figures are those in force on 1 April of Y, summed
 *   over the practices that have some; the report's `weighted` is that
 *   sum of heads (0 for FIXED).
 * - ceiling = rate_cp * heads / 100, rounded half up to the penny, in 128
 *   bits; a ceiling past PCN_PENCE_MAX is refused as a wrong rate.
 * - each month April..March: claimed (0 when none recorded), cumulative,
 *   staff_cost = what the register's ARRS staff (staff.c: an ARRS role)
 *   cost in the month: each day employed at the terms in force that day,
 *   a twelfth of the year's cost shared over the month's days, rounded
 *   half up (pro rata for a change of terms, a start or an end within
 *   the month); due = the settings'
 *   arrs_claim_day (0 means 10) of the next month; overdue = due is
 *   before today and no claim is recorded (a reversed one is none).
 * - claimed = the year's claims; left = ceiling - claimed (negative when
 *   over-claimed); staff_cost = the months' costs summed; staff = how
 *   many ARRS staff are employed on the report's day (today, kept within
 *   the year).
 * - projected_lost, per month row i: the months counted are those up to
 *   and including i that have a claim recorded or have ended (before
 *   today's month). With k of them and C claimed to i, the average is
 *   C / k and the year's projection is C + C * (11 - i) / k (rounded half
 *   up); lost = max(0, ceiling - projection). With k = 0 there is no rate
 *   of claiming to project from yet, and nothing is shown as lost. The
 *   report's projected_lost is the row of the latest month that has
 *   started (March once the year is over; 0 before it begins).
 *
 * Reminders (funds_arrs_tick, the server's own writer job): the claim for
 * month M is due on D = claim day of M+1. Its reminder days are the
 * network's reminder_days working days before D and the working day
 * after D (overdue), as asks_clock.c counts them. A month is reminded
 * about only while no claim is recorded for it, only from the financial
 * year of the first "arrs" rate recorded (no rate, no reminders: a network
 * that does not use ARRS is not nagged), and only the latest two months
 * whose first reminder day has come (the most recent, and the one before
 * if still unclaimed). For each, when the latest reminder day that has
 * come is later than the 'a' record, one FundsClaimDue goes to the
 * network's people (audience "+": the PCN manager and the clinical
 * director) and the 'a' record moves to that day, in the same
 * transaction: a reminder never repeats, and after a stop only the latest
 * is sent. working_days_left is the working days from today to D, or
 * minus those from D to today once overdue.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "areas.h"
#include "feed.h"
#include "money.h"
#include "uktime.h"
#include "validate.h"

#define ARRS_STREAM "arrs"
#define ARRS_REF_MAX 100
#define ARRS_NOTE_MAX 1000
#define ARRS_YEAR_MIN 2000
#define ARRS_YEAR_MAX 2198 /* its March is still a date pcn_date_parse takes   \
                            */
#define ARRS_KEY 8         /* tag + "YYYY-MM" */
#define ARRS_DEFAULT_DAY 10

/* ------------------------------------------------------------ months */

/* A month as y * 12 + (m - 1), so months add and compare as integers. */
static int month_parse(const char *s, int *mi) {
  char probe[16];
  int32_t d;
  if (strlen(s) != 7) return -1;
  snprintf(probe, sizeof probe, "%.7s-01", s);
  if (pcn_date_parse(probe, &d)) return -1;
  int64_t y;
  int m, dd;
  pcn_civil_from_days(d, &y, &m, &dd);
  *mi = (int)(y * 12 + m - 1);
  return 0;
}

static void month_format(int mi, char out[8]) {
  char buf[32]; /* room for any int, so that no compiler sees truncation */
  snprintf(buf, sizeof buf, "%04d-%02d", (mi / 12) % 10000, mi % 12 + 1);
  memcpy(out, buf, 7);
  out[7] = 0;
}

static int32_t month_first_day(int mi) {
  return (int32_t)pcn_days_from_civil(mi / 12, mi % 12 + 1, 1);
}

static int month_of_day(int32_t day) {
  int64_t y;
  int m, d;
  pcn_civil_from_days(day, &y, &m, &d);
  return (int)(y * 12 + m - 1);
}

/* The financial year a month is in (April starts it). */
static int month_year(int mi) {
  return mi % 12 >= 3 ? mi / 12 : mi / 12 - 1;
}

static uint32_t claim_day(const Pcn__NetworkSettings *s) {
  return s->arrs_claim_day >= 1 && s->arrs_claim_day <= 28 ? s->arrs_claim_day
                                                           : ARRS_DEFAULT_DAY;
}

/* The day month mi's claim is due: claim_day of the next month. */
static int32_t month_due(int mi, uint32_t day) {
  int n = mi + 1;
  return (int32_t)pcn_days_from_civil(n / 12, n % 12 + 1, (int)day);
}

static void arrs_key(uint8_t key[ARRS_KEY], char tag, int mi) {
  char m[8];
  month_format(mi, m);
  key[0] = (uint8_t)tag;
  memcpy(key + 1, m, 7);
}

/* The month's record, reversed or not. */
static int claim_record(MDB_txn *txn, store *st, int mi, pcn_arena *a,
                        Pcn__FundsArrsClaimRecord **out) {
  uint8_t key[ARRS_KEY];
  arrs_key(key, 'A', mi);
  return store_get_pb(txn, st->funds_claims, key, ARRS_KEY,
                      &pcn__funds_arrs_claim_record__descriptor, a,
                      (void **)out);
}

/* The month's claim: MDB_NOTFOUND when none, or when it was reversed. */
static int claim_load(MDB_txn *txn, store *st, int mi, pcn_arena *a,
                      Pcn__FundsArrsClaimRecord **out) {
  int rc = claim_record(txn, st, mi, a, out);
  if (rc == 0 && (*out)->reversed_at) {
    *out = NULL;
    return MDB_NOTFOUND;
  }
  return rc;
}

/* The first financial year with an "arrs" rate; MDB_NOTFOUND when none. */
static int first_rate_year(MDB_txn *txn, store *st, uint32_t *year) {
  MDB_cursor *cur;
  int rc = mdb_cursor_open(txn, st->funds_rates, &cur);
  if (rc) return rc;
  MDB_val k, v;
  size_t n = strlen(ARRS_STREAM);
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
    if (k.mv_size == 4 + n &&
        !memcmp((uint8_t *)k.mv_data + 4, ARRS_STREAM, n)) {
      *year = key_get_u32(k.mv_data);
      break;
    }
  mdb_cursor_close(cur);
  return rc;
}

/* ------------------------------------------------------------ claims */

static int claim_today_month(int64_t now_ms) {
  return month_of_day(pcn_london_day_of_ms(now_ms));
}

/* Checks a claimed month: YYYY-MM and over (before today's month). */
static int check_month_over(req_ctx *ctx, const char *month, int *mi) {
  if (month_parse(month, mi))
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "month",
                          "month: write the month claimed for as YYYY-MM, "
                          "such as 2027-04.");
  if (*mi >= claim_today_month(srv_now_ms(ctx->srv))) {
    char from[11];
    pcn_date_format(month_first_day(*mi + 1), from);
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "month",
                          "month: %s is not over yet; its claim can be "
                          "recorded from %s.",
                          month, from);
  }
  return 0;
}

static int arrs_claim_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__FundsArrsClaim *r = ctx->req->funds_arrs_claim;
  int mi;
  if (check_month_over(ctx, r->month, &mi)) return ctx->status->code;
  if (r->pence <= 0 || r->pence > PCN_PENCE_MAX)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "pence",
                          "pence: a claim is more than £0.00 and at most "
                          "£100,000,000,000.00; a month with nothing to "
                          "claim needs no claim.");
  if (ctx_check_text(ctx, "reference", r->reference, ARRS_REF_MAX, 0, 0) ||
      ctx_check_text(ctx, "note", r->note, ARRS_NOTE_MAX, 0, 1))
    return ctx->status->code;
  return perm_check(ctx, "", 0) ? ctx->status->code : PCN__STATUS_CODE__OK;
}

static int arrs_claim_apply(wtx *w, wjob *job) {
  Pcn__FundsArrsClaim *r = job->req->funds_arrs_claim;
  int mi;
  if (month_parse(r->month, &mi) || mi >= claim_today_month(job->now_ms))
    return wtx_fail(w, PCN__STATUS_CODE__INVALID_ARGUMENT,
                    "month: %.10s is not over yet.", r->month);
  Pcn__FundsArrsClaimRecord *old = NULL, *x;
  int rc = claim_record(w->txn, w->st, mi, &job->arena, &old);
  if (rc && rc != MDB_NOTFOUND) return wtx_lmdb(w, rc, "reading the claim");
  x = pcn_arena_alloc(&job->arena, sizeof *x);
  if (!x) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__funds_arrs_claim_record__init(x);
  x->month = r->month;
  x->pence = r->pence;
  x->reference = r->reference;
  x->note = r->note;
  x->recorded_at = job->now_ms;
  x->recorded_by = job->who.username;
  uint8_t key[ARRS_KEY];
  arrs_key(key, 'A', mi);
  if ((rc = store_put_pb(w->txn, w->st->funds_claims, key, ARRS_KEY,
                         (const ProtobufCMessage *)x)))
    return wtx_lmdb(w, rc, "saving the claim");
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_FUNDS_ARRS_CLAIM;
  ev.funds_arrs_claim = x;
  if ((rc = feed_emit(w, old ? PCN__OP__UPDATED : PCN__OP__CREATED, "", &ev)))
    return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_FUNDS_ARRS_CLAIM;
  job->resp.funds_arrs_claim = x;
  return PCN__STATUS_CODE__OK;
}

static int arrs_reverse_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__FundsArrsClaimReverse *r = ctx->req->funds_arrs_claim_reverse;
  int mi;
  if (month_parse(r->month, &mi))
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "month",
                          "month: write the month whose claim is reversed "
                          "as YYYY-MM, such as 2027-04.");
  if (ctx_check_text(ctx, "reason", r->reason, ARRS_NOTE_MAX, 1, 1))
    return ctx->status->code;
  return perm_check(ctx, "", 0) ? ctx->status->code : PCN__STATUS_CODE__OK;
}

static int arrs_reverse_apply(wtx *w, wjob *job) {
  Pcn__FundsArrsClaimReverse *r = job->req->funds_arrs_claim_reverse;
  int mi;
  if (month_parse(r->month, &mi))
    return wtx_fail(w, PCN__STATUS_CODE__INVALID_ARGUMENT,
                    "month: write the month as YYYY-MM.");
  Pcn__FundsArrsClaimRecord *x = NULL;
  int rc = claim_record(w->txn, w->st, mi, &job->arena, &x);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND,
                    "month: no ARRS claim is recorded for %.7s; pcn funds "
                    "headroom shows the months claimed.",
                    r->month);
  if (rc) return wtx_lmdb(w, rc, "reading the claim");
  if (x->reversed_at)
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "The claim for %s was already reversed by %s; record "
                    "the month's claim again with pcn funds claim arrs.",
                    x->month, x->reversed_by);
  x->reversed_at = job->now_ms;
  x->reversed_by = job->who.username;
  x->reversed_reason = r->reason;
  uint8_t key[ARRS_KEY];
  arrs_key(key, 'A', mi);
  if ((rc = store_put_pb(w->txn, w->st->funds_claims, key, ARRS_KEY,
                         (const ProtobufCMessage *)x)))
    return wtx_lmdb(w, rc, "saving the claim");
  /* The month is unclaimed again: forget its reminders, so the next tick
   * reminds about it (if it is still among the months reminded about). */
  arrs_key(key, 'a', mi);
  MDB_val k = {ARRS_KEY, key};
  rc = mdb_del(w->txn, w->st->funds_claims, &k, NULL);
  if (rc && rc != MDB_NOTFOUND) return wtx_lmdb(w, rc, "clearing a reminder");
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_FUNDS_ARRS_CLAIM;
  ev.funds_arrs_claim = x;
  if ((rc = feed_emit(w, PCN__OP__UPDATED, "", &ev))) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_FUNDS_ARRS_CLAIM;
  job->resp.funds_arrs_claim = x;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ headroom */

/* a * b / 100 rounded half up, for a, b >= 0; -1 past PCN_PENCE_MAX. */
static int64_t cp_times(int64_t cp, uint64_t heads) {
  unsigned __int128 p = (unsigned __int128)(uint64_t)cp * heads + 50;
  p /= 100;
  return p > (unsigned __int128)PCN_PENCE_MAX ? -1 : (int64_t)p;
}

/* The ceiling of year from its rate and the figures of 1 April. */
static int headroom_ceiling(MDB_txn *txn, store *st, pcn_arena *a,
                            Pcn__FundsHeadroomReport *rep) {
  Pcn__FundsRate *rate;
  int rc = funds_rate_find(txn, st, rep->year, ARRS_STREAM, a, &rate);
  if (rc == MDB_NOTFOUND) return 0;
  if (rc) return rc;
  Pcn__PracticeFigures **f;
  size_t n;
  int32_t april = (int32_t)pcn_days_from_civil(rep->year, 4, 1);
  if ((rc = funds_figures_at(txn, st, april, a, &f, &n))) return rc;
  uint64_t heads = 0;
  for (size_t i = 0; i < n; i++)
    switch ((int)rate->basis) {
    case PCN__FUNDS_BASIS__FUNDS_PER_PATIENT: heads += f[i]->list_size; break;
    case PCN__FUNDS_BASIS__FUNDS_PER_BED: heads += f[i]->beds; break;
    default: heads += f[i]->weighted; break;
    }
  rep->rate_cp = rate->rate_cp;
  if (rate->basis == PCN__FUNDS_BASIS__FUNDS_FIXED) {
    rep->weighted = 0;
    rep->ceiling = cp_times(rate->rate_cp, 1);
  } else {
    rep->weighted = heads;
    rep->ceiling = cp_times(rate->rate_cp, heads);
  }
  return rep->ceiling < 0 ? ERANGE : 0;
}

/* C + C * left / k, rounded half up (k > 0, all >= 0). */
static int64_t projection(int64_t c, int left, int k) {
  unsigned __int128 q = (unsigned __int128)(uint64_t)c * (unsigned)left * 2;
  q = (q + (unsigned)k) / (2u * (unsigned)k);
  return c + (int64_t)q;
}

/* Fills rep (year set) for today: months, totals, projections. */
static int headroom_fill(MDB_txn *txn, store *st, pcn_arena *a, int32_t today,
                         Pcn__FundsHeadroomReport *rep) {
  int rc = headroom_ceiling(txn, st, a, rep);
  if (rc) return rc;
  Pcn__NetworkSettings *s;
  if ((rc = settings_load(txn, st, a, &s))) return rc;
  uint32_t cday = claim_day(s);
  Pcn__FundsHeadroomMonth *rows = pcn_arena_alloc(a, 12 * sizeof *rows);
  rep->months = pcn_arena_alloc(a, 12 * sizeof *rep->months);
  rep->claims = pcn_arena_alloc(a, 12 * sizeof *rep->claims);
  if (!rows || !rep->months || !rep->claims) return ENOMEM;
  int first = (int)rep->year * 12 + 3, now = month_of_day(today);
  int64_t cum = 0;
  int counted = 0;
  for (int i = 0; i < 12; i++) {
    int mi = first + i;
    Pcn__FundsHeadroomMonth *r = &rows[i];
    pcn__funds_headroom_month__init(r);
    rep->months[rep->n_months++] = r;
    char *m = pcn_arena_alloc(a, 8), *due = pcn_arena_alloc(a, 11);
    if (!m || !due) return ENOMEM;
    month_format(mi, m);
    r->month = m;
    int32_t d = month_due(mi, cday);
    pcn_date_format(d, due);
    r->due = due;
    Pcn__FundsArrsClaimRecord *c = NULL;
    rc = claim_load(txn, st, mi, a, &c);
    if (rc && rc != MDB_NOTFOUND) return rc;
    if (c) {
      rep->claims[rep->n_claims++] = c;
      r->claimed = c->pence;
    }
    cum += r->claimed;
    r->cumulative = cum;
    r->overdue = !c && today > d;
    if ((rc = staff_arrs_month(txn, st, month_first_day(mi),
                               month_first_day(mi + 1) - 1, &r->staff_cost)))
      return rc;
    rep->staff_cost += r->staff_cost;
    if (c || mi < now) counted++;
    int64_t lost = 0;
    if (counted) {
      lost = rep->ceiling - projection(cum, 11 - i, counted);
      if (lost < 0) lost = 0;
    }
    r->projected_lost = lost;
    if (mi <= now) rep->projected_lost = lost;
  }
  rep->claimed = cum;
  rep->left = rep->ceiling - cum;
  int32_t on = today, lo = month_first_day(first),
          hi = month_first_day(first + 12) - 1;
  if (on < lo) on = lo;
  if (on > hi) on = hi;
  int64_t cost;
  return staff_costs_on(txn, st, on, &cost, &rep->staff);
}

static int headroom_read(req_ctx *ctx) {
  Pcn__FundsHeadroom *r = ctx->req->funds_headroom;
  int32_t today = pcn_london_day_of_ms(srv_now_ms(ctx->srv));
  uint32_t year = r->year ? r->year : (uint32_t)month_year(month_of_day(today));
  if (year < ARRS_YEAR_MIN || year > ARRS_YEAR_MAX)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "year",
                          "year: the financial year by the year it starts "
                          "in, such as 2027 for April 2027 to March 2028.");
  Pcn__FundsHeadroomReport *rep = pcn_arena_alloc(ctx->arena, sizeof *rep);
  if (!rep) return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__funds_headroom_report__init(rep);
  rep->year = year;
  int rc = headroom_fill(ctx_txn(ctx), &ctx->srv->st, ctx->arena, today, rep);
  if (rc == ERANGE)
    return ctx_fail(ctx, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "The ARRS rate for %u times the practices' figures is "
                    "more than £100,000,000,000.00; check the rate with pcn "
                    "funds rate.",
                    year);
  if (rc)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The headroom could not be worked out; the operator "
                    "should run pcnd verify.");
  ctx->resp->body_case = PCN__RESPONSE__BODY_FUNDS_HEADROOM;
  ctx->resp->funds_headroom = rep;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ reminders */

/* The latest reminder day of a claim due on due that has come by today,
 * and the days left to tell; 1 when none has come. */
static int latest_point(int32_t due, int32_t today,
                        const Pcn__NetworkSettings *s, const pcn_holidays *h,
                        int32_t *point, int *left) {
  int32_t after = pcn_add_working_days(due, 1, h);
  if (after <= today) {
    *point = after;
    *left = -pcn_working_days_between(due, today, h);
    return 0;
  }
  int found = 0;
  for (size_t i = 0; i < s->n_reminder_days; i++) {
    int32_t p = pcn_add_working_days(due, -(int)s->reminder_days[i], h);
    if (p <= today && (!found || p > *point)) {
      *point = p;
      found = 1;
    }
  }
  if (found) *left = pcn_working_days_between(today, due, h);
  return found ? 0 : 1;
}

/* Reminds about month mi if it is unclaimed and its latest reminder day
 * is later than the one last reminded for. */
static int remind_month(wtx *w, wjob *job, int mi, int32_t today,
                        const Pcn__NetworkSettings *s, const pcn_holidays *h) {
  int32_t due = month_due(mi, claim_day(s)), point;
  int left;
  if (latest_point(due, today, s, h, &point, &left)) return 0;
  Pcn__FundsArrsClaimRecord *c;
  int rc = claim_load(w->txn, w->st, mi, &job->arena, &c);
  if (rc == 0) return 0;
  if (rc != MDB_NOTFOUND) return wtx_lmdb(w, rc, "reading the claim");
  uint8_t key[ARRS_KEY];
  arrs_key(key, 'a', mi);
  char *pt = pcn_arena_alloc(&job->arena, 11),
       *due_s = pcn_arena_alloc(&job->arena, 11),
       *m = pcn_arena_alloc(&job->arena, 8);
  if (!pt || !due_s || !m)
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn_date_format(point, pt);
  pcn_date_format(due, due_s);
  month_format(mi, m);
  MDB_val k = {ARRS_KEY, key}, v;
  rc = mdb_get(w->txn, w->st->funds_claims, &k, &v);
  if (rc && rc != MDB_NOTFOUND) return wtx_lmdb(w, rc, "reading a reminder");
  if (rc == 0 && v.mv_size == 10 && memcmp(v.mv_data, pt, 10) >= 0) return 0;
  v.mv_size = 10;
  v.mv_data = pt;
  if ((rc = mdb_put(w->txn, w->st->funds_claims, &k, &v, 0)))
    return wtx_lmdb(w, rc, "recording a reminder");
  Pcn__FundsClaimDue d = PCN__FUNDS_CLAIM_DUE__INIT;
  d.month = m;
  d.due = due_s;
  d.working_days_left = left;
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_FUNDS_CLAIM_DUE;
  ev.funds_claim_due = &d;
  return feed_emit(w, PCN__OP__CREATED, "+", &ev);
}

int funds_arrs_tick(wtx *w, wjob *job) {
  uint32_t from;
  int rc = first_rate_year(w->txn, w->st, &from);
  if (rc == MDB_NOTFOUND) return PCN__STATUS_CODE__OK; /* no rate: no nags */
  if (rc) return wtx_lmdb(w, rc, "reading the rates");
  Pcn__NetworkSettings *s;
  pcn_holidays h;
  if ((rc = settings_load(w->txn, w->st, &job->arena, &s)))
    return wtx_lmdb(w, rc, "reading the settings");
  if (settings_holidays(s, &job->arena, &h))
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  int32_t today = pcn_london_day_of_ms(job->now_ms);
  /* The most recent month whose first reminder day has come: this month
   * or one of the two before (a claim day is at most the 28th, and the
   * reminders before it stay within about a month of it). */
  int now = month_of_day(today), latest = now - 2;
  for (int mi = now; mi > now - 3; mi--) {
    int32_t point;
    int left;
    if (!latest_point(month_due(mi, claim_day(s)), today, s, &h, &point,
                      &left)) {
      latest = mi;
      break;
    }
  }
  for (int mi = latest; mi > latest - 2; mi--) {
    if (month_year(mi) < (int)from) break;
    if ((rc = remind_month(w, job, mi, today, s, &h))) return rc;
  }
  return PCN__STATUS_CODE__OK;
}

const req_entry funds_arrs_entries[] = {
    {PCN__REQUEST__BODY_FUNDS_ARRS_CLAIM, "record the network's ARRS claim",
     REQ_WRITE, R_PCNM, 0, 0, NULL, arrs_claim_prepare, arrs_claim_apply, NULL},
    {PCN__REQUEST__BODY_FUNDS_ARRS_CLAIM_REVERSE,
     "reverse the network's ARRS claim for a month", REQ_WRITE, R_PCNM, 0, 0,
     NULL, arrs_reverse_prepare, arrs_reverse_apply, NULL},
    {PCN__REQUEST__BODY_FUNDS_HEADROOM, "see the ARRS headroom", 0, R_ALL, 0, 0,
     headroom_read, NULL, NULL, NULL},
};
const size_t funds_arrs_entries_n =
    sizeof funds_arrs_entries / sizeof funds_arrs_entries[0];
