/* feedview.c - the Feed page (issue 19 moved it out of desk.c): a
 * GtkListView over d->feed, a GListStore of PcnFeedRow, newest first,
 * through the Show / practice / "Concerns me" filters (d->feed_shown). It
 * scrolls a long history without a widget per event: rows enter the model
 * once per main-loop turn in one splice (feed_flush).
 */
#include <stdio.h>
#include <string.h>

#include "deskpriv.h"
#include "sentences.h"
#include "uktime.h"
#include "words.h"

/* ------------------------------------------------------------ rows */

struct _PcnFeedRow {
  GObject parent;
  guint64 seq, task;
  char *text, *meta;
  int area;             /* Pcn__Event__RecordCase */
  char *practice, *who; /* the record's practice; a task's assignee */
  char *audience;       /* who the server sent it to (feed.h) */
  /* What the window shows (issue 19): the sentence (names as the Members
   * and Practices lists know them when it was last written), the area's
   * icon, the time of day; at and day (the UK date, yyyymmdd) group the
   * rows under their day's header. ev is the event, to write the sentence
   * again when the lists learn a name. */
  char *sentence;
  const char *icon;
  char time[6];
  gint64 at;
  int day;
  Pcn__Event *ev;
};

G_DEFINE_TYPE(PcnFeedRow, pcn_feed_row, G_TYPE_OBJECT)

static void pcn_feed_row_finalize(GObject *o) {
  PcnFeedRow *r = PCN_FEED_ROW(o);
  g_free(r->text);
  g_free(r->meta);
  g_free(r->practice);
  g_free(r->who);
  g_free(r->audience);
  g_free(r->sentence);
  if (r->ev) pcn__event__free_unpacked(r->ev, NULL);
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
const char *pcn_feed_row_sentence(PcnFeedRow *r) {
  return r->sentence;
}
const char *pcn_feed_row_icon(PcnFeedRow *r) {
  return r->icon;
}
const char *pcn_feed_row_time(PcnFeedRow *r) {
  return r->time;
}

static int london_day(gint64 ms) {
  int y, mo, dd, h, mi;
  pcn_london_from_utc(ms, &y, &mo, &dd, &h, &mi);
  return y * 10000 + mo * 100 + dd;
}

static void write_sentence(pcn_desk *d, PcnFeedRow *r) {
  char s[1600];
  desk_event_sentence(d, r->ev, s, sizeof s);
  g_free(r->sentence);
  r->sentence = g_strdup(s);
}

PcnFeedRow *feed_row_from_event(pcn_desk *d, const Pcn__Event *ev) {
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
  r->ev = desk_copy_msg(&ev->base);
  r->at = ev->at;
  r->day = london_day(ev->at);
  r->icon = desk_event_icon(ev->record_case);
  desk_time_words(ev->at, r->time);
  desk_sentence_learn(d, ev);
  if (r->ev)
    write_sentence(d, r);
  else
    r->sentence = g_strdup(r->text);
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

static void hook_names(pcn_desk *d);

/* Feed rows, like task rows, enter the model once per main-loop turn,
 * newest first, in one splice (tasks.c says why). */
gboolean feed_flush(gpointer ud) {
  pcn_desk *d = ud;
  d->feed_flush_id = 0;
  hook_names(d);
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

/* A row (issue 19): the day's header when the row is the first of its day
 * in the feed as shown ("Today", "Yesterday", "Tue 9 Dec"), then the
 * area's icon, the sentence and the time of day, grey. The header lives in
 * the row rather than in the model, so the model stays one item per event
 * (the filters, the tests' counts and the scale test's times with it). */
static void feed_setup(GtkSignalListItemFactory *f, GtkListItem *item,
                       gpointer ud) {
  (void)f;
  (void)ud;
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = gtk_label_new(NULL);
  gtk_label_set_xalign(GTK_LABEL(header), 0);
  gtk_widget_add_css_class(header, "heading");
  gtk_widget_set_margin_start(header, 12);
  gtk_widget_set_margin_top(header, 12);
  gtk_widget_set_margin_bottom(header, 4);
  gtk_widget_set_visible(header, FALSE);
  GtkWidget *line = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 10);
  gtk_widget_set_margin_start(line, 12);
  gtk_widget_set_margin_end(line, 12);
  gtk_widget_set_margin_top(line, 6);
  gtk_widget_set_margin_bottom(line, 6);
  GtkWidget *icon = gtk_image_new();
  gtk_widget_set_valign(icon, GTK_ALIGN_START);
  gtk_widget_add_css_class(icon, "dim-label");
  GtkWidget *text = gtk_label_new(NULL);
  gtk_label_set_xalign(GTK_LABEL(text), 0);
  gtk_label_set_wrap(GTK_LABEL(text), TRUE);
  gtk_widget_set_hexpand(text, TRUE);
  GtkWidget *time = gtk_label_new(NULL);
  gtk_widget_set_valign(time, GTK_ALIGN_START);
  gtk_widget_add_css_class(time, "dim-label");
  gtk_widget_add_css_class(time, "numeric");
  gtk_box_append(GTK_BOX(line), icon);
  gtk_box_append(GTK_BOX(line), text);
  gtk_box_append(GTK_BOX(line), time);
  gtk_box_append(GTK_BOX(box), header);
  gtk_box_append(GTK_BOX(box), line);
  gtk_list_item_set_child(item, box);
}

/* The header over shown row pos of m, or NULL when the row above is of the
 * same day; the caller frees it. */
static char *header_at(GListModel *m, guint pos) {
  PcnFeedRow *r = g_list_model_get_item(m, pos);
  if (!r) return NULL;
  PcnFeedRow *above = pos ? g_list_model_get_item(m, pos - 1) : NULL;
  char *h = NULL;
  if (!above || above->day != r->day) {
    char words[32];
    desk_day_words(r->at, g_get_real_time() / 1000, words, sizeof words);
    h = g_strdup(words);
  }
  if (above) g_object_unref(above);
  g_object_unref(r);
  return h;
}

char *pcn_desk_feed_header(pcn_desk *d, guint pos) {
  return header_at(G_LIST_MODEL(d->feed_shown), pos);
}

static void show_row(GtkWidget *box, PcnFeedRow *r) {
  GtkWidget *line =
      gtk_widget_get_next_sibling(gtk_widget_get_first_child(box));
  GtkWidget *icon = gtk_widget_get_first_child(line);
  GtkWidget *text = gtk_widget_get_next_sibling(icon);
  GtkWidget *time = gtk_widget_get_next_sibling(text);
  gtk_image_set_from_icon_name(GTK_IMAGE(icon), r->icon);
  gtk_label_set_text(GTK_LABEL(text), r->sentence);
  gtk_label_set_text(GTK_LABEL(time), r->time);
  /* The record's number and the usernames stay out of the words; they are
   * here for whoever asks. */
  gtk_widget_set_tooltip_text(line, r->meta);
}

/* The header follows the row's position: rows arriving above, or the
 * filters, change which row is the first of its day. The list view's own
 * model is the feed as shown. */
static void show_header(GtkListItem *item) {
  GtkWidget *box = gtk_list_item_get_child(item);
  GtkWidget *lv = box ? gtk_widget_get_ancestor(box, GTK_TYPE_LIST_VIEW) : NULL;
  if (!lv || !gtk_list_item_get_item(item)) return;
  GtkSelectionModel *m = gtk_list_view_get_model(GTK_LIST_VIEW(lv));
  char *h = header_at(G_LIST_MODEL(m), gtk_list_item_get_position(item));
  GtkWidget *header = gtk_widget_get_first_child(box);
  gtk_label_set_text(GTK_LABEL(header), h ? h : "");
  gtk_widget_set_visible(header, h != NULL);
  g_free(h);
}

static void on_position(GObject *o, GParamSpec *p, gpointer ud) {
  (void)p;
  (void)ud;
  show_header(GTK_LIST_ITEM(o));
}

static void feed_bind(GtkSignalListItemFactory *f, GtkListItem *item,
                      gpointer ud) {
  (void)f;
  (void)ud;
  PcnFeedRow *r = gtk_list_item_get_item(item);
  GtkWidget *box = gtk_list_item_get_child(item);
  g_object_set_data_full(G_OBJECT(box), "row", g_object_ref(r), g_object_unref);
  show_row(box, r);
  show_header(item);
  g_signal_connect(item, "notify::position", G_CALLBACK(on_position), NULL);
}

static void feed_unbind(GtkSignalListItemFactory *f, GtkListItem *item,
                        gpointer ud) {
  (void)f;
  (void)ud;
  g_signal_handlers_disconnect_by_func(item, on_position, NULL);
  GtkWidget *box = gtk_list_item_get_child(item);
  if (box) g_object_set_data(G_OBJECT(box), "row", NULL);
}

/* A name the Members or Practices list learnt (or changed): the rows
 * write their sentences again, and those on screen show them. The lists
 * fill after the history has arrived, so this is what turns "jo" into
 * "Jo Bloggs" on the first screen. */
static void on_names(GListModel *m, guint pos, guint removed, guint added,
                     gpointer ud) {
  (void)m;
  (void)pos;
  (void)removed;
  (void)added;
  pcn_desk *d = ud;
  GListModel *all = G_LIST_MODEL(d->feed);
  for (guint i = 0, n = g_list_model_get_n_items(all); i < n; i++) {
    PcnFeedRow *r = g_list_model_get_item(all, i);
    if (r->ev) write_sentence(d, r);
    g_object_unref(r);
  }
  for (guint i = 0; i < d->feed_pending->len; i++) {
    PcnFeedRow *r = d->feed_pending->pdata[i];
    if (r->ev) write_sentence(d, r);
  }
  if (!d->feed_list) return;
  for (GtkWidget *w = gtk_widget_get_first_child(d->feed_list); w;
       w = gtk_widget_get_next_sibling(w)) {
    GtkWidget *box = gtk_widget_get_first_child(w);
    PcnFeedRow *r = box ? g_object_get_data(G_OBJECT(box), "row") : NULL;
    if (r) show_row(box, r);
  }
}

/* Listens to the lists once they exist (people.c makes them with its
 * pages, after the Feed's). */
static void hook_names(pcn_desk *d) {
  if (g_object_get_data(G_OBJECT(d->feed), "pcn-names") || !d->members ||
      !d->practices)
    return;
  g_object_set_data(G_OBJECT(d->feed), "pcn-names", GINT_TO_POINTER(1));
  g_signal_connect(d->members, "items-changed", G_CALLBACK(on_names), d);
  g_signal_connect(d->practices, "items-changed", G_CALLBACK(on_names), d);
}

/* Whether what was typed in the practice filter names ods: its code
 * (any case), or a part of its name ("hill" for Hill Street; issue 19:
 * people know practices by name). */
static int practice_matches(pcn_desk *d, const char *typed, const char *ods) {
  if (!ods[0]) return 0;
  if (!g_ascii_strcasecmp(typed, ods)) return 1;
  char *name = g_utf8_casefold(desk_practice_words(d, ods), -1);
  char *want = g_utf8_casefold(typed, -1);
  int yes = strstr(name, want) != NULL;
  g_free(name);
  g_free(want);
  return yes;
}

/* Whether an audience ("F84001", "+F84001,F84002") names a practice that
 * typed names. */
static int audience_matches(pcn_desk *d, const char *typed, const char *aud) {
  const char *p = aud[0] == '+' ? aud + 1 : aud;
  while (*p) {
    const char *e = strchr(p, ',');
    size_t k = e ? (size_t)(e - p) : strlen(p);
    char ods[16];
    if (k < sizeof ods) {
      memcpy(ods, p, k);
      ods[k] = 0;
      if (practice_matches(d, typed, ods)) return 1;
    }
    p += k + (e != NULL);
  }
  return 0;
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
  const char *typed = gtk_editable_get_text(GTK_EDITABLE(d->feed_practice));
  if (typed[0] && !practice_matches(d, typed, r->practice) &&
      !audience_matches(d, typed, r->audience))
    return FALSE;
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
                                 "Practice (name or code)");
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
  g_signal_connect(f, "unbind", G_CALLBACK(feed_unbind), d);
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

/* ------------------------------------------------------------ notices */

void feed_task_notice(pcn_desk *d, const Pcn__Event *ev, char *out, size_t n) {
  const Pcn__Task *t = ev->task;
  char due[32] = "";
  if (t->due[0]) desk_date_words(t->due, due, sizeof due, DESK_DATE_WEEKDAY);
  snprintf(out, n, "%s%s%s%s%s%s%s", t->title, t->practice[0] ? " at " : "",
           t->practice[0] ? desk_practice_words(d, t->practice) : "",
           due[0] ? ", due " : "", due, ev->actor[0] ? ", from " : "",
           ev->actor[0] ? desk_person_words(d, ev->actor) : "");
}
