/* staff.c - placeholder: this area's requests arrive with issue 7. */
#include "areas.h"

const req_entry staff_entries[1];
const size_t staff_entries_n = 0;
