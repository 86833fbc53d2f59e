/* cmd_ask.c - placeholder: `pcn ask` arrives with issue 6. */
#include "cli.h"

const cli_cmd ask_cmds[] = {
    {0},
};
