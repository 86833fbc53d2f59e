/* it_decisions.c - decisions between practices end to end over TLS, on a
 * --test-clock server: the three rules with abstentions and silence, the
 * objection that needs a reason, closing early once every practice has
 * voted and at the closing time as the clock moves, the outcome that never
 * changes (also across a restart), withdrawal by the proposer only, the
 * named voter, the reminder the working day before closing (bank holidays
 * counted, never twice) and the proposer's extra one, catching up after a
 * stop, bad input, permissions, CONFLICT, and who sees which events.
 *
 * Three practices decide: F84001 (Jo's: pma, staff sa and sa2), F84002
 * (pmb) and F84003 (pmc); the PCN manager and the clinical director (cd)
 * are the network's people.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "itest.h"
#include "store.h"
#include "uktime.h"
#include "validate.h"
#include "workdays.h"

#define HOUR_MS (3600LL * 1000)
#define DAY_MS (24 * HOUR_MS)

#define AGREE PCN__DECISION_CHOICE__DECISION_AGREE
#define DISAGREE PCN__DECISION_CHOICE__DECISION_DISAGREE
#define ABSTAIN PCN__DECISION_CHOICE__DECISION_ABSTAIN
#define UNANIMOUS PCN__DECISION_RULE__DECISION_UNANIMOUS
#define MAJORITY PCN__DECISION_RULE__DECISION_MAJORITY
#define CONSENT PCN__DECISION_RULE__DECISION_CONSENT
#define PASSED PCN__DECISION_OUTCOME__DECISION_PASSED
#define REJECTED PCN__DECISION_OUTCOME__DECISION_REJECTED
#define OPEN PCN__DECISION_STATE__DECISION_OPEN
#define CLOSED PCN__DECISION_STATE__DECISION_CLOSED
#define WITHDRAWN PCN__DECISION_STATE__DECISION_WITHDRAWN
#define OK PCN__STATUS_CODE__OK

typedef struct world {
  its_server *s;
  its_member *mgr, *cd, *pma, *sa, *sa2, *pmb, *pmc;
} world;

/* Where each member of the world is held, for the helpers that go
 * through them all. */
#define N_MEMBERS 7
static void slots(world *w, its_member **out[N_MEMBERS]) {
  its_member **m[N_MEMBERS] = {&w->mgr, &w->cd,  &w->pma, &w->sa,
                               &w->sa2, &w->pmb, &w->pmc};
  memcpy(out, m, sizeof m);
}

static int setup(void **state) {
  world *w = calloc(1, sizeof *w);
  w->s = its_start("--test-clock");
  w->mgr = its_manager(w->s);
  its_add_practices(w->mgr, 3);
  w->cd = its_add_member(w->s, w->mgr, "cd", PCN__ROLE__CLINICAL_DIRECTOR, "");
  w->pma = its_add_member(w->s, w->mgr, "pma", PCN__ROLE__PRACTICE_MANAGER,
                          "F84001");
  w->sa = its_add_member(w->s, w->pma, "sa", PCN__ROLE__STAFF, "F84001");
  w->sa2 = its_add_member(w->s, w->pma, "sa2", PCN__ROLE__STAFF, "F84001");
  w->pmb = its_add_member(w->s, w->mgr, "pmb", PCN__ROLE__PRACTICE_MANAGER,
                          "F84002");
  w->pmc = its_add_member(w->s, w->mgr, "pmc", PCN__ROLE__PRACTICE_MANAGER,
                          "F84003");
  *state = w;
  return 0;
}

static int teardown(void **state) {
  world *w = *state;
  its_member **all[N_MEMBERS];
  slots(w, all);
  for (size_t i = 0; i < N_MEMBERS; i++)
    its_member_free(*all[i]);
  assert_int_equal(its_verify(w->s), 0);
  its_free(w->s);
  free(w);
  return 0;
}

/* Everyone logs in again: after the clock has moved days, or a restart. */
static void relogin(world *w) {
  its_member **all[N_MEMBERS];
  slots(w, all);
  for (size_t i = 0; i < N_MEMBERS; i++)
    *all[i] = its_relogin(w->s, *all[i]);
}

/* ------------------------------------------------------------ requests */

static const Pcn__Response *propose_r(its_member *m, const char *title,
                                      int rule, int64_t closes_at, int code) {
  Pcn__DecisionPropose p = PCN__DECISION_PROPOSE__INIT;
  p.title = (char *)title;
  p.text = "Details in the shared drive.";
  p.rule = rule;
  p.closes_at = closes_at;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DECISION_PROPOSE;
  r.decision_propose = &p;
  return its_expect(m, &r, code);
}

static uint64_t propose(its_member *m, const char *title, int rule,
                        int64_t closes_at) {
  const Pcn__Response *r = propose_r(m, title, rule, closes_at, OK);
  assert_int_equal(r->decision->state, OPEN);
  assert_int_equal(r->decision->n_practices, 3);
  return r->decision->id;
}

static const Pcn__Response *vote_full(its_member *m, uint64_t id, int choice,
                                      const char *reason, const char *practice,
                                      uint32_t version, int code) {
  Pcn__DecisionVoteCast v = PCN__DECISION_VOTE_CAST__INIT;
  v.id = id;
  v.choice = choice;
  v.reason = (char *)(reason ? reason : "");
  v.practice = (char *)(practice ? practice : "");
  v.version = version;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DECISION_VOTE;
  r.decision_vote = &v;
  return its_expect(m, &r, code);
}

static const Pcn__Response *vote(its_member *m, uint64_t id, int choice,
                                 const char *reason, int code) {
  return vote_full(m, id, choice, reason, NULL, 0, code);
}

static const Pcn__Decision *get(its_member *m, uint64_t id) {
  Pcn__DecisionGet g = PCN__DECISION_GET__INIT;
  g.id = id;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DECISION_GET;
  r.decision_get = &g;
  return its_expect(m, &r, OK)->decision;
}

static const Pcn__Response *withdraw(its_member *m, uint64_t id,
                                     uint32_t version, int code) {
  Pcn__DecisionWithdraw x = PCN__DECISION_WITHDRAW__INIT;
  x.id = id;
  x.version = version;
  x.reason = "Superseded by the ICB's own plan.";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DECISION_WITHDRAW;
  r.decision_withdraw = &x;
  return its_expect(m, &r, code);
}

static const Pcn__Response *remind(its_member *m, uint64_t id, int code) {
  Pcn__DecisionRemind x = PCN__DECISION_REMIND__INIT;
  x.id = id;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DECISION_REMIND;
  r.decision_remind = &x;
  return its_expect(m, &r, code);
}

static const Pcn__Response *name_voter(its_member *m, const char *practice,
                                       const char *username, uint32_t version,
                                       int code) {
  Pcn__DecisionVoterSet x = PCN__DECISION_VOTER_SET__INIT;
  x.practice = (char *)practice;
  x.username = (char *)username;
  x.version = version;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DECISION_VOTER_SET;
  r.decision_voter_set = &x;
  return its_expect(m, &r, code);
}

static size_t list_count(its_member *m, int state) {
  Pcn__DecisionList l = PCN__DECISION_LIST__INIT;
  l.state = state;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DECISION_LIST;
  r.decision_list = &l;
  return its_expect(m, &r, OK)->decisions->n_decisions;
}

static int64_t server_now(its_member *m) {
  return its_advance(m, 0);
}

static const Pcn__DecisionVote *vote_of(const Pcn__Decision *d,
                                        const char *ods) {
  for (size_t i = 0; i < d->n_votes; i++)
    if (!strcmp(d->votes[i]->practice, ods)) return d->votes[i];
  return NULL;
}

/* Events of record_case whose decision id is id. */
static size_t count_for(const its_events *e, int record_case, uint64_t id) {
  size_t n = 0;
  for (size_t i = 0; i < e->n; i++) {
    const Pcn__Event *ev = e->ev[i];
    if (ev->record_case != (Pcn__Event__RecordCase)record_case) continue;
    uint64_t of = record_case == PCN__EVENT__RECORD_DECISION ? ev->decision->id
                  : record_case == PCN__EVENT__RECORD_DECISION_VOTE
                      ? ev->decision_vote->decision_id
                  : record_case == PCN__EVENT__RECORD_DECISION_REMINDER
                      ? ev->decision_reminder->decision_id
                      : id;
    n += of == id;
  }
  return n;
}

/* ------------------------------------------------------------ the rules */

/* Each rule with agreement, disagreement, abstention and silence, on three
 * practices. A decision every practice voted on closes at once; the rest
 * close when the clock passes their closing time. */
static void test_rules(void **state) {
  world *w = *state;
  static const struct {
    int rule;
    int a, b, c; /* 0: does not vote */
    int outcome;
    const char *says;
  } cases[] = {
      {UNANIMOUS, AGREE, AGREE, AGREE, PASSED, "Passed unanimously"},
      {UNANIMOUS, AGREE, AGREE, ABSTAIN, PASSED, "1 abstained"},
      {UNANIMOUS, AGREE, ABSTAIN, ABSTAIN, PASSED, "Passed unanimously"},
      {UNANIMOUS, ABSTAIN, ABSTAIN, ABSTAIN, REJECTED,
       "every practice "
       "abstained"},
      {UNANIMOUS, AGREE, AGREE, DISAGREE, REJECTED,
       "1 of 3 practices "
       "disagreed"},
      {UNANIMOUS, AGREE, AGREE, 0, REJECTED, "did not vote"},
      {MAJORITY, AGREE, AGREE, DISAGREE, PASSED, "2 of 3 practices agreed"},
      {MAJORITY, AGREE, ABSTAIN, ABSTAIN, REJECTED, "more than half"},
      {MAJORITY, AGREE, AGREE, 0, PASSED, "1 did not vote"},
      {MAJORITY, AGREE, DISAGREE, 0, REJECTED, "1 of 3 practices agreed"},
      {CONSENT, AGREE, ABSTAIN, 0, PASSED, "no practice objected"},
      {CONSENT, AGREE, DISAGREE, AGREE, REJECTED, "F84002: \"No room"},
      {CONSENT, 0, 0, 0, PASSED, "3 did not vote"},
      {CONSENT, ABSTAIN, ABSTAIN, ABSTAIN, PASSED, "3 abstained"},
  };
  enum { N = sizeof cases / sizeof cases[0] };
  uint64_t since = its_head(w->mgr);
  int64_t now = server_now(w->mgr);
  uint64_t ids[N];
  size_t votes = 0, silent = 0;
  its_member *pms[3] = {w->pma, w->pmb, w->pmc};
  for (int i = 0; i < N; i++) {
    char title[64];
    snprintf(title, sizeof title, "Rule case %d", i);
    ids[i] = propose(i % 2 ? w->cd : w->pmb, title, cases[i].rule,
                     now + 2 * HOUR_MS);
    int choice[3] = {cases[i].a, cases[i].b, cases[i].c};
    for (int p = 0; p < 3; p++)
      if (choice[p])
        vote(pms[p], ids[i], choice[p],
             choice[p] == DISAGREE ? "No room for the hub clinic." : NULL, OK);
    int all = choice[0] && choice[1] && choice[2];
    votes += !!choice[0] + !!choice[1] + !!choice[2];
    silent += !all;
    const Pcn__Decision *d = get(w->sa, ids[i]);
    assert_int_equal(d->state, all ? CLOSED : OPEN);
    if (all) assert_true(d->closed_early);
  }
  /* An hour on, nothing more has closed; past the closing time all have. */
  its_advance(w->mgr, HOUR_MS);
  assert_int_equal(get(w->mgr, ids[5])->state, OPEN);
  int64_t t = its_advance(w->mgr, HOUR_MS + 60000);
  for (int i = 0; i < N; i++) {
    const Pcn__Decision *d = get(w->pmc, ids[i]);
    if (d->state != CLOSED || (int)d->outcome != cases[i].outcome ||
        !strstr(d->outcome_note, cases[i].says))
      fail_msg("case %d: state %d outcome %d (want %d): %s", i, d->state,
               d->outcome, cases[i].outcome, d->outcome_note);
    int voted = !!cases[i].a + !!cases[i].b + !!cases[i].c;
    assert_int_equal(d->n_votes, voted); /* the full vote record */
    assert_int_equal(d->agree + d->disagree + d->abstain + d->not_voted, 3);
    assert_int_equal(d->not_voted, 3 - voted);
    if (voted < 3) {
      assert_false(d->closed_early);
      assert_true(d->closed_at >= d->closes_at && d->closed_at <= t);
    }
  }
  /* The objection's reason is on the record. */
  const Pcn__Decision *d = get(w->pma, ids[11]);
  assert_string_equal(vote_of(d, "F84002")->reason,
                      "No room for the hub clinic.");
  assert_int_equal(list_count(w->sa, CLOSED), N);
  assert_int_equal(list_count(w->sa, OPEN), 0);

  /* Every member saw every proposal, vote and closing; the closings at
   * the closing time are the server's doing. */
  its_events *e = its_seen(w->s, w->sa2, w->mgr, since);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_DECISION), 2 * N);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_DECISION_VOTE),
                   votes);
  size_t by_server = 0;
  for (size_t i = 0; i < e->n; i++)
    if (e->ev[i]->record_case == PCN__EVENT__RECORD_DECISION &&
        e->ev[i]->decision->state == CLOSED && !e->ev[i]->actor[0])
      by_server++;
  assert_int_equal(by_server, silent); /* the ones with a practice silent */
  its_events_free(e);
  e = its_seen(w->s, w->cd, w->mgr, since);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_DECISION_VOTE),
                   votes);
  its_events_free(e);
}

/* ------------------------------------------------------------ votes */

/* Votes change until the close; a stale change is a CONFLICT that shows
 * the vote as it is; a practice added later does not vote; the last
 * practice's vote closes it. */
static void test_votes_change(void **state) {
  world *w = *state;
  int64_t now = server_now(w->mgr);
  uint64_t id = propose(w->mgr, "Shared phlebotomy", MAJORITY, now + DAY_MS);
  its_add_practice(w->mgr, "F84004", "Late Surgery", 5000);
  its_member *pmd = its_add_member(w->s, w->mgr, "pmd",
                                   PCN__ROLE__PRACTICE_MANAGER, "F84004");
  const Pcn__Response *r =
      vote(pmd, id, AGREE, NULL, PCN__STATUS_CODE__FAILED_PRECONDITION);
  assert_non_null(strstr(r->status->message, "after decision"));
  /* With four practices, two for and two against is no majority. */
  const Pcn__Response *p4 =
      propose_r(w->mgr, "Tie", MAJORITY, now + DAY_MS, OK);
  uint64_t tie = p4->decision->id;
  assert_int_equal(p4->decision->n_practices, 4);
  vote(w->pma, tie, AGREE, NULL, OK);
  vote(w->pmb, tie, AGREE, NULL, OK);
  vote(w->pmc, tie, DISAGREE, NULL, OK);
  r = vote(pmd, tie, DISAGREE, NULL, OK);
  assert_int_equal(r->decision->state, CLOSED);
  assert_int_equal(r->decision->outcome, REJECTED);
  assert_non_null(strstr(r->decision->outcome_note, "2 of 4"));
  its_member_free(pmd);

  r = vote(w->pma, id, AGREE, NULL, OK);
  assert_int_equal(vote_of(r->decision, "F84001")->version, 1);
  r = vote_full(w->pma, id, DISAGREE, "Cost", NULL, 1, OK);
  assert_int_equal(vote_of(r->decision, "F84001")->version, 2);
  assert_int_equal(vote_of(r->decision, "F84001")->choice, DISAGREE);
  /* A change from the stale version 1 is refused with the current vote. */
  r = vote_full(w->pma, id, ABSTAIN, NULL, NULL, 1, PCN__STATUS_CODE__CONFLICT);
  assert_int_equal(r->body_case, PCN__RESPONSE__BODY_DECISION_VOTE);
  assert_int_equal(r->decision_vote->version, 2);
  assert_string_equal(r->decision_vote->reason, "Cost");
  assert_int_equal(vote_of(get(w->pmb, id), "F84001")->choice, DISAGREE);

  vote(w->pmb, id, AGREE, NULL, OK);
  assert_int_equal(get(w->pmb, id)->state, OPEN);
  r = vote(w->pmc, id, AGREE, NULL, OK); /* the last of the three */
  assert_int_equal(r->decision->state, CLOSED);
  assert_true(r->decision->closed_early);
  assert_int_equal(r->decision->outcome, PASSED);
  assert_int_equal(r->decision->n_votes, 3);
}

/* Once closed, the outcome and votes never change: votes, withdrawal and
 * reminders are refused with a sentence, and a restart keeps it all. */
static void test_outcome_immutable(void **state) {
  world *w = *state;
  int64_t now = server_now(w->mgr);
  uint64_t id = propose(w->pma, "Federated rota", CONSENT, now + 2 * HOUR_MS);
  vote(w->pmb, id, DISAGREE, "Our nurses are full.", OK);
  its_advance(w->mgr, 2 * HOUR_MS);
  const Pcn__Decision *d = get(w->mgr, id);
  assert_int_equal(d->state, CLOSED);
  assert_int_equal(d->outcome, REJECTED);
  uint32_t version = d->version;
  char note[1300];
  snprintf(note, sizeof note, "%s", d->outcome_note);

  const Pcn__Response *r =
      vote(w->pmb, id, AGREE, NULL, PCN__STATUS_CODE__FAILED_PRECONDITION);
  assert_non_null(strstr(r->status->message, "never change"));
  vote(w->pmc, id, AGREE, NULL, PCN__STATUS_CODE__FAILED_PRECONDITION);
  withdraw(w->pma, id, 0, PCN__STATUS_CODE__FAILED_PRECONDITION);
  remind(w->pma, id, PCN__STATUS_CODE__FAILED_PRECONDITION);
  its_advance(w->mgr, DAY_MS); /* the tick leaves it alone */
  d = get(w->pmc, id);
  assert_int_equal(d->version, version);
  assert_int_equal(d->n_votes, 1);
  assert_int_equal(vote_of(d, "F84002")->choice, DISAGREE);

  /* The server's clock goes back to the real one after a restart; the
   * record does not care. */
  its_stop(w->s);
  its_run(w->s);
  relogin(w);
  d = get(w->pmc, id);
  assert_int_equal(d->state, CLOSED);
  assert_int_equal(d->outcome, REJECTED);
  assert_int_equal(d->version, version);
  assert_string_equal(d->outcome_note, note);
  assert_string_equal(vote_of(d, "F84002")->reason, "Our nurses are full.");
  vote(w->pmb, id, AGREE, NULL, PCN__STATUS_CODE__FAILED_PRECONDITION);
}

/* Withdrawn by the proposer only, before it closes. */
static void test_withdraw(void **state) {
  world *w = *state;
  int64_t now = server_now(w->mgr);
  uint64_t id = propose(w->pmb, "Joint training day", UNANIMOUS, now + DAY_MS);
  vote(w->pma, id, AGREE, NULL, OK);
  uint64_t since = its_head(w->mgr);
  const Pcn__Response *r =
      withdraw(w->mgr, id, 0, PCN__STATUS_CODE__PERMISSION_DENIED);
  assert_non_null(strstr(r->status->message, "Only the proposer"));
  withdraw(w->pma, id, 0, PCN__STATUS_CODE__PERMISSION_DENIED);
  /* A version it never had: CONFLICT with the record as it is. */
  r = withdraw(w->pmb, id, 7, PCN__STATUS_CODE__CONFLICT);
  assert_int_equal(r->body_case, PCN__RESPONSE__BODY_DECISION);
  assert_int_equal(r->decision->version, 1);
  r = withdraw(w->pmb, id, 1, OK);
  assert_int_equal(r->decision->state, WITHDRAWN);
  assert_int_equal(r->decision->version, 2);
  assert_string_equal(r->decision->withdrawn_reason,
                      "Superseded by the ICB's own plan.");
  r = vote(w->pmc, id, AGREE, NULL, PCN__STATUS_CODE__FAILED_PRECONDITION);
  assert_non_null(strstr(r->status->message, "withdrawn"));
  withdraw(w->pmb, id, 0, PCN__STATUS_CODE__FAILED_PRECONDITION);
  remind(w->pmb, id, PCN__STATUS_CODE__FAILED_PRECONDITION);
  /* Past its closing time the tick leaves it withdrawn. */
  its_advance(w->mgr, DAY_MS + 60000);
  relogin(w);
  assert_int_equal(get(w->pma, id)->state, WITHDRAWN);
  assert_int_equal(list_count(w->pma, WITHDRAWN), 1);
  its_events *e = its_seen(w->s, w->pmc, w->mgr, since);
  assert_int_equal(count_for(e, PCN__EVENT__RECORD_DECISION, id), 1);
  its_events_free(e);

  /* A closed decision cannot be withdrawn either. */
  now = server_now(w->mgr);
  id = propose(w->cd, "Close first", CONSENT, now + 2 * HOUR_MS);
  its_advance(w->mgr, 3 * HOUR_MS);
  r = withdraw(w->cd, id, 0, PCN__STATUS_CODE__FAILED_PRECONDITION);
  assert_non_null(strstr(r->status->message, "closed"));
}

/* ------------------------------------------------------------ who */

static void test_permissions_and_voters(void **state) {
  world *w = *state;
  int64_t now = server_now(w->mgr);
  /* Staff do not propose; the clinical director and practices do. */
  propose_r(w->sa, "Staff idea", CONSENT, now + DAY_MS,
            PCN__STATUS_CODE__PERMISSION_DENIED);
  uint64_t id = propose(w->pmc, "Estates review", MAJORITY, now + DAY_MS);
  uint64_t since = its_head(w->mgr);

  /* Only a practice votes: not the network's people, not Jo's staff until
   * named, and never for another practice. */
  const Pcn__Response *r =
      vote(w->mgr, id, AGREE, NULL, PCN__STATUS_CODE__PERMISSION_DENIED);
  assert_non_null(strstr(r->status->message, "Practices vote"));
  vote(w->cd, id, AGREE, NULL, PCN__STATUS_CODE__PERMISSION_DENIED);
  vote_full(w->mgr, id, AGREE, NULL, "F84001", 0,
            PCN__STATUS_CODE__PERMISSION_DENIED);
  r = vote(w->sa, id, AGREE, NULL, PCN__STATUS_CODE__PERMISSION_DENIED);
  assert_non_null(strstr(r->status->message, "named voter"));
  vote_full(w->pma, id, AGREE, NULL, "F84002", 0,
            PCN__STATUS_CODE__PERMISSION_DENIED);

  /* Naming a voter: Jo for F84001, the PCN manager for any practice; not
   * another practice's manager, and only a member of the practice. */
  name_voter(w->pmb, "F84001", "sa", 0, PCN__STATUS_CODE__PERMISSION_DENIED);
  name_voter(w->sa, "", "sa", 0, PCN__STATUS_CODE__PERMISSION_DENIED);
  r = name_voter(w->pma, "", "pmb", 0, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "username");
  r = name_voter(w->pma, "", "nobody", 0, PCN__STATUS_CODE__NOT_FOUND);
  its_field_is(r, "username");
  r = name_voter(w->mgr, "", "sa", 0, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "practice");
  r = name_voter(w->pma, "", "sa", 0, OK);
  assert_string_equal(r->decision_voter->practice, "F84001");
  assert_int_equal(r->decision_voter->version, 1);
  name_voter(w->pma, "", "sa", 0, PCN__STATUS_CODE__FAILED_PRECONDITION);

  /* The named voter votes for the practice; the other staff may not. */
  r = vote(w->sa, id, AGREE, "Fine by us.", OK);
  assert_string_equal(vote_of(r->decision, "F84001")->voter, "sa");
  vote(w->sa2, id, DISAGREE, "x", PCN__STATUS_CODE__PERMISSION_DENIED);
  vote_full(w->sa, id, AGREE, NULL, "F84002", 0,
            PCN__STATUS_CODE__PERMISSION_DENIED);
  /* The practice manager still may, and changes the practice's vote. */
  r = vote(w->pma, id, ABSTAIN, NULL, OK);
  assert_int_equal(vote_of(r->decision, "F84001")->version, 2);

  /* Two people change the voter from the same read: the second gets a
   * CONFLICT carrying the nomination as it now is. */
  name_voter(w->mgr, "F84001", "sa2", 1, OK);
  r = name_voter(w->pma, "", "", 1, PCN__STATUS_CODE__CONFLICT);
  assert_string_equal(r->decision_voter->username, "sa2");
  assert_int_equal(r->decision_voter->version, 2);
  /* sa no longer votes; sa2 does. */
  vote(w->sa, id, AGREE, NULL, PCN__STATUS_CODE__PERMISSION_DENIED);
  vote(w->sa2, id, AGREE, NULL, OK);
  name_voter(w->mgr, "F84003", "pmc", 0, OK);

  Pcn__DecisionVoterList vl = PCN__DECISION_VOTER_LIST__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DECISION_VOTER_LIST;
  req.decision_voter_list = &vl;
  r = its_expect(w->pmb, &req, OK);
  assert_int_equal(r->decision_voters->n_voters, 2);
  assert_string_equal(r->decision_voters->voters[0]->username, "sa2");
  /* Taking a nomination back. */
  r = name_voter(w->pma, "F84001", "", 2, OK);
  assert_string_equal(r->decision_voter->username, "");
  assert_int_equal(its_expect(w->pmb, &req, OK)->decision_voters->n_voters, 1);
  vote(w->sa2, id, AGREE, NULL, PCN__STATUS_CODE__PERMISSION_DENIED);

  /* Transparency: another practice sees the votes and the voters. */
  its_events *e = its_seen(w->s, w->pmb, w->mgr, since);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_DECISION_VOTE), 3);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_DECISION_VOTER), 4);
  its_events_free(e);
}

/* ------------------------------------------------------------ bad input */

static void test_bad_input(void **state) {
  world *w = *state;
  int64_t now = server_now(w->mgr);
  static const struct {
    const char *title;
    int rule;
    int64_t ahead;
    const char *field;
  } bad[] = {
      {"", CONSENT, DAY_MS, "title"},
      {"Rota", 0, DAY_MS, "rule"},
      {"Rota", 9, DAY_MS, "rule"},
      {"Rota", CONSENT, -DAY_MS, "closes_at"},
      {"Rota", CONSENT, 30 * 60000, "closes_at"},
      {"Rota", CONSENT, 400 * DAY_MS, "closes_at"},
      {"Two\nlines", CONSENT, DAY_MS, "title"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    const Pcn__Response *r =
        propose_r(w->mgr, bad[i].title, bad[i].rule, now + bad[i].ahead,
                  PCN__STATUS_CODE__INVALID_ARGUMENT);
    its_field_is(r, bad[i].field);
    assert_true(strlen(r->status->message) > 20);
  }
  char longt[300];
  memset(longt, 'x', sizeof longt - 1);
  longt[sizeof longt - 1] = 0;
  propose_r(w->mgr, longt, CONSENT, now + DAY_MS,
            PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_int_equal(list_count(w->mgr, 0), 0); /* nothing was made */

  uint64_t id = propose(w->mgr, "Consent item", CONSENT, now + DAY_MS);
  /* An objection under consent needs its reason. */
  const Pcn__Response *r =
      vote(w->pma, id, DISAGREE, "", PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "reason");
  assert_non_null(strstr(r->status->message, "objection"));
  r = vote(w->pma, id, 0, NULL, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "choice");
  r = vote(w->pma, id, 7, NULL, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "choice");
  char *huge = malloc(5000);
  memset(huge, 'y', 4999);
  huge[4999] = 0;
  r = vote(w->pma, id, AGREE, huge, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "reason");
  free(huge);
  r = vote_full(w->pma, id, AGREE, NULL, "not-ods", 0,
                PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "practice");
  vote(w->pma, 999, AGREE, NULL, PCN__STATUS_CODE__NOT_FOUND);
  assert_int_equal(get(w->mgr, id)->n_votes, 0); /* nothing was cast */
  /* Without a reason a disagree is fine under the other rules. */
  uint64_t m = propose(w->mgr, "Majority item", MAJORITY, now + DAY_MS);
  vote(w->pma, m, DISAGREE, NULL, OK);

  Pcn__DecisionGet g = PCN__DECISION_GET__INIT;
  g.id = 424242;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_DECISION_GET;
  req.decision_get = &g;
  its_expect(w->sa, &req, PCN__STATUS_CODE__NOT_FOUND);
  withdraw(w->mgr, 424242, 0, PCN__STATUS_CODE__NOT_FOUND);
  Pcn__DecisionList l = PCN__DECISION_LIST__INIT;
  l.state = 12;
  req.body_case = PCN__REQUEST__BODY_DECISION_LIST;
  req.decision_list = &l;
  r = its_expect(w->sa, &req, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "state");
  /* Paging the old way (clients from before issue 20 name before_id):
   * one at a time, newest first, each once. test_list_order pages the
   * order of today. */
  l.state = 0;
  l.limit = 1;
  l.before_id = m + 1;
  r = its_expect(w->sa, &req, OK);
  assert_int_equal(r->decisions->n_decisions, 1);
  assert_int_equal(r->decisions->decisions[0]->id, m);
  l.before_id = r->decisions->next_before_id;
  r = its_expect(w->sa, &req, OK);
  assert_int_equal(r->decisions->n_decisions, 1);
  assert_int_equal(r->decisions->decisions[0]->id, id);
  assert_int_equal(r->decisions->next_before_id, 0); /* no more */
}

/* ------------------------------------------------------------ reminders */

/* The reminder goes out at the start of the working day before the
 * closing day (a bank holiday the network added is skipped), to the
 * practices that have not voted, once; the proposer may send one more a
 * day. */
static void test_reminders(void **state) {
  world *w = *state;
  int64_t now = server_now(w->mgr);
  int32_t today = pcn_london_day_of_ms(now); /* days are UK days */
  int32_t r1 = pcn_add_working_days(today, 1, NULL);
  int32_t r2 = pcn_add_working_days(today, 2, NULL);
  int32_t close_day = pcn_add_working_days(r2, 1, NULL);
  /* r2 becomes a bank holiday: the working day before closing is r1. */
  char date[11];
  pcn_date_format(r2, date);
  Pcn__HolidayAdd ha = PCN__HOLIDAY_ADD__INIT;
  ha.date = date;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_HOLIDAY_ADD;
  req.holiday_add = &ha;
  its_expect(w->mgr, &req, OK);
  int64_t closes_at = close_day * DAY_MS + 12 * HOUR_MS;
  uint64_t id = propose(w->pma, "Winter access hub", CONSENT, closes_at);
  vote(w->pma, id, AGREE, NULL, OK);
  uint64_t since = its_head(w->mgr);

  /* A minute before that day starts: no reminder yet. */
  its_advance(w->mgr, pcn_london_midnight(r1) - 60000 - server_now(w->mgr));
  relogin(w);
  assert_int_equal(get(w->pmb, id)->reminders, 0);
  its_advance(w->mgr, 120000);
  const Pcn__Decision *d = get(w->pmb, id);
  assert_int_equal(d->reminders, 1);
  assert_true(d->last_day_reminded_at >= pcn_london_midnight(r1));
  /* Never twice, however the clock moves. */
  its_advance(w->mgr, 3 * HOUR_MS);
  its_advance(w->mgr, 60000);
  assert_int_equal(get(w->pmb, id)->reminders, 1);

  /* It reached the practices that owe a vote and the network's people,
   * not the practice that voted. */
  its_events *e = its_seen(w->s, w->pmb, w->mgr, since);
  assert_int_equal(count_for(e, PCN__EVENT__RECORD_DECISION_REMINDER, id), 1);
  for (size_t i = 0; i < e->n; i++)
    if (e->ev[i]->record_case == PCN__EVENT__RECORD_DECISION_REMINDER) {
      const Pcn__DecisionReminder *m = e->ev[i]->decision_reminder;
      assert_int_equal(m->n_practices, 2);
      assert_string_equal(m->practices[0], "F84002");
      assert_string_equal(m->practices[1], "F84003");
      assert_false(m->by_proposer);
      assert_string_equal(e->ev[i]->actor, "");
    }
  its_events_free(e);
  e = its_seen(w->s, w->pma, w->mgr, since);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_DECISION_REMINDER),
                   0);
  its_events_free(e);
  e = its_seen(w->s, w->cd, w->mgr, since);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_DECISION_REMINDER),
                   1);
  its_events_free(e);

  /* One more from the proposer or a PCN manager (issue 20): not from
   * anyone else, and once a day between them. */
  const Pcn__Response *r0 =
      remind(w->pmb, id, PCN__STATUS_CODE__PERMISSION_DENIED);
  assert_non_null(strstr(r0->status->message, "or a PCN manager"));
  remind(w->cd, id, PCN__STATUS_CODE__PERMISSION_DENIED);
  vote(w->pmb, id, ABSTAIN, NULL, OK);
  const Pcn__Response *r = remind(w->pma, id, OK);
  assert_true(r->decision_reminder->by_proposer);
  assert_int_equal(r->decision_reminder->n_practices, 1);
  assert_string_equal(r->decision_reminder->practices[0], "F84003");
  r = remind(w->pma, id, PCN__STATUS_CODE__RESOURCE_EXHAUSTED);
  assert_non_null(strstr(r->status->message, "a day"));
  assert_true(r->status->details->retry_after_ms > 0);
  its_advance(w->mgr, DAY_MS + 60000);
  relogin(w);
  r = remind(w->mgr, id, OK); /* the PCN manager did not propose it */
  assert_true(r->decision_reminder->by_proposer);
  assert_true(r->decision_reminder->by_pcn_manager);
  assert_string_equal(r->decision_reminder->sent_by, "manager");
  remind(w->pma, id, PCN__STATUS_CODE__RESOURCE_EXHAUSTED);
  e = its_seen(w->s, w->pmb, w->mgr, since);
  assert_int_equal(count_for(e, PCN__EVENT__RECORD_DECISION_REMINDER, id), 1);
  its_events_free(e);
  e = its_seen(w->s, w->pmc, w->mgr, since);
  assert_int_equal(count_for(e, PCN__EVENT__RECORD_DECISION_REMINDER, id), 3);
  its_events_free(e);
  assert_int_equal(get(w->mgr, id)->reminders, 3);

  /* Restarted (the clock back to the real one), nothing repeats. */
  its_stop(w->s);
  its_run(w->s);
  relogin(w);
  d = get(w->pmc, id);
  assert_int_equal(d->state, OPEN);
  assert_int_equal(d->reminders, 3);
  /* Closing at its time: a decision proposed on the day before gets no
   * separate reminder; it is one. */
  now = server_now(w->mgr);
  int32_t t = pcn_london_day_of_ms(now);
  if (pcn_is_working_day(t, NULL) && pcn_is_working_day(t + 1, NULL)) {
    uint64_t late =
        propose(w->pmb, "Short notice", CONSENT, (t + 1) * DAY_MS + HOUR_MS);
    assert_true(get(w->mgr, late)->no_last_day_reminder);
  }
}

/* ------------------------------------------------------------ the list */

/* The ids of one page of decisions, and where the next starts. */
static size_t list_page(its_member *m, int state, uint32_t limit,
                        const char *after, uint64_t *ids, char *next) {
  Pcn__DecisionList l = PCN__DECISION_LIST__INIT;
  l.state = state;
  l.limit = limit;
  l.after = (char *)after;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DECISION_LIST;
  r.decision_list = &l;
  const Pcn__DecisionPage *p = its_expect(m, &r, OK)->decisions;
  for (size_t i = 0; i < p->n_decisions; i++)
    ids[i] = p->decisions[i]->id;
  snprintf(next, 48, "%s", p->next_after);
  return p->n_decisions;
}

/* Issue 20: open decisions by closing time, soonest first; then closed
 * and withdrawn ones, the most recently closed first; paged one at a time
 * through both parts, each decision once. */
static void test_list_order(void **state) {
  world *w = *state;
  int64_t now = server_now(w->mgr);
  uint64_t a = propose(w->mgr, "A", CONSENT, now + 5 * DAY_MS);
  uint64_t b = propose(w->pmb, "B", CONSENT, now + 2 * DAY_MS);
  uint64_t c = propose(w->mgr, "C", CONSENT, now + 9 * DAY_MS);
  uint64_t d = propose(w->mgr, "D", CONSENT, now + 3 * DAY_MS);
  uint64_t e = propose(w->mgr, "E", CONSENT, now + 4 * DAY_MS);
  withdraw(w->mgr, d, 0, OK);
  its_advance(w->mgr, 60000);
  vote(w->pma, e, AGREE, NULL, OK);
  vote(w->pmb, e, AGREE, NULL, OK);
  vote(w->pmc, e, AGREE, NULL, OK); /* closes early, after d's withdrawal */
  assert_int_equal(get(w->mgr, e)->state, CLOSED);

  uint64_t want[] = {b, a, c, e, d}, ids[8];
  char after[48] = "", next[48];
  assert_int_equal(list_page(w->sa, 0, 50, "", ids, next), 5);
  assert_memory_equal(ids, want, sizeof want);
  assert_string_equal(next, "");
  for (size_t i = 0; i < 5; i++) {
    assert_int_equal(list_page(w->sa, 0, 1, after, ids, next), 1);
    assert_int_equal(ids[0], want[i]);
    assert_int_equal(next[0] == 0, i == 4); /* "" only after the last */
    snprintf(after, sizeof after, "%s", next);
  }
  /* By state, in the same order. */
  assert_int_equal(list_page(w->sa, OPEN, 2, "", ids, next), 2);
  assert_int_equal(ids[0], b);
  assert_int_equal(ids[1], a);
  assert_int_equal(list_page(w->sa, OPEN, 2, next, ids, next), 1);
  assert_int_equal(ids[0], c);
  assert_int_equal(list_page(w->sa, WITHDRAWN, 50, "", ids, next), 1);
  assert_int_equal(ids[0], d);
  /* A position that is not one the server gave: refused, naming it. */
  Pcn__DecisionList l = PCN__DECISION_LIST__INIT;
  l.after = "42";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DECISION_LIST;
  r.decision_list = &l;
  its_field_is(its_expect(w->sa, &r, PCN__STATUS_CODE__INVALID_ARGUMENT),
               "after");
}

/* ------------------------------------------------------------ catch-up */

/* What the clock did while pcnd was stopped is simulated in the store
 * (the test clock's offset is not kept across a restart): one decision's
 * closing time and another's reminder day pass while it is down. The
 * keys are those at the top of server/decisions.c. */
static void rewrite(const char *dir, uint64_t id, int64_t closes_at,
                    int64_t created_at) {
  store st;
  char err[300];
  assert_int_equal(store_open(&st, dir, 256u << 20, 0, err, sizeof err), 0);
  MDB_txn *txn;
  assert_int_equal(mdb_txn_begin(st.env, NULL, 0, &txn), 0);
  pcn_arena a;
  pcn_arena_init(&a, 0);
  Pcn__Decision *d;
  uint8_t key[8];
  key_u64(key, id);
  assert_int_equal(store_get_pb(txn, st.decisions, key, 8,
                                &pcn__decision__descriptor, &a, (void **)&d),
                   0);
  for (int i = 0; i < 2; i++) {
    uint8_t k[17];
    k[0] = i ? 'r' : 'o';
    key_u64(k + 1, (uint64_t)d->closes_at);
    key_u64(k + 9, id);
    MDB_val kv = {17, k}, v = {0, NULL};
    int rc = mdb_del(txn, st.decisions, &kv, NULL);
    assert_true(rc == 0 || (i && rc == MDB_NOTFOUND));
    key_u64(k + 1, (uint64_t)closes_at);
    assert_int_equal(mdb_put(txn, st.decisions, &kv, &v, 0), 0);
  }
  d->closes_at = closes_at;
  d->created_at = created_at;
  d->no_last_day_reminder = 0;
  assert_int_equal(
      store_put_pb(txn, st.decisions, key, 8, (ProtobufCMessage *)d), 0);
  assert_int_equal(mdb_txn_commit(txn), 0);
  pcn_arena_free(&a);
  store_close(&st);
}

static int both_caught_up(void *ud) {
  world *w = ud;
  return get(w->pmc, 1)->state == CLOSED && get(w->pmc, 2)->reminders == 1;
}

static void test_catch_up_after_stop(void **state) {
  world *w = *state;
  int64_t now = server_now(w->mgr);
  uint64_t x = propose(w->mgr, "Closes while down", MAJORITY, now + DAY_MS);
  uint64_t y =
      propose(w->mgr, "Reminded while down", MAJORITY, now + 20 * DAY_MS);
  assert_int_equal(x, 1);
  assert_int_equal(y, 2);
  vote(w->pma, x, AGREE, NULL, OK);
  vote(w->pmb, x, AGREE, NULL, OK);
  uint64_t since = its_head(w->mgr);
  its_stop(w->s);
  int64_t real = (int64_t)time(NULL) * 1000;
  int32_t today = (int32_t)(real / DAY_MS);
  int32_t next = pcn_add_working_days(today, 1, NULL);
  rewrite(w->s->dir, x, real - 60000, real - 3 * DAY_MS);
  rewrite(w->s->dir, y, next * DAY_MS + 12 * HOUR_MS, real - 7 * DAY_MS);
  its_run(w->s);
  relogin(w);
  /* The start-up tick runs beside the first logins: wait for it. */
  int ok = 0;
  for (int i = 0; i < 100 && !(ok = both_caught_up(w)); i++)
    its_sleep_ms(50);
  assert_true(ok);
  const Pcn__Decision *d = get(w->pmc, x);
  assert_int_equal(d->outcome, PASSED);
  assert_false(d->closed_early);
  assert_true(d->closed_at >= d->closes_at);
  assert_int_equal(d->not_voted, 1);
  its_events *e = its_seen(w->s, w->pmc, w->mgr, since);
  assert_int_equal(count_for(e, PCN__EVENT__RECORD_DECISION, x), 1);
  assert_int_equal(count_for(e, PCN__EVENT__RECORD_DECISION_REMINDER, y), 1);
  its_events_free(e);
  e = its_seen(w->s, w->pma, w->mgr, since);
  assert_int_equal(count_for(e, PCN__EVENT__RECORD_DECISION_REMINDER, y), 1);
  its_events_free(e);
  vote(w->pmc, x, AGREE, NULL, PCN__STATUS_CODE__FAILED_PRECONDITION);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_rules, setup, teardown),
      cmocka_unit_test_setup_teardown(test_votes_change, setup, teardown),
      cmocka_unit_test_setup_teardown(test_outcome_immutable, setup, teardown),
      cmocka_unit_test_setup_teardown(test_withdraw, setup, teardown),
      cmocka_unit_test_setup_teardown(test_permissions_and_voters, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
      cmocka_unit_test_setup_teardown(test_reminders, setup, teardown),
      cmocka_unit_test_setup_teardown(test_list_order, setup, teardown),
      cmocka_unit_test_setup_teardown(test_catch_up_after_stop, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
