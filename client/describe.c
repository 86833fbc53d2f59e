/* describe.c - one line of words for a feed event, shared by `pcn feed`
 * and the desktop's feed, so both say the same thing. */
#include <stdio.h>
#include <string.h>

#include "money.h"
#include "pcnclient.h"
#include "uktime.h"

static const char *op_name(int op) {
  switch (op) {
  case PCN__OP__CREATED: return "created";
  case PCN__OP__UPDATED: return "updated";
  case PCN__OP__DELETED: return "deleted";
  default: return "changed";
  }
}

static const char *decision_rule_word(int rule) {
  switch (rule) {
  case PCN__DECISION_RULE__DECISION_UNANIMOUS: return "unanimous";
  case PCN__DECISION_RULE__DECISION_MAJORITY: return "majority";
  default: return "consent";
  }
}

static const char *decision_choice_word(int c) {
  switch (c) {
  case PCN__DECISION_CHOICE__DECISION_AGREE: return "agree";
  case PCN__DECISION_CHOICE__DECISION_DISAGREE: return "disagree";
  default: return "abstain";
  }
}

/* UK time, as people read it on any machine: "2026-12-01 17:00". */
static void local_time(int64_t ms, char out[20]) {
  pcn_london_format(ms, out);
}

static int describe_decision(const Pcn__Event *ev, char *out, size_t n) {
  char tm[20];
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_DECISION: {
    const Pcn__Decision *d = ev->decision;
    if (d->state == PCN__DECISION_STATE__DECISION_CLOSED)
      return snprintf(out, n, "closed decision %llu \"%s\": %s",
                      (unsigned long long)d->id, d->title, d->outcome_note);
    if (d->state == PCN__DECISION_STATE__DECISION_WITHDRAWN)
      return snprintf(out, n, "withdrew decision %llu \"%s\"%s%s",
                      (unsigned long long)d->id, d->title,
                      d->withdrawn_reason[0] ? ": " : "", d->withdrawn_reason);
    local_time(d->closes_at, tm);
    return snprintf(out, n,
                    "%s decision %llu \"%s\" (%s, %zu practices, closes %s)",
                    ev->op == PCN__OP__CREATED ? "proposed" : "updated",
                    (unsigned long long)d->id, d->title,
                    decision_rule_word(d->rule), d->n_practices, tm);
  }
  case PCN__EVENT__RECORD_DECISION_VOTE: {
    const Pcn__DecisionVote *v = ev->decision_vote;
    return snprintf(
        out, n, "%s %s %s on decision %llu%s%s%s", v->practice,
        v->version > 1 ? "changed its vote to" : "voted",
        decision_choice_word(v->choice), (unsigned long long)v->decision_id,
        v->reason[0] ? ": \"" : "", v->reason, v->reason[0] ? "\"" : "");
  }
  case PCN__EVENT__RECORD_DECISION_REMINDER: {
    const Pcn__DecisionReminder *r = ev->decision_reminder;
    char who[8 * 32] = "";
    for (size_t i = 0; i < r->n_practices && strlen(who) + 8 < sizeof who;
         i++) {
      if (i) strcat(who, ", ");
      strncat(who, r->practices[i], 7);
    }
    local_time(r->closes_at, tm);
    return snprintf(out, n,
                    "reminder%s: decision %llu \"%s\" closes %s; not yet "
                    "voted: %s",
                    r->by_pcn_manager ? " from the PCN manager"
                    : r->by_proposer  ? " from the proposer"
                                      : "",
                    (unsigned long long)r->decision_id, r->title, tm, who);
  }
  case PCN__EVENT__RECORD_DECISION_VOTER: {
    const Pcn__DecisionVoter *v = ev->decision_voter;
    if (!v->username[0])
      return snprintf(out, n, "%s has no named voter on decisions now",
                      v->practice);
    return snprintf(out, n, "%s named %s as its voter on decisions",
                    v->practice, v->username);
  }
  default: return 0;
  }
}

size_t pcn_event_describe(const Pcn__Event *ev, char *out, size_t n) {
  int k = 0;
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_TASK: {
    const Pcn__Task *t = ev->task;
    k = snprintf(out, n, "%s task %llu \"%s\" (%s, %s%s%s)", op_name(ev->op),
                 (unsigned long long)t->id, t->title,
                 t->practice[0] ? t->practice : "network",
                 t->status == PCN__TASK_STATUS__TASK_CLOSED ? "closed" : "open",
                 t->assignee[0] ? ", assigned to " : "", t->assignee);
    break;
  }
  case PCN__EVENT__RECORD_TASK_REMINDER: {
    const Pcn__TaskReminder *r = ev->task_reminder;
    k = snprintf(out, n, "reminder to %s: task %llu \"%s\" (%s) %s %s",
                 r->to[0] ? r->to : "nobody",
                 (unsigned long long)r->task_id, r->title,
                 r->practice[0] ? r->practice : "network",
                 r->overdue ? "is overdue: it was due" : "is due today,",
                 r->due);
    break;
  }
  case PCN__EVENT__RECORD_PRACTICE:
    k = snprintf(out, n, "%s practice %s \"%s\" (list size %u)",
                 op_name(ev->op), ev->practice->ods, ev->practice->name,
                 ev->practice->list_size);
    break;
  case PCN__EVENT__RECORD_MEMBER: {
    const Pcn__Member *m = ev->member;
    k = snprintf(out, n, "%s member %s \"%s\" (%s%s%s%s)", op_name(ev->op),
                 m->username, m->display_name, pcn_role_name(m->role),
                 m->practice[0] ? " at " : "", m->practice,
                 m->disabled ? ", disabled" : "");
    break;
  }
  case PCN__EVENT__RECORD_COMMENT:
    k = snprintf(out, n, "%s comment on task %llu: \"%s\"", op_name(ev->op),
                 (unsigned long long)ev->comment->task_id, ev->comment->text);
    break;
  case PCN__EVENT__RECORD_SETTINGS:
    k = snprintf(out, n,
                 "changed the network's settings (notice %u working days, "
                 "%zu holiday corrections)",
                 ev->settings->min_notice_days,
                 ev->settings->n_holidays_added +
                     ev->settings->n_holidays_removed);
    break;
  case PCN__EVENT__RECORD_DUTY: {
    const Pcn__Duty *d = ev->duty;
    static const char *const owners[] = {"?", "PCN manager",
                                         "each practice manager",
                                         "clinical director", "shared"};
    const char *owner = owners[(unsigned)d->owner < 5 ? d->owner : 0];
    if (ev->op == PCN__OP__DELETED)
      k = snprintf(out, n,
                   "removed responsibility %llu \"%s\" from the "
                   "register",
                   (unsigned long long)d->id, d->title);
    else if (ev->op == PCN__OP__CREATED)
      k = snprintf(out, n,
                   "added responsibility %llu \"%s\" (owner: %s, "
                   "review %s): every practice to agree",
                   (unsigned long long)d->id, d->title, owner, d->review_date);
    else if (ev->actor[0] && d->n_changed && d->substance_version &&
             d->substance_version < d->version)
      /* bookkeeping only (issue 20): the agreements stand */
      k = snprintf(out, n,
                   "changed the review date of responsibility %llu \"%s\" "
                   "to %s (version %u): agreements stand",
                   (unsigned long long)d->id, d->title, d->review_date,
                   d->version);
    else if (ev->actor[0]) /* the server's only change is a review due */
      k = snprintf(out, n,
                   "changed responsibility %llu \"%s\" (owner: %s, "
                   "review %s, version %u): every practice to agree again",
                   (unsigned long long)d->id, d->title, owner, d->review_date,
                   d->version);
    else
      k = snprintf(out, n,
                   "review due: responsibility %llu \"%s\" (review "
                   "date %s)",
                   (unsigned long long)d->id, d->title, d->review_date);
    break;
  }
  case PCN__EVENT__RECORD_DUTY_AGREEMENT: {
    const Pcn__DutyAgreement *a = ev->duty_agreement;
    if (ev->op == PCN__OP__DELETED)
      k = snprintf(out, n,
                   "%s withdrew its agreement to responsibility %llu "
                   "\"%s\"",
                   a->practice, (unsigned long long)a->duty_id, a->duty_title);
    else
      k = snprintf(out, n, "%s agreed responsibility %llu \"%s\" (version %u)",
                   a->practice, (unsigned long long)a->duty_id, a->duty_title,
                   a->duty_version);
    break;
  }
  case PCN__EVENT__RECORD_DUTY_DISAGREEMENT: {
    const Pcn__DutyDisagreement *x = ev->duty_disagreement;
    if (ev->op == PCN__OP__DELETED)
      k = snprintf(out, n,
                   "%s no longer disagrees with responsibility %llu \"%s\"",
                   x->practice, (unsigned long long)x->duty_id, x->duty_title);
    else
      k = snprintf(out, n,
                   "%s disagrees with responsibility %llu \"%s\" (version "
                   "%u): %s",
                   x->practice, (unsigned long long)x->duty_id, x->duty_title,
                   x->duty_version, x->reason);
    break;
  }
  case PCN__EVENT__RECORD_NEWS: {
    const Pcn__NewsItem *a = ev->news;
    char to[160] = "everyone";
    size_t at = 0;
    for (size_t i = 0; i < a->n_practices && at + 10 < sizeof to; i++)
      at += (size_t)snprintf(to + at, sizeof to - at, "%s%s", i ? ", " : "",
                             a->practices[i]);
    if (ev->op == PCN__OP__UPDATED && a->policy)
      k = snprintf(out, n, "published version %u of policy %llu \"%s\" (to %s)",
                   a->policy_version, (unsigned long long)a->id, a->title, to);
    else
      k = snprintf(out, n, "%s %s %llu \"%s\" (to %s%s%s%s)", op_name(ev->op),
                   a->policy ? "policy" : "announcement",
                   (unsigned long long)a->id, a->title, to,
                   a->pinned ? ", pinned" : "", a->expires[0] ? ", until " : "",
                   a->expires);
    break;
  }
  case PCN__EVENT__RECORD_NEWS_RECEIPT: {
    const Pcn__NewsReceipt *r = ev->news_receipt;
    if (r->confirmed_version && r->confirmed_at == ev->at)
      k = snprintf(out, n,
                   "%s confirmed version %u of policy %llu as read "
                   "and understood",
                   r->username, r->confirmed_version,
                   (unsigned long long)r->news_id);
    else
      k = snprintf(out, n, "%s read announcement %llu%s", r->username,
                   (unsigned long long)r->news_id,
                   r->read_version > 1 ? " (a new version)" : "");
    break;
  }
  case PCN__EVENT__RECORD_DECISION:
  case PCN__EVENT__RECORD_DECISION_VOTE:
  case PCN__EVENT__RECORD_DECISION_REMINDER:
  case PCN__EVENT__RECORD_DECISION_VOTER:
    k = describe_decision(ev, out, n);
    break;
  case PCN__EVENT__RECORD_MEETING: {
    const Pcn__Meeting *m = ev->meeting;
    k = snprintf(out, n, "%s meeting %llu \"%s\" (called by %s, %zu invited%s)",
                 op_name(ev->op), (unsigned long long)m->id, m->title,
                 m->organiser, m->n_invitees,
                 m->cancelled ? ", cancelled" : "");
    break;
  }
  case PCN__EVENT__RECORD_MEETING_AGENDA_ITEM: {
    const Pcn__MeetingAgendaItem *a = ev->meeting_agenda_item;
    k = snprintf(out, n, "%s agenda item %u of meeting %llu: \"%s\"",
                 op_name(ev->op), a->n, (unsigned long long)a->meeting_id,
                 a->text);
    break;
  }
  case PCN__EVENT__RECORD_MEETING_ATTENDANCE: {
    const Pcn__MeetingAttendance *a = ev->meeting_attendance;
    if (a->minutes)
      k = snprintf(out, n, "recorded %s%s%s%s at meeting %llu for %u minutes",
                   a->username, a->practice[0] ? " (" : "", a->practice,
                   a->practice[0] ? ")" : "", (unsigned long long)a->meeting_id,
                   a->minutes);
    else
      k = snprintf(out, n, "recorded %s as not attending meeting %llu",
                   a->username, (unsigned long long)a->meeting_id);
    break;
  }
  case PCN__EVENT__RECORD_MEETING_ACTION: {
    const Pcn__MeetingAction *a = ev->meeting_action;
    k = snprintf(out, n,
                 "%s action %u of meeting %llu: task %llu \"%s\" for %s",
                 op_name(ev->op), a->n, (unsigned long long)a->meeting_id,
                 (unsigned long long)a->task_id, a->title, a->assignee);
    break;
  }
  case PCN__EVENT__RECORD_ASK: {
    const Pcn__Ask *a = ev->ask;
    char to[256] = "";
    for (size_t i = 0, j = 0; i < a->n_practices && j + 10 < sizeof to; i++)
      j += (size_t)snprintf(to + j, sizeof to - j, "%s%s", i ? ", " : "",
                            a->practices[i]);
    k = snprintf(
        out, n, "%s ask %llu \"%s\" to %s, due %s%s%s%s",
        a->state == PCN__ASK_STATE__ASK_CLOSED ? "closed" : op_name(ev->op),
        (unsigned long long)a->id, a->title, to, a->due,
        a->urgent ? " (urgent: " : "", a->urgent_reason, a->urgent ? ")" : "");
    break;
  }
  case PCN__EVENT__RECORD_ASK_ANSWER:
  case PCN__EVENT__RECORD_ASK_REMINDER: {
    static const char *const said[] = {"no answer yet", "acknowledged", "done",
                                       "declined"};
    if (ev->record_case == PCN__EVENT__RECORD_ASK_ANSWER) {
      const Pcn__AskAnswer *a = ev->ask_answer;
      k = snprintf(out, n, "%s answered ask %llu: %s%s%s%s%s", a->practice,
                   (unsigned long long)a->ask_id, said[a->state & 3],
                   a->note[0] ? " - " : "", a->note, a->link[0] ? " " : "",
                   a->link);
      break;
    }
    const Pcn__AskReminder *r = ev->ask_reminder;
    char when[40] = "and is overdue";
    if (r->days_before >= 0)
      snprintf(when, sizeof when, "in %d working day%s", r->days_before,
               r->days_before == 1 ? "" : "s");
    k = snprintf(out, n, "reminder to %s: ask %llu \"%s\" %s %s, %s (%s)",
                 r->practice, (unsigned long long)r->ask_id, r->title,
                 r->days_before < 0 ? "was due" : "is due", r->due, when,
                 said[r->state & 3]);
    break;
  }
  case PCN__EVENT__RECORD_ASK_SERIES: {
    const Pcn__AskSeries *s = ev->ask_series;
    static const char *const every[] = {"", "monthly", "quarterly", "yearly"};
    char to[256] = "every practice";
    for (size_t i = 0, j = 0; i < s->n_practices && j + 10 < sizeof to; i++)
      j += (size_t)snprintf(to + j, sizeof to - j, "%s%s", i ? ", " : "",
                            s->practices[i]);
    k = snprintf(out, n,
                 "%s recurring ask %llu \"%s\" (%s on day %u, to "
                 "%s)%s%s",
                 s->stopped ? "stopped" : op_name(ev->op),
                 (unsigned long long)s->id, s->title, every[s->repeat & 3],
                 s->day, to, s->stopped ? "" : ", next due ",
                 s->stopped ? "" : s->next_due);
    break;
  }
  case PCN__EVENT__RECORD_STAFF_MEMBER: {
    const Pcn__StaffMember *m = ev->staff_member;
    if (m->ended[0])
      k = snprintf(out, n, "ended %s's employment (staff %llu, %s) on %s",
                   m->name, (unsigned long long)m->id, m->role, m->ended);
    else
      k = snprintf(out, n, "%s staff %llu %s (%s at %s, %u.%02u WTE)",
                   ev->op == PCN__OP__CREATED ? "added" : "updated",
                   (unsigned long long)m->id, m->name, m->role, m->practice,
                   m->wte / 100, m->wte % 100);
    break;
  }
  case PCN__EVENT__RECORD_STAFF_ROTA_WEEK: {
    const Pcn__StaffRotaWeek *w = ev->staff_rota_week;
    static const char *const sn[] = {"Mon AM", "Mon PM", "Tue AM", "Tue PM",
                                     "Wed AM", "Wed PM", "Thu AM", "Thu PM",
                                     "Fri AM", "Fri PM"};
    char cells[160] = "";
    for (size_t i = 0, j = 0; i < w->n_sessions && i < 10; i++)
      if (w->sessions[i][0] && j + 20 < sizeof cells)
        j += (size_t)snprintf(cells + j, sizeof cells - j, "%s%s %s",
                              j ? ", " : "", sn[i], w->sessions[i]);
    k = snprintf(out, n, "set %s's rota from the week of %s: %s", w->staff_name,
                 w->week, cells[0] ? cells : "no sessions");
    break;
  }
  case PCN__EVENT__RECORD_STAFF_LEAVE: {
    const Pcn__StaffLeave *l = ev->staff_leave;
    const char *part =
        l->part == PCN__STAFF_LEAVE_PART__LEAVE_MORNINGS     ? " (mornings)"
        : l->part == PCN__STAFF_LEAVE_PART__LEAVE_AFTERNOONS ? " (afternoons)"
                                                             : "";
    k = snprintf(out, n, "%s leave %llu for %s, %s to %s%s",
                 l->cancelled ? "cancelled" : "recorded",
                 (unsigned long long)l->id, l->staff_name, l->from, l->to,
                 part);
    break;
  }
  case PCN__EVENT__RECORD_FUNDS_FIGURES: {
    const Pcn__PracticeFigures *f = ev->funds_figures;
    k = snprintf(out, n,
                 "recorded %s's figures from %s: list size %u, weighted %u%s%s",
                 f->practice, f->applies_from, f->list_size, f->weighted,
                 f->locality[0] ? ", locality " : "", f->locality);
    break;
  }
  case PCN__EVENT__RECORD_FUNDS_STREAM:
    /* Updated: its name, pass-through flag or split rule (issue 20). */
    k = snprintf(out, n, "%s funding stream %s \"%s\"%s%s",
                 ev->op == PCN__OP__UPDATED ? "changed" : "added",
                 ev->funds_stream->code, ev->funds_stream->name,
                 ev->funds_stream->pass_through ? ", pass-through" : "",
                 ev->funds_stream->rule_split ? ", with a split rule" : "");
    break;
  case PCN__EVENT__RECORD_FUNDS_ENTRY: {
    const Pcn__FundsEntry *e = ev->funds_entry;
    char amt[PCN_PENCE_BUF];
    pcn_pence_format(e->pence, 1, amt);
    const char *what = e->kind == PCN__FUNDS_KIND__FUNDS_RECEIPT ? "received"
                       : e->kind == PCN__FUNDS_KIND__FUNDS_DISTRIBUTION
                           ? "distributed"
                       : e->kind == PCN__FUNDS_KIND__FUNDS_EXPENSE ? "paid"
                       : e->kind == PCN__FUNDS_KIND__FUNDS_CLAIM   ? "paid a claim:"
                                                                   : "reversed";
    if (e->kind == PCN__FUNDS_KIND__FUNDS_REVERSAL)
      k = snprintf(out, n, "posted entry %llu: reversed entry %llu (%s %s)",
                   (unsigned long long)e->id, (unsigned long long)e->reverses,
                   amt, e->stream);
    else
      k = snprintf(
          out, n, "posted entry %llu: %s %s %s on %s%s%s%s",
          (unsigned long long)e->id, what, amt, e->stream, e->date,
          e->kind == PCN__FUNDS_KIND__FUNDS_DISTRIBUTION ? " to practices" : "",
          e->payee[0] ? " to " : "", e->payee);
    break;
  }
  case PCN__EVENT__RECORD_FUNDS_RATE: {
    const Pcn__FundsRate *r = ev->funds_rate;
    const char *per = r->basis == PCN__FUNDS_BASIS__FUNDS_PER_PATIENT
                          ? "per registered patient"
                      : r->basis == PCN__FUNDS_BASIS__FUNDS_PER_WEIGHTED
                          ? "per weighted patient"
                      : r->basis == PCN__FUNDS_BASIS__FUNDS_PER_BED
                          ? "per care-home bed"
                          : "for the year";
    long long cp = (long long)r->rate_cp;
    k = snprintf(out, n, "set %s's rate for %u/%02u: £%lld.%04lld %s",
                 r->stream, r->year, (r->year + 1) % 100, cp / 10000,
                 (cp < 0 ? -cp : cp) % 10000, per);
    break;
  }
  case PCN__EVENT__RECORD_FUNDS_BUDGET: {
    char amt[PCN_PENCE_BUF];
    pcn_pence_format(ev->funds_budget->pence, 1, amt);
    k = snprintf(out, n, "set %s's budget for %u/%02u: %s",
                 ev->funds_budget->stream, ev->funds_budget->year,
                 (ev->funds_budget->year + 1) % 100, amt);
    break;
  }
  case PCN__EVENT__RECORD_FUNDS_ARRS_CLAIM: {
    char amt[PCN_PENCE_BUF];
    pcn_pence_format(ev->funds_arrs_claim->pence, 1, amt);
    if (ev->funds_arrs_claim->reversed_at)
      k = snprintf(out, n, "reversed the ARRS claim for %s (%s): %s",
                   ev->funds_arrs_claim->month, amt,
                   ev->funds_arrs_claim->reversed_reason);
    else
      k = snprintf(out, n, "recorded the ARRS claim for %s: %s",
                   ev->funds_arrs_claim->month, amt);
    break;
  }
  case PCN__EVENT__RECORD_SERVER_NOTICE: {
    const Pcn__ServerNotice *sn = ev->server_notice;
    k = snprintf(out, n, "%sserver notice: %s",
                 sn->severity >= 1 ? "** " : "", sn->message);
    break;
  }
  case PCN__EVENT__RECORD_FUNDS_CLAIM_DUE: {
    const Pcn__FundsClaimDue *c = ev->funds_claim_due;
    if (c->working_days_left < 0)
      k = snprintf(out, n, "the ARRS claim for %s is overdue (due %s)",
                   c->month, c->due);
    else
      k = snprintf(out, n,
                   "reminder: the ARRS claim for %s is due %s (%d working "
                   "day%s)",
                   c->month, c->due, c->working_days_left,
                   c->working_days_left == 1 ? "" : "s");
    break;
  }
  case PCN__EVENT__RECORD_FUNDS_BACKFILL_RATE: {
    char amt[PCN_PENCE_BUF];
    pcn_pence_format(ev->funds_backfill_rate->pence_per_hour, 1, amt);
    k = snprintf(out, n, "set the backfill rate for %s: %s an hour",
                 ev->funds_backfill_rate->role, amt);
    break;
  }
  case PCN__EVENT__RECORD_FUNDS_CLAIM: {
    const Pcn__FundsClaim *c = ev->funds_claim;
    char amt[PCN_PENCE_BUF];
    pcn_pence_format(c->pence, 1, amt);
    const char *what = c->state == PCN__FUNDS_CLAIM_STATE__CLAIM_APPROVED
                           ? "approved"
                       : c->state == PCN__FUNDS_CLAIM_STATE__CLAIM_REJECTED
                           ? "rejected"
                           : "made";
    k = snprintf(out, n,
                 "%s backfill claim %llu: %s for %s (%s, %u min at meeting "
                 "%llu)",
                 what, (unsigned long long)c->id, amt, c->practice,
                 c->username, c->minutes, (unsigned long long)c->meeting_id);
    break;
  }
  default:
    k = snprintf(out, n, "%s a record this version does not know",
                 op_name(ev->op));
    break;
  }
  return k < 0 ? 0 : (size_t)k;
}
