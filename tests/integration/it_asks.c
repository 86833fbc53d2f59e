/* it_asks.c - asks end to end over TLS, on a server whose clock the test
 * moves (pcnd run --test-clock): fair notice counted in working days
 * across Easter and a weekend, and changed by a holiday the network adds;
 * urgent asks (refused without a reason, counted per month for each
 * member among the asks they may see);
 * answers per practice (who may give them, bad ones refused with the field
 * named, CONFLICT, closed asks); the practice's list by due date with the
 * overdue first; the ask load; reminders 3 and 1 working days before and
 * the working day after, only to practices that still owe an answer, once
 * each; overdue in the list per reader (issue 20: a practice's own answer,
 * or for the network how many still owe); recurring asks made a notice period
 * ahead, once, and caught up by the start-up tick after a stop; and who sees
 * which events.
 *
 * The practices: A (F84001: pm_a, staff_a), B (F84002: pm_b), C (F84003:
 * pm_c), with the PCN manager and a clinical director.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asks.h"
#include "itest.h"
#include "validate.h"
#include "workdays.h"

#define DAY_MS (24LL * 3600 * 1000)
#define A "F84001"
#define B "F84002"
#define C "F84003"

typedef struct world {
  its_server *s;
  its_member *mgr, *cd, *pm_a, *staff_a, *pm_b, *pm_c;
} world;

/* ------------------------------------------------------------ time */

static int32_t server_day(its_member *m) {
  return (int32_t)(its_now(m) / DAY_MS);
}

/* Moves the server's clock to 09:00 UTC on day (later than now); the
 * server's ticks for the new time have run when this returns. */
static void goto_day(its_member *m, int32_t day) {
  int64_t now = its_advance(m, 0);
  int64_t at = (int64_t)day * DAY_MS + 9 * 3600 * 1000LL;
  assert_true(at >= now);
  its_advance(m, at - now);
}

static const char *fmt(int32_t day) {
  static char buf[4][11];
  static int k;
  k = (k + 1) % 4;
  pcn_date_format(day, buf[k]);
  return buf[k];
}

/* ------------------------------------------------------------ world */

#define CLOCK_OPTS "--test-clock --session-idle 31536000 --session-max 31536000"

/* A network of three practices; with day set, the clock is moved there
 * before anyone else joins (sessions are made at the new time). */
static world *world_new(int32_t day) {
  world *w = calloc(1, sizeof *w);
  w->s = its_start(CLOCK_OPTS);
  its_member *first = its_manager(w->s);
  if (day) goto_day(first, day);
  its_member_free(first);
  w->mgr = its_login(w->s, "manager", ITEST_PASSWORD);
  its_add_practices(w->mgr, 3); /* A, B, C */
  w->cd = its_add_member(w->s, w->mgr, "cd", PCN__ROLE__CLINICAL_DIRECTOR, "");
  w->pm_a = its_add_member(w->s, w->mgr, "pma", PCN__ROLE__PRACTICE_MANAGER, A);
  w->staff_a = its_add_member(w->s, w->mgr, "staffa", PCN__ROLE__STAFF, A);
  w->pm_b = its_add_member(w->s, w->mgr, "pmb", PCN__ROLE__PRACTICE_MANAGER, B);
  w->pm_c = its_add_member(w->s, w->mgr, "pmc", PCN__ROLE__PRACTICE_MANAGER, C);
  return w;
}

static void world_free(world *w) {
  its_member *all[] = {w->mgr, w->cd, w->pm_a, w->staff_a, w->pm_b, w->pm_c};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    its_member_free(all[i]);
  assert_int_equal(its_verify(w->s), 0);
  its_free(w->s);
  free(w);
}

/* Logs everyone in again (after its_run). */
static void world_relogin(world *w) {
  its_member **all[] = {&w->mgr,     &w->cd,   &w->pm_a,
                        &w->staff_a, &w->pm_b, &w->pm_c};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    *all[i] = its_relogin(w->s, *all[i]);
}

/* ------------------------------------------------------------ requests */

static const Pcn__Response *ask_new(its_member *m, const char *title,
                                    int32_t due, const char *to,
                                    const char *urgent_reason, int code) {
  char list[64], *codes[8];
  size_t n = 0;
  snprintf(list, sizeof list, "%s", to);
  for (char *p = strtok(list, ","); p && n < 8; p = strtok(NULL, ","))
    codes[n++] = p;
  Pcn__AskCreate c = PCN__ASK_CREATE__INIT;
  c.title = (char *)title;
  c.body = "What is needed, in a sentence or two.";
  c.due = (char *)fmt(due);
  c.practices = codes;
  c.n_practices = n;
  if (urgent_reason) {
    c.urgent = 1;
    c.urgent_reason = (char *)urgent_reason;
  }
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_ASK_CREATE;
  req.ask_create = &c;
  return its_expect(m, &req, code);
}

static uint64_t ask_ok(its_member *m, const char *title, int32_t due,
                       const char *to) {
  return ask_new(m, title, due, to, NULL, PCN__STATUS_CODE__OK)->ask->id;
}

static const Pcn__Response *reply(its_member *m, uint64_t id,
                                  const char *practice, int state,
                                  const char *note, uint32_t version,
                                  int code) {
  Pcn__AskReply r = PCN__ASK_REPLY__INIT;
  r.ask_id = id;
  r.practice = (char *)practice;
  r.state = state;
  r.note = (char *)note;
  r.version = version;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_ASK_REPLY;
  req.ask_reply = &r;
  return its_expect(m, &req, code);
}

static const Pcn__Response *ask_get(its_member *m, uint64_t id, int code) {
  Pcn__AskGet g = PCN__ASK_GET__INIT;
  g.id = id;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_ASK_GET;
  req.ask_get = &g;
  return its_expect(m, &req, code);
}

static const Pcn__Response *ask_list(its_member *m, int state,
                                     const char *practice) {
  Pcn__AskList l = PCN__ASK_LIST__INIT;
  l.state = state;
  l.practice = (char *)practice;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_ASK_LIST;
  req.ask_list = &l;
  return its_expect(m, &req, PCN__STATUS_CODE__OK);
}

static const Pcn__Response *ask_close(its_member *m, uint64_t id,
                                      uint32_t version, int code) {
  Pcn__AskClose c = PCN__ASK_CLOSE__INIT;
  c.id = id;
  c.version = version;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_ASK_CLOSE;
  req.ask_close = &c;
  return its_expect(m, &req, code);
}

static const Pcn__Response *load_of(its_member *m) {
  Pcn__AskLoad l = PCN__ASK_LOAD__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_ASK_LOAD;
  req.ask_load = &l;
  return its_expect(m, &req, PCN__STATUS_CODE__OK);
}

static const Pcn__Response *series_new(its_member *m, int repeat, int day,
                                       int month, const char *to, int code) {
  char list[64], *codes[8];
  size_t n = 0;
  snprintf(list, sizeof list, "%s", to);
  for (char *p = strtok(list, ","); p && n < 8; p = strtok(NULL, ","))
    codes[n++] = p;
  Pcn__AskSeriesCreate c = PCN__ASK_SERIES_CREATE__INIT;
  c.title = "ARRS claim";
  c.body = "The month's ARRS claim figures.";
  c.practices = codes;
  c.n_practices = n;
  c.all_practices = !strcmp(to, "all");
  if (c.all_practices) c.n_practices = 0;
  c.repeat = repeat;
  c.day = (uint32_t)day;
  c.month = (uint32_t)month;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_ASK_SERIES_CREATE;
  req.ask_series_create = &c;
  return its_expect(m, &req, code);
}

/* The asks of series id the member can see (in the list's order). */
static size_t series_asks(its_member *m, uint64_t id, uint64_t *ids,
                          char dues[][11], size_t max) {
  const Pcn__Response *r = ask_list(m, 0, "");
  size_t n = 0;
  for (size_t i = 0; i < r->asks->n_asks; i++) {
    const Pcn__Ask *a = r->asks->asks[i]->ask;
    if (a->series_id != id) continue;
    if (n < max) {
      if (ids) ids[n] = a->id;
      if (dues) snprintf(dues[n], 11, "%s", a->due);
    }
    n++;
  }
  return n;
}

static const Pcn__AskAnswer *answer_of(const Pcn__AskDetail *d,
                                       const char *practice) {
  for (size_t i = 0; i < d->n_answers; i++)
    if (!strcmp(d->answers[i]->practice, practice)) return d->answers[i];
  return NULL;
}

/* ------------------------------------------------------------ notice */

/* The Tuesday before Easter of the first year whose is still ahead. The
 * layout of the fortnight after it is the same every year: Good Friday and
 * Easter Monday are bank holidays, so ten working days on from that
 * Tuesday is the Thursday 16 days later, not the Tuesday 14 days later as
 * weekends alone would make it. */
static int32_t easter_tuesday(int32_t today) {
  int64_t y;
  int m, d;
  pcn_civil_from_days(today, &y, &m, &d);
  for (;; y++) {
    int32_t e = pcn_easter((int)y);
    if (e - 5 > today + 1) return e - 5;
  }
}

static void test_fair_notice(void **state) {
  (void)state;
  int32_t tue = easter_tuesday(pcn_date_today());
  world *w = world_new(tue);
  int32_t e = tue + 5; /* Easter Sunday */
  assert_int_equal(server_day(w->mgr), tue);
  uint64_t since = its_head(w->mgr);

  /* Due the Wednesday 15 days on: 9 working days' notice, refused, with
   * the first fair day (Thursday E+11) in the sentence. */
  const Pcn__Response *r = ask_new(w->mgr, "Estates survey", e + 10, A, NULL,
                                   PCN__STATUS_CODE__FAILED_PRECONDITION);
  its_field_is(r, "due");
  assert_non_null(strstr(r->status->message, fmt(e + 11)));
  assert_non_null(strstr(r->status->message, "only 9 working days"));
  r = ask_new(w->mgr, "Estates survey", e + 11, A "," B, NULL,
              PCN__STATUS_CODE__OK);
  assert_int_equal(r->ask->notice_days, 10);
  assert_false(r->ask->urgent);
  assert_int_equal(r->ask->n_practices, 2);

  /* A weekend and Easter inside: due the Saturday after Easter is six
   * working days on (Wed, Thu, Tue, Wed, Thu, Fri). Urgent needs a
   * reason; with one it is taken. */
  r = ask_new(w->mgr, "Flu stock count", e + 6, A, "",
              PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "urgent_reason");
  r = ask_new(w->mgr, "Flu stock count", e + 6, A,
              "The ICB moved its deadline to this week.", PCN__STATUS_CODE__OK);
  assert_true(r->ask->urgent);
  assert_int_equal(r->ask->notice_days, 6);
  /* An ask with fair notice is not urgent. */
  r = ask_new(w->mgr, "Not urgent", e + 20, A, "Because I say so",
              PCN__STATUS_CODE__FAILED_PRECONDITION);
  its_field_is(r, "urgent");
  /* More than three years ahead. */
  r = ask_new(w->mgr, "Far off", tue + 1200, A, NULL,
              PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "due");
  /* A day already past. */
  r = ask_new(w->mgr, "Yesterday", tue - 1, A, "Late",
              PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "due");

  /* The network adds a holiday on Wednesday E+3: Thursday E+11 now gives
   * 9 working days, and the sentence moves to Friday E+12. */
  Pcn__HolidayAdd h = PCN__HOLIDAY_ADD__INIT;
  h.date = (char *)fmt(e + 3);
  Pcn__Request hr = PCN__REQUEST__INIT;
  hr.body_case = PCN__REQUEST__BODY_HOLIDAY_ADD;
  hr.holiday_add = &h;
  its_expect(w->mgr, &hr, PCN__STATUS_CODE__OK);
  r = ask_new(w->mgr, "Estates survey 2", e + 11, A, NULL,
              PCN__STATUS_CODE__FAILED_PRECONDITION);
  assert_non_null(strstr(r->status->message, fmt(e + 12)));
  r = ask_new(w->cd, "Estates survey 2", e + 12, A, NULL, PCN__STATUS_CODE__OK);
  assert_int_equal(r->ask->notice_days, 10);
  assert_string_equal(r->ask->created_by, "cd");
  r = ask_new(w->cd, "Clinics", e + 11, B, "Cover for a sudden absence.",
              PCN__STATUS_CODE__OK);
  assert_int_equal(r->ask->notice_days, 9);

  /* Practice roles do not ask. */
  ask_new(w->pm_a, "Please", e + 30, B, NULL,
          PCN__STATUS_CODE__PERMISSION_DENIED);
  ask_new(w->staff_a, "Please", e + 30, B, NULL,
          PCN__STATUS_CODE__PERMISSION_DENIED);

  /* Bad input: the field named, nothing made. */
  size_t before = ask_list(w->mgr, 0, "")->asks->n_asks;
  assert_int_equal(before, 4);
  r = ask_new(w->mgr, "", e + 30, A, NULL, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "title");
  r = ask_new(w->mgr, "No one", e + 30, "", NULL,
              PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "practices");
  r = ask_new(w->mgr, "Nobody here", e + 30, "Z99999", NULL,
              PCN__STATUS_CODE__NOT_FOUND);
  its_field_is(r, "practices");
  r = ask_new(w->mgr, "Bad code", e + 30, "F84", NULL,
              PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "practices");
  Pcn__AskCreate c = PCN__ASK_CREATE__INIT;
  c.title = "Bad date";
  c.due = "2027-02-30";
  c.all_practices = 1;
  Pcn__Request cr = PCN__REQUEST__INIT;
  cr.body_case = PCN__REQUEST__BODY_ASK_CREATE;
  cr.ask_create = &c;
  r = its_expect(w->mgr, &cr, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "due");
  char *many[31];
  for (int i = 0; i < 31; i++)
    many[i] = A;
  c.due = (char *)fmt(e + 30);
  c.all_practices = 0;
  c.practices = many;
  c.n_practices = 31;
  r = its_expect(w->mgr, &cr, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "practices");
  /* Every practice at once. */
  c.n_practices = 0;
  c.all_practices = 1;
  r = its_expect(w->mgr, &cr, PCN__STATUS_CODE__OK);
  assert_int_equal(r->ask->n_practices, 3);

  /* Asks and urgent asks this month, shown to everyone, each counting
   * only the asks they may see: C was asked once, nothing urgent; B three
   * times (Estates survey, Clinics, the one to all), once urgent, and not
   * A's urgent Flu stock count; A four times; the network's people all. */
  r = ask_list(w->pm_c, 0, "");
  assert_int_equal(r->asks->n_asks, 1); /* only the one to every practice */
  assert_int_equal(r->asks->n_months, 12);
  int64_t y;
  int m, d;
  pcn_civil_from_days(tue, &y, &m, &d);
  char month[8];
  snprintf(month, sizeof month, "%04d-%02d", (int)y, m);
  assert_string_equal(r->asks->months[0]->month, month);
  assert_int_equal(r->asks->months[0]->urgent, 0);
  assert_int_equal(r->asks->months[0]->asks, 1);
  const struct {
    its_member *m;
    uint32_t asks, urgent;
  } counts[] = {{w->pm_a, 4, 1}, {w->staff_a, 4, 1}, {w->pm_b, 3, 1},
                {w->pm_c, 1, 0}, {w->mgr, 5, 2},     {w->cd, 5, 2}};
  for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
    const Pcn__Response *l = ask_list(counts[i].m, 0, "");
    assert_int_equal(l->asks->months[0]->asks, counts[i].asks);
    assert_int_equal(l->asks->months[0]->urgent, counts[i].urgent);
    assert_int_equal(l->asks->n_asks, counts[i].asks); /* as listed */
    const Pcn__Response *ld = load_of(counts[i].m);
    assert_int_equal(ld->ask_load_report->months[0]->asks, counts[i].asks);
    assert_int_equal(ld->ask_load_report->months[0]->urgent, counts[i].urgent);
  }
  r = ask_list(w->pm_c, 0, "");
  assert_int_equal(r->asks->min_notice_days, 10);
  assert_string_equal(r->asks->today, fmt(tue));
  assert_string_equal(r->asks->earliest_fair_due, fmt(e + 12));

  /* Who saw the asks: C only the one to every practice; the manager all. */
  its_events *ev = its_seen(w->s, w->pm_c, w->mgr, since);
  assert_int_equal(its_events_count(ev, PCN__EVENT__RECORD_ASK), 1);
  its_events_free(ev);
  ev = its_seen(w->s, w->mgr, w->mgr, since);
  assert_int_equal(its_events_count(ev, PCN__EVENT__RECORD_ASK), 5);
  its_events_free(ev);
  world_free(w);
}

/* ------------------------------------------------------------ answers */

static void test_answers_and_visibility(void **state) {
  (void)state;
  world *w = world_new(0);
  int32_t today = server_day(w->mgr);
  uint64_t since = its_head(w->mgr);
  /* Due dates in working days, so that a run near Christmas gives the
   * same notice. */
  int32_t due[5];
  int wd[] = {20, 14, 16, 30, 11};
  for (int i = 0; i < 5; i++)
    due[i] = pcn_add_working_days(today, wd[i], NULL);
  uint64_t both = ask_ok(w->mgr, "Flu vaccine uptake", due[0], A "," B);
  uint64_t only_a = ask_ok(w->mgr, "Riverside rota", due[1], A);
  uint64_t only_b = ask_ok(w->mgr, "Hill Street audit", due[2], B);

  /* A practice's members see asks to their practice, with their own
   * answer only; the network's people see every answer; C sees nothing. */
  const Pcn__Response *r = ask_get(w->staff_a, both, PCN__STATUS_CODE__OK);
  assert_int_equal(r->ask_detail->n_answers, 1);
  assert_string_equal(r->ask_detail->answers[0]->practice, A);
  assert_int_equal(r->ask_detail->answers[0]->state,
                   PCN__ASK_ANSWER_STATE__ASK_NO_ANSWER);
  assert_int_equal(r->ask_detail->answers[0]->version, 0);
  r = ask_get(w->mgr, both, PCN__STATUS_CODE__OK);
  assert_int_equal(r->ask_detail->n_answers, 2);
  /* An ask the asker may not see answers as one that does not exist
   * (issue 13): not "that belongs to F84002". */
  ask_get(w->pm_c, both, PCN__STATUS_CODE__NOT_FOUND);
  ask_get(w->pm_a, only_b, PCN__STATUS_CODE__NOT_FOUND);
  ask_get(w->pm_a, 999, PCN__STATUS_CODE__NOT_FOUND);
  assert_int_equal(ask_list(w->pm_c, 0, "")->asks->n_asks, 0);
  assert_int_equal(ask_list(w->pm_a, 0, "")->asks->n_asks, 2);
  assert_int_equal(ask_list(w->mgr, 0, B)->asks->n_asks, 2);
  Pcn__AskList l = PCN__ASK_LIST__INIT;
  l.practice = B;
  Pcn__Request lr = PCN__REQUEST__INIT;
  lr.body_case = PCN__REQUEST__BODY_ASK_LIST;
  lr.ask_list = &l;
  its_expect(w->pm_a, &lr, PCN__STATUS_CODE__PERMISSION_DENIED);

  /* Only a practice's own practice manager answers for it. */
  reply(w->staff_a, both, "", PCN__ASK_ANSWER_STATE__ASK_ACKNOWLEDGED, "", 0,
        PCN__STATUS_CODE__PERMISSION_DENIED);
  reply(w->mgr, both, A, PCN__ASK_ANSWER_STATE__ASK_ACKNOWLEDGED, "", 0,
        PCN__STATUS_CODE__PERMISSION_DENIED);
  r = reply(w->pm_b, both, A, PCN__ASK_ANSWER_STATE__ASK_DONE, "Sent", 0,
            PCN__STATUS_CODE__PERMISSION_DENIED);
  assert_non_null(strstr(r->status->message, A));
  reply(w->pm_c, both, "", PCN__ASK_ANSWER_STATE__ASK_ACKNOWLEDGED, "", 0,
        PCN__STATUS_CODE__NOT_FOUND);

  /* Bad answers: the field named, nothing changed. */
  r = reply(w->pm_a, both, "", PCN__ASK_ANSWER_STATE__ASK_DONE, "", 0,
            PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "note");
  r = reply(w->pm_a, both, "", PCN__ASK_ANSWER_STATE__ASK_DECLINED, "", 0,
            PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "note");
  r = reply(w->pm_a, both, "", 9, "", 0, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "state");
  r = reply(w->pm_a, both, "", PCN__ASK_ANSWER_STATE__ASK_NO_ANSWER, "", 0,
            PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "state");
  Pcn__AskReply bad = PCN__ASK_REPLY__INIT;
  bad.ask_id = both;
  bad.state = PCN__ASK_ANSWER_STATE__ASK_DONE;
  bad.link = "not a link";
  Pcn__Request br = PCN__REQUEST__INIT;
  br.body_case = PCN__REQUEST__BODY_ASK_REPLY;
  br.ask_reply = &bad;
  r = its_expect(w->pm_a, &br, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "link");
  bad.link = "https://example.org/flu.xlsx";
  bad.note = "bad \x01 byte";
  r = its_expect(w->pm_a, &br, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "note");
  r = ask_get(w->pm_a, both, PCN__STATUS_CODE__OK);
  assert_int_equal(r->ask_detail->answers[0]->version, 0);

  /* Acknowledge, then done with a link; a revision from a stale read is a
   * conflict that shows the answer as it is. */
  r = reply(w->pm_a, both, "", PCN__ASK_ANSWER_STATE__ASK_ACKNOWLEDGED, "On it",
            0, PCN__STATUS_CODE__OK);
  assert_int_equal(r->ask_answer->version, 1);
  assert_string_equal(r->ask_answer->practice, A);
  assert_string_equal(r->ask_answer->answered_by, "pma");
  bad.note = "Figures attached";
  bad.version = 1;
  r = its_expect(w->pm_a, &br, PCN__STATUS_CODE__OK);
  assert_int_equal(r->ask_answer->version, 2);
  r = reply(w->pm_a, both, A, PCN__ASK_ANSWER_STATE__ASK_DECLINED, "Changed", 1,
            PCN__STATUS_CODE__CONFLICT);
  assert_int_equal(r->body_case, PCN__RESPONSE__BODY_ASK_ANSWER);
  assert_int_equal(r->ask_answer->version, 2);
  assert_int_equal(r->ask_answer->state, PCN__ASK_ANSWER_STATE__ASK_DONE);
  assert_string_equal(r->ask_answer->link, "https://example.org/flu.xlsx");
  reply(w->pm_b, both, "", PCN__ASK_ANSWER_STATE__ASK_DECLINED,
        "Our data lead is away until the 20th.", 0, PCN__STATUS_CODE__OK);

  /* The asker sees every practice's state at a glance. */
  r = ask_get(w->mgr, both, PCN__STATUS_CODE__OK);
  assert_int_equal(answer_of(r->ask_detail, A)->state,
                   PCN__ASK_ANSWER_STATE__ASK_DONE);
  assert_int_equal(answer_of(r->ask_detail, B)->state,
                   PCN__ASK_ANSWER_STATE__ASK_DECLINED);

  /* Load: A owes only its rota, B its audit; C nothing. A practice's
   * manager sees their own row. */
  r = load_of(w->mgr);
  assert_int_equal(r->ask_load_report->n_practices, 3);
  for (size_t i = 0; i < 3; i++) {
    const Pcn__AskLoadRow *row = r->ask_load_report->practices[i];
    int c = row->practice[5] - '1';
    uint32_t open[] = {1, 1, 0}, got[] = {2, 2, 0};
    assert_int_equal(row->open, open[c]);
    assert_int_equal(row->overdue, 0);
    assert_int_equal(row->received_30d, got[c]);
  }
  assert_string_equal(r->ask_load_report->practices[0]->name,
                      "Riverside Surgery");
  r = load_of(w->pm_b);
  assert_int_equal(r->ask_load_report->n_practices, 1);
  assert_string_equal(r->ask_load_report->practices[0]->practice, B);

  /* Closing: a stale version conflicts; closed, the answers are fixed. */
  ask_close(w->pm_a, both, 0, PCN__STATUS_CODE__PERMISSION_DENIED);
  r = ask_close(w->mgr, both, 7, PCN__STATUS_CODE__CONFLICT);
  assert_int_equal(r->ask->version, 1);
  r = ask_close(w->mgr, both, 1, PCN__STATUS_CODE__OK);
  assert_int_equal(r->ask->state, PCN__ASK_STATE__ASK_CLOSED);
  assert_string_equal(r->ask->closed_by, "manager");
  ask_close(w->mgr, both, 0, PCN__STATUS_CODE__FAILED_PRECONDITION);
  r = reply(w->pm_a, both, "", PCN__ASK_ANSWER_STATE__ASK_ACKNOWLEDGED, "", 0,
            PCN__STATUS_CODE__FAILED_PRECONDITION);
  assert_non_null(strstr(r->status->message, "closed"));

  /* Who saw what: A the asks to A and A's answers; C nothing; the
   * manager everything. */
  its_events *ev = its_seen(w->s, w->staff_a, w->mgr, since);
  assert_int_equal(its_events_count(ev, PCN__EVENT__RECORD_ASK), 3);
  assert_int_equal(its_events_count(ev, PCN__EVENT__RECORD_ASK_ANSWER), 2);
  for (size_t i = 0; i < ev->n; i++)
    if (ev->ev[i]->record_case == PCN__EVENT__RECORD_ASK_ANSWER)
      assert_string_equal(ev->ev[i]->ask_answer->practice, A);
  its_events_free(ev);
  ev = its_seen(w->s, w->pm_c, w->mgr, since);
  assert_int_equal(its_events_count(ev, PCN__EVENT__RECORD_ASK), 0);
  assert_int_equal(its_events_count(ev, PCN__EVENT__RECORD_ASK_ANSWER), 0);
  its_events_free(ev);
  ev = its_seen(w->s, w->mgr, w->mgr, since);
  assert_int_equal(its_events_count(ev, PCN__EVENT__RECORD_ASK), 4);
  assert_int_equal(its_events_count(ev, PCN__EVENT__RECORD_ASK_ANSWER), 3);
  its_events_free(ev);

  /* A's list by due date, the overdue first and the closed last: the day
   * after the rota was due, it and a shorter one made later are overdue. */
  uint64_t later = ask_ok(w->mgr, "Later", due[3], A);
  uint64_t soon = ask_ok(w->mgr, "Soon", due[4], A);
  goto_day(w->mgr, due[1] + 1);
  r = ask_list(w->pm_a, 0, "");
  assert_int_equal(r->asks->n_asks, 4);
  uint64_t want[] = {soon, only_a, later, both};
  for (size_t i = 0; i < 4; i++)
    assert_int_equal(r->asks->asks[i]->ask->id, want[i]);
  r = ask_list(w->pm_a, PCN__ASK_STATE__ASK_OPEN, "");
  assert_int_equal(r->asks->n_asks, 3);
  r = load_of(w->pm_a);
  assert_int_equal(r->ask_load_report->practices[0]->open, 3);
  assert_int_equal(r->ask_load_report->practices[0]->overdue, 2);
  assert_int_equal(r->ask_load_report->practices[0]->received_30d, 4);

  /* Everything survives a restart. */
  its_stop(w->s);
  its_run(w->s);
  world_relogin(w);
  r = ask_get(w->pm_a, both, PCN__STATUS_CODE__OK);
  assert_int_equal(r->ask_detail->ask->state, PCN__ASK_STATE__ASK_CLOSED);
  assert_string_equal(r->ask_detail->answers[0]->note, "Figures attached");
  assert_int_equal(ask_list(w->pm_b, 0, "")->asks->n_asks, 2);
  world_free(w);
}

/* ------------------------------------------------------------ reminders */

static size_t reminders(its_events *e, const char *practice, int *days,
                        size_t max) {
  size_t n = 0;
  for (size_t i = 0; i < e->n; i++) {
    if (e->ev[i]->record_case != PCN__EVENT__RECORD_ASK_REMINDER) continue;
    assert_string_equal(e->ev[i]->ask_reminder->practice, practice);
    assert_string_equal(e->ev[i]->audience, practice);
    if (n < max) days[n] = e->ev[i]->ask_reminder->days_before;
    n++;
  }
  return n;
}

static void test_reminders(void **state) {
  (void)state;
  world *w = world_new(0);
  int32_t today = server_day(w->mgr);
  int32_t due = pcn_add_working_days(today, 12, NULL);
  int32_t r3 = pcn_add_working_days(due, -3, NULL);
  int32_t r1 = pcn_add_working_days(due, -1, NULL);
  int32_t after = pcn_add_working_days(due, 1, NULL);
  uint64_t since = its_head(w->mgr);
  uint64_t id = ask_ok(w->mgr, "Extended access rota", due, A "," B "," C);
  /* A is done; B has only acknowledged (it still owes); C says nothing. */
  reply(w->pm_a, id, "", PCN__ASK_ANSWER_STATE__ASK_DONE, "Rota uploaded", 0,
        PCN__STATUS_CODE__OK);
  reply(w->pm_b, id, "", PCN__ASK_ANSWER_STATE__ASK_ACKNOWLEDGED, "", 0,
        PCN__STATUS_CODE__OK);

  int days[8];
  goto_day(w->mgr, r3 - 1);
  its_events *e = its_seen(w->s, w->pm_c, w->mgr, since);
  assert_int_equal(reminders(e, C, days, 8), 0);
  its_events_free(e);

  goto_day(w->mgr, r3); /* 3 working days before */
  its_advance(w->mgr, 3600 * 1000);
  its_advance(w->mgr, 0); /* the ticks again: nothing twice */
  goto_day(w->mgr, r1);   /* 1 before; B is then done */
  reply(w->pm_b, id, "", PCN__ASK_ANSWER_STATE__ASK_DONE, "Done now", 0,
        PCN__STATUS_CODE__OK);
  goto_day(w->mgr, due);
  goto_day(w->mgr, after); /* the working day after: overdue */
  goto_day(w->mgr, after + 10);

  e = its_seen(w->s, w->pm_c, w->mgr, since);
  assert_int_equal(reminders(e, C, days, 8), 3);
  assert_int_equal(days[0], 3);
  assert_int_equal(days[1], 1);
  assert_int_equal(days[2], -1);
  its_events_free(e);
  e = its_seen(w->s, w->pm_b, w->mgr, since);
  assert_int_equal(reminders(e, B, days, 8), 2);
  its_events_free(e);
  /* Nobody else: not A (done), not the network's people. */
  its_member *others[] = {w->pm_a, w->staff_a, w->mgr, w->cd};
  for (size_t i = 0; i < 4; i++) {
    e = its_seen(w->s, others[i], w->mgr, since);
    assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_ASK_REMINDER), 0);
    its_events_free(e);
  }
  const Pcn__Response *r = ask_get(w->pm_c, id, PCN__STATUS_CODE__OK);
  assert_string_equal(r->ask_detail->answers[0]->reminded_for, fmt(after));
  assert_int_equal(r->ask_detail->answers[0]->version, 0);
  r = load_of(w->mgr);
  assert_int_equal(r->ask_load_report->practices[2]->overdue, 1);

  /* A restart's catch-up sends nothing twice. */
  its_stop(w->s);
  its_run(w->s);
  world_relogin(w);
  e = its_seen(w->s, w->pm_c, w->mgr, since);
  assert_int_equal(reminders(e, C, days, 8), 3);
  its_events_free(e);
  world_free(w);
}

/* ------------------------------------------------------------ series */

static void test_series(void **state) {
  (void)state;
  world *w = world_new(0);
  int32_t today = server_day(w->mgr);
  uint64_t since = its_head(w->mgr);

  /* Bad series: the field named. */
  const Pcn__Response *r =
      series_new(w->mgr, 0, 10, 0, A, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "repeat");
  r = series_new(w->mgr, PCN__ASK_REPEAT__ASK_MONTHLY, 0, 0, A,
                 PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "day");
  r = series_new(w->mgr, PCN__ASK_REPEAT__ASK_QUARTERLY, 15, 13, A,
                 PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "month");
  series_new(w->pm_a, PCN__ASK_REPEAT__ASK_MONTHLY, 10, 0, A,
             PCN__STATUS_CODE__PERMISSION_DENIED);

  /* Monthly on the 10th, to A and B. Its first instance is the first
   * 10th with fair notice; each is made 15 working days ahead. */
  int32_t fair = pcn_add_working_days(today, 10, NULL);
  int32_t first = asks_series_first(PCN__ASK_REPEAT__ASK_MONTHLY, 10, 0, fair);
  int32_t second =
      asks_series_first(PCN__ASK_REPEAT__ASK_MONTHLY, 10, 0, first + 1);
  int32_t third =
      asks_series_first(PCN__ASK_REPEAT__ASK_MONTHLY, 10, 0, second + 1);
  int32_t make1 = asks_series_make_on(first, 10, NULL);
  int32_t make2 = asks_series_make_on(second, 10, NULL);
  int32_t make3 = asks_series_make_on(third, 10, NULL);
  r = series_new(w->mgr, PCN__ASK_REPEAT__ASK_MONTHLY, 10, 0, A "," B,
                 PCN__STATUS_CODE__OK);
  uint64_t sid = r->ask_series->id;
  size_t made = make1 <= today;
  assert_int_equal(r->ask_series->made, made);
  assert_string_equal(r->ask_series->next_due, fmt(made ? second : first));
  assert_int_equal(series_asks(w->mgr, sid, NULL, NULL, 0), made);
  if (!made) {
    goto_day(w->mgr, make1);
    made = 1;
    assert_int_equal(series_asks(w->mgr, sid, NULL, NULL, 0), 1);
  }
  /* The day before the second is made: nothing; on the day: made, once. */
  goto_day(w->mgr, make2 - 1);
  assert_int_equal(series_asks(w->mgr, sid, NULL, NULL, 0), 1);
  goto_day(w->mgr, make2);
  its_advance(w->mgr, 3600 * 1000);
  uint64_t ids[4];
  char dues[4][11];
  assert_int_equal(series_asks(w->pm_a, sid, ids, dues, 4), 2);
  assert_string_equal(dues[0], fmt(first)); /* by due date */
  assert_string_equal(dues[1], fmt(second));
  r = ask_get(w->pm_b, ids[1], PCN__STATUS_CODE__OK);
  /* Fifteen working days, or fourteen when the 10th is a weekend day
   * (the due day itself is then not a working day). */
  assert_int_equal(r->ask_detail->ask->notice_days,
                   pcn_working_days_between(make2, second, NULL));
  assert_true(r->ask_detail->ask->notice_days >= 14);
  assert_false(r->ask_detail->ask->urgent);
  assert_string_equal(r->ask_detail->ask->created_by, "manager");
  assert_int_equal(r->ask_detail->ask->n_practices, 2);

  /* The series as everyone sees it: C is not asked, so sees none of it. */
  Pcn__AskSeriesList sl = PCN__ASK_SERIES_LIST__INIT;
  Pcn__Request slr = PCN__REQUEST__INIT;
  slr.body_case = PCN__REQUEST__BODY_ASK_SERIES_LIST;
  slr.ask_series_list = &sl;
  r = its_expect(w->pm_a, &slr, PCN__STATUS_CODE__OK);
  assert_int_equal(r->ask_series_page->n_series, 1);
  assert_int_equal(r->ask_series_page->series[0]->made, 2);
  assert_string_equal(r->ask_series_page->series[0]->next_due, fmt(third));
  r = its_expect(w->pm_c, &slr, PCN__STATUS_CODE__OK);
  assert_int_equal(r->ask_series_page->n_series, 0);

  /* Stopped, it makes no more. */
  Pcn__AskSeriesStop st = PCN__ASK_SERIES_STOP__INIT;
  st.id = sid;
  st.version = 99;
  Pcn__Request str = PCN__REQUEST__INIT;
  str.body_case = PCN__REQUEST__BODY_ASK_SERIES_STOP;
  str.ask_series_stop = &st;
  its_expect(w->pm_a, &str, PCN__STATUS_CODE__PERMISSION_DENIED);
  its_expect(w->mgr, &str, PCN__STATUS_CODE__CONFLICT);
  st.version = 0;
  r = its_expect(w->cd, &str, PCN__STATUS_CODE__OK);
  assert_true(r->ask_series->stopped);
  its_expect(w->mgr, &str, PCN__STATUS_CODE__FAILED_PRECONDITION);
  goto_day(w->mgr, make3 + 1);
  assert_int_equal(series_asks(w->mgr, sid, NULL, NULL, 0), 2);
  r = its_expect(w->pm_a, &slr, PCN__STATUS_CODE__OK);
  assert_int_equal(r->ask_series_page->n_series, 0);
  sl.include_stopped = 1;
  r = its_expect(w->pm_a, &slr, PCN__STATUS_CODE__OK);
  assert_int_equal(r->ask_series_page->n_series, 1);

  /* To every practice, yearly, on a day months away: C sees it too. */
  int64_t y;
  int m, d;
  pcn_civil_from_days(server_day(w->mgr) + 200, &y, &m, &d);
  r = series_new(w->mgr, PCN__ASK_REPEAT__ASK_YEARLY, d, m, "all",
                 PCN__STATUS_CODE__OK);
  assert_true(r->ask_series->all_practices);
  r = its_expect(w->pm_c, &slr, PCN__STATUS_CODE__OK);
  assert_int_equal(r->ask_series_page->n_series, 1);

  /* Events: A saw the series and its two asks; C only the yearly one. */
  its_events *e = its_seen(w->s, w->pm_a, w->mgr, since);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_ASK), 2);
  assert_true(its_events_count(e, PCN__EVENT__RECORD_ASK_SERIES) >= 3);
  its_events_free(e);
  e = its_seen(w->s, w->pm_c, w->mgr, since);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_ASK), 0);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_ASK_SERIES), 1);
  its_events_free(e);
  world_free(w);
}

/* The clock does not survive a restart (--test-clock's offset is the
 * process's), so what falls due while pcnd is stopped is made due by the
 * network raising its notice: a yearly instance about eight weeks away
 * is not due at 10 + 5 working days, but is at 60 + 5. The settings
 * change runs no tick; the start-up tick after a restart must make it,
 * late (so urgent, saying why), and a second restart must not make it
 * again. */
static void test_series_catch_up_after_restart(void **state) {
  (void)state;
  world *w = world_new(0);
  int32_t today = server_day(w->mgr);
  int64_t y;
  int m, d;
  pcn_civil_from_days(today + 56, &y, &m, &d);
  int32_t due = asks_series_first(PCN__ASK_REPEAT__ASK_YEARLY, d, m,
                                  pcn_add_working_days(today, 10, NULL));
  const Pcn__Response *r = series_new(w->mgr, PCN__ASK_REPEAT__ASK_YEARLY, d, m,
                                      A, PCN__STATUS_CODE__OK);
  uint64_t sid = r->ask_series->id;
  assert_string_equal(r->ask_series->next_due, fmt(due));
  assert_int_equal(series_asks(w->mgr, sid, NULL, NULL, 0), 0);

  Pcn__SettingsUpdate su = PCN__SETTINGS_UPDATE__INIT;
  su.has_min_notice_case = PCN__SETTINGS_UPDATE__HAS_MIN_NOTICE_MIN_NOTICE_DAYS;
  su.min_notice_days = 60;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_SETTINGS_UPDATE;
  req.settings_update = &su;
  its_expect(w->mgr, &req, PCN__STATUS_CODE__OK);
  assert_int_equal(series_asks(w->mgr, sid, NULL, NULL, 0), 0);

  its_stop(w->s);
  its_run(w->s);
  world_relogin(w);
  uint64_t ids[2];
  assert_int_equal(series_asks(w->pm_a, sid, ids, NULL, 2), 1);
  r = ask_get(w->pm_a, ids[0], PCN__STATUS_CODE__OK);
  assert_string_equal(r->ask_detail->ask->due, fmt(due));
  assert_true(r->ask_detail->ask->urgent);
  assert_non_null(strstr(r->ask_detail->ask->urgent_reason, "late"));
  assert_int_equal(r->ask_detail->ask->series_id, sid);

  its_stop(w->s);
  its_run(w->s);
  world_relogin(w);
  assert_int_equal(series_asks(w->mgr, sid, NULL, NULL, 0), 1);
  world_free(w);
}

/* Overdue is the reader's (issue 20): an ask Riverside has answered is
 * not overdue to Riverside, nor listed first, while Hill Street still
 * owes it; to Hill Street and the PCN manager it is overdue, and the PCN
 * manager is told how many practices still owe. */
static const Pcn__AskDetail *listed(const Pcn__Response *r, uint64_t id,
                                    size_t *at) {
  for (size_t i = 0; i < r->asks->n_asks; i++)
    if (r->asks->asks[i]->ask->id == id) {
      *at = i;
      return r->asks->asks[i];
    }
  fail_msg("ask %llu not listed", (unsigned long long)id);
  return NULL;
}

static void test_overdue_per_practice(void **state) {
  (void)state;
  world *w = world_new(0);
  int32_t today = server_day(w->mgr);
  int32_t d1 = pcn_add_working_days(today, 12, NULL);
  int32_t d2 = pcn_add_working_days(today, 13, NULL);
  uint64_t answered = ask_ok(w->mgr, "Answered by Riverside", d1, A "," B);
  uint64_t owed = ask_ok(w->mgr, "Riverside still owes", d2, A);
  reply(w->pm_a, answered, "", PCN__ASK_ANSWER_STATE__ASK_DONE, "Sent", 0,
        PCN__STATUS_CODE__OK);
  goto_day(w->mgr, d2 + 1);

  size_t at_answered, at_owed;
  const Pcn__Response *r = ask_list(w->pm_a, 0, "");
  const Pcn__AskDetail *d = listed(r, answered, &at_answered);
  assert_false(d->overdue);
  assert_int_equal(d->owing, 0);
  d = listed(r, owed, &at_owed);
  assert_true(d->overdue);
  assert_int_equal(d->owing, 1);
  assert_true(at_owed < at_answered); /* what A owes leads */

  r = ask_list(w->pm_b, 0, "");
  d = listed(r, answered, &at_answered);
  assert_true(d->overdue);
  assert_int_equal(d->owing, 1);

  r = ask_list(w->mgr, 0, "");
  d = listed(r, answered, &at_answered);
  assert_true(d->overdue);
  assert_int_equal(d->owing, 1); /* B of A and B */
  assert_int_equal(d->n_answers, 2);
  /* The manager's list of Riverside's asks: Riverside's answer counts. */
  d = listed(ask_list(w->mgr, 0, A), answered, &at_answered);
  assert_false(d->overdue);
  assert_int_equal(d->owing, 0);

  /* Once B answers too, it is nobody's overdue. */
  reply(w->pm_b, answered, "", PCN__ASK_ANSWER_STATE__ASK_DECLINED,
        "Not held here", 0, PCN__STATUS_CODE__OK);
  d = listed(ask_list(w->mgr, 0, ""), answered, &at_answered);
  assert_false(d->overdue);
  assert_int_equal(d->owing, 0);
  world_free(w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_overdue_per_practice),
      cmocka_unit_test(test_fair_notice),
      cmocka_unit_test(test_answers_and_visibility),
      cmocka_unit_test(test_reminders),
      cmocka_unit_test(test_series),
      cmocka_unit_test(test_series_catch_up_after_restart),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
