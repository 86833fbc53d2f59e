/* invite.h - invitation codes: "pcn1-" + unpadded base64url of a
 * pcn.InviteCode (server address, CA fingerprint, one-time token, expiry,
 * network name). The server makes them; `pcn join` reads them.
 */
#ifndef PCN_INVITE_H
#define PCN_INVITE_H

#include <stddef.h>
#include <stdint.h>

#define PCN_INVITE_PREFIX "pcn1-"
#define PCN_INVITE_MAX 512

typedef struct pcn_invite {
  char server[300];
  uint8_t ca_sha256[32];
  char token[65];
  int64_t expires_at;
  char network_name[128];
} pcn_invite;

/* Writes the code into out (PCN_INVITE_MAX bytes). 0, or -1 if too long. */
int pcn_invite_encode(const pcn_invite *inv, char *out, size_t outlen);
/* Parses a code; 0, or -1 with a sentence in err. Surrounding white space
 * is ignored. */
int pcn_invite_decode(const char *code, pcn_invite *inv, char *err,
                      size_t errlen);

#endif
