/* test_desktop_meetings.c - the Meetings page. The PCN manager calls a
 * meeting over the wire inviting Jo: it appears live on Jo's page, chosen,
 * and Jo is told she is invited. Jo adds an agenda item through the page's
 * entry and button; the manager's own item arrives live; an action the
 * manager assigns to Jo shows as a task link ("Task: <title>", no number)
 * and raises a notice. The export writes an .ics that libical reads back
 * with the meeting's UID and version, naming Jo (who has an e-mail
 * address) as an ATTENDEE.
 * Screenshot: desktop-meetings.png.
 */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "dtest.h"
#include "meetings.h"
#include "uktime.h"

static GtkWidget *page_root;
static const char *want_text;
static guint want_notices;
static guint64 want_id;

/* A label on the page (a button's too) shows want_text. */
static int shows(fixture *f) {
  (void)f;
  return dtest_label_under(page_root, want_text);
}
/* Jo's row in the Members list shows her e-mail address. */
static int jo_has_email(fixture *f) {
  GListModel *m = pcn_desk_members(f->d);
  int hit = 0;
  for (guint i = 0; i < g_list_model_get_n_items(m) && !hit; i++) {
    PcnRecordRow *r = g_list_model_get_item(m, i);
    hit = !strcmp(pcn_record_row_key(r), "jo") &&
          strstr(pcn_record_row_subtitle(r), "jo@riverside.nhs.uk");
    g_object_unref(r);
  }
  return hit;
}
static int notices(fixture *f) {
  return pcn_desk_notices(f->d, NULL) >= want_notices;
}
static int chosen(fixture *f) {
  return pcn_desk_meeting_selected(f->d) == want_id &&
         pcn_desk_meeting_detail_ready(f->d);
}

static const Pcn__Response *call(its_member *m, Pcn__Request *r) {
  return its_expect(m, r, PCN__STATUS_CODE__OK);
}

static void test_meetings(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  gtk_stack_set_visible_child_name(
      GTK_STACK(find_widget(win, GTK_TYPE_STACK, NULL)), "meetings");
  page_root = win;
  spin_ms(100);

  /* The manager calls a meeting, over the wire, inviting Jo. */
  int64_t start = (pcn_now_ms() / 60000 + 3 * 24 * 60) * 60000;
  guint before = pcn_desk_notices(f->d, NULL);
  char *inv[] = {"jo"};
  Pcn__MeetingCreate c = PCN__MEETING_CREATE__INIT;
  c.title = "PCN board";
  c.starts_at = start;
  c.ends_at = start + 90 * 60000;
  c.place = "Riverside Surgery, room 2";
  c.invitees = inv;
  c.n_invitees = 1;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_MEETING_CREATE;
  r.meeting_create = &c;
  uint64_t id = call(f->mgr, &r)->meeting->id;
  want_id = id;
  assert_true(spin_until(f, chosen, 5000)); /* live, and chosen */
  want_text = "Riverside Surgery, room 2";
  assert_true(spin_until(f, shows, 5000));
  want_notices = before + 1;
  assert_true(spin_until(f, notices, 5000));
  const char *last;
  pcn_desk_notices(f->d, &last);
  assert_non_null(strstr(last, "invited"));
  assert_non_null(strstr(last, "PCN board"));

  /* Jo adds an agenda item through the page. */
  GtkWidget *entry = find_widget(win, GTK_TYPE_ENTRY, "New agenda item");
  assert_non_null(entry);
  type_text(entry, "Estates: Hill Street lease");
  dtest_click(win, "Add to agenda");
  want_text = "1. Estates: Hill Street lease — jo";
  assert_true(spin_until(f, shows, 5000));
  Pcn__MeetingGet g = PCN__MEETING_GET__INIT;
  g.id = id;
  Pcn__Request gr = PCN__REQUEST__INIT;
  gr.body_case = PCN__REQUEST__BODY_MEETING_GET;
  gr.meeting_get = &g;
  const Pcn__Response *resp = call(f->mgr, &gr);
  assert_int_equal(resp->meeting_detail->n_agenda, 1);
  assert_string_equal(resp->meeting_detail->agenda[0]->added_by, "jo");

  /* The manager's own item arrives live. */
  Pcn__MeetingAgendaAdd a = PCN__MEETING_AGENDA_ADD__INIT;
  a.id = id;
  a.text = "ARRS claim for the quarter";
  Pcn__Request ar = PCN__REQUEST__INIT;
  ar.body_case = PCN__REQUEST__BODY_MEETING_AGENDA_ADD;
  ar.meeting_agenda_add = &a;
  call(f->mgr, &ar);
  want_text = "2. ARRS claim for the quarter — PCN Manager";
  assert_true(spin_until(f, shows, 5000));

  /* An action for Jo: a task link on the page, and a notice. */
  before = pcn_desk_notices(f->d, NULL);
  Pcn__MeetingActionAdd act = PCN__MEETING_ACTION_ADD__INIT;
  act.id = id;
  act.title = "Summarise the lease";
  act.assignee = "jo";
  act.due = "2030-01-10";
  act.practice = "";
  act.body = "";
  Pcn__Request acr = PCN__REQUEST__INIT;
  acr.body_case = PCN__REQUEST__BODY_MEETING_ACTION_ADD;
  acr.meeting_action_add = &act;
  uint64_t task = call(f->mgr, &acr)->meeting_action->task_id;
  /* The link says what the task is; the server's number for it is not
   * the reader's (issue 19), only the button's name. */
  want_text = "Task: Summarise the lease → ";
  assert_true(spin_until(f, shows, 5000));
  char link[80];
  snprintf(link, sizeof link, "Task %llu", (unsigned long long)task);
  assert_false(dtest_label_under(page_root, link));
  GtkWidget *open = find_widget(page_root, GTK_TYPE_BUTTON, link);
  assert_non_null(open);
  assert_true(dtest_label_under(open, "Summarise the lease"));
  want_notices = before + 1;
  assert_true(spin_until(f, notices, 5000));
  spin_ms(300); /* the task's own notice and the action's: one notice */
  assert_int_equal(pcn_desk_notices(f->d, &last), before + 1);
  assert_non_null(strstr(last, "An action for you"));
  assert_non_null(strstr(last, "Summarise the lease"));

  /* Jo's e-mail address, set over the wire, reaches her window. */
  Pcn__MemberSetEmail se = PCN__MEMBER_SET_EMAIL__INIT;
  se.username = "jo";
  se.email = "jo@riverside.nhs.uk";
  Pcn__Request ser = PCN__REQUEST__INIT;
  ser.body_case = PCN__REQUEST__BODY_MEMBER_SET_EMAIL;
  ser.member_set_email = &se;
  call(f->mgr, &ser);
  assert_true(spin_until(f, jo_has_email, 5000));

  /* Export: an .ics that libical reads back, with the stable UID. */
  char path[400], err[400];
  snprintf(path, sizeof path, "%s/meeting.ics", f->s->dir);
  assert_int_equal(pcn_desk_meeting_export(f->d, path, err, sizeof err), 0);
  gchar *text = NULL;
  assert_true(g_file_get_contents(path, &text, NULL, NULL));
  icalcomponent *cal = icalparser_parse_string(text);
  assert_non_null(cal);
  icalcomponent *ev =
      icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
  assert_non_null(ev);
  const Pcn__Welcome *w = pcn_client_welcome(pcn_sync_client(f->mgr->s));
  char uid[200];
  snprintf(uid, sizeof uid, "meeting-%s-%llu@pcn-hub", w->network_id,
           (unsigned long long)id);
  assert_string_equal(icalcomponent_get_uid(ev), uid);
  resp = call(f->mgr, &gr);
  assert_int_equal(icalcomponent_get_sequence(ev),
                   (int)resp->meeting_detail->meeting->version);
  assert_int_equal((int64_t)icaltime_as_timet(icalcomponent_get_dtstart(ev)),
                   start / 1000);
  assert_non_null(strstr(icalcomponent_get_description(ev),
                         "1. Estates: Hill Street lease (jo)"));
  /* Jo has an address, the manager none: one ATTENDEE, no ORGANIZER. */
  assert_int_equal(icalcomponent_count_properties(ev, ICAL_ATTENDEE_PROPERTY),
                   1);
  icalproperty *att =
      icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
  assert_string_equal(icalproperty_get_attendee(att),
                      "mailto:jo@riverside.nhs.uk");
  assert_null(icalcomponent_get_first_property(ev, ICAL_ORGANIZER_PROPERTY));
  icalcomponent_free(cal);
  g_free(text);

  /* Jo, a practice manager, calls a meeting through the form. */
  dtest_click(win, "New meeting");
  GtkWidget *form = dtest_window_named("New meeting");
  assert_non_null(form);
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Title"), "PM catch-up");
  /* The date as people in England type it (issue 19). */
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Date"), "9/12/2031");
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Starts"), "14:00");
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Ends"), "15:00");
  /* Invitees are picked from the members, not typed. */
  assert_null(find_widget(form, GTK_TYPE_ENTRY, "Invite"));
  gtk_check_button_set_active(
      GTK_CHECK_BUTTON(find_widget(form, GTK_TYPE_CHECK_BUTTON, "manager")),
      TRUE);
  assert_int_equal(dtest_unnamed(form), 0);
  shot(form, "desktop-meetings-new");
  dtest_click(form, "Call meeting");
  want_id = id + 1;
  assert_true(spin_until(f, chosen, 5000));
  want_text = "Tue 9 Dec 2031, 14:00–15:00";
  assert_true(spin_until(f, shows, 5000));
  /* On the server: 9 December 2031, 14:00 UK time (GMT then), with the
   * manager invited. */
  g.id = id + 1;
  resp = call(f->mgr, &gr);
  int64_t want_ms;
  const char *why;
  assert_int_equal(pcn_london_parse("2031-12-09 14:00", &want_ms, &why), 0);
  assert_int_equal(resp->meeting_detail->meeting->starts_at, want_ms);
  int invited = 0;
  for (size_t i = 0; i < resp->meeting_detail->meeting->n_invitees; i++)
    invited += !strcmp(resp->meeting_detail->meeting->invitees[i], "manager");
  assert_int_equal(invited, 1);
  assert_int_equal(pcn_desk_meeting_count(f->d), 2);

  /* Across the clocks going forward each end has its own zone (issue 20). */
  dtest_click(win, "New meeting");
  form = dtest_window_named("New meeting");
  assert_non_null(form);
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Title"), "Spring forward");
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Date"), "2027-03-28");
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Starts"), "00:30");
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Ends"), "02:30");
  gtk_check_button_set_active(
      GTK_CHECK_BUTTON(find_widget(form, GTK_TYPE_CHECK_BUTTON, "manager")),
      TRUE);
  dtest_click(form, "Call meeting");
  want_id = id + 2;
  assert_true(spin_until(f, chosen, 5000));
  want_text = "Sun 28 Mar 2027, 00:30 GMT – 02:30 BST";
  assert_true(spin_until(f, shows, 5000));
  assert_int_equal(pcn_desk_meeting_count(f->d), 3);
  pcn_desk_meeting_select(f->d, id);
  want_id = id;
  assert_true(spin_until(f, chosen, 5000));

  /* The export button is there for people, with its file chooser. */
  assert_non_null(
      find_widget(win, GTK_TYPE_BUTTON, "Export to calendar (.ics)"));
  shot(win, "desktop-meetings");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_meetings, dtest_setup,
                                      dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
