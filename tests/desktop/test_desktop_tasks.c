/* test_desktop_tasks.c - the Tasks view, driven as a person would: rows
 * arrive live from another client and sort by due date with the overdue
 * marked; Ctrl+N (the win.new-task action) opens the new-task window,
 * typing and clicking Create makes a task the server really has; a
 * refused create keeps the window and what was typed, with the server's
 * sentence; the search entry filters. On a server whose clock the test
 * moves: the reminders on the due date and once overdue reach Jo as
 * notices, and the row turns overdue with the server's day.
 */
#include <stdio.h>
#include <string.h>

#include "dtest.h"
#include "validate.h"

static guint want_rows;
static int rows_there(fixture *f) {
  return g_list_model_get_n_items(pcn_desk_tasks(f->d)) == want_rows;
}

static int dialog_gone(fixture *f) {
  return !pcn_desk_new_task_window(f->d);
}

static PcnTaskRow *row(fixture *f, guint i) {
  PcnTaskRow *r = g_list_model_get_item(pcn_desk_tasks(f->d), i);
  g_object_unref(r); /* the model keeps it */
  return r;
}

static void test_tasks(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  /* Written elsewhere while the window is open. */
  its_task(f->mgr, "Undated audit", "", "", "");
  its_task(f->mgr, "Flu clinic rota", "", "2030-05-01", "jo");
  its_task(f->mgr, "Overdue returns", "", "2020-01-31", "");
  want_rows = 3;
  assert_true(spin_until(f, rows_there, 5000));
  /* By due date, undated last; the past one is overdue. */
  assert_string_equal(pcn_task_row_title(row(f, 0)), "Overdue returns");
  assert_true(pcn_task_row_overdue(row(f, 0)));
  assert_string_equal(pcn_task_row_title(row(f, 1)), "Flu clinic rota");
  assert_false(pcn_task_row_overdue(row(f, 1)));
  assert_string_equal(pcn_task_row_title(row(f, 2)), "Undated audit");
  /* Marked in words and a style class, not colour alone (issue 20). */
  assert_true(dtest_label_under(win, "Overdue · network"));
  assert_false(dtest_label_under(win, "Overdue · network · jo"));
  int classed = 0;
  for (GtkWidget *w = win; w;) {
    if (gtk_widget_has_css_class(w, "overdue")) classed++;
    GtkWidget *next = gtk_widget_get_first_child(w);
    while (!next && w && w != win) {
      next = gtk_widget_get_next_sibling(w);
      if (!next) w = gtk_widget_get_parent(w);
    }
    w = next;
  }
  assert_int_equal(classed, 1);

  /* Ctrl+N: a new task for Jo's practice. */
  assert_true(gtk_widget_activate_action(win, "win.new-task", NULL));
  spin_ms(100);
  GtkWidget *dlg = GTK_WIDGET(pcn_desk_new_task_window(f->d));
  assert_non_null(dlg);
  type_text(find_widget(dlg, GTK_TYPE_ENTRY, "Title"), "Christmas rota");
  type_text(find_widget(dlg, GTK_TYPE_ENTRY, "Due date"), "2026-12-24");
  shot(dlg, "desktop-new-task");
  dtest_press(find_widget(dlg, GTK_TYPE_BUTTON, "Create"));
  assert_true(spin_until(f, dialog_gone, 5000));
  want_rows = 4;
  assert_true(spin_until(f, rows_there, 5000));
  /* The server has it, as Jo's practice's own task. */
  Pcn__TaskList l = PCN__TASK_LIST__INIT;
  l.assignee = l.due_before = l.after = l.practice = "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_LIST;
  req.task_list = &l;
  const Pcn__Response *r = its_expect(f->jo, &req, PCN__STATUS_CODE__OK);
  int found = 0;
  for (size_t i = 0; i < r->tasks->n_tasks; i++)
    if (!strcmp(r->tasks->tasks[i]->title, "Christmas rota")) {
      found = 1;
      assert_string_equal(r->tasks->tasks[i]->practice, "F84001");
      assert_string_equal(r->tasks->tasks[i]->due, "2026-12-24");
    }
  assert_true(found);

  /* A refused create: the window stays, with the sentence and the text. */
  assert_true(gtk_widget_activate_action(win, "win.new-task", NULL));
  spin_ms(100);
  dlg = GTK_WIDGET(pcn_desk_new_task_window(f->d));
  type_text(find_widget(dlg, GTK_TYPE_ENTRY, "Title"), "Bad date");
  type_text(find_widget(dlg, GTK_TYPE_ENTRY, "Due date"), "2026-13-45");
  dtest_press(find_widget(dlg, GTK_TYPE_BUTTON, "Create"));
  spin_ms(500);
  assert_non_null(pcn_desk_new_task_window(f->d));
  int shown = 0;
  /* Find the visible error label among the window's labels. */
  GtkWidget *grid = gtk_window_get_child(GTK_WINDOW(dlg));
  for (GtkWidget *c = gtk_widget_get_first_child(grid); c;
       c = gtk_widget_get_next_sibling(c))
    if (GTK_IS_LABEL(c) && gtk_widget_has_css_class(c, "error") &&
        gtk_widget_get_visible(c) &&
        strstr(gtk_label_get_text(GTK_LABEL(c)), "due")) {
      shown = 1;
      printf("refused: %s\n", gtk_label_get_text(GTK_LABEL(c)));
    }
  assert_true(shown);
  assert_string_equal(gtk_editable_get_text(GTK_EDITABLE(
                          find_widget(dlg, GTK_TYPE_ENTRY, "Title"))),
                      "Bad date");
  gtk_window_destroy(GTK_WINDOW(dlg));
  want_rows = 4;
  assert_true(spin_until(f, rows_there, 1000)); /* nothing was added */

  /* Ctrl+F and typing filters the list. */
  assert_true(gtk_widget_activate_action(win, "win.search", NULL));
  GtkWidget *search = find_widget(win, GTK_TYPE_SEARCH_ENTRY, "Search tasks");
  assert_non_null(search);
  type_text(search, "rota");
  want_rows = 2; /* Flu clinic rota, Christmas rota */
  assert_true(spin_until(f, rows_there, 3000));
  type_text(search, "");
  want_rows = 4;
  assert_true(spin_until(f, rows_there, 3000));
  /* The CLI's filters: mine, scope, due before. Rows now: Overdue
   * returns (network), Christmas rota (F84001), Flu clinic rota (network,
   * Jo's), Undated audit (network). */
  GtkWidget *mine = find_widget(win, GTK_TYPE_CHECK_BUTTON, "Mine");
  gtk_check_button_set_active(GTK_CHECK_BUTTON(mine), TRUE);
  want_rows = 1;
  assert_true(spin_until(f, rows_there, 3000));
  assert_string_equal(pcn_task_row_title(row(f, 0)), "Flu clinic rota");
  gtk_check_button_set_active(GTK_CHECK_BUTTON(mine), FALSE);
  GtkWidget *scope = find_widget(win, GTK_TYPE_DROP_DOWN, "Scope");
  assert_non_null(scope);
  gtk_drop_down_set_selected(GTK_DROP_DOWN(scope), 2); /* My practice */
  want_rows = 1;
  assert_true(spin_until(f, rows_there, 3000));
  assert_string_equal(pcn_task_row_title(row(f, 0)), "Christmas rota");
  gtk_drop_down_set_selected(GTK_DROP_DOWN(scope), 1); /* Network-wide */
  want_rows = 3;
  assert_true(spin_until(f, rows_there, 3000));
  gtk_drop_down_set_selected(GTK_DROP_DOWN(scope), 0);
  type_text(find_widget(win, GTK_TYPE_ENTRY, "Due before"), "2027-01-01");
  want_rows = 2; /* Overdue returns, Christmas rota */
  assert_true(spin_until(f, rows_there, 3000));
  type_text(find_widget(win, GTK_TYPE_ENTRY, "Due before"), "");
  want_rows = 4;
  assert_true(spin_until(f, rows_there, 3000));
  shot(win, "desktop-tasks");
}

/* dtest_setup with a movable clock (and sessions that outlast the move). */
static int setup_clock(void **state) {
  fixture *f = calloc(1, sizeof *f);
  f->s = its_start("--test-clock --session-idle 31536000 "
                   "--session-max 31536000");
  f->mgr = its_manager(f->s);
  its_add_practice(f->mgr, "F84001", "Riverside Surgery", 12000);
  f->jo =
      its_add_member(f->s, f->mgr, "jo", PCN__ROLE__PRACTICE_MANAGER, "F84001");
  dtest_save_session(f, f->jo, f->cfgdir, sizeof f->cfgdir);
  f->app =
      adw_application_new("org.pcnhub.DesktopTest", G_APPLICATION_NON_UNIQUE);
  assert_true(g_application_register(G_APPLICATION(f->app), NULL, NULL));
  f->d = pcn_desk_new(GTK_APPLICATION(f->app));
  gtk_window_present(pcn_desk_window(f->d));
  assert_true(spin_until(f, connected, 10000));
  *state = f;
  return 0;
}

/* Moves the server's clock to 09:00 UTC on day. */
static void goto_day(fixture *f, int32_t day) {
  int64_t now = its_advance(f->mgr, 0);
  its_advance(f->mgr, (int64_t)day * 86400000LL + 9 * 3600000LL - now);
}

static guint64 watched;
static int monthly_on_server(fixture *f) {
  Pcn__TaskGet g = PCN__TASK_GET__INIT;
  g.id = watched;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_GET;
  req.task_get = &g;
  const Pcn__Response *r = its_expect(f->jo, &req, PCN__STATUS_CODE__OK);
  return r->task_detail->task->every == PCN__TASK_REPEAT__TASK_MONTHLY;
}

static GtkWidget *task_win;
/* The window has read the task: its title is in the field. */
static int task_window_read(fixture *f) {
  (void)f;
  GtkWidget *e = find_widget(task_win, GTK_TYPE_ENTRY, "Title");
  return e && !strcmp(gtk_editable_get_text(GTK_EDITABLE(e)),
                      "Send the winter rota");
}

/* Issue 20: the server's reminders reach Jo as notices, on the due date
 * and once it is overdue, and the row turns overdue with the server's
 * day, not this computer's. */
static void test_reminders(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  int32_t day = (int32_t)(its_now(f->mgr) / 86400000LL) + 40;
  char due[11];
  pcn_date_format(day, due);
  its_task(f->mgr, "Send the winter rota", "", due, "jo");
  want_rows = 1;
  assert_true(spin_until(f, rows_there, 5000));
  assert_false(pcn_task_row_overdue(row(f, 0)));
  unsigned n0 = pcn_desk_notices(f->d, NULL);
  goto_day(f, day);
  assert_true(dtest_wait_notice(f, f->d, n0, "A task of yours is due today"));
  assert_false(pcn_task_row_overdue(row(f, 0)));
  n0 = pcn_desk_notices(f->d, NULL);
  goto_day(f, day + 1);
  assert_true(dtest_wait_notice(f, f->d, n0, "A task of yours is overdue"));
  assert_true(pcn_task_row_overdue(row(f, 0)));
  spin_ms(200);
  assert_true(dtest_label_under(win, "Overdue · network · jo"));

  /* The task's window says it is overdue, and makes it monthly. */
  guint64 id = pcn_task_row_id(row(f, 0));
  GtkWidget *list = find_widget(win, GTK_TYPE_LIST_VIEW, "Tasks");
  assert_non_null(list);
  g_signal_emit_by_name(list, "activate", 0); /* Enter on the row */
  GtkWidget *tw = GTK_WIDGET(pcn_desk_task_window(f->d, id));
  assert_non_null(tw);
  task_win = tw;
  assert_true(spin_until(f, task_window_read, 5000));
  assert_true(dtest_label_under(tw, "Overdue: it was due"));
  dtest_pick(find_widget(tw, GTK_TYPE_DROP_DOWN, "Repeats"), "Every month");
  dtest_press(find_widget(tw, GTK_TYPE_BUTTON, "Save"));
  watched = id;
  assert_true(spin_until(f, monthly_on_server, 5000));
  gtk_window_destroy(GTK_WINDOW(tw));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_tasks, dtest_setup, dtest_teardown),
      cmocka_unit_test_setup_teardown(test_reminders, setup_clock,
                                      dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
