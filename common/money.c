/* money.c - see money.h. */
#include "money.h"

#include <stdio.h>
#include <string.h>

int pcn_pence_parse(const char *s, int64_t *pence) {
  int neg = 0;
  if (*s == '-') {
    neg = 1;
    s++;
  }
  if (!strncmp(s, "\xc2\xa3", 2)) s += 2; /* £ in UTF-8 */
  if (*s == '-' && !neg) {                /* £-5 is written -£5 too */
    neg = 1;
    s++;
  }
  if (*s < '0' || *s > '9') return -1;
  int64_t whole = 0;
  int digits = 0, group = -1; /* digits since the last comma; -1: none yet */
  for (; *s && *s != '.'; s++) {
    if (*s == ',') {
      /* A comma follows one to three digits first, then exactly three. */
      if (group == -1 ? digits < 1 || digits > 3 : group != 3) return -1;
      group = 0;
      continue;
    }
    if (*s < '0' || *s > '9') return -1;
    if (whole > PCN_PENCE_MAX / 10) return -1;
    whole = whole * 10 + (*s - '0');
    digits++;
    if (group >= 0) group++;
  }
  if (group >= 0 && group != 3) return -1;
  int64_t frac = 0;
  if (*s == '.') {
    s++;
    int n = 0;
    for (; *s >= '0' && *s <= '9' && n < 2; s++, n++)
      frac = frac * 10 + (*s - '0');
    if (n == 0 || *s) return -1; /* "12." or three decimals or junk */
    if (n == 1) frac *= 10;
  }
  if (whole > (PCN_PENCE_MAX - frac) / 100) return -1;
  int64_t p = whole * 100 + frac;
  *pence = neg ? -p : p;
  return 0;
}

char *pcn_pence_format(int64_t pence, int with_pound, char *out) {
  char digits[24];
  int n = 0;
  uint64_t v = pence < 0 ? 0 - (uint64_t)pence : (uint64_t)pence;
  uint64_t pounds = v / 100;
  do {
    digits[n++] = (char)('0' + pounds % 10);
    pounds /= 10;
  } while (pounds);
  char *o = out;
  if (pence < 0) *o++ = '-';
  if (with_pound) {
    memcpy(o, "\xc2\xa3", 2);
    o += 2;
  }
  for (int i = n - 1; i >= 0; i--) {
    *o++ = digits[i];
    if (i && i % 3 == 0) *o++ = ',';
  }
  *o++ = '.';
  *o++ = (char)('0' + (v % 100) / 10);
  *o++ = (char)('0' + v % 10);
  *o = 0;
  return out;
}

/* floor(a * b / c) and the remainder, for a, b, c < 2^63, c > 0: a
 * 128-bit product by 32-bit halves, then long division one bit at a time
 * (portable; no __int128). */
static void mul_div(uint64_t a, uint64_t b, uint64_t c, uint64_t *q,
                    uint64_t *r) {
  uint64_t al = a & 0xffffffffu, ah = a >> 32, bl = b & 0xffffffffu,
           bh = b >> 32;
  uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
  uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
  uint64_t lo = (ll & 0xffffffffu) | (mid << 32);
  uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
  uint64_t quo = 0, rem = 0;
  for (int i = 127; i >= 0; i--) {
    uint64_t bit = i >= 64 ? (hi >> (i - 64)) & 1 : (lo >> i) & 1;
    rem = (rem << 1) | bit; /* rem < c < 2^63: no overflow */
    if (i < 64) quo <<= 1;
    if (rem >= c) {
      rem -= c;
      if (i < 64) quo |= 1;
    }
  }
  *q = quo;
  *r = rem;
}

int pcn_split(int64_t total, const int64_t *weights, size_t n, int64_t *parts) {
  if (total < 0 || n == 0 || n > PCN_SPLIT_MAX) return -1;
  uint64_t sum = 0;
  for (size_t i = 0; i < n; i++) {
    if (weights[i] < 0) return -1;
    sum += (uint64_t)weights[i];
    if (sum > (1ull << 62)) return -1;
  }
  if (sum == 0) return -1;
  /* Remainders, to rank who gets the pence left over. */
  uint64_t given = 0;
  uint64_t rems[PCN_SPLIT_MAX];
  for (size_t i = 0; i < n; i++) {
    uint64_t q, r;
    mul_div((uint64_t)total, (uint64_t)weights[i], sum, &q, &r);
    parts[i] = (int64_t)q;
    rems[i] = r;
    given += q;
  }
  uint64_t left = (uint64_t)total - given; /* < n */
  while (left--) {
    size_t best = n;
    for (size_t i = 0; i < n; i++)
      if (weights[i] && (best == n || rems[i] > rems[best])) best = i;
    parts[best]++;
    rems[best] = 0; /* one penny each */
  }
  /* The remainders sum to sum * left and each is below sum, so at least
   * `left` parts have one: nobody gets a penny without a remainder. */
  return 0;
}

int pcn_rate_parse(const char *s, int64_t *cp) {
  char whole[64];
  const char *dot = strchr(s, '.');
  size_t wl = dot ? (size_t)(dot - s) : strlen(s);
  if (!wl || wl >= sizeof whole || strchr(s, '-') || strchr(s, '+')) return -1;
  memcpy(whole, s, wl);
  whole[wl] = 0;
  int64_t pence, frac = 0;
  if (pcn_pence_parse(whole, &pence) || pence < 0 || pence % 100) return -1;
  if (dot) {
    size_t fl = strlen(dot + 1);
    if (fl < 1 || fl > 4) return -1;
    for (size_t i = 0; i < 4; i++) {
      char ch = i < fl ? dot[1 + i] : '0';
      if (ch < '0' || ch > '9') return -1;
      frac = frac * 10 + (ch - '0');
    }
  }
  *cp = pence * 100 + frac;
  return 0;
}

char *pcn_rate_format(int64_t cp, char *out) {
  char p[PCN_PENCE_BUF];
  int64_t rest = cp % 100;
  pcn_pence_format(cp / 100, 1, p);
  if (rest < 0) rest = -rest;
  if (!rest)
    snprintf(out, PCN_RATE_BUF, "%s", p);
  else if (rest % 10)
    snprintf(out, PCN_RATE_BUF, "%s%02lld", p, (long long)rest);
  else
    snprintf(out, PCN_RATE_BUF, "%s%lld", p, (long long)(rest / 10));
  return out;
}
