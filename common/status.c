/* status.c - the one table of status codes (see status.h).
 *
 * Owns: a static table indexed by the wire value of pcn.StatusCode, giving
 * each code its name (as in proto/pcn.proto) and a default sentence that
 * tells a person what to do next. Every value of the enum has an entry;
 * tests/unit/test_status.c walks the generated enum descriptor to keep it
 * so. Codes with no entry read as "UNKNOWN".
 */
#include "status.h"

#include <stddef.h>

typedef struct status_entry {
  const char *name;
  const char *message;
} status_entry;

#define STATUS(code, text) [PCN__STATUS_CODE__##code] = {#code, text}

static const status_entry status_table[] = {
    STATUS(OK, "Done."),
    STATUS(INVALID_ARGUMENT,
           "The request has a value that is not valid; correct it and try "
           "again."),
    STATUS(NOT_FOUND, "That record does not exist; check the name or number, "
                      "or refresh the list."),
    STATUS(ALREADY_EXISTS, "That already exists; use the existing one or "
                           "choose a different name."),
    STATUS(PERMISSION_DENIED,
           "Your role does not allow this; ask your practice manager or the "
           "PCN manager."),
    STATUS(RESOURCE_EXHAUSTED,
           "A limit was reached; wait a moment and try again, or send less "
           "at once."),
    STATUS(FAILED_PRECONDITION,
           "This cannot be done while the record is in its current state; "
           "refresh it and check before trying again."),
    STATUS(CONFLICT, "Someone else changed this record after you opened it; "
                     "reload it and make your change again."),
    STATUS(OUT_OF_RANGE,
           "The feed no longer holds that position; resynchronise from the "
           "oldest event it holds."),
    STATUS(INTERNAL, "Something went wrong in the server; try again, and tell "
                     "the PCN manager if it keeps happening."),
    STATUS(UNAVAILABLE, "The server is not available right now (it may be "
                        "restarting); try again in a minute."),
    STATUS(UNAUTHENTICATED,
           "You are not signed in, or your session has ended; sign in again."),
};

#undef STATUS

static const status_entry status_unknown = {
    "UNKNOWN", "Something unexpected happened; try again, and tell the PCN "
               "manager if it keeps happening."};

/* The table has holes (gRPC numbering skips values), so a code inside its
 * bounds may still have no entry. */
static const status_entry *status_find(int code) {
  size_t count = sizeof status_table / sizeof status_table[0];
  if (code < 0 || (size_t)code >= count || !status_table[code].name)
    return &status_unknown;
  return &status_table[code];
}

const char *pcn_status_name(int code) {
  return status_find(code)->name;
}

const char *pcn_status_default_message(int code) {
  return status_find(code)->message;
}
