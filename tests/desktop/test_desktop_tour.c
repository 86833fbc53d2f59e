/* test_desktop_tour.c - a tour of every page of the desktop (issue 19),
 * in real windows on one real pcnd holding a believable network: four
 * practices (Riverside Surgery, Hill Street Medical Centre, Canal Side
 * Surgery, Millbrook Health Centre), a PCN manager, a clinical director,
 * a practice manager at each practice, a GP and a receptionist, all with
 * full names, and a few records in every area, made over the wire as the
 * people themselves would: tasks (one overdue), asks and answers, news
 * with a policy, an open decision with votes and a closed one, meetings
 * with an agenda, attendance and an action, the responsibilities agreed,
 * disagreed and pending, the year's figures, rates, budgets, receipts,
 * distributions and an expense, backfill claims (one paid, one pending),
 * an ARRS claim, shared staff on this week's rota.
 *
 * The PCN manager's window and then a practice manager's (Joanne Baxter,
 * Riverside) walk the page registry (deskpriv.h's desk_pages, which
 * desk.c builds the sidebar from, so a page added later is toured too;
 * the Feed first), each page at 1024x768 with the data it should show,
 * saving tour-<role>-<page id>.png (scripts/docs-shots.sh copies the PCN
 * manager's into docs/ for docs/desktop.md). Each page must keep the
 * window's minimum width within 800 px, and show nothing that reads like
 * a command line: every label, entry and button text it shows is checked
 * for an ISO date (2026-12-09), a role in snake_case (practice_manager),
 * a backquote or "pcn ..." advice, a username standing where the person's
 * name belongs, or a known practice's ODS code anywhere but in brackets
 * right after that practice's name ("Riverside Surgery (F84001)"), except
 * on the Practices page, where the code is a column. Tooltips may hold
 * codes and are not read. What is left as it is despite a rule is in the
 * allow-list below, each with why (an entry that lets nothing through is
 * printed, to be taken off). And nothing on a page may be wider
 * than its scroller (it would scroll sideways at 1024x768) unless the
 * SIDEWAYS list below says why. Every text a page showed is written to
 * tour-<role>.txt beside the screenshots.
 *
 * The test includes deskpriv.h for the registry alone: the pages are
 * found, shown and read through their widgets, as in the other tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deskpriv.h"
#include "dtest.h"
#include "validate.h"
#include "workdays.h"

/* ------------------------------------------------------------ the network */

#define NPRACTICE 4
static const char *const ODS[NPRACTICE] = {"F84001", "F84002", "F84003",
                                           "F84004"};
static const char *const PRACTICE[NPRACTICE] = {
    "Riverside Surgery", "Hill Street Medical Centre", "Canal Side Surgery",
    "Millbrook Health Centre"};
static const uint32_t LIST[NPRACTICE] = {12400, 8300, 6100, 9800};
static const uint32_t WEIGHTED[NPRACTICE] = {13100, 7900, 6500, 10200};

/* The members the tour makes (the username is what `pcn join` asked
 * for; the window should say the name). */
enum {
  PRIYA, /* PCN manager */
  AMIR,  /* clinical director */
  JOANNE,
  SAM,
  HELEN,
  DAVID, /* the practice managers, one a practice */
  LUCY,  /* a GP at Riverside */
  TOM,   /* a receptionist at Hill Street */
  NPEOPLE
};
static const struct person {
  const char *username, *name;
  int role;
  const char *practice;
} PEOPLE[NPEOPLE] = {
    {"priya.shah", "Priya Shah", PCN__ROLE__PCN_MANAGER, ""},
    {"amir.khan", "Dr Amir Khan", PCN__ROLE__CLINICAL_DIRECTOR, ""},
    {"joanne.baxter", "Joanne Baxter", PCN__ROLE__PRACTICE_MANAGER, "F84001"},
    {"sam.okafor", "Samuel Okafor", PCN__ROLE__PRACTICE_MANAGER, "F84002"},
    {"helen.marsh", "Helen Marsh", PCN__ROLE__PRACTICE_MANAGER, "F84003"},
    {"david.price", "David Price", PCN__ROLE__PRACTICE_MANAGER, "F84004"},
    {"lucy.turner", "Dr Lucy Turner", PCN__ROLE__CLINICIAN, "F84001"},
    {"tom.reid", "Tom Reid", PCN__ROLE__STAFF, "F84002"},
};

typedef struct tour {
  fixture f;              /* s, app, d; mgr is pcnd init's first manager */
  its_member *p[NPEOPLE]; /* each person's own session */
  int32_t today;          /* the UK date, days since 1970 */
  int fy;                 /* the financial year today is in (April) */
} tour;

static const Pcn__Response *ok(its_member *m, Pcn__Request *r) {
  return its_expect(m, r, PCN__STATUS_CODE__OK);
}

static void day_str(int32_t day, char out[11]) {
  pcn_date_format(day, out);
}

/* pcnd init's manager invites each person with their name; each joins. */
static void people(tour *t) {
  for (int i = 0; i < NPEOPLE; i++) {
    Pcn__MemberInvite inv = PCN__MEMBER_INVITE__INIT;
    inv.username = (char *)PEOPLE[i].username;
    inv.display_name = (char *)PEOPLE[i].name;
    inv.role = PEOPLE[i].role;
    inv.practice = (char *)PEOPLE[i].practice;
    Pcn__Request r = PCN__REQUEST__INIT;
    r.body_case = PCN__REQUEST__BODY_MEMBER_INVITE;
    r.member_invite = &inv;
    char *code = strdup(ok(t->f.mgr, &r)->invitation->code);
    t->p[i] = its_join(t->f.s, code);
    free(code);
  }
}

static void task(its_member *by, const char *title, const char *practice,
                 int32_t due, const char *assignee) {
  char d[11];
  day_str(due, d);
  its_task(by, title, practice, d, assignee);
}

/* The practices' own tasks first: the last event is one every window
 * sees. (A window whose newest visible event is older than the feed's head
 * says "Catching up: 2 events behind" until something it may see happens:
 * the head counts events of other practices, which never arrive. Reported
 * to the lead; the tour is not about the header.) */
static void tasks(tour *t) {
  its_member *priya = t->p[PRIYA];
  task(t->p[JOANNE], "Update the practice leaflet with the hub's hours",
       "F84001", t->today + 21, "joanne.baxter");
  task(t->p[SAM], "Chase the missing smear results", "F84002", t->today + 2,
       "tom.reid");
  task(priya, "Review the ARRS recruitment plan", "", t->today + 14,
       "amir.khan");
  task(priya, "Book locum cover for the Christmas rota", "", t->today + 10,
       "priya.shah");
  task(priya, "Send the flu vaccination returns to the ICB", "", t->today - 3,
       "joanne.baxter");
}

static uint64_t ask(its_member *by, const char *title, int32_t due, char **to,
                    size_t n) {
  char d[11];
  day_str(due, d);
  Pcn__AskCreate c = PCN__ASK_CREATE__INIT;
  c.title = (char *)title;
  c.body = "";
  c.due = d;
  c.practices = to;
  c.n_practices = n;
  c.all_practices = n == 0;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_ASK_CREATE;
  r.ask_create = &c;
  return ok(by, &r)->ask->id;
}

static void answer(its_member *m, uint64_t id, int state, const char *note) {
  Pcn__AskReply a = PCN__ASK_REPLY__INIT;
  a.ask_id = id;
  a.state = state;
  a.note = (char *)note;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_ASK_REPLY;
  r.ask_reply = &a;
  ok(m, &r);
}

static void asks(tour *t) {
  uint64_t flu = ask(t->p[PRIYA], "Flu vaccination uptake figures",
                     t->today + 30, NULL, 0);
  answer(t->p[SAM], flu, PCN__ASK_ANSWER_STATE__ASK_DONE,
         "On the shared drive under Flu 2026");
  answer(t->p[HELEN], flu, PCN__ASK_ANSWER_STATE__ASK_ACKNOWLEDGED, "");
  char *two[] = {"F84001", "F84003"};
  uint64_t hub = ask(t->p[PRIYA], "A named contact for the winter access hub",
                     t->today + 35, two, 2);
  answer(t->p[HELEN], hub, PCN__ASK_ANSWER_STATE__ASK_DONE,
         "Helen Marsh, on the reception line");
}

static uint64_t post(its_member *by, const char *title, const char *body,
                     int policy, int pinned) {
  Pcn__NewsPost p = PCN__NEWS_POST__INIT;
  p.title = (char *)title;
  p.body = (char *)body;
  p.link = "";
  p.expires = "";
  p.policy = policy;
  p.pinned = pinned;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_NEWS_POST;
  r.news_post = &p;
  return ok(by, &r)->news_entry->item->id;
}

static void news(tour *t) {
  post(t->p[PRIYA], "Lone working policy",
       "Staff working alone at a hub site sign in with reception and carry "
       "a personal alarm. Please confirm you have read it.",
       1, 0);
  uint64_t sat =
      post(t->p[PRIYA], "Saturday flu clinics start this weekend",
           "Riverside hosts, 9:00 to 13:00; book through the hub.", 0, 1);
  post(t->p[AMIR], "New referral pathway for frailty",
       "From next month frailty referrals go to the community team first.", 0,
       0);
  Pcn__NewsRead nr = PCN__NEWS_READ__INIT;
  nr.id = sat;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_NEWS_READ;
  r.news_read = &nr;
  ok(t->p[JOANNE], &r);
}

static uint64_t propose(its_member *by, const char *title, int rule,
                        int64_t closes) {
  Pcn__DecisionPropose p = PCN__DECISION_PROPOSE__INIT;
  p.title = (char *)title;
  p.text = "";
  p.rule = rule;
  p.closes_at = closes;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DECISION_PROPOSE;
  r.decision_propose = &p;
  return ok(by, &r)->decision->id;
}

static void vote(its_member *m, uint64_t id, int choice, const char *why) {
  Pcn__DecisionVoteCast v = PCN__DECISION_VOTE_CAST__INIT;
  v.id = id;
  v.choice = choice;
  v.reason = (char *)why;
  v.practice = "";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DECISION_VOTE;
  r.decision_vote = &v;
  ok(m, &r);
}

static void decisions(tour *t) {
  int64_t now = (int64_t)time(NULL) * 1000;
  /* Open: Joanne has not voted for Riverside yet. */
  uint64_t sat =
      propose(t->p[PRIYA], "Shared Saturday flu clinic at Riverside",
              PCN__DECISION_RULE__DECISION_MAJORITY, now + 5 * PCN_DAY_MS);
  vote(t->p[SAM], sat, PCN__DECISION_CHOICE__DECISION_AGREE, "");
  vote(t->p[HELEN], sat, PCN__DECISION_CHOICE__DECISION_DISAGREE,
       "Our nurses are committed on Saturdays until January.");
  /* Closed: every practice voted, so it closed early with its outcome. */
  uint64_t teams =
      propose(t->p[AMIR], "Hold the January board on Teams",
              PCN__DECISION_RULE__DECISION_MAJORITY, now + 7 * PCN_DAY_MS);
  vote(t->p[JOANNE], teams, PCN__DECISION_CHOICE__DECISION_AGREE, "");
  vote(t->p[SAM], teams, PCN__DECISION_CHOICE__DECISION_AGREE, "");
  vote(t->p[HELEN], teams, PCN__DECISION_CHOICE__DECISION_ABSTAIN, "");
  vote(t->p[DAVID], teams, PCN__DECISION_CHOICE__DECISION_AGREE, "");
}

static uint64_t meeting(its_member *by, const char *title, int64_t start,
                        int minutes, const char *place, char **invitees,
                        size_t n) {
  Pcn__MeetingCreate c = PCN__MEETING_CREATE__INIT;
  c.title = (char *)title;
  c.starts_at = start;
  c.ends_at = start + minutes * 60000LL;
  c.place = (char *)place;
  c.invitees = invitees;
  c.n_invitees = n;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_MEETING_CREATE;
  r.meeting_create = &c;
  return ok(by, &r)->meeting->id;
}

static void agenda(its_member *by, uint64_t id, const char *text) {
  Pcn__MeetingAgendaAdd a = PCN__MEETING_AGENDA_ADD__INIT;
  a.id = id;
  a.text = (char *)text;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_MEETING_AGENDA_ADD;
  r.meeting_agenda_add = &a;
  ok(by, &r);
}

/* The board next week, and last week's (whose attendance the claims
 * below are for); the past meeting's id. */
static uint64_t meetings(tour *t) {
  char *invited[] = {"amir.khan",   "joanne.baxter", "sam.okafor",
                     "helen.marsh", "david.price",   "lucy.turner"};
  /* 13:00 UTC: 13:00 or 14:00 in London. */
  int64_t next = (int64_t)(t->today + 7) * PCN_DAY_MS + 13 * 3600000LL;
  uint64_t board = meeting(t->p[PRIYA], "PCN board", next, 90,
                           "Riverside Surgery, meeting room 2", invited,
                           G_N_ELEMENTS(invited));
  agenda(t->p[PRIYA], board, "Winter access plan");
  agenda(t->p[JOANNE], board, "ARRS recruitment: a second pharmacist");
  char d[11];
  day_str(t->today + 10, d);
  Pcn__MeetingActionAdd act = PCN__MEETING_ACTION_ADD__INIT;
  act.id = board;
  act.title = "Circulate the winter access plan";
  act.assignee = "priya.shah";
  act.due = d;
  act.practice = "";
  act.body = "";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_MEETING_ACTION_ADD;
  r.meeting_action_add = &act;
  ok(t->p[PRIYA], &r);

  int64_t last = (int64_t)(t->today - 9) * PCN_DAY_MS + 13 * 3600000LL;
  uint64_t past =
      meeting(t->p[PRIYA], "Network board", last, 120,
              "Hill Street Medical Centre", invited, G_N_ELEMENTS(invited));
  its_attend(t->p[PRIYA], past, "lucy.turner", 120);
  its_attend(t->p[PRIYA], past, "sam.okafor", 120);
  its_attend(t->p[PRIYA], past, "joanne.baxter", 120);
  return past;
}

static void duty_agree(its_member *m, uint64_t from, uint64_t to) {
  Pcn__DutyVersion v[14], *vp[14];
  size_t n = 0;
  for (uint64_t id = from; id <= to && n < 14; id++, n++) {
    pcn__duty_version__init(&v[n]);
    v[n].id = id;
    vp[n] = &v[n];
  }
  Pcn__DutyAgree a = PCN__DUTY_AGREE__INIT;
  a.practice = "";
  a.entries = vp;
  a.n_entries = n;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DUTY_AGREE;
  r.duty_agree = &a;
  ok(m, &r);
}

static void duties(tour *t) {
  duty_agree(t->p[JOANNE], 1, 10);
  duty_agree(t->p[SAM], 1, 14);
  duty_agree(t->p[HELEN], 1, 5);
  Pcn__DutyDisagree x = PCN__DUTY_DISAGREE__INIT;
  x.practice = "";
  x.id = 6;
  x.reason = "HR for network staff sits with the employing practice.";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DUTY_DISAGREE;
  r.duty_disagree = &x;
  ok(t->p[HELEN], &r);
}

static void budget(its_member *m, int year, const char *stream, int64_t pence) {
  Pcn__FundsBudgetSet b = PCN__FUNDS_BUDGET_SET__INIT;
  b.year = (uint32_t)year;
  b.stream = (char *)stream;
  b.pence = pence;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_BUDGET_SET;
  r.funds_budget_set = &b;
  ok(m, &r);
}

/* The year's figures and rates, Riverside as the payee, last month's and
 * this month's money in and out, the backfill claims for last week's
 * board (Samuel's paid, Joanne's for Dr Turner pending) and last month's
 * ARRS claim. */
static void money(tour *t, uint64_t past_board) {
  its_member *priya = t->p[PRIYA];
  Pcn__SettingsUpdate su = PCN__SETTINGS_UPDATE__INIT;
  su.has_payee_case = PCN__SETTINGS_UPDATE__HAS_PAYEE_PAYEE;
  su.payee = "F84001";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_SETTINGS_UPDATE;
  r.settings_update = &su;
  ok(priya, &r);

  char fy_start[11];
  snprintf(fy_start, sizeof fy_start, "%04d-04-01", t->fy);
  for (int i = 0; i < NPRACTICE; i++)
    its_funds_figures(priya, ODS[i], fy_start, LIST[i], WEIGHTED[i],
                      i < 2 ? "North" : "South");
  its_funds_rate(priya, (uint32_t)t->fy, "core",
                 PCN__FUNDS_BASIS__FUNDS_PER_PATIENT, 15023);
  its_funds_rate(priya, (uint32_t)t->fy, "arrs",
                 PCN__FUNDS_BASIS__FUNDS_PER_WEIGHTED, 261201);
  budget(priya, t->fy, "core", 3200000);
  budget(priya, t->fy, "arrs", 30000000);

  int64_t y;
  int m, dd;
  pcn_civil_from_days(t->today, &y, &m, &dd);
  int32_t first = (int32_t)pcn_days_from_civil(y, m, 1);
  /* Last month, when it is in this financial year, then this month. */
  int32_t months[2] = {m == 4 ? -1
                              : (int32_t)pcn_days_from_civil(
                                    m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1, 1),
                       first};
  for (int i = 0; i < 2; i++) {
    if (months[i] < 0) continue;
    char on[11], paid[11];
    day_str(months[i], on);
    day_str(i ? t->today : months[i] + 9, paid);
    its_funds_receive(priya, "core", 460000, on);
    its_funds_receive(priya, "arrs", 2150000, on);
    its_funds_distribute(priya, "core", 420000, paid, NULL);
    its_funds_distribute(priya, "arrs", 1200000, paid, "F84001");
    if (i) its_funds_expense(priya, "core", 35000, paid);
  }
  if (months[0] >= 0) {
    char month[8];
    int64_t py;
    int pm, pd;
    pcn_civil_from_days(months[0], &py, &pm, &pd);
    snprintf(month, sizeof month, "%04d-%02d", (int)py, pm);
    its_arrs_claim(priya, month, 1850000, PCN__STATUS_CODE__OK);
  }

  its_backfill_rate(priya, "gp", 11000);
  its_backfill_rate(priya, "practice-manager", 4500);
  char today[11];
  day_str(t->today, today);
  its_backfill_paid(t->p[SAM], priya, past_board, "sam.okafor",
                    "practice-manager", today);
  Pcn__FundsClaimCreate c = PCN__FUNDS_CLAIM_CREATE__INIT;
  c.meeting_id = past_board;
  c.username = "lucy.turner";
  c.role = "";
  r.body_case = PCN__REQUEST__BODY_FUNDS_CLAIM_CREATE;
  r.funds_claim_create = &c;
  ok(t->p[JOANNE], &r);
}

static uint64_t staff_add(its_member *m, const char *name, const char *role,
                          const char *practice, uint32_t wte, int64_t cost,
                          const char *started) {
  Pcn__StaffAdd a = PCN__STAFF_ADD__INIT;
  a.name = (char *)name;
  a.role = (char *)role;
  a.practice = (char *)practice;
  a.wte = wte;
  a.annual_cost = cost;
  a.started = (char *)started;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_STAFF_ADD;
  r.staff_add = &a;
  return ok(m, &r)->staff_member->id;
}

/* This week's sessions for one person: working days only (a bank
 * holiday's sessions stay free), each session at practice[s % 4]. */
static void rota(its_member *m, uint64_t staff, int32_t monday,
                 const uint32_t *sessions, size_t n, int shift) {
  Pcn__StaffRotaCell cells[10], *cp[10];
  size_t k = 0;
  for (size_t i = 0; i < n && k < 10; i++) {
    if (pcn_is_bank_holiday(monday + (int32_t)sessions[i] / 2, NULL)) continue;
    pcn__staff_rota_cell__init(&cells[k]);
    cells[k].session = sessions[i];
    cells[k].practice = (char *)ODS[(sessions[i] / 2 + (uint32_t)shift) % 4];
    cp[k] = &cells[k];
    k++;
  }
  char week[11];
  day_str(monday, week);
  Pcn__StaffRotaSet s = PCN__STAFF_ROTA_SET__INIT;
  s.staff_id = staff;
  s.week = week;
  s.cells = cp;
  s.n_cells = k;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_STAFF_ROTA_SET;
  r.staff_rota_set = &s;
  ok(m, &r);
}

static void staff(tour *t) {
  its_member *priya = t->p[PRIYA];
  char started[11];
  snprintf(started, sizeof started, "%04d-04-01", t->fy);
  uint64_t aisha = staff_add(priya, "Aisha Rahman", "clinical pharmacist",
                             "F84001", 100, 5200000, started);
  uint64_t ben =
      staff_add(priya, "Ben Carter", "social prescribing link worker", "F84002",
                80, 3100000, started);
  uint64_t chloe =
      staff_add(priya, "Chloe Evans", "first contact physiotherapist", "F84003",
                60, 3300000, started);
  int32_t monday = t->today - (pcn_weekday(t->today) + 6) % 7;
  static const uint32_t full[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  static const uint32_t mornings[] = {0, 2, 4, 6};
  static const uint32_t three[] = {1, 3, 5};
  rota(priya, aisha, monday, full, G_N_ELEMENTS(full), 0);
  rota(priya, ben, monday, mornings, G_N_ELEMENTS(mornings), 1);
  rota(priya, chloe, monday, three, G_N_ELEMENTS(three), 2);
}

static int tour_setup(void **state) {
  tour *t = calloc(1, sizeof *t);
  fixture *f = &t->f;
  f->s = its_start("");
  f->mgr = its_manager(f->s);
  for (int i = 0; i < NPRACTICE; i++)
    its_add_practice(f->mgr, ODS[i], PRACTICE[i], LIST[i]);
  people(t);
  t->today = pcn_date_today();
  int64_t y;
  int m, d;
  pcn_civil_from_days(t->today, &y, &m, &d);
  t->fy = (int)(m >= 4 ? y : y - 1);
  /* The work last, so that it heads the Feed. */
  uint64_t past = meetings(t);
  staff(t);
  money(t, past);
  duties(t);
  decisions(t);
  news(t);
  asks(t);
  tasks(t);
  f->app =
      adw_application_new("org.pcnhub.DesktopTest", G_APPLICATION_NON_UNIQUE);
  assert_true(g_application_register(G_APPLICATION(f->app), NULL, NULL));
  *state = t;
  return 0;
}

static int tour_teardown(void **state) {
  tour *t = *state;
  for (int i = 0; i < 20; i++)
    g_main_context_iteration(NULL, FALSE);
  g_object_unref(t->f.app);
  for (int i = 0; i < NPEOPLE; i++)
    its_member_free(t->p[i]);
  its_member_free(t->f.mgr);
  its_free(t->f.s);
  free(t);
  return 0;
}

/* ------------------------------------------------------------ the rules */

#define ODS_RULE "an ODS code without its practice's name"

/* Texts that break a rule but are left as they are: the page, the rule
 * (command_like's words), a part of the text (NULL: any), and why. */
static const struct allowed {
  const char *page, *rule, *text, *why;
} ALLOWED[] = {
    {NULL, NULL, NULL, NULL},
};
static int allowed_used[G_N_ELEMENTS(ALLOWED)];

static int allowed(const char *page, const char *rule, const char *text) {
  for (size_t i = 0; ALLOWED[i].page; i++)
    if (!strcmp(ALLOWED[i].page, page) && !strcmp(ALLOWED[i].rule, rule) &&
        (!ALLOWED[i].text || strstr(text, ALLOWED[i].text))) {
      allowed_used[i]++;
      return 1;
    }
  return 0;
}

static GRegex *iso_date, *snake_role;

/* Whether username stands in text as a whole word (not inside a longer
 * name or address). */
static int has_username(const char *text, const char *user) {
  size_t n = strlen(user);
  for (const char *p = strstr(text, user); p; p = strstr(p + 1, user)) {
    char before = p == text ? ' ' : p[-1], after = p[n];
    if (!g_ascii_isalnum(before) && !strchr("._-@", before) &&
        !g_ascii_isalnum(after) && !(after && strchr("_-@", after)) &&
        !(after == '.' && g_ascii_isalnum(p[n + 1])))
      return 1;
  }
  return 0;
}

/* Why text reads like a command line, or NULL. */
static const char *command_like(const char *text) {
  if (g_regex_match(iso_date, text, 0, NULL)) return "an ISO date";
  if (g_regex_match(snake_role, text, 0, NULL)) return "a role in snake_case";
  if (strchr(text, '`')) return "a backquote";
  if (strstr(text, "pcn ")) return "command-line advice";
  for (int i = 0; i < NPEOPLE; i++)
    if (has_username(text, PEOPLE[i].username)) return "a username alone";
  /* A known practice's code, unless in brackets right after its name:
   * "Riverside Surgery (F84001)". */
  for (int i = 0; i < NPRACTICE; i++) {
    size_t nl = strlen(PRACTICE[i]), cl = strlen(ODS[i]);
    for (const char *p = strstr(text, ODS[i]); p; p = strstr(p + 1, ODS[i])) {
      size_t at = (size_t)(p - text);
      int named = at >= nl + 2 && p[-1] == '(' && p[-2] == ' ' &&
                  !strncmp(p - 2 - nl, PRACTICE[i], nl) && p[cl] == ')';
      if (!named) return ODS_RULE;
    }
  }
  return NULL;
}

/* Each text the page shows, checked; how many break a rule. */
static int check_text(const char *who, const char *page, GtkWidget *w,
                      const char *text) {
  if (!text || !text[0]) return 0;
  const char *why = command_like(text);
  /* The Practices page lists each practice's code beside its name. */
  if (why && !strcmp(why, ODS_RULE) && !strcmp(page, "practices")) return 0;
  if (!why || allowed(page, why, text)) return 0;
  fprintf(stderr, "%s, page %s: %s '%s' shows %s: \"%s\"\n", who, page,
          G_OBJECT_TYPE_NAME(w), gtk_widget_get_name(w), why, text);
  return 1;
}

static int walk(const char *who, const char *page, GtkWidget *w, FILE *dump) {
  if (!gtk_widget_get_mapped(w)) return 0;
  int bad = 0;
  const char *text = NULL;
  GtkWidget *parent = gtk_widget_get_parent(w);
  if (GTK_IS_LABEL(w) && !(parent && GTK_IS_BUTTON(parent) &&
                           gtk_button_get_label(GTK_BUTTON(parent))))
    text = gtk_label_get_text(GTK_LABEL(w));
  else if (GTK_IS_BUTTON(w))
    text = gtk_button_get_label(GTK_BUTTON(w));
  else if (GTK_IS_EDITABLE(w) &&
           !(parent && gtk_widget_get_ancestor(parent, GTK_TYPE_EDITABLE)))
    text = gtk_editable_get_text(GTK_EDITABLE(w));
  if (text && text[0]) {
    if (dump) fprintf(dump, "%s\t%s\n", G_OBJECT_TYPE_NAME(w), text);
    bad += check_text(who, page, w, text);
  }
  for (GtkWidget *c = gtk_widget_get_first_child(w); c;
       c = gtk_widget_get_next_sibling(c))
    bad += walk(who, page, c, dump);
  return bad;
}

/* ------------------------------------------------------------ the tour */

/* What each page shows once its records are in, for each window: the
 * PCN manager's and Joanne's. */
static const struct ready {
  const char *page, *manager, *pm;
} READY[] = {
    {"feed", "Lone working policy", "Lone working policy"},
    {"tasks", "Send the flu vaccination returns",
     "Send the flu vaccination returns"},
    {"asks", "A named contact for the winter access hub",
     "A named contact for the winter access hub"},
    {"news", "Lone working policy", "Lone working policy"},
    {"decisions", "Shared Saturday flu clinic at Riverside",
     "Hold the January board on Teams"},
    {"meetings", "PCN board", "PCN board"},
    {"duties", "HR for network staff", "HR for network staff"},
    /* The claim's payment names the person, not the username. */
    {"funds", "backfill claim 1: Samuel Okafor",
     "backfill claim 1: Samuel Okafor"},
    {"statement", "Millbrook Health Centre", "Riverside Surgery"},
    {"plan", "per registered patient", "per registered patient"},
    {"headroom", "Claimed", "Claimed"},
    {"claims", "Dr Lucy Turner", "Dr Lucy Turner"},
    {"staff", "Chloe Evans", "Chloe Evans"},
    {"practices", "Millbrook Health Centre", "Millbrook Health Centre"},
    {"members", "Samuel Okafor", "Samuel Okafor"},
    {"network", "Christmas Day", "Christmas Day"},
};

static GtkWidget *ready_page;
static const char *ready_text;
static int page_ready(fixture *f) {
  (void)f;
  return dtest_label_under(ready_page, ready_text);
}

static const char *ready_for(const char *page, int manager) {
  for (size_t i = 0; i < G_N_ELEMENTS(READY); i++)
    if (!strcmp(READY[i].page, page))
      return manager ? READY[i].manager : READY[i].pm;
  return NULL;
}

static GtkWidget *size_win;
static int sized(fixture *f) {
  (void)f;
  int w = gtk_widget_get_width(size_win);
  return w <= 1024 && w >= 1000;
}

/* Pages with something wider than its scroller at 1024x768 with this
 * network's four practices, so that it scrolls sideways there (the window
 * itself stays within 800 px), each with why. A page on this list that
 * fits is printed, to be taken off. */
static const struct sideways {
  const char *page, *why;
} SIDEWAYS[] = {
    /* The rota's ten sessions and the equity table: wide grids that
     * scroll sideways in their own pane, by design (README, Long names). */
    {"staff", "the rota grid and the equity table"},
    {NULL, NULL},
};

static int known_sideways(const char *id) {
  for (size_t i = 0; SIDEWAYS[i].page; i++)
    if (!strcmp(SIDEWAYS[i].page, id)) return 1;
  return 0;
}

static int min_width(GtkWidget *w) {
  int min = 0, nat = 0;
  gtk_widget_measure(w, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  return min;
}

/* How many scrollers under w (mapped, w too) hold content wider than
 * themselves, each printed. */
static int scrollers_wider(const char *who, const char *id, GtkWidget *w) {
  if (!gtk_widget_get_mapped(w)) return 0;
  int n = 0;
  if (GTK_IS_SCROLLED_WINDOW(w)) {
    GtkWidget *c = gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(w));
    if (c && GTK_IS_VIEWPORT(c)) c = gtk_viewport_get_child(GTK_VIEWPORT(c));
    int room = gtk_widget_get_width(w), need = c ? min_width(c) : 0;
    if (need > room) {
      printf("%s: page %s: a %s holds %d px in %d px: it scrolls sideways\n",
             who, id, c ? G_OBJECT_TYPE_NAME(c) : "?", need, room);
      n++;
    }
  }
  for (GtkWidget *c = gtk_widget_get_first_child(w); c;
       c = gtk_widget_get_next_sibling(c))
    n += scrollers_wider(who, id, c);
  return n;
}

/* Whether the page fits the pane beside the sidebar (the stack's
 * scroller), and every scroller in it its content: 0, or 1 for a page
 * that scrolls sideways and is not known to. */
static int fits_pane(const char *who, const char *id, GtkStack *stack,
                     GtkWidget *page) {
  GtkWidget *pane =
      gtk_widget_get_ancestor(GTK_WIDGET(stack), GTK_TYPE_SCROLLED_WINDOW);
  assert_non_null(pane);
  int wide = 0, room = gtk_widget_get_width(pane), need = min_width(page);
  if (need > room) {
    printf("%s: page %s asks for %d px, its pane has %d: it scrolls "
           "sideways\n",
           who, id, need, room);
    wide++;
  }
  wide += scrollers_wider(who, id, page);
  if (!wide && known_sideways(id))
    printf("%s: page %s fits its pane in this window (SIDEWAYS)\n", who, id);
  return wide && !known_sideways(id);
}

/* One page of who's window: shown as its sidebar row shows it, with its
 * records in, at 1024x768; the window's minimum width, the texts, and a
 * screenshot. How many rules it breaks. */
static int tour_page(tour *t, GtkWidget *win, const char *who, int manager,
                     const char *id, FILE *dump) {
  fixture *f = &t->f;
  dtest_show_page(win, id);
  GtkStack *stack = GTK_STACK(find_widget(win, GTK_TYPE_STACK, NULL));
  GtkWidget *page = gtk_stack_get_child_by_name(stack, id);
  assert_non_null(page);
  const char *want = ready_for(id, manager);
  int bad = 0;
  if (!want) {
    fprintf(stderr, "page %s has no ready text in the tour: add one\n", id);
    bad++;
  } else {
    ready_page = page;
    ready_text = want;
    if (!spin_until(f, page_ready, 10000)) {
      fprintf(stderr, "%s's %s page never showed \"%s\"\n", who, id, want);
      bad++;
    }
  }
  spin_ms(300);
  int min = 0, nat = 0;
  gtk_widget_measure(win, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL,
                     NULL);
  printf("%s: page %-10s the window's minimum width is %d px\n", who, id, min);
  if (min > 800) {
    fprintf(stderr, "%s, page %s: the window needs %d px\n", who, id, min);
    bad++;
  }
  bad += fits_pane(who, id, stack, page);
  if (dump) fprintf(dump, "== %s %s\n", who, id);
  bad += walk(who, id, page, dump);
  char name[80];
  snprintf(name, sizeof name, "tour-%s-%s", who, id);
  shot(win, name);
  return bad;
}

/* who's window, every page their sidebar lists, the Feed first. */
static int tour_as(tour *t, its_member *m, const char *who, int manager) {
  fixture *f = &t->f;
  char dir[400];
  dtest_save_session(f, m, dir, sizeof dir);
  snprintf(f->cfgdir, sizeof f->cfgdir, "%s", dir);
  f->d = pcn_desk_new(GTK_APPLICATION(f->app));
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  gtk_window_set_default_size(GTK_WINDOW(win), 1024, 768);
  gtk_window_present(GTK_WINDOW(win));
  assert_true(spin_until(f, connected, 10000));
  size_win = win;
  assert_true(spin_until(f, sized, 10000));
  char path[600];
  snprintf(path, sizeof path, "%s/tour-%s.txt", PCN_SHOT_DIR, who);
  FILE *dump = fopen(path, "w");
  int bad = tour_page(t, win, who, manager, "feed", dump);
  int shown = 0;
  for (size_t i = 0; i < desk_n_pages; i++) {
    const desk_page *p = desk_pages[i];
    if (p->shown && !p->shown(f->d)) continue;
    bad += tour_page(t, win, who, manager, p->id, dump);
    shown++;
  }
  if (dump) fclose(dump);
  /* A PCN manager and a practice manager use every page. */
  assert_int_equal(shown, (int)desk_n_pages);
  gtk_window_destroy(GTK_WINDOW(win));
  pcn_desk_free(f->d);
  f->d = NULL;
  for (int i = 0; i < 20; i++)
    g_main_context_iteration(NULL, FALSE);
  return bad;
}

/* The rules catch what they are for, and let words through. */
static void rules_bite(void) {
  static const char *const bad[] = {
      "Due 2026-12-09",
      "Role: practice_manager",
      "Run `pcn funds rate` first",
      "set them with pcn funds rate",
      "claimed by sam.okafor, 120 min",
      "joanne.baxter",
      " F84003 ",
      "Nominated payee: Riverside Surgery F84001.",
      "F84001 Riverside Surgery · 12,400 patients",
      "figures in force: F84001 from 1 Apr 2026",
      "paid from Core PCN funding to F84002",
      "Hill Street Medical Centre (F84001)",
      "Riverside Surgery (F84001",
      "Riverside Surgery F84001)",
  };
  static const char *const good[] = {
      "Due Wed 9 Dec",
      "Practice manager at Riverside Surgery",
      "Samuel Okafor (sam.okafor@nhs.net)",
      "Riverside Surgery (F84001)",
      "At Riverside Surgery (F84001), not Canal Side Surgery (F84003)",
      "PCN manager",
      "2026/27: April 2026 to March 2027",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
    if (!command_like(bad[i])) fail_msg("the rules let \"%s\" through", bad[i]);
  for (size_t i = 0; i < G_N_ELEMENTS(good); i++)
    if (command_like(good[i]))
      fail_msg("the rules stop \"%s\": %s", good[i], command_like(good[i]));
}

static void test_tour(void **state) {
  tour *t = *state;
  iso_date = g_regex_new("\\d{4}-\\d\\d-\\d\\d", 0, 0, NULL);
  snake_role =
      g_regex_new("practice_manager|pcn_manager|clinical_director", 0, 0, NULL);
  rules_bite();
  int bad = tour_as(t, t->p[PRIYA], "pcn-manager", 1);
  bad += tour_as(t, t->p[JOANNE], "practice-manager", 0);
  for (size_t i = 0; ALLOWED[i].page; i++)
    if (!allowed_used[i])
      printf("ALLOWED: %s's \"%s\" (%s) let nothing through: take it off\n",
             ALLOWED[i].page, ALLOWED[i].rule, ALLOWED[i].why);
  g_regex_unref(iso_date);
  g_regex_unref(snake_role);
  assert_int_equal(bad, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_tour, tour_setup, tour_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
