/* meetcal.c - iCalendar export for meetings (meetcal.h); London time is
 * common/uktime.c's (issue 20 moved it there for every area).
 *
 * The iCalendar is built and serialised by
 * libical, never printed by hand: it folds long lines, escapes commas and
 * newlines in text, and writes CRLF, as calendars expect.
 */
#include "meetcal.h"

#include <libical/ical.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printf_check.h"
#include "validate.h"

void pcn_meeting_uid(char *out, size_t n, const char *network_id, uint64_t id) {
  snprintf(out, n, "meeting-%s-%llu@pcn-hub", network_id,
           (unsigned long long)id);
}

/* ------------------------------------------------------------ iCalendar */

static struct icaltimetype utc_time(int64_t ms) {
  return icaltime_from_timet_with_zone((time_t)(ms / 1000), 0,
                                       icaltimezone_get_utc_timezone());
}

/* A growing text buffer for the description. */
typedef struct text {
  char *p;
  size_t len, cap;
  int failed;
} text;

static void add(text *t, const char *fmt, ...)
    PCN_PRINTF(2, 3);
static void add(text *t, const char *fmt, ...) {
  if (t->failed) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) {
    t->failed = 1;
    return;
  }
  if (t->len + (size_t)n + 1 > t->cap) {
    size_t cap = (t->len + (size_t)n + 1) * 2;
    char *p = realloc(t->p, cap);
    if (!p) {
      t->failed = 1;
      return;
    }
    t->p = p;
    t->cap = cap;
  }
  va_start(ap, fmt);
  vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
  va_end(ap);
  t->len += (size_t)n;
}

static int is_link(const char *s) {
  return strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0;
}

/* The agenda, then who is invited, as plain text (libical escapes it). */
static char *description(const Pcn__MeetingDetail *md) {
  const Pcn__Meeting *m = md->meeting;
  text t = {0};
  if (m->cancelled) add(&t, "This meeting is cancelled.\n\n");
  if (md->n_agenda) {
    add(&t, "Agenda:\n");
    for (size_t i = 0; i < md->n_agenda; i++)
      add(&t, "%u. %s (%s)\n", md->agenda[i]->n, md->agenda[i]->text,
          md->agenda[i]->added_by);
  } else {
    add(&t, "No agenda items yet.\n");
  }
  add(&t, "\nCalled by %s. Invited: ", m->organiser);
  for (size_t i = 0; i < m->n_invitees; i++)
    add(&t, "%s%s", i ? ", " : "", m->invitees[i]);
  add(&t, ".\nPCN Hub meeting %llu: pcn meeting show %llu",
      (unsigned long long)m->id, (unsigned long long)m->id);
  if (t.failed) {
    free(t.p);
    return NULL;
  }
  return t.p;
}

/* Who the calendar names: the directory the caller gave. */
typedef struct people {
  const Pcn__Member *const *m;
  size_t n;
} people;

static const Pcn__Member *person(const people *pp, const char *username) {
  for (size_t i = 0; i < pp->n; i++)
    if (pp->m[i] && strcmp(pp->m[i]->username, username) == 0) return pp->m[i];
  return NULL;
}

/* ATTENDEE (or ORGANIZER) for a member with an e-mail address; NULL for
 * one without, or when libical cannot make it. */
static icalproperty *address_of(const Pcn__Member *m, int organiser) {
  if (!m || !m->email || !m->email[0]) return NULL;
  char mailto[300];
  snprintf(mailto, sizeof mailto, "mailto:%s", m->email);
  icalproperty *p = organiser ? icalproperty_new_organizer(mailto)
                              : icalproperty_new_attendee(mailto);
  if (!p) return NULL;
  if (m->display_name && m->display_name[0]) {
    /* A parameter value cannot hold a double quote (RFC 5545 QSAFE-CHAR);
     * libical would write RFC 6868's ^', which Outlook and most readers
     * show as it is. An apostrophe reads the same to a person. */
    char cn[400];
    snprintf(cn, sizeof cn, "%s", m->display_name);
    for (char *c = cn; *c; c++)
      if (*c == '"') *c = '\'';
    icalproperty_add_parameter(p, icalparameter_new_cn(cn));
  }
  if (!organiser) {
    icalproperty_add_parameter(
        p, icalparameter_new_cutype(ICAL_CUTYPE_INDIVIDUAL));
    icalproperty_add_parameter(
        p, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
  }
  return p;
}

static void add_people(icalcomponent *ev, const Pcn__Meeting *m,
                       const people *pp) {
  icalproperty *org = address_of(person(pp, m->organiser), 1);
  if (org) icalcomponent_add_property(ev, org);
  for (size_t i = 0; i < m->n_invitees; i++) {
    icalproperty *a = address_of(person(pp, m->invitees[i]), 0);
    if (a) icalcomponent_add_property(ev, a);
  }
}

static icalcomponent *vevent(const char *network_id,
                             const Pcn__MeetingDetail *md, const people *pp,
                             int64_t now_ms) {
  const Pcn__Meeting *m = md->meeting;
  char uid[200];
  pcn_meeting_uid(uid, sizeof uid, network_id, m->id);
  char *desc = description(md);
  if (!desc) return NULL;
  icalcomponent *ev = icalcomponent_vanew(
      ICAL_VEVENT_COMPONENT, icalproperty_new_uid(uid),
      icalproperty_new_dtstamp(utc_time(now_ms)),
      icalproperty_new_dtstart(utc_time(m->starts_at)),
      icalproperty_new_dtend(utc_time(m->ends_at)),
      icalproperty_new_summary(m->title),
      icalproperty_new_sequence((int)m->version),
      icalproperty_new_status(m->cancelled ? ICAL_STATUS_CANCELLED
                                           : ICAL_STATUS_CONFIRMED),
      icalproperty_new_description(desc),
      icalproperty_new_created(utc_time(m->created_at)),
      icalproperty_new_lastmodified(utc_time(m->updated_at)), (void *)0);
  free(desc);
  if (!ev) return NULL;
  if (m->place[0]) {
    icalcomponent_add_property(ev, icalproperty_new_location(m->place));
    if (is_link(m->place))
      icalcomponent_add_property(ev, icalproperty_new_url(m->place));
  }
  add_people(ev, m, pp);
  return ev;
}

char *pcn_meetings_ics(const char *network_id,
                       const Pcn__MeetingDetail *const *meetings, size_t n,
                       int64_t now_ms) {
  return pcn_meetings_ics_people(network_id, meetings, n, NULL, 0, now_ms);
}

char *pcn_meetings_ics_people(const char *network_id,
                              const Pcn__MeetingDetail *const *meetings,
                              size_t n, const Pcn__Member *const *members,
                              size_t n_members, int64_t now_ms) {
  people pp = {members, members ? n_members : 0};
  icalcomponent *cal = icalcomponent_vanew(
      ICAL_VCALENDAR_COMPONENT,
      icalproperty_new_prodid("-//PCN Hub//Meetings " PCN_VERSION "//EN"),
      icalproperty_new_version("2.0"), icalproperty_new_calscale("GREGORIAN"),
      icalproperty_new_method(ICAL_METHOD_PUBLISH), (void *)0);
  if (!cal) return NULL;
  for (size_t i = 0; i < n; i++) {
    icalcomponent *ev = vevent(network_id, meetings[i], &pp, now_ms);
    if (!ev) {
      icalcomponent_free(cal);
      return NULL;
    }
    icalcomponent_add_component(cal, ev);
  }
  char *s = icalcomponent_as_ical_string_r(cal);
  icalcomponent_free(cal);
  if (!s) return NULL;
  char *out = strdup(s);
  icalmemory_free_buffer(s);
  return out;
}
