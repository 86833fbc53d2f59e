/* it_statement_compat.c - today's client reading a statement from a pcnd
 * older than the statement model (issue 13).
 *
 * Such a pcnd sends each network row's held at end but not its held at
 * start (FundsStatementRow.held_before, 0 on the wire), and no rates_set.
 * A real pcnd's December page (money held since November, rates set) is
 * fetched over TLS and then stripped of both, as the older pcnd would
 * send it; report_pb_statement must give the very same statement from it
 * (each row's held at start from its own figures, checked against the
 * page's held_before, which older servers did send; rates known to be set
 * from the expected income), never a row that fails to add up. A page
 * whose rows disagree with its held_before is still refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"
#include "report_pb.h"

static void post(its_member *m, Pcn__Request *r) {
  its_expect(m, r, PCN__STATUS_CODE__OK);
}

static void receive(its_member *m, const char *stream, const char *date,
                    int64_t pence) {
  Pcn__FundsReceive rc = PCN__FUNDS_RECEIVE__INIT;
  rc.stream = (char *)stream;
  rc.pence = pence;
  rc.date = (char *)date;
  rc.reference = "ICB remittance";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_RECEIVE;
  r.funds_receive = &rc;
  post(m, &r);
}

static void distribute(its_member *m, const char *stream, const char *date,
                       int64_t pence) {
  Pcn__FundsDistribute d = PCN__FUNDS_DISTRIBUTE__INIT;
  d.stream = (char *)stream;
  d.pence = pence;
  d.date = (char *)date;
  d.reference = "monthly";
  d.split = PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_DISTRIBUTE;
  r.funds_distribute = &d;
  post(m, &r);
}

static void expense(its_member *m, const char *date, int64_t pence) {
  Pcn__FundsExpense e = PCN__FUNDS_EXPENSE__INIT;
  e.stream = "core";
  e.pence = pence;
  e.date = (char *)date;
  e.payee = "Pat Jones (project manager)";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_EXPENSE;
  r.funds_expense = &e;
  post(m, &r);
}

static void figures(its_member *m, const char *ods, uint32_t list) {
  Pcn__FundsFiguresSet f = PCN__FUNDS_FIGURES_SET__INIT;
  f.practice = (char *)ods;
  f.applies_from = "2026-04-01";
  f.list_size = list;
  f.weighted = list;
  f.locality = "";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_FIGURES_SET;
  r.funds_figures_set = &f;
  post(m, &r);
}

static void rate(its_member *m, uint32_t year) {
  Pcn__FundsRateSet rs = PCN__FUNDS_RATE_SET__INIT;
  rs.year = year;
  rs.stream = "core";
  rs.basis = PCN__FUNDS_BASIS__FUNDS_PER_PATIENT;
  rs.rate_cp = 15023;
  rs.note = "";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_RATE_SET;
  r.funds_rate_set = &rs;
  post(m, &r);
}

/* The month's page, the manager's own copy (free_unpacked). */
static Pcn__FundsStatementPage *page(its_member *m, const char *month) {
  Pcn__FundsStatement fs = PCN__FUNDS_STATEMENT__INIT;
  fs.month = (char *)month;
  fs.practice = "";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_STATEMENT;
  r.funds_statement = &fs;
  const Pcn__FundsStatementPage *pg =
      its_expect(m, &r, PCN__STATUS_CODE__OK)->funds_statement_page;
  size_t len = pcn__funds_statement_page__get_packed_size(pg);
  uint8_t *buf = malloc(len);
  pcn__funds_statement_page__pack(pg, buf);
  Pcn__FundsStatementPage *copy =
      pcn__funds_statement_page__unpack(NULL, len, buf);
  free(buf);
  assert_non_null(copy);
  return copy;
}

/* The statement as CSV, malloc'd. */
static char *csv_of(const pcn_statement *st) {
  char *text = NULL, err[256];
  size_t n = 0;
  FILE *f = open_memstream(&text, &n);
  assert_int_equal(report_statement_csv(st, f, err, sizeof err), 0);
  fclose(f);
  return text;
}

static void test_older_server(void **state) {
  (void)state;
  its_server *s = its_start("");
  its_member *mgr = its_manager(s);
  its_add_practices(mgr, 3);
  figures(mgr, "F84001", 12000);
  figures(mgr, "F84002", 8000);
  figures(mgr, "F84003", 5000);
  rate(mgr, 2026);
  receive(mgr, "core", "2026-11-05", 3129790);
  receive(mgr, "arrs", "2026-11-05", 1800000);
  distribute(mgr, "core", "2026-11-10", 2000000);
  receive(mgr, "core", "2026-12-05", 3129790);
  distribute(mgr, "core", "2026-12-10", 2500001);
  distribute(mgr, "arrs", "2026-12-10", 1000000);
  expense(mgr, "2026-12-12", 30000);

  Pcn__FundsStatementPage *pg = page(mgr, "2026-12");
  assert_true(pg->held_before > 0);
  assert_true(pg->rates_set);
  report_pb_names *nm = calloc(1, sizeof *nm);
  char err[256];
  pcn_statement *today =
      report_pb_statement(pg, nm, "Riverside PCN", "", 0, err, sizeof err);
  if (!today) fail_msg("today's page: %s", err);
  assert_true(today->total.held_start > 0);
  assert_true(today->rates_set);

  /* As an older pcnd sends it. */
  for (size_t i = 0; i < pg->n_rows; i++)
    pg->rows[i]->held_before = 0;
  pg->rates_set = 0;
  pcn_statement *older =
      report_pb_statement(pg, nm, "Riverside PCN", "", 0, err, sizeof err);
  if (!older) fail_msg("an older server's page: %s", err);
  char *a = csv_of(today), *b = csv_of(older);
  assert_string_equal(a, b);
  free(a);
  free(b);
  pcn_statement_free(older);

  /* Rows that do not come to the page's held_before are still refused
   * with a sentence, not rendered. */
  pg->held_before += 1;
  older = report_pb_statement(pg, nm, "Riverside PCN", "", 0, err, sizeof err);
  assert_null(older);
  assert_non_null(strstr(err, "do not add up"));
  pg->held_before -= 1;

  /* No rates, from an older pcnd: Expected is not shown. */
  for (size_t i = 0; i < pg->n_rows; i++)
    pg->rows[i]->expected = 0;
  pg->expected = 0;
  older = report_pb_statement(pg, nm, "Riverside PCN", "", 0, err, sizeof err);
  assert_non_null(older);
  assert_false(older->rates_set);
  pcn_statement_free(older);

  pcn_statement_free(today);
  free(nm);
  pcn__funds_statement_page__free_unpacked(pg, NULL);
  its_member_free(mgr);
  its_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_older_server),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
