/* cmd_funds_claims.c - pcn funds claim ACTION (arrs, backfill, list,
 * approve, reject, rate) and pcn funds year-end. One verb for every kind
 * of claim, so `pcn funds claim --help` shows them all; the ARRS action
 * lives in cmd_funds_arrs.c. Amounts are read and printed in pounds.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "money.h"

static const char *pounds(int64_t p, char buf[PCN_PENCE_BUF]) {
  return pcn_pence_format(p, 1, buf);
}

static const char *opt_or(cli_ctx *c, const char *opt) {
  const char *v = cli_opt_val(c, opt);
  return v ? v : "";
}

static const char *state_word(int s) {
  switch (s) {
  case PCN__FUNDS_CLAIM_STATE__CLAIM_APPROVED: return "approved";
  case PCN__FUNDS_CLAIM_STATE__CLAIM_REJECTED: return "rejected";
  default: return "pending";
  }
}

/* Options that belong to other actions are a usage error, so a mistyped
 * command never does something else quietly. */
static int only(cli_ctx *c, const char *const *allowed) {
  static const char *const all[] = {"meeting", "user",    "role",   "per-hour",
                                    "stream",  "date",    "reason", "practice",
                                    "pending", "version", NULL};
  for (size_t i = 0; all[i]; i++) {
    if (!cli_has(c, all[i])) continue;
    int ok = 0;
    for (size_t j = 0; allowed[j]; j++)
      ok |= !strcmp(allowed[j], all[i]);
    if (!ok)
      return cli_usage(c, "--%s does not go with %s; see --help.", all[i],
                       c->arg[0]),
             -1;
  }
  return 0;
}

static void claim_show(const Pcn__FundsClaim *x) {
  char a[PCN_PENCE_BUF], b[PCN_PENCE_BUF];
  cli_kv("claim:", "%llu (version %u)", (unsigned long long)x->id, x->version);
  cli_kv("state:", "%s", state_word(x->state));
  cli_kv("meeting:", "%llu, %s, %s", (unsigned long long)x->meeting_id,
         x->meeting_date, x->meeting_title);
  cli_kv("person:", "%s of %s, as %s", x->username, x->practice, x->role);
  cli_kv("amount:", "%s (%u min at %s an hour)", pounds(x->pence, a),
         x->minutes, pounds(x->pence_per_hour, b));
  cli_kv("claimed by:", "%s", x->claimed_by);
  if (x->state == PCN__FUNDS_CLAIM_STATE__CLAIM_APPROVED)
    cli_kv("paid:", "from %s, ledger entry %llu", x->stream,
           (unsigned long long)x->entry);
  if (x->state == PCN__FUNDS_CLAIM_STATE__CLAIM_REJECTED)
    cli_kv("reason:", "%s", x->reason);
  if (x->decided_by[0]) cli_kv("decided by:", "%s", x->decided_by);
}

/* Calls the server and prints the answer (JSON with --json). */
static int call(cli_ctx *c, Pcn__Request *req) {
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  const Pcn__Response *r = cli_call(c, req, &rc);
  if (!r) return rc;
  const ProtobufCMessage *m = NULL;
  switch (r->body_case) {
  case PCN__RESPONSE__BODY_FUNDS_BACKFILL_RATE:
    m = &r->funds_backfill_rate->base;
    break;
  case PCN__RESPONSE__BODY_FUNDS_BACKFILL_RATES:
    m = &r->funds_backfill_rates->base;
    break;
  case PCN__RESPONSE__BODY_FUNDS_CLAIM: m = &r->funds_claim->base; break;
  case PCN__RESPONSE__BODY_FUNDS_CLAIM_PAGE:
    m = &r->funds_claim_page->base;
    break;
  case PCN__RESPONSE__BODY_FUNDS_CLAIMS_DECIDED:
    m = &r->funds_claims_decided->base;
    break;
  case PCN__RESPONSE__BODY_FUNDS_YEAR_END: m = &r->funds_year_end->base; break;
  default: break;
  }
  if (c->json) {
    if (m) cli_print_json(pb_to_json(m));
    return EXIT_DONE;
  }
  char a[PCN_PENCE_BUF], b[PCN_PENCE_BUF], d[PCN_PENCE_BUF], e[PCN_PENCE_BUF],
      f[PCN_PENCE_BUF];
  switch (r->body_case) {
  case PCN__RESPONSE__BODY_FUNDS_BACKFILL_RATE:
    printf("Backfill rate for %s: %s an hour\n", r->funds_backfill_rate->role,
           pounds(r->funds_backfill_rate->pence_per_hour, a));
    break;
  case PCN__RESPONSE__BODY_FUNDS_BACKFILL_RATES: {
    const Pcn__FundsBackfillRatePage *p = r->funds_backfill_rates;
    if (!p->n_rates) {
      printf("No backfill rates yet; the PCN manager sets them with pcn "
             "funds claim rate --role ROLE --per-hour POUNDS.\n");
      break;
    }
    printf("%-24s %12s  %s\n", "ROLE", "PER HOUR", "SET BY");
    for (size_t i = 0; i < p->n_rates; i++)
      printf("%-24s %13s  %s\n", p->rates[i]->role,
             pounds(p->rates[i]->pence_per_hour, a), p->rates[i]->set_by);
    break;
  }
  case PCN__RESPONSE__BODY_FUNDS_CLAIM: claim_show(r->funds_claim); break;
  case PCN__RESPONSE__BODY_FUNDS_CLAIMS_DECIDED: {
    const Pcn__FundsClaimPage *p = r->funds_claims_decided;
    int64_t sum = 0;
    for (size_t i = 0; i < p->n_claims; i++) {
      const Pcn__FundsClaim *x = p->claims[i];
      sum += x->pence;
      printf("Claim %llu %s: %s of %s, %s", (unsigned long long)x->id,
             state_word(x->state), x->username, x->practice,
             pounds(x->pence, a));
      if (x->state == PCN__FUNDS_CLAIM_STATE__CLAIM_APPROVED)
        printf(", ledger entry %llu", (unsigned long long)x->entry);
      printf("\n");
    }
    printf("%zu claims, %s.\n", p->n_claims, pounds(sum, a));
    break;
  }
  case PCN__RESPONSE__BODY_FUNDS_CLAIM_PAGE: {
    const Pcn__FundsClaimPage *p = r->funds_claim_page;
    if (!p->n_claims) {
      printf("No claims.\n");
      break;
    }
    printf("%4s %-8s %-10s %5s %-14s %-8s %-12s %5s %12s\n", "ID", "STATE",
           "DATE", "MTG", "PERSON", "PRACTICE", "ROLE", "MIN", "AMOUNT");
    int64_t pending = 0;
    for (size_t i = 0; i < p->n_claims; i++) {
      const Pcn__FundsClaim *x = p->claims[i];
      printf("%4llu %-8s %-10s %5llu %-14.14s %-8s %-12.12s %5u %13s\n",
             (unsigned long long)x->id, state_word(x->state), x->meeting_date,
             (unsigned long long)x->meeting_id, x->username, x->practice,
             x->role, x->minutes, pounds(x->pence, a));
      if (x->state == PCN__FUNDS_CLAIM_STATE__CLAIM_PENDING)
        pending += x->pence;
    }
    printf("\nWaiting for a decision: %s\n", pounds(pending, a));
    break;
  }
  case PCN__RESPONSE__BODY_FUNDS_YEAR_END: {
    const Pcn__FundsYearEndReport *y = r->funds_year_end;
    printf("Year end %u/%02u (April %u to March %u), shares by %s on %s\n\n",
           y->year, (y->year + 1) % 100, y->year, y->year + 1,
           y->basis == PCN__FUNDS_SPLIT__FUNDS_SPLIT_WEIGHTED
               ? "weighted population"
               : "list size",
           y->figures_date);
    printf("%-8s %-20s %8s %13s %12s %13s %13s  %s\n", "PRACTICE", "NAME",
           y->basis == PCN__FUNDS_SPLIT__FUNDS_SPLIT_WEIGHTED ? "WEIGHTED"
                                                              : "LIST",
           "DISTRIBUTED", "CLAIMED", "RECEIVED", "SHARE",
           "SURPLUS(+)/SHORTFALL(-)");
    for (size_t i = 0; i < y->n_rows; i++) {
      const Pcn__FundsYearEndRow *x = y->rows[i];
      printf("%-8s %-20.20s %8u %14s %13s %14s %14s %15s\n", x->practice,
             x->name,
             y->basis == PCN__FUNDS_SPLIT__FUNDS_SPLIT_WEIGHTED ? x->weighted
                                                                : x->list_size,
             pounds(x->distributed, a), pounds(x->claimed, b),
             pounds(x->received, d), pounds(x->share, e),
             pounds(x->difference, f));
    }
    printf("\n");
    cli_kv("received:", "%s (the network's receipts in the year)",
           pounds(y->received, a));
    cli_kv("paid:", "%s (to practices: distributed and claimed)",
           pounds(y->paid, a));
    cli_kv("spent:", "%s", pounds(y->spent, a));
    cli_kv("held:", "%s at the year's end", pounds(y->held, a));
    /* Per stream, and what was left out (issue 20). */
    printf("\n%-10s %-8s %14s %13s %13s  %s\n", "STREAM", "PRACTICE", "PAID",
           "SHARE", "DIFFERENCE", "");
    for (size_t i = 0; i < y->n_streams; i++) {
      const Pcn__FundsStreamShare *x = y->streams[i];
      printf("%-10s %-8s %15s %14s %14s  %s\n", x->stream, x->practice,
             pounds(x->paid, a), pounds(x->share, b), pounds(x->difference, d),
             x->counted ? "" : "pass-through, left out");
    }
    if (y->n_left_out) {
      printf("\nLeft out of the rows above the streams: pass-through ");
      for (size_t i = 0; i < y->n_left_out; i++)
        printf("%s%s", i ? ", " : "", y->left_out[i]);
      printf(" (%s paid to practices); --include-pass-through counts "
             "them.\n",
             pounds(y->left_out_paid, a));
    } else if (y->include_pass_through) {
      printf("\nEvery stream counted, pass-through ones too.\n");
    }
    break;
  }
  default: break;
  }
  return EXIT_DONE;
}

static int version_opt(cli_ctx *c, uint32_t *v) {
  const char *s = cli_opt_val(c, "version");
  uint64_t x;
  *v = 0;
  if (!s) return 0;
  if (cli_parse_u64(c, "--version", s, &x)) return -1;
  if (x > UINT32_MAX) return cli_usage(c, "--version: too large."), -1;
  *v = (uint32_t)x;
  return 0;
}

static int rate_run(cli_ctx *c) {
  static const char *const ok[] = {"role", "per-hour", NULL};
  if (only(c, ok)) return EXIT_USAGE;
  Pcn__Request req = PCN__REQUEST__INIT;
  Pcn__FundsBackfillRateSet s = PCN__FUNDS_BACKFILL_RATE_SET__INIT;
  Pcn__FundsBackfillRateList l = PCN__FUNDS_BACKFILL_RATE_LIST__INIT;
  if (!cli_has(c, "role")) {
    if (cli_has(c, "per-hour"))
      return cli_usage(c, "--per-hour goes with --role ROLE.");
    req.body_case = PCN__REQUEST__BODY_FUNDS_BACKFILL_RATE_LIST;
    req.funds_backfill_rate_list = &l;
    return call(c, &req);
  }
  const char *v = cli_opt_val(c, "per-hour");
  if (!v) return cli_usage(c, "--per-hour POUNDS is required with --role.");
  if (pcn_pence_parse(v, &s.pence_per_hour) || s.pence_per_hour <= 0)
    return cli_usage(c,
                     "--per-hour: '%s' is not an amount; write pounds and "
                     "pence above zero, such as 110.00.",
                     v);
  s.role = (char *)cli_opt_val(c, "role");
  req.body_case = PCN__REQUEST__BODY_FUNDS_BACKFILL_RATE_SET;
  req.funds_backfill_rate_set = &s;
  return call(c, &req);
}

static int backfill_run(cli_ctx *c) {
  static const char *const ok[] = {"meeting", "user", "role", NULL};
  if (only(c, ok)) return EXIT_USAGE;
  Pcn__FundsClaimCreate r = PCN__FUNDS_CLAIM_CREATE__INIT;
  const char *m = cli_opt_val(c, "meeting");
  if (!m) return cli_usage(c, "--meeting ID is required.");
  if (cli_parse_u64(c, "--meeting", m, &r.meeting_id)) return EXIT_USAGE;
  if (!cli_has(c, "user")) return cli_usage(c, "--user NAME is required.");
  /* The role is the attendee's, on the server; --role is only checked. */
  r.username = (char *)cli_opt_val(c, "user");
  r.role = (char *)opt_or(c, "role");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_CLAIM_CREATE;
  req.funds_claim_create = &r;
  return call(c, &req);
}

static int list_run(cli_ctx *c) {
  static const char *const ok[] = {"practice", "pending", NULL};
  if (only(c, ok)) return EXIT_USAGE;
  Pcn__FundsClaimList l = PCN__FUNDS_CLAIM_LIST__INIT;
  l.practice = (char *)opt_or(c, "practice");
  l.pending_only = cli_has(c, "pending");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_CLAIM_LIST;
  req.funds_claim_list = &l;
  return call(c, &req);
}

static int decide_run(cli_ctx *c, int approve) {
  static const char *const ok_a[] = {"stream", "date", "version", NULL};
  static const char *const ok_r[] = {"reason", "version", NULL};
  if (only(c, approve ? ok_a : ok_r)) return EXIT_USAGE;
  Pcn__FundsClaimDecide d = PCN__FUNDS_CLAIM_DECIDE__INIT;
  uint64_t ids[100]; /* the server decides at most 100 at once */
  if (c->nargs < 2)
    return cli_usage(c, "%s needs the claim's ID: pcn funds claim %s ID.",
                     c->arg[0], c->arg[0]);
  if (c->nargs - 1 > (int)(sizeof ids / sizeof ids[0]))
    return cli_usage(c, "at most 100 claims at once; decide the rest in "
                        "another command.");
  if (version_opt(c, &d.version)) return EXIT_USAGE;
  for (int i = 1; i < c->nargs; i++)
    if (cli_parse_u64(c, "the claim ID", c->arg[i], &ids[i - 1]))
      return EXIT_USAGE;
  if (c->nargs == 2) {
    d.id = ids[0];
  } else {
    /* Several: one request, all decided or none. */
    if (d.version)
      return cli_usage(c, "--version goes with one claim; decide several "
                          "without it.");
    d.ids = ids;
    d.n_ids = (size_t)(c->nargs - 1);
  }
  d.approve = approve;
  if (approve) {
    if (!cli_has(c, "stream"))
      return cli_usage(c, "--stream CODE is required: the stream that pays "
                          "the claim.");
    d.stream = (char *)cli_opt_val(c, "stream");
    d.date = (char *)opt_or(c, "date");
    if (d.date[0] && cli_check_date(c, "date", d.date)) return EXIT_USAGE;
  } else {
    if (!cli_has(c, "reason") || !cli_opt_val(c, "reason")[0])
      return cli_usage(c, "--reason TEXT is required: say why.");
    d.reason = (char *)cli_opt_val(c, "reason");
  }
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_CLAIM_DECIDE;
  req.funds_claim_decide = &d;
  return call(c, &req);
}

static int approve_run(cli_ctx *c) {
  return decide_run(c, 1);
}
static int reject_run(cli_ctx *c) {
  return decide_run(c, 0);
}

static const struct {
  const char *name;
  int (*run)(cli_ctx *c);
} actions[] = {
    {"arrs", funds_claim_arrs_run},
    {"backfill", backfill_run},
    {"list", list_run},
    {"approve", approve_run},
    {"reject", reject_run},
    {"rate", rate_run},
};

static int claim_run(cli_ctx *c) {
  if (!c->nargs)
    return cli_usage(c, "ACTION is required: arrs, backfill, list, approve, "
                        "reject or rate.");
  for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
    if (!strcmp(c->arg[0], actions[i].name)) {
      if (c->nargs > 1 && actions[i].run != approve_run &&
          actions[i].run != reject_run &&
          actions[i].run != funds_claim_arrs_run)
        return cli_usage(c, "unexpected argument '%s'; see --help.", c->arg[1]);
      return actions[i].run(c);
    }
  return cli_usage(c,
                   "ACTION is arrs, backfill, list, approve, reject or "
                   "rate; not \"%s\".",
                   c->arg[0]);
}

static int year_end_run(cli_ctx *c) {
  Pcn__FundsYearEnd y = PCN__FUNDS_YEAR_END__INIT;
  const char *v = cli_opt_val(c, "year");
  uint64_t x;
  if (v) {
    if (cli_parse_u64(c, "--year", v, &x)) return EXIT_USAGE;
    if (x < 2000 || x > 2200)
      return cli_usage(c, "--year: the year the financial year starts in, "
                          "such as 2027.");
    y.year = (uint32_t)x;
  }
  const char *by = opt_or(c, "by");
  if (!by[0] || !strcmp(by, "list"))
    y.basis = PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE;
  else if (!strcmp(by, "weighted"))
    y.basis = PCN__FUNDS_SPLIT__FUNDS_SPLIT_WEIGHTED;
  else
    return cli_usage(c, "--by: list or weighted, not '%s'.", by);
  y.include_pass_through = cli_has(c, "include-pass-through");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_YEAR_END;
  req.funds_year_end = &y;
  return call(c, &req);
}

const cli_cmd funds_claims_cmds[] = {
    {"funds",
     "claim",
     "ACTION [ID...]",
     -1,
     "claims: arrs (the network's monthly ARRS claim, for a month that is "
     "over; arrs reverse undoes a mistaken one), backfill (meeting hours, "
     "at the attendee's role's rate), list, approve (one or several: all "
     "or none), reject, rate",
     "pcn funds claim backfill --meeting 3 --user dr.khan\n"
     "  pcn funds claim approve 7 --stream core --version 1\n"
     "  pcn funds claim approve 4 5 6 --stream core\n"
     "  pcn funds claim rate --role gp --per-hour 110.00\n"
     "  pcn funds claim arrs --month 2027-04 --amount 18,250.00 --ref ARRS-04\n"
     "  pcn funds claim arrs reverse --month 2027-04 --reason \"sent twice\"",
     {{"month", "YYYY-MM", "arrs: the month claimed for (once it is over)"},
      {"amount", "POUNDS", "arrs: the sum claimed"},
      {"ref", "TEXT", "arrs: the claim's reference"},
      {"note", "TEXT", "a note"},
      {"meeting", "ID", "backfill: the meeting attended"},
      {"user", "NAME", "backfill: who attended"},
      {"role", "ROLE",
       "rate: the role (gp, practice-manager, staff); backfill: optional, "
       "must be the attendee's own"},
      {"per-hour", "POUNDS", "rate: the hourly backfill rate for --role"},
      {"stream", "CODE", "approve: the stream that pays it"},
      {"date", "YYYY-MM-DD", "approve: the day it is paid (default today)"},
      {"reason", "TEXT", "reject, arrs reverse: why"},
      {"practice", "ODS", "list: one practice's claims"},
      {"pending", NULL, "list: only the claims waiting for a decision"},
      CLI_VERSION_OPT},
     claim_run},
    {"funds",
     "year-end",
     NULL,
     0,
     "each practice's year: paid to it against its share of the total",
     "pcn funds year-end --year 2027 --by weighted",
     {{"year", "YYYY",
       "the financial year by its start (default: the last "
       "one ended)"},
      {"by", "BASIS", "shares by list (default) or weighted population"},
      {"include-pass-through", NULL,
       "count pass-through streams (ARRS, IIF: pcn funds stream) in the "
       "practices' rows; by default they are left out and named"}},
     year_end_run},
    {0},
};
