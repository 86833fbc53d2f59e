/* store.h - the LMDB store: one environment in the data directory, one
 * named database per record type and per secondary index.
 *
 * Key layouts (all integers big-endian, so cursor order is natural order):
 *   meta              ASCII name -> value (see META_* below)
 *   practices         u32 id -> pcn.Practice
 *   practice_by_ods   6-byte ODS code -> u32 id
 *   members           u32 id -> pcn.Member
 *   member_by_name    username bytes -> u32 id
 *   creds             u32 member id -> "$argon2id$..." string
 *   sessions          32-byte SHA-256(token) -> SessionRec
 *   session_by_member u32 member id | 32-byte hash -> (empty)
 *   invites           32-byte SHA-256(token) -> InviteRec
 *   tasks             u64 id -> pcn.Task
 *   task_index        u32 scope | u8 status | u32 due | u64 id -> (empty)
 *                     scope 0 = network, else the practice id; due is days
 *                     since 1970 + 1, or 0xFFFFFFFF for none (undated last)
 *   comments          u64 task id | u32 n -> pcn.Comment
 *   feed              u64 seq -> 32-byte hash | 8-byte audience | Event body
 *                     (body = the Event encoded without its hash field;
 *                     an audience longer than 7 bytes or starting with '+'
 *                     is stored as "+" here and read from the body)
 *   meta "settings"   pcn.NetworkSettings (settings.c)
 *   asks .. meeting_items   schema 2: the network-work areas; the layout
 *                     of each is at the top of its area's header or file
 *                     (asks.h, news.c, decisions.h, duties.c, meetings.c)
 *   funds_* .. staff_leave  schema 3: funds and shared staff (funds.c,
 *                     staff.c)
 *   funds_months      schema 4: the ledger's sums per month and account
 *                     (funds.c), filled from the entries on migration
 *   duty_disagreements  practices' disagreements with the register
 *                     (duties.c); made empty when missing, no schema step
 *
 * Threads: the writer thread is the only writer. The loop thread reads
 * through one MDB_NOTLS read transaction, renewed per batch of requests and
 * reset after it, under the read side of map_lock; growing the map takes
 * the write side, since LMDB forbids resizing while a transaction is live.
 */
#ifndef PCND_STORE_H
#define PCND_STORE_H

#include <lmdb.h>
#include <protobuf-c/protobuf-c.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define STORE_SCHEMA_VERSION 4

#define META_SCHEMA "schema"
#define META_NETWORK_NAME "network_name"
#define META_NETWORK_ID "network_id"
#define META_LISTEN "listen"       /* where pcnd run listens */
#define META_ADVERTISE "advertise" /* HOST:PORT that invitations carry */
#define META_NEXT_PRACTICE "next_practice"
#define META_NEXT_MEMBER "next_member"
#define META_NEXT_TASK "next_task"
#define META_FEED_BASE_SEQ "feed_base_seq"   /* seq of the last trimmed event */
#define META_FEED_BASE_HASH "feed_base_hash" /* its hash (32 bytes) */
/* 32 hex digits, made when a store first opens and again by each restore
 * from a backup (backup.c): a client that saw another epoch has gone back
 * in time with the server. */
#define META_STORE_EPOCH "store_epoch"
#define META_EPOCH_START "epoch_start_seq" /* feed head when the epoch began */

typedef struct store {
  MDB_env *env;
  MDB_dbi meta, practices, practice_by_ods, members, member_by_name, creds,
      sessions, session_by_member, invites, tasks, task_index, comments, feed;
  /* Schema 2: the network-work areas (each area file documents its keys). */
  MDB_dbi asks, ask_answers, ask_series, news, news_receipts, decisions, votes,
      duties, duty_agreements, meetings, meeting_items;
  /* Schema 3: funds and shared staff (funds.c, staff.c document them). */
  MDB_dbi funds_streams, funds_entries, funds_balances, funds_rates,
      funds_budgets, funds_claims, practice_figures, staff, staff_rota,
      staff_leave;
  /* Schema 4: each account's sum per month (funds.c). */
  MDB_dbi funds_months;
  /* Issue 13: practices' disagreements with the register (duties.c). */
  MDB_dbi duty_disagreements;
  pthread_rwlock_t map_lock;
  size_t map_size;
  MDB_txn *rtxn; /* the loop thread's read transaction */
  int rtxn_live; /* renewed and not yet reset */

  char epoch[33]; /* META_STORE_EPOCH as store_open found or made it */
  uint64_t epoch_start_seq; /* META_EPOCH_START: the head it began at */
} store;

/* funds.c, for store_migrate (schema 3 -> 4): empties funds_months and
 * fills it from every ledger entry, inside txn. 0 or an LMDB error. */
int funds_months_rebuild(store *st, MDB_txn *txn);

/* Opens (create: creates) the store in dir. Refuses a store whose schema is
 * newer than this build, and migrates an older one. */
int store_open(store *st, const char *dir, size_t map_size, int create,
               char *err, size_t errlen);
void store_close(store *st);

/* Loop thread: a read transaction valid until store_read_end. */
MDB_txn *store_read_begin(store *st);
void store_read_end(store *st);

/* Writer thread, with no transaction open: doubles the map and returns 0.
 * LMDB unmaps before it maps the new size, so a failed mmap leaves nothing
 * to read: the process then logs why and exits 3 (nothing is lost). */
int store_grow(store *st);

/* Key encodings. */
static inline void key_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}
static inline void key_u64(uint8_t *p, uint64_t v) {
  key_u32(p, (uint32_t)(v >> 32));
  key_u32(p + 4, (uint32_t)v);
}
static inline uint32_t key_get_u32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}
static inline uint64_t key_get_u64(const uint8_t *p) {
  return (uint64_t)key_get_u32(p) << 32 | key_get_u32(p + 4);
}

#define TASK_INDEX_KEY 17
#define TASK_DUE_NONE 0xFFFFFFFFu
void key_task_index(uint8_t out[TASK_INDEX_KEY], uint32_t scope, uint8_t status,
                    uint32_t due, uint64_t id);

/* Reads a protobuf record into the arena. Returns 0, MDB_NOTFOUND, or
 * another LMDB error (a record that does not decode is MDB_CORRUPTED). */
int store_get_pb(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen,
                 const ProtobufCMessageDescriptor *desc, pcn_arena *a,
                 void **out);
/* Writes a protobuf record, packed straight into LMDB's page (MDB_RESERVE). */
int store_put_pb(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen,
                 const ProtobufCMessage *msg);

int store_get_u32(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen,
                  uint32_t *out);
int store_put_u32(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen,
                  uint32_t v);
int store_meta_get_u64(MDB_txn *txn, store *st, const char *name,
                       uint64_t *out);
int store_meta_put_u64(MDB_txn *txn, store *st, const char *name, uint64_t v);
/* Copies a meta string into out (NUL-terminated, truncated to outlen). */
int store_meta_get_str(MDB_txn *txn, store *st, const char *name, char *out,
                       size_t outlen);
int store_meta_put_str(MDB_txn *txn, store *st, const char *name,
                       const char *v);
/* Takes the next id from counter `name` (first id 1). */
int store_next_id(MDB_txn *txn, store *st, const char *name, uint64_t *id);

/* Gives the store a new random epoch (META_STORE_EPOCH) inside txn, starting
 * at the feed's head now (META_EPOCH_START), and copies both to st. 0 or an
 * LMDB error (-1: no randomness). */
int store_new_epoch(MDB_txn *txn, store *st);

/* A short description of an LMDB error, for logs. */
const char *store_strerror(int rc);

#endif
