/* report.c - a run's result as a table for people and as one JSON object
 * for scripts (compare.sh, or run against run). Latencies are reported in
 * microseconds; the histogram holds nanoseconds.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

static const char *const op_names[OP_N] = {
    "get",   "list",      "create",   "update",  "resume",
    "login", "statement", "balances", "receive", "distribute"};

void result_init(bench_result *r) {
  memset(r, 0, sizeof *r);
  hist_init(&r->lat);
  for (int i = 0; i < OP_N; i++)
    hist_init(&r->op[i]);
  hist_init(&r->fan);
  hist_init(&r->fan_last);
}

void result_record(bench_result *r, int op, uint64_t ns) {
  hist_record(&r->lat, ns);
  hist_record(&r->op[op], ns);
  r->requests++;
}

static double us(uint64_t ns) {
  return (double)ns / 1000.0;
}

/* replay: the heap's growth per stalled subscriber. */
static double anon_per(const bench_result *r) {
  return r->idle && r->idle_anon_after_kb > r->idle_anon_before_kb
             ? (double)(r->idle_anon_after_kb - r->idle_anon_before_kb) /
                   r->idle
             : 0.0;
}

static json_t *lat_json(const hist *h) {
  return json_pack(
      "{s:f, s:f, s:f, s:f, s:f, s:f, s:I}", "p50", us(hist_quantile(h, 0.50)),
      "p90", us(hist_quantile(h, 0.90)), "p99", us(hist_quantile(h, 0.99)),
      "p999", us(hist_quantile(h, 0.999)), "max", us(h->count ? h->max : 0),
      "mean", us((uint64_t)hist_mean(h)), "count", (json_int_t)h->count);
}

static const char *code_name(int code) {
  const ProtobufCEnumValue *v =
      protobuf_c_enum_descriptor_get_value(&pcn__status_code__descriptor, code);
  return v ? v->name : "UNKNOWN";
}

json_t *result_json(const bench_result *r) {
  json_t *j = json_object();
  json_object_set_new(j, "workload", json_string(r->workload));
  json_object_set_new(j, "connections", json_integer(r->connections));
  json_object_set_new(j, "pipeline", json_integer(r->pipeline));
  json_object_set_new(j, "rate", json_real(r->rate));
  json_object_set_new(j, "duration_s", json_real(r->elapsed_s));
  json_object_set_new(j, "requests", json_integer((json_int_t)r->requests));
  json_object_set_new(j, "errors", json_integer((json_int_t)r->errors));
  json_t *by = json_object();
  for (int i = 0; i < 32; i++)
    if (r->errors_by_code[i])
      json_object_set_new(by, code_name(i),
                          json_integer((json_int_t)r->errors_by_code[i]));
  json_object_set_new(j, "errors_by_status", by);
  json_object_set_new(
      j, "throughput",
      json_real(r->elapsed_s > 0 ? (double)r->requests / r->elapsed_s : 0));
  json_object_set_new(j, "latency_us", lat_json(&r->lat));
  json_t *ops = json_object();
  for (int i = 0; i < OP_N; i++)
    if (r->op[i].count)
      json_object_set_new(ops, op_names[i], lat_json(&r->op[i]));
  json_object_set_new(j, "ops", ops);
  if (r->preloaded) {
    json_object_set_new(j, "preloaded", json_integer((json_int_t)r->preloaded));
    json_object_set_new(j, "preload_s", json_real(r->preload_s));
  }
  if (r->server_start_ms > 0)
    json_object_set_new(j, "server_start_ms", json_real(r->server_start_ms));
  if (r->server_sampled)
    json_object_set_new(j, "server",
                        json_pack("{s:f, s:I}", "cpu_percent",
                                  r->server_cpu_percent, "rss_kb",
                                  (json_int_t)r->server_rss_kb));
  json_object_set_new(j, "client_cpu_percent",
                      json_real(r->client_cpu_percent));
  if (r->subscribers) {
    json_object_set_new(
        j, "fanout",
        json_pack("{s:i, s:i, s:I, s:o, s:o, s:I, s:I, s:I, s:I}",
                  "subscribers", (int)r->subscribers, "writers",
                  (int)r->writers, "events", (json_int_t)r->events,
                  "ack_to_each_us", lat_json(&r->fan), "ack_to_last_us",
                  lat_json(&r->fan_last), "before_ack", (json_int_t)r->early,
                  "gaps", (json_int_t)r->gaps, "duplicates",
                  (json_int_t)r->dups, "missing", (json_int_t)r->missing));
  }
  if (r->resumes_per_s > 0 || r->logins) {
    json_object_set_new(j, "resumes_per_s", json_real(r->resumes_per_s));
    json_object_set_new(j, "logins_per_s", json_real(r->logins_per_s));
  }
  if (r->replay_head) {
    json_object_set_new(
        j, "replay",
        json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:I, s:I, s:I, "
                  "s:I, s:I}",
                  "from", (json_int_t)r->replay_from, "head",
                  (json_int_t)r->replay_head, "rss_peak_kb",
                  (json_int_t)r->server_rss_kb, "anon_before_kb",
                  (json_int_t)r->idle_anon_before_kb, "anon_after_kb",
                  (json_int_t)r->idle_anon_after_kb, "anon_peak_kb",
                  (json_int_t)r->server_anon_kb, "anon_per_conn_kb",
                  anon_per(r), "catchup_s", r->replay_catchup_s, "events",
                  (json_int_t)r->events, "reconnects",
                  (json_int_t)r->reconnects, "gaps", (json_int_t)r->gaps,
                  "duplicates", (json_int_t)r->dups, "missing",
                  (json_int_t)r->missing));
  }
  if (r->idle) {
    double per =
        r->idle_rss_after_kb > r->idle_rss_before_kb
            ? (double)(r->idle_rss_after_kb - r->idle_rss_before_kb) / r->idle
            : 0;
    json_object_set_new(
        j, "idle",
        json_pack("{s:i, s:I, s:I, s:f}", "connections", (int)r->idle,
                  "rss_before_kb", (json_int_t)r->idle_rss_before_kb,
                  "rss_after_kb", (json_int_t)r->idle_rss_after_kb,
                  "rss_per_conn_kb", per));
  }
  return j;
}

static void lat_row(FILE *f, const char *name, const hist *h) {
  fprintf(f, "  %-22s %9.0f %9.0f %9.0f %9.0f %9.0f %10llu\n", name,
          us(hist_quantile(h, 0.50)), us(hist_quantile(h, 0.90)),
          us(hist_quantile(h, 0.99)), us(hist_quantile(h, 0.999)),
          us(h->count ? h->max : 0), (unsigned long long)h->count);
}

void result_print(const bench_result *r, FILE *f) {
  fprintf(f, "\npcn-bench %s: %u connections", r->workload, r->connections);
  if (r->pipeline) fprintf(f, ", %u in flight each", r->pipeline);
  if (r->rate > 0) fprintf(f, ", open loop at %.0f/s", r->rate);
  fprintf(f, ", %.1f s\n", r->elapsed_s);
  if (r->preloaded)
    fprintf(f, "  preloaded %llu %s in %.1f s (%.0f/s)\n",
            (unsigned long long)r->preloaded,
            r->workload && !strcmp(r->workload, "funds") ? "ledger entries"
                                                         : "tasks",
            r->preload_s,
            r->preload_s > 0 ? (double)r->preloaded / r->preload_s : 0);
  if (r->server_start_ms > 0)
    fprintf(f, "  pcnd restarted and serving in %.0f ms\n", r->server_start_ms);
  if (r->requests) {
    fprintf(f, "  throughput: %.0f requests/s (%llu answered, %llu errors)\n",
            r->elapsed_s > 0 ? (double)r->requests / r->elapsed_s : 0,
            (unsigned long long)r->requests, (unsigned long long)r->errors);
    fprintf(f, "\n  %-22s %9s %9s %9s %9s %9s %10s\n", "latency (us)", "p50",
            "p90", "p99", "p99.9", "max", "count");
    lat_row(f, "all", &r->lat);
    for (int i = 0; i < OP_N; i++)
      if (r->op[i].count && r->op[i].count != r->lat.count)
        lat_row(f, op_names[i], &r->op[i]);
  }
  if (r->subscribers) {
    fprintf(f,
            "\n  fan-out: %u subscribers, %u writers, %llu events delivered\n",
            r->subscribers, r->writers, (unsigned long long)r->events);
    fprintf(f, "  %-22s %9s %9s %9s %9s %9s %10s\n", "ack -> arrival (us)",
            "p50", "p90", "p99", "p99.9", "max", "count");
    lat_row(f, "each subscriber", &r->fan);
    lat_row(f, "last subscriber", &r->fan_last);
    fprintf(f,
            "  feed check: %llu gaps, %llu duplicates, %llu missing "
            "(%llu arrived before the writer's ack)\n",
            (unsigned long long)r->gaps, (unsigned long long)r->dups,
            (unsigned long long)r->missing, (unsigned long long)r->early);
  }
  if (r->resumes_per_s > 0 || r->logins)
    fprintf(f,
            "\n  reconnects (TLS + Hello + Resume): %.0f/s\n"
            "  password logins (Argon2id):        %.1f/s\n",
            r->resumes_per_s, r->logins_per_s);
  if (r->replay_head)
    fprintf(f,
            "\n  replay: %u subscribers from seq %llu (head %llu) stopped "
            "reading; server RSS peak %llu kB;\n"
            "  heap (RssAnon) %llu -> %llu kB (%.1f kB per subscriber), peak "
            "%llu kB\n"
            "  then read again: all caught up in %.1f s, %llu events, %llu "
            "reconnects;\n  feed check: %llu gaps, %llu duplicates, %llu "
            "missing\n",
            r->idle, (unsigned long long)r->replay_from,
            (unsigned long long)r->replay_head,
            (unsigned long long)r->server_rss_kb,
            (unsigned long long)r->idle_anon_before_kb,
            (unsigned long long)r->idle_anon_after_kb, anon_per(r),
            (unsigned long long)r->server_anon_kb, r->replay_catchup_s,
            (unsigned long long)r->events, (unsigned long long)r->reconnects,
            (unsigned long long)r->gaps, (unsigned long long)r->dups,
            (unsigned long long)r->missing);
  if (r->idle)
    fprintf(f,
            "\n  idle: %u subscribed connections; server RSS %llu -> %llu kB"
            " (%.1f kB per connection)\n",
            r->idle, (unsigned long long)r->idle_rss_before_kb,
            (unsigned long long)r->idle_rss_after_kb,
            r->idle_rss_after_kb > r->idle_rss_before_kb
                ? (double)(r->idle_rss_after_kb - r->idle_rss_before_kb) /
                      r->idle
                : 0.0);
  if (r->errors) {
    fprintf(f, "\n  errors:");
    for (int i = 0; i < 32; i++)
      if (r->errors_by_code[i])
        fprintf(f, " %s %llu", code_name(i),
                (unsigned long long)r->errors_by_code[i]);
    fprintf(f, "\n");
  }
  if (r->server_sampled)
    fprintf(f, "\n  server: %.0f%% CPU, %.1f MB resident (peak seen)\n",
            r->server_cpu_percent, (double)r->server_rss_kb / 1024.0);
  if (r->client_cpu_percent > 0)
    fprintf(f, "  pcn-bench: %.0f%% CPU%s\n", r->client_cpu_percent,
            r->client_cpu_percent > 90
                ? " (the client may be the limit: compare ratios, not totals)"
                : "");
}
