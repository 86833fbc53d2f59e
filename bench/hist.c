/* hist.c - see hist.h. */
#include "hist.h"

#include <math.h>
#include <string.h>

void hist_init(hist *h) {
  memset(h, 0, sizeof *h);
  h->min = UINT64_MAX;
}

static unsigned top_bit(uint64_t v) {
  return 63u - (unsigned)__builtin_clzll(v);
}

unsigned hist_index(uint64_t v) {
  if (v < 2 * HIST_SUB) return (unsigned)v;
  unsigned shift = top_bit(v) - HIST_SUB_BITS;
  return (shift + 1) * HIST_SUB + (unsigned)((v >> shift) - HIST_SUB);
}

uint64_t hist_bucket_top(unsigned idx) {
  if (idx < 2 * HIST_SUB) return idx;
  unsigned shift = idx / HIST_SUB - 1;
  uint64_t m = HIST_SUB + idx % HIST_SUB;
  return ((m + 1) << shift) - 1;
}

void hist_record(hist *h, uint64_t v) {
  h->c[hist_index(v)]++;
  h->count++;
  h->sum += (double)v;
  if (v < h->min) h->min = v;
  if (v > h->max) h->max = v;
}

void hist_merge(hist *a, const hist *b) {
  for (unsigned i = 0; i < HIST_BUCKETS; i++)
    a->c[i] += b->c[i];
  a->count += b->count;
  a->sum += b->sum;
  if (b->min < a->min) a->min = b->min;
  if (b->max > a->max) a->max = b->max;
}

uint64_t hist_quantile(const hist *h, double q) {
  if (!h->count) return 0;
  if (q <= 0) return h->min;
  uint64_t rank = (uint64_t)ceil(q * (double)h->count);
  if (rank < 1) rank = 1;
  if (rank > h->count) rank = h->count;
  uint64_t seen = 0;
  for (unsigned i = 0; i < HIST_BUCKETS; i++) {
    seen += h->c[i];
    if (seen >= rank) {
      uint64_t top = hist_bucket_top(i);
      if (top > h->max) top = h->max;
      if (top < h->min) top = h->min;
      return top;
    }
  }
  return h->max;
}

double hist_mean(const hist *h) {
  return h->count ? h->sum / (double)h->count : 0;
}

uint64_t sched_due_at(uint64_t i, double rate) {
  return (uint64_t)((double)i * 1e9 / rate);
}

uint64_t sched_tick_base(uint64_t due, uint64_t tick) {
  return tick ? (due + tick - 1) / tick * tick : due;
}
