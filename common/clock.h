/* clock.h - wall-clock time in Unix milliseconds, portable through libuv. */
#ifndef PCN_CLOCK_H
#define PCN_CLOCK_H

#include <stdint.h>
#include <uv.h>

static inline int64_t pcn_now_ms(void) {
  uv_timeval64_t tv;
  if (uv_gettimeofday(&tv) != 0) return 0;
  return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

#endif
