/* test_desktop_live.c - the real pcn-desktop window, in-process, against a
 * real pcnd over TLS (under Xvfb in the suite).
 *
 * Live: a practice manager has the window open; the PCN manager adds a
 * task through libpcnclient; the row must reach the feed model, and the
 * time from the write's acknowledgement to the row is reported.
 * Reconnect: pcnd is stopped and started again with the window open; the
 * header says reconnecting, then connected, and tasks written meanwhile
 * appear once each. Each test saves a PNG of the window (PCN_SHOT_DIR).
 */
#include <stdio.h>
#include <string.h>

#include "dtest.h"

static const char *want;
static int row_there(fixture *f) {
  int n;
  return find_row(f, want, &n) >= 0;
}

static void test_live(void **state) {
  fixture *f = *state;
  /* The history is there: Jo's own join is an event. */
  want = "member jo";
  assert_true(spin_until(f, row_there, 5000));

  /* Ten tasks from the PCN manager, each timed from its acknowledgement
   * to its row in the window's model. */
  double worst = 0, total = 0;
  for (int i = 0; i < 10; i++) {
    char title[64];
    snprintf(title, sizeof title, "Flu clinic rota %d", i);
    its_task(f->mgr, title, "", "2026-12-01", "jo");
    uint64_t acked = (uint64_t)g_get_monotonic_time() * 1000;
    want = title;
    assert_true(spin_until(f, row_there, 5000));
    double ms = (double)(f->last_event_ns - acked) / 1e6;
    if (ms < 0) ms = 0; /* arrived while the writer was hearing back */
    total += ms;
    if (ms > worst) worst = ms;
    int n;
    assert_int_equal(find_row(f, title, &n), 0); /* newest first */
    assert_int_equal(n, 1);
  }
  printf("desktop live: ack -> row in the model: mean %.2f ms, worst %.2f ms "
         "(10 tasks)\n",
         total / 10, worst);
  shot(GTK_WIDGET(pcn_desk_window(f->d)), "desktop-feed");

  /* The feed's filters, as a person sets them. */
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  GListModel *shown = pcn_desk_feed_shown(f->d);
  GtkWidget *area = find_widget(win, GTK_TYPE_DROP_DOWN, "Show");
  dtest_pick(area, "Tasks");
  spin_ms(50);
  assert_int_equal(g_list_model_get_n_items(shown), 10);
  /* Activating an event opens its record. */
  PcnFeedRow *first = g_list_model_get_item(shown, 0);
  g_signal_emit_by_name(find_widget(win, GTK_TYPE_LIST_VIEW, "Feed"),
                        "activate", 0);
  spin_ms(100);
  assert_non_null(pcn_desk_task_window(f->d, pcn_feed_row_task(first)));
  gtk_window_destroy(pcn_desk_task_window(f->d, pcn_feed_row_task(first)));
  g_object_unref(first);
  dtest_pick(area, "Practices");
  spin_ms(50);
  assert_int_equal(g_list_model_get_n_items(shown), 1);
  dtest_pick(area, "Everything");
  type_text(find_widget(win, GTK_TYPE_ENTRY, "Practice filter"), "F84001");
  spin_ms(50);
  assert_int_equal(g_list_model_get_n_items(shown), 2); /* practice, jo */
  type_text(find_widget(win, GTK_TYPE_ENTRY, "Practice filter"), "");
  gtk_check_button_set_active(
      GTK_CHECK_BUTTON(find_widget(win, GTK_TYPE_CHECK_BUTTON, "Concerns me")),
      TRUE);
  spin_ms(50);
  /* Ten tasks assigned to Jo, Jo's joining, Jo's practice being added. */
  assert_int_equal(g_list_model_get_n_items(shown), 12);
  gtk_check_button_set_active(
      GTK_CHECK_BUTTON(find_widget(win, GTK_TYPE_CHECK_BUTTON, "Concerns me")),
      FALSE);
  spin_ms(50);
  assert_int_equal(g_list_model_get_n_items(shown),
                   g_list_model_get_n_items(pcn_desk_feed(f->d)));

  /* Each was assigned to Jo by someone else: each raised a notice (a toast
   * or a desktop notification, as the window had the focus or not). */
  const char *last;
  assert_int_equal(pcn_desk_notices(f->d, &last), 10);
  /* In words (issue 19): the date as people read it, the sender by name. */
  assert_non_null(strstr(last, "Flu clinic rota 9, due "));
  assert_non_null(strstr(last, "1 Dec"));
  assert_null(strstr(last, "2026-12-01"));
  assert_non_null(strstr(last, ", from "));
  /* Jo mutes them in Preferences (issue 19: the main menu's): no more,
   * and it is remembered. */
  g_action_group_activate_action(G_ACTION_GROUP(f->app), "preferences", NULL);
  spin_ms(200);
  GtkWidget *prefs = dtest_window_named("Preferences");
  assert_non_null(prefs);
  GtkWidget *mute = find_widget(prefs, GTK_TYPE_SWITCH,
                                "Notify me about what concerns me");
  assert_non_null(mute);
  assert_true(gtk_switch_get_active(GTK_SWITCH(mute)));
  gtk_switch_set_active(GTK_SWITCH(mute), FALSE);
  gtk_window_close(GTK_WINDOW(prefs));
  its_task(f->mgr, "Muted one", "", "", "jo");
  want = "Muted one";
  assert_true(spin_until(f, row_there, 5000));
  assert_int_equal(pcn_desk_notices(f->d, NULL), 10);
  char *ini = g_build_filename(f->cfgdir, "pcn", "desktop.ini", NULL);
  char *text = NULL;
  assert_true(g_file_get_contents(ini, &text, NULL, NULL));
  assert_non_null(strstr(text, "mute-tasks=true"));
  g_free(text);
  g_free(ini);
}

static void test_reconnect(void **state) {
  fixture *f = *state;
  its_stop(f->s);
  assert_true(spin_until(f, reconnecting, 10000));
  shot(GTK_WIDGET(pcn_desk_window(f->d)), "desktop-reconnecting");
  its_run(f->s);
  /* Written while the window is still away. */
  its_member *mgr = its_login(f->s, "manager", ITEST_PASSWORD);
  its_task(mgr, "Written while away A", "", "", "");
  its_task(mgr, "Written while away B", "", "", "");
  assert_true(spin_until(f, connected, 15000));
  want = "Written while away B";
  assert_true(spin_until(f, row_there, 5000));
  int n;
  assert_true(find_row(f, "Written while away A", &n) >= 0);
  assert_int_equal(n, 1);
  find_row(f, "Written while away B", &n);
  assert_int_equal(n, 1);
  /* Nothing before the restart was delivered twice either. */
  find_row(f, "member jo", &n);
  assert_int_equal(n, 1);
  its_member_free(mgr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_live, dtest_setup, dtest_teardown),
      cmocka_unit_test_setup_teardown(test_reconnect, dtest_setup,
                                      dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
