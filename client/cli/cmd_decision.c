/* cmd_decision.c - placeholder: `pcn decision` arrives with issue 6. */
#include "cli.h"

const cli_cmd decision_cmds[] = {
    {0},
};
