/* report_chart.c - the two charts, drawn into any cairo context inside
 * (0, 0)-(w, h): the PDFs place them on the page, pcn-desktop calls them
 * from a GtkDrawingArea. Values stay integers (pence, basis points) until
 * they become a position on the page, the only use of double here.
 *
 * Both charts share a frame: a title line, a y axis with nice ticks and
 * grid lines, one slot per bar group with its label under it (turned 45
 * degrees when the labels do not fit), and a legend that wraps under the
 * plot.
 */
#include "report_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"

#define FONT 8.5
#define QUARTER_TURN 0.78539816339744830962 /* pi / 4 */
#define LEG_ROW 13.0

typedef struct frame {
  double x0, x1, ytop, ybot; /* the plot area */
  int64_t lo, hi, step;      /* the axis, in the chart's unit */
  size_t groups;
  double slot; /* width of one group */
} frame;

static double ypos(const frame *f, int64_t v) {
  return f->ybot -
         (double)(v - f->lo) / (double)(f->hi - f->lo) * (f->ybot - f->ytop);
}

/* "£20,000" for a whole number of pounds. */
static void money_tick(int64_t pence, char *out) {
  pcn_pence_format(pence, 1, out);
  size_t n = strlen(out);
  if (n > 3 && !strcmp(out + n - 3, ".00")) out[n - 3] = 0;
}

static void percent_tick(int64_t bp, char *out) {
  rp_bp_percent(bp, out);
  size_t n = strlen(out);
  if (n > 4 && !strcmp(out + n - 4, ".00%")) strcpy(out + n - 4, "%");
}

typedef struct legend {
  const char *label[PCN_REPORT_MAX_STREAMS];
  size_t colour[PCN_REPORT_MAX_STREAMS];
  int line[PCN_REPORT_MAX_STREAMS]; /* drawn as a marker line, not a box */
  size_t n;
  double colw;
  size_t cols;
} legend;

static double legend_height(cairo_t *cr, legend *lg, double w) {
  rp_font(cr, FONT, 0);
  double widest = 0;
  for (size_t i = 0; i < lg->n; i++) {
    double tw = rp_text_width(cr, lg->label[i]);
    if (tw > widest) widest = tw;
  }
  lg->colw = widest + 26;
  if (lg->colw > w) lg->colw = w;
  lg->cols = (size_t)(w / lg->colw);
  if (lg->cols < 1) lg->cols = 1;
  if (lg->cols > lg->n) lg->cols = lg->n ? lg->n : 1;
  size_t rows = (lg->n + lg->cols - 1) / lg->cols;
  return (double)rows * LEG_ROW + 8;
}

static void legend_draw(cairo_t *cr, const legend *lg, double x, double y) {
  rp_font(cr, FONT, 0);
  for (size_t i = 0; i < lg->n; i++) {
    double lx = x + (double)(i % lg->cols) * lg->colw;
    double ly = y + 8 + (double)(i / lg->cols) * LEG_ROW;
    if (lg->line[i]) {
      rp_ink(cr);
      cairo_set_line_width(cr, 2);
      cairo_move_to(cr, lx, ly - 3.5);
      cairo_line_to(cr, lx + 12, ly - 3.5);
      cairo_stroke(cr);
    } else {
      rp_series(cr, lg->colour[i]);
      cairo_rectangle(cr, lx, ly - 8, 12, 9);
      cairo_fill(cr);
    }
    rp_ink(cr);
    rp_text(cr, lx + 16, ly, RP_LEFT, lg->colw - 20, lg->label[i]);
  }
}

/* Lays out the frame: the widest tick label sets the left edge, the
 * labels' width decides whether they turn, the legend takes the bottom.
 * Returns 0 if there is no room to draw. */
static int frame_layout(cairo_t *cr, frame *f, double w, double h, legend *lg,
                        const char *const *labels, size_t groups, int money,
                        int *turn, double *legend_y) {
  char a[PCN_PENCE_BUF], b[PCN_PENCE_BUF];
  rp_font(cr, FONT, 0);
  if (money) {
    money_tick(f->hi, a);
    money_tick(f->lo, b);
  } else {
    percent_tick(f->hi, a);
    percent_tick(f->lo, b);
  }
  double yw = fmax(rp_text_width(cr, a), rp_text_width(cr, b));
  f->x0 = yw + 10;
  f->x1 = w - 6;
  f->groups = groups;
  f->slot = groups ? (f->x1 - f->x0) / (double)groups : 0;
  double widest = 0;
  for (size_t i = 0; i < groups; i++) {
    double tw = fmin(rp_text_width(cr, labels[i]), 90);
    if (tw > widest) widest = tw;
  }
  *turn = widest > f->slot - 4;
  double xlab = *turn ? widest * 0.72 + 16 : 16;
  double lh = legend_height(cr, lg, w - 12);
  f->ytop = 22;
  f->ybot = h - lh - xlab;
  *legend_y = h - lh;
  return f->ybot - f->ytop > 40 && f->x1 - f->x0 > 40;
}

static void frame_draw(cairo_t *cr, const frame *f, const char *title,
                       const char *const *labels, int money, int turn,
                       const char *bold_label) {
  rp_font(cr, FONT, 1);
  rp_ink(cr);
  rp_text(cr, 0, 11, RP_LEFT, f->x1, title);
  rp_font(cr, FONT, 0);
  for (int64_t v = f->lo; v <= f->hi; v += f->step) {
    double y = ypos(f, v);
    rp_grid(cr, v == 0);
    cairo_set_line_width(cr, v ? 0.5 : 0.9);
    cairo_move_to(cr, f->x0, y);
    cairo_line_to(cr, f->x1, y);
    cairo_stroke(cr);
    char t[PCN_PENCE_BUF];
    money ? money_tick(v, t) : percent_tick(v, t);
    rp_grey(cr);
    rp_text(cr, f->x0 - 5, y + 3, RP_RIGHT, 0, t);
  }
  for (size_t g = 0; g < f->groups; g++) {
    double cx = f->x0 + f->slot * ((double)g + 0.5);
    int bold = bold_label && !strcmp(bold_label, labels[g]);
    rp_font(cr, FONT, bold);
    rp_ink(cr);
    if (!turn) {
      rp_text(cr, cx, f->ybot + 12, RP_CENTER, f->slot, labels[g]);
    } else {
      cairo_save(cr);
      cairo_translate(cr, cx + 3, f->ybot + 8);
      cairo_rotate(cr, -QUARTER_TURN);
      rp_text(cr, 0, 0, RP_RIGHT, 90, labels[g]);
      cairo_restore(cr);
    }
  }
}

static void no_data(cairo_t *cr, double w, double h, const char *title,
                    const char *say) {
  rp_font(cr, FONT, 1);
  rp_ink(cr);
  rp_text(cr, 0, 11, RP_LEFT, w, title);
  rp_font(cr, 10, 0);
  rp_grey(cr);
  rp_text(cr, w / 2, h / 2, RP_CENTER, w, say);
}

void report_draw_statement_chart(cairo_t *cr, const pcn_statement *st, double w,
                                 double h) {
  static const char title[] = "Distributed to each practice in the month, by "
                              "stream";
  if (w < 120 || h < 100 || st->n_practices > PCN_REPORT_MAX_PRACTICES ||
      st->n_streams > PCN_REPORT_MAX_STREAMS)
    return;
  cairo_save(cr);
  legend lg = {.n = 0};
  int64_t lo = 0, hi = 0;
  const size_t ns = st->n_streams;
  for (size_t s = 0; s < ns; s++) {
    int any = 0;
    for (size_t p = 0; p < st->n_practices; p++)
      any |= st->cells[p * ns + s].distributed != 0;
    if (any) {
      lg.label[lg.n] = st->streams[s].name;
      lg.colour[lg.n++] = s;
    }
  }
  for (size_t p = 0; p < st->n_practices; p++) {
    int64_t up = 0, down = 0;
    for (size_t s = 0; s < ns; s++) {
      int64_t v = st->cells[p * ns + s].distributed;
      if (v > 0)
        up += v;
      else
        down += v;
    }
    if (up > hi) hi = up;
    if (down < lo) lo = down;
  }
  if (!lg.n) {
    no_data(cr, w, h, title, "Nothing was distributed this month.");
    cairo_restore(cr);
    return;
  }
  const char *labels[PCN_REPORT_MAX_PRACTICES];
  for (size_t p = 0; p < st->n_practices; p++)
    labels[p] = st->practices[p].ods;
  frame f;
  f.lo = lo;
  f.hi = hi;
  f.step = rp_nice_step(&f.lo, &f.hi, 100, 5); /* whole pounds */
  int turn;
  double ly;
  if (!frame_layout(cr, &f, w, h, &lg, labels, st->n_practices, 1, &turn,
                    &ly)) {
    cairo_restore(cr);
    return;
  }
  frame_draw(cr, &f, title, labels, 1, turn,
             st->focus_ods[0] ? st->focus_ods : NULL);
  double bw = fmin(f.slot * 0.62, 56);
  for (size_t p = 0; p < st->n_practices; p++) {
    double cx = f.x0 + f.slot * ((double)p + 0.5);
    int64_t up = 0, down = 0; /* stacked so far, each way */
    for (size_t s = 0; s < ns; s++) {
      int64_t v = st->cells[p * ns + s].distributed;
      if (!v) continue;
      int64_t from = v > 0 ? up : down, to = from + v;
      if (v > 0)
        up = to;
      else
        down = to;
      double y0 = ypos(&f, from), y1 = ypos(&f, to);
      rp_series(cr, s);
      cairo_rectangle(cr, cx - bw / 2, fmin(y0, y1), bw, fabs(y1 - y0));
      cairo_fill(cr);
    }
  }
  legend_draw(cr, &lg, 6, ly);
  cairo_restore(cr);
}

void report_draw_equity_chart(cairo_t *cr, const pcn_equity *eq,
                              int by_locality, double w, double h) {
  const char *title = by_locality
                          ? "Each locality's share of sessions and money "
                            "against its share of the list"
                          : "Each practice's share of sessions and money "
                            "against its share of the list";
  if (w < 120 || h < 100 || eq->n_practices > PCN_REPORT_MAX_PRACTICES) return;
  size_t n = eq->n_practices, nloc = 0;
  pcn_equity_row *rows = calloc(n ? 2 * n : 1, sizeof *rows);
  if (!rows) return;
  pcn_equity_row *loc = rows + n;
  if (pcn_equity_shares(eq, rows, loc, &nloc)) {
    free(rows);
    return;
  }
  cairo_save(cr);
  const pcn_equity_row *r = by_locality ? loc : rows;
  size_t nr = by_locality ? nloc : n;
  legend lg = {.label = {"Share of delivered sessions",
                         "Share of distributed money",
                         "Share of the list size"},
               .colour = {0, 1, 0},
               .line = {0, 0, 1},
               .n = 3};
  const char *labels[PCN_REPORT_MAX_PRACTICES];
  int64_t hi = 0;
  for (size_t i = 0; i < nr; i++) {
    labels[i] = r[i].key;
    hi = r[i].sessions_bp > hi ? r[i].sessions_bp : hi;
    hi = r[i].money_bp > hi ? r[i].money_bp : hi;
    hi = r[i].list_bp > hi ? r[i].list_bp : hi;
  }
  if (!nr || !hi) {
    no_data(cr, w, h, title, "No sessions, money or list sizes to compare.");
    goto done;
  }
  frame f;
  f.lo = 0;
  f.hi = hi;
  f.step = rp_nice_step(&f.lo, &f.hi, 100, 5); /* whole percent */
  int turn;
  double ly;
  if (!frame_layout(cr, &f, w, h, &lg, labels, nr, 0, &turn, &ly)) goto done;
  frame_draw(cr, &f, title, labels, 0, turn, NULL);
  double bw = fmin(f.slot * 0.32, 28);
  for (size_t i = 0; i < nr; i++) {
    double cx = f.x0 + f.slot * ((double)i + 0.5);
    const int64_t v[2] = {r[i].sessions_bp, r[i].money_bp};
    for (int k = 0; k < 2; k++) {
      double x = k ? cx : cx - bw, y = ypos(&f, v[k]);
      rp_series(cr, (size_t)k);
      cairo_rectangle(cr, x, y, bw, f.ybot - y);
      cairo_fill(cr);
    }
    double y = ypos(&f, r[i].list_bp);
    rp_ink(cr);
    cairo_set_line_width(cr, 2);
    cairo_move_to(cr, cx - bw - 4, y);
    cairo_line_to(cr, cx + bw + 4, y);
    cairo_stroke(cr);
  }
  legend_draw(cr, &lg, 6, ly);
done:
  cairo_restore(cr);
  free(rows);
}
