/* timers.c - the server's own writes on the clock.
 *
 * Areas with due work (asks: recurring instances and reminders; tasks:
 * reminders on the due date and when overdue;
 * decisions: closing and the last-day reminder; duties: review dates
 * coming due, and the default register for a store from before it;
 * certs_live.c: the served certificates near their end) each
 * offer a tick (areas.h). Every tick runs in its own writer job with the server as the
 * actor, so one area's failure never holds another's back. Ticks are
 * durable by construction: what a tick did is recorded in the records it
 * touched, in the same transaction, so after a stop the first tick
 * catches up on everything that fell due meanwhile, and never repeats.
 *
 * When: once as the server starts, every TIMERS_EVERY_MS after, and inside
 * a test's ClockAdvance (feed.c), whose reply waits for them.
 */
#include "areas.h"
#include "certs_live.h"
#include "tasks.h"

static const struct {
  const char *name;
  tick_fn fn;
} ticks[] = {
    {"asks", asks_tick},
    {"tasks", tasks_tick},
    {"decisions", decisions_tick},
    {"duties", duties_tick},
    {"funds", funds_arrs_tick},
    {"certs", certs_tick},
};
#define N_TICKS (sizeof ticks / sizeof ticks[0])

static int tick_apply(wtx *w, wjob *job) {
  return ticks[job->aux].fn(w, job);
}

void timers_run(server *s) {
  if (s->stopping || !s->wr) return;
  for (size_t i = 0; i < N_TICKS; i++) {
    wjob *job = wjob_new(s, NULL, 0, 4u << 20);
    if (!job) return;
    job->aux = i;
    job->apply = tick_apply;
    writer_submit(s->wr, job);
  }
}

int timers_apply_all(wtx *w, wjob *job) {
  for (size_t i = 0; i < N_TICKS; i++) {
    int rc = ticks[i].fn(w, job);
    if (rc) return rc;
  }
  return PCN__STATUS_CODE__OK;
}
