/* test_desktop_a11y.c - accessibility smoke: every button, entry, drop-down
 * and check box in the main views and their windows has a name a screen
 * reader can say: its own label, an accessible label, or a label that
 * names it (a mnemonic label sets labelled-by), said once and without a
 * mnemonic's underscore (dtest_unnamed). Walks every toplevel after
 * opening each view and window (a form among them), and fails on the
 * first that has none.
 */
#include <stdio.h>
#include <string.h>

#include "dtest.h"

static int unnamed;

static int named(GtkWidget *w) {
  GtkAccessible *a = GTK_ACCESSIBLE(w);
  if (gtk_test_accessible_has_property(a, GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation(a, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return 1;
  if (GTK_IS_BUTTON(w) && gtk_button_get_label(GTK_BUTTON(w))) return 1;
  if (GTK_IS_CHECK_BUTTON(w) && gtk_check_button_get_label(GTK_CHECK_BUTTON(w)))
    return 1;
  return 0;
}

static int wants_name(GtkWidget *w) {
  if (!gtk_widget_get_visible(w)) return 0;
  /* A drop-down's own popup (its list and search) is GTK's, named by it. */
  if (gtk_widget_get_ancestor(
          gtk_widget_get_parent(w) ? gtk_widget_get_parent(w) : w,
          GTK_TYPE_DROP_DOWN))
    return 0;
  if (GTK_IS_BUTTON(w)) {
    /* GTK's own parts (window controls, the entries' peek and clear
     * icons, list internals) name themselves; ours are in our views. */
    GtkWidget *p = gtk_widget_get_parent(w);
    if (p && (GTK_IS_WINDOW_CONTROLS(p) || GTK_IS_MENU_BUTTON(p) ||
              GTK_IS_DROP_DOWN(p)))
      return 0;
    return 1;
  }
  return GTK_IS_ENTRY(w) || GTK_IS_PASSWORD_ENTRY(w) ||
         GTK_IS_SEARCH_ENTRY(w) || GTK_IS_DROP_DOWN(w) ||
         GTK_IS_CHECK_BUTTON(w) || GTK_IS_MENU_BUTTON(w) || GTK_IS_LIST_VIEW(w);
}

static void walk(GtkWidget *w) {
  if (wants_name(w) && !named(w)) {
    unnamed++;
    fprintf(stderr, "no accessible name: %s (name '%s') under %s\n",
            G_OBJECT_TYPE_NAME(w), gtk_widget_get_name(w),
            gtk_widget_get_parent(w)
                ? G_OBJECT_TYPE_NAME(gtk_widget_get_parent(w))
                : "-");
  }
  /* Entries are made of an inner GtkText: the entry is what is named. */
  if (GTK_IS_ENTRY(w) || GTK_IS_PASSWORD_ENTRY(w) || GTK_IS_SEARCH_ENTRY(w))
    return;
  for (GtkWidget *c = gtk_widget_get_first_child(w); c;
       c = gtk_widget_get_next_sibling(c))
    walk(c);
}

static void walk_all(void) {
  GListModel *tops = gtk_window_get_toplevels();
  for (guint i = 0; i < g_list_model_get_n_items(tops); i++) {
    GtkWidget *w = g_list_model_get_item(tops, i);
    walk(w);
    unnamed += dtest_unnamed(w); /* and none said twice or with a '_' */
    g_object_unref(w);
  }
}

static int one_task(fixture *f) {
  return g_list_model_get_n_items(pcn_desk_tasks(f->d)) == 1;
}

static void test_a11y(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  its_task(f->mgr, "Named things", "", "2026-12-01", "jo");
  assert_true(spin_until(f, one_task, 5000));
  const char *pages[] = {"feed",      "tasks",    "asks",   "news",
                         "decisions", "meetings", "duties", "practices",
                         "members",   "network",  "funds",  "staff"};
  GtkStack *stack = GTK_STACK(find_widget(win, GTK_TYPE_STACK, NULL));
  for (size_t i = 0; i < G_N_ELEMENTS(pages); i++) {
    gtk_stack_set_visible_child_name(stack, pages[i]);
    spin_ms(50);
    walk_all();
  }
  /* The windows a view opens. */
  gtk_stack_set_visible_child_name(stack, "tasks");
  assert_true(gtk_widget_activate_action(win, "win.new-task", NULL));
  spin_ms(100);
  walk_all();
  gtk_window_destroy(pcn_desk_new_task_window(f->d));
  gtk_stack_set_visible_child_name(stack, "members");
  spin_ms(50);
  dtest_click(GTK_WIDGET(gtk_stack_get_visible_child(stack)), "Set e-mail");
  spin_ms(100);
  assert_non_null(dtest_window_named("Set e-mail"));
  walk_all();
  gtk_window_destroy(GTK_WINDOW(dtest_window_named("Set e-mail")));
  g_signal_emit_by_name(find_widget(win, GTK_TYPE_LIST_VIEW, "Tasks"),
                        "activate", 0);
  spin_ms(300);
  walk_all();
  assert_int_equal(unnamed, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_a11y, dtest_setup, dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
