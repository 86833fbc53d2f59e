/* decisions_read.c - the reads of the decisions area: one decision, the
 * list (newest first, by state), and the practices' named voters. All of
 * it is every member's to see (decisions.c says why); an open decision is
 * shown with the votes cast so far.
 */
#include <string.h>

#include "decisions.h"

#define DEC_LIST_DEFAULT 50
#define DEC_LIST_MAX 200
#define DEC_SCAN_MAX 5000
#define DEC_PAGE_BYTES (512u << 10)

int decisions_get_read(req_ctx *ctx) {
  uint64_t id = ctx->req->decision_get->id;
  Pcn__Decision *d;
  if (perm_check(ctx, "", 0) || decision_load_for(ctx, id, &d))
    return ctx->status->code;
  if (decision_fill_votes(ctx_txn(ctx), &ctx->srv->st, d, ctx->arena))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The votes on decision %llu could not be read; the "
                    "operator should run pcnd verify.",
                    (unsigned long long)id);
  ctx->resp->body_case = PCN__RESPONSE__BODY_DECISION;
  ctx->resp->decision = d;
  return PCN__STATUS_CODE__OK;
}

int decisions_list_read(req_ctx *ctx) {
  Pcn__DecisionList *r = ctx->req->decision_list;
  store *st = &ctx->srv->st;
  if (r->state < 0 || r->state > PCN__DECISION_STATE__DECISION_WITHDRAWN)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "state",
                          "state: choose open, closed or withdrawn (or "
                          "none for all).");
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  uint32_t limit = r->limit ? r->limit : DEC_LIST_DEFAULT;
  if (limit > DEC_LIST_MAX) limit = DEC_LIST_MAX;
  MDB_txn *txn = ctx_txn(ctx);
  Pcn__DecisionPage *page = pcn_arena_alloc(ctx->arena, sizeof *page);
  Pcn__Decision **items =
      pcn_arena_alloc(ctx->arena, limit * sizeof *page->decisions);
  MDB_cursor *cur;
  if (!page || !items)
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Out of memory.");
  if (!txn || mdb_cursor_open(txn, st->decisions, &cur))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The server could not read decisions; try again.");
  pcn__decision_page__init(page);
  page->decisions = items;
  /* Newest first: from just below before_id, or from the last record
   * (just below the 'o' entries). */
  uint8_t start[8];
  MDB_val k, v;
  int rc;
  if (r->before_id) {
    key_u64(start, r->before_id);
    k = (MDB_val){8, start};
  } else {
    start[0] = 'o';
    k = (MDB_val){1, start};
  }
  rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
  rc = rc == 0 ? mdb_cursor_get(cur, &k, &v, MDB_PREV)
               : mdb_cursor_get(cur, &k, &v, MDB_LAST);
  size_t bytes = 0;
  int scanned = 0;
  uint64_t last = 0;
  for (; rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_PREV)) {
    if (k.mv_size != 8) continue;
    if (page->n_decisions == limit || scanned == DEC_SCAN_MAX ||
        bytes > DEC_PAGE_BYTES) {
      page->next_before_id = last;
      break;
    }
    scanned++;
    last = key_get_u64(k.mv_data);
    Pcn__Decision *d =
        pcn__decision__unpack(&ctx->arena->pb, v.mv_size, v.mv_data);
    if (!d) {
      mdb_cursor_close(cur);
      return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                      "Too much to list at once; ask for fewer (--limit).");
    }
    if (r->state && d->state != r->state) continue;
    if (!decision_visible(d, ctx->who->practice)) continue;
    if (decision_fill_votes(txn, st, d, ctx->arena)) {
      mdb_cursor_close(cur);
      return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                      "Too much to list at once; ask for fewer (--limit).");
    }
    bytes += pcn__decision__get_packed_size(d);
    items[page->n_decisions++] = d;
  }
  mdb_cursor_close(cur);
  ctx->resp->body_case = PCN__RESPONSE__BODY_DECISIONS;
  ctx->resp->decisions = page;
  return PCN__STATUS_CODE__OK;
}

int decisions_voters_read(req_ctx *ctx) {
  store *st = &ctx->srv->st;
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  MDB_txn *txn = ctx_txn(ctx);
  MDB_cursor *cur;
  if (!txn || mdb_cursor_open(txn, st->votes, &cur))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The server could not read the voters; try again.");
  Pcn__DecisionVoterPage *page = pcn_arena_alloc(ctx->arena, sizeof *page);
  MDB_stat ms;
  mdb_stat(txn, st->practices, &ms);
  size_t cap = ms.ms_entries + 1;
  Pcn__DecisionVoter **items = pcn_arena_alloc(ctx->arena, cap * sizeof *items);
  if (!page || !items) {
    mdb_cursor_close(cur);
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Out of memory.");
  }
  pcn__decision_voter_page__init(page);
  page->voters = items;
  uint8_t start = 'v';
  MDB_val k = {1, &start}, v;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
       rc == 0 && page->n_voters < cap;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    if (k.mv_size != KEY_VOTER || ((uint8_t *)k.mv_data)[0] != 'v') break;
    Pcn__DecisionVoter *dv =
        pcn__decision_voter__unpack(&ctx->arena->pb, v.mv_size, v.mv_data);
    if (dv && dv->username[0]) items[page->n_voters++] = dv;
  }
  mdb_cursor_close(cur);
  ctx->resp->body_case = PCN__RESPONSE__BODY_DECISION_VOTERS;
  ctx->resp->decision_voters = page;
  return PCN__STATUS_CODE__OK;
}
