/* cmd_funds_plan.c - pcn funds rate|expected|budget: the funding plan.
 * (Stub: being built.)
 */
#include "cli.h"

const cli_cmd funds_plan_cmds[] = {
    {0},
};
