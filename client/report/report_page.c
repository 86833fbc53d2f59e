/* report_page.c - the A4 page for the PDFs: a body flows down the page,
 * starting a new one when the next block does not fit; a table broken
 * across pages repeats its caption ("continued") and column headers; each
 * page ends with a footer "Page N of M".
 *
 * The body is run twice: first into a PDF that goes nowhere, to count the
 * pages, then into the file. Layout depends only on fixed row heights, so
 * both runs break pages at the same places.
 */
#include "report_priv.h"

#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>

static cairo_status_t write_nowhere(void *closure, const unsigned char *data,
                                    unsigned int length) {
  (void)closure;
  (void)data;
  (void)length;
  return CAIRO_STATUS_SUCCESS;
}

static void footer(rp_doc *d) {
  cairo_t *cr = d->cr;
  double y = RP_PAGE_H - 30;
  cairo_set_source_rgb(cr, 0.80, 0.81, 0.83);
  cairo_set_line_width(cr, 0.5);
  cairo_move_to(cr, RP_MARGIN, y - 12);
  cairo_line_to(cr, RP_PAGE_W - RP_MARGIN, y - 12);
  cairo_stroke(cr);
  rp_font(cr, 8, 0);
  rp_grey(cr);
  rp_text(cr, RP_MARGIN, y, RP_LEFT, 380, d->footer);
  char pg[48];
  snprintf(pg, sizeof pg, "Page %d of %d", d->page, d->pages ? d->pages : 0);
  rp_text(cr, RP_PAGE_W - RP_MARGIN, y, RP_RIGHT, 0, pg);
}

static void col_headers(rp_doc *d) {
  cairo_t *cr = d->cr;
  rp_font(cr, 8, 1);
  rp_grey(cr);
  for (size_t i = 0; i < d->ncols; i++)
    rp_text(cr, d->cols[i].x, d->y + 10, d->cols[i].align, d->cols[i].w,
            d->cols[i].title);
  cairo_set_source_rgb(cr, 0.55, 0.57, 0.60);
  cairo_set_line_width(cr, 0.6);
  cairo_move_to(cr, RP_MARGIN, d->y + RP_ROW - 0.5);
  cairo_line_to(cr, RP_PAGE_W - RP_MARGIN, d->y + RP_ROW - 0.5);
  cairo_stroke(cr);
  d->y += RP_ROW + 1;
  d->stripe = 0;
}

static void caption(rp_doc *d, int continued) {
  cairo_t *cr = d->cr;
  rp_font(cr, 10.5, 1);
  rp_ink(cr);
  char buf[200];
  snprintf(buf, sizeof buf, "%s%s", d->caption,
           continued ? " (continued)" : "");
  rp_text(cr, RP_MARGIN, d->y + 12, RP_LEFT, RP_PAGE_W - 2 * RP_MARGIN, buf);
  d->y += 18;
}

static void new_page(rp_doc *d) {
  footer(d);
  cairo_show_page(d->cr);
  d->page++;
  d->y = RP_TOP;
  if (d->cols) {
    caption(d, 1);
    col_headers(d);
  }
}

int rp_need(rp_doc *d, double h) {
  if (d->y + h <= RP_PAGE_H - RP_BOTTOM) return 0;
  new_page(d);
  return 1;
}

void rp_heading(rp_doc *d, const char *s, double keep) {
  rp_need(d, 30 + keep);
  d->y += 8;
  rp_font(d->cr, 12, 1);
  rp_ink(d->cr);
  rp_text(d->cr, RP_MARGIN, d->y + 13, RP_LEFT, 0, s);
  d->y += 22;
}

void rp_para(rp_doc *d, double size, int grey, const char *s) {
  rp_need(d, size + 6);
  rp_font(d->cr, size, 0);
  grey ? rp_grey(d->cr) : rp_ink(d->cr);
  rp_text(d->cr, RP_MARGIN, d->y + size, RP_LEFT, RP_PAGE_W - 2 * RP_MARGIN, s);
  d->y += size + 6;
}

void rp_table_begin(rp_doc *d, const char *cap, const rp_col *cols,
                    size_t ncols, int rows) {
  /* Keep the whole table on one page when a page can hold it; otherwise
   * at least the caption, the headers and the first rows together. */
  double whole = 18 + RP_ROW + 1 + rows * RP_ROW;
  if (whole <= RP_PAGE_H - RP_BOTTOM - RP_TOP)
    rp_need(d, whole);
  else
    rp_need(d, 18 + RP_ROW + 1 + 3 * RP_ROW);
  snprintf(d->caption, sizeof d->caption, "%s", cap ? cap : "");
  if (cap) caption(d, 0);
  d->cols = cols;
  d->ncols = ncols;
  col_headers(d);
}

void rp_table_row(rp_doc *d, const char *const *cells, int bold) {
  rp_need(d, RP_ROW);
  cairo_t *cr = d->cr;
  if (bold) {
    cairo_set_source_rgb(cr, 0.55, 0.57, 0.60);
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, RP_MARGIN, d->y + 0.5);
    cairo_line_to(cr, RP_PAGE_W - RP_MARGIN, d->y + 0.5);
    cairo_stroke(cr);
  } else if (d->stripe++ % 2) {
    cairo_set_source_rgb(cr, 0.95, 0.96, 0.97);
    cairo_rectangle(cr, RP_MARGIN, d->y, RP_PAGE_W - 2 * RP_MARGIN, RP_ROW);
    cairo_fill(cr);
  }
  rp_font(cr, 8.5, bold);
  rp_ink(cr);
  for (size_t i = 0; i < d->ncols; i++)
    if (cells[i])
      rp_text(cr, d->cols[i].x, d->y + 10, d->cols[i].align, d->cols[i].w,
              cells[i]);
  d->y += RP_ROW;
}

void rp_table_end(rp_doc *d) {
  d->cols = NULL;
  d->ncols = 0;
  d->y += 8;
}

static int run(cairo_surface_t *surf, const char *foot,
               void (*body)(rp_doc *d, const void *ud), const void *ud,
               int pages) {
  rp_doc d;
  memset(&d, 0, sizeof d);
  d.surf = surf;
  d.cr = cairo_create(surf);
  d.page = 1;
  d.pages = pages;
  d.y = RP_TOP;
  snprintf(d.footer, sizeof d.footer, "%s", foot);
  body(&d, ud);
  footer(&d);
  cairo_show_page(d.cr);
  cairo_destroy(d.cr);
  return d.page;
}

int rp_pdf(const char *path, const char *foot,
           void (*body)(rp_doc *d, const void *ud), const void *ud, char *err,
           size_t n) {
  cairo_surface_t *count = cairo_pdf_surface_create_for_stream(
      write_nowhere, NULL, RP_PAGE_W, RP_PAGE_H);
  int pages = run(count, foot, body, ud, 0);
  cairo_surface_destroy(count);

  cairo_surface_t *surf = cairo_pdf_surface_create(path, RP_PAGE_W, RP_PAGE_H);
  if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
    rp_err(err, n,
           "Could not write the PDF to %s (%s); check the folder exists "
           "and is writable.",
           path, cairo_status_to_string(cairo_surface_status(surf)));
    cairo_surface_destroy(surf);
    return -1;
  }
  cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "PCN Hub");
  run(surf, foot, body, ud, pages);
  cairo_surface_finish(surf);
  cairo_status_t st = cairo_surface_status(surf);
  cairo_surface_destroy(surf);
  if (st != CAIRO_STATUS_SUCCESS) {
    rp_err(err, n, "Could not write the PDF to %s (%s).", path,
           cairo_status_to_string(st));
    return -1;
  }
  return 0;
}
