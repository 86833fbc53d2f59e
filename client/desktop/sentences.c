/* sentences.c - the Feed's sentences (sentences.h; issue 19). One
 * function per area, each a switch over the area's record cases; the
 * actor's name starts every sentence ("The server" for its own events),
 * then a verb, the record by its title, practices and people by name, dates
 * in words. A case this version does not know still reads as a sentence.
 *
 * The titles table ("a7" -> the title of ask 7, object data of d->feed so
 * that it goes with the feed) is filled
 * from every event the feed sees, so a vote names its decision when the
 * decision went past first (the feed subscribes from history).
 */
#include "sentences.h"

#include <stdio.h>
#include <string.h>

#include "money.h"
#include "uktime.h"
#include "words.h"

/* Words that live only for one sentence: a few rotating buffers (the GTK
 * thread alone calls these). */
static char *scratch(void) {
  static char bufs[6][48];
  static unsigned at;
  return bufs[at++ % 6];
}

static const char *date_w(const char *iso) {
  char *b = scratch();
  desk_date_words(iso, b, 48, DESK_DATE_WEEKDAY);
  return b;
}

static const char *when_w(int64_t ms) {
  char *b = scratch();
  desk_datetime_words(ms, b, 48);
  return b;
}

/* "2026-11" -> "November 2026". */
static const char *month_w(const char *ym) {
  static const char *const names[] = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  char *b = scratch();
  int y, m;
  if (strlen(ym) == 7 && sscanf(ym, "%4d-%2d", &y, &m) == 2 && m >= 1 &&
      m <= 12)
    snprintf(b, 48, "%s %d", names[m - 1], y);
  else
    snprintf(b, 48, "%s", ym);
  return b;
}

/* 12000 -> "12,000". */
static const char *count_w(unsigned v) {
  char *b = scratch();
  if (v >= 1000000)
    snprintf(b, 48, "%u,%03u,%03u", v / 1000000, v / 1000 % 1000, v % 1000);
  else if (v >= 1000)
    snprintf(b, 48, "%u,%03u", v / 1000, v % 1000);
  else
    snprintf(b, 48, "%u", v);
  return b;
}

static const char *money_w(int64_t pence) {
  char *b = scratch();
  pcn_pence_format(pence, 1, b);
  return b;
}

/* ------------------------------------------------------------ titles */

static void learn(pcn_desk *d, char kind, uint64_t id, const char *title) {
  if (!id || !title || !title[0]) return;
  GHashTable *titles = g_object_get_data(G_OBJECT(d->feed), "pcn-titles");
  if (!titles) {
    titles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_object_set_data_full(G_OBJECT(d->feed), "pcn-titles", titles,
                           (GDestroyNotify)g_hash_table_unref);
  }
  g_hash_table_replace(titles,
                       g_strdup_printf("%c%" G_GUINT64_FORMAT, kind, id),
                       g_strdup(title));
}

/* The title of record id of kind, or fallback ("a decision"). */
static const char *title_of(pcn_desk *d, char kind, uint64_t id,
                            const char *fallback) {
  GHashTable *titles = g_object_get_data(G_OBJECT(d->feed), "pcn-titles");
  if (!titles) return fallback;
  char key[32];
  snprintf(key, sizeof key, "%c%" G_GUINT64_FORMAT, kind, id);
  const char *t = g_hash_table_lookup(titles, key);
  return t ? t : fallback;
}

void desk_sentence_learn(pcn_desk *d, const Pcn__Event *ev) {
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_TASK:
    learn(d, 't', ev->task->id, ev->task->title);
    break;
  case PCN__EVENT__RECORD_ASK:
    learn(d, 'a', ev->ask->id, ev->ask->title);
    break;
  case PCN__EVENT__RECORD_NEWS:
    learn(d, 'n', ev->news->id, ev->news->title);
    break;
  case PCN__EVENT__RECORD_DECISION:
    learn(d, 'd', ev->decision->id, ev->decision->title);
    break;
  case PCN__EVENT__RECORD_MEETING:
    learn(d, 'm', ev->meeting->id, ev->meeting->title);
    break;
  case PCN__EVENT__RECORD_MEETING_ACTION:
    learn(d, 't', ev->meeting_action->task_id, ev->meeting_action->title);
    break;
  default: break;
  }
}

/* ------------------------------------------------------------ areas */

#define WHO(u) desk_person_words(d, (u))
#define AT(ods) desk_practice_words(d, (ods))
#define STREAM(code) desk_stream_words(d, (code))

/* Each area's function writes the sentence after the actor ("asked ...")
 * and returns 1, or 0 when the case is not its own. */

static int s_tasks(pcn_desk *d, const Pcn__Event *ev, char *o, size_t n) {
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_TASK: {
    const Pcn__Task *t = ev->task;
    const char *verb = ev->op == PCN__OP__CREATED   ? "created the task"
                       : ev->op == PCN__OP__DELETED ? "deleted the task"
                       : t->status == PCN__TASK_STATUS__TASK_CLOSED
                           ? "closed the task"
                           : "updated the task";
    char tail[200] = "";
    if (t->status != PCN__TASK_STATUS__TASK_CLOSED &&
        ev->op != PCN__OP__DELETED) {
      if (t->assignee[0])
        snprintf(tail, sizeof tail, " for %s", WHO(t->assignee));
      if (t->due[0])
        snprintf(tail + strlen(tail), sizeof tail - strlen(tail), ", due %s",
                 date_w(t->due));
    }
    snprintf(o, n, "%s %s%s%s%s", verb, t->title, t->practice[0] ? " at " : "",
             t->practice[0] ? AT(t->practice) : "", tail);
    return 1;
  }
  case PCN__EVENT__RECORD_TASK_REMINDER: {
    const Pcn__TaskReminder *r = ev->task_reminder;
    snprintf(o, n, "reminded %s that %s %s %s",
             r->to[0] ? WHO(r->to) : "nobody", r->title,
             r->overdue ? "is overdue: it was due" : "is due today,",
             date_w(r->due));
    return 1;
  }
  case PCN__EVENT__RECORD_COMMENT:
    snprintf(o, n, "%s on %s: \"%s\"",
             ev->op == PCN__OP__CREATED ? "commented" : "changed a comment",
             title_of(d, 't', ev->comment->task_id, "a task"),
             ev->comment->text);
    return 1;
  default: return 0;
  }
}

static const char *const answer_words[] = {"has not answered yet",
                                           "acknowledged", "done", "declined"};

/* "Hill Street, Riverside and Oak Lodge" into out. */
static void practices_w(pcn_desk *d, char **p, size_t np, const char *none,
                        char *out, size_t n) {
  if (!np) {
    snprintf(out, n, "%s", none);
    return;
  }
  size_t at = 0;
  out[0] = 0;
  for (size_t i = 0; i < np && at + 4 < n; i++) {
    const char *sep = i == 0 ? "" : i + 1 == np ? " and " : ", ";
    int k = snprintf(out + at, n - at, "%s%s", sep, AT(p[i]));
    if (k < 0) break;
    at += (size_t)k;
  }
}

static int s_asks(pcn_desk *d, const Pcn__Event *ev, char *o, size_t n) {
  char to[400];
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_ASK: {
    const Pcn__Ask *a = ev->ask;
    practices_w(d, a->practices, a->n_practices, "every practice", to,
                sizeof to);
    if (a->state == PCN__ASK_STATE__ASK_CLOSED)
      snprintf(o, n, "closed the ask %s", a->title);
    else if (ev->op == PCN__OP__CREATED)
      snprintf(o, n, "asked %s for %s, due %s%s%s", to, a->title,
               date_w(a->due), a->urgent ? " (urgent: " : "",
               a->urgent ? a->urgent_reason : "");
    else
      snprintf(o, n, "changed the ask %s to %s, due %s", a->title, to,
               date_w(a->due));
    if (a->urgent && ev->op == PCN__OP__CREATED &&
        a->state != PCN__ASK_STATE__ASK_CLOSED && strlen(o) + 2 < n)
      strcat(o, ")");
    return 1;
  }
  case PCN__EVENT__RECORD_ASK_ANSWER: {
    const Pcn__AskAnswer *a = ev->ask_answer;
    snprintf(o, n, "answered %s for %s: %s%s%s",
             title_of(d, 'a', a->ask_id, "an ask"), AT(a->practice),
             answer_words[a->state & 3], a->note[0] ? ", " : "", a->note);
    return 1;
  }
  case PCN__EVENT__RECORD_ASK_REMINDER: {
    const Pcn__AskReminder *r = ev->ask_reminder;
    snprintf(o, n, "reminded %s that %s %s %s", AT(r->practice), r->title,
             r->days_before < 0 ? "was due" : "is due", date_w(r->due));
    return 1;
  }
  case PCN__EVENT__RECORD_ASK_SERIES: {
    const Pcn__AskSeries *s = ev->ask_series;
    static const char *const every[] = {"", "every month", "every quarter",
                                        "every year"};
    practices_w(d, s->practices, s->n_practices, "every practice", to,
                sizeof to);
    if (s->stopped)
      snprintf(o, n, "stopped the recurring ask %s", s->title);
    else
      snprintf(o, n, "%s the recurring ask %s to %s, %s, next due %s",
               ev->op == PCN__OP__CREATED ? "set up" : "changed", s->title, to,
               every[s->repeat & 3], date_w(s->next_due));
    return 1;
  }
  default: return 0;
  }
}

static int s_news(pcn_desk *d, const Pcn__Event *ev, char *o, size_t n) {
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_NEWS: {
    const Pcn__NewsItem *a = ev->news;
    char to[400];
    practices_w(d, a->practices, a->n_practices, "everyone", to, sizeof to);
    const char *kind = a->policy ? "policy" : "announcement";
    if (ev->op == PCN__OP__UPDATED && a->policy)
      snprintf(o, n, "published version %u of the policy %s to %s",
               a->policy_version, a->title, to);
    else if (ev->op == PCN__OP__DELETED)
      snprintf(o, n, "took down the %s %s", kind, a->title);
    else
      snprintf(o, n, "%s the %s %s to %s%s%s%s",
               ev->op == PCN__OP__CREATED ? "posted" : "changed", kind,
               a->title, to, a->pinned ? ", pinned" : "",
               a->expires[0] ? ", until " : "",
               a->expires[0] ? date_w(a->expires) : "");
    return 1;
  }
  case PCN__EVENT__RECORD_NEWS_RECEIPT: {
    const Pcn__NewsReceipt *r = ev->news_receipt;
    const char *t = title_of(d, 'n', r->news_id, "an announcement");
    if (r->confirmed_version && r->confirmed_at == ev->at)
      snprintf(o, n, "confirmed reading and understanding %s (version %u)", t,
               r->confirmed_version);
    else
      snprintf(o, n, "read %s%s", t,
               r->read_version > 1 ? " (a new version)" : "");
    return 1;
  }
  default: return 0;
  }
}

static int s_decisions(pcn_desk *d, const Pcn__Event *ev, char *o, size_t n) {
  static const char *const choice[] = {"abstain", "agree", "disagree"};
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_DECISION: {
    const Pcn__Decision *x = ev->decision;
    if (x->state == PCN__DECISION_STATE__DECISION_CLOSED)
      snprintf(o, n, "closed the decision %s%s%s", x->title,
               x->outcome_note[0] ? ": " : "", x->outcome_note);
    else if (x->state == PCN__DECISION_STATE__DECISION_WITHDRAWN)
      snprintf(o, n, "withdrew the decision %s%s%s", x->title,
               x->withdrawn_reason[0] ? ": " : "", x->withdrawn_reason);
    else
      snprintf(o, n, "%s the decision %s to %zu practices, closing %s",
               ev->op == PCN__OP__CREATED ? "proposed" : "changed", x->title,
               x->n_practices, when_w(x->closes_at));
    return 1;
  }
  case PCN__EVENT__RECORD_DECISION_VOTE: {
    const Pcn__DecisionVote *v = ev->decision_vote;
    unsigned c = (unsigned)v->choice;
    const char *cw = c == PCN__DECISION_CHOICE__DECISION_AGREE      ? choice[1]
                     : c == PCN__DECISION_CHOICE__DECISION_DISAGREE ? choice[2]
                                                                    : choice[0];
    snprintf(o, n, "%s %s on %s for %s%s%s%s",
             v->version > 1 ? "changed the vote to" : "voted", cw,
             title_of(d, 'd', v->decision_id, "a decision"), AT(v->practice),
             v->reason[0] ? ": \"" : "", v->reason, v->reason[0] ? "\"" : "");
    return 1;
  }
  case PCN__EVENT__RECORD_DECISION_REMINDER: {
    const Pcn__DecisionReminder *r = ev->decision_reminder;
    char who[400];
    practices_w(d, r->practices, r->n_practices, "no one", who, sizeof who);
    snprintf(o, n, "reminded %s to vote on %s, closing %s", who, r->title,
             when_w(r->closes_at));
    return 1;
  }
  case PCN__EVENT__RECORD_DECISION_VOTER: {
    const Pcn__DecisionVoter *v = ev->decision_voter;
    if (!v->username[0])
      snprintf(o, n, "left %s with no named voter on decisions",
               AT(v->practice));
    else
      snprintf(o, n, "named %s as %s's voter on decisions", WHO(v->username),
               AT(v->practice));
    return 1;
  }
  default: return 0;
  }
}

static int s_duties(pcn_desk *d, const Pcn__Event *ev, char *o, size_t n) {
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_DUTY: {
    const Pcn__Duty *x = ev->duty;
    if (ev->op == PCN__OP__DELETED)
      snprintf(o, n, "removed the responsibility %s from the register",
               x->title);
    else if (ev->op == PCN__OP__CREATED)
      snprintf(o, n,
               "added the responsibility %s, review %s: every practice to "
               "agree",
               x->title, date_w(x->review_date));
    else if (ev->actor[0] && x->n_changed && x->substance_version &&
             x->substance_version < x->version)
      snprintf(o, n,
               "moved the review of the responsibility %s to %s: agreements "
               "stand",
               x->title, date_w(x->review_date));
    else if (ev->actor[0])
      snprintf(o, n,
               "changed the responsibility %s: every practice to agree again",
               x->title);
    else
      snprintf(o, n, "says the responsibility %s is due for review (%s)",
               x->title, date_w(x->review_date));
    return 1;
  }
  case PCN__EVENT__RECORD_DUTY_AGREEMENT: {
    const Pcn__DutyAgreement *a = ev->duty_agreement;
    snprintf(o, n, "%s the responsibility %s for %s",
             ev->op == PCN__OP__DELETED ? "withdrew the agreement to"
                                        : "agreed",
             a->duty_title, AT(a->practice));
    return 1;
  }
  case PCN__EVENT__RECORD_DUTY_DISAGREEMENT: {
    const Pcn__DutyDisagreement *x = ev->duty_disagreement;
    if (ev->op == PCN__OP__DELETED)
      snprintf(o, n, "no longer disagrees with the responsibility %s for %s",
               x->duty_title, AT(x->practice));
    else
      snprintf(o, n, "disagreed with the responsibility %s for %s: \"%s\"",
               x->duty_title, AT(x->practice), x->reason);
    return 1;
  }
  default: return 0;
  }
}

static int s_meetings(pcn_desk *d, const Pcn__Event *ev, char *o, size_t n) {
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_MEETING: {
    const Pcn__Meeting *m = ev->meeting;
    if (m->cancelled)
      snprintf(o, n, "cancelled the meeting %s", m->title);
    else
      snprintf(o, n, "%s the meeting %s, %s, %zu invited",
               ev->op == PCN__OP__CREATED ? "called" : "changed", m->title,
               when_w(m->starts_at), m->n_invitees);
    return 1;
  }
  case PCN__EVENT__RECORD_MEETING_AGENDA_ITEM: {
    const Pcn__MeetingAgendaItem *a = ev->meeting_agenda_item;
    snprintf(o, n, "%s the agenda of %s: \"%s\"",
             ev->op == PCN__OP__CREATED   ? "added to"
             : ev->op == PCN__OP__DELETED ? "took off"
                                          : "changed",
             title_of(d, 'm', a->meeting_id, "a meeting"), a->text);
    return 1;
  }
  case PCN__EVENT__RECORD_MEETING_ATTENDANCE: {
    const Pcn__MeetingAttendance *a = ev->meeting_attendance;
    const char *m = title_of(d, 'm', a->meeting_id, "a meeting");
    if (a->minutes)
      snprintf(o, n, "recorded %s at %s for %u minutes", WHO(a->username), m,
               a->minutes);
    else
      snprintf(o, n, "recorded %s as not attending %s", WHO(a->username), m);
    return 1;
  }
  case PCN__EVENT__RECORD_MEETING_ACTION: {
    const Pcn__MeetingAction *a = ev->meeting_action;
    snprintf(o, n, "%s the action %s for %s from %s%s%s",
             ev->op == PCN__OP__CREATED ? "set" : "changed", a->title,
             WHO(a->assignee), title_of(d, 'm', a->meeting_id, "a meeting"),
             a->due[0] ? ", due " : "", a->due[0] ? date_w(a->due) : "");
    return 1;
  }
  default: return 0;
  }
}

static int s_funds(pcn_desk *d, const Pcn__Event *ev, char *o, size_t n) {
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_FUNDS_FIGURES: {
    const Pcn__PracticeFigures *f = ev->funds_figures;
    snprintf(o, n, "recorded %s's figures from %s: list size %s, weighted %s",
             AT(f->practice), date_w(f->applies_from), count_w(f->list_size),
             count_w(f->weighted));
    return 1;
  }
  case PCN__EVENT__RECORD_FUNDS_STREAM:
    snprintf(o, n, "%s the funding stream %s",
             ev->op == PCN__OP__UPDATED ? "changed" : "added",
             ev->funds_stream->name[0] ? ev->funds_stream->name
                                       : ev->funds_stream->code);
    return 1;
  case PCN__EVENT__RECORD_FUNDS_ENTRY: {
    const Pcn__FundsEntry *e = ev->funds_entry;
    switch (e->kind) {
    case PCN__FUNDS_KIND__FUNDS_RECEIPT:
      snprintf(o, n, "recorded %s received for %s on %s", money_w(e->pence),
               STREAM(e->stream), date_w(e->date));
      break;
    case PCN__FUNDS_KIND__FUNDS_DISTRIBUTION:
      snprintf(o, n, "distributed %s of %s to the practices on %s",
               money_w(e->pence), STREAM(e->stream), date_w(e->date));
      break;
    case PCN__FUNDS_KIND__FUNDS_REVERSAL:
      snprintf(o, n, "reversed an entry of %s (%s)", money_w(e->pence),
               STREAM(e->stream));
      break;
    default:
      /* A claim's payee is the practice's code; an expense's, words. */
      snprintf(o, n, "recorded %s paid from %s%s%s on %s", money_w(e->pence),
               STREAM(e->stream), e->payee[0] ? " to " : "",
               e->payee[0] ? AT(e->payee) : "", date_w(e->date));
      break;
    }
    return 1;
  }
  case PCN__EVENT__RECORD_FUNDS_RATE: {
    const Pcn__FundsRate *r = ev->funds_rate;
    long long cp = (long long)r->rate_cp;
    snprintf(o, n, "set the %s rate for %u/%02u to £%lld.%04lld",
             STREAM(r->stream), r->year, (r->year + 1) % 100, cp / 10000,
             (cp < 0 ? -cp : cp) % 10000);
    return 1;
  }
  case PCN__EVENT__RECORD_FUNDS_BUDGET:
    snprintf(o, n, "set the %s budget for %u/%02u to %s",
             STREAM(ev->funds_budget->stream), ev->funds_budget->year,
             (ev->funds_budget->year + 1) % 100,
             money_w(ev->funds_budget->pence));
    return 1;
  case PCN__EVENT__RECORD_FUNDS_ARRS_CLAIM: {
    const Pcn__FundsArrsClaimRecord *c = ev->funds_arrs_claim;
    if (c->reversed_at)
      snprintf(o, n, "reversed the ARRS claim for %s: %s", month_w(c->month),
               c->reversed_reason);
    else
      snprintf(o, n, "recorded the ARRS claim for %s: %s", month_w(c->month),
               money_w(c->pence));
    return 1;
  }
  case PCN__EVENT__RECORD_FUNDS_CLAIM_DUE: {
    const Pcn__FundsClaimDue *c = ev->funds_claim_due;
    if (c->working_days_left < 0)
      snprintf(o, n, "says the ARRS claim for %s is overdue: it was due %s",
               month_w(c->month), date_w(c->due));
    else
      snprintf(o, n, "says the ARRS claim for %s is due %s", month_w(c->month),
               date_w(c->due));
    return 1;
  }
  case PCN__EVENT__RECORD_FUNDS_BACKFILL_RATE: {
    char role[80];
    desk_claim_role_words(ev->funds_backfill_rate->role, 0, role, sizeof role);
    snprintf(o, n, "set the backfill rate for %s to %s an hour",
             role[0] ? role : "a role",
             money_w(ev->funds_backfill_rate->pence_per_hour));
    return 1;
  }
  case PCN__EVENT__RECORD_FUNDS_CLAIM: {
    const Pcn__FundsClaim *c = ev->funds_claim;
    const char *what =
        c->state == PCN__FUNDS_CLAIM_STATE__CLAIM_APPROVED   ? "approved"
        : c->state == PCN__FUNDS_CLAIM_STATE__CLAIM_REJECTED ? "rejected"
                                                             : "claimed";
    char role[80];
    desk_claim_role_words(c->role, 0, role, sizeof role);
    snprintf(o, n, "%s %s backfill for %s of %s (%s%s%u minutes at %s)", what,
             money_w(c->pence), AT(c->practice), WHO(c->username), role,
             role[0] ? ", " : "", c->minutes,
             c->meeting_title[0] ? c->meeting_title : "a meeting");
    return 1;
  }
  default: return 0;
  }
}

static int s_staff(pcn_desk *d, const Pcn__Event *ev, char *o, size_t n) {
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_STAFF_MEMBER: {
    const Pcn__StaffMember *m = ev->staff_member;
    char role[120];
    desk_claim_role_words(m->role, 0, role, sizeof role);
    if (m->ended[0])
      snprintf(o, n, "ended %s's employment on %s", m->name, date_w(m->ended));
    else
      snprintf(o, n, "%s %s (%s%semployed by %s, %u.%02u WTE)",
               ev->op == PCN__OP__CREATED ? "added" : "updated", m->name, role,
               role[0] ? ", " : "", AT(m->practice), m->wte / 100,
               m->wte % 100);
    return 1;
  }
  case PCN__EVENT__RECORD_STAFF_ROTA_WEEK:
    snprintf(o, n, "set %s's rota from the week of %s",
             ev->staff_rota_week->staff_name,
             date_w(ev->staff_rota_week->week));
    return 1;
  case PCN__EVENT__RECORD_STAFF_LEAVE: {
    const Pcn__StaffLeave *l = ev->staff_leave;
    char from[48];
    g_strlcpy(from, date_w(l->from), sizeof from);
    snprintf(o, n, "%s leave for %s, %s to %s%s",
             l->cancelled ? "cancelled" : "recorded", l->staff_name, from,
             date_w(l->to),
             l->part == PCN__STAFF_LEAVE_PART__LEAVE_MORNINGS ? ", mornings"
             : l->part == PCN__STAFF_LEAVE_PART__LEAVE_AFTERNOONS
                 ? ", afternoons"
                 : "");
    return 1;
  }
  default: return 0;
  }
}

static int s_network(pcn_desk *d, const Pcn__Event *ev, char *o, size_t n) {
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_PRACTICE: {
    const Pcn__Practice *p = ev->practice;
    snprintf(o, n, "%s the practice %s (list size %s)",
             ev->op == PCN__OP__CREATED   ? "added"
             : ev->op == PCN__OP__DELETED ? "removed"
                                          : "updated",
             p->name[0] ? p->name : AT(p->ods), count_w(p->list_size));
    return 1;
  }
  case PCN__EVENT__RECORD_MEMBER: {
    const Pcn__Member *m = ev->member;
    const char *role = desk_role_words(m->role);
    char *lower = g_ascii_strdown(role, -1);
    if (!strncmp(role, "PCN", 3))
      lower[0] = 'P', lower[1] = 'C', lower[2] = 'N';
    /* Joining with an invitation writes the member, as its own actor. */
    int self = !strcmp(ev->actor, m->username);
    snprintf(o, n, "%s%s as %s %s%s%s%s",
             self && ev->op == PCN__OP__CREATED ? "joined"
             : self                             ? "updated their details,"
             : ev->op == PCN__OP__CREATED       ? "added "
                                                : "updated ",
             self                 ? ""
             : m->display_name[0] ? m->display_name
                                  : m->username,
             strchr("aeiouAEIOU", lower[0]) ? "an" : "a", lower,
             m->practice[0] ? " at " : "",
             m->practice[0] ? AT(m->practice) : "",
             m->disabled ? " (disabled)" : "");
    g_free(lower);
    return 1;
  }
  case PCN__EVENT__RECORD_SETTINGS:
    snprintf(o, n,
             "changed the network's settings: %u working days' notice, %zu "
             "holiday corrections",
             ev->settings->min_notice_days,
             ev->settings->n_holidays_added + ev->settings->n_holidays_removed);
    return 1;
  case PCN__EVENT__RECORD_SERVER_NOTICE: {
    /* The server's own words: "says: ..." reads after "The server". */
    snprintf(o, n, "says: %s", ev->server_notice->message);
    size_t k = strlen(o);
    while (k && (o[k - 1] == '.' || o[k - 1] == ' '))
      o[--k] = 0;
    return 1;
  }
  default: return 0;
  }
}

void desk_event_sentence(pcn_desk *d, const Pcn__Event *ev, char *out,
                         size_t n) {
  static int (*const areas[])(pcn_desk *, const Pcn__Event *, char *,
                              size_t) = {s_tasks,     s_asks,   s_news,
                                         s_decisions, s_duties, s_meetings,
                                         s_funds,     s_staff,  s_network};
  char rest[1400] = "";
  int done = 0;
  for (size_t i = 0; !done && i < G_N_ELEMENTS(areas); i++)
    done = areas[i](d, ev, rest, sizeof rest);
  if (!done)
    snprintf(rest, sizeof rest,
             "changed something this version of "
             "PCN Hub cannot show");
  const char *actor = ev->actor[0] ? WHO(ev->actor) : "The server";
  size_t k = (size_t)snprintf(out, n, "%s %s", actor, rest);
  if (k >= n) k = n - 1;
  /* A sentence ends with a full stop, unless it ends with its own mark. */
  if (k && !strchr(".!?\"", out[k - 1]) && k + 1 < n) {
    out[k] = '.';
    out[k + 1] = 0;
  }
}

const char *desk_event_icon(int c) {
  static const struct {
    int lo, hi;
    const desk_page *page;
  } map[] = {
      {PCN__EVENT__RECORD_TASK, PCN__EVENT__RECORD_TASK, &tasks_page},
      {PCN__EVENT__RECORD_COMMENT, PCN__EVENT__RECORD_COMMENT, &tasks_page},
      {PCN__EVENT__RECORD_TASK_REMINDER, PCN__EVENT__RECORD_TASK_REMINDER,
       &tasks_page},
      {PCN__EVENT__RECORD_PRACTICE, PCN__EVENT__RECORD_PRACTICE,
       &practices_page},
      {PCN__EVENT__RECORD_MEMBER, PCN__EVENT__RECORD_MEMBER, &members_page},
      {PCN__EVENT__RECORD_SETTINGS, PCN__EVENT__RECORD_SETTINGS, &network_page},
      {20, 24, &asks_page},
      {25, 29, &news_page},
      {30, 34, &decisions_page},
      {35, 39, &duties_page},
      {PCN__EVENT__RECORD_DUTY_DISAGREEMENT,
       PCN__EVENT__RECORD_DUTY_DISAGREEMENT, &duties_page},
      {40, 44, &meetings_page},
      {PCN__EVENT__RECORD_FUNDS_ARRS_CLAIM, PCN__EVENT__RECORD_FUNDS_CLAIM_DUE,
       &headroom_page},
      {PCN__EVENT__RECORD_FUNDS_BACKFILL_RATE, PCN__EVENT__RECORD_FUNDS_CLAIM,
       &claims_page},
      {PCN__EVENT__RECORD_FUNDS_RATE, PCN__EVENT__RECORD_FUNDS_BUDGET,
       &plan_page},
      {45, 54, &funds_page},
      {55, 59, &staff_page},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(map); i++)
    if (c >= map[i].lo && c <= map[i].hi) return map[i].page->icon;
  if (c == PCN__EVENT__RECORD_SERVER_NOTICE)
    return "dialog-information-symbolic";
  return "view-paged-symbolic"; /* the Feed's own */
}

void desk_day_words(int64_t ms, int64_t now_ms, char *out, size_t n) {
  int y, m, dd, h, mi, ny, nm, nd;
  pcn_london_from_utc(ms, &y, &m, &dd, &h, &mi);
  pcn_london_from_utc(now_ms, &ny, &nm, &nd, &h, &mi);
  GDate *a = g_date_new_dmy((GDateDay)dd, (GDateMonth)m, (GDateYear)y);
  GDate *b = g_date_new_dmy((GDateDay)nd, (GDateMonth)nm, (GDateYear)ny);
  int days = g_date_days_between(a, b);
  g_date_free(a);
  g_date_free(b);
  if (days == 0) {
    snprintf(out, n, "Today");
    return;
  }
  if (days == 1) {
    snprintf(out, n, "Yesterday");
    return;
  }
  char iso[16];
  snprintf(iso, sizeof iso, "%04d-%02d-%02d", y % 10000, m % 100, dd % 100);
  desk_date_words(iso, out, n, y == ny ? DESK_DATE_WEEKDAY : DESK_DATE_YEAR);
}

void desk_time_words(int64_t ms, char out[6]) {
  int y, m, dd, h, mi;
  pcn_london_from_utc(ms, &y, &m, &dd, &h, &mi);
  snprintf(out, 6, "%02u:%02u", (unsigned)h % 24u, (unsigned)mi % 60u);
}

void desk_claim_role_words(const char *key, int capital, char *out, size_t n) {
  if (!n) return;
  g_strlcpy(out, key ? key : "", n);
  g_strdelimit(out, "-_", ' ');
  /* "gp" wherever it is a word: the role the server gives clinicians. */
  for (char *p = strstr(out, "gp"); p; p = strstr(p + 2, "gp"))
    if ((p == out || p[-1] == ' ') && (!p[2] || p[2] == ' '))
      p[0] = 'G', p[1] = 'P';
  if (capital) out[0] = g_ascii_toupper(out[0]);
}
