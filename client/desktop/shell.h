/* shell.h - GNOME's conventions around the desk's pages (issue 19): the
 * header's main menu, the application's shortcuts and their window, About,
 * Preferences, Log out, the lost-server banner, keeping running with the
 * window closed, and the notifications' "Open" action. shell.c owns them;
 * desk.c calls these hooks at the points named.
 */
#ifndef PCN_SHELL_H
#define PCN_SHELL_H

#include "deskpriv.h"

/* As the window is built: the main menu button (for the header's end), the
 * window's and the application's actions and their shortcuts, and the
 * close-request handler that keeps the app running when asked. */
GtkWidget *shell_menu_new(pcn_desk *d);
/* The strip under the header when the server is lost, with Retry now. */
GtkWidget *shell_banner_new(pcn_desk *d);
/* Every state change of the main connection (desk.c's on_state). */
void shell_on_state(pcn_desk *d, pcn_client_state st);
/* The notification's action target for a notice id ("task-12" ->
 * "task:12"), in out. */
void shell_record_target(const char *id, char *out, size_t n);
/* A chart's background and neutral colours (report_set_palette): the
 * print colours on a near-white page in the light style, the style's own
 * (window background and foreground, the grid between them) when
 * AdwStyleManager is dark. desk_chart_begin paints c's background;
 * desk_chart_end restores the print colours after drawing. */
void desk_chart_begin(GtkWidget *area, cairo_t *c);
void desk_chart_end(void);
/* desk.c: after Log out, the session is forgotten (the config keeps the
 * server and the username, not the token), the pages and the connection
 * go, and the window shows the join view. */
void desk_forget_session(pcn_desk *d);
/* As the desk goes: lets the application go, drops its actions. */
void shell_free(pcn_desk *d);

#endif
