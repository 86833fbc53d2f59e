/* workdays.c - see workdays.h. */
#include "workdays.h"

#include "validate.h"

int pcn_weekday(int32_t day) {
  int w = (int)((day + 4) % 7); /* 1970-01-01 was a Thursday */
  return w < 0 ? w + 7 : w;
}

int32_t pcn_easter(int y) {
  /* The anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
  int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
  int f = (b + 8) / 25, g = (b - f + 1) / 3;
  int h = (19 * a + b - d - g + 15) % 30;
  int i = c / 4, k = c % 4;
  int l = (32 + 2 * e + 2 * i - h - k) % 7;
  int m = (a + 11 * h + 22 * l) / 451;
  int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
  return (int32_t)pcn_days_from_civil(y, month, day);
}

/* The first Monday on or after day. */
static int32_t civil(int y, int m, int d) {
  return (int32_t)pcn_days_from_civil(y, m, d);
}

static int32_t monday_from(int32_t day) {
  return day + (8 - pcn_weekday(day)) % 7;
}

int pcn_is_bank_holiday_rule(int32_t day) {
  int64_t y64;
  int m, d;
  pcn_civil_from_days(day, &y64, &m, &d);
  int y = (int)y64;
  int wd = pcn_weekday(day);
  if (m == 1) { /* New Year's Day, or the Monday after a weekend one */
    int32_t ny = civil(y, 1, 1);
    int nwd = pcn_weekday(ny);
    return day == (nwd == 0 || nwd == 6 ? monday_from(ny) : ny);
  }
  if (m == 3 || m == 4) {
    int32_t easter = pcn_easter(y);
    return day == easter - 2 || day == easter + 1;
  }
  if (m == 5) {
    if (day == monday_from(civil(y, 5, 1))) return 1; /* early */
    return wd == 1 && d + 7 > 31; /* spring: the last Monday */
  }
  if (m == 8) return wd == 1 && d + 7 > 31; /* summer: the last Monday */
  if (m == 12 && d >= 25 && d <= 28) {
    /* Christmas and Boxing Day; a weekend one moves to the next weekday
     * not already a holiday. */
    int32_t xmas = civil(y, 12, 25);
    int xwd = pcn_weekday(xmas);
    int32_t c = xmas, b = xmas + 1;
    if (xwd == 6) { /* Saturday: Mon 27, Tue 28 */
      c = xmas + 2;
      b = xmas + 3;
    } else if (xwd == 0) { /* Sunday: Boxing Mon 26, Christmas Tue 27 */
      c = xmas + 2;
      b = xmas + 1;
    } else if (xwd == 5) { /* Friday: Boxing Day Saturday -> Mon 28 */
      b = xmas + 3;
    }
    return day == c || day == b;
  }
  return 0;
}

static int in(const int32_t *list, size_t n, int32_t day) {
  for (size_t i = 0; i < n; i++)
    if (list[i] == day) return 1;
  return 0;
}

int pcn_is_bank_holiday(int32_t day, const pcn_holidays *h) {
  if (h && in(h->added, h->n_added, day)) return 1;
  if (h && in(h->removed, h->n_removed, day)) return 0;
  return pcn_is_bank_holiday_rule(day);
}

int pcn_is_working_day(int32_t day, const pcn_holidays *h) {
  int wd = pcn_weekday(day);
  return wd != 0 && wd != 6 && !pcn_is_bank_holiday(day, h);
}

int32_t pcn_add_working_days(int32_t day, int n, const pcn_holidays *h) {
  int step = n < 0 ? -1 : 1;
  for (int left = n < 0 ? -n : n; left > 0;) {
    day += step;
    if (pcn_is_working_day(day, h)) left--;
  }
  return day;
}

int pcn_working_days_between(int32_t from, int32_t to, const pcn_holidays *h) {
  int n = 0;
  for (int32_t d = from + 1; d <= to; d++)
    n += pcn_is_working_day(d, h);
  return n;
}

const char *pcn_bank_holiday_rule_name(int32_t day) {
  if (!pcn_is_bank_holiday_rule(day)) return NULL;
  int64_t y64;
  int m, d;
  pcn_civil_from_days(day, &y64, &m, &d);
  int y = (int)y64;
  switch (m) {
  case 1: return "New Year's Day";
  case 3:
  case 4: return day == pcn_easter(y) - 2 ? "Good Friday" : "Easter Monday";
  case 5: return d <= 7 ? "Early May bank holiday" : "Spring bank holiday";
  case 8: return "Summer bank holiday";
  default: {
    /* December: Christmas is the first of the pair unless the 25th was a
     * Sunday (Boxing Day Monday 26th, Christmas Tuesday 27th). */
    int32_t xmas = civil(y, 12, 25);
    if (pcn_weekday(xmas) == 0) return d == 27 ? "Christmas Day" : "Boxing Day";
    if (day == xmas) return "Christmas Day";
    if (pcn_weekday(xmas) == 6 && d == 27) return "Christmas Day";
    return "Boxing Day";
  }
  }
}
