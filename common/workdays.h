/* workdays.h - working days in England and Wales, for fair notice on asks,
 * reminders and closing times (issue 6).
 *
 * A working day is Monday to Friday and not a bank holiday. Bank holidays
 * come from the rules (New Year's Day, Good Friday, Easter Monday, the
 * early May, spring and summer bank holidays, Christmas and Boxing Day,
 * with the substitute days when they fall at a weekend), corrected by the
 * network's own list: days added (a coronation, a jubilee) and days
 * removed (a rule's day that was moved, as the early May holiday was in
 * 2020). The PCN manager edits that list; the rules need no yearly update.
 *
 * Dates are days since 1970-01-01, as pcn_date_parse gives them
 * (validate.h converts).
 */
#ifndef PCN_WORKDAYS_H
#define PCN_WORKDAYS_H

#include <stddef.h>
#include <stdint.h>

typedef struct pcn_holidays {
  const int32_t *added; /* extra bank holidays */
  size_t n_added;
  const int32_t *removed; /* rule days that are not holidays after all */
  size_t n_removed;
} pcn_holidays;

/* 0 Sunday .. 6 Saturday. */
int pcn_weekday(int32_t day);
/* Easter Sunday of year y. */
int32_t pcn_easter(int y);
/* Whether day is a bank holiday in England and Wales by the rules alone. */
int pcn_is_bank_holiday_rule(int32_t day);
/* The rule's name for day ("Good Friday", "Christmas Day"), or NULL if
 * the rules make it no holiday. */
const char *pcn_bank_holiday_rule_name(int32_t day);
/* Whether day is a bank holiday: the rules, corrected by h (may be NULL). */
int pcn_is_bank_holiday(int32_t day, const pcn_holidays *h);
int pcn_is_working_day(int32_t day, const pcn_holidays *h);
/* The working day n working days after day (n > 0) or before it (n < 0);
 * day itself when n is 0. */
int32_t pcn_add_working_days(int32_t day, int n, const pcn_holidays *h);
/* Working days after from, up to and including to (0 if to <= from): the
 * notice an ask made on from and due on to gives. */
int pcn_working_days_between(int32_t from, int32_t to, const pcn_holidays *h);

#endif
