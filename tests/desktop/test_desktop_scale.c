/* test_desktop_scale.c - ten thousand tasks. They are written by another
 * client (pipelined through libpcnclient) while Jo's window is open; the
 * Tasks view must hold them all, search them and scroll to the end. The
 * times are reported, not asserted (machines here are shared and noisy).
 */
#include <stdio.h>
#include <string.h>

#include "dtest.h"

#define N_TASKS 10000
#define IN_FLIGHT 128

typedef struct writer {
  pcn_client *cl;
  int sent, acked, failed, ready;
  uv_loop_t loop;
} writer;

static void send_more(writer *w);

static void on_ack(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  writer *w = ud;
  w->acked++;
  if (r->status->code != PCN__STATUS_CODE__OK) w->failed++;
  send_more(w);
}

static void send_more(writer *w) {
  while (w->sent < N_TASKS && w->sent - w->acked < IN_FLIGHT) {
    char title[64], due[16];
    snprintf(title, sizeof title, "Clinic rota %d", w->sent);
    snprintf(due, sizeof due, "2027-%02d-%02d", 1 + w->sent % 12,
             1 + w->sent % 28);
    Pcn__TaskCreate c = PCN__TASK_CREATE__INIT;
    c.title = title;
    c.body = c.practice = c.assignee = "";
    c.due = due;
    Pcn__Request req = PCN__REQUEST__INIT;
    req.body_case = PCN__REQUEST__BODY_TASK_CREATE;
    req.task_create = &c;
    if (!pcn_client_call(w->cl, &req, on_ack, w)) break;
    w->sent++;
  }
}

static void on_state(pcn_client *cl, pcn_client_state st, const char *d,
                     void *ud) {
  (void)cl;
  (void)d;
  writer *w = ud;
  if (st == PCN_CLIENT_READY && !w->ready) {
    w->ready = 1;
    send_more(w);
  }
}

static guint want;
static int all_there(fixture *f) {
  return g_list_model_get_n_items(pcn_desk_tasks(f->d)) == want;
}

static double ms_since(gint64 t0) {
  return (double)(g_get_monotonic_time() - t0) / 1000.0;
}

static void test_scale(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  gtk_stack_set_visible_child_name(
      GTK_STACK(find_widget(win, GTK_TYPE_STACK, NULL)), "tasks");

  writer w;
  memset(&w, 0, sizeof w);
  uv_loop_init(&w.loop);
  pcn_client_config cc = its_config(f->s, f->mgr->token);
  w.cl = pcn_client_new(&w.loop, &cc);
  pcn_client_on_state(w.cl, on_state, &w);
  pcn_client_connect(w.cl);
  gint64 t0 = g_get_monotonic_time();
  /* The GTK loop keeps running meanwhile, as the window would. */
  while (w.acked < N_TASKS && !w.failed && ms_since(t0) < 200000) {
    uv_run(&w.loop, UV_RUN_NOWAIT);
    g_main_context_iteration(NULL, FALSE);
  }
  assert_int_equal(w.failed, 0);
  assert_int_equal(w.acked, N_TASKS);
  double write_ms = ms_since(t0);
  gint64 t1 = g_get_monotonic_time();
  want = N_TASKS;
  assert_true(spin_until(f, all_there, 60000));
  double behind_ms = ms_since(t1);

  /* Search: typed, as a person would. */
  GtkWidget *search = find_widget(win, GTK_TYPE_SEARCH_ENTRY, "Search tasks");
  gint64 t2 = g_get_monotonic_time();
  type_text(search, "rota 999");
  want = 11; /* 999, 9990-9999 */
  assert_true(spin_until(f, all_there, 10000));
  double search_ms = ms_since(t2);
  t2 = g_get_monotonic_time();
  type_text(search, "");
  want = N_TASKS;
  assert_true(spin_until(f, all_there, 10000));
  double clear_ms = ms_since(t2);

  /* Scroll to the end and draw it. */
  GtkWidget *list = find_widget(win, GTK_TYPE_LIST_VIEW, "Tasks");
  GtkAdjustment *adj = gtk_scrollable_get_vadjustment(GTK_SCROLLABLE(list));
  gint64 t3 = g_get_monotonic_time();
  for (int i = 1; i <= 20; i++) {
    gtk_adjustment_set_value(adj, gtk_adjustment_get_upper(adj) * i / 20);
    gtk_widget_queue_draw(list);
    spin_ms(16);
  }
  double scroll_ms = ms_since(t3) - 20 * 16;
  shot(win, "desktop-10k");
  printf("scale: %d tasks written in %.0f ms; the window had them all %.0f "
         "ms after the last ack; search typed and shown in %.0f ms, "
         "cleared in %.0f ms; 20 scroll steps to the end drawn with %.0f "
         "ms of work beyond the frame pacing\n",
         N_TASKS, write_ms, behind_ms, search_ms, clear_ms,
         scroll_ms < 0 ? 0 : scroll_ms);

  pcn_client_close(w.cl);
  for (int i = 0; i < 100 && uv_loop_alive(&w.loop); i++)
    uv_run(&w.loop, UV_RUN_NOWAIT);
  uv_loop_close(&w.loop);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_scale, dtest_setup, dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
