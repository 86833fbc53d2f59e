/* control.c - the control socket: DIR/pcnd.sock, how `pcnd status` and
 * `pcnd invite` on the server host talk to a running pcnd (ops.h).
 *
 * Protocol: the client sends one JSON object on one line, at most
 * CTL_MAX_REQUEST bytes; the server answers one JSON object on one line and
 * closes. {"op":"status"} answers the status snapshot; {"op":"invite",
 * "username":..., "name":...} answers {"ok":true, "code", "expires_at"}
 * once the invitation is committed. Failures are {"ok":false, "error":
 * sentence}.
 *
 * Who may connect: the socket is 0600 in the 0700 data directory, and a
 * peer whose uid (SO_PEERCRED) is neither the server's nor root's is
 * closed unanswered.
 *
 * Lifetime of a client: refs counts the pipe, the timer and a write in
 * flight; the last of them to finish frees it. A client that goes away
 * while its invitation is in the writer costs nothing: the reply is
 * dropped, the invitation still committed (its event is in the feed).
 */
#define _GNU_SOURCE /* struct ucred */
#include "ops.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "validate.h"
#include "log.h"

#define CTL_MAX_REQUEST 4096
#define CTL_MAX_CLIENTS 16
#define CTL_TIMEOUT_MS 10000

typedef struct ctl_client {
  uv_pipe_t pipe; /* first: a handle pointer is a client pointer */
  uv_timer_t timer;
  struct ops *ops;
  struct ctl_client *prev, *next;
  int refs;
  int closing;
  int answered; /* a reply has been queued */
  int waiting;  /* an invitation is in the writer */
  size_t len;
  char buf[CTL_MAX_REQUEST + 1];
} ctl_client;

typedef struct ctl_write {
  uv_write_t req;
  ctl_client *c;
  char *text;
} ctl_write;

static void client_unref(ctl_client *c) {
  if (--c->refs > 0) return;
  free(c);
}

static void on_client_closed(uv_handle_t *h) {
  client_unref(h->data);
}

static void client_close(ctl_client *c) {
  if (c->closing) return;
  c->closing = 1;
  struct ops *o = c->ops;
  if (c->prev)
    c->prev->next = c->next;
  else
    o->clients = c->next;
  if (c->next) c->next->prev = c->prev;
  o->nclients--;
  uv_timer_stop(&c->timer);
  uv_close((uv_handle_t *)&c->timer, on_client_closed);
  uv_close((uv_handle_t *)&c->pipe, on_client_closed);
}

static void on_written(uv_write_t *req, int status) {
  (void)status;
  ctl_write *w = req->data;
  ctl_client *c = w->c;
  free(w->text);
  free(w);
  client_close(c); /* one request, one reply */
  client_unref(c);
}

/* Queues obj as one line and closes after it. Steals obj. */
static void client_reply(ctl_client *c, json_t *obj) {
  char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
  json_decref(obj);
  ctl_write *w = calloc(1, sizeof *w);
  size_t n = text ? strlen(text) : 0;
  char *line = text ? realloc(text, n + 2) : NULL;
  if (!w || !line) {
    free(w);
    free(line ? line : text);
    client_close(c);
    return;
  }
  line[n] = '\n';
  line[n + 1] = 0;
  c->answered = 1;
  uv_read_stop((uv_stream_t *)&c->pipe);
  w->c = c;
  w->text = line;
  w->req.data = w;
  uv_buf_t b = uv_buf_init(line, (unsigned)(n + 1));
  c->refs++;
  if (uv_write(&w->req, (uv_stream_t *)&c->pipe, &b, 1, on_written) != 0) {
    free(line);
    free(w);
    client_close(c);
    client_unref(c);
  }
}

static void reply_error(ctl_client *c, const char *msg) {
  json_t *o = json_object();
  json_object_set_new(o, "ok", json_false());
  json_object_set_new(o, "error", json_string(msg));
  client_reply(c, o);
}

/* ------------------------------------------------------------ requests */

static void do_status(ctl_client *c) {
  ops_snapshot snap;
  ops_snapshot_live(c->ops->srv, &snap);
  json_t *o = ops_snapshot_json(&snap);
  json_object_set_new(o, "ok", json_true());
  client_reply(c, o);
}

static void invite_done(server *s, void *ud, const ops_invite *res) {
  (void)s;
  ctl_client *c = ud;
  c->waiting = 0;
  if (!c->closing) {
    if (res->code != 0) {
      reply_error(c, res->message);
    } else {
      json_t *o = json_object();
      json_object_set_new(o, "ok", json_true());
      json_object_set_new(o, "code", json_string(res->join_code));
      json_object_set_new(o, "expires_at", json_integer(res->expires_at));
      client_reply(c, o);
    }
  }
  client_unref(c); /* the writer's hold */
}

static void do_invite(ctl_client *c, json_t *req) {
  const char *user = json_string_value(json_object_get(req, "username"));
  const char *name = json_string_value(json_object_get(req, "name"));
  if (!user || !name) {
    reply_error(c, "An invitation needs a username and a name.");
    return;
  }
  ops_invite res;
  c->refs++;
  c->waiting = 1;
  if (recovery_submit(c->ops->srv, user, name, invite_done, c, &res)) {
    c->waiting = 0;
    client_unref(c);
    reply_error(c, res.message);
  }
}

static void handle_line(ctl_client *c) {
  json_error_t jerr;
  json_t *req = json_loadb(c->buf, c->len, 0, &jerr);
  const char *op = json_string_value(json_object_get(req, "op"));
  if (!op)
    reply_error(c, "The control socket takes one JSON object with an \"op\" "
                   "on one line; use `pcnd status` or `pcnd invite`.");
  else if (!strcmp(op, "status"))
    do_status(c);
  else if (!strcmp(op, "invite"))
    do_invite(c, req);
  else
    reply_error(c, "Unknown op; the control socket knows status and "
                   "invite.");
  json_decref(req);
}

/* ------------------------------------------------------------ I/O */

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b) {
  (void)hint;
  ctl_client *c = h->data;
  b->base = c->buf + c->len;
  b->len = CTL_MAX_REQUEST - c->len;
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b) {
  (void)b;
  ctl_client *c = st->data;
  if (n < 0) {
    if (!c->answered) client_close(c);
    return;
  }
  if (c->answered || c->waiting) return;
  c->len += (size_t)n;
  char *nl = memchr(c->buf, '\n', c->len);
  if (nl) {
    c->len = (size_t)(nl - c->buf);
    uv_read_stop(st);
    handle_line(c);
  } else if (c->len >= CTL_MAX_REQUEST) {
    uv_read_stop(st);
    reply_error(c, "The request is too long; the control socket takes one "
                   "line of at most 4096 bytes.");
  }
}

static void on_timeout(uv_timer_t *t) {
  ctl_client *c = t->data;
  /* An invitation in the writer still commits; only the reply is lost. */
  client_close(c);
}

/* Whether the peer is this server's user or root. */
static int peer_allowed(ctl_client *c) {
  uv_os_fd_t fd;
  struct ucred cred;
  socklen_t len = sizeof cred;
  if (uv_fileno((uv_handle_t *)&c->pipe, &fd) != 0 ||
      getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
    return 0;
  return cred.uid == geteuid() || cred.uid == 0;
}

static void on_connection(uv_stream_t *server_h, int status) {
  struct ops *o = server_h->data;
  if (status < 0) return;
  ctl_client *c = calloc(1, sizeof *c);
  if (!c) return;
  c->ops = o;
  uv_pipe_init(o->srv->loop, &c->pipe, 0);
  uv_timer_init(o->srv->loop, &c->timer);
  c->pipe.data = c->timer.data = c;
  c->refs = 2; /* the two handles */
  c->next = o->clients;
  if (o->clients) o->clients->prev = c;
  o->clients = c;
  o->nclients++;
  if (uv_accept(server_h, (uv_stream_t *)&c->pipe) != 0 || o->stopping ||
      o->nclients > CTL_MAX_CLIENTS || !peer_allowed(c)) {
    client_close(c);
    return;
  }
  uv_timer_start(&c->timer, on_timeout, CTL_TIMEOUT_MS, 0);
  uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read);
}

/* ------------------------------------------------------------ lifetime */

int ctl_start(server *s, char *err, size_t errlen) {
  struct ops *o = s->ops;
  struct sockaddr_un probe;
  int n = snprintf(o->sock_path, sizeof o->sock_path, "%s/" OPS_SOCK_FILE,
                   s->cfg.data_dir);
  if (n < 0 || (size_t)n >= sizeof probe.sun_path) {
    /* Serving matters more than the control socket: say so and go on.
     * `pcnd invite` then finds the lock held and says to stop pcnd. */
    pcnd_log(LOG_WARNING,
             "the data directory's path is too long for a control socket "
             "(%d bytes, at most %zu); `pcnd status` and `pcnd invite` will "
             "not reach this server.",
             n, sizeof probe.sun_path - 1);
    o->sock_path[0] = 0;
    return 0;
  }
  (void)err;
  (void)errlen;
  /* We hold the lock: any socket file here is a killed server's. */
  if (unlink(o->sock_path) != 0 && errno != ENOENT) {
    snprintf(err, errlen, "Could not remove the old control socket %s: %s.",
             o->sock_path, strerror(errno));
    o->sock_path[0] = 0;
    return -1;
  }
  uv_pipe_init(s->loop, &o->ctl, 0);
  o->ctl.data = o;
  o->ctl_on = 1;
  int rc = uv_pipe_bind(&o->ctl, o->sock_path);
  if (rc == 0) o->ctl_made = 1;
  if (rc == 0 && chmod(o->sock_path, 0600) != 0)
    rc = uv_translate_sys_error(errno);
  if (rc == 0) rc = uv_listen((uv_stream_t *)&o->ctl, 8, on_connection);
  if (rc) {
    snprintf(err, errlen, "Could not make the control socket %s: %s.",
             o->sock_path, uv_strerror(rc));
    return -1;
  }
  return 0;
}

void ctl_stop(server *s) {
  struct ops *o = s->ops;
  if (o->ctl_on) {
    uv_close((uv_handle_t *)&o->ctl, NULL);
    o->ctl_on = 0; /* ops_free unlinks the file, off the loop */
  }
  /* Clients still reading get nothing; those with an invitation in the
   * writer are answered when it comes back, then close. */
  for (ctl_client *c = o->clients, *next; c; c = next) {
    next = c->next;
    if (!c->waiting && !c->answered) client_close(c);
  }
}
