/* pcnclient.h - libpcnclient: the one client library of PCN Hub, used by
 * pcn, pcn-desktop, pcn-bench and the tests. This header is its whole
 * public contract.
 *
 * It runs on a libuv loop the caller owns: connect, TLS 1.3 with the
 * network's CA pinned, Hello, session resume, pipelined requests answered
 * by callback, and a feed subscription that survives reconnects (it
 * resubscribes from the last seq it delivered, so nothing is missed and
 * nothing is delivered twice). A GUI drives it from its own main loop by
 * polling uv_backend_fd; a command-line tool uses the pcn_sync_* wrapper.
 *
 * Memory: a Pcn__Response or Pcn__Event handed to a callback lives only
 * until the callback returns. Requests passed to pcn_client_call are
 * encoded at once; the caller keeps ownership.
 *
 * Portable: libuv, OpenSSL and protobuf-c only; nothing POSIX-only.
 */
#ifndef PCNCLIENT_H
#define PCNCLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "pcn.pb-c.h"

typedef struct pcn_client pcn_client;

typedef enum pcn_client_state {
  PCN_CLIENT_IDLE,         /* not connected, not trying */
  PCN_CLIENT_CONNECTING,   /* TCP, TLS, Hello, Resume under way */
  PCN_CLIENT_READY,        /* requests may be sent */
  PCN_CLIENT_RECONNECTING, /* lost; retrying after a delay (detail says) */
  PCN_CLIENT_FAILED        /* gave up: detail says why; see error_class */
} pcn_client_state;

/* Why a connection failed, for exit codes and messages. */
typedef enum pcn_error_class {
  PCN_ERR_NONE = 0,
  PCN_ERR_CONNECT = 1, /* network or TLS: cannot reach or trust the server */
  PCN_ERR_SERVER = 2   /* the server refused (Hello, Resume, Subscribe) */
} pcn_error_class;

typedef struct pcn_client_config {
  const char *server;        /* "HOST:PORT" or "[V6]:PORT" */
  const char *ca_pem;        /* the pinned network CA, PEM text */
  const uint8_t *pin_sha256; /* join only: no ca_pem yet; accept the CA whose
                              * SHA-256 (DER) this is, then read it with
                              * pcn_client_pinned_ca */
  const char *client_name;
  const char *client_version;
  const char *token;  /* session to resume after every Hello, or NULL */
  int auto_reconnect; /* retry with backoff after a lost connection */
  uint32_t max_frame; /* 0: 4 MiB (server replies may be large) */
} pcn_client_config;

/* Every call gets exactly one response: the server's, or one made locally
 * with UNAVAILABLE when the connection is lost first. */
typedef void (*pcn_response_cb)(pcn_client *c, const Pcn__Response *r,
                                void *ud);
typedef void (*pcn_event_cb)(pcn_client *c, const Pcn__Event *ev, void *ud);
typedef void (*pcn_state_cb)(pcn_client *c, pcn_client_state st,
                             const char *detail, void *ud);

/* The server went back in time (it was restored from a backup): a Welcome
 * named another store epoch than the one this client saw before, or a
 * feed head before the last seq delivered. The client has already moved
 * its position to from_seq: where the new epoch began (the backup's head,
 * Welcome.epoch_start_seq), or the server's head without a new epoch. A
 * subscription carries on from there, so events written since the restore
 * are not skipped, and none is delivered twice. lost is how many events
 * delivered here past from_seq the server no longer has (the new history
 * may reuse their seqs for other events). Called before the
 * resubscription; do not close the client from it. */
typedef void (*pcn_rewind_cb)(pcn_client *c, uint64_t lost, uint64_t from_seq,
                              void *ud);

/* Copies cfg's strings. NULL when out of memory or cfg is unusable. */
pcn_client *pcn_client_new(uv_loop_t *loop, const pcn_client_config *cfg);
void pcn_client_on_state(pcn_client *c, pcn_state_cb cb, void *ud);
void pcn_client_on_rewind(pcn_client *c, pcn_rewind_cb cb, void *ud);
/* Starts connecting; progress arrives through the state callback. */
int pcn_client_connect(pcn_client *c);
/* Sends a request (READY only). Returns the frame id, or 0 if not ready. */
uint64_t pcn_client_call(pcn_client *c, const Pcn__Request *req,
                         pcn_response_cb cb, void *ud);
/* Subscribes from since_seq (the last seq already processed). Events come
 * to cb in seq order; after a reconnect it resumes where it left off. */
int pcn_client_subscribe(pcn_client *c, uint64_t since_seq, pcn_event_cb cb,
                         void *ud);
/* Stops (paused != 0) or resumes reading from the server on the current
 * connection: nothing is delivered while paused, and the server's flow
 * control holds back what it would send. A new connection (a reconnect)
 * reads again. For load tests of stalled clients; 0, or -1 if there is no
 * connection. */
int pcn_client_pause(pcn_client *c, int paused);
/* Replaces the session token used on reconnect (after login). */
void pcn_client_set_token(pcn_client *c, const char *token);
pcn_client_state pcn_client_get_state(const pcn_client *c);
pcn_error_class pcn_client_error_class(const pcn_client *c);
/* The last error, a sentence; "" if none. */
const char *pcn_client_error(const pcn_client *c);
/* The newest seq delivered to the event callback. */
uint64_t pcn_client_last_seq(const pcn_client *c);
/* The newest seq the server has announced (Welcome, heartbeats, events). */
uint64_t pcn_client_head_seq(const pcn_client *c);
/* After a pinned (join) connect: the CA's PEM; NULL before. Owned by c. */
const char *pcn_client_pinned_ca(const pcn_client *c);
/* The store epoch of the server last connected to ("" before, or from a
 * server too old to send one). Owned by c. */
const char *pcn_client_store_epoch(const pcn_client *c);
/* The Welcome of the current connection, or NULL. Owned by c. */
const Pcn__Welcome *pcn_client_welcome(const pcn_client *c);
/* Milliseconds until the next reconnect attempt (0 if none pending). */
uint64_t pcn_client_retry_in(const pcn_client *c);
/* Closes; c is freed once its handles have closed (run the loop). Calls
 * still outstanding are answered UNAVAILABLE, from inside this call. */
void pcn_client_close(pcn_client *c);
/* Closes like pcn_client_close, but drops outstanding calls without
 * calling their callbacks: for an owner that is being freed, whose
 * callbacks would find it half gone. */
void pcn_client_discard(pcn_client *c);

/* ------------------------------------------------------------ sync */

/* A blocking wrapper for command-line tools and tests: its own loop, one
 * call at a time. */
typedef struct pcn_sync pcn_sync;

/* Connects (and resumes cfg->token, if set) or returns NULL with err and
 * *cls set. */
pcn_sync *pcn_sync_connect(const pcn_client_config *cfg, char *err,
                           size_t errlen, pcn_error_class *cls);
/* Sends req and waits for its response, valid until the next call or
 * close. Never NULL: a lost connection gives an UNAVAILABLE response. */
const Pcn__Response *pcn_sync_call(pcn_sync *s, const Pcn__Request *req);
pcn_client *pcn_sync_client(pcn_sync *s);
uv_loop_t *pcn_sync_loop(pcn_sync *s);
void pcn_sync_close(pcn_sync *s);

/* One line of words for an event, e.g. `created task 7 "Flu clinic rota"
 * (network, open)`; returns the length it wanted (like snprintf). */
size_t pcn_event_describe(const Pcn__Event *ev, char *out, size_t n);

/* Short names for codes and roles, for messages. */
const char *pcn_role_name(int role);  /* "pcn_manager", ... */
int pcn_role_parse(const char *name); /* 0 if unknown */

#endif
