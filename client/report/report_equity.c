/* report_equity.c - the shared-staff equity report: for a period, each
 * practice's and each locality's share of delivered sessions and of
 * distributed money beside its share of the network's list size, with
 * the deviation; as a terminal table and an A4 PDF with charts.
 *
 * Shares are integers in basis points (hundredths of a percent) split by
 * pcn_split, so each column adds up to exactly 100.00%: a reader who adds
 * the column gets what the report says.
 */
#include "report_priv.h"

#include <stdlib.h>
#include <string.h>

#include "money.h"

#define NO_LOCALITY "No locality"

pcn_equity *pcn_equity_new(size_t np) {
  if (np > PCN_REPORT_MAX_PRACTICES) return NULL;
  pcn_equity *eq = calloc(1, sizeof *eq);
  if (!eq) return NULL;
  eq->n_practices = np;
  eq->practices = calloc(np ? np : 1, sizeof *eq->practices);
  if (!eq->practices) {
    free(eq);
    return NULL;
  }
  return eq;
}

void pcn_equity_free(pcn_equity *eq) {
  if (!eq) return;
  free(eq->practices);
  free(eq);
}

int pcn_equity_check(const pcn_equity *eq, char *err, size_t n) {
  if (eq->n_practices > PCN_REPORT_MAX_PRACTICES) {
    rp_err(err, n, "An equity report holds at most %d practices.",
           PCN_REPORT_MAX_PRACTICES);
    return -1;
  }
  int ok =
      TERMINATED(eq->network) && TERMINATED(eq->from) && TERMINATED(eq->to);
  for (size_t p = 0; ok && p < eq->n_practices; p++)
    ok = rp_practice_terminated(&eq->practices[p].practice);
  if (!ok) {
    rp_err(err, n,
           "A name in the equity report is not terminated; fill the "
           "strings with snprintf.");
    return -1;
  }
  if (!rp_date_valid(eq->from) || !rp_date_valid(eq->to) ||
      strcmp(eq->from, eq->to) > 0) {
    rp_err(err, n,
           "The period %s to %s is not a period; give two dates "
           "YYYY-MM-DD, the first not after the second.",
           eq->from, eq->to);
    return -1;
  }
  for (size_t p = 0; p < eq->n_practices; p++) {
    const pcn_equity_practice *e = &eq->practices[p];
    if (!e->practice.ods[0]) {
      rp_err(err, n, "Practice %zu has no ODS code.", p + 1);
      return -1;
    }
    /* Counts below 2^40 keep every sum far below pcn_split's limit. */
    const int64_t lim = (int64_t)1 << 40;
    if (e->sessions < 0 || e->sessions > lim || e->distributed < -lim ||
        e->distributed > PCN_PENCE_MAX || e->list_size < 0 ||
        e->list_size > lim) {
      rp_err(err, n,
             "The figures of %s are out of range: sessions and list "
             "sizes are counts, money at most the largest amount handled.",
             e->practice.ods);
      return -1;
    }
  }
  return 0;
}

/* Splits 10000 basis points over the rows in proportion to the chosen
 * count (negative money counts as none: a share cannot be negative). */
static void shares(pcn_equity_row *r, size_t n, int which) {
  int64_t w[PCN_REPORT_MAX_PRACTICES], parts[PCN_REPORT_MAX_PRACTICES];
  int any = 0;
  for (size_t i = 0; i < n; i++) {
    int64_t v = which == 0   ? r[i].sessions
                : which == 1 ? r[i].distributed
                             : r[i].list_size;
    w[i] = v > 0 ? v : 0;
    any |= w[i] > 0;
  }
  if (!n || !any || pcn_split(10000, w, n, parts))
    memset(parts, 0, sizeof parts);
  for (size_t i = 0; i < n; i++) {
    if (which == 0) r[i].sessions_bp = parts[i];
    if (which == 1) r[i].money_bp = parts[i];
    if (which == 2) r[i].list_bp = parts[i];
  }
}

static void finish(pcn_equity_row *r, size_t n) {
  for (int k = 0; k < 3; k++)
    shares(r, n, k);
  for (size_t i = 0; i < n; i++) {
    r[i].sessions_dev_bp = r[i].sessions_bp - r[i].list_bp;
    r[i].money_dev_bp = r[i].money_bp - r[i].list_bp;
  }
}

int pcn_equity_shares(const pcn_equity *eq, pcn_equity_row *rows,
                      pcn_equity_row *loc, size_t *n_loc) {
  if (pcn_equity_check(eq, NULL, 0)) return -1;
  size_t n = eq->n_practices, nl = 0;
  for (size_t p = 0; p < n; p++) {
    const pcn_equity_practice *e = &eq->practices[p];
    memset(&rows[p], 0, sizeof rows[p]);
    snprintf(rows[p].key, sizeof rows[p].key, "%s", e->practice.ods);
    snprintf(rows[p].name, sizeof rows[p].name, "%s", e->practice.name);
    rows[p].sessions = e->sessions;
    rows[p].distributed = e->distributed;
    rows[p].list_size = e->list_size;
    if (!loc) continue;
    const char *l =
        e->practice.locality[0] ? e->practice.locality : NO_LOCALITY;
    size_t i = 0;
    while (i < nl && strcmp(loc[i].key, l))
      i++;
    if (i == nl) {
      memset(&loc[nl], 0, sizeof loc[nl]);
      snprintf(loc[nl].key, sizeof loc[nl].key, "%s", l);
      nl++;
    }
    loc[i].sessions += e->sessions;
    loc[i].distributed += e->distributed;
    loc[i].list_size += e->list_size;
  }
  finish(rows, n);
  if (loc) {
    finish(loc, nl);
    *n_loc = nl;
  }
  return 0;
}

/* ---- Terminal table */

static void tab_rows(FILE *out, const pcn_equity_row *r, size_t n,
                     const char *first) {
  rp_pad(out, first, 30, 0);
  const char *h[7] = {"SESSIONS", "SHARE", "DISTRIBUTED", "SHARE",
                      "LIST",     "SHARE", "\xce\x94SESS"};
  const size_t w[7] = {9, 8, 14, 8, 9, 8, 8};
  for (int i = 0; i < 7; i++) {
    fputc(' ', out);
    rp_pad(out, h[i], w[i], 1);
  }
  fputc(' ', out);
  rp_pad(out, "\xce\x94MONEY", 8, 1);
  fputc('\n', out);
  for (size_t i = 0; i < n; i++) {
    char label[2 * PCN_REPORT_NAME + 4], c[8][32];
    snprintf(label, sizeof label, "%s%s%s", r[i].key, r[i].name[0] ? " " : "",
             r[i].name);
    rp_pad(out, label, 30, 0);
    rp_count(r[i].sessions, c[0]);
    rp_bp_percent(r[i].sessions_bp, c[1]);
    pcn_pence_format(r[i].distributed, 0, c[2]);
    rp_bp_percent(r[i].money_bp, c[3]);
    rp_count(r[i].list_size, c[4]);
    rp_bp_percent(r[i].list_bp, c[5]);
    rp_bp_points(r[i].sessions_dev_bp, c[6]);
    rp_bp_points(r[i].money_dev_bp, c[7]);
    for (int k = 0; k < 7; k++) {
      fputc(' ', out);
      rp_pad(out, c[k], w[k], 1);
    }
    fputc(' ', out);
    rp_pad(out, c[7], 8, 1);
    fputc('\n', out);
  }
}

int report_equity_table(const pcn_equity *eq, FILE *out, char *err, size_t n) {
  if (pcn_equity_check(eq, err, n)) return -1;
  size_t np = eq->n_practices, nl = 0;
  pcn_equity_row *rows = calloc(np ? 2 * np : 1, sizeof *rows);
  if (!rows) {
    rp_err(err, n, "Out of memory.");
    return -1;
  }
  pcn_equity_shares(eq, rows, rows + np, &nl);
  fprintf(out, "%s: shared staff equity, %s to %s\n", eq->network, eq->from,
          eq->to);
  fputs("Shares of the network; \xce\x94 is the share minus the list share, "
        "in percentage points.\n\n",
        out);
  tab_rows(out, rows, np, "PRACTICE");
  if (nl) {
    fputc('\n', out);
    tab_rows(out, rows + np, nl, "LOCALITY");
  }
  free(rows);
  if (fflush(out) || ferror(out)) {
    rp_err(err, n, "Could not write the table.");
    return -1;
  }
  return 0;
}

/* ---- PDF */

#define R (RP_PAGE_W - RP_MARGIN)
static const rp_col eq_cols[] = {
    {"Practice", RP_MARGIN + 4, 126, RP_LEFT},
    {"Sessions", R - 330, 0, RP_RIGHT},
    {"Share", R - 292, 0, RP_RIGHT},
    {"Distributed", R - 232, 0, RP_RIGHT},
    {"Share", R - 190, 0, RP_RIGHT},
    {"List size", R - 140, 0, RP_RIGHT},
    {"Share", R - 98, 0, RP_RIGHT},
    {"\xce\x94 sess.", R - 50, 0, RP_RIGHT},
    {"\xce\x94 money", R - 4, 0, RP_RIGHT},
};

typedef struct eq_doc {
  const pcn_equity *eq;
  pcn_equity_row *rows, *loc;
  size_t nl;
} eq_doc;

static void eq_table(rp_doc *d, const char *cap, const char *first,
                     const pcn_equity_row *r, size_t n) {
  rp_col cols[9];
  memcpy(cols, eq_cols, sizeof cols);
  cols[0].title = first;
  rp_table_begin(d, cap, cols, 9, (int)n);
  for (size_t i = 0; i < n; i++) {
    char label[2 * PCN_REPORT_NAME + 4], c[8][32];
    snprintf(label, sizeof label, "%s%s%s", r[i].key, r[i].name[0] ? " " : "",
             r[i].name);
    rp_count(r[i].sessions, c[0]);
    rp_bp_percent(r[i].sessions_bp, c[1]);
    pcn_pence_format(r[i].distributed, 1, c[2]);
    rp_bp_percent(r[i].money_bp, c[3]);
    rp_count(r[i].list_size, c[4]);
    rp_bp_percent(r[i].list_bp, c[5]);
    rp_bp_points(r[i].sessions_dev_bp, c[6]);
    rp_bp_points(r[i].money_dev_bp, c[7]);
    const char *cells[9] = {label, c[0], c[1], c[2], c[3],
                            c[4],  c[5], c[6], c[7]};
    rp_table_row(d, cells, 0);
  }
  /* d->cols points at our stack copy: end the table before it goes. */
  rp_table_end(d);
}

static void eq_chart(rp_doc *d, const pcn_equity *eq, int by_locality) {
  const double h = 280;
  rp_need(d, h + 16);
  d->y += 10;
  cairo_save(d->cr);
  cairo_translate(d->cr, RP_MARGIN, d->y);
  report_draw_equity_chart(d->cr, eq, by_locality, RP_PAGE_W - 2 * RP_MARGIN,
                           h);
  cairo_restore(d->cr);
  d->y += h + 6;
}

static void eq_body(rp_doc *d, const void *ud) {
  const eq_doc *e = ud;
  cairo_t *cr = d->cr;
  char line[256], gen[64];
  cairo_set_source_rgb(cr, 0.00, 0.37, 0.58);
  cairo_rectangle(cr, 0, 0, RP_PAGE_W, 8);
  cairo_fill(cr);
  rp_font(cr, 9, 1);
  rp_grey(cr);
  rp_text(cr, RP_MARGIN, d->y + 8, RP_LEFT, 0, "SHARED STAFF");
  rp_font(cr, 20, 1);
  rp_ink(cr);
  rp_text(cr, RP_MARGIN, d->y + 32, RP_LEFT, RP_PAGE_W - 2 * RP_MARGIN,
          e->eq->network);
  rp_font(cr, 13, 0);
  snprintf(line, sizeof line, "Equity report, %s to %s", e->eq->from,
           e->eq->to);
  rp_text(cr, RP_MARGIN, d->y + 52, RP_LEFT, 0, line);
  d->y += 64;
  snprintf(line, sizeof line, "Generated %s by PCN Hub.",
           rp_time_words(e->eq->generated_ms, gen, sizeof gen));
  rp_para(d, 9.5, 1, line);
  rp_para(d, 9.5, 0,
          "Shares are of the network's whole. \xce\x94: the share minus "
          "the list share, in percentage points.");
  if (e->eq->figures_as_at[0]) {
    snprintf(line, sizeof line,
             "List sizes and localities are the practices' figures in force "
             "on %s, the period's last day.",
             e->eq->figures_as_at);
    rp_para(d, 9.5, 0, line);
  }
  if (e->eq->left_out[0]) {
    char paid[PCN_PENCE_BUF];
    snprintf(line, sizeof line,
             "Left out of the money share: pass-through %s (%s paid to "
             "practices for their own staff or achievement); pcn staff "
             "equity --include-pass-through counts it.",
             e->eq->left_out, pcn_pence_format(e->eq->left_out_paid, 1, paid));
    rp_para(d, 9.5, 0, line);
  } else if (e->eq->include_pass_through) {
    rp_para(d, 9.5, 0,
            "The money share counts pass-through streams (ARRS, IIF) too.");
  }
  d->y += 4;
  eq_table(d, "Practices", "Practice", e->rows, e->eq->n_practices);
  if (e->nl > 1) eq_table(d, "Localities", "Locality", e->loc, e->nl);
  eq_chart(d, e->eq, 0);
  if (e->nl > 1) eq_chart(d, e->eq, 1);
}

int report_equity_pdf(const pcn_equity *eq, const char *path, char *err,
                      size_t n) {
  if (pcn_equity_check(eq, err, n)) return -1;
  size_t np = eq->n_practices;
  eq_doc e = {.eq = eq};
  e.rows = calloc(np ? 2 * np : 1, sizeof *e.rows);
  if (!e.rows) {
    rp_err(err, n, "Out of memory.");
    return -1;
  }
  e.loc = e.rows + np;
  pcn_equity_shares(eq, e.rows, e.loc, &e.nl);
  char foot[160];
  snprintf(foot, sizeof foot, "%s \xc2\xb7 Shared staff equity %s to %s",
           eq->network, eq->from, eq->to);
  int rc = rp_pdf(path, foot, eq_body, &e, err, n);
  free(e.rows);
  return rc;
}
