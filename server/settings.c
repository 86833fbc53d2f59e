/* settings.c - what the network agrees for everyone: the minimum notice
 * an ask gives (working days), when reminders go out, the network's
 * corrections to the bank holidays of England and Wales, the nominated
 * payee (the practice that receives the network's money and pays it out)
 * the day of the month the ARRS claim for the month before is due, and
 * whether the desktop offers staff the Funding plan and ARRS headroom pages
 * (issue 19: what the window shows, not who may read the reports).
 *
 * Record: meta "settings" -> pcn.NetworkSettings. Absent until first
 * changed; readers get the defaults (settings_load). Every change is one
 * event for every member: notice rules are everybody's business.
 *
 * Only the PCN manager changes them; everyone reads them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "areas.h"
#include "feed.h"
#include "validate.h"
#include "workdays.h"

#define SETTINGS_KEY "settings"
#define NOTICE_DEFAULT 10
#define NOTICE_MAX 60
#define REMINDERS_MAX 5
#define HOLIDAYS_MAX 200 /* corrections, not the rule days */
#define CLAIM_DAY_MAX 28 /* every month has it */

static uint32_t default_reminders[] = {3, 1};

int settings_load(MDB_txn *txn, store *st, pcn_arena *a,
                  Pcn__NetworkSettings **out) {
  int rc = store_get_pb(txn, st->meta, SETTINGS_KEY, strlen(SETTINGS_KEY),
                        &pcn__network_settings__descriptor, a, (void **)out);
  if (rc != MDB_NOTFOUND) return rc;
  Pcn__NetworkSettings *s = pcn_arena_alloc(a, sizeof *s);
  if (!s) return ENOMEM;
  pcn__network_settings__init(s);
  s->min_notice_days = NOTICE_DEFAULT;
  s->n_reminder_days = sizeof default_reminders / sizeof default_reminders[0];
  s->reminder_days = default_reminders;
  *out = s;
  return 0;
}

static int32_t *parse_days(char **dates, size_t n, pcn_arena *a) {
  int32_t *d = pcn_arena_alloc(a, (n ? n : 1) * sizeof *d);
  if (!d) return NULL;
  for (size_t i = 0; i < n; i++)
    if (pcn_date_parse(dates[i], &d[i])) d[i] = INT32_MIN; /* matches none */
  return d;
}

int settings_holidays(const Pcn__NetworkSettings *s, pcn_arena *a,
                      pcn_holidays *h) {
  memset(h, 0, sizeof *h);
  int32_t *added = parse_days(s->holidays_added, s->n_holidays_added, a);
  int32_t *removed = parse_days(s->holidays_removed, s->n_holidays_removed, a);
  if (!added || !removed) return -1;
  h->added = added;
  h->n_added = s->n_holidays_added;
  h->removed = removed;
  h->n_removed = s->n_holidays_removed;
  return 0;
}

/* ------------------------------------------------------------ reads */

static int get_read(req_ctx *ctx) {
  MDB_txn *txn = ctx_txn(ctx);
  Pcn__NetworkSettings *s;
  if (!txn || settings_load(txn, &ctx->srv->st, ctx->arena, &s))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The network's settings could not be read; the operator "
                    "should run pcnd verify.");
  ctx->resp->body_case = PCN__RESPONSE__BODY_SETTINGS;
  ctx->resp->settings = s;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ changes */

static int save_emit(wtx *w, wjob *job, Pcn__NetworkSettings *s) {
  s->version++;
  s->updated_at = job->now_ms;
  s->updated_by = job->who.username;
  int rc = store_put_pb(w->txn, w->st->meta, SETTINGS_KEY, strlen(SETTINGS_KEY),
                        (ProtobufCMessage *)s);
  if (rc) return wtx_lmdb(w, rc, "saving the settings");
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_SETTINGS;
  ev.settings = s;
  if ((rc = feed_emit(w, PCN__OP__UPDATED, "", &ev))) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_SETTINGS;
  job->resp.settings = s;
  return PCN__STATUS_CODE__OK;
}

static int load_for_change(wtx *w, wjob *job, Pcn__NetworkSettings **s) {
  int rc = settings_load(w->txn, w->st, &job->arena, s);
  return rc ? wtx_lmdb(w, rc, "reading the settings") : PCN__STATUS_CODE__OK;
}

static int update_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__SettingsUpdate *r = ctx->req->settings_update;
  if (r->has_min_notice_case ==
          PCN__SETTINGS_UPDATE__HAS_MIN_NOTICE_MIN_NOTICE_DAYS &&
      r->min_notice_days > NOTICE_MAX)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT,
                          "min_notice_days",
                          "min_notice_days: at most %d working days (three "
                          "months).",
                          NOTICE_MAX);
  if (r->set_reminder_days) {
    if (r->n_reminder_days > REMINDERS_MAX)
      return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT,
                            "reminder_days",
                            "reminder_days: at most %d reminders before a due "
                            "date.",
                            REMINDERS_MAX);
    for (size_t i = 0; i < r->n_reminder_days; i++)
      if (r->reminder_days[i] < 1 || r->reminder_days[i] > NOTICE_MAX)
        return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT,
                              "reminder_days",
                              "reminder_days: each is 1 to %d working days "
                              "before the due date.",
                              NOTICE_MAX);
  } else if (r->n_reminder_days) {
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT,
                          "reminder_days",
                          "reminder_days: set set_reminder_days to replace "
                          "the list.");
  }
  if (r->has_claim_day_case ==
          PCN__SETTINGS_UPDATE__HAS_CLAIM_DAY_ARRS_CLAIM_DAY &&
      (r->arrs_claim_day < 1 || r->arrs_claim_day > CLAIM_DAY_MAX))
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT,
                          "arrs_claim_day",
                          "arrs_claim_day: a day of the month from 1 to %d.",
                          CLAIM_DAY_MAX);
  if (r->has_payee_case == PCN__SETTINGS_UPDATE__HAS_PAYEE_PAYEE &&
      r->payee[0]) {
    uint32_t id;
    int rc = practice_lookup(ctx_txn(ctx), &ctx->srv->st, r->payee, &id);
    if (rc == MDB_NOTFOUND)
      return ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, "payee",
                            "payee: no practice %.16s in this network; "
                            "`pcn practice list` shows them.",
                            r->payee);
    if (rc)
      return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                      "The practices could not be read.");
  }
  return perm_check(ctx, "", 0) ? ctx->status->code : PCN__STATUS_CODE__OK;
}

static int cmp_u32_desc(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? 1 : x > y ? -1 : 0;
}

static int update_apply(wtx *w, wjob *job) {
  Pcn__SettingsUpdate *r = job->req->settings_update;
  Pcn__NetworkSettings *s;
  int rc = load_for_change(w, job, &s);
  if (rc) return rc;
  if (r->version && r->version != s->version) {
    job->resp.body_case = PCN__RESPONSE__BODY_SETTINGS;
    job->resp.settings = s;
    return wtx_fail(w, PCN__STATUS_CODE__CONFLICT,
                    "The settings were changed meanwhile (now version %u, "
                    "you read %u); here they are: review and try again.",
                    s->version, r->version);
  }
  if (r->has_min_notice_case ==
      PCN__SETTINGS_UPDATE__HAS_MIN_NOTICE_MIN_NOTICE_DAYS)
    s->min_notice_days = r->min_notice_days;
  if (r->set_reminder_days) {
    /* Latest first, without repeats: 3, 1. */
    uint32_t *d =
        pcn_arena_alloc(&job->arena, (r->n_reminder_days + 1) * sizeof *d);
    if (!d) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
    if (r->n_reminder_days)
      memcpy(d, r->reminder_days, r->n_reminder_days * sizeof *d);
    qsort(d, r->n_reminder_days, sizeof *d, cmp_u32_desc);
    size_t n = 0;
    for (size_t i = 0; i < r->n_reminder_days; i++)
      if (n == 0 || d[n - 1] != d[i]) d[n++] = d[i];
    s->reminder_days = d;
    s->n_reminder_days = n;
  }
  if (r->has_payee_case == PCN__SETTINGS_UPDATE__HAS_PAYEE_PAYEE)
    s->payee = r->payee;
  if (r->has_claim_day_case ==
      PCN__SETTINGS_UPDATE__HAS_CLAIM_DAY_ARRS_CLAIM_DAY)
    s->arrs_claim_day = r->arrs_claim_day;
  if (r->has_staff_see_funding_case ==
      PCN__SETTINGS_UPDATE__HAS_STAFF_SEE_FUNDING_STAFF_SEE_FUNDING)
    s->staff_see_funding = r->staff_see_funding;
  return save_emit(w, job, s);
}

/* ------------------------------------------------------------ holidays */

static int holiday_prepare(req_ctx *ctx, const char *date) {
  if (ctx_check_date(ctx, "date", date, 0, "2027-06-04", NULL))
    return ctx->status->code;
  return perm_check(ctx, "", 0) ? ctx->status->code : PCN__STATUS_CODE__OK;
}

static int find_date(char **list, size_t n, const char *date) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(list[i], date) == 0) return (int)i;
  return -1;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The list with date added (kept sorted) or taken out. */
static int list_edit(pcn_arena *a, char ***list, size_t *n, const char *date,
                     int add) {
  int at = find_date(*list, *n, date);
  if (!add) {
    if (at < 0) return 0;
    memmove(&(*list)[at], &(*list)[at + 1],
            (*n - (size_t)at - 1) * sizeof **list);
    (*n)--;
    return 0;
  }
  if (at >= 0) return 0;
  char **l = pcn_arena_alloc(a, (*n + 1) * sizeof *l);
  if (!l) return -1;
  if (*n) memcpy(l, *list, *n * sizeof *l);
  l[(*n)++] = (char *)date;
  qsort(l, *n, sizeof *l, cmp_str);
  *list = l;
  return 0;
}

static int holiday_apply(wtx *w, wjob *job, const char *date, int make) {
  Pcn__NetworkSettings *s;
  int rc = load_for_change(w, job, &s);
  if (rc) return rc;
  pcn_holidays h;
  if (settings_holidays(s, &job->arena, &h))
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  int32_t d;
  pcn_date_parse(date, &d);
  if (pcn_is_bank_holiday(d, &h) == make)
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "%s is already %s.", date,
                    make ? "a bank holiday" : "a normal day");
  if (make && pcn_weekday(d) % 6 == 0)
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "%s is a weekend day, never a working day; a holiday "
                    "there changes nothing.",
                    date);
  int rule = pcn_is_bank_holiday_rule(d) != 0;
  int grows = make != rule; /* a new correction, not undoing one */
  if (grows && s->n_holidays_added + s->n_holidays_removed >= HOLIDAYS_MAX)
    return wtx_fail(w, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "The network already has %d corrections to the bank "
                    "holidays; remove old ones first.",
                    HOLIDAYS_MAX);
  /* A rule day comes back by leaving the removed list; another day
   * becomes a holiday by joining the added list; and the other way. */
  if (rule)
    rc = list_edit(&job->arena, &s->holidays_removed, &s->n_holidays_removed,
                   date, !make);
  else
    rc = list_edit(&job->arena, &s->holidays_added, &s->n_holidays_added, date,
                   make);
  if (rc) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  return save_emit(w, job, s);
}

static int add_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  return holiday_prepare(ctx, ctx->req->holiday_add->date);
}
static int add_apply(wtx *w, wjob *job) {
  return holiday_apply(w, job, job->req->holiday_add->date, 1);
}
static int remove_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  return holiday_prepare(ctx, ctx->req->holiday_remove->date);
}
static int remove_apply(wtx *w, wjob *job) {
  return holiday_apply(w, job, job->req->holiday_remove->date, 0);
}

const req_entry settings_entries[] = {
    {PCN__REQUEST__BODY_SETTINGS_GET, "see the network's settings", 0, R_ALL,
     R_ALL, 0, get_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_SETTINGS_UPDATE, "change the network's settings",
     REQ_WRITE, R_PCNM, 0, 0, NULL, update_prepare, update_apply, NULL},
    {PCN__REQUEST__BODY_HOLIDAY_ADD, "change the bank holidays", REQ_WRITE,
     R_PCNM, 0, 0, NULL, add_prepare, add_apply, NULL},
    {PCN__REQUEST__BODY_HOLIDAY_REMOVE, "change the bank holidays", REQ_WRITE,
     R_PCNM, 0, 0, NULL, remove_prepare, remove_apply, NULL},
};
const size_t settings_entries_n =
    sizeof settings_entries / sizeof settings_entries[0];
