/* dispatch.h - the request table: for every request type, who may make it,
 * and the functions that serve it.
 *
 * A read is served on the loop thread from the loop's read transaction. A
 * write is prepared on the loop (validation, permission check) and then
 * applied by the writer thread inside a nested transaction of a group
 * commit; its reply goes out only after the commit is durable.
 *
 * Permissions are data, not code: each entry names the roles that may act
 * on a network-wide target, on their own practice's target, and on another
 * practice's target. The handler names the target (perm_check), since only
 * it knows what the request touches. tests/unit/test_perm.c and the
 * integration permission walk iterate over this one table.
 */
#ifndef PCND_DISPATCH_H
#define PCND_DISPATCH_H

#include "conn.h"
#include "server.h"
#include "writer.h"

#define ROLE_BIT(r) (1u << (r))
#define R_PCNM ROLE_BIT(PCN__ROLE__PCN_MANAGER)
#define R_CD ROLE_BIT(PCN__ROLE__CLINICAL_DIRECTOR)
#define R_PM ROLE_BIT(PCN__ROLE__PRACTICE_MANAGER)
#define R_STAFF ROLE_BIT(PCN__ROLE__STAFF)
#define R_CLIN ROLE_BIT(PCN__ROLE__CLINICIAN) /* a practice's GP */
#define R_ALL (R_PCNM | R_CD | R_PM | R_STAFF | R_CLIN)

enum req_flags {
  REQ_PUBLIC = 1, /* allowed before login */
  REQ_WRITE = 2,  /* goes through the writer */
  REQ_OWNER = 4   /* a record's creator or assignee may, when they can see it */
};

typedef struct req_ctx req_ctx;

/* prepare may answer a write request itself, without the writer (resume
 * when the session needs no refresh): it fills the response and returns
 * this. */
#define PREPARE_ANSWERED 1000

/* Handlers return a status code; on failure they set the message with
 * ctx_fail. read fills ctx->resp. prepare validates and checks permission,
 * then the request goes to the writer. */
typedef int (*read_fn)(req_ctx *ctx);
typedef int (*prepare_fn)(req_ctx *ctx, wjob *job);

typedef struct req_entry {
  int body_case; /* Pcn__Request__BodyCase */
  const char *name;
  unsigned flags;
  unsigned net_roles;   /* may act on network-wide targets */
  unsigned own_roles;   /* may act on their own practice's targets */
  unsigned other_roles; /* may act on another practice's targets */
  read_fn read;
  prepare_fn prepare;
  apply_fn apply;
  after_fn after;
} req_entry;

struct req_ctx {
  server *srv;
  conn *c;
  uint64_t id;
  const req_entry *entry;
  Pcn__Request *req;
  pcn_arena
      *arena; /* dies after the reply for reads, with the job for writes */
  Pcn__Response *resp;
  Pcn__Status *status;
  const actor *who;
  int async; /* the handler will answer later (threadpool work) */
  /* A read may answer with stored bytes instead of ctx->resp's body: it
   * appends the body message's encoding to srv->raw and sets this to the
   * Response field it belongs in. */
  uint32_t raw_field;
};

/* Looks up the entry for a request case; NULL if unknown. */
const req_entry *dispatch_entry(int body_case);
/* Every entry, for the tests that walk the table. */
const req_entry *dispatch_table(size_t *n);

/* Serves one decoded frame from a connection. */
void dispatch_frame(conn *c, Pcn__Frame *f);
/* The string check (common/wire_check.h) on frame f's encoded body, made
 * once for every frame before dispatch_frame, so no area can forget it: a
 * NUL or invalid UTF-8 in any string field at any depth is refused with
 * INVALID_ARGUMENT naming the field, and the connection goes on. Returns 0
 * when f may be dispatched, -1 when it was answered here. */
int dispatch_check_text(conn *c, const Pcn__Frame *f, const uint8_t *body,
                        size_t len);

/* The read transaction for this request (the loop's, renewed lazily). */
MDB_txn *ctx_txn(req_ctx *ctx);
/* Sets the failure message (printf-style) and returns code. */
int ctx_fail(req_ctx *ctx, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* As ctx_fail, naming the request field at fault. */
int ctx_fail_field(req_ctx *ctx, int code, const char *field, const char *fmt,
                   ...) __attribute__((format(printf, 4, 5)));

/* The response's StatusDetails, made on first use; NULL if out of memory. */
Pcn__StatusDetails *ctx_details(req_ctx *ctx);

/* The permission rule. target_practice is the ODS code of the practice the
 * request acts on, "" for the network. is_owner: the actor created or is
 * assigned the record (only counts for REQ_OWNER entries). Returns 1 if
 * allowed. */
int perm_allows(const req_entry *e, const actor *who,
                const char *target_practice, int is_owner);
/* perm_allows, and on refusal sets PERMISSION_DENIED with a sentence. */
int perm_check(req_ctx *ctx, const char *target_practice, int is_owner);

/* The slice of the table a member of role sees (WhoAmI's answer, issue
 * 19): one Permission for each entry that is not REQ_PUBLIC and that the
 * role may make on some target (or as a record's owner), in table order,
 * in the arena. 0, or -1 when out of memory. */
int perm_slice(int role, pcn_arena *a, Pcn__Permission ***out, size_t *n);

/* Sends a response frame for a finished request (loop thread). */
void dispatch_reply(conn *c, uint64_t id, Pcn__Response *resp);
/* The same with the body given as its encoding (see req_ctx.raw_field);
 * resp carries the status. */
void dispatch_reply_raw(conn *c, uint64_t id, Pcn__Response *resp,
                        uint32_t field, const uint8_t *body, size_t blen);

/* Hands a prepared write to the writer, to be applied with e's functions. */
void dispatch_submit(wjob *job, const req_entry *e);
/* Answers a write that will not be applied with job->status, and frees it. */
void dispatch_fail_job(wjob *job);
/* A write or async request on c has been answered. */
void dispatch_async_done(conn *c);

/* Domain areas contribute their entries; dispatch.c lists the areas. */
extern const req_entry auth_entries[];
extern const size_t auth_entries_n;
extern const req_entry practices_entries[];
extern const size_t practices_entries_n;
extern const req_entry members_entries[];
extern const size_t members_entries_n;
extern const req_entry tasks_entries[];
extern const size_t tasks_entries_n;
extern const req_entry feed_entries[];
extern const size_t feed_entries_n;
extern const req_entry settings_entries[];
extern const size_t settings_entries_n;
extern const req_entry asks_entries[];
extern const size_t asks_entries_n;
extern const req_entry news_entries[];
extern const size_t news_entries_n;
extern const req_entry decisions_entries[];
extern const size_t decisions_entries_n;
extern const req_entry duties_entries[];
extern const size_t duties_entries_n;
extern const req_entry meetings_entries[];
extern const size_t meetings_entries_n;
extern const req_entry funds_entries[];
extern const size_t funds_entries_n;
extern const req_entry funds_plan_entries[];
extern const size_t funds_plan_entries_n;
extern const req_entry funds_arrs_entries[];
extern const size_t funds_arrs_entries_n;
extern const req_entry funds_claims_entries[];
extern const size_t funds_claims_entries_n;
extern const req_entry staff_entries[];
extern const size_t staff_entries_n;

#endif
