/* main.c - pcnd's command line: init, run, verify, status, invite,
 * backup, restore, cert (cert_cmd.c).
 *
 * `pcnd run`'s options come from one table that both parses and prints
 * --help, so the help always shows every limit with its real default.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup.h"
#include "cert_cmd.h"
#include "init.h"
#include "ops.h"
#include "log.h"
#include "sdnotify.h"
#include "server.h"

enum opt_kind {
  OPT_STR,
  OPT_U32,
  OPT_U64,
  OPT_SIZE,
  OPT_SECS,
  OPT_FLAG,
  OPT_DUR /* "30m", "6h", "1d" into a uint32_t of seconds */
};

typedef struct run_opt {
  const char *name, *arg, *help;
  enum opt_kind kind;
  size_t offset; /* into srv_config */
  uint64_t min, max;
} run_opt;

#define OFF(f) offsetof(srv_config, f)
static const run_opt run_opts[] = {
    {"listen", "HOST:PORT",
     "address to serve on (default: the one recorded by init)", OPT_STR,
     OFF(listen), 0, 0},
    {"max-frame", "BYTES",
     "largest frame a logged-in client may send (64 KiB before login)",
     OPT_U32,
     OFF(max_frame), 1024, 64u << 20},
    {"max-conns", "N",
     "concurrent connections; more are told to retry (lowered to fit the "
     "open-file limit; with a warning if you set it)",
     OPT_U32, OFF(max_conns), 1, 1000000},
    {"max-anon-per-addr", "N",
     "connections not yet logged in from one address (IPv6: one /64); "
     "more are told to retry",
     OPT_U32, OFF(max_anon_per_addr), 1, 1000000},
    {"max-inflight", "N", "unanswered writes per connection", OPT_U32,
     OFF(max_inflight), 1, 100000},
    {"max-output", "BYTES",
     "unsent bytes per connection; a subscriber past it is cut", OPT_SIZE,
     OFF(max_output), 4096, 1ull << 32},
    {"output-budget", "BYTES",
     "unsent bytes across all connections; past it the connection with the "
     "most is cut (see docs/feed-memory.md)",
     OPT_SIZE, OFF(output_budget), 262144, 1ull << 40},
    {"arena-budget", "BYTES", "memory one request may decode into", OPT_SIZE,
     OFF(arena_budget), 65536, 1ull << 30},
    {"handshake-timeout", "SECONDS",
     "time from connect to logged in; a connection not logged in by then "
     "is closed, whatever it sends (at twice it if a login is being "
     "checked)",
     OPT_SECS, OFF(handshake_timeout_ms), 1, 3600},
    {"frame-timeout", "SECONDS",
     "time a frame that has begun may take to arrive whole", OPT_SECS,
     OFF(frame_timeout_ms), 1, 3600},
    {"idle-timeout", "SECONDS", "close connections silent this long", OPT_SECS,
     OFF(idle_timeout_ms), 1, 86400},
    {"heartbeat", "SECONDS", "heartbeat to idle subscribers this often",
     OPT_SECS, OFF(heartbeat_ms), 1, 3600},
    {"feed-keep", "N",
     "feed events to hold (0: all; older positions get OUT_OF_RANGE)", OPT_U64,
     OFF(feed_keep), 0, UINT64_MAX},
    {"map-size", "BYTES", "initial LMDB map size (grows when full)", OPT_SIZE,
     OFF(map_size), 1u << 20, 1ull << 40},
    {"session-idle", "SECONDS", "a session unused this long ends", OPT_U32,
     OFF(session_idle_s), 60, 365u * 86400},
    {"session-max", "SECONDS", "a session ends this long after login", OPT_U32,
     OFF(session_max_s), 60, 365u * 86400},
    {"invite-ttl", "SECONDS", "invitations expire after this", OPT_U32,
     OFF(invite_ttl_s), 60, 90u * 86400},
    {"batch-max", "N", "writes per group commit", OPT_U32, OFF(batch_max), 1,
     100000},
    {"argon2-memory", "KIB", "Argon2id memory per hash (at least 19456)",
     OPT_U32, OFF(argon2_m_kib), 19456, 4u << 20},
    {"argon2-time", "N", "Argon2id passes (at least 2)", OPT_U32, OFF(argon2_t),
     2, 100},
    {"backoff-slots", "N",
     "usernames, addresses and username+address pairs the login backoff "
     "remembers (80 bytes each, for an hour after their last failed login); "
     "when it is full, logins from others are refused for a while",
     OPT_U32, OFF(backoff_slots), 8, 1u << 24},
    {"metrics", "127.0.0.1:PORT",
     "serve Prometheus metrics over plain HTTP on this loopback address "
     "(off unless given)",
     OPT_STR, OFF(metrics), 0, 0},
    {"backup-dir", "DIR",
     "take scheduled backups into DIR (each verified; see pcnd backup "
     "--help)",
     OPT_STR, OFF(backup_dir), 0, 0},
    {"backup-every", "DURATION", "how often, e.g. 30m, 6h, 1d", OPT_DUR,
     OFF(backup_every_s), 1, 365u * 86400},
    {"backup-keep", "N", "verified backups to keep; older ones are removed",
     OPT_U32, OFF(backup_keep), 1, 100000},
    {"encrypt-key", "KEYFILE",
     "encrypt scheduled backups (AES-256-GCM; pcnd backup --new-key)", OPT_STR,
     OFF(backup_key), 0, 0},
    {"verbose", NULL, "log connection errors", OPT_FLAG, OFF(verbose), 0, 0},
    {"test-clock", NULL,
     "tests only: let clients move the server's clock forward", OPT_FLAG,
     OFF(test_clock), 0, 0},
};
#define N_RUN_OPTS (sizeof run_opts / sizeof run_opts[0])

static void print_value(const run_opt *o, const srv_config *cfg) {
  const char *base = (const char *)cfg;
  switch (o->kind) {
  case OPT_STR: break;
  case OPT_U32:
    printf(" [default %u]", *(const uint32_t *)(base + o->offset));
    break;
  case OPT_U64:
    printf(" [default %llu]",
           (unsigned long long)*(const uint64_t *)(base + o->offset));
    break;
  case OPT_SIZE:
    printf(" [default %zu]", *(const size_t *)(base + o->offset));
    break;
  case OPT_SECS:
    printf(" [default %u]", *(const uint32_t *)(base + o->offset) / 1000);
    break;
  case OPT_FLAG: break;
  case OPT_DUR: {
    uint32_t v = *(const uint32_t *)(base + o->offset);
    if (v % 86400 == 0)
      printf(" [default %ud]", v / 86400);
    else if (v % 3600 == 0)
      printf(" [default %uh]", v / 3600);
    else
      printf(" [default %us]", v);
    break;
  }
  }
}

static void usage_main(FILE *f) {
  fprintf(
      f, "pcnd - the PCN Hub server: one per Primary Care Network.\n\n"
         "Usage:\n"
         "  pcnd init --data DIR --network NAME [--listen HOST:PORT] "
         "[--host NAME_OR_IP]...\n"
         "  pcnd run --data DIR [--listen HOST:PORT] [limits...]\n"
         "  pcnd verify --data DIR [--json]\n"
         "  pcnd status --data DIR [--json]\n"
         "  pcnd invite --data DIR --username NAME [--name \"Full Name\"]\n"
         "  pcnd backup --data DIR --out FILE [--encrypt-key KEYFILE]\n"
         "  pcnd restore --from FILE --data NEWDIR [--encrypt-key KEYFILE]\n"
         "  pcnd cert status|renew --data DIR    the TLS certificates\n"
         "  pcnd COMMAND --help    every option of a command, with defaults\n\n"
         "Start here:\n"
         "  pcnd init --data ./net --network \"Riverside PCN\"\n"
         "  pcnd run --data ./net\n"
         "then run the `pcn join ...` line that init printed.\n\n"
         "As a service (the pcnd Debian package), one per network:\n"
         "  sudo -u pcn pcnd init --data /var/lib/pcn/riverside --network "
         "\"Riverside PCN\" ...\n"
         "  sudo systemctl enable --now pcnd@riverside\n"
         "(see /usr/share/doc/pcnd/service.md).\n");
}

static void usage_run(void) {
  srv_config d;
  srv_config_defaults(&d);
  printf("Usage: pcnd run --data DIR [options]\n\n"
         "Serves the network in DIR over TLS 1.3. SIGINT or SIGTERM stops it\n"
         "gracefully: no new connections, writes in flight are committed and\n"
         "answered, then it exits 0.\n\n"
         "A full disk refuses writes (RESOURCE_EXHAUSTED) until space is\n"
         "freed; a failed fsync or other disk error stops it with exit\n"
         "status 3 (docs/faults.md).\n\n"
         "  --data DIR              the directory made by `pcnd init` "
         "(required)\n");
  printf(
      "  --tls-cert FILE         serve this PEM chain from your own PKI\n"
      "                          (leaf first, ending with its root, which\n"
      "                          invitations then pin) instead of DIR's\n"
      "  --tls-key FILE          the chain's private key (with --tls-cert)\n");
  for (size_t i = 0; i < N_RUN_OPTS; i++) {
    char left[64];
    snprintf(left, sizeof left, "--%s%s%s", run_opts[i].name,
             run_opts[i].arg ? " " : "",
             run_opts[i].arg ? run_opts[i].arg : "");
    /* Long option names put their help on the next line. */
    if (strlen(left) > 23)
      printf("  %s\n  %-23s %s", left, "", run_opts[i].help);
    else
      printf("  %-23s %s", left, run_opts[i].help);
    print_value(&run_opts[i], &d);
    printf("\n");
  }
  printf("\nFixed limits: strings must be valid UTF-8 (titles 200 bytes, "
         "names 100,\ntexts 20000); passwords 10 to 256 characters; failed "
         "logins back off\nper username after 5 and per address after 20, "
         "up to 15 minutes.\n");
  printf("\nBefore login a connection may send frames of up to 64 KiB and one\n"
         "login, join or resume at a time. A connection refused by\n"
         "--max-conns or --max-anon-per-addr is told \"The server is busy; try\n"
         "again in N seconds\" (RESOURCE_EXHAUSTED with retry_after_ms: 30 s\n"
         "and 5 s); past 64 such at once, new ones are closed unanswered.\n"
         "TLS key exchange is X25519 or P-256 only. See docs/limits.md.\n");
  printf(
      "\nSIGHUP reloads the certificate (after `pcnd cert renew`) without\n"
      "dropping connections; a file that does not load keeps the old one.\n");
}

static int set_opt(const run_opt *o, const char *val, srv_config *cfg) {
  char *base = (char *)cfg;
  if (o->kind == OPT_FLAG) {
    *(int *)(base + o->offset) = 1;
    return 0;
  }
  if (o->kind == OPT_STR) {
    snprintf(base + o->offset, sizeof cfg->listen, "%s", val);
    return 0;
  }
  if (o->kind == OPT_DUR) {
    if (backup_parse_duration(val, (uint32_t *)(base + o->offset)) == 0)
      return 0;
    fprintf(stderr,
            "pcnd run: --%s takes a number and a unit: s, m, h or d "
            "(e.g. 30m, 6h, 1d).\n",
            o->name);
    return -1;
  }
  char *end;
  errno = 0;
  unsigned long long v = strtoull(val, &end, 10);
  if (*val == '-' || *end || end == val || errno || v < o->min || v > o->max) {
    fprintf(stderr, "pcnd run: --%s takes a whole number from %llu to %llu.\n",
            o->name, (unsigned long long)o->min, (unsigned long long)o->max);
    return -1;
  }
  switch (o->kind) {
  case OPT_U32: *(uint32_t *)(base + o->offset) = (uint32_t)v; break;
  case OPT_U64: *(uint64_t *)(base + o->offset) = v; break;
  case OPT_SIZE: *(size_t *)(base + o->offset) = (size_t)v; break;
  case OPT_SECS: *(uint32_t *)(base + o->offset) = (uint32_t)v * 1000; break;
  default: break;
  }
  return 0;
}

static int cmd_run(int argc, char **argv) {
  srv_config cfg;
  srv_config_defaults(&cfg);
  struct option longs[N_RUN_OPTS + 5];
  size_t n = 0;
  for (; n < N_RUN_OPTS; n++)
    longs[n] = (struct option){run_opts[n].name,
                               run_opts[n].kind == OPT_FLAG ? no_argument
                                                            : required_argument,
                               NULL, 1000 + (int)n};
  longs[n++] = (struct option){"data", required_argument, NULL, 'd'};
  longs[n++] = (struct option){"help", no_argument, NULL, 'h'};
  longs[n++] = (struct option){"tls-cert", required_argument, NULL, 'C'};
  longs[n++] = (struct option){"tls-key", required_argument, NULL, 'K'};
  longs[n] = (struct option){0};
  int c;
  const char *backup_opt = NULL; /* a backup option given without a dir */
  while ((c = getopt_long(argc, argv, "d:h", longs, NULL)) != -1) {
    if (c == 'd')
      cfg.data_dir = optarg;
    else if (c == 'h')
      return usage_run(), 0;
    else if (c == 'C')
      cfg.tls_cert = optarg;
    else if (c == 'K')
      cfg.tls_key = optarg;
    else if (c >= 1000) {
      const run_opt *o = &run_opts[c - 1000];
      if (set_opt(o, optarg, &cfg)) return 1;
      if (o->offset == OFF(backup_every_s) || o->offset == OFF(backup_keep) ||
          o->offset == OFF(backup_key))
        backup_opt = o->name;
    } else {
      fprintf(stderr, "Try `pcnd run --help`.\n");
      return 1;
    }
  }
  if (!cfg.data_dir) {
    fprintf(stderr, "pcnd run: --data DIR is required (the directory made by "
                    "pcnd init).\n");
    return 1;
  }
  if (backup_opt && !cfg.backup_dir[0]) {
    fprintf(stderr,
            "pcnd run: --%s schedules backups, which also need --backup-dir "
            "DIR (where they go).\n",
            backup_opt);
    return 1;
  }
  uv_loop_t *loop = uv_default_loop();
  server *s = calloc(1, sizeof *s);
  char err[512];
  if (!s || server_start(s, &cfg, loop, err, sizeof err)) {
    pcnd_log(LOG_ERR, "%s", s ? err : "Out of memory.");
    free(s);
    return 2;
  }
  struct sockaddr_storage ss;
  int len = sizeof ss;
  char host[64] = "?";
  int port = 0;
  if (uv_tcp_getsockname(&s->listener, (struct sockaddr *)&ss, &len) == 0) {
    if (ss.ss_family == AF_INET6) {
      uv_ip6_name((struct sockaddr_in6 *)&ss, host, sizeof host);
      port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    } else {
      uv_ip4_name((struct sockaddr_in *)&ss, host, sizeof host);
      port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    }
  }
  printf("pcnd: serving network \"%s\" on %s%s%s:%d (data %s); stop with "
         "Ctrl-C.\n",
         s->network_name, strchr(host, ':') ? "[" : "", host,
         strchr(host, ':') ? "]" : "", port, cfg.data_dir);
  fflush(stdout);
  char ready[512];
  snprintf(ready, sizeof ready, "Serving \"%s\" on %s%s%s:%d.",
           s->network_name, strchr(host, ':') ? "[" : "", host,
           strchr(host, ':') ? "]" : "", port);
  pcnd_notify_ready(ready); /* the listener is bound: clients can connect */
  uv_run(loop, UV_RUN_DEFAULT);
  int status = s->exit_code; /* non-zero after a fatal store fault */
  server_free(s);
  free(s);
  uv_loop_close(loop);
  if (status) return status;
  printf("pcnd: stopped cleanly.\n");
  return 0;
}

static void usage_init(void) {
  printf(
      "Usage: pcnd init --data DIR --network NAME [options]\n\n"
      "Creates a network in DIR: its store, its certificate authority and\n"
      "server certificate (keys 0600), and the first PCN manager's\n"
      "invitation. Prints the `pcn join CODE` line the PCN manager runs.\n\n"
      "  --data DIR            directory to create (must not hold a store)\n"
      "  --network NAME        the network's name, e.g. \"Riverside PCN\"\n"
      "  --listen HOST:PORT    address pcnd run serves on [default "
      "127.0.0.1:7443]\n"
      "  --host NAME_OR_IP     a name clients use for the server; repeat for\n"
      "                        each (localhost and 127.0.0.1 are always in)\n"
      "  --manager USERNAME    the first PCN manager's username [default "
      "manager]\n"
      "  --manager-name NAME   their display name [default \"PCN Manager\"]\n"
      "  --invite-ttl SECONDS  how long the invitation lasts [default "
      "604800]\n"
      "  --tls-cert FILE       the chain `pcnd run --tls-cert` will serve\n"
      "                        (your PKI's, ending with its root): the\n"
      "                        invitation then pins that root\n"
      "  --ca-out DIR          write the network CA's key to DIR (a USB\n"
      "                        stick, an offline machine) instead of the\n"
      "                        data directory; renewing then needs it\n"
      "                        (pcnd cert renew --ca-key DIR/ca.key). See\n"
      "                        docs/operations.md for what each choice risks\n");
}

static int cmd_init(int argc, char **argv) {
  init_opts o = {.listen = "127.0.0.1:7443",
                 .manager = "manager",
                 .manager_name = "PCN Manager",
                 .invite_ttl_s = 7 * 86400};
  static const struct option longs[] = {
      {"data", required_argument, NULL, 'd'},
      {"network", required_argument, NULL, 'n'},
      {"listen", required_argument, NULL, 'l'},
      {"host", required_argument, NULL, 'H'},
      {"manager", required_argument, NULL, 'm'},
      {"manager-name", required_argument, NULL, 'M'},
      {"invite-ttl", required_argument, NULL, 't'},
      {"tls-cert", required_argument, NULL, 'C'},
      {"ca-out", required_argument, NULL, 'K'},
      {"help", no_argument, NULL, 'h'},
      {0}};
  int c;
  while ((c = getopt_long(argc, argv, "d:n:l:H:m:M:t:C:h", longs, NULL)) !=
         -1) {
    switch (c) {
    case 'd': o.data_dir = optarg; break;
    case 'n': o.network = optarg; break;
    case 'l': o.listen = optarg; break;
    case 'H':
      if (o.nhosts == INIT_MAX_HOSTS) {
        fprintf(stderr, "pcnd init: at most %d --host names.\n",
                INIT_MAX_HOSTS);
        return 1;
      }
      o.hosts[o.nhosts++] = optarg;
      break;
    case 'm': o.manager = optarg; break;
    case 'C': o.tls_cert = optarg; break;
    case 'K': o.ca_out = optarg; break;
    case 'M': o.manager_name = optarg; break;
    case 't': {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (*end || v < 60 || v > 90L * 86400) {
        fprintf(stderr,
                "pcnd init: --invite-ttl takes seconds from 60 to 7776000.\n");
        return 1;
      }
      o.invite_ttl_s = (uint32_t)v;
      break;
    }
    case 'h': usage_init(); return 0;
    default: fprintf(stderr, "Try `pcnd init --help`.\n"); return 1;
    }
  }
  if (!o.data_dir || !o.network) {
    fprintf(stderr, "pcnd init: --data DIR and --network NAME are required.\n");
    return 1;
  }
  char code[600], err[512];
  if (pcnd_init(&o, code, sizeof code, err, sizeof err)) {
    fprintf(stderr, "pcnd init: %s\n", err);
    return 2;
  }
  printf("Created network \"%s\" in %s.\n\n"
         "Start the server:\n  pcnd run --data %s%s%s%s\n\n"
         "Then the PCN manager (%s) joins with this one line (it works once, "
         "within %u days):\n  pcn join %s\n",
         o.network, o.data_dir, o.data_dir, o.tls_cert ? " --tls-cert " : "",
         o.tls_cert ? o.tls_cert : "",
         o.tls_cert ? " --tls-key YOUR_KEY_FILE" : "", o.manager,
         o.invite_ttl_s / 86400 ? o.invite_ttl_s / 86400 : 1, code);
  if (o.ca_out)
    printf("\nThe network CA's key is in %s/ca.key, not in %s. Keep it\n"
           "offline and copied: renewing the server certificate (within 825\n"
           "days) needs it: pcnd cert renew --data %s --ca-key %s/ca.key\n",
           o.ca_out, o.data_dir, o.data_dir, o.ca_out);
  return 0;
}

static int cmd_verify(int argc, char **argv) {
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
      printf("Usage: pcnd verify --data DIR [--json]\n\n"
             "Checks the store: its schema version, every index against its\n"
             "records, and the feed's hash chain (no event altered or\n"
             "removed). Safe beside a running server. Exits 0 when sound,\n"
             "1 naming the first problem.\n");
      return 0;
    } else {
      fprintf(stderr, "Try `pcnd verify --help`.\n");
      return 1;
    }
  }
  if (!dir) {
    fprintf(stderr, "pcnd verify: --data DIR is required.\n");
    return 1;
  }
  char err[512];
  if (pcnd_verify(dir, json, err, sizeof err)) {
    fprintf(stderr, "pcnd verify: %s\n", err);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  /* libuv writes to sockets with write(2), which raises SIGPIPE when the
   * peer has already gone: ignored, the write fails with EPIPE and that
   * one connection closes. Left to its default, any client that hangs up
   * with replies pending would stop the whole server. */
  signal(SIGPIPE, SIG_IGN);
  if (argc < 2) {
    usage_main(stderr);
    return 1;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    usage_main(stdout);
    return 0;
  }
  if (!strcmp(cmd, "--version")) {
    printf("pcnd %s\n", PCN_VERSION);
    return 0;
  }
  argv++;
  argc--;
  if (!strcmp(cmd, "init")) return cmd_init(argc, argv);
  if (!strcmp(cmd, "run")) return cmd_run(argc, argv);
  if (!strcmp(cmd, "verify")) return cmd_verify(argc, argv);
  if (!strcmp(cmd, "status")) return opcmd_status(argc, argv);
  if (!strcmp(cmd, "invite")) return opcmd_invite(argc, argv);
  if (!strcmp(cmd, "backup")) return pcnd_backup_cmd(argc, argv);
  if (!strcmp(cmd, "restore")) return pcnd_restore_cmd(argc, argv);
  if (!strcmp(cmd, "cert")) return pcnd_cert_main(argc, argv);
  fprintf(stderr, "pcnd: no command '%s'; try `pcnd --help`.\n", cmd);
  return 1;
}
