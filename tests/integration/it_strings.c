/* it_strings.c - every string a client sends is UTF-8 without NUL bytes,
 * checked on the wire bytes where pcnd decodes the frame (wire_check.c):
 * a live server, raw frames built by hand (protobuf-c cannot put a NUL in a
 * string), each refusal naming the field, nothing stored, and the same
 * connection still serving the well-formed version of the same request.
 * test_every_request walks the server's request table (as it_perm's
 * permission walk does), so a request added later is covered unasked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "itest.h"
#include "validate.h"
#include "wire.h"

typedef its_world world;

static int setup(void **state) {
  world *w = calloc(1, sizeof *w);
  w->s = its_start("");
  w->mgr = its_manager(w->s);
  *state = w;
  return 0;
}

static void add_str(pcn_buf *b, uint32_t field, const char *s, size_t n) {
  assert_int_equal(pcn_wire_append_len(b, field, s, n), 0);
}

/* Sends b (freed) as the body of request req_field with this id; returns
 * the answer's status code (-1 none in 5 s), the answer in *a. */
static int ask(its_raw *raw, uint64_t id, uint32_t req_field, pcn_buf *b,
               its_answer *a) {
  its_raw_send_body(raw, id, req_field, b->data, b->len);
  pcn_buf_free(b);
  return its_raw_answer(raw, id, 5000, a);
}

static void hello_body(pcn_buf *b, const char *name, size_t n) {
  pcn_buf_init(b);
  assert_int_equal(pcn_wire_append_varint(b, 1, 1), 0);
  add_str(b, 2, name, n);
}

/* Hello with a client_name that is not UTF-8 is refused, naming it; the
 * connection is still waiting for a good Hello, and takes one. */
static void test_hello_bad_utf8(void **state) {
  world *w = *state;
  its_raw *raw = its_raw_connect(w->s);
  assert_non_null(raw);
  its_answer a;
  pcn_buf b;
  hello_body(&b, "pcn \xc0\xaf\xff", 7);
  assert_int_equal(ask(raw, 1, PCN__REQUEST__BODY_HELLO, &b, &a),
                   PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_non_null(strstr(a.msg, "hello.client_name"));
  assert_non_null(strstr(a.msg, "UTF-8"));
  assert_string_equal(a.field, "client_name");

  /* A NUL in client_version, after a good client_name. */
  hello_body(&b, "pcn", 3);
  add_str(&b, 3, "1.0\0evil", 8);
  assert_int_equal(ask(raw, 2, PCN__REQUEST__BODY_HELLO, &b, &a),
                   PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_string_equal(a.field, "client_version");
  assert_non_null(strstr(a.msg, "NUL"));

  hello_body(&b, "pcn caf\xc3\xa9", 9);
  assert_int_equal(ask(raw, 3, PCN__REQUEST__BODY_HELLO, &b, &a),
                   PCN__STATUS_CODE__OK);
  its_raw_close(raw);
}

static int whoami(its_raw *raw, uint64_t id) {
  its_raw_send_body(raw, id, PCN__REQUEST__BODY_WHOAMI, "", 0);
  return its_raw_answer(raw, id, 5000, NULL);
}

/* A valid session token followed by "\0junk" does not log in (protobuf-c
 * alone would cut it at the NUL and accept it); the token alone does. */
static void test_token_with_nul(void **state) {
  world *w = *state;
  its_raw *raw = its_raw_hello(w->s);
  its_answer a;
  char tok[128];
  size_t tl = strlen(w->mgr->token);
  memcpy(tok, w->mgr->token, tl);
  memcpy(tok + tl, "\0junk", 5);
  pcn_buf b;
  pcn_buf_init(&b);
  add_str(&b, 1, tok, tl + 5);
  assert_int_equal(ask(raw, 2, PCN__REQUEST__BODY_RESUME, &b, &a),
                   PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_string_equal(a.field, "token");
  assert_non_null(strstr(a.msg, "resume.token"));
  assert_int_equal(whoami(raw, 3), PCN__STATUS_CODE__UNAUTHENTICATED);

  pcn_buf_init(&b);
  add_str(&b, 1, tok, tl);
  assert_int_equal(ask(raw, 4, PCN__REQUEST__BODY_RESUME, &b, &a),
                   PCN__STATUS_CODE__OK);
  assert_int_equal(whoami(raw, 5), PCN__STATUS_CODE__OK);
  its_raw_close(raw);
}

static its_raw *raw_logged_in(world *w) {
  its_raw *raw = its_raw_hello(w->s);
  its_raw_resume(raw, 2, w->mgr->token);
  assert_int_equal(its_raw_answer(raw, 2, 5000, NULL), PCN__STATUS_CODE__OK);
  return raw;
}

static size_t task_count(world *w) {
  Pcn__TaskList l = PCN__TASK_LIST__INIT;
  l.limit = 100;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_TASK_LIST;
  r.task_list = &l;
  const Pcn__Response *resp = its_expect(w->mgr, &r, PCN__STATUS_CODE__OK);
  return resp->tasks ? resp->tasks->n_tasks : 0;
}

/* "nul\0title" is refused and nothing is stored (no task, no event);
 * "nultitle" on the same connection is taken. */
static void test_task_title_with_nul(void **state) {
  world *w = *state;
  its_raw *raw = raw_logged_in(w);
  its_answer a;
  size_t tasks = task_count(w);
  uint64_t head = its_head(w->mgr);

  pcn_buf b;
  pcn_buf_init(&b);
  add_str(&b, 1, "nul\0title", 9);
  assert_int_equal(ask(raw, 10, PCN__REQUEST__BODY_TASK_CREATE, &b, &a),
                   PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_string_equal(a.field, "title");
  assert_string_equal(a.msg, "Text in task_create.title must be UTF-8 without "
                             "NUL bytes, and byte 4 is a NUL.");

  /* In the body, a multi-line field, and as invalid UTF-8 there. */
  pcn_buf_init(&b);
  add_str(&b, 1, "fine", 4);
  add_str(&b, 2, "line\n\xed\xa0\x80", 8); /* a surrogate */
  assert_int_equal(ask(raw, 11, PCN__REQUEST__BODY_TASK_CREATE, &b, &a),
                   PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_string_equal(a.field, "body");

  assert_int_equal(task_count(w), tasks);
  assert_int_equal(its_head(w->mgr), head);

  pcn_buf_init(&b);
  add_str(&b, 1, "nultitle", 8);
  assert_int_equal(ask(raw, 12, PCN__REQUEST__BODY_TASK_CREATE, &b, &a),
                   PCN__STATUS_CODE__OK);
  assert_int_equal(task_count(w), tasks + 1);
  its_raw_close(raw);
}

/* A refusal that echoes a value cut to a number of bytes ("'%.20s' is not
 * a date") cut a character in two; the answer is still UTF-8, and
 * libpcnclient, which checks every string it is sent, takes it. */
static void test_echo_stays_utf8(void **state) {
  world *w = *state;
  char due[64] = "a";
  for (int i = 0; i < 20; i++)
    strcat(due, "\xc3\xa9");
  Pcn__TaskCreate t = PCN__TASK_CREATE__INIT;
  t.title = "dated";
  t.due = due;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_TASK_CREATE;
  r.task_create = &t;
  const Pcn__Response *resp =
      its_expect(w->mgr, &r, PCN__STATUS_CODE__INVALID_ARGUMENT);
  its_field_is(resp, "due");
  const char *m = resp->status->message;
  assert_int_equal(pcn_utf8_check_bytes((const uint8_t *)m, strlen(m), NULL),
                   PCN_BYTES_OK);
  assert_non_null(strstr(m, "\xc3\xa9?'"));
}

/* A repeated string: the refusal says which one. */
static void test_repeated_field(void **state) {
  world *w = *state;
  its_raw *raw = raw_logged_in(w);
  its_answer a;
  uint64_t head = its_head(w->mgr);
  pcn_buf b;
  pcn_buf_init(&b);
  add_str(&b, 1, "Board", 5);
  assert_int_equal(pcn_wire_append_varint(&b, 2, 1900000000000), 0);
  assert_int_equal(pcn_wire_append_varint(&b, 3, 1900003600000), 0);
  add_str(&b, 5, "manager", 7);
  add_str(&b, 5, "manager\0", 8);
  assert_int_equal(ask(raw, 20, PCN__REQUEST__BODY_MEETING_CREATE, &b, &a),
                   PCN__STATUS_CODE__INVALID_ARGUMENT);
  assert_string_equal(a.field, "invitees[1]");
  assert_int_equal(its_head(w->mgr), head);
  its_raw_close(raw);
}

/* The first string field of d, or NULL. */
static const ProtobufCFieldDescriptor *
first_string(const ProtobufCMessageDescriptor *d) {
  for (unsigned k = 0; k < d->n_fields; k++)
    if (d->fields[k].type == PROTOBUF_C_TYPE_STRING) return &d->fields[k];
  return NULL;
}

/* Every request in the server's table: each string field of its body (and
 * the first string of each message field one level down) is sent holding a
 * NUL, then holding bytes that are not UTF-8, on a logged-in connection.
 * Each must be refused with INVALID_ARGUMENT naming that field, whatever
 * the request and whoever may make it, and nothing may be stored. Walking
 * the table (not a list written here) means an area added later is held
 * to the rule without anyone remembering to add it. */
static void test_every_request(void **state) {
  world *w = *state;
  its_raw *raw = raw_logged_in(w);
  uint64_t head = its_head(w->mgr);
  size_t n;
  const req_entry *table = dispatch_table(&n);
  static const struct {
    const char *bytes;
    size_t len;
  } bad[] = {{"a\0b", 3}, {"caf\xc3", 4}};
  uint64_t id = 100;
  int fields = 0, requests = 0;
  for (size_t i = 0; i < n; i++) {
    const ProtobufCFieldDescriptor *rf =
        protobuf_c_message_descriptor_get_field(&pcn__request__descriptor,
                                                (unsigned)table[i].body_case);
    assert_non_null(rf);
    const ProtobufCMessageDescriptor *md = rf->descriptor;
    int had = 0;
    for (unsigned k = 0; k < md->n_fields; k++) {
      const ProtobufCFieldDescriptor *f = &md->fields[k];
      const ProtobufCFieldDescriptor *g = NULL;
      if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
        g = first_string(f->descriptor);
        if (!g) continue;
      } else if (f->type != PROTOBUF_C_TYPE_STRING) {
        continue;
      }
      int rep = f->label == PROTOBUF_C_LABEL_REPEATED;
      char want[200];
      if (g)
        snprintf(want, sizeof want, "%s%s.%s%s", f->name, rep ? "[0]" : "",
                 g->name, g->label == PROTOBUF_C_LABEL_REPEATED ? "[0]" : "");
      else
        snprintf(want, sizeof want, "%s%s", f->name, rep ? "[0]" : "");
      for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        pcn_buf body;
        pcn_buf_init(&body);
        if (g) {
          pcn_buf inner;
          pcn_buf_init(&inner);
          add_str(&inner, g->id, bad[b].bytes, bad[b].len);
          assert_int_equal(
              pcn_wire_append_len(&body, f->id, inner.data, inner.len), 0);
          pcn_buf_free(&inner);
        } else {
          add_str(&body, f->id, bad[b].bytes, bad[b].len);
        }
        its_answer a;
        int code = ask(raw, id, rf->id, &body, &a);
        if (code != PCN__STATUS_CODE__INVALID_ARGUMENT || strcmp(a.field, want))
          fail_msg("%s.%s with %s: code %d, field '%s' (wanted '%s'): %s",
                   table[i].name, want, b ? "bad UTF-8" : "a NUL", code,
                   a.field, want, a.msg);
        id++;
      }
      fields++;
      had = 1;
    }
    requests += had;
  }
  fprintf(stderr, "string walk: %d fields of %d requests refused both ways\n",
          fields, requests);
  assert_true(requests > 40);
  assert_int_equal(its_head(w->mgr), head);
  its_raw_close(raw);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hello_bad_utf8),
      cmocka_unit_test(test_token_with_nul),
      cmocka_unit_test(test_task_title_with_nul),
      cmocka_unit_test(test_echo_stays_utf8),
      cmocka_unit_test(test_repeated_field),
      cmocka_unit_test(test_every_request),
  };
  return cmocka_run_group_tests(tests, setup, its_world_teardown);
}
