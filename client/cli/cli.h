/* cli.h - what pcn's command files share: the command table's shape, the
 * parsed invocation, connecting with the saved session, calling the
 * server, and printing (tables for people, JSON for scripts).
 *
 * Every command is one row of a table (one table per noun, in its cmd_*.c
 * file), so main.c parses and prints --help for all of them alike.
 * Exit codes: 0 done, 1 usage error, 2 the server refused, 3 cannot
 * connect or TLS failed.
 */
#ifndef PCN_CLI_H
#define PCN_CLI_H

#include <jansson.h>
#include <stdint.h>

#include "config.h"
#include "pcnclient.h"
#include "printf_check.h"

enum { EXIT_DONE = 0, EXIT_USAGE = 1, EXIT_REFUSED = 2, EXIT_CONNECT = 3 };

#define CLI_MAX_OPTS 16

typedef struct cli_opt {
  const char *name; /* long name without "--" */
  const char *arg;  /* NULL for a flag */
  const char *help;
} cli_opt;

/* The --version option of every change that names the version it read. */
#define CLI_VERSION_OPT                                                        \
  { "version", "V", "the version you read (a stale one is refused)" }

typedef struct cli_ctx cli_ctx;

typedef struct cli_cmd {
  const char *noun; /* "task", or NULL for top-level verbs (join, ...) */
  const char *verb;
  const char *args;    /* positional synopsis, e.g. "ID TEXT" */
  int nargs;           /* how many positionals it takes; -1: a list, as
                          many as given (its synopsis ends in "...") */
  const char *summary; /* one line */
  const char *example;
  cli_opt opts[CLI_MAX_OPTS];
  int (*run)(cli_ctx *c);
} cli_cmd;

struct cli_ctx {
  const cli_cmd *cmd;
  const char *val[CLI_MAX_OPTS]; /* option values; "" for a flag given */
  const char **arg; /* the positionals (into argv), nargs of them */
  int nargs;
  int json;
  const char *server; /* --server or PCN_SERVER, or NULL */
  pcn_config cfg;
  pcn_sync *s;
};

extern const cli_cmd account_cmds[], practice_cmds[], member_cmds[],
    task_cmds[], feed_cmds[], network_cmds[], ask_cmds[], news_cmds[],
    decision_cmds[], duty_cmds[], meeting_cmds[], funds_cmds[], staff_cmds[],
    funds_plan_cmds[], funds_arrs_cmds[], funds_claims_cmds[];

/* `pcn funds claim arrs ...` (cmd_funds_arrs.c): records the network's
 * ARRS claim for a month; run by cmd_funds_claims.c's claim verb. */
int funds_claim_arrs_run(cli_ctx *c);

/* The value of option `name` (NULL if not given). */
const char *cli_opt_val(cli_ctx *c, const char *name);
int cli_has(cli_ctx *c, const char *name);
/* Prints "pcn NOUN VERB: <message>" to stderr; returns EXIT_USAGE. */
int cli_usage(cli_ctx *c, const char *fmt, ...)
    PCN_PRINTF(2, 3);
/* Checks a YYYY-MM-DD option; 0, or prints the usage error and -1. */
int cli_check_date(cli_ctx *c, const char *opt, const char *value);
/* Parses a positive integer option or argument; 0 or usage error -1. */
int cli_parse_u64(cli_ctx *c, const char *what, const char *s, uint64_t *out);

/* Loads the configuration and connects with the saved session. Returns
 * EXIT_DONE, or an exit code after printing why. */
int cli_connect(cli_ctx *c, int need_session);
/* Only the first half: loads the configuration and checks for a session. */
int cli_load(cli_ctx *c, int need_session);
/* The client configuration cli_connect uses (after cli_load). */
pcn_client_config cli_client_config(cli_ctx *c, int need_session);
/* Calls the server; NULL after printing the refusal (the exit code is then
 * *code). */
const Pcn__Response *cli_call(cli_ctx *c, const Pcn__Request *req, int *code);
/* The same for a response already received: r if OK, else NULL after
 * printing the refusal. */
const Pcn__Response *cli_answer(cli_ctx *c, const Pcn__Response *r, int *code);

/* Output. */
json_t *pb_to_json(const ProtobufCMessage *m);
void cli_print_json(json_t *j); /* takes the reference */
void cli_format_time(int64_t ms, char out[20]);
const char *cli_scope(const char *practice); /* "network" or the ODS code */
/* First thing in main: on Windows, the arguments again in UTF-8 and the
 * console set to UTF-8 (platform.c); nothing elsewhere. */
void cli_platform_init(int *argc, char ***argv);
/* Reads a password: from stdin (one line) if from_stdin, else from the
 * terminal without echo, with the prompt. 0, or -1 (message printed). */
int cli_read_password(const char *prompt, int from_stdin, char *out, size_t n);
/* Whether standard input is a terminal a person can type a password at. */
int cli_is_terminal(void);

/* Table columns of free text (titles, names). The terminal's width in
 * columns: $COLUMNS when set, else the terminal's own (TIOCGWINSZ; the
 * console's on Windows), else 0 when output is not a terminal, as when
 * piped into a file or a script: then nothing is cut. */
int cli_term_columns(void);
#define CLI_CELL_MIN 32    /* a text column's width when nothing is cut */
#define CLI_CELL_NARROW 12 /* the least a terminal's text column is given */
/* The width of a text column once `used` columns of the others are
 * printed on the line: what the terminal leaves (at least
 * CLI_CELL_NARROW), or 0 (no cut) without a terminal. */
int cli_text_width(int used);
/* s as a column `width` characters wide (UTF-8 characters, not bytes):
 * padded with spaces, or cut with "…" when longer; width 0: s whole, padded
 * to CLI_CELL_MIN. pad 0: no padding (the last column). Into out (n
 * bytes); returns out. */
const char *cli_cell(char *out, size_t n, const char *s, int width, int pad);

/* Shared by commands that print one record as "key: value" lines. */
void cli_kv(const char *key, const char *fmt, ...)
    PCN_PRINTF(2, 3);

#endif
