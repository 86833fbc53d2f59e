/* client.c - libpcnclient's connection, requests, subscription and
 * reconnect (contract in pcnclient.h).
 *
 * Owns: one pcn_client per logical connection to a server, and per attempt
 * one `link` (socket, TLS engine, frame reader). A link that dies is
 * detached from its client at once and freed in its close callback, so a
 * late callback of an old attempt can never touch a newer one.
 *
 * One timer serves the three states that need one: the connect timeout
 * while connecting, the backoff delay while reconnecting, and the keepalive
 * ping while ready (the server closes connections idle for minutes).
 *
 * Every Welcome's store epoch is compared with the last one seen: a server
 * restored from a backup has a new one, and the client's feed position
 * moves back to the server's head (check_rewind), reported to the caller.
 */
#include "pcnclient.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <signal.h>
#endif

#include "addr.h"
#include "arena.h"
#include "frame.h"
#include "pki.h"
#include "tls_stream.h"
#include "wire_check.h"

#define CONNECT_TIMEOUT_MS 10000
#define PING_EVERY_MS 60000
#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS 10000
#define CLIENT_MAX_FRAME (4u << 20)

typedef struct pending {
  struct pending *next, *prev;
  uint64_t id;
  pcn_response_cb cb;
  void *ud;
} pending;

typedef struct link {
  uv_tcp_t tcp; /* first: a handle pointer is a link pointer */
  uv_connect_t connect_req;
  pcn_client *c; /* NULL once detached */
  pcn_tls tls;
  int tls_ready;
  pcn_frame_reader fr;
  pcn_arena arena;
} link;

typedef struct resolve {
  uv_getaddrinfo_t req;
  pcn_client *c; /* NULL once abandoned */
} resolve;

struct pcn_client {
  uv_loop_t *loop;
  char *server, *ca_pem, *name, *version, *token, *pinned_ca;
  char host[256];
  int port;
  uint8_t pin[32];
  int has_pin, auto_reconnect;
  uint32_t max_frame;
  SSL_CTX *ctx;
  pcn_client_state state;
  pcn_error_class cls;
  char err[400];
  pcn_state_cb state_cb;
  void *state_ud;
  link *ln;
  resolve *rs;
  uv_timer_t timer;
  uint64_t next_id;
  pending *pend;
  int sub_wanted;
  pcn_event_cb ev_cb;
  void *ev_ud;
  uint64_t last_seq, head_seq;
  uint32_t attempt;
  uint64_t retry_at;
  uint32_t retry_after_ms; /* the server's "try again in", for the next wait */
  Pcn__Welcome *welcome;
  char epoch[33]; /* the store epoch last seen; "" before */
  int discard;    /* pcn_client_discard: drop callbacks, do not call them */
  pcn_rewind_cb rewind_cb;
  void *rewind_ud;
  int closing;
  /* Requests made in one loop iteration go out together: the first arms
   * this prepare handle, which flushes (one TLS pass, one write) just
   * before the loop next waits for I/O. */
  uv_prepare_t flusher;
  int flush_armed;
  int handles_open; /* timer and flusher; c is freed when both closed */
};

static void client_lost(pcn_client *c, pcn_error_class cls, const char *msg);
static void client_attempt(pcn_client *c);
static void on_timer(uv_timer_t *t);

static char *dupstr(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

static void set_state(pcn_client *c, pcn_client_state st, const char *detail) {
  c->state = st;
  if (c->state_cb) c->state_cb(c, st, detail ? detail : "", c->state_ud);
}

static void set_error(pcn_client *c, pcn_error_class cls, const char *msg) {
  c->cls = cls;
  snprintf(c->err, sizeof c->err, "%s", msg);
}

/* ------------------------------------------------------------ sending */

static void on_flush(uv_prepare_t *h) {
  pcn_client *c = h->data;
  uv_prepare_stop(h);
  c->flush_armed = 0;
  if (c->ln && c->ln->tls_ready && pcn_tls_flush(&c->ln->tls) != PCN_TLS_OK)
    client_lost(c, PCN_ERR_CONNECT, "The connection to the server broke.");
}

static int link_send(pcn_client *c, uint64_t id, const Pcn__Request *req) {
  if (!c->ln || !c->ln->tls_ready) return -1;
  Pcn__Frame f = PCN__FRAME__INIT;
  f.id = id;
  f.body_case = PCN__FRAME__BODY_REQUEST;
  f.request = (Pcn__Request *)req;
  pcn_buf b;
  pcn_buf_init(&b);
  int rc = pcn_frame_encode(&f, &b, PCN_FRAME_MAX_DEFAULT);
  if (rc == 0) rc = pcn_tls_write(&c->ln->tls, b.data, b.len);
  pcn_buf_free(&b);
  if (rc == 0 && !c->flush_armed) {
    c->flush_armed = 1;
    uv_prepare_start(&c->flusher, on_flush);
  }
  return rc ? -1 : 0;
}

static uint64_t call_internal(pcn_client *c, const Pcn__Request *req,
                              pcn_response_cb cb, void *ud) {
  pending *p = calloc(1, sizeof *p);
  if (!p) return 0;
  p->id = ++c->next_id;
  p->cb = cb;
  p->ud = ud;
  if (link_send(c, p->id, req) != 0) {
    free(p);
    return 0;
  }
  p->next = c->pend;
  if (c->pend) c->pend->prev = p;
  c->pend = p;
  return p->id;
}

uint64_t pcn_client_call(pcn_client *c, const Pcn__Request *req,
                         pcn_response_cb cb, void *ud) {
  if (c->state != PCN_CLIENT_READY) return 0;
  return call_internal(c, req, cb, ud);
}

static pending *pending_take(pcn_client *c, uint64_t id) {
  for (pending *p = c->pend; p; p = p->next) {
    if (p->id != id) continue;
    if (p->prev)
      p->prev->next = p->next;
    else
      c->pend = p->next;
    if (p->next) p->next->prev = p->prev;
    return p;
  }
  return NULL;
}

/* Every outstanding call gets a local UNAVAILABLE answer. */
static void pending_fail_all(pcn_client *c, const char *msg) {
  pending *list = c->pend;
  c->pend = NULL;
  Pcn__Status st = PCN__STATUS__INIT;
  st.code = PCN__STATUS_CODE__UNAVAILABLE;
  st.message = (char *)msg;
  Pcn__Response r = PCN__RESPONSE__INIT;
  r.status = &st;
  while (list) {
    pending *p = list;
    list = p->next;
    if (p->cb && !c->discard) p->cb(c, &r, p->ud);
    free(p);
  }
}

/* ------------------------------------------------------------ handshake */

static void on_subscribed(pcn_client *c, const Pcn__Response *r, void *ud) {
  (void)ud;
  if (r->status && r->status->code == PCN__STATUS_CODE__OK) {
    if (r->body_case == PCN__RESPONSE__BODY_SUBSCRIBED &&
        r->subscribed->head_seq > c->head_seq)
      c->head_seq = r->subscribed->head_seq;
    return;
  }
  if (r->status && r->status->code == PCN__STATUS_CODE__UNAVAILABLE) return;
  /* OUT_OF_RANGE and the like: the feed cannot continue from here. */
  char msg[400];
  snprintf(msg, sizeof msg, "%s",
           r->status && r->status->message[0]
               ? r->status->message
               : "The subscription was refused.");
  c->sub_wanted = 0;
  set_error(c, PCN_ERR_SERVER, msg);
  c->auto_reconnect = 0;
  client_lost(c, PCN_ERR_SERVER, msg);
}

static void send_subscribe(pcn_client *c) {
  Pcn__Subscribe s = PCN__SUBSCRIBE__INIT;
  s.since_seq = c->last_seq;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_SUBSCRIBE;
  req.subscribe = &s;
  if (!call_internal(c, &req, on_subscribed, NULL))
    client_lost(c, PCN_ERR_CONNECT, "Could not send the subscription.");
}

static void became_ready(pcn_client *c) {
  c->attempt = 0;
  c->cls = PCN_ERR_NONE;
  c->err[0] = 0;
  uv_timer_stop(&c->timer);
  if (c->sub_wanted) send_subscribe(c);
  if (c->state != PCN_CLIENT_CONNECTING || c->closing) return; /* lost */
  uv_timer_start(&c->timer, on_timer, PING_EVERY_MS, 0);
  set_state(c, PCN_CLIENT_READY, NULL);
}

static void on_resumed(pcn_client *c, const Pcn__Response *r, void *ud) {
  (void)ud;
  if (r->status->code == PCN__STATUS_CODE__OK) {
    became_ready(c);
    return;
  }
  if (r->status->code == PCN__STATUS_CODE__UNAVAILABLE) return; /* lost */
  c->auto_reconnect = 0; /* a refused session will not get better */
  client_lost(c, PCN_ERR_SERVER,
              r->status->message[0] ? r->status->message
                                    : "Your session has ended; log in again.");
}

/* A restored server has gone back in time: a new store epoch, or a head
 * before what was delivered. Carry on from its head instead of skipping
 * the new history (a position past it) or mixing two histories. */
static void check_rewind(pcn_client *c, const Pcn__Welcome *w) {
  const char *ep = w->store_epoch ? w->store_epoch : "";
  uint64_t head = w->head_seq;
  int new_epoch = c->epoch[0] && ep[0] && strcmp(c->epoch, ep) != 0;
  int past_head = c->sub_wanted && c->last_seq > head;
  if (ep[0]) snprintf(c->epoch, sizeof c->epoch, "%s", ep);
  if (!new_epoch && !past_head) return;
  /* A new epoch's history is shared with the old one up to where it began
   * (the backup's head): what was seen past that is lost, and everything
   * written after it, including since the restore, is still to come. */
  uint64_t from =
      new_epoch && w->epoch_start_seq <= head ? w->epoch_start_seq : head;
  if (from > c->last_seq) from = c->last_seq;
  uint64_t lost = c->last_seq - from;
  c->last_seq = from;
  c->head_seq = head;
  if (c->rewind_cb) c->rewind_cb(c, lost, from, c->rewind_ud);
}

static void on_welcome(pcn_client *c, const Pcn__Response *r, void *ud) {
  (void)ud;
  if (r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_WELCOME) {
    if (r->status->code == PCN__STATUS_CODE__UNAVAILABLE) return;
    if (r->status->code != PCN__STATUS_CODE__RESOURCE_EXHAUSTED)
      c->auto_reconnect = 0;
    else if (r->status->details)
      c->retry_after_ms = r->status->details->retry_after_ms;
    client_lost(c, PCN_ERR_SERVER,
                r->status->message[0] ? r->status->message
                                      : "The server refused the handshake.");
    return;
  }
  if (c->welcome) pcn__welcome__free_unpacked(c->welcome, NULL);
  uint8_t buf[2048];
  size_t n = pcn__welcome__get_packed_size(r->welcome);
  c->welcome = n <= sizeof buf && pcn__welcome__pack(r->welcome, buf) == n
                   ? pcn__welcome__unpack(NULL, n, buf)
                   : NULL;
  if (r->welcome->head_seq > c->head_seq) c->head_seq = r->welcome->head_seq;
  check_rewind(c, r->welcome);
  if (c->closing) return;
  if (c->token) {
    Pcn__Resume rs = PCN__RESUME__INIT;
    rs.token = c->token;
    Pcn__Request req = PCN__REQUEST__INIT;
    req.body_case = PCN__REQUEST__BODY_RESUME;
    req.resume = &rs;
    if (!call_internal(c, &req, on_resumed, NULL))
      client_lost(c, PCN_ERR_CONNECT, "Could not send the session token.");
    return;
  }
  became_ready(c);
}

static void send_hello(pcn_client *c) {
  Pcn__Hello h = PCN__HELLO__INIT;
  h.protocol_version = PCN_PROTOCOL_VERSION;
  h.client_name = c->name;
  h.client_version = c->version;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_HELLO;
  req.hello = &h;
  if (!call_internal(c, &req, on_welcome, NULL))
    client_lost(c, PCN_ERR_CONNECT, "Could not send Hello to the server.");
}

/* ------------------------------------------------------------ link */

static void link_on_close(uv_handle_t *h) {
  link *ln = (link *)h;
  pcn_tls_free(&ln->tls);
  pcn_frame_reader_free(&ln->fr);
  pcn_arena_free(&ln->arena);
  free(ln);
}

static void link_detach(pcn_client *c) {
  link *ln = c->ln;
  if (!ln) return;
  c->ln = NULL;
  ln->c = NULL;
  if (!uv_is_closing((uv_handle_t *)&ln->tcp))
    uv_close((uv_handle_t *)&ln->tcp, link_on_close);
}

static void on_link_write(uv_write_t *req, int status) {
  link *ln = req->data;
  free(req);
  if (status < 0 && ln->c)
    client_lost(ln->c, PCN_ERR_CONNECT, "The connection to the server broke.");
}

static int link_write_raw(pcn_tls *t, const uint8_t *p, size_t n) {
  link *ln = t->data;
  if (!ln->c) return -1;
  uv_write_t *req = malloc(sizeof *req + n);
  if (!req) return -1;
  uint8_t *copy = (uint8_t *)(req + 1);
  memcpy(copy, p, n);
  req->data = ln;
  uv_buf_t b = uv_buf_init((char *)copy, (unsigned int)n);
  if (uv_write(req, (uv_stream_t *)&ln->tcp, &b, 1, on_link_write) != 0) {
    free(req);
    return -1;
  }
  return 0;
}

static void deliver_event(pcn_client *c, const Pcn__Event *ev) {
  if (ev->seq > c->head_seq) c->head_seq = ev->seq;
  if (ev->seq <= c->last_seq) return; /* never twice */
  c->last_seq = ev->seq;
  if (c->ev_cb) c->ev_cb(c, ev, c->ev_ud);
}

static int link_on_frame(void *ud, const uint8_t *body, size_t len) {
  link *ln = ud;
  pcn_client *c = ln->c;
  if (!c) return 1;
  Pcn__Frame *f = pcn_frame_decode(&ln->arena, body, len);
  if (!f) {
    pcn_arena_reset(&ln->arena);
    client_lost(c, PCN_ERR_CONNECT,
                "The server sent a frame this client cannot read; check that "
                "client and server versions match.");
    return 1;
  }
  /* What the desktop shows must be UTF-8; the server checks what it
   * takes, so a bad string here means a server that is not pcnd's. */
  if (pcn_wire_check_text(&pcn__frame__descriptor, body, len, NULL) !=
      PCN_WIRE_OK) {
    pcn_arena_reset(&ln->arena);
    client_lost(c, PCN_ERR_CONNECT,
                "The server sent text that is not UTF-8 (or holds a NUL "
                "byte); check that this is a PCN Hub server of a matching "
                "version.");
    return 1;
  }
  if (f->body_case == PCN__FRAME__BODY_EVENT && f->event) {
    deliver_event(c, f->event);
  } else if (f->body_case == PCN__FRAME__BODY_HEARTBEAT && f->heartbeat) {
    if (f->heartbeat->head_seq > c->head_seq)
      c->head_seq = f->heartbeat->head_seq;
    /* Every event up to through_seq that we may see has come before this
     * frame: we are level with the feed there, though the last ones were
     * another practice's (and a resume may start from there). */
    if (c->sub_wanted && f->heartbeat->through_seq > c->last_seq &&
        f->heartbeat->through_seq <= c->head_seq)
      c->last_seq = f->heartbeat->through_seq;
  } else if (f->body_case == PCN__FRAME__BODY_RESPONSE && f->response &&
             f->response->status) {
    if (!f->response->status->message) f->response->status->message = "";
    if (f->id == 0) {
      /* About the connection itself; the server closes after it. */
      char msg[400];
      snprintf(msg, sizeof msg, "%s", f->response->status->message);
      int code = f->response->status->code;
      if (f->response->status->details)
        c->retry_after_ms = f->response->status->details->retry_after_ms;
      pcn_arena_reset(&ln->arena);
      if (code == PCN__STATUS_CODE__UNAUTHENTICATED) c->auto_reconnect = 0;
      client_lost(c,
                  code == PCN__STATUS_CODE__UNAVAILABLE ||
                          code == PCN__STATUS_CODE__RESOURCE_EXHAUSTED
                      ? PCN_ERR_CONNECT
                      : PCN_ERR_SERVER,
                  msg);
      return 1;
    }
    pending *p = pending_take(c, f->id);
    if (p) {
      if (p->cb) p->cb(c, f->response, p->ud);
      free(p);
    }
  }
  pcn_arena_reset(&ln->arena);
  return ln->c ? 0 : 1;
}

static int link_on_plain(pcn_tls *t, const uint8_t *p, size_t n) {
  link *ln = t->data;
  if (!ln->c) return 1;
  int rc = pcn_frame_reader_feed(&ln->fr, p, n, link_on_frame, ln, NULL);
  if (rc != PCN_FRAME_OK && rc != PCN_FRAME_ERR_STOPPED && ln->c)
    client_lost(ln->c, PCN_ERR_CONNECT,
                "The server sent a malformed frame; check versions.");
  return ln->c ? 0 : 1;
}

static void link_on_handshake(pcn_tls *t) {
  link *ln = t->data;
  pcn_client *c = ln->c;
  if (!c) return;
  if (c->has_pin) {
    char err[300];
    char *pem =
        pcn_pki_pin_from_peer(ln->tls.ssl, c->pin, c->host, err, sizeof err);
    if (!pem) {
      c->auto_reconnect = 0;
      client_lost(c, PCN_ERR_CONNECT, err);
      return;
    }
    free(c->pinned_ca);
    c->pinned_ca = pem;
  }
  ln->tls_ready = 1;
  send_hello(c);
}

static const pcn_tls_ops link_tls_ops = {
    .on_plain = link_on_plain,
    .write_raw = link_write_raw,
    .on_handshake = link_on_handshake,
};

static void link_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  (void)h;
  buf->base = malloc(suggested);
  buf->len = buf->base ? suggested : 0;
}

static void link_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
  link *ln = (link *)s;
  pcn_client *c = ln->c;
  if (nread > 0 && c) {
    int rc = pcn_tls_feed(&ln->tls, (const uint8_t *)buf->base, (size_t)nread);
    if ((rc == PCN_TLS_ERR || rc == PCN_TLS_CLOSED) && ln->c)
      client_lost(c, PCN_ERR_CONNECT,
                  rc == PCN_TLS_CLOSED ? "The server closed the connection."
                                       : ln->tls.err);
  } else if (nread < 0 && c) {
    client_lost(c, PCN_ERR_CONNECT,
                ln->tls_ready ? "The server closed the connection."
                              : "The TLS handshake with the server failed "
                                "(is it a PCN Hub server, speaking TLS 1.3?).");
  }
  free(buf->base);
}

static void link_on_connect(uv_connect_t *req, int status) {
  link *ln = req->data;
  pcn_client *c = ln->c;
  if (!c) return;
  if (status < 0) {
    char msg[400];
    snprintf(msg, sizeof msg,
             "Cannot connect to %s: %s; check the address and that pcnd is "
             "running.",
             c->server, uv_strerror(status));
    client_lost(c, PCN_ERR_CONNECT, msg);
    return;
  }
  uv_tcp_nodelay(&ln->tcp, 1);
  if (uv_read_start((uv_stream_t *)&ln->tcp, link_alloc, link_on_read) != 0 ||
      pcn_tls_start(&ln->tls) != PCN_TLS_OK)
    client_lost(c, PCN_ERR_CONNECT, "Could not start TLS.");
}

static void link_start(pcn_client *c, const struct sockaddr *addr) {
  link *ln = calloc(1, sizeof *ln);
  if (!ln) {
    client_lost(c, PCN_ERR_CONNECT, "Out of memory.");
    return;
  }
  ln->c = c;
  pcn_frame_reader_init(&ln->fr, c->max_frame);
  pcn_arena_init(&ln->arena, (size_t)c->max_frame * 8);
  uv_tcp_init(c->loop, &ln->tcp);
  c->ln = ln;
  if (pcn_tls_init(&ln->tls, c->ctx, 0, &link_tls_ops, ln) != 0 ||
      pcn_pki_client_set_host(ln->tls.ssl, c->host) != 0) {
    client_lost(c, PCN_ERR_CONNECT, "Could not set up TLS.");
    return;
  }
  ln->connect_req.data = ln;
  int rc = uv_tcp_connect(&ln->connect_req, &ln->tcp, addr, link_on_connect);
  if (rc) {
    char msg[300];
    snprintf(msg, sizeof msg, "Cannot connect to %s: %s.", c->server,
             uv_strerror(rc));
    client_lost(c, PCN_ERR_CONNECT, msg);
  }
}

static void on_resolved(uv_getaddrinfo_t *req, int status,
                        struct addrinfo *res) {
  resolve *rs = (resolve *)req;
  pcn_client *c = rs->c;
  if (c) c->rs = NULL;
  if (c && status == 0 && res) {
    link_start(c, res->ai_addr);
  } else if (c) {
    char msg[400];
    snprintf(msg, sizeof msg,
             "Cannot find the server %s: %s; check the name in the "
             "invitation or --server.",
             c->host, uv_strerror(status));
    client_lost(c, PCN_ERR_CONNECT, msg);
  }
  uv_freeaddrinfo(res);
  free(rs);
}

static void on_timer(uv_timer_t *t) {
  pcn_client *c = t->data;
  if (c->state == PCN_CLIENT_RECONNECTING) {
    client_attempt(c);
  } else if (c->state == PCN_CLIENT_CONNECTING) {
    client_lost(c, PCN_ERR_CONNECT,
                "The server did not answer in time; check the address and "
                "that pcnd is running.");
  } else if (c->state == PCN_CLIENT_READY) {
    Pcn__Ping p = PCN__PING__INIT;
    Pcn__Request req = PCN__REQUEST__INIT;
    req.body_case = PCN__REQUEST__BODY_PING;
    req.ping = &p;
    call_internal(c, &req, NULL, NULL);
    uv_timer_start(&c->timer, on_timer, PING_EVERY_MS, 0);
  }
}

static void client_attempt(pcn_client *c) {
  set_state(c, PCN_CLIENT_CONNECTING, NULL);
  uv_timer_start(&c->timer, on_timer, CONNECT_TIMEOUT_MS, 0);
  struct sockaddr_storage ss;
  if (uv_ip4_addr(c->host, c->port, (struct sockaddr_in *)&ss) == 0 ||
      uv_ip6_addr(c->host, c->port, (struct sockaddr_in6 *)&ss) == 0) {
    link_start(c, (struct sockaddr *)&ss);
    return;
  }
  resolve *rs = calloc(1, sizeof *rs);
  if (!rs) {
    client_lost(c, PCN_ERR_CONNECT, "Out of memory.");
    return;
  }
  rs->c = c;
  c->rs = rs;
  char port[16];
  snprintf(port, sizeof port, "%d", c->port);
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_STREAM;
  if (uv_getaddrinfo(c->loop, &rs->req, on_resolved, c->host, port, &hints)) {
    c->rs = NULL;
    free(rs);
    client_lost(c, PCN_ERR_CONNECT, "Could not look up the server's name.");
  }
}

/* The connection is gone (or never came): answer what was pending, then
 * retry with backoff or give up. */
static void client_lost(pcn_client *c, pcn_error_class cls, const char *msg) {
  char copy[400];
  snprintf(copy, sizeof copy, "%s", msg); /* msg may live in the link */
  link_detach(c);
  if (c->rs) {
    c->rs->c = NULL;
    uv_cancel((uv_req_t *)&c->rs->req);
    c->rs = NULL;
  }
  uv_timer_stop(&c->timer);
  set_error(c, cls, copy);
  char lost[500];
  snprintf(lost, sizeof lost,
           "The connection to the server was lost (%s); "
           "try again.",
           copy);
  pending_fail_all(c, lost);
  if (c->closing) return;
  if (c->auto_reconnect) {
    uint64_t delay = BACKOFF_FIRST_MS << (c->attempt < 6 ? c->attempt : 6);
    if (delay > BACKOFF_MAX_MS) delay = BACKOFF_MAX_MS;
    delay = delay * (80 + (uint64_t)(rand() % 41)) / 100; /* +-20% jitter */
    /* A busy server says when to come back: not before, and spread over
     * the 40% after, so the clients it refused together do not return
     * together. */
    if (delay < c->retry_after_ms)
      delay =
          (uint64_t)c->retry_after_ms * (100 + (uint64_t)(rand() % 41)) / 100;
    c->retry_after_ms = 0;
    c->attempt++;
    c->retry_at = uv_now(c->loop) + delay;
    uv_timer_start(&c->timer, on_timer, delay, 0);
    set_state(c, PCN_CLIENT_RECONNECTING, copy);
  } else {
    c->retry_after_ms = 0;
    set_state(c, PCN_CLIENT_FAILED, copy);
  }
}

/* ------------------------------------------------------------ public */

/* libuv writes with write(2), which raises SIGPIPE when the server has
 * reset the connection; a program that left it at its default would die
 * instead of reconnecting. Ignored here unless the program chose a handler
 * of its own (Windows has no SIGPIPE). */
static void ignore_sigpipe(void) {
#ifndef _WIN32
  struct sigaction sa;
  if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL)
    signal(SIGPIPE, SIG_IGN);
#endif
}

pcn_client *pcn_client_new(uv_loop_t *loop, const pcn_client_config *cfg) {
  if (!cfg->server || (!cfg->ca_pem && !cfg->pin_sha256)) return NULL;
  ignore_sigpipe();
  pcn_client *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->loop = loop;
  c->server = dupstr(cfg->server);
  c->ca_pem = dupstr(cfg->ca_pem);
  c->name = dupstr(cfg->client_name ? cfg->client_name : "libpcnclient");
  c->version = dupstr(cfg->client_version ? cfg->client_version : PCN_VERSION);
  c->token = dupstr(cfg->token);
  c->auto_reconnect = cfg->auto_reconnect;
  c->max_frame = cfg->max_frame ? cfg->max_frame : CLIENT_MAX_FRAME;
  if (cfg->pin_sha256) {
    memcpy(c->pin, cfg->pin_sha256, 32);
    c->has_pin = 1;
  }
  char err[300];
  if (!c->server || !c->name || !c->version ||
      pcn_split_hostport(c->server, c->host, sizeof c->host, &c->port) ||
      !(c->ctx = pcn_pki_client_ctx(c->has_pin ? NULL : c->ca_pem, err,
                                    sizeof err))) {
    free(c->server);
    free(c->ca_pem);
    free(c->name);
    free(c->version);
    free(c->token);
    free(c);
    return NULL;
  }
  uv_timer_init(loop, &c->timer);
  c->timer.data = c;
  uv_prepare_init(loop, &c->flusher);
  c->flusher.data = c;
  c->handles_open = 2;
  return c;
}

void pcn_client_on_state(pcn_client *c, pcn_state_cb cb, void *ud) {
  c->state_cb = cb;
  c->state_ud = ud;
}

void pcn_client_on_rewind(pcn_client *c, pcn_rewind_cb cb, void *ud) {
  c->rewind_cb = cb;
  c->rewind_ud = ud;
}

int pcn_client_connect(pcn_client *c) {
  if (c->state == PCN_CLIENT_CONNECTING || c->state == PCN_CLIENT_READY)
    return 0;
  c->attempt = 0;
  client_attempt(c);
  return 0;
}

int pcn_client_subscribe(pcn_client *c, uint64_t since_seq, pcn_event_cb cb,
                         void *ud) {
  c->sub_wanted = 1;
  c->ev_cb = cb;
  c->ev_ud = ud;
  c->last_seq = since_seq;
  if (c->state == PCN_CLIENT_READY) send_subscribe(c);
  return 0;
}

void pcn_client_set_token(pcn_client *c, const char *token) {
  free(c->token);
  c->token = dupstr(token);
}

pcn_client_state pcn_client_get_state(const pcn_client *c) {
  return c->state;
}
pcn_error_class pcn_client_error_class(const pcn_client *c) {
  return c->cls;
}
const char *pcn_client_error(const pcn_client *c) {
  return c->err;
}
int pcn_client_pause(pcn_client *c, int paused) {
  if (!c->ln || !c->ln->tls_ready) return -1;
  uv_stream_t *st = (uv_stream_t *)&c->ln->tcp;
  if (paused) return uv_read_stop(st) == 0 ? 0 : -1;
  int rc = uv_read_start(st, link_alloc, link_on_read);
  return rc == 0 || rc == UV_EALREADY ? 0 : -1;
}
uint64_t pcn_client_last_seq(const pcn_client *c) {
  return c->last_seq;
}
uint64_t pcn_client_head_seq(const pcn_client *c) {
  return c->head_seq;
}
const char *pcn_client_pinned_ca(const pcn_client *c) {
  return c->pinned_ca;
}
const char *pcn_client_store_epoch(const pcn_client *c) {
  return c->epoch;
}
const Pcn__Welcome *pcn_client_welcome(const pcn_client *c) {
  return c->welcome;
}
uint64_t pcn_client_retry_in(const pcn_client *c) {
  uint64_t now = uv_now(c->loop);
  return c->state == PCN_CLIENT_RECONNECTING && c->retry_at > now
             ? c->retry_at - now
             : 0;
}

static void client_on_handle_close(uv_handle_t *h) {
  pcn_client *c = h->data;
  if (--c->handles_open) return;
  free(c->server);
  free(c->ca_pem);
  free(c->name);
  free(c->version);
  free(c->token);
  free(c->pinned_ca);
  if (c->welcome) pcn__welcome__free_unpacked(c->welcome, NULL);
  SSL_CTX_free(c->ctx);
  free(c);
}

void pcn_client_discard(pcn_client *c) {
  if (!c || c->closing) return;
  c->discard = 1;
  c->ev_cb = NULL;
  c->rewind_cb = NULL;
  pcn_client_close(c);
}

void pcn_client_close(pcn_client *c) {
  if (!c || c->closing) return;
  c->closing = 1;
  c->auto_reconnect = 0;
  c->state_cb = NULL;
  if (c->ln && c->ln->tls_ready) {
    pcn_tls_shutdown(&c->ln->tls);
  }
  link_detach(c);
  if (c->rs) {
    c->rs->c = NULL;
    uv_cancel((uv_req_t *)&c->rs->req);
    c->rs = NULL;
  }
  pending_fail_all(c, "The client was closed before the server answered.");
  uv_timer_stop(&c->timer);
  uv_close((uv_handle_t *)&c->timer, client_on_handle_close);
  uv_prepare_stop(&c->flusher);
  uv_close((uv_handle_t *)&c->flusher, client_on_handle_close);
}
