/* report_chart.c - the two charts, drawn into any cairo context inside
 * (0, 0)-(w, h): the PDFs place them on the page, pcn-desktop calls them
 * from a GtkDrawingArea. Values stay integers (pence, basis points) until
 * they become a position on the page, the only use of double here.
 *
 * Both charts share a frame: a title line, a y axis with nice ticks and
 * grid lines, one slot per bar group with its label under it (turned 45
 * degrees when the labels do not fit), and a legend that wraps under the
 * plot.
 *
 * A practice's bars are labelled by its name (issue 19: people read
 * names, not ODS codes), cut with "…" to its slot when need be, as long
 * as every name keeps NAME_MIN_CHARS characters and no two read alike:
 * a network's three to eight practices in a window or on an A4 page.
 * When they cannot (many practices, a narrow chart), the bars keep their
 * codes and a key under the legend says which is which ("F84001
 * Riverside Surgery"): a code with a key says more than "Riv…". A
 * locality is labelled by its name as before.
 */
#include "report_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"

#define FONT 8.5
#define QUARTER_TURN 0.78539816339744830962 /* pi / 4 */
#define LEG_ROW 13.0
#define NAME_MIN_CHARS 8 /* a name cut shorter than this is not shown */
#define LABEL_MAX 128    /* bytes of a label as drawn (a name is < 96) */

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
  /* The key under it when the bars are labelled by code: "F84001
   * Riverside Surgery" per practice (nkey 0: none). */
  const char *const *key;
  size_t nkey;
  double key_colw;
  size_t key_cols;
} legend;

/* Lays out items in columns as wide as the widest (plus gap) within w:
 * the column width and count; the rows they take. */
static size_t columns(cairo_t *cr, const char *const *items, size_t n,
                      double gap, double w, double *colw, size_t *cols) {
  double widest = 0;
  for (size_t i = 0; i < n; i++) {
    double tw = rp_text_width(cr, items[i]);
    if (tw > widest) widest = tw;
  }
  *colw = widest + gap;
  if (*colw > w) *colw = w;
  *cols = (size_t)(w / *colw);
  if (*cols < 1) *cols = 1;
  if (*cols > n) *cols = n ? n : 1;
  return (n + *cols - 1) / *cols;
}

static double legend_height(cairo_t *cr, legend *lg, double w) {
  rp_font(cr, FONT, 0);
  size_t rows = columns(cr, lg->label, lg->n, 26, w, &lg->colw, &lg->cols);
  if (lg->nkey)
    rows += columns(cr, lg->key, lg->nkey, 14, w, &lg->key_colw, &lg->key_cols);
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
  double ky = y + 8 + (double)((lg->n + lg->cols - 1) / lg->cols) * LEG_ROW;
  rp_grey(cr);
  for (size_t i = 0; i < lg->nkey; i++)
    rp_text(cr, x + (double)(i % lg->key_cols) * lg->key_colw,
            ky + (double)(i / lg->key_cols) * LEG_ROW, RP_LEFT,
            lg->key_colw - 8, lg->key[i]);
}

/* The bars' labels: names[i] (cut to maxw) when every one keeps
 * NAME_MIN_CHARS characters and no two cut ones are alike, else codes[i]
 * with key[i] "code name" for the legend. out[i] is LABEL_MAX bytes;
 * returns whether the codes (and the key) are used. */
static int practice_labels(cairo_t *cr, const char *const *names,
                           const char *const *codes, size_t n, double maxw,
                           char (*out)[LABEL_MAX], char (*key)[LABEL_MAX]) {
  rp_font(cr, FONT, 0);
  int by_code = 0;
  for (size_t i = 0; i < n && !by_code; i++) {
    if (!rp_cut(cr, names[i], maxw, out[i], LABEL_MAX)) continue;
    size_t chars = 0; /* code points before the "…" (3 bytes) */
    for (const char *p = out[i]; p[0] && strcmp(p, "\xe2\x80\xa6"); p++)
      chars += ((unsigned char)*p & 0xc0) != 0x80;
    by_code = chars < NAME_MIN_CHARS;
  }
  for (size_t i = 0; i < n && !by_code; i++)
    for (size_t j = 0; j < i && !by_code; j++)
      by_code = !strcmp(out[i], out[j]);
  if (!by_code) return 0;
  for (size_t i = 0; i < n; i++) {
    snprintf(out[i], LABEL_MAX, "%s", codes[i]);
    snprintf(key[i], LABEL_MAX, "%s %s", codes[i], names[i]);
  }
  return 1;
}

/* The slot a bar group has in w (the frame's, before the legend): the
 * y axis's labels on the left. */
/* The width of the y axis's widest tick label. */
static double ticks_width(cairo_t *cr, const frame *f, int money) {
  char a[PCN_PENCE_BUF], b[PCN_PENCE_BUF];
  rp_font(cr, FONT, 0);
  if (money) {
    money_tick(f->hi, a);
    money_tick(f->lo, b);
  } else {
    percent_tick(f->hi, a);
    percent_tick(f->lo, b);
  }
  return fmax(rp_text_width(cr, a), rp_text_width(cr, b));
}

static double slot_width(cairo_t *cr, const frame *f, double w, size_t groups,
                         int money) {
  double yw = ticks_width(cr, f, money);
  return groups ? (w - 6 - (yw + 10)) / (double)groups : 0;
}

/* Lays out the frame: the widest tick label sets the left edge, the
 * labels' width decides whether they turn, the legend takes the bottom.
 * Returns 0 if there is no room to draw. */
static int frame_layout(cairo_t *cr, frame *f, double w, double h, legend *lg,
                        const char *const *labels, size_t groups, int money,
                        int *turn, double *legend_y) {
  double yw = ticks_width(cr, f, money);
  rp_font(cr, FONT, 0);
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
                       size_t bold_group) {
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
    int bold = g == bold_group;
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
  const size_t np = st->n_practices;
  char(*text)[LABEL_MAX] = calloc(np ? 2 * np : 1, LABEL_MAX);
  if (!text) {
    cairo_restore(cr);
    return;
  }
  const char *names[PCN_REPORT_MAX_PRACTICES], *codes[PCN_REPORT_MAX_PRACTICES],
      *labels[PCN_REPORT_MAX_PRACTICES], *key[PCN_REPORT_MAX_PRACTICES];
  size_t focus = (size_t)-1;
  for (size_t p = 0; p < np; p++) {
    const pcn_report_practice *pr = &st->practices[p];
    names[p] = pr->name[0] ? pr->name : pr->ods;
    codes[p] = pr->ods;
    labels[p] = text[p];
    key[p] = text[np + p];
    if (st->focus_ods[0] && !strcmp(st->focus_ods, pr->ods)) focus = p;
  }
  frame f;
  f.lo = lo;
  f.hi = hi;
  f.step = rp_nice_step(&f.lo, &f.hi, 100, 5); /* whole pounds */
  if (practice_labels(cr, names, codes, np, slot_width(cr, &f, w, np, 1) - 4,
                      text, text + np)) {
    lg.key = key;
    lg.nkey = np;
  }
  int turn;
  double ly;
  /* No room for the key: the codes alone, rather than no chart. */
  int room = frame_layout(cr, &f, w, h, &lg, labels, np, 1, &turn, &ly);
  if (!room && lg.nkey) {
    lg.nkey = 0;
    room = frame_layout(cr, &f, w, h, &lg, labels, np, 1, &turn, &ly);
  }
  if (!room) {
    free(text);
    cairo_restore(cr);
    return;
  }
  frame_draw(cr, &f, title, labels, 1, turn, focus);
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
  free(text);
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
  char(*text)[LABEL_MAX] = calloc(n ? 2 * n : 1, LABEL_MAX);
  if (!rows || !text) {
    free(rows);
    free(text);
    return;
  }
  pcn_equity_row *loc = rows + n;
  if (pcn_equity_shares(eq, rows, loc, &nloc)) {
    free(rows);
    free(text);
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
  const char *labels[PCN_REPORT_MAX_PRACTICES],
      *names[PCN_REPORT_MAX_PRACTICES], *codes[PCN_REPORT_MAX_PRACTICES],
      *key[PCN_REPORT_MAX_PRACTICES];
  int64_t hi = 0;
  for (size_t i = 0; i < nr; i++) {
    /* A locality by its name; a practice as practice_labels says. */
    labels[i] = by_locality ? r[i].key : text[i];
    names[i] = r[i].name[0] ? r[i].name : r[i].key;
    codes[i] = r[i].key;
    key[i] = text[n + i];
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
  if (!by_locality &&
      practice_labels(cr, names, codes, nr, slot_width(cr, &f, w, nr, 0) - 4,
                      text, text + n)) {
    lg.key = key;
    lg.nkey = nr;
  }
  int turn;
  double ly;
  int room = frame_layout(cr, &f, w, h, &lg, labels, nr, 0, &turn, &ly);
  if (!room && lg.nkey) {
    lg.nkey = 0;
    room = frame_layout(cr, &f, w, h, &lg, labels, nr, 0, &turn, &ly);
  }
  if (!room) goto done;
  frame_draw(cr, &f, title, labels, 0, turn, (size_t)-1);
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
  free(text);
}
