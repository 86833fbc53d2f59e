/* meetings.c - the Meetings page: the network's meetings, upcoming first
 * (soonest at the top) and then past ones (latest first), in UK time; and
 * the chosen meeting in full: time, place, invitees, the agenda (an
 * invitee adds to it here), attendance, minutes and actions (each a link
 * to its task). "Export to calendar (.ics)" writes the meeting as
 * iCalendar through client/meetcal, for Outlook and other calendars; a
 * later export of the same meeting updates the calendar entry.
 *
 * State: a copy of every meeting record by id (the list), and the
 * detail of the chosen one, fetched again whenever an event touches it,
 * so the page is always what the server holds. Notices: when someone
 * invites the member to a meeting, and when an action is theirs.
 *
 * Issue 19: times in words, UK time ("Tue 9 Dec 2031, 14:00–15:00", the
 * zones named only when the clocks change between the ends); people and
 * practices by name; the date typed as people write it (9/12/2031) or
 * picked from a calendar; invitees picked from the members by name (a
 * check each), not typed as usernames; a refusal in words under the
 * field it names. The detail column wraps everything it says (invitees,
 * agenda, an action's link), so it is never wider than its pane at
 * 1024x768; an action reads "Task: <title> → <person>, due <date>", the
 * task's number only in the button's name.
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "meetcal.h"
#include "meetings.h"
#include "uktime.h"
#include "words.h"

typedef struct desk_meetings desk_meetings_t;

struct desk_meetings {
  GHashTable *by_id; /* guint64 id -> Pcn__Meeting (unpacked copy) */
  GtkWidget *list, *empty, *detail, *note;
  GtkWidget *title, *when, *place, *invitees, *agenda, *agenda_entry,
      *agenda_add, *attendance, *actions, *minutes, *export;
  guint64 selected;
  Pcn__MeetingDetail *shown; /* the chosen meeting's detail, or NULL */
  int loading, rebuilding;
  char after[64];
  GtkWidget *form, *f_title, *f_date, *f_start, *f_end, *f_place, *f_invite,
      *f_note, *f_go, *f_title_error, *f_date_error, *f_time_error,
      *f_invite_error;
};

/* ------------------------------------------------------------ records */

static void free_meeting(gpointer p) {
  if (p) protobuf_c_message_free_unpacked(p, NULL);
}

/* In words, UK time: "Tue 9 Dec, 14:00–15:00"; each end with its own zone
 * when the clocks change between (issue 20): "Sun 28 Mar 2027, 00:30 GMT
 * – 02:30 BST"; over two days, each end in full. */
static void when_text(const Pcn__Meeting *m, char *out, size_t n) {
  char a[21], b[21], start[40], end[40];
  pcn_london_format_zone(m->starts_at, a);
  pcn_london_format_zone(m->ends_at, b);
  desk_datetime_words(m->starts_at, start, sizeof start);
  if (strncmp(a, b, 10)) {
    desk_datetime_words(m->ends_at, end, sizeof end);
    if (strcmp(a + 17, b + 17))
      snprintf(out, n, "%s %s – %s %s", start, a + 17, end, b + 17);
    else
      snprintf(out, n, "%s – %s", start, end);
  } else if (strcmp(a + 17, b + 17)) {
    snprintf(out, n, "%s %s – %.5s %s", start, a + 17, b + 11, b + 17);
  } else {
    snprintf(out, n, "%s–%.5s", start, b + 11);
  }
}

static int is_invited(const Pcn__Meeting *m, const char *username) {
  if (!strcmp(m->organiser, username)) return 1;
  for (size_t i = 0; i < m->n_invitees; i++)
    if (!strcmp(m->invitees[i], username)) return 1;
  return 0;
}

/* ------------------------------------------------------------ the list */

static gboolean upcoming(const Pcn__Meeting *m, int64_t now) {
  return m->ends_at >= now;
}

/* Upcoming first, soonest at the top; then past, latest first. */
static gint order(gconstpointer a, gconstpointer b) {
  const Pcn__Meeting *x = *(Pcn__Meeting *const *)a;
  const Pcn__Meeting *y = *(Pcn__Meeting *const *)b;
  int64_t now = pcn_now_ms();
  int ux = upcoming(x, now), uy = upcoming(y, now);
  if (ux != uy) return ux ? -1 : 1;
  int64_t d = ux ? x->starts_at - y->starts_at : y->starts_at - x->starts_at;
  if (d) return d < 0 ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

static void header_func(GtkListBoxRow *row, GtkListBoxRow *before,
                        gpointer ud) {
  (void)ud;
  int up = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(row), "upcoming"));
  int prev =
      before ? GPOINTER_TO_INT(g_object_get_data(G_OBJECT(before), "upcoming"))
             : -1;
  if (up == prev) {
    gtk_list_box_row_set_header(row, NULL);
    return;
  }
  GtkWidget *h = gtk_label_new(up ? "Upcoming" : "Past");
  gtk_label_set_xalign(GTK_LABEL(h), 0);
  gtk_widget_add_css_class(h, "heading");
  gtk_widget_set_margin_start(h, 12);
  gtk_widget_set_margin_top(h, 8);
  gtk_widget_set_margin_bottom(h, 4);
  gtk_list_box_row_set_header(row, h);
}

static GtkWidget *row_for(const Pcn__Meeting *m, int64_t now) {
  char when[64], sub[300];
  when_text(m, when, sizeof when);
  snprintf(sub, sizeof sub, "%s%s%s%s", when, m->place[0] ? " · " : "",
           m->place, m->cancelled ? " · cancelled" : "");
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_start(box, 12);
  gtk_widget_set_margin_end(box, 12);
  gtk_widget_set_margin_top(box, 6);
  gtk_widget_set_margin_bottom(box, 6);
  GtkWidget *t = gtk_label_new(m->title), *s = gtk_label_new(sub);
  gtk_label_set_xalign(GTK_LABEL(t), 0);
  gtk_label_set_xalign(GTK_LABEL(s), 0);
  gtk_label_set_ellipsize(GTK_LABEL(t), PANGO_ELLIPSIZE_END);
  gtk_label_set_ellipsize(GTK_LABEL(s), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class(s, "dim-label");
  if (m->cancelled) gtk_widget_add_css_class(t, "dim-label");
  gtk_box_append(GTK_BOX(box), t);
  gtk_box_append(GTK_BOX(box), s);
  GtkWidget *row = gtk_list_box_row_new();
  gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(row), box);
  g_object_set_data(G_OBJECT(row), "upcoming",
                    GINT_TO_POINTER(upcoming(m, now)));
  g_object_set_data(G_OBJECT(row), "id", GSIZE_TO_POINTER((gsize)m->id));
  char *name = g_strdup_printf("%s, %s", m->title, when);
  gtk_accessible_update_property(GTK_ACCESSIBLE(row),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  g_free(name);
  return row;
}

static void show_detail(pcn_desk *d);
static void fetch_detail(pcn_desk *d);

/* Rebuilds the rows from the copies (a network has tens of meetings a
 * month, not thousands), keeping the choice; the first upcoming meeting
 * is chosen when there is none. */
static void rebuild(pcn_desk *d) {
  desk_meetings_t *mt = d->meetings;
  mt->rebuilding = 1;
  GtkListBoxRow *r;
  while ((r = gtk_list_box_get_row_at_index(GTK_LIST_BOX(mt->list), 0)))
    gtk_list_box_remove(GTK_LIST_BOX(mt->list), GTK_WIDGET(r));
  GPtrArray *all = g_ptr_array_new();
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init(&it, mt->by_id);
  while (g_hash_table_iter_next(&it, NULL, &v))
    g_ptr_array_add(all, v);
  g_ptr_array_sort(all, order);
  int64_t now = pcn_now_ms();
  GtkWidget *chosen = NULL;
  for (guint i = 0; i < all->len; i++) {
    const Pcn__Meeting *m = all->pdata[i];
    GtkWidget *row = row_for(m, now);
    gtk_list_box_append(GTK_LIST_BOX(mt->list), row);
    if (m->id == mt->selected) chosen = row;
  }
  guint64 first = 0;
  if (!chosen && all->len) {
    chosen =
        GTK_WIDGET(gtk_list_box_get_row_at_index(GTK_LIST_BOX(mt->list), 0));
    first = ((const Pcn__Meeting *)all->pdata[0])->id;
  }
  if (chosen)
    gtk_list_box_select_row(GTK_LIST_BOX(mt->list), GTK_LIST_BOX_ROW(chosen));
  gtk_widget_set_visible(mt->empty, all->len == 0);
  g_ptr_array_unref(all);
  mt->rebuilding = 0;
  if (first) pcn_desk_meeting_select(d, first);
}

static void on_row_selected(GtkListBox *box, GtkListBoxRow *row, gpointer ud) {
  (void)box;
  pcn_desk *d = ud;
  if (!row || d->meetings->rebuilding) return;
  guint64 id =
      (guint64)GPOINTER_TO_SIZE(g_object_get_data(G_OBJECT(row), "id"));
  pcn_desk_meeting_select(d, id);
}

static void put_meeting(pcn_desk *d, const Pcn__Meeting *m) {
  desk_meetings_t *mt = d->meetings;
  Pcn__Meeting *old = g_hash_table_lookup(mt->by_id, &m->id);
  if (old && old->version > m->version) return; /* never back in time */
  Pcn__Meeting *c = desk_copy_msg(&m->base);
  if (!c) return;
  g_hash_table_replace(mt->by_id, &c->id, c);
}

/* ------------------------------------------------------------ loading */

static void load_page(pcn_desk *d);

static void on_page(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_meetings_t *mt = d->meetings;
  if (!mt) return;
  if (r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_MEETINGS) {
    mt->loading = 0;
    return;
  }
  for (size_t i = 0; i < r->meetings->n_meetings; i++)
    put_meeting(d, r->meetings->meetings[i]);
  snprintf(mt->after, sizeof mt->after, "%s", r->meetings->next);
  if (mt->after[0])
    load_page(d);
  else
    mt->loading = 0;
  rebuild(d);
}

static void load_page(pcn_desk *d) {
  Pcn__MeetingList l = PCN__MEETING_LIST__INIT;
  l.limit = 200;
  l.after = d->meetings->after;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEETING_LIST;
  req.meeting_list = &l;
  if (!pcn_client_call(d->cl, &req, on_page, d)) d->meetings->loading = 0;
}

void meetings_load(pcn_desk *d) {
  if (!d->meetings || d->meetings->loading) return;
  d->meetings->loading = 1;
  d->meetings->after[0] = 0;
  load_page(d);
  if (d->meetings->selected) fetch_detail(d);
}

static void on_detail(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_meetings_t *mt = d->meetings;
  if (!mt || r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_MEETING_DETAIL ||
      r->meeting_detail->meeting->id != mt->selected)
    return;
  free_meeting(mt->shown);
  mt->shown = desk_copy_msg(&r->meeting_detail->base);
  put_meeting(d, r->meeting_detail->meeting);
  show_detail(d);
}

static void fetch_detail(pcn_desk *d) {
  desk_meetings_t *mt = d->meetings;
  if (!mt->selected || !d->cl) return;
  Pcn__MeetingGet g = PCN__MEETING_GET__INIT;
  g.id = mt->selected;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEETING_GET;
  req.meeting_get = &g;
  pcn_client_call(d->cl, &req, on_detail, d);
}

/* ------------------------------------------------------------ events */

static void notice_invited(pcn_desk *d, const Pcn__Event *ev,
                           const Pcn__Meeting *m, const Pcn__Meeting *before) {
  if (!d->username[0] || m->cancelled || !is_invited(m, d->username) ||
      (before && is_invited(before, d->username)))
    return;
  char id[40], when[64], body[400];
  snprintf(id, sizeof id, "meeting-%llu", (unsigned long long)m->id);
  when_text(m, when, sizeof when);
  snprintf(body, sizeof body, "%s, %s%s%s (called by %s)", m->title, when,
           m->place[0] ? ", " : "", m->place, m->organiser);
  desk_notice(d, ev, id, "You are invited to a meeting", body);
}

void meetings_on_event(pcn_desk *d, const Pcn__Event *ev) {
  desk_meetings_t *mt = d->meetings;
  if (!mt) return;
  guint64 touched = 0;
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_MEETING: {
    const Pcn__Meeting *m = ev->meeting;
    Pcn__Meeting *before = g_hash_table_lookup(mt->by_id, &m->id);
    Pcn__Meeting *prev = before ? desk_copy_msg(&before->base) : NULL;
    notice_invited(d, ev, m, ev->op == PCN__OP__CREATED ? NULL : prev);
    free_meeting(prev);
    put_meeting(d, m);
    rebuild(d);
    touched = m->id;
    break;
  }
  case PCN__EVENT__RECORD_MEETING_AGENDA_ITEM:
    touched = ev->meeting_agenda_item->meeting_id;
    break;
  case PCN__EVENT__RECORD_MEETING_ATTENDANCE:
    touched = ev->meeting_attendance->meeting_id;
    break;
  case PCN__EVENT__RECORD_MEETING_ACTION: {
    const Pcn__MeetingAction *a = ev->meeting_action;
    touched = a->meeting_id;
    if (d->username[0] && !strcmp(a->assignee, d->username)) {
      /* The same id as the task's own notice, so a desktop notification
       * replaces it rather than adding a second. */
      char id[40], body[400];
      snprintf(id, sizeof id, "task-%llu", (unsigned long long)a->task_id);
      Pcn__Meeting *m = g_hash_table_lookup(mt->by_id, &a->meeting_id);
      snprintf(body, sizeof body, "%s%s%s (task %llu, from \"%s\")", a->title,
               a->due[0] ? ", due " : "", a->due,
               (unsigned long long)a->task_id, m ? m->title : "a meeting");
      desk_notice(d, ev, id, "An action for you", body);
    }
    break;
  }
  default: return;
  }
  if (touched && touched == mt->selected) fetch_detail(d);
}

/* ------------------------------------------------------------ detail */

static void clear(GtkWidget *box) {
  GtkWidget *c;
  while ((c = gtk_widget_get_first_child(box)))
    gtk_box_remove(GTK_BOX(box), c);
}

static GtkWidget *line(const char *text, int dim) {
  GtkWidget *l = gtk_label_new(text);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  gtk_label_set_wrap(GTK_LABEL(l), TRUE);
  /* A name or link with no space in it breaks too: the detail column is
   * never wider than its pane (issue 19). */
  gtk_label_set_wrap_mode(GTK_LABEL(l), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable(GTK_LABEL(l), TRUE);
  if (dim) gtk_widget_add_css_class(l, "dim-label");
  return l;
}

static void on_task_link(GtkButton *b, gpointer ud) {
  guint64 id =
      (guint64)GPOINTER_TO_SIZE(g_object_get_data(G_OBJECT(b), "task"));
  taskwin_open(ud, id);
}

static void show_detail(pcn_desk *d) {
  desk_meetings_t *mt = d->meetings;
  const Pcn__MeetingDetail *md = mt->shown;
  gtk_widget_set_visible(mt->detail, md != NULL);
  if (!md) return;
  const Pcn__Meeting *m = md->meeting;
  char buf[1200];
  snprintf(buf, sizeof buf, "%s%s", m->title,
           m->cancelled ? " (cancelled)" : "");
  gtk_label_set_text(GTK_LABEL(mt->title), buf);
  when_text(m, buf, sizeof buf);
  gtk_label_set_text(GTK_LABEL(mt->when), buf);
  gtk_label_set_text(GTK_LABEL(mt->place),
                     m->place[0] ? m->place : "No place given");
  GString *inv = g_string_new("Invited: ");
  for (size_t i = 0; i < m->n_invitees; i++)
    g_string_append_printf(
        inv, "%s%s%s", i ? ", " : "", desk_person_words(d, m->invitees[i]),
        !strcmp(m->invitees[i], m->organiser) ? " (organiser)" : "");
  gtk_label_set_text(GTK_LABEL(mt->invitees), inv->str);
  g_string_free(inv, TRUE);

  clear(mt->agenda);
  if (!md->n_agenda)
    gtk_box_append(GTK_BOX(mt->agenda), line("Nothing on the agenda yet.", 1));
  for (size_t i = 0; i < md->n_agenda; i++) {
    snprintf(buf, sizeof buf, "%u. %s — %s", md->agenda[i]->n,
             md->agenda[i]->text,
             desk_person_words(d, md->agenda[i]->added_by));
    gtk_box_append(GTK_BOX(mt->agenda), line(buf, 0));
  }
  /* The server says whether this member may add to the agenda now
   * (MeetingDetail.may, issue 20), by its clock and its rules. */
  int open = 0;
  for (size_t i = 0; i < md->n_may; i++)
    open = open || !strcmp(md->may[i], "agenda");
  gtk_widget_set_sensitive(mt->agenda_entry, open);
  gtk_widget_set_sensitive(mt->agenda_add, open);

  clear(mt->attendance);
  if (!md->n_attendance)
    gtk_box_append(GTK_BOX(mt->attendance),
                   line("Not recorded yet (the organiser records it after "
                        "the meeting).",
                        1));
  for (size_t i = 0; i < md->n_attendance; i++) {
    const Pcn__MeetingAttendance *a = md->attendance[i];
    if (a->minutes)
      snprintf(buf, sizeof buf, "%s (%s): %u minutes",
               desk_person_words(d, a->username),
               a->practice[0] ? desk_practice_words(d, a->practice) : "network",
               a->minutes);
    else
      snprintf(buf, sizeof buf, "%s: did not attend",
               desk_person_words(d, a->username));
    gtk_box_append(GTK_BOX(mt->attendance), line(buf, 0));
  }

  clear(mt->actions);
  if (!md->n_actions)
    gtk_box_append(GTK_BOX(mt->actions), line("No actions.", 1));
  for (size_t i = 0; i < md->n_actions; i++) {
    const Pcn__MeetingAction *a = md->actions[i];
    char due[32];
    desk_date_words(a->due, due, sizeof due, DESK_DATE_WEEKDAY);
    /* The task's number is the server's, not the reader's (issue 19):
     * the link says what the task is, and its name keeps the id. */
    snprintf(buf, sizeof buf, "Task: %s → %s%s%s", a->title,
             desk_person_words(d, a->assignee), a->due[0] ? ", due " : "", due);
    GtkWidget *b = gtk_button_new_with_label(buf);
    /* The link wraps in the detail column, however long the title. */
    GtkWidget *text = gtk_button_get_child(GTK_BUTTON(b));
    gtk_label_set_wrap(GTK_LABEL(text), TRUE);
    gtk_label_set_wrap_mode(GTK_LABEL(text), PANGO_WRAP_WORD_CHAR);
    gtk_label_set_xalign(GTK_LABEL(text), 0);
    char name[40];
    snprintf(name, sizeof name, "Task %llu", (unsigned long long)a->task_id);
    gtk_widget_set_name(b, name);
    gtk_widget_add_css_class(b, "flat");
    /* The column's width (a wrapping label asks for less than its line
     * and would break early at the start). */
    gtk_widget_set_halign(b, GTK_ALIGN_FILL);
    gtk_widget_set_tooltip_text(b, "Open the task");
    g_object_set_data(G_OBJECT(b), "task", GSIZE_TO_POINTER((gsize)a->task_id));
    g_signal_connect(b, "clicked", G_CALLBACK(on_task_link), d);
    gtk_box_append(GTK_BOX(mt->actions), b);
  }
  gtk_label_set_text(GTK_LABEL(mt->minutes),
                     m->minutes[0] ? m->minutes : "No minutes yet.");
}

/* ------------------------------------------------------------ agenda */

static void on_agenda_added(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_meetings_t *mt = d->meetings;
  if (!mt) return;
  gtk_widget_set_sensitive(mt->agenda_add, TRUE);
  if (r->status->code != PCN__STATUS_CODE__OK) {
    gtk_label_set_text(GTK_LABEL(mt->note), r->status->message);
    return;
  }
  gtk_label_set_text(GTK_LABEL(mt->note), "Added to the agenda.");
  gtk_editable_set_text(GTK_EDITABLE(mt->agenda_entry), "");
  fetch_detail(d);
}

static void on_agenda_add(GtkWidget *w, gpointer ud) {
  (void)w;
  pcn_desk *d = ud;
  desk_meetings_t *mt = d->meetings;
  Pcn__MeetingAgendaAdd a = PCN__MEETING_AGENDA_ADD__INIT;
  a.id = mt->selected;
  a.text = (char *)gtk_editable_get_text(GTK_EDITABLE(mt->agenda_entry));
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEETING_AGENDA_ADD;
  req.meeting_agenda_add = &a;
  if (!d->cl || !pcn_client_call(d->cl, &req, on_agenda_added, d)) {
    gtk_label_set_text(GTK_LABEL(mt->note), "Not connected to the server.");
    return;
  }
  gtk_widget_set_sensitive(mt->agenda_add, FALSE);
}

/* ------------------------------------------------------------ export */

int pcn_desk_meeting_export(pcn_desk *d, const char *path, char *err,
                            size_t errlen) {
  desk_meetings_t *mt = d->meetings;
  if (!mt || !mt->shown) {
    snprintf(err, errlen, "Choose a meeting first.");
    return -1;
  }
  const Pcn__Welcome *w = d->cl ? pcn_client_welcome(d->cl) : NULL;
  const char *net = w && w->network_id[0] ? w->network_id : "network";
  const Pcn__MeetingDetail *one[] = {mt->shown};
  /* Invitees with an e-mail address become the event's ATTENDEEs. */
  size_t n_people = 0;
  Pcn__Member *dir = pcn_desk_member_directory(d, &n_people);
  const Pcn__Member **people = g_new0(const Pcn__Member *, n_people + 1);
  for (size_t i = 0; i < n_people; i++)
    people[i] = &dir[i];
  char *ics =
      pcn_meetings_ics_people(net, one, 1, people, n_people, pcn_now_ms());
  g_free(people);
  g_free(dir);
  if (!ics) {
    snprintf(err, errlen, "The calendar file could not be made.");
    return -1;
  }
  GError *e = NULL;
  gboolean ok = g_file_set_contents(path, ics, -1, &e);
  free(ics);
  if (!ok) {
    snprintf(err, errlen, "Could not write %s: %s", path, e->message);
    g_error_free(e);
    return -1;
  }
  return 0;
}

/* GTK 4.8 (Debian 12) has no GtkFileDialog (4.10): the native chooser. */
static void on_export_chosen(GtkNativeDialog *dlg, int response, gpointer ud) {
  pcn_desk *d = ud;
  if (response == GTK_RESPONSE_ACCEPT && d->meetings) {
    GFile *f = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dlg));
    char *path = f ? g_file_get_path(f) : NULL;
    char err[400];
    if (path && pcn_desk_meeting_export(d, path, err, sizeof err) == 0)
      snprintf(err, sizeof err,
               "Saved %s: open it with your calendar (Outlook: File › Open "
               "› Import).",
               path);
    gtk_label_set_text(GTK_LABEL(d->meetings->note),
                       path ? err : "No file chosen.");
    g_free(path);
    if (f) g_object_unref(f);
  }
  g_object_unref(dlg);
}

static void on_export(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  if (!d->meetings->shown) return;
  GtkFileChooserNative *dlg = gtk_file_chooser_native_new(
      "Export to calendar", GTK_WINDOW(d->window), GTK_FILE_CHOOSER_ACTION_SAVE,
      "_Save", "_Cancel");
  char name[64];
  snprintf(name, sizeof name, "meeting-%llu.ics",
           (unsigned long long)d->meetings->selected);
  gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(dlg), name);
  g_signal_connect(dlg, "response", G_CALLBACK(on_export_chosen), d);
  gtk_native_dialog_show(GTK_NATIVE_DIALOG(dlg));
}

/* ------------------------------------------------------------ new meeting */

static void on_created(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_meetings_t *mt = d->meetings;
  if (!mt || !mt->form) return;
  gtk_widget_set_sensitive(mt->f_go, TRUE);
  if (r->status->code != PCN__STATUS_CODE__OK) {
    /* Under the field the refusal names, in words; the rest at the foot. */
    const char *field = r->status->details && r->status->details->field
                            ? r->status->details->field
                            : "";
    if (!strcmp(field, "title"))
      desk_field_error(mt->f_title, mt->f_title_error, r->status);
    else if (!strcmp(field, "starts_at") || !strcmp(field, "ends_at"))
      desk_field_error(!strcmp(field, "ends_at") ? mt->f_end : mt->f_start,
                       mt->f_time_error, r->status);
    else if (g_str_has_prefix(field, "invitees"))
      desk_field_error(mt->f_invite, mt->f_invite_error, r->status);
    else {
      char words[600];
      desk_error_words(r->status, words, sizeof words);
      gtk_label_set_text(GTK_LABEL(mt->f_note), words);
    }
    return;
  }
  put_meeting(d, r->meeting);
  mt->selected = r->meeting->id;
  rebuild(d);
  fetch_detail(d);
  gtk_window_destroy(GTK_WINDOW(mt->form));
}

/* A refusal of the form's own, in words under field. */
static void field_says(GtkWidget *field, GtkWidget *label, const char *text) {
  Pcn__Status st = PCN__STATUS__INIT;
  st.code = PCN__STATUS_CODE__INVALID_ARGUMENT;
  st.message = (char *)text;
  desk_field_error(field, label, &st);
}

static int form_time(desk_meetings_t *mt, GtkWidget *e, int64_t *ms) {
  char iso[11], full[40];
  const char *why = NULL;
  int got = desk_date_entry_get(mt->f_date, iso, &why);
  if (got) {
    field_says(desk_date_entry_text(mt->f_date), mt->f_date_error,
               got > 0 ? "Say which day: a date, as 9 Dec or 9/12/2026, or "
                         "pick one from the calendar."
                       : why);
    return -1;
  }
  snprintf(full, sizeof full, "%s %s", iso,
           gtk_editable_get_text(GTK_EDITABLE(e)));
  if (pcn_london_parse(full, ms, &why) == 0) return 0;
  char msg[120];
  snprintf(msg, sizeof msg, "Type when it %s as 14:00 (24-hour, UK time).",
           e == mt->f_end ? "ends" : "starts");
  field_says(e, mt->f_time_error, msg);
  return -1;
}

static void on_create(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  desk_meetings_t *mt = d->meetings;
  Pcn__MeetingCreate c = PCN__MEETING_CREATE__INIT;
  desk_field_error(mt->f_title, mt->f_title_error, NULL);
  desk_field_error(desk_date_entry_text(mt->f_date), mt->f_date_error, NULL);
  desk_field_error(mt->f_start, mt->f_time_error, NULL);
  desk_field_error(mt->f_end, NULL, NULL);
  desk_field_error(mt->f_invite, mt->f_invite_error, NULL);
  gtk_label_set_text(GTK_LABEL(mt->f_note), "");
  if (form_time(mt, mt->f_start, &c.starts_at) ||
      form_time(mt, mt->f_end, &c.ends_at))
    return;
  c.title = (char *)gtk_editable_get_text(GTK_EDITABLE(mt->f_title));
  c.place = (char *)gtk_editable_get_text(GTK_EDITABLE(mt->f_place));
  /* The members ticked: each check is named by its username. */
  char *kept[128];
  size_t n = 0;
  for (GtkWidget *w = gtk_widget_get_first_child(mt->f_invite);
       w && n < G_N_ELEMENTS(kept); w = gtk_widget_get_next_sibling(w)) {
    GtkWidget *chk = GTK_IS_FLOW_BOX_CHILD(w)
                         ? gtk_flow_box_child_get_child(GTK_FLOW_BOX_CHILD(w))
                         : w;
    if (GTK_IS_CHECK_BUTTON(chk) &&
        gtk_check_button_get_active(GTK_CHECK_BUTTON(chk)))
      kept[n++] = (char *)gtk_widget_get_name(chk);
  }
  c.invitees = kept;
  c.n_invitees = n;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEETING_CREATE;
  req.meeting_create = &c;
  if (d->cl && pcn_client_call(d->cl, &req, on_created, d))
    gtk_widget_set_sensitive(mt->f_go, FALSE);
  else
    gtk_label_set_text(GTK_LABEL(mt->f_note), "Not connected to the server.");
}

static void on_form_destroy(GtkWidget *w, gpointer ud) {
  (void)w;
  pcn_desk *d = ud;
  if (d->meetings) d->meetings->form = NULL;
}

static void on_new(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  desk_meetings_t *mt = d->meetings;
  if (mt->form) {
    gtk_window_present(GTK_WINDOW(mt->form));
    return;
  }
  GtkWidget *grid = gtk_grid_new();
  mt->form = desk_form(d, "New meeting", "Call a meeting", 480, grid);
  g_signal_connect(mt->form, "destroy", G_CALLBACK(on_form_destroy), d);
  mt->f_title =
      desk_field(grid, 0, "_Title", desk_entry("Title", "PCN board", 0));
  mt->f_title_error = desk_form_error(grid, 1, 0);
  mt->f_date = desk_field(grid, 2, "_Date", desk_date_entry_new("Date"));
  gtk_label_set_mnemonic_widget(
      GTK_LABEL(gtk_grid_get_child_at(GTK_GRID(grid), 0, 2)),
      desk_date_entry_text(mt->f_date));
  mt->f_date_error = desk_form_error(grid, 3, 0);
  mt->f_start =
      desk_field(grid, 4, "_Starts", desk_entry("Starts", "HH:MM, UK time", 0));
  mt->f_end = desk_field(grid, 5, "_Ends", desk_entry("Ends", "HH:MM", 0));
  mt->f_time_error = desk_form_error(grid, 6, 0);
  mt->f_place = desk_field(grid, 7, "_Place",
                           desk_entry("Place", "A room or a meeting link", 0));
  /* Invitees: the members by name, a check each (named by username). */
  mt->f_invite = gtk_flow_box_new();
  gtk_widget_set_name(mt->f_invite, "Invite");
  gtk_flow_box_set_selection_mode(GTK_FLOW_BOX(mt->f_invite),
                                  GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line(GTK_FLOW_BOX(mt->f_invite), 3);
  gtk_accessible_update_property(GTK_ACCESSIBLE(mt->f_invite),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                 "Members to invite", -1);
  GPtrArray *keys = g_ptr_array_new();
  people_member_keys(d, NULL, keys);
  for (guint i = 0; i < keys->len; i++) {
    const char *u = g_ptr_array_index(keys, i);
    if (!strcmp(u, d->username)) continue; /* the organiser is invited */
    GtkWidget *c = gtk_check_button_new_with_label(desk_person_words(d, u));
    gtk_widget_set_name(c, u);
    gtk_widget_set_tooltip_text(c, u);
    gtk_flow_box_append(GTK_FLOW_BOX(mt->f_invite), c);
  }
  g_ptr_array_free(keys, TRUE);
  desk_field(grid, 8, "_Invite", mt->f_invite);
  mt->f_invite_error = desk_form_error(grid, 9, 0);
  mt->f_note = gtk_label_new(NULL);
  gtk_label_set_wrap(GTK_LABEL(mt->f_note), TRUE);
  gtk_label_set_xalign(GTK_LABEL(mt->f_note), 0);
  gtk_widget_add_css_class(mt->f_note, "error");
  gtk_grid_attach(GTK_GRID(grid), mt->f_note, 0, 10, 2, 1);
  mt->f_go = desk_form_go(mt->form, "_Call meeting", G_CALLBACK(on_create), d);
  gtk_window_present(GTK_WINDOW(mt->form));
}

/* ------------------------------------------------------------ the page */

static GtkWidget *section(GtkWidget *box, const char *title, GtkWidget *w) {
  GtkWidget *h = gtk_label_new(title);
  gtk_label_set_xalign(GTK_LABEL(h), 0);
  gtk_widget_add_css_class(h, "heading");
  gtk_widget_set_margin_top(h, 12);
  gtk_box_append(GTK_BOX(box), h);
  gtk_box_append(GTK_BOX(box), w);
  return w;
}

static GtkWidget *vbox(int spacing) {
  return gtk_box_new(GTK_ORIENTATION_VERTICAL, spacing);
}

GtkWidget *meetings_view_new(pcn_desk *d) {
  desk_meetings_t *mt = g_new0(desk_meetings_t, 1);
  d->meetings = mt;
  mt->by_id =
      g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, free_meeting);
  /* Left: the list. */
  mt->list = gtk_list_box_new();
  gtk_widget_set_name(mt->list, "Meetings");
  gtk_accessible_update_property(GTK_ACCESSIBLE(mt->list),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                 "Meetings, upcoming first", -1);
  gtk_list_box_set_header_func(GTK_LIST_BOX(mt->list), header_func, NULL, NULL);
  g_signal_connect(mt->list, "row-selected", G_CALLBACK(on_row_selected), d);
  GtkWidget *scroll = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), mt->list);
  gtk_widget_set_vexpand(scroll, TRUE);
  gtk_widget_set_size_request(scroll, 320, -1);
  mt->empty = line("No meetings yet.", 1);
  gtk_widget_set_margin_start(mt->empty, 12);
  GtkWidget *add = gtk_button_new_with_mnemonic("_New meeting");
  gtk_widget_set_tooltip_text(add, "Call a meeting (PCN manager, clinical "
                                   "director, practice managers)");
  g_signal_connect(add, "clicked", G_CALLBACK(on_new), d);
  GtkWidget *left = vbox(6);
  gtk_widget_set_margin_top(left, 6);
  gtk_widget_set_margin_start(left, 6);
  gtk_box_append(GTK_BOX(left), add);
  gtk_box_append(GTK_BOX(left), mt->empty);
  gtk_box_append(GTK_BOX(left), scroll);

  /* Right: the chosen meeting. */
  GtkWidget *right = vbox(4);
  gtk_widget_set_margin_start(right, 18);
  gtk_widget_set_margin_end(right, 18);
  gtk_widget_set_margin_top(right, 12);
  gtk_widget_set_margin_bottom(right, 12);
  mt->title = line("", 0);
  gtk_widget_add_css_class(mt->title, "title-2");
  mt->when = line("", 0);
  mt->place = line("", 0);
  mt->invitees = line("", 1);
  gtk_box_append(GTK_BOX(right), mt->title);
  gtk_box_append(GTK_BOX(right), mt->when);
  gtk_box_append(GTK_BOX(right), mt->place);
  gtk_box_append(GTK_BOX(right), mt->invitees);
  mt->export = gtk_button_new_with_mnemonic("_Export to calendar (.ics)");
  gtk_widget_set_halign(mt->export, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text(mt->export,
                              "Save an iCalendar file for Outlook or another "
                              "calendar; exporting again updates the entry");
  g_signal_connect(mt->export, "clicked", G_CALLBACK(on_export), d);
  gtk_box_append(GTK_BOX(right), mt->export);
  mt->agenda = section(right, "Agenda", vbox(2));
  gtk_widget_set_name(mt->agenda, "Agenda");
  GtkWidget *add_row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
  mt->agenda_entry = desk_entry("New agenda item", "Add an item (invitees)", 0);
  gtk_widget_set_hexpand(mt->agenda_entry, TRUE);
  g_signal_connect(mt->agenda_entry, "activate", G_CALLBACK(on_agenda_add), d);
  mt->agenda_add = gtk_button_new_with_mnemonic("_Add to agenda");
  g_signal_connect(mt->agenda_add, "clicked", G_CALLBACK(on_agenda_add), d);
  gtk_box_append(GTK_BOX(add_row), mt->agenda_entry);
  gtk_box_append(GTK_BOX(add_row), mt->agenda_add);
  gtk_box_append(GTK_BOX(right), add_row);
  mt->attendance = section(right, "Attendance", vbox(2));
  gtk_widget_set_name(mt->attendance, "Attendance");
  mt->actions = section(right, "Actions", vbox(0));
  gtk_widget_set_name(mt->actions, "Actions");
  mt->minutes = section(right, "Minutes", line("", 0));
  gtk_widget_set_name(mt->minutes, "Minutes");
  mt->note = line("", 1);
  gtk_widget_set_margin_top(mt->note, 12);
  gtk_box_append(GTK_BOX(right), mt->note);
  mt->detail = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(mt->detail), right);
  gtk_widget_set_hexpand(mt->detail, TRUE);
  gtk_widget_set_visible(mt->detail, FALSE);

  GtkWidget *page = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_box_append(GTK_BOX(page), left);
  gtk_box_append(GTK_BOX(page), gtk_separator_new(GTK_ORIENTATION_VERTICAL));
  gtk_box_append(GTK_BOX(page), mt->detail);
  return page;
}

void meetings_free(pcn_desk *d) {
  desk_meetings_t *mt = d->meetings;
  if (!mt) return;
  if (mt->form) gtk_window_destroy(GTK_WINDOW(mt->form));
  g_hash_table_destroy(mt->by_id);
  free_meeting(mt->shown);
  g_free(mt);
  d->meetings = NULL;
}

/* ------------------------------------------------------------ tests */

guint pcn_desk_meeting_count(pcn_desk *d) {
  return d->meetings ? g_hash_table_size(d->meetings->by_id) : 0;
}

guint64 pcn_desk_meeting_selected(pcn_desk *d) {
  return d->meetings ? d->meetings->selected : 0;
}

void pcn_desk_meeting_select(pcn_desk *d, guint64 id) {
  desk_meetings_t *mt = d->meetings;
  if (!mt || mt->selected == id) return;
  mt->selected = id;
  /* The list shows the choice, however it was made. */
  mt->rebuilding = 1;
  GtkListBoxRow *row;
  for (int i = 0;
       (row = gtk_list_box_get_row_at_index(GTK_LIST_BOX(mt->list), i)); i++)
    if ((guint64)GPOINTER_TO_SIZE(g_object_get_data(G_OBJECT(row), "id")) == id)
      gtk_list_box_select_row(GTK_LIST_BOX(mt->list), row);
  mt->rebuilding = 0;
  free_meeting(mt->shown);
  mt->shown = NULL;
  gtk_label_set_text(GTK_LABEL(mt->note), "");
  show_detail(d);
  fetch_detail(d);
}

gboolean pcn_desk_meeting_detail_ready(pcn_desk *d) {
  return d->meetings && d->meetings->shown &&
         d->meetings->shown->meeting->id == d->meetings->selected;
}

/* ------------------------------------------------------------ registry */

/* Everyone. */
const desk_page meetings_page = {
    .id = "meetings",
    .title = "Meetings",
    .group = DESK_WORK,
    .icon = "x-office-calendar-symbolic",
    .view_new = meetings_view_new,
    .load = meetings_load,
    .on_event = meetings_on_event,
    .free = meetings_free,
};
