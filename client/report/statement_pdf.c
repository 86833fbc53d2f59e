/* statement_pdf.c - the monthly statement as an A4 PDF a practice manager
 * can file. Page one: the header, the network's totals by stream (what
 * the nominated payee holds, to the penny), and the chart of
 * distributions; then the budget, when given; then one table per practice
 * (a stream a row), flowing over as many pages as it takes.
 */
#include "report_priv.h"

#include <stdio.h>
#include <string.h>

#include "money.h"

#define CHART_H 300.0
#define R (RP_PAGE_W - RP_MARGIN) /* right edge of the last column */

/* Stream | Received | Distributed | Claimed | Balance carried. */
static const rp_col figure_cols[] = {
    {"Stream", RP_MARGIN + 4, 170, RP_LEFT}, {"Received", R - 300, 0, RP_RIGHT},
    {"Distributed", R - 200, 0, RP_RIGHT},   {"Claimed", R - 100, 0, RP_RIGHT},
    {"Balance carried", R - 4, 0, RP_RIGHT},
};
/* The totals table adds what the year's rates lead us to expect. */
static const rp_col total_cols[] = {
    {"Stream", RP_MARGIN + 4, 140, RP_LEFT},
    {"Expected", R - 345, 0, RP_RIGHT},
    {"Received", R - 260, 0, RP_RIGHT},
    {"Distributed", R - 175, 0, RP_RIGHT},
    {"Claimed", R - 90, 0, RP_RIGHT},
    {"Balance carried", R - 4, 0, RP_RIGHT},
};
static const rp_col budget_cols[] = {
    {"Stream", RP_MARGIN + 4, 200, RP_LEFT},
    {"Budget for the year", R - 220, 0, RP_RIGHT},
    {"Actual to date", R - 110, 0, RP_RIGHT},
    {"Remaining", R - 4, 0, RP_RIGHT},
};

typedef char money_buf[PCN_PENCE_BUF];

static void figures_row(rp_doc *d, const char *name,
                        const pcn_statement_figures *f, int bold) {
  money_buf b[4];
  const char *cells[5] = {name, pcn_pence_format(f->received, 1, b[0]),
                          pcn_pence_format(f->distributed, 1, b[1]),
                          pcn_pence_format(f->claimed, 1, b[2]),
                          pcn_pence_format(f->balance, 1, b[3])};
  rp_table_row(d, cells, bold);
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

static void totals(rp_doc *d, const pcn_statement *st) {
  int expected = 0;
  for (size_t s = 0; s < st->n_streams; s++)
    expected |= st->streams[s].has_expected;
  if (!expected) {
    rp_table_begin(d, "Network totals for the month", figure_cols, 5,
                   (int)st->n_streams + 1);
    for (size_t s = 0; s < st->n_streams; s++)
      figures_row(d, st->streams[s].name, &st->stream_totals[s], 0);
    figures_row(d, "Network total", &st->total, 1);
  } else {
    rp_table_begin(d, "Network totals for the month", total_cols, 6,
                   (int)st->n_streams + 1);
    int64_t sum_expected = 0;
    for (size_t s = 0; s < st->n_streams + 1; s++) {
      int last = s == st->n_streams;
      const pcn_statement_figures *f =
          last ? &st->total : &st->stream_totals[s];
      money_buf b[5];
      const char *e = "\xe2\x80\x94"; /* a dash: no rate for the stream */
      if (last) {
        e = pcn_pence_format(sum_expected, 1, b[0]);
      } else if (st->streams[s].has_expected) {
        e = pcn_pence_format(st->streams[s].expected, 1, b[0]);
        sum_expected += st->streams[s].expected;
      }
      const char *cells[6] = {last ? "Network total" : st->streams[s].name,
                              e,
                              pcn_pence_format(f->received, 1, b[1]),
                              pcn_pence_format(f->distributed, 1, b[2]),
                              pcn_pence_format(f->claimed, 1, b[3]),
                              pcn_pence_format(f->balance, 1, b[4])};
      rp_table_row(d, cells, last);
    }
  }
  rp_table_end(d);
  /* The figure that must match the payee's bank, set apart in bold. */
  char line[256], b[PCN_PENCE_BUF], mw[32];
  snprintf(line, sizeof line,
           "Held by the nominated payee for the network "
           "at the end of %s: %s",
           rp_month_words(st->month, mw, sizeof mw),
           pcn_pence_format(st->total.balance, 1, b));
  rp_need(d, 16);
  rp_font(d->cr, 9.5, 1);
  rp_ink(d->cr);
  rp_text(d->cr, RP_MARGIN, d->y + 9.5, RP_LEFT, RP_PAGE_W - 2 * RP_MARGIN,
          line);
  d->y += 16;
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

static void practices(rp_doc *d, const pcn_statement *st) {
  double first = RP_TABLE_H((double)st->n_streams + 1);
  rp_heading(d, "Practices", first < 300 ? first : 100);
  for (size_t p = 0; p < st->n_practices; p++) {
    const pcn_report_practice *pr = &st->practices[p];
    if (st->focus_ods[0] && strcmp(st->focus_ods, pr->ods)) continue;
    char cap[256];
    snprintf(cap, sizeof cap, "%s (%s)%s%s", pr->name, pr->ods,
             pr->locality[0] ? ", " : "", pr->locality);
    rp_table_begin(d, cap, figure_cols, 5, (int)st->n_streams + 1);
    pcn_statement_figures sum = {0};
    for (size_t s = 0; s < st->n_streams; s++) {
      const pcn_statement_figures *f = &st->cells[p * st->n_streams + s];
      figures_row(d, st->streams[s].name, f, 0);
      sum.received += f->received;
      sum.distributed += f->distributed;
      sum.claimed += f->claimed;
      sum.balance += f->balance;
    }
    figures_row(d, "Practice total", &sum, 1);
    rp_table_end(d);
  }
  int any = 0;
  for (size_t s = 0; s < st->n_streams; s++)
    any |= rp_held_shown(st, s);
  if (!any || st->focus_ods[0]) return;
  rp_table_begin(d, "Held for the network (not on a practice's behalf)",
                 figure_cols, 5, (int)st->n_streams);
  for (size_t s = 0; s < st->n_streams; s++)
    if (rp_held_shown(st, s))
      figures_row(d, st->streams[s].name, &st->held[s], 0);
  rp_table_end(d);
}

static void body(rp_doc *d, const void *ud) {
  const pcn_statement *st = ud;
  header(d, st);
  totals(d, st);
  chart(d, st);
  budget(d, st);
  practices(d, st);
}

int report_statement_pdf(const pcn_statement *st, const char *path, char *err,
                         size_t n) {
  if (pcn_statement_check(st, err, n)) return -1;
  char foot[160];
  snprintf(foot, sizeof foot, "%s \xc2\xb7 Monthly statement %s", st->network,
           st->month);
  return rp_pdf(path, foot, body, st, err, n);
}
