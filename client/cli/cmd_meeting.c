/* cmd_meeting.c - placeholder: `pcn meeting` arrives with issue 6. */
#include "cli.h"

const cli_cmd meeting_cmds[] = {
    {0},
};
