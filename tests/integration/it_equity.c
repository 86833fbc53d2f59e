/* it_equity.c - the shared-staff equity report's money and localities over
 * TLS, on figures worked out by hand:
 *
 *   practice          list   locality (on 23 Nov)   sessions   paid
 *   F84001 Riverside  6000   North                   2        £400.00
 *   F84002 Hill St    2000   South                   2        £200.00 + £25
 * claim F84003 Brook Ln   1000   North                   2        £150.00
 *
 * The period is Monday 23 to Friday 27 November 2026. Money paid before
 * it and after it is left out; a distribution reversed inside the period
 * nets to nothing; one reversed after the period still counts in it. A
 * backfill claim paid to F84002 (a claim:ODS:STREAM line, written into
 * the ledger here as the claims part of the server writes it) counts as
 * money paid to the practice. F84003 moves to South from 1 December, which
 * the report of the week of 23 November (the figures in force on its last
 * day) does not see.
 *
 * Shares are split by largest remainder (ties to the earlier row), so
 * each column sums to exactly 10000 basis points: sessions 2:2:2 give
 * 3334/3333/3333 where rounding each would give 9999. The server's shares
 * equal the report library's pcn_equity_shares on the same inputs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "areas.h"
#include "itest.h"
#include "report.h"
#include "store.h"

typedef struct world {
  its_server *s;
  its_member *mgr, *amy;
  uint64_t staff[3];
} world;

static const char *const ODS[3] = {"F84001", "F84002", "F84003"};

/* ------------------------------------------------------------ requests */

static void figures(its_member *m, const char *ods, const char *from,
                    uint32_t list, const char *locality) {
  Pcn__FundsFiguresSet f = PCN__FUNDS_FIGURES_SET__INIT;
  f.practice = (char *)ods;
  f.applies_from = (char *)from;
  f.list_size = list;
  f.weighted = list;
  f.locality = (char *)locality;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_FIGURES_SET;
  req.funds_figures_set = &f;
  its_expect(m, &req, PCN__STATUS_CODE__OK);
}

static void receive(its_member *m, int64_t pence, const char *date) {
  Pcn__FundsReceive r = PCN__FUNDS_RECEIVE__INIT;
  r.stream = "core";
  r.pence = pence;
  r.date = (char *)date;
  r.reference = "ICB remittance";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_RECEIVE;
  req.funds_receive = &r;
  its_expect(m, &req, PCN__STATUS_CODE__OK);
}

/* A fixed split of pence[i] to ODS[i] (0: left out), dated date. */
static uint64_t distribute(its_member *m, const char *date,
                           const int64_t pence[3]) {
  Pcn__FundsPart parts[3], *pp[3];
  size_t n = 0;
  int64_t total = 0;
  for (size_t i = 0; i < 3; i++) {
    if (!pence[i]) continue;
    pcn__funds_part__init(&parts[n]);
    parts[n].practice = (char *)ODS[i];
    parts[n].pence = pence[i];
    pp[n] = &parts[n];
    total += pence[i];
    n++;
  }
  Pcn__FundsDistribute d = PCN__FUNDS_DISTRIBUTE__INIT;
  d.stream = "core";
  d.pence = total;
  d.date = (char *)date;
  d.split = PCN__FUNDS_SPLIT__FUNDS_SPLIT_FIXED;
  d.parts = pp;
  d.n_parts = n;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_DISTRIBUTE;
  req.funds_distribute = &d;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->funds_entry->id;
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

static uint64_t add_staff(its_member *m, const char *name, const char *ods) {
  Pcn__StaffAdd a = PCN__STAFF_ADD__INIT;
  a.name = (char *)name;
  a.role = "clinical pharmacist";
  a.practice = (char *)ods;
  a.wte = 100;
  a.annual_cost = 4000000;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_ADD;
  req.staff_add = &a;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->staff_member->id;
}

/* Sessions s and s+1 (a whole day) of every week from 23 Nov at ods. */
static void assign_day(its_member *m, uint64_t staff, uint32_t s,
                       const char *ods) {
  Pcn__StaffRotaCell cells[2], *cp[2];
  for (uint32_t i = 0; i < 2; i++) {
    pcn__staff_rota_cell__init(&cells[i]);
    cells[i].session = s + i;
    cells[i].practice = (char *)ods;
    cp[i] = &cells[i];
  }
  Pcn__StaffRotaSet r = PCN__STAFF_ROTA_SET__INIT;
  r.staff_id = staff;
  r.week = "2026-11-23";
  r.cells = cp;
  r.n_cells = 2;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_ROTA_SET;
  req.staff_rota_set = &r;
  its_expect(m, &req, PCN__STATUS_CODE__OK);
}

static const Pcn__StaffEquityReport *equity(its_member *m, const char *from,
                                            const char *to) {
  Pcn__StaffEquity e = PCN__STAFF_EQUITY__INIT;
  e.from = (char *)from;
  e.to = (char *)to;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_EQUITY;
  req.staff_equity = &e;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->staff_equity;
}

/* Writes a paid backfill claim into the stopped server's ledger as the
 * claims part posts one: claim:ODS:core debited, bank:core credited, the
 * balances kept, so pcnd verify still passes. */
static void put_claim(its_server *s, uint64_t id, const char *ods,
                      int64_t pence, const char *date) {
  store st;
  char err[300], claim[64];
  if (store_open(&st, s->dir, 64u << 20, 0, err, sizeof err))
    fail_msg("%s", err);
  snprintf(claim, sizeof claim, "claim:%s:core", ods);
  Pcn__FundsLine l[2] = {PCN__FUNDS_LINE__INIT, PCN__FUNDS_LINE__INIT};
  Pcn__FundsLine *lp[2] = {&l[0], &l[1]};
  l[0].account = claim;
  l[0].pence = pence;
  l[1].account = "bank:core";
  l[1].pence = -pence;
  Pcn__FundsEntry e = PCN__FUNDS_ENTRY__INIT;
  e.id = id;
  e.kind = PCN__FUNDS_KIND__FUNDS_EXPENSE;
  e.stream = "core";
  e.date = (char *)date;
  e.pence = pence;
  e.reference = "backfill claim";
  e.lines = lp;
  e.n_lines = 2;
  MDB_txn *txn;
  assert_int_equal(mdb_txn_begin(st.env, NULL, 0, &txn), 0);
  uint8_t key[9];
  key[0] = 'E';
  key_u64(key + 1, id);
  assert_int_equal(
      store_put_pb(txn, st.funds_entries, key, 9, (ProtobufCMessage *)&e), 0);
  for (int i = 0; i < 2; i++) {
    MDB_val k = {strlen(l[i].account), l[i].account}, v;
    int64_t bal = 0;
    if (mdb_get(txn, st.funds_balances, &k, &v) == 0)
      bal = (int64_t)key_get_u64(v.mv_data);
    uint8_t b[8];
    key_u64(b, (uint64_t)(bal + l[i].pence));
    MDB_val nv = {8, b};
    assert_int_equal(mdb_put(txn, st.funds_balances, &k, &nv, 0), 0);
  }
  /* The month sums too, as posting keeps them (schema 4). */
  assert_int_equal(funds_months_rebuild(&st, txn), 0);
  assert_int_equal(mdb_txn_commit(txn), 0);
  store_close(&st);
}

/* ------------------------------------------------------------ setup */

static int setup(void **state) {
  world *w = calloc(1, sizeof *w);
  w->s = its_start("");
  w->mgr = its_manager(w->s);
  its_add_practice(w->mgr, "F84001", "Riverside Surgery", 6000);
  its_add_practice(w->mgr, "F84002", "Hill Street", 2000);
  its_add_practice(w->mgr, "F84003", "Brook Lane", 1000);
  w->amy = its_add_member(w->s, w->mgr, "amy", PCN__ROLE__STAFF, "F84002");
  figures(w->mgr, "F84001", "2026-04-01", 6000, "North");
  figures(w->mgr, "F84002", "2026-04-01", 2000, "South");
  figures(w->mgr, "F84003", "2026-04-01", 1000, "North");
  figures(w->mgr, "F84003", "2026-12-01", 1000, "South");

  const char *names[3] = {"Sam Patel", "Ria Khan", "Lee Jones"};
  for (uint32_t i = 0; i < 3; i++) {
    w->staff[i] = add_staff(w->mgr, names[i], ODS[i]);
    assign_day(w->mgr, w->staff[i], 2 * i, ODS[i]); /* Mon, Tue, Wed */
  }

  receive(w->mgr, 500000, "2026-11-02");
  /* Before the period. */
  distribute(w->mgr, "2026-11-20", (const int64_t[3]){100000, 0, 0});
  /* In it. */
  distribute(w->mgr, "2026-11-24", (const int64_t[3]){40000, 20000, 10000});
  /* In it, reversed in it: nets to nothing. */
  uint64_t b = distribute(w->mgr, "2026-11-25", (const int64_t[3]){0, 5000, 0});
  reverse(w->mgr, b, "2026-11-26");
  /* In it, reversed after it: counts in it. */
  uint64_t d = distribute(w->mgr, "2026-11-26", (const int64_t[3]){0, 0, 5000});
  reverse(w->mgr, d, "2026-11-30");
  /* The last day counts; the day after does not. */
  distribute(w->mgr, "2026-11-27", (const int64_t[3]){0, 0, 1});
  distribute(w->mgr, "2026-11-28", (const int64_t[3]){70000, 0, 0});

  /* A backfill claim paid to F84002 in the period. */
  its_stop(w->s);
  put_claim(w->s, 1000, "F84002", 2500, "2026-11-25");
  its_run(w->s);
  w->mgr = its_relogin(w->s, w->mgr);
  w->amy = its_relogin(w->s, w->amy);
  *state = w;
  return 0;
}

static int teardown(void **state) {
  world *w = *state;
  its_member_free(w->mgr);
  its_member_free(w->amy);
  assert_int_equal(its_verify(w->s), 0);
  its_free(w->s);
  free(w);
  return 0;
}

/* ------------------------------------------------------------ checks */

static void row_is(const Pcn__StaffEquityRow *r, const char *key,
                   const char *locality, uint32_t sessions, uint32_t list,
                   int64_t paid, int32_t s_bp, int32_t m_bp, int32_t l_bp) {
  assert_string_equal(r->practice, key);
  if (locality) assert_string_equal(r->locality, locality);
  assert_int_equal(r->sessions, sessions);
  assert_int_equal(r->list_size, list);
  assert_int_equal(r->distributed, paid);
  assert_int_equal(r->sessions_share_bp, s_bp);
  assert_int_equal(r->money_share_bp, m_bp);
  assert_int_equal(r->list_share_bp, l_bp);
  assert_int_equal(r->deviation_bp, s_bp - l_bp);
  assert_int_equal(r->money_deviation_bp, m_bp - l_bp);
}

/* Each share column of rows sums to exactly 10000 (or 0 when nothing of
 * it was counted). */
static void columns_sum(Pcn__StaffEquityRow **r, size_t n, int money) {
  int32_t s = 0, m = 0, l = 0;
  for (size_t i = 0; i < n; i++) {
    s += r[i]->sessions_share_bp;
    m += r[i]->money_share_bp;
    l += r[i]->list_share_bp;
  }
  assert_int_equal(s, 10000);
  assert_int_equal(m, money ? 10000 : 0);
  assert_int_equal(l, 10000);
}

/* The report library's shares on the server's own counts. */
static void agrees_with_library(const Pcn__StaffEquityReport *q) {
  pcn_equity *eq = pcn_equity_new(q->n_rows);
  assert_non_null(eq);
  snprintf(eq->network, sizeof eq->network, "Test PCN");
  snprintf(eq->from, sizeof eq->from, "%s", q->from);
  snprintf(eq->to, sizeof eq->to, "%s", q->to);
  for (size_t i = 0; i < q->n_rows; i++) {
    pcn_equity_practice *p = &eq->practices[i];
    snprintf(p->practice.ods, sizeof p->practice.ods, "%s",
             q->rows[i]->practice);
    snprintf(p->practice.name, sizeof p->practice.name, "%s", q->rows[i]->name);
    snprintf(p->practice.locality, sizeof p->practice.locality, "%s",
             q->rows[i]->locality);
    p->sessions = q->rows[i]->sessions;
    p->distributed = q->rows[i]->distributed;
    p->list_size = q->rows[i]->list_size;
  }
  pcn_equity_row rows[8], loc[8];
  size_t nl = 0;
  assert_int_equal(pcn_equity_shares(eq, rows, loc, &nl), 0);
  assert_int_equal(nl, q->n_localities);
  for (size_t i = 0; i < q->n_rows + nl; i++) {
    const pcn_equity_row *a = i < q->n_rows ? &rows[i] : &loc[i - q->n_rows];
    const Pcn__StaffEquityRow *b =
        i < q->n_rows ? q->rows[i] : q->localities[i - q->n_rows];
    assert_string_equal(a->key, b->practice);
    assert_int_equal(a->sessions_bp, b->sessions_share_bp);
    assert_int_equal(a->money_bp, b->money_share_bp);
    assert_int_equal(a->list_bp, b->list_share_bp);
    assert_int_equal(a->sessions_dev_bp, b->deviation_bp);
    assert_int_equal(a->money_dev_bp, b->money_deviation_bp);
    assert_int_equal(a->distributed, b->distributed);
  }
  pcn_equity_free(eq);
}

/* ------------------------------------------------------------ tests */

static void test_hand_computed(void **state) {
  world *w = *state;
  /* Anyone reads it: a staff member of a practice. */
  const Pcn__StaffEquityReport *q = equity(w->amy, "2026-11-23", "2026-11-27");
  assert_int_equal(q->n_rows, 3);
  assert_int_equal(q->sessions_delivered, 6);
  assert_int_equal(q->list_total, 9000);
  /* 40000 + 20000 + 10000, + 5000 - 5000, + 5000, + 1, + 2500 claimed. */
  assert_int_equal(q->distributed, 77501);
  /* sessions 2:2:2 -> 3333.33 each, the spare basis point to the first;
   * money 40000:22500:15001 of 77501 -> 5161.22, 2903.19, 1935.59 ->
   * 5161, 2903, 1936; list 6000:2000:1000 -> 6666.67, 2222.22,
   * 1111.11 -> 6667, 2222, 1111. */
  row_is(q->rows[0], "F84001", "North", 2, 6000, 40000, 3334, 5161, 6667);
  row_is(q->rows[1], "F84002", "South", 2, 2000, 22500, 3333, 2903, 2222);
  row_is(q->rows[2], "F84003", "North", 2, 1000, 15001, 3333, 1936, 1111);
  assert_string_equal(q->rows[0]->name, "Riverside Surgery");
  columns_sum(q->rows, q->n_rows, 1);

  /* Localities in order of first appearance: North (F84001 + F84003),
   * South. sessions 4:2 -> 6667, 3333; money 55001:22500 -> 7096.81,
   * 2903.19 -> 7097, 2903; list 7000:2000 -> 7777.78, 2222.22 -> 7778,
   * 2222. */
  assert_int_equal(q->n_localities, 2);
  row_is(q->localities[0], "North", NULL, 4, 7000, 55001, 6667, 7097, 7778);
  row_is(q->localities[1], "South", NULL, 2, 2000, 22500, 3333, 2903, 2222);
  columns_sum(q->localities, q->n_localities, 1);
  agrees_with_library(q);
}

static void test_figures_of_the_first_day(void **state) {
  world *w = *state;
  /* From 1 December F84003 is in South; a practice with no figures is
   * under "No locality". Nothing is paid in the period: the money column
   * is all zero rather than made up. */
  its_add_practice(w->mgr, "F84004", "New Road", 1000);
  const Pcn__StaffEquityReport *q = equity(w->mgr, "2026-12-07", "2026-12-11");
  assert_int_equal(q->n_rows, 4);
  assert_int_equal(q->distributed, 0);
  assert_string_equal(q->rows[2]->locality, "South");
  assert_string_equal(q->rows[3]->locality, "");
  assert_int_equal(q->n_localities, 3);
  assert_string_equal(q->localities[0]->practice, "North");
  assert_string_equal(q->localities[1]->practice, "South");
  assert_string_equal(q->localities[2]->practice, "No locality");
  /* North: F84001 2 sessions, 6000; South: F84002 + F84003, 4 sessions,
   * 3000; No locality: 0, 1000 of 10000. */
  row_is(q->localities[0], "North", NULL, 2, 6000, 0, 3333, 0, 6000);
  row_is(q->localities[1], "South", NULL, 4, 3000, 0, 6667, 0, 3000);
  row_is(q->localities[2], "No locality", NULL, 0, 1000, 0, 0, 0, 1000);
  columns_sum(q->rows, q->n_rows, 0);
  columns_sum(q->localities, q->n_localities, 0);
  agrees_with_library(q);

  /* The reversal of 30 November is in a period of its own: -£50 to
   * F84003 counts as none in the money share (a share is never
   * negative), and the network figure says what was paid, net. */
  q = equity(w->mgr, "2026-11-28", "2026-11-30");
  assert_int_equal(q->distributed, 70000 - 5000);
  assert_int_equal(q->rows[2]->distributed, -5000);
  assert_int_equal(q->rows[0]->money_share_bp, 10000);
  assert_int_equal(q->rows[2]->money_share_bp, 0);
  agrees_with_library(q);
}

static const Pcn__StaffEquityReport *
equity_incl(its_member *m, const char *from, const char *to) {
  Pcn__StaffEquity e = PCN__STAFF_EQUITY__INIT;
  e.from = (char *)from;
  e.to = (char *)to;
  e.include_pass_through = 1;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_EQUITY;
  req.staff_equity = &e;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->staff_equity;
}

/* ARRS paid to F84003 for its own staff is pass-through: left out of the
 * money share by default and named, counted when asked (issue 20: mixing
 * it in made a locality look overpaid by points). In the week of 14
 * December: core 3000:1000:1000:0 to F84001..F84004, and £600.00 of ARRS
 * to F84003 (South since 1 December; F84004 has no locality). */
static void test_pass_through_left_out(void **state) {
  world *w = *state;
  Pcn__FundsReceive r = PCN__FUNDS_RECEIVE__INIT;
  r.stream = "arrs";
  r.pence = 60000;
  r.date = "2026-12-01";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_RECEIVE;
  req.funds_receive = &r;
  its_expect(w->mgr, &req, PCN__STATUS_CODE__OK);
  distribute(w->mgr, "2026-12-15", (const int64_t[3]){3000, 1000, 1000});
  Pcn__FundsPart part = PCN__FUNDS_PART__INIT, *pp = &part;
  part.practice = "F84003";
  part.pence = 60000;
  Pcn__FundsDistribute d = PCN__FUNDS_DISTRIBUTE__INIT;
  d.stream = "arrs";
  d.pence = 60000;
  d.date = "2026-12-16";
  d.split = PCN__FUNDS_SPLIT__FUNDS_SPLIT_FIXED;
  d.parts = &pp;
  d.n_parts = 1;
  req.body_case = PCN__REQUEST__BODY_FUNDS_DISTRIBUTE;
  req.funds_distribute = &d;
  its_expect(w->mgr, &req, PCN__STATUS_CODE__OK);

  /* Default: core alone. 3000:1000:1000:0 -> 6000, 2000, 2000, 0;
   * North 3000 : South 2000 : none 0 -> 6000, 4000, 0. */
  const Pcn__StaffEquityReport *q = equity(w->amy, "2026-12-14", "2026-12-18");
  assert_int_equal(q->n_rows, 4);
  assert_false(q->include_pass_through);
  assert_int_equal(q->distributed, 5000);
  assert_int_equal(q->n_left_out, 1);
  assert_string_equal(q->left_out[0], "arrs");
  assert_int_equal(q->left_out_paid, 60000);
  assert_int_equal(q->rows[2]->distributed, 1000);
  assert_int_equal(q->rows[0]->money_share_bp, 6000);
  assert_int_equal(q->rows[2]->money_share_bp, 2000);
  assert_int_equal(q->localities[1]->money_share_bp, 4000);
  /* The per-stream rows: arrs all F84003's, marked and not counted. */
  size_t arrs = 0;
  for (size_t i = 0; i < q->n_streams; i++) {
    const Pcn__FundsStreamShare *c = q->streams[i];
    if (strcmp(c->stream, "arrs")) {
      assert_true(c->counted);
      continue;
    }
    arrs++;
    assert_true(c->pass_through);
    assert_false(c->counted);
    assert_int_equal(c->paid, !strcmp(c->practice, "F84003") ? 60000 : 0);
    assert_int_equal(c->share_bp, !strcmp(c->practice, "F84003") ? 10000 : 0);
  }
  assert_int_equal(arrs, 4);
  columns_sum(q->rows, q->n_rows, 1);
  agrees_with_library(q);

  /* Asked for: 3000:1000:61000:0 of 65000 -> 461.54, 153.85, 9384.62 ->
   * 461, 154, 9385; North 3000 : South 62000 -> 461.54, 9538.46 -> 462,
   * 9538 (the locality's share moves by 55.38 points). */
  q = equity_incl(w->amy, "2026-12-14", "2026-12-18");
  assert_true(q->include_pass_through);
  assert_int_equal(q->distributed, 65000);
  assert_int_equal(q->n_left_out, 0);
  assert_int_equal(q->left_out_paid, 0);
  assert_int_equal(q->rows[0]->money_share_bp, 461);
  assert_int_equal(q->rows[1]->money_share_bp, 154);
  assert_int_equal(q->rows[2]->money_share_bp, 9385);
  assert_int_equal(q->localities[0]->money_share_bp, 462);
  assert_int_equal(q->localities[1]->money_share_bp, 9538);
  columns_sum(q->rows, q->n_rows, 1);
  agrees_with_library(q);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hand_computed),
      cmocka_unit_test(test_figures_of_the_first_day),
      cmocka_unit_test(test_pass_through_left_out),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
