/* verify.c - `pcnd verify`: proves a store is sound, or names the first
 * thing that is not.
 *
 * Checks, each both ways where there are two sides: the schema version;
 * practices against practice_by_ods; members against member_by_name;
 * tasks against task_index; comments against their tasks; sessions against
 * session_by_member; and the feed's seq run and hash chain (feed.c). It
 * reads through one read transaction, so it can run beside a live server.
 */
#include <stdio.h>
#include <string.h>

#include "areas.h"
#include "feed.h"
#include "init.h"
#include "validate.h"

typedef struct vctx {
  store *st;
  MDB_txn *txn;
  pcn_arena a;
  char *err;
  size_t errlen;
  uint64_t practices, members, tasks, comments, sessions, events;
} vctx;

#define VFAIL(v, ...) (snprintf((v)->err, (v)->errlen, __VA_ARGS__), -1)

/* Iterates a database; fn returns 0 to go on, -1 to stop with an error. */
static int each(vctx *v, MDB_dbi dbi,
                int (*fn)(vctx *v, MDB_val *k, MDB_val *d)) {
  MDB_cursor *cur;
  if (mdb_cursor_open(v->txn, dbi, &cur))
    return VFAIL(v, "Could not read the store.");
  MDB_val k, d;
  int rc, out = 0;
  for (rc = mdb_cursor_get(cur, &k, &d, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT)) {
    pcn_arena_reset(&v->a);
    if ((out = fn(v, &k, &d))) break;
  }
  mdb_cursor_close(cur);
  if (!out && rc != MDB_NOTFOUND)
    return VFAIL(v, "Could not read the store: %s.", mdb_strerror(rc));
  return out;
}

static int check_practice(vctx *v, MDB_val *k, MDB_val *d) {
  Pcn__Practice *p = pcn__practice__unpack(&v->a.pb, d->mv_size, d->mv_data);
  if (!p || k->mv_size != 4 || p->id != key_get_u32(k->mv_data))
    return VFAIL(v,
                 "Practice record %u does not decode or is stored under "
                 "the wrong id.",
                 k->mv_size == 4 ? key_get_u32(k->mv_data) : 0);
  uint32_t id;
  if (store_get_u32(v->txn, v->st->practice_by_ods, p->ods, strlen(p->ods),
                    &id) ||
      id != p->id)
    return VFAIL(v, "Practice %s is missing from the ODS index.", p->ods);
  v->practices++;
  return 0;
}

static int check_practice_index(vctx *v, MDB_val *k, MDB_val *d) {
  uint8_t key[4];
  MDB_val rk = {4, key}, rv;
  if (d->mv_size != 4) return VFAIL(v, "The ODS index holds a bad entry.");
  memcpy(key, d->mv_data, 4);
  if (mdb_get(v->txn, v->st->practices, &rk, &rv))
    return VFAIL(v, "The ODS index names practice %.*s, which does not exist.",
                 (int)k->mv_size, (char *)k->mv_data);
  return 0;
}

static int check_member(vctx *v, MDB_val *k, MDB_val *d) {
  Pcn__Member *m = pcn__member__unpack(&v->a.pb, d->mv_size, d->mv_data);
  if (!m || k->mv_size != 4 || m->id != key_get_u32(k->mv_data))
    return VFAIL(v, "A member record does not decode or is stored under the "
                    "wrong id.");
  uint32_t id;
  if (store_get_u32(v->txn, v->st->member_by_name, m->username,
                    strlen(m->username), &id) ||
      id != m->id)
    return VFAIL(v, "Member %s is missing from the username index.",
                 m->username);
  v->members++;
  return 0;
}

static int check_member_index(vctx *v, MDB_val *k, MDB_val *d) {
  MDB_val rv;
  if (d->mv_size != 4) return VFAIL(v, "The username index holds a bad entry.");
  MDB_val rk = {4, d->mv_data};
  if (mdb_get(v->txn, v->st->members, &rk, &rv))
    return VFAIL(v, "The username index names %.*s, who does not exist.",
                 (int)k->mv_size, (char *)k->mv_data);
  return 0;
}

static int check_task(vctx *v, MDB_val *k, MDB_val *d) {
  Pcn__Task *t = pcn__task__unpack(&v->a.pb, d->mv_size, d->mv_data);
  if (!t || k->mv_size != 8 || t->id != key_get_u64(k->mv_data))
    return VFAIL(v, "A task record does not decode or is stored under the "
                    "wrong id.");
  uint32_t scope = 0;
  if (t->practice[0] && store_get_u32(v->txn, v->st->practice_by_ods,
                                      t->practice, strlen(t->practice), &scope))
    return VFAIL(v, "Task %llu belongs to practice %s, which does not exist.",
                 (unsigned long long)t->id, t->practice);
  int32_t days;
  uint32_t due = t->due[0] && pcn_date_parse(t->due, &days) == 0
                     ? (uint32_t)days
                     : TASK_DUE_NONE;
  uint8_t ik[TASK_INDEX_KEY];
  key_task_index(ik, scope, (uint8_t)t->status, due, t->id);
  MDB_val ikv = {TASK_INDEX_KEY, ik}, dv;
  if (mdb_get(v->txn, v->st->task_index, &ikv, &dv))
    return VFAIL(v, "Task %llu is missing from the task index.",
                 (unsigned long long)t->id);
  v->tasks++;
  return 0;
}

static int check_task_index(vctx *v, MDB_val *k, MDB_val *d) {
  (void)d;
  if (k->mv_size != TASK_INDEX_KEY)
    return VFAIL(v, "The task index holds a bad key.");
  uint64_t id = key_get_u64((uint8_t *)k->mv_data + 9);
  uint8_t key[8];
  key_u64(key, id);
  Pcn__Task *t;
  if (store_get_pb(v->txn, v->st->tasks, key, 8, &pcn__task__descriptor, &v->a,
                   (void **)&t))
    return VFAIL(v, "The task index names task %llu, which does not exist.",
                 (unsigned long long)id);
  if (((uint8_t *)k->mv_data)[4] != (uint8_t)t->status)
    return VFAIL(v, "The task index has task %llu under a stale status.",
                 (unsigned long long)id);
  return 0;
}

static int check_comment(vctx *v, MDB_val *k, MDB_val *d) {
  (void)d;
  if (k->mv_size != 12) return VFAIL(v, "The comments hold a bad key.");
  uint64_t id = key_get_u64(k->mv_data);
  uint32_t n = key_get_u32((uint8_t *)k->mv_data + 8);
  uint8_t key[8];
  key_u64(key, id);
  Pcn__Task *t;
  if (store_get_pb(v->txn, v->st->tasks, key, 8, &pcn__task__descriptor, &v->a,
                   (void **)&t) ||
      n == 0 || n > t->comment_count)
    return VFAIL(v, "Comment %u on task %llu has no task or is past its count.",
                 n, (unsigned long long)id);
  v->comments++;
  return 0;
}

static int check_session(vctx *v, MDB_val *k, MDB_val *d) {
  Pcn__SessionRecord *r =
      pcn__session_record__unpack(&v->a.pb, d->mv_size, d->mv_data);
  if (!r || k->mv_size != 32)
    return VFAIL(v, "A session record does not decode.");
  uint8_t bk[36];
  key_u32(bk, r->member_id);
  memcpy(bk + 4, k->mv_data, 32);
  MDB_val ik = {36, bk}, iv;
  if (mdb_get(v->txn, v->st->session_by_member, &ik, &iv))
    return VFAIL(v, "A session of member %u is missing from its index.",
                 r->member_id);
  v->sessions++;
  return 0;
}

static int check_session_index(vctx *v, MDB_val *k, MDB_val *d) {
  (void)d;
  if (k->mv_size != 36) return VFAIL(v, "The session index holds a bad key.");
  MDB_val sk = {32, (uint8_t *)k->mv_data + 4}, sv;
  if (mdb_get(v->txn, v->st->sessions, &sk, &sv))
    return VFAIL(v, "The session index names a session that does not exist.");
  return 0;
}

int pcnd_verify(const char *data_dir, int json, char *err, size_t errlen) {
  store st;
  if (store_open(&st, data_dir, 64u << 20, 0, err, errlen)) return -1;
  vctx v = {.st = &st, .err = err, .errlen = errlen};
  pcn_arena_init(&v.a, 8u << 20);
  int rc = mdb_txn_begin(st.env, NULL, MDB_RDONLY, &v.txn) ? -1 : 0;
  uint64_t schema = 0;
  if (rc) (void)VFAIL(&v, "Could not read the store.");
  if (!rc && (store_meta_get_u64(v.txn, &st, META_SCHEMA, &schema) ||
              schema != STORE_SCHEMA_VERSION))
    rc = VFAIL(&v, "The schema version is %llu; this pcnd expects %d.",
               (unsigned long long)schema, STORE_SCHEMA_VERSION);
  if (!rc) rc = each(&v, st.practices, check_practice);
  if (!rc) rc = each(&v, st.practice_by_ods, check_practice_index);
  if (!rc) rc = each(&v, st.members, check_member);
  if (!rc) rc = each(&v, st.member_by_name, check_member_index);
  if (!rc) rc = each(&v, st.tasks, check_task);
  if (!rc) rc = each(&v, st.task_index, check_task_index);
  if (!rc) rc = each(&v, st.comments, check_comment);
  if (!rc) rc = each(&v, st.sessions, check_session);
  if (!rc) rc = each(&v, st.session_by_member, check_session_index);
  if (!rc) rc = feed_verify(&st, v.txn, &v.events, err, errlen);
  uint64_t ledger = 0;
  if (!rc) rc = funds_verify(&st, v.txn, &ledger, err, errlen);
  uint64_t claims = 0;
  if (!rc) rc = funds_claims_verify(&st, v.txn, &claims, err, errlen);
  if (!rc) {
    MDB_stat ms;
    mdb_stat(v.txn, st.task_index, &ms);
    if (ms.ms_entries != v.tasks)
      rc = VFAIL(&v, "The task index has %zu entries for %llu tasks.",
                 ms.ms_entries, (unsigned long long)v.tasks);
  }
  if (v.txn) mdb_txn_abort(v.txn);
  pcn_arena_free(&v.a);
  store_close(&st);
  if (rc) return -1;
  if (json < 0) return 0; /* quiet: backup.c checks its copies */
  if (json)
    printf("{\"ok\":true,\"schema\":%llu,\"practices\":%llu,\"members\":%llu,"
           "\"tasks\":%llu,\"comments\":%llu,\"sessions\":%llu,"
           "\"feed_events\":%llu}\n",
           (unsigned long long)schema, (unsigned long long)v.practices,
           (unsigned long long)v.members, (unsigned long long)v.tasks,
           (unsigned long long)v.comments, (unsigned long long)v.sessions,
           (unsigned long long)v.events);
  else
    printf("Store in %s is sound: schema %llu, %llu practices, %llu members, "
           "%llu tasks, %llu comments, %llu sessions, %llu feed events with "
           "an intact hash chain.\n",
           data_dir, (unsigned long long)schema,
           (unsigned long long)v.practices, (unsigned long long)v.members,
           (unsigned long long)v.tasks, (unsigned long long)v.comments,
           (unsigned long long)v.sessions, (unsigned long long)v.events);
  return 0;
}
