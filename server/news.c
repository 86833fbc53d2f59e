/* news.c - announcements and policies, with read receipts: post (to every
 * member or to some practices, pinned, with an expiry), list (pinned, then
 * what needs the reader, then the rest), read (shows one and records the
 * first opening), confirm (a policy, "read and understood"), receipts (who
 * has and has not read and confirmed, per practice and per member).
 *
 * Records:
 *   news           u64 id -> pcn.NewsItem (ids from meta "next_news")
 *   news_receipts  u64 news id | u32 member id -> pcn.NewsReceipt
 * so one item's receipts are one cursor range, and a reader's receipt for
 * an item is one get.
 *
 * Versions: a policy's new version is the same record with policy_version
 * raised (and its version, for CONFLICT). Receipts keep the version read
 * and the version confirmed, so a new version leaves every confirmation
 * behind without touching them: everyone is asked again, and the feed
 * keeps who confirmed what.
 *
 * Visibility: an item to every member has audience ""; to practices A and
 * B, "+A,B" (the network's people and those practices); reads apply the
 * same rule (item_reaches). A receipt or confirmation is seen by the
 * network's people and the reader's practice ("+A", or "+" for a network
 * role): whoever may post to that reader (the PCN manager, the clinical
 * director, their practice manager) watches receipts arrive live.
 *
 * Expiry is a date: an item shows to the end of that day (UTC) by the
 * server's clock, then drops out of lists unless asked for. Nothing is
 * written when it expires, so no tick is needed.
 *
 * Who posts: the PCN manager and the clinical director to every member or
 * any practices; a practice manager to their own practice only.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "areas.h"
#include "feed.h"
#include "uktime.h"
#include "validate.h"

#define META_NEXT_NEWS "next_news"
#define NEWS_MAX_PRACTICES 20
#define NEWS_MAX_LINK 1000
#define NEWS_LIST_DEFAULT 50
#define NEWS_LIST_MAX 200
#define NEWS_SCAN_MAX 2000   /* newest items one list looks at */
#define NEWS_REPORT_MAX 2000 /* members one receipts report counts */

/* ------------------------------------------------------------ records */

static int news_load(MDB_txn *txn, store *st, uint64_t id, pcn_arena *a,
                     Pcn__NewsItem **n) {
  uint8_t key[8];
  key_u64(key, id);
  return store_get_pb(txn, st->news, key, 8, &pcn__news_item__descriptor, a,
                      (void **)n);
}

static void receipt_key(uint8_t key[12], uint64_t id, uint32_t member) {
  key_u64(key, id);
  key_u32(key + 8, member);
}

/* The member's receipt for item id, or NULL if they never opened it (or
 * it cannot be read: then they are asked again, which is harmless). */
static Pcn__NewsReceipt *receipt_load(MDB_txn *txn, store *st, uint64_t id,
                                      uint32_t member, pcn_arena *a) {
  uint8_t key[12];
  receipt_key(key, id, member);
  Pcn__NewsReceipt *r = NULL;
  if (store_get_pb(txn, st->news_receipts, key, 12,
                   &pcn__news_receipt__descriptor, a, (void **)&r))
    return NULL;
  return r;
}

/* Whether a member of `practice` ("" network roles) is reached by n: the
 * rule feed_visible applies to n's events. */
static int item_reaches(const Pcn__NewsItem *n, const char *practice) {
  return n->n_practices == 0 ||
         feed_reaches(n->practices, n->n_practices, practice);
}

/* The target a permission check names for n and this member: the
 * network, their practice when n is to it, else a practice n is to. */
static const char *item_target(const Pcn__NewsItem *n, const char *practice) {
  if (n->n_practices == 0) return "";
  return item_reaches(n, practice) && practice[0] ? practice : n->practices[0];
}

static int item_expired(const Pcn__NewsItem *n, int32_t today) {
  int32_t d;
  return n->expires[0] && pcn_date_parse(n->expires, &d) == 0 && d < today;
}

/* n as the member `me` sees it; rc is their receipt or NULL. */
static void entry_fill(Pcn__NewsEntry *e, Pcn__NewsItem *n,
                       const Pcn__NewsReceipt *rc, const char *me,
                       int32_t today) {
  pcn__news_entry__init(e);
  e->item = n;
  e->author = strcmp(n->updated_by, me) == 0;
  e->read = e->author || (rc && rc->read_version >= n->policy_version);
  if (rc && rc->read_version >= n->policy_version) e->read_at = rc->read_at;
  e->confirmed = n->policy && rc && rc->confirmed_version >= n->policy_version;
  if (e->confirmed) e->confirmed_at = rc->confirmed_at;
  e->to_confirm = n->policy && !e->confirmed && !e->author;
  e->expired = item_expired(n, today);
}

static Pcn__NewsEntry *entry_new(pcn_arena *a, Pcn__NewsItem *n,
                                 const Pcn__NewsReceipt *rc, const char *me,
                                 int64_t now_ms) {
  Pcn__NewsEntry *e = pcn_arena_alloc(a, sizeof *e);
  if (e) entry_fill(e, n, rc, me, pcn_london_day_of_ms(now_ms));
  return e;
}

static int not_found(req_ctx *ctx, uint64_t id) {
  return ctx_fail(ctx, PCN__STATUS_CODE__NOT_FOUND,
                  "No announcement %llu; `pcn news list --all` shows the ones "
                  "you can see.",
                  (unsigned long long)id);
}

/* Loads item id for a request about it. An item the member may not see
 * (the same rule as its events) gets not_found, exactly as a missing one:
 * asking must not reveal that it exists or whom it is to. */
static int prepare_item(req_ctx *ctx, uint64_t id, Pcn__NewsItem **out) {
  MDB_txn *txn = ctx_txn(ctx);
  if (!txn || news_load(txn, &ctx->srv->st, id, ctx->arena, out) != 0 ||
      !item_reaches(*out, ctx->who->practice))
    return not_found(ctx, id);
  return perm_check(ctx, item_target(*out, ctx->who->practice), 0)
             ? ctx->status->code
             : PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ post */

static int check_link(req_ctx *ctx, const char *link) {
  if (ctx_check_text(ctx, "link", link, NEWS_MAX_LINK, 0, 0)) return -1;
  if (!link[0]) return 0;
  if ((strncmp(link, "https://", 8) != 0 && strncmp(link, "http://", 7) != 0) ||
      strpbrk(link, " \t") != NULL) {
    ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "link",
                   "link: give the document's address as https://..., "
                   "without spaces.");
    return -1;
  }
  return 0;
}

static int check_expires(req_ctx *ctx, const char *expires) {
  int32_t d;
  if (!expires[0]) return 0;
  if (ctx_check_date(ctx, "expires", expires, 0, "2026-12-31", &d)) return -1;
  int32_t today = pcn_london_day_of_ms(srv_now_ms(ctx->srv));
  if (d < today) {
    char t[11];
    pcn_date_format(today, t);
    ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "expires",
                   "expires: %s has passed (today is %s); give today or a "
                   "later day, or no expiry.",
                   expires, t);
    return -1;
  }
  return 0;
}

/* Normalises, sorts and de-duplicates the practices a new item is to,
 * each of which must exist. */
static int check_practices(req_ctx *ctx, Pcn__NewsPost *r) {
  if (r->n_practices > NEWS_MAX_PRACTICES)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "practices",
                          "practices: at most %d; to reach every practice, "
                          "post to all.",
                          NEWS_MAX_PRACTICES);
  for (size_t i = 0; i < r->n_practices; i++) {
    char *ods = ctx_ods(ctx, "practices", r->practices[i], 0);
    if (!ods) return ctx->status->code;
    r->practices[i] = ods;
  }
  r->n_practices = ods_sort_unique(r->practices, r->n_practices);
  return PCN__STATUS_CODE__OK;
}

/* The poster may post to every practice the item is to (or to all). */
static int post_perm(req_ctx *ctx, char **practices, size_t n) {
  if (n == 0) return perm_check(ctx, "", 0) ? ctx->status->code : 0;
  for (size_t i = 0; i < n; i++)
    if (perm_check(ctx, practices[i], 0)) return ctx->status->code;
  return PCN__STATUS_CODE__OK;
}

static int post_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__NewsPost *r = ctx->req->news_post;
  if (ctx_check_text(ctx, "title", r->title, PCN_MAX_TITLE, 1, 0) ||
      ctx_check_text(ctx, "body", r->body, PCN_MAX_TEXT, 0, 1) ||
      check_link(ctx, r->link) || check_expires(ctx, r->expires))
    return ctx->status->code;
  MDB_txn *txn = ctx_txn(ctx);
  if (!txn)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The server could not read announcements; try again.");
  if (r->version_of) {
    if (r->n_practices)
      return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT,
                            "practices",
                            "practices: a new version goes to the practices "
                            "the policy went to; leave them out (post a new "
                            "policy to reach others).");
    Pcn__NewsItem *n;
    if (news_load(txn, &ctx->srv->st, r->version_of, ctx->arena, &n) ||
        !item_reaches(n, ctx->who->practice))
      return ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, "version_of",
                            "version_of: no announcement %llu; `pcn news "
                            "list --all` shows them.",
                            (unsigned long long)r->version_of);
    if (post_perm(ctx, n->practices, n->n_practices)) return ctx->status->code;
    if (!n->policy)
      return ctx_fail_field(ctx, PCN__STATUS_CODE__FAILED_PRECONDITION,
                            "version_of",
                            "version_of: %llu is an announcement, not a "
                            "policy; only policies have versions.",
                            (unsigned long long)r->version_of);
    r->policy = 1;
  } else {
    if (check_practices(ctx, r) || post_perm(ctx, r->practices, r->n_practices))
      return ctx->status->code;
    for (size_t i = 0; i < r->n_practices; i++) {
      uint32_t pid;
      if (practice_lookup(txn, &ctx->srv->st, r->practices[i], &pid))
        return ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, "practices",
                              "practices: no practice %s in this network; "
                              "`pcn practice list` shows them.",
                              r->practices[i]);
    }
  }
  if (r->policy && !r->body[0] && !r->link[0])
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "body",
                          "body: a policy needs its text, or a link to the "
                          "document (link).");
  return PCN__STATUS_CODE__OK;
}

/* The writer's answer: n as the member now sees it, rc being their receipt
 * (NULL if none). */
static int reply_entry(wtx *w, wjob *job, Pcn__NewsItem *n,
                       const Pcn__NewsReceipt *rc) {
  Pcn__NewsEntry *e =
      entry_new(&job->arena, n, rc, job->who.username, job->now_ms);
  if (!e) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  job->resp.body_case = PCN__RESPONSE__BODY_NEWS_ENTRY;
  job->resp.news_entry = e;
  return PCN__STATUS_CODE__OK;
}

/* CONFLICT, carrying the item as it is now (without it if out of memory:
 * still CONFLICT). */
static int conflict(wtx *w, wjob *job, Pcn__NewsItem *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int conflict(wtx *w, wjob *job, Pcn__NewsItem *n, const char *fmt, ...) {
  char why[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  reply_entry(
      w, job, n,
      receipt_load(w->txn, w->st, n->id, job->who.member_id, &job->arena));
  return wtx_fail(w, PCN__STATUS_CODE__CONFLICT, "%s", why);
}

static int item_save_emit(wtx *w, wjob *job, Pcn__NewsItem *n, Pcn__Op op) {
  uint8_t key[8];
  key_u64(key, n->id);
  int rc = store_put_pb(w->txn, w->st->news, key, 8, (ProtobufCMessage *)n);
  if (rc) return wtx_lmdb(w, rc, "saving the announcement");
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_NEWS;
  ev.news = n;
  rc = n->n_practices ? feed_emit_to(w, op, n->practices, n->n_practices, &ev)
                      : feed_emit(w, op, "", &ev);
  return rc ? rc : reply_entry(w, job, n, NULL);
}

static int new_version_apply(wtx *w, wjob *job) {
  Pcn__NewsPost *r = job->req->news_post;
  Pcn__NewsItem *n;
  int rc = news_load(w->txn, w->st, r->version_of, &job->arena, &n);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND, "No announcement %llu.",
                    (unsigned long long)r->version_of);
  if (rc) return wtx_lmdb(w, rc, "reading the policy");
  if (r->version && r->version != n->version)
    return conflict(w, job, n,
                    "Policy %llu was changed meanwhile (now version %u of the "
                    "record, policy version %u; you read %u); here it is as "
                    "it is now: review it and try again.",
                    (unsigned long long)n->id, n->version, n->policy_version,
                    r->version);
  n->title = r->title;
  n->body = r->body;
  n->link = r->link;
  n->pinned = r->pinned;
  n->expires = r->expires;
  n->policy_version++;
  n->version++;
  n->updated_by = job->who.username;
  n->updated_at = job->now_ms;
  return item_save_emit(w, job, n, PCN__OP__UPDATED);
}

static int post_apply(wtx *w, wjob *job) {
  Pcn__NewsPost *r = job->req->news_post;
  if (r->version_of) return new_version_apply(w, job);
  uint64_t id;
  int rc = store_next_id(w->txn, w->st, META_NEXT_NEWS, &id);
  if (rc) return wtx_lmdb(w, rc, "numbering the announcement");
  Pcn__NewsItem *n = pcn_arena_alloc(&job->arena, sizeof *n);
  if (!n) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__news_item__init(n);
  n->id = id;
  n->version = 1;
  n->title = r->title;
  n->body = r->body;
  n->link = r->link;
  n->n_practices = r->n_practices;
  n->practices = r->practices;
  n->pinned = r->pinned;
  n->expires = r->expires;
  n->policy = r->policy;
  n->policy_version = 1;
  n->posted_by = n->updated_by = job->who.username;
  n->posted_at = n->updated_at = job->now_ms;
  return item_save_emit(w, job, n, PCN__OP__CREATED);
}

/* ------------------------------------------------------------ list */

typedef struct list_key {
  uint64_t id;
  int64_t at;
  uint8_t pinned, needs;
} list_key;

/* Pinned first, then what needs the reader, then newest first. */
static int list_cmp(const void *a, const void *b) {
  const list_key *x = a, *y = b;
  if (x->pinned != y->pinned) return y->pinned - x->pinned;
  if (x->needs != y->needs) return y->needs - x->needs;
  if (x->at != y->at) return x->at < y->at ? 1 : -1;
  return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

/* A list entry leaves the body out, and is copied out of the scratch
 * arena it was decoded in. */
static Pcn__NewsItem *summary_copy(pcn_arena *a, const Pcn__NewsItem *n) {
  Pcn__NewsItem *c = pcn_arena_alloc(a, sizeof *c);
  char **pr = pcn_arena_alloc(a, (n->n_practices + 1) * sizeof *pr);
  if (!c || !pr) return NULL;
  *c = *n;
  c->body = "";
  c->practices = pr;
  for (size_t i = 0; i < n->n_practices; i++)
    if (!(pr[i] = pcn_arena_strdup(a, n->practices[i]))) return NULL;
  if (!(c->title = pcn_arena_strdup(a, n->title)) ||
      !(c->link = pcn_arena_strdup(a, n->link)) ||
      !(c->expires = pcn_arena_strdup(a, n->expires)) ||
      !(c->posted_by = pcn_arena_strdup(a, n->posted_by)) ||
      !(c->updated_by = pcn_arena_strdup(a, n->updated_by)))
    return NULL;
  return c;
}

/* Walks the newest items (decoding each in a scratch arena, so long texts
 * cost nothing), keeps what the member may see, sorts, and answers the
 * first `limit` from a second look. */
static int list_read(req_ctx *ctx) {
  Pcn__NewsList *r = ctx->req->news_list;
  store *st = &ctx->srv->st;
  MDB_txn *txn = ctx_txn(ctx);
  MDB_cursor *cur;
  if (!txn || mdb_cursor_open(txn, st->news, &cur))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The server could not read announcements; try again.");
  uint32_t limit = r->limit ? r->limit : NEWS_LIST_DEFAULT;
  if (limit > NEWS_LIST_MAX) limit = NEWS_LIST_MAX;
  const actor *who = ctx->who;
  int64_t now = srv_now_ms(ctx->srv);
  int32_t today = pcn_london_day_of_ms(now);
  list_key *keys = pcn_arena_alloc(ctx->arena, NEWS_SCAN_MAX * sizeof *keys);
  Pcn__NewsPage *page = pcn_arena_alloc(ctx->arena, sizeof *page);
  if (!keys || !page) {
    mdb_cursor_close(cur);
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Out of memory.");
  }
  pcn__news_page__init(page);
  pcn_arena tmp;
  pcn_arena_init(&tmp, 0);
  size_t nkeys = 0;
  MDB_val k, v;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
       rc == 0 && nkeys < NEWS_SCAN_MAX;
       rc = mdb_cursor_get(cur, &k, &v, MDB_PREV)) {
    pcn_arena_reset(&tmp);
    Pcn__NewsItem *n = pcn__news_item__unpack(&tmp.pb, v.mv_size, v.mv_data);
    if (!n || !item_reaches(n, who->practice)) continue;
    if (!r->include_expired && item_expired(n, today)) continue;
    Pcn__NewsEntry e;
    entry_fill(&e, n, receipt_load(txn, st, n->id, who->member_id, &tmp),
               who->username, today);
    list_key *lk = &keys[nkeys++];
    lk->id = n->id;
    lk->at = n->updated_at;
    lk->pinned = n->pinned;
    lk->needs = !e.read || e.to_confirm;
    page->unread += !e.read;
    page->to_confirm += e.to_confirm;
  }
  mdb_cursor_close(cur);
  qsort(keys, nkeys, sizeof *keys, list_cmp);
  size_t want = nkeys < limit ? nkeys : limit;
  page->more = nkeys > want;
  page->entries = pcn_arena_alloc(ctx->arena, (want + 1) * sizeof(void *));
  int nomem = !page->entries;
  for (size_t i = 0; i < want && !nomem; i++) {
    pcn_arena_reset(&tmp);
    Pcn__NewsItem *n;
    if (news_load(txn, st, keys[i].id, &tmp, &n)) continue;
    Pcn__NewsItem *c = summary_copy(ctx->arena, n);
    Pcn__NewsEntry *e = c ? pcn_arena_alloc(ctx->arena, sizeof *e) : NULL;
    if (!e) {
      nomem = 1;
      break;
    }
    entry_fill(e, c, receipt_load(txn, st, n->id, who->member_id, &tmp),
               who->username, today);
    page->entries[page->n_entries++] = e;
  }
  pcn_arena_free(&tmp);
  if (nomem)
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Too much to list at once; ask for fewer (--limit).");
  ctx->resp->body_case = PCN__RESPONSE__BODY_NEWS_PAGE;
  ctx->resp->news_page = page;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ read, confirm */

/* Answers on the loop, without the writer: nothing new to record. */
static int answer_entry(req_ctx *ctx, wjob *job, Pcn__NewsItem *n,
                        Pcn__NewsReceipt *rc) {
  Pcn__NewsEntry *e =
      entry_new(ctx->arena, n, rc, ctx->who->username, srv_now_ms(ctx->srv));
  if (!e)
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Out of memory.");
  job->resp.body_case = PCN__RESPONSE__BODY_NEWS_ENTRY;
  job->resp.news_entry = e;
  return PREPARE_ANSWERED;
}

static int read_prepare(req_ctx *ctx, wjob *job) {
  Pcn__NewsItem *n;
  int code = prepare_item(ctx, ctx->req->news_read->id, &n);
  if (code) return code;
  Pcn__NewsReceipt *rc = receipt_load(ctx_txn(ctx), &ctx->srv->st, n->id,
                                      ctx->who->member_id, ctx->arena);
  Pcn__NewsEntry e;
  entry_fill(&e, n, rc, ctx->who->username, 0);
  if (e.read) return answer_entry(ctx, job, n, rc);
  return PCN__STATUS_CODE__OK;
}

/* Saves the member's receipt and emits it to the network's people and the
 * member's practice; the response is the item as they now see it. */
static int receipt_save_emit(wtx *w, wjob *job, Pcn__NewsItem *n,
                             Pcn__NewsReceipt *rc, Pcn__Op op) {
  uint8_t key[12];
  receipt_key(key, n->id, job->who.member_id);
  int rc_ = store_put_pb(w->txn, w->st->news_receipts, key, 12,
                         (ProtobufCMessage *)rc);
  if (rc_) return wtx_lmdb(w, rc_, "saving the receipt");
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_NEWS_RECEIPT;
  ev.news_receipt = rc;
  char *practice = job->who.practice; /* "" for network roles: "+" */
  if ((rc_ = feed_emit_to(w, op, &practice, 1, &ev))) return rc_;
  return reply_entry(w, job, n, rc);
}

/* Writer side of read and confirm: the item and the member's receipt (a
 * new one if none; *op says which). */
static int apply_load(wtx *w, wjob *job, uint64_t id, Pcn__NewsItem **n,
                      Pcn__NewsReceipt **rc, Pcn__Op *op) {
  int err = news_load(w->txn, w->st, id, &job->arena, n);
  if (err == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND, "No announcement %llu.",
                    (unsigned long long)id);
  if (err) return wtx_lmdb(w, err, "reading the announcement");
  *rc = receipt_load(w->txn, w->st, id, job->who.member_id, &job->arena);
  *op = *rc ? PCN__OP__UPDATED : PCN__OP__CREATED;
  if (!*rc) {
    *rc = pcn_arena_alloc(&job->arena, sizeof **rc);
    if (!*rc) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
    pcn__news_receipt__init(*rc);
    (*rc)->news_id = id;
  }
  (*rc)->username = job->who.username;
  (*rc)->practice = job->who.practice;
  return PCN__STATUS_CODE__OK;
}

static void mark_read(Pcn__NewsReceipt *rc, const Pcn__NewsItem *n,
                      int64_t now) {
  if (rc->read_version >= n->policy_version) return;
  rc->read_version = n->policy_version;
  rc->read_at = now;
}

static int read_apply(wtx *w, wjob *job) {
  Pcn__NewsItem *n;
  Pcn__NewsReceipt *rc;
  Pcn__Op op;
  int code = apply_load(w, job, job->req->news_read->id, &n, &rc, &op);
  if (code) return code;
  Pcn__NewsEntry e;
  entry_fill(&e, n, op == PCN__OP__CREATED ? NULL : rc, job->who.username, 0);
  if (e.read) /* a second opening raced the first: nothing new */
    return reply_entry(w, job, n, rc);
  mark_read(rc, n, job->now_ms);
  return receipt_save_emit(w, job, n, rc, op);
}

static int confirm_prepare(req_ctx *ctx, wjob *job) {
  Pcn__NewsConfirm *r = ctx->req->news_confirm;
  Pcn__NewsItem *n;
  int code = prepare_item(ctx, r->id, &n);
  if (code) return code;
  if (!n->policy)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__FAILED_PRECONDITION, "id",
                          "Announcement %llu is not a policy: there is "
                          "nothing to confirm, only to read (pcn news read "
                          "%llu).",
                          (unsigned long long)n->id, (unsigned long long)n->id);
  if (strcmp(n->updated_by, ctx->who->username) == 0)
    return ctx_fail(ctx, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "You published version %u of policy %llu; only those it "
                    "reaches confirm it.",
                    n->policy_version, (unsigned long long)n->id);
  Pcn__NewsReceipt *rc = receipt_load(ctx_txn(ctx), &ctx->srv->st, n->id,
                                      ctx->who->member_id, ctx->arena);
  if ((!r->policy_version || r->policy_version == n->policy_version) && rc &&
      rc->confirmed_version >= n->policy_version)
    return answer_entry(ctx, job, n, rc); /* confirmed already */
  return PCN__STATUS_CODE__OK;
}

static int confirm_apply(wtx *w, wjob *job) {
  Pcn__NewsConfirm *r = job->req->news_confirm;
  Pcn__NewsItem *n;
  Pcn__NewsReceipt *rc;
  Pcn__Op op;
  int code = apply_load(w, job, r->id, &n, &rc, &op);
  if (code) return code;
  if (r->policy_version && r->policy_version != n->policy_version)
    return conflict(w, job, n,
                    "Policy %llu is now at version %u, not the version %u you "
                    "read; read the new version, then confirm it.",
                    (unsigned long long)n->id, n->policy_version,
                    r->policy_version);
  if (rc->confirmed_version >= n->policy_version) /* confirmed meanwhile */
    return reply_entry(w, job, n, rc);
  mark_read(rc, n, job->now_ms); /* confirming is reading too */
  rc->confirmed_version = n->policy_version;
  rc->confirmed_at = job->now_ms;
  return receipt_save_emit(w, job, n, rc, op);
}

/* ------------------------------------------------------------ receipts */

typedef struct report_member {
  Pcn__NewsMemberReceipt mr;
  int group;
} report_member;

/* Unread first, then unconfirmed, then by username. */
static int member_cmp(const void *a, const void *b) {
  const Pcn__NewsMemberReceipt *x = *(Pcn__NewsMemberReceipt *const *)a;
  const Pcn__NewsMemberReceipt *y = *(Pcn__NewsMemberReceipt *const *)b;
  if (x->read != y->read) return x->read ? 1 : -1;
  if (x->confirmed != y->confirmed) return x->confirmed ? 1 : -1;
  return strcmp(x->username, y->username);
}

static int group_cmp(const void *a, const void *b) {
  return strcmp((*(Pcn__NewsPracticeReceipts *const *)a)->practice,
                (*(Pcn__NewsPracticeReceipts *const *)b)->practice);
}

/* The groups of a report: the network's people (for an item to every
 * member), then each practice the item reaches, by ODS code; only
 * `only` when given. */
static int report_groups(MDB_txn *txn, store *st, const Pcn__NewsItem *n,
                         const char *only, pcn_arena *a,
                         Pcn__NewsReceiptReport *rep) {
  size_t cap = (n->n_practices ? n->n_practices : 64) + 1;
  rep->practices = pcn_arena_alloc(a, cap * sizeof *rep->practices);
  if (!rep->practices) return -1;
#define ADD_GROUP(ods)                                                         \
  do {                                                                         \
    Pcn__NewsPracticeReceipts *g = pcn_arena_alloc(a, sizeof *g);              \
    if (!g) return -1;                                                         \
    pcn__news_practice_receipts__init(g);                                      \
    g->practice = (char *)(ods);                                               \
    rep->practices[rep->n_practices++] = g;                                    \
  } while (0)
  if (only[0]) {
    ADD_GROUP(only);
    return 0;
  }
  if (n->n_practices) {
    for (size_t i = 0; i < n->n_practices; i++)
      ADD_GROUP(n->practices[i]);
    return 0;
  }
  ADD_GROUP("");
  MDB_cursor *cur;
  if (mdb_cursor_open(txn, st->practices, &cur)) return -1;
  MDB_val k, v;
  size_t first = rep->n_practices;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
       rc == 0 && rep->n_practices < cap;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    Pcn__Practice *p = pcn__practice__unpack(&a->pb, v.mv_size, v.mv_data);
    if (p) ADD_GROUP(p->ods);
  }
  mdb_cursor_close(cur);
  qsort(rep->practices + first, rep->n_practices - first,
        sizeof *rep->practices, group_cmp);
#undef ADD_GROUP
  return 0;
}

static int group_of(const Pcn__NewsReceiptReport *rep, const char *practice) {
  for (size_t i = 0; i < rep->n_practices; i++)
    if (strcmp(rep->practices[i]->practice, practice) == 0) return (int)i;
  return -1;
}

/* Counts every enabled member the item reaches (but its publisher) into
 * their group, with their receipt. */
static int report_members(MDB_txn *txn, store *st, const Pcn__NewsItem *n,
                          pcn_arena *a, Pcn__NewsReceiptReport *rep) {
  MDB_stat ms;
  if (mdb_stat(txn, st->members, &ms)) return -1;
  size_t cap =
      ms.ms_entries < NEWS_REPORT_MAX ? ms.ms_entries : NEWS_REPORT_MAX;
  report_member *all = pcn_arena_alloc(a, (cap + 1) * sizeof *all);
  if (!all) return -1;
  size_t count = 0;
  MDB_cursor *cur;
  if (mdb_cursor_open(txn, st->members, &cur)) return -1;
  MDB_val k, v;
  pcn_arena tmp;
  pcn_arena_init(&tmp, 0);
  int err = 0;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && count < cap;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    pcn_arena_reset(&tmp);
    Pcn__Member *m = pcn__member__unpack(&tmp.pb, v.mv_size, v.mv_data);
    if (!m || m->disabled || strcmp(m->username, n->updated_by) == 0) continue;
    if (!m->practice[0] && n->n_practices) continue; /* not asked */
    int gi = group_of(rep, m->practice);
    if (gi < 0) continue;
    Pcn__NewsPracticeReceipts *g = rep->practices[gi];
    report_member *rm = &all[count];
    rm->group = gi;
    Pcn__NewsMemberReceipt *mr = &rm->mr;
    pcn__news_member_receipt__init(mr);
    if (!(mr->username = pcn_arena_strdup(a, m->username)) ||
        !(mr->display_name = pcn_arena_strdup(a, m->display_name))) {
      err = -1;
      break;
    }
    Pcn__NewsReceipt *r = receipt_load(txn, st, n->id, m->id, &tmp);
    if (r && r->read_version >= n->policy_version) {
      mr->read = 1;
      mr->read_at = r->read_at;
    }
    if (r && n->policy) {
      mr->confirmed_version = r->confirmed_version;
      if (r->confirmed_version >= n->policy_version) {
        mr->confirmed = 1;
        mr->confirmed_at = r->confirmed_at;
      }
    }
    g->members++;
    g->read += mr->read;
    g->confirmed += mr->confirmed;
    rep->members++;
    rep->read += mr->read;
    rep->confirmed += mr->confirmed;
    count++;
  }
  mdb_cursor_close(cur);
  pcn_arena_free(&tmp);
  if (err) return err;
  for (size_t i = 0; i < rep->n_practices; i++) {
    Pcn__NewsPracticeReceipts *g = rep->practices[i];
    g->receipts = pcn_arena_alloc(a, (g->members + 1) * sizeof *g->receipts);
    if (!g->receipts) return -1;
  }
  for (size_t j = 0; j < count; j++) {
    Pcn__NewsPracticeReceipts *g = rep->practices[all[j].group];
    g->receipts[g->n_receipts++] = &all[j].mr;
  }
  for (size_t i = 0; i < rep->n_practices; i++) {
    Pcn__NewsPracticeReceipts *g = rep->practices[i];
    qsort(g->receipts, g->n_receipts, sizeof *g->receipts, member_cmp);
  }
  /* A network with no one but the poster in its own roles has no
   * network group to show; a practice with no members still shows. */
  if (rep->n_practices && !rep->practices[0]->practice[0] &&
      !rep->practices[0]->members) {
    rep->n_practices--;
    memmove(rep->practices, rep->practices + 1,
            rep->n_practices * sizeof *rep->practices);
  }
  return 0;
}

static int receipts_read(req_ctx *ctx) {
  Pcn__NewsReceipts *r = ctx->req->news_receipts;
  MDB_txn *txn = ctx_txn(ctx);
  store *st = &ctx->srv->st;
  Pcn__NewsItem *n;
  if (!txn || news_load(txn, st, r->id, ctx->arena, &n) != 0 ||
      !item_reaches(n, ctx->who->practice))
    return not_found(ctx, r->id);
  char *only = ctx_ods(ctx, "practice", r->practice, 1);
  if (!only) return ctx->status->code;
  int owner = strcmp(n->posted_by, ctx->who->username) == 0 ||
              strcmp(n->updated_by, ctx->who->username) == 0;
  if (perm_check(ctx, only, owner)) return ctx->status->code;
  if (only[0]) {
    uint32_t pid;
    if (practice_lookup(txn, st, only, &pid))
      return ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, "practice",
                            "practice: no practice %s in this network.", only);
    if (!item_reaches(n, only))
      return ctx_fail_field(ctx, PCN__STATUS_CODE__FAILED_PRECONDITION,
                            "practice",
                            "practice: announcement %llu is not to %s.",
                            (unsigned long long)n->id, only);
  }
  Pcn__NewsReceiptReport *rep = pcn_arena_alloc(ctx->arena, sizeof *rep);
  if (rep) pcn__news_receipt_report__init(rep);
  if (!rep || report_groups(txn, st, n, only, ctx->arena, rep) ||
      report_members(txn, st, n, ctx->arena, rep))
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "The receipts are too many to gather at once; ask for "
                    "one practice (--practice).");
  n->body = ""; /* the report is about who, not what */
  rep->item = n;
  ctx->resp->body_case = PCN__RESPONSE__BODY_NEWS_REPORT;
  ctx->resp->news_report = rep;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ table */

#define NEWS_NET (R_PCNM | R_CD)
const req_entry news_entries[] = {
    {PCN__REQUEST__BODY_NEWS_POST, "post announcements", REQ_WRITE, NEWS_NET,
     R_PM, NEWS_NET, NULL, post_prepare, post_apply, NULL},
    {PCN__REQUEST__BODY_NEWS_LIST, "list announcements", 0, R_ALL, R_ALL, 0,
     list_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_NEWS_READ, "read announcements", REQ_WRITE, R_ALL,
     R_ALL, NEWS_NET, NULL, read_prepare, read_apply, NULL},
    {PCN__REQUEST__BODY_NEWS_CONFIRM, "confirm policies", REQ_WRITE, R_ALL,
     R_ALL, NEWS_NET, NULL, confirm_prepare, confirm_apply, NULL},
    {PCN__REQUEST__BODY_NEWS_RECEIPTS, "see read receipts", REQ_OWNER, NEWS_NET,
     R_PM, NEWS_NET, receipts_read, NULL, NULL, NULL},
};
const size_t news_entries_n = sizeof news_entries / sizeof news_entries[0];
