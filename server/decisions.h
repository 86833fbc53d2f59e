/* decisions.h - what the parts of the decisions area share: decisions.c
 * (the records, and the writes: propose, vote, withdraw, the proposer's
 * reminder, each practice's named voter), decisions_read.c (show, list,
 * voters) and decisions_clock.c (the outcome by rule, closing, reminders,
 * and decisions_tick). No other area includes this.
 *
 * Records and keys (all integers big-endian):
 *   decisions  u64 id (8 bytes)                 -> pcn.Decision
 *              'o' | u64 closes_at | u64 id     -> (empty): the open
 *                (17 bytes)                        decisions by closing
 *                                                  time, for the tick
 *              'r' | u64 closes_at | u64 id     -> (empty): the open
 *                (17 bytes)                        decisions whose last-day
 *                                                  reminder is still to go
 *   votes      u64 decision id | 6-byte ODS     -> pcn.DecisionVote: each
 *                (14 bytes)                        practice's current vote
 *              'v' | 6-byte ODS (7 bytes)       -> pcn.DecisionVoter: the
 *                                                  practice's named voter
 * Record keys start with a zero byte (ids stay below 2^56), so they sort
 * before the 'o' and 'v' entries, and key length tells them apart.
 *
 * Invariants:
 * - Decision.practices is the network's practices when it was proposed;
 *   only they vote, one vote each, and "every practice" means them.
 * - A decision is in the open index exactly while its state is OPEN.
 * - Once CLOSED, the record holds the outcome, the tally and the full
 *   final vote record; nothing changes it again (votes, withdrawal and
 *   reminders are refused). Votes at or after closes_at are refused even
 *   before the tick has run, so the tick's tally is the tally at
 *   closes_at.
 * - The reminder of the working day before closing is recorded
 *   (last_day_reminded_at) in the transaction that sends it: never twice,
 *   and caught up after a stop. A decision proposed on or after that day
 *   gets none (it would arrive with the proposal).
 */
#ifndef PCND_DECISIONS_H
#define PCND_DECISIONS_H

#include "areas.h"
#include "workdays.h"

#define DEC_MAX_PRACTICES 32 /* a network has 3 to 8; the audience fits 32 */
#define KEY_OPEN 17
#define KEY_VOTE 14
#define KEY_VOTER 7

/* The tick's index entries: prefix 'o' (open) or 'r' (reminder to go). */
static inline void key_open(uint8_t k[KEY_OPEN], uint8_t prefix,
                            int64_t closes_at, uint64_t id) {
  k[0] = prefix;
  key_u64(k + 1, (uint64_t)closes_at);
  key_u64(k + 9, id);
}

/* ------------------------------------------------ decisions.c: records */

int decision_load(MDB_txn *txn, store *st, uint64_t id, pcn_arena *a,
                  Pcn__Decision **d);
/* The same for a request on the loop; NOT_FOUND, saying where to look,
 * if there is none. */
int decision_load_for(req_ctx *ctx, uint64_t id, Pcn__Decision **d);
/* Whether ods is one of the practices d was put to. */
int decision_has_practice(const Pcn__Decision *d, const char *ods);
/* The votes cast on decision id, into the arena. 0 or an LMDB error. */
int decision_votes_load(MDB_txn *txn, store *st, uint64_t id, pcn_arena *a,
                        Pcn__DecisionVote ***out, size_t *n);
/* An open decision's record carries no votes: a read shows those cast so
 * far. A closed one keeps its final record. 0 or an LMDB error. */
int decision_fill_votes(MDB_txn *txn, store *st, Pcn__Decision *d,
                        pcn_arena *a);
/* Whether a member of practice ("" for the network's people) may see d:
 * a decision put to some practices only is theirs and the network's. */
int decision_visible(const Pcn__Decision *d, const char *practice);
/* Emits d's event (or another about it) to d's audience. A status code. */
int decision_feed(wtx *w, Pcn__Op op, const Pcn__Decision *d, Pcn__Event *ev);
/* Saves d and its tick index entries ('o', 'r'). A status code. */
int decision_save(wtx *w, Pcn__Decision *d);

/* ------------------------------------------------ decisions_read.c */

int decisions_get_read(req_ctx *ctx);
int decisions_list_read(req_ctx *ctx);
int decisions_voters_read(req_ctx *ctx);

/* ------------------------------------------------ decisions_clock.c */

/* When the reminder of the working day before closes_at is due: the start
 * (UTC) of the last working day before the closing day. */
int64_t decision_remind_from(int64_t closes_at, const pcn_holidays *h);
/* The network's bank holidays, for decision_remind_from. A status code. */
int decision_holidays(wtx *w, wjob *job, pcn_holidays *h);
/* Closes d now (early: every practice has voted): the outcome by its rule,
 * the tally, and the final vote record, all kept in the record; one
 * event. A status code. */
int decision_close(wtx *w, wjob *job, Pcn__Decision *d, int early);
/* Sends a reminder of d to the practices that have not voted, and records
 * it in d (no new version: the decision itself did not change): by hand
 * (by_proposer 1: the proposer; 2: a PCN manager who did not propose it)
 * or the tick's last-day one (0). A status code. */
int decision_remind(wtx *w, wjob *job, Pcn__Decision *d, int by_proposer);

#endif
