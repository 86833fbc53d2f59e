/* fuzz_dispatch.c - libFuzzer target for request dispatch: arbitrary bytes
 * reach a real server (store on a temporary directory, writer thread, the
 * real dispatch table and handlers) as the decrypted stream of a connection
 * that is past Hello and logged in as the PCN manager, a practice manager
 * or nobody (the first input byte chooses). Writes are applied and
 * committed for real. Nothing must crash, leak or trip a sanitizer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "init.h"
#include "server.h"
#include "writer.h"

static server srv;
static uv_loop_t *loop;

/* One network per fuzzing process, with a practice and two members to act
 * as. */
static void setup_once(void) {
  static int done;
  if (done) return;
  done = 1;
  char tmpl[] = "/tmp/pcn-fuzz-XXXXXX";
  char *dir = mkdtemp(tmpl);
  if (!dir) abort();
  static char data[300];
  snprintf(data, sizeof data, "%s/net", dir);
  init_opts o = {.data_dir = data,
                 .network = "Fuzz PCN",
                 .listen = "127.0.0.1:0",
                 .manager = "manager",
                 .manager_name = "Fuzz Manager",
                 .invite_ttl_s = 3600};
  char code[600], err[300];
  if (pcnd_init(&o, code, sizeof code, err, sizeof err)) {
    fprintf(stderr, "fuzz setup: %s\n", err);
    abort();
  }
  srv_config cfg;
  srv_config_defaults(&cfg);
  cfg.data_dir = data;
  cfg.max_frame = 65536;
  /* ClockAdvance runs every area's timed work (timers.c) on what the
   * fuzzer wrote. */
  cfg.test_clock = 1;
  loop = uv_default_loop();
  if (server_open(&srv, &cfg, loop, err, sizeof err)) {
    fprintf(stderr, "fuzz setup: %s\n", err);
    abort();
  }
}

static void act_as(conn *c, uint8_t who) {
  switch (who % 3) {
  case 0: break; /* not logged in */
  case 1:
    c->who.member_id = 1;
    c->who.role = PCN__ROLE__PCN_MANAGER;
    snprintf(c->who.username, sizeof c->who.username, "manager");
    break;
  case 2:
    c->who.member_id = 2;
    c->who.role = PCN__ROLE__PRACTICE_MANAGER;
    snprintf(c->who.username, sizeof c->who.username, "pm");
    snprintf(c->who.practice, sizeof c->who.practice, "F84001");
    break;
  }
  c->session_expires_ms = INT64_MAX;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  setup_once();
  if (size < 1) return 0;
  conn *c = conn_new_detached(&srv);
  if (!c) return 0;
  act_as(c, data[0]);
  conn_ref(c); /* keep it while writes come back */
  conn_feed_plain(c, data + 1, size - 1);
  /* Let every write it started commit and come back. */
  while (writer_pending(srv.wr) || srv.pending_work)
    uv_run(loop, UV_RUN_ONCE);
  conn_close(c);
  conn_unref(c);
  uv_run(loop, UV_RUN_NOWAIT);
  return 0;
}
