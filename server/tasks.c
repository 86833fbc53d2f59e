/* tasks.c - tasks: create, list, show, update, assign, comment, close,
 * reopen. The model every later domain area follows: validate and check
 * permission on the loop (prepare), apply in the writer, read handlers on
 * the loop, one event per change.
 *
 * Records: tasks (u64 id -> pcn.Task), comments (u64 task | u32 n ->
 * pcn.Comment), task_index (scope | status | due | id, see store.h), which
 * is kept in the same nested transaction as the task it indexes.
 *
 * Visibility: a network task ("" practice) is seen by every member; a
 * practice's task only by that practice's members, and its events carry the
 * practice as their audience.
 *
 * Order: a listing is open tasks before closed, then by due date (undated
 * last), then by id, across the scopes it covers: the index is walked per
 * scope and status and the walks merged on (status, due, id), so a page
 * cursor (the last key given) resumes every walk at the same place.
 *
 * Recurring tasks (every != NONE, with a due date): closing one makes the
 * next, a period on (tasks_next_due), with the same title, body, scope,
 * assignee and creator, in the same transaction; the closed one names it
 * (next_id), so reopening and closing again makes no second one.
 * tasks_clock.c sends the reminders (tasks.h).
 */
#include <stdio.h>
#include <string.h>

#include "tasks.h"
#include "encode.h"
#include "feed.h"
#include "validate.h"
#include "wire.h"

#define TASK_LIST_DEFAULT 50
#define TASK_LIST_MAX 500
#define TASK_SCAN_MAX 5000 /* index entries one page may walk */
#define TASK_MAX_COMMENTS_SHOWN 200

static int task_load(MDB_txn *txn, store *st, uint64_t id, pcn_arena *a,
                     Pcn__Task **t) {
  uint8_t key[8];
  key_u64(key, id);
  return store_get_pb(txn, st->tasks, key, 8, &pcn__task__descriptor, a,
                      (void **)t);
}

/* The stored encoding of task id, valid for the read transaction. */
static int task_raw(MDB_txn *txn, store *st, uint64_t id, MDB_val *v) {
  uint8_t key[8];
  key_u64(key, id);
  MDB_val k = {8, key};
  return mdb_get(txn, st->tasks, &k, v);
}

/* A string field of a stored task, copied into out (n bytes). 0, or -1 if
 * the record is malformed or the value does not fit. */
static int raw_string(const MDB_val *v, uint32_t field, char *out, size_t n) {
  return pcn_wire_find_str(v->mv_data, v->mv_size, field, out, n) < 0 ? -1 : 0;
}

enum {
  TASK_F_PRACTICE = 5,
  TASK_F_ASSIGNEE = 7,
  TASK_F_COMMENT_COUNT = 13
}; /* proto/pcn.proto */
enum { RESP_F_TASKS = 10, RESP_F_TASK_DETAIL = 11 };
enum {
  PAGE_F_TASKS = 1,
  PAGE_F_NEXT = 2,
  PAGE_F_TODAY = 70,
  DETAIL_F_TASK = 1,
  DETAIL_F_COMMENTS = 2,
  DETAIL_F_TODAY = 70
};

/* Appends today's London date as string field `field` (TaskPage.today,
 * TaskDetail.today): the clients mark overdue by it. */
static int append_today(req_ctx *ctx, pcn_buf *out, uint32_t field) {
  char day[11];
  pcn_date_format(tasks_today(srv_now_ms(ctx->srv), NULL), day);
  return pcn_wire_append_len(out, field, day, 10);
}

/* Checks a TaskRepeat value against the due date it needs. */
static int check_every(req_ctx *ctx, int every, const char *due) {
  if (every < PCN__TASK_REPEAT__TASK_REPEAT_NONE ||
      every > PCN__TASK_REPEAT__TASK_QUARTERLY)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "every",
                          "every: choose week, month, quarter or none.");
  if (every && !due[0])
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "every",
                          "every: a recurring task needs a due date; give "
                          "--due YYYY-MM-DD as well.");
  return 0;
}

static uint32_t due_key(const char *due) {
  int32_t d;
  return due[0] && pcn_date_parse(due, &d) == 0 ? (uint32_t)d : TASK_DUE_NONE;
}

static int task_scope(MDB_txn *txn, store *st, const char *practice,
                      uint32_t *scope) {
  *scope = 0;
  return practice[0] ? practice_lookup(txn, st, practice, scope) : 0;
}

static int task_index_key(MDB_txn *txn, store *st, const Pcn__Task *t,
                          uint8_t key[TASK_INDEX_KEY]) {
  uint32_t scope;
  int rc = task_scope(txn, st, t->practice, &scope);
  if (rc) return rc;
  key_task_index(key, scope, (uint8_t)t->status, due_key(t->due), t->id);
  return 0;
}

static int is_owner(const Pcn__Task *t, const actor *who) {
  return strcmp(t->assignee, who->username) == 0 ||
         strcmp(t->created_by, who->username) == 0;
}

/* Checks a due date; "" is none. */
static int check_due(req_ctx *ctx, const char *field, const char *due) {
  return ctx_check_date(ctx, field, due, 1, "2026-03-31", NULL);
}

/* The assignee must be an enabled member who can see the task. */
int task_check_assignee(req_ctx *ctx, const char *field, const char *username,
                        const char *practice) {
  if (!username[0]) return 0;
  Pcn__Member *m;
  if (ctx_active_member(ctx, field, username, &m)) return -1;
  if (practice[0] && strcmp(m->practice, practice) != 0) {
    ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, field,
                   "%s: %s is not a member of %s, so cannot see this "
                   "practice task.",
                   field, username, practice);
    return -1;
  }
  return 0;
}

static int check_assignee(req_ctx *ctx, const char *username,
                          const char *practice) {
  return task_check_assignee(ctx, "assignee", username, practice);
}

/* Saves t (new or changed) and moves its index entry from old_key. */
static int task_save(wtx *w, Pcn__Task *t, const uint8_t *old_key) {
  uint8_t key[8], ik[TASK_INDEX_KEY];
  key_u64(key, t->id);
  int rc = store_put_pb(w->txn, w->st->tasks, key, 8, (ProtobufCMessage *)t);
  if (rc) return wtx_lmdb(w, rc, "saving the task");
  if ((rc = task_index_key(w->txn, w->st, t, ik)))
    return wtx_lmdb(w, rc, "indexing the task");
  if (old_key && memcmp(old_key, ik, TASK_INDEX_KEY) != 0) {
    MDB_val ok = {TASK_INDEX_KEY, (void *)old_key};
    rc = mdb_del(w->txn, w->st->task_index, &ok, NULL);
    if (rc && rc != MDB_NOTFOUND) return wtx_lmdb(w, rc, "indexing the task");
  }
  MDB_val k = {TASK_INDEX_KEY, ik}, v = {0, NULL};
  if ((rc = mdb_put(w->txn, w->st->task_index, &k, &v, 0)))
    return wtx_lmdb(w, rc, "indexing the task");
  return PCN__STATUS_CODE__OK;
}

static int task_emit(wtx *w, wjob *job, Pcn__Op op, Pcn__Task *t) {
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_TASK;
  ev.task = t;
  int rc = feed_emit(w, op, t->practice, &ev);
  if (rc) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_TASK;
  job->resp.task = t;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ create */

static int create_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__TaskCreate *r = ctx->req->task_create;
  char *practice = ctx_ods(ctx, "practice", r->practice, 1);
  if (!practice) return ctx->status->code;
  r->practice = practice;
  if (ctx_check_text(ctx, "title", r->title, PCN_MAX_TITLE, 1, 0) ||
      ctx_check_text(ctx, "body", r->body, PCN_MAX_TEXT, 0, 1) ||
      check_due(ctx, "due", r->due) || check_every(ctx, r->every, r->due))
    return ctx->status->code;
  if (perm_check(ctx, practice, 0)) return ctx->status->code;
  if (practice[0] && ctx_practice_id(ctx, "practice", practice, NULL))
    return ctx->status->code;
  if (check_assignee(ctx, r->assignee, practice)) return ctx->status->code;
  return PCN__STATUS_CODE__OK;
}

/* Numbers, saves, indexes and announces a new task made of r's values,
 * which the caller has checked (create_prepare's rules). */
static int task_insert(wtx *w, wjob *job, const Pcn__TaskCreate *r,
                       Pcn__Task **out) {
  uint64_t id;
  int rc = store_next_id(w->txn, w->st, META_NEXT_TASK, &id);
  if (rc) return wtx_lmdb(w, rc, "numbering the task");
  Pcn__Task *t = pcn_arena_alloc(&job->arena, sizeof *t);
  if (!t) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__task__init(t);
  t->id = id;
  t->version = 1;
  t->title = r->title;
  t->body = r->body;
  t->practice = r->practice;
  t->status = PCN__TASK_STATUS__TASK_OPEN;
  t->assignee = r->assignee;
  t->due = r->due;
  t->every = r->every;
  t->created_by = job->who.username;
  t->created_at = t->updated_at = job->now_ms;
  if ((rc = task_save(w, t, NULL))) return rc;
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_TASK;
  ev.task = t;
  if ((rc = feed_emit(w, PCN__OP__CREATED, t->practice, &ev))) return rc;
  *out = t;
  return PCN__STATUS_CODE__OK;
}

static int create_apply(wtx *w, wjob *job) {
  Pcn__Task *t = NULL;
  int rc = task_insert(w, job, job->req->task_create, &t);
  if (rc) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_TASK;
  job->resp.task = t;
  return PCN__STATUS_CODE__OK;
}

/* For another area's write: the same rules as a TaskCreate, checked again
 * here in the writer (the assignee may have been disabled meanwhile). */
int task_create_in(wtx *w, wjob *job, const Pcn__TaskCreate *r,
                   Pcn__Task **out) {
  if (pcn_check_text(r->title, PCN_MAX_TITLE, 1, 0) ||
      pcn_check_text(r->body, PCN_MAX_TEXT, 0, 1))
    return wtx_fail(w, PCN__STATUS_CODE__INVALID_ARGUMENT,
                    "The task's title or body is not acceptable text.");
  int32_t d;
  if (r->due[0] && pcn_date_parse(r->due, &d))
    return wtx_fail(w, PCN__STATUS_CODE__INVALID_ARGUMENT,
                    "The task's due date is not a date (YYYY-MM-DD).");
  if (r->every && (!r->due[0] || r->every > PCN__TASK_REPEAT__TASK_QUARTERLY))
    return wtx_fail(w, PCN__STATUS_CODE__INVALID_ARGUMENT,
                    "A recurring task needs a due date and a period of a "
                    "week, a month or a quarter.");
  uint32_t pid;
  if (r->practice[0] && practice_lookup(w->txn, w->st, r->practice, &pid))
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND,
                    "No practice %.16s in this network.", r->practice);
  if (r->assignee[0]) {
    Pcn__Member *m;
    if (member_lookup(w->txn, w->st, r->assignee, &job->arena, &m) ||
        m->disabled)
      return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND,
                      "No active member is called '%.40s'.", r->assignee);
    if (r->practice[0] && strcmp(m->practice, r->practice) != 0)
      return wtx_fail(w, PCN__STATUS_CODE__INVALID_ARGUMENT,
                      "%s is not a member of %s, so cannot see that "
                      "practice task.",
                      r->assignee, r->practice);
  }
  return task_insert(w, job, r, out);
}

/* ------------------------------------------------------------ reads */

/* The one answer for a task the actor cannot have: none by that number,
 * or one of a practice they may not see. Both cases come here, after the
 * same store lookup, so the two answers cannot differ (issue 13). */
static int task_not_found(req_ctx *ctx, uint64_t id) {
  return ctx_fail(ctx, PCN__STATUS_CODE__NOT_FOUND,
                  "No task %llu; `pcn task list` shows the tasks you can "
                  "see.",
                  (unsigned long long)id);
}

/* Whether the actor sees a task of this practice: its events' audience
 * is the practice ("" every member), so feed_visible is the rule. */
static int task_seen(req_ctx *ctx, const char *practice) {
  return feed_visible(practice, ctx->who->practice);
}

/* Answers with the stored bytes of the task and its comments (wire.h):
 * only the practice is read out, for the visibility check. */
static int get_read(req_ctx *ctx) {
  uint64_t id = ctx->req->task_get->id;
  store *st = &ctx->srv->st;
  MDB_txn *txn = ctx_txn(ctx);
  MDB_val v;
  char practice[16] = "";
  int found = txn && task_raw(txn, st, id, &v) == 0;
  if (found && raw_string(&v, TASK_F_PRACTICE, practice, sizeof practice))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "Task %llu could not be read; the operator should run "
                    "pcnd verify.",
                    (unsigned long long)id);
  if (!found || !task_seen(ctx, practice)) return task_not_found(ctx, id);
  if (perm_check(ctx, practice, 0)) return ctx->status->code;
  pcn_buf *out = &ctx->srv->raw;
  if (pcn_wire_append_len(out, DETAIL_F_TASK, v.mv_data, v.mv_size))
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Out of memory.");
  /* Most tasks have no comments: then the comment table is not touched. */
  uint64_t ncomments;
  if (pcn_wire_find_varint(v.mv_data, v.mv_size, TASK_F_COMMENT_COUNT,
                           &ncomments) < 0)
    ncomments = 1; /* unreadable count: look anyway */
  MDB_cursor *cur;
  if (ncomments && mdb_cursor_open(txn, st->comments, &cur) == 0) {
    uint8_t key[12];
    key_u64(key, id);
    key_u32(key + 8, 0);
    MDB_val k = {12, key};
    int shown = 0;
    for (int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
         rc == 0 && shown < TASK_MAX_COMMENTS_SHOWN && k.mv_size == 12 &&
         key_get_u64(k.mv_data) == id;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT), shown++)
      if (pcn_wire_append_len(out, DETAIL_F_COMMENTS, v.mv_data, v.mv_size))
        break;
    mdb_cursor_close(cur);
  }
  if (append_today(ctx, out, DETAIL_F_TODAY))
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Out of memory.");
  ctx->raw_field = RESP_F_TASK_DETAIL;
  return PCN__STATUS_CODE__OK;
}

/* One contiguous stretch of the index to walk, [lo, hi), and where its
 * cursor is: a listing merges up to four (two scopes, two statuses). */
typedef struct index_walk {
  uint8_t lo[TASK_INDEX_KEY], hi[TASK_INDEX_KEY];
  MDB_cursor *cur;
  MDB_val k;
  int live;
} index_walk;

/* Fills the stretches a listing walks; returns how many. */
static int list_ranges(uint32_t *scopes, int nscopes, int status,
                       uint32_t due_before, index_walk *out) {
  int n = 0;
  for (int i = 0; i < nscopes; i++) {
    int s_lo = status ? status : PCN__TASK_STATUS__TASK_OPEN;
    int s_hi = status ? status : PCN__TASK_STATUS__TASK_CLOSED;
    for (int st = s_lo; st <= s_hi; st++, n++) {
      key_task_index(out[n].lo, scopes[i], (uint8_t)st, 0, 0);
      /* Without a due-date bound the range runs to the end of the status
       * bucket, undated tasks (due TASK_DUE_NONE) included. */
      if (due_before == TASK_DUE_NONE)
        key_task_index(out[n].hi, scopes[i], (uint8_t)(st + 1), 0, 0);
      else
        key_task_index(out[n].hi, scopes[i], (uint8_t)st, due_before, 0);
    }
  }
  return n;
}

/* Where a walk's key sorts in the merged listing: status | due | id, the
 * index key without its scope. */
#define ORDER_AT 4
#define ORDER_LEN (TASK_INDEX_KEY - ORDER_AT)

static void walk_check(index_walk *wk, int rc) {
  wk->live = rc == 0 && wk->k.mv_size == TASK_INDEX_KEY &&
             memcmp(wk->k.mv_data, wk->hi, TASK_INDEX_KEY) < 0;
}

/* Opens wk's cursor at its first key, or strictly after the place in the
 * merged order that `after` (a previous page's last key) marks. */
static int walk_start(MDB_txn *txn, store *st, index_walk *wk,
                      const uint8_t *after) {
  uint8_t from[TASK_INDEX_KEY];
  memcpy(from, wk->lo, TASK_INDEX_KEY);
  if (after) memcpy(from + ORDER_AT, after + ORDER_AT, ORDER_LEN);
  int past = after && memcmp(from, wk->lo, TASK_INDEX_KEY) >= 0;
  if (!past) memcpy(from, wk->lo, TASK_INDEX_KEY);
  if (mdb_cursor_open(txn, st->task_index, &wk->cur)) return -1;
  MDB_val v;
  wk->k = (MDB_val){TASK_INDEX_KEY, from};
  int rc = mdb_cursor_get(wk->cur, &wk->k, &v, MDB_SET_RANGE);
  if (rc == 0 && past && wk->k.mv_size == TASK_INDEX_KEY &&
      memcmp(wk->k.mv_data, from, TASK_INDEX_KEY) == 0)
    rc = mdb_cursor_get(wk->cur, &wk->k, &v, MDB_NEXT); /* strictly after */
  walk_check(wk, rc);
  return 0;
}

/* The live walk whose key comes first in the merged order, or NULL. */
static index_walk *walk_first(index_walk *w, int n) {
  index_walk *best = NULL;
  for (int i = 0; i < n; i++)
    if (w[i].live &&
        (!best || memcmp((uint8_t *)w[i].k.mv_data + ORDER_AT,
                         (uint8_t *)best->k.mv_data + ORDER_AT, ORDER_LEN) < 0))
      best = &w[i];
  return best;
}

static int list_read(req_ctx *ctx) {
  Pcn__TaskList *r = ctx->req->task_list;
  store *st = &ctx->srv->st;
  MDB_txn *txn = ctx_txn(ctx);
  if (!txn)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The server could not read tasks; try again.");
  uint32_t scopes[2];
  int nscopes = 0;
  if (r->scope == PCN__TASK_LIST__SCOPE__PRACTICE) {
    char *ods = ctx_ods(ctx, "practice", r->practice, 0);
    if (!ods) return ctx->status->code;
    if (perm_check(ctx, ods, 0)) return ctx->status->code;
    if (ctx_practice_id(ctx, "practice", ods, &scopes[0]))
      return ctx->status->code;
    nscopes = 1;
  } else {
    scopes[nscopes++] = 0;
    uint32_t mine;
    if (r->scope == PCN__TASK_LIST__SCOPE__VISIBLE && ctx->who->practice[0] &&
        practice_lookup(txn, st, ctx->who->practice, &mine) == 0)
      scopes[nscopes++] = mine;
  }
  if (r->status != 0 && r->status != PCN__TASK_STATUS__TASK_OPEN &&
      r->status != PCN__TASK_STATUS__TASK_CLOSED)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "status",
                          "status: choose open or closed.");
  if (r->overdue && r->status == PCN__TASK_STATUS__TASK_CLOSED)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "overdue",
                          "overdue: only open tasks are overdue; leave out "
                          "the closed status.");
  if (check_due(ctx, "due_before", r->due_before) ||
      ctx_check_text(ctx, "assignee", r->assignee, PCN_MAX_USERNAME, 0, 0))
    return ctx->status->code;
  uint32_t due_before =
      r->due_before[0] ? due_key(r->due_before) : TASK_DUE_NONE;
  int status = r->status;
  if (r->overdue) {
    /* Open and due before today (London). */
    uint32_t today = (uint32_t)tasks_today(srv_now_ms(ctx->srv), NULL);
    status = PCN__TASK_STATUS__TASK_OPEN;
    if (today < due_before) due_before = today;
  }
  uint8_t after[TASK_INDEX_KEY];
  int have_after = 0;
  if (r->after[0]) {
    if (strlen(r->after) != 2 * TASK_INDEX_KEY ||
        pcn_hex_decode(r->after, after, TASK_INDEX_KEY))
      return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "after",
                            "after: that is not a cursor from a previous "
                            "page; start again without --after.");
    have_after = 1;
  }
  uint32_t limit = r->limit ? r->limit : TASK_LIST_DEFAULT;
  if (limit > TASK_LIST_MAX) limit = TASK_LIST_MAX;

  index_walk walks[4];
  int nwalks = list_ranges(scopes, nscopes, status, due_before, walks);
  int opened = 0, failed = 0;
  for (; opened < nwalks && !failed; opened++)
    failed = walk_start(txn, st, &walks[opened], have_after ? after : NULL);
  if (failed) opened--; /* that one's cursor did not open */
  /* The page is built from the stored bytes (wire.h). */
  pcn_buf *out = &ctx->srv->raw;
  uint32_t n = 0;
  int nomem = failed;
  uint8_t last[TASK_INDEX_KEY];
  int scanned = 0, more = 0;
  index_walk *wk;
  while (!nomem && (wk = walk_first(walks, opened))) {
    if (n == limit || scanned == TASK_SCAN_MAX) {
      more = 1;
      break;
    }
    scanned++;
    memcpy(last, wk->k.mv_data, TASK_INDEX_KEY);
    MDB_val v;
    walk_check(wk, mdb_cursor_get(wk->cur, &wk->k, &v, MDB_NEXT));
    MDB_val tv;
    if (task_raw(txn, st, key_get_u64(last + 9), &tv) != 0) continue;
    if (r->assignee[0]) {
      char who[PCN_MAX_USERNAME + 2];
      if (raw_string(&tv, TASK_F_ASSIGNEE, who, sizeof who) ||
          strcmp(who, r->assignee) != 0)
        continue;
    }
    if (pcn_wire_append_len(out, PAGE_F_TASKS, tv.mv_data, tv.mv_size))
      nomem = 1;
    else
      n++;
  }
  for (int i = 0; i < opened; i++)
    mdb_cursor_close(walks[i].cur);
  if (more) {
    char next[2 * TASK_INDEX_KEY + 1];
    pcn_hex_encode(last, TASK_INDEX_KEY, next);
    nomem |= pcn_wire_append_len(out, PAGE_F_NEXT, next, 2 * TASK_INDEX_KEY);
  }
  if (nomem || append_today(ctx, out, PAGE_F_TODAY))
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Out of memory.");
  ctx->raw_field = RESP_F_TASKS;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ changes */

/* Shared by the changes that name a task: it must exist and be visible
 * to the actor (else the not-found answer), and the actor must be allowed
 * to act on it (else PERMISSION_DENIED: they can see it anyway). */
static int prepare_existing(req_ctx *ctx, uint64_t id, Pcn__Task **out) {
  MDB_txn *txn = ctx_txn(ctx);
  Pcn__Task *t = NULL;
  if (!txn || task_load(txn, &ctx->srv->st, id, ctx->arena, &t) != 0 ||
      !task_seen(ctx, t->practice))
    return task_not_found(ctx, id);
  if (perm_check(ctx, t->practice, is_owner(t, ctx->who)))
    return ctx->status->code;
  if (out) *out = t;
  return PCN__STATUS_CODE__OK;
}

/* Writer side: loads the task, checks the version read (0: unchecked),
 * and remembers its index key. CONFLICT carries the current record. */
static int apply_existing(wtx *w, wjob *job, uint64_t id, uint32_t version,
                          Pcn__Task **out, uint8_t old_key[TASK_INDEX_KEY]) {
  Pcn__Task *t = NULL;
  int rc = task_load(w->txn, w->st, id, &job->arena, &t);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND, "No task %llu.",
                    (unsigned long long)id);
  if (rc) return wtx_lmdb(w, rc, "reading the task");
  if (version && version != t->version) {
    job->resp.body_case = PCN__RESPONSE__BODY_TASK;
    job->resp.task = t;
    return wtx_fail(w, PCN__STATUS_CODE__CONFLICT,
                    "Task %llu was changed by %s meanwhile (now version %u, "
                    "you read %u); here is the current one: review it and "
                    "try again.",
                    (unsigned long long)id,
                    t->created_by[0] ? "someone else" : "another member",
                    t->version, version);
  }
  if ((rc = task_index_key(w->txn, w->st, t, old_key)))
    return wtx_lmdb(w, rc, "indexing the task");
  *out = t;
  return PCN__STATUS_CODE__OK;
}

static int finish_change(wtx *w, wjob *job, Pcn__Task *t,
                         const uint8_t *old_key) {
  t->version++;
  t->updated_at = job->now_ms;
  int rc = task_save(w, t, old_key);
  if (rc) return rc;
  return task_emit(w, job, PCN__OP__UPDATED, t);
}

static int update_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__TaskUpdate *r = ctx->req->task_update;
  if (r->version == 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "version",
                          "version: an update names the version it read "
                          "(pcn task show gives it).");
  if ((r->has_title_case == PCN__TASK_UPDATE__HAS_TITLE_TITLE &&
       ctx_check_text(ctx, "title", r->title, PCN_MAX_TITLE, 1, 0)) ||
      (r->has_body_case == PCN__TASK_UPDATE__HAS_BODY_BODY &&
       ctx_check_text(ctx, "body", r->body, PCN_MAX_TEXT, 0, 1)) ||
      (r->has_due_case == PCN__TASK_UPDATE__HAS_DUE_DUE &&
       check_due(ctx, "due", r->due)))
    return ctx->status->code;
  Pcn__Task *t = NULL;
  int rc = prepare_existing(ctx, r->id, &t);
  if (rc) return rc;
  int every = r->has_every_case == PCN__TASK_UPDATE__HAS_EVERY_EVERY
                  ? (int)r->every
                  : (int)t->every;
  const char *due =
      r->has_due_case == PCN__TASK_UPDATE__HAS_DUE_DUE ? r->due : t->due;
  if (r->has_every_case == PCN__TASK_UPDATE__HAS_EVERY_EVERY &&
      check_every(ctx, every, due))
    return ctx->status->code;
  if (every && !due[0])
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "due",
                          "due: task %llu recurs, so it needs a due date; "
                          "stop it first (--every none) to remove the date.",
                          (unsigned long long)t->id);
  return PCN__STATUS_CODE__OK;
}

static int update_apply(wtx *w, wjob *job) {
  Pcn__TaskUpdate *r = job->req->task_update;
  Pcn__Task *t = NULL;
  uint8_t old[TASK_INDEX_KEY];
  int rc = apply_existing(w, job, r->id, r->version, &t, old);
  if (rc) return rc;
  if (r->has_title_case == PCN__TASK_UPDATE__HAS_TITLE_TITLE)
    t->title = r->title;
  if (r->has_body_case == PCN__TASK_UPDATE__HAS_BODY_BODY) t->body = r->body;
  if (r->has_due_case == PCN__TASK_UPDATE__HAS_DUE_DUE) t->due = r->due;
  if (r->has_every_case == PCN__TASK_UPDATE__HAS_EVERY_EVERY)
    t->every = r->every;
  if (t->every && !t->due[0])
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "Task %llu recurs, so it needs a due date; stop it "
                    "first (--every none) to remove the date.",
                    (unsigned long long)t->id);
  return finish_change(w, job, t, old);
}

static int assign_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__TaskAssign *r = ctx->req->task_assign;
  Pcn__Task *t = NULL;
  if (ctx_check_text(ctx, "assignee", r->assignee, PCN_MAX_USERNAME, 0, 0))
    return ctx->status->code;
  int rc = prepare_existing(ctx, r->id, &t);
  if (rc) return rc;
  if (check_assignee(ctx, r->assignee, t->practice)) return ctx->status->code;
  return PCN__STATUS_CODE__OK;
}

static int assign_apply(wtx *w, wjob *job) {
  Pcn__TaskAssign *r = job->req->task_assign;
  Pcn__Task *t = NULL;
  uint8_t old[TASK_INDEX_KEY];
  int rc = apply_existing(w, job, r->id, r->version, &t, old);
  if (rc) return rc;
  t->assignee = r->assignee;
  return finish_change(w, job, t, old);
}

static int close_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  return prepare_existing(ctx, ctx->req->task_close->id, NULL);
}

/* The next of a recurring task being closed: the same title, body, scope,
 * assignee (if still an active member who sees it), creator and period,
 * due a period on. Saved and announced in the same transaction; t names
 * it. */
static int make_next(wtx *w, wjob *job, Pcn__Task *t) {
  int32_t due;
  if (pcn_date_parse(t->due, &due)) return PCN__STATUS_CODE__OK;
  uint64_t id;
  int rc = store_next_id(w->txn, w->st, META_NEXT_TASK, &id);
  if (rc) return wtx_lmdb(w, rc, "numbering the next task");
  Pcn__Task *n = pcn_arena_alloc(&job->arena, sizeof *n);
  char *next_due = pcn_arena_alloc(&job->arena, 11);
  if (!n || !next_due)
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn_date_format(tasks_next_due((int)t->every, due), next_due);
  pcn__task__init(n);
  n->id = id;
  n->version = 1;
  n->title = t->title;
  n->body = t->body;
  n->practice = t->practice;
  n->status = PCN__TASK_STATUS__TASK_OPEN;
  n->assignee = t->assignee;
  Pcn__Member *m;
  if (n->assignee[0] &&
      (member_lookup(w->txn, w->st, n->assignee, &job->arena, &m) ||
       m->disabled || (n->practice[0] && strcmp(m->practice, n->practice))))
    n->assignee = "";
  n->due = next_due;
  n->every = t->every;
  n->follows = t->id;
  n->created_by = t->created_by;
  n->created_at = n->updated_at = job->now_ms;
  if ((rc = task_save(w, n, NULL))) return rc;
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_TASK;
  ev.task = n;
  if ((rc = feed_emit(w, PCN__OP__CREATED, n->practice, &ev))) return rc;
  t->next_id = id;
  return PCN__STATUS_CODE__OK;
}

static int set_status(wtx *w, wjob *job, uint64_t id, uint32_t version,
                      Pcn__TaskStatus status) {
  Pcn__Task *t = NULL;
  uint8_t old[TASK_INDEX_KEY];
  int rc = apply_existing(w, job, id, version, &t, old);
  if (rc) return rc;
  if (t->status == status) {
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "Task %llu is already %s.", (unsigned long long)id,
                    status == PCN__TASK_STATUS__TASK_CLOSED ? "closed"
                                                            : "open");
  }
  t->status = status;
  t->closed_at = status == PCN__TASK_STATUS__TASK_CLOSED ? job->now_ms : 0;
  if (status == PCN__TASK_STATUS__TASK_CLOSED && t->every && !t->next_id &&
      (rc = make_next(w, job, t)))
    return rc;
  return finish_change(w, job, t, old);
}

static int close_apply(wtx *w, wjob *job) {
  Pcn__TaskClose *r = job->req->task_close;
  return set_status(w, job, r->id, r->version, PCN__TASK_STATUS__TASK_CLOSED);
}

static int reopen_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  return prepare_existing(ctx, ctx->req->task_reopen->id, NULL);
}

static int reopen_apply(wtx *w, wjob *job) {
  Pcn__TaskReopen *r = job->req->task_reopen;
  return set_status(w, job, r->id, r->version, PCN__TASK_STATUS__TASK_OPEN);
}

static int comment_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__TaskComment *r = ctx->req->task_comment;
  if (ctx_check_text(ctx, "text", r->text, PCN_MAX_TEXT, 1, 1))
    return ctx->status->code;
  return prepare_existing(ctx, r->id, NULL);
}

/* A comment adds a record and counts it on the task without bumping the
 * task's version: commenting never makes someone's edit conflict. */
static int comment_apply(wtx *w, wjob *job) {
  Pcn__TaskComment *r = job->req->task_comment;
  Pcn__Task *t = NULL;
  uint8_t old[TASK_INDEX_KEY];
  int rc = apply_existing(w, job, r->id, 0, &t, old);
  if (rc) return rc;
  Pcn__Comment *c = pcn_arena_alloc(&job->arena, sizeof *c);
  if (!c) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__comment__init(c);
  c->task_id = t->id;
  c->n = ++t->comment_count;
  c->author = job->who.username;
  c->text = r->text;
  c->at = job->now_ms;
  uint8_t ck[12];
  key_u64(ck, t->id);
  key_u32(ck + 8, c->n);
  if ((rc = store_put_pb(w->txn, w->st->comments, ck, 12,
                         (ProtobufCMessage *)c)))
    return wtx_lmdb(w, rc, "saving the comment");
  t->updated_at = job->now_ms;
  if ((rc = task_save(w, t, old))) return rc;
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_COMMENT;
  ev.comment = c;
  if ((rc = feed_emit(w, PCN__OP__CREATED, t->practice, &ev))) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_TASK;
  job->resp.task = t;
  return PCN__STATUS_CODE__OK;
}

#define TASK_WORK (R_PCNM | R_CD)
const req_entry tasks_entries[] = {
    {PCN__REQUEST__BODY_TASK_CREATE, "create tasks", REQ_WRITE, TASK_WORK,
     R_PM | R_STAFF | R_CLIN, 0, NULL, create_prepare, create_apply, NULL},
    {PCN__REQUEST__BODY_TASK_LIST, "list tasks", 0, R_ALL, R_ALL, 0, list_read,
     NULL, NULL, NULL},
    {PCN__REQUEST__BODY_TASK_GET, "see tasks", 0, R_ALL, R_ALL, 0, get_read,
     NULL, NULL, NULL},
    {PCN__REQUEST__BODY_TASK_UPDATE, "update tasks", REQ_WRITE | REQ_OWNER,
     TASK_WORK, R_PM, 0, NULL, update_prepare, update_apply, NULL},
    {PCN__REQUEST__BODY_TASK_ASSIGN, "assign tasks", REQ_WRITE | REQ_OWNER,
     TASK_WORK, R_PM, 0, NULL, assign_prepare, assign_apply, NULL},
    {PCN__REQUEST__BODY_TASK_COMMENT, "comment on tasks", REQ_WRITE, R_ALL,
     R_ALL, 0, NULL, comment_prepare, comment_apply, NULL},
    {PCN__REQUEST__BODY_TASK_CLOSE, "close tasks", REQ_WRITE | REQ_OWNER,
     TASK_WORK, R_PM, 0, NULL, close_prepare, close_apply, NULL},
    {PCN__REQUEST__BODY_TASK_REOPEN, "reopen tasks", REQ_WRITE | REQ_OWNER,
     TASK_WORK, R_PM, 0, NULL, reopen_prepare, reopen_apply, NULL},
};
const size_t tasks_entries_n = sizeof tasks_entries / sizeof tasks_entries[0];
