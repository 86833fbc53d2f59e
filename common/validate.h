/* validate.h - checks for everything a client sends, and date helpers.
 *
 * protobuf-c checks neither UTF-8 nor lengths nor enum values; every string
 * a request carries passes through here before the server uses it. Each
 * check returns NULL when the value is good, or a sentence that says what is
 * wrong and what would be right (static storage, never freed).
 */
#ifndef PCN_VALIDATE_H
#define PCN_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#define PCN_MAX_USERNAME 32
#define PCN_MAX_NAME 100 /* display names, practice names */
#define PCN_MAX_TITLE 200
#define PCN_MAX_TEXT 20000 /* task bodies, comments */
#define PCN_MIN_PASSWORD 10
#define PCN_MAX_PASSWORD 256

/* Well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF)
 * in at most max_bytes bytes, no NUL, and no control characters other than
 * \n and \t when multiline, none when not. */
int pcn_utf8_valid(const char *s, size_t max_bytes, int multiline);

/* What every string on the wire must be, checked on its n bytes (not a C
 * string, so an embedded NUL is seen): well-formed UTF-8 as above, and no
 * NUL. Control characters are left to the per-field checks. Returns
 * PCN_BYTES_OK, or the fault with *at (if not NULL) the offset of the first
 * byte at fault. Reads p[0..n) only. */
enum { PCN_BYTES_OK = 0, PCN_BYTES_NUL = 1, PCN_BYTES_BAD_UTF8 = 2 };
int pcn_utf8_check_bytes(const uint8_t *p, size_t n, size_t *at);

/* Replaces each byte of s that does not begin a well-formed UTF-8 sequence
 * with '?', so that a message which cut a character in two (a %.40s of a
 * name, an snprintf out of room) is still UTF-8. */
void pcn_utf8_repair(char *s);

/* Each returns NULL if s is acceptable, else an error sentence. */
const char *pcn_check_text(const char *s, size_t max_bytes, int required,
                           int multiline);
/* ODS practice code: a letter then five letters or digits, e.g. F84001.
 * Lowercase is accepted by pcn_ods_normalize, not here. */
const char *pcn_check_ods(const char *s);
/* Upper-cases an ODS code in place. */
void pcn_ods_normalize(char *s);
/* Usernames: 2..32 of [a-z0-9._-], starting with a letter. */
const char *pcn_check_username(const char *s);
const char *pcn_check_password(const char *s);
/* E-mail addresses, plausibly: LOCAL@DOMAIN in ASCII, at most 254 bytes;
 * LOCAL 1..64 of letters, digits and !#$%&'*+/=?^_`{|}~.- (no leading,
 * trailing or double dot); DOMAIN two or more dot-separated labels of
 * letters, digits and inner hyphens, the last of letters only. No quoted
 * local parts, IP literals or non-ASCII: what a practice's NHSmail or
 * practice address looks like, and nothing a calendar or mailer might
 * misread. */
#define PCN_MAX_EMAIL 254
const char *pcn_check_email(const char *s);

/* A whole-time equivalent as people write it, "0.8", "1", "0.75", in
 * hundredths (80, 100, 75) without floating point: 0, or -1 unless it is
 * from 0.01 to 1 with at most two decimals. */
int pcn_wte_parse(const char *s, uint32_t *out);

/* Dates "YYYY-MM-DD" (a real calendar date, years 2000..2199) to days since
 * 1970-01-01 and back. Parse returns 0 on success, -1 if not a date. */
int pcn_date_parse(const char *s, int32_t *days);
/* Days since 1970-01-01 of a civil date (proleptic Gregorian), and back;
 * no range check (pcn_date_parse is the checked way in). */
int64_t pcn_days_from_civil(int64_t y, int m, int d);
void pcn_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
/* Days in month m (1..12) of year y. */
int pcn_days_in_month(int64_t y, int m);
/* Writes "YYYY-MM-DD" and a NUL into out (at least 11 bytes). */
void pcn_date_format(int32_t days, char out[11]);
/* Today's UK date (Europe/London, uktime.h) as days since 1970-01-01. */
int32_t pcn_date_today(void);
#define PCN_DAY_MS 86400000LL
/* The UTC day (days since 1970-01-01) of a time in Unix milliseconds (for
 * the day people mean, "today", use uktime.h's pcn_london_day_of_ms),
 * rounding down before 1970 too. */
int32_t pcn_day_of_ms(int64_t ms);

#endif
