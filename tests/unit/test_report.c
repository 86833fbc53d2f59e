/* test_report.c - client/report, the statement renderer: a network of 8
 * practices and 9 streams with known figures, rendered as PDF (read back
 * with poppler's pdfinfo and pdftotext: pages, "Page N of M" footers,
 * figures to the penny), CSV (its rows add up to its totals exactly),
 * terminal tables, the equity report (shares add up to 100.00%), and the
 * charts drawn into an image surface (not blank), their bars labelled by
 * the practices' names when they fit, else by codes with a key (issue
 * 19). PDFs and PNGs of their pages are left in the build tree
 * (tests/report-*.{pdf,png}) to look at.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo-pdf.h>
#include <cmocka.h>
#include <fontconfig/fontconfig.h>

#include "money.h"
#include "report.h"

#ifndef REPORT_OUT_DIR
#define REPORT_OUT_DIR "."
#endif

#define GENERATED_MS 1796117400000LL /* 2026-12-01 09:30 UTC */

static const char *const stream_names[9][2] = {
    {"core", "Core PCN funding"},
    {"cd", "Clinical director"},
    {"arrs", "ARRS reimbursement"},
    {"iif", "IIF"},
    {"caa", "Capacity and access"},
    {"chp", "Care home premium"},
    {"ea", "Enhanced access"},
    {"lm", "Leadership and management"},
    {"other", "Other"}};

static const char *const practice_rows[8][3] = {
    {"F84001", "Riverside Surgery", "North"},
    {"F84002", "Bow Health Centre", "North"},
    {"F84003", "St Mary's Medical Practice", "North"},
    {"F84004", "Mile End Road Surgery", "South"},
    {"F84005", "The Limehouse Practice", "South"},
    {"F84006", "Island Health", "South"},
    {"F84007", "Globe Town Surgery", ""},
    {"F84008", "Stroudley Walk Health Centre", "South"}};

/* ---- helpers */

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  size_t got = fread(s, 1, (size_t)n, f);
  s[got] = 0;
  fclose(f);
  return s;
}

/* Runs a shell command, its output into a file; returns that output. */
static char *run(const char *cmd) {
  char full[8192], out[512];
  snprintf(out, sizeof out, "%s/report-cmd.txt", REPORT_OUT_DIR);
  snprintf(full, sizeof full, "%s > '%s' 2>&1", cmd, out);
  int rc = system(full);
  if (rc != 0) fail_msg("'%s' failed (%d)", cmd, rc);
  return slurp(out);
}

static int pdf_pages(const char *pdf) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "pdfinfo '%s'", pdf);
  char *info = run(cmd);
  char *p = strstr(info, "Pages:");
  assert_non_null(p);
  int n = atoi(p + 6);
  free(info);
  return n;
}

static char *pdf_text(const char *pdf, int page) {
  char cmd[1024];
  if (page)
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 -f %d -l %d '%s' -", page,
             page, pdf);
  else
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' -", pdf);
  return run(cmd);
}

static void assert_has(const char *text, const char *want) {
  if (!strstr(text, want)) fail_msg("\"%s\" is not in the text", want);
}

static void out_path(char *buf, size_t n, const char *name) {
  snprintf(buf, n, "%s/%s", REPORT_OUT_DIR, name);
}

/* The 8 x 9 statement for November 2026, its totals filled in. Each
 * practice is paid by distribution and for claims, with something paid
 * before the month (paid to date); each network row is built to add up:
 * held at start + received - what the practices were paid - spent. */
static pcn_statement *known_statement(size_t np, size_t ns) {
  pcn_statement *st = pcn_statement_new(np, ns);
  assert_non_null(st);
  snprintf(st->network, sizeof st->network, "Tower Hamlets Central PCN");
  snprintf(st->payee_ods, sizeof st->payee_ods, "F84001");
  snprintf(st->month, sizeof st->month, "2026-11");
  st->generated_ms = GENERATED_MS;
  st->rates_set = 1;
  for (size_t p = 0; p < np; p++) {
    pcn_report_practice *pr = &st->practices[p];
    snprintf(pr->ods, sizeof pr->ods, "%s", practice_rows[p][0]);
    snprintf(pr->name, sizeof pr->name, "%s", practice_rows[p][1]);
    snprintf(pr->locality, sizeof pr->locality, "%s", practice_rows[p][2]);
  }
  for (size_t s = 0; s < ns; s++) {
    if (s < 9) {
      snprintf(st->streams[s].code, sizeof st->streams[s].code, "%s",
               stream_names[s][0]);
      snprintf(st->streams[s].name, sizeof st->streams[s].name, "%s",
               stream_names[s][1]);
    } else {
      snprintf(st->streams[s].code, sizeof st->streams[s].code, "s%zu", s);
      snprintf(st->streams[s].name, sizeof st->streams[s].name,
               "Local scheme %zu", s);
    }
    for (size_t p = 0; p < np; p++) {
      pcn_statement_figures *f = pcn_statement_cell(st, p, s);
      f->distributed = (50000 + (int64_t)p * 7919 + (int64_t)s * 10313) * 3 / 4;
      f->claims_paid = (int64_t)((p + 1) * (s + 1) * 211 % 9000);
      f->paid_to_date = f->distributed + f->claims_paid + (int64_t)p * 100003;
    }
  }
  if (np > 2 && ns > 3) {
    pcn_statement_figures *f = pcn_statement_cell(st, 2, 3);
    f->distributed = 123456;
    f->claims_paid = 6544;
    f->paid_to_date = 930000;
  }
  for (size_t s = 0; s < ns; s++) {
    pcn_statement_figures *h = &st->held[s];
    for (size_t p = 0; p < np; p++) {
      h->distributed += pcn_statement_cell(st, p, s)->distributed;
      h->claims_paid += pcn_statement_cell(st, p, s)->claims_paid;
    }
    h->held_start = 200000 + (int64_t)s * 1111;
    h->received = h->distributed + h->claims_paid;
  }
  if (ns > 7) {
    st->held[0].received = 1500000;
    st->held[7].spent = 45050;
    st->held[2].expected = 1200000;
    st->held[0].expected = 1980000;
    st->streams[2].has_budget = 1;
    st->streams[2].budget = 14400000;
    st->streams[2].actual_ytd = 6012345;
  }
  for (size_t s = 0; s < ns; s++) {
    pcn_statement_figures *h = &st->held[s];
    h->held_end = h->held_start + h->received - h->distributed -
                  h->claims_paid - h->spent;
  }
  pcn_statement_fill_totals(st);
  return st;
}

/* Whether row r keeps its kind's arithmetic (report.h). */
static int row_adds_up(const pcn_statement_row *r) {
  const pcn_statement_figures *f = &r->f;
  if (r->kind == PCN_ROW_NETWORK || r->kind == PCN_ROW_NETWORK_TOTAL)
    return f->held_start + f->received - f->distributed - f->claims_paid -
               f->spent ==
           f->held_end;
  return pcn_statement_value(f, PCN_COL_PAID) ==
         f->distributed + f->claims_paid;
}

/* ---- tests */

/* Every column has its own title, CSV name and meaning; the practices'
 * and the network's columns are the documented ones, and Expected is
 * among the network's only when rates are set. */
static void test_columns(void **state) {
  (void)state;
  for (int a = 0; a < PCN_STATEMENT_COLS; a++) {
    pcn_statement_col ca = (pcn_statement_col)a;
    assert_true(strlen(pcn_statement_col_title(ca)) > 0);
    assert_true(strlen(pcn_statement_col_key(ca)) > 0);
    assert_true(strlen(pcn_statement_col_meaning(ca)) > 20);
    for (int b = a + 1; b < PCN_STATEMENT_COLS; b++) {
      pcn_statement_col cb = (pcn_statement_col)b;
      assert_string_not_equal(pcn_statement_col_title(ca),
                              pcn_statement_col_title(cb));
      assert_string_not_equal(pcn_statement_col_key(ca),
                              pcn_statement_col_key(cb));
      assert_string_not_equal(pcn_statement_col_meaning(ca),
                              pcn_statement_col_meaning(cb));
    }
  }
  assert_string_equal(pcn_statement_col_title(PCN_STATEMENT_COLS), "");
  pcn_statement *st = known_statement(1, 1);
  size_t n;
  const pcn_statement_col *c = pcn_statement_cols(st, PCN_ROW_PRACTICE, &n);
  assert_int_equal(n, 4);
  assert_int_equal(c[0], PCN_COL_DISTRIBUTED);
  assert_int_equal(c[3], PCN_COL_PAID_TO_DATE);
  c = pcn_statement_cols(st, PCN_ROW_NETWORK_TOTAL, &n);
  assert_int_equal(n, 7);
  assert_int_equal(c[0], PCN_COL_HELD_START);
  assert_int_equal(c[5], PCN_COL_HELD_END);
  assert_int_equal(c[6], PCN_COL_EXPECTED);
  assert_non_null(strstr(pcn_statement_expected_note(st), "rates"));
  st->rates_set = 0;
  c = pcn_statement_cols(st, PCN_ROW_NETWORK, &n);
  assert_int_equal(n, 6);
  for (size_t i = 0; i < n; i++)
    assert_int_not_equal(c[i], PCN_COL_EXPECTED);
  assert_non_null(
      strstr(pcn_statement_expected_note(st), "no income rates are set"));
  pcn_statement_free(st);
}

static void test_totals_and_check(void **state) {
  (void)state;
  pcn_statement *st = known_statement(8, 9);
  char err[256];
  assert_int_equal(pcn_statement_check(st, err, sizeof err), 0);
  /* The totals are the sums, worked out here independently. */
  pcn_statement_figures t = {0};
  for (size_t i = 0; i < 8 * 9; i++) {
    t.distributed += st->cells[i].distributed;
    t.claims_paid += st->cells[i].claims_paid;
  }
  for (size_t s = 0; s < 9; s++) {
    t.held_start += 200000 + (int64_t)s * 1111;
    t.received += st->held[s].received;
  }
  t.spent = 45050;
  t.held_end =
      t.held_start + t.received - t.distributed - t.claims_paid - t.spent;
  assert_int_equal(st->total.held_start, t.held_start);
  assert_int_equal(st->total.received, t.received);
  assert_int_equal(st->total.distributed, t.distributed);
  assert_int_equal(st->total.claims_paid, t.claims_paid);
  assert_int_equal(st->total.spent, t.spent);
  assert_int_equal(st->total.held_end, t.held_end);
  assert_int_equal(st->total.expected, 3180000);

  /* The rows every renderer shows: every one adds up, each practice's
   * total is the sum of its streams, the network's total the sum of its
   * streams, and each stream's network row the sum of the practices'. */
  size_t nr;
  pcn_statement_row *rows = pcn_statement_rows(st, &nr);
  assert_non_null(rows);
  assert_int_equal(nr, 8 * 10 + 9 + 1);
  pcn_statement_figures psum = {0}, nsum = {0}, by_stream[9] = {{0}};
  size_t practice_totals = 0;
  for (size_t i = 0; i < nr; i++) {
    const pcn_statement_row *r = &rows[i];
    if (!row_adds_up(r)) fail_msg("row %zu does not add up", i);
    switch (r->kind) {
    case PCN_ROW_PRACTICE:
      psum.distributed += r->f.distributed;
      psum.claims_paid += r->f.claims_paid;
      psum.paid_to_date += r->f.paid_to_date;
      by_stream[r->stream - st->streams].distributed += r->f.distributed;
      by_stream[r->stream - st->streams].claims_paid += r->f.claims_paid;
      break;
    case PCN_ROW_PRACTICE_TOTAL:
      practice_totals++;
      assert_int_equal(r->f.distributed, psum.distributed);
      assert_int_equal(r->f.claims_paid, psum.claims_paid);
      assert_int_equal(r->f.paid_to_date, psum.paid_to_date);
      memset(&psum, 0, sizeof psum);
      break;
    case PCN_ROW_NETWORK: {
      size_t s = (size_t)(r->stream - st->streams);
      assert_int_equal(r->f.distributed, by_stream[s].distributed);
      assert_int_equal(r->f.claims_paid, by_stream[s].claims_paid);
      nsum.held_start += r->f.held_start;
      nsum.received += r->f.received;
      nsum.distributed += r->f.distributed;
      nsum.claims_paid += r->f.claims_paid;
      nsum.spent += r->f.spent;
      nsum.held_end += r->f.held_end;
      nsum.expected += r->f.expected;
      break;
    }
    case PCN_ROW_NETWORK_TOTAL:
      assert_int_equal(i, nr - 1);
      for (int c = 0; c < PCN_STATEMENT_COLS; c++)
        assert_int_equal(pcn_statement_value(&r->f, (pcn_statement_col)c),
                         pcn_statement_value(&nsum, (pcn_statement_col)c));
      break;
    }
  }
  assert_int_equal(practice_totals, 8);
  free(rows);
  /* Focused on one practice: its rows only, and the network's. */
  snprintf(st->focus_ods, sizeof st->focus_ods, "F84003");
  rows = pcn_statement_rows(st, &nr);
  assert_int_equal(nr, 10 + 9 + 1);
  assert_string_equal(rows[0].practice->ods, "F84003");
  free(rows);
  st->focus_ods[0] = 0;

  /* A statement that does not add up is refused, naming the stream. */
  pcn_statement_cell(st, 4, 2)->distributed += 1;
  assert_int_equal(pcn_statement_check(st, err, sizeof err), -1);
  assert_non_null(strstr(err, "arrs"));
  assert_non_null(strstr(err, "practices' rows"));
  char path[512];
  out_path(path, sizeof path, "report-refused.pdf");
  remove(path);
  assert_int_equal(report_statement_pdf(st, path, err, sizeof err), -1);
  FILE *f = fopen(path, "rb");
  assert_null(f);
  pcn_statement_cell(st, 4, 2)->distributed -= 1;
  assert_int_equal(pcn_statement_check(st, err, sizeof err), 0);
  /* The row: held at end that is not what came in less what went
   * out. */
  st->held[7].held_end += 1;
  pcn_statement_fill_totals(st);
  assert_int_equal(pcn_statement_check(st, err, sizeof err), -1);
  assert_non_null(strstr(err, "lm does not add up"));
  st->held[7].held_end -= 1;
  pcn_statement_fill_totals(st);
  st->total.held_end += 1;
  assert_int_equal(pcn_statement_check(st, err, sizeof err), -1);
  assert_non_null(strstr(err, "network's total"));
  pcn_statement_fill_totals(st);

  snprintf(st->month, sizeof st->month, "2026-13");
  assert_int_equal(pcn_statement_check(st, err, sizeof err), -1);
  assert_non_null(strstr(err, "YYYY-MM"));
  snprintf(st->month, sizeof st->month, "2026-11");
  snprintf(st->payee_ods, sizeof st->payee_ods, "Y99999");
  assert_int_equal(pcn_statement_check(st, err, sizeof err), -1);
  assert_non_null(strstr(err, "Y99999"));
  snprintf(st->payee_ods, sizeof st->payee_ods, "F84001");
  snprintf(st->focus_ods, sizeof st->focus_ods, "F99999");
  assert_int_equal(pcn_statement_check(st, err, sizeof err), -1);
  st->focus_ods[0] = 0;
  pcn_statement_cell(st, 0, 0)->paid_to_date = PCN_PENCE_MAX + 1;
  assert_int_equal(pcn_statement_check(st, err, sizeof err), -1);
  assert_non_null(strstr(err, "F84001"));
  pcn_statement_cell(st, 0, 0)->paid_to_date = 1;
  assert_int_equal(pcn_statement_check(st, err, sizeof err), 0);
  memset(st->practices[5].name, 'x', sizeof st->practices[5].name);
  assert_int_equal(pcn_statement_check(st, err, sizeof err), -1);
  assert_non_null(strstr(err, "not terminated"));
  pcn_statement_free(st);
  assert_null(pcn_statement_new(PCN_REPORT_MAX_PRACTICES + 1, 1));
  pcn_statement_free(NULL);
}

static void test_statement_pdf(void **state) {
  (void)state;
  pcn_statement *st = known_statement(8, 9);
  char path[512], err[256];
  out_path(path, sizeof path, "report-statement.pdf");
  assert_int_equal(report_statement_pdf(st, path, err, sizeof err), 0);
  int pages = pdf_pages(path);
  assert_true(pages >= 3); /* 8 practice tables do not fit on one page */
  for (int i = 1; i <= pages; i++) {
    char *t = pdf_text(path, i), want[48];
    snprintf(want, sizeof want, "Page %d of %d", i, pages);
    assert_has(t, want);
    assert_has(t, "Tower Hamlets Central PCN");
    /* Every page after the first carries on a table: its headers repeat. */
    if (i > 1) assert_has(t, "Paid to date");
    /* The old two-meaning word is gone. */
    assert_null(strstr(t, "Balance"));
    free(t);
  }
  char *t = pdf_text(path, 0);
  assert_has(t, "Monthly statement for November 2026");
  assert_has(t, "Nominated payee: Riverside Surgery (F84001)");
  /* UK time whatever TZ says (issue 20): GMT in December. */
  assert_has(t, "Generated 1 December 2026, 09:30 GMT");
  assert_has(t, "\xc2\xa3"
                "1,234.56"); /* F84003's IIF distribution */
  assert_has(t, "\xc2\xa3"
                "15,000.00"); /* held: core funding received */
  assert_has(t, "\xc2\xa3"
                "12,000.00"); /* ARRS expected */
  assert_has(t, "\xc2\xa3"
                "144,000.00"); /* ARRS budget */
  /* Each practice's table fits a page, so none is broken. */
  assert_null(strstr(t, "(continued)"));
  char b[PCN_PENCE_BUF];
  assert_has(t, pcn_pence_format(st->total.received, 1, b));
  assert_has(t, pcn_pence_format(st->total.distributed, 1, b));
  assert_has(t, pcn_pence_format(st->total.claims_paid, 1, b));
  assert_has(t, pcn_pence_format(st->total.held_start, 1, b));
  assert_has(t, pcn_pence_format(st->total.held_end, 1, b));
  for (size_t p = 0; p < 8; p++)
    assert_has(t, practice_rows[p][0]);
  assert_has(t, "The network: held by the nominated payee, by stream");
  /* The notes: every column's meaning, and the arithmetic. */
  assert_has(t, "What the columns mean");
  for (int c = 0; c < PCN_STATEMENT_COLS; c++) {
    char want[64];
    snprintf(want, sizeof want,
             "%s:", pcn_statement_col_title((pcn_statement_col)c));
    assert_has(t, want);
  }
  assert_has(t, "Every network row adds up");
  free(t);

  /* The first two pages as images, to look at. */
  char cmd[4096];
  snprintf(cmd, sizeof cmd,
           "pdftoppm -png -r 60 -f 1 -l 1 -singlefile '%s' '%s/report-page1' "
           "&& pdftoppm -png -r 60 -f 2 -l 2 -singlefile '%s' "
           "'%s/report-page2' && pdftoppm -png -r 80 -f 1 -l 1 -singlefile "
           "'%s' '%s/report-page1-r80'",
           path, REPORT_OUT_DIR, path, REPORT_OUT_DIR, path, REPORT_OUT_DIR);
  free(run(cmd));

  /* One practice's statement: its table only, the network's totals. */
  snprintf(st->focus_ods, sizeof st->focus_ods, "F84003");
  out_path(path, sizeof path, "report-focus.pdf");
  assert_int_equal(report_statement_pdf(st, path, err, sizeof err), 0);
  t = pdf_text(path, 0);
  assert_has(t, "Prepared for St Mary's Medical Practice (F84003)");
  assert_has(t, "\xc2\xa3"
                "1,234.56");
  assert_has(t, pcn_pence_format(st->total.held_end, 1, b));
  assert_null(strstr(t, "Bow Health Centre (F84002)"));
  free(t);
  pcn_statement_free(st);
}

/* A small network's figures all fit on page one; the notes on what the
 * columns mean follow on page two. */
static void test_small_statement_figures_one_page(void **state) {
  (void)state;
  pcn_statement *st = known_statement(1, 2);
  char path[512], err[256];
  out_path(path, sizeof path, "report-small.pdf");
  assert_int_equal(report_statement_pdf(st, path, err, sizeof err), 0);
  assert_int_equal(pdf_pages(path), 2);
  char *t = pdf_text(path, 1);
  assert_has(t, "Page 1 of 2");
  assert_has(t, "Network total");
  assert_has(t, "Practice total");
  assert_null(strstr(t, "What the columns mean"));
  free(t);
  t = pdf_text(path, 2);
  assert_has(t, "What the columns mean");
  assert_null(strstr(t, "Network total"));
  free(t);
  /* An unwritable path is a sentence, not a crash. */
  assert_int_equal(
      report_statement_pdf(st, "/nonexistent/dir/x.pdf", err, sizeof err), -1);
  assert_non_null(strstr(err, "/nonexistent/dir/x.pdf"));
  pcn_statement_free(st);
}

/* A practice with more streams than a page holds: its table goes on over
 * the page with its caption and column headers repeated. */
static void test_long_table_continues(void **state) {
  (void)state;
  pcn_statement *st = known_statement(2, 60);
  char path[512], err[256];
  out_path(path, sizeof path, "report-long.pdf");
  assert_int_equal(report_statement_pdf(st, path, err, sizeof err), 0);
  int pages = pdf_pages(path);
  assert_true(pages >= 4);
  int continued = 0;
  for (int i = 1; i <= pages; i++) {
    char *t = pdf_text(path, i), want[48];
    snprintf(want, sizeof want, "Page %d of %d", i, pages);
    assert_has(t, want);
    if (strstr(t, "Riverside Surgery (F84001), North (continued)")) {
      continued++;
      assert_has(t, "Stream");
      assert_has(t, "Paid to date");
    }
    free(t);
  }
  assert_true(continued >= 1);
  char cmd[4096];
  snprintf(cmd, sizeof cmd,
           "pdftoppm -png -r 60 -f 3 -l 3 -singlefile '%s' '%s/report-long3'",
           path, REPORT_OUT_DIR);
  free(run(cmd));
  pcn_statement_free(st);
}

/* Splits a CSV line (no quoted commas in our test data except names,
 * which are quoted; handle quotes). */
static size_t csv_fields(char *line, char **f, size_t max) {
  size_t n = 0;
  char *w = line, *r = line;
  while (n < max) {
    f[n++] = w;
    int q = *r == '"';
    if (q) r++;
    for (; *r; r++) {
      if (q && *r == '"') {
        if (r[1] == '"') {
          *w++ = '"';
          r++;
          continue;
        }
        q = 0;
        continue;
      }
      if (!q && *r == ',') break;
      *w++ = *r;
    }
    int more = *r == ',';
    *w++ = 0;
    if (!more) break;
    r++;
  }
  return n;
}

/* The amount in a CSV field, or INT64_MIN when it is empty. */
static int64_t csv_amount(const char *field) {
  if (!*field) return INT64_MIN;
  int64_t v;
  if (pcn_pence_parse(field, &v)) fail_msg("'%s' is not an amount", field);
  return v;
}

/* The CSV names every column once, in the model's order; every row adds
 * up; a practice's total is the sum of its streams, a stream's network
 * row the sum of the practices' rows, the network's total the sum of its
 * streams; a column a row's kind does not use is empty. */
static void test_statement_csv(void **state) {
  (void)state;
  pcn_statement *st = known_statement(8, 9);
  snprintf(st->practices[6].name, sizeof st->practices[6].name,
           "Globe Town Surgery, \"East\"");
  char path[512], err[256];
  out_path(path, sizeof path, "report-statement.csv");
  FILE *f = fopen(path, "wb");
  assert_int_equal(report_statement_csv(st, f, err, sizeof err), 0);
  fclose(f);
  char *csv = slurp(path);
  enum { NF = 7 + PCN_STATEMENT_COLS };
  int64_t psum[PCN_STATEMENT_COLS] = {0}, by_stream[9][2] = {{0}},
          nsum[PCN_STATEMENT_COLS] = {0};
  int practice_rows_seen = 0, practice_totals = 0, network_rows = 0,
      network_totals = 0;
  char *save = NULL;
  int first = 1;
  for (char *line = strtok_r(csv, "\r\n", &save); line;
       line = strtok_r(NULL, "\r\n", &save)) {
    char *fl[NF + 2];
    size_t n = csv_fields(line, fl, NF + 2);
    assert_int_equal(n, NF);
    if (first) {
      assert_string_equal(fl[0], "kind");
      for (int c = 0; c < PCN_STATEMENT_COLS; c++)
        assert_string_equal(fl[7 + c],
                            pcn_statement_col_key((pcn_statement_col)c));
      first = 0;
      continue;
    }
    assert_string_equal(fl[1], "2026-11");
    size_t s = 9;
    for (size_t k = 0; k < 9; k++)
      if (!strcmp(fl[5], stream_names[k][0])) s = k;
    int64_t v[PCN_STATEMENT_COLS];
    for (int c = 0; c < PCN_STATEMENT_COLS; c++)
      v[c] = csv_amount(fl[7 + c]);
    int practice =
        !strcmp(fl[0], "practice") || !strcmp(fl[0], "practice_total");
    for (int c = 0; c < PCN_STATEMENT_COLS; c++) {
      int used = practice
                     ? c == PCN_COL_DISTRIBUTED || c == PCN_COL_CLAIMS_PAID ||
                           c == PCN_COL_PAID || c == PCN_COL_PAID_TO_DATE
                     : c != PCN_COL_PAID && c != PCN_COL_PAID_TO_DATE;
      if (used != (v[c] != INT64_MIN))
        fail_msg("%s row %s %s: column %s is %s", fl[0], fl[2], fl[5],
                 pcn_statement_col_key((pcn_statement_col)c),
                 used ? "empty" : "filled");
    }
    if (practice) {
      assert_int_equal(v[PCN_COL_PAID],
                       v[PCN_COL_DISTRIBUTED] + v[PCN_COL_CLAIMS_PAID]);
    } else {
      assert_int_equal(v[PCN_COL_HELD_START] + v[PCN_COL_RECEIVED] -
                           v[PCN_COL_DISTRIBUTED] - v[PCN_COL_CLAIMS_PAID] -
                           v[PCN_COL_SPENT],
                       v[PCN_COL_HELD_END]);
    }
    if (!strcmp(fl[0], "practice")) {
      practice_rows_seen++;
      assert_true(s < 9);
      if (!strcmp(fl[2], "F84007"))
        assert_string_equal(fl[3], "Globe Town Surgery, \"East\"");
      if (!strcmp(fl[2], "F84003") && s == 3)
        assert_string_equal(fl[7 + PCN_COL_DISTRIBUTED], "1234.56");
      for (int c = 0; c < PCN_STATEMENT_COLS; c++)
        if (v[c] != INT64_MIN) psum[c] += v[c];
      by_stream[s][0] += v[PCN_COL_DISTRIBUTED];
      by_stream[s][1] += v[PCN_COL_CLAIMS_PAID];
    } else if (!strcmp(fl[0], "practice_total")) {
      practice_totals++;
      assert_string_equal(fl[5], "*");
      for (int c = 0; c < PCN_STATEMENT_COLS; c++)
        if (v[c] != INT64_MIN) assert_int_equal(v[c], psum[c]);
      memset(psum, 0, sizeof psum);
    } else if (!strcmp(fl[0], "network")) {
      network_rows++;
      assert_true(s < 9);
      assert_int_equal(v[PCN_COL_DISTRIBUTED], by_stream[s][0]);
      assert_int_equal(v[PCN_COL_CLAIMS_PAID], by_stream[s][1]);
      for (int c = 0; c < PCN_STATEMENT_COLS; c++)
        if (v[c] != INT64_MIN) nsum[c] += v[c];
    } else {
      assert_string_equal(fl[0], "network_total");
      network_totals++;
      assert_string_equal(fl[5], "*");
      for (int c = 0; c < PCN_STATEMENT_COLS; c++)
        if (v[c] != INT64_MIN) assert_int_equal(v[c], nsum[c]);
      assert_int_equal(v[PCN_COL_HELD_END], st->total.held_end);
      assert_int_equal(v[PCN_COL_EXPECTED], 31800 * 100);
    }
  }
  assert_int_equal(practice_rows_seen, 72);
  assert_int_equal(practice_totals, 8);
  assert_int_equal(network_rows, 9);
  assert_int_equal(network_totals, 1);
  free(csv);

  /* No rates set: expected is empty on every row, not 0.00. */
  st->rates_set = 0;
  f = fopen(path, "wb");
  assert_int_equal(report_statement_csv(st, f, err, sizeof err), 0);
  fclose(f);
  csv = slurp(path);
  save = NULL;
  for (char *line = strtok_r(csv, "\r\n", &save); line;
       line = strtok_r(NULL, "\r\n", &save)) {
    char *fl[NF + 2];
    assert_int_equal(csv_fields(line, fl, NF + 2), NF);
    if (strcmp(fl[0], "kind")) assert_string_equal(fl[NF - 1], "");
  }
  free(csv);
  st->rates_set = 1;

  /* A name a spreadsheet would run as a formula stays text. */
  snprintf(st->practices[0].name, sizeof st->practices[0].name,
           "=HYPERLINK(\"x\")");
  f = fopen(path, "wb");
  assert_int_equal(report_statement_csv(st, f, err, sizeof err), 0);
  fclose(f);
  csv = slurp(path);
  assert_non_null(strstr(csv, ",\"'=HYPERLINK(\"\"x\"\")\","));
  free(csv);
  pcn_statement_free(st);
}

static void test_statement_table(void **state) {
  (void)state;
  pcn_statement *st = known_statement(8, 9);
  char path[512], err[256];
  out_path(path, sizeof path, "report-statement.txt");
  FILE *f = fopen(path, "wb");
  assert_int_equal(report_statement_table(st, f, err, sizeof err), 0);
  fclose(f);
  char *t = slurp(path), b[PCN_PENCE_BUF];
  assert_has(t, "monthly statement for November 2026");
  assert_has(t, "F84003  St Mary's Medical Practice, North");
  assert_has(t, "1,234.56");
  assert_has(t, pcn_pence_format(st->total.held_end, 1, b));
  assert_has(t, "Network total");
  assert_has(t, "HELD AT START");
  assert_has(t, "PAID TO DATE");
  assert_has(t, "EXPECTED");
  assert_has(t, "Columns:");
  assert_has(t, "  Held at end: ");
  assert_null(strstr(t, "BALANCE"));
  free(t);
  /* A network that has not recorded its payee gets a statement that says
   * so, not one that names a practice. */
  st->payee_ods[0] = 0;
  f = fopen(path, "wb");
  assert_int_equal(report_statement_table(st, f, err, sizeof err), 0);
  fclose(f);
  t = slurp(path);
  assert_has(t, "Nominated payee: not recorded.");
  assert_has(t, "Held by the nominated payee for the network");
  free(t);
  /* No rates set: no Expected column, and a sentence saying why. */
  st->rates_set = 0;
  f = fopen(path, "wb");
  assert_int_equal(report_statement_table(st, f, err, sizeof err), 0);
  fclose(f);
  t = slurp(path);
  assert_null(strstr(t, "EXPECTED"));
  assert_has(t, "Expected income is not shown: no income rates are set");
  free(t);
  out_path(path, sizeof path, "report-no-payee.pdf");
  assert_int_equal(report_statement_pdf(st, path, err, sizeof err), 0);
  pcn_statement_free(st);
}

static size_t non_white(cairo_surface_t *img, int x0, int y0, int x1, int y1) {
  cairo_surface_flush(img);
  unsigned char *data = cairo_image_surface_get_data(img);
  int stride = cairo_image_surface_get_stride(img);
  size_t n = 0;
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++) {
      uint32_t px = *(uint32_t *)(data + y * stride + x * 4);
      if ((px & 0xffffff) != 0xffffff) n++;
    }
  return n;
}

static void test_chart_not_blank(void **state) {
  (void)state;
  pcn_statement *st = known_statement(8, 9);
  cairo_surface_t *img =
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, 640, 360);
  cairo_t *cr = cairo_create(img);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  report_draw_statement_chart(cr, st, 640, 360);
  /* The bars' area: right of the axis labels, above the legend. */
  size_t inked = non_white(img, 80, 40, 620, 240);
  assert_true(inked > 20000);
  char path[512];
  out_path(path, sizeof path, "report-chart.png");
  assert_int_equal(cairo_surface_write_to_png(img, path), CAIRO_STATUS_SUCCESS);

  /* Nothing distributed: a sentence instead of bars. */
  for (size_t i = 0; i < 8 * 9; i++)
    st->cells[i].distributed = 0;
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  report_draw_statement_chart(cr, st, 640, 360);
  assert_true(non_white(img, 80, 40, 620, 240) < inked / 4);
  /* Too small to draw: nothing, and no crash. */
  report_draw_statement_chart(cr, st, 10, 10);
  cairo_destroy(cr);
  cairo_surface_destroy(img);
  pcn_statement_free(st);
}

/* A chart alone on a w x h PDF page (the equity chart when st is NULL);
 * the text it shows (pdftotext), to free. */
static char *chart_text(const pcn_statement *st, const pcn_equity *eq, double w,
                        double h, const char *name) {
  char path[512];
  out_path(path, sizeof path, name);
  cairo_surface_t *pdf = cairo_pdf_surface_create(path, w, h);
  cairo_t *cr = cairo_create(pdf);
  if (st)
    report_draw_statement_chart(cr, st, w, h);
  else
    report_draw_equity_chart(cr, eq, 0, w, h);
  cairo_destroy(cr);
  cairo_surface_finish(pdf);
  assert_int_equal(cairo_surface_status(pdf), CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy(pdf);
  return pdf_text(path, 0);
}

static pcn_equity *known_equity(void);

/* Issue 19: a practice's bars are labelled by its name when it fits (cut
 * with "…", keeping 8 characters, no two alike), else by its code with a
 * key under the legend naming each code's practice. */
static void test_chart_labels(void **state) {
  (void)state;
  /* Four practices across an A4 page's width: the names. */
  pcn_statement *st = known_statement(4, 2);
  char *t = chart_text(st, NULL, 499, 300, "report-chart-names.pdf");
  assert_has(t, "Riverside Surgery");
  assert_has(t, "Bow Health Centre");
  assert_has(t, "Mile End Road Surgery");
  assert_null(strstr(t, "F8400"));
  free(t);
  /* The same in a chart 200 points wide: the codes and a key. */
  t = chart_text(st, NULL, 200, 300, "report-chart-key.pdf");
  assert_has(t, "F84001");
  assert_has(t, "F84003 St Mary");
  free(t);
  pcn_statement_free(st);

  /* Eight practices' equity across the page: names, cut where need be;
   * in a narrow chart, codes with the key. */
  pcn_equity *eq = known_equity();
  t = chart_text(NULL, eq, 499, 280, "report-equity-names.pdf");
  assert_has(t, "Riverside\xe2\x80\xa6");
  assert_has(t, "Island Hea");
  assert_null(strstr(t, "F8400"));
  free(t);
  t = chart_text(NULL, eq, 240, 280, "report-equity-key.pdf");
  assert_has(t, "F84006 Island Health");
  free(t);
  pcn_equity_free(eq);
}

/* A large network (40 practices: the labels turn) with a correction that
 * took money back from one practice (a bar below the axis). */
static void test_chart_many_practices(void **state) {
  (void)state;
  pcn_statement *st = pcn_statement_new(40, 3);
  assert_non_null(st);
  snprintf(st->network, sizeof st->network, "A Large Network");
  snprintf(st->month, sizeof st->month, "2026-11");
  for (size_t p = 0; p < 40; p++) {
    snprintf(st->practices[p].ods, sizeof st->practices[p].ods, "Y%05zu",
             p + 1);
    snprintf(st->practices[p].name, sizeof st->practices[p].name,
             "Practice %zu", p + 1);
    for (size_t s = 0; s < 3; s++) {
      pcn_statement_figures *f = pcn_statement_cell(st, p, s);
      f->distributed = 100000 + (int64_t)(p * 5000 + s * 20000);
    }
  }
  for (size_t s = 0; s < 3; s++)
    snprintf(st->streams[s].name, sizeof st->streams[s].name, "Stream %zu",
             s + 1);
  pcn_statement_cell(st, 7, 1)->distributed = -250000;
  for (size_t s = 0; s < 3; s++) {
    for (size_t p = 0; p < 40; p++)
      st->held[s].distributed += pcn_statement_cell(st, p, s)->distributed;
    st->held[s].received = st->held[s].distributed;
  }
  snprintf(st->payee_ods, sizeof st->payee_ods, "Y00001");
  pcn_statement_fill_totals(st);
  char err[256];
  assert_int_equal(pcn_statement_check(st, err, sizeof err), 0);
  cairo_surface_t *img =
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, 640, 360);
  cairo_t *cr = cairo_create(img);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  report_draw_statement_chart(cr, st, 640, 360);
  assert_true(non_white(img, 80, 40, 620, 240) > 20000);
  char path[512];
  /* Too many for names: codes, with the key. */
  char *t = chart_text(st, NULL, 640, 360, "report-chart-many.pdf");
  assert_has(t, "Y00040");
  assert_has(t, "Y00001 Practice 1");
  free(t);
  out_path(path, sizeof path, "report-chart-many.png");
  assert_int_equal(cairo_surface_write_to_png(img, path), CAIRO_STATUS_SUCCESS);
  cairo_destroy(cr);
  cairo_surface_destroy(img);
  out_path(path, sizeof path, "report-many.pdf");
  assert_int_equal(report_statement_pdf(st, path, err, sizeof err), 0);
  assert_true(pdf_pages(path) >= 5); /* 40 short tables, 7 a page */
  pcn_statement_free(st);
}

static pcn_equity *known_equity(void) {
  static const int64_t sessions[8] = {80, 60, 40, 40, 50, 50, 40, 40};
  static const int64_t lists[8] = {10000, 12000, 8000, 6000,
                                   9000,  11000, 7000, 5000};
  pcn_equity *eq = pcn_equity_new(8);
  assert_non_null(eq);
  snprintf(eq->network, sizeof eq->network, "Tower Hamlets Central PCN");
  snprintf(eq->from, sizeof eq->from, "2026-09-01");
  snprintf(eq->to, sizeof eq->to, "2026-11-30");
  eq->generated_ms = GENERATED_MS;
  for (size_t p = 0; p < 8; p++) {
    pcn_equity_practice *e = &eq->practices[p];
    snprintf(e->practice.ods, sizeof e->practice.ods, "%s",
             practice_rows[p][0]);
    snprintf(e->practice.name, sizeof e->practice.name, "%s",
             practice_rows[p][1]);
    snprintf(e->practice.locality, sizeof e->practice.locality, "%s",
             practice_rows[p][2]);
    e->sessions = sessions[p];
    e->list_size = lists[p];
    e->distributed = lists[p] * 150 + (int64_t)p * 12345;
  }
  return eq;
}

static void test_equity(void **state) {
  (void)state;
  pcn_equity *eq = known_equity();
  pcn_equity_row rows[8], loc[8];
  size_t nl = 0;
  assert_int_equal(pcn_equity_shares(eq, rows, loc, &nl), 0);
  assert_int_equal(nl, 3); /* North, South, and F84007's none */
  assert_string_equal(loc[0].key, "North");
  assert_string_equal(loc[2].key, "No locality");
  int64_t s[3] = {0}, ls[3] = {0};
  for (size_t i = 0; i < 8; i++) {
    s[0] += rows[i].sessions_bp;
    s[1] += rows[i].money_bp;
    s[2] += rows[i].list_bp;
    assert_int_equal(rows[i].sessions_dev_bp,
                     rows[i].sessions_bp - rows[i].list_bp);
  }
  for (size_t i = 0; i < nl; i++) {
    ls[0] += loc[i].sessions_bp;
    ls[1] += loc[i].money_bp;
    ls[2] += loc[i].list_bp;
  }
  for (int k = 0; k < 3; k++) {
    assert_int_equal(s[k], 10000);
    assert_int_equal(ls[k], 10000);
  }
  assert_int_equal(rows[0].sessions_bp, 2000); /* 80 of 400 */
  assert_int_equal(loc[0].sessions, 180);
  assert_int_equal(loc[0].sessions_bp, 4500);
  assert_int_equal(loc[0].list_bp, 4412); /* 30,000 of 68,000 = 44.117 */

  char path[512], err[256];
  out_path(path, sizeof path, "report-equity.pdf");
  assert_int_equal(report_equity_pdf(eq, path, err, sizeof err), 0);
  int pages = pdf_pages(path);
  assert_true(pages >= 1);
  char *t = pdf_text(path, 0), want[48];
  snprintf(want, sizeof want, "Page %d of %d", pages, pages);
  assert_has(t, want);
  assert_has(t, "Equity report, 2026-09-01 to 2026-11-30");
  assert_has(t, "20.00%");
  assert_has(t, "45.00%");
  assert_has(t, "Localities");
  free(t);
  char cmd[4096];
  snprintf(cmd, sizeof cmd,
           "pdftoppm -png -r 60 -f 1 -l 1 -singlefile '%s' '%s/report-equity1'",
           path, REPORT_OUT_DIR);
  free(run(cmd));

  out_path(path, sizeof path, "report-equity.txt");
  FILE *f = fopen(path, "wb");
  assert_int_equal(report_equity_table(eq, f, err, sizeof err), 0);
  fclose(f);
  t = slurp(path);
  assert_has(t, "F84001 Riverside Surgery");
  assert_has(t, "20.00%");
  assert_has(t, "North");
  free(t);

  cairo_surface_t *img =
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, 640, 360);
  cairo_t *cr = cairo_create(img);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  report_draw_equity_chart(cr, eq, 0, 640, 360);
  assert_true(non_white(img, 80, 40, 620, 240) > 8000);
  out_path(path, sizeof path, "report-equity-chart.png");
  assert_int_equal(cairo_surface_write_to_png(img, path), CAIRO_STATUS_SUCCESS);
  cairo_destroy(cr);
  cairo_surface_destroy(img);

  snprintf(eq->to, sizeof eq->to, "2026-08-01");
  assert_int_equal(report_equity_pdf(eq, path, err, sizeof err), -1);
  assert_non_null(strstr(err, "not a period"));
  snprintf(eq->to, sizeof eq->to, "2026-11-30");
  eq->practices[3].sessions = -1;
  assert_int_equal(pcn_equity_check(eq, err, sizeof err), -1);
  assert_non_null(strstr(err, "F84004"));
  pcn_equity_free(eq);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_columns),
      cmocka_unit_test(test_totals_and_check),
      cmocka_unit_test(test_statement_pdf),
      cmocka_unit_test(test_small_statement_figures_one_page),
      cmocka_unit_test(test_long_table_continues),
      cmocka_unit_test(test_statement_csv),
      cmocka_unit_test(test_statement_table),
      cmocka_unit_test(test_chart_not_blank),
      cmocka_unit_test(test_chart_many_practices),
      cmocka_unit_test(test_chart_labels),
      cmocka_unit_test(test_equity),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  /* Cairo's and fontconfig's caches live until exit by design; empty them
   * so LeakSanitizer sees only what we leak. */
  cairo_debug_reset_static_data();
  FcFini();
  return rc;
}
