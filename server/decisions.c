/* decisions.c - placeholder: this area's requests arrive with issue 6. */
#include "areas.h"

const req_entry decisions_entries[1];
const size_t decisions_entries_n = 0;

int decisions_tick(wtx *w, wjob *job) {
  (void)w;
  (void)job;
  return PCN__STATUS_CODE__OK;
}
