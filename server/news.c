/* news.c - placeholder: this area's requests arrive with issue 6. */
#include "areas.h"

const req_entry news_entries[1];
const size_t news_entries_n = 0;
