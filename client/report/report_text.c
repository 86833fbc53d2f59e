/* report_text.c - words and numbers for the reports: months and times in
 * words, shares in percent, counts with commas, and padding UTF-8 for a
 * terminal. No cairo here.
 */
#include "report_priv.h"

#include <stdio.h>
#include <string.h>

#include "uktime.h"

void rp_err(char *err, size_t n, const char *fmt, ...) {
  if (!err || !n) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, n, fmt, ap);
  va_end(ap);
}

static int digits(const char *s, int n) {
  for (int i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

int rp_practice_terminated(const pcn_report_practice *p) {
  return TERMINATED(p->ods) && TERMINATED(p->name) && TERMINATED(p->locality);
}

int rp_month_valid(const char *m) {
  if (strlen(m) != 7 || !digits(m, 4) || m[4] != '-' || !digits(m + 5, 2))
    return 0;
  int mon = (m[5] - '0') * 10 + (m[6] - '0');
  return mon >= 1 && mon <= 12;
}

int rp_date_valid(const char *d) {
  if (strlen(d) != 10 || d[7] != '-' || !digits(d + 8, 2)) return 0;
  char m[8];
  memcpy(m, d, 7);
  m[7] = 0;
  int day = (d[8] - '0') * 10 + (d[9] - '0');
  return rp_month_valid(m) && day >= 1 && day <= 31;
}

static const char *const month_names[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

const char *rp_month_words(const char *month, char *out, size_t n) {
  if (!rp_month_valid(month)) {
    snprintf(out, n, "%s", month);
    return out;
  }
  int mon = (month[5] - '0') * 10 + (month[6] - '0');
  snprintf(out, n, "%s %.4s", month_names[mon - 1], month);
  return out;
}

const char *rp_time_words(int64_t ms, char *out, size_t n) {
  int y, mo, d, h, mi; /* UK time on every machine (issue 20) */
  pcn_london_from_utc(ms, &y, &mo, &d, &h, &mi);
  snprintf(out, n, "%d %s %d, %02d:%02d %s", d, month_names[mo - 1], y, h, mi,
           pcn_london_zone(ms));
  return out;
}

const char *rp_bp_percent(int64_t bp, char *out) {
  int64_t a = bp < 0 ? -bp : bp;
  snprintf(out, 24, "%s%lld.%02lld%%", bp < 0 ? "-" : "", (long long)(a / 100),
           (long long)(a % 100));
  return out;
}

const char *rp_bp_points(int64_t bp, char *out) {
  int64_t a = bp < 0 ? -bp : bp;
  /* U+2212 minus reads better than a hyphen beside a plus. */
  snprintf(out, 24, "%s%lld.%02lld",
           bp < 0   ? "\xe2\x88\x92"
           : bp > 0 ? "+"
                    : "",
           (long long)(a / 100), (long long)(a % 100));
  return out;
}

const char *rp_count(int64_t v, char *out) {
  /* Digits from the right, a comma after every third. */
  char tmp[32];
  uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  int n = 0;
  do {
    if (n && n % 4 == 3) tmp[n++] = ',';
    tmp[n++] = (char)('0' + a % 10);
    a /= 10;
  } while (a);
  char *o = out;
  if (v < 0) *o++ = '-';
  while (n)
    *o++ = tmp[--n];
  *o = 0;
  return out;
}

size_t rp_utf8_cols(const char *s) {
  size_t c = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xc0) != 0x80) c++;
  return c;
}

void rp_pad(FILE *out, const char *s, size_t cols, int right) {
  size_t have = rp_utf8_cols(s);
  if (have > cols) {
    /* Cut at a code point boundary, leaving room for "…". */
    size_t keep = cols ? cols - 1 : 0, c = 0;
    const char *p = s;
    for (; *p; p++) {
      if (((unsigned char)*p & 0xc0) != 0x80) {
        if (c == keep) break;
        c++;
      }
    }
    fwrite(s, 1, (size_t)(p - s), out);
    if (cols) fputs("\xe2\x80\xa6", out);
    return;
  }
  if (right)
    for (size_t i = have; i < cols; i++)
      fputc(' ', out);
  fputs(s, out);
  if (!right)
    for (size_t i = have; i < cols; i++)
      fputc(' ', out);
}
