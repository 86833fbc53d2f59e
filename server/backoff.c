/* backoff.c - the login backoff table (backoff.h): a fixed array of
 * buckets; each key may sit in either of two, picked by the two halves of
 * a keyed hash.
 *
 * Slots are reused in place and never moved or emptied, so a key may sit
 * anywhere in its buckets: every lookup scans both (2 x BACKOFF_BUCKET
 * slots), for the key and for reusable slots at once, so a key is never in
 * two slots.
 */
#include "backoff.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "siphash.h"

struct backoff_table {
  uint8_t sipkey[SIPHASH_KEY_LEN];
  uint32_t mask;   /* slots - 1 */
  uint32_t bucket; /* slots per bucket: BACKOFF_BUCKET, or all if fewer */
  uint32_t bmask;  /* buckets - 1 */
  backoff_entry *slot;
};

_Static_assert(sizeof(backoff_entry) == 80, "backoff.h documents 80 bytes");

backoff_table *backoff_new(uint32_t slots) {
  uint32_t n = 8;
  while (n < slots && n < (1u << 30))
    n <<= 1;
  backoff_table *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->slot = calloc(n, sizeof *t->slot);
  if (!t->slot || RAND_bytes(t->sipkey, sizeof t->sipkey) != 1) {
    backoff_free(t);
    return NULL;
  }
  t->mask = n - 1;
  t->bucket = n < BACKOFF_BUCKET ? n : BACKOFF_BUCKET;
  t->bmask = n / t->bucket - 1;
  return t;
}

void backoff_free(backoff_table *t) {
  if (!t) return;
  OPENSSL_cleanse(t->sipkey, sizeof t->sipkey);
  free(t->slot);
  free(t);
}

uint32_t backoff_slots(const backoff_table *t) {
  return t->mask + 1;
}

/* When e may be given to another key (or its own starts afresh); 0 for
 * now, UINT64_MAX while a check holds it. */
static uint64_t reusable_at(const backoff_entry *e) {
  if (!e->key[0]) return 0;
  if (e->busy) return UINT64_MAX;
  uint64_t at = e->failures ? e->last_ms + BACKOFF_FORGET_MS : 0;
  return e->until_ms > at ? e->until_ms : at;
}

static int live(const backoff_entry *e, uint64_t now) {
  return reusable_at(e) > now;
}

/* Scans key's two buckets: *own gets the slot holding key (live or not),
 * *spare a reusable slot in the bucket with more of them, *soonest when
 * the next slot will be reusable (UINT64_MAX: none known). */
static void scan(backoff_table *t, const char *key, uint64_t now,
                 backoff_entry **own, backoff_entry **spare,
                 uint64_t *soonest) {
  uint64_t h = siphash24(t->sipkey, key, strlen(key));
  uint32_t b[2] = {(uint32_t)h & t->bmask, (uint32_t)(h >> 32) & t->bmask};
  uint32_t best = 0;
  *own = *spare = NULL;
  *soonest = UINT64_MAX;
  for (int j = 0; j < (b[0] == b[1] ? 1 : 2); j++) {
    backoff_entry *first = NULL;
    uint32_t free_n = 0;
    for (uint32_t k = 0; k < t->bucket; k++) {
      backoff_entry *e = &t->slot[b[j] * t->bucket + k];
      if (e->key[0] && strcmp(e->key, key) == 0) {
        *own = e;
        return;
      }
      uint64_t at = reusable_at(e);
      if (at <= now) {
        if (!free_n++) first = e;
      } else if (at < *soonest) {
        *soonest = at;
      }
    }
    if (free_n > best) best = free_n, *spare = first;
  }
}

backoff_entry *backoff_find(backoff_table *t, const char *key, uint64_t now) {
  backoff_entry *own, *spare;
  uint64_t soonest;
  if (strlen(key) >= BACKOFF_KEY_MAX) return NULL;
  scan(t, key, now, &own, &spare, &soonest);
  return own && live(own, now) ? own : NULL;
}

backoff_entry *backoff_claim(backoff_table *t, const char *key, uint64_t now,
                             uint64_t *retry_ms) {
  backoff_entry *own, *spare;
  uint64_t soonest;
  *retry_ms = 1000;
  if (strlen(key) >= BACKOFF_KEY_MAX) return NULL;
  scan(t, key, now, &own, &spare, &soonest);
  backoff_entry *e = own ? own : spare;
  if (!e) {
    if (soonest != UINT64_MAX && soonest - now > *retry_ms)
      *retry_ms = soonest - now;
    return NULL;
  }
  if (e != own || !live(e, now)) {
    memset(e, 0, sizeof *e);
    snprintf(e->key, sizeof e->key, "%s", key);
  }
  return e;
}

uint64_t backoff_wait(const backoff_entry *e, uint64_t now) {
  return e->until_ms > now ? e->until_ms - now : 0;
}

/* The wait after `failures` attempts, 0 within the free tries. */
static uint64_t wait_for(uint32_t failures, uint32_t free_tries) {
  if (failures < free_tries) return 0;
  uint32_t over = failures - free_tries;
  uint64_t wait = over >= 20 ? BACKOFF_MAX_MS : (1000ull << over);
  return wait > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : wait;
}

uint64_t backoff_count(backoff_entry *e, uint32_t free_tries, uint64_t now) {
  uint64_t prev = e->until_ms;
  e->failures++;
  e->last_ms = now;
  uint64_t wait = wait_for(e->failures, free_tries);
  if (wait) e->until_ms = now + wait;
  return prev;
}

void backoff_restamp(backoff_entry *e, uint32_t free_tries, uint64_t now) {
  uint64_t wait = wait_for(e->failures, free_tries);
  if (wait && now + wait > e->until_ms) e->until_ms = now + wait;
}

void backoff_uncount(backoff_entry *e, uint64_t prev_until,
                     uint64_t set_until) {
  if (e->failures) e->failures--;
  if (e->until_ms == set_until) e->until_ms = prev_until;
}

void backoff_clear(backoff_entry *e) {
  e->failures = 0;
  e->until_ms = 0;
}

void backoff_addr_key(const char *peer, char out[BACKOFF_KEY_MAX]) {
  struct in6_addr a6;
  char txt[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET6, peer, &a6) != 1) {
    snprintf(out, BACKOFF_KEY_MAX, "a:%s", peer);
    return;
  }
  if (IN6_IS_ADDR_V4MAPPED(&a6)) {
    if (inet_ntop(AF_INET, a6.s6_addr + 12, txt, sizeof txt))
      snprintf(out, BACKOFF_KEY_MAX, "a:%s", txt);
    else
      snprintf(out, BACKOFF_KEY_MAX, "a:%s", peer);
    return;
  }
  memset(a6.s6_addr + 8, 0, 8);
  if (inet_ntop(AF_INET6, &a6, txt, sizeof txt))
    snprintf(out, BACKOFF_KEY_MAX, "a:%s/64", txt);
  else
    snprintf(out, BACKOFF_KEY_MAX, "a:%s", peer);
}

void backoff_pair_key(const char *username, const char *addr_key,
                      char out[BACKOFF_KEY_MAX]) {
  uint8_t md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_MD_CTX *c = EVP_MD_CTX_new();
  /* The NUL between them: "ab"+"c" and "a"+"bc" are different pairs. */
  int ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) &&
           EVP_DigestUpdate(c, username, strlen(username) + 1) &&
           EVP_DigestUpdate(c, addr_key, strlen(addr_key)) &&
           EVP_DigestFinal_ex(c, md, &n) && n >= 16;
  EVP_MD_CTX_free(c);
  if (!ok) {
    /* Out of memory in OpenSSL: the username alone, so the pair is
     * limited no less than a username was before pairs were kept. */
    snprintf(out, BACKOFF_KEY_MAX, "p:%.32s", username);
    return;
  }
  memcpy(out, "p:", 2);
  for (int i = 0; i < 16; i++)
    snprintf(out + 2 + 2 * i, 3, "%02x", md[i]);
}

uint64_t backoff_admit_wait(const backoff_entry *user,
                            const backoff_entry *pair,
                            const backoff_entry *addr, uint64_t now) {
  uint64_t wait = backoff_wait(pair, now);
  if (addr && backoff_wait(addr, now) > wait) wait = backoff_wait(addr, now);
  /* The ceiling holds back only an address that has failed for this
   * username: the owner's own PC, which has not, still gets in. */
  if (pair->failures && backoff_wait(user, now) > wait)
    wait = backoff_wait(user, now);
  return wait;
}
