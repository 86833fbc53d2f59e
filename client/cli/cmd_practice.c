/* cmd_practice.c - pcn practice add|list|show|update. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void practice_show(const Pcn__Practice *p) {
  char t[20];
  cli_kv("ods:", "%s", p->ods);
  cli_kv("name:", "%s", p->name);
  if (p->list_size_from[0])
    cli_kv("list size:", "%u (from %s)", p->list_size, p->list_size_from);
  else
    cli_kv("list size:", "%u", p->list_size);
  cli_kv("version:", "%u", p->version);
  cli_format_time(p->updated_at, t);
  cli_kv("updated:", "%s", t);
}

static int print_practice(cli_ctx *c, const Pcn__Practice *p) {
  if (c->json)
    cli_print_json(pb_to_json((const ProtobufCMessage *)p));
  else
    practice_show(p);
  return EXIT_DONE;
}

static int parse_list_size(cli_ctx *c, uint32_t *out) {
  const char *v = cli_opt_val(c, "list-size");
  char *end;
  long n = v ? strtol(v, &end, 10) : -1;
  if (!v || !*v || *end || n < 0 || n > 10000000)
    return cli_usage(c, "--list-size takes the number of registered "
                        "patients, such as 12000.");
  *out = (uint32_t)n;
  return EXIT_DONE;
}

/* --from DATE: the date a --list-size applies from. */
static int parse_from(cli_ctx *c, int has_list, char **out) {
  const char *v = cli_opt_val(c, "from");
  if (!cli_has(c, "from")) return EXIT_DONE;
  if (!has_list) return cli_usage(c, "--from dates a --list-size; give both.");
  if (!v || cli_check_date(c, "from", v)) return EXIT_USAGE;
  *out = (char *)v;
  return EXIT_DONE;
}

static int add_run(cli_ctx *c) {
  Pcn__PracticeAdd a = PCN__PRACTICE_ADD__INIT;
  a.ods = (char *)cli_opt_val(c, "ods");
  a.name = (char *)cli_opt_val(c, "name");
  if (!a.ods || !a.name) return cli_usage(c, "--ods and --name are required.");
  if (cli_has(c, "list-size") && parse_list_size(c, &a.list_size))
    return EXIT_USAGE;
  if (parse_from(c, cli_has(c, "list-size"), &a.list_size_from))
    return EXIT_USAGE;
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_PRACTICE_ADD;
  req.practice_add = &a;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  return r ? print_practice(c, r->practice) : rc;
}

static int list_run(cli_ctx *c) {
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__PracticeList l = PCN__PRACTICE_LIST__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_PRACTICE_LIST;
  req.practice_list = &l;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  if (c->json) {
    cli_print_json(pb_to_json((const ProtobufCMessage *)r->practices));
    return EXIT_DONE;
  }
  if (!r->practices->n_practices) {
    printf("No practices yet. Add one: pcn practice add --ods F84001 --name "
           "\"Riverside Surgery\" --list-size 12000\n");
    return EXIT_DONE;
  }
  printf("%-7s %10s %-10s  %s\n", "ODS", "LIST SIZE", "FROM", "NAME");
  for (size_t i = 0; i < r->practices->n_practices; i++) {
    const Pcn__Practice *p = r->practices->practices[i];
    printf("%-7s %10u %-10s  %s\n", p->ods, p->list_size,
           p->list_size_from[0] ? p->list_size_from
           : p->list_size       ? "as added"
                                : "-",
           p->name);
  }
  return EXIT_DONE;
}

static int show_run(cli_ctx *c) {
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__PracticeGet g = PCN__PRACTICE_GET__INIT;
  g.ods = (char *)c->arg[0];
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_PRACTICE_GET;
  req.practice_get = &g;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  return r ? print_practice(c, r->practice) : rc;
}

static int update_run(cli_ctx *c) {
  Pcn__PracticeUpdate u = PCN__PRACTICE_UPDATE__INIT;
  u.ods = (char *)c->arg[0];
  if (cli_has(c, "name")) {
    u.has_name_case = PCN__PRACTICE_UPDATE__HAS_NAME_NAME;
    u.name = (char *)cli_opt_val(c, "name");
  }
  if (cli_has(c, "list-size")) {
    if (parse_list_size(c, &u.list_size)) return EXIT_USAGE;
    u.has_list_size_case = PCN__PRACTICE_UPDATE__HAS_LIST_SIZE_LIST_SIZE;
  }
  if (parse_from(c, u.has_list_size_case != 0, &u.list_size_from))
    return EXIT_USAGE;
  if (!u.has_name_case && !u.has_list_size_case)
    return cli_usage(c, "give --name or --list-size (or both).");
  if (cli_has(c, "version")) {
    uint64_t v;
    if (cli_parse_u64(c, "--version", cli_opt_val(c, "version"), &v))
      return EXIT_USAGE;
    u.version = (uint32_t)v;
  }
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_PRACTICE_UPDATE;
  req.practice_update = &u;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  return r ? print_practice(c, r->practice) : rc;
}

const cli_cmd practice_cmds[] = {
    {"practice",
     "add",
     NULL,
     0,
     "add a practice to the network (PCN manager); its list size is its "
     "first figure (pcn funds figures), in force from the start unless "
     "--from dates it",
     "pcn practice add --ods F84001 --name \"Riverside Surgery\" --list-size "
     "12000",
     {{"ods", "CODE", "ODS code: a letter and five letters or digits"},
      {"name", "NAME", "the practice's name"},
      {"list-size", "N", "registered patients"},
      {"from", "DATE", "the date the list size applies from (optional)"}},
     add_run},
    {"practice",
     "list",
     NULL,
     0,
     "list the network's practices, each with its list size in force "
     "today and the date that figure applies from",
     "pcn practice list",
     {{0}},
     list_run},
    {"practice",
     "show",
     "ODS",
     1,
     "show one practice",
     "pcn practice show F84001",
     {{0}},
     show_run},
    {"practice",
     "update",
     "ODS",
     1,
     "change a practice's name, or record its list size as a figure from "
     "today (or --from DATE), keeping that date's weighted population and "
     "locality; distributions, expected income and the equity report use it",
     "pcn practice update F84001 --list-size 12150 --from 2026-12-01",
     {{"name", "NAME", "a new name"},
      {"list-size", "N", "registered patients"},
      {"from", "DATE", "the date the list size applies from (default today)"},
      CLI_VERSION_OPT},
     update_run},
    {0},
};
