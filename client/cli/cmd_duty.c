/* cmd_duty.c - placeholder: `pcn duty` arrives with issue 6. */
#include "cli.h"

const cli_cmd duty_cmds[] = {
    {0},
};
