/* sentences.h - the Feed's words (issue 19): each event as a sentence a
 * practice manager reads, the actor first ("Jo Bloggs asked Hill Street
 * for Flu clinic numbers, due Fri 15 Jan."), people and practices by name,
 * roles and dates in words, no record numbers; the area's icon; the day a
 * row is grouped under ("Today", "Yesterday", "Tue 9 Dec").
 *
 * The CLI's `pcn feed` keeps its own lines (client/describe.c: scripts
 * read them); these are the window's. Names come from the Members and
 * Practices lists (words.h), titles of records an event names only by
 * number (a vote's decision, an answer's ask) from the events seen before
 * (desk_sentence_learn); what is not known yet reads "a decision".
 */
#ifndef PCN_SENTENCES_H
#define PCN_SENTENCES_H

#include "deskpriv.h"

/* Remembers the titles ev carries (a task's, an ask's, a decision's...),
 * for later events that name the record only by its number. */
void desk_sentence_learn(pcn_desk *d, const Pcn__Event *ev);
/* ev as one sentence, ending with a full stop. Always NUL-terminated. */
void desk_event_sentence(pcn_desk *d, const Pcn__Event *ev, char *out,
                         size_t n);
/* The symbolic icon of the page of the event's area (the sidebar's), for
 * an Event record case; a generic one for a case no page shows. */
const char *desk_event_icon(int record_case);
/* The day instant ms falls on in UK time, as the feed's header over it
 * says it when now_ms is now: "Today", "Yesterday", "Tue 9 Dec" (this
 * year), "9 Dec 2025" (another). 24 bytes suffice. */
void desk_day_words(int64_t ms, int64_t now_ms, char *out, size_t n);
/* The time of day of ms in UK time: "14:05". */
void desk_time_words(int64_t ms, char out[6]);
/* A backfill role (funds_claims.c's keys: "gp", "practice-manager",
 * "staff", or lower-case words the PCN manager chose) as words: "GP",
 * "practice manager", "staff"; '-' reads as a space and "gp" as "GP"
 * wherever it is a word. capital: the first letter in capitals
 * ("Practice manager") to start a label. Also for a staff role typed as
 * words ("clinical pharmacist" stays as it is). Always NUL-terminated. */
void desk_claim_role_words(const char *key, int capital, char *out, size_t n);

#endif
