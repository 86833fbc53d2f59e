/* test_desktop_certs.c - the certificate banner under the desk's header.
 * The PCN manager's window is open; the server, restarted with a test
 * clock, is moved to 35 days before its certificate ends: the banner
 * appears with the server's sentence. The certificate is renewed and pcnd
 * restarted: the server says it was replaced, and the window, opened
 * again, replays both and shows no banner.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "dtest.h"

#define DAY_MS (24LL * 3600 * 1000)

static int banner_shown(fixture *f) {
  return pcn_desk_cert_banner(f->d) != NULL;
}

static int replaced_row(fixture *f) {
  int n = 0;
  return find_row(f, "was replaced", &n) >= 0;
}

/* Restarts pcnd (with extra options) and waits until the window has
 * noticed the restart and is back. */
static void restart(fixture *f, const char *extra) {
  its_stop(f->s);
  assert_true(spin_until(f, reconnecting, 15000));
  snprintf(f->s->extra, sizeof f->s->extra, "%s", extra);
  its_run(f->s);
  assert_true(spin_until(f, connected, 15000));
  f->mgr = its_relogin(f->s, f->mgr);
}

static void test_cert_banner(void **state) {
  fixture *f = *state;
  assert_null(pcn_desk_cert_banner(f->d));
  GtkWidget *banner =
      find_widget(GTK_WIDGET(pcn_desk_window(f->d)), 0, "cert-banner");
  assert_non_null(banner);

  restart(f, "--test-clock");
  its_advance(f->mgr, 790 * DAY_MS);
  assert_true(spin_until(f, banner_shown, 10000));
  const char *says = pcn_desk_cert_banner(f->d);
  assert_non_null(strstr(says, "server's certificate expires"));
  assert_non_null(strstr(says, "pcnd cert renew"));
  spin_ms(600); /* the strip slides down */
  shot(GTK_WIDGET(pcn_desk_window(f->d)), "desktop-cert-banner");

  its_stop(f->s);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "%s cert renew --data '%s' >/dev/null", PCND_PATH,
           f->s->dir);
  int rc = system(cmd);
  assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
  assert_true(spin_until(f, reconnecting, 15000));
  its_run(f->s);
  /* The window's session lapsed at the server's moved clock; the manager
   * opens the app again, as they would, and its feed replays the warning
   * and then the server's word that the certificate was replaced. */
  f->mgr = its_relogin(f->s, f->mgr);
  gtk_window_destroy(pcn_desk_window(f->d));
  pcn_desk_free(f->d);
  dtest_save_session(f, f->mgr, f->cfgdir, sizeof f->cfgdir);
  f->d = pcn_desk_new(GTK_APPLICATION(f->app));
  gtk_window_present(pcn_desk_window(f->d));
  assert_true(spin_until(f, connected, 15000));
  assert_true(spin_until(f, replaced_row, 10000));
  int n = 0;
  assert_true(find_row(f, "server's certificate expires", &n) >= 0);
  assert_null(pcn_desk_cert_banner(f->d));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_cert_banner, dtest_setup_manager,
                                      dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
