/* funds_claims.c - backfill claims from meeting attendance, approved by
 * the PCN manager into ledger entries, and the year-end position per
 * practice. (Stub: being built.)
 */
#include "areas.h"

const req_entry funds_claims_entries[1] = {{0}};
const size_t funds_claims_entries_n = 0;
