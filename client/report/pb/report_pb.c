/* report_pb.c - the server's statement and equity answers as the
 * renderer's structs (report_pb.h). Moved here from the CLI's statement
 * PDF so that pcn-desktop's chart is built from the same figures.
 */
#include "report_pb.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "money.h"
#include "printf_check.h"

static int fail(char *err, size_t n, const char *fmt, ...)
    PCN_PRINTF(3, 4);
static int fail(char *err, size_t n, const char *fmt, ...) {
  if (err && n) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
  }
  return -1;
}

/* The place of ods in nm, adding it (named by its code) if missing;
 * (size_t)-1 when full. */
static size_t practice_at(report_pb_names *nm, const char *ods) {
  for (size_t i = 0; i < nm->np; i++)
    if (!strcmp(nm->p[i].ods, ods)) return i;
  if (nm->np == PCN_REPORT_MAX_PRACTICES) return (size_t)-1;
  /* A practice in the ledger but no longer listed: named by its code. */
  memset(&nm->p[nm->np], 0, sizeof nm->p[0]);
  snprintf(nm->p[nm->np].ods, sizeof nm->p[0].ods, "%s", ods);
  snprintf(nm->p[nm->np].name, sizeof nm->p[0].name, "%s", ods);
  return nm->np++;
}

static size_t stream_at(const report_pb_names *nm, const char *code) {
  for (size_t i = 0; i < nm->ns; i++)
    if (!strcmp(nm->s[i].code, code)) return i;
  return (size_t)-1;
}

/* Adds a stream named by its code; (size_t)-1 when full. */
static size_t stream_add(report_pb_names *nm, const char *code,
                         const char *name) {
  size_t i = stream_at(nm, code);
  if (i != (size_t)-1) return i;
  if (nm->ns == PCN_REPORT_MAX_STREAMS) return (size_t)-1;
  memset(&nm->s[nm->ns], 0, sizeof nm->s[0]);
  snprintf(nm->s[nm->ns].code, sizeof nm->s[0].code, "%s", code);
  snprintf(nm->s[nm->ns].name, sizeof nm->s[0].name, "%s", name);
  return nm->ns++;
}

size_t report_pb_stream(report_pb_names *nm, const char *code) {
  return stream_add(nm, code, code);
}

void report_pb_add_practices(report_pb_names *nm, Pcn__Practice *const *p,
                             size_t n) {
  for (size_t i = 0; i < n; i++) {
    size_t k = practice_at(nm, p[i]->ods);
    if (k != (size_t)-1)
      snprintf(nm->p[k].name, sizeof nm->p[k].name, "%s", p[i]->name);
  }
}

void report_pb_add_streams(report_pb_names *nm, Pcn__FundsStream *const *s,
                           size_t n) {
  for (size_t i = 0; i < n; i++) {
    size_t k = stream_add(nm, s[i]->code, s[i]->name);
    if (k != (size_t)-1)
      snprintf(nm->s[k].name, sizeof nm->s[k].name, "%s", s[i]->name);
  }
}

/* How each figure of pcn_statement is filled from the page (one meaning
 * each: report.h's pcn_statement_col):
 *
 *   practice p, stream s (cells):
 *     distributed  = the row's distributed (paid to it in the month).
 *     claims_paid  = the row's claimed (backfill claims paid to it).
 *     paid_to_date = the row's balance: everything paid to it in the
 *                    stream up to the month's end (its money, not held by
 *                    the network).
 *   held[s] (the network's row for the stream):
 *     held_start = the row's held_before, received, distributed,
 *     claims_paid (the row's claimed), spent, held_end (the row's
 *     balance: in the payee's bank at the month's end), expected.
 *   rates_set = the page's rates_set; payee_ods = the page's payee.
 *
 * Each network row must add up and the practices must add up to it
 * (pcn_statement_check), and the totals must equal the page's. */
/* A pcnd older than the statement model (issue 13) sends each network
 * row's held at end (balance) but not its held at start (held_before, 0),
 * and no rates_set; it does send the page's held_before. Such a row is
 * told apart by the page: its held_before is not the sum of the rows'.
 * Each row's held at start is then what its own figures say it must have
 * been (held at end - received + distributed + claims paid + spent),
 * which the caller still checks against the page's held_before, so the
 * row adds up because the ledger does, never by assumption. Expected
 * income anywhere means rates are set, whichever pcnd sent the page. */
static void older_server(const Pcn__FundsStatementPage *pg, pcn_statement *st) {
  int64_t rows_before = 0;
  for (size_t i = 0; i < pg->n_rows; i++)
    if (!pg->rows[i]->practice[0]) rows_before += pg->rows[i]->held_before;
  if (rows_before != pg->held_before)
    for (size_t s = 0; s < st->n_streams; s++) {
      pcn_statement_figures *h = &st->held[s];
      const int64_t m = PCN_PENCE_MAX; /* beyond: refused by the check */
      if (h->held_end < -m || h->held_end > m || h->received < -m ||
          h->received > m || h->distributed < -m || h->distributed > m ||
          h->claims_paid < -m || h->claims_paid > m || h->spent < -m ||
          h->spent > m)
        continue;
      h->held_start = h->held_end - h->received + h->distributed +
                      h->claims_paid + h->spent;
    }
  st->rates_set = pg->rates_set || pg->expected != 0;
  for (size_t s = 0; s < st->n_streams; s++)
    st->rates_set |= st->held[s].expected != 0;
}

pcn_statement *report_pb_statement(const Pcn__FundsStatementPage *pg,
                                   report_pb_names *nm, const char *network,
                                   const char *focus, int64_t now_ms, char *err,
                                   size_t n) {
  /* Every practice and stream in the page has a place (the streams list
   * may lack one the ledger still uses). */
  if (pg->payee[0] && practice_at(nm, pg->payee) == (size_t)-1) goto full_p;
  for (size_t i = 0; i < pg->n_rows; i++) {
    const Pcn__FundsStatementRow *x = pg->rows[i];
    if (x->practice[0] && practice_at(nm, x->practice) == (size_t)-1)
      goto full_p;
    if (stream_add(nm, x->stream, x->stream) == (size_t)-1) {
      fail(err, n, "The statement has more streams than a report holds (%d).",
           PCN_REPORT_MAX_STREAMS);
      return NULL;
    }
  }
  /* Only the streams with figures this month (a statement of nine streams
   * of zeros helps no one); the order is the streams list's. */
  int used[PCN_REPORT_MAX_STREAMS] = {0};
  for (size_t i = 0; i < pg->n_rows; i++)
    used[stream_at(nm, pg->rows[i]->stream)] = 1;
  for (size_t s = 0; s < nm->ns; s++) /* and those with a budget */
    used[s] |= nm->s[s].has_budget;
  size_t map[PCN_REPORT_MAX_STREAMS], ns = 0;
  for (size_t s = 0; s < nm->ns; s++)
    map[s] = used[s] ? ns++ : (size_t)-1;
  pcn_statement *st = pcn_statement_new(nm->np, ns);
  if (!st) {
    fail(err, n, "Out of memory.");
    return NULL;
  }
  /* A longer name is cut (report.h). */
  snprintf(st->network, sizeof st->network, "%.*s", (int)sizeof st->network - 1,
           network && network[0] ? network : "PCN");
  snprintf(st->month, sizeof st->month, "%.7s", pg->month);
  snprintf(st->focus_ods, sizeof st->focus_ods, "%s", focus);
  snprintf(st->payee_ods, sizeof st->payee_ods, "%s", pg->payee);
  st->generated_ms = now_ms;
  for (size_t p = 0; p < nm->np; p++)
    st->practices[p] = nm->p[p];
  for (size_t s = 0; s < nm->ns; s++)
    if (map[s] != (size_t)-1) st->streams[map[s]] = nm->s[s];
  for (size_t i = 0; i < pg->n_rows; i++) {
    const Pcn__FundsStatementRow *x = pg->rows[i];
    size_t s = map[stream_at(nm, x->stream)];
    if (x->practice[0]) {
      pcn_statement_figures *f =
          pcn_statement_cell(st, practice_at(nm, x->practice), s);
      f->distributed += x->distributed;
      f->claims_paid += x->claimed;
      f->paid_to_date += x->balance;
    } else {
      pcn_statement_figures *h = &st->held[s];
      h->held_start += x->held_before;
      h->received += x->received;
      h->distributed += x->distributed;
      h->claims_paid += x->claimed;
      h->spent += x->spent;
      h->held_end += x->balance;
      h->expected += x->expected;
    }
  }
  older_server(pg, st);
  pcn_statement_fill_totals(st);
  if (pcn_statement_check(st, err, n)) {
    pcn_statement_free(st);
    return NULL;
  }
  if (st->total.held_end != pg->held ||
      st->total.held_start != pg->held_before ||
      st->total.received != pg->received ||
      st->total.distributed != pg->distributed ||
      st->total.claims_paid != pg->claimed || st->total.spent != pg->spent) {
    fail(err, n,
         "The statement's figures do not add up to its totals; the "
         "ledger and the statement disagree.");
    pcn_statement_free(st);
    return NULL;
  }
  return st;
full_p:
  fail(err, n, "The statement has more practices than a report holds (%d).",
       PCN_REPORT_MAX_PRACTICES);
  return NULL;
}

pcn_equity *report_pb_equity(const Pcn__StaffEquityReport *q,
                             const char *network, int64_t now_ms) {
  pcn_equity *eq = pcn_equity_new(q->n_rows);
  if (!eq) return NULL;
  snprintf(eq->network, sizeof eq->network, "%.*s", (int)sizeof eq->network - 1,
           network && network[0] ? network : "PCN");
  snprintf(eq->from, sizeof eq->from, "%.10s", q->from);
  snprintf(eq->to, sizeof eq->to, "%.10s", q->to);
  snprintf(eq->figures_as_at, sizeof eq->figures_as_at, "%.10s",
           q->figures_as_at);
  eq->generated_ms = now_ms;
  eq->include_pass_through = q->include_pass_through;
  eq->left_out_paid = q->left_out_paid;
  for (size_t i = 0; i < q->n_left_out; i++) {
    size_t at = strlen(eq->left_out);
    snprintf(eq->left_out + at, sizeof eq->left_out - at, "%s%s", i ? ", " : "",
             q->left_out[i]);
  }
  for (size_t i = 0; i < q->n_rows; i++) {
    const Pcn__StaffEquityRow *r = q->rows[i];
    pcn_equity_practice *p = &eq->practices[i];
    snprintf(p->practice.ods, sizeof p->practice.ods, "%.*s",
             (int)sizeof p->practice.ods - 1, r->practice);
    snprintf(p->practice.name, sizeof p->practice.name, "%.*s",
             (int)sizeof p->practice.name - 1, r->name);
    snprintf(p->practice.locality, sizeof p->practice.locality, "%.*s",
             (int)sizeof p->practice.locality - 1, r->locality);
    p->sessions = r->sessions;
    p->distributed = r->distributed;
    p->list_size = r->list_size;
  }
  return eq;
}
