/* test_desktop_conflict.c - two windows edit the same Riverside task,
 * which Jo, its practice's manager, may change. The first saves; the
 * second, still on the version it read, gets CONFLICT and sees both
 * versions with its own edit, and the person it picked, still in its
 * fields; it keeps its own, which lands over the new version, the
 * assignee picked by name arriving as a username (issue 19). Then a
 * comment, Mark done, Reopen and "Nobody" from that window, checked on
 * the server; and the first window, now stale, takes theirs: its fields
 * and its picker show the task as it is. Everything through the widgets.
 */
#include <stdio.h>
#include <string.h>

#include "dtest.h"

static pcn_desk *second;
static const char *want_note;
static GtkWidget *note_of;

/* The status line at the bottom of a task window says want_note. */
static int note_says(fixture *f) {
  (void)f;
  /* Any visible label in the window containing the text. */
  GtkWidget *stack[256];
  int n = 0;
  stack[n++] = note_of;
  while (n) {
    GtkWidget *w = stack[--n];
    if (GTK_IS_LABEL(w) && gtk_widget_get_visible(w) &&
        strstr(gtk_label_get_text(GTK_LABEL(w)), want_note))
      return 1;
    for (GtkWidget *c = gtk_widget_get_first_child(w); c && n < 256;
         c = gtk_widget_get_next_sibling(c))
      stack[n++] = c;
  }
  return 0;
}

static void dump_labels(GtkWidget *w) {
  if (GTK_IS_LABEL(w) && gtk_widget_get_visible(w))
    fprintf(stderr, "  label: %s\n", gtk_label_get_text(GTK_LABEL(w)));
  for (GtkWidget *c = gtk_widget_get_first_child(w); c;
       c = gtk_widget_get_next_sibling(c))
    dump_labels(c);
}

static int wait_note(fixture *f, GtkWidget *win, const char *text) {
  note_of = win;
  want_note = text;
  int ok = spin_until(f, note_says, 5000);
  if (!ok) {
    fprintf(stderr, "no \"%s\" in the window; it shows:\n", text);
    dump_labels(win);
  }
  return ok;
}

static GtkWidget *entry_of;
static int entry_filled(fixture *f) {
  (void)f;
  return !strcmp(gtk_editable_get_text(GTK_EDITABLE(entry_of)), "Shared rota");
}

static GtkWidget *button_in;
static const char *button_label;
static int button_there(fixture *f) {
  (void)f;
  return find_widget(button_in, GTK_TYPE_BUTTON, button_label) != NULL;
}

/* The name the window's "Assigned to" picker shows. */
static const char *picked(GtkWidget *win) {
  GtkWidget *dd = find_widget(win, GTK_TYPE_DROP_DOWN, "Assigned to");
  assert_non_null(dd);
  GtkStringObject *s = gtk_drop_down_get_selected_item(GTK_DROP_DOWN(dd));
  return s ? gtk_string_object_get_string(s) : "";
}

static guint64 task_id;
static int both_listed(fixture *f) {
  return g_list_model_get_n_items(pcn_desk_tasks(f->d)) == 1 &&
         g_list_model_get_n_items(pcn_desk_tasks(second)) == 1;
}

/* Both of Jo's windows know Sam Hill by name (the pickers are filled from
 * the Members list). */
static int knows_sam(pcn_desk *d) {
  GListModel *m = pcn_desk_members(d);
  int yes = 0;
  for (guint i = 0; i < g_list_model_get_n_items(m); i++) {
    PcnRecordRow *r = g_list_model_get_item(m, i);
    yes |= !strcmp(pcn_record_row_key(r), "sam");
    g_object_unref(r);
  }
  return yes;
}
static int both_know_sam(fixture *f) {
  return knows_sam(f->d) && knows_sam(second);
}

static GtkWidget *open_row(pcn_desk *d) {
  GtkWidget *list =
      find_widget(GTK_WIDGET(pcn_desk_window(d)), GTK_TYPE_LIST_VIEW, "Tasks");
  assert_non_null(list);
  g_signal_emit_by_name(list, "activate", 0); /* Enter on the first row */
  GtkWindow *w = pcn_desk_task_window(d, task_id);
  assert_non_null(w);
  return GTK_WIDGET(w);
}

static const Pcn__Task *server_task(fixture *f) {
  Pcn__TaskGet g = PCN__TASK_GET__INIT;
  g.id = task_id;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_GET;
  req.task_get = &g;
  return its_expect(f->jo, &req, PCN__STATUS_CODE__OK)->task_detail->task;
}

/* Sam Hill, staff at Riverside: invited by name as the PCN manager would
 * (username sam), and joined. */
static void add_sam(fixture *f) {
  Pcn__MemberInvite inv = PCN__MEMBER_INVITE__INIT;
  inv.username = "sam";
  inv.display_name = "Sam Hill";
  inv.role = PCN__ROLE__STAFF;
  inv.practice = "F84001";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEMBER_INVITE;
  req.member_invite = &inv;
  char *code =
      strdup(its_expect(f->mgr, &req, PCN__STATUS_CODE__OK)->invitation->code);
  its_member_free(its_try_join(f->s, code, PCN__STATUS_CODE__OK));
  free(code);
}

static void test_conflict(void **state) {
  fixture *f = *state;
  second = pcn_desk_new(GTK_APPLICATION(f->app));
  gtk_window_present(pcn_desk_window(second));
  add_sam(f);
  /* Riverside's, Jo's own: she may change it. */
  task_id = its_task(f->jo, "Shared rota", "F84001", "2026-12-01", "jo");
  assert_true(spin_until(f, both_listed, 10000));
  assert_true(spin_until(f, both_know_sam, 10000));

  GtkWidget *a = open_row(f->d), *b = open_row(second);
  /* Both have read version 1 when their fields show it. */
  entry_of = find_widget(a, GTK_TYPE_ENTRY, "Title");
  assert_true(spin_until(f, entry_filled, 5000));
  entry_of = find_widget(b, GTK_TYPE_ENTRY, "Title");
  assert_true(spin_until(f, entry_filled, 5000));
  assert_string_equal(picked(a), "jo");

  /* A saves first. */
  type_text(find_widget(a, GTK_TYPE_ENTRY, "Title"), "Rota, A's edit");
  dtest_press(find_widget(a, GTK_TYPE_BUTTON, "Save"));
  assert_true(wait_note(f, a, "Saved."));

  /* B, still on version 1, hands it to Sam Hill, by name, and is told
   * and sees both. */
  type_text(find_widget(b, GTK_TYPE_ENTRY, "Title"), "Rota, B's edit");
  type_text(find_widget(b, GTK_TYPE_ENTRY, "Due date"), "2026-12-20");
  dtest_pick(find_widget(b, GTK_TYPE_DROP_DOWN, "Assigned to"), "Sam Hill");
  dtest_press(find_widget(b, GTK_TYPE_BUTTON, "Save"));
  assert_true(wait_note(f, b, "Theirs: “Rota, A's edit”, due Tue 1 Dec"));
  assert_true(wait_note(f, b, "Yours: “Rota, B's edit”, due Sun 20 Dec"));
  assert_true(wait_note(f, b, "for Sam Hill"));
  assert_string_equal(gtk_editable_get_text(GTK_EDITABLE(
                          find_widget(b, GTK_TYPE_ENTRY, "Title"))),
                      "Rota, B's edit");      /* nothing typed is lost */
  assert_string_equal(picked(b), "Sam Hill"); /* nor picked */
  assert_string_equal(server_task(f)->title, "Rota, A's edit");
  assert_string_equal(server_task(f)->assignee, "jo");
  shot(b, "desktop-conflict");

  /* B keeps its own: the edit lands over version 2, the assignment over
   * the version the edit made, as the username. */
  dtest_press(find_widget(b, GTK_TYPE_BUTTON, "Keep mine"));
  assert_true(wait_note(f, b, "Saved."));
  const Pcn__Task *t = server_task(f);
  assert_string_equal(t->title, "Rota, B's edit");
  assert_string_equal(t->due, "2026-12-20");
  assert_string_equal(t->assignee, "sam");
  assert_int_equal(t->version, 4);
  assert_string_equal(picked(b), "Sam Hill");

  /* A comment and Mark done from B's window. */
  type_text(find_widget(b, GTK_TYPE_ENTRY, "New comment"), "Sent to all sites");
  dtest_press(find_widget(b, GTK_TYPE_BUTTON, "Add comment"));
  assert_true(wait_note(f, b, "Comment added."));
  dtest_press(find_widget(b, GTK_TYPE_BUTTON, "Mark done"));
  button_in = b;
  button_label = "Reopen"; /* the button turns into Reopen once done */
  assert_true(spin_until(f, button_there, 5000));
  t = server_task(f);
  assert_int_equal(t->status, PCN__TASK_STATUS__TASK_CLOSED);
  assert_int_equal(t->comment_count, 1);

  /* Reopen, then "Nobody": Save unassigns it. */
  dtest_press(find_widget(b, GTK_TYPE_BUTTON, "Reopen"));
  button_label = "Mark done";
  assert_true(spin_until(f, button_there, 5000));
  guint32 before = server_task(f)->version;
  dtest_pick(find_widget(b, GTK_TYPE_DROP_DOWN, "Assigned to"), "Nobody");
  dtest_press(find_widget(b, GTK_TYPE_BUTTON, "Save"));
  assert_true(wait_note(f, b, "Saved."));
  t = server_task(f);
  assert_int_equal(t->status, PCN__TASK_STATUS__TASK_OPEN);
  assert_string_equal(t->assignee, "");
  assert_int_equal(t->version, before + 2); /* the edit, then the assignment */
  assert_string_equal(picked(b), "Nobody");

  /* A, stale since its save, is told; Take theirs shows the task as it is
   * now, its picker too, and saves nothing. */
  assert_string_equal(picked(a), "jo");
  type_text(find_widget(a, GTK_TYPE_ENTRY, "Title"), "Rota, A again");
  dtest_press(find_widget(a, GTK_TYPE_BUTTON, "Save"));
  assert_true(wait_note(f, a, "Theirs: “Rota, B's edit”"));
  assert_true(wait_note(f, a, "for nobody"));
  assert_string_equal(picked(a), "jo");
  dtest_press(find_widget(a, GTK_TYPE_BUTTON, "Take theirs"));
  assert_true(wait_note(f, a, "Showing their version"));
  assert_string_equal(gtk_editable_get_text(GTK_EDITABLE(
                          find_widget(a, GTK_TYPE_ENTRY, "Title"))),
                      "Rota, B's edit");
  assert_string_equal(picked(a), "Nobody");
  t = server_task(f);
  assert_string_equal(t->title, "Rota, B's edit");
  assert_string_equal(t->assignee, "");
  /* Saving now goes over their version: Sam again, by name. */
  dtest_pick(find_widget(a, GTK_TYPE_DROP_DOWN, "Assigned to"), "Sam Hill");
  dtest_press(find_widget(a, GTK_TYPE_BUTTON, "Save"));
  assert_true(wait_note(f, a, "Saved."));
  assert_string_equal(server_task(f)->assignee, "sam");

  gtk_window_destroy(pcn_desk_window(second));
  pcn_desk_free(second);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_conflict, dtest_setup,
                                      dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
