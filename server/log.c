/* log.c - pcnd_log: stderr lines with journald priority prefixes.
 *
 * Owns whether stderr is the journal (decided once, from JOURNAL_STREAM,
 * which systemd sets to "DEVICE:INODE" of the stream it connected; a
 * child whose stderr was redirected elsewhere keeps the variable, so the
 * device and inode must match stderr's own). Each call formats into a
 * stack buffer and writes it with one write(2): no lock, no interleaving
 * for lines under PIPE_BUF. Longer messages are cut, ending in "...".
 */
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOG_LINE_MAX 2048 /* one message, before prefixes */
#define LOG_OUT_MAX 4096  /* PIPE_BUF: one write stays whole */

static pthread_once_t log_once = PTHREAD_ONCE_INIT;
static int log_fd = STDERR_FILENO;
static int log_journal;

static int is_journal_stream(int fd) {
  const char *e = getenv("JOURNAL_STREAM");
  if (!e || !*e) return 0;
  unsigned long long dev, ino;
  char tail;
  if (sscanf(e, "%llu:%llu%c", &dev, &ino, &tail) != 2) return 0;
  struct stat st;
  if (fstat(fd, &st) != 0) return 0;
  return (unsigned long long)st.st_dev == dev &&
         (unsigned long long)st.st_ino == ino;
}

static void log_detect(void) {
  log_journal = is_journal_stream(log_fd);
}

int pcnd_log_to_journal(void) {
  pthread_once(&log_once, log_detect);
  return log_journal;
}

void pcnd_log_reset(int fd) {
  pthread_once(&log_once, log_detect); /* so it cannot run again later */
  log_fd = fd;
  log_journal = is_journal_stream(fd);
}

/* Appends s to out at *n, within LOG_OUT_MAX; 0, or -1 when it did not
 * fit (out then holds what did). */
static int put(char *out, size_t *n, const char *s, size_t len) {
  size_t room = LOG_OUT_MAX - *n;
  int cut = len > room;
  if (cut) len = room;
  memcpy(out + *n, s, len);
  *n += len;
  return cut ? -1 : 0;
}

void pcnd_vlog(int priority, const char *fmt, va_list ap) {
  int journal = pcnd_log_to_journal();
  char msg[LOG_LINE_MAX];
  int len = vsnprintf(msg, sizeof msg, fmt, ap);
  if (len < 0) return;
  if ((size_t)len >= sizeof msg) {
    len = (int)sizeof msg - 1;
    memcpy(msg + len - 3, "...", 3);
  }
  while (len > 0 && msg[len - 1] == '\n')
    len--;
  if (priority < LOG_EMERG || priority > LOG_DEBUG) priority = LOG_INFO;
  char prefix[16];
  int plen = journal ? snprintf(prefix, sizeof prefix, "<%d>", priority)
                     : snprintf(prefix, sizeof prefix, "pcnd: ");

  char out[LOG_OUT_MAX];
  size_t n = 0;
  const char *p = msg, *end = msg + len;
  do {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *stop = nl ? nl : end;
    if (put(out, &n, prefix, (size_t)plen) ||
        put(out, &n, p, (size_t)(stop - p)) || put(out, &n, "\n", 1)) {
      out[LOG_OUT_MAX - 1] = '\n';
      break;
    }
    p = nl ? nl + 1 : end;
  } while (p < end);

  for (size_t off = 0; off < n;) {
    ssize_t w = write(log_fd, out + off, n - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break; /* nowhere to tell: the line is lost, not the server */
    off += (size_t)w;
  }
}

void pcnd_log(int priority, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  pcnd_vlog(priority, fmt, ap);
  va_end(ap);
}
