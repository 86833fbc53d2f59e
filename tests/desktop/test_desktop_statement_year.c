/* test_desktop_statement_year.c - the year test of issue 13: a month's
 * statement reads the same, and adds up, in all four of its renderings.
 *
 * it_year's year is recorded over the wire (2025-26: three practices, the
 * payee, figures changing in October, core and ARRS rates, receipts each
 * month, core distributed by list size and ARRS to the employing practice,
 * an invoice, backfill claims for meeting time approved into the ledger,
 * October's core distribution reversed in November), then each of its
 * twelve months, and April 2026 (the next year: no rates, so no Expected)
 * is rendered four ways:
 *   - the terminal table, the CSV and the PDF, by the real `pcn funds
 *     statement --format ... --out` (the PDF read back with pdftotext);
 *   - pcn-desktop's Statement page, the month typed into its month entry,
 *     its table read cell by cell from the window.
 * statement_year_check.py then checks, month by month, that every row of
 * every rendering adds up (network: held at start + received -
 * distributed - claims paid - spent = held at end; practice: distributed +
 * claims paid = paid in month; totals the sums of their rows), that the
 * four agree row for row to the penny, and, across months, that held at
 * start is the month before's held at end and paid to date grows by what
 * was paid in the month.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "dtest.h"
#include "validate.h"

#ifndef PCN_PATH
#define PCN_PATH "pcn"
#endif
#ifndef CHECK_PY
#define CHECK_PY "statement_year_check.py"
#endif

#define NP 3
#define MONTHS 12
#define YEAR 2025

static const char *const ods[NP] = {"F84001", "F84002", "F84003"};

/* ------------------------------------------------------------ requests
 * (itest.h's funds toolkit builds the same year as it_year.c) */

static const Pcn__Response *call(its_member *m, Pcn__Request *req) {
  return its_expect(m, req, PCN__STATUS_CODE__OK);
}

/* Month i of the year (0 = April 2025; 12 = April 2026). */
static void month_of(int i, char out[8]) {
  snprintf(out, 8, "%04d-%02d", i < 9 ? YEAR : YEAR + 1, i < 9 ? i + 4 : i - 8);
}

static int32_t day_in(int i, int d) {
  return (int32_t)pcn_days_from_civil(i < 9 ? YEAR : YEAR + 1,
                                      i < 9 ? i + 4 : i - 8, d);
}

static void date_in(int i, int d, char out[11]) {
  pcn_date_format(day_in(i, d), out);
}

/* it_year's year, without its model: the renderings are checked against
 * each other and their own arithmetic. */
static void record_year(fixture *f) {
  its_member *mgr = f->mgr, *jo = f->jo;
  its_add_practice(mgr, "F84002", "Hill Street", 8000);
  its_add_practice(mgr, "F84003", "Canal Side", 5000);
  its_member *sam =
      its_add_member(f->s, mgr, "sam", PCN__ROLE__PRACTICE_MANAGER, "F84002");
  its_member_free(
      its_add_member(f->s, mgr, "dr.khan", PCN__ROLE__CLINICIAN, "F84001"));
  Pcn__SettingsUpdate su = PCN__SETTINGS_UPDATE__INIT;
  su.has_payee_case = PCN__SETTINGS_UPDATE__HAS_PAYEE_PAYEE;
  su.payee = "F84001";
  Pcn__Request sreq = PCN__REQUEST__INIT;
  sreq.body_case = PCN__REQUEST__BODY_SETTINGS_UPDATE;
  sreq.settings_update = &su;
  call(mgr, &sreq);
  static const uint32_t list[NP] = {12000, 8000, 5000};
  static const uint32_t weighted[NP] = {13000, 7600, 5400};
  for (int p = 0; p < NP; p++)
    its_funds_figures(mgr, ods[p], "2025-04-01", list[p], weighted[p],
                      p < 2 ? "North" : "South");
  its_funds_figures(mgr, "F84002", "2025-10-01", 8300, 7900, "North");
  its_funds_rate(mgr, YEAR, "core", PCN__FUNDS_BASIS__FUNDS_PER_PATIENT, 15023);
  its_funds_rate(mgr, YEAR, "arrs", PCN__FUNDS_BASIS__FUNDS_PER_WEIGHTED,
                 250000);
  its_backfill_rate(mgr, "gp", 11000);
  its_backfill_rate(mgr, "practice-manager", 4500);
  uint64_t wrong = 0;
  for (int i = 0; i < MONTHS; i++) {
    char d5[11], d10[11], d12[11], d20[11], d25[11];
    date_in(i, 5, d5);
    date_in(i, 10, d10);
    date_in(i, 12, d12);
    date_in(i, 20, d20);
    date_in(i, 25, d25);
    int64_t heads = i < 6 ? 25000 : 25300;
    int64_t core = (15023 * heads + 600) / 1200;
    its_funds_receive(mgr, "core", core, d5);
    int64_t arrs = 1800000 + 2500 * i;
    its_funds_receive(mgr, "arrs", arrs, d5);
    uint64_t id =
        its_funds_distribute(mgr, "core", core - 100000, d10, NULL)->id;
    if (i == 6) wrong = id;
    its_funds_distribute(mgr, "arrs", arrs, d10, "F84001");
    its_funds_expense(mgr, "core", 30000, d12);
    uint64_t mt = its_board_meeting(mgr, day_in(i, 15));
    its_attend(mgr, mt, "dr.khan", 90);
    its_attend(mgr, mt, "sam", 100);
    its_backfill_paid(jo, mgr, mt, "dr.khan", "gp", d20);
    its_backfill_paid(sam, mgr, mt, "sam", "practice-manager", d20);
    if (i == 7) its_funds_reverse(mgr, wrong, d25);
  }
  its_member_free(sam);
}

/* ------------------------------------------------------------ rendering */

/* Runs the real pcn as the PCN manager; fails the test if it fails. */
static void pcn(const char *cfg, const char *args) {
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "XDG_CONFIG_HOME='%s' '%s' %s > /dev/null", cfg,
           PCN_PATH, args);
  if (system(cmd) != 0) fail_msg("'pcn %s' failed", args);
}

/* The Statement page's table as it is in the window: a line per row of
 * figures, who (the ODS code, or Network) and the stream the row's name
 * line is about, then the figures under it, joined by tabs. */
static void save_grid(GtkWidget *grid, const char *path) {
  enum { MAXR = 512, MAXC = 12 };
  const char *(*cell)[MAXC] = calloc(MAXR, sizeof *cell);
  GtkWidget **line = calloc(MAXR, sizeof *line);
  int rows = 0;
  for (GtkWidget *c = gtk_widget_get_first_child(grid); c;
       c = gtk_widget_get_next_sibling(c)) {
    int x, y, w, h;
    gtk_grid_query_child(GTK_GRID(grid), c, &x, &y, &w, &h);
    if (!GTK_IS_LABEL(c) || x >= MAXC || y >= MAXR) continue;
    if (g_object_get_data(G_OBJECT(c), "statement-who")) line[y] = c;
    cell[y][x] = gtk_label_get_text(GTK_LABEL(c));
    if (y + 1 > rows) rows = y + 1;
  }
  FILE *out = fopen(path, "w");
  assert_non_null(out);
  for (int y = 0; y + 1 < rows; y++) {
    if (!line[y]) continue;
    fprintf(
        out, "%s\t%s",
        (const char *)g_object_get_data(G_OBJECT(line[y]), "statement-who"),
        (const char *)g_object_get_data(G_OBJECT(line[y]), "statement-stream"));
    for (int x = 0; x < MAXC; x++)
      if (cell[y + 1][x]) fprintf(out, "\t%s", cell[y + 1][x]);
    fputc('\n', out);
  }
  fclose(out);
  free(line);
  free(cell);
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

/* Shows month on the page (typed into its month entry, as a practice
 * manager would) and waits for its statement. */
static void show_month(fixture *f, GtkWidget *win, const char *month) {
  GtkWidget *e = find_widget(win, GTK_TYPE_ENTRY, "Statement month");
  assert_non_null(e);
  char want[48], words[24];
  month_words(month, words, sizeof words);
  type_text(e, words); /* "April 2027", as people write it (issue 19) */
  g_signal_emit_by_name(e, "activate"); /* Enter */
  snprintf(want, sizeof want, "%s: held ", words);
  if (!dtest_wait_says(f, win, "Statement summary", want))
    fail_msg(
        "the page never showed %s: it says \"%s\" (%s)", month,
        gtk_label_get_text(GTK_LABEL(find_widget(win, 0, "Statement summary"))),
        gtk_label_get_text(GTK_LABEL(find_widget(win, 0, "Statement note"))));
  assert_string_equal(gtk_editable_get_text(GTK_EDITABLE(e)), words);
}

static void test_statement_year(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  record_year(f);
  char cfg[400], dir[600];
  dtest_save_session(f, f->mgr, cfg, sizeof cfg);
  setenv("XDG_CONFIG_HOME", f->cfgdir, 1); /* the window's member again */
  snprintf(dir, sizeof dir, "%s/year", f->s->dir);
  assert_int_equal(mkdir(dir, 0700), 0);

  dtest_show_page(win, "statement");
  GtkWidget *grid = find_widget(win, 0, "Statement table");
  assert_non_null(grid);
  for (int i = 0; i <= MONTHS; i++) {
    char m[8], args[2048], path[700];
    month_of(i, m);
    snprintf(args, sizeof args,
             "funds statement --month %s --format table --out '%s/%s.table'", m,
             dir, m);
    pcn(cfg, args);
    snprintf(args, sizeof args,
             "funds statement --month %s --format csv --out '%s/%s.csv'", m,
             dir, m);
    pcn(cfg, args);
    snprintf(args, sizeof args,
             "funds statement --month %s --format pdf --out '%s/%s.pdf'", m,
             dir, m);
    pcn(cfg, args);
    snprintf(args, sizeof args,
             "pdftotext -layout -enc UTF-8 '%s/%s.pdf' '%s/%s.pdf.txt'", dir, m,
             dir, m);
    if (system(args) != 0) fail_msg("%s failed", args);
    show_month(f, win, m);
    snprintf(path, sizeof path, "%s/%s.desktop", dir, m);
    save_grid(grid, path);
  }
  shot(win, "desktop-statement-year");
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "python3 '%s' '%s' %d", CHECK_PY, dir, MONTHS + 1);
  int rc = system(cmd);
  /* PCN_KEEP_YEAR=DIR keeps the renderings there, to look at. */
  const char *keep = getenv("PCN_KEEP_YEAR");
  if (keep) {
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -r '%s' '%s'", keep, dir,
             keep);
    if (system(cmd)) fail_msg("could not keep the renderings in %s", keep);
  }
  if (rc != 0)
    fail_msg("statement_year_check.py found a disagreement (%d)", rc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_statement_year, dtest_setup,
                                      dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
