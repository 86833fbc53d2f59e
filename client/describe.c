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
  default:
    k = snprintf(out, n, "%s a record this version does not know",
                 op_name(ev->op));
    break;
  }
  return k < 0 ? 0 : (size_t)k;
}
