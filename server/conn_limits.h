/* conn_limits.h - the limits conn.c applies when it accepts a connection:
 * connections not yet logged in, counted per peer address; connections
 * accepted only to be told to retry; and the open-file budget that
 * --max-conns must fit in.
 *
 * Owns: s->limits (conn_limits.c). The loop thread only.
 *
 * Invariants:
 * - an address's count is the number of open connections from it that
 *   are neither logged in nor refused; it never exceeds
 *   cfg.max_anon_per_addr, and an address with no such connection has no
 *   entry, so the table holds at most cfg.max_conns entries and never has
 *   to evict one (a full table would forget a count);
 * - refused connections (told to retry, then closed) are at most
 *   s->limits->margin at once, and do not count against cfg.max_conns;
 * - cfg.max_conns + margin client connections fit in the open-file limit
 *   next to the files pcnd itself needs.
 */
#ifndef PCND_CONN_LIMITS_H
#define PCND_CONN_LIMITS_H

#include <stdint.h>
#include <sys/socket.h>

#include "server.h"

/* The bytes an address is counted under: IPv4 as ::ffff:a.b.c.d, IPv6 by
 * its /64 (one site's or one host's block, which a client can move
 * within at will). */
#define CONN_ADDR_KEY 16

/* Raises the soft open-file limit to the hard one, lowers cfg.max_conns
 * (logging a warning that says so) if it does not fit, and makes the
 * per-address table. Call once every file pcnd opens at start is open
 * (store, lock, listeners). 0, or -1 with a sentence in err. */
int conn_limits_start(server *s, char *err, size_t errlen);
void conn_limits_free(server *s);

/* The key of a peer address (struct sockaddr_in or _in6). */
void conn_addr_key(const struct sockaddr *sa, uint8_t key[CONN_ADDR_KEY]);

/* Counts one more connection not logged in from key: 0, or -1 when the
 * address already has cfg.max_anon_per_addr of them. */
int conn_limits_anon_take(server *s, const uint8_t key[CONN_ADDR_KEY]);
/* Undoes one conn_limits_anon_take (at login or close). */
void conn_limits_anon_release(server *s, const uint8_t key[CONN_ADDR_KEY]);
/* The count for key now (tests, status). */
uint32_t conn_limits_anon_count(const server *s,
                                const uint8_t key[CONN_ADDR_KEY]);

/* Connections accepted to be told to retry: how many are open, and how
 * many may be. */
uint32_t conn_limits_refused(const server *s);
uint32_t conn_limits_margin(const server *s);
void conn_limits_refused_add(server *s, int delta);

#endif
