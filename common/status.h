/* status.h - the one status type: pcn.StatusCode from the wire contract,
 * with one table of names and default sentences (status.c).
 */
#ifndef PCN_STATUS_H
#define PCN_STATUS_H

#include "pcn.pb-c.h"

typedef Pcn__StatusCode pcn_status;

/* "OK", "INVALID_ARGUMENT", ... or "UNKNOWN" for a code not in the table. */
const char *pcn_status_name(int code);
/* A default sentence for the code, for when nothing more specific is known. */
const char *pcn_status_default_message(int code);

#endif
