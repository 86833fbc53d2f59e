/* cmd_feed.c - pcn feed: every change the moment it is committed, one line
 * each (JSON lines with --json), until interrupted.
 *
 * Unlike the other commands it runs libpcnclient asynchronously on its own
 * loop with auto_reconnect, so a server restart or a dropped network costs
 * nothing: the client resubscribes from the last seq it delivered, and
 * every event prints exactly once. Notices about the connection go to
 * stderr, so stdout stays clean for scripts.
 *
 * Where it starts: by default the last FEED_TAIL events then live (like
 * tail -f); --since N starts after seq N (0: all the history the server
 * keeps). --count N exits 0 after N events, for scripts and tests.
 *
 * A server restored from a backup has gone back in time (a new store
 * epoch): the feed says on stderr how many of the events it printed are
 * gone, and carries on from the restored head (a JSON object on stderr
 * with --json).
 *
 * When the session ends (16 days unused, 30 after login) and a person is
 * at the terminal, it asks "Password for jo:", logs in again (saving the
 * new session as pcn login does) and carries on after the last event it
 * printed: nothing missed, nothing twice (issue 20). Without a terminal
 * (a script, --json into a pipe) no one can type it mid-stream: it exits
 * as before with "Your session has ended; run pcn login".
 *
 * Exit: 0 on SIGINT/SIGTERM or --count reached; 2 the server refused (the
 * session ended and no password came, the history asked for is gone); 3
 * cannot connect at the start (after the first connection it retries for
 * ever).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "config.h"
#include "validate.h"

#define FEED_TAIL 10
#define FEED_PW_MAX (PCN_MAX_PASSWORD + 2)
#define FEED_PW_TRIES 3

typedef struct feed {
  cli_ctx *c;
  uv_loop_t loop;
  pcn_client *client;
  uv_signal_t sigint, sigterm;
  uv_timer_t stop;  /* closes everything from a clean stack */
  uv_timer_t again; /* logs in again from a clean stack */
  int has_since;
  uint64_t since;
  uint64_t count; /* 0: no limit */
  uint64_t printed;
  int subscribed;
  int ever_ready;
  int rc;
  int stopping;
} feed;

/* One line a person reads: "#12  2026-11-23 10:04  sam  created task 7
 * "Flu clinic rota" (network)". */
static void print_event(const Pcn__Event *ev) {
  char tm[20];
  cli_format_time(ev->at, tm);
  char what[1200];
  pcn_event_describe(ev, what, sizeof what);
  printf("#%-5llu %s  %-12s %s\n", (unsigned long long)ev->seq, tm,
         ev->actor[0] ? ev->actor : "(server)", what);
}

static void on_stop(uv_timer_t *t) {
  feed *f = t->data;
  if (f->client) pcn_client_close(f->client);
  f->client = NULL;
  uv_close((uv_handle_t *)&f->sigint, NULL);
  uv_close((uv_handle_t *)&f->sigterm, NULL);
  uv_close((uv_handle_t *)&f->stop, NULL);
  uv_close((uv_handle_t *)&f->again, NULL);
}

/* Stops with exit code rc; safe from inside the client's callbacks. */
static void feed_stop(feed *f, int rc) {
  if (f->stopping) return;
  f->stopping = 1;
  f->rc = rc;
  uv_timer_start(&f->stop, on_stop, 0, 0);
}

static void on_signal(uv_signal_t *s, int signum) {
  (void)signum;
  feed_stop(s->data, EXIT_DONE);
}

static void on_event(pcn_client *cl, const Pcn__Event *ev, void *ud) {
  (void)cl;
  feed *f = ud;
  if (f->stopping) return;
  if (f->c->json) {
    json_t *j = pb_to_json((const ProtobufCMessage *)ev);
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (s) puts(s);
    free(s);
    json_decref(j);
  } else {
    print_event(ev);
  }
  fflush(stdout);
  if (f->count && ++f->printed >= f->count) feed_stop(f, EXIT_DONE);
}

static void on_rewind(pcn_client *cl, uint64_t lost, uint64_t from_seq,
                      void *ud) {
  feed *f = ud;
  if (f->c->json) {
    json_t *j =
        json_pack("{s:b, s:I, s:I, s:s}", "server_restored", 1, "events_lost",
                  (json_int_t)lost, "from_seq", (json_int_t)from_seq,
                  "store_epoch", pcn_client_store_epoch(cl));
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (s) fprintf(stderr, "%s\n", s);
    free(s);
    json_decref(j);
  } else if (lost) {
    fprintf(stderr,
            "pcn feed: the server was restored from a backup; the last "
            "%llu event%s this feed had reached %s lost; carrying on from "
            "#%llu.\n",
            (unsigned long long)lost, lost == 1 ? "" : "s",
            lost == 1 ? "was" : "were", (unsigned long long)from_seq);
  } else {
    fprintf(stderr,
            "pcn feed: the server was restored from a backup; carrying on "
            "from #%llu.\n",
            (unsigned long long)from_seq);
  }
  fflush(stderr);
}

static void on_state(pcn_client *cl, pcn_client_state st, const char *detail,
                     void *ud);

/* Asks for the password and logs in on a connection of its own; the new
 * session is saved, as pcn login saves it. 0, or -1 after saying why. */
static int feed_login(feed *f) {
  cli_ctx *c = f->c;
  char prompt[200];
  snprintf(prompt, sizeof prompt, "Password for %s: ", c->cfg.username);
  for (int i = 0; i < FEED_PW_TRIES; i++) {
    char pw[FEED_PW_MAX];
    if (cli_read_password(prompt, 0, pw, sizeof pw)) return -1;
    pcn_client_config cc = cli_client_config(c, 0);
    char err[400];
    pcn_error_class cls;
    pcn_sync *s = pcn_sync_connect(&cc, err, sizeof err, &cls);
    if (!s) {
      OPENSSL_cleanse(pw, sizeof pw);
      fprintf(stderr, "pcn: %s\n", err);
      return -1;
    }
    Pcn__Login l = PCN__LOGIN__INIT;
    l.username = c->cfg.username;
    l.password = pw;
    Pcn__Request req = PCN__REQUEST__INIT;
    req.body_case = PCN__REQUEST__BODY_LOGIN;
    req.login = &l;
    const Pcn__Response *r = pcn_sync_call(s, &req);
    OPENSSL_cleanse(pw, sizeof pw);
    int code = r->status->code;
    if (code == PCN__STATUS_CODE__OK &&
        r->body_case == PCN__RESPONSE__BODY_SESSION) {
      snprintf(c->cfg.token, sizeof c->cfg.token, "%s", r->session->token);
      pcn_sync_close(s);
      if (pcn_config_save(&c->cfg, err, sizeof err))
        fprintf(stderr, "pcn: %s\n", err); /* this feed carries on */
      return 0;
    }
    fprintf(stderr, "pcn: %s\n", r->status->message);
    pcn_sync_close(s);
    if (code != PCN__STATUS_CODE__UNAUTHENTICATED) return -1;
  }
  return -1;
}

/* The session ended: a new client on a new session, subscribed after the
 * last event printed. */
static void on_again(uv_timer_t *t) {
  feed *f = t->data;
  if (f->stopping || !f->client) return;
  uint64_t last = f->subscribed ? pcn_client_last_seq(f->client) : f->since;
  int had_since = f->subscribed || f->has_since;
  pcn_client_close(f->client);
  f->client = NULL;
  fprintf(stderr, "pcn feed: your session has ended; log in again to carry "
                  "on (Ctrl-D to stop).\n");
  if (feed_login(f)) {
    fprintf(stderr, "pcn: Your session has ended; run pcn login --user %s.\n",
            f->c->cfg.username);
    feed_stop(f, EXIT_REFUSED);
    return;
  }
  pcn_client_config cc = cli_client_config(f->c, 1);
  cc.auto_reconnect = 1;
  f->client = pcn_client_new(&f->loop, &cc);
  if (!f->client) {
    fprintf(stderr, "pcn: Out of memory.\n");
    feed_stop(f, EXIT_CONNECT);
    return;
  }
  f->has_since = had_since;
  f->since = last;
  f->subscribed = 0;
  pcn_client_on_state(f->client, on_state, f);
  pcn_client_on_rewind(f->client, on_rewind, f);
  if (had_since)
    fprintf(stderr, "pcn feed: logged in again; carrying on after #%llu.\n",
            (unsigned long long)last);
  pcn_client_connect(f->client);
}

static void on_state(pcn_client *cl, pcn_client_state st, const char *detail,
                     void *ud) {
  feed *f = ud;
  if (f->stopping) return;
  if (st == PCN_CLIENT_READY) {
    if (!f->subscribed) {
      uint64_t since = f->since;
      if (!f->has_since) {
        const Pcn__Welcome *w = pcn_client_welcome(cl);
        uint64_t head = w ? w->head_seq : 0;
        since = head > FEED_TAIL ? head - FEED_TAIL : 0;
      }
      f->subscribed = 1;
      pcn_client_subscribe(cl, since, on_event, f);
    } else {
      fprintf(stderr, "pcn feed: reconnected; carrying on after #%llu.\n",
              (unsigned long long)pcn_client_last_seq(cl));
    }
    f->ever_ready = 1;
  } else if (st == PCN_CLIENT_RECONNECTING) {
    if (!f->ever_ready) { /* never got in: say so, as every command does */
      fprintf(stderr, "pcn: %s\n", detail ? detail : "Cannot connect.");
      feed_stop(f, EXIT_CONNECT);
      return;
    }
    char why[400];
    snprintf(why, sizeof why, "%s",
             detail && *detail ? detail : "The connection was lost.");
    size_t n = strlen(why);
    if (n && why[n - 1] == '.') why[n - 1] = 0; /* one sentence, not two */
    fprintf(stderr, "pcn feed: %s; retrying in %.1f s.\n", why,
            (double)pcn_client_retry_in(cl) / 1000.0);
  } else if (st == PCN_CLIENT_FAILED) {
    const char *why = pcn_client_error(cl);
    if (pcn_client_error_class(cl) == PCN_ERR_SERVER) {
      if (strstr(why, "session") && f->ever_ready && cli_is_terminal() &&
          f->c->cfg.username[0]) {
        uv_timer_start(&f->again, on_again, 0, 0); /* not from in here */
        return;
      }
      if (strstr(why, "session"))
        fprintf(stderr,
                "pcn: Your session has ended; run pcn login --user "
                "%s.\n",
                f->c->cfg.username[0] ? f->c->cfg.username : "NAME");
      else
        fprintf(stderr, "pcn: %s\n", why);
      feed_stop(f, EXIT_REFUSED);
    } else {
      fprintf(stderr, "pcn: %s\n", why);
      feed_stop(f, EXIT_CONNECT);
    }
  }
}

static int feed_run(cli_ctx *c) {
  feed f;
  memset(&f, 0, sizeof f);
  f.c = c;
  if (cli_has(c, "since")) {
    const char *s = cli_opt_val(c, "since");
    char *end;
    unsigned long long v = *s && *s != '-' ? strtoull(s, &end, 10) : 0;
    if (!*s || *s == '-' || *end)
      return cli_usage(c,
                       "--since takes a seq number (0 for the start), "
                       "not '%s'.",
                       s);
    f.has_since = 1;
    f.since = v;
  }
  if (cli_has(c, "count") &&
      cli_parse_u64(c, "--count", cli_opt_val(c, "count"), &f.count))
    return EXIT_USAGE;
  int rc = cli_load(c, 1);
  if (rc) return rc;
  pcn_client_config cc = cli_client_config(c, 1);
  cc.auto_reconnect = 1;
  if (uv_loop_init(&f.loop)) {
    fprintf(stderr, "pcn: Could not start the event loop.\n");
    return EXIT_CONNECT;
  }
  f.client = pcn_client_new(&f.loop, &cc);
  if (!f.client) {
    fprintf(stderr, "pcn: The saved server address or CA is unusable; run "
                    "the `pcn join ...` line again.\n");
    uv_loop_close(&f.loop);
    return EXIT_USAGE;
  }
  uv_timer_init(&f.loop, &f.stop);
  f.stop.data = &f;
  uv_timer_init(&f.loop, &f.again);
  f.again.data = &f;
  uv_signal_init(&f.loop, &f.sigint);
  uv_signal_init(&f.loop, &f.sigterm);
  f.sigint.data = f.sigterm.data = &f;
  uv_signal_start(&f.sigint, on_signal, SIGINT);
  uv_signal_start(&f.sigterm, on_signal, SIGTERM);
  pcn_client_on_state(f.client, on_state, &f);
  pcn_client_on_rewind(f.client, on_rewind, &f);
  pcn_client_connect(f.client);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  uv_loop_close(&f.loop);
  return f.rc;
}

const cli_cmd feed_cmds[] = {
    {NULL,
     "feed",
     NULL,
     0,
     "print every change as it happens (reconnects by itself; when the "
     "session ends, asks for the password on a terminal and carries on)",
     "pcn feed --since 0 --json",
     {{"since", "SEQ",
       "start after event SEQ; 0 for all history (default: the last 10)"},
      {"count", "N", "exit after N events"}},
     feed_run},
    {0},
};
