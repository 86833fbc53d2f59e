/* decisions_read.c - the reads of the decisions area: one decision, the
 * list, and the practices' named voters. All of it is every member's to
 * see (decisions.c says why); an open decision is shown with the votes
 * cast so far.
 *
 * The list's order (issue 20): what still needs a vote first, the one
 * closing soonest at the top (the 'o' index is in that order already);
 * then closed and withdrawn decisions, the most recently closed first.
 * The second part has no index: its (closed_at, id) pairs are read from
 * the records' bytes (wire.h, no unpacking) and sorted, at most
 * DEC_SCAN_MAX of them. A page ends at a position, "o.T.ID" or "c.T.ID"
 * (next_after), and the next starts just past it, so a decision that
 * closes between two pages is neither shown twice nor skipped unless it
 * moved from the part still to come to the part already read. Clients
 * from before keep the old order (newest id first) with before_id.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decisions.h"
#include "wire.h"

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

enum { DEC_F_STATE = 7, DEC_F_CLOSED_AT = 15 }; /* proto/pcn.proto */

/* A place in the list's order: part 'o' (open, by closes_at ascending) or
 * 'c' (closed or withdrawn, by closed_at descending); id breaks ties the
 * same way. */
typedef struct dec_pos {
  char part;
  int64_t t;
  uint64_t id;
} dec_pos;

/* A page being filled: the decisions, their bytes, and where it ended. */
typedef struct dec_fill {
  req_ctx *ctx;
  Pcn__DecisionPage *page;
  uint32_t limit;
  size_t bytes;
  int full;
} dec_fill;

static int parse_after(const char *s, dec_pos *p) {
  long long t;
  unsigned long long id;
  char part, end;
  if (!s[0]) return 1; /* from the top */
  if (sscanf(s, "%c.%lld.%llu%c", &part, &t, &id, &end) != 3 ||
      (part != 'o' && part != 'c'))
    return -1;
  p->part = part;
  p->t = t;
  p->id = id;
  return 0;
}

/* Adds decision id to the page if the member may see it and it is in the
 * state asked for. 1 added, 0 skipped, -1 failed (ctx says why). When
 * the page is full, sets next_after to pos instead. */
static int fill_one(dec_fill *f, uint64_t id, const dec_pos *pos) {
  Pcn__DecisionList *r = f->ctx->req->decision_list;
  Pcn__DecisionPage *page = f->page;
  if (page->n_decisions == f->limit || f->bytes > DEC_PAGE_BYTES) {
    f->full = 1;
    return 0;
  }
  Pcn__Decision *d;
  int rc =
      decision_load(ctx_txn(f->ctx), &f->ctx->srv->st, id, f->ctx->arena, &d);
  if (rc == MDB_NOTFOUND) return 0;
  if (rc || (r->state && d->state != r->state) ||
      !decision_visible(d, f->ctx->who->practice))
    return rc ? -1 : 0;
  if (decision_fill_votes(ctx_txn(f->ctx), &f->ctx->srv->st, d, f->ctx->arena))
    return -1;
  f->bytes += pcn__decision__get_packed_size(d);
  page->decisions[page->n_decisions++] = d;
  char *next = pcn_arena_alloc(f->ctx->arena, 48);
  if (!next) return -1;
  snprintf(next, 48, "%c.%" PRId64 ".%" PRIu64, pos->part, pos->t, pos->id);
  page->next_after = next; /* where the next page starts, if there is one */
  return 1;
}

/* The open part, from the 'o' index, just past `from` (NULL: the top). */
static int fill_open(dec_fill *f, MDB_cursor *cur, const dec_pos *from) {
  uint8_t start[KEY_OPEN];
  memset(start, 0, sizeof start);
  start[0] = 'o';
  if (from) key_open(start, 'o', from->t, from->id);
  MDB_val k = {KEY_OPEN, start}, v;
  int scanned = 0;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && !f->full;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    const uint8_t *kp = k.mv_data;
    if (k.mv_size != KEY_OPEN || kp[0] != 'o') break;
    dec_pos pos = {'o', (int64_t)key_get_u64(kp + 1), key_get_u64(kp + 9)};
    if (from && pos.t == from->t && pos.id == from->id) continue;
    if (++scanned > DEC_SCAN_MAX || fill_one(f, pos.id, &pos) < 0) return -1;
  }
  return 0;
}

static int newest_closed_first(const void *a, const void *b) {
  const dec_pos *x = a, *y = b;
  if (x->t != y->t) return x->t > y->t ? -1 : 1;
  return x->id > y->id ? -1 : x->id < y->id ? 1 : 0;
}

/* The closed and withdrawn part, just past `from` (NULL: its top). */
static int fill_closed(dec_fill *f, MDB_cursor *cur, const dec_pos *from) {
  MDB_stat ms;
  if (mdb_stat(ctx_txn(f->ctx), f->ctx->srv->st.decisions, &ms)) return -1;
  size_t cap = ms.ms_entries < DEC_SCAN_MAX ? ms.ms_entries : DEC_SCAN_MAX;
  dec_pos *all = pcn_arena_alloc(f->ctx->arena, (cap + 1) * sizeof *all);
  if (!all) return -1;
  size_t n = 0;
  MDB_val k, v;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && n < cap;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    if (k.mv_size != 8) break; /* records sort before the index entries */
    uint64_t state, closed;
    if (pcn_wire_find_varint(v.mv_data, v.mv_size, DEC_F_STATE, &state) ||
        state == PCN__DECISION_STATE__DECISION_OPEN ||
        pcn_wire_find_varint(v.mv_data, v.mv_size, DEC_F_CLOSED_AT, &closed) <
            0)
      continue;
    all[n++] = (dec_pos){'c', (int64_t)closed, key_get_u64(k.mv_data)};
  }
  qsort(all, n, sizeof *all, newest_closed_first);
  for (size_t i = 0; i < n && !f->full; i++) {
    if (from && newest_closed_first(&all[i], from) <= 0) continue;
    if (fill_one(f, all[i].id, &all[i]) < 0) return -1;
  }
  return 0;
}

/* The list in its order (the file's comment), from r->after. */
static int list_ordered(req_ctx *ctx, Pcn__DecisionPage *page, uint32_t limit) {
  Pcn__DecisionList *r = ctx->req->decision_list;
  dec_pos from;
  int has = parse_after(r->after, &from);
  if (has < 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "after",
                          "after: pass back next_after from the page before, "
                          "as it was; or leave it out to start at the top.");
  MDB_cursor *cur;
  if (mdb_cursor_open(ctx_txn(ctx), ctx->srv->st.decisions, &cur))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The server could not read decisions; try again.");
  dec_fill f = {ctx, page, limit, 0, 0};
  int open_only = r->state == PCN__DECISION_STATE__DECISION_OPEN;
  int closed_only = r->state && !open_only;
  int rc = 0;
  if (!closed_only && (has || from.part == 'o'))
    rc = fill_open(&f, cur, has ? NULL : &from);
  if (!rc && !open_only && !f.full)
    rc = fill_closed(&f, cur, has || from.part == 'o' ? NULL : &from);
  mdb_cursor_close(cur);
  if (rc)
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Too much to list at once; ask for fewer (--limit).");
  if (!f.full) page->next_after = ""; /* nothing after the last one */
  ctx->resp->body_case = PCN__RESPONSE__BODY_DECISIONS;
  ctx->resp->decisions = page;
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
  if (!r->before_id) {
    mdb_cursor_close(cur);
    return list_ordered(ctx, page, limit);
  }
  /* The old order, for clients from before issue 20: newest first, from
   * just below before_id. */
  uint8_t start[8];
  key_u64(start, r->before_id);
  MDB_val k = {8, start}, v;
  int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
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
