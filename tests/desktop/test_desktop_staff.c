/* test_desktop_staff.c - the Shared staff page. Jo (practice manager at
 * F84001) sees the register and the week's rota grid; the PCN manager's
 * changes over the wire arrive live, and a rota change sending someone to
 * her practice raises a notice; she records leave through the form and
 * the grid and the equity table show it. The PCN manager, in a second
 * window, assigns a session from the grid, and a clash is refused with
 * both practices named; a ninth session for a 0.8 WTE person is saved
 * with the server's warning (issue 20). The manager's cells show and
 * pick practices by name, what lands on the server being the code, and a
 * 72-character name leaves a cell as wide as any other (issue 19). Every
 * control on the page has a name. The equity
 * section shows the money paid to each practice and locality beside the
 * sessions, live from the ledger, with its charts drawn in the window.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

#include "config.h"
#include "dtest.h"
#include "clock.h"
#include "validate.h"
#include "words.h"
#include "workdays.h"

static unsigned notices_seen;
static int new_notice(fixture *f) {
  return pcn_desk_notices(f->d, NULL) > notices_seen;
}

static const Pcn__Response *add_staff(its_member *m, const char *name,
                                      const char *practice) {
  Pcn__StaffAdd a = PCN__STAFF_ADD__INIT;
  a.name = (char *)name;
  a.role = "clinical pharmacist";
  a.practice = (char *)practice;
  a.wte = 80;
  a.annual_cost = 4200000;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_STAFF_ADD;
  r.staff_add = &a;
  return its_expect(m, &r, PCN__STATUS_CODE__OK);
}

static void assign(its_member *m, uint64_t staff, const char *week,
                   const uint32_t *sessions, size_t n, const char *ods) {
  Pcn__StaffRotaCell cells[10], *cp[10];
  for (size_t i = 0; i < n; i++) {
    pcn__staff_rota_cell__init(&cells[i]);
    cells[i].session = sessions[i];
    cells[i].practice = (char *)ods;
    cp[i] = &cells[i];
  }
  Pcn__StaffRotaSet s = PCN__STAFF_ROTA_SET__INIT;
  s.staff_id = staff;
  s.week = (char *)week;
  s.cells = cp;
  s.n_cells = n;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_STAFF_ROTA_SET;
  r.staff_rota_set = &s;
  its_expect(m, &r, PCN__STATUS_CODE__OK);
}

static const Pcn__StaffRotaWeek *sam_week(its_member *m, const char *week) {
  Pcn__StaffRotaGet g = PCN__STAFF_ROTA_GET__INIT;
  g.week = (char *)week;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_STAFF_ROTA_GET;
  r.staff_rota_get = &g;
  const Pcn__StaffRota *q = its_expect(m, &r, PCN__STATUS_CODE__OK)->staff_rota;
  return q->n_rows ? q->rows[0] : NULL;
}

/* How many leave records the week's rota holds, as the server says. */
static size_t leave_count(its_member *m, const char *week) {
  Pcn__StaffRotaGet g = PCN__STAFF_ROTA_GET__INIT;
  g.week = (char *)week;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_STAFF_ROTA_GET;
  r.staff_rota_get = &g;
  return its_expect(m, &r, PCN__STATUS_CODE__OK)->staff_rota->n_leave;
}

#define LONG_PRACTICE                                                          \
  "The Very Long Named Surgery and Health Centre of Upper Riverside Valley"

/* The first label under w that is shown (a drop-down's button keeps a
 * "(None)" label hidden beside the item's). */
static GtkWidget *shown_label(GtkWidget *w) {
  if (!gtk_widget_get_mapped(w)) return NULL;
  if (GTK_IS_LABEL(w)) return w;
  for (GtkWidget *c = gtk_widget_get_first_child(w); c;
       c = gtk_widget_get_next_sibling(c)) {
    GtkWidget *hit = shown_label(c);
    if (hit) return hit;
  }
  return NULL;
}

/* The label a rota cell's drop-down shows (its button's, not its list's). */
static GtkWidget *cell_shows(GtkWidget *win, const char *cell) {
  GtkWidget *dd = find_widget(win, GTK_TYPE_DROP_DOWN, cell);
  assert_non_null(dd);
  GtkWidget *b = find_widget(dd, GTK_TYPE_TOGGLE_BUTTON, NULL);
  assert_non_null(b);
  GtkWidget *l = shown_label(b);
  assert_non_null(l);
  return l;
}

static GtkWidget *says_win;
static const char *says_cell, *says_text;
static int cell_says(fixture *f) {
  (void)f;
  GtkWidget *dd = find_widget(says_win, GTK_TYPE_DROP_DOWN, says_cell);
  return dd &&
         !strcmp(gtk_label_get_text(GTK_LABEL(cell_shows(says_win, says_cell))),
                 says_text);
}

/* Waits until cell's drop-down shows text. */
static int wait_cell(fixture *f, GtkWidget *win, const char *cell,
                     const char *text) {
  says_win = win;
  says_cell = cell;
  says_text = text;
  if (spin_until(f, cell_says, 8000)) return 1;
  GtkWidget *dd = find_widget(win, GTK_TYPE_DROP_DOWN, cell);
  fprintf(stderr, "%s shows '%s', not '%s'\n", cell,
          dd ? gtk_label_get_text(GTK_LABEL(cell_shows(win, cell))) : "-",
          text);
  return 0;
}

static int natural_width(GtkWidget *w) {
  int min = 0, nat = 0;
  gtk_widget_measure(w, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  return nat;
}

static void test_staff(void **state) {
  fixture *f = *state;
  GtkWidget *jo_win = GTK_WIDGET(pcn_desk_window(f->d));
  its_add_practice(f->mgr, "F84002", "Hill Street", 8000);

  /* The week shown: this one, or the first after it without a bank
   * holiday (so the figures below hold whenever the test runs). */
  int32_t monday = (int32_t)(pcn_now_ms() / 86400000), skip = 0;
  monday -= (pcn_weekday(monday) + 6) % 7;
  for (;; skip++) {
    int hol = 0;
    for (int i = 0; i < 5; i++)
      hol |= pcn_is_bank_holiday(monday + 7 * skip + i, NULL);
    if (!hol) break;
  }
  char week[11], fri[11];
  pcn_date_format(monday + 7 * skip, week);
  pcn_date_format(monday + 7 * skip + 4, fri);

  uint64_t sam = add_staff(f->mgr, "Sam Patel", "F84001")->staff_member->id;
  uint32_t mine[] = {0, 1, 2};
  assign(f->mgr, sam, week, mine, 3, "F84001");

  dtest_show_page(jo_win, "staff");
  for (int32_t i = 0; i < skip; i++)
    dtest_click(jo_win, "Next week");
  GtkWidget *eq_from = find_widget(jo_win, GTK_TYPE_ENTRY, "Equity from");
  GtkWidget *eq_to = find_widget(jo_win, GTK_TYPE_ENTRY, "Equity to");
  type_text(eq_from, week);
  type_text(eq_to, fri);
  assert_true(dtest_wait_says(f, jo_win, "Staff register",
                              "Sam Patel — Clinical pharmacist, employed by "
                              "Riverside Surgery, "
                              "0.80 WTE, £42,000.00 a year"));
  /* Practices by name in the grid (issue 19). */
  assert_true(dtest_wait_says(f, jo_win, "Week rota", "Riverside Surgery"));
  assert_null(find_widget(jo_win, GTK_TYPE_DROP_DOWN, "Sam Patel Mon AM"));

  /* A change of cost from a day: the register shows the terms' history
   * (issue 20). */
  Pcn__StaffUpdate su = PCN__STAFF_UPDATE__INIT;
  su.id = sam;
  su.version = 1;
  su.has_annual_cost_case = PCN__STAFF_UPDATE__HAS_ANNUAL_COST_ANNUAL_COST;
  su.annual_cost = 4480000;
  su.from = "2026-04-01";
  Pcn__Request ur = PCN__REQUEST__INIT;
  ur.body_case = PCN__REQUEST__BODY_STAFF_UPDATE;
  ur.staff_update = &su;
  its_expect(f->mgr, &ur, PCN__STATUS_CODE__OK);
  assert_true(dtest_wait_says(
      f, jo_win, "Staff register",
      "0.80 WTE, £44,800.00 a year; terms: at the start 0.80 WTE, £42,000.00 "
      "a year; from 1 Apr 2026 0.80 WTE, £44,800.00 a year"));

  /* Live: the PCN manager adds Ria and sends her to Riverside on
   * Thursday morning; Jo is told, since it is her practice. */
  notices_seen = pcn_desk_notices(f->d, NULL);
  uint64_t ria = add_staff(f->mgr, "Ria Khan", "F84002")->staff_member->id;
  assert_true(dtest_wait_says(f, jo_win, "Staff register", "Ria Khan"));
  uint32_t thu[] = {6};
  assign(f->mgr, ria, week, thu, 1, "F84001");
  assert_true(spin_until(f, new_notice, 8000));
  const char *last;
  pcn_desk_notices(f->d, &last);
  assert_non_null(strstr(last, "The shared staff rota changed"));
  assert_non_null(strstr(last, "Ria Khan"));
  dtest_click(jo_win, "Show equity");
  assert_true(dtest_wait_says(f, jo_win, "Equity report",
                              "4 sessions delivered of 4 on the rota"));

  /* Jo records Sam's Monday morning off through the form. */
  dtest_pick(find_widget(jo_win, GTK_TYPE_DROP_DOWN, "Leave for"), "Sam Patel");
  type_text(find_widget(jo_win, GTK_TYPE_ENTRY, "Leave from"), week);
  dtest_pick(find_widget(jo_win, GTK_TYPE_DROP_DOWN, "Leave part"), "Mornings");
  dtest_click(jo_win, "Record leave");
  assert_true(dtest_wait_says(f, jo_win, "Leave this week",
                              "Sam Patel (Riverside Surgery): "));
  /* The days in words (issue 19). */
  char week_words[24];
  desk_date_words(week, week_words, sizeof week_words, DESK_DATE_WEEKDAY);
  assert_true(dtest_says(jo_win, "Leave this week", week_words));
  assert_true(dtest_says(jo_win, "Week rota", "leave"));
  assert_true(
      dtest_wait_says(f, jo_win, "Equity report",
                      "3 sessions delivered of 4 on the rota (1 lost to "
                      "leave)"));
  assert_true(dtest_says(jo_win, "Equity report", "100.00%"));
  assert_true(dtest_says(jo_win, "Equity report", "+40.00"));
  assert_true(
      dtest_says(jo_win, "Staff status", "Recorded leave for Sam Patel"));
  /* The README's picture at 1024x768 (issue 19). */
  gtk_window_set_default_size(GTK_WINDOW(jo_win), 1024, 768);
  spin_ms(600);
  shot(jo_win, "desktop-staff");
  assert_int_equal(dtest_unnamed(find_widget(jo_win, 0, "Shared staff page")),
                   0);

  /* And cancels it again from its row, asked first naming Sam and the
   * days (issue 19); Cancel in the dialog changes nothing on the server. */
  dtest_click(jo_win, "Cancel leave 1");
  GtkWidget *dlg = dtest_window_named("Confirm");
  assert_non_null(dlg);
  char heading[120];
  snprintf(heading, sizeof heading, "Cancel Sam Patel's leave, %s to %s?",
           week_words, week_words);
  assert_true(dtest_label_under(dlg, heading));
  dtest_click(dlg, "Cancel");
  spin_ms(400);
  assert_int_equal(leave_count(f->mgr, week), 1);
  assert_true(dtest_says(jo_win, "Leave this week", "Sam Patel"));
  dtest_click(jo_win, "Cancel leave 1");
  dlg = dtest_window_named("Confirm");
  assert_non_null(dlg);
  dtest_click(dlg, "Cancel leave");
  assert_true(
      dtest_wait_says(f, jo_win, "Leave this week", "No leave this week"));
  assert_int_equal(leave_count(f->mgr, week), 0);
  assert_true(dtest_wait_says(f, jo_win, "Equity report",
                              "4 sessions delivered of 4 on the rota"));
  assert_true(
      dtest_says(jo_win, "Staff status", "Cancelled leave for Sam Patel"));

  /* The PCN manager assigns from the grid: Wednesday morning at Hill
   * Street; then Monday afternoon there too, a clash refused naming
   * both practices. */
  pcn_desk *md = dtest_open_manager(f);
  GtkWidget *mgr_win = GTK_WIDGET(pcn_desk_window(md));
  dtest_show_page(mgr_win, "staff");
  for (int32_t i = 0; i < skip; i++)
    dtest_click(mgr_win, "Next week");
  assert_true(dtest_wait_says(f, mgr_win, "Sam Patel Wed AM", NULL));
  /* Practices by name in the manager's cells too (issue 19): the name
   * shown, the name and code in the tooltip, "-" for nobody. */
  assert_true(wait_cell(f, mgr_win, "Sam Patel Mon AM", "Riverside Surgery"));
  assert_string_equal(
      gtk_widget_get_tooltip_text(cell_shows(mgr_win, "Sam Patel Mon AM")),
      "Riverside Surgery (F84001)");
  assert_string_equal(
      gtk_label_get_text(GTK_LABEL(cell_shows(mgr_win, "Sam Patel Wed AM"))),
      "-");
  /* Picked by name; the server holds the code. */
  dtest_pick(find_widget(mgr_win, GTK_TYPE_DROP_DOWN, "Sam Patel Wed AM"),
             "Hill Street");
  assert_true(
      dtest_wait_says(f, mgr_win, "Staff status", "Saved Sam Patel's rota"));
  assert_string_equal(sam_week(f->mgr, week)->sessions[4], "F84002");
  assert_true(wait_cell(f, mgr_win, "Sam Patel Wed AM", "Hill Street"));
  assert_true(dtest_wait_says(f, jo_win, "Week rota", "Hill Street"));
  spin_ms(300);
  dtest_pick(find_widget(mgr_win, GTK_TYPE_DROP_DOWN, "Sam Patel Mon PM"),
             "Hill Street");
  /* Both practices by name, the codes beside them (issue 19), the week
   * in words. */
  assert_true(dtest_wait_says(f, mgr_win, "Staff status",
                              "Sam Patel is already at Riverside Surgery "
                              "(F84001) on Mon PM in the week of "));
  assert_true(
      dtest_says(mgr_win, "Staff status", "cannot be at Hill Street (F84002)"));
  char monday_words[24];
  desk_date_words(week, monday_words, sizeof monday_words,
                  DESK_DATE_WEEKDAY | DESK_DATE_YEAR);
  assert_true(dtest_says(mgr_win, "Staff status", monday_words));
  assert_string_equal(sam_week(f->mgr, week)->sessions[1], "F84001");
  /* A practice with a 72-character name: its cell is as wide as
   * Riverside Surgery's (both end in an ellipsis at 12 characters), the
   * whole name in the tooltip, and the page still fits an 800 px pane. */
  its_add_practice(f->mgr, "F84003", LONG_PRACTICE, 5000);
  uint32_t tue[] = {2};
  assign(f->mgr, ria, week, tue, 1, "F84003");
  assert_true(wait_cell(f, mgr_win, "Ria Khan Tue AM", LONG_PRACTICE));
  GtkWidget *long_cell =
      find_widget(mgr_win, GTK_TYPE_DROP_DOWN, "Ria Khan Tue AM");
  GtkWidget *short_cell =
      find_widget(mgr_win, GTK_TYPE_DROP_DOWN, "Sam Patel Mon AM");
  printf("cells: %d px with the long name, %d px with Riverside Surgery\n",
         natural_width(long_cell), natural_width(short_cell));
  assert_true(natural_width(long_cell) <= natural_width(short_cell) + 2);
  assert_string_equal(
      gtk_widget_get_tooltip_text(cell_shows(mgr_win, "Ria Khan Tue AM")),
      LONG_PRACTICE " (F84003)");
  int page_min = 0, page_nat = 0;
  gtk_widget_measure(find_widget(mgr_win, 0, "Shared staff page"),
                     GTK_ORIENTATION_HORIZONTAL, -1, &page_min, &page_nat, NULL,
                     NULL);
  printf("the manager's Shared staff page asks for %d px\n", page_min);
  assert_true(page_min <= 760); /* test_desktop_layout's PANE_MIN */
  gtk_window_set_default_size(GTK_WINDOW(mgr_win), 1024, 768);
  spin_ms(600);
  shot(mgr_win, "desktop-rota");
  spin_ms(200);
  shot(mgr_win, "desktop-staff-manager");
  assert_int_equal(dtest_unnamed(find_widget(mgr_win, 0, "Shared staff page")),
                   0);

  /* Past Sam's WTE (0.80: 8 sessions): the ninth is saved, and the page
   * says so with the server's warning (issue 20). */
  uint32_t more[] = {5, 6, 7, 8};
  assign(f->mgr, sam, week, more, 4, "F84001");
  spin_ms(300);
  dtest_pick(find_widget(mgr_win, GTK_TYPE_DROP_DOWN, "Sam Patel Fri PM"),
             "Riverside Surgery");
  assert_true(dtest_wait_says(f, mgr_win, "Staff status",
                              "rostered for 9 sessions a week"));
  assert_true(dtest_says(mgr_win, "Staff status", "Saved Sam Patel's rota"));
  assert_string_equal(sam_week(f->mgr, week)->sessions[9], "F84001");

  gtk_window_destroy(GTK_WINDOW(mgr_win));
  pcn_desk_free(md);
}

static void post(its_member *m, Pcn__Request *r) {
  its_expect(m, r, PCN__STATUS_CODE__OK);
}

static void figures(its_member *m, const char *ods, uint32_t list,
                    const char *locality) {
  Pcn__FundsFiguresSet fs = PCN__FUNDS_FIGURES_SET__INIT;
  fs.practice = (char *)ods;
  fs.applies_from = "2020-01-01";
  fs.list_size = list;
  fs.weighted = list;
  fs.locality = (char *)locality;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_FIGURES_SET;
  r.funds_figures_set = &fs;
  post(m, &r);
}

/* A fixed split of £a to F84001 and £b to F84002 (0: left out). */
static void pay(its_member *m, const char *date, int64_t a, int64_t b) {
  Pcn__FundsPart p[2] = {PCN__FUNDS_PART__INIT, PCN__FUNDS_PART__INIT}, *pp[2];
  size_t n = 0;
  const char *ods[2] = {"F84001", "F84002"};
  int64_t v[2] = {a, b};
  for (int i = 0; i < 2; i++) {
    if (!v[i]) continue;
    p[n].practice = (char *)ods[i];
    p[n].pence = v[i];
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

/* How many distinct colours the PNG at path has, counting up to 16. */
static int colours_in(const char *path) {
  cairo_surface_t *s = cairo_image_surface_create_from_png(path);
  assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  cairo_surface_flush(s);
  int w = cairo_image_surface_get_width(s),
      h = cairo_image_surface_get_height(s),
      stride = cairo_image_surface_get_stride(s), n = 0;
  const unsigned char *data = cairo_image_surface_get_data(s);
  uint32_t seen[16];
  for (int y = 0; y < h && n < 16; y++)
    for (int x = 0; x < w && n < 16; x++) {
      uint32_t px = *(const uint32_t *)(data + y * stride + 4 * x);
      int k = 0;
      while (k < n && seen[k] != px)
        k++;
      if (k == n) seen[n++] = px;
    }
  cairo_surface_destroy(s);
  return n;
}

/* The label under w whose text is text, or NULL. */
static GtkWidget *label_showing(GtkWidget *w, const char *text) {
  if (GTK_IS_LABEL(w) && !strcmp(gtk_label_get_text(GTK_LABEL(w)), text))
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child(w); c;
       c = gtk_widget_get_next_sibling(c)) {
    GtkWidget *l = label_showing(c, text);
    if (l) return l;
  }
  return NULL;
}

/* How many labels under w show needle, each printed. */
static int labels_with(GtkWidget *w, const char *needle) {
  int n = 0;
  if (GTK_IS_LABEL(w) && strstr(gtk_label_get_text(GTK_LABEL(w)), needle)) {
    printf("a label shows %s: \"%s\"\n", needle,
           gtk_label_get_text(GTK_LABEL(w)));
    n++;
  }
  for (GtkWidget *c = gtk_widget_get_first_child(w); c;
       c = gtk_widget_get_next_sibling(c))
    n += labels_with(c, needle);
  return n;
}

/* The equity section's money: the share of what was paid to practices
 * in the period beside the list share, per practice and per locality,
 * live from the ledger, and the charts drawn in the window. */
static void test_equity_money(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  its_add_practice(f->mgr, "F84002", "Hill Street", 8000);
  figures(f->mgr, "F84001", 12000, "North");
  figures(f->mgr, "F84002", 8000, "South");
  int32_t monday = (int32_t)(pcn_now_ms() / 86400000), skip = 0;
  monday -= (pcn_weekday(monday) + 6) % 7;
  for (;; skip++) {
    int hol = 0;
    for (int i = 0; i < 5; i++)
      hol |= pcn_is_bank_holiday(monday + 7 * skip + i, NULL);
    if (!hol) break;
  }
  char week[11], fri[11];
  pcn_date_format(monday + 7 * skip, week);
  pcn_date_format(monday + 7 * skip + 4, fri);
  uint64_t sam = add_staff(f->mgr, "Sam Patel", "F84001")->staff_member->id;
  uint64_t ria = add_staff(f->mgr, "Ria Khan", "F84002")->staff_member->id;
  assign(f->mgr, sam, week, (const uint32_t[]){0, 1}, 2, "F84001");
  assign(f->mgr, ria, week, (const uint32_t[]){2, 3}, 2, "F84002");
  Pcn__FundsReceive rc = PCN__FUNDS_RECEIVE__INIT;
  rc.stream = "core";
  rc.pence = 500000;
  rc.date = "2020-01-01";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_RECEIVE;
  r.funds_receive = &rc;
  post(f->mgr, &r);
  pay(f->mgr, week, 30000, 10000);

  dtest_show_page(win, "staff");
  type_text(find_widget(win, GTK_TYPE_ENTRY, "Equity from"), week);
  type_text(find_widget(win, GTK_TYPE_ENTRY, "Equity to"), fri);
  dtest_click(win, "Show equity");
  /* Sessions 2:2 (50%), money £300:£100 (75%, 25%), list 60%, 40%. */
  assert_true(
      dtest_wait_says(f, win, "Equity report", "£400.00 paid to practices"));
  assert_true(dtest_says(win, "Equity report", "£300.00"));
  assert_true(dtest_says(win, "Equity report", "75.00%"));
  assert_true(dtest_says(win, "Equity report", "+15.00"));
  assert_true(dtest_says(win, "Equity report", "-15.00"));
  assert_true(dtest_says(win, "Equity report", "North"));
  assert_true(dtest_says(win, "Equity report", "South"));
  /* Practices by name, their codes in tooltips only (issue 19): the
   * first column and the note on which figures were used. */
  GtkWidget *eq = find_widget(win, 0, "Equity report");
  GtkWidget *river = label_showing(eq, "Riverside Surgery");
  assert_non_null(river);
  assert_string_equal(gtk_widget_get_tooltip_text(river),
                      "Riverside Surgery (F84001)");
  assert_true(dtest_says(win, "Equity report", "Hill Street from "));
  assert_int_equal(labels_with(eq, "F8400"), 0);
  GtkWidget *chart = find_widget(win, GTK_TYPE_DRAWING_AREA, "Equity chart");
  GtkWidget *by_loc =
      find_widget(win, GTK_TYPE_DRAWING_AREA, "Equity chart by locality");
  assert_true(gtk_widget_get_visible(chart));
  assert_true(gtk_widget_get_visible(by_loc));

  /* Live: £400 more to Hill Street; its money share becomes 62.50%. */
  pay(f->mgr, fri, 0, 40000);
  assert_true(
      dtest_wait_says(f, win, "Equity report", "£800.00 paid to practices"));
  assert_true(dtest_says(win, "Equity report", "62.50%"));
  assert_true(dtest_says(win, "Equity report", "+22.50"));

  /* The chart has bars: more than the background's colour. */
  spin_ms(300);
  shot(win, "desktop-staff-equity");
  char path[600];
  snprintf(path, sizeof path, "%s/desktop-staff-equity-chart.png",
           PCN_SHOT_DIR);
  assert_int_equal(pcn_desk_screenshot(chart, path), 0);
  assert_true(colours_in(path) >= 4);
  assert_int_equal(dtest_unnamed(find_widget(win, 0, "Shared staff page")), 0);
}

/* The register's people, as the server has them. */
static const Pcn__StaffPage *register_of(its_member *m) {
  Pcn__StaffList l = PCN__STAFF_LIST__INIT;
  l.include_ended = 1;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_STAFF_LIST;
  r.staff_list = &l;
  return its_expect(m, &r, PCN__STATUS_CODE__OK)->staff_page;
}

static its_member *reg_of;
static size_t want_staff;
static int staff_are(fixture *f) {
  (void)f;
  return register_of(reg_of)->n_staff == want_staff;
}

/* Issue 19: the PCN manager adds staff and ends their employment in the
 * window, not only with `pcn staff add` / `pcn staff end`. What cannot be
 * read is said under its field and nothing is sent; the practice is
 * picked by name and the start typed as people write dates; ending asks
 * in its own window, naming the person, and Cancel sends nothing. */
static void test_add_and_end(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  its_add_practice(f->mgr, "F84002", "Hill Street", 8000);
  spin_ms(500);
  dtest_show_page(win, "staff");
  GtkWidget *page = gtk_stack_get_child_by_name(
      GTK_STACK(find_widget(win, GTK_TYPE_STACK, NULL)), "staff");
  assert_true(dtest_wait_says(f, page, "Register empty", "Add staff"));
  assert_false(dtest_label_under(page, "pcn staff"));
  dtest_click(page, "Add staff");
  GtkWidget *form = dtest_window_named("Add staff");
  assert_non_null(form);
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Staff name"), "Amira Khan");
  dtest_pick(find_widget(form, GTK_TYPE_DROP_DOWN, "Employed by"),
             "Hill Street");
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Whole-time equivalent"), "1.5");
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Cost a year"), "41,250.50");
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Started"), "1/12/2031");
  dtest_click(form, "Add");
  assert_true(dtest_label_under(form, "from 0.01 to 1"));
  assert_true(gtk_widget_has_css_class(
      find_widget(form, GTK_TYPE_ENTRY, "Whole-time equivalent"), "error"));
  spin_ms(300);
  assert_int_equal(register_of(f->mgr)->n_staff, 0);
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Whole-time equivalent"), "0.8");
  spin_ms(200);
  shot(form, "desktop-staff-add");
  dtest_click(form, "Add");
  reg_of = f->mgr;
  want_staff = 1;
  assert_true(spin_until(f, staff_are, 5000));
  const Pcn__StaffMember *m = register_of(f->mgr)->staff[0];
  assert_string_equal(m->name, "Amira Khan");
  assert_string_equal(m->role, "clinical pharmacist");
  assert_string_equal(m->practice, "F84002");
  assert_int_equal(m->wte, 80);
  assert_int_equal(m->annual_cost, 4125050);
  assert_string_equal(m->started, "2031-12-01");
  uint64_t id = m->id;
  char name[48];
  snprintf(name, sizeof name, "End employment %llu", (unsigned long long)id);
  GtkWidget *end = NULL;
  for (int i = 0; i < 50 && !(end = find_widget(page, GTK_TYPE_BUTTON, name));
       i++)
    spin_ms(100);
  assert_non_null(end);
  assert_true(dtest_label_under(page, "Amira Khan — Clinical pharmacist, "
                                      "employed by Hill Street"));

  /* Ending asks first, naming her; Cancel leaves her employed. */
  dtest_press(end);
  form = dtest_window_named("End employment");
  assert_non_null(form);
  assert_true(dtest_label_under(form, "Amira Khan stops being employed"));
  dtest_click(find_widget(form, ADW_TYPE_HEADER_BAR, NULL), "Cancel");
  spin_ms(300);
  assert_null(dtest_window_named("End employment"));
  assert_string_equal(register_of(f->mgr)->staff[0]->ended, "");
  dtest_press(end);
  form = dtest_window_named("End employment");
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Last day"), "31/12/2032");
  spin_ms(200);
  shot(form, "desktop-staff-end");
  dtest_click(find_widget(form, ADW_TYPE_HEADER_BAR, NULL), "End employment");
  for (int i = 0; i < 50 && !register_of(f->mgr)->staff[0]->ended[0]; i++)
    spin_ms(100);
  assert_string_equal(register_of(f->mgr)->staff[0]->ended, "2032-12-31");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_staff, dtest_setup, dtest_teardown),
      cmocka_unit_test_setup_teardown(test_add_and_end, dtest_setup_manager,
                                      dtest_teardown),
      cmocka_unit_test_setup_teardown(test_equity_money, dtest_setup,
                                      dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
