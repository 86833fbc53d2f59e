/* meetcal.h - meetings as people and calendars see them: Europe/London
 * local time (what every practice in England means by "10:00"), and
 * iCalendar (RFC 5545) through libical. Used by pcn (`pcn meeting`) and
 * pcn-desktop (the Meetings page); the server only ever sees Unix ms.
 *
 * London time (pcn_london_*) is common/uktime.h, included here.
 *
 * Portable: plain C and libical, no time zone database.
 */
#ifndef PCN_MEETCAL_H
#define PCN_MEETCAL_H

#include <stddef.h>
#include <stdint.h>

#include "pcn.pb-c.h"
#include "uktime.h"

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
