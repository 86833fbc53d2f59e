/* test_desktop_uktime.c - the desktop reads and shows UK time whatever
 * the machine's zone (issue 20). ctest runs it again under TZ=UTC,
 * America/New_York and Europe/London (desktop.test_desktop_uktime_tz_*).
 *
 * Jo proposes a decision through the form closing at 17:00 on a summer
 * day: the server stores 16:00 UTC, and the row says 17:00; the feed's
 * line for it carries its time in UK time; a meeting over the clocks
 * going back shows each end with its zone.
 */
#include <stdio.h>
#include <string.h>

#include "dtest.h"
#include "uktime.h"
#include "validate.h"

static GtkWidget *win;
static const char *want_name, *want_text;

static int label_says(fixture *f) {
  (void)f;
  GtkWidget *l = find_widget(win, GTK_TYPE_LABEL, want_name);
  return l && strstr(gtk_label_get_text(GTK_LABEL(l)), want_text);
}

static int wait_label(fixture *f, const char *name, const char *text) {
  want_name = name;
  want_text = text;
  int ok = spin_until(f, label_says, 5000);
  if (!ok) {
    GtkWidget *l = find_widget(win, GTK_TYPE_LABEL, name);
    fprintf(stderr, "label '%s' says '%s', not '%s'\n", name,
            l ? gtk_label_get_text(GTK_LABEL(l)) : "(none)", text);
  }
  return ok;
}

/* The next 10 July or 20 April (BST both) more than a day and less than a
 * year ahead. */
static int32_t summer_day(void) {
  int32_t today = pcn_date_today();
  int64_t y;
  int m, d;
  pcn_civil_from_days(today, &y, &m, &d);
  int32_t a = (int32_t)pcn_days_from_civil(y, 7, 10);
  return a > today + 1 ? a : (int32_t)pcn_days_from_civil(y + 1, 4, 20);
}

static void test_uk_time(void **state) {
  fixture *f = *state;
  win = GTK_WIDGET(pcn_desk_window(f->d));
  dtest_show_page(win, "decisions");
  int32_t day = summer_day();
  char date[11];
  pcn_date_format(day, date);
  dtest_click(win, "New proposal");
  GtkWidget *form = dtest_window_named("New proposal");
  assert_non_null(form);
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Title"), "Summer rota");
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Closes"), date);
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Closing time"), "17:00");
  gtk_widget_activate(find_widget(form, GTK_TYPE_BUTTON, "Propose"));
  assert_true(wait_label(f, "Decision 1", "Summer rota"));
  assert_true(wait_label(f, "State of decision 1", "17:00"));
  Pcn__DecisionGet g = PCN__DECISION_GET__INIT;
  g.id = 1;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DECISION_GET;
  r.decision_get = &g;
  const Pcn__Response *resp = its_expect(f->mgr, &r, PCN__STATUS_CODE__OK);
  assert_int_equal(resp->decision->closes_at,
                   (int64_t)day * PCN_DAY_MS + 16 * 3600000LL);

  /* The feed line says when, in UK time: the task's own time. */
  uint64_t id = its_task(f->mgr, "Cover the late clinic", "", "", "");
  Pcn__TaskGet tg = PCN__TASK_GET__INIT;
  tg.id = id;
  r = (Pcn__Request)PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_TASK_GET;
  r.task_get = &tg;
  resp = its_expect(f->mgr, &r, PCN__STATUS_CODE__OK);
  char at[17];
  pcn_london_format(resp->task_detail->task->created_at, at);
  int n = 0, i = -1;
  for (int k = 0; k < 100 && (i = find_row(f, "Cover the late clinic", &n)) < 0;
       k++)
    spin_ms(50);
  assert_true(i >= 0);
  PcnFeedRow *row = g_list_model_get_item(pcn_desk_feed(f->d), (guint)i);
  if (!strstr(pcn_feed_row_meta(row), at))
    fail_msg("feed says '%s', not %s", pcn_feed_row_meta(row), at);
  g_object_unref(row);

  /* A meeting over the clocks going back: each end with its zone. */
  dtest_show_page(win, "meetings");
  dtest_click(win, "New meeting");
  form = dtest_window_named("New meeting");
  assert_non_null(form);
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Title"), "Fall back");
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Date"), "2027-10-31");
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Starts"), "01:30");
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Ends"), "01:00 GMT");
  gtk_check_button_set_active(
      GTK_CHECK_BUTTON(find_widget(form, GTK_TYPE_CHECK_BUTTON, "manager")),
      TRUE);
  dtest_click(form, "Call meeting");
  const char *range = "Sun 31 Oct 2027, 01:30 BST – 01:00 GMT";
  for (int k = 0; k < 100 && !dtest_label_under(win, range); k++)
    spin_ms(50);
  assert_true(dtest_label_under(win, range));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_uk_time, dtest_setup,
                                      dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
