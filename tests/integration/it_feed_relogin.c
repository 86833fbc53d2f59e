/* it_feed_relogin.c - `pcn feed` outlives its session (issue 20). The real
 * pcn binary runs on a pseudo-terminal, as a person would run it, against
 * a --test-clock pcnd: the clock moves past the 16 days a session may sit
 * unused (which purges it), pcnd restarts, and the feed, whose session is
 * gone, asks "Password for jo:" on the terminal, logs in again and carries
 * on after the last event it printed: the task written while it waited
 * appears once, nothing before it again, and the feed stays live. Then the
 * same without a terminal: exit 2 with the sentence to log in, as before.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itest.h"

#define DAY_MS (24LL * 3600 * 1000)
#define JO_PASSWORD "jo's own long password"

typedef struct term {
  int fd;
  pid_t pid;
  char out[65536];
  size_t n;
} term;

/* Reads what the feed wrote, for up to ms. */
static void term_read(term *t, int ms) {
  struct pollfd p = {t->fd, POLLIN, 0};
  while (poll(&p, 1, ms) > 0) {
    ssize_t k = read(t->fd, t->out + t->n, sizeof t->out - 1 - t->n);
    if (k <= 0) break;
    t->n += (size_t)k;
    t->out[t->n] = 0;
    ms = 0; /* drain what is there, then return */
  }
}

/* Up to 20 s for text to appear (the nth time, counting from 1). */
static void term_wait(term *t, const char *text, int nth) {
  for (int i = 0; i < 400; i++) {
    const char *p = t->out;
    int seen = 0;
    while ((p = strstr(p, text))) {
      seen++;
      p += strlen(text);
    }
    if (seen >= nth) return;
    term_read(t, 50);
  }
  fail_msg("\"%s\" never appeared in the feed:\n%s", text, t->out);
}

static int count(const char *hay, const char *text) {
  int n = 0;
  for (const char *p = hay; (p = strstr(p, text)); p += strlen(text))
    n++;
  return n;
}

/* Runs `pcn ARGS` with jo's configuration and stdin from `input`. */
static int pcn_run(const char *home, const char *args, const char *input) {
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "XDG_CONFIG_HOME='%s' '%s' %s", home, PCN_PATH,
           args);
  FILE *p = popen(cmd, "w");
  assert_non_null(p);
  if (input) fputs(input, p);
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void test_feed_logs_in_again(void **state) {
  (void)state;
  its_server *s = its_start("--test-clock");
  its_member *mgr = its_manager(s);
  its_add_practices(mgr, 1);
  char *code = its_invite(mgr, "jo", PCN__ROLE__PRACTICE_MANAGER, "F84001");
  char home[300];
  snprintf(home, sizeof home, "%s-jo", s->dir);
  assert_int_equal(mkdir(home, 0700), 0);
  char args[800];
  snprintf(args, sizeof args, "join %s --password-stdin > /dev/null", code);
  free(code);
  assert_int_equal(pcn_run(home, args, JO_PASSWORD "\n"), 0);

  /* Jo's feed on a terminal. */
  term t = {0};
  t.pid = forkpty(&t.fd, NULL, NULL, NULL);
  assert_true(t.pid >= 0);
  if (t.pid == 0) {
    setenv("XDG_CONFIG_HOME", home, 1);
    execl(PCN_PATH, "pcn", "feed", "--since", "0", (char *)NULL);
    _exit(127);
  }
  its_task(mgr, "Before the holidays", "", "", "");
  term_wait(&t, "\"Before the holidays\"", 1);

  /* Christmas Eve to past the middle of January: every session unused
   * since is over and purged; pcnd restarts (its clock real again), so
   * the feed reconnects and finds its session gone. */
  its_advance(mgr, 17 * DAY_MS);
  its_stop(s);
  its_run(s);
  mgr = its_relogin(s, mgr);
  term_wait(&t, "Password for jo:", 1);
  its_task(mgr, "Written meanwhile", "", "", "");
  assert_true(write(t.fd, JO_PASSWORD "\n", strlen(JO_PASSWORD) + 1) > 0);
  term_wait(&t, "\"Written meanwhile\"", 1);
  its_task(mgr, "After", "", "", "");
  term_wait(&t, "\"After\"", 1);
  term_read(&t, 300);
  /* Each once: nothing missed, nothing twice; the password not echoed. */
  assert_int_equal(count(t.out, "\"Before the holidays\""), 1);
  assert_int_equal(count(t.out, "\"Written meanwhile\""), 1);
  assert_int_equal(count(t.out, "\"After\""), 1);
  assert_int_equal(count(t.out, JO_PASSWORD), 0);
  /* Seqs rise line by line. */
  unsigned long long last = 0;
  for (const char *p = t.out; (p = strchr(p, '#')); p++) {
    unsigned long long seq;
    if ((p == t.out || p[-1] == '\n') && sscanf(p + 1, "%llu", &seq) == 1) {
      if (seq <= last) fail_msg("#%llu after #%llu:\n%s", seq, last, t.out);
      last = seq;
    }
  }
  kill(t.pid, SIGINT);
  int st;
  assert_int_equal(waitpid(t.pid, &st, 0), t.pid);
  assert_true(WIFEXITED(st));
  assert_int_equal(WEXITSTATUS(st), 0);
  close(t.fd);

  /* No terminal (a script): when the session ends it exits 2 with the
   * sentence saying what to do, as before. */
  int out[2], errp[2];
  assert_int_equal(pipe(out), 0);
  assert_int_equal(pipe(errp), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    dup2(out[1], 1);
    dup2(errp[1], 2);
    close(out[0]);
    close(errp[0]);
    setenv("XDG_CONFIG_HOME", home, 1);
    execl(PCN_PATH, "pcn", "feed", (char *)NULL);
    _exit(127);
  }
  close(out[1]);
  close(errp[1]);
  term o = {.fd = out[0], .pid = pid};
  term_wait(&o, "\"After\"", 1);
  its_advance(mgr, 17 * DAY_MS);
  its_stop(s);
  its_run(s);
  term e = {.fd = errp[0], .pid = pid};
  term_wait(&e, "Your session has ended; run pcn login --user jo.", 1);
  assert_int_equal(count(e.out, "Password"), 0);
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_true(WIFEXITED(st));
  assert_int_equal(WEXITSTATUS(st), 2);
  close(out[0]);
  close(errp[0]);
  mgr = its_relogin(s, mgr);
  its_member_free(mgr);
  its_stop(s);
  its_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_feed_logs_in_again),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
