/* desk.c - the main window and its connection (see desktop.h), and the
 * building blocks the views share (deskpriv.h: form windows and their
 * fields, a page's bar, copies of records).
 *
 * Layout: a sidebar of the pages, grouped, with badges, and the page under
 * a header whose subtitle is always the connection (connected,
 * reconnecting with the countdown, or behind by N events while it catches
 * up); the two sit in an AdwLeaflet that folds the sidebar away in a narrow
 * window (issue 19). The pages come from the registry (pages.c,
 * deskpriv.h's desk_page): this file names none of them but the Feed,
 * which is its own, and the join view. The feed is a GtkListView
 * over a GListStore of PcnFeedRow, newest first: it scrolls a long history
 * without a widget per event.
 *
 * The client auto-reconnects and resubscribes from the last seq it
 * delivered, so after a server restart events written meanwhile arrive
 * once each. On first connect it subscribes from FEED_HISTORY events back.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "deskpriv.h"
#include "perms.h"
#include "shell.h"
#include "uktime.h"
#include "uvsource.h"
#include "words.h"

#define FEED_HISTORY 200

/* ------------------------------------------------------------ the desk */

static void show_status(pcn_desk *d) {
  const char *text = d->status;
  char buf[240];
  if (d->cl && pcn_client_get_state(d->cl) == PCN_CLIENT_READY) {
    uint64_t head = pcn_client_head_seq(d->cl);
    uint64_t last = pcn_client_last_seq(d->cl);
    if (d->subscribed && head > last) {
      snprintf(buf, sizeof buf, "Catching up: %llu events behind",
               (unsigned long long)(head - last));
      text = buf;
    }
  } else if (d->cl && pcn_client_get_state(d->cl) == PCN_CLIENT_RECONNECTING) {
    uint64_t ms = pcn_client_retry_in(d->cl);
    snprintf(buf, sizeof buf, "Reconnecting in %llu s",
             (unsigned long long)((ms + 999) / 1000));
    text = buf;
  }
  char full[480 + 4 + 160];
  if (d->rewind_note[0]) {
    snprintf(full, sizeof full, "%s · %s", text, d->rewind_note);
    text = full;
  }
  adw_window_title_set_subtitle(ADW_WINDOW_TITLE(d->title), text);
}

void desk_show_status(pcn_desk *d) {
  show_status(d);
}

GDateTime *desk_london_time(gint64 ms) {
  int y, mo, dd, h, mi;
  pcn_london_from_utc(ms, &y, &mo, &dd, &h, &mi);
  return g_date_time_new_utc(y, mo, dd, h, mi, 0);
}

/* The server was restored from a backup (pcnclient.h): the header says so
 * for the rest of the session, the feed drops the rows the server no
 * longer has, and what it replays from the restored head is not news. */
static void on_rewind(pcn_client *cl, uint64_t lost, uint64_t from_seq,
                      void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  if (lost)
    snprintf(d->rewind_note, sizeof d->rewind_note,
             "Server restored from a backup: the last %llu changes are gone",
             (unsigned long long)lost);
  else
    snprintf(d->rewind_note, sizeof d->rewind_note,
             "Server restored from a backup");
  if (d->live_from > from_seq) d->live_from = from_seq;
  GListModel *m = G_LIST_MODEL(d->feed);
  for (guint i = g_list_model_get_n_items(m); i > 0; i--) {
    PcnFeedRow *r = g_list_model_get_item(m, i - 1);
    int drop = r && pcn_feed_row_seq(r) > from_seq;
    if (r) g_object_unref(r);
    if (drop) g_list_store_remove(d->feed, i - 1);
  }
  for (guint i = d->feed_pending->len; i > 0; i--)
    if (pcn_feed_row_seq(d->feed_pending->pdata[i - 1]) > from_seq)
      g_ptr_array_remove_index(d->feed_pending, i - 1);
  show_status(d);
}

static void sidebar_refresh(pcn_desk *d);

/* The badges are asked again every second (a page's count can change on a
 * response or the clock as well as on an event), and soon after events. */
static gboolean on_tick(gpointer ud) {
  show_status(ud);
  sidebar_refresh(ud);
  return G_SOURCE_CONTINUE;
}

static gboolean badges_idle(gpointer ud) {
  pcn_desk *d = ud;
  d->badges_id = 0;
  sidebar_refresh(d);
  return G_SOURCE_REMOVE;
}

static void badges_soon(pcn_desk *d) {
  if (!d->badges_id)
    d->badges_id = g_idle_add_full(G_PRIORITY_LOW, badges_idle, d, NULL);
}

/* ------------------------------------------------------------ notices */

/* Muting is per member and per machine: $XDG_CONFIG_HOME/pcn/desktop.ini. */
static char *prefs_path(void) {
  char dir[600];
  if (pcn_config_dir(dir, sizeof dir)) return NULL;
  return g_build_filename(dir, "desktop.ini", NULL);
}

static void prefs_load(pcn_desk *d) {
  char *path = prefs_path();
  GKeyFile *k = g_key_file_new();
  if (path && g_key_file_load_from_file(k, path, G_KEY_FILE_NONE, NULL))
    d->mute_tasks = g_key_file_get_boolean(k, "notify", "mute-tasks", NULL);
  g_key_file_free(k);
  g_free(path);
}

/* The switch that changes it is in Preferences (shell.c). */

/* A toast when the window has the focus, else a desktop notification. One
 * change can concern the member twice (a meeting's action is also a new
 * task of theirs): a notice with the same id within two seconds replaces
 * the one before instead of adding to it. */
static void notice(pcn_desk *d, const char *id, const char *title,
                   const char *body) {
  gint64 now = g_get_monotonic_time();
  int again = !strcmp(id, d->last_notice_id) &&
              now - d->last_notice_us < 2 * G_USEC_PER_SEC;
  if (!again) d->notices++;
  g_strlcpy(d->last_notice_id, id, sizeof d->last_notice_id);
  d->last_notice_us = now;
  snprintf(d->last_notice, sizeof d->last_notice, "%s: %s", title, body);
  if (gtk_window_is_active(GTK_WINDOW(d->window))) {
    if (again && d->last_toast) adw_toast_dismiss(d->last_toast);
    AdwToast *t = adw_toast_new(d->last_notice);
    adw_toast_set_timeout(t, 5);
    if (d->last_toast) g_object_unref(d->last_toast);
    d->last_toast = g_object_ref(t);
    adw_toast_overlay_add_toast(ADW_TOAST_OVERLAY(d->toasts), t);
  } else {
    GNotification *n = g_notification_new(title);
    g_notification_set_body(n, body);
    char target[80]; /* Open shows the record (shell.c) */
    shell_record_target(id, target, sizeof target);
    g_notification_set_default_action_and_target(n, "app.open-record", "s",
                                                 target);
    g_notification_add_button_with_target(n, "Open", "app.open-record", "s",
                                          target);
    g_application_send_notification(G_APPLICATION(d->app), id, n);
    g_object_unref(n);
  }
}

/* What concerns the member: a task someone else assigned to them. */
static void maybe_notice(pcn_desk *d, const Pcn__Event *ev) {
  if (ev->seq <= d->live_from || !d->username[0]) return; /* history */
  if (ev->record_case != PCN__EVENT__RECORD_TASK || d->mute_tasks) return;
  const Pcn__Task *t = ev->task;
  if (strcmp(t->assignee, d->username) != 0 ||
      strcmp(ev->actor, d->username) == 0 ||
      t->status == PCN__TASK_STATUS__TASK_CLOSED)
    return;
  char id[40], body[600];
  snprintf(id, sizeof id, "task-%llu", (unsigned long long)t->id);
  feed_task_notice(d, ev, body, sizeof body);
  notice(d, id,
         ev->op == PCN__OP__CREATED ? "A new task for you"
                                    : "A task of yours changed",
         body);
}

void desk_notice(pcn_desk *d, const Pcn__Event *ev, const char *id,
                 const char *title, const char *body) {
  if (ev->seq <= d->live_from || !d->username[0] || d->mute_tasks) return;
  if (strcmp(ev->actor, d->username) == 0) return; /* they know */
  notice(d, id, title, body);
}

unsigned pcn_desk_notices(pcn_desk *d, const char **last) {
  if (last) *last = d->last_notice;
  return d->notices;
}

static void on_streams(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  if (r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_FUNDS_STREAMS)
    return;
  for (size_t i = 0; i < r->funds_streams->n_streams; i++) {
    const Pcn__FundsStream *s = r->funds_streams->streams[i];
    desk_list_add(d->streams, s->code);
    if (s->name[0])
      g_hash_table_replace(d->stream_names, g_strdup(s->code),
                           g_strdup(s->name));
  }
  desk_streams_named(d);
}

static void on_event(pcn_client *cl, const Pcn__Event *ev, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  if (ev->record_case == PCN__EVENT__RECORD_FUNDS_STREAM) {
    desk_list_add(d->streams, ev->funds_stream->code);
    if (ev->funds_stream->name[0])
      g_hash_table_replace(d->stream_names, g_strdup(ev->funds_stream->code),
                           g_strdup(ev->funds_stream->name));
    desk_streams_named(d);
  }
  for (size_t i = 0; i < desk_n_pages; i++)
    if (desk_pages[i]->on_event) desk_pages[i]->on_event(d, ev);
  maybe_notice(d, ev);
  certbanner_on_event(d, ev);
  g_ptr_array_add(d->feed_pending, feed_row_from_event(d, ev));
  if (!d->feed_flush_id)
    d->feed_flush_id = g_idle_add_full(G_PRIORITY_DEFAULT, feed_flush, d, NULL);
  badges_soon(d);
}

/* The pages load once the desk knows who is looking (their controls
 * depend on the member's role and practice), so no page asks for itself. */
static void load_pages(pcn_desk *d) {
  for (size_t i = 0; i < desk_n_pages; i++)
    if (desk_pages[i]->load) desk_pages[i]->load(d);
  sidebar_refresh(d); /* the role is known: the rows it uses */
}

static void on_whoami(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  if (r->status->code == PCN__STATUS_CODE__UNAVAILABLE) return; /* closing */
  if (r->status->code == PCN__STATUS_CODE__OK &&
      r->body_case == PCN__RESPONSE__BODY_MEMBER) {
    snprintf(d->username, sizeof d->username, "%s", r->member->username);
    snprintf(d->practice, sizeof d->practice, "%s", r->member->practice);
    d->role = r->member->role;
    desk_perms_set(d, r->member); /* issue 19: what to grey out */
  }
  load_pages(d);
}

static void on_state(pcn_client *cl, pcn_client_state st, const char *detail,
                     void *ud) {
  pcn_desk *d = ud;
  switch (st) {
  case PCN_CLIENT_READY:
    snprintf(d->status, sizeof d->status, "Connected");
    if (!d->subscribed) {
      Pcn__WhoAmI who = PCN__WHO_AM_I__INIT;
      Pcn__Request req = PCN__REQUEST__INIT;
      req.body_case = PCN__REQUEST__BODY_WHOAMI;
      req.whoami = &who;
      pcn_client_call(cl, &req, on_whoami, d);
      Pcn__FundsStreamList sl = PCN__FUNDS_STREAM_LIST__INIT;
      req.body_case = PCN__REQUEST__BODY_FUNDS_STREAM_LIST;
      req.funds_stream_list = &sl;
      pcn_client_call(cl, &req, on_streams, d);
      const Pcn__Welcome *w = pcn_client_welcome(cl);
      uint64_t head = w ? w->head_seq : 0;
      d->live_from = head; /* older events are history, not news */
      d->subscribed = 1;
      pcn_client_subscribe(cl, head > FEED_HISTORY ? head - FEED_HISTORY : 0,
                           on_event, d);
    }
    break;
  case PCN_CLIENT_CONNECTING:
    if (!d->subscribed) snprintf(d->status, sizeof d->status, "Connecting…");
    break;
  case PCN_CLIENT_RECONNECTING:
    snprintf(d->status, sizeof d->status, "Reconnecting");
    break;
  case PCN_CLIENT_FAILED:
    snprintf(d->status, sizeof d->status, "Not connected: %s",
             detail && *detail ? detail : pcn_client_error(cl));
    /* The session ended: ask for the password and carry on (relogin.c). */
    if (d->subscribed && pcn_client_error_class(cl) == PCN_ERR_SERVER &&
        strstr(pcn_client_error(cl), "session"))
      desk_session_ended(d);
    break;
  default: break;
  }
  shell_on_state(d, st);
  show_status(d);
}

/* ------------------------------------------------------------ views */

/* ------------------------------------------------------------ sidebar */

/* The sidebar (issue 19): the Feed, then desk_pages in their groups (a
 * header over each group's first row), each row an icon, the title and a
 * badge of what waits on the member ("Asks, 2 need you" to a screen
 * reader), only the rows the member's role uses. Choosing a row shows its
 * page; showing a page any other way (the feed's links, the shortcuts)
 * selects its row. */

static void badge_css(void) {
  static int done;
  if (done || !gdk_display_get_default()) return;
  done = 1;
  GtkCssProvider *css = gtk_css_provider_new();
  gtk_css_provider_load_from_data(
      css,
      ".pcn-badge { background-color: @accent_bg_color; color: "
      "@accent_fg_color; border-radius: 999px; padding: 0 7px; "
      "min-width: 10px; font-weight: bold; font-size: smaller; }",
      -1);
  gtk_style_context_add_provider_for_display(
      gdk_display_get_default(), GTK_STYLE_PROVIDER(css),
      GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_unref(css);
}

static GtkWidget *sidebar_row(const char *id, const char *title,
                              const char *icon, int group, GtkWidget **badge) {
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 10);
  gtk_widget_set_margin_start(box, 8);
  gtk_widget_set_margin_end(box, 8);
  gtk_widget_set_margin_top(box, 6);
  gtk_widget_set_margin_bottom(box, 6);
  gtk_box_append(GTK_BOX(box), gtk_image_new_from_icon_name(icon));
  GtkWidget *l = gtk_label_new(title);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  gtk_label_set_ellipsize(GTK_LABEL(l), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand(l, TRUE);
  gtk_box_append(GTK_BOX(box), l);
  GtkWidget *b = gtk_label_new("");
  gtk_widget_add_css_class(b, "pcn-badge");
  gtk_widget_set_valign(b, GTK_ALIGN_CENTER);
  gtk_widget_set_visible(b, FALSE);
  gtk_box_append(GTK_BOX(box), b);
  if (badge) *badge = b;
  GtkWidget *row = gtk_list_box_row_new();
  gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(row), box);
  gtk_widget_set_name(row, id);
  g_object_set_data(G_OBJECT(row), "page", (gpointer)id);
  g_object_set_data(G_OBJECT(row), "group", GINT_TO_POINTER(group + 1));
  gtk_accessible_update_property(GTK_ACCESSIBLE(row),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  return row;
}

/* A group's name over its first shown row (the Feed has none). */
static void sidebar_header(GtkListBoxRow *row, GtkListBoxRow *before,
                           gpointer ud) {
  (void)ud;
  int g = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(row), "group"));
  int gb = before
               ? GPOINTER_TO_INT(g_object_get_data(G_OBJECT(before), "group"))
               : 0;
  if (g == 0 || g == gb) {
    gtk_list_box_row_set_header(row, NULL);
    return;
  }
  GtkWidget *h = gtk_list_box_row_get_header(row);
  if (!h) {
    h = gtk_label_new(desk_group_names[g - 1]);
    gtk_label_set_xalign(GTK_LABEL(h), 0);
    gtk_widget_add_css_class(h, "heading");
    gtk_widget_add_css_class(h, "dim-label");
    gtk_widget_set_margin_start(h, 12);
    gtk_widget_set_margin_top(h, 12);
    gtk_widget_set_margin_bottom(h, 4);
    gtk_list_box_row_set_header(row, h);
  } else {
    gtk_label_set_text(GTK_LABEL(h), desk_group_names[g - 1]);
  }
}

/* Each row shown or not for the member's role, and its badge. */
static void sidebar_refresh(pcn_desk *d) {
  if (!d->page_rows) return;
  int moved = 0;
  for (size_t i = 0; i < desk_n_pages; i++) {
    const desk_page *p = desk_pages[i];
    int shown = !p->shown || p->shown(d);
    if (gtk_widget_get_visible(d->page_rows[i]) != shown) {
      gtk_widget_set_visible(d->page_rows[i], shown);
      moved = 1;
    }
    unsigned n = p->needs_me ? p->needs_me(d) : 0;
    if (n == d->page_counts[i]) continue;
    d->page_counts[i] = n;
    char num[16], label[120];
    snprintf(num, sizeof num, "%u", n);
    gtk_label_set_text(GTK_LABEL(d->page_badges[i]), num);
    gtk_widget_set_visible(d->page_badges[i], n > 0);
    if (n)
      snprintf(label, sizeof label, "%s, %u need%s you", p->title, n,
               n == 1 ? "s" : "");
    else
      snprintf(label, sizeof label, "%s", p->title);
    gtk_accessible_update_property(GTK_ACCESSIBLE(d->page_rows[i]),
                                   GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  }
  if (moved) gtk_list_box_invalidate_headers(GTK_LIST_BOX(d->sidebar));
}

static void on_row_selected(GtkListBox *lb, GtkListBoxRow *row, gpointer ud) {
  (void)lb;
  pcn_desk *d = ud;
  const char *id = row ? g_object_get_data(G_OBJECT(row), "page") : NULL;
  if (id && gtk_stack_get_child_by_name(GTK_STACK(d->stack), id))
    gtk_stack_set_visible_child_name(GTK_STACK(d->stack), id);
}

/* Choosing a row of the folded sidebar goes on to the page. */
static void on_row_activated(GtkListBox *lb, GtkListBoxRow *row, gpointer ud) {
  on_row_selected(lb, row, ud);
  pcn_desk *d = ud;
  if (adw_leaflet_get_folded(ADW_LEAFLET(d->leaflet)))
    adw_leaflet_navigate(ADW_LEAFLET(d->leaflet),
                         ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void on_page_shown(GObject *o, GParamSpec *p, gpointer ud) {
  (void)o;
  (void)p;
  pcn_desk *d = ud;
  /* Not while the window goes (the stack empties as it is disposed). */
  if (!d->page_rows || !gtk_widget_get_root(d->stack)) return;
  const char *id = gtk_stack_get_visible_child_name(GTK_STACK(d->stack));
  if (!id) return;
  GtkWidget *row = id && !strcmp(id, "feed") ? d->feed_row : NULL;
  for (size_t i = 0; !row && i < desk_n_pages; i++)
    if (!strcmp(desk_pages[i]->id, id)) row = d->page_rows[i];
  GtkListBoxRow *sel = gtk_list_box_get_selected_row(GTK_LIST_BOX(d->sidebar));
  if (row && GTK_WIDGET(sel) != row)
    gtk_list_box_select_row(GTK_LIST_BOX(d->sidebar), GTK_LIST_BOX_ROW(row));
}

void desk_show_page(pcn_desk *d, const char *id) {
  gtk_stack_set_visible_child_name(GTK_STACK(d->stack), id);
  if (adw_leaflet_get_folded(ADW_LEAFLET(d->leaflet)))
    adw_leaflet_navigate(ADW_LEAFLET(d->leaflet),
                         ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void add_pages(pcn_desk *d) {
  gtk_stack_add_titled(GTK_STACK(d->stack), feed_view(d), "feed", "Feed");
  d->feed_row = sidebar_row("feed", "Feed", "view-paged-symbolic", -1, NULL);
  gtk_list_box_append(GTK_LIST_BOX(d->sidebar), d->feed_row);
  d->page_rows = g_new0(GtkWidget *, desk_n_pages);
  d->page_badges = g_new0(GtkWidget *, desk_n_pages);
  d->page_counts = g_new0(unsigned, desk_n_pages);
  for (size_t i = 0; i < desk_n_pages; i++) {
    const desk_page *p = desk_pages[i];
    gtk_stack_add_titled(GTK_STACK(d->stack), p->view_new(d), p->id, p->title);
    d->page_rows[i] =
        sidebar_row(p->id, p->title, p->icon, p->group, &d->page_badges[i]);
    gtk_list_box_append(GTK_LIST_BOX(d->sidebar), d->page_rows[i]);
    if (p->actions) p->actions(d);
  }
  gtk_widget_set_visible(g_object_get_data(G_OBJECT(d->leaflet), "pane"), TRUE);
  on_page_shown(NULL, NULL, d);
  sidebar_refresh(d);
}

static void set_title(pcn_desk *d) {
  char title[200];
  snprintf(title, sizeof title, "PCN Hub%s%s",
           d->cfg.network_name[0] ? " — " : "", d->cfg.network_name);
  gtk_window_set_title(GTK_WINDOW(d->window), title);
  adw_window_title_set_title(ADW_WINDOW_TITLE(d->title), title);
}

/* The window folds below its breakpoint (issue 19): the sidebar and the
 * page sit in an AdwLeaflet whose page pane asks for CONTENT_MIN pixels,
 * so the two side by side need SIDEBAR_W + CONTENT_MIN and a narrower
 * window shows one at a time (the page's header then has a back button to
 * the sidebar). The pages scroll sideways inside their pane rather than
 * widen the window: its minimum width comes from the leaflet, never from
 * the widest page (it was 1301 px before). */
#define SIDEBAR_W 200
#define CONTENT_MIN 720

static void on_back(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  adw_leaflet_navigate(ADW_LEAFLET(d->leaflet), ADW_NAVIGATION_DIRECTION_BACK);
}

static GtkWidget *sidebar_pane(pcn_desk *d) {
  GtkWidget *header = adw_header_bar_new();
  adw_header_bar_set_title_widget(ADW_HEADER_BAR(header),
                                  adw_window_title_new("PCN Hub", NULL));
  g_object_bind_property(d->leaflet, "folded", header, "show-end-title-buttons",
                         G_BINDING_SYNC_CREATE);
  /* Held until pcn_desk_free: the badges are refreshed on a timer, which
   * may run once after the window has gone. */
  d->sidebar = g_object_ref_sink(gtk_list_box_new());
  gtk_widget_set_name(d->sidebar, "Sidebar");
  gtk_widget_add_css_class(d->sidebar, "navigation-sidebar");
  gtk_accessible_update_property(GTK_ACCESSIBLE(d->sidebar),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Pages", -1);
  gtk_list_box_set_header_func(GTK_LIST_BOX(d->sidebar), sidebar_header, d,
                               NULL);
  g_signal_connect(d->sidebar, "row-selected", G_CALLBACK(on_row_selected), d);
  g_signal_connect(d->sidebar, "row-activated", G_CALLBACK(on_row_activated),
                   d);
  GtkWidget *scroll = gtk_scrolled_window_new();
  gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroll), GTK_POLICY_NEVER,
                                 GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), d->sidebar);
  gtk_widget_set_vexpand(scroll, TRUE);
  GtkWidget *pane = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_size_request(pane, SIDEBAR_W, -1);
  gtk_box_append(GTK_BOX(pane), header);
  gtk_box_append(GTK_BOX(pane), scroll);
  return pane;
}

static void build_window(pcn_desk *d, GtkApplication *app) {
  badge_css();
  d->window = adw_application_window_new(app);
  gtk_window_set_default_size(GTK_WINDOW(d->window), 1024, 700);
  d->title = adw_window_title_new("PCN Hub", d->status);
  set_title(d);
  d->leaflet = adw_leaflet_new();
  adw_leaflet_set_can_navigate_back(ADW_LEAFLET(d->leaflet), TRUE);
  GtkWidget *header = adw_header_bar_new();
  adw_header_bar_set_title_widget(ADW_HEADER_BAR(header), d->title);
  g_object_bind_property(d->leaflet, "folded", header,
                         "show-start-title-buttons", G_BINDING_SYNC_CREATE);
  GtkWidget *back = gtk_button_new_from_icon_name("go-previous-symbolic");
  gtk_widget_set_tooltip_text(back, "Pages");
  gtk_accessible_update_property(GTK_ACCESSIBLE(back),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                 "Back to the pages", -1);
  gtk_widget_set_name(back, "Back to the pages");
  g_signal_connect(back, "clicked", G_CALLBACK(on_back), d);
  g_object_bind_property(d->leaflet, "folded", back, "visible",
                         G_BINDING_SYNC_CREATE);
  adw_header_bar_pack_start(ADW_HEADER_BAR(header), back);
  /* The main menu, the shortcuts and Keep running (shell.c). */
  adw_header_bar_pack_end(ADW_HEADER_BAR(header), shell_menu_new(d));

  GtkWidget *pane = sidebar_pane(d);
  g_object_set_data(G_OBJECT(d->leaflet), "pane", pane);
  d->stack = gtk_stack_new();
  /* Each page as wide and as tall as it asks, not as the widest or the
   * tallest; the pane scrolls both ways, so no page sets the window's
   * minimum size (it was 899 px tall, more than a 1024x768 screen). */
  gtk_stack_set_hhomogeneous(GTK_STACK(d->stack), FALSE);
  gtk_stack_set_vhomogeneous(GTK_STACK(d->stack), FALSE);
  g_signal_connect(d->stack, "notify::visible-child-name",
                   G_CALLBACK(on_page_shown), d);
  if (d->joined) {
    add_pages(d);
  } else {
    gtk_stack_add_titled(GTK_STACK(d->stack), join_view_new(d), "join", "Join");
    gtk_widget_set_visible(pane, FALSE);
  }
  GtkWidget *pages = gtk_scrolled_window_new();
  gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(pages),
                                 GTK_POLICY_AUTOMATIC, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(pages), d->stack);
  gtk_widget_set_hexpand(pages, TRUE);
  gtk_widget_set_vexpand(pages, TRUE);

  GtkWidget *content = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_size_request(content, CONTENT_MIN, -1);
  gtk_widget_set_hexpand(content, TRUE);
  gtk_box_append(GTK_BOX(content), header);
  gtk_box_append(GTK_BOX(content), shell_banner_new(d));
  gtk_box_append(GTK_BOX(content), certbanner_new(d));
  gtk_box_append(GTK_BOX(content), pages);

  adw_leaflet_append(ADW_LEAFLET(d->leaflet), pane);
  AdwLeafletPage *sep = adw_leaflet_append(
      ADW_LEAFLET(d->leaflet), gtk_separator_new(GTK_ORIENTATION_VERTICAL));
  adw_leaflet_page_set_navigatable(sep, FALSE);
  adw_leaflet_append(ADW_LEAFLET(d->leaflet), content);
  adw_leaflet_set_visible_child(ADW_LEAFLET(d->leaflet), content);
  d->toasts = adw_toast_overlay_new();
  adw_toast_overlay_set_child(ADW_TOAST_OVERLAY(d->toasts), d->leaflet);
  adw_application_window_set_content(ADW_APPLICATION_WINDOW(d->window),
                                     d->toasts);
  on_page_shown(NULL, NULL, d); /* the Feed's row selected */
}

/* ------------------------------------------------------------ records */

void *desk_copy_msg(const ProtobufCMessage *m) {
  size_t n = protobuf_c_message_get_packed_size(m);
  uint8_t *buf = g_malloc(n ? n : 1);
  protobuf_c_message_pack(m, buf);
  void *c = protobuf_c_message_unpack(m->descriptor, NULL, n, buf);
  g_free(buf);
  return c;
}

/* ------------------------------------------------------------ pages */

GtkWidget *desk_bar(void) {
  GtkWidget *bar = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start(bar, 12);
  gtk_widget_set_margin_end(bar, 12);
  gtk_widget_set_margin_top(bar, 6);
  gtk_widget_set_margin_bottom(bar, 6);
  return bar;
}

/* A strip under the header (libadwaita 1.2 has no AdwBanner): a card with
 * icon, label and button (may be NULL) in a GtkRevealer, hidden at first. */
GtkWidget *desk_banner_new(const char *name, const char *a11y, const char *icon,
                           GtkWidget *label, GtkWidget *button) {
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_start(box, 12);
  gtk_widget_set_margin_end(box, 12);
  gtk_widget_set_margin_top(box, 6);
  gtk_widget_set_margin_bottom(box, 6);
  gtk_widget_add_css_class(box, "card");
  gtk_box_append(GTK_BOX(box), gtk_image_new_from_icon_name(icon));
  gtk_box_append(GTK_BOX(box), label);
  if (button) gtk_box_append(GTK_BOX(box), button);
  GtkWidget *r = gtk_revealer_new();
  gtk_widget_set_name(r, name);
  gtk_revealer_set_child(GTK_REVEALER(r), box);
  gtk_revealer_set_reveal_child(GTK_REVEALER(r), FALSE);
  gtk_accessible_update_property(GTK_ACCESSIBLE(r),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  return r;
}

/* ------------------------------------------------------------ forms */

/* A form is GNOME's dialog (issue 19): an AdwWindow over the main window
 * whose header bar holds Cancel at the start and the form's action at the
 * end, and no close button; Escape cancels and Enter in a one-line field
 * activates the action (the window's default widget). The grid scrolls
 * inside the window, so the longest form still fits an 800x600 screen. */
GtkWidget *desk_form(pcn_desk *d, const char *name, const char *title,
                     int width, GtkWidget *grid) {
  GtkWidget *w = adw_window_new();
  gtk_widget_set_name(w, name);
  gtk_window_set_title(GTK_WINDOW(w), title ? title : name);
  gtk_window_set_transient_for(GTK_WINDOW(w), GTK_WINDOW(d->window));
  gtk_window_set_modal(GTK_WINDOW(w), TRUE);
  gtk_window_set_default_size(GTK_WINDOW(w), width, -1);

  GtkWidget *header = adw_header_bar_new();
  adw_header_bar_set_show_start_title_buttons(ADW_HEADER_BAR(header), FALSE);
  adw_header_bar_set_show_end_title_buttons(ADW_HEADER_BAR(header), FALSE);
  adw_header_bar_set_title_widget(
      ADW_HEADER_BAR(header),
      adw_window_title_new(name, title && strcmp(title, name) ? title : NULL));
  GtkWidget *cancel = gtk_button_new_with_mnemonic("_Cancel");
  gtk_widget_set_name(cancel, "Cancel");
  g_signal_connect_swapped(cancel, "clicked", G_CALLBACK(gtk_window_close), w);
  adw_header_bar_pack_start(ADW_HEADER_BAR(header), cancel);
  GtkEventController *keys = gtk_shortcut_controller_new();
  gtk_shortcut_controller_add_shortcut(
      GTK_SHORTCUT_CONTROLLER(keys),
      gtk_shortcut_new(gtk_keyval_trigger_new(GDK_KEY_Escape, 0),
                       gtk_named_action_new("window.close")));
  gtk_widget_add_controller(w, keys);

  gtk_grid_set_row_spacing(GTK_GRID(grid), 8);
  gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
  gtk_widget_set_margin_start(grid, 18);
  gtk_widget_set_margin_end(grid, 18);
  gtk_widget_set_margin_top(grid, 18);
  gtk_widget_set_margin_bottom(grid, 18);
  /* As wide as the form, at least: a wrapping line is then measured at
   * that width, not at its narrowest (which left the window a screen
   * tall and mostly empty). width is at most 520, within 800 px. */
  gtk_widget_set_size_request(grid, width - 36, -1);
  GtkWidget *scroll = gtk_scrolled_window_new();
  gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroll), GTK_POLICY_NEVER,
                                 GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height(GTK_SCROLLED_WINDOW(scroll),
                                                   TRUE);
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), grid);
  gtk_widget_set_vexpand(scroll, TRUE);
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append(GTK_BOX(box), header);
  gtk_box_append(GTK_BOX(box), scroll);
  adw_window_set_content(ADW_WINDOW(w), box);
  g_object_set_data(G_OBJECT(w), "pcn-form-header", header);
  g_object_set_data(G_OBJECT(w), "pcn-form-grid", grid);
  g_object_set_data(G_OBJECT(w), "pcn-form-cancel", cancel);
  return w;
}

GtkWidget *desk_form_cancel(GtkWidget *form) {
  return g_object_get_data(G_OBJECT(form), "pcn-form-cancel");
}

GtkWidget *desk_form_grid(GtkWidget *form) {
  return g_object_get_data(G_OBJECT(form), "pcn-form-grid");
}

GtkWidget *pcn_desk_form_grid(GtkWindow *form) {
  return desk_form_grid(GTK_WIDGET(form));
}

void desk_form_action(GtkWidget *form, GtkWidget *button) {
  adw_header_bar_pack_end(
      ADW_HEADER_BAR(g_object_get_data(G_OBJECT(form), "pcn-form-header")),
      button);
  gtk_window_set_default_widget(GTK_WINDOW(form), button);
}

GtkWidget *desk_form_error(GtkWidget *grid, int row, int selectable) {
  GtkWidget *e = gtk_label_new(NULL);
  gtk_label_set_wrap(GTK_LABEL(e), TRUE);
  gtk_label_set_xalign(GTK_LABEL(e), 0);
  gtk_label_set_selectable(GTK_LABEL(e), selectable);
  gtk_widget_add_css_class(e, "error");
  gtk_widget_set_visible(e, FALSE);
  gtk_grid_attach(GTK_GRID(grid), e, 0, row, 2, 1);
  return e;
}

void desk_note(GtkWidget *note, const char *text, int error) {
  gtk_label_set_text(GTK_LABEL(note), text);
  if (error)
    gtk_widget_add_css_class(note, "error");
  else
    gtk_widget_remove_css_class(note, "error");
}

int desk_send(pcn_desk *d, GtkWidget *note, Pcn__Request *req,
              pcn_response_cb cb) {
  if (!d->cl || !pcn_client_call(d->cl, req, cb, d)) {
    desk_note(note, DESK_OFFLINE, 1);
    return -1;
  }
  return 0;
}

void desk_list_add(GtkStringList *list, const char *s) {
  GListModel *m = G_LIST_MODEL(list);
  for (guint i = 0; i < g_list_model_get_n_items(m); i++)
    if (!strcmp(gtk_string_list_get_string(list, i), s)) return;
  gtk_string_list_append(list, s);
}

void desk_say(GtkWidget *label, const char *text) {
  gtk_label_set_text(GTK_LABEL(label), text);
  gtk_widget_set_visible(label, TRUE);
}

GtkWidget *desk_form_go(GtkWidget *form, const char *mnemonic, GCallback cb,
                        gpointer ud) {
  GtkWidget *b = gtk_button_new_with_mnemonic(mnemonic);
  gtk_widget_add_css_class(b, "suggested-action");
  g_signal_connect(b, "clicked", cb, ud);
  desk_form_action(form, b);
  return b;
}

int desk_form_send(pcn_desk *d, const Pcn__Request *req, pcn_response_cb cb,
                   GtkWidget *go, GtkWidget *error) {
  if (!d->cl || !pcn_client_call(d->cl, req, cb, d)) {
    desk_say(error, DESK_OFFLINE);
    return -1;
  }
  gtk_widget_set_sensitive(go, FALSE); /* one request per click */
  return 0;
}

GtkWidget *desk_entry(const char *name, const char *placeholder, int secret) {
  GtkWidget *e = secret ? gtk_password_entry_new() : gtk_entry_new();
  gtk_widget_set_name(e, name);
  if (secret)
    gtk_password_entry_set_show_peek_icon(GTK_PASSWORD_ENTRY(e), TRUE);
  else if (placeholder)
    gtk_entry_set_placeholder_text(GTK_ENTRY(e), placeholder);
  gtk_accessible_update_property(GTK_ACCESSIBLE(e),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return e;
}

GtkWidget *desk_field(GtkWidget *grid, int row, const char *label,
                      GtkWidget *w) {
  GtkWidget *l = gtk_label_new_with_mnemonic(label);
  gtk_label_set_xalign(GTK_LABEL(l), 1);
  gtk_label_set_mnemonic_widget(GTK_LABEL(l), w);
  gtk_widget_set_hexpand(w, TRUE);
  gtk_grid_attach(GTK_GRID(grid), l, 0, row, 1, 1);
  gtk_grid_attach(GTK_GRID(grid), w, 1, row, 1, 1);
  return w;
}

/* ------------------------------------------------------------ lifecycle */

static void start_client(pcn_desk *d);

pcn_desk *pcn_desk_new(GtkApplication *app) {
  pcn_desk *d = g_new0(pcn_desk, 1);
  d->feed = g_list_store_new(PCN_TYPE_FEED_ROW);
  d->feed_pending = g_ptr_array_new_with_free_func(g_object_unref);
  static const char *const default_streams[] = {
      "core",      "cd", "arrs", "iif",   "caip",
      "care-home", "ea", "lm",   "other", NULL};
  d->streams = gtk_string_list_new(default_streams);
  d->stream_names =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  uv_loop_init(&d->loop);
  d->uvsrc = pcn_uv_source_attach(&d->loop);
  char err[400];
  int rc = pcn_config_load(&d->cfg, err, sizeof err);
  d->joined = rc == 0 && d->cfg.ca_pem && d->cfg.token[0];
  snprintf(d->status, sizeof d->status, "%s",
           rc < 0      ? err
           : d->joined ? "Connecting…"
                       : "Not joined");
  d->app = app;
  prefs_load(d);
  build_window(d, app);
  if (d->joined) start_client(d);
  show_status(d);
  d->tick = g_timeout_add_seconds(1, on_tick, d);
  return d;
}

/* The main connection: the saved session, reconnecting for ever. */
static void start_client(pcn_desk *d) {
  {
    pcn_client_config cc = {.server = d->cfg.server,
                            .ca_pem = d->cfg.ca_pem,
                            .client_name = "pcn-desktop",
                            .client_version = PCN_VERSION,
                            .token = d->cfg.token,
                            .auto_reconnect = 1};
    d->cl = pcn_client_new(&d->loop, &cc);
    if (d->cl) {
      pcn_client_on_state(d->cl, on_state, d);
      pcn_client_on_rewind(d->cl, on_rewind, d);
      pcn_client_connect(d->cl);
    } else {
      snprintf(d->status, sizeof d->status,
               "The saved server address or certificate is unusable: choose "
               "Log out in the menu, then join with a new invitation code.");
    }
  }
}

void desk_joined(pcn_desk *d) {
  GtkWidget *join = gtk_stack_get_child_by_name(GTK_STACK(d->stack), "join");
  d->joined = 1;
  add_pages(d);
  if (join) gtk_stack_remove(GTK_STACK(d->stack), join);
  desk_show_page(d, "feed");
  set_title(d);
  snprintf(d->status, sizeof d->status, "Connecting…");
  start_client(d);
  show_status(d);
}

/* Log out (shell.c): the pages and the connection go, as the window's own
 * do in pcn_desk_free, and the join view comes back with the server and
 * the username filled in; joining or logging in again builds the pages
 * afresh (desk_joined). */
void desk_forget_session(pcn_desk *d) {
  if (!d->joined) return;
  d->cfg.token[0] = 0;
  char err[300];
  if (pcn_config_save(&d->cfg, err, sizeof err)) g_warning("%s", err);
  d->joined = 0;
  taskwin_close_all(d);
  if (d->cl) pcn_client_discard(d->cl); /* its handles close on the loop */
  d->cl = NULL;
  d->subscribed = 0;
  d->username[0] = d->practice[0] = 0;
  d->role = 0;
  for (size_t i = 0; i < desk_n_pages; i++)
    if (desk_pages[i]->free) desk_pages[i]->free(d);
  g_free(d->page_rows);
  g_free(d->page_badges);
  g_free(d->page_counts);
  d->page_rows = d->page_badges = NULL;
  d->page_counts = NULL;
  for (GtkListBoxRow *r; (r = gtk_list_box_get_row_at_index(
                              GTK_LIST_BOX(d->sidebar), 0)) != NULL;)
    gtk_list_box_remove(GTK_LIST_BOX(d->sidebar), GTK_WIDGET(r));
  d->feed_row = NULL;
  gtk_stack_add_titled(GTK_STACK(d->stack), join_view_new(d), "join", "Join");
  gtk_stack_set_visible_child_name(GTK_STACK(d->stack), "join");
  for (GtkWidget *c = gtk_widget_get_first_child(d->stack); c;) {
    GtkWidget *next = gtk_widget_get_next_sibling(c);
    if (c != gtk_stack_get_child_by_name(GTK_STACK(d->stack), "join"))
      gtk_stack_remove(GTK_STACK(d->stack), c);
    c = next;
  }
  g_ptr_array_set_size(d->feed_pending, 0);
  g_list_store_remove_all(d->feed);
  if (d->feed_shown) g_object_unref(d->feed_shown);
  if (d->feed_filter) g_object_unref(d->feed_filter);
  d->feed_shown = NULL;
  d->feed_filter = NULL;
  gtk_widget_set_visible(g_object_get_data(G_OBJECT(d->leaflet), "pane"),
                         FALSE);
  snprintf(d->status, sizeof d->status, "Logged out");
  d->rewind_note[0] = 0;
  shell_on_state(d, PCN_CLIENT_IDLE);
  show_status(d);
}

GtkWindow *pcn_desk_window(pcn_desk *d) {
  return GTK_WINDOW(d->window);
}
GListModel *pcn_desk_feed(pcn_desk *d) {
  return G_LIST_MODEL(d->feed);
}
GListModel *pcn_desk_feed_shown(pcn_desk *d) {
  return G_LIST_MODEL(d->feed_shown);
}
const char *pcn_desk_status(pcn_desk *d) {
  return adw_window_title_get_subtitle(ADW_WINDOW_TITLE(d->title));
}

void pcn_desk_on_rows(pcn_desk *d, void (*cb)(void *ud), void *ud) {
  d->on_rows = cb;
  d->on_rows_ud = ud;
}

static void close_left_open(uv_handle_t *h, void *arg) {
  (void)arg;
  if (uv_is_closing(h)) return;
  g_message("closing the window: a %s handle was still open; closing it",
            uv_handle_type_name(uv_handle_get_type(h)));
  uv_close(h, NULL);
}

void pcn_desk_free(pcn_desk *d) {
  if (!d) return;
  g_source_remove(d->tick);
  shell_free(d);
  taskwin_close_all(d);
  if (d->badges_id) g_source_remove(d->badges_id);
  for (size_t i = 0; i < desk_n_pages; i++)
    if (desk_pages[i]->free) desk_pages[i]->free(d);
  /* The pages are gone: their calls still outstanding are dropped, not
   * answered into freed pages. */
  if (d->cl) pcn_client_discard(d->cl);
  join_shutdown(d);
  /* Let the client's handles close, then the loop. A name lookup still on
   * libuv's threadpool keeps the loop alive until it returns, which on a
   * busy machine takes longer than a hundred quick turns did (the loop
   * then failed to close and leaked): wait for it, up to five seconds. */
  for (int i = 0; i < 5000 && uv_loop_alive(&d->loop); i++) {
    uv_run(&d->loop, UV_RUN_NOWAIT);
    if (uv_loop_alive(&d->loop)) g_usleep(1000);
  }
  /* Still open after that: say which handles, close them, and wait for
   * threadpool work to return, so the loop closes and nothing leaks. */
  if (uv_loop_close(&d->loop) == UV_EBUSY) {
    uv_walk(&d->loop, close_left_open, NULL);
    for (int i = 0; i < 30000 && uv_loop_close(&d->loop) == UV_EBUSY; i++) {
      uv_run(&d->loop, UV_RUN_NOWAIT);
      g_usleep(1000);
    }
  }
  g_source_destroy(d->uvsrc);
  pcn_config_free(&d->cfg);
  if (d->feed_flush_id) g_source_remove(d->feed_flush_id);
  if (d->last_toast) g_object_unref(d->last_toast);
  g_ptr_array_unref(d->feed_pending);
  g_object_unref(d->streams);
  g_hash_table_unref(d->stream_names);
  if (d->feed_shown) g_object_unref(d->feed_shown);
  if (d->feed_filter) g_object_unref(d->feed_filter);
  g_object_unref(d->feed);
  g_object_unref(d->sidebar);
  g_free(d->page_rows);
  g_free(d->page_badges);
  g_free(d->page_counts);
  g_free(d);
}

int pcn_desk_screenshot(GtkWidget *w, const char *path) {
  int width = gtk_widget_get_width(w), height = gtk_widget_get_height(w);
  GtkNative *native = gtk_widget_get_native(w);
  if (width <= 0 || height <= 0 || !native) {
    g_warning("screenshot: the window is not shown (%dx%d)", width, height);
    return -1;
  }
  GdkPaintable *p = gtk_widget_paintable_new(w);
  GtkSnapshot *snap = gtk_snapshot_new();
  gdk_paintable_snapshot(p, snap, width, height);
  GskRenderNode *node = gtk_snapshot_free_to_node(snap);
  int rc = -1;
  if (!node) g_warning("screenshot: nothing to draw yet");
  if (node) {
    GskRenderer *r = gtk_native_get_renderer(native);
    GdkTexture *t = gsk_renderer_render_texture(
        r, node, &GRAPHENE_RECT_INIT(0, 0, width, height));
    if (t && gdk_texture_save_to_png(t, path))
      rc = 0;
    else
      g_warning("screenshot: could not render or save %s", path);
    if (t) g_object_unref(t);
    gsk_render_node_unref(node);
  }
  g_object_unref(p);
  return rc;
}
