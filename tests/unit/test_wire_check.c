/* test_wire_check.c - the string check on the wire (common/wire_check.c)
 * and the byte-level UTF-8 check under it (pcn_utf8_check_bytes).
 *
 * Encodings are built by hand where protobuf-c could not make them (a NUL
 * inside a string): nested messages, repeated strings, unknown fields, bytes
 * and packed numbers that must be skipped, every prefix of a frame
 * (truncated input, in exactly sized heap copies so ASan sees any overread),
 * groups, a hand-made recursive descriptor for depth bombs, and a walk over
 * pcn.proto's descriptors proving no real frame nests past the limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "pcn.pb-c.h"
#include "validate.h"
#include "wire.h"
#include "wire_check.h"

/* Checks an exactly sized heap copy, so reading past n is an ASan error. */
static pcn_wire_verdict check_copy(const ProtobufCMessageDescriptor *d,
                                   const uint8_t *p, size_t n,
                                   pcn_wire_fault *f) {
  uint8_t *copy = malloc(n ? n : 1);
  assert_non_null(copy);
  if (n) memcpy(copy, p, n);
  pcn_wire_verdict v = pcn_wire_check_text(d, copy, n, f);
  free(copy);
  return v;
}

/* Frame{id 7, request{<field>: <inner>}}. */
static void frame_with(pcn_buf *out, uint32_t req_field, const pcn_buf *inner) {
  pcn_buf req;
  pcn_buf_init(&req);
  assert_int_equal(
      pcn_wire_append_len(&req, req_field, inner->data, inner->len), 0);
  pcn_buf_init(out);
  assert_int_equal(pcn_wire_append_varint(out, 1, 7), 0);
  assert_int_equal(pcn_wire_append_len(out, 2, req.data, req.len), 0);
  pcn_buf_free(&req);
}

static void add_str(pcn_buf *b, uint32_t field, const char *s, size_t n) {
  assert_int_equal(pcn_wire_append_len(b, field, s, n), 0);
}

static void path_is(const pcn_wire_fault *f, unsigned skip, const char *want) {
  char path[200];
  pcn_wire_fault_path(f, skip, path, sizeof path);
  assert_string_equal(path, want);
}

typedef struct bytes_case {
  const char *s;
  size_t n;
  int want;
  size_t at;
} bytes_case;

#define B(lit, want, at)                                                       \
  { lit, sizeof lit - 1, want, at }

static const bytes_case bytes_cases[] = {
    B("", PCN_BYTES_OK, 0),
    B("plain ascii", PCN_BYTES_OK, 11),
    B("tab\tand\nnewline\x1f\x7f", PCN_BYTES_OK, 17), /* controls: not ours */
    B("caf\xc3\xa9", PCN_BYTES_OK, 5),
    B("\xe2\x82\xac\xf0\x9f\x98\x80", PCN_BYTES_OK, 7),
    B("\xed\x9f\xbf\xee\x80\x80", PCN_BYTES_OK, 6), /* U+D7FF, U+E000 */
    B("\xf4\x8f\xbf\xbf", PCN_BYTES_OK, 4),         /* U+10FFFF */
    B("\xc2\x80", PCN_BYTES_OK, 2),                 /* U+0080 (C1) */
    B("nul\0title", PCN_BYTES_NUL, 3),
    B("\0", PCN_BYTES_NUL, 0),
    B("token\0junk", PCN_BYTES_NUL, 5),
    B("ab\xc0\xaf", PCN_BYTES_BAD_UTF8, 2),               /* overlong '/' */
    B("\xc1\xbf", PCN_BYTES_BAD_UTF8, 0),                 /* overlong */
    B("\xc0\x80", PCN_BYTES_BAD_UTF8, 0),                 /* overlong NUL */
    B("\xe0\x80\xaf", PCN_BYTES_BAD_UTF8, 0),             /* overlong 3-byte */
    B("\xe0\x9f\xbf", PCN_BYTES_BAD_UTF8, 0),             /* overlong U+07FF */
    B("\xf0\x80\x80\xaf", PCN_BYTES_BAD_UTF8, 0),         /* overlong 4-byte */
    B("\xf0\x8f\xbf\xbf", PCN_BYTES_BAD_UTF8, 0),         /* overlong U+FFFF */
    B("x\xed\xa0\x80", PCN_BYTES_BAD_UTF8, 1),            /* U+D800 */
    B("\xed\xbf\xbf", PCN_BYTES_BAD_UTF8, 0),             /* U+DFFF */
    B("\xed\xa0\xbd\xed\xb8\x80", PCN_BYTES_BAD_UTF8, 0), /* CESU pair */
    B("\xf4\x90\x80\x80", PCN_BYTES_BAD_UTF8, 0),         /* U+110000 */
    B("\xf5\x80\x80\x80", PCN_BYTES_BAD_UTF8, 0),
    B("\xff", PCN_BYTES_BAD_UTF8, 0),
    B("\xfe", PCN_BYTES_BAD_UTF8, 0),
    B("ok\x80", PCN_BYTES_BAD_UTF8, 2), /* stray continuation */
    B("\xc3", PCN_BYTES_BAD_UTF8, 0),   /* cut off at the end */
    B("\xe2\x82", PCN_BYTES_BAD_UTF8, 0),
    B("\xf0\x9f\x98", PCN_BYTES_BAD_UTF8, 0),
    B("\xe2x\xac", PCN_BYTES_BAD_UTF8, 0), /* broken inside */
    B("\xc3\0", PCN_BYTES_BAD_UTF8, 0),    /* NUL not a cont. */
};

static void test_bytes_table(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bytes_cases / sizeof bytes_cases[0]; i++) {
    const bytes_case *c = &bytes_cases[i];
    uint8_t *copy = malloc(c->n ? c->n : 1);
    memcpy(copy, c->s, c->n);
    size_t at = 999;
    int got = pcn_utf8_check_bytes(copy, c->n, &at);
    free(copy);
    if (got != c->want || at != c->at)
      fail_msg("case %zu: got %d at %zu, want %d at %zu", i, got, at, c->want,
               c->at);
  }
}

/* A sequence cut off by the length is bad even when the bytes after it in
 * the buffer would complete it: the check reads only p[0..n). */
static void test_bytes_length_bound(void **state) {
  (void)state;
  const uint8_t euro[] = {0xe2, 0x82, 0xac};
  size_t at;
  assert_int_equal(pcn_utf8_check_bytes(euro, 3, &at), PCN_BYTES_OK);
  assert_int_equal(pcn_utf8_check_bytes(euro, 2, &at), PCN_BYTES_BAD_UTF8);
  assert_int_equal(pcn_utf8_check_bytes(euro, 1, &at), PCN_BYTES_BAD_UTF8);
  assert_int_equal(pcn_utf8_check_bytes(euro, 0, NULL), PCN_BYTES_OK);
}

/* Server messages that echo a value cut by a byte count stay UTF-8. */
static void test_repair(void **state) {
  (void)state;
  static const char *const cases[][2] = {
      {"", ""},
      {"plain", "plain"},
      {"caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac"},
      {"'a\xc3' is not a date", "'a?' is not a date"},
      {"cut \xe2\x82", "cut ?"
                       "?"},
      {"\xf0\x9f\x98'", "?"
                        "?"
                        "?'"},
      {"\x80x\xff\xc0\xaf", "?x?"
                            "?"
                            "?"},
      {"\xed\xa0\x80", "?"
                       "?"
                       "?"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char buf[64];
    snprintf(buf, sizeof buf, "%s", cases[i][0]);
    pcn_utf8_repair(buf);
    assert_string_equal(buf, cases[i][1]);
  }
}

/* The word-at-a-time path: a NUL, a stray byte or a character at every
 * position of a long ASCII run is found exactly there. */
static void test_bytes_every_position(void **state) {
  (void)state;
  enum { LEN = 67 };
  for (size_t k = 0; k < LEN; k++) {
    uint8_t *b = malloc(LEN);
    memset(b, 'a', LEN);
    size_t at;
    b[k] = 0;
    assert_int_equal(pcn_utf8_check_bytes(b, LEN, &at), PCN_BYTES_NUL);
    assert_int_equal(at, k);
    b[k] = 0x80;
    assert_int_equal(pcn_utf8_check_bytes(b, LEN, &at), PCN_BYTES_BAD_UTF8);
    assert_int_equal(at, k);
    b[k] = 0x7f;
    assert_int_equal(pcn_utf8_check_bytes(b, LEN, &at), PCN_BYTES_OK);
    assert_int_equal(at, LEN);
    if (k + 1 < LEN) {
      b[k] = 0xc3;
      b[k + 1] = 0xa9;
      assert_int_equal(pcn_utf8_check_bytes(b, LEN, &at), PCN_BYTES_OK);
    }
    free(b);
  }
}

static void test_valid_frames_pass(void **state) {
  (void)state;
  Pcn__TaskCreate t = PCN__TASK_CREATE__INIT;
  t.title = "Flu clinic rota \xe2\x82\xac";
  t.body = "line one\nline two";
  t.practice = "F84001";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_TASK_CREATE;
  r.task_create = &t;
  Pcn__Frame f = PCN__FRAME__INIT;
  f.id = 3;
  f.body_case = PCN__FRAME__BODY_REQUEST;
  f.request = &r;
  uint8_t buf[256];
  size_t n = pcn__frame__pack(&f, buf);
  pcn_wire_fault fault;
  assert_int_equal(check_copy(&pcn__frame__descriptor, buf, n, &fault),
                   PCN_WIRE_OK);
  assert_int_equal(check_copy(&pcn__frame__descriptor, buf, 0, &fault),
                   PCN_WIRE_OK);
  /* NULL fault is allowed. */
  assert_int_equal(pcn_wire_check_text(&pcn__frame__descriptor, buf, n, NULL),
                   PCN_WIRE_OK);
}

static void test_nul_in_nested_string(void **state) {
  (void)state;
  pcn_buf tc, fr;
  pcn_buf_init(&tc);
  add_str(&tc, 1, "nul\0title", 9);
  frame_with(&fr, PCN__REQUEST__BODY_TASK_CREATE, &tc);
  pcn_wire_fault f;
  assert_int_equal(check_copy(&pcn__frame__descriptor, fr.data, fr.len, &f),
                   PCN_WIRE_NUL);
  assert_int_equal(f.verdict, PCN_WIRE_NUL);
  assert_int_equal(f.offset, 3);
  assert_int_equal(f.depth, 3);
  path_is(&f, 0, "request.task_create.title");
  path_is(&f, 1, "task_create.title");
  path_is(&f, 2, "title");
  path_is(&f, 3, "");
  /* protobuf-c itself takes it, cut short: why the walk exists. */
  Pcn__Frame *d = pcn__frame__unpack(NULL, fr.len, fr.data);
  assert_non_null(d);
  assert_string_equal(d->request->task_create->title, "nul");
  pcn__frame__free_unpacked(d, NULL);
  pcn_buf_free(&tc);
  pcn_buf_free(&fr);
}

static void test_bad_utf8_in_hello(void **state) {
  (void)state;
  pcn_buf h, fr;
  pcn_buf_init(&h);
  assert_int_equal(pcn_wire_append_varint(&h, 1, 1), 0);
  add_str(&h, 2, "pcn \xc0\xaf", 6);
  frame_with(&fr, PCN__REQUEST__BODY_HELLO, &h);
  pcn_wire_fault f;
  assert_int_equal(check_copy(&pcn__frame__descriptor, fr.data, fr.len, &f),
                   PCN_WIRE_BAD_UTF8);
  assert_int_equal(f.offset, 4);
  path_is(&f, 1, "hello.client_name");
  pcn_buf_free(&h);
  pcn_buf_free(&fr);
}

/* The second string is the bad one, in a repeated field, after good ones
 * and after other fields in between: its index is counted right. */
static void test_repeated_strings(void **state) {
  (void)state;
  pcn_buf m, fr;
  pcn_buf_init(&m);
  add_str(&m, 1, "Board", 5);
  add_str(&m, 5, "amy", 3);
  assert_int_equal(pcn_wire_append_varint(&m, 2, 1900000000000), 0);
  add_str(&m, 5, "bob", 3);
  add_str(&m, 4, "Room 2", 6);
  add_str(&m, 5, "c\xed\xa0\x80", 4); /* a surrogate */
  add_str(&m, 5, "dan", 3);
  frame_with(&fr, PCN__REQUEST__BODY_MEETING_CREATE, &m);
  pcn_wire_fault f;
  assert_int_equal(check_copy(&pcn__frame__descriptor, fr.data, fr.len, &f),
                   PCN_WIRE_BAD_UTF8);
  assert_int_equal(f.offset, 1);
  path_is(&f, 1, "meeting_create.invitees[2]");
  path_is(&f, 2, "invitees[2]");
  pcn_buf_free(&m);
  pcn_buf_free(&fr);
}

/* Unknown fields (here and nested), bytes fields and packed numbers hold
 * NULs and bad UTF-8 freely: none of them is a string. */
static void test_skipped_fields(void **state) {
  (void)state;
  pcn_buf tc, fr;
  pcn_buf_init(&tc);
  add_str(&tc, 1, "fine", 4);
  add_str(&tc, 77, "\0\xff\xc0", 3); /* unknown in TaskCreate */
  assert_int_equal(pcn_wire_append_varint(&tc, 78, 5), 0);
  frame_with(&fr, PCN__REQUEST__BODY_TASK_CREATE, &tc);
  add_str(&fr, 99, "\0\0\xfe", 3); /* unknown in Frame */
  pcn_wire_fault f;
  assert_int_equal(check_copy(&pcn__frame__descriptor, fr.data, fr.len, &f),
                   PCN_WIRE_OK);
  pcn_buf_free(&tc);
  pcn_buf_free(&fr);

  /* An unknown request type whose body would be a bad string. */
  pcn_buf junk;
  pcn_buf_init(&junk);
  add_str(&junk, 1, "\xff\0", 2);
  frame_with(&fr, 299, &junk);
  assert_int_equal(check_copy(&pcn__frame__descriptor, fr.data, fr.len, &f),
                   PCN_WIRE_OK);
  pcn_buf_free(&junk);
  pcn_buf_free(&fr);

  /* Event.hash is bytes; SettingsUpdate.reminder_days packed uint32. */
  Pcn__Event ev = PCN__EVENT__INIT;
  uint8_t hash[4] = {0, 0xff, 0xc0, 0};
  ev.hash.data = hash;
  ev.hash.len = sizeof hash;
  Pcn__Frame ef = PCN__FRAME__INIT;
  ef.body_case = PCN__FRAME__BODY_EVENT;
  ef.event = &ev;
  uint8_t buf[128];
  size_t n = pcn__frame__pack(&ef, buf);
  assert_int_equal(check_copy(&pcn__frame__descriptor, buf, n, &f),
                   PCN_WIRE_OK);
  uint32_t days[] = {0, 255, 0};
  Pcn__SettingsUpdate su = PCN__SETTINGS_UPDATE__INIT;
  su.n_reminder_days = 3;
  su.reminder_days = days;
  n = pcn__settings_update__pack(&su, buf);
  assert_int_equal(check_copy(&pcn__settings_update__descriptor, buf, n, &f),
                   PCN_WIRE_OK);
}

/* Every prefix of a frame: OK (a cut between fields) or MALFORMED, never
 * a read past the end (exact heap copies). A cut inside the bad string's
 * own bytes is caught as malformed before the string is looked at. */
static void test_truncated(void **state) {
  (void)state;
  pcn_buf tc, fr;
  pcn_buf_init(&tc);
  add_str(&tc, 1, "title \xe2\x82\xac", 9);
  add_str(&tc, 2, "body", 4);
  assert_int_equal(pcn_wire_append_varint(&tc, 9, 300), 0);
  frame_with(&fr, PCN__REQUEST__BODY_TASK_CREATE, &tc);
  assert_int_equal(pcn_wire_append_varint(&fr, 1, UINT64_MAX), 0);
  int ok = 0, malformed = 0;
  for (size_t cut = 0; cut <= fr.len; cut++) {
    pcn_wire_fault f;
    pcn_wire_verdict v = check_copy(&pcn__frame__descriptor, fr.data, cut, &f);
    if (v == PCN_WIRE_OK)
      ok++;
    else if (v == PCN_WIRE_MALFORMED)
      malformed++;
    else
      fail_msg("prefix %zu: verdict %d", cut, v);
  }
  assert_true(malformed > 0);
  assert_true(ok >= 2); /* the empty prefix, the whole */
  pcn_buf_free(&tc);
  pcn_buf_free(&fr);

  /* A length past the end, a varint that never ends, field number 0, and
   * groups (wire types 3 and 4). */
  const uint8_t past[] = {0x12, 0x05, 0x0a, 0x01};
  const uint8_t endless[] = {0x08, 0xff, 0xff, 0xff, 0xff, 0xff,
                             0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  const uint8_t zero[] = {0x02, 0x00};
  const uint8_t group[] = {0x0b, 0x0c};
  pcn_wire_fault f;
  assert_int_equal(check_copy(&pcn__frame__descriptor, past, sizeof past, &f),
                   PCN_WIRE_MALFORMED);
  assert_int_equal(
      check_copy(&pcn__frame__descriptor, endless, sizeof endless, &f),
      PCN_WIRE_MALFORMED);
  assert_int_equal(check_copy(&pcn__frame__descriptor, zero, sizeof zero, &f),
                   PCN_WIRE_MALFORMED);
  assert_int_equal(check_copy(&pcn__frame__descriptor, group, sizeof group, &f),
                   PCN_WIRE_MALFORMED);
}

/* A recursive message made by hand, as protoc-c would write it:
 *   message Node { Node child = 1; string text = 2; repeated Node kids = 3; }
 * pcn.proto has no recursion, so the depth bound is tested on this. */
extern const ProtobufCMessageDescriptor node_descriptor;
static const ProtobufCFieldDescriptor node_fields[3] = {
    {"child", 1, PROTOBUF_C_LABEL_NONE, PROTOBUF_C_TYPE_MESSAGE, 0, 0,
     &node_descriptor, NULL, 0, 0, NULL, NULL},
    {"text", 2, PROTOBUF_C_LABEL_NONE, PROTOBUF_C_TYPE_STRING, 0, 0, NULL, NULL,
     0, 0, NULL, NULL},
    {"kids", 3, PROTOBUF_C_LABEL_REPEATED, PROTOBUF_C_TYPE_MESSAGE, 0, 0,
     &node_descriptor, NULL, 0, 0, NULL, NULL},
};
static const unsigned node_by_name[3] = {0, 2, 1};
static const ProtobufCIntRange node_ranges[2] = {{1, 0}, {0, 3}};
const ProtobufCMessageDescriptor node_descriptor = {
    PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC,
    "test.Node",
    "Node",
    "Node",
    "test",
    0,
    3,
    node_fields,
    node_by_name,
    1,
    node_ranges,
    NULL,
    NULL,
    NULL,
    NULL};

/* levels Nodes, each the child (field) of the one above, the innermost
 * holding text. */
static void nest(pcn_buf *out, unsigned levels, uint32_t field,
                 const char *text, size_t tlen) {
  pcn_buf_init(out);
  add_str(out, 2, text, tlen);
  for (unsigned i = 0; i < levels; i++) {
    pcn_buf outer;
    pcn_buf_init(&outer);
    assert_int_equal(pcn_wire_append_len(&outer, field, out->data, out->len),
                     0);
    pcn_buf_free(out);
    *out = outer;
  }
}

static void test_depth(void **state) {
  (void)state;
  pcn_buf b;
  pcn_wire_fault f;
  /* The deepest allowed: the outer Node is level 0. */
  nest(&b, PCN_WIRE_CHECK_MAX_DEPTH - 1, 1, "deep", 4);
  assert_int_equal(check_copy(&node_descriptor, b.data, b.len, &f),
                   PCN_WIRE_OK);
  pcn_buf_free(&b);
  nest(&b, PCN_WIRE_CHECK_MAX_DEPTH - 1, 1, "de\0p", 4);
  assert_int_equal(check_copy(&node_descriptor, b.data, b.len, &f),
                   PCN_WIRE_NUL);
  assert_int_equal(f.depth, PCN_WIRE_CHECK_MAX_DEPTH);
  pcn_buf_free(&b);
  nest(&b, PCN_WIRE_CHECK_MAX_DEPTH, 1, "deep", 4);
  assert_int_equal(check_copy(&node_descriptor, b.data, b.len, &f),
                   PCN_WIRE_TOO_DEEP);
  pcn_buf_free(&b);
  /* A bomb: thousands of levels of a repeated field, two bytes each. */
  nest(&b, 5000, 3, "x", 1);
  assert_int_equal(check_copy(&node_descriptor, b.data, b.len, &f),
                   PCN_WIRE_TOO_DEEP);
  assert_int_equal(f.depth, PCN_WIRE_CHECK_MAX_DEPTH);
  char path[4096];
  pcn_wire_fault_path(&f, 0, path, sizeof path);
  assert_non_null(strstr(path, "kids[0].kids[0]"));
  pcn_buf_free(&b);
  /* Nested in the repeated field, at its second occurrence. */
  pcn_buf inner, outer;
  nest(&inner, 1, 1, "\xff", 1);
  pcn_buf_init(&outer);
  assert_int_equal(pcn_wire_append_len(&outer, 3, "", 0), 0);
  assert_int_equal(pcn_wire_append_len(&outer, 3, inner.data, inner.len), 0);
  assert_int_equal(check_copy(&node_descriptor, outer.data, outer.len, &f),
                   PCN_WIRE_BAD_UTF8);
  path_is(&f, 0, "kids[1].child.text");
  pcn_buf_free(&inner);
  pcn_buf_free(&outer);
}

/* The path is cut to fit, with a NUL. */
static void test_path_truncated(void **state) {
  (void)state;
  pcn_buf b;
  pcn_wire_fault f;
  nest(&b, 3, 1, "\0", 1);
  assert_int_equal(check_copy(&node_descriptor, b.data, b.len, &f),
                   PCN_WIRE_NUL);
  char small[8];
  memset(small, 'z', sizeof small);
  pcn_wire_fault_path(&f, 0, small, sizeof small);
  assert_string_equal(small, "child.c");
  path_is(&f, 0, "child.child.child.text");
  pcn_buf_free(&b);
}

/* Deepest message nesting below d, refusing recursion (none in pcn.proto). */
static unsigned schema_depth(const ProtobufCMessageDescriptor *d,
                             const ProtobufCMessageDescriptor **stack,
                             unsigned level) {
  for (unsigned i = 0; i < level; i++) {
    if (stack[i] == d) fail_msg("%s is recursive", d->name);
  }
  stack[level] = d;
  unsigned deepest = level;
  for (unsigned i = 0; i < d->n_fields; i++) {
    if (d->fields[i].type != PROTOBUF_C_TYPE_MESSAGE) continue;
    unsigned k = schema_depth(d->fields[i].descriptor, stack, level + 1);
    if (k > deepest) deepest = k;
  }
  return deepest;
}

/* No frame the schema allows is refused as too deep. */
static void test_schema_within_bound(void **state) {
  (void)state;
  const ProtobufCMessageDescriptor *stack[64];
  unsigned deepest = schema_depth(&pcn__frame__descriptor, stack, 0);
  assert_true(deepest + 1 < PCN_WIRE_CHECK_MAX_DEPTH);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bytes_table),
      cmocka_unit_test(test_bytes_length_bound),
      cmocka_unit_test(test_bytes_every_position),
      cmocka_unit_test(test_repair),
      cmocka_unit_test(test_valid_frames_pass),
      cmocka_unit_test(test_nul_in_nested_string),
      cmocka_unit_test(test_bad_utf8_in_hello),
      cmocka_unit_test(test_repeated_strings),
      cmocka_unit_test(test_skipped_fields),
      cmocka_unit_test(test_truncated),
      cmocka_unit_test(test_depth),
      cmocka_unit_test(test_path_truncated),
      cmocka_unit_test(test_schema_within_bound),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
