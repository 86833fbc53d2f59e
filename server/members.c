/* members.c - the people of the network: invite, list, show, disable,
 * enable again, change role.
 *
 * Records: members (u32 id -> pcn.Member), member_by_name (username -> id),
 * invites (SHA-256(token) -> InviteRecord). A member exists from the moment
 * they join; an invitation reserves nothing but is checked against taken
 * usernames. Members are network-wide records (everyone sees the
 * directory); credentials live in auth.c's creds and never leave it.
 *
 * Invariants: the network always keeps at least one enabled PCN manager,
 * so it can never lock itself out. A member's e-mail is "" or passes
 * pcn_check_email (validate.h); members stored before it existed read as
 * "" (no address), which is what proto3 gives them.
 */
#include <stdio.h>
#include <string.h>

#include "areas.h"
#include "auth.h"
#include "feed.h"
#include "invite.h"
#include "validate.h"

int member_lookup(MDB_txn *txn, store *st, const char *username, pcn_arena *a,
                  Pcn__Member **m) {
  uint32_t id;
  size_t n = strlen(username);
  if (n == 0 || n > PCN_MAX_USERNAME) return MDB_NOTFOUND;
  int rc = store_get_u32(txn, st->member_by_name, username, n, &id);
  if (rc) return rc;
  uint8_t key[4];
  key_u32(key, id);
  return store_get_pb(txn, st->members, key, 4, &pcn__member__descriptor, a,
                      (void **)m);
}

static int role_is_practice(int role) {
  return role == PCN__ROLE__PRACTICE_MANAGER || role == PCN__ROLE__STAFF ||
         role == PCN__ROLE__CLINICIAN;
}

static int role_known(int role) {
  return role >= PCN__ROLE__PCN_MANAGER && role <= PCN__ROLE__CLINICIAN;
}

/* Checks a role and practice pair; the practice must exist for practice
 * roles and be empty for network roles. Normalises *practice. */
static int check_role_practice(req_ctx *ctx, int role, char **practice) {
  if (!role_known(role))
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "role",
                          "role: choose pcn_manager, clinical_director, "
                          "practice_manager, staff or clinician.");
  if (!role_is_practice(role)) {
    if ((*practice)[0])
      return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "practice",
                            "practice: PCN managers and clinical directors "
                            "work for the network, not one practice; leave "
                            "--practice out.");
    return 0;
  }
  if (!(*practice)[0])
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "practice",
                          "practice: practice managers, staff and clinicians "
                          "belong to "
                          "a practice; give its ODS code with --practice.");
  char *ods = ctx_ods(ctx, "practice", *practice, 0);
  if (!ods) return ctx->status->code;
  *practice = ods;
  uint32_t id;
  MDB_txn *txn = ctx_txn(ctx);
  if (!txn || practice_lookup(txn, &ctx->srv->st, ods, &id) != 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, "practice",
                          "No practice %s in this network; add it first "
                          "(pcn practice add).",
                          ods);
  return 0;
}

/* ------------------------------------------------------------ invite */

typedef struct invite_prep {
  char token[65];
  uint8_t hash[32];
} invite_prep;

static int invite_prepare(req_ctx *ctx, wjob *job) {
  Pcn__MemberInvite *r = ctx->req->member_invite;
  const char *why = pcn_check_username(r->username);
  if (why)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "username",
                          "username: %s", why);
  if (ctx_check_text(ctx, "display_name", r->display_name, PCN_MAX_NAME, 1, 0))
    return ctx->status->code;
  if (check_role_practice(ctx, r->role, &r->practice)) return ctx->status->code;
  if (perm_check(ctx, r->practice, 0)) return ctx->status->code;
  Pcn__Member *m;
  MDB_txn *txn = ctx_txn(ctx);
  if (txn &&
      member_lookup(txn, &ctx->srv->st, r->username, ctx->arena, &m) == 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__ALREADY_EXISTS, "username",
                          "The username %s is taken; choose another.",
                          r->username);
  invite_prep *ip = pcn_arena_alloc(&job->arena, sizeof *ip);
  if (!ip || auth_new_token(ip->token, ip->hash))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The server could not make an invitation; try again.");
  job->prep = ip;
  return PCN__STATUS_CODE__OK;
}

static int invite_apply(wtx *w, wjob *job) {
  Pcn__MemberInvite *r = job->req->member_invite;
  invite_prep *ip = job->prep;
  server *s = w->srv;
  uint32_t id;
  int rc = store_get_u32(w->txn, w->st->member_by_name, r->username,
                         strlen(r->username), &id);
  if (rc == 0)
    return wtx_fail(w, PCN__STATUS_CODE__ALREADY_EXISTS,
                    "The username %s is taken; choose another.", r->username);
  Pcn__InviteRecord rec = PCN__INVITE_RECORD__INIT;
  rec.username = r->username;
  rec.display_name = r->display_name;
  rec.role = r->role;
  rec.practice = r->practice;
  rec.expires_at = job->now_ms + (int64_t)s->cfg.invite_ttl_s * 1000;
  rec.created_by = job->who.username;
  if ((rc = auth_invite_put(w->txn, w->st, ip->hash, &rec)))
    return wtx_lmdb(w, rc, "saving the invitation");
  pcn_invite inv;
  memset(&inv, 0, sizeof inv);
  snprintf(inv.server, sizeof inv.server, "%s", s->recorded_listen);
  memcpy(inv.ca_sha256, s->ca_sha256, 32);
  memcpy(inv.token, ip->token, 65);
  inv.expires_at = rec.expires_at;
  snprintf(inv.network_name, sizeof inv.network_name, "%s", s->network_name);
  Pcn__Invitation *out = pcn_arena_alloc(&job->arena, sizeof *out);
  char *code = pcn_arena_alloc(&job->arena, PCN_INVITE_MAX);
  if (!out || !code || pcn_invite_encode(&inv, code, PCN_INVITE_MAX))
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL,
                    "The invitation code could not be made; try again.");
  pcn__invitation__init(out);
  out->code = code;
  out->username = r->username;
  out->expires_at = rec.expires_at;
  job->resp.body_case = PCN__RESPONSE__BODY_INVITATION;
  job->resp.invitation = out;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ reads */

static int member_list_read(req_ctx *ctx) {
  Pcn__MemberList *r = ctx->req->member_list;
  char *filter = ctx_ods(ctx, "practice", r->practice, 1);
  if (!filter) return ctx->status->code;
  MDB_txn *txn = ctx_txn(ctx);
  MDB_cursor *cur;
  if (!txn || mdb_cursor_open(txn, ctx->srv->st.members, &cur))
    return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL,
                    "The server could not read members; try again.");
  MDB_stat ms;
  mdb_stat(txn, ctx->srv->st.members, &ms);
  Pcn__MemberPage *page = pcn_arena_alloc(ctx->arena, sizeof *page);
  Pcn__Member **items =
      pcn_arena_alloc(ctx->arena, (ms.ms_entries + 1) * sizeof *items);
  if (!page || !items) {
    mdb_cursor_close(cur);
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Too many members to list at once; filter by practice.");
  }
  pcn__member_page__init(page);
  page->members = items;
  MDB_val k, v;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
       rc == 0 && page->n_members < ms.ms_entries;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    Pcn__Member *m = pcn__member__unpack(&ctx->arena->pb, v.mv_size, v.mv_data);
    if (!m || (m->disabled && !r->include_disabled)) continue;
    if (filter[0] && strcmp(m->practice, filter) != 0) continue;
    items[page->n_members++] = m;
  }
  mdb_cursor_close(cur);
  ctx->resp->body_case = PCN__RESPONSE__BODY_MEMBERS;
  ctx->resp->members = page;
  return PCN__STATUS_CODE__OK;
}

static int member_get_read(req_ctx *ctx) {
  const char *name = ctx->req->member_get->username;
  Pcn__Member *m;
  MDB_txn *txn = ctx_txn(ctx);
  if (!txn || member_lookup(txn, &ctx->srv->st, name, ctx->arena, &m) != 0)
    return ctx_fail(ctx, PCN__STATUS_CODE__NOT_FOUND,
                    "No member with that username; `pcn member list` shows "
                    "them.");
  ctx->resp->body_case = PCN__RESPONSE__BODY_MEMBER;
  ctx->resp->member = m;
  return PCN__STATUS_CODE__OK;
}

/* ------------------------------------------------------------ changes */

/* Enabled PCN managers other than `except`. */
static int other_managers(MDB_txn *txn, store *st, uint32_t except,
                          pcn_arena *a) {
  MDB_cursor *cur;
  if (mdb_cursor_open(txn, st->members, &cur)) return 0;
  int n = 0;
  MDB_val k, v;
  for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    Pcn__Member *m = pcn__member__unpack(&a->pb, v.mv_size, v.mv_data);
    if (m && m->id != except && !m->disabled &&
        m->role == PCN__ROLE__PCN_MANAGER)
      n++;
  }
  mdb_cursor_close(cur);
  return n;
}

static int disable_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  const char *name = ctx->req->member_disable->username;
  Pcn__Member *m;
  MDB_txn *txn = ctx_txn(ctx);
  if (!txn || member_lookup(txn, &ctx->srv->st, name, ctx->arena, &m) != 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, "username",
                          "No member with that username.");
  if (perm_check(ctx, m->practice, 0)) return ctx->status->code;
  if (m->id == ctx->who->member_id)
    return ctx_fail(ctx, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "You cannot disable your own account; ask another "
                    "manager.");
  return PCN__STATUS_CODE__OK;
}

/* Saves a changed member, with its event; response is the member. */
static int member_save(wtx *w, wjob *job, Pcn__Member *m) {
  uint8_t key[4];
  key_u32(key, m->id);
  m->version++;
  m->updated_at = job->now_ms;
  int rc = store_put_pb(w->txn, w->st->members, key, 4, (ProtobufCMessage *)m);
  if (rc) return wtx_lmdb(w, rc, "saving the member");
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_MEMBER;
  ev.member = m;
  if ((rc = feed_emit(w, PCN__OP__UPDATED, "", &ev))) return rc;
  job->resp.body_case = PCN__RESPONSE__BODY_MEMBER;
  job->resp.member = m;
  return PCN__STATUS_CODE__OK;
}

static int disable_apply(wtx *w, wjob *job) {
  const char *name = job->req->member_disable->username;
  Pcn__Member *m;
  int rc = member_lookup(w->txn, w->st, name, &job->arena, &m);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND,
                    "No member with that username.");
  if (rc) return wtx_lmdb(w, rc, "reading the member");
  if (m->disabled) {
    job->resp.body_case = PCN__RESPONSE__BODY_MEMBER;
    job->resp.member = m;
    return PCN__STATUS_CODE__OK; /* already: nothing changes, no event */
  }
  if (m->role == PCN__ROLE__PCN_MANAGER &&
      other_managers(w->txn, w->st, m->id, &job->arena) == 0)
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "%s is the network's only PCN manager; make someone else "
                    "PCN manager first.",
                    m->username);
  m->disabled = 1;
  if ((rc = auth_sessions_revoke(w->txn, w->st, m->id, NULL)))
    return wtx_lmdb(w, rc, "ending the member's sessions");
  return member_save(w, job, m);
}

/* Enabling only clears the flag: the sessions that disabling ended stay
 * ended, so the member logs in afresh. Only a PCN manager may do it (the
 * permission table), so a practice manager who disabled someone by mistake
 * asks the PCN manager, who sees the whole network's people. */
static int enable_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  const char *name = ctx->req->member_enable->username;
  Pcn__Member *m;
  MDB_txn *txn = ctx_txn(ctx);
  if (!txn || member_lookup(txn, &ctx->srv->st, name, ctx->arena, &m) != 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, "username",
                          "No member with that username.");
  if (perm_check(ctx, m->practice, 0)) return ctx->status->code;
  return PCN__STATUS_CODE__OK;
}

static int enable_apply(wtx *w, wjob *job) {
  const char *name = job->req->member_enable->username;
  Pcn__Member *m;
  int rc = member_lookup(w->txn, w->st, name, &job->arena, &m);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND,
                    "No member with that username.");
  if (rc) return wtx_lmdb(w, rc, "reading the member");
  if (!m->disabled) {
    job->resp.body_case = PCN__RESPONSE__BODY_MEMBER;
    job->resp.member = m;
    return PCN__STATUS_CODE__OK; /* already: nothing changes, no event */
  }
  m->disabled = 0;
  return member_save(w, job, m);
}

static void member_after(server *s, wjob *job) {
  if (job->resp.body_case == PCN__RESPONSE__BODY_MEMBER)
    auth_member_changed(s, job->resp.member);
}

static int role_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__MemberSetRole *r = ctx->req->member_set_role;
  Pcn__Member *m;
  MDB_txn *txn = ctx_txn(ctx);
  if (!txn ||
      member_lookup(txn, &ctx->srv->st, r->username, ctx->arena, &m) != 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, "username",
                          "No member with that username.");
  if (check_role_practice(ctx, r->role, &r->practice)) return ctx->status->code;
  /* Both where they are and where they go must be the actor's to manage. */
  if (perm_check(ctx, m->practice, 0) || perm_check(ctx, r->practice, 0))
    return ctx->status->code;
  return PCN__STATUS_CODE__OK;
}

static int role_apply(wtx *w, wjob *job) {
  Pcn__MemberSetRole *r = job->req->member_set_role;
  Pcn__Member *m;
  int rc = member_lookup(w->txn, w->st, r->username, &job->arena, &m);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND,
                    "No member with that username.");
  if (rc) return wtx_lmdb(w, rc, "reading the member");
  if (r->version && r->version != m->version) {
    job->resp.body_case = PCN__RESPONSE__BODY_MEMBER;
    job->resp.member = m;
    return wtx_fail(w, PCN__STATUS_CODE__CONFLICT,
                    "%s was changed by someone else meanwhile; review and "
                    "try again.",
                    m->username);
  }
  if (m->role == PCN__ROLE__PCN_MANAGER && r->role != PCN__ROLE__PCN_MANAGER &&
      other_managers(w->txn, w->st, m->id, &job->arena) == 0)
    return wtx_fail(w, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "%s is the network's only PCN manager; make someone else "
                    "PCN manager first.",
                    m->username);
  m->role = r->role;
  m->practice = r->practice;
  return member_save(w, job, m);
}

/* ------------------------------------------------------------ e-mail */

/* The member's own e-mail address is theirs to set; whoever may change
 * their role may set it too (REQ_OWNER: the member is the "owner"). */
static int email_prepare(req_ctx *ctx, wjob *job) {
  (void)job;
  Pcn__MemberSetEmail *r = ctx->req->member_set_email;
  if (!r->username[0] &&
      !(r->username = pcn_arena_strdup(ctx->arena, ctx->who->username)))
    return ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                    "Out of memory.");
  if (r->email[0]) {
    const char *why = pcn_check_email(r->email);
    if (why)
      return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "email",
                            "email: %s", why);
  }
  Pcn__Member *m;
  MDB_txn *txn = ctx_txn(ctx);
  if (!txn ||
      member_lookup(txn, &ctx->srv->st, r->username, ctx->arena, &m) != 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, "username",
                          "No member with that username; `pcn member list` "
                          "shows them.");
  if (perm_check(ctx, m->practice, m->id == ctx->who->member_id))
    return ctx->status->code;
  return PCN__STATUS_CODE__OK;
}

static int email_apply(wtx *w, wjob *job) {
  Pcn__MemberSetEmail *r = job->req->member_set_email;
  Pcn__Member *m;
  int rc = member_lookup(w->txn, w->st, r->username, &job->arena, &m);
  if (rc == MDB_NOTFOUND)
    return wtx_fail(w, PCN__STATUS_CODE__NOT_FOUND,
                    "No member with that username.");
  if (rc) return wtx_lmdb(w, rc, "reading the member");
  if (r->version && r->version != m->version) {
    job->resp.body_case = PCN__RESPONSE__BODY_MEMBER;
    job->resp.member = m;
    return wtx_fail(w, PCN__STATUS_CODE__CONFLICT,
                    "%s was changed by someone else meanwhile (now version "
                    "%u, you read %u); here it is as it stands: read it "
                    "again.",
                    m->username, m->version, r->version);
  }
  if (strcmp(m->email, r->email) == 0) {
    job->resp.body_case = PCN__RESPONSE__BODY_MEMBER;
    job->resp.member = m;
    return PCN__STATUS_CODE__OK; /* already: nothing changes, no event */
  }
  m->email = r->email;
  return member_save(w, job, m);
}

const req_entry members_entries[] = {
    {PCN__REQUEST__BODY_MEMBER_INVITE, "invite members", REQ_WRITE, R_PCNM,
     R_PCNM | R_PM, R_PCNM, NULL, invite_prepare, invite_apply, NULL},
    {PCN__REQUEST__BODY_MEMBER_LIST, "list members", 0, R_ALL, R_ALL, R_ALL,
     member_list_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_MEMBER_GET, "show members", 0, R_ALL, R_ALL, R_ALL,
     member_get_read, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_MEMBER_DISABLE, "disable members", REQ_WRITE, R_PCNM,
     R_PCNM | R_PM, R_PCNM, NULL, disable_prepare, disable_apply, member_after},
    {PCN__REQUEST__BODY_MEMBER_ENABLE, "enable members again", REQ_WRITE,
     R_PCNM, R_PCNM, R_PCNM, NULL, enable_prepare, enable_apply, member_after},
    {PCN__REQUEST__BODY_MEMBER_SET_ROLE, "change members' roles", REQ_WRITE,
     R_PCNM, R_PCNM | R_PM, R_PCNM, NULL, role_prepare, role_apply,
     member_after},
    {PCN__REQUEST__BODY_MEMBER_SET_EMAIL, "change members' e-mail addresses",
     REQ_WRITE | REQ_OWNER, R_PCNM, R_PCNM | R_PM, R_PCNM, NULL, email_prepare,
     email_apply, member_after},
};
const size_t members_entries_n =
    sizeof members_entries / sizeof members_entries[0];
