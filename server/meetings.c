/* meetings.c - meetings of the network: call one (title, start and end,
 * place or link, invitees), list and show them, change or cancel them, an
 * agenda any invitee adds to, attendance recorded afterwards (who, and for
 * how long, so the time can be claimed), minutes, and actions that become
 * tasks in the same commit.
 *
 * Records:
 *   meetings       u64 id -> pcn.Meeting (ids from meta "next_meeting")
 *   meeting_items  u64 meeting | u8 kind | u32 n -> the meeting's items:
 *                    kind 1 agenda      n = item number  -> MeetingAgendaItem
 *                    kind 2 attendance  n = member id    -> MeetingAttendance
 *                    kind 3 action      n = action number -> MeetingAction
 *                  u64 0 | u8 0 | u64 starts_at | u64 id -> (empty): the
 *                    index by start time (ids start at 1, so "meeting 0"
 *                    has no items of its own), kept in the same nested
 *                    transaction as the meeting.
 * So a meeting's items are one cursor range, in the order MeetingDetail
 * lists them, and a listing by time is one range of meeting 0.
 *
 * Visibility: every member sees every meeting and everything about it
 * (audience ""). Meetings are how the network works in the open; an
 * invitation list says who is expected, not who may know. Attendance
 * minutes are the basis of claims, which every practice may check.
 *
 * Who: the PCN manager, the clinical director and practice managers call
 * meetings (a practice manager may call the practice managers together).
 * The organiser, or the PCN manager, changes or cancels one, records
 * attendance and minutes, and adds actions; any invitee adds to the
 * agenda. The version rises with every change to what a calendar shows
 * (and the minutes); iCalendar exports carry it as SEQUENCE. Attendance
 * and actions leave it alone, so recording them never makes an edit
 * conflict.
 */
#include <stdio.h>
#include <string.h>

#include "areas.h"
#include "encode.h"
#include "feed.h"
#include "validate.h"
#include "wire.h"

#define META_NEXT_MEETING "next_meeting"
#define MEETING_MAX_PLACE 1000 /* meeting links run long */
#define MEETING_MAX_AGENDA_TEXT 500
#define MEETING_MAX_INVITEES 100
#define MEETING_MAX_AGENDA 50
#define MEETING_MAX_ACTIONS 100
#define MEETING_MAX_ATTEND 100 /* usernames in one request */
#define MEETING_MAX_ITEMS_SHOWN 1000
#define MEETING_MAX_MS (24LL * 3600 * 1000)
#define MEETING_LIST_DEFAULT 50
#define MEETING_LIST_MAX 200
#define MIN_MS 60000LL

enum { KIND_INDEX = 0, KIND_AGENDA = 1, KIND_ATTEND = 2, KIND_ACTION = 3 };
#define ITEM_KEY 13  /* u64 meeting | u8 kind | u32 n */
#define INDEX_KEY 25 /* u64 0 | u8 0 | u64 starts_at | u64 id */

enum { RESP_F_MEETINGS = 61, RESP_F_MEETING_DETAIL = 62 }; /* pcn.proto */
enum {
  PAGE_F_MEETINGS = 1,
  PAGE_F_NEXT = 2,
  DETAIL_F_MEETING = 1,
  DETAIL_F_MAY = 100
};

static void item_key(uint8_t k[ITEM_KEY], uint64_t meeting, int kind,
                     uint32_t n) {
  key_u64(k, meeting);
  k[8] = (uint8_t)kind;
  key_u32(k + 9, n);
}

static void index_key(uint8_t k[INDEX_KEY], int64_t starts_at, uint64_t id) {
  key_u64(k, 0);
  k[8] = KIND_INDEX;
  key_u64(k + 9, (uint64_t)starts_at);
  key_u64(k + 17, id);
}

static int meeting_load(MDB_txn *txn, store *st, uint64_t id, pcn_arena *a,
                        Pcn__Meeting **m) {
  uint8_t key[8];
  key_u64(key, id);
  return store_get_pb(txn, st->meetings, key, 8, &pcn__meeting__descriptor, a,
                      (void **)m);
}

/* Saves m and moves its index entry when it starts at another time than
 * old_starts (-1: a new meeting). */
static int meeting_save(wtx *w, Pcn__Meeting *m, int64_t old_starts) {
  uint8_t key[8], ik[INDEX_KEY];
  key_u64(key, m->id);
  int rc = store_put_pb(w->txn, w->st->meetings, key, 8, (ProtobufCMessage *)m);
  if (rc) return wtx_lmdb(w, rc, "saving the meeting");
  if (old_starts == m->starts_at) return PCN__STATUS_CODE__OK;
  if (old_starts >= 0) {
    index_key(ik, old_starts, m->id);
    MDB_val ok = {INDEX_KEY, ik};
    rc = mdb_del(w->txn, w->st->meeting_items, &ok, NULL);
    if (rc && rc != MDB_NOTFOUND)
      return wtx_lmdb(w, rc, "indexing the meeting");
  }
  index_key(ik, m->starts_at, m->id);
  MDB_val k = {INDEX_KEY, ik}, v = {0, NULL};
  if ((rc = mdb_put(w->txn, w->st->meeting_items, &k, &v, 0)))
    return wtx_lmdb(w, rc, "indexing the meeting");
  return PCN__STATUS_CODE__OK;
}

static int emit(wtx *w, Pcn__Op op, Pcn__Event *ev) {
  return feed_emit(w, op, "", ev); /* every member: see the top */
}

static int meeting_emit(wtx *w, wjob *job, Pcn__Op op, Pcn__Meeting *m) {
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_MEETING;
  ev.meeting = m;
  int rc = emit(w, op, &ev);
  if (rc) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_MEETING;
  job->resp.meeting = m;
  return PCN__STATUS_CODE__OK;
}

static int is_invited(const Pcn__Meeting *m, const char *username) {
  if (strcmp(m->organiser, username) == 0) return 1;
  for (size_t i = 0; i < m->n_invitees; i++)
    if (strcmp(m->invitees[i], username) == 0) return 1;
  return 0;
}

static int is_organiser(const Pcn__Meeting *m, const actor *who) {
  return strcmp(m->organiser, who->username) == 0;
}

/* ------------------------------------------------------------ checks */

static int64_t first_ms(void) {
  return pcn_days_from_civil(2000, 1, 1) * PCN_DAY_MS;
}
static int64_t end_ms(void) {
  return pcn_days_from_civil(2200, 1, 1) * PCN_DAY_MS;
}

static int check_when(req_ctx *ctx, int64_t starts_at, int64_t ends_at) {
  if (starts_at < first_ms() || starts_at >= end_ms())
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "starts_at",
                          "starts_at: give the start as Unix milliseconds in "
                          "the years 2000 to 2199 (pcn takes YYYY-MM-DD "
                          "HH:MM).");
  if (ends_at <= starts_at)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "ends_at",
                          "ends_at: the meeting must end after it starts; "
                          "give a later end.");
  if (ends_at - starts_at > MEETING_MAX_MS)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "ends_at",
                          "ends_at: a meeting lasts at most 24 hours; call "
                          "one meeting per day instead.");
  if ((starts_at % MIN_MS) || (ends_at % MIN_MS))
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT,
                          starts_at % MIN_MS ? "starts_at" : "ends_at",
                          "%s: meetings start and end on a whole minute.",
                          starts_at % MIN_MS ? "starts_at" : "ends_at");
  return PCN__STATUS_CODE__OK;
}

static int check_place(req_ctx *ctx, const char *place) {
  return ctx_check_text(ctx, "place", place, MEETING_MAX_PLACE, 0, 0)
             ? ctx->status->code
             : PCN__STATUS_CODE__OK;
}

/* The invitees as given, each an active member, without repeats, with the
 * organiser added: written back into *list (arena). */
static int check_invitees(req_ctx *ctx, char ***list, size_t *n,
                          const char *organiser) {
  if (*n > MEETING_MAX_INVITEES)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "invitees",
                          "invitees: at most %d people; for everyone, send "
                          "an announcement instead.",
                          MEETING_MAX_INVITEES);
  char **out = pcn_arena_alloc(ctx->arena, (*n + 1) * sizeof *out);
  if (!out)
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Out of memory.");
  size_t k = 0;
  for (size_t i = 0; i < *n; i++) {
    const char *u = (*list)[i];
    if (ctx_check_text(ctx, "invitees", u, PCN_MAX_USERNAME, 1, 0) ||
        ctx_active_member(ctx, "invitees", u, NULL))
      return ctx->status->code;
    int dup = 0;
    for (size_t j = 0; j < k; j++)
      dup |= strcmp(out[j], u) == 0;
    if (!dup) out[k++] = (char *)u;
  }
  int have = 0;
  for (size_t j = 0; j < k; j++)
    have |= strcmp(out[j], organiser) == 0;
  if (!have) {
    /* The organiser comes first, as calendars list the organiser. */
    memmove(out + 1, out, k * sizeof *out);
    out[0] = (char *)organiser;
    k++;
  }
  *list = out;
  *n = k;
  return PCN__STATUS_CODE__OK;
}

/* Loads the meeting a change names; NOT_FOUND says how to find one. */
static int prepare_meeting(req_ctx *ctx, uint64_t id, Pcn__Meeting **out) {
  MDB_txn *txn = ctx_txn(ctx);
  if (!txn || meeting_load(txn, &ctx->srv->st, id, ctx->arena, out) != 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, "id",
                          "No meeting %llu; `pcn meeting list` shows them.",
                          (unsigned long long)id);
  return PCN__STATUS_CODE__OK;
}

/* The organiser's (or the PCN manager's) changes, refused with a sentence
 * that names who may. */
static int organiser_check(req_ctx *ctx, const Pcn__Meeting *m) {
  if (perm_allows(ctx->entry, ctx->who, "", is_organiser(m, ctx->who)))
    return PCN__STATUS_CODE__OK;
  return ctx_fail(ctx, PCN__STATUS_CODE__PERMISSION_DENIED,
                  "Only the organiser of meeting %llu (%s) or the PCN "
                  "manager may %s; ask them.",
                  (unsigned long long)m->id, m->organiser, ctx->entry->name);
}

static int writer_meeting(wtx *w, wjob *job, uint64_t id, Pcn__Meeting **m) {
  int rc = meeting_load(w->txn, w->st, id, &job->arena, m);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND, "No meeting %llu.",
                    (unsigned long long)id);
  return rc ? wtx_lmdb(w, rc, "reading the meeting") : PCN__STATUS_CODE__OK;
}

static int not_cancelled(wtx *w, const Pcn__Meeting *m) {
  if (!m->cancelled) return PCN__STATUS_CODE__OK;
  return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                  "Meeting %llu is cancelled; its organiser can restore it "
                  "with pcn meeting update %llu --restore.",
                  (unsigned long long)m->id, (unsigned long long)m->id);
}

/* ------------------------------------------------------------ create */

static int create_prepare(req_ctx *ctx, wjob *job) {
  Pcn__MeetingCreate *r = ctx->req->meeting_create;
  if (ctx_check_text(ctx, "title", r->title, PCN_MAX_TITLE, 1, 0) ||
      check_place(ctx, r->place) || check_when(ctx, r->starts_at, r->ends_at))
    return ctx->status->code;
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  return check_invitees(ctx, &r->invitees, &r->n_invitees, job->who.username);
}

static int create_apply(wtx *w, wjob *job) {
  Pcn__MeetingCreate *r = job->req->meeting_create;
  uint64_t id;
  int rc = store_next_id(w->txn, w->st, META_NEXT_MEETING, &id);
  if (rc) return wtx_lmdb(w, rc, "numbering the meeting");
  Pcn__Meeting *m = pcn_arena_alloc(&job->arena, sizeof *m);
  if (!m) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__meeting__init(m);
  m->id = id;
  m->version = 1;
  m->title = r->title;
  m->starts_at = r->starts_at;
  m->ends_at = r->ends_at;
  m->place = r->place;
  m->invitees = r->invitees;
  m->n_invitees = r->n_invitees;
  m->organiser = job->who.username;
  m->created_at = m->updated_at = job->now_ms;
  if ((rc = meeting_save(w, m, -1))) return rc;
  return meeting_emit(w, job, PCN__OP__CREATED, m);
}

/* ------------------------------------------------------------ reads */

static int list_read(req_ctx *ctx) {
  Pcn__MeetingList *r = ctx->req->meeting_list;
  store *st = &ctx->srv->st;
  MDB_txn *txn = ctx_txn(ctx);
  if (!txn)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The server could not read meetings; try again.");
  if (r->starts_from < 0 || r->starts_before < 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT,
                          r->starts_from < 0 ? "starts_from" : "starts_before",
                          "The range is Unix milliseconds, 0 for open.");
  uint8_t lo[INDEX_KEY], hi[INDEX_KEY];
  index_key(lo, r->starts_from, 0);
  if (r->starts_before)
    index_key(hi, r->starts_before, 0);
  else
    index_key(hi, INT64_MAX, UINT64_MAX);
  if (r->after[0]) {
    uint8_t after[16];
    if (strlen(r->after) != 32 || pcn_hex_decode(r->after, after, 16))
      return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "after",
                            "after: that is not a cursor from a previous "
                            "page; start again without it.");
    uint8_t a[INDEX_KEY];
    key_u64(a, 0);
    a[8] = KIND_INDEX;
    memcpy(a + 9, after, 16);
    /* Strictly after the cursor: the next id up. */
    uint64_t id = key_get_u64(a + 17);
    if (id == UINT64_MAX)
      return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "after",
                            "after: that cursor is past the end.");
    key_u64(a + 17, id + 1);
    if (memcmp(a, lo, INDEX_KEY) > 0) memcpy(lo, a, INDEX_KEY);
  }
  uint32_t limit = r->limit ? r->limit : MEETING_LIST_DEFAULT;
  if (limit > MEETING_LIST_MAX) limit = MEETING_LIST_MAX;
  MDB_cursor *cur;
  if (mdb_cursor_open(txn, st->meeting_items, &cur))
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Out of memory.");
  pcn_buf *out = &ctx->srv->raw;
  uint32_t n = 0;
  int nomem = 0, more = 0;
  uint8_t last[INDEX_KEY];
  MDB_val k = {INDEX_KEY, lo}, v;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    if (k.mv_size != INDEX_KEY || memcmp(k.mv_data, hi, INDEX_KEY) >= 0) break;
    if (n == limit) {
      more = 1;
      break;
    }
    uint8_t mk[8];
    memcpy(mk, (uint8_t *)k.mv_data + 17, 8);
    MDB_val kk = {8, mk}, mv;
    if (mdb_get(txn, st->meetings, &kk, &mv) != 0) continue;
    if (pcn_wire_append_len(out, PAGE_F_MEETINGS, mv.mv_data, mv.mv_size)) {
      nomem = 1;
      break;
    }
    memcpy(last, k.mv_data, INDEX_KEY);
    n++;
  }
  mdb_cursor_close(cur);
  if (more) {
    char next[33];
    pcn_hex_encode(last + 9, 16, next);
    nomem |= pcn_wire_append_len(out, PAGE_F_NEXT, next, 32);
  }
  if (nomem)
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Out of memory.");
  ctx->raw_field = RESP_F_MEETINGS;
  return PCN__STATUS_CODE__OK;
}

/* The meeting and its items from their stored bytes: each item kind is
 * the MeetingDetail field one above it (agenda 2, attendance 3,
 * actions 4). */
static const req_entry *entry_of(int body) {
  for (size_t i = 0; i < meetings_entries_n; i++)
    if (meetings_entries[i].body_case == body) return &meetings_entries[i];
  return NULL;
}

/* What the reader may do to m now, as the writes' checks would decide it
 * (MeetingDetail.may, issue 20): clients offer only these, so nobody is
 * told to run what is then refused. Appended to out as field `may`. */
static int append_may(req_ctx *ctx, const Pcn__Meeting *m, pcn_buf *out) {
  int64_t now = srv_now_ms(ctx->srv);
  int org = is_organiser(m, ctx->who);
  static const struct {
    int body;
    const char *word;
  } acts[] = {
      {PCN__REQUEST__BODY_MEETING_UPDATE, "update"},
      {PCN__REQUEST__BODY_MEETING_AGENDA_ADD, "agenda"},
      {PCN__REQUEST__BODY_MEETING_ATTEND, "attend"},
      {PCN__REQUEST__BODY_MEETING_MINUTES, "minutes"},
      {PCN__REQUEST__BODY_MEETING_ACTION_ADD, "action"},
  };
  for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
    int body = acts[i].body, ok;
    const req_entry *e = entry_of(body);
    if (body == PCN__REQUEST__BODY_MEETING_AGENDA_ADD)
      ok = perm_allows(e, ctx->who, "", is_invited(m, ctx->who->username)) &&
           !m->cancelled && now < m->ends_at;
    else
      ok = perm_allows(e, ctx->who, "", org) &&
           (body == PCN__REQUEST__BODY_MEETING_UPDATE ||
            body == PCN__REQUEST__BODY_MEETING_MINUTES || !m->cancelled) &&
           (body != PCN__REQUEST__BODY_MEETING_ATTEND || now >= m->starts_at);
    if (ok && pcn_wire_append_len(out, DETAIL_F_MAY, acts[i].word,
                                  strlen(acts[i].word)))
      return -1;
  }
  return 0;
}

static int get_read(req_ctx *ctx) {
  uint64_t id = ctx->req->meeting_get->id;
  store *st = &ctx->srv->st;
  MDB_txn *txn = ctx_txn(ctx);
  uint8_t key[ITEM_KEY];
  key_u64(key, id);
  MDB_val k = {8, key}, v;
  if (!txn || id == 0 || mdb_get(txn, st->meetings, &k, &v) != 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, "id",
                          "No meeting %llu; `pcn meeting list` shows them.",
                          (unsigned long long)id);
  pcn_buf *out = &ctx->srv->raw;
  Pcn__Meeting *m = pcn__meeting__unpack(&ctx->arena->pb, v.mv_size, v.mv_data);
  if (!m || pcn_wire_append_len(out, DETAIL_F_MEETING, v.mv_data, v.mv_size) ||
      append_may(ctx, m, out))
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Out of memory.");
  MDB_cursor *cur;
  if (mdb_cursor_open(txn, st->meeting_items, &cur) == 0) {
    item_key(key, id, KIND_AGENDA, 0);
    k.mv_size = ITEM_KEY;
    k.mv_data = key;
    int shown = 0;
    for (int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
         rc == 0 && shown < MEETING_MAX_ITEMS_SHOWN && k.mv_size == ITEM_KEY &&
         key_get_u64(k.mv_data) == id;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT), shown++) {
      int kind = ((uint8_t *)k.mv_data)[8];
      if (kind < KIND_AGENDA || kind > KIND_ACTION) continue;
      if (pcn_wire_append_len(out, (uint32_t)kind + 1, v.mv_data, v.mv_size))
        break;
    }
    mdb_cursor_close(cur);
  }
  ctx->raw_field = RESP_F_MEETING_DETAIL;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ update */

static int update_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__MeetingUpdate *r = ctx->req->meeting_update;
  if (r->version == 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "version",
                          "version: a change names the version it read (pcn "
                          "meeting show gives it).");
  if ((r->has_title_case == PCN__MEETING_UPDATE__HAS_TITLE_TITLE &&
       ctx_check_text(ctx, "title", r->title, PCN_MAX_TITLE, 1, 0)) ||
      (r->has_place_case == PCN__MEETING_UPDATE__HAS_PLACE_PLACE &&
       check_place(ctx, r->place)))
    return ctx->status->code;
  if (!r->set_invitees && r->n_invitees)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "invitees",
                          "invitees: set set_invitees to replace the list.");
  if (!r->has_title_case && !r->has_starts_at_case && !r->has_ends_at_case &&
      !r->has_place_case && !r->set_invitees && !r->has_cancelled_case)
    return ctx_fail(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT,
                    "Nothing to change: give a title, start, end, place, "
                    "invitees or cancelled.");
  Pcn__Meeting *m = NULL;
  if (prepare_meeting(ctx, r->id, &m) || organiser_check(ctx, m))
    return ctx->status->code;
  /* The version must match in the writer, so the meeting read here is
   * the one the change applies to: check the times as they will be. */
  int64_t s = r->has_starts_at_case ? r->starts_at : m->starts_at;
  int64_t e = r->has_ends_at_case ? r->ends_at : m->ends_at;
  if (check_when(ctx, s, e)) return ctx->status->code;
  if (r->set_invitees)
    return check_invitees(ctx, &r->invitees, &r->n_invitees, m->organiser);
  return PCN__STATUS_CODE__OK;
}

/* Loads the meeting and checks the version read (0: unchecked). CONFLICT
 * carries the current record. */
static int apply_versioned(wtx *w, wjob *job, uint64_t id, uint32_t version,
                           Pcn__Meeting **out) {
  Pcn__Meeting *m = NULL;
  int rc = writer_meeting(w, job, id, &m);
  if (rc) return rc;
  if (version && version != m->version) {
    job->resp.body_case = PCN__RESPONSE__BODY_MEETING;
    job->resp.meeting = m;
    return wtx_fail(w, PCN__STATUS_CODE__CONFLICT,
                    "Meeting %llu was changed meanwhile (now version %u, you "
                    "read %u); here is the current one: review it and try "
                    "again.",
                    (unsigned long long)id, m->version, version);
  }
  *out = m;
  return PCN__STATUS_CODE__OK;
}

static int update_apply(wtx *w, wjob *job) {
  Pcn__MeetingUpdate *r = job->req->meeting_update;
  Pcn__Meeting *m = NULL;
  int rc = apply_versioned(w, job, r->id, r->version, &m);
  if (rc) return rc;
  int64_t old_starts = m->starts_at;
  if (r->has_title_case) m->title = r->title;
  if (r->has_starts_at_case) m->starts_at = r->starts_at;
  if (r->has_ends_at_case) m->ends_at = r->ends_at;
  if (r->has_place_case) m->place = r->place;
  if (r->set_invitees) {
    m->invitees = r->invitees;
    m->n_invitees = r->n_invitees;
  }
  if (r->has_cancelled_case) m->cancelled = r->cancelled;
  m->version++;
  m->updated_at = job->now_ms;
  if ((rc = meeting_save(w, m, old_starts))) return rc;
  return meeting_emit(w, job, PCN__OP__UPDATED, m);
}

/* ------------------------------------------------------------ agenda */

static int agenda_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__MeetingAgendaAdd *r = ctx->req->meeting_agenda_add;
  if (ctx_check_text(ctx, "text", r->text, MEETING_MAX_AGENDA_TEXT, 1, 0))
    return ctx->status->code;
  Pcn__Meeting *m = NULL;
  if (prepare_meeting(ctx, r->id, &m)) return ctx->status->code;
  if (!perm_allows(ctx->entry, ctx->who, "", is_invited(m, ctx->who->username)))
    return ctx_fail(ctx, PCN__STATUS_CODE__PERMISSION_DENIED,
                    "Only those invited to meeting %llu may add to its "
                    "agenda; ask its organiser (%s) to invite you.",
                    (unsigned long long)m->id, m->organiser);
  if (srv_now_ms(ctx->srv) >= m->ends_at)
    return ctx_fail(ctx, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "Meeting %llu is over; what was discussed belongs in its "
                    "minutes.",
                    (unsigned long long)m->id);
  return PCN__STATUS_CODE__OK;
}

/* An agenda item raises the meeting's version (calendars must see the
 * new agenda) but makes no meeting event of its own: the item's event
 * says what happened. */
static int agenda_apply(wtx *w, wjob *job) {
  Pcn__MeetingAgendaAdd *r = job->req->meeting_agenda_add;
  Pcn__Meeting *m = NULL;
  int rc = writer_meeting(w, job, r->id, &m);
  if (rc || (rc = not_cancelled(w, m))) return rc;
  if (m->agenda_count >= MEETING_MAX_AGENDA)
    return wtx_fail(w, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Meeting %llu already has %d agenda items; that is a "
                    "meeting's worth. Call another for the rest.",
                    (unsigned long long)m->id, MEETING_MAX_AGENDA);
  Pcn__MeetingAgendaItem *it = pcn_arena_alloc(&job->arena, sizeof *it);
  if (!it) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__meeting_agenda_item__init(it);
  it->meeting_id = m->id;
  it->n = ++m->agenda_count;
  it->text = r->text;
  it->added_by = job->who.username;
  it->added_at = job->now_ms;
  uint8_t k[ITEM_KEY];
  item_key(k, m->id, KIND_AGENDA, it->n);
  if ((rc = store_put_pb(w->txn, w->st->meeting_items, k, ITEM_KEY,
                         (ProtobufCMessage *)it)))
    return wtx_lmdb(w, rc, "saving the agenda item");
  m->version++;
  m->updated_at = job->now_ms;
  if ((rc = meeting_save(w, m, m->starts_at))) return rc;
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_MEETING_AGENDA_ITEM;
  ev.meeting_agenda_item = it;
  if ((rc = emit(w, PCN__OP__CREATED, &ev))) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_MEETING_AGENDA_ITEM;
  job->resp.meeting_agenda_item = it;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ attendance */

static int attend_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__MeetingAttend *r = ctx->req->meeting_attend;
  if (r->n_usernames == 0 || r->n_usernames > MEETING_MAX_ATTEND)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "usernames",
                          "usernames: name 1 to %d members who attended.",
                          MEETING_MAX_ATTEND);
  if (r->absent && r->minutes)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "minutes",
                          "minutes: give minutes or absent, not both.");
  if (r->minutes > 24 * 60)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "minutes",
                          "minutes: at most 1440 (a whole day); 0 means the "
                          "meeting's length.");
  MDB_txn *txn = ctx_txn(ctx);
  for (size_t i = 0; i < r->n_usernames; i++) {
    Pcn__Member *mem;
    if (ctx_check_text(ctx, "usernames", r->usernames[i], PCN_MAX_USERNAME, 1,
                       0))
      return ctx->status->code;
    /* A member disabled since still attended: only unknown names fail. */
    if (!txn ||
        member_lookup(txn, &ctx->srv->st, r->usernames[i], ctx->arena, &mem))
      return ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, "usernames",
                            "usernames: no member is called '%.40s'; `pcn "
                            "member list` shows them.",
                            r->usernames[i]);
  }
  Pcn__Meeting *m = NULL;
  if (prepare_meeting(ctx, r->id, &m) || organiser_check(ctx, m))
    return ctx->status->code;
  if (srv_now_ms(ctx->srv) < m->starts_at)
    return ctx_fail(ctx, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "Meeting %llu has not started yet; record who attended "
                    "once it has.",
                    (unsigned long long)m->id);
  return PCN__STATUS_CODE__OK;
}

static int attend_apply(wtx *w, wjob *job) {
  Pcn__MeetingAttend *r = job->req->meeting_attend;
  Pcn__Meeting *m = NULL;
  int rc = writer_meeting(w, job, r->id, &m);
  if (rc || (rc = not_cancelled(w, m))) return rc;
  uint32_t minutes = r->absent ? 0
                     : r->minutes
                         ? r->minutes
                         : (uint32_t)((m->ends_at - m->starts_at) / MIN_MS);
  Pcn__MeetingAttendancePage *page = pcn_arena_alloc(&job->arena, sizeof *page);
  Pcn__MeetingAttendance **recs =
      pcn_arena_alloc(&job->arena, r->n_usernames * sizeof *recs);
  if (!page || !recs)
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__meeting_attendance_page__init(page);
  page->attendance = recs;
  for (size_t i = 0; i < r->n_usernames; i++) {
    Pcn__Member *mem;
    rc = member_lookup(w->txn, w->st, r->usernames[i], &job->arena, &mem);
    if (rc == MDB_NOTFOUND)
      return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND,
                      "No member is called '%.40s'.", r->usernames[i]);
    if (rc) return wtx_lmdb(w, rc, "reading a member");
    uint8_t k[ITEM_KEY];
    item_key(k, m->id, KIND_ATTEND, mem->id);
    MDB_val kv = {ITEM_KEY, k}, old;
    int had = mdb_get(w->txn, w->st->meeting_items, &kv, &old) == 0;
    Pcn__MeetingAttendance *a = pcn_arena_alloc(&job->arena, sizeof *a);
    if (!a) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
    pcn__meeting_attendance__init(a);
    a->meeting_id = m->id;
    a->username = mem->username;
    a->practice = mem->practice;
    a->minutes = minutes;
    a->recorded_by = job->who.username;
    a->recorded_at = job->now_ms;
    if ((rc = store_put_pb(w->txn, w->st->meeting_items, k, ITEM_KEY,
                           (ProtobufCMessage *)a)))
      return wtx_lmdb(w, rc, "saving the attendance");
    Pcn__Event ev = PCN__EVENT__INIT;
    ev.record_case = PCN__EVENT__RECORD_MEETING_ATTENDANCE;
    ev.meeting_attendance = a;
    if ((rc = emit(w, had ? PCN__OP__UPDATED : PCN__OP__CREATED, &ev)))
      return rc;
    recs[page->n_attendance++] = a;
  }
  job->resp.body_case = PCN__RESPONSE__BODY_MEETING_ATTENDANCE;
  job->resp.meeting_attendance = page;
  return PCN__STATUS_CODE__OK;
}

int meeting_attendance_of(MDB_txn *txn, store *st, uint64_t id,
                          const char *username, pcn_arena *a, Pcn__Meeting **m,
                          Pcn__MeetingAttendance **att) {
  *att = NULL;
  int rc = id ? meeting_load(txn, st, id, a, m) : MDB_NOTFOUND;
  if (rc) return rc;
  Pcn__Member *mem;
  rc = member_lookup(txn, st, username, a, &mem);
  if (rc) return rc == MDB_NOTFOUND ? 0 : rc;
  uint8_t k[ITEM_KEY];
  item_key(k, id, KIND_ATTEND, mem->id);
  rc = store_get_pb(txn, st->meeting_items, k, ITEM_KEY,
                    &pcn__meeting_attendance__descriptor, a, (void **)att);
  if (rc == MDB_NOTFOUND) *att = NULL;
  return rc == MDB_NOTFOUND ? 0 : rc;
}

/* ------------------------------------------------------------ minutes */

static int minutes_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__MeetingMinutes *r = ctx->req->meeting_minutes;
  if (r->version == 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "version",
                          "version: minutes name the version they replace "
                          "(pcn meeting show gives it).");
  if (ctx_check_text(ctx, "text", r->text, PCN_MAX_TEXT, 0, 1))
    return ctx->status->code;
  Pcn__Meeting *m = NULL;
  if (prepare_meeting(ctx, r->id, &m) || organiser_check(ctx, m))
    return ctx->status->code;
  return PCN__STATUS_CODE__OK;
}

static int minutes_apply(wtx *w, wjob *job) {
  Pcn__MeetingMinutes *r = job->req->meeting_minutes;
  Pcn__Meeting *m = NULL;
  int rc = apply_versioned(w, job, r->id, r->version, &m);
  if (rc) return rc;
  m->minutes = r->text;
  m->version++;
  m->updated_at = job->now_ms;
  if ((rc = meeting_save(w, m, m->starts_at))) return rc;
  return meeting_emit(w, job, PCN__OP__UPDATED, m);
}

/* ------------------------------------------------------------ actions */

static int action_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__MeetingActionAdd *r = ctx->req->meeting_action_add;
  if (ctx_check_text(ctx, "title", r->title, PCN_MAX_TITLE, 1, 0) ||
      ctx_check_text(ctx, "body", r->body, PCN_MAX_TEXT, 0, 1) ||
      ctx_check_date(ctx, "due", r->due, 1, "2026-03-31", NULL))
    return ctx->status->code;
  if (!r->assignee[0])
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "assignee",
                          "assignee: an action needs someone to do it; name "
                          "a member.");
  if (ctx_check_text(ctx, "assignee", r->assignee, PCN_MAX_USERNAME, 1, 0))
    return ctx->status->code;
  char *practice = ctx_ods(ctx, "practice", r->practice, 1);
  if (!practice) return ctx->status->code;
  r->practice = practice;
  Pcn__Meeting *m = NULL;
  if (prepare_meeting(ctx, r->id, &m) || organiser_check(ctx, m))
    return ctx->status->code;
  if (practice[0] && ctx_practice_id(ctx, "practice", practice, NULL))
    return ctx->status->code;
  if (task_check_assignee(ctx, "assignee", r->assignee, practice))
    return ctx->status->code;
  return PCN__STATUS_CODE__OK;
}

/* The task and the action that links it to the meeting, in one commit:
 * the task's event, then the action's. */
static int action_apply(wtx *w, wjob *job) {
  Pcn__MeetingActionAdd *r = job->req->meeting_action_add;
  Pcn__Meeting *m = NULL;
  int rc = writer_meeting(w, job, r->id, &m);
  if (rc || (rc = not_cancelled(w, m))) return rc;
  if (m->action_count >= MEETING_MAX_ACTIONS)
    return wtx_fail(w, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Meeting %llu already has %d actions; add more as tasks.",
                    (unsigned long long)m->id, MEETING_MAX_ACTIONS);
  char head[PCN_MAX_TITLE + 80];
  snprintf(head, sizeof head, "An action from meeting %llu, \"%s\".",
           (unsigned long long)m->id, m->title);
  size_t blen = strlen(head) + strlen(r->body) + 3;
  char *body = pcn_arena_alloc(&job->arena, blen);
  if (!body) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  snprintf(body, blen, "%s%s%s", head, r->body[0] ? "\n\n" : "", r->body);
  Pcn__TaskCreate tc = PCN__TASK_CREATE__INIT;
  tc.title = r->title;
  tc.body = body;
  tc.practice = r->practice;
  tc.due = r->due;
  tc.assignee = r->assignee;
  Pcn__Task *t = NULL;
  if ((rc = task_create_in(w, job, &tc, &t))) return rc;
  Pcn__MeetingAction *a = pcn_arena_alloc(&job->arena, sizeof *a);
  if (!a) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__meeting_action__init(a);
  a->meeting_id = m->id;
  a->n = ++m->action_count;
  a->task_id = t->id;
  a->title = r->title;
  a->assignee = r->assignee;
  a->due = r->due;
  a->practice = r->practice;
  a->created_by = job->who.username;
  a->created_at = job->now_ms;
  uint8_t k[ITEM_KEY];
  item_key(k, m->id, KIND_ACTION, a->n);
  if ((rc = store_put_pb(w->txn, w->st->meeting_items, k, ITEM_KEY,
                         (ProtobufCMessage *)a)))
    return wtx_lmdb(w, rc, "saving the action");
  if ((rc = meeting_save(w, m, m->starts_at))) return rc;
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_MEETING_ACTION;
  ev.meeting_action = a;
  if ((rc = emit(w, PCN__OP__CREATED, &ev))) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_MEETING_ACTION;
  job->resp.meeting_action = a;
  return PCN__STATUS_CODE__OK;
}

#define MEETING_CALLERS (R_PCNM | R_CD | R_PM)
const req_entry meetings_entries[] = {
    {PCN__REQUEST__BODY_MEETING_CREATE, "call meetings", REQ_WRITE,
     MEETING_CALLERS, 0, 0, NULL, create_prepare, create_apply, NULL},
    {PCN__REQUEST__BODY_MEETING_LIST, "see meetings", 0, R_ALL, R_ALL, 0,
     list_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_MEETING_GET, "see meetings", 0, R_ALL, R_ALL, 0,
     get_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_MEETING_UPDATE, "change this meeting",
     REQ_WRITE | REQ_OWNER, R_PCNM, 0, 0, NULL, update_prepare, update_apply,
     NULL},
    {PCN__REQUEST__BODY_MEETING_AGENDA_ADD, "add to meeting agendas",
     REQ_WRITE | REQ_OWNER, R_PCNM, 0, 0, NULL, agenda_prepare, agenda_apply,
     NULL},
    {PCN__REQUEST__BODY_MEETING_ATTEND, "record this meeting's attendance",
     REQ_WRITE | REQ_OWNER, R_PCNM, 0, 0, NULL, attend_prepare, attend_apply,
     NULL},
    {PCN__REQUEST__BODY_MEETING_MINUTES, "write this meeting's minutes",
     REQ_WRITE | REQ_OWNER, R_PCNM, 0, 0, NULL, minutes_prepare, minutes_apply,
     NULL},
    {PCN__REQUEST__BODY_MEETING_ACTION_ADD, "add actions to this meeting",
     REQ_WRITE | REQ_OWNER, R_PCNM, 0, 0, NULL, action_prepare, action_apply,
     NULL},
};
const size_t meetings_entries_n =
    sizeof meetings_entries / sizeof meetings_entries[0];
