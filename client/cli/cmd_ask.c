/* cmd_ask.c - pcn ask new|list|show|answer|close|load|repeat: asks from the
 * network to practices, each practice's answer, the load on each
 * practice, and recurring asks. The server checks everything (fair
 * notice, who may answer); these commands say what it said.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "validate.h"

#define ASK_TO_MAX 30

static const char *answer_name(int s) {
  switch (s) {
  case PCN__ASK_ANSWER_STATE__ASK_ACKNOWLEDGED: return "acknowledged";
  case PCN__ASK_ANSWER_STATE__ASK_DONE: return "done";
  case PCN__ASK_ANSWER_STATE__ASK_DECLINED: return "declined";
  default: return "no answer";
  }
}

static const char *repeat_name(int r) {
  switch (r) {
  case PCN__ASK_REPEAT__ASK_MONTHLY: return "monthly";
  case PCN__ASK_REPEAT__ASK_QUARTERLY: return "quarterly";
  case PCN__ASK_REPEAT__ASK_YEARLY: return "yearly";
  default: return "?";
  }
}

static int print_json(const void *m) {
  cli_print_json(pb_to_json((const ProtobufCMessage *)m));
  return EXIT_DONE;
}

/* "F84001, F84002" */
static void join_codes(char *const *p, size_t n, char *out, size_t len) {
  size_t k = 0;
  out[0] = 0;
  for (size_t i = 0; i < n && k + 10 < len; i++)
    k += (size_t)snprintf(out + k, len - k, "%s%s", i ? ", " : "", p[i]);
}

/* Urgent asks per month, for everyone: the months that had asks. */
static void print_months(Pcn__AskMonth *const *m, size_t n) {
  int shown = 0;
  for (size_t i = 0; i < n && shown < 6; i++) {
    if (!m[i]->asks) continue;
    printf("%s%s %u urgent of %u",
           shown ? ", " : "Urgent asks by month: ", m[i]->month, m[i]->urgent,
           m[i]->asks);
    shown++;
  }
  printf(shown ? "\n" : "No asks in the last 12 months.\n");
}

static void ask_show(const Pcn__Ask *a) {
  char tm[20], to[256];
  join_codes(a->practices, a->n_practices, to, sizeof to);
  cli_kv("ask:", "%llu", (unsigned long long)a->id);
  cli_kv("title:", "%s", a->title);
  cli_kv("to:", "%s", to);
  cli_kv("due:", "%s (%u working days' notice)", a->due, a->notice_days);
  if (a->urgent) cli_kv("urgent:", "%s", a->urgent_reason);
  cli_kv("state:", "%s",
         a->state == PCN__ASK_STATE__ASK_CLOSED ? "closed" : "open");
  cli_kv("version:", "%u", a->version);
  cli_format_time(a->created_at, tm);
  cli_kv("asked:", "%s by %s", tm, a->created_by);
  if (a->series_id)
    cli_kv("series:", "%llu (made by the server)",
           (unsigned long long)a->series_id);
  if (a->state == PCN__ASK_STATE__ASK_CLOSED) {
    cli_format_time(a->closed_at, tm);
    cli_kv("closed:", "%s by %s", tm, a->closed_by);
  }
  if (a->body[0]) printf("\n%s\n", a->body);
}

static void answer_show(const Pcn__AskAnswer *ans) {
  char tm[20];
  cli_kv("ask:", "%llu", (unsigned long long)ans->ask_id);
  cli_kv("practice:", "%s", ans->practice);
  cli_kv("answer:", "%s", answer_name(ans->state));
  if (ans->note[0]) cli_kv("note:", "%s", ans->note);
  if (ans->link[0]) cli_kv("link:", "%s", ans->link);
  cli_kv("version:", "%u", ans->version);
  if (ans->answered_at) {
    cli_format_time(ans->answered_at, tm);
    cli_kv("answered:", "%s by %s", tm, ans->answered_by);
  }
}

static void series_show(const Pcn__AskSeries *s) {
  char to[256] = "every practice";
  if (!s->all_practices)
    join_codes(s->practices, s->n_practices, to, sizeof to);
  cli_kv("series:", "%llu", (unsigned long long)s->id);
  cli_kv("title:", "%s", s->title);
  cli_kv("to:", "%s", to);
  if (s->repeat == PCN__ASK_REPEAT__ASK_MONTHLY)
    cli_kv("repeats:", "monthly, due on day %u", s->day);
  else
    cli_kv("repeats:", "%s, due on %02u-%02u", repeat_name(s->repeat), s->month,
           s->day);
  cli_kv("state:", "%s", s->stopped ? "stopped" : "running");
  if (!s->stopped) cli_kv("next due:", "%s", s->next_due);
  cli_kv("made:", "%u ask%s", s->made, s->made == 1 ? "" : "s");
  cli_kv("version:", "%u", s->version);
}

/* A write whose CONFLICT carries the record as it is now: shown, so
 * nothing the other person did is lost. */
static int ask_call(cli_ctx *c, Pcn__Request *req) {
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  const Pcn__Response *r = pcn_sync_call(c->s, req);
  if (r->status->code == PCN__STATUS_CODE__CONFLICT &&
      r->body_case != PCN__RESPONSE__BODY__NOT_SET) {
    fprintf(stderr, "pcn: %s\n", r->status->message);
    fflush(stderr);
    if (c->json) {
      json_t *j = pb_to_json(r->body_case == PCN__RESPONSE__BODY_ASK
                                 ? (const ProtobufCMessage *)r->ask
                             : r->body_case == PCN__RESPONSE__BODY_ASK_ANSWER
                                 ? (const ProtobufCMessage *)r->ask_answer
                                 : (const ProtobufCMessage *)r->ask_series);
      char *s = json_dumps(j, 0);
      if (s) fprintf(stderr, "%s\n", s);
      free(s);
      json_decref(j);
    } else if (r->body_case == PCN__RESPONSE__BODY_ASK) {
      ask_show(r->ask);
    } else if (r->body_case == PCN__RESPONSE__BODY_ASK_ANSWER) {
      answer_show(r->ask_answer);
    } else if (r->body_case == PCN__RESPONSE__BODY_ASK_SERIES) {
      series_show(r->ask_series);
    }
    return EXIT_REFUSED;
  }
  r = cli_answer(c, r, &rc);
  if (!r) return rc;
  switch (r->body_case) {
  case PCN__RESPONSE__BODY_ASK:
    if (c->json) return print_json(r->ask);
    ask_show(r->ask);
    break;
  case PCN__RESPONSE__BODY_ASK_ANSWER:
    if (c->json) return print_json(r->ask_answer);
    answer_show(r->ask_answer);
    break;
  case PCN__RESPONSE__BODY_ASK_SERIES:
    if (c->json) return print_json(r->ask_series);
    series_show(r->ask_series);
    break;
  default: break;
  }
  return EXIT_DONE;
}

static int parse_id(cli_ctx *c, const char *what, const char *s, uint64_t *id) {
  return cli_parse_u64(c, what, s, id) ? -1 : 0;
}

static int parse_version(cli_ctx *c, uint32_t *v) {
  *v = 0;
  if (!cli_has(c, "version")) return 0;
  uint64_t x;
  if (cli_parse_u64(c, "--version", cli_opt_val(c, "version"), &x)) return -1;
  *v = (uint32_t)x;
  return 0;
}

static const char *opt_or(cli_ctx *c, const char *name, const char *dflt) {
  const char *v = cli_opt_val(c, name);
  return v ? v : dflt;
}

/* --to F84001,F84002 or --to all. codes points into buf. */
static int parse_to(cli_ctx *c, char *buf, size_t len, char **codes, size_t *n,
                    protobuf_c_boolean *all) {
  const char *to = cli_opt_val(c, "to");
  *n = 0;
  *all = 0;
  if (!to || !*to)
    return cli_usage(c, "--to is required: the practices' ODS codes, "
                        "comma-separated, or all.");
  if (!strcmp(to, "all")) {
    *all = 1;
    return EXIT_DONE;
  }
  if (strlen(to) >= len) return cli_usage(c, "--to is too long.");
  snprintf(buf, len, "%s", to);
  for (char *p = strtok(buf, ", "); p; p = strtok(NULL, ", ")) {
    if (*n == ASK_TO_MAX)
      return cli_usage(c, "--to names at most %d practices; use --to all.",
                       ASK_TO_MAX);
    codes[(*n)++] = p;
  }
  if (!*n) return cli_usage(c, "--to names no practice.");
  return EXIT_DONE;
}

/* ------------------------------------------------------------ verbs */

static int new_run(cli_ctx *c) {
  Pcn__AskCreate a = PCN__ASK_CREATE__INIT;
  char buf[400], *codes[ASK_TO_MAX];
  a.title = (char *)cli_opt_val(c, "title");
  a.due = (char *)cli_opt_val(c, "due");
  if (!a.title || !a.due)
    return cli_usage(c, "--title and --due are required.");
  if (cli_check_date(c, "due", a.due)) return EXIT_USAGE;
  if (parse_to(c, buf, sizeof buf, codes, &a.n_practices, &a.all_practices))
    return EXIT_USAGE;
  a.practices = codes;
  a.body = (char *)opt_or(c, "need", "");
  a.urgent = cli_has(c, "urgent");
  a.urgent_reason = (char *)opt_or(c, "urgent", "");
  if (a.urgent && !a.urgent_reason[0])
    return cli_usage(c, "--urgent takes the reason the notice is short.");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_ASK_CREATE;
  req.ask_create = &a;
  return ask_call(c, &req);
}

/* "F84001 done · F84002 -" */
static void answers_line(const Pcn__AskDetail *d, char *out, size_t len) {
  size_t k = 0;
  out[0] = 0;
  for (size_t i = 0; i < d->n_answers && k + 40 < len; i++)
    k += (size_t)snprintf(out + k, len - k, "%s%s %s", i ? " · " : "",
                          d->answers[i]->practice,
                          answer_name(d->answers[i]->state));
}

/* Characters (not bytes) in a UTF-8 string. */
static int text_len(const char *s) {
  int n = 0;
  for (; *s; s++)
    n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

/* The STATE column: closed, open, or overdue for the reader (the server
 * says: their practice still owes it; for the network's people, how many
 * practices still do), and urgent. */
static void state_text(const Pcn__AskDetail *d, char *out, size_t n) {
  const Pcn__Ask *a = d->ask;
  char owe[24] = "";
  if (d->overdue && d->n_answers > 1)
    snprintf(owe, sizeof owe, " (%u owe)", d->owing);
  snprintf(out, n, "%s%s%s",
           a->state == PCN__ASK_STATE__ASK_CLOSED ? "closed"
           : d->overdue                           ? "overdue"
                                                  : "open",
           owe, a->urgent ? ", urgent" : "");
}

static void print_asks(const Pcn__AskPage *p) {
  if (!p->n_asks) {
    printf("No asks match.\n");
  } else {
    char answers[600], state[48], title[1200];
    int wide = 0;
    for (size_t i = 0; i < p->n_asks; i++) {
      answers_line(p->asks[i], answers, sizeof answers);
      if (text_len(answers) > wide) wide = text_len(answers);
    }
    int width = cli_text_width(5 + 2 + 10 + 1 + 16 + 1 + 1 + wide);
    printf("%5s  %-10s %-16s %s %s\n", "ID", "DUE", "STATE",
           cli_cell(title, sizeof title, "TITLE", width, 1), "ANSWERS");
    for (size_t i = 0; i < p->n_asks; i++) {
      const Pcn__Ask *a = p->asks[i]->ask;
      state_text(p->asks[i], state, sizeof state);
      answers_line(p->asks[i], answers, sizeof answers);
      printf("%5llu  %-10s %-16s %s %s\n", (unsigned long long)a->id, a->due,
             state, cli_cell(title, sizeof title, a->title, width, 1), answers);
    }
    if (p->next_before)
      printf("More: pcn ask list ... --before %llu\n",
             (unsigned long long)p->next_before);
  }
  print_months(p->months, p->n_months);
}

static int list_run(cli_ctx *c) {
  Pcn__AskList l = PCN__ASK_LIST__INIT;
  const char *st = opt_or(c, "state", "open");
  if (!strcmp(st, "open"))
    l.state = PCN__ASK_STATE__ASK_OPEN;
  else if (!strcmp(st, "closed"))
    l.state = PCN__ASK_STATE__ASK_CLOSED;
  else if (strcmp(st, "all"))
    return cli_usage(c, "--state takes open, closed or all.");
  l.practice = (char *)opt_or(c, "practice", "");
  uint64_t n;
  if (cli_has(c, "limit")) {
    if (cli_parse_u64(c, "--limit", cli_opt_val(c, "limit"), &n))
      return EXIT_USAGE;
    if (n > 500) return cli_usage(c, "--limit is at most 500.");
    l.limit = (uint32_t)n;
  }
  if (cli_has(c, "before") &&
      parse_id(c, "--before", cli_opt_val(c, "before"), &l.before))
    return EXIT_USAGE;
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_ASK_LIST;
  req.ask_list = &l;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  if (c->json) return print_json(r->asks);
  print_asks(r->asks);
  return EXIT_DONE;
}

static int show_run(cli_ctx *c) {
  Pcn__AskGet g = PCN__ASK_GET__INIT;
  if (parse_id(c, "the ask ID", c->arg[0], &g.id)) return EXIT_USAGE;
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_ASK_GET;
  req.ask_get = &g;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  if (c->json) return print_json(r->ask_detail);
  const Pcn__AskDetail *d = r->ask_detail;
  ask_show(d->ask);
  printf("\n%-8s %-13s %-8s %-17s %s\n", "PRACTICE", "ANSWER", "VERSION",
         "WHEN", "NOTE");
  for (size_t i = 0; i < d->n_answers; i++) {
    const Pcn__AskAnswer *a = d->answers[i];
    char tm[20] = "-";
    if (a->answered_at) cli_format_time(a->answered_at, tm);
    printf("%-8s %-13s %-8u %-17s %s%s%s\n", a->practice, answer_name(a->state),
           a->version, tm, a->note, a->note[0] && a->link[0] ? " " : "",
           a->link);
  }
  return EXIT_DONE;
}

static int answer_run(cli_ctx *c) {
  Pcn__AskReply a = PCN__ASK_REPLY__INIT;
  if (parse_id(c, "the ask ID", c->arg[0], &a.ask_id) ||
      parse_version(c, &a.version))
    return EXIT_USAGE;
  const char *st = c->arg[1];
  if (!strcmp(st, "ack") || !strcmp(st, "acknowledge") ||
      !strcmp(st, "acknowledged"))
    a.state = PCN__ASK_ANSWER_STATE__ASK_ACKNOWLEDGED;
  else if (!strcmp(st, "done"))
    a.state = PCN__ASK_ANSWER_STATE__ASK_DONE;
  else if (!strcmp(st, "decline") || !strcmp(st, "declined"))
    a.state = PCN__ASK_ANSWER_STATE__ASK_DECLINED;
  else
    return cli_usage(c, "answer ack, done or decline, not '%s'.", st);
  if (cli_has(c, "note") && cli_has(c, "reason"))
    return cli_usage(c, "give --note or --reason, not both.");
  a.note = (char *)opt_or(c, "note", opt_or(c, "reason", ""));
  a.link = (char *)opt_or(c, "link", "");
  a.practice = (char *)opt_or(c, "practice", "");
  if (a.state == PCN__ASK_ANSWER_STATE__ASK_DONE && !a.note[0] && !a.link[0])
    return cli_usage(c, "done needs --note (what was done) or --link.");
  if (a.state == PCN__ASK_ANSWER_STATE__ASK_DECLINED && !a.note[0])
    return cli_usage(c, "decline needs --reason.");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_ASK_REPLY;
  req.ask_reply = &a;
  return ask_call(c, &req);
}

static int close_run(cli_ctx *c) {
  Pcn__AskClose a = PCN__ASK_CLOSE__INIT;
  if (parse_id(c, "the ask ID", c->arg[0], &a.id) ||
      parse_version(c, &a.version))
    return EXIT_USAGE;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_ASK_CLOSE;
  req.ask_close = &a;
  return ask_call(c, &req);
}

static int load_run(cli_ctx *c) {
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__AskLoad l = PCN__ASK_LOAD__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_ASK_LOAD;
  req.ask_load = &l;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  if (c->json) return print_json(r->ask_load_report);
  const Pcn__AskLoadReport *p = r->ask_load_report;
  printf("%-8s %-24s %5s %8s %14s\n", "PRACTICE", "NAME", "OWED", "OVERDUE",
         "LAST 30 DAYS");
  for (size_t i = 0; i < p->n_practices; i++) {
    const Pcn__AskLoadRow *row = p->practices[i];
    printf("%-8s %-24.24s %5u %8u %14u\n", row->practice, row->name, row->open,
           row->overdue, row->received_30d);
  }
  print_months(p->months, p->n_months);
  return EXIT_DONE;
}

/* --monthly DAY, --quarterly MM-DD, --yearly MM-DD. */
static int parse_repeat(cli_ctx *c, Pcn__AskSeriesCreate *s) {
  int given =
      cli_has(c, "monthly") + cli_has(c, "quarterly") + cli_has(c, "yearly");
  if (given != 1)
    return cli_usage(c, "give one of --monthly DAY, --quarterly MM-DD or "
                        "--yearly MM-DD.");
  unsigned m = 0, d = 0;
  char tail;
  if (cli_has(c, "monthly")) {
    s->repeat = PCN__ASK_REPEAT__ASK_MONTHLY;
    if (sscanf(cli_opt_val(c, "monthly"), "%u%c", &d, &tail) != 1 || d < 1 ||
        d > 31)
      return cli_usage(c, "--monthly takes the day of the month, 1 to 31.");
  } else {
    const char *opt = cli_has(c, "quarterly") ? "quarterly" : "yearly";
    s->repeat = cli_has(c, "quarterly") ? PCN__ASK_REPEAT__ASK_QUARTERLY
                                        : PCN__ASK_REPEAT__ASK_YEARLY;
    if (sscanf(cli_opt_val(c, opt), "%u-%u%c", &m, &d, &tail) != 2 || m < 1 ||
        m > 12 || d < 1 || d > 31)
      return cli_usage(c,
                       "--%s takes a month and day as MM-DD, such as "
                       "03-31.",
                       opt);
  }
  s->day = d;
  s->month = m;
  return EXIT_DONE;
}

static void print_series(const Pcn__AskSeriesPage *p) {
  if (!p->n_series) {
    printf("No recurring asks.\n");
    return;
  }
  char title[1200];
  int wide = 3;
  for (size_t i = 0; i < p->n_series; i++) {
    char to[256] = "all";
    if (!p->series[i]->all_practices)
      join_codes(p->series[i]->practices, p->series[i]->n_practices, to,
                 sizeof to);
    if (text_len(to) > wide) wide = text_len(to);
  }
  int width =
      cli_text_width(5 + 2 + 18 + 1 + 10 + 1 + 8 + 1 + 5 + 2 + 1 + wide);
  printf("%5s  %-18s %-10s %-8s %5s  %s %s\n", "ID", "REPEATS", "NEXT DUE",
         "STATE", "MADE", cli_cell(title, sizeof title, "TITLE", width, 1),
         "TO");
  for (size_t i = 0; i < p->n_series; i++) {
    const Pcn__AskSeries *s = p->series[i];
    char rep[24], to[256] = "all";
    if (s->repeat == PCN__ASK_REPEAT__ASK_MONTHLY)
      snprintf(rep, sizeof rep, "monthly, day %u", s->day);
    else
      snprintf(rep, sizeof rep, "%s, %02u-%02u", repeat_name(s->repeat),
               s->month, s->day);
    if (!s->all_practices)
      join_codes(s->practices, s->n_practices, to, sizeof to);
    printf("%5llu  %-18s %-10s %-8s %5u  %s %s\n", (unsigned long long)s->id,
           rep, s->stopped ? "-" : s->next_due,
           s->stopped ? "stopped" : "running", s->made,
           cli_cell(title, sizeof title, s->title, width, 1), to);
  }
}

/* Makes a series (--title), stops one (--stop ID), or lists them. */
static int repeat_run(cli_ctx *c) {
  int make = cli_has(c, "title"), stop = cli_has(c, "stop");
  if (make + stop + cli_has(c, "list") > 1)
    return cli_usage(c, "give --title (a new series), --stop ID or --list, "
                        "one at a time.");
  Pcn__Request req = PCN__REQUEST__INIT;
  if (stop) {
    Pcn__AskSeriesStop s = PCN__ASK_SERIES_STOP__INIT;
    if (parse_id(c, "--stop", cli_opt_val(c, "stop"), &s.id) ||
        parse_version(c, &s.version))
      return EXIT_USAGE;
    req.body_case = PCN__REQUEST__BODY_ASK_SERIES_STOP;
    req.ask_series_stop = &s;
    return ask_call(c, &req);
  }
  if (make) {
    Pcn__AskSeriesCreate s = PCN__ASK_SERIES_CREATE__INIT;
    char buf[400], *codes[ASK_TO_MAX];
    s.title = (char *)cli_opt_val(c, "title");
    s.body = (char *)opt_or(c, "need", "");
    if (parse_repeat(c, &s) ||
        parse_to(c, buf, sizeof buf, codes, &s.n_practices, &s.all_practices))
      return EXIT_USAGE;
    s.practices = codes;
    req.body_case = PCN__REQUEST__BODY_ASK_SERIES_CREATE;
    req.ask_series_create = &s;
    return ask_call(c, &req);
  }
  Pcn__AskSeriesList l = PCN__ASK_SERIES_LIST__INIT;
  l.include_stopped = cli_has(c, "all");
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  req.body_case = PCN__REQUEST__BODY_ASK_SERIES_LIST;
  req.ask_series_list = &l;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  if (c->json) return print_json(r->ask_series_page);
  print_series(r->ask_series_page);
  return EXIT_DONE;
}

const cli_cmd ask_cmds[] = {
    {"ask",
     "new",
     NULL,
     0,
     "ask practices for something by a date",
     "pcn ask new --title \"Flu vaccine uptake\" --to F84001,F84002 "
     "--due 2026-12-18 --need \"Your figures to date\"",
     {{"title", "TEXT", "what is asked (required)"},
      {"to", "ODS,ODS|all", "the practices asked (required)"},
      {"due", "YYYY-MM-DD", "when it is due (required)"},
      {"need", "TEXT", "what is needed, in detail"},
      {"urgent", "REASON", "less than the network's notice: say why"}},
     new_run},
    {"ask",
     "list",
     NULL,
     0,
     "list asks: those you still owe first, by due date (overdue is "
     "yours: your practice's answer, or how many practices still owe)",
     "pcn ask list --state all",
     {{"state", "open|closed|all", "which asks (default open)"},
      {"practice", "ODS", "only asks to this practice"},
      {"limit", "N", "at most N (default 100, at most 500)"},
      {"before", "ID", "the next page, from a previous list"}},
     list_run},
    {"ask",
     "show",
     "ID",
     1,
     "show an ask with the answers you may see",
     "pcn ask show 7",
     {{0}},
     show_run},
    {"ask",
     "answer",
     "ID ack|done|decline",
     2,
     "answer an ask for your practice (practice managers)",
     "pcn ask answer 7 done --note \"Sent to the ICB\" --link "
     "https://example.org/flu.xlsx",
     {{"note", "TEXT", "what was done (done needs a note or a link)"},
      {"link", "URL", "where it is"},
      {"reason", "TEXT", "why not (decline needs one)"},
      {"practice", "ODS", "the practice answering (default yours)"},
      CLI_VERSION_OPT},
     answer_run},
    {"ask",
     "close",
     "ID",
     1,
     "close an ask: answers can no longer change",
     "pcn ask close 7",
     {CLI_VERSION_OPT},
     close_run},
    {"ask",
     "load",
     NULL,
     0,
     "per practice: asks owed, overdue, and received in 30 days",
     "pcn ask load",
     {{0}},
     load_run},
    {"ask",
     "repeat",
     NULL,
     0,
     "recurring asks: make (--title), stop (--stop ID) or list them",
     "pcn ask repeat --title \"ARRS claim\" --to all --monthly 10",
     {{"title", "TEXT", "a new series: what is asked"},
      {"to", "ODS,ODS|all",
       "the practices asked (all: every practice of "
       "the day)"},
      {"monthly", "DAY", "due on this day of every month"},
      {"quarterly", "MM-DD", "due on this day, every three months"},
      {"yearly", "MM-DD", "due on this day every year"},
      {"need", "TEXT", "what is needed, in detail"},
      {"stop", "ID", "stop this series (its asks stay)"},
      {"list", NULL, "list the series (the default)"},
      {"all", NULL, "with --list: stopped ones too"},
      CLI_VERSION_OPT},
     repeat_run},
    {0},
};
