/* it_duties.c - the responsibilities agreement over TLS, between the PCN
 * manager, the clinical director and the practice managers of two
 * practices: the default register of a new network, edits by the PCN
 * manager only, sign-off per practice by its own practice manager, a
 * change clearing that entry's sign-offs and no other, removal, the review
 * date coming due on a moved clock, bad input refused with the field named
 * and nothing changed, CONFLICT on a stale version, who sees which events,
 * survival across a restart, and the defaults written once into a store
 * from before the register existed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"
#include "store.h"
#include "validate.h"

#define DEFAULT_ENTRIES 14

typedef struct world {
  its_server *s;
  its_member *mgr, *cd, *jo, *pat, *sam; /* jo, sam: F84001; pat: F84002 */
  uint64_t since;                        /* the feed before this file's work */
  uint64_t arrs, rota, extra;            /* entries the story works on */
} world;

static int setup(void **state) {
  world *w = calloc(1, sizeof *w);
  /* Sessions outlast the days the clock is moved. */
  w->s = its_start("--test-clock --session-idle 2592000");
  w->mgr = its_manager(w->s);
  its_add_practices(w->mgr, 2);
  w->cd = its_add_member(w->s, w->mgr, "cd", PCN__ROLE__CLINICAL_DIRECTOR, "");
  w->jo =
      its_add_member(w->s, w->mgr, "jo", PCN__ROLE__PRACTICE_MANAGER, "F84001");
  w->pat = its_add_member(w->s, w->mgr, "pat", PCN__ROLE__PRACTICE_MANAGER,
                          "F84002");
  w->sam = its_add_member(w->s, w->jo, "sam", PCN__ROLE__STAFF, "F84001");
  w->since = its_head(w->mgr);
  *state = w;
  return 0;
}

static void free_members(world *w) {
  its_member *all[] = {w->mgr, w->cd, w->jo, w->pat, w->sam};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    its_member_free(all[i]);
}

/* Everyone logs in again, after a restart. */
static void relogin(world *w) {
  its_member **all[] = {&w->mgr, &w->cd, &w->jo, &w->pat, &w->sam};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    *all[i] = its_relogin(w->s, *all[i]);
}

static int teardown(void **state) {
  world *w = *state;
  free_members(w);
  assert_int_equal(its_verify(w->s), 0);
  its_free(w->s);
  free(w);
  return 0;
}

/* ------------------------------------------------------------ helpers */

static const Pcn__DutyRegister *reg(its_member *m) {
  Pcn__DutyList l = PCN__DUTY_LIST__INIT;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DUTY_LIST;
  r.duty_list = &l;
  return its_expect(m, &r, PCN__STATUS_CODE__OK)->duty_register;
}

static const Pcn__Duty *find(const Pcn__DutyRegister *g, uint64_t id) {
  for (size_t i = 0; i < g->n_duties; i++)
    if (g->duties[i]->id == id) return g->duties[i];
  return NULL;
}

static const Pcn__Duty *find_title(const Pcn__DutyRegister *g,
                                   const char *title) {
  for (size_t i = 0; i < g->n_duties; i++)
    if (!strcmp(g->duties[i]->title, title)) return g->duties[i];
  return NULL;
}

static int agreed(const Pcn__DutyRegister *g, uint64_t id, const char *ods) {
  for (size_t i = 0; i < g->n_agreements; i++)
    if (g->agreements[i]->duty_id == id &&
        !strcmp(g->agreements[i]->practice, ods))
      return 1;
  return 0;
}

static size_t agreed_count(const Pcn__DutyRegister *g, const char *ods) {
  size_t n = 0;
  for (size_t i = 0; i < g->n_agreements; i++)
    n += !strcmp(g->agreements[i]->practice, ods);
  return n;
}

static const Pcn__Response *add(its_member *m, const char *title, int owner,
                                const char *does, const char *review,
                                int code) {
  Pcn__DutyAdd a = PCN__DUTY_ADD__INIT;
  a.title = (char *)title;
  a.owner = owner;
  a.owner_does = (char *)does;
  a.review_date = (char *)review;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DUTY_ADD;
  r.duty_add = &a;
  return its_expect(m, &r, code);
}

static const Pcn__Response *agree(its_member *m, const char *practice,
                                  uint64_t id, uint32_t version, int all,
                                  int code) {
  Pcn__DutyVersion v = PCN__DUTY_VERSION__INIT, *vp = &v;
  v.id = id;
  v.version = version;
  Pcn__DutyAgree a = PCN__DUTY_AGREE__INIT;
  a.practice = (char *)practice;
  a.all = all;
  if (id) {
    a.n_entries = 1;
    a.entries = &vp;
  }
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DUTY_AGREE;
  r.duty_agree = &a;
  return its_expect(m, &r, code);
}

static Pcn__Request update_req(Pcn__DutyUpdate *u, uint64_t id,
                               uint32_t version) {
  pcn__duty_update__init(u);
  u->id = id;
  u->version = version;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DUTY_UPDATE;
  r.duty_update = u;
  return r;
}

static const Pcn__Response *remove_duty(its_member *m, uint64_t id,
                                        uint32_t version, int code) {
  Pcn__DutyRemove d = PCN__DUTY_REMOVE__INIT;
  d.id = id;
  d.version = version;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DUTY_REMOVE;
  r.duty_remove = &d;
  return its_expect(m, &r, code);
}

static void expect_field(const Pcn__Response *r, const char *field) {
  its_field_is(r, field);
  assert_true(strlen(r->status->message) > 20);
}

/* The server's date plus days, as YYYY-MM-DD. */
static void server_date(its_member *m, int days, char out[11]) {
  int32_t today;
  assert_int_equal(pcn_date_parse(reg(m)->today, &today), 0);
  pcn_date_format(today + days, out);
}

/* ------------------------------------------------------------ the story */

/* A new network starts with a register an English PCN would recognise,
 * written by `pcnd init` without a storm of events. */
static void test_default_register(void **state) {
  world *w = *state;
  const Pcn__DutyRegister *g = reg(w->sam);
  assert_int_equal(g->n_duties, DEFAULT_ENTRIES);
  assert_int_equal(g->n_practices, 2);
  assert_int_equal(g->n_agreements, 0);
  int owners[5] = {0};
  for (size_t i = 0; i < g->n_duties; i++) {
    const Pcn__Duty *d = g->duties[i];
    assert_int_equal(d->version, 1);
    assert_true(d->owner >= 1 && d->owner <= 4);
    owners[d->owner]++;
    assert_true(strlen(d->owner_does) > 20);
    int32_t day;
    assert_int_equal(pcn_date_parse(d->review_date, &day), 0);
    assert_false(d->review_due);
  }
  for (int o = 1; o <= 4; o++)
    assert_true(owners[o] > 0);
  const Pcn__Duty *arrs = find_title(g, "ARRS recruitment and claims");
  const Pcn__Duty *rota = find_title(g, "Enhanced access rota");
  assert_non_null(arrs);
  assert_non_null(rota);
  assert_non_null(find_title(g, "Practice staff HR"));
  w->arrs = arrs->id;
  w->rota = rota->id;

  its_events *e = its_seen(w->s, w->jo, w->mgr, 0);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_DUTY), 0);
  its_events_free(e);
}

/* Only the PCN manager edits; the clinical director and the practices
 * read. */
static void test_edit_permissions(void **state) {
  world *w = *state;
  char review[11];
  server_date(w->mgr, 60, review);
  its_member *not_editors[] = {w->cd, w->jo, w->sam};
  for (size_t i = 0; i < 3; i++) {
    const Pcn__Response *r = add(
        not_editors[i], "Flu campaign", PCN__DUTY_OWNER__DUTY_SHARED,
        "Plans the flu clinics.", review, PCN__STATUS_CODE__PERMISSION_DENIED);
    assert_non_null(strstr(r->status->message, "responsibilities register"));
    Pcn__DutyUpdate u;
    Pcn__Request ur = update_req(&u, w->arrs, 1);
    u.has_review_date_case = PCN__DUTY_UPDATE__HAS_REVIEW_DATE_REVIEW_DATE;
    u.review_date = review;
    its_expect(not_editors[i], &ur, PCN__STATUS_CODE__PERMISSION_DENIED);
    remove_duty(not_editors[i], w->arrs, 0,
                PCN__STATUS_CODE__PERMISSION_DENIED);
  }
  const Pcn__Response *r =
      add(w->mgr, "Flu campaign", PCN__DUTY_OWNER__DUTY_SHARED,
          "The PCN manager books the clinics;\neach practice calls its "
          "patients.",
          review, PCN__STATUS_CODE__OK);
  w->extra = r->duty->id;
  assert_int_equal(r->duty->version, 1);
  assert_string_equal(r->duty->created_by, "manager");
  assert_int_equal(reg(w->cd)->n_duties, DEFAULT_ENTRIES + 1);
}

/* Each practice manager agrees for their own practice, and only they. */
static void test_sign_off(void **state) {
  world *w = *state;
  const Pcn__Response *r =
      agree(w->jo, "", w->arrs, 1, 0, PCN__STATUS_CODE__OK);
  assert_int_equal(r->duty_agreed->n_agreements, 1);
  assert_string_equal(r->duty_agreed->agreements[0]->practice, "F84001");
  assert_string_equal(r->duty_agreed->agreements[0]->agreed_by, "jo");
  assert_int_equal(r->duty_agreed->agreements[0]->duty_version, 1);

  /* Not for another practice, and not by anyone else. */
  r = agree(w->jo, "F84002", w->arrs, 1, 0,
            PCN__STATUS_CODE__PERMISSION_DENIED);
  assert_non_null(strstr(r->status->message, "F84002"));
  agree(w->sam, "", w->arrs, 1, 0, PCN__STATUS_CODE__PERMISSION_DENIED);
  agree(w->mgr, "F84001", w->arrs, 1, 0, PCN__STATUS_CODE__PERMISSION_DENIED);
  agree(w->cd, "F84002", w->arrs, 1, 0, PCN__STATUS_CODE__PERMISSION_DENIED);
  /* Twice is nothing to do. */
  agree(w->jo, "", w->arrs, 1, 0, PCN__STATUS_CODE__FAILED_PRECONDITION);

  const Pcn__DutyRegister *g = reg(w->mgr);
  assert_true(agreed(g, w->arrs, "F84001"));
  assert_false(agreed(g, w->arrs, "F84002"));
  assert_int_equal(g->n_agreements, 1);

  /* Pat agrees the rota entry; then Jo agrees everything pending. */
  agree(w->pat, "F84002", w->rota, 0, 0, PCN__STATUS_CODE__OK);
  r = agree(w->jo, "", 0, 0, 1, PCN__STATUS_CODE__OK);
  assert_int_equal(r->duty_agreed->n_agreements, DEFAULT_ENTRIES);
  agree(w->jo, "", 0, 0, 1, PCN__STATUS_CODE__FAILED_PRECONDITION);
  g = reg(w->pat);
  assert_int_equal(agreed_count(g, "F84001"), DEFAULT_ENTRIES + 1);
  assert_int_equal(agreed_count(g, "F84002"), 1);
}

/* A change clears the agreements to that entry, and only those; a stale
 * version is refused with the entry as it stands. */
static void test_change_clears(void **state) {
  world *w = *state;
  Pcn__DutyUpdate u;
  Pcn__Request ur = update_req(&u, w->rota, 1);
  u.has_owner_does_case = PCN__DUTY_UPDATE__HAS_OWNER_DOES_OWNER_DOES;
  u.owner_does = "Plans the enhanced access rota and fills every session.";
  const Pcn__Response *r = its_expect(w->mgr, &ur, PCN__STATUS_CODE__OK);
  assert_int_equal(r->duty->version, 2);
  assert_string_equal(r->duty->updated_by, "manager");
  assert_int_equal(r->duty->n_cleared, 2);

  const Pcn__DutyRegister *g = reg(w->jo);
  assert_false(agreed(g, w->rota, "F84001"));
  assert_false(agreed(g, w->rota, "F84002"));
  assert_true(agreed(g, w->arrs, "F84001"));
  assert_int_equal(agreed_count(g, "F84001"), DEFAULT_ENTRIES);
  assert_int_equal(agreed_count(g, "F84002"), 0);
  assert_string_equal(find(g, w->rota)->owner_does, u.owner_does);
  assert_int_equal(find(g, w->rota)->n_cleared, 0); /* only on the event */

  /* The same edit from a stale read: CONFLICT with the current entry. */
  r = its_expect(w->mgr, &ur, PCN__STATUS_CODE__CONFLICT);
  assert_int_equal(r->body_case, PCN__RESPONSE__BODY_DUTY);
  assert_int_equal(r->duty->version, 2);
  /* Agreeing what one read before the change: CONFLICT too. */
  r = agree(w->jo, "", w->rota, 1, 0, PCN__STATUS_CODE__CONFLICT);
  assert_int_equal(r->duty->version, 2);
  assert_false(agreed(reg(w->jo), w->rota, "F84001"));

  /* An edit that changes nothing leaves the agreements alone. */
  agree(w->jo, "", w->rota, 2, 0, PCN__STATUS_CODE__OK);
  ur = update_req(&u, w->rota, 2);
  u.has_owner_case = PCN__DUTY_UPDATE__HAS_OWNER_OWNER;
  u.owner = find(reg(w->mgr), w->rota)->owner;
  its_expect(w->mgr, &ur, PCN__STATUS_CODE__FAILED_PRECONDITION);
  assert_true(agreed(reg(w->jo), w->rota, "F84001"));

  /* A new owner: a change like any other. */
  u.owner = PCN__DUTY_OWNER__DUTY_SHARED;
  r = its_expect(w->mgr, &ur, PCN__STATUS_CODE__OK);
  assert_int_equal(r->duty->n_cleared, 1);
  assert_string_equal(r->duty->cleared[0], "F84001");
  assert_false(agreed(reg(w->jo), w->rota, "F84001"));
}

/* Removal takes the entry and its agreements; the event records it. */
static void test_remove(void **state) {
  world *w = *state;
  agree(w->pat, "", w->extra, 0, 0, PCN__STATUS_CODE__OK);
  remove_duty(w->mgr, w->extra, 7, PCN__STATUS_CODE__CONFLICT);
  const Pcn__Response *r =
      remove_duty(w->mgr, w->extra, 1, PCN__STATUS_CODE__OK);
  assert_int_equal(r->duty->n_cleared, 2);
  const Pcn__DutyRegister *g = reg(w->pat);
  assert_null(find(g, w->extra));
  assert_int_equal(g->n_duties, DEFAULT_ENTRIES);
  for (size_t i = 0; i < g->n_agreements; i++)
    assert_int_not_equal(g->agreements[i]->duty_id, w->extra);
  remove_duty(w->mgr, w->extra, 0, PCN__STATUS_CODE__NOT_FOUND);
  agree(w->pat, "", w->extra, 0, 0, PCN__STATUS_CODE__NOT_FOUND);
}

/* Bad input: refused naming the field, and nothing changes. */
static void test_bad_input(void **state) {
  world *w = *state;
  uint64_t head = its_head(w->mgr);
  char ok[11], past[11], far[11];
  server_date(w->mgr, 30, ok);
  server_date(w->mgr, -1, past);
  server_date(w->mgr, 6 * 366, far);
  int sh = PCN__DUTY_OWNER__DUTY_SHARED;
  char longt[200];
  memset(longt, 'x', sizeof longt - 1);
  longt[sizeof longt - 1] = 0;
  const char *bad_utf8 = "Estates \xc3\x28";
  expect_field(add(w->mgr, "", sh, "Does.", ok, 3), "title");
  expect_field(add(w->mgr, longt, sh, "Does.", ok, 3), "title");
  expect_field(add(w->mgr, bad_utf8, sh, "Does.", ok, 3), "title");
  expect_field(add(w->mgr, "Line\nbreak", sh, "Does.", ok, 3), "title");
  expect_field(add(w->mgr, "Estates", 0, "Does.", ok, 3), "owner");
  expect_field(add(w->mgr, "Estates", 9, "Does.", ok, 3), "owner");
  expect_field(add(w->mgr, "Estates", sh, "", ok, 3), "owner_does");
  expect_field(add(w->mgr, "Estates", sh, "Does.", "2026-02-30", 3),
               "review_date");
  expect_field(add(w->mgr, "Estates", sh, "Does.", "", 3), "review_date");
  expect_field(add(w->mgr, "Estates", sh, "Does.", past, 3), "review_date");
  expect_field(add(w->mgr, "Estates", sh, "Does.", far, 3), "review_date");
  /* The same title (in any case) as an entry already there. */
  add(w->mgr, "arrs RECRUITMENT and claims", sh, "Does.", ok,
      PCN__STATUS_CODE__ALREADY_EXISTS);

  Pcn__DutyUpdate u;
  Pcn__Request ur = update_req(&u, w->arrs, 0);
  u.has_title_case = PCN__DUTY_UPDATE__HAS_TITLE_TITLE;
  u.title = "ARRS";
  expect_field(its_expect(w->mgr, &ur, 3), "version");
  ur = update_req(&u, w->arrs, 1);
  its_expect(w->mgr, &ur, PCN__STATUS_CODE__INVALID_ARGUMENT); /* nothing */
  u.has_title_case = PCN__DUTY_UPDATE__HAS_TITLE_TITLE;
  u.title = "Enhanced ACCESS rota"; /* another entry's title */
  its_expect(w->mgr, &ur, PCN__STATUS_CODE__ALREADY_EXISTS);
  ur = update_req(&u, 999, 1);
  u.has_title_case = PCN__DUTY_UPDATE__HAS_TITLE_TITLE;
  u.title = "Nothing";
  its_expect(w->mgr, &ur, PCN__STATUS_CODE__NOT_FOUND);

  expect_field(agree(w->jo, "", 0, 0, 0, 3), "entries");
  expect_field(agree(w->jo, "", w->arrs, 0, 1, 3), "entries");
  expect_field(agree(w->jo, "nonsense", w->arrs, 0, 0, 3), "practice");
  Pcn__DutyVersion v = PCN__DUTY_VERSION__INIT, *vp = &v;
  Pcn__DutyAgree a = PCN__DUTY_AGREE__INIT;
  a.n_entries = 1;
  a.entries = &vp;
  Pcn__Request ar = PCN__REQUEST__INIT;
  ar.body_case = PCN__REQUEST__BODY_DUTY_AGREE;
  ar.duty_agree = &a;
  expect_field(its_expect(w->jo, &ar, 3), "entries"); /* id 0 */
  Pcn__DutyVersion many[101], *mp[101];
  for (int i = 0; i < 101; i++) {
    pcn__duty_version__init(&many[i]);
    many[i].id = (uint64_t)i + 1;
    mp[i] = &many[i];
  }
  a.n_entries = 101;
  a.entries = mp;
  expect_field(its_expect(w->jo, &ar, 3), "entries");
  remove_duty(w->mgr, 0, 0, PCN__STATUS_CODE__INVALID_ARGUMENT);

  assert_int_equal(its_head(w->mgr), head); /* nothing was written */
  assert_int_equal(reg(w->mgr)->n_duties, DEFAULT_ENTRIES);
}

/* Pat's practice disagrees with entry id, with a reason. */
static void pat_disagrees(world *w, uint64_t id) {
  Pcn__DutyDisagree x = PCN__DUTY_DISAGREE__INIT;
  x.id = id;
  x.reason = "We recruit our own.";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DUTY_DISAGREE;
  r.duty_disagree = &x;
  its_expect(w->pat, &r, PCN__STATUS_CODE__OK);
}

/* A review date that has come is flagged by the server, once. A new one
 * is bookkeeping: the agreements stand (issue 20). */
static void test_review_due(void **state) {
  world *w = *state;
  char soon[11], later[11];
  server_date(w->mgr, 2, soon);
  server_date(w->mgr, 90, later);
  Pcn__DutyUpdate u;
  uint32_t v = find(reg(w->mgr), w->arrs)->version;
  Pcn__Request ur = update_req(&u, w->arrs, v);
  u.has_review_date_case = PCN__DUTY_UPDATE__HAS_REVIEW_DATE_REVIEW_DATE;
  u.review_date = soon;
  const Pcn__Response *r = its_expect(w->mgr, &ur, PCN__STATUS_CODE__OK);
  assert_false(r->duty->review_due);
  assert_int_equal(r->duty->n_cleared, 0);
  /* A new review date is bookkeeping: Jo's agreement stood (issue 20). */
  agree(w->jo, "", w->arrs, v + 1, 0, PCN__STATUS_CODE__FAILED_PRECONDITION);

  uint64_t before = its_head(w->mgr);
  its_advance(w->mgr, 24LL * 3600 * 1000); /* a day: not yet */
  assert_false(find(reg(w->jo), w->arrs)->review_due);
  its_advance(w->mgr, 24LL * 3600 * 1000); /* the review date */
  const Pcn__DutyRegister *g = reg(w->jo);
  assert_true(find(g, w->arrs)->review_due);
  assert_int_equal(find(g, w->arrs)->version, v + 1); /* not an edit */
  assert_true(agreed(g, w->arrs, "F84001"));          /* agreements stand */
  for (size_t i = 0; i < g->n_duties; i++)
    if (g->duties[i]->id != w->arrs) assert_false(g->duties[i]->review_due);
  its_advance(w->mgr, 24LL * 3600 * 1000); /* flagged once, not again */

  its_events *e = its_seen(w->s, w->pat, w->mgr, before);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_DUTY), 1);
  for (size_t i = 0; i < e->n; i++)
    if (e->ev[i]->record_case == PCN__EVENT__RECORD_DUTY) {
      assert_string_equal(e->ev[i]->actor, "");
      assert_true(e->ev[i]->duty->review_due);
    }
  its_events_free(e);

  /* A new review date ends it. It is bookkeeping, not substance (issue
   * 20): the agreements stand, and the event says which fields changed
   * and that nobody was cleared. */
  pat_disagrees(w, w->arrs);
  before = its_head(w->mgr);
  ur = update_req(&u, w->arrs, v + 1);
  u.has_review_date_case = PCN__DUTY_UPDATE__HAS_REVIEW_DATE_REVIEW_DATE;
  u.review_date = later;
  r = its_expect(w->mgr, &ur, PCN__STATUS_CODE__OK);
  assert_false(r->duty->review_due);
  assert_int_equal(r->duty->version, v + 2);
  assert_int_equal(r->duty->substance_version, v); /* unchanged */
  assert_int_equal(r->duty->n_cleared, 0);
  assert_int_equal(r->duty->n_changed, 1);
  assert_string_equal(r->duty->changed[0], "review_date");
  g = reg(w->jo);
  assert_true(agreed(g, w->arrs, "F84001"));
  assert_int_equal(g->n_disagreements, 1); /* F84002's stands too */
  e = its_seen(w->s, w->pat, w->mgr, before);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_DUTY), 1);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_DUTY_AGREEMENT), 0);
  for (size_t i = 0; i < e->n; i++)
    if (e->ev[i]->record_case == PCN__EVENT__RECORD_DUTY) {
      assert_int_equal(e->ev[i]->duty->n_changed, 1);
      assert_int_equal(e->ev[i]->duty->n_cleared, 0);
    }
  its_events_free(e);
  /* What a practice read before the new date is what the entry says now:
   * agreeing it is not stale. An older substance still is. */
  agree(w->pat, "", w->arrs, v + 1, 0, PCN__STATUS_CODE__OK);
  assert_int_equal(reg(w->jo)->n_disagreements, 0);

  /* A change of substance with it clears them, and names both fields. */
  char latest[11];
  server_date(w->mgr, 120, latest);
  ur = update_req(&u, w->arrs, v + 2);
  u.has_review_date_case = PCN__DUTY_UPDATE__HAS_REVIEW_DATE_REVIEW_DATE;
  u.review_date = latest;
  u.has_owner_does_case = PCN__DUTY_UPDATE__HAS_OWNER_DOES_OWNER_DOES;
  u.owner_does = "Recruits ARRS staff with the practices.";
  r = its_expect(w->mgr, &ur, PCN__STATUS_CODE__OK);
  assert_int_equal(r->duty->substance_version, v + 3);
  assert_int_equal(r->duty->n_cleared, 2);
  assert_int_equal(r->duty->n_changed, 2);
  assert_false(agreed(reg(w->jo), w->arrs, "F84001"));
  agree(w->jo, "", w->arrs, v + 2, 0, PCN__STATUS_CODE__CONFLICT);
}

/* Everything is every member's business: each member's feed carries the
 * same register events, the server's and the members'. */
static void test_visibility(void **state) {
  world *w = *state;
  its_member *viewers[] = {w->mgr, w->cd, w->jo, w->pat, w->sam};
  size_t duties = 0, agreements = 0;
  for (size_t i = 0; i < 5; i++) {
    its_events *e = its_seen(w->s, viewers[i], w->mgr, w->since);
    size_t d = its_events_count(e, PCN__EVENT__RECORD_DUTY);
    size_t a = its_events_count(e, PCN__EVENT__RECORD_DUTY_AGREEMENT);
    if (i == 0) {
      duties = d;
      agreements = a;
      /* an add, 2 rota changes, a removal, 3 arrs changes, a review due */
      assert_int_equal(d, 8);
      /* jo: arrs, all pending, rota again; pat: rota, extra, arrs */
      assert_int_equal(a, DEFAULT_ENTRIES + 5);
      int deleted = 0;
      for (size_t k = 0; k < e->n; k++) {
        const Pcn__Event *ev = e->ev[k];
        if (ev->record_case != PCN__EVENT__RECORD_DUTY &&
            ev->record_case != PCN__EVENT__RECORD_DUTY_AGREEMENT)
          continue;
        assert_string_equal(ev->audience, "");
        if (ev->record_case == PCN__EVENT__RECORD_DUTY &&
            ev->op == PCN__OP__DELETED) {
          deleted++;
          assert_int_equal(ev->duty->id, w->extra);
          assert_string_equal(ev->actor, "manager");
        }
      }
      assert_int_equal(deleted, 1);
    } else {
      assert_int_equal(d, duties);
      assert_int_equal(a, agreements);
    }
    its_events_free(e);
  }
}

/* The register, its agreements and its flags survive a restart. */
static void test_restart(void **state) {
  world *w = *state;
  const Pcn__DutyRegister *g = reg(w->mgr);
  size_t n = g->n_duties, na = g->n_agreements;
  its_stop(w->s);
  its_run(w->s);
  relogin(w);
  uint64_t head = its_head(w->mgr);
  g = reg(w->pat);
  assert_int_equal(g->n_duties, n);
  assert_int_equal(g->n_agreements, na);
  assert_true(find(g, w->rota)->version == 3);
  assert_true(agreed(g, w->rota, "F84001") == 0);
  assert_int_equal(its_head(w->mgr), head); /* the start wrote nothing */
}

/* A store from before the register existed gets the defaults once, with
 * an event per entry from the server; a register emptied on purpose
 * stays empty. */
static void clear_register(its_server *s, int keep_seeded_flag) {
  store st;
  char err[200];
  assert_int_equal(store_open(&st, s->dir, 64u << 20, 0, err, sizeof err), 0);
  MDB_txn *txn;
  assert_int_equal(mdb_txn_begin(st.env, NULL, 0, &txn), 0);
  assert_int_equal(mdb_drop(txn, st.duties, 0), 0);
  assert_int_equal(mdb_drop(txn, st.duty_agreements, 0), 0);
  if (!keep_seeded_flag) {
    MDB_val k = {strlen("duties_seeded"), "duties_seeded"};
    assert_int_equal(mdb_del(txn, st.meta, &k, NULL), 0);
  }
  assert_int_equal(mdb_txn_commit(txn), 0);
  store_close(&st);
}

static void test_old_store_seeded_once(void **state) {
  world *w = *state;
  its_stop(w->s);
  clear_register(w->s, 0);
  its_run(w->s);
  relogin(w);
  uint64_t head = its_head(w->mgr);
  const Pcn__DutyRegister *g = reg(w->jo);
  assert_int_equal(g->n_duties, DEFAULT_ENTRIES);
  assert_int_equal(g->n_agreements, 0);
  assert_true(g->duties[0]->id > DEFAULT_ENTRIES); /* ids never reused */
  its_events *e = its_seen(w->s, w->jo, w->mgr, head - DEFAULT_ENTRIES);
  assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_DUTY),
                   DEFAULT_ENTRIES);
  for (size_t i = 0; i < e->n; i++)
    if (e->ev[i]->record_case == PCN__EVENT__RECORD_DUTY) {
      assert_int_equal(e->ev[i]->op, PCN__OP__CREATED);
      assert_string_equal(e->ev[i]->actor, "");
    }
  its_events_free(e);

  /* Emptied with the flag kept: a network that removed every entry. */
  its_stop(w->s);
  clear_register(w->s, 1);
  its_run(w->s);
  relogin(w);
  assert_int_equal(reg(w->jo)->n_duties, 0);
  agree(w->jo, "", 0, 0, 1, PCN__STATUS_CODE__FAILED_PRECONDITION);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_default_register),
      cmocka_unit_test(test_edit_permissions),
      cmocka_unit_test(test_sign_off),
      cmocka_unit_test(test_change_clears),
      cmocka_unit_test(test_remove),
      cmocka_unit_test(test_bad_input),
      cmocka_unit_test(test_review_due),
      cmocka_unit_test(test_visibility),
      cmocka_unit_test(test_restart),
      cmocka_unit_test(test_old_store_seeded_once),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
