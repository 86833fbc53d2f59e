/* report_pb.h - the server's answers (proto) as the renderer's plain
 * structs (report.h): a month's FundsStatementPage as a pcn_statement and
 * a StaffEquityReport as a pcn_equity. The CLI's PDF and pcn-desktop's
 * charts both build them here, so what a practice manager files and what
 * the window draws cannot drift apart.
 *
 * Ownership: the structs returned are the caller's, freed with
 * pcn_statement_free / pcn_equity_free; nothing here keeps a pointer to
 * the proto messages, which may be freed as soon as the call returns.
 */
#ifndef PCN_REPORT_PB_H
#define PCN_REPORT_PB_H

#include "pcn.pb-c.h"
#include "report.h"

/* The practices and streams a statement names, copied out of their
 * responses (a response lives only until the next call). About 60 KB:
 * keep it static or on the heap. */
typedef struct report_pb_names {
  pcn_report_practice p[PCN_REPORT_MAX_PRACTICES];
  size_t np;
  pcn_report_stream s[PCN_REPORT_MAX_STREAMS];
  size_t ns;
} report_pb_names;

/* Adds the practices (names, ODS codes) and the streams (names) of the
 * network's lists; a practice or stream already there is renamed. */
void report_pb_add_practices(report_pb_names *nm, Pcn__Practice *const *p,
                             size_t n);
void report_pb_add_streams(report_pb_names *nm, Pcn__FundsStream *const *s,
                           size_t n);

/* The index of stream code in nm, added (named by its code) when missing;
 * (size_t)-1 when nm is full. Budgets are set on nm->s[] through it. */
size_t report_pb_stream(report_pb_names *nm, const char *code);

/* The month's statement for the renderer: network is the network's name,
 * focus "" or the ODS code whose tables alone are shown, now_ms the time
 * it is made. nm gains any practice or stream the page names that it
 * lacks. NULL with a sentence in err when the page cannot be one (too
 * many practices or streams, or its figures do not add up to its
 * totals). See report_pb.c for how each figure is filled. */
pcn_statement *report_pb_statement(const Pcn__FundsStatementPage *pg,
                                   report_pb_names *nm, const char *network,
                                   const char *focus, int64_t now_ms, char *err,
                                   size_t n);

/* The equity report for the renderer: each practice's sessions, money,
 * list size and locality, in the server's order (pcn_equity_shares then
 * gives the server's shares, to the basis point). NULL if out of memory
 * or the report has more practices than the renderer holds. */
pcn_equity *report_pb_equity(const Pcn__StaffEquityReport *q,
                             const char *network, int64_t now_ms);

#endif
