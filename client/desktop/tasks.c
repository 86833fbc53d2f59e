/* tasks.c - the Tasks view: every task the member may see, in a
 * GtkListView over sort and filter models (so 10,000 rows scroll and
 * filter without a widget each), sorted by due date with undated last,
 * overdue open tasks marked (the "overdue" style class on the row and the
 * word "Overdue" in it, not colour alone), recurring ones saying how
 * often; a status filter and a search (Ctrl+F); and the new-task window
 * (Ctrl+N). Issue 19: rows say the due date in words ("Tue 9 Dec"), the
 * practice and the assignee by name; the new-task window has a
 * description, the scopes the member may write for by name (perms.h),
 * a person picker, a date typed as people write it (words.h), and a
 * refusal's words under the field it concerns.
 *
 * Overdue is open and due before today's London date: the server's, from
 * each page it sends (TaskPage.today) and moved on by its reminders' time
 * (a task falling overdue is reminded), and until the first page the
 * London date of this computer's clock (tasks_set_today). A reminder to
 * this member (TaskReminder.to) is a notice.
 *
 * The model is loaded once, page by page, after the first connect, then
 * kept live from the feed: a task event replaces the row of that id when
 * its version is newer, so a row can never go back in time, whichever of
 * the page or the event arrives first.
 */
#include <stdio.h>
#include <string.h>

#include "deskpriv.h"
#include "perms.h"
#include "uktime.h"
#include "validate.h"
#include "words.h"

/* ------------------------------------------------------------ rows */

struct _PcnTaskRow {
  GObject parent;
  guint64 id;
  guint version;
  char *title, *due, *practice, *assignee;
  int closed;
  int every;   /* TaskRepeat */
  int pending; /* received, not yet in the store (see flush) */
};

G_DEFINE_TYPE(PcnTaskRow, pcn_task_row, G_TYPE_OBJECT)

static void pcn_task_row_finalize(GObject *o) {
  PcnTaskRow *r = PCN_TASK_ROW(o);
  g_free(r->title);
  g_free(r->due);
  g_free(r->practice);
  g_free(r->assignee);
  G_OBJECT_CLASS(pcn_task_row_parent_class)->finalize(o);
}

static void pcn_task_row_class_init(PcnTaskRowClass *k) {
  G_OBJECT_CLASS(k)->finalize = pcn_task_row_finalize;
}

static void pcn_task_row_init(PcnTaskRow *r) {
  (void)r;
}

guint64 pcn_task_row_id(PcnTaskRow *r) {
  return r->id;
}
const char *pcn_task_row_title(PcnTaskRow *r) {
  return r->title;
}
const char *pcn_task_row_due(PcnTaskRow *r) {
  return r->due;
}
gboolean pcn_task_row_closed(PcnTaskRow *r) {
  return r->closed;
}

static char today[11]; /* YYYY-MM-DD in London: the server's, once known */

/* Today is the server's London date when a page says (day), else the
 * London date of this computer's clock. */
static void tasks_set_today(const char *day) {
  if (day && strlen(day) == 10) {
    snprintf(today, sizeof today, "%s", day);
    return;
  }
  pcn_date_format(pcn_date_today(), today); /* the UK date (issue 20) */
}

gboolean pcn_task_row_overdue(PcnTaskRow *r) {
  return !r->closed && r->due[0] && strcmp(r->due, today) < 0;
}

static void row_set(PcnTaskRow *r, const Pcn__Task *t) {
  r->id = t->id;
  r->version = t->version;
  g_free(r->title);
  r->title = g_strdup(t->title);
  g_free(r->due);
  r->due = g_strdup(t->due);
  r->every = t->every;
  g_free(r->practice);
  r->practice = g_strdup(t->practice);
  g_free(r->assignee);
  r->assignee = g_strdup(t->assignee);
  r->closed = t->status == PCN__TASK_STATUS__TASK_CLOSED;
}

/* ------------------------------------------------------------ state */

struct desk_tasks {
  GListStore *store; /* PcnTaskRow, in no order */
  GHashTable *by_id; /* id -> PcnTaskRow (borrowed from store) */
  GtkCustomFilter *filter;
  GtkCustomSorter *sorter;
  GtkWidget *search, *status, *scope, *mine, *before, *list, *count;
  const char *me, *my_practice; /* the desk's, for the filters */
  GtkSortListModel *sorted;
  GtkFilterListModel *filtered;
  int loading;
  char after[64];
  GPtrArray *pending; /* new rows for the next flush (owns a reference) */
  guint flush_id;
  GtkWidget *dialog, *d_title, *d_due, *d_assignee, *d_scope, *d_error,
      *d_create;
  GtkWidget *d_body, *d_assign_on, *d_title_err, *d_due_err, *d_who_err,
      *d_scope_err;
  const char *d_scopes[2]; /* the scope drop-down's ODS codes, "" network */
};

static void refresh_count(pcn_desk *d) {
  desk_tasks *t = d->tasks;
  char buf[80];
  guint shown = g_list_model_get_n_items(G_LIST_MODEL(t->filtered));
  guint all = g_list_model_get_n_items(G_LIST_MODEL(t->store));
  snprintf(buf, sizeof buf, "%u of %u tasks%s", shown, all,
           t->loading ? " (loading…)" : "");
  gtk_label_set_text(GTK_LABEL(t->count), buf);
}

/* New rows reach the store in one splice per main-loop turn: the sort and
 * filter models then do one pass for a burst of events (or a page of 500)
 * instead of one pass per row, which made 10,000 arrivals quadratic. */
static gboolean flush(gpointer ud) {
  pcn_desk *d = ud;
  desk_tasks *t = d->tasks;
  t->flush_id = 0;
  if (t->pending->len) {
    for (guint i = 0; i < t->pending->len; i++)
      ((PcnTaskRow *)t->pending->pdata[i])->pending = 0;
    g_list_store_splice(t->store,
                        g_list_model_get_n_items(G_LIST_MODEL(t->store)), 0,
                        t->pending->pdata, t->pending->len);
    g_ptr_array_set_size(t->pending, 0);
  }
  refresh_count(d);
  return G_SOURCE_REMOVE;
}

static void schedule_flush(pcn_desk *d) {
  if (!d->tasks->flush_id)
    d->tasks->flush_id = g_idle_add_full(G_PRIORITY_DEFAULT, flush, d, NULL);
}

/* Inserts or replaces the row for task; never moves a row back in time. */
static void upsert(pcn_desk *d, const Pcn__Task *task) {
  desk_tasks *t = d->tasks;
  PcnTaskRow *r = g_hash_table_lookup(t->by_id, &task->id);
  if (r) {
    if (task->version < r->version) return;
    if (r->pending) { /* not shown yet: change it in place */
      row_set(r, task);
      return;
    }
    guint pos;
    if (!g_list_store_find(t->store, r, &pos)) return;
    /* A new object, so the sort and filter models see the change. */
    PcnTaskRow *n = g_object_new(PCN_TYPE_TASK_ROW, NULL);
    row_set(n, task);
    g_hash_table_replace(t->by_id, &n->id, n);
    g_list_store_splice(t->store, pos, 1, (gpointer *)&n, 1);
    g_object_unref(n);
  } else {
    r = g_object_new(PCN_TYPE_TASK_ROW, NULL);
    row_set(r, task);
    r->pending = 1;
    g_hash_table_insert(t->by_id, &r->id, r);
    g_ptr_array_add(t->pending, r);
    schedule_flush(d);
  }
}

/* The server's reminder: the day has moved on (rows are bound again with
 * the new today), and if it is to this member, a notice. */
static void on_reminder(pcn_desk *d, const Pcn__Event *ev) {
  const Pcn__TaskReminder *rem = ev->task_reminder;
  int y, mo, dd, h, mi;
  char day[11];
  pcn_london_from_utc(ev->at, &y, &mo, &dd, &h, &mi);
  snprintf(day, sizeof day, "%04u-%02u-%02u", (unsigned)y % 10000u,
           (unsigned)mo % 100u, (unsigned)dd % 100u);
  if (strcmp(day, today) > 0) {
    tasks_set_today(day);
    guint n = g_list_model_get_n_items(G_LIST_MODEL(d->tasks->store));
    g_list_model_items_changed(G_LIST_MODEL(d->tasks->store), 0, n, n);
  }
  if (strcmp(rem->to, d->username) != 0) return;
  char id[48], body[400];
  snprintf(id, sizeof id, "task-%s-%llu", rem->overdue ? "overdue" : "due",
           (unsigned long long)rem->task_id);
  char when[32];
  desk_date_words(rem->due, when, sizeof when, DESK_DATE_WEEKDAY);
  snprintf(body, sizeof body, "%s, due %s", rem->title, when);
  desk_notice(d, ev, id,
              rem->overdue ? "A task of yours is overdue"
                           : "A task of yours is due today",
              body);
}

void tasks_on_event(pcn_desk *d, const Pcn__Event *ev) {
  if (!d->tasks) return;
  if (ev->record_case == PCN__EVENT__RECORD_TASK_REMINDER) {
    on_reminder(d, ev);
    return;
  }
  if (ev->record_case != PCN__EVENT__RECORD_TASK) return;
  upsert(d, ev->task);
  schedule_flush(d);
}

static void load_page(pcn_desk *d);

static void on_page(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_tasks *t = d->tasks;
  if (r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_TASKS) {
    t->loading = 0; /* UNAVAILABLE: the reconnect loads again */
    refresh_count(d);
    return;
  }
  if (r->tasks->today[0]) tasks_set_today(r->tasks->today);
  for (size_t i = 0; i < r->tasks->n_tasks; i++)
    upsert(d, r->tasks->tasks[i]);
  snprintf(t->after, sizeof t->after, "%s", r->tasks->next);
  if (t->after[0])
    load_page(d);
  else
    t->loading = 0;
  refresh_count(d);
}

static void load_page(pcn_desk *d) {
  Pcn__TaskList l = PCN__TASK_LIST__INIT;
  l.limit = 500;
  l.after = d->tasks->after;
  l.assignee = "";
  l.due_before = "";
  l.practice = "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_LIST;
  req.task_list = &l;
  if (!pcn_client_call(d->cl, &req, on_page, d)) d->tasks->loading = 0;
}

void tasks_load(pcn_desk *d) {
  if (!d->tasks || d->tasks->loading) return;
  d->tasks->loading = 1;
  d->tasks->after[0] = 0;
  load_page(d);
  refresh_count(d);
}

/* ------------------------------------------------------------ view */

static int due_cmp(const PcnTaskRow *a, const PcnTaskRow *b) {
  if (!a->due[0] != !b->due[0]) return a->due[0] ? -1 : 1; /* undated last */
  int c = strcmp(a->due, b->due);
  if (c) return c;
  return a->id < b->id ? -1 : a->id > b->id;
}

static int sort_cb(gconstpointer a, gconstpointer b, gpointer ud) {
  (void)ud;
  return due_cmp(a, b);
}

/* The CLI's filters: status, scope (network or my practice), assignee
 * (me), due before a date; and a search over titles, people, practices. */
static gboolean filter_cb(gpointer item, gpointer ud) {
  desk_tasks *t = ud;
  PcnTaskRow *r = item;
  guint st = gtk_drop_down_get_selected(GTK_DROP_DOWN(t->status));
  if (st == 0 && r->closed) return FALSE;  /* Open */
  if (st == 1 && !r->closed) return FALSE; /* Closed */
  guint sc = gtk_drop_down_get_selected(GTK_DROP_DOWN(t->scope));
  if (sc == 1 && r->practice[0]) return FALSE; /* Network-wide */
  if (sc == 2 && (!r->practice[0] || strcmp(r->practice, t->my_practice)))
    return FALSE; /* My practice */
  if (gtk_check_button_get_active(GTK_CHECK_BUTTON(t->mine)) &&
      strcmp(r->assignee, t->me) != 0)
    return FALSE;
  char before[11];
  if (desk_date_entry_get(t->before, before, NULL) == 0 &&
      (!r->due[0] || strcmp(r->due, before) >= 0))
    return FALSE; /* due before: a date as people type it (words.h) */
  const char *q = gtk_editable_get_text(GTK_EDITABLE(t->search));
  if (q[0]) {
    char *hay = g_utf8_casefold(r->title, -1), *needle = g_utf8_casefold(q, -1);
    gboolean hit = strstr(hay, needle) != NULL ||
                   strstr(r->assignee, q) != NULL ||
                   strstr(r->practice, q) != NULL;
    g_free(hay);
    g_free(needle);
    if (!hit) return FALSE;
  }
  return TRUE;
}

static void refilter(pcn_desk *d) {
  gtk_filter_changed(GTK_FILTER(d->tasks->filter), GTK_FILTER_CHANGE_DIFFERENT);
  refresh_count(d);
}

static void on_search(GtkSearchEntry *e, gpointer ud) {
  (void)e;
  refilter(ud);
}

static void on_filter_widget(GtkWidget *w, gpointer ud) {
  (void)w;
  refilter(ud);
}

static void on_status(GObject *o, GParamSpec *p, gpointer ud) {
  (void)o;
  (void)p;
  refilter(ud);
}

static void task_setup(GtkSignalListItemFactory *f, GtkListItem *item,
                       gpointer ud) {
  (void)f;
  (void)ud;
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_start(box, 12);
  gtk_widget_set_margin_end(box, 12);
  gtk_widget_set_margin_top(box, 6);
  gtk_widget_set_margin_bottom(box, 6);
  GtkWidget *due = gtk_label_new(NULL);
  gtk_label_set_width_chars(GTK_LABEL(due), 14); /* "Tue 9 Dec 2031" */
  gtk_label_set_xalign(GTK_LABEL(due), 0);
  GtkWidget *title = gtk_label_new(NULL);
  gtk_label_set_xalign(GTK_LABEL(title), 0);
  gtk_label_set_ellipsize(GTK_LABEL(title), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand(title, TRUE);
  GtkWidget *meta = gtk_label_new(NULL);
  gtk_widget_add_css_class(meta, "dim-label");
  gtk_box_append(GTK_BOX(box), due);
  gtk_box_append(GTK_BOX(box), title);
  gtk_box_append(GTK_BOX(box), meta);
  gtk_list_item_set_child(item, box);
}

static void task_bind(GtkSignalListItemFactory *f, GtkListItem *item,
                      gpointer ud) {
  (void)f;
  pcn_desk *d = ud;
  PcnTaskRow *r = gtk_list_item_get_item(item);
  GtkWidget *box = gtk_list_item_get_child(item);
  GtkWidget *due = gtk_widget_get_first_child(box);
  GtkWidget *title = gtk_widget_get_next_sibling(due);
  GtkWidget *meta = gtk_widget_get_next_sibling(title);
  char when[32];
  desk_date_words(r->due, when, sizeof when, DESK_DATE_WEEKDAY);
  gtk_label_set_text(GTK_LABEL(due), r->due[0] ? when : "—");
  int overdue = pcn_task_row_overdue(r);
  if (overdue) {
    gtk_widget_add_css_class(box, "overdue");
    gtk_widget_add_css_class(due, "error");
    gtk_widget_set_tooltip_text(due, "Overdue");
  } else {
    gtk_widget_remove_css_class(box, "overdue");
    gtk_widget_remove_css_class(due, "error");
    gtk_widget_set_tooltip_text(due, NULL);
  }
  gtk_label_set_text(GTK_LABEL(title), r->title);
  if (r->closed)
    gtk_widget_add_css_class(title, "dim-label");
  else
    gtk_widget_remove_css_class(title, "dim-label");
  static const char *const every[] = {"", " · every week", " · every month",
                                      " · every quarter"};
  char buf[160];
  snprintf(buf, sizeof buf, "%s%s%s%s%s%s", overdue ? "Overdue · " : "",
           r->practice[0] ? desk_practice_words(d, r->practice)
                          : "Whole network",
           r->assignee[0] ? " · " : "",
           r->assignee[0] ? desk_person_words(d, r->assignee) : "",
           every[r->every >= 0 && r->every < 4 ? r->every : 0],
           r->closed ? " · closed" : "");
  gtk_label_set_text(GTK_LABEL(meta), buf);
}

static void on_activate(GtkListView *lv, guint pos, gpointer ud) {
  (void)lv;
  pcn_desk *d = ud;
  PcnTaskRow *r = g_list_model_get_item(G_LIST_MODEL(d->tasks->sorted), pos);
  if (!r) return;
  taskwin_open(d, r->id);
  g_object_unref(r);
}

static void on_new_clicked(GtkButton *b, gpointer ud) {
  (void)b;
  tasks_new_dialog(ud);
}

GtkWidget *tasks_view_new(pcn_desk *d) {
  tasks_set_today(NULL);

  desk_tasks *t = g_new0(desk_tasks, 1);
  d->tasks = t;
  t->store = g_list_store_new(PCN_TYPE_TASK_ROW);
  t->by_id = g_hash_table_new(g_int64_hash, g_int64_equal);
  t->pending = g_ptr_array_new_with_free_func(g_object_unref);

  t->search = gtk_search_entry_new();
  gtk_widget_set_name(t->search, "Search tasks");
  gtk_widget_set_hexpand(t->search, TRUE);
  g_object_set(t->search, "placeholder-text",
               "Search titles, people, practices", NULL); /* GTK 4.8 */
  gtk_accessible_update_property(GTK_ACCESSIBLE(t->search),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Search tasks",
                                 -1);
  g_signal_connect(t->search, "search-changed", G_CALLBACK(on_search), d);
  const char *states[] = {"Open", "Closed", "All", NULL};
  t->status = gtk_drop_down_new_from_strings(states);
  gtk_accessible_update_property(GTK_ACCESSIBLE(t->status),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                 "Show tasks that are", -1);
  g_signal_connect(t->status, "notify::selected", G_CALLBACK(on_status), d);
  GtkWidget *add = gtk_button_new_with_mnemonic("_New task");
  gtk_widget_add_css_class(add, "suggested-action");
  gtk_widget_set_tooltip_text(add, "New task (Ctrl+N)");
  g_signal_connect(add, "clicked", G_CALLBACK(on_new_clicked), d);
  GtkWidget *bar = desk_bar();
  gtk_box_append(GTK_BOX(bar), t->search);
  gtk_box_append(GTK_BOX(bar), t->status);
  const char *scopes[] = {"All scopes", "Network-wide", "My practice", NULL};
  t->scope = gtk_drop_down_new_from_strings(scopes);
  gtk_widget_set_name(t->scope, "Scope");
  gtk_accessible_update_property(GTK_ACCESSIBLE(t->scope),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Scope", -1);
  g_signal_connect(t->scope, "notify::selected", G_CALLBACK(on_status), d);
  t->mine = gtk_check_button_new_with_mnemonic("_Mine");
  gtk_widget_set_tooltip_text(t->mine, "Only tasks assigned to me");
  g_signal_connect(t->mine, "toggled", G_CALLBACK(on_filter_widget), d);
  t->before = desk_date_entry_new("Due before");
  gtk_widget_set_hexpand(t->before, FALSE);
  gtk_widget_set_hexpand(desk_date_entry_text(t->before), FALSE);
  gtk_editable_set_width_chars(GTK_EDITABLE(desk_date_entry_text(t->before)),
                               11);
  gtk_entry_set_placeholder_text(GTK_ENTRY(desk_date_entry_text(t->before)),
                                 "Due before");
  g_signal_connect(desk_date_entry_text(t->before), "changed",
                   G_CALLBACK(on_filter_widget), d);
  gtk_box_append(GTK_BOX(bar), t->scope);
  gtk_box_append(GTK_BOX(bar), t->mine);
  gtk_box_append(GTK_BOX(bar), t->before);
  t->me = d->username;
  t->my_practice = d->practice;
  gtk_box_append(GTK_BOX(bar), add);

  t->filter = gtk_custom_filter_new(filter_cb, t, NULL);
  t->sorter = gtk_custom_sorter_new(sort_cb, NULL, NULL);
  t->filtered = gtk_filter_list_model_new(G_LIST_MODEL(g_object_ref(t->store)),
                                          GTK_FILTER(g_object_ref(t->filter)));
  t->sorted = gtk_sort_list_model_new(G_LIST_MODEL(g_object_ref(t->filtered)),
                                      GTK_SORTER(g_object_ref(t->sorter)));
  GtkListItemFactory *f = gtk_signal_list_item_factory_new();
  g_signal_connect(f, "setup", G_CALLBACK(task_setup), d);
  g_signal_connect(f, "bind", G_CALLBACK(task_bind), d);
  GtkSingleSelection *sel =
      gtk_single_selection_new(G_LIST_MODEL(g_object_ref(t->sorted)));
  t->list = gtk_list_view_new(GTK_SELECTION_MODEL(sel), f);
  gtk_widget_set_name(t->list, "Tasks");
  /* Enter or a double click opens the task. */
  g_signal_connect(t->list, "activate", G_CALLBACK(on_activate), d);
  gtk_accessible_update_property(GTK_ACCESSIBLE(t->list),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                 "Tasks by due date", -1);
  GtkWidget *scroll = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), t->list);
  gtk_widget_set_vexpand(scroll, TRUE);
  t->count = gtk_label_new(NULL);
  gtk_label_set_xalign(GTK_LABEL(t->count), 0);
  gtk_widget_add_css_class(t->count, "dim-label");
  gtk_widget_set_margin_start(t->count, 12);
  gtk_widget_set_margin_bottom(t->count, 6);

  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append(GTK_BOX(box), bar);
  gtk_box_append(GTK_BOX(box), scroll);
  gtk_box_append(GTK_BOX(box), t->count);
  refresh_count(d);
  return box;
}

void tasks_free(pcn_desk *d) {
  desk_tasks *t = d->tasks;
  if (!t) return;
  if (t->dialog) gtk_window_destroy(GTK_WINDOW(t->dialog));
  if (t->flush_id) g_source_remove(t->flush_id);
  g_ptr_array_unref(t->pending);
  g_hash_table_destroy(t->by_id);
  g_object_unref(t->sorted);
  g_object_unref(t->filtered);
  g_object_unref(t->filter);
  g_object_unref(t->sorter);
  g_object_unref(t->store);
  g_free(t);
  d->tasks = NULL;
}

void tasks_focus_search(pcn_desk *d) {
  if (d->tasks) gtk_widget_grab_focus(d->tasks->search);
}

GListModel *pcn_desk_tasks(pcn_desk *d) {
  return d->tasks ? G_LIST_MODEL(d->tasks->sorted) : NULL;
}

/* ------------------------------------------------------------ new task */

/* Clears every field's refusal. */
static void form_clear(desk_tasks *t) {
  desk_field_error(t->d_title, t->d_title_err, NULL);
  desk_field_error(desk_date_entry_text(t->d_due), t->d_due_err, NULL);
  desk_field_error(t->d_assignee, t->d_who_err, NULL);
  desk_field_error(t->d_scope, t->d_scope_err, NULL);
  gtk_widget_set_visible(t->d_error, FALSE);
}

/* A refusal's words under the field it names (StatusDetails.field), or
 * under the form when it names none of them. */
static void form_refused(desk_tasks *t, const Pcn__Status *st) {
  const char *field =
      st->details && st->details->field ? st->details->field : "";
  if (!strcmp(field, "title"))
    desk_field_error(t->d_title, t->d_title_err, st);
  else if (!strcmp(field, "due"))
    desk_field_error(desk_date_entry_text(t->d_due), t->d_due_err, st);
  else if (!strcmp(field, "assignee"))
    desk_field_error(t->d_assignee, t->d_who_err, st);
  else if (!strcmp(field, "practice"))
    desk_field_error(t->d_scope, t->d_scope_err, st);
  else {
    char words[600];
    desk_error_words(st, words, sizeof words);
    desk_say(t->d_error, words);
  }
}

static void on_created(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_tasks *t = d->tasks;
  if (!t || !t->dialog) return;
  gtk_widget_set_sensitive(t->d_create, TRUE);
  if (r->status->code == PCN__STATUS_CODE__OK) {
    if (r->body_case == PCN__RESPONSE__BODY_TASK) upsert(d, r->task);
    refresh_count(d);
    gtk_window_destroy(GTK_WINDOW(t->dialog));
    return;
  }
  form_refused(t, r->status);
}

static void on_create(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  desk_tasks *t = d->tasks;
  form_clear(t);
  char due[11];
  const char *why = NULL;
  if (desk_date_entry_get(t->d_due, due, &why) < 0) {
    Pcn__Status st = PCN__STATUS__INIT;
    st.code = PCN__STATUS_CODE__INVALID_ARGUMENT;
    st.message = (char *)(why ? why : "Type the due date as 9/12/2026.");
    desk_field_error(desk_date_entry_text(t->d_due), t->d_due_err, &st);
    return;
  }
  const char *who =
      gtk_check_button_get_active(GTK_CHECK_BUTTON(t->d_assign_on))
          ? desk_person_picker_get(t->d_assignee)
          : NULL;
  GtkTextBuffer *buf = gtk_text_view_get_buffer(GTK_TEXT_VIEW(t->d_body));
  GtkTextIter bs, be;
  gtk_text_buffer_get_bounds(buf, &bs, &be);
  char *body = gtk_text_buffer_get_text(buf, &bs, &be, FALSE);
  guint sc = gtk_drop_down_get_selected(GTK_DROP_DOWN(t->d_scope));
  Pcn__TaskCreate c = PCN__TASK_CREATE__INIT;
  c.title = (char *)gtk_editable_get_text(GTK_EDITABLE(t->d_title));
  c.body = body;
  c.due = due;
  c.assignee = (char *)(who ? who : "");
  c.practice = (char *)(sc < 2 && t->d_scopes[sc] ? t->d_scopes[sc] : "");
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_CREATE;
  req.task_create = &c;
  desk_form_send(d, &req, on_created, t->d_create, t->d_error);
  g_free(body);
}

static void on_dialog_destroy(GtkWidget *w, gpointer ud) {
  (void)w;
  pcn_desk *d = ud;
  if (d->tasks) d->tasks->dialog = NULL;
}

/* Typing into a refused field takes its refusal away. */
static void on_field_edited(GtkEditable *e, gpointer label) {
  desk_field_error(GTK_WIDGET(e), label, NULL);
}

/* The date entry marks what it cannot read itself (words.h): only the
 * words under it go. */
static void on_due_edited(GtkEditable *e, gpointer label) {
  (void)e;
  gtk_widget_set_visible(label, FALSE);
}

static void on_assign_toggled(GtkCheckButton *b, gpointer ud) {
  desk_tasks *t = ud;
  gtk_widget_set_sensitive(t->d_assignee, gtk_check_button_get_active(b));
}

/* The picker offers those who can see a task of the scope chosen: for a
 * practice's task its own people (the server refuses anyone else), for a
 * network task everyone. Made again when the scope changes. */
static void assignee_picker(pcn_desk *d, GtkWidget *grid) {
  desk_tasks *t = d->tasks;
  guint sc = gtk_drop_down_get_selected(GTK_DROP_DOWN(t->d_scope));
  const char *ods = sc < 2 && t->d_scopes[sc] ? t->d_scopes[sc] : "";
  if (t->d_assignee) gtk_grid_remove(GTK_GRID(grid), t->d_assignee);
  t->d_assignee = desk_person_picker_new(d, ods[0] ? ods : NULL);
  gtk_widget_set_name(t->d_assignee, "Assign to");
  gtk_accessible_update_property(GTK_ACCESSIBLE(t->d_assignee),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Assign to",
                                 -1);
  gtk_widget_set_hexpand(t->d_assignee, TRUE);
  gtk_widget_set_sensitive(
      t->d_assignee,
      gtk_check_button_get_active(GTK_CHECK_BUTTON(t->d_assign_on)));
  gtk_grid_attach(GTK_GRID(grid), t->d_assignee, 1, 5, 1, 1);
}

static void on_scope_changed(GObject *o, GParamSpec *p, gpointer ud) {
  (void)o;
  (void)p;
  pcn_desk *d = ud;
  if (d->tasks && d->tasks->dialog)
    assignee_picker(d, desk_form_grid(d->tasks->dialog));
}

/* An error label under a field, in column 1 of row. */
static GtkWidget *under(GtkWidget *grid, int row) {
  GtkWidget *l = gtk_label_new(NULL);
  gtk_label_set_wrap(GTK_LABEL(l), TRUE);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  gtk_widget_set_visible(l, FALSE);
  gtk_grid_attach(GTK_GRID(grid), l, 1, row, 1, 1);
  return l;
}

void tasks_new_dialog(pcn_desk *d) {
  desk_tasks *t = d->tasks;
  if (!t) return;
  if (t->dialog) {
    gtk_window_present(GTK_WINDOW(t->dialog));
    return;
  }
  GtkWidget *grid = gtk_grid_new();
  t->dialog = desk_form(d, "New task", NULL, 520, grid);
  g_signal_connect(t->dialog, "destroy", G_CALLBACK(on_dialog_destroy), d);
  /* Escape cancels (desk_form); Enter in a one-line field creates. */
  t->d_title =
      desk_field(grid, 0, "_Title", desk_entry("Title", "What needs doing", 0));
  t->d_title_err = under(grid, 1);
  t->d_body = gtk_text_view_new();
  gtk_widget_set_name(t->d_body, "Description");
  gtk_text_view_set_wrap_mode(GTK_TEXT_VIEW(t->d_body), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin(GTK_TEXT_VIEW(t->d_body), 6);
  gtk_text_view_set_top_margin(GTK_TEXT_VIEW(t->d_body), 6);
  gtk_accessible_update_property(GTK_ACCESSIBLE(t->d_body),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Description",
                                 -1);
  GtkWidget *bscroll = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(bscroll), t->d_body);
  gtk_scrolled_window_set_min_content_height(GTK_SCROLLED_WINDOW(bscroll), 90);
  gtk_widget_add_css_class(bscroll, "card");
  desk_field(grid, 2, "D_escription", bscroll);
  gtk_label_set_mnemonic_widget(
      GTK_LABEL(gtk_grid_get_child_at(GTK_GRID(grid), 0, 2)), t->d_body);
  /* The scopes the member may write for, by name (the server's table). */
  const char *names[3] = {NULL, NULL, NULL};
  guint n = 0;
  t->d_scopes[0] = t->d_scopes[1] = NULL;
  if (d->practice[0] &&
      desk_may(d, PCN__REQUEST__BODY_TASK_CREATE, d->practice, FALSE, NULL)) {
    t->d_scopes[n] = d->practice; /* a practice's own people write for it */
    names[n++] = desk_practice_words(d, d->practice);
  }
  if (desk_may(d, PCN__REQUEST__BODY_TASK_CREATE, "", FALSE, NULL)) {
    t->d_scopes[n] = "";
    names[n++] = "Whole network";
  }
  if (!n) { /* nothing allowed: the server will say why */
    t->d_scopes[n] = d->practice;
    names[n++] =
        d->practice[0] ? desk_practice_words(d, d->practice) : "Whole network";
  }
  t->d_scope = gtk_drop_down_new_from_strings(names);
  gtk_widget_set_name(t->d_scope, "Who sees it");
  if (n < 2) {
    const char *why = "The network's people write for the whole network.";
    if (d->practice[0])
      desk_may(d, PCN__REQUEST__BODY_TASK_CREATE, "", FALSE, &why);
    gtk_widget_set_sensitive(t->d_scope, FALSE);
    gtk_widget_set_tooltip_text(t->d_scope, why);
  }
  gtk_accessible_update_property(GTK_ACCESSIBLE(t->d_scope),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Who sees it",
                                 -1);
  desk_field(grid, 3, "_Seen by", t->d_scope);
  t->d_scope_err = under(grid, 4);
  /* The assignee from a list of names, not a typed username. */
  t->d_assign_on = gtk_check_button_new_with_mnemonic("_Assign to");
  gtk_widget_set_name(t->d_assign_on, "Assign");
  gtk_widget_set_halign(t->d_assign_on, GTK_ALIGN_END);
  t->d_assignee = NULL;
  assignee_picker(d, grid);
  g_signal_connect(t->d_assign_on, "toggled", G_CALLBACK(on_assign_toggled), t);
  g_signal_connect(t->d_scope, "notify::selected", G_CALLBACK(on_scope_changed),
                   d);
  gtk_grid_attach(GTK_GRID(grid), t->d_assign_on, 0, 5, 1, 1);
  t->d_who_err = under(grid, 6);
  t->d_due = desk_date_entry_new("Due date");
  desk_field(grid, 7, "_Due", t->d_due);
  gtk_label_set_mnemonic_widget(
      GTK_LABEL(gtk_grid_get_child_at(GTK_GRID(grid), 0, 7)),
      desk_date_entry_text(t->d_due));
  t->d_due_err = under(grid, 8);
  g_signal_connect(t->d_title, "changed", G_CALLBACK(on_field_edited),
                   t->d_title_err);
  g_signal_connect(desk_date_entry_text(t->d_due), "changed",
                   G_CALLBACK(on_due_edited), t->d_due_err);
  t->d_error = desk_form_error(grid, 9, 0);
  t->d_create = desk_form_go(t->dialog, "_Create", G_CALLBACK(on_create), d);
  gtk_entry_set_activates_default(GTK_ENTRY(t->d_title), TRUE);
  gtk_entry_set_activates_default(GTK_ENTRY(desk_date_entry_text(t->d_due)),
                                  TRUE);
  gtk_window_present(GTK_WINDOW(t->dialog));
}

GtkWindow *pcn_desk_new_task_window(pcn_desk *d) {
  return d->tasks && d->tasks->dialog ? GTK_WINDOW(d->tasks->dialog) : NULL;
}

/* ------------------------------------------------------------ registry */

/* What waits on the member: their open tasks past their due date. */
static unsigned tasks_needs_me(pcn_desk *d) {
  desk_tasks *t = d->tasks;
  if (!t || !d->username[0]) return 0;
  unsigned n = 0;
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init(&it, t->by_id);
  while (g_hash_table_iter_next(&it, NULL, &v)) {
    PcnTaskRow *r = v;
    n += !strcmp(r->assignee, d->username) && pcn_task_row_overdue(r);
  }
  return n;
}

/* Ctrl+N opens the new-task window on the Tasks page, wherever the window
 * is; Ctrl+F is the shell's (shell.c): the search of the page shown. */
static void act_new_task(GSimpleAction *a, GVariant *p, gpointer ud) {
  (void)a;
  (void)p;
  desk_show_page(ud, "tasks");
  tasks_new_dialog(ud);
}

static void tasks_actions(pcn_desk *d) {
  const GActionEntry entries[] = {
      {"new-task", act_new_task, NULL, NULL, NULL, {0}},
  };
  g_action_map_add_action_entries(G_ACTION_MAP(d->window), entries,
                                  G_N_ELEMENTS(entries), d);
  const char *new_task[] = {"<Control>n", NULL};
  gtk_application_set_accels_for_action(d->app, "win.new-task", new_task);
}

/* Everyone. */
const desk_page tasks_page = {
    .id = "tasks",
    .title = "Tasks",
    .group = DESK_WORK,
    .icon = "task-due-symbolic",
    .view_new = tasks_view_new,
    .load = tasks_load,
    .on_event = tasks_on_event,
    .free = tasks_free,
    .actions = tasks_actions,
    .search = tasks_focus_search,
    .needs_me = tasks_needs_me,
};
