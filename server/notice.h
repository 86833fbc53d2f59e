/* notice.h - the server's own word to the network's PCN managers.
 *
 * A ServerNotice (proto/pcn.proto) is one feed event with audience "+"
 * (the network's people, not the practices), written through the writer
 * like any other change, so it is durable, replayed to a client that was
 * away, and kept in the audit trail. The desktop shows the latest of each
 * kind as a banner; `pcn feed` prints it.
 *
 * Loop thread only.
 */
#ifndef PCND_NOTICE_H
#define PCND_NOTICE_H

#include <stdint.h>

#include "server.h"

enum { NOTICE_INFO = 0, NOTICE_WARNING = 1, NOTICE_ACTION = 2 };

/* Submits the notice to the writer; the event is fanned out once it is
 * committed. kind is a short machine word ("cert_expiry", "backup_failed"),
 * message a sentence for a person; expires_at is 0 unless the notice is
 * about something that ends then. 0, or -1 when the server is stopping or
 * out of memory (the notice is then lost, and the caller's log line is the
 * only record). */
int notice_post(server *s, const char *kind, int severity,
                const char *message, int64_t expires_at);

#endif
