/* funds_plan.c - the funding plan: each stream's rate by financial year,
 * the income those rates make expected month by month, and budgets per
 * stream against actuals.
 *
 * Records:
 *   funds_rates    u32 year | stream code -> pcn.FundsRate (setting a
 *                  year's rate again replaces it; other years are never
 *                  touched, so last year's figures stay as they were)
 *   funds_budgets  u32 year | stream code -> pcn.FundsBudget (a budget of
 *                  0 removes the record: the stream has no budget)
 *
 * A financial year is named by the calendar year it starts in: 2027 runs
 * from 1 April 2027 to 31 March 2028. Rates are hundredths of a penny so
 * that published per-patient rates (such as GBP 1.5023) are exact.
 *
 * Expected income (FundsExpected, the statement's "expected"): a month's
 * income from a per-head rate is rate x heads / 12, the heads being the
 * sum over the practices of the figures in force on the month's first day
 * (list size, weighted population or care-home beds), worked in
 * hundredths of a penny and rounded half up to the penny once, per month
 * and stream. A FIXED rate is the year's sum (rounded half up to the
 * penny) split into the twelve months by largest remainder, the odd
 * pence going to the earliest months: the twelve add up to the sum
 * exactly. Figures and rates are read as they are now, so a correction
 * to either changes what was expected (the plan is a forecast, not a
 * ledger).
 *
 * Actuals (the budget report, the expected page's "received") are the
 * ledger's lines of every entry dated in the year, reversals included on
 * their own date: received is income:STREAM (credit), distributed
 * practice:*:STREAM, claimed claim:*:STREAM, spent expense:STREAM. The
 * ledger's date is the money's own, so an entry dated ahead counts in its
 * year.
 *
 * Who: only the PCN manager sets rates and budgets; every member reads
 * them, and every event has audience "".
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

#define RATE_YEAR_MIN 2000
#define RATE_YEAR_MAX 2200
#define RATE_CP_MAX (PCN_PENCE_MAX * 100) /* hundredths of a penny */
#define RATE_NOTE_MAX 200
#define RATE_CODE_MAX 24
#define RATES_LIST_MAX 5000
#define PLAN_STREAMS_MAX 512 /* rows of one year's plan */
#define DAY_MS 86400000LL
#define FUNDS_ACCOUNT_KEY_MAX 160 /* an account name in a month sum's key */

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
  int rc =
      funds_rate_find(w->txn, w->st, r->year, r->stream, &job->arena, &old);
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

/* ------------------------------------------------------------ the year */

/* The financial year (by the year it starts in) of a day. */
static uint32_t fy_of_day(int32_t day) {
  int64_t y;
  int m, d;
  pcn_civil_from_days(day, &y, &m, &d);
  return (uint32_t)(m >= 4 ? y : y - 1);
}

static int32_t today(req_ctx *ctx) {
  return pcn_london_day_of_ms(srv_now_ms(ctx->srv)); /* UK date, issue 20 */
}

/* Month i (0 April .. 11 March) of financial year fy as "YYYY-MM". */
static void fy_month(uint32_t fy, int i, char out[8]) {
  int m = (i + 3) % 12 + 1;
  snprintf(out, 8, "%04u-%02d", (fy + (i >= 9)) % 10000u, m);
}

/* A request's year: 0 is this financial year; else within the range. 0,
 * or the status after naming the field. */
static int check_year(req_ctx *ctx, uint32_t year, uint32_t *out) {
  if (!year) {
    *out = fy_of_day(today(ctx));
    return 0;
  }
  if (year < RATE_YEAR_MIN || year > RATE_YEAR_MAX)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "year",
                          "year: the financial year by the year it starts "
                          "in, such as 2027 for April 2027 to March 2028.");
  *out = year;
  return 0;
}

/* The heads of each month of a year, by basis: the sums over the
 * practices of the figures in force on the month's first day. */
typedef struct heads {
  int64_t list[12], weighted[12], beds[12];
} heads;

static int heads_of_month(MDB_txn *txn, store *st, uint32_t fy, int i,
                          heads *h) {
  pcn_arena a;
  pcn_arena_init(&a, 16u << 20);
  int m = (i + 3) % 12 + 1;
  int32_t day = (int32_t)pcn_days_from_civil(fy + (i >= 9), m, 1);
  Pcn__PracticeFigures **f;
  size_t n;
  int rc = funds_figures_at(txn, st, day, &a, &f, &n);
  h->list[i] = h->weighted[i] = h->beds[i] = 0;
  for (size_t k = 0; !rc && k < n; k++) {
    h->list[i] += f[k]->list_size;
    h->weighted[i] += f[k]->weighted;
    h->beds[i] += f[k]->beds;
  }
  pcn_arena_free(&a);
  return rc;
}

static int heads_of_year(MDB_txn *txn, store *st, uint32_t fy, heads *h) {
  for (int i = 0; i < 12; i++) {
    int rc = heads_of_month(txn, st, fy, i, h);
    if (rc) return rc;
  }
  return 0;
}

/* The heads of month i by r's basis. */
static int64_t heads_by(const Pcn__FundsRate *r, const heads *h, int i) {
  return r->basis == PCN__FUNDS_BASIS__FUNDS_PER_PATIENT    ? h->list[i]
         : r->basis == PCN__FUNDS_BASIS__FUNDS_PER_WEIGHTED ? h->weighted[i]
         : r->basis == PCN__FUNDS_BASIS__FUNDS_PER_BED      ? h->beds[i]
                                                            : 0;
}

/* The twelfth of year (pence) that falls in month i, by largest remainder
 * (the odd pence to the earliest months): the twelve sum to year. */
static int64_t twelfth(int64_t year, int i) {
  int64_t w[12], parts[12];
  for (int k = 0; k < 12; k++)
    w[k] = 1;
  if (pcn_split(year, w, 12, parts)) return 0;
  return parts[i];
}

/* The income rate r makes expected in month i of its year, given the
 * heads of that month (h's row i; unused for FIXED). The "arrs" stream
 * is the exception: its year is the ARRS headroom's ceiling (rate x the
 * heads of 1 April, h's row 0, half up to the penny, funds_arrs.c) in
 * twelve equal parts, so the year's expected and the ceiling are one
 * figure (issue 20: GBP 1,083,726.66 expected against a ceiling of GBP
 * 1,081,042.86 for the same year, because the list grew month by month
 * and each month was rounded on its own; the ARRS sum is fixed for the
 * year from the figures at its start). */
static int64_t expected_of(const Pcn__FundsRate *r, const heads *h, int i) {
  if (r->rate_cp <= 0) return 0;
  if (r->basis == PCN__FUNDS_BASIS__FUNDS_FIXED)
    return twelfth((r->rate_cp + 50) / 100, i);
  if (!strcmp(r->stream, "arrs")) {
    unsigned __int128 y =
        (unsigned __int128)(uint64_t)r->rate_cp * (uint64_t)heads_by(r, h, 0) +
        50;
    y /= 100;
    return y > PCN_PENCE_MAX ? 0 : twelfth((int64_t)y, i);
  }
  int64_t n = heads_by(r, h, i);
  /* rate_cp x heads hundredths of a penny a year; a twelfth of it, half
   * up to the penny: (x + 600) / 1200. */
  __int128 x = (__int128)r->rate_cp * n + 600;
  x /= 1200;
  return x > PCN_PENCE_MAX ? PCN_PENCE_MAX : (int64_t)x;
}

/* "YYYY-MM" -> financial year and month index (0 April). 0 or -1. */
static int parse_month(const char *month, uint32_t *fy, int *i) {
  char probe[16];
  int32_t d;
  if (strlen(month) != 7) return -1;
  snprintf(probe, sizeof probe, "%.7s-01", month);
  if (pcn_date_parse(probe, &d)) return -1;
  int64_t y;
  int m, dd;
  pcn_civil_from_days(d, &y, &m, &dd);
  *fy = fy_of_day(d);
  *i = (m + 8) % 12;
  return 0;
}

/* Calls each(ud, rate) for every rate of year fy, decoded into a. */
static int rates_of_year(MDB_txn *txn, store *st, uint32_t fy, pcn_arena *a,
                         void (*each)(void *ud, Pcn__FundsRate *r), void *ud) {
  MDB_cursor *cur;
  int rc = mdb_cursor_open(txn, st->funds_rates, &cur);
  if (rc) return rc;
  uint8_t from[4];
  key_u32(from, fy);
  MDB_val k = {4, from}, v;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    if (k.mv_size < 4 || key_get_u32(k.mv_data) != fy) break;
    Pcn__FundsRate *r = pcn__funds_rate__unpack(&a->pb, v.mv_size, v.mv_data);
    if (!r) {
      rc = MDB_CORRUPTED;
      break;
    }
    each(ud, r);
  }
  mdb_cursor_close(cur);
  return rc == MDB_NOTFOUND ? 0 : rc;
}

typedef struct month_exp {
  const heads *h;
  int i;
  pcn_arena *a;
  char **streams;
  int64_t *pence;
  size_t n, cap;
} month_exp;

static void month_exp_each(void *ud, Pcn__FundsRate *r) {
  month_exp *m = ud;
  if (m->n == m->cap) return;
  int64_t p = expected_of(r, m->h, m->i);
  m->streams[m->n] = r->stream;
  m->pence[m->n++] = p;
}

int funds_expected_streams(MDB_txn *txn, store *st, const char *month,
                           pcn_arena *a, char ***streams, int64_t **pence,
                           size_t *n) {
  *n = 0;
  uint32_t fy = 0;
  int i = 0;
  if (parse_month(month, &fy, &i)) return EINVAL;
  heads h;
  int rc = heads_of_month(txn, st, fy, i, &h);
  if (!rc && i) rc = heads_of_month(txn, st, fy, 0, &h); /* arrs: April's */
  if (rc) return rc;
  month_exp m = {&h, i, a, NULL, NULL, 0, PLAN_STREAMS_MAX};
  m.streams = pcn_arena_alloc(a, m.cap * sizeof *m.streams);
  m.pence = pcn_arena_alloc(a, m.cap * sizeof *m.pence);
  if (!m.streams || !m.pence) return ENOMEM;
  if ((rc = rates_of_year(txn, st, fy, a, month_exp_each, &m))) return rc;
  *streams = m.streams;
  *pence = m.pence;
  *n = m.n;
  return 0;
}

/* One stream's year: what the plan and the ledger say of it. */
typedef struct plan_row {
  char stream[RATE_CODE_MAX + 1];
  int has_budget, has_rate, active;
  int64_t budget, expected[12], received[12];
  int64_t distributed, claimed, spent;
} plan_row;

typedef struct plan_year {
  uint32_t fy;
  heads h;
  plan_row *r;
  size_t n;
  int full;
} plan_year;

static plan_row *row_get(plan_year *p, const char *stream, size_t len) {
  if (len > RATE_CODE_MAX) len = RATE_CODE_MAX;
  for (size_t i = 0; i < p->n; i++)
    if (strlen(p->r[i].stream) == len && !memcmp(p->r[i].stream, stream, len))
      return &p->r[i];
  if (p->n == PLAN_STREAMS_MAX) {
    p->full = 1;
    return NULL;
  }
  plan_row *x = &p->r[p->n++];
  memset(x, 0, sizeof *x);
  memcpy(x->stream, stream, len);
  return x;
}

static void year_rate_each(void *ud, Pcn__FundsRate *r) {
  plan_year *p = ud;
  plan_row *x = row_get(p, r->stream, strlen(r->stream));
  if (!x) return;
  x->has_rate = 1;
  for (int i = 0; i < 12; i++)
    x->expected[i] = expected_of(r, &p->h, i);
}

/* The ledger's entries dated in the year, line by line. */
/* The year's money per stream from the ledger's month sums (funds.c
 * keeps them per month and account in each entry's transaction): received
 * month by month, and distributed, claimed and spent in the months up to
 * and including index last (0 April .. 11 March). */
static int year_ledger(MDB_txn *txn, store *st, plan_year *p, int last) {
  char from[8], to[8];
  snprintf(from, sizeof from, "%04u-04", p->fy % 10000u);
  snprintf(to, sizeof to, "%04u-03", (p->fy + 1) % 10000u);
  MDB_cursor *cur;
  int rc = mdb_cursor_open(txn, st->funds_months, &cur);
  if (rc) return rc;
  MDB_val k = {7, from}, v;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    if (k.mv_size <= 7 || memcmp(k.mv_data, to, 7) > 0) break;
    if (v.mv_size != 8) continue;
    char month[8], a[FUNDS_ACCOUNT_KEY_MAX + 1];
    memcpy(month, k.mv_data, 7);
    month[7] = 0;
    size_t al = k.mv_size - 7 < sizeof a - 1 ? k.mv_size - 7 : sizeof a - 1;
    memcpy(a, (const char *)k.mv_data + 7, al);
    a[al] = 0;
    uint32_t fy = 0;
    int mi = 0;
    if (parse_month(month, &fy, &mi) || fy != p->fy) continue;
    int64_t pence = (int64_t)key_get_u64(v.mv_data);
    const char *s;
    int kind;
    if (!strncmp(a, "income:", 7))
      kind = 0, s = a + 7;
    else if (!strncmp(a, "expense:", 8))
      kind = 1, s = a + 8;
    else if (!strncmp(a, "practice:", 9) || !strncmp(a, "claim:", 6)) {
      kind = a[0] == 'p' ? 2 : 3;
      s = strchr(strchr(a, ':') + 1, ':');
      if (!s) continue;
      s++;
    } else
      continue;
    plan_row *x = row_get(p, s, strlen(s));
    if (!x) continue;
    x->active = 1;
    if (kind == 0)
      x->received[mi] -= pence;
    else if (mi > last)
      continue;
    else if (kind == 1)
      x->spent += pence;
    else if (kind == 2)
      x->distributed += pence;
    else
      x->claimed += pence;
  }
  mdb_cursor_close(cur);
  return rc == MDB_NOTFOUND ? 0 : rc;
}

static int year_budgets(MDB_txn *txn, store *st, plan_year *p, pcn_arena *a) {
  MDB_cursor *cur;
  int rc = mdb_cursor_open(txn, st->funds_budgets, &cur);
  if (rc) return rc;
  uint8_t from[4];
  key_u32(from, p->fy);
  MDB_val k = {4, from}, v;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    if (k.mv_size < 4 || key_get_u32(k.mv_data) != p->fy) break;
    Pcn__FundsBudget *b =
        pcn__funds_budget__unpack(&a->pb, v.mv_size, v.mv_data);
    if (!b) continue;
    plan_row *x = row_get(p, b->stream, strlen(b->stream));
    if (!x) continue;
    x->has_budget = 1;
    x->budget = b->pence;
  }
  mdb_cursor_close(cur);
  return rc == MDB_NOTFOUND ? 0 : rc;
}

static int cmp_row(const void *a, const void *b) {
  return strcmp(((const plan_row *)a)->stream, ((const plan_row *)b)->stream);
}

/* Everything of year fy, rows sorted by stream code; the caller frees
 * p->r. 0 or an LMDB error. */
/* The year's plan; the actuals (distributed, claimed, spent) up to the
 * month of index last (11: the whole year). */
static int year_load(MDB_txn *txn, store *st, uint32_t fy, int last,
                     pcn_arena *a, plan_year *p) {
  memset(p, 0, sizeof *p);
  p->fy = fy;
  p->r = calloc(PLAN_STREAMS_MAX, sizeof *p->r);
  if (!p->r) return ENOMEM;
  int rc = heads_of_year(txn, st, fy, &p->h);
  if (!rc) rc = rates_of_year(txn, st, fy, a, year_rate_each, p);
  if (!rc) rc = year_ledger(txn, st, p, last);
  if (!rc) rc = year_budgets(txn, st, p, a);
  if (!rc) qsort(p->r, p->n, sizeof *p->r, cmp_row);
  return rc;
}

/* ------------------------------------------------------------ expected */

static int stream_check(req_ctx *ctx, const char *stream) {
  if (!funds_stream_exists(ctx_txn(ctx), &ctx->srv->st, stream))
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "stream",
                          "stream: there is no funding stream '%.40s'; see "
                          "pcn funds stream.",
                          stream);
  return 0;
}

static int expected_read(req_ctx *ctx) {
  Pcn__FundsExpected *r = ctx->req->funds_expected;
  uint32_t fy = 0;
  if (check_year(ctx, r->year, &fy)) return ctx->status->code;
  if (r->stream[0] && stream_check(ctx, r->stream)) return ctx->status->code;
  pcn_arena *a = ctx->arena;
  plan_year p;
  int rc = year_load(ctx_txn(ctx), &ctx->srv->st, fy, 11, a, &p);
  Pcn__FundsExpectedPage *pg = pcn_arena_alloc(a, sizeof *pg);
  if (r->stream[0] && !rc && !row_get(&p, r->stream, strlen(r->stream)))
    rc = ENOMEM;
  if (!rc && pg) {
    pcn__funds_expected_page__init(pg);
    pg->year = fy;
    pg->rows = pcn_arena_alloc(a, (12 * p.n + 1) * sizeof *pg->rows);
    Pcn__FundsExpectedRow *rows =
        pcn_arena_alloc(a, (12 * p.n + 1) * sizeof *rows);
    if (!pg->rows || !rows) rc = ENOMEM;
    for (size_t s = 0; !rc && s < p.n; s++) {
      plan_row *x = &p.r[s];
      if (r->stream[0] ? strcmp(x->stream, r->stream) != 0
                       : !x->has_rate && !x->active)
        continue;
      char *code = pcn_arena_strdup(a, x->stream);
      for (int i = 0; i < 12 && code; i++) {
        Pcn__FundsExpectedRow *o = &rows[pg->n_rows];
        pcn__funds_expected_row__init(o);
        o->stream = code;
        o->month = pcn_arena_alloc(a, 8);
        if (!o->month) break;
        fy_month(fy, i, o->month);
        o->expected = x->expected[i];
        o->received = x->received[i];
        pg->expected += o->expected;
        pg->received += o->received;
        pg->rows[pg->n_rows++] = o;
      }
    }
  }
  free(p.r);
  if (rc || !pg)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The funding plan could not be read; the operator should "
                    "run pcnd verify.");
  ctx->resp->body_case = PCN__RESPONSE__BODY_FUNDS_EXPECTED_PAGE;
  ctx->resp->funds_expected_page = pg;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ budgets */

static int budget_find(MDB_txn *txn, store *st, uint32_t year,
                       const char *stream, pcn_arena *a,
                       Pcn__FundsBudget **out) {
  uint8_t key[4 + RATE_CODE_MAX];
  size_t n = rate_key(key, year, stream);
  return store_get_pb(txn, st->funds_budgets, key, n,
                      &pcn__funds_budget__descriptor, a, (void **)out);
}

static int budget_set_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__FundsBudgetSet *r = ctx->req->funds_budget_set;
  if (r->year < RATE_YEAR_MIN || r->year > RATE_YEAR_MAX)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "year",
                          "year: the financial year by the year it starts "
                          "in, such as 2027 for April 2027 to March 2028.");
  if (stream_check(ctx, r->stream)) return ctx->status->code;
  if (r->pence < 0 || r->pence > PCN_PENCE_MAX)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "pence",
                          "pence: the budget is 0 (none) or more, and at "
                          "most £100,000,000,000.00.");
  return perm_check(ctx, "", 0) ? ctx->status->code : PCN__STATUS_CODE__OK;
}

static int budget_set_apply(wtx *w, wjob *job) {
  Pcn__FundsBudgetSet *r = job->req->funds_budget_set;
  if (!funds_stream_exists(w->txn, w->st, r->stream))
    return wtx_fail(w, PCN__STATUS_CODE__INVALID_ARGUMENT,
                    "There is no funding stream '%.40s'.", r->stream);
  Pcn__FundsBudget *b = pcn_arena_alloc(&job->arena, sizeof *b);
  if (!b) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__funds_budget__init(b);
  b->year = r->year;
  b->stream = r->stream;
  b->pence = r->pence;
  b->set_at = job->now_ms;
  b->set_by = job->who.username;
  uint8_t key[4 + RATE_CODE_MAX];
  size_t n = rate_key(key, r->year, r->stream);
  Pcn__FundsBudget *old = NULL;
  int rc = budget_find(w->txn, w->st, r->year, r->stream, &job->arena, &old);
  if (rc && rc != MDB_NOTFOUND) return wtx_lmdb(w, rc, "reading the budget");
  rc = 0;
  int op = old ? PCN__OP__UPDATED : PCN__OP__CREATED;
  if (r->pence) {
    rc = store_put_pb(w->txn, w->st->funds_budgets, key, n,
                      (const ProtobufCMessage *)b);
  } else if (old) {
    MDB_val k = {n, key};
    rc = mdb_del(w->txn, w->st->funds_budgets, &k, NULL);
    op = PCN__OP__DELETED;
  } else {
    op = 0; /* no budget, none asked for: nothing changes */
  }
  if (rc) return wtx_lmdb(w, rc, "saving the budget");
  if (op) {
    Pcn__Event ev = PCN__EVENT__INIT;
    ev.record_case = PCN__EVENT__RECORD_FUNDS_BUDGET;
    ev.funds_budget = b;
    if ((rc = feed_emit(w, (Pcn__Op)op, "", &ev))) return rc;
  }
  job->resp.body_case = PCN__RESPONSE__BODY_FUNDS_BUDGET;
  job->resp.funds_budget = b;
  return PCN__STATUS_CODE__OK;
}

static int budget_report_read(req_ctx *ctx) {
  Pcn__FundsBudgetReport *r = ctx->req->funds_budget_report;
  uint32_t fy = 0, tfy = 0;
  if (check_year(ctx, r->year, &fy)) return ctx->status->code;
  int last_mi = 11;
  if (r->through[0] && (parse_month(r->through, &tfy, &last_mi) || tfy != fy))
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "through",
                          "through: a month of the financial year as YYYY-MM, "
                          "such as %04u-09.",
                          fy % 10000u);
  pcn_arena *a = ctx->arena;
  plan_year p;
  int rc = year_load(ctx_txn(ctx), &ctx->srv->st, fy, last_mi, a, &p);
  Pcn__FundsBudgetPage *pg = pcn_arena_alloc(a, sizeof *pg);
  if (!rc && pg) {
    pcn__funds_budget_page__init(pg);
    pg->year = fy;
    pg->as_at = pcn_arena_alloc(a, 11);
    /* Today within the year, or the end of the through month. */
    int32_t t = today(ctx), last = (int32_t)pcn_days_from_civil(fy + 1, 3, 31);
    if (r->through[0]) {
      int m = (last_mi + 4) % 12 + 1; /* the month after through */
      t = (int32_t)pcn_days_from_civil(fy + (m <= 4 ? 1 : 0), m, 1) - 1;
    }
    if (pg->as_at) pcn_date_format(t < last ? t : last, pg->as_at);
    pg->rows = pcn_arena_alloc(a, (p.n + 1) * sizeof *pg->rows);
    Pcn__FundsBudgetRow *rows = pcn_arena_alloc(a, (p.n + 1) * sizeof *rows);
    if (!pg->as_at || !pg->rows || !rows) rc = ENOMEM;
    for (size_t s = 0; !rc && s < p.n; s++) {
      plan_row *x = &p.r[s];
      if (!x->has_budget && !x->has_rate && !x->active) continue;
      Pcn__FundsBudgetRow *o = &rows[pg->n_rows];
      pcn__funds_budget_row__init(o);
      o->stream = pcn_arena_strdup(a, x->stream);
      if (!o->stream) rc = ENOMEM;
      o->budget = x->budget;
      for (int i = 0; i < 12; i++) {
        o->expected += x->expected[i];
        if (i <= last_mi) o->received += x->received[i];
      }
      o->distributed = x->distributed;
      o->claimed = x->claimed;
      o->spent = x->spent;
      /* No budget, no remaining (issue 20: "remaining -£38,412.60" for a
       * stream nobody budgeted). */
      o->budgeted = x->has_budget;
      if (x->has_budget)
        o->remaining = x->budget - (x->distributed + x->claimed + x->spent);
      pg->rows[pg->n_rows++] = o;
    }
  }
  free(p.r);
  if (rc || !pg)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The budgets could not be read; the operator should run "
                    "pcnd verify.");
  ctx->resp->body_case = PCN__RESPONSE__BODY_FUNDS_BUDGET_PAGE;
  ctx->resp->funds_budget_page = pg;
  return PCN__STATUS_CODE__OK;
}

const req_entry funds_plan_entries[] = {
    {PCN__REQUEST__BODY_FUNDS_RATE_SET, "set a funding rate", REQ_WRITE, R_PCNM,
     0, 0, NULL, rate_set_prepare, rate_set_apply, NULL},
    {PCN__REQUEST__BODY_FUNDS_RATE_LIST, "see the funding rates", 0, R_ALL, 0,
     0, rate_list_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_FUNDS_EXPECTED, "see the expected income", 0, R_ALL, 0,
     0, expected_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_FUNDS_BUDGET_SET, "set a budget", REQ_WRITE, R_PCNM, 0,
     0, NULL, budget_set_prepare, budget_set_apply, NULL},
    {PCN__REQUEST__BODY_FUNDS_BUDGET_REPORT, "see the budgets", 0, R_ALL, 0, 0,
     budget_report_read, NULL, NULL, NULL},
};
const size_t funds_plan_entries_n =
    sizeof funds_plan_entries / sizeof funds_plan_entries[0];
