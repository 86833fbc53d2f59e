/* it_month.c - a network lived through a month, 5 December to 6 January,
 * under the test clock (issue 20): four practices in two localities, nine
 * members, three shared ARRS staff on a standing rota with leave (and a
 * salaried GP who is not ARRS), the year's history entered on the first
 * day, then each working step on its own day, the server stopped and
 * started again on Christmas Eve, and on 6 January the December
 * statement, the January statement so far, the ARRS headroom and
 * December's equity report checked against a model kept here from the
 * amounts the test chose. A second restart must give the same bytes.
 *
 * On the way, the month's rules of issue 20: December's ARRS claim is
 * refused until December is over; an invoice entered twice is refused
 * until the first is reversed; a change of a person's terms from 15
 * January leaves December's staff cost as it was and makes January's pro
 * rata; the ARRS money (a pass-through stream) is left out of the equity
 * report's money share unless asked for; a meeting action due on the 23rd
 * is reminded on the day and once overdue, not again after the restart.
 *
 * The model is computed independently of the server: the split of each
 * distribution by list size is pcn_split over the figures in force on its
 * date, the sessions are counted by walking December's days with the
 * rules of England's bank holidays (workdays.h), the rota and the leave,
 * and the shares of the equity report are basis points split by largest
 * remainder. December and January are GMT, so the clock's instants are
 * plain UTC days here.
 *
 * The year is April 2030 to March 2031: ahead of the real clock, which
 * the test clock only moves forward.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"
#include "money.h"
#include "validate.h"
#include "workdays.h"

#define NP 4
#define NS 3
#define YEAR 2030
#define DAY_MS 86400000LL

static const char *const ods[NP] = {"F84001", "F84002", "F84003", "F84004"};
static const char *const pname[NP] = {"Riverside Surgery", "Hill Street",
                                      "Canal Side", "Moor Lane"};
static const char *const locality[NP] = {"North", "North", "South", "South"};
static const uint32_t list0[NP] = {12000, 8000, 5000, 9500};
static const uint32_t weighted0[NP] = {13000, 7600, 5400, 9900};
/* Hill Street's figures from 1 October. */
#define HILL_LIST_OCT 8300
#define HILL_WEIGHTED_OCT 7900

#define CORE_CP 15023  /* £1.5023 a patient a year */
#define ARRS_CP 250000 /* £25 a weighted patient a year */
#define KEEP 100000    /* £1,000 kept back from each core distribution */

/* ------------------------------------------------------------ the cast */

enum { MGR, JO, SAM, ALI, KIM, KHAN, CD, LEE, PAT, NM };
static const char *const user[NM] = {"manager", "jo", "sam", "ali", "kim",
                                     "dr.khan", "cd", "lee", "pat"};
static its_member *who[NM];

/* Everyone logs in afresh: the days between the steps are longer than a
 * session may idle. */
static void cast_login(its_server *s) {
  for (int i = 0; i < NM; i++)
    who[i] = who[i] ? its_relogin(s, who[i]) : NULL;
}

static int64_t day_ms(int y, int m, int d, int h) {
  return pcn_days_from_civil(y, m, d) * DAY_MS + (int64_t)h * 3600000LL;
}

/* Moves the server's clock to the instant (forward only) and logs the
 * cast in again. */
static void go_to(its_server *s, int64_t at) {
  int64_t now = its_now(who[MGR]);
  assert_true(at >= now);
  if (at > now) assert_true(its_advance(who[MGR], at - now) >= at);
  cast_login(s);
}

/* ------------------------------------------------------------ requests */

static const Pcn__Response *ok(its_member *m, Pcn__Request *req) {
  return its_expect(m, req, PCN__STATUS_CODE__OK);
}

static const Pcn__Response *expense_try(its_member *m, int64_t pence,
                                        const char *date, const char *ref,
                                        int want) {
  Pcn__FundsExpense e = PCN__FUNDS_EXPENSE__INIT;
  e.stream = "core";
  e.pence = pence;
  e.date = (char *)date;
  e.reference = (char *)ref;
  e.payee = "Pat Jones (project manager)";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_EXPENSE;
  req.funds_expense = &e;
  return its_expect(m, &req, want);
}

static uint64_t expense(its_member *m, int64_t pence, const char *date,
                        const char *ref) {
  return expense_try(m, pence, date, ref, PCN__STATUS_CODE__OK)
      ->funds_entry->id;
}

/* A change of terms from a day (issue 20: the history stays). */
static void staff_terms(its_member *m, uint64_t id, uint32_t wte, int64_t cost,
                        const char *from) {
  Pcn__StaffMember *cur = NULL;
  Pcn__StaffList l = PCN__STAFF_LIST__INIT;
  Pcn__Request lreq = PCN__REQUEST__INIT;
  lreq.body_case = PCN__REQUEST__BODY_STAFF_LIST;
  lreq.staff_list = &l;
  const Pcn__StaffPage *pg = ok(m, &lreq)->staff_page;
  for (size_t i = 0; i < pg->n_staff; i++)
    if (pg->staff[i]->id == id) cur = pg->staff[i];
  assert_non_null(cur);
  Pcn__StaffUpdate u = PCN__STAFF_UPDATE__INIT;
  u.id = id;
  u.version = cur->version;
  u.has_wte_case = PCN__STAFF_UPDATE__HAS_WTE_WTE;
  u.wte = wte;
  u.has_annual_cost_case = PCN__STAFF_UPDATE__HAS_ANNUAL_COST_ANNUAL_COST;
  u.annual_cost = cost;
  u.from = (char *)from;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_UPDATE;
  req.staff_update = &u;
  ok(m, &req);
}

static uint64_t staff_add(its_member *m, const char *name, const char *role,
                          const char *practice, uint32_t wte, int64_t cost) {
  Pcn__StaffAdd a = PCN__STAFF_ADD__INIT;
  a.name = (char *)name;
  a.role = (char *)role;
  a.practice = (char *)practice;
  a.wte = wte;
  a.annual_cost = cost;
  a.started = "2030-04-01";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_ADD;
  req.staff_add = &a;
  return ok(m, &req)->staff_member->id;
}

/* A standing week from the week of 2 December: cells[k] is session k's
 * practice index, -1 for none. */
static void rota_set(its_member *m, uint64_t id, const int cells[10]) {
  Pcn__StaffRotaCell c[10], *cp[10];
  Pcn__StaffRotaSet r = PCN__STAFF_ROTA_SET__INIT;
  r.staff_id = id;
  r.week = "2030-12-02";
  for (int k = 0; k < 10; k++) {
    pcn__staff_rota_cell__init(&c[k]);
    c[k].session = (uint32_t)k;
    c[k].practice = cells[k] < 0 ? "" : (char *)ods[cells[k]];
    cp[k] = &c[k];
  }
  r.cells = cp;
  r.n_cells = 10;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_ROTA_SET;
  req.staff_rota_set = &r;
  ok(m, &req);
}

static void leave(its_member *m, uint64_t id, const char *from, const char *to,
                  int part) {
  Pcn__StaffLeaveAdd l = PCN__STAFF_LEAVE_ADD__INIT;
  l.staff_id = id;
  l.from = (char *)from;
  l.to = (char *)to;
  l.part = part;
  l.note = "annual leave";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_LEAVE_ADD;
  req.staff_leave_add = &l;
  ok(m, &req);
}

static const Pcn__FundsHeadroomReport *headroom(its_member *m) {
  Pcn__FundsHeadroom fh = PCN__FUNDS_HEADROOM__INIT;
  fh.year = YEAR;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_HEADROOM;
  req.funds_headroom = &fh;
  return ok(m, &req)->funds_headroom;
}

static const Pcn__StaffEquityReport *equity(its_member *m, int with_arrs) {
  Pcn__StaffEquity e = PCN__STAFF_EQUITY__INIT;
  e.from = "2030-12-01";
  e.to = "2030-12-31";
  e.include_pass_through = with_arrs;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_EQUITY;
  req.staff_equity = &e;
  return ok(m, &req)->staff_equity;
}

/* ------------------------------------------------------------ the model */

typedef struct model {
  /* The network's money, per month index (0 April .. 9 January). */
  int64_t received[10], distributed[10], claimed[10], spent[10];
  int64_t expected_core[10];
  /* Paid to each practice to the end of month i, per stream. */
  int64_t paid_core[10][NP], paid_arrs[10][NP];
  /* Paid to each practice in December (distributions and claims), and
   * of it the ARRS money (a pass-through stream). */
  int64_t dec_money[NP], dec_arrs[NP];
  int64_t arrs_claim[10]; /* recorded for month i (April .. December) */
  /* December's delivered sessions per practice. */
  int64_t sessions[NP];
} model;

static void month_of(int i, char out[8]) {
  snprintf(out, 8, "%04d-%02d", i < 9 ? YEAR : YEAR + 1, i < 9 ? i + 4 : i - 8);
}

static void date_in(int i, int d, char out[11]) {
  pcn_date_format((int32_t)pcn_days_from_civil(i < 9 ? YEAR : YEAR + 1,
                                               i < 9 ? i + 4 : i - 8, d),
                  out);
}

/* The list sizes in force in month i (Hill Street's change from
 * October, month 6). */
static void lists_in(int i, int64_t w[NP]) {
  for (int p = 0; p < NP; p++)
    w[p] = list0[p];
  if (i >= 6) w[1] = HILL_LIST_OCT;
}

static int64_t core_expected(int i) {
  int64_t w[NP], heads = 0;
  lists_in(i, w);
  for (int p = 0; p < NP; p++)
    heads += w[p];
  return (CORE_CP * heads + 600) / 1200; /* a month of it, half up */
}

/* Carries month i-1's cumulative payments into month i. */
static void carry(model *md, int i) {
  if (!i) return;
  memcpy(md->paid_core[i], md->paid_core[i - 1], sizeof md->paid_core[i]);
  memcpy(md->paid_arrs[i], md->paid_arrs[i - 1], sizeof md->paid_arrs[i]);
}

/* Core by list size for month i on day 10 (or day), checking each part
 * against pcn_split on the figures in force. */
static const Pcn__FundsEntry *core_out(model *md, int i, int day) {
  char d[11];
  date_in(i, day, d);
  int64_t amount = md->expected_core[i] - KEEP, w[NP], want[NP];
  lists_in(i, w);
  assert_int_equal(pcn_split(amount, w, NP, want), 0);
  const Pcn__FundsEntry *e =
      its_funds_distribute(who[MGR], "core", amount, d, NULL);
  for (int p = 0; p < NP; p++) {
    char acct[64];
    int64_t got = 0;
    snprintf(acct, sizeof acct, "practice:%s:core", ods[p]);
    for (size_t l = 0; l < e->n_lines; l++)
      if (!strcmp(e->lines[l]->account, acct)) got += e->lines[l]->pence;
    assert_int_equal(got, want[p]);
    md->paid_core[i][p] += want[p];
    if (i == 8) md->dec_money[p] += want[p];
  }
  md->distributed[i] += amount;
  return e;
}

/* ARRS for month i received on the 5th of the next month (index j) and
 * passed to the lead employer, Riverside, on day out_day of month j. */
static void arrs_through(model *md, int i, int j, int out_day) {
  char d5[11], dout[11];
  date_in(j, 5, d5);
  date_in(j, out_day, dout);
  its_funds_receive(who[MGR], "arrs", md->arrs_claim[i], d5);
  md->received[j] += md->arrs_claim[i];
  its_funds_distribute(who[MGR], "arrs", md->arrs_claim[i], dout, "F84001");
  md->distributed[j] += md->arrs_claim[i];
  md->paid_arrs[j][0] += md->arrs_claim[i];
  if (j == 8) md->dec_arrs[0] += md->arrs_claim[i];
}

/* The rota, as practice index per session (-1 none), and leave. */
static const int rota[NS][10] = {
    /* A. Ahmed, clinical pharmacist: Mon-Wed Riverside, Thu Hill
     * Street, Fri morning Moor Lane. */
    {0, 0, 0, 0, 0, 0, 1, 1, 3, -1},
    /* B. Brown, social prescribing link worker: mornings Canal Side,
     * Mon and Tue afternoons Moor Lane, Wed afternoon Canal Side. */
    {2, 3, 2, 3, 2, 2, 2, -1, 2, -1},
    /* C. Cole, care coordinator (0.6): Mon Riverside, Tue Hill Street,
     * Thu Moor Lane. */
    {0, 0, 1, 1, -1, -1, 3, 3, -1, -1},
};
static const int64_t annual_cost[NS] = {5200000, 3300000, 1980000};
/* C. Cole goes to 0.8 from 15 January: the cost from then. */
#define COLE_NEW_COST 2640000
#define COLE_FROM 15

/* Whether staff member s is on leave in session half (0 AM, 1 PM) of day:
 * B whole days 23-24 December, A afternoons 30-31 December. */
static int on_leave(int s, int32_t day, int half) {
  int32_t d23 = (int32_t)pcn_days_from_civil(YEAR, 12, 23);
  int32_t d30 = (int32_t)pcn_days_from_civil(YEAR, 12, 30);
  if (s == 1 && day >= d23 && day <= d23 + 1) return 1;
  if (s == 0 && half == 1 && day >= d30 && day <= d30 + 1) return 1;
  return 0;
}

/* December's delivered sessions: every working day, every session of the
 * standing week (set from 2 December), less leave. */
static void count_sessions(model *md) {
  int32_t first = (int32_t)pcn_days_from_civil(YEAR, 12, 1);
  for (int32_t day = first; day < first + 31; day++) {
    if (!pcn_is_working_day(day, NULL)) continue;
    int wd = pcn_weekday(day); /* 1 Monday .. 5 Friday */
    for (int s = 0; s < NS; s++)
      for (int half = 0; half < 2; half++) {
        int p = rota[s][(wd - 1) * 2 + half];
        if (p >= 0 && !on_leave(s, day, half)) md->sessions[p]++;
      }
  }
}

static void shares(const int64_t *w, size_t n, int64_t *bp) {
  int64_t any = 0;
  for (size_t i = 0; i < n; i++)
    any += w[i] > 0;
  if (!any) {
    memset(bp, 0, n * sizeof *bp);
    return;
  }
  assert_int_equal(pcn_split(10000, w, n, bp), 0);
}

/* ------------------------------------------------------------ checks */

static int64_t held_before(const model *md, int i) {
  int64_t h = 0;
  for (int k = 0; k < i; k++)
    h += md->received[k] - md->distributed[k] - md->claimed[k] - md->spent[k];
  return h;
}

static void check_statement(const model *md, int i) {
  char month[8];
  month_of(i, month);
  Pcn__FundsStatementPage *pg = its_statement(who[SAM], month);
  assert_string_equal(pg->payee, "F84001");
  assert_int_equal(pg->held_before, held_before(md, i));
  assert_int_equal(pg->received, md->received[i]);
  assert_int_equal(pg->distributed, md->distributed[i]);
  assert_int_equal(pg->claimed, md->claimed[i]);
  assert_int_equal(pg->spent, md->spent[i]);
  assert_int_equal(pg->held, held_before(md, i + 1));
  const Pcn__FundsStatementRow *nc = its_statement_row(pg, "", "core");
  assert_non_null(nc);
  assert_int_equal(nc->expected, md->expected_core[i]);
  for (int p = 0; p < NP; p++) {
    const Pcn__FundsStatementRow *c = its_statement_row(pg, ods[p], "core");
    assert_non_null(c);
    assert_int_equal(c->balance, md->paid_core[i][p]);
    const Pcn__FundsStatementRow *a = its_statement_row(pg, ods[p], "arrs");
    if (md->paid_arrs[i][p])
      assert_int_equal(a->balance, md->paid_arrs[i][p]);
    else
      assert_true(!a || a->balance == 0);
  }
  /* The rows add up to the page, and the network's rows to what it
   * holds, each from its own start. */
  its_statement_rows_add_up(pg);
  for (size_t r = 0; r < pg->n_rows; r++) {
    const Pcn__FundsStatementRow *x = pg->rows[r];
    if (!x->practice[0])
      assert_int_equal(x->balance, x->held_before + x->received -
                                       x->distributed - x->claimed - x->spent);
  }
}

/* Today is 6 January (month 9). */
static void check_headroom(const model *md) {
  const Pcn__FundsHeadroomReport *hr = headroom(who[KIM]);
  int64_t wsum = 0;
  for (int p = 0; p < NP; p++)
    wsum += weighted0[p]; /* on 1 April */
  int64_t ceiling = ARRS_CP * wsum / 100;
  assert_int_equal(hr->weighted, (uint64_t)wsum);
  assert_int_equal(hr->ceiling, ceiling);
  int64_t claimed = 0;
  for (int i = 0; i < 9; i++)
    claimed += md->arrs_claim[i];
  assert_int_equal(hr->claimed, claimed);
  assert_int_equal(hr->left, ceiling - claimed);
  /* The ARRS staff's costs (the salaried GP is not ARRS): C0 to 14
   * January, C1 from the 15th; a month is the sum over its days of a
   * twelfth of the year's cost shared over the month's days, half up. */
  int64_t c0 = 0;
  for (int s = 0; s < NS; s++)
    c0 += annual_cost[s];
  int64_t c1 = c0 - annual_cost[2] + COLE_NEW_COST;
  int64_t jan =
      ((COLE_FROM - 1) * c0 + (31 - COLE_FROM + 1) * c1 + 12 * 31 / 2) /
      (12 * 31);
  assert_int_equal(hr->n_months, 12);
  int64_t cum = 0;
  for (int i = 0; i < 12; i++) {
    const Pcn__FundsHeadroomMonth *m = hr->months[i];
    char month[8];
    snprintf(month, sizeof month, "%04d-%02d", i < 9 ? YEAR : YEAR + 1,
             i < 9 ? i + 4 : i - 8);
    assert_string_equal(m->month, month);
    int64_t c = i < 9 ? md->arrs_claim[i] : 0;
    cum += c;
    assert_int_equal(m->claimed, c);
    assert_int_equal(m->cumulative, cum);
    assert_int_equal(m->staff_cost, i < 9    ? (c0 + 6) / 12
                                    : i == 9 ? jan
                                             : (c1 + 6) / 12);
    /* December's claim was recorded on 6 January, before its due day (10
     * January); no later month is due yet. */
    assert_false(m->overdue);
  }
  /* What would be lost, as at January (row 9): nine months claimed and
   * over, January neither. */
  int64_t proj = claimed + (claimed * 2 + 4) / 9;
  int64_t lost = ceiling - proj > 0 ? ceiling - proj : 0;
  assert_int_equal(hr->projected_lost, lost);
}

/* December's equity, the ARRS money left out (the default) or counted. */
static void check_equity(const model *md, int with_arrs) {
  const Pcn__StaffEquityReport *r = equity(who[JO], with_arrs);
  int64_t sess[NP], money[NP], lists[NP], bs[NP], bm[NP], bl[NP];
  int64_t total = 0;
  lists_in(8, lists);
  for (int p = 0; p < NP; p++) {
    sess[p] = md->sessions[p];
    money[p] = md->dec_money[p] + (with_arrs ? md->dec_arrs[p] : 0);
    total += sess[p];
  }
  shares(sess, NP, bs);
  shares(money, NP, bm);
  shares(lists, NP, bl);
  assert_int_equal(r->sessions_delivered, (uint32_t)total);
  assert_string_equal(r->figures_as_at, "2030-12-31");
  assert_int_equal(r->n_rows, NP);
  int64_t arrs_paid = 0;
  for (int p = 0; p < NP; p++)
    arrs_paid += md->dec_arrs[p];
  if (with_arrs) {
    assert_int_equal(r->n_left_out, 0);
  } else {
    assert_int_equal(r->n_left_out, 1);
    assert_string_equal(r->left_out[0], "arrs");
    assert_int_equal(r->left_out_paid, arrs_paid);
  }
  for (int p = 0; p < NP; p++) {
    const Pcn__StaffEquityRow *x = NULL;
    for (size_t k = 0; k < r->n_rows; k++)
      if (!strcmp(r->rows[k]->practice, ods[p])) x = r->rows[k];
    assert_non_null(x);
    assert_string_equal(x->locality, locality[p]);
    assert_int_equal(x->sessions, (uint32_t)sess[p]);
    assert_int_equal(x->distributed, money[p]);
    assert_int_equal(x->list_size, (uint32_t)lists[p]);
    assert_int_equal(x->sessions_share_bp, bs[p]);
    assert_int_equal(x->money_share_bp, bm[p]);
    assert_int_equal(x->list_share_bp, bl[p]);
    assert_int_equal(x->deviation_bp, bs[p] - bl[p]);
    assert_int_equal(x->money_deviation_bp, bm[p] - bl[p]);
  }
  /* The localities: their practices' sums, shares split from the sums. */
  int64_t ls[2] = {sess[0] + sess[1], sess[2] + sess[3]};
  int64_t lm[2] = {money[0] + money[1], money[2] + money[3]};
  int64_t ll[2] = {lists[0] + lists[1], lists[2] + lists[3]};
  int64_t lbs[2], lbm[2], lbl[2];
  shares(ls, 2, lbs);
  shares(lm, 2, lbm);
  shares(ll, 2, lbl);
  assert_int_equal(r->n_localities, 2);
  for (int k = 0; k < 2; k++) {
    const Pcn__StaffEquityRow *x = r->localities[k];
    assert_string_equal(x->practice, k ? "South" : "North");
    assert_int_equal(x->sessions, (uint32_t)ls[k]);
    assert_int_equal(x->distributed, lm[k]);
    assert_int_equal(x->list_size, (uint32_t)ll[k]);
    assert_int_equal(x->sessions_share_bp, lbs[k]);
    assert_int_equal(x->money_share_bp, lbm[k]);
    assert_int_equal(x->list_share_bp, lbl[k]);
  }
}

/* The packed bytes of what the checks read, to compare across a restart. */
static size_t snapshot(uint8_t **out) {
  Pcn__FundsStatementPage *dec = its_statement(who[MGR], "2030-12");
  size_t a = pcn__funds_statement_page__get_packed_size(dec);
  uint8_t *b = malloc(a + 1);
  pcn__funds_statement_page__pack(dec, b);
  const Pcn__FundsHeadroomReport *hr = headroom(who[MGR]);
  size_t h = pcn__funds_headroom_report__get_packed_size(hr);
  b = realloc(b, a + h + 1);
  pcn__funds_headroom_report__pack(hr, b + a);
  const Pcn__StaffEquityReport *er = equity(who[MGR], 0);
  size_t e = pcn__staff_equity_report__get_packed_size(er);
  b = realloc(b, a + h + e + 1);
  pcn__staff_equity_report__pack(er, b + a + h);
  *out = b;
  return a + h + e;
}

/* ------------------------------------------------------------ the month */

static void test_a_month(void **state) {
  (void)state;
  its_server *s = its_start("--test-clock");
  who[MGR] = its_manager(s);
  /* 5 December 2030, 09:00: the network is set up and its year so far
   * entered. */
  assert_true(
      its_advance(who[MGR], day_ms(YEAR, 12, 5, 9) - its_now(who[MGR])) > 0);
  who[MGR] = its_relogin(s, who[MGR]);
  for (int p = 0; p < NP; p++)
    its_add_practice(who[MGR], ods[p], pname[p], list0[p]);
  static const int role[NM] = {0,
                               PCN__ROLE__PRACTICE_MANAGER,
                               PCN__ROLE__PRACTICE_MANAGER,
                               PCN__ROLE__PRACTICE_MANAGER,
                               PCN__ROLE__PRACTICE_MANAGER,
                               PCN__ROLE__CLINICIAN,
                               PCN__ROLE__CLINICAL_DIRECTOR,
                               PCN__ROLE__STAFF,
                               PCN__ROLE__STAFF};
  static const char *const at[NM] = {"",       "F84001", "F84002",
                                     "F84003", "F84004", "F84001",
                                     "F84003", "F84003", "F84004"};
  for (int i = 1; i < NM; i++)
    who[i] =
        its_add_member(s, who[MGR], user[i], role[i],
                       role[i] == PCN__ROLE__CLINICAL_DIRECTOR ? "" : at[i]);

  Pcn__SettingsUpdate su = PCN__SETTINGS_UPDATE__INIT;
  su.has_payee_case = PCN__SETTINGS_UPDATE__HAS_PAYEE_PAYEE;
  su.payee = "F84001";
  Pcn__Request sreq = PCN__REQUEST__INIT;
  sreq.body_case = PCN__REQUEST__BODY_SETTINGS_UPDATE;
  sreq.settings_update = &su;
  ok(who[MGR], &sreq);
  for (int p = 0; p < NP; p++)
    its_funds_figures(who[MGR], ods[p], "2030-04-01", list0[p], weighted0[p],
                      locality[p]);
  its_funds_figures(who[MGR], "F84002", "2030-10-01", HILL_LIST_OCT,
                    HILL_WEIGHTED_OCT, "North");
  its_funds_rate(who[MGR], YEAR, "core", PCN__FUNDS_BASIS__FUNDS_PER_PATIENT,
                 CORE_CP);
  its_funds_rate(who[MGR], YEAR, "arrs", PCN__FUNDS_BASIS__FUNDS_PER_WEIGHTED,
                 ARRS_CP);
  its_backfill_rate(who[MGR], "gp", 11000);
  its_backfill_rate(who[MGR], "practice-manager", 4500);

  model *md = calloc(1, sizeof *md);
  for (int i = 0; i < 10; i++)
    md->expected_core[i] = core_expected(i);
  for (int i = 0; i < 9; i++)
    md->arrs_claim[i] = 6000000 + 12500 * i; /* £60,000.00 rising */

  /* April to November, entered on 5 December: core received on the 5th
   * and paid out by list size on the 10th; each month's ARRS claim, and
   * its money received on the next month's 5th and passed on. */
  for (int i = 0; i < 8; i++) {
    char d5[11], month[8];
    carry(md, i);
    date_in(i, 5, d5);
    month_of(i, month);
    its_funds_receive(who[MGR], "core", md->expected_core[i], d5);
    md->received[i] += md->expected_core[i];
    core_out(md, i, 10);
    its_arrs_claim(who[MGR], month, md->arrs_claim[i], PCN__STATUS_CODE__OK);
    if (i) arrs_through(md, i - 1, i, 5);
  }
  carry(md, 8);

  /* The register and the rota from the week of 2 December. */
  uint64_t st[NS];
  st[0] = staff_add(who[MGR], "A. Ahmed", "clinical pharmacist", "F84001", 100,
                    annual_cost[0]);
  st[1] = staff_add(who[MGR], "B. Brown", "social prescribing link worker",
                    "F84003", 100, annual_cost[1]);
  st[2] = staff_add(who[MGR], "C. Cole", "care coordinator", "F84001", 60,
                    annual_cost[2]);
  staff_add(who[MGR], "D. Dean", "salaried GP", "F84002", 100, 9000000);
  for (int k = 0; k < NS; k++)
    rota_set(who[MGR], st[k], rota[k]);

  /* December as it happened. The 5th: core for December, ARRS for
   * November. */
  its_funds_receive(who[MGR], "core", md->expected_core[8], "2030-12-05");
  md->received[8] += md->expected_core[8];
  /* December is not over: its claim is refused, saying from when. */
  const Pcn__Response *early = its_arrs_claim(
      who[MGR], "2030-12", 6100000, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(early, "month");
  assert_non_null(strstr(early->status->message, "2031-01-01"));
  uint64_t board =
      its_board_meeting(who[MGR], (int32_t)pcn_days_from_civil(YEAR, 12, 12));

  /* Monday 9th: core out by list size (Hill Street's October figures). */
  go_to(s, day_ms(YEAR, 12, 9, 10));
  core_out(md, 8, 9);
  arrs_through(md, 7, 8, 9); /* November's, in on the 5th, out today */

  /* Wednesday 11th: the project manager's invoice, on the wrong amount. */
  go_to(s, day_ms(YEAR, 12, 11, 10));
  uint64_t wrong = expense(who[MGR], 45000, "2030-12-11", "INV-7781");
  md->spent[8] += 45000;
  /* Entered again by mistake: refused, naming the first. */
  const Pcn__Response *dup =
      expense_try(who[MGR], 45000, "2030-12-11", "INV-7781",
                  PCN__STATUS_CODE__ALREADY_EXISTS);
  its_field_is(dup, "reference");

  /* Monday 16th: the board's attendance, and backfill for Dr Khan (90
   * minutes at £110 an hour) and Sam (100 minutes at £45), claimed by
   * their practice managers and approved the same day. */
  go_to(s, day_ms(YEAR, 12, 16, 10));
  its_attend(who[MGR], board, "dr.khan", 90);
  its_attend(who[MGR], board, "sam", 100);
  int64_t a = its_backfill_paid(who[JO], who[MGR], board, "dr.khan", "gp",
                                "2030-12-16");
  int64_t b = its_backfill_paid(who[SAM], who[MGR], board, "sam",
                                "practice-manager", "2030-12-16");
  assert_int_equal(a, 16500);
  assert_int_equal(b, 7500);
  md->paid_core[8][0] += a;
  md->paid_core[8][1] += b;
  md->dec_money[0] += a;
  md->dec_money[1] += b;
  md->claimed[8] += a + b;
  /* An action from the board for Jo, due Monday 23rd. */
  Pcn__MeetingActionAdd act = PCN__MEETING_ACTION_ADD__INIT;
  act.id = board;
  act.title = "Send the Christmas rota to the practices";
  act.assignee = "jo";
  act.due = "2030-12-23";
  act.practice = "F84001";
  act.body = "";
  Pcn__Request areq = PCN__REQUEST__INIT;
  areq.body_case = PCN__REQUEST__BODY_MEETING_ACTION_ADD;
  areq.meeting_action_add = &act;
  uint64_t action = ok(who[MGR], &areq)->meeting_action->task_id;
  assert_true(action > 0);

  /* Thursday 19th: leave over Christmas, recorded by the employing
   * practices' managers. */
  go_to(s, day_ms(YEAR, 12, 19, 10));
  leave(who[ALI], st[1], "2030-12-23", "2030-12-24",
        PCN__STAFF_LEAVE_PART__LEAVE_WHOLE_DAYS);
  leave(who[JO], st[0], "2030-12-30", "2030-12-31",
        PCN__STAFF_LEAVE_PART__LEAVE_AFTERNOONS);
  /* C. Cole goes to 0.8 from 15 January: December's cost stays. */
  staff_terms(who[MGR], st[2], 80, COLE_NEW_COST, "2031-01-15");

  /* Monday 23rd: the action's day (Jo is reminded); the 24th, overdue. */
  go_to(s, day_ms(YEAR, 12, 23, 10));

  /* Christmas Eve, 18:00: the server is stopped and started again. */
  go_to(s, day_ms(YEAR, 12, 24, 18));
  its_stop(s);
  assert_int_equal(its_verify(s), 0);
  its_run(s);
  for (int i = 0; i < NM; i++)
    who[i] = its_relogin(s, who[i]);
  /* The restarted server's clock is the real one again; the test's
   * clock is moved back to where the month had got to. */
  go_to(s, day_ms(YEAR, 12, 27, 10));

  /* Friday 27th: the invoice was for £450.00 but the work was £405.00:
   * reversed, and paid again right. */
  its_funds_reverse(who[MGR], wrong, "2030-12-27");
  md->spent[8] -= 45000;
  expense(who[MGR], 40500, "2030-12-27", "INV-7781"); /* the first reversed */
  md->spent[8] += 40500;

  /* The action due on the 23rd is overdue, and Jo was reminded once,
   * though the server stopped on the 24th. */
  Pcn__TaskList tl = PCN__TASK_LIST__INIT;
  tl.overdue = 1;
  Pcn__Request treq = PCN__REQUEST__INIT;
  treq.body_case = PCN__REQUEST__BODY_TASK_LIST;
  treq.task_list = &tl;
  const Pcn__TaskPage *tp = ok(who[JO], &treq)->tasks;
  assert_int_equal(tp->n_tasks, 1);
  assert_int_equal(tp->tasks[0]->id, action);
  assert_string_equal(tp->today, "2030-12-27");

  /* Friday 3 January: core for January. Monday 6th: December's ARRS
   * claim, now that December is over. */
  go_to(s, day_ms(YEAR + 1, 1, 3, 10));
  carry(md, 9);
  its_funds_receive(who[MGR], "core", md->expected_core[9], "2031-01-03");
  md->received[9] += md->expected_core[9];
  go_to(s, day_ms(YEAR + 1, 1, 6, 10));
  its_arrs_claim(who[MGR], "2030-12", md->arrs_claim[8], PCN__STATUS_CODE__OK);

  /* The model against the server: December, January so far, the
   * headroom and December's equity. */
  count_sessions(md);
  int64_t total = 0;
  for (int p = 0; p < NP; p++)
    total += md->sessions[p];
  /* By hand: the rota holds 6 sessions on a Monday, 6 on a Tuesday, 4
   * on a Wednesday, 5 on a Thursday and 2 on a Friday; December has 5
   * Mondays, 5 Tuesdays, 3 Wednesdays and 3 Thursdays (Christmas Day and
   * Boxing Day are bank holidays) and 4 Fridays: 95 sessions, less B's
   * Monday and Tuesday (4) and A's two afternoons (2). */
  assert_int_equal(total, 89);
  check_statement(md, 8);
  check_statement(md, 9);
  check_headroom(md);
  check_equity(md, 0);
  check_equity(md, 1);

  /* Jo's reminders about the action: one on the day, one overdue. */
  its_events *ev = its_seen(s, who[JO], who[MGR], 0);
  size_t overdue = 0, on_the_day = 0;
  for (size_t i = 0; i < ev->n; i++) {
    const Pcn__Event *e = ev->ev[i];
    if (e->record_case != PCN__EVENT__RECORD_TASK_REMINDER ||
        e->task_reminder->task_id != action)
      continue;
    assert_string_equal(e->task_reminder->to, "jo");
    if (e->task_reminder->overdue)
      overdue++;
    else
      on_the_day++;
  }
  assert_int_equal(overdue, 1);
  assert_int_equal(on_the_day, 1);
  its_events_free(ev);

  /* And the same bytes after another restart. */
  uint8_t *before, *after;
  size_t n = snapshot(&before);
  its_stop(s);
  assert_int_equal(its_verify(s), 0);
  its_run(s);
  for (int i = 0; i < NM; i++)
    who[i] = its_relogin(s, who[i]);
  go_to(s, day_ms(YEAR + 1, 1, 6, 11));
  assert_int_equal(snapshot(&after), n);
  assert_memory_equal(before, after, n);
  free(before);
  free(after);

  for (int i = 0; i < NM; i++)
    its_member_free(who[i]);
  free(md);
  its_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_a_month),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
