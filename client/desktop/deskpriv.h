/* deskpriv.h - what desk.c (the window, the connection, the feed, the
 * building blocks below) and the views (tasks.c, people.c, network.c and
 * issue 6's pages) share. Not for the tests: they go through desktop.h and
 * the widgets.
 */
#ifndef PCN_DESKPRIV_H
#define PCN_DESKPRIV_H

#include "config.h"
#include "desktop.h"

typedef struct desk_tasks desk_tasks;

struct pcn_desk {
  uv_loop_t loop;
  GSource *uvsrc;
  pcn_config cfg;
  int joined;
  pcn_client *cl;
  int subscribed;
  GListStore *feed;
  GtkFilterListModel *feed_shown; /* feed through the filters below */
  GtkCustomFilter *feed_filter;
  GtkWidget *feed_area, *feed_practice, *feed_mine;
  GtkWidget *window, *title, *stack, *feed_scroll, *feed_list;
  /* The sidebar (desk.c): one row per desk_pages entry after the Feed's,
   * each with its badge; the leaflet folds it away when narrow. */
  GtkWidget *leaflet, *sidebar, *feed_row, **page_rows, **page_badges;
  unsigned *page_counts;
  guint badges_id;
  guint tick;
  char status[480];
  char rewind_note[160]; /* the server was restored: said in the header */
  desk_tasks *tasks;
  GHashTable *task_wins;           /* task id -> its open window (taskwin.c) */
  GListStore *practices, *members; /* PcnRecordRow (people.c) */
  GtkSingleSelection *members_sel;
  GtkWidget *members_note;
  /* Who is logged in (WhoAmI at the first connect). */
  char username[40], practice[8];
  int role;
  /* Notifications (desk.c): events after live_from that concern the
   * member raise a toast (window focused) or a desktop notification. */
  uint64_t live_from;
  int mute_tasks;
  GtkWidget *toasts;
  GtkApplication *app;
  unsigned notices;
  char last_notice[700];
  char last_notice_id[64]; /* a notice with the same id soon after replaces */
  gint64 last_notice_us;
  AdwToast *last_toast;    /* a reference, or NULL */
  GPtrArray *feed_pending; /* rows for the next feed_flush */
  /* The funding streams' codes, for every page's stream pickers: the
   * defaults at once, the network's own after connecting and as they are
   * added (desk.c). Pages hold a reference. */
  GtkStringList *streams;
  /* Their names by code ("arrs" -> "ARRS reimbursement"), as the server
   * has them: what every page shows (words.h desk_stream_words). */
  GHashTable *stream_names;
  guint feed_flush_id;
  void (*on_rows)(void *ud);
  void *on_rows_ud;
  /* Issue 6's views, each its own file and state. */
  struct desk_network *network;
  struct desk_asks *asks;
  struct desk_news *news;
  struct desk_decisions *decisions;
  struct desk_duties *duties;
  struct desk_meetings *meetings;
  /* Issue 7's views. */
  struct desk_funds *funds;
  struct desk_staff *staff;
  struct desk_plan *plan;           /* plan.c: rates, expected, budgets */
  struct desk_headroom *headroom;   /* headroom.c: ARRS claims, headroom */
  struct desk_claims *claims;       /* claims.c: backfill claims, year end */
  struct desk_statement *statement; /* statement.c: a month, with its chart */
  GtkWidget *cert_banner, *cert_banner_label; /* certbanner.c */
  struct desk_shell *shell; /* shell.c: menu, shortcuts, banner, running */
};

/* certbanner.c: the strip under the header for a certificate near its
 * end (the latest cert_expiry ServerNotice). */
/* UK time (uktime.h) as a GDateTime to format: its fields are the London
 * wall clock of ms, whatever the machine's zone (issue 20); never format
 * its zone (%Z), which reads UTC. */
GDateTime *desk_london_time(gint64 ms);
/* The header's connection line from d->status (desk.c). */
void desk_show_status(pcn_desk *d);
/* The window's session has ended: ask for the password (relogin.c). */
void desk_session_ended(pcn_desk *d);

GtkWidget *certbanner_new(pcn_desk *d);
void certbanner_on_event(pcn_desk *d, const Pcn__Event *ev);

/* A view of its own (issue 6's areas follow this shape): view_new builds
 * the page, load runs once after the first connect, when the desk knows
 * who is looking (d->role, d->practice: desk.c's WhoAmI has been answered;
 * after a reconnect the feed catches the page up), on_event sees every
 * event, free runs as the window goes. */
#define DESK_VIEW(area)                                                        \
  GtkWidget *area##_view_new(pcn_desk *d);                                     \
  void area##_load(pcn_desk *d);                                               \
  void area##_on_event(pcn_desk *d, const Pcn__Event *ev);                     \
  void area##_free(pcn_desk *d);
DESK_VIEW(network)
DESK_VIEW(asks)
DESK_VIEW(news)
DESK_VIEW(decisions)
DESK_VIEW(duties)
DESK_VIEW(meetings)
DESK_VIEW(funds)
DESK_VIEW(staff)
DESK_VIEW(plan)
DESK_VIEW(headroom)
DESK_VIEW(claims)
DESK_VIEW(statement)
#undef DESK_VIEW

/* The page registry (issue 19). A page describes itself once, in its own
 * file, as a const desk_page; pages.c lists them in sidebar order (the one
 * file that names every page), and desk.c loops over that list to build,
 * load, feed events to, badge and free them. id is the page's name in the
 * stack (what the tests and the feed's links show). view_new is required;
 * the others may be NULL: load runs once after the first connect (see
 * DESK_VIEW), on_event sees every event, free runs as the window goes,
 * shown says whether the member's role uses the page (NULL: everyone; the
 * page stays in the stack, only its sidebar row goes), needs_me counts what
 * waits on this member (the row's badge; 0 hides it) from what the page
 * already holds, and actions adds the page's window actions and shortcuts
 * (tasks' Ctrl+N). The badges are asked again after events and
 * every second, so a page need not say when its count changes. search puts
 * the keyboard in the page's search (Ctrl+F on that page, shell.c; NULL:
 * the page has none) and select shows record id on the page (a
 * notification's Open, shell.c; NULL: the page alone is shown). */
typedef enum desk_group {
  DESK_WORK,
  DESK_MONEY,
  DESK_PEOPLE,
  DESK_NETWORK,
  DESK_N_GROUPS
} desk_group;

typedef struct desk_page {
  const char *id, *title;
  desk_group group;
  const char *icon; /* a symbolic icon of Adwaita's theme */
  GtkWidget *(*view_new)(pcn_desk *d);
  void (*load)(pcn_desk *d);
  void (*on_event)(pcn_desk *d, const Pcn__Event *ev);
  void (*free)(pcn_desk *d);
  int (*shown)(pcn_desk *d);
  unsigned (*needs_me)(pcn_desk *d);
  void (*actions)(pcn_desk *d);
  void (*search)(pcn_desk *d);
  void (*select)(pcn_desk *d, guint64 id);
} desk_page;

/* pages.c: every page, in sidebar order, and how many; the groups' names. */
extern const desk_page *const desk_pages[];
extern const size_t desk_n_pages;
extern const char *const desk_group_names[DESK_N_GROUPS];
/* Each page file's descriptor. */
extern const desk_page tasks_page, asks_page, news_page, decisions_page,
    meetings_page, duties_page, funds_page, statement_page, plan_page,
    headroom_page, claims_page, staff_page, practices_page, members_page,
    network_page;
/* pages.c: the role rules several pages share. */
int desk_role_is_staff(pcn_desk *d); /* staff or clinician */
/* desk.c: shows page id (and, when the window is narrow, the content
 * rather than the sidebar), as choosing its sidebar row does. */
void desk_show_page(pcn_desk *d, const char *id);

/* tasks.c */
GtkWidget *tasks_view_new(pcn_desk *d);
void tasks_load(pcn_desk *d); /* after the first connect */
void tasks_on_event(pcn_desk *d, const Pcn__Event *ev);
void tasks_free(pcn_desk *d);
/* Opens the new-task window (win.new-task, Ctrl+N). */
void tasks_new_dialog(pcn_desk *d);
/* desk.c: the forms' building blocks. desk_entry makes a text entry (a
 * password entry if secret) whose widget name is also its accessible
 * label; desk_field puts a mnemonic label and w in a row of grid (the
 * label names w for screen readers too) and returns w. */
GtkWidget *desk_entry(const char *name, const char *placeholder, int secret);
GtkWidget *desk_field(GtkWidget *grid, int row, const char *label,
                      GtkWidget *w);
/* desk.c: a banner under the header (certbanner.c, shell.c): a card of
 * icon, label and button (NULL: none) in a GtkRevealer named name, with
 * a11y as its accessible label, hidden until revealed. */
GtkWidget *desk_banner_new(const char *name, const char *a11y, const char *icon,
                           GtkWidget *label, GtkWidget *button);
/* desk.c: a form window. desk_form makes a modal AdwWindow over the
 * desk's, named name (how the tests and screen readers find it), titled
 * title (name when NULL), width wide, with a header bar (Cancel at its
 * start; Escape cancels too) over grid, laid out for desk_field, which
 * scrolls; desk_form_grid gives the grid back, desk_form_cancel the Cancel
 * button (a window that stays open after its action relabels it Close). The
 * caller owns the window, connects its "destroy" and presents it.
 * desk_form_error attaches the form's error line (hidden, wrapping, across both
 * columns; selectable, so that it can be copied, if asked) at row; desk_say
 * puts text in such a line and shows it. desk_form_action puts button at the
 * end of the header bar as the form's default (Enter); desk_form_go makes that
 * button, a suggested action labelled mnemonic, clicked calling cb(button, ud).
 * desk_form_send sends req with d as cb's data and makes go
 * insensitive until the answer (0), or says DESK_OFFLINE in error (-1). */
#define DESK_OFFLINE                                                           \
  "Not connected to the server; try again when the header says Connected."
GtkWidget *desk_form(pcn_desk *d, const char *name, const char *title,
                     int width, GtkWidget *grid);
GtkWidget *desk_form_error(GtkWidget *grid, int row, int selectable);
void desk_say(GtkWidget *label, const char *text);
GtkWidget *desk_form_grid(GtkWidget *form);
GtkWidget *desk_form_cancel(GtkWidget *form);
void desk_form_action(GtkWidget *form, GtkWidget *button);
GtkWidget *desk_form_go(GtkWidget *form, const char *mnemonic, GCallback cb,
                        gpointer ud);
int desk_form_send(pcn_desk *d, const Pcn__Request *req, pcn_response_cb cb,
                   GtkWidget *go, GtkWidget *error);
/* desk.c, for the pages' own requests: desk_note shows text in a page's
 * note label (with the error style when error); desk_send sends req with
 * d as cb's data, 0, or -1 after saying DESK_OFFLINE in note (callbacks
 * check their page's state first: a closing client fails what is in
 * flight after the page is freed); desk_list_add appends s to list
 * unless it is there already (the stream pickers). */
void desk_note(GtkWidget *note, const char *text, int error);
int desk_send(pcn_desk *d, GtkWidget *note, Pcn__Request *req,
              pcn_response_cb cb);
void desk_list_add(GtkStringList *list, const char *s);
/* desk.c: the bar across the top of a page (its summary, filters and
 * buttons), with the pages' common margins. */
GtkWidget *desk_bar(void);
/* desk.c: a deep copy of message m (of any type), made by packing and
 * unpacking it; NULL if out of memory. The caller frees it with its type's
 * free_unpacked (or protobuf_c_message_free_unpacked) and a NULL
 * allocator. */
void *desk_copy_msg(const ProtobufCMessage *m);

/* desk.c: a notice (toast, or a desktop notification when the window is
 * not focused) for a live event that concerns the member: not history
 * replayed at start, not a change they made, not when muted. id names it
 * for GNotification ("ask-7"). The GUI tests read pcn_desk_notices. */
void desk_notice(pcn_desk *d, const Pcn__Event *ev, const char *id,
                 const char *title, const char *body);

/* join.c: the first-run page (join with a code, or log in again). */
GtkWidget *join_view_new(pcn_desk *d);
/* Closes the join page's connections still open or waiting to close
 * (pcn_desk_free, before its loop is drained). */
void join_shutdown(pcn_desk *d);
/* desk.c: d->cfg now holds a session; show the network and connect. */
void desk_joined(pcn_desk *d);

/* people.c */
GtkWidget *practices_view_new(pcn_desk *d);
GtkWidget *members_view_new(pcn_desk *d);
void people_load(pcn_desk *d);
void people_on_event(pcn_desk *d, const Pcn__Event *ev);
void people_free(pcn_desk *d);
/* The active members as the calendar export names them: *n members whose
 * strings belong to the Members list (valid until it next changes); the
 * caller g_free()s the array. */
Pcn__Member *pcn_desk_member_directory(pcn_desk *d, size_t *n);

/* taskwin.c: opens (or raises) the window of task id. */
GtkWindow *taskwin_open(pcn_desk *d, guint64 id);
void taskwin_close_all(pcn_desk *d);
/* Puts the keyboard in the search entry (win.search, Ctrl+F). */
void tasks_focus_search(pcn_desk *d);

/* feedview.c: the Feed page (issue 19 moved it out of desk.c). feed_view
 * builds it over d->feed; feed_row_from_event makes an event's row;
 * feed_flush (an idle callback, ud the desk) splices the rows waiting in
 * d->feed_pending into the model, newest first. */
GtkWidget *feed_view(pcn_desk *d);
PcnFeedRow *feed_row_from_event(pcn_desk *d, const Pcn__Event *ev);
gboolean feed_flush(gpointer ud);
/* feedview.c: the words of the notice of a task event for the member
 * (desk.c's maybe_notice): "Flu clinic numbers at Hill Street, due Fri
 * 15 Jan, from Jo Bloggs". */
void feed_task_notice(pcn_desk *d, const Pcn__Event *ev, char *out, size_t n);

#endif
