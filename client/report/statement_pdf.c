/* statement_pdf.c - the monthly statement as an A4 PDF a practice manager
 * can file. Page one: the header, the network's table (a row per stream
 * and its total: what the nominated payee held, received, paid out and
 * holds, to the penny), and the chart of distributions; then the budget,
 * when given; then one table per practice, flowing over as many pages as
 * it takes; last, what every column means. The rows and columns are the
 * model's (statement_model.c), the same as the CSV, the terminal table
 * and pcn-desktop show.
 */
#include "report_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"

#define CHART_H 300.0
#define R (RP_PAGE_W - RP_MARGIN) /* right edge of the last column */
#define AMT_W 58.0                /* a figure column's width (7 columns) */
#define AMT_W_FEW 84.0            /* when there are 4 or fewer */

static const rp_col budget_cols[] = {
    {"Stream", RP_MARGIN + 4, 200, RP_LEFT},
    {"Budget for the year", R - 220, 0, RP_RIGHT},
    {"Actual to date", R - 110, 0, RP_RIGHT},
    {"Remaining", R - 4, 0, RP_RIGHT},
};

typedef char money_buf[PCN_PENCE_BUF];

/* The columns of a table of this kind of row: the stream, then the
 * model's figures, right-aligned from the right edge. */
static size_t table_cols(const pcn_statement *st, pcn_statement_row_kind k,
                         rp_col out[PCN_STATEMENT_COLS + 1]) {
  size_t nc;
  const pcn_statement_col *cs = pcn_statement_cols(st, k, &nc);
  double w = nc <= 4 ? AMT_W_FEW : AMT_W;
  double first = R - 4 - (double)nc * w;
  out[0] = (rp_col){"Stream", RP_MARGIN + 4, first - RP_MARGIN - 8, RP_LEFT};
  for (size_t i = 0; i < nc; i++)
    out[i + 1] = (rp_col){pcn_statement_col_title(cs[i]),
                          R - 4 - (double)(nc - 1 - i) * w, 0, RP_RIGHT};
  return nc + 1;
}

static void figures_row(rp_doc *d, const pcn_statement *st,
                        const pcn_statement_row *r) {
  size_t nc;
  const pcn_statement_col *cs = pcn_statement_cols(st, r->kind, &nc);
  money_buf b[PCN_STATEMENT_COLS];
  const char *cells[PCN_STATEMENT_COLS + 1];
  int total = !r->stream;
  cells[0] = !total                             ? r->stream->name
             : r->kind == PCN_ROW_NETWORK_TOTAL ? "Network total"
                                                : "Practice total";
  for (size_t i = 0; i < nc; i++)
    cells[i + 1] = pcn_pence_format(pcn_statement_value(&r->f, cs[i]), 1, b[i]);
  rp_table_row(d, cells, total);
}

/* A paragraph wrapped to the page's width. */
static void wrapped(rp_doc *d, double size, int grey, const char *text) {
  char line[512];
  size_t len = 0;
  const char *w = text;
  rp_font(d->cr, size, 0);
  while (*w) {
    const char *e = w;
    while (*e && *e != ' ')
      e++;
    char trial[512];
    snprintf(trial, sizeof trial, "%.*s%s%.*s", (int)len, line, len ? " " : "",
             (int)(e - w), w);
    rp_font(d->cr, size, 0);
    if (len && rp_text_width(d->cr, trial) > RP_PAGE_W - 2 * RP_MARGIN) {
      rp_para(d, size, grey, line);
      snprintf(line, sizeof line, "%.*s", (int)(e - w), w);
    } else {
      snprintf(line, sizeof line, "%s", trial);
    }
    len = strlen(line);
    w = *e ? e + 1 : e;
  }
  if (len) rp_para(d, size, grey, line);
}

static void header(rp_doc *d, const pcn_statement *st) {
  cairo_t *cr = d->cr;
  char mw[32], gen[64], line[256];
  const pcn_report_practice *payee = rp_practice(st, st->payee_ods);
  /* A band of colour across the top, the network's name on it. */
  cairo_set_source_rgb(cr, 0.00, 0.37, 0.58);
  cairo_rectangle(cr, 0, 0, RP_PAGE_W, 8);
  cairo_fill(cr);
  rp_font(cr, 9, 1);
  rp_grey(cr);
  rp_text(cr, RP_MARGIN, d->y + 8, RP_LEFT, 0, "MONTHLY STATEMENT");
  rp_font(cr, 20, 1);
  rp_ink(cr);
  rp_text(cr, RP_MARGIN, d->y + 32, RP_LEFT, RP_PAGE_W - 2 * RP_MARGIN,
          st->network);
  rp_font(cr, 13, 0);
  snprintf(line, sizeof line, "Monthly statement for %s",
           rp_month_words(st->month, mw, sizeof mw));
  rp_text(cr, RP_MARGIN, d->y + 52, RP_LEFT, 0, line);
  d->y += 64;
  if (payee)
    snprintf(line, sizeof line, "Nominated payee: %s (%s)", payee->name,
             payee->ods);
  else
    snprintf(line, sizeof line, "Nominated payee: not recorded");
  rp_para(d, 9.5, 0, line);
  snprintf(line, sizeof line,
           "Generated %s by PCN Hub. All amounts in "
           "pounds sterling.",
           rp_time_words(st->generated_ms, gen, sizeof gen));
  rp_para(d, 9.5, 1, line);
  if (st->focus_ods[0]) {
    const pcn_report_practice *f = rp_practice(st, st->focus_ods);
    snprintf(line, sizeof line,
             "Prepared for %s (%s); the totals and the "
             "chart are the whole network's.",
             f->name, f->ods);
    rp_para(d, 9.5, 1, line);
  }
  d->y += 4;
}

/* The network's table: a row per stream and the network's total. */
static void network(rp_doc *d, const pcn_statement *st,
                    const pcn_statement_row *rows, size_t nr) {
  rp_col cols[PCN_STATEMENT_COLS + 1];
  size_t ncols = table_cols(st, PCN_ROW_NETWORK, cols);
  int n = 0;
  for (size_t i = 0; i < nr; i++)
    n += rows[i].kind == PCN_ROW_NETWORK ||
         rows[i].kind == PCN_ROW_NETWORK_TOTAL;
  rp_table_begin(d, "The network: held by the nominated payee, by stream", cols,
                 ncols, n);
  for (size_t i = 0; i < nr; i++)
    if (rows[i].kind == PCN_ROW_NETWORK ||
        rows[i].kind == PCN_ROW_NETWORK_TOTAL)
      figures_row(d, st, &rows[i]);
  rp_table_end(d);
  /* The figure that must match the payee's bank, set apart in bold. */
  char line[256], b[PCN_PENCE_BUF], mw[32];
  snprintf(line, sizeof line,
           "Held by the nominated payee for the network "
           "at the end of %s: %s",
           rp_month_words(st->month, mw, sizeof mw),
           pcn_pence_format(st->total.held_end, 1, b));
  rp_need(d, 16);
  rp_font(d->cr, 9.5, 1);
  rp_ink(d->cr);
  rp_text(d->cr, RP_MARGIN, d->y + 9.5, RP_LEFT, RP_PAGE_W - 2 * RP_MARGIN,
          line);
  d->y += 16;
  wrapped(d, 8.5, 1, pcn_statement_expected_note(st));
}

static void chart(rp_doc *d, const pcn_statement *st) {
  rp_need(d, CHART_H + 16);
  d->y += 10;
  cairo_save(d->cr);
  cairo_translate(d->cr, RP_MARGIN, d->y);
  report_draw_statement_chart(d->cr, st, RP_PAGE_W - 2 * RP_MARGIN, CHART_H);
  cairo_restore(d->cr);
  d->y += CHART_H + 6;
}

static void budget(rp_doc *d, const pcn_statement *st) {
  int any = 0;
  for (size_t s = 0; s < st->n_streams; s++)
    any |= st->streams[s].has_budget;
  if (!any) return;
  int rows = 0;
  for (size_t s = 0; s < st->n_streams; s++)
    rows += st->streams[s].has_budget;
  rp_table_begin(d, "Budget for the financial year (April to March)",
                 budget_cols, 4, rows);
  for (size_t s = 0; s < st->n_streams; s++) {
    const pcn_report_stream *r = &st->streams[s];
    if (!r->has_budget) continue;
    money_buf b[3];
    const char *cells[4] = {
        r->name, pcn_pence_format(r->budget, 1, b[0]),
        pcn_pence_format(r->actual_ytd, 1, b[1]),
        pcn_pence_format(r->budget - r->actual_ytd, 1, b[2])};
    rp_table_row(d, cells, 0);
  }
  rp_table_end(d);
}

static void practices(rp_doc *d, const pcn_statement *st,
                      const pcn_statement_row *rows, size_t nr) {
  double first = RP_TABLE_H((double)st->n_streams + 1);
  rp_col cols[PCN_STATEMENT_COLS + 1];
  size_t ncols = table_cols(st, PCN_ROW_PRACTICE, cols);
  int heading = 0;
  for (size_t i = 0; i < nr; i++) {
    const pcn_statement_row *r = &rows[i];
    if (r->kind != PCN_ROW_PRACTICE && r->kind != PCN_ROW_PRACTICE_TOTAL)
      continue;
    if (!heading++) rp_heading(d, "Practices", first < 300 ? first : 100);
    if (r->kind == PCN_ROW_PRACTICE &&
        (i == 0 || rows[i - 1].practice != r->practice)) {
      const pcn_report_practice *pr = r->practice;
      char cap[256];
      snprintf(cap, sizeof cap, "%s (%s)%s%s", pr->name, pr->ods,
               pr->locality[0] ? ", " : "", pr->locality);
      rp_table_begin(d, cap, cols, ncols, (int)st->n_streams + 1);
    }
    figures_row(d, st, r);
    if (r->kind == PCN_ROW_PRACTICE_TOTAL) rp_table_end(d);
  }
}

/* What every column means: the PDF's notes. */
static void notes(rp_doc *d, const pcn_statement *st) {
  rp_heading(d, "What the columns mean", 60);
  for (int c = 0; c < PCN_STATEMENT_COLS; c++) {
    if (c == PCN_COL_EXPECTED && !st->rates_set) continue;
    char line[512];
    snprintf(line, sizeof line, "%s: %s.",
             pcn_statement_col_title((pcn_statement_col)c),
             pcn_statement_col_meaning((pcn_statement_col)c));
    wrapped(d, 8.5, 0, line);
  }
  wrapped(d, 8.5, 0, pcn_statement_expected_note(st));
  wrapped(d, 8.5, 1,
          "Every network row adds up: held at start + received - "
          "distributed - claims paid - spent = held at end. A stream's "
          "distributed and claims paid on the network's row are the sums of "
          "the practices' rows.");
}

typedef struct pdf_ctx {
  const pcn_statement *st;
  const pcn_statement_row *rows;
  size_t nr;
} pdf_ctx;

static void body(rp_doc *d, const void *ud) {
  const pdf_ctx *x = ud;
  header(d, x->st);
  network(d, x->st, x->rows, x->nr);
  chart(d, x->st);
  budget(d, x->st);
  practices(d, x->st, x->rows, x->nr);
  notes(d, x->st);
}

int report_statement_pdf(const pcn_statement *st, const char *path, char *err,
                         size_t n) {
  if (pcn_statement_check(st, err, n)) return -1;
  pdf_ctx x = {st, NULL, 0};
  pcn_statement_row *rows = pcn_statement_rows(st, &x.nr);
  if (!rows) {
    rp_err(err, n, "Out of memory.");
    return -1;
  }
  x.rows = rows;
  char foot[160];
  snprintf(foot, sizeof foot, "%s \xc2\xb7 Monthly statement %s", st->network,
           st->month);
  int rc = rp_pdf(path, foot, body, &x, err, n);
  free(rows);
  return rc;
}
