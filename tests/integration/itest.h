/* itest.h - the integration-test harness: a real pcnd process on a free
 * loopback port with a fresh data directory, and members talking to it over
 * real TLS through libpcnclient's sync wrapper.
 *
 * Nothing here mocks the server: tests start the built pcnd binary
 * (PCND_PATH, set by CMake), make a network with `pcnd init`, and drive it
 * as clients would. Each helper asserts (cmocka) on failure, printing the
 * server's status message, so a test reads as the story it checks.
 */
#ifndef ITEST_H
#define ITEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <cmocka.h>

#include "pcnclient.h"

#define ITEST_PASSWORD "correct horse battery"

typedef struct its_server {
  char dir[256]; /* data directory */
  char addr[64]; /* 127.0.0.1:PORT */
  int port;
  pid_t pid;
  char manager_code[600]; /* the invitation pcnd init printed */
  char *ca_pem;
  char extra[512]; /* extra `pcnd run` options, space-separated */
  /* For its_run: the open-file limit (soft and hard) pcnd starts under,
   * 0 for the harness's own; and a file its stderr is appended to, "" to
   * share the test's. */
  unsigned nofile;
  char stderr_path[300]; /* longer than dir: may be dir + a suffix */
} its_server;

typedef struct its_member {
  pcn_sync *s;
  char username[40];
  char token[80];
  int role;
  char practice[8];
} its_member;

/* One server and its first manager, shared by a cmocka group's tests. */
typedef struct its_world {
  its_server *s;
  its_member *mgr;
} its_world;
/* The group teardown for an its_world the setup calloc'd: frees the
 * manager, asserts `pcnd verify` passes, and frees the server and w. */
int its_world_teardown(void **state);

/* Inits a network and starts pcnd run with extra options ("" for none). */
its_server *its_start(const char *extra_run_opts);
/* Starts pcnd run again on the same data directory. */
void its_run(its_server *s);
/* SIGTERM and wait; asserts a clean exit 0. */
void its_stop(its_server *s);
/* Waits for pcnd to exit by itself; returns its exit code (128+ for a
 * signal). */
int its_wait_exit(its_server *s);
/* SIGKILL and wait. */
void its_kill9(its_server *s);
/* Stops (if running) and deletes the data directory. */
void its_free(its_server *s);
/* Runs `pcnd verify` on the data directory; returns its exit code. */
int its_verify(its_server *s);

/* A client config for this server (CA pinned), token may be NULL. */
pcn_client_config its_config(its_server *s, const char *token);
/* Connects (no login). Asserts success. */
pcn_sync *its_connect(its_server *s);

/* Joins with an invitation code; asserts success. */
its_member *its_join(its_server *s, const char *code);
/* Joins expecting the status want; NULL unless it is OK. */
its_member *its_try_join(its_server *s, const char *code, int want);
/* The first PCN manager, joined with pcnd init's code. */
its_member *its_manager(its_server *s);
/* mgr invites USER with ROLE (and PRACTICE) and USER joins. */
its_member *its_add_member(its_server *s, its_member *mgr, const char *username,
                           int role, const char *practice);
/* Logs in afresh on a new connection. */
its_member *its_login(its_server *s, const char *username,
                      const char *password);
/* Frees m and logs the same member in again (ITEST_PASSWORD): after a
 * restart, or once the clock has moved past a session. */
its_member *its_relogin(its_server *s, its_member *m);
void its_member_free(its_member *m);

/* Sends req; returns the response (valid until m's next call). */
const Pcn__Response *its_call(its_member *m, const Pcn__Request *req);
/* As its_call, asserting the status code; prints the message if not. */
const Pcn__Response *its_expect(its_member *m, const Pcn__Request *req,
                                int code);
/* Asserts that a refusal names the request field at fault. */
void its_field_is(const Pcn__Response *r, const char *field);

/* Request builders for the common cases. */
void its_add_practice(its_member *mgr, const char *ods, const char *name,
                      uint32_t list_size);
/* Adds the first n (1 to 3) of the test network's practices: F84001
 * Riverside Surgery, F84002 Hill Street, F84003 Canal Side. */
void its_add_practices(its_member *mgr, size_t n);
char *its_invite(its_member *by, const char *username, int role,
                 const char *practice); /* malloc'd code */
/* Creates a task; returns its id. practice "" for network. */
uint64_t its_task(its_member *m, const char *title, const char *practice,
                  const char *due, const char *assignee);

/* --test-clock servers: moves the clock ms forward; the server's due work
 * (reminders, closings) has committed when this returns. Returns the
 * server's new time. */
int64_t its_advance(its_member *m, int64_t ms);

/* The newest seq committed. */
uint64_t its_head(its_member *m);
/* The server's time (Unix ms; its own clock under --test-clock). */
int64_t its_now(its_member *m);

/* Every event viewer may see after seq since, exactly: mgr (a PCN
 * manager) writes a marker everyone sees, and viewer's subscription reads
 * until it. Decoded copies; free with its_events_free. */
typedef struct its_events {
  Pcn__Event **ev;
  size_t n, cap;
} its_events;
its_events *its_seen(its_server *s, its_member *viewer, its_member *mgr,
                     uint64_t since);
/* How many of them carry this record (Pcn__Event__RecordCase). */
size_t its_events_count(const its_events *e, int record_case);
void its_events_free(its_events *e);

/* A Login request for user/pw, its body in *l (which must outlive it). */
Pcn__Request its_login_req(Pcn__Login *l, const char *user, const char *pw);

/* A free loopback TCP port (for --listen or --metrics). */
int its_free_port(void);
/* Sends send_len bytes to 127.0.0.1:port and reads until the server closes
 * (fails the test if it says nothing for timeout_ms); returns the bytes
 * read into out (at most n - 1, NUL-terminated). */
size_t its_http_raw(int port, const char *send_buf, size_t send_len, char *out,
                    size_t n, int timeout_ms);
/* GET path over HTTP/1.1 as its_http_raw, 10 s. */
size_t its_http_get(int port, const char *path, char *out, size_t n);
/* The value of metric name (unlabelled) in a Prometheus text page; fails
 * the test if it is not there. */
double its_metric_value(const char *text, const char *name);

/* Sleeps (tests may not use usleep under _POSIX_C_SOURCE). */
void its_sleep_ms(unsigned ms);

/* Runs a loop until cond(ud) or timeout_ms; returns cond's last value. */
int its_wait(uv_loop_t *loop, int (*cond)(void *ud), void *ud,
             uint64_t timeout_ms);

/* Raw TLS connection for hostile-input tests: returns a connected, TLS
 * established socket wrapper, or NULL. */
typedef struct its_raw its_raw;
its_raw *its_raw_connect(its_server *s);
/* The same with the socket's receive buffer capped (bytes), so what the
 * kernels can hold for a client that does not read is small and known. */
its_raw *its_raw_connect_rcvbuf(its_server *s, int rcvbuf);
/* The same from a local source address (another 127.x.y.z: Linux routes
 * all of 127/8 to lo), so the server sees a different peer. */
its_raw *its_raw_connect_from(its_server *s, const char *from);
/* Writes bytes through TLS. 0 or -1. */
int its_raw_write(its_raw *r, const void *p, size_t n);
/* Sends one request frame with this id; asserts it was written. */
void its_raw_send(its_raw *r, uint64_t id, Pcn__Request *req);
/* Sends Frame{id, request{req_field: body}} with the request message's
 * encoding as given, bytes protobuf-c would not write (a NUL in a string,
 * bad UTF-8) included; asserts it was written. */
void its_raw_send_body(its_raw *r, uint64_t id, uint32_t req_field,
                       const void *body, size_t len);
/* Sends Hello{protocol_version} as id 1, reading nothing. */
void its_raw_send_hello(its_raw *r, uint32_t version);
/* Connects and says Hello; asserts the connection and an OK answer within
 * 30 s (it_login's wait, for a server busy hashing). */
its_raw *its_raw_hello(its_server *s);
/* Sends Resume{token} as id, reading nothing. */
void its_raw_resume(its_raw *r, uint64_t id, const char *token);
/* Sends Hello (id 1), Resume{token} (2) and Subscribe{since} (3), reading
 * nothing. */
void its_raw_subscribe(its_raw *r, const char *token, uint64_t since);
/* Reads until the Subscribe's answer (id 3), asserting it and every answer
 * before it OK (10 s a frame). */
void its_raw_wait_subscribed(its_raw *r);

/* An answer read by its_raw_answer. id is the one asked for, or 0 when the
 * server spoke about the connection (a refusal before it closes). field is
 * StatusDetails.field, "" when none. */
typedef struct its_answer {
  int code; /* -1: none came (EOF or timeout) */
  uint64_t id;
  uint32_t retry_after_ms;
  char msg[512];
  char field[200];
} its_answer;
/* Reads frames (events and other answers are skipped) until a response to
 * id or to the connection (id 0) comes, each within timeout_ms; returns its
 * status code, or -1 on EOF or timeout. a may be NULL. An answer without a
 * status fails the test. */
int its_raw_answer(its_raw *r, uint64_t id, int timeout_ms, its_answer *a);

/* Reads and drops up to frames frames, each within timeout_ms: 1 if the
 * server closed the connection meanwhile, else 0. */
int its_raw_closed(its_raw *r, int frames, int timeout_ms);

/* Appends one length-prefixed request frame at buf + at (asserting it fits
 * in cap); returns the new end. */
size_t its_frame_put(uint8_t *buf, size_t at, size_t cap, uint64_t id,
                     const Pcn__Request *req);
/* One length-prefixed request frame, malloc'd; *len its size. */
uint8_t *its_frame(uint64_t id, const Pcn__Request *req, size_t *len);
/* Reads one frame body (with a timeout); returns a malloc'd decoded frame
 * or NULL on EOF/timeout. *eof set when the server closed. */
Pcn__Frame *its_raw_read_frame(its_raw *r, int timeout_ms, int *eof);
void its_raw_close(its_raw *r);
/* Sends one request frame; 0, or -1 if the write failed (the server may
 * have closed). */
int its_raw_send_nocheck(its_raw *r, uint64_t id, Pcn__Request *req);
/* Goes without a word: no close_notify, unread replies left behind; with
 * reset, SO_LINGER 0 so the server's next write meets a reset at once.
 * Frees r. */
void its_raw_hangup(its_raw *r, int reset);

/* ------------------------------------------------------------ funds
 * Requests a year of a network is made of (it_year and the desktop's year
 * test build the same year with them); each expects OK. */
/* Figures for practice ods from the day from (YYYY-MM-DD). */
void its_funds_figures(its_member *m, const char *ods, const char *from,
                       uint32_t list, uint32_t weighted, const char *locality);
/* A rate for stream in financial year year, in hundredths of a penny. */
void its_funds_rate(its_member *m, uint32_t year, const char *stream, int basis,
                    int64_t cp);
/* A receipt ("ICB remittance"); its entry's id. */
uint64_t its_funds_receive(its_member *m, const char *stream, int64_t pence,
                           const char *date);
/* By list size over every practice, or (to != NULL) all to one practice;
 * the entry, whose lines say each practice's part. */
const Pcn__FundsEntry *its_funds_distribute(its_member *m, const char *stream,
                                            int64_t pence, const char *date,
                                            const char *to);
void its_funds_expense(its_member *m, const char *stream, int64_t pence,
                       const char *date);
/* Reverses entry id ("paid in error") on date; the reversal. */
const Pcn__FundsEntry *its_funds_reverse(its_member *m, uint64_t id,
                                         const char *date);
void its_backfill_rate(its_member *m, const char *role, int64_t pph);
/* A 2-hour "Network board" at 13:00 UTC on day (days since 1970); its id. */
uint64_t its_board_meeting(its_member *m, int32_t day);
void its_attend(its_member *m, uint64_t meeting, const char *user,
                uint32_t minutes);
/* The network's ARRS claim for month (YYYY-MM), expecting want. */
const Pcn__Response *its_arrs_claim(its_member *m, const char *month,
                                    int64_t pence, int want);
/* The network's statement for month, every practice's rows. */
Pcn__FundsStatementPage *its_statement(its_member *m, const char *month);
/* Asserts the practices' rows add up to the page's distributed and
 * claimed, and the network's balances to what it holds. */
void its_statement_rows_add_up(const Pcn__FundsStatementPage *pg);
/* Its row for practice ("" the network's) and stream, or NULL. */
const Pcn__FundsStatementRow *
its_statement_row(const Pcn__FundsStatementPage *pg, const char *practice,
                  const char *stream);
/* who claims backfill for user's attendance, mgr approves it paid from core
 * on date; the pence paid. */
int64_t its_backfill_paid(its_member *who, its_member *mgr, uint64_t meeting,
                          const char *user, const char *role, const char *date);

#endif
