/* test_desktop_relogin.c - the window outlives its session (issue 20).
 *
 * Jo's window is open; her session ends (she logged out elsewhere, so the
 * server has no record of it) and pcnd restarts, so the window reconnects
 * and is refused. It asks for the password in a dialog over the same
 * window; the PCN manager writes a task meanwhile; Jo types her password
 * and the window carries on: the task written meanwhile is in the feed
 * and on the Tasks page once, nothing from before is there twice, and the
 * new session is saved where pcn finds it. A wrong password first asks
 * again with the server's sentence.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "dtest.h"

static const char *want;
static int row_there(fixture *f) {
  int n;
  return find_row(f, want, &n) >= 0;
}

static int asking(fixture *f) {
  (void)f;
  GtkWidget *dlg = dtest_window_named("Log in again");
  return dlg && gtk_widget_get_visible(dlg);
}

static int task_listed(fixture *f) {
  GListModel *m = pcn_desk_tasks(f->d);
  int hit = 0;
  for (guint i = 0; i < g_list_model_get_n_items(m) && !hit; i++) {
    PcnTaskRow *r = g_list_model_get_item(m, i);
    hit = !strcmp(pcn_task_row_title(r), want);
    g_object_unref(r);
  }
  return hit;
}

static void answer(fixture *f, const char *password) {
  assert_true(spin_until(f, asking, 15000));
  GtkWidget *dlg = dtest_window_named("Log in again");
  assert_true(dtest_label_under(dlg, "Log in again as jo"));
  type_text(find_widget(dlg, GTK_TYPE_PASSWORD_ENTRY, "Password"), password);
  dtest_click(dlg, "Log in");
}

static void test_relogin(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  its_task(f->mgr, "Before the holidays", "", "", "");
  want = "Before the holidays";
  assert_true(spin_until(f, row_there, 5000));

  /* The session is gone from the server (a logout elsewhere), and the
   * window's connection with it after a restart. */
  Pcn__Logout lo = PCN__LOGOUT__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_LOGOUT;
  req.logout = &lo;
  its_expect(f->jo, &req, PCN__STATUS_CODE__OK);
  char old_token[80];
  snprintf(old_token, sizeof old_token, "%s", f->jo->token);
  its_stop(f->s);
  its_run(f->s);
  f->mgr = its_relogin(f->s, f->mgr);
  f->jo = its_relogin(f->s, f->jo); /* the harness's own connection */

  /* A wrong password asks again, saying why. */
  answer(f, "not jo's password at all");
  assert_true(spin_until(f, asking, 15000));
  assert_true(
      dtest_label_under(dtest_window_named("Log in again"), "password"));
  shot(dtest_window_named("Log in again"), "desktop-relogin");
  its_task(f->mgr, "Written meanwhile", "", "", "");
  answer(f, ITEST_PASSWORD);
  assert_true(spin_until(f, connected, 15000));
  want = "Written meanwhile";
  assert_true(spin_until(f, row_there, 10000));
  dtest_show_page(win, "tasks");
  assert_true(spin_until(f, task_listed, 5000));
  int n;
  find_row(f, "Written meanwhile", &n);
  assert_int_equal(n, 1);
  find_row(f, "Before the holidays", &n);
  assert_int_equal(n, 1);
  find_row(f, "member jo", &n);
  assert_int_equal(n, 1);
  assert_true(pcn_desk_window(f->d) == GTK_WINDOW(win)); /* not rebuilt */
  assert_null(dtest_window_named("Log in again"));

  /* The new session is saved for pcn too. */
  pcn_config cfg;
  char err[300];
  assert_int_equal(pcn_config_load(&cfg, err, sizeof err), 0);
  assert_true(cfg.token[0]);
  assert_string_not_equal(cfg.token, old_token);
  pcn_config_free(&cfg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_relogin, dtest_setup,
                                      dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
