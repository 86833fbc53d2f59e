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
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "desktop.h"
#include "itest.h"

typedef struct fixture {
  its_server *s;
  its_member *mgr, *jo;
  char cfgdir[300];
  AdwApplication *app;
  pcn_desk *d;
  uint64_t last_event_ns;
} fixture;

static gboolean wake(gpointer ud) {
  (void)ud;
  return G_SOURCE_CONTINUE;
}

/* Runs the GTK main loop until done(f) or timeout_ms; returns done. */
static int spin_until(fixture *f, int (*done)(fixture *), unsigned timeout_ms) {
  guint w = g_timeout_add(10, wake, NULL);
  gint64 end = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
  int ok;
  while (!(ok = done(f)) && g_get_monotonic_time() < end)
    g_main_context_iteration(NULL, TRUE);
  g_source_remove(w);
  if (!ok) fprintf(stderr, "the header says: %s\n", pcn_desk_status(f->d));
  return ok;
}

static int connected(fixture *f) {
  return strcmp(pcn_desk_status(f->d), "Connected") == 0;
}
static int reconnecting(fixture *f) {
  return strncmp(pcn_desk_status(f->d), "Reconnecting", 12) == 0;
}

static void shot(fixture *f, const char *name) {
  char path[600];
  snprintf(path, sizeof path, "%s/%s.png", PCN_SHOT_DIR, name);
  /* The window must have drawn a frame with the latest rows: ask for one
   * and let the frame clock run (it is paced, so block a little). */
  GtkWidget *w = GTK_WIDGET(pcn_desk_window(f->d));
  int rc = -1;
  for (int i = 0; i < 30 && rc != 0; i++) {
    gtk_widget_queue_draw(w);
    guint t = g_timeout_add(100, wake, NULL);
    g_main_context_iteration(NULL, TRUE);
    g_main_context_iteration(NULL, TRUE);
    g_source_remove(t);
    rc = pcn_desk_screenshot(w, path);
  }
  assert_int_equal(rc, 0);
  printf("screenshot: %s\n", path);
}

static void on_event(const Pcn__Event *ev, void *ud) {
  (void)ev;
  ((fixture *)ud)->last_event_ns = (uint64_t)g_get_monotonic_time() * 1000;
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  f->s = its_start("");
  f->mgr = its_manager(f->s);
  its_add_practice(f->mgr, "F84001", "Riverside Surgery", 12000);
  f->jo =
      its_add_member(f->s, f->mgr, "jo", PCN__ROLE__PRACTICE_MANAGER, "F84001");
  /* Jo joined with `pcn join`: the desktop finds the same files. */
  snprintf(f->cfgdir, sizeof f->cfgdir, "%s/jo-config", f->s->dir);
  setenv("XDG_CONFIG_HOME", f->cfgdir, 1);
  pcn_config cfg;
  memset(&cfg, 0, sizeof cfg);
  snprintf(cfg.server, sizeof cfg.server, "%s", f->s->addr);
  snprintf(cfg.username, sizeof cfg.username, "jo");
  snprintf(cfg.token, sizeof cfg.token, "%s", f->jo->token);
  snprintf(cfg.network_name, sizeof cfg.network_name, "Riverside PCN");
  cfg.ca_pem = f->s->ca_pem;
  char err[300];
  assert_int_equal(pcn_config_save(&cfg, err, sizeof err), 0);

  f->app =
      adw_application_new("org.pcnhub.DesktopTest", G_APPLICATION_NON_UNIQUE);
  assert_true(g_application_register(G_APPLICATION(f->app), NULL, NULL));
  f->d = pcn_desk_new(GTK_APPLICATION(f->app));
  pcn_desk_on_event(f->d, on_event, f);
  gtk_window_present(pcn_desk_window(f->d));
  assert_true(spin_until(f, connected, 10000));
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  gtk_window_destroy(pcn_desk_window(f->d));
  pcn_desk_free(f->d);
  for (int i = 0; i < 20; i++)
    g_main_context_iteration(NULL, FALSE);
  g_object_unref(f->app);
  its_member_free(f->jo);
  its_member_free(f->mgr);
  its_free(f->s);
  free(f);
  return 0;
}

/* Index of the row whose text contains needle, or -1; *count how many. */
static int find_row(fixture *f, const char *needle, int *count) {
  GListModel *m = pcn_desk_feed(f->d);
  int at = -1;
  *count = 0;
  for (guint i = 0; i < g_list_model_get_n_items(m); i++) {
    PcnFeedRow *r = g_list_model_get_item(m, i);
    if (strstr(pcn_feed_row_text(r), needle)) {
      if (at < 0) at = (int)i;
      (*count)++;
    }
    g_object_unref(r);
  }
  return at;
}

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
  shot(f, "desktop-feed");
}

static void test_reconnect(void **state) {
  fixture *f = *state;
  its_stop(f->s);
  assert_true(spin_until(f, reconnecting, 10000));
  shot(f, "desktop-reconnecting");
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
  if (!gtk_init_check()) {
    fprintf(stderr, "no display: run under xvfb-run\n");
    return 1;
  }
  adw_init();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_live, setup, teardown),
      cmocka_unit_test_setup_teardown(test_reconnect, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
