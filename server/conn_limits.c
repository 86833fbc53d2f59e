/* conn_limits.c - per-address counts of connections not yet logged in, the
 * refusal margin, and fitting --max-conns into the open-file limit (see
 * conn_limits.h for the invariants).
 *
 * The table: a bucket array of entry indexes and a pool of cfg.max_conns
 * entries threaded through `next`, with the unused ones on a free list.
 * Nothing is allocated after start, so a flood cannot make a count fail
 * for want of memory, and no entry is ever evicted. Buckets are chosen by
 * SipHash-2-4 under a key drawn at start: an attacker who controls many
 * addresses (an IPv6 block) cannot aim them all at one chain.
 *
 * Linux and POSIX (getrlimit, /proc/self/fd): server/ only.
 */
#include "conn_limits.h"

#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <openssl/rand.h>

#include "log.h"

#define LIMITS_NONE UINT32_MAX
/* Refused connections held at once to be told to retry; past it a new one
 * is closed without a word. Smaller when open files are short. */
#define LIMITS_MARGIN_MAX 64
/* Files pcnd may open after start besides client connections: control
 * socket clients (16), a backup and its directory, a certificate reload,
 * and slack. --metrics adds its own scrapes (up to 32 at once). */
#define LIMITS_FILES_SPARE 24
#define LIMITS_FILES_METRICS 32
/* When /proc/self/fd cannot be read: a generous count of pcnd's own. */
#define LIMITS_FILES_OPEN_GUESS 32

typedef struct anon_addr {
  uint8_t key[CONN_ADDR_KEY];
  uint32_t count; /* open connections from here, not logged in */
  uint32_t next;  /* the next entry in its bucket, or on the free list */
} anon_addr;

struct conn_limits {
  uint8_t sipkey[16];
  uint32_t mask;     /* buckets - 1 */
  uint32_t *buckets; /* index of each chain's first entry, or LIMITS_NONE */
  anon_addr *pool;   /* cfg.max_conns entries */
  uint32_t free_head;
  uint32_t refused; /* open connections that are being told to retry */
  uint32_t margin;  /* how many of those may be open at once */
};

/* ------------------------------------------------------------ hashing */

static uint64_t sip_rotl(uint64_t x, int b) {
  return (x << b) | (x >> (64 - b));
}

static uint64_t sip_le64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = v << 8 | p[i];
  return v;
}

#define SIP_ROUND(v0, v1, v2, v3)                                              \
  do {                                                                         \
    v0 += v1;                                                                  \
    v1 = sip_rotl(v1, 13);                                                     \
    v1 ^= v0;                                                                  \
    v0 = sip_rotl(v0, 32);                                                     \
    v2 += v3;                                                                  \
    v3 = sip_rotl(v3, 16);                                                     \
    v3 ^= v2;                                                                  \
    v0 += v3;                                                                  \
    v3 = sip_rotl(v3, 21);                                                     \
    v3 ^= v0;                                                                  \
    v2 += v1;                                                                  \
    v1 = sip_rotl(v1, 17);                                                     \
    v1 ^= v2;                                                                  \
    v2 = sip_rotl(v2, 32);                                                     \
  } while (0)

/* SipHash-2-4 of a 16-byte message. */
static uint64_t sip16(const uint8_t key[16], const uint8_t m[CONN_ADDR_KEY]) {
  uint64_t k0 = sip_le64(key), k1 = sip_le64(key + 8);
  uint64_t v0 = k0 ^ 0x736f6d6570736575ull, v1 = k1 ^ 0x646f72616e646f6dull;
  uint64_t v2 = k0 ^ 0x6c7967656e657261ull, v3 = k1 ^ 0x7465646279746573ull;
  uint64_t words[3] = {sip_le64(m), sip_le64(m + 8), (uint64_t)16 << 56};
  for (int i = 0; i < 3; i++) {
    v3 ^= words[i];
    SIP_ROUND(v0, v1, v2, v3);
    SIP_ROUND(v0, v1, v2, v3);
    v0 ^= words[i];
  }
  v2 ^= 0xff;
  for (int i = 0; i < 4; i++)
    SIP_ROUND(v0, v1, v2, v3);
  return v0 ^ v1 ^ v2 ^ v3;
}

void conn_addr_key(const struct sockaddr *sa, uint8_t key[CONN_ADDR_KEY]) {
  memset(key, 0, CONN_ADDR_KEY);
  if (sa->sa_family == AF_INET6) {
    const uint8_t *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
    static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0,    0,
                                         0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(a, v4mapped, 12) == 0)
      memcpy(key, a, 16); /* an IPv4 peer on a dual-stack socket */
    else
      memcpy(key, a, 8); /* the /64 */
  } else if (sa->sa_family == AF_INET) {
    key[10] = key[11] = 0xff;
    memcpy(key + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
  }
}

/* ------------------------------------------------------------ table */

static uint32_t *anon_slot(struct conn_limits *l,
                           const uint8_t key[CONN_ADDR_KEY]) {
  uint32_t *at = &l->buckets[sip16(l->sipkey, key) & l->mask];
  while (*at != LIMITS_NONE && memcmp(l->pool[*at].key, key, CONN_ADDR_KEY))
    at = &l->pool[*at].next;
  return at; /* the link that holds key's entry, or the chain's end */
}

int conn_limits_anon_take(server *s, const uint8_t key[CONN_ADDR_KEY]) {
  struct conn_limits *l = s->limits;
  uint32_t *at = anon_slot(l, key);
  if (*at != LIMITS_NONE) {
    anon_addr *e = &l->pool[*at];
    if (e->count >= s->cfg.max_anon_per_addr) return -1;
    e->count++;
    return 0;
  }
  if (l->free_head == LIMITS_NONE) return -1; /* cannot happen: see .h */
  uint32_t i = l->free_head;
  anon_addr *e = &l->pool[i];
  l->free_head = e->next;
  memcpy(e->key, key, CONN_ADDR_KEY);
  e->count = 1;
  e->next = LIMITS_NONE;
  *at = i;
  return 0;
}

void conn_limits_anon_release(server *s, const uint8_t key[CONN_ADDR_KEY]) {
  struct conn_limits *l = s->limits;
  uint32_t *at = anon_slot(l, key);
  if (*at == LIMITS_NONE) return;
  uint32_t i = *at;
  anon_addr *e = &l->pool[i];
  if (--e->count > 0) return;
  *at = e->next;
  e->next = l->free_head;
  l->free_head = i;
}

uint32_t conn_limits_anon_count(const server *s,
                                const uint8_t key[CONN_ADDR_KEY]) {
  uint32_t *at = anon_slot(s->limits, key);
  return *at == LIMITS_NONE ? 0 : s->limits->pool[*at].count;
}

uint32_t conn_limits_refused(const server *s) {
  return s->limits ? s->limits->refused : 0;
}

uint32_t conn_limits_margin(const server *s) {
  return s->limits ? s->limits->margin : LIMITS_MARGIN_MAX;
}

void conn_limits_refused_add(server *s, int delta) {
  s->limits->refused = (uint32_t)((int)s->limits->refused + delta);
}

/* ------------------------------------------------------------ files */

/* Descriptors open now, not counting the one used to look. */
static uint64_t files_open_now(void) {
  DIR *d = opendir("/proc/self/fd");
  if (!d) return LIMITS_FILES_OPEN_GUESS;
  uint64_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n > 0 ? n - 1 : 0;
}

/* The soft limit raised as far as the hard one allows; the limit now. */
static uint64_t files_raise_limit(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  if (rl.rlim_cur != rl.rlim_max) {
    struct rlimit want = rl;
    want.rlim_cur = rl.rlim_max;
    /* An unlimited hard limit is not a number Linux takes for files
     * (fs.nr_open is); try a large one instead. */
    if (want.rlim_cur == RLIM_INFINITY) want.rlim_cur = 1u << 20;
    if (setrlimit(RLIMIT_NOFILE, &want) == 0) rl.rlim_cur = want.rlim_cur;
  }
  return rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_cur;
}

/* Lowers cfg.max_conns (and the margin) until both fit in the files left
 * after pcnd's own. */
static int files_fit(server *s, uint32_t *margin, char *err, size_t errlen) {
  uint64_t limit = files_raise_limit();
  uint64_t reserve = files_open_now() + LIMITS_FILES_SPARE +
                     (s->cfg.metrics[0] ? LIMITS_FILES_METRICS : 0);
  uint64_t room = limit > reserve ? limit - reserve : 0;
  *margin = LIMITS_MARGIN_MAX;
  if ((uint64_t)s->cfg.max_conns + LIMITS_MARGIN_MAX <= room) return 0;
  if (room < 2) {
    snprintf(err, errlen,
             "The open-file limit of %llu leaves no room for client "
             "connections next to pcnd's own %llu files; raise it (ulimit "
             "-n, or LimitNOFILE= in the service unit).",
             (unsigned long long)limit, (unsigned long long)reserve);
    return -1;
  }
  *margin = (uint32_t)(room / 8);
  if (*margin < 1) *margin = 1;
  if (*margin > LIMITS_MARGIN_MAX) *margin = LIMITS_MARGIN_MAX;
  uint32_t fits = (uint32_t)(room - *margin);
  /* The default is a ceiling, not a request: fitting it is routine, so
   * only a --max-conns someone chose is worth a warning. */
  if (s->cfg.max_conns == PCND_MAX_CONNS_DEFAULT)
    pcnd_log(LOG_INFO,
             "Serving at most %u client connections at once, as many as the "
             "open-file limit of %llu fits.",
             fits, (unsigned long long)limit);
  else
    pcnd_log(LOG_WARNING,
             "The open-file limit of %llu fits %u client connections, not "
             "--max-conns %u; serving at most %u (more are told to retry): "
             "raise the limit (ulimit -n, or LimitNOFILE= in the service "
             "unit) to serve more.",
             (unsigned long long)limit, fits, s->cfg.max_conns, fits);
  s->cfg.max_conns = fits;
  return 0;
}

int conn_limits_start(server *s, char *err, size_t errlen) {
  uint32_t margin;
  if (files_fit(s, &margin, err, errlen)) return -1;
  struct conn_limits *l = calloc(1, sizeof *l);
  if (!l) {
    snprintf(err, errlen, "Out of memory.");
    return -1;
  }
  uint32_t n = s->cfg.max_conns, nb = 64;
  while (nb < n && nb < (1u << 20))
    nb <<= 1;
  l->mask = nb - 1;
  l->buckets = malloc(nb * sizeof *l->buckets);
  l->pool = calloc(n, sizeof *l->pool);
  if (!l->buckets || !l->pool) goto fail_table;
  if (RAND_bytes(l->sipkey, sizeof l->sipkey) != 1) {
    snprintf(err, errlen,
             "Could not draw random bytes for the connection table; check "
             "that the system's random source works.");
    goto fail_quiet;
  }
  memset(l->buckets, 0xff, nb * sizeof *l->buckets); /* LIMITS_NONE */
  for (uint32_t i = 0; i < n; i++)
    l->pool[i].next = i + 1 < n ? i + 1 : LIMITS_NONE;
  l->free_head = n ? 0 : LIMITS_NONE;
  l->margin = margin;
  s->limits = l;
  return 0;

fail_table:
  snprintf(err, errlen,
           "Out of memory for a table of %u connections; lower --max-conns.",
           n);
fail_quiet:
  free(l->pool);
  free(l->buckets);
  free(l);
  return -1;
}

void conn_limits_free(server *s) {
  struct conn_limits *l = s->limits;
  if (!l) return;
  free(l->pool);
  free(l->buckets);
  free(l);
  s->limits = NULL;
}
