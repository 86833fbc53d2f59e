/* meetings.c - placeholder: this area's requests arrive with issue 6. */
#include "areas.h"

const req_entry meetings_entries[1];
const size_t meetings_entries_n = 0;
