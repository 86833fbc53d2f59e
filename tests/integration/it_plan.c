/* it_plan.c - the funding plan over TLS: rates by financial year (last
 * year's untouched by this year's), the expected income month by month
 * on hand-computed figures (three practices, a per-patient rate with
 * fractional pence, figures changing mid-year, a per-bed rate rounding
 * half up, FIXED split exactly over twelve months), received against
 * expected net of reversals, budgets against the ledger's actuals
 * (distributions, claims, expenses, reversals), the statement's expected
 * and nominated payee, refusals naming the field with nothing changed,
 * the PCN manager alone writing, every member seeing every event, and
 * survival across a restart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"
#include "store.h"
#include "validate.h"

/* ------------------------------------------------------------ requests */

static void figures(its_member *m, const char *ods, const char *from,
                    uint32_t list, uint32_t weighted, uint32_t beds) {
  Pcn__FundsFiguresSet f = PCN__FUNDS_FIGURES_SET__INIT;
  f.practice = (char *)ods;
  f.applies_from = (char *)from;
  f.list_size = list;
  f.weighted = weighted;
  f.beds = beds;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_FIGURES_SET;
  req.funds_figures_set = &f;
  const Pcn__Response *r = its_expect(m, &req, PCN__STATUS_CODE__OK);
  assert_int_equal(r->funds_figures->beds, beds);
}

static const Pcn__Response *rate(its_member *m, uint32_t year,
                                 const char *stream, int basis, int64_t cp,
                                 int code) {
  Pcn__FundsRateSet s = PCN__FUNDS_RATE_SET__INIT;
  s.year = year;
  s.stream = (char *)stream;
  s.basis = basis;
  s.rate_cp = cp;
  s.note = "ICB letter";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_RATE_SET;
  req.funds_rate_set = &s;
  return its_expect(m, &req, code);
}

static const Pcn__FundsRatePage *rates(its_member *m, uint32_t year) {
  Pcn__FundsRateList l = PCN__FUNDS_RATE_LIST__INIT;
  l.year = year;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_RATE_LIST;
  req.funds_rate_list = &l;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->funds_rate_page;
}

static const Pcn__Response *expected(its_member *m, uint32_t year,
                                     const char *stream, int code) {
  Pcn__FundsExpected e = PCN__FUNDS_EXPECTED__INIT;
  e.year = year;
  e.stream = (char *)stream;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_EXPECTED;
  req.funds_expected = &e;
  return its_expect(m, &req, code);
}

static const Pcn__Response *budget(its_member *m, uint32_t year,
                                   const char *stream, int64_t pence,
                                   int code) {
  Pcn__FundsBudgetSet b = PCN__FUNDS_BUDGET_SET__INIT;
  b.year = year;
  b.stream = (char *)stream;
  b.pence = pence;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_BUDGET_SET;
  req.funds_budget_set = &b;
  return its_expect(m, &req, code);
}

static const Pcn__Response *budgets(its_member *m, uint32_t year, int code) {
  Pcn__FundsBudgetReport b = PCN__FUNDS_BUDGET_REPORT__INIT;
  b.year = year;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_BUDGET_REPORT;
  req.funds_budget_report = &b;
  return its_expect(m, &req, code);
}

static uint64_t receive(its_member *m, const char *stream, int64_t pence,
                        const char *date) {
  Pcn__FundsReceive r = PCN__FUNDS_RECEIVE__INIT;
  r.stream = (char *)stream;
  r.pence = pence;
  r.date = (char *)date;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_RECEIVE;
  req.funds_receive = &r;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->funds_entry->id;
}

static uint64_t expense(its_member *m, const char *stream, int64_t pence,
                        const char *date) {
  Pcn__FundsExpense r = PCN__FUNDS_EXPENSE__INIT;
  r.stream = (char *)stream;
  r.pence = pence;
  r.date = (char *)date;
  r.payee = "Pat Jones (project manager)";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_EXPENSE;
  req.funds_expense = &r;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->funds_entry->id;
}

static void distribute_equal(its_member *m, const char *stream, int64_t pence,
                             const char *date) {
  Pcn__FundsDistribute d = PCN__FUNDS_DISTRIBUTE__INIT;
  d.stream = (char *)stream;
  d.pence = pence;
  d.date = (char *)date;
  d.split = PCN__FUNDS_SPLIT__FUNDS_SPLIT_EQUAL;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_DISTRIBUTE;
  req.funds_distribute = &d;
  its_expect(m, &req, PCN__STATUS_CODE__OK);
}

static void reverse(its_member *m, uint64_t id, const char *date) {
  Pcn__FundsReverse r = PCN__FUNDS_REVERSE__INIT;
  r.entry = id;
  r.date = (char *)date;
  r.note = "posted in error";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_REVERSE;
  req.funds_reverse = &r;
  its_expect(m, &req, PCN__STATUS_CODE__OK);
}

static const Pcn__FundsStatementPage *
statement(its_member *m, const char *month, const char *practice) {
  Pcn__FundsStatement s = PCN__FUNDS_STATEMENT__INIT;
  s.month = (char *)month;
  s.practice = (char *)practice;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_STATEMENT;
  req.funds_statement = &s;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->funds_statement_page;
}

static void field_is(const Pcn__Response *r, const char *field) {
  assert_non_null(r->status->details);
  assert_string_equal(r->status->details->field, field);
}

static const Pcn__FundsExpectedRow *exp_row(const Pcn__FundsExpectedPage *p,
                                            const char *stream,
                                            const char *month) {
  for (size_t i = 0; i < p->n_rows; i++)
    if (!strcmp(p->rows[i]->stream, stream) &&
        !strcmp(p->rows[i]->month, month))
      return p->rows[i];
  fail_msg("no expected row for %s %s", stream, month);
  return NULL;
}

static const Pcn__FundsBudgetRow *budget_row(const Pcn__FundsBudgetPage *p,
                                             const char *stream) {
  for (size_t i = 0; i < p->n_rows; i++)
    if (!strcmp(p->rows[i]->stream, stream)) return p->rows[i];
  return NULL;
}

static const Pcn__FundsStatementRow *net_row(const Pcn__FundsStatementPage *p,
                                             const char *stream) {
  for (size_t i = 0; i < p->n_rows; i++)
    if (!p->rows[i]->practice[0] && !strcmp(p->rows[i]->stream, stream))
      return p->rows[i];
  return NULL;
}

/* ------------------------------------------------------------ world */

typedef struct world {
  its_server *s;
  its_member *mgr, *jo, *sam, *cd;
} world;

/* Three practices; their figures:
 *   F84001 from 2026-04-01: 10000 listed, 11000 weighted, no beds
 *          from 2027-04-01: 12000, 13000, 40 beds
 *   F84002 from 2027-04-01: 8000, 7000, no beds
 *          from 2027-07-15: 8600 (mid-July: counts from 1 August)
 *   F84003 from 2027-04-01: 5001, 5000, 60 beds
 *          from 2027-10-01: 5101 (counts from October itself)
 * So the list sizes on each month's first day of 2027/28 add up to 25001
 * (April to July), 25601 (August, September), 25701 (October to March);
 * the weighted to 25000 and the beds to 100 all year; in 2026/27 only
 * F84001's 10000 patients count. */
static world *make_world(void) {
  world *w = calloc(1, sizeof *w);
  w->s = its_start("");
  w->mgr = its_manager(w->s);
  /* Added without a list size: the figures below are each practice's
   * whole history (a list size given here would be its first figure). */
  its_add_practice(w->mgr, "F84001", "Riverside Surgery", 0);
  its_add_practice(w->mgr, "F84002", "Hillview Practice", 0);
  its_add_practice(w->mgr, "F84003", "Brook Lane", 0);
  w->jo =
      its_add_member(w->s, w->mgr, "jo", PCN__ROLE__PRACTICE_MANAGER, "F84001");
  w->sam = its_add_member(w->s, w->mgr, "sam", PCN__ROLE__PRACTICE_MANAGER,
                          "F84002");
  w->cd =
      its_add_member(w->s, w->mgr, "drlee", PCN__ROLE__CLINICAL_DIRECTOR, "");
  figures(w->mgr, "F84001", "2026-04-01", 10000, 11000, 0);
  figures(w->mgr, "F84001", "2027-04-01", 12000, 13000, 40);
  figures(w->mgr, "F84002", "2027-04-01", 8000, 7000, 0);
  figures(w->mgr, "F84002", "2027-07-15", 8600, 7000, 0);
  figures(w->mgr, "F84003", "2027-04-01", 5001, 5000, 60);
  figures(w->mgr, "F84003", "2027-10-01", 5101, 5000, 60);
  return w;
}

static void free_world(world *w) {
  its_member_free(w->mgr);
  its_member_free(w->jo);
  its_member_free(w->sam);
  its_member_free(w->cd);
  its_free(w->s);
  free(w);
}

#define CORE_CP 15023       /* £1.5023 per registered patient */
#define CORE_APR_JUL 312992 /* 15023 x 25001 / 1200 = 312991.69 */
#define CORE_AUG_SEP 320503 /* 15023 x 25601 / 1200 = 320503.19 */
#define CORE_OCT_MAR 321755 /* 15023 x 25701 / 1200 = 321755.10 */
/* ARRS: the year's sum is the headroom's ceiling, 25000 x 25000 / 100 =
 * 6,250,000.00 on April's figures, in twelve parts by largest remainder
 * (issue 20: not each month rounded on its own, 520833 x 12 =
 * 6,249,996, four pence short of the ceiling). */
#define ARRS_EARLY 520834   /* April to July */
#define ARRS_LATE 520833    /* August to March */
#define BEDS_MONTH 2501     /* 30006 x 100 / 1200 = 2500.5, half up */
#define CD_EARLY 566667     /* £68,000.00 / 12: April to November */
#define CD_LATE 566666      /* December to March */
#define CORE_2026 116667    /* 14000 x 10000 / 1200 = 116666.67 */

static const char *const months27[12] = {
    "2027-04", "2027-05", "2027-06", "2027-07", "2027-08", "2027-09",
    "2027-10", "2027-11", "2027-12", "2028-01", "2028-02", "2028-03"};

static void set_rates(world *w) {
  rate(w->mgr, 2026, "core", PCN__FUNDS_BASIS__FUNDS_PER_PATIENT, 14000,
       PCN__STATUS_CODE__OK);
  /* A first figure, then the published one replaces it. */
  const Pcn__Response *r =
      rate(w->mgr, 2027, "core", PCN__FUNDS_BASIS__FUNDS_PER_PATIENT, 15000,
           PCN__STATUS_CODE__OK);
  assert_int_equal(r->funds_rate->rate_cp, 15000);
  r = rate(w->mgr, 2027, "core", PCN__FUNDS_BASIS__FUNDS_PER_PATIENT, CORE_CP,
           PCN__STATUS_CODE__OK);
  assert_string_equal(r->funds_rate->set_by, "manager");
  rate(w->mgr, 2027, "arrs", PCN__FUNDS_BASIS__FUNDS_PER_WEIGHTED, 25000,
       PCN__STATUS_CODE__OK);
  rate(w->mgr, 2027, "care-home", PCN__FUNDS_BASIS__FUNDS_PER_BED, 30006,
       PCN__STATUS_CODE__OK);
  rate(w->mgr, 2027, "cd", PCN__FUNDS_BASIS__FUNDS_FIXED, 680000000,
       PCN__STATUS_CODE__OK);
}

/* ------------------------------------------------------------ tests */

static void test_rates_and_expected(void **state) {
  (void)state;
  world *w = make_world();
  uint64_t since = its_head(w->mgr);
  set_rates(w);

  /* Rates by year: this year's did not touch last year's. */
  const Pcn__FundsRatePage *rp = rates(w->jo, 2026);
  assert_int_equal(rp->n_rates, 1);
  assert_int_equal(rp->rates[0]->rate_cp, 14000);
  rp = rates(w->sam, 2027);
  assert_int_equal(rp->n_rates, 4);
  assert_int_equal(rates(w->cd, 0)->n_rates, 5);

  /* The per-patient stream month by month: the figures in force on each
   * month's first day. */
  const Pcn__Response *r = expected(w->jo, 2027, "core", PCN__STATUS_CODE__OK);
  const Pcn__FundsExpectedPage *p = r->funds_expected_page;
  assert_int_equal(p->year, 2027);
  assert_int_equal(p->n_rows, 12);
  for (int i = 0; i < 12; i++) {
    assert_string_equal(p->rows[i]->month, months27[i]);
    assert_string_equal(p->rows[i]->stream, "core");
    int64_t want = i < 4 ? CORE_APR_JUL : i < 6 ? CORE_AUG_SEP : CORE_OCT_MAR;
    assert_int_equal(p->rows[i]->expected, want);
  }
  assert_int_equal(p->expected,
                   4 * CORE_APR_JUL + 2 * CORE_AUG_SEP + 6 * CORE_OCT_MAR);

  /* Every stream with a rate: by stream, then month. */
  p = expected(w->sam, 2027, "", PCN__STATUS_CODE__OK)->funds_expected_page;
  assert_int_equal(p->n_rows, 4 * 12);
  assert_string_equal(p->rows[0]->stream, "arrs");
  assert_string_equal(p->rows[12]->stream, "care-home");
  assert_string_equal(p->rows[24]->stream, "cd");
  assert_string_equal(p->rows[36]->stream, "core");
  int64_t cd_sum = 0;
  for (int i = 0; i < 12; i++) {
    assert_int_equal(exp_row(p, "arrs", months27[i])->expected,
                     i < 4 ? ARRS_EARLY : ARRS_LATE);
    assert_int_equal(exp_row(p, "care-home", months27[i])->expected,
                     BEDS_MONTH);
    int64_t cd = exp_row(p, "cd", months27[i])->expected;
    assert_int_equal(cd, i < 8 ? CD_EARLY : CD_LATE);
    cd_sum += cd;
  }
  assert_int_equal(cd_sum, 6800000); /* FIXED: exactly the year's sum */

  /* Last year: its own rate on its own figures. */
  p = expected(w->cd, 2026, "core", PCN__STATUS_CODE__OK)->funds_expected_page;
  assert_int_equal(p->n_rows, 12);
  assert_string_equal(p->rows[0]->month, "2026-04");
  assert_string_equal(p->rows[11]->month, "2027-03");
  for (int i = 0; i < 12; i++)
    assert_int_equal(p->rows[i]->expected, CORE_2026);
  /* A stream with no rate in the year: twelve months of nothing. */
  p = expected(w->jo, 2026, "arrs", PCN__STATUS_CODE__OK)->funds_expected_page;
  assert_int_equal(p->n_rows, 12);
  assert_int_equal(p->expected, 0);
  /* Year 0 is the financial year of today. */
  int64_t y;
  int mo, d;
  pcn_civil_from_days(its_now(w->jo) / 86400000, &y, &mo, &d);
  p = expected(w->jo, 0, "", PCN__STATUS_CODE__OK)->funds_expected_page;
  assert_int_equal(p->year, mo >= 4 ? y : y - 1);

  /* Received against expected: April's two receipts make up exactly what
   * was expected; May's was reversed (net nothing); 2028-03-31 is the
   * year's last day, 2028-04-01 the next year's first. */
  receive(w->mgr, "core", 300000, "2027-04-05");
  receive(w->mgr, "core", 12992, "2027-04-20");
  uint64_t may = receive(w->mgr, "core", 300000, "2027-05-03");
  reverse(w->mgr, may, "2027-05-31");
  receive(w->mgr, "core", 100, "2028-03-31");
  receive(w->mgr, "core", 999, "2028-04-01");
  receive(w->mgr, "iif", 5000, "2027-06-10"); /* a stream with no rate */
  p = expected(w->jo, 2027, "", PCN__STATUS_CODE__OK)->funds_expected_page;
  assert_int_equal(p->n_rows, 5 * 12); /* iif: received, so shown */
  assert_int_equal(exp_row(p, "core", "2027-04")->received, CORE_APR_JUL);
  assert_int_equal(exp_row(p, "core", "2027-05")->received, 0);
  assert_int_equal(exp_row(p, "core", "2028-03")->received, 100);
  assert_int_equal(exp_row(p, "iif", "2027-06")->received, 5000);
  assert_int_equal(exp_row(p, "iif", "2027-06")->expected, 0);
  assert_int_equal(p->received, CORE_APR_JUL + 100 + 5000);

  /* The statement: the network's expected beside received, a row for a
   * stream that has only expected income. */
  const Pcn__FundsStatementPage *sp = statement(w->sam, "2027-04", "");
  assert_int_equal(net_row(sp, "core")->expected, CORE_APR_JUL);
  assert_int_equal(net_row(sp, "core")->received, CORE_APR_JUL);
  assert_non_null(net_row(sp, "cd"));
  assert_int_equal(net_row(sp, "cd")->expected, CD_EARLY);
  assert_int_equal(net_row(sp, "cd")->received, 0);
  assert_int_equal(net_row(sp, "care-home")->expected, BEDS_MONTH);
  assert_int_equal(sp->expected,
                   CORE_APR_JUL + ARRS_EARLY + BEDS_MONTH + CD_EARLY);
  assert_string_equal(sp->payee, "");
  sp = statement(w->jo, "2027-12", "F84001");
  assert_int_equal(net_row(sp, "cd")->expected, CD_LATE);
  assert_int_equal(net_row(sp, "core")->expected, CORE_OCT_MAR);
  sp = statement(w->jo, "2026-06", "");
  assert_int_equal(net_row(sp, "core")->expected, CORE_2026);
  assert_null(net_row(sp, "cd"));

  /* The nominated payee, from the network's settings. */
  Pcn__SettingsUpdate su = PCN__SETTINGS_UPDATE__INIT;
  su.has_payee_case = PCN__SETTINGS_UPDATE__HAS_PAYEE_PAYEE;
  su.payee = "F84002";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_SETTINGS_UPDATE;
  req.settings_update = &su;
  its_expect(w->mgr, &req, PCN__STATUS_CODE__OK);
  sp = statement(w->jo, "2027-04", "F84001");
  assert_string_equal(sp->payee, "F84002");
  assert_string_equal(sp->payee_name, "Hillview Practice");

  /* Every member saw every rate (six sets). */
  its_member *viewers[] = {w->jo, w->sam, w->cd};
  for (size_t i = 0; i < 3; i++) {
    its_events *e = its_seen(w->s, viewers[i], w->mgr, since);
    assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_FUNDS_RATE), 6);
    its_events_free(e);
  }

  /* Kept across a restart. */
  its_stop(w->s);
  assert_int_equal(its_verify(w->s), 0);
  its_run(w->s);
  its_member *again = its_login(w->s, "sam", ITEST_PASSWORD);
  p = expected(again, 2027, "core", PCN__STATUS_CODE__OK)->funds_expected_page;
  assert_int_equal(p->rows[11]->expected, CORE_OCT_MAR);
  assert_int_equal(rates(again, 2026)->rates[0]->rate_cp, 14000);
  its_member_free(again);
  free_world(w);
}

static void test_refusals(void **state) {
  (void)state;
  world *w = make_world();
  set_rates(w);
  budget(w->mgr, 2027, "core", 5000000, PCN__STATUS_CODE__OK);
  uint64_t since = its_head(w->mgr);
  const Pcn__Response *r;

  /* Rates: each bad field named; the manager's alone. */
  field_is(rate(w->mgr, 1999, "core", PCN__FUNDS_BASIS__FUNDS_PER_PATIENT, 1,
                PCN__STATUS_CODE__INVALID_ARGUMENT),
           "year");
  field_is(rate(w->mgr, 0, "core", PCN__FUNDS_BASIS__FUNDS_PER_PATIENT, 1,
                PCN__STATUS_CODE__INVALID_ARGUMENT),
           "year");
  field_is(rate(w->mgr, 2027, "nope", PCN__FUNDS_BASIS__FUNDS_PER_PATIENT, 1,
                PCN__STATUS_CODE__INVALID_ARGUMENT),
           "stream");
  field_is(rate(w->mgr, 2027, "core", PCN__FUNDS_BASIS__FUNDS_BASIS_NONE, 1,
                PCN__STATUS_CODE__INVALID_ARGUMENT),
           "basis");
  field_is(rate(w->mgr, 2027, "core", 9, 1, PCN__STATUS_CODE__INVALID_ARGUMENT),
           "basis");
  field_is(rate(w->mgr, 2027, "core", PCN__FUNDS_BASIS__FUNDS_PER_PATIENT, -1,
                PCN__STATUS_CODE__INVALID_ARGUMENT),
           "rate_cp");
  rate(w->jo, 2027, "core", PCN__FUNDS_BASIS__FUNDS_PER_PATIENT, 1,
       PCN__STATUS_CODE__PERMISSION_DENIED);
  rate(w->cd, 2027, "core", PCN__FUNDS_BASIS__FUNDS_PER_PATIENT, 1,
       PCN__STATUS_CODE__PERMISSION_DENIED);

  /* Budgets likewise. */
  field_is(budget(w->mgr, 0, "core", 1, PCN__STATUS_CODE__INVALID_ARGUMENT),
           "year");
  field_is(budget(w->mgr, 2201, "core", 1, PCN__STATUS_CODE__INVALID_ARGUMENT),
           "year");
  field_is(budget(w->mgr, 2027, "", 1, PCN__STATUS_CODE__INVALID_ARGUMENT),
           "stream");
  field_is(budget(w->mgr, 2027, "core", -1, PCN__STATUS_CODE__INVALID_ARGUMENT),
           "pence");
  budget(w->sam, 2027, "core", 1, PCN__STATUS_CODE__PERMISSION_DENIED);
  budget(w->cd, 2027, "core", 1, PCN__STATUS_CODE__PERMISSION_DENIED);

  /* Reads. */
  field_is(expected(w->jo, 1999, "", PCN__STATUS_CODE__INVALID_ARGUMENT),
           "year");
  field_is(expected(w->jo, 2027, "nope", PCN__STATUS_CODE__INVALID_ARGUMENT),
           "stream");
  field_is(budgets(w->jo, 3000, PCN__STATUS_CODE__INVALID_ARGUMENT), "year");

  /* Nothing changed, and no event. */
  const Pcn__FundsRatePage *rp = rates(w->jo, 2027);
  assert_int_equal(rp->n_rates, 4);
  for (size_t i = 0; i < rp->n_rates; i++)
    if (!strcmp(rp->rates[i]->stream, "core")) {
      assert_int_equal(rp->rates[i]->rate_cp, CORE_CP);
      assert_int_equal(rp->rates[i]->basis,
                       PCN__FUNDS_BASIS__FUNDS_PER_PATIENT);
    }
  r = budgets(w->jo, 2027, PCN__STATUS_CODE__OK);
  assert_int_equal(budget_row(r->funds_budget_page, "core")->budget, 5000000);
  its_events *e = its_seen(w->s, w->jo, w->mgr, since);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_FUNDS_RATE), 0);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_FUNDS_BUDGET), 0);
  its_events_free(e);
  assert_int_equal(its_verify(w->s), 0);
  free_world(w);
}

/* A claim paid to a practice, written into the store as the claims part
 * of issue 7 posts it (a FUNDS_CLAIM entry: claim:ODS:STREAM debited,
 * bank:STREAM credited, balances kept), with pcnd stopped. */
static void poke_claim(its_server *s, const char *ods, const char *stream,
                       int64_t pence, const char *date) {
  store st;
  char err[300], acct[2][64];
  if (store_open(&st, s->dir, 64u << 20, 0, err, sizeof err))
    fail_msg("%s", err);
  MDB_txn *txn;
  assert_int_equal(mdb_txn_begin(st.env, NULL, 0, &txn), 0);
  uint64_t id;
  assert_int_equal(store_next_id(txn, &st, "next_funds_entry", &id), 0);
  snprintf(acct[0], sizeof acct[0], "claim:%s:%s", ods, stream);
  snprintf(acct[1], sizeof acct[1], "bank:%s", stream);
  Pcn__FundsLine l[2] = {PCN__FUNDS_LINE__INIT, PCN__FUNDS_LINE__INIT};
  Pcn__FundsLine *lp[2] = {&l[0], &l[1]};
  int64_t delta[2] = {pence, -pence};
  for (int i = 0; i < 2; i++) {
    l[i].account = acct[i];
    l[i].pence = delta[i];
    MDB_val k = {strlen(acct[i]), acct[i]}, v;
    int64_t b = 0;
    if (mdb_get(txn, st.funds_balances, &k, &v) == 0)
      b = (int64_t)key_get_u64(v.mv_data);
    uint8_t nb[8];
    key_u64(nb, (uint64_t)(b + delta[i]));
    MDB_val nv = {8, nb};
    assert_int_equal(mdb_put(txn, st.funds_balances, &k, &nv, 0), 0);
  }
  Pcn__FundsEntry e = PCN__FUNDS_ENTRY__INIT;
  e.id = id;
  e.kind = PCN__FUNDS_KIND__FUNDS_CLAIM;
  e.stream = (char *)stream;
  e.date = (char *)date;
  e.pence = pence;
  e.n_lines = 2;
  e.lines = lp;
  e.created_by = "manager";
  uint8_t key[9] = {'E'};
  key_u64(key + 1, id);
  assert_int_equal(
      store_put_pb(txn, st.funds_entries, key, 9, (const ProtobufCMessage *)&e),
      0);
  /* The month sums too, as posting keeps them (schema 4). */
  assert_int_equal(funds_months_rebuild(&st, txn), 0);
  assert_int_equal(mdb_txn_commit(txn), 0);
  store_close(&st);
}

static void test_budgets(void **state) {
  (void)state;
  world *w = make_world();
  set_rates(w);
  uint64_t since = its_head(w->mgr);

  /* Budgets for 2027 and for 2026; a cleared one is gone. */
  const Pcn__Response *r =
      budget(w->mgr, 2027, "core", 5000000, PCN__STATUS_CODE__OK);
  assert_int_equal(r->funds_budget->pence, 5000000);
  assert_string_equal(r->funds_budget->set_by, "manager");
  budget(w->mgr, 2026, "core", 1200000, PCN__STATUS_CODE__OK);
  budget(w->mgr, 2027, "iif", 100000, PCN__STATUS_CODE__OK);
  budget(w->mgr, 2027, "iif", 0, PCN__STATUS_CODE__OK);
  budget(w->mgr, 2027, "ea", 0, PCN__STATUS_CODE__OK); /* none: no change */

  /* The year's money: received, paid out, spent, a reversed expense, and
   * entries just outside the year. */
  receive(w->mgr, "core", 2000000, "2027-04-03");
  receive(w->mgr, "core", 700000, "2027-03-31"); /* last year */
  distribute_equal(w->mgr, "core", 100000, "2027-04-15");
  distribute_equal(w->mgr, "core", 30000, "2027-03-31"); /* last year */
  expense(w->mgr, "core", 25000, "2027-06-01");
  uint64_t wrong = expense(w->mgr, "core", 10000, "2027-06-02");
  reverse(w->mgr, wrong, "2027-06-03");
  receive(w->mgr, "lm", 40000, "2027-05-01");
  expense(w->mgr, "lm", 15000, "2028-03-31");

  const Pcn__FundsBudgetPage *p =
      budgets(w->jo, 2027, PCN__STATUS_CODE__OK)->funds_budget_page;
  assert_int_equal(p->year, 2027);
  /* arrs, care-home, cd (rates), core (all), lm (activity); not iif. */
  assert_int_equal(p->n_rows, 5);
  assert_string_equal(p->rows[0]->stream, "arrs");
  assert_string_equal(p->rows[4]->stream, "lm");
  assert_null(budget_row(p, "iif"));
  const Pcn__FundsBudgetRow *c = budget_row(p, "core");
  assert_int_equal(c->budget, 5000000);
  assert_int_equal(c->expected,
                   4 * CORE_APR_JUL + 2 * CORE_AUG_SEP + 6 * CORE_OCT_MAR);
  assert_int_equal(c->received, 2000000);
  assert_int_equal(c->distributed, 100000);
  assert_int_equal(c->claimed, 0);
  assert_int_equal(c->spent, 25000);
  assert_int_equal(c->remaining, 5000000 - 125000);
  assert_true(c->budgeted);
  const Pcn__FundsBudgetRow *lm = budget_row(p, "lm");
  assert_int_equal(lm->budget, 0);
  assert_int_equal(lm->spent, 15000);
  /* Spent without a budget: no budget, no remaining (issue 20: it showed
   * remaining -£150.00). */
  assert_false(lm->budgeted);
  assert_int_equal(lm->remaining, 0);
  assert_int_equal(budget_row(p, "arrs")->expected, 6250000);
  assert_int_equal(budget_row(p, "cd")->expected, 6800000);
  assert_int_equal(strlen(p->as_at), 10);

  /* Last year's: its own budget and its own entries; over, so as at its
   * last day. */
  p = budgets(w->sam, 2026, PCN__STATUS_CODE__OK)->funds_budget_page;
  c = budget_row(p, "core");
  assert_non_null(c);
  assert_int_equal(c->budget, 1200000);
  assert_int_equal(c->received, 700000);
  assert_int_equal(c->distributed, 30000);
  assert_int_equal(c->remaining, 1200000 - 30000);
  assert_int_equal(c->expected, 12 * CORE_2026);
  if (its_now(w->jo) / 86400000 > pcn_days_from_civil(2027, 3, 31))
    assert_string_equal(p->as_at, "2027-03-31");

  /* Every member saw the budgets: three set, one cleared. */
  its_member *viewers[] = {w->jo, w->sam, w->cd};
  for (size_t i = 0; i < 3; i++) {
    its_events *e = its_seen(w->s, viewers[i], w->mgr, since);
    assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_FUNDS_BUDGET), 4);
    its_events_free(e);
  }

  /* A claim paid to a practice counts against the budget. */
  its_stop(w->s);
  poke_claim(w->s, "F84002", "core", 7500, "2027-09-09");
  assert_int_equal(its_verify(w->s), 0);
  its_run(w->s);
  its_member *again = its_login(w->s, "sam", ITEST_PASSWORD);
  p = budgets(again, 2027, PCN__STATUS_CODE__OK)->funds_budget_page;
  c = budget_row(p, "core");
  assert_int_equal(c->claimed, 7500);
  assert_int_equal(c->remaining, 5000000 - 125000 - 7500);
  its_member_free(again);
  free_world(w);
}

static const Pcn__FundsHeadroomReport *headroom(its_member *m, uint32_t year) {
  Pcn__FundsHeadroom h = PCN__FUNDS_HEADROOM__INIT;
  h.year = year;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_HEADROOM;
  req.funds_headroom = &h;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->funds_headroom;
}

/* ARRS's expected income for a year and the headroom's ceiling for the
 * same year are one figure (issue 20: GBP 1,083,726.66 against GBP
 * 1,081,042.86), here with a per-patient rate on list sizes that grow in
 * July and October, so month-by-month figures would differ. */
static void test_arrs_expected_is_the_ceiling(void **state) {
  (void)state;
  world *w = make_world();
  rate(w->mgr, 2027, "arrs", PCN__FUNDS_BASIS__FUNDS_PER_PATIENT, 261201,
       PCN__STATUS_CODE__OK);
  /* Worked here: 261201 x 25001 (the lists of 1 April) / 100, half up. */
  int64_t ceiling = (261201LL * 25001 + 50) / 100;
  assert_int_equal(headroom(w->jo, 2027)->ceiling, ceiling);
  const Pcn__FundsExpectedPage *p =
      expected(w->jo, 2027, "arrs", PCN__STATUS_CODE__OK)->funds_expected_page;
  assert_int_equal(p->expected, ceiling);
  int64_t lo = ceiling / 12, odd = ceiling % 12;
  for (int i = 0; i < 12; i++)
    assert_int_equal(p->rows[i]->expected, lo + (i < odd));
  const Pcn__FundsBudgetPage *b =
      budgets(w->sam, 2027, PCN__STATUS_CODE__OK)->funds_budget_page;
  assert_int_equal(budget_row(b, "arrs")->expected, ceiling);
  /* The statement's expected for a month is that month's part. */
  const Pcn__FundsStatementRow *nr =
      net_row(statement(w->cd, "2027-11", ""), "arrs");
  assert_non_null(nr);
  assert_int_equal(nr->expected, lo + (7 < odd));
  free_world(w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rates_and_expected),
      cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_budgets),
      cmocka_unit_test(test_arrs_expected_is_the_ceiling),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
