/* addr.h - server addresses as people write them: "HOST:PORT",
 * "[V6]:PORT". Portable. */
#ifndef PCN_ADDR_H
#define PCN_ADDR_H

#include <stddef.h>

/* Splits spec into host (brackets removed) and port. 0, or -1 if spec is
 * not HOST:PORT with a port from 0 to 65535. */
int pcn_split_hostport(const char *spec, char *host, size_t hostlen, int *port);

#endif
