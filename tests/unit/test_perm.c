/* test_perm.c - the permission table (server/dispatch.h), walked whole.
 *
 * The policy is written out again here, independently, as who may do what
 * to a network-wide target, to their own practice's target and to another
 * practice's target. Every entry of the server's table is checked against
 * it for every role, so a change to the table that is not also a change of
 * policy fails here. (tests/integration/it_perm.c then proves the server
 * enforces the table over the wire.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dispatch.h"

#define PCNM R_PCNM
#define CD R_CD
#define PM R_PM
#define ST R_STAFF
#define CL R_CLIN
#define ALL R_ALL

typedef struct policy {
  int body_case;
  int is_public;
  unsigned net, own, other;
  int owner_may; /* creator or assignee may, where they can see it */
} policy;

static const policy want[] = {
    {PCN__REQUEST__BODY_LOGIN, 1, 0, 0, 0, 0},
    {PCN__REQUEST__BODY_RESUME, 1, 0, 0, 0, 0},
    {PCN__REQUEST__BODY_JOIN, 1, 0, 0, 0, 0},
    {PCN__REQUEST__BODY_PING, 1, 0, 0, 0, 0},
    /* Public, but refused unless pcnd runs with --test-clock. */
    {PCN__REQUEST__BODY_CLOCK_ADVANCE, 1, 0, 0, 0, 0},
    {PCN__REQUEST__BODY_LOGOUT, 0, ALL, ALL, ALL, 0},
    {PCN__REQUEST__BODY_CHANGE_PASSWORD, 0, ALL, ALL, ALL, 0},
    {PCN__REQUEST__BODY_WHOAMI, 0, ALL, ALL, ALL, 0},
    {PCN__REQUEST__BODY_PRACTICE_ADD, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_PRACTICE_LIST, 0, ALL, ALL, ALL, 0},
    {PCN__REQUEST__BODY_PRACTICE_GET, 0, ALL, ALL, ALL, 0},
    {PCN__REQUEST__BODY_PRACTICE_UPDATE, 0, PCNM, PCNM | PM, PCNM, 0},
    {PCN__REQUEST__BODY_MEMBER_INVITE, 0, PCNM, PCNM | PM, PCNM, 0},
    {PCN__REQUEST__BODY_MEMBER_LIST, 0, ALL, ALL, ALL, 0},
    {PCN__REQUEST__BODY_MEMBER_GET, 0, ALL, ALL, ALL, 0},
    {PCN__REQUEST__BODY_MEMBER_DISABLE, 0, PCNM, PCNM | PM, PCNM, 0},
    /* Issue 19: only the PCN manager lets a disabled member back in. */
    {PCN__REQUEST__BODY_MEMBER_ENABLE, 0, PCNM, PCNM, PCNM, 0},
    {PCN__REQUEST__BODY_MEMBER_SET_ROLE, 0, PCNM, PCNM | PM, PCNM, 0},
    /* ... and each member their own address. */
    {PCN__REQUEST__BODY_MEMBER_SET_EMAIL, 0, PCNM, PCNM | PM, PCNM, 1},
    {PCN__REQUEST__BODY_TASK_CREATE, 0, PCNM | CD, PM | ST | CL, 0, 0},
    {PCN__REQUEST__BODY_TASK_LIST, 0, ALL, ALL, 0, 0},
    {PCN__REQUEST__BODY_TASK_GET, 0, ALL, ALL, 0, 0},
    {PCN__REQUEST__BODY_TASK_UPDATE, 0, PCNM | CD, PM, 0, 1},
    {PCN__REQUEST__BODY_TASK_ASSIGN, 0, PCNM | CD, PM, 0, 1},
    {PCN__REQUEST__BODY_TASK_COMMENT, 0, ALL, ALL, 0, 0},
    {PCN__REQUEST__BODY_TASK_CLOSE, 0, PCNM | CD, PM, 0, 1},
    {PCN__REQUEST__BODY_TASK_REOPEN, 0, PCNM | CD, PM, 0, 1},
    {PCN__REQUEST__BODY_SUBSCRIBE, 0, ALL, ALL, 0, 0},
    {PCN__REQUEST__BODY_UNSUBSCRIBE, 0, ALL, ALL, 0, 0},
    /* The network's settings: everyone reads, the PCN manager changes. */
    {PCN__REQUEST__BODY_SETTINGS_GET, 0, ALL, ALL, 0, 0},
    {PCN__REQUEST__BODY_SETTINGS_UPDATE, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_HOLIDAY_ADD, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_HOLIDAY_REMOVE, 0, PCNM, 0, 0, 0},

    /* Asks (asks.c). */
    /* The network's people ask; they see every ask, a practice's members
     * see those to their practice; only a practice's own practice manager
     * answers for it; everyone sees the load and the series (filtered to
     * what they may see). */
    {PCN__REQUEST__BODY_ASK_CREATE, 0, PCNM | CD, 0, 0, 0},
    {PCN__REQUEST__BODY_ASK_LIST, 0, ALL, ALL, PCNM | CD, 0},
    {PCN__REQUEST__BODY_ASK_GET, 0, ALL, ALL, PCNM | CD, 0},
    {PCN__REQUEST__BODY_ASK_REPLY, 0, 0, PM, 0, 0},
    {PCN__REQUEST__BODY_ASK_CLOSE, 0, PCNM | CD, 0, 0, 0},
    {PCN__REQUEST__BODY_ASK_LOAD, 0, ALL, ALL, 0, 0},
    {PCN__REQUEST__BODY_ASK_SERIES_CREATE, 0, PCNM | CD, 0, 0, 0},
    {PCN__REQUEST__BODY_ASK_SERIES_LIST, 0, ALL, ALL, 0, 0},
    {PCN__REQUEST__BODY_ASK_SERIES_STOP, 0, PCNM | CD, 0, 0, 0},

    /* Announcements (news.c). */
    /* The network's people post to anyone, a practice manager to their
     * own practice; everyone reads and confirms what reaches them;
     * receipts are for the network's people, a practice manager (their
     * practice) and whoever posted it. */
    {PCN__REQUEST__BODY_NEWS_POST, 0, PCNM | CD, PM, PCNM | CD, 0},
    {PCN__REQUEST__BODY_NEWS_LIST, 0, ALL, ALL, 0, 0},
    {PCN__REQUEST__BODY_NEWS_READ, 0, ALL, ALL, PCNM | CD, 0},
    {PCN__REQUEST__BODY_NEWS_CONFIRM, 0, ALL, ALL, PCNM | CD, 0},
    {PCN__REQUEST__BODY_NEWS_RECEIPTS, 0, PCNM | CD, PM, PCNM | CD, 1},

    /* Responsibilities (duties.c): everyone reads the register; the PCN
     * manager keeps it; a practice manager agrees it for their practice
     * only. */
    {PCN__REQUEST__BODY_DUTY_LIST, 0, ALL, ALL, 0, 0},
    {PCN__REQUEST__BODY_DUTY_ADD, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_DUTY_UPDATE, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_DUTY_REMOVE, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_DUTY_AGREE, 0, 0, PM, 0, 0},
    {PCN__REQUEST__BODY_DUTY_DISAGREE, 0, 0, PM, 0, 0},

    /* Decisions (decisions.c): network roles and practice managers
     * propose; everyone sees decisions, votes and voters; a practice's
     * practice manager (or its named voter: the owner) votes for it; only
     * the proposer withdraws; the proposer or a PCN manager reminds (issue
     * 20); a practice manager names their practice's voter, the PCN
     * manager any practice's. */
    {PCN__REQUEST__BODY_DECISION_PROPOSE, 0, PCNM | CD | PM, 0, 0, 0},
    {PCN__REQUEST__BODY_DECISION_LIST, 0, ALL, ALL, 0, 0},
    {PCN__REQUEST__BODY_DECISION_GET, 0, ALL, ALL, 0, 0},
    {PCN__REQUEST__BODY_DECISION_VOTE, 0, 0, PM, 0, 1},
    {PCN__REQUEST__BODY_DECISION_WITHDRAW, 0, 0, 0, 0, 1},
    {PCN__REQUEST__BODY_DECISION_REMIND, 0, PCNM, 0, 0, 1},
    {PCN__REQUEST__BODY_DECISION_VOTER_SET, 0, 0, PM, PCNM, 0},
    {PCN__REQUEST__BODY_DECISION_VOTER_LIST, 0, ALL, ALL, 0, 0},

    /* Meetings (meetings.c): the PCN manager, the clinical director and
     * practice managers call them; everyone sees them; the organiser (the
     * owner) or the PCN manager changes them, records attendance and
     * minutes and adds actions; an invitee (the owner, for the agenda)
     * adds agenda items. */
    {PCN__REQUEST__BODY_MEETING_CREATE, 0, PCNM | CD | PM, 0, 0, 0},
    {PCN__REQUEST__BODY_MEETING_LIST, 0, ALL, ALL, 0, 0},
    {PCN__REQUEST__BODY_MEETING_GET, 0, ALL, ALL, 0, 0},
    {PCN__REQUEST__BODY_MEETING_UPDATE, 0, PCNM, 0, 0, 1},
    {PCN__REQUEST__BODY_MEETING_AGENDA_ADD, 0, PCNM, 0, 0, 1},
    {PCN__REQUEST__BODY_MEETING_ATTEND, 0, PCNM, 0, 0, 1},
    {PCN__REQUEST__BODY_MEETING_MINUTES, 0, PCNM, 0, 0, 1},
    {PCN__REQUEST__BODY_MEETING_ACTION_ADD, 0, PCNM, 0, 0, 1},

    /* Network funds (funds.c). */
    {PCN__REQUEST__BODY_FUNDS_FIGURES_SET, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_FIGURES_LIST, 0, ALL, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_STREAM_ADD, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_STREAM_UPDATE, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_RULE_SET, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_STREAM_LIST, 0, ALL, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_RECEIVE, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_DISTRIBUTE, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_EXPENSE, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_REVERSE, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_LEDGER, 0, ALL, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_BALANCES, 0, ALL, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_STATEMENT, 0, ALL, 0, 0, 0},

    /* The funding plan (funds_plan.c). */
    {PCN__REQUEST__BODY_FUNDS_RATE_SET, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_RATE_LIST, 0, ALL, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_EXPECTED, 0, ALL, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_BUDGET_SET, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_BUDGET_REPORT, 0, ALL, 0, 0, 0},

    /* ARRS claims and headroom (funds_arrs.c). */
    {PCN__REQUEST__BODY_FUNDS_ARRS_CLAIM, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_ARRS_CLAIM_REVERSE, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_HEADROOM, 0, ALL, 0, 0, 0},

    /* Backfill claims and the year end (funds_claims.c). The PCN manager
     * sets rates and decides; a claim is made by the practice manager of
     * the attendee's practice (the target) or the PCN manager; claims are
     * listed for the network's people (any practice) and a practice's
     * own; rates and the year end are everyone's. */
    {PCN__REQUEST__BODY_FUNDS_BACKFILL_RATE_SET, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_BACKFILL_RATE_LIST, 0, ALL, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_CLAIM_CREATE, 0, PCNM, PM | CL, PCNM, 0},
    {PCN__REQUEST__BODY_FUNDS_CLAIM_LIST, 0, ALL, ALL, PCNM | CD, 0},
    {PCN__REQUEST__BODY_FUNDS_CLAIM_DECIDE, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_FUNDS_YEAR_END, 0, ALL, 0, 0, 0},

    /* Shared staff (staff.c). Everyone reads (transparency is the
     * point); the PCN manager keeps the register and the rota; leave is
     * recorded by the PCN manager, or by the practice manager of the
     * employing practice (the target is that practice). */
    {PCN__REQUEST__BODY_STAFF_LIST, 0, ALL, ALL, 0, 0},
    {PCN__REQUEST__BODY_STAFF_ADD, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_STAFF_UPDATE, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_STAFF_END, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_STAFF_ROTA_SET, 0, PCNM, 0, 0, 0},
    {PCN__REQUEST__BODY_STAFF_ROTA_GET, 0, ALL, ALL, 0, 0},
    {PCN__REQUEST__BODY_STAFF_LEAVE_ADD, 0, PCNM, PM, PCNM, 0},
    {PCN__REQUEST__BODY_STAFF_LEAVE_LIST, 0, ALL, ALL, 0, 0},
    {PCN__REQUEST__BODY_STAFF_LEAVE_CANCEL, 0, PCNM, PM, PCNM, 0},
    {PCN__REQUEST__BODY_STAFF_EQUITY, 0, ALL, ALL, 0, 0},

};
#define N_WANT (sizeof want / sizeof want[0])

static const policy *policy_for(int body_case) {
  for (size_t i = 0; i < N_WANT; i++)
    if (want[i].body_case == body_case) return &want[i];
  return NULL;
}

/* Every request type in the wire contract (but Hello, which is the
 * handshake) has a table entry, and every entry a written policy. */
static void test_every_request_is_in_the_table(void **state) {
  (void)state;
  const ProtobufCMessageDescriptor *d = &pcn__request__descriptor;
  for (unsigned i = 0; i < d->n_fields; i++) {
    int bc = (int)d->fields[i].id;
    if (bc == PCN__REQUEST__BODY_HELLO) continue;
    if (!dispatch_entry(bc))
      fail_msg("request %s has no table entry", d->fields[i].name);
    if (!policy_for(bc))
      fail_msg("request %s has no written policy", d->fields[i].name);
  }
  size_t n;
  dispatch_table(&n);
  assert_int_equal(n, N_WANT);
}

static actor make_actor(int role, const char *practice) {
  actor a;
  memset(&a, 0, sizeof a);
  a.member_id = 7;
  a.role = role;
  snprintf(a.username, sizeof a.username, "someone");
  snprintf(a.practice, sizeof a.practice, "%s", practice);
  return a;
}

/* For every entry, role and relation to the target: the table's answer is
 * the policy's. Network roles have no practice; practice roles belong to
 * F84001, and F84002 is "another practice". */
static void test_walk_table(void **state) {
  (void)state;
  size_t n;
  const req_entry *t = dispatch_table(&n);
  for (size_t i = 0; i < n; i++) {
    const policy *p = policy_for(t[i].body_case);
    assert_non_null(p);
    for (int role = PCN__ROLE__PCN_MANAGER; role <= PCN__ROLE__CLINICIAN;
         role++) {
      int practice_role = role == PCN__ROLE__PRACTICE_MANAGER ||
                          role == PCN__ROLE__STAFF ||
                          role == PCN__ROLE__CLINICIAN;
      actor a = make_actor(role, practice_role ? "F84001" : "");
      struct {
        const char *target;
        unsigned mask;
      } cases[] = {
          {"", p->net},
          {"F84001", practice_role ? p->own : p->other},
          {"F84002", p->other},
      };
      for (int k = 0; k < 3; k++) {
        for (int owner = 0; owner <= 1; owner++) {
          int visible = cases[k].target[0] == 0 ||
                        strcmp(cases[k].target, a.practice) == 0;
          int expect = p->is_public || (cases[k].mask & ROLE_BIT(role)) ||
                       (p->owner_may && owner && visible);
          int got = perm_allows(&t[i], &a, cases[k].target, owner);
          if (got != expect)
            fail_msg("%s by %s on target '%s' (owner %d): table says %d, "
                     "policy %d",
                     t[i].name, pcn__role__descriptor.values[role].name,
                     cases[k].target, owner, got, expect);
        }
      }
    }
  }
}

/* Nobody who is not logged in passes a non-public entry. */
static void test_anonymous(void **state) {
  (void)state;
  size_t n;
  const req_entry *t = dispatch_table(&n);
  actor a;
  memset(&a, 0, sizeof a);
  for (size_t i = 0; i < n; i++)
    assert_int_equal(perm_allows(&t[i], &a, "", 1),
                     (t[i].flags & REQ_PUBLIC) ? 1 : 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_request_is_in_the_table),
      cmocka_unit_test(test_walk_table),
      cmocka_unit_test(test_anonymous),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
