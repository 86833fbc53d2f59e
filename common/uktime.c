/* uktime.c - UK time (uktime.h): a few lines of arithmetic on days since
 * 1970, so nothing depends on the machine's time zone or its
 * zone files. Moved here from client/meetcal (issue 20) so that the CLI,
 * the desktop, the reports and the server all read and write the same UK
 * time.
 */
#include "uktime.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MIN_MS 60000LL
#define DAY_MS 86400000LL

/* Hinnant's days_from_civil and civil_from_days, as in validate.c: copied
 * so that this file stands alone (client/report builds it without the
 * rest of common/). */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

/* The value of a run of at most 4 digits. */
static int atoi_n(const char *s) {
  int v = 0;
  for (; *s >= '0' && *s <= '9'; s++)
    v = v * 10 + (*s - '0');
  return v;
}

/* Days since 1970 of the last Sunday of month mo of year y. */
static int64_t last_sunday(int64_t y, int mo) {
  int64_t next =
      mo == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, mo + 1, 1);
  int64_t last = next - 1;
  int wd = (int)(((last + 4) % 7 + 7) % 7); /* 0 Sunday; 1970-01-01 Thu */
  return last - wd;
}

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int pcn_london_offset_min(int64_t utc_ms) {
  int64_t y;
  int mo, d;
  civil_from_days(floor_div(utc_ms, DAY_MS), &y, &mo, &d);
  /* Both changes happen at 01:00 UTC. */
  int64_t start = last_sunday(y, 3) * DAY_MS + 60 * MIN_MS;
  int64_t end = last_sunday(y, 10) * DAY_MS + 60 * MIN_MS;
  return utc_ms >= start && utc_ms < end ? 60 : 0;
}

const char *pcn_london_zone(int64_t utc_ms) {
  return pcn_london_offset_min(utc_ms) ? "BST" : "GMT";
}

static int days_in_month(int y, int mo) {
  static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return mo == 2 && leap ? 29 : n[mo - 1];
}

/* zone: 0 any (BST first), 60 BST only, -1 GMT only (as the offset 0). */
static int to_utc(int y, int mo, int d, int h, int mi, int zone,
                  int64_t *utc_ms) {
  if (y < 2000 || y > 2199 || mo < 1 || mo > 12 || d < 1 ||
      d > days_in_month(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59)
    return -1;
  int64_t wall = days_from_civil(y, mo, d) * DAY_MS + (h * 60 + mi) * MIN_MS;
  /* Try BST first, so a time in October's repeated hour is the first. */
  int64_t bst = wall - 60 * MIN_MS;
  int bst_ok = pcn_london_offset_min(bst) == 60;
  int gmt_ok = pcn_london_offset_min(wall) == 0;
  if (bst_ok && zone != -1) {
    *utc_ms = bst;
    return 0;
  }
  if (gmt_ok && zone != 60) {
    *utc_ms = wall;
    return 0;
  }
  if (zone && (bst_ok || gmt_ok)) return -3; /* not that zone then */
  return -2;                                 /* the hour the clocks skip */
}

int pcn_london_to_utc(int y, int mo, int d, int h, int mi, int64_t *utc_ms) {
  return to_utc(y, mo, d, h, mi, 0, utc_ms);
}

void pcn_london_from_utc(int64_t utc_ms, int *y, int *mo, int *d, int *h,
                         int *mi) {
  int64_t wall = utc_ms + pcn_london_offset_min(utc_ms) * MIN_MS;
  int64_t days = floor_div(wall, DAY_MS), yy;
  int64_t in_day = (wall - days * DAY_MS) / MIN_MS;
  civil_from_days(days, &yy, mo, d);
  *y = (int)yy;
  *h = (int)(in_day / 60);
  *mi = (int)(in_day % 60);
}

int pcn_london_repeated(int64_t utc_ms) {
  /* The same wall time an hour earlier (as BST) or later (as GMT). */
  int off = pcn_london_offset_min(utc_ms);
  int64_t other = off ? utc_ms + 60 * MIN_MS : utc_ms - 60 * MIN_MS;
  return pcn_london_offset_min(other) != off;
}

static int digits(const char *s, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

static int zone_word(const char *s, int *zone) {
  if (!strcmp(s, " BST") || !strcmp(s, " bst"))
    *zone = 60;
  else if (!strcmp(s, " GMT") || !strcmp(s, " gmt"))
    *zone = -1;
  else
    return -1;
  return 0;
}

int pcn_london_parse_ex(const char *s, int64_t *utc_ms, const char **why,
                        int *ambiguous) {
  static const char *shape =
      "write the time as YYYY-MM-DD HH:MM in UK time, such as 2026-03-31 "
      "14:30 (add GMT or BST only for the hour the clocks go back).";
  int y, mo, d, h, mi, zone = 0;
  size_t n = s ? strlen(s) : 0;
  *why = shape;
  if (ambiguous) *ambiguous = 0;
  if ((n != 16 && n != 20) || s[4] != '-' || s[7] != '-' ||
      (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || digits(s, 4, &y) ||
      digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) || digits(s + 11, 2, &h) ||
      digits(s + 14, 2, &mi) || (n == 20 && zone_word(s + 16, &zone)))
    return -1;
  int rc = to_utc(y, mo, d, h, mi, zone, utc_ms);
  if (rc == -2)
    *why = "that time does not exist in the UK: the clocks go forward from "
           "01:00 to 02:00 that morning; choose another time.";
  else if (rc == -3)
    *why = zone == 60 ? "the UK is on GMT at that time, not BST; write GMT "
                        "or leave the zone out."
                      : "the UK is on BST at that time, not GMT; write BST "
                        "or leave the zone out.";
  else if (rc < 0)
    *why = "that is not a real date and time (years 2000 to 2199); write "
           "YYYY-MM-DD HH:MM, such as 2026-03-31 14:30.";
  else if (ambiguous && !zone && pcn_london_repeated(*utc_ms))
    *ambiguous = 1;
  return rc < 0 ? -1 : 0;
}

int pcn_london_parse(const char *s, int64_t *utc_ms, const char **why) {
  return pcn_london_parse_ex(s, utc_ms, why, NULL);
}

int pcn_london_day(const char *date, int64_t *utc_ms) {
  int y, mo, d;
  if (!date || strlen(date) != 10 || date[4] != '-' || date[7] != '-' ||
      digits(date, 4, &y) || digits(date + 5, 2, &mo) ||
      digits(date + 8, 2, &d))
    return -1;
  return pcn_london_to_utc(y, mo, d, 0, 0, utc_ms) ? -1 : 0;
}

int32_t pcn_london_day_of_ms(int64_t utc_ms) {
  return (int32_t)floor_div(utc_ms + pcn_london_offset_min(utc_ms) * MIN_MS,
                            DAY_MS);
}

int64_t pcn_london_midnight(int32_t day) {
  /* Midnight is never in a skipped or repeated hour (they are 01:00). */
  int64_t wall = (int64_t)day * DAY_MS;
  return pcn_london_offset_min(wall - 60 * MIN_MS) == 60 ? wall - 60 * MIN_MS
                                                         : wall;
}

void pcn_london_format(int64_t utc_ms, char out[17]) {
  int y, mo, d, h, mi;
  pcn_london_from_utc(utc_ms, &y, &mo, &d, &h, &mi);
  /* Unsigned and bounded, so the compiler sees the output fits. */
  snprintf(out, 17, "%04u-%02u-%02u %02u:%02u", (unsigned)y % 10000u,
           (unsigned)mo % 100u, (unsigned)d % 100u, (unsigned)h % 100u,
           (unsigned)mi % 100u);
}

void pcn_london_format_zone(int64_t utc_ms, char out[21]) {
  char t[17];
  pcn_london_format(utc_ms, t);
  snprintf(out, 21, "%.16s %.3s", t, pcn_london_zone(utc_ms));
}

void pcn_london_range(int64_t start_ms, int64_t end_ms, const char *dash,
                      const char *gap, char *out, size_t n) {
  char a[17], b[17];
  const char *za = pcn_london_zone(start_ms), *zb = pcn_london_zone(end_ms);
  pcn_london_format(start_ms, a);
  pcn_london_format(end_ms, b);
  if (!n) return;
  if (strncmp(a, b, 10) != 0)
    snprintf(out, n, "%s %s%s%s %s", a, za, gap, b, zb);
  else if (strcmp(za, zb) != 0)
    snprintf(out, n, "%s %s%s%s %s", a, za, gap, b + 11, zb);
  else
    snprintf(out, n, "%s%s%s %s", a, dash, b + 11, za);
}

/* ------------------------------------------------- dates in words */

static const char *const month_names[12] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};
static const char *const day_names[7] = {"monday",   "tuesday", "wednesday",
                                         "thursday", "friday",  "saturday",
                                         "sunday"};
static const char *const month_abbr[12] = {"Jan", "Feb", "Mar", "Apr",
                                           "May", "Jun", "Jul", "Aug",
                                           "Sep", "Oct", "Nov", "Dec"};
static const char *const day_abbr[7] = {"Mon", "Tue", "Wed", "Thu",
                                        "Fri", "Sat", "Sun"};

/* 0 = Monday; 1970-01-01 was a Thursday. */
static int weekday_of(int64_t day) {
  return (int)(((day % 7) + 7 + 3) % 7);
}

/* The index of the month or day name that the word w (lowered letters,
 * length n) begins, from three letters ("sept", "tues", "thurs" too), or
 * -1. */
static int name_index(const char *w, size_t n, const char *const *names,
                      int count) {
  if (n < 3) return -1;
  for (int i = 0; i < count; i++)
    if (n <= strlen(names[i]) && strncmp(w, names[i], n) == 0) return i;
  return -1;
}

/* Splits s into tokens, runs of letters (lowered) or of digits; spaces,
 * commas and the separators / . - only part them. An ordinal suffix after
 * a number ("9th") is dropped. The count, or -1 for anything else. */
typedef struct tok {
  char s[16];
  size_t n;
  int digits;
} tok;

static int tokenize(const char *s, tok *t, int max) {
  int k = 0;
  while (*s) {
    unsigned char c = (unsigned char)*s;
    if (isspace(c) || c == ',' || c == '/' || c == '.' || c == '-') {
      s++;
      continue;
    }
    int dig = isdigit(c) != 0;
    if (!dig && !isalpha(c)) return -1;
    char w[16];
    size_t n = 0;
    while (*s && (dig ? isdigit((unsigned char)*s) != 0
                      : isalpha((unsigned char)*s) != 0)) {
      if (n == sizeof w - 1) return -1;
      w[n++] = (char)tolower((unsigned char)*s);
      s++;
    }
    w[n] = 0;
    if (!dig && k > 0 && t[k - 1].digits &&
        (!strcmp(w, "st") || !strcmp(w, "nd") || !strcmp(w, "rd") ||
         !strcmp(w, "th")))
      continue;
    if (k == max) return -1;
    memcpy(t[k].s, w, n + 1);
    t[k].n = n;
    t[k].digits = dig;
    k++;
  }
  return k;
}

static const char *const HOW =
    "Type a date as 9 Dec, 9/12/2026 or 2026-12-09 (day first).";

int pcn_date_parse_uk(const char *s, int32_t today, int32_t *day,
                      const char **why) {
  tok t[4];
  const char *dummy;
  if (!why) why = &dummy;
  *why = HOW;
  if (!s) return -1;
  int k = tokenize(s, t, 4);
  if (k <= 0) {
    if (k == 0) *why = "Give a date, as 9 Dec or 9/12/2026.";
    return -1;
  }
  if (k == 1 && !t[0].digits) {
    if (strcmp(t[0].s, "today") == 0) return *day = today, 0;
    if (strcmp(t[0].s, "tomorrow") == 0) return *day = today + 1, 0;
  }
  int i = 0, wd = -1;
  if (!t[0].digits) { /* a weekday first */
    wd = name_index(t[0].s, t[0].n, day_names, 7);
    if (wd < 0) {
      if (name_index(t[0].s, t[0].n, month_names, 12) >= 0)
        *why = k == 1 ? "Give the day as well as the month, as 9 Dec."
                      : "Give the day before the month, as 9 Dec.";
      return -1;
    }
    i = 1;
  }
  int y = -1, mo = -1, d = -1;
  if (k - i == 3 && t[i].digits && t[i].n == 4) { /* 2026-12-09 */
    if (!t[i + 1].digits || !t[i + 2].digits || t[i + 1].n > 2 ||
        t[i + 2].n > 2)
      return -1;
    y = atoi_n(t[i].s);
    mo = atoi_n(t[i + 1].s);
    d = atoi_n(t[i + 2].s);
  } else if (k - i >= 2 && k - i <= 3 && t[i].digits) {
    if (t[i].n > 2) return -1;
    d = atoi_n(t[i].s);
    int j = i + 1;
    if (t[j].digits) {
      if (t[j].n > 2) return -1;
      mo = atoi_n(t[j].s);
    } else {
      mo = name_index(t[j].s, t[j].n, month_names, 12);
      if (mo < 0) return -1;
      mo++;
    }
    j++;
    if (j < k) {
      if (!t[j].digits || (t[j].n != 2 && t[j].n != 4) || j + 1 != k) return -1;
      y = atoi_n(t[j].s);
      if (t[j].n == 2) y += 2000;
    }
  } else {
    return -1;
  }
  if (mo < 1 || mo > 12) {
    *why = mo > 12 ? "There is no month 13 or later: write the day first, "
                     "as 9/12/2026 for 9 December."
                   : HOW;
    return -1;
  }
  if (y < 0) { /* the year that puts the date nearest today */
    int64_t ty;
    int tm, td;
    civil_from_days(today, &ty, &tm, &td);
    y = (int)ty;
    if (d >= 1 && d <= days_in_month(y, mo)) {
      int64_t c = days_from_civil(y, mo, d);
      if (c < today - 182)
        y++;
      else if (c > today + 183)
        y--;
    } else if (d == 29 && mo == 2) {
      y += 4 - y % 4; /* no 29 Feb this year: the next one */
      while (days_in_month(y, 2) != 29)
        y += 4;
    }
  }
  if (y < 2000 || y > 2199) {
    *why = "Give a year from 2000 to 2199.";
    return -1;
  }
  if (d < 1 || d > days_in_month(y, mo)) {
    static const char *const short_month[12] = {
        NULL,
        "February has 28 days (29 in a leap year).",
        NULL,
        "April has 30 days.",
        NULL,
        "June has 30 days.",
        NULL,
        NULL,
        "September has 30 days.",
        NULL,
        "November has 30 days.",
        NULL};
    if (d > 28 && short_month[mo - 1]) *why = short_month[mo - 1];
    return -1;
  }
  int64_t c = days_from_civil(y, mo, d);
  if (wd >= 0 && weekday_of(c) != wd) {
    *why = "That weekday is not the date's: check the day, or leave the "
           "weekday out.";
    return -1;
  }
  *day = (int32_t)c;
  return 0;
}

static const char *const MONTH_HOW =
    "Type a month as December 2026, Dec 2026 or 12/2026.";

int pcn_month_parse_uk(const char *s, char out[8], const char **why) {
  tok t[3];
  const char *dummy;
  if (!why) why = &dummy;
  *why = MONTH_HOW;
  out[0] = 0;
  if (!s) return -1;
  int k = tokenize(s, t, 3);
  if (k == 0) *why = "Give a month, as December 2026.";
  if (k != 2) return -1;
  int y, mo;
  if (t[0].digits && t[0].n == 4 && t[1].digits && t[1].n <= 2) {
    y = atoi_n(t[0].s); /* 2026-12 */
    mo = atoi_n(t[1].s);
  } else if (t[1].digits && (t[1].n == 4 || t[1].n == 2)) {
    y = atoi_n(t[1].s) + (t[1].n == 2 ? 2000 : 0);
    if (t[0].digits) {
      if (t[0].n > 2) return -1;
      mo = atoi_n(t[0].s); /* 12/2026 */
    } else {
      mo = name_index(t[0].s, t[0].n, month_names, 12) + 1; /* Dec 2026 */
    }
  } else {
    return -1;
  }
  if (mo < 1 || mo > 12) return -1;
  if (y < 2000 || y > 2199) {
    *why = "Give a year from 2000 to 2199.";
    return -1;
  }
  out[0] = (char)('0' + y / 1000);
  out[1] = (char)('0' + y / 100 % 10);
  out[2] = (char)('0' + y / 10 % 10);
  out[3] = (char)('0' + y % 10);
  out[4] = '-';
  out[5] = (char)('0' + mo / 10);
  out[6] = (char)('0' + mo % 10);
  out[7] = 0;
  return 0;
}

void pcn_month_words(const char *ym, char *out, size_t n) {
  static const char *const names[] = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  int m = ym && strlen(ym) >= 7 ? atoi_n(ym + 5) : 0;
  if (m >= 1 && m <= 12)
    snprintf(out, n, "%s %.4s", names[m - 1], ym);
  else
    snprintf(out, n, "%s", ym ? ym : "");
}

void pcn_date_words(int32_t day, int32_t today, int with_weekday,
                    int always_year, char *out, size_t n) {
  int64_t y, ty;
  int m, d, tm, td;
  if (!n) return;
  civil_from_days(day, &y, &m, &d);
  civil_from_days(today, &ty, &tm, &td);
  const char *wd = with_weekday ? day_abbr[weekday_of(day)] : NULL;
  if (y == ty && !always_year)
    snprintf(out, n, "%s%s%d %s", wd ? wd : "", wd ? " " : "", d,
             month_abbr[m - 1]);
  else
    snprintf(out, n, "%s%s%d %s %lld", wd ? wd : "", wd ? " " : "", d,
             month_abbr[m - 1], (long long)y);
}
