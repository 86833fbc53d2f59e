/* test_desktop_claims.c - the Claims page. Jo (practice manager at
 * F84001) claims for Dr Khan's time at a meeting through the page's form;
 * a claim the PCN manager makes for F84001 over the wire appears live,
 * and one for F84002 never does. The PCN manager, in a second window,
 * approves one claim (choosing the stream) and rejects another (saying
 * why, then confirming what the rejection does) through the real widgets; Jo's
 * window follows and Jo is told of each decision. The year end below shows what
 * F84001 was paid. Every control on the page has a name.
 *
 * Issue 19: the form picks the meeting from a drop-down of the meetings
 * held (by title, day and time; one called later arrives live, one not
 * yet started and a cancelled one are not offered) and the person by name
 * (Jo's picker has her practice's people only); a claim reads with the
 * person's name, the role in words ("GP"), the practice's name and the
 * meeting's title and date, with no claim or meeting number, username,
 * role key or ODS code in what the rows, notes, dialog and notices say;
 * a year-end row starts with the practice's name, its code in the
 * tooltip.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "dtest.h"
#include "validate.h"
#include "words.h"

static void call_ok(its_member *m, Pcn__Request *r) {
  its_expect(m, r, PCN__STATUS_CODE__OK);
}

static void rate(its_member *m, const char *role, int64_t pph) {
  Pcn__FundsBackfillRateSet s = PCN__FUNDS_BACKFILL_RATE_SET__INIT;
  s.role = (char *)role;
  s.pence_per_hour = pph;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_BACKFILL_RATE_SET;
  r.funds_backfill_rate_set = &s;
  call_ok(m, &r);
}

/* Invites username with a full name and lets them join. */
static void person(fixture *f, const char *username, const char *name, int role,
                   const char *practice) {
  Pcn__MemberInvite inv = PCN__MEMBER_INVITE__INIT;
  inv.username = (char *)username;
  inv.display_name = (char *)name;
  inv.role = role;
  inv.practice = (char *)practice;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_MEMBER_INVITE;
  r.member_invite = &inv;
  char *code =
      strdup(its_expect(f->mgr, &r, PCN__STATUS_CODE__OK)->invitation->code);
  its_member_free(its_join(f->s, code));
  free(code);
}

/* A meeting of minutes starting at 10:00 UTC day days after 5 Oct 2026
 * (negative: before); *label set to how the form's drop-down names it. */
static uint64_t meeting_called(its_member *m, const char *title, int day,
                               int minutes, char label[80]) {
  int64_t start =
      (pcn_days_from_civil(2026, 10, 5) + day) * 86400000LL + 36000000LL;
  if (label) {
    char when[32];
    desk_datetime_words(start, when, sizeof when);
    snprintf(label, 80, "%s, %s", title, when);
  }
  Pcn__MeetingCreate c = PCN__MEETING_CREATE__INIT;
  c.title = (char *)title;
  c.starts_at = start;
  c.ends_at = start + minutes * 60000LL;
  c.place = "";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_MEETING_CREATE;
  r.meeting_create = &c;
  return its_expect(m, &r, PCN__STATUS_CODE__OK)->meeting->id;
}

/* Whether drop-down dd (of strings) offers label. */
static int offers(GtkWidget *dd, const char *label) {
  GListModel *m = gtk_drop_down_get_model(GTK_DROP_DOWN(dd));
  for (guint i = 0; i < g_list_model_get_n_items(m); i++)
    if (!strcmp(gtk_string_list_get_string(GTK_STRING_LIST(m), i), label))
      return 1;
  return 0;
}

static GtkWidget *offer_win;
static const char *offer_dd, *offer_label;
static int offered(fixture *f) {
  (void)f;
  GtkWidget *dd = find_widget(offer_win, GTK_TYPE_DROP_DOWN, offer_dd);
  return dd && offers(dd, offer_label);
}

/* Waits (8 s) until win's drop-down named dd offers label. */
static int wait_offer(fixture *f, GtkWidget *win, const char *dd,
                      const char *label) {
  offer_win = win;
  offer_dd = dd;
  offer_label = label;
  return spin_until(f, offered, 8000);
}

/* The first label under w (a claim row's heading), or NULL. */
static GtkWidget *first_label(GtkWidget *w) {
  if (GTK_IS_LABEL(w)) return w;
  for (GtkWidget *c = gtk_widget_get_first_child(w); c;
       c = gtk_widget_get_next_sibling(c)) {
    GtkWidget *l = first_label(c);
    if (l) return l;
  }
  return NULL;
}

/* No username, role key, ODS code or record number in any label under
 * w (issue 19). */
static void assert_words_under(GtkWidget *w) {
  if (GTK_IS_LABEL(w)) {
    const char *t = gtk_label_get_text(GTK_LABEL(w));
    static const char *const codes[] = {"dr.khan",
                                        "nia.roberts",
                                        "lucy.turner",
                                        "F84001",
                                        "F84002",
                                        "practice-manager",
                                        "Claim 1",
                                        "Meeting 1",
                                        " gp ",
                                        "pcn ",
                                        "`"};
    for (size_t i = 0; i < G_N_ELEMENTS(codes); i++)
      if (strstr(t, codes[i])) fail_msg("'%s' shows %s", t, codes[i]);
  }
  for (GtkWidget *c = gtk_widget_get_first_child(w); c;
       c = gtk_widget_get_next_sibling(c))
    assert_words_under(c);
}

static void attend(its_member *m, uint64_t id, const char *user,
                   uint32_t minutes) {
  Pcn__MeetingAttend a = PCN__MEETING_ATTEND__INIT;
  char *users[] = {(char *)user};
  a.id = id;
  a.usernames = users;
  a.n_usernames = 1;
  a.minutes = minutes;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_MEETING_ATTEND;
  r.meeting_attend = &a;
  call_ok(m, &r);
}

static void claim(its_member *m, uint64_t meeting_id, const char *user,
                  const char *role) {
  Pcn__FundsClaimCreate c = PCN__FUNDS_CLAIM_CREATE__INIT;
  c.meeting_id = meeting_id;
  c.username = (char *)user;
  c.role = (char *)role;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_CLAIM_CREATE;
  r.funds_claim_create = &c;
  call_ok(m, &r);
}

static void test_claims(void **state) {
  fixture *f = *state;
  GtkWidget *jo_win = GTK_WIDGET(pcn_desk_window(f->d));
  its_add_practice(f->mgr, "F84002", "Hill Street", 8000);
  person(f, "dr.khan", "Dr Amir Khan", PCN__ROLE__CLINICIAN, "F84001");
  person(f, "nia.roberts", "Nia Roberts", PCN__ROLE__STAFF, "F84002");
  person(f, "lucy.turner", "Dr Lucy Turner", PCN__ROLE__CLINICIAN, "F84001");
  rate(f->mgr, "gp", 11000);
  rate(f->mgr, "staff", 4537);
  char first[80], second[80], ahead[80], off[80];
  uint64_t m1 = meeting_called(f->mgr, "Network board", 0, 90, first),
           m2 = meeting_called(f->mgr, "Network board", 1, 60, second);
  attend(f->mgr, m1, "dr.khan", 0);
  attend(f->mgr, m1, "nia.roberts", 50);
  attend(f->mgr, m2, "dr.khan", 30);
  /* Not offered: one not started yet, one cancelled. */
  int days_ahead = pcn_date_today() - pcn_days_from_civil(2026, 10, 5) + 3;
  meeting_called(f->mgr, "Next board", days_ahead, 60, ahead);
  uint64_t gone = meeting_called(f->mgr, "Called off", -3, 60, off);
  Pcn__MeetingUpdate mu = PCN__MEETING_UPDATE__INIT;
  mu.id = gone;
  mu.version = 1;
  mu.has_cancelled_case = PCN__MEETING_UPDATE__HAS_CANCELLED_CANCELLED;
  mu.cancelled = 1;
  Pcn__Request ur = PCN__REQUEST__INIT;
  ur.body_case = PCN__REQUEST__BODY_MEETING_UPDATE;
  ur.meeting_update = &mu;
  call_ok(f->mgr, &ur);

  dtest_show_page(jo_win, "claims");
  assert_true(dtest_wait_says(f, jo_win, "Claims summary",
                              "0 claims waiting for a decision"));
  assert_true(dtest_says(jo_win, "Claims", "No backfill claims yet"));

  /* Jo claims through the form. */
  GtkWidget *form = find_widget(jo_win, 0, "Claim form");
  assert_non_null(form);
  /* Shown once the page knows Jo is a practice manager. */
  for (int i = 0; i < 80 && !gtk_widget_get_visible(form); i++)
    spin_ms(100);
  assert_true(gtk_widget_get_visible(form));
  /* The meetings held, by title and time, newest first; nothing typed. */
  assert_null(find_widget(form, GTK_TYPE_ENTRY, "Claim meeting"));
  assert_true(wait_offer(f, jo_win, "Claim meeting", first));
  GtkWidget *meetings = find_widget(form, GTK_TYPE_DROP_DOWN, "Claim meeting");
  assert_true(offers(meetings, second));
  assert_false(offers(meetings, ahead));
  assert_false(offers(meetings, off));
  GListModel *mm = gtk_drop_down_get_model(GTK_DROP_DOWN(meetings));
  assert_string_equal(gtk_string_list_get_string(GTK_STRING_LIST(mm), 0),
                      second);
  /* Jo's people by name; Hill Street's Nia is not hers to claim for. */
  assert_true(wait_offer(f, jo_win, "Claim person", "Dr Amir Khan"));
  GtkWidget *people = find_widget(form, GTK_TYPE_DROP_DOWN, "Claim person");
  assert_false(offers(people, "Nia Roberts"));
  assert_false(offers(people, "dr.khan"));
  dtest_pick(meetings, first);
  dtest_pick(people, "Dr Amir Khan");
  /* No role to pick: the server pays Dr Khan's own (a GP's). */
  assert_null(find_widget(form, GTK_TYPE_ENTRY, "Claim role"));
  dtest_click(form, "Claim");
  assert_true(
      dtest_wait_says(f, jo_win, "Claim 1",
                      "Pending · Dr Amir Khan · GP · Riverside Surgery · 90 "
                      "min · £165.00"));
  GtkWidget *head = first_label(find_widget(jo_win, 0, "Claim 1"));
  assert_non_null(head);
  assert_string_equal(gtk_widget_get_tooltip_text(head),
                      "Riverside Surgery (F84001)");
  char day[24], sub[80];
  desk_date_words("2026-10-05", day, sizeof day, DESK_DATE_YEAR);
  snprintf(sub, sizeof sub, "Network board, %s. £110.00 an hour.", day);
  assert_true(dtest_says(jo_win, "Claim 1", sub));
  assert_true(dtest_says(jo_win, "Claims note",
                         "Claimed £165.00 for Dr Amir Khan's time at Network "
                         "board"));
  /* No decision controls for Jo. */
  assert_null(find_widget(jo_win, 0, "Approve claim 1"));
  /* The server's refusals in words: Dr Turner was not there; Dr Khan's
   * time is claimed already. No username, meeting number or command. */
  char refused[200];
  snprintf(refused, sizeof refused,
           "Dr Lucy Turner is not recorded as attending Network board on %s.",
           day);
  dtest_pick(people, "Dr Lucy Turner");
  dtest_click(form, "Claim");
  assert_true(dtest_wait_says(f, jo_win, "Claims note", refused));
  dtest_pick(people, "Dr Amir Khan");
  dtest_click(form, "Claim");
  snprintf(refused, sizeof refused,
           "Dr Amir Khan's time at Network board on %s is already claimed, "
           "waiting for a decision.",
           day);
  assert_true(dtest_wait_says(f, jo_win, "Claims note", refused));
  assert_words_under(find_widget(jo_win, 0, "Claims page"));

  /* The manager claims for F84002 (never shown to Jo) and for F84001
   * (live). */
  claim(f->mgr, m1, "nia.roberts", "");
  claim(f->mgr, m2, "dr.khan", "");
  assert_true(dtest_wait_says(f, jo_win, "Claim 3", "30 min · £55.00"));
  assert_true(dtest_wait_says(f, jo_win, "Claims summary",
                              "2 claims waiting for a decision: £220.00"));
  assert_null(find_widget(jo_win, 0, "Claim 2"));
  spin_ms(200);
  shot(jo_win, "desktop-claims");
  assert_int_equal(dtest_unnamed(find_widget(jo_win, 0, "Claims page")), 0);

  /* The PCN manager decides through the widgets. */
  Pcn__FundsReceive rc = PCN__FUNDS_RECEIVE__INIT;
  rc.stream = "core";
  rc.pence = 100000;
  rc.date = "2026-04-02";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_RECEIVE;
  r.funds_receive = &rc;
  call_ok(f->mgr, &r);
  pcn_desk *md = dtest_open_manager(f);
  GtkWidget *mgr_win = GTK_WIDGET(pcn_desk_window(md));
  dtest_show_page(mgr_win, "claims");
  assert_true(dtest_wait_says(f, mgr_win, "Claim 2",
                              "Nia Roberts · Staff · Hill Street"));
  /* The manager's picker: everyone, Nia too. */
  assert_true(wait_offer(f, mgr_win, "Claim person", "Nia Roberts"));
  assert_true(dtest_wait_says(f, mgr_win, "Claim 1", "Pending"));
  assert_int_equal(dtest_unnamed(find_widget(mgr_win, 0, "Claims page")), 0);
  spin_ms(200);
  shot(mgr_win, "desktop-claims-manager");
  unsigned before = pcn_desk_notices(f->d, NULL);
  GtkWidget *dd =
      find_widget(mgr_win, GTK_TYPE_DROP_DOWN, "Stream for claim 1");
  assert_non_null(dd);
  dtest_pick(dd, "core");
  dtest_click(mgr_win, "Approve claim 1");
  assert_true(dtest_wait_says(f, jo_win, "Claim 1", "Approved"));
  assert_true(
      dtest_wait_says(f, jo_win, "Claim 1", "Paid from Core PCN funding"));
  assert_true(dtest_wait_notice(f, f->d, before, "approved"));
  const char *said;
  pcn_desk_notices(f->d, &said);
  if (!strstr(said, "Dr Amir Khan at Network board") || strstr(said, "dr.khan"))
    fail_msg("the notice says '%s'", said);
  before = pcn_desk_notices(f->d, NULL);
  /* The manager's list has the decision too before typing there. */
  assert_true(
      dtest_wait_says(f, mgr_win, "Claim 1", "Paid from Core PCN funding"));
  spin_ms(300);
  type_text(find_widget(mgr_win, GTK_TYPE_ENTRY, "Reason for claim 3"),
            "Not a board member");
  /* Rejecting asks first, naming the claim and the reason (issue 19). */
  dtest_click(mgr_win, "Reject claim 3");
  GtkWidget *dlg = dtest_window_named("Confirm");
  assert_non_null(dlg);
  assert_true(
      dtest_label_under(dlg, "Reject the claim for Dr Amir Khan's time?"));
  assert_true(dtest_label_under(dlg, "“Not a board member”"));
  dtest_click(dlg, "Reject claim");
  assert_true(
      dtest_wait_says(f, jo_win, "Claim 3", "Rejected: Not a board member"));
  assert_true(dtest_wait_notice(f, f->d, before, "Not a board member"));
  assert_true(dtest_wait_says(f, jo_win, "Claims summary",
                              "0 claims waiting for a decision"));

  /* The year end of the year the claim was paid in (today's). */
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  char year[16];
  snprintf(year, sizeof year, "%d",
           tm.tm_year + 1900 - (tm.tm_mon + 1 >= 4 ? 0 : 1));
  type_text(find_widget(jo_win, GTK_TYPE_ENTRY, "Financial year"), year);
  dtest_click(jo_win, "Show year end");
  assert_true(dtest_wait_says(f, jo_win, "Year end F84001",
                              "claimed £165.00 = £165.00"));
  assert_true(dtest_says(jo_win, "Year end F84002", "Hill Street"));
  /* The practice's name first, its code in the tooltip (issue 19). */
  GtkWidget *ye = first_label(find_widget(jo_win, 0, "Year end F84001"));
  assert_non_null(ye);
  const char *ye_text = gtk_label_get_text(GTK_LABEL(ye));
  if (strncmp(ye_text, "Riverside Surgery · ", 21))
    fail_msg("the year end row says '%s'", ye_text);
  assert_string_equal(gtk_widget_get_tooltip_text(ye),
                      "Riverside Surgery (F84001)");
  assert_words_under(find_widget(jo_win, 0, "Claims page"));
  assert_words_under(find_widget(mgr_win, 0, "Claims page"));
  assert_true(dtest_says(jo_win, "Year end summary", "paid practices £165.00"));
  spin_ms(200);
  shot(jo_win, "desktop-claims-year-end");

  gtk_window_destroy(GTK_WINDOW(mgr_win));
  pcn_desk_free(md);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_claims, dtest_setup, dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
