/* cmd_funds.c - pcn funds stream|rule|figures|receive|distribute|expense|
 * reverse|ledger|balance|statement: the network's ledger. Amounts are read and
 * printed in pounds ("1,234.56", "£1,234.56"); the wire carries pence.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "clock.h"
#include "money.h"
#include "report.h"
#include "report_pb.h"
#include "validate.h"

static const char *kind_word(int k) {
  switch (k) {
  case PCN__FUNDS_KIND__FUNDS_RECEIPT: return "receipt";
  case PCN__FUNDS_KIND__FUNDS_DISTRIBUTION: return "distribution";
  case PCN__FUNDS_KIND__FUNDS_EXPENSE: return "expense";
  case PCN__FUNDS_KIND__FUNDS_REVERSAL: return "reversal";
  case PCN__FUNDS_KIND__FUNDS_CLAIM: return "claim";
  default: return "?";
  }
}

static const char *split_word(int s) {
  switch (s) {
  case PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE: return "by list size";
  case PCN__FUNDS_SPLIT__FUNDS_SPLIT_WEIGHTED: return "by weighted population";
  case PCN__FUNDS_SPLIT__FUNDS_SPLIT_EQUAL: return "equally";
  case PCN__FUNDS_SPLIT__FUNDS_SPLIT_FIXED: return "in fixed amounts";
  case PCN__FUNDS_SPLIT__FUNDS_SPLIT_PERCENT: return "by percentages";
  case PCN__FUNDS_SPLIT__FUNDS_SPLIT_BEDS: return "by care-home beds";
  default: return "";
  }
}

static const char *pounds(int64_t p, char buf[PCN_PENCE_BUF]) {
  return pcn_pence_format(p, 1, buf);
}

/* A stream's split rule in words ("-" none), into buf (120 bytes). */
static const char *rule_words(const Pcn__FundsStream *s, char buf[120]) {
  char a[PCN_PENCE_BUF];
  if (!s->rule_split) return strcpy(buf, "-");
  if (s->top_slice_bp)
    snprintf(buf, 120, "top %u.%02u%%, rest %s", s->top_slice_bp / 100,
             s->top_slice_bp % 100, split_word(s->rule_split));
  else if (s->top_slice_pence)
    snprintf(buf, 120, "top %s, rest %s", pounds(s->top_slice_pence, a),
             split_word(s->rule_split));
  else
    snprintf(buf, 120, "%s", split_word(s->rule_split));
  return buf;
}

static void entry_show(const Pcn__FundsEntry *e) {
  char a[PCN_PENCE_BUF], tm[20];
  if (e->preview)
    printf("Preview (nothing posted):\n");
  else
    cli_kv("entry:", "%llu", (unsigned long long)e->id);
  cli_kv("kind:", "%s", kind_word(e->kind));
  if (e->reverses)
    cli_kv("reverses:", "entry %llu", (unsigned long long)e->reverses);
  cli_kv("stream:", "%s", e->stream);
  cli_kv("date:", "%s", e->date);
  cli_kv("amount:", "%s", pounds(e->pence, a));
  if (e->split)
    cli_kv("split:", "%s (figures of %s)", split_word(e->split),
           e->figures_date);
  if (e->top_slice)
    cli_kv("top slice:", "%s kept in bank:%s for the network's costs",
           pounds(e->top_slice, a), e->stream);
  if (e->payee[0]) cli_kv("payee:", "%s", e->payee);
  if (e->reference[0]) cli_kv("reference:", "%s", e->reference);
  if (e->note[0]) cli_kv("note:", "%s", e->note);
  if (!e->preview) {
    cli_format_time(e->created_at, tm);
    cli_kv("posted:", "%s by %s", tm, e->created_by);
  }
  printf("\n%-32s %16s %16s\n", "ACCOUNT", "DEBIT", "CREDIT");
  for (size_t i = 0; i < e->n_lines; i++) {
    int64_t p = e->lines[i]->pence;
    char d[PCN_PENCE_BUF] = "", c[PCN_PENCE_BUF] = "";
    if (p >= 0)
      pounds(p, d);
    else
      pounds(-p, c);
    printf("%-32s %*s %*s\n", e->lines[i]->account, d[0] ? 17 : 16, d,
           c[0] ? 17 : 16, c);
  }
}

/* Calls the server and prints what it answers with. */
static int funds_call(cli_ctx *c, Pcn__Request *req) {
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  const Pcn__Response *r = cli_call(c, req, &rc);
  if (!r) return rc;
  if (c->json) {
    const ProtobufCMessage *m = NULL;
    switch (r->body_case) {
    case PCN__RESPONSE__BODY_FUNDS_ENTRY: m = &r->funds_entry->base; break;
    case PCN__RESPONSE__BODY_FUNDS_STREAM: m = &r->funds_stream->base; break;
    case PCN__RESPONSE__BODY_FUNDS_STREAMS: m = &r->funds_streams->base; break;
    case PCN__RESPONSE__BODY_FUNDS_FIGURES: m = &r->funds_figures->base; break;
    case PCN__RESPONSE__BODY_FUNDS_FIGURES_PAGE:
      m = &r->funds_figures_page->base;
      break;
    case PCN__RESPONSE__BODY_FUNDS_LEDGER_PAGE:
      m = &r->funds_ledger_page->base;
      break;
    case PCN__RESPONSE__BODY_FUNDS_BALANCE_PAGE:
      m = &r->funds_balance_page->base;
      break;
    default: break;
    }
    if (m) cli_print_json(pb_to_json(m));
    return EXIT_DONE;
  }
  char a[PCN_PENCE_BUF];
  switch (r->body_case) {
  case PCN__RESPONSE__BODY_FUNDS_ENTRY: entry_show(r->funds_entry); break;
  case PCN__RESPONSE__BODY_FUNDS_STREAM: {
    const Pcn__FundsStream *s = r->funds_stream;
    char rule[120];
    printf("%s stream %s: %s%s; split rule: %s\n",
           s->updated_at ? "Saved" : "Added", s->code, s->name,
           s->pass_through ? " (pass-through)" : "", rule_words(s, rule));
    break;
  }
  case PCN__RESPONSE__BODY_FUNDS_STREAMS:
    printf("%-12s %-36s %-4s %s\n", "CODE", "NAME", "PASS", "RULE");
    for (size_t i = 0; i < r->funds_streams->n_streams; i++) {
      const Pcn__FundsStream *s = r->funds_streams->streams[i];
      char rule[120], name[160];
      snprintf(name, sizeof name, "%s%s", s->name,
               s->builtin ? "" : " (added)");
      printf("%-12s %-36s %-4s %s\n", s->code, name,
             s->pass_through ? "yes" : "", rule_words(s, rule));
    }
    printf("PASS: pass-through money, left out of the fairness figures "
           "(year end, equity) unless --include-pass-through.\n");
    break;
  case PCN__RESPONSE__BODY_FUNDS_FIGURES: {
    const Pcn__PracticeFigures *f = r->funds_figures;
    printf("Recorded %s from %s: list size %u, weighted %u%s%s", f->practice,
           f->applies_from, f->list_size, f->weighted,
           f->locality[0] ? ", locality " : "", f->locality);
    if (f->beds) printf(", %u care-home beds", f->beds);
    printf("\n");
    break;
  }
  case PCN__RESPONSE__BODY_FUNDS_FIGURES_PAGE: {
    const Pcn__FundsFiguresPage *p = r->funds_figures_page;
    if (!p->n_figures) {
      printf("No figures recorded.\n");
      break;
    }
    printf("%-8s %-11s %10s %10s %6s  %s\n", "PRACTICE", "FROM", "LIST",
           "WEIGHTED", "BEDS", "LOCALITY");
    for (size_t i = 0; i < p->n_figures; i++)
      printf("%-8s %-11s %10u %10u %6u  %s\n", p->figures[i]->practice,
             p->figures[i]->applies_from[0] ? p->figures[i]->applies_from
                                            : "as added",
             p->figures[i]->list_size, p->figures[i]->weighted,
             p->figures[i]->beds, p->figures[i]->locality);
    break;
  }
  case PCN__RESPONSE__BODY_FUNDS_LEDGER_PAGE: {
    const Pcn__FundsLedgerPage *p = r->funds_ledger_page;
    if (!p->n_entries) {
      printf("No entries.\n");
      break;
    }
    printf("%5s %-10s %-12s %-10s %16s  %s\n", "ENTRY", "DATE", "KIND",
           "STREAM", "AMOUNT", "DETAIL");
    for (size_t i = 0; i < p->n_entries; i++) {
      const Pcn__FundsEntry *e = p->entries[i];
      char detail[160];
      if (e->reverses)
        snprintf(detail, sizeof detail, "reverses entry %llu%s%s",
                 (unsigned long long)e->reverses, e->note[0] ? ": " : "",
                 e->note);
      else if (e->kind == PCN__FUNDS_KIND__FUNDS_DISTRIBUTION)
        snprintf(detail, sizeof detail, "%zu practices %s%s%s", e->n_lines - 1,
                 split_word(e->split), e->reference[0] ? "; " : "",
                 e->reference);
      else if (e->kind == PCN__FUNDS_KIND__FUNDS_EXPENSE)
        snprintf(detail, sizeof detail, "to %s%s%s", e->payee,
                 e->reference[0] ? "; " : "", e->reference);
      else if (e->kind == PCN__FUNDS_KIND__FUNDS_CLAIM)
        snprintf(detail, sizeof detail, "backfill claim %llu to %s",
                 (unsigned long long)e->claim, e->payee);
      else
        snprintf(detail, sizeof detail, "%s", e->reference);
      printf("%5llu %-10s %-12s %-10s %17s  %s\n", (unsigned long long)e->id,
             e->date, kind_word(e->kind), e->stream, pounds(e->pence, a),
             detail);
    }
    if (p->next_before)
      printf("More: pcn funds ledger --before %llu\n",
             (unsigned long long)p->next_before);
    break;
  }
  case PCN__RESPONSE__BODY_FUNDS_BALANCE_PAGE: {
    const Pcn__FundsBalancePage *p = r->funds_balance_page;
    printf("%-8s %-10s %16s\n", "PRACTICE", "STREAM", "DISTRIBUTED");
    int any = 0, claims = 0;
    for (size_t i = 0; i < p->n_balances; i++) {
      const Pcn__FundsBalance *b = p->balances[i];
      if (!b->practice[0]) continue;
      if (!strncmp(b->account, "claim:", 6)) {
        claims = 1;
        continue;
      }
      printf("%-8s %-10s %17s\n", b->practice, b->stream, pounds(b->pence, a));
      any = 1;
    }
    if (!any) printf("(nothing distributed yet)\n");
    if (claims) {
      printf("\n%-8s %-10s %16s\n", "PRACTICE", "STREAM", "CLAIMED");
      for (size_t i = 0; i < p->n_balances; i++) {
        const Pcn__FundsBalance *b = p->balances[i];
        if (!strncmp(b->account, "claim:", 6))
          printf("%-8s %-10s %17s\n", b->practice, b->stream,
                 pounds(b->pence, a));
      }
    }
    printf("\n%-19s %16s\n", "STREAM", "HELD");
    for (size_t i = 0; i < p->n_balances; i++) {
      const Pcn__FundsBalance *b = p->balances[i];
      if (strncmp(b->account, "bank:", 5) == 0)
        printf("%-19s %17s\n", b->stream, pounds(b->pence, a));
    }
    printf("\n");
    cli_kv("received:", "%s", pounds(p->received, a));
    cli_kv("distributed:", "%s", pounds(p->distributed, a));
    cli_kv("claimed:", "%s", pounds(p->claimed, a));
    cli_kv("spent:", "%s", pounds(p->spent, a));
    cli_kv("held:", "%s", pounds(p->held, a));
    break;
  }
  default: break;
  }
  return EXIT_DONE;
}

/* --amount in pounds: more than zero, at most two decimal places. */
static int parse_amount(cli_ctx *c, int64_t *pence) {
  const char *v = cli_opt_val(c, "amount");
  if (!v) return cli_usage(c, "--amount is required, in pounds: 1,234.56."), -1;
  if (pcn_pence_parse(v, pence) || *pence <= 0)
    return cli_usage(c,
                     "--amount: '%s' is not an amount; write pounds and "
                     "pence above zero, such as 1,234.56.",
                     v),
           -1;
  return 0;
}

static int need(cli_ctx *c, const char *opt, const char **out) {
  *out = cli_opt_val(c, opt);
  if (!*out) return cli_usage(c, "--%s is required.", opt), -1;
  return 0;
}

static const char *opt_or(cli_ctx *c, const char *opt) {
  const char *v = cli_opt_val(c, opt);
  return v ? v : "";
}

static int stream_run(cli_ctx *c) {
  Pcn__Request req = PCN__REQUEST__INIT;
  Pcn__FundsStreamList l = PCN__FUNDS_STREAM_LIST__INIT;
  Pcn__FundsStreamAdd a = PCN__FUNDS_STREAM_ADD__INIT;
  Pcn__FundsStreamUpdate u = PCN__FUNDS_STREAM_UPDATE__INIT;
  int pass = cli_has(c, "pass-through"), nopass = cli_has(c, "no-pass-through");
  if (pass && nopass)
    return cli_usage(c, "--pass-through or --no-pass-through, not both.");
  if (cli_has(c, "add") && cli_has(c, "update"))
    return cli_usage(c, "--add or --update, not both.");
  if (cli_has(c, "add")) {
    a.code = (char *)cli_opt_val(c, "add");
    if (need(c, "name", (const char **)&a.name)) return EXIT_USAGE;
    a.pass_through = pass;
    req.body_case = PCN__REQUEST__BODY_FUNDS_STREAM_ADD;
    req.funds_stream_add = &a;
  } else if (cli_has(c, "update")) {
    u.code = (char *)cli_opt_val(c, "update");
    if (cli_has(c, "name")) {
      u.has_name_case = PCN__FUNDS_STREAM_UPDATE__HAS_NAME_NAME;
      u.name = (char *)cli_opt_val(c, "name");
    }
    if (pass || nopass) {
      u.has_pass_through_case =
          PCN__FUNDS_STREAM_UPDATE__HAS_PASS_THROUGH_PASS_THROUGH;
      u.pass_through = pass;
    }
    if (!u.has_name_case && !u.has_pass_through_case)
      return cli_usage(c, "--update CODE needs --name, --pass-through or "
                          "--no-pass-through.");
    req.body_case = PCN__REQUEST__BODY_FUNDS_STREAM_UPDATE;
    req.funds_stream_update = &u;
  } else {
    if (cli_has(c, "name") || pass || nopass)
      return cli_usage(c, "--name and --pass-through go with --add CODE or "
                          "--update CODE.");
    req.body_case = PCN__REQUEST__BODY_FUNDS_STREAM_LIST;
    req.funds_stream_list = &l;
  }
  return funds_call(c, &req);
}

/* pcn funds rule list | rule set STREAM --by B [--top-slice P% | POUNDS]
 * | rule set STREAM --none. */
static int rule_run(cli_ctx *c) {
  Pcn__Request req = PCN__REQUEST__INIT;
  Pcn__FundsStreamList l = PCN__FUNDS_STREAM_LIST__INIT;
  Pcn__FundsRuleSet r = PCN__FUNDS_RULE_SET__INIT;
  if (!strcmp(c->arg[0], "list")) {
    if (c->nargs > 1 || cli_has(c, "by") || cli_has(c, "top-slice") ||
        cli_has(c, "none"))
      return cli_usage(c, "rule list takes nothing more.");
    req.body_case = PCN__REQUEST__BODY_FUNDS_STREAM_LIST;
    req.funds_stream_list = &l;
    return funds_call(c, &req);
  }
  if (strcmp(c->arg[0], "set") || c->nargs < 2)
    return cli_usage(c, "say rule list, or rule set STREAM --by BASIS.");
  r.stream = (char *)c->arg[1];
  const char *by = opt_or(c, "by"), *top = opt_or(c, "top-slice");
  if (cli_has(c, "none")) {
    if (by[0] || top[0])
      return cli_usage(c, "--none removes the rule; it takes no --by or "
                          "--top-slice.");
  } else {
    static const struct {
      const char *word;
      int split;
    } modes[] = {{"list", PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE},
                 {"weighted", PCN__FUNDS_SPLIT__FUNDS_SPLIT_WEIGHTED},
                 {"beds", PCN__FUNDS_SPLIT__FUNDS_SPLIT_BEDS},
                 {"equal", PCN__FUNDS_SPLIT__FUNDS_SPLIT_EQUAL}};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
      if (!strcmp(by, modes[i].word)) r.split = modes[i].split;
    if (!r.split)
      return cli_usage(c, "--by: one of list, weighted, beds or equal (or "
                          "--none to remove the rule).");
    size_t n = strlen(top);
    int64_t v = 0;
    if (n && top[n - 1] == '%') {
      /* A percentage reads like pounds: "12.5%" -> 1250 basis points. */
      char b[32];
      snprintf(b, sizeof b, "%.*s", (int)(n - 1), top);
      if (n > sizeof b || pcn_pence_parse(b, &v) || v < 0 || v >= 10000)
        return cli_usage(c,
                         "--top-slice: '%s' is not a percentage below "
                         "100%%, such as 12.5%%.",
                         top);
      r.top_slice_bp = (uint32_t)v;
    } else if (n) {
      if (pcn_pence_parse(top, &v) || v < 0)
        return cli_usage(c,
                         "--top-slice: '%s' is neither a percentage "
                         "(12.5%%) nor an amount in pounds (2,000.00).",
                         top);
      r.top_slice_pence = v;
    }
  }
  req.body_case = PCN__REQUEST__BODY_FUNDS_RULE_SET;
  req.funds_rule_set = &r;
  return funds_call(c, &req);
}

static int parse_count(cli_ctx *c, const char *opt, uint32_t *out) {
  const char *v;
  if (need(c, opt, &v)) return -1;
  char *end;
  unsigned long long x = strtoull(v, &end, 10);
  if (!v[0] || *end || v[0] == '-' || x > 10000000ULL)
    return cli_usage(c, "--%s: '%s' is not a number of patients.", opt, v), -1;
  *out = (uint32_t)x;
  return 0;
}

static int figures_run(cli_ctx *c) {
  Pcn__Request req = PCN__REQUEST__INIT;
  Pcn__FundsFiguresSet s = PCN__FUNDS_FIGURES_SET__INIT;
  Pcn__FundsFiguresList l = PCN__FUNDS_FIGURES_LIST__INIT;
  if (cli_has(c, "set")) {
    s.practice = (char *)cli_opt_val(c, "set");
    if (need(c, "from", (const char **)&s.applies_from) ||
        cli_check_date(c, "from", s.applies_from) ||
        (cli_has(c, "list-size") &&
         parse_count(c, "list-size", &s.list_size)) ||
        (cli_has(c, "weighted") && parse_count(c, "weighted", &s.weighted)))
      return EXIT_USAGE;
    const char *beds = opt_or(c, "beds");
    char *end;
    unsigned long long nb = strtoull(beds, &end, 10);
    if (beds[0] && (*end || beds[0] == '-' || nb > 10000000ULL))
      return cli_usage(c, "--beds: '%s' is not a number of beds.", beds);
    s.beds = (uint32_t)nb;
    s.locality = (char *)opt_or(c, "locality");
    /* A figure not given is carried by the server from the figures in
     * force before --from; one given as 0 (or --locality "") is meant. */
    static char *clear[4];
    if (cli_has(c, "list-size") && !s.list_size)
      clear[s.n_clear++] = "list_size";
    if (cli_has(c, "weighted") && !s.weighted) clear[s.n_clear++] = "weighted";
    if (cli_has(c, "beds") && !s.beds) clear[s.n_clear++] = "beds";
    if (cli_has(c, "locality") && !s.locality[0])
      clear[s.n_clear++] = "locality";
    s.clear = clear;
    req.body_case = PCN__REQUEST__BODY_FUNDS_FIGURES_SET;
    req.funds_figures_set = &s;
  } else {
    l.practice = (char *)opt_or(c, "practice");
    l.as_at = (char *)opt_or(c, "as-at");
    if (l.as_at[0] && cli_check_date(c, "as-at", l.as_at)) return EXIT_USAGE;
    req.body_case = PCN__REQUEST__BODY_FUNDS_FIGURES_LIST;
    req.funds_figures_list = &l;
  }
  return funds_call(c, &req);
}

static int receive_run(cli_ctx *c) {
  Pcn__FundsReceive r = PCN__FUNDS_RECEIVE__INIT;
  if (need(c, "stream", (const char **)&r.stream) || parse_amount(c, &r.pence))
    return EXIT_USAGE;
  r.date = (char *)opt_or(c, "date");
  if (r.date[0] && cli_check_date(c, "date", r.date)) return EXIT_USAGE;
  r.reference = (char *)opt_or(c, "ref");
  r.note = (char *)opt_or(c, "note");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_RECEIVE;
  req.funds_receive = &r;
  return funds_call(c, &req);
}

static int expense_run(cli_ctx *c) {
  Pcn__FundsExpense r = PCN__FUNDS_EXPENSE__INIT;
  if (need(c, "stream", (const char **)&r.stream) ||
      parse_amount(c, &r.pence) || need(c, "payee", (const char **)&r.payee))
    return EXIT_USAGE;
  r.date = (char *)opt_or(c, "date");
  if (r.date[0] && cli_check_date(c, "date", r.date)) return EXIT_USAGE;
  r.reference = (char *)opt_or(c, "ref");
  r.note = (char *)opt_or(c, "note");
  r.duplicate_ok = cli_has(c, "duplicate-ok");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_EXPENSE;
  req.funds_expense = &r;
  return funds_call(c, &req);
}

#define MAX_TO 64

static int distribute_run(cli_ctx *c) {
  Pcn__FundsDistribute d = PCN__FUNDS_DISTRIBUTE__INIT;
  const char *by;
  if (need(c, "stream", (const char **)&d.stream) || parse_amount(c, &d.pence))
    return EXIT_USAGE;
  by = opt_or(c, "by");
  static const struct {
    const char *word;
    int split;
  } modes[] = {{"list", PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE},
               {"weighted", PCN__FUNDS_SPLIT__FUNDS_SPLIT_WEIGHTED},
               {"beds", PCN__FUNDS_SPLIT__FUNDS_SPLIT_BEDS},
               {"equal", PCN__FUNDS_SPLIT__FUNDS_SPLIT_EQUAL},
               {"fixed", PCN__FUNDS_SPLIT__FUNDS_SPLIT_FIXED},
               {"percent", PCN__FUNDS_SPLIT__FUNDS_SPLIT_PERCENT}};
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
    if (!strcmp(by, modes[i].word)) d.split = modes[i].split;
  /* No --by: the stream's split rule (pcn funds rule). */
  if (by[0] && !d.split)
    return cli_usage(c, "--by: one of list, weighted, beds, equal, fixed, "
                        "percent (or leave it out for the stream's rule).");
  if (!by[0] && cli_has(c, "to"))
    return cli_usage(c, "--to goes with --by; the stream's rule pays every "
                        "practice.");
  int valued = d.split == PCN__FUNDS_SPLIT__FUNDS_SPLIT_FIXED ||
               d.split == PCN__FUNDS_SPLIT__FUNDS_SPLIT_PERCENT;
  d.date = (char *)opt_or(c, "date");
  d.figures_date = (char *)opt_or(c, "figures-date");
  if ((d.date[0] && cli_check_date(c, "date", d.date)) ||
      (d.figures_date[0] && cli_check_date(c, "figures-date", d.figures_date)))
    return EXIT_USAGE;
  d.reference = (char *)opt_or(c, "ref");
  d.note = (char *)opt_or(c, "note");
  d.preview = cli_has(c, "preview");
  /* --to F84001,F84002 or, for fixed and percent, F84001=600,F84002=400. */
  static Pcn__FundsPart parts[MAX_TO];
  static Pcn__FundsPart *pp[MAX_TO];
  static char buf[4096];
  const char *to = opt_or(c, "to");
  if (valued && !to[0])
    return cli_usage(c, "--to ODS=%s,... is required for --by %s.",
                     d.split == PCN__FUNDS_SPLIT__FUNDS_SPLIT_FIXED ? "POUNDS"
                                                                    : "PERCENT",
                     by);
  snprintf(buf, sizeof buf, "%s", to);
  char *save = NULL;
  for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    if (d.n_parts == MAX_TO)
      return cli_usage(c, "--to: at most %d practices.", MAX_TO);
    Pcn__FundsPart *p = &parts[d.n_parts];
    pcn__funds_part__init(p);
    char *eq = strchr(t, '=');
    if (eq) *eq++ = 0;
    p->practice = t;
    if (valued != (eq != NULL))
      return cli_usage(c, valued ? "--to: give each practice its part, as "
                                   "F84001=600.00."
                                 : "--to: just the practices (F84001,F84002); "
                                   "parts go with --by fixed or percent.");
    if (eq) {
      int64_t v;
      /* Percentages read like pounds: two decimals, "33.33" -> 3333. */
      if (pcn_pence_parse(eq, &v) || v < 0 ||
          (d.split == PCN__FUNDS_SPLIT__FUNDS_SPLIT_PERCENT && v > 10000))
        return cli_usage(c, "--to: '%s' is not %s for %s.", eq,
                         d.split == PCN__FUNDS_SPLIT__FUNDS_SPLIT_FIXED
                             ? "an amount in pounds"
                             : "a percentage such as 33.33",
                         t);
      if (d.split == PCN__FUNDS_SPLIT__FUNDS_SPLIT_FIXED)
        p->pence = v;
      else
        p->basis_points = (uint32_t)v;
    }
    pp[d.n_parts++] = p;
  }
  d.parts = pp;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_DISTRIBUTE;
  req.funds_distribute = &d;
  return funds_call(c, &req);
}

static int reverse_run(cli_ctx *c) {
  Pcn__FundsReverse r = PCN__FUNDS_REVERSE__INIT;
  if (cli_parse_u64(c, "the entry ID", c->arg[0], &r.entry)) return EXIT_USAGE;
  r.date = (char *)opt_or(c, "date");
  if (r.date[0] && cli_check_date(c, "date", r.date)) return EXIT_USAGE;
  r.note = (char *)opt_or(c, "note");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_REVERSE;
  req.funds_reverse = &r;
  return funds_call(c, &req);
}

static int ledger_run(cli_ctx *c) {
  Pcn__FundsLedger l = PCN__FUNDS_LEDGER__INIT;
  l.stream = (char *)opt_or(c, "stream");
  l.practice = (char *)opt_or(c, "practice");
  l.month = (char *)opt_or(c, "month");
  uint64_t x;
  if (cli_has(c, "before")) {
    if (cli_parse_u64(c, "--before", cli_opt_val(c, "before"), &x))
      return EXIT_USAGE;
    l.before = x;
  }
  if (cli_has(c, "limit")) {
    if (cli_parse_u64(c, "--limit", cli_opt_val(c, "limit"), &x))
      return EXIT_USAGE;
    l.limit = x > 200 ? 200 : (uint32_t)x;
  }
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_LEDGER;
  req.funds_ledger = &l;
  return funds_call(c, &req);
}

static int balance_run(cli_ctx *c) {
  Pcn__FundsBalances b = PCN__FUNDS_BALANCES__INIT;
  b.practice = (char *)opt_or(c, "practice");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_BALANCES;
  req.funds_balances = &b;
  return funds_call(c, &req);
}

/* ---- --format pdf: the server's statement as a pcn_statement for the
 * renderer (client/report). */

/* A refusal on the client's side: the sentence on stderr, exit 2. */
static int refuse(const char *fmt, ...) PCN_PRINTF(1, 2);
static int refuse(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("pcn: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return EXIT_REFUSED;
}

/* The practices (for their names) and the streams (for theirs). */
static int pdf_names_load(cli_ctx *c, report_pb_names *nm) {
  int rc;
  Pcn__Request req = PCN__REQUEST__INIT;
  Pcn__PracticeList pl = PCN__PRACTICE_LIST__INIT;
  req.body_case = PCN__REQUEST__BODY_PRACTICE_LIST;
  req.practice_list = &pl;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  report_pb_add_practices(nm, r->practices->practices,
                          r->practices->n_practices);
  Pcn__FundsStreamList sl = PCN__FUNDS_STREAM_LIST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_STREAM_LIST;
  req.funds_stream_list = &sl;
  if (!(r = cli_call(c, &req, &rc))) return rc;
  report_pb_add_streams(nm, r->funds_streams->streams,
                        r->funds_streams->n_streams);
  return EXIT_DONE;
}

/* The budget table of the PDF: each stream's budget for the month's
 * financial year and its actual from April to the month's end
 * (distributed, claimed and spent: FundsBudgetReport through the month).
 * A month the server will refuse loads nothing here; the statement says
 * why. */
static int pdf_budget_load(cli_ctx *c, const char *month, report_pb_names *nm) {
  int32_t day;
  char first[16];
  snprintf(first, sizeof first, "%.7s-01", month);
  if (strlen(month) != 7 || pcn_date_parse(first, &day)) return EXIT_DONE;
  int64_t y;
  int m, d;
  pcn_civil_from_days(day, &y, &m, &d);
  int rc;
  Pcn__Request req = PCN__REQUEST__INIT;
  Pcn__FundsBudgetReport br = PCN__FUNDS_BUDGET_REPORT__INIT;
  br.year = (uint32_t)(m >= 4 ? y : y - 1);
  br.through = (char *)month;
  req.body_case = PCN__REQUEST__BODY_FUNDS_BUDGET_REPORT;
  req.funds_budget_report = &br;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  for (size_t i = 0; i < r->funds_budget_page->n_rows; i++) {
    const Pcn__FundsBudgetRow *x = r->funds_budget_page->rows[i];
    if (!x->budget) continue;
    size_t k = report_pb_stream(nm, x->stream);
    if (k == (size_t)-1) continue;
    nm->s[k].has_budget = 1;
    nm->s[k].budget = x->budget;
    nm->s[k].actual_ytd = x->distributed + x->claimed + x->spent;
  }
  return EXIT_DONE;
}

/* Pages in a PDF cairo wrote: the /Count of its /Type /Pages object
 * (cairo writes that dictionary uncompressed, after the pages). */
static int pdf_page_count(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  char *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (cap - len < 65536) {
      char *nb = realloc(buf, cap + (1 << 20));
      if (!nb) break;
      buf = nb;
      cap += 1 << 20;
    }
    size_t got = fread(buf + len, 1, cap - len - 1, f);
    len += got;
    if (!got) break;
  }
  fclose(f);
  int pages = 0;
  for (size_t i = 0; buf && i + 12 <= len; i++) {
    if (memcmp(buf + i, "/Type /Pages", 12)) continue;
    buf[len] = 0;
    const char *cnt = strstr(buf + i, "/Count ");
    if (cnt) pages = atoi(cnt + 7);
    break;
  }
  free(buf);
  return pages;
}

/* Writes the month's statement in fmt (table, csv or pdf) from the one
 * model (report_pb.c builds it from the server's page; client/report
 * renders it), to out ("" the terminal; the PDF always to a file). */
static int statement_write(const cli_ctx *c, const Pcn__FundsStatementPage *pg,
                           report_pb_names *nm, const char *focus,
                           const char *fmt, const char *out) {
  char err[256];
  pcn_statement *st = report_pb_statement(
      pg, nm, c->cfg.network_name, focus, pcn_now_ms(), err, sizeof err);
  if (!st) return refuse("%s", err);
  int rc = EXIT_DONE;
  if (!strcmp(fmt, "pdf")) {
    if (report_statement_pdf(st, out, err, sizeof err))
      rc = refuse("%s", err);
    else
      printf("Wrote %s (%d pages)\n", out, pdf_page_count(out));
    pcn_statement_free(st);
    return rc;
  }
  FILE *f = out[0] ? fopen(out, "wb") : stdout;
  if (!f) {
    pcn_statement_free(st);
    return refuse("Could not open %s for writing (%s); check the folder "
                  "exists and is writable.",
                  out, strerror(errno));
  }
  int bad = !strcmp(fmt, "csv")
                ? report_statement_csv(st, f, err, sizeof err)
                : report_statement_table(st, f, err, sizeof err);
  if (out[0] && fclose(f) && !bad) {
    bad = 1;
    snprintf(err, sizeof err, "Could not finish writing %s; check the disk.",
             out);
  }
  if (bad)
    rc = refuse("%s", err);
  else if (out[0])
    printf("Wrote %s\n", out);
  pcn_statement_free(st);
  return rc;
}

/* The server's page as JSON, to out or the terminal. */
static int statement_json(const Pcn__FundsStatementPage *p, const char *out) {
  json_t *j = pb_to_json(&p->base);
  if (!out[0]) {
    cli_print_json(j);
    return EXIT_DONE;
  }
  int bad = !j || json_dump_file(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(j);
  if (bad)
    return refuse("Could not write %s; check the folder exists and is "
                  "writable.",
                  out);
  printf("Wrote %s\n", out);
  return EXIT_DONE;
}

static int statement_run(cli_ctx *c) {
  Pcn__FundsStatement st = PCN__FUNDS_STATEMENT__INIT;
  if (need(c, "month", (const char **)&st.month)) return EXIT_USAGE;
  st.practice = (char *)opt_or(c, "practice");
  const char *fmt = opt_or(c, "format");
  const char *out = opt_or(c, "out");
  if (!fmt[0]) fmt = c->json ? "json" : "table";
  int pdf = !strcmp(fmt, "pdf"), json = !strcmp(fmt, "json");
  if (!pdf && !json && strcmp(fmt, "csv") && strcmp(fmt, "table"))
    return cli_usage(c, "--format: table, csv, json or pdf.");
  if (c->json && !json)
    return cli_usage(c, "--json goes with --format json only.");
  if (pdf && !out[0])
    return cli_usage(c, "--out FILE is required for --format pdf.");
  /* The table, CSV and PDF keep the whole network's rows and narrow only
   * the practices' tables to --practice (focus_ods), so every row adds up
   * to the network's; JSON is the server's page, narrowed there. */
  char focus[PCN_REPORT_ODS] = "";
  if (!json) {
    snprintf(focus, sizeof focus, "%s", st.practice);
    for (char *f = focus; *f; f++)
      if (*f >= 'a' && *f <= 'z') *f = (char)(*f - 'a' + 'A');
    st.practice = "";
  }
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_STATEMENT;
  req.funds_statement = &st;
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  static report_pb_names nm;
  if (!json && (rc = pdf_names_load(c, &nm)) != EXIT_DONE) return rc;
  if (pdf && (rc = pdf_budget_load(c, st.month, &nm)) != EXIT_DONE) return rc;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  const Pcn__FundsStatementPage *p = r->funds_statement_page;
  if (json) return statement_json(p, out);
  return statement_write(c, p, &nm, focus, fmt, out);
}

#define ENTRY_OPTS                                                             \
  {"date", "YYYY-MM-DD", "the day of the money (default today)"},              \
      {"ref", "TEXT", "a reference, such as the remittance number"}, {         \
    "note", "TEXT", "a note"                                                   \
  }

const cli_cmd funds_cmds[] = {
    {"funds",
     "stream",
     NULL,
     0,
     "list the funding streams, or add one (PCN manager)",
     "pcn funds stream --add estates --name \"Estates grant\"",
     {{"add", "CODE", "add a stream: lower-case letters, digits, '-'"},
      {"update", "CODE", "change a stream (a built-in one too)"},
      {"name", "TEXT", "the stream's name"},
      {"pass-through", NULL,
       "money passed through to the practice it is for (as ARRS and IIF "
       "are by default): left out of the year end's and the equity "
       "report's fairness figures"},
      {"no-pass-through", NULL,
       "with --update: a share of the network's "
       "money after all"}},
     stream_run},
    {"funds",
     "rule",
     "list|set [STREAM]",
     2,
     "list the streams' split rules, or set one (PCN manager): a "
     "distribution of the stream with no --by keeps the top slice in "
     "bank:STREAM for the network's costs and splits the rest exactly",
     "pcn funds rule set core --top-slice 12.5% --by list",
     {{"by", "BASIS", "list, weighted, beds or equal"},
      {"top-slice", "P%|POUNDS",
       "kept for the network's costs: a percentage or an amount"},
      {"none", NULL, "remove the stream's rule"}},
     rule_run},
    {"funds",
     "figures",
     NULL,
     0,
     "list practices' figures (each practice's one history of list "
     "sizes, used by distributions, expected income, the ARRS ceiling, the "
     "equity report and pcn practice list; \"as added\" is the list size "
     "a practice was added with, in force before its first dated figure), "
     "or record them (PCN manager; a figure left out is carried from the "
     "figures in force on --from, so --list-size alone keeps the locality; "
     "give 0, or --locality \"\", to record none)",
     "pcn funds figures --set F84001 --from 2027-04-01 --list-size 12000 "
     "--weighted 13250 --locality North",
     {{"practice", "ODS", "one practice's history"},
      {"as-at", "DATE", "only the figures in force on DATE"},
      {"set", "ODS", "record this practice's figures"},
      {"from", "DATE", "the date they apply from"},
      {"list-size", "N", "registered patients"},
      {"weighted", "N", "weighted (adjusted) population"},
      {"locality", "NAME", "the practice's locality (optional)"},
      {"beds", "N", "care-home beds the practice serves (optional)"}},
     figures_run},
    {"funds",
     "receive",
     NULL,
     0,
     "record money received by the network (PCN manager)",
     "pcn funds receive --stream core --amount £25,000.00 --ref REM-0427",
     {{"stream", "CODE", "the funding stream (pcn funds stream)"},
      {"amount", "POUNDS", "such as 1,234.56"},
      ENTRY_OPTS},
     receive_run},
    {"funds",
     "distribute",
     NULL,
     0,
     "pay money out to practices, split exactly (PCN manager)",
     "pcn funds distribute --stream core --amount 10,000 --by list "
     "--preview",
     {{"stream", "CODE", "the funding stream"},
      {"amount", "POUNDS", "the total to pay out"},
      {"by", "MODE",
       "list, weighted, beds, equal, fixed or percent; left out, the "
       "stream's rule (pcn funds rule)"},
      {"to", "ODS[=V],...",
       "the practices (default all); with fixed, ODS=POUNDS; with percent, "
       "ODS=PERCENT"},
      {"figures-date", "DATE", "whose figures split it (default --date)"},
      {"preview", NULL, "show the split; post nothing"},
      ENTRY_OPTS},
     distribute_run},
    {"funds",
     "expense",
     NULL,
     0,
     "record a payment out of the network (PCN manager)",
     "pcn funds expense --stream lm --amount 1,800 --payee \"Pat Jones\"",
     {{"stream", "CODE", "the funding stream"},
      {"amount", "POUNDS", "such as 1,234.56"},
      {"payee", "NAME", "who was paid"},
      {"duplicate-ok", NULL,
       "post it even though an earlier expense has the same --ref"},
      ENTRY_OPTS},
     expense_run},
    {"funds",
     "reverse",
     "ID",
     1,
     "post the opposite of an entry, once (PCN manager)",
     "pcn funds reverse 12 --note \"wrong stream\"",
     {{"note", "TEXT", "why"},
      {"date", "YYYY-MM-DD", "the day of the correction (default today)"}},
     reverse_run},
    {"funds",
     "ledger",
     NULL,
     0,
     "the ledger, newest first",
     "pcn funds ledger --practice F84001 --month 2027-04",
     {{"stream", "CODE", "one stream's entries"},
      {"practice", "ODS", "entries paying this practice"},
      {"month", "YYYY-MM", "entries dated in this month"},
      {"limit", "N", "at most N (default 50, at most 200)"},
      {"before", "ID", "the next page: entries below ID"}},
     ledger_run},
    {"funds",
     "balance",
     NULL,
     0,
     "what each practice was paid per stream, and what the network holds",
     "pcn funds balance --practice F84001",
     {{"practice", "ODS", "one practice's balances"}},
     balance_run},
    {"funds",
     "statement",
     NULL,
     0,
     "a month's statement: what each practice was paid per stream, and what "
     "the network held, received, paid out and holds (docs/statement.md "
     "explains every column)",
     "pcn funds statement --month 2027-04 --format pdf --out april.pdf",
     {{"month", "YYYY-MM", "the month (required)"},
      {"practice", "ODS", "only this practice's rows (and the network's)"},
      {"format", "FORMAT", "table (default), csv, json, or pdf (with --out)"},
      {"out", "FILE", "write to FILE instead of the terminal (any format)"}},
     statement_run},
    {0},
};
