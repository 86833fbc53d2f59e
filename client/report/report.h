/* report.h - the statement renderer (issue 7): a network's monthly
 * statement and the shared-staff equity report as a PDF a practice manager
 * can file (cairo), as CSV, as a table for a terminal, and the same charts
 * drawn into any cairo context (pcn-desktop draws them in its window).
 *
 * The library knows nothing of the server or the wire: the caller fills the
 * plain structs below from whatever it holds (the ledger, the rota) and
 * calls a writer. Amounts are whole pence in int64_t, written as pounds by
 * common/money.h; floating point is used only for positions on the page.
 *
 * Ownership: pcn_statement_new / pcn_equity_new allocate the struct and
 * every array in it, zeroed, sized for the counts given; the caller fills
 * the fields in place and frees it all with pcn_statement_free /
 * pcn_equity_free. Strings are fixed-size arrays inside the structs (copy
 * in with snprintf; longer text is cut). Writers and draw functions only
 * read the struct and keep no pointer to it after they return.
 *
 * Errors: writers return 0, or -1 with one sentence in err (n bytes),
 * saying what is wrong and what to do.
 */
#ifndef PCN_REPORT_H
#define PCN_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cairo.h>

#define PCN_REPORT_ODS 16
#define PCN_REPORT_CODE 32
#define PCN_REPORT_NAME 96
#define PCN_REPORT_MAX_PRACTICES 256 /* = PCN_SPLIT_MAX: shares are split */
#define PCN_REPORT_MAX_STREAMS 64

typedef struct pcn_report_practice {
  char ods[PCN_REPORT_ODS];       /* "F84001" */
  char name[PCN_REPORT_NAME];     /* "Riverside Surgery" */
  char locality[PCN_REPORT_NAME]; /* "" when it has none */
} pcn_report_practice;

typedef struct pcn_report_stream {
  char code[PCN_REPORT_CODE]; /* "arrs" */
  char name[PCN_REPORT_NAME]; /* "ARRS reimbursement" */
  /* Optional: the financial year's budget (April to March) and the actual
   * spend from April to the end of this month (a table when has_budget). */
  int has_budget;
  int64_t budget;
  int64_t actual_ytd;
} pcn_report_stream;

/* The statement's columns, each with one meaning wherever it is shown
 * (the terminal table, the CSV, the PDF and pcn-desktop all take their
 * titles, CSV names and notes from pcn_statement_col_*; docs/statement.md
 * explains them). A practice's row uses DISTRIBUTED, CLAIMS_PAID, PAID and
 * PAID_TO_DATE; the network's row of a stream uses HELD_START to HELD_END
 * (and EXPECTED when rates are set). The arithmetic every row keeps:
 *   network:  HELD_START + RECEIVED - DISTRIBUTED - CLAIMS_PAID - SPENT
 *             = HELD_END
 *   practice: DISTRIBUTED + CLAIMS_PAID = PAID
 * and across rows: a stream's DISTRIBUTED (and CLAIMS_PAID) on the
 * network's row is the sum of the practices' rows of that stream. */
typedef enum pcn_statement_col {
  PCN_COL_HELD_START,   /* the network: held for the stream at the start */
  PCN_COL_RECEIVED,     /* the network: received in the month */
  PCN_COL_DISTRIBUTED,  /* paid to practices by distribution in the month */
  PCN_COL_CLAIMS_PAID,  /* paid to practices for backfill claims */
  PCN_COL_SPENT,        /* the network: paid out otherwise (invoices) */
  PCN_COL_HELD_END,     /* the network: held for the stream at the end */
  PCN_COL_PAID,         /* a practice: paid to it in the month, all kinds */
  PCN_COL_PAID_TO_DATE, /* a practice: paid to it up to the month's end */
  PCN_COL_EXPECTED,     /* the network: expected from the year's rates */
  PCN_STATEMENT_COLS
} pcn_statement_col;

/* The column's title for a table ("Held at start"), its CSV name
 * ("held_start") and one sentence of what it means (for notes). */
const char *pcn_statement_col_title(pcn_statement_col c);
const char *pcn_statement_col_key(pcn_statement_col c);
const char *pcn_statement_col_meaning(pcn_statement_col c);

/* One row's figures in pence; a figure its kind of row does not use is
 * 0 (see pcn_statement_col). PAID is not stored: distributed +
 * claims_paid (pcn_statement_value). */
typedef struct pcn_statement_figures {
  int64_t held_start, received, distributed, claims_paid, spent, held_end;
  int64_t paid_to_date;
  int64_t expected;
} pcn_statement_figures;

/* The value of column c in f. */
int64_t pcn_statement_value(const pcn_statement_figures *f,
                            pcn_statement_col c);

typedef struct pcn_statement {
  char network[PCN_REPORT_NAME];
  char payee_ods[PCN_REPORT_ODS]; /* the nominated payee: one of practices,
                                   * or "" when not recorded */
  char month[8];                  /* "YYYY-MM" */
  int64_t generated_ms;           /* when it was made, ms since 1970 UTC */
  /* "" for the whole network; an ODS code to show only that practice's
   * tables (the network's rows and the chart stay the whole network's). */
  char focus_ods[PCN_REPORT_ODS];
  /* Whether any income rate is set for the month's financial year: when
   * not, EXPECTED is not shown and the statement says why instead. */
  int rates_set;
  size_t n_practices, n_streams;
  pcn_report_practice *practices; /* [n_practices] */
  pcn_report_stream *streams;     /* [n_streams] */
  /* cells[p * n_streams + s]: practice p, stream s (pcn_statement_cell). */
  pcn_statement_figures *cells;
  /* held[s]: the network's row of stream s: what the nominated payee held
   * for it, received, paid out and holds at the end. */
  pcn_statement_figures *held;
  /* total = the sum of the held rows: the network's row for all streams
   * (total.held_end is what the nominated payee holds, to the penny).
   * pcn_statement_fill_totals computes it. */
  pcn_statement_figures total;
} pcn_statement;

/* A zeroed statement for these counts (each array allocated, even for a
 * count of 0), or NULL if out of memory or the counts pass the maxima.
 * Free with pcn_statement_free (NULL is fine). */
pcn_statement *pcn_statement_new(size_t n_practices, size_t n_streams);
void pcn_statement_free(pcn_statement *st);
/* The figures of practice p in stream s (pointer into st->cells). */
pcn_statement_figures *pcn_statement_cell(pcn_statement *st, size_t p,
                                          size_t s);
/* Sets total from the held rows. */
void pcn_statement_fill_totals(pcn_statement *st);
/* 0 if the statement can be rendered: month "YYYY-MM", payee and focus
 * among the practices, every figure within PCN_PENCE_MAX, every network
 * row adding up (held at start + received - distributed - claims paid -
 * spent = held at end), each stream's practices adding up to its network
 * row's distributed and claims paid, and total the sum of the held rows.
 * Otherwise -1 and the first problem in err (naming the row). */
int pcn_statement_check(const pcn_statement *st, char *err, size_t n);

/* The statement as the rows every renderer shows, in order: for each
 * practice shown (all, or focus_ods), a row per stream and its total;
 * then the network's row per stream and the network's total. */
typedef enum pcn_statement_row_kind {
  PCN_ROW_PRACTICE,       /* practice, stream */
  PCN_ROW_PRACTICE_TOTAL, /* practice, all streams (stream NULL) */
  PCN_ROW_NETWORK,        /* the network, stream */
  PCN_ROW_NETWORK_TOTAL   /* the network, all streams (stream NULL) */
} pcn_statement_row_kind;

typedef struct pcn_statement_row {
  pcn_statement_row_kind kind;
  const pcn_report_practice *practice; /* NULL for the network's rows */
  const pcn_report_stream *stream;     /* NULL for a total */
  pcn_statement_figures f;
} pcn_statement_row;

/* The columns a kind of row shows, in order; *n set to their count.
 * EXPECTED is among the network's only when st->rates_set. */
const pcn_statement_col *pcn_statement_cols(const pcn_statement *st,
                                            pcn_statement_row_kind kind,
                                            size_t *n);
/* The rows (pointers into st; valid while st is), malloc'd, *n set; the
 * caller frees the array. NULL if out of memory. A network row of a
 * stream with nothing in it is left out. */
pcn_statement_row *pcn_statement_rows(const pcn_statement *st, size_t *n);
/* The sentence a renderer shows about EXPECTED: why it is absent (no
 * rates set) or what it is. Static text. */
const char *pcn_statement_expected_note(const pcn_statement *st);

/* Writers. The PDF is A4 portrait: a header (network, "Monthly
 * statement", month, payee, date generated), the network totals by
 * stream, the chart, the budget when given, then a table per practice,
 * paginated with repeated column headers and "Page N of M" footers. */
int report_statement_pdf(const pcn_statement *st, const char *path, char *err,
                         size_t n);
/* CSV (RFC 4180) with a header row: kind, month, ods, practice,
 * locality, stream_code, stream, then every column's key (held_start ..
 * expected). kind is "practice", "practice_total", "network" or
 * "network_total" (stream code "*" for a total). Amounts are plain pounds
 * "1234.56"; a column the row's kind does not use is empty, as is
 * expected when no rates are set. */
int report_statement_csv(const pcn_statement *st, FILE *out, char *err,
                         size_t n);
/* A table for a terminal (UTF-8, fixed width columns): a table per
 * practice, the network's table, then what each column means. */
int report_statement_table(const pcn_statement *st, FILE *out, char *err,
                           size_t n);

/* The charts' neutral colours (issue 19): text, secondary text, grid lines
 * and the zero line, each red, green, blue in 0..1. The PDFs use the print
 * colours (report_set_palette(NULL)); pcn-desktop passes its dark style's
 * around a chart it draws (shell.c) and restores them after. The series'
 * colours do not change. */
typedef struct report_palette {
  double ink[3], grey[3], grid[3], axis[3];
} report_palette;
void report_set_palette(const report_palette *p);

/* The bar chart of distributions: a stacked bar per practice, one colour
 * per stream, a legend, and an axis in pounds; drawn in dark ink inside
 * (0, 0)-(w, h) of cr's user space (paint a light background first, or a
 * dark one under a dark palette). */
void report_draw_statement_chart(cairo_t *cr, const pcn_statement *st, double w,
                                 double h);

/* ---- The shared-staff equity report. */

typedef struct pcn_equity_practice {
  pcn_report_practice practice;
  int64_t sessions;    /* sessions of shared staff delivered in the period */
  int64_t distributed; /* pence distributed to it in the period */
  int64_t list_size;   /* registered list size */
} pcn_equity_practice;

typedef struct pcn_equity {
  char network[PCN_REPORT_NAME];
  char from[11], to[11]; /* the period, "YYYY-MM-DD", both inclusive */
  int64_t generated_ms;
  size_t n_practices;
  pcn_equity_practice *practices; /* [n_practices] */
  /* List sizes and localities are those in force on this day ("" not
   * known). */
  char figures_as_at[11];
  /* Pass-through streams left out of the money (issue 20): their codes,
   * ", "-separated ("" none), and what they paid practices; or
   * include_pass_through: they were counted. */
  char left_out[PCN_REPORT_NAME];
  int64_t left_out_paid;
  int include_pass_through;
} pcn_equity;

/* One row of the report: a practice or a locality. Shares are in
 * hundredths of a percent (basis points); each share column adds up to
 * exactly 10000 (largest remainder, ties to the earlier row) unless its
 * counts are all zero. Deviations are share minus list share. */
typedef struct pcn_equity_row {
  char key[PCN_REPORT_NAME];  /* the ODS code, or the locality */
  char name[PCN_REPORT_NAME]; /* the practice's name; "" for a locality */
  int64_t sessions, distributed, list_size; /* sums for a locality */
  int64_t sessions_bp, money_bp, list_bp;
  int64_t sessions_dev_bp, money_dev_bp;
} pcn_equity_row;

pcn_equity *pcn_equity_new(size_t n_practices);
void pcn_equity_free(pcn_equity *eq);
int pcn_equity_check(const pcn_equity *eq, char *err, size_t n);
/* Fills rows[eq->n_practices] in practice order and, when localities is
 * not NULL, localities[eq->n_practices] in order of first appearance
 * (practices without one under "No locality"), setting *n_localities.
 * 0, or -1 if eq does not pass pcn_equity_check. */
int pcn_equity_shares(const pcn_equity *eq, pcn_equity_row *rows,
                      pcn_equity_row *localities, size_t *n_localities);

/* The PDF: header, a table per practice and per locality, and the charts
 * (practices; localities when there are two or more). */
int report_equity_pdf(const pcn_equity *eq, const char *path, char *err,
                      size_t n);
int report_equity_table(const pcn_equity *eq, FILE *out, char *err, size_t n);
/* Bars of each practice's (by_locality: each locality's) share of sessions
 * and of money, with its list share marked across them. */
void report_draw_equity_chart(cairo_t *cr, const pcn_equity *eq,
                              int by_locality, double w, double h);

#endif
