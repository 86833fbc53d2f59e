/* it_arrs.c - ARRS claims and headroom over TLS, on a server whose clock
 * the test moves (pcnd run --test-clock): the ceiling from the year's rate
 * and the weighted population of 1 April (rounded half up to the penny),
 * claims month by month, cumulative, left, the register's monthly costs,
 * the projected loss on hand-computed figures, due dates and overdue
 * months, a month's claim replaced, claims only for months that are over
 * and of more than nothing, a mistaken claim reversed (the month unclaimed
 * and reminded about again); bad claims refused with the field named and
 * nothing changed; and the monthly reminder: on the network's
 * reminder days and the working day after, once each, none once claimed,
 * none before the first ARRS rate's year, only the latest after a long
 * stop, nothing repeated after a restart, and only the network's people
 * see it.
 *
 * Practices A (F84001: pm_a), B (F84002), C (F84003); the PCN manager and
 * a clinical director.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"
#include "validate.h"

#define DAY_MS (24LL * 3600 * 1000)
#define A "F84001"
#define B "F84002"
#define CLOCK_OPTS "--test-clock --session-idle 31536000 --session-max 31536000"

typedef struct world {
  its_server *s;
  its_member *mgr, *cd, *pm_a;
} world;

static int32_t day(const char *ymd) {
  int32_t d;
  assert_int_equal(pcn_date_parse(ymd, &d), 0);
  return d;
}

/* Moves the server's clock to 09:00 UTC on ymd (not earlier than now);
 * the ticks for the new time have run when this returns. */
static void goto_day(its_member *m, const char *ymd) {
  int64_t now = its_advance(m, 0);
  int64_t at = (int64_t)day(ymd) * DAY_MS + 9 * 3600 * 1000LL;
  assert_true(at >= now);
  its_advance(m, at - now);
}

static world *world_new(const char *ymd) {
  world *w = calloc(1, sizeof *w);
  w->s = its_start(CLOCK_OPTS);
  its_member *first = its_manager(w->s);
  goto_day(first, ymd);
  its_member_free(first);
  w->mgr = its_login(w->s, "manager", ITEST_PASSWORD);
  its_add_practices(w->mgr, 3);
  w->cd = its_add_member(w->s, w->mgr, "cd", PCN__ROLE__CLINICAL_DIRECTOR, "");
  w->pm_a = its_add_member(w->s, w->mgr, "pma", PCN__ROLE__PRACTICE_MANAGER, A);
  return w;
}

static void world_free(world *w) {
  its_member_free(w->mgr);
  its_member_free(w->cd);
  its_member_free(w->pm_a);
  assert_int_equal(its_verify(w->s), 0);
  its_free(w->s);
  free(w);
}

/* ------------------------------------------------------------ requests */

static void figures(its_member *m, const char *ods, const char *from,
                    uint32_t list, uint32_t weighted) {
  Pcn__FundsFiguresSet f = PCN__FUNDS_FIGURES_SET__INIT;
  f.practice = (char *)ods;
  f.applies_from = (char *)from;
  f.list_size = list;
  f.weighted = weighted;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_FIGURES_SET;
  req.funds_figures_set = &f;
  its_expect(m, &req, PCN__STATUS_CODE__OK);
}

static void rate(its_member *m, uint32_t year, int basis, int64_t cp) {
  Pcn__FundsRateSet r = PCN__FUNDS_RATE_SET__INIT;
  r.year = year;
  r.stream = "arrs";
  r.basis = basis;
  r.rate_cp = cp;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_RATE_SET;
  req.funds_rate_set = &r;
  its_expect(m, &req, PCN__STATUS_CODE__OK);
}

static const Pcn__StaffMember *staff_as(its_member *m, const char *name,
                                        const char *role, int64_t cost,
                                        const char *started) {
  Pcn__StaffAdd a = PCN__STAFF_ADD__INIT;
  a.name = (char *)name;
  a.role = (char *)role;
  a.practice = A;
  a.wte = 100;
  a.annual_cost = cost;
  a.started = (char *)started;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_ADD;
  req.staff_add = &a;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->staff_member;
}

/* A change of terms (wte 0: unchanged) from a day ("" today). */
static const Pcn__Response *terms(its_member *m, uint64_t id, uint32_t version,
                                  uint32_t wte, int64_t cost, const char *from,
                                  int code) {
  Pcn__StaffUpdate u = PCN__STAFF_UPDATE__INIT;
  u.id = id;
  u.version = version;
  if (wte) {
    u.has_wte_case = PCN__STAFF_UPDATE__HAS_WTE_WTE;
    u.wte = wte;
  }
  if (cost) {
    u.has_annual_cost_case = PCN__STAFF_UPDATE__HAS_ANNUAL_COST_ANNUAL_COST;
    u.annual_cost = cost;
  }
  u.from = (char *)from;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_UPDATE;
  req.staff_update = &u;
  return its_expect(m, &req, code);
}

static void staff(its_member *m, const char *name, int64_t cost,
                  const char *started) {
  Pcn__StaffAdd a = PCN__STAFF_ADD__INIT;
  a.name = (char *)name;
  a.role = "clinical pharmacist";
  a.practice = A;
  a.wte = 100;
  a.annual_cost = cost;
  a.started = (char *)started;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_ADD;
  req.staff_add = &a;
  its_expect(m, &req, PCN__STATUS_CODE__OK);
}

static const Pcn__Response *claim(its_member *m, const char *month,
                                  int64_t pence, const char *ref, int code) {
  Pcn__FundsArrsClaim c = PCN__FUNDS_ARRS_CLAIM__INIT;
  c.month = (char *)month;
  c.pence = pence;
  c.reference = (char *)ref;
  c.note = "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_ARRS_CLAIM;
  req.funds_arrs_claim = &c;
  return its_expect(m, &req, code);
}

static const Pcn__FundsHeadroomReport *headroom(its_member *m, uint32_t year) {
  Pcn__FundsHeadroom h = PCN__FUNDS_HEADROOM__INIT;
  h.year = year;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_HEADROOM;
  req.funds_headroom = &h;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->funds_headroom;
}

/* The reminders in e, in order, as "MONTH:LEFT" joined by spaces. */
static const char *dues(const its_events *e) {
  static char out[512];
  size_t n = 0;
  out[0] = 0;
  for (size_t i = 0; i < e->n; i++)
    if (e->ev[i]->record_case == PCN__EVENT__RECORD_FUNDS_CLAIM_DUE) {
      const Pcn__FundsClaimDue *d = e->ev[i]->funds_claim_due;
      n += (size_t)snprintf(out + n, sizeof out - n, "%s%s:%d", n ? " " : "",
                            d->month, d->working_days_left);
    }
  return out;
}

/* The reminders the PCN manager got since seq, as dues() writes them. */
static const char *dues_since(world *w, uint64_t since) {
  its_events *e = its_seen(w->s, w->mgr, w->mgr, since);
  static char out[512];
  snprintf(out, sizeof out, "%s", dues(e));
  its_events_free(e);
  return out;
}

/* ------------------------------------------------------------ headroom */

/* Hand-computed: weighted 13250 + 7401 = 20651 on 1 April (the figures
 * of 1 May do not count); rate GBP 26.1201 per weighted patient (261201
 * hundredths of a penny): 261201 * 20651 = 5394061851 cp = 53940618.51p,
 * so the ceiling is 53,940,619p (half up). Staff: 3600006p a year from 1
 * April (300000.5 a month: 300001), and 2400000p more from 1 June (the
 * month 500000.5: 500001). Today is 15 June 2027. */
static void test_headroom(void **state) {
  (void)state;
  world *w = world_new("2027-06-15");
  figures(w->mgr, A, "2027-04-01", 12000, 13250);
  figures(w->mgr, B, "2027-04-01", 8000, 7401);
  figures(w->mgr, B, "2027-05-01", 8000, 9999);
  rate(w->mgr, 2027, PCN__FUNDS_BASIS__FUNDS_PER_WEIGHTED, 261201);
  staff(w->mgr, "Sam Patel", 3600006, "2027-04-01");
  staff(w->mgr, "Lee Chan", 2400000, "2027-06-01");

  /* Nothing claimed yet: April and May are past, so counted as nothing
   * claimed; all of it would be lost; April's and May's claims are
   * overdue (due the 10th of the next month). */
  const Pcn__FundsHeadroomReport *h = headroom(w->pm_a, 0);
  assert_int_equal(h->year, 2027);
  assert_int_equal(h->rate_cp, 261201);
  assert_int_equal(h->weighted, 20651);
  assert_int_equal(h->ceiling, 53940619);
  assert_int_equal(h->claimed, 0);
  assert_int_equal(h->left, 53940619);
  assert_int_equal(h->projected_lost, 53940619);
  assert_int_equal(h->n_months, 12);
  assert_string_equal(h->months[0]->month, "2027-04");
  assert_string_equal(h->months[0]->due, "2027-05-10");
  assert_string_equal(h->months[11]->month, "2028-03");
  assert_string_equal(h->months[11]->due, "2028-04-10");
  assert_true(h->months[0]->overdue);
  assert_true(h->months[1]->overdue);
  assert_false(h->months[2]->overdue);
  assert_int_equal(h->months[0]->staff_cost, 300001);
  assert_int_equal(h->months[1]->staff_cost, 300001);
  assert_int_equal(h->months[2]->staff_cost, 500001);
  assert_int_equal(h->months[11]->staff_cost, 500001);
  assert_int_equal(h->staff_cost, 2 * 300001 + 10 * 500001);
  assert_int_equal(h->staff, 2);

  /* Claims for April and May, seen by every practice. */
  uint64_t since = its_head(w->mgr);
  const Pcn__Response *r =
      claim(w->mgr, "2027-04", 4000000, "ARRS-04", PCN__STATUS_CODE__OK);
  assert_string_equal(r->funds_arrs_claim->month, "2027-04");
  assert_string_equal(r->funds_arrs_claim->recorded_by, "manager");
  claim(w->mgr, "2027-05", 3950051, "ARRS-05", PCN__STATUS_CODE__OK);
  /* April again: the record is replaced (41,000.00 rather than 40,000). */
  claim(w->mgr, "2027-04", 4100000, "ARRS-04b", PCN__STATUS_CODE__OK);
  its_events *e = its_seen(w->s, w->pm_a, w->mgr, since);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_FUNDS_ARRS_CLAIM), 3);
  assert_int_equal(e->ev[0]->op, PCN__OP__CREATED);
  assert_int_equal(e->ev[2]->op, PCN__OP__UPDATED);
  assert_int_equal(e->ev[2]->funds_arrs_claim->pence, 4100000);
  its_events_free(e);

  /* Rows: April counts (claimed), as does May; June neither (not over,
   * not claimed), so the average is over two months.
   *   April: 4100000 + 4100000 * 11 / 1 = 49200000     lost 4740619
   *   May:   8050051 + 8050051 * 10 / 2 = 48300306     lost 5640313
   *   June:  8050051 + 8050051 * 9 / 2 (36225229.5 -> 36225230)
   *          = 44275281                                 lost 9665338
   *   July:  8050051 + 8050051 * 8 / 2 = 40250255       lost 13690364 */
  h = headroom(w->cd, 2027);
  assert_int_equal(h->claimed, 8050051);
  assert_int_equal(h->left, 53940619 - 8050051);
  assert_int_equal(h->n_claims, 2);
  assert_string_equal(h->claims[0]->reference, "ARRS-04b");
  assert_int_equal(h->months[0]->claimed, 4100000);
  assert_int_equal(h->months[1]->cumulative, 8050051);
  assert_int_equal(h->months[11]->cumulative, 8050051);
  assert_int_equal(h->months[0]->projected_lost, 4740619);
  assert_int_equal(h->months[1]->projected_lost, 5640313);
  assert_int_equal(h->months[2]->projected_lost, 9665338);
  assert_int_equal(h->months[3]->projected_lost, 13690364);
  assert_int_equal(h->projected_lost, 9665338);
  assert_false(h->months[0]->overdue);
  assert_false(h->months[1]->overdue);

  /* Refusals, each naming its field; nothing changes. This month is not
   * over (on 15 June, June's claim is refused, saying from when), nor is
   * a month to come; a claim of nothing is no claim (issue 20). */
  since = its_head(w->mgr);
  r = claim(w->mgr, "2027-06", 100, "", PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "month");
  assert_non_null(strstr(r->status->message, "not over"));
  assert_non_null(strstr(r->status->message, "from 2027-07-01"));
  r = claim(w->mgr, "2027-07", 100, "", PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "month");
  r = claim(w->mgr, "2027-05", 0, "", PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "pence");
  r = claim(w->mgr, "2027-05", -1, "", PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "pence");
  r = claim(w->mgr, "2027-13", 100, "", PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "month");
  r = claim(w->mgr, "May", 100, "", PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "month");
  r = claim(w->mgr, "2027-05", 100, "two\nlines",
            PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "reference");
  r = claim(w->pm_a, "2027-05", 100, "", PCN__STATUS_CODE__PERMISSION_DENIED);
  r = claim(w->cd, "2027-05", 100, "", PCN__STATUS_CODE__PERMISSION_DENIED);
  assert_int_equal(its_head(w->mgr), since);
  h = headroom(w->mgr, 2027);
  assert_int_equal(h->claimed, 8050051);
  assert_int_equal(h->n_claims, 2);
  assert_int_equal(h->months[1]->claimed, 3950051);

  /* Another year: no rate, no ceiling; a year out of range is refused. */
  h = headroom(w->mgr, 2026);
  assert_int_equal(h->rate_cp, 0);
  assert_int_equal(h->ceiling, 0);
  assert_int_equal(h->claimed, 0);
  Pcn__FundsHeadroom hq = PCN__FUNDS_HEADROOM__INIT;
  hq.year = 1999;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_HEADROOM;
  req.funds_headroom = &hq;
  its_field_is(its_expect(w->pm_a, &req, PCN__STATUS_CODE__INVALID_ARGUMENT),
               "year");

  /* A fixed sum is the ceiling itself; per patient uses list sizes: A's
   * and B's figures, and C's list size as added (6000; no dated
   * figures), 26000 patients. */
  rate(w->mgr, 2027, PCN__FUNDS_BASIS__FUNDS_FIXED, 123456789);
  h = headroom(w->mgr, 2027);
  assert_int_equal(h->ceiling, 1234568);
  rate(w->mgr, 2027, PCN__FUNDS_BASIS__FUNDS_PER_PATIENT, 250);
  h = headroom(w->mgr, 2027);
  assert_int_equal(h->weighted, 26000);
  assert_int_equal(h->ceiling, 65000);

  /* Survives a restart (the clock goes back to the real day, so ask for
   * the year by name). */
  its_stop(w->s);
  its_run(w->s);
  w->mgr = its_relogin(w->s, w->mgr);
  w->cd = its_relogin(w->s, w->cd);
  w->pm_a = its_relogin(w->s, w->pm_a);
  h = headroom(w->pm_a, 2027);
  assert_int_equal(h->claimed, 8050051);
  assert_string_equal(h->claims[0]->reference, "ARRS-04b");
  world_free(w);
}

/* ------------------------------------------------------------ terms */

/* Staff changes take effect from a day and history stays (issue 20): on 5
 * December 2027 Sam (a clinical pharmacist, £42,000 a year from 1 April)
 * goes to 0.8 WTE at £44,800 from 16 November. April to October stay
 * £3,500.00 a month; November is 15 days at each: (15 x 4200000 + 15 x
 * 4480000) / 360 = 361666.67 -> 361667; December on 4480000 / 12 =
 * 373333.33 -> 373333. Dr Ray, a salaried GP (not an ARRS role), is in the
 * register but not in the ARRS costs or count. */
static void test_staff_terms(void **state) {
  (void)state;
  world *w = world_new("2027-12-05");
  const Pcn__StaffMember *sam =
      staff_as(w->mgr, "Sam Patel", "clinical pharmacist", 4200000,
               "2027-04-01");
  uint64_t id = sam->id;
  staff_as(w->mgr, "Dr Ray", "salaried GP", 9000000, "2027-04-01");
  const Pcn__FundsHeadroomReport *h = headroom(w->mgr, 2027);
  assert_int_equal(h->months[0]->staff_cost, 350000);
  assert_int_equal(h->staff, 1);

  /* Refusals: a day without a change of terms, a day that is not one. */
  its_field_is(terms(w->mgr, id, 1, 0, 0, "2027-11-16",
                     PCN__STATUS_CODE__INVALID_ARGUMENT),
               "from");
  its_field_is(terms(w->mgr, id, 1, 80, 0, "2027-11-31",
                     PCN__STATUS_CODE__INVALID_ARGUMENT),
               "from");

  const Pcn__Response *r =
      terms(w->mgr, id, 1, 80, 4480000, "2027-11-16", PCN__STATUS_CODE__OK);
  const Pcn__StaffMember *m = r->staff_member;
  assert_int_equal(m->wte, 80);
  assert_int_equal(m->annual_cost, 4480000);
  assert_int_equal(m->n_terms, 2);
  assert_string_equal(m->terms[0]->from, "");
  assert_int_equal(m->terms[0]->annual_cost, 4200000);
  assert_int_equal(m->terms[0]->wte, 100);
  assert_string_equal(m->terms[1]->from, "2027-11-16");
  assert_string_equal(m->terms[1]->set_by, "manager");
  h = headroom(w->pm_a, 2027);
  for (int i = 0; i < 7; i++)
    assert_int_equal(h->months[i]->staff_cost, 350000); /* April-October */
  assert_int_equal(h->months[7]->staff_cost, 361667);   /* November */
  assert_int_equal(h->months[8]->staff_cost, 373333);   /* December */
  assert_int_equal(h->months[11]->staff_cost, 373333);  /* March */
  assert_int_equal(h->staff_cost, 7 * 350000 + 361667 + 4 * 373333);
  assert_int_equal(h->staff, 1);

  /* Without a day: from today (5 December): 4 days at 4480000 and 27 at
   * 4600000 over 372 = 382043.01 -> 382043; January on 383333. */
  r = terms(w->mgr, id, 2, 0, 4600000, "", PCN__STATUS_CODE__OK);
  assert_int_equal(r->staff_member->n_terms, 3);
  assert_string_equal(r->staff_member->terms[2]->from, "2027-12-05");
  assert_int_equal(r->staff_member->terms[2]->wte, 80);
  h = headroom(w->mgr, 2027);
  assert_int_equal(h->months[7]->staff_cost, 361667);
  assert_int_equal(h->months[8]->staff_cost, 382043);
  assert_int_equal(h->months[9]->staff_cost, 383333);

  /* A correction on a day already changed replaces that change only:
   * November is (15 x 4200000 + 15 x 4500000) / 360 = 362500, and
   * December's first four days move with it: (4 x 4500000 + 27 x
   * 4600000) / 372 = 382258.06 -> 382258. */
  r = terms(w->mgr, id, 3, 0, 4500000, "2027-11-16", PCN__STATUS_CODE__OK);
  assert_int_equal(r->staff_member->n_terms, 3);
  assert_int_equal(r->staff_member->annual_cost, 4600000); /* the newest */
  h = headroom(w->mgr, 2027);
  assert_int_equal(h->months[6]->staff_cost, 350000);
  assert_int_equal(h->months[7]->staff_cost, 362500);
  assert_int_equal(h->months[8]->staff_cost, 382258);
  assert_int_equal(h->months[9]->staff_cost, 383333);
  world_free(w);
}

/* ------------------------------------------------------------ reversal */

static const Pcn__Response *reverse(its_member *m, const char *month,
                                    const char *reason, int code) {
  Pcn__FundsArrsClaimReverse v = PCN__FUNDS_ARRS_CLAIM_REVERSE__INIT;
  v.month = (char *)month;
  v.reason = (char *)reason;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_ARRS_CLAIM_REVERSE;
  req.funds_arrs_claim_reverse = &v;
  return its_expect(m, &req, code);
}

/* A mistaken claim is reversed (issue 20): the month is unclaimed again,
 * overdue in the headroom, its reminders resume, and it may be claimed
 * anew. May's claim is due Thursday 10 June 2027. */
static void test_reverse(void **state) {
  (void)state;
  world *w = world_new("2027-06-01");
  rate(w->mgr, 2027, PCN__FUNDS_BASIS__FUNDS_PER_WEIGHTED, 261201);
  claim(w->mgr, "2027-05", 3900000, "ARRS-05", PCN__STATUS_CODE__OK);
  goto_day(w->mgr, "2027-06-15");
  uint64_t since = its_head(w->mgr);
  const Pcn__FundsHeadroomReport *h = headroom(w->mgr, 2027);
  assert_int_equal(h->months[1]->claimed, 3900000);
  assert_false(h->months[1]->overdue);

  /* Refusals: a practice manager, no reason, a month with no claim, a
   * month that is not one. Nothing changes. */
  reverse(w->pm_a, "2027-05", "wrong", PCN__STATUS_CODE__PERMISSION_DENIED);
  its_field_is(
      reverse(w->mgr, "2027-05", "", PCN__STATUS_CODE__INVALID_ARGUMENT),
      "reason");
  reverse(w->mgr, "2027-04", "wrong", PCN__STATUS_CODE__NOT_FOUND);
  its_field_is(
      reverse(w->mgr, "May", "wrong", PCN__STATUS_CODE__INVALID_ARGUMENT),
      "month");
  assert_int_equal(its_head(w->mgr), since);

  const Pcn__Response *r =
      reverse(w->mgr, "2027-05", "sent for the wrong month", 0);
  assert_int_equal(r->funds_arrs_claim->pence, 3900000);
  assert_true(r->funds_arrs_claim->reversed_at > 0);
  assert_string_equal(r->funds_arrs_claim->reversed_by, "manager");
  assert_string_equal(r->funds_arrs_claim->reversed_reason,
                      "sent for the wrong month");
  reverse(w->mgr, "2027-05", "again", PCN__STATUS_CODE__FAILED_PRECONDITION);

  /* Every member sees the reversal; the month is unclaimed and overdue. */
  its_events *e = its_seen(w->s, w->pm_a, w->mgr, since);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_FUNDS_ARRS_CLAIM), 1);
  assert_int_equal(e->ev[0]->op, PCN__OP__UPDATED);
  assert_true(e->ev[0]->funds_arrs_claim->reversed_at > 0);
  its_events_free(e);
  h = headroom(w->pm_a, 2027);
  assert_int_equal(h->claimed, 0);
  assert_int_equal(h->n_claims, 0);
  assert_int_equal(h->months[1]->claimed, 0);
  assert_true(h->months[1]->overdue);

  /* Its reminders resume: the next tick tells the network's people that
   * May is overdue, once. */
  its_advance(w->mgr, 3600 * 1000);
  assert_non_null(strstr(dues_since(w, since), "2027-05:-"));
  const char *once = dues_since(w, since);
  char first[64];
  snprintf(first, sizeof first, "%s", once);
  goto_day(w->mgr, "2027-06-16");
  assert_string_equal(dues_since(w, since), first);

  /* Claimed anew: counted again, and the reminders stop. */
  claim(w->mgr, "2027-05", 3950000, "ARRS-05b", PCN__STATUS_CODE__OK);
  h = headroom(w->mgr, 2027);
  assert_int_equal(h->months[1]->claimed, 3950000);
  assert_false(h->months[1]->overdue);
  goto_day(w->mgr, "2027-06-18");
  assert_string_equal(dues_since(w, since), first);
  world_free(w);
}

/* ------------------------------------------------------------ reminders */

/* Claim day 10, reminders 3 and 1 working days before (the defaults).
 * April's claim is due Monday 10 May 2027 (Monday 3 May is a bank
 * holiday): reminders Wednesday 5 and Friday 7 May, overdue Tuesday 11
 * May. */
static void test_reminders(void **state) {
  (void)state;
  world *w = world_new("2027-04-01");
  uint64_t since = its_head(w->mgr);

  /* No ARRS rate: March's claim passes its due day unremarked. */
  goto_day(w->mgr, "2027-04-13");
  assert_string_equal(dues_since(w, since), "");
  /* A rate for 2027: March is in 2026, still not reminded. */
  rate(w->mgr, 2027, PCN__FUNDS_BASIS__FUNDS_PER_WEIGHTED, 261201);
  its_advance(w->mgr, 0);
  goto_day(w->mgr, "2027-05-04");
  assert_string_equal(dues_since(w, since), "");

  goto_day(w->mgr, "2027-05-05");
  assert_string_equal(dues_since(w, since), "2027-04:3");
  its_advance(w->mgr, 3600 * 1000); /* later the same day: once */
  goto_day(w->mgr, "2027-05-06");
  assert_string_equal(dues_since(w, since), "2027-04:3");
  goto_day(w->mgr, "2027-05-07");
  assert_string_equal(dues_since(w, since), "2027-04:3 2027-04:1");
  goto_day(w->mgr, "2027-05-10");
  assert_string_equal(dues_since(w, since), "2027-04:3 2027-04:1");
  goto_day(w->mgr, "2027-05-11");
  assert_string_equal(dues_since(w, since), "2027-04:3 2027-04:1 2027-04:-1");

  /* Who sees them: the network's people, not a practice. */
  its_events *e = its_seen(w->s, w->pm_a, w->mgr, since);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_FUNDS_CLAIM_DUE), 0);
  its_events_free(e);
  e = its_seen(w->s, w->cd, w->mgr, since);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_FUNDS_CLAIM_DUE), 3);
  for (size_t i = 0; i < e->n; i++)
    if (e->ev[i]->record_case == PCN__EVENT__RECORD_FUNDS_CLAIM_DUE)
      assert_string_equal(e->ev[i]->funds_claim_due->due, "2027-05-10");
  its_events_free(e);
  goto_day(w->mgr, "2027-05-20");
  assert_string_equal(dues_since(w, since), "2027-04:3 2027-04:1 2027-04:-1");

  /* April claimed late, May claimed early: no reminders about either as
   * May's due day (Thursday 10 June) comes and goes. */
  claim(w->mgr, "2027-04", 4100000, "ARRS-04", PCN__STATUS_CODE__OK);
  goto_day(w->mgr, "2027-06-01");
  claim(w->mgr, "2027-05", 3900000, "ARRS-05", PCN__STATUS_CODE__OK);
  since = its_head(w->mgr);
  const char *days[] = {"2027-06-07", "2027-06-09", "2027-06-10", "2027-06-11",
                        "2027-06-14"};
  for (size_t i = 0; i < sizeof days / sizeof days[0]; i++)
    goto_day(w->mgr, days[i]);
  assert_string_equal(dues_since(w, since), "");

  /* A long stop (one tick after three months): June's, July's and
   * August's claims all went unmade. Only the latest month whose
   * reminders have begun (August, due Friday 10 September, overdue since
   * Monday 13th) and the one before (July) are reminded, each once, as
   * overdue; June is not. */
  goto_day(w->mgr, "2027-09-20");
  assert_string_equal(dues_since(w, since), "2027-08:-6 2027-07:-28");
  goto_day(w->mgr, "2027-09-21");
  assert_string_equal(dues_since(w, since), "2027-08:-6 2027-07:-28");

  /* A restart remembers what was sent: the clock goes back to the real
   * day, and forward again, and nothing repeats. */
  its_stop(w->s);
  its_run(w->s);
  w->mgr = its_relogin(w->s, w->mgr);
  w->cd = its_relogin(w->s, w->cd);
  w->pm_a = its_relogin(w->s, w->pm_a);
  goto_day(w->mgr, "2027-09-22");
  assert_string_equal(dues_since(w, since), "2027-08:-6 2027-07:-28");
  /* September's claim (due Sunday 10 October): the next reminder is 3
   * working days before, Wednesday 6 October, and says what is true: two
   * working days are left (Thursday and Friday). */
  goto_day(w->mgr, "2027-10-06");
  assert_string_equal(dues_since(w, since), "2027-08:-6 2027-07:-28 2027-09:2");
  world_free(w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_headroom),
      cmocka_unit_test(test_reminders),
      cmocka_unit_test(test_reverse),
      cmocka_unit_test(test_staff_terms),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
