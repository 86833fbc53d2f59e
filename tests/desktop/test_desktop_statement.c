/* test_desktop_statement.c - the Statement page. Jo (practice manager at
 * F84001) opens this month's statement: the figures of the entries the
 * PCN manager posts over the wire show in the table, a distribution
 * posted while the page is open updates it live, and the chart drawn in
 * the window has bars (pixels of more than the background's colour
 * inside the drawing area). The practice filter narrows the table; Save
 * PDF opens a file chooser, writes the statement where it says and says
 * so beside the button; the previous month is a button away. Every
 * control on the page has a name. The table's columns are the statement
 * model's (Held at start ... Paid to date), with no Expected column and a
 * note saying why when no rates are set. Issue 19: the summary names the
 * nominated payee ("Riverside Surgery (F84001)", never the code alone)
 * and the notes say where rates are set without a command.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo.h>

#include "dtest.h"

static void post(its_member *m, Pcn__Request *r) {
  its_expect(m, r, PCN__STATUS_CODE__OK);
}

static void receive(its_member *m, const char *date, int64_t pence) {
  Pcn__FundsReceive rc = PCN__FUNDS_RECEIVE__INIT;
  rc.stream = "core";
  rc.pence = pence;
  rc.date = (char *)date;
  rc.reference = "REM";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_RECEIVE;
  r.funds_receive = &rc;
  post(m, &r);
}

/* A fixed split: a to F84001, b to F84002 (0: left out). */
static void distribute(its_member *m, const char *date, int64_t a, int64_t b) {
  Pcn__FundsPart p[2] = {PCN__FUNDS_PART__INIT, PCN__FUNDS_PART__INIT}, *pp[2];
  size_t n = 0;
  if (a) {
    p[n].practice = "F84001";
    p[n].pence = a;
    pp[n] = &p[n];
    n++;
  }
  if (b) {
    p[n].practice = "F84002";
    p[n].pence = b;
    pp[n] = &p[n];
    n++;
  }
  Pcn__FundsDistribute ds = PCN__FUNDS_DISTRIBUTE__INIT;
  ds.stream = "core";
  ds.pence = a + b;
  ds.date = (char *)date;
  ds.split = PCN__FUNDS_SPLIT__FUNDS_SPLIT_FIXED;
  ds.parts = pp;
  ds.n_parts = n;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_DISTRIBUTE;
  r.funds_distribute = &ds;
  post(m, &r);
}

/* How many distinct colours the PNG at path has, counting up to 64. */
static int colours_in(const char *path, int *w, int *h) {
  cairo_surface_t *s = cairo_image_surface_create_from_png(path);
  assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  cairo_surface_flush(s);
  *w = cairo_image_surface_get_width(s);
  *h = cairo_image_surface_get_height(s);
  int stride = cairo_image_surface_get_stride(s), n = 0;
  const unsigned char *data = cairo_image_surface_get_data(s);
  uint32_t seen[64];
  for (int y = 0; y < *h && n < 64; y++)
    for (int x = 0; x < *w && n < 64; x++) {
      uint32_t px = *(const uint32_t *)(data + y * stride + 4 * x);
      int k = 0;
      while (k < n && seen[k] != px)
        k++;
      if (k == n) seen[n++] = px;
    }
  cairo_surface_destroy(s);
  return n;
}

/* The file chooser Save PDF opened (GTK's own dialog where there is no
 * portal, as under Xvfb), or NULL. */
static GtkWidget *file_chooser(void) {
  GListModel *tops = gtk_window_get_toplevels();
  GtkWidget *hit = NULL;
  for (guint i = 0; i < g_list_model_get_n_items(tops); i++) {
    GtkWidget *w = g_list_model_get_item(tops, i);
    if (GTK_IS_FILE_CHOOSER_DIALOG(w) && gtk_widget_get_visible(w)) hit = w;
    g_object_unref(w);
  }
  return hit;
}

/* "YYYY-MM" as people read it: "December 2026" (what the page's summary
 * starts with). */
static void month_words(const char *ym, char *out, size_t n) {
  static const char *const names[] = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  int m = atoi(ym + 5);
  snprintf(out, n, "%s %.4s", m >= 1 && m <= 12 ? names[m - 1] : "?", ym);
}

static void test_statement(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  its_add_practice(f->mgr, "F84002", "Hill Street", 8000);

  /* This month, as the page opens on it, and the month before. */
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  char month[32], prev[32], d1[40], d2[40];
  snprintf(month, sizeof month, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
  snprintf(prev, sizeof prev, "%04d-%02d",
           tm.tm_mon ? tm.tm_year + 1900 : tm.tm_year + 1899,
           tm.tm_mon ? tm.tm_mon : 12);
  snprintf(d1, sizeof d1, "%s-01", month);
  snprintf(d2, sizeof d2, "%s-02", month);

  receive(f->mgr, d1, 2500000);
  distribute(f->mgr, d1, 600001, 400000);
  Pcn__SettingsUpdate su = PCN__SETTINGS_UPDATE__INIT;
  su.has_payee_case = PCN__SETTINGS_UPDATE__HAS_PAYEE_PAYEE;
  su.payee = "F84001";
  Pcn__Request sr = PCN__REQUEST__INIT;
  sr.body_case = PCN__REQUEST__BODY_SETTINGS_UPDATE;
  sr.settings_update = &su;
  post(f->mgr, &sr);

  dtest_show_page(win, "statement");
  assert_true(
      dtest_wait_says(f, win, "Statement summary", "Received £25,000.00"));
  assert_true(dtest_says(win, "Statement summary", "distributed £10,000.01"));
  assert_true(dtest_says(win, "Statement summary", "held £0.00 at the start"));
  assert_true(dtest_says(win, "Statement summary", "£14,999.99 at the end"));
  assert_true(dtest_says(win, "Statement summary",
                         "Nominated payee: Riverside Surgery (F84001)."));
  /* Rows are spliced in over main-loop turns: wait for each. */
  assert_true(
      dtest_wait_says(f, win, "Statement table", "Riverside Surgery · "));
  assert_true(dtest_wait_says(f, win, "Statement table", "Hill Street · "));
  assert_true(dtest_wait_says(f, win, "Statement table", "£6,000.01"));
  assert_true(dtest_wait_says(f, win, "Statement table", "£4,000.00"));
  assert_true(dtest_says(win, "Statement table", "Core PCN funding"));
  assert_true(dtest_says(win, "Statement table", "Network"));
  /* The model's columns, each under its one name (issue 13); no rates are
   * set, so no Expected column, and the notes say why. */
  assert_true(dtest_says(win, "Statement table", "Held at start"));
  assert_true(dtest_says(win, "Statement table", "Claims paid"));
  assert_true(dtest_says(win, "Statement table", "Held at end"));
  assert_true(dtest_says(win, "Statement table", "Paid in month"));
  assert_true(dtest_says(win, "Statement table", "Paid to date"));
  assert_false(dtest_says(win, "Statement table", "Expected"));
  assert_false(dtest_says(win, "Statement table", "Balance"));
  assert_true(dtest_says(win, "Statement notes", "no income rates are set"));
  /* ... naming where they are set, not the CLI's command (issue 19). */
  assert_true(dtest_says(win, "Statement notes",
                         "the PCN manager sets them in the Funding plan"));
  assert_false(dtest_says(win, "Statement notes", "pcn funds rate"));
  assert_true(dtest_says(win, "Statement notes",
                         "Paid to date: everything paid to the practice"));

  /* Live: another distribution over the wire. */
  distribute(f->mgr, d2, 0, 100000);
  assert_true(
      dtest_wait_says(f, win, "Statement summary", "distributed £11,000.01"));
  assert_true(dtest_wait_says(f, win, "Statement table", "£5,000.00"));
  assert_true(dtest_wait_says(f, win, "Statement table", "£13,999.99"));

  /* The chart is drawn in the window: more than the background. */
  GtkWidget *chart = find_widget(win, GTK_TYPE_DRAWING_AREA, "Statement chart");
  assert_non_null(chart);
  spin_ms(300);
  shot(win, "desktop-statement-jo");
  char path[600];
  snprintf(path, sizeof path, "%s/desktop-statement-chart.png", PCN_SHOT_DIR);
  assert_int_equal(pcn_desk_screenshot(chart, path), 0);
  int w = 0, h = 0;
  int colours = colours_in(path, &w, &h);
  printf("chart %dx%d, %d colours\n", w, h, colours);
  assert_true(w > 200 && h >= 300);
  /* Background, ink, grid and a colour per stream at the least. */
  assert_true(colours >= 4);
  assert_int_equal(dtest_unnamed(find_widget(win, 0, "Statement page")), 0);

  /* The practice filter narrows the table, not the totals. */
  dtest_pick(find_widget(win, GTK_TYPE_DROP_DOWN, "Statement practice"),
             "Hill Street");
  assert_true(dtest_wait_says(f, win, "Statement table", "Hill Street · "));
  for (int i = 0;
       i < 50 && dtest_says(win, "Statement table", "Riverside Surgery · ");
       i++)
    spin_ms(100);
  assert_false(dtest_says(win, "Statement table", "Riverside Surgery · "));
  assert_true(dtest_says(win, "Statement summary", "distributed £11,000.01"));

  /* Save PDF opens a file chooser (issue 19); choosing a file writes the
   * statement there and says so beside the button. */
  char pdf[600];
  snprintf(pdf, sizeof pdf, "%s/statement.pdf", f->s->dir);
  dtest_click(win, "Save PDF");
  GtkWidget *chooser = NULL;
  for (int i = 0; i < 80 && !(chooser = file_chooser()); i++)
    spin_ms(100);
  assert_non_null(chooser);
  /* The person picks the folder and types the name. */
  GFile *gf = g_file_new_for_path(f->s->dir);
  assert_true(
      gtk_file_chooser_set_current_folder(GTK_FILE_CHOOSER(chooser), gf, NULL));
  g_object_unref(gf);
  gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(chooser), "statement.pdf");
  gtk_dialog_response(GTK_DIALOG(chooser), GTK_RESPONSE_ACCEPT);
  assert_true(dtest_wait_says(f, win, "Statement PDF result",
                              "Saved the statement for"));
  GtkWidget *result = find_widget(win, GTK_TYPE_LABEL, "Statement PDF result");
  printf("beside Save PDF: %s\n", gtk_label_get_text(GTK_LABEL(result)));
  assert_non_null(
      strstr(gtk_label_get_text(GTK_LABEL(result)), "as statement.pdf"));
  FILE *fp = fopen(pdf, "rb");
  assert_non_null(fp);
  char head[5] = {0};
  assert_int_equal(fread(head, 1, 4, fp), 4);
  fclose(fp);
  assert_string_equal(head, "%PDF");

  /* The month before: nothing happened then. */
  dtest_click(win, "Previous month");
  char want[64], words[24];
  month_words(prev, words, sizeof words);
  snprintf(want, sizeof want, "%s: held £0.00 at the start", words);
  assert_true(dtest_wait_says(f, win, "Statement summary", want));
  assert_true(dtest_says(win, "Statement summary", "Received £0.00"));
  dtest_click(win, "Next month");
  month_words(month, words, sizeof words);
  snprintf(want, sizeof want, "%s: held £0.00", words);
  assert_true(dtest_wait_says(f, win, "Statement summary", want));
  assert_true(
      dtest_wait_says(f, win, "Statement summary", "distributed £11,000.01"));

  /* The PCN manager's window (no notices of a practice's money over the
   * page): the README's picture. */
  pcn_desk *md = dtest_open_manager(f);
  GtkWidget *mgr_win = GTK_WIDGET(pcn_desk_window(md));
  dtest_show_page(mgr_win, "statement");
  assert_true(dtest_wait_says(f, mgr_win, "Statement summary",
                              "distributed £11,000.01"));
  assert_true(dtest_wait_says(f, mgr_win, "Statement table", "£13,999.99"));
  assert_true(dtest_wait_says(f, mgr_win, NULL, "Connected"));
  spin_ms(300);
  shot(mgr_win, "desktop-statement");
  gtk_window_destroy(GTK_WINDOW(mgr_win));
  pcn_desk_free(md);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_statement, dtest_setup,
                                      dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
