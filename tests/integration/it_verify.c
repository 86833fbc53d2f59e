/* it_verify.c - `pcnd verify` catches what it promises to: an altered feed
 * event, a removed one, an index out of step with its records, and a schema
 * from the future (which `pcnd run` also refuses with a clear message).
 * Each damage is done to a stopped server's store through LMDB directly,
 * checked, and undone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "itest.h"
#include "store.h"

#ifndef PCND_PATH
#define PCND_PATH "pcnd"
#endif

/* Runs `pcnd ARGS...` capturing stderr; returns the exit code. */
static int pcnd_stderr(its_server *s, const char *cmd, char *out, size_t n) {
  char line[1200];
  snprintf(line, sizeof line, "'%s' %s --data '%s' 2>&1 >/dev/null", PCND_PATH,
           cmd, s->dir);
  FILE *p = popen(line, "r");
  size_t got = fread(out, 1, n - 1, p);
  out[got] = 0;
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static store *open_store(its_server *s) {
  store *st = calloc(1, sizeof *st);
  char err[300];
  if (store_open(st, s->dir, 64u << 20, 0, err, sizeof err))
    fail_msg("%s", err);
  return st;
}

static void close_store(store *st) {
  store_close(st);
  free(st);
}

typedef struct world {
  its_server *s;
} world;

static int setup(void **state) {
  world *w = calloc(1, sizeof *w);
  w->s = its_start("");
  its_member *mgr = its_manager(w->s);
  for (int i = 0; i < 5; i++)
    its_task(mgr, "to be checked", "", "2026-12-01", NULL);
  its_member_free(mgr);
  its_stop(w->s);
  assert_int_equal(its_verify(w->s), 0);
  *state = w;
  return 0;
}

static int teardown(void **state) {
  world *w = *state;
  its_free(w->s);
  free(w);
  return 0;
}

/* Flips one byte of event `seq` (or restores it). */
static void flip_event_byte(its_server *s, uint64_t seq) {
  store *st = open_store(s);
  MDB_txn *txn;
  assert_int_equal(mdb_txn_begin(st->env, NULL, 0, &txn), 0);
  uint8_t key[8];
  key_u64(key, seq);
  MDB_val k = {8, key}, v;
  assert_int_equal(mdb_get(txn, st->feed, &k, &v), 0);
  uint8_t *copy = malloc(v.mv_size);
  memcpy(copy, v.mv_data, v.mv_size);
  copy[v.mv_size - 1] ^= 0x01; /* the last byte of the body */
  MDB_val nv = {v.mv_size, copy};
  assert_int_equal(mdb_put(txn, st->feed, &k, &nv, 0), 0);
  assert_int_equal(mdb_txn_commit(txn), 0);
  free(copy);
  close_store(st);
}

static void test_altered_event(void **state) {
  world *w = *state;
  char out[1000];
  flip_event_byte(w->s, 3);
  assert_int_equal(pcnd_stderr(w->s, "verify", out, sizeof out), 1);
  assert_non_null(strstr(out, "event 3"));
  flip_event_byte(w->s, 3);
  assert_int_equal(pcnd_stderr(w->s, "verify", out, sizeof out), 0);
}

static void test_removed_event(void **state) {
  world *w = *state;
  store *st = open_store(w->s);
  MDB_txn *txn;
  assert_int_equal(mdb_txn_begin(st->env, NULL, 0, &txn), 0);
  uint8_t key[8];
  key_u64(key, 4);
  MDB_val k = {8, key}, v;
  assert_int_equal(mdb_get(txn, st->feed, &k, &v), 0);
  void *saved = malloc(v.mv_size);
  size_t saved_n = v.mv_size;
  memcpy(saved, v.mv_data, v.mv_size);
  assert_int_equal(mdb_del(txn, st->feed, &k, NULL), 0);
  assert_int_equal(mdb_txn_commit(txn), 0);
  close_store(st);
  char out[1000];
  assert_int_equal(pcnd_stderr(w->s, "verify", out, sizeof out), 1);
  assert_non_null(strstr(out, "missing"));

  st = open_store(w->s);
  assert_int_equal(mdb_txn_begin(st->env, NULL, 0, &txn), 0);
  MDB_val nv = {saved_n, saved};
  assert_int_equal(mdb_put(txn, st->feed, &k, &nv, 0), 0);
  assert_int_equal(mdb_txn_commit(txn), 0);
  close_store(st);
  free(saved);
  assert_int_equal(pcnd_stderr(w->s, "verify", out, sizeof out), 0);
}

static void test_index_out_of_step(void **state) {
  world *w = *state;
  store *st = open_store(w->s);
  MDB_txn *txn;
  assert_int_equal(mdb_txn_begin(st->env, NULL, 0, &txn), 0);
  MDB_cursor *cur;
  assert_int_equal(mdb_cursor_open(txn, st->task_index, &cur), 0);
  MDB_val k, v;
  assert_int_equal(mdb_cursor_get(cur, &k, &v, MDB_FIRST), 0);
  uint8_t saved[TASK_INDEX_KEY];
  memcpy(saved, k.mv_data, TASK_INDEX_KEY);
  assert_int_equal(mdb_cursor_del(cur, 0), 0);
  mdb_cursor_close(cur);
  assert_int_equal(mdb_txn_commit(txn), 0);
  close_store(st);
  char out[1000];
  assert_int_equal(pcnd_stderr(w->s, "verify", out, sizeof out), 1);
  assert_non_null(strstr(out, "task index"));

  st = open_store(w->s);
  assert_int_equal(mdb_txn_begin(st->env, NULL, 0, &txn), 0);
  MDB_val nk = {TASK_INDEX_KEY, saved}, nv = {0, NULL};
  assert_int_equal(mdb_put(txn, st->task_index, &nk, &nv, 0), 0);
  assert_int_equal(mdb_txn_commit(txn), 0);
  close_store(st);
  assert_int_equal(pcnd_stderr(w->s, "verify", out, sizeof out), 0);
}

static void test_schema_from_the_future(void **state) {
  world *w = *state;
  store *st = open_store(w->s);
  MDB_txn *txn;
  assert_int_equal(mdb_txn_begin(st->env, NULL, 0, &txn), 0);
  assert_int_equal(store_meta_put_u64(txn, st, META_SCHEMA, 99), 0);
  assert_int_equal(mdb_txn_commit(txn), 0);
  close_store(st);
  char out[1000];
  assert_int_equal(pcnd_stderr(w->s, "run", out, sizeof out), 2);
  assert_non_null(strstr(out, "newer than this pcnd"));
  assert_int_not_equal(pcnd_stderr(w->s, "verify", out, sizeof out), 0);

  st = calloc(1, sizeof *st);
  char err[300];
  /* store_open refuses it too, so put it back through LMDB itself. */
  assert_int_not_equal(store_open(st, w->s->dir, 64u << 20, 0, err, sizeof err),
                       0);
  free(st);
  MDB_env *env;
  MDB_dbi meta;
  assert_int_equal(mdb_env_create(&env), 0);
  mdb_env_set_maxdbs(env, 16);
  assert_int_equal(mdb_env_open(env, w->s->dir, 0, 0600), 0);
  assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
  assert_int_equal(mdb_dbi_open(txn, "meta", 0, &meta), 0);
  uint8_t one[8];
  key_u64(one, STORE_SCHEMA_VERSION);
  MDB_val k = {strlen(META_SCHEMA), META_SCHEMA}, v = {8, one};
  assert_int_equal(mdb_put(txn, meta, &k, &v, 0), 0);
  assert_int_equal(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
  assert_int_equal(pcnd_stderr(w->s, "verify", out, sizeof out), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_altered_event),
      cmocka_unit_test(test_removed_event),
      cmocka_unit_test(test_index_out_of_step),
      cmocka_unit_test(test_schema_from_the_future),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
