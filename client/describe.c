/* describe.c - one line of words for a feed event, shared by `pcn feed`
 * and the desktop's feed, so both say the same thing. */
#include <stdio.h>

#include "pcnclient.h"

static const char *op_name(int op) {
  switch (op) {
  case PCN__OP__CREATED: return "created";
  case PCN__OP__UPDATED: return "updated";
  case PCN__OP__DELETED: return "deleted";
  default: return "changed";
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
  default:
    k = snprintf(out, n, "%s a record this version does not know",
                 op_name(ev->op));
    break;
  }
  return k < 0 ? 0 : (size_t)k;
}
