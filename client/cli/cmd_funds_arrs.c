/* cmd_funds_arrs.c - pcn funds headroom, and `pcn funds claim arrs`.
 * (Stub: being built.)
 */
#include <stdio.h>

#include "cli.h"

int funds_claim_arrs_run(cli_ctx *c) {
  return cli_usage(c, "ARRS claims are not built yet.");
}

const cli_cmd funds_arrs_cmds[] = {
    {0},
};
