/* asks_read.c - the reads of the asks area: an ask with the answers the
 * member may see, the listing (newest first by id, a page sorted by due
 * date with those the reader still owes first), the load on each practice, the
 * urgent asks per month, and the recurring asks. Every read applies the rule
 * the events do: the network's people see every ask and answer; a practice's
 * members the asks to their practice and its own answer (asks.c says
 * why). Listings are answered from the stored bytes (wire.h).
 *
 * Owing and overdue in a listing are the reader's: a practice's member
 * owes while their practice has not answered (ask_owes), whatever the
 * other practices did; the network's people while any practice asked
 * still owes (AskDetail.owing says how many), or, listing one practice's
 * asks (AskList.practice), while that practice does. Overdue is open,
 * owing and due before today in London (tasks_today).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asks.h"
#include "tasks.h"
#include "feed.h"
#include "uktime.h"
#include "validate.h"
#include "wire.h"

#define ASK_LIST_DEFAULT 100
#define ASK_LIST_MAX 500
#define ASK_SERIES_LIST_MAX 200
#define ASK_MONTHS 12

enum { ASK_F_URGENT = 8, ASK_F_CREATED_AT = 12 }; /* proto/pcn.proto */
enum { RESP_F_ASKS = 22 };
enum {
  PAGE_F_ASKS = 1,
  PAGE_F_NEXT = 2,
  PAGE_F_MONTHS = 3,
  PAGE_F_TODAY = 4,
  PAGE_F_MIN_NOTICE = 5,
  PAGE_F_FAIR = 6,
  DETAIL_F_ASK = 1,
  DETAIL_F_ANSWERS = 2,
  DETAIL_F_OWING = 70,
  DETAIL_F_OVERDUE = 71
};
enum { ANSWER_F_STATE = 3 }; /* pcn.AskAnswer */

/* The answers to ask id that a member of `practice` may see (all of them
 * for the network's people), decoded into the arena, by ODS code. */
static int answers_load(MDB_txn *txn, store *st, uint64_t id,
                        const char *practice, pcn_arena *a,
                        Pcn__AskAnswer ***out, size_t *n) {
  *n = 0;
  *out = pcn_arena_alloc(a, ASK_MAX_PRACTICES * sizeof **out);
  if (!*out) return ENOMEM;
  MDB_cursor *cur;
  int rc = mdb_cursor_open(txn, st->ask_answers, &cur);
  if (rc) return rc;
  uint8_t key[ASK_ANSWER_KEY];
  ask_answer_key(key, id, "\0\0\0\0\0\0");
  MDB_val k = {ASK_ANSWER_KEY, key}, v;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
       rc == 0 && *n < ASK_MAX_PRACTICES;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    if (k.mv_size != ASK_ANSWER_KEY || key_get_u64(k.mv_data) != id) break;
    if (practice[0] && memcmp((uint8_t *)k.mv_data + 8, practice, 6) != 0)
      continue;
    Pcn__AskAnswer *ans = pcn__ask_answer__unpack(&a->pb, v.mv_size, v.mv_data);
    if (!ans) {
      rc = MDB_CORRUPTED;
      break;
    }
    (*out)[(*n)++] = ans;
  }
  mdb_cursor_close(cur);
  return rc == MDB_NOTFOUND || rc == 0 ? 0 : rc;
}

/* ------------------------------------------------------------ months */

/* Whether a member of `practice` may see the ask stored as v: the
 * listing's rule (feed_reaches), decoding the ask only when it matters. */
static int months_visible(const MDB_val *v, const char *practice,
                          pcn_arena *scratch) {
  if (practice[0] == 0) return 1; /* the network's people see every ask */
  pcn_arena_reset(scratch);
  Pcn__Ask *a = pcn__ask__unpack(&scratch->pb, v->mv_size, v->mv_data);
  return a && feed_reaches(a->practices, a->n_practices, practice);
}

/* Asks and urgent asks per calendar month, this month and the eleven
 * before, newest first, counting only the asks a member of `practice` may
 * see ("" for the network's people: all): read from the stored bytes of
 * the newest asks (ids rise with time) until one is older than the
 * window. */
static int count_months(MDB_txn *txn, store *st, int64_t now_ms,
                        const char *practice, pcn_arena *a,
                        Pcn__AskMonth ***out) {
  int64_t y;
  int m, d;
  pcn_civil_from_days(pcn_london_day_of_ms(now_ms), &y, &m, &d);
  Pcn__AskMonth **months = pcn_arena_alloc(a, ASK_MONTHS * sizeof *months);
  int64_t starts[ASK_MONTHS];
  if (!months) return ENOMEM;
  for (int i = 0; i < ASK_MONTHS; i++) {
    Pcn__AskMonth *mo = pcn_arena_alloc(a, sizeof *mo);
    char *name = pcn_arena_alloc(a, 16);
    if (!mo || !name) return ENOMEM;
    pcn__ask_month__init(mo);
    snprintf(name, 16, "%04d-%02d", (int)(y % 10000), m % 100);
    mo->month = name;
    months[i] = mo;
    starts[i] = pcn_london_midnight((int32_t)pcn_days_from_civil(y, m, 1));
    if (--m == 0) {
      m = 12;
      y--;
    }
  }
  MDB_cursor *cur;
  int rc = mdb_cursor_open(txn, st->asks, &cur);
  if (rc) return rc;
  pcn_arena scratch;
  pcn_arena_init(&scratch, 1u << 20);
  MDB_val k, v;
  int scanned = 0;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
       rc == 0 && scanned < ASK_SCAN_MAX;
       rc = mdb_cursor_get(cur, &k, &v, MDB_PREV), scanned++) {
    uint64_t at, urgent;
    if (pcn_wire_find_varint(v.mv_data, v.mv_size, ASK_F_CREATED_AT, &at) ||
        pcn_wire_find_varint(v.mv_data, v.mv_size, ASK_F_URGENT, &urgent) < 0)
      continue;
    if ((int64_t)at < starts[ASK_MONTHS - 1]) break;
    if (!months_visible(&v, practice, &scratch)) continue;
    for (int i = 0; i < ASK_MONTHS; i++)
      if ((int64_t)at >= starts[i]) {
        months[i]->asks++;
        months[i]->urgent += urgent != 0;
        break;
      }
  }
  mdb_cursor_close(cur);
  pcn_arena_free(&scratch);
  *out = months;
  return rc == MDB_NOTFOUND || rc == 0 ? 0 : rc;
}

/* ------------------------------------------------------------ reads */

static int read_fail(req_ctx *ctx) {
  return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                  "The server could not read the asks; the operator should "
                  "run pcnd verify.");
}

/* A practice's members see asks to their practice; the network's people
 * see every ask. An ask the actor may not see gets the answer of one that
 * does not exist (ask_not_found), so asking reveals nothing. */
static int check_visible(req_ctx *ctx, const Pcn__Ask *a) {
  const char *mine = ctx->who->practice;
  if (!feed_reaches(a->practices, a->n_practices, mine))
    return ask_not_found(ctx, a->id);
  return perm_check(ctx, mine, 0);
}

int asks_get_read(req_ctx *ctx) {
  uint64_t id = ctx->req->ask_get->id;
  MDB_txn *txn = ctx_txn(ctx);
  Pcn__Ask *a;
  if (!txn || ask_load(txn, &ctx->srv->st, id, ctx->arena, &a))
    return ask_not_found(ctx, id);
  if (check_visible(ctx, a)) return ctx->status->code;
  Pcn__AskDetail *d = pcn_arena_alloc(ctx->arena, sizeof *d);
  if (!d) return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__ask_detail__init(d);
  d->ask = a;
  if (answers_load(txn, &ctx->srv->st, id, ctx->who->practice, ctx->arena,
                   &d->answers, &d->n_answers))
    return read_fail(ctx);
  ctx->resp->body_case = PCN__RESPONSE__BODY_ASK_DETAIL;
  ctx->resp->ask_detail = d;
  return PCN__STATUS_CODE__OK;
}

/* One ask of a listing: where its stored bytes are and how it sorts. */
typedef struct listed {
  uint64_t id;
  int32_t due;
  int open;
  uint32_t owing; /* practices the reader answers for that still owe */
  MDB_val v;
} listed;

/* 0 open and owed by the reader, 1 open but answered, 2 closed. */
static int listed_rank(const listed *l) {
  return !l->open ? 2 : l->owing ? 0 : 1;
}

/* Open asks the reader still owes first, by due date (so their overdue
 * lead), then open asks they have answered, by due date, then closed
 * ones, most recently due first. */
static int listed_cmp(const void *pa, const void *pb) {
  const listed *a = pa, *b = pb;
  int ra = listed_rank(a), rb = listed_rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (a->due != b->due) return (a->due < b->due) == (ra < 2) ? -1 : 1;
  return a->id < b->id ? -1 : a->id > b->id;
}

/* How many of the answers to ask id that a member of `practice` answers
 * for ("" the network's people: all of them) still owe, from the stored
 * bytes. */
static uint32_t count_owing(MDB_txn *txn, store *st, uint64_t id,
                            const char *practice) {
  MDB_cursor *cur;
  if (mdb_cursor_open(txn, st->ask_answers, &cur)) return 0;
  uint8_t key[ASK_ANSWER_KEY];
  ask_answer_key(key, id, practice[0] ? practice : "\0\0\0\0\0\0");
  MDB_val k = {ASK_ANSWER_KEY, key}, v;
  uint32_t n = 0;
  int seen = 0;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
       rc == 0 && seen < ASK_MAX_PRACTICES;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT), seen++) {
    if (k.mv_size != ASK_ANSWER_KEY || key_get_u64(k.mv_data) != id) break;
    if (practice[0] && memcmp((uint8_t *)k.mv_data + 8, practice, 6) != 0)
      break; /* the reader's one answer is the first key */
    uint64_t state = 0;
    if (pcn_wire_find_varint(v.mv_data, v.mv_size, ANSWER_F_STATE, &state) >=
            0 &&
        ask_owes((int)state))
      n++;
  }
  mdb_cursor_close(cur);
  return n;
}

/* Appends AskDetail{ask bytes, visible answers' bytes, the reader's owing
 * and overdue} to out. */
static int append_detail(MDB_txn *txn, store *st, const listed *l,
                         const char *practice, int32_t today, pcn_buf *scratch,
                         pcn_buf *out) {
  scratch->len = 0;
  if (pcn_wire_append_len(scratch, DETAIL_F_ASK, l->v.mv_data, l->v.mv_size))
    return -1;
  MDB_cursor *cur;
  if (mdb_cursor_open(txn, st->ask_answers, &cur)) return -1;
  uint8_t key[ASK_ANSWER_KEY];
  ask_answer_key(key, l->id, "\0\0\0\0\0\0");
  MDB_val k = {ASK_ANSWER_KEY, key}, v;
  int n = 0, err = 0;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
       rc == 0 && n < ASK_MAX_PRACTICES;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT), n++) {
    if (k.mv_size != ASK_ANSWER_KEY || key_get_u64(k.mv_data) != l->id) break;
    if (practice[0] && memcmp((uint8_t *)k.mv_data + 8, practice, 6) != 0)
      continue;
    if ((err = pcn_wire_append_len(scratch, DETAIL_F_ANSWERS, v.mv_data,
                                   v.mv_size)))
      break;
  }
  mdb_cursor_close(cur);
  if (err) return -1;
  int overdue = l->open && l->owing && l->due < today;
  if ((l->owing && pcn_wire_append_varint(scratch, DETAIL_F_OWING, l->owing)) ||
      (overdue && pcn_wire_append_varint(scratch, DETAIL_F_OVERDUE, 1)))
    return -1;
  return pcn_wire_append_len(out, PAGE_F_ASKS, scratch->data, scratch->len);
}

/* The page's trailer: the months, today, the notice rules. */
static int append_trailer(req_ctx *ctx, MDB_txn *txn, pcn_buf *out) {
  int64_t now = srv_now_ms(ctx->srv);
  int32_t today = pcn_london_day_of_ms(now);
  Pcn__AskMonth **months;
  ask_rules rules;
  if (count_months(txn, &ctx->srv->st, now, ctx->who->practice, ctx->arena,
                   &months) ||
      ask_rules_load(txn, &ctx->srv->st, ctx->arena, &rules))
    return -1;
  uint8_t buf[64];
  for (int i = 0; i < ASK_MONTHS; i++) {
    size_t n = pcn__ask_month__pack(months[i], buf);
    if (pcn_wire_append_len(out, PAGE_F_MONTHS, buf, n)) return -1;
  }
  char day[11], fair[11];
  pcn_date_format(today, day);
  uint32_t min = rules.s->min_notice_days;
  pcn_date_format(pcn_add_working_days(today, (int)min, &rules.h), fair);
  return pcn_wire_append_len(out, PAGE_F_TODAY, day, 10) ||
         pcn_wire_append_varint(out, PAGE_F_MIN_NOTICE, min) ||
         pcn_wire_append_len(out, PAGE_F_FAIR, fair, 10);
}

/* Walks the asks newest first from `before`, keeping those the member may
 * see and the filters let through, up to limit; the page is then sorted
 * (listed_cmp) and answered from the stored bytes (wire.h). */
int asks_list_read(req_ctx *ctx) {
  Pcn__AskList *r = ctx->req->ask_list;
  store *st = &ctx->srv->st;
  MDB_txn *txn = ctx_txn(ctx);
  if (!txn) return read_fail(ctx);
  if (r->state != 0 && r->state != PCN__ASK_STATE__ASK_OPEN &&
      r->state != PCN__ASK_STATE__ASK_CLOSED)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "state",
                          "state: choose open or closed.");
  const char *only = "";
  if (r->practice[0]) {
    if (!(only = ctx_ods(ctx, "practice", r->practice, 0)))
      return ctx->status->code;
    if (perm_check(ctx, only, 0)) return ctx->status->code;
  }
  const char *mine = ctx->who->practice;
  uint32_t limit = r->limit ? r->limit : ASK_LIST_DEFAULT;
  if (limit > ASK_LIST_MAX) limit = ASK_LIST_MAX;
  listed *page = pcn_arena_alloc(ctx->arena, limit * sizeof *page);
  if (!page) return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  MDB_cursor *cur;
  if (mdb_cursor_open(txn, st->asks, &cur)) return read_fail(ctx);
  pcn_arena scratch;
  pcn_arena_init(&scratch, 1u << 20);
  uint8_t key[8];
  key_u64(key, r->before);
  MDB_val k = {8, key}, v;
  int rc = r->before ? mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE)
                     : mdb_cursor_get(cur, &k, &v, MDB_LAST);
  if (r->before && rc == MDB_NOTFOUND)
    rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
  uint32_t n = 0;
  uint64_t next = 0, last_id = 0;
  for (int scanned = 0; rc == 0; scanned++) {
    uint64_t id = k.mv_size == 8 ? key_get_u64(k.mv_data) : 0;
    if (r->before && id >= r->before) goto next;
    if (n == limit || scanned == ASK_SCAN_MAX) {
      next = last_id;
      break;
    }
    last_id = id;
    pcn_arena_reset(&scratch);
    Pcn__Ask *a = pcn__ask__unpack(&scratch.pb, v.mv_size, v.mv_data);
    if (!a || !feed_reaches(a->practices, a->n_practices, mine) ||
        !feed_reaches(a->practices, a->n_practices, only) ||
        (r->state && (int)a->state != (int)r->state))
      goto next;
    page[n].id = id;
    page[n].open = a->state != PCN__ASK_STATE__ASK_CLOSED;
    page[n].owing =
        page[n].open ? count_owing(txn, st, id, only[0] ? only : mine) : 0;
    if (pcn_date_parse(a->due, &page[n].due)) page[n].due = INT32_MAX;
    page[n].v = v;
    n++;
  next:
    rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
  }
  mdb_cursor_close(cur);
  pcn_arena_free(&scratch);
  qsort(page, n, sizeof *page, listed_cmp);
  pcn_buf *out = &ctx->srv->raw, tmp;
  pcn_buf_init(&tmp);
  int err = 0;
  int32_t today = tasks_today(srv_now_ms(ctx->srv), NULL);
  for (uint32_t i = 0; i < n && !err; i++)
    err = append_detail(txn, st, &page[i], mine, today, &tmp, out);
  pcn_buf_free(&tmp);
  if (!err && next) err = pcn_wire_append_varint(out, PAGE_F_NEXT, next);
  if (err || append_trailer(ctx, txn, out))
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Out of memory; ask for fewer (a smaller --limit).");
  ctx->raw_field = RESP_F_ASKS;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ load */

/* The rows a member sees: every practice for the network's people, their
 * own for a practice's members. */
static int load_rows(req_ctx *ctx, MDB_txn *txn, Pcn__AskLoadReport *rep) {
  char **ods;
  size_t n;
  store *st = &ctx->srv->st;
  if (ask_all_practices(txn, st, ctx->arena, &ods, &n)) return -1;
  rep->practices = pcn_arena_alloc(ctx->arena, (n ? n : 1) * sizeof(void *));
  if (!rep->practices) return -1;
  for (size_t i = 0; i < n; i++) {
    if (!feed_reaches(&ods[i], 1, ctx->who->practice)) continue;
    Pcn__AskLoadRow *row = pcn_arena_alloc(ctx->arena, sizeof *row);
    if (!row) return -1;
    pcn__ask_load_row__init(row);
    row->practice = ods[i];
    Pcn__Practice *p;
    if (practice_load(txn, st, ods[i], ctx->arena, &p) == 0)
      row->name = p->name;
    rep->practices[rep->n_practices++] = row;
  }
  return 0;
}

static Pcn__AskLoadRow *row_of(Pcn__AskLoadReport *rep, const char *ods) {
  for (size_t i = 0; i < rep->n_practices; i++)
    if (strcmp(rep->practices[i]->practice, ods) == 0) return rep->practices[i];
  return NULL;
}

/* Per practice: asks it still owes (the ask open, its answer none or
 * acknowledged), of them those past due, and asks it received in the last
 * 30 days (whatever their state). */
int asks_load_read(req_ctx *ctx) {
  store *st = &ctx->srv->st;
  MDB_txn *txn = ctx_txn(ctx);
  Pcn__AskLoadReport *rep = pcn_arena_alloc(ctx->arena, sizeof *rep);
  if (!txn || !rep) return read_fail(ctx);
  pcn__ask_load_report__init(rep);
  int64_t now = srv_now_ms(ctx->srv);
  int32_t today = pcn_london_day_of_ms(now);
  char *day = pcn_arena_alloc(ctx->arena, 11);
  if (!day || load_rows(ctx, txn, rep) ||
      count_months(txn, st, now, ctx->who->practice, ctx->arena, &rep->months))
    return read_fail(ctx);
  pcn_date_format(today, day);
  rep->today = day;
  rep->n_months = ASK_MONTHS;
  MDB_cursor *cur;
  if (mdb_cursor_open(txn, st->asks, &cur)) return read_fail(ctx);
  pcn_arena scratch;
  pcn_arena_init(&scratch, 1u << 20);
  MDB_val k, v;
  int scanned = 0;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
       rc == 0 && scanned < ASK_SCAN_MAX;
       rc = mdb_cursor_get(cur, &k, &v, MDB_PREV), scanned++) {
    pcn_arena_reset(&scratch);
    Pcn__Ask *a = pcn__ask__unpack(&scratch.pb, v.mv_size, v.mv_data);
    if (!a) continue;
    int recent = a->created_at >= now - 30 * PCN_DAY_MS;
    int open = a->state == PCN__ASK_STATE__ASK_OPEN;
    int32_t due;
    int late = pcn_date_parse(a->due, &due) == 0 && due < today;
    if (!recent && !open) continue;
    for (size_t i = 0; i < a->n_practices; i++) {
      Pcn__AskLoadRow *row = row_of(rep, a->practices[i]);
      if (!row) continue;
      row->received_30d += recent;
      Pcn__AskAnswer *ans;
      if (open &&
          ask_answer_load(txn, st, a->id, a->practices[i], &scratch, &ans) ==
              0 &&
          ask_owes(ans->state)) {
        row->open++;
        row->overdue += late;
      }
    }
  }
  mdb_cursor_close(cur);
  pcn_arena_free(&scratch);
  ctx->resp->body_case = PCN__RESPONSE__BODY_ASK_LOAD_REPORT;
  ctx->resp->ask_load_report = rep;
  return PCN__STATUS_CODE__OK;
}

static int series_visible(const Pcn__AskSeries *s, const char *practice) {
  return s->all_practices ||
         feed_reaches(s->practices, s->n_practices, practice);
}

int asks_series_list_read(req_ctx *ctx) {
  int all = ctx->req->ask_series_list->include_stopped;
  MDB_txn *txn = ctx_txn(ctx);
  Pcn__AskSeriesPage *page = pcn_arena_alloc(ctx->arena, sizeof *page);
  if (!txn || !page) return read_fail(ctx);
  pcn__ask_series_page__init(page);
  page->series =
      pcn_arena_alloc(ctx->arena, ASK_SERIES_LIST_MAX * sizeof(void *));
  MDB_cursor *cur;
  if (!page->series || mdb_cursor_open(txn, ctx->srv->st.ask_series, &cur))
    return read_fail(ctx);
  MDB_val k, v;
  int scanned = 0;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
       rc == 0 && page->n_series < ASK_SERIES_LIST_MAX &&
       scanned < ASK_SCAN_MAX;
       rc = mdb_cursor_get(cur, &k, &v, MDB_PREV), scanned++) {
    Pcn__AskSeries *s =
        pcn__ask_series__unpack(&ctx->arena->pb, v.mv_size, v.mv_data);
    if (s && (all || !s->stopped) && series_visible(s, ctx->who->practice))
      page->series[page->n_series++] = s;
  }
  mdb_cursor_close(cur);
  ctx->resp->body_case = PCN__RESPONSE__BODY_ASK_SERIES_PAGE;
  ctx->resp->ask_series_page = page;
  return PCN__STATUS_CODE__OK;
}
