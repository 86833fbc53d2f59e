/* conn.c - the listener and client connections: TCP through libuv, TLS
 * through the memory-BIO engine, frames through the frame reader.
 *
 * Owns: every conn (conn.h) and its handle. The loop thread only.
 *
 * Flow control: a connection whose unsent output passes half of max_output
 * stops being read until it drains to a quarter, so a client that does not
 * read its responses cannot make the server buffer without bound. A
 * subscriber past max_output is cut (feed.c).
 *
 * Admission (conn_limits.h): a connection is refused when max_conns are
 * open, or when its address already has max_anon_per_addr connections
 * that have not logged in (logged-in ones never count: a practice's PCs
 * may share one address). A refused connection is accepted only to finish
 * its TLS handshake and be told, in a RESOURCE_EXHAUSTED frame with
 * retry_after_ms, to try again; refused ones do not take max_conns slots,
 * and past their own small margin a new one is closed at once.
 *
 * Until it logs in, a connection may send frames of at most
 * CONN_ANON_FRAME_MAX bytes, and is closed at the handshake timeout
 * whatever it sends, or at twice it if a login was still being checked.
 *
 * Output memory: every connection's unsent bytes (plaintext not yet
 * encrypted, ciphertext not yet written, the libuv write queue) are
 * counted in srv->out_bytes by conn_account, after each send, flush and
 * completed write, and at close. Past --output-budget in all, the open
 * connection holding the most is cut (conn_budget_check), checked after
 * each read, completed write and fan-out, never the one whose write just
 * completed (it is making progress) while another holds anything.
 * Catch-ups fill only what the budget has free (feed_pump); one that has
 * drained completely still takes one event when none is free, and the
 * check then cuts whoever holds the most, so a reader that keeps up is
 * not starved by stalled ones.
 */
#include "conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "conn_limits.h"
#include "dispatch.h"
#include "feed.h"
#include "log.h"

#define CONN_CLOSING_GRACE_MS 5000
/* Frames before login: Hello, Login, Join and Resume are a few hundred
 * bytes, so a client not logged in gets no megabyte buffers or decodes. */
#define CONN_ANON_FRAME_MAX (64u * 1024u)
/* retry_after_ms when refused: a slot held by someone logging in frees in
 * a second or two; one of max_conns when someone disconnects. */
#define CONN_RETRY_ADDR_MS 5000
#define CONN_RETRY_FULL_MS 30000

typedef struct conn_write {
  uv_write_t req;
  conn *c;
  uv_buf_t buf;
  uint8_t data[];
} conn_write;

static uint64_t now_ms(server *s) {
  return uv_now(s->loop);
}

int conn_is_open(const conn *c) {
  return !c->closed && c->state != CONN_CLOSING;
}

size_t conn_unsent(const conn *c) {
  return uv_stream_get_write_queue_size((const uv_stream_t *)&c->tcp) +
         pcn_tls_unsent(&c->tls);
}

/* Sets c's share of the server's output count to bytes. */
static void acct_set(conn *c, size_t bytes) {
  server *s = c->srv;
  s->out_bytes -= c->out_acct;
  if (c->out_acct_doomed) s->out_doomed -= c->out_acct;
  c->out_acct = bytes;
  c->out_acct_doomed = c->state == CONN_CLOSING;
  s->out_bytes += bytes;
  if (c->out_acct_doomed) s->out_doomed += bytes;
}

void conn_account(conn *c) {
  /* A closed handle's writes are cancelled and freed in this iteration. */
  acct_set(c, c->closed ? 0 : conn_unsent(c));
}

static void conn_free(conn *c) {
  pcn_tls_free(&c->tls);
  pcn_frame_reader_free(&c->fr);
  pcn_arena_free(&c->arena);
  free(c);
}

static void on_close(uv_handle_t *h) {
  conn *c = (conn *)h;
  c->closed = 2;
  if (c->refs == 0) conn_free(c);
}

void conn_ref(conn *c) {
  c->refs++;
}

void conn_unref(conn *c) {
  if (--c->refs == 0 && c->closed == 2) conn_free(c);
}

void conn_close(conn *c) {
  if (c->closed) return;
  server *s = c->srv;
  feed_unsubscribe(c);
  if (c->prev)
    c->prev->next = c->next;
  else
    s->conns = c->next;
  if (c->next) c->next->prev = c->prev;
  c->prev = c->next = NULL;
  s->nconns--;
  if (c->anon_counted) conn_limits_anon_release(s, c->addr_key);
  c->anon_counted = 0;
  if (c->refused) conn_limits_refused_add(s, -1);
  c->closed = 1;
  acct_set(c, 0);
  uv_close((uv_handle_t *)&c->tcp, on_close);
  if (s->stopped && !s->conns && !uv_is_closing((uv_handle_t *)&s->stop_timer))
    uv_close((uv_handle_t *)&s->stop_timer, NULL);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf);

static void on_write(uv_write_t *req, int status) {
  conn_write *w = (conn_write *)req;
  conn *c = w->c;
  free(w);
  if (c->closed) return;
  conn_account(c);
  if (status < 0) {
    conn_close(c);
    return;
  }
  c->last_drain_ms = now_ms(c->srv);
  if (c->state == CONN_CLOSING) {
    if (conn_unsent(c) == 0) conn_close(c);
    return;
  }
  server *s = c->srv;
  size_t unsent = conn_unsent(c);
  if (!c->reading && unsent <= s->cfg.max_output / 4) {
    if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0) {
      c->reading = 1;
      /* Not read while stopped: an unfinished frame's time starts again. */
      if (c->frame_since_ms) c->frame_since_ms = now_ms(s);
    }
  }
  if (c->subscribed && c->sub_cursor < s->published_seq) feed_pump(c);
  conn_budget_check(s, c);
}

/* The TLS engine's ciphertext goes to the socket. */
static int conn_write_raw(pcn_tls *t, const uint8_t *p, size_t n) {
  conn *c = t->data;
  if (c->closed) return -1;
  conn_write *w = malloc(sizeof *w + n);
  if (!w) return -1;
  memcpy(w->data, p, n);
  w->c = c;
  w->buf = uv_buf_init((char *)w->data, (unsigned int)n);
  if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &w->buf, 1, on_write) != 0) {
    free(w);
    return -1;
  }
  c->last_tx_ms = now_ms(c->srv);
  return 0;
}

static int conn_on_frame(void *ud, const uint8_t *body, size_t len) {
  conn *c = ud;
  c->srv->stats.requests++;
  Pcn__Frame *f = pcn_frame_decode(&c->arena, body, len);
  if (!f) {
    pcn_arena_reset(&c->arena);
    conn_fail(c, PCN__STATUS_CODE__INVALID_ARGUMENT,
              "A frame did not decode as a pcn.Frame (or was too complex to "
              "decode); check the client against proto/pcn.proto.");
    return 1;
  }
  if (dispatch_check_text(c, f, body, len) != 0) {
    pcn_arena_reset(&c->arena);
    return conn_is_open(c) ? 0 : 1;
  }
  dispatch_frame(c, f);
  return conn_is_open(c) ? 0 : 1;
}

static int conn_on_plain(pcn_tls *t, const uint8_t *p, size_t n) {
  conn *c = t->data;
  if (!conn_is_open(c)) return 1;
  int rc = pcn_frame_reader_feed(&c->fr, p, n, conn_on_frame, c, NULL);
  if (pcn_frame_reader_idle(&c->fr))
    c->frame_since_ms = 0;
  else if (!c->frame_since_ms)
    c->frame_since_ms = now_ms(c->srv);
  if (rc == PCN_FRAME_ERR_EMPTY) {
    conn_fail(c, PCN__STATUS_CODE__INVALID_ARGUMENT,
              "A frame had length 0; every frame carries one pcn.Frame.");
    return 1;
  }
  if (rc == PCN_FRAME_ERR_TOO_BIG) {
    char msg[200];
    if (c->fr.max < c->srv->cfg.max_frame)
      snprintf(msg, sizeof msg,
               "A frame was longer than %u bytes before logging in; log in "
               "first, then send larger requests.",
               c->fr.max);
    else
      snprintf(msg, sizeof msg,
               "A frame was longer than this server's limit of %u bytes; "
               "send smaller requests.",
               c->srv->cfg.max_frame);
    conn_fail(c, PCN__STATUS_CODE__INVALID_ARGUMENT, msg);
    return 1;
  }
  if (rc == PCN_FRAME_ERR_NOMEM) {
    conn_fail(c, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
              "The server is out of memory; try again shortly.");
    return 1;
  }
  return rc == PCN_FRAME_OK ? 0 : 1;
}

static void conn_fail_details(conn *c, Pcn__StatusCode code,
                              const char *message, Pcn__StatusDetails *det);

/* A refused connection learns why as soon as it can read a frame, before
 * it has sent anything else. */
static void conn_on_handshake(pcn_tls *t) {
  conn *c = t->data;
  if (!c->refused) return;
  server *s = c->srv;
  char msg[240];
  Pcn__StatusDetails det = PCN__STATUS_DETAILS__INIT;
  if (c->refused == CONN_REFUSED_ADDR) {
    det.retry_after_ms = CONN_RETRY_ADDR_MS;
    snprintf(msg, sizeof msg,
             "The server is busy; try again in %u seconds (%u connections "
             "from your address are still logging in).",
             CONN_RETRY_ADDR_MS / 1000, s->cfg.max_anon_per_addr);
  } else {
    det.retry_after_ms = CONN_RETRY_FULL_MS;
    snprintf(msg, sizeof msg,
             "The server is busy; try again in %u seconds (it is at its limit "
             "of %u connections).",
             CONN_RETRY_FULL_MS / 1000, s->cfg.max_conns);
  }
  conn_fail_details(c, PCN__STATUS_CODE__RESOURCE_EXHAUSTED, msg, &det);
}

static const pcn_tls_ops conn_tls_ops = {
    .on_plain = conn_on_plain,
    .write_raw = conn_write_raw,
    .on_handshake = conn_on_handshake,
};

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  (void)suggested;
  conn *c = (conn *)h;
  buf->base = (char *)c->srv->read_buf;
  buf->len = sizeof c->srv->read_buf;
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf) {
  conn *c = (conn *)stream;
  server *s = c->srv;
  if (nread == 0) return;
  if (nread < 0) {
    conn_close(c);
    return;
  }
  if (c->state == CONN_CLOSING) return;
  c->last_rx_ms = now_ms(s);
  int rc = pcn_tls_feed(&c->tls, (const uint8_t *)buf->base, (size_t)nread);
  store_read_end(&s->st); /* the batch's read transaction, if any */
  if (c->closed) return;
  if (rc == PCN_TLS_ERR || rc == PCN_TLS_CLOSED) {
    if (rc == PCN_TLS_ERR && s->cfg.verbose)
      pcnd_log(LOG_INFO, "%s: %s", c->peer, c->tls.err);
    conn_close(c);
    return;
  }
  conn_flush(c);
  if (c->reading && conn_unsent(c) > s->cfg.max_output / 2) {
    uv_read_stop(stream);
    c->reading = 0;
  }
  conn_budget_check(s, c);
}

int conn_send_frame(conn *c, const Pcn__Frame *f) {
  if (c->closed) return -1;
  pcn_buf b;
  pcn_buf_init(&b);
  /* Replies may be larger than requests (a page of tasks); the frame
   * limit binds what clients send, so allow the server a larger one. */
  int rc = pcn_frame_encode(f, &b, c->srv->cfg.max_frame * 4u);
  if (rc == 0) rc = pcn_tls_write(&c->tls, b.data, b.len) ? -1 : 0;
  pcn_buf_free(&b);
  conn_account(c);
  return rc;
}

int conn_send_bytes(conn *c, const uint8_t *p, size_t n) {
  if (c->closed) return -1;
  int rc = pcn_tls_write(&c->tls, p, n) ? -1 : 0;
  conn_account(c);
  return rc;
}

void conn_flush(conn *c) {
  if (c->closed) return;
  if (pcn_tls_flush(&c->tls) != PCN_TLS_OK)
    conn_close(c);
  else
    conn_account(c);
}

void conn_fail(conn *c, Pcn__StatusCode code, const char *message) {
  conn_fail_details(c, code, message, NULL);
}

static void conn_fail_details(conn *c, Pcn__StatusCode code,
                              const char *message, Pcn__StatusDetails *det) {
  if (!conn_is_open(c)) return;
  Pcn__Status st = PCN__STATUS__INIT;
  st.code = code;
  st.message = (char *)message;
  st.details = det;
  Pcn__Response r = PCN__RESPONSE__INIT;
  r.status = &st;
  Pcn__Frame f = PCN__FRAME__INIT;
  f.body_case = PCN__FRAME__BODY_RESPONSE;
  f.response = &r;
  if (c->tls.handshake_done) conn_send_frame(c, &f);
  feed_unsubscribe(c);
  pcn_tls_shutdown(&c->tls);
  c->state = CONN_CLOSING;
  conn_account(c); /* its bytes are now on their way out */
  c->closing_since_ms = now_ms(c->srv);
  if (c->reading) uv_read_stop((uv_stream_t *)&c->tcp);
  c->reading = 0;
  if (conn_unsent(c) == 0) conn_close(c);
}

/* The peer's address, for logs and for its count of connections not
 * logged in. -1 when the socket has no peer (it has already gone). */
static int peer_name(conn *c) {
  struct sockaddr_storage ss;
  int len = sizeof ss;
  strcpy(c->peer, "?");
  if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) != 0) return -1;
  conn_addr_key((struct sockaddr *)&ss, c->addr_key);
  if (ss.ss_family == AF_INET6)
    uv_ip6_name((struct sockaddr_in6 *)&ss, c->peer, sizeof c->peer);
  else
    uv_ip4_name((struct sockaddr_in *)&ss, c->peer, sizeof c->peer);
  return 0;
}

/* A new connection with its handle, registered with the server, so that
 * every way out from here is conn_close. NULL when out of memory. */
static conn *conn_alloc(server *s) {
  conn *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->srv = s;
  if (uv_tcp_init(s->loop, &c->tcp) != 0) {
    free(c);
    return NULL;
  }
  c->cid = ++s->next_cid;
  c->next = s->conns;
  if (s->conns) s->conns->prev = c;
  s->conns = c;
  s->nconns++;
  pcn_frame_reader_init(&c->fr, s->cfg.max_frame < CONN_ANON_FRAME_MAX
                                    ? s->cfg.max_frame
                                    : CONN_ANON_FRAME_MAX);
  pcn_arena_init(&c->arena, s->cfg.arena_budget);
  c->accepted_ms = c->last_rx_ms = c->last_tx_ms = now_ms(s);
  if (pcn_tls_init(&c->tls, s->tls_ctx, 1, &conn_tls_ops, c) != 0) {
    conn_close(c);
    return NULL;
  }
  return c;
}

/* Counts c against its address, or marks it refused. -1 when it is to be
 * closed at once: refused, with the refusal margin full. */
static int conn_admit(conn *c) {
  server *s = c->srv;
  uint32_t refused = conn_limits_refused(s);
  uint32_t others = s->nconns - 1 - refused; /* open, not refused, not c */
  if (others >= s->cfg.max_conns)
    c->refused = CONN_REFUSED_FULL;
  else if (conn_limits_anon_take(s, c->addr_key) != 0)
    c->refused = CONN_REFUSED_ADDR;
  else
    c->anon_counted = 1;
  if (!c->refused) return 0;
  s->stats.rejected_conns++;
  if (refused >= conn_limits_margin(s)) {
    c->refused = CONN_REFUSED_NONE;
    return -1;
  }
  c->over_limit = 1;
  conn_limits_refused_add(s, 1);
  return 0;
}

void conn_logged_in(conn *c) {
  if (c->anon_counted) conn_limits_anon_release(c->srv, c->addr_key);
  c->anon_counted = 0;
  c->fr.max = c->srv->cfg.max_frame;
}

static void on_connection(uv_stream_t *listener, int status) {
  server *s = listener->data;
  if (status < 0) return;
  conn *c = conn_alloc(s);
  if (!c) return;
  if (uv_accept(listener, (uv_stream_t *)&c->tcp) != 0 || s->stopping) {
    conn_close(c);
    return;
  }
  if (peer_name(c) != 0 || conn_admit(c) != 0) {
    conn_close(c);
    return;
  }
  uv_tcp_nodelay(&c->tcp, 1);
  if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0) {
    conn_close(c);
    return;
  }
  c->reading = 1;
}

int conn_listen(server *s, char *err, size_t errlen) {
  char host[256];
  int port;
  uv_tcp_init(s->loop, &s->listener); /* first: the caller closes it */
  s->listener.data = s;
  if (pcn_split_hostport(s->cfg.listen, host, sizeof host, &port)) {
    snprintf(err, errlen,
             "The listen address '%s' is not HOST:PORT (for example "
             "127.0.0.1:7443 or [::1]:7443).",
             s->cfg.listen);
    return -1;
  }
  struct sockaddr_storage addr;
  if (uv_ip4_addr(host, port, (struct sockaddr_in *)&addr) != 0 &&
      uv_ip6_addr(host, port, (struct sockaddr_in6 *)&addr) != 0) {
    snprintf(err, errlen,
             "The listen host '%s' is not an IP address; use one, such as "
             "127.0.0.1.",
             host);
    return -1;
  }
  int rc = uv_tcp_bind(&s->listener, (struct sockaddr *)&addr, 0);
  if (rc == 0) rc = uv_listen((uv_stream_t *)&s->listener, 511, on_connection);
  if (rc != 0) {
    snprintf(err, errlen, "Could not listen on %s: %s.", s->cfg.listen,
             uv_strerror(rc));
    return -1;
  }
  /* Last: every file pcnd holds from the start is open now. */
  return conn_limits_start(s, err, errlen);
}

void conn_stop_listening(server *s) {
  if (!uv_is_closing((uv_handle_t *)&s->listener))
    uv_close((uv_handle_t *)&s->listener, NULL);
}

/* Called every second: handshake, frame and idle timeouts, stuck closes.
 *
 * Only a logged-in member may hold a connection for long. Until then the
 * handshake timeout runs from the connect whatever the client sends (a
 * Ping does not keep an anonymous connection alive). A login or join
 * being checked when it runs out gets up to as long again to finish, but
 * no more: requests kept in flight do not keep a connection open either.
 * A frame that has begun must arrive whole
 * within the frame timeout, so one cannot hold a slot by sending a frame's
 * first bytes and then nothing. */
void conn_sweep(server *s, uint64_t now) {
  for (conn *c = s->conns, *next; c; c = next) {
    next = c->next;
    if (c->state == CONN_CLOSING) {
      if (now - c->closing_since_ms > CONN_CLOSING_GRACE_MS) conn_close(c);
    } else if (c->state == CONN_HANDSHAKE) {
      if (now - c->accepted_ms > s->cfg.handshake_timeout_ms)
        conn_fail(c, PCN__STATUS_CODE__UNAVAILABLE,
                  "No Hello within the handshake timeout; reconnect and "
                  "send Hello first.");
    } else if (c->reading && c->frame_since_ms &&
               now - c->frame_since_ms > s->cfg.frame_timeout_ms) {
      conn_fail(c, PCN__STATUS_CODE__INVALID_ARGUMENT,
                "A frame began but did not arrive whole within the frame "
                "timeout; send each frame at once.");
    } else if (!c->who.member_id &&
               now - c->accepted_ms > s->cfg.handshake_timeout_ms &&
               (c->inflight == 0 ||
                now - c->accepted_ms >
                    2 * (uint64_t)s->cfg.handshake_timeout_ms)) {
      conn_fail(c, PCN__STATUS_CODE__UNAUTHENTICATED,
                "Not logged in within the handshake timeout of connecting; "
                "reconnect and log in (or join) straight away.");
    } else if (now - c->last_rx_ms > s->cfg.idle_timeout_ms &&
               c->inflight == 0) {
      conn_fail(c, PCN__STATUS_CODE__UNAVAILABLE,
                "Closed after being idle; reconnect when you need the "
                "server (clients ping to stay connected).");
    }
  }
}

conn *conn_new_detached(server *s) {
  /* Its TLS engine never completes a handshake, so what is written to it
   * stays in its pending buffer and nothing reaches a socket. */
  conn *c = conn_alloc(s);
  if (!c) return NULL;
  c->state = CONN_OPEN;
  c->fr.max = s->cfg.max_frame;
  snprintf(c->peer, sizeof c->peer, "fuzz");
  return c;
}

int conn_feed_plain(conn *c, const uint8_t *p, size_t n) {
  int rc = conn_on_plain(&c->tls, p, n);
  store_read_end(&c->srv->st);
  return rc;
}

/* Cuts c for holding the most output while the server is over budget. */
static void budget_cut(conn *c) {
  server *s = c->srv;
  s->stats.budget_cuts++;
  char msg[300];
  if (c->subscribed)
    snprintf(msg, sizeof msg,
             "The server's output memory (--output-budget %zu bytes) is "
             "full and this connection held the most unsent (%zu bytes), so "
             "it fell behind the feed and was cut; resubscribe from the last "
             "seq you processed.",
             s->cfg.output_budget, c->out_acct);
  else
    snprintf(msg, sizeof msg,
             "The server's output memory (--output-budget %zu bytes) is "
             "full and this connection held the most unsent (%zu bytes), so "
             "it was cut; reconnect and read replies as they arrive.",
             s->cfg.output_budget, c->out_acct);
  if (s->cfg.verbose)
    pcnd_log(LOG_INFO, "%s: cut with %zu bytes unsent: over --output-budget",
             c->peer, c->out_acct);
  conn_fail(c, PCN__STATUS_CODE__RESOURCE_EXHAUSTED, msg);
}

/* Whether a is a better connection to cut than b: the one holding the
 * most, then the one whose writes stopped completing longest ago. */
static int cut_before(const conn *a, const conn *b) {
  if (a->out_acct != b->out_acct) return a->out_acct > b->out_acct;
  return a->last_drain_ms < b->last_drain_ms;
}

void conn_budget_check(server *s, conn *spare) {
  while (s->out_bytes - s->out_doomed > s->cfg.output_budget) {
    conn *victim = NULL;
    for (conn *c = s->conns; c; c = c->next) {
      if (c == spare || !conn_is_open(c) || !c->out_acct) continue;
      if (!victim || cut_before(c, victim)) victim = c;
    }
    if (!victim && spare && conn_is_open(spare) && spare->out_acct)
      victim = spare;
    if (!victim) return;
    budget_cut(victim);
  }
}
