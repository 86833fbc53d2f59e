/* main.c - pcn's entry: finds the command in the tables, parses its
 * options (the same way for every command: --name VALUE or --name=VALUE,
 * flags, positionals; --json, --server and --help anywhere), prints help
 * from the tables, and runs it.
 *
 * Portable: no getopt; the parser is small enough to own.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "validate.h"

static const cli_cmd *const tables[] = {
    account_cmds, practice_cmds, member_cmds, task_cmds,     feed_cmds,
    network_cmds, ask_cmds,      news_cmds,   decision_cmds, duty_cmds,
    meeting_cmds, funds_cmds,    funds_plan_cmds, funds_arrs_cmds,
    funds_claims_cmds, staff_cmds,
};

static const char *const nouns[][2] = {
    {"practice", "the network's practices (ODS code, name, list size)"},
    {"member", "people: invite, list, show, disable, change role"},
    {"task", "tasks for the network or one practice"},
    {"network", "the network's notice, reminders and bank holidays"},
    {"ask", "asks from the network to practices, and their answers"},
    {"news", "announcements and policies, with read receipts"},
    {"decision", "decisions between practices: propose, vote, outcome"},
    {"duty", "the responsibilities agreement: who does what"},
    {"meeting", "meetings: agenda, attendance, minutes, actions, iCalendar"},
    {"funds", "the network's money: ledger, distributions, statements"},
    {"staff", "shared staff: register, weekly rota, leave, equity"},
};

static void help_main(FILE *f) {
  fprintf(f, "pcn - the PCN Hub command line.\n\n"
             "Usage: pcn COMMAND [options]   or   pcn NOUN VERB [options]\n\n"
             "Getting in:\n");
  for (const cli_cmd *c = account_cmds; c->verb; c++)
    fprintf(f, "  pcn %-22s %s\n", c->verb, c->summary);
  fprintf(f, "  pcn %-22s %s\n", "feed", feed_cmds[0].summary);
  fprintf(f, "\nRecords:\n");
  for (size_t i = 0; i < sizeof nouns / sizeof nouns[0]; i++)
    fprintf(f, "  pcn %-22s %s\n", nouns[i][0], nouns[i][1]);
  fprintf(f, "\nEvery command takes --help, --json (output for scripts) and\n"
             "--server HOST:PORT (or PCN_SERVER) to use another server.\n"
             "Exit codes: 0 done, 1 usage error, 2 the server refused,\n"
             "3 cannot connect or TLS failed.\n\n"
             "Start with the `pcn join ...` line your PCN manager sent you.\n");
}

static void help_noun(const char *noun) {
  printf("Usage: pcn %s VERB [options]\n\n", noun);
  for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
    for (const cli_cmd *c = tables[t]; c->verb; c++)
      if (c->noun && strcmp(c->noun, noun) == 0)
        printf("  pcn %s %-16s %s\n", noun, c->verb, c->summary);
  printf("\n`pcn %s VERB --help` shows a verb's options and an example.\n",
         noun);
}

static void help_cmd(const cli_cmd *c) {
  printf("Usage: pcn %s%s%s%s%s [options]\n\n%s\n", c->noun ? c->noun : "",
         c->noun ? " " : "", c->verb, c->args ? " " : "",
         c->args ? c->args : "", c->summary);
  printf("\nOptions:\n");
  for (int i = 0; i < CLI_MAX_OPTS && c->opts[i].name; i++) {
    char left[64];
    snprintf(left, sizeof left, "--%s%s%s", c->opts[i].name,
             c->opts[i].arg ? " " : "", c->opts[i].arg ? c->opts[i].arg : "");
    printf("  %-24s %s\n", left, c->opts[i].help);
  }
  printf("  %-24s %s\n", "--json", "print JSON for scripts");
  printf("  %-24s %s\n", "--server HOST:PORT", "use another server");
  if (c->example) printf("\nExample:\n  %s\n", c->example);
}

static const cli_cmd *find(const char *noun, const char *verb) {
  for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
    for (const cli_cmd *c = tables[t]; c->verb; c++) {
      if (noun && c->noun && !strcmp(c->noun, noun) && verb &&
          !strcmp(c->verb, verb))
        return c;
      if (!noun && !c->noun && verb && !strcmp(c->verb, verb)) return c;
    }
  return NULL;
}

static int is_noun(const char *s) {
  for (size_t i = 0; i < sizeof nouns / sizeof nouns[0]; i++)
    if (!strcmp(nouns[i][0], s)) return 1;
  return 0;
}

const char *cli_opt_val(cli_ctx *c, const char *name) {
  for (int i = 0; i < CLI_MAX_OPTS && c->cmd->opts[i].name; i++)
    if (!strcmp(c->cmd->opts[i].name, name)) return c->val[i];
  return NULL;
}

int cli_has(cli_ctx *c, const char *name) {
  return cli_opt_val(c, name) != NULL;
}

int cli_usage(cli_ctx *c, const char *fmt, ...) {
  fprintf(stderr, "pcn%s%s %s: ", c->cmd->noun ? " " : "",
          c->cmd->noun ? c->cmd->noun : "", c->cmd->verb);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return EXIT_USAGE;
}

int cli_check_date(cli_ctx *c, const char *opt, const char *value) {
  int32_t d;
  if (!value || pcn_date_parse(value, &d) == 0) return 0;
  cli_usage(c, "--%s takes a date as YYYY-MM-DD, such as 2026-03-31.", opt);
  return -1;
}

int cli_parse_u64(cli_ctx *c, const char *what, const char *s, uint64_t *out) {
  char *end;
  unsigned long long v = s && *s && *s != '-' ? strtoull(s, &end, 10) : 0;
  if (!s || !*s || *s == '-' || *end || v == 0) {
    cli_usage(c, "%s must be a whole number above 0, not '%s'.", what,
              s ? s : "");
    return -1;
  }
  *out = v;
  return 0;
}

/* Parses argv (after NOUN VERB) into c. EXIT_DONE, or EXIT_USAGE after
 * saying why; *help set when --help was asked for. */
static int parse(cli_ctx *c, int argc, char **argv, int *help) {
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, "--", 2) != 0 || a[2] == 0) {
      /* A list ("[ID...]", nargs -1) takes as many as are given; argv
       * has room for them all (c->arg is argc long). */
      if (c->cmd->nargs >= 0 && c->nargs >= c->cmd->nargs)
        return cli_usage(c, "unexpected argument '%s'; see --help.", a);
      c->arg[c->nargs++] = a;
      continue;
    }
    char name[64];
    const char *eq = strchr(a + 2, '=');
    size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
    snprintf(name, sizeof name, "%.*s", (int)n, a + 2);
    if (!strcmp(name, "help")) {
      *help = 1;
      return EXIT_DONE;
    }
    if (!strcmp(name, "json") && !eq) {
      c->json = 1;
      continue;
    }
    if (!strcmp(name, "server")) {
      c->server = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
      if (!c->server) return cli_usage(c, "--server needs HOST:PORT.");
      continue;
    }
    int k = -1;
    for (int j = 0; j < CLI_MAX_OPTS && c->cmd->opts[j].name; j++)
      if (!strcmp(c->cmd->opts[j].name, name)) k = j;
    if (k < 0) return cli_usage(c, "no option --%s; see --help.", name);
    if (!c->cmd->opts[k].arg) {
      if (eq) return cli_usage(c, "--%s takes no value.", name);
      c->val[k] = "";
    } else if (eq) {
      c->val[k] = eq + 1;
    } else if (i + 1 < argc) {
      c->val[k] = argv[++i];
    } else {
      return cli_usage(c, "--%s needs %s.", name, c->cmd->opts[k].arg);
    }
  }
  /* What a synopsis puts in brackets ("[ID]", "ACTION [ID]") is
   * optional: only the words before the first '[' are needed. */
  int need = 0;
  for (const char *p = c->cmd->args; p && *p && *p != '['; p++)
    if (*p != ' ' && (p == c->cmd->args || p[-1] == ' ')) need++;
  if (c->nargs < need)
    return cli_usage(c, "needs %s; see --help.", c->cmd->args);
  return EXIT_DONE;
}

int main(int argc, char **argv) {
  cli_platform_init(&argc, &argv);
  if (argc < 2) {
    help_main(stderr);
    return EXIT_USAGE;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
    help_main(stdout);
    return EXIT_DONE;
  }
  if (!strcmp(argv[1], "--version")) {
    printf("pcn %s\n", PCN_VERSION);
    return EXIT_DONE;
  }
  const cli_cmd *cmd;
  int skip;
  if (is_noun(argv[1])) {
    if (argc < 3 || !strcmp(argv[2], "--help")) {
      help_noun(argv[1]);
      return argc < 3 ? EXIT_USAGE : EXIT_DONE;
    }
    cmd = find(argv[1], argv[2]);
    if (!cmd) {
      fprintf(stderr, "pcn %s: no verb '%s'; try `pcn %s --help`.\n", argv[1],
              argv[2], argv[1]);
      return EXIT_USAGE;
    }
    skip = 3;
  } else {
    cmd = find(NULL, argv[1]);
    if (!cmd) {
      fprintf(stderr, "pcn: no command '%s'; try `pcn --help`.\n", argv[1]);
      return EXIT_USAGE;
    }
    skip = 2;
  }
  cli_ctx c;
  memset(&c, 0, sizeof c);
  c.cmd = cmd;
  /* Room for every word as a positional: no fixed limit, and a command
   * reading arg[k] past nargs finds NULL. (No VLA: client/ builds with
   * MSVC too.) */
  c.arg = calloc((size_t)argc + 1, sizeof *c.arg);
  if (!c.arg) {
    fprintf(stderr, "pcn: out of memory.\n");
    return EXIT_USAGE;
  }
  int help = 0;
  int rc = parse(&c, argc - skip, argv + skip, &help);
  if (rc == EXIT_DONE && help) help_cmd(cmd);
  if (rc != EXIT_DONE || help) {
    free(c.arg);
    return rc;
  }
  if (!c.server) c.server = getenv("PCN_SERVER");
  if (c.server && !*c.server) c.server = NULL;
  rc = cmd->run(&c);
  if (c.s) pcn_sync_close(c.s);
  pcn_config_free(&c.cfg);
  free(c.arg);
  return rc;
}
