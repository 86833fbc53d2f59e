/* test_desktop_network.c - the Network page. In Jo's window (a practice
 * manager) the settings and this year's and next year's bank holidays are
 * shown read-only, and a change the PCN manager makes over the wire
 * appears live. In the PCN manager's window the form saves notice and
 * reminders, a rule holiday is made a working day from its row, and bad
 * reminders are refused on the page without a request. Issue 19: the
 * check box that offers staff the funding pages is the PCN manager's, and
 * saved with the rest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtest.h"
#include "validate.h"
#include "workdays.h"

static GtkWidget *win, *spin;
static int want_notice;
static guint want_rows;

static void show_page(fixture *f) {
  win = GTK_WIDGET(pcn_desk_window(f->d));
  GtkWidget *stack = find_widget(win, GTK_TYPE_STACK, NULL);
  assert_non_null(stack);
  gtk_stack_set_visible_child_name(GTK_STACK(stack), "network");
  spin = find_widget(win, GTK_TYPE_SPIN_BUTTON, "Minimum notice");
  assert_non_null(spin);
}

static int notice_is(fixture *f) {
  (void)f;
  return gtk_spin_button_get_value_as_int(GTK_SPIN_BUTTON(spin)) == want_notice;
}

static int rows_are(fixture *f) {
  return pcn_desk_network_holidays(f->d) == want_rows;
}

static const Pcn__Response *settings_of(its_member *m) {
  Pcn__SettingsGet g = PCN__SETTINGS_GET__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_SETTINGS_GET;
  req.settings_get = &g;
  return its_expect(m, &req, PCN__STATUS_CODE__OK);
}

static void test_read_only_and_live(void **state) {
  fixture *f = *state;
  show_page(f);
  want_notice = 10;
  assert_true(spin_until(f, notice_is, 5000));
  /* England and Wales have 8 bank holidays a year by the rules. */
  want_rows = 16;
  assert_true(spin_until(f, rows_are, 5000));
  assert_false(gtk_widget_get_sensitive(spin));
  assert_false(gtk_widget_get_visible(
      find_widget(win, GTK_TYPE_BUTTON, "Save settings")));
  /* Issue 19: what staff are offered is the PCN manager's too. */
  assert_false(gtk_widget_get_sensitive(
      find_widget(win, GTK_TYPE_CHECK_BUTTON, "Staff see funding")));
  /* The PCN manager changes the notice and adds a holiday elsewhere. */
  Pcn__SettingsUpdate u = PCN__SETTINGS_UPDATE__INIT;
  u.has_min_notice_case = PCN__SETTINGS_UPDATE__HAS_MIN_NOTICE_MIN_NOTICE_DAYS;
  u.min_notice_days = 12;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_SETTINGS_UPDATE;
  req.settings_update = &u;
  its_expect(f->mgr, &req, PCN__STATUS_CODE__OK);
  want_notice = 12;
  assert_true(spin_until(f, notice_is, 5000));
  /* A weekday next year that no rule makes a holiday. */
  int64_t y;
  int m, d;
  pcn_civil_from_days((int32_t)(g_get_real_time() / 86400000000LL), &y, &m, &d);
  char day[16];
  int32_t jun4 = (int32_t)pcn_days_from_civil(y + 1, 6, 4);
  while (pcn_weekday(jun4) == 0 || pcn_weekday(jun4) == 6)
    jun4++;
  pcn_date_format(jun4, day);
  Pcn__HolidayAdd a = PCN__HOLIDAY_ADD__INIT;
  a.date = day;
  req.body_case = PCN__REQUEST__BODY_HOLIDAY_ADD;
  req.holiday_add = &a;
  its_expect(f->mgr, &req, PCN__STATUS_CODE__OK);
  want_rows = 17;
  assert_true(spin_until(f, rows_are, 5000));
  spin_ms(300);
  shot(win, "network-jo");

  /* The feed's Show menu picks the network's settings out of it: the two
   * changes, and nothing else. */
  GtkWidget *stack = find_widget(win, GTK_TYPE_STACK, NULL);
  gtk_stack_set_visible_child_name(GTK_STACK(stack), "feed");
  GtkWidget *show = find_widget(win, GTK_TYPE_DROP_DOWN, "Show");
  dtest_pick(show, "Network settings");
  spin_ms(200);
  GListModel *shown = pcn_desk_feed_shown(f->d);
  assert_int_equal(g_list_model_get_n_items(shown), 2);
  for (guint i = 0; i < 2; i++) {
    PcnFeedRow *r = g_list_model_get_item(shown, i);
    assert_non_null(strstr(pcn_feed_row_text(r), "network's settings"));
    g_object_unref(r);
  }
  dtest_pick(show, "Everything");
  spin_ms(200);
  assert_true(g_list_model_get_n_items(shown) > 2);
}

static GtkWidget *status_label;
static const char *want_status;
static int status_says(fixture *f) {
  (void)f;
  return strstr(gtk_label_get_text(GTK_LABEL(status_label)), want_status) !=
         NULL;
}

static void test_manager_edits(void **state) {
  fixture *f = *state;
  show_page(f);
  want_notice = 10;
  assert_true(spin_until(f, notice_is, 5000));
  want_rows = 16;
  assert_true(spin_until(f, rows_are, 5000));
  assert_true(gtk_widget_get_sensitive(spin));
  status_label = find_widget(win, GTK_TYPE_LABEL, "Network status");
  assert_non_null(status_label);
  GtkWidget *rem = find_widget(win, GTK_TYPE_ENTRY, "Reminders");
  GtkWidget *save = find_widget(win, GTK_TYPE_BUTTON, "Save settings");

  /* Bad reminders: refused on the page, nothing sent. */
  type_text(rem, "3, x");
  dtest_press(save);
  want_status = "Reminders:";
  assert_true(spin_until(f, status_says, 3000));
  assert_int_equal(settings_of(f->mgr)->settings->version, 0);

  gtk_spin_button_set_value(GTK_SPIN_BUTTON(spin), 14);
  type_text(rem, "5, 2");
  /* Issue 19: staff are offered the funding pages, saved with the rest. */
  GtkWidget *sf = find_widget(win, GTK_TYPE_CHECK_BUTTON, "Staff see funding");
  assert_non_null(sf);
  assert_true(gtk_widget_get_sensitive(sf));
  assert_false(gtk_check_button_get_active(GTK_CHECK_BUTTON(sf)));
  gtk_check_button_set_active(GTK_CHECK_BUTTON(sf), TRUE);
  dtest_press(save);
  want_status = "Saved";
  assert_true(spin_until(f, status_says, 5000));
  const Pcn__Response *r = settings_of(f->jo);
  assert_int_equal(r->settings->min_notice_days, 14);
  assert_int_equal(r->settings->n_reminder_days, 2);
  assert_int_equal(r->settings->reminder_days[0], 5);
  assert_true(r->settings->staff_see_funding);

  /* This year's Christmas Day, made a working day from its row. */
  int64_t y;
  int m, d;
  pcn_civil_from_days((int32_t)(g_get_real_time() / 86400000000LL), &y, &m, &d);
  char name[64], xmas[11] = "";
  for (int dd = 25; dd <= 27 && !xmas[0]; dd++) {
    int32_t day = (int32_t)pcn_days_from_civil(y, 12, dd);
    const char *n = pcn_bank_holiday_rule_name(day);
    if (n && !strcmp(n, "Christmas Day")) pcn_date_format(day, xmas);
  }
  snprintf(name, sizeof name, "Make working %s", xmas);
  GtkWidget *b = find_widget(win, GTK_TYPE_BUTTON, name);
  assert_non_null(b);
  gtk_label_set_text(GTK_LABEL(status_label), "");
  dtest_press(b);
  want_status = "Saved";
  assert_true(spin_until(f, status_says, 5000));
  r = settings_of(f->jo);
  assert_int_equal(r->settings->n_holidays_removed, 1);
  assert_string_equal(r->settings->holidays_removed[0], xmas);

  /* A holiday typed as people write dates (issue 19): 4/6 of next year,
   * day first; a day that cannot be read is refused on the page. */
  GtkWidget *hd = find_widget(win, GTK_TYPE_ENTRY, "Holiday date");
  assert_non_null(hd);
  GtkWidget *add = find_widget(win, GTK_TYPE_BUTTON, "Add a bank holiday");
  type_text(hd, "31/6");
  gtk_label_set_text(GTK_LABEL(status_label), "");
  dtest_press(add);
  want_status = "June has 30 days";
  assert_true(spin_until(f, status_says, 3000));
  int32_t jun4 = (int32_t)pcn_days_from_civil(y + 1, 6, 4);
  while (pcn_weekday(jun4) == 0 || pcn_weekday(jun4) == 6)
    jun4++;
  char typed[48], iso[11];
  pcn_date_format(jun4, iso);
  snprintf(typed, sizeof typed, "%d/6/%lld", atoi(iso + 8), (long long)y + 1);
  type_text(hd, typed);
  gtk_label_set_text(GTK_LABEL(status_label), "");
  dtest_press(add);
  want_status = "Saved";
  assert_true(spin_until(f, status_says, 5000));
  r = settings_of(f->jo);
  int found = 0;
  for (size_t i = 0; i < r->settings->n_holidays_added; i++)
    found |= !strcmp(r->settings->holidays_added[i], iso);
  if (!found) fail_msg("%s typed as %s did not reach the server", iso, typed);
  spin_ms(300);
  shot(win, "network-manager");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_read_only_and_live, dtest_setup,
                                      dtest_teardown),
      cmocka_unit_test_setup_teardown(test_manager_edits, dtest_setup_manager,
                                      dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
