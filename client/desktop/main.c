/* main.c - pcn-desktop: the GTK 4 app a practice manager keeps open.
 * One window per run; see desk.c for what it shows and how it stays live.
 */
#include "desktop.h"

static pcn_desk *desk;

static void on_activate(GApplication *app, gpointer ud) {
  (void)ud;
  if (!desk) desk = pcn_desk_new(GTK_APPLICATION(app));
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
  g_signal_connect(app, "activate", G_CALLBACK(on_activate), NULL);
  g_signal_connect(app, "shutdown", G_CALLBACK(on_shutdown), NULL);
  int rc = g_application_run(G_APPLICATION(app), argc, argv);
  g_object_unref(app);
  return rc;
}
