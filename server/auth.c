/* auth.c - login, resume, logout, join, password change, whoami (auth.h).
 *
 * The slow step of each (Argon2id) runs on the threadpool through one
 * pw_work shape: the loop reads what it needs, the pool hashes or verifies,
 * the loop decides, and a write job makes the outcome durable. A pw_work
 * holds its job, which holds a reference on its connection, so a client
 * that leaves meanwhile costs nothing but the wasted hash.
 *
 * Guessing is bounded where a check is admitted, not where it ends (pw_admit,
 * backoff.h): a login counts as a failed attempt for its username and
 * address together, its address and its username before anything is
 * hashed, and a right password takes that back (the pair's count is
 * cleared, the address's and the username's one attempt undone). A wait
 * holds back the pair and the address, so a guesser's address waits while
 * the user's own PC still gets in; the username's ceiling holds back only
 * addresses that have failed for it (backoff_admit_wait). At
 * most one password check or hash is in flight per connection, and one per
 * username; others are refused at once, unhashed, with retry_after_ms. An
 * unknown username is admitted, counted and verified (against a dummy hash)
 * exactly like a known one, so no answer or count tells them apart.
 */
#include "auth.h"
#include "areas.h"
#include "backoff.h"

#include <argon2.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "clock.h"
#include "conn.h"
#include "encode.h"
#include "feed.h"
#include "log.h"
#include "validate.h"

#define PW_HASH_MAX 160
#define PW_BUSY_RETRY_MS 1000 /* told to a check refused as one is running */
#define BACKOFF_FULL_LOG_MS (60 * 1000)   /* "table full" warnings, at most */
#define SESSION_TOUCH_MS (60 * 60 * 1000) /* last_seen granularity */

struct login_backoff {
  backoff_table *table;
  char dummy_hash[PW_HASH_MAX]; /* verified for unknown users */
  uint64_t full_logged_ms;      /* the last "table full" warning */
};

enum pw_kind { PW_LOGIN, PW_JOIN, PW_CHANGE };

typedef struct pw_work {
  uv_work_t req;
  enum pw_kind kind;
  wjob *job;
  const req_entry *entry;
  uint32_t m_kib, t;
  int known;                /* the username exists and is enabled */
  char stored[PW_HASH_MAX]; /* the hash to verify against */
  char password[PCN_MAX_PASSWORD + 1];
  char new_password[PCN_MAX_PASSWORD + 1];
  int ok;                     /* verify result */
  char new_hash[PW_HASH_MAX]; /* hash of new_password, or a rehash */
  /* What pw_admit counted and holds, for pw_release: the username's entry
   * (held busy), the pair's and the address's, "" for none. */
  char ukey[BACKOFF_KEY_MAX], pkey[BACKOFF_KEY_MAX], akey[BACKOFF_KEY_MAX];
  uint64_t a_prev_until, a_set_until; /* to undo the address's attempt */
  uint64_t u_prev_until, u_set_until; /* to undo the username's attempt */
} pw_work;

/* What apply needs to make a session. */
typedef struct session_prep {
  uint32_t member_id;
  uint8_t hash[32];
  char token[65];
  uint8_t invite_hash[32];
  char pw_hash[PW_HASH_MAX]; /* "" unless the stored hash changes */
} session_prep;

/* ------------------------------------------------------------ helpers */

void auth_token_hash(const char *hex, uint8_t hash[32]) {
  unsigned int n = 32;
  if (!EVP_Digest(hex, strlen(hex), hash, &n, EVP_sha256(), NULL))
    memset(hash, 0, 32);
}

int auth_new_token(char hex[65], uint8_t hash[32]) {
  uint8_t raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) return -1;
  pcn_hex_encode(raw, sizeof raw, hex);
  auth_token_hash(hex, hash);
  return 0;
}

int auth_hash_password(uint32_t m_kib, uint32_t t, const char *pw, char *out,
                       size_t outlen) {
  uint8_t salt[16];
  if (RAND_bytes(salt, sizeof salt) != 1) return -1;
  return argon2id_hash_encoded(t, m_kib, 1, pw, strlen(pw), salt, sizeof salt,
                               32, out, outlen) == ARGON2_OK
             ? 0
             : -1;
}

/* Whether a stored hash uses weaker parameters than configured. */
static int hash_outdated(const char *h, uint32_t m_kib, uint32_t t) {
  unsigned v, m, tt, p;
  if (sscanf(h, "$argon2id$v=%u$m=%u,t=%u,p=%u$", &v, &m, &tt, &p) != 4)
    return 1;
  return m < m_kib || tt < t;
}

int auth_init(server *s, char *err, size_t errlen) {
  s->backoff = calloc(1, sizeof *s->backoff);
  if (s->backoff)
    s->backoff->table = backoff_new(
        s->cfg.backoff_slots ? s->cfg.backoff_slots : BACKOFF_SLOTS_DEFAULT);
  if (!s->backoff || !s->backoff->table) {
    snprintf(err, errlen,
             "Out of memory for the login backoff table; lower "
             "--backoff-slots.");
    goto fail;
  }
  /* Once, at start: unknown usernames are verified against this so they
   * take as long as known ones. */
  char pw[65];
  uint8_t unused[32];
  if (auth_new_token(pw, unused) ||
      auth_hash_password(s->cfg.argon2_m_kib, s->cfg.argon2_t, pw,
                         s->backoff->dummy_hash, PW_HASH_MAX)) {
    snprintf(err, errlen, "Could not initialise password hashing.");
    goto fail;
  }
  return 0;
fail:
  auth_free(s);
  return -1;
}

void auth_free(server *s) {
  if (s->backoff) backoff_free(s->backoff->table);
  free(s->backoff);
  s->backoff = NULL;
}

int auth_invite_put(MDB_txn *txn, store *st, const uint8_t hash[32],
                    const Pcn__InviteRecord *rec) {
  return store_put_pb(txn, st->invites, hash, 32,
                      (const ProtobufCMessage *)rec);
}

int auth_sessions_revoke(MDB_txn *txn, store *st, uint32_t member_id,
                         const uint8_t *keep) {
  MDB_cursor *cur;
  int rc = mdb_cursor_open(txn, st->session_by_member, &cur);
  if (rc) return rc;
  uint8_t key[36];
  key_u32(key, member_id);
  memset(key + 4, 0, 32);
  MDB_val k = {36, key}, v;
  rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
  while (rc == 0 && k.mv_size == 36 && key_get_u32(k.mv_data) == member_id) {
    const uint8_t *h = (const uint8_t *)k.mv_data + 4;
    if (!keep || memcmp(h, keep, 32) != 0) {
      MDB_val sk = {32, (void *)h};
      int drc = mdb_del(txn, st->sessions, &sk, NULL);
      if (drc && drc != MDB_NOTFOUND) {
        rc = drc;
        break;
      }
      if ((rc = mdb_cursor_del(cur, 0))) break;
      rc = mdb_cursor_get(cur, &k, &v, MDB_GET_CURRENT);
      if (rc == MDB_NOTFOUND || rc == EINVAL)
        rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
      continue;
    }
    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
  }
  mdb_cursor_close(cur);
  return rc == MDB_NOTFOUND ? 0 : rc;
}

static int load_creds(MDB_txn *txn, store *st, uint32_t id, char *out,
                      size_t outlen) {
  uint8_t key[4];
  key_u32(key, id);
  MDB_val k = {4, key}, v;
  int rc = mdb_get(txn, st->creds, &k, &v);
  if (rc) return rc;
  if (v.mv_size >= outlen) return MDB_CORRUPTED;
  memcpy(out, v.mv_data, v.mv_size);
  out[v.mv_size] = 0;
  return 0;
}

/* Makes c a logged-in connection of member m. */
static void conn_set_member(conn *c, const Pcn__Member *m,
                            const uint8_t hash[32], int64_t expires) {
  c->who.member_id = m->id;
  c->who.role = m->role;
  snprintf(c->who.username, sizeof c->who.username, "%s", m->username);
  snprintf(c->who.practice, sizeof c->who.practice, "%s", m->practice);
  memcpy(c->session_hash, hash, 32);
  c->session_expires_ms = expires;
  conn_logged_in(c); /* frees its place among its address's anonymous */
}

void auth_member_changed(server *s, const Pcn__Member *m) {
  for (conn *c = s->conns, *next; c; c = next) {
    next = c->next;
    if (c->who.member_id != m->id) continue;
    if (m->disabled) {
      memset(&c->who, 0, sizeof c->who);
      conn_fail(c, PCN__STATUS_CODE__UNAUTHENTICATED,
                "Your account has been disabled; ask your practice manager "
                "or PCN manager.");
      continue;
    }
    c->who.role = m->role;
    snprintf(c->who.practice, sizeof c->who.practice, "%s", m->practice);
  }
}

/* Fills a Session response from the member and token. */
static int session_response(wjob *job, Pcn__Member *m, const char *token,
                            int64_t created, int64_t last_seen) {
  server *s = job->srv;
  Pcn__Session *ses = pcn_arena_alloc(&job->arena, sizeof *ses);
  if (!ses) return -1;
  pcn__session__init(ses);
  ses->token = pcn_arena_strdup(&job->arena, token);
  ses->member = m;
  ses->idle_expires_at = last_seen + (int64_t)s->cfg.session_idle_s * 1000;
  ses->expires_at = created + (int64_t)s->cfg.session_max_s * 1000;
  job->resp.body_case = PCN__RESPONSE__BODY_SESSION;
  job->resp.session = ses;
  return ses->token ? 0 : -1;
}

/* after(): the committed session becomes the connection's. */
static void auth_after_session(server *s, wjob *job) {
  (void)s;
  session_prep *sp = job->prep;
  Pcn__Session *ses = job->resp.session;
  if (!job->c || !conn_is_open(job->c) || !ses) return;
  int64_t exp = ses->expires_at < ses->idle_expires_at ? ses->expires_at
                                                       : ses->idle_expires_at;
  conn_set_member(job->c, ses->member, sp->hash, exp);
}

/* ------------------------------------------------------------ threadpool */

static void pw_work_run(uv_work_t *req) {
  pw_work *w = req->data;
  switch (w->kind) {
  case PW_LOGIN:
  case PW_CHANGE:
    w->ok = argon2id_verify(w->stored, w->password, strlen(w->password)) ==
                ARGON2_OK &&
            w->known;
    if (w->ok && w->kind == PW_CHANGE)
      w->ok = auth_hash_password(w->m_kib, w->t, w->new_password, w->new_hash,
                                 sizeof w->new_hash) == 0;
    else if (w->ok && hash_outdated(w->stored, w->m_kib, w->t))
      auth_hash_password(w->m_kib, w->t, w->password, w->new_hash,
                         sizeof w->new_hash);
    break;
  case PW_JOIN:
    w->ok = auth_hash_password(w->m_kib, w->t, w->password, w->new_hash,
                               sizeof w->new_hash) == 0;
    break;
  }
  /* Passwords do not outlive their use. */
  OPENSSL_cleanse(w->password, sizeof w->password);
  OPENSSL_cleanse(w->new_password, sizeof w->new_password);
}

/* Loop: lets go of what pw_admit counted and held, once the check is over
 * (or never started). A right password takes its attempt back: the
 * username and address together start afresh, the address's and the
 * username's one attempt is undone (so the owner logging in does not wipe
 * what guessers elsewhere have run up). A wrong one waits from now, when
 * the client hears. */
static void pw_release(server *s, pw_work *w, conn *c) {
  backoff_table *t = s->backoff->table;
  uint64_t now = uv_now(s->loop);
  backoff_entry *e;
  if (w->ukey[0] && (e = backoff_find(t, w->ukey, now))) {
    if (e->busy) e->busy--;
    if (w->ok)
      backoff_uncount(e, w->u_prev_until, w->u_set_until);
    else
      backoff_restamp(e, BACKOFF_FREE_USER, now);
  }
  if (w->pkey[0] && (e = backoff_find(t, w->pkey, now))) {
    if (w->ok)
      backoff_clear(e);
    else
      backoff_restamp(e, BACKOFF_FREE_PAIR, now);
  }
  if (w->akey[0] && (e = backoff_find(t, w->akey, now))) {
    if (w->ok)
      backoff_uncount(e, w->a_prev_until, w->a_set_until);
    else
      backoff_restamp(e, BACKOFF_FREE_ADDR, now);
  }
  w->ukey[0] = w->pkey[0] = w->akey[0] = 0;
  if (c) c->pw_busy = 0;
}

static void pw_work_done(uv_work_t *req, int status) {
  pw_work *w = req->data;
  wjob *job = w->job;
  server *s = job->srv;
  s->pending_work--;
  conn *c = job->c;
  if (status != 0) w->ok = 0;
  pw_release(s, w, c);
  if (status != 0 || !c || !conn_is_open(c)) {
    if (c) dispatch_async_done(c);
    wjob_free(job);
    goto out;
  }
  if (!w->ok) {
    job->status.code = PCN__STATUS_CODE__UNAUTHENTICATED;
    if (w->kind == PW_LOGIN) {
      job->status.message = "Wrong username or password.";
    } else if (w->kind == PW_CHANGE) {
      job->status.message = "Your current password is not right; try again.";
    } else {
      job->status.code = PCN__STATUS_CODE__INTERNAL;
      job->status.message = "The server could not hash the password; try "
                            "again.";
    }
    dispatch_fail_job(job);
    goto out;
  }
  session_prep *sp = job->prep;
  if (w->new_hash[0])
    snprintf(sp->pw_hash, sizeof sp->pw_hash, "%s", w->new_hash);
  dispatch_submit(job, w->entry);
out:
  free(w);
  if (s->stopping) server_stop(s);
}

/* Starts password work for a prepared job; the request is answered later. */
static int pw_start(req_ctx *ctx, wjob *job, pw_work *w) {
  server *s = ctx->srv;
  w->job = job;
  w->entry = ctx->entry;
  w->m_kib = s->cfg.argon2_m_kib;
  w->t = s->cfg.argon2_t;
  w->req.data = w;
  if (uv_queue_work(s->loop, &w->req, pw_work_run, pw_work_done) != 0) {
    pw_release(s, w, ctx->c);
    free(w);
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The server could not start checking the password; try "
                    "again.");
  }
  s->pending_work++;
  s->stats.pw_checks++;
  ctx->c->pw_busy = 1;
  ctx->async = 1;
  return PCN__STATUS_CODE__OK;
}

/* Refuses a password check before any hashing, saying when to come back. */
static int pw_refuse(req_ctx *ctx, uint64_t retry_ms, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int pw_refuse(req_ctx *ctx, uint64_t retry_ms, const char *fmt, ...) {
  ctx->srv->stats.logins_refused++;
  Pcn__StatusDetails *d = ctx_details(ctx);
  if (d)
    d->retry_after_ms = retry_ms > UINT32_MAX ? UINT32_MAX : (uint32_t)retry_ms;
  char msg[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED, "%s", msg);
}

static int pw_refuse_full(req_ctx *ctx, enum pw_kind kind, uint64_t retry_ms) {
  server *s = ctx->srv;
  uint64_t now = uv_now(s->loop);
  if (!s->backoff->full_logged_ms ||
      now - s->backoff->full_logged_ms >= BACKOFF_FULL_LOG_MS) {
    s->backoff->full_logged_ms = now;
    pcnd_log(LOG_WARNING,
             "The login backoff table is full (%u slots hold recent failed "
             "logins): logins from usernames and addresses it does not hold "
             "are refused; if this is not an attack, raise --backoff-slots.",
             backoff_slots(s->backoff->table));
  }
  return pw_refuse(ctx, retry_ms,
                   kind == PW_LOGIN
                       ? "The server is refusing new logins for a while; try "
                         "again in %llu seconds."
                       : "The server is refusing password changes for a "
                         "while; try again in %llu seconds.",
                   (unsigned long long)(retry_ms + 999) / 1000);
}

/* Loop: admits one password check for username from the peer's address
 * (for a login, the address is limited on its own too) or refuses it
 * unhashed. Admitted, it is counted as a failed attempt now, and the
 * username is held busy until pw_release. Returns OK, or the refusal's
 * code with ctx's status set. */
static int pw_admit(req_ctx *ctx, pw_work *w, const char *username) {
  server *s = ctx->srv;
  backoff_table *t = s->backoff->table;
  uint64_t now = uv_now(s->loop), retry;
  char ukey[BACKOFF_KEY_MAX], pkey[BACKOFF_KEY_MAX], akey[BACKOFF_KEY_MAX];
  snprintf(ukey, sizeof ukey, "u:%s", username);
  backoff_addr_key(ctx->c->peer, akey);
  backoff_pair_key(username, akey, pkey);
  if (w->kind != PW_LOGIN) akey[0] = 0;
  backoff_entry *ue = backoff_claim(t, ukey, now, &retry);
  if (!ue) return pw_refuse_full(ctx, w->kind, retry);
  if (ue->busy)
    return pw_refuse(ctx, PW_BUSY_RETRY_MS,
                     "Another password check for this username is under "
                     "way; try again in a second.");
  /* Held busy while the others are claimed, so no claim reuses its slot. */
  ue->busy++;
  backoff_entry *pe = backoff_claim(t, pkey, now, &retry), *ae = NULL;
  if (!pe) {
    ue->busy--;
    return pw_refuse_full(ctx, w->kind, retry);
  }
  if (akey[0]) {
    pe->busy++;
    ae = backoff_claim(t, akey, now, &retry);
    pe->busy--;
    if (!ae) {
      ue->busy--;
      return pw_refuse_full(ctx, w->kind, retry);
    }
  }
  uint64_t wait = backoff_admit_wait(ue, pe, ae, now);
  if (wait) {
    ue->busy--;
    return pw_refuse(ctx, wait,
                     w->kind == PW_LOGIN
                         ? "Too many failed logins; try again in %llu "
                           "seconds."
                         : "Too many wrong passwords for this account; try "
                           "again in %llu seconds.",
                     (unsigned long long)(wait + 999) / 1000);
  }
  w->u_prev_until = backoff_count(ue, BACKOFF_FREE_USER, now);
  w->u_set_until = ue->until_ms;
  backoff_count(pe, BACKOFF_FREE_PAIR, now);
  if (ae) {
    w->a_prev_until = backoff_count(ae, BACKOFF_FREE_ADDR, now);
    w->a_set_until = ae->until_ms;
  }
  memcpy(w->ukey, ukey, sizeof ukey);
  memcpy(w->pkey, pkey, sizeof pkey);
  memcpy(w->akey, akey, sizeof akey);
  return PCN__STATUS_CODE__OK;
}

static pw_work *pw_new(req_ctx *ctx, wjob *job, enum pw_kind kind) {
  if (ctx->c->pw_busy) {
    pw_refuse(ctx, PW_BUSY_RETRY_MS,
              "A password check is already under way on this connection; "
              "wait for its answer before sending another.");
    return NULL;
  }
  pw_work *w = calloc(1, sizeof *w);
  session_prep *sp = pcn_arena_alloc(&job->arena, sizeof *sp);
  if (!w || !sp) {
    free(w);
    ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
             "The server is out of memory; try again shortly.");
    return NULL;
  }
  memset(sp, 0, sizeof *sp);
  job->prep = sp;
  w->kind = kind;
  return w;
}

/* ------------------------------------------------------------ login */

static int login_prepare(req_ctx *ctx, wjob *job) {
  server *s = ctx->srv;
  Pcn__Login *l = ctx->req->login;
  if (!pcn_utf8_valid(l->username, PCN_MAX_USERNAME, 0) ||
      !pcn_utf8_valid(l->password, PCN_MAX_PASSWORD, 1))
    return ctx_fail(ctx, PCN__STATUS_CODE__UNAUTHENTICATED,
                    "Wrong username or password.");
  pw_work *w = pw_new(ctx, job, PW_LOGIN);
  if (!w) return ctx->status->code;
  session_prep *sp = job->prep;
  if (auth_new_token(sp->token, sp->hash))
    return free(w), ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                             "The server could not make a session; try again.");
  /* Before the username is looked up: known or not, the same count. */
  int code = pw_admit(ctx, w, l->username);
  if (code != PCN__STATUS_CODE__OK) return free(w), code;
  Pcn__Member *m = NULL;
  MDB_txn *txn = ctx_txn(ctx);
  if (txn && member_lookup(txn, &s->st, l->username, ctx->arena, &m) == 0 &&
      !m->disabled &&
      load_creds(txn, &s->st, m->id, w->stored, sizeof w->stored) == 0) {
    w->known = 1;
    sp->member_id = m->id;
  } else {
    snprintf(w->stored, sizeof w->stored, "%s", s->backoff->dummy_hash);
  }
  snprintf(w->password, sizeof w->password, "%s", l->password);
  return pw_start(ctx, job, w);
}

static int member_get_by_id(MDB_txn *txn, store *st, uint32_t id, pcn_arena *a,
                            Pcn__Member **m) {
  uint8_t key[4];
  key_u32(key, id);
  return store_get_pb(txn, st->members, key, 4, &pcn__member__descriptor, a,
                      (void **)m);
}

/* Writer: records a new session (and a raised-parameter rehash). */
static int session_apply(wtx *w, wjob *job) {
  session_prep *sp = job->prep;
  Pcn__Member *m;
  int rc = member_get_by_id(w->txn, w->st, sp->member_id, &job->arena, &m);
  if (rc == MDB_NOTFOUND || (rc == 0 && m->disabled))
    return wtx_fail(w, PCN__STATUS_CODE__UNAUTHENTICATED,
                    "Wrong username or password.");
  if (rc) return wtx_lmdb(w, rc, "reading the member");
  Pcn__SessionRecord rec = PCN__SESSION_RECORD__INIT;
  rec.member_id = m->id;
  rec.created_at = rec.last_seen = job->now_ms;
  if ((rc = store_put_pb(w->txn, w->st->sessions, sp->hash, 32,
                         (ProtobufCMessage *)&rec)))
    return wtx_lmdb(w, rc, "saving the session");
  uint8_t bk[36];
  key_u32(bk, m->id);
  memcpy(bk + 4, sp->hash, 32);
  MDB_val k = {36, bk}, v = {0, NULL};
  if ((rc = mdb_put(w->txn, w->st->session_by_member, &k, &v, 0)))
    return wtx_lmdb(w, rc, "saving the session");
  if (sp->pw_hash[0]) {
    uint8_t ck[4];
    key_u32(ck, m->id);
    MDB_val cv = {strlen(sp->pw_hash), sp->pw_hash}, ckv = {4, ck};
    if ((rc = mdb_put(w->txn, w->st->creds, &ckv, &cv, 0)))
      return wtx_lmdb(w, rc, "updating the password hash");
  }
  if (session_response(job, m, sp->token, job->now_ms, job->now_ms))
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ resume */

/* Resume is a read unless last_seen is due a refresh (hourly), so
 * reconnecting clients cost no fsync. */
static int resume_prepare(req_ctx *ctx, wjob *job) {
  server *s = ctx->srv;
  const char *token = ctx->req->resume->token;
  const char *bad = "Your session has ended; log in again (pcn login).";
  if (strlen(token) != 64)
    return ctx_fail(ctx, PCN__STATUS_CODE__UNAUTHENTICATED, "%s", bad);
  session_prep *sp = pcn_arena_alloc(&job->arena, sizeof *sp);
  if (!sp)
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Out of memory.");
  memset(sp, 0, sizeof *sp);
  job->prep = sp;
  auth_token_hash(token, sp->hash);
  snprintf(sp->token, sizeof sp->token, "%s", token);
  MDB_txn *txn = ctx_txn(ctx);
  Pcn__SessionRecord *rec;
  Pcn__Member *m;
  if (!txn ||
      store_get_pb(txn, s->st.sessions, sp->hash, 32,
                   &pcn__session_record__descriptor, ctx->arena,
                   (void **)&rec) != 0 ||
      member_get_by_id(txn, &s->st, rec->member_id, ctx->arena, &m) != 0 ||
      m->disabled)
    return ctx_fail(ctx, PCN__STATUS_CODE__UNAUTHENTICATED, "%s", bad);
  int64_t now = job->now_ms;
  if (now > rec->created_at + (int64_t)s->cfg.session_max_s * 1000 ||
      now > rec->last_seen + (int64_t)s->cfg.session_idle_s * 1000)
    return ctx_fail(ctx, PCN__STATUS_CODE__UNAUTHENTICATED, "%s", bad);
  sp->member_id = m->id;
  if (now - rec->last_seen < SESSION_TOUCH_MS) {
    if (session_response(job, m, token, rec->created_at, rec->last_seen))
      return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
    auth_after_session(s, job);
    return PREPARE_ANSWERED;
  }
  return PCN__STATUS_CODE__OK; /* resume_apply refreshes last_seen */
}

static int resume_apply(wtx *w, wjob *job) {
  session_prep *sp = job->prep;
  Pcn__SessionRecord *rec;
  Pcn__Member *m;
  int rc = store_get_pb(w->txn, w->st->sessions, sp->hash, 32,
                        &pcn__session_record__descriptor, &job->arena,
                        (void **)&rec);
  if (rc == 0)
    rc = member_get_by_id(w->txn, w->st, rec->member_id, &job->arena, &m);
  if (rc == MDB_NOTFOUND || (rc == 0 && m->disabled))
    return wtx_fail(w, PCN__STATUS_CODE__UNAUTHENTICATED,
                    "Your session has ended; log in again (pcn login).");
  if (rc) return wtx_lmdb(w, rc, "reading the session");
  rec->last_seen = job->now_ms;
  if ((rc = store_put_pb(w->txn, w->st->sessions, sp->hash, 32,
                         (ProtobufCMessage *)rec)))
    return wtx_lmdb(w, rc, "refreshing the session");
  if (session_response(job, m, sp->token, rec->created_at, rec->last_seen))
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ logout */

static int logout_prepare(req_ctx *ctx, wjob *job) {
  uint8_t *h = pcn_arena_alloc(&job->arena, 32);
  if (!h)
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Out of memory.");
  memcpy(h, ctx->c->session_hash, 32);
  job->prep = h;
  return PCN__STATUS_CODE__OK;
}

static int logout_apply(wtx *w, wjob *job) {
  uint8_t *h = job->prep;
  MDB_val k = {32, h};
  int rc = mdb_del(w->txn, w->st->sessions, &k, NULL);
  if (rc && rc != MDB_NOTFOUND) return wtx_lmdb(w, rc, "ending the session");
  uint8_t bk[36];
  key_u32(bk, job->who.member_id);
  memcpy(bk + 4, h, 32);
  MDB_val k2 = {36, bk};
  rc = mdb_del(w->txn, w->st->session_by_member, &k2, NULL);
  if (rc && rc != MDB_NOTFOUND) return wtx_lmdb(w, rc, "ending the session");
  return PCN__STATUS_CODE__OK;
}

static void logout_after(server *s, wjob *job) {
  (void)s;
  if (job->c) {
    feed_unsubscribe(job->c);
    memset(&job->c->who, 0, sizeof job->c->who);
  }
}

/* ------------------------------------------------------------ join */

static int join_prepare(req_ctx *ctx, wjob *job) {
  server *s = ctx->srv;
  Pcn__Join *j = ctx->req->join;
  const char *bad = "This invitation code is not valid or has been used; ask "
                    "for a new one.";
  const char *why = pcn_check_password(j->password);
  if (why)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "password",
                          "%s", why);
  if (strlen(j->invite_token) != 64)
    return ctx_fail(ctx, PCN__STATUS_CODE__NOT_FOUND, "%s", bad);
  pw_work *w = pw_new(ctx, job, PW_JOIN);
  if (!w) return ctx->status->code;
  session_prep *sp = job->prep;
  auth_token_hash(j->invite_token, sp->invite_hash);
  Pcn__InviteRecord *inv;
  MDB_txn *txn = ctx_txn(ctx);
  if (!txn || store_get_pb(txn, s->st.invites, sp->invite_hash, 32,
                           &pcn__invite_record__descriptor, ctx->arena,
                           (void **)&inv) != 0) {
    free(w);
    return ctx_fail(ctx, PCN__STATUS_CODE__NOT_FOUND, "%s", bad);
  }
  if (job->now_ms > inv->expires_at) {
    free(w);
    return ctx_fail(ctx, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "This invitation has expired; ask for a new one.");
  }
  snprintf(w->password, sizeof w->password, "%s", j->password);
  if (auth_new_token(sp->token, sp->hash)) {
    free(w);
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The server could not make a session; try again.");
  }
  return pw_start(ctx, job, w);
}

/* Writer: the invitation becomes a member with a password and a session. */
static int join_apply(wtx *w, wjob *job) {
  session_prep *sp = job->prep;
  Pcn__InviteRecord *inv;
  int rc =
      store_get_pb(w->txn, w->st->invites, sp->invite_hash, 32,
                   &pcn__invite_record__descriptor, &job->arena, (void **)&inv);
  if (rc == MDB_NOTFOUND || (rc == 0 && job->now_ms > inv->expires_at))
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND,
                    "This invitation code is not valid or has been used; ask "
                    "for a new one.");
  if (rc) return wtx_lmdb(w, rc, "reading the invitation");
  uint32_t existing;
  size_t ulen = strlen(inv->username);
  if (store_get_u32(w->txn, w->st->member_by_name, inv->username, ulen,
                    &existing) == 0)
    return wtx_fail(w, PCN__STATUS_CODE__ALREADY_EXISTS,
                    "The username %s was taken after this invitation was "
                    "made; ask for a new invitation.",
                    inv->username);
  uint64_t id;
  if ((rc = store_next_id(w->txn, w->st, META_NEXT_MEMBER, &id)))
    return wtx_lmdb(w, rc, "numbering the member");
  Pcn__Member *m = pcn_arena_alloc(&job->arena, sizeof *m);
  if (!m) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__member__init(m);
  m->id = (uint32_t)id;
  m->username = inv->username;
  m->display_name = inv->display_name;
  m->role = inv->role;
  m->practice = inv->practice;
  m->version = 1;
  m->created_at = m->updated_at = job->now_ms;
  m->created_by = inv->created_by;
  uint8_t key[4];
  key_u32(key, m->id);
  if ((rc = store_put_pb(w->txn, w->st->members, key, 4,
                         (ProtobufCMessage *)m)) ||
      (rc = store_put_u32(w->txn, w->st->member_by_name, m->username, ulen,
                          m->id)))
    return wtx_lmdb(w, rc, "saving the member");
  MDB_val ck = {4, key}, cv = {strlen(sp->pw_hash), sp->pw_hash};
  if ((rc = mdb_put(w->txn, w->st->creds, &ck, &cv, 0)))
    return wtx_lmdb(w, rc, "saving the password");
  MDB_val ik = {32, sp->invite_hash};
  if ((rc = mdb_del(w->txn, w->st->invites, &ik, NULL)))
    return wtx_lmdb(w, rc, "using up the invitation");
  /* The joiner acts as themselves from here: the event names them. */
  snprintf(job->who.username, sizeof job->who.username, "%s", m->username);
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_MEMBER;
  ev.member = m;
  if ((rc = feed_emit(w, PCN__OP__CREATED, "", &ev))) return rc;
  sp->member_id = m->id;
  return session_apply(w, job);
}

/* ------------------------------------------------------------ password */

static int password_prepare(req_ctx *ctx, wjob *job) {
  Pcn__ChangePassword *cp = ctx->req->change_password;
  const char *why = pcn_check_password(cp->new_password);
  if (why)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT,
                          "new_password", "%s", why);
  if (!pcn_utf8_valid(cp->old_password, PCN_MAX_PASSWORD, 1))
    return ctx_fail(ctx, PCN__STATUS_CODE__UNAUTHENTICATED,
                    "Your current password is not right; try again.");
  pw_work *w = pw_new(ctx, job, PW_CHANGE);
  if (!w) return ctx->status->code;
  /* The old password is a guess like a login's: the same per-username
   * count and wait, so a borrowed session cannot guess faster. */
  int code = pw_admit(ctx, w, ctx->who->username);
  if (code != PCN__STATUS_CODE__OK) return free(w), code;
  session_prep *sp = job->prep;
  sp->member_id = ctx->who->member_id;
  memcpy(sp->hash, ctx->c->session_hash, 32);
  MDB_txn *txn = ctx_txn(ctx);
  if (txn && load_creds(txn, &ctx->srv->st, sp->member_id, w->stored,
                        sizeof w->stored) == 0)
    w->known = 1;
  else
    snprintf(w->stored, sizeof w->stored, "%s", ctx->srv->backoff->dummy_hash);
  snprintf(w->password, sizeof w->password, "%s", cp->old_password);
  snprintf(w->new_password, sizeof w->new_password, "%s", cp->new_password);
  return pw_start(ctx, job, w);
}

/* Writer: the new hash, and every other session of the member ends. */
static int password_apply(wtx *w, wjob *job) {
  session_prep *sp = job->prep;
  uint8_t key[4];
  key_u32(key, sp->member_id);
  MDB_val ck = {4, key}, cv = {strlen(sp->pw_hash), sp->pw_hash};
  int rc = mdb_put(w->txn, w->st->creds, &ck, &cv, 0);
  if (rc) return wtx_lmdb(w, rc, "saving the password");
  if ((rc = auth_sessions_revoke(w->txn, w->st, sp->member_id, sp->hash)))
    return wtx_lmdb(w, rc, "ending other sessions");
  return PCN__STATUS_CODE__OK;
}

/* Other connections of the member, on other sessions, are logged out. */
static void password_after(server *s, wjob *job) {
  session_prep *sp = job->prep;
  for (conn *c = s->conns, *next; c; c = next) {
    next = c->next;
    if (c->who.member_id == sp->member_id &&
        memcmp(c->session_hash, sp->hash, 32) != 0) {
      memset(&c->who, 0, sizeof c->who);
      conn_fail(c, PCN__STATUS_CODE__UNAUTHENTICATED,
                "Your password was changed; log in again.");
    }
  }
}

/* ------------------------------------------------------------ purge */

/* Writer: expired sessions go (and their index). */
static int purge_sessions(wtx *w, wjob *job) {
  server *s = w->srv;
  MDB_cursor *cur;
  MDB_val k, v;
  int rc = mdb_cursor_open(w->txn, w->st->sessions, &cur);
  if (rc) return wtx_lmdb(w, rc, "purging sessions");
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;) {
    pcn_arena_reset(&job->arena);
    Pcn__SessionRecord *r =
        pcn__session_record__unpack(&job->arena.pb, v.mv_size, v.mv_data);
    if (r && k.mv_size == 32 &&
        (job->now_ms > r->created_at + (int64_t)s->cfg.session_max_s * 1000 ||
         job->now_ms > r->last_seen + (int64_t)s->cfg.session_idle_s * 1000)) {
      uint8_t bk[36];
      key_u32(bk, r->member_id);
      memcpy(bk + 4, k.mv_data, 32);
      MDB_val ik = {36, bk};
      mdb_del(w->txn, w->st->session_by_member, &ik, NULL);
      if ((rc = mdb_cursor_del(cur, 0))) break;
      rc = mdb_cursor_get(cur, &k, &v, MDB_GET_CURRENT);
      continue;
    }
    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
  }
  mdb_cursor_close(cur);
  if (rc && rc != MDB_NOTFOUND && rc != EINVAL)
    return wtx_lmdb(w, rc, "purging sessions");
  return PCN__STATUS_CODE__OK;
}

/* Writer: expired sessions and invitations go. */
static int purge_apply(wtx *w, wjob *job) {
  int rc = purge_sessions(w, job);
  if (rc) return rc;
  MDB_cursor *cur;
  MDB_val k, v;
  if ((rc = mdb_cursor_open(w->txn, w->st->invites, &cur)))
    return wtx_lmdb(w, rc, "purging invitations");
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;) {
    pcn_arena_reset(&job->arena);
    Pcn__InviteRecord *r =
        pcn__invite_record__unpack(&job->arena.pb, v.mv_size, v.mv_data);
    if (r && job->now_ms > r->expires_at) {
      if ((rc = mdb_cursor_del(cur, 0))) break;
      rc = mdb_cursor_get(cur, &k, &v, MDB_GET_CURRENT);
      continue;
    }
    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
  }
  mdb_cursor_close(cur);
  if (rc && rc != MDB_NOTFOUND && rc != EINVAL)
    return wtx_lmdb(w, rc, "purging invitations");
  return PCN__STATUS_CODE__OK;
}

void auth_purge_expired(server *s) {
  wjob *job = wjob_new(s, NULL, 0, 1u << 20);
  if (!job) return;
  job->apply = purge_apply;
  writer_submit(s->wr, job);
}

void auth_purge_sessions(server *s) {
  wjob *job = wjob_new(s, NULL, 0, 1u << 20);
  if (!job) return;
  job->apply = purge_sessions;
  writer_submit(s->wr, job);
}

/* ------------------------------------------------------------ whoami */

static int whoami_read(req_ctx *ctx) {
  Pcn__Member *m;
  MDB_txn *txn = ctx_txn(ctx);
  if (!txn || member_get_by_id(txn, &ctx->srv->st, ctx->who->member_id,
                               ctx->arena, &m) != 0)
    return ctx_fail(ctx, PCN__STATUS_CODE__NOT_FOUND,
                    "Your member record is missing; ask your PCN manager.");
  /* What the member may do, from the table itself (issue 19). */
  if (perm_slice(ctx->who->role, ctx->arena, &m->permissions,
                 &m->n_permissions))
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "The server is out of memory; try again shortly.");
  ctx->resp->body_case = PCN__RESPONSE__BODY_MEMBER;
  ctx->resp->member = m;
  return PCN__STATUS_CODE__OK;
}

const req_entry auth_entries[] = {
    {PCN__REQUEST__BODY_LOGIN, "log in", REQ_PUBLIC | REQ_WRITE, 0, 0, 0, NULL,
     login_prepare, session_apply, auth_after_session},
    {PCN__REQUEST__BODY_RESUME, "resume a session", REQ_PUBLIC | REQ_WRITE, 0,
     0, 0, NULL, resume_prepare, resume_apply, auth_after_session},
    {PCN__REQUEST__BODY_JOIN, "join", REQ_PUBLIC | REQ_WRITE, 0, 0, 0, NULL,
     join_prepare, join_apply, auth_after_session},
    {PCN__REQUEST__BODY_LOGOUT, "log out", REQ_WRITE, R_ALL, R_ALL, R_ALL, NULL,
     logout_prepare, logout_apply, logout_after},
    {PCN__REQUEST__BODY_CHANGE_PASSWORD, "change password", REQ_WRITE, R_ALL,
     R_ALL, R_ALL, NULL, password_prepare, password_apply, password_after},
    {PCN__REQUEST__BODY_WHOAMI, "ask who they are", 0, R_ALL, R_ALL, R_ALL,
     whoami_read, NULL, NULL, NULL},
};
const size_t auth_entries_n = sizeof auth_entries / sizeof auth_entries[0];
