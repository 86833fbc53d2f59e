/* funds_plan.c - the funding plan: each stream's rate by financial year,
 * the income those rates make expected month by month, and budgets per
 * stream against actuals.
 *
 * Records:
 *   funds_rates  u32 year | stream code -> pcn.FundsRate (setting a year's
 *                rate again replaces it; other years are never touched, so
 *                last year's figures stay as they were)
 *
 * A financial year is named by the calendar year it starts in: 2027 runs
 * from 1 April 2027 to 31 March 2028. Rates are hundredths of a penny so
 * that published per-patient rates (such as GBP 1.5023) are exact.
 *
 * Who: only the PCN manager sets rates; every member reads them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "areas.h"
#include "feed.h"
#include "money.h"
#include "validate.h"

#define RATE_YEAR_MIN 2000
#define RATE_YEAR_MAX 2200
#define RATE_CP_MAX (PCN_PENCE_MAX * 100) /* hundredths of a penny */
#define RATE_NOTE_MAX 200
#define RATE_CODE_MAX 24
#define RATES_LIST_MAX 5000

/* ------------------------------------------------------------ rates */

static size_t rate_key(uint8_t key[4 + RATE_CODE_MAX], uint32_t year,
                       const char *stream) {
  size_t n = strlen(stream);
  if (n > RATE_CODE_MAX) n = RATE_CODE_MAX;
  key_u32(key, year);
  memcpy(key + 4, stream, n);
  return 4 + n;
}

int funds_rate_find(MDB_txn *txn, store *st, uint32_t year, const char *stream,
                    pcn_arena *a, Pcn__FundsRate **out) {
  uint8_t key[4 + RATE_CODE_MAX];
  size_t n = rate_key(key, year, stream);
  return store_get_pb(txn, st->funds_rates, key, n,
                      &pcn__funds_rate__descriptor, a, (void **)out);
}

static int rate_set_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__FundsRateSet *r = ctx->req->funds_rate_set;
  if (r->year < RATE_YEAR_MIN || r->year > RATE_YEAR_MAX)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "year",
                          "year: the financial year by the year it starts "
                          "in, such as 2027 for April 2027 to March 2028.");
  if (!funds_stream_exists(ctx_txn(ctx), &ctx->srv->st, r->stream))
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "stream",
                          "stream: there is no funding stream '%.40s'; see "
                          "pcn funds stream.",
                          r->stream);
  if (r->basis < PCN__FUNDS_BASIS__FUNDS_PER_PATIENT ||
      r->basis > PCN__FUNDS_BASIS__FUNDS_FIXED)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "basis",
                          "basis: per registered patient, per weighted "
                          "patient, per care-home bed, or fixed per year.");
  if (r->rate_cp < 0 || r->rate_cp > RATE_CP_MAX)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "rate_cp",
                          "rate_cp: the rate is 0 or more, and at most "
                          "£100,000,000,000.00.");
  if (ctx_check_text(ctx, "note", r->note, RATE_NOTE_MAX, 0, 0))
    return ctx->status->code;
  return perm_check(ctx, "", 0) ? ctx->status->code : PCN__STATUS_CODE__OK;
}

static int rate_set_apply(wtx *w, wjob *job) {
  Pcn__FundsRateSet *r = job->req->funds_rate_set;
  if (!funds_stream_exists(w->txn, w->st, r->stream))
    return wtx_fail(w, PCN__STATUS_CODE__INVALID_ARGUMENT,
                    "There is no funding stream '%.40s'.", r->stream);
  Pcn__FundsRate *x = pcn_arena_alloc(&job->arena, sizeof *x);
  if (!x) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__funds_rate__init(x);
  x->year = r->year;
  x->stream = r->stream;
  x->basis = r->basis;
  x->rate_cp = r->rate_cp;
  x->note = r->note;
  x->set_at = job->now_ms;
  x->set_by = job->who.username;
  uint8_t key[4 + RATE_CODE_MAX];
  size_t n = rate_key(key, r->year, r->stream);
  Pcn__FundsRate *old = NULL;
  int rc = funds_rate_find(w->txn, w->st, r->year, r->stream, &job->arena,
                           &old);
  if (rc && rc != MDB_NOTFOUND) return wtx_lmdb(w, rc, "reading the rate");
  if ((rc = store_put_pb(w->txn, w->st->funds_rates, key, n,
                         (const ProtobufCMessage *)x)))
    return wtx_lmdb(w, rc, "saving the rate");
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_FUNDS_RATE;
  ev.funds_rate = x;
  if ((rc = feed_emit(w, old ? PCN__OP__UPDATED : PCN__OP__CREATED, "", &ev)))
    return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_FUNDS_RATE;
  job->resp.funds_rate = x;
  return PCN__STATUS_CODE__OK;
}

static int rate_list_read(req_ctx *ctx) {
  Pcn__FundsRateList *r = ctx->req->funds_rate_list;
  pcn_arena *a = ctx->arena;
  Pcn__FundsRatePage *pg = pcn_arena_alloc(a, sizeof *pg);
  MDB_cursor *cur = NULL;
  if (!pg || mdb_cursor_open(ctx_txn(ctx), ctx->srv->st.funds_rates, &cur))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The rates could not be read.");
  pcn__funds_rate_page__init(pg);
  size_t cap = 64;
  pg->rates = pcn_arena_alloc(a, cap * sizeof *pg->rates);
  MDB_val k, v;
  uint8_t from[4];
  key_u32(from, r->year);
  k.mv_size = 4;
  k.mv_data = from;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
       rc == 0 && pg->rates && pg->n_rates < RATES_LIST_MAX;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    Pcn__FundsRate *x = pcn__funds_rate__unpack(&a->pb, v.mv_size, v.mv_data);
    if (!x) continue;
    if (r->year && x->year != r->year) break;
    if (pg->n_rates == cap) {
      Pcn__FundsRate **m = pcn_arena_alloc(a, 2 * cap * sizeof *m);
      if (m) memcpy(m, pg->rates, cap * sizeof *m);
      pg->rates = m;
      cap *= 2;
      if (!m) break;
    }
    pg->rates[pg->n_rates++] = x;
  }
  mdb_cursor_close(cur);
  if (!pg->rates)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  ctx->resp->body_case = PCN__RESPONSE__BODY_FUNDS_RATE_PAGE;
  ctx->resp->funds_rate_page = pg;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ expected */

int funds_expected_month(MDB_txn *txn, store *st, const char *stream,
                         const char *month, int64_t *pence) {
  (void)txn, (void)st, (void)stream, (void)month;
  *pence = 0; /* to be built: FundsExpected's rule */
  return 0;
}

const req_entry funds_plan_entries[] = {
    {PCN__REQUEST__BODY_FUNDS_RATE_SET, "set a funding rate", REQ_WRITE,
     R_PCNM, 0, 0, NULL, rate_set_prepare, rate_set_apply, NULL},
    {PCN__REQUEST__BODY_FUNDS_RATE_LIST, "see the funding rates", 0, R_ALL, 0,
     0, rate_list_read, NULL, NULL, NULL},
};
const size_t funds_plan_entries_n =
    sizeof funds_plan_entries / sizeof funds_plan_entries[0];
