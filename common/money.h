/* money.h - amounts of money as whole pence in 64-bit integers (issue 7):
 * never floating point. Reading and writing pounds as people write them,
 * and splitting a sum into parts that add up to it exactly.
 *
 * Splits use the largest-remainder method: each part gets the floor of its
 * exact share, and the pence left over go one each to the parts with the
 * largest remainders, ties going to the earlier part (so the same inputs
 * always give the same split, whatever the platform).
 */
#ifndef PCN_MONEY_H
#define PCN_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* The largest amount handled: a hundred billion pounds, far beyond a
 * network's money, and far from int64 overflow when summed. */
#define PCN_PENCE_MAX (10000000000000LL)

/* Parses "1234.56", "1,234.56", "£1,234.56", "-12.5", "12" into pence.
 * Commas must group thousands; at most two decimal places. 0, or -1 for
 * anything else (including beyond PCN_PENCE_MAX). */
int pcn_pence_parse(const char *s, int64_t *pence);

/* Writes pence as "1,234.56" ("-1,234.56" when negative) into out (at
 * least PCN_PENCE_BUF bytes); with_sign_pound: "£1,234.56". Returns out. */
#define PCN_PENCE_BUF 32
char *pcn_pence_format(int64_t pence, int with_pound, char *out);

/* Rates (issue 7's funding plan) are hundredths of a penny, so published
 * per-patient rates such as £1.5023 are exact. pcn_rate_parse reads
 * pounds with up to four decimal places ("1.5023", "£68,000", commas
 * grouping thousands), 0 or more: 0, or -1 for anything else. */
int pcn_rate_parse(const char *s, int64_t *cp);
/* Writes cp as pounds with two to four decimals, "£1.5023", "£68,000.00",
 * "£120.50" (no trailing zeros past two), into out (PCN_RATE_BUF bytes);
 * returns out. */
#define PCN_RATE_BUF (PCN_PENCE_BUF + 8)
char *pcn_rate_format(int64_t cp, char *out);

#define PCN_SPLIT_MAX 256 /* parts in one split */

/* Splits total (>= 0) into n parts (1 to PCN_SPLIT_MAX) in proportion to
 * weights (each >= 0, not all 0). parts[i] sum to total exactly. 0, or -1 if
 * the weights are all zero, negative, or too large (sum above 2^62). */
int pcn_split(int64_t total, const int64_t *weights, size_t n, int64_t *parts);

#endif
