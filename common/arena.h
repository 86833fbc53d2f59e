/* arena.h - a per-request bump allocator with a byte budget.
 *
 * Owns: a chain of blocks. Everything allocated from an arena dies together
 * in pcn_arena_reset/pcn_arena_free; nothing is freed one by one. The budget
 * caps the total bytes handed out, so a hostile protobuf (say, a million
 * empty repeated fields) fails to decode instead of exhausting memory.
 * pcn_arena_allocator gives protobuf-c an allocator that draws on the arena.
 */
#ifndef PCN_ARENA_H
#define PCN_ARENA_H

#include <stddef.h>
#include <protobuf-c/protobuf-c.h>

typedef struct pcn_arena_block pcn_arena_block;

typedef struct pcn_arena {
  pcn_arena_block *head;
  size_t used;   /* bytes handed out since the last reset */
  size_t budget; /* at most this many; 0 means no limit */
  ProtobufCAllocator
      pb; /* allocator for protobuf-c; pb.allocator_data = arena */
} pcn_arena;

void pcn_arena_init(pcn_arena *a, size_t budget);
/* Returns 8-byte-aligned memory, or NULL when the budget or memory runs out. */
void *pcn_arena_alloc(pcn_arena *a, size_t n);
char *pcn_arena_strdup(pcn_arena *a, const char *s);
/* Frees everything allocated; keeps the first block for reuse. */
void pcn_arena_reset(pcn_arena *a);
void pcn_arena_free(pcn_arena *a);

#endif
