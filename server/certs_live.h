/* certs_live.h - the certificate a running pcnd serves: loading it at
 * start, taking a renewed one on SIGHUP without dropping a connection,
 * and telling the PCN managers before it (or the root it chains to)
 * expires.
 *
 * Where the certificate comes from: the data directory's server.pem and
 * server.key, with ca.pem as the root clients pin (pcnd init's network CA);
 * or, with `pcnd run --tls-cert FILE --tls-key FILE`, the organisation's
 * own chain, whose last certificate must be its self-signed root: that
 * root's fingerprint is what invitations then carry.
 *
 * Invariants:
 * - s->tls_ctx, s->ca_sha256 and s->cert_not_after always describe the
 *   same, loadable chain: a reload that fails in any way (unreadable file,
 *   key not matching, leaf not chaining to the root, expired) changes
 *   none of them, and says why in the log and in a feed notice;
 * - connections keep the context they were accepted with (an SSL holds a
 *   reference to its SSL_CTX); only new connections get the new one;
 * - each expiry threshold (60, 30, 7 days, then expired) is told once per
 *   certificate (by serial), recorded in meta in the same transaction as
 *   the notice, so neither a restart nor a sweep repeats it; when a
 *   certificate they were warned about is replaced (a new serial, far
 *   from its end), one information notice says so, also once.
 *
 * Meta records (store.h's meta database):
 *   "cert_told_server", "cert_told_root" -> "SERIAL DAYS", the threshold
 *   last told for that certificate (DAYS 0: told that it has expired;
 *   -1: told that it was replaced).
 */
#ifndef PCND_CERTS_LIVE_H
#define PCND_CERTS_LIVE_H

#include "server.h"
#include "writer.h"

/* server_open: loads the configured chain and key, sets s->tls_ctx,
 * s->ca_sha256 and s->cert_not_after. 0, or -1 with a sentence in err. */
int certs_live_open(server *s, char *err, size_t errlen);
/* server_start: reloads on SIGHUP from now on; logs a warning when a
 * certificate is within 60 days of its end. */
void certs_live_start(server *s);
/* server_stop: no more reloads (one in flight finishes, and counts in
 * s->pending_work). */
void certs_live_stop(server *s);
/* server_free: after the loop has closed the handles. */
void certs_live_free(server *s);

/* timers.c's tick (writer thread): one ServerNotice of kind "cert_expiry"
 * per threshold newly reached, with the meta record that it was told. */
int certs_tick(wtx *w, wjob *job);

#endif
