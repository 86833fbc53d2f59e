/* report_statement.c - the monthly statement: its struct (allocation,
 * totals, the check that it adds up), and the CSV and terminal writers.
 * The PDF is in statement_pdf.c, the chart in report_chart.c.
 *
 * Invariant the writers rely on: a statement that passes
 * pcn_statement_check has, for every stream and figure, the practices'
 * cells plus the held row equal to the stream's total, and the stream
 * totals adding up to the grand total, all within PCN_PENCE_MAX.
 */
#include "report_priv.h"

#include <stdlib.h>
#include <string.h>

#include "money.h"

pcn_statement *pcn_statement_new(size_t np, size_t ns) {
  if (np > PCN_REPORT_MAX_PRACTICES || ns > PCN_REPORT_MAX_STREAMS) return NULL;
  pcn_statement *st = calloc(1, sizeof *st);
  if (!st) return NULL;
  st->n_practices = np;
  st->n_streams = ns;
  st->practices = calloc(np ? np : 1, sizeof *st->practices);
  st->streams = calloc(ns ? ns : 1, sizeof *st->streams);
  st->cells = calloc(np && ns ? np * ns : 1, sizeof *st->cells);
  st->held = calloc(ns ? ns : 1, sizeof *st->held);
  st->stream_totals = calloc(ns ? ns : 1, sizeof *st->stream_totals);
  if (!st->practices || !st->streams || !st->cells || !st->held ||
      !st->stream_totals) {
    pcn_statement_free(st);
    return NULL;
  }
  return st;
}

void pcn_statement_free(pcn_statement *st) {
  if (!st) return;
  free(st->practices);
  free(st->streams);
  free(st->cells);
  free(st->held);
  free(st->stream_totals);
  free(st);
}

pcn_statement_figures *pcn_statement_cell(pcn_statement *st, size_t p,
                                          size_t s) {
  return &st->cells[p * st->n_streams + s];
}

static void add(pcn_statement_figures *to, const pcn_statement_figures *f) {
  to->received += f->received;
  to->distributed += f->distributed;
  to->claimed += f->claimed;
  to->balance += f->balance;
}

static int same(const pcn_statement_figures *a,
                const pcn_statement_figures *b) {
  return a->received == b->received && a->distributed == b->distributed &&
         a->claimed == b->claimed && a->balance == b->balance;
}

static int in_range(const pcn_statement_figures *f) {
  const int64_t m = PCN_PENCE_MAX;
  return f->received >= -m && f->received <= m && f->distributed >= -m &&
         f->distributed <= m && f->claimed >= -m && f->claimed <= m &&
         f->balance >= -m && f->balance <= m;
}

/* The sum of stream s over practices and held. */
static pcn_statement_figures stream_sum(const pcn_statement *st, size_t s) {
  pcn_statement_figures t = st->held[s];
  for (size_t p = 0; p < st->n_practices; p++)
    add(&t, &st->cells[p * st->n_streams + s]);
  return t;
}

void pcn_statement_fill_totals(pcn_statement *st) {
  memset(&st->total, 0, sizeof st->total);
  for (size_t s = 0; s < st->n_streams; s++) {
    st->stream_totals[s] = stream_sum(st, s);
    add(&st->total, &st->stream_totals[s]);
  }
}

const pcn_report_practice *rp_practice(const pcn_statement *st,
                                       const char *ods) {
  for (size_t p = 0; p < st->n_practices; p++)
    if (!strcmp(st->practices[p].ods, ods)) return &st->practices[p];
  return NULL;
}

int pcn_statement_check(const pcn_statement *st, char *err, size_t n) {
  if (st->n_practices > PCN_REPORT_MAX_PRACTICES ||
      st->n_streams > PCN_REPORT_MAX_STREAMS) {
    rp_err(err, n, "A statement holds at most %d practices and %d streams.",
           PCN_REPORT_MAX_PRACTICES, PCN_REPORT_MAX_STREAMS);
    return -1;
  }
  /* Every string must end inside its array (a caller that copied with
   * memcpy could leave one unterminated). */
  int ok = TERMINATED(st->network) && TERMINATED(st->payee_ods) &&
           TERMINATED(st->month) && TERMINATED(st->focus_ods);
  for (size_t p = 0; ok && p < st->n_practices; p++)
    ok = rp_practice_terminated(&st->practices[p]);
  for (size_t s = 0; ok && s < st->n_streams; s++)
    ok = TERMINATED(st->streams[s].code) && TERMINATED(st->streams[s].name);
  if (!ok) {
    rp_err(err, n,
           "A name in the statement is not terminated; fill the "
           "strings with snprintf.");
    return -1;
  }
  if (!rp_month_valid(st->month)) {
    rp_err(err, n,
           "The month \"%s\" is not a month; write it as YYYY-MM, "
           "for example 2026-11.",
           st->month);
    return -1;
  }
  if (st->payee_ods[0] && !rp_practice(st, st->payee_ods)) {
    rp_err(err, n,
           "The nominated payee \"%s\" is not one of the statement's "
           "practices; name the payee by its ODS code.",
           st->payee_ods);
    return -1;
  }
  if (st->focus_ods[0] && !rp_practice(st, st->focus_ods)) {
    rp_err(err, n,
           "The practice \"%s\" is not in this network; give one of "
           "its practices' ODS codes.",
           st->focus_ods);
    return -1;
  }
  for (size_t p = 0; p < st->n_practices; p++)
    if (!st->practices[p].ods[0]) {
      rp_err(err, n, "Practice %zu has no ODS code.", p + 1);
      return -1;
    }
  for (size_t i = 0; i < st->n_practices * st->n_streams; i++)
    if (!in_range(&st->cells[i])) {
      rp_err(err, n,
             "A figure for %s is beyond the largest amount "
             "handled.",
             st->practices[i / st->n_streams].ods);
      return -1;
    }
  pcn_statement_figures total = {0};
  for (size_t s = 0; s < st->n_streams; s++) {
    if (!in_range(&st->held[s]) || !in_range(&st->stream_totals[s])) {
      rp_err(err, n,
             "A figure of stream %s is beyond the largest amount "
             "handled.",
             st->streams[s].code);
      return -1;
    }
    pcn_statement_figures sum = stream_sum(st, s);
    if (!same(&sum, &st->stream_totals[s])) {
      rp_err(err, n,
             "The total of stream %s is not the sum of the practices' "
             "figures and the network's own; the ledger and the statement "
             "disagree.",
             st->streams[s].code);
      return -1;
    }
    add(&total, &sum);
  }
  if (!same(&total, &st->total)) {
    rp_err(err, n,
           "The network total is not the sum of the streams' totals; "
           "the ledger and the statement disagree.");
    return -1;
  }
  return 0;
}

int rp_held_shown(const pcn_statement *st, size_t s) {
  const pcn_statement_figures *h = &st->held[s];
  return h->received || h->distributed || h->claimed || h->balance;
}

static int any_held(const pcn_statement *st) {
  for (size_t s = 0; s < st->n_streams; s++)
    if (rp_held_shown(st, s)) return 1;
  return 0;
}

static int shown(const pcn_statement *st, size_t p) {
  return !st->focus_ods[0] || !strcmp(st->focus_ods, st->practices[p].ods);
}

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

static void csv_row(FILE *out, const pcn_statement *st, const char *kind,
                    const pcn_report_practice *pr, const char *code,
                    const char *sname, const pcn_statement_figures *f) {
  csv_text(out, kind);
  fputc(',', out);
  csv_text(out, st->month);
  fputc(',', out);
  csv_text(out, pr ? pr->ods : "");
  fputc(',', out);
  csv_text(out, pr ? pr->name : "");
  fputc(',', out);
  csv_text(out, pr ? pr->locality : "");
  fputc(',', out);
  csv_text(out, code);
  fputc(',', out);
  csv_text(out, sname);
  const int64_t v[4] = {f->received, f->distributed, f->claimed, f->balance};
  for (int i = 0; i < 4; i++) {
    fputc(',', out);
    csv_amount(out, v[i]);
  }
  fputs("\r\n", out);
}

int report_statement_csv(const pcn_statement *st, FILE *out, char *err,
                         size_t n) {
  if (pcn_statement_check(st, err, n)) return -1;
  fputs("kind,month,ods,practice,locality,stream_code,stream,received,"
        "distributed,claimed,balance\r\n",
        out);
  for (size_t p = 0; p < st->n_practices; p++) {
    if (!shown(st, p)) continue;
    for (size_t s = 0; s < st->n_streams; s++)
      csv_row(out, st, "practice", &st->practices[p], st->streams[s].code,
              st->streams[s].name, &st->cells[p * st->n_streams + s]);
  }
  for (size_t s = 0; s < st->n_streams; s++)
    if (!st->focus_ods[0])
      csv_row(out, st, "network", NULL, st->streams[s].code,
              st->streams[s].name, &st->held[s]);
  for (size_t s = 0; s < st->n_streams; s++)
    csv_row(out, st, "total", NULL, st->streams[s].code, st->streams[s].name,
            &st->stream_totals[s]);
  csv_row(out, st, "total", NULL, "*", "All streams", &st->total);
  if (fflush(out) || ferror(out)) {
    rp_err(err, n, "Could not write the CSV.");
    return -1;
  }
  return 0;
}

/* ---- Terminal table */

enum { NAMEW = 28, AMTW = 14 };

static void tab_header(FILE *out) {
  rp_pad(out, "STREAM", NAMEW, 0);
  const char *h[4] = {"RECEIVED", "DISTRIBUTED", "CLAIMED", "BALANCE"};
  for (int i = 0; i < 4; i++) {
    fputc(' ', out);
    rp_pad(out, h[i], AMTW, 1);
  }
  fputc('\n', out);
}

static void tab_row(FILE *out, const char *name,
                    const pcn_statement_figures *f) {
  char b[PCN_PENCE_BUF];
  rp_pad(out, name, NAMEW, 0);
  const int64_t v[4] = {f->received, f->distributed, f->claimed, f->balance};
  for (int i = 0; i < 4; i++) {
    fputc(' ', out);
    rp_pad(out, pcn_pence_format(v[i], 0, b), AMTW, 1);
  }
  fputc('\n', out);
}

int report_statement_table(const pcn_statement *st, FILE *out, char *err,
                           size_t n) {
  if (pcn_statement_check(st, err, n)) return -1;
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
  for (size_t p = 0; p < st->n_practices; p++) {
    if (!shown(st, p)) continue;
    const pcn_report_practice *pr = &st->practices[p];
    fprintf(out, "\n%s  %s%s%s\n", pr->ods, pr->name,
            pr->locality[0] ? ", " : "", pr->locality);
    tab_header(out);
    pcn_statement_figures sum = {0};
    for (size_t s = 0; s < st->n_streams; s++) {
      tab_row(out, st->streams[s].name, &st->cells[p * st->n_streams + s]);
      add(&sum, &st->cells[p * st->n_streams + s]);
    }
    tab_row(out, "Practice total", &sum);
  }
  if (!st->focus_ods[0] && any_held(st)) {
    fprintf(out, "\nHeld for the network (not on a practice's behalf)\n");
    tab_header(out);
    for (size_t s = 0; s < st->n_streams; s++)
      if (rp_held_shown(st, s)) tab_row(out, st->streams[s].name, &st->held[s]);
  }
  fprintf(out, "\nNetwork totals\n");
  tab_header(out);
  for (size_t s = 0; s < st->n_streams; s++)
    tab_row(out, st->streams[s].name, &st->stream_totals[s]);
  tab_row(out, "Network total", &st->total);
  char b[PCN_PENCE_BUF];
  fprintf(out, "\nHeld by %s for the network at the end of the month: %s\n",
          payee ? payee->name : "the nominated payee",
          pcn_pence_format(st->total.balance, 1, b));
  if (fflush(out) || ferror(out)) {
    rp_err(err, n, "Could not write the table.");
    return -1;
  }
  return 0;
}
