/* it_claims.c - backfill claims and the year end over TLS: hourly rates
 * per role (the PCN manager's), a claim for one person's attendance at one
 * meeting with its amount to the penny (minutes x rate / 60, half up), at
 * the rate of the attendee's own role (a staff member is never claimed as
 * a GP, issue 20), several claims decided in one request (all or none), who
 * may claim (the attendee's practice manager or the PCN manager), every
 * refusal named and nothing changed, the claim approved into a ledger
 * entry in the same transaction (or refused whole when the bank is short,
 * or on a stale version), rejected with a reason, the ledger, balances and
 * statement knowing claim:ODS:STREAM, claims seen only by the network's
 * people and the attendee's practice, survival across a restart, and the
 * year end on hand-computed figures plus a randomised loop proving the
 * shares add up exactly to what was paid.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "itest.h"
#include "validate.h"

/* ------------------------------------------------------------ requests */

static const Pcn__Response *rate(its_member *m, const char *role, int64_t pph,
                                 int code) {
  Pcn__FundsBackfillRateSet r = PCN__FUNDS_BACKFILL_RATE_SET__INIT;
  r.role = (char *)role;
  r.pence_per_hour = pph;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_BACKFILL_RATE_SET;
  req.funds_backfill_rate_set = &r;
  return its_expect(m, &req, code);
}

static const Pcn__FundsBackfillRatePage *rates(its_member *m) {
  Pcn__FundsBackfillRateList r = PCN__FUNDS_BACKFILL_RATE_LIST__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_BACKFILL_RATE_LIST;
  req.funds_backfill_rate_list = &r;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->funds_backfill_rates;
}

static const Pcn__Response *claim(its_member *m, uint64_t meeting,
                                  const char *user, const char *role,
                                  int code) {
  Pcn__FundsClaimCreate r = PCN__FUNDS_CLAIM_CREATE__INIT;
  r.meeting_id = meeting;
  r.username = (char *)user;
  r.role = (char *)role;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_CLAIM_CREATE;
  req.funds_claim_create = &r;
  return its_expect(m, &req, code);
}

static const Pcn__Response *decide(its_member *m, uint64_t id, uint32_t version,
                                   int approve, const char *stream,
                                   const char *date, const char *reason,
                                   int code) {
  Pcn__FundsClaimDecide r = PCN__FUNDS_CLAIM_DECIDE__INIT;
  r.id = id;
  r.version = version;
  r.approve = approve;
  r.stream = (char *)stream;
  r.date = (char *)date;
  r.reason = (char *)reason;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_CLAIM_DECIDE;
  req.funds_claim_decide = &r;
  return its_expect(m, &req, code);
}

static const Pcn__Response *claims_try(its_member *m, const char *practice,
                                       int pending, int code) {
  Pcn__FundsClaimList r = PCN__FUNDS_CLAIM_LIST__INIT;
  r.practice = (char *)practice;
  r.pending_only = pending;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_CLAIM_LIST;
  req.funds_claim_list = &r;
  return its_expect(m, &req, code);
}

static const Pcn__FundsClaimPage *claims(its_member *m, const char *practice,
                                         int pending) {
  return claims_try(m, practice, pending, PCN__STATUS_CODE__OK)
      ->funds_claim_page;
}

static const Pcn__Response *year_end(its_member *m, uint32_t year, int basis,
                                     int code) {
  Pcn__FundsYearEnd r = PCN__FUNDS_YEAR_END__INIT;
  r.year = year;
  r.basis = basis;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_YEAR_END;
  req.funds_year_end = &r;
  return its_expect(m, &req, code);
}

static void figures(its_member *m, const char *ods, const char *from,
                    uint32_t list, uint32_t weighted) {
  Pcn__FundsFiguresSet f = PCN__FUNDS_FIGURES_SET__INIT;
  f.practice = (char *)ods;
  f.applies_from = (char *)from;
  f.list_size = list;
  f.weighted = weighted;
  f.locality = "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_FIGURES_SET;
  req.funds_figures_set = &f;
  its_expect(m, &req, PCN__STATUS_CODE__OK);
}

static uint64_t receive(its_member *m, const char *stream, int64_t pence,
                        const char *date) {
  Pcn__FundsReceive r = PCN__FUNDS_RECEIVE__INIT;
  r.stream = (char *)stream;
  r.pence = pence;
  r.date = (char *)date;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_RECEIVE;
  req.funds_receive = &r;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->funds_entry->id;
}

/* Fixed parts to F84001..F84003 (n of them). */
static void distribute(its_member *m, const char *date, size_t n,
                       const int64_t *parts) {
  static const char *ods[] = {"F84001", "F84002", "F84003"};
  Pcn__FundsDistribute d = PCN__FUNDS_DISTRIBUTE__INIT;
  Pcn__FundsPart p[3], *pp[3];
  d.stream = "core";
  d.date = (char *)date;
  d.split = PCN__FUNDS_SPLIT__FUNDS_SPLIT_FIXED;
  for (size_t i = 0; i < n; i++) {
    pcn__funds_part__init(&p[i]);
    p[i].practice = (char *)ods[i];
    p[i].pence = parts[i];
    d.pence += parts[i];
    pp[i] = &p[i];
  }
  d.parts = pp;
  d.n_parts = n;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_DISTRIBUTE;
  req.funds_distribute = &d;
  its_expect(m, &req, PCN__STATUS_CODE__OK);
}

static const Pcn__FundsLedgerPage *ledger(its_member *m, const char *practice) {
  Pcn__FundsLedger l = PCN__FUNDS_LEDGER__INIT;
  l.practice = (char *)practice;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_LEDGER;
  req.funds_ledger = &l;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->funds_ledger_page;
}

static const Pcn__FundsBalancePage *balances(its_member *m,
                                             const char *practice) {
  Pcn__FundsBalances b = PCN__FUNDS_BALANCES__INIT;
  b.practice = (char *)practice;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_BALANCES;
  req.funds_balances = &b;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->funds_balance_page;
}

static int64_t balance_of(its_member *m, const char *account) {
  const Pcn__FundsBalancePage *p = balances(m, "");
  for (size_t i = 0; i < p->n_balances; i++)
    if (strcmp(p->balances[i]->account, account) == 0)
      return p->balances[i]->pence;
  return 0;
}

static const Pcn__FundsStatementPage *statement(its_member *m,
                                                const char *month) {
  Pcn__FundsStatement st = PCN__FUNDS_STATEMENT__INIT;
  st.month = (char *)month;
  st.practice = "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_STATEMENT;
  req.funds_statement = &st;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->funds_statement_page;
}

static const Pcn__FundsStatementRow *srow(const Pcn__FundsStatementPage *p,
                                          const char *practice,
                                          const char *stream) {
  for (size_t i = 0; i < p->n_rows; i++)
    if (!strcmp(p->rows[i]->practice, practice) &&
        !strcmp(p->rows[i]->stream, stream))
      return p->rows[i];
  return NULL;
}

static int64_t line_of(const Pcn__FundsEntry *e, const char *account) {
  for (size_t i = 0; i < e->n_lines; i++)
    if (strcmp(e->lines[i]->account, account) == 0) return e->lines[i]->pence;
  return 0;
}

static void field_is(const Pcn__Response *r, const char *field) {
  assert_non_null(r->status->details);
  assert_string_equal(r->status->details->field, field);
}

/* A meeting of the mgr's on 5 October 2026 from 10:00 (UTC) for
 * minutes; its id. day moves it on by days. */
static uint64_t meeting(its_member *m, int day, int minutes) {
  int64_t start =
      (pcn_days_from_civil(2026, 10, 5) + day) * 86400000LL + 36000000LL;
  Pcn__MeetingCreate c = PCN__MEETING_CREATE__INIT;
  c.title = "Network board";
  c.starts_at = start;
  c.ends_at = start + minutes * 60000LL;
  c.place = "Riverside";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEETING_CREATE;
  req.meeting_create = &c;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->meeting->id;
}

/* Records user's attendance (minutes 0: the meeting's length; absent). */
static void attend(its_member *m, uint64_t id, const char *user,
                   uint32_t minutes, int absent) {
  Pcn__MeetingAttend a = PCN__MEETING_ATTEND__INIT;
  char *users[] = {(char *)user};
  a.id = id;
  a.usernames = users;
  a.n_usernames = 1;
  a.minutes = minutes;
  a.absent = absent;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEETING_ATTEND;
  req.meeting_attend = &a;
  its_expect(m, &req, PCN__STATUS_CODE__OK);
}

/* ------------------------------------------------------------ world */

typedef struct world {
  its_server *s;
  its_member *mgr, *jo, *sam, *cd, *khan, *nia;
} world;

static world *make_world(void) {
  world *w = calloc(1, sizeof *w);
  w->s = its_start("");
  w->mgr = its_manager(w->s);
  /* Added without a list size: the figures below are each practice's
   * whole history (a list size given here would be its first figure). */
  its_add_practice(w->mgr, "F84001", "Riverside Surgery", 0);
  its_add_practice(w->mgr, "F84002", "Hillview Practice", 0);
  its_add_practice(w->mgr, "F84003", "Brook Lane", 0);
  w->jo =
      its_add_member(w->s, w->mgr, "jo", PCN__ROLE__PRACTICE_MANAGER, "F84001");
  w->sam = its_add_member(w->s, w->mgr, "sam", PCN__ROLE__PRACTICE_MANAGER,
                          "F84002");
  w->cd =
      its_add_member(w->s, w->mgr, "drlee", PCN__ROLE__CLINICAL_DIRECTOR, "");
  /* Dr Khan is a GP (a clinician: the "gp" rate); Nia a care coordinator
   * (staff: the "staff" rate). */
  w->khan =
      its_add_member(w->s, w->mgr, "dr.khan", PCN__ROLE__CLINICIAN, "F84001");
  w->nia = its_add_member(w->s, w->mgr, "nia", PCN__ROLE__STAFF, "F84002");
  return w;
}

static void free_world(world *w) {
  its_member *all[] = {w->mgr, w->jo, w->sam, w->cd, w->khan, w->nia};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    its_member_free(all[i]);
  its_free(w->s);
  free(w);
}

/* ------------------------------------------------------------ tests */

static void test_rates_amounts_and_rules(void **state) {
  (void)state;
  world *w = make_world();
  uint64_t since = its_head(w->mgr);

  /* Rates: the PCN manager's, named and bounded; upper case folds. */
  rate(w->jo, "gp", 11000, PCN__STATUS_CODE__PERMISSION_DENIED);
  field_is(rate(w->mgr, "g p!", 11000, PCN__STATUS_CODE__INVALID_ARGUMENT),
           "role");
  field_is(rate(w->mgr, "", 11000, PCN__STATUS_CODE__INVALID_ARGUMENT), "role");
  field_is(rate(w->mgr, "gp", 0, PCN__STATUS_CODE__INVALID_ARGUMENT),
           "pence_per_hour");
  field_is(rate(w->mgr, "gp", 100000001, PCN__STATUS_CODE__INVALID_ARGUMENT),
           "pence_per_hour");
  assert_int_equal(rates(w->jo)->n_rates, 0);
  const Pcn__Response *r = rate(w->mgr, "GP", 10000, PCN__STATUS_CODE__OK);
  assert_string_equal(r->funds_backfill_rate->role, "gp");
  rate(w->mgr, "gp", 11000, PCN__STATUS_CODE__OK); /* replaces */
  rate(w->mgr, "staff", 4537, PCN__STATUS_CODE__OK);
  rate(w->mgr, "health-care assistant", 4530, PCN__STATUS_CODE__OK);
  const Pcn__FundsBackfillRatePage *rp = rates(w->khan);
  assert_int_equal(rp->n_rates, 3);
  assert_string_equal(rp->rates[0]->role, "gp");
  assert_int_equal(rp->rates[0]->pence_per_hour, 11000);
  assert_string_equal(rp->rates[0]->set_by, "manager");

  /* A 90-minute meeting: Dr Khan (F84001) the whole of it, Nia (F84002)
   * 50 minutes, the clinical director (the network's) too; Jo absent. */
  uint64_t m1 = meeting(w->mgr, 0, 90);
  attend(w->mgr, m1, "dr.khan", 0, 0);
  attend(w->mgr, m1, "nia", 50, 0);
  attend(w->mgr, m1, "drlee", 0, 0);
  attend(w->mgr, m1, "jo", 0, 1);
  uint64_t m2 = meeting(w->mgr, 1, 60);
  attend(w->mgr, m2, "nia", 7, 0);
  attend(w->mgr, m2, "dr.khan", 10, 0);

  /* The amount, at the attendee's own role's rate: 90 min at £110.00 =
   * £165.00; 50 min at £45.37 = 3780.83p -> £37.81; 7 min at £45.37 =
   * 529.32p -> £5.29; 10 min at £110.00 = 1833.33p -> £18.33. */
  r = claim(w->jo, m1, "dr.khan", "gp", PCN__STATUS_CODE__OK);
  const Pcn__FundsClaim *c = r->funds_claim;
  uint64_t c1 = c->id;
  assert_int_equal(c->pence, 16500);
  assert_int_equal(c->minutes, 90);
  assert_int_equal(c->pence_per_hour, 11000);
  assert_int_equal(c->state, PCN__FUNDS_CLAIM_STATE__CLAIM_PENDING);
  assert_int_equal(c->version, 1);
  assert_string_equal(c->practice, "F84001");
  assert_string_equal(c->meeting_title, "Network board");
  assert_string_equal(c->meeting_date, "2026-10-05");
  assert_string_equal(c->claimed_by, "jo");
  /* The role is the member's, not the claimer's: a care coordinator is
   * not claimed as a GP (nor as another role with a rate), and a GP not
   * as staff; the role may be left out, or named as it is (any case). */
  r = claim(w->sam, m1, "nia", "gp", PCN__STATUS_CODE__INVALID_ARGUMENT);
  field_is(r, "role");
  assert_non_null(strstr(r->status->message, "'staff'"));
  field_is(claim(w->mgr, m2, "nia", "health-care assistant",
                 PCN__STATUS_CODE__INVALID_ARGUMENT),
           "role");
  field_is(
      claim(w->jo, m2, "dr.khan", "staff", PCN__STATUS_CODE__INVALID_ARGUMENT),
      "role");
  r = claim(w->sam, m1, "nia", "", PCN__STATUS_CODE__OK);
  assert_int_equal(r->funds_claim->pence, 3781);
  assert_string_equal(r->funds_claim->role, "staff");
  r = claim(w->mgr, m2, "nia", "Staff", PCN__STATUS_CODE__OK);
  assert_int_equal(r->funds_claim->pence, 529);
  assert_string_equal(r->funds_claim->claimed_by, "manager");
  r = claim(w->jo, m2, "dr.khan", "", PCN__STATUS_CODE__OK);
  assert_int_equal(r->funds_claim->pence, 1833);
  assert_string_equal(r->funds_claim->role, "gp");

  /* Refusals, each named, none creating anything. */
  claim(w->sam, m1, "dr.khan", "gp", PCN__STATUS_CODE__PERMISSION_DENIED);
  claim(w->nia, m1, "nia", "", PCN__STATUS_CODE__PERMISSION_DENIED);
  claim(w->khan, m1, "nia", "", PCN__STATUS_CODE__PERMISSION_DENIED);
  claim(w->cd, m1, "dr.khan", "gp", PCN__STATUS_CODE__PERMISSION_DENIED);
  r = claim(w->jo, m1, "dr.khan", "gp", PCN__STATUS_CODE__ALREADY_EXISTS);
  field_is(r, "username");
  assert_non_null(strstr(r->status->message, "already claimed"));
  field_is(claim(w->jo, m1, "jo", "gp", PCN__STATUS_CODE__FAILED_PRECONDITION),
           "username"); /* recorded absent */
  field_is(claim(w->mgr, m2, "jo", "gp", PCN__STATUS_CODE__FAILED_PRECONDITION),
           "username"); /* no attendance at all */
  field_is(
      claim(w->mgr, m1, "drlee", "gp", PCN__STATUS_CODE__FAILED_PRECONDITION),
      "username"); /* the network's own */
  r = claim(w->jo, m2, "jo", "physio", PCN__STATUS_CODE__FAILED_PRECONDITION);
  field_is(r, "username"); /* not attended comes first */
  uint64_t m3 = meeting(w->mgr, 2, 30);
  attend(w->mgr, m3, "dr.khan", 0, 0);
  attend(w->mgr, m3, "jo", 0, 0);
  /* A practice manager's role has no rate yet: the refusal names it. */
  r = claim(w->jo, m3, "jo", "", PCN__STATUS_CODE__FAILED_PRECONDITION);
  field_is(r, "role");
  assert_non_null(strstr(r->status->message, "no backfill rate"));
  assert_non_null(strstr(r->status->message, "--role 'practice-manager'"));
  field_is(claim(w->jo, 999, "dr.khan", "gp", PCN__STATUS_CODE__NOT_FOUND),
           "meeting_id");
  field_is(claim(w->jo, 0, "dr.khan", "gp", PCN__STATUS_CODE__INVALID_ARGUMENT),
           "meeting_id");
  field_is(claim(w->jo, m3, "nobody", "gp", PCN__STATUS_CODE__NOT_FOUND),
           "username");
  field_is(
      claim(w->jo, m3, "dr.khan", "G.P.", PCN__STATUS_CODE__INVALID_ARGUMENT),
      "role");
  assert_int_equal(claims(w->mgr, "", 0)->n_claims, 4);

  /* Who sees what: the network's people every claim; a practice's people
   * their practice's only, in the list and in the feed. */
  const Pcn__FundsClaimPage *cp = claims(w->cd, "", 0);
  assert_int_equal(cp->n_claims, 4);
  assert_int_equal(cp->claims[3]->id, c1); /* newest first */
  cp = claims(w->jo, "", 0);
  assert_int_equal(cp->n_claims, 2);
  for (size_t i = 0; i < cp->n_claims; i++)
    assert_string_equal(cp->claims[i]->practice, "F84001");
  assert_int_equal(claims(w->khan, "", 0)->n_claims, 2);
  cp = claims(w->sam, "F84002", 1);
  assert_int_equal(cp->n_claims, 2);
  assert_string_equal(cp->claims[0]->username, "nia");
  claims_try(w->sam, "F84001", 0, PCN__STATUS_CODE__PERMISSION_DENIED);
  assert_int_equal(claims(w->mgr, "F84001", 1)->n_claims, 2);
  field_is(claims_try(w->mgr, "nope", 0, PCN__STATUS_CODE__INVALID_ARGUMENT),
           "practice");
  struct {
    its_member *who;
    size_t n;
  } seen[] = {{w->cd, 4}, {w->jo, 2}, {w->khan, 2}, {w->sam, 2}, {w->nia, 2}};
  for (size_t i = 0; i < sizeof seen / sizeof seen[0]; i++) {
    its_events *e = its_seen(w->s, seen[i].who, w->mgr, since);
    assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_FUNDS_CLAIM),
                     seen[i].n);
    assert_int_equal(
        its_events_count(e, PCN__EVENT__RECORD_FUNDS_BACKFILL_RATE), 4);
    for (size_t k = 0; k < e->n; k++)
      if (e->ev[k]->record_case == PCN__EVENT__RECORD_FUNDS_CLAIM &&
          seen[i].who->practice[0])
        assert_string_equal(e->ev[k]->funds_claim->practice,
                            seen[i].who->practice);
    its_events_free(e);
  }
  assert_int_equal(its_verify(w->s), 0);
  free_world(w);
}

static void test_approve_and_reject(void **state) {
  (void)state;
  world *w = make_world();
  rate(w->mgr, "gp", 11000, PCN__STATUS_CODE__OK);
  rate(w->mgr, "staff", 4537, PCN__STATUS_CODE__OK);
  uint64_t m1 = meeting(w->mgr, 0, 90);
  attend(w->mgr, m1, "dr.khan", 0, 0);
  attend(w->mgr, m1, "nia", 50, 0);
  uint64_t since = its_head(w->mgr);
  uint64_t c1 =
      claim(w->jo, m1, "dr.khan", "gp", PCN__STATUS_CODE__OK)->funds_claim->id;

  /* Short of money: refused whole; the claim and the ledger unchanged. */
  const Pcn__Response *r = decide(w->mgr, c1, 1, 1, "core", "2027-05-10", "",
                                  PCN__STATUS_CODE__FAILED_PRECONDITION);
  assert_non_null(strstr(r->status->message, "holds only"));
  receive(w->mgr, "core", 10000, "2027-05-01");
  decide(w->mgr, c1, 1, 1, "core", "2027-05-10", "",
         PCN__STATUS_CODE__FAILED_PRECONDITION);
  const Pcn__FundsClaimPage *cp = claims(w->mgr, "", 1);
  assert_int_equal(cp->n_claims, 1);
  assert_int_equal(cp->claims[0]->version, 1);
  assert_int_equal(ledger(w->mgr, "")->n_entries, 1);
  assert_int_equal(balance_of(w->mgr, "bank:core"), 10000);
  receive(w->mgr, "core", 50000, "2027-05-02");

  /* Bad decisions: named; only the PCN manager decides; a stale version
   * is CONFLICT with the claim as it stands. */
  decide(w->jo, c1, 1, 1, "core", "", "", PCN__STATUS_CODE__PERMISSION_DENIED);
  field_is(decide(w->mgr, c1, 1, 1, "nope", "", "",
                  PCN__STATUS_CODE__INVALID_ARGUMENT),
           "stream");
  field_is(decide(w->mgr, c1, 1, 1, "core", "2027-02-30", "",
                  PCN__STATUS_CODE__INVALID_ARGUMENT),
           "date");
  field_is(
      decide(w->mgr, c1, 1, 0, "", "", "", PCN__STATUS_CODE__INVALID_ARGUMENT),
      "reason");
  field_is(decide(w->mgr, 0, 1, 1, "core", "", "",
                  PCN__STATUS_CODE__INVALID_ARGUMENT),
           "id");
  decide(w->mgr, 99, 1, 1, "core", "", "", PCN__STATUS_CODE__NOT_FOUND);
  r = decide(w->mgr, c1, 5, 1, "core", "2027-05-10", "",
             PCN__STATUS_CODE__CONFLICT);
  assert_int_equal(r->body_case, PCN__RESPONSE__BODY_FUNDS_CLAIM);
  assert_int_equal(r->funds_claim->version, 1);
  assert_int_equal(r->funds_claim->state,
                   PCN__FUNDS_CLAIM_STATE__CLAIM_PENDING);

  /* Approved: paid from core in the same write. */
  r = decide(w->mgr, c1, 1, 1, "core", "2027-05-10", "", PCN__STATUS_CODE__OK);
  const Pcn__FundsClaim *c = r->funds_claim;
  assert_int_equal(c->state, PCN__FUNDS_CLAIM_STATE__CLAIM_APPROVED);
  assert_int_equal(c->version, 2);
  assert_string_equal(c->stream, "core");
  assert_string_equal(c->decided_by, "manager");
  uint64_t entry = c->entry;
  assert_true(entry > 0);
  decide(w->mgr, c1, 2, 1, "core", "", "",
         PCN__STATUS_CODE__FAILED_PRECONDITION); /* decided once */
  const Pcn__FundsLedgerPage *lp = ledger(w->sam, "F84001");
  assert_int_equal(lp->n_entries, 1);
  const Pcn__FundsEntry *e = lp->entries[0];
  assert_int_equal(e->id, entry);
  assert_int_equal(e->kind, PCN__FUNDS_KIND__FUNDS_CLAIM);
  assert_int_equal(e->claim, c1);
  assert_string_equal(e->payee, "F84001");
  assert_string_equal(e->date, "2027-05-10");
  assert_int_equal(e->pence, 16500);
  assert_int_equal(line_of(e, "claim:F84001:core"), 16500);
  assert_int_equal(line_of(e, "bank:core"), -16500);
  assert_int_equal(ledger(w->sam, "F84002")->n_entries, 0);

  /* Balances and the statement know the claim account. */
  const Pcn__FundsBalancePage *b = balances(w->nia, "");
  assert_int_equal(b->claimed, 16500);
  assert_int_equal(b->held, 60000 - 16500);
  assert_int_equal(b->distributed, 0);
  b = balances(w->nia, "F84001");
  assert_int_equal(b->n_balances, 1);
  assert_string_equal(b->balances[0]->account, "claim:F84001:core");
  assert_string_equal(b->balances[0]->practice, "F84001");
  assert_string_equal(b->balances[0]->stream, "core");
  const Pcn__FundsStatementPage *sp = statement(w->jo, "2027-05");
  assert_int_equal(sp->claimed, 16500);
  assert_int_equal(sp->distributed, 0);
  assert_int_equal(sp->held, 60000 - 16500);
  assert_non_null(srow(sp, "F84001", "core"));
  assert_int_equal(srow(sp, "F84001", "core")->claimed, 16500);
  assert_int_equal(srow(sp, "F84001", "core")->balance, 16500);
  assert_int_equal(srow(sp, "", "core")->claimed, 16500);
  sp = statement(w->jo, "2027-06");
  assert_int_equal(sp->claimed, 0);
  assert_int_equal(srow(sp, "F84001", "core")->claimed, 0);
  assert_int_equal(srow(sp, "F84001", "core")->balance, 16500); /* carried */

  /* Rejected, with a reason; a fresh claim for that attendance may then
   * be made. */
  uint64_t c2 =
      claim(w->sam, m1, "nia", "", PCN__STATUS_CODE__OK)->funds_claim->id;
  r = decide(w->mgr, c2, 1, 0, "", "", "Claimed at the wrong rate",
             PCN__STATUS_CODE__OK);
  assert_int_equal(r->funds_claim->state,
                   PCN__FUNDS_CLAIM_STATE__CLAIM_REJECTED);
  assert_string_equal(r->funds_claim->reason, "Claimed at the wrong rate");
  assert_int_equal(r->funds_claim->entry, 0);
  decide(w->mgr, c2, 2, 1, "core", "", "",
         PCN__STATUS_CODE__FAILED_PRECONDITION);
  uint64_t c3 =
      claim(w->sam, m1, "nia", "", PCN__STATUS_CODE__OK)->funds_claim->id;
  assert_true(c3 > c2);
  claim(w->sam, m1, "nia", "", PCN__STATUS_CODE__ALREADY_EXISTS);

  /* The events: each practice's people see their own claims' changes;
   * everyone sees the ledger entry. */
  its_events *ev = its_seen(w->s, w->jo, w->mgr, since);
  assert_int_equal(its_events_count(ev, PCN__EVENT__RECORD_FUNDS_CLAIM), 2);
  assert_int_equal(its_events_count(ev, PCN__EVENT__RECORD_FUNDS_ENTRY), 3);
  its_events_free(ev);
  ev = its_seen(w->s, w->nia, w->mgr, since);
  assert_int_equal(its_events_count(ev, PCN__EVENT__RECORD_FUNDS_CLAIM), 3);
  assert_int_equal(its_events_count(ev, PCN__EVENT__RECORD_FUNDS_ENTRY), 3);
  its_events_free(ev);

  /* Reversing the claim's entry works like any reversal; the claim stays
   * approved. */
  Pcn__FundsReverse rv = PCN__FUNDS_REVERSE__INIT;
  rv.entry = entry;
  rv.note = "paid twice";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_REVERSE;
  req.funds_reverse = &rv;
  r = its_expect(w->mgr, &req, PCN__STATUS_CODE__OK);
  assert_int_equal(line_of(r->funds_entry, "claim:F84001:core"), -16500);
  assert_int_equal(balance_of(w->mgr, "claim:F84001:core"), 0);
  assert_int_equal(balance_of(w->mgr, "bank:core"), 60000);

  /* Kept across a restart, and sound. */
  its_stop(w->s);
  assert_int_equal(its_verify(w->s), 0);
  its_run(w->s);
  its_member *again = its_login(w->s, "jo", ITEST_PASSWORD);
  cp = claims(again, "", 0);
  assert_int_equal(cp->n_claims, 1);
  assert_int_equal(cp->claims[0]->state,
                   PCN__FUNDS_CLAIM_STATE__CLAIM_APPROVED);
  assert_int_equal(cp->claims[0]->entry, entry);
  its_member_free(again);
  free_world(w);
}

static const Pcn__FundsYearEndRow *yrow(const Pcn__FundsYearEndReport *p,
                                        const char *ods) {
  for (size_t i = 0; i < p->n_rows; i++)
    if (!strcmp(p->rows[i]->practice, ods)) return p->rows[i];
  fail_msg("no year-end row for %s", ods);
  return NULL;
}

/* Several decided in one request (pcn funds claim approve 4 5 6): all in
 * one transaction, or none when any one cannot be, the refusal naming
 * it. */
static const Pcn__Response *decide_many(its_member *m, const uint64_t *ids,
                                        size_t n, int approve,
                                        const char *reason, int code) {
  Pcn__FundsClaimDecide r = PCN__FUNDS_CLAIM_DECIDE__INIT;
  r.ids = (uint64_t *)ids;
  r.n_ids = n;
  r.approve = approve;
  r.stream = approve ? "core" : "";
  r.date = "";
  r.reason = (char *)reason;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_CLAIM_DECIDE;
  req.funds_claim_decide = &r;
  return its_expect(m, &req, code);
}

static void test_decide_several(void **state) {
  (void)state;
  world *w = make_world();
  rate(w->mgr, "gp", 11000, PCN__STATUS_CODE__OK);
  rate(w->mgr, "staff", 4537, PCN__STATUS_CODE__OK);
  rate(w->mgr, "practice-manager", 4500, PCN__STATUS_CODE__OK);
  uint64_t m1 = meeting(w->mgr, 0, 90);
  attend(w->mgr, m1, "dr.khan", 0, 0);
  attend(w->mgr, m1, "nia", 50, 0);
  attend(w->mgr, m1, "sam", 60, 0);
  uint64_t
      c1 = claim(w->jo, m1, "dr.khan", "", PCN__STATUS_CODE__OK)
               ->funds_claim->id,
      c2 = claim(w->sam, m1, "nia", "", PCN__STATUS_CODE__OK)->funds_claim->id,
      c3 = claim(w->sam, m1, "sam", "", PCN__STATUS_CODE__OK)->funds_claim->id;
  receive(w->mgr, "core", 100000, "2027-05-01");
  uint64_t head = its_head(w->mgr);

  /* Refused whole: one missing, one named twice, id and ids together, a
   * practice manager deciding. Nothing changed. */
  uint64_t bad[] = {c1, c2, 99};
  const Pcn__Response *r =
      decide_many(w->mgr, bad, 3, 1, "", PCN__STATUS_CODE__NOT_FOUND);
  assert_non_null(strstr(r->status->message, "None of the claims"));
  assert_int_equal(r->body_case, PCN__RESPONSE__BODY__NOT_SET);
  uint64_t twice[] = {c1, c1};
  field_is(
      decide_many(w->mgr, twice, 2, 1, "", PCN__STATUS_CODE__INVALID_ARGUMENT),
      "ids");
  uint64_t all[] = {c1, c2, c3};
  decide_many(w->jo, all, 3, 1, "", PCN__STATUS_CODE__PERMISSION_DENIED);
  Pcn__FundsClaimDecide both = PCN__FUNDS_CLAIM_DECIDE__INIT;
  both.id = c1;
  both.ids = all;
  both.n_ids = 3;
  both.approve = 1;
  both.stream = "core";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_CLAIM_DECIDE;
  req.funds_claim_decide = &both;
  field_is(its_expect(w->mgr, &req, PCN__STATUS_CODE__INVALID_ARGUMENT), "ids");
  assert_int_equal(its_head(w->mgr), head);
  assert_int_equal(claims(w->mgr, "", 1)->n_claims, 3);

  /* Approved together: three claims, three ledger entries, one answer. */
  r = decide_many(w->mgr, all, 3, 1, "", PCN__STATUS_CODE__OK);
  assert_int_equal(r->body_case, PCN__RESPONSE__BODY_FUNDS_CLAIMS_DECIDED);
  const Pcn__FundsClaimPage *p = r->funds_claims_decided;
  assert_int_equal(p->n_claims, 3);
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(p->claims[i]->id, all[i]);
    assert_int_equal(p->claims[i]->state,
                     PCN__FUNDS_CLAIM_STATE__CLAIM_APPROVED);
    assert_true(p->claims[i]->entry > 0);
  }
  /* 16500 + 3781 + 4500 */
  assert_int_equal(balance_of(w->mgr, "bank:core"), 100000 - 24781);
  assert_int_equal(claims(w->mgr, "", 1)->n_claims, 0);
  its_events *e = its_seen(w->s, w->cd, w->mgr, head);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_FUNDS_CLAIM), 3);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_FUNDS_ENTRY), 3);
  its_events_free(e);

  /* Decided once: again is refused, for all of them. */
  head = its_head(w->mgr);
  r = decide_many(w->mgr, all, 3, 0, "twice",
                  PCN__STATUS_CODE__FAILED_PRECONDITION);
  assert_non_null(strstr(r->status->message, "decided once"));
  assert_int_equal(its_head(w->mgr), head);
  assert_int_equal(its_verify(w->s), 0);
  free_world(w);
}

static void test_year_end(void **state) {
  (void)state;
  world *w = make_world();
  figures(w->mgr, "F84001", "2027-04-01", 12000, 13000);
  figures(w->mgr, "F84002", "2027-04-01", 8000, 7000);
  figures(w->mgr, "F84003", "2027-04-01", 5000, 5000);
  figures(w->mgr, "F84003", "2027-06-01", 9999, 9999); /* not on 1 April */
  /* Before the year: held, not paid in it. */
  receive(w->mgr, "core", 50000, "2027-03-10");
  int64_t before[] = {10000, 10000, 10000};
  distribute(w->mgr, "2027-03-20", 3, before);
  /* In the year: 10,000.00 in; 1,000.00 out to each; a claim of £165. */
  receive(w->mgr, "core", 1000000, "2027-04-02");
  int64_t equal[] = {100000, 100000, 100000};
  distribute(w->mgr, "2027-05-01", 3, equal);
  rate(w->mgr, "gp", 11000, PCN__STATUS_CODE__OK);
  uint64_t m1 = meeting(w->mgr, 0, 90);
  attend(w->mgr, m1, "dr.khan", 0, 0);
  uint64_t c1 =
      claim(w->jo, m1, "dr.khan", "gp", PCN__STATUS_CODE__OK)->funds_claim->id;
  decide(w->mgr, c1, 1, 1, "core", "2027-06-01", "", PCN__STATUS_CODE__OK);
  /* After it: not counted at all. */
  receive(w->mgr, "core", 77700, "2028-04-01");

  /* Paid 3,165.00; by list size 12000:8000:5000 = 1,519.20, 1,012.80,
   * 633.00 (exact), against 1,165.00, 1,000.00, 1,000.00 received. */
  const Pcn__FundsYearEndReport *y =
      year_end(w->khan, 2027, 0, PCN__STATUS_CODE__OK)->funds_year_end;
  assert_int_equal(y->year, 2027);
  assert_int_equal(y->basis, PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE);
  assert_string_equal(y->figures_date, "2027-04-01");
  assert_int_equal(y->n_rows, 3);
  assert_int_equal(y->received, 1000000);
  assert_int_equal(y->paid, 316500);
  assert_int_equal(y->spent, 0);
  assert_int_equal(y->held, 50000 - 30000 + 1000000 - 316500);
  const Pcn__FundsYearEndRow *a = yrow(y, "F84001");
  assert_string_equal(a->name, "Riverside Surgery");
  assert_int_equal(a->list_size, 12000);
  assert_int_equal(a->distributed, 100000);
  assert_int_equal(a->claimed, 16500);
  assert_int_equal(a->received, 116500);
  assert_int_equal(a->share, 151920);
  assert_int_equal(a->difference, -35420);
  assert_int_equal(yrow(y, "F84002")->share, 101280);
  assert_int_equal(yrow(y, "F84002")->difference, -1280);
  assert_int_equal(yrow(y, "F84003")->list_size, 5000);
  assert_int_equal(yrow(y, "F84003")->share, 63300);
  assert_int_equal(yrow(y, "F84003")->difference, 36700);
  /* Weighted 13000:7000:5000: 1,645.80, 886.20, 633.00. */
  y = year_end(w->sam, 2027, PCN__FUNDS_SPLIT__FUNDS_SPLIT_WEIGHTED,
               PCN__STATUS_CODE__OK)
          ->funds_year_end;
  assert_int_equal(yrow(y, "F84001")->share, 164580);
  assert_int_equal(yrow(y, "F84002")->share, 88620);
  assert_int_equal(yrow(y, "F84003")->share, 63300);
  /* The year before: only March 2027's distribution. */
  y = year_end(w->jo, 2026, 0, PCN__STATUS_CODE__OK)->funds_year_end;
  assert_int_equal(y->paid, 30000);
  assert_int_equal(yrow(y, "F84001")->share, 0); /* no figures then */
  assert_int_equal(yrow(y, "F84001")->difference, 10000);
  /* Year 0: the last year that has ended. */
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  uint32_t last = (uint32_t)(tm.tm_year + 1900 - (tm.tm_mon + 1 >= 4 ? 1 : 2));
  assert_int_equal(
      year_end(w->jo, 0, 0, PCN__STATUS_CODE__OK)->funds_year_end->year, last);
  field_is(year_end(w->jo, 2027, PCN__FUNDS_SPLIT__FUNDS_SPLIT_EQUAL,
                    PCN__STATUS_CODE__INVALID_ARGUMENT),
           "basis");
  field_is(year_end(w->jo, 1999, 0, PCN__STATUS_CODE__INVALID_ARGUMENT),
           "year");

  /* Randomised: in later years, random list sizes and payments; the
   * shares always add up to what was paid, to the penny, and each
   * practice's difference is what it got less its share. */
  const char *seed_env = getenv("PCN_CLAIMS_SEED");
  uint64_t seed = seed_env ? strtoull(seed_env, NULL, 10)
                           : (uint64_t)time(NULL) * 2654435761u + 7;
  printf("it_claims year end: PCN_CLAIMS_SEED=%" PRIu64 "\n", seed);
  uint64_t x = seed ? seed : 1;
#define RND() (x ^= x << 13, x ^= x >> 7, x ^= x << 17, x)
  for (uint32_t yr = 2030; yr < 2045; yr++) {
    char from[16], paid_on[16];
    snprintf(from, sizeof from, "%u-04-01", yr);
    snprintf(paid_on, sizeof paid_on, "%u-09-15", yr);
    uint32_t list[3];
    for (int i = 0; i < 3; i++) {
      list[i] = (uint32_t)(RND() % 30000) + (i == 0);
      figures(w->mgr,
              i == 0   ? "F84001"
              : i == 1 ? "F84002"
                       : "F84003",
              from, list[i], list[i]);
    }
    int64_t parts[3], total = 0;
    for (int i = 0; i < 3; i++)
      total += parts[i] = (int64_t)(RND() % 5000000);
    if (!total) parts[0] = total = 1;
    receive(w->mgr, "core", total, from);
    distribute(w->mgr, paid_on, 3, parts);
    y = year_end(w->cd, yr, 0, PCN__STATUS_CODE__OK)->funds_year_end;
    int64_t sum = 0, diff = 0;
    for (size_t i = 0; i < y->n_rows; i++) {
      sum += y->rows[i]->share;
      diff += y->rows[i]->difference;
      assert_int_equal(y->rows[i]->difference,
                       y->rows[i]->received - y->rows[i]->share);
      /* Within a penny of the exact share. */
      __int128 exact = (__int128)total * list[i];
      int64_t lo = (int64_t)(exact / (list[0] + list[1] + list[2]));
      if (y->rows[i]->share != lo && y->rows[i]->share != lo + 1)
        fail_msg("seed %" PRIu64 " year %u: share %" PRId64
                 " not near %" PRId64,
                 seed, yr, y->rows[i]->share, lo);
    }
    assert_int_equal(y->paid, total);
    assert_int_equal(sum, total);
    assert_int_equal(diff, 0);
  }
  its_stop(w->s);
  assert_int_equal(its_verify(w->s), 0);
  free_world(w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rates_amounts_and_rules),
      cmocka_unit_test(test_approve_and_reject),
      cmocka_unit_test(test_decide_several),
      cmocka_unit_test(test_year_end),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
