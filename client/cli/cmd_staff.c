/* cmd_staff.c - placeholder: `pcn staff` arrives with issue 7. */
#include "cli.h"

const cli_cmd staff_cmds[] = {
    {0},
};
