/* asks.h - what the parts of the asks area share: asks.c (the records
 * and the writes: make, answer, close, series), asks_read.c (list, show,
 * load, series) and asks_clock.c (the dates: fair notice, series schedules,
 * reminders, and the tick that makes instances and sends reminders). No other
 * area includes this; tests/unit/test_asks.c checks the pure date functions.
 *
 * Records (store.h's schema-2 databases), all values protobuf:
 *   asks          u64 id -> pcn.Ask
 *   ask_answers   u64 ask id | 6-byte ODS code -> pcn.AskAnswer; one per
 *                 practice asked, made with the ask (state ASK_NO_ANSWER,
 *                 version 0), so the practices asked and their answers are
 *                 one cursor walk
 *   ask_series    u64 id -> pcn.AskSeries
 *   meta "next_ask", "next_ask_series"   the id counters
 *
 * Days are UTC days since 1970 (validate.h), as everywhere in pcnd.
 */
#ifndef PCND_ASKS_H
#define PCND_ASKS_H

#include "areas.h"

#define ASK_MAX_PRACTICES 30 /* an audience of 30 codes fits FEED_AUD_MAX */
#define ASK_MAX_REASON 500   /* urgent reason */
#define ASK_MAX_NOTE 4000    /* an answer's note or reason */
#define ASK_MAX_LINK 1000
#define ASK_SERIES_MARGIN 5 /* working days made ahead beyond the notice */
#define ASK_SCAN_MAX 20000  /* asks one read or tick may walk */
#define ASK_ANSWER_KEY 14
#define META_NEXT_ASK "next_ask"
#define META_NEXT_ASK_SERIES "next_ask_series"

/* The network's notice rules, as a day's arithmetic wants them. */
typedef struct ask_rules {
  Pcn__NetworkSettings *s;
  pcn_holidays h;
} ask_rules;

/* ------------------------------------------------ asks.c: the records */

int ask_rules_load(MDB_txn *txn, store *st, pcn_arena *a, ask_rules *r);
void ask_answer_key(uint8_t k[ASK_ANSWER_KEY], uint64_t ask, const char *ods);
int ask_load(MDB_txn *txn, store *st, uint64_t id, pcn_arena *a,
             Pcn__Ask **out);
/* Every practice of the network, by ODS code (arena array). 0 or LMDB's
 * error. */
int ask_all_practices(MDB_txn *txn, store *st, pcn_arena *a, char ***out,
                      size_t *n);
/* A new ask (id, fields set): saves it and an unanswered answer per
 * practice asked, and emits its event. A status code. */
int ask_insert(wtx *w, Pcn__Ask *a);
int ask_answer_save(wtx *w, Pcn__AskAnswer *ans);
int ask_series_save(wtx *w, Pcn__AskSeries *s);
/* Emits the series' event (audience: its practices, "" when all). */
int ask_series_emit(wtx *w, Pcn__Op op, Pcn__AskSeries *s);
int ask_answer_load(MDB_txn *txn, store *st, uint64_t ask, const char *ods,
                    pcn_arena *a, Pcn__AskAnswer **out);
/* NOT_FOUND, saying where to look. */
int ask_not_found(req_ctx *ctx, uint64_t id);
/* Whether practice owes an answer in this state (none, or acknowledged:
 * acknowledging is not doing). */
static inline int ask_owes(int state) {
  return state == PCN__ASK_ANSWER_STATE__ASK_NO_ANSWER ||
         state == PCN__ASK_ANSWER_STATE__ASK_ACKNOWLEDGED;
}

/* ------------------------------------------------ asks_read.c: reads */

int asks_get_read(req_ctx *ctx);
int asks_list_read(req_ctx *ctx);
int asks_load_read(req_ctx *ctx);
int asks_series_list_read(req_ctx *ctx);

/* ------------------------------------------------ asks_clock.c: dates */

/* The first due date of a series' pattern on or after day `from`:
 * monthly on `day`, quarterly on `day` of `month` and every third month
 * from it, yearly on `day` of `month`; a month shorter than `day` uses
 * its last day. */
int32_t asks_series_first(int repeat, int day, int month, int32_t from);
/* The day the server makes the instance due on `due`: min_notice +
 * ASK_SERIES_MARGIN working days before it. */
int32_t asks_series_make_on(int32_t due, uint32_t min_notice,
                            const pcn_holidays *h);
/* The latest reminder day for an ask due on `due`, made on day `made`, as
 * of `today`: the days `before[i]` working days before due and the
 * working day after it, counting only those after the day it was made
 * (an ask is never reminded the day it arrives) and on or before today.
 * 0 with *point and *days_before (-1 for the day after), or 1 if none. */
int asks_reminder_due(int32_t due, int32_t made, int32_t today,
                      const uint32_t *before, size_t nbefore,
                      const pcn_holidays *h, int32_t *point, int *days_before);
/* Makes every instance of series s that is due by today (in w), moving
 * s->next_due on; the caller saves s. *made counts the asks made. */
int asks_series_catch_up(wtx *w, Pcn__AskSeries *s, const ask_rules *r,
                         int32_t today, pcn_arena *a, int *made);

#endif
