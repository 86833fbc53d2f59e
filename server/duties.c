/* duties.c - placeholder: this area's requests arrive with issue 6. */
#include "areas.h"

const req_entry duties_entries[1];
const size_t duties_entries_n = 0;
