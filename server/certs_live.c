/* certs_live.c - the served certificate: load, reload on SIGHUP, expiry
 * notices (certs_live.h).
 *
 * Threads: loading runs on the libuv threadpool (it reads files and
 * verifies a chain), the swap on the loop thread in the work's done
 * callback. The writer thread's tick reads the served certificates'
 * serial and end through `mu`, the one piece of state shared with it.
 * At start, certs_live_open loads on the calling thread: the loop is not
 * running yet.
 */
#include "certs_live.h"

#include <inttypes.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "certs.h"
#include "clock.h"
#include "feed.h"
#include "log.h"
#include "sdnotify.h"
#include "notice.h"
#include "pki.h"

#define DAY_S 86400
#define WARN_DAYS 60

/* Thresholds, most distant first; 0 is "has expired". */
static const int thresholds[] = {60, 30, 7, 0};
#define N_THRESHOLDS (sizeof thresholds / sizeof thresholds[0])

/* What the tick needs of one certificate. */
typedef struct cert_brief {
  char serial[64];
  int64_t not_after; /* Unix seconds */
} cert_brief;

/* One load of the chain, key and root: on the threadpool for a reload. */
typedef struct certs_load {
  SSL_CTX *ctx;
  certs_info leaf, root;
  char err[600];
} certs_load;

struct certs_live {
  server *srv;
  char chain_path[4096], key_path[4096];
  char root_path[4096]; /* "" when the root is the chain's last certificate */
  int own_pki;          /* --tls-cert */
  uv_signal_t sighup;
  int sighup_on;
  uv_work_t work;
  int busy, again; /* a reload in flight; another SIGHUP came meanwhile */
  certs_load *pending;
  pthread_mutex_t mu; /* guards leaf and root for the writer's tick */
  cert_brief leaf, root;
};

/* A sentence into out. vsnprintf: paths are long, and a message cut short
 * is better than none. */
static void say(char *out, size_t outlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(char *out, size_t outlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out, outlen, fmt, ap);
  va_end(ap);
}

static void fmt_date(int64_t unix_s, char out[11]) {
  time_t t = (time_t)unix_s;
  struct tm tm;
  if (!gmtime_r(&t, &tm) || !strftime(out, 11, "%Y-%m-%d", &tm))
    snprintf(out, 11, "?");
}

/* Days left from now_ms to not_after, rounded down (negative once past). */
static int64_t days_left(int64_t not_after, int64_t now_ms) {
  int64_t left_s = not_after - now_ms / 1000;
  return left_s >= 0 ? left_s / DAY_S : -((-left_s + DAY_S - 1) / DAY_S);
}

/* The leaf must chain to the root through the certificates the chain file
 * carries, with the checks strict clients make (clients also check the
 * host, which only they know). Dates are checked by the caller. */
static int chain_verify(const char *chain_path, const char *root_path,
                        char *err, size_t errlen) {
  X509 *x, *leaf = NULL, *root = NULL;
  STACK_OF(X509) *rest = sk_X509_new_null();
  X509_STORE *trust = X509_STORE_new();
  X509_STORE_CTX *sctx = X509_STORE_CTX_new();
  int rc = -1;
  BIO *b = BIO_new_file(chain_path, "r");
  if (!rest || !trust || !sctx || !b) goto fail_setup;
  while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
    if (!leaf)
      leaf = x;
    else if (!sk_X509_push(rest, x)) {
      X509_free(x);
      goto fail_setup;
    }
  }
  BIO_free(b);
  b = NULL;
  if (root_path[0]) {
    b = BIO_new_file(root_path, "r");
    root = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
  } else if (sk_X509_num(rest) > 0) {
    root = sk_X509_value(rest, sk_X509_num(rest) - 1);
    X509_up_ref(root);
  } else if (leaf) {
    root = leaf;
    X509_up_ref(root);
  }
  if (!leaf || !root) {
    say(err, errlen, "%s holds no certificate to serve.",
        root ? chain_path : root_path);
    goto out;
  }
  if (X509_check_issued(root, root) != X509_V_OK) {
    say(err, errlen,
        "The last certificate in %s is not a self-signed root; append "
        "your organisation's root certificate to the file (clients "
        "pin it).",
        chain_path);
    goto out;
  }
  if (X509_STORE_add_cert(trust, root) != 1 ||
      X509_STORE_CTX_init(sctx, trust, leaf, rest) != 1 ||
      X509_STORE_CTX_set_default(sctx, "ssl_server") != 1)
    goto fail_setup;
  X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(sctx),
                              X509_V_FLAG_X509_STRICT |
                                  X509_V_FLAG_NO_CHECK_TIME);
  if (X509_verify_cert(sctx) != 1) {
    say(err, errlen,
        "The certificate in %s does not chain to %s (%s); clients "
        "would refuse it.",
        chain_path, root_path[0] ? root_path : "the root at its end",
        X509_verify_cert_error_string(X509_STORE_CTX_get_error(sctx)));
    goto out;
  }
  rc = 0;
  goto out;

fail_setup:
  say(err, errlen, "Cannot check the certificate chain in %s.", chain_path);
out:
  BIO_free(b);
  X509_STORE_CTX_free(sctx);
  X509_STORE_free(trust);
  X509_free(root);
  X509_free(leaf);
  sk_X509_pop_free(rest, X509_free);
  ERR_clear_error();
  return rc;
}

/* Pure work, safe on any thread: everything it makes is in l. */
static int load(const struct certs_live *cl, certs_load *l) {
  char why[480];
  memset(l, 0, sizeof *l);
  l->ctx =
      pcn_pki_server_ctx(cl->chain_path, cl->key_path, l->err, sizeof l->err);
  if (!l->ctx) return -1;
  if (certs_chain_info(cl->chain_path, &l->leaf,
                       cl->root_path[0] ? NULL : &l->root, NULL, l->err,
                       sizeof l->err))
    goto fail;
  if (cl->root_path[0] && certs_chain_info(cl->root_path, &l->root, NULL, NULL,
                                           l->err, sizeof l->err))
    goto fail;
  if (chain_verify(cl->chain_path, cl->root_path, why, sizeof why)) {
    say(l->err, sizeof l->err, "%s", why);
    goto fail;
  }
  return 0;

fail:
  SSL_CTX_free(l->ctx);
  l->ctx = NULL;
  return -1;
}

static void brief_set(struct certs_live *cl, const certs_load *l) {
  pthread_mutex_lock(&cl->mu);
  snprintf(cl->leaf.serial, sizeof cl->leaf.serial, "%s", l->leaf.serial);
  cl->leaf.not_after = l->leaf.not_after;
  snprintf(cl->root.serial, sizeof cl->root.serial, "%s", l->root.serial);
  cl->root.not_after = l->root.not_after;
  pthread_mutex_unlock(&cl->mu);
}

int certs_live_open(server *s, char *err, size_t errlen) {
  const srv_config *cfg = &s->cfg;
  struct certs_live *cl = calloc(1, sizeof *cl);
  certs_load *l = calloc(1, sizeof *l);
  if (!cl || !l) {
    say(err, errlen, "Out of memory.");
    goto fail;
  }
  cl->srv = s;
  if ((cfg->tls_cert != NULL) != (cfg->tls_key != NULL)) {
    say(err, errlen,
        "--tls-cert and --tls-key go together: give both, or neither "
        "to serve the data directory's own certificate.");
    goto fail;
  }
  if (cfg->tls_cert) {
    cl->own_pki = 1;
    snprintf(cl->chain_path, sizeof cl->chain_path, "%s", cfg->tls_cert);
    snprintf(cl->key_path, sizeof cl->key_path, "%s", cfg->tls_key);
  } else {
    snprintf(cl->chain_path, sizeof cl->chain_path, "%s/server.pem",
             cfg->data_dir);
    snprintf(cl->key_path, sizeof cl->key_path, "%s/server.key", cfg->data_dir);
    snprintf(cl->root_path, sizeof cl->root_path, "%s/ca.pem", cfg->data_dir);
  }
  if (load(cl, l)) {
    say(err, errlen, "%s", l->err);
    goto fail;
  }
  pthread_mutex_init(&cl->mu, NULL);
  brief_set(cl, l);
  s->tls_ctx = l->ctx;
  memcpy(s->ca_sha256, l->root.sha256, 32);
  s->cert_not_after = l->leaf.not_after;
  s->certs = cl;
  free(l);
  return 0;

fail:
  free(l);
  free(cl);
  return -1;
}

/* A log line (and, for the leaf near its end, nothing more: the tick
 * tells the managers). */
static void warn_if_near(server *s, const char *what, const cert_brief *b) {
  int64_t left = days_left(b->not_after, srv_now_ms(s));
  char day[11];
  fmt_date(b->not_after, day);
  if (left < 0)
    pcnd_log(LOG_WARNING, "warning: %s expired on %s; clients refuse it. %s",
            what, day,
            s->certs->own_pki
                ? "Install a renewed one from your PKI and send SIGHUP."
                : "Run `pcnd cert renew --data DIR`, then send SIGHUP.");
  else if (left <= WARN_DAYS)
    pcnd_log(LOG_WARNING,
            "warning: %s expires on %s, in %" PRId64
            " days; see `pcnd cert status` and docs/certificates.md.",
            what, day, left);
}

static void reload_start(struct certs_live *cl);
static void tick_submit(server *s);

static void reload_run(uv_work_t *req) {
  struct certs_live *cl = req->data;
  load(cl, cl->pending);
}

static void reload_done(uv_work_t *req, int status) {
  struct certs_live *cl = req->data;
  server *s = cl->srv;
  certs_load *l = cl->pending;
  char day[11], msg[900];
  cl->pending = NULL;
  s->pending_work--;
  cl->busy = 0;
  if (status == 0 && l->ctx && l->leaf.not_after <= pcn_now_ms() / 1000) {
    fmt_date(l->leaf.not_after, day);
    say(l->err, sizeof l->err, "the certificate in %s expired on %s.",
        cl->chain_path, day);
    SSL_CTX_free(l->ctx);
    l->ctx = NULL;
  }
  if (status != 0 || !l->ctx) {
    fmt_date(s->cert_not_after, day);
    pcnd_log(LOG_WARNING,
            "SIGHUP: kept the certificate already served (it expires "
            "on %s): %s",
            day, status ? "the reload was cancelled." : l->err);
    say(msg, sizeof msg,
        "The server could not take its new certificate and keeps "
        "serving the current one, which expires on %s; the server's "
        "operator should read pcnd's log and fix the files (%s).",
        day, status ? "the reload was cancelled" : l->err);
    notice_post(s, "cert_reload", NOTICE_WARNING, msg, 0);
  } else if (s->stopping) {
    SSL_CTX_free(l->ctx);
  } else {
    char old_serial[64];
    pthread_mutex_lock(&cl->mu);
    snprintf(old_serial, sizeof old_serial, "%s", cl->leaf.serial);
    pthread_mutex_unlock(&cl->mu);
    /* Open connections hold their own reference to the old context. */
    SSL_CTX_free(s->tls_ctx);
    s->tls_ctx = l->ctx;
    if (memcmp(s->ca_sha256, l->root.sha256, 32) != 0)
      pcnd_log(LOG_WARNING,
              "SIGHUP: the root certificate changed: clients that "
              "joined before trust the old one and must join again (see "
              "docs/certificates.md, rolling the CA over).");
    memcpy(s->ca_sha256, l->root.sha256, 32);
    s->cert_not_after = l->leaf.not_after;
    brief_set(cl, l);
    fmt_date(l->leaf.not_after, day);
    pcnd_log(LOG_NOTICE,
            "SIGHUP: new connections get certificate %s (expires %s); "
            "open ones keep theirs.",
            l->leaf.serial, day);
    /* The tick tells the managers, once, that a certificate they were
     * warned about has been replaced. */
    if (strcmp(old_serial, l->leaf.serial) != 0) tick_submit(s);
    warn_if_near(s, "the new server certificate", &cl->leaf);
  }
  free(l);
  /* systemd waits for this after `systemctl reload`, whichever way the
   * reload went. */
  pcnd_notify_ready("Serving; the certificate reload is done.");
  if (cl->again && !s->stopping) {
    cl->again = 0;
    reload_start(cl);
  }
  if (s->stopping) server_stop(s);
}

static void reload_start(struct certs_live *cl) {
  server *s = cl->srv;
  if (s->stopping) return;
  if (cl->busy) {
    cl->again = 1; /* the files may have changed since that load began */
    return;
  }
  cl->pending = calloc(1, sizeof *cl->pending);
  if (!cl->pending) {
    pcnd_log(LOG_ERR, "SIGHUP: out of memory; certificate not reloaded; "
                    "send SIGHUP again.");
    return;
  }
  pcnd_notify_reloading();
  pcnd_log(LOG_NOTICE, "SIGHUP: loading the certificate from %s.",
          cl->chain_path);
  cl->work.data = cl;
  if (uv_queue_work(s->loop, &cl->work, reload_run, reload_done) != 0) {
    free(cl->pending);
    cl->pending = NULL;
    pcnd_log(LOG_ERR, "SIGHUP: could not start the reload; send SIGHUP "
                    "again.");
    return;
  }
  cl->busy = 1;
  s->pending_work++;
}

static void on_sighup(uv_signal_t *h, int signum) {
  (void)signum;
  reload_start(h->data);
}

void certs_live_start(server *s) {
  struct certs_live *cl = s->certs;
  if (!cl) return;
  if (uv_signal_init(s->loop, &cl->sighup) == 0) {
    cl->sighup.data = cl;
    cl->sighup_on = uv_signal_start(&cl->sighup, on_sighup, SIGHUP) == 0;
    if (!cl->sighup_on) uv_close((uv_handle_t *)&cl->sighup, NULL);
  }
  warn_if_near(s, "the server certificate", &cl->leaf);
  warn_if_near(s, cl->own_pki ? "the root certificate" : "the network CA",
               &cl->root);
}

void certs_live_stop(server *s) {
  struct certs_live *cl = s->certs;
  if (!cl || !cl->sighup_on) return;
  cl->sighup_on = 0;
  uv_close((uv_handle_t *)&cl->sighup, NULL);
}

void certs_live_free(server *s) {
  struct certs_live *cl = s->certs;
  if (!cl) return;
  pthread_mutex_destroy(&cl->mu);
  free(cl);
  s->certs = NULL;
}

/* ------------------------------------------------------------ the tick */

/* The nearest threshold reached with left days to go, or -1 for none. */
static int threshold_of(int64_t left) {
  int t = -1;
  for (size_t i = 0; i < N_THRESHOLDS; i++)
    if (left < 0 ? thresholds[i] == 0 : left <= thresholds[i])
      t = thresholds[i];
  return t;
}

static void expiry_message(int root, int own_pki, int64_t left, const char *day,
                           char *out, size_t outlen) {
  if (!root && left < 0)
    snprintf(out, outlen,
             "The server's certificate expired on %s: no practice can "
             "connect until the server's operator %s.",
             day,
             own_pki ? "installs a renewed one and sends pcnd SIGHUP"
                     : "runs `pcnd cert renew` and sends pcnd SIGHUP");
  else if (!root)
    snprintf(out, outlen,
             "The server's certificate expires on %s, in %" PRId64
             " day%s, and then every practice stops connecting: the "
             "server's operator should %s now (docs/certificates.md).",
             day, left, left == 1 ? "" : "s",
             own_pki ? "install a renewed one and send pcnd SIGHUP"
                     : "run `pcnd cert renew` and send pcnd SIGHUP");
  else if (left < 0)
    snprintf(out, outlen,
             "The network's root certificate expired on %s: no practice can "
             "connect until the server's operator rolls it over and every "
             "practice joins again (docs/certificates.md).",
             day);
  else
    snprintf(out, outlen,
             "The network's root certificate expires on %s, in %" PRId64
             " day%s: the server's operator should roll it over now, since "
             "every practice must trust its successor first "
             "(docs/certificates.md).",
             day, left, left == 1 ? "" : "s");
}

/* The record is "SERIAL DAYS": DAYS is the threshold last told for that
 * certificate, or -1 once its replacement has been told (so that the
 * latest cert_expiry notice, which a banner shows, says all is well). */
static int tick_one(wtx *w, wjob *job, int root, int own_pki,
                    const cert_brief *b) {
  const char *key = root ? "cert_told_root" : "cert_told_server";
  char told[100] = "", serial[64] = "", day[11], msg[700], rec[100];
  int told_t = -1;
  if (!b->serial[0]) return PCN__STATUS_CODE__OK;
  int64_t left = days_left(b->not_after, job->now_ms);
  int t = threshold_of(left);
  int rc = store_meta_get_str(w->txn, w->st, key, told, sizeof told);
  if (rc && rc != MDB_NOTFOUND) return wtx_lmdb(w, rc, "reading meta");
  int have = !rc && sscanf(told, "%63s %d", serial, &told_t) == 2;
  int same = have && strcmp(serial, b->serial) == 0;
  if (t < 0 && (!have || same || told_t < 0))
    return PCN__STATUS_CODE__OK; /* far from its end, nothing to take back */
  if (same && told_t <= t)
    return PCN__STATUS_CODE__OK; /* this threshold, or a nearer one, told */
  fmt_date(b->not_after, day);
  if (t < 0)
    say(msg, sizeof msg,
        "%s was replaced; the new one lasts until %s, and nothing "
        "changes for the practices.",
        root ? "The network's root certificate" : "The server's certificate",
        day);
  else
    expiry_message(root, own_pki, left, day, msg, sizeof msg);
  Pcn__ServerNotice n = PCN__SERVER_NOTICE__INIT;
  n.kind = "cert_expiry";
  n.message = msg;
  n.severity = t < 0 ? NOTICE_INFO : t <= 7 ? NOTICE_ACTION : NOTICE_WARNING;
  n.expires_at = b->not_after * 1000;
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_SERVER_NOTICE;
  ev.server_notice = &n;
  if ((rc = feed_emit(w, PCN__OP__CREATED, "+", &ev))) return rc;
  snprintf(rec, sizeof rec, "%s %d", b->serial, t);
  if ((rc = store_meta_put_str(w->txn, w->st, key, rec)))
    return wtx_lmdb(w, rc, "recording the certificate notice");
  /* Written before the commit: a failed commit repeats the line next
   * minute, which is better than a notice never logged. */
  pcnd_log(t < 0 ? LOG_NOTICE : LOG_WARNING, "%s%s", t < 0 ? "" : "warning: ",
           msg);
  return PCN__STATUS_CODE__OK;
}

int certs_tick(wtx *w, wjob *job) {
  struct certs_live *cl = w->srv->certs;
  cert_brief leaf, root;
  if (!cl) return PCN__STATUS_CODE__OK;
  pthread_mutex_lock(&cl->mu);
  leaf = cl->leaf;
  root = cl->root;
  pthread_mutex_unlock(&cl->mu);
  int rc = tick_one(w, job, 0, cl->own_pki, &leaf);
  /* A lone self-signed certificate is its own root: told once. */
  if (!rc && strcmp(root.serial, leaf.serial) != 0)
    rc = tick_one(w, job, 1, cl->own_pki, &root);
  return rc;
}

/* After a reload: the tick alone, now, rather than at the next minute. */
static void tick_submit(server *s) {
  if (s->stopping || !s->wr) return;
  wjob *job = wjob_new(s, NULL, 0, 1u << 16);
  if (!job) return;
  job->apply = certs_tick;
  writer_submit(s->wr, job);
}
