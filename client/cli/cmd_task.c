/* cmd_task.c - pcn task add|list|show|update|assign|comment|close|reopen.
 *
 * Overdue is the server's word on today: list and show carry its London
 * date (TaskPage.today, TaskDetail.today), and a task open and due before
 * it is marked "overdue" in the table and in show, and has "overdue": true
 * in --json. The answer to a change carries no date, so it is not marked.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Whether t is overdue on `today` (YYYY-MM-DD; NULL or "": not known). */
static int task_overdue(const Pcn__Task *t, const char *today) {
  return today && today[0] && t->status == PCN__TASK_STATUS__TASK_OPEN &&
         t->due[0] && strcmp(t->due, today) < 0;
}

static const char *status_name(const Pcn__Task *t, const char *today) {
  return t->status == PCN__TASK_STATUS__TASK_CLOSED ? "closed"
         : task_overdue(t, today)                   ? "overdue"
                                                    : "open";
}

static const char *every_name(int every) {
  switch (every) {
  case PCN__TASK_REPEAT__TASK_WEEKLY: return "week";
  case PCN__TASK_REPEAT__TASK_MONTHLY: return "month";
  case PCN__TASK_REPEAT__TASK_QUARTERLY: return "quarter";
  default: return "none";
  }
}

/* --every week|month|quarter|none into *every. 0, or -1 (usage said). */
static int parse_every(cli_ctx *c, int *every) {
  const char *v = cli_opt_val(c, "every");
  static const int values[] = {
      PCN__TASK_REPEAT__TASK_WEEKLY, PCN__TASK_REPEAT__TASK_MONTHLY,
      PCN__TASK_REPEAT__TASK_QUARTERLY, PCN__TASK_REPEAT__TASK_REPEAT_NONE};
  for (size_t i = 0; v && i < sizeof values / sizeof values[0]; i++)
    if (!strcmp(v, every_name(values[i]))) {
      *every = values[i];
      return 0;
    }
  cli_usage(c, "--every takes week, month, quarter or none.");
  return -1;
}

/* The JSON of a task with "overdue" added. */
static json_t *task_json(const Pcn__Task *t, const char *today) {
  json_t *j = pb_to_json((const ProtobufCMessage *)t);
  json_object_set_new(j, "overdue", json_boolean(task_overdue(t, today)));
  return j;
}

static void task_show(const Pcn__Task *t, const char *today) {
  char tm[20];
  cli_kv("task:", "%llu", (unsigned long long)t->id);
  cli_kv("title:", "%s", t->title);
  cli_kv("scope:", "%s", cli_scope(t->practice));
  if (task_overdue(t, today))
    cli_kv("status:", "open, OVERDUE (due %s, today is %s)", t->due, today);
  else
    cli_kv("status:", "%s", status_name(t, today));
  cli_kv("due:", "%s", t->due[0] ? t->due : "-");
  if (t->every)
    cli_kv("repeats:", "every %s (closing it makes the next)",
           every_name(t->every));
  if (t->next_id) cli_kv("next:", "task %llu", (unsigned long long)t->next_id);
  if (t->follows)
    cli_kv("follows:", "task %llu", (unsigned long long)t->follows);
  cli_kv("assignee:", "%s", t->assignee[0] ? t->assignee : "-");
  cli_kv("version:", "%u", t->version);
  cli_format_time(t->created_at, tm);
  cli_kv("created:", "%s by %s", tm, t->created_by);
  cli_format_time(t->updated_at, tm);
  cli_kv("updated:", "%s", tm);
  if (t->body[0]) printf("\n%s\n", t->body);
}

static int print_task(cli_ctx *c, const Pcn__Task *t) {
  if (c->json)
    cli_print_json(pb_to_json((const ProtobufCMessage *)t));
  else
    task_show(t, NULL);
  return EXIT_DONE;
}

/* Sends a task request, printing the task it answers with. A CONFLICT
 * shows the current record, so nothing the other person wrote is lost. */
static int task_call(cli_ctx *c, Pcn__Request *req) {
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  const Pcn__Response *r = pcn_sync_call(c->s, req);
  if (r->status->code == PCN__STATUS_CODE__CONFLICT &&
      r->body_case == PCN__RESPONSE__BODY_TASK) {
    fprintf(stderr, "pcn: %s\n", r->status->message);
    if (c->json) {
      json_t *j = pb_to_json((const ProtobufCMessage *)r->task);
      char *s = json_dumps(j, 0);
      if (s) fprintf(stderr, "%s\n", s);
      free(s);
      json_decref(j);
    } else {
      fprintf(stderr, "The task as it is now:\n");
      fflush(stderr);
      task_show(r->task, NULL);
    }
    return EXIT_REFUSED;
  }
  r = cli_answer(c, r, &rc); /* prints any other refusal */
  if (!r) return rc;
  if (r->body_case == PCN__RESPONSE__BODY_TASK) return print_task(c, r->task);
  return EXIT_DONE;
}

static int parse_id(cli_ctx *c, uint64_t *id) {
  return cli_parse_u64(c, "the task ID", c->arg[0], id) ? -1 : 0;
}

static int parse_version(cli_ctx *c, uint32_t *v) {
  *v = 0;
  if (!cli_has(c, "version")) return 0;
  uint64_t x;
  if (cli_parse_u64(c, "--version", cli_opt_val(c, "version"), &x)) return -1;
  *v = (uint32_t)x;
  return 0;
}

static int add_run(cli_ctx *c) {
  Pcn__TaskCreate t = PCN__TASK_CREATE__INIT;
  t.title = (char *)cli_opt_val(c, "title");
  if (!t.title) return cli_usage(c, "--title is required.");
  if (cli_has(c, "network") && cli_has(c, "practice"))
    return cli_usage(c, "give --network or --practice, not both.");
  t.body = (char *)(cli_has(c, "body") ? cli_opt_val(c, "body") : "");
  t.practice =
      (char *)(cli_has(c, "practice") ? cli_opt_val(c, "practice") : "");
  t.due = (char *)(cli_has(c, "due") ? cli_opt_val(c, "due") : "");
  t.assignee = (char *)(cli_has(c, "assign") ? cli_opt_val(c, "assign") : "");
  if (cli_check_date(c, "due", cli_opt_val(c, "due"))) return EXIT_USAGE;
  int every = 0;
  if (cli_has(c, "every") && parse_every(c, &every)) return EXIT_USAGE;
  if (every && !t.due[0])
    return cli_usage(c, "--every needs --due: the first due date.");
  t.every = (Pcn__TaskRepeat)every;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_CREATE;
  req.task_create = &t;
  return task_call(c, &req);
}

static void print_table(const Pcn__TaskPage *p) {
  if (!p->n_tasks) {
    printf("No tasks match.\n");
    return;
  }
  /* The title is the last column: it takes what the terminal leaves. */
  int width = cli_text_width(6 + 2 + 10 + 1 + 7 + 1 + 8 + 1 + 12 + 1);
  char title[1200];
  printf("%6s  %-10s %-7s %-8s %-12s %s\n", "ID", "DUE", "STATUS", "SCOPE",
         "ASSIGNEE", "TITLE");
  for (size_t i = 0; i < p->n_tasks; i++) {
    const Pcn__Task *t = p->tasks[i];
    printf("%6llu  %-10s %-7s %-8s %-12s %s%s\n", (unsigned long long)t->id,
           t->due[0] ? t->due : "-", status_name(t, p->today),
           cli_scope(t->practice), t->assignee[0] ? t->assignee : "-",
           cli_cell(title, sizeof title, t->title, width, 0),
           t->every ? " (recurs)" : "");
  }
  if (p->next[0]) printf("More: pcn task list ... --after %s\n", p->next);
}

static int list_run(cli_ctx *c) {
  Pcn__TaskList l = PCN__TASK_LIST__INIT;
  if (cli_has(c, "network") && cli_has(c, "practice"))
    return cli_usage(c, "give --network or --practice, not both.");
  if (cli_has(c, "network")) l.scope = PCN__TASK_LIST__SCOPE__NETWORK;
  if (cli_has(c, "practice")) {
    l.scope = PCN__TASK_LIST__SCOPE__PRACTICE;
    l.practice = (char *)cli_opt_val(c, "practice");
  }
  const char *st = cli_opt_val(c, "status");
  if (st && strcmp(st, "open") && strcmp(st, "closed"))
    return cli_usage(c, "--status takes open or closed.");
  if (st)
    l.status = !strcmp(st, "open") ? PCN__TASK_STATUS__TASK_OPEN
                                   : PCN__TASK_STATUS__TASK_CLOSED;
  l.overdue = cli_has(c, "overdue");
  if (l.overdue && l.status == PCN__TASK_STATUS__TASK_CLOSED)
    return cli_usage(c, "--overdue lists open tasks; leave out --status "
                        "closed.");
  l.assignee =
      (char *)(cli_has(c, "assignee") ? cli_opt_val(c, "assignee") : "");
  l.due_before =
      (char *)(cli_has(c, "due-before") ? cli_opt_val(c, "due-before") : "");
  if (cli_check_date(c, "due-before", cli_opt_val(c, "due-before")))
    return EXIT_USAGE;
  if (cli_has(c, "limit")) {
    uint64_t n;
    if (cli_parse_u64(c, "--limit", cli_opt_val(c, "limit"), &n) || n > 500)
      return n > 500 ? cli_usage(c, "--limit is at most 500.") : EXIT_USAGE;
    l.limit = (uint32_t)n;
  }
  l.after = (char *)(cli_has(c, "after") ? cli_opt_val(c, "after") : "");
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_LIST;
  req.task_list = &l;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  if (c->json) {
    json_t *j = pb_to_json((const ProtobufCMessage *)r->tasks);
    json_t *arr = json_array();
    for (size_t i = 0; i < r->tasks->n_tasks; i++)
      json_array_append_new(arr,
                            task_json(r->tasks->tasks[i], r->tasks->today));
    json_object_set_new(j, "tasks", arr);
    cli_print_json(j);
  } else {
    print_table(r->tasks);
  }
  return EXIT_DONE;
}

static int show_run(cli_ctx *c) {
  Pcn__TaskGet g = PCN__TASK_GET__INIT;
  if (parse_id(c, &g.id)) return EXIT_USAGE;
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_GET;
  req.task_get = &g;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  const Pcn__TaskDetail *d = r->task_detail;
  if (c->json) {
    json_t *j = pb_to_json((const ProtobufCMessage *)d);
    json_object_set_new(j, "task", task_json(d->task, d->today));
    cli_print_json(j);
    return EXIT_DONE;
  }
  task_show(d->task, d->today);
  for (size_t i = 0; i < r->task_detail->n_comments; i++) {
    const Pcn__Comment *cm = r->task_detail->comments[i];
    char tm[20];
    cli_format_time(cm->at, tm);
    printf("\n--- %s, %s:\n%s\n", cm->author, tm, cm->text);
  }
  return EXIT_DONE;
}

static int update_run(cli_ctx *c) {
  Pcn__TaskUpdate u = PCN__TASK_UPDATE__INIT;
  if (parse_id(c, &u.id) || parse_version(c, &u.version)) return EXIT_USAGE;
  if (!u.version)
    return cli_usage(c,
                     "--version V is required: the version you read "
                     "(pcn task show %s).",
                     c->arg[0]);
  if (cli_has(c, "title")) {
    u.has_title_case = PCN__TASK_UPDATE__HAS_TITLE_TITLE;
    u.title = (char *)cli_opt_val(c, "title");
  }
  if (cli_has(c, "body")) {
    u.has_body_case = PCN__TASK_UPDATE__HAS_BODY_BODY;
    u.body = (char *)cli_opt_val(c, "body");
  }
  if (cli_has(c, "due") && cli_has(c, "no-due"))
    return cli_usage(c, "give --due or --no-due, not both.");
  if (cli_has(c, "due")) {
    if (cli_check_date(c, "due", cli_opt_val(c, "due"))) return EXIT_USAGE;
    u.has_due_case = PCN__TASK_UPDATE__HAS_DUE_DUE;
    u.due = (char *)cli_opt_val(c, "due");
  } else if (cli_has(c, "no-due")) {
    u.has_due_case = PCN__TASK_UPDATE__HAS_DUE_DUE;
    u.due = "";
  }
  if (cli_has(c, "every")) {
    int every;
    if (parse_every(c, &every)) return EXIT_USAGE;
    u.has_every_case = PCN__TASK_UPDATE__HAS_EVERY_EVERY;
    u.every = (Pcn__TaskRepeat)every;
  }
  if (!u.has_title_case && !u.has_body_case && !u.has_due_case &&
      !u.has_every_case)
    return cli_usage(c, "nothing to change: give --title, --body, --due, "
                        "--no-due or --every.");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_UPDATE;
  req.task_update = &u;
  return task_call(c, &req);
}

static int assign_run(cli_ctx *c) {
  Pcn__TaskAssign a = PCN__TASK_ASSIGN__INIT;
  if (parse_id(c, &a.id) || parse_version(c, &a.version)) return EXIT_USAGE;
  a.assignee = (char *)c->arg[1];
  if (!strcmp(a.assignee, "-")) a.assignee = "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_ASSIGN;
  req.task_assign = &a;
  return task_call(c, &req);
}

static int comment_run(cli_ctx *c) {
  Pcn__TaskComment cm = PCN__TASK_COMMENT__INIT;
  if (parse_id(c, &cm.id)) return EXIT_USAGE;
  cm.text = (char *)c->arg[1];
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_COMMENT;
  req.task_comment = &cm;
  return task_call(c, &req);
}

static int close_run(cli_ctx *c) {
  Pcn__TaskClose t = PCN__TASK_CLOSE__INIT;
  if (parse_id(c, &t.id) || parse_version(c, &t.version)) return EXIT_USAGE;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_CLOSE;
  req.task_close = &t;
  return task_call(c, &req);
}

static int reopen_run(cli_ctx *c) {
  Pcn__TaskReopen t = PCN__TASK_REOPEN__INIT;
  if (parse_id(c, &t.id) || parse_version(c, &t.version)) return EXIT_USAGE;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_REOPEN;
  req.task_reopen = &t;
  return task_call(c, &req);
}

#define SCOPE_OPTS                                                             \
  {"network", NULL, "a network-wide task, seen by every member (default)"}, {  \
    "practice", "ODS", "a practice's own task, seen only by its members"       \
  }
const cli_cmd task_cmds[] = {
    {"task",
     "add",
     NULL,
     0,
     "create a task",
     "pcn task add --title \"Flu clinic rota\" --due 2026-12-01 --assign jo",
     {{"title", "TEXT", "what needs doing (required)"},
      {"body", "TEXT", "more detail"},
      SCOPE_OPTS,
      {"due", "YYYY-MM-DD", "when it is due"},
      {"assign", "USER", "who does it"},
      {"every", "week|month|quarter",
       "recurs: closing it makes the next, due a period on (needs --due)"}},
     add_run},
    {"task",
     "list",
     NULL,
     0,
     "list tasks, open first, by due date (undated last) then ID: the "
     "network's and your practice's together, by default",
     "pcn task list --status open --due-before 2026-12-31",
     {{"network", NULL, "network-wide tasks only"},
      {"practice", "ODS", "this practice's tasks only"},
      {"status", "open|closed", "only tasks in this state"},
      {"overdue", NULL, "only open tasks due before today (London)"},
      {"assignee", "USER", "only tasks assigned to USER"},
      {"due-before", "DATE", "only tasks due before DATE"},
      {"limit", "N", "at most N per page (default 50, at most 500)"},
      {"after", "CURSOR", "the next page, from a previous list"}},
     list_run},
    {"task",
     "show",
     "ID",
     1,
     "show a task with its comments (and whether it is overdue)",
     "pcn task show 12",
     {{0}},
     show_run},
    {"task",
     "update",
     "ID",
     1,
     "change a task's title, body, due date or recurrence",
     "pcn task update 12 --version 3 --due 2026-12-05",
     {CLI_VERSION_OPT,
      {"title", "TEXT", "a new title"},
      {"body", "TEXT", "new detail"},
      {"due", "YYYY-MM-DD", "a new due date"},
      {"no-due", NULL, "remove the due date"},
      {"every", "week|month|quarter|none", "make it recur, or stop (none)"}},
     update_run},
    {"task",
     "assign",
     "ID USER",
     2,
     "assign a task (USER - unassigns it)",
     "pcn task assign 12 jo",
     {CLI_VERSION_OPT},
     assign_run},
    {"task",
     "comment",
     "ID TEXT",
     2,
     "add a comment to a task",
     "pcn task comment 12 \"Rota sent to all sites\"",
     {{0}},
     comment_run},
    {"task",
     "close",
     "ID",
     1,
     "close a task (a recurring one makes its next)",
     "pcn task close 12",
     {CLI_VERSION_OPT},
     close_run},
    {"task",
     "reopen",
     "ID",
     1,
     "reopen a closed task",
     "pcn task reopen 12",
     {CLI_VERSION_OPT},
     reopen_run},
    {0},
};
