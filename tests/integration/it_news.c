/* it_news.c - announcements and policies end to end over TLS, between the
 * PCN manager, the clinical director and the members of two practices:
 * read receipts recorded once, per practice and per member; unread first
 * and pinned on top; expiry by the server's clock (moved, never slept);
 * policy confirmations cleared by a new version; who may post where; who
 * sees which events (its_seen) and which items (list, read); bad input
 * refused naming the field with nothing changed; CONFLICT; and all of it
 * kept across a restart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"
#include "validate.h"

typedef struct world {
  its_server *s;
  its_member *mgr, *cd, *pm_a, *staff_a, *pm_b, *staff_b;
} world;

static int setup(void **state) {
  world *w = calloc(1, sizeof *w);
  w->s = its_start("--test-clock");
  w->mgr = its_manager(w->s);
  its_add_practices(w->mgr, 2);
  w->cd = its_add_member(w->s, w->mgr, "cd", PCN__ROLE__CLINICAL_DIRECTOR, "");
  w->pm_a = its_add_member(w->s, w->mgr, "pma", PCN__ROLE__PRACTICE_MANAGER,
                           "F84001");
  w->staff_a =
      its_add_member(w->s, w->pm_a, "staffa", PCN__ROLE__STAFF, "F84001");
  w->pm_b = its_add_member(w->s, w->mgr, "pmb", PCN__ROLE__PRACTICE_MANAGER,
                           "F84002");
  w->staff_b =
      its_add_member(w->s, w->pm_b, "staffb", PCN__ROLE__STAFF, "F84002");
  *state = w;
  return 0;
}

static int teardown(void **state) {
  world *w = *state;
  its_member *all[] = {w->mgr, w->cd, w->pm_a, w->staff_a, w->pm_b, w->staff_b};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    its_member_free(all[i]);
  assert_int_equal(its_verify(w->s), 0);
  its_free(w->s);
  free(w);
  return 0;
}

/* ------------------------------------------------------------ helpers */

typedef struct post_opts {
  const char *to[21]; /* NULL-terminated; none: everyone */
  const char *body, *link, *expires;
  int pinned, policy;
  uint64_t version_of;
  uint32_t version;
} post_opts;

static const Pcn__Response *post(its_member *m, const char *title,
                                 const post_opts *o, int code) {
  static post_opts none;
  if (!o) o = &none;
  Pcn__NewsPost p = PCN__NEWS_POST__INIT;
  p.title = (char *)title;
  p.body = (char *)(o->body ? o->body : "");
  p.link = (char *)(o->link ? o->link : "");
  p.expires = (char *)(o->expires ? o->expires : "");
  p.pinned = o->pinned;
  p.policy = o->policy;
  p.version_of = o->version_of;
  p.version = o->version;
  while (p.n_practices < 21 && o->to[p.n_practices])
    p.n_practices++;
  p.practices = (char **)o->to;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_POST;
  req.news_post = &p;
  return its_expect(m, &req, code);
}

static uint64_t post_id(its_member *m, const char *title, const post_opts *o) {
  return post(m, title, o, PCN__STATUS_CODE__OK)->news_entry->item->id;
}

static const Pcn__Response *list(its_member *m, int include_expired) {
  Pcn__NewsList l = PCN__NEWS_LIST__INIT;
  l.include_expired = include_expired;
  l.limit = 200;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_LIST;
  req.news_list = &l;
  return its_expect(m, &req, PCN__STATUS_CODE__OK);
}

/* The index of item id in m's list, or -1. */
static int list_index(const Pcn__Response *r, uint64_t id) {
  for (size_t i = 0; i < r->news_page->n_entries; i++)
    if (r->news_page->entries[i]->item->id == id) return (int)i;
  return -1;
}

static const Pcn__NewsEntry *listed(its_member *m, uint64_t id, int expired) {
  const Pcn__Response *r = list(m, expired);
  int i = list_index(r, id);
  return i < 0 ? NULL : r->news_page->entries[i];
}

static const Pcn__Response *news_read(its_member *m, uint64_t id, int code) {
  Pcn__NewsRead x = PCN__NEWS_READ__INIT;
  x.id = id;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_READ;
  req.news_read = &x;
  return its_expect(m, &req, code);
}

static const Pcn__Response *confirm(its_member *m, uint64_t id, uint32_t v,
                                    int code) {
  Pcn__NewsConfirm x = PCN__NEWS_CONFIRM__INIT;
  x.id = id;
  x.policy_version = v;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_CONFIRM;
  req.news_confirm = &x;
  return its_expect(m, &req, code);
}

static const Pcn__Response *receipts(its_member *m, uint64_t id,
                                     const char *practice, int code) {
  Pcn__NewsReceipts x = PCN__NEWS_RECEIPTS__INIT;
  x.id = id;
  x.practice = (char *)practice;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_RECEIPTS;
  req.news_receipts = &x;
  return its_expect(m, &req, code);
}

static const Pcn__NewsPracticeReceipts *group(const Pcn__NewsReceiptReport *rep,
                                              const char *practice) {
  for (size_t i = 0; i < rep->n_practices; i++)
    if (!strcmp(rep->practices[i]->practice, practice))
      return rep->practices[i];
  fail_msg("no group %s in the report", practice);
  return NULL;
}

static const Pcn__NewsMemberReceipt *
member_in(const Pcn__NewsPracticeReceipts *g, const char *username) {
  for (size_t i = 0; i < g->n_receipts; i++)
    if (!strcmp(g->receipts[i]->username, username)) return g->receipts[i];
  return NULL;
}

/* Events of a record case about news item id in e. */
static size_t count_about(const its_events *e, int record_case, uint64_t id) {
  size_t n = 0;
  for (size_t i = 0; i < e->n; i++) {
    const Pcn__Event *ev = e->ev[i];
    if (ev->record_case != (Pcn__Event__RecordCase)record_case) continue;
    if (record_case == PCN__EVENT__RECORD_NEWS && ev->news->id == id) n++;
    if (record_case == PCN__EVENT__RECORD_NEWS_RECEIPT &&
        ev->news_receipt->news_id == id)
      n++;
  }
  return n;
}

static size_t seen_about(world *w, its_member *viewer, uint64_t since,
                         int record_case, uint64_t id) {
  its_events *e = its_seen(w->s, viewer, w->mgr, since);
  size_t n = count_about(e, record_case, id);
  its_events_free(e);
  return n;
}

/* The server's date (its clock may have been moved). */
static void server_day(its_member *m, int offset, char out[11]) {
  pcn_date_format((int32_t)(its_now(m) / 86400000) + offset, out);
}

/* ------------------------------------------------------------ tests */

/* Each member's first opening is one receipt; opening again records
 * nothing. The author sees per practice and per member who has read it;
 * receipts reach the network's people and the reader's practice only. */
static void test_receipts(void **state) {
  world *w = *state;
  uint64_t since = its_head(w->mgr);
  post_opts o = {.body = "Extra clinics on Saturday.\nBook via the hub."};
  uint64_t id = post_id(w->mgr, "Winter pressures", &o);

  const Pcn__Response *r = news_read(w->pm_a, id, PCN__STATUS_CODE__OK);
  assert_true(r->news_entry->read);
  assert_string_equal(r->news_entry->item->body, o.body);
  int64_t first = r->news_entry->read_at;
  assert_true(first > 0);
  uint64_t head = its_head(w->mgr);
  r = news_read(w->pm_a, id, PCN__STATUS_CODE__OK);
  assert_int_equal(r->news_entry->read_at, first);
  assert_int_equal(its_head(w->mgr), head); /* nothing new recorded */
  news_read(w->staff_a, id, PCN__STATUS_CODE__OK);
  news_read(w->pm_b, id, PCN__STATUS_CODE__OK);

  /* The author's view: every practice, the network's people, members. */
  r = receipts(w->mgr, id, "", PCN__STATUS_CODE__OK);
  const Pcn__NewsReceiptReport *rep = r->news_report;
  assert_int_equal(rep->members, 5); /* cd, pma, staffa, pmb, staffb */
  assert_int_equal(rep->read, 3);
  assert_int_equal(rep->n_practices, 3);
  assert_string_equal(rep->practices[0]->practice, ""); /* network first */
  assert_int_equal(group(rep, "")->members, 1);         /* cd, not mgr */
  assert_int_equal(group(rep, "F84001")->read, 2);
  const Pcn__NewsPracticeReceipts *b = group(rep, "F84002");
  assert_int_equal(b->members, 2);
  assert_int_equal(b->read, 1);
  assert_string_equal(b->receipts[0]->username, "staffb"); /* unread first */
  assert_false(b->receipts[0]->read);
  assert_true(member_in(b, "pmb")->read);
  assert_int_equal(member_in(group(rep, "F84001"), "pma")->read_at, first);

  /* A practice manager sees their own practice, not the others. */
  r = receipts(w->pm_a, id, "F84001", PCN__STATUS_CODE__OK);
  assert_int_equal(r->news_report->n_practices, 1);
  assert_int_equal(r->news_report->members, 2);
  receipts(w->pm_a, id, "F84002", PCN__STATUS_CODE__PERMISSION_DENIED);
  receipts(w->pm_a, id, "", PCN__STATUS_CODE__PERMISSION_DENIED);
  receipts(w->staff_a, id, "F84001", PCN__STATUS_CODE__PERMISSION_DENIED);
  receipts(w->cd, id, "F84002", PCN__STATUS_CODE__OK);

  /* Who saw the receipts: the network's people all three; each practice
   * its own. Everyone saw the announcement. */
  assert_int_equal(
      seen_about(w, w->mgr, since, PCN__EVENT__RECORD_NEWS_RECEIPT, id), 3);
  assert_int_equal(
      seen_about(w, w->cd, since, PCN__EVENT__RECORD_NEWS_RECEIPT, id), 3);
  assert_int_equal(
      seen_about(w, w->staff_a, since, PCN__EVENT__RECORD_NEWS_RECEIPT, id), 2);
  assert_int_equal(
      seen_about(w, w->staff_b, since, PCN__EVENT__RECORD_NEWS_RECEIPT, id), 1);
  assert_int_equal(
      seen_about(w, w->staff_b, since, PCN__EVENT__RECORD_NEWS, id), 1);
}

/* An announcement to one practice reaches its members and the network's
 * people, and no one else, in events and in reads. Who may post where. */
static void test_visibility_and_posting(void **state) {
  world *w = *state;
  uint64_t since = its_head(w->mgr);
  post_opts to_a = {.to = {"f84001"}}; /* lower case is accepted */
  const Pcn__Response *r =
      post(w->mgr, "Riverside fire drill", &to_a, PCN__STATUS_CODE__OK);
  uint64_t id = r->news_entry->item->id;
  assert_int_equal(r->news_entry->item->n_practices, 1);
  assert_string_equal(r->news_entry->item->practices[0], "F84001");

  assert_non_null(listed(w->staff_a, id, 0));
  assert_non_null(listed(w->cd, id, 0));
  assert_null(listed(w->pm_b, id, 0));
  assert_null(listed(w->staff_b, id, 1));
  /* Not to Hill Street: to its people the item does not exist (issue
   * 13), whatever they ask of it. */
  news_read(w->pm_b, id, PCN__STATUS_CODE__NOT_FOUND);
  confirm(w->pm_b, id, 0, PCN__STATUS_CODE__NOT_FOUND);
  receipts(w->pm_b, id, "F84002", PCN__STATUS_CODE__NOT_FOUND);
  news_read(w->cd, id, PCN__STATUS_CODE__OK);

  /* Only the targeted practice is asked: the cd's opening is kept but
   * not counted. */
  const Pcn__NewsReceiptReport *rep =
      receipts(w->mgr, id, "", PCN__STATUS_CODE__OK)->news_report;
  assert_int_equal(rep->n_practices, 1);
  assert_int_equal(rep->members, 2);
  assert_int_equal(rep->read, 0);
  receipts(w->mgr, id, "F84002", PCN__STATUS_CODE__FAILED_PRECONDITION);

  assert_int_equal(
      seen_about(w, w->staff_a, since, PCN__EVENT__RECORD_NEWS, id), 1);
  assert_int_equal(seen_about(w, w->cd, since, PCN__EVENT__RECORD_NEWS, id), 1);
  assert_int_equal(seen_about(w, w->pm_b, since, PCN__EVENT__RECORD_NEWS, id),
                   0);
  assert_int_equal(
      seen_about(w, w->staff_b, since, PCN__EVENT__RECORD_NEWS, id), 0);
  /* The cd's receipt went to the network's people only. */
  assert_int_equal(
      seen_about(w, w->staff_a, since, PCN__EVENT__RECORD_NEWS_RECEIPT, id), 0);
  assert_int_equal(
      seen_about(w, w->mgr, since, PCN__EVENT__RECORD_NEWS_RECEIPT, id), 1);

  /* A practice manager posts to their own practice only; staff never. */
  post_opts to_b = {.to = {"F84002"}}, to_both = {.to = {"F84001", "F84002"}};
  post(w->pm_a, "To Hill", &to_b, PCN__STATUS_CODE__PERMISSION_DENIED);
  post(w->pm_a, "To both", &to_both, PCN__STATUS_CODE__PERMISSION_DENIED);
  post(w->pm_a, "To all", NULL, PCN__STATUS_CODE__PERMISSION_DENIED);
  post(w->staff_a, "Staff post", &to_a, PCN__STATUS_CODE__PERMISSION_DENIED);
  uint64_t own = post_id(w->pm_a, "Riverside car park closed", &to_a);
  const Pcn__NewsEntry *e = listed(w->pm_a, own, 0);
  assert_true(e->author); /* the author has read what they wrote */
  assert_true(e->read);
  assert_false(listed(w->staff_a, own, 0)->read);
  assert_non_null(listed(w->mgr, own, 0)); /* the network's people see it */
  assert_null(listed(w->pm_b, own, 0));
  /* The author sees the receipts of their post. */
  news_read(w->staff_a, own, PCN__STATUS_CODE__OK);
  rep = receipts(w->pm_a, own, "", PCN__STATUS_CODE__OK)->news_report;
  assert_int_equal(rep->members, 1); /* staffa; pma wrote it */
  assert_int_equal(rep->read, 1);

  /* The clinical director posts to both practices. */
  uint64_t both = post_id(w->cd, "Hub rota", &to_both);
  assert_non_null(listed(w->staff_b, both, 0));
  assert_non_null(listed(w->staff_a, both, 0));
}

/* Pinned on top, then unread (newest first), then read. */
static void test_order(void **state) {
  world *w = *state;
  post_opts pin = {.pinned = 1};
  uint64_t p = post_id(w->mgr, "Pinned: how to reach the hub", &pin);
  uint64_t x = post_id(w->mgr, "Older news", NULL);
  uint64_t y = post_id(w->mgr, "Newer news", NULL);
  uint64_t z = post_id(w->mgr, "Newest news", NULL);
  news_read(w->pm_b, z, PCN__STATUS_CODE__OK);
  news_read(w->pm_b, p, PCN__STATUS_CODE__OK);
  const Pcn__Response *r = list(w->pm_b, 0);
  int ip = list_index(r, p), ix = list_index(r, x), iy = list_index(r, y),
      iz = list_index(r, z);
  assert_int_equal(ip, 0); /* pinned, read or not */
  assert_true(iy < ix);    /* unread, newest first */
  assert_true(ix < iz);    /* read after unread */
  for (int i = 1; i < iz; i++)
    assert_false(r->news_page->entries[i]->read);
  for (size_t i = (size_t)iz; i < r->news_page->n_entries; i++)
    assert_true(r->news_page->entries[i]->read);
  uint32_t unread = r->news_page->unread;
  assert_true(unread >= 2);
  news_read(w->pm_b, y, PCN__STATUS_CODE__OK);
  assert_int_equal(list(w->pm_b, 0)->news_page->unread, unread - 1);
  /* Lists carry no text: reading gives it. */
  assert_string_equal(r->news_page->entries[ip]->item->body, "");
}

/* An expiry is a day: shown to its end by the server's clock, then gone
 * from lists unless asked for. */
static void test_expiry(void **state) {
  world *w = *state;
  char today[11], tomorrow[11], yesterday[11];
  server_day(w->mgr, 0, today);
  server_day(w->mgr, 1, tomorrow);
  server_day(w->mgr, -1, yesterday);
  post_opts o = {.expires = today};
  uint64_t a = post_id(w->mgr, "Today only", &o);
  o.expires = tomorrow;
  uint64_t b = post_id(w->mgr, "Until tomorrow", &o);
  o.expires = yesterday;
  const Pcn__Response *r =
      post(w->mgr, "Already over", &o, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "expires");
  assert_non_null(listed(w->staff_a, a, 0));

  its_advance(w->mgr, 86400000);
  assert_null(listed(w->staff_a, a, 0));
  const Pcn__NewsEntry *e = listed(w->staff_a, a, 1);
  assert_non_null(e);
  assert_true(e->expired);
  e = listed(w->staff_a, b, 0);
  assert_non_null(e);
  assert_false(e->expired);
  r = news_read(w->staff_a, a, PCN__STATUS_CODE__OK); /* still readable */
  assert_true(r->news_entry->expired);

  its_advance(w->mgr, 86400000);
  assert_null(listed(w->staff_a, b, 0));
  assert_non_null(listed(w->staff_a, b, 1));
}

/* A policy: each member confirms it; the author sees confirmations per
 * practice and per member; a new version clears them and asks again. */
static void test_policy_versions(void **state) {
  world *w = *state;
  uint64_t since = its_head(w->mgr);
  post_opts o = {.policy = 1,
                 .link = "https://pcn.example/policies/chaperone-v1.pdf"};
  const Pcn__Response *r =
      post(w->mgr, "Chaperone policy", &o, PCN__STATUS_CODE__OK);
  uint64_t id = r->news_entry->item->id;
  assert_int_equal(r->news_entry->item->policy_version, 1);
  assert_true(listed(w->pm_a, id, 0)->to_confirm);
  assert_int_equal(list(w->pm_a, 0)->news_page->to_confirm, 1);

  r = confirm(w->pm_a, id, 1, PCN__STATUS_CODE__OK);
  assert_true(r->news_entry->confirmed);
  assert_true(r->news_entry->read); /* confirming is reading */
  news_read(w->staff_a, id, PCN__STATUS_CODE__OK);
  confirm(w->pm_b, id, 0, PCN__STATUS_CODE__OK);
  uint64_t head = its_head(w->mgr);
  confirm(w->pm_b, id, 0, PCN__STATUS_CODE__OK); /* again: nothing new */
  assert_int_equal(its_head(w->mgr), head);
  confirm(w->mgr, id, 0, PCN__STATUS_CODE__FAILED_PRECONDITION); /* author */

  const Pcn__NewsReceiptReport *rep =
      receipts(w->mgr, id, "", PCN__STATUS_CODE__OK)->news_report;
  assert_int_equal(rep->confirmed, 2);
  assert_int_equal(rep->read, 3);
  assert_int_equal(group(rep, "F84001")->confirmed, 1);
  /* The practice manager sees who in their practice has not confirmed. */
  rep = receipts(w->pm_a, id, "F84001", PCN__STATUS_CODE__OK)->news_report;
  assert_string_equal(rep->practices[0]->receipts[0]->username, "staffa");
  assert_true(rep->practices[0]->receipts[0]->read);
  assert_false(rep->practices[0]->receipts[0]->confirmed);
  assert_true(member_in(rep->practices[0], "pma")->confirmed);

  /* Version 2 clears the confirmations; a stale version is a CONFLICT
   * that shows the policy as it is now. */
  post_opts v2 = {.policy = 1,
                  .version_of = id,
                  .version = 1,
                  .body = "Offer a chaperone for every intimate examination.",
                  .link = "https://pcn.example/policies/chaperone-v2.pdf"};
  r = post(w->mgr, "Chaperone policy (2026)", &v2, PCN__STATUS_CODE__OK);
  assert_int_equal(r->news_entry->item->id, id);
  assert_int_equal(r->news_entry->item->policy_version, 2);
  r = post(w->mgr, "Someone else's edit", &v2, PCN__STATUS_CODE__CONFLICT);
  assert_int_equal(r->body_case, PCN__RESPONSE__BODY_NEWS_ENTRY);
  assert_int_equal(r->news_entry->item->policy_version, 2);
  assert_string_equal(r->news_entry->item->title, "Chaperone policy (2026)");
  r = confirm(w->pm_b, id, 1, PCN__STATUS_CODE__CONFLICT);
  assert_int_equal(r->news_entry->item->policy_version, 2);

  rep = receipts(w->mgr, id, "", PCN__STATUS_CODE__OK)->news_report;
  assert_int_equal(rep->confirmed, 0);
  assert_int_equal(rep->read, 0);
  const Pcn__NewsEntry *e = listed(w->pm_a, id, 0);
  assert_false(e->read);
  assert_false(e->confirmed);
  assert_true(e->to_confirm);
  confirm(w->pm_a, id, 2, PCN__STATUS_CODE__OK);
  rep = receipts(w->mgr, id, "", PCN__STATUS_CODE__OK)->news_report;
  assert_int_equal(rep->confirmed, 1);
  const Pcn__NewsMemberReceipt *pmb = member_in(group(rep, "F84002"), "pmb");
  assert_false(pmb->confirmed);
  assert_int_equal(pmb->confirmed_version, 1);

  /* Everyone heard of both versions, live. */
  its_events *ev = its_seen(w->s, w->staff_b, w->mgr, since);
  size_t versions = 0;
  for (size_t i = 0; i < ev->n; i++)
    if (ev->ev[i]->record_case == PCN__EVENT__RECORD_NEWS &&
        ev->ev[i]->news->id == id)
      versions |= 1u << ev->ev[i]->news->policy_version;
  assert_int_equal(versions, (1u << 1) | (1u << 2));
  its_events_free(ev);

  /* What a new version may not do. */
  uint64_t plain = post_id(w->mgr, "Not a policy", NULL);
  post_opts bad = {.policy = 1, .version_of = plain, .body = "x"};
  r = post(w->mgr, "v2", &bad, PCN__STATUS_CODE__FAILED_PRECONDITION);
  its_field_is(r, "version_of");
  confirm(w->pm_a, plain, 0, PCN__STATUS_CODE__FAILED_PRECONDITION);
  bad.version_of = id;
  bad.to[0] = "F84001";
  r = post(w->mgr, "v3", &bad, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "practices");
  bad.to[0] = NULL;
  post(w->pm_a, "v3", &bad, PCN__STATUS_CODE__PERMISSION_DENIED);
  bad.version_of = 999999;
  r = post(w->mgr, "v3", &bad, PCN__STATUS_CODE__NOT_FOUND);
  its_field_is(r, "version_of");
  post_opts empty = {.policy = 1};
  r = post(w->mgr, "A policy with nothing in it", &empty,
           PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "body");
}

/* Bad input: refused, naming the field, and nothing is posted. */
static void test_bad_input(void **state) {
  world *w = *state;
  size_t before = list(w->mgr, 1)->news_page->n_entries;
  uint64_t head = its_head(w->mgr);
  struct {
    const char *title;
    post_opts o;
    int code;
    const char *field;
  } cases[] = {
      {"", {.pinned = 0}, PCN__STATUS_CODE__INVALID_ARGUMENT, "title"},
      {"Line\nbreak",
       {.pinned = 0},
       PCN__STATUS_CODE__INVALID_ARGUMENT,
       "title"},
      {"Bad body",
       {.body = "bell\a"},
       PCN__STATUS_CODE__INVALID_ARGUMENT,
       "body"},
      {"Bad link",
       {.link = "ftp://x/y"},
       PCN__STATUS_CODE__INVALID_ARGUMENT,
       "link"},
      {"Bad date",
       {.expires = "2026-02-30"},
       PCN__STATUS_CODE__INVALID_ARGUMENT,
       "expires"},
      {"Bad practice",
       {.to = {"XYZ"}},
       PCN__STATUS_CODE__INVALID_ARGUMENT,
       "practices"},
      {"No practice",
       {.to = {"F99999"}},
       PCN__STATUS_CODE__NOT_FOUND,
       "practices"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const Pcn__Response *r =
        post(w->mgr, cases[i].title, &cases[i].o, cases[i].code);
    its_field_is(r, cases[i].field);
    assert_true(strlen(r->status->message) > 20);
  }
  char longt[300];
  memset(longt, 'x', sizeof longt - 1);
  longt[sizeof longt - 1] = 0;
  post(w->mgr, longt, NULL, PCN__STATUS_CODE__INVALID_ARGUMENT);
  post_opts many = {.pinned = 0};
  for (int i = 0; i < 21; i++)
    many.to[i] = "F84001";
  const Pcn__Response *r =
      post(w->mgr, "Too many", &many, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(r, "practices");
  news_read(w->pm_a, 999999, PCN__STATUS_CODE__NOT_FOUND);
  confirm(w->pm_a, 999999, 0, PCN__STATUS_CODE__NOT_FOUND);
  receipts(w->mgr, 999999, "", PCN__STATUS_CODE__NOT_FOUND);
  receipts(w->mgr, 1, "nope", PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_int_equal(list(w->mgr, 1)->news_page->n_entries, before);
  assert_int_equal(its_head(w->mgr), head);
}

/* Receipts, confirmations and versions survive a restart. */
static void test_restart(void **state) {
  world *w = *state;
  post_opts o = {.policy = 1, .body = "Lone working: check in by 6pm."};
  uint64_t id = post_id(w->mgr, "Lone working policy", &o);
  confirm(w->staff_b, id, 0, PCN__STATUS_CODE__OK);
  news_read(w->pm_b, id, PCN__STATUS_CODE__OK);
  its_stop(w->s);
  its_run(w->s);
  its_member *mgr = its_login(w->s, "manager", ITEST_PASSWORD);
  its_member *pmb = its_login(w->s, "pmb", ITEST_PASSWORD);
  const Pcn__NewsReceiptReport *rep =
      receipts(mgr, id, "", PCN__STATUS_CODE__OK)->news_report;
  assert_int_equal(rep->read, 2);
  assert_int_equal(rep->confirmed, 1);
  const Pcn__NewsEntry *e = listed(pmb, id, 0);
  assert_true(e->read);
  assert_true(e->to_confirm);
  uint64_t head = its_head(mgr);
  news_read(pmb, id, PCN__STATUS_CODE__OK);
  assert_int_equal(its_head(mgr), head);
  /* Ids go on from where they were. */
  assert_true(post_id(mgr, "After the restart", NULL) > id);
  its_member_free(mgr);
  its_member_free(pmb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_receipts),
      cmocka_unit_test(test_visibility_and_posting),
      cmocka_unit_test(test_order),
      cmocka_unit_test(test_expiry),
      cmocka_unit_test(test_policy_versions),
      cmocka_unit_test(test_bad_input),
      cmocka_unit_test(test_restart),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
