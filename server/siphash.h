/* siphash.h - SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit
 * hash, for tables whose keys an outsider chooses.
 *
 * With a secret random key, an attacker who cannot see the hashes cannot
 * pick keys that land on a slot of their choosing, so they cannot crowd out
 * or overwrite another key's entry on purpose. It is a PRF, not a MAC for
 * anything stored or sent.
 */
#ifndef PCND_SIPHASH_H
#define PCND_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN 16

/* The 64-bit SipHash-2-4 of len bytes at p under key. Pure; any thread. */
uint64_t siphash24(const uint8_t key[SIPHASH_KEY_LEN], const void *p,
                   size_t len);

#endif
