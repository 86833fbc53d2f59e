/* feedview.c - the Feed page (issue 19 moved it out of desk.c): a
 * GtkListView over d->feed, a GListStore of PcnFeedRow, newest first,
 * through the Show / practice / "Concerns me" filters (d->feed_shown). It
 * scrolls a long history without a widget per event: rows enter the model
 * once per main-loop turn in one splice (feed_flush).
 */
#include <stdio.h>
#include <string.h>

#include "deskpriv.h"

/* ------------------------------------------------------------ rows */

struct _PcnFeedRow {
  GObject parent;
  guint64 seq, task;
  char *text, *meta;
  int area;             /* Pcn__Event__RecordCase */
  char *practice, *who; /* the record's practice; a task's assignee */
  char *audience;       /* who the server sent it to (feed.h) */
};

G_DEFINE_TYPE(PcnFeedRow, pcn_feed_row, G_TYPE_OBJECT)

static void pcn_feed_row_finalize(GObject *o) {
  PcnFeedRow *r = PCN_FEED_ROW(o);
  g_free(r->text);
  g_free(r->meta);
  g_free(r->practice);
  g_free(r->who);
  g_free(r->audience);
  G_OBJECT_CLASS(pcn_feed_row_parent_class)->finalize(o);
}

static void pcn_feed_row_class_init(PcnFeedRowClass *k) {
  G_OBJECT_CLASS(k)->finalize = pcn_feed_row_finalize;
}

static void pcn_feed_row_init(PcnFeedRow *r) {
  (void)r;
}

guint64 pcn_feed_row_seq(PcnFeedRow *r) {
  return r->seq;
}
const char *pcn_feed_row_text(PcnFeedRow *r) {
  return r->text;
}
const char *pcn_feed_row_meta(PcnFeedRow *r) {
  return r->meta;
}
guint64 pcn_feed_row_task(PcnFeedRow *r) {
  return r->task;
}

PcnFeedRow *feed_row_from_event(const Pcn__Event *ev) {
  PcnFeedRow *r = g_object_new(PCN_TYPE_FEED_ROW, NULL);
  char what[1200];
  pcn_event_describe(ev, what, sizeof what);
  r->seq = ev->seq;
  r->text = g_strdup(what);
  GDateTime *t = desk_london_time(ev->at);
  char *when = t ? g_date_time_format(t, "%Y-%m-%d %H:%M") : g_strdup("");
  r->meta = g_strdup_printf("#%" G_GUINT64_FORMAT " · %s · %s", ev->seq,
                            ev->actor[0] ? ev->actor : "server", when);
  g_free(when);
  if (t) g_date_time_unref(t);
  r->area = ev->record_case;
  const char *practice = "", *who = "";
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_TASK:
    r->task = ev->task->id;
    practice = ev->task->practice;
    who = ev->task->assignee;
    break;
  case PCN__EVENT__RECORD_COMMENT: r->task = ev->comment->task_id; break;
  case PCN__EVENT__RECORD_PRACTICE: practice = ev->practice->ods; break;
  case PCN__EVENT__RECORD_MEMBER:
    practice = ev->member->practice;
    who = ev->member->username;
    break;
  default: break;
  }
  r->practice = g_strdup(practice);
  r->who = g_strdup(who);
  r->audience = g_strdup(ev->audience);
  return r;
}

/* The feed's areas: the Show menu's entries, each a range of event record
 * numbers (proto/pcn.proto gives each area its range), and the page an
 * event of the area opens. */
static const struct feed_area {
  const char *label;
  int lo, hi;
  const char *page;
} feed_areas[] = {
    {"Everything", 0, 0, NULL},
    {"Tasks", PCN__EVENT__RECORD_TASK, PCN__EVENT__RECORD_TASK, "tasks"},
    {"Comments", PCN__EVENT__RECORD_COMMENT, PCN__EVENT__RECORD_COMMENT,
     "tasks"},
    {"Asks", 20, 24, "asks"},
    {"News", 25, 29, "news"},
    {"Decisions", 30, 34, "decisions"},
    {"Responsibilities", 35, 39, "duties"},
    {"Meetings", 40, 44, "meetings"},
    {"Funds", 45, 54, "funds"},
    {"Shared staff", 55, 59, "staff"},
    {"Practices", PCN__EVENT__RECORD_PRACTICE, PCN__EVENT__RECORD_PRACTICE,
     "practices"},
    {"Members", PCN__EVENT__RECORD_MEMBER, PCN__EVENT__RECORD_MEMBER,
     "members"},
    {"Network settings", PCN__EVENT__RECORD_SETTINGS,
     PCN__EVENT__RECORD_SETTINGS, "network"},
};

static const struct feed_area *area_of(int record_case) {
  for (size_t i = 1; i < G_N_ELEMENTS(feed_areas); i++)
    if (record_case >= feed_areas[i].lo && record_case <= feed_areas[i].hi)
      return &feed_areas[i];
  return NULL;
}

/* Whether an audience names practice (whole codes; "" names nobody). */
static int audience_names(const char *aud, const char *practice) {
  size_t n = strlen(practice);
  if (!n || !aud[0]) return 0;
  if (aud[0] != '+') return !strcmp(aud, practice);
  for (const char *p = aud + 1; *p;) {
    const char *e = strchr(p, ',');
    size_t k = e ? (size_t)(e - p) : strlen(p);
    if (k == n && !memcmp(p, practice, n)) return 1;
    p += k + (e != NULL);
  }
  return 0;
}

/* ------------------------------------------------------------ the view */

/* Feed rows, like task rows, enter the model once per main-loop turn,
 * newest first, in one splice (tasks.c says why). */
gboolean feed_flush(gpointer ud) {
  pcn_desk *d = ud;
  d->feed_flush_id = 0;
  guint n = d->feed_pending->len;
  if (!n) return G_SOURCE_REMOVE;
  /* Someone reading the newest events keeps seeing the newest; someone
   * scrolled down into history is not moved. */
  GtkAdjustment *adj =
      gtk_scrolled_window_get_vadjustment(GTK_SCROLLED_WINDOW(d->feed_scroll));
  int at_top = gtk_adjustment_get_value(adj) <= 1.0;
  gpointer *rev = g_new(gpointer, n);
  for (guint i = 0; i < n; i++)
    rev[i] = d->feed_pending->pdata[n - 1 - i];
  g_list_store_splice(d->feed, 0, 0, rev, n);
  g_free(rev);
  g_ptr_array_set_size(d->feed_pending, 0);
  /* GtkListView keeps its anchor on the row that was on top; move it to
   * the new one (GTK 4.8 has the action, not gtk_list_view_scroll_to). */
  if (at_top)
    gtk_widget_activate_action(d->feed_list, "list.scroll-to-item", "u", 0);
  if (d->on_rows) d->on_rows(d->on_rows_ud);
  return G_SOURCE_REMOVE;
}

static void feed_setup(GtkSignalListItemFactory *f, GtkListItem *item,
                       gpointer ud) {
  (void)f;
  (void)ud;
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_start(box, 12);
  gtk_widget_set_margin_end(box, 12);
  gtk_widget_set_margin_top(box, 6);
  gtk_widget_set_margin_bottom(box, 6);
  GtkWidget *text = gtk_label_new(NULL);
  gtk_label_set_xalign(GTK_LABEL(text), 0);
  gtk_label_set_wrap(GTK_LABEL(text), TRUE);
  GtkWidget *meta = gtk_label_new(NULL);
  gtk_label_set_xalign(GTK_LABEL(meta), 0);
  gtk_widget_add_css_class(meta, "dim-label");
  gtk_widget_add_css_class(meta, "caption");
  gtk_box_append(GTK_BOX(box), text);
  gtk_box_append(GTK_BOX(box), meta);
  gtk_list_item_set_child(item, box);
}

static void feed_bind(GtkSignalListItemFactory *f, GtkListItem *item,
                      gpointer ud) {
  (void)f;
  (void)ud;
  PcnFeedRow *r = gtk_list_item_get_item(item);
  GtkWidget *box = gtk_list_item_get_child(item);
  GtkWidget *text = gtk_widget_get_first_child(box);
  GtkWidget *meta = gtk_widget_get_next_sibling(text);
  gtk_label_set_text(GTK_LABEL(text), r->text);
  gtk_label_set_text(GTK_LABEL(meta), r->meta);
}

/* The feed's filters: area, practice, and "concerns me" (a task assigned
 * to me, anything of my practice, or sent to my practice in particular). */
static gboolean feed_filter(gpointer item, gpointer ud) {
  pcn_desk *d = ud;
  PcnFeedRow *r = item;
  guint a = gtk_drop_down_get_selected(GTK_DROP_DOWN(d->feed_area));
  if (a > 0 && a < G_N_ELEMENTS(feed_areas) &&
      (r->area < feed_areas[a].lo || r->area > feed_areas[a].hi))
    return FALSE;
  const char *ods = gtk_editable_get_text(GTK_EDITABLE(d->feed_practice));
  if (ods[0] && g_ascii_strcasecmp(ods, r->practice) != 0) {
    char up[16];
    g_strlcpy(up, ods, sizeof up);
    for (char *p = up; *p; p++)
      *p = g_ascii_toupper(*p);
    if (!audience_names(r->audience, up)) return FALSE;
  }
  if (gtk_check_button_get_active(GTK_CHECK_BUTTON(d->feed_mine)) &&
      !((d->username[0] && !strcmp(r->who, d->username)) ||
        (d->practice[0] && !strcmp(r->practice, d->practice)) ||
        audience_names(r->audience, d->practice)))
    return FALSE;
  return TRUE;
}

static void feed_refilter(pcn_desk *d) {
  gtk_filter_changed(GTK_FILTER(d->feed_filter), GTK_FILTER_CHANGE_DIFFERENT);
}
static void on_feed_area(GObject *o, GParamSpec *p, gpointer ud) {
  (void)o;
  (void)p;
  feed_refilter(ud);
}
static void on_feed_changed(GtkWidget *w, gpointer ud) {
  (void)w;
  feed_refilter(ud);
}

/* Activating an event opens its record: a task's window, or its area's
 * page. */
static void on_feed_activate(GtkListView *lv, guint pos, gpointer ud) {
  (void)lv;
  pcn_desk *d = ud;
  PcnFeedRow *r = g_list_model_get_item(G_LIST_MODEL(d->feed_shown), pos);
  if (!r) return;
  const struct feed_area *fa = area_of(r->area);
  if (r->task)
    taskwin_open(d, r->task);
  else if (fa && fa->page)
    desk_show_page(d, fa->page);
  g_object_unref(r);
}

GtkWidget *feed_view(pcn_desk *d) {
  const char *areas[G_N_ELEMENTS(feed_areas) + 1];
  for (size_t i = 0; i < G_N_ELEMENTS(feed_areas); i++)
    areas[i] = feed_areas[i].label;
  areas[G_N_ELEMENTS(feed_areas)] = NULL;
  d->feed_area = gtk_drop_down_new_from_strings(areas);
  gtk_widget_set_name(d->feed_area, "Show");
  gtk_accessible_update_property(GTK_ACCESSIBLE(d->feed_area),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Show", -1);
  g_signal_connect(d->feed_area, "notify::selected", G_CALLBACK(on_feed_area),
                   d);
  d->feed_practice = gtk_entry_new();
  gtk_widget_set_name(d->feed_practice, "Practice filter");
  gtk_entry_set_placeholder_text(GTK_ENTRY(d->feed_practice),
                                 "Practice (ODS code)");
  gtk_editable_set_width_chars(GTK_EDITABLE(d->feed_practice), 18);
  gtk_accessible_update_property(GTK_ACCESSIBLE(d->feed_practice),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                 "Only this practice", -1);
  g_signal_connect(d->feed_practice, "changed", G_CALLBACK(on_feed_changed), d);
  d->feed_mine = gtk_check_button_new_with_mnemonic("_Concerns me");
  g_signal_connect(d->feed_mine, "toggled", G_CALLBACK(on_feed_changed), d);
  GtkWidget *bar = desk_bar();
  gtk_box_append(GTK_BOX(bar), d->feed_area);
  gtk_box_append(GTK_BOX(bar), d->feed_practice);
  gtk_box_append(GTK_BOX(bar), d->feed_mine);

  GtkListItemFactory *f = gtk_signal_list_item_factory_new();
  g_signal_connect(f, "setup", G_CALLBACK(feed_setup), d);
  g_signal_connect(f, "bind", G_CALLBACK(feed_bind), d);
  d->feed_filter = gtk_custom_filter_new(feed_filter, d, NULL);
  d->feed_shown =
      gtk_filter_list_model_new(G_LIST_MODEL(g_object_ref(d->feed)),
                                GTK_FILTER(g_object_ref(d->feed_filter)));
  GtkNoSelection *sel =
      gtk_no_selection_new(G_LIST_MODEL(g_object_ref(d->feed_shown)));
  GtkWidget *list = gtk_list_view_new(GTK_SELECTION_MODEL(sel), f);
  g_signal_connect(list, "activate", G_CALLBACK(on_feed_activate), d);
  gtk_widget_add_css_class(list, "rich-list");
  gtk_widget_set_name(list, "Feed");
  gtk_accessible_update_property(GTK_ACCESSIBLE(list),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                 "Network feed, newest first", -1);
  GtkWidget *scroll = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), list);
  gtk_widget_set_vexpand(scroll, TRUE);
  gtk_widget_set_hexpand(scroll, TRUE);
  d->feed_scroll = scroll;
  d->feed_list = list;
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append(GTK_BOX(box), bar);
  gtk_box_append(GTK_BOX(box), scroll);
  return box;
}
