/* test_desktop_restore.c - the real pcn-desktop window when its server is
 * restored from a backup.
 *
 * Jo's window is open; `pcnd backup` runs; the PCN manager adds two tasks,
 * which reach the window; pcnd is killed (-9), `pcnd restore` puts the
 * backup in its place, and pcnd runs again on the same port. The header
 * then says the server was restored and that the last 2 changes are gone,
 * the two rows leave the feed, and the restored server's next task appears.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtest.h"

static const char *want;
static int row_there(fixture *f) {
  int n;
  return find_row(f, want, &n) >= 0;
}

static int header_says_restored(fixture *f) {
  GtkWidget *t = find_widget(GTK_WIDGET(pcn_desk_window(f->d)),
                             ADW_TYPE_WINDOW_TITLE, NULL);
  const char *sub = t ? adw_window_title_get_subtitle(ADW_WINDOW_TITLE(t)) : "";
  return sub && strstr(sub, "Server restored from a backup: the last 2 "
                            "changes are gone") != NULL;
}

static int run(const char *cmd) {
  int rc = system(cmd);
  if (rc != 0) fprintf(stderr, "%s: exit %d\n", cmd, rc);
  return rc;
}

static void test_restored(void **state) {
  fixture *f = *state;
  assert_true(spin_until(f, connected, 10000));
  want = "member jo";
  assert_true(spin_until(f, row_there, 5000));
  char cmd[2000];
  snprintf(cmd, sizeof cmd, "'%s' backup --data '%s' --out '%s.pcnbak' >&2",
           PCND_PATH, f->s->dir, f->s->dir);
  assert_int_equal(run(cmd), 0);
  its_task(f->mgr, "Gone with the crash A", "", "", "");
  its_task(f->mgr, "Gone with the crash B", "", "", "");
  want = "Gone with the crash B";
  assert_true(spin_until(f, row_there, 5000));

  its_kill9(f->s);
  snprintf(cmd, sizeof cmd,
           "mv '%s' '%s.crashed' && '%s' restore --from '%s.pcnbak' --data "
           "'%s' >&2",
           f->s->dir, f->s->dir, PCND_PATH, f->s->dir, f->s->dir);
  assert_int_equal(run(cmd), 0);
  its_run(f->s);
  assert_true(spin_until(f, header_says_restored, 20000));
  shot(GTK_WIDGET(pcn_desk_window(f->d)), "desktop-restored");
  int n;
  assert_true(find_row(f, "Gone with the crash A", &n) < 0);
  assert_true(find_row(f, "Gone with the crash B", &n) < 0);
  assert_true(find_row(f, "member jo", &n) >= 0);
  assert_int_equal(n, 1);

  its_member *mgr = its_login(f->s, "manager", ITEST_PASSWORD);
  its_task(mgr, "Written after the restore", "", "", "");
  want = "Written after the restore";
  assert_true(spin_until(f, row_there, 10000));
  its_member_free(mgr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_restored, dtest_setup,
                                      dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
