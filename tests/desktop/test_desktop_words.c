/* test_desktop_words.c - the desktop's shared vocabulary (client/desktop/
 * words.c, issue 19) in Jo's real window against a real pcnd: dates and
 * UK times in words, roles in words, people and practices by name from
 * the live lists (the code when the name is not known), the server's
 * refusals without their field prefix and CLI advice, shown under the
 * field they concern; the date entry that reads what people type, marks
 * what it cannot read and takes a pick from its calendar; the person
 * picker over the Members list; and the practice picker and practices
 * check list over the Practices list: by name, giving codes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtest.h"
#include "validate.h"
#include "words.h"

static int lists_loaded(fixture *f) {
  return !strcmp(desk_person_words(f->d, "manager"), "PCN Manager") &&
         !strcmp(desk_practice_words(f->d, "F84001"), "Riverside Surgery");
}

static void test_dates_and_roles(void **state) {
  (void)state;
  char out[40], iso[11], want[40];
  int64_t y;
  int m, d;
  pcn_civil_from_days(pcn_date_today(), &y, &m, &d);
  /* This year's dates leave the year out unless asked. */
  snprintf(iso, sizeof iso, "%04d-01-15", (int)y);
  desk_date_words(iso, out, sizeof out, 0);
  assert_string_equal(out, "15 Jan");
  desk_date_words(iso, out, sizeof out, DESK_DATE_YEAR);
  snprintf(want, sizeof want, "15 Jan %d", (int)y);
  assert_string_equal(out, want);
  /* Another year's keep it; the weekday where asked. */
  desk_date_words("2031-01-15", out, sizeof out, DESK_DATE_WEEKDAY);
  assert_string_equal(out, y == 2031 ? "Wed 15 Jan" : "Wed 15 Jan 2031");
  desk_date_words("2031-01-15", out, sizeof out, 0);
  assert_string_equal(out, y == 2031 ? "15 Jan" : "15 Jan 2031");
  desk_date_words("soon", out, sizeof out, 0);
  assert_string_equal(out, "soon");
  desk_date_words("", out, sizeof out, 0);
  assert_string_equal(out, "");
  /* UK time: 13:00 UTC on 1 July is 14:00 BST; in January, GMT. */
  desk_datetime_words(pcn_days_from_civil(2031, 7, 1) * PCN_DAY_MS +
                          13 * 3600000LL,
                      out, sizeof out);
  assert_string_equal(out,
                      y == 2031 ? "Tue 1 Jul, 14:00" : "Tue 1 Jul 2031, 14:00");
  desk_datetime_words(pcn_days_from_civil(2031, 1, 15) * PCN_DAY_MS +
                          9 * 3600000LL + 5 * 60000LL,
                      out, sizeof out);
  assert_string_equal(out, y == 2031 ? "Wed 15 Jan, 09:05"
                                     : "Wed 15 Jan 2031, 09:05");

  assert_string_equal(desk_role_words(PCN__ROLE__PRACTICE_MANAGER),
                      "Practice manager");
  assert_string_equal(desk_role_words(PCN__ROLE__PCN_MANAGER), "PCN manager");
  assert_string_equal(desk_role_words(PCN__ROLE__CLINICAL_DIRECTOR),
                      "Clinical director");
  assert_string_equal(desk_role_words(PCN__ROLE__STAFF), "Staff");
  assert_string_equal(desk_role_words(PCN__ROLE__CLINICIAN), "Clinician");
}

static void error_words(const char *msg, const char *want) {
  Pcn__Status st = PCN__STATUS__INIT;
  st.code = PCN__STATUS_CODE__INVALID_ARGUMENT;
  st.message = (char *)msg;
  char out[300];
  desk_error_words(&st, out, sizeof out);
  if (strcmp(out, want))
    fail_msg("\"%s\" gave \"%s\", not \"%s\"", msg, out, want);
}

static void test_error_words(void **state) {
  (void)state;
  error_words("assignee: No member with that username; `pcn member list` "
              "shows them.",
              "No member with that username.");
  error_words("due: give a date as YYYY-MM-DD.", "Give a date as YYYY-MM-DD.");
  error_words("You cannot disable your own account; ask another manager.",
              "You cannot disable your own account; ask another manager.");
  error_words("No such task. Run `pcn task list` to see them. Check the id.",
              "No such task. Check the id.");
  error_words("Only `pcn login` helps now.", "The server refused this.");
  error_words("Ends: 12:00 is the time it ends", "Ends: 12:00 is the time it "
                                                 "ends.");
  error_words("", "");
  /* Tiny buffers stay terminated. */
  Pcn__Status st = PCN__STATUS__INIT;
  st.message = "assignee: No member with that username.";
  char tiny[8];
  desk_error_words(&st, tiny, sizeof tiny);
  assert_true(strlen(tiny) < sizeof tiny);
}

static void test_names_and_widgets(void **state) {
  fixture *f = *state;
  assert_true(spin_until(f, lists_loaded, 8000));
  assert_string_equal(desk_person_words(f->d, "nobody"), "nobody");
  assert_string_equal(desk_practice_words(f->d, "Z99999"), "Z99999");
  assert_string_equal(desk_practice_words(f->d, ""), "");

  /* A date entry in a window of its own. */
  GtkWidget *win = gtk_window_new();
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *date = desk_date_entry_new("Due date");
  GtkWidget *e = desk_date_entry_text(date);
  GtkWidget *under = gtk_label_new(NULL);
  gtk_box_append(GTK_BOX(box), date);
  gtk_box_append(GTK_BOX(box), under);
  GtkWidget *picker = desk_person_picker_new(f->d, NULL);
  GtkWidget *practice_picker = desk_person_picker_new(f->d, "F84001");
  gtk_box_append(GTK_BOX(box), picker);
  gtk_box_append(GTK_BOX(box), practice_picker);
  gtk_window_set_child(GTK_WINDOW(win), box);
  gtk_window_present(GTK_WINDOW(win));
  spin_ms(100);
  assert_int_equal(dtest_unnamed(date), 0);

  char iso[11];
  const char *why = NULL;
  assert_int_equal(desk_date_entry_get(date, iso, &why), 1);
  type_text(e, "9/12/2026");
  assert_int_equal(desk_date_entry_get(date, iso, &why), 0);
  assert_string_equal(iso, "2026-12-09");
  assert_false(gtk_widget_has_css_class(e, "error"));
  assert_string_equal(gtk_widget_get_tooltip_text(e), "Wed 9 Dec 2026");
  type_text(e, "31/2/2027");
  assert_int_equal(desk_date_entry_get(date, iso, &why), -1);
  assert_string_equal(iso, "");
  assert_non_null(strstr(why, "February"));
  assert_true(gtk_widget_has_css_class(e, "error"));
  assert_non_null(strstr(gtk_widget_get_tooltip_text(e), "February"));
  type_text(e, "9 Dec 2026");
  assert_false(gtk_widget_has_css_class(e, "error"));
  /* Set shows words; the calendar's pick comes back as the date. */
  desk_date_entry_set(date, "2027-01-12");
  assert_string_equal(gtk_editable_get_text(GTK_EDITABLE(e)),
                      "Tue 12 Jan 2027");
  GtkCalendar *cal = g_object_get_data(G_OBJECT(date), "calendar");
  GDateTime *dt = g_date_time_new_utc(2027, 3, 4, 12, 0, 0);
  gtk_calendar_select_day(cal, dt);
  g_date_time_unref(dt);
  assert_int_equal(desk_date_entry_get(date, iso, NULL), 0);
  assert_string_equal(iso, "2027-03-04");
  assert_string_equal(gtk_editable_get_text(GTK_EDITABLE(e)), "Thu 4 Mar 2027");

  /* A refusal goes under its field, in words for the window. */
  Pcn__Status st = PCN__STATUS__INIT;
  st.code = PCN__STATUS_CODE__NOT_FOUND;
  st.message = "assignee: No member with that username; `pcn member list` "
               "shows them.";
  desk_field_error(e, under, &st);
  assert_true(gtk_widget_has_css_class(e, "error"));
  assert_string_equal(gtk_label_get_text(GTK_LABEL(under)),
                      "No member with that username.");
  assert_true(gtk_widget_get_visible(under));
  desk_field_error(e, under, NULL);
  assert_false(gtk_widget_has_css_class(e, "error"));
  assert_false(gtk_widget_get_visible(under));

  /* People by name: everyone, or one practice's. */
  GListModel *names = gtk_drop_down_get_model(GTK_DROP_DOWN(picker));
  assert_int_equal(g_list_model_get_n_items(names), 2);
  assert_int_equal(desk_person_picker_set(picker, "manager"), 0);
  assert_string_equal(desk_person_picker_get(picker), "manager");
  GtkStringObject *o = gtk_drop_down_get_selected_item(GTK_DROP_DOWN(picker));
  assert_string_equal(gtk_string_object_get_string(o), "PCN Manager");
  assert_int_equal(desk_person_picker_set(picker, "jo"), 0);
  assert_string_equal(desk_person_picker_get(picker), "jo");
  assert_int_equal(desk_person_picker_set(picker, "nobody"), -1);
  names = gtk_drop_down_get_model(GTK_DROP_DOWN(practice_picker));
  assert_int_equal(g_list_model_get_n_items(names), 1);
  assert_string_equal(desk_person_picker_get(practice_picker), "jo");
  gtk_window_destroy(GTK_WINDOW(win));
}

static int three_practices(fixture *f) {
  return g_list_model_get_n_items(pcn_desk_practices(f->d)) == 3 &&
         !strcmp(desk_practice_words(f->d, "F84003"), "Canal Side");
}

/* The string a picker shows for its selection. */
static const char *picked_words(GtkWidget *picker) {
  GtkStringObject *o = gtk_drop_down_get_selected_item(GTK_DROP_DOWN(picker));
  return o ? gtk_string_object_get_string(o) : "";
}

static void test_practice_widgets(void **state) {
  fixture *f = *state;
  its_add_practice(f->mgr, "F84002", "Hill Street", 8000);
  its_add_practice(f->mgr, "F84003", "Canal Side", 9000);
  assert_true(spin_until(f, three_practices, 8000));
  GtkWidget *win = gtk_window_new();
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *picker = desk_practice_picker_new(f->d, "-", 12);
  GtkWidget *bare = desk_practice_picker_new(f->d, NULL, 12);
  GtkWidget *checks = desk_practices_check_new(f->d);
  gtk_box_append(GTK_BOX(box), picker);
  gtk_box_append(GTK_BOX(box), bare);
  gtk_box_append(GTK_BOX(box), checks);
  gtk_window_set_child(GTK_WINDOW(win), box);
  gtk_window_present(GTK_WINDOW(win));
  spin_ms(100);

  /* The picker: names sorted, none first; it gives codes. */
  GListModel *m = gtk_drop_down_get_model(GTK_DROP_DOWN(picker));
  assert_int_equal(g_list_model_get_n_items(m), 4);
  const char *order[] = {"-", "Canal Side", "Hill Street", "Riverside Surgery"};
  for (guint i = 0; i < 4; i++)
    assert_string_equal(gtk_string_list_get_string(GTK_STRING_LIST(m), i),
                        order[i]);
  assert_string_equal(desk_practice_picker_get(picker), "");
  assert_int_equal(desk_practice_picker_set(picker, "F84002"), 0);
  assert_string_equal(desk_practice_picker_get(picker), "F84002");
  assert_string_equal(picked_words(picker), "Hill Street");
  dtest_pick(picker, "Riverside Surgery");
  assert_string_equal(desk_practice_picker_get(picker), "F84001");
  assert_int_equal(desk_practice_picker_set(picker, ""), 0);
  assert_string_equal(picked_words(picker), "-");
  /* A code not (yet) in the list shows as itself rather than as another. */
  assert_int_equal(desk_practice_picker_set(picker, "Z99999"), 0);
  assert_string_equal(desk_practice_picker_get(picker), "Z99999");
  assert_string_equal(picked_words(picker), "Z99999");
  /* Without a none entry, "" cannot be picked. */
  assert_int_equal(
      g_list_model_get_n_items(gtk_drop_down_get_model(GTK_DROP_DOWN(bare))),
      3);
  assert_int_equal(desk_practice_picker_set(bare, ""), -1);
  assert_string_equal(desk_practice_picker_get(bare), "F84003");

  /* The checks: Everyone at first, the practices greyed. */
  GPtrArray *to = g_ptr_array_new();
  assert_int_equal(desk_practices_check_get(checks, to), 0);
  assert_int_equal(to->len, 0);
  GtkWidget *all = desk_practices_check_everyone(checks);
  GtkWidget *hill = find_widget(checks, GTK_TYPE_CHECK_BUTTON, "Hill Street");
  GtkWidget *river =
      find_widget(checks, GTK_TYPE_CHECK_BUTTON, "Riverside Surgery");
  assert_false(gtk_widget_is_sensitive(hill));
  assert_string_equal(gtk_widget_get_tooltip_text(hill), "ODS code F84002");
  gtk_check_button_set_active(GTK_CHECK_BUTTON(all), FALSE);
  assert_true(gtk_widget_is_sensitive(hill));
  assert_int_equal(desk_practices_check_get(checks, to), -1); /* nothing */
  gtk_check_button_set_active(GTK_CHECK_BUTTON(river), TRUE);
  gtk_check_button_set_active(GTK_CHECK_BUTTON(hill), TRUE);
  assert_int_equal(desk_practices_check_get(checks, to), 2);
  assert_string_equal(g_ptr_array_index(to, 0), "F84002"); /* by name */
  assert_string_equal(g_ptr_array_index(to, 1), "F84001");
  g_ptr_array_set_size(to, 0);
  /* Set ticks exactly those given; a code not known gets its own check. */
  char *one[] = {"F84003", "Z99999"};
  desk_practices_check_set(checks, one, 2);
  assert_false(gtk_check_button_get_active(GTK_CHECK_BUTTON(hill)));
  assert_int_equal(desk_practices_check_get(checks, to), 2);
  assert_string_equal(g_ptr_array_index(to, 0), "F84003");
  assert_string_equal(g_ptr_array_index(to, 1), "Z99999");
  g_ptr_array_set_size(to, 0);
  /* Everyone unticks the rest. */
  desk_practices_check_set(checks, NULL, 0);
  assert_true(gtk_check_button_get_active(GTK_CHECK_BUTTON(all)));
  assert_int_equal(desk_practices_check_get(checks, to), 0);
  gtk_check_button_set_active(GTK_CHECK_BUTTON(all), FALSE);
  assert_int_equal(desk_practices_check_get(checks, to), -1);
  assert_int_equal(dtest_unnamed(checks), 0);
  g_ptr_array_free(to, TRUE);
  gtk_window_destroy(GTK_WINDOW(win));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dates_and_roles),
      cmocka_unit_test(test_error_words),
      cmocka_unit_test_setup_teardown(test_names_and_widgets, dtest_setup,
                                      dtest_teardown),
      cmocka_unit_test_setup_teardown(test_practice_widgets, dtest_setup,
                                      dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
