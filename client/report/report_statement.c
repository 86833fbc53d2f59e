/* report_statement.c - the monthly statement's CSV and terminal writers.
 * Both write exactly the rows and columns of the model
 * (statement_model.c): pcn_statement_rows in order, pcn_statement_cols
 * per kind of row. The PDF is in statement_pdf.c, the chart in
 * report_chart.c.
 */
#include "report_priv.h"

#include <stdlib.h>
#include <string.h>

#include "money.h"

/* ---- CSV */

/* RFC 4180 quoting; text a spreadsheet would run as a formula gets a
 * leading apostrophe (a practice named "=HYPERLINK(...)" stays text). */
static void csv_text(FILE *out, const char *s) {
  int quote = strpbrk(s, ",\"\r\n") != NULL;
  int formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@';
  if (quote || formula) fputc('"', out);
  if (formula) fputc('\'', out);
  for (; *s; s++) {
    if (*s == '"') fputc('"', out);
    fputc(*s, out);
  }
  if (quote || formula) fputc('"', out);
}

static void csv_amount(FILE *out, int64_t v) {
  char b[PCN_PENCE_BUF];
  pcn_pence_format(v, 0, b);
  for (const char *c = b; *c; c++)
    if (*c != ',') fputc(*c, out);
}

static const char *kind_word(pcn_statement_row_kind k) {
  switch (k) {
  case PCN_ROW_PRACTICE: return "practice";
  case PCN_ROW_PRACTICE_TOTAL: return "practice_total";
  case PCN_ROW_NETWORK: return "network";
  case PCN_ROW_NETWORK_TOTAL: return "network_total";
  }
  return "";
}

/* Whether column c is among the n columns cs. */
static int has_col(const pcn_statement_col *cs, size_t n, pcn_statement_col c) {
  for (size_t i = 0; i < n; i++)
    if (cs[i] == c) return 1;
  return 0;
}

static void csv_row(FILE *out, const pcn_statement *st,
                    const pcn_statement_row *r) {
  const pcn_report_practice *pr = r->practice;
  csv_text(out, kind_word(r->kind));
  fputc(',', out);
  csv_text(out, st->month);
  fputc(',', out);
  csv_text(out, pr ? pr->ods : "");
  fputc(',', out);
  csv_text(out, pr ? pr->name : "");
  fputc(',', out);
  csv_text(out, pr ? pr->locality : "");
  fputc(',', out);
  csv_text(out, r->stream ? r->stream->code : "*");
  fputc(',', out);
  csv_text(out, r->stream ? r->stream->name : "All streams");
  size_t nc;
  const pcn_statement_col *cs = pcn_statement_cols(st, r->kind, &nc);
  for (int c = 0; c < PCN_STATEMENT_COLS; c++) {
    fputc(',', out);
    if (has_col(cs, nc, (pcn_statement_col)c))
      csv_amount(out, pcn_statement_value(&r->f, (pcn_statement_col)c));
  }
  fputs("\r\n", out);
}

int report_statement_csv(const pcn_statement *st, FILE *out, char *err,
                         size_t n) {
  if (pcn_statement_check(st, err, n)) return -1;
  size_t nr;
  pcn_statement_row *rows = pcn_statement_rows(st, &nr);
  if (!rows) {
    rp_err(err, n, "Out of memory.");
    return -1;
  }
  fputs("kind,month,ods,practice,locality,stream_code,stream", out);
  for (int c = 0; c < PCN_STATEMENT_COLS; c++)
    fprintf(out, ",%s", pcn_statement_col_key((pcn_statement_col)c));
  fputs("\r\n", out);
  for (size_t i = 0; i < nr; i++)
    csv_row(out, st, &rows[i]);
  free(rows);
  if (fflush(out) || ferror(out)) {
    rp_err(err, n, "Could not write the CSV; check the disk and try again.");
    return -1;
  }
  return 0;
}

/* ---- Terminal table */

enum { NAMEW = 26, AMTW = 14 };

static void tab_header(FILE *out, const pcn_statement_col *cs, size_t nc) {
  rp_pad(out, "STREAM", NAMEW, 0);
  for (size_t i = 0; i < nc; i++) {
    char h[64];
    snprintf(h, sizeof h, "%s", pcn_statement_col_title(cs[i]));
    for (char *c = h; *c; c++)
      if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 'a' + 'A');
    fputc(' ', out);
    rp_pad(out, h, AMTW, 1);
  }
  fputc('\n', out);
}

static void tab_row(FILE *out, const pcn_statement *st,
                    const pcn_statement_row *r) {
  char b[PCN_PENCE_BUF];
  const char *name = r->stream                          ? r->stream->name
                     : r->kind == PCN_ROW_NETWORK_TOTAL ? "Network total"
                                                        : "Practice total";
  rp_pad(out, name, NAMEW, 0);
  size_t nc;
  const pcn_statement_col *cs = pcn_statement_cols(st, r->kind, &nc);
  for (size_t i = 0; i < nc; i++) {
    fputc(' ', out);
    rp_pad(out, pcn_pence_format(pcn_statement_value(&r->f, cs[i]), 0, b), AMTW,
           1);
  }
  fputc('\n', out);
}

/* What each column means, under the tables. */
static void tab_notes(FILE *out, const pcn_statement *st) {
  fprintf(out, "\nColumns:\n");
  for (int c = 0; c < PCN_STATEMENT_COLS; c++) {
    if (c == PCN_COL_EXPECTED && !st->rates_set) continue;
    fprintf(out, "  %s: %s.\n", pcn_statement_col_title((pcn_statement_col)c),
            pcn_statement_col_meaning((pcn_statement_col)c));
  }
  fprintf(out, "%s\n", pcn_statement_expected_note(st));
}

int report_statement_table(const pcn_statement *st, FILE *out, char *err,
                           size_t n) {
  if (pcn_statement_check(st, err, n)) return -1;
  size_t nr;
  pcn_statement_row *rows = pcn_statement_rows(st, &nr);
  if (!rows) {
    rp_err(err, n, "Out of memory.");
    return -1;
  }
  char mw[32], gen[64];
  const pcn_report_practice *payee = rp_practice(st, st->payee_ods);
  fprintf(out, "%s: monthly statement for %s (amounts in \xc2\xa3)\n",
          st->network, rp_month_words(st->month, mw, sizeof mw));
  if (payee)
    fprintf(out, "Nominated payee: %s (%s). Generated %s.\n", payee->name,
            payee->ods, rp_time_words(st->generated_ms, gen, sizeof gen));
  else
    fprintf(out, "Nominated payee: not recorded. Generated %s.\n",
            rp_time_words(st->generated_ms, gen, sizeof gen));
  for (size_t i = 0; i < nr; i++) {
    const pcn_statement_row *r = &rows[i];
    size_t nc;
    const pcn_statement_col *cs = pcn_statement_cols(st, r->kind, &nc);
    if (r->kind == PCN_ROW_PRACTICE &&
        (i == 0 || r->practice != rows[i - 1].practice)) {
      const pcn_report_practice *pr = r->practice;
      fprintf(out, "\n%s  %s%s%s\n", pr->ods, pr->name,
              pr->locality[0] ? ", " : "", pr->locality);
      tab_header(out, cs, nc);
    } else if (r->kind != PCN_ROW_PRACTICE &&
               r->kind != PCN_ROW_PRACTICE_TOTAL &&
               (i == 0 || rows[i - 1].kind == PCN_ROW_PRACTICE_TOTAL ||
                rows[i - 1].kind == PCN_ROW_PRACTICE)) {
      fprintf(out, "\nThe network (held by the nominated payee)\n");
      tab_header(out, cs, nc);
    }
    tab_row(out, st, r);
  }
  free(rows);
  char b[PCN_PENCE_BUF];
  fprintf(out, "\nHeld by %s for the network at the end of the month: %s\n",
          payee ? payee->name : "the nominated payee",
          pcn_pence_format(st->total.held_end, 1, b));
  tab_notes(out, st);
  if (fflush(out) || ferror(out)) {
    rp_err(err, n, "Could not write the table; check the disk and try again.");
    return -1;
  }
  return 0;
}
