/* meetcal.h - meetings as people and calendars see them: Europe/London
 * local time (what every practice in England means by "10:00"), and
 * iCalendar (RFC 5545) through libical. Used by pcn (`pcn meeting`) and
 * pcn-desktop (the Meetings page); the server only ever sees Unix ms.
 *
 * London time: GMT, and BST (GMT+1) from 01:00 GMT on the last Sunday of
 * March to 01:00 GMT on the last Sunday of October (the rule since 1996;
 * taken to hold for the years 2000..2199 that dates may name). Clocks go
 * forward at 01:00 local, so 01:00-01:59 on that Sunday does not exist;
 * they go back at 02:00 BST, so 01:00-01:59 on the October Sunday happens
 * twice: a time given in that hour means the first (BST) one.
 *
 * Portable: plain C and libical, no time zone database.
 */
#ifndef PCN_MEETCAL_H
#define PCN_MEETCAL_H

#include <stddef.h>
#include <stdint.h>

#include "pcn.pb-c.h"

/* Minutes London is ahead of UTC at utc_ms: 0 (GMT) or 60 (BST). */
int pcn_london_offset_min(int64_t utc_ms);
/* "GMT" or "BST" at utc_ms. */
const char *pcn_london_zone(int64_t utc_ms);
/* The instant of a London wall-clock time. 0; -1 if a field is out of
 * range; -2 if the time falls in the hour skipped when the clocks go
 * forward. */
int pcn_london_to_utc(int y, int mo, int d, int h, int mi, int64_t *utc_ms);
/* The London wall-clock time of an instant. */
void pcn_london_from_utc(int64_t utc_ms, int *y, int *mo, int *d, int *h,
                         int *mi);
/* Parses "YYYY-MM-DD HH:MM" (or with a T between) in London time. 0, or
 * -1 with *why a sentence saying what to write instead. */
int pcn_london_parse(const char *s, int64_t *utc_ms, const char **why);
/* Midnight in London at the start of "YYYY-MM-DD". 0 or -1. */
int pcn_london_day(const char *date, int64_t *utc_ms);
/* "YYYY-MM-DD HH:MM" in London time, into out (at least 17 bytes). */
void pcn_london_format(int64_t utc_ms, char out[17]);

/* The stable UID of a meeting: "meeting-NETWORK-ID@pcn-hub". */
void pcn_meeting_uid(char *out, size_t n, const char *network_id, uint64_t id);

/* One VCALENDAR (METHOD:PUBLISH) with a VEVENT for each meeting: UID as
 * above, SEQUENCE the meeting's version, DTSTART/DTEND in UTC, DTSTAMP
 * now_ms, SUMMARY, LOCATION, DESCRIPTION (the agenda and invitees), URL
 * when the place is a link, STATUS (CANCELLED for a cancelled meeting).
 * Returns malloc'd text (CRLF lines) for free(), or NULL. */
char *pcn_meetings_ics(const char *network_id,
                       const Pcn__MeetingDetail *const *meetings, size_t n,
                       int64_t now_ms);

/* The same, naming people by the members given (the network's directory,
 * any order; NULL, 0 for none): an ORGANIZER for the organiser and an
 * ATTENDEE for each invitee (ROLE=REQ-PARTICIPANT) who has an e-mail
 * address, as mailto: with CN= their display name. Invitees without an
 * address, or not in the directory, are named in the description only.
 * libical escapes and folds the lines (RFC 5545 3.1, 3.2). Calendars
 * (Outlook, Google, Thunderbird) show them as the meeting's people; iTIP
 * (RFC 5546) would have a PUBLISH carry none, but no calendar refuses them
 * on import, and the file is not an invitation that asks for replies. */
char *pcn_meetings_ics_people(const char *network_id,
                              const Pcn__MeetingDetail *const *meetings,
                              size_t n, const Pcn__Member *const *members,
                              size_t n_members, int64_t now_ms);

#endif
