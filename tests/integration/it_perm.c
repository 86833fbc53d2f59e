/* it_perm.c - the permission table walked over the wire.
 *
 * For every entry of the server's request table, for a member of every
 * role, and for a target that is network-wide, in the actor's own practice
 * or in another practice: build a real request aimed at that target, send
 * it, and check the server refuses it with PERMISSION_DENIED exactly when
 * the table says (perm_allows). tests/unit/test_perm.c pins the table to
 * the written policy; this proves the server enforces the table.
 */
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
    char *who[] = {strcmp(target, "F84001") == 0 ? "staffa2" : "pmb"};
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
  *state = w;
  return 0;
}

static int teardown(void **state) {
  world *w = *state;
  its_member *all[] = {w->mgr, w->cd,       w->pm,  w->staff,
                       w->cd2, w->staff_a2, w->pm_b};
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
  its_member *actors[] = {w->mgr, w->cd, w->pm, w->staff};
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
    for (size_t a = 0; a < 4; a++) {
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
        int denied = resp->status->code == PCN__STATUS_CODE__PERMISSION_DENIED;
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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_walk),
      cmocka_unit_test(test_owner_rule),
      cmocka_unit_test(test_refusals_say_what_to_do),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
