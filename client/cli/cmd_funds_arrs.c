/* cmd_funds_arrs.c - pcn funds headroom (the year's ARRS ceiling, claims
 * month by month, what is left and what would be lost), and `pcn funds
 * claim arrs` (the network's claim for a month that is over) and `pcn
 * funds claim arrs reverse` (a mistaken one), which cmd_funds_claims.c's
 * claim verb runs. Amounts are pounds on the command line and in tables;
 * --json prints the server's record in pence.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "money.h"
#include "validate.h"

static const char *opt_or(cli_ctx *c, const char *opt) {
  const char *v = cli_opt_val(c, opt);
  return v ? v : "";
}

/* Calls the server; the response or NULL after printing why (*code). */
static const Pcn__Response *arrs_call(cli_ctx *c, Pcn__Request *req,
                                      int *code) {
  if ((*code = cli_connect(c, 1))) return NULL;
  return cli_call(c, req, code);
}

/* --month as YYYY-MM; NULL after saying why. */
static const char *month_opt(cli_ctx *c) {
  const char *month = cli_opt_val(c, "month");
  char probe[16];
  int32_t d;
  if (!month) return cli_usage(c, "arrs: --month YYYY-MM is required."), NULL;
  snprintf(probe, sizeof probe, "%.7s-01", month);
  if (strlen(month) != 7 || pcn_date_parse(probe, &d))
    return cli_usage(c,
                     "--month: '%s' is not a month; write YYYY-MM, such "
                     "as 2027-04.",
                     month),
           NULL;
  return month;
}

/* pcn funds claim arrs reverse --month M --reason TEXT */
static int arrs_reverse_run(cli_ctx *c) {
  static const char *other[] = {"meeting", "user",     "role",    "per-hour",
                                "stream",  "date",     "amount",  "ref",
                                "note",    "practice", "pending", "version"};
  for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
    if (cli_has(c, other[i]))
      return cli_usage(c, "--%s does not go with arrs reverse.", other[i]);
  Pcn__FundsArrsClaimReverse v = PCN__FUNDS_ARRS_CLAIM_REVERSE__INIT;
  if (!(v.month = (char *)month_opt(c))) return EXIT_USAGE;
  if (!cli_has(c, "reason") || !cli_opt_val(c, "reason")[0])
    return cli_usage(c, "arrs reverse: --reason TEXT is required: say why "
                        "the claim was a mistake.");
  v.reason = (char *)cli_opt_val(c, "reason");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_ARRS_CLAIM_REVERSE;
  req.funds_arrs_claim_reverse = &v;
  int rc;
  const Pcn__Response *r = arrs_call(c, &req, &rc);
  if (!r) return rc;
  const Pcn__FundsArrsClaimRecord *x = r->funds_arrs_claim;
  if (c->json) {
    cli_print_json(pb_to_json(&x->base));
    return EXIT_DONE;
  }
  char p[PCN_PENCE_BUF];
  printf("Reversed the ARRS claim for %s (%s); the month is unclaimed "
         "again.\n",
         x->month, pcn_pence_format(x->pence, 1, p));
  return EXIT_DONE;
}

int funds_claim_arrs_run(cli_ctx *c) {
  if (c->nargs > 1) {
    if (c->nargs > 2 || strcmp(c->arg[1], "reverse") != 0)
      return cli_usage(c,
                       "unexpected argument '%s'; arrs takes only "
                       "\"reverse\" (see --help).",
                       c->arg[c->nargs > 2 ? 2 : 1]);
    return arrs_reverse_run(c);
  }
  static const char *other[] = {"meeting", "user",   "role",   "per-hour",
                                "stream",  "date",   "reason", "practice",
                                "pending", "version"};
  for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
    if (cli_has(c, other[i]))
      return cli_usage(c, "--%s does not go with arrs.", other[i]);
  const char *month = month_opt(c);
  const char *amount = cli_opt_val(c, "amount");
  if (!month) return EXIT_USAGE;
  if (!amount)
    return cli_usage(c, "arrs: --amount is required, in pounds: 18,250.00.");
  Pcn__FundsArrsClaim a = PCN__FUNDS_ARRS_CLAIM__INIT;
  if (pcn_pence_parse(amount, &a.pence) || a.pence <= 0)
    return cli_usage(c,
                     "--amount: '%s' is not an amount; write pounds and "
                     "pence above 0, such as 18,250.00.",
                     amount);
  a.month = (char *)month;
  a.reference = (char *)opt_or(c, "ref");
  a.note = (char *)opt_or(c, "note");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_ARRS_CLAIM;
  req.funds_arrs_claim = &a;
  int rc;
  const Pcn__Response *r = arrs_call(c, &req, &rc);
  if (!r) return rc;
  const Pcn__FundsArrsClaimRecord *x = r->funds_arrs_claim;
  if (c->json) {
    cli_print_json(pb_to_json(&x->base));
    return EXIT_DONE;
  }
  char p[PCN_PENCE_BUF];
  printf("Recorded the ARRS claim for %s: %s%s%s\n", x->month,
         pcn_pence_format(x->pence, 1, p), x->reference[0] ? ", ref " : "",
         x->reference);
  return EXIT_DONE;
}

/* A rate in hundredths of a penny as pounds to four places: £26.1201. */
static const char *rate_text(int64_t cp, char out[48]) {
  char whole[PCN_PENCE_BUF];
  pcn_pence_format((cp / 10000) * 100, 1, whole);
  whole[strlen(whole) - 3] = 0; /* drop ".00" */
  snprintf(out, 48, "%s.%04lld", whole, (long long)(cp % 10000));
  return out;
}

static void headroom_show(const Pcn__FundsHeadroomReport *h) {
  char a[PCN_PENCE_BUF], b[PCN_PENCE_BUF], e[PCN_PENCE_BUF], f[PCN_PENCE_BUF],
      rt[48];
  printf("ARRS headroom %u (April %u to March %u)\n\n", h->year, h->year,
         h->year + 1);
  if (!h->rate_cp)
    printf("No ARRS rate is recorded for %u: the PCN manager sets it with "
           "pcn funds rate.\n\n",
           h->year);
  else if (h->weighted)
    cli_kv("rate:", "%s a head, %llu heads on 1 April %u",
           rate_text(h->rate_cp, rt), (unsigned long long)h->weighted, h->year);
  else
    cli_kv("rate:", "%s for the year", rate_text(h->rate_cp, rt));
  cli_kv("ceiling:", "%s", pcn_pence_format(h->ceiling, 1, a));
  cli_kv("claimed:", "%s", pcn_pence_format(h->claimed, 1, a));
  cli_kv("left:", "%s", pcn_pence_format(h->left, 1, a));
  cli_kv("would lose:", "%s at the current rate of claiming%s",
         pcn_pence_format(h->projected_lost, 1, a),
         h->projected_lost ? "" : " (nothing)");
  cli_kv("staff cost:", "%s (%u in post)",
         pcn_pence_format(h->staff_cost, 1, a), h->staff);
  printf("\n%-8s %15s %15s %15s  %-10s %-8s %15s\n", "MONTH", "CLAIMED",
         "CUMULATIVE", "STAFF COST", "DUE", "", "WOULD LOSE");
  for (size_t i = 0; i < h->n_months; i++) {
    const Pcn__FundsHeadroomMonth *m = h->months[i];
    int claimed = 0;
    for (size_t j = 0; j < h->n_claims; j++)
      if (!strcmp(h->claims[j]->month, m->month)) claimed = 1;
    /* Each "£" is two bytes in UTF-8: widths are one more for amounts. */
    if (claimed)
      printf("%-8s %16s", m->month, pcn_pence_format(m->claimed, 1, a));
    else
      printf("%-8s %15s", m->month, "-");
    printf(
        " %16s %16s  %-10s %-8s %16s\n", pcn_pence_format(m->cumulative, 1, b),
        pcn_pence_format(m->staff_cost, 1, e), m->due,
        m->overdue ? "OVERDUE" : "", pcn_pence_format(m->projected_lost, 1, f));
  }
}

static int headroom_run(cli_ctx *c) {
  Pcn__FundsHeadroom h = PCN__FUNDS_HEADROOM__INIT;
  const char *y = cli_opt_val(c, "year");
  if (y) {
    char *end;
    unsigned long v = strtoul(y, &end, 10);
    if (!y[0] || *end || y[0] == '-' || v < 2000 || v > 2198)
      return cli_usage(c,
                       "--year: '%s' is not a financial year; give the "
                       "year it starts in, such as 2027.",
                       y);
    h.year = (uint32_t)v;
  }
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_HEADROOM;
  req.funds_headroom = &h;
  int rc;
  const Pcn__Response *r = arrs_call(c, &req, &rc);
  if (!r) return rc;
  if (c->json)
    cli_print_json(pb_to_json(&r->funds_headroom->base));
  else
    headroom_show(r->funds_headroom);
  return EXIT_DONE;
}

const cli_cmd funds_arrs_cmds[] = {
    {"funds",
     "headroom",
     NULL,
     0,
     "the year's ARRS ceiling, claims by month, what is left, and what "
     "would be lost at the current rate of claiming",
     "pcn funds headroom --year 2027",
     {{"year", "YYYY", "the financial year by its April (default: this one)"}},
     headroom_run},
    {0},
};
