/* practices.c - the network's practices: add, list, show, update.
 *
 * Records: practices (u32 id -> pcn.Practice) and practice_by_ods (ODS ->
 * id). The ODS code is a practice's identity and never changes; a practice
 * that takes a new code is a new practice. Practices are network-wide
 * records: every member sees them, and their events go to everyone.
 *
 * List size: a practice's figures (funds.c's practice_figures) are its one
 * history of list sizes. The record's stored list_size is only the undated
 * first figure, in force before any dated one: the size it was added with
 * (or, in stores written before, the last one entered here). A later
 * list size given here is recorded as a dated figure (today unless
 * list_size_from says) and the stored list_size is never changed again.
 * A practice is always read (list, show, the response and event of a
 * change) with list_size set to its figure in force today.
 */
#include <string.h>

#include "areas.h"
#include "feed.h"
#include "uktime.h"
#include "validate.h"

#define DAY_MS 86400000LL
#define PRACTICE_MAX_LIST 10000000u /* registered patients, a sanity cap */

int practice_lookup(MDB_txn *txn, store *st, const char *ods, uint32_t *id) {
  size_t n = strlen(ods);
  if (n != 6) return MDB_NOTFOUND;
  return store_get_u32(txn, st->practice_by_ods, ods, n, id);
}

int practice_load(MDB_txn *txn, store *st, const char *ods, pcn_arena *a,
                  Pcn__Practice **p) {
  uint32_t id;
  int rc = practice_lookup(txn, st, ods, &id);
  if (rc) return rc;
  uint8_t key[4];
  key_u32(key, id);
  return store_get_pb(txn, st->practices, key, 4, &pcn__practice__descriptor, a,
                      (void **)p);
}

static int check_list_size(req_ctx *ctx, uint32_t n) {
  if (n <= PRACTICE_MAX_LIST) return 0;
  ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "list_size",
                 "list_size: %u patients is more than any practice has; "
                 "check the figure.",
                 n);
  return -1;
}


/* A list size's date: "" (may be), or a date; -1 with ctx failed. */
static int check_list_size_from(req_ctx *ctx, const char *v, int has_list) {
  if (!v[0]) return 0;
  if (!has_list) {
    ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "list_size_from",
                   "list_size_from: give the list size it dates too.");
    return -1;
  }
  return ctx_check_date(ctx, "list_size_from", v, 0, "2026-12-01", NULL);
}

/* p as members read it: its list size in force on the day of now_ms. */
static int as_read(MDB_txn *txn, store *st, int64_t now_ms, pcn_arena *a,
                   Pcn__Practice **p, size_t n) {
  return funds_practice_as_read(txn, st, pcn_london_day_of_ms(now_ms), a, p, n);
}

static int practice_add_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__PracticeAdd *r = ctx->req->practice_add;
  char *ods = ctx_ods(ctx, "ods", r->ods, 0);
  if (!ods) return ctx->status->code;
  r->ods = ods;
  if (ctx_check_text(ctx, "name", r->name, PCN_MAX_NAME, 1, 0) ||
      check_list_size(ctx, r->list_size) ||
      check_list_size_from(ctx, r->list_size_from, r->list_size > 0))
    return ctx->status->code;
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  return PCN__STATUS_CODE__OK;
}

static int practice_add_apply(wtx *w, wjob *job) {
  Pcn__PracticeAdd *r = job->req->practice_add;
  uint32_t id32;
  int rc = practice_lookup(w->txn, w->st, r->ods, &id32);
  if (rc == 0)
    return wtx_fail(w, PCN__STATUS_CODE__ALREADY_EXISTS,
                    "Practice %s is already in the network.", r->ods);
  if (rc != MDB_NOTFOUND) return wtx_lmdb(w, rc, "checking the ODS code");
  uint64_t id;
  if ((rc = store_next_id(w->txn, w->st, META_NEXT_PRACTICE, &id)))
    return wtx_lmdb(w, rc, "numbering the practice");
  Pcn__Practice *p = pcn_arena_alloc(&job->arena, sizeof *p);
  if (!p) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__practice__init(p);
  p->id = (uint32_t)id;
  p->ods = r->ods;
  p->name = r->name;
  /* Undated, or (list_size_from) a dated figure recorded below. */
  p->list_size = r->list_size_from[0] ? 0 : r->list_size;
  p->version = 1;
  p->created_at = p->updated_at = job->now_ms;
  uint8_t key[4];
  key_u32(key, p->id);
  if ((rc = store_put_pb(w->txn, w->st->practices, key, 4,
                         (ProtobufCMessage *)p)) ||
      (rc = store_put_u32(w->txn, w->st->practice_by_ods, p->ods, 6, p->id)))
    return wtx_lmdb(w, rc, "saving the practice");
  Pcn__PracticeFigures *f;
  if (r->list_size_from[0] &&
      (rc = funds_figures_record_list(w, job, p->id, p->ods, r->list_size_from,
                                      r->list_size, &f)))
    return rc;
  if ((rc = as_read(w->txn, w->st, job->now_ms, &job->arena, &p, 1)))
    return wtx_lmdb(w, rc, "reading the practice's figures");
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_PRACTICE;
  ev.practice = p;
  if ((rc = feed_emit(w, PCN__OP__CREATED, "", &ev))) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_PRACTICE;
  job->resp.practice = p;
  return PCN__STATUS_CODE__OK;
}

static int practice_list_read(req_ctx *ctx) {
  MDB_txn *txn = ctx_txn(ctx);
  MDB_cursor *cur;
  if (!txn || mdb_cursor_open(txn, ctx->srv->st.practices, &cur))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The server could not read practices; try again.");
  Pcn__PracticePage *page = pcn_arena_alloc(ctx->arena, sizeof *page);
  MDB_stat ms;
  mdb_stat(txn, ctx->srv->st.practices, &ms);
  Pcn__Practice **items =
      pcn_arena_alloc(ctx->arena, (ms.ms_entries + 1) * sizeof *items);
  if (!page || !items) {
    mdb_cursor_close(cur);
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Too many practices to list at once.");
  }
  pcn__practice_page__init(page);
  page->practices = items;
  MDB_val k, v;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
       rc == 0 && page->n_practices < ms.ms_entries;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    Pcn__Practice *p =
        pcn__practice__unpack(&ctx->arena->pb, v.mv_size, v.mv_data);
    if (p) items[page->n_practices++] = p;
  }
  mdb_cursor_close(cur);
  if (as_read(txn, &ctx->srv->st, srv_now_ms(ctx->srv), ctx->arena,
              page->practices, page->n_practices))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The server could not read the practices' figures; the "
                    "operator should run pcnd verify.");
  ctx->resp->body_case = PCN__RESPONSE__BODY_PRACTICES;
  ctx->resp->practices = page;
  return PCN__STATUS_CODE__OK;
}

static int practice_get_read(req_ctx *ctx) {
  char *ods = ctx_ods(ctx, "ods", ctx->req->practice_get->ods, 0);
  if (!ods) return ctx->status->code;
  Pcn__Practice *p;
  MDB_txn *txn = ctx_txn(ctx);
  int rc =
      txn ? practice_load(txn, &ctx->srv->st, ods, ctx->arena, &p) : MDB_PANIC;
  if (rc == MDB_NOTFOUND)
    return ctx_fail(ctx, PCN__STATUS_CODE__NOT_FOUND,
                    "No practice %s in this network; `pcn practice list` "
                    "shows them.",
                    ods);
  if (rc ||
      as_read(txn, &ctx->srv->st, srv_now_ms(ctx->srv), ctx->arena, &p, 1))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The server could not read the practice; try again.");
  ctx->resp->body_case = PCN__RESPONSE__BODY_PRACTICE;
  ctx->resp->practice = p;
  return PCN__STATUS_CODE__OK;
}

static int practice_update_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__PracticeUpdate *r = ctx->req->practice_update;
  char *ods = ctx_ods(ctx, "ods", r->ods, 0);
  if (!ods) return ctx->status->code;
  r->ods = ods;
  if (r->has_name_case == PCN__PRACTICE_UPDATE__HAS_NAME_NAME &&
      ctx_check_text(ctx, "name", r->name, PCN_MAX_NAME, 1, 0))
    return ctx->status->code;
  int has_list =
      r->has_list_size_case == PCN__PRACTICE_UPDATE__HAS_LIST_SIZE_LIST_SIZE;
  if ((has_list && check_list_size(ctx, r->list_size)) ||
      check_list_size_from(ctx, r->list_size_from, has_list))
    return ctx->status->code;
  if (perm_check(ctx, ods, 0)) return ctx->status->code;
  return PCN__STATUS_CODE__OK;
}

static int practice_update_apply(wtx *w, wjob *job) {
  Pcn__PracticeUpdate *r = job->req->practice_update;
  Pcn__Practice *p;
  int rc = practice_load(w->txn, w->st, r->ods, &job->arena, &p);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND,
                    "No practice %s in this network.", r->ods);
  if (rc) return wtx_lmdb(w, rc, "reading the practice");
  if (r->version && r->version != p->version) {
    if (as_read(w->txn, w->st, job->now_ms, &job->arena, &p, 1))
      return wtx_lmdb(w, MDB_CORRUPTED, "reading the practice's figures");
    job->resp.body_case = PCN__RESPONSE__BODY_PRACTICE;
    job->resp.practice = p;
    return wtx_fail(w, PCN__STATUS_CODE__CONFLICT,
                    "Practice %s was changed by someone else (now version "
                    "%u, you read %u); review the current record and try "
                    "again.",
                    p->ods, p->version, r->version);
  }
  if (r->has_name_case == PCN__PRACTICE_UPDATE__HAS_NAME_NAME)
    p->name = r->name;
  /* A list size is a dated figure (below); the stored undated one stays. */
  p->version++;
  p->updated_at = job->now_ms;
  uint8_t key[4];
  key_u32(key, p->id);
  if ((rc = store_put_pb(w->txn, w->st->practices, key, 4,
                         (ProtobufCMessage *)p)))
    return wtx_lmdb(w, rc, "saving the practice");
  if (r->has_list_size_case == PCN__PRACTICE_UPDATE__HAS_LIST_SIZE_LIST_SIZE) {
    char today[11];
    pcn_date_format(pcn_london_day_of_ms(job->now_ms), today);
    const char *from = r->list_size_from[0] ? r->list_size_from : today;
    char *date = pcn_arena_strdup(&job->arena, from);
    Pcn__PracticeFigures *f;
    if (!date) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
    if ((rc = funds_figures_record_list(w, job, p->id, p->ods, date,
                                        r->list_size, &f)))
      return rc;
  }
  if ((rc = as_read(w->txn, w->st, job->now_ms, &job->arena, &p, 1)))
    return wtx_lmdb(w, rc, "reading the practice's figures");
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_PRACTICE;
  ev.practice = p;
  if ((rc = feed_emit(w, PCN__OP__UPDATED, "", &ev))) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_PRACTICE;
  job->resp.practice = p;
  return PCN__STATUS_CODE__OK;
}

const req_entry practices_entries[] = {
    {PCN__REQUEST__BODY_PRACTICE_ADD, "add practices", REQ_WRITE, R_PCNM, 0, 0,
     NULL, practice_add_prepare, practice_add_apply, NULL},
    {PCN__REQUEST__BODY_PRACTICE_LIST, "list practices", 0, R_ALL, R_ALL, R_ALL,
     practice_list_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_PRACTICE_GET, "show practices", 0, R_ALL, R_ALL, R_ALL,
     practice_get_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_PRACTICE_UPDATE, "update practices", REQ_WRITE, R_PCNM,
     R_PCNM | R_PM, R_PCNM, NULL, practice_update_prepare,
     practice_update_apply, NULL},
};
const size_t practices_entries_n =
    sizeof practices_entries / sizeof practices_entries[0];
