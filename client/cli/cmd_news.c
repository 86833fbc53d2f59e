/* cmd_news.c - placeholder: `pcn news` arrives with issue 6. */
#include "cli.h"

const cli_cmd news_cmds[] = {
    {0},
};
