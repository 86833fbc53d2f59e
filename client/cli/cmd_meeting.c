/* cmd_meeting.c - pcn meeting new|list|show|update|agenda|attend|minutes|
 * action|ics.
 *
 * Times are typed and shown in UK time ("2026-03-31 14:30", GMT or BST as
 * the date has it; client/meetcal), whatever the machine's own zone; the
 * server keeps Unix ms. `ics` writes iCalendar through libical with the
 * meeting's stable UID and its version as SEQUENCE, so importing a newer
 * export updates the calendar entry instead of adding another; invitees
 * with an e-mail address are its ATTENDEEs (the member directory is read
 * for their names and addresses).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "meetcal.h"
#include "validate.h"

#define MEETING_ICS_MAX 200 /* meetings in one range export */
#define DAY_MS 86400000LL

/* "2026-03-31 14:00-15:30 BST"; each end with its own zone when the clocks
 * change between ("2027-03-28 00:30 GMT - 02:30 BST", issue 20), or both
 * ends in full across midnight. */
static void when(const Pcn__Meeting *m, char *out, size_t n) {
  pcn_london_range(m->starts_at, m->ends_at, "-", " - ", out, n);
}

static void meeting_show(const Pcn__Meeting *m) {
  char w[64], tm[20];
  cli_kv("meeting:", "%llu", (unsigned long long)m->id);
  cli_kv("title:", "%s%s", m->title, m->cancelled ? " (CANCELLED)" : "");
  when(m, w, sizeof w);
  cli_kv("when:", "%s", w);
  cli_kv("place:", "%s", m->place[0] ? m->place : "-");
  cli_kv("organiser:", "%s", m->organiser);
  printf("%-12s ", "invited:");
  for (size_t i = 0; i < m->n_invitees; i++)
    printf("%s%s", i ? ", " : "", m->invitees[i]);
  printf("\n");
  cli_kv("version:", "%u", m->version);
  cli_format_time(m->updated_at, tm);
  cli_kv("updated:", "%s", tm);
}

static int print_meeting(cli_ctx *c, const Pcn__Meeting *m) {
  if (c->json)
    cli_print_json(pb_to_json((const ProtobufCMessage *)m));
  else
    meeting_show(m);
  return EXIT_DONE;
}

/* Sends a request and prints what it answers with; a CONFLICT shows the
 * meeting as it is now, so nothing the other person wrote is lost. */
static int meeting_call(cli_ctx *c, Pcn__Request *req) {
  int rc = c->s ? EXIT_DONE : cli_connect(c, 1); /* minutes may have read */
  if (rc) return rc;
  const Pcn__Response *r = pcn_sync_call(c->s, req);
  if (r->status->code == PCN__STATUS_CODE__CONFLICT &&
      r->body_case == PCN__RESPONSE__BODY_MEETING) {
    fprintf(stderr, "pcn: %s\n", r->status->message);
    if (!c->json) {
      fprintf(stderr, "The meeting as it is now:\n");
      fflush(stderr);
      meeting_show(r->meeting);
    }
    return EXIT_REFUSED;
  }
  r = cli_answer(c, r, &rc);
  if (!r) return rc;
  if (c->json && r->body_case != PCN__RESPONSE__BODY__NOT_SET) {
    /* The body, whichever it is, through the descriptor walker. */
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
        &pcn__response__descriptor, r->body_case);
    const ProtobufCMessage *m =
        *(ProtobufCMessage *const *)((const char *)r + f->offset);
    cli_print_json(pb_to_json(m));
    return EXIT_DONE;
  }
  switch (r->body_case) {
  case PCN__RESPONSE__BODY_MEETING: return print_meeting(c, r->meeting);
  case PCN__RESPONSE__BODY_MEETING_AGENDA_ITEM:
    printf("Added agenda item %u to meeting %llu: %s\n",
           r->meeting_agenda_item->n,
           (unsigned long long)r->meeting_agenda_item->meeting_id,
           r->meeting_agenda_item->text);
    break;
  case PCN__RESPONSE__BODY_MEETING_ATTENDANCE:
    for (size_t i = 0; i < r->meeting_attendance->n_attendance; i++) {
      const Pcn__MeetingAttendance *a = r->meeting_attendance->attendance[i];
      if (a->minutes)
        printf("%s%s%s%s attended for %u minutes.\n", a->username,
               a->practice[0] ? " (" : "", a->practice,
               a->practice[0] ? ")" : "", a->minutes);
      else
        printf("%s did not attend.\n", a->username);
    }
    break;
  case PCN__RESPONSE__BODY_MEETING_ACTION: {
    const Pcn__MeetingAction *a = r->meeting_action;
    printf("Action %u of meeting %llu is task %llu, for %s%s%s: %s\n", a->n,
           (unsigned long long)a->meeting_id, (unsigned long long)a->task_id,
           a->assignee, a->due[0] ? ", due " : "", a->due, a->title);
    break;
  }
  default: break;
  }
  return EXIT_DONE;
}

static int parse_id(cli_ctx *c, uint64_t *id) {
  return cli_parse_u64(c, "the meeting ID", c->arg[0], id) ? -1 : 0;
}

static int parse_version(cli_ctx *c, uint32_t *v) {
  *v = 0;
  if (!cli_has(c, "version")) return 0;
  uint64_t x;
  if (cli_parse_u64(c, "--version", cli_opt_val(c, "version"), &x)) return -1;
  *v = (uint32_t)x;
  return 0;
}

/* UK time; in the hour the clocks go back, the first (BST) one unless a
 * GMT follows, and a note says so (issue 20). */
static int parse_time(cli_ctx *c, const char *opt, const char *s, int64_t *ms) {
  const char *why;
  int twice;
  if (pcn_london_parse_ex(s, ms, &why, &twice) == 0) {
    if (twice)
      fprintf(stderr,
              "note: --%s %.16s happens twice as the clocks go back; taken as "
              "the first (BST). Add GMT for the second.\n",
              opt, s);
    return 0;
  }
  cli_usage(c, "--%s: %s", opt, why);
  return -1;
}

/* --end is a full "YYYY-MM-DD HH:MM" or just "HH:MM" (either with GMT or
 * BST after it, for the hour the clocks go back) on the start's day. */
static int parse_end(cli_ctx *c, int64_t start, const char *s, int64_t *ms) {
  if ((strlen(s) == 5 || strlen(s) == 9) && s[2] == ':') {
    char day[17], full[24];
    pcn_london_format(start, day);
    snprintf(full, sizeof full, "%.10s %s", day, s);
    return parse_time(c, "end", full, ms);
  }
  return parse_time(c, "end", s, ms);
}

/* "jo,sam" -> a list; *n set. The copy is in buf (n pointers into it). */
static char **split_names(const char *s, char *buf, size_t buflen, size_t *n) {
  static char *names[128];
  *n = 0;
  snprintf(buf, buflen, "%s", s);
  for (char *p = buf; *p && *n < 128;) {
    char *e = strchr(p, ',');
    if (e) *e = 0;
    while (*p == ' ')
      p++;
    if (*p) names[(*n)++] = p;
    if (!e) break;
    p = e + 1;
  }
  return names;
}

static const char *opt_or(cli_ctx *c, const char *name, const char *dflt) {
  return cli_has(c, name) ? cli_opt_val(c, name) : dflt;
}

static int new_run(cli_ctx *c) {
  Pcn__MeetingCreate m = PCN__MEETING_CREATE__INIT;
  m.title = (char *)cli_opt_val(c, "title");
  if (!m.title) return cli_usage(c, "--title is required.");
  if (!cli_has(c, "start")) return cli_usage(c, "--start is required.");
  if (!cli_has(c, "end") && !cli_has(c, "minutes"))
    return cli_usage(c, "give --end or --minutes.");
  if (parse_time(c, "start", cli_opt_val(c, "start"), &m.starts_at))
    return EXIT_USAGE;
  if (cli_has(c, "end")) {
    if (parse_end(c, m.starts_at, cli_opt_val(c, "end"), &m.ends_at))
      return EXIT_USAGE;
  } else {
    uint64_t mins;
    if (cli_parse_u64(c, "--minutes", cli_opt_val(c, "minutes"), &mins))
      return EXIT_USAGE;
    m.ends_at = m.starts_at + (int64_t)(mins > 100000 ? 100000 : mins) * 60000;
  }
  m.place = (char *)opt_or(c, "place", "");
  char buf[4096];
  m.invitees =
      split_names(opt_or(c, "invite", ""), buf, sizeof buf, &m.n_invitees);
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEETING_CREATE;
  req.meeting_create = &m;
  return meeting_call(c, &req);
}

static void print_table(const Pcn__MeetingPage *p) {
  if (!p->n_meetings) {
    printf("No meetings in that time.\n");
    return;
  }
  printf("%4s  %-26s %-7s %s\n", "ID", "WHEN (UK time)", "INVITED", "TITLE");
  for (size_t i = 0; i < p->n_meetings; i++) {
    const Pcn__Meeting *m = p->meetings[i];
    char w[64];
    when(m, w, sizeof w);
    printf("%4llu  %-26s %-7zu %s%s%s%s\n", (unsigned long long)m->id, w,
           m->n_invitees, m->title, m->place[0] ? " @ " : "", m->place,
           m->cancelled ? " (CANCELLED)" : "");
  }
  if (p->next[0]) printf("More: pcn meeting list ... --after %s\n", p->next);
}

/* The --from/--to days as a range of instants: from midnight UK time at
 * the start of --from to midnight at the end of --to. */
static int parse_range(cli_ctx *c, int64_t *from, int64_t *before) {
  *from = *before = 0;
  const char *f = cli_opt_val(c, "from"), *t = cli_opt_val(c, "to");
  if (cli_check_date(c, "from", f) || cli_check_date(c, "to", t)) return -1;
  if (f) pcn_london_day(f, from);
  if (t) {
    int32_t d;
    pcn_date_parse(t, &d);
    char next[11];
    pcn_date_format(d + 1, next);
    if (pcn_london_day(next, before)) *before = 0;
  }
  if (f && t && *before <= *from) {
    cli_usage(c, "--to is before --from.");
    return -1;
  }
  return 0;
}

static int list_run(cli_ctx *c) {
  Pcn__MeetingList l = PCN__MEETING_LIST__INIT;
  if (parse_range(c, &l.starts_from, &l.starts_before)) return EXIT_USAGE;
  if (!cli_has(c, "from") && !cli_has(c, "all")) {
    /* Upcoming: from the start of today, UK time. */
    int y, mo, d, h, mi;
    pcn_london_from_utc(pcn_now_ms(), &y, &mo, &d, &h, &mi);
    if (pcn_london_to_utc(y, mo, d, 0, 0, &l.starts_from)) l.starts_from = 0;
  }
  if (cli_has(c, "limit")) {
    uint64_t n;
    if (cli_parse_u64(c, "--limit", cli_opt_val(c, "limit"), &n) || n > 200)
      return n > 200 ? cli_usage(c, "--limit is at most 200.") : EXIT_USAGE;
    l.limit = (uint32_t)n;
  }
  l.after = (char *)opt_or(c, "after", "");
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEETING_LIST;
  req.meeting_list = &l;
  const Pcn__Response *r = cli_call(c, &req, &rc);
  if (!r) return rc;
  if (c->json)
    cli_print_json(pb_to_json((const ProtobufCMessage *)r->meetings));
  else
    print_table(r->meetings);
  return EXIT_DONE;
}

/* The detail of meeting id, decoded into a copy the caller frees with
 * pcn__meeting_detail__free_unpacked; NULL after printing the refusal. */
static Pcn__MeetingDetail *fetch(cli_ctx *c, uint64_t id, int *rc) {
  Pcn__MeetingGet g = PCN__MEETING_GET__INIT;
  g.id = id;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEETING_GET;
  req.meeting_get = &g;
  const Pcn__Response *r = cli_call(c, &req, rc);
  if (!r) return NULL;
  size_t n = pcn__meeting_detail__get_packed_size(r->meeting_detail);
  uint8_t *buf = malloc(n ? n : 1);
  Pcn__MeetingDetail *d = NULL;
  if (buf) {
    pcn__meeting_detail__pack(r->meeting_detail, buf);
    d = pcn__meeting_detail__unpack(NULL, n, buf);
    free(buf);
  }
  if (!d) {
    fprintf(stderr, "pcn: out of memory.\n");
    *rc = EXIT_REFUSED;
  }
  return d;
}

/* Whether the server said this member may `word` this meeting now
 * (MeetingDetail.may): only that is suggested. */
static int may(const Pcn__MeetingDetail *d, const char *word) {
  for (size_t i = 0; i < d->n_may; i++)
    if (!strcmp(d->may[i], word)) return 1;
  return 0;
}

static void show_detail(const Pcn__MeetingDetail *d) {
  unsigned long long id = (unsigned long long)d->meeting->id;
  meeting_show(d->meeting);
  printf("\nAgenda:\n");
  if (!d->n_agenda && may(d, "agenda"))
    printf("  (nothing yet: pcn meeting agenda %llu TEXT)\n", id);
  else if (!d->n_agenda)
    printf("  (nothing)\n");
  for (size_t i = 0; i < d->n_agenda; i++)
    printf("  %u. %s (%s)\n", d->agenda[i]->n, d->agenda[i]->text,
           d->agenda[i]->added_by);
  if (d->n_attendance) {
    printf("\nAttendance:\n");
    for (size_t i = 0; i < d->n_attendance; i++) {
      const Pcn__MeetingAttendance *a = d->attendance[i];
      if (a->minutes)
        printf("  %-12s %-8s %u minutes\n", a->username,
               a->practice[0] ? a->practice : "network", a->minutes);
      else
        printf("  %-12s %-8s did not attend\n", a->username,
               a->practice[0] ? a->practice : "network");
    }
  }
  if (d->n_actions) {
    printf("\nActions:\n");
    for (size_t i = 0; i < d->n_actions; i++) {
      const Pcn__MeetingAction *a = d->actions[i];
      printf("  %u. task %llu, %s%s%s: %s\n", a->n,
             (unsigned long long)a->task_id, a->assignee,
             a->due[0] ? ", due " : "", a->due, a->title);
    }
  }
  if (d->meeting->minutes[0]) printf("\nMinutes:\n%s\n", d->meeting->minutes);
  /* What else this member may do now, as the server decides it. */
  if (!d->n_attendance && may(d, "attend"))
    printf("\nRecord who came: pcn meeting attend %llu USER[,USER...]\n", id);
  if (!d->meeting->minutes[0] && may(d, "minutes"))
    printf("\nWrite the minutes: pcn meeting minutes %llu TEXT\n", id);
}

static int show_run(cli_ctx *c) {
  uint64_t id;
  if (parse_id(c, &id)) return EXIT_USAGE;
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  Pcn__MeetingDetail *d = fetch(c, id, &rc);
  if (!d) return rc;
  if (c->json)
    cli_print_json(pb_to_json((const ProtobufCMessage *)d));
  else
    show_detail(d);
  pcn__meeting_detail__free_unpacked(d, NULL);
  return EXIT_DONE;
}

static int update_run(cli_ctx *c) {
  Pcn__MeetingUpdate u = PCN__MEETING_UPDATE__INIT;
  if (parse_id(c, &u.id) || parse_version(c, &u.version)) return EXIT_USAGE;
  if (!u.version)
    return cli_usage(c,
                     "--version V is required: the version you read (pcn "
                     "meeting show %s).",
                     c->arg[0]);
  if (cli_has(c, "title")) {
    u.has_title_case = PCN__MEETING_UPDATE__HAS_TITLE_TITLE;
    u.title = (char *)cli_opt_val(c, "title");
  }
  if (cli_has(c, "start")) {
    u.has_starts_at_case = PCN__MEETING_UPDATE__HAS_STARTS_AT_STARTS_AT;
    if (parse_time(c, "start", cli_opt_val(c, "start"), &u.starts_at))
      return EXIT_USAGE;
  }
  if (cli_has(c, "end")) {
    const char *e = cli_opt_val(c, "end");
    if (strlen(e) == 5 && !u.has_starts_at_case)
      return cli_usage(c, "--end HH:MM needs --start too; or give --end as "
                          "YYYY-MM-DD HH:MM.");
    u.has_ends_at_case = PCN__MEETING_UPDATE__HAS_ENDS_AT_ENDS_AT;
    if (parse_end(c, u.starts_at, e, &u.ends_at)) return EXIT_USAGE;
  }
  if (cli_has(c, "place")) {
    u.has_place_case = PCN__MEETING_UPDATE__HAS_PLACE_PLACE;
    u.place = (char *)cli_opt_val(c, "place");
  }
  char buf[4096];
  if (cli_has(c, "invite")) {
    u.set_invitees = 1;
    u.invitees =
        split_names(cli_opt_val(c, "invite"), buf, sizeof buf, &u.n_invitees);
  }
  if (cli_has(c, "cancel") && cli_has(c, "restore"))
    return cli_usage(c, "give --cancel or --restore, not both.");
  if (cli_has(c, "cancel") || cli_has(c, "restore")) {
    u.has_cancelled_case = PCN__MEETING_UPDATE__HAS_CANCELLED_CANCELLED;
    u.cancelled = cli_has(c, "cancel");
  }
  if (!u.has_title_case && !u.has_starts_at_case && !u.has_ends_at_case &&
      !u.has_place_case && !u.set_invitees && !u.has_cancelled_case)
    return cli_usage(c, "nothing to change: give --title, --start, --end, "
                        "--place, --invite, --cancel or --restore.");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEETING_UPDATE;
  req.meeting_update = &u;
  return meeting_call(c, &req);
}

static int agenda_run(cli_ctx *c) {
  Pcn__MeetingAgendaAdd a = PCN__MEETING_AGENDA_ADD__INIT;
  if (parse_id(c, &a.id)) return EXIT_USAGE;
  a.text = (char *)c->arg[1];
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEETING_AGENDA_ADD;
  req.meeting_agenda_add = &a;
  return meeting_call(c, &req);
}

static int attend_run(cli_ctx *c) {
  Pcn__MeetingAttend a = PCN__MEETING_ATTEND__INIT;
  if (parse_id(c, &a.id)) return EXIT_USAGE;
  char buf[4096];
  a.usernames = split_names(c->arg[1], buf, sizeof buf, &a.n_usernames);
  if (!a.n_usernames) return cli_usage(c, "name who attended: USER[,USER...].");
  if (cli_has(c, "minutes") && cli_has(c, "absent"))
    return cli_usage(c, "give --minutes or --absent, not both.");
  if (cli_has(c, "minutes")) {
    uint64_t n;
    if (cli_parse_u64(c, "--minutes", cli_opt_val(c, "minutes"), &n) ||
        n > 1440)
      return n > 1440 ? cli_usage(c, "--minutes is at most 1440.") : EXIT_USAGE;
    a.minutes = (uint32_t)n;
  }
  a.absent = cli_has(c, "absent");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEETING_ATTEND;
  req.meeting_attend = &a;
  return meeting_call(c, &req);
}

/* The whole of a file (at most max bytes), malloc'd; NULL after saying
 * why. */
static char *read_text(cli_ctx *c, const char *path, size_t max) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    cli_usage(c, "cannot read %s.", path);
    return NULL;
  }
  char *buf = malloc(max + 2);
  size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
  fclose(f);
  if (!buf || n > max) {
    free(buf);
    cli_usage(c, "%s is over %zu bytes.", path, max);
    return NULL;
  }
  buf[n] = 0;
  return buf;
}

/* Minutes as TEXT, --text or --file. Without --version the meeting is
 * read first and its current version sent (issue 20): someone writing
 * between the read and the write still gets CONFLICT, with the meeting
 * as it stands. */
static int minutes_run(cli_ctx *c) {
  Pcn__MeetingMinutes m = PCN__MEETING_MINUTES__INIT;
  if (parse_id(c, &m.id) || parse_version(c, &m.version)) return EXIT_USAGE;
  int given = (c->nargs > 1) + cli_has(c, "text") + cli_has(c, "file");
  if (given != 1)
    return cli_usage(c, "give the minutes once: as TEXT, --text TEXT or "
                        "--file PATH.");
  if (!m.version) {
    int rc = cli_connect(c, 1);
    if (rc) return rc;
    Pcn__MeetingDetail *d = fetch(c, m.id, &rc);
    if (!d) return rc;
    m.version = d->meeting->version;
    pcn__meeting_detail__free_unpacked(d, NULL);
  }
  char *file = NULL;
  if (cli_has(c, "file")) {
    file = read_text(c, cli_opt_val(c, "file"), PCN_MAX_TEXT);
    if (!file) return EXIT_USAGE;
  }
  m.text = file                 ? file
           : cli_has(c, "text") ? (char *)cli_opt_val(c, "text")
                                : (char *)c->arg[1];
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEETING_MINUTES;
  req.meeting_minutes = &m;
  int rc = meeting_call(c, &req);
  free(file);
  return rc;
}

static int action_run(cli_ctx *c) {
  Pcn__MeetingActionAdd a = PCN__MEETING_ACTION_ADD__INIT;
  if (parse_id(c, &a.id)) return EXIT_USAGE;
  a.title = (char *)cli_opt_val(c, "title");
  if (!a.title) return cli_usage(c, "--title is required.");
  a.assignee = (char *)cli_opt_val(c, "assign");
  if (!a.assignee) return cli_usage(c, "--assign USER is required.");
  if (cli_check_date(c, "due", cli_opt_val(c, "due"))) return EXIT_USAGE;
  a.due = (char *)opt_or(c, "due", "");
  a.practice = (char *)opt_or(c, "practice", "");
  a.body = (char *)opt_or(c, "body", "");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEETING_ACTION_ADD;
  req.meeting_action_add = &a;
  return meeting_call(c, &req);
}

/* ------------------------------------------------------------ ics */

/* The ids of the meetings starting in the range, every page. */
static int range_ids(cli_ctx *c, int64_t from, int64_t before, uint64_t *ids,
                     size_t *n) {
  char after[64] = "";
  *n = 0;
  for (;;) {
    Pcn__MeetingList l = PCN__MEETING_LIST__INIT;
    l.starts_from = from;
    l.starts_before = before;
    l.limit = 200;
    l.after = after;
    Pcn__Request req = PCN__REQUEST__INIT;
    req.body_case = PCN__REQUEST__BODY_MEETING_LIST;
    req.meeting_list = &l;
    int rc;
    const Pcn__Response *r = cli_call(c, &req, &rc);
    if (!r) return rc;
    for (size_t i = 0; i < r->meetings->n_meetings; i++) {
      if (*n == MEETING_ICS_MAX) {
        fprintf(stderr,
                "pcn: more than %d meetings in that range; export a "
                "shorter one.\n",
                MEETING_ICS_MAX);
        return EXIT_USAGE;
      }
      ids[(*n)++] = r->meetings->meetings[i]->id;
    }
    if (!r->meetings->next[0]) return EXIT_DONE;
    snprintf(after, sizeof after, "%s", r->meetings->next);
  }
}

static int write_out(cli_ctx *c, const char *path, const char *text) {
  FILE *f = path ? fopen(path, "wb") : stdout;
  if (!f) {
    fprintf(stderr, "pcn: cannot write %s.\n", path);
    return EXIT_USAGE;
  }
  size_t n = strlen(text);
  int bad = fwrite(text, 1, n, f) != n;
  if (path) bad |= fclose(f) != 0;
  if (bad) {
    fprintf(stderr, "pcn: writing %s failed.\n", path ? path : "the output");
    return EXIT_USAGE;
  }
  (void)c;
  return EXIT_DONE;
}

/* The network's active members, as a copy the caller frees with
 * pcn__member_page__free_unpacked; NULL after saying why (*rc). */
static Pcn__MemberPage *fetch_people(cli_ctx *c, int *rc) {
  Pcn__MemberList l = PCN__MEMBER_LIST__INIT;
  l.practice = "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEMBER_LIST;
  req.member_list = &l;
  const Pcn__Response *r = cli_call(c, &req, rc);
  if (!r) return NULL;
  uint8_t *buf = malloc(pcn__member_page__get_packed_size(r->members) + 1);
  if (!buf) {
    fprintf(stderr, "pcn: out of memory.\n");
    *rc = EXIT_REFUSED;
    return NULL;
  }
  size_t len = pcn__member_page__pack(r->members, buf);
  Pcn__MemberPage *copy = pcn__member_page__unpack(NULL, len, buf);
  free(buf);
  if (!copy) {
    fprintf(stderr, "pcn: out of memory.\n");
    *rc = EXIT_REFUSED;
  }
  return copy;
}

static int ics_run(cli_ctx *c) {
  uint64_t one = 0;
  int range = cli_has(c, "from") || cli_has(c, "to");
  if (c->nargs && range)
    return cli_usage(c, "give a meeting ID or --from/--to, not both.");
  if (!c->nargs && !(cli_has(c, "from") && cli_has(c, "to")))
    return cli_usage(c, "give a meeting ID, or --from DATE --to DATE.");
  if (c->nargs && parse_id(c, &one)) return EXIT_USAGE;
  int64_t from = 0, before = 0;
  if (range && parse_range(c, &from, &before)) return EXIT_USAGE;
  const char *out = cli_opt_val(c, "out");
  if (c->json && !out)
    return cli_usage(c, "--json describes the file: give --out FILE too.");
  int rc = cli_connect(c, 1);
  if (rc) return rc;
  const Pcn__Welcome *w = pcn_client_welcome(pcn_sync_client(c->s));
  const char *net = w && w->network_id[0] ? w->network_id : "network";
  static uint64_t ids[MEETING_ICS_MAX];
  size_t n = 0;
  if (range) {
    if ((rc = range_ids(c, from, before, ids, &n))) return rc;
  } else {
    ids[n++] = one;
  }
  Pcn__MeetingDetail **ds = calloc(n ? n : 1, sizeof *ds);
  if (!ds) return EXIT_REFUSED;
  size_t got = 0;
  for (; got < n; got++)
    if (!(ds[got] = fetch(c, ids[got], &rc))) break;
  char *ics = NULL;
  /* The directory, so invitees with an e-mail address are ATTENDEEs. */
  Pcn__MemberPage *people = NULL;
  if (got == n) people = fetch_people(c, &rc);
  if (got == n && people) {
    ics = pcn_meetings_ics_people(net, (const Pcn__MeetingDetail *const *)ds, n,
                                  (const Pcn__Member *const *)people->members,
                                  people->n_members, pcn_now_ms());
    if (!ics) {
      fprintf(stderr, "pcn: the calendar could not be made (out of memory).\n");
      rc = EXIT_REFUSED;
    } else {
      rc = write_out(c, out, ics);
    }
  }
  if (rc == EXIT_DONE && c->json) {
    json_t *events = json_array();
    for (size_t i = 0; i < n; i++) {
      char uid[200];
      pcn_meeting_uid(uid, sizeof uid, net, ds[i]->meeting->id);
      json_array_append_new(events, json_pack("{s:I, s:s, s:i}", "id",
                                              (json_int_t)ds[i]->meeting->id,
                                              "uid", uid, "sequence",
                                              (int)ds[i]->meeting->version));
    }
    cli_print_json(json_pack("{s:s, s:I, s:o}", "file", out, "count",
                             (json_int_t)n, "events", events));
  } else if (rc == EXIT_DONE && out) {
    fprintf(stderr, "Wrote %zu meeting%s to %s.\n", n, n == 1 ? "" : "s", out);
  }
  free(ics);
  if (people) pcn__member_page__free_unpacked(people, NULL);
  for (size_t i = 0; i < got; i++)
    pcn__meeting_detail__free_unpacked(ds[i], NULL);
  free(ds);
  return rc;
}

#define VERSION_OPT                                                            \
  { "version", "V", "the version you read (a stale one is refused)" }

const cli_cmd meeting_cmds[] = {
    {"meeting",
     "new",
     NULL,
     0,
     "call a meeting (times in UK time)",
     "pcn meeting new --title \"PCN board\" --start \"2026-03-31 14:00\" "
     "--end 15:30 --place \"Riverside, room 2\" --invite jo,sam",
     {{"title", "TEXT", "what the meeting is (required)"},
      {"start", "\"YYYY-MM-DD HH:MM\"",
       "when it starts, UK time (required); add GMT or BST to say which of "
       "the hour the clocks go back (the first, BST, without)"},
      {"end", "HH:MM", "when it ends (or \"YYYY-MM-DD HH:MM\")"},
      {"minutes", "N", "how long it lasts, instead of --end"},
      {"place", "TEXT", "a room, an address or a meeting link"},
      {"invite", "USER,...", "who is invited (you are, always)"}},
     new_run},
    {"meeting",
     "list",
     NULL,
     0,
     "list meetings by start time (from today, by default)",
     "pcn meeting list --from 2026-03-01 --to 2026-03-31",
     {{"from", "YYYY-MM-DD", "starting on or after this day"},
      {"to", "YYYY-MM-DD", "starting on or before this day"},
      {"all", NULL, "past meetings too"},
      {"limit", "N", "at most N per page (default 50, at most 200)"},
      {"after", "CURSOR", "the next page, from a previous list"}},
     list_run},
    {"meeting",
     "show",
     "ID",
     1,
     "show a meeting: agenda, attendance, actions, minutes",
     "pcn meeting show 3",
     {{0}},
     show_run},
    {"meeting",
     "update",
     "ID",
     1,
     "move, rename, re-invite or cancel a meeting (organiser)",
     "pcn meeting update 3 --version 4 --start \"2026-04-02 14:00\" --end "
     "15:30",
     {VERSION_OPT,
      {"title", "TEXT", "a new title"},
      {"start", "\"YYYY-MM-DD HH:MM\"",
       "a new start, UK time (GMT or BST after it, as for new)"},
      {"end", "HH:MM", "a new end (or \"YYYY-MM-DD HH:MM\")"},
      {"place", "TEXT", "a new place or link"},
      {"invite", "USER,...", "the invitees, replacing the list"},
      {"cancel", NULL, "cancel it"},
      {"restore", NULL, "undo a cancel"}},
     update_run},
    {"meeting",
     "agenda",
     "ID TEXT",
     2,
     "add an item to a meeting's agenda (any invitee)",
     "pcn meeting agenda 3 \"Estates: Hill Street lease\"",
     {{0}},
     agenda_run},
    {"meeting",
     "attend",
     "ID USER[,USER...]",
     2,
     "record who attended, for claiming the time (organiser)",
     "pcn meeting attend 3 jo,sam --minutes 60",
     {{"minutes", "N", "how long they stayed (default: the whole meeting)"},
      {"absent", NULL, "record them as not attending"}},
     attend_run},
    {"meeting",
     "minutes",
     "ID [TEXT]",
     2,
     "write a meeting's minutes (organiser or PCN manager); without "
     "--version, the version as it stands now is sent",
     "pcn meeting minutes 3 --file minutes.txt",
     {{"version", "V",
       "the version you read (default: the current one; a stale one is "
       "refused)"},
      {"text", "TEXT", "the minutes"},
      {"file", "PATH", "the minutes, from a text file"}},
     minutes_run},
    {"meeting",
     "action",
     "ID",
     1,
     "add an action: a task for someone, linked to the meeting (organiser)",
     "pcn meeting action 3 --title \"Summarise the lease\" --assign jo --due "
     "2026-04-10",
     {{"title", "TEXT", "what is to be done (required)"},
      {"assign", "USER", "who does it (required)"},
      {"due", "YYYY-MM-DD", "when it is due"},
      {"practice", "ODS", "make it that practice's own task"},
      {"body", "TEXT", "more detail"}},
     action_run},
    {"meeting",
     "ics",
     "[ID]",
     1,
     "export meetings as iCalendar (.ics) for Outlook and other calendars: "
     "invitees with an e-mail address (pcn member email) as attendees, a "
     "link as the place as the event's URL",
     "pcn meeting ics 3 --out board.ics",
     {{"from", "YYYY-MM-DD", "every meeting starting from this day"},
      {"to", "YYYY-MM-DD", "to this day (with --from)"},
      {"out", "FILE", "write to FILE (default: standard output)"}},
     ics_run},
    {0},
};
