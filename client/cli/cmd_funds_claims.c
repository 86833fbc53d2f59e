/* cmd_funds_claims.c - pcn funds claim ACTION (arrs, backfill, list,
 * approve, reject, rate) and pcn funds year-end. One verb for every kind
 * of claim, so `pcn funds claim --help` shows them all; the ARRS action
 * lives in cmd_funds_arrs.c. (Stub: being built.)
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
  const char *name;
  int (*run)(cli_ctx *c);
} actions[] = {
    {"arrs", funds_claim_arrs_run},
};

static int claim_run(cli_ctx *c) {
  for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
    if (!strcmp(c->arg[0], actions[i].name)) return actions[i].run(c);
  return cli_usage(c, "ACTION is arrs, backfill, list, approve, reject or "
                      "rate; not \"%s\".",
                   c->arg[0]);
}

const cli_cmd funds_claims_cmds[] = {
    {"funds",
     "claim",
     "ACTION",
     1,
     "claims: arrs (the network's monthly ARRS claim), backfill (meeting "
     "hours), list, approve, reject, rate",
     "pcn funds claim arrs --month 2027-04 --amount 18,250.00 --ref ARRS-04",
     {{"month", "YYYY-MM", "arrs: the month claimed for"},
      {"amount", "POUNDS", "arrs: the sum claimed"},
      {"ref", "TEXT", "arrs: the claim's reference"},
      {"note", "TEXT", "a note"},
      {"meeting", "ID", "backfill: the meeting attended"},
      {"user", "NAME", "backfill: who attended"},
      {"role", "ROLE", "backfill, rate: the role, such as gp or nurse"},
      {"per-hour", "POUNDS", "rate: the hourly backfill rate for --role"},
      {"stream", "CODE", "approve: the stream that pays it"},
      {"date", "YYYY-MM-DD", "approve: the day it is paid (default today)"},
      {"reason", "TEXT", "reject: why"},
      {"practice", "ODS", "list: one practice's claims"},
      {"pending", NULL, "list: only the claims waiting for a decision"},
      CLI_VERSION_OPT},
     claim_run},
    {0},
};
