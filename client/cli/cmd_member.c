/* cmd_member.c - pcn member invite|list|show|disable|enable|role|email. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "validate.h"

static void member_show(const Pcn__Member *m) {
  char t[20];
  cli_kv("username:", "%s", m->username);
  cli_kv("name:", "%s", m->display_name);
  cli_kv("role:", "%s", pcn_role_name(m->role));
  cli_kv("practice:", "%s", m->practice[0] ? m->practice : "-");
  cli_kv("status:", "%s", m->disabled ? "disabled" : "active");
  cli_kv("e-mail:", "%s", m->email[0] ? m->email : "-");
  cli_kv("version:", "%u", m->version);
  cli_format_time(m->created_at, t);
  cli_kv("joined:", "%s", t);
}

static int print_member(cli_ctx *c, const Pcn__Member *m) {
  if (c->json)
    cli_print_json(pb_to_json((const ProtobufCMessage *)m));
  else
    member_show(m);
  return EXIT_DONE;
}

static int parse_role(cli_ctx *c, int *role) {
  const char *r = cli_opt_val(c, "role");
  *role = r ? pcn_role_parse(r) : 0;
  if (!*role)
    return cli_usage(c, "--role takes pcn_manager, clinical_director, "
                        "practice_manager, staff or clinician.");
  return EXIT_DONE;
}

static int invite_run(cli_ctx *c) {
  Pcn__MemberInvite inv = PCN__MEMBER_INVITE__INIT;
  int role;
  inv.username = (char *)cli_opt_val(c, "username");
  inv.display_name = (char *)cli_opt_val(c, "name");
  if (!inv.username || !inv.display_name)
    return cli_usage(c, "--username and --name are required.");
  if (parse_role(c, &role)) return EXIT_USAGE;
  inv.role = role;
  inv.practice =
      (char *)(cli_has(c, "practice") ? cli_opt_val(c, "practice") : "");
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEMBER_INVITE;
  req.member_invite = &inv;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  if (c->json) {
    cli_print_json(pb_to_json((const ProtobufCMessage *)r->invitation));
    return EXIT_DONE;
  }
  char t[20];
  cli_format_time(r->invitation->expires_at, t);
  printf("Invited %s. Send them this one line (it works once, until %s):\n"
         "  pcn join %s\n",
         r->invitation->username, t, r->invitation->code);
  return EXIT_DONE;
}

static int list_run(cli_ctx *c) {
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__MemberList l = PCN__MEMBER_LIST__INIT;
  l.practice =
      (char *)(cli_has(c, "practice") ? cli_opt_val(c, "practice") : "");
  l.include_disabled = cli_has(c, "all");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEMBER_LIST;
  req.member_list = &l;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  if (c->json) {
    cli_print_json(pb_to_json((const ProtobufCMessage *)r->members));
    return EXIT_DONE;
  }
  printf("%-16s %-18s %-8s %-9s %-30s %s\n", "USERNAME", "ROLE", "PRACTICE",
         "STATUS", "E-MAIL", "NAME");
  for (size_t i = 0; i < r->members->n_members; i++) {
    const Pcn__Member *m = r->members->members[i];
    printf("%-16s %-18s %-8s %-9s %-30s %s\n", m->username,
           pcn_role_name(m->role), m->practice[0] ? m->practice : "-",
           m->disabled ? "disabled" : "active", m->email[0] ? m->email : "-",
           m->display_name);
  }
  return EXIT_DONE;
}

static const Pcn__Response *member_req(cli_ctx *c, Pcn__Request *req, int *rc) {
  *rc = cli_connect(c, 1);
  return *rc ? NULL : cli_call(c, req, rc);
}

static int show_run(cli_ctx *c) {
  Pcn__MemberGet g = PCN__MEMBER_GET__INIT;
  g.username = (char *)c->arg[0];
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEMBER_GET;
  req.member_get = &g;
  int rc;
  const Pcn__Response *r = member_req(c, &req, &rc);
  return r ? print_member(c, r->member) : rc;
}

static int disable_run(cli_ctx *c) {
  Pcn__MemberDisable d = PCN__MEMBER_DISABLE__INIT;
  d.username = (char *)c->arg[0];
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEMBER_DISABLE;
  req.member_disable = &d;
  int rc;
  const Pcn__Response *r = member_req(c, &req, &rc);
  if (!r) return rc;
  if (!c->json)
    printf("%s is disabled; their sessions have ended.\n", d.username);
  return c->json ? print_member(c, r->member) : EXIT_DONE;
}

/* Issue 19: the way back from disable. Their old sessions stay ended, so
 * the message says they log in again. */
static int enable_run(cli_ctx *c) {
  Pcn__MemberEnable e = PCN__MEMBER_ENABLE__INIT;
  e.username = (char *)c->arg[0];
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEMBER_ENABLE;
  req.member_enable = &e;
  int rc;
  const Pcn__Response *r = member_req(c, &req, &rc);
  if (!r) return rc;
  if (!c->json)
    printf("%s is enabled again; they can log in with their password.\n",
           e.username);
  return c->json ? print_member(c, r->member) : EXIT_DONE;
}

static int role_run(cli_ctx *c) {
  Pcn__MemberSetRole s = PCN__MEMBER_SET_ROLE__INIT;
  int role;
  if (parse_role(c, &role)) return EXIT_USAGE;
  s.username = (char *)c->arg[0];
  s.role = role;
  s.practice =
      (char *)(cli_has(c, "practice") ? cli_opt_val(c, "practice") : "");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEMBER_SET_ROLE;
  req.member_set_role = &s;
  int rc;
  const Pcn__Response *r = member_req(c, &req, &rc);
  return r ? print_member(c, r->member) : rc;
}

/* The address is checked here too, so a typo is caught before the
 * network is asked; the server checks it again (the same rule). */
static int email_run(cli_ctx *c) {
  Pcn__MemberSetEmail e = PCN__MEMBER_SET_EMAIL__INIT;
  e.username = (char *)c->arg[0];
  e.email = (char *)(strcmp(c->arg[1], "-") ? c->arg[1] : "");
  if (e.email[0] && pcn_check_email(e.email))
    return cli_usage(c, "%s Give - to remove the address.",
                     pcn_check_email(e.email));
  if (cli_has(c, "version")) {
    uint64_t v;
    if (cli_parse_u64(c, "--version", cli_opt_val(c, "version"), &v))
      return EXIT_USAGE;
    e.version = (uint32_t)v;
  }
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEMBER_SET_EMAIL;
  req.member_set_email = &e;
  int rc;
  const Pcn__Response *r = member_req(c, &req, &rc);
  return r ? print_member(c, r->member) : rc;
}

#define PRACTICE_OPT                                                           \
  {                                                                            \
    "practice", "ODS",                                                         \
        "their practice (practice_manager, staff and clinician only)"          \
  }

const cli_cmd member_cmds[] = {
    {"member",
     "invite",
     NULL,
     0,
     "invite someone; prints the one line they run to join",
     "pcn member invite --username jo --name \"Jo Bloggs\" --role "
     "practice_manager --practice F84001",
     {{"username", "NAME", "their username: a-z, 0-9, . _ -"},
      {"name", "TEXT", "their name as people know it"},
      {"role", "ROLE",
       "pcn_manager, clinical_director, practice_manager, staff or "
       "clinician (a practice's GP)"},
      PRACTICE_OPT},
     invite_run},
    {"member",
     "list",
     NULL,
     0,
     "list the network's members",
     "pcn member list --practice F84001",
     {{"practice", "ODS", "only this practice's members"},
      {"all", NULL, "include disabled members"}},
     list_run},
    {"member",
     "show",
     "USERNAME",
     1,
     "show one member",
     "pcn member show jo",
     {{0}},
     show_run},
    {"member",
     "disable",
     "USERNAME",
     1,
     "disable a member: their sessions end and they are disconnected",
     "pcn member disable jo",
     {{0}},
     disable_run},
    {"member",
     "enable",
     "USERNAME",
     1,
     "enable a disabled member again (PCN manager only); they log in afresh",
     "pcn member enable jo",
     {{0}},
     enable_run},
    {"member",
     "role",
     "USERNAME",
     1,
     "change a member's role or practice",
     "pcn member role jo --role staff --practice F84001",
     {{"role", "ROLE",
       "pcn_manager, clinical_director, practice_manager, staff or "
       "clinician (a practice's GP)"},
      PRACTICE_OPT},
     role_run},
    {"member",
     "email",
     "USERNAME ADDRESS",
     2,
     "set a member's e-mail address (your own, or a member you manage); - "
     "removes it. Calendar files name invitees by it",
     "pcn member email jo jo.bloggs@nhs.net",
     {CLI_VERSION_OPT},
     email_run},
    {0},
};
