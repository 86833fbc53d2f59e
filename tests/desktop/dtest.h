/* dtest.h - the GUI tests' fixture: a real pcnd (itest.h) with a PCN
 * manager and Jo, practice manager at F84001, whose saved session the real
 * pcn-desktop window opens in-process; and the ways a test waits on the
 * GTK main loop, finds widgets, and saves screenshots.
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
/* Runs the GTK main loop until done(f) or timeout_ms; returns done. */
int spin_until(fixture *f, int (*done)(fixture *), unsigned timeout_ms);
/* Runs the loop for about ms. */
void spin_ms(unsigned ms);
int connected(fixture *f);
int reconnecting(fixture *f);
/* Saves PCN_SHOT_DIR/name.png of window w. */
void shot(GtkWidget *w, const char *name);
/* Index of the first feed row containing needle (-1), *count of them. */
int find_row(fixture *f, const char *needle, int *count);
/* The first widget under root of type (0: any) whose name, button label or
 * accessible-looking text is name. */
GtkWidget *find_widget(GtkWidget *root, GType type, const char *name);
/* Clicks a button as a person would, but at once: it must be sensitive and
 * shown. (gtk_widget_activate clicks only after a 250 ms flash, which a
 * loaded machine can stretch past any fixed wait.) */
void dtest_press(GtkWidget *button);
/* Chooses the entry labelled label in a drop-down of strings. */
void dtest_pick(GtkWidget *dropdown, const char *label);
/* Types text into an editable the way a person would (replacing it). */
void type_text(GtkWidget *editable, const char *text);
/* main() of a GUI test: a display, libadwaita, then the tests. */
int dtest_main(const struct CMUnitTest *tests, size_t n);

#endif
