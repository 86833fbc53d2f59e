/* test_log.c - pcnd_log's lines (server/log.c).
 *
 * To a file named by JOURNAL_STREAM (its device:inode), every line is
 * "<N>text" with the syslog priority; anywhere else "pcnd: text". A
 * message with newlines becomes one prefixed line each; a trailing
 * newline is not doubled; a huge message is cut, still one whole line;
 * a JOURNAL_STREAM naming another file or garbage means "not the journal".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

static char path[] = "/tmp/pcn_test_log.XXXXXX";
static int fd = -1;

/* Points the log at a fresh file; journal: name it in JOURNAL_STREAM. */
static void log_to_file(int journal) {
  if (fd >= 0) close(fd);
  strcpy(path, "/tmp/pcn_test_log.XXXXXX");
  fd = mkstemp(path);
  assert_true(fd >= 0);
  unlink(path);
  if (journal) {
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    char v[64];
    snprintf(v, sizeof v, "%llu:%llu", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino);
    setenv("JOURNAL_STREAM", v, 1);
  } else {
    unsetenv("JOURNAL_STREAM");
  }
  pcnd_log_reset(fd);
}

/* What the log wrote so far; the caller frees it. */
static char *written(void) {
  off_t n = lseek(fd, 0, SEEK_END);
  assert_true(n >= 0);
  char *s = calloc(1, (size_t)n + 1);
  assert_non_null(s);
  assert_int_equal(pread(fd, s, (size_t)n, 0), n);
  return s;
}

static void expect(const char *want) {
  char *got = written();
  assert_string_equal(got, want);
  free(got);
}

static void test_journal_priorities(void **state) {
  (void)state;
  log_to_file(1);
  assert_int_equal(pcnd_log_to_journal(), 1);
  pcnd_log(LOG_ERR, "commit failed: %s", "No space left on device");
  pcnd_log(LOG_NOTICE, "SIGTERM received; stopping.");
  pcnd_log(LOG_INFO, "%d writes committed\n", 4);
  expect("<3>commit failed: No space left on device\n"
         "<5>SIGTERM received; stopping.\n"
         "<6>4 writes committed\n");
}

static void test_plain_elsewhere(void **state) {
  (void)state;
  log_to_file(0);
  assert_int_equal(pcnd_log_to_journal(), 0);
  pcnd_log(LOG_ERR, "commit failed: %s", "Input/output error");
  expect("pcnd: commit failed: Input/output error\n");

  /* JOURNAL_STREAM inherited, but stderr now goes somewhere else. */
  log_to_file(1);
  int other = fd;
  fd = -1;
  log_to_file(0);
  struct stat st;
  assert_int_equal(fstat(other, &st), 0);
  char v[64];
  snprintf(v, sizeof v, "%llu:%llu", (unsigned long long)st.st_dev,
           (unsigned long long)st.st_ino);
  setenv("JOURNAL_STREAM", v, 1);
  pcnd_log_reset(fd);
  assert_int_equal(pcnd_log_to_journal(), 0);
  close(other);

  const char *junk[] = {"", "12", "12:", ":34", "1:2:3", "a:b", "1:2x"};
  for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
    setenv("JOURNAL_STREAM", junk[i], 1);
    pcnd_log_reset(fd);
    assert_int_equal(pcnd_log_to_journal(), 0);
  }
}

static void test_lines_each_prefixed(void **state) {
  (void)state;
  log_to_file(1);
  pcnd_log(LOG_WARNING, "first\nsecond\n\nfourth");
  pcnd_log(99, "an unknown priority is info");
  expect("<4>first\n<4>second\n<4>\n<4>fourth\n"
         "<6>an unknown priority is info\n");
}

static void test_huge_message_cut(void **state) {
  (void)state;
  log_to_file(0);
  char *big = malloc(10000);
  assert_non_null(big);
  memset(big, 'x', 9999);
  big[9999] = 0;
  pcnd_log(LOG_ERR, "%s", big);
  char *got = written();
  size_t n = strlen(got);
  assert_true(n < 4096);
  assert_memory_equal(got, "pcnd: xxx", 9);
  assert_string_equal(got + n - 4, "...\n");
  assert_null(memchr(got, '\n', n - 1)); /* one line */
  free(got);

  /* Thousands of empty lines: cut at the limit, ending in a newline. */
  log_to_file(1);
  memset(big, '\n', 1999);
  big[1999] = 'y';
  pcnd_log(LOG_ERR, "%.2000s", big);
  got = written();
  n = strlen(got);
  assert_true(n <= 4096);
  assert_int_equal(got[n - 1], '\n');
  assert_memory_equal(got, "<3>\n<3>\n", 8);
  free(got);
  free(big);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_journal_priorities),
      cmocka_unit_test(test_plain_elsewhere),
      cmocka_unit_test(test_lines_each_prefixed),
      cmocka_unit_test(test_huge_message_cut),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  if (fd >= 0) close(fd);
  return rc;
}
