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

/* The visible "error" label in the form's grid at column 1, row: the
 * words under a field; NULL when none shows. */
static const char *under_field(GtkWidget *dlg, int row) {
  GtkWidget *grid = pcn_desk_form_grid(GTK_WINDOW(dlg));
  GtkWidget *c = gtk_grid_get_child_at(GTK_GRID(grid), 1, row);
  if (!c || !GTK_IS_LABEL(c) || !gtk_widget_get_visible(c) ||
      !gtk_widget_has_css_class(c, "error"))
    return NULL;
  return gtk_label_get_text(GTK_LABEL(c));
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
  assert_true(dtest_label_under(win, "Overdue · Whole network"));
  assert_false(dtest_label_under(win, "Overdue · Whole network · jo"));
  /* Due dates in words, as people in England read them (issue 19). */
  assert_true(dtest_label_under(win, "31 Jan 2020"));
  assert_false(dtest_label_under(win, "2020-01-31"));
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

  /* A date that cannot be read: the window stays, with the words under
   * the date and the text kept. */
  assert_true(gtk_widget_activate_action(win, "win.new-task", NULL));
  spin_ms(100);
  dlg = GTK_WIDGET(pcn_desk_new_task_window(f->d));
  type_text(find_widget(dlg, GTK_TYPE_ENTRY, "Title"), "Bad date");
  type_text(find_widget(dlg, GTK_TYPE_ENTRY, "Due date"), "2026-13-45");
  dtest_press(find_widget(dlg, GTK_TYPE_BUTTON, "Create"));
  spin_ms(500);
  assert_non_null(pcn_desk_new_task_window(f->d));
  const char *said = under_field(dlg, 8);
  assert_non_null(said);
  printf("refused: %s\n", said);
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
  type_text(find_widget(win, GTK_TYPE_ENTRY, "Due before"), "1/1/2027");
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
  assert_true(dtest_label_under(win, "Overdue · Whole network · jo"));

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

/* ---------------------------------------------------------- issue 19 */

static const Pcn__Task *server_task(fixture *f, guint64 id) {
  Pcn__TaskGet g = PCN__TASK_GET__INIT;
  g.id = id;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_GET;
  req.task_get = &g;
  return its_expect(f->jo, &req, PCN__STATUS_CODE__OK)->task_detail->task;
}

static char *body_text(GtkWidget *tw) {
  GtkWidget *v = find_widget(tw, GTK_TYPE_TEXT_VIEW, "Description");
  assert_non_null(v);
  GtkTextBuffer *b = gtk_text_view_get_buffer(GTK_TEXT_VIEW(v));
  GtkTextIter s, e;
  gtk_text_buffer_get_bounds(b, &s, &e);
  return gtk_text_buffer_get_text(b, &s, &e, FALSE);
}

static const char *want_body;
static int body_shows(fixture *f) {
  (void)f;
  char *t = body_text(task_win);
  int yes = !strcmp(t, want_body);
  g_free(t);
  return yes;
}

static guint64 watched_id;
static const char *want_server_body;
static int server_body(fixture *f) {
  return !strcmp(server_task(f, watched_id)->body, want_server_body);
}

/* Opens task id's window in desk d (as Enter on its row does). */
static GtkWidget *open_task(pcn_desk *d, guint64 id) {
  GListModel *m = pcn_desk_tasks(d);
  for (guint i = 0; i < g_list_model_get_n_items(m); i++) {
    PcnTaskRow *r = g_list_model_get_item(m, i);
    guint64 rid = pcn_task_row_id(r);
    g_object_unref(r);
    if (rid != id) continue;
    GtkWidget *list = find_widget(GTK_WIDGET(pcn_desk_window(d)),
                                  GTK_TYPE_LIST_VIEW, "Tasks");
    g_signal_emit_by_name(list, "activate", i);
    break;
  }
  GtkWindow *w = pcn_desk_task_window(d, id);
  assert_non_null(w);
  return GTK_WIDGET(w);
}

static pcn_desk *mgr_desk;
static int mgr_rows(fixture *f) {
  (void)f;
  return g_list_model_get_n_items(pcn_desk_tasks(mgr_desk)) == want_rows;
}

/* Issue 19: a practice manager's window on a network task she neither
 * made nor holds greys out Mark done and Save with the reason (the
 * server's table); the PCN manager's does not. The description another
 * client wrote shows, and the PCN manager's edit of it reaches the
 * server. */
static void test_task_window(void **state) {
  fixture *f = *state;
  guint64 id = its_task(f->mgr, "Network audit", "", "2031-12-09", "");
  /* The description, written by another client. */
  Pcn__TaskUpdate u = PCN__TASK_UPDATE__INIT;
  u.id = id;
  u.version = 1;
  u.has_body_case = PCN__TASK_UPDATE__HAS_BODY_BODY;
  u.body = "Check each practice's registers against the DES list.\n"
           "- Riverside first\n- then the rest, by Friday";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_UPDATE;
  req.task_update = &u;
  its_expect(f->mgr, &req, PCN__STATUS_CODE__OK);
  want_rows = 1;
  assert_true(spin_until(f, rows_there, 5000));

  GtkWidget *tw = open_task(f->d, id);
  task_win = tw;
  want_body = u.body;
  assert_true(spin_until(f, body_shows, 5000));
  /* Who made it, its scope and its due date, in words. */
  assert_true(dtest_label_under(tw, "Created by PCN Manager"));
  assert_true(dtest_label_under(tw, "Whole network"));
  assert_true(dtest_label_under(tw, "due Tue 9 Dec 2031"));
  GtkWidget *done = find_widget(tw, GTK_TYPE_BUTTON, "Mark done");
  GtkWidget *save = find_widget(tw, GTK_TYPE_BUTTON, "Save");
  assert_non_null(done);
  assert_non_null(save);
  assert_false(gtk_widget_get_sensitive(done));
  assert_false(gtk_widget_get_sensitive(save));
  const char *tip = gtk_widget_get_tooltip_text(done);
  assert_non_null(tip);
  printf("Mark done, for Jo: %s\n", tip);
  assert_non_null(strstr(tip, "close a network-wide task"));
  assert_non_null(strstr(tip, "PCN manager"));
  tip = gtk_widget_get_tooltip_text(save);
  assert_non_null(tip);
  assert_non_null(strstr(tip, "change a network-wide task"));
  /* Readable, not editable. */
  assert_false(gtk_text_view_get_editable(
      GTK_TEXT_VIEW(find_widget(tw, GTK_TYPE_TEXT_VIEW, "Description"))));
  shot(tw, "desktop-task-window");

  /* The PCN manager's window on the same task. */
  mgr_desk = dtest_open_manager(f);
  assert_true(spin_until(f, mgr_rows, 5000));
  GtkWidget *mw = open_task(mgr_desk, id);
  task_win = mw;
  assert_true(spin_until(f, body_shows, 5000));
  done = find_widget(mw, GTK_TYPE_BUTTON, "Mark done");
  save = find_widget(mw, GTK_TYPE_BUTTON, "Save");
  assert_true(gtk_widget_get_sensitive(done));
  assert_true(gtk_widget_get_sensitive(save));
  GtkWidget *v = find_widget(mw, GTK_TYPE_TEXT_VIEW, "Description");
  assert_true(gtk_text_view_get_editable(GTK_TEXT_VIEW(v)));
  gtk_text_buffer_set_text(gtk_text_view_get_buffer(GTK_TEXT_VIEW(v)),
                           "Registers checked at Riverside; Hill next.", -1);
  dtest_press(save);
  watched_id = id;
  want_server_body = "Registers checked at Riverside; Hill next.";
  assert_true(spin_until(f, server_body, 5000));
  const Pcn__Task *t = server_task(f, id);
  assert_string_equal(t->title, "Network audit");
  assert_string_equal(t->due, "2031-12-09"); /* the words went back as ISO */
  /* ... and Jo's window shows the new text from the feed when reopened. */
  gtk_window_destroy(GTK_WINDOW(mw));
  gtk_window_destroy(pcn_desk_window(mgr_desk));
  pcn_desk_free(mgr_desk);
  mgr_desk = NULL;
  gtk_window_destroy(GTK_WINDOW(tw));
}

/* ----------------------------------------- issue 19: the task window */

static const char *want_title;
/* The window task_win has read the task: want_title is in its field. */
static int title_read(fixture *f) {
  (void)f;
  GtkWidget *e = find_widget(task_win, GTK_TYPE_ENTRY, "Title");
  return e && !strcmp(gtk_editable_get_text(GTK_EDITABLE(e)), want_title);
}

static int task_window_gone(fixture *f) {
  return !pcn_desk_task_window(f->d, watched_id);
}

static const char *want_server_title;
static int server_title(fixture *f) {
  return !strcmp(server_task(f, watched_id)->title, want_server_title);
}

/* The window task_win says its save is done, and Save may be pressed. */
static int window_saved(fixture *f) {
  (void)f;
  GtkWidget *save = find_widget(task_win, GTK_TYPE_BUTTON, "Save");
  return dtest_label_under(task_win, "Saved.") &&
         gtk_widget_get_sensitive(save);
}

static int knows_sam(fixture *f) {
  GListModel *m = pcn_desk_members(f->d);
  int yes = 0;
  for (guint i = 0; i < g_list_model_get_n_items(m); i++) {
    PcnRecordRow *r = g_list_model_get_item(m, i);
    yes |= !strcmp(pcn_record_row_key(r), "sam");
    g_object_unref(r);
  }
  return yes;
}

/* Presses Escape in win: runs what its shortcut controllers bind to the
 * key (as GTK does with the key's event); fails if nothing is bound. */
static void press_escape(GtkWidget *win) {
  GListModel *ctrls = gtk_widget_observe_controllers(win);
  int bound = 0;
  for (guint i = 0; i < g_list_model_get_n_items(ctrls) && !bound; i++) {
    GtkEventController *c = g_list_model_get_item(ctrls, i);
    for (guint j = 0; GTK_IS_SHORTCUT_CONTROLLER(c) && !bound &&
                      j < g_list_model_get_n_items(G_LIST_MODEL(c));
         j++) {
      GtkShortcut *s = g_list_model_get_item(G_LIST_MODEL(c), j);
      char *key = gtk_shortcut_trigger_to_string(gtk_shortcut_get_trigger(s));
      if (!strcmp(key, "Escape"))
        bound = gtk_shortcut_action_activate(gtk_shortcut_get_action(s), 0, win,
                                             gtk_shortcut_get_arguments(s));
      g_free(key);
      g_object_unref(s);
    }
    g_object_unref(c);
  }
  g_object_unref(ctrls);
  assert_true(bound);
}

/* Presses Enter in entry e: its text's "activate", which is what GTK's
 * Return binding emits. */
static void press_enter(GtkWidget *e) {
  assert_non_null(e);
  GtkWidget *text = find_widget(e, GTK_TYPE_TEXT, NULL);
  assert_non_null(text);
  g_signal_emit_by_name(text, "activate");
}

/* The strings the drop-down offers, one per line, for messages. */
static GString *offered(GtkWidget *dd) {
  GListModel *m = gtk_drop_down_get_model(GTK_DROP_DOWN(dd));
  GString *all = g_string_new(NULL);
  for (guint i = 0; i < g_list_model_get_n_items(m); i++)
    g_string_append_printf(all, "%s\n",
                           gtk_string_list_get_string(GTK_STRING_LIST(m), i));
  return all;
}

static GtkWidget *refused_beside;
/* A visible label beside (after) the picker says why. */
static int picker_refused(fixture *f) {
  (void)f;
  GtkWidget *l = gtk_widget_get_next_sibling(refused_beside);
  return l && GTK_IS_LABEL(l) && gtk_widget_get_visible(l) &&
         gtk_label_get_text(GTK_LABEL(l))[0];
}

/* Issue 19: the task window is a GNOME detail window (a header bar with
 * the task and its scope, Cancel and Save; Escape cancels and keeps the
 * server's task as it was, Enter in the title saves; it fits 800x600),
 * and the assignee is picked by name from whom the server accepts:
 * "Nobody", then the practice's members, not the PCN manager, who cannot
 * see a practice task; the server's refusal of a pick shows beside the
 * picker, in words. */
static void test_task_window_keys(void **state) {
  fixture *f = *state;
  its_member_free(
      its_add_member(f->s, f->mgr, "sam", PCN__ROLE__STAFF, "F84001"));
  /* A long title: the header bar must not widen the window for it. */
  static const char long_title[] =
      "Flu clinic numbers for the Saturday clinics at every site, with who "
      "runs each one and the reserve list";
  guint64 id = its_task(f->jo, long_title, "F84001", "", "");
  want_rows = 1;
  assert_true(spin_until(f, rows_there, 5000));
  assert_true(spin_until(f, knows_sam, 5000));
  GtkWidget *tw = open_task(f->d, id);
  task_win = tw;
  want_title = long_title;
  assert_true(spin_until(f, title_read, 5000));

  /* The header bar: Cancel, the task and its scope, Save; no close. */
  assert_true(ADW_IS_WINDOW(tw));
  GtkWidget *hb = find_widget(tw, ADW_TYPE_HEADER_BAR, NULL);
  assert_non_null(hb);
  assert_false(adw_header_bar_get_show_end_title_buttons(ADW_HEADER_BAR(hb)));
  assert_false(adw_header_bar_get_show_start_title_buttons(ADW_HEADER_BAR(hb)));
  assert_non_null(find_widget(hb, GTK_TYPE_BUTTON, "Cancel"));
  GtkWidget *save = find_widget(hb, GTK_TYPE_BUTTON, "Save");
  assert_non_null(save);
  assert_true(gtk_widget_has_css_class(save, "suggested-action"));
  assert_true(gtk_widget_get_sensitive(save)); /* Jo runs Riverside */
  GtkWidget *heading = find_widget(hb, ADW_TYPE_WINDOW_TITLE, NULL);
  assert_non_null(heading);
  assert_string_equal(adw_window_title_get_title(ADW_WINDOW_TITLE(heading)),
                      long_title);
  assert_string_equal(adw_window_title_get_subtitle(ADW_WINDOW_TITLE(heading)),
                      "Riverside Surgery");
  /* Mark done stays in the body. */
  assert_null(find_widget(hb, GTK_TYPE_BUTTON, "Mark done"));
  assert_non_null(find_widget(tw, GTK_TYPE_BUTTON, "Mark done"));

  /* It fits 800x600: the body scrolls. */
  int dw, dh, minw, minh;
  gtk_window_get_default_size(GTK_WINDOW(tw), &dw, &dh);
  gtk_widget_measure(tw, GTK_ORIENTATION_HORIZONTAL, -1, &minw, NULL, NULL,
                     NULL);
  gtk_widget_measure(tw, GTK_ORIENTATION_VERTICAL, 800, &minh, NULL, NULL,
                     NULL);
  printf("task window: %dx%d by default, at least %dx%d\n", dw, dh, minw, minh);
  assert_true(dw <= 800 && dh <= 600);
  assert_true(minw <= 800 && minh <= 600);

  /* The picker: Nobody first, then Riverside's people by name. */
  GtkWidget *who = find_widget(tw, GTK_TYPE_DROP_DOWN, "Assigned to");
  assert_non_null(who);
  GString *names = offered(who);
  printf("the picker offers:\n%s", names->str);
  assert_true(g_str_has_prefix(names->str, "Nobody\n"));
  assert_non_null(strstr(names->str, "jo\n"));
  assert_non_null(strstr(names->str, "sam\n"));
  assert_null(strstr(names->str, "PCN Manager"));
  g_string_free(names, TRUE);
  GtkStringObject *now = gtk_drop_down_get_selected_item(GTK_DROP_DOWN(who));
  assert_string_equal(gtk_string_object_get_string(now), "Nobody");
  shot(tw, "desktop-task-window-long-title");

  /* Escape cancels: the window goes, nothing reaches the server. */
  type_text(find_widget(tw, GTK_TYPE_ENTRY, "Title"), "Flu numbers, sent");
  dtest_pick(who, "sam");
  press_escape(tw);
  watched_id = id;
  assert_true(spin_until(f, task_window_gone, 2000));
  spin_ms(300);
  const Pcn__Task *t = server_task(f, id);
  assert_string_equal(t->title, long_title);
  assert_string_equal(t->assignee, "");
  assert_int_equal(t->version, 1);

  /* Enter in the title saves. */
  tw = open_task(f->d, id);
  task_win = tw;
  assert_true(spin_until(f, title_read, 5000));
  type_text(find_widget(tw, GTK_TYPE_ENTRY, "Title"), "Flu numbers, sent");
  press_enter(find_widget(tw, GTK_TYPE_ENTRY, "Title"));
  want_server_title = "Flu numbers, sent";
  assert_true(spin_until(f, server_title, 5000));
  assert_string_equal(server_task(f, id)->assignee, "");

  /* Sam leaves; the window, open since, still offers Sam: the server's
   * refusal shows beside the picker, in words, and nothing is assigned. */
  Pcn__MemberDisable off = PCN__MEMBER_DISABLE__INIT;
  off.username = "sam";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEMBER_DISABLE;
  req.member_disable = &off;
  its_expect(f->mgr, &req, PCN__STATUS_CODE__OK);
  assert_true(spin_until(f, window_saved, 5000)); /* the answer is in */
  who = find_widget(tw, GTK_TYPE_DROP_DOWN, "Assigned to");
  dtest_pick(who, "sam");
  dtest_press(find_widget(tw, GTK_TYPE_BUTTON, "Save"));
  refused_beside = who;
  assert_true(spin_until(f, picker_refused, 5000));
  const char *said =
      gtk_label_get_text(GTK_LABEL(gtk_widget_get_next_sibling(who)));
  printf("beside the picker: %s\n", said);
  assert_non_null(strstr(said, "No active member"));
  assert_null(strstr(said, "assignee:"));
  assert_null(strstr(said, "pcn "));
  assert_true(gtk_widget_has_css_class(who, "error"));
  assert_string_equal(server_task(f, id)->assignee, "");
  /* Nobody again: the mark goes with the next save. */
  dtest_pick(who, "Nobody");
  dtest_press(find_widget(tw, GTK_TYPE_BUTTON, "Save"));
  spin_ms(500);
  assert_false(gtk_widget_has_css_class(who, "error"));
  gtk_window_destroy(GTK_WINDOW(tw));
}

static guint64 made_id;
static int made_on_server(fixture *f) {
  Pcn__TaskList l = PCN__TASK_LIST__INIT;
  l.assignee = l.due_before = l.after = l.practice = "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_LIST;
  req.task_list = &l;
  const Pcn__Response *r = its_expect(f->jo, &req, PCN__STATUS_CODE__OK);
  for (size_t i = 0; i < r->tasks->n_tasks; i++)
    if (!strcmp(r->tasks->tasks[i]->title, "Flu letters"))
      made_id = r->tasks->tasks[i]->id;
  return made_id != 0;
}

/* Issue 19: the new-task form has a description, the scopes by name, a
 * person picked from a list and a date typed as people write it; a
 * refused field's words show under that field, without the prefix. */
static void test_new_task(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  /* Sam works at Jo's practice; the picker is filled from the Members
   * list, which the feed brings. */
  its_member *sam =
      its_add_member(f->s, f->mgr, "sam", PCN__ROLE__STAFF, "F84001");
  its_member_free(sam);
  spin_ms(800);
  assert_true(gtk_widget_activate_action(win, "win.new-task", NULL));
  spin_ms(100);
  GtkWidget *dlg = GTK_WIDGET(pcn_desk_new_task_window(f->d));
  assert_non_null(dlg);
  /* Jo writes for her practice, by name; not for the network. */
  GtkWidget *scope = find_widget(dlg, GTK_TYPE_DROP_DOWN, "Who sees it");
  assert_non_null(scope);
  assert_true(dtest_label_under(scope, "Riverside Surgery"));
  assert_false(gtk_widget_get_sensitive(scope));
  assert_non_null(strstr(gtk_widget_get_tooltip_text(scope), "network-wide"));

  /* An empty title: the server's words under the title, no "title:". */
  dtest_press(find_widget(dlg, GTK_TYPE_BUTTON, "Create"));
  const char *said = NULL;
  for (int i = 0; i < 50 && !(said = under_field(dlg, 1)); i++)
    spin_ms(100);
  assert_non_null(said);
  printf("title refused: %s\n", said);
  assert_null(strstr(said, "title:"));
  assert_null(strstr(said, "pcn "));
  assert_true(gtk_widget_has_css_class(
      find_widget(dlg, GTK_TYPE_ENTRY, "Title"), "error"));

  type_text(find_widget(dlg, GTK_TYPE_ENTRY, "Title"), "Flu letters");
  GtkWidget *body = find_widget(dlg, GTK_TYPE_TEXT_VIEW, "Description");
  assert_non_null(body);
  gtk_text_buffer_set_text(gtk_text_view_get_buffer(GTK_TEXT_VIEW(body)),
                           "Letters to the over-65s, second batch.", -1);
  gtk_check_button_set_active(
      GTK_CHECK_BUTTON(find_widget(dlg, GTK_TYPE_CHECK_BUTTON, "Assign")),
      TRUE);
  GtkWidget *who = find_widget(dlg, GTK_TYPE_DROP_DOWN, "Assign to");
  assert_non_null(who);
  dtest_pick(who, "sam");
  type_text(find_widget(dlg, GTK_TYPE_ENTRY, "Due date"), "9/12/2031");
  spin_ms(400);
  shot(dlg, "desktop-new-task");
  dtest_press(find_widget(dlg, GTK_TYPE_BUTTON, "Create"));
  if (!spin_until(f, dialog_gone, 5000)) {
    GtkWidget *grid = pcn_desk_form_grid(GTK_WINDOW(dlg));
    for (GtkWidget *c = gtk_widget_get_first_child(grid); c;
         c = gtk_widget_get_next_sibling(c))
      if (GTK_IS_LABEL(c) && gtk_widget_get_visible(c))
        printf("form says: %s\n", gtk_label_get_text(GTK_LABEL(c)));
    fail();
  }
  made_id = 0;
  assert_true(spin_until(f, made_on_server, 5000));
  const Pcn__Task *t = server_task(f, made_id);
  assert_string_equal(t->due, "2031-12-09");
  assert_string_equal(t->assignee, "sam");
  assert_string_equal(t->practice, "F84001");
  assert_string_equal(t->body, "Letters to the over-65s, second batch.");
  /* The row: the date in words, the assignee and practice by name. */
  want_rows = 1;
  assert_true(spin_until(f, rows_there, 5000));
  spin_ms(200);
  assert_true(dtest_label_under(win, "Tue 9 Dec"));
  assert_true(dtest_label_under(win, "Riverside Surgery · sam"));

  /* Escape cancels the form. */
  assert_true(gtk_widget_activate_action(win, "win.new-task", NULL));
  spin_ms(100);
  dlg = GTK_WIDGET(pcn_desk_new_task_window(f->d));
  assert_non_null(dlg);
  assert_true(gtk_widget_activate_action(dlg, "window.close", NULL));
  assert_true(spin_until(f, dialog_gone, 2000));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_tasks, dtest_setup, dtest_teardown),
      cmocka_unit_test_setup_teardown(test_task_window, dtest_setup,
                                      dtest_teardown),
      cmocka_unit_test_setup_teardown(test_task_window_keys, dtest_setup,
                                      dtest_teardown),
      cmocka_unit_test_setup_teardown(test_new_task, dtest_setup,
                                      dtest_teardown),
      cmocka_unit_test_setup_teardown(test_reminders, setup_clock,
                                      dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
