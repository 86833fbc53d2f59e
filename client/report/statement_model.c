/* statement_model.c - the one model of a month's statement (issue 13):
 * its columns (titles, CSV names and meanings), its rows in the order
 * every renderer shows them, its allocation and totals, and the check
 * that every row adds up. The terminal table and CSV (report_statement.c),
 * the PDF (statement_pdf.c) and pcn-desktop's Statement page render only
 * what pcn_statement_rows and pcn_statement_cols give them, so the same
 * figure has the same name and value everywhere. Its words are read in
 * the window and in the CLI's tables and PDFs alike, so they name neither
 * a command nor a page alone: rates are "set in the Funding plan", the
 * Funding plan page in the window and `pcn funds rate` (the funding
 * plan's command) on the command line (issue 19).
 *
 * Invariants a statement that passes pcn_statement_check keeps:
 *   - every network row: held_start + received - distributed -
 *     claims_paid - spent = held_end;
 *   - every stream: the practices' distributed (and claims_paid) sum to
 *     the network row's;
 *   - total is the sum of the network rows; every figure is within
 *     PCN_PENCE_MAX, so no sum overflows.
 * A practice's paid_to_date is carried from the ledger and is not
 * checked here (one month cannot see the months before); the year test
 * checks it month on month.
 */
#include "report_priv.h"

#include <stdlib.h>
#include <string.h>

#include "money.h"

static const struct {
  const char *title, *key, *meaning;
} cols[PCN_STATEMENT_COLS] = {
    [PCN_COL_HELD_START] = {"Held at start", "held_start",
                            "what the nominated payee held for the network "
                            "in the stream at the start of the month"},
    [PCN_COL_RECEIVED] = {"Received", "received",
                          "money the network received in the month (net of "
                          "reversals)"},
    [PCN_COL_DISTRIBUTED] = {"Distributed", "distributed",
                             "paid to practices by distribution in the "
                             "month: on a practice's row, to that practice; "
                             "on the network's, to all of them"},
    [PCN_COL_CLAIMS_PAID] = {"Claims paid", "claims_paid",
                             "paid to practices for approved backfill "
                             "claims in the month"},
    [PCN_COL_SPENT] = {"Spent", "spent",
                       "paid out by the network otherwise (invoices, "
                       "expenses) in the month"},
    [PCN_COL_HELD_END] = {"Held at end", "held_end",
                          "what the nominated payee holds for the network "
                          "in the stream at the end of the month: held at "
                          "start + received - distributed - claims paid - "
                          "spent"},
    [PCN_COL_PAID] = {"Paid in month", "paid",
                      "everything paid to the practice in the month: "
                      "distributed + claims paid"},
    [PCN_COL_PAID_TO_DATE] = {"Paid to date", "paid_to_date",
                              "everything paid to the practice in the "
                              "stream from the ledger's first entry to the "
                              "end of the month (the practice's money, not "
                              "held by the network)"},
    [PCN_COL_EXPECTED] = {"Expected", "expected",
                          "the income the year's rates (set in the Funding "
                          "plan) lead the network to expect in the month, on "
                          "the practices' figures in force on its first day"},
};

const char *pcn_statement_col_title(pcn_statement_col c) {
  return c < PCN_STATEMENT_COLS ? cols[c].title : "";
}
const char *pcn_statement_col_key(pcn_statement_col c) {
  return c < PCN_STATEMENT_COLS ? cols[c].key : "";
}
const char *pcn_statement_col_meaning(pcn_statement_col c) {
  return c < PCN_STATEMENT_COLS ? cols[c].meaning : "";
}

int64_t pcn_statement_value(const pcn_statement_figures *f,
                            pcn_statement_col c) {
  switch (c) {
  case PCN_COL_HELD_START: return f->held_start;
  case PCN_COL_RECEIVED: return f->received;
  case PCN_COL_DISTRIBUTED: return f->distributed;
  case PCN_COL_CLAIMS_PAID: return f->claims_paid;
  case PCN_COL_SPENT: return f->spent;
  case PCN_COL_HELD_END: return f->held_end;
  case PCN_COL_PAID: return f->distributed + f->claims_paid;
  case PCN_COL_PAID_TO_DATE: return f->paid_to_date;
  case PCN_COL_EXPECTED: return f->expected;
  case PCN_STATEMENT_COLS: break;
  }
  return 0;
}

static const pcn_statement_col practice_cols[] = {
    PCN_COL_DISTRIBUTED, PCN_COL_CLAIMS_PAID, PCN_COL_PAID,
    PCN_COL_PAID_TO_DATE};
static const pcn_statement_col network_cols[] = {
    PCN_COL_HELD_START,  PCN_COL_RECEIVED, PCN_COL_DISTRIBUTED,
    PCN_COL_CLAIMS_PAID, PCN_COL_SPENT,    PCN_COL_HELD_END,
    PCN_COL_EXPECTED};

const pcn_statement_col *pcn_statement_cols(const pcn_statement *st,
                                            pcn_statement_row_kind kind,
                                            size_t *n) {
  if (kind == PCN_ROW_PRACTICE || kind == PCN_ROW_PRACTICE_TOTAL) {
    *n = sizeof practice_cols / sizeof practice_cols[0];
    return practice_cols;
  }
  *n = sizeof network_cols / sizeof network_cols[0] - !st->rates_set;
  return network_cols;
}

const char *pcn_statement_expected_note(const pcn_statement *st) {
  if (!st->rates_set)
    return "Expected income is not shown: no income rates are set for this "
           "month's financial year (the PCN manager sets them in the Funding "
           "plan), so nothing can be expected.";
  return "Expected is the income the year's rates lead the network to "
         "expect this month; a stream without a rate expects nothing.";
}

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
  if (!st->practices || !st->streams || !st->cells || !st->held) {
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
  free(st);
}

pcn_statement_figures *pcn_statement_cell(pcn_statement *st, size_t p,
                                          size_t s) {
  return &st->cells[p * st->n_streams + s];
}

static void add(pcn_statement_figures *to, const pcn_statement_figures *f) {
  to->held_start += f->held_start;
  to->received += f->received;
  to->distributed += f->distributed;
  to->claims_paid += f->claims_paid;
  to->spent += f->spent;
  to->held_end += f->held_end;
  to->paid_to_date += f->paid_to_date;
  to->expected += f->expected;
}

static int in_range(const pcn_statement_figures *f) {
  const int64_t m = PCN_PENCE_MAX;
  const int64_t v[] = {f->held_start,   f->received, f->distributed,
                       f->claims_paid,  f->spent,    f->held_end,
                       f->paid_to_date, f->expected};
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
    if (v[i] < -m || v[i] > m) return 0;
  return 1;
}

void pcn_statement_fill_totals(pcn_statement *st) {
  memset(&st->total, 0, sizeof st->total);
  for (size_t s = 0; s < st->n_streams; s++)
    add(&st->total, &st->held[s]);
}

const pcn_report_practice *rp_practice(const pcn_statement *st,
                                       const char *ods) {
  for (size_t p = 0; p < st->n_practices; p++)
    if (!strcmp(st->practices[p].ods, ods)) return &st->practices[p];
  return NULL;
}

/* The network row's own arithmetic: what it held and took in, less what
 * it paid out, is what it holds. */
static int adds_up(const pcn_statement_figures *f) {
  return f->held_start + f->received - f->distributed - f->claims_paid -
             f->spent ==
         f->held_end;
}

static int check_strings(const pcn_statement *st, char *err, size_t n) {
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
  return 0;
}

int pcn_statement_check(const pcn_statement *st, char *err, size_t n) {
  if (st->n_practices > PCN_REPORT_MAX_PRACTICES ||
      st->n_streams > PCN_REPORT_MAX_STREAMS) {
    rp_err(err, n, "A statement holds at most %d practices and %d streams.",
           PCN_REPORT_MAX_PRACTICES, PCN_REPORT_MAX_STREAMS);
    return -1;
  }
  if (check_strings(st, err, n)) return -1;
  for (size_t i = 0; i < st->n_practices * st->n_streams; i++)
    if (!in_range(&st->cells[i])) {
      rp_err(err, n, "A figure for %s is beyond the largest amount handled.",
             st->practices[i / st->n_streams].ods);
      return -1;
    }
  pcn_statement_figures total = {0};
  for (size_t s = 0; s < st->n_streams; s++) {
    const pcn_statement_figures *h = &st->held[s];
    const char *code = st->streams[s].code;
    if (!in_range(h)) {
      rp_err(err, n,
             "A figure of stream %s is beyond the largest amount handled.",
             code);
      return -1;
    }
    if (!adds_up(h)) {
      rp_err(err, n,
             "The network's row for %s does not add up (held at start + "
             "received - distributed - claims paid - spent is not held at "
             "end); the ledger and the statement disagree: report it.",
             code);
      return -1;
    }
    int64_t d = 0, c = 0;
    for (size_t p = 0; p < st->n_practices; p++) {
      d += st->cells[p * st->n_streams + s].distributed;
      c += st->cells[p * st->n_streams + s].claims_paid;
    }
    if (d != h->distributed || c != h->claims_paid) {
      rp_err(err, n,
             "The practices' rows for %s do not add up to the network's "
             "distributed and claims paid; the ledger and the statement "
             "disagree: report it.",
             code);
      return -1;
    }
    add(&total, h);
  }
  if (memcmp(&total, &st->total, sizeof total)) {
    rp_err(err, n,
           "The network's total is not the sum of its streams; the ledger "
           "and the statement disagree: report it.");
    return -1;
  }
  return 0;
}

int rp_held_shown(const pcn_statement *st, size_t s) {
  const pcn_statement_figures *h = &st->held[s];
  return h->held_start || h->received || h->distributed || h->claims_paid ||
         h->spent || h->held_end || h->expected;
}

pcn_statement_row *pcn_statement_rows(const pcn_statement *st, size_t *n) {
  size_t cap = (st->n_practices + 1) * (st->n_streams + 1);
  pcn_statement_row *r = calloc(cap ? cap : 1, sizeof *r);
  *n = 0;
  if (!r) return NULL;
  for (size_t p = 0; p < st->n_practices; p++) {
    const pcn_report_practice *pr = &st->practices[p];
    if (st->focus_ods[0] && strcmp(st->focus_ods, pr->ods)) continue;
    pcn_statement_figures sum = {0};
    for (size_t s = 0; s < st->n_streams; s++) {
      const pcn_statement_figures *f = &st->cells[p * st->n_streams + s];
      r[(*n)++] =
          (pcn_statement_row){PCN_ROW_PRACTICE, pr, &st->streams[s], *f};
      add(&sum, f);
    }
    r[(*n)++] = (pcn_statement_row){PCN_ROW_PRACTICE_TOTAL, pr, NULL, sum};
  }
  for (size_t s = 0; s < st->n_streams; s++)
    if (rp_held_shown(st, s))
      r[(*n)++] = (pcn_statement_row){PCN_ROW_NETWORK, NULL, &st->streams[s],
                                      st->held[s]};
  r[(*n)++] = (pcn_statement_row){PCN_ROW_NETWORK_TOTAL, NULL, NULL, st->total};
  return r;
}
