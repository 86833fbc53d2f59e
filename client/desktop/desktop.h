/* desktop.h - pcn-desktop's parts, for main.c and the GUI tests.
 *
 * One pcn_desk is one main window and its connection: libpcnclient on a
 * libuv loop driven from GLib (uvsource.h), the session saved by `pcn join`
 * or `pcn login` (client/config.h: the same files, so joining with either
 * logs in both), and GListModels the views show. Everything runs on the
 * GTK thread; nothing blocks it.
 */
#ifndef PCN_DESKTOP_H
#define PCN_DESKTOP_H

#include <adwaita.h>
#include <gtk/gtk.h>

#include "pcnclient.h"

G_BEGIN_DECLS

/* A feed event as the feed view shows it. */
#define PCN_TYPE_FEED_ROW (pcn_feed_row_get_type())
G_DECLARE_FINAL_TYPE(PcnFeedRow, pcn_feed_row, PCN, FEED_ROW, GObject)

guint64 pcn_feed_row_seq(PcnFeedRow *r);
const char *pcn_feed_row_text(PcnFeedRow *r); /* "created task 7 ..." */
const char *pcn_feed_row_meta(PcnFeedRow *r); /* "sam · 2026-11-23 10:04" */
guint64 pcn_feed_row_task(PcnFeedRow *r);     /* task id, or 0 */
/* What the row shows (issue 19): the sentence ("Jo Bloggs asked Hill
 * Street for Flu clinic numbers, due Fri 15 Jan."), the area's icon name
 * (its page's, as in the sidebar), the time of day ("14:05"). The text and
 * meta above are the CLI's line (`pcn feed`'s) and the tooltip. */
const char *pcn_feed_row_sentence(PcnFeedRow *r);
const char *pcn_feed_row_icon(PcnFeedRow *r);
const char *pcn_feed_row_time(PcnFeedRow *r);

/* A task as the Tasks view shows it. */
#define PCN_TYPE_TASK_ROW (pcn_task_row_get_type())
G_DECLARE_FINAL_TYPE(PcnTaskRow, pcn_task_row, PCN, TASK_ROW, GObject)

guint64 pcn_task_row_id(PcnTaskRow *r);
const char *pcn_task_row_title(PcnTaskRow *r);
const char *pcn_task_row_due(PcnTaskRow *r);
gboolean pcn_task_row_closed(PcnTaskRow *r);
gboolean pcn_task_row_overdue(PcnTaskRow *r); /* open and due before today */

/* A practice or a member as their lists show them. */
#define PCN_TYPE_RECORD_ROW (pcn_record_row_get_type())
G_DECLARE_FINAL_TYPE(PcnRecordRow, pcn_record_row, PCN, RECORD_ROW, GObject)

const char *pcn_record_row_key(PcnRecordRow *r); /* ODS code or username */
const char *pcn_record_row_title(PcnRecordRow *r);
const char *pcn_record_row_subtitle(PcnRecordRow *r);

G_END_DECLS

typedef struct pcn_desk pcn_desk;

/* Builds the main window of app from the saved configuration and starts
 * connecting. */
pcn_desk *pcn_desk_new(GtkApplication *app);
GtkWindow *pcn_desk_window(pcn_desk *d);
/* The feed, newest first (PcnFeedRow): all of it, and as the filters
 * show it. */
GListModel *pcn_desk_feed(pcn_desk *d);
GListModel *pcn_desk_feed_shown(pcn_desk *d);
/* The day's header over row pos of the feed as shown ("Today",
 * "Yesterday", "Tue 9 Dec"), or NULL when the row above is of the same
 * day; g_free it. */
char *pcn_desk_feed_header(pcn_desk *d, guint pos);
/* The Tasks view's rows as shown: filtered, by due date (PcnTaskRow). */
GListModel *pcn_desk_tasks(pcn_desk *d);
/* The Practices and Members lists (PcnRecordRow), by key. */
GListModel *pcn_desk_practices(pcn_desk *d);
GListModel *pcn_desk_members(pcn_desk *d);
/* The window of task id, when open (activating its row opens it). */
GtkWindow *pcn_desk_task_window(pcn_desk *d, guint64 id);
/* The new-task window, when open. */
GtkWindow *pcn_desk_new_task_window(pcn_desk *d);
/* A form window's grid of fields (under its header bar, in a scroll). */
GtkWidget *pcn_desk_form_grid(GtkWindow *form);
/* The connection line the header shows ("Connected", "Reconnecting in
 * 3 s", ...). */
const char *pcn_desk_status(pcn_desk *d);
/* How many notices (toasts or desktop notifications) were raised, and
 * the last one's text. */
unsigned pcn_desk_notices(pcn_desk *d, const char **last);
/* Called each time new events have entered the feed model (tests time
 * it). */
void pcn_desk_on_rows(pcn_desk *d, void (*cb)(void *ud), void *ud);
/* Closes the connection; the window belongs to the application. */
void pcn_desk_free(pcn_desk *d);

/* Saves a PNG of what widget shows now. 0, or -1. */
int pcn_desk_screenshot(GtkWidget *widget, const char *path);

/* What the certificate banner under the header says, or NULL while it is
 * hidden (certbanner.c). */
const char *pcn_desk_cert_banner(pcn_desk *d);

/* What the lost-server banner says, or NULL while it is hidden
 * (shell.c). */
const char *pcn_desk_server_banner(pcn_desk *d);
/* Keeps the application running with the window hidden (--background,
 * and closing the window when Keep running is on); whether it is held. */
void pcn_desk_hold(pcn_desk *d);
int pcn_desk_held(pcn_desk *d);

/* The Network page's holiday rows (this year's and next). */
guint pcn_desk_network_holidays(pcn_desk *d);

#endif
