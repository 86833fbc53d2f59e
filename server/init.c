/* init.c - `pcnd init`: a new network in a new data directory.
 *
 * Creates the directory (0700), the network CA and server certificate
 * (certs.c), the store with the network's identity and addresses, and the
 * first PCN manager's invitation, and the default responsibilities register
 * (duties.c). Writes no password anywhere: the PCN manager sets theirs
 * with `pcn join`. Refuses to touch a directory that
 * already holds a store.
 */
#include "init.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/rand.h>

#include "addr.h"
#include "areas.h"
#include "auth.h"
#include "certs.h"
#include "clock.h"
#include "encode.h"
#include "invite.h"
#include "validate.h"

static int is_unspecified(const char *host) {
  return strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0;
}

/* --tls-cert: the fingerprint of the chain's root, which clients will
 * pin; the chain must end with it. */
static int init_own_root(const char *chain, uint8_t fp[32], char *err,
                         size_t errlen) {
  static certs_info leaf, root; /* large; init runs once, single-threaded */
  if (certs_chain_info(chain, &leaf, &root, NULL, err, errlen)) return -1;
  if (!root.self_signed) {
    snprintf(err, errlen,
             "The last certificate in %s is not a self-signed root; append "
             "your organisation's root certificate to the file.",
             chain);
    return -1;
  }
  memcpy(fp, root.sha256, 32);
  return 0;
}

int pcnd_init(const init_opts *o, char *code, size_t codelen, char *err,
              size_t errlen) {
  char host[256], path[4096];
  int port;
  if (pcn_split_hostport(o->listen, host, sizeof host, &port)) {
    snprintf(err, errlen,
             "--listen '%s' is not HOST:PORT (for example 127.0.0.1:7443).",
             o->listen);
    return -1;
  }
  if (pcn_check_text(o->network, 120, 1, 0)) {
    snprintf(err, errlen, "--network needs a name of up to 120 characters.");
    return -1;
  }
  const char *why = pcn_check_username(o->manager);
  if (why) {
    snprintf(err, errlen, "--manager: %s", why);
    return -1;
  }
  if (mkdir(o->data_dir, 0700) != 0 && errno != EEXIST) {
    snprintf(err, errlen, "Could not create %s: %s.", o->data_dir,
             strerror(errno));
    return -1;
  }
  snprintf(path, sizeof path, "%s/data.mdb", o->data_dir);
  struct stat sb;
  if (stat(path, &sb) == 0) {
    snprintf(err, errlen,
             "%s already holds a network; start it with `pcnd run --data %s`, "
             "or choose another directory.",
             o->data_dir, o->data_dir);
    return -1;
  }

  /* The certificate names every --host, the listen address, and the
   * loopback names, de-duplicated by certs_create. */
  const char *hosts[INIT_MAX_HOSTS + 4];
  size_t nh = 0;
  for (size_t i = 0; i < o->nhosts && i < INIT_MAX_HOSTS; i++)
    hosts[nh++] = o->hosts[i];
  if (!is_unspecified(host)) hosts[nh++] = host;
  hosts[nh++] = "localhost";
  hosts[nh++] = "127.0.0.1";
  if (certs_create_ca_out(o->data_dir, o->ca_out, o->network, hosts, nh, err,
                          errlen))
    return -1;

  /* Invitations carry an address clients can reach: the listen address,
   * unless it is a wildcard, then the first --host. */
  char advertise[300];
  if (is_unspecified(host) && o->nhosts)
    snprintf(advertise, sizeof advertise,
             strchr(o->hosts[0], ':') ? "[%s]:%d" : "%s:%d", o->hosts[0], port);
  else if (is_unspecified(host))
    snprintf(advertise, sizeof advertise, "127.0.0.1:%d", port);
  else
    snprintf(advertise, sizeof advertise, "%s", o->listen);

  store st;
  if (store_open(&st, o->data_dir, 64u << 20, 1, err, errlen)) return -1;
  uint8_t raw[16];
  char netid[33], token[65];
  uint8_t token_hash[32], ca_fp[32];
  snprintf(path, sizeof path, "%s/ca.pem", o->data_dir);
  if (RAND_bytes(raw, sizeof raw) != 1 || auth_new_token(token, token_hash) ||
      (o->tls_cert ? init_own_root(o->tls_cert, ca_fp, err, errlen)
                   : certs_fingerprint_file(path, ca_fp, err, errlen))) {
    if (!err[0]) snprintf(err, errlen, "Could not make random numbers.");
    store_close(&st);
    return -1;
  }
  pcn_hex_encode(raw, sizeof raw, netid);
  int64_t now = pcn_now_ms();
  Pcn__InviteRecord inv = PCN__INVITE_RECORD__INIT;
  inv.username = (char *)o->manager;
  inv.display_name = (char *)o->manager_name;
  inv.role = PCN__ROLE__PCN_MANAGER;
  inv.practice = "";
  inv.expires_at = now + (int64_t)o->invite_ttl_s * 1000;
  inv.created_by = "pcnd init";

  MDB_txn *txn;
  int rc = mdb_txn_begin(st.env, NULL, 0, &txn);
  if (!rc) rc = store_meta_put_str(txn, &st, META_NETWORK_NAME, o->network);
  if (!rc) rc = store_meta_put_str(txn, &st, META_NETWORK_ID, netid);
  if (!rc) rc = store_meta_put_str(txn, &st, META_LISTEN, o->listen);
  if (!rc) rc = store_meta_put_str(txn, &st, META_ADVERTISE, advertise);
  if (!rc) rc = auth_invite_put(txn, &st, token_hash, &inv);
  /* The default responsibilities register: part of a new network, like
   * its name, so no events (nobody has joined to be told). */
  if (!rc) rc = duties_seed(txn, &st, now, NULL, NULL);
  if (!rc)
    rc = mdb_txn_commit(txn);
  else
    mdb_txn_abort(txn);
  store_close(&st);
  if (rc) {
    snprintf(err, errlen, "Could not write the new store: %s.",
             mdb_strerror(rc));
    return -1;
  }
  pcn_invite ic;
  memset(&ic, 0, sizeof ic);
  snprintf(ic.server, sizeof ic.server, "%s", advertise);
  memcpy(ic.ca_sha256, ca_fp, 32);
  memcpy(ic.token, token, 65);
  ic.expires_at = inv.expires_at;
  snprintf(ic.network_name, sizeof ic.network_name, "%s", o->network);
  if (pcn_invite_encode(&ic, code, codelen)) {
    snprintf(err, errlen, "The invitation code does not fit.");
    return -1;
  }
  return 0;
}
