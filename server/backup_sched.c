/* backup_sched.c - scheduled backups from the running server
 * (pcnd run --backup-dir DIR --backup-every DURATION --backup-keep N
 * [--encrypt-key FILE]).
 *
 * A loop timer queues one backup at a time on libuv's threadpool; the
 * copy, its verification, the file's write and fsync, and the removal of
 * the oldest backups all happen there (backup.c), so the loop thread never
 * waits on disk. s->pending_work counts the job, so a stop waits for it
 * and the store stays open under it. Only a backup that was written and
 * verified lets older ones go: a failure removes nothing, is logged on
 * stderr, and is posted to the PCN managers as a ServerNotice
 * ("backup_failed"); the next success after a failure posts "backup_ok".
 * Results land in s->backup for status and metrics.
 *
 * Files are named pcn-YYYYMMDD-HHMMSS-mmm.pcnbak (UTC), so name order is
 * time order.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "backup.h"
#include "clock.h"
#include "log.h"
#include "notice.h"

#define PREFIX "pcn-"
#define SUFFIX ".pcnbak"

struct backup_sched {
  uv_timer_t timer;
  int running; /* a job is on the threadpool */
  int have_key;
  uint8_t key[BACKUP_KEY_BYTES];
};

typedef struct backup_job {
  uv_work_t req;
  server *s;
  char file[600];
  uint8_t key[BACKUP_KEY_BYTES];
  int have_key;
  backup_manifest m;
  uint64_t file_bytes;
  uint32_t removed;
  int ok;
  char err[1024];
  uint64_t took_ms;
} backup_job;

/* Copies src into dst, cut to fit (status shows the start of a long one). */
static void copy_cut(char *dst, size_t n, const char *src) {
  size_t k = strlen(src);
  if (k >= n) k = n - 1;
  memcpy(dst, src, k);
  dst[k] = 0;
}

static int name_is_backup(const char *n) {
  size_t len = strlen(n), sl = strlen(SUFFIX);
  return len > strlen(PREFIX) + sl && !strncmp(n, PREFIX, strlen(PREFIX)) &&
         !strcmp(n + len - sl, SUFFIX);
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Threadpool: removes all but the newest keep backups in dir. */
static uint32_t prune(const char *dir, uint32_t keep) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!name_is_backup(e->d_name)) continue;
    if (n == cap) {
      size_t nc = cap ? cap * 2 : 16;
      char **nn = realloc(names, nc * sizeof *nn);
      if (!nn) break;
      names = nn;
      cap = nc;
    }
    if (!(names[n] = strdup(e->d_name))) break;
    n++;
  }
  closedir(d);
  uint32_t removed = 0;
  if (n > keep) {
    qsort(names, n, sizeof *names, cmp_names);
    char path[1024];
    for (size_t i = 0; i < n - keep; i++) {
      snprintf(path, sizeof path, "%s/%s", dir, names[i]);
      if (unlink(path) == 0) removed++;
    }
  }
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
  return removed;
}

static void backup_work(uv_work_t *req) {
  backup_job *j = req->data;
  server *s = j->s;
  uint64_t t0 = uv_hrtime();
  j->ok = backup_take(s->st.env, &s->st.map_lock, s->cfg.data_dir, j->file,
                      j->have_key ? j->key : NULL, &j->m, j->err,
                      sizeof j->err) == 0;
  OPENSSL_cleanse(j->key, sizeof j->key);
  if (j->ok) {
    struct stat sb;
    j->file_bytes = stat(j->file, &sb) == 0 ? (uint64_t)sb.st_size : 0;
    j->removed = prune(s->cfg.backup_dir, s->cfg.backup_keep);
  }
  j->took_ms = (uv_hrtime() - t0) / 1000000;
}

static void backup_done(uv_work_t *req, int status) {
  backup_job *j = req->data;
  server *s = j->s;
  if (s->backup_sched) s->backup_sched->running = 0;
  if (status) {
    j->ok = 0;
    snprintf(j->err, sizeof j->err, "The backup job did not run (%s).",
             uv_strerror(status));
  }
  int was_failing = s->backup.last_ms && !s->backup.last_ok;
  s->backup.last_ms = pcn_now_ms();
  s->backup.last_ok = j->ok;
  copy_cut(s->backup.last_file, sizeof s->backup.last_file, j->file);
  if (j->ok) {
    s->backup.last_error[0] = 0;
    pcnd_log(LOG_INFO,
            "backup %s written and verified (%llu bytes, feed head "
            "#%llu, %.1f s); %u older removed, keeping the newest %u.",
            j->file, (unsigned long long)j->file_bytes,
            (unsigned long long)j->m.head_seq, (double)j->took_ms / 1000.0,
            j->removed, s->cfg.backup_keep);
    if (was_failing)
      notice_post(s, "backup_ok", NOTICE_INFO,
                  "Scheduled backups of the server work again.", 0);
  } else {
    copy_cut(s->backup.last_error, sizeof s->backup.last_error, j->err);
    pcnd_log(LOG_ERR,
            "BACKUP FAILED: %s No backup was removed; the last good "
            "one is still in %s.",
            j->err, s->cfg.backup_dir);
    char msg[1400];
    snprintf(msg, sizeof msg,
             "The server's scheduled backup failed: %s Ask whoever runs the "
             "server to check pcnd's log and the backup disk.",
             j->err);
    notice_post(s, "backup_failed", NOTICE_ACTION, msg, 0);
  }
  fflush(stderr);
  free(j);
  s->pending_work--;
  if (s->stopping) server_stop(s);
}

static void on_backup_timer(uv_timer_t *t) {
  server *s = t->data;
  struct backup_sched *b = s->backup_sched;
  if (s->stopping || b->running) return; /* one at a time */
  backup_job *j = calloc(1, sizeof *j);
  if (!j) return;
  j->s = s;
  j->req.data = j;
  j->have_key = b->have_key;
  memcpy(j->key, b->key, sizeof j->key);
  int64_t now = pcn_now_ms();
  time_t secs = (time_t)(now / 1000);
  struct tm tm;
  char stamp[32] = "unknown";
  if (gmtime_r(&secs, &tm)) strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  snprintf(j->file, sizeof j->file, "%s/" PREFIX "%s-%03d" SUFFIX,
           s->cfg.backup_dir, stamp, (int)(now % 1000));
  if (uv_queue_work(s->loop, &j->req, backup_work, backup_done)) {
    free(j);
    return;
  }
  b->running = 1;
  s->pending_work++;
}

int backup_sched_start(server *s, char *err, size_t errlen) {
  if (!s->cfg.backup_dir[0]) {
    if (s->cfg.backup_key[0]) {
      snprintf(err, errlen, "--encrypt-key needs --backup-dir DIR as well.");
      return -1;
    }
    return 0;
  }
  struct stat sb;
  if (stat(s->cfg.backup_dir, &sb) != 0 && mkdir(s->cfg.backup_dir, 0700)) {
    snprintf(err, errlen, "Cannot create the backup directory %s: %s.",
             s->cfg.backup_dir, strerror(errno));
    return -1;
  }
  if (stat(s->cfg.backup_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
    snprintf(err, errlen, "--backup-dir %s is not a directory.",
             s->cfg.backup_dir);
    return -1;
  }
  struct backup_sched *b = calloc(1, sizeof *b);
  if (!b) {
    snprintf(err, errlen, "Out of memory.");
    return -1;
  }
  if (s->cfg.backup_key[0]) {
    if (backup_key_load(s->cfg.backup_key, b->key, err, errlen)) {
      free(b);
      return -1;
    }
    b->have_key = 1;
  }
  uv_timer_init(s->loop, &b->timer);
  b->timer.data = s;
  uint64_t every = (uint64_t)s->cfg.backup_every_s * 1000;
  uv_timer_start(&b->timer, on_backup_timer, every, every);
  s->backup_sched = b;
  pcnd_log(LOG_INFO,
          "backing up to %s every %u s%s, keeping the newest %u.",
          s->cfg.backup_dir, s->cfg.backup_every_s,
          b->have_key ? ", encrypted" : "", s->cfg.backup_keep);
  return 0;
}

static void on_sched_close(uv_handle_t *h) {
  struct backup_sched *b = (struct backup_sched *)h;
  OPENSSL_cleanse(b->key, sizeof b->key);
  free(b);
}

void backup_sched_stop(server *s) {
  struct backup_sched *b = s->backup_sched;
  if (!b) return;
  s->backup_sched = NULL;
  uv_timer_stop(&b->timer);
  uv_close((uv_handle_t *)&b->timer, on_sched_close);
}
