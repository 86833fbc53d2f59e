/* cert_cmd.c - `pcnd cert status` and `pcnd cert renew`: the certificates'
 * lifecycle from the server host's command line (certs.h does the work).
 *
 * Offline commands: they read and write files in the data directory and
 * never open the store, so they are safe beside a running pcnd, which
 * takes a renewed certificate on SIGHUP (certs_live.c).
 *
 * status's exit code is for monitoring: 0 both certificates have more
 * than 60 days left, 3 one is within 60 days of its end, 4 one has
 * expired, 1 a file could not be read or the command line is wrong.
 */
#include "cert_cmd.h"

#include <getopt.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "certs.h"
#include "clock.h"
#include "encode.h"

#define RENEW_SOON_DAYS 60
#define MAX_HOSTS (CERTS_INFO_HOSTS + 16)

enum { ST_OK = 0, ST_FAIL = 1, ST_SOON = 3, ST_EXPIRED = 4 };

static void iso_time(int64_t unix_s, char out[32]) {
  time_t t = (time_t)unix_s;
  struct tm tm;
  if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
    snprintf(out, 32, "?");
}

static int64_t days_left(const certs_info *c) {
  int64_t left_s = c->not_after - pcn_now_ms() / 1000;
  return left_s >= 0 ? left_s / 86400 : -((-left_s + 86399) / 86400);
}

static int state_of(const certs_info *c) {
  int64_t d = days_left(c);
  return d < 0 ? ST_EXPIRED : d <= RENEW_SOON_DAYS ? ST_SOON : ST_OK;
}

static const char *state_word(int st) {
  return st == ST_EXPIRED ? "expired" : st == ST_SOON ? "renew_soon" : "ok";
}

static json_t *info_json(const certs_info *c, const char *file) {
  char nb[32], na[32], fp[65];
  iso_time(c->not_before, nb);
  iso_time(c->not_after, na);
  pcn_hex_encode(c->sha256, 32, fp);
  json_t *hosts = json_array();
  for (size_t i = 0; i < c->nhosts; i++)
    json_array_append_new(hosts, json_string(c->hosts[i]));
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:o}",
                   "file", file, "subject", c->subject, "issuer", c->issuer,
                   "serial", c->serial, "not_before", nb, "not_after", na,
                   "not_after_unix", (json_int_t)c->not_after, "days_left",
                   (json_int_t)days_left(c), "state", state_word(state_of(c)),
                   "sha256", fp, "hosts", hosts);
}

static void info_print(const char *title, const certs_info *c, const char *file,
                       const char *advice) {
  char na[32], fp[65];
  iso_time(c->not_after, na);
  pcn_hex_encode(c->sha256, 32, fp);
  int64_t d = days_left(c);
  printf("%s (%s)\n  subject   %s\n  serial    %s\n  expires   %s (%s%lld "
         "days%s)\n",
         title, file, c->subject, c->serial, na, d < 0 ? "expired " : "",
         (long long)(d < 0 ? -d : d), d < 0 ? " ago" : " left");
  if (c->nhosts) {
    printf("  names    ");
    for (size_t i = 0; i < c->nhosts; i++)
      printf(" %s", c->hosts[i]);
    printf("\n");
  }
  printf("  sha256    %s\n", fp);
  if (state_of(c) != ST_OK) printf("  -> %s\n", advice);
}

static void usage_cert(FILE *f) {
  fprintf(f,
          "Usage:\n"
          "  pcnd cert status --data DIR [--tls-cert FILE] [--json]\n"
          "  pcnd cert renew --data DIR [--host NAME_OR_IP]... [--ca-key FILE]\n"
          "                  [--json]\n\n"
          "status  prints when the server certificate and the root clients\n"
          "        trust (the network CA, or with --tls-cert the last\n"
          "        certificate of FILE) expire. Exit code: 0 both have more\n"
          "        than 60 days left, 3 one is within 60 days, 4 one has\n"
          "        expired, 1 a file could not be read.\n"
          "renew   issues a new server key and certificate (825 days) from\n"
          "        the network CA in DIR, naming everything the current one\n"
          "        names plus each --host. The old pair is kept as\n"
          "        server.pem.prev and server.key.prev. Clients trust the CA,\n"
          "        so nothing changes for them. A running pcnd takes the new\n"
          "        certificate on SIGHUP without dropping connections:\n"
          "          kill -HUP $(pidof pcnd)    or    systemctl reload pcnd\n"
          "        --ca-key FILE: the CA's key, when pcnd init --ca-out kept\n"
          "        it out of DIR (mount the medium, renew, take it away).\n\n"
          "Both are safe while pcnd runs. See docs/certificates.md, which\n"
          "also says how the ten-year CA is rolled over.\n");
}

static int cert_status(const char *dir, const char *tls_cert, int json) {
  char chain[4096], rootf[4096], err[600];
  certs_info *leaf = calloc(1, sizeof *leaf), *root = calloc(1, sizeof *root);
  int rc = ST_FAIL;
  if (!leaf || !root) goto out;
  if (tls_cert) {
    snprintf(chain, sizeof chain, "%s", tls_cert);
    snprintf(rootf, sizeof rootf, "%s", tls_cert);
  } else {
    snprintf(chain, sizeof chain, "%s/server.pem", dir);
    snprintf(rootf, sizeof rootf, "%s/ca.pem", dir);
  }
  if (certs_chain_info(chain, leaf, tls_cert ? root : NULL, NULL, err,
                       sizeof err) ||
      (!tls_cert &&
       certs_chain_info(rootf, root, NULL, NULL, err, sizeof err))) {
    fprintf(stderr, "pcnd cert status: %s\n", err);
    goto out;
  }
  int a = state_of(leaf), b = state_of(root);
  rc = a > b ? a : b;
  /* Where the key that renews is: the data directory, or (pcnd init
   * --ca-out) somewhere offline. Not asked of an organisation's PKI. */
  const char *ca_key = "external";
  if (!tls_cert) {
    char keyf[4200];
    snprintf(keyf, sizeof keyf, "%s/ca.key", dir);
    ca_key = access(keyf, F_OK) == 0 ? "data_dir" : "offline";
  }
  if (json) {
    json_t *o = json_pack("{s:o, s:o, s:s, s:s}", "server",
                          info_json(leaf, chain), "root",
                          info_json(root, rootf), "state", state_word(rc),
                          "ca_key", ca_key);
    char *s = json_dumps(o, JSON_INDENT(2));
    if (s) printf("%s\n", s);
    free(s);
    json_decref(o);
  } else {
    info_print("Server certificate", leaf, chain,
               tls_cert ? "install a renewed one from your PKI, then send "
                          "pcnd SIGHUP."
                        : "renew it: pcnd cert renew --data DIR, then send "
                          "pcnd SIGHUP.");
    info_print(tls_cert ? "Root certificate" : "Network CA", root, rootf,
               "roll it over as docs/certificates.md describes.");
    if (!tls_cert)
      printf("  key       %s\n",
             !strcmp(ca_key, "data_dir")
                 ? "in the data directory (ca.key)"
                 : "kept offline (renew with --ca-key FILE)");
  }

out:
  free(leaf);
  free(root);
  return rc;
}

static int cert_renew(const char *dir, const char *ca_key,
                      const char *const *extra, size_t nextra, int json) {
  char path[4096], err[600], na[32];
  const char *hosts[MAX_HOSTS];
  size_t n = 0;
  certs_info *cur = calloc(1, sizeof *cur), *issued = calloc(1, sizeof *issued);
  int rc = ST_FAIL;
  if (!cur || !issued) goto out;
  /* The new certificate answers to every name the current one does, so
   * no client's address stops working; --host adds names. */
  snprintf(path, sizeof path, "%s/server.pem", dir);
  if (certs_chain_info(path, cur, NULL, NULL, err, sizeof err) == 0) {
    for (size_t i = 0; i < cur->nhosts; i++)
      hosts[n++] = cur->hosts[i];
  } else if (nextra == 0) {
    fprintf(stderr,
            "pcnd cert renew: %s Name every host clients use with --host "
            "(repeat it).\n",
            err);
    goto out;
  }
  for (size_t i = 0; i < nextra && n < MAX_HOSTS; i++)
    hosts[n++] = extra[i];
  if (n == 0) {
    fprintf(stderr, "pcnd cert renew: the current certificate names no host; "
                    "name every host clients use with --host.\n");
    goto out;
  }
  if (certs_renew_with(dir, ca_key, hosts, n, issued, err, sizeof err)) {
    fprintf(stderr, "pcnd cert renew: %s\n", err);
    goto out;
  }
  rc = 0;
  if (json) {
    json_t *o = info_json(issued, path);
    char *s = json_dumps(o, JSON_INDENT(2));
    if (s) printf("%s\n", s);
    free(s);
    json_decref(o);
    goto out;
  }
  iso_time(issued->not_after, na);
  printf("Issued a new server certificate, serial %s, valid until %s, for",
         issued->serial, na);
  for (size_t i = 0; i < issued->nhosts; i++)
    printf(" %s", issued->hosts[i]);
  printf(".\nA running pcnd serves it once told: kill -HUP $(pidof pcnd) "
         "(or systemctl reload pcnd).\nThe previous pair is kept as "
         "server.pem.prev and server.key.prev.\n");

out:
  free(cur);
  free(issued);
  return rc;
}

int pcnd_cert_main(int argc, char **argv) {
  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
      !strcmp(argv[1], "help")) {
    usage_cert(argc < 2 ? stderr : stdout);
    return argc < 2 ? ST_FAIL : 0;
  }
  const char *verb = argv[1];
  int is_status = !strcmp(verb, "status"), is_renew = !strcmp(verb, "renew");
  if (!is_status && !is_renew) {
    fprintf(stderr, "pcnd cert: no command '%s'; try `pcnd cert --help`.\n",
            verb);
    return ST_FAIL;
  }
  const char *dir = NULL, *tls_cert = NULL, *ca_key = NULL, *hosts[16];
  size_t nhosts = 0;
  int json = 0, c;
  static const struct option longs[] = {
      {"data", required_argument, NULL, 'd'},
      {"host", required_argument, NULL, 'H'},
      {"tls-cert", required_argument, NULL, 'c'},
      {"ca-key", required_argument, NULL, 'k'},
      {"json", no_argument, NULL, 'j'},
      {"help", no_argument, NULL, 'h'},
      {0}};
  argc--;
  argv++;
  while ((c = getopt_long(argc, argv, "d:H:c:jh", longs, NULL)) != -1) {
    switch (c) {
    case 'd': dir = optarg; break;
    case 'k':
      if (!is_renew) goto bad;
      ca_key = optarg;
      break;
    case 'j': json = 1; break;
    case 'c':
      if (!is_status) goto bad;
      tls_cert = optarg;
      break;
    case 'H':
      if (!is_renew) goto bad;
      if (nhosts == sizeof hosts / sizeof hosts[0]) {
        fprintf(stderr, "pcnd cert renew: at most 16 --host names at once.\n");
        return ST_FAIL;
      }
      hosts[nhosts++] = optarg;
      break;
    case 'h': usage_cert(stdout); return 0;
    default: goto bad;
    }
  }
  if (optind < argc) goto bad;
  if (!dir && !tls_cert) {
    fprintf(stderr,
            "pcnd cert %s: --data DIR is required (the directory "
            "made by pcnd init).\n",
            verb);
    return ST_FAIL;
  }
  if (is_status) return cert_status(dir, tls_cert, json);
  if (!dir) goto bad;
  return cert_renew(dir, ca_key, hosts, nhosts, json);

bad:
  fprintf(stderr, "Try `pcnd cert --help`.\n");
  return ST_FAIL;
}
