/* cmd_staff.c - pcn staff add|list|show|update|end|rota|assign|leave|equity:
 * the register of staff employed with network funds, their weekly rota, leave,
 * and the equity report (a table, CSV, or the PDF of client/report). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "clock.h"
#include "money.h"
#include "report_pb.h"
#include "validate.h"

static const char *const session_names[10] = {
    "Mon AM", "Mon PM", "Tue AM", "Tue PM", "Wed AM",
    "Wed PM", "Thu AM", "Thu PM", "Fri AM", "Fri PM"};

static const char *opt_or(cli_ctx *c, const char *name, const char *dflt) {
  const char *v = cli_opt_val(c, name);
  return v ? v : dflt;
}

/* "0.8" -> 80, "1" -> 100, "0.75" -> 75 (pcn_wte_parse). */
static int parse_wte(cli_ctx *c, const char *s, uint32_t *out) {
  if (pcn_wte_parse(s, out) == 0) return 0;
  cli_usage(c,
            "--wte is a whole-time equivalent from 0.01 to 1, such as "
            "0.8, not '%s'.",
            s);
  return -1;
}

static int parse_cost(cli_ctx *c, const char *s, int64_t *out) {
  if (pcn_pence_parse(s, out) == 0 && *out >= 0) return 0;
  cli_usage(c,
            "--cost is pounds a year, such as 42,000 or £41,250.50, not "
            "'%s'.",
            s);
  return -1;
}

static void fmt_wte(uint32_t wte, char out[8]) {
  snprintf(out, 8, "%u.%02u", wte / 100 % 100, wte % 100);
}

static void staff_show(const Pcn__StaffMember *m) {
  char cost[PCN_PENCE_BUF], wte[8], tm[20];
  fmt_wte(m->wte, wte);
  cli_kv("staff:", "%llu", (unsigned long long)m->id);
  cli_kv("name:", "%s", m->name);
  cli_kv("role:", "%s", m->role);
  cli_kv("practice:", "%s", m->practice);
  cli_kv("wte:", "%s", wte);
  cli_kv("cost:", "%s a year", pcn_pence_format(m->annual_cost, 1, cost));
  cli_kv("started:", "%s", m->started[0] ? m->started : "-");
  cli_kv("ended:", "%s", m->ended[0] ? m->ended : "-");
  cli_kv("version:", "%u", m->version);
  cli_format_time(m->updated_at, tm);
  cli_kv("updated:", "%s by %s", tm, m->updated_by);
  /* The terms' history, oldest first (issue 20); none: these since the
   * start. */
  for (size_t i = 0; i < m->n_terms; i++) {
    const Pcn__StaffTerms *t = m->terms[i];
    char from[32];
    fmt_wte(t->wte, wte);
    snprintf(from, sizeof from, "%s%s", t->from[0] ? "from " : "",
             t->from[0] ? t->from : "at the start");
    cli_kv(i ? "" : "terms:", "%-15s %s WTE, %s a year%s%s", from, wte,
           pcn_pence_format(t->annual_cost, 1, cost),
           t->set_by[0] ? ", set by " : "", t->set_by);
  }
}

static void print_json(const ProtobufCMessage *m) {
  cli_print_json(pb_to_json(m));
}

/* Sends a register change and prints the record; a CONFLICT shows the
 * record as it stands. */
static int staff_call(cli_ctx *c, Pcn__Request *req) {
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  const Pcn__Response *r = pcn_sync_call(c->s, req);
  if (r->status->code == PCN__STATUS_CODE__CONFLICT &&
      r->body_case == PCN__RESPONSE__BODY_STAFF_MEMBER) {
    fprintf(stderr, "pcn: %s\n", r->status->message);
    if (c->json) {
      json_t *j = pb_to_json((const ProtobufCMessage *)r->staff_member);
      char *s = json_dumps(j, 0);
      if (s) fprintf(stderr, "%s\n", s);
      free(s);
      json_decref(j);
    } else {
      fprintf(stderr, "The record as it is now:\n");
      fflush(stderr);
      staff_show(r->staff_member);
    }
    return EXIT_REFUSED;
  }
  r = cli_answer(c, r, &rc);
  if (!r) return rc;
  if (r->body_case == PCN__RESPONSE__BODY_STAFF_MEMBER) {
    if (c->json)
      print_json((const ProtobufCMessage *)r->staff_member);
    else
      staff_show(r->staff_member);
  }
  return EXIT_DONE;
}

static int parse_id(cli_ctx *c, const char *what, const char *s, uint64_t *id) {
  return cli_parse_u64(c, what, s, id) ? -1 : 0;
}

static int parse_version(cli_ctx *c, uint32_t *v) {
  const char *s = cli_opt_val(c, "version");
  uint64_t x;
  if (!s) {
    cli_usage(c, "--version is required (the version `pcn staff list` "
                 "shows).");
    return -1;
  }
  if (cli_parse_u64(c, "--version", s, &x)) return -1;
  *v = (uint32_t)x;
  return 0;
}

/* ------------------------------------------------------------ register */

static int add_run(cli_ctx *c) {
  Pcn__StaffAdd a = PCN__STAFF_ADD__INIT;
  a.name = (char *)cli_opt_val(c, "name");
  a.role = (char *)cli_opt_val(c, "role");
  a.practice = (char *)cli_opt_val(c, "practice");
  const char *wte = cli_opt_val(c, "wte"), *cost = cli_opt_val(c, "cost");
  if (!a.name || !a.role || !a.practice || !wte || !cost)
    return cli_usage(c, "--name, --role, --practice, --wte and --cost are "
                        "all required.");
  a.started = (char *)opt_or(c, "started", "");
  if (parse_wte(c, wte, &a.wte) || parse_cost(c, cost, &a.annual_cost) ||
      (a.started[0] && cli_check_date(c, "started", a.started)))
    return EXIT_USAGE;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_ADD;
  req.staff_add = &a;
  return staff_call(c, &req);
}

static int list_run(cli_ctx *c) {
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__StaffList l = PCN__STAFF_LIST__INIT;
  l.include_ended = cli_has(c, "all");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_LIST;
  req.staff_list = &l;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  const Pcn__StaffPage *p = r->staff_page;
  if (c->json) {
    print_json((const ProtobufCMessage *)p);
    return EXIT_DONE;
  }
  if (!p->n_staff) {
    printf("No staff in the register yet; `pcn staff add` adds them.\n");
    return EXIT_DONE;
  }
  printf("%4s  %-20s %-30s %-8s %5s %13s  %-10s %-10s %s\n", "ID", "NAME",
         "ROLE", "PRACTICE", "WTE", "COST A YEAR", "STARTED", "ENDED", "V");
  int64_t total = 0;
  for (size_t i = 0; i < p->n_staff; i++) {
    const Pcn__StaffMember *m = p->staff[i];
    char cost[PCN_PENCE_BUF], wte[8];
    fmt_wte(m->wte, wte);
    printf("%4llu  %-20.20s %-30.30s %-8s %5s %13s  %-10s %-10s %u\n",
           (unsigned long long)m->id, m->name, m->role, m->practice, wte,
           pcn_pence_format(m->annual_cost, 0, cost),
           m->started[0] ? m->started : "-", m->ended[0] ? m->ended : "-",
           m->version);
    total += m->annual_cost;
  }
  char t[PCN_PENCE_BUF];
  printf("%zu staff, costing %s a year.\n", p->n_staff,
         pcn_pence_format(total, 1, t));
  return EXIT_DONE;
}

/* pcn staff show ID: the record and its terms' history, from the list. */
static int show_run(cli_ctx *c) {
  uint64_t id;
  if (parse_id(c, "the staff ID", c->arg[0], &id)) return EXIT_USAGE;
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__StaffList l = PCN__STAFF_LIST__INIT;
  l.include_ended = 1;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_LIST;
  req.staff_list = &l;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  for (size_t i = 0; i < r->staff_page->n_staff; i++) {
    const Pcn__StaffMember *m = r->staff_page->staff[i];
    if (m->id != id) continue;
    if (c->json)
      print_json((const ProtobufCMessage *)m);
    else
      staff_show(m);
    return EXIT_DONE;
  }
  fprintf(stderr,
          "pcn: No staff member %llu in the register; `pcn staff list "
          "--all` shows them.\n",
          (unsigned long long)id);
  return EXIT_REFUSED;
}

static int update_run(cli_ctx *c) {
  Pcn__StaffUpdate u = PCN__STAFF_UPDATE__INIT;
  if (parse_id(c, "the staff ID", c->arg[0], &u.id) ||
      parse_version(c, &u.version))
    return EXIT_USAGE;
  const char *v;
  if ((v = cli_opt_val(c, "name"))) {
    u.has_name_case = PCN__STAFF_UPDATE__HAS_NAME_NAME;
    u.name = (char *)v;
  }
  if ((v = cli_opt_val(c, "role"))) {
    u.has_role_case = PCN__STAFF_UPDATE__HAS_ROLE_ROLE;
    u.role = (char *)v;
  }
  if ((v = cli_opt_val(c, "practice"))) {
    u.has_practice_case = PCN__STAFF_UPDATE__HAS_PRACTICE_PRACTICE;
    u.practice = (char *)v;
  }
  if ((v = cli_opt_val(c, "wte"))) {
    if (parse_wte(c, v, &u.wte)) return EXIT_USAGE;
    u.has_wte_case = PCN__STAFF_UPDATE__HAS_WTE_WTE;
  }
  if ((v = cli_opt_val(c, "cost"))) {
    if (parse_cost(c, v, &u.annual_cost)) return EXIT_USAGE;
    u.has_annual_cost_case = PCN__STAFF_UPDATE__HAS_ANNUAL_COST_ANNUAL_COST;
  }
  if ((v = cli_opt_val(c, "started"))) {
    if (cli_check_date(c, "started", v)) return EXIT_USAGE;
    u.has_started_case = PCN__STAFF_UPDATE__HAS_STARTED_STARTED;
    u.started = (char *)v;
  }
  if ((v = cli_opt_val(c, "from"))) {
    if (cli_check_date(c, "from", v)) return EXIT_USAGE;
    if (!u.has_wte_case && !u.has_annual_cost_case)
      return cli_usage(c, "--from goes with --wte or --cost: the day the new "
                          "terms take effect.");
    u.from = (char *)v;
  }
  if (!u.has_name_case && !u.has_role_case && !u.has_practice_case &&
      !u.has_wte_case && !u.has_annual_cost_case && !u.has_started_case)
    return cli_usage(c, "nothing to change: give --name, --role, --practice, "
                        "--wte, --cost or --started.");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_UPDATE;
  req.staff_update = &u;
  return staff_call(c, &req);
}

static int end_run(cli_ctx *c) {
  Pcn__StaffEnd e = PCN__STAFF_END__INIT;
  if (parse_id(c, "the staff ID", c->arg[0], &e.id) ||
      parse_version(c, &e.version))
    return EXIT_USAGE;
  e.ended = (char *)cli_opt_val(c, "on");
  if (!e.ended)
    return cli_usage(c, "--on is required: the last day of employment.");
  if (cli_check_date(c, "on", e.ended)) return EXIT_USAGE;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_END;
  req.staff_end = &e;
  return staff_call(c, &req);
}

/* ------------------------------------------------------------ rota */

static int leave_covers(const Pcn__StaffLeave *l, const char *day, int half) {
  if (strcmp(day, l->from) < 0 || strcmp(day, l->to) > 0) return 0;
  if (l->part == PCN__STAFF_LEAVE_PART__LEAVE_MORNINGS) return half == 0;
  if (l->part == PCN__STAFF_LEAVE_PART__LEAVE_AFTERNOONS) return half == 1;
  return 1;
}

/* The date of day i (0 Monday) of the week starting monday. */
static void week_day(const char *monday, int i, char out[11]) {
  int32_t d;
  if (pcn_date_parse(monday, &d)) {
    snprintf(out, 11, "?");
    return;
  }
  pcn_date_format(d + i, out);
}

static int rota_run(cli_ctx *c) {
  Pcn__StaffRotaGet g = PCN__STAFF_ROTA_GET__INIT;
  g.week = (char *)opt_or(c, "week", "");
  if (g.week[0] && cli_check_date(c, "week", g.week)) return EXIT_USAGE;
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_ROTA_GET;
  req.staff_rota_get = &g;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  const Pcn__StaffRota *w = r->staff_rota;
  if (c->json) {
    print_json((const ProtobufCMessage *)w);
    return EXIT_DONE;
  }
  printf("Week of %s (cells: ODS code, - none, leave)\n", w->week);
  printf("%4s  %-20s", "ID", "STAFF");
  for (int i = 0; i < 10; i++)
    printf(" %-7s", session_names[i]);
  printf("\n");
  for (size_t i = 0; i < w->n_rows; i++) {
    const Pcn__StaffRotaWeek *row = w->rows[i];
    printf("%4llu  %-20.20s", (unsigned long long)row->staff_id,
           row->staff_name);
    for (int s = 0; s < 10 && (size_t)s < row->n_sessions; s++) {
      char day[11];
      week_day(w->week, s / 2, day);
      int off = 0;
      for (size_t l = 0; l < w->n_leave && !off; l++)
        off = w->leave[l]->staff_id == row->staff_id &&
              leave_covers(w->leave[l], day, s % 2);
      printf(" %-7s", off                   ? "leave"
                      : row->sessions[s][0] ? row->sessions[s]
                                            : "-");
    }
    printf("\n");
  }
  if (!w->n_rows) printf("Nobody is employed that week.\n");
  return EXIT_DONE;
}

/* "mon-am,tue", "all", "fri-pm" -> cells; 0 or -1 after the usage error. */
static int parse_sessions(cli_ctx *c, const char *spec, int want[10]) {
  static const char *const days[] = {"mon", "tue", "wed", "thu", "fri"};
  memset(want, 0, 10 * sizeof *want);
  char buf[128];
  snprintf(buf, sizeof buf, "%s", spec);
  int any = 0;
  for (char *save = NULL, *t = strtok_r(buf, ",", &save); t;
       t = strtok_r(NULL, ",", &save)) {
    if (!strcasecmp(t, "all")) {
      for (int i = 0; i < 10; i++)
        want[i] = any = 1;
      continue;
    }
    int d = -1, half = -1;
    for (int i = 0; i < 5; i++)
      if (!strncasecmp(t, days[i], 3)) d = i;
    if (d >= 0 && t[3] == 0)
      half = 2;
    else if (d >= 0 && t[3] == '-' && !strcasecmp(t + 4, "am"))
      half = 0;
    else if (d >= 0 && t[3] == '-' && !strcasecmp(t + 4, "pm"))
      half = 1;
    if (half < 0) {
      cli_usage(c,
                "sessions are like mon-am, tue-pm, wed (both) or all, "
                "comma separated; not '%s'.",
                t);
      return -1;
    }
    if (half != 1) want[d * 2] = 1;
    if (half != 0) want[d * 2 + 1] = 1;
    any = 1;
  }
  if (!any) {
    cli_usage(c, "name the sessions, such as mon-am,thu-pm.");
    return -1;
  }
  return 0;
}

/* Adds the sessions of spec at ods ("-": freed) to the cells; a session
 * named twice keeps the last place given. 0, or -1 after the usage
 * error. */
static int add_cells(cli_ctx *c, const char *spec, char *ods,
                     Pcn__StaffRotaCell cells[10], size_t *n) {
  int want[10];
  if (parse_sessions(c, spec, want)) return -1;
  if (!strcmp(ods, "-")) ods = "";
  for (int i = 0; i < 10; i++) {
    if (!want[i]) continue;
    size_t k = 0;
    while (k < *n && cells[k].session != (uint32_t)i)
      k++;
    if (k == *n) {
      pcn__staff_rota_cell__init(&cells[k]);
      cells[k].session = (uint32_t)i;
      (*n)++;
    }
    cells[k].practice = ods;
  }
  return 0;
}

/* --pattern "Mon AM F84001, Mon PM F84001, Tue F84002": a week in one
 * request (issue 20). Each entry is a day, AM or PM (both if left out)
 * and an ODS code or - to free it; "mon-am F84001" works too. buf holds
 * the words the cells point into. 0, or -1 after the usage error. */
static int parse_pattern(cli_ctx *c, const char *pattern, char *buf,
                         size_t buflen, Pcn__StaffRotaCell cells[10],
                         size_t *n) {
  if (snprintf(buf, buflen, "%s", pattern) >= (int)buflen) {
    cli_usage(c, "--pattern is too long; a week has ten sessions.");
    return -1;
  }
  for (char *save = NULL, *e = strtok_r(buf, ",", &save); e;
       e = strtok_r(NULL, ",", &save)) {
    char *w[4] = {0}, *ws = NULL;
    int k = 0;
    for (char *t = strtok_r(e, " \t", &ws); t && k < 4;
         t = strtok_r(NULL, " \t", &ws))
      w[k++] = t;
    char spec[16];
    if (k == 3 && (!strcasecmp(w[1], "am") || !strcasecmp(w[1], "pm")))
      snprintf(spec, sizeof spec, "%.3s-%s", w[0], w[1]);
    else if (k == 2)
      snprintf(spec, sizeof spec, "%.15s", w[0]);
    else {
      cli_usage(c, "--pattern entries are like \"Mon AM F84001\" (a day, "
                   "AM or PM or neither for both, and an ODS code or -), "
                   "comma separated.");
      return -1;
    }
    if (add_cells(c, spec, w[k - 1], cells, n)) return -1;
  }
  if (!*n) {
    cli_usage(c, "--pattern names no sessions; such as \"Mon AM F84001, "
                 "Tue PM F84002\".");
    return -1;
  }
  return 0;
}

static int assign_run(cli_ctx *c) {
  Pcn__StaffRotaSet s = PCN__STAFF_ROTA_SET__INIT;
  Pcn__StaffRotaCell cells[10], *cp[10];
  char words[512];
  if (parse_id(c, "the staff ID", c->arg[0], &s.staff_id)) return EXIT_USAGE;
  const char *pattern = cli_opt_val(c, "pattern");
  if (pattern && c->nargs > 1)
    return cli_usage(c, "give SESSIONS ODS or --pattern, not both.");
  if (!pattern && c->nargs < 3)
    return cli_usage(c, "give SESSIONS ODS (such as mon-am,thu F84002), or "
                        "--pattern \"Mon AM F84001, Tue PM F84002\".");
  if (pattern
          ? parse_pattern(c, pattern, words, sizeof words, cells, &s.n_cells)
          : add_cells(c, c->arg[1], (char *)c->arg[2], cells, &s.n_cells))
    return EXIT_USAGE;
  s.week = (char *)cli_opt_val(c, "week");
  if (!s.week) return cli_usage(c, "--week is required (any day of it).");
  if (cli_check_date(c, "week", s.week)) return EXIT_USAGE;
  s.this_week_only = cli_has(c, "this-week-only");
  for (size_t i = 0; i < s.n_cells; i++)
    cp[i] = &cells[i];
  s.cells = cp;
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_ROTA_SET;
  req.staff_rota_set = &s;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  const Pcn__StaffRotaWeek *w = r->staff_rota_week;
  if (c->json) {
    print_json((const ProtobufCMessage *)w);
    return EXIT_DONE;
  }
  printf("%s from the week of %s%s:", w->staff_name, w->week,
         s.this_week_only ? " (that week only)" : " on");
  int n = 0;
  for (size_t i = 0; i < w->n_sessions && i < 10; i++)
    if (w->sessions[i][0])
      printf("%s %s %s", n++ ? "," : "", session_names[i], w->sessions[i]);
  printf(n ? " (%d session%s a week)\n" : " no sessions\n", n,
         n == 1 ? "" : "s");
  if (w->warning[0]) printf("Warning: %s\n", w->warning);
  return EXIT_DONE;
}

/* ------------------------------------------------------------ leave */

static const char *part_word(int part) {
  return part == PCN__STAFF_LEAVE_PART__LEAVE_MORNINGS     ? "mornings"
         : part == PCN__STAFF_LEAVE_PART__LEAVE_AFTERNOONS ? "afternoons"
                                                           : "whole days";
}

static void leave_row(const Pcn__StaffLeave *l) {
  printf("%4llu  %-20.20s %-8s %-10s %-10s %-10s %-9s %s\n",
         (unsigned long long)l->id, l->staff_name, l->practice, l->from, l->to,
         part_word(l->part), l->cancelled ? "cancelled" : "-", l->note);
}

static int leave_list(cli_ctx *c) {
  Pcn__StaffLeaveList l = PCN__STAFF_LEAVE_LIST__INIT;
  l.from = (char *)opt_or(c, "from", "");
  l.to = (char *)opt_or(c, "to", "");
  if ((l.from[0] && cli_check_date(c, "from", l.from)) ||
      (l.to[0] && cli_check_date(c, "to", l.to)))
    return EXIT_USAGE;
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_LEAVE_LIST;
  req.staff_leave_list = &l;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  const Pcn__StaffLeavePage *p = r->staff_leave_page;
  if (c->json) {
    print_json((const ProtobufCMessage *)p);
    return EXIT_DONE;
  }
  if (!p->n_leave) {
    printf("No leave recorded.\n");
    return EXIT_DONE;
  }
  printf("%4s  %-20s %-8s %-10s %-10s %-10s %-9s %s\n", "ID", "STAFF",
         "PRACTICE", "FROM", "TO", "PART", "STATE", "NOTE");
  for (size_t i = 0; i < p->n_leave; i++)
    leave_row(p->leave[i]);
  return EXIT_DONE;
}

static int leave_run(cli_ctx *c) {
  Pcn__Request req = PCN__REQUEST__INIT;
  Pcn__StaffLeaveCancel x = PCN__STAFF_LEAVE_CANCEL__INIT;
  Pcn__StaffLeaveAdd a = PCN__STAFF_LEAVE_ADD__INIT;
  const char *cancel = cli_opt_val(c, "cancel");
  if (cancel) {
    if (c->nargs) return cli_usage(c, "--cancel takes no staff ID.");
    if (parse_id(c, "--cancel", cancel, &x.id)) return EXIT_USAGE;
    req.body_case = PCN__REQUEST__BODY_STAFF_LEAVE_CANCEL;
    req.staff_leave_cancel = &x;
  } else if (!c->nargs) {
    return leave_list(c);
  } else {
    if (parse_id(c, "the staff ID", c->arg[0], &a.staff_id)) return EXIT_USAGE;
    a.from = (char *)cli_opt_val(c, "from");
    if (!a.from) return cli_usage(c, "--from is required (the first day).");
    a.to = (char *)opt_or(c, "to", "");
    a.note = (char *)opt_or(c, "note", "");
    const char *part = opt_or(c, "part", "whole");
    if (!strcmp(part, "whole"))
      a.part = PCN__STAFF_LEAVE_PART__LEAVE_WHOLE_DAYS;
    else if (!strcmp(part, "am"))
      a.part = PCN__STAFF_LEAVE_PART__LEAVE_MORNINGS;
    else if (!strcmp(part, "pm"))
      a.part = PCN__STAFF_LEAVE_PART__LEAVE_AFTERNOONS;
    else
      return cli_usage(c, "--part is whole, am or pm, not '%s'.", part);
    if (cli_check_date(c, "from", a.from) ||
        (a.to[0] && cli_check_date(c, "to", a.to)))
      return EXIT_USAGE;
    req.body_case = PCN__REQUEST__BODY_STAFF_LEAVE_ADD;
    req.staff_leave_add = &a;
  }
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  const Pcn__StaffLeave *l = r->staff_leave;
  if (c->json)
    print_json((const ProtobufCMessage *)l);
  else if (l->cancelled)
    printf("Cancelled leave %llu for %s (%s to %s).\n",
           (unsigned long long)l->id, l->staff_name, l->from, l->to);
  else
    printf("Leave %llu for %s: %s to %s, %s.\n", (unsigned long long)l->id,
           l->staff_name, l->from, l->to, part_word(l->part));
  return EXIT_DONE;
}

/* ------------------------------------------------------------ equity */

static void fmt_bp(int32_t bp, int sign, char out[16]) {
  int32_t a = bp < 0 ? -bp : bp;
  snprintf(out, 16, "%s%d.%02d",
           bp < 0 ? "-"
           : sign ? "+"
                  : "",
           a / 100, a % 100);
}

/* One row of the table: the practice (or locality) in 33 columns, then
 * sessions, list size and money, each with its share, and the two
 * deviations (percentage points). */
static void equity_row(const char *label, const Pcn__StaffEquityRow *w) {
  char s[16], l[16], d[16], m[16], md[16], paid[PCN_PENCE_BUF];
  fmt_bp(w->sessions_share_bp, 0, s);
  fmt_bp(w->list_share_bp, 0, l);
  fmt_bp(w->deviation_bp, 1, d);
  fmt_bp(w->money_share_bp, 0, m);
  fmt_bp(w->money_deviation_bp, 1, md);
  pcn_pence_format(w->distributed, 1, paid);
  printf("%-33.33s %9u %9s %10u %9s %10s %15s %9s %10s\n", label, w->sessions,
         s, w->list_size, l, d, paid, m, md);
}

static void equity_head(const char *first) {
  printf("%-33s %9s %9s %10s %9s %10s %15s %9s %10s\n", first, "SESSIONS",
         "SHARE %", "LIST SIZE", "SHARE %", "DEVIATION", "PAID", "SHARE %",
         "DEVIATION");
}

/* Which figures the list sizes and localities are: the date they were
 * read as at, and each practice's figures' date. */
static void equity_figures_note(const Pcn__StaffEquityReport *q) {
  if (!q->figures_as_at[0]) return; /* a server before figures_as_at */
  printf("List sizes and localities are the figures in force on %s, the "
         "period's last day:",
         q->figures_as_at);
  for (size_t i = 0; i < q->n_rows; i++) {
    const Pcn__StaffEquityRow *w = q->rows[i];
    printf("%s %s %s%s", i ? "," : "", w->practice,
           w->figures_from[0] ? "from "
           : w->list_size     ? "as added"
                              : "none recorded",
           w->figures_from);
  }
  printf(".\n");
}

/* The money per stream, and the pass-through streams left out of the
 * money share (issue 20). */
static void equity_streams_note(const Pcn__StaffEquityReport *q) {
  char paid[PCN_PENCE_BUF], sh[16];
  int any = 0;
  for (size_t i = 0; i < q->n_streams; i++) {
    const Pcn__FundsStreamShare *x = q->streams[i];
    if (!x->paid) continue;
    if (!any++)
      printf("\n%-10s %-8s %15s %9s  %s\n", "STREAM", "PRACTICE", "PAID",
             "SHARE %", "");
    fmt_bp(x->share_bp, 0, sh);
    printf("%-10s %-8s %15s %9s  %s\n", x->stream, x->practice,
           pcn_pence_format(x->paid, 1, paid), sh,
           x->counted        ? ""
           : x->pass_through ? "pass-through, left out"
                             : "left out");
  }
  if (q->n_left_out) {
    printf("Left out of the money share: pass-through ");
    for (size_t i = 0; i < q->n_left_out; i++)
      printf("%s%s", i ? ", " : "", q->left_out[i]);
    printf(" (%s paid to practices); --include-pass-through counts it.\n",
           pcn_pence_format(q->left_out_paid, 1, paid));
  } else if (q->include_pass_through) {
    printf("The money share counts pass-through streams too.\n");
  }
}

static void equity_table(const Pcn__StaffEquityReport *q) {
  char paid[PCN_PENCE_BUF];
  printf("Shared staff equity, %s to %s\n", q->from, q->to);
  equity_head("PRACTICE NAME");
  for (size_t i = 0; i < q->n_rows; i++) {
    char label[64];
    snprintf(label, sizeof label, "%-8s %.24s", q->rows[i]->practice,
             q->rows[i]->name);
    equity_row(label, q->rows[i]);
  }
  /* One locality is the whole network again: shown when there are two. */
  if (q->n_localities >= 2) {
    putchar('\n');
    equity_head("LOCALITY");
    for (size_t i = 0; i < q->n_localities; i++)
      equity_row(q->localities[i]->practice, q->localities[i]);
  }
  pcn_pence_format(q->distributed, 1, paid);
  printf("\n%u sessions delivered (%u on the rota, %u lost to leave); list "
         "size %llu; %s paid to practices.\nDeviation is in percentage "
         "points: a share less the list share.\n",
         q->sessions_delivered, q->sessions_rota, q->sessions_leave,
         (unsigned long long)q->list_total, paid);
  equity_figures_note(q);
  equity_streams_note(q);
}

/* CSV (RFC 4180): a row per practice, then per locality; shares in
 * percent, money in plain pounds. */
static void csv_text(const char *s) {
  if (!strpbrk(s, ",\"\r\n")) {
    fputs(s, stdout);
    return;
  }
  putchar('"');
  for (; *s; s++) {
    if (*s == '"') putchar('"');
    putchar(*s);
  }
  putchar('"');
}

static void equity_csv_row(const char *kind, const Pcn__StaffEquityRow *w,
                           const char *name) {
  char f[6][16];
  fmt_bp(w->sessions_share_bp, 0, f[0]);
  fmt_bp(w->money_share_bp, 0, f[1]);
  fmt_bp(w->list_share_bp, 0, f[2]);
  fmt_bp(w->deviation_bp, 0, f[3]);
  fmt_bp(w->money_deviation_bp, 0, f[4]);
  int64_t p = w->distributed;
  uint64_t a = p < 0 ? (uint64_t)0 - (uint64_t)p : (uint64_t)p;
  printf("%s,", kind);
  csv_text(w->practice);
  putchar(',');
  csv_text(name);
  putchar(',');
  csv_text(w->locality);
  printf(",%u,%s,%s%llu.%02llu,%s,%u,%s,%s,%s\n", w->sessions, f[0],
         p < 0 ? "-" : "", (unsigned long long)(a / 100),
         (unsigned long long)(a % 100), f[1], w->list_size, f[2], f[3], f[4]);
}

static void equity_csv(const Pcn__StaffEquityReport *q) {
  printf("kind,key,name,locality,sessions,sessions_share,distributed,"
         "money_share,list_size,list_share,sessions_deviation,"
         "money_deviation\n");
  for (size_t i = 0; i < q->n_rows; i++)
    equity_csv_row("practice", q->rows[i], q->rows[i]->name);
  for (size_t i = 0; i < q->n_localities; i++)
    equity_csv_row("locality", q->localities[i], "");
}

/* The PDF from the server's figures (report_pb.c builds the renderer's
 * struct, whose shares are the server's to the basis point). */
static int equity_pdf(const cli_ctx *c, const Pcn__StaffEquityReport *q,
                      const char *out) {
  pcn_equity *eq = report_pb_equity(q, c->cfg.network_name, pcn_now_ms());
  char err[256];
  int rc = EXIT_DONE;
  if (!eq) {
    snprintf(err, sizeof err,
             "The report has more practices than a PDF holds (%d).",
             PCN_REPORT_MAX_PRACTICES);
    rc = EXIT_REFUSED;
  } else if (report_equity_pdf(eq, out, err, sizeof err)) {
    rc = EXIT_REFUSED;
  }
  pcn_equity_free(eq);
  if (rc) {
    fprintf(stderr, "pcn: %s\n", err);
    return rc;
  }
  printf("Wrote %s\n", out);
  return EXIT_DONE;
}

static int equity_run(cli_ctx *c) {
  Pcn__StaffEquity e = PCN__STAFF_EQUITY__INIT;
  e.from = (char *)cli_opt_val(c, "from");
  e.to = (char *)cli_opt_val(c, "to");
  e.include_pass_through = cli_has(c, "include-pass-through");
  if (!e.from || !e.to) return cli_usage(c, "--from and --to are required.");
  if (cli_check_date(c, "from", e.from) || cli_check_date(c, "to", e.to))
    return EXIT_USAGE;
  const char *fmt = opt_or(c, "format", "table");
  const char *out = opt_or(c, "out", "");
  int csv = !strcmp(fmt, "csv"), pdf = !strcmp(fmt, "pdf");
  if (!csv && !pdf && strcmp(fmt, "table"))
    return cli_usage(c, "--format: table, csv or pdf.");
  if (pdf && !out[0])
    return cli_usage(c, "--out FILE is required for --format pdf.");
  if (out[0] && !pdf) return cli_usage(c, "--out goes with --format pdf.");
  if ((pdf || csv) && c->json)
    return cli_usage(c, "--json does not go with --format %s.", fmt);
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_EQUITY;
  req.staff_equity = &e;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  const Pcn__StaffEquityReport *q = r->staff_equity;
  if (c->json) {
    print_json((const ProtobufCMessage *)q);
    return EXIT_DONE;
  }
  if (pdf) return equity_pdf(c, q, out);
  if (csv)
    equity_csv(q);
  else
    equity_table(q);
  return EXIT_DONE;
}

const cli_cmd staff_cmds[] = {
    {"staff",
     "add",
     NULL,
     0,
     "add a person employed with network funds (PCN manager)",
     "pcn staff add --name \"Sam Patel\" --role \"clinical pharmacist\" "
     "--practice F84001 --wte 0.8 --cost 42,000",
     {{"name", "TEXT", "their name (required)"},
      {"role", "TEXT",
       "the role (required): an ARRS role such as clinical pharmacist, "
       "social prescribing link worker, GP; `pcn staff list --json` lists "
       "them"},
      {"practice", "ODS", "the employing practice (required)"},
      {"wte", "N", "whole-time equivalent, 0.01 to 1 (required)"},
      {"cost", "POUNDS", "the cost a year, such as 42,000 (required)"},
      {"started", "YYYY-MM-DD", "the first day of employment"}},
     add_run},
    {"staff",
     "list",
     NULL,
     0,
     "list the staff register",
     "pcn staff list --all",
     {{"all", NULL, "include those whose employment has ended"}},
     list_run},
    {"staff",
     "update",
     "ID",
     1,
     "change a staff member's record (PCN manager)",
     "pcn staff update 3 --version 1 --wte 0.8 --cost 44,800 --from "
     "2026-12-01",
     {CLI_VERSION_OPT,
      {"name", "TEXT", "a new name"},
      {"role", "TEXT", "a new role"},
      {"practice", "ODS", "a new employing practice"},
      {"wte", "N", "a new whole-time equivalent, from --from"},
      {"cost", "POUNDS", "a new cost a year, from --from"},
      {"from", "YYYY-MM-DD",
       "the day new --wte/--cost take effect (default today); the terms "
       "before it stay as they were"},
      {"started", "YYYY-MM-DD", "the first day of employment"}},
     update_run},
    {"staff",
     "show",
     "ID",
     1,
     "a staff member's record and the history of their terms",
     "pcn staff show 3",
     {{0}},
     show_run},
    {"staff",
     "end",
     "ID",
     1,
     "end a staff member's employment; the record stays (PCN manager)",
     "pcn staff end 3 --version 2 --on 2027-03-31",
     {CLI_VERSION_OPT,
      {"on", "YYYY-MM-DD", "the last day of employment (required)"}},
     end_run},
    {"staff",
     "rota",
     NULL,
     0,
     "show a week's rota: rows staff, columns Mon AM .. Fri PM",
     "pcn staff rota --week 2026-11-23",
     {{"week", "YYYY-MM-DD", "any day of the week (default this week)"}},
     rota_run},
    {"staff",
     "assign",
     "ID [SESSIONS ODS]",
     3,
     "put a person at a practice for sessions of a week and the weeks "
     "after (ODS - frees them; PCN manager), or a whole week at once with "
     "--pattern; warns when the week passes the person's WTE (WTE x 10 "
     "sessions)",
     "pcn staff assign 3 --pattern \"Mon AM F84001, Mon PM F84001, Tue "
     "F84002\" --week 2026-11-23",
     {{"week", "YYYY-MM-DD", "any day of the week (required)"},
      {"pattern", "LIST",
       "the week's sessions in one go, such as \"Mon AM F84001, Tue "
       "F84002\": a day, AM or PM (both if left out), and an ODS code or - "
       "to free it"},
      {"this-week-only", NULL, "the weeks after keep the pattern they had"}},
     assign_run},
    {"staff",
     "leave",
     "[ID]",
     1,
     "with ID record leave, with --cancel cancel it, else list it",
     "pcn staff leave 3 --from 2026-12-21 --to 2026-12-24",
     {{"from", "YYYY-MM-DD", "the first day (to list: from this day)"},
      {"to", "YYYY-MM-DD", "the last day (default: the first)"},
      {"part", "whole|am|pm", "whole days, or mornings or afternoons only"},
      {"note", "TEXT", "a note, such as annual leave"},
      {"cancel", "LEAVE_ID", "cancel recorded leave"}},
     leave_run},
    {"staff",
     "equity",
     NULL,
     0,
     "each practice's and locality's share of delivered sessions and of "
     "money paid against its share of the list size (list sizes and "
     "localities are the figures in force on the period's last day)",
     "pcn staff equity --from 2026-10-01 --to 2026-12-31 --format pdf "
     "--out equity.pdf",
     {{"from", "YYYY-MM-DD", "the first day (required)"},
      {"to", "YYYY-MM-DD", "the last day (required)"},
      {"format", "FORMAT", "table (default), csv, or pdf (with --out)"},
      {"out", "FILE", "where --format pdf writes the PDF"},
      {"include-pass-through", NULL,
       "count pass-through streams (ARRS, IIF: pcn funds stream) in the "
       "money share; by default they are left out and named"}},
     equity_run},
    {0},
};
