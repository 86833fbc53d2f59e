/* metrics.c - `pcnd run --metrics 127.0.0.1:PORT`: the status numbers as
 * Prometheus text exposition (format 0.0.4) over plain HTTP (ops.h).
 *
 * Loopback only: it carries no secrets, but it is not TLS and has no
 * login, so --metrics refuses any other address. Deliberately minimal and
 * hard to upset: one request per connection, read until the blank line
 * ending the head (at most HTTP_MAX_HEAD bytes, the body of a request is
 * never read), HTTP_TIMEOUT_MS from accept to the reply, at most
 * HTTP_MAX_CLIENTS at once, and the connection closes after the reply
 * (once the client has closed, or HTTP_LINGER_MS later).
 * GET /metrics answers 200; another path 404; another method 405; a head
 * that is too long or not HTTP 400.
 */
#include "ops.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "buf.h"
#include "log.h"

#define HTTP_MAX_HEAD 4096
#define HTTP_MAX_CLIENTS 32
#define HTTP_TIMEOUT_MS 5000
#define HTTP_LINGER_MS 1000 /* after the reply: read and drop what is left */

typedef struct http_client {
  uv_tcp_t tcp; /* first */
  uv_timer_t timer;
  struct ops *ops;
  struct http_client *prev, *next;
  int refs; /* the two handles and a write in flight */
  int closing, answered;
  int draining; /* reply sent, write side shut: reading to EOF, dropping */
  size_t len;
  char head[HTTP_MAX_HEAD];
  uv_write_t wreq;
  uv_shutdown_t sreq;
  pcn_buf out;
} http_client;

int metrics_parse(const char *spec, struct sockaddr_storage *ss, char *err,
                  size_t errlen) {
  char host[256];
  int port;
  memset(ss, 0, sizeof *ss);
  if (pcn_split_hostport(spec, host, sizeof host, &port) || port < 0 ||
      port > 65535) {
    snprintf(err, errlen,
             "--metrics takes a loopback HOST:PORT such as 127.0.0.1:9464, "
             "not '%s'.",
             spec);
    return -1;
  }
  struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
  if (!strcmp(host, "localhost")) snprintf(host, sizeof host, "127.0.0.1");
  if (uv_ip4_addr(host, port, a4) == 0) {
    if ((ntohl(a4->sin_addr.s_addr) >> 24) == 127) return 0;
  } else if (uv_ip6_addr(host, port, a6) == 0) {
    if (IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr)) return 0;
  }
  snprintf(err, errlen,
           "--metrics serves plain HTTP without a login, so it listens on "
           "loopback only (127.0.0.1:PORT or [::1]:PORT), not '%s'; put a "
           "proxy or Prometheus on the server host to reach it.",
           spec);
  return -1;
}

/* ------------------------------------------------------------ exposition */

static void metric(pcn_buf *b, const char *name, const char *type,
                   const char *help, double v) {
  char line[512];
  int n = snprintf(line, sizeof line, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n",
                   name, help, name, type, name, v);
  if (n > 0 && (size_t)n < sizeof line) pcn_buf_append(b, line, (size_t)n);
}

/* The whole exposition for this moment, appended to b. */
static void metrics_render(server *s, pcn_buf *b) {
  ops_snapshot n;
  ops_snapshot_live(s, &n);
  char line[256];
  int k = snprintf(line, sizeof line,
                   "# HELP pcnd_build_info The running pcnd's version.\n"
                   "# TYPE pcnd_build_info gauge\n"
                   "pcnd_build_info{version=\"%s\"} 1\n",
                   PCN_VERSION);
  if (k > 0 && (size_t)k < sizeof line) pcn_buf_append(b, line, (size_t)k);
  metric(b, "pcnd_start_time_seconds", "gauge",
         "When this pcnd started, Unix seconds.",
         (double)n.up_since_ms / 1000.0);
  metric(b, "pcnd_feed_head_seq", "gauge",
         "Sequence number of the newest event published.", (double)n.head_seq);
  metric(b, "pcnd_feed_oldest_seq", "gauge",
         "Sequence number of the oldest event the feed holds.",
         (double)n.oldest_seq);
  metric(b, "pcnd_connections", "gauge", "Open client connections.",
         n.connections);
  metric(b, "pcnd_connections_logged_in", "gauge",
         "Open connections with a member logged in.", n.logged_in);
  metric(b, "pcnd_subscribers", "gauge",
         "Connections subscribed to the live feed.", n.subscribers);
  metric(b, "pcnd_sessions_stored", "gauge",
         "Sessions in the store, expired ones not yet purged included.",
         (double)n.sessions);
  metric(b, "pcnd_requests_total", "counter", "Requests received.",
         (double)n.requests);
  metric(b, "pcnd_writes_total", "counter",
         "Writes handed to the writer thread.", (double)n.writes);
  metric(b, "pcnd_write_batches_total", "counter",
         "Group commits (one fsync pair each) returned to the loop.",
         (double)n.batches);
  metric(b, "pcnd_write_batch_seconds_total", "counter",
         "Time the writer spent applying and committing batches.",
         (double)n.batch_ns / 1e9);
  metric(b, "pcnd_writes_pending", "gauge",
         "Writes submitted and not yet answered.", n.writes_pending);
  metric(b, "pcnd_events_sent_total", "counter",
         "Feed events sent to subscribers.", (double)n.events_out);
  metric(b, "pcnd_subscribers_cut_total", "counter",
         "Slow subscribers cut at their output limit.", (double)n.cuts);
  metric(b, "pcnd_output_unsent_bytes", "gauge",
         "Output queued and not yet sent, all connections.",
         (double)n.out_bytes);
  metric(b, "pcnd_output_largest_bytes", "gauge",
         "Output queued and not yet sent on the connection holding the most.",
         (double)n.out_largest);
  metric(b, "pcnd_output_budget_bytes", "gauge",
         "--output-budget: past it the connection holding the most is cut.",
         (double)n.out_budget);
  metric(b, "pcnd_output_budget_cuts_total", "counter",
         "Connections cut because all output passed --output-budget.",
         (double)n.budget_cuts);
  metric(b, "pcnd_connections_rejected_total", "counter",
         "Connections refused over --max-conns or --max-anon-per-addr.",
         (double)n.rejected_conns);
  metric(b, "pcnd_password_checks_total", "counter",
         "Password checks and hashes started (logins, joins, password "
         "changes).",
         (double)n.pw_checks);
  metric(b, "pcnd_logins_refused_total", "counter",
         "Logins, password changes and joins refused before any hashing "
         "(backoff, one at a time, backoff table full).",
         (double)n.logins_refused);
  metric(b, "pcnd_lmdb_map_size_bytes", "gauge",
         "Size of the LMDB map (it grows when full).", (double)n.map_size);
  metric(b, "pcnd_lmdb_map_used_bytes", "gauge",
         "Bytes of the LMDB map in use (up to the last page).",
         (double)n.map_used);
  metric(b, "pcnd_lmdb_map_free_bytes", "gauge",
         "Bytes of the LMDB map not yet used.",
         (double)(n.map_size > n.map_used ? n.map_size - n.map_used : 0));
  metric(b, "pcnd_lmdb_readers", "gauge", "LMDB reader slots in use.",
         n.readers);
  metric(b, "pcnd_lmdb_readers_max", "gauge", "LMDB reader slots in all.",
         n.max_readers);
  metric(b, "pcnd_backup_last_time_seconds", "gauge",
         "When this pcnd's last backup finished, Unix seconds; 0 none yet.",
         (double)n.backup_ms / 1000.0);
  metric(b, "pcnd_backup_last_success", "gauge",
         "1 if this pcnd's last backup succeeded, 0 if it failed or none yet.",
         n.backup_ms && n.backup_ok ? 1 : 0);
  metric(b, "pcnd_cert_expiry_time_seconds", "gauge",
         "When the served certificate expires, Unix seconds; 0 unknown.",
         (double)n.cert_not_after);
}

/* ------------------------------------------------------------ HTTP */

static void client_unref(http_client *c) {
  if (--c->refs > 0) return;
  pcn_buf_free(&c->out);
  free(c);
}

static void on_closed(uv_handle_t *h) {
  client_unref(h->data);
}

static void client_close(http_client *c) {
  if (c->closing) return;
  c->closing = 1;
  struct ops *o = c->ops;
  if (c->prev)
    c->prev->next = c->next;
  else
    o->hclients = c->next;
  if (c->next) c->next->prev = c->prev;
  o->nhclients--;
  uv_timer_stop(&c->timer);
  uv_close((uv_handle_t *)&c->timer, on_closed);
  uv_close((uv_handle_t *)&c->tcp, on_closed);
}

static void on_shutdown(uv_shutdown_t *req, int status) {
  (void)status;
  client_unref(req->data); /* EOF from the client, or the timer, closes */
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b);
static void on_timeout(uv_timer_t *t);
static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b);

/* A close with unread input makes TCP send a reset, which can destroy the
 * reply before the client reads it; so after the reply the server shuts
 * its side and reads (dropping) until the client closes, for at most
 * HTTP_LINGER_MS. */
static void on_written(uv_write_t *req, int status) {
  http_client *c = req->data;
  if (status < 0 || c->closing || c->ops->stopping) {
    client_close(c);
    client_unref(c);
    return;
  }
  c->draining = 1;
  c->sreq.data = c;
  c->refs++;
  if (uv_shutdown(&c->sreq, (uv_stream_t *)&c->tcp, on_shutdown) != 0) {
    c->refs--;
    client_close(c);
  } else {
    uv_timer_start(&c->timer, on_timeout, HTTP_LINGER_MS, 0);
    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
  }
  client_unref(c); /* the write's hold */
}

static void respond(http_client *c, const char *status, const char *type,
                    const pcn_buf *body) {
  char head[256];
  size_t blen = body ? body->len : strlen(status) + 1;
  int n = snprintf(head, sizeof head,
                   "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                   "Connection: close\r\n\r\n",
                   status, type, blen);
  c->answered = 1;
  uv_read_stop((uv_stream_t *)&c->tcp);
  pcn_buf_append(&c->out, head, (size_t)n);
  if (body)
    pcn_buf_append(&c->out, body->data, body->len);
  else {
    pcn_buf_append(&c->out, status, strlen(status));
    pcn_buf_append(&c->out, "\n", 1);
  }
  uv_buf_t b = uv_buf_init((char *)c->out.data, (unsigned)c->out.len);
  c->wreq.data = c;
  c->refs++;
  if (uv_write(&c->wreq, (uv_stream_t *)&c->tcp, &b, 1, on_written) != 0) {
    client_close(c);
    client_unref(c);
  }
}

static void handle_head(http_client *c) {
  /* Request line: METHOD SP TARGET SP HTTP/1.x, looked at alone. */
  const char *line = c->head;
  const char *eol = memchr(line, '\r', c->len);
  size_t llen = eol ? (size_t)(eol - line) : 0;
  const char *sp1 = memchr(line, ' ', llen);
  const char *sp2 =
      sp1 ? memchr(sp1 + 1, ' ', llen - (size_t)(sp1 + 1 - line)) : NULL;
  if (!sp1 || !sp2 || llen - (size_t)(sp2 + 1 - line) != 8 ||
      memcmp(sp2 + 1, "HTTP/1.", 7) != 0) {
    respond(c, "400 Bad Request", "text/plain; charset=utf-8", NULL);
    return;
  }
  size_t mlen = (size_t)(sp1 - c->head), tlen = (size_t)(sp2 - sp1 - 1);
  int is_get = mlen == 3 && !memcmp(line, "GET", 3);
  int is_head = mlen == 4 && !memcmp(line, "HEAD", 4);
  if (!is_get && !is_head) {
    respond(c, "405 Method Not Allowed", "text/plain; charset=utf-8", NULL);
    return;
  }
  /* /metrics, with or without a query string. */
  if (!(tlen >= 8 && !memcmp(sp1 + 1, "/metrics", 8) &&
        (tlen == 8 || sp1[9] == '?'))) {
    respond(c, "404 Not Found", "text/plain; charset=utf-8", NULL);
    return;
  }
  pcn_buf body;
  pcn_buf_init(&body);
  if (is_get) metrics_render(c->ops->srv, &body);
  respond(c, "200 OK", "text/plain; version=0.0.4; charset=utf-8", &body);
  pcn_buf_free(&body);
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b) {
  (void)hint;
  http_client *c = h->data;
  if (c->draining) c->len = 0; /* the head is answered: reuse it */
  b->base = c->head + c->len;
  b->len = HTTP_MAX_HEAD - c->len;
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b) {
  (void)b;
  http_client *c = st->data;
  if (c->draining && n < 0) client_close(c);
  if (c->answered) return;
  if (n < 0) {
    client_close(c);
    return;
  }
  size_t from = c->len >= 3 ? c->len - 3 : 0; /* the end may straddle */
  c->len += (size_t)n;
  for (size_t i = from; i + 4 <= c->len; i++) {
    if (!memcmp(c->head + i, "\r\n\r\n", 4)) {
      handle_head(c);
      return;
    }
  }
  if (c->len >= HTTP_MAX_HEAD)
    respond(c, "400 Bad Request", "text/plain; charset=utf-8", NULL);
}

static void on_timeout(uv_timer_t *t) {
  client_close(t->data);
}

static void on_connection(uv_stream_t *lh, int status) {
  struct ops *o = lh->data;
  if (status < 0) return;
  http_client *c = calloc(1, sizeof *c);
  if (!c) return;
  c->ops = o;
  pcn_buf_init(&c->out);
  uv_tcp_init(o->srv->loop, &c->tcp);
  uv_timer_init(o->srv->loop, &c->timer);
  c->tcp.data = c->timer.data = c;
  c->refs = 2;
  c->next = o->hclients;
  if (o->hclients) o->hclients->prev = c;
  o->hclients = c;
  o->nhclients++;
  if (uv_accept(lh, (uv_stream_t *)&c->tcp) != 0 || o->stopping ||
      o->nhclients > HTTP_MAX_CLIENTS) {
    client_close(c);
    return;
  }
  uv_timer_start(&c->timer, on_timeout, HTTP_TIMEOUT_MS, 0);
  uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

int metrics_start(server *s, char *err, size_t errlen) {
  struct ops *o = s->ops;
  struct sockaddr_storage ss;
  if (metrics_parse(s->cfg.metrics, &ss, err, errlen)) return -1;
  uv_tcp_init(s->loop, &o->http);
  o->http.data = o;
  o->http_on = 1;
  int rc = uv_tcp_bind(&o->http, (struct sockaddr *)&ss, 0);
  if (rc == 0) rc = uv_listen((uv_stream_t *)&o->http, 64, on_connection);
  if (rc) {
    snprintf(err, errlen,
             "Could not serve metrics on %s: %s; choose another port with "
             "--metrics.",
             s->cfg.metrics, uv_strerror(rc));
    return -1;
  }
  pcnd_log(LOG_INFO, "metrics on http://%s/metrics", s->cfg.metrics);
  return 0;
}

void metrics_stop(server *s) {
  struct ops *o = s->ops;
  if (o->http_on) {
    uv_close((uv_handle_t *)&o->http, NULL);
    o->http_on = 0;
  }
  for (http_client *c = o->hclients, *next; c; c = next) {
    next = c->next;
    if (!c->answered || c->draining) client_close(c);
  }
}
