/* target.c - the server under test.
 *
 * --spawn: `pcnd init` on a fresh temporary directory with a free
 * loopback port, `pcnd run` with its output in that directory, then the
 * first invitation is redeemed (pcn join's own steps, through
 * libpcnclient with the CA pinned by the code) so the bench is the
 * network's PCN manager. At the end SIGTERM, wait, remove the directory.
 *
 * --server: pcn's saved configuration ($XDG_CONFIG_HOME/pcn): the pinned
 * CA and the session token of whoever ran `pcn join` or `pcn login`.
 *
 * Linux: /proc for sampling, fork-free spawning through libuv.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#define _DEFAULT_SOURCE   /* mkdtemp */
#include <arpa/inet.h>
#include <ftw.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"
#include "config.h"
#include "invite.h"

/* --max-anon-per-addr for a spawned pcnd: above the bench's connect
 * window (pool.c), which all comes from one address. */
#define BENCH_ANON_PER_ADDR "100000"

#define SPAWN_PASSWORD "pcn-bench password, not a secret"
#define SERVE_TIMEOUT_MS 15000

int proc_read(int pid, proc_sample *out) {
  memset(out, 0, sizeof *out);
  if (pid <= 0) return -1;
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  /* Fields after the command (which may hold spaces) start after ')'. */
  char *p = strrchr(buf, ')');
  unsigned long long ut = 0, st = 0;
  if (!p ||
      sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
             &ut, &st) != 2)
    return -1;
  long hz = sysconf(_SC_CLK_TCK);
  out->cpu_s = (double)(ut + st) / (double)(hz > 0 ? hz : 100);
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  f = fopen(path, "r");
  if (!f) return -1;
  char line[256];
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, "VmRSS:", 6))
      out->rss_kb = strtoull(line + 6, NULL, 10);
    else if (!strncmp(line, "RssAnon:", 8))
      out->anon_kb = strtoull(line + 8, NULL, 10);
  fclose(f);
  out->ok = 1;
  return 0;
}

double self_cpu(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru)) return 0;
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = -1;
  if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
      getsockname(fd, (struct sockaddr *)&a, &len) == 0)
    port = ntohs(a.sin_port);
  close(fd);
  return port;
}

static void on_exit_cb(uv_process_t *p, int64_t status, int sig) {
  target *t = p->data;
  (void)sig;
  t->exited = 1;
  t->running = 0;
  if (status && sig == 0)
    fprintf(stderr,
            "pcn-bench: pcnd exited with status %lld; see %s/pcnd.log\n",
            (long long)status, t->dir);
  uv_close((uv_handle_t *)p, NULL);
}

/* Spawns pcnd with args, output to file. 0 or -1 (printed). */
static int spawn(target *t, uv_loop_t *loop, const bench_opts *o, char **args,
                 const char *out) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", t->dir, out);
  FILE *f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "pcn-bench: cannot write %s.\n", path);
    return -1;
  }
  uv_stdio_container_t io[3];
  io[0].flags = UV_IGNORE;
  io[1].flags = io[2].flags = UV_INHERIT_FD;
  io[1].data.fd = io[2].data.fd = fileno(f);
  uv_process_options_t po;
  memset(&po, 0, sizeof po);
  po.file = o->pcnd;
  po.args = args;
  po.exit_cb = on_exit_cb;
  po.stdio = io;
  po.stdio_count = 3;
  t->exited = 0;
  t->proc.data = t;
  int rc = uv_spawn(loop, &t->proc, &po);
  fclose(f);
  if (rc) {
    fprintf(stderr, "pcn-bench: cannot run %s: %s; give --pcnd PATH.\n",
            o->pcnd, uv_strerror(rc));
    return -1;
  }
  t->pid = t->proc.pid;
  t->running = 1;
  return 0;
}

static int file_has(const char *path, const char *needle, char *line,
                    size_t n) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  char buf[1024];
  int found = 0;
  while (!found && fgets(buf, sizeof buf, f))
    if (strstr(buf, needle)) {
      found = 1;
      if (line) snprintf(line, n, "%s", buf);
    }
  fclose(f);
  return found;
}

/* Appends --pcnd-arg's options after `pcnd run --data DIR` (args[4..]). */
/* args[0..3] are set: adds the per-address cap (all the bench's
 * connections come from one address, up to 256 of them logging in at once:
 * past pcnd's default cap they would be told to retry), then --pcnd-arg. */
static void run_args(const bench_opts *o, char **args) {
  uint32_t i = 0;
  args[4] = "--max-anon-per-addr";
  args[5] = BENCH_ANON_PER_ADDR;
  for (; i < o->npcnd_args; i++)
    args[6 + i] = (char *)o->pcnd_args[i];
  args[6 + i] = NULL;
}

static void on_poll(uv_timer_t *tm) {
  (void)tm;
}

/* Waits for "serving" in pcnd.log; 0, or -1 if it exited or timed out. */
static int wait_serving(target *t, uv_loop_t *loop) {
  char path[512];
  snprintf(path, sizeof path, "%s/pcnd.log", t->dir);
  uv_timer_t tm;
  uv_timer_init(loop, &tm);
  uv_timer_start(&tm, on_poll, 2, 2);
  uint64_t start = uv_hrtime();
  int ok = 0;
  while (!t->exited && uv_hrtime() - start < SERVE_TIMEOUT_MS * 1000000ull) {
    if (file_has(path, "serving", NULL, 0)) {
      ok = 1;
      break;
    }
    uv_run(loop, UV_RUN_ONCE);
  }
  uv_close((uv_handle_t *)&tm, NULL);
  uv_run(loop, UV_RUN_NOWAIT);
  if (!ok)
    fprintf(stderr, "pcn-bench: pcnd did not start serving; see %s/pcnd.log.\n",
            t->dir);
  return ok ? 0 : -1;
}

static int join(target *t, const char *code) {
  pcn_invite inv;
  char err[400];
  if (pcn_invite_decode(code, &inv, err, sizeof err)) {
    fprintf(stderr, "pcn-bench: %s\n", err);
    return BX_FAILED;
  }
  pcn_client_config cc = {.server = t->server,
                          .pin_sha256 = inv.ca_sha256,
                          .client_name = "pcn-bench",
                          .client_version = PCN_VERSION};
  pcn_error_class cls;
  pcn_sync *s = pcn_sync_connect(&cc, err, sizeof err, &cls);
  if (!s) {
    fprintf(stderr, "pcn-bench: %s\n", err);
    return BX_CONNECT;
  }
  Pcn__Join j = PCN__JOIN__INIT;
  j.invite_token = inv.token;
  j.password = SPAWN_PASSWORD;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_JOIN;
  req.join = &j;
  const Pcn__Response *r = pcn_sync_call(s, &req);
  int rc = BX_OK;
  if (r->status->code != PCN__STATUS_CODE__OK) {
    fprintf(stderr, "pcn-bench: joining the spawned network failed: %s\n",
            r->status->message);
    rc = BX_FAILED;
  } else {
    snprintf(t->token, sizeof t->token, "%s", r->session->token);
    snprintf(t->username, sizeof t->username, "%s",
             r->session->member->username);
    snprintf(t->password, sizeof t->password, "%s", SPAWN_PASSWORD);
    t->have_password = 1;
    t->ca_pem = strdup(pcn_client_pinned_ca(pcn_sync_client(s)));
  }
  pcn_sync_close(s);
  return rc;
}

static int open_spawned(target *t, uv_loop_t *loop, const bench_opts *o) {
  const char *tmp = getenv("TMPDIR");
  snprintf(t->dir, sizeof t->dir, "%s/pcn-bench-XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(t->dir)) {
    fprintf(stderr, "pcn-bench: cannot make a temporary directory.\n");
    t->dir[0] = 0;
    return BX_FAILED;
  }
  int port = free_port();
  if (port < 0) {
    fprintf(stderr, "pcn-bench: no free loopback port.\n");
    return BX_FAILED;
  }
  snprintf(t->server, sizeof t->server, "127.0.0.1:%d", port);
  char data[300];
  snprintf(data, sizeof data, "%s/net", t->dir);
  char *init[] = {(char *)o->pcnd, "init",     "--data",  data, "--network",
                  "pcn-bench",     "--listen", t->server, NULL};
  if (spawn(t, loop, o, init, "init.out")) return BX_FAILED;
  while (!t->exited)
    uv_run(loop, UV_RUN_ONCE);
  char path[512], line[1024];
  snprintf(path, sizeof path, "%s/init.out", t->dir);
  if (!file_has(path, "pcn join ", line, sizeof line)) {
    fprintf(stderr, "pcn-bench: pcnd init failed; see %s.\n", path);
    return BX_FAILED;
  }
  char *code = strstr(line, "pcn1-");
  if (!code) return BX_FAILED;
  code[strcspn(code, " \r\n")] = 0;
  /* The data directory for run is t->dir/net; keep logs in t->dir. */
  char *args[6 + 16 + 1] = {(char *)o->pcnd, "run", "--data", data};
  run_args(o, args);
  if (spawn(t, loop, o, args, "pcnd.log") || wait_serving(t, loop))
    return BX_FAILED;
  return join(t, code);
}

int target_open(target *t, uv_loop_t *loop, const bench_opts *o) {
  memset(t, 0, sizeof *t);
  if (o->spawn) return open_spawned(t, loop, o);
  pcn_config cfg;
  char err[400];
  int rc = pcn_config_load(&cfg, err, sizeof err);
  if (rc || !cfg.ca_pem || !cfg.token[0]) {
    fprintf(stderr, "pcn-bench: %s\n",
            rc < 0 ? err
                   : "no saved session; run `pcn join ...` or `pcn login` "
                     "first, or use --spawn.");
    pcn_config_free(&cfg);
    return BX_USAGE;
  }
  snprintf(t->server, sizeof t->server, "%s",
           o->server ? o->server : cfg.server);
  snprintf(t->token, sizeof t->token, "%s", cfg.token);
  snprintf(t->username, sizeof t->username, "%s",
           o->username ? o->username : cfg.username);
  if (o->password) {
    snprintf(t->password, sizeof t->password, "%s", o->password);
    t->have_password = 1;
  }
  t->ca_pem = cfg.ca_pem;
  cfg.ca_pem = NULL;
  pcn_config_free(&cfg);
  t->pid = o->pid;
  return BX_OK;
}

static void stop(target *t, uv_loop_t *loop) {
  if (!t->running) return;
  uv_process_kill(&t->proc, SIGTERM);
  uint64_t start = uv_hrtime();
  while (!t->exited && uv_hrtime() - start < 20000000000ull)
    uv_run(loop, UV_RUN_ONCE);
  if (!t->exited) uv_process_kill(&t->proc, SIGKILL);
  while (!t->exited)
    uv_run(loop, UV_RUN_ONCE);
}

double target_restart(target *t, uv_loop_t *loop, const bench_opts *o) {
  stop(t, loop);
  char data[300];
  snprintf(data, sizeof data, "%s/net", t->dir);
  char *args[6 + 16 + 1] = {(char *)o->pcnd, "run", "--data", data};
  run_args(o, args);
  uint64_t t0 = uv_hrtime();
  if (spawn(t, loop, o, args, "pcnd.log") || wait_serving(t, loop)) return -1;
  return (double)(uv_hrtime() - t0) / 1e6;
}

static int rm_one(const char *p, const struct stat *sb, int flag,
                  struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(p);
}

void target_close(target *t, uv_loop_t *loop, int keep) {
  stop(t, loop);
  if (t->dir[0] && keep)
    fprintf(stderr, "pcn-bench: kept %s (pcnd.log, the store in net/)\n",
            t->dir);
  else if (t->dir[0])
    nftw(t->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
  free(t->ca_pem);
  t->ca_pem = NULL;
}
