/* hist.h - pcn-bench's latency histogram and open-loop schedule.
 *
 * The histogram is log-bucketed (HdrHistogram's idea, in 60 lines): values
 * below 128 are exact; above, each power of two is split into 64 linear
 * sub-buckets, so any recorded value is known to within 1/64 (1.6 %) and
 * a percentile is a walk over 3,776 counters, never a sort of millions of
 * samples. Values are nanoseconds; recording is O(1) and allocation-free.
 *
 * The open-loop schedule is the coordinated-omission correction wrk2 made
 * known: request i is due at start + i / rate, whether or not the server
 * kept up, and its latency is measured from that due time, so a stall
 * shows as the queue it caused rather than as a pause in sending.
 */
#ifndef PCN_BENCH_HIST_H
#define PCN_BENCH_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS 6
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_BUCKETS ((64 - HIST_SUB_BITS + 1) * HIST_SUB)

typedef struct hist {
  uint64_t count;
  uint64_t min, max;
  double sum;
  uint64_t c[HIST_BUCKETS];
} hist;

void hist_init(hist *h);
void hist_record(hist *h, uint64_t v);
/* Adds b's samples to a. */
void hist_merge(hist *a, const hist *b);
/* The value at quantile q (0..1): the highest value of the bucket that
 * holds the ceil(q * count)-th sample, never above max. 0 if empty. */
uint64_t hist_quantile(const hist *h, double q);
double hist_mean(const hist *h);

/* Bucket index of v, and the highest value that bucket holds. */
unsigned hist_index(uint64_t v);
uint64_t hist_bucket_top(unsigned idx);

/* Open loop: when request i (from 0) is due, in ns after the start, at
 * `rate` requests per second. The driver sends request i once this is not
 * after now, and measures its latency from this time. */
uint64_t sched_due_at(uint64_t i, double rate);
/* The driver dispatches on a timer every `tick` ns (libuv timers have 1 ms
 * resolution), so a request due at `due` cannot go before the next tick.
 * That wait is the harness's, not the server's: latency is counted from
 * the first tick at or after due (both relative to the start). A late
 * tick, or a request queued because every connection was busy, still
 * counts in full. */
uint64_t sched_tick_base(uint64_t due, uint64_t tick);

#endif
