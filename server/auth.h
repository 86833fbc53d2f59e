/* auth.h - accounts, passwords, sessions and invitations.
 *
 * Passwords are Argon2id, hashed and verified on the libuv threadpool,
 * never on the loop. Session tokens are 256 random bits; the store keeps
 * only their SHA-256. Failed logins back off per username and per address,
 * and an unknown username costs the same verify and gets the same answer
 * as a wrong password.
 */
#ifndef PCND_AUTH_H
#define PCND_AUTH_H

#include "dispatch.h"

/* Prepares password hashing and the login backoff table. */
int auth_init(server *s, char *err, size_t errlen);
void auth_free(server *s);

/* A new token: 64 hex digits (and NUL) plus its SHA-256. 0 or -1. */
int auth_new_token(char hex[65], uint8_t hash[32]);
/* SHA-256 of a hex token as text, the key it is stored under. */
void auth_token_hash(const char *hex, uint8_t hash[32]);

/* Argon2id with the configured parameters; 0 or -1. Any thread. */
int auth_hash_password(uint32_t m_kib, uint32_t t, const char *pw, char *out,
                       size_t outlen);

/* Writer: stores an invitation under SHA-256(token). */
int auth_invite_put(MDB_txn *txn, store *st, const uint8_t hash[32],
                    const Pcn__InviteRecord *rec);
/* Writer: deletes every session of a member but `keep` (may be NULL). */
int auth_sessions_revoke(MDB_txn *txn, store *st, uint32_t member_id,
                         const uint8_t *keep);

/* Loop: submits a write that deletes expired sessions and invitations. */
void auth_purge_expired(server *s);
/* The same for sessions only: when the test clock moves (issue 20), so a
 * restart finds the sessions that ended by the new time gone. Expired
 * invitations stay, to be refused as expired rather than unknown. */
void auth_purge_sessions(server *s);

/* Loop: a member's record changed; refresh or close their connections. */
void auth_member_changed(server *s, const Pcn__Member *m);

#endif
