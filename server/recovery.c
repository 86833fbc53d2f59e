/* recovery.c - the way back into a locked-out network: the server's
 * operator invites a PCN manager from the server host (ops.h).
 *
 * One apply function makes the invitation in both cases: through the
 * running server's writer (recovery_submit, from the control socket), or,
 * when no server runs, in a write transaction of this process
 * (recovery_offline, the caller holding the data directory's lock). Either
 * way the invitation and its feed event commit together: a ServerNotice of
 * kind "operator_invite" to the network's people (audience "+") with the
 * actor OPS_ACTOR, "(operator)", which no username can be. The invitation is
 * for a PCN manager only: that is what a locked-out network lacks, and the
 * new PCN manager invites everyone else. Nothing here disables or demotes
 * anyone, so the rule of at least one enabled PCN manager holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "areas.h"
#include "auth.h"
#include "certs.h"
#include "feed.h"
#include "invite.h"
#include "log.h"
#include "ops.h"
#include "validate.h"
#include "writer.h"

typedef struct recovery_prep {
  char username[PCN_MAX_USERNAME + 1];
  char name[PCN_MAX_NAME + 1];
  ops_invite_done done;
  void *ud;
  char join_code[PCN_INVITE_MAX];
  int64_t expires_at;
} recovery_prep;

static int check_args(const char *username, const char *name, ops_invite *res) {
  memset(res, 0, sizeof *res);
  const char *why = pcn_check_username(username), *what = "--username";
  if (!why) {
    why = pcn_check_text(name, PCN_MAX_NAME, 1, 0);
    what = "--name";
  }
  if (!why) return 0;
  res->code = PCN__STATUS_CODE__INVALID_ARGUMENT;
  snprintf(res->message, sizeof res->message, "%s: %s", what, why);
  return -1;
}

/* Writer (or the offline transaction): the invitation and its event. */
static int recovery_apply(wtx *w, wjob *job) {
  recovery_prep *p = job->prep;
  server *s = w->srv;
  uint32_t id;
  int rc = store_get_u32(w->txn, w->st->member_by_name, p->username,
                         strlen(p->username), &id);
  if (rc == 0)
    return wtx_fail(w, PCN__STATUS_CODE__ALREADY_EXISTS,
                    "The username %s is taken (an account that is disabled "
                    "or whose password is lost keeps it); choose another.",
                    p->username);
  if (rc != MDB_NOTFOUND) return wtx_lmdb(w, rc, "checking the username");
  char token[65];
  uint8_t hash[32];
  if (auth_new_token(token, hash))
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL,
                    "Could not make random numbers; try again.");
  Pcn__InviteRecord rec = PCN__INVITE_RECORD__INIT;
  rec.username = p->username;
  rec.display_name = p->name;
  rec.role = PCN__ROLE__PCN_MANAGER;
  rec.practice = "";
  rec.expires_at = job->now_ms + (int64_t)s->cfg.invite_ttl_s * 1000;
  rec.created_by = OPS_ACTOR;
  if ((rc = auth_invite_put(w->txn, w->st, hash, &rec)))
    return wtx_lmdb(w, rc, "saving the invitation");

  pcn_invite inv;
  memset(&inv, 0, sizeof inv);
  snprintf(inv.server, sizeof inv.server, "%s", s->recorded_listen);
  memcpy(inv.ca_sha256, s->ca_sha256, 32);
  memcpy(inv.token, token, 65);
  inv.expires_at = rec.expires_at;
  snprintf(inv.network_name, sizeof inv.network_name, "%s", s->network_name);
  if (pcn_invite_encode(&inv, p->join_code, sizeof p->join_code))
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL,
                    "The invitation code does not fit; try again.");
  p->expires_at = rec.expires_at;

  time_t exp = (time_t)(rec.expires_at / 1000);
  struct tm tm;
  char day[32] = "";
  if (gmtime_r(&exp, &tm)) strftime(day, sizeof day, "%Y-%m-%d %H:%M UTC", &tm);
  char msg[400];
  snprintf(msg, sizeof msg,
           "The server's operator invited %s (%s) to be a PCN manager, from "
           "the server host; the invitation works once, until %s.",
           p->name, p->username, day);
  Pcn__ServerNotice n = PCN__SERVER_NOTICE__INIT;
  n.kind = "operator_invite";
  n.message = msg;
  n.severity = 1; /* a warning: every PCN manager should know of it */
  n.expires_at = rec.expires_at;
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_SERVER_NOTICE;
  ev.server_notice = &n;
  return feed_emit(w, PCN__OP__CREATED, "+", &ev);
}

static wjob *recovery_job(server *s, const char *username, const char *name) {
  wjob *job = wjob_new(s, NULL, 0, 64u << 10);
  if (!job) return NULL;
  recovery_prep *p = pcn_arena_alloc(&job->arena, sizeof *p);
  if (!p) {
    wjob_free(job);
    return NULL;
  }
  memset(p, 0, sizeof *p);
  snprintf(p->username, sizeof p->username, "%s", username);
  snprintf(p->name, sizeof p->name, "%s", name);
  job->prep = p;
  job->apply = recovery_apply;
  snprintf(job->who.username, sizeof job->who.username, "%s", OPS_ACTOR);
  job->who.role = PCN__ROLE__PCN_MANAGER;
  return job;
}

static void result_of(wjob *job, ops_invite *res) {
  recovery_prep *p = job->prep;
  memset(res, 0, sizeof *res);
  res->code = job->code;
  if (job->code) {
    snprintf(res->message, sizeof res->message, "%s",
             job->status.message && job->status.message[0]
                 ? job->status.message
                 : "The invitation could not be saved; try again.");
    return;
  }
  snprintf(res->join_code, sizeof res->join_code, "%s", p->join_code);
  res->expires_at = p->expires_at;
}

/* ------------------------------------------------------------ online */

static void recovery_done(server *s, wjob *job) {
  recovery_prep *p = job->prep;
  ops_invite res;
  result_of(job, &res);
  if (res.code == 0)
    pcnd_log(LOG_NOTICE, "the operator invited %s as a PCN manager.",
             p->username);
  p->done(s, p->ud, &res);
}

int recovery_submit(server *s, const char *username, const char *name,
                    ops_invite_done done, void *ud, ops_invite *res) {
  if (check_args(username, name, res)) return -1;
  if (s->stopping) {
    res->code = PCN__STATUS_CODE__UNAVAILABLE;
    snprintf(res->message, sizeof res->message,
             "The server is shutting down; run pcnd invite again once it has "
             "stopped.");
    return -1;
  }
  wjob *job = recovery_job(s, username, name);
  if (!job) {
    res->code = PCN__STATUS_CODE__RESOURCE_EXHAUSTED;
    snprintf(res->message, sizeof res->message,
             "The server is out of memory; try again shortly.");
    return -1;
  }
  recovery_prep *p = job->prep;
  p->done = done;
  p->ud = ud;
  job->done = recovery_done;
  writer_submit(s->wr, job);
  return 0;
}

/* ------------------------------------------------------------ offline */

/* What the invitation code carries, read as the server would at start:
 * the root it pins is the last certificate of --tls-cert's chain, or the
 * network's own CA. */
static int load_identity(server *s, MDB_txn *txn, ops_invite *res) {
  char path[4096], err[256] = "";
  int rc = store_meta_get_str(txn, &s->st, META_NETWORK_NAME, s->network_name,
                              sizeof s->network_name);
  if (!rc)
    rc = store_meta_get_str(txn, &s->st, META_ADVERTISE, s->recorded_listen,
                            sizeof s->recorded_listen);
  int bad = 0;
  if (!rc && s->cfg.tls_cert) {
    certs_info leaf, root;
    if (certs_chain_info(s->cfg.tls_cert, &leaf, &root, NULL, err,
                         sizeof err))
      bad = 1;
    else
      memcpy(s->ca_sha256, root.sha256, 32);
  } else if (!rc) {
    snprintf(path, sizeof path, "%s/ca.pem", s->cfg.data_dir);
    bad = certs_fingerprint_file(path, s->ca_sha256, err, sizeof err) != 0;
  }
  if (rc || bad) {
    res->code = PCN__STATUS_CODE__FAILED_PRECONDITION;
    snprintf(res->message, sizeof res->message, "%s",
             err[0] ? err
                    : "The store has no network identity; was it made "
                      "by pcnd init?");
    return -1;
  }
  return 0;
}

/* One attempt: 0 done (res says how), 1 to grow the map and retry. */
static int offline_attempt(server *s, wjob *job, ops_invite *res) {
  MDB_txn *txn;
  int rc = mdb_txn_begin(s->st.env, NULL, 0, &txn);
  if (rc) {
    res->code = PCN__STATUS_CODE__INTERNAL;
    snprintf(res->message, sizeof res->message,
             "Could not write the store: %s.", mdb_strerror(rc));
    return 0;
  }
  if (load_identity(s, txn, res)) {
    mdb_txn_abort(txn);
    return 0;
  }
  feed_chain chain;
  uint64_t oldest;
  if ((rc = feed_chain_load(&s->st, txn, &chain, &oldest))) {
    mdb_txn_abort(txn);
    res->code = PCN__STATUS_CODE__INTERNAL;
    snprintf(res->message, sizeof res->message,
             "Could not read the feed: %s; run pcnd verify.", mdb_strerror(rc));
    return 0;
  }
  wtx w = {.srv = s, .chain = &chain, .st = &s->st, .txn = txn, .job = job};
  w.items_tail = &w.items;
  int code = recovery_apply(&w, job);
  job->items = w.items; /* wjob_free frees them: nobody to fan out to */
  if (code == PCN__STATUS_CODE__OK) {
    rc = mdb_txn_commit(txn); /* durable before the code is printed */
    if (rc == MDB_MAP_FULL) return 1;
    if (rc) code = wtx_lmdb(&w, rc, "committing the invitation");
  } else {
    mdb_txn_abort(txn);
    if (code == WRITER_RETRY_MAP_FULL) return 1;
  }
  job->code = code;
  result_of(job, res);
  return 0;
}

int recovery_offline(const char *data_dir, const char *tls_cert,
                     const char *username, const char *name, ops_invite *res) {
  if (check_args(username, name, res)) return -1;
  server *s = calloc(1, sizeof *s);
  if (!s) {
    res->code = PCN__STATUS_CODE__RESOURCE_EXHAUSTED;
    snprintf(res->message, sizeof res->message, "Out of memory.");
    return -1;
  }
  srv_config_defaults(&s->cfg);
  s->cfg.data_dir = data_dir;
  s->cfg.tls_cert = tls_cert;
  char err[512];
  if (store_open(&s->st, data_dir, s->cfg.map_size, 0, err, sizeof err)) {
    res->code = PCN__STATUS_CODE__FAILED_PRECONDITION;
    snprintf(res->message, sizeof res->message, "%s", err);
    free(s);
    return -1;
  }
  wjob *job = recovery_job(s, username, name);
  if (!job) {
    res->code = PCN__STATUS_CODE__RESOURCE_EXHAUSTED;
    snprintf(res->message, sizeof res->message, "Out of memory.");
  }
  for (int attempt = 0; job; attempt++) {
    if (!offline_attempt(s, job, res)) break;
    feed_item *it = job->items;
    job->items = NULL;
    while (it) {
      feed_item *next = it->next;
      pcn_buf_free(&it->frame);
      free(it);
      it = next;
    }
    if (attempt == 8 || store_grow(&s->st)) {
      res->code = PCN__STATUS_CODE__INTERNAL;
      snprintf(res->message, sizeof res->message,
               "The store is full and could not grow; free disk space and "
               "try again.");
      break;
    }
  }
  wjob_free(job);
  store_close(&s->st);
  free(s);
  return res->code ? -1 : 0;
}
