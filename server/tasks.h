/* tasks.h - what the parts of the tasks area share: tasks.c (the records,
 * the writes and the reads) and tasks_clock.c (the dates: today in
 * London, a recurring task's next due date, and the tick that sends the
 * reminders). timers.c runs tasks_tick; no other area includes this.
 *
 * Dates: a task's due date is a London calendar day (what a person types);
 * "today" for overdue and reminders is the London date of the server's
 * clock (the test clock in tests), kept in one function, tasks_today, so
 * that it can move to a shared London-time module without touching its
 * callers.
 */
#ifndef PCND_TASKS_H
#define PCND_TASKS_H

#include "areas.h"

#define TASK_REMIND_MINUTE (7 * 60) /* the due-day reminder, London time */

/* The London calendar day (days since 1970) of the instant now_ms, and
 * into *minute (if not NULL) the London minute of that day. */
int32_t tasks_today(int64_t now_ms, int *minute);
/* The due date after `due` for a task that repeats `every` (TaskRepeat):
 * a week on, or one or three calendar months on; a day past the end of
 * the shorter month is its last day, and a month's last day stays the
 * last day. `due` itself for TASK_REPEAT_NONE. */
int32_t tasks_next_due(int every, int32_t due);
/* The reminders tick (timers.c). */
int tasks_tick(wtx *w, wjob *job);

#endif
