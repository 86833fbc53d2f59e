/* test_meetcal.c - client/meetcal: UK local time across the clock changes
 * (the hour that is skipped in March, the hour that happens twice in
 * October), and the iCalendar export read back with libical field by
 * field.
 */
#include <libical/ical.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "meetcal.h"
#include "validate.h"

#define MIN_MS 60000LL
#define HOUR_MS (60 * MIN_MS)

/* Unix ms of a UTC wall time. */
static int64_t utc(int y, int mo, int d, int h, int mi) {
  return pcn_days_from_civil(y, mo, d) * 86400000LL + h * HOUR_MS + mi * MIN_MS;
}

static int64_t london(int y, int mo, int d, int h, int mi) {
  int64_t ms = 0;
  assert_int_equal(pcn_london_to_utc(y, mo, d, h, mi, &ms), 0);
  return ms;
}

static void test_winter_and_summer(void **state) {
  (void)state;
  assert_int_equal(london(2026, 1, 15, 9, 0), utc(2026, 1, 15, 9, 0));
  assert_int_equal(london(2026, 7, 1, 12, 0), utc(2026, 7, 1, 11, 0));
  assert_int_equal(london(2026, 12, 31, 23, 59), utc(2026, 12, 31, 23, 59));
  /* Midsummer midnight is the previous evening in UTC. */
  assert_int_equal(london(2026, 7, 1, 0, 0), utc(2026, 6, 30, 23, 0));
  assert_string_equal(pcn_london_zone(utc(2026, 1, 15, 9, 0)), "GMT");
  assert_string_equal(pcn_london_zone(utc(2026, 7, 1, 9, 0)), "BST");
}

/* The last Sundays of March and October, at 01:00 UTC, for years whose
 * dates are known: 2024 (31 Mar, 27 Oct), 2025 (30 Mar, 26 Oct), 2026
 * (29 Mar, 25 Oct), 2027 (28 Mar, 31 Oct), 2030 (31 Mar, 27 Oct). */
static void test_change_instants(void **state) {
  (void)state;
  static const int days[][3] = {{2024, 31, 27},
                                {2025, 30, 26},
                                {2026, 29, 25},
                                {2027, 28, 31},
                                {2030, 31, 27}};
  for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
    int y = days[i][0];
    int64_t on = utc(y, 3, days[i][1], 1, 0),
            off = utc(y, 10, days[i][2], 1, 0);
    assert_int_equal(pcn_london_offset_min(on - 1), 0);
    assert_int_equal(pcn_london_offset_min(on), 60);
    assert_int_equal(pcn_london_offset_min(off - 1), 60);
    assert_int_equal(pcn_london_offset_min(off), 0);
  }
}

static void test_spring_gap(void **state) {
  (void)state;
  int64_t ms;
  /* 29 March 2026: 00:59 is GMT, 01:00-01:59 never happens, 02:00 BST. */
  assert_int_equal(london(2026, 3, 29, 0, 59), utc(2026, 3, 29, 0, 59));
  assert_int_equal(pcn_london_to_utc(2026, 3, 29, 1, 0, &ms), -2);
  assert_int_equal(pcn_london_to_utc(2026, 3, 29, 1, 30, &ms), -2);
  assert_int_equal(pcn_london_to_utc(2026, 3, 29, 1, 59, &ms), -2);
  assert_int_equal(london(2026, 3, 29, 2, 0), utc(2026, 3, 29, 1, 0));
  const char *why;
  assert_int_equal(pcn_london_parse("2026-03-29 01:30", &ms, &why), -1);
  assert_non_null(strstr(why, "clocks go forward"));
  /* A meeting 09:00-10:00 on the Monday after lasts an hour of UTC. */
  assert_int_equal(london(2026, 3, 30, 10, 0) - london(2026, 3, 30, 9, 0),
                   HOUR_MS);
  /* 00:30 to 03:30 local across the change is two hours. */
  assert_int_equal(london(2026, 3, 29, 3, 30) - london(2026, 3, 29, 0, 30),
                   2 * HOUR_MS);
}

static void test_autumn_repeat(void **state) {
  (void)state;
  /* 25 October 2026: 01:00-01:59 happens twice; a time in it means the
   * first (BST), and 02:00 is GMT. */
  assert_int_equal(london(2026, 10, 25, 0, 30), utc(2026, 10, 24, 23, 30));
  assert_int_equal(london(2026, 10, 25, 1, 30), utc(2026, 10, 25, 0, 30));
  assert_int_equal(london(2026, 10, 25, 2, 0), utc(2026, 10, 25, 2, 0));
  /* Both 01:30s read back as 01:30, each with its own zone. */
  char out[17];
  pcn_london_format(utc(2026, 10, 25, 0, 30), out);
  assert_string_equal(out, "2026-10-25 01:30");
  assert_string_equal(pcn_london_zone(utc(2026, 10, 25, 0, 30)), "BST");
  pcn_london_format(utc(2026, 10, 25, 1, 30), out);
  assert_string_equal(out, "2026-10-25 01:30");
  assert_string_equal(pcn_london_zone(utc(2026, 10, 25, 1, 30)), "GMT");
  /* 00:30 to 03:30 local across the change is four hours. */
  assert_int_equal(london(2026, 10, 25, 3, 30) - london(2026, 10, 25, 0, 30),
                   4 * HOUR_MS);
}

/* Every quarter hour for two days around each change: wall time and back
 * is the same instant, but for the second pass of October's hour (which
 * reads back as the first). */
static void test_round_trip(void **state) {
  (void)state;
  int64_t starts[] = {utc(2026, 3, 28, 0, 0), utc(2026, 10, 24, 0, 0),
                      utc(2199, 3, 29, 0, 0)};
  for (size_t s = 0; s < 3; s++) {
    for (int64_t t = starts[s]; t < starts[s] + 48 * HOUR_MS;
         t += 15 * MIN_MS) {
      char text[17];
      pcn_london_format(t, text);
      int64_t back;
      const char *why;
      assert_int_equal(pcn_london_parse(text, &back, &why), 0);
      if (back != t) {
        /* Only October's repeated hour, second time round. */
        assert_int_equal(back, t - HOUR_MS);
        assert_int_equal(pcn_london_offset_min(t), 0);
        assert_int_equal(pcn_london_offset_min(back), 60);
      }
    }
  }
}

static void test_parse(void **state) {
  (void)state;
  int64_t ms;
  const char *why;
  assert_int_equal(pcn_london_parse("2026-07-01 14:30", &ms, &why), 0);
  assert_int_equal(ms, utc(2026, 7, 1, 13, 30));
  assert_int_equal(pcn_london_parse("2026-07-01T14:30", &ms, &why), 0);
  assert_int_equal(ms, utc(2026, 7, 1, 13, 30));
  const char *bad[] = {"2026-02-30 10:00", "2026-07-01 24:00",
                       "2026-07-01",       "14:30",
                       "2026-7-1 14:30",   "",
                       "1999-12-31 10:00", "2026-07-01 14:3x"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(pcn_london_parse(bad[i], &ms, &why), -1);
    assert_non_null(strstr(why, "YYYY-MM-DD HH:MM"));
  }
  assert_int_equal(pcn_london_day("2026-07-01", &ms), 0);
  assert_int_equal(ms, utc(2026, 6, 30, 23, 0));
  assert_int_equal(pcn_london_day("2026-01-01", &ms), 0);
  assert_int_equal(ms, utc(2026, 1, 1, 0, 0));
  assert_int_equal(pcn_london_day("2026-13-01", &ms), -1);
}

/* ------------------------------------------------------------ iCalendar */

static Pcn__MeetingDetail *detail(uint64_t id, uint32_t version,
                                  const char *title, int cancelled) {
  Pcn__MeetingDetail *d = calloc(1, sizeof *d);
  Pcn__Meeting *m = calloc(1, sizeof *m);
  pcn__meeting_detail__init(d);
  pcn__meeting__init(m);
  d->meeting = m;
  m->id = id;
  m->version = version;
  m->title = (char *)title;
  m->starts_at = london(2026, 3, 31, 14, 30); /* BST: 13:30 UTC */
  m->ends_at = london(2026, 3, 31, 16, 0);
  m->place = "https://teams.example.nhs.uk/l/meetup-join/19%3ameeting_abc";
  static char *inv[] = {"manager", "jo", "sam"};
  m->invitees = inv;
  m->n_invitees = 3;
  m->organiser = "manager";
  m->cancelled = cancelled;
  m->created_at = utc(2026, 3, 1, 9, 0);
  m->updated_at = utc(2026, 3, 2, 9, 0);
  static Pcn__MeetingAgendaItem a1 = PCN__MEETING_AGENDA_ITEM__INIT,
                                a2 = PCN__MEETING_AGENDA_ITEM__INIT;
  a1.n = 1;
  a1.text = "ARRS budget; Q1 claim, and the rota";
  a1.added_by = "manager";
  a2.n = 2;
  a2.text = "Estates: Hill Street lease";
  a2.added_by = "jo";
  static Pcn__MeetingAgendaItem *items[] = {&a1, &a2};
  d->agenda = items;
  d->n_agenda = 2;
  return d;
}

static void detail_free(Pcn__MeetingDetail *d) {
  free(d->meeting);
  free(d);
}

static void test_ics_round_trip(void **state) {
  (void)state;
  const char *net = "0123456789abcdef0123456789abcdef";
  Pcn__MeetingDetail *a = detail(7, 3, "PCN board, March; part 1", 0);
  Pcn__MeetingDetail *b = detail(8, 1, "Cancelled one", 1);
  const Pcn__MeetingDetail *both[] = {a, b};
  int64_t now = utc(2026, 3, 20, 12, 0);
  char *ics = pcn_meetings_ics(net, both, 2, now);
  assert_non_null(ics);
  assert_non_null(strstr(ics, "\r\n")); /* CRLF lines, as RFC 5545 says */
  assert_non_null(strstr(ics, "METHOD:PUBLISH"));

  icalcomponent *cal = icalparser_parse_string(ics);
  assert_non_null(cal);
  assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
  assert_int_equal(icalcomponent_get_method(cal), ICAL_METHOD_PUBLISH);
  icalproperty *v =
      icalcomponent_get_first_property(cal, ICAL_VERSION_PROPERTY);
  assert_string_equal(icalproperty_get_version(v), "2.0");
  assert_int_equal(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT),
                   2);

  icalcomponent *ev =
      icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
  assert_string_equal(icalcomponent_get_uid(ev),
                      "meeting-0123456789abcdef0123456789abcdef-7@pcn-hub");
  assert_string_equal(icalcomponent_get_summary(ev),
                      "PCN board, March; part 1");
  assert_int_equal(icalcomponent_get_sequence(ev), 3);
  struct icaltimetype st = icalcomponent_get_dtstart(ev);
  assert_true(icaltime_is_utc(st));
  assert_int_equal((int64_t)icaltime_as_timet(st) * 1000,
                   utc(2026, 3, 31, 13, 30));
  struct icaltimetype en = icalcomponent_get_dtend(ev);
  assert_true(icaltime_is_utc(en));
  assert_int_equal((int64_t)icaltime_as_timet(en) * 1000,
                   utc(2026, 3, 31, 15, 0));
  assert_int_equal(
      (int64_t)icaltime_as_timet(icalcomponent_get_dtstamp(ev)) * 1000, now);
  assert_string_equal(icalcomponent_get_location(ev), a->meeting->place);
  icalproperty *url = icalcomponent_get_first_property(ev, ICAL_URL_PROPERTY);
  assert_non_null(url);
  assert_string_equal(icalproperty_get_url(url), a->meeting->place);
  assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_CONFIRMED);
  const char *desc = icalcomponent_get_description(ev);
  assert_non_null(
      strstr(desc, "1. ARRS budget; Q1 claim, and the rota (manager)"));
  assert_non_null(strstr(desc, "\n2. Estates: Hill Street lease (jo)"));
  assert_non_null(strstr(desc, "Invited: manager, jo, sam."));

  icalcomponent *ev2 =
      icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT);
  assert_string_equal(icalcomponent_get_uid(ev2),
                      "meeting-0123456789abcdef0123456789abcdef-8@pcn-hub");
  assert_int_equal(icalcomponent_get_status(ev2), ICAL_STATUS_CANCELLED);
  assert_int_equal(icalcomponent_get_sequence(ev2), 1);
  icalcomponent_free(cal);
  free(ics);

  /* The same meeting exported again after a change: same UID, higher
   * SEQUENCE, so a calendar updates the event instead of adding one. */
  a->meeting->version = 4;
  ics = pcn_meetings_ics(net, both, 1, now + 1000);
  cal = icalparser_parse_string(ics);
  ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
  assert_string_equal(icalcomponent_get_uid(ev),
                      "meeting-0123456789abcdef0123456789abcdef-7@pcn-hub");
  assert_int_equal(icalcomponent_get_sequence(ev), 4);
  icalcomponent_free(cal);
  free(ics);
  detail_free(a);
  detail_free(b);
}

/* Invitees with an e-mail address are ATTENDEEs (CN= their name, which
 * libical quotes and escapes), the organiser is the ORGANIZER, and one
 * without an address is left out; long lines are folded at 75 octets. */
static void test_ics_attendees(void **state) {
  (void)state;
  Pcn__MeetingDetail *a = detail(9, 2, "Board", 0);
  Pcn__Member mgr = PCN__MEMBER__INIT, jo = PCN__MEMBER__INIT,
              sam = PCN__MEMBER__INIT, other = PCN__MEMBER__INIT;
  mgr.username = "manager";
  mgr.display_name = "Alex Manager";
  mgr.email = "alex.manager@nhs.net";
  jo.username = "jo";
  jo.display_name = "O'Brien, Jo; \"JB\": practice manager at Riverside "
                    "Surgery and the network's estates lead";
  jo.email = "jo.obrien+pcn@riverside-surgery.nhs.uk";
  sam.username = "sam";
  sam.display_name = "Sam";
  sam.email = ""; /* no address: named in the description only */
  other.username = "zed";
  other.display_name = "Not invited";
  other.email = "zed@nhs.net";
  const Pcn__Member *dir[] = {&other, &sam, &jo, &mgr};
  const Pcn__MeetingDetail *one[] = {a};
  char *ics =
      pcn_meetings_ics_people("net", one, 1, dir, 4, utc(2026, 3, 20, 12, 0));
  assert_non_null(ics);
  /* RFC 5545 3.1: no line longer than 75 octets; a fold is CRLF and a
   * space. */
  for (const char *line = ics; *line;) {
    const char *end = strstr(line, "\r\n");
    assert_non_null(end);
    if (end - line > 75)
      fail_msg("unfolded line: %.*s", (int)(end - line), line);
    line = end + 2;
  }
  icalcomponent *cal = icalparser_parse_string(ics);
  icalcomponent *ev =
      icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
  assert_int_equal(icalcomponent_count_properties(ev, ICAL_ATTENDEE_PROPERTY),
                   2);
  int seen_jo = 0, seen_mgr = 0;
  for (icalproperty *p =
           icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
       p; p = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY)) {
    const char *who = icalproperty_get_attendee(p);
    icalparameter *cn = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
    assert_non_null(cn);
    icalparameter *role =
        icalproperty_get_first_parameter(p, ICAL_ROLE_PARAMETER);
    assert_int_equal(icalparameter_get_role(role), ICAL_ROLE_REQPARTICIPANT);
    if (!strcmp(who, "mailto:jo.obrien+pcn@riverside-surgery.nhs.uk")) {
      seen_jo = 1;
      /* Double quotes cannot be in a parameter: apostrophes instead. */
      assert_string_equal(icalparameter_get_cn(cn),
                          "O'Brien, Jo; 'JB': practice manager at Riverside "
                          "Surgery and the network's estates lead");
    } else if (!strcmp(who, "mailto:alex.manager@nhs.net")) {
      seen_mgr = 1;
      assert_string_equal(icalparameter_get_cn(cn), "Alex Manager");
    } else {
      fail_msg("unexpected ATTENDEE %s", who);
    }
  }
  assert_true(seen_jo && seen_mgr);
  icalproperty *org =
      icalcomponent_get_first_property(ev, ICAL_ORGANIZER_PROPERTY);
  assert_non_null(org);
  assert_string_equal(icalproperty_get_organizer(org),
                      "mailto:alex.manager@nhs.net");
  icalcomponent_free(cal);
  free(ics);
  /* Without a directory: no people lines at all. */
  ics = pcn_meetings_ics("net", one, 1, utc(2026, 3, 20, 12, 0));
  assert_null(strstr(ics, "ATTENDEE"));
  assert_null(strstr(ics, "ORGANIZER"));
  free(ics);
  detail_free(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_winter_and_summer),
      cmocka_unit_test(test_change_instants),
      cmocka_unit_test(test_spring_gap),
      cmocka_unit_test(test_autumn_repeat),
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_parse),
      cmocka_unit_test(test_ics_round_trip),
      cmocka_unit_test(test_ics_attendees),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
