/* feed.h - the live feed: one event per committed change, a hash chain over
 * them, and the subscriptions that carry them to clients.
 *
 * Invariants:
 * - seq rises by exactly one per event; seq N is stored under key N.
 * - hash(N) = SHA-256(hash(N-1) || body(N)), body being the Event encoded
 *   without its hash field; hash(base) is META_FEED_BASE_HASH (32 zero bytes
 *   until events are trimmed) and base is META_FEED_BASE_SEQ.
 * - The writer appends (feed_emit) inside the write's nested transaction,
 *   so a write and its event commit or vanish together.
 * - The loop fans out committed events in seq order (feed_publish). A
 *   subscriber's sub_cursor is the newest seq it has been given or skipped
 *   as invisible. A subscriber whose cursor trails published_seq catches up
 *   from the store in bounded chunks (feed_pump) as its output drains, then
 *   goes on live: replay and live meet without a gap or a duplicate.
 * - Past max_output unsent bytes, a live subscriber is cut with
 *   RESOURCE_EXHAUSTED; it resubscribes from its last seq.
 * - A catch-up holds at most FEED_PUMP_HIGH_WATER unsent (plus one event)
 *   and is refilled only as its writes complete, within what
 *   --output-budget has free (one event at a time once it has drained,
 *   when none is free). Past the budget, the connection holding the most
 *   is cut (conn_budget_check), not one that is making progress.
 */
#ifndef PCND_FEED_H
#define PCND_FEED_H

#include "dispatch.h"
#include "writer.h"

#define FEED_HDR 40 /* 32-byte hash + 8-byte audience before the body */

/* Writer: appends an event for a change to `ev`'s record (the caller sets
 * the record oneof; this sets seq, at, actor, op, audience, hash). */
int feed_emit(wtx *w, Pcn__Op op, const char *audience, Pcn__Event *ev);
/* Reads the chain head and oldest held seq from the store. */
int feed_chain_load(store *st, MDB_txn *txn, feed_chain *chain,
                    uint64_t *oldest);
/* Writer: drops the oldest events beyond `keep`, moving the chain's base. */
int feed_trim(store *st, MDB_txn *txn, uint64_t head, uint64_t keep);

/* Loop: fans committed events out to subscribers, in seq order. */
void feed_publish(server *s, feed_item *items);
/* Loop: a connection's output drained; continue a catch-up. */
void feed_pump(conn *c);
/* Loop: heartbeat idle subscribers. */
void feed_heartbeat(server *s, uint64_t now_ms);
/* Loop: the connection is going away. */
void feed_unsubscribe(conn *c);

/* Checks the whole chain; 0, or -1 with a sentence naming the first bad
 * seq. */
int feed_verify(store *st, MDB_txn *txn, uint64_t *count, char *err,
                size_t errlen);

/* Audiences. "" is every member; "ODS" is that practice's members; "+" is
 * the network's own people (members with no practice: the PCN manager,
 * the clinical director, network staff), and "+A12345,B23456" is they and
 * the members of the practices listed. So an ask to two practices, and
 * one practice's answer to it, each reach exactly who may see them. */
#define FEED_AUD_MAX 256

/* Whether a member of `practice` ("" for network roles) sees events with
 * this audience. */
static inline int feed_visible(const char *audience, const char *practice) {
  if (audience[0] == 0) return 1;
  if (audience[0] != '+') return __builtin_strcmp(audience, practice) == 0;
  if (practice[0] == 0) return 1;
  size_t n = __builtin_strlen(practice);
  for (const char *p = audience + 1; *p;) {
    const char *e = p;
    while (*e && *e != ',')
      e++;
    if ((size_t)(e - p) == n && __builtin_memcmp(p, practice, n) == 0) return 1;
    p = *e ? e + 1 : e;
  }
  return 0;
}

/* Writes the audience "+" followed by the practices' codes, comma
 * separated, into out (FEED_AUD_MAX bytes). 0, or -1 if they do not fit. */
int feed_audience(char out[FEED_AUD_MAX], char *const *ods, size_t n);

/* Whether a member of `practice` ("" for network roles) is reached by a
 * record to these practices: feed_visible's rule for the audience
 * feed_audience makes of them, applied to the list itself, as reads do. */
static inline int feed_reaches(char *const *ods, size_t n,
                               const char *practice) {
  if (practice[0] == 0) return 1;
  for (size_t i = 0; i < n; i++)
    if (__builtin_strcmp(ods[i], practice) == 0) return 1;
  return 0;
}

/* Writer: feed_emit to the network's people and these practices (the
 * audience feed_audience makes); INTERNAL if the codes do not fit, which
 * the areas' limits on practices per record rule out. */
int feed_emit_to(wtx *w, Pcn__Op op, char *const *ods, size_t n,
                 Pcn__Event *ev);

#endif
