/* feed.c - appending events, the hash chain, subscriptions and fan-out.
 * The invariants are in feed.h.
 *
 * An event goes out as the bytes of Frame{event: body + hash}: the stored
 * body already is the Event without its hash, and protobuf merges
 * concatenated fields, so the frame is built by prefixing headers and
 * appending the hash field, with no decode and no re-encode. Fan-out
 * therefore encodes once per event, whatever the number of subscribers.
 */
#include "feed.h"
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "areas.h"
#include "auth.h"
#include "clock.h"

/* Subscribers catch up from the store in chunks of at most this many
 * events, filling their unsent output up to FEED_PUMP_HIGH_WATER (and one
 * event past it at most), and again only once a write has completed: a
 * replay that is not read costs what a quiet live subscriber does, plus
 * this window, whatever the length of the feed. The kernel's socket
 * buffer, not ours, is what keeps a reading client's pipe full. Chunks
 * also fit in what --output-budget has free (below). */
#define FEED_PUMP_EVENTS 512
#define FEED_PUMP_HIGH_WATER (64 * 1024)

/* out = SHA-256(prev || body): one link of the chain. */
static void chain_hash(const uint8_t prev[32], const uint8_t *body, size_t len,
                       uint8_t out[32]) {
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  unsigned int n = 32;
  if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL) ||
      !EVP_DigestUpdate(md, prev, 32) || !EVP_DigestUpdate(md, body, len) ||
      !EVP_DigestFinal_ex(md, out, &n))
    memset(out, 0, 32); /* never matches: verify will say so */
  EVP_MD_CTX_free(md);
}

static size_t varint_put(uint8_t *p, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    p[n++] = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  p[n++] = (uint8_t)v;
  return n;
}

/* Appends the full Frame{id 0, event} for a stored event to out. */
static int feed_frame_append(pcn_buf *out, const uint8_t hash[32],
                             const uint8_t *body, size_t body_len) {
  /* Event = body || field 15 (hash), bytes: tag 0x7A, length 32. */
  size_t ev_len = body_len + 2 + 32;
  uint8_t hdr[4 + 1 + 10];
  size_t h = 4;
  hdr[h++] = 0x22; /* Frame field 4 (event), length-delimited */
  h += varint_put(hdr + h, ev_len);
  size_t frame_len = (h - 4) + ev_len;
  key_u32(hdr, (uint32_t)frame_len);
  if (pcn_buf_reserve(out, h + ev_len)) return -1;
  pcn_buf_append(out, hdr, h);
  pcn_buf_append(out, body, body_len);
  uint8_t tag[2] = {0x7A, 32};
  pcn_buf_append(out, tag, 2);
  pcn_buf_append(out, hash, 32);
  return 0;
}

int feed_audience(char out[FEED_AUD_MAX], char *const *ods, size_t n) {
  size_t len = 1;
  out[0] = '+';
  for (size_t i = 0; i < n; i++) {
    size_t k = strlen(ods[i]);
    if (len + k + 2 > FEED_AUD_MAX) return -1;
    if (i) out[len++] = ',';
    memcpy(out + len, ods[i], k);
    len += k;
  }
  out[len] = 0;
  return 0;
}

/* The audience of a stored event (FEED_AUD_MAX bytes): from the header,
 * or from the body when the header says "+". An unreadable one is "?",
 * which nobody sees (and pcnd verify reports). */
static void stored_audience(const uint8_t *val, size_t size, char *aud) {
  if (val[32] != '+') {
    memcpy(aud, val + 32, 8);
    aud[7] = 0;
    return;
  }
  const uint8_t *p;
  size_t len;
  if (pcn_wire_find(val + FEED_HDR, size - FEED_HDR, 5, &p, &len) < 0 ||
      len >= FEED_AUD_MAX) {
    memcpy(aud, "?", 2);
    return;
  }
  memcpy(aud, p, len);
  aud[len] = 0;
}

int feed_emit(wtx *w, Pcn__Op op, const char *audience, Pcn__Event *ev) {
  wjob *job = w->job;
  ev->seq = w->chain->head_seq + 1;
  ev->at = job->now_ms;
  ev->actor = job->who.username;
  ev->op = op;
  ev->audience = (char *)audience;
  ev->hash.len = 0;
  ev->hash.data = NULL;

  size_t body_len = pcn__event__get_packed_size(ev);
  uint8_t key[8];
  key_u64(key, ev->seq);
  MDB_val k = {8, key}, v = {FEED_HDR + body_len, NULL};
  int rc = mdb_put(w->txn, w->st->feed, &k, &v, MDB_RESERVE | MDB_APPEND);
  if (rc) return wtx_lmdb(w, rc, "recording the change in the feed");
  uint8_t *val = v.mv_data;
  uint8_t *body = val + FEED_HDR;
  pcn__event__pack(ev, body);

  chain_hash(w->chain->head_hash, body, body_len, val);
  memset(val + 32, 0, 8);
  size_t alen = strlen(audience);
  if (alen >= FEED_AUD_MAX)
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL,
                    "An event's audience is too long.");
  if (alen <= 7 && audience[0] != '+')
    memcpy(val + 32, audience, alen);
  else
    val[32] = '+'; /* the whole audience is in the body */

  feed_item *it = calloc(1, sizeof *it);
  if (!it) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  it->seq = ev->seq;
  memcpy(it->audience, audience, alen + 1);
  it->record_case = ev->record_case;
  if (ev->record_case == PCN__EVENT__RECORD_MEMBER)
    it->member_id = ev->member->id;
  pcn_buf_init(&it->frame);
  if (feed_frame_append(&it->frame, val, body, body_len)) {
    free(it);
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  }
  *w->items_tail = it;
  w->items_tail = &it->next;
  memcpy(w->chain->head_hash, val, 32);
  w->chain->head_seq = ev->seq;
  return PCN__STATUS_CODE__OK;
}

int feed_emit_to(wtx *w, Pcn__Op op, char *const *ods, size_t n,
                 Pcn__Event *ev) {
  char aud[FEED_AUD_MAX];
  if (feed_audience(aud, ods, n))
    return wtx_fail(w, PCN__STATUS_CODE__INTERNAL,
                    "Too many practices for one event (%zu).", n);
  return feed_emit(w, op, aud, ev);
}

int feed_chain_load(store *st, MDB_txn *txn, feed_chain *chain,
                    uint64_t *oldest) {
  memset(chain, 0, sizeof *chain);
  uint64_t base = 0;
  int rc = store_meta_get_u64(txn, st, META_FEED_BASE_SEQ, &base);
  if (rc && rc != MDB_NOTFOUND) return rc;
  MDB_val k = {strlen(META_FEED_BASE_HASH), META_FEED_BASE_HASH}, v;
  rc = mdb_get(txn, st->meta, &k, &v);
  if (rc == 0 && v.mv_size == 32)
    memcpy(chain->head_hash, v.mv_data, 32);
  else if (rc && rc != MDB_NOTFOUND)
    return rc;
  chain->head_seq = base;
  *oldest = base + 1;

  MDB_cursor *cur;
  if ((rc = mdb_cursor_open(txn, st->feed, &cur))) return rc;
  rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
  if (rc == 0 && k.mv_size == 8 && v.mv_size >= FEED_HDR) {
    chain->head_seq = key_get_u64(k.mv_data);
    memcpy(chain->head_hash, v.mv_data, 32);
    rc = 0;
  } else if (rc == MDB_NOTFOUND) {
    rc = 0;
  } else if (rc == 0) {
    rc = MDB_CORRUPTED;
  }
  mdb_cursor_close(cur);
  return rc;
}

int feed_trim(store *st, MDB_txn *txn, uint64_t head, uint64_t keep) {
  if (head <= keep) return 0;
  uint64_t cut = head - keep; /* drop every seq <= cut */
  MDB_cursor *cur;
  int rc = mdb_cursor_open(txn, st->feed, &cur);
  if (rc) return rc;
  MDB_val k, v;
  uint8_t last_hash[32];
  uint64_t last = 0;
  while ((rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST)) == 0) {
    uint64_t seq = key_get_u64(k.mv_data);
    if (seq > cut) break;
    memcpy(last_hash, v.mv_data, 32);
    last = seq;
    if ((rc = mdb_cursor_del(cur, 0))) break;
  }
  mdb_cursor_close(cur);
  if (rc && rc != MDB_NOTFOUND) return rc;
  if (last == 0) return 0;
  if ((rc = store_meta_put_u64(txn, st, META_FEED_BASE_SEQ, last))) return rc;
  MDB_val mk = {strlen(META_FEED_BASE_HASH), META_FEED_BASE_HASH};
  MDB_val mv = {32, last_hash};
  return mdb_put(txn, st->meta, &mk, &mv, 0);
}

/* ------------------------------------------------------------ loop side */

static void sub_link(server *s, conn *c) {
  c->sub_prev = NULL;
  c->sub_next = s->subs;
  if (s->subs) s->subs->sub_prev = c;
  s->subs = c;
  c->subscribed = 1;
}

void feed_unsubscribe(conn *c) {
  if (!c->subscribed) return;
  server *s = c->srv;
  if (c->sub_prev)
    c->sub_prev->sub_next = c->sub_next;
  else
    s->subs = c->sub_next;
  if (c->sub_next) c->sub_next->sub_prev = c->sub_prev;
  c->sub_prev = c->sub_next = NULL;
  c->subscribed = 0;
}

/* Cuts a subscriber whose output has backed up past the limit. */
static void feed_cut(conn *c) {
  c->srv->stats.cuts++;
  char msg[200];
  snprintf(msg, sizeof msg,
           "This connection fell more than %zu bytes behind the feed and was "
           "cut; resubscribe from the last seq you processed.",
           c->srv->cfg.max_output);
  feed_unsubscribe(c);
  conn_fail(c, PCN__STATUS_CODE__RESOURCE_EXHAUSTED, msg);
}

/* A heartbeat: the head, and how far this subscription has gone through
 * the feed (Heartbeat.through_seq). */
static void send_heartbeat(conn *c) {
  Pcn__Heartbeat hb = PCN__HEARTBEAT__INIT;
  hb.head_seq = c->srv->published_seq;
  hb.server_time = srv_now_ms(c->srv);
  hb.through_seq = c->subscribed ? c->sub_cursor : 0;
  Pcn__Frame f = PCN__FRAME__INIT;
  f.body_case = PCN__FRAME__BODY_HEARTBEAT;
  f.heartbeat = &hb;
  conn_send_frame(c, &f);
}

/* Reads events after sub_cursor from the store and queues the visible ones,
 * until the subscriber is level with published_seq or has enough unsent. */
void feed_pump(conn *c) {
  server *s = c->srv;
  if (!c->subscribed || !conn_is_open(c)) return;
  if (c->sub_cursor >= s->published_seq) return;
  if (c->sub_cursor + 1 < s->oldest_seq) {
    /* It fell behind the feed's retention while catching up. */
    char msg[200];
    snprintf(msg, sizeof msg,
             "Events after %llu are no longer held (the oldest is %llu); "
             "reload your records and subscribe from the current head.",
             (unsigned long long)c->sub_cursor,
             (unsigned long long)s->oldest_seq);
    feed_unsubscribe(c);
    conn_fail(c, PCN__STATUS_CODE__OUT_OF_RANGE, msg);
    return;
  }
  size_t unsent = conn_unsent(c);
  if (unsent >= FEED_PUMP_HIGH_WATER) return;
  /* A catch-up takes only what the output budget has free; with none
   * free, one that has drained completely still moves, one event at a
   * time, and the budget check after its write (conn.c) makes room by
   * cutting whoever holds the most. */
  size_t used = s->out_bytes - s->out_doomed;
  size_t free_ = used < s->cfg.output_budget ? s->cfg.output_budget - used : 0;
  size_t room = FEED_PUMP_HIGH_WATER - unsent;
  if (room > free_) room = free_;
  if (room == 0 && unsent > 0) return;
  if (room == 0) room = 1;
  MDB_txn *txn = store_read_begin(&s->st);
  if (!txn) return;
  MDB_cursor *cur;
  if (mdb_cursor_open(txn, s->st.feed, &cur)) goto done;
  uint8_t key[8];
  key_u64(key, c->sub_cursor + 1);
  MDB_val k = {8, key}, v;
  int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
  pcn_buf out;
  pcn_buf_init(&out);
  /* A chunk ends after FEED_PUMP_EVENTS events, but not before something
   * was queued: the write completing is what calls the pump again. */
  for (int n = 0; rc == 0 && (n < FEED_PUMP_EVENTS || out.len == 0); n++) {
    uint64_t seq = key_get_u64(k.mv_data);
    if (seq > s->published_seq || v.mv_size < FEED_HDR) break;
    const uint8_t *val = v.mv_data;
    char aud[FEED_AUD_MAX];
    stored_audience(val, v.mv_size, aud);
    if (feed_visible(aud, c->who.practice)) {
      feed_frame_append(&out, val, val + FEED_HDR, v.mv_size - FEED_HDR);
      s->stats.events_out++;
    }
    c->sub_cursor = seq;
    if (out.len >= room) break;
    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
  }
  mdb_cursor_close(cur);
  if (out.len) conn_send_bytes(c, out.data, out.len);
  pcn_buf_free(&out);
  /* Level with the head: say so at once, since the last events may have
   * been ones this member does not see (nothing else would tell it). */
  if (c->sub_cursor >= s->published_seq) send_heartbeat(c);
done:
  store_read_end(&s->st);
  conn_flush(c);
}

void feed_publish(server *s, feed_item *items) {
  for (feed_item *it = items; it; it = it->next) {
    /* Events run in seq order: a gap here would be a writer bug. */
    s->published_seq = it->seq;
    /* The writer trims the feed in the same commit that adds to it. */
    if (s->cfg.feed_keep && it->seq > s->cfg.feed_keep)
      s->oldest_seq = it->seq - s->cfg.feed_keep + 1;
    for (conn *c = s->subs, *next; c; c = next) {
      next = c->sub_next;
      if (c->sub_cursor != it->seq - 1) continue; /* catching up */
      c->sub_cursor = it->seq;
      if (!feed_visible(it->audience, c->who.practice)) continue;
      conn_send_bytes(c, it->frame.data, it->frame.len);
      s->stats.events_out++;
      if (conn_unsent(c) > s->cfg.max_output) feed_cut(c);
    }
  }
  /* A flush that fails closes, and so unlinks, its connection. */
  for (conn *c = s->subs, *next; c; c = next) {
    next = c->sub_next;
    conn_flush(c);
  }
  conn_budget_check(s, NULL);
}

void feed_heartbeat(server *s, uint64_t now_ms) {
  for (conn *c = s->subs; c; c = c->sub_next) {
    if (now_ms - c->last_tx_ms < s->cfg.heartbeat_ms) continue;
    send_heartbeat(c);
    conn_flush(c);
  }
}

/* ------------------------------------------------------------ requests */

static int feed_subscribe(req_ctx *ctx) {
  conn *c = ctx->c;
  server *s = ctx->srv;
  uint64_t since = ctx->req->subscribe->since_seq;
  if (c->subscribed)
    return ctx_fail(ctx, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "This connection is already subscribed; unsubscribe "
                    "first or open another connection.");
  Pcn__StatusDetails *d;
  if ((since + 1 < s->oldest_seq || since > s->published_seq) &&
      (d = ctx_details(ctx)))
    d->oldest_seq = s->oldest_seq;
  if (since + 1 < s->oldest_seq) {
    return ctx_fail(ctx, PCN__STATUS_CODE__OUT_OF_RANGE,
                    "Events up to %llu are no longer held (the oldest is "
                    "%llu); reload your records and subscribe from the "
                    "current head.",
                    (unsigned long long)since,
                    (unsigned long long)s->oldest_seq);
  }
  if (since > s->published_seq) {
    return ctx_fail(ctx, PCN__STATUS_CODE__OUT_OF_RANGE,
                    "Position %llu is past the newest event (%llu): this "
                    "server's store was replaced; reload your records.",
                    (unsigned long long)since,
                    (unsigned long long)s->published_seq);
  }
  Pcn__Subscribed *sub = pcn_arena_alloc(ctx->arena, sizeof *sub);
  if (!sub) return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__subscribed__init(sub);
  sub->head_seq = s->published_seq;
  sub->oldest_seq = s->oldest_seq;
  ctx->resp->body_case = PCN__RESPONSE__BODY_SUBSCRIBED;
  ctx->resp->subscribed = sub;
  c->sub_id = ctx->id;
  c->sub_cursor = since < s->oldest_seq ? s->oldest_seq - 1 : since;
  sub_link(s, c);
  return PCN__STATUS_CODE__OK;
}

static int feed_unsubscribe_req(req_ctx *ctx) {
  feed_unsubscribe(ctx->c);
  return PCN__STATUS_CODE__OK;
}

static int feed_ping(req_ctx *ctx) {
  Pcn__Pong *p = pcn_arena_alloc(ctx->arena, sizeof *p);
  if (!p) return ctx_fail(ctx, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__pong__init(p);
  p->head_seq = ctx->srv->published_seq;
  p->server_time = srv_now_ms(ctx->srv);
  ctx->resp->body_case = PCN__RESPONSE__BODY_PONG;
  ctx->resp->pong = p;
  return PCN__STATUS_CODE__OK;
}

#define CLOCK_MAX_OFFSET_MS (100LL * 366 * 24 * 3600 * 1000)

/* --test-clock only: tests move the clock rather than sleep for days. A
 * write, so that its reply comes after the ticks (timers.c) the new time
 * makes due have committed: a test that moves the clock can then look. */
static int clock_prepare(req_ctx *ctx, wjob *job) {
  if (!ctx->srv->cfg.test_clock)
    return ctx_fail(ctx, PCN__STATUS_CODE__FAILED_PRECONDITION,
                    "This server's clock is real; only a pcnd started with "
                    "--test-clock (for tests) lets it be moved.");
  int64_t ms = ctx->req->clock_advance->ms;
  if (ms < 0)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "ms",
                          "ms: the clock only moves forward.");
  if (ms > CLOCK_MAX_OFFSET_MS - ctx->srv->clock_offset_ms)
    return ctx_fail_field(ctx, PCN__STATUS_CODE__INVALID_ARGUMENT, "ms",
                          "ms: the clock moves at most 100 years in all.");
  ctx->srv->clock_offset_ms += ms;
  job->now_ms = srv_now_ms(ctx->srv);
  /* Sessions that ended by the new time go first (queued ahead of this
   * job), as the hourly purge would: a restart then finds them gone. */
  if (ms) auth_purge_sessions(ctx->srv);
  /* The ticks are the server's doing, not the test user's. */
  memset(&job->who, 0, sizeof job->who);
  return PCN__STATUS_CODE__OK;
}

static int clock_apply(wtx *w, wjob *job) {
  int rc = timers_apply_all(w, job);
  if (rc) return rc;
  Pcn__Pong *p = pcn_arena_alloc(&job->arena, sizeof *p);
  if (!p) return wtx_fail(w, PCN__STATUS_CODE__INTERNAL, "Out of memory.");
  pcn__pong__init(p);
  p->head_seq = w->chain->head_seq;
  p->server_time = job->now_ms;
  job->resp.body_case = PCN__RESPONSE__BODY_PONG;
  job->resp.pong = p;
  return PCN__STATUS_CODE__OK;
}

const req_entry feed_entries[] = {
    {PCN__REQUEST__BODY_SUBSCRIBE, "subscribe", 0, R_ALL, R_ALL, 0,
     feed_subscribe, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_UNSUBSCRIBE, "unsubscribe", 0, R_ALL, R_ALL, 0,
     feed_unsubscribe_req, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_PING, "ping", REQ_PUBLIC, R_ALL, R_ALL, R_ALL,
     feed_ping, NULL, NULL, NULL},
    {PCN__REQUEST__BODY_CLOCK_ADVANCE, "move the clock", REQ_PUBLIC | REQ_WRITE,
     R_ALL, R_ALL, R_ALL, NULL, clock_prepare, clock_apply, NULL},
};
const size_t feed_entries_n = sizeof feed_entries / sizeof feed_entries[0];

/* ------------------------------------------------------------ verify */

int feed_verify(store *st, MDB_txn *txn, uint64_t *count, char *err,
                size_t errlen) {
  uint64_t base = 0;
  uint8_t prev[32] = {0};
  int rc = store_meta_get_u64(txn, st, META_FEED_BASE_SEQ, &base);
  if (rc && rc != MDB_NOTFOUND) goto lmdb_fail;
  MDB_val k = {strlen(META_FEED_BASE_HASH), META_FEED_BASE_HASH}, v;
  if (mdb_get(txn, st->meta, &k, &v) == 0 && v.mv_size == 32)
    memcpy(prev, v.mv_data, 32);
  MDB_cursor *cur;
  if ((rc = mdb_cursor_open(txn, st->feed, &cur))) goto lmdb_fail;
  uint64_t expect = base + 1, n = 0;
  pcn_arena a;
  pcn_arena_init(&a, 4u << 20);
  int bad = 0;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    uint64_t seq = k.mv_size == 8 ? key_get_u64(k.mv_data) : 0;
    if (seq != expect) {
      snprintf(err, errlen,
               "The feed skips from seq %llu to %llu: events are missing.",
               (unsigned long long)(expect - 1), (unsigned long long)seq);
      bad = 1;
      break;
    }
    const uint8_t *val = v.mv_data;
    uint8_t h[32] = {0};
    if (v.mv_size >= FEED_HDR)
      chain_hash(prev, val + FEED_HDR, v.mv_size - FEED_HDR, h);
    if (v.mv_size < FEED_HDR || memcmp(h, val, 32) != 0) {
      snprintf(err, errlen,
               "Feed event %llu does not match its hash: it was altered, or "
               "an event before it was.",
               (unsigned long long)seq);
      bad = 1;
      break;
    }
    pcn_arena_reset(&a);
    Pcn__Event *ev =
        pcn__event__unpack(&a.pb, v.mv_size - FEED_HDR, val + FEED_HDR);
    char aud[FEED_AUD_MAX];
    stored_audience(val, v.mv_size, aud);
    if (!ev || ev->seq != seq || strcmp(ev->audience, aud) != 0 ||
        (val[32] == '+') != (strlen(aud) > 7 || aud[0] == '+')) {
      snprintf(err, errlen,
               "Feed event %llu does not decode, or its seq or audience "
               "disagrees with where it is stored.",
               (unsigned long long)seq);
      bad = 1;
      break;
    }
    memcpy(prev, h, 32);
    expect++;
    n++;
  }
  mdb_cursor_close(cur);
  pcn_arena_free(&a);
  if (bad) return -1;
  if (rc != MDB_NOTFOUND) goto lmdb_fail;
  *count = n;
  return 0;
lmdb_fail:
  snprintf(err, errlen, "Could not read the feed: %s.", mdb_strerror(rc));
  return -1;
}
