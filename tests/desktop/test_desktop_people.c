/* test_desktop_people.c - the Practices and Members views. Jo (practice
 * manager) sees both lists and is refused adding a practice, with the
 * server's sentence. The PCN manager, in a second window, adds a practice
 * and invites a member through the forms; the code shown is the one that
 * works; the new member appears live in Jo's window; the manager disables
 * them from the list. Jo sets her own e-mail address (a bad one is refused
 * with the server's sentence) and the manager sets Sam's; both show in
 * the rows of both windows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dtest.h"

static pcn_desk *mgr_desk;
static GListModel *model;
static const char *want_key, *want_sub;

static int has_row(fixture *f) {
  (void)f;
  for (guint i = 0; i < g_list_model_get_n_items(model); i++) {
    PcnRecordRow *r = g_list_model_get_item(model, i);
    int hit = !strcmp(pcn_record_row_key(r), want_key) &&
              (!want_sub || strstr(pcn_record_row_subtitle(r), want_sub));
    g_object_unref(r);
    if (hit) return 1;
  }
  return 0;
}

static int wait_row(fixture *f, GListModel *m, const char *key,
                    const char *sub) {
  model = m;
  want_key = key;
  want_sub = sub;
  return spin_until(f, has_row, 5000);
}

static GtkWidget *form_win;
static const char *want_text;
static int form_says(fixture *f) {
  (void)f;
  GtkWidget *grid = gtk_window_get_child(GTK_WINDOW(form_win));
  for (GtkWidget *c = gtk_widget_get_first_child(grid); c;
       c = gtk_widget_get_next_sibling(c))
    if (GTK_IS_LABEL(c) && strstr(gtk_label_get_text(GTK_LABEL(c)), want_text))
      return 1;
  return 0;
}

/* Clicks a member's row in the Members list (selects it). */
static void select_member(GtkWidget *win, const char *username) {
  GtkWidget *members = find_widget(win, GTK_TYPE_LIST_VIEW, "Members");
  GtkSelectionModel *sel = gtk_list_view_get_model(GTK_LIST_VIEW(members));
  for (guint i = 0; i < g_list_model_get_n_items(G_LIST_MODEL(sel)); i++) {
    PcnRecordRow *r = g_list_model_get_item(G_LIST_MODEL(sel), i);
    if (!strcmp(pcn_record_row_key(r), username))
      gtk_selection_model_select_item(sel, i, TRUE);
    g_object_unref(r);
  }
}

static void test_people(void **state) {
  fixture *f = *state;
  GtkWidget *jo_win = GTK_WIDGET(pcn_desk_window(f->d));
  assert_true(wait_row(f, pcn_desk_practices(f->d), "F84001", NULL));
  assert_true(wait_row(f, pcn_desk_members(f->d), "manager", "pcn_manager"));
  assert_true(wait_row(f, pcn_desk_members(f->d), "jo", "at F84001"));

  /* Jo may not add a practice: the form says why and keeps the fields. */
  dtest_show_page(jo_win, "practices");
  dtest_click(jo_win, "Add practice");
  form_win = dtest_window_named("Add a practice");
  assert_non_null(form_win);
  type_text(find_widget(form_win, GTK_TYPE_ENTRY, "ODS code"), "F84002");
  type_text(find_widget(form_win, GTK_TYPE_ENTRY, "Practice name"), "Hill");
  type_text(find_widget(form_win, GTK_TYPE_ENTRY, "List size"), "9000");
  dtest_click(form_win, "Add");
  want_text = "PCN manager";
  assert_true(spin_until(f, form_says, 5000));
  gtk_window_destroy(GTK_WINDOW(form_win));

  /* The PCN manager's own window (their saved session). */
  mgr_desk = dtest_open_manager(f);
  GtkWidget *mgr_win = GTK_WIDGET(pcn_desk_window(mgr_desk));
  assert_true(wait_row(f, pcn_desk_practices(mgr_desk), "F84001", NULL));

  dtest_show_page(mgr_win, "practices");
  dtest_click(mgr_win, "Add practice");
  form_win = dtest_window_named("Add a practice");
  type_text(find_widget(form_win, GTK_TYPE_ENTRY, "ODS code"), "F84002");
  type_text(find_widget(form_win, GTK_TYPE_ENTRY, "Practice name"),
            "Hill Surgery");
  type_text(find_widget(form_win, GTK_TYPE_ENTRY, "List size"), "9000");
  dtest_click(form_win, "Add");
  /* It appears in both windows, live. */
  assert_true(wait_row(f, pcn_desk_practices(mgr_desk), "F84002", "9000"));
  assert_true(wait_row(f, pcn_desk_practices(f->d), "F84002", "9000"));

  /* Invite Sam, staff at Hill; the code shown is one that works. */
  dtest_show_page(mgr_win, "members");
  dtest_click(mgr_win, "Invite");
  form_win = dtest_window_named("Invite a member");
  assert_non_null(form_win);
  type_text(find_widget(form_win, GTK_TYPE_ENTRY, "Username"), "sam");
  type_text(find_widget(form_win, GTK_TYPE_ENTRY, "Display name"), "Sam Hill");
  gtk_drop_down_set_selected(
      GTK_DROP_DOWN(find_widget(form_win, GTK_TYPE_DROP_DOWN, NULL)), 1);
  type_text(find_widget(form_win, GTK_TYPE_ENTRY, "Practice"), "F84002");
  dtest_click(form_win, "Invite");
  want_text = "pcn join pcn1-";
  assert_true(spin_until(f, form_says, 5000));
  shot(form_win, "desktop-invite");
  const char *code = g_object_get_data(
      G_OBJECT(find_widget(form_win, GTK_TYPE_BUTTON, "Copy the code")),
      "code");
  assert_non_null(code);
  its_member *sam = its_join(f->s, code);
  assert_true(wait_row(f, pcn_desk_members(f->d), "sam", "staff at F84002"));
  gtk_window_destroy(GTK_WINDOW(form_win));

  /* The manager picks Sam in the list. */
  assert_true(wait_row(f, pcn_desk_members(mgr_desk), "sam", NULL));
  select_member(mgr_win, "sam");
  /* Sam moves to practice manager at Hill, through the role form. */
  dtest_click(mgr_win, "Change role");
  form_win = dtest_window_named("Change role");
  assert_non_null(form_win);
  gtk_drop_down_set_selected(
      GTK_DROP_DOWN(find_widget(form_win, GTK_TYPE_DROP_DOWN, NULL)), 0);
  type_text(find_widget(form_win, GTK_TYPE_ENTRY, "Practice"), "F84002");
  dtest_click(form_win, "Change");
  assert_true(
      wait_row(f, pcn_desk_members(f->d), "sam", "practice_manager at F84002"));
  /* Jo sets her own e-mail address (nothing selected: her own). */
  dtest_show_page(jo_win, "members");
  dtest_click(jo_win, "Set e-mail");
  form_win = dtest_window_named("Set e-mail");
  assert_non_null(form_win);
  assert_int_equal(dtest_unnamed(form_win), 0);
  type_text(find_widget(form_win, GTK_TYPE_ENTRY, "E-mail address"),
            "jo at riverside");
  dtest_click(form_win, "Save");
  want_text = "name@practice.nhs.net";
  assert_true(spin_until(f, form_says, 5000));
  type_text(find_widget(form_win, GTK_TYPE_ENTRY, "E-mail address"),
            "jo.bloggs@riverside.nhs.uk");
  dtest_click(form_win, "Save");
  assert_true(wait_row(f, pcn_desk_members(mgr_desk), "jo",
                       "jo.bloggs@riverside.nhs.uk"));
  assert_true(
      wait_row(f, pcn_desk_members(f->d), "jo", "jo.bloggs@riverside.nhs.uk"));
  /* The manager sets Sam's, from the list. */
  select_member(mgr_win, "sam");
  dtest_click(mgr_win, "Set e-mail");
  form_win = dtest_window_named("Set e-mail");
  type_text(find_widget(form_win, GTK_TYPE_ENTRY, "E-mail address"),
            "sam.hill@hillsurgery.nhs.uk");
  dtest_click(form_win, "Save");
  assert_true(wait_row(f, pcn_desk_members(f->d), "sam",
                       "sam.hill@hillsurgery.nhs.uk"));

  /* The changed row is a new one: pick Sam again, then disable. */
  select_member(mgr_win, "sam");
  dtest_click(mgr_win, "Disable");
  assert_true(wait_row(f, pcn_desk_members(f->d), "sam", "disabled"));
  shot(mgr_win, "desktop-members");
  its_member_free(sam);
  gtk_window_destroy(GTK_WINDOW(mgr_win));
  pcn_desk_free(mgr_desk);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_people, dtest_setup, dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
