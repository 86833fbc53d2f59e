/* cmd_network.c - placeholder: `pcn network` arrives with issue 6. */
#include "cli.h"

const cli_cmd network_cmds[] = {
    {0},
};
