/* funds_arrs.c - ARRS claims month by month, the year's headroom, and the
 * reminders that a month's claim is due. (Stub: being built.)
 */
#include "areas.h"

int funds_arrs_tick(wtx *w, wjob *job) {
  (void)w, (void)job;
  return PCN__STATUS_CODE__OK;
}

const req_entry funds_arrs_entries[1] = {{0}};
const size_t funds_arrs_entries_n = 0;
