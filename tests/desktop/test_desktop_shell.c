/* test_desktop_shell.c - GNOME's conventions around the pages (issue 19,
 * shell.c), on the real window against a real pcnd over TLS:
 *
 * Shortcuts and About: Ctrl+? shows the shortcuts window, which lists
 * Ctrl+N among the others; Ctrl+F on a page without a search does nothing,
 * on Tasks it puts the keyboard in its search; About is an AdwAboutWindow
 * with the version. The main menu is screenshotted (docs/desktop-menu.png).
 * Banner: pcnd stops, the banner says so; once pcnd is back, Retry now
 * reconnects well before the backoff would have (docs/desktop-banner.png).
 * Keep running: with the switch on, closing the window hides it and the
 * app stays held, the connection alive: a task written meanwhile raises a
 * notification, and its Open (app.open-record "task:ID") shows the window
 * with that task's window open. Autostart: the file appears with the
 * switch and goes with it. Log out: Cancel keeps the session; Log out
 * sends Logout (the old token can no longer resume) and the join view
 * shows. Dark: with the dark style forced, the Statement chart's
 * background is dark (and light again without it). Forms: every form the
 * PCN manager opens is an AdwWindow with Cancel and its action in a header
 * bar, Enter's default, Escape closing it, and fits 800x600
 * (docs/desktop-form.png).
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "dtest.h"

static GtkWidget *find_shortcut(GtkWidget *root, const char *accel) {
  if (GTK_IS_SHORTCUTS_SHORTCUT(root)) {
    char *a = NULL;
    g_object_get(root, "accelerator", &a, NULL);
    int hit = a && !strcmp(a, accel);
    g_free(a);
    if (hit) return root;
  }
  for (GtkWidget *c = gtk_widget_get_first_child(root); c;
       c = gtk_widget_get_next_sibling(c)) {
    GtkWidget *w = find_shortcut(c, accel);
    if (w) return w;
  }
  return NULL;
}

static void test_shortcuts_about(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  /* Ctrl+? */
  assert_true(gtk_widget_activate_action(win, "win.shortcuts", NULL));
  spin_ms(200);
  GtkWidget *help = dtest_window_named("Keyboard Shortcuts");
  assert_non_null(help);
  assert_true(GTK_IS_SHORTCUTS_WINDOW(help));
  assert_true(gtk_widget_get_visible(help));
  const char *listed[] = {"<Control>n", "<Control>f", "<Control>w",
                          "<Control>q", "<Control>question"};
  for (size_t i = 0; i < G_N_ELEMENTS(listed); i++)
    assert_non_null(find_shortcut(help, listed[i]));
  /* Each shortcut listed is one the app answers. */
  GtkApplication *app = GTK_APPLICATION(f->app);
  char **acts = gtk_application_list_action_descriptions(app);
  int quit = 0, close = 0, search = 0, overlay = 0;
  for (char **a = acts; *a; a++) {
    quit |= !strcmp(*a, "app.quit");
    close |= !strcmp(*a, "app.close-window");
    search |= !strcmp(*a, "win.search");
    overlay |= !strcmp(*a, "win.shortcuts");
  }
  g_strfreev(acts);
  assert_true(quit && close && search && overlay);
  gtk_window_close(GTK_WINDOW(help));
  spin_ms(100);

  /* Ctrl+F: the Feed has no search (nothing happens); Tasks has one. */
  dtest_show_page(win, "feed");
  assert_true(gtk_widget_activate_action(win, "win.search", NULL));
  GtkWidget *tsearch = find_widget(win, GTK_TYPE_SEARCH_ENTRY, "Search tasks");
  assert_non_null(tsearch);
  assert_string_equal(gtk_stack_get_visible_child_name(
                          GTK_STACK(find_widget(win, GTK_TYPE_STACK, NULL))),
                      "feed");
  dtest_show_page(win, "tasks");
  assert_true(gtk_widget_activate_action(win, "win.search", NULL));
  spin_ms(100);
  GtkWidget *focus = gtk_root_get_focus(GTK_ROOT(win));
  assert_true(focus &&
              (focus == tsearch || gtk_widget_is_ancestor(focus, tsearch)));

  /* A form joins the application, so Ctrl+W (app.close-window) and the
   * other application shortcuts reach it. */
  assert_true(gtk_widget_activate_action(win, "win.new-task", NULL));
  spin_ms(200);
  GtkWindow *form = pcn_desk_new_task_window(f->d);
  assert_non_null(form);
  assert_true(gtk_window_get_application(form) == GTK_APPLICATION(f->app));
  gtk_window_destroy(form);
  spin_ms(100);

  /* About. */
  g_action_group_activate_action(G_ACTION_GROUP(f->app), "about", NULL);
  spin_ms(200);
  GtkWidget *about = dtest_window_named("About PCN Hub");
  assert_non_null(about);
  assert_true(ADW_IS_ABOUT_WINDOW(about));
  assert_string_equal(adw_about_window_get_version(ADW_ABOUT_WINDOW(about)),
                      PCN_VERSION);
  assert_string_equal(
      adw_about_window_get_application_name(ADW_ABOUT_WINDOW(about)),
      "PCN Hub");
  gtk_window_close(GTK_WINDOW(about));
  spin_ms(100);

  /* The main menu: Preferences, Keyboard Shortcuts, About, Log out. */
  GtkWidget *menu = find_widget(win, GTK_TYPE_MENU_BUTTON, "Main menu");
  assert_non_null(menu);
  dtest_show_page(win, "feed");
  gtk_menu_button_popup(GTK_MENU_BUTTON(menu));
  spin_ms(300);
  GMenuModel *m = gtk_menu_button_get_menu_model(GTK_MENU_BUTTON(menu));
  assert_non_null(m);
  const char *want[] = {"app.preferences", "win.shortcuts", "app.about",
                        "app.logout"};
  size_t found = 0;
  for (int s = 0; s < g_menu_model_get_n_items(m); s++) {
    GMenuModel *sec = g_menu_model_get_item_link(m, s, G_MENU_LINK_SECTION);
    for (int i = 0; sec && i < g_menu_model_get_n_items(sec); i++) {
      char *action = NULL;
      g_menu_model_get_item_attribute(sec, i, G_MENU_ATTRIBUTE_ACTION, "s",
                                      &action);
      if (found < G_N_ELEMENTS(want) && action && !strcmp(action, want[found]))
        found++;
      g_free(action);
    }
    if (sec) g_object_unref(sec);
  }
  assert_int_equal(found, G_N_ELEMENTS(want));
  shot(GTK_WIDGET(gtk_menu_button_get_popover(GTK_MENU_BUTTON(menu))),
       "desktop-menu");
  gtk_menu_button_popdown(GTK_MENU_BUTTON(menu));
}

static int banner_shown(fixture *f) {
  return pcn_desk_server_banner(f->d) != NULL;
}
static int banner_gone(fixture *f) {
  return pcn_desk_server_banner(f->d) == NULL && connected(f);
}
/* The client waits 3 s or more before its next try. */
static int long_wait(fixture *f) {
  unsigned s = 0;
  return sscanf(pcn_desk_status(f->d), "Reconnecting in %u s", &s) == 1 &&
         s >= 3;
}

static void test_banner(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  assert_null(pcn_desk_server_banner(f->d));
  its_stop(f->s);
  assert_true(spin_until(f, banner_shown, 10000));
  assert_non_null(strstr(pcn_desk_server_banner(f->d), "cannot be reached"));
  /* The backoff grows with each failed try: 250 ms, 0.5, 1, 2, 4 s. */
  assert_true(spin_until(f, long_wait, 20000));
  shot(win, "desktop-banner");
  its_run(f->s);
  /* Not before the backoff's next try (3 s and more away): at once. */
  gint64 t0 = g_get_monotonic_time();
  dtest_click(win, "Retry now");
  assert_true(spin_until(f, banner_gone, 2500));
  printf("Retry now: connected in %.0f ms\n",
         (double)(g_get_monotonic_time() - t0) / 1000);
}

static GtkWidget *open_prefs(fixture *f) {
  g_action_group_activate_action(G_ACTION_GROUP(f->app), "preferences", NULL);
  spin_ms(200);
  GtkWidget *p = dtest_window_named("Preferences");
  assert_non_null(p);
  assert_true(ADW_IS_PREFERENCES_WINDOW(p));
  return p;
}

static guint64 task_id;
static int task_window_open(fixture *f) {
  return pcn_desk_task_window(f->d, task_id) != NULL;
}

static void test_keep_running(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  GtkWidget *prefs = open_prefs(f);
  GtkWidget *keep = find_widget(prefs, GTK_TYPE_SWITCH,
                                "Keep running when the window is closed");
  assert_non_null(keep);
  assert_false(gtk_switch_get_active(GTK_SWITCH(keep)));
  gtk_switch_set_active(GTK_SWITCH(keep), TRUE);
  char *ini = g_build_filename(f->cfgdir, "pcn", "desktop.ini", NULL);
  char *text = NULL;
  assert_true(g_file_get_contents(ini, &text, NULL, NULL));
  assert_non_null(strstr(text, "keep-running=true"));
  g_free(text);
  g_free(ini);
  gtk_window_close(GTK_WINDOW(prefs));
  spin_ms(100);

  /* Closing the window hides it; the app is held; the connection lives. */
  assert_false(pcn_desk_held(f->d));
  /* Ctrl+W with no other window: the main window's close. */
  g_action_group_activate_action(G_ACTION_GROUP(f->app), "close-window", NULL);
  spin_ms(200);
  assert_false(gtk_widget_get_visible(win));
  assert_true(pcn_desk_held(f->d));
  assert_true(connected(f));
  unsigned before = pcn_desk_notices(f->d, NULL);
  task_id = its_task(f->mgr, "Check the defibrillator pads", "", "", "jo");
  assert_true(dtest_wait_notice(f, f->d, before, "defibrillator"));

  /* The notification's Open: the window, the Tasks page, the task. */
  char target[40];
  snprintf(target, sizeof target, "task:%llu", (unsigned long long)task_id);
  g_action_group_activate_action(G_ACTION_GROUP(f->app), "open-record",
                                 g_variant_new_string(target));
  assert_true(spin_until(f, task_window_open, 5000));
  assert_true(gtk_widget_get_visible(win));
  assert_string_equal(gtk_stack_get_visible_child_name(
                          GTK_STACK(find_widget(win, GTK_TYPE_STACK, NULL))),
                      "tasks");
  gtk_window_destroy(pcn_desk_task_window(f->d, task_id));

  /* Off again: closing would now end the window (not done here: the
   * fixture owns it); the hold goes once the window is shown. */
  prefs = open_prefs(f);
  keep = find_widget(prefs, GTK_TYPE_SWITCH,
                     "Keep running when the window is closed");
  gtk_switch_set_active(GTK_SWITCH(keep), FALSE);
  assert_false(pcn_desk_held(f->d));
  gtk_window_close(GTK_WINDOW(prefs));
  spin_ms(100);
}

static void test_autostart(void **state) {
  fixture *f = *state;
  char *path = g_build_filename(f->cfgdir, "autostart",
                                "org.pcnhub.DesktopTest.desktop", NULL);
  assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
  GtkWidget *prefs = open_prefs(f);
  GtkWidget *sw = find_widget(prefs, GTK_TYPE_SWITCH, "Start when I log in");
  assert_non_null(sw);
  assert_false(gtk_switch_get_active(GTK_SWITCH(sw)));
  gtk_switch_set_active(GTK_SWITCH(sw), TRUE);
  char *text = NULL;
  assert_true(g_file_get_contents(path, &text, NULL, NULL));
  assert_non_null(strstr(text, "Exec=pcn-desktop --background"));
  g_free(text);
  gtk_window_close(GTK_WINDOW(prefs));
  spin_ms(100);
  /* The switch reads the file: on when opened again. */
  prefs = open_prefs(f);
  sw = find_widget(prefs, GTK_TYPE_SWITCH, "Start when I log in");
  assert_true(gtk_switch_get_active(GTK_SWITCH(sw)));
  gtk_switch_set_active(GTK_SWITCH(sw), FALSE);
  assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
  /* The notification switch moved here too. */
  assert_non_null(
      find_widget(prefs, GTK_TYPE_SWITCH, "Notify me about what concerns me"));
  gtk_window_close(GTK_WINDOW(prefs));
  spin_ms(100);
  g_free(path);
}

static const char *want_row;
static int row_there(fixture *f) {
  int n;
  return find_row(f, want_row, &n) >= 0;
}

static int join_shown(fixture *f) {
  GtkWidget *st =
      find_widget(GTK_WIDGET(pcn_desk_window(f->d)), GTK_TYPE_STACK, NULL);
  const char *v = gtk_stack_get_visible_child_name(GTK_STACK(st));
  return v && !strcmp(v, "join");
}

static void test_logout(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  pcn_config cfg;
  char err[300];
  assert_int_equal(pcn_config_load(&cfg, err, sizeof err), 0);
  char token[80];
  g_strlcpy(token, cfg.token, sizeof token);
  assert_true(token[0]);

  /* Cancel keeps the session. */
  g_action_group_activate_action(G_ACTION_GROUP(f->app), "logout", NULL);
  spin_ms(200);
  GtkWidget *ask = dtest_window_named("Confirm");
  assert_non_null(ask);
  assert_string_equal(adw_message_dialog_get_heading(ADW_MESSAGE_DIALOG(ask)),
                      "Log out of Riverside PCN?");
  assert_non_null(strstr(adw_message_dialog_get_body(ADW_MESSAGE_DIALOG(ask)),
                         "You will need your password to log in again."));
  adw_message_dialog_response(ADW_MESSAGE_DIALOG(ask), "cancel");
  spin_ms(300);
  assert_true(connected(f));
  assert_false(join_shown(f));

  /* Log out. */
  g_action_group_activate_action(G_ACTION_GROUP(f->app), "logout", NULL);
  spin_ms(200);
  ask = dtest_window_named("Confirm");
  assert_non_null(ask);
  assert_string_equal(
      adw_message_dialog_get_response_label(ADW_MESSAGE_DIALOG(ask), "go"),
      "Log out");
  adw_message_dialog_response(ADW_MESSAGE_DIALOG(ask), "go");
  assert_true(spin_until(f, join_shown, 5000));
  shot(win, "desktop-logged-out");
  /* Forgotten here, and the server refuses the old token. */
  pcn_config now;
  assert_int_equal(pcn_config_load(&now, err, sizeof err), 0);
  assert_string_equal(now.token, "");
  assert_string_equal(now.username, "jo");
  pcn_client_config cc = {.server = cfg.server,
                          .ca_pem = cfg.ca_pem,
                          .client_name = "test",
                          .client_version = "0",
                          .token = token};
  pcn_error_class cls = PCN_ERR_NONE;
  pcn_sync *s = pcn_sync_connect(&cc, err, sizeof err, &cls);
  if (s) pcn_sync_close(s);
  assert_null(s);
  assert_int_equal(cls, PCN_ERR_SERVER);
  printf("the old token: %s\n", err);
  pcn_config_free(&now);
  pcn_config_free(&cfg);
  /* The pages went with the session. */
  assert_null(find_widget(win, GTK_TYPE_SEARCH_ENTRY, "Search tasks"));

  /* Logging in again on the same window builds them afresh, live. */
  type_text(find_widget(win, 0, "Password"), ITEST_PASSWORD);
  dtest_click(win, "Log in");
  assert_true(spin_until(f, connected, 10000));
  its_task(f->mgr, "After logging in again", "", "", "jo");
  want_row = "After logging in again";
  assert_true(spin_until(f, row_there, 5000));
  assert_non_null(find_widget(win, GTK_TYPE_SEARCH_ENTRY, "Search tasks"));
}

/* The brightness (0-255, the mean of red, green and blue) of the pixel x
 * from the right and y from the bottom of what widget w shows now (the
 * corner of a chart is background; its top left is its title). */
static int brightness(GtkWidget *w, const char *name, int x, int y) {
  shot(w, name);
  char path[600];
  snprintf(path, sizeof path, "%s/%s.png", PCN_SHOT_DIR, name);
  GdkTexture *t = gdk_texture_new_from_filename(path, NULL);
  assert_non_null(t);
  int width = gdk_texture_get_width(t), height = gdk_texture_get_height(t);
  assert_true(x < width && y < height);
  x = width - 1 - x;
  y = height - 1 - y;
  guchar *px = g_malloc((size_t)width * (size_t)height * 4);
  gdk_texture_download(t, px, (size_t)width * 4);
  const guchar *p = px + ((size_t)y * (size_t)width + (size_t)x) * 4;
  int b = (p[0] + p[1] + p[2]) / 3; /* B, G, R, A in memory */
  g_free(px);
  g_object_unref(t);
  return b;
}

static void test_dark_chart(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  dtest_show_page(win, "statement");
  GtkWidget *chart = find_widget(win, GTK_TYPE_DRAWING_AREA, "Statement chart");
  assert_non_null(chart);
  AdwStyleManager *sm = adw_style_manager_get_default();
  int light = brightness(chart, "desktop-chart-light", 4, 4);
  adw_style_manager_set_color_scheme(sm, ADW_COLOR_SCHEME_FORCE_DARK);
  spin_ms(300);
  assert_true(adw_style_manager_get_dark(sm));
  int dark = brightness(chart, "desktop-chart-dark", 4, 4);
  adw_style_manager_set_color_scheme(sm, ADW_COLOR_SCHEME_DEFAULT);
  spin_ms(200);
  printf("chart background: light %d, dark %d (0-255)\n", light, dark);
  assert_true(light > 200);
  assert_true(dark < 80);
}

/* The .desktop file the package installs names the app id and icon the
 * app uses (so the shell shows its notifications under it) and runs it;
 * the icon it names is beside it. desktop-file-validate is not installed
 * here, so the keys are checked. */
static void test_desktop_file(void **state) {
  (void)state;
  GKeyFile *k = g_key_file_new();
  assert_true(g_key_file_load_from_file(k, PCN_DESKTOP_FILE, 0, NULL));
  const char *g = G_KEY_FILE_DESKTOP_GROUP;
  char *type = g_key_file_get_string(k, g, "Type", NULL);
  char *exec = g_key_file_get_string(k, g, "Exec", NULL);
  char *icon = g_key_file_get_string(k, g, "Icon", NULL);
  char *name = g_key_file_get_string(k, g, "Name", NULL);
  char *cats = g_key_file_get_string(k, g, "Categories", NULL);
  assert_string_equal(type, "Application");
  assert_string_equal(exec, "pcn-desktop");
  assert_string_equal(icon, "org.pcnhub.Desktop"); /* main.c's app id */
  assert_string_equal(name, "PCN Hub");
  assert_non_null(strstr(cats, "Office;"));
  assert_true(g_key_file_get_boolean(k, g, "StartupNotify", NULL));
  char *dir = g_path_get_dirname(PCN_DESKTOP_FILE);
  char *svg = g_strdup_printf("%s/%s.svg", dir, icon);
  assert_true(g_file_test(svg, G_FILE_TEST_EXISTS));
  g_free(svg);
  g_free(dir);
  g_free(type);
  g_free(exec);
  g_free(icon);
  g_free(name);
  g_free(cats);
  g_key_file_free(k);
}

/* Forms follow GNOME's dialog pattern (issue 19): each form the PCN
 * manager can open is an AdwWindow, modal over the main window, with a
 * header bar holding Cancel (or Close) at the start and the action at the
 * end as the window's default (Enter), no title buttons; Escape closes it;
 * it fits an 800x600 screen. Cancel closes New task without sending. */
static int escape_closes(GtkWidget *w) {
  GListModel *cs = gtk_widget_observe_controllers(w);
  int done = 0;
  for (guint i = 0; !done && i < g_list_model_get_n_items(cs); i++) {
    GObject *c = g_list_model_get_item(cs, i);
    if (GTK_IS_SHORTCUT_CONTROLLER(c)) {
      GListModel *sc = G_LIST_MODEL(c);
      for (guint k = 0; !done && k < g_list_model_get_n_items(sc); k++) {
        GtkShortcut *s = g_list_model_get_item(sc, k);
        GtkShortcutTrigger *t = gtk_shortcut_get_trigger(s);
        if (GTK_IS_KEYVAL_TRIGGER(t) &&
            gtk_keyval_trigger_get_keyval(GTK_KEYVAL_TRIGGER(t)) ==
                GDK_KEY_Escape &&
            !gtk_keyval_trigger_get_modifiers(GTK_KEYVAL_TRIGGER(t)))
          done = gtk_shortcut_action_activate(gtk_shortcut_get_action(s), 0, w,
                                              NULL);
        g_object_unref(s);
      }
    }
    g_object_unref(c);
  }
  g_object_unref(cs);
  return done;
}

static const char *gone_name;
static int form_gone(fixture *f) {
  (void)f;
  return dtest_window_named(gone_name) == NULL;
}

static GtkWidget *form_checked(fixture *f, const char *name, const char *go,
                               const char *cancel) {
  GtkWidget *w = NULL;
  for (int i = 0; i < 20 && !(w = dtest_window_named(name)); i++)
    spin_ms(50);
  if (!w) fail_msg("no form %s", name);
  printf("form %s\n", name);
  assert_true(ADW_IS_WINDOW(w));
  assert_true(gtk_window_get_modal(GTK_WINDOW(w)));
  assert_ptr_equal(gtk_window_get_transient_for(GTK_WINDOW(w)),
                   pcn_desk_window(f->d));
  GtkWidget *hb = find_widget(w, ADW_TYPE_HEADER_BAR, NULL);
  assert_non_null(hb);
  assert_false(adw_header_bar_get_show_end_title_buttons(ADW_HEADER_BAR(hb)));
  assert_false(adw_header_bar_get_show_start_title_buttons(ADW_HEADER_BAR(hb)));
  assert_non_null(find_widget(hb, GTK_TYPE_BUTTON, cancel));
  GtkWidget *b = find_widget(hb, GTK_TYPE_BUTTON, go);
  if (!b) fail_msg("form %s has no %s in its header bar", name, go);
  assert_ptr_equal(gtk_window_get_default_widget(GTK_WINDOW(w)), b);
  assert_true(gtk_widget_has_css_class(b, "suggested-action") ||
              gtk_widget_has_css_class(b, "destructive-action"));
  int minw, minh;
  gtk_widget_measure(w, GTK_ORIENTATION_HORIZONTAL, -1, &minw, NULL, NULL,
                     NULL);
  gtk_widget_measure(w, GTK_ORIENTATION_VERTICAL, -1, &minh, NULL, NULL, NULL);
  printf("  minimum %dx%d\n", minw, minh);
  assert_true(minw <= 800);
  assert_true(minh <= 600);
  return w;
}

static void escape_form(fixture *f, const char *name) {
  GtkWidget *w = dtest_window_named(name);
  assert_true(escape_closes(w));
  gone_name = name;
  assert_true(spin_until(f, form_gone, 2000));
}

static void test_forms(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  spin_ms(500);
  /* New task: Cancel closes it and sends nothing. */
  guint before = g_list_model_get_n_items(pcn_desk_tasks(f->d));
  assert_true(gtk_widget_activate_action(win, "win.new-task", NULL));
  GtkWidget *w = form_checked(f, "New task", "Create", "Cancel");
  type_text(find_widget(w, GTK_TYPE_ENTRY, "Title"), "Never sent");
  shot(w, "desktop-form");
  dtest_click(find_widget(w, ADW_TYPE_HEADER_BAR, NULL), "Cancel");
  gone_name = "New task";
  assert_true(spin_until(f, form_gone, 2000));
  spin_ms(300);
  assert_int_equal(g_list_model_get_n_items(pcn_desk_tasks(f->d)), before);

  static const struct {
    const char *page, *button, *form, *go, *cancel;
  } forms[] = {
      {"asks", "New ask", "New ask", "Ask", "Cancel"},
      {"decisions", "New proposal", "New proposal", "Propose", "Cancel"},
      {"decisions", "Voters", "Voters", "Name voter", "Close"},
      {"meetings", "New meeting", "New meeting", "Call meeting", "Cancel"},
      {"news", "New post", "New post", "Post", "Cancel"},
      {"duties", "Add entry", "Add an entry", "Add", "Cancel"},
      {"members", "Invite", "Invite a member", "Invite", "Cancel"},
      {"practices", "Add practice", "Add a practice", "Add", "Cancel"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(forms); i++) {
    dtest_show_page(win, forms[i].page);
    spin_ms(100);
    dtest_click(
        gtk_stack_get_child_by_name(
            GTK_STACK(find_widget(win, GTK_TYPE_STACK, NULL)), forms[i].page),
        forms[i].button);
    form_checked(f, forms[i].form, forms[i].go, forms[i].cancel);
    escape_form(f, forms[i].form);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_desktop_file),
      cmocka_unit_test_setup_teardown(test_shortcuts_about, dtest_setup,
                                      dtest_teardown),
      cmocka_unit_test_setup_teardown(test_banner, dtest_setup, dtest_teardown),
      cmocka_unit_test_setup_teardown(test_keep_running, dtest_setup,
                                      dtest_teardown),
      cmocka_unit_test_setup_teardown(test_autostart, dtest_setup,
                                      dtest_teardown),
      cmocka_unit_test_setup_teardown(test_logout, dtest_setup, dtest_teardown),
      cmocka_unit_test_setup_teardown(test_dark_chart, dtest_setup,
                                      dtest_teardown),
      cmocka_unit_test_setup_teardown(test_forms, dtest_setup_manager,
                                      dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
