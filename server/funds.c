/* funds.c - placeholder: this area's requests arrive with issue 7. */
#include "areas.h"

const req_entry funds_entries[1];
const size_t funds_entries_n = 0;
