/* sync.c - the blocking wrapper over libpcnclient (pcnclient.h), for
 * command-line tools and tests: a private loop, run until the one
 * outstanding thing (connect, or a call) is done.
 *
 * A response is copied into the wrapper's arena (packed and unpacked
 * again), since the library's own lives only during its callback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "pcnclient.h"

struct pcn_sync {
  uv_loop_t loop;
  pcn_client *c;
  pcn_arena arena;
  int done;
  Pcn__Response *resp;
  Pcn__Status lost_status;
  Pcn__Response lost;
};

static void sync_on_state(pcn_client *c, pcn_client_state st,
                          const char *detail, void *ud) {
  (void)c;
  (void)detail;
  pcn_sync *s = ud;
  if (st == PCN_CLIENT_READY || st == PCN_CLIENT_FAILED) s->done = 1;
}

static void run_until_done(pcn_sync *s) {
  while (!s->done && uv_run(&s->loop, UV_RUN_ONCE)) {
  }
}

pcn_sync *pcn_sync_connect(const pcn_client_config *cfg, char *err,
                           size_t errlen, pcn_error_class *cls) {
  pcn_sync *s = calloc(1, sizeof *s);
  if (!s || uv_loop_init(&s->loop) != 0) {
    free(s);
    snprintf(err, errlen, "Out of memory.");
    *cls = PCN_ERR_CONNECT;
    return NULL;
  }
  pcn_arena_init(&s->arena, 64u << 20);
  pcn_client_config c = *cfg;
  c.auto_reconnect = 0;
  s->c = pcn_client_new(&s->loop, &c);
  if (!s->c) {
    snprintf(err, errlen,
             "Cannot use the server address '%s' or the network's "
             "certificate; check --server and your configuration.",
             cfg->server ? cfg->server : "");
    *cls = PCN_ERR_CONNECT;
    pcn_sync_close(s);
    return NULL;
  }
  pcn_client_on_state(s->c, sync_on_state, s);
  pcn_client_connect(s->c);
  run_until_done(s);
  if (pcn_client_get_state(s->c) != PCN_CLIENT_READY) {
    snprintf(err, errlen, "%s", pcn_client_error(s->c));
    *cls = pcn_client_error_class(s->c);
    if (*cls == PCN_ERR_NONE) *cls = PCN_ERR_CONNECT;
    pcn_sync_close(s);
    return NULL;
  }
  return s;
}

static void sync_on_response(pcn_client *c, const Pcn__Response *r, void *ud) {
  (void)c;
  pcn_sync *s = ud;
  s->done = 1;
  size_t n = pcn__response__get_packed_size(r);
  uint8_t *buf = malloc(n ? n : 1);
  if (!buf) return;
  pcn__response__pack(r, buf);
  s->resp = pcn__response__unpack(&s->arena.pb, n, buf);
  free(buf);
}

const Pcn__Response *pcn_sync_call(pcn_sync *s, const Pcn__Request *req) {
  pcn_arena_reset(&s->arena);
  s->done = 0;
  s->resp = NULL;
  pcn__status__init(&s->lost_status);
  s->lost_status.code = PCN__STATUS_CODE__UNAVAILABLE;
  pcn__response__init(&s->lost);
  s->lost.status = &s->lost_status;
  if (!pcn_client_call(s->c, req, sync_on_response, s)) {
    s->lost_status.message =
        (char *)(pcn_client_error(s->c)[0]
                     ? pcn_client_error(s->c)
                     : "Not connected to the server; try again.");
    return &s->lost;
  }
  run_until_done(s);
  if (!s->resp || !s->resp->status) {
    s->lost_status.message = "The server's answer was lost; try again.";
    return &s->lost;
  }
  if (!s->resp->status->message) s->resp->status->message = "";
  return s->resp;
}

pcn_client *pcn_sync_client(pcn_sync *s) {
  return s->c;
}

uv_loop_t *pcn_sync_loop(pcn_sync *s) {
  return &s->loop;
}

void pcn_sync_close(pcn_sync *s) {
  if (!s) return;
  if (s->c) pcn_client_close(s->c);
  s->c = NULL;
  uv_run(&s->loop, UV_RUN_DEFAULT); /* let every handle close */
  uv_loop_close(&s->loop);
  pcn_arena_free(&s->arena);
  free(s);
}

static const char *const role_names[] = {
    "",      "pcn_manager", "clinical_director", "practice_manager",
    "staff", "clinician"};
#define ROLE_LAST 5 /* a newer server's role prints as "unknown" */

const char *pcn_role_name(int role) {
  return role > 0 && role <= ROLE_LAST ? role_names[role] : "unknown";
}

int pcn_role_parse(const char *name) {
  for (int i = 1; i <= ROLE_LAST; i++)
    if (strcmp(name, role_names[i]) == 0) return i;
  return 0;
}
