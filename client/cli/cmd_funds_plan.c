/* cmd_funds_plan.c - pcn funds rate|expected|budget: the funding plan.
 * Rates are read and printed in pounds with up to four decimal places
 * (published per-patient rates such as £1.5023; the wire carries
 * hundredths of a penny); budgets and income in pounds and pence.
 * A financial year is named by the year it starts in: 2027 is April 2027
 * to March 2028; without --year, this financial year.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "money.h"
#include "validate.h"

#define RATE_BUF PCN_RATE_BUF

static const struct {
  const char *word, *says;
  int basis;
} bases[] = {
    {"patient", "per registered patient", PCN__FUNDS_BASIS__FUNDS_PER_PATIENT},
    {"weighted", "per weighted patient", PCN__FUNDS_BASIS__FUNDS_PER_WEIGHTED},
    {"bed", "per care-home bed", PCN__FUNDS_BASIS__FUNDS_PER_BED},
    {"fixed", "for the year", PCN__FUNDS_BASIS__FUNDS_FIXED},
};
#define N_BASES (sizeof bases / sizeof bases[0])

static const char *basis_says(int basis) {
  for (size_t i = 0; i < N_BASES; i++)
    if (bases[i].basis == basis) return bases[i].says;
  return "?";
}

/* This financial year by the local clock (the server's rule for year 0). */
static uint32_t this_year(void) {
  int64_t y;
  int m, d;
  pcn_civil_from_days(pcn_date_today(), &y, &m, &d);
  return (uint32_t)(m >= 4 ? y : y - 1);
}

/* --year: 0 when not given (the server's "this year"). 0 or -1. */
static int parse_year(cli_ctx *c, uint32_t *year) {
  const char *v = cli_opt_val(c, "year");
  *year = 0;
  if (!v) return 0;
  char *end;
  unsigned long y = strtoul(v, &end, 10);
  if (!v[0] || *end || y < 2000 || y > 2200)
    return cli_usage(c,
                     "--year: '%s' is not a financial year; give the year "
                     "it starts in, such as 2027 for April 2027 to March "
                     "2028.",
                     v),
           -1;
  *year = (uint32_t)y;
  return 0;
}

static const Pcn__Response *plan_call(cli_ctx *c, Pcn__Request *req, int *rc) {
  if ((*rc = cli_connect(c, 1))) return NULL;
  return cli_call(c, req, rc);
}

/* ------------------------------------------------------------ rate */

static int rate_run(cli_ctx *c) {
  Pcn__Request req = PCN__REQUEST__INIT;
  Pcn__FundsRateSet s = PCN__FUNDS_RATE_SET__INIT;
  Pcn__FundsRateList l = PCN__FUNDS_RATE_LIST__INIT;
  uint32_t year;
  if (parse_year(c, &year)) return EXIT_USAGE;
  if (cli_has(c, "set")) {
    const char *basis = cli_opt_val(c, "basis"), *r = cli_opt_val(c, "rate");
    s.stream = (char *)cli_opt_val(c, "set");
    s.year = year ? year : this_year();
    if (!basis)
      return cli_usage(c, "--basis is required: patient, weighted, bed or "
                          "fixed.");
    for (size_t i = 0; i < N_BASES; i++)
      if (!strcmp(basis, bases[i].word)) s.basis = bases[i].basis;
    if (!s.basis)
      return cli_usage(c,
                       "--basis: patient, weighted, bed or fixed, not "
                       "'%s'.",
                       basis);
    if (!r) return cli_usage(c, "--rate is required, in pounds: 1.5023.");
    if (pcn_rate_parse(r, &s.rate_cp))
      return cli_usage(c,
                       "--rate: '%s' is not a rate; write pounds, 0 or more, "
                       "with up to four decimal places, such as 1.5023 or "
                       "68,000.",
                       r);
    const char *note = cli_opt_val(c, "note");
    s.note = (char *)(note ? note : "");
    req.body_case = PCN__REQUEST__BODY_FUNDS_RATE_SET;
    req.funds_rate_set = &s;
  } else {
    if (cli_has(c, "basis") || cli_has(c, "rate") || cli_has(c, "note"))
      return cli_usage(c, "--basis, --rate and --note go with --set STREAM.");
    l.year = year;
    req.body_case = PCN__REQUEST__BODY_FUNDS_RATE_LIST;
    req.funds_rate_list = &l;
  }
  int rc;
  const Pcn__Response *r = plan_call(c, &req, &rc);
  if (!r) return rc;
  char a[RATE_BUF];
  if (r->body_case == PCN__RESPONSE__BODY_FUNDS_RATE) {
    const Pcn__FundsRate *x = r->funds_rate;
    if (c->json)
      cli_print_json(pb_to_json(&x->base));
    else
      printf("Set %s's rate for %u/%02u: %s %s\n", x->stream, x->year,
             (x->year + 1) % 100, pcn_rate_format(x->rate_cp, a),
             basis_says(x->basis));
    return EXIT_DONE;
  }
  const Pcn__FundsRatePage *p = r->funds_rate_page;
  if (c->json) {
    cli_print_json(pb_to_json(&p->base));
    return EXIT_DONE;
  }
  if (!p->n_rates) {
    printf("No rates recorded%s.\n", year ? " for that year" : "");
    return EXIT_DONE;
  }
  printf("%-7s %-12s %16s  %-24s %s\n", "YEAR", "STREAM", "RATE", "BASIS",
         "NOTE");
  for (size_t i = 0; i < p->n_rates; i++) {
    const Pcn__FundsRate *x = p->rates[i];
    printf("%u/%02u %-12s %17s  %-*s%s%s\n", x->year, (x->year + 1) % 100,
           x->stream, pcn_rate_format(x->rate_cp, a), x->note[0] ? 24 : 0,
           basis_says(x->basis), x->note[0] ? " " : "", x->note);
  }
  return EXIT_DONE;
}

/* ------------------------------------------------------------ expected */

static int expected_run(cli_ctx *c) {
  Pcn__FundsExpected e = PCN__FUNDS_EXPECTED__INIT;
  if (parse_year(c, &e.year)) return EXIT_USAGE;
  const char *s = cli_opt_val(c, "stream");
  e.stream = (char *)(s ? s : "");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_EXPECTED;
  req.funds_expected = &e;
  int rc;
  const Pcn__Response *r = plan_call(c, &req, &rc);
  if (!r) return rc;
  const Pcn__FundsExpectedPage *p = r->funds_expected_page;
  if (c->json) {
    cli_print_json(pb_to_json(&p->base));
    return EXIT_DONE;
  }
  printf("Expected income for %u/%02u (April %u to March %u)\n\n", p->year,
         (p->year + 1) % 100, p->year, p->year + 1);
  if (!p->n_rows) {
    printf("No rates and no receipts in the year.\n");
    return EXIT_DONE;
  }
  char a[PCN_PENCE_BUF], b[PCN_PENCE_BUF], d[PCN_PENCE_BUF];
  printf("%-12s %-7s %15s %15s %15s\n", "STREAM", "MONTH", "EXPECTED",
         "RECEIVED", "DIFFERENCE");
  for (size_t i = 0; i < p->n_rows; i++) {
    const Pcn__FundsExpectedRow *x = p->rows[i];
    if (i && strcmp(x->stream, p->rows[i - 1]->stream)) printf("\n");
    printf("%-12s %-7s %16s %16s %16s\n", x->stream, x->month,
           pcn_pence_format(x->expected, 1, a),
           pcn_pence_format(x->received, 1, b),
           pcn_pence_format(x->received - x->expected, 1, d));
  }
  printf("\n%-20s %16s %16s %16s\n", "total",
         pcn_pence_format(p->expected, 1, a),
         pcn_pence_format(p->received, 1, b),
         pcn_pence_format(p->received - p->expected, 1, d));
  return EXIT_DONE;
}

/* ------------------------------------------------------------ budget */

static int budget_run(cli_ctx *c) {
  Pcn__Request req = PCN__REQUEST__INIT;
  Pcn__FundsBudgetSet s = PCN__FUNDS_BUDGET_SET__INIT;
  Pcn__FundsBudgetReport rep = PCN__FUNDS_BUDGET_REPORT__INIT;
  uint32_t year;
  if (parse_year(c, &year)) return EXIT_USAGE;
  if (cli_has(c, "set")) {
    const char *v = cli_opt_val(c, "amount");
    s.stream = (char *)cli_opt_val(c, "set");
    s.year = year ? year : this_year();
    if (!v)
      return cli_usage(c, "--amount is required, in pounds (0 clears the "
                          "budget).");
    if (pcn_pence_parse(v, &s.pence) || s.pence < 0)
      return cli_usage(c,
                       "--amount: '%s' is not an amount; write pounds and "
                       "pence, 0 or more, such as 50,000.",
                       v);
    req.body_case = PCN__REQUEST__BODY_FUNDS_BUDGET_SET;
    req.funds_budget_set = &s;
  } else {
    if (cli_has(c, "amount"))
      return cli_usage(c, "--amount goes with --set STREAM.");
    rep.year = year;
    req.body_case = PCN__REQUEST__BODY_FUNDS_BUDGET_REPORT;
    req.funds_budget_report = &rep;
  }
  int rc;
  const Pcn__Response *r = plan_call(c, &req, &rc);
  if (!r) return rc;
  char a[PCN_PENCE_BUF], b[PCN_PENCE_BUF], d[PCN_PENCE_BUF], e[PCN_PENCE_BUF],
      f[PCN_PENCE_BUF], g[PCN_PENCE_BUF], h[PCN_PENCE_BUF];
  if (r->body_case == PCN__RESPONSE__BODY_FUNDS_BUDGET) {
    const Pcn__FundsBudget *x = r->funds_budget;
    if (c->json)
      cli_print_json(pb_to_json(&x->base));
    else if (x->pence)
      printf("Set %s's budget for %u/%02u: %s\n", x->stream, x->year,
             (x->year + 1) % 100, pcn_pence_format(x->pence, 1, a));
    else
      printf("%s has no budget for %u/%02u.\n", x->stream, x->year,
             (x->year + 1) % 100);
    return EXIT_DONE;
  }
  const Pcn__FundsBudgetPage *p = r->funds_budget_page;
  if (c->json) {
    cli_print_json(pb_to_json(&p->base));
    return EXIT_DONE;
  }
  printf("Budgets for %u/%02u, as at %s\n\n", p->year, (p->year + 1) % 100,
         p->as_at);
  if (!p->n_rows) {
    printf("No budgets, rates or entries in the year.\n");
    return EXIT_DONE;
  }
  printf("%-10s %14s %14s %14s %14s %12s %12s %14s\n", "STREAM", "BUDGET",
         "EXPECTED", "RECEIVED", "DISTRIBUTED", "CLAIMED", "SPENT",
         "REMAINING");
  for (size_t i = 0; i < p->n_rows; i++) {
    const Pcn__FundsBudgetRow *x = p->rows[i];
    printf("%-10s %15s %15s %15s %15s %13s %13s %15s\n", x->stream,
           x->budgeted ? pcn_pence_format(x->budget, 1, a) : "none",
           pcn_pence_format(x->expected, 1, b),
           pcn_pence_format(x->received, 1, d),
           pcn_pence_format(x->distributed, 1, e),
           pcn_pence_format(x->claimed, 1, f), pcn_pence_format(x->spent, 1, g),
           /* No budget, no remaining (issue 20). */
           x->budgeted ? pcn_pence_format(x->remaining, 1, h) : "-");
  }
  return EXIT_DONE;
}

#define YEAR_OPT                                                               \
  {                                                                            \
    "year", "YYYY",                                                            \
        "the financial year by the year it starts in (default "                \
        "this one)"                                                            \
  }

const cli_cmd funds_plan_cmds[] = {
    {"funds",
     "rate",
     NULL,
     0,
     "the funding rates by financial year, or set one (PCN manager)",
     "pcn funds rate --set core --year 2027 --basis patient --rate 1.5023",
     {YEAR_OPT,
      {"set", "STREAM", "set this stream's rate for the year"},
      {"basis", "BASIS", "patient, weighted, bed or fixed (per year)"},
      {"rate", "POUNDS", "per head per year, or the year's sum: 1.5023"},
      {"note", "TEXT", "where the rate comes from"}},
     rate_run},
    {"funds",
     "expected",
     NULL,
     0,
     "the income the rates make expected, month by month, against received",
     "pcn funds expected --year 2027 --stream core",
     {YEAR_OPT, {"stream", "CODE", "one stream (default: every stream)"}},
     expected_run},
    {"funds",
     "budget",
     NULL,
     0,
     "the budgets against actuals, or set one (PCN manager)",
     "pcn funds budget --year 2027 --set core --amount 50,000",
     {YEAR_OPT,
      {"set", "STREAM", "set this stream's budget for the year"},
      {"amount", "POUNDS", "the budget (0 clears it)"}},
     budget_run},
    {0},
};
