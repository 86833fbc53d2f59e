/* dtest.h - the GUI tests' fixture: a real pcnd (itest.h) with a PCN
 * manager and Jo, practice manager at F84001, whose saved session the real
 * pcn-desktop window opens in-process (and a second window, the manager's,
 * when a test wants one); and the ways a test waits on the GTK main loop,
 * finds widgets, windows and text, checks that controls are named, and
 * saves screenshots.
 */
#ifndef DTEST_H
#define DTEST_H

#include "desktop.h"
#include "itest.h"

typedef struct fixture {
  its_server *s;
  its_member *mgr, *jo;
  char cfgdir[400];
  AdwApplication *app;
  pcn_desk *d;
  uint64_t last_event_ns;
} fixture;

int dtest_setup(void **state);
/* The same network, but the window is the PCN manager's. */
int dtest_setup_manager(void **state);
int dtest_teardown(void **state);
/* Saves who's session as `pcn join` on their computer would, under
 * f->s->dir/<username>-config (written to dir, n bytes), which becomes
 * XDG_CONFIG_HOME. */
void dtest_save_session(fixture *f, its_member *who, char *dir, size_t n);
/* A second window on the same app, the PCN manager's (their own saved
 * session), presented. The test closes it: gtk_window_destroy, then
 * pcn_desk_free. */
pcn_desk *dtest_open_manager(fixture *f);
/* Runs the GTK main loop until done(f) or timeout_ms; returns done. */
int spin_until(fixture *f, int (*done)(fixture *), unsigned timeout_ms);
/* Runs the loop for about ms. */
void spin_ms(unsigned ms);
int connected(fixture *f);
/* Runs the loop until d has raised a notice after the `before` it had
 * (pcn_desk_notices) whose text contains text, or 8 s pass (then prints
 * the last notice); returns whether it did. */
int dtest_wait_notice(fixture *f, pcn_desk *d, unsigned before,
                      const char *text);
int reconnecting(fixture *f);
/* Saves PCN_SHOT_DIR/name.png of window w. */
void shot(GtkWidget *w, const char *name);
/* Index of the first feed row containing needle (-1), *count of them. */
int find_row(fixture *f, const char *needle, int *count);
/* The first widget under root of type (0: any) whose name, button label or
 * accessible-looking text is name. */
GtkWidget *find_widget(GtkWidget *root, GType type, const char *name);
/* Whether a label under root (or root) has text in what it shows. */
int dtest_label_under(GtkWidget *root, const char *text);
/* The newest toplevel window named name, or NULL. */
GtkWidget *dtest_window_named(const char *name);
/* Shows the page named page of main window win, as clicking its sidebar
 * entry does. */
void dtest_show_page(GtkWidget *win, const char *page);
/* How many visible controls under root (buttons, entries, check boxes,
 * drop-downs, text views, list boxes) have no name a screen reader can
 * say: their own label, an accessible label, or a label that names them.
 * Each is reported on stderr. A drop-down's own popup is GTK's and not
 * counted. (test_desktop_a11y walks whole windows by its own rules.) */
int dtest_unnamed(GtkWidget *root);
/* Clicks a button as a person would, but at once: it must be sensitive and
 * shown. (gtk_widget_activate clicks only after a 250 ms flash, which a
 * loaded machine can stretch past any fixed wait.) */
void dtest_press(GtkWidget *button);
/* Presses (dtest_press) the button under root whose name or label is
 * label; fails the test if there is none. */
void dtest_click(GtkWidget *root, const char *label);
/* Chooses the entry labelled label in a drop-down of strings. */
void dtest_pick(GtkWidget *dropdown, const char *label);
/* Whether the widget named name under root exists and, unless text is
 * NULL, a label in it shows text. */
int dtest_says(GtkWidget *root, const char *name, const char *text);
/* Waits (8 s at most) until the widget named name under root exists and,
 * unless text is NULL, a label in it shows text. */
int dtest_wait_says(fixture *f, GtkWidget *root, const char *name,
                    const char *text);
/* Types text into an editable the way a person would (replacing it). */
void type_text(GtkWidget *editable, const char *text);
/* main() of a GUI test: a display, libadwaita, then the tests. */
int dtest_main(const struct CMUnitTest *tests, size_t n);

#endif
