/* report_priv.h - what the files of client/report share: text on cairo,
 * colours, the paginated A4 page (rp_doc), and formatting helpers. Not
 * installed; callers use report.h.
 */
#ifndef PCN_REPORT_PRIV_H
#define PCN_REPORT_PRIV_H

#include "printf_check.h"
#include "report.h"

#include <stdarg.h>
#include <string.h>

/* ---- Formatting (report_text.c). */

void rp_err(char *err, size_t n, const char *fmt, ...)
    PCN_PRINTF(3, 4);
/* "2026-11" -> "November 2026" (out >= 32 bytes); the input when odd. */
const char *rp_month_words(const char *month, char *out, size_t n);
/* ms since 1970 -> "23 November 2026, 13:45 GMT" in UK time (uktime.h). */
const char *rp_time_words(int64_t ms, char *out, size_t n);
/* Basis points -> "12.34%" / deviation "+1.23" (out >= 24 bytes). */
const char *rp_bp_percent(int64_t bp, char *out);
const char *rp_bp_points(int64_t bp, char *out);
/* An integer with thousands commas. */
const char *rp_count(int64_t v, char *out);
/* Columns a UTF-8 string takes in a terminal (code points). */
size_t rp_utf8_cols(const char *s);
/* Writes s padded with spaces to cols columns (cut when longer); right:
 * pad on the left. */
void rp_pad(FILE *out, const char *s, size_t cols, int right);
int rp_month_valid(const char *m);
int rp_date_valid(const char *d);

/* Whether a fixed-size string array holds its terminating NUL. */
#define TERMINATED(a) (memchr((a), 0, sizeof(a)) != NULL)
int rp_practice_terminated(const pcn_report_practice *p);

/* ---- The statement (report_statement.c). */

const pcn_report_practice *rp_practice(const pcn_statement *st,
                                       const char *ods);
/* Whether the network's own row of stream s has anything in it. */
int rp_held_shown(const pcn_statement *st, size_t s);

/* ---- Drawing (report_draw.c). */

enum { RP_LEFT, RP_RIGHT, RP_CENTER };
void rp_font(cairo_t *cr, double size, int bold);
double rp_text_width(cairo_t *cr, const char *s);
/* Draws s with its baseline at y, aligned to x; cut with an ellipsis to
 * maxw when maxw > 0. */
void rp_text(cairo_t *cr, double x, double y, int align, double maxw,
             const char *s);
/* s as rp_text would draw it in maxw: whole, or its longest prefix (whole
 * code points) that fits with "…" after it; into out (n bytes, at least
 * 8 to hold a cut). 1 if it was cut. */
int rp_cut(cairo_t *cr, const char *s, double maxw, char *out, size_t n);
void rp_ink(cairo_t *cr);  /* near-black text */
void rp_grey(cairo_t *cr); /* secondary text */
void rp_grid(cairo_t *cr, int axis); /* a grid line, or the zero line */
/* The i-th series colour. */
void rp_series(cairo_t *cr, size_t i);

/* Nice axis ticks over [lo, hi] (integers, lo <= 0 <= hi): a step of 1,
 * 2 or 5 times a power of ten, at least unit; sets lo and hi to multiples.
 * Returns the step. */
int64_t rp_nice_step(int64_t *lo, int64_t *hi, int64_t unit, int ticks);

/* ---- The page (report_page.c): A4 portrait in points, drawn twice, once
 * to count the pages, then for real with "Page N of M". */

#define RP_PAGE_W 595.28
#define RP_PAGE_H 841.89
#define RP_MARGIN 48.0
#define RP_TOP 48.0
#define RP_BOTTOM 60.0 /* room for the footer */
#define RP_ROW 14.0

typedef struct rp_col {
  const char *title;
  double x; /* left edge for RP_LEFT, right edge for RP_RIGHT */
  double w; /* for cutting long text */
  int align;
} rp_col;

typedef struct rp_doc {
  cairo_surface_t *surf;
  cairo_t *cr;
  int page, pages; /* pages: 0 while counting */
  double y;        /* the next free line (top of it) */
  char footer[160];
  /* The table being drawn, so a page break repeats its headers. */
  const rp_col *cols;
  size_t ncols;
  char caption[160]; /* shown above the headers on a continued page */
  int stripe;
} rp_doc;

/* Writes a PDF at path by calling body(d, ud) twice. */
int rp_pdf(const char *path, const char *footer,
           void (*body)(rp_doc *d, const void *ud), const void *ud, char *err,
           size_t n);
/* Starts a new page if h more points do not fit; 1 if it did. */
int rp_need(rp_doc *d, double h);
/* A heading kept on a page with the keep points that follow it. */
void rp_heading(rp_doc *d, const char *s, double keep);
void rp_para(rp_doc *d, double size, int grey, const char *s);
/* Tables: begin (caption + column headers; rows: how many will follow,
 * to keep the table on one page when it fits), rows (cells[ncols]), end. */
void rp_table_begin(rp_doc *d, const char *caption, const rp_col *cols,
                    size_t ncols, int rows);
/* The height of a table of rows rows with a caption. */
#define RP_TABLE_H(rows) (18 + RP_ROW + 1 + (rows)*RP_ROW)
void rp_table_row(rp_doc *d, const char *const *cells, int bold);
void rp_table_end(rp_doc *d);

#endif
