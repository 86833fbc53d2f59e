/* staff.c - shared staff: the register of people employed with network
 * funds (the ARRS roles), the weekly rota of their sessions at the
 * practices, their leave, and the equity report that sets each practice's
 * (and each locality's) share of the sessions delivered and of the money
 * paid to it beside its share of the list size.
 *
 * Records:
 *   staff        u64 id -> pcn.StaffMember (with its terms' history:
 *                repeated StaffTerms, oldest first; a record without any,
 *                from before terms had dates, has had its wte and
 *                annual_cost since the start: read so, and given a first
 *                "" terms entry the first time they change; no migration)
 *   staff_rota   u64 staff id | u32 week -> pcn.StaffRotaWeek
 *                week is the Monday's day number (days since 1970) plus
 *                2^31, so the cursor walks a person's weeks in order
 *   staff_leave  u64 id -> pcn.StaffLeave
 *   meta "next_staff", "next_staff_leave"   the id counters
 *
 * The rota: a week is ten sessions (morning and afternoon, Monday to
 * Friday), each at one practice or none. A week set for a person stands
 * for every week after it until the next week set for them, so a
 * standing pattern is set once and a single week is overridden by
 * setting it with this_week_only (which also writes the old pattern back
 * on the week after, unless that week is set already). A person is in one
 * place per session by construction; assigning a session that already
 * holds another practice is the clash, refused naming both places.
 *
 * Delivered sessions: for each working day (weekdays that are not bank
 * holidays, with the network's corrections) each session on the rota in
 * force for a person employed that day (started .. ended), less the
 * sessions their leave covers (whole days, mornings or afternoons).
 *
 * The equity report's money is what the ledger paid each practice in the
 * period (practice: and claim: lines, reversals netted by date); its
 * list size and locality are the practice figures in force on the
 * period's last day (the latest before it ends, so figures that start
 * inside the period count), named in the report as figures_as_at and
 * each row's figures_from. The money is also reported per stream and
 * practice (FundsStreamShare, share_bp of that stream's money); the money
 * share counts only streams that are not pass-through (ARRS and IIF by
 * default: money for a practice's own staff or its own achievement is not
 * a share of the network's), unless the request says
 * include_pass_through, and the streams left out are named (issue 20).
 * Shares are whole basis points split by largest remainder, so each
 * column adds up to exactly 100.00%.
 *
 * Terms (issue 20): a change of wte or annual cost takes effect from a
 * day (StaffUpdate.from, default today) and the terms before it stay as
 * they were: the change is inserted in the history at its day (replacing
 * a change of that same day), later changes keep theirs, and the record's
 * wte and annual_cost are the newest terms. What a month cost is worked
 * out from the terms in force on each of its days.
 *
 * ARRS: a person counts in the ARRS headroom's costs and head count only
 * when their role is one of the ARRS roles (arrs_roles, any case); other
 * roles (a salaried GP paid from core funds, say) are in the register
 * and the rota but not reimbursed through ARRS.
 *
 * Invariants: staff are never deleted (ending employment sets ended, the
 * last day). Register changes are versioned; a stale version is CONFLICT
 * with the current record. Leave is cancelled, not deleted.
 *
 * Who: the PCN manager keeps the register and the rota; leave is recorded
 * (and cancelled) by the PCN manager, or by the practice manager of the
 * employing practice. Everyone reads everything, and every event has
 * audience "": whether the sharing is fair is everyone's business.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "areas.h"
#include "feed.h"
#include "money.h"
#include "uktime.h"
#include "validate.h"

#define META_NEXT_STAFF "next_staff"
#define META_NEXT_LEAVE "next_staff_leave"
#define STAFF_MAX 500            /* people in the register */
#define STAFF_ROLE_MAX 60        /* a role's name */
#define STAFF_NOTE_MAX 200       /* a leave note */
#define STAFF_LEAVE_MAX 20000    /* leave records kept */
#define STAFF_LEAVE_DAYS 366     /* the longest single leave */
#define STAFF_ROTA_MAX 200000    /* rota rows kept */
#define STAFF_EQUITY_DAYS 731    /* the longest equity period (two years) */
#define STAFF_COST_MAX 100000000 /* a million pounds a year, in pence */
#define STAFF_TERMS_MAX 100      /* changes of terms kept per person */
#define SESSIONS 10
#define ROTA_KEY 12
#define DAY_MS 86400000LL

static const char *const arrs_roles[] = {
    "clinical pharmacist",
    "pharmacy technician",
    "social prescribing link worker",
    "health and wellbeing coach",
    "care coordinator",
    "physician associate",
    "first contact physiotherapist",
    "dietitian",
    "podiatrist",
    "occupational therapist",
    "nursing associate",
    "paramedic",
    "mental health practitioner",
    "advanced practitioner",
    "GP",
};
#define N_ROLES (sizeof arrs_roles / sizeof arrs_roles[0])

static const char *const session_names[SESSIONS] = {
    "Mon AM", "Mon PM", "Tue AM", "Tue PM", "Wed AM",
    "Wed PM", "Thu AM", "Thu PM", "Fri AM", "Fri PM"};


static int32_t monday_of(int32_t d) {
  return d - (pcn_weekday(d) + 6) % 7;
}

/* A date that may be "" (then *d is unchanged and 1 is returned). */
static int date_or_empty(const char *s, int32_t *d) {
  if (!s[0]) return 1;
  return pcn_date_parse(s, d) ? -1 : 0;
}

/* ------------------------------------------------------------ records */

static int staff_load(MDB_txn *txn, store *st, uint64_t id, pcn_arena *a,
                      Pcn__StaffMember **m) {
  uint8_t key[8];
  key_u64(key, id);
  return store_get_pb(txn, st->staff, key, 8, &pcn__staff_member__descriptor, a,
                      (void **)m);
}

static int staff_put(MDB_txn *txn, store *st, const Pcn__StaffMember *m) {
  uint8_t key[8];
  key_u64(key, m->id);
  return store_put_pb(txn, st->staff, key, 8, (const ProtobufCMessage *)m);
}

static void rota_key(uint8_t key[ROTA_KEY], uint64_t staff, int32_t week) {
  key_u64(key, staff);
  key_u32(key + 8, (uint32_t)week + 0x80000000u);
}

/* Every value of dbi decoded, in key order (at most max); NULL on failure
 * or when there are more than max. */
static void **load_all(MDB_txn *txn, MDB_dbi dbi,
                       const ProtobufCMessageDescriptor *desc, pcn_arena *a,
                       size_t max, size_t *n) {
  MDB_stat ms;
  *n = 0;
  if (mdb_stat(txn, dbi, &ms) || ms.ms_entries > max) return NULL;
  void **out = pcn_arena_alloc(a, (ms.ms_entries + 1) * sizeof *out);
  MDB_cursor *cur;
  if (!out || mdb_cursor_open(txn, dbi, &cur)) return NULL;
  MDB_val k, v;
  int bad = 0;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
       rc == 0 && *n < ms.ms_entries;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    void *m = protobuf_c_message_unpack(desc, &a->pb, v.mv_size, v.mv_data);
    if (!m) {
      bad = 1;
      break;
    }
    out[(*n)++] = m;
  }
  mdb_cursor_close(cur);
  return bad ? NULL : out;
}

/* The rota row in force for staff in the week starting monday (the last
 * one set on or before it). 0, MDB_NOTFOUND, or an LMDB error. */
static int rota_effective(MDB_txn *txn, store *st, uint64_t staff,
                          int32_t monday, pcn_arena *a,
                          Pcn__StaffRotaWeek **out) {
  MDB_cursor *cur;
  int rc = mdb_cursor_open(txn, st->staff_rota, &cur);
  if (rc) return rc;
  uint8_t key[ROTA_KEY];
  rota_key(key, staff, monday + 1);
  MDB_val k = {ROTA_KEY, key}, v;
  rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
  if (rc == 0)
    rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
  else if (rc == MDB_NOTFOUND)
    rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
  if (rc == 0 && (k.mv_size != ROTA_KEY || key_get_u64(k.mv_data) != staff))
    rc = MDB_NOTFOUND;
  if (rc == 0) {
    *out = (Pcn__StaffRotaWeek *)protobuf_c_message_unpack(
        &pcn__staff_rota_week__descriptor, &a->pb, v.mv_size, v.mv_data);
    if (!*out) rc = MDB_CORRUPTED;
  }
  mdb_cursor_close(cur);
  return rc;
}

/* Every row set for staff, in week order; NULL on failure. */
static Pcn__StaffRotaWeek **rota_rows(MDB_txn *txn, store *st, uint64_t staff,
                                      pcn_arena *a, size_t *n) {
  size_t cap = 16;
  *n = 0;
  Pcn__StaffRotaWeek **out = pcn_arena_alloc(a, cap * sizeof *out);
  MDB_cursor *cur;
  if (!out || mdb_cursor_open(txn, st->staff_rota, &cur)) return NULL;
  uint8_t key[ROTA_KEY];
  rota_key(key, staff, INT32_MIN);
  MDB_val k = {ROTA_KEY, key}, v;
  int bad = 0;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
       rc == 0 && k.mv_size == ROTA_KEY && key_get_u64(k.mv_data) == staff;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    if (*n == cap) {
      Pcn__StaffRotaWeek **more = pcn_arena_alloc(a, 2 * cap * sizeof *more);
      if (!more) {
        bad = 1;
        break;
      }
      memcpy(more, out, cap * sizeof *out);
      out = more;
      cap *= 2;
    }
    out[*n] = (Pcn__StaffRotaWeek *)protobuf_c_message_unpack(
        &pcn__staff_rota_week__descriptor, &a->pb, v.mv_size, v.mv_data);
    if (!out[*n] || out[*n]->n_sessions != SESSIONS) {
      bad = 1;
      break;
    }
    (*n)++;
  }
  mdb_cursor_close(cur);
  return bad ? NULL : out;
}

static int employed_on(const Pcn__StaffMember *m, int32_t d) {
  int32_t s, e;
  if (m->started[0] && pcn_date_parse(m->started, &s) == 0 && d < s) return 0;
  if (m->ended[0] && pcn_date_parse(m->ended, &e) == 0 && d > e) return 0;
  return 1;
}

/* Whether leave l covers session half (0 morning, 1 afternoon) of day d. */
static int leave_covers(const Pcn__StaffLeave *l, int32_t d, int half) {
  int32_t f, t;
  if (l->cancelled || pcn_date_parse(l->from, &f) || pcn_date_parse(l->to, &t))
    return 0;
  if (d < f || d > t) return 0;
  if (l->part == PCN__STAFF_LEAVE_PART__LEAVE_MORNINGS) return half == 0;
  if (l->part == PCN__STAFF_LEAVE_PART__LEAVE_AFTERNOONS) return half == 1;
  return 1;
}

static int leave_overlaps(const Pcn__StaffLeave *a, const Pcn__StaffLeave *b) {
  int32_t af, at, bf, bt;
  if (a->cancelled || b->cancelled || pcn_date_parse(a->from, &af) ||
      pcn_date_parse(a->to, &at) || pcn_date_parse(b->from, &bf) ||
      pcn_date_parse(b->to, &bt))
    return 0;
  if (at < bf || bt < af) return 0;
  return a->part == PCN__STAFF_LEAVE_PART__LEAVE_WHOLE_DAYS ||
         b->part == PCN__STAFF_LEAVE_PART__LEAVE_WHOLE_DAYS ||
         a->part == b->part;
}

static const char *part_words(int part) {
  return part == PCN__STAFF_LEAVE_PART__LEAVE_MORNINGS     ? "mornings"
         : part == PCN__STAFF_LEAVE_PART__LEAVE_AFTERNOONS ? "afternoons"
                                                           : "whole days";
}

static int is_arrs_role(const char *role) {
  for (size_t i = 0; i < N_ROLES; i++)
    if (!strcasecmp(role, arrs_roles[i])) return 1;
  return 0;
}

/* The terms in force on day d: the latest whose from is on or before d
 * ("" is since the start); a record without terms has its own. */
static void terms_on(const Pcn__StaffMember *m, int32_t d, uint32_t *wte,
                     int64_t *cost) {
  *wte = m->wte;
  *cost = m->annual_cost;
  for (size_t i = 0; i < m->n_terms; i++) {
    const Pcn__StaffTerms *t = m->terms[i];
    int32_t f;
    if (t->from[0] && (pcn_date_parse(t->from, &f) || f > d)) break;
    *wte = t->wte;
    *cost = t->annual_cost;
  }
}

/* Calls fn for each ARRS member of the register, decoded (freed after). */
static int each_arrs(MDB_txn *txn, store *st,
                     void (*fn)(const Pcn__StaffMember *m, void *arg),
                     void *arg) {
  MDB_cursor *cur;
  int rc = mdb_cursor_open(txn, st->staff, &cur);
  if (rc) return rc;
  MDB_val k, v;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    Pcn__StaffMember *m = pcn__staff_member__unpack(NULL, v.mv_size, v.mv_data);
    if (!m) {
      rc = MDB_CORRUPTED;
      break;
    }
    if (is_arrs_role(m->role)) fn(m, arg);
    pcn__staff_member__free_unpacked(m, NULL);
  }
  mdb_cursor_close(cur);
  return rc == MDB_NOTFOUND ? 0 : rc;
}

typedef struct cost_sum {
  int32_t first, last;
  int64_t pence; /* staff_costs_on: a year's; staff_arrs_month: day-years */
  uint32_t count;
} cost_sum;

static void add_on_day(const Pcn__StaffMember *m, void *arg) {
  cost_sum *c = arg;
  if (!employed_on(m, c->first)) return;
  uint32_t wte;
  int64_t cost;
  terms_on(m, c->first, &wte, &cost);
  c->pence += cost;
  c->count++;
}

static void add_over_days(const Pcn__StaffMember *m, void *arg) {
  cost_sum *c = arg;
  for (int32_t d = c->first; d <= c->last; d++) {
    if (!employed_on(m, d)) continue;
    uint32_t wte;
    int64_t cost;
    terms_on(m, d, &wte, &cost);
    c->pence += cost;
  }
}

int staff_costs_on(MDB_txn *txn, store *st, int32_t day, int64_t *pence,
                   uint32_t *count) {
  cost_sum c = {day, day, 0, 0};
  int rc = each_arrs(txn, st, add_on_day, &c);
  *pence = c.pence;
  *count = c.count;
  return rc;
}

int staff_arrs_month(MDB_txn *txn, store *st, int32_t first, int32_t last,
                     int64_t *pence) {
  cost_sum c = {first, last, 0, 0};
  int rc = each_arrs(txn, st, add_over_days, &c);
  /* Each day is a twelfth of the year's cost shared over the month's
   * days: the sum over days of cost / (12 x days), rounded half up. */
  int64_t div = 12 * (int64_t)(last - first + 1);
  *pence = (c.pence + div / 2) / div;
  return rc;
}

/* ------------------------------------------------------------ checks */

static int check_name(req_ctx *ctx, const char *name) {
  return ctx_check_text(ctx, "name", name, PCN_MAX_NAME, 1, 0);
}

static int check_role(req_ctx *ctx, const char *role) {
  return ctx_check_text(ctx, "role", role, STAFF_ROLE_MAX, 1, 0);
}

static int check_wte(req_ctx *ctx, uint32_t wte) {
  if (wte >= 1 && wte <= 100) return 0;
  ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "wte",
                 "wte: the whole-time equivalent is in hundredths, 1 to 100 "
                 "(0.8 is 80); %u is out of range.",
                 wte);
  return -1;
}

static int check_cost(req_ctx *ctx, int64_t cost) {
  if (cost >= 0 && cost <= STAFF_COST_MAX) return 0;
  ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "annual_cost",
                 "annual_cost: the cost a year is in pence, from 0 to "
                 "100,000,000 (a million pounds).");
  return -1;
}

/* A change names the member and the version it read. */
static int check_id_version(req_ctx *ctx, uint64_t id, uint32_t version) {
  if (id == 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "id",
                          "id: name the staff member by number (`pcn staff "
                          "list` gives them).");
  if (version == 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "version",
                          "version: a change names the version it read "
                          "(`pcn staff list` gives it).");
  return 0;
}

static int check_date(req_ctx *ctx, const char *field, const char *s,
                      int may_be_empty) {
  return ctx_check_date(ctx, field, s, may_be_empty, "2026-11-23", NULL);
}

/* Writer: NOT_FOUND naming field unless the practice exists. */
static int practice_exists(wtx *w, const char *field, const char *ods) {
  uint32_t pid;
  int rc = practice_lookup(w->txn, w->st, ods, &pid);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND,
                    "%s: no practice %s in this network (`pcn practice "
                    "list` shows them).",
                    field, ods);
  return rc ? wtx_lmdb(w, rc, "reading the practices") : PCN__STATUS_CODE__OK;
}

/* Writer: "Riverside Surgery (F84001)", the practice as a sentence names
 * it (issue 19: the desktop shows the server's sentences), in the arena;
 * the code alone when the practice is not known. */
static const char *practice_words(wtx *w, wjob *job, const char *ods) {
  Pcn__Practice *p = NULL;
  if (practice_load(w->txn, w->st, ods, &job->arena, &p) || !p->name[0])
    return ods;
  size_t n = strlen(p->name) + strlen(ods) + 4;
  char *s = pcn_arena_alloc(&job->arena, n);
  if (!s) return ods;
  snprintf(s, n, "%s (%s)", p->name, ods);
  return s;
}

/* Writer: the staff member, checked against the version read (0:
 * unchecked). A stale version is CONFLICT with the current record. */
static int staff_existing(wtx *w, wjob *job, uint64_t id, uint32_t version,
                          Pcn__StaffMember **out) {
  Pcn__StaffMember *m = NULL;
  int rc = staff_load(w->txn, w->st, id, &job->arena, &m);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND,
                    "No staff member %llu in the register; `pcn staff list` "
                    "shows them.",
                    (unsigned long long)id);
  if (rc) return wtx_lmdb(w, rc, "reading the register");
  if (version && version != m->version) {
    job->resp.body_case = PCN__RESPONSE__BODY_STAFF_MEMBER;
    job->resp.staff_member = m;
    return wtx_fail(w, PCN__STATUS_CODE__CONFLICT,
                    "%s's record was changed meanwhile (now version %u, you "
                    "read %u); here it is as it stands: read it again.",
                    m->name, m->version, version);
  }
  *out = m;
  return PCN__STATUS_CODE__OK;
}

/* Saves m and tells everyone; m is the answer. */
static int staff_save(wtx *w, wjob *job, Pcn__Op op, Pcn__StaffMember *m) {
  int rc = staff_put(w->txn, w->st, m);
  if (rc) return wtx_lmdb(w, rc, "saving the staff member");
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_STAFF_MEMBER;
  ev.staff_member = m;
  if ((rc = feed_emit(w, op, "", &ev))) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_STAFF_MEMBER;
  job->resp.staff_member = m;
  return PCN__STATUS_CODE__OK;
}

/* A change to m: the next version, by whom and when, saved and told. */
static int staff_save_changed(wtx *w, wjob *job, Pcn__StaffMember *m) {
  m->version++;
  m->updated_at = job->now_ms;
  m->updated_by = job->who.username;
  return staff_save(w, job, PCN__OP__UPDATED, m);
}

/* ------------------------------------------------------------ register */

static int list_read(req_ctx *ctx) {
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  MDB_txn *txn = ctx_txn(ctx);
  size_t n = 0;
  Pcn__StaffMember **all =
      txn ? (Pcn__StaffMember **)load_all(txn, ctx->srv->st.staff,
                                          &pcn__staff_member__descriptor,
                                          ctx->arena, STAFF_MAX, &n)
          : NULL;
  Pcn__StaffPage *p = pcn_arena_alloc(ctx->arena, sizeof *p);
  if (!all || !p)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The register could not be read; the operator should "
                    "run pcnd verify.");
  pcn__staff_page__init(p);
  int32_t today = pcn_london_day_of_ms(srv_now_ms(ctx->srv)), e;
  p->staff = all;
  for (size_t i = 0; i < n; i++)
    if (ctx->req->staff_list->include_ended || !all[i]->ended[0] ||
        pcn_date_parse(all[i]->ended, &e) || e >= today)
      all[p->n_staff++] = all[i];
  p->roles = (char **)arrs_roles;
  p->n_roles = N_ROLES;
  ctx->resp->body_case = PCN__RESPONSE__BODY_STAFF_PAGE;
  ctx->resp->staff_page = p;
  return PCN__STATUS_CODE__OK;
}

static int add_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__StaffAdd *r = ctx->req->staff_add;
  if (check_name(ctx, r->name) || check_role(ctx, r->role) ||
      check_wte(ctx, r->wte) || check_cost(ctx, r->annual_cost) ||
      check_date(ctx, "started", r->started, 1))
    return ctx->status->code;
  if (!r->practice[0])
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "practice",
                          "practice: name the employing practice by its ODS "
                          "code, such as F84001.");
  if (!(r->practice = ctx_ods(ctx, "practice", r->practice, 0)))
    return ctx->status->code;
  return perm_check(ctx, "", 0) ? ctx->status->code : PCN__STATUS_CODE__OK;
}

static int add_apply(wtx *w, wjob *job) {
  Pcn__StaffAdd *r = job->req->staff_add;
  MDB_stat ms;
  int rc = mdb_stat(w->txn, w->st->staff, &ms);
  if (rc) return wtx_lmdb(w, rc, "reading the register");
  if (ms.ms_entries >= STAFF_MAX)
    return wtx_fail(w, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "The register already holds %d people, the most it "
                    "keeps.",
                    STAFF_MAX);
  if ((rc = practice_exists(w, "practice", r->practice))) return rc;
  Pcn__StaffMember *m = pcn_arena_alloc(&job->arena, sizeof *m);
  if (!m) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__staff_member__init(m);
  if ((rc = store_next_id(w->txn, w->st, META_NEXT_STAFF, &m->id)))
    return wtx_lmdb(w, rc, "numbering the staff member");
  m->name = r->name;
  m->role = r->role;
  m->practice = r->practice;
  m->wte = r->wte;
  m->annual_cost = r->annual_cost;
  m->started = r->started;
  m->version = 1;
  m->created_at = m->updated_at = job->now_ms;
  m->updated_by = job->who.username;
  return staff_save(w, job, PCN__OP__CREATED, m);
}

static int update_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__StaffUpdate *r = ctx->req->staff_update;
  if (check_id_version(ctx, r->id, r->version)) return ctx->status->code;
  if ((r->has_name_case && check_name(ctx, r->name)) ||
      (r->has_role_case && check_role(ctx, r->role)) ||
      (r->has_wte_case && check_wte(ctx, r->wte)) ||
      (r->has_annual_cost_case && check_cost(ctx, r->annual_cost)) ||
      (r->has_started_case && check_date(ctx, "started", r->started, 1)) ||
      check_date(ctx, "from", r->from, 1))
    return ctx->status->code;
  if (r->from[0] && !r->has_wte_case && !r->has_annual_cost_case)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "from",
                          "from: the day a change of wte or annual cost "
                          "takes effect; give the new wte or cost with it.");
  if (r->has_practice_case &&
      !(r->practice = ctx_ods(ctx, "practice", r->practice, 0)))
    return ctx->status->code;
  if (!r->has_name_case && !r->has_role_case && !r->has_practice_case &&
      !r->has_wte_case && !r->has_annual_cost_case && !r->has_started_case)
    return ctx_fail(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT,
                    "Nothing to change: give a name, role, practice, wte, "
                    "annual cost or start date.");
  return perm_check(ctx, "", 0) ? ctx->status->code : PCN__STATUS_CODE__OK;
}

/* Writer: the change of wte and/or annual cost r makes from day from,
 * into m's terms (see the top of the file); *changed set when it changes
 * anything. */
static int terms_change(wtx *w, wjob *job, Pcn__StaffMember *m,
                        const Pcn__StaffUpdate *r, int32_t from,
                        int *changed) {
  uint32_t wte;
  int64_t cost;
  terms_on(m, from, &wte, &cost);
  uint32_t nw = r->has_wte_case ? r->wte : wte;
  int64_t nc = r->has_annual_cost_case ? r->annual_cost : cost;
  size_t n = m->n_terms ? m->n_terms : 1, i;
  int same = 0;
  Pcn__StaffTerms **t = pcn_arena_alloc(&job->arena, (n + 1) * sizeof *t);
  Pcn__StaffTerms *x = pcn_arena_alloc(&job->arena, sizeof *x);
  char *fs = pcn_arena_alloc(&job->arena, 11);
  if (!t || !x || !fs)
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  if (m->n_terms) {
    memcpy(t, m->terms, n * sizeof *t);
  } else { /* a record from before terms had dates: its terms so far */
    Pcn__StaffTerms *t0 = pcn_arena_alloc(&job->arena, sizeof *t0);
    if (!t0) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
    pcn__staff_terms__init(t0);
    t0->wte = m->wte;
    t0->annual_cost = m->annual_cost;
    t0->set_at = m->created_at;
    t[0] = t0;
  }
  for (i = 0; i < n; i++) {
    int32_t f;
    if (!t[i]->from[0] || pcn_date_parse(t[i]->from, &f) || f < from) continue;
    same = f == from;
    break;
  }
  if (nw == wte && nc == cost && !same) return 0; /* already so that day */
  if (!same && n >= STAFF_TERMS_MAX)
    return wtx_fail(w, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "%s's terms have changed %d times, the most kept; "
                    "change them on a day already recorded.",
                    m->name, STAFF_TERMS_MAX);
  pcn__staff_terms__init(x);
  pcn_date_format(from, fs);
  x->from = fs;
  x->wte = nw;
  x->annual_cost = nc;
  x->set_at = job->now_ms;
  x->set_by = job->who.username;
  if (same) {
    if (t[i]->wte == nw && t[i]->annual_cost == nc) return 0;
    t[i] = x;
  } else {
    memmove(t + i + 1, t + i, (n - i) * sizeof *t);
    t[i] = x;
    n++;
  }
  m->terms = t;
  m->n_terms = n;
  m->wte = t[n - 1]->wte;
  m->annual_cost = t[n - 1]->annual_cost;
  *changed = 1;
  return PCN__STATUS_CODE__OK;
}

static int update_apply(wtx *w, wjob *job) {
  Pcn__StaffUpdate *r = job->req->staff_update;
  Pcn__StaffMember *m = NULL;
  int rc = staff_existing(w, job, r->id, r->version, &m);
  if (rc) return rc;
  int changed = 0;
#define SET_STR(f)                                                             \
  if (r->has_##f##_case && strcmp(m->f, r->f) != 0) {                          \
    m->f = r->f;                                                               \
    changed = 1;                                                               \
  }
  SET_STR(name)
  SET_STR(role)
  SET_STR(started)
  if (r->has_wte_case || r->has_annual_cost_case) {
    int32_t from = pcn_london_day_of_ms(job->now_ms);
    if (r->from[0]) pcn_date_parse(r->from, &from);
    if ((rc = terms_change(w, job, m, r, from, &changed))) return rc;
  }
  if (r->has_practice_case && strcmp(m->practice, r->practice) != 0) {
    if ((rc = practice_exists(w, "practice", r->practice))) return rc;
    m->practice = r->practice;
    changed = 1;
  }
#undef SET_STR
  if (!changed)
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "%s's record already reads like that; nothing changed.",
                    m->name);
  return staff_save_changed(w, job, m);
}

static int end_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__StaffEnd *r = ctx->req->staff_end;
  if (check_id_version(ctx, r->id, r->version)) return ctx->status->code;
  if (check_date(ctx, "ended", r->ended, 0)) return ctx->status->code;
  return perm_check(ctx, "", 0) ? ctx->status->code : PCN__STATUS_CODE__OK;
}

static int end_apply(wtx *w, wjob *job) {
  Pcn__StaffEnd *r = job->req->staff_end;
  Pcn__StaffMember *m = NULL;
  int rc = staff_existing(w, job, r->id, r->version, &m);
  if (rc) return rc;
  if (m->ended[0])
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "%s's employment already ended on %s.", m->name, m->ended);
  int32_t s, e;
  pcn_date_parse(r->ended, &e);
  if (m->started[0] && pcn_date_parse(m->started, &s) == 0 && e < s)
    return wtx_fail(w, PCN__STATUS_CODE__INVALID_ARGUMENT,
                    "ended: %s is before %s started on %s.", r->ended, m->name,
                    m->started);
  m->ended = r->ended;
  return staff_save_changed(w, job, m);
}

/* ------------------------------------------------------------ rota */

static char *empty_cells[SESSIONS] = {"", "", "", "", "", "", "", "", "", ""};

static int rota_set_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__StaffRotaSet *r = ctx->req->staff_rota_set;
  if (r->staff_id == 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "staff_id",
                          "staff_id: name the staff member by number (`pcn "
                          "staff list` gives them).");
  if (check_date(ctx, "week", r->week, 0)) return ctx->status->code;
  if (r->n_cells == 0 || r->n_cells > SESSIONS)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "cells",
                          "cells: give 1 to %d sessions to set.", SESSIONS);
  for (size_t i = 0; i < r->n_cells; i++) {
    Pcn__StaffRotaCell *c = r->cells[i];
    if (c->session >= SESSIONS)
      return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "cells",
                            "cells: session %u does not exist; sessions are 0 "
                            "(Mon AM) to 9 (Fri PM).",
                            c->session);
    if (!(c->practice = ctx_ods(ctx, "cells", c->practice, 1)))
      return ctx->status->code;
    for (size_t j = 0; j < i; j++)
      if (r->cells[j]->session == c->session &&
          strcmp(r->cells[j]->practice, c->practice) != 0)
        return ctx_fail_field(
            ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "cells",
            "cells: %s is given twice, at %s and at %s; one person is in "
            "one place per session.",
            session_names[c->session],
            r->cells[j]->practice[0] ? r->cells[j]->practice : "none",
            c->practice[0] ? c->practice : "none");
  }
  return perm_check(ctx, "", 0) ? ctx->status->code : PCN__STATUS_CODE__OK;
}

static int rota_put_emit(wtx *w, Pcn__StaffRotaWeek *row, int32_t monday,
                         Pcn__Op op) {
  uint8_t key[ROTA_KEY];
  rota_key(key, row->staff_id, monday);
  int rc = store_put_pb(w->txn, w->st->staff_rota, key, ROTA_KEY,
                        (ProtobufCMessage *)row);
  if (rc) return wtx_lmdb(w, rc, "saving the rota");
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_STAFF_ROTA_WEEK;
  ev.staff_rota_week = row;
  return feed_emit(w, op, "", &ev);
}

/* A week past what the person is paid for: WTE x 10 sessions (wte is in
 * hundredths, so sessions x 10 > wte). A warning, not a refusal (issue
 * 20): cover for leave or a busy week is the PCN manager's call. "" when
 * the week fits. */
static char *wte_warning(wjob *job, const Pcn__StaffMember *m, char **cells) {
  unsigned n = 0;
  for (int i = 0; i < SESSIONS; i++)
    n += cells[i][0] != 0;
  if (!m->wte || n * 10 <= m->wte) return "";
  char *s = pcn_arena_alloc(&job->arena, 240);
  if (!s) return "";
  snprintf(s, 240,
           "%s is rostered for %u sessions a week, more than a WTE of "
           "%u.%02u covers (%u.%u); saved all the same.",
           m->name, n, m->wte / 100, m->wte % 100, m->wte / 10, m->wte % 10);
  return s;
}

static int rota_set_apply(wtx *w, wjob *job) {
  Pcn__StaffRotaSet *r = job->req->staff_rota_set;
  Pcn__StaffMember *m = NULL;
  int rc = staff_existing(w, job, r->staff_id, 0, &m);
  if (rc) return rc;
  int32_t day, monday, ended;
  pcn_date_parse(r->week, &day);
  monday = monday_of(day);
  char *week = pcn_arena_alloc(&job->arena, 11);
  char **cells = pcn_arena_alloc(&job->arena, SESSIONS * sizeof *cells);
  Pcn__StaffRotaWeek *row = pcn_arena_alloc(&job->arena, sizeof *row);
  if (!week || !cells || !row)
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn_date_format(monday, week);
  if (m->ended[0] && pcn_date_parse(m->ended, &ended) == 0 && ended < monday)
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "%s's employment ended on %s, before the week of %s.",
                    m->name, m->ended, week);
  MDB_stat ms;
  if ((rc = mdb_stat(w->txn, w->st->staff_rota, &ms)))
    return wtx_lmdb(w, rc, "reading the rota");
  if (ms.ms_entries >= STAFF_ROTA_MAX)
    return wtx_fail(w, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "The rota holds %d weeks already, the most it keeps.",
                    STAFF_ROTA_MAX);
  Pcn__StaffRotaWeek *old = NULL;
  rc = rota_effective(w->txn, w->st, m->id, monday, &job->arena, &old);
  if (rc && rc != MDB_NOTFOUND) return wtx_lmdb(w, rc, "reading the rota");
  if (old && old->n_sessions != SESSIONS) old = NULL;
  char **was = old ? old->sessions : empty_cells;
  memcpy(cells, was, SESSIONS * sizeof *cells);
  int changed = 0;
  for (size_t i = 0; i < r->n_cells; i++) {
    Pcn__StaffRotaCell *c = r->cells[i];
    const char *cur = was[c->session];
    if (c->practice[0] && cur[0] && strcmp(cur, c->practice) != 0) {
      char monday_words[24];
      pcn_date_words(monday, 0, 1, 1, monday_words, sizeof monday_words);
      return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                      "Clash: %s is already at %s on %s in the week of %s, "
                      "so cannot be at %s then too; free that session "
                      "first.",
                      m->name, practice_words(w, job, cur),
                      session_names[c->session], monday_words,
                      practice_words(w, job, c->practice));
    }
    if (c->practice[0] && (rc = practice_exists(w, "cells", c->practice)))
      return rc;
    if (strcmp(cells[c->session], c->practice) != 0) changed = 1;
    cells[c->session] = c->practice;
  }
  if (!changed)
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "%s's week of %s already reads like that; nothing "
                    "changed.",
                    m->name, week);
  /* This week only: the week after keeps the pattern it had. */
  if (r->this_week_only) {
    uint8_t key[ROTA_KEY];
    rota_key(key, m->id, monday + 7);
    MDB_val k = {ROTA_KEY, key}, v;
    rc = mdb_get(w->txn, w->st->staff_rota, &k, &v);
    if (rc == MDB_NOTFOUND) {
      Pcn__StaffRotaWeek *next = pcn_arena_alloc(&job->arena, sizeof *next);
      char *nw = pcn_arena_alloc(&job->arena, 11);
      if (!next || !nw)
        return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
      pcn__staff_rota_week__init(next);
      pcn_date_format(monday + 7, nw);
      next->staff_id = m->id;
      next->week = nw;
      next->n_sessions = SESSIONS;
      next->sessions = was;
      next->set_by = job->who.username;
      next->set_at = job->now_ms;
      next->staff_name = m->name;
      next->from_week = nw;
      if ((rc = rota_put_emit(w, next, monday + 7, PCN__OP__UPDATED)))
        return rc;
    } else if (rc) {
      return wtx_lmdb(w, rc, "reading the rota");
    }
  }
  pcn__staff_rota_week__init(row);
  row->staff_id = m->id;
  row->week = week;
  row->n_sessions = SESSIONS;
  row->sessions = cells;
  row->set_by = job->who.username;
  row->set_at = job->now_ms;
  row->staff_name = m->name;
  row->from_week = week;
  if ((rc = rota_put_emit(w, row, monday, PCN__OP__UPDATED))) return rc;
  row->warning = wte_warning(job, m, cells); /* the answer's, not stored */
  job->resp.body_case = PCN__RESPONSE__BODY_STAFF_ROTA_WEEK;
  job->resp.staff_rota_week = row;
  return PCN__STATUS_CODE__OK;
}

static int rota_get_read(req_ctx *ctx) {
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  Pcn__StaffRotaGet *r = ctx->req->staff_rota_get;
  int32_t day = pcn_london_day_of_ms(srv_now_ms(ctx->srv));
  if (check_date(ctx, "week", r->week, 1)) return ctx->status->code;
  if (r->week[0]) pcn_date_parse(r->week, &day);
  int32_t monday = monday_of(day);
  store *st = &ctx->srv->st;
  MDB_txn *txn = ctx_txn(ctx);
  pcn_arena *a = ctx->arena;
  size_t n = 0, nl = 0;
  Pcn__StaffMember **all =
      txn ? (Pcn__StaffMember **)load_all(txn, st->staff,
                                          &pcn__staff_member__descriptor, a,
                                          STAFF_MAX, &n)
          : NULL;
  Pcn__StaffLeave **leave =
      all ? (Pcn__StaffLeave **)load_all(txn, st->staff_leave,
                                         &pcn__staff_leave__descriptor, a,
                                         STAFF_LEAVE_MAX, &nl)
          : NULL;
  Pcn__StaffRota *out = pcn_arena_alloc(a, sizeof *out);
  char *week = pcn_arena_alloc(a, 11);
  Pcn__StaffRotaWeek **rows = pcn_arena_alloc(a, (n + 1) * sizeof *rows);
  if (!leave || !out || !week || !rows)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The rota could not be read; the operator should run "
                    "pcnd verify.");
  pcn__staff_rota__init(out);
  pcn_date_format(monday, week);
  out->week = week;
  out->rows = rows;
  for (size_t i = 0; i < n; i++) {
    int on = 0;
    for (int d = 0; d < 5; d++)
      on |= employed_on(all[i], monday + d);
    if (!on) continue;
    Pcn__StaffRotaWeek *row = NULL;
    int rc = rota_effective(txn, st, all[i]->id, monday, a, &row);
    if (rc && rc != MDB_NOTFOUND)
      return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                      "The rota could not be read; the operator should run "
                      "pcnd verify.");
    if (!row || row->n_sessions != SESSIONS) {
      row = pcn_arena_alloc(a, sizeof *row);
      if (!row)
        return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
      pcn__staff_rota_week__init(row);
      row->staff_id = all[i]->id;
      row->n_sessions = SESSIONS;
      row->sessions = empty_cells;
    }
    row->from_week = row->week;
    row->week = week;
    row->staff_name = all[i]->name;
    rows[out->n_rows++] = row;
  }
  /* The leave that touches the week. */
  out->leave = leave;
  for (size_t i = 0; i < nl; i++) {
    int32_t f, t;
    if (leave[i]->cancelled || pcn_date_parse(leave[i]->from, &f) ||
        pcn_date_parse(leave[i]->to, &t) || t < monday || f > monday + 4)
      continue;
    leave[out->n_leave++] = leave[i];
  }
  ctx->resp->body_case = PCN__RESPONSE__BODY_STAFF_ROTA;
  ctx->resp->staff_rota = out;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ leave */

/* Loop: the staff member a leave request is about, for its permission
 * (the employing practice). NULL after setting the failure. */
static Pcn__StaffMember *prepare_staff(req_ctx *ctx, uint64_t id) {
  MDB_txn *txn = ctx_txn(ctx);
  Pcn__StaffMember *m = NULL;
  int rc = txn ? staff_load(txn, &ctx->srv->st, id, ctx->arena, &m) : EIO;
  if (rc == MDB_NOTFOUND)
    ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, "staff_id",
                   "No staff member %llu in the register; `pcn staff list` "
                   "shows them.",
                   (unsigned long long)id);
  else if (rc)
    ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
             "The register could not be read; the operator should run pcnd "
             "verify.");
  return rc ? NULL : m;
}

static int leave_add_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__StaffLeaveAdd *r = ctx->req->staff_leave_add;
  if (r->staff_id == 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "staff_id",
                          "staff_id: name the staff member by number (`pcn "
                          "staff list` gives them).");
  if (check_date(ctx, "from", r->from, 0) || check_date(ctx, "to", r->to, 1) ||
      ctx_check_text(ctx, "note", r->note, STAFF_NOTE_MAX, 0, 0))
    return ctx->status->code;
  if (!r->to[0]) r->to = r->from;
  int32_t f, t;
  pcn_date_parse(r->from, &f);
  pcn_date_parse(r->to, &t);
  if (t < f)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "to",
                          "to: %s is before %s; leave runs from its first "
                          "day to its last.",
                          r->to, r->from);
  if (t - f >= STAFF_LEAVE_DAYS)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "to",
                          "to: one period of leave is at most %d days; "
                          "record a longer absence in parts.",
                          STAFF_LEAVE_DAYS);
  if (r->part != PCN__STAFF_LEAVE_PART__LEAVE_WHOLE_DAYS &&
      r->part != PCN__STAFF_LEAVE_PART__LEAVE_MORNINGS &&
      r->part != PCN__STAFF_LEAVE_PART__LEAVE_AFTERNOONS)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "part",
                          "part: whole days, mornings or afternoons.");
  Pcn__StaffMember *m = prepare_staff(ctx, r->staff_id);
  if (!m) return ctx->status->code;
  return perm_check(ctx, m->practice, 0) ? ctx->status->code
                                         : PCN__STATUS_CODE__OK;
}

static int leave_emit(wtx *w, wjob *job, Pcn__Op op, Pcn__StaffLeave *l) {
  uint8_t key[8];
  key_u64(key, l->id);
  int rc =
      store_put_pb(w->txn, w->st->staff_leave, key, 8, (ProtobufCMessage *)l);
  if (rc) return wtx_lmdb(w, rc, "saving the leave");
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_STAFF_LEAVE;
  ev.staff_leave = l;
  if ((rc = feed_emit(w, op, "", &ev))) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_STAFF_LEAVE;
  job->resp.staff_leave = l;
  return PCN__STATUS_CODE__OK;
}

static int leave_add_apply(wtx *w, wjob *job) {
  Pcn__StaffLeaveAdd *r = job->req->staff_leave_add;
  Pcn__StaffMember *m = NULL;
  int rc = staff_existing(w, job, r->staff_id, 0, &m);
  if (rc) return rc;
  Pcn__StaffLeave *l = pcn_arena_alloc(&job->arena, sizeof *l);
  if (!l) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__staff_leave__init(l);
  l->staff_id = m->id;
  l->from = r->from;
  l->to = r->to;
  l->part = r->part;
  l->note = r->note;
  size_t n = 0;
  Pcn__StaffLeave **all = (Pcn__StaffLeave **)load_all(
      w->txn, w->st->staff_leave, &pcn__staff_leave__descriptor, &job->arena,
      STAFF_LEAVE_MAX - 1, &n);
  if (!all)
    return wtx_fail(w, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "The leave records are full (%d kept) or unreadable; "
                    "the operator should run pcnd verify.",
                    STAFF_LEAVE_MAX);
  for (size_t i = 0; i < n; i++)
    if (all[i]->staff_id == m->id && leave_overlaps(all[i], l))
      return wtx_fail(w, PCN__STATUS_CODE__ALREADY_EXISTS,
                      "%s is already on leave from %s to %s (%s, leave "
                      "%llu); cancel that first or record the days "
                      "around it.",
                      m->name, all[i]->from, all[i]->to,
                      part_words(all[i]->part), (unsigned long long)all[i]->id);
  if ((rc = store_next_id(w->txn, w->st, META_NEXT_LEAVE, &l->id)))
    return wtx_lmdb(w, rc, "numbering the leave");
  l->recorded_by = job->who.username;
  l->recorded_at = job->now_ms;
  l->staff_name = m->name;
  l->practice = m->practice;
  return leave_emit(w, job, PCN__OP__CREATED, l);
}

static int leave_cancel_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  uint64_t id = ctx->req->staff_leave_cancel->id;
  if (id == 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "id",
                          "id: name the leave by number (`pcn staff leave "
                          "list` gives them).");
  uint8_t key[8];
  key_u64(key, id);
  Pcn__StaffLeave *l = NULL;
  MDB_txn *txn = ctx_txn(ctx);
  int rc =
      txn ? store_get_pb(txn, ctx->srv->st.staff_leave, key, 8,
                         &pcn__staff_leave__descriptor, ctx->arena, (void **)&l)
          : EIO;
  if (rc == MDB_NOTFOUND)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, "id",
                          "No leave %llu; `pcn staff leave list` shows it.",
                          (unsigned long long)id);
  if (rc)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The leave could not be read; the operator should run "
                    "pcnd verify.");
  Pcn__StaffMember *m = prepare_staff(ctx, l->staff_id);
  if (!m) return ctx->status->code;
  return perm_check(ctx, m->practice, 0) ? ctx->status->code
                                         : PCN__STATUS_CODE__OK;
}

static int leave_cancel_apply(wtx *w, wjob *job) {
  uint64_t id = job->req->staff_leave_cancel->id;
  uint8_t key[8];
  key_u64(key, id);
  Pcn__StaffLeave *l = NULL;
  int rc =
      store_get_pb(w->txn, w->st->staff_leave, key, 8,
                   &pcn__staff_leave__descriptor, &job->arena, (void **)&l);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND, "No leave %llu.",
                    (unsigned long long)id);
  if (rc) return wtx_lmdb(w, rc, "reading the leave");
  if (l->cancelled)
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "Leave %llu is already cancelled.", (unsigned long long)id);
  l->cancelled = 1;
  return leave_emit(w, job, PCN__OP__UPDATED, l);
}

static int leave_list_read(req_ctx *ctx) {
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  Pcn__StaffLeaveList *r = ctx->req->staff_leave_list;
  int32_t from = INT32_MIN, to = INT32_MAX, f, t;
  if (check_date(ctx, "from", r->from, 1) || check_date(ctx, "to", r->to, 1))
    return ctx->status->code;
  date_or_empty(r->from, &from);
  date_or_empty(r->to, &to);
  MDB_txn *txn = ctx_txn(ctx);
  size_t n = 0;
  Pcn__StaffLeave **all =
      txn ? (Pcn__StaffLeave **)load_all(txn, ctx->srv->st.staff_leave,
                                         &pcn__staff_leave__descriptor,
                                         ctx->arena, STAFF_LEAVE_MAX, &n)
          : NULL;
  Pcn__StaffLeavePage *p = pcn_arena_alloc(ctx->arena, sizeof *p);
  if (!all || !p)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The leave could not be read; the operator should run "
                    "pcnd verify.");
  pcn__staff_leave_page__init(p);
  p->leave = all;
  for (size_t i = 0; i < n; i++) {
    if (r->staff_id && all[i]->staff_id != r->staff_id) continue;
    if (pcn_date_parse(all[i]->from, &f) || pcn_date_parse(all[i]->to, &t) ||
        t < from || f > to)
      continue;
    all[p->n_leave++] = all[i];
  }
  ctx->resp->body_case = PCN__RESPONSE__BODY_STAFF_LEAVE_PAGE;
  ctx->resp->staff_leave_page = p;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ equity */

/* Splits 10000 basis points over n rows in proportion to w (negative
 * counts as none), by largest remainder with ties to the earlier row
 * (pcn_split), so the column adds up to exactly 100.00%; all zero when
 * nothing was counted. The report library's pcn_equity_shares keeps the
 * same rule, so the CLI's PDF and the server agree to the basis point. */
static void split_bp(const int64_t *w, size_t n, int32_t *bp) {
  int64_t wt[PCN_SPLIT_MAX], parts[PCN_SPLIT_MAX];
  int any = 0;
  for (size_t i = 0; i < n; i++)
    bp[i] = 0;
  if (!n || n > PCN_SPLIT_MAX) return;
  for (size_t i = 0; i < n; i++) {
    wt[i] = w[i] > 0 ? w[i] : 0;
    any |= wt[i] > 0;
  }
  if (!any || pcn_split(10000, wt, n, parts)) return;
  for (size_t i = 0; i < n; i++)
    bp[i] = (int32_t)parts[i];
}

/* Fills the three share columns and both deviations of n rows. */
static int equity_shares(Pcn__StaffEquityRow **r, size_t n, pcn_arena *a) {
  int64_t *w = pcn_arena_alloc(a, (n + 1) * sizeof *w);
  int32_t *bp = pcn_arena_alloc(a, (n + 1) * sizeof *bp);
  if (!w || !bp) return -1;
  for (int col = 0; col < 3; col++) {
    for (size_t i = 0; i < n; i++)
      w[i] = col == 0   ? (int64_t)r[i]->sessions
             : col == 1 ? r[i]->distributed
                        : (int64_t)r[i]->list_size;
    split_bp(w, n, bp);
    for (size_t i = 0; i < n; i++) {
      if (col == 0) r[i]->sessions_share_bp = bp[i];
      if (col == 1) r[i]->money_share_bp = bp[i];
      if (col == 2) r[i]->list_share_bp = bp[i];
    }
  }
  for (size_t i = 0; i < n; i++) {
    r[i]->deviation_bp = r[i]->sessions_share_bp - r[i]->list_share_bp;
    r[i]->money_deviation_bp = r[i]->money_share_bp - r[i]->list_share_bp;
  }
  return 0;
}

/* A stream's money in the equity report: per practice (rows' order). */
typedef struct eq_stream {
  char code[32];
  int pass, counted;
  int64_t *paid;
} eq_stream;

#define EQ_STREAMS_MAX 128

/* The stream code's slot in s (n of them), added when new; NULL when full
 * or out of memory. */
static eq_stream *eq_stream_get(eq_stream *s, size_t *n, const char *code,
                                size_t np, pcn_arena *a) {
  for (size_t i = 0; i < *n; i++)
    if (!strcmp(s[i].code, code)) return &s[i];
  if (*n == EQ_STREAMS_MAX || strlen(code) >= sizeof s->code) return NULL;
  eq_stream *x = &s[*n];
  x->paid = pcn_arena_alloc(a, (np + 1) * sizeof *x->paid);
  if (!x->paid) return NULL;
  memset(x->paid, 0, (np + 1) * sizeof *x->paid);
  snprintf(x->code, sizeof x->code, "%s", code);
  (*n)++;
  return x;
}

static int cmp_eq_stream(const void *a, const void *b) {
  return strcmp(((const eq_stream *)a)->code, ((const eq_stream *)b)->code);
}

/* The money paid to each practice from..to (inclusive): the lines on
 * practice:ODS:STREAM (distributions) and claim:ODS:STREAM (backfill
 * claims paid) of every entry dated in the period. A reversal is an entry
 * of its own with the opposite lines, so one dated in the period nets
 * out what it reverses, and one dated after leaves the period as it was
 * (the way funds.c's statement reads the ledger). Per stream into
 * out->streams; the counted streams' money (not pass-through, or include
 * says so) added to rows[i] by ODS code and to out->distributed, the
 * rest named in out->left_out. 0 or -1. */
static int equity_money(MDB_txn *txn, store *st, const char *from,
                        const char *to, int include, Pcn__StaffEquityRow *rows,
                        size_t np, Pcn__StaffEquityReport *out, pcn_arena *a) {
  eq_stream *es = pcn_arena_alloc(a, EQ_STREAMS_MAX * sizeof *es);
  size_t ns = 0;
  if (!es) return -1;
  MDB_cursor *cur;
  if (mdb_cursor_open(txn, st->funds_entries, &cur)) return -1;
  pcn_arena tmp;
  pcn_arena_init(&tmp, 1u << 20);
  MDB_val k, v;
  int rc;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    if (k.mv_size != 9 || ((uint8_t *)k.mv_data)[0] != 'E') break;
    pcn_arena_reset(&tmp);
    Pcn__FundsEntry *e =
        pcn__funds_entry__unpack(&tmp.pb, v.mv_size, v.mv_data);
    if (!e || strcmp(e->date, from) < 0 || strcmp(e->date, to) > 0) continue;
    for (size_t i = 0; i < e->n_lines; i++) {
      const char *acct = e->lines[i]->account, *o;
      if (!strncmp(acct, "practice:", 9))
        o = acct + 9;
      else if (!strncmp(acct, "claim:", 6))
        o = acct + 6;
      else
        continue;
      const char *c = strchr(o, ':');
      if (!c) continue;
      eq_stream *x = eq_stream_get(es, &ns, c + 1, np, a);
      if (!x) {
        rc = ENOMEM;
        break;
      }
      /* A practice no longer in the network: the stream's extra slot. */
      size_t p = 0;
      while (p < np && !(strlen(rows[p].practice) == (size_t)(c - o) &&
                         !strncmp(rows[p].practice, o, (size_t)(c - o))))
        p++;
      x->paid[p] += e->lines[i]->pence;
    }
    if (rc == ENOMEM) break;
  }
  mdb_cursor_close(cur);
  pcn_arena_free(&tmp);
  if (rc != 0 && rc != MDB_NOTFOUND) return -1;
  qsort(es, ns, sizeof *es, cmp_eq_stream);
  out->include_pass_through = include;
  out->streams = pcn_arena_alloc(a, (ns * np + 1) * sizeof *out->streams);
  out->left_out = pcn_arena_alloc(a, (ns + 1) * sizeof *out->left_out);
  Pcn__FundsStreamShare *cells =
      pcn_arena_alloc(a, (ns * np + 1) * sizeof *cells);
  int64_t *w = pcn_arena_alloc(a, (np + 1) * sizeof *w);
  int32_t *bp = pcn_arena_alloc(a, (np + 1) * sizeof *bp);
  if (!out->streams || !out->left_out || !cells || !w || !bp) return -1;
  for (size_t si = 0; si < ns; si++) {
    eq_stream *x = &es[si];
    x->pass = funds_stream_pass_through(txn, st, x->code);
    x->counted = !x->pass || include;
    char *code = pcn_arena_strdup(a, x->code);
    if (!code) return -1;
    int64_t total = 0;
    for (size_t p = 0; p <= np; p++)
      total += x->paid[p];
    if (x->counted) {
      for (size_t p = 0; p < np; p++)
        rows[p].distributed += x->paid[p];
      out->distributed += total;
    } else {
      out->left_out[out->n_left_out++] = code;
      out->left_out_paid += total;
    }
    for (size_t p = 0; p < np; p++)
      w[p] = x->paid[p];
    split_bp(w, np, bp);
    for (size_t p = 0; p < np; p++) {
      Pcn__FundsStreamShare *c = &cells[out->n_streams];
      pcn__funds_stream_share__init(c);
      c->practice = rows[p].practice;
      c->stream = code;
      c->pass_through = x->pass;
      c->counted = x->counted;
      c->paid = x->paid[p];
      c->share_bp = bp[p];
      out->streams[out->n_streams++] = c;
    }
  }
  return 0;
}

/* One row per locality, in order of first appearance among the practices
 * (practices without one under "No locality"), with the practices'
 * sessions, list sizes and money summed. 0 or -1 (out of memory). */
static int equity_localities(Pcn__StaffEquityReport *out, pcn_arena *a) {
  size_t np = out->n_rows, nl = 0;
  Pcn__StaffEquityRow *loc = pcn_arena_alloc(a, (np + 1) * sizeof *loc);
  out->localities = pcn_arena_alloc(a, (np + 1) * sizeof *out->localities);
  if (!loc || !out->localities) return -1;
  for (size_t p = 0; p < np; p++) {
    const Pcn__StaffEquityRow *r = out->rows[p];
    const char *name = r->locality[0] ? r->locality : "No locality";
    size_t i = 0;
    while (i < nl && strcmp(loc[i].practice, name))
      i++;
    if (i == nl) {
      pcn__staff_equity_row__init(&loc[nl]);
      loc[nl].practice = (char *)name;
      out->localities[nl] = &loc[nl];
      nl++;
    }
    loc[i].sessions += r->sessions;
    loc[i].list_size += r->list_size;
    loc[i].distributed += r->distributed;
  }
  out->n_localities = nl;
  return equity_shares(out->localities, nl, a);
}

static int equity_read(req_ctx *ctx) {
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  Pcn__StaffEquity *r = ctx->req->staff_equity;
  if (check_date(ctx, "from", r->from, 0) || check_date(ctx, "to", r->to, 0))
    return ctx->status->code;
  int32_t from, to;
  pcn_date_parse(r->from, &from);
  pcn_date_parse(r->to, &to);
  if (to < from)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "to",
                          "to: %s is before %s; the period runs from its "
                          "first day to its last.",
                          r->to, r->from);
  if (to - from >= STAFF_EQUITY_DAYS)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "to",
                          "to: a period is at most %d days (two years).",
                          STAFF_EQUITY_DAYS);
  store *st = &ctx->srv->st;
  MDB_txn *txn = ctx_txn(ctx);
  pcn_arena *a = ctx->arena;
  size_t np = 0, ns = 0, nl = 0;
  Pcn__Practice **pr =
      txn ? (Pcn__Practice **)load_all(
                txn, st->practices, &pcn__practice__descriptor, a, 10000, &np)
          : NULL;
  Pcn__StaffMember **sm =
      pr ? (Pcn__StaffMember **)load_all(txn, st->staff,
                                         &pcn__staff_member__descriptor, a,
                                         STAFF_MAX, &ns)
         : NULL;
  Pcn__StaffLeave **lv =
      sm ? (Pcn__StaffLeave **)load_all(txn, st->staff_leave,
                                        &pcn__staff_leave__descriptor, a,
                                        STAFF_LEAVE_MAX, &nl)
         : NULL;
  Pcn__NetworkSettings *set = NULL;
  pcn_holidays h;
  Pcn__StaffEquityReport *out = pcn_arena_alloc(a, sizeof *out);
  Pcn__StaffEquityRow *rows = pcn_arena_alloc(a, (np + 1) * sizeof *rows);
  Pcn__StaffEquityRow **rowp = pcn_arena_alloc(a, (np + 1) * sizeof *rowp);
  Pcn__PracticeFigures **fig = NULL;
  size_t nf = 0;
  if (!lv || !out || !rows || !rowp || settings_load(txn, st, a, &set) ||
      settings_holidays(set, a, &h) ||
      funds_figures_at(txn, st, to, a, &fig, &nf))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The rota could not be read; the operator should run "
                    "pcnd verify.");
  pcn__staff_equity_report__init(out);
  out->from = r->from;
  out->to = r->to;
  out->figures_as_at = r->to;
  out->rows = rowp;
  out->n_rows = np;
  for (size_t i = 0; i < np; i++) {
    pcn__staff_equity_row__init(&rows[i]);
    rows[i].practice = pr[i]->ods;
    rows[i].name = pr[i]->name;
    rows[i].locality = "";
    for (size_t f = 0; f < nf; f++)
      if (!strcmp(fig[f]->practice, pr[i]->ods)) {
        rows[i].list_size = fig[f]->list_size;
        rows[i].locality = fig[f]->locality;
        rows[i].figures_from = fig[f]->applies_from;
      }
    out->list_total += rows[i].list_size;
    rowp[i] = &rows[i];
  }
  for (size_t s = 0; s < ns; s++) {
    size_t nr = 0, at = 0;
    Pcn__StaffRotaWeek **rr = rota_rows(txn, st, sm[s]->id, a, &nr);
    if (!rr)
      return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                      "The rota could not be read; the operator should run "
                      "pcnd verify.");
    if (!nr) continue;
    int32_t *weeks = pcn_arena_alloc(a, nr * sizeof *weeks);
    /* The sessions of the period their leave covers, two per day. */
    size_t span = (size_t)(to - from + 1);
    uint8_t *off = pcn_arena_alloc(a, 2 * span);
    if (!weeks || !off)
      return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
    memset(off, 0, 2 * span);
    for (size_t i = 0; i < nl; i++) {
      const Pcn__StaffLeave *l = lv[i];
      int32_t f, e;
      if (l->staff_id != sm[s]->id || l->cancelled ||
          pcn_date_parse(l->from, &f) || pcn_date_parse(l->to, &e))
        continue;
      for (int32_t d = f < from ? from : f; d <= e && d <= to; d++)
        for (int half = 0; half < 2; half++)
          if (leave_covers(l, d, half)) off[2 * (size_t)(d - from) + half] = 1;
    }
    for (size_t i = 0; i < nr; i++)
      if (pcn_date_parse(rr[i]->week, &weeks[i])) weeks[i] = INT32_MAX;
    for (int32_t d = from; d <= to; d++) {
      if (!pcn_is_working_day(d, &h) || !employed_on(sm[s], d)) continue;
      int32_t monday = monday_of(d);
      while (at + 1 < nr && weeks[at + 1] <= monday)
        at++;
      if (weeks[at] > monday) continue; /* before the first week set */
      int wd = pcn_weekday(d);
      for (int half = 0; half < 2; half++) {
        const char *p = rr[at]->sessions[(wd - 1) * 2 + half];
        if (!p[0]) continue;
        out->sessions_rota++;
        if (off[2 * (size_t)(d - from) + half]) {
          out->sessions_leave++;
          continue;
        }
        for (size_t i = 0; i < np; i++)
          if (strcmp(rows[i].practice, p) == 0) {
            rows[i].sessions++;
            out->sessions_delivered++;
            break;
          }
      }
    }
  }
  if (equity_money(txn, st, r->from, r->to, r->include_pass_through, rows, np,
                   out, a) ||
      equity_shares(rowp, np, a) || equity_localities(out, a))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The ledger could not be read; the operator should run "
                    "pcnd verify.");
  ctx->resp->body_case = PCN__RESPONSE__BODY_STAFF_EQUITY;
  ctx->resp->staff_equity = out;
  return PCN__STATUS_CODE__OK;
}

/* Leave: the PCN manager for anyone; a practice manager for the staff
 * their practice employs (the target is the employing practice). */
#define LEAVE_OWN R_PM
#define LEAVE_OTHER R_PCNM

const req_entry staff_entries[] = {
    {PCN__REQUEST__BODY_STAFF_LIST, "see the staff register", 0, R_ALL, R_ALL,
     0, list_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_STAFF_ADD, "add to the staff register", REQ_WRITE,
     R_PCNM, 0, 0, NULL, add_prepare, add_apply, NULL},
    {PCN__REQUEST__BODY_STAFF_UPDATE, "change the staff register", REQ_WRITE,
     R_PCNM, 0, 0, NULL, update_prepare, update_apply, NULL},
    {PCN__REQUEST__BODY_STAFF_END, "end a staff member's employment", REQ_WRITE,
     R_PCNM, 0, 0, NULL, end_prepare, end_apply, NULL},
    {PCN__REQUEST__BODY_STAFF_ROTA_SET, "set the staff rota", REQ_WRITE, R_PCNM,
     0, 0, NULL, rota_set_prepare, rota_set_apply, NULL},
    {PCN__REQUEST__BODY_STAFF_ROTA_GET, "see the staff rota", 0, R_ALL, R_ALL,
     0, rota_get_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_STAFF_LEAVE_ADD, "record staff leave", REQ_WRITE,
     R_PCNM, LEAVE_OWN, LEAVE_OTHER, NULL, leave_add_prepare, leave_add_apply,
     NULL},
    {PCN__REQUEST__BODY_STAFF_LEAVE_LIST, "see staff leave", 0, R_ALL, R_ALL, 0,
     leave_list_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_STAFF_LEAVE_CANCEL, "cancel staff leave", REQ_WRITE,
     R_PCNM, LEAVE_OWN, LEAVE_OTHER, NULL, leave_cancel_prepare,
     leave_cancel_apply, NULL},
    {PCN__REQUEST__BODY_STAFF_EQUITY, "see the staff equity report", 0, R_ALL,
     R_ALL, 0, equity_read, NULL, NULL, NULL},
};
const size_t staff_entries_n = sizeof staff_entries / sizeof staff_entries[0];
