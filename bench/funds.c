/* funds.c - the funds workload: the network's ledger under load.
 *
 * Preload: three practices with figures in force from the start of a past
 * financial year (FUNDS_YEAR-04-01), an opening receipt large enough that
 * no distribution can overdraw the bank however the in-flight entries are
 * ordered, then ledger entries alternating receipts and list-size
 * distributions, each pair on one date, spread over the twelve months so
 * every month has entries. Every amount is whole pence and every
 * distribution is smaller than any receipt, so nothing is refused.
 *
 * Measured: reads, half a month's statement (a random month of that year)
 * and half the balances, and writes, receipts (a durable commit each);
 * --read-ratio percent reads. The statement is the point: pcnd scans every
 * ledger entry for each one, so its cost grows with --preload-entries.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define FUNDS_YEAR 2025 /* April 2025 to March 2026: past, so closed */
#define FUNDS_STREAM "core"
#define RECEIPT_PENCE 250000 /* £2,500.00 and up to £9.99 more */
#define DIST_PENCE 200000    /* £2,000.00 and up to £9.99 more */
/* Covers every distribution that could be in flight before its receipt
 * (pool.c keeps at most 512 preload requests in flight). */
#define OPENING_PENCE (1000LL * (DIST_PENCE + 1000))

static const struct {
  const char *ods, *name;
  uint32_t list_size, weighted;
} practices[] = {{"F84001", "Riverside Surgery", 12000, 12650},
                 {"F84002", "Hill Street", 8000, 8420},
                 {"F84003", "Canal Side", 6000, 5890}};

/* Month m (0 = April) of the year as "YYYY-MM". */
static void month_of(uint32_t m, char out[8]) {
  m %= 12;
  unsigned y = FUNDS_YEAR + (m >= 9), mon = (m + 3) % 12 + 1;
  snprintf(out, 8, "%04u-%02u", y % 10000, mon % 100);
}

static int call(pcn_sync *s, const Pcn__Request *req, const char *what) {
  const Pcn__Response *r = pcn_sync_call(s, req);
  if (r->status->code == PCN__STATUS_CODE__OK) return 0;
  fprintf(stderr, "pcn-bench: %s was refused: %s\n", what,
          r->status->message ? r->status->message : "(no reason given)");
  return -1;
}

int funds_setup(bench *b) {
  pcn_client_config cc = {.server = b->t->server,
                          .ca_pem = b->t->ca_pem,
                          .client_name = "pcn-bench",
                          .client_version = PCN_VERSION,
                          .token = b->t->token};
  char err[400];
  pcn_error_class cls;
  pcn_sync *s = pcn_sync_connect(&cc, err, sizeof err, &cls);
  if (!s) {
    fprintf(stderr, "pcn-bench: %s\n", err);
    return BX_CONNECT;
  }
  char from[16];
  snprintf(from, sizeof from, "%04d-04-01", FUNDS_YEAR);
  int rc = BX_OK;
  for (size_t i = 0; i < sizeof practices / sizeof practices[0] && !rc; i++) {
    Pcn__Request req = PCN__REQUEST__INIT;
    Pcn__PracticeAdd a = PCN__PRACTICE_ADD__INIT;
    a.ods = (char *)practices[i].ods;
    a.name = (char *)practices[i].name;
    a.list_size = practices[i].list_size;
    req.body_case = PCN__REQUEST__BODY_PRACTICE_ADD;
    req.practice_add = &a;
    if (call(s, &req, "adding a practice")) rc = BX_FAILED;
    Pcn__FundsFiguresSet f = PCN__FUNDS_FIGURES_SET__INIT;
    f.practice = (char *)practices[i].ods;
    f.applies_from = from;
    f.list_size = practices[i].list_size;
    f.weighted = practices[i].weighted;
    req.body_case = PCN__REQUEST__BODY_FUNDS_FIGURES_SET;
    req.funds_figures_set = &f;
    if (!rc && call(s, &req, "recording a practice's figures")) rc = BX_FAILED;
  }
  if (!rc) {
    Pcn__Request req = PCN__REQUEST__INIT;
    Pcn__FundsReceive r = PCN__FUNDS_RECEIVE__INIT;
    r.stream = FUNDS_STREAM;
    r.pence = OPENING_PENCE;
    r.date = from;
    r.reference = "opening balance";
    req.body_case = PCN__REQUEST__BODY_FUNDS_RECEIVE;
    req.funds_receive = &r;
    if (call(s, &req, "the opening receipt"))
      rc = BX_FAILED;
    else
      b->r->preloaded = 1;
  }
  pcn_sync_close(s);
  return rc;
}

int funds_next_op(bench *b) {
  if (b->preloading) return b->sent % 2 ? OP_DISTRIBUTE : OP_RECEIVE;
  if (bench_rand(b) % 100 >= b->o->read_ratio) return OP_RECEIVE;
  return bench_rand(b) % 2 ? OP_STATEMENT : OP_BALANCES;
}

int funds_build(bench *b, int op, funds_req *f, Pcn__Request *req) {
  /* Preload: pair k (entries 2k, 2k+1) in month k % 12, on day
   * 1 + (k / 12) % 28. Measured receipts: any day of the year. */
  uint64_t k = b->sent / 2;
  uint32_t month = (uint32_t)(k % 12), day = (uint32_t)(k / 12 % 28) + 1;
  if (!b->preloading) {
    month = (uint32_t)(bench_rand(b) % 12);
    day = (uint32_t)(bench_rand(b) % 28) + 1;
  }
  char m[8];
  month_of(month, m);
  snprintf(f->date, sizeof f->date, "%s-%02u", m, day % 100);
  switch (op) {
  case OP_STATEMENT:
    pcn__funds_statement__init(&f->statement);
    month_of((uint32_t)(bench_rand(b) % 12), f->month);
    f->statement.month = f->month;
    req->body_case = PCN__REQUEST__BODY_FUNDS_STATEMENT;
    req->funds_statement = &f->statement;
    return 0;
  case OP_BALANCES:
    pcn__funds_balances__init(&f->balances);
    req->body_case = PCN__REQUEST__BODY_FUNDS_BALANCES;
    req->funds_balances = &f->balances;
    return 0;
  case OP_RECEIVE:
    pcn__funds_receive__init(&f->receive);
    snprintf(f->reference, sizeof f->reference, "bench receipt %llu",
             (unsigned long long)b->sent);
    f->receive.stream = FUNDS_STREAM;
    f->receive.pence = RECEIPT_PENCE + (int64_t)(b->sent * 37 % 1000);
    f->receive.date = f->date;
    f->receive.reference = f->reference;
    req->body_case = PCN__REQUEST__BODY_FUNDS_RECEIVE;
    req->funds_receive = &f->receive;
    return 0;
  case OP_DISTRIBUTE:
    pcn__funds_distribute__init(&f->distribute);
    snprintf(f->reference, sizeof f->reference, "bench distribution %llu",
             (unsigned long long)b->sent);
    f->distribute.stream = FUNDS_STREAM;
    f->distribute.pence = DIST_PENCE + (int64_t)(b->sent * 53 % 1000);
    f->distribute.date = f->date;
    f->distribute.reference = f->reference;
    f->distribute.split = PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE;
    req->body_case = PCN__REQUEST__BODY_FUNDS_DISTRIBUTE;
    req->funds_distribute = &f->distribute;
    return 0;
  default: return -1;
  }
}
