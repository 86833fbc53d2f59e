/* areas.h - what one domain area offers the others: lookups by the names
 * clients use (ODS codes, usernames). Each area file owns its records'
 * layout (store.h lists them all).
 */
#ifndef PCND_AREAS_H
#define PCND_AREAS_H

#include "dispatch.h"

/* practices.c: the id of the practice with this ODS code. 0 or
 * MDB_NOTFOUND (or another LMDB error). */
int practice_lookup(MDB_txn *txn, store *st, const char *ods, uint32_t *id);

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

#endif
