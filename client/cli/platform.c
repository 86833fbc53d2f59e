/* platform.c - the things pcn does differently on Windows: reading a
 * password without echo, telling whether a person is at a terminal, and
 * the terminal's width. Times are UK time on every machine (uktime.h,
 * issue 20), so they need no platform code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "uktime.h"

#ifdef _WIN32
#include <conio.h>
#include <io.h>
#include <windows.h>
#else
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#endif

int cli_term_columns(void) {
  const char *env = getenv("COLUMNS");
  if (env && env[0]) {
    char *end;
    long n = strtol(env, &end, 10);
    if (*end == 0 && n > 0 && n < 10000) return (int)n;
  }
#ifdef _WIN32
  CONSOLE_SCREEN_BUFFER_INFO info;
  if (_isatty(_fileno(stdout)) &&
      GetConsoleScreenBufferInfo(GetStdHandle(STD_OUTPUT_HANDLE), &info))
    return info.srWindow.Right - info.srWindow.Left + 1;
#else
  struct winsize ws;
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
      ws.ws_col > 0)
    return ws.ws_col;
#endif
  return 0;
}

void cli_format_time(int64_t ms, char out[20]) {
  pcn_london_format(ms, out);
}

int cli_is_terminal(void) {
#ifdef _WIN32
  return _isatty(_fileno(stdin));
#else
  return isatty(STDIN_FILENO);
#endif
}

static void chomp(char *s) {
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
    s[--n] = 0;
}

int cli_read_password(const char *prompt, int from_stdin, char *out, size_t n) {
  if (from_stdin) {
    if (!fgets(out, (int)n, stdin)) {
      fprintf(stderr, "pcn: no password on standard input.\n");
      return -1;
    }
    chomp(out);
    return 0;
  }
#ifdef _WIN32
  fprintf(stderr, "%s", prompt);
  size_t i = 0;
  int ch;
  while ((ch = _getch()) != '\r' && ch != '\n' && ch != EOF && i + 1 < n)
    out[i++] = (char)ch;
  out[i] = 0;
  fprintf(stderr, "\n");
  return 0;
#else
  if (!isatty(STDIN_FILENO)) {
    fprintf(stderr, "pcn: no terminal to ask for a password; use "
                    "--password-stdin.\n");
    return -1;
  }
  fprintf(stderr, "%s", prompt);
  fflush(stderr);
  struct termios old, quiet;
  tcgetattr(STDIN_FILENO, &old);
  quiet = old;
  quiet.c_lflag &= (tcflag_t)~ECHO;
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  char *got = fgets(out, (int)n, stdin);
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
  fprintf(stderr, "\n");
  if (!got) return -1;
  chomp(out);
  return 0;
#endif
}
