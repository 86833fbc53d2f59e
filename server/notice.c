/* notice.c - the server's own word to the PCN managers: one feed event,
 * written by the writer with the server as the actor (notice.h). */
#include "notice.h"

#include "feed.h"
#include "writer.h"

typedef struct notice_prep {
  char *kind, *message;
  int severity;
  int64_t expires_at;
} notice_prep;

static int notice_apply(wtx *w, wjob *job) {
  notice_prep *p = job->prep;
  Pcn__ServerNotice n = PCN__SERVER_NOTICE__INIT;
  n.kind = p->kind;
  n.message = p->message;
  n.severity = p->severity;
  n.expires_at = p->expires_at;
  Pcn__Event ev = PCN__EVENT__INIT;
  ev.record_case = PCN__EVENT__RECORD_SERVER_NOTICE;
  ev.server_notice = &n;
  return feed_emit(w, PCN__OP__CREATED, "+", &ev);
}

int notice_post(server *s, const char *kind, int severity,
                const char *message, int64_t expires_at) {
  if (s->stopping || !s->wr) return -1;
  wjob *job = wjob_new(s, NULL, 0, 64u << 10);
  if (!job) return -1;
  notice_prep *p = pcn_arena_alloc(&job->arena, sizeof *p);
  if (!p || !(p->kind = pcn_arena_strdup(&job->arena, kind)) ||
      !(p->message = pcn_arena_strdup(&job->arena, message))) {
    wjob_free(job);
    return -1;
  }
  p->severity = severity;
  p->expires_at = expires_at;
  job->prep = p;
  job->apply = notice_apply;
  writer_submit(s->wr, job);
  return 0;
}
