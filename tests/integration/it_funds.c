/* it_funds.c - the network's ledger over TLS: practices' figures as a
 * history, funding streams (the defaults and the PCN manager's own),
 * receipts, distributions in every split mode (with a preview that posts
 * nothing), expenses and reversals (once only), balances to the penny,
 * reads for every member and posting for the PCN manager only, every
 * event seen by every practice, survival across a restart; a randomised
 * property test of entries and reversals against a model kept here;
 * `pcnd verify` catching a balance altered behind the server's back; and
 * issue 20: figures not given carried from the record before, a second
 * expense with the same reference refused unless meant, distributions by
 * care-home beds and by a stream's saved rule (top slice kept in
 * bank:STREAM, the rest split exactly, checked against a largest-remainder
 * split worked here), and pass-through streams.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "itest.h"
#include "store.h"
#include "validate.h"

#ifndef PCND_PATH
#define PCND_PATH "pcnd"
#endif

/* ------------------------------------------------------------ requests */

static const Pcn__Response *figures(its_member *m, const char *ods,
                                    const char *from, uint32_t list,
                                    uint32_t weighted, const char *locality,
                                    int code) {
  Pcn__FundsFiguresSet f = PCN__FUNDS_FIGURES_SET__INIT;
  f.practice = (char *)ods;
  f.applies_from = (char *)from;
  f.list_size = list;
  f.weighted = weighted;
  f.locality = (char *)locality;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_FIGURES_SET;
  req.funds_figures_set = &f;
  return its_expect(m, &req, code);
}

static const Pcn__Response *figures_list(its_member *m, const char *ods,
                                         const char *as_at) {
  Pcn__FundsFiguresList f = PCN__FUNDS_FIGURES_LIST__INIT;
  f.practice = (char *)ods;
  f.as_at = (char *)as_at;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_FIGURES_LIST;
  req.funds_figures_list = &f;
  return its_expect(m, &req, PCN__STATUS_CODE__OK);
}

static const Pcn__Response *receive(its_member *m, const char *stream,
                                    int64_t pence, const char *date, int code) {
  Pcn__FundsReceive r = PCN__FUNDS_RECEIVE__INIT;
  r.stream = (char *)stream;
  r.pence = pence;
  r.date = (char *)date;
  r.reference = "ICB remittance";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_RECEIVE;
  req.funds_receive = &r;
  return its_expect(m, &req, code);
}

static const Pcn__Response *expense(its_member *m, const char *stream,
                                    int64_t pence, const char *payee,
                                    int code) {
  Pcn__FundsExpense r = PCN__FUNDS_EXPENSE__INIT;
  r.stream = (char *)stream;
  r.pence = pence;
  r.date = "2027-04-20";
  r.payee = (char *)payee;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_EXPENSE;
  req.funds_expense = &r;
  return its_expect(m, &req, code);
}

static const char *dist_date = "2027-04-15";

/* parts: n practices, with pence (FIXED) or basis points (PERCENT). */
static const Pcn__Response *
distribute(its_member *m, const char *stream, int64_t pence, int split,
           const char *figures_date, size_t n, const char *const *ods,
           const int64_t *vals, int preview, int code) {
  Pcn__FundsDistribute d = PCN__FUNDS_DISTRIBUTE__INIT;
  d.stream = (char *)stream;
  d.pence = pence;
  d.date = (char *)dist_date;
  d.split = split;
  d.figures_date = (char *)figures_date;
  d.preview = preview;
  Pcn__FundsPart parts[8], *pp[8];
  for (size_t i = 0; i < n; i++) {
    pcn__funds_part__init(&parts[i]);
    parts[i].practice = (char *)ods[i];
    if (vals && split == PCN__FUNDS_SPLIT__FUNDS_SPLIT_FIXED)
      parts[i].pence = vals[i];
    if (vals && split == PCN__FUNDS_SPLIT__FUNDS_SPLIT_PERCENT)
      parts[i].basis_points = (uint32_t)vals[i];
    pp[i] = &parts[i];
  }
  d.n_parts = n;
  d.parts = pp;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_DISTRIBUTE;
  req.funds_distribute = &d;
  return its_expect(m, &req, code);
}

static const Pcn__Response *reverse(its_member *m, uint64_t id, int code) {
  Pcn__FundsReverse r = PCN__FUNDS_REVERSE__INIT;
  r.entry = id;
  r.note = "posted in error";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_REVERSE;
  req.funds_reverse = &r;
  return its_expect(m, &req, code);
}

static const Pcn__Response *ledger(its_member *m, const char *stream,
                                   const char *practice, const char *month,
                                   uint64_t before, uint32_t limit) {
  Pcn__FundsLedger l = PCN__FUNDS_LEDGER__INIT;
  l.stream = (char *)stream;
  l.practice = (char *)practice;
  l.month = (char *)month;
  l.before = before;
  l.limit = limit;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_LEDGER;
  req.funds_ledger = &l;
  return its_expect(m, &req, PCN__STATUS_CODE__OK);
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

static int64_t line_of(const Pcn__FundsEntry *e, const char *account) {
  for (size_t i = 0; i < e->n_lines; i++)
    if (strcmp(e->lines[i]->account, account) == 0) return e->lines[i]->pence;
  return 0;
}

static void assert_balanced(const Pcn__FundsEntry *e) {
  int64_t s = 0;
  for (size_t i = 0; i < e->n_lines; i++)
    s += e->lines[i]->pence;
  assert_int_equal(s, 0);
}

static void field_is(const Pcn__Response *r, const char *field) {
  assert_non_null(r->status->details);
  assert_string_equal(r->status->details->field, field);
}

/* ------------------------------------------------------------ world */

typedef struct world {
  its_server *s;
  its_member *mgr, *jo, *sam, *cd;
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
  return w;
}

static void free_world(world *w) {
  its_member_free(w->mgr);
  its_member_free(w->jo);
  its_member_free(w->sam);
  its_member_free(w->cd);
  its_free(w->s);
  free(w);
}

/* ------------------------------------------------------------ tests */

static void test_figures_and_streams(void **state) {
  (void)state;
  world *w = make_world();
  uint64_t since = its_head(w->mgr);

  /* Only the PCN manager records figures; everyone reads them. */
  figures(w->jo, "F84001", "2027-04-01", 12100, 13000, "",
          PCN__STATUS_CODE__PERMISSION_DENIED);
  figures(w->mgr, "F84001", "2026-04-01", 11800, 12500, "North",
          PCN__STATUS_CODE__OK);
  const Pcn__Response *r = figures(w->mgr, "f84001", "2027-04-01", 12100, 13000,
                                   "North", PCN__STATUS_CODE__OK);
  assert_string_equal(r->funds_figures->practice, "F84001");
  assert_string_equal(r->funds_figures->recorded_by, "manager");
  figures(w->mgr, "F84002", "2027-04-01", 8000, 7600, "South",
          PCN__STATUS_CODE__OK);
  /* Bad input: the field named, nothing recorded. */
  r = figures(w->mgr, "F84002", "2027-02-30", 1, 1, "",
              PCN__STATUS_CODE__INVALID_ARGUMENT);
  field_is(r, "applies_from");
  r = figures(w->mgr, "F89999", "2027-04-01", 1, 1, "",
              PCN__STATUS_CODE__NOT_FOUND);
  field_is(r, "practice");
  r = figures(w->mgr, "F84002", "2027-04-01", 1, 20000000, "",
              PCN__STATUS_CODE__INVALID_ARGUMENT);
  field_is(r, "weighted");

  /* The history, oldest first; and the figures in force on a date. */
  r = figures_list(w->jo, "F84001", "");
  assert_int_equal(r->funds_figures_page->n_figures, 2);
  assert_string_equal(r->funds_figures_page->figures[0]->applies_from,
                      "2026-04-01");
  assert_int_equal(r->funds_figures_page->figures[1]->list_size, 12100);
  r = figures_list(w->sam, "", "2027-01-01");
  assert_int_equal(r->funds_figures_page->n_figures, 1);
  assert_int_equal(r->funds_figures_page->figures[0]->list_size, 11800);
  r = figures_list(w->sam, "", "2027-06-01");
  assert_int_equal(r->funds_figures_page->n_figures, 2);
  assert_int_equal(r->funds_figures_page->figures[0]->weighted, 13000);
  assert_string_equal(r->funds_figures_page->figures[1]->locality, "South");
  /* The same date again replaces that date's figures. */
  figures(w->mgr, "F84002", "2027-04-01", 8050, 7600, "South",
          PCN__STATUS_CODE__OK);
  r = figures_list(w->jo, "F84002", "");
  assert_int_equal(r->funds_figures_page->n_figures, 1);
  assert_int_equal(r->funds_figures_page->figures[0]->list_size, 8050);

  /* Streams: the defaults in every network, and the manager's own. */
  Pcn__FundsStreamList sl = PCN__FUNDS_STREAM_LIST__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_STREAM_LIST;
  req.funds_stream_list = &sl;
  r = its_expect(w->sam, &req, PCN__STATUS_CODE__OK);
  assert_int_equal(r->funds_streams->n_streams, 9);
  assert_string_equal(r->funds_streams->streams[0]->name, "Core PCN funding");
  assert_true(r->funds_streams->streams[2]->builtin);
  Pcn__FundsStreamAdd sa = PCN__FUNDS_STREAM_ADD__INIT;
  sa.code = "estates";
  sa.name = "Estates grant";
  Pcn__Request add = PCN__REQUEST__INIT;
  add.body_case = PCN__REQUEST__BODY_FUNDS_STREAM_ADD;
  add.funds_stream_add = &sa;
  its_expect(w->jo, &add, PCN__STATUS_CODE__PERMISSION_DENIED);
  its_expect(w->mgr, &add, PCN__STATUS_CODE__OK);
  its_expect(w->mgr, &add, PCN__STATUS_CODE__ALREADY_EXISTS);
  sa.code = "arrs";
  its_expect(w->mgr, &add, PCN__STATUS_CODE__ALREADY_EXISTS);
  sa.code = "Bad Code";
  field_is(its_expect(w->mgr, &add, PCN__STATUS_CODE__INVALID_ARGUMENT),
           "code");
  r = its_expect(w->jo, &req, PCN__STATUS_CODE__OK);
  assert_int_equal(r->funds_streams->n_streams, 10);
  assert_string_equal(r->funds_streams->streams[9]->code, "estates");
  assert_false(r->funds_streams->streams[9]->builtin);
  /* A new stream takes money like the defaults. */
  receive(w->mgr, "estates", 50000, "2027-04-02", PCN__STATUS_CODE__OK);

  /* Every practice sees the figures, the stream and the entry. */
  its_member *viewers[] = {w->jo, w->sam, w->cd};
  for (size_t i = 0; i < 3; i++) {
    its_events *e = its_seen(w->s, viewers[i], w->mgr, since);
    assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_FUNDS_FIGURES), 4);
    assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_FUNDS_STREAM), 1);
    assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_FUNDS_ENTRY), 1);
    its_events_free(e);
  }
  assert_int_equal(its_verify(w->s), 0);
  free_world(w);
}

static void test_entries(void **state) {
  (void)state;
  world *w = make_world();
  figures(w->mgr, "F84001", "2027-04-01", 12000, 13000, "",
          PCN__STATUS_CODE__OK);
  figures(w->mgr, "F84002", "2027-04-01", 8000, 7000, "", PCN__STATUS_CODE__OK);
  figures(w->mgr, "F84003", "2027-04-01", 5000, 5000, "", PCN__STATUS_CODE__OK);
  uint64_t since = its_head(w->mgr);

  /* Bad input: named, nothing posted. */
  field_is(receive(w->mgr, "nope", 100, "", PCN__STATUS_CODE__INVALID_ARGUMENT),
           "stream");
  field_is(
      receive(w->mgr, "core", -100, "", PCN__STATUS_CODE__INVALID_ARGUMENT),
      "pence");
  field_is(receive(w->mgr, "core", 0, "", PCN__STATUS_CODE__INVALID_ARGUMENT),
           "pence");
  field_is(receive(w->mgr, "core", 100, "2027-13-01",
                   PCN__STATUS_CODE__INVALID_ARGUMENT),
           "date");
  receive(w->jo, "core", 100, "", PCN__STATUS_CODE__PERMISSION_DENIED);
  receive(w->cd, "core", 100, "", PCN__STATUS_CODE__PERMISSION_DENIED);
  /* Nothing held yet: nothing to pay out. */
  distribute(w->mgr, "core", 100, PCN__FUNDS_SPLIT__FUNDS_SPLIT_EQUAL, "", 0,
             NULL, NULL, 0, PCN__STATUS_CODE__FAILED_PRECONDITION);
  assert_int_equal(
      ledger(w->jo, "", "", "", 0, 0)->funds_ledger_page->n_entries, 0);

  /* A receipt: bank up, income credited. */
  const Pcn__Response *r =
      receive(w->mgr, "core", 2500000, "2027-04-03", PCN__STATUS_CODE__OK);
  uint64_t receipt = r->funds_entry->id;
  assert_balanced(r->funds_entry);
  assert_int_equal(line_of(r->funds_entry, "bank:core"), 2500000);
  assert_int_equal(line_of(r->funds_entry, "income:core"), -2500000);

  /* By list size, previewed first: 10,000.01 over 12000:8000:5000. */
  r = distribute(w->mgr, "core", 1000001,
                 PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE, "2027-04-10", 0, NULL,
                 NULL, 1, PCN__STATUS_CODE__OK);
  assert_true(r->funds_entry->preview);
  assert_int_equal(r->funds_entry->id, 0);
  assert_int_equal(line_of(r->funds_entry, "practice:F84001:core"), 480001);
  assert_int_equal(line_of(r->funds_entry, "practice:F84002:core"), 320000);
  assert_int_equal(line_of(r->funds_entry, "practice:F84003:core"), 200000);
  assert_balanced(r->funds_entry);
  assert_int_equal(
      ledger(w->jo, "", "", "", 0, 0)->funds_ledger_page->n_entries, 1);
  assert_int_equal(balance_of(w->jo, "bank:core"), 2500000);
  /* A practice manager may not even preview (posting is the manager's). */
  distribute(w->jo, "core", 1000001, PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE,
             "", 0, NULL, NULL, 1, PCN__STATUS_CODE__PERMISSION_DENIED);
  r = distribute(w->mgr, "core", 1000001,
                 PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE, "2027-04-10", 0, NULL,
                 NULL, 0, PCN__STATUS_CODE__OK);
  uint64_t dist = r->funds_entry->id;
  assert_int_equal(line_of(r->funds_entry, "practice:F84002:core"), 320000);

  /* Weighted population (13000:7000:5000) over two named practices. */
  const char *two[] = {"F84001", "F84002"};
  r = distribute(w->mgr, "core", 100000, PCN__FUNDS_SPLIT__FUNDS_SPLIT_WEIGHTED,
                 "", 2, two, NULL, 0, PCN__STATUS_CODE__OK);
  assert_int_equal(line_of(r->funds_entry, "practice:F84001:core"), 65000);
  assert_int_equal(line_of(r->funds_entry, "practice:F84002:core"), 35000);
  /* Equal: 100.00 in three, the odd penny to the earliest. */
  r = distribute(w->mgr, "core", 10000, PCN__FUNDS_SPLIT__FUNDS_SPLIT_EQUAL, "",
                 0, NULL, NULL, 0, PCN__STATUS_CODE__OK);
  assert_int_equal(line_of(r->funds_entry, "practice:F84001:core"), 3334);
  assert_int_equal(line_of(r->funds_entry, "practice:F84002:core"), 3333);
  assert_int_equal(line_of(r->funds_entry, "practice:F84003:core"), 3333);
  /* Fixed amounts must add up to the total. */
  int64_t fixed_bad[] = {6000, 3000}, fixed[] = {6000, 4000};
  field_is(distribute(w->mgr, "core", 10000,
                      PCN__FUNDS_SPLIT__FUNDS_SPLIT_FIXED, "", 2, two,
                      fixed_bad, 0, PCN__STATUS_CODE__INVALID_ARGUMENT),
           "parts");
  r = distribute(w->mgr, "core", 10000, PCN__FUNDS_SPLIT__FUNDS_SPLIT_FIXED, "",
                 2, two, fixed, 0, PCN__STATUS_CODE__OK);
  assert_int_equal(line_of(r->funds_entry, "practice:F84002:core"), 4000);
  /* Percentages must add up to 100%. */
  int64_t pct_bad[] = {5000, 4000}, pct[] = {3333, 6667};
  r = distribute(w->mgr, "core", 10000, PCN__FUNDS_SPLIT__FUNDS_SPLIT_PERCENT,
                 "", 2, two, pct_bad, 0, PCN__STATUS_CODE__INVALID_ARGUMENT);
  field_is(r, "parts");
  assert_non_null(strstr(r->status->message, "90.00%"));
  r = distribute(w->mgr, "core", 10001, PCN__FUNDS_SPLIT__FUNDS_SPLIT_PERCENT,
                 "", 2, two, pct, 0, PCN__STATUS_CODE__OK);
  assert_int_equal(line_of(r->funds_entry, "practice:F84001:core"), 3333);
  assert_int_equal(line_of(r->funds_entry, "practice:F84002:core"), 6668);
  /* Unknown practices, repeats, no split, figures missing on a date. */
  const char *bad[] = {"F84001", "F84001"};
  field_is(distribute(w->mgr, "core", 100, PCN__FUNDS_SPLIT__FUNDS_SPLIT_EQUAL,
                      "", 2, bad, NULL, 0, PCN__STATUS_CODE__INVALID_ARGUMENT),
           "parts");
  const char *unknown[] = {"F89999"};
  field_is(distribute(w->mgr, "core", 100, PCN__FUNDS_SPLIT__FUNDS_SPLIT_EQUAL,
                      "", 1, unknown, NULL, 0,
                      PCN__STATUS_CODE__INVALID_ARGUMENT),
           "parts");
  /* No split: the stream's rule, and core has none (issue 20). */
  field_is(distribute(w->mgr, "core", 100, PCN__FUNDS_SPLIT__FUNDS_SPLIT_NONE,
                      "", 0, NULL, NULL, 0,
                      PCN__STATUS_CODE__FAILED_PRECONDITION),
           "split");
  field_is(distribute(w->mgr, "core", 100, 99, "", 0, NULL, NULL, 0,
                      PCN__STATUS_CODE__INVALID_ARGUMENT),
           "split");
  r = distribute(w->mgr, "core", 100, PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE,
                 "2027-03-31", 0, NULL, NULL, 0,
                 PCN__STATUS_CODE__FAILED_PRECONDITION);
  assert_non_null(strstr(r->status->message, "F84001"));
  /* More than is held of the stream is refused. */
  distribute(w->mgr, "core", 2500000, PCN__FUNDS_SPLIT__FUNDS_SPLIT_EQUAL, "",
             0, NULL, NULL, 0, PCN__STATUS_CODE__FAILED_PRECONDITION);
  distribute(w->mgr, "arrs", 1, PCN__FUNDS_SPLIT__FUNDS_SPLIT_EQUAL, "", 0,
             NULL, NULL, 0, PCN__STATUS_CODE__FAILED_PRECONDITION);

  /* An expense: a project manager's invoice. */
  field_is(
      expense(w->mgr, "core", 50000, "", PCN__STATUS_CODE__INVALID_ARGUMENT),
      "payee");
  r = expense(w->mgr, "core", 50000, "Pat Jones (project manager)",
              PCN__STATUS_CODE__OK);
  assert_int_equal(line_of(r->funds_entry, "expense:core"), 50000);
  uint64_t exp_id = r->funds_entry->id;

  /* Reversals: once, never of a reversal; the balances go back. */
  int64_t before1 = balance_of(w->sam, "practice:F84001:core");
  r = reverse(w->mgr, dist, PCN__STATUS_CODE__OK);
  uint64_t rev = r->funds_entry->id;
  assert_int_equal(r->funds_entry->reverses, dist);
  assert_int_equal(line_of(r->funds_entry, "practice:F84001:core"), -480001);
  assert_int_equal(balance_of(w->sam, "practice:F84001:core"),
                   before1 - 480001);
  r = reverse(w->mgr, dist, PCN__STATUS_CODE__FAILED_PRECONDITION);
  assert_non_null(strstr(r->status->message, "already reversed"));
  reverse(w->mgr, rev, PCN__STATUS_CODE__FAILED_PRECONDITION);
  field_is(reverse(w->mgr, 9999, PCN__STATUS_CODE__NOT_FOUND), "entry");
  reverse(w->jo, exp_id, PCN__STATUS_CODE__PERMISSION_DENIED);
  /* Reversing the receipt would take more than is held: refused. */
  reverse(w->mgr, receipt, PCN__STATUS_CODE__FAILED_PRECONDITION);

  /* Balances: to the penny, and they sum to zero. */
  const Pcn__FundsBalancePage *b = balances(w->jo, "");
  int64_t sum = 0;
  for (size_t i = 0; i < b->n_balances; i++)
    sum += b->balances[i]->pence;
  assert_int_equal(sum, 0);
  assert_int_equal(b->received, 2500000);
  assert_int_equal(b->spent, 50000);
  /* 10,000.01 reversed; 1000 + 100 + 100 + 100.01 stay. */
  assert_int_equal(b->distributed, 100000 + 10000 + 10000 + 10001);
  assert_int_equal(b->held, 2500000 - 50000 - 130001);
  b = balances(w->sam, "F84002");
  assert_int_equal(b->n_balances, 1);
  assert_string_equal(b->balances[0]->stream, "core");
  assert_string_equal(b->balances[0]->practice, "F84002");
  assert_int_equal(b->balances[0]->pence, 35000 + 3333 + 4000 + 6668);

  /* The ledger: newest first, paged, filtered. */
  const Pcn__FundsLedgerPage *lp =
      ledger(w->sam, "", "", "", 0, 3)->funds_ledger_page;
  assert_int_equal(lp->n_entries, 3);
  assert_int_equal(lp->entries[0]->id, rev);
  uint64_t next = lp->next_before;
  assert_int_equal(next, lp->entries[2]->id);
  lp = ledger(w->sam, "", "", "", next, 50)->funds_ledger_page;
  assert_int_equal(lp->n_entries, 5);
  assert_int_equal(lp->next_before, 0);
  assert_int_equal(lp->entries[4]->id, receipt);
  lp = ledger(w->jo, "", "F84003", "", 0, 0)->funds_ledger_page;
  assert_int_equal(lp->n_entries, 3); /* list size, equal, the reversal */
  lp = ledger(w->jo, "arrs", "", "", 0, 0)->funds_ledger_page;
  assert_int_equal(lp->n_entries, 0);
  lp = ledger(w->jo, "core", "", "2027-04", 0, 0)->funds_ledger_page;
  assert_int_equal(lp->n_entries, 7); /* the reversal is dated today */
  Pcn__FundsLedger lb = PCN__FUNDS_LEDGER__INIT;
  lb.month = "April";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_LEDGER;
  req.funds_ledger = &lb;
  field_is(its_expect(w->jo, &req, PCN__STATUS_CODE__INVALID_ARGUMENT),
           "month");

  /* Every member of every practice saw every entry (8), no preview. */
  its_member *viewers[] = {w->jo, w->sam, w->cd};
  for (size_t i = 0; i < 3; i++) {
    its_events *e = its_seen(w->s, viewers[i], w->mgr, since);
    assert_int_equal(its_events_count(e, PCN__EVENT__RECORD_FUNDS_ENTRY), 8);
    its_events_free(e);
  }

  /* Kept across a restart, and sound. */
  its_stop(w->s);
  assert_int_equal(its_verify(w->s), 0);
  its_run(w->s);
  its_member *again = its_login(w->s, "sam", ITEST_PASSWORD);
  assert_int_equal(balance_of(again, "practice:F84002:core"),
                   35000 + 3333 + 4000 + 6668);
  reverse(again, dist, PCN__STATUS_CODE__PERMISSION_DENIED);
  its_member_free(again);
  free_world(w);
}

static const Pcn__FundsStatementPage *
statement(its_member *m, const char *month, const char *practice) {
  Pcn__FundsStatement st = PCN__FUNDS_STATEMENT__INIT;
  st.month = (char *)month;
  st.practice = (char *)practice;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_STATEMENT;
  req.funds_statement = &st;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->funds_statement_page;
}

static const Pcn__FundsStatementRow *row_of(const Pcn__FundsStatementPage *p,
                                            const char *practice,
                                            const char *stream) {
  for (size_t i = 0; i < p->n_rows; i++)
    if (!strcmp(p->rows[i]->practice, practice) &&
        !strcmp(p->rows[i]->stream, stream))
      return p->rows[i];
  fail_msg("no statement row %s/%s", practice, stream);
  return NULL;
}

static void test_statement(void **state) {
  (void)state;
  world *w = make_world();
  receive(w->mgr, "core", 100000, "2027-03-20", PCN__STATUS_CODE__OK);
  dist_date = "2027-03-25";
  distribute(w->mgr, "core", 30000, PCN__FUNDS_SPLIT__FUNDS_SPLIT_EQUAL, "", 0,
             NULL, NULL, 0, PCN__STATUS_CODE__OK);
  receive(w->mgr, "core", 50000, "2027-04-02", PCN__STATUS_CODE__OK);
  dist_date = "2027-04-10";
  const char *two[] = {"F84001", "F84002"};
  int64_t fixed[] = {20000, 10000};
  distribute(w->mgr, "core", 30000, PCN__FUNDS_SPLIT__FUNDS_SPLIT_FIXED, "", 2,
             two, fixed, 0, PCN__STATUS_CODE__OK);
  dist_date = "2027-04-15";
  expense(w->mgr, "core", 5000, "Pat Jones", PCN__STATUS_CODE__OK);
  receive(w->mgr, "arrs", 8000, "2027-05-01", PCN__STATUS_CODE__OK);

  /* April: what came in and went out, and what was carried. */
  const Pcn__FundsStatementPage *p = statement(w->sam, "2027-04", "");
  assert_string_equal(p->month, "2027-04");
  assert_int_equal(p->received, 50000);
  assert_int_equal(p->distributed, 30000);
  assert_int_equal(p->spent, 5000);
  assert_int_equal(p->held_before, 70000);
  assert_int_equal(p->held, 85000);
  assert_int_equal(p->held_before + p->received - p->distributed - p->spent,
                   p->held);
  assert_int_equal(p->n_rows, 4); /* three practices, then the network */
  assert_string_equal(p->rows[0]->practice, "F84001");
  assert_string_equal(p->rows[3]->practice, "");
  assert_int_equal(row_of(p, "F84001", "core")->distributed, 20000);
  assert_int_equal(row_of(p, "F84001", "core")->balance, 30000);
  assert_int_equal(row_of(p, "F84002", "core")->balance, 20000);
  assert_int_equal(row_of(p, "F84003", "core")->distributed, 0);
  assert_int_equal(row_of(p, "F84003", "core")->balance, 10000);
  const Pcn__FundsStatementRow *net = row_of(p, "", "core");
  assert_int_equal(net->received, 50000);
  assert_int_equal(net->distributed, 30000);
  assert_int_equal(net->spent, 5000);
  assert_int_equal(net->balance, 85000);
  /* One practice's statement: its rows and the network's. */
  p = statement(w->jo, "2027-04", "F84002");
  assert_int_equal(p->n_rows, 2);
  assert_int_equal(row_of(p, "F84002", "core")->distributed, 10000);
  assert_int_equal(p->held, 85000);
  /* May: the arrs receipt; the network total still matches the bank. */
  p = statement(w->jo, "2027-05", "");
  assert_int_equal(p->received, 8000);
  assert_int_equal(p->held, 93000);
  assert_int_equal(row_of(p, "", "arrs")->balance, 8000);
  assert_int_equal(balances(w->jo, "")->held, 93000);

  Pcn__FundsStatement bad = PCN__FUNDS_STATEMENT__INIT;
  bad.month = "2027-4";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_STATEMENT;
  req.funds_statement = &bad;
  field_is(its_expect(w->jo, &req, PCN__STATUS_CODE__INVALID_ARGUMENT),
           "month");
  assert_int_equal(its_verify(w->s), 0);
  free_world(w);
}

/* ------------------------------------------------------------ property */

#define NP 3
#define NS 3
#define MAXE 600
static const char *P[NP] = {"F84001", "F84002", "F84003"};
static const char *S[NS] = {"core", "arrs", "iif"};

typedef struct model {
  /* accounts: bank, income, expense per stream; practice per p, s */
  int64_t bank[NS], income[NS], expense[NS], practice[NP][NS];
  /* figures history: up to 8 dates per practice */
  int32_t fday[NP][8];
  int64_t flist[NP][8], fweighted[NP][8];
  int nf[NP];
  /* entries by id */
  int kind[MAXE + 1], stream[MAXE + 1], reversed[MAXE + 1];
  int64_t amount[MAXE + 1];
  int64_t parts[MAXE + 1][NP]; /* distribution parts */
  int n;
} model;

static uint64_t rng_state;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}
static int64_t rnd_in(int64_t lo, int64_t hi) {
  return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

/* The model's own largest remainder, ties to the earlier part. */
static void model_split(int64_t total, const int64_t *wt, int n, int64_t *out) {
  __int128 sum = 0;
  for (int i = 0; i < n; i++)
    sum += wt[i];
  int64_t given = 0;
  __int128 rem[NP];
  for (int i = 0; i < n; i++) {
    __int128 x = (__int128)total * wt[i];
    out[i] = (int64_t)(x / sum);
    rem[i] = x % sum;
    given += out[i];
  }
  for (int64_t left = total - given; left > 0; left--) {
    int best = -1;
    for (int i = 0; i < n; i++)
      if (rem[i] >= 0 && (best < 0 || rem[i] > rem[best])) best = i;
    out[best]++;
    rem[best] = -1;
  }
}

static int64_t model_figure(model *m, int p, int32_t day, int weighted) {
  int64_t v = -1;
  int32_t best = INT32_MIN;
  for (int i = 0; i < m->nf[p]; i++)
    if (m->fday[p][i] <= day && m->fday[p][i] >= best) {
      best = m->fday[p][i];
      v = weighted ? m->fweighted[p][i] : m->flist[p][i];
    }
  return v;
}

static void check_against_model(its_member *mgr, model *m) {
  const Pcn__FundsBalancePage *b = balances(mgr, "");
  int64_t sum = 0, held = 0;
  char acct[64];
  for (int s = 0; s < NS; s++) {
    snprintf(acct, sizeof acct, "bank:%s", S[s]);
    int64_t want[4] = {m->bank[s], m->income[s], m->expense[s], 0};
    const char *kinds[3] = {"bank", "income", "expense"};
    for (int k = 0; k < 3; k++) {
      snprintf(acct, sizeof acct, "%s:%s", kinds[k], S[s]);
      int64_t got = 0;
      for (size_t i = 0; i < b->n_balances; i++)
        if (strcmp(b->balances[i]->account, acct) == 0)
          got = b->balances[i]->pence;
      if (got != want[k])
        fail_msg("%s: server %" PRId64 ", model %" PRId64, acct, got, want[k]);
    }
    held += m->bank[s];
    for (int p = 0; p < NP; p++) {
      snprintf(acct, sizeof acct, "practice:%s:%s", P[p], S[s]);
      int64_t got = 0;
      for (size_t i = 0; i < b->n_balances; i++)
        if (strcmp(b->balances[i]->account, acct) == 0)
          got = b->balances[i]->pence;
      if (got != m->practice[p][s])
        fail_msg("%s: server %" PRId64 ", model %" PRId64, acct, got,
                 m->practice[p][s]);
    }
  }
  for (size_t i = 0; i < b->n_balances; i++)
    sum += b->balances[i]->pence;
  assert_int_equal(sum, 0);
  assert_int_equal(b->held, held);
}

static void test_property(void **state) {
  (void)state;
  const char *seed_env = getenv("PCN_FUNDS_SEED");
  uint64_t seed = seed_env ? strtoull(seed_env, NULL, 10)
                           : (uint64_t)time(NULL) * 2654435761u + 1;
  rng_state = seed ? seed : 1;
  printf("it_funds property: PCN_FUNDS_SEED=%" PRIu64 "\n", seed);
  world *w = make_world();
  model *m = calloc(1, sizeof *m);
  int32_t base;
  assert_int_equal(pcn_date_parse("2027-04-01", &base), 0);
  for (int p = 0; p < NP; p++) {
    m->fday[p][0] = base;
    m->flist[p][0] = rnd_in(0, 30000);
    m->fweighted[p][0] = rnd_in(1, 30000);
    m->nf[p] = 1;
    figures(w->mgr, P[p], "2027-04-01", (uint32_t)m->flist[p][0],
            (uint32_t)m->fweighted[p][0], "", PCN__STATUS_CODE__OK);
  }
  int ops = 250, refused = 0;
  for (int op = 0; op < ops && m->n < MAXE; op++) {
    int what = (int)rnd_in(0, 9);
    int s = (int)rnd_in(0, NS - 1);
    char date[11];
    if (what == 0) { /* new figures for a practice, from a later date */
      int p = (int)rnd_in(0, NP - 1);
      if (m->nf[p] == 8) continue;
      int32_t d = base + (int32_t)rnd_in(1, 300);
      int k = m->nf[p];
      for (int i = 0; i < m->nf[p]; i++)
        if (m->fday[p][i] == d) k = i;
      if (k == m->nf[p]) m->nf[p]++;
      m->fday[p][k] = d;
      m->flist[p][k] = rnd_in(0, 30000);
      m->fweighted[p][k] = rnd_in(0, 30000);
      pcn_date_format(d, date);
      figures(w->mgr, P[p], date, (uint32_t)m->flist[p][k],
              (uint32_t)m->fweighted[p][k], "", PCN__STATUS_CODE__OK);
    } else if (what <= 3) { /* a receipt */
      int64_t amt = rnd() % 4 ? rnd_in(1, 10000000) : rnd_in(1, 100000000000);
      const Pcn__Response *r =
          receive(w->mgr, S[s], amt, "2027-05-01", PCN__STATUS_CODE__OK);
      assert_balanced(r->funds_entry);
      uint64_t id = r->funds_entry->id;
      assert_int_equal(id, (uint64_t)m->n + 1);
      m->n++;
      m->kind[id] = 1;
      m->stream[id] = s;
      m->amount[id] = amt;
      m->bank[s] += amt;
      m->income[s] -= amt;
    } else if (what <= 7) { /* a distribution (or an expense) */
      int expense_op = what == 7;
      int64_t held = m->bank[s];
      int over = held == 0 || rnd() % 10 == 0;
      int64_t amt = over ? held + rnd_in(1, 1000) : rnd_in(1, held);
      if (expense_op) {
        const Pcn__Response *r =
            expense(w->mgr, S[s], amt, "Locum agency",
                    over ? PCN__STATUS_CODE__FAILED_PRECONDITION
                         : PCN__STATUS_CODE__OK);
        if (over) {
          refused++;
          continue;
        }
        assert_balanced(r->funds_entry);
        uint64_t id = r->funds_entry->id;
        assert_int_equal(id, (uint64_t)m->n + 1);
        m->n++;
        m->kind[id] = 3;
        m->stream[id] = s;
        m->amount[id] = amt;
        m->bank[s] -= amt;
        m->expense[s] += amt;
        continue;
      }
      int split = (int)rnd_in(1, 5);
      int np = (int)rnd_in(1, NP);
      const char *ods[NP];
      int idx[NP];
      /* a random subset of np practices, in a random order */
      int perm[NP] = {0, 1, 2};
      for (int i = NP - 1; i > 0; i--) {
        int j = (int)rnd_in(0, i);
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      int all = split <= 3 && rnd() % 2; /* no parts: every practice */
      if (all) np = NP;
      for (int i = 0; i < np; i++) {
        idx[i] = all ? i : perm[i];
        ods[i] = P[idx[i]];
      }
      int32_t fd = base + (int32_t)rnd_in(0, 320);
      pcn_date_format(fd, date);
      int64_t vals[NP] = {0}, wt[NP], want[NP] = {0};
      int invalid = 0, noweights = 0;
      if (split == 1 || split == 2) {
        int64_t sum = 0;
        for (int i = 0; i < np; i++) {
          wt[i] = model_figure(m, idx[i], fd, split == 2);
          sum += wt[i];
        }
        if (sum == 0)
          noweights = 1;
        else
          model_split(amt, wt, np, want);
      } else if (split == 3) {
        for (int i = 0; i < np; i++)
          wt[i] = 1;
        model_split(amt, wt, np, want);
      } else if (split == 4) {
        int64_t left = amt;
        for (int i = 0; i < np; i++) {
          vals[i] = i == np - 1 ? left : rnd_in(0, left);
          left -= vals[i];
          want[i] = vals[i];
        }
        if (rnd() % 8 == 0) {
          vals[0] += 1; /* no longer the total */
          invalid = 1;
        }
      } else {
        int64_t left = 10000;
        for (int i = 0; i < np; i++) {
          vals[i] = i == np - 1 ? left : rnd_in(0, left);
          left -= vals[i];
          wt[i] = vals[i];
        }
        if (rnd() % 8 == 0) {
          vals[0] += 1; /* 100.01% */
          invalid = 1;
        } else {
          model_split(amt, wt, np, want);
        }
      }
      /* Validation first; a preview computes the split without posting,
       * so it does not check what is held. */
      int preview = rnd() % 5 == 0;
      int expect = invalid            ? PCN__STATUS_CODE__INVALID_ARGUMENT
                   : noweights        ? PCN__STATUS_CODE__FAILED_PRECONDITION
                   : over && !preview ? PCN__STATUS_CODE__FAILED_PRECONDITION
                                      : PCN__STATUS_CODE__OK;
      const Pcn__Response *r =
          distribute(w->mgr, S[s], amt, split, date, all ? 0 : (size_t)np,
                     all ? NULL : ods, vals, preview, expect);
      if (expect != PCN__STATUS_CODE__OK) {
        refused++;
        continue;
      }
      const Pcn__FundsEntry *e = r->funds_entry;
      assert_balanced(e);
      char acct[64];
      for (int i = 0; i < np; i++) {
        snprintf(acct, sizeof acct, "practice:%s:%s", P[idx[i]], S[s]);
        if (line_of(e, acct) != want[i])
          fail_msg("seed %" PRIu64 " op %d split %d: %s got %" PRId64
                   " want %" PRId64,
                   seed, op, split, acct, line_of(e, acct), want[i]);
      }
      if (preview) {
        assert_true(e->preview);
        continue;
      }
      uint64_t id = e->id;
      assert_int_equal(id, (uint64_t)m->n + 1);
      m->n++;
      m->kind[id] = 2;
      m->stream[id] = s;
      m->amount[id] = amt;
      m->bank[s] -= amt;
      for (int i = 0; i < np; i++) {
        m->parts[id][idx[i]] = want[i];
        m->practice[idx[i]][s] += want[i];
      }
    } else { /* a reversal of a random entry */
      if (!m->n) continue;
      uint64_t id = (uint64_t)rnd_in(1, m->n);
      int k = m->kind[id], st = m->stream[id];
      int expect = PCN__STATUS_CODE__OK;
      if (k == 4 || m->reversed[id])
        expect = PCN__STATUS_CODE__FAILED_PRECONDITION;
      else if (k == 1 && m->bank[st] < m->amount[id])
        expect = PCN__STATUS_CODE__FAILED_PRECONDITION;
      const Pcn__Response *r = reverse(w->mgr, id, expect);
      if (expect != PCN__STATUS_CODE__OK) {
        refused++;
        continue;
      }
      assert_balanced(r->funds_entry);
      uint64_t rid = r->funds_entry->id;
      assert_int_equal(rid, (uint64_t)m->n + 1);
      m->n++;
      m->kind[rid] = 4;
      m->stream[rid] = st;
      m->reversed[id] = 1;
      int64_t a = m->amount[id];
      if (k == 1) {
        m->bank[st] -= a;
        m->income[st] += a;
      } else if (k == 3) {
        m->bank[st] += a;
        m->expense[st] -= a;
      } else {
        m->bank[st] += a;
        for (int p = 0; p < NP; p++)
          m->practice[p][st] -= m->parts[id][p];
      }
    }
    if (op % 25 == 0) check_against_model(w->mgr, m);
  }
  check_against_model(w->mgr, m);
  printf("it_funds property: %d entries posted, %d refused as expected\n", m->n,
         refused);

  /* Every entry in the ledger balances, and there are as many as the
   * model posted. */
  uint64_t before = 0;
  int seen = 0;
  do {
    const Pcn__FundsLedgerPage *lp =
        ledger(w->jo, "", "", "", before, 200)->funds_ledger_page;
    for (size_t i = 0; i < lp->n_entries; i++) {
      assert_balanced(lp->entries[i]);
      seen++;
    }
    before = lp->next_before;
  } while (before);
  assert_int_equal(seen, m->n);
  its_stop(w->s);
  assert_int_equal(its_verify(w->s), 0);
  free(m);
  free_world(w);
}

/* ------------------------------------------------------------ verify */

static int pcnd_verify_out(its_server *s, char *out, size_t n) {
  char line[1200];
  snprintf(line, sizeof line, "'%s' verify --data '%s' 2>&1 >/dev/null",
           PCND_PATH, s->dir);
  FILE *p = popen(line, "r");
  size_t got = fread(out, 1, n - 1, p);
  out[got] = 0;
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void poke_balance(its_server *s, const char *account, int64_t delta) {
  store st;
  char err[300];
  if (store_open(&st, s->dir, 64u << 20, 0, err, sizeof err))
    fail_msg("%s", err);
  MDB_txn *txn;
  assert_int_equal(mdb_txn_begin(st.env, NULL, 0, &txn), 0);
  MDB_val k = {strlen(account), (void *)account}, v;
  assert_int_equal(mdb_get(txn, st.funds_balances, &k, &v), 0);
  uint8_t b[8];
  key_u64(b, (uint64_t)((int64_t)key_get_u64(v.mv_data) + delta));
  MDB_val nv = {8, b};
  assert_int_equal(mdb_put(txn, st.funds_balances, &k, &nv, 0), 0);
  assert_int_equal(mdb_txn_commit(txn), 0);
  store_close(&st);
}

/* ------------------------------------------------------------ issue 20 */

static const Pcn__Response *figures_beds(its_member *m, const char *ods,
                                         const char *from, uint32_t list,
                                         uint32_t weighted,
                                         const char *locality, uint32_t beds,
                                         const char *clear, int code) {
  Pcn__FundsFiguresSet f = PCN__FUNDS_FIGURES_SET__INIT;
  f.practice = (char *)ods;
  f.applies_from = (char *)from;
  f.list_size = list;
  f.weighted = weighted;
  f.locality = (char *)locality;
  f.beds = beds;
  char *cl[1] = {(char *)clear};
  if (clear) f.clear = cl, f.n_clear = 1;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_FIGURES_SET;
  req.funds_figures_set = &f;
  return its_expect(m, &req, code);
}

/* Re-recording some of a practice's figures carries the rest from the
 * figures in force on that date (issue 20: a new list size silently
 * dropped the locality). */
static void test_figures_carried(void **state) {
  (void)state;
  world *w = make_world();
  figures_beds(w->mgr, "F84003", "2027-04-01", 9000, 9500, "East", 40, NULL,
               PCN__STATUS_CODE__OK);
  /* The list size alone: weighted, locality and beds stay. */
  const Pcn__PracticeFigures *f =
      figures_beds(w->mgr, "F84003", "2027-07-01", 9100, 0, "", 0, NULL,
                   PCN__STATUS_CODE__OK)
          ->funds_figures;
  assert_int_equal(f->list_size, 9100);
  assert_int_equal(f->weighted, 9500);
  assert_string_equal(f->locality, "East");
  assert_int_equal(f->beds, 40);
  /* As stored, read back by a practice manager. */
  const Pcn__FundsFiguresPage *pg =
      figures_list(w->jo, "F84003", "2027-07-02")->funds_figures_page;
  assert_int_equal(pg->n_figures, 1);
  assert_int_equal(pg->figures[0]->list_size, 9100);
  assert_string_equal(pg->figures[0]->locality, "East");
  /* The same date again: carried from the record it replaces. */
  f = figures_beds(w->mgr, "F84003", "2027-07-01", 0, 9600, "", 0, NULL,
                   PCN__STATUS_CODE__OK)
          ->funds_figures;
  assert_int_equal(f->list_size, 9100);
  assert_int_equal(f->weighted, 9600);
  assert_string_equal(f->locality, "East");
  /* A 0 on purpose is named in clear; the rest is still carried. */
  f = figures_beds(w->mgr, "F84003", "2027-10-01", 0, 0, "", 0, "beds",
                   PCN__STATUS_CODE__OK)
          ->funds_figures;
  assert_int_equal(f->beds, 0);
  assert_int_equal(f->list_size, 9100);
  assert_string_equal(f->locality, "East");
  /* A figure dated before every other has nothing to carry. */
  f = figures_beds(w->mgr, "F84003", "2026-04-01", 8000, 0, "", 0, NULL,
                   PCN__STATUS_CODE__OK)
          ->funds_figures;
  assert_int_equal(f->weighted, 0);
  assert_string_equal(f->locality, "");
  /* clear names a figure, or the request is refused with nothing kept. */
  field_is(figures_beds(w->mgr, "F84003", "2027-11-01", 1, 0, "", 0, "name",
                        PCN__STATUS_CODE__INVALID_ARGUMENT),
           "clear");
  assert_int_equal(
      figures_list(w->jo, "F84003", "")->funds_figures_page->n_figures, 4);
  assert_int_equal(its_verify(w->s), 0);
  free_world(w);
}

static const Pcn__Response *expense_ref(its_member *m, const char *ref,
                                        int64_t pence, int dup_ok, int code) {
  Pcn__FundsExpense r = PCN__FUNDS_EXPENSE__INIT;
  r.stream = "core";
  r.pence = pence;
  r.date = "2027-05-03";
  r.payee = "Estates Ltd";
  r.reference = (char *)ref;
  r.duplicate_ok = dup_ok;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_EXPENSE;
  req.funds_expense = &r;
  return its_expect(m, &req, code);
}

/* A second expense with the same reference is refused unless meant
 * (issue 20: INV-7781 was paid twice without a word). */
static void test_expense_duplicate(void **state) {
  (void)state;
  world *w = make_world();
  receive(w->mgr, "core", 1000000, "2027-04-01", PCN__STATUS_CODE__OK);
  uint64_t first =
      expense_ref(w->mgr, "INV-7781", 41250, 0, PCN__STATUS_CODE__OK)
          ->funds_entry->id;
  const Pcn__Response *r = expense_ref(w->mgr, "inv-7781", 41250, 0,
                                       PCN__STATUS_CODE__ALREADY_EXISTS);
  field_is(r, "reference");
  char want[64];
  snprintf(want, sizeof want, "entry %" PRIu64 " of 2027-05-03", first);
  assert_non_null(strstr(r->status->message, want));
  assert_non_null(strstr(r->status->message, "--duplicate-ok"));
  assert_int_equal(balance_of(w->mgr, "expense:core"), 41250);
  /* Meant: posted. */
  expense_ref(w->mgr, "INV-7781", 41250, 1, PCN__STATUS_CODE__OK);
  assert_int_equal(balance_of(w->mgr, "expense:core"), 82500);
  /* Another reference, or none, is no duplicate. */
  expense_ref(w->mgr, "INV-7782", 100, 0, PCN__STATUS_CODE__OK);
  expense_ref(w->mgr, "", 100, 0, PCN__STATUS_CODE__OK);
  expense_ref(w->mgr, "", 100, 0, PCN__STATUS_CODE__OK);
  /* A reversed expense may be posted again under its reference. */
  uint64_t once = expense_ref(w->mgr, "INV-9000", 500, 0, PCN__STATUS_CODE__OK)
                      ->funds_entry->id;
  expense_ref(w->mgr, "INV-9000", 500, 0, PCN__STATUS_CODE__ALREADY_EXISTS);
  reverse(w->mgr, once, PCN__STATUS_CODE__OK);
  expense_ref(w->mgr, "INV-9000", 500, 0, PCN__STATUS_CODE__OK);
  /* Still so after a restart (the ledger is the memory). */
  its_stop(w->s);
  its_run(w->s);
  its_member *mgr = its_relogin(w->s, w->mgr);
  w->mgr = mgr;
  expense_ref(w->mgr, "INV-9000", 500, 0, PCN__STATUS_CODE__ALREADY_EXISTS);
  assert_int_equal(its_verify(w->s), 0);
  free_world(w);
}

static const Pcn__Response *rule_set(its_member *m, const char *stream,
                                     int split, uint32_t bp, int64_t pence,
                                     int code) {
  Pcn__FundsRuleSet r = PCN__FUNDS_RULE_SET__INIT;
  r.stream = (char *)stream;
  r.split = split;
  r.top_slice_bp = bp;
  r.top_slice_pence = pence;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_RULE_SET;
  req.funds_rule_set = &r;
  return its_expect(m, &req, code);
}

static const Pcn__FundsStream *stream_of(its_member *m, const char *code) {
  Pcn__FundsStreamList sl = PCN__FUNDS_STREAM_LIST__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_STREAM_LIST;
  req.funds_stream_list = &sl;
  const Pcn__FundsStreamPage *p =
      its_expect(m, &req, PCN__STATUS_CODE__OK)->funds_streams;
  for (size_t i = 0; i < p->n_streams; i++)
    if (!strcmp(p->streams[i]->code, code)) return p->streams[i];
  return NULL;
}

/* The largest-remainder split worked here, apart from the server's
 * pcn_split: floors, then the odd pence to the largest remainders
 * (ties to the earlier practice). */
static void split_model(int64_t total, const int64_t *w, size_t n,
                        int64_t *out) {
  int64_t sum = 0, given = 0, rem[8];
  for (size_t i = 0; i < n; i++)
    sum += w[i];
  for (size_t i = 0; i < n; i++) {
    out[i] = total * w[i] / sum;
    rem[i] = total * w[i] % sum;
    given += out[i];
  }
  for (; given < total; given++) {
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
      if (rem[i] > rem[best]) best = i;
    out[best]++;
    rem[best] = -1;
  }
}

/* Distributions by care-home beds, and saved split rules per stream: a
 * top slice kept in bank:STREAM for the network's costs, the rest split
 * exactly by the rule's basis (issue 20). */
static void test_rules_and_beds(void **state) {
  (void)state;
  world *w = make_world();
  uint64_t since = its_head(w->mgr);
  figures_beds(w->mgr, "F84001", "2027-04-01", 6000, 6100, "North", 10, NULL,
               PCN__STATUS_CODE__OK);
  figures_beds(w->mgr, "F84002", "2027-04-01", 3000, 3300, "South", 30, NULL,
               PCN__STATUS_CODE__OK);
  figures_beds(w->mgr, "F84003", "2027-04-01", 1001, 1000, "South", 0, NULL,
               PCN__STATUS_CODE__OK);
  receive(w->mgr, "care-home", 10001, "2027-04-02", PCN__STATUS_CODE__OK);
  receive(w->mgr, "core", 300000, "2027-04-02", PCN__STATUS_CODE__OK);

  /* By beds: 10001 pence over 10, 30 and 0 beds. */
  const Pcn__FundsEntry *e =
      distribute(w->mgr, "care-home", 10001, PCN__FUNDS_SPLIT__FUNDS_SPLIT_BEDS,
                 "", 0, NULL, NULL, 0, PCN__STATUS_CODE__OK)
          ->funds_entry;
  int64_t bw[3] = {10, 30, 0}, bp[3];
  split_model(10001, bw, 3, bp);
  assert_int_equal(line_of(e, "practice:F84001:care-home"), bp[0]);
  assert_int_equal(line_of(e, "practice:F84002:care-home"), bp[1]);
  assert_int_equal(line_of(e, "practice:F84003:care-home"), bp[2]);
  assert_int_equal(bp[0] + bp[1], 10001);
  assert_int_equal(e->split, PCN__FUNDS_SPLIT__FUNDS_SPLIT_BEDS);
  assert_balanced(e);

  /* No split and no rule: refused, naming the way out. */
  const Pcn__Response *r =
      distribute(w->mgr, "core", 100000, PCN__FUNDS_SPLIT__FUNDS_SPLIT_NONE, "",
                 0, NULL, NULL, 0, PCN__STATUS_CODE__FAILED_PRECONDITION);
  field_is(r, "split");
  assert_non_null(strstr(r->status->message, "pcn funds rule set core"));

  /* Rules: the PCN manager's alone; the field named when wrong. */
  rule_set(w->jo, "core", PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE, 1250, 0,
           PCN__STATUS_CODE__PERMISSION_DENIED);
  field_is(rule_set(w->mgr, "nope", PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE, 0,
                    0, PCN__STATUS_CODE__NOT_FOUND),
           "stream");
  field_is(rule_set(w->mgr, "core", PCN__FUNDS_SPLIT__FUNDS_SPLIT_FIXED, 0, 0,
                    PCN__STATUS_CODE__INVALID_ARGUMENT),
           "split");
  field_is(rule_set(w->mgr, "core", PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE,
                    10000, 0, PCN__STATUS_CODE__INVALID_ARGUMENT),
           "top_slice_bp");
  field_is(rule_set(w->mgr, "core", PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE,
                    100, 100, PCN__STATUS_CODE__INVALID_ARGUMENT),
           "top_slice_pence");
  const Pcn__FundsStream *s =
      rule_set(w->mgr, "core", PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE, 1250, 0,
               PCN__STATUS_CODE__OK)
          ->funds_stream;
  assert_true(s->builtin);
  assert_int_equal(s->rule_split, PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE);
  assert_string_equal(s->name, "Core PCN funding");

  /* The rule, read by every member. */
  s = stream_of(w->sam, "core");
  assert_int_equal(s->top_slice_bp, 1250);
  assert_int_equal(s->rule_split, PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE);

  /* 1,000.01 by the rule: 12.5% kept, the rest by list size. */
  e = distribute(w->mgr, "core", 100001, PCN__FUNDS_SPLIT__FUNDS_SPLIT_NONE, "",
                 0, NULL, NULL, 0, PCN__STATUS_CODE__OK)
          ->funds_entry;
  int64_t tw[2] = {1250, 8750}, tp[2];
  split_model(100001, tw, 2, tp);
  int64_t lw[3] = {6000, 3000, 1001}, lp[3];
  split_model(100001 - tp[0], lw, 3, lp);
  assert_int_equal(e->top_slice, tp[0]);
  assert_int_equal(e->pence, 100001);
  assert_int_equal(e->split, PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE);
  assert_int_equal(line_of(e, "bank:core"), -(100001 - tp[0]));
  assert_int_equal(line_of(e, "practice:F84001:core"), lp[0]);
  assert_int_equal(line_of(e, "practice:F84002:core"), lp[1]);
  assert_int_equal(line_of(e, "practice:F84003:core"), lp[2]);
  assert_balanced(e);
  /* The top slice stays in the network's bank for the stream. */
  assert_int_equal(balance_of(w->jo, "bank:core"), 300000 - (100001 - tp[0]));

  /* A fixed top slice, split equally; a slice the amount does not cover
   * is refused. */
  rule_set(w->mgr, "core", PCN__FUNDS_SPLIT__FUNDS_SPLIT_EQUAL, 0, 20000,
           PCN__STATUS_CODE__OK);
  field_is(distribute(w->mgr, "core", 20000, PCN__FUNDS_SPLIT__FUNDS_SPLIT_NONE,
                      "", 0, NULL, NULL, 0,
                      PCN__STATUS_CODE__FAILED_PRECONDITION),
           "pence");
  e = distribute(w->mgr, "core", 50000, PCN__FUNDS_SPLIT__FUNDS_SPLIT_NONE, "",
                 0, NULL, NULL, 1, PCN__STATUS_CODE__OK)
          ->funds_entry;
  assert_true(e->preview);
  assert_int_equal(e->top_slice, 20000);
  assert_int_equal(line_of(e, "practice:F84001:core"), 10000);
  /* A split given still wins over the rule. */
  e = distribute(w->mgr, "core", 30000, PCN__FUNDS_SPLIT__FUNDS_SPLIT_EQUAL, "",
                 0, NULL, NULL, 1, PCN__STATUS_CODE__OK)
          ->funds_entry;
  assert_int_equal(e->top_slice, 0);
  assert_int_equal(line_of(e, "practice:F84001:core"), 10000);

  /* Kept across a restart; every member saw each change. */
  its_stop(w->s);
  its_run(w->s);
  w->mgr = its_relogin(w->s, w->mgr);
  w->jo = its_relogin(w->s, w->jo);
  w->sam = its_relogin(w->s, w->sam);
  w->cd = its_relogin(w->s, w->cd);
  s = stream_of(w->jo, "core");
  assert_int_equal(s->rule_split, PCN__FUNDS_SPLIT__FUNDS_SPLIT_EQUAL);
  assert_int_equal(s->top_slice_pence, 20000);
  its_member *viewers[] = {w->jo, w->sam, w->cd};
  for (size_t i = 0; i < 3; i++) {
    its_events *ev = its_seen(w->s, viewers[i], w->mgr, since);
    assert_int_equal(its_events_count(ev, PCN__EVENT__RECORD_FUNDS_STREAM), 2);
    its_events_free(ev);
  }
  /* Removing the rule. */
  rule_set(w->mgr, "core", PCN__FUNDS_SPLIT__FUNDS_SPLIT_NONE, 0, 0,
           PCN__STATUS_CODE__OK);
  assert_int_equal(stream_of(w->jo, "core")->rule_split, 0);
  assert_int_equal(its_verify(w->s), 0);
  free_world(w);
}

static const Pcn__Response *stream_update(its_member *m, const char *code,
                                          const char *name, int pass,
                                          int code_want) {
  Pcn__FundsStreamUpdate u = PCN__FUNDS_STREAM_UPDATE__INIT;
  u.code = (char *)code;
  if (name) {
    u.has_name_case = PCN__FUNDS_STREAM_UPDATE__HAS_NAME_NAME;
    u.name = (char *)name;
  }
  if (pass >= 0) {
    u.has_pass_through_case =
        PCN__FUNDS_STREAM_UPDATE__HAS_PASS_THROUGH_PASS_THROUGH;
    u.pass_through = pass;
  }
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_STREAM_UPDATE;
  req.funds_stream_update = &u;
  return its_expect(m, &req, code_want);
}

/* Pass-through streams: ARRS and IIF by default, any stream by the PCN
 * manager's word (issue 20). */
static void test_pass_through_streams(void **state) {
  (void)state;
  world *w = make_world();
  assert_true(stream_of(w->jo, "arrs")->pass_through);
  assert_true(stream_of(w->jo, "iif")->pass_through);
  assert_false(stream_of(w->jo, "core")->pass_through);
  Pcn__FundsStreamAdd sa = PCN__FUNDS_STREAM_ADD__INIT;
  sa.code = "flu";
  sa.name = "Flu vaccination pass-through";
  sa.pass_through = 1;
  Pcn__Request add = PCN__REQUEST__INIT;
  add.body_case = PCN__REQUEST__BODY_FUNDS_STREAM_ADD;
  add.funds_stream_add = &sa;
  its_expect(w->mgr, &add, PCN__STATUS_CODE__OK);
  assert_true(stream_of(w->sam, "flu")->pass_through);
  stream_update(w->jo, "arrs", NULL, 0, PCN__STATUS_CODE__PERMISSION_DENIED);
  field_is(stream_update(w->mgr, "nope", NULL, 0, PCN__STATUS_CODE__NOT_FOUND),
           "code");
  field_is(
      stream_update(w->mgr, "arrs", "", -1, PCN__STATUS_CODE__INVALID_ARGUMENT),
      "name");
  const Pcn__FundsStream *s =
      stream_update(w->mgr, "arrs", NULL, 0, PCN__STATUS_CODE__OK)
          ->funds_stream;
  assert_false(s->pass_through);
  assert_string_equal(s->name, "ARRS reimbursement"); /* left as it was */
  stream_update(w->mgr, "flu", "Flu", -1, PCN__STATUS_CODE__OK);
  its_stop(w->s);
  its_run(w->s);
  w->jo = its_relogin(w->s, w->jo);
  assert_false(stream_of(w->jo, "arrs")->pass_through);
  assert_true(stream_of(w->jo, "arrs")->builtin);
  assert_true(stream_of(w->jo, "flu")->pass_through);
  assert_string_equal(stream_of(w->jo, "flu")->name, "Flu");
  assert_true(stream_of(w->jo, "iif")->pass_through);
  free_world(w);
}

static void test_verify_catches_a_balance(void **state) {
  (void)state;
  world *w = make_world();
  receive(w->mgr, "core", 100000, "2027-04-01", PCN__STATUS_CODE__OK);
  distribute(w->mgr, "core", 60000, PCN__FUNDS_SPLIT__FUNDS_SPLIT_EQUAL, "", 0,
             NULL, NULL, 0, PCN__STATUS_CODE__OK);
  its_stop(w->s);
  char out[1000];
  assert_int_equal(pcnd_verify_out(w->s, out, sizeof out), 0);
  poke_balance(w->s, "practice:F84002:core", 1);
  assert_int_equal(pcnd_verify_out(w->s, out, sizeof out), 1);
  assert_non_null(strstr(out, "practice:F84002:core"));
  poke_balance(w->s, "practice:F84002:core", -1);
  assert_int_equal(pcnd_verify_out(w->s, out, sizeof out), 0);
  free_world(w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_figures_and_streams),
      cmocka_unit_test(test_entries),
      cmocka_unit_test(test_statement),
      cmocka_unit_test(test_property),
      cmocka_unit_test(test_verify_catches_a_balance),
      cmocka_unit_test(test_figures_carried),
      cmocka_unit_test(test_expense_duplicate),
      cmocka_unit_test(test_rules_and_beds),
      cmocka_unit_test(test_pass_through_streams),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
