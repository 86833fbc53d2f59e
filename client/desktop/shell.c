/* shell.c - GNOME's conventions around the desk's pages (issue 19; see
 * shell.h), the way a practice manager expects of any GNOME app:
 *
 * - The header's main menu (a GMenuModel): Preferences, Keyboard
 *   Shortcuts, About PCN Hub, Log out.
 * - Shortcuts: Ctrl+Q quits (app.quit), Ctrl+W closes the focused window
 *   (app.close-window: a task window, a form, or the main window),
 *   Ctrl+? shows the GtkShortcutsWindow (win.shortcuts; built from a
 *   GtkBuilder string, GTK 4.8 has no API to fill one), Ctrl+F
 *   goes to the visible page's search (desk_page.search; pages without
 *   one ignore it). The pages' own (Ctrl+N) stay theirs.
 * - Preferences (AdwPreferencesWindow): notifications on or off (the
 *   [notify] mute-tasks key desk.c reads), "Keep running when the window
 *   is closed" ([window] keep-running, same desktop.ini) and "Start when
 *   I log in" (the autostart file itself is the setting:
 *   $XDG_CONFIG_HOME/autostart/<app id>.desktop, with --background).
 * - Keep running: closing the window hides it and g_application_hold
 *   keeps the process and its connection, so notifications keep coming;
 *   activating the app (or a notification) shows it again.
 * - Notifications carry app.open-record ("task:12", "ask:3"): the window,
 *   the page, and the record (a task's window; else the page's select
 *   hook when it has one; else the page).
 * - Log out asks first, sends Logout, forgets the session in the config
 *   and shows the join view (desk_forget_session).
 * - The lost-server banner: libadwaita 1.2 has no AdwBanner, so a
 *   GtkRevealer strip like certbanner.c's, with Retry now, which tries at
 *   once instead of waiting out the backoff (pcn_client_connect on a
 *   reconnecting client starts an attempt and resets the backoff).
 * - Accessible names said once and without underscores: GTK 4.8 names a
 *   widget by its label property AND the labels that label it, joined, so
 *   a mnemonic button is "_Join Join" and a field with a mnemonic label
 *   and an accessible label "Invitation code Invitation code". Every
 *   widget is tidied as it is mapped (an emission hook on GtkWidget::map,
 *   and on a button's later label changes): a button keeps the name we
 *   gave it or else its label's words; a check button its words without
 *   the underscore; anything else the visible label that names it.
 * - Dark style: the Statement and Shared staff charts take their
 *   background, text and grid from the style's colours (desk_chart_begin)
 *   and are redrawn when it turns dark or light.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "config.h"
#include "report.h"
#include "shell.h"
#include "words.h"

struct desk_shell {
  GtkWidget *banner, *banner_label, *retry;
  GtkWidget *prefs, *about, *help;
  int held, keep_running;
};

/* ------------------------------------------------------------ settings */

static char *ini_path(void) {
  char dir[600];
  if (pcn_config_dir(dir, sizeof dir)) return NULL;
  return g_build_filename(dir, "desktop.ini", NULL);
}

static int ini_get(const char *group, const char *key) {
  char *path = ini_path();
  GKeyFile *k = g_key_file_new();
  int v = 0;
  if (path && g_key_file_load_from_file(k, path, G_KEY_FILE_NONE, NULL))
    v = g_key_file_get_boolean(k, group, key, NULL);
  g_key_file_free(k);
  g_free(path);
  return v;
}

static void ini_set(const char *group, const char *key, int v) {
  char *path = ini_path();
  if (!path) return;
  char *dir = g_path_get_dirname(path);
  g_mkdir_with_parents(dir, 0700);
  g_free(dir);
  GKeyFile *k = g_key_file_new();
  g_key_file_load_from_file(k, path, G_KEY_FILE_KEEP_COMMENTS, NULL);
  g_key_file_set_boolean(k, group, key, v);
  GError *e = NULL;
  if (!g_key_file_save_to_file(k, path, &e)) {
    g_warning("could not save %s: %s", path, e->message);
    g_error_free(e);
  }
  g_key_file_free(k);
  g_free(path);
}

/* $XDG_CONFIG_HOME/autostart/<app id>.desktop, read from the environment
 * each time (g_get_user_config_dir caches the first answer). */
static char *autostart_path(pcn_desk *d) {
  const char *xdg = g_getenv("XDG_CONFIG_HOME");
  char *base = xdg && xdg[0]
                   ? g_strdup(xdg)
                   : g_build_filename(g_get_home_dir(), ".config", NULL);
  const char *id = g_application_get_application_id(G_APPLICATION(d->app));
  char *file = g_strdup_printf("%s.desktop", id ? id : "org.pcnhub.Desktop");
  char *path = g_build_filename(base, "autostart", file, NULL);
  g_free(file);
  g_free(base);
  return path;
}

static int autostart_get(pcn_desk *d) {
  char *p = autostart_path(d);
  int on = g_file_test(p, G_FILE_TEST_EXISTS);
  g_free(p);
  return on;
}

static void autostart_set(pcn_desk *d, int on) {
  char *p = autostart_path(d);
  if (on) {
    char *dir = g_path_get_dirname(p);
    g_mkdir_with_parents(dir, 0700);
    g_free(dir);
    const char *id = g_application_get_application_id(G_APPLICATION(d->app));
    char *text = g_strdup_printf(
        "[Desktop Entry]\nType=Application\nName=PCN Hub\n"
        "Comment=Keeps PCN Hub running for its notifications\n"
        "Exec=pcn-desktop --background\nIcon=%s\nTerminal=false\n"
        "X-GNOME-Autostart-enabled=true\n",
        id ? id : "org.pcnhub.Desktop");
    GError *e = NULL;
    if (!g_file_set_contents(p, text, -1, &e)) {
      g_warning("could not write %s: %s", p, e->message);
      g_error_free(e);
    }
    g_free(text);
  } else if (g_remove(p) && errno != ENOENT) {
    g_warning("could not remove %s: %s", p, g_strerror(errno));
  }
  g_free(p);
}

/* ------------------------------------------------------------ running */

static void hold(pcn_desk *d) {
  if (d->shell->held) return;
  d->shell->held = 1;
  g_application_hold(G_APPLICATION(d->app));
}

static void release(pcn_desk *d) {
  if (!d->shell->held) return;
  d->shell->held = 0;
  g_application_release(G_APPLICATION(d->app));
}

static gboolean on_close_request(GtkWindow *w, gpointer ud) {
  pcn_desk *d = ud;
  if (!d->shell->keep_running) return FALSE;
  hold(d);
  gtk_widget_set_visible(GTK_WIDGET(w), FALSE);
  return TRUE; /* hidden, not gone: the connection stays */
}

void pcn_desk_hold(pcn_desk *d) {
  hold(d);
}

int pcn_desk_held(pcn_desk *d) {
  return d->shell->held;
}

/* ------------------------------------------------------------ actions */

static void act_quit(GSimpleAction *a, GVariant *p, gpointer ud) {
  (void)a;
  (void)p;
  pcn_desk *d = ud;
  release(d);
  g_application_quit(G_APPLICATION(d->app));
}

/* The focused toplevel (a form, a task window) or else the main window;
 * the main window's own close keeps it running when asked. */
static void act_close(GSimpleAction *a, GVariant *p, gpointer ud) {
  (void)a;
  (void)p;
  pcn_desk *d = ud;
  GtkWindow *target = NULL;
  GListModel *tops = gtk_window_get_toplevels();
  for (guint i = 0; i < g_list_model_get_n_items(tops); i++) {
    GtkWindow *w = g_list_model_get_item(tops, i);
    if (!target && gtk_window_is_active(w)) target = w;
    g_object_unref(w);
  }
  gtk_window_close(target ? target : GTK_WINDOW(d->window));
}

/* The application's shortcuts (Ctrl+W, Ctrl+Q, Ctrl+?) reach only the
 * windows it knows: a form or task window, made with gtk_window_new
 * transient for an application window, joins that window's application as
 * it is shown. */
static void on_map_window(GtkWidget *w, gpointer ud) {
  (void)ud;
  GtkWindow *parent = gtk_window_get_transient_for(GTK_WINDOW(w));
  GtkApplication *app = parent ? gtk_window_get_application(parent) : NULL;
  if (app && !gtk_window_get_application(GTK_WINDOW(w)))
    gtk_window_set_application(GTK_WINDOW(w), app);
}

/* ------------------------------------------------------------ a11y */

static int has_label(GtkWidget *w) {
  return gtk_test_accessible_has_property(GTK_ACCESSIBLE(w),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL);
}

static int label_is(GtkWidget *w, const char *text) {
  char *why = gtk_test_accessible_check_property(
      GTK_ACCESSIBLE(w), GTK_ACCESSIBLE_PROPERTY_LABEL, text);
  g_free(why);
  return why == NULL;
}

static void a11y_tidy(GtkWidget *w);

static void on_label_changed(GObject *o, GParamSpec *ps, gpointer ud) {
  (void)ps;
  (void)ud;
  a11y_tidy(GTK_WIDGET(o));
}

static void a11y_tidy(GtkWidget *w) {
  GtkAccessible *a = GTK_ACCESSIBLE(w);
  int by =
      gtk_test_accessible_has_relation(a, GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  const char *raw = GTK_IS_BUTTON(w) ? gtk_button_get_label(GTK_BUTTON(w))
                    : GTK_IS_CHECK_BUTTON(w)
                        ? gtk_check_button_get_label(GTK_CHECK_BUTTON(w))
                        : NULL;
  if ((GTK_IS_BUTTON(w) || GTK_IS_CHECK_BUTTON(w)) &&
      !g_object_get_data(G_OBJECT(w), "pcn-a11y")) {
    g_object_set_data(G_OBJECT(w), "pcn-a11y", GINT_TO_POINTER(1));
    g_signal_connect_after(w, "notify::label", G_CALLBACK(on_label_changed),
                           NULL);
  }
  if (raw && has_label(w) && label_is(w, raw)) {
    /* GTK's own copy of the label, underscore and all. */
    if (by) {
      gtk_accessible_reset_property(a, GTK_ACCESSIBLE_PROPERTY_LABEL);
    } else if (strchr(raw, '_')) {
      char *plain = g_strdup(raw), *o = plain;
      for (const char *p = raw; *p; p++)
        if (*p != '_') *o++ = *p;
      *o = 0;
      gtk_accessible_update_property(a, GTK_ACCESSIBLE_PROPERTY_LABEL, plain,
                                     -1);
      g_free(plain);
    }
  } else if (by && has_label(w)) {
    /* Ours and a label's: a button keeps the name we gave it ("Approve
     * claim 3"), a field the words a sighted person reads beside it. */
    if (GTK_IS_BUTTON(w))
      gtk_accessible_reset_relation(a, GTK_ACCESSIBLE_RELATION_LABELLED_BY);
    else
      gtk_accessible_reset_property(a, GTK_ACCESSIBLE_PROPERTY_LABEL);
  }
}

/* Tidied once the code that showed them has finished (it may name a
 * field by a label just after adding it): the widgets mapped since, held
 * until an idle runs over them all. */
static GPtrArray *mapped;

static gboolean tidy_mapped(gpointer ud) {
  (void)ud;
  GPtrArray *ws = mapped;
  mapped = NULL;
  for (guint i = 0; i < ws->len; i++)
    a11y_tidy(g_ptr_array_index(ws, i));
  g_ptr_array_unref(ws); /* drops the references */
  return G_SOURCE_REMOVE;
}

static gboolean on_any_map(GSignalInvocationHint *hint, guint n,
                           const GValue *params, gpointer ud) {
  (void)hint;
  (void)n;
  (void)ud;
  GObject *o = g_value_get_object(&params[0]);
  if (!GTK_IS_BUTTON(o) && !GTK_IS_CHECK_BUTTON(o) && !GTK_IS_EDITABLE(o) &&
      !GTK_IS_DROP_DOWN(o) && !GTK_IS_TEXT_VIEW(o) && !GTK_IS_SPIN_BUTTON(o) &&
      !GTK_IS_SWITCH(o))
    return TRUE; /* only what a person operates carries a name */
  if (!mapped) {
    mapped = g_ptr_array_new_with_free_func(g_object_unref);
    g_idle_add_full(G_PRIORITY_DEFAULT, tidy_mapped, NULL, NULL);
  }
  g_ptr_array_add(mapped, g_object_ref(o));
  return TRUE; /* stay installed */
}

static void on_toplevels(GListModel *m, guint pos, guint removed, guint added,
                         gpointer ud) {
  (void)removed;
  (void)ud;
  for (guint i = pos; i < pos + added; i++) {
    GtkWidget *w = g_list_model_get_item(m, i);
    if (!g_object_get_data(G_OBJECT(w), "pcn-map")) {
      g_object_set_data(G_OBJECT(w), "pcn-map", GINT_TO_POINTER(1));
      g_signal_connect(w, "map", G_CALLBACK(on_map_window), NULL);
    }
    g_object_unref(w);
  }
}

static void act_search(GSimpleAction *a, GVariant *p, gpointer ud) {
  (void)a;
  (void)p;
  pcn_desk *d = ud;
  const char *id = gtk_stack_get_visible_child_name(GTK_STACK(d->stack));
  for (size_t i = 0; id && i < desk_n_pages; i++)
    if (!strcmp(desk_pages[i]->id, id) && desk_pages[i]->search)
      desk_pages[i]->search(d);
}

static void on_about_gone(GtkWidget *w, gpointer ud) {
  (void)w;
  pcn_desk *d = ud;
  d->shell->about = NULL;
}

static void act_about(GSimpleAction *a, GVariant *p, gpointer ud) {
  (void)a;
  (void)p;
  pcn_desk *d = ud;
  if (!d->shell->about) {
    const char *id = g_application_get_application_id(G_APPLICATION(d->app));
    GtkWidget *w = adw_about_window_new();
    gtk_widget_set_name(w, "About PCN Hub");
    adw_about_window_set_application_name(ADW_ABOUT_WINDOW(w), "PCN Hub");
    adw_about_window_set_application_icon(ADW_ABOUT_WINDOW(w),
                                          id ? id : "org.pcnhub.Desktop");
    adw_about_window_set_version(ADW_ABOUT_WINDOW(w), PCN_VERSION);
    adw_about_window_set_developer_name(ADW_ABOUT_WINDOW(w),
                                        "PCN Hub maintainers");
    adw_about_window_set_comments(
        ADW_ABOUT_WINDOW(w),
        "Tasks, requests, decisions, meetings and funds shared by the "
        "practices of a Primary Care Network, live as they change.");
    gtk_window_set_transient_for(GTK_WINDOW(w), GTK_WINDOW(d->window));
    gtk_window_set_modal(GTK_WINDOW(w), TRUE);
    g_signal_connect(w, "destroy", G_CALLBACK(on_about_gone), d);
    d->shell->about = w;
  }
  gtk_window_present(GTK_WINDOW(d->shell->about));
}

/* Preferences: each switch saves as it is flipped. */
static void on_notify_switch(GObject *o, GParamSpec *ps, gpointer ud) {
  (void)ps;
  pcn_desk *d = ud;
  d->mute_tasks = !gtk_switch_get_active(GTK_SWITCH(o));
  ini_set("notify", "mute-tasks", d->mute_tasks);
}

static void on_keep_switch(GObject *o, GParamSpec *ps, gpointer ud) {
  (void)ps;
  pcn_desk *d = ud;
  d->shell->keep_running = gtk_switch_get_active(GTK_SWITCH(o));
  ini_set("window", "keep-running", d->shell->keep_running);
  if (!d->shell->keep_running && gtk_widget_get_visible(d->window)) release(d);
}

static void on_autostart_switch(GObject *o, GParamSpec *ps, gpointer ud) {
  (void)ps;
  autostart_set(ud, gtk_switch_get_active(GTK_SWITCH(o)));
}

static GtkWidget *switch_row(GtkWidget *group, const char *title,
                             const char *subtitle, int on, GCallback cb,
                             pcn_desk *d) {
  GtkWidget *row = adw_action_row_new();
  adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
  adw_action_row_set_subtitle(ADW_ACTION_ROW(row), subtitle);
  GtkWidget *sw = gtk_switch_new();
  gtk_widget_set_name(sw, title);
  gtk_widget_set_valign(sw, GTK_ALIGN_CENTER);
  gtk_switch_set_active(GTK_SWITCH(sw), on);
  gtk_accessible_update_property(GTK_ACCESSIBLE(sw),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  g_signal_connect(sw, "notify::active", cb, d);
  adw_action_row_add_suffix(ADW_ACTION_ROW(row), sw);
  adw_action_row_set_activatable_widget(ADW_ACTION_ROW(row), sw);
  adw_preferences_group_add(ADW_PREFERENCES_GROUP(group), row);
  return sw;
}

static void on_prefs_gone(GtkWidget *w, gpointer ud) {
  (void)w;
  pcn_desk *d = ud;
  d->shell->prefs = NULL;
}

static void act_prefs(GSimpleAction *a, GVariant *p, gpointer ud) {
  (void)a;
  (void)p;
  pcn_desk *d = ud;
  if (!d->shell->prefs) {
    GtkWidget *w = adw_preferences_window_new();
    gtk_widget_set_name(w, "Preferences");
    adw_preferences_window_set_search_enabled(ADW_PREFERENCES_WINDOW(w), FALSE);
    gtk_window_set_transient_for(GTK_WINDOW(w), GTK_WINDOW(d->window));
    GtkWidget *page = adw_preferences_page_new();
    GtkWidget *notify = adw_preferences_group_new();
    adw_preferences_group_set_title(ADW_PREFERENCES_GROUP(notify),
                                    "Notifications");
    switch_row(notify, "Notify me about what concerns me",
               "A task for me, a request to my practice, a decision to vote on",
               !d->mute_tasks, G_CALLBACK(on_notify_switch), d);
    GtkWidget *run = adw_preferences_group_new();
    adw_preferences_group_set_title(ADW_PREFERENCES_GROUP(run), "Running");
    switch_row(run, "Keep running when the window is closed",
               "Notifications keep coming; open PCN Hub to see the window",
               d->shell->keep_running, G_CALLBACK(on_keep_switch), d);
    switch_row(run, "Start when I log in",
               "PCN Hub starts in the background when you log in to this "
               "computer",
               autostart_get(d), G_CALLBACK(on_autostart_switch), d);
    adw_preferences_page_add(ADW_PREFERENCES_PAGE(page),
                             ADW_PREFERENCES_GROUP(notify));
    adw_preferences_page_add(ADW_PREFERENCES_PAGE(page),
                             ADW_PREFERENCES_GROUP(run));
    adw_preferences_window_add(ADW_PREFERENCES_WINDOW(w),
                               ADW_PREFERENCES_PAGE(page));
    g_signal_connect(w, "destroy", G_CALLBACK(on_prefs_gone), d);
    d->shell->prefs = w;
  }
  gtk_window_present(GTK_WINDOW(d->shell->prefs));
}

/* Log out: asked first; the server forgets the token, this computer
 * forgets the session, the window shows the join view. */
static void logged_out(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  (void)r; /* refused or lost: the session is forgotten here all the same */
  desk_forget_session(ud);
}

static gboolean forget_idle(gpointer ud) {
  desk_forget_session(ud);
  return G_SOURCE_REMOVE;
}

static void do_logout(gpointer ud) {
  pcn_desk *d = ud;
  Pcn__Logout lo = PCN__LOGOUT__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_LOGOUT;
  req.logout = &lo;
  if (!d->cl || !pcn_client_call(d->cl, &req, logged_out, d))
    g_idle_add(forget_idle, d); /* offline: forget it here at least */
}

static void act_logout(GSimpleAction *a, GVariant *p, gpointer ud) {
  (void)a;
  (void)p;
  pcn_desk *d = ud;
  if (!d->joined) return;
  char heading[200];
  snprintf(heading, sizeof heading, "Log out of %s?",
           d->cfg.network_name[0] ? d->cfg.network_name : "the network");
  desk_confirm(GTK_WINDOW(d->window), heading,
               "You will need your password to log in again.", "Log out", TRUE,
               do_logout, d, NULL);
}

/* A notification's Open (and its default action): "kind:id". */
static void act_open_record(GSimpleAction *a, GVariant *p, gpointer ud) {
  (void)a;
  pcn_desk *d = ud;
  const char *target = g_variant_get_string(p, NULL);
  const char *colon = strchr(target, ':');
  gtk_window_present(GTK_WINDOW(d->window));
  if (!colon || !d->joined) return;
  char kind[40];
  g_strlcpy(kind, target, MIN(sizeof kind, (size_t)(colon - target) + 1));
  guint64 id = g_ascii_strtoull(colon + 1, NULL, 10);
  if (!strcmp(kind, "task") || !strcmp(kind, "comment")) {
    desk_show_page(d, "tasks");
    if (id) taskwin_open(d, id);
    return;
  }
  /* The page named kind, kinds or kind with y -> ies ("duty"). */
  char plural[48];
  size_t n = strlen(kind);
  for (size_t i = 0; i < desk_n_pages; i++) {
    const desk_page *pg = desk_pages[i];
    if (n && kind[n - 1] == 'y')
      snprintf(plural, sizeof plural, "%.*sies", (int)n - 1, kind);
    else
      snprintf(plural, sizeof plural, "%ss", kind);
    if (strcmp(pg->id, kind) != 0 && strcmp(pg->id, plural) != 0) continue;
    desk_show_page(d, pg->id);
    if (pg->select && id) pg->select(d, id);
    return;
  }
}

void shell_record_target(const char *id, char *out, size_t n) {
  g_strlcpy(out, id, n);
  char *dash = strrchr(out, '-');
  if (dash) *dash = ':';
}

/* ------------------------------------------------------------ charts */

static void rgb_of(GtkWidget *w, const char *name, double fallback,
                   double out[3]) {
  GdkRGBA c;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *ctx = gtk_widget_get_style_context(w);
  int ok = gtk_style_context_lookup_color(ctx, name, &c);
  G_GNUC_END_IGNORE_DEPRECATIONS
  out[0] = ok ? c.red : fallback;
  out[1] = ok ? c.green : fallback;
  out[2] = ok ? c.blue : fallback;
}

static void mix(const double a[3], const double b[3], double t, double out[3]) {
  for (int i = 0; i < 3; i++)
    out[i] = a[i] * (1 - t) + b[i] * t;
}

void desk_chart_begin(GtkWidget *area, cairo_t *c) {
  if (!adw_style_manager_get_dark(adw_style_manager_get_default())) {
    report_set_palette(NULL);
    cairo_set_source_rgb(c, 0.99, 0.99, 0.98);
    cairo_paint(c);
    return;
  }
  double bg[3], fg[3];
  rgb_of(area, "view_bg_color", 0.12, bg);
  rgb_of(area, "view_fg_color", 0.95, fg);
  report_palette p;
  memcpy(p.ink, fg, sizeof fg);
  mix(bg, fg, 0.65, p.grey);
  mix(bg, fg, 0.18, p.grid);
  mix(bg, fg, 0.55, p.axis);
  report_set_palette(&p);
  cairo_set_source_rgb(c, bg[0], bg[1], bg[2]);
  cairo_paint(c);
}

void desk_chart_end(void) {
  report_set_palette(NULL);
}

/* The charts are drawn into images of their own: redraw them when the
 * style turns dark or light. */
static void redraw_charts(GtkWidget *w) {
  if (GTK_IS_DRAWING_AREA(w)) gtk_widget_queue_draw(w);
  for (GtkWidget *c = gtk_widget_get_first_child(w); c;
       c = gtk_widget_get_next_sibling(c))
    redraw_charts(c);
}

static void on_dark(GObject *o, GParamSpec *ps, gpointer window) {
  (void)o;
  (void)ps;
  redraw_charts(window);
}

/* ------------------------------------------------------------ shortcuts */

static const struct shortcut {
  const char *section, *accel, *title;
} shortcuts[] = {
    {"General", "<Control>question", "Keyboard shortcuts"},
    {"General", "<Control>w", "Close the window"},
    {"General", "<Control>q", "Quit"},
    {"Pages", "<Control>f", "Search the page you are on"},
    {"Pages", "<Control>n", "New task"},
    {"Forms", "Return", "Save or send the form"},
    {"Forms", "Escape", "Cancel the form"},
};

static GtkWidget *shortcuts_window(void) {
  GString *xml =
      g_string_new("<interface><object class='GtkShortcutsWindow' id='w'>"
                   "<property name='modal'>1</property><child>"
                   "<object class='GtkShortcutsSection'>"
                   "<property name='section-name'>shortcuts</property>");
  const char *group = NULL;
  for (size_t i = 0; i < G_N_ELEMENTS(shortcuts); i++) {
    if (!group || strcmp(group, shortcuts[i].section) != 0) {
      if (group) g_string_append(xml, "</object></child>");
      group = shortcuts[i].section;
      g_string_append_printf(xml,
                             "<child><object class='GtkShortcutsGroup'>"
                             "<property name='title'>%s</property>",
                             group);
    }
    char *accel = g_markup_escape_text(shortcuts[i].accel, -1);
    g_string_append_printf(xml,
                           "<child><object class='GtkShortcutsShortcut'>"
                           "<property name='accelerator'>%s</property>"
                           "<property name='title'>%s</property>"
                           "</object></child>",
                           accel, shortcuts[i].title);
    g_free(accel);
  }
  g_string_append(xml, "</object></child></object></child></object>"
                       "</interface>");
  GtkBuilder *b = gtk_builder_new_from_string(xml->str, -1);
  g_string_free(xml, TRUE);
  GtkWidget *w = GTK_WIDGET(gtk_builder_get_object(b, "w"));
  g_object_unref(b); /* GTK's list of toplevels holds the window */
  gtk_widget_set_name(w, "Keyboard Shortcuts");
  return w;
}

static void on_help_gone(GtkWidget *w, gpointer ud) {
  (void)w;
  pcn_desk *d = ud;
  d->shell->help = NULL;
}

/* Made when first asked for (its search entry and buttons are GTK's, not
 * ours to name), then kept until closed. */
static void act_shortcuts(GSimpleAction *a, GVariant *p, gpointer ud) {
  (void)a;
  (void)p;
  pcn_desk *d = ud;
  if (!d->shell->help) {
    d->shell->help = shortcuts_window();
    gtk_window_set_transient_for(GTK_WINDOW(d->shell->help),
                                 GTK_WINDOW(d->window));
    gtk_window_set_hide_on_close(GTK_WINDOW(d->shell->help), FALSE);
    g_signal_connect(d->shell->help, "destroy", G_CALLBACK(on_help_gone), d);
  }
  gtk_window_present(GTK_WINDOW(d->shell->help));
}

/* ------------------------------------------------------------ the menu */

/* The menu's popover is made when first opened: until then the window's
 * tree holds no second GtkStack (a GtkPopoverMenu has one) before the
 * pages' own. */
static void menu_popup(GtkMenuButton *b, gpointer ud) {
  (void)ud;
  if (!gtk_menu_button_get_menu_model(b))
    gtk_menu_button_set_menu_model(b,
                                   g_object_get_data(G_OBJECT(b), "pcn-menu"));
}

GtkWidget *shell_menu_new(pcn_desk *d) {
  d->shell = g_new0(struct desk_shell, 1);
  d->shell->keep_running = ini_get("window", "keep-running");
  const GActionEntry app_entries[] = {
      {"quit", act_quit, NULL, NULL, NULL, {0}},
      {"close-window", act_close, NULL, NULL, NULL, {0}},
      {"preferences", act_prefs, NULL, NULL, NULL, {0}},
      {"about", act_about, NULL, NULL, NULL, {0}},
      {"logout", act_logout, NULL, NULL, NULL, {0}},
      {"open-record", act_open_record, "s", NULL, NULL, {0}},
  };
  g_action_map_add_action_entries(G_ACTION_MAP(d->app), app_entries,
                                  G_N_ELEMENTS(app_entries), d);
  /* A second window on the same app (the tests') takes them over; each
   * desk drops only those still its own (shell_free). */
  for (size_t i = 0; i < G_N_ELEMENTS(app_entries); i++)
    g_object_set_data(G_OBJECT(g_action_map_lookup_action(G_ACTION_MAP(d->app),
                                                          app_entries[i].name)),
                      "pcn-desk", d);
  const GActionEntry win_entries[] = {
      {"search", act_search, NULL, NULL, NULL, {0}},
      {"shortcuts", act_shortcuts, NULL, NULL, NULL, {0}},
  };
  g_action_map_add_action_entries(G_ACTION_MAP(d->window), win_entries,
                                  G_N_ELEMENTS(win_entries), d);
  static const char *const quit[] = {"<Control>q", NULL};
  static const char *const close[] = {"<Control>w", NULL};
  static const char *const search[] = {"<Control>f", NULL};
  static const char *const help[] = {"<Control>question", NULL};
  gtk_application_set_accels_for_action(d->app, "app.quit", quit);
  gtk_application_set_accels_for_action(d->app, "app.close-window", close);
  gtk_application_set_accels_for_action(d->app, "win.search", search);
  gtk_application_set_accels_for_action(d->app, "win.shortcuts", help);
  g_signal_connect(d->window, "close-request", G_CALLBACK(on_close_request), d);
  static int watching;
  if (!watching) { /* once per process; it needs no desk */
    watching = 1;
    g_signal_connect(gtk_window_get_toplevels(), "items-changed",
                     G_CALLBACK(on_toplevels), NULL);
    g_signal_add_emission_hook(g_signal_lookup("map", GTK_TYPE_WIDGET), 0,
                               on_any_map, NULL, NULL);
  }
  g_signal_connect_object(adw_style_manager_get_default(), "notify::dark",
                          G_CALLBACK(on_dark), d->window, 0);

  GMenu *menu = g_menu_new();
  GMenu *top = g_menu_new();
  g_menu_append(top, "_Preferences", "app.preferences");
  g_menu_append(top, "_Keyboard Shortcuts", "win.shortcuts");
  g_menu_append(top, "_About PCN Hub", "app.about");
  g_menu_append_section(menu, NULL, G_MENU_MODEL(top));
  GMenu *out = g_menu_new();
  g_menu_append(out, "_Log out", "app.logout");
  g_menu_append_section(menu, NULL, G_MENU_MODEL(out));
  g_object_unref(top);
  g_object_unref(out);
  GtkWidget *button = gtk_menu_button_new();
  gtk_widget_set_name(button, "Main menu");
  gtk_menu_button_set_icon_name(GTK_MENU_BUTTON(button), "open-menu-symbolic");
  g_object_set_data_full(G_OBJECT(button), "pcn-menu", g_object_ref(menu),
                         g_object_unref);
  gtk_menu_button_set_create_popup_func(GTK_MENU_BUTTON(button), menu_popup,
                                        NULL, NULL);
  gtk_menu_button_set_primary(GTK_MENU_BUTTON(button), TRUE);
  gtk_widget_set_tooltip_text(button, "Main menu");
  gtk_accessible_update_property(
      GTK_ACCESSIBLE(button), GTK_ACCESSIBLE_PROPERTY_LABEL, "Main menu", -1);
  g_object_unref(menu);
  return button;
}

/* ------------------------------------------------------------ the banner */

static void on_retry(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  if (d->cl && pcn_client_get_state(d->cl) == PCN_CLIENT_RECONNECTING) {
    pcn_client_connect(d->cl); /* at once, and the backoff starts again */
    desk_show_status(d);
  }
}

GtkWidget *shell_banner_new(pcn_desk *d) {
  struct desk_shell *s = d->shell;
  s->banner_label = gtk_label_new(
      "The server cannot be reached. PCN Hub keeps trying; what you see may "
      "be out of date until it is back.");
  gtk_label_set_wrap(GTK_LABEL(s->banner_label), TRUE);
  gtk_label_set_xalign(GTK_LABEL(s->banner_label), 0);
  gtk_widget_set_hexpand(s->banner_label, TRUE);
  s->retry = gtk_button_new_with_mnemonic("_Retry now");
  gtk_widget_set_name(s->retry, "Retry now");
  gtk_widget_set_valign(s->retry, GTK_ALIGN_CENTER);
  g_signal_connect(s->retry, "clicked", G_CALLBACK(on_retry), d);
  s->banner =
      desk_banner_new("server-banner", "Server connection lost",
                      "network-offline-symbolic", s->banner_label, s->retry);
  return s->banner;
}

void shell_on_state(pcn_desk *d, pcn_client_state st) {
  if (!d->shell || !d->shell->banner) return;
  if (st == PCN_CLIENT_READY || st == PCN_CLIENT_RECONNECTING ||
      st == PCN_CLIENT_FAILED || st == PCN_CLIENT_IDLE)
    gtk_revealer_set_reveal_child(GTK_REVEALER(d->shell->banner),
                                  st == PCN_CLIENT_RECONNECTING);
}

const char *pcn_desk_server_banner(pcn_desk *d) {
  if (!d->shell || !d->shell->banner ||
      !gtk_revealer_get_reveal_child(GTK_REVEALER(d->shell->banner)))
    return NULL;
  return gtk_label_get_text(GTK_LABEL(d->shell->banner_label));
}

void shell_free(pcn_desk *d) {
  struct desk_shell *s = d->shell;
  if (!s) return;
  release(d);
  if (s->prefs) gtk_window_destroy(GTK_WINDOW(s->prefs));
  if (s->about) gtk_window_destroy(GTK_WINDOW(s->about));
  if (s->help) gtk_window_destroy(GTK_WINDOW(s->help));
  static const char *const acts[] = {"quit",  "close-window", "preferences",
                                     "about", "logout",       "open-record"};
  for (size_t i = 0; i < G_N_ELEMENTS(acts); i++) {
    GAction *a = g_action_map_lookup_action(G_ACTION_MAP(d->app), acts[i]);
    if (a && g_object_get_data(G_OBJECT(a), "pcn-desk") == d)
      g_action_map_remove_action(G_ACTION_MAP(d->app), acts[i]);
  }
  g_free(s);
  d->shell = NULL;
}
