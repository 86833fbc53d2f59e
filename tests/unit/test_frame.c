/* test_frame.c - the framing reader and the Frame codec (common/frame.c).
 *
 * Hostile framing first: frames split byte by byte and at every cut point,
 * many frames in one read, length 0, length 2^32-1 (nothing may be
 * allocated for it), the limit and one past it, and a callback that stops
 * and resumes. Then the codec: a Request{Hello} round trip through the
 * reader, garbage, truncation, a budget too small, and a small body that
 * would expand into far more memory than its size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"

/* What the reader delivered, copied out, and when to stop. */
typedef struct sink {
  pcn_buf bodies; /* each body, prefixed by its length as 4 bytes BE */
  int frames;
  int stop_at; /* stop after this many frames in total; 0: never */
  const uint8_t *last_body;
} sink;

static void sink_init(sink *s) {
  pcn_buf_init(&s->bodies);
  s->frames = 0;
  s->stop_at = 0;
  s->last_body = NULL;
}

static void put_be32(uint8_t *p, uint32_t n) {
  p[0] = (uint8_t)(n >> 24);
  p[1] = (uint8_t)(n >> 16);
  p[2] = (uint8_t)(n >> 8);
  p[3] = (uint8_t)n;
}

static int on_frame(void *ud, const uint8_t *body, size_t len) {
  sink *s = ud;
  uint8_t hdr[4];
  put_be32(hdr, (uint32_t)len);
  assert_int_equal(pcn_buf_append(&s->bodies, hdr, 4), 0);
  assert_int_equal(pcn_buf_append(&s->bodies, body, len), 0);
  s->last_body = body;
  s->frames++;
  return s->stop_at && s->frames >= s->stop_at;
}

/* Appends one frame whose body is n bytes derived from seed. */
static void add_frame(pcn_buf *wire, uint32_t n, unsigned seed) {
  uint8_t hdr[4];
  put_be32(hdr, n);
  assert_int_equal(pcn_buf_append(wire, hdr, 4), 0);
  for (uint32_t i = 0; i < n; i++) {
    uint8_t c = (uint8_t)(seed * 31 + i * 7);
    assert_int_equal(pcn_buf_append(wire, &c, 1), 0);
  }
}

/* A stream of `count` frames of assorted sizes (1 .. 300 bytes). */
static void make_stream(pcn_buf *wire, int count) {
  pcn_buf_init(wire);
  for (int i = 0; i < count; i++)
    add_frame(wire, (uint32_t)(1 + (i * 37) % 300), (unsigned)i);
}

/* The delivered frames, re-framed, must equal the wire bytes. */
static void assert_delivered(const sink *s, const pcn_buf *wire, int count) {
  assert_int_equal(s->frames, count);
  assert_int_equal(s->bodies.len, wire->len);
  assert_memory_equal(s->bodies.data, wire->data, wire->len);
}

static void test_whole_frame_is_not_copied(void **state) {
  (void)state;
  pcn_buf wire;
  pcn_buf_init(&wire);
  add_frame(&wire, 10, 1);
  pcn_frame_reader r;
  pcn_frame_reader_init(&r, 1000);
  sink s;
  sink_init(&s);
  size_t used = 99;
  assert_int_equal(
      pcn_frame_reader_feed(&r, wire.data, wire.len, on_frame, &s, &used),
      PCN_FRAME_OK);
  assert_int_equal(used, wire.len);
  assert_ptr_equal(s.last_body, wire.data + 4); /* in place */
  assert_int_equal(r.pending.cap, 0);           /* nothing buffered */
  assert_true(pcn_frame_reader_idle(&r));
  assert_delivered(&s, &wire, 1);
  pcn_frame_reader_free(&r);
  pcn_buf_free(&s.bodies);
  pcn_buf_free(&wire);
}

static void test_many_frames_in_one_feed(void **state) {
  (void)state;
  pcn_buf wire;
  make_stream(&wire, 500);
  pcn_frame_reader r;
  pcn_frame_reader_init(&r, 1000);
  sink s;
  sink_init(&s);
  size_t used = 0;
  assert_int_equal(
      pcn_frame_reader_feed(&r, wire.data, wire.len, on_frame, &s, &used),
      PCN_FRAME_OK);
  assert_int_equal(used, wire.len);
  assert_delivered(&s, &wire, 500);
  assert_int_equal(r.pending.cap, 0);
  pcn_frame_reader_free(&r);
  pcn_buf_free(&s.bodies);
  pcn_buf_free(&wire);
}

static void test_split_byte_by_byte(void **state) {
  (void)state;
  pcn_buf wire;
  make_stream(&wire, 40);
  pcn_frame_reader r;
  pcn_frame_reader_init(&r, 1000);
  sink s;
  sink_init(&s);
  for (size_t i = 0; i < wire.len; i++) {
    size_t used = 0;
    assert_int_equal(
        pcn_frame_reader_feed(&r, wire.data + i, 1, on_frame, &s, &used),
        PCN_FRAME_OK);
    assert_int_equal(used, 1);
  }
  assert_delivered(&s, &wire, 40);
  assert_true(pcn_frame_reader_idle(&r));
  pcn_frame_reader_free(&r);
  pcn_buf_free(&s.bodies);
  pcn_buf_free(&wire);
}

/* Every cut point of a three-frame stream, including inside each header,
 * with the second part carrying a whole frame after the split one. */
static void test_split_at_every_point(void **state) {
  (void)state;
  pcn_buf wire;
  pcn_buf_init(&wire);
  add_frame(&wire, 5, 1);
  add_frame(&wire, 70, 2);
  add_frame(&wire, 1, 3);
  for (size_t cut = 0; cut <= wire.len; cut++) {
    pcn_frame_reader r;
    pcn_frame_reader_init(&r, 100);
    sink s;
    sink_init(&s);
    assert_int_equal(
        pcn_frame_reader_feed(&r, wire.data, cut, on_frame, &s, NULL),
        PCN_FRAME_OK);
    assert_int_equal(pcn_frame_reader_feed(&r, wire.data + cut, wire.len - cut,
                                           on_frame, &s, NULL),
                     PCN_FRAME_OK);
    assert_delivered(&s, &wire, 3);
    assert_true(pcn_frame_reader_idle(&r));
    pcn_frame_reader_free(&r);
    pcn_buf_free(&s.bodies);
  }
  pcn_buf_free(&wire);
}

static void test_idle_reflects_partial_frame(void **state) {
  (void)state;
  pcn_buf wire;
  pcn_buf_init(&wire);
  add_frame(&wire, 8, 1);
  pcn_frame_reader r;
  pcn_frame_reader_init(&r, 100);
  sink s;
  sink_init(&s);
  assert_true(pcn_frame_reader_idle(&r));
  assert_int_equal(pcn_frame_reader_feed(&r, wire.data, 2, on_frame, &s, NULL),
                   PCN_FRAME_OK);
  assert_false(pcn_frame_reader_idle(&r));
  assert_int_equal(
      pcn_frame_reader_feed(&r, wire.data + 2, 0, on_frame, &s, NULL),
      PCN_FRAME_OK);
  assert_int_equal(
      pcn_frame_reader_feed(&r, wire.data + 2, 7, on_frame, &s, NULL),
      PCN_FRAME_OK);
  assert_false(pcn_frame_reader_idle(&r));
  size_t used = 99;
  assert_int_equal(pcn_frame_reader_feed(&r, NULL, 0, on_frame, &s, &used),
                   PCN_FRAME_OK);
  assert_int_equal(used, 0);
  assert_int_equal(s.frames, 0);
  assert_int_equal(pcn_frame_reader_feed(&r, wire.data + 9, wire.len - 9,
                                         on_frame, &s, NULL),
                   PCN_FRAME_OK);
  assert_true(pcn_frame_reader_idle(&r));
  assert_delivered(&s, &wire, 1);
  pcn_frame_reader_free(&r);
  pcn_buf_free(&s.bodies);
  pcn_buf_free(&wire);
}

/* Feeds hdr whole and then byte by byte to fresh readers, expecting err
 * and no allocation beyond a few header bytes. */
static void expect_header_error(uint32_t len, uint32_t max, int err) {
  uint8_t hdr[4];
  put_be32(hdr, len);
  sink s;
  sink_init(&s);
  pcn_frame_reader r;
  pcn_frame_reader_init(&r, max);
  assert_int_equal(pcn_frame_reader_feed(&r, hdr, 4, on_frame, &s, NULL), err);
  assert_int_equal(r.pending.cap, 0);
  pcn_frame_reader_free(&r);

  pcn_frame_reader_init(&r, max);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(pcn_frame_reader_feed(&r, hdr + i, 1, on_frame, &s, NULL),
                     PCN_FRAME_OK);
  }
  assert_int_equal(pcn_frame_reader_feed(&r, hdr + 3, 1, on_frame, &s, NULL),
                   err);
  assert_true(r.pending.cap <= 64);
  assert_int_equal(s.frames, 0);
  pcn_frame_reader_free(&r);
}

static void test_length_zero(void **state) {
  (void)state;
  expect_header_error(0, 1000, PCN_FRAME_ERR_EMPTY);
  expect_header_error(0, PCN_FRAME_MAX_DEFAULT, PCN_FRAME_ERR_EMPTY);
}

static void test_length_all_ones_allocates_nothing(void **state) {
  (void)state;
  expect_header_error(0xFFFFFFFFu, PCN_FRAME_MAX_DEFAULT,
                      PCN_FRAME_ERR_TOO_BIG);
  expect_header_error(0xFFFFFFFFu, 1000, PCN_FRAME_ERR_TOO_BIG);
  expect_header_error(0x80000000u, 1000, PCN_FRAME_ERR_TOO_BIG);
}

static void test_length_max_and_one_past(void **state) {
  (void)state;
  expect_header_error(PCN_FRAME_MAX_DEFAULT + 1, PCN_FRAME_MAX_DEFAULT,
                      PCN_FRAME_ERR_TOO_BIG);
  expect_header_error(1001, 1000, PCN_FRAME_ERR_TOO_BIG);

  /* Exactly max is a frame, whole or split. */
  pcn_buf wire;
  pcn_buf_init(&wire);
  add_frame(&wire, 1000, 9);
  for (size_t cut = 0; cut <= wire.len; cut += 250) {
    pcn_frame_reader r;
    pcn_frame_reader_init(&r, 1000);
    sink s;
    sink_init(&s);
    assert_int_equal(
        pcn_frame_reader_feed(&r, wire.data, cut, on_frame, &s, NULL),
        PCN_FRAME_OK);
    assert_int_equal(pcn_frame_reader_feed(&r, wire.data + cut, wire.len - cut,
                                           on_frame, &s, NULL),
                     PCN_FRAME_OK);
    assert_delivered(&s, &wire, 1);
    pcn_frame_reader_free(&r);
    pcn_buf_free(&s.bodies);
  }
  pcn_buf_free(&wire);
}

/* A good frame, then a bad header in the same read: the good one is
 * delivered, then the error. */
static void test_error_after_good_frame(void **state) {
  (void)state;
  pcn_buf wire;
  pcn_buf_init(&wire);
  add_frame(&wire, 3, 1);
  uint8_t bad[4] = {0, 0, 0, 0};
  assert_int_equal(pcn_buf_append(&wire, bad, 4), 0);
  pcn_frame_reader r;
  pcn_frame_reader_init(&r, 100);
  sink s;
  sink_init(&s);
  assert_int_equal(
      pcn_frame_reader_feed(&r, wire.data, wire.len, on_frame, &s, NULL),
      PCN_FRAME_ERR_EMPTY);
  assert_int_equal(s.frames, 1);
  pcn_frame_reader_free(&r);
  pcn_buf_free(&s.bodies);
  pcn_buf_free(&wire);
}

/* The header of an oversized frame is refused before its body arrives. */
static void test_too_big_refused_before_body(void **state) {
  (void)state;
  uint8_t hdr[8];
  put_be32(hdr, 5000);
  memset(hdr + 4, 'x', 4);
  pcn_frame_reader r;
  pcn_frame_reader_init(&r, 4096);
  sink s;
  sink_init(&s);
  assert_int_equal(pcn_frame_reader_feed(&r, hdr, 8, on_frame, &s, NULL),
                   PCN_FRAME_ERR_TOO_BIG);
  assert_int_equal(r.pending.cap, 0);
  pcn_frame_reader_free(&r);
}

static void test_stop_and_resume_in_one_read(void **state) {
  (void)state;
  pcn_buf wire;
  make_stream(&wire, 5);
  pcn_frame_reader r;
  pcn_frame_reader_init(&r, 1000);
  sink s;
  sink_init(&s);
  s.stop_at = 2;
  size_t used = 0;
  assert_int_equal(
      pcn_frame_reader_feed(&r, wire.data, wire.len, on_frame, &s, &used),
      PCN_FRAME_ERR_STOPPED);
  assert_int_equal(s.frames, 2);
  /* used ends exactly after frame 2: the bytes delivered so far. */
  assert_int_equal(used, s.bodies.len);
  assert_true(pcn_frame_reader_idle(&r));
  s.stop_at = 0;
  size_t used2 = 0;
  assert_int_equal(pcn_frame_reader_feed(&r, wire.data + used, wire.len - used,
                                         on_frame, &s, &used2),
                   PCN_FRAME_OK);
  assert_int_equal(used2, wire.len - used);
  assert_delivered(&s, &wire, 5);
  pcn_frame_reader_free(&r);
  pcn_buf_free(&s.bodies);
  pcn_buf_free(&wire);
}

/* The callback stops on a frame that was completed from pending. */
static void test_stop_on_buffered_frame(void **state) {
  (void)state;
  pcn_buf wire;
  pcn_buf_init(&wire);
  add_frame(&wire, 50, 1); /* 54 bytes */
  add_frame(&wire, 20, 2); /* 24 bytes */
  pcn_frame_reader r;
  pcn_frame_reader_init(&r, 1000);
  sink s;
  sink_init(&s);
  s.stop_at = 1;
  size_t used = 0;
  assert_int_equal(
      pcn_frame_reader_feed(&r, wire.data, 30, on_frame, &s, &used),
      PCN_FRAME_OK);
  assert_int_equal(used, 30);
  assert_int_equal(pcn_frame_reader_feed(&r, wire.data + 30, wire.len - 30,
                                         on_frame, &s, &used),
                   PCN_FRAME_ERR_STOPPED);
  assert_int_equal(used, 54 - 30);
  assert_int_equal(s.frames, 1);
  assert_true(pcn_frame_reader_idle(&r));
  s.stop_at = 0;
  assert_int_equal(pcn_frame_reader_feed(&r, wire.data + 54, wire.len - 54,
                                         on_frame, &s, &used),
                   PCN_FRAME_OK);
  assert_int_equal(used, 24);
  assert_delivered(&s, &wire, 2);
  pcn_frame_reader_free(&r);
  pcn_buf_free(&s.bodies);
  pcn_buf_free(&wire);
}

/* Stop at every frame, each time resuming from *consumed, byte-split. */
static void test_stop_every_frame(void **state) {
  (void)state;
  pcn_buf wire;
  make_stream(&wire, 20);
  pcn_frame_reader r;
  pcn_frame_reader_init(&r, 1000);
  sink s;
  sink_init(&s);
  size_t off = 0;
  int stops = 0;
  while (off < wire.len) {
    s.stop_at = s.frames + 1;
    size_t chunk = wire.len - off < 97 ? wire.len - off : 97;
    size_t used = 0;
    int rc =
        pcn_frame_reader_feed(&r, wire.data + off, chunk, on_frame, &s, &used);
    assert_true(rc == PCN_FRAME_OK || rc == PCN_FRAME_ERR_STOPPED);
    if (rc == PCN_FRAME_OK) assert_int_equal(used, chunk);
    if (rc == PCN_FRAME_ERR_STOPPED) stops++;
    off += used;
  }
  assert_int_equal(stops, 20);
  assert_delivered(&s, &wire, 20);
  pcn_frame_reader_free(&r);
  pcn_buf_free(&s.bodies);
  pcn_buf_free(&wire);
}

/* A pending buffer grown for a large frame is not held afterwards. */
static void test_large_pending_released(void **state) {
  (void)state;
  pcn_buf wire;
  pcn_buf_init(&wire);
  add_frame(&wire, 500000, 4);
  pcn_frame_reader r;
  pcn_frame_reader_init(&r, PCN_FRAME_MAX_DEFAULT);
  sink s;
  sink_init(&s);
  assert_int_equal(
      pcn_frame_reader_feed(&r, wire.data, 100, on_frame, &s, NULL),
      PCN_FRAME_OK);
  assert_true(r.pending.cap >= 500004);
  assert_true(r.pending.cap < 2 * 500004); /* exact reserve, not doubling */
  assert_int_equal(pcn_frame_reader_feed(&r, wire.data + 100, wire.len - 100,
                                         on_frame, &s, NULL),
                   PCN_FRAME_OK);
  assert_delivered(&s, &wire, 1);
  assert_true(r.pending.cap <= 64 * 1024);
  pcn_frame_reader_free(&r);
  pcn_buf_free(&s.bodies);
  pcn_buf_free(&wire);
}

/* ---------------------------------------------------------------- codec */

static void make_hello(Pcn__Frame *f, Pcn__Request *req, Pcn__Hello *h) {
  pcn__frame__init(f);
  pcn__request__init(req);
  pcn__hello__init(h);
  h->protocol_version = PCN_PROTOCOL_VERSION;
  h->client_name = "pcn-test";
  h->client_version = "0.1.0";
  req->body_case = PCN__REQUEST__BODY_HELLO;
  req->hello = h;
  f->id = 42;
  f->body_case = PCN__FRAME__BODY_REQUEST;
  f->request = req;
}

typedef struct decode_sink {
  pcn_arena arena;
  Pcn__Frame *f;
} decode_sink;

static int on_decode(void *ud, const uint8_t *body, size_t len) {
  decode_sink *d = ud;
  d->f = pcn_frame_decode(&d->arena, body, len);
  return 0;
}

static void test_hello_round_trip(void **state) {
  (void)state;
  Pcn__Frame f;
  Pcn__Request req;
  Pcn__Hello h;
  make_hello(&f, &req, &h);
  pcn_buf out;
  pcn_buf_init(&out);
  assert_int_equal(pcn_buf_append(&out, "xy", 2), 0); /* encode appends */
  assert_int_equal(pcn_frame_encode(&f, &out, 0), 0);
  assert_memory_equal(out.data, "xy", 2);
  size_t n = pcn__frame__get_packed_size(&f);
  assert_int_equal(out.len, 2 + 4 + n);
  uint32_t hdr = (uint32_t)out.data[2] << 24 | (uint32_t)out.data[3] << 16 |
                 (uint32_t)out.data[4] << 8 | out.data[5];
  assert_int_equal(hdr, n);

  decode_sink d = {.f = NULL};
  pcn_arena_init(&d.arena, 4096);
  pcn_frame_reader r;
  pcn_frame_reader_init(&r, PCN_FRAME_MAX_DEFAULT);
  assert_int_equal(
      pcn_frame_reader_feed(&r, out.data + 2, out.len - 2, on_decode, &d, NULL),
      PCN_FRAME_OK);
  assert_non_null(d.f);
  assert_int_equal(d.f->id, 42);
  assert_int_equal(d.f->body_case, PCN__FRAME__BODY_REQUEST);
  assert_non_null(d.f->request);
  assert_int_equal(d.f->request->body_case, PCN__REQUEST__BODY_HELLO);
  assert_int_equal(d.f->request->hello->protocol_version, PCN_PROTOCOL_VERSION);
  assert_string_equal(d.f->request->hello->client_name, "pcn-test");
  assert_string_equal(d.f->request->hello->client_version, "0.1.0");
  assert_true(d.arena.used > 0); /* drew on the arena, not on malloc */
  pcn_frame_reader_free(&r);
  pcn_arena_free(&d.arena);
  pcn_buf_free(&out);
}

/* Bodies past 64 KiB and past 16 MiB, so every header byte is exercised,
 * each read back through a reader with a limit that admits it. */
static void test_large_frames_round_trip(void **state) {
  (void)state;
  static const size_t names[] = {70000, (1u << 24) + 5};
  for (size_t i = 0; i < 2; i++) {
    Pcn__Frame f;
    Pcn__Request req;
    Pcn__Hello h;
    make_hello(&f, &req, &h);
    char *name = malloc(names[i] + 1);
    assert_non_null(name);
    memset(name, 'n', names[i]);
    name[names[i]] = '\0';
    h.client_name = name;
    size_t n = pcn__frame__get_packed_size(&f);
    pcn_buf out;
    pcn_buf_init(&out);
    assert_int_equal(pcn_frame_encode(&f, &out, 0), i == 0 ? 0 : -1);
    assert_int_equal(pcn_frame_encode(&f, &out, UINT32_MAX), 0);
    assert_int_equal(out.len, 4 + n + (i == 0 ? 4 + n : 0));
    decode_sink d = {.f = NULL};
    pcn_arena_init(&d.arena, 0);
    pcn_frame_reader r;
    pcn_frame_reader_init(&r, (uint32_t)n);
    assert_int_equal(
        pcn_frame_reader_feed(&r, out.data, 4 + n, on_decode, &d, NULL),
        PCN_FRAME_OK);
    assert_non_null(d.f);
    assert_int_equal(strlen(d.f->request->hello->client_name), names[i]);
    pcn_frame_reader_free(&r);
    pcn_arena_free(&d.arena);
    pcn_buf_free(&out);
    free(name);
  }
}

static void test_encode_refuses_too_big_and_empty(void **state) {
  (void)state;
  Pcn__Frame f;
  Pcn__Request req;
  Pcn__Hello h;
  make_hello(&f, &req, &h);
  size_t n = pcn__frame__get_packed_size(&f);
  pcn_buf out;
  pcn_buf_init(&out);
  assert_int_equal(pcn_frame_encode(&f, &out, (uint32_t)n - 1), -1);
  assert_int_equal(out.len, 0);
  assert_int_equal(pcn_frame_encode(&f, &out, (uint32_t)n), 0);
  assert_int_equal(out.len, n + 4);

  /* An empty Frame packs to 0 bytes, which no reader accepts. */
  Pcn__Frame empty = PCN__FRAME__INIT;
  assert_int_equal(pcn_frame_encode(&empty, &out, 0), -1);
  assert_int_equal(out.len, n + 4);
  pcn_buf_free(&out);
}

static void test_decode_garbage(void **state) {
  (void)state;
  pcn_arena a;
  pcn_arena_init(&a, 1u << 16);
  static const uint8_t junk1[] = {0xff, 0xff, 0xff, 0xff, 0xff};
  static const uint8_t junk2[] = {0x12, 0x7f, 0x01};       /* len past end */
  static const uint8_t junk3[] = {0x08, 0x80, 0x80};       /* cut varint */
  static const uint8_t junk4[] = {0x0f};                   /* wire type 7 */
  static const uint8_t junk5[] = {0x12, 0x02, 0x0a, 0x05}; /* inner cut */
  assert_null(pcn_frame_decode(&a, junk1, sizeof junk1));
  assert_null(pcn_frame_decode(&a, junk2, sizeof junk2));
  assert_null(pcn_frame_decode(&a, junk3, sizeof junk3));
  assert_null(pcn_frame_decode(&a, junk4, sizeof junk4));
  assert_null(pcn_frame_decode(&a, junk5, sizeof junk5));

  /* Every truncation of a good encoding, except the first two bytes, which
   * are the id alone and so a valid Frame. */
  Pcn__Frame f;
  Pcn__Request req;
  Pcn__Hello h;
  make_hello(&f, &req, &h);
  pcn_buf out;
  pcn_buf_init(&out);
  assert_int_equal(pcn_frame_encode(&f, &out, 0), 0);
  const uint8_t *body = out.data + 4;
  size_t n = out.len - 4;
  for (size_t cut = 1; cut < n; cut++) {
    if (cut == 2) continue;
    pcn_arena_reset(&a);
    assert_null(pcn_frame_decode(&a, body, cut));
  }
  pcn_arena_reset(&a);
  assert_non_null(pcn_frame_decode(&a, body, n));
  pcn_buf_free(&out);
  pcn_arena_free(&a);
}

static void test_decode_tiny_budget(void **state) {
  (void)state;
  Pcn__Frame f;
  Pcn__Request req;
  Pcn__Hello h;
  make_hello(&f, &req, &h);
  pcn_buf out;
  pcn_buf_init(&out);
  assert_int_equal(pcn_frame_encode(&f, &out, 0), 0);
  pcn_arena a;
  for (size_t budget = 8; budget <= 64; budget += 8) {
    pcn_arena_init(&a, budget);
    assert_null(pcn_frame_decode(&a, out.data + 4, out.len - 4));
    assert_true(a.used <= budget);
    pcn_arena_free(&a);
  }
  pcn_arena_init(&a, 4096);
  assert_non_null(pcn_frame_decode(&a, out.data + 4, out.len - 4));
  pcn_arena_free(&a);
  pcn_buf_free(&out);
}

/* 2 bytes on the wire per empty Task: a 4 KB body asks for 2048 Task
 * structs. The budget must stop it; with no budget it decodes. */
static void test_decode_expansion_stopped_by_budget(void **state) {
  (void)state;
  enum { TASKS = 2048 };
  size_t page_len = 2 * TASKS;
  pcn_buf body;
  pcn_buf_init(&body);
  /* Frame.response (3) { Response.tasks (10) { TaskPage.tasks (1) {} x N } } */
  uint8_t pre[8];
  size_t resp_len = 1 + 2 + page_len; /* tag, 2-byte varint, page */
  pre[0] = 0x1a;                      /* field 3, length-delimited */
  pre[1] = (uint8_t)(0x80 | (resp_len & 0x7f));
  pre[2] = (uint8_t)(resp_len >> 7);
  pre[3] = 0x52; /* field 10, length-delimited */
  pre[4] = (uint8_t)(0x80 | (page_len & 0x7f));
  pre[5] = (uint8_t)(page_len >> 7);
  assert_true(resp_len < (1u << 14) && page_len < (1u << 14));
  assert_int_equal(pcn_buf_append(&body, pre, 6), 0);
  for (int i = 0; i < TASKS; i++)
    assert_int_equal(pcn_buf_append(&body, "\x0a\x00", 2), 0);

  pcn_arena a;
  pcn_arena_init(&a, 0);
  Pcn__Frame *f = pcn_frame_decode(&a, body.data, body.len);
  assert_non_null(f);
  assert_int_equal(f->body_case, PCN__FRAME__BODY_RESPONSE);
  assert_int_equal(f->response->body_case, PCN__RESPONSE__BODY_TASKS);
  assert_int_equal(f->response->tasks->n_tasks, TASKS);
  assert_true(a.used > 16 * body.len); /* the expansion is real */
  pcn_arena_free(&a);

  pcn_arena_init(&a, 16 * body.len);
  assert_null(pcn_frame_decode(&a, body.data, body.len));
  assert_true(a.used <= a.budget);
  pcn_arena_free(&a);
  pcn_buf_free(&body);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_whole_frame_is_not_copied),
      cmocka_unit_test(test_many_frames_in_one_feed),
      cmocka_unit_test(test_split_byte_by_byte),
      cmocka_unit_test(test_split_at_every_point),
      cmocka_unit_test(test_idle_reflects_partial_frame),
      cmocka_unit_test(test_length_zero),
      cmocka_unit_test(test_length_all_ones_allocates_nothing),
      cmocka_unit_test(test_length_max_and_one_past),
      cmocka_unit_test(test_error_after_good_frame),
      cmocka_unit_test(test_too_big_refused_before_body),
      cmocka_unit_test(test_stop_and_resume_in_one_read),
      cmocka_unit_test(test_stop_on_buffered_frame),
      cmocka_unit_test(test_stop_every_frame),
      cmocka_unit_test(test_large_pending_released),
      cmocka_unit_test(test_hello_round_trip),
      cmocka_unit_test(test_large_frames_round_trip),
      cmocka_unit_test(test_encode_refuses_too_big_and_empty),
      cmocka_unit_test(test_decode_garbage),
      cmocka_unit_test(test_decode_tiny_budget),
      cmocka_unit_test(test_decode_expansion_stopped_by_budget),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
