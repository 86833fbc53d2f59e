/* report_draw.c - text and colour on a cairo context, shared by the page
 * and the charts. Cairo's own ("toy") text API with DejaVu Sans, which
 * Debian always has beside cairo: no Pango, no shaping needed for the
 * Latin names and pounds a statement holds.
 */
#include "report_priv.h"

#include <string.h>

void rp_font(cairo_t *cr, double size, int bold) {
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD
                              : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

double rp_text_width(cairo_t *cr, const char *s) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, s, &e);
  return e.x_advance;
}

/* The longest prefix of s (whole code points) that fits maxw with "…". */
static void cut_to(cairo_t *cr, const char *s, double maxw, char *out,
                   size_t n) {
  size_t len = strlen(s);
  if (len >= n) len = n - 4;
  while (len > 0) {
    while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
      len--;
    memcpy(out, s, len);
    memcpy(out + len, "\xe2\x80\xa6", 4);
    if (rp_text_width(cr, out) <= maxw) return;
    len--;
  }
  memcpy(out, "\xe2\x80\xa6", 4);
}

int rp_cut(cairo_t *cr, const char *s, double maxw, char *out, size_t n) {
  if (!n) return 0;
  if (rp_text_width(cr, s) <= maxw && strlen(s) < n) {
    memcpy(out, s, strlen(s) + 1);
    return 0;
  }
  if (n < 8) {
    out[0] = 0;
    return 1;
  }
  cut_to(cr, s, maxw, out, n);
  /* "Riverside…", not "Riverside …". */
  size_t len = strlen(out);
  while (len > 3 && out[len - 4] == ' ') {
    memmove(out + len - 4, out + len - 3, 4);
    len--;
  }
  return 1;
}

void rp_text(cairo_t *cr, double x, double y, int align, double maxw,
             const char *s) {
  char buf[512];
  double w = rp_text_width(cr, s);
  if (maxw > 0 && w > maxw) {
    cut_to(cr, s, maxw, buf, sizeof buf);
    s = buf;
    w = rp_text_width(cr, s);
  }
  if (align == RP_RIGHT) x -= w;
  if (align == RP_CENTER) x -= w / 2;
  cairo_move_to(cr, x, y);
  cairo_show_text(cr, s);
}

static const report_palette print_palette = {.ink = {0.10, 0.11, 0.13},
                                             .grey = {0.40, 0.42, 0.45},
                                             .grid = {0.88, 0.89, 0.90},
                                             .axis = {0.45, 0.46, 0.48}};
static report_palette custom;
static const report_palette *palette = &print_palette;

void report_set_palette(const report_palette *p) {
  if (p) custom = *p;
  palette = p ? &custom : &print_palette;
}

void rp_ink(cairo_t *cr) {
  cairo_set_source_rgb(cr, palette->ink[0], palette->ink[1], palette->ink[2]);
}

void rp_grey(cairo_t *cr) {
  cairo_set_source_rgb(cr, palette->grey[0], palette->grey[1],
                       palette->grey[2]);
}

void rp_grid(cairo_t *cr, int axis) {
  const double *c = axis ? palette->axis : palette->grid;
  cairo_set_source_rgb(cr, c[0], c[1], c[2]);
}

/* Colour-blind-friendly first (Okabe-Ito), then softer tones. */
static const double series[][3] = {
    {0.00, 0.45, 0.70}, {0.90, 0.62, 0.00}, {0.00, 0.62, 0.45},
    {0.80, 0.47, 0.65}, {0.34, 0.71, 0.91}, {0.84, 0.37, 0.00},
    {0.94, 0.89, 0.26}, {0.45, 0.45, 0.45}, {0.55, 0.34, 0.29},
    {0.58, 0.40, 0.74}, {0.09, 0.75, 0.81}, {0.74, 0.74, 0.13}};

void rp_series(cairo_t *cr, size_t i) {
  const double *c = series[i % (sizeof series / sizeof series[0])];
  cairo_set_source_rgb(cr, c[0], c[1], c[2]);
}

int64_t rp_nice_step(int64_t *lo, int64_t *hi, int64_t unit, int ticks) {
  int64_t span = *hi - *lo;
  if (span <= 0) span = unit;
  int64_t raw = span / ticks + 1, step = unit;
  for (int64_t mag = unit;; mag *= 10) {
    if (mag >= raw) {
      step = mag;
      break;
    }
    if (2 * mag >= raw) {
      step = 2 * mag;
      break;
    }
    if (5 * mag >= raw) {
      step = 5 * mag;
      break;
    }
    if (mag > INT64_MAX / 100) {
      step = mag;
      break;
    }
  }
  /* Round outwards to whole steps. */
  *hi = (*hi + step - 1) / step * step;
  *lo = *lo < 0 ? -((-*lo + step - 1) / step * step) : 0;
  if (*hi == *lo) *hi = *lo + step;
  return step;
}
