/* dispatch.c - from a decoded frame to a reply: the handshake, the login
 * gate, the permission table, reads on the loop, writes to the writer.
 *
 * Owns: the request table (assembled from each area's entries), the
 * rules that apply to every request alike, and the checks of request
 * fields that areas share (ctx_check_text, ctx_ods, ctx_check_date,
 * ctx_practice_id, ctx_active_member: areas.h). Areas own their handlers.
 */
#include "dispatch.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "areas.h"
#include "clock.h"
#include "log.h"
#include "validate.h"
#include "wire.h"
#include "wire_check.h"

#define DISPATCH_MAX_CASE 512

static const req_entry *table[DISPATCH_MAX_CASE];
static req_entry flat[DISPATCH_MAX_CASE];
static size_t flat_n;

static void table_add(const req_entry *e, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (e[i].body_case <= 0 || e[i].body_case >= DISPATCH_MAX_CASE) {
      /* A programming error, not input: say so loudly, once. */
      pcnd_log(LOG_CRIT,
               "request case %d is past DISPATCH_MAX_CASE; raise it in "
               "dispatch.c.",
               e[i].body_case);
      abort();
    }
    table[e[i].body_case] = &e[i];
    flat[flat_n++] = e[i];
  }
}

/* The areas. A new area adds one line here and its entries in its file. */
static void table_init(void) {
  if (flat_n) return;
  table_add(auth_entries, auth_entries_n);
  table_add(practices_entries, practices_entries_n);
  table_add(members_entries, members_entries_n);
  table_add(tasks_entries, tasks_entries_n);
  table_add(feed_entries, feed_entries_n);
  table_add(settings_entries, settings_entries_n);
  table_add(asks_entries, asks_entries_n);
  table_add(news_entries, news_entries_n);
  table_add(decisions_entries, decisions_entries_n);
  table_add(duties_entries, duties_entries_n);
  table_add(meetings_entries, meetings_entries_n);
  table_add(funds_entries, funds_entries_n);
  table_add(funds_plan_entries, funds_plan_entries_n);
  table_add(funds_arrs_entries, funds_arrs_entries_n);
  table_add(funds_claims_entries, funds_claims_entries_n);
  table_add(staff_entries, staff_entries_n);
}

const req_entry *dispatch_entry(int body_case) {
  table_init();
  if (body_case <= 0 || body_case >= DISPATCH_MAX_CASE) return NULL;
  return table[body_case];
}

const req_entry *dispatch_table(size_t *n) {
  table_init();
  *n = flat_n;
  return flat;
}

MDB_txn *ctx_txn(req_ctx *ctx) {
  return store_read_begin(&ctx->srv->st);
}

Pcn__StatusDetails *ctx_details(req_ctx *ctx) {
  if (!ctx->status->details) {
    Pcn__StatusDetails *d = pcn_arena_alloc(ctx->arena, sizeof *d);
    if (!d) return NULL;
    pcn__status_details__init(d);
    ctx->status->details = d;
  }
  return ctx->status->details;
}

static int ctx_vfail(req_ctx *ctx, int code, const char *field, const char *fmt,
                     va_list ap) {
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  pcn_utf8_repair(msg); /* an echoed value cut mid-character */
  ctx->status->code = code;
  ctx->status->message = pcn_arena_strdup(ctx->arena, msg);
  if (!ctx->status->message) ctx->status->message = "";
  if (field) {
    Pcn__StatusDetails *d = ctx_details(ctx);
    if (d) d->field = (char *)field;
  }
  return code;
}

int ctx_fail(req_ctx *ctx, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ctx_vfail(ctx, code, NULL, fmt, ap);
  va_end(ap);
  return code;
}

int ctx_fail_field(req_ctx *ctx, int code, const char *field, const char *fmt,
                   ...) {
  va_list ap;
  va_start(ap, fmt);
  ctx_vfail(ctx, code, field, fmt, ap);
  va_end(ap);
  return code;
}

static const char *role_name(int role) {
  switch (role) {
  case PCN__ROLE__PCN_MANAGER: return "PCN manager";
  case PCN__ROLE__CLINICAL_DIRECTOR: return "clinical director";
  case PCN__ROLE__PRACTICE_MANAGER: return "practice manager";
  case PCN__ROLE__STAFF: return "staff member";
  case PCN__ROLE__CLINICIAN: return "clinician";
  default: return "member";
  }
}

/* What to do instead, given the roles that may: whom to ask. */
static const char *perm_hint(unsigned allowed, int role) {
  if ((allowed & R_PM) &&
      (role == PCN__ROLE__STAFF || role == PCN__ROLE__CLINICIAN))
    return "ask your practice manager";
  if ((allowed & R_PCNM) && role != PCN__ROLE__PCN_MANAGER)
    return "ask your PCN manager";
  if (allowed & R_PM) return "that is for the practice's practice manager";
  if (allowed & R_CD) return "that is for the clinical director";
  return "ask your PCN manager";
}

int perm_allows(const req_entry *e, const actor *who,
                const char *target_practice, int is_owner) {
  if (e->flags & REQ_PUBLIC) return 1;
  if (!who->member_id) return 0;
  unsigned bit = ROLE_BIT(who->role);
  const char *tp = target_practice ? target_practice : "";
  unsigned mask;
  int visible; /* could this actor see the target at all? */
  if (tp[0] == 0) {
    mask = e->net_roles;
    visible = 1;
  } else if (strcmp(tp, who->practice) == 0) {
    mask = e->own_roles;
    visible = 1;
  } else {
    mask = e->other_roles;
    visible = 0;
  }
  if (mask & bit) return 1;
  return (e->flags & REQ_OWNER) && is_owner && visible;
}

int perm_check(req_ctx *ctx, const char *target_practice, int is_owner) {
  if (perm_allows(ctx->entry, ctx->who, target_practice, is_owner)) return 0;
  const char *tp = target_practice ? target_practice : "";
  if (tp[0] && strcmp(tp, ctx->who->practice) != 0)
    return ctx_fail(ctx, PCN__STATUS_CODE__PERMISSION_DENIED,
                    "That belongs to practice %s; a %s of %s may not %s there.",
                    tp, role_name(ctx->who->role),
                    ctx->who->practice[0] ? ctx->who->practice : "the network",
                    ctx->entry->name);
  const req_entry *e = ctx->entry;
  return ctx_fail(
      ctx, PCN__STATUS_CODE__PERMISSION_DENIED, "A %s may not %s%s; %s.",
      role_name(ctx->who->role), e->name,
      tp[0] ? " for their practice" : " here",
      perm_hint(tp[0] ? e->own_roles : e->net_roles, ctx->who->role));
}

int perm_slice(int role, pcn_arena *a, Pcn__Permission ***out, size_t *n) {
  size_t count;
  const req_entry *t = dispatch_table(&count);
  unsigned bit = ROLE_BIT(role);
  *out = NULL;
  *n = 0;
  Pcn__Permission **v = pcn_arena_alloc(a, (count ? count : 1) * sizeof *v);
  if (!v) return -1;
  for (size_t i = 0; i < count; i++) {
    const req_entry *e = &t[i];
    if (e->flags & REQ_PUBLIC) continue; /* before login: no one is asked */
    int owner = (e->flags & REQ_OWNER) != 0;
    if (!((e->net_roles | e->own_roles | e->other_roles) & bit) && !owner)
      continue;
    Pcn__Permission *p = pcn_arena_alloc(a, sizeof *p);
    if (!p) return -1;
    pcn__permission__init(p);
    p->body_case = e->body_case;
    p->may_net = (e->net_roles & bit) != 0;
    p->may_own = (e->own_roles & bit) != 0;
    p->may_other = (e->other_roles & bit) != 0;
    p->owner_may = owner;
    v[(*n)++] = p;
  }
  *out = v;
  return 0;
}

void dispatch_reply(conn *c, uint64_t id, Pcn__Response *resp) {
  if (!conn_is_open(c)) return;
  if (!resp->status->message) resp->status->message = "";
  Pcn__Frame f = PCN__FRAME__INIT;
  f.id = id;
  f.body_case = PCN__FRAME__BODY_RESPONSE;
  f.response = resp;
  if (conn_send_frame(c, &f) != 0) {
    /* Too big to send: say so instead of leaving the request hanging. */
    Pcn__Status st = PCN__STATUS__INIT;
    st.code = PCN__STATUS_CODE__RESOURCE_EXHAUSTED;
    st.message = "The answer is too large to send; ask for less (a smaller "
                 "--limit).";
    Pcn__Response r = PCN__RESPONSE__INIT;
    r.status = &st;
    f.response = &r;
    conn_send_frame(c, &f);
  }
}

/* The frame by hand: Frame{id, response: Response{status} + the body
 * field}, the body being bytes already in wire format. protobuf-c has no
 * way to embed pre-encoded messages, and this is the hot path of reads. */
void dispatch_reply_raw(conn *c, uint64_t id, Pcn__Response *resp,
                        uint32_t field, const uint8_t *body, size_t blen) {
  if (!conn_is_open(c)) return;
  if (!resp->status->message) resp->status->message = "";
  resp->body_case = PCN__RESPONSE__BODY__NOT_SET;
  /* An OK status with no message is two bytes: Response.status, empty. */
  int plain_ok = resp->status->code == 0 && !resp->status->message[0] &&
                 !resp->status->details;
  size_t rlen = plain_ok ? 2 : pcn__response__get_packed_size(resp);
  size_t inner = rlen + pcn_wire_len_field_size(field, blen);
  size_t flen = 1 + pcn_wire_varint_len(id) + pcn_wire_len_field_size(3, inner);
  pcn_buf *out = &c->srv->raw_frame;
  out->len = 0;
  if (flen > (size_t)c->srv->cfg.max_frame * 4u ||
      pcn_buf_reserve(out, PCN_FRAME_HEADER + flen)) {
    dispatch_reply(c, id, resp); /* says it is too large */
    return;
  }
  uint8_t *p = out->data;
  p[0] = (uint8_t)(flen >> 24);
  p[1] = (uint8_t)(flen >> 16);
  p[2] = (uint8_t)(flen >> 8);
  p[3] = (uint8_t)flen;
  p += PCN_FRAME_HEADER;
  *p++ = 1 << 3 | 0; /* Frame.id, varint */
  p = pcn_wire_put_varint(p, id);
  *p++ = 3 << 3 | 2; /* Frame.response */
  p = pcn_wire_put_varint(p, inner);
  if (plain_ok) {
    *p++ = 1 << 3 | 2;
    *p++ = 0;
  } else {
    p += pcn__response__pack(resp, p);
  }
  p = pcn_wire_put_varint(p, (uint64_t)field << 3 | 2);
  p = pcn_wire_put_varint(p, blen);
  if (blen) memcpy(p, body, blen);
  out->len = PCN_FRAME_HEADER + flen;
  conn_send_bytes(c, out->data, out->len);
}

/* A refusal; retry_after_ms (0: none) tells the client when to try again. */
static void reply_status_retry(conn *c, uint64_t id, int code,
                               const char *msg, uint32_t retry_after_ms) {
  Pcn__Status st = PCN__STATUS__INIT;
  Pcn__StatusDetails det = PCN__STATUS_DETAILS__INIT;
  st.code = code;
  st.message = (char *)msg;
  if (retry_after_ms) {
    det.retry_after_ms = retry_after_ms;
    st.details = &det;
  }
  Pcn__Response r = PCN__RESPONSE__INIT;
  r.status = &st;
  dispatch_reply(c, id, &r);
}

static void reply_status(conn *c, uint64_t id, int code, const char *msg) {
  reply_status_retry(c, id, code, msg, 0);
}

void dispatch_submit(wjob *job, const req_entry *e) {
  job->apply = e->apply;
  job->after = e->after;
  writer_submit(job->srv->wr, job);
}

void dispatch_fail_job(wjob *job) {
  job->resp.body_case = PCN__RESPONSE__BODY__NOT_SET;
  if (job->c) {
    dispatch_reply(job->c, job->frame_id, &job->resp);
    conn_flush(job->c);
    dispatch_async_done(job->c);
  }
  wjob_free(job);
}

void dispatch_async_done(conn *c) {
  if (c->inflight) c->inflight--;
}

static void handle_hello(conn *c, uint64_t id, Pcn__Hello *h) {
  server *s = c->srv;
  if (h->protocol_version != PCN_PROTOCOL_VERSION) {
    char msg[200];
    snprintf(msg, sizeof msg,
             "This server speaks protocol version %d, not %u; install the "
             "matching pcn client.",
             PCN_PROTOCOL_VERSION, h->protocol_version);
    reply_status(c, id, PCN__STATUS_CODE__FAILED_PRECONDITION, msg);
    conn_fail(c, PCN__STATUS_CODE__FAILED_PRECONDITION, msg);
    return;
  }
  if (c->over_limit) {
    char msg[200];
    snprintf(msg, sizeof msg,
             "The server has reached its limit of %u connections; try again "
             "in a minute.",
             s->cfg.max_conns);
    reply_status(c, id, PCN__STATUS_CODE__RESOURCE_EXHAUSTED, msg);
    conn_fail(c, PCN__STATUS_CODE__RESOURCE_EXHAUSTED, msg);
    return;
  }
  Pcn__Welcome w = PCN__WELCOME__INIT;
  w.protocol_version = PCN_PROTOCOL_VERSION;
  w.server_version = PCN_VERSION;
  w.network_name = s->network_name;
  w.network_id = s->network_id;
  w.head_seq = s->published_seq;
  w.store_epoch = s->store_epoch;
  w.epoch_start_seq = s->st.epoch_start_seq;
  Pcn__Status st = PCN__STATUS__INIT;
  st.message = "";
  Pcn__Response r = PCN__RESPONSE__INIT;
  r.status = &st;
  r.body_case = PCN__RESPONSE__BODY_WELCOME;
  r.welcome = &w;
  c->state = CONN_OPEN;
  dispatch_reply(c, id, &r);
}

/* The checks every request passes before its handler. 0 to go on. */
static int dispatch_gate(conn *c, uint64_t id, const req_entry *e) {
  server *s = c->srv;
  if (s->stopping) {
    reply_status(c, id, PCN__STATUS_CODE__UNAVAILABLE,
                 "The server is shutting down; reconnect in a moment.");
    return -1;
  }
  if (!(e->flags & REQ_PUBLIC)) {
    if (!c->who.member_id) {
      reply_status(c, id, PCN__STATUS_CODE__UNAUTHENTICATED,
                   "Log in first (pcn login).");
      return -1;
    }
    if (srv_now_ms(c->srv) > c->session_expires_ms) {
      memset(&c->who, 0, sizeof c->who);
      reply_status(c, id, PCN__STATUS_CODE__UNAUTHENTICATED,
                   "Your session has expired; log in again (pcn login).");
      return -1;
    }
    unsigned any = e->net_roles | e->own_roles | e->other_roles;
    if (!(any & ROLE_BIT(c->who.role)) && !(e->flags & REQ_OWNER)) {
      char msg[200];
      snprintf(msg, sizeof msg, "A %s may not %s; %s.", role_name(c->who.role),
               e->name, perm_hint(any, c->who.role));
      reply_status(c, id, PCN__STATUS_CODE__PERMISSION_DENIED, msg);
      return -1;
    }
  }
  if ((e->flags & REQ_WRITE || e->prepare) &&
      c->inflight >= s->cfg.max_inflight) {
    char msg[200];
    snprintf(msg, sizeof msg,
             "Too many requests in flight on this connection (limit %u); "
             "wait for answers before sending more.",
             s->cfg.max_inflight);
    reply_status(c, id, PCN__STATUS_CODE__RESOURCE_EXHAUSTED, msg);
    return -1;
  }
  /* Not logged in: one login, join or resume at a time, so a connection
   * cannot queue hundreds of password hashes ahead of everyone's. */
  if (!c->who.member_id && (e->flags & REQ_WRITE || e->prepare) &&
      c->inflight > 0) {
    reply_status_retry(c, id, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                       "Wait for the answer to the login on this connection "
                       "before sending another request.",
                       1000);
    return -1;
  }
  return 0;
}

static void dispatch_read(conn *c, uint64_t id, const req_entry *e,
                          Pcn__Request *req) {
  Pcn__Status st = PCN__STATUS__INIT;
  Pcn__Response resp = PCN__RESPONSE__INIT;
  resp.status = &st;
  req_ctx ctx = {.srv = c->srv,
                 .c = c,
                 .id = id,
                 .entry = e,
                 .req = req,
                 .arena = &c->arena,
                 .resp = &resp,
                 .status = &st,
                 .who = &c->who};
  c->srv->raw.len = 0;
  st.code = e->read(&ctx);
  if (st.code != PCN__STATUS_CODE__OK) {
    resp.body_case = PCN__RESPONSE__BODY__NOT_SET;
    ctx.raw_field = 0;
  }
  if (ctx.async) return;
  if (ctx.raw_field)
    dispatch_reply_raw(c, id, &resp, ctx.raw_field, c->srv->raw.data,
                       c->srv->raw.len);
  else
    dispatch_reply(c, id, &resp);
}

static void dispatch_write(conn *c, uint64_t id, const req_entry *e,
                           Pcn__Request *req) {
  server *s = c->srv;
  wjob *job = wjob_new(s, c, id, 0);
  if (!job) {
    reply_status(c, id, PCN__STATUS_CODE__RESOURCE_EXHAUSTED,
                 "The server is out of memory; try again shortly.");
    return;
  }
  /* The job takes the arena that holds the decoded request. */
  pcn_arena_free(&job->arena);
  job->arena = c->arena;
  job->arena.pb.allocator_data = &job->arena;
  pcn_arena_init(&c->arena, s->cfg.arena_budget);
  job->req = req;
  job->who = c->who;
  c->inflight++; /* until the reply: dispatch_async_done */
  req_ctx ctx = {.srv = s,
                 .c = c,
                 .id = id,
                 .entry = e,
                 .req = req,
                 .arena = &job->arena,
                 .resp = &job->resp,
                 .status = &job->status,
                 .who = &c->who};
  int code = e->prepare(&ctx, job);
  if (ctx.async) {
    /* The handler kept the job for later (threadpool work first). */
    return;
  }
  if (code == PREPARE_ANSWERED) {
    job->status.code = PCN__STATUS_CODE__OK;
    dispatch_reply(c, id, &job->resp);
    dispatch_async_done(c);
    wjob_free(job);
    return;
  }
  if (code != PCN__STATUS_CODE__OK) {
    job->status.code = code;
    dispatch_fail_job(job);
    return;
  }
  dispatch_submit(job, e);
}

void dispatch_frame(conn *c, Pcn__Frame *f) {
  uint64_t id = f->id;
  if (f->body_case != PCN__FRAME__BODY_REQUEST || !f->request) {
    conn_fail(c, PCN__STATUS_CODE__INVALID_ARGUMENT,
              "Clients send requests only; check the client against "
              "proto/pcn.proto.");
    goto done;
  }
  Pcn__Request *req = f->request;
  if (c->state == CONN_HANDSHAKE) {
    if (req->body_case != PCN__REQUEST__BODY_HELLO) {
      reply_status(c, id, PCN__STATUS_CODE__FAILED_PRECONDITION,
                   "Send Hello first: the first request on a connection is "
                   "Hello.");
      conn_fail(c, PCN__STATUS_CODE__FAILED_PRECONDITION,
                "The first request on a connection must be Hello.");
    } else {
      handle_hello(c, id, req->hello);
    }
    goto done;
  }
  if (req->body_case == PCN__REQUEST__BODY_HELLO) {
    reply_status(c, id, PCN__STATUS_CODE__FAILED_PRECONDITION,
                 "Hello was already answered on this connection.");
    goto done;
  }
  const req_entry *e = dispatch_entry(req->body_case);
  if (!e) {
    reply_status(c, id, PCN__STATUS_CODE__INVALID_ARGUMENT,
                 "This server does not know that request type; upgrade the "
                 "server, or use a client of its version.");
    goto done;
  }
  if (dispatch_gate(c, id, e) != 0) goto done;
  if (e->prepare) {
    dispatch_write(c, id, e, req);
    return; /* the arena went with the job */
  }
  dispatch_read(c, id, e, req);
done:
  pcn_arena_reset(&c->arena);
}

int dispatch_check_text(conn *c, const Pcn__Frame *f, const uint8_t *body,
                        size_t len) {
  pcn_wire_fault wf;
  pcn_wire_verdict v =
      pcn_wire_check_text(&pcn__frame__descriptor, body, len, &wf);
  if (v == PCN_WIRE_OK) return 0;
  if (v != PCN_WIRE_NUL && v != PCN_WIRE_BAD_UTF8) {
    /* protobuf-c took it, the walk did not: as undecodable. */
    conn_fail(c, PCN__STATUS_CODE__INVALID_ARGUMENT,
              "A frame did not decode as a pcn.Frame (or was too complex to "
              "decode); check the client against proto/pcn.proto.");
    return -1;
  }
  /* Named from the request down ("task_create.title"); StatusDetails.field
   * from within the request ("title"), as the per-field checks name it. */
  char path[160], field[160], msg[400];
  pcn_wire_fault_path(&wf, 1, path, sizeof path);
  pcn_wire_fault_path(&wf, 2, field, sizeof field);
  snprintf(msg, sizeof msg,
           "Text in %s must be UTF-8 without NUL bytes, and byte %zu %s.", path,
           wf.offset + 1,
           v == PCN_WIRE_NUL ? "is a NUL" : "is not valid UTF-8");
  if (f->body_case != PCN__FRAME__BODY_REQUEST) {
    conn_fail(c, PCN__STATUS_CODE__INVALID_ARGUMENT, msg);
    return -1;
  }
  Pcn__StatusDetails d = PCN__STATUS_DETAILS__INIT;
  d.field = field;
  Pcn__Status st = PCN__STATUS__INIT;
  st.code = PCN__STATUS_CODE__INVALID_ARGUMENT;
  st.message = msg;
  if (field[0]) st.details = &d;
  Pcn__Response r = PCN__RESPONSE__INIT;
  r.status = &st;
  dispatch_reply(c, f->id, &r);
  return -1;
}

int ctx_check_text(req_ctx *ctx, const char *field, const char *value,
                   size_t max, int required, int multiline) {
  const char *why = pcn_check_text(value, max, required, multiline);
  if (!why) return 0;
  ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, field, "%s: %s",
                 field, why);
  return -1;
}

char *ctx_ods(req_ctx *ctx, const char *field, const char *value,
              int may_be_empty) {
  if (may_be_empty && value[0] == 0) return "";
  if (strlen(value) > 16) value = "?"; /* fails the check below */
  char *ods = pcn_arena_strdup(ctx->arena, value);
  if (!ods) {
    ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED, "Out of memory.");
    return NULL;
  }
  pcn_ods_normalize(ods);
  const char *why = pcn_check_ods(ods);
  if (why) {
    ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, field, "%s: %s",
                   field, why);
    return NULL;
  }
  return ods;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t ods_sort_unique(char **ods, size_t n) {
  if (n > 1) qsort(ods, n, sizeof *ods, cmp_str);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (k == 0 || strcmp(ods[k - 1], ods[i]) != 0) ods[k++] = ods[i];
  return k;
}

char *ctx_ods_or_own(req_ctx *ctx, const char *field, const char *value) {
  char *ods = ctx_ods(ctx, field, value, 1);
  if (ods && !ods[0] &&
      !(ods = pcn_arena_strdup(ctx->arena, ctx->who->practice)))
    ctx_fail(ctx, PCN__STATUS_CODE__RESOURCE_EXHAUSTED, "Out of memory.");
  return ods;
}

int ctx_check_date(req_ctx *ctx, const char *field, const char *value,
                   int may_be_empty, const char *example, int32_t *day) {
  int32_t d;
  if (may_be_empty && value[0] == 0) return 0;
  if (pcn_date_parse(value, &d) == 0) {
    if (day) *day = d;
    return 0;
  }
  ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, field,
                 "%s: '%.20s' is not a date; write it as YYYY-MM-DD, such as "
                 "%s.",
                 field, value, example);
  return -1;
}

int ctx_practice_id(req_ctx *ctx, const char *field, const char *ods,
                    uint32_t *id) {
  uint32_t pid;
  MDB_txn *txn = ctx_txn(ctx);
  if (txn && practice_lookup(txn, &ctx->srv->st, ods, id ? id : &pid) == 0)
    return 0;
  ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, field,
                 "No practice %s in this network.", ods);
  return -1;
}

int ctx_active_member(req_ctx *ctx, const char *field, const char *username,
                      Pcn__Member **out) {
  Pcn__Member *m;
  MDB_txn *txn = ctx_txn(ctx);
  if (txn && member_lookup(txn, &ctx->srv->st, username, ctx->arena, &m) == 0 &&
      !m->disabled) {
    if (out) *out = m;
    return 0;
  }
  ctx_fail_field(ctx, PCN__STATUS_CODE__NOT_FOUND, field,
                 "%s: no active member is called '%.40s'; `pcn member list` "
                 "shows them.",
                 field, username);
  return -1;
}
