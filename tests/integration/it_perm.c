/* it_perm.c - the permission table walked over the wire.
 *
 * For every entry of the server's request table, for a member of every
 * role, and for a target that is network-wide, in the actor's own practice
 * or in another practice: build a real request aimed at that target, send
 * it, and check the server refuses it with PERMISSION_DENIED exactly when
 * the table says (perm_allows). tests/unit/test_perm.c pins the table to
 * the written policy; this proves the server enforces the table.
 *
 * Then the same table for what refusals reveal: every request field that
 * names a record by number (every uint64 the table's messages carry) is
 * classified in id_rules, by the area whose records some members may not
 * see (with a fixture that hides one from them) or as naming only records
 * every member sees (with the reason); for each hidden case the answer
 * must be byte for byte the answer for a number never used.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "dispatch.h"
#include "itest.h"
#include "validate.h"

typedef struct world {
  its_server *s;
  its_member *mgr, *cd, *pm, *staff; /* the actors; pm, staff: F84001 */
  its_member *cd2, *staff_a2, *pm_b; /* creators of target tasks */
  its_member *clin;                  /* an actor too: F84001's GP */
  int fresh;                         /* for unique usernames */
} world;

static const char *targets[] = {"", "F84001", "F84002"};

/* A task in the target's scope that the actor neither made nor holds. */
static uint64_t target_task(world *w, const char *target) {
  its_member *by = !target[0]                      ? w->cd2
                   : strcmp(target, "F84001") == 0 ? w->staff_a2
                                                   : w->pm_b;
  return its_task(by, "target task", target, NULL, NULL);
}

/* An open decision proposed by someone who is none of the actors (so no
 * actor is its proposer). */
static uint64_t target_decision(world *w) {
  Pcn__DecisionPropose p = PCN__DECISION_PROPOSE__INIT;
  p.title = "target decision";
  p.rule = PCN__DECISION_RULE__DECISION_MAJORITY;
  p.closes_at = (int64_t)time(NULL) * 1000 + 86400000;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DECISION_PROPOSE;
  r.decision_propose = &p;
  return its_expect(w->cd2, &r, PCN__STATUS_CODE__OK)->decision->id;
}

/* A member in the target's scope to disable or re-role. */
static char *target_member(world *w, const char *target) {
  char *name = malloc(32);
  snprintf(name, 32, "target%d", w->fresh++);
  its_member *m = its_add_member(
      w->s, w->mgr, name,
      target[0] ? PCN__ROLE__STAFF : PCN__ROLE__CLINICAL_DIRECTOR, target);
  its_member_free(m);
  return name;
}

/* A meeting called by cd2 that none of the actors organises or is
 * invited to, running now (so attendance and agenda are both open). */
static uint64_t target_meeting(world *w) {
  int64_t now = pcn_now_ms() / 60000 * 60000;
  Pcn__MeetingCreate c = PCN__MEETING_CREATE__INIT;
  c.title = "target meeting";
  c.starts_at = now - 3600000;
  c.ends_at = now + 3600000;
  c.place = "";
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_MEETING_CREATE;
  r.meeting_create = &c;
  return its_expect(w->cd2, &r, PCN__STATUS_CODE__OK)->meeting->id;
}

/* Builds the request for entry bc aimed at target: 1 built; -1 when the
 * request cannot aim there (adding a practice is always network-wide);
 * 0 when the request has no target at all (checked by role only). */
static int build(world *w, int bc, const char *target, Pcn__Request *r,
                 void **scratch) {
  pcn__request__init(r);
  r->body_case = bc;
  switch (bc) {
  case PCN__REQUEST__BODY_PRACTICE_ADD: {
    if (target[0]) return -1;
    Pcn__PracticeAdd *a = calloc(1, sizeof *a);
    pcn__practice_add__init(a);
    char *ods = malloc(8);
    snprintf(ods, 8, "Y%05d", w->fresh++);
    a->ods = ods;
    a->name = "New practice";
    r->practice_add = a;
    scratch[0] = a;
    scratch[1] = ods;
    return 1;
  }
  case PCN__REQUEST__BODY_PRACTICE_UPDATE: {
    if (!target[0]) return -1;
    Pcn__PracticeUpdate *u = calloc(1, sizeof *u);
    pcn__practice_update__init(u);
    u->ods = (char *)target;
    u->has_list_size_case = PCN__PRACTICE_UPDATE__HAS_LIST_SIZE_LIST_SIZE;
    u->list_size = 5000;
    r->practice_update = u;
    scratch[0] = u;
    return 1;
  }
  case PCN__REQUEST__BODY_MEMBER_INVITE: {
    Pcn__MemberInvite *inv = calloc(1, sizeof *inv);
    pcn__member_invite__init(inv);
    char *name = malloc(32);
    snprintf(name, 32, "invitee%d", w->fresh++);
    inv->username = name;
    inv->display_name = "Invitee";
    inv->role = target[0] ? PCN__ROLE__STAFF : PCN__ROLE__CLINICAL_DIRECTOR;
    inv->practice = (char *)target;
    r->member_invite = inv;
    scratch[0] = inv;
    scratch[1] = name;
    return 1;
  }
  case PCN__REQUEST__BODY_MEMBER_DISABLE: {
    Pcn__MemberDisable *d = calloc(1, sizeof *d);
    pcn__member_disable__init(d);
    d->username = target_member(w, target);
    r->member_disable = d;
    scratch[0] = d;
    scratch[1] = d->username;
    return 1;
  }
  case PCN__REQUEST__BODY_MEMBER_ENABLE: {
    Pcn__MemberEnable *d = calloc(1, sizeof *d);
    pcn__member_enable__init(d);
    d->username = target_member(w, target);
    r->member_enable = d;
    scratch[0] = d;
    scratch[1] = d->username;
    return 1;
  }
  case PCN__REQUEST__BODY_MEMBER_SET_ROLE: {
    Pcn__MemberSetRole *sr = calloc(1, sizeof *sr);
    pcn__member_set_role__init(sr);
    sr->username = target_member(w, target);
    sr->role =
        target[0] ? PCN__ROLE__PRACTICE_MANAGER : PCN__ROLE__CLINICAL_DIRECTOR;
    sr->practice = (char *)target;
    r->member_set_role = sr;
    scratch[0] = sr;
    scratch[1] = sr->username;
    return 1;
  }
  case PCN__REQUEST__BODY_TASK_CREATE: {
    Pcn__TaskCreate *t = calloc(1, sizeof *t);
    pcn__task_create__init(t);
    t->title = "perm walk";
    t->practice = (char *)target;
    r->task_create = t;
    scratch[0] = t;
    return 1;
  }
  case PCN__REQUEST__BODY_TASK_LIST: {
    Pcn__TaskList *l = calloc(1, sizeof *l);
    pcn__task_list__init(l);
    l->scope = target[0] ? PCN__TASK_LIST__SCOPE__PRACTICE
                         : PCN__TASK_LIST__SCOPE__NETWORK;
    l->practice = (char *)target;
    r->task_list = l;
    scratch[0] = l;
    return 1;
  }
#define TASK_OP(CASE, Type, init, field)                                       \
  case CASE: {                                                                 \
    Type *x = calloc(1, sizeof *x);                                            \
    init(x);                                                                   \
    x->id = target_task(w, target);                                            \
    r->field = x;                                                              \
    scratch[0] = x;                                                            \
    return 1;                                                                  \
  }
    TASK_OP(PCN__REQUEST__BODY_TASK_GET, Pcn__TaskGet, pcn__task_get__init,
            task_get)
    TASK_OP(PCN__REQUEST__BODY_TASK_CLOSE, Pcn__TaskClose,
            pcn__task_close__init, task_close)
    TASK_OP(PCN__REQUEST__BODY_TASK_REOPEN, Pcn__TaskReopen,
            pcn__task_reopen__init, task_reopen)
  case PCN__REQUEST__BODY_TASK_UPDATE: {
    Pcn__TaskUpdate *u = calloc(1, sizeof *u);
    pcn__task_update__init(u);
    u->id = target_task(w, target);
    u->version = 1;
    u->has_title_case = PCN__TASK_UPDATE__HAS_TITLE_TITLE;
    u->title = "changed";
    r->task_update = u;
    scratch[0] = u;
    return 1;
  }
  case PCN__REQUEST__BODY_TASK_ASSIGN: {
    Pcn__TaskAssign *a = calloc(1, sizeof *a);
    pcn__task_assign__init(a);
    a->id = target_task(w, target);
    a->assignee = "";
    r->task_assign = a;
    scratch[0] = a;
    return 1;
  }
  case PCN__REQUEST__BODY_TASK_COMMENT: {
    Pcn__TaskComment *c = calloc(1, sizeof *c);
    pcn__task_comment__init(c);
    c->id = target_task(w, target);
    c->text = "a comment";
    r->task_comment = c;
    scratch[0] = c;
    return 1;
  }
  case PCN__REQUEST__BODY_DUTY_AGREE: {
    /* An agreement is always for a practice: agree all that is pending
     * (the first allowed agreement per practice makes it nothing to do,
     * which is not a refusal). */
    if (!target[0]) return -1;
    Pcn__DutyAgree *a = calloc(1, sizeof *a);
    pcn__duty_agree__init(a);
    a->practice = (char *)target;
    a->all = 1;
    r->duty_agree = a;
    scratch[0] = a;
    return 1;
  }
  case PCN__REQUEST__BODY_DUTY_DISAGREE: {
    /* Always for a practice; a repeat with the same reason is nothing to
     * do, which is not a refusal. */
    if (!target[0]) return -1;
    Pcn__DutyDisagree *x = calloc(1, sizeof *x);
    pcn__duty_disagree__init(x);
    x->practice = (char *)target;
    x->id = 1;
    x->reason = "perm walk";
    r->duty_disagree = x;
    scratch[0] = x;
    return 1;
  }
  case PCN__REQUEST__BODY_MEMBER_SET_EMAIL: {
    /* Someone else's address (a member's own: test_owner_rule). */
    Pcn__MemberSetEmail *e = calloc(1, sizeof *e);
    pcn__member_set_email__init(e);
    e->username = target_member(w, target);
    e->email = "walk@example.nhs.uk";
    r->member_set_email = e;
    scratch[0] = e;
    scratch[1] = e->username;
    return 1;
  }
  case PCN__REQUEST__BODY_NEWS_POST: {
    Pcn__NewsPost *p = calloc(1, sizeof *p);
    pcn__news_post__init(p);
    p->title = "perm walk";
    char **to = calloc(1, sizeof *to);
    to[0] = (char *)target;
    p->practices = to;
    p->n_practices = target[0] ? 1 : 0;
    r->news_post = p;
    scratch[0] = p;
    scratch[1] = to;
    return 1;
  }
  case PCN__REQUEST__BODY_NEWS_READ:
  case PCN__REQUEST__BODY_NEWS_CONFIRM:
  case PCN__REQUEST__BODY_NEWS_RECEIPTS: {
    /* A policy the clinical director posts to the target (receipts: to
     * everyone, asked about the target practice). */
    int receipts = bc == PCN__REQUEST__BODY_NEWS_RECEIPTS;
    char *to[1] = {(char *)target};
    Pcn__NewsPost p = PCN__NEWS_POST__INIT;
    p.title = "perm walk policy";
    p.body = "Read me.";
    p.policy = 1;
    p.practices = to;
    p.n_practices = target[0] && !receipts ? 1 : 0;
    Pcn__Request pr = PCN__REQUEST__INIT;
    pr.body_case = PCN__REQUEST__BODY_NEWS_POST;
    pr.news_post = &p;
    uint64_t id =
        its_expect(w->cd2, &pr, PCN__STATUS_CODE__OK)->news_entry->item->id;
    if (bc == PCN__REQUEST__BODY_NEWS_READ) {
      Pcn__NewsRead *x = calloc(1, sizeof *x);
      pcn__news_read__init(x);
      x->id = id;
      r->news_read = x;
      scratch[0] = x;
    } else if (bc == PCN__REQUEST__BODY_NEWS_CONFIRM) {
      Pcn__NewsConfirm *x = calloc(1, sizeof *x);
      pcn__news_confirm__init(x);
      x->id = id;
      r->news_confirm = x;
      scratch[0] = x;
    } else {
      Pcn__NewsReceipts *x = calloc(1, sizeof *x);
      pcn__news_receipts__init(x);
      x->id = id;
      x->practice = (char *)target;
      r->news_receipts = x;
      scratch[0] = x;
    }
    return 1;
  }
  case PCN__REQUEST__BODY_DECISION_PROPOSE: {
    if (target[0]) return -1; /* decisions are the network's */
    Pcn__DecisionPropose *p = calloc(1, sizeof *p);
    pcn__decision_propose__init(p);
    p->title = "perm walk";
    p->rule = PCN__DECISION_RULE__DECISION_CONSENT;
    p->closes_at = (int64_t)time(NULL) * 1000 + 86400000;
    r->decision_propose = p;
    scratch[0] = p;
    return 1;
  }
  case PCN__REQUEST__BODY_DECISION_VOTE: {
    if (!target[0]) return -1; /* practices vote, not the network */
    Pcn__DecisionVoteCast *v = calloc(1, sizeof *v);
    pcn__decision_vote_cast__init(v);
    v->id = target_decision(w);
    v->choice = PCN__DECISION_CHOICE__DECISION_AGREE;
    v->practice = (char *)target;
    r->decision_vote = v;
    scratch[0] = v;
    return 1;
  }
  case PCN__REQUEST__BODY_DECISION_WITHDRAW: {
    if (target[0]) return -1;
    Pcn__DecisionWithdraw *x = calloc(1, sizeof *x);
    pcn__decision_withdraw__init(x);
    x->id = target_decision(w);
    r->decision_withdraw = x;
    scratch[0] = x;
    return 1;
  }
  case PCN__REQUEST__BODY_DECISION_REMIND: {
    if (target[0]) return -1;
    Pcn__DecisionRemind *x = calloc(1, sizeof *x);
    pcn__decision_remind__init(x);
    x->id = target_decision(w);
    r->decision_remind = x;
    scratch[0] = x;
    return 1;
  }
  case PCN__REQUEST__BODY_DECISION_VOTER_SET: {
    if (!target[0]) return -1; /* a practice's voter */
    Pcn__DecisionVoterSet *x = calloc(1, sizeof *x);
    pcn__decision_voter_set__init(x);
    x->practice = (char *)target;
    x->username = "";
    r->decision_voter_set = x;
    scratch[0] = x;
    return 1;
  }
  case PCN__REQUEST__BODY_MEETING_CREATE: {
    if (target[0]) return -1; /* meetings are the network's */
    Pcn__MeetingCreate *c = calloc(1, sizeof *c);
    pcn__meeting_create__init(c);
    c->title = "perm walk";
    c->starts_at = pcn_now_ms() / 60000 * 60000 + 86400000;
    c->ends_at = c->starts_at + 3600000;
    c->place = "";
    r->meeting_create = c;
    scratch[0] = c;
    return 1;
  }
  case PCN__REQUEST__BODY_MEETING_UPDATE: {
    if (target[0]) return -1;
    Pcn__MeetingUpdate *u = calloc(1, sizeof *u);
    pcn__meeting_update__init(u);
    u->id = target_meeting(w);
    u->version = 1;
    u->has_title_case = PCN__MEETING_UPDATE__HAS_TITLE_TITLE;
    u->title = "changed";
    r->meeting_update = u;
    scratch[0] = u;
    return 1;
  }
  case PCN__REQUEST__BODY_MEETING_AGENDA_ADD: {
    if (target[0]) return -1;
    Pcn__MeetingAgendaAdd *a = calloc(1, sizeof *a);
    pcn__meeting_agenda_add__init(a);
    a->id = target_meeting(w);
    a->text = "an item";
    r->meeting_agenda_add = a;
    scratch[0] = a;
    return 1;
  }
  case PCN__REQUEST__BODY_MEETING_ATTEND: {
    if (target[0]) return -1;
    Pcn__MeetingAttend *a = calloc(1, sizeof *a);
    pcn__meeting_attend__init(a);
    static char *who[] = {"pm"};
    a->id = target_meeting(w);
    a->n_usernames = 1;
    a->usernames = who;
    r->meeting_attend = a;
    scratch[0] = a;
    return 1;
  }
  case PCN__REQUEST__BODY_MEETING_MINUTES: {
    if (target[0]) return -1;
    Pcn__MeetingMinutes *m = calloc(1, sizeof *m);
    pcn__meeting_minutes__init(m);
    m->id = target_meeting(w);
    m->version = 1;
    m->text = "minutes";
    r->meeting_minutes = m;
    scratch[0] = m;
    return 1;
  }
  case PCN__REQUEST__BODY_MEETING_ACTION_ADD: {
    if (target[0]) return -1;
    Pcn__MeetingActionAdd *a = calloc(1, sizeof *a);
    pcn__meeting_action_add__init(a);
    a->id = target_meeting(w);
    a->title = "an action";
    a->assignee = "pm";
    r->meeting_action_add = a;
    scratch[0] = a;
    return 1;
  }
  /* Asks (asks.c). An ask and a series are the network's (target ""),
   * to practices; reading one aims at the practices it was made to (both
   * for "", else the target alone); an answer aims at the practice
   * answering, on an ask to both. */
  case PCN__REQUEST__BODY_ASK_LIST: {
    Pcn__AskList *l = calloc(1, sizeof *l);
    pcn__ask_list__init(l);
    l->practice = (char *)target;
    r->ask_list = l;
    scratch[0] = l;
    return 1;
  }
  case PCN__REQUEST__BODY_ASK_CREATE:
  case PCN__REQUEST__BODY_ASK_GET:
  case PCN__REQUEST__BODY_ASK_REPLY:
  case PCN__REQUEST__BODY_ASK_CLOSE: {
    int reply = bc == PCN__REQUEST__BODY_ASK_REPLY;
    if (reply ? !target[0] : target[0] && bc != PCN__REQUEST__BODY_ASK_GET)
      return -1;
    static char *both[] = {"F84001", "F84002"};
    char *one[] = {(char *)target};
    Pcn__AskCreate *c = calloc(1, sizeof *c);
    pcn__ask_create__init(c);
    char *due = malloc(11);
    pcn_date_format(pcn_date_today() + 60, due); /* fair notice */
    c->title = "perm walk ask";
    c->due = due;
    c->practices = !target[0] || reply ? both : one;
    c->n_practices = !target[0] || reply ? 2 : 1;
    if (bc == PCN__REQUEST__BODY_ASK_CREATE) {
      r->ask_create = c;
      scratch[0] = c;
      scratch[1] = due;
      return 1;
    }
    Pcn__Request cr = PCN__REQUEST__INIT;
    cr.body_case = PCN__REQUEST__BODY_ASK_CREATE;
    cr.ask_create = c;
    uint64_t id = its_expect(w->mgr, &cr, PCN__STATUS_CODE__OK)->ask->id;
    free(c);
    free(due);
    if (bc == PCN__REQUEST__BODY_ASK_GET) {
      Pcn__AskGet *g = calloc(1, sizeof *g);
      pcn__ask_get__init(g);
      g->id = id;
      r->ask_get = g;
      scratch[0] = g;
    } else if (reply) {
      Pcn__AskReply *a = calloc(1, sizeof *a);
      pcn__ask_reply__init(a);
      a->ask_id = id;
      a->practice = (char *)target;
      a->state = PCN__ASK_ANSWER_STATE__ASK_ACKNOWLEDGED;
      r->ask_reply = a;
      scratch[0] = a;
    } else {
      Pcn__AskClose *cl = calloc(1, sizeof *cl);
      pcn__ask_close__init(cl);
      cl->id = id;
      r->ask_close = cl;
      scratch[0] = cl;
    }
    return 1;
  }
  case PCN__REQUEST__BODY_ASK_SERIES_CREATE:
  case PCN__REQUEST__BODY_ASK_SERIES_STOP: {
    if (target[0]) return -1;
    Pcn__AskSeriesCreate *c = calloc(1, sizeof *c);
    pcn__ask_series_create__init(c);
    static char *both[] = {"F84001", "F84002"};
    c->title = "perm walk series";
    c->practices = both;
    c->n_practices = 2;
    c->repeat = PCN__ASK_REPEAT__ASK_MONTHLY;
    c->day = 1;
    if (bc == PCN__REQUEST__BODY_ASK_SERIES_CREATE) {
      r->ask_series_create = c;
      scratch[0] = c;
      return 1;
    }
    Pcn__Request cr = PCN__REQUEST__INIT;
    cr.body_case = PCN__REQUEST__BODY_ASK_SERIES_CREATE;
    cr.ask_series_create = c;
    uint64_t id = its_expect(w->mgr, &cr, PCN__STATUS_CODE__OK)->ask_series->id;
    free(c);
    Pcn__AskSeriesStop *st = calloc(1, sizeof *st);
    pcn__ask_series_stop__init(st);
    st->id = id;
    r->ask_series_stop = st;
    scratch[0] = st;
    return 1;
  }
  case PCN__REQUEST__BODY_STAFF_LEAVE_ADD:
  case PCN__REQUEST__BODY_STAFF_LEAVE_CANCEL: {
    /* Aimed at the employing practice: a staff member of the target's
     * (and, to cancel, leave of theirs recorded by the PCN manager). */
    if (!target[0]) return -1;
    Pcn__StaffAdd sa = PCN__STAFF_ADD__INIT;
    sa.name = "Target person";
    sa.role = "paramedic";
    sa.practice = (char *)target;
    sa.wte = 100;
    Pcn__Request ar = PCN__REQUEST__INIT;
    ar.body_case = PCN__REQUEST__BODY_STAFF_ADD;
    ar.staff_add = &sa;
    uint64_t sid =
        its_expect(w->mgr, &ar, PCN__STATUS_CODE__OK)->staff_member->id;
    Pcn__StaffLeaveAdd *la = calloc(1, sizeof *la);
    pcn__staff_leave_add__init(la);
    la->staff_id = sid;
    la->from = "2026-12-01";
    la->to = "";
    la->note = "";
    if (bc == PCN__REQUEST__BODY_STAFF_LEAVE_ADD) {
      r->staff_leave_add = la;
      scratch[0] = la;
      return 1;
    }
    ar.body_case = PCN__REQUEST__BODY_STAFF_LEAVE_ADD;
    ar.staff_leave_add = la;
    uint64_t lid =
        its_expect(w->mgr, &ar, PCN__STATUS_CODE__OK)->staff_leave->id;
    free(la);
    Pcn__StaffLeaveCancel *lc = calloc(1, sizeof *lc);
    pcn__staff_leave_cancel__init(lc);
    lc->id = lid;
    r->staff_leave_cancel = lc;
    scratch[0] = lc;
    return 1;
  }
  case PCN__REQUEST__BODY_FUNDS_CLAIM_CREATE: {
    /* Aimed at the attendee's practice: a member of the target's who
     * attended a meeting none of the actors called. */
    if (!target[0]) return -1;
    uint64_t mid = target_meeting(w);
    Pcn__MeetingAttend at = PCN__MEETING_ATTEND__INIT;
    /* In F84001, the clinician's own time: a clinician claims only that. */
    char *who[] = {strcmp(target, "F84001") == 0 ? "clin" : "pmb"};
    at.id = mid;
    at.usernames = who;
    at.n_usernames = 1;
    Pcn__Request ar = PCN__REQUEST__INIT;
    ar.body_case = PCN__REQUEST__BODY_MEETING_ATTEND;
    ar.meeting_attend = &at;
    its_expect(w->mgr, &ar, PCN__STATUS_CODE__OK);
    Pcn__FundsClaimCreate *c = calloc(1, sizeof *c);
    pcn__funds_claim_create__init(c);
    c->meeting_id = mid;
    c->username = who[0];
    c->role = "gp";
    r->funds_claim_create = c;
    scratch[0] = c;
    return 1;
  }
  case PCN__REQUEST__BODY_FUNDS_CLAIM_LIST: {
    Pcn__FundsClaimList *l = calloc(1, sizeof *l);
    pcn__funds_claim_list__init(l);
    l->practice = (char *)target;
    r->funds_claim_list = l;
    scratch[0] = l;
    return 1;
  }
  default:
    return 0; /* requests without a target: checked by role only, below */
  }
}

/* A request of type bc with an empty body of the right message type (for
 * requests checked by role only); returns the body, to be freed. */
static void *empty_body(Pcn__Request *r, int bc) {
  pcn__request__init(r);
  r->body_case = bc;
  const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
      &pcn__request__descriptor, (unsigned)bc);
  assert_non_null(f);
  const ProtobufCMessageDescriptor *md = f->descriptor;
  ProtobufCMessage *m = calloc(1, md->sizeof_message);
  assert_non_null(m);
  protobuf_c_message_init(md, m);
  memcpy((char *)r + f->offset, &m, sizeof m);
  return m;
}

static int setup(void **state) {
  world *w = calloc(1, sizeof *w);
  w->s = its_start("");
  w->mgr = its_manager(w->s);
  its_add_practice(w->mgr, "F84001", "Riverside", 1000);
  its_add_practice(w->mgr, "F84002", "Hill", 1000);
  w->cd = its_add_member(w->s, w->mgr, "cd", PCN__ROLE__CLINICAL_DIRECTOR, "");
  w->pm =
      its_add_member(w->s, w->mgr, "pm", PCN__ROLE__PRACTICE_MANAGER, "F84001");
  w->staff = its_add_member(w->s, w->mgr, "staff", PCN__ROLE__STAFF, "F84001");
  w->cd2 =
      its_add_member(w->s, w->mgr, "cd2", PCN__ROLE__CLINICAL_DIRECTOR, "");
  w->staff_a2 =
      its_add_member(w->s, w->mgr, "staffa2", PCN__ROLE__STAFF, "F84001");
  w->pm_b = its_add_member(w->s, w->mgr, "pmb", PCN__ROLE__PRACTICE_MANAGER,
                           "F84002");
  w->clin =
      its_add_member(w->s, w->mgr, "clin", PCN__ROLE__CLINICIAN, "F84001");
  *state = w;
  return 0;
}

static int teardown(void **state) {
  world *w = *state;
  its_member *all[] = {w->mgr, w->cd,       w->pm,   w->staff,
                       w->cd2, w->staff_a2, w->pm_b, w->clin};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    its_member_free(all[i]);
  assert_int_equal(its_verify(w->s), 0);
  its_free(w->s);
  free(w);
  return 0;
}

static actor actor_of(its_member *m) {
  actor a;
  memset(&a, 0, sizeof a);
  a.member_id = 1;
  a.role = m->role;
  snprintf(a.username, sizeof a.username, "%s", m->username);
  snprintf(a.practice, sizeof a.practice, "%s", m->practice);
  return a;
}

static void test_walk(void **state) {
  world *w = *state;
  its_member *actors[] = {w->mgr, w->cd, w->pm, w->staff, w->clin};
  size_t n;
  const req_entry *table = dispatch_table(&n);
  int checked = 0;
  for (size_t i = 0; i < n; i++) {
    const req_entry *e = &table[i];
    if (e->flags & REQ_PUBLIC) continue;
    if (e->body_case == PCN__REQUEST__BODY_LOGOUT ||
        e->body_case == PCN__REQUEST__BODY_CHANGE_PASSWORD ||
        e->body_case == PCN__REQUEST__BODY_SUBSCRIBE ||
        e->body_case == PCN__REQUEST__BODY_UNSUBSCRIBE)
      continue; /* no target; change the session itself: it_accounts */
    for (size_t a = 0; a < sizeof actors / sizeof actors[0]; a++) {
      for (size_t t = 0; t < 3; t++) {
        Pcn__Request r;
        void *scratch[2] = {NULL, NULL};
        int targeted = build(w, e->body_case, targets[t], &r, scratch);
        if (targeted < 0) continue;
        if (!targeted) {
          if (t > 0) continue; /* untargeted: once per actor */
          if (!scratch[0]) scratch[0] = empty_body(&r, e->body_case);
          if (e->body_case == PCN__REQUEST__BODY_PRACTICE_GET)
            r.practice_get->ods = "F84001";
          if (e->body_case == PCN__REQUEST__BODY_MEMBER_GET)
            r.member_get->username = "pm";
        }
        actor who = actor_of(actors[a]);
        int allowed = perm_allows(e, &who, targeted ? targets[t] : "", 0);
        const Pcn__Response *resp = its_call(actors[a], &r);
        /* A record the actor may not see is refused as missing: NOT_FOUND
         * (test_hidden_is_missing holds it to the missing answer). */
        int denied = resp->status->code == PCN__STATUS_CODE__PERMISSION_DENIED ||
                     (resp->status->code == PCN__STATUS_CODE__NOT_FOUND &&
                      targeted && !allowed);
        if (denied == allowed)
          fail_msg("%s by %s on target '%s': table says %s, server said %d "
                   "(%s)",
                   e->name, actors[a]->username, targets[t],
                   allowed ? "allowed" : "refused", resp->status->code,
                   resp->status->message);
        if (denied) assert_true(strlen(resp->status->message) > 10);
        checked++;
        free(scratch[0]);
        free(scratch[1]);
      }
    }
  }
  fprintf(stderr, "permission walk: %d request/role/target cases checked\n",
          checked);
  assert_true(checked > 150);
}

/* Issue 19: WhoAmI's answer carries the member's slice of the table, and
 * for every role it is the table: an entry for each request the role may
 * make somewhere (or as owner), none for the rest, each flag what
 * perm_allows says for that target. */
static void test_whoami_slice(void **state) {
  world *w = *state;
  its_member *actors[] = {w->mgr, w->cd, w->pm, w->staff, w->clin};
  size_t n;
  const req_entry *table = dispatch_table(&n);
  for (size_t a = 0; a < sizeof actors / sizeof actors[0]; a++) {
    Pcn__WhoAmI who_req = PCN__WHO_AM_I__INIT;
    Pcn__Request r = PCN__REQUEST__INIT;
    r.body_case = PCN__REQUEST__BODY_WHOAMI;
    r.whoami = &who_req;
    const Pcn__Member *m =
        its_expect(actors[a], &r, PCN__STATUS_CODE__OK)->member;
    assert_non_null(m);
    actor who = actor_of(actors[a]);
    /* Their own practice's target: for the network's people, as if they
     * had one (the flag is the table's own_roles all the same). */
    actor in_own = who;
    if (!in_own.practice[0])
      snprintf(in_own.practice, sizeof in_own.practice, "F84001");
    size_t listed = 0;
    for (size_t i = 0; i < n; i++) {
      const req_entry *e = &table[i];
      const Pcn__Permission *p = NULL;
      for (size_t k = 0; k < m->n_permissions; k++)
        if (m->permissions[k]->body_case == e->body_case) p = m->permissions[k];
      int owner = (e->flags & REQ_OWNER) != 0;
      int net = perm_allows(e, &who, "", 0);
      int mine = perm_allows(e, &in_own, in_own.practice, 0);
      int theirs = perm_allows(e, &who, "F84002", 0);
      if (e->flags & REQ_PUBLIC || (!net && !mine && !theirs && !owner)) {
        if (p)
          fail_msg("%s is in %s's slice but the table gives them none", e->name,
                   actors[a]->username);
        continue;
      }
      if (!p)
        fail_msg("%s: missing from %s's slice", e->name, actors[a]->username);
      listed++;
      if (p->may_net != net || p->may_own != mine || p->may_other != theirs ||
          p->owner_may != owner)
        fail_msg("%s for %s: slice %d%d%d%d, table %d%d%d%d", e->name,
                 actors[a]->username, p->may_net, p->may_own, p->may_other,
                 p->owner_may, net, mine, theirs, owner);
    }
    assert_int_equal(listed, m->n_permissions); /* nothing else either */
    assert_true(listed > 20);
  }
  /* The case the desktop greys out: a practice manager on a network task
   * they do not own may not close it; the PCN manager may. */
  actor pm = actor_of(w->pm), mgr = actor_of(w->mgr);
  const req_entry *close = dispatch_entry(PCN__REQUEST__BODY_TASK_CLOSE);
  assert_false(perm_allows(close, &pm, "", 0));
  assert_true(perm_allows(close, &mgr, "", 0));
}

/* The owner rule: staff may work the tasks they made or hold, not others'. */
static void test_owner_rule(void **state) {
  world *w = *state;
  uint64_t mine = its_task(w->staff, "staff's own", "F84001", NULL, NULL);
  uint64_t theirs =
      its_task(w->staff_a2, "someone else's", "F84001", NULL, NULL);
  Pcn__TaskClose c = PCN__TASK_CLOSE__INIT;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_TASK_CLOSE;
  r.task_close = &c;
  c.id = mine;
  its_expect(w->staff, &r, PCN__STATUS_CODE__OK);
  c.id = theirs;
  its_expect(w->staff, &r, PCN__STATUS_CODE__PERMISSION_DENIED);
  /* A member's e-mail address is their own to set, whatever their role;
   * someone else's is not (the walk: only who may manage them). */
  Pcn__MemberSetEmail e = PCN__MEMBER_SET_EMAIL__INIT;
  r.body_case = PCN__REQUEST__BODY_MEMBER_SET_EMAIL;
  r.member_set_email = &e;
  e.username = "staff";
  e.email = "staff@riverside.nhs.uk";
  its_expect(w->staff, &r, PCN__STATUS_CODE__OK);
  e.username = "";
  e.email = "cd@example.nhs.uk";
  its_expect(w->cd, &r, PCN__STATUS_CODE__OK);
  e.username = "staffa2";
  its_expect(w->staff, &r, PCN__STATUS_CODE__PERMISSION_DENIED);
  its_expect(w->cd, &r, PCN__STATUS_CODE__PERMISSION_DENIED);
}

/* A refusal says whom to ask, or whose job it is. */
static void test_refusals_say_what_to_do(void **state) {
  world *w = *state;
  Pcn__Request r = PCN__REQUEST__INIT;
  Pcn__SettingsUpdate su = PCN__SETTINGS_UPDATE__INIT;
  r.body_case = PCN__REQUEST__BODY_SETTINGS_UPDATE;
  r.settings_update = &su;
  const Pcn__Response *resp =
      its_expect(w->pm, &r, PCN__STATUS_CODE__PERMISSION_DENIED);
  assert_non_null(strstr(resp->status->message, "ask your PCN manager"));
  Pcn__AskReply ar = PCN__ASK_REPLY__INIT;
  ar.ask_id = 1;
  r.body_case = PCN__REQUEST__BODY_ASK_REPLY;
  r.ask_reply = &ar;
  resp = its_expect(w->staff, &r, PCN__STATUS_CODE__PERMISSION_DENIED);
  assert_non_null(strstr(resp->status->message, "ask your practice manager"));
  resp = its_expect(w->mgr, &r, PCN__STATUS_CODE__PERMISSION_DENIED);
  assert_non_null(
      strstr(resp->status->message, "for the practice's practice manager"));
}

/* ------------------------------------------------------------ hidden */

/* The packed Status of resp with every decimal `from` in its message
 * written as `to` (malloc'd; *len its size). */
static uint8_t *status_as(const Pcn__Response *resp, uint64_t from,
                          uint64_t to, size_t *len) {
  char f[24], t[24], msg[1024] = "";
  snprintf(f, sizeof f, "%llu", (unsigned long long)from);
  snprintf(t, sizeof t, "%llu", (unsigned long long)to);
  const char *m = resp->status->message, *p;
  size_t o = 0;
  while ((p = strstr(m, f)) && o + (size_t)(p - m) + strlen(t) < sizeof msg) {
    memcpy(msg + o, m, (size_t)(p - m));
    o += (size_t)(p - m);
    memcpy(msg + o, t, strlen(t));
    o += strlen(t);
    m = p + strlen(f);
  }
  snprintf(msg + o, sizeof msg - o, "%s", m);
  Pcn__Status st = *resp->status;
  st.message = msg;
  *len = pcn__status__get_packed_size(&st);
  uint8_t *b = malloc(*len + 1);
  pcn__status__pack(&st, b);
  assert_int_equal(resp->body_case, PCN__RESPONSE__BODY__NOT_SET);
  return b;
}

/* Sends r with its id field (at offset off of the body) set to hidden and
 * then to a number never used; the two answers must be the same bytes,
 * the number aside. Returns the code of the answer for the missing one. */
static int same_as_missing(its_member *m, Pcn__Request *r, void *body,
                           size_t off, uint64_t hidden, const char *what) {
  const uint64_t missing = 987654321;
  memcpy((char *)body + off, &hidden, 8);
  size_t hl, ml;
  const Pcn__Response *hr = its_call(m, r);
  int hcode = (int)hr->status->code;
  char hmsg[300];
  snprintf(hmsg, sizeof hmsg, "%s", hr->status->message);
  uint8_t *h = status_as(hr, hidden, hidden, &hl);
  memcpy((char *)body + off, &missing, 8);
  const Pcn__Response *mr = its_call(m, r);
  int code = (int)mr->status->code;
  uint8_t *mb = status_as(mr, missing, hidden, &ml);
  if (hl != ml || memcmp(h, mb, hl) != 0)
    fail_msg("%s by %s: the answer for hidden record %llu (%d: %s) differs "
             "from the answer for a missing one (%d: %s)",
             what, m->username, (unsigned long long)hidden, hcode, hmsg, code,
             mr->status->message);
  free(h);
  free(mb);
  return code;
}

/* The areas whose records some members may not see. */
enum area {
  AREA_NONE, /* every member sees every record it names: why says so */
  AREA_TASK, /* a practice's private task: that practice's members only */
  AREA_ASK,  /* an ask to some practices: they and the network's people */
  AREA_SERIES,
  AREA_NEWS,
  AREA_DECISION, /* a decision put to some practices */
  AREA_CLAIM,    /* a backfill claim: its practice and the network's people */
  AREA_N
};

/* What else a request needs to reach its lookup (so the walk tests the
 * lookup, not the checks before it). */
typedef void (*fill_fn)(void *body);
static void fill_task_update(void *b) {
  Pcn__TaskUpdate *x = b;
  x->version = 1;
  x->has_title_case = PCN__TASK_UPDATE__HAS_TITLE_TITLE;
  x->title = "changed";
}
static void fill_task_comment(void *b) {
  ((Pcn__TaskComment *)b)->text = "a comment";
}
static void fill_ask_reply(void *b) {
  ((Pcn__AskReply *)b)->state = PCN__ASK_ANSWER_STATE__ASK_ACKNOWLEDGED;
}
static void fill_news_post(void *b) {
  Pcn__NewsPost *x = b;
  x->title = "v2";
  x->body = "Read me again.";
}
static void fill_vote(void *b) {
  ((Pcn__DecisionVoteCast *)b)->choice = PCN__DECISION_CHOICE__DECISION_AGREE;
}
static void fill_withdraw(void *b) {
  ((Pcn__DecisionWithdraw *)b)->reason = "no longer needed";
}
static void fill_claim_decide(void *b) {
  ((Pcn__FundsClaimDecide *)b)->reason = "not this one";
}

/* How a request that names a record by number keeps a hidden one hidden.
 * Every uint64 field of every request in the server's table (and of the
 * messages a request repeats) must be listed here, so a new request that
 * takes an id cannot be added unclassified: test_hidden_is_missing fails
 * until it is. */
typedef struct id_rule {
  int body_case;
  const char *field; /* "entries.id": id in the repeated message entries */
  enum area area;
  /* AREA_NONE: why nothing is hidden through it. Else, when set: only
   * roles that see every record of the area may make the request, so
   * everyone else is refused before any lookup (the walk checks the table
   * says so, and that hidden and missing still answer alike). */
  const char *why;
  fill_fn fill;
} id_rule;

#define OPEN_DUTIES "the responsibilities register is every member's (duties.c)"
#define OPEN_MEETINGS "meetings are every member's (meetings.c)"
#define OPEN_STAFF "staff, rota and leave are every member's (staff.c)"
#define CURSOR "a list's cursor: it names no record, lists filter by audience"

static const id_rule id_rules[] = {
    {PCN__REQUEST__BODY_TASK_GET, "id", AREA_TASK, NULL, NULL},
    {PCN__REQUEST__BODY_TASK_UPDATE, "id", AREA_TASK, NULL, fill_task_update},
    {PCN__REQUEST__BODY_TASK_ASSIGN, "id", AREA_TASK, NULL, NULL},
    {PCN__REQUEST__BODY_TASK_COMMENT, "id", AREA_TASK, NULL, fill_task_comment},
    {PCN__REQUEST__BODY_TASK_CLOSE, "id", AREA_TASK, NULL, NULL},
    {PCN__REQUEST__BODY_TASK_REOPEN, "id", AREA_TASK, NULL, NULL},
    {PCN__REQUEST__BODY_SUBSCRIBE, "since_seq", AREA_NONE,
     "a feed position, not a record: replay filters by audience "
     "(docs/visibility.md: why seqs stay global)",
     NULL},
    {PCN__REQUEST__BODY_ASK_LIST, "before", AREA_NONE, CURSOR, NULL},
    {PCN__REQUEST__BODY_ASK_GET, "id", AREA_ASK, NULL, NULL},
    {PCN__REQUEST__BODY_ASK_REPLY, "ask_id", AREA_ASK, NULL, fill_ask_reply},
    {PCN__REQUEST__BODY_ASK_CLOSE, "id", AREA_ASK,
     "only the network's people close asks, and they see every ask", NULL},
    {PCN__REQUEST__BODY_ASK_SERIES_STOP, "id", AREA_SERIES,
     "only the network's people stop a series, and they see every one", NULL},
    {PCN__REQUEST__BODY_NEWS_POST, "version_of", AREA_NEWS, NULL,
     fill_news_post},
    {PCN__REQUEST__BODY_NEWS_READ, "id", AREA_NEWS, NULL, NULL},
    {PCN__REQUEST__BODY_NEWS_CONFIRM, "id", AREA_NEWS, NULL, NULL},
    {PCN__REQUEST__BODY_NEWS_RECEIPTS, "id", AREA_NEWS, NULL, NULL},
    {PCN__REQUEST__BODY_DECISION_LIST, "before_id", AREA_NONE, CURSOR, NULL},
    {PCN__REQUEST__BODY_DECISION_GET, "id", AREA_DECISION, NULL, NULL},
    {PCN__REQUEST__BODY_DECISION_VOTE, "id", AREA_DECISION, NULL, fill_vote},
    {PCN__REQUEST__BODY_DECISION_WITHDRAW, "id", AREA_DECISION, NULL,
     fill_withdraw},
    {PCN__REQUEST__BODY_DECISION_REMIND, "id", AREA_DECISION, NULL, NULL},
    {PCN__REQUEST__BODY_DUTY_UPDATE, "id", AREA_NONE, OPEN_DUTIES, NULL},
    {PCN__REQUEST__BODY_DUTY_REMOVE, "id", AREA_NONE, OPEN_DUTIES, NULL},
    {PCN__REQUEST__BODY_DUTY_AGREE, "entries.id", AREA_NONE, OPEN_DUTIES, NULL},
    {PCN__REQUEST__BODY_DUTY_DISAGREE, "id", AREA_NONE, OPEN_DUTIES, NULL},
    {PCN__REQUEST__BODY_MEETING_GET, "id", AREA_NONE, OPEN_MEETINGS, NULL},
    {PCN__REQUEST__BODY_MEETING_UPDATE, "id", AREA_NONE, OPEN_MEETINGS, NULL},
    {PCN__REQUEST__BODY_MEETING_AGENDA_ADD, "id", AREA_NONE, OPEN_MEETINGS,
     NULL},
    {PCN__REQUEST__BODY_MEETING_ATTEND, "id", AREA_NONE, OPEN_MEETINGS, NULL},
    {PCN__REQUEST__BODY_MEETING_MINUTES, "id", AREA_NONE, OPEN_MEETINGS, NULL},
    {PCN__REQUEST__BODY_MEETING_ACTION_ADD, "id", AREA_NONE, OPEN_MEETINGS,
     NULL},
    {PCN__REQUEST__BODY_FUNDS_REVERSE, "entry", AREA_NONE,
     "the ledger is every member's (funds.c: transparency is the point)", NULL},
    {PCN__REQUEST__BODY_FUNDS_LEDGER, "before", AREA_NONE, CURSOR, NULL},
    {PCN__REQUEST__BODY_FUNDS_CLAIM_CREATE, "meeting_id", AREA_NONE,
     OPEN_MEETINGS, NULL},
    {PCN__REQUEST__BODY_FUNDS_CLAIM_DECIDE, "id", AREA_CLAIM,
     "only the PCN manager decides claims, and sees every claim",
     fill_claim_decide},
    {PCN__REQUEST__BODY_FUNDS_CLAIM_DECIDE, "ids", AREA_NONE,
     "only the PCN manager decides claims, and sees every claim (the one "
     "id rule above walks the same lookup)",
     NULL},
    {PCN__REQUEST__BODY_STAFF_UPDATE, "id", AREA_NONE, OPEN_STAFF, NULL},
    {PCN__REQUEST__BODY_STAFF_END, "id", AREA_NONE, OPEN_STAFF, NULL},
    {PCN__REQUEST__BODY_STAFF_ROTA_SET, "staff_id", AREA_NONE, OPEN_STAFF,
     NULL},
    {PCN__REQUEST__BODY_STAFF_LEAVE_ADD, "staff_id", AREA_NONE, OPEN_STAFF,
     NULL},
    {PCN__REQUEST__BODY_STAFF_LEAVE_LIST, "staff_id", AREA_NONE, OPEN_STAFF,
     NULL},
    {PCN__REQUEST__BODY_STAFF_LEAVE_CANCEL, "id", AREA_NONE, OPEN_STAFF, NULL},
};
#define N_RULES (sizeof id_rules / sizeof id_rules[0])

static const id_rule *rule_for(int bc, const char *field) {
  for (size_t i = 0; i < N_RULES; i++)
    if (id_rules[i].body_case == bc && !strcmp(id_rules[i].field, field))
      return &id_rules[i];
  return NULL;
}

/* Every uint64 field of the request bc (and of its message fields, as
 * "outer.inner") must have a rule; marks the rules found in seen. */
static void classify_fields(const req_entry *e, int *seen) {
  const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
      &pcn__request__descriptor, (unsigned)e->body_case);
  assert_non_null(f);
  const ProtobufCMessageDescriptor *md = f->descriptor;
  for (unsigned i = 0; i < md->n_fields; i++) {
    const ProtobufCFieldDescriptor *g = &md->fields[i];
    char name[128];
    if (g->type == PROTOBUF_C_TYPE_UINT64 || g->type == PROTOBUF_C_TYPE_FIXED64)
      snprintf(name, sizeof name, "%s", g->name);
    else if (g->type == PROTOBUF_C_TYPE_MESSAGE) {
      const ProtobufCMessageDescriptor *sub = g->descriptor;
      for (unsigned k = 0; k < sub->n_fields; k++) {
        if (sub->fields[k].type != PROTOBUF_C_TYPE_UINT64) continue;
        snprintf(name, sizeof name, "%s.%s", g->name, sub->fields[k].name);
        const id_rule *r = rule_for(e->body_case, name);
        if (!r)
          fail_msg("%s names a record by %s, and it_perm's id_rules does "
                   "not say whether a member could see one they may not: "
                   "add it",
                   e->name, name);
        seen[r - id_rules] = 1;
      }
      continue;
    } else {
      continue;
    }
    const id_rule *r = rule_for(e->body_case, name);
    if (!r)
      fail_msg("%s names a record by %s, and it_perm's id_rules does not say "
               "whether a member could see one they may not: add it",
               e->name, name);
    seen[r - id_rules] = 1;
  }
}

/* One record of each area that some actors may not see, and who. */
typedef struct hidden_case {
  its_member *m;
  uint64_t id;
} hidden_case;

typedef struct hidden_set {
  hidden_case c[8];
  size_t n;
} hidden_set;

static void hidden_fixtures(world *w, hidden_set *set) {
  memset(set, 0, AREA_N * sizeof *set);
  uint64_t t_b = target_task(w, "F84002"), t_a = target_task(w, "F84001");
  char *only_b[] = {"F84002"};
  char due[11];
  pcn_date_format(pcn_date_today() + 60, due);
  Pcn__Request cr = PCN__REQUEST__INIT;
  Pcn__AskCreate ac = PCN__ASK_CREATE__INIT;
  ac.title = "to Hill only";
  ac.due = due;
  ac.practices = only_b;
  ac.n_practices = 1;
  cr.body_case = PCN__REQUEST__BODY_ASK_CREATE;
  cr.ask_create = &ac;
  uint64_t ask_b = its_expect(w->mgr, &cr, PCN__STATUS_CODE__OK)->ask->id;
  Pcn__AskSeriesCreate sc = PCN__ASK_SERIES_CREATE__INIT;
  sc.title = "Hill's monthly figures";
  sc.body = "The month's figures.";
  sc.practices = only_b;
  sc.n_practices = 1;
  sc.repeat = PCN__ASK_REPEAT__ASK_MONTHLY;
  sc.day = 1;
  cr.body_case = PCN__REQUEST__BODY_ASK_SERIES_CREATE;
  cr.ask_series_create = &sc;
  uint64_t series_b =
      its_expect(w->mgr, &cr, PCN__STATUS_CODE__OK)->ask_series->id;
  Pcn__NewsPost np = PCN__NEWS_POST__INIT;
  np.title = "to Hill only";
  np.body = "Read me.";
  np.policy = 1;
  np.practices = only_b;
  np.n_practices = 1;
  cr.body_case = PCN__REQUEST__BODY_NEWS_POST;
  cr.news_post = &np;
  uint64_t news_b =
      its_expect(w->cd2, &cr, PCN__STATUS_CODE__OK)->news_entry->item->id;
  Pcn__DecisionPropose dp = PCN__DECISION_PROPOSE__INIT;
  dp.title = "a shared clinic at Hill";
  dp.rule = PCN__DECISION_RULE__DECISION_MAJORITY;
  dp.closes_at = (int64_t)time(NULL) * 1000 + 86400000;
  dp.practices = only_b;
  dp.n_practices = 1;
  cr.body_case = PCN__REQUEST__BODY_DECISION_PROPOSE;
  cr.decision_propose = &dp;
  uint64_t dec_b = its_expect(w->cd2, &cr, PCN__STATUS_CODE__OK)->decision->id;

  /* A practice's private task is hidden even from the network's people. */
  hidden_set *t = &set[AREA_TASK];
  t->c[t->n++] = (hidden_case){w->pm, t_b};
  t->c[t->n++] = (hidden_case){w->staff, t_b};
  t->c[t->n++] = (hidden_case){w->clin, t_b};
  t->c[t->n++] = (hidden_case){w->mgr, t_a};
  t->c[t->n++] = (hidden_case){w->cd, t_b};
  /* Records to Hill only are hidden from Riverside's people. */
  struct {
    enum area area;
    uint64_t id;
  } to_b[] = {{AREA_ASK, ask_b},
              {AREA_SERIES, series_b},
              {AREA_NEWS, news_b},
              {AREA_DECISION, dec_b},
              /* No claim is made (it needs a meeting attended and a rate):
               * deciding one is the PCN manager's alone, refused to
               * everyone else before any lookup, so any number serves. */
              {AREA_CLAIM, 1}};
  for (size_t i = 0; i < sizeof to_b / sizeof to_b[0]; i++) {
    hidden_set *h = &set[to_b[i].area];
    its_member *riverside[] = {w->pm, w->staff, w->clin};
    for (size_t k = 0; k < 3; k++)
      h->c[h->n++] = (hidden_case){riverside[k], to_b[i].id};
  }
}

/* A record a member may not see is answered exactly as one that does not
 * exist, by every request in the server's table that names a record by
 * number: same code, same sentence (the number aside), same details. The
 * walk finds the requests itself; id_rules says for each whether its area
 * hides records from anyone, so none can be added unclassified. */
static void test_hidden_is_missing(void **state) {
  world *w = *state;
  size_t n;
  const req_entry *table = dispatch_table(&n);
  int seen[N_RULES];
  memset(seen, 0, sizeof seen);
  for (size_t i = 0; i < n; i++)
    classify_fields(&table[i], seen);
  for (size_t i = 0; i < N_RULES; i++)
    if (!seen[i])
      fail_msg("id_rules lists %s of request %d, which the server's table "
               "does not have: remove it",
               id_rules[i].field, id_rules[i].body_case);

  hidden_set set[AREA_N];
  hidden_fixtures(w, set);
  its_member *actors[] = {w->mgr, w->cd, w->pm, w->staff, w->clin};
  int compared = 0, open = 0;
  for (size_t i = 0; i < N_RULES; i++) {
    const id_rule *rule = &id_rules[i];
    if (rule->area == AREA_NONE) {
      open++;
      continue;
    }
    const req_entry *e = NULL;
    for (size_t k = 0; k < n; k++)
      if (table[k].body_case == rule->body_case) e = &table[k];
    assert_non_null(e);
    if (rule->why) {
      /* Only those who see every record of the area may ask at all. */
      for (size_t a = 0; a < sizeof actors / sizeof actors[0]; a++) {
        actor who = actor_of(actors[a]);
        if (who.practice[0] && (perm_allows(e, &who, "", 0) ||
                                perm_allows(e, &who, who.practice, 0) ||
                                perm_allows(e, &who, "F84002", 0)))
          fail_msg("%s: %s may make it, so '%s' no longer holds: give it a "
                   "fixture",
                   e->name, actors[a]->username, rule->why);
      }
    }
    const ProtobufCMessageDescriptor *md =
        protobuf_c_message_descriptor_get_field(&pcn__request__descriptor,
                                                (unsigned)rule->body_case)
            ->descriptor;
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(md, rule->field);
    assert_non_null(f);
    const hidden_set *h = &set[rule->area];
    assert_true(h->n > 0);
    int reached = 0;
    for (size_t k = 0; k < h->n; k++) {
      Pcn__Request r;
      void *body = empty_body(&r, rule->body_case);
      if (rule->fill) rule->fill(body);
      char what[160];
      snprintf(what, sizeof what, "%s (%s)", e->name, rule->field);
      int code =
          same_as_missing(h->c[k].m, &r, body, f->offset, h->c[k].id, what);
      /* NOT_FOUND, or refused by role alone: this role may not make the
       * request on any record, seen or not. */
      actor who = actor_of(h->c[k].m);
      int role_refused = !perm_allows(e, &who, "", 1) &&
                         !perm_allows(e, &who, who.practice, 1) &&
                         !perm_allows(e, &who, "F84002", 1);
      if (code == PCN__STATUS_CODE__NOT_FOUND)
        reached++;
      else if (code != PCN__STATUS_CODE__PERMISSION_DENIED || !role_refused)
        fail_msg("%s by %s: a missing record got %d, not NOT_FOUND: the "
                 "walk did not reach the lookup (fix its fill)",
                 what, h->c[k].m->username, code);
      compared++;
      free(body);
    }
    /* Each request's lookup is reached by someone, unless only those who
     * see everything may make it. */
    if (!reached && !rule->why)
      fail_msg("%s: no actor's request reached its lookup", e->name);
  }
  fprintf(stderr,
          "hidden is missing: %d request/actor cases compared byte for byte; "
          "%d id fields in areas every member sees\n",
          compared, open);
  assert_true(compared > 60);
}

static int64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* The hidden and the missing record go the same way (a store lookup, then
 * one not-found answer), for each area's show request: measured,
 * interleaved, and only reported (a sanitizer build on a shared machine
 * times too roughly to assert a difference of microseconds). */
static void test_hidden_timing(void **state) {
  world *w = *state;
  enum { N = 500 };
  hidden_set set[AREA_N];
  hidden_fixtures(w, set);
  static const struct {
    int bc;
    enum area area;
    const char *what;
  } shows[] = {
      {PCN__REQUEST__BODY_TASK_GET, AREA_TASK, "task show"},
      {PCN__REQUEST__BODY_ASK_GET, AREA_ASK, "ask show"},
      {PCN__REQUEST__BODY_NEWS_READ, AREA_NEWS, "news read"},
      {PCN__REQUEST__BODY_DECISION_GET, AREA_DECISION, "decision show"}};
  int64_t *hid = calloc(N, sizeof *hid), *mis = calloc(N, sizeof *mis);
  for (size_t s = 0; s < sizeof shows / sizeof shows[0]; s++) {
    const hidden_case *hc = &set[shows[s].area].c[0]; /* pm */
    Pcn__Request r;
    void *body = empty_body(&r, shows[s].bc);
    size_t off = protobuf_c_message_descriptor_get_field_by_name(
                     protobuf_c_message_descriptor_get_field(
                         &pcn__request__descriptor, (unsigned)shows[s].bc)
                         ->descriptor,
                     "id")
                     ->offset;
    for (int i = 0; i < N; i++) {
      for (int k = 0; k < 2; k++) {
        int hidden = (i + k) % 2 == 0;
        uint64_t id = hidden ? hc->id : 987654321;
        memcpy((char *)body + off, &id, 8);
        int64_t t0 = mono_ns();
        const Pcn__Response *resp = its_call(hc->m, &r);
        int64_t dt = mono_ns() - t0;
        assert_int_equal(resp->status->code, PCN__STATUS_CODE__NOT_FOUND);
        (hidden ? hid : mis)[i] = dt;
      }
    }
    free(body);
    qsort(hid, N, sizeof *hid, cmp_i64);
    qsort(mis, N, sizeof *mis, cmp_i64);
    fprintf(stderr,
            "%s by %s, %d each, interleaved: median %.1f us hidden, %.1f us "
            "missing\n",
            shows[s].what, hc->m->username, N, hid[N / 2] / 1e3,
            mis[N / 2] / 1e3);
  }
  free(hid);
  free(mis);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_walk),
      cmocka_unit_test(test_owner_rule),
      cmocka_unit_test(test_whoami_slice),
      cmocka_unit_test(test_refusals_say_what_to_do),
      cmocka_unit_test(test_hidden_is_missing),
      cmocka_unit_test(test_hidden_timing),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
