/* platform.c - the things pcn does differently on Windows: its arguments
 * and console in UTF-8, reading a password without echo, telling whether a
 * person is at a terminal, and the terminal's width. Times are UK time on
 * every machine (uktime.h, issue 20), so they need no platform code; the
 * configuration's place (%APPDATA%\pcn) and its private files are
 * client/config.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "uktime.h"

#ifdef _WIN32
#include <conio.h>
#include <fcntl.h>
#include <io.h>
#include <windows.h>
#include <shellapi.h>
#else
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#endif

#ifdef _WIN32
/* Windows gives main() its arguments in the ANSI code page (in the UK
 * CP1252, where '£' is the one byte 0xA3), and its console shows bytes in
 * the OEM one; pcn reads and writes UTF-8 everywhere, as on Linux. So the
 * arguments again from the UTF-16 command line, and the console told to
 * speak UTF-8. stdout in binary: lines end in \n as on Linux, for the
 * scripts that read --json, CSV or an .ics from it. */
void cli_platform_init(int *argc, char ***argv) {
  int n = 0;
  LPWSTR *w = CommandLineToArgvW(GetCommandLineW(), &n);
  char **a = w ? calloc((size_t)n + 1, sizeof *a) : NULL;
  for (int i = 0; a && i < n; i++) {
    int len = WideCharToMultiByte(CP_UTF8, 0, w[i], -1, NULL, 0, NULL, NULL);
    a[i] = len > 0 ? malloc((size_t)len) : NULL;
    if (!a[i] ||
        !WideCharToMultiByte(CP_UTF8, 0, w[i], -1, a[i], len, NULL, NULL)) {
      a = NULL; /* kept as Windows gave them (the few bytes leak) */
      break;
    }
  }
  if (a) {
    *argc = n;
    *argv = a;
  }
  if (w) LocalFree(w);
  SetConsoleOutputCP(CP_UTF8);
  SetConsoleCP(CP_UTF8);
  _setmode(_fileno(stdout), _O_BINARY);
}
#else
void cli_platform_init(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
}
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
