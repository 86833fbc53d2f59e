/* invite.c - encoding and decoding invitation codes (see invite.h). */
#include "invite.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "encode.h"
#include "pcn.pb-c.h"

int pcn_invite_encode(const pcn_invite *inv, char *out, size_t outlen) {
  Pcn__InviteCode ic = PCN__INVITE_CODE__INIT;
  ic.server = (char *)inv->server;
  ic.ca_sha256.data = (uint8_t *)inv->ca_sha256;
  ic.ca_sha256.len = 32;
  ic.token = (char *)inv->token;
  ic.expires_at = inv->expires_at;
  ic.network_name = (char *)inv->network_name;
  uint8_t buf[PCN_INVITE_MAX];
  size_t n = pcn__invite_code__get_packed_size(&ic);
  size_t prefix = strlen(PCN_INVITE_PREFIX);
  if (n > sizeof buf || prefix + pcn_b64url_len(n) + 1 > outlen) return -1;
  pcn__invite_code__pack(&ic, buf);
  memcpy(out, PCN_INVITE_PREFIX, prefix);
  pcn_b64url_encode(buf, n, out + prefix);
  return 0;
}

int pcn_invite_decode(const char *code, pcn_invite *inv, char *err,
                      size_t errlen) {
  const char *bad = "That is not a PCN Hub invitation code; copy the whole "
                    "code, which starts with pcn1-.";
  while (isspace((unsigned char)*code))
    code++;
  size_t len = strlen(code);
  while (len && isspace((unsigned char)code[len - 1]))
    len--;
  size_t prefix = strlen(PCN_INVITE_PREFIX);
  char body[PCN_INVITE_MAX];
  if (len <= prefix || len - prefix >= sizeof body ||
      strncmp(code, PCN_INVITE_PREFIX, prefix) != 0) {
    snprintf(err, errlen, "%s", bad);
    return -1;
  }
  memcpy(body, code + prefix, len - prefix);
  body[len - prefix] = 0;
  uint8_t raw[PCN_INVITE_MAX];
  long n = pcn_b64url_decode(body, raw);
  Pcn__InviteCode *ic =
      n > 0 ? pcn__invite_code__unpack(NULL, (size_t)n, raw) : NULL;
  if (!ic) {
    snprintf(err, errlen, "%s", bad);
    return -1;
  }
  int rc = -1;
  if (ic->ca_sha256.len != 32 || strlen(ic->token) != 64 ||
      strlen(ic->server) >= sizeof inv->server || !ic->server[0]) {
    snprintf(err, errlen, "%s", bad);
    goto done;
  }
  memset(inv, 0, sizeof *inv);
  snprintf(inv->server, sizeof inv->server, "%s", ic->server);
  memcpy(inv->ca_sha256, ic->ca_sha256.data, 32);
  memcpy(inv->token, ic->token, 65);
  inv->expires_at = ic->expires_at;
  snprintf(inv->network_name, sizeof inv->network_name, "%s", ic->network_name);
  rc = 0;
done:
  pcn__invite_code__free_unpacked(ic, NULL);
  return rc;
}
