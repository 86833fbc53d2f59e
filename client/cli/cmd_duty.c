/* cmd_duty.c - pcn duty list|show|add|update|remove|agree|disagree: the
 * responsibilities register, and each practice's position on it (agreed,
 * disagrees with a reason, or pending). `show` is where an entry's version
 * is read, as `task show` is for tasks; `update` names it, and a stale one
 * is answered with the entry as it stands (CONFLICT), as for tasks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct {
  const char *word, *shown;
  int owner;
} owners[] = {
    {"pcn-manager", "PCN manager", PCN__DUTY_OWNER__DUTY_PCN_MANAGER},
    {"practice-managers", "each practice manager",
     PCN__DUTY_OWNER__DUTY_PRACTICE_MANAGERS},
    {"clinical-director", "clinical director",
     PCN__DUTY_OWNER__DUTY_CLINICAL_DIRECTOR},
    {"shared", "shared", PCN__DUTY_OWNER__DUTY_SHARED},
};
#define N_OWNERS (sizeof owners / sizeof owners[0])

static const char *owner_shown(int owner) {
  for (size_t i = 0; i < N_OWNERS; i++)
    if (owners[i].owner == owner) return owners[i].shown;
  return "?";
}

/* --owner WORD (underscores for hyphens too); 0, or usage error -1. */
static int parse_owner(cli_ctx *c, const char *s, int *owner) {
  char w[40];
  snprintf(w, sizeof w, "%s", s);
  for (char *p = w; *p; p++)
    if (*p == '_') *p = '-';
  for (size_t i = 0; i < N_OWNERS; i++)
    if (!strcmp(w, owners[i].word)) {
      *owner = owners[i].owner;
      return 0;
    }
  cli_usage(c, "--owner takes pcn-manager, practice-managers, "
               "clinical-director or shared.");
  return -1;
}

static void duty_show(const Pcn__Duty *d) {
  char tm[20];
  cli_kv("entry:", "%llu", (unsigned long long)d->id);
  cli_kv("area:", "%s", d->title);
  cli_kv("owner:", "%s", owner_shown(d->owner));
  cli_kv("review:", "%s%s", d->review_date,
         d->review_due ? " (review due)" : "");
  cli_kv("version:", "%u", d->version);
  cli_format_time(d->updated_at, tm);
  cli_kv("changed:", "%s by %s", tm, d->updated_by[0] ? d->updated_by : "pcnd");
  if (d->n_cleared) {
    printf("%-12s ", "cleared:");
    for (size_t i = 0; i < d->n_cleared; i++)
      printf("%s%s", i ? ", " : "", d->cleared[i]);
    printf(" (to agree again)\n");
  } else if (d->n_changed && d->substance_version &&
             d->substance_version < d->version) {
    cli_kv("agreements:", "stand (only the review date changed)");
  }
  printf("\n%s\n", d->owner_does);
}

/* Sends a request answered with an entry. A CONFLICT shows the entry as
 * it stands, so nobody changes or agrees what they have not read. */
static int duty_call(cli_ctx *c, Pcn__Request *req) {
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  const Pcn__Response *r = pcn_sync_call(c->s, req);
  if (r->status->code == PCN__STATUS_CODE__CONFLICT &&
      r->body_case == PCN__RESPONSE__BODY_DUTY) {
    fprintf(stderr, "pcn: %s\n", r->status->message);
    if (c->json) {
      json_t *j = pb_to_json((const ProtobufCMessage *)r->duty);
      char *s = json_dumps(j, 0);
      if (s) fprintf(stderr, "%s\n", s);
      free(s);
      json_decref(j);
    } else {
      fprintf(stderr, "The entry as it stands:\n");
      fflush(stderr);
      duty_show(r->duty);
    }
    return EXIT_REFUSED;
  }
  r = cli_answer(c, r, &rc);
  if (!r) return rc;
  if (r->body_case == PCN__RESPONSE__BODY_DUTY) {
    if (c->json)
      cli_print_json(pb_to_json((const ProtobufCMessage *)r->duty));
    else
      duty_show(r->duty);
  } else if (r->body_case == PCN__RESPONSE__BODY_DUTY_DISAGREEMENT) {
    const Pcn__DutyDisagreement *x = r->duty_disagreement;
    if (c->json)
      cli_print_json(pb_to_json((const ProtobufCMessage *)x));
    else
      printf("%s disagrees with %llu %s (version %u): %s\n", x->practice,
             (unsigned long long)x->duty_id, x->duty_title, x->duty_version,
             x->reason);
  } else if (r->body_case == PCN__RESPONSE__BODY_DUTY_AGREED) {
    const Pcn__DutyAgreed *a = r->duty_agreed;
    if (c->json) {
      cli_print_json(pb_to_json((const ProtobufCMessage *)a));
      return EXIT_DONE;
    }
    for (size_t i = 0; i < a->n_agreements; i++)
      printf("%s agreed %llu %s (version %u)\n", a->agreements[i]->practice,
             (unsigned long long)a->agreements[i]->duty_id,
             a->agreements[i]->duty_title, a->agreements[i]->duty_version);
  }
  return EXIT_DONE;
}

static int parse_version(cli_ctx *c, uint32_t *v) {
  *v = 0;
  if (!cli_has(c, "version")) return 0;
  uint64_t x;
  if (cli_parse_u64(c, "--version", cli_opt_val(c, "version"), &x)) return -1;
  *v = (uint32_t)x;
  return 0;
}

/* ------------------------------------------------------------ list */

static int agreed(const Pcn__DutyRegister *reg, uint64_t id, const char *ods) {
  for (size_t i = 0; i < reg->n_agreements; i++)
    if (reg->agreements[i]->duty_id == id &&
        !strcmp(reg->agreements[i]->practice, ods))
      return 1;
  return 0;
}

static const Pcn__DutyDisagreement *disagreement(const Pcn__DutyRegister *reg,
                                                 uint64_t id, const char *ods) {
  for (size_t i = 0; i < reg->n_disagreements; i++)
    if (reg->disagreements[i]->duty_id == id &&
        !strcmp(reg->disagreements[i]->practice, ods))
      return reg->disagreements[i];
  return NULL;
}

static const char *position(const Pcn__DutyRegister *reg, uint64_t id,
                            const char *ods) {
  return agreed(reg, id, ods)         ? "agreed"
         : disagreement(reg, id, ods) ? "DISAGREES"
                                      : "pending";
}

/* Each disagreement in force, with its reason, under the table. */
static void print_disagreements(const Pcn__DutyRegister *reg) {
  if (!reg->n_disagreements) return;
  printf("\nDisagreements:\n");
  for (size_t i = 0; i < reg->n_disagreements; i++) {
    const Pcn__DutyDisagreement *x = reg->disagreements[i];
    char tm[20];
    cli_format_time(x->at, tm);
    printf("  %llu %s: %s (%s, %s): %s\n", (unsigned long long)x->duty_id,
           x->duty_title, x->practice, x->by, tm, x->reason);
  }
}

/* Entries down, practices across: "agreed", "DISAGREES" or "pending" in
 * each cell; the reasons follow the table. */
static void print_matrix(const Pcn__DutyRegister *reg, int detail,
                         int pending_only, const char *mine) {
  if (!reg->n_duties) {
    printf("The register is empty; the PCN manager adds entries with pcn "
           "duty add.\n");
    return;
  }
  printf("%4s  %-21s %-22s", "ID", "OWNER", "REVIEW");
  for (size_t p = 0; p < reg->n_practices; p++)
    printf(" %-8s", reg->practices[p]->ods);
  printf(" AREA OF WORK\n");
  size_t shown = 0;
  for (size_t i = 0; i < reg->n_duties; i++) {
    const Pcn__Duty *d = reg->duties[i];
    if (pending_only && mine[0] && agreed(reg, d->id, mine)) continue;
    if (pending_only && !mine[0]) {
      size_t n = 0;
      for (size_t p = 0; p < reg->n_practices; p++)
        n += (size_t)agreed(reg, d->id, reg->practices[p]->ods);
      if (n == reg->n_practices) continue;
    }
    char review[32];
    snprintf(review, sizeof review, "%s%s", d->review_date,
             d->review_due ? " review due" : "");
    printf("%4llu  %-21s %-22s", (unsigned long long)d->id,
           owner_shown(d->owner), review);
    for (size_t p = 0; p < reg->n_practices; p++)
      printf(" %-8s", position(reg, d->id, reg->practices[p]->ods));
    printf(" %s\n", d->title);
    if (detail) printf("      %s (version %u)\n", d->owner_does, d->version);
    shown++;
  }
  if (!shown) printf("Nothing pending.\n");
  printf("\n");
  for (size_t p = 0; p < reg->n_practices; p++) {
    size_t n = 0;
    for (size_t i = 0; i < reg->n_duties; i++)
      n += (size_t)agreed(reg, reg->duties[i]->id, reg->practices[p]->ods);
    size_t no = 0;
    for (size_t i = 0; i < reg->n_duties; i++)
      no += disagreement(reg, reg->duties[i]->id, reg->practices[p]->ods) != 0;
    printf("%s %s: %zu of %zu agreed", reg->practices[p]->ods,
           reg->practices[p]->name, n, reg->n_duties);
    if (no) printf(", disagrees with %zu", no);
    printf("\n");
  }
  print_disagreements(reg);
}

static int list_run(cli_ctx *c) {
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  char mine[8] = "";
  if (cli_has(c, "pending")) { /* whose pending: my practice's, or anyone's */
    Pcn__WhoAmI w = PCN__WHO_AM_I__INIT;
    Pcn__Request wr = PCN__REQUEST__INIT;
    wr.body_case = PCN__REQUEST__BODY_WHOAMI;
    wr.whoami = &w;
    const Pcn__Response *me = cli_call(c, &wr, &rc);
    if (!me) return rc;
    snprintf(mine, sizeof mine, "%s", me->member->practice);
  }
  Pcn__DutyList l = PCN__DUTY_LIST__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DUTY_LIST;
  req.duty_list = &l;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  if (c->json)
    cli_print_json(pb_to_json((const ProtobufCMessage *)r->duty_register));
  else
    print_matrix(r->duty_register, cli_has(c, "detail"), cli_has(c, "pending"),
                 mine);
  return EXIT_DONE;
}

/* ------------------------------------------------------------ show */

/* One entry, from the register (every member may read it all): what it
 * says, its version (what update, remove and agree name) and every
 * practice's position on it. */
static void print_entry(const Pcn__DutyRegister *reg, const Pcn__Duty *d) {
  duty_show(d);
  printf("\n");
  for (size_t p = 0; p < reg->n_practices; p++) {
    const char *ods = reg->practices[p]->ods;
    const Pcn__DutyDisagreement *x = disagreement(reg, d->id, ods);
    printf("%-8s %-9s %s", ods, position(reg, d->id, ods),
           reg->practices[p]->name);
    if (x) printf(": \"%s\" (%s)", x->reason, x->by);
    printf("\n");
  }
}

static int show_run(cli_ctx *c) {
  uint64_t id;
  if (cli_parse_u64(c, "the entry ID", c->arg[0], &id)) return EXIT_USAGE;
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__DutyList l = PCN__DUTY_LIST__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DUTY_LIST;
  req.duty_list = &l;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  const Pcn__DutyRegister *reg = r->duty_register;
  for (size_t i = 0; i < reg->n_duties; i++) {
    const Pcn__Duty *d = reg->duties[i];
    if (d->id != id) continue;
    if (!c->json) {
      print_entry(reg, d);
      return EXIT_DONE;
    }
    /* The entry, with the positions on it only. */
    json_t *j = json_object();
    json_object_set_new(j, "duty", pb_to_json((const ProtobufCMessage *)d));
    json_t *ag = json_array(), *dis = json_array();
    for (size_t k = 0; k < reg->n_agreements; k++)
      if (reg->agreements[k]->duty_id == id)
        json_array_append_new(
            ag, pb_to_json((const ProtobufCMessage *)reg->agreements[k]));
    for (size_t k = 0; k < reg->n_disagreements; k++)
      if (reg->disagreements[k]->duty_id == id)
        json_array_append_new(
            dis, pb_to_json((const ProtobufCMessage *)reg->disagreements[k]));
    json_object_set_new(j, "agreements", ag);
    json_object_set_new(j, "disagreements", dis);
    cli_print_json(j);
    return EXIT_DONE;
  }
  fprintf(stderr,
          "pcn: No entry %llu in the register; `pcn duty list` shows them.\n",
          (unsigned long long)id);
  return EXIT_REFUSED;
}

/* ------------------------------------------------------------ changes */

static int add_run(cli_ctx *c) {
  Pcn__DutyAdd a = PCN__DUTY_ADD__INIT;
  a.title = (char *)cli_opt_val(c, "title");
  a.owner_does = (char *)cli_opt_val(c, "does");
  a.review_date = (char *)cli_opt_val(c, "review");
  const char *owner = cli_opt_val(c, "owner");
  if (!a.title || !owner || !a.owner_does || !a.review_date)
    return cli_usage(c, "--title, --owner, --does and --review are all "
                        "required.");
  if (parse_owner(c, owner, (int *)&a.owner) ||
      cli_check_date(c, "review", a.review_date))
    return EXIT_USAGE;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DUTY_ADD;
  req.duty_add = &a;
  return duty_call(c, &req);
}

static int update_run(cli_ctx *c) {
  Pcn__DutyUpdate u = PCN__DUTY_UPDATE__INIT;
  if (cli_parse_u64(c, "the entry ID", c->arg[0], &u.id) ||
      parse_version(c, &u.version))
    return EXIT_USAGE;
  if (!u.version)
    return cli_usage(c,
                     "--version V is required: the version you read "
                     "(pcn duty show %s).",
                     c->arg[0]);
  if (cli_has(c, "title")) {
    u.has_title_case = PCN__DUTY_UPDATE__HAS_TITLE_TITLE;
    u.title = (char *)cli_opt_val(c, "title");
  }
  if (cli_has(c, "owner")) {
    u.has_owner_case = PCN__DUTY_UPDATE__HAS_OWNER_OWNER;
    if (parse_owner(c, cli_opt_val(c, "owner"), (int *)&u.owner))
      return EXIT_USAGE;
  }
  if (cli_has(c, "does")) {
    u.has_owner_does_case = PCN__DUTY_UPDATE__HAS_OWNER_DOES_OWNER_DOES;
    u.owner_does = (char *)cli_opt_val(c, "does");
  }
  if (cli_has(c, "review")) {
    if (cli_check_date(c, "review", cli_opt_val(c, "review")))
      return EXIT_USAGE;
    u.has_review_date_case = PCN__DUTY_UPDATE__HAS_REVIEW_DATE_REVIEW_DATE;
    u.review_date = (char *)cli_opt_val(c, "review");
  }
  if (!u.has_title_case && !u.has_owner_case && !u.has_owner_does_case &&
      !u.has_review_date_case)
    return cli_usage(c, "nothing to change: give --title, --owner, --does or "
                        "--review.");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DUTY_UPDATE;
  req.duty_update = &u;
  return duty_call(c, &req);
}

static int remove_run(cli_ctx *c) {
  Pcn__DutyRemove d = PCN__DUTY_REMOVE__INIT;
  if (cli_parse_u64(c, "the entry ID", c->arg[0], &d.id) ||
      parse_version(c, &d.version))
    return EXIT_USAGE;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DUTY_REMOVE;
  req.duty_remove = &d;
  return duty_call(c, &req);
}

static int agree_send(cli_ctx *c, Pcn__DutyAgree *a, Pcn__DutyVersion *v,
                      Pcn__DutyVersion **vp, uint32_t version) {
  for (int i = 0; i < c->nargs; i++) {
    pcn__duty_version__init(&v[i]);
    if (cli_parse_u64(c, "the entry ID", c->arg[i], &v[i].id))
      return EXIT_USAGE;
    v[i].version = version;
    vp[i] = &v[i];
  }
  a->n_entries = (size_t)c->nargs;
  a->entries = vp;
  a->practice =
      (char *)(cli_has(c, "practice") ? cli_opt_val(c, "practice") : "");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DUTY_AGREE;
  req.duty_agree = a;
  return duty_call(c, &req);
}

/* As many IDs as were given, in one request (one transaction). */
static int agree_run(cli_ctx *c) {
  Pcn__DutyAgree a = PCN__DUTY_AGREE__INIT;
  a.all = cli_has(c, "all");
  if (a.all == (c->nargs > 0))
    return cli_usage(c, "give the entry IDs to agree, or --all.");
  uint32_t version;
  if (parse_version(c, &version)) return EXIT_USAGE;
  if (version && c->nargs != 1)
    return cli_usage(c, "--version goes with one entry ID.");
  size_t n = (size_t)c->nargs + 1;
  Pcn__DutyVersion *v = calloc(n, sizeof *v);
  Pcn__DutyVersion **vp = calloc(n, sizeof *vp);
  int rc = v && vp ? agree_send(c, &a, v, vp, version) : EXIT_USAGE;
  free(v);
  free(vp);
  return rc;
}

static int disagree_run(cli_ctx *c) {
  Pcn__DutyDisagree x = PCN__DUTY_DISAGREE__INIT;
  if (cli_parse_u64(c, "the entry ID", c->arg[0], &x.id) ||
      parse_version(c, &x.version))
    return EXIT_USAGE;
  x.reason = (char *)cli_opt_val(c, "reason");
  if (!x.reason || !x.reason[0])
    return cli_usage(c, "--reason TEXT is required: say why your practice "
                        "disagrees, so the PCN manager can act on it.");
  x.practice =
      (char *)(cli_has(c, "practice") ? cli_opt_val(c, "practice") : "");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DUTY_DISAGREE;
  req.duty_disagree = &x;
  return duty_call(c, &req);
}

const cli_cmd duty_cmds[] = {
    {"duty",
     "list",
     NULL,
     0,
     "the responsibilities register: entries down, practices across",
     "pcn duty list --pending",
     {{"detail", NULL, "also what each owner does, and the version"},
      {"pending", NULL,
       "only entries your practice (or, for network roles, any practice) "
       "has not agreed"}},
     list_run},
    {"duty",
     "show",
     "ID",
     1,
     "show one entry: what it says, its version (what update and agree "
     "name) and where each practice stands, with any reason to disagree",
     "pcn duty show 3",
     {{0}},
     show_run},
    {"duty",
     "add",
     NULL,
     0,
     "add an area of work to the register (PCN manager)",
     "pcn duty add --title \"Flu campaign\" --owner shared --does \"...\" "
     "--review 2027-03-31",
     {{"title", "TEXT", "the area of work (required)"},
      {"owner", "WHO",
       "pcn-manager, practice-managers, clinical-director or shared"},
      {"does", "TEXT", "what the owner does (required)"},
      {"review", "YYYY-MM-DD", "when the entry is reviewed (required)"}},
     add_run},
    {"duty",
     "update",
     "ID",
     1,
     "change an entry. A change of what it says (--title, --owner, --does) "
     "clears every practice's agreement (or disagreement); a new --review "
     "date alone keeps them. --version is the one `pcn duty show ID` gives; "
     "a stale one is refused with the entry as it stands",
     "pcn duty update 3 --version 1 --review 2026-09-30",
     {{"version", "V",
       "the version you read with pcn duty show (required; a stale one is "
       "refused)"},
      {"title", "TEXT", "a new title"},
      {"owner", "WHO", "a new owner"},
      {"does", "TEXT", "what the owner does, rewritten"},
      {"review", "YYYY-MM-DD", "a new review date"}},
     update_run},
    {"duty",
     "remove",
     "ID",
     1,
     "remove an entry from the register",
     "pcn duty remove 14",
     {CLI_VERSION_OPT},
     remove_run},
    /* nargs -1: as many IDs as given, none required (agree_run checks
     * that IDs or --all were given; the server takes up to 100). */
    {"duty",
     "agree",
     "[ID...]",
     -1,
     "agree entries for your practice (practice manager), as many IDs as "
     "you give, at once; agreeing an entry you disagreed with withdraws the "
     "disagreement",
     "pcn duty agree 3 5 8 13        pcn duty agree --all",
     {{"all", NULL,
       "every entry your practice has not agreed yet, except those it "
       "disagrees with"},
      {"version", "V", "with one ID: the version you read"},
      {"practice", "ODS", "your practice (the default)"}},
     agree_run},
    {"duty",
     "disagree",
     "ID",
     1,
     "say your practice disagrees with an entry, and why (practice "
     "manager); everyone sees it beside the agreements. Again with a new "
     "reason replaces it; pcn duty agree ID withdraws it",
     "pcn duty disagree 7 --reason \"We have no room for ARRS staff on "
     "Fridays\"",
     {{"reason", "TEXT", "why your practice disagrees (required)"},
      {"version", "V", "the version you read (pcn duty show)"},
      {"practice", "ODS", "your practice (the default)"}},
     disagree_run},
    {0},
};
