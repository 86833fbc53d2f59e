/* main.c - pcn-bench's command line and the order of a run: the target
 * (spawned or given), the connections, the preload, the workload, the
 * report. See bench.h for the parts.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench.h"

static const struct {
  const char *name;
  wl w;
  const char *help;
} workloads[] = {
    {"read", WL_READ, "task show by random id and first-page task list"},
    {"write", WL_WRITE, "task create and update, each a durable commit"},
    {"mixed", WL_MIXED, "reads and writes, --read-ratio percent reads"},
    {"fanout", WL_FANOUT,
     "S subscribers, W writers: ack-to-arrival latency, feed check"},
    {"connect", WL_CONNECT,
     "reconnects (TLS + Hello + Resume) per second, then logins"},
    {"idle", WL_IDLE, "K idle subscribed connections: server memory each"},
    {"replay", WL_REPLAY,
     "K subscribers from --from that stop reading: server memory\n"
     "            each; then they read again and must all catch up"},
    {"funds", WL_FUNDS,
     "month statements and balances, --read-ratio percent; the rest\n"
     "            receipts (durable), on a preloaded ledger"},
};

static void help(FILE *f) {
  fprintf(f, "pcn-bench - load-test a PCN Hub server over real TLS.\n\n"
             "Usage: pcn-bench WORKLOAD [options]\n\nWorkloads:\n");
  for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++)
    fprintf(f, "  %-9s %s\n", workloads[i].name, workloads[i].help);
  fprintf(
      f,
      "\nThe server:\n"
      "  --spawn               start a pcnd of our own on a fresh temporary\n"
      "                        directory and a free loopback port, stop it\n"
      "                        and remove it at the end\n"
      "  --pcnd PATH           the pcnd to spawn [default: beside pcn-bench,\n"
      "                        else pcnd on PATH]\n"
      "  --server HOST:PORT    a running server, with the session saved by\n"
      "                        `pcn join` or `pcn login` [default: pcn's]\n"
      "  --pid PID             that server's pid, to sample its CPU and "
      "memory\n"
      "  --pcnd-arg ARG        with --spawn: pass ARG to `pcnd run`; give it\n"
      "                        once for an option's name, once for its value\n"
      "  --user NAME           whose password that is [default: the saved\n"
      "                        session's user]\n"
      "  --password-stdin      read the password (for the login figures of\n"
      "                        connect) from standard input\n"
      "\nThe load:\n"
      "  --connections C       connections [default 50]\n"
      "  --pipeline P          requests in flight per connection [default "
      "1]\n"
      "  --duration D          seconds to measure [default 10]\n"
      "  --requests N          stop after N requests instead\n"
      "  --rate R              open loop: R requests/s in all, latency from\n"
      "                        the scheduled time [default: closed loop]\n"
      "  --read-ratio PCT      mixed, funds: percent reads [default 90]; a\n"
      "                        funds read is a month's statement or the\n"
      "                        balances, half each\n"
      "  --list-percent PCT    of the reads, percent first-page task lists;\n"
      "                        the rest are task shows [default 50]\n"
      "  --subscribers S       fanout: subscribed connections [default "
      "1000]\n"
      "  --writers W           fanout: writing connections [default 1]\n"
      "  --idle K              idle, replay: connections to hold [default\n"
      "                        1000]\n"
      "  --from SEQ            replay: subscribe after SEQ [default 0]\n"
      "  --task-body BYTES     a body of this size in every task created\n"
      "                        (larger feed events) [default 0]\n"
      "  --preload-tasks N     create N tasks before measuring, and report\n"
      "                        how long it took [default: 1000 for read and\n"
      "                        mixed, 20000 for replay, else 0]\n"
      "  --preload-entries N   funds: three practices with figures, then N\n"
      "                        ledger entries (receipts and list-size\n"
      "                        distributions, April 2025 to March 2026)\n"
      "                        [default 1000]\n"
      "  --restart             with --spawn: restart pcnd after the preload\n"
      "                        and report how long it took to serve\n"
      "  --keep                with --spawn: keep its directory (pcnd.log,\n"
      "                        the store) and say where\n"
      "\nOutput:\n"
      "  --json                one JSON object on stdout\n"
      "  --quiet               no progress line\n"
      "\nExit: 0 done, 1 usage, 2 a request failed or the feed check found\n"
      "a gap, 3 cannot connect. Latency is in microseconds, from a\n"
      "log-bucketed histogram (1.6%% resolution).\n"
      "\nExamples:\n"
      "  pcn-bench read --spawn --connections 50 --pipeline 16\n"
      "  pcn-bench write --spawn --connections 50 --duration 10 --json\n"
      "  pcn-bench fanout --spawn --subscribers 1000 --rate 100\n"
      "  pcn-bench read --spawn --preload-tasks 1000000 --restart\n"
      "  pcn-bench funds --spawn --preload-entries 10000 --connections 4\n"
      "  pcn-bench replay --spawn --idle 500 --preload-tasks 20000\n");
}

static int usage(const char *fmt, const char *a) {
  fprintf(stderr, "pcn-bench: ");
  fprintf(stderr, fmt, a);
  fprintf(stderr, "; see pcn-bench --help.\n");
  return BX_USAGE;
}

static int parse_num(const char *opt, const char *s, double min, double max,
                     double *out) {
  char *end;
  double v = s ? strtod(s, &end) : 0;
  if (!s || !*s || *end || v < min || v > max) {
    fprintf(stderr, "pcn-bench: --%s takes a number from %g to %g, not '%s'.\n",
            opt, min, max, s ? s : "");
    return -1;
  }
  *out = v;
  return 0;
}

static int parse(int argc, char **argv, bench_opts *o) {
  memset(o, 0, sizeof *o);
  o->connections = 50;
  o->pipeline = 1;
  o->duration = 10;
  o->read_ratio = 90;
  o->list_percent = 50;
  o->subscribers = 1000;
  o->writers = 1;
  o->idle = 1000;
  int have_workload = 0, have_preload = 0, have_entries = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, "--", 2) != 0) {
      if (have_workload) return usage("unexpected argument '%s'", a);
      size_t k = 0;
      for (; k < sizeof workloads / sizeof workloads[0]; k++)
        if (!strcmp(workloads[k].name, a)) break;
      if (k == sizeof workloads / sizeof workloads[0])
        return usage("no workload '%s'", a);
      o->workload = workloads[k].w;
      have_workload = 1;
      continue;
    }
    const char *name = a + 2;
    if (!strcmp(name, "help")) {
      help(stdout);
      exit(0);
    }
    if (!strcmp(name, "spawn")) {
      o->spawn = 1;
      continue;
    }
    if (!strcmp(name, "json")) {
      o->json = 1;
      continue;
    }
    if (!strcmp(name, "quiet")) {
      o->quiet = 1;
      continue;
    }
    if (!strcmp(name, "keep")) {
      o->keep = 1;
      continue;
    }
    if (!strcmp(name, "restart")) {
      o->restart = 1;
      continue;
    }
    if (!strcmp(name, "password-stdin")) {
      static char pw[200];
      if (!fgets(pw, sizeof pw, stdin))
        return usage("%s", "--password-stdin found no line on stdin");
      pw[strcspn(pw, "\r\n")] = 0;
      o->password = pw;
      continue;
    }
    if (i + 1 >= argc) return usage("--%s needs a value", name);
    const char *v = argv[++i];
    double d;
    if (!strcmp(name, "server")) {
      o->server = v;
    } else if (!strcmp(name, "pcnd")) {
      o->pcnd = v;
    } else if (!strcmp(name, "pcnd-arg")) {
      if (o->npcnd_args >= sizeof o->pcnd_args / sizeof o->pcnd_args[0])
        return usage("%s", "--pcnd-arg is allowed at most 16 times");
      o->pcnd_args[o->npcnd_args++] = v;
    } else if (!strcmp(name, "task-body")) {
      if (parse_num(name, v, 0, 60000, &d)) return BX_USAGE;
      o->task_body = (uint32_t)d;
    } else if (!strcmp(name, "from")) {
      if (parse_num(name, v, 0, 1e15, &d)) return BX_USAGE;
      o->from = (uint64_t)d;
    } else if (!strcmp(name, "user")) {
      o->username = v;
    } else if (!strcmp(name, "pid")) {
      if (parse_num(name, v, 1, 1e9, &d)) return BX_USAGE;
      o->pid = (int)d;
    } else if (!strcmp(name, "connections")) {
      if (parse_num(name, v, 1, 100000, &d)) return BX_USAGE;
      o->connections = (uint32_t)d;
    } else if (!strcmp(name, "pipeline")) {
      if (parse_num(name, v, 1, 256, &d)) return BX_USAGE;
      o->pipeline = (uint32_t)d;
    } else if (!strcmp(name, "duration")) {
      if (parse_num(name, v, 0.1, 86400, &d)) return BX_USAGE;
      o->duration = d;
    } else if (!strcmp(name, "requests")) {
      if (parse_num(name, v, 1, 1e12, &d)) return BX_USAGE;
      o->requests = (uint64_t)d;
    } else if (!strcmp(name, "rate")) {
      if (parse_num(name, v, 1, 1e8, &d)) return BX_USAGE;
      o->rate = d;
    } else if (!strcmp(name, "read-ratio")) {
      if (parse_num(name, v, 0, 100, &d)) return BX_USAGE;
      o->read_ratio = (uint32_t)d;
    } else if (!strcmp(name, "list-percent")) {
      if (parse_num(name, v, 0, 100, &d)) return BX_USAGE;
      o->list_percent = (uint32_t)d;
    } else if (!strcmp(name, "subscribers")) {
      if (parse_num(name, v, 1, 100000, &d)) return BX_USAGE;
      o->subscribers = (uint32_t)d;
    } else if (!strcmp(name, "writers")) {
      if (parse_num(name, v, 1, 10000, &d)) return BX_USAGE;
      o->writers = (uint32_t)d;
    } else if (!strcmp(name, "idle")) {
      if (parse_num(name, v, 1, 1000000, &d)) return BX_USAGE;
      o->idle = (uint32_t)d;
    } else if (!strcmp(name, "preload-tasks")) {
      if (parse_num(name, v, 0, 1e9, &d)) return BX_USAGE;
      o->preload = (uint64_t)d;
      have_preload = 1;
    } else if (!strcmp(name, "preload-entries")) {
      if (parse_num(name, v, 1, 1e9, &d)) return BX_USAGE;
      o->preload = (uint64_t)d;
      have_entries = 1;
    } else {
      return usage("no option --%s", name);
    }
  }
  if (!have_workload) {
    help(stderr);
    return BX_USAGE;
  }
  if (o->spawn && o->server)
    return usage("%s", "give --spawn or --server, not both");
  if (o->restart && !o->spawn) return usage("%s", "--restart needs --spawn");
  if (o->npcnd_args && !o->spawn)
    return usage("%s", "--pcnd-arg needs --spawn");
  if (o->workload == WL_FUNDS && have_preload)
    return usage("%s", "funds preloads ledger entries: give --preload-entries");
  if (o->workload != WL_FUNDS && have_entries)
    return usage("%s", "--preload-entries is for the funds workload");
  if (!have_preload && !have_entries &&
      (o->workload == WL_READ || o->workload == WL_MIXED ||
       o->workload == WL_FUNDS))
    o->preload = 1000;
  if (!have_preload && o->workload == WL_REPLAY) o->preload = 20000;
  return BX_OK;
}

/* Enough descriptors for every connection (and, inherited, for a spawned
 * pcnd). */
static void raise_fd_limit(uint64_t want) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl)) return;
  if (rl.rlim_cur >= want) return;
  rl.rlim_cur =
      rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < want)
    fprintf(stderr,
            "pcn-bench: only %llu file descriptors allowed (ulimit -n); "
            "raise it for this many connections.\n",
            (unsigned long long)rl.rlim_cur);
}

static char pcnd_path[1200];

static const char *find_pcnd(void) {
  char exe[1024];
  size_t n = sizeof exe;
  if (uv_exepath(exe, &n) == 0) {
    snprintf(pcnd_path, sizeof pcnd_path, "%s", exe);
    char *slash = strrchr(pcnd_path, '/');
    if (slash) {
      *slash = 0;
      /* build/bench/pcn-bench -> build/server/pcnd; or both in bin/. */
      char cand[sizeof pcnd_path];
      snprintf(cand, sizeof cand, "%.1000s/../server/pcnd", pcnd_path);
      FILE *f = fopen(cand, "r");
      if (!f) {
        snprintf(cand, sizeof cand, "%.1000s/pcnd", pcnd_path);
        f = fopen(cand, "r");
      }
      if (f) {
        fclose(f);
        memcpy(pcnd_path, cand, sizeof pcnd_path);
        return pcnd_path;
      }
    }
  }
  return "pcnd"; /* uv_spawn searches PATH */
}

static const char *workload_name(wl w) {
  for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++)
    if (workloads[i].w == w) return workloads[i].name;
  return "?";
}

int main(int argc, char **argv) {
  /* Closing hundreds of connections with requests in flight is what a
   * load test does: a write to one the server has reset must fail with
   * EPIPE, not end the run. */
  signal(SIGPIPE, SIG_IGN);
  bench_opts o;
  int rc = parse(argc, argv, &o);
  if (rc) return rc;
  if (o.spawn && !o.pcnd) o.pcnd = find_pcnd();
  uint64_t conns = o.workload == WL_FANOUT ? o.subscribers + o.writers
                   : o.workload == WL_IDLE || o.workload == WL_REPLAY
                       ? o.idle
                       : o.connections;
  raise_fd_limit(conns * 2 + 256);

  uv_loop_t loop;
  uv_loop_init(&loop);
  bench_result r;
  result_init(&r);
  r.workload = workload_name(o.workload);
  r.connections = o.workload == WL_FANOUT ? o.subscribers + o.writers
                  : o.workload == WL_IDLE || o.workload == WL_REPLAY
                      ? o.idle
                      : o.connections;
  r.pipeline = o.pipeline;
  r.rate = o.rate;
  target t;
  bench b;
  memset(&b, 0, sizeof b);
  b.o = &o;
  b.t = &t;
  b.loop = &loop;
  b.r = &r;
  b.rng = 0x9e3779b97f4a7c15ull ^ uv_hrtime();
  rc = target_open(&t, &loop, &o);
  if (rc) goto out;

  if (o.preload) {
    uint32_t n = o.connections < 16 ? o.connections : 16;
    if ((rc = pool_open(&b, n, NULL))) goto out;
    if (o.workload == WL_FUNDS && (rc = funds_setup(&b))) goto out;
    rc = pool_preload(&b);
    pool_close(&b);
    if (rc) goto out;
    if (o.restart) {
      r.server_start_ms = target_restart(&t, &loop, &o);
      if (r.server_start_ms < 0) {
        rc = BX_FAILED;
        goto out;
      }
      if (!o.quiet)
        fprintf(stderr, "pcn-bench: pcnd restarted and serving in %.0f ms\n",
                r.server_start_ms);
    }
  }
  switch (o.workload) {
  case WL_READ:
  case WL_WRITE:
  case WL_MIXED:
  case WL_FUNDS:
    if ((rc = pool_open(&b, o.connections, NULL))) break;
    rc = run_load(&b);
    break;
  case WL_FANOUT: rc = run_fanout(&b); break;
  case WL_CONNECT: rc = run_connect(&b); break;
  case WL_IDLE: rc = run_idle(&b); break;
  case WL_REPLAY: rc = run_replay(&b); break;
  }
  pool_close(&b);
  if (!rc && r.errors) rc = BX_FAILED;
  if (o.json) {
    json_t *j = result_json(&r);
    json_object_set_new(j, "ok", json_boolean(rc == BX_OK));
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (s) puts(s);
    free(s);
    json_decref(j);
  } else if (rc != BX_USAGE && rc != BX_CONNECT) {
    result_print(&r, stdout);
  }
out:
  target_close(&t, &loop, o.keep);
  free(b.queue);
  uv_run(&loop, UV_RUN_NOWAIT);
  uv_loop_close(&loop);
  return rc;
}
