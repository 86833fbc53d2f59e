/* init.h - `pcnd init` and `pcnd verify`, the offline commands. */
#ifndef PCND_INIT_H
#define PCND_INIT_H

#include <stddef.h>
#include <stdint.h>

#include "server.h"

#define INIT_MAX_HOSTS 16

typedef struct init_opts {
  const char *data_dir;
  const char *network;
  const char *listen; /* HOST:PORT */
  const char *hosts[INIT_MAX_HOSTS];
  size_t nhosts;
  const char *manager;      /* the first PCN manager's username */
  const char *manager_name; /* and display name */
  uint32_t invite_ttl_s;
  /* pcnd run will serve this chain (--tls-cert): the invitation pins its
   * root, the chain's last certificate, instead of the network CA. */
  const char *tls_cert;
  const char *ca_out; /* the CA key's directory, kept offline; NULL: DIR */
} init_opts;

/* Creates the network; writes the first PCN manager's invitation code into
 * code. 0, or -1 with a sentence in err. */
int pcnd_init(const init_opts *o, char *code, size_t codelen, char *err,
              size_t errlen);

/* Checks a store: schema, every index against its records, the feed's
 * hash chain. Prints a summary to stdout (json < 0: prints nothing); 0 if
 * sound, else -1 with the first problem in err. */
int pcnd_verify(const char *data_dir, int json, char *err, size_t errlen);

#endif
