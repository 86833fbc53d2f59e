/* util.c - connecting with the saved session, calling the server, and the
 * output helpers every command uses (see cli.h).
 *
 * pb_to_json turns any protobuf-c message into JSON by walking its
 * descriptor, so every record prints as JSON with the field names of
 * proto/pcn.proto and nothing is written out by hand per type.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "encode.h"

int cli_load(cli_ctx *c, int need_session) {
  char err[400];
  int rc = pcn_config_load(&c->cfg, err, sizeof err);
  if (rc < 0) {
    fprintf(stderr, "pcn: %s\n", err);
    return EXIT_USAGE;
  }
  if (rc == 1 || !c->cfg.ca_pem) {
    fprintf(stderr, "pcn: No network is configured here; run the `pcn join "
                    "...` line your PCN manager gave you.\n");
    return EXIT_USAGE;
  }
  if (need_session && !c->cfg.token[0]) {
    fprintf(stderr, "pcn: You are not logged in; run pcn login --user %s.\n",
            c->cfg.username[0] ? c->cfg.username : "NAME");
    return EXIT_REFUSED;
  }
  return EXIT_DONE;
}

pcn_client_config cli_client_config(cli_ctx *c, int need_session) {
  pcn_client_config cc = {
      .server = c->server ? c->server : c->cfg.server,
      .ca_pem = c->cfg.ca_pem,
      .client_name = "pcn",
      .client_version = PCN_VERSION,
      .token = need_session ? c->cfg.token : NULL,
  };
  return cc;
}

int cli_connect(cli_ctx *c, int need_session) {
  int rc = cli_load(c, need_session);
  if (rc) return rc;
  pcn_client_config cc = cli_client_config(c, need_session);
  char err[400];
  pcn_error_class cls;
  c->s = pcn_sync_connect(&cc, err, sizeof err, &cls);
  if (c->s) return EXIT_DONE;
  if (cls == PCN_ERR_SERVER && need_session && strstr(err, "session")) {
    fprintf(stderr, "pcn: Your session has ended; run pcn login --user %s.\n",
            c->cfg.username[0] ? c->cfg.username : "NAME");
    return EXIT_REFUSED;
  }
  fprintf(stderr, "pcn: %s\n", err);
  return cls == PCN_ERR_SERVER ? EXIT_REFUSED : EXIT_CONNECT;
}

const Pcn__Response *cli_call(cli_ctx *c, const Pcn__Request *req, int *code) {
  return cli_answer(c, pcn_sync_call(c->s, req), code);
}

const Pcn__Response *cli_answer(cli_ctx *c, const Pcn__Response *r, int *code) {
  if (r->status->code == PCN__STATUS_CODE__OK) {
    *code = EXIT_DONE;
    return r;
  }
  if (c->json) {
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
        &pcn__status_code__descriptor, r->status->code);
    json_t *j = json_pack("{s:s, s:s}", "error", v ? v->name : "UNKNOWN",
                          "message", r->status->message);
    char *s = j ? json_dumps(j, 0) : NULL;
    if (s) fprintf(stderr, "%s\n", s);
    free(s);
    json_decref(j);
  } else {
    fprintf(stderr, "pcn: %s\n", r->status->message);
  }
  *code = r->status->code == PCN__STATUS_CODE__UNAVAILABLE ? EXIT_CONNECT
                                                           : EXIT_REFUSED;
  return NULL;
}

/* ------------------------------------------------------------ JSON */

static json_t *field_to_json(const ProtobufCFieldDescriptor *f, const void *p) {
  switch (f->type) {
  case PROTOBUF_C_TYPE_INT32:
  case PROTOBUF_C_TYPE_SINT32:
  case PROTOBUF_C_TYPE_SFIXED32: return json_integer(*(const int32_t *)p);
  case PROTOBUF_C_TYPE_UINT32:
  case PROTOBUF_C_TYPE_FIXED32: return json_integer(*(const uint32_t *)p);
  case PROTOBUF_C_TYPE_INT64:
  case PROTOBUF_C_TYPE_SINT64:
  case PROTOBUF_C_TYPE_SFIXED64: return json_integer(*(const int64_t *)p);
  case PROTOBUF_C_TYPE_UINT64:
  case PROTOBUF_C_TYPE_FIXED64:
    return json_integer((json_int_t) * (const uint64_t *)p);
  case PROTOBUF_C_TYPE_BOOL:
    return json_boolean(*(const protobuf_c_boolean *)p);
  case PROTOBUF_C_TYPE_FLOAT: return json_real(*(const float *)p);
  case PROTOBUF_C_TYPE_DOUBLE: return json_real(*(const double *)p);
  case PROTOBUF_C_TYPE_ENUM: {
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value(f->descriptor, *(const int *)p);
    if (!v) return json_integer(*(const int *)p);
    char lower[64];
    size_t i = 0;
    for (; v->name[i] && i + 1 < sizeof lower; i++)
      lower[i] = (char)(v->name[i] >= 'A' && v->name[i] <= 'Z' ? v->name[i] + 32
                                                               : v->name[i]);
    lower[i] = 0;
    return json_string(lower);
  }
  case PROTOBUF_C_TYPE_STRING: {
    const char *s = *(char *const *)p;
    return json_string(s ? s : "");
  }
  case PROTOBUF_C_TYPE_BYTES: {
    const ProtobufCBinaryData *b = p;
    char *hex = malloc(b->len * 2 + 1);
    if (!hex) return json_null();
    pcn_hex_encode(b->data, b->len, hex);
    json_t *j = json_string(hex);
    free(hex);
    return j;
  }
  case PROTOBUF_C_TYPE_MESSAGE: {
    const ProtobufCMessage *m = *(ProtobufCMessage *const *)p;
    return m ? pb_to_json(m) : json_null();
  }
  }
  return json_null();
}

json_t *pb_to_json(const ProtobufCMessage *m) {
  const ProtobufCMessageDescriptor *d = m->descriptor;
  json_t *o = json_object();
  for (unsigned i = 0; i < d->n_fields; i++) {
    const ProtobufCFieldDescriptor *f = &d->fields[i];
    const char *base = (const char *)m;
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
      /* Only the member that is set. */
      if (*(const uint32_t *)(base + f->quantifier_offset) != f->id) continue;
    }
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = *(const size_t *)(base + f->quantifier_offset);
      const char *arr = *(char *const *)(base + f->offset);
      size_t sz = f->type == PROTOBUF_C_TYPE_MESSAGE ||
                          f->type == PROTOBUF_C_TYPE_STRING
                      ? sizeof(void *)
                  : f->type == PROTOBUF_C_TYPE_BYTES
                      ? sizeof(ProtobufCBinaryData)
                  : f->type == PROTOBUF_C_TYPE_INT64 ||
                          f->type == PROTOBUF_C_TYPE_UINT64 ||
                          f->type == PROTOBUF_C_TYPE_SINT64 ||
                          f->type == PROTOBUF_C_TYPE_FIXED64 ||
                          f->type == PROTOBUF_C_TYPE_SFIXED64 ||
                          f->type == PROTOBUF_C_TYPE_DOUBLE
                      ? 8
                      : 4;
      json_t *a = json_array();
      for (size_t k = 0; k < n; k++)
        json_array_append_new(a, field_to_json(f, arr + k * sz));
      json_object_set_new(o, f->name, a);
      continue;
    }
    json_object_set_new(o, f->name, field_to_json(f, base + f->offset));
  }
  return o;
}

void cli_print_json(json_t *j) {
  char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
  if (s) printf("%s\n", s);
  free(s);
  json_decref(j);
}

const char *cli_scope(const char *practice) {
  return practice && practice[0] ? practice : "network";
}

int cli_text_width(int used) {
  int cols = cli_term_columns();
  if (!cols) return 0;
  return cols - used > CLI_CELL_NARROW ? cols - used : CLI_CELL_NARROW;
}

/* The bytes of the first `chars` UTF-8 characters of s, and in *count how
 * many characters s has up to there. */
static size_t utf8_prefix(const char *s, int chars, int *count) {
  size_t i = 0;
  int k = 0;
  while (s[i] && k < chars) {
    i++;
    while (((unsigned char)s[i] & 0xC0) == 0x80)
      i++; /* continuation bytes */
    k++;
  }
  *count = k;
  return i;
}

const char *cli_cell(char *out, size_t n, const char *s, int width, int pad) {
  int len;
  size_t bytes = utf8_prefix(s, width ? width : 1 << 30, &len);
  int cut = width && s[bytes];
  if (cut) bytes = utf8_prefix(s, width - 1, &len);
  int fill = pad ? (width ? width : CLI_CELL_MIN) - len - cut : 0;
  snprintf(out, n, "%.*s%s%*s", (int)bytes, s, cut ? "…" : "",
           fill > 0 ? fill : 0, "");
  return out;
}

void cli_kv(const char *key, const char *fmt, ...) {
  printf("%-12s ", key);
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
}
