/* duties.c - the responsibilities agreement: a register of the network's
 * areas of work (ARRS recruitment, IIF reporting, estates ...), each with
 * its owner, what the owner does and a review date, and every practice's
 * agreement to each entry.
 *
 * Records:
 *   duties           u64 id -> pcn.Duty
 *   duty_agreements  u64 duty id | u32 practice id -> pcn.DutyAgreement
 *   duty_disagreements  the same key -> pcn.DutyDisagreement
 *   meta "next_duty"     the id counter
 *   meta "duties_seeded" u64 time (ms) the default register was written
 *
 * Invariants:
 * - An agreement is to what an entry says and who does it: a change of
 *   substance (title, owner, what the owner does) raises its version,
 *   sets substance_version to it and deletes its agreements and
 *   disagreements in the same nested transaction, so every stored
 *   position is to the current substance. A change of bookkeeping only
 *   (the review date) raises the version and leaves substance_version and
 *   every position alone (issue 20). Removing an entry deletes its
 *   positions with it. The change's event names the fields it changed
 *   (Duty.changed) and the practices whose agreement it cleared
 *   (Duty.cleared), so each can be told. substance_version 0 (entries
 *   stored before issue 20) means the version: every change before then
 *   cleared the agreements. Nothing is migrated: the first change sets it.
 * - A practice has at most one position on an entry: an agreement, a
 *   disagreement (with its reason), or neither (pending). Disagreeing
 *   deletes the practice's agreement and agreeing (by the entry's number)
 *   deletes its disagreement, each in the same nested transaction and
 *   each with a DELETED event, so the feed replays to the same positions.
 *   `agree --all` leaves disagreements alone: changing one's mind is
 *   done entry by entry. An entry's change or removal clears both kinds.
 * - review_due is the server's: set by the tick once the review date has
 *   come (UTC), recomputed when an entry's review date changes. Setting it
 *   is not an edit: the version stays, and so do the agreements.
 * - The default register is written once per network: by `pcnd init`
 *   (in its one transaction, without events: nobody is there to tell),
 *   or, for a store made before this area existed, by the first tick after
 *   start, with one event per entry from the server. meta "duties_seeded"
 *   marks it done, so an emptied register stays empty.
 *
 * Who: the PCN manager keeps the register (the clinical director reads
 * it: one accountable editor, whose changes every practice sees). Each
 * practice's practice manager agrees, or disagrees with a reason, for
 * their practice only.
 * Everything is every member's business: every event has audience "".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "areas.h"
#include "feed.h"
#include "uktime.h"
#include "validate.h"
#include "wire.h"

#define META_NEXT_DUTY "next_duty"
#define META_DUTIES_SEEDED "duties_seeded"
#define DUTY_MAX 100         /* entries in a register */
#define DUTY_MAX_TITLE 120   /* an area of work's name */
#define DUTY_MAX_DOES 2000   /* what the owner does */
#define DUTY_REVIEW_MAX 1830 /* days ahead a review date may be (5 years) */
#define DUTY_SCAN_MAX 20000  /* agreements one listing may walk */
#define DUTY_AGREEMENT_KEY 12
#define DUTY_MAX_REASON 1000 /* why a practice disagrees */

enum { RESP_F_DUTY_REGISTER = 51 }; /* proto/pcn.proto */
enum {
  REG_F_DUTIES = 1,
  REG_F_PRACTICES = 2,
  REG_F_AGREEMENTS = 3,
  REG_F_TODAY = 4,
  REG_F_DISAGREEMENTS = 5
};
enum { DUTY_F_TITLE = 3, DUTY_F_REVIEW_DATE = 6, DUTY_F_REVIEW_DUE = 7 };
enum { AGREEMENT_F_PRACTICE = 3 };

static int duty_load(MDB_txn *txn, store *st, uint64_t id, pcn_arena *a,
                     Pcn__Duty **d) {
  uint8_t key[8];
  key_u64(key, id);
  return store_get_pb(txn, st->duties, key, 8, &pcn__duty__descriptor, a,
                      (void **)d);
}

static int duty_put(MDB_txn *txn, store *st, const Pcn__Duty *d) {
  uint8_t key[8];
  key_u64(key, d->id);
  return store_put_pb(txn, st->duties, key, 8, (const ProtobufCMessage *)d);
}

static void agreement_key(uint8_t key[DUTY_AGREEMENT_KEY], uint64_t duty,
                          uint32_t practice) {
  key_u64(key, duty);
  key_u32(key + 8, practice);
}

static int is_due(const char *review_date, int32_t today) {
  int32_t d;
  return pcn_date_parse(review_date, &d) == 0 && today >= d;
}

static const char *owner_word(int owner) {
  switch (owner) {
  case PCN__DUTY_OWNER__DUTY_PCN_MANAGER: return "the PCN manager";
  case PCN__DUTY_OWNER__DUTY_PRACTICE_MANAGERS: return "each practice manager";
  case PCN__DUTY_OWNER__DUTY_CLINICAL_DIRECTOR: return "the clinical director";
  case PCN__DUTY_OWNER__DUTY_SHARED: return "shared";
  default: return NULL;
  }
}

/* ------------------------------------------------------------ defaults */

/* The register a new network starts from: what an English PCN usually
 * divides between its PCN manager, its practices and its clinical
 * director. The PCN manager edits it to fit. */
static const struct {
  const char *title;
  int owner;
  const char *does;
} defaults[] = {
    {"ARRS recruitment and claims", PCN__DUTY_OWNER__DUTY_PCN_MANAGER,
     "Plans the ARRS workforce with the practices, recruits and inducts "
     "ARRS staff, and submits the monthly ARRS claim to the ICB with its "
     "evidence."},
    {"IIF and CAIP reporting", PCN__DUTY_OWNER__DUTY_SHARED,
     "The PCN manager tracks the network's position and reports it to the "
     "ICB; each practice manager keeps their practice's coding and searches "
     "up to date."},
    {"Enhanced access rota", PCN__DUTY_OWNER__DUTY_PCN_MANAGER,
     "Plans and fills the enhanced access sessions across sites and "
     "publishes the rota to practices a month ahead."},
    {"Network Contract DES sign-up", PCN__DUTY_OWNER__DUTY_PRACTICE_MANAGERS,
     "Confirms their practice's participation in the Network Contract DES "
     "each year by the ICB's deadline; the PCN manager reminds and "
     "collates."},
    {"Network finance and payments to practices",
     PCN__DUTY_OWNER__DUTY_PCN_MANAGER,
     "Keeps the network's accounts with the nominated payee practice, pays "
     "each practice its share monthly and sends everyone the monthly "
     "figures."},
    {"HR for network-employed staff", PCN__DUTY_OWNER__DUTY_PCN_MANAGER,
     "Contracts, induction, appraisal, leave and absence for staff the "
     "network employs, with the employing practice where it holds the "
     "contract."},
    {"Estates and rooms for ARRS staff", PCN__DUTY_OWNER__DUTY_SHARED,
     "Each practice manager offers rooms, IT access and kit for ARRS staff "
     "at their site; the PCN manager agrees the bookings and costs with "
     "each practice."},
    {"Clinical governance of network services",
     PCN__DUTY_OWNER__DUTY_CLINICAL_DIRECTOR,
     "Leads clinical governance for network services: supervision of ARRS "
     "clinicians, significant events, audits and safety alerts."},
    {"Information governance, DSPT and data sharing",
     PCN__DUTY_OWNER__DUTY_SHARED,
     "The PCN manager keeps the network's data sharing agreement and DPIAs; "
     "each practice manager keeps their practice's DSPT submission and signs "
     "the agreement."},
    {"Complaints about network services", PCN__DUTY_OWNER__DUTY_PCN_MANAGER,
     "Receives, investigates and answers complaints about network services "
     "within the NHS timescales, with the clinical director for clinical "
     "matters."},
    {"Communications with the ICB", PCN__DUTY_OWNER__DUTY_PCN_MANAGER,
     "Is the network's point of contact with the ICB for returns, queries "
     "and meetings, and passes on what is asked of practices through PCN "
     "Hub."},
    {"Practice-level CQC matters", PCN__DUTY_OWNER__DUTY_PRACTICE_MANAGERS,
     "Prepares for and answers CQC for their own practice; the network "
     "supplies evidence about the ARRS staff who work there."},
    {"Practice staff HR", PCN__DUTY_OWNER__DUTY_PRACTICE_MANAGERS,
     "Handles HR for the staff their practice employs; the network does "
     "not."},
    {"Network meetings and minutes", PCN__DUTY_OWNER__DUTY_PCN_MANAGER,
     "Arranges the board and practice managers' meetings, sends agendas a "
     "week ahead and publishes minutes and actions."},
};

/* The default review date: 31 March (the end of the NHS year) at least
 * three months away, so a new register is reviewed before the next DES
 * year but not in its first weeks. */
static int32_t default_review(int32_t today) {
  int64_t y;
  int m, d;
  pcn_civil_from_days(today, &y, &m, &d);
  int64_t r = pcn_days_from_civil(y, 3, 31);
  if (r < today + 90) r = pcn_days_from_civil(y + 1, 3, 31);
  return (int32_t)r;
}

int duties_seed(MDB_txn *txn, store *st, int64_t now_ms, duty_seed_fn each,
                void *ud) {
  char review[11];
  pcn_date_format(default_review(pcn_london_day_of_ms(now_ms)), review);
  for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
    Pcn__Duty d = PCN__DUTY__INIT;
    int rc = store_next_id(txn, st, META_NEXT_DUTY, &d.id);
    if (rc) return rc;
    d.version = d.substance_version = 1;
    d.title = (char *)defaults[i].title;
    d.owner = defaults[i].owner;
    d.owner_does = (char *)defaults[i].does;
    d.review_date = review;
    d.created_at = d.updated_at = now_ms;
    if ((rc = duty_put(txn, st, &d))) return rc;
    if (each && (rc = each(ud, &d))) return rc;
  }
  return store_meta_put_u64(txn, st, META_DUTIES_SEEDED, (uint64_t)now_ms);
}

/* ------------------------------------------------------------ the tick */

typedef struct seed_emit {
  wtx *w;
  int status;
} seed_emit;

static int emit_seeded(void *ud, Pcn__Duty *d) {
  seed_emit *se = ud;
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_DUTY;
  ev.duty = d;
  se->status = feed_emit(se->w, PCN__OP__CREATED, "", &ev);
  return se->status ? -1 : 0;
}

/* A store from before this area has no register: write the defaults
 * once, telling everyone (one event per entry). */
static int seed_if_never(wtx *w, wjob *job) {
  uint64_t when;
  int rc = store_meta_get_u64(w->txn, w->st, META_DUTIES_SEEDED, &when);
  if (rc != MDB_NOTFOUND)
    return rc ? wtx_lmdb(w, rc, "reading the register's state")
              : PCN__STATUS_CODE__OK;
  MDB_stat ms;
  if ((rc = mdb_stat(w->txn, w->st->duties, &ms)))
    return wtx_lmdb(w, rc, "reading the register");
  if (ms.ms_entries) /* made some other way: leave it, mark it done */
    rc = store_meta_put_u64(w->txn, w->st, META_DUTIES_SEEDED,
                            (uint64_t)job->now_ms);
  else {
    seed_emit se = {w, 0};
    rc = duties_seed(w->txn, w->st, job->now_ms, emit_seeded, &se);
    if (se.status) return se.status;
  }
  return rc ? wtx_lmdb(w, rc, "writing the default register")
            : PCN__STATUS_CODE__OK;
}

int duties_tick(wtx *w, wjob *job) {
  int rc = seed_if_never(w, job);
  if (rc) return rc;
  /* Entries whose review date has come: collected first, changed after,
   * so the cursor never walks what it writes. */
  int32_t today = pcn_london_day_of_ms(job->now_ms);
  uint64_t due[DUTY_MAX];
  size_t ndue = 0;
  MDB_cursor *cur;
  if ((rc = mdb_cursor_open(w->txn, w->st->duties, &cur)))
    return wtx_lmdb(w, rc, "reading the register");
  MDB_val k, v;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && ndue < DUTY_MAX;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    uint64_t flagged;
    char buf[16];
    if (k.mv_size != 8 ||
        pcn_wire_find_varint(v.mv_data, v.mv_size, DUTY_F_REVIEW_DUE,
                             &flagged) < 0 ||
        flagged ||
        pcn_wire_find_str(v.mv_data, v.mv_size, DUTY_F_REVIEW_DATE, buf,
                          sizeof buf))
      continue;
    if (is_due(buf, today)) due[ndue++] = key_get_u64(k.mv_data);
  }
  mdb_cursor_close(cur);
  for (size_t i = 0; i < ndue; i++) {
    Pcn__Duty *d = NULL;
    if ((rc = duty_load(w->txn, w->st, due[i], &job->arena, &d)))
      return wtx_lmdb(w, rc, "reading an entry of the register");
    d->review_due = 1;
    if ((rc = duty_put(w->txn, w->st, d)))
      return wtx_lmdb(w, rc, "saving an entry of the register");
    Pcn__Event ev = PCN__EVENT__INIT;
    ev.record_case = PCN__EVENT__RECORD_DUTY;
    ev.duty = d;
    if ((rc = feed_emit(w, PCN__OP__UPDATED, "", &ev))) return rc;
  }
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ reads */

/* Appends every value of dbi as field `field`; -1 out of memory or past
 * max entries. */
static int append_all(MDB_txn *txn, MDB_dbi dbi, pcn_buf *out, uint32_t field,
                      size_t max) {
  MDB_cursor *cur;
  if (mdb_cursor_open(txn, dbi, &cur)) return -1;
  MDB_val k, v;
  size_t n = 0;
  int bad = 0;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    if (n++ == max || pcn_wire_append_len(out, field, v.mv_data, v.mv_size)) {
      bad = 1;
      break;
    }
  }
  mdb_cursor_close(cur);
  return bad ? -1 : 0;
}

/* The whole register, answered from the stored bytes (wire.h). */
static int list_read(req_ctx *ctx) {
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  store *st = &ctx->srv->st;
  MDB_txn *txn = ctx_txn(ctx);
  pcn_buf *out = &ctx->srv->raw;
  char today[11];
  pcn_date_format(pcn_london_day_of_ms(srv_now_ms(ctx->srv)), today);
  if (!txn || append_all(txn, st->duties, out, REG_F_DUTIES, DUTY_MAX * 2) ||
      append_all(txn, st->practices, out, REG_F_PRACTICES, DUTY_SCAN_MAX) ||
      append_all(txn, st->duty_agreements, out, REG_F_AGREEMENTS,
                 DUTY_SCAN_MAX) ||
      append_all(txn, st->duty_disagreements, out, REG_F_DISAGREEMENTS,
                 DUTY_SCAN_MAX) ||
      pcn_wire_append_len(out, REG_F_TODAY, today, strlen(today)))
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "The register could not be read in one answer; the "
                    "operator should run pcnd verify.");
  ctx->raw_field = RESP_F_DUTY_REGISTER;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ checks */

static int check_owner(req_ctx *ctx, int owner) {
  if (owner_word(owner)) return 0;
  ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "owner",
                 "owner: choose the PCN manager, the practice managers, the "
                 "clinical director or shared.");
  return -1;
}

/* A review date: a real date, from today to five years ahead. */
static int check_review(req_ctx *ctx, const char *date) {
  int32_t d, today = pcn_london_day_of_ms(srv_now_ms(ctx->srv));
  if (ctx_check_date(ctx, "review_date", date, 0, "2027-03-31", &d)) return -1;
  char t[11];
  pcn_date_format(today, t);
  if (d < today) {
    ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "review_date",
                   "review_date: %s has passed; choose today (%s) or later.",
                   date, t);
    return -1;
  }
  if (d > today + DUTY_REVIEW_MAX) {
    ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "review_date",
                   "review_date: %s is more than five years away; review "
                   "the register at least that often.",
                   date);
    return -1;
  }
  return 0;
}

static int check_title(req_ctx *ctx, const char *title) {
  return ctx_check_text(ctx, "title", title, DUTY_MAX_TITLE, 1, 0);
}

static int check_does(req_ctx *ctx, const char *does) {
  return ctx_check_text(ctx, "owner_does", does, DUTY_MAX_DOES, 1, 1);
}

/* Writer: ALREADY_EXISTS if another entry (not skip) has this title,
 * compared without regard to case. */
static int title_free(wtx *w, const char *title, uint64_t skip) {
  MDB_cursor *cur;
  int rc = mdb_cursor_open(w->txn, w->st->duties, &cur);
  if (rc) return wtx_lmdb(w, rc, "reading the register");
  MDB_val k, v;
  size_t tl = strlen(title);
  uint64_t clash = 0;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    const uint8_t *t;
    size_t len;
    if (k.mv_size == 8 && key_get_u64(k.mv_data) != skip &&
        pcn_wire_find(v.mv_data, v.mv_size, DUTY_F_TITLE, &t, &len) == 0 &&
        len == tl && strncasecmp((const char *)t, title, tl) == 0) {
      clash = key_get_u64(k.mv_data);
      break;
    }
  }
  mdb_cursor_close(cur);
  if (clash)
    return wtx_fail(w, PCN__STATUS_CODE__ALREADY_EXISTS,
                    "Entry %llu is already called '%s'; change that entry, "
                    "or choose another title.",
                    (unsigned long long)clash, title);
  return PCN__STATUS_CODE__OK;
}

static int duty_emit(wtx *w, wjob *job, Pcn__Op op, Pcn__Duty *d) {
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_DUTY;
  ev.duty = d;
  int rc = feed_emit(w, op, "", &ev);
  if (rc) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_DUTY;
  job->resp.duty = d;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ add */

static int add_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__DutyAdd *r = ctx->req->duty_add;
  if (check_title(ctx, r->title) || check_owner(ctx, r->owner) ||
      check_does(ctx, r->owner_does) || check_review(ctx, r->review_date))
    return ctx->status->code;
  return perm_check(ctx, "", 0) ? ctx->status->code : PCN__STATUS_CODE__OK;
}

static int add_apply(wtx *w, wjob *job) {
  Pcn__DutyAdd *r = job->req->duty_add;
  MDB_stat ms;
  int rc = mdb_stat(w->txn, w->st->duties, &ms);
  if (rc) return wtx_lmdb(w, rc, "reading the register");
  if (ms.ms_entries >= DUTY_MAX)
    return wtx_fail(w, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "The register already has %d entries; merge or remove "
                    "some first.",
                    DUTY_MAX);
  if ((rc = title_free(w, r->title, 0))) return rc;
  Pcn__Duty *d = pcn_arena_alloc(&job->arena, sizeof *d);
  if (!d) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__duty__init(d);
  if ((rc = store_next_id(w->txn, w->st, META_NEXT_DUTY, &d->id)))
    return wtx_lmdb(w, rc, "numbering the entry");
  d->version = d->substance_version = 1;
  d->title = r->title;
  d->owner = r->owner;
  d->owner_does = r->owner_does;
  d->review_date = r->review_date;
  d->review_due = is_due(r->review_date, pcn_london_day_of_ms(job->now_ms));
  d->created_by = d->updated_by = job->who.username;
  d->created_at = d->updated_at = job->now_ms;
  if ((rc = duty_put(w->txn, w->st, d)))
    return wtx_lmdb(w, rc, "saving the entry");
  return duty_emit(w, job, PCN__OP__CREATED, d);
}

/* ------------------------------------------------------------ changes */

/* The version of the entry's last change of substance (duties.c's
 * invariants): 0 on entries stored before the field means the version. */
static uint32_t substance_of(const Pcn__Duty *d) {
  return d->substance_version ? d->substance_version : d->version;
}

/* Writer: the entry, checked against the version read (0: unchecked). A
 * stale version is CONFLICT with the current entry. With `substance`, a
 * version read before a change of bookkeeping only is not stale: what a
 * practice agrees to (or disagrees with) has not changed since. */
static int apply_existing(wtx *w, wjob *job, uint64_t id, uint32_t version,
                          int substance, Pcn__Duty **out) {
  Pcn__Duty *d = NULL;
  int rc = duty_load(w->txn, w->st, id, &job->arena, &d);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND,
                    "No entry %llu in the register; `pcn duty list` shows "
                    "them.",
                    (unsigned long long)id);
  if (rc) return wtx_lmdb(w, rc, "reading the entry");
  if (version && version != d->version &&
      !(substance && version >= substance_of(d) && version < d->version)) {
    job->resp.body_case = PCN__RESPONSE__BODY_DUTY;
    job->resp.duty = d;
    return wtx_fail(w, PCN__STATUS_CODE__CONFLICT,
                    "Entry %llu was changed meanwhile (now version %u, you "
                    "read %u); here it is as it stands: read it again.",
                    (unsigned long long)id, d->version, version);
  }
  *out = d;
  return PCN__STATUS_CODE__OK;
}

/* Writer: deletes the entry's agreements (or, with dbi the
 * disagreements, those), adding the practices that had them to
 * d->cleared (for the event). The keys are gathered first and deleted
 * after, so the cursor never walks what it deletes. Both records keep
 * the practice's ODS code in field 3. */
static int clear_positions(wtx *w, wjob *job, Pcn__Duty *d, MDB_dbi dbi) {
  MDB_stat ms;
  int rc = mdb_stat(w->txn, dbi, &ms);
  if (rc) return wtx_lmdb(w, rc, "clearing the agreements");
  size_t cap = ms.ms_entries < DUTY_SCAN_MAX ? ms.ms_entries : DUTY_SCAN_MAX;
  size_t had = d->n_cleared;
  uint32_t *pids = pcn_arena_alloc(&job->arena, (cap + 1) * sizeof *pids);
  char **cleared =
      pcn_arena_alloc(&job->arena, (had + cap + 1) * sizeof *cleared);
  if (!pids || !cleared)
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  if (had) memcpy(cleared, d->cleared, had * sizeof *cleared);
  d->cleared = cleared;
  cap += had;
  MDB_cursor *cur;
  if ((rc = mdb_cursor_open(w->txn, dbi, &cur)))
    return wtx_lmdb(w, rc, "clearing the agreements");
  uint8_t start[DUTY_AGREEMENT_KEY];
  agreement_key(start, d->id, 0);
  MDB_val k = {DUTY_AGREEMENT_KEY, start}, v;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
       rc == 0 && d->n_cleared < cap && k.mv_size == DUTY_AGREEMENT_KEY &&
       key_get_u64(k.mv_data) == d->id;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    const uint8_t *p;
    size_t len;
    if (pcn_wire_find(v.mv_data, v.mv_size, AGREEMENT_F_PRACTICE, &p, &len) ||
        len > 16)
      p = (const uint8_t *)"", len = 0;
    char *ods = pcn_arena_alloc(&job->arena, len + 1);
    if (!ods) break;
    memcpy(ods, p, len);
    ods[len] = 0;
    pids[d->n_cleared - had] = key_get_u32((const uint8_t *)k.mv_data + 8);
    d->cleared[d->n_cleared++] = ods;
  }
  mdb_cursor_close(cur);
  for (size_t i = had; i < d->n_cleared; i++) {
    uint8_t key[DUTY_AGREEMENT_KEY];
    agreement_key(key, d->id, pids[i - had]);
    MDB_val dk = {DUTY_AGREEMENT_KEY, key};
    if ((rc = mdb_del(w->txn, dbi, &dk, NULL)))
      return wtx_lmdb(w, rc, "clearing the agreements");
  }
  return PCN__STATUS_CODE__OK;
}

/* Writer: clears every practice's position on d, agreed or not. */
static int clear_agreements(wtx *w, wjob *job, Pcn__Duty *d) {
  d->n_cleared = 0;
  int rc = clear_positions(w, job, d, w->st->duty_agreements);
  return rc ? rc : clear_positions(w, job, d, w->st->duty_disagreements);
}

static int update_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__DutyUpdate *r = ctx->req->duty_update;
  if (r->version == 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "version",
                          "version: a change names the version it read "
                          "(`pcn duty show %llu` gives it).",
                          (unsigned long long)r->id);
  if ((r->has_title_case == PCN__DUTY_UPDATE__HAS_TITLE_TITLE &&
       check_title(ctx, r->title)) ||
      (r->has_owner_case == PCN__DUTY_UPDATE__HAS_OWNER_OWNER &&
       check_owner(ctx, r->owner)) ||
      (r->has_owner_does_case == PCN__DUTY_UPDATE__HAS_OWNER_DOES_OWNER_DOES &&
       check_does(ctx, r->owner_does)) ||
      (r->has_review_date_case ==
           PCN__DUTY_UPDATE__HAS_REVIEW_DATE_REVIEW_DATE &&
       check_review(ctx, r->review_date)))
    return ctx->status->code;
  if (!r->has_title_case && !r->has_owner_case && !r->has_owner_does_case &&
      !r->has_review_date_case)
    return ctx_fail(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT,
                    "Nothing to change: give a title, owner, what the owner "
                    "does, or a review date.");
  return perm_check(ctx, "", 0) ? ctx->status->code : PCN__STATUS_CODE__OK;
}

static int update_apply(wtx *w, wjob *job) {
  Pcn__DutyUpdate *r = job->req->duty_update;
  Pcn__Duty *d = NULL;
  int rc = apply_existing(w, job, r->id, r->version, 0, &d);
  if (rc) return rc;
  /* What changed, by name (for the event); the first three are of
   * substance and cost the practices their agreement. */
  char **names = pcn_arena_alloc(&job->arena, 4 * sizeof *names);
  if (!names) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  size_t changed = 0;
  if (r->has_title_case && strcmp(d->title, r->title) != 0) {
    if ((rc = title_free(w, r->title, d->id))) return rc;
    d->title = r->title;
    names[changed++] = "title";
  }
  if (r->has_owner_case && d->owner != r->owner) {
    d->owner = r->owner;
    names[changed++] = "owner";
  }
  if (r->has_owner_does_case && strcmp(d->owner_does, r->owner_does) != 0) {
    d->owner_does = r->owner_does;
    names[changed++] = "owner_does";
  }
  int substance = changed > 0;
  if (r->has_review_date_case && strcmp(d->review_date, r->review_date) != 0) {
    d->review_date = r->review_date;
    names[changed++] = "review_date";
  }
  /* An edit that changes nothing must not cost the practices their
   * agreements. */
  if (!changed)
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "Entry %llu already reads like that; nothing changed and "
                    "its agreements stand.",
                    (unsigned long long)d->id);
  d->substance_version = substance ? d->version + 1 : substance_of(d);
  d->version++;
  d->review_due = is_due(d->review_date, pcn_london_day_of_ms(job->now_ms));
  d->updated_by = job->who.username;
  d->updated_at = job->now_ms;
  if ((rc = duty_put(w->txn, w->st, d)))
    return wtx_lmdb(w, rc, "saving the entry");
  if (substance && (rc = clear_agreements(w, job, d))) return rc;
  d->changed = names; /* for the event and the answer; never stored */
  d->n_changed = changed;
  return duty_emit(w, job, PCN__OP__UPDATED, d);
}

static int remove_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  if (ctx->req->duty_remove->id == 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "id",
                          "id: name the entry to remove (`pcn duty list` "
                          "gives the numbers).");
  return perm_check(ctx, "", 0) ? ctx->status->code : PCN__STATUS_CODE__OK;
}

static int remove_apply(wtx *w, wjob *job) {
  Pcn__DutyRemove *r = job->req->duty_remove;
  Pcn__Duty *d = NULL;
  int rc = apply_existing(w, job, r->id, r->version, 0, &d);
  if (rc) return rc;
  uint8_t key[8];
  key_u64(key, d->id);
  MDB_val k = {8, key};
  if ((rc = mdb_del(w->txn, w->st->duties, &k, NULL)))
    return wtx_lmdb(w, rc, "removing the entry");
  if ((rc = clear_agreements(w, job, d))) return rc;
  d->updated_by = job->who.username;
  d->updated_at = job->now_ms;
  return duty_emit(w, job, PCN__OP__DELETED, d);
}

/* ------------------------------------------------------------ agree */

static int agree_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__DutyAgree *r = ctx->req->duty_agree;
  char *practice = ctx_ods_or_own(ctx, "practice", r->practice);
  if (!practice) return ctx->status->code;
  if (r->all && r->n_entries)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "entries",
                          "entries: name entries or ask for all, not both.");
  if (!r->all && !r->n_entries)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "entries",
                          "entries: name the entries to agree, or ask for "
                          "all that are pending.");
  if (r->n_entries > DUTY_MAX)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "entries",
                          "entries: at most %d at once.", DUTY_MAX);
  for (size_t i = 0; i < r->n_entries; i++)
    if (r->entries[i]->id == 0)
      return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "entries",
                            "entries: name each entry by its number (`pcn "
                            "duty list` gives them).");
  if (perm_check(ctx, practice, 0) ||
      ctx_practice_id(ctx, "practice", practice, NULL))
    return ctx->status->code;
  r->practice = practice;
  return PCN__STATUS_CODE__OK;
}

typedef struct agree_run {
  uint32_t practice_id;
  Pcn__DutyAgreed *out;
  size_t cap;
  size_t skipped; /* entries `all` left alone: the practice disagrees */
} agree_run;

/* Writer: deletes the practice's record in dbi (agreements or
 * disagreements) for duty id, with a DELETED event carrying it, so the
 * feed says the position was withdrawn. *had: whether there was one. */
static int position_drop(wtx *w, wjob *job, MDB_dbi dbi, uint64_t id,
                         uint32_t practice_id, int *had) {
  uint8_t key[DUTY_AGREEMENT_KEY];
  agreement_key(key, id, practice_id);
  int disagreement = dbi == w->st->duty_disagreements;
  void *rec = NULL;
  int rc = store_get_pb(w->txn, dbi, key, DUTY_AGREEMENT_KEY,
                        disagreement ? &pcn__duty_disagreement__descriptor
                                     : &pcn__duty_agreement__descriptor,
                        &job->arena, &rec);
  *had = rc == 0;
  if (rc == MDB_NOTFOUND) return PCN__STATUS_CODE__OK;
  if (rc) return wtx_lmdb(w, rc, "reading the practice's position");
  MDB_val k = {DUTY_AGREEMENT_KEY, key};
  if ((rc = mdb_del(w->txn, dbi, &k, NULL)))
    return wtx_lmdb(w, rc, "withdrawing the practice's position");
  Pcn__Event ev = PCN__EVENT__INIT;
  if (disagreement) {
    ev.record_case = PCN__EVENT__RECORD_DUTY_DISAGREEMENT;
    ev.duty_disagreement = rec;
  } else {
    ev.record_case = PCN__EVENT__RECORD_DUTY_AGREEMENT;
    ev.duty_agreement = rec;
  }
  return feed_emit(w, PCN__OP__DELETED, "", &ev);
}

static int disagrees(wtx *w, uint64_t id, uint32_t practice_id) {
  uint8_t key[DUTY_AGREEMENT_KEY];
  agreement_key(key, id, practice_id);
  MDB_val k = {DUTY_AGREEMENT_KEY, key}, v;
  return mdb_get(w->txn, w->st->duty_disagreements, &k, &v) == 0;
}

/* Writer: the practice agrees d as it stands, unless it has already. */
static int agree_one(wtx *w, wjob *job, agree_run *ar, const Pcn__Duty *d) {
  uint8_t key[DUTY_AGREEMENT_KEY];
  agreement_key(key, d->id, ar->practice_id);
  MDB_val k = {DUTY_AGREEMENT_KEY, key}, v;
  int rc = mdb_get(w->txn, w->st->duty_agreements, &k, &v);
  if (rc == 0) return PCN__STATUS_CODE__OK; /* agreed already */
  if (rc != MDB_NOTFOUND) return wtx_lmdb(w, rc, "reading the agreements");
  int had;
  if ((rc = position_drop(w, job, w->st->duty_disagreements, d->id,
                          ar->practice_id, &had)))
    return rc; /* agreeing withdraws the practice's disagreement */
  Pcn__DutyAgreement *a = pcn_arena_alloc(&job->arena, sizeof *a);
  if (!a || ar->out->n_agreements == ar->cap)
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__duty_agreement__init(a);
  a->duty_id = d->id;
  a->duty_version = d->version;
  a->practice = job->req->duty_agree->practice;
  a->agreed_by = job->who.username;
  a->agreed_at = job->now_ms;
  a->duty_title = d->title;
  if ((rc = store_put_pb(w->txn, w->st->duty_agreements, key,
                         DUTY_AGREEMENT_KEY, (ProtobufCMessage *)a)))
    return wtx_lmdb(w, rc, "saving the agreement");
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_DUTY_AGREEMENT;
  ev.duty_agreement = a;
  if ((rc = feed_emit(w, PCN__OP__CREATED, "", &ev))) return rc;
  ar->out->agreements[ar->out->n_agreements++] = a;
  return PCN__STATUS_CODE__OK;
}

static int agree_all(wtx *w, wjob *job, agree_run *ar) {
  uint64_t ids[DUTY_MAX * 2];
  size_t n = 0;
  MDB_cursor *cur;
  int rc = mdb_cursor_open(w->txn, w->st->duties, &cur);
  if (rc) return wtx_lmdb(w, rc, "reading the register");
  MDB_val k, v;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
       rc == 0 && n < sizeof ids / sizeof ids[0];
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
    if (k.mv_size == 8) ids[n++] = key_get_u64(k.mv_data);
  mdb_cursor_close(cur);
  for (size_t i = 0; i < n; i++) {
    Pcn__Duty *d = NULL;
    if (disagrees(w, ids[i], ar->practice_id)) {
      ar->skipped++;
      continue; /* changing one's mind is done entry by entry */
    }
    if ((rc = duty_load(w->txn, w->st, ids[i], &job->arena, &d)))
      return wtx_lmdb(w, rc, "reading the register");
    if ((rc = agree_one(w, job, ar, d))) return rc;
  }
  return PCN__STATUS_CODE__OK;
}

static int agree_apply(wtx *w, wjob *job) {
  Pcn__DutyAgree *r = job->req->duty_agree;
  agree_run ar = {0, NULL, DUTY_MAX * 2, 0};
  int rc = practice_lookup(w->txn, w->st, r->practice, &ar.practice_id);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND,
                    "No practice %s in this network.", r->practice);
  if (rc) return wtx_lmdb(w, rc, "reading the practice");
  ar.out = pcn_arena_alloc(&job->arena, sizeof *ar.out);
  Pcn__DutyAgreement **list =
      pcn_arena_alloc(&job->arena, ar.cap * sizeof *list);
  if (!ar.out || !list)
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__duty_agreed__init(ar.out);
  ar.out->agreements = list;
  if (r->all)
    rc = agree_all(w, job, &ar);
  else
    for (size_t i = 0; i < r->n_entries && !rc; i++) {
      Pcn__Duty *d = NULL;
      rc = apply_existing(w, job, r->entries[i]->id, r->entries[i]->version, 1,
                          &d);
      if (!rc) rc = agree_one(w, job, &ar, d);
    }
  if (rc) return rc;
  if (!ar.out->n_agreements && ar.skipped)
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "%s has agreed every entry except the %zu it disagrees "
                    "with; to change its mind, agree those by number (pcn "
                    "duty agree ID).",
                    r->practice, ar.skipped);
  if (!ar.out->n_agreements)
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "%s has already agreed %s as it stands; nothing to "
                    "agree.",
                    r->practice,
                    r->all ? "every entry of the register" : "that");
  job->resp.body_case = PCN__RESPONSE__BODY_DUTY_AGREED;
  job->resp.duty_agreed = ar.out;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ disagree */

static int disagree_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__DutyDisagree *r = ctx->req->duty_disagree;
  char *practice = ctx_ods_or_own(ctx, "practice", r->practice);
  if (!practice) return ctx->status->code;
  if (r->id == 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "id",
                          "id: name the entry you disagree with (`pcn duty "
                          "list` gives the numbers).");
  if (!r->reason[0])
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "reason",
                          "reason: say why your practice disagrees, so the "
                          "PCN manager can change the entry or talk it "
                          "through.");
  if (ctx_check_text(ctx, "reason", r->reason, DUTY_MAX_REASON, 1, 1))
    return ctx->status->code;
  if (perm_check(ctx, practice, 0) ||
      ctx_practice_id(ctx, "practice", practice, NULL))
    return ctx->status->code;
  r->practice = practice;
  return PCN__STATUS_CODE__OK;
}

static int disagree_apply(wtx *w, wjob *job) {
  Pcn__DutyDisagree *r = job->req->duty_disagree;
  uint32_t pid;
  int rc = practice_lookup(w->txn, w->st, r->practice, &pid);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND,
                    "No practice %s in this network.", r->practice);
  if (rc) return wtx_lmdb(w, rc, "reading the practice");
  Pcn__Duty *d = NULL;
  if ((rc = apply_existing(w, job, r->id, r->version, 1, &d))) return rc;
  uint8_t key[DUTY_AGREEMENT_KEY];
  agreement_key(key, d->id, pid);
  Pcn__DutyDisagreement *old = NULL;
  rc = store_get_pb(w->txn, w->st->duty_disagreements, key, DUTY_AGREEMENT_KEY,
                    &pcn__duty_disagreement__descriptor, &job->arena,
                    (void **)&old);
  if (rc && rc != MDB_NOTFOUND)
    return wtx_lmdb(w, rc, "reading the disagreements");
  if (old && strcmp(old->reason, r->reason) == 0)
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "%s already disagrees with entry %llu for that reason; "
                    "nothing changed.",
                    r->practice, (unsigned long long)d->id);
  int had;
  if ((rc = position_drop(w, job, w->st->duty_agreements, d->id, pid, &had)))
    return rc; /* disagreeing withdraws the practice's agreement */
  Pcn__DutyDisagreement *x = pcn_arena_alloc(&job->arena, sizeof *x);
  if (!x) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__duty_disagreement__init(x);
  x->duty_id = d->id;
  x->duty_version = d->version;
  x->practice = r->practice;
  x->by = job->who.username;
  x->at = job->now_ms;
  x->reason = r->reason;
  x->duty_title = d->title;
  if ((rc = store_put_pb(w->txn, w->st->duty_disagreements, key,
                         DUTY_AGREEMENT_KEY, (ProtobufCMessage *)x)))
    return wtx_lmdb(w, rc, "saving the disagreement");
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_DUTY_DISAGREEMENT;
  ev.duty_disagreement = x;
  if ((rc = feed_emit(w, old ? PCN__OP__UPDATED : PCN__OP__CREATED, "", &ev)))
    return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_DUTY_DISAGREEMENT;
  job->resp.duty_disagreement = x;
  return PCN__STATUS_CODE__OK;
}

const req_entry duties_entries[] = {
    {PCN__REQUEST__BODY_DUTY_LIST, "see the responsibilities register", 0,
     R_ALL, R_ALL, 0, list_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_DUTY_ADD, "add to the responsibilities register",
     REQ_WRITE, R_PCNM, 0, 0, NULL, add_prepare, add_apply, NULL},
    {PCN__REQUEST__BODY_DUTY_UPDATE, "change the responsibilities register",
     REQ_WRITE, R_PCNM, 0, 0, NULL, update_prepare, update_apply, NULL},
    {PCN__REQUEST__BODY_DUTY_REMOVE,
     "remove entries from the responsibilities register", REQ_WRITE, R_PCNM, 0,
     0, NULL, remove_prepare, remove_apply, NULL},
    {PCN__REQUEST__BODY_DUTY_AGREE, "agree the responsibilities register",
     REQ_WRITE, 0, R_PM, 0, NULL, agree_prepare, agree_apply, NULL},
    {PCN__REQUEST__BODY_DUTY_DISAGREE,
     "disagree with the responsibilities register", REQ_WRITE, 0, R_PM, 0, NULL,
     disagree_prepare, disagree_apply, NULL},
};
const size_t duties_entries_n =
    sizeof duties_entries / sizeof duties_entries[0];
