/* cmd_funds.c - placeholder: `pcn funds` arrives with issue 7. */
#include "cli.h"

const cli_cmd funds_cmds[] = {
    {0},
};
