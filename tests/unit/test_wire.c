/* test_wire.c - the hand-written wire format pcnd uses to answer from
 * stored bytes must say exactly what protobuf-c would: varints, finding a
 * field, a page of stored tasks that decodes as the same TaskPage, and
 * malformed encodings refused rather than overrun.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pcn.pb-c.h"
#include "wire.h"

static void test_varints(void **state) {
  (void)state;
  uint64_t vals[] = {0, 1, 127, 128, 300, 16383, 16384, UINT32_MAX, UINT64_MAX};
  for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
    uint8_t buf[16];
    uint8_t *end = pcn_wire_put_varint(buf, vals[i]);
    assert_int_equal((size_t)(end - buf), pcn_wire_varint_len(vals[i]));
    /* protobuf-c reads it back as a Pong.head_seq (field 1, varint). */
    uint8_t msg[20] = {1 << 3};
    memcpy(msg + 1, buf, (size_t)(end - buf));
    Pcn__Pong *p = pcn__pong__unpack(NULL, 1 + (size_t)(end - buf), msg);
    assert_non_null(p);
    assert_true(p->head_seq == vals[i]);
    pcn__pong__free_unpacked(p, NULL);
  }
  assert_int_equal(pcn_wire_varint_len(UINT64_MAX), 10);
}

static size_t pack_task(const char *practice, const char *assignee, uint64_t id,
                        uint8_t *out) {
  Pcn__Task t = PCN__TASK__INIT;
  t.id = id;
  t.version = 3;
  t.title = "Flu clinic rota";
  t.body = "";
  t.practice = (char *)practice;
  t.assignee = (char *)assignee;
  t.due = "2026-12-01";
  t.created_by = "sam";
  t.created_at = 1795428210166;
  t.comment_count = 2;
  return pcn__task__pack(&t, out);
}

static void test_find_fields(void **state) {
  (void)state;
  uint8_t buf[256];
  size_t n = pack_task("F84001", "jo", 7, buf);
  const uint8_t *v;
  size_t len;
  assert_int_equal(pcn_wire_find(buf, n, 5, &v, &len), 0);
  assert_int_equal(len, 6);
  assert_memory_equal(v, "F84001", 6);
  assert_int_equal(pcn_wire_find(buf, n, 7, &v, &len), 0);
  assert_memory_equal(v, "jo", 2);
  char s[8];
  assert_int_equal(pcn_wire_find_str(buf, n, 5, s, sizeof s), 0);
  assert_string_equal(s, "F84001");
  assert_int_equal(pcn_wire_find_str(buf, n, 5, s, 6), -1); /* no room */
  assert_string_equal(s, "");
  /* proto3 leaves "" out: absent reads as "". */
  n = pack_task("", "", 7, buf);
  assert_int_equal(pcn_wire_find(buf, n, 5, &v, &len), 1);
  assert_int_equal(len, 0);
  assert_int_equal(pcn_wire_find_str(buf, n, 5, s, sizeof s), 1);
  assert_string_equal(s, "");
  /* Varint fields: comment_count (13) and id (1); absent reads as 0. */
  n = pack_task("F84001", "jo", 7, buf);
  uint64_t x;
  assert_int_equal(pcn_wire_find_varint(buf, n, 13, &x), 0);
  assert_int_equal(x, 2);
  assert_int_equal(pcn_wire_find_varint(buf, n, 1, &x), 0);
  assert_int_equal(x, 7);
  assert_int_equal(pcn_wire_find_varint(buf, n, 12, &x), 1);
  assert_int_equal(x, 0);
  assert_int_equal(pcn_wire_find_varint(buf, n, 5, &x),
                   1); /* LEN, not varint */
  /* Fixed-width and varint fields are skipped correctly. */
  Pcn__Heartbeat h = PCN__HEARTBEAT__INIT;
  h.head_seq = 1u << 30;
  h.server_time = -5;
  n = pcn__heartbeat__pack(&h, buf);
  assert_int_equal(pcn_wire_find(buf, n, 3, &v, &len), 1);
}

static void test_malformed(void **state) {
  (void)state;
  const uint8_t *v;
  size_t len;
  uint8_t runs_off[] = {5 << 3 | 2, 10, 'a', 'b'}; /* length past end */
  uint8_t bad_varint[] = {1 << 3, 0x80, 0x80};     /* never ends */
  uint8_t group[] = {1 << 3 | 3};                  /* wire type 3 */
  uint8_t short64[] = {1 << 3 | 1, 1, 2, 3};       /* 8 bytes wanted */
  uint8_t huge[] = {5 << 3 | 2, 0xff, 0xff, 0xff, 0xff, 0xff,
                    0xff,       0xff, 0xff, 0xff, 0x01};
  assert_int_equal(pcn_wire_find(runs_off, sizeof runs_off, 5, &v, &len), -1);
  assert_int_equal(pcn_wire_find(bad_varint, sizeof bad_varint, 5, &v, &len),
                   -1);
  assert_int_equal(pcn_wire_find(group, sizeof group, 5, &v, &len), -1);
  assert_int_equal(pcn_wire_find(short64, sizeof short64, 5, &v, &len), -1);
  assert_int_equal(pcn_wire_find(huge, sizeof huge, 5, &v, &len), -1);
  assert_int_equal(pcn_wire_find(NULL, 0, 5, &v, &len), 1);
}

/* A page built from stored task bytes decodes as the TaskPage protobuf-c
 * would have packed. */
static void test_page_from_stored_bytes(void **state) {
  (void)state;
  pcn_buf b;
  pcn_buf_init(&b);
  uint8_t t1[256], t2[256];
  size_t n1 = pack_task("", "jo", 1, t1), n2 = pack_task("F84001", "", 2, t2);
  assert_int_equal(pcn_wire_append_len(&b, 1, t1, n1), 0);
  assert_int_equal(pcn_wire_append_len(&b, 1, t2, n2), 0);
  assert_int_equal(pcn_wire_append_len(&b, 2, "abc", 3), 0);
  Pcn__TaskPage *p = pcn__task_page__unpack(NULL, b.len, b.data);
  assert_non_null(p);
  assert_int_equal(p->n_tasks, 2);
  assert_int_equal(p->tasks[0]->id, 1);
  assert_string_equal(p->tasks[0]->assignee, "jo");
  assert_string_equal(p->tasks[1]->practice, "F84001");
  assert_string_equal(p->next, "abc");
  /* An OK status packs to nothing, so Response{status} is 0a 00. */
  Pcn__Status st = PCN__STATUS__INIT;
  st.message = "";
  Pcn__Response ok = PCN__RESPONSE__INIT;
  ok.status = &st;
  uint8_t okb[8];
  assert_int_equal(pcn__response__pack(&ok, okb), 2);
  assert_int_equal(okb[0], 0x0a);
  assert_int_equal(okb[1], 0x00);
  /* Byte for byte what protobuf-c packs. */
  uint8_t want[1024];
  size_t wn = pcn__task_page__pack(p, want);
  assert_int_equal(wn, b.len);
  assert_memory_equal(want, b.data, wn);
  pcn__task_page__free_unpacked(p, NULL);
  /* An empty body: a present, empty message. */
  b.len = 0;
  assert_int_equal(pcn_wire_append_len(&b, 10, "", 0), 0);
  Pcn__Response *r = pcn__response__unpack(NULL, b.len, b.data);
  assert_non_null(r);
  assert_int_equal(r->body_case, PCN__RESPONSE__BODY_TASKS);
  assert_int_equal(r->tasks->n_tasks, 0);
  pcn__response__free_unpacked(r, NULL);
  assert_int_equal(pcn_wire_len_field_size(10, 200), 1 + 2 + 200);
  pcn_buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_varints),
      cmocka_unit_test(test_find_fields),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_page_from_stored_bytes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
