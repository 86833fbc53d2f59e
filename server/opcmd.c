/* opcmd.c - `pcnd status` and `pcnd invite`: the operator's commands on the
 * server host (ops.h).
 *
 * Both ask a running pcnd first, over DIR/pcnd.sock. When nothing answers
 * there, the data directory's lock says whether a pcnd runs at all: free,
 * and status reads the store itself (read-only) and invite writes it
 * (holding the lock, so no server can start meanwhile); held, and a pcnd is
 * starting, stopping or stuck, which invite waits out for a while.
 *
 * Exit codes: 0 done (status: the server runs); 1 wrong use or the store
 * cannot be read; 2 the invitation failed; 3 status of a server that is
 * not running (what the store says is still printed).
 */
#define _GNU_SOURCE /* struct sockaddr_un, nanosleep */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ops.h"

#define CALL_TIMEOUT_MS 15000
#define INVITE_WAIT_MS 10000 /* for a pcnd that holds the lock but is mute */

/* ------------------------------------------------------------ the socket */

/* A connected control socket, or -1 when nothing answers there. */
static int ctl_connect(const char *dir) {
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  int n = snprintf(a.sun_path, sizeof a.sun_path, "%s/" OPS_SOCK_FILE, dir);
  if (n < 0 || (size_t)n >= sizeof a.sun_path) return -1;
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Sends req as one line and reads the one-line reply. Closes fd. The
 * reply (new reference), or NULL with a sentence in err. */
static json_t *ctl_call(int fd, json_t *req, char *err, size_t errlen) {
  char *text = json_dumps(req, JSON_COMPACT);
  json_t *reply = NULL;
  char buf[65536];
  size_t len = 0;
  if (!text) goto fail;
  size_t n = strlen(text);
  text[n] = '\n'; /* json_dumps left room: replace the NUL, send n + 1 */
  for (size_t off = 0; off < n + 1;) {
    ssize_t w = send(fd, text + off, n + 1 - off, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) goto fail;
    off += (size_t)w;
  }
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long left = CALL_TIMEOUT_MS - ((t1.tv_sec - t0.tv_sec) * 1000 +
                                   (t1.tv_nsec - t0.tv_nsec) / 1000000);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
      snprintf(err, errlen,
               "The server did not answer on its control socket within %d "
               "seconds; see its log, or try again.",
               CALL_TIMEOUT_MS / 1000);
      goto out;
    }
    ssize_t r = recv(fd, buf + len, sizeof buf - 1 - len, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0 || len + (size_t)r >= sizeof buf - 1) break;
    len += (size_t)r;
    if (memchr(buf, '\n', len)) break;
  }
  json_error_t jerr;
  reply = json_loadb(buf, len, JSON_DISABLE_EOF_CHECK, &jerr);
  if (!json_is_object(reply)) {
    json_decref(reply);
    reply = NULL;
    goto fail;
  }
  goto out;
fail:
  snprintf(err, errlen,
           "The server closed its control socket without an answer; see its "
           "log, or try again.");
out:
  free(text);
  close(fd);
  return reply;
}

/* ------------------------------------------------------------ status */

/* The store's numbers, read-only, for a directory nobody serves. */
static json_t *offline_status(const char *dir, char *err, size_t errlen) {
  MDB_env *env = NULL;
  MDB_txn *txn = NULL;
  MDB_dbi meta, feed, sessions;
  ops_snapshot snap;
  memset(&snap, 0, sizeof snap);
  int rc = mdb_env_create(&env);
  if (!rc) rc = mdb_env_set_maxdbs(env, 64);
  if (!rc) rc = mdb_env_open(env, dir, MDB_RDONLY | MDB_NOTLS, 0600);
  if (rc) goto fail;
  int dead;
  mdb_reader_check(env, &dead); /* a killed server's slots */
  if ((rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn))) goto fail;
  if ((rc = mdb_dbi_open(txn, "meta", 0, &meta)) ||
      (rc = mdb_dbi_open(txn, "feed", 0, &feed)) ||
      (rc = mdb_dbi_open(txn, "sessions", 0, &sessions)))
    goto fail;
  MDB_val k = {strlen(META_NETWORK_NAME), META_NETWORK_NAME}, v;
  if (mdb_get(txn, meta, &k, &v) == 0 && v.mv_size < sizeof snap.network)
    memcpy(snap.network, v.mv_data, v.mv_size);
  ops_snapshot_store(env, txn, meta, feed, sessions, &snap);
  mdb_txn_abort(txn);
  mdb_env_close(env);
  snap.cert_not_after = ops_cert_not_after(dir);
  return ops_snapshot_json(&snap);
fail:
  if (txn) mdb_txn_abort(txn);
  if (env) mdb_env_close(env);
  snprintf(err, errlen,
           "Could not read the store in %s (%s); is it the directory pcnd "
           "init made, and are you its owner?",
           dir, mdb_strerror(rc));
  return NULL;
}

static void print_time(const char *label, int64_t unix_s) {
  time_t t = (time_t)unix_s;
  struct tm tm;
  char day[40] = "?";
  if (gmtime_r(&t, &tm)) strftime(day, sizeof day, "%Y-%m-%d %H:%M UTC", &tm);
  printf("%s%s", label, day);
}

static double mib(json_int_t b) {
  return (double)b / (1024.0 * 1024.0);
}

static json_int_t jint(json_t *o, const char *path) {
  json_t *cur = o;
  char key[64];
  for (const char *p = path; cur && *p;) {
    const char *dot = strchr(p, '.');
    size_t n = dot ? (size_t)(dot - p) : strlen(p);
    snprintf(key, sizeof key, "%.*s", (int)n, p);
    cur = json_object_get(cur, key);
    p += n + (dot ? 1 : 0);
  }
  return json_integer_value(cur);
}

static void print_status(const char *dir, json_t *o) {
  const char *state = json_string_value(json_object_get(o, "state"));
  const char *net = json_string_value(json_object_get(o, "network"));
  printf("Network \"%s\" in %s\n", net ? net : "?", dir);
  if (!strcmp(state, "running")) {
    int64_t up = jint(o, "up_since") / 1000;
    int64_t secs = (int64_t)time(NULL) - up;
    printf("  server       running (pid %lld)", (long long)jint(o, "pid"));
    print_time(", up since ", up);
    printf(" (%lldd %lldh %lldm)\n", (long long)(secs / 86400),
           (long long)(secs / 3600 % 24), (long long)(secs / 60 % 60));
    const char *m = json_string_value(json_object_get(o, "metrics"));
    if (m) printf("  metrics      http://%s/metrics\n", m);
  } else if (!strcmp(state, "unresponsive")) {
    printf("  server       a pcnd holds %s/" OPS_LOCK_FILE
           " but does not answer on " OPS_SOCK_FILE
           " (starting, stopping or stuck)\n",
           dir);
  } else {
    printf("  server       NOT RUNNING; start it with `pcnd run --data %s`\n",
           dir);
  }
  printf("  feed         head seq %lld, oldest held %lld\n",
         (long long)jint(o, "head_seq"), (long long)jint(o, "oldest_seq"));
  if (!strcmp(state, "running")) {
    printf("  clients      %lld connections, %lld logged in, %lld "
           "subscribed; %lld sessions stored\n",
           (long long)jint(o, "connections"), (long long)jint(o, "logged_in"),
           (long long)jint(o, "subscribers"),
           (long long)jint(o, "sessions_stored"));
    printf("  writes       %.1f/s in %.1f batches/s (last %d s); %lld since "
           "start in %lld batches, %lld pending\n",
           json_number_value(json_object_get(o, "writes_per_sec")),
           json_number_value(json_object_get(o, "batches_per_sec")),
           OPS_RATE_WINDOW_S, (long long)jint(o, "writes_total"),
           (long long)jint(o, "batches_total"),
           (long long)jint(o, "writes_pending"));
    printf("  output       %.1f MiB unsent of a %.1f MiB budget (largest "
           "%.1f MiB); %lld cut over it\n",
           mib(jint(o, "output.unsent_bytes")),
           mib(jint(o, "output.budget_bytes")),
           mib(jint(o, "output.largest_bytes")),
           (long long)jint(o, "output.budget_cuts_total"));
  } else {
    printf("  clients      none; %lld sessions stored\n",
           (long long)jint(o, "sessions_stored"));
  }
  printf("  store        map %.1f MiB: %.1f MiB used, %.1f MiB free; "
         "readers %lld of %lld\n",
         mib(jint(o, "map.size_bytes")), mib(jint(o, "map.used_bytes")),
         mib(jint(o, "map.free_bytes")), (long long)jint(o, "readers.used"),
         (long long)jint(o, "readers.max"));
  if (!strcmp(state, "running")) {
    json_t *b = json_object_get(o, "last_backup");
    if (!json_is_object(b)) {
      printf("  last backup  none by this server since it started\n");
    } else if (json_is_true(json_object_get(b, "ok"))) {
      print_time("  last backup  ", jint(b, "at") / 1000);
      printf(", ok: %s\n",
             json_string_value(json_object_get(b, "file")) ?: "?");
    } else {
      print_time("  last backup  ", jint(b, "at") / 1000);
      printf(", FAILED: %s\n",
             json_string_value(json_object_get(b, "error")) ?: "?");
    }
  }
  json_int_t na = jint(o, "cert_not_after");
  if (na) {
    long long days = (long long)((na - (json_int_t)time(NULL)) / 86400);
    print_time("  certificate  expires ", na);
    printf(days < 0 ? " (EXPIRED)\n" : " (in %lld days)\n", days);
  } else {
    printf("  certificate  could not read %s/server.pem\n", dir);
  }
}

int opcmd_status(int argc, char **argv) {
  const char *dir = NULL;
  int json = 0;
  static const struct option longs[] = {{"data", required_argument, NULL, 'd'},
                                        {"json", no_argument, NULL, 'j'},
                                        {"help", no_argument, NULL, 'h'},
                                        {0}};
  int c;
  while ((c = getopt_long(argc, argv, "d:jh", longs, NULL)) != -1) {
    if (c == 'd')
      dir = optarg;
    else if (c == 'j')
      json = 1;
    else if (c == 'h') {
      printf(
          "Usage: pcnd status --data DIR [--json]\n\n"
          "How the server of the network in DIR is doing. Asks the running\n"
          "pcnd over DIR/" OPS_SOCK_FILE
          " (so run it as the directory's owner):\n"
          "up since, feed head seq, connections, logged in and subscribed,\n"
          "sessions, writes and batches per second (last %d s), the LMDB\n"
          "map used and free, reader slots, the last backup and its result,\n"
          "and the certificate's expiry. With no pcnd running it says so\n"
          "and prints what the store and certificate say.\n\n"
          "  --json   one JSON object; \"state\" is running, stopped or\n"
          "           unresponsive (times: up_since and last_backup.at in\n"
          "           Unix ms, cert_not_after in Unix seconds)\n\n"
          "Exit status: 0 running, 3 not running (or not answering), 1 the\n"
          "store could not be read.\n",
          OPS_RATE_WINDOW_S);
      return 0;
    } else {
      fprintf(stderr, "Try `pcnd status --help`.\n");
      return 1;
    }
  }
  if (!dir) {
    fprintf(stderr, "pcnd status: --data DIR is required (the directory made "
                    "by pcnd init).\n");
    return 1;
  }
  char err[512] = "";
  json_t *o = NULL;
  const char *state = "running";
  int fd = ctl_connect(dir);
  if (fd >= 0) {
    json_t *req = json_pack("{s:s}", "op", "status");
    o = ctl_call(fd, req, err, sizeof err);
    json_decref(req);
    if (o && !json_is_true(json_object_get(o, "ok"))) {
      snprintf(err, sizeof err, "%s",
               json_string_value(json_object_get(o, "error")) ?: "?");
      json_decref(o);
      o = NULL;
    }
    if (!o) {
      fprintf(stderr, "pcnd status: %s\n", err);
      return 1;
    }
    json_object_del(o, "ok");
  } else {
    int lock = ops_trylock(dir, err, sizeof err);
    if (lock == -1) {
      fprintf(stderr, "pcnd status: %s\n", err);
      return 1;
    }
    state = lock == -2 ? "unresponsive" : "stopped";
    ops_unlock(lock); /* at once: a pcnd run starting now waits for it */
    o = offline_status(dir, err, sizeof err);
    if (!o) {
      fprintf(stderr, "pcnd status: %s\n", err);
      return 1;
    }
  }
  json_object_set_new(o, "state", json_string(state));
  if (json) {
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (text) printf("%s\n", text);
    free(text);
  } else {
    print_status(dir, o);
  }
  json_decref(o);
  return strcmp(state, "running") ? 3 : 0;
}

/* ------------------------------------------------------------ invite */

static void usage_invite(void) {
  printf(
      "Usage: pcnd invite --data DIR --username NAME [--name \"Full Name\"]\n"
      "                   [--role pcn_manager] [--tls-cert FILE] [--json]\n\n"
      "The way back into a locked-out network: run on the server host by\n"
      "the owner of DIR, it invites a new PCN manager and prints the\n"
      "`pcn join CODE` line they run. Use it when the network's only PCN\n"
      "manager has left, is disabled, or has lost their password; the new\n"
      "PCN manager then invites everyone else with `pcn member invite`.\n\n"
      "It works whether the server runs or not: a running pcnd makes the\n"
      "invitation through its writer (over DIR/" OPS_SOCK_FILE
      "); otherwise it is\n"
      "written to the store directly. Either way the feed records it as a\n"
      "notice to the PCN managers, done by \"" OPS_ACTOR "\".\n\n"
      "  --data DIR         the network's data directory (required)\n"
      "  --username NAME    the new PCN manager's username: lowercase, not\n"
      "                     taken (required)\n"
      "  --name NAME        their display name [default \"PCN Manager\"]\n"
      "  --role pcn_manager the only role it makes [default pcn_manager]\n"
      "  --tls-cert FILE    when the network is served with pcnd run\n"
      "                     --tls-cert (your own PKI) and no server runs:\n"
      "                     that chain, whose root the code must pin (a\n"
      "                     running server pins what it serves itself)\n"
      "  --json             print {username, code, expires_at, via}\n\n"
      "The invitation lasts as long as the server's --invite-ttl (7 days by\n"
      "default). Exit status: 0 invited, 1 wrong use, 2 refused or failed.\n");
}

static void print_invite(const char *user, const char *name, const char *code,
                         int64_t expires_at, int via_server, int json) {
  if (json) {
    json_t *o =
        json_pack("{s:s,s:s,s:s,s:I,s:s}", "username", user, "name", name,
                  "code", code, "expires_at", (json_int_t)expires_at, "via",
                  via_server ? "server" : "store");
    char *text = o ? json_dumps(o, JSON_INDENT(2)) : NULL;
    if (text) printf("%s\n", text);
    free(text);
    json_decref(o);
    return;
  }
  printf("Invited %s (%s) to be a PCN manager, as the server's operator (%s).\n"
         "The network's PCN managers see it in the feed, done by " OPS_ACTOR
         ".\n\n",
         name, user,
         via_server ? "through the running server"
                    : "written to the store; no server was running");
  print_time("They join with this one line (it works once, until ",
             expires_at / 1000);
  printf("):\n  pcn join %s\n", code);
}

int opcmd_invite(int argc, char **argv) {
  const char *dir = NULL, *user = NULL, *name = "PCN Manager";
  const char *tls_cert = NULL;
  int json = 0;
  static const struct option longs[] = {
      {"data", required_argument, NULL, 'd'},
      {"username", required_argument, NULL, 'u'},
      {"name", required_argument, NULL, 'n'},
      {"role", required_argument, NULL, 'r'},
      {"json", no_argument, NULL, 'j'},
      {"tls-cert", required_argument, NULL, 'C'},
      {"help", no_argument, NULL, 'h'},
      {0}};
  int c;
  while ((c = getopt_long(argc, argv, "d:u:n:r:jh", longs, NULL)) != -1) {
    switch (c) {
    case 'd': dir = optarg; break;
    case 'u': user = optarg; break;
    case 'n': name = optarg; break;
    case 'r':
      if (strcmp(optarg, "pcn_manager") != 0) {
        fprintf(stderr, "pcnd invite: it makes PCN managers only (--role "
                        "pcn_manager); they invite everyone else with `pcn "
                        "member invite`.\n");
        return 1;
      }
      break;
    case 'j': json = 1; break;
    case 'C': tls_cert = optarg; break;
    case 'h': usage_invite(); return 0;
    default: fprintf(stderr, "Try `pcnd invite --help`.\n"); return 1;
    }
  }
  if (!dir || !user) {
    fprintf(stderr, "pcnd invite: --data DIR and --username NAME are "
                    "required.\n");
    return 1;
  }
  char err[512] = "";
  for (int waited = 0;; waited += 100) {
    int fd = ctl_connect(dir);
    if (fd >= 0) {
      json_t *req = json_pack("{s:s,s:s,s:s}", "op", "invite", "username", user,
                              "name", name);
      json_t *o = req ? ctl_call(fd, req, err, sizeof err) : NULL;
      json_decref(req);
      int ok = o && json_is_true(json_object_get(o, "ok"));
      if (ok)
        print_invite(user, name,
                     json_string_value(json_object_get(o, "code")) ?: "",
                     jint(o, "expires_at"), 1, json);
      else
        fprintf(stderr, "pcnd invite: %s\n",
                o ? json_string_value(json_object_get(o, "error")) ?: "?"
                  : err);
      json_decref(o);
      return ok ? 0 : 2;
    }
    int lock = ops_trylock(dir, err, sizeof err);
    if (lock == -1) {
      fprintf(stderr, "pcnd invite: %s\n", err);
      return 2;
    }
    if (lock >= 0) {
      /* Nobody serves DIR, and while we hold the lock nobody can start. */
      ops_invite res;
      int rc = recovery_offline(dir, tls_cert, user, name, &res);
      ops_unlock(lock);
      if (rc) {
        fprintf(stderr, "pcnd invite: %s\n", res.message);
        return 2;
      }
      print_invite(user, name, res.join_code, res.expires_at, 0, json);
      return 0;
    }
    if (waited >= INVITE_WAIT_MS) break;
    struct timespec ts = {0, 100 * 1000000L};
    nanosleep(&ts, NULL);
  }
  fprintf(stderr,
          "pcnd invite: a pcnd holds %s but does not answer on its control "
          "socket; if it is starting or stopping, try again in a moment, "
          "else stop it and run pcnd invite again.\n",
          dir);
  return 2;
}
