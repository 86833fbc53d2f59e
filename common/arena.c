/* arena.c - the per-request bump allocator (see arena.h).
 *
 * Owns: a singly linked chain of malloc'd blocks. Allocation bumps an
 * offset in the head block; when it does not fit, a new block becomes the
 * head: twice the head's size (from 4 KiB up to 64 KiB). A request larger
 * than that gets a block of its own, chained behind the head.
 *
 * Invariants:
 * - every pointer handed out is aligned to alignof(max_align_t) (at least
 *   8), because each request is rounded up to that and each block's data
 *   starts aligned;
 * - a->used is the sum of the rounded sizes handed out since the last reset,
 *   and never exceeds a->budget when the budget is not 0;
 * - no size sum is formed without first checking it cannot overflow.
 * An arena must not be moved (copied to another address) after
 * pcn_arena_init: a->pb.allocator_data points at it.
 */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN alignof(max_align_t)
#define ARENA_FIRST_BLOCK 4096u
#define ARENA_MAX_BLOCK (64u * 1024u)

struct pcn_arena_block {
  pcn_arena_block *next; /* older block */
  size_t size;           /* usable bytes in data */
  size_t off;            /* bytes of data handed out */
  max_align_t data[];    /* max_align_t so that data starts aligned */
};

static void *arena_pb_alloc(void *ud, size_t n) {
  return pcn_arena_alloc(ud, n);
}

/* protobuf-c frees what it allocated when a decode fails half way; the
 * arena reclaims everything at reset instead, so this does nothing. */
static void arena_pb_free(void *ud, void *p) {
  (void)ud;
  (void)p;
}

void pcn_arena_init(pcn_arena *a, size_t budget) {
  a->head = NULL;
  a->used = 0;
  a->budget = budget;
  a->pb.alloc = arena_pb_alloc;
  a->pb.free = arena_pb_free;
  a->pb.allocator_data = a;
}

/* Rounds n up to the alignment; 0 when n is beyond any object's size
 * (PTRDIFF_MAX), which also rules out overflow here and in arena_grow. A
 * request of 0 bytes still gets a distinct, valid slot, as malloc-like
 * callers expect. */
static size_t arena_round(size_t n) {
  if (n == 0) n = 1;
  if (n > PTRDIFF_MAX - ARENA_ALIGN) return 0;
  return (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
}

/* Chains in a new block big enough for need bytes; NULL when out of memory
 * or when the block's size would overflow. A block made to measure for one
 * large request goes behind the head, so the head's free space keeps
 * serving the small requests that follow. */
static pcn_arena_block *arena_grow(pcn_arena *a, size_t need) {
  size_t size = ARENA_FIRST_BLOCK;
  if (a->head) {
    size = a->head->size < ARENA_MAX_BLOCK / 2 ? a->head->size * 2
                                               : ARENA_MAX_BLOCK;
  }
  int to_measure = a->head && need > size;
  if (size < need) size = need;
  if (size > SIZE_MAX - sizeof(pcn_arena_block)) return NULL;
  pcn_arena_block *b = malloc(sizeof(pcn_arena_block) + size);
  if (!b) return NULL;
  b->size = size;
  b->off = 0;
  if (to_measure) {
    b->next = a->head->next;
    a->head->next = b;
  } else {
    b->next = a->head;
    a->head = b;
  }
  return b;
}

void *pcn_arena_alloc(pcn_arena *a, size_t n) {
  size_t need = arena_round(n);
  if (need == 0) return NULL;
  if (a->budget && (need > a->budget || a->used > a->budget - need))
    return NULL;
  pcn_arena_block *b = a->head;
  if (!b || b->size - b->off < need) {
    b = arena_grow(a, need);
    if (!b) return NULL;
  }
  void *p = (unsigned char *)b->data + b->off;
  b->off += need;
  a->used += need;
  return p;
}

char *pcn_arena_strdup(pcn_arena *a, const char *s) {
  size_t len = strlen(s);
  if (len == SIZE_MAX) return NULL;
  char *p = pcn_arena_alloc(a, len + 1);
  if (p) memcpy(p, s, len + 1);
  return p;
}

/* Keeps one block of the standard first size, so a connection's arena
 * that is reset after every request stops calling malloc; blocks grown for
 * a large request are given back instead of being held for the life of the
 * connection. */
void pcn_arena_reset(pcn_arena *a) {
  pcn_arena_block *keep = NULL;
  pcn_arena_block *b = a->head;
  while (b) {
    pcn_arena_block *next = b->next;
    if (!keep && b->size == ARENA_FIRST_BLOCK) {
      keep = b;
    } else {
      free(b);
    }
    b = next;
  }
  if (keep) {
    keep->next = NULL;
    keep->off = 0;
  }
  a->head = keep;
  a->used = 0;
}

void pcn_arena_free(pcn_arena *a) {
  pcn_arena_block *b = a->head;
  while (b) {
    pcn_arena_block *next = b->next;
    free(b);
    b = next;
  }
  a->head = NULL;
  a->used = 0;
}
