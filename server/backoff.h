/* backoff.h - the login backoff table: attempts per username and address
 * together ("p:" and a hash of both), per address ("a:ADDRESS") and per
 * username ("u:NAME"), and the wait each has earned.
 *
 * The policy (backoff_admit_wait): a login waits while its username and
 * address together wait (5 free tries) or its address does (20, whatever
 * the usernames), so a guesser's address waits while the same user
 * elsewhere still gets in. The username's own count is a generous ceiling
 * (50) for many addresses guessing one username; it holds back only
 * addresses that have themselves failed for that username within the
 * hour, so the owner at a PC that has not failed is never locked out.
 *
 * Invariants:
 * - Memory is fixed at start: slots (a power of two, at least 8) of
 *   sizeof(backoff_entry) bytes (80) each; the default 65536 slots take
 *   5 MiB. Nothing is allocated afterwards, whatever clients send.
 * - A key may live only in two buckets of BACKOFF_BUCKET slots (one
 *   bucket, the whole table, when it is smaller) picked by its SipHash-2-4
 *   under a secret key drawn at start, so nobody outside can aim keys at
 *   another key's slots. A newcomer takes a slot in the emptier of its two
 *   (two-choice hashing): with random keys the first refusal comes at about
 *   88% of the slots live (a unit test measures it).
 * - A live entry is never given to another key. An entry is live while a
 *   check holds it (busy), while its wait lasts, and for BACKOFF_FORGET_MS
 *   after its last counted attempt; after that it is forgotten (its slot
 *   may be reused, and its own key starts afresh). When every slot a new
 *   key may use is live, backoff_claim refuses it instead of evicting.
 * - A key is forgotten only after an hour without an attempt, so starting
 *   afresh gives a guesser its free tries (5 for a username) an hour: no
 *   more than the longest wait (15 min) lets through anyway.
 *
 * Times are the caller's monotonic milliseconds (uv_now on the loop), so
 * the unit tests drive it with their own clock. Not thread-safe: the loop
 * thread owns it.
 */
#ifndef PCND_BACKOFF_H
#define PCND_BACKOFF_H

#include <stddef.h>
#include <stdint.h>

#define BACKOFF_KEY_MAX 56 /* "u:" + 32-byte username; "a:" + address/64 */
#define BACKOFF_BUCKET 16  /* slots in each of a key's two buckets */
#define BACKOFF_SLOTS_DEFAULT 65536
#define BACKOFF_MAX_MS (15 * 60 * 1000)
#define BACKOFF_FORGET_MS (60 * 60 * 1000)
#define BACKOFF_FREE_PAIR 5  /* failures before a username+address waits */
#define BACKOFF_FREE_ADDR 20 /* failures before an address waits */
/* Failures before a username waits, for addresses that have failed for it. */
#define BACKOFF_FREE_USER 50

typedef struct backoff_entry {
  char key[BACKOFF_KEY_MAX]; /* "": never used */
  uint32_t failures;         /* attempts counted and not undone */
  uint32_t busy;             /* checks in flight holding this entry */
  uint64_t last_ms;          /* the last attempt counted */
  uint64_t until_ms;         /* no attempt before this */
} backoff_entry;

typedef struct backoff_table backoff_table;

/* A table of at least `slots` slots (rounded up to a power of two, at
 * least 8) with a fresh random key; NULL if out of memory or randomness.
 * Free with backoff_free. */
backoff_table *backoff_new(uint32_t slots);
void backoff_free(backoff_table *t);
/* Slots in the table, after rounding. */
uint32_t backoff_slots(const backoff_table *t);

/* The live entry holding key, or NULL. Valid until the next claim. */
backoff_entry *backoff_find(backoff_table *t, const char *key, uint64_t now);
/* The entry for key: its own (started afresh if it had been forgotten), or
 * a slot no live entry holds. NULL when every slot key may use is live
 * (or key is too long); *retry_ms then says when one will be free (at
 * least 1000). Valid until the next claim; a claimed entry that is given
 * no failure and no busy may be reused by the next claim. */
backoff_entry *backoff_claim(backoff_table *t, const char *key, uint64_t now,
                             uint64_t *retry_ms);

/* Milliseconds until e's key may try again; 0: now. */
uint64_t backoff_wait(const backoff_entry *e, uint64_t now);
/* Counts one attempt: past free_tries attempts, the key waits 1 s,
 * doubling with each further attempt up to BACKOFF_MAX_MS. Returns the
 * until_ms it replaced, for backoff_uncount. */
uint64_t backoff_count(backoff_entry *e, uint32_t free_tries, uint64_t now);
/* The check an attempt was counted for has failed: its wait, if it earned
 * one, runs from now (when the client hears) rather than from when it was
 * counted, so a slow check does not use the wait up. Only lengthens. */
void backoff_restamp(backoff_entry *e, uint32_t free_tries, uint64_t now);
/* Takes back one counted attempt (the password was right): one failure
 * less, and the wait that attempt set, if no later one replaced it, goes
 * back to prev_until. */
void backoff_uncount(backoff_entry *e, uint64_t prev_until, uint64_t set_until);
/* Forgets e's failures and wait (a right password for the username). */
void backoff_clear(backoff_entry *e);

/* The address key for a peer's address text: "a:" and the IPv4 address
 * (an IPv4-mapped IPv6 address counts as its IPv4 address), or the /64
 * an IPv6 address is in, since one host commonly holds a whole /64. */
void backoff_addr_key(const char *peer, char out[BACKOFF_KEY_MAX]);
/* The key for username and an address key together: "p:" and 32 hex
 * digits of SHA-256 over both, so it fits whatever their lengths; two
 * different pairs cannot be made to share it. */
void backoff_pair_key(const char *username, const char *addr_key,
                      char out[BACKOFF_KEY_MAX]);

/* How long a login (or password change: addr NULL) must wait before it may
 * be checked, 0 for now: the longest of the pair's wait and the address's,
 * and the username's when the pair has failures of its own. Call before
 * counting the attempt. */
uint64_t backoff_admit_wait(const backoff_entry *user,
                            const backoff_entry *pair,
                            const backoff_entry *addr, uint64_t now);

#endif
