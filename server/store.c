/* store.c - opening, migrating and growing the LMDB store; record helpers.
 * Key layouts and the threading rules are in store.h.
 */
#include "store.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#define STORE_MAX_DBS 48
/* One loop read transaction, the writer, a backup and the tools: a handful
 * of slots is plenty, since connections share the loop's transaction. */
#define STORE_MAX_READERS 126

const char *store_strerror(int rc) {
  return mdb_strerror(rc);
}

void key_task_index(uint8_t out[TASK_INDEX_KEY], uint32_t scope, uint8_t status,
                    uint32_t due, uint64_t id) {
  key_u32(out, scope);
  out[4] = status;
  key_u32(out + 5, due);
  key_u64(out + 9, id);
}

static int store_open_dbis(store *st, MDB_txn *txn, unsigned flags) {
  struct {
    const char *name;
    MDB_dbi *dbi;
  } dbs[] = {
      {"meta", &st->meta},
      {"practices", &st->practices},
      {"practice_by_ods", &st->practice_by_ods},
      {"members", &st->members},
      {"member_by_name", &st->member_by_name},
      {"creds", &st->creds},
      {"sessions", &st->sessions},
      {"session_by_member", &st->session_by_member},
      {"invites", &st->invites},
      {"tasks", &st->tasks},
      {"task_index", &st->task_index},
      {"comments", &st->comments},
      {"feed", &st->feed},
  };
  for (size_t i = 0; i < sizeof dbs / sizeof dbs[0]; i++) {
    int rc = mdb_dbi_open(txn, dbs[i].name, flags, dbs[i].dbi);
    if (rc) return rc;
  }
  /* Added by schema 2 (issue 6's areas): made when missing, which is the
   * whole migration from schema 1. */
  struct {
    const char *name;
    MDB_dbi *dbi;
  } v2[] = {
      {"asks", &st->asks},
      {"ask_answers", &st->ask_answers},
      {"ask_series", &st->ask_series},
      {"news", &st->news},
      {"news_receipts", &st->news_receipts},
      {"decisions", &st->decisions},
      {"votes", &st->votes},
      {"duties", &st->duties},
      {"duty_agreements", &st->duty_agreements},
      {"meetings", &st->meetings},
      {"meeting_items", &st->meeting_items},
  };
  for (size_t i = 0; i < sizeof v2 / sizeof v2[0]; i++) {
    int rc = mdb_dbi_open(txn, v2[i].name, MDB_CREATE, v2[i].dbi);
    if (rc) return rc;
  }
  /* Added by schema 3 (issue 7: funds and shared staff), the same way. */
  struct {
    const char *name;
    MDB_dbi *dbi;
  } v3[] = {
      {"funds_streams", &st->funds_streams},
      {"funds_entries", &st->funds_entries},
      {"funds_balances", &st->funds_balances},
      {"funds_rates", &st->funds_rates},
      {"funds_budgets", &st->funds_budgets},
      {"funds_claims", &st->funds_claims},
      {"practice_figures", &st->practice_figures},
      {"staff", &st->staff},
      {"staff_rota", &st->staff_rota},
      {"staff_leave", &st->staff_leave},
  };
  for (size_t i = 0; i < sizeof v3 / sizeof v3[0]; i++) {
    int rc = mdb_dbi_open(txn, v3[i].name, MDB_CREATE, v3[i].dbi);
    if (rc) return rc;
  }
  /* Added by schema 4: the ledger's month sums (funds.c), made when
   * missing and filled by store_migrate. */
  int rc = mdb_dbi_open(txn, "funds_months", MDB_CREATE, &st->funds_months);
  if (rc) return rc;
  /* Added for issue 13 (duties.c): practices' disagreements with the
   * register. Made when missing and empty, so no migration and no schema
   * step: an older store simply has none. */
  return mdb_dbi_open(txn, "duty_disagreements", MDB_CREATE,
                      &st->duty_disagreements);
}

/* The newest seq in the feed: its last key, or when every event has been
 * trimmed, the seq of the last one trimmed. */
static int store_feed_head(MDB_txn *txn, store *st, uint64_t *head) {
  *head = 0;
  int rc = store_meta_get_u64(txn, st, META_FEED_BASE_SEQ, head);
  if (rc && rc != MDB_NOTFOUND) return rc;
  MDB_cursor *cur;
  if ((rc = mdb_cursor_open(txn, st->feed, &cur))) return rc;
  MDB_val k, v;
  rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
  if (rc == 0 && k.mv_size == 8) {
    const uint8_t *p = k.mv_data;
    uint64_t seq = 0;
    for (int i = 0; i < 8; i++) seq = seq << 8 | p[i];
    *head = seq;
  }
  mdb_cursor_close(cur);
  return rc == MDB_NOTFOUND ? 0 : rc;
}

int store_new_epoch(MDB_txn *txn, store *st) {
  uint8_t r[16];
  if (RAND_bytes(r, sizeof r) != 1) return -1;
  char hex[33];
  for (size_t i = 0; i < sizeof r; i++)
    snprintf(hex + 2 * i, 3, "%02x", r[i]);
  uint64_t head;
  int rc = store_feed_head(txn, st, &head);
  if (!rc) rc = store_meta_put_u64(txn, st, META_EPOCH_START, head);
  if (!rc) rc = store_meta_put_str(txn, st, META_STORE_EPOCH, hex);
  if (!rc) {
    memcpy(st->epoch, hex, sizeof hex);
    st->epoch_start_seq = head;
  }
  return rc;
}

/* A store made before epochs existed gets one the first time it opens,
 * in store_open's own write transaction, before any writer runs. */
static int store_epoch_load(MDB_txn *txn, store *st) {
  int rc = store_meta_get_str(txn, st, META_STORE_EPOCH, st->epoch,
                              sizeof st->epoch);
  if (rc == MDB_NOTFOUND || (!rc && strlen(st->epoch) != 32))
    return store_new_epoch(txn, st);
  if (rc) return rc;
  /* An epoch made before its start was kept began at the first event. */
  rc = store_meta_get_u64(txn, st, META_EPOCH_START, &st->epoch_start_seq);
  return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Brings an older schema up to this build's. 1 -> 2 -> 3 only add databases,
 * which store_open_dbis has made by now; 3 -> 4 also fills the ledger's
 * month sums from its entries, in the same transaction as the version. */
static int store_migrate(store *st, MDB_txn *txn, uint64_t from, char *err,
                         size_t errlen) {
  int rc = from < 4 ? funds_months_rebuild(st, txn) : 0;
  if (rc) {
    snprintf(err, errlen, "Could not build the ledger's month sums: %s.",
             mdb_strerror(rc));
    return rc;
  }
  rc = store_meta_put_u64(txn, st, META_SCHEMA, STORE_SCHEMA_VERSION);
  if (rc)
    snprintf(err, errlen, "Could not record the schema version: %s.",
             mdb_strerror(rc));
  return rc;
}

int store_open(store *st, const char *dir, size_t map_size, int create,
               char *err, size_t errlen) {
  memset(st, 0, sizeof *st);
  if (errlen) err[0] = 0;
  int rc = 0;
  char path[4096];
  snprintf(path, sizeof path, "%s/data.mdb", dir);
  struct stat sb;
  if (!create && stat(path, &sb) != 0) {
    snprintf(err, errlen,
             "No store in %s; create one with `pcnd init --data %s`.", dir,
             dir);
    return -1;
  }
  if (pthread_rwlock_init(&st->map_lock, NULL) != 0) {
    snprintf(err, errlen, "Out of memory.");
    return -1;
  }
  if ((rc = mdb_env_create(&st->env))) goto fail_lock;
  /* Never shrink below what the file already holds. */
  if (stat(path, &sb) == 0 && (size_t)sb.st_size > map_size)
    map_size = (size_t)sb.st_size;
  st->map_size = map_size;
  if ((rc = mdb_env_set_mapsize(st->env, map_size))) goto fail_env;
  if ((rc = mdb_env_set_maxdbs(st->env, STORE_MAX_DBS))) goto fail_env;
  if ((rc = mdb_env_set_maxreaders(st->env, STORE_MAX_READERS))) goto fail_env;
  if ((rc = mdb_env_open(st->env, dir, MDB_NOTLS, 0600))) goto fail_env;
  int dead = 0;
  mdb_reader_check(st->env, &dead); /* clear slots of crashed processes */

  MDB_txn *txn;
  if ((rc = mdb_txn_begin(st->env, NULL, 0, &txn))) goto fail_env;
  if ((rc = store_open_dbis(st, txn, create ? MDB_CREATE : 0))) {
    mdb_txn_abort(txn);
    if (rc == MDB_NOTFOUND)
      snprintf(err, errlen,
               "The store in %s is incomplete; it was not made "
               "by pcnd init.",
               dir);
    else
      snprintf(err, errlen, "Could not open the store in %s: %s.", dir,
               mdb_strerror(rc));
    goto fail_quiet;
  }
  uint64_t schema = 0;
  rc = store_meta_get_u64(txn, st, META_SCHEMA, &schema);
  if (rc == MDB_NOTFOUND && create) {
    schema = 0;
  } else if (rc) {
    mdb_txn_abort(txn);
    snprintf(err, errlen,
             "The store in %s has no schema version; it was not "
             "made by pcnd.",
             dir);
    goto fail_quiet;
  }
  if (schema > STORE_SCHEMA_VERSION) {
    mdb_txn_abort(txn);
    snprintf(err, errlen,
             "The store in %s has schema version %llu, newer than this pcnd "
             "understands (%d); run a newer pcnd.",
             dir, (unsigned long long)schema, STORE_SCHEMA_VERSION);
    goto fail_quiet;
  }
  if (schema < STORE_SCHEMA_VERSION &&
      store_migrate(st, txn, schema, err, errlen)) {
    mdb_txn_abort(txn);
    goto fail_quiet;
  }
  if ((rc = store_epoch_load(txn, st))) {
    mdb_txn_abort(txn);
    if (rc == -1) rc = EIO;
    goto fail_env;
  }
  if ((rc = mdb_txn_commit(txn))) goto fail_env;
  if ((rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &st->rtxn))) goto fail_env;
  mdb_txn_reset(st->rtxn);
  return 0;

fail_env:
  snprintf(err, errlen, "Could not open the store in %s: %s.", dir,
           mdb_strerror(rc));
fail_quiet:
  mdb_env_close(st->env);
  st->env = NULL;
fail_lock:
  if (!err[0])
    snprintf(err, errlen, "Could not open the store: %s.", mdb_strerror(rc));
  pthread_rwlock_destroy(&st->map_lock);
  return -1;
}

void store_close(store *st) {
  if (!st->env) return;
  if (st->rtxn) mdb_txn_abort(st->rtxn);
  st->rtxn = NULL;
  mdb_env_close(st->env);
  st->env = NULL;
  pthread_rwlock_destroy(&st->map_lock);
}

MDB_txn *store_read_begin(store *st) {
  if (st->rtxn_live) return st->rtxn;
  pthread_rwlock_rdlock(&st->map_lock);
  if (mdb_txn_renew(st->rtxn) != 0) {
    pthread_rwlock_unlock(&st->map_lock);
    return NULL;
  }
  st->rtxn_live = 1;
  return st->rtxn;
}

void store_read_end(store *st) {
  if (!st->rtxn_live) return;
  mdb_txn_reset(st->rtxn);
  st->rtxn_live = 0;
  pthread_rwlock_unlock(&st->map_lock);
}

int store_grow(store *st) {
  pthread_rwlock_wrlock(&st->map_lock);
  size_t next = st->map_size * 2;
  int rc = mdb_env_set_mapsize(st->env, next);
  if (rc) {
    /* With no transaction open, LMDB fails here only when mmap does
     * (address space: ulimit -v, the unit's LimitAS), and it has unmapped the
     * store first: the env has no map left, and the next read anywhere
     * would fault. Nothing can be served, and everything committed is on
     * disk: stop at once, saying what to look at. */
    pcnd_log(LOG_CRIT,
             "the store could not be mapped at %zu MiB (%s); pcnd stops with "
             "nothing lost: check its address-space limit (ulimit -v, the "
             "unit's LimitAS) and start it again.",
             next >> 20, mdb_strerror(rc));
    _exit(3);
  }
  st->map_size = next;
  pthread_rwlock_unlock(&st->map_lock);
  return 0;
}

int store_get_pb(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen,
                 const ProtobufCMessageDescriptor *desc, pcn_arena *a,
                 void **out) {
  MDB_val k = {klen, (void *)key}, v;
  int rc = mdb_get(txn, dbi, &k, &v);
  if (rc) return rc;
  ProtobufCMessage *m =
      protobuf_c_message_unpack(desc, &a->pb, v.mv_size, v.mv_data);
  if (!m) return MDB_CORRUPTED;
  *out = m;
  return 0;
}

int store_put_pb(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen,
                 const ProtobufCMessage *msg) {
  MDB_val k = {klen, (void *)key};
  MDB_val v = {protobuf_c_message_get_packed_size(msg), NULL};
  int rc = mdb_put(txn, dbi, &k, &v, MDB_RESERVE);
  if (rc) return rc;
  protobuf_c_message_pack(msg, v.mv_data);
  return 0;
}

int store_get_u32(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen,
                  uint32_t *out) {
  MDB_val k = {klen, (void *)key}, v;
  int rc = mdb_get(txn, dbi, &k, &v);
  if (rc) return rc;
  if (v.mv_size != 4) return MDB_CORRUPTED;
  *out = key_get_u32(v.mv_data);
  return 0;
}

int store_put_u32(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen,
                  uint32_t val) {
  uint8_t b[4];
  key_u32(b, val);
  MDB_val k = {klen, (void *)key}, v = {4, b};
  return mdb_put(txn, dbi, &k, &v, 0);
}

int store_meta_get_u64(MDB_txn *txn, store *st, const char *name,
                       uint64_t *out) {
  MDB_val k = {strlen(name), (void *)name}, v;
  int rc = mdb_get(txn, st->meta, &k, &v);
  if (rc) return rc;
  if (v.mv_size != 8) return MDB_CORRUPTED;
  *out = key_get_u64(v.mv_data);
  return 0;
}

int store_meta_put_u64(MDB_txn *txn, store *st, const char *name,
                       uint64_t val) {
  uint8_t b[8];
  key_u64(b, val);
  MDB_val k = {strlen(name), (void *)name}, v = {8, b};
  return mdb_put(txn, st->meta, &k, &v, 0);
}

int store_meta_get_str(MDB_txn *txn, store *st, const char *name, char *out,
                       size_t outlen) {
  MDB_val k = {strlen(name), (void *)name}, v;
  int rc = mdb_get(txn, st->meta, &k, &v);
  if (rc) return rc;
  size_t n = v.mv_size < outlen - 1 ? v.mv_size : outlen - 1;
  memcpy(out, v.mv_data, n);
  out[n] = 0;
  return 0;
}

int store_meta_put_str(MDB_txn *txn, store *st, const char *name,
                       const char *val) {
  MDB_val k = {strlen(name), (void *)name}, v = {strlen(val), (void *)val};
  return mdb_put(txn, st->meta, &k, &v, 0);
}

int store_next_id(MDB_txn *txn, store *st, const char *name, uint64_t *id) {
  uint64_t next = 1;
  int rc = store_meta_get_u64(txn, st, name, &next);
  if (rc == MDB_NOTFOUND)
    next = 1;
  else if (rc)
    return rc;
  *id = next;
  return store_meta_put_u64(txn, st, name, next + 1);
}
