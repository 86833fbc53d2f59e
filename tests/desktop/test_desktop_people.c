/* test_desktop_people.c - the Practices and Members views. Jo (practice
 * manager) sees both lists and is refused adding a practice, with the
 * server's sentence. The PCN manager, in a second window, adds a practice
 * and invites a member through the forms; the code shown is the one that
 * works; the new member appears live in Jo's window; the manager disables
 * them from the list. Jo sets her own e-mail address (a bad one is refused
 * with the server's sentence) and the manager sets Sam's; both show in
 * the rows of both windows. Rows are in words (issue 19): names, roles
 * and practice names, the codes in the tooltip. Disable asks first,
 * naming the person: Cancel changes nothing on the server, Disable in the
 * dialog disables, and the row then offers Enable (asked too), which lets
 * them back in.
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
  GtkWidget *grid = pcn_desk_form_grid(GTK_WINDOW(form_win));
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

/* Sam's row in m (a reference). */
static PcnRecordRow *sam_row(GListModel *m) {
  for (guint i = 0; i < g_list_model_get_n_items(m); i++) {
    PcnRecordRow *r = g_list_model_get_item(m, i);
    if (!strcmp(pcn_record_row_key(r), "sam")) return r;
    g_object_unref(r);
  }
  fail_msg("no row for sam");
  return NULL;
}

/* What the server says of Sam, asked by the PCN manager. */
static int sam_disabled(fixture *f) {
  Pcn__MemberGet g = PCN__MEMBER_GET__INIT;
  g.username = "sam";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEMBER_GET;
  req.member_get = &g;
  const Pcn__Response *r = its_expect(f->mgr, &req, PCN__STATUS_CODE__OK);
  return r->member->disabled;
}
static int want_disabled;
static int sam_is(fixture *f) {
  return sam_disabled(f) == want_disabled;
}

/* Sam's row in model no longer says Disabled. */
static int sam_enabled_row(fixture *f) {
  (void)f;
  PcnRecordRow *r = sam_row(model);
  int yes = !strstr(pcn_record_row_subtitle(r), "Disabled");
  g_object_unref(r);
  return yes;
}

static void test_people(void **state) {
  fixture *f = *state;
  GtkWidget *jo_win = GTK_WIDGET(pcn_desk_window(f->d));
  assert_true(wait_row(f, pcn_desk_practices(f->d), "F84001", NULL));
  assert_true(wait_row(f, pcn_desk_members(f->d), "manager", "PCN manager"));
  assert_true(wait_row(f, pcn_desk_members(f->d), "jo",
                       "Practice manager at Riverside Surgery"));

  /* Jo may not add a practice: the server's table says so before she
   * tries (issue 19), the button greyed out with the reason. */
  dtest_show_page(jo_win, "practices");
  spin_ms(100);
  GtkWidget *jo_add = find_widget(jo_win, GTK_TYPE_BUTTON, "Add practice");
  assert_non_null(jo_add);
  assert_false(gtk_widget_get_sensitive(jo_add));
  const char *tip = gtk_widget_get_tooltip_text(jo_add);
  assert_non_null(tip);
  printf("Add practice, for Jo: %s\n", tip);
  assert_non_null(strstr(tip, "PCN manager"));
  assert_non_null(strstr(tip, "add a practice"));

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
      GTK_DROP_DOWN(find_widget(form_win, GTK_TYPE_DROP_DOWN, "Role")), 1);
  /* The practice by its name, not typed as a code (issue 19). */
  assert_null(find_widget(form_win, GTK_TYPE_ENTRY, "Practice"));
  dtest_pick(find_widget(form_win, GTK_TYPE_DROP_DOWN, "Practice"),
             "Hill Surgery");
  dtest_click(form_win, "Invite");
  /* The code, in words for the window: no command line to run. */
  want_text = "when it first opens:\npcn1-";
  assert_true(spin_until(f, form_says, 5000));
  assert_false(dtest_label_under(form_win, "pcn join"));
  /* The invitation is made: Cancel has become Close. */
  assert_non_null(find_widget(form_win, GTK_TYPE_BUTTON, "Close"));
  shot(form_win, "desktop-invite");
  const char *code = g_object_get_data(
      G_OBJECT(find_widget(form_win, GTK_TYPE_BUTTON, "Copy the code")),
      "code");
  assert_non_null(code);
  its_member *sam = its_join(f->s, code);
  assert_true(
      wait_row(f, pcn_desk_members(f->d), "sam", "Staff at Hill Surgery"));
  gtk_window_destroy(GTK_WINDOW(form_win));

  /* The manager picks Sam in the list. */
  assert_true(wait_row(f, pcn_desk_members(mgr_desk), "sam", NULL));
  select_member(mgr_win, "sam");
  /* Sam moves to practice manager at Hill, through the role form. */
  dtest_click(mgr_win, "Change role");
  form_win = dtest_window_named("Change role");
  assert_non_null(form_win);
  /* It starts from what Sam has: Staff at Hill Surgery, by name. */
  GtkWidget *role = find_widget(form_win, GTK_TYPE_DROP_DOWN, "Role");
  /* (the drop-down's button: its first child; the popover holds all) */
  assert_true(dtest_label_under(gtk_widget_get_first_child(role), "Staff"));
  assert_false(
      dtest_label_under(gtk_widget_get_first_child(role), "Practice manager"));
  GtkWidget *prac = find_widget(form_win, GTK_TYPE_DROP_DOWN, "Practice");
  assert_true(dtest_label_under(gtk_widget_get_first_child(prac), "Hill"));
  assert_false(
      dtest_label_under(gtk_widget_get_first_child(prac), "Riverside"));
  assert_true(dtest_label_under(form_win, "Change Sam Hill's role"));
  gtk_drop_down_set_selected(GTK_DROP_DOWN(role), 0);
  dtest_click(form_win, "Change");
  assert_true(wait_row(f, pcn_desk_members(f->d), "sam",
                       "Practice manager at Hill Surgery"));
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

  /* The row speaks words, not codes: the name as its title, the
   * username and ODS code only in its tooltip. */
  PcnRecordRow *row = sam_row(pcn_desk_members(mgr_desk));
  assert_string_equal(pcn_record_row_title(row), "Sam Hill");
  assert_null(strstr(pcn_record_row_subtitle(row), "F84002"));
  assert_null(strstr(pcn_record_row_subtitle(row), "practice_manager"));
  g_object_unref(row);

  /* Disable asks first, naming Sam and what happens; Cancel changes
   * nothing on the server. */
  select_member(mgr_win, "sam");
  dtest_click(mgr_win, "Disable");
  GtkWidget *dlg = dtest_window_named("Confirm");
  assert_non_null(dlg);
  assert_true(dtest_label_under(dlg, "Disable Sam Hill?"));
  assert_true(dtest_label_under(dlg, "Sam Hill will be logged out everywhere "
                                     "and cannot log in until re-enabled; "
                                     "their records stay."));
  shot(dlg, "desktop-members-confirm");
  dtest_click(dlg, "Cancel");
  spin_ms(300);
  assert_false(sam_disabled(f));
  assert_null(
      strstr(pcn_record_row_subtitle(row = sam_row(pcn_desk_members(mgr_desk))),
             "Disabled"));
  g_object_unref(row);

  /* Disable in the dialog disables; the row says so and offers Enable. */
  dtest_click(mgr_win, "Disable");
  dlg = dtest_window_named("Confirm");
  assert_non_null(dlg);
  dtest_click(dlg, "Disable");
  assert_true(wait_row(f, pcn_desk_members(f->d), "sam", "Disabled"));
  assert_true(wait_row(f, pcn_desk_members(mgr_desk), "sam", "Disabled"));
  assert_true(sam_disabled(f));
  spin_ms(200);
  assert_non_null(find_widget(mgr_win, GTK_TYPE_BUTTON, "Enable"));
  shot(mgr_win, "desktop-members");

  /* Enable, asked too, brings Sam back. */
  dtest_click(mgr_win, "Enable");
  dlg = dtest_window_named("Confirm");
  assert_non_null(dlg);
  assert_true(dtest_label_under(dlg, "Enable Sam Hill again?"));
  dtest_click(dlg, "Enable");
  want_disabled = 0;
  assert_true(spin_until(f, sam_is, 5000));
  /* Both windows show Sam enabled again. */
  model = pcn_desk_members(f->d);
  assert_true(spin_until(f, sam_enabled_row, 5000));
  model = pcn_desk_members(mgr_desk);
  assert_true(spin_until(f, sam_enabled_row, 5000));
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
