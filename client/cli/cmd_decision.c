/* cmd_decision.c - pcn decision propose|list|show|vote|withdraw|remind|
 * voter|voters: decisions between practices.
 *
 * Closing times are read and shown in UK time on every machine (uktime.h,
 * issue 20); the server keeps Unix milliseconds. A date alone means 17:00 that day (close of business).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "uktime.h"
#include "validate.h"

static const char *rule_name(int r) {
  switch (r) {
  case PCN__DECISION_RULE__DECISION_UNANIMOUS: return "unanimous";
  case PCN__DECISION_RULE__DECISION_MAJORITY: return "majority";
  case PCN__DECISION_RULE__DECISION_CONSENT: return "consent";
  default: return "?";
  }
}

static const char *choice_name(int c) {
  switch (c) {
  case PCN__DECISION_CHOICE__DECISION_AGREE: return "agree";
  case PCN__DECISION_CHOICE__DECISION_DISAGREE: return "disagree";
  case PCN__DECISION_CHOICE__DECISION_ABSTAIN: return "abstain";
  default: return "-";
  }
}

/* "open", "passed", "rejected" or "withdrawn". */
static const char *state_name(const Pcn__Decision *d) {
  if (d->state == PCN__DECISION_STATE__DECISION_WITHDRAWN) return "withdrawn";
  if (d->state != PCN__DECISION_STATE__DECISION_CLOSED) return "open";
  return d->outcome == PCN__DECISION_OUTCOME__DECISION_PASSED ? "passed"
                                                              : "rejected";
}

static const Pcn__DecisionVote *vote_of(const Pcn__Decision *d,
                                        const char *ods) {
  for (size_t i = 0; i < d->n_votes; i++)
    if (!strcmp(d->votes[i]->practice, ods)) return d->votes[i];
  return NULL;
}

static void decision_show(const Pcn__Decision *d) {
  char tm[20];
  cli_kv("decision:", "%llu", (unsigned long long)d->id);
  cli_kv("title:", "%s", d->title);
  cli_kv("rule:", "%s", rule_name(d->rule));
  if (d->some_practices) {
    char to[32 * 8] = "";
    size_t k = 0;
    for (size_t i = 0; i < d->n_practices && k + 10 < sizeof to; i++)
      k += (size_t)snprintf(to + k, sizeof to - k, "%s%s", i ? ", " : "",
                            d->practices[i]);
    cli_kv("to:", "%s only", to);
  }
  cli_kv("state:", "%s", state_name(d));
  cli_format_time(d->closes_at, tm);
  cli_kv("closes:", "%s", tm);
  cli_format_time(d->created_at, tm);
  cli_kv("proposed:", "%s by %s%s%s%s", tm, d->proposed_by,
         d->proposer_practice[0] ? " (" : "", d->proposer_practice,
         d->proposer_practice[0] ? ")" : "");
  cli_kv("version:", "%u", d->version);
  if (d->state == PCN__DECISION_STATE__DECISION_CLOSED) {
    cli_format_time(d->closed_at, tm);
    cli_kv("closed:", "%s%s", tm,
           d->closed_early ? " (every practice had voted)" : "");
    cli_kv("outcome:", "%s", d->outcome_note);
  } else if (d->state == PCN__DECISION_STATE__DECISION_WITHDRAWN) {
    cli_format_time(d->closed_at, tm);
    cli_kv("withdrawn:", "%s%s%s", tm, d->withdrawn_reason[0] ? ": " : "",
           d->withdrawn_reason);
  }
  if (d->reminders) cli_kv("reminders:", "%u sent", d->reminders);
  if (d->text[0]) printf("\n%s\n", d->text);
  printf("\n%-8s %-9s %-12s %-16s %s\n", "PRACTICE", "VOTE", "BY", "WHEN",
         "REASON");
  for (size_t i = 0; i < d->n_practices; i++) {
    const Pcn__DecisionVote *v = vote_of(d, d->practices[i]);
    if (v) cli_format_time(v->at, tm);
    printf("%-8s %-9s %-12s %-16s %s\n", d->practices[i],
           v ? choice_name(v->choice) : "-", v ? v->voter : "-", v ? tm : "-",
           v ? v->reason : "");
  }
}

static int print_decision(cli_ctx *c, const Pcn__Decision *d) {
  if (c->json)
    cli_print_json(pb_to_json((const ProtobufCMessage *)d));
  else
    decision_show(d);
  /* propose's warning: on stderr, so that --json's stdout stays one
   * document (the list is its no_voter). */
  if (d->n_no_voter) {
    fprintf(stderr, "pcn: warning: nobody can vote for");
    for (size_t i = 0; i < d->n_no_voter; i++)
      fprintf(stderr, "%s %s", i ? "," : "", d->no_voter[i]);
    fprintf(stderr,
            " (no practice manager, no named voter)%s; the PCN manager can "
            "name one: pcn decision voter USER --practice ODS.\n",
            d->rule == PCN__DECISION_RULE__DECISION_UNANIMOUS
                ? ", so this unanimous decision cannot pass until then"
                : "");
  }
  return EXIT_DONE;
}

/* Prints a message that came back with a CONFLICT: on stderr, so a
 * script's stdout stays empty on a refusal. */
static void conflict_show(cli_ctx *c, const ProtobufCMessage *m,
                          const char *label) {
  if (c->json) {
    json_t *j = pb_to_json(m);
    char *s = json_dumps(j, 0);
    if (s) fprintf(stderr, "%s\n", s);
    free(s);
    json_decref(j);
    return;
  }
  fprintf(stderr, "%s\n", label);
  fflush(stderr);
}

/* Sends a decision request and prints what it answers with. A CONFLICT
 * shows the record as it is now. */
static int decision_call(cli_ctx *c, Pcn__Request *req) {
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  const Pcn__Response *r = pcn_sync_call(c->s, req);
  if (r->status->code == PCN__STATUS_CODE__CONFLICT &&
      r->body_case != PCN__RESPONSE__BODY__NOT_SET) {
    fprintf(stderr, "pcn: %s\n", r->status->message);
    if (r->body_case == PCN__RESPONSE__BODY_DECISION) {
      conflict_show(c, (const ProtobufCMessage *)r->decision,
                    "The decision as it is now:");
      if (!c->json) decision_show(r->decision);
    } else if (r->body_case == PCN__RESPONSE__BODY_DECISION_VOTE) {
      const Pcn__DecisionVote *v = r->decision_vote;
      conflict_show(c, (const ProtobufCMessage *)v, "The vote as it is now:");
      if (!c->json)
        printf("%s votes %s (version %u, by %s)%s%s\n", v->practice,
               choice_name(v->choice), v->version, v->voter,
               v->reason[0] ? ": " : "", v->reason);
    } else if (r->body_case == PCN__RESPONSE__BODY_DECISION_VOTER) {
      const Pcn__DecisionVoter *v = r->decision_voter;
      conflict_show(c, (const ProtobufCMessage *)v, "The voter as it is now:");
      if (!c->json)
        printf("%s: %s (version %u)\n", v->practice,
               v->username[0] ? v->username : "none named", v->version);
    }
    return EXIT_REFUSED;
  }
  r = cli_answer(c, r, &rc);
  if (!r) return rc;
  switch (r->body_case) {
  case PCN__RESPONSE__BODY_DECISION: return print_decision(c, r->decision);
  case PCN__RESPONSE__BODY_DECISION_REMINDER: {
    const Pcn__DecisionReminder *m = r->decision_reminder;
    if (c->json) {
      cli_print_json(pb_to_json((const ProtobufCMessage *)m));
      return EXIT_DONE;
    }
    printf("Reminded about decision %llu:", (unsigned long long)m->decision_id);
    for (size_t i = 0; i < m->n_practices; i++)
      printf(" %s", m->practices[i]);
    printf("\n");
    return EXIT_DONE;
  }
  case PCN__RESPONSE__BODY_DECISION_VOTER: {
    const Pcn__DecisionVoter *v = r->decision_voter;
    if (c->json) {
      cli_print_json(pb_to_json((const ProtobufCMessage *)v));
      return EXIT_DONE;
    }
    if (v->username[0])
      printf("%s votes for %s on decisions, besides its practice manager "
             "(version %u).\n",
             v->username, v->practice, v->version);
    else
      printf("%s has no named voter: its practice manager votes (version "
             "%u).\n",
             v->practice, v->version);
    return EXIT_DONE;
  }
  default: return EXIT_DONE;
  }
}

static int parse_id(cli_ctx *c, uint64_t *id) {
  return cli_parse_u64(c, "the decision ID", c->arg[0], id) ? -1 : 0;
}

static int parse_version(cli_ctx *c, uint32_t *v) {
  *v = 0;
  if (!cli_has(c, "version")) return 0;
  uint64_t x;
  if (cli_parse_u64(c, "--version", cli_opt_val(c, "version"), &x)) return -1;
  *v = (uint32_t)x;
  return 0;
}

/* "YYYY-MM-DD" (17:00) or "YYYY-MM-DD HH:MM" (or with a T, or with GMT/BST
 * for the hour the clocks go back), UK time on every machine (uktime.h,
 * issue 20), to Unix milliseconds. 0, or -1 after the usage error. */
static int parse_closes(cli_ctx *c, const char *s, int64_t *ms) {
  char full[24];
  const char *why;
  int twice = 0;
  if (strlen(s) == 10) { /* a date alone: close of business */
    snprintf(full, sizeof full, "%s 17:00", s);
    s = full;
  }
  if (pcn_london_parse_ex(s, ms, &why, &twice)) {
    cli_usage(c, "--closes: %s A date alone means 17:00 that day.", why);
    return -1;
  }
  if (twice)
    fprintf(stderr, "note: %.16s happens twice as the clocks go back; taken "
                    "as the first (BST). Add GMT for the second.\n",
            s);
  return 0;
}

static int parse_rule(cli_ctx *c, const char *s, int *rule) {
  static const char *names[] = {"unanimous", "majority", "consent"};
  for (int i = 0; s && i < 3; i++)
    if (!strcmp(s, names[i])) {
      *rule = i + 1;
      return 0;
    }
  cli_usage(c, "--rule takes unanimous, majority or consent.");
  return -1;
}

static int propose_run(cli_ctx *c) {
  Pcn__DecisionPropose p = PCN__DECISION_PROPOSE__INIT;
  p.title = (char *)cli_opt_val(c, "title");
  if (!p.title) return cli_usage(c, "--title is required.");
  if (!cli_has(c, "rule"))
    return cli_usage(c, "--rule is required: unanimous, majority or consent.");
  if (!cli_has(c, "closes"))
    return cli_usage(c, "--closes is required: when voting ends.");
  int rule;
  if (parse_rule(c, cli_opt_val(c, "rule"), &rule) ||
      parse_closes(c, cli_opt_val(c, "closes"), &p.closes_at))
    return EXIT_USAGE;
  p.rule = rule;
  p.text = (char *)(cli_has(c, "text") ? cli_opt_val(c, "text") : "");
  /* --to F84001,F84002: those practices only. */
  char buf[512], *codes[32];
  const char *to = cli_has(c, "to") ? cli_opt_val(c, "to") : NULL;
  if (to && strcmp(to, "all") != 0) {
    if (strlen(to) >= sizeof buf) return cli_usage(c, "--to is too long.");
    snprintf(buf, sizeof buf, "%s", to);
    for (char *s = strtok(buf, ", "); s; s = strtok(NULL, ", ")) {
      if (p.n_practices == 32)
        return cli_usage(c, "--to names at most 32 practices; leave it out "
                            "for every practice.");
      codes[p.n_practices++] = s;
    }
    if (!p.n_practices)
      return cli_usage(c, "--to takes the practices' ODS codes, "
                          "comma-separated, or all.");
    p.practices = codes;
  }
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DECISION_PROPOSE;
  req.decision_propose = &p;
  return decision_call(c, &req);
}

static void print_table(const Pcn__DecisionPage *p) {
  if (!p->n_decisions) {
    printf("No decisions match.\n");
    return;
  }
  printf("%5s  %-9s %-9s %-16s %-6s %s\n", "ID", "STATE", "RULE", "CLOSES",
         "VOTED", "TITLE");
  for (size_t i = 0; i < p->n_decisions; i++) {
    const Pcn__Decision *d = p->decisions[i];
    char tm[20], voted[16];
    cli_format_time(d->closes_at, tm);
    snprintf(voted, sizeof voted, "%zu/%zu", d->n_votes, d->n_practices);
    printf("%5llu  %-9s %-9s %-16s %-6s %s\n", (unsigned long long)d->id,
           state_name(d), rule_name(d->rule), tm, voted, d->title);
  }
  if (p->next_after[0])
    printf("More: pcn decision list ... --after %s\n", p->next_after);
}

static int list_run(cli_ctx *c) {
  Pcn__DecisionList l = PCN__DECISION_LIST__INIT;
  const char *st = cli_opt_val(c, "state");
  if (st) {
    if (!strcmp(st, "open"))
      l.state = PCN__DECISION_STATE__DECISION_OPEN;
    else if (!strcmp(st, "closed"))
      l.state = PCN__DECISION_STATE__DECISION_CLOSED;
    else if (!strcmp(st, "withdrawn"))
      l.state = PCN__DECISION_STATE__DECISION_WITHDRAWN;
    else
      return cli_usage(c, "--state takes open, closed or withdrawn.");
  }
  uint64_t n;
  if (cli_has(c, "limit")) {
    if (cli_parse_u64(c, "--limit", cli_opt_val(c, "limit"), &n))
      return EXIT_USAGE;
    if (n > 200) return cli_usage(c, "--limit is at most 200.");
    l.limit = (uint32_t)n;
  }
  l.after = (char *)(cli_has(c, "after") ? cli_opt_val(c, "after") : "");
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DECISION_LIST;
  req.decision_list = &l;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  if (c->json)
    cli_print_json(pb_to_json((const ProtobufCMessage *)r->decisions));
  else
    print_table(r->decisions);
  return EXIT_DONE;
}

static int show_run(cli_ctx *c) {
  Pcn__DecisionGet g = PCN__DECISION_GET__INIT;
  if (parse_id(c, &g.id)) return EXIT_USAGE;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DECISION_GET;
  req.decision_get = &g;
  return decision_call(c, &req);
}

static int vote_run(cli_ctx *c) {
  Pcn__DecisionVoteCast v = PCN__DECISION_VOTE_CAST__INIT;
  if (parse_id(c, &v.id) || parse_version(c, &v.version)) return EXIT_USAGE;
  const char *ch = c->arg[1];
  if (!strcmp(ch, "agree"))
    v.choice = PCN__DECISION_CHOICE__DECISION_AGREE;
  else if (!strcmp(ch, "disagree") || !strcmp(ch, "object"))
    v.choice = PCN__DECISION_CHOICE__DECISION_DISAGREE;
  else if (!strcmp(ch, "abstain"))
    v.choice = PCN__DECISION_CHOICE__DECISION_ABSTAIN;
  else
    return cli_usage(c, "the vote is agree, disagree or abstain, not '%s'.",
                     ch);
  v.reason = (char *)(cli_has(c, "reason") ? cli_opt_val(c, "reason") : "");
  v.practice =
      (char *)(cli_has(c, "practice") ? cli_opt_val(c, "practice") : "");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DECISION_VOTE;
  req.decision_vote = &v;
  return decision_call(c, &req);
}

static int withdraw_run(cli_ctx *c) {
  Pcn__DecisionWithdraw w = PCN__DECISION_WITHDRAW__INIT;
  if (parse_id(c, &w.id) || parse_version(c, &w.version)) return EXIT_USAGE;
  w.reason = (char *)(cli_has(c, "reason") ? cli_opt_val(c, "reason") : "");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DECISION_WITHDRAW;
  req.decision_withdraw = &w;
  return decision_call(c, &req);
}

static int remind_run(cli_ctx *c) {
  Pcn__DecisionRemind m = PCN__DECISION_REMIND__INIT;
  if (parse_id(c, &m.id)) return EXIT_USAGE;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DECISION_REMIND;
  req.decision_remind = &m;
  return decision_call(c, &req);
}

static int voter_run(cli_ctx *c) {
  Pcn__DecisionVoterSet v = PCN__DECISION_VOTER_SET__INIT;
  if (parse_version(c, &v.version)) return EXIT_USAGE;
  v.username = (char *)(strcmp(c->arg[0], "-") ? c->arg[0] : "");
  v.practice =
      (char *)(cli_has(c, "practice") ? cli_opt_val(c, "practice") : "");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DECISION_VOTER_SET;
  req.decision_voter_set = &v;
  return decision_call(c, &req);
}

static int voters_run(cli_ctx *c) {
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__DecisionVoterList l = PCN__DECISION_VOTER_LIST__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DECISION_VOTER_LIST;
  req.decision_voter_list = &l;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  if (c->json) {
    cli_print_json(pb_to_json((const ProtobufCMessage *)r->decision_voters));
    return EXIT_DONE;
  }
  const Pcn__DecisionVoterPage *p = r->decision_voters;
  if (!p->n_voters) {
    printf("No practice has named a voter: practice managers vote.\n");
    return EXIT_DONE;
  }
  printf("%-8s %-12s %s\n", "PRACTICE", "VOTER", "NAMED BY");
  for (size_t i = 0; i < p->n_voters; i++)
    printf("%-8s %-12s %s\n", p->voters[i]->practice, p->voters[i]->username,
           p->voters[i]->named_by);
  return EXIT_DONE;
}

const cli_cmd decision_cmds[] = {
    {"decision",
     "propose",
     NULL,
     0,
     "propose a decision to every practice, or some (--to; see --rule); "
     "warns of practices nobody can vote for",
     "pcn decision propose --title \"Shared flu clinic\" --rule consent "
     "--closes \"2026-12-04 17:00\"",
     {{"title", "TEXT", "what is to be decided (required)"},
      {"text", "TEXT", "the proposal in full"},
      {"to", "ODS,...",
       "put it to these practices only (a shared clinic between two): only "
       "they vote and see it, with the network's people; default all"},
      {"rule", "RULE",
       "(required) unanimous: passes if no practice disagrees, all voted and "
       "one agreed (abstaining stands aside, silence blocks); majority: more "
       "than half of all practices agree; consent: passes unless a practice "
       "objects (with its reason)"},
      {"closes", "WHEN",
       "YYYY-MM-DD or \"YYYY-MM-DD HH:MM\", UK time (a date alone: "
       "17:00); at least an hour and at most a year ahead (required)"}},
     propose_run},
    {"decision",
     "list",
     NULL,
     0,
     "list decisions with how many practices have voted: open ones first, "
     "the one closing soonest at the top; then closed and withdrawn ones, "
     "the most recently closed first",
     "pcn decision list --state open",
     {{"state", "STATE", "open, closed or withdrawn"},
      {"limit", "N", "at most N (default 50, at most 200)"},
      {"after", "POS", "the next page: the POS a previous list printed"}},
     list_run},
    {"decision",
     "show",
     "ID",
     1,
     "show a decision, each practice's vote, and its outcome",
     "pcn decision show 3",
     {{0}},
     show_run},
    {"decision",
     "vote",
     "ID CHOICE",
     2,
     "vote agree, disagree or abstain for your practice (changeable "
     "until it closes)",
     "pcn decision vote 3 disagree --reason \"No room on Saturdays\"",
     {{"reason", "TEXT",
       "why; required to disagree under consent (an objection)"},
      {"practice", "ODS", "the practice you vote for (default: yours)"},
      CLI_VERSION_OPT},
     vote_run},
    {"decision",
     "withdraw",
     "ID",
     1,
     "withdraw your own proposal before it closes",
     "pcn decision withdraw 3 --reason \"Superseded by the ICB plan\"",
     {{"reason", "TEXT", "why, for the record"}, CLI_VERSION_OPT},
     withdraw_run},
    {"decision",
     "remind",
     "ID",
     1,
     "remind the practices that have not voted (the proposer or a PCN "
     "manager; one extra reminder a day)",
     "pcn decision remind 3",
     {{0}},
     remind_run},
    {"decision",
     "voter",
     "USER",
     1,
     "name who votes for a practice besides its manager (- for none): one "
     "of its members, or (PCN manager) the clinical director",
     "pcn decision voter sam",
     {{"practice", "ODS", "the practice (default: yours)"}, CLI_VERSION_OPT},
     voter_run},
    {"decision",
     "voters",
     NULL,
     0,
     "list the practices' named voters",
     "pcn decision voters",
     {{0}},
     voters_run},
    {0},
};
