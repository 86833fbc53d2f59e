/* main.c - pcn-desktop: the GTK 4 app a practice manager keeps open.
 * One window per run; see desk.c for what it shows and how it stays live.
 * `pcn-desktop --background` (the autostart file's, shell.c) starts with
 * the window hidden and the connection up, for the notifications;
 * activating the app again (the launcher, a notification) shows it.
 */
#include "desktop.h"

static pcn_desk *desk;
static gboolean background;

static gint on_options(GApplication *app, GVariantDict *opts, gpointer ud) {
  (void)app;
  (void)ud;
  background = g_variant_dict_contains(opts, "background");
  return -1; /* carry on: register, then activate */
}

static void on_activate(GApplication *app, gpointer ud) {
  (void)ud;
  if (!desk) {
    desk = pcn_desk_new(GTK_APPLICATION(app));
    if (background) {
      pcn_desk_hold(desk);
      return;
    }
  }
  gtk_window_present(pcn_desk_window(desk));
}

static void on_shutdown(GApplication *app, gpointer ud) {
  (void)app;
  (void)ud;
  pcn_desk_free(desk);
  desk = NULL;
}

int main(int argc, char **argv) {
  AdwApplication *app =
      adw_application_new("org.pcnhub.Desktop", G_APPLICATION_DEFAULT_FLAGS);
  g_application_add_main_option(G_APPLICATION(app), "background", 0,
                                G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE,
                                "Start without showing the window (for its "
                                "notifications; open it again to see it)",
                                NULL);
  g_signal_connect(app, "handle-local-options", G_CALLBACK(on_options), NULL);
  g_signal_connect(app, "activate", G_CALLBACK(on_activate), NULL);
  g_signal_connect(app, "shutdown", G_CALLBACK(on_shutdown), NULL);
  int rc = g_application_run(G_APPLICATION(app), argc, argv);
  g_object_unref(app);
  return rc;
}
