/* asks.c - placeholder: this area's requests arrive with issue 6. */
#include "areas.h"

const req_entry asks_entries[1];
const size_t asks_entries_n = 0;

int asks_tick(wtx *w, wjob *job) {
  (void)w;
  (void)job;
  return PCN__STATUS_CODE__OK;
}
