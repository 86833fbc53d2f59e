/* log.h - the running server's log lines: one line per event on stderr,
 * with a syslog priority that journald understands.
 *
 * Under systemd (stderr is the journal stream named by JOURNAL_STREAM) a
 * line is "<N>message", N a syslog priority (sd-daemon(3)); journald
 * strips the prefix, stores the priority and adds "pcnd[PID]:" itself.
 * Anywhere else a line is "pcnd: message", as it always was.
 *
 * Invariants: one call writes whole lines with one write, so lines from
 * the loop thread and the writer thread never interleave; a message that
 * holds a newline becomes several lines, each with the prefix. Never log
 * a password, a session token, an invitation code, or anything a member
 * typed about a person: log ids, usernames, addresses and counts.
 *
 * Not for pcnd's command line (main.c's usage errors stay on plain
 * stderr) nor for printing results (pcnd verify prints to stdout).
 */
#ifndef PCND_LOG_H
#define PCND_LOG_H

#include <stdarg.h>
#include <syslog.h> /* LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO ... */

#if defined(__GNUC__)
#define PCND_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PCND_PRINTF(a, b)
#endif

/* Writes one line at `priority` (LOG_EMERG .. LOG_DEBUG). Thread-safe. */
void pcnd_log(int priority, const char *fmt, ...) PCND_PRINTF(2, 3);
void pcnd_vlog(int priority, const char *fmt, va_list ap);

/* 1 when stderr is the journal stream, so lines carry "<N>". Decided once,
 * on the first line logged. */
int pcnd_log_to_journal(void);

/* Tests only: decide again whether `fd` is the journal stream, and write
 * to it from now on. */
void pcnd_log_reset(int fd);

#endif
