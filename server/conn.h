/* conn.h - one client connection, as the rest of the server sees it.
 *
 * Lifetime: created on accept, closed by conn_close (uv_close), freed in the
 * close callback once no job holds a reference (refs). A job that outlives
 * its connection finds conn_is_open false and drops its reply.
 */
#ifndef PCND_CONN_H
#define PCND_CONN_H

#include "server.h"

/* Why a connection was accepted only to be told to retry. */
enum conn_refused {
  CONN_REFUSED_NONE,
  CONN_REFUSED_FULL, /* max_conns connections are open */
  CONN_REFUSED_ADDR  /* its address has max_anon_per_addr not logged in */
};

enum conn_state {
  CONN_HANDSHAKE, /* TLS under way, or waiting for Hello */
  CONN_OPEN,      /* Hello answered */
  CONN_CLOSING    /* flushing its last bytes */
};

struct conn {
  uv_tcp_t tcp; /* first: a uv handle pointer is a conn pointer */
  server *srv;
  conn *prev, *next;         /* server's list */
  conn *sub_prev, *sub_next; /* server's subscriber list */
  uint64_t cid;
  enum conn_state state;
  int refs;          /* jobs in flight that will come back to it */
  int closed;        /* uv_close called */
  int reading;       /* uv_read_start in effect */
  int over_limit;    /* refused (below): never reaches Hello */
  int refused;       /* CONN_REFUSED_*: accepted only to be told to retry */
  int anon_counted;  /* counted against its address until logged in */
  uint8_t addr_key[16]; /* the peer's address as conn_limits.h counts it */
  uint32_t inflight; /* requests not yet answered */
  int pw_busy;       /* auth.c: a password check or hash is in flight */
  uint64_t accepted_ms, last_rx_ms, last_tx_ms, closing_since_ms;
  uint64_t frame_since_ms; /* first byte of an unfinished frame; 0: none */
  uint64_t last_drain_ms;  /* a write of its last completed */
  size_t out_acct;         /* its unsent bytes as counted in srv->out_bytes */
  int out_acct_doomed;     /* ... and in srv->out_doomed (it was closing) */
  char peer[64]; /* address, for logs and login backoff */
  pcn_tls tls;
  pcn_frame_reader fr;
  pcn_arena arena; /* per request: reset after each read request */

  actor who; /* member_id 0 until logged in */
  uint8_t session_hash[32];
  int64_t session_expires_ms;

  int subscribed;
  uint64_t sub_id;     /* the Subscribe request's frame id */
  uint64_t sub_cursor; /* newest seq considered for this subscriber */
};

/* c has logged in: it stops counting against its address's connections
 * not logged in, and may send frames up to the full --max-frame. */
void conn_logged_in(conn *c);

#endif
