/* funds.c - the network's ledger: practices' figures (list size and
 * weighted population) as a history, funding streams, and double-entry
 * entries (receipts, distributions to practices, expenses, reversals)
 * with the balance of every account kept in the same transaction.
 *
 * Records:
 *   practice_figures  u32 practice id | u32 day+2^31 -> pcn.PracticeFigures
 *                     (the figures in force from that day; the same day
 *                     again replaces them)
 *   funds_streams     code -> pcn.FundsStream (the PCN manager's own; the
 *                     defaults are built in, so every network has them,
 *                     old stores included, without a migration; a
 *                     built-in stream the PCN manager changed (its name,
 *                     pass-through flag or split rule) is stored here too,
 *                     builtin set, and read over its default)
 *   funds_entries     'E' u64 id -> pcn.FundsEntry (never changed)
 *                     'R' u64 id -> u64 id of the entry that reverses it
 *   funds_balances    account -> int64 pence (8 bytes, big-endian two's
 *                     complement); kept even at zero
 *   funds_months      "YYYY-MM" | account -> int64 pence (as balances): the
 *                     account's lines in the entries dated in that month,
 *                     kept in the entry's transaction (schema 4; built from
 *                     the ledger when an older store is opened), so a
 *                     statement reads months x accounts, not every entry
 *   meta "next_funds_entry"  the id counter
 *
 * The chart of accounts (debit positive, credit negative; every entry's
 * lines sum to zero, so all balances together sum to zero):
 *   bank:STREAM          money the nominated payee holds for the network
 *   income:STREAM        received (credit: negative)
 *   practice:ODS:STREAM  distributed to that practice
 *   expense:STREAM       paid out otherwise (invoices)
 *   claim:ODS:STREAM     paid to that practice for approved backfill
 *                        claims (funds_claims.c; posted by
 *                        funds_post_claim below)
 * A receipt debits bank and credits income; a distribution credits bank
 * and debits each practice; an expense credits bank and debits expense; a
 * claim credits bank and debits the practice's claim account; a reversal
 * posts the opposite lines of the entry it names. No bank account
 * may go below zero: the network pays out only what it holds per stream.
 *
 * Who: only the PCN manager posts and keeps figures and streams (one
 * accountable editor); every member reads everything, and every event has
 * audience "": transparency is the point.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "areas.h"
#include "feed.h"
#include "money.h"
#include "uktime.h"
#include "validate.h"

#define META_NEXT_ENTRY "next_funds_entry"
#define FUNDS_ACCOUNT_MAX 64
#define FUNDS_CODE_MAX 24
#define FUNDS_REF_MAX 100
#define FUNDS_NOTE_MAX 1000
#define FUNDS_STREAMS_MAX 100
#define FUNDS_LEDGER_DEFAULT 50
#define FUNDS_LEDGER_MAX 200
#define FUNDS_SCAN_MAX 20000
#define FUNDS_FIGURES_MAX 10000000u /* patients: far beyond any practice */
#define DAY_MS 86400000LL

/* pass: pass-through by default (issue 20): ARRS reimburses a practice's
 * own staff and IIF is paid on its achievement, so neither is a share of
 * the network's money to be judged for fairness. */
static const struct {
  const char *code, *name;
  int pass;
} builtin[] = {
    {"core", "Core PCN funding", 0},
    {"cd", "Clinical director", 0},
    {"arrs", "ARRS reimbursement", 1},
    {"iif", "IIF", 1},
    {"caip", "Capacity and access", 0},
    {"care-home", "Care home premium", 0},
    {"ea", "Enhanced access", 0},
    {"lm", "Leadership and management", 0},
    {"other", "Other", 0},
};
#define N_BUILTIN (sizeof builtin / sizeof builtin[0])


/* ------------------------------------------------------------ figures */

static void figures_key(uint8_t key[8], uint32_t practice, int32_t day) {
  key_u32(key, practice);
  key_u32(key + 4, (uint32_t)day ^ 0x80000000u);
}

/* A practice's undated first figure: the list size its record holds (the
 * one it was added with, or, in a store written before figures were its
 * one history, the one last entered with practice update), in force from
 * the start of time until its first dated figure. NULL if it has none. */
static Pcn__PracticeFigures *figures_base(const Pcn__Practice *p,
                                          pcn_arena *a) {
  if (!p->list_size) return NULL;
  Pcn__PracticeFigures *f = pcn_arena_alloc(a, sizeof *f);
  if (!f) return NULL;
  pcn__practice_figures__init(f);
  f->practice = p->ods;
  f->list_size = p->list_size;
  f->recorded_at = p->created_at;
  return f;
}

/* Every practice, in id order, into the arena. 0 or an LMDB error. */
static int practices_read(MDB_txn *txn, store *st, pcn_arena *a,
                          Pcn__Practice ***out, size_t *n) {
  MDB_stat ms;
  int rc = mdb_stat(txn, st->practices, &ms);
  if (rc) return rc;
  Pcn__Practice **pr = pcn_arena_alloc(a, (ms.ms_entries + 1) * sizeof *pr);
  if (!pr) return ENOMEM;
  MDB_cursor *cur;
  if ((rc = mdb_cursor_open(txn, st->practices, &cur))) return rc;
  MDB_val k, v;
  size_t m = 0;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
       rc == 0 && m < ms.ms_entries;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    Pcn__Practice *p = pcn__practice__unpack(&a->pb, v.mv_size, v.mv_data);
    if (p) pr[m++] = p;
  }
  mdb_cursor_close(cur);
  if (rc && rc != MDB_NOTFOUND) return rc;
  *out = pr;
  *n = m;
  return 0;
}

/* The figures in force on day for every practice that has some, in
 * practice id order: each practice's latest dated figure on or before
 * day, else its undated first list size (figures_base). */
int funds_figures_at(MDB_txn *txn, store *st, int32_t day, pcn_arena *a,
                     Pcn__PracticeFigures ***out, size_t *n) {
  MDB_stat ms, mp;
  int rc = mdb_stat(txn, st->practice_figures, &ms);
  if (!rc) rc = mdb_stat(txn, st->practices, &mp);
  if (rc) return rc;
  size_t cap = ms.ms_entries + mp.ms_entries + 1;
  Pcn__PracticeFigures **list = pcn_arena_alloc(a, cap * sizeof *list);
  uint32_t *pids = pcn_arena_alloc(a, cap * sizeof *pids);
  if (!list || !pids) return ENOMEM;
  size_t k = 0;
  MDB_cursor *cur;
  if ((rc = mdb_cursor_open(txn, st->practice_figures, &cur))) return rc;
  MDB_val key, val;
  for (rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) {
    if (key.mv_size != 8) continue;
    uint32_t pid = key_get_u32(key.mv_data);
    int32_t d =
        (int32_t)(key_get_u32((uint8_t *)key.mv_data + 4) ^ 0x80000000u);
    if (d > day) continue;
    Pcn__PracticeFigures *f =
        pcn__practice_figures__unpack(&a->pb, val.mv_size, val.mv_data);
    if (!f) {
      rc = MDB_CORRUPTED;
      break;
    }
    if (k && pids[k - 1] == pid)
      list[k - 1] = f; /* later date of the same practice */
    else
      pids[k] = pid, list[k++] = f;
  }
  mdb_cursor_close(cur);
  if (rc != MDB_NOTFOUND) return rc;
  /* Merge in, by practice id, the undated first figure of every practice
   * with none dated on or before day. */
  Pcn__PracticeFigures **all = pcn_arena_alloc(a, cap * sizeof *all);
  if (!all) return ENOMEM;
  size_t j = 0, m = 0;
  if ((rc = mdb_cursor_open(txn, st->practices, &cur))) return rc;
  for (rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) {
    if (key.mv_size != 4) continue;
    uint32_t pid = key_get_u32(key.mv_data);
    while (j < k && pids[j] < pid)
      all[m++] = list[j++];
    if (j < k && pids[j] == pid) {
      all[m++] = list[j++];
      continue;
    }
    Pcn__Practice *p = pcn__practice__unpack(&a->pb, val.mv_size, val.mv_data);
    if (!p) {
      rc = MDB_CORRUPTED;
      break;
    }
    Pcn__PracticeFigures *f = figures_base(p, a);
    if (p->list_size && !f) {
      rc = ENOMEM;
      break;
    }
    if (f) all[m++] = f;
  }
  mdb_cursor_close(cur);
  if (rc != MDB_NOTFOUND) return rc;
  while (j < k)
    all[m++] = list[j++];
  *out = all;
  *n = m;
  return 0;
}

/* Sets p->list_size and p->list_size_from to the figure in force on day
 * (0 and "" when none): how a practice is read. 0 or an LMDB error. */
int funds_practice_as_read(MDB_txn *txn, store *st, int32_t day, pcn_arena *a,
                           Pcn__Practice **p, size_t np) {
  Pcn__PracticeFigures **f;
  size_t nf;
  int rc = funds_figures_at(txn, st, day, a, &f, &nf);
  if (rc) return rc;
  for (size_t i = 0; i < np; i++) {
    p[i]->list_size = 0;
    p[i]->list_size_from = "";
    for (size_t j = 0; j < nf; j++)
      if (!strcmp(f[j]->practice, p[i]->ods)) {
        p[i]->list_size = f[j]->list_size;
        p[i]->list_size_from = f[j]->applies_from;
        break;
      }
  }
  return 0;
}

/* Writer: stores f as practice pid's figures from day (replacing any of
 * that day) and tells every member (audience ""). 0 or a status code. */
static int figures_put(wtx *w, uint32_t pid, int32_t day,
                       Pcn__PracticeFigures *f) {
  uint8_t key[8];
  figures_key(key, pid, day);
  int rc = store_put_pb(w->txn, w->st->practice_figures, key, 8,
                        (const ProtobufCMessage *)f);
  if (rc) return wtx_lmdb(w, rc, "saving the figures");
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_FUNDS_FIGURES;
  ev.funds_figures = f;
  return feed_emit(w, PCN__OP__UPDATED, "", &ev);
}

/* Writer: records list_size as practice pid's figure from date (its
 * other figures as in force on that day, so a new list size keeps the
 * weighted population, locality and beds), replacing one of the same
 * date, with its event; *out is the figure. 0 or a status code. */
int funds_figures_record_list(wtx *w, wjob *job, uint32_t pid, const char *ods,
                              const char *date, uint32_t list_size,
                              Pcn__PracticeFigures **out) {
  int32_t day;
  if (pcn_date_parse(date, &day))
    return wtx_fail(w, PCN__STATUS_CODE__INVALID_ARGUMENT,
                    "list_size_from: %s is not a date; give YYYY-MM-DD.", date);
  Pcn__PracticeFigures **all;
  size_t n;
  int rc = funds_figures_at(w->txn, w->st, day, &job->arena, &all, &n);
  if (rc) return wtx_lmdb(w, rc, "reading the figures");
  Pcn__PracticeFigures *f = pcn_arena_alloc(&job->arena, sizeof *f);
  if (!f) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__practice_figures__init(f);
  for (size_t i = 0; i < n; i++)
    if (!strcmp(all[i]->practice, ods)) {
      f->weighted = all[i]->weighted;
      f->locality = all[i]->locality;
      f->beds = all[i]->beds;
    }
  f->practice = (char *)ods;
  f->applies_from = (char *)date;
  f->list_size = list_size;
  f->recorded_at = job->now_ms;
  f->recorded_by = job->who.username;
  if ((rc = figures_put(w, pid, day, f))) return rc;
  *out = f;
  return 0;
}

static int check_date(req_ctx *ctx, const char *field, const char *v,
                      int required, int32_t *day) {
  if (!v[0] && !required) {
    *day = pcn_london_day_of_ms(srv_now_ms(ctx->srv));
    return 0;
  }
  return ctx_check_date(ctx, field, v, 0, "2027-04-01", day);
}

/* Whether name is a figure FundsFiguresSet.clear may name. */
static int figure_named(const char *name) {
  return !strcmp(name, "list_size") || !strcmp(name, "weighted") ||
         !strcmp(name, "locality") || !strcmp(name, "beds");
}

static int cleared(const Pcn__FundsFiguresSet *r, const char *name) {
  for (size_t i = 0; i < r->n_clear; i++)
    if (!strcmp(r->clear[i], name)) return 1;
  return 0;
}

static int figures_set_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__FundsFiguresSet *r = ctx->req->funds_figures_set;
  char *ods = ctx_ods(ctx, "practice", r->practice, 0);
  if (!ods) return ctx->status->code;
  int32_t day;
  if (check_date(ctx, "applies_from", r->applies_from, 1, &day))
    return ctx->status->code;
  if (r->list_size > FUNDS_FIGURES_MAX || r->weighted > FUNDS_FIGURES_MAX)
    return ctx_fail_field(
        ctx, PCN__STATUS_CODE__INVALID_ARGUMENT,
        r->list_size > FUNDS_FIGURES_MAX ? "list_size" : "weighted",
        "%s: at most %u patients.",
        r->list_size > FUNDS_FIGURES_MAX ? "list_size" : "weighted",
        FUNDS_FIGURES_MAX);
  if (r->beds > FUNDS_FIGURES_MAX)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "beds",
                          "beds: at most %u care-home beds.",
                          FUNDS_FIGURES_MAX);
  if (ctx_check_text(ctx, "locality", r->locality, PCN_MAX_NAME, 0, 0))
    return ctx->status->code;
  if (r->n_clear > 4)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "clear",
                          "clear: name each of list_size, weighted, locality "
                          "and beds at most once.");
  for (size_t i = 0; i < r->n_clear; i++)
    if (!figure_named(r->clear[i]))
      return ctx_fail_field(
          ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "clear",
          "clear: '%.30s' is not a figure; name list_size, "
          "weighted, locality or beds.",
          pcn_check_text(r->clear[i], 30, 0, 0) ? "?" : r->clear[i]);
  uint32_t pid;
  if (practice_lookup(ctx_txn(ctx), &ctx->srv->st, ods, &pid))
    return ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, "practice",
                          "practice: there is no practice %s in this "
                          "network.",
                          ods);
  r->practice = ods;
  return perm_check(ctx, "", 0) ? ctx->status->code : PCN__STATUS_CODE__OK;
}

static int figures_set_apply(wtx *w, wjob *job) {
  Pcn__FundsFiguresSet *r = job->req->funds_figures_set;
  uint32_t pid;
  int rc = practice_lookup(w->txn, w->st, r->practice, &pid);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND,
                    "There is no practice %s in this network.", r->practice);
  if (rc) return wtx_lmdb(w, rc, "finding the practice");
  int32_t day;
  pcn_date_parse(r->applies_from, &day);
  /* A figure not given (0 or "", and not named in clear) is carried from
   * the figures in force on that day: the same day's record this one
   * replaces, else the latest before it (issue 20: re-recording a list
   * size dropped the locality). */
  Pcn__PracticeFigures **all, *was = NULL;
  size_t n;
  if ((rc = funds_figures_at(w->txn, w->st, day, &job->arena, &all, &n)))
    return wtx_lmdb(w, rc, "reading the figures");
  for (size_t i = 0; i < n; i++)
    if (!strcmp(all[i]->practice, r->practice)) was = all[i];
  Pcn__PracticeFigures *f = pcn_arena_alloc(&job->arena, sizeof *f);
  if (!f) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__practice_figures__init(f);
  f->practice = r->practice;
  f->applies_from = r->applies_from;
  f->list_size = r->list_size || cleared(r, "list_size") || !was
                     ? r->list_size
                     : was->list_size;
  f->weighted = r->weighted || cleared(r, "weighted") || !was ? r->weighted
                                                              : was->weighted;
  f->beds = r->beds || cleared(r, "beds") || !was ? r->beds : was->beds;
  f->locality = r->locality[0] || cleared(r, "locality") || !was
                    ? r->locality
                    : was->locality;
  f->recorded_at = job->now_ms;
  f->recorded_by = job->who.username;
  if ((rc = figures_put(w, pid, day, f))) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_FUNDS_FIGURES;
  job->resp.funds_figures = f;
  return PCN__STATUS_CODE__OK;
}

static int figures_list_read(req_ctx *ctx) {
  Pcn__FundsFiguresList *r = ctx->req->funds_figures_list;
  MDB_txn *txn = ctx_txn(ctx);
  store *st = &ctx->srv->st;
  char *ods = ctx_ods(ctx, "practice", r->practice, 1);
  if (!ods) return ctx->status->code;
  int32_t day = 0;
  if (r->as_at[0] && check_date(ctx, "as_at", r->as_at, 1, &day))
    return ctx->status->code;
  uint32_t pid = 0;
  if (ods[0] && practice_lookup(txn, st, ods, &pid))
    return ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, "practice",
                          "practice: there is no practice %s in this "
                          "network.",
                          ods);
  Pcn__FundsFiguresPage *pg = pcn_arena_alloc(ctx->arena, sizeof *pg);
  if (!pg) return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__funds_figures_page__init(pg);
  int rc = 0;
  if (r->as_at[0]) {
    Pcn__PracticeFigures **all;
    size_t n;
    rc = funds_figures_at(txn, st, day, ctx->arena, &all, &n);
    if (!rc) {
      pg->figures = all;
      for (size_t i = 0; i < n; i++)
        if (!ods[0] || strcmp(all[i]->practice, ods) == 0)
          all[pg->n_figures++] = all[i];
    }
  } else {
    /* Each practice's history: its undated first list size, then its
     * dated figures, oldest first. */
    MDB_stat ms;
    MDB_cursor *cur = NULL;
    rc = mdb_stat(txn, st->practice_figures, &ms);
    size_t np = 0;
    Pcn__Practice **pr = NULL;
    if (!rc) rc = practices_read(txn, st, ctx->arena, &pr, &np);
    if (!rc && pr) rc = mdb_cursor_open(txn, st->practice_figures, &cur);
    if (!rc && pr) {
      pg->figures = pcn_arena_alloc(ctx->arena, (ms.ms_entries + np + 1) *
                                                    sizeof *pg->figures);
      for (size_t i = 0; !rc && i < np; i++) {
        if (ods[0] && strcmp(pr[i]->ods, ods)) continue;
        if (!pg->figures) {
          rc = ENOMEM;
          break;
        }
        Pcn__PracticeFigures *b = figures_base(pr[i], ctx->arena);
        if (b) pg->figures[pg->n_figures++] = b;
        MDB_val k, v;
        uint8_t lo[8];
        figures_key(lo, pr[i]->id, INT32_MIN);
        k.mv_size = 8;
        k.mv_data = lo;
        for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
             rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
          if (k.mv_size != 8 || key_get_u32(k.mv_data) != pr[i]->id) break;
          Pcn__PracticeFigures *f = pcn__practice_figures__unpack(
              &ctx->arena->pb, v.mv_size, v.mv_data);
          if (f) pg->figures[pg->n_figures++] = f;
        }
        if (rc == MDB_NOTFOUND) rc = 0;
      }
    } else if (!rc) {
      rc = ENOMEM;
    }
    if (cur) mdb_cursor_close(cur);
  }
  if (rc)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The figures could not be read; the operator should run "
                    "pcnd verify.");
  ctx->resp->body_case = PCN__RESPONSE__BODY_FUNDS_FIGURES_PAGE;
  ctx->resp->funds_figures_page = pg;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ streams */

static const char *builtin_name(const char *code) {
  for (size_t i = 0; i < N_BUILTIN; i++)
    if (strcmp(builtin[i].code, code) == 0) return builtin[i].name;
  return NULL;
}

static const char *builtin_code(const char *code) {
  for (size_t i = 0; i < N_BUILTIN; i++)
    if (strcmp(builtin[i].code, code) == 0) return builtin[i].code;
  return code;
}

static int builtin_pass(const char *code) {
  for (size_t i = 0; i < N_BUILTIN; i++)
    if (strcmp(builtin[i].code, code) == 0) return builtin[i].pass;
  return 0;
}

/* A built-in stream as it is by default, into the arena. */
static Pcn__FundsStream *builtin_stream(pcn_arena *a, const char *code) {
  const char *name = builtin_name(code);
  Pcn__FundsStream *s = name ? pcn_arena_alloc(a, sizeof *s) : NULL;
  if (!s) return NULL;
  pcn__funds_stream__init(s);
  s->code = (char *)code;
  s->name = (char *)name;
  s->builtin = 1;
  s->pass_through = builtin_pass(code);
  return s;
}

int funds_stream_get(MDB_txn *txn, store *st, const char *code, pcn_arena *a,
                     Pcn__FundsStream **out) {
  if (!code[0]) return MDB_NOTFOUND;
  Pcn__FundsStream *s = NULL;
  int rc = store_get_pb(txn, st->funds_streams, code, strlen(code),
                        &pcn__funds_stream__descriptor, a, (void **)&s);
  if (rc == MDB_NOTFOUND && builtin_name(code)) {
    s = builtin_stream(a, code);
    rc = s ? 0 : ENOMEM;
  }
  if (!rc && s->builtin) {
    s->code = (char *)builtin_code(code);
    s->builtin = 1;
  }
  if (!rc) *out = s;
  return rc;
}

int funds_stream_pass_through(MDB_txn *txn, store *st, const char *code) {
  pcn_arena a;
  pcn_arena_init(&a, 1u << 14);
  Pcn__FundsStream *s;
  int pass = funds_stream_get(txn, st, code, &a, &s) == 0 && s->pass_through;
  pcn_arena_free(&a);
  return pass;
}

int funds_stream_exists(MDB_txn *txn, store *st, const char *code) {
  if (builtin_name(code)) return 1;
  if (!code[0]) return 0;
  MDB_val k = {strlen(code), (void *)code}, v;
  return mdb_get(txn, st->funds_streams, &k, &v) == 0;
}

static int check_code(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > FUNDS_CODE_MAX) return -1;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
          s[i] == '-'))
      return -1;
  return 0;
}

static int stream_add_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__FundsStreamAdd *r = ctx->req->funds_stream_add;
  if (check_code(r->code))
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "code",
                          "code: 1 to %d lower-case letters, digits or '-', "
                          "such as 'estates'.",
                          FUNDS_CODE_MAX);
  if (ctx_check_text(ctx, "name", r->name, PCN_MAX_NAME, 1, 0))
    return ctx->status->code;
  return perm_check(ctx, "", 0) ? ctx->status->code : PCN__STATUS_CODE__OK;
}

static int stream_add_apply(wtx *w, wjob *job) {
  Pcn__FundsStreamAdd *r = job->req->funds_stream_add;
  if (funds_stream_exists(w->txn, w->st, r->code))
    return wtx_fail(w, PCN__STATUS_CODE__ALREADY_EXISTS,
                    "There is already a stream '%s'.", r->code);
  MDB_stat ms;
  int rc = mdb_stat(w->txn, w->st->funds_streams, &ms);
  if (rc) return wtx_lmdb(w, rc, "counting the streams");
  if (ms.ms_entries >= FUNDS_STREAMS_MAX)
    return wtx_fail(w, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "The network already has %d streams of its own.",
                    FUNDS_STREAMS_MAX);
  Pcn__FundsStream *s = pcn_arena_alloc(&job->arena, sizeof *s);
  if (!s) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__funds_stream__init(s);
  s->code = r->code;
  s->name = r->name;
  s->pass_through = r->pass_through;
  s->created_at = job->now_ms;
  s->created_by = job->who.username;
  if ((rc = store_put_pb(w->txn, w->st->funds_streams, r->code, strlen(r->code),
                         (const ProtobufCMessage *)s)))
    return wtx_lmdb(w, rc, "saving the stream");
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_FUNDS_STREAM;
  ev.funds_stream = s;
  if ((rc = feed_emit(w, PCN__OP__CREATED, "", &ev))) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_FUNDS_STREAM;
  job->resp.funds_stream = s;
  return PCN__STATUS_CODE__OK;
}

static int stream_list_read(req_ctx *ctx) {
  MDB_txn *txn = ctx_txn(ctx);
  store *st = &ctx->srv->st;
  pcn_arena *a = ctx->arena;
  Pcn__FundsStreamPage *pg = pcn_arena_alloc(a, sizeof *pg);
  Pcn__FundsStream *b = pcn_arena_alloc(a, N_BUILTIN * sizeof *b);
  if (!pg || !b)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__funds_stream_page__init(pg);
  pg->streams =
      pcn_arena_alloc(a, (N_BUILTIN + FUNDS_STREAMS_MAX) * sizeof *pg->streams);
  if (!pg->streams)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  for (size_t i = 0; i < N_BUILTIN; i++) {
    pcn__funds_stream__init(&b[i]);
    b[i].code = (char *)builtin[i].code;
    b[i].name = (char *)builtin[i].name;
    b[i].builtin = 1;
    b[i].pass_through = builtin[i].pass;
    pg->streams[pg->n_streams++] = &b[i];
  }
  MDB_cursor *cur;
  if (mdb_cursor_open(txn, st->funds_streams, &cur) == 0) {
    MDB_val k, v;
    for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
         rc == 0 && pg->n_streams < N_BUILTIN + FUNDS_STREAMS_MAX;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
      Pcn__FundsStream *s =
          pcn__funds_stream__unpack(&a->pb, v.mv_size, v.mv_data);
      if (!s) continue;
      /* A changed built-in stream stands in its default's place. */
      size_t bi = N_BUILTIN;
      for (size_t i = 0; i < N_BUILTIN; i++)
        if (!strcmp(builtin[i].code, s->code)) bi = i;
      if (bi < N_BUILTIN) {
        s->builtin = 1;
        pg->streams[bi] = s;
      } else {
        pg->streams[pg->n_streams++] = s;
      }
    }
    mdb_cursor_close(cur);
  }
  ctx->resp->body_case = PCN__RESPONSE__BODY_FUNDS_STREAMS;
  ctx->resp->funds_streams = pg;
  return PCN__STATUS_CODE__OK;
}

/* Writer: stores s (a built-in one too: it is then read over its
 * default) and tells every member. */
static int stream_put(wtx *w, wjob *job, Pcn__FundsStream *s) {
  s->updated_at = job->now_ms;
  s->updated_by = job->who.username;
  int rc = store_put_pb(w->txn, w->st->funds_streams, s->code, strlen(s->code),
                        (const ProtobufCMessage *)s);
  if (rc) return wtx_lmdb(w, rc, "saving the stream");
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_FUNDS_STREAM;
  ev.funds_stream = s;
  if ((rc = feed_emit(w, PCN__OP__UPDATED, "", &ev))) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_FUNDS_STREAM;
  job->resp.funds_stream = s;
  return PCN__STATUS_CODE__OK;
}

static int stream_missing(req_ctx *ctx, const char *field, const char *code) {
  return ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, field,
                        "%s: there is no funding stream '%.40s'; see pcn "
                        "funds stream list.",
                        field, pcn_check_text(code, 40, 0, 0) ? "?" : code);
}

static int stream_update_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__FundsStreamUpdate *r = ctx->req->funds_stream_update;
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  if (!funds_stream_exists(ctx_txn(ctx), &ctx->srv->st, r->code))
    return stream_missing(ctx, "code", r->code);
  if (r->has_name_case == PCN__FUNDS_STREAM_UPDATE__HAS_NAME_NAME &&
      ctx_check_text(ctx, "name", r->name ? r->name : "", PCN_MAX_NAME, 1, 0))
    return ctx->status->code;
  return PCN__STATUS_CODE__OK;
}

static int stream_update_apply(wtx *w, wjob *job) {
  Pcn__FundsStreamUpdate *r = job->req->funds_stream_update;
  Pcn__FundsStream *s;
  int rc = funds_stream_get(w->txn, w->st, r->code, &job->arena, &s);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND,
                    "There is no funding stream '%s'.", r->code);
  if (rc) return wtx_lmdb(w, rc, "reading the stream");
  if (r->has_name_case == PCN__FUNDS_STREAM_UPDATE__HAS_NAME_NAME)
    s->name = r->name;
  if (r->has_pass_through_case ==
      PCN__FUNDS_STREAM_UPDATE__HAS_PASS_THROUGH_PASS_THROUGH)
    s->pass_through = r->pass_through;
  return stream_put(w, job, s);
}

/* A rule's split: the ones that need no parts. */
static int rule_split_ok(int split) {
  return split == PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE ||
         split == PCN__FUNDS_SPLIT__FUNDS_SPLIT_WEIGHTED ||
         split == PCN__FUNDS_SPLIT__FUNDS_SPLIT_BEDS ||
         split == PCN__FUNDS_SPLIT__FUNDS_SPLIT_EQUAL;
}

static int rule_set_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__FundsRuleSet *r = ctx->req->funds_rule_set;
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  if (!funds_stream_exists(ctx_txn(ctx), &ctx->srv->st, r->stream))
    return stream_missing(ctx, "stream", r->stream);
  if (r->split != PCN__FUNDS_SPLIT__FUNDS_SPLIT_NONE &&
      !rule_split_ok(r->split))
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "split",
                          "split: a rule splits by list size, weighted "
                          "population, care-home beds or equally.");
  if (r->split == PCN__FUNDS_SPLIT__FUNDS_SPLIT_NONE &&
      (r->top_slice_bp || r->top_slice_pence))
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "split",
                          "split: say how the rest after the top slice is "
                          "split (--by list, weighted, beds or equal).");
  if (r->top_slice_bp && r->top_slice_pence)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT,
                          "top_slice_pence",
                          "top_slice_pence: give the top slice as a "
                          "percentage or as an amount, not both.");
  if (r->top_slice_bp >= 10000)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT,
                          "top_slice_bp",
                          "top_slice_bp: the top slice must be less than "
                          "100%%, so that something is left to split.");
  if (r->top_slice_pence < 0 || r->top_slice_pence > PCN_PENCE_MAX)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT,
                          "top_slice_pence",
                          "top_slice_pence: the top slice is 0 or more and "
                          "at most £100,000,000,000.00.");
  return PCN__STATUS_CODE__OK;
}

static int rule_set_apply(wtx *w, wjob *job) {
  Pcn__FundsRuleSet *r = job->req->funds_rule_set;
  Pcn__FundsStream *s;
  int rc = funds_stream_get(w->txn, w->st, r->stream, &job->arena, &s);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND,
                    "There is no funding stream '%s'.", r->stream);
  if (rc) return wtx_lmdb(w, rc, "reading the stream");
  s->rule_split = r->split;
  s->top_slice_bp = r->top_slice_bp;
  s->top_slice_pence = r->top_slice_pence;
  return stream_put(w, job, s);
}

/* ------------------------------------------------------------ balances */

static int balance_get(MDB_txn *txn, store *st, const char *account,
                       int64_t *out) {
  MDB_val k = {strlen(account), (void *)account}, v;
  int rc = mdb_get(txn, st->funds_balances, &k, &v);
  if (rc == MDB_NOTFOUND) {
    *out = 0;
    return 0;
  }
  if (rc) return rc;
  if (v.mv_size != 8) return MDB_CORRUPTED;
  *out = (int64_t)key_get_u64(v.mv_data);
  return 0;
}

static int balance_put(MDB_txn *txn, store *st, const char *account,
                       int64_t value) {
  uint8_t b[8];
  key_u64(b, (uint64_t)value);
  MDB_val k = {strlen(account), (void *)account}, v = {8, b};
  return mdb_put(txn, st->funds_balances, &k, &v, 0);
}

static char *account(pcn_arena *a, const char *kind, const char *ods,
                     const char *stream) {
  char buf[FUNDS_ACCOUNT_MAX + 16];
  if (ods)
    snprintf(buf, sizeof buf, "%s:%s:%s", kind, ods, stream);
  else
    snprintf(buf, sizeof buf, "%s:%s", kind, stream);
  return pcn_arena_strdup(a, buf);
}

/* ------------------------------------------------------------ entries */

typedef struct fmsg {
  const char *field;
  char text[300];
} fmsg;

#define FFAIL(m, code, fld, ...)                                               \
  ((m)->field = (fld), snprintf((m)->text, sizeof(m)->text, __VA_ARGS__),      \
   (code))

static int check_amount(fmsg *m, int64_t pence) {
  if (pence <= 0 || pence > PCN_PENCE_MAX)
    return FFAIL(m, PCN__STATUS_CODE__INVALID_ARGUMENT, "pence",
                 "pence: the amount must be more than 0 and at most "
                 "£100,000,000,000.00.");
  return 0;
}

static int check_stream(fmsg *m, MDB_txn *txn, store *st, const char *s) {
  if (!funds_stream_exists(txn, st, s))
    return FFAIL(m, PCN__STATUS_CODE__INVALID_ARGUMENT, "stream",
                 "stream: there is no funding stream '%.40s'; see pcn funds "
                 "stream list, or add it with pcn funds stream add.",
                 s);
  return 0;
}

static int check_texts(fmsg *m, const char *reference, const char *note) {
  if (pcn_check_text(reference, FUNDS_REF_MAX, 0, 0))
    return FFAIL(m, PCN__STATUS_CODE__INVALID_ARGUMENT, "reference",
                 "reference: at most %d characters on one line.",
                 FUNDS_REF_MAX);
  if (pcn_check_text(note, FUNDS_NOTE_MAX, 0, 1))
    return FFAIL(m, PCN__STATUS_CODE__INVALID_ARGUMENT, "note",
                 "note: at most %d characters.", FUNDS_NOTE_MAX);
  return 0;
}

static int check_day(fmsg *m, const char *field, const char *v) {
  int32_t d;
  if (v[0] && pcn_date_parse(v, &d))
    return FFAIL(m, PCN__STATUS_CODE__INVALID_ARGUMENT, field,
                 "%s: '%.20s' is not a date; write it as YYYY-MM-DD, such "
                 "as 2027-04-01.",
                 field, v);
  return 0;
}

static Pcn__FundsEntry *entry_new(pcn_arena *a, int kind, const char *stream,
                                  int64_t pence, const char *date,
                                  size_t nlines) {
  Pcn__FundsEntry *e = pcn_arena_alloc(a, sizeof *e);
  Pcn__FundsLine *l = pcn_arena_alloc(a, (nlines + 1) * sizeof *l);
  Pcn__FundsLine **lp = pcn_arena_alloc(a, (nlines + 1) * sizeof *lp);
  if (!e || !l || !lp) return NULL;
  pcn__funds_entry__init(e);
  e->kind = kind;
  e->stream = (char *)stream;
  e->pence = pence;
  e->date = (char *)date;
  e->lines = lp;
  for (size_t i = 0; i < nlines; i++) {
    pcn__funds_line__init(&l[i]);
    lp[i] = &l[i];
  }
  return e;
}

static int add_line(Pcn__FundsEntry *e, char *acct, int64_t pence) {
  if (!acct) return -1;
  Pcn__FundsLine *l = e->lines[e->n_lines++];
  l->account = acct;
  l->pence = pence;
  return 0;
}

/* A practice by its ODS code, from the practices in this network. */
typedef struct practice_list {
  size_t n;
  char **ods;
  uint32_t *id;
} practice_list;

static int all_practices(MDB_txn *txn, store *st, pcn_arena *a,
                         practice_list *pl) {
  MDB_stat ms;
  int rc = mdb_stat(txn, st->practices, &ms);
  if (rc) return rc;
  size_t cap = ms.ms_entries + 1;
  pl->ods = pcn_arena_alloc(a, cap * sizeof *pl->ods);
  pl->id = pcn_arena_alloc(a, cap * sizeof *pl->id);
  pl->n = 0;
  if (!pl->ods || !pl->id) return ENOMEM;
  MDB_cursor *cur;
  if ((rc = mdb_cursor_open(txn, st->practices, &cur))) return rc;
  MDB_val k, v;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    Pcn__Practice *p = pcn__practice__unpack(&a->pb, v.mv_size, v.mv_data);
    if (!p) continue;
    pl->ods[pl->n] = p->ods;
    pl->id[pl->n++] = p->id;
  }
  mdb_cursor_close(cur);
  return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Builds a distribution's entry from r against txn: the practices, each
 * part, the lines. 0 or a status code with m filled. */
static int build_distribution(MDB_txn *txn, store *st, pcn_arena *a,
                              const Pcn__FundsDistribute *r, int32_t today,
                              Pcn__FundsEntry **out, fmsg *m) {
  int rc;
  if ((rc = check_stream(m, txn, st, r->stream)) ||
      (rc = check_amount(m, r->pence)) ||
      (rc = check_texts(m, r->reference, r->note)) ||
      (rc = check_day(m, "date", r->date)) ||
      (rc = check_day(m, "figures_date", r->figures_date)))
    return rc;
  /* No split and no parts: the stream's rule (issue 20): its top slice
   * stays in bank:STREAM for the network's own costs, the rest is split
   * by the rule's basis. */
  int split = r->split;
  int64_t amount = r->pence, top = 0;
  if (split == PCN__FUNDS_SPLIT__FUNDS_SPLIT_NONE && !r->n_parts) {
    Pcn__FundsStream *s;
    if (funds_stream_get(txn, st, r->stream, a, &s))
      return FFAIL(m, PCN__STATUS_CODE__INTERNAL, "",
                   "The stream could not be read.");
    if (!rule_split_ok(s->rule_split))
      return FFAIL(m, PCN__STATUS_CODE__FAILED_PRECONDITION, "split",
                   "split: stream '%s' has no split rule; say how to split "
                   "(--by), or set its rule with pcn funds rule set %s.",
                   r->stream, r->stream);
    split = s->rule_split;
    if (s->top_slice_bp) {
      int64_t tw[2] = {s->top_slice_bp, 10000 - (int64_t)s->top_slice_bp},
              tp[2];
      pcn_split(r->pence, tw, 2, tp);
      top = tp[0];
    } else {
      top = s->top_slice_pence;
    }
    if (top >= r->pence) {
      char a1[PCN_PENCE_BUF], a2[PCN_PENCE_BUF];
      return FFAIL(m, PCN__STATUS_CODE__FAILED_PRECONDITION, "pence",
                   "pence: stream '%s' tops %s off for the network's costs, "
                   "which leaves nothing of %s to split; distribute more, or "
                   "change the rule with pcn funds rule set.",
                   r->stream, pcn_pence_format(top, 1, a1),
                   pcn_pence_format(r->pence, 1, a2));
    }
    amount = r->pence - top;
  }
  if (split < PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE ||
      split > PCN__FUNDS_SPLIT__FUNDS_SPLIT_BEDS)
    return FFAIL(m, PCN__STATUS_CODE__INVALID_ARGUMENT, "split",
                 "split: say how to split: list size, weighted population, "
                 "care-home beds, equal, fixed amounts or percentages.");
  int by_parts = split == PCN__FUNDS_SPLIT__FUNDS_SPLIT_FIXED ||
                 split == PCN__FUNDS_SPLIT__FUNDS_SPLIT_PERCENT;
  if (r->n_parts > PCN_SPLIT_MAX)
    return FFAIL(m, PCN__STATUS_CODE__INVALID_ARGUMENT, "parts",
                 "parts: at most %d practices in one distribution.",
                 PCN_SPLIT_MAX);
  if (by_parts && r->n_parts == 0)
    return FFAIL(m, PCN__STATUS_CODE__INVALID_ARGUMENT, "parts",
                 "parts: fixed amounts and percentages need each practice's "
                 "part.");
  const char *date = r->date[0] ? r->date : NULL;
  char *datebuf = pcn_arena_alloc(a, 11);
  if (!datebuf)
    return FFAIL(m, PCN__STATUS_CODE__INTERNAL, "", "Out of memory.");
  if (!date) {
    pcn_date_format(today, datebuf);
    date = datebuf;
  }
  const char *fdate = r->figures_date[0] ? r->figures_date : date;
  int32_t fday;
  pcn_date_parse(fdate, &fday);

  /* The practices: the parts named, or every practice. */
  practice_list pl;
  size_t n;
  if (r->n_parts) {
    n = r->n_parts;
    pl.ods = pcn_arena_alloc(a, n * sizeof *pl.ods);
    pl.id = pcn_arena_alloc(a, n * sizeof *pl.id);
    if (!pl.ods || !pl.id)
      return FFAIL(m, PCN__STATUS_CODE__INTERNAL, "", "Out of memory.");
    for (size_t i = 0; i < n; i++) {
      const char *code = r->parts[i]->practice;
      if (pcn_check_ods(code) || practice_lookup(txn, st, code, &pl.id[i]) != 0)
        return FFAIL(m, PCN__STATUS_CODE__INVALID_ARGUMENT, "parts",
                     "parts: there is no practice '%.20s' in this network.",
                     code);
      for (size_t j = 0; j < i; j++)
        if (pl.id[j] == pl.id[i])
          return FFAIL(m, PCN__STATUS_CODE__INVALID_ARGUMENT, "parts",
                       "parts: practice %s is named twice.", code);
      pl.ods[i] = r->parts[i]->practice;
    }
    pl.n = n;
  } else {
    if ((rc = all_practices(txn, st, a, &pl)))
      return FFAIL(m, PCN__STATUS_CODE__INTERNAL, "",
                   "The practices could not be read.");
    n = pl.n;
    if (!n)
      return FFAIL(m, PCN__STATUS_CODE__FAILED_PRECONDITION, "",
                   "The network has no practices to distribute to.");
  }

  int64_t *w = pcn_arena_alloc(a, n * sizeof *w);
  int64_t *parts = pcn_arena_alloc(a, n * sizeof *parts);
  if (!w || !parts)
    return FFAIL(m, PCN__STATUS_CODE__INTERNAL, "", "Out of memory.");
  int64_t sum = 0;
  switch (split) {
  case PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE:
  case PCN__FUNDS_SPLIT__FUNDS_SPLIT_BEDS:
  case PCN__FUNDS_SPLIT__FUNDS_SPLIT_WEIGHTED: {
    Pcn__PracticeFigures **fig;
    size_t nf;
    if (funds_figures_at(txn, st, fday, a, &fig, &nf))
      return FFAIL(m, PCN__STATUS_CODE__INTERNAL, "",
                   "The figures could not be read.");
    int weighted = split == PCN__FUNDS_SPLIT__FUNDS_SPLIT_WEIGHTED;
    int beds = split == PCN__FUNDS_SPLIT__FUNDS_SPLIT_BEDS;
    for (size_t i = 0; i < n; i++) {
      w[i] = -1;
      for (size_t j = 0; j < nf; j++)
        if (strcmp(fig[j]->practice, pl.ods[i]) == 0)
          w[i] = weighted ? fig[j]->weighted
                 : beds   ? fig[j]->beds
                          : fig[j]->list_size;
      if (w[i] < 0)
        return FFAIL(m, PCN__STATUS_CODE__FAILED_PRECONDITION, "figures_date",
                     "Practice %s has no figures in force on %s; record "
                     "them with pcn funds figures set.",
                     pl.ods[i], fdate);
      /* A list size with no weighted population (one given through
       * practice add or update) is not a weighted population of 0. */
      for (size_t j = 0; weighted && j < nf; j++)
        if (strcmp(fig[j]->practice, pl.ods[i]) == 0 && !fig[j]->weighted &&
            fig[j]->list_size)
          return FFAIL(m, PCN__STATUS_CODE__FAILED_PRECONDITION, "figures_date",
                       "Practice %s has a list size but no weighted "
                       "population in force on %s; record it with pcn funds "
                       "figures --set %s.",
                       pl.ods[i], fdate, pl.ods[i]);
      sum += w[i];
    }
    if (sum == 0)
      return FFAIL(m, PCN__STATUS_CODE__FAILED_PRECONDITION, "figures_date",
                   "Every practice's %s is 0 on %s; nothing to split by%s.",
                   weighted ? "weighted population"
                   : beds   ? "number of care-home beds"
                            : "list size",
                   fdate,
                   beds ? " (record beds with pcn funds figures --set ODS "
                          "--beds N)"
                        : "");
    pcn_split(amount, w, n, parts);
    break;
  }
  case PCN__FUNDS_SPLIT__FUNDS_SPLIT_EQUAL:
    for (size_t i = 0; i < n; i++)
      w[i] = 1;
    pcn_split(amount, w, n, parts);
    break;
  case PCN__FUNDS_SPLIT__FUNDS_SPLIT_FIXED:
    for (size_t i = 0; i < n; i++) {
      if (r->parts[i]->pence < 0 || r->parts[i]->pence > PCN_PENCE_MAX)
        return FFAIL(m, PCN__STATUS_CODE__INVALID_ARGUMENT, "parts",
                     "parts: practice %s's amount must be 0 or more.",
                     pl.ods[i]);
      parts[i] = r->parts[i]->pence;
      sum += parts[i];
    }
    if (sum != r->pence) {
      char a1[PCN_PENCE_BUF], a2[PCN_PENCE_BUF];
      return FFAIL(m, PCN__STATUS_CODE__INVALID_ARGUMENT, "parts",
                   "parts: the fixed amounts add up to %s, not the total "
                   "%s.",
                   pcn_pence_format(sum, 1, a1),
                   pcn_pence_format(r->pence, 1, a2));
    }
    break;
  case PCN__FUNDS_SPLIT__FUNDS_SPLIT_PERCENT:
    for (size_t i = 0; i < n; i++) {
      w[i] = r->parts[i]->basis_points;
      sum += w[i];
    }
    if (sum != 10000)
      return FFAIL(m, PCN__STATUS_CODE__INVALID_ARGUMENT, "parts",
                   "parts: the percentages add up to %lld.%02lld%%, not "
                   "100%%.",
                   (long long)(sum / 100), (long long)(sum % 100));
    pcn_split(r->pence, w, n, parts);
    break;
  default: break;
  }

  Pcn__FundsEntry *e = entry_new(a, PCN__FUNDS_KIND__FUNDS_DISTRIBUTION,
                                 r->stream, r->pence, date, n + 1);
  if (!e) return FFAIL(m, PCN__STATUS_CODE__INTERNAL, "", "Out of memory.");
  e->reference = r->reference;
  e->note = r->note;
  e->split = split;
  e->top_slice = top;
  e->figures_date = (char *)fdate;
  if (add_line(e, account(a, "bank", NULL, r->stream), -amount))
    return FFAIL(m, PCN__STATUS_CODE__INTERNAL, "", "Out of memory.");
  for (size_t i = 0; i < n; i++)
    if (add_line(e, account(a, "practice", pl.ods[i], r->stream), parts[i]))
      return FFAIL(m, PCN__STATUS_CODE__INTERNAL, "", "Out of memory.");
  *out = e;
  return 0;
}

static int build_simple(MDB_txn *txn, store *st, pcn_arena *a, int kind,
                        const char *stream, int64_t pence, const char *date,
                        const char *reference, const char *note,
                        const char *payee, int32_t today, Pcn__FundsEntry **out,
                        fmsg *m) {
  int rc;
  if ((rc = check_stream(m, txn, st, stream)) ||
      (rc = check_amount(m, pence)) || (rc = check_texts(m, reference, note)) ||
      (rc = check_day(m, "date", date)))
    return rc;
  if (kind == PCN__FUNDS_KIND__FUNDS_EXPENSE &&
      pcn_check_text(payee, PCN_MAX_NAME, 1, 0))
    return FFAIL(m, PCN__STATUS_CODE__INVALID_ARGUMENT, "payee",
                 "payee: say who was paid, in at most %d characters.",
                 PCN_MAX_NAME);
  if (!date[0]) {
    char *d = pcn_arena_alloc(a, 11);
    if (!d) return FFAIL(m, PCN__STATUS_CODE__INTERNAL, "", "Out of memory.");
    pcn_date_format(today, d);
    date = d;
  }
  Pcn__FundsEntry *e = entry_new(a, kind, stream, pence, date, 2);
  if (!e) return FFAIL(m, PCN__STATUS_CODE__INTERNAL, "", "Out of memory.");
  e->reference = (char *)reference;
  e->note = (char *)note;
  int receipt = kind == PCN__FUNDS_KIND__FUNDS_RECEIPT;
  if (receipt)
    e->payee = "";
  else
    e->payee = (char *)payee;
  if (add_line(e, account(a, "bank", NULL, stream), receipt ? pence : -pence) ||
      add_line(e, account(a, receipt ? "income" : "expense", NULL, stream),
               receipt ? -pence : pence))
    return FFAIL(m, PCN__STATUS_CODE__INTERNAL, "", "Out of memory.");
  *out = e;
  return 0;
}

static int entry_load(MDB_txn *txn, store *st, uint64_t id, pcn_arena *a,
                      Pcn__FundsEntry **e) {
  uint8_t key[9] = {'E'};
  key_u64(key + 1, id);
  return store_get_pb(txn, st->funds_entries, key, 9,
                      &pcn__funds_entry__descriptor, a, (void **)e);
}

static int reversed_by(MDB_txn *txn, store *st, uint64_t id, uint64_t *by) {
  uint8_t key[9] = {'R'};
  key_u64(key + 1, id);
  MDB_val k = {9, key}, v;
  int rc = mdb_get(txn, st->funds_entries, &k, &v);
  if (rc) return rc;
  *by = v.mv_size == 8 ? key_get_u64(v.mv_data) : 0;
  return 0;
}

static int build_reversal(MDB_txn *txn, store *st, pcn_arena *a,
                          const Pcn__FundsReverse *r, int32_t today,
                          Pcn__FundsEntry **out, fmsg *m) {
  int rc;
  if ((rc = check_texts(m, "", r->note)) ||
      (rc = check_day(m, "date", r->date)))
    return rc;
  Pcn__FundsEntry *o;
  rc = entry_load(txn, st, r->entry, a, &o);
  if (rc == MDB_NOTFOUND || !r->entry)
    return FFAIL(m, PCN__STATUS_CODE__NOT_FOUND, "entry",
                 "entry: there is no ledger entry %llu.",
                 (unsigned long long)r->entry);
  if (rc)
    return FFAIL(m, PCN__STATUS_CODE__INTERNAL, "",
                 "The ledger could not be read.");
  if (o->kind == PCN__FUNDS_KIND__FUNDS_REVERSAL)
    return FFAIL(m, PCN__STATUS_CODE__FAILED_PRECONDITION, "entry",
                 "Entry %llu is itself a reversal (of entry %llu); post the "
                 "original again instead.",
                 (unsigned long long)o->id, (unsigned long long)o->reverses);
  uint64_t by;
  if (reversed_by(txn, st, o->id, &by) == 0)
    return FFAIL(m, PCN__STATUS_CODE__FAILED_PRECONDITION, "entry",
                 "Entry %llu was already reversed by entry %llu; an entry is "
                 "reversed once.",
                 (unsigned long long)o->id, (unsigned long long)by);
  const char *date = r->date;
  if (!date[0]) {
    char *d = pcn_arena_alloc(a, 11);
    if (!d) return FFAIL(m, PCN__STATUS_CODE__INTERNAL, "", "Out of memory.");
    pcn_date_format(today, d);
    date = d;
  }
  Pcn__FundsEntry *e = entry_new(a, PCN__FUNDS_KIND__FUNDS_REVERSAL, o->stream,
                                 o->pence, date, o->n_lines);
  if (!e) return FFAIL(m, PCN__STATUS_CODE__INTERNAL, "", "Out of memory.");
  e->reverses = o->id;
  e->note = r->note;
  e->reference = o->reference;
  e->payee = o->payee;
  for (size_t i = 0; i < o->n_lines; i++)
    add_line(e, o->lines[i]->account, -o->lines[i]->pence);
  *out = e;
  return 0;
}

/* Posts e: checks no bank account goes below zero, updates every
 * balance, stores the entry (and the reversal mark), emits its event. */
/* ------------------------------------------------------------ month sums */

/* funds_months: "YYYY-MM" | account -> int64 pence (8 bytes, as balances):
 * the sum of the account's lines in the entries dated in that month, kept
 * in each entry's own transaction. A statement reads these (months x
 * accounts) instead of every entry of the ledger. */
static int month_add(MDB_txn *txn, store *st, const char *date,
                     const char *account, int64_t pence) {
  uint8_t key[7 + FUNDS_ACCOUNT_MAX * 2];
  size_t al = strlen(account);
  if (strlen(date) < 7 || al > sizeof key - 7) return MDB_BAD_VALSIZE;
  memcpy(key, date, 7);
  memcpy(key + 7, account, al);
  MDB_val k = {7 + al, key}, v;
  int64_t sum = 0;
  int rc = mdb_get(txn, st->funds_months, &k, &v);
  if (rc == 0 && v.mv_size != 8) return MDB_CORRUPTED;
  if (rc == 0) sum = (int64_t)key_get_u64(v.mv_data);
  if (rc && rc != MDB_NOTFOUND) return rc;
  uint8_t b[8];
  key_u64(b, (uint64_t)(sum + pence));
  MDB_val nv = {8, b};
  return mdb_put(txn, st->funds_months, &k, &nv, 0);
}

int funds_months_rebuild(store *st, MDB_txn *txn) {
  int rc = mdb_drop(txn, st->funds_months, 0);
  MDB_cursor *cur = NULL;
  if (!rc) rc = mdb_cursor_open(txn, st->funds_entries, &cur);
  if (rc) return rc;
  pcn_arena a;
  pcn_arena_init(&a, 1u << 16);
  MDB_val k, v;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    if (k.mv_size != 9 || ((uint8_t *)k.mv_data)[0] != 'E') break;
    pcn_arena_reset(&a);
    Pcn__FundsEntry *e = pcn__funds_entry__unpack(&a.pb, v.mv_size, v.mv_data);
    if (!e) {
      rc = MDB_CORRUPTED;
      break;
    }
    for (size_t i = 0; i < e->n_lines && !rc; i++)
      rc =
          month_add(txn, st, e->date, e->lines[i]->account, e->lines[i]->pence);
    if (rc) break;
  }
  mdb_cursor_close(cur);
  pcn_arena_free(&a);
  return rc == MDB_NOTFOUND ? 0 : rc;
}

static int post(wtx *w, wjob *job, Pcn__FundsEntry *e) {
  int rc;
  for (size_t i = 0; i < e->n_lines; i++) {
    int64_t b;
    const char *acct = e->lines[i]->account;
    if ((rc = balance_get(w->txn, w->st, acct, &b)))
      return wtx_lmdb(w, rc, "reading a balance");
    int64_t nb = b + e->lines[i]->pence;
    if (strncmp(acct, "bank:", 5) == 0 && nb < 0) {
      char held[PCN_PENCE_BUF], need[PCN_PENCE_BUF];
      return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                      "The network holds only %s of stream '%s'; this needs "
                      "%s. Record the receipt first.",
                      pcn_pence_format(b, 1, held), acct + 5,
                      pcn_pence_format(-e->lines[i]->pence, 1, need));
    }
    if ((rc = balance_put(w->txn, w->st, acct, nb)))
      return wtx_lmdb(w, rc, "saving a balance");
    if ((rc = month_add(w->txn, w->st, e->date, acct, e->lines[i]->pence)))
      return wtx_lmdb(w, rc, "saving a month's sum");
  }
  uint64_t id;
  if ((rc = store_next_id(w->txn, w->st, META_NEXT_ENTRY, &id)))
    return wtx_lmdb(w, rc, "numbering the entry");
  e->id = id;
  e->created_at = job->now_ms;
  e->created_by = job->who.username;
  uint8_t key[9] = {'E'};
  key_u64(key + 1, id);
  if ((rc = store_put_pb(w->txn, w->st->funds_entries, key, 9,
                         (const ProtobufCMessage *)e)))
    return wtx_lmdb(w, rc, "saving the entry");
  if (e->reverses) {
    uint8_t rk[9] = {'R'}, rv[8];
    key_u64(rk + 1, e->reverses);
    key_u64(rv, id);
    MDB_val k = {9, rk}, v = {8, rv};
    if ((rc = mdb_put(w->txn, w->st->funds_entries, &k, &v, MDB_NOOVERWRITE)))
      return rc == MDB_KEYEXIST
                 ? wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                            "Entry %llu was already reversed.",
                            (unsigned long long)e->reverses)
                 : wtx_lmdb(w, rc, "marking the reversal");
  }
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_FUNDS_ENTRY;
  ev.funds_entry = e;
  if ((rc = feed_emit(w, PCN__OP__CREATED, "", &ev))) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_FUNDS_ENTRY;
  job->resp.funds_entry = e;
  return PCN__STATUS_CODE__OK;
}

int funds_post_claim(wtx *w, wjob *job, const Pcn__FundsClaim *c,
                     const char *stream, const char *date,
                     Pcn__FundsEntry **out) {
  pcn_arena *a = &job->arena;
  fmsg m = {0};
  int rc;
  if ((rc = check_stream(&m, w->txn, w->st, stream)) ||
      (rc = check_amount(&m, c->pence)) || (rc = check_day(&m, "date", date)))
    return wtx_fail(w, rc, "%s", m.text);
  if (!date[0]) {
    char *d = pcn_arena_alloc(a, 11);
    if (!d) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
    pcn_date_format(pcn_london_day_of_ms(job->now_ms), d);
    date = d;
  }
  Pcn__FundsEntry *e =
      entry_new(a, PCN__FUNDS_KIND__FUNDS_CLAIM, stream, c->pence, date, 2);
  char ref[64];
  snprintf(ref, sizeof ref, "backfill claim %llu", (unsigned long long)c->id);
  char *note = e ? pcn_arena_alloc(a, PCN_MAX_TITLE + 200) : NULL;
  if (!e || !note || add_line(e, account(a, "bank", NULL, stream), -c->pence) ||
      add_line(e, account(a, "claim", c->practice, stream), c->pence) ||
      !(e->reference = pcn_arena_strdup(a, ref)))
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  snprintf(note, PCN_MAX_TITLE + 200, "%s (%s), %u min at meeting %llu: %s",
           c->username, c->role, c->minutes, (unsigned long long)c->meeting_id,
           c->meeting_title);
  e->note = note;
  e->payee = c->practice;
  e->claim = c->id;
  if ((rc = post(w, job, e)) != PCN__STATUS_CODE__OK) return rc;
  *out = e;
  return PCN__STATUS_CODE__OK;
}

static int prep_fail(req_ctx *ctx, int code, fmsg *m) {
  if (m->field && m->field[0])
    return ctx_fail_field(ctx, code, m->field, "%s", m->text);
  return ctx_fail(ctx, code, "%s", m->text);
}

static int apply_fail(wtx *w, int code, fmsg *m) {
  return wtx_fail(w, code, "%s", m->text);
}

static int32_t ctx_today(req_ctx *ctx) {
  return pcn_london_day_of_ms(srv_now_ms(ctx->srv));
}

static int receive_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__FundsReceive *r = ctx->req->funds_receive;
  Pcn__FundsEntry *e;
  fmsg m = {0};
  int rc =
      build_simple(ctx_txn(ctx), &ctx->srv->st, ctx->arena,
                   PCN__FUNDS_KIND__FUNDS_RECEIPT, r->stream, r->pence, r->date,
                   r->reference, r->note, "", ctx_today(ctx), &e, &m);
  if (rc) return prep_fail(ctx, rc, &m);
  return perm_check(ctx, "", 0) ? ctx->status->code : PCN__STATUS_CODE__OK;
}

static int receive_apply(wtx *w, wjob *job) {
  Pcn__FundsReceive *r = job->req->funds_receive;
  Pcn__FundsEntry *e;
  fmsg m = {0};
  int rc =
      build_simple(w->txn, w->st, &job->arena, PCN__FUNDS_KIND__FUNDS_RECEIPT,
                   r->stream, r->pence, r->date, r->reference, r->note, "",
                   pcn_london_day_of_ms(job->now_ms), &e, &m);
  return rc ? apply_fail(w, rc, &m) : post(w, job, e);
}

/* An expense whose reference is already on an expense not reversed
 * (issue 20: INV-7781 paid twice without a word): ALREADY_EXISTS naming
 * the earlier entry, unless the request says duplicate_ok. References
 * compare without regard to case; an expense with no reference is never
 * a duplicate. Scans the ledger newest first (FUNDS_SCAN_MAX entries). */
static int expense_duplicate(MDB_txn *txn, store *st,
                             const Pcn__FundsExpense *r, fmsg *m) {
  if (r->duplicate_ok || !r->reference[0]) return 0;
  MDB_cursor *cur;
  if (mdb_cursor_open(txn, st->funds_entries, &cur))
    return FFAIL(m, PCN__STATUS_CODE__INTERNAL, "",
                 "The ledger could not be read.");
  uint8_t last[9] = {'E', 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  MDB_val k = {9, last}, v;
  int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
  rc = rc == 0 ? mdb_cursor_get(cur, &k, &v, MDB_PREV)
               : mdb_cursor_get(cur, &k, &v, MDB_LAST);
  int out = 0;
  pcn_arena a;
  pcn_arena_init(&a, 1u << 16);
  for (size_t scanned = 0; rc == 0 && scanned < FUNDS_SCAN_MAX && !out;
       scanned++, rc = mdb_cursor_get(cur, &k, &v, MDB_PREV)) {
    if (k.mv_size != 9 || ((uint8_t *)k.mv_data)[0] != 'E') {
      if (((uint8_t *)k.mv_data)[0] < 'E') break;
      continue;
    }
    pcn_arena_reset(&a);
    Pcn__FundsEntry *e = pcn__funds_entry__unpack(&a.pb, v.mv_size, v.mv_data);
    uint64_t by;
    if (e && e->kind == PCN__FUNDS_KIND__FUNDS_EXPENSE &&
        !strcasecmp(e->reference, r->reference) &&
        reversed_by(txn, st, e->id, &by) == MDB_NOTFOUND) {
      char amt[PCN_PENCE_BUF];
      out = FFAIL(m, PCN__STATUS_CODE__ALREADY_EXISTS, "reference",
                  "reference: %.60s is already on expense entry %llu of %s "
                  "(%s to %.60s); if this is a second payment, post it "
                  "again with --duplicate-ok.",
                  e->reference, (unsigned long long)e->id, e->date,
                  pcn_pence_format(e->pence, 1, amt), e->payee);
    }
  }
  mdb_cursor_close(cur);
  pcn_arena_free(&a);
  return out;
}

static int expense_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__FundsExpense *r = ctx->req->funds_expense;
  Pcn__FundsEntry *e;
  fmsg m = {0};
  int rc =
      build_simple(ctx_txn(ctx), &ctx->srv->st, ctx->arena,
                   PCN__FUNDS_KIND__FUNDS_EXPENSE, r->stream, r->pence, r->date,
                   r->reference, r->note, r->payee, ctx_today(ctx), &e, &m);
  if (!rc) rc = expense_duplicate(ctx_txn(ctx), &ctx->srv->st, r, &m);
  if (rc) return prep_fail(ctx, rc, &m);
  return perm_check(ctx, "", 0) ? ctx->status->code : PCN__STATUS_CODE__OK;
}

static int expense_apply(wtx *w, wjob *job) {
  Pcn__FundsExpense *r = job->req->funds_expense;
  Pcn__FundsEntry *e;
  fmsg m = {0};
  int rc =
      build_simple(w->txn, w->st, &job->arena, PCN__FUNDS_KIND__FUNDS_EXPENSE,
                   r->stream, r->pence, r->date, r->reference, r->note,
                   r->payee, pcn_london_day_of_ms(job->now_ms), &e, &m);
  if (!rc) rc = expense_duplicate(w->txn, w->st, r, &m);
  return rc ? apply_fail(w, rc, &m) : post(w, job, e);
}

static int distribute_prepare(req_ctx *ctx, wjob *job) {
  Pcn__FundsDistribute *r = ctx->req->funds_distribute;
  Pcn__FundsEntry *e;
  fmsg m = {0};
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  int rc = build_distribution(ctx_txn(ctx), &ctx->srv->st, ctx->arena, r,
                              ctx_today(ctx), &e, &m);
  if (rc) return prep_fail(ctx, rc, &m);
  if (r->preview) {
    e->preview = 1;
    job->resp.body_case = PCN__RESPONSE__BODY_FUNDS_ENTRY;
    job->resp.funds_entry = e;
    return PREPARE_ANSWERED;
  }
  return PCN__STATUS_CODE__OK;
}

static int distribute_apply(wtx *w, wjob *job) {
  Pcn__FundsEntry *e;
  fmsg m = {0};
  int rc =
      build_distribution(w->txn, w->st, &job->arena, job->req->funds_distribute,
                         pcn_london_day_of_ms(job->now_ms), &e, &m);
  return rc ? apply_fail(w, rc, &m) : post(w, job, e);
}

static int reverse_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__FundsEntry *e;
  fmsg m = {0};
  if (perm_check(ctx, "", 0)) return ctx->status->code;
  int rc = build_reversal(ctx_txn(ctx), &ctx->srv->st, ctx->arena,
                          ctx->req->funds_reverse, ctx_today(ctx), &e, &m);
  return rc ? prep_fail(ctx, rc, &m) : PCN__STATUS_CODE__OK;
}

static int reverse_apply(wtx *w, wjob *job) {
  Pcn__FundsEntry *e;
  fmsg m = {0};
  int rc = build_reversal(w->txn, w->st, &job->arena, job->req->funds_reverse,
                          pcn_london_day_of_ms(job->now_ms), &e, &m);
  return rc ? apply_fail(w, rc, &m) : post(w, job, e);
}

/* ------------------------------------------------------------ reads */

/* Whether e pays (or takes back from) practice ods: a distribution's
 * practice line or a claim's. */
static int touches_practice(const Pcn__FundsEntry *e, const char *ods) {
  size_t n = strlen(ods);
  for (size_t i = 0; i < e->n_lines; i++) {
    const char *a = e->lines[i]->account;
    size_t k = strncmp(a, "practice:", 9) == 0 ? 9
               : strncmp(a, "claim:", 6) == 0  ? 6
                                               : 0;
    if (k && strncmp(a + k, ods, n) == 0 && a[k + n] == ':') return 1;
  }
  return 0;
}

static int ledger_read(req_ctx *ctx) {
  Pcn__FundsLedger *r = ctx->req->funds_ledger;
  MDB_txn *txn = ctx_txn(ctx);
  store *st = &ctx->srv->st;
  char *ods = ctx_ods(ctx, "practice", r->practice, 1);
  if (!ods) return ctx->status->code;
  if (r->stream[0] && !funds_stream_exists(txn, st, r->stream))
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "stream",
                          "stream: there is no funding stream '%.40s'.",
                          r->stream);
  int32_t d;
  char probe[16];
  snprintf(probe, sizeof probe, "%.7s-01", r->month);
  if (r->month[0] && (strlen(r->month) != 7 || pcn_date_parse(probe, &d)))
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "month",
                          "month: write it as YYYY-MM, such as 2027-04.");
  uint32_t limit = r->limit ? r->limit : FUNDS_LEDGER_DEFAULT;
  if (limit > FUNDS_LEDGER_MAX) limit = FUNDS_LEDGER_MAX;
  Pcn__FundsLedgerPage *pg = pcn_arena_alloc(ctx->arena, sizeof *pg);
  if (pg) {
    pcn__funds_ledger_page__init(pg);
    pg->entries = pcn_arena_alloc(ctx->arena, limit * sizeof *pg->entries);
  }
  if (!pg || !pg->entries)
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  MDB_cursor *cur;
  if (mdb_cursor_open(txn, st->funds_entries, &cur))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The ledger could not be read.");
  uint8_t key[9] = {'E'};
  key_u64(key + 1, r->before ? r->before : UINT64_MAX);
  MDB_val k = {9, key}, v;
  int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
  if (rc == MDB_NOTFOUND)
    rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
  else if (rc == 0)
    rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
  /* Now at the first key below 'E'|before (or the last key). */
  uint32_t scanned = 0;
  for (; rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_PREV)) {
    if (k.mv_size != 9 || ((uint8_t *)k.mv_data)[0] != 'E') {
      if (((uint8_t *)k.mv_data)[0] < 'E') break;
      continue; /* 'R' keys sort after 'E' */
    }
    uint64_t id = key_get_u64((uint8_t *)k.mv_data + 1);
    if (r->before && id >= r->before) continue;
    if (pg->n_entries == limit || ++scanned > FUNDS_SCAN_MAX) {
      pg->next_before =
          pg->n_entries ? pg->entries[pg->n_entries - 1]->id : id + 1;
      break;
    }
    Pcn__FundsEntry *e =
        pcn__funds_entry__unpack(&ctx->arena->pb, v.mv_size, v.mv_data);
    if (!e) continue;
    if (r->stream[0] && strcmp(e->stream, r->stream) != 0) continue;
    if (r->month[0] && strncmp(e->date, r->month, 7) != 0) continue;
    if (ods[0] && !touches_practice(e, ods)) continue;
    pg->entries[pg->n_entries++] = e;
  }
  mdb_cursor_close(cur);
  ctx->resp->body_case = PCN__RESPONSE__BODY_FUNDS_LEDGER_PAGE;
  ctx->resp->funds_ledger_page = pg;
  return PCN__STATUS_CODE__OK;
}

static int balances_read(req_ctx *ctx) {
  Pcn__FundsBalances *r = ctx->req->funds_balances;
  MDB_txn *txn = ctx_txn(ctx);
  store *st = &ctx->srv->st;
  pcn_arena *a = ctx->arena;
  char *ods = ctx_ods(ctx, "practice", r->practice, 1);
  if (!ods) return ctx->status->code;
  MDB_stat ms;
  MDB_cursor *cur;
  Pcn__FundsBalancePage *pg = pcn_arena_alloc(a, sizeof *pg);
  if (!pg || mdb_stat(txn, st->funds_balances, &ms) ||
      mdb_cursor_open(txn, st->funds_balances, &cur))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The balances could not be read.");
  pcn__funds_balance_page__init(pg);
  pg->balances = pcn_arena_alloc(a, (ms.ms_entries + 1) * sizeof *pg->balances);
  Pcn__FundsBalance *b = pcn_arena_alloc(a, (ms.ms_entries + 1) * sizeof *b);
  if (!pg->balances || !b) {
    mdb_cursor_close(cur);
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  }
  MDB_val k, v;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    if (v.mv_size != 8 || k.mv_size > FUNDS_ACCOUNT_MAX * 2) continue;
    char *acct = pcn_arena_alloc(a, k.mv_size + 1);
    if (!acct) break;
    memcpy(acct, k.mv_data, k.mv_size);
    acct[k.mv_size] = 0;
    int64_t p = (int64_t)key_get_u64(v.mv_data);
    char *c1 = strchr(acct, ':');
    if (!c1) continue;
    size_t kl = (size_t)(c1 - acct);
    if (kl == 4 && !strncmp(acct, "bank", 4))
      pg->held += p;
    else if (kl == 6 && !strncmp(acct, "income", 6))
      pg->received -= p;
    else if (kl == 8 && !strncmp(acct, "practice", 8))
      pg->distributed += p;
    else if (kl == 7 && !strncmp(acct, "expense", 7))
      pg->spent += p;
    else if (kl == 5 && !strncmp(acct, "claim", 5))
      pg->claimed += p;
    Pcn__FundsBalance *x = &b[pg->n_balances];
    pcn__funds_balance__init(x);
    x->account = acct;
    x->pence = p;
    if ((kl == 8 && !strncmp(acct, "practice", 8)) ||
        (kl == 5 && !strncmp(acct, "claim", 5))) {
      char *c2 = strchr(c1 + 1, ':');
      if (!c2) continue;
      x->practice = pcn_arena_alloc(a, (size_t)(c2 - c1));
      if (!x->practice) break;
      memcpy(x->practice, c1 + 1, (size_t)(c2 - c1 - 1));
      x->practice[c2 - c1 - 1] = 0;
      x->stream = c2 + 1;
    } else {
      x->stream = c1 + 1;
    }
    if (ods[0] && strcmp(x->practice, ods) != 0) continue;
    pg->balances[pg->n_balances++] = x;
  }
  mdb_cursor_close(cur);
  ctx->resp->body_case = PCN__RESPONSE__BODY_FUNDS_BALANCE_PAGE;
  ctx->resp->funds_balance_page = pg;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ statement */

#define STATEMENT_ROWS_MAX 4000

typedef struct srow {
  char practice[16], stream[FUNDS_CODE_MAX + 1];
  int64_t received, distributed, claimed, spent, balance, expected;
  int64_t held_before;
} srow;

typedef struct stable {
  srow *r;
  size_t n;
} stable;

static srow *srow_get(stable *t, const char *practice, size_t plen,
                      const char *stream) {
  if (plen >= sizeof t->r[0].practice) plen = sizeof t->r[0].practice - 1;
  for (size_t i = 0; i < t->n; i++)
    if (strlen(t->r[i].practice) == plen &&
        !strncmp(t->r[i].practice, practice, plen) &&
        !strcmp(t->r[i].stream, stream))
      return &t->r[i];
  if (t->n == STATEMENT_ROWS_MAX) return NULL;
  srow *x = &t->r[t->n++];
  memset(x, 0, sizeof *x);
  memcpy(x->practice, practice, plen);
  snprintf(x->stream, sizeof x->stream, "%s", stream);
  return x;
}

static int cmp_srow(const void *a, const void *b) {
  const srow *x = a, *y = b;
  int nx = !x->practice[0], ny = !y->practice[0]; /* the network's last */
  if (nx != ny) return nx - ny;
  int c = strcmp(x->practice, y->practice);
  return c ? c : strcmp(x->stream, y->stream);
}

/* The funding plan's part of a statement: the network's expected income
 * per stream (a row for a stream that has only that), and the nominated
 * payee from the settings. 0 or an LMDB error. */
static int statement_plan(MDB_txn *txn, store *st, pcn_arena *a, stable *t,
                          Pcn__FundsStatementPage *pg) {
  char **es;
  int64_t *ep;
  size_t en;
  int rc = funds_expected_streams(txn, st, pg->month, a, &es, &ep, &en);
  pg->rates_set = !rc && en > 0;
  for (size_t i = 0; !rc && i < en; i++) {
    srow *x = srow_get(t, "", 0, es[i]);
    if (x) x->expected = ep[i];
    pg->expected += ep[i];
  }
  Pcn__NetworkSettings *set;
  if (!rc) rc = settings_load(txn, st, a, &set);
  if (!rc && set->payee[0]) {
    Pcn__Practice *p;
    pg->payee = set->payee;
    if (practice_load(txn, st, set->payee, a, &p) == 0)
      pg->payee_name = p->name;
  }
  return rc;
}

static int statement_read(req_ctx *ctx) {
  Pcn__FundsStatement *r = ctx->req->funds_statement;
  MDB_txn *txn = ctx_txn(ctx);
  store *st = &ctx->srv->st;
  char *ods = ctx_ods(ctx, "practice", r->practice, 1);
  if (!ods) return ctx->status->code;
  int32_t d;
  char probe[16];
  snprintf(probe, sizeof probe, "%.7s-01", r->month);
  if (strlen(r->month) != 7 || pcn_date_parse(probe, &d))
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "month",
                          "month: write it as YYYY-MM, such as 2027-04.");
  stable t = {calloc(STATEMENT_ROWS_MAX, sizeof(srow)), 0};
  Pcn__FundsStatementPage *pg = pcn_arena_alloc(ctx->arena, sizeof *pg);
  MDB_cursor *cur = NULL;
  int rc = !t.r || !pg ? ENOMEM : mdb_cursor_open(txn, st->funds_months, &cur);
  if (rc) {
    free(t.r);
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The ledger could not be read.");
  }
  pcn__funds_statement_page__init(pg);
  pg->month = r->month;
  /* The month sums up to the month's own, in key order: every month
   * before it (balances carried) and the month itself. */
  MDB_val k, v;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    if (k.mv_size <= 7 || v.mv_size != 8) continue;
    int when = memcmp(k.mv_data, r->month, 7); /* <0 before, 0 in */
    if (when > 0) break;
    char a[FUNDS_ACCOUNT_MAX * 2 + 1];
    size_t al = k.mv_size - 7 < sizeof a - 1 ? k.mv_size - 7 : sizeof a - 1;
    memcpy(a, (const char *)k.mv_data + 7, al);
    a[al] = 0;
    int64_t p = (int64_t)key_get_u64(v.mv_data);
    srow *x;
    if (!strncmp(a, "bank:", 5)) {
      if ((x = srow_get(&t, "", 0, a + 5))) {
        x->balance += p;
        if (when < 0) x->held_before += p;
      }
      pg->held += p;
      if (when < 0) pg->held_before += p;
    } else if (!strncmp(a, "income:", 7)) {
      if (when == 0 && (x = srow_get(&t, "", 0, a + 7))) x->received -= p;
      if (when == 0) pg->received -= p;
    } else if (!strncmp(a, "expense:", 8)) {
      if (when == 0 && (x = srow_get(&t, "", 0, a + 8))) x->spent += p;
      if (when == 0) pg->spent += p;
    } else if (!strncmp(a, "practice:", 9) || !strncmp(a, "claim:", 6)) {
      /* Paid to a practice: distributed, or claimed (backfill); its
       * balance carried is both, to date. */
      int claim = a[0] == 'c';
      const char *o = a + (claim ? 6 : 9), *c = strchr(o, ':');
      if (!c) continue;
      if ((!ods[0] ||
           ((size_t)(c - o) == strlen(ods) && !strncmp(o, ods, strlen(ods)))) &&
          (x = srow_get(&t, o, (size_t)(c - o), c + 1))) {
        x->balance += p;
        if (when == 0 && claim) x->claimed += p;
        if (when == 0 && !claim) x->distributed += p;
      }
      if (when == 0 && (x = srow_get(&t, "", 0, c + 1))) {
        if (claim)
          x->claimed += p;
        else
          x->distributed += p;
      }
      if (when == 0 && claim) pg->claimed += p;
      if (when == 0 && !claim) pg->distributed += p;
    }
  }
  mdb_cursor_close(cur);
  if (statement_plan(txn, st, ctx->arena, &t, pg)) {
    free(t.r);
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The funding plan or the settings could not be read.");
  }
  qsort(t.r, t.n, sizeof *t.r, cmp_srow);
  pg->rows = pcn_arena_alloc(ctx->arena, (t.n + 1) * sizeof *pg->rows);
  Pcn__FundsStatementRow *rows =
      pcn_arena_alloc(ctx->arena, (t.n + 1) * sizeof *rows);
  if (!pg->rows || !rows) {
    free(t.r);
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  }
  for (size_t i = 0; i < t.n; i++) {
    srow *x = &t.r[i];
    if (!x->received && !x->distributed && !x->claimed && !x->spent &&
        !x->balance && !x->expected)
      continue;
    Pcn__FundsStatementRow *o = &rows[pg->n_rows];
    pcn__funds_statement_row__init(o);
    o->practice = pcn_arena_strdup(ctx->arena, x->practice);
    o->stream = pcn_arena_strdup(ctx->arena, x->stream);
    o->received = x->received;
    o->distributed = x->distributed;
    o->claimed = x->claimed;
    o->spent = x->spent;
    o->balance = x->balance;
    o->expected = x->expected;
    o->held_before = x->held_before;
    pg->rows[pg->n_rows++] = o;
  }
  free(t.r);
  ctx->resp->body_case = PCN__RESPONSE__BODY_FUNDS_STATEMENT_PAGE;
  ctx->resp->funds_statement_page = pg;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ verify */

typedef struct vline {
  char *account;
  int64_t pence;
} vline;

static int cmp_vline(const void *a, const void *b) {
  return strcmp(((const vline *)a)->account, ((const vline *)b)->account);
}

/* Folds lines l[0..n) per key and walks the stored sums of dbi beside
 * them: every key with lines must have its sum stored, and every stored
 * sum must equal its lines'. what names a key in the message ("account",
 * "month and account"). Frees the keys. 0, or -1 with err set. */
static const char *shown_key(const char *key, int month, char *buf, size_t n) {
  if (!month || strlen(key) < 7) return key;
  snprintf(buf, n, "%.7s %s", key, key + 7);
  return buf;
}

static int compare_sums(MDB_txn *txn, MDB_dbi dbi, vline *l, size_t n,
                        const char *what, char *err, size_t errlen) {
  int month = strncmp(what, "month", 5) == 0; /* keys "YYYY-MM" | account */
  char shown[FUNDS_ACCOUNT_MAX * 2 + 32];
  if (n) qsort(l, n, sizeof *l, cmp_vline);
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (m && strcmp(l[m - 1].account, l[i].account) == 0) {
      l[m - 1].pence += l[i].pence;
      free(l[i].account);
    } else {
      l[m++] = l[i];
    }
  }
  int out = 0;
  size_t j = 0;
  MDB_cursor *cur = NULL;
  MDB_val k, v;
  int rc = mdb_cursor_open(txn, dbi, &cur);
  for (rc = rc ? rc : mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && !out;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    char key[FUNDS_ACCOUNT_MAX * 2 + 16];
    size_t kl = k.mv_size < sizeof key - 1 ? k.mv_size : sizeof key - 1;
    memcpy(key, k.mv_data, kl);
    key[kl] = 0;
    int64_t stored = v.mv_size == 8 ? (int64_t)key_get_u64(v.mv_data) : 0;
    for (; j < m && strcmp(l[j].account, key) < 0 && !out; j++)
      if (l[j].pence) {
        snprintf(err, errlen,
                 "The %s %s has no stored sum, but its entries come to %lld "
                 "pence.",
                 what, shown_key(l[j].account, month, shown, sizeof shown),
                 (long long)l[j].pence);
        out = -1;
      }
    if (out) break;
    int64_t derived = 0;
    if (j < m && strcmp(l[j].account, key) == 0) derived = l[j++].pence;
    if (v.mv_size != 8 || stored != derived) {
      snprintf(err, errlen,
               "The sum kept for %s %s is %lld pence, but its ledger entries "
               "come to %lld pence.",
               what, shown_key(key, month, shown, sizeof shown),
               (long long)stored, (long long)derived);
      out = -1;
    }
  }
  if (cur) mdb_cursor_close(cur);
  if (!out && rc != MDB_NOTFOUND) {
    snprintf(err, errlen, "Could not read the kept sums: %s.",
             mdb_strerror(rc));
    out = -1;
  }
  for (; !out && j < m; j++)
    if (l[j].pence) {
      snprintf(err, errlen,
               "The %s %s has no stored sum, but its entries come to %lld "
               "pence.",
               what, shown_key(l[j].account, month, shown, sizeof shown),
               (long long)l[j].pence);
      out = -1;
    }
  for (size_t i = 0; i < m; i++)
    free(l[i].account);
  return out;
}

static int vline_push(vline **l, size_t *n, size_t *cap, char *key,
                      int64_t pence) {
  if (!key) return -1;
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 256;
    vline *nl = realloc(*l, nc * sizeof *nl);
    if (!nl) {
      free(key);
      return -1;
    }
    *l = nl;
    *cap = nc;
  }
  (*l)[*n].account = key;
  (*l)[(*n)++].pence = pence;
  return 0;
}

int funds_verify(store *st, MDB_txn *txn, uint64_t *entries, char *err,
                 size_t errlen) {
  size_t n = 0, cap = 0, nm = 0, capm = 0;
  vline *l = NULL, *lm = NULL; /* per account; per month and account */
  int out = 0;
  pcn_arena a;
  pcn_arena_init(&a, 8u << 20);
  MDB_cursor *cur = NULL;
  MDB_val k, v;
  int rc = mdb_cursor_open(txn, st->funds_entries, &cur);
  uint64_t count = 0;
  for (rc = rc ? rc : mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && !out;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    pcn_arena_reset(&a);
    uint8_t tag = k.mv_size ? ((uint8_t *)k.mv_data)[0] : 0;
    if (k.mv_size != 9 || (tag != 'E' && tag != 'R')) {
      snprintf(err, errlen, "The ledger holds a bad key.");
      out = -1;
      break;
    }
    uint64_t id = key_get_u64((uint8_t *)k.mv_data + 1);
    if (tag == 'R') {
      Pcn__FundsEntry *rev;
      uint64_t rid = v.mv_size == 8 ? key_get_u64(v.mv_data) : 0;
      if (entry_load(txn, st, rid, &a, &rev) || rev->reverses != id) {
        snprintf(err, errlen,
                 "Ledger entry %llu is marked reversed by entry %llu, which "
                 "does not reverse it.",
                 (unsigned long long)id, (unsigned long long)rid);
        out = -1;
      }
      continue;
    }
    Pcn__FundsEntry *e = pcn__funds_entry__unpack(&a.pb, v.mv_size, v.mv_data);
    if (!e || e->id != id || strlen(e->date) != 10) {
      snprintf(err, errlen,
               "Ledger entry %llu does not decode or is stored under the "
               "wrong id.",
               (unsigned long long)id);
      out = -1;
      break;
    }
    count++;
    int64_t sum = 0;
    for (size_t i = 0; i < e->n_lines && !out; i++) {
      const char *acct = e->lines[i]->account;
      int64_t p = e->lines[i]->pence;
      sum += p;
      char *mk = malloc(7 + strlen(acct) + 1);
      if (mk) {
        memcpy(mk, e->date, 7);
        strcpy(mk + 7, acct);
      }
      if (vline_push(&l, &n, &cap, strdup(acct), p) ||
          vline_push(&lm, &nm, &capm, mk, p)) {
        snprintf(err, errlen, "Out of memory.");
        out = -1;
      }
    }
    if (!out && sum != 0) {
      snprintf(err, errlen,
               "Ledger entry %llu does not balance: its lines sum to %lld "
               "pence.",
               (unsigned long long)id, (long long)sum);
      out = -1;
    }
  }
  if (cur) mdb_cursor_close(cur);
  if (!out && rc != MDB_NOTFOUND) {
    snprintf(err, errlen, "Could not read the ledger: %s.", mdb_strerror(rc));
    out = -1;
  }
  if (!out) {
    out = compare_sums(txn, st->funds_balances, l, n, "account", err, errlen);
    n = 0;
  }
  if (!out) {
    out = compare_sums(txn, st->funds_months, lm, nm, "month and account", err,
                       errlen);
    nm = 0;
  }
  for (size_t i = 0; i < n; i++)
    free(l[i].account);
  for (size_t i = 0; i < nm; i++)
    free(lm[i].account);
  free(l);
  free(lm);
  pcn_arena_free(&a);
  if (entries) *entries = count;
  return out;
}

const req_entry funds_entries[] = {
    {PCN__REQUEST__BODY_FUNDS_FIGURES_SET, "record practices' figures",
     REQ_WRITE, R_PCNM, 0, 0, NULL, figures_set_prepare, figures_set_apply,
     NULL},
    {PCN__REQUEST__BODY_FUNDS_FIGURES_LIST, "see practices' figures", 0, R_ALL,
     0, 0, figures_list_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_FUNDS_STREAM_ADD, "add a funding stream", REQ_WRITE,
     R_PCNM, 0, 0, NULL, stream_add_prepare, stream_add_apply, NULL},
    {PCN__REQUEST__BODY_FUNDS_STREAM_LIST, "see the funding streams", 0, R_ALL,
     0, 0, stream_list_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_FUNDS_STREAM_UPDATE, "change a funding stream",
     REQ_WRITE, R_PCNM, 0, 0, NULL, stream_update_prepare, stream_update_apply,
     NULL},
    {PCN__REQUEST__BODY_FUNDS_RULE_SET, "set a stream's split rule", REQ_WRITE,
     R_PCNM, 0, 0, NULL, rule_set_prepare, rule_set_apply, NULL},
    {PCN__REQUEST__BODY_FUNDS_RECEIVE, "post to the network's ledger",
     REQ_WRITE, R_PCNM, 0, 0, NULL, receive_prepare, receive_apply, NULL},
    {PCN__REQUEST__BODY_FUNDS_DISTRIBUTE, "post to the network's ledger",
     REQ_WRITE, R_PCNM, 0, 0, NULL, distribute_prepare, distribute_apply, NULL},
    {PCN__REQUEST__BODY_FUNDS_EXPENSE, "post to the network's ledger",
     REQ_WRITE, R_PCNM, 0, 0, NULL, expense_prepare, expense_apply, NULL},
    {PCN__REQUEST__BODY_FUNDS_REVERSE, "post to the network's ledger",
     REQ_WRITE, R_PCNM, 0, 0, NULL, reverse_prepare, reverse_apply, NULL},
    {PCN__REQUEST__BODY_FUNDS_LEDGER, "see the network's ledger", 0, R_ALL, 0,
     0, ledger_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_FUNDS_BALANCES, "see the network's balances", 0, R_ALL,
     0, 0, balances_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_FUNDS_STATEMENT, "see the network's statements", 0,
     R_ALL, 0, 0, statement_read, NULL, NULL, NULL},
};
const size_t funds_entries_n = sizeof funds_entries / sizeof funds_entries[0];
