/* uktime.h - UK time (Europe/London), the one conversion between the
 * instants the server stores (Unix ms, UTC) and the times and dates people
 * type and read (issue 20). Every person-facing time in pcn, pcn-desktop,
 * the statement reports and the server's own notes and "today" goes
 * through here, whatever the machine's time zone: a practice in England
 * means UK time by "17:00", and so does a server or laptop set to UTC or
 * to New York. Nothing in client/, common/ or server/ calls localtime,
 * mktime, strftime("%Z") or GLib's *_local() for a time a person reads or
 * types: `grep -rn 'localtime\|mktime\|%Z\|_local(' client common server`
 * finds only comments. The desktop formats GDateTimes that hold the
 * London wall clock (desk_london_time). gmtime_r remains for operator
 * logs and file names that say "UTC" or "Z" themselves.
 *
 * The rule: GMT, and BST (GMT+1) from 01:00 GMT on the last Sunday of
 * March to 01:00 GMT on the last Sunday of October (the rule since 1996;
 * taken to hold for the years 2000..2199 that dates may name). Clocks go
 * forward at 01:00 local, so 01:00-01:59 on that Sunday does not exist;
 * they go back at 02:00 BST, so 01:00-01:59 on the October Sunday happens
 * twice: a typed time in that hour means the first (BST) one unless it
 * ends in " GMT" (the second) or " BST".
 *
 * Portable: plain C arithmetic on days since 1970 (as validate.h counts
 * them), no time zone database, which Windows does not have, and no other
 * file of common/ (client/report builds it alone). Today's London date by
 * the machine's clock is validate.h's pcn_date_today.
 */
#ifndef PCN_UKTIME_H
#define PCN_UKTIME_H

#include <stddef.h>
#include <stdint.h>

/* Minutes London is ahead of UTC at utc_ms: 0 (GMT) or 60 (BST). */
int pcn_london_offset_min(int64_t utc_ms);
/* "GMT" or "BST" at utc_ms. */
const char *pcn_london_zone(int64_t utc_ms);
/* The instant of a London wall-clock time; in October's repeated hour the
 * first (BST) one. 0; -1 if a field is out of range; -2 if the time falls
 * in the hour skipped when the clocks go forward. */
int pcn_london_to_utc(int y, int mo, int d, int h, int mi, int64_t *utc_ms);
/* The London wall-clock time of an instant. */
void pcn_london_from_utc(int64_t utc_ms, int *y, int *mo, int *d, int *h,
                         int *mi);
/* Whether the London wall-clock time of utc_ms happens twice (01:00-01:59
 * on the last Sunday of October, either of the two). */
int pcn_london_repeated(int64_t utc_ms);
/* Parses "YYYY-MM-DD HH:MM" (or with a T between) in London time, with an
 * optional " GMT" or " BST" after it to say which of a repeated hour is
 * meant (a zone that is not London's at that time is refused). 0, or -1
 * with *why a sentence saying what to write instead. *ambiguous (may be
 * NULL) is set to 1 when the time is in the repeated hour and no zone was
 * given, so the first (BST) one was taken: callers say so. */
int pcn_london_parse_ex(const char *s, int64_t *utc_ms, const char **why,
                        int *ambiguous);
int pcn_london_parse(const char *s, int64_t *utc_ms, const char **why);
/* Midnight in London at the start of "YYYY-MM-DD". 0 or -1. */
int pcn_london_day(const char *date, int64_t *utc_ms);
/* The London date (days since 1970-01-01) of an instant: "today" for due
 * dates, reminders, months and working days. */
int32_t pcn_london_day_of_ms(int64_t utc_ms);
/* The instant London's day (days since 1970) begins, 00:00 local. */
int64_t pcn_london_midnight(int32_t day);
/* "YYYY-MM-DD HH:MM" in London time, into out (at least 17 bytes). */
void pcn_london_format(int64_t utc_ms, char out[17]);
/* "YYYY-MM-DD HH:MM GMT" (or BST), into out (at least 21 bytes). */
void pcn_london_format_zone(int64_t utc_ms, char out[21]);
/* A range as people read it, each end with its own zone when they differ:
 * "2026-03-31 14:00-15:30 BST" (one day, one zone),
 * "2027-03-28 00:30 GMT - 02:30 BST" (one day, the clocks change between),
 * "2026-12-31 23:00 GMT - 2027-01-01 01:00 GMT" (two days).
 * dash joins the one-zone form ("-" or the desktop's en dash), gap
 * (" - ", " – ") the others. Always NUL-terminated. */
void pcn_london_range(int64_t start_ms, int64_t end_ms, const char *dash,
                      const char *gap, char *out, size_t n);

/* A date as people in England type it (issue 19), day before month:
 * "2026-12-09", "9/12/2026", "9/12/26", "9/12", "9.12.2026", "9 Dec",
 * "9th December 2026", "Tue 9 Dec", "Tuesday, 9 December 2026", "today",
 * "tomorrow"; month names in full or their first three letters, any case.
 * A year left out means the one that puts the date nearest to today (the
 * six months either side): "9 Jan" typed in December is next January, "2
 * Dec" typed on 6 December is this week's. Two-digit years are 20YY. A
 * weekday, if given, must be the date's. today is London's date as days
 * since 1970 (pcn_date_today). 0 with *day set (days since 1970, a year in
 * 2000..2199), or -1 with *why a sentence saying what to type instead. */
int pcn_date_parse_uk(const char *s, int32_t today, int32_t *day,
                      const char **why);
/* "Tue 9 Dec" (with_weekday, without the year) when day is in the same year
 * as today, else "Tue 9 Dec 2026" / "9 Dec 2026"; always_year adds the
 * year either way. Always NUL-terminated; 20 bytes suffice. */
void pcn_date_words(int32_t day, int32_t today, int with_weekday,
                    int always_year, char *out, size_t n);
/* A month as people type it: "December 2026", "Dec 2026", "dec 26",
 * "12/2026", "2026-12". 0 with out "YYYY-MM", or -1 with out "" and *why a
 * sentence saying what to type instead. pcn_month_words is the reverse:
 * "2026-12" as "December 2026" (anything else copied as it is). */
int pcn_month_parse_uk(const char *s, char out[8], const char **why);
void pcn_month_words(const char *ym, char *out, size_t n);

#endif
