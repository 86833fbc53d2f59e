/* areas.h - what one domain area offers the others: lookups by the names
 * clients use (ODS codes, usernames), and the checks of request fields
 * every area makes alike (dispatch.c). Each area file owns its records'
 * layout (store.h lists them all).
 */
#ifndef PCND_AREAS_H
#define PCND_AREAS_H

#include "dispatch.h"
#include "workdays.h"

/* practices.c: the id of the practice with this ODS code. 0 or
 * MDB_NOTFOUND (or another LMDB error). */
int practice_lookup(MDB_txn *txn, store *st, const char *ods, uint32_t *id);
/* practices.c: the practice with this ODS code, decoded into the arena.
 * 0, MDB_NOTFOUND or another LMDB error. */
int practice_load(MDB_txn *txn, store *st, const char *ods, pcn_arena *a,
                  Pcn__Practice **p);

/* members.c: a member by username, decoded into the arena. */
int member_lookup(MDB_txn *txn, store *st, const char *username, pcn_arena *a,
                  Pcn__Member **m);

/* dispatch.c: checks a text field of a request; on failure sets
 * INVALID_ARGUMENT naming the field and returns non-zero. */
int ctx_check_text(req_ctx *ctx, const char *field, const char *value,
                   size_t max, int required, int multiline);
/* Copies and upper-cases an ODS code into the arena, checking it (an empty
 * code is allowed when may_be_empty). NULL after setting the failure. */
char *ctx_ods(req_ctx *ctx, const char *field, const char *value,
              int may_be_empty);
/* Sorts a list of ODS codes (from ctx_ods) and drops repeats, in place;
 * returns how many remain. The practices a record is to are kept so. */
size_t ods_sort_unique(char **ods, size_t n);
/* The practice a request names (ctx_ods), or when it names none the
 * actor's own ("" for the network's people), in the arena: the job may
 * outlive the connection's actor. NULL after setting the failure. */
char *ctx_ods_or_own(req_ctx *ctx, const char *field, const char *value);
/* Checks a date field ("YYYY-MM-DD"; "" passes when may_be_empty), into
 * *day when day is not NULL; on failure sets INVALID_ARGUMENT naming the
 * field, with example as the date to copy, and returns non-zero. */
int ctx_check_date(req_ctx *ctx, const char *field, const char *value,
                   int may_be_empty, const char *example, int32_t *day);
/* The id of this network's practice ods (id may be NULL); on failure
 * sets NOT_FOUND naming the field and returns non-zero. */
int ctx_practice_id(req_ctx *ctx, const char *field, const char *ods,
                    uint32_t *id);
/* The enabled member called username, decoded into the arena (out may be
 * NULL); on failure sets NOT_FOUND naming the field and returns
 * non-zero. */
int ctx_active_member(req_ctx *ctx, const char *field, const char *username,
                      Pcn__Member **out);

/* settings.c: the network's settings, or the defaults if never set. 0 or
 * an LMDB error (ENOMEM). */
int settings_load(MDB_txn *txn, store *st, pcn_arena *a,
                  Pcn__NetworkSettings **out);
/* The bank holiday corrections of s as workdays.h wants them (arrays in
 * the arena). 0 or -1 (out of memory). */
int settings_holidays(const Pcn__NetworkSettings *s, pcn_arena *a,
                      pcn_holidays *h);

/* timers.c: each area's due work on the clock, run in a writer job of
 * the server's own (actor ""): every minute, once at start (catching up
 * on what fell due while pcnd was stopped), and after a test moves the
 * clock. A tick must be idempotent: it records what it has done in the
 * same transaction, so it never does it twice. */
typedef int (*tick_fn)(wtx *w, wjob *job);
int asks_tick(wtx *w, wjob *job);
int decisions_tick(wtx *w, wjob *job);
/* Submits one job per area tick. */
void timers_run(server *s);
/* Runs every tick inside w (ClockAdvance's apply). */
int timers_apply_all(wtx *w, wjob *job);

/* duties.c: writes the default responsibilities register (and marks it
 * written) in txn, calling each(ud, entry) after saving each entry (NULL:
 * no events, as in `pcnd init`). 0, an LMDB error, or each's non-zero. */
typedef int (*duty_seed_fn)(void *ud, Pcn__Duty *d);
int duties_seed(MDB_txn *txn, store *st, int64_t now_ms, duty_seed_fn each,
                void *ud);
/* The register's tick: writes the defaults into a store from before the
 * register existed, and flags entries whose review date has come. */
int duties_tick(wtx *w, wjob *job);
/* funds_arrs.c: reminders that a month's ARRS claim is due. */
int funds_arrs_tick(wtx *w, wjob *job);
/* tasks.c, for meetings.c: a meeting's action becomes a task in the same
 * write. task_check_assignee is create's assignee rule for a prepare (an
 * active member who can see a task of that practice; "" passes), naming
 * field on failure. task_create_in creates the task inside w as the
 * job's actor, checking the same rules again in the writer, and emits its
 * event; r's strings must live as long as the job. *out is in job->arena. */
int task_check_assignee(req_ctx *ctx, const char *field, const char *username,
                        const char *practice);
int task_create_in(wtx *w, wjob *job, const Pcn__TaskCreate *r,
                   Pcn__Task **out);

/* staff.c, for funds.c (ARRS headroom): the annual costs (pence) of the
 * ARRS staff (an ARRS role) employed on day (days since 1970), each at
 * the terms in force that day, summed, and how many they are. 0 or an
 * LMDB error. */
int staff_costs_on(MDB_txn *txn, store *st, int32_t day, int64_t *pence,
                   uint32_t *count);
/* staff.c: what the ARRS staff cost over the days first..last (a month):
 * each day employed at the terms in force that day, a twelfth of the
 * year's cost shared over the days, rounded half up once. */
int staff_arrs_month(MDB_txn *txn, store *st, int32_t first, int32_t last,
                     int64_t *pence);

/* funds.c: the figures (list size, weighted population, locality) in force
 * on day for every practice that has some, in practice id order, decoded
 * into the arena: each practice's latest dated figure on or before day,
 * else the undated list size its record holds (applies_from ""). 0 or an
 * LMDB error (ENOMEM). */
int funds_figures_at(MDB_txn *txn, store *st, int32_t day, pcn_arena *a,
                     Pcn__PracticeFigures ***out, size_t *n);
/* funds.c: sets each practice's list_size and list_size_from to its
 * figure in force on day, the way a practice is read. 0 or an LMDB error. */
int funds_practice_as_read(MDB_txn *txn, store *st, int32_t day, pcn_arena *a,
                           Pcn__Practice **p, size_t np);
/* funds.c, writer: records list_size as practice pid's figure from date
 * (YYYY-MM-DD), keeping that day's other figures, with its event. 0 or a
 * status code. */
int funds_figures_record_list(wtx *w, wjob *job, uint32_t pid, const char *ods,
                              const char *date, uint32_t list_size,
                              Pcn__PracticeFigures **out);
/* funds.c: the stream code as it stands (a built-in one with any change
 * stored over its default), into the arena. 0, MDB_NOTFOUND or an LMDB
 * error (ENOMEM). */
int funds_stream_get(MDB_txn *txn, store *st, const char *code, pcn_arena *a,
                     Pcn__FundsStream **out);
/* funds.c: 1 if stream code is pass-through (FundsStream.pass_through:
 * ARRS and IIF by default, or as the PCN manager set it), else 0 (an
 * unknown stream too). For the year end and the equity report, which
 * leave such money out of their fairness figures by default. */
int funds_stream_pass_through(MDB_txn *txn, store *st, const char *code);
/* funds.c: 1 if code names a funding stream (built in or added), else 0. */
int funds_stream_exists(MDB_txn *txn, store *st, const char *code);
/* funds_plan.c, for funds_arrs.c's headroom: the
 * rate recorded for stream in financial year (2027: April 2027 to March
 * 2028), into the arena. 0, MDB_NOTFOUND (no rate) or an LMDB error. */
int funds_rate_find(MDB_txn *txn, store *st, uint32_t year, const char *stream,
                    pcn_arena *a, Pcn__FundsRate **out);
/* funds_plan.c, for funds.c's statement: every stream with income
 * expected in month (YYYY-MM) and how much (FundsExpected's rule: the
 * year's rate on the figures in force on the month's first day),
 * arrays in the arena; every stream with a rate for the month's year,
 * even one expecting 0 (so n > 0 says rates are set). 0 or an LMDB error
 * (EINVAL for a bad month, ENOMEM). */
int funds_expected_streams(MDB_txn *txn, store *st, const char *month,
                           pcn_arena *a, char ***streams, int64_t **pence,
                           size_t *n);
/* funds_claims.c, for verify.c: every backfill claim is in its attendance
 * index, and every approved one matches the ledger entry that paid it
 * (kind, claim id, amount, practice, stream). 0, or -1 with err set. */
int funds_claims_verify(store *st, MDB_txn *txn, uint64_t *claims, char *err,
                        size_t errlen);
/* funds.c, for verify.c: every ledger entry balances, every reversal mark
 * names its reversal, and every stored balance equals the sum of its
 * account's lines. 0, or -1 with err set. *entries: how many entries. */
int funds_verify(store *st, MDB_txn *txn, uint64_t *entries, char *err,
                 size_t errlen);

/* meetings.c, for funds_claims.c: meeting id, and username's attendance
 * at it (*att NULL when none is recorded, or no member has that name),
 * decoded into the arena. 0, MDB_NOTFOUND (no such meeting) or an LMDB
 * error. */
int meeting_attendance_of(MDB_txn *txn, store *st, uint64_t id,
                          const char *username, pcn_arena *a, Pcn__Meeting **m,
                          Pcn__MeetingAttendance **att);
/* funds.c, for funds_claims.c: pays approved claim c (id, practice, pence
 * set) from stream on date ("" today) as a FUNDS_CLAIM entry debiting
 * claim:ODS:STREAM and crediting bank:STREAM, in w (so in the same
 * transaction as the claim's change), with post()'s rules: refused when
 * the stream's bank would go below zero. Sets job->resp to the entry;
 * *out is in job->arena. A status code (wtx_fail on failure). */
int funds_post_claim(wtx *w, wjob *job, const Pcn__FundsClaim *c,
                     const char *stream, const char *date,
                     Pcn__FundsEntry **out);

#endif
