/* validate.c - checks on client input, and calendar dates (see validate.h).
 *
 * Owns nothing; no allocation. Every error is a static sentence that says
 * what is wrong and what would be right; the checks do not know the field's
 * name, so the sentences speak of "text", and the caller names the field
 * (StatusDetails.field).
 *
 * UTF-8 is checked against the Unicode well-formed byte sequences (Unicode
 * 15, table 3-7): no overlong forms, no surrogates (U+D800..U+DFFF), nothing
 * above U+10FFFF, no truncated sequence. A string is a C string, so its
 * terminating NUL ends it and an embedded NUL cannot be seen here; the
 * wire bytes, where it can, are checked by pcn_utf8_check_bytes (every
 * string of every frame, wire_check.c). Control
 * characters (C0, DEL and C1) are refused, except \n and \t in multi-line
 * text.
 *
 * Dates are days since 1970-01-01 in the proleptic Gregorian calendar,
 * converted with Howard Hinnant's days_from_civil / civil_from_days
 * algorithms (eras of 400 years, years starting on 1 March).
 */
#include "validate.h"
#include "uktime.h"

#include <string.h>
#include <time.h>

#define STR_(x) #x
#define STR(x) STR_(x)

#define DATE_MIN_YEAR 2000
#define DATE_MAX_YEAR 2199

typedef enum text_fault {
  TEXT_OK,
  TEXT_TOO_LONG,
  TEXT_BAD_UTF8,
  TEXT_CONTROL
} text_fault;

static int in_range(unsigned char c, unsigned char lo, unsigned char hi) {
  return c >= lo && c <= hi;
}

/* The allowed range of the second byte after lead byte c (table 3-7); this
 * is where overlongs, surrogates and values past U+10FFFF are refused. */
static void utf8_second_range(unsigned char c, unsigned char *lo,
                              unsigned char *hi) {
  *lo = 0x80;
  *hi = 0xBF;
  if (c == 0xE0) *lo = 0xA0;
  if (c == 0xED) *hi = 0x9F;
  if (c == 0xF0) *lo = 0x90;
  if (c == 0xF4) *hi = 0x8F;
}

/* The length of the sequence lead byte c begins (1..4), or 0 when c cannot
 * begin one: a continuation byte, C0/C1 (overlong) or F5..FF. */
static size_t utf8_seq_len(unsigned char c) {
  if (c < 0x80) return 1;
  if (in_range(c, 0xC2, 0xDF)) return 2;
  if (in_range(c, 0xE0, 0xEF)) return 3;
  if (in_range(c, 0xF0, 0xF4)) return 4;
  return 0;
}

/* Decodes one well-formed sequence at p into *cp; returns its length (1..4)
 * or 0 when it is not well formed. Stops at the first bad byte, so a
 * truncated sequence (the NUL is not a continuation byte) never reads past
 * the terminator. */
static size_t utf8_decode(const unsigned char *p, uint32_t *cp) {
  unsigned char c = p[0];
  size_t k = utf8_seq_len(c);
  if (k == 1) {
    *cp = c;
    return 1;
  }
  if (k == 0) return 0;
  unsigned char lo, hi;
  utf8_second_range(c, &lo, &hi);
  if (!in_range(p[1], lo, hi)) return 0;
  uint32_t v = c & (0x7Fu >> k);
  for (size_t i = 1; i < k; i++) {
    if (i > 1 && !in_range(p[i], 0x80, 0xBF)) return 0;
    v = v << 6 | (p[i] & 0x3Fu);
  }
  *cp = v;
  return k;
}

static int is_control(uint32_t cp, int multiline) {
  if (cp == '\n' || cp == '\t') return !multiline;
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

/* Finds the first fault in s. Reads at most max_bytes + 4 bytes of it, so
 * a hostile string many megabytes long costs no more than a short one. */
static text_fault text_scan(const char *s, size_t max_bytes, int multiline) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (p[i]) {
    if (i >= max_bytes) return TEXT_TOO_LONG;
    uint32_t cp;
    size_t k = utf8_decode(p + i, &cp);
    if (k == 0) return TEXT_BAD_UTF8;
    if (is_control(cp, multiline)) return TEXT_CONTROL;
    i += k;
  }
  return i > max_bytes ? TEXT_TOO_LONG : TEXT_OK;
}

int pcn_utf8_valid(const char *s, size_t max_bytes, int multiline) {
  if (!s) return 1;
  return text_scan(s, max_bytes, multiline) == TEXT_OK;
}

/* Whether the 8 bytes at p are all ASCII and none is NUL: the common case
 * of a whole frame's text, taken a word at a time. */
static int ascii8_no_nul(const uint8_t *p) {
  uint64_t w;
  memcpy(&w, p, 8);
  const uint64_t high = 0x8080808080808080u, ones = 0x0101010101010101u;
  return !(w & high) && !((w - ones) & ~w & high);
}

int pcn_utf8_check_bytes(const uint8_t *p, size_t n, size_t *at) {
  size_t i = 0;
  int fault = PCN_BYTES_OK;
  while (i < n) {
    while (n - i >= 8 && ascii8_no_nul(p + i))
      i += 8;
    if (i == n) break;
    unsigned char c = p[i];
    if (c == 0) {
      fault = PCN_BYTES_NUL;
      break;
    }
    if (c < 0x80) {
      i++;
      continue;
    }
    /* A sequence wholly inside the n bytes decodes as in a C string; one
     * cut off by the end is not well formed. */
    uint32_t cp;
    size_t k = utf8_seq_len(c);
    if (k == 0 || k > n - i || utf8_decode(p + i, &cp) != k) {
      fault = PCN_BYTES_BAD_UTF8;
      break;
    }
    i += k;
  }
  if (at) *at = i;
  return fault;
}

void pcn_utf8_repair(char *s) {
  size_t n = strlen(s), i = 0, at;
  while (i < n &&
         pcn_utf8_check_bytes((const uint8_t *)s + i, n - i, &at) != 0) {
    s[i + at] = '?';
    i += at + 1;
  }
}

/* Spaces, tabs and line breaks alone do not count as an answer. */
static int is_blank(const char *s) {
  for (; *s; s++) {
    if (*s != ' ' && *s != '\t' && *s != '\n') return 0;
  }
  return 1;
}

const char *pcn_check_text(const char *s, size_t max_bytes, int required,
                           int multiline) {
  if (!s) s = "";
  switch (text_scan(s, max_bytes, multiline)) {
  case TEXT_OK: break;
  case TEXT_TOO_LONG: return "Text is too long for this field; shorten it.";
  case TEXT_BAD_UTF8: return "Text must be valid UTF-8.";
  case TEXT_CONTROL:
    return multiline ? "Text may contain line breaks and tabs, but no other "
                       "control characters."
                     : "Text must be a single line, without tabs or other "
                       "control characters.";
  }
  if (required && is_blank(s)) return "Text is required.";
  return NULL;
}

static int is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}

static int is_digit(char c) {
  return c >= '0' && c <= '9';
}

const char *pcn_check_ods(const char *s) {
  static const char bad[] =
      "An ODS code is a letter and five letters or digits, such as F84001.";
  if (!s || !is_upper(s[0])) return bad;
  for (int i = 1; i < 6; i++) {
    if (!is_upper(s[i]) && !is_digit(s[i])) return bad;
  }
  return s[6] == '\0' ? NULL : bad;
}

/* ASCII only, on purpose: toupper() would depend on the locale. */
void pcn_ods_normalize(char *s) {
  for (; s && *s; s++) {
    if (*s >= 'a' && *s <= 'z') *s = (char)(*s - 'a' + 'A');
  }
}

static int is_username_char(char c) {
  return (c >= 'a' && c <= 'z') || is_digit(c) || c == '.' || c == '_' ||
         c == '-';
}

const char *pcn_check_username(const char *s) {
  if (!s || !s[0]) return "A username is required.";
  if (!(s[0] >= 'a' && s[0] <= 'z'))
    return "A username must start with a lowercase letter (a to z).";
  size_t n = 0;
  for (; s[n] && n <= PCN_MAX_USERNAME; n++) {
    if (!is_username_char(s[n]))
      return "A username may contain only lowercase letters, digits, dots, "
             "dashes and underscores.";
  }
  if (n < 2 || n > PCN_MAX_USERNAME)
    return "A username is 2 to " STR(PCN_MAX_USERNAME) " characters long.";
  return NULL;
}

static int is_email_local_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+/=?^_`{|}~.-", c));
}

static int is_alnum_ascii(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

static const char email_shape[] =
    "An e-mail address looks like name@practice.nhs.net: one @, letters, "
    "digits, dots or hyphens after it, and no spaces.";

const char *pcn_check_email(const char *s) {
  if (!s || !s[0]) return "An e-mail address is required.";
  size_t n = strnlen(s, PCN_MAX_EMAIL + 1);
  if (n > PCN_MAX_EMAIL)
    return "An e-mail address is at most " STR(PCN_MAX_EMAIL) " characters.";
  const char *at = strchr(s, '@');
  if (!at || strchr(at + 1, '@')) return email_shape;
  size_t local = (size_t)(at - s);
  if (local == 0 || local > 64 || s[0] == '.' || at[-1] == '.')
    return email_shape;
  for (size_t i = 0; i < local; i++)
    if (!is_email_local_char(s[i]) || (s[i] == '.' && s[i + 1] == '.'))
      return email_shape;
  /* The domain: labels of letters, digits and inner hyphens. */
  const char *d = at + 1, *label = d;
  int labels = 0, tld_alpha = 1;
  for (const char *p = d;; p++) {
    if (*p == '.' || *p == 0) {
      size_t len = (size_t)(p - label);
      if (len == 0 || len > 63 || label[0] == '-' || p[-1] == '-')
        return email_shape;
      labels++;
      tld_alpha = 1;
      for (const char *q = label; q < p; q++)
        if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
          tld_alpha = 0;
      if (*p == 0) break;
      label = p + 1;
    } else if (!is_alnum_ascii(*p) && *p != '-') {
      return email_shape;
    }
  }
  if (labels < 2 || !tld_alpha || (size_t)(label - d) == 0) return email_shape;
  return NULL;
}

static const char password_too_long[] =
    "A password is too long; use at most " STR(PCN_MAX_PASSWORD) " bytes.";

/* The minimum counts bytes, so a password the sentence accepts (ten
 * characters) is never refused: ten characters are at least ten bytes. */
const char *pcn_check_password(const char *s) {
  if (!s) s = "";
  switch (text_scan(s, PCN_MAX_PASSWORD, 0)) {
  case TEXT_OK: break;
  case TEXT_TOO_LONG: return password_too_long;
  case TEXT_BAD_UTF8: return "A password must be valid UTF-8 text.";
  case TEXT_CONTROL:
    return "A password must not contain tabs, line breaks or other control "
           "characters.";
  }
  size_t n = 0;
  while (s[n] && n < PCN_MIN_PASSWORD)
    n++;
  if (n < PCN_MIN_PASSWORD)
    return "A password needs at least " STR(PCN_MIN_PASSWORD) " characters.";
  return NULL;
}

/* ---------------------------------------------------------------- dates */

static int is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int pcn_wte_parse(const char *s, uint32_t *out) {
  unsigned whole = 0, frac = 0, digits = 0;
  const char *p = s;
  if (!p || *p < '0' || *p > '9') return -1;
  while (*p >= '0' && *p <= '9' && whole < 10)
    whole = whole * 10 + (unsigned)(*p++ - '0');
  if (*p == '.') {
    p++;
    while (*p >= '0' && *p <= '9' && digits < 2) {
      frac = frac * 10 + (unsigned)(*p++ - '0');
      digits++;
    }
    if (digits == 0) return -1;
    if (digits == 1) frac *= 10;
  }
  if (*p || whole * 100 + frac == 0 || whole * 100 + frac > 100) return -1;
  *out = whole * 100 + frac;
  return 0;
}

int pcn_days_in_month(int64_t y, int m) {
  static const unsigned char days[12] = {31, 28, 31, 30, 31, 30,
                                         31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap((int)y) ? 29 : days[m - 1];
}

/* Hinnant's days_from_civil: shifting the year to start on 1 March puts the
 * leap day last, so the day of the year is a linear formula of the month. */
int64_t pcn_days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;                                   /* 0..399 */
  int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0..365 */
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* 0..146096 */
  return era * 146097 + doe - 719468;
}

/* Hinnant's civil_from_days, the inverse of pcn_days_from_civil. */
void pcn_civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097; /* 0..146096 */
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* 0..365 */
  int64_t mp = (5 * doy + 2) / 153;                      /* 0..11, March=0 */
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

/* Reads n decimal digits at s; -1 if any is not a digit. */
static int read_digits(const char *s, int n) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (!is_digit(s[i])) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

int pcn_date_parse(const char *s, int32_t *days) {
  if (!s) return -1;
  int y = read_digits(s, 4);
  if (y < 0 || s[4] != '-') return -1;
  int m = read_digits(s + 5, 2);
  if (m < 0 || s[7] != '-') return -1;
  int d = read_digits(s + 8, 2);
  if (d < 0 || s[10] != '\0') return -1;
  if (y < DATE_MIN_YEAR || y > DATE_MAX_YEAR || m < 1 || m > 12 || d < 1 ||
      d > pcn_days_in_month(y, m))
    return -1;
  *days = (int32_t)pcn_days_from_civil(y, m, d);
  return 0;
}

static void write_digits(char *out, int64_t v, int n) {
  for (int i = n - 1; i >= 0; i--) {
    out[i] = (char)('0' + v % 10);
    v /= 10;
  }
}

/* Days whose year has no four-digit form are written as "0000-00-00"
 * rather than overrun out; no date pcn_date_parse accepts comes near. */
void pcn_date_format(int32_t days, char out[11]) {
  int64_t y;
  int m, d;
  pcn_civil_from_days(days, &y, &m, &d);
  if (y < 0 || y > 9999) y = m = d = 0;
  write_digits(out, y, 4);
  out[4] = '-';
  write_digits(out + 5, m, 2);
  out[7] = '-';
  write_digits(out + 8, d, 2);
  out[10] = '\0';
}

int32_t pcn_day_of_ms(int64_t ms) {
  int64_t d = ms / PCN_DAY_MS;
  if (ms < 0 && d * PCN_DAY_MS != ms) d--;
  return (int32_t)d;
}

int32_t pcn_date_today(void) {
  /* The UK date, whatever the machine's zone (issue 20). */
  return pcn_london_day_of_ms((int64_t)time(NULL) * 1000);
}
