/* addr.c - parsing "HOST:PORT" (see addr.h). */
#include "addr.h"

#include <stdlib.h>
#include <string.h>

int pcn_split_hostport(const char *spec, char *host, size_t hostlen,
                       int *port) {
  const char *colon = strrchr(spec, ':');
  if (!colon || colon == spec) return -1;
  const char *h = spec;
  size_t hl = (size_t)(colon - spec);
  if (h[0] == '[') {
    if (hl < 2 || h[hl - 1] != ']') return -1;
    h++;
    hl -= 2;
  } else if (memchr(h, ':', hl)) {
    return -1; /* a bare IPv6 address needs brackets */
  }
  if (hl == 0 || hl >= hostlen) return -1;
  char *end;
  long p = strtol(colon + 1, &end, 10);
  if (*end || end == colon + 1 || p < 0 || p > 65535 || colon[1] == '-' ||
      colon[1] == '+')
    return -1;
  memcpy(host, h, hl);
  host[hl] = 0;
  *port = (int)p;
  return 0;
}
