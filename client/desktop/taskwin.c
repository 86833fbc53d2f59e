/* taskwin.c - one task's window: edit its title, description, due date
 * and how it repeats (issue 20: closing a recurring task makes the next),
 * assign it, comment, close or reopen it. An overdue task says so under its
 * fields (by the server's London date, TaskDetail.today). Issue 19: who
 * made it, its scope and its dates in words above the fields, the due date
 * typed as people write it (words.h), and what the member may not do
 * greyed out with the reason (perms.h, the server's own table).
 *
 * It is a GNOME detail window (issue 19): an AdwWindow whose header bar
 * names the task and its scope, with Cancel at the start (closes, edits
 * not saved are dropped) and Save at the end; Escape cancels, Enter in a
 * one-line field saves. The body scrolls, so the window fits 800x600.
 * The assignee is picked by name (words.h's person picker) from those the
 * server accepts for the task (tasks.c's task_check_assignee: an active
 * member; of the task's practice for a practice task), "Nobody" first;
 * Save sends the edit, then the assignment, if it changed, over the
 * version the edit made (TaskUpdate has no assignee).
 *
 * Every change names the version the window read. If someone else changed
 * the task meanwhile the server answers CONFLICT with the task as it is
 * now; the window then shows both, the person's own edit still in the
 * fields and the other one beside it, and asks: keep mine (send it again
 * over the new version) or take theirs (put theirs in the fields). Neither
 * is ever lost without the person choosing.
 */
#include <stdio.h>
#include <string.h>

#include "deskpriv.h"
#include "perms.h"
#include "words.h"

typedef struct task_win {
  pcn_desk *d;
  guint64 id;
  guint32 version; /* what the fields were read from */
  int closed;
  char want_assignee[48]; /* Save's pick, assigned once the edit is saved */
  int may_save;           /* the table lets the member change it (perms.h) */
  GtkWidget *win, *heading, *title, *due, *every, *save, *toggle, *note;
  GtkWidget *about, *body, *due_error;
  /* The person picker, made when the task's scope is known (fill), in
   * assign_box above assign_error; assign_label names it. */
  GtkWidget *assign, *assign_box, *assign_label, *assign_error;
  GtkWidget *comments, *comment, *comment_btn;
  GtkWidget *conflict, *theirs;
  guint32 their_version;
  char their_title[400], their_due[16], their_assignee[48];
  char *their_body;
  guint their_every;
  int pending; /* requests not yet answered: w lives until they are */
  int dead;    /* the window is gone */
} task_win;

/* Each answer calls this first; 1 means w is gone (freed) and the answer
 * is dropped. */
static int answered(task_win *w) {
  w->pending--;
  if (!w->dead) return 0;
  if (!w->pending) {
    g_free(w->their_body);
    g_free(w);
  }
  return 1;
}

static int call(task_win *w, Pcn__Request *req, pcn_response_cb cb) {
  if (!w->d->cl || !pcn_client_call(w->d->cl, req, cb, w)) return -1;
  w->pending++;
  return 0;
}

static void say(task_win *w, const char *text, int error) {
  gtk_label_set_text(GTK_LABEL(w->note), text);
  if (error)
    gtk_widget_add_css_class(w->note, "error");
  else
    gtk_widget_remove_css_class(w->note, "error");
}

static void body_set(task_win *w, const char *text) {
  gtk_text_buffer_set_text(gtk_text_view_get_buffer(GTK_TEXT_VIEW(w->body)),
                           text, -1);
}

/* The description as typed; g_free it. */
static char *body_get(task_win *w) {
  GtkTextBuffer *b = gtk_text_view_get_buffer(GTK_TEXT_VIEW(w->body));
  GtkTextIter s, e;
  gtk_text_buffer_get_bounds(b, &s, &e);
  return gtk_text_buffer_get_text(b, &s, &e, FALSE);
}

/* "Created by Jo Bloggs on Tue 9 Dec · Riverside Surgery · due Fri 12
 * Dec", and when it was closed. */
static void about_set(task_win *w, const Pcn__Task *t) {
  pcn_desk *d = w->d;
  char made[40] = "", due[32] = "", closed[40] = "";
  if (t->created_at) desk_datetime_words(t->created_at, made, sizeof made);
  desk_date_words(t->due, due, sizeof due, DESK_DATE_WEEKDAY);
  if (t->status == PCN__TASK_STATUS__TASK_CLOSED && t->closed_at)
    desk_datetime_words(t->closed_at, closed, sizeof closed);
  char *text = g_strdup_printf(
      "Created by %s%s%s · %s%s%s%s%s", desk_person_words(d, t->created_by),
      made[0] ? " on " : "", made,
      t->practice[0] ? desk_practice_words(d, t->practice) : "Whole network",
      due[0] ? " · due " : " · no due date", due, closed[0] ? " · closed " : "",
      closed);
  gtk_label_set_text(GTK_LABEL(w->about), text);
  g_free(text);
}

/* Greys out what the server's table would refuse, with the reason. */
static void apply_perms(task_win *w, const Pcn__Task *t) {
  pcn_desk *d = w->d;
  gboolean owner =
      !strcmp(t->created_by, d->username) || !strcmp(t->assignee, d->username);
  w->may_save = desk_may_widget(d, w->save, PCN__REQUEST__BODY_TASK_UPDATE,
                                t->practice, owner, NULL);
  const char *why = gtk_widget_get_tooltip_text(w->save);
  gtk_editable_set_editable(GTK_EDITABLE(w->title), w->may_save);
  gtk_editable_set_editable(GTK_EDITABLE(desk_date_entry_text(w->due)),
                            w->may_save);
  gtk_widget_set_sensitive(w->every, w->may_save);
  gtk_text_view_set_editable(GTK_TEXT_VIEW(w->body), w->may_save);
  gtk_widget_set_tooltip_text(w->body, w->may_save ? NULL : why);
  desk_may_widget(d, w->toggle,
                  w->closed ? PCN__REQUEST__BODY_TASK_REOPEN
                            : PCN__REQUEST__BODY_TASK_CLOSE,
                  t->practice, owner, NULL);
  /* Insensitive, the picker still names who holds it. */
  desk_may_widget(d, w->assign, PCN__REQUEST__BODY_TASK_ASSIGN, t->practice,
                  owner, NULL);
}

/* The picker offers whom the server would accept as the assignee of a task
 * of practice ("" for the network): "Nobody", then the active members
 * (of practice, for a practice task) by name. */
static void assign_build(task_win *w, const char *practice) {
  w->assign = desk_person_picker_new(w->d, practice[0] ? practice : NULL);
  desk_person_picker_add(w->assign, 0, "", "Nobody");
  gtk_widget_set_name(w->assign, "Assigned to");
  gtk_accessible_update_property(GTK_ACCESSIBLE(w->assign),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Assigned to",
                                 -1);
  gtk_widget_set_hexpand(w->assign, TRUE);
  gtk_box_prepend(GTK_BOX(w->assign_box), w->assign);
  gtk_label_set_mnemonic_widget(GTK_LABEL(w->assign_label), w->assign);
}

/* Shows username ("" Nobody) in the picker; someone it does not offer (a
 * holder since disabled, or who joined after the window was opened) is
 * added, by name, so the window never shows the wrong person. */
static void assign_show(task_win *w, const char *username) {
  if (desk_person_picker_set(w->assign, username) == 0) return;
  desk_person_picker_add(w->assign, -1, username,
                         desk_person_words(w->d, username));
  desk_person_picker_set(w->assign, username);
}

/* The picker's choice ("" Nobody). */
static const char *assign_get(task_win *w) {
  const char *who = w->assign ? desk_person_picker_get(w->assign) : NULL;
  return who ? who : "";
}

static void fill(task_win *w, const Pcn__Task *t) {
  w->version = t->version;
  w->closed = t->status == PCN__TASK_STATUS__TASK_CLOSED;
  gtk_editable_set_text(GTK_EDITABLE(w->title), t->title);
  desk_date_entry_set(w->due, t->due);
  body_set(w, t->body);
  about_set(w, t);
  desk_field_error(desk_date_entry_text(w->due), w->due_error, NULL);
  gtk_drop_down_set_selected(
      GTK_DROP_DOWN(w->every),
      t->every <= PCN__TASK_REPEAT__TASK_QUARTERLY ? (guint)t->every : 0);
  if (!w->assign) assign_build(w, t->practice);
  assign_show(w, t->assignee);
  desk_field_error(w->assign, w->assign_error, NULL);
  gtk_button_set_label(GTK_BUTTON(w->toggle),
                       w->closed ? "_Reopen" : "Mark _done");
  /* The header: the task, and whom it is for in words. */
  adw_window_title_set_title(ADW_WINDOW_TITLE(w->heading), t->title);
  gtk_widget_set_tooltip_text(w->heading, t->title); /* when it is cut */
  adw_window_title_set_subtitle(ADW_WINDOW_TITLE(w->heading),
                                t->practice[0]
                                    ? desk_practice_words(w->d, t->practice)
                                    : "Whole network");
  char title[440];
  snprintf(title, sizeof title, "Task %llu: %s", (unsigned long long)t->id,
           t->title);
  gtk_window_set_title(GTK_WINDOW(w->win), title);
  apply_perms(w, t);
}

static void add_comment_row(task_win *w, const Pcn__Comment *c) {
  char *text = g_strdup_printf("%s: %s", c->author, c->text);
  GtkWidget *l = gtk_label_new(text);
  g_free(text);
  gtk_label_set_wrap(GTK_LABEL(l), TRUE);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  gtk_box_append(GTK_BOX(w->comments), l);
}

/* "for Jo Bloggs" or "for nobody", into out. */
static void for_words(task_win *w, const char *who, char *out, size_t n) {
  snprintf(out, n, "for %s", who[0] ? desk_person_words(w->d, who) : "nobody");
}

/* A CONFLICT: keep the person's fields, show theirs beside them. */
static void show_conflict(task_win *w, const Pcn__Task *now) {
  w->their_version = now->version;
  snprintf(w->their_title, sizeof w->their_title, "%s", now->title);
  snprintf(w->their_due, sizeof w->their_due, "%s", now->due);
  snprintf(w->their_assignee, sizeof w->their_assignee, "%s", now->assignee);
  g_free(w->their_body);
  w->their_body = g_strdup(now->body);
  w->their_every =
      now->every <= PCN__TASK_REPEAT__TASK_QUARTERLY ? (guint)now->every : 0;
  char their_due[32], their_for[120], my_for[120];
  desk_date_words(now->due, their_due, sizeof their_due, DESK_DATE_WEEKDAY);
  for_words(w, now->assignee, their_for, sizeof their_for);
  for_words(w, assign_get(w), my_for, sizeof my_for);
  /* Mine as typed, in words when it reads as a date. */
  char iso[11], my_due[32];
  if (desk_date_entry_get(w->due, iso, NULL) == 0)
    desk_date_words(iso, my_due, sizeof my_due, DESK_DATE_WEEKDAY);
  else
    snprintf(my_due, sizeof my_due, "%s",
             gtk_editable_get_text(GTK_EDITABLE(desk_date_entry_text(w->due))));
  char *text =
      g_strdup_printf("Someone else changed this task while you were editing.\n"
                      "Theirs: “%s”, due %s, %s\nYours: “%s”, due %s, %s",
                      now->title, their_due[0] ? their_due : "none", their_for,
                      gtk_editable_get_text(GTK_EDITABLE(w->title)),
                      my_due[0] ? my_due : "none", my_for);
  gtk_label_set_text(GTK_LABEL(w->theirs), text);
  g_free(text);
  gtk_widget_set_visible(w->conflict, TRUE);
  say(w, "Not saved yet: choose which version to keep.", 1);
}

static void change(task_win *w, Pcn__Request *req, pcn_response_cb cb) {
  if (call(w, req, cb)) {
    say(w,
        "Not connected to the server; try again when the header says "
        "Connected.",
        1);
    return;
  }
  gtk_widget_set_sensitive(w->save, FALSE);
}

/* An answer to a change: a CONFLICT shows both versions; a refusal says
 * why, also beside the field it names; else the fields show the task as
 * the server saved it, which this returns (NULL otherwise). */
static const Pcn__Task *took(task_win *w, const Pcn__Response *r) {
  gtk_widget_set_sensitive(w->save, w->may_save);
  if (r->status->code == PCN__STATUS_CODE__CONFLICT &&
      r->body_case == PCN__RESPONSE__BODY_TASK) {
    show_conflict(w, r->task);
    return NULL;
  }
  if (r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_TASK) {
    char words[600];
    desk_error_words(r->status, words, sizeof words);
    const char *field = r->status->details && r->status->details->field
                            ? r->status->details->field
                            : "";
    if (!strcmp(field, "due"))
      desk_field_error(desk_date_entry_text(w->due), w->due_error, r->status);
    else if (!strcmp(field, "assignee"))
      desk_field_error(w->assign, w->assign_error, r->status);
    say(w, words, 1);
    return NULL;
  }
  gtk_widget_set_visible(w->conflict, FALSE);
  fill(w, r->task);
  return r->task;
}

static void on_assigned(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  task_win *w = ud;
  if (answered(w)) return;
  if (took(w, r)) say(w, "Saved.", 0);
}

/* The edit is saved; the assignment, if it changed, follows over the
 * version the edit made. */
static void on_saved(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  task_win *w = ud;
  if (answered(w)) return;
  const Pcn__Task *t = took(w, r);
  if (!t) return;
  if (!strcmp(w->want_assignee, t->assignee)) {
    say(w, "Saved.", 0);
    return;
  }
  assign_show(w, w->want_assignee); /* fill showed the one saved */
  Pcn__TaskAssign a = PCN__TASK_ASSIGN__INIT;
  a.id = w->id;
  a.version = w->version;
  a.assignee = w->want_assignee;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_ASSIGN;
  req.task_assign = &a;
  change(w, &req, on_assigned);
}

static void on_toggled(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  task_win *w = ud;
  if (answered(w)) return;
  if (took(w, r)) say(w, w->closed ? "Marked done." : "Reopened.", 0);
}

static void save_over(task_win *w, guint32 version) {
  char due[11];
  const char *why = NULL;
  if (desk_date_entry_get(w->due, due, &why) < 0) {
    /* Said under the field, in the words the entry's check uses. */
    Pcn__Status st = PCN__STATUS__INIT;
    st.code = PCN__STATUS_CODE__INVALID_ARGUMENT;
    st.message = (char *)(why ? why : "Type the due date as 9/12/2026.");
    desk_field_error(desk_date_entry_text(w->due), w->due_error, &st);
    say(w, "Not saved: the due date needs a look.", 1);
    return;
  }
  desk_field_error(desk_date_entry_text(w->due), w->due_error, NULL);
  desk_field_error(w->assign, w->assign_error, NULL);
  snprintf(w->want_assignee, sizeof w->want_assignee, "%s", assign_get(w));
  char *body = body_get(w);
  Pcn__TaskUpdate u = PCN__TASK_UPDATE__INIT;
  u.id = w->id;
  u.version = version;
  u.has_title_case = PCN__TASK_UPDATE__HAS_TITLE_TITLE;
  u.title = (char *)gtk_editable_get_text(GTK_EDITABLE(w->title));
  u.has_body_case = PCN__TASK_UPDATE__HAS_BODY_BODY;
  u.body = body;
  u.has_due_case = PCN__TASK_UPDATE__HAS_DUE_DUE;
  u.due = due;
  u.has_every_case = PCN__TASK_UPDATE__HAS_EVERY_EVERY;
  u.every =
      (Pcn__TaskRepeat)gtk_drop_down_get_selected(GTK_DROP_DOWN(w->every));
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_UPDATE;
  req.task_update = &u;
  change(w, &req, on_saved);
  g_free(body);
}

static void on_save(GtkButton *b, gpointer ud) {
  (void)b;
  task_win *w = ud;
  if (!w->assign) return; /* not read yet */
  save_over(w, w->version);
}

static void on_keep_mine(GtkButton *b, gpointer ud) {
  (void)b;
  task_win *w = ud;
  save_over(w, w->their_version); /* my fields, over what is there now */
}

static void on_take_theirs(GtkButton *b, gpointer ud) {
  (void)b;
  task_win *w = ud;
  gtk_editable_set_text(GTK_EDITABLE(w->title), w->their_title);
  desk_date_entry_set(w->due, w->their_due);
  if (w->their_body) body_set(w, w->their_body);
  gtk_drop_down_set_selected(GTK_DROP_DOWN(w->every), w->their_every);
  assign_show(w, w->their_assignee);
  w->version = w->their_version;
  gtk_widget_set_visible(w->conflict, FALSE);
  say(w, "Showing their version; nothing was saved.", 0);
}

static void on_toggle(GtkButton *b, gpointer ud) {
  (void)b;
  task_win *w = ud;
  Pcn__Request req = PCN__REQUEST__INIT;
  Pcn__TaskClose c = PCN__TASK_CLOSE__INIT;
  Pcn__TaskReopen o = PCN__TASK_REOPEN__INIT;
  if (w->closed) {
    o.id = w->id;
    o.version = w->version;
    req.body_case = PCN__REQUEST__BODY_TASK_REOPEN;
    req.task_reopen = &o;
  } else {
    c.id = w->id;
    c.version = w->version;
    req.body_case = PCN__REQUEST__BODY_TASK_CLOSE;
    req.task_close = &c;
  }
  change(w, &req, on_toggled);
}

static void on_commented(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  task_win *w = ud;
  if (answered(w)) return;
  gtk_widget_set_sensitive(w->comment_btn, TRUE);
  if (r->status->code != PCN__STATUS_CODE__OK) {
    say(w, r->status->message, 1); /* the text stays in the entry */
    return;
  }
  Pcn__Comment c = PCN__COMMENT__INIT;
  c.author = w->d->username;
  c.text = (char *)gtk_editable_get_text(GTK_EDITABLE(w->comment));
  add_comment_row(w, &c);
  gtk_editable_set_text(GTK_EDITABLE(w->comment), "");
  say(w, "Comment added.", 0);
}

static void on_comment(GtkWidget *b, gpointer ud) {
  (void)b;
  task_win *w = ud;
  Pcn__TaskComment c = PCN__TASK_COMMENT__INIT;
  c.id = w->id;
  c.text = (char *)gtk_editable_get_text(GTK_EDITABLE(w->comment));
  if (!c.text[0]) return;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_COMMENT;
  req.task_comment = &c;
  if (call(w, &req, on_commented) == 0)
    gtk_widget_set_sensitive(w->comment_btn, FALSE);
  else
    say(w, "Not connected to the server; the comment is kept here.", 1);
}

static void on_loaded(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  task_win *w = ud;
  if (answered(w)) return;
  if (r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_TASK_DETAIL) {
    say(w, r->status->message, 1);
    return;
  }
  const Pcn__Task *t = r->task_detail->task;
  fill(w, t);
  for (size_t i = 0; i < r->task_detail->n_comments; i++)
    add_comment_row(w, r->task_detail->comments[i]);
  const char *today = r->task_detail->today;
  char late[80] = "";
  if (t->status == PCN__TASK_STATUS__TASK_OPEN && t->due[0] && today[0] &&
      strcmp(t->due, today) < 0) {
    char when[32];
    desk_date_words(t->due, when, sizeof when, DESK_DATE_WEEKDAY);
    snprintf(late, sizeof late, "Overdue: it was due %s.", when);
  }
  say(w, late, late[0] != 0);
}

static void on_destroy(GtkWidget *win, gpointer ud) {
  (void)win;
  task_win *w = ud;
  if (w->d->task_wins) g_hash_table_remove(w->d->task_wins, &w->id);
  w->win = NULL;
  w->dead = 1;
  if (!w->pending) { /* else the last answer frees it */
    g_free(w->their_body);
    g_free(w);
  }
}

/* The header bar: Cancel at the start, the task and its scope in the
 * middle (fill), Save at the end; no close button (Cancel is it). */
static GtkWidget *header_new(task_win *w) {
  GtkWidget *header = adw_header_bar_new();
  adw_header_bar_set_show_start_title_buttons(ADW_HEADER_BAR(header), FALSE);
  adw_header_bar_set_show_end_title_buttons(ADW_HEADER_BAR(header), FALSE);
  w->heading = adw_window_title_new("Task", "Loading…");
  adw_header_bar_set_title_widget(ADW_HEADER_BAR(header), w->heading);
  GtkWidget *cancel = gtk_button_new_with_mnemonic("_Cancel");
  gtk_widget_set_tooltip_text(cancel, "Close without saving (Escape)");
  g_signal_connect_swapped(cancel, "clicked", G_CALLBACK(gtk_window_close),
                           w->win);
  adw_header_bar_pack_start(ADW_HEADER_BAR(header), cancel);
  w->save = gtk_button_new_with_mnemonic("_Save");
  gtk_widget_add_css_class(w->save, "suggested-action");
  gtk_widget_set_sensitive(w->save, FALSE); /* until the task is read */
  g_signal_connect(w->save, "clicked", G_CALLBACK(on_save), w);
  adw_header_bar_pack_end(ADW_HEADER_BAR(header), w->save);
  /* Enter in a one-line field (the title, the due date) saves. */
  gtk_window_set_default_widget(GTK_WINDOW(w->win), w->save);
  /* Escape cancels, as Cancel does. */
  GtkEventController *keys = gtk_shortcut_controller_new();
  gtk_shortcut_controller_add_shortcut(
      GTK_SHORTCUT_CONTROLLER(keys),
      gtk_shortcut_new(gtk_keyval_trigger_new(GDK_KEY_Escape, 0),
                       gtk_named_action_new("window.close")));
  gtk_widget_add_controller(w->win, keys);
  return header;
}

/* A field's refusal, under it (desk_field_error shows it). */
static GtkWidget *under_field(GtkWidget *field, GtkWidget **error) {
  *error = gtk_label_new(NULL);
  gtk_label_set_wrap(GTK_LABEL(*error), TRUE);
  gtk_label_set_xalign(GTK_LABEL(*error), 0);
  gtk_widget_set_visible(*error, FALSE);
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
  if (field) gtk_box_append(GTK_BOX(box), field);
  gtk_box_append(GTK_BOX(box), *error);
  return box;
}

/* Title, description, due date, repeats and assignee, from row 1. */
static void fields_new(task_win *w, GtkWidget *grid) {
  w->title = desk_field(grid, 1, "_Title", desk_entry("Title", NULL, 0));
  gtk_entry_set_activates_default(GTK_ENTRY(w->title), TRUE);
  /* The description: plain text, wrapping, selectable; editable by those
   * the table lets change the task. */
  w->body = gtk_text_view_new();
  gtk_widget_set_name(w->body, "Description");
  gtk_text_view_set_wrap_mode(GTK_TEXT_VIEW(w->body), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin(GTK_TEXT_VIEW(w->body), 6);
  gtk_text_view_set_right_margin(GTK_TEXT_VIEW(w->body), 6);
  gtk_text_view_set_top_margin(GTK_TEXT_VIEW(w->body), 6);
  gtk_text_view_set_bottom_margin(GTK_TEXT_VIEW(w->body), 6);
  gtk_accessible_update_property(GTK_ACCESSIBLE(w->body),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Description",
                                 -1);
  GtkWidget *bscroll = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(bscroll), w->body);
  gtk_scrolled_window_set_min_content_height(GTK_SCROLLED_WINDOW(bscroll), 90);
  gtk_widget_add_css_class(bscroll, "card");
  desk_field(grid, 2, "D_escription", bscroll);
  gtk_label_set_mnemonic_widget(
      GTK_LABEL(gtk_grid_get_child_at(GTK_GRID(grid), 0, 2)), w->body);
  /* The due date as people type it, its refusal under it. */
  w->due = desk_date_entry_new("Due date");
  gtk_entry_set_activates_default(GTK_ENTRY(desk_date_entry_text(w->due)),
                                  TRUE);
  desk_field(grid, 3, "_Due", under_field(w->due, &w->due_error));
  gtk_label_set_mnemonic_widget(
      GTK_LABEL(gtk_grid_get_child_at(GTK_GRID(grid), 0, 3)),
      desk_date_entry_text(w->due));
  /* The TaskRepeat values, in order. */
  const char *every[] = {"Never", "Every week", "Every month", "Every quarter",
                         NULL};
  w->every = gtk_drop_down_new_from_strings(every);
  gtk_widget_set_name(w->every, "Repeats");
  gtk_accessible_update_property(GTK_ACCESSIBLE(w->every),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Repeats", -1);
  desk_field(grid, 4, "_Repeats", w->every);
  /* The picker joins the box once the task's scope is known (fill). */
  w->assign_box = under_field(NULL, &w->assign_error);
  desk_field(grid, 5, "_Assigned to", w->assign_box);
  w->assign_label = gtk_grid_get_child_at(GTK_GRID(grid), 0, 5);
}

/* The card a CONFLICT shows: both versions, Keep mine or Take theirs. */
static GtkWidget *conflict_new(task_win *w) {
  w->conflict = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_add_css_class(w->conflict, "card");
  w->theirs = gtk_label_new(NULL);
  gtk_label_set_wrap(GTK_LABEL(w->theirs), TRUE);
  gtk_label_set_xalign(GTK_LABEL(w->theirs), 0);
  gtk_widget_set_margin_start(w->theirs, 12);
  gtk_widget_set_margin_end(w->theirs, 12);
  gtk_widget_set_margin_top(w->theirs, 12);
  GtkWidget *keep = gtk_button_new_with_mnemonic("_Keep mine");
  GtkWidget *take = gtk_button_new_with_mnemonic("Take _theirs");
  g_signal_connect(keep, "clicked", G_CALLBACK(on_keep_mine), w);
  g_signal_connect(take, "clicked", G_CALLBACK(on_take_theirs), w);
  GtkWidget *choose = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start(choose, 12);
  gtk_widget_set_margin_bottom(choose, 12);
  gtk_box_append(GTK_BOX(choose), keep);
  gtk_box_append(GTK_BOX(choose), take);
  gtk_box_append(GTK_BOX(w->conflict), w->theirs);
  gtk_box_append(GTK_BOX(w->conflict), choose);
  gtk_widget_set_visible(w->conflict, FALSE);
  return w->conflict;
}

/* The comments and the line to add one, from row. */
static void comments_new(task_win *w, GtkWidget *grid, int row) {
  GtkWidget *ch = gtk_label_new("Comments");
  gtk_widget_add_css_class(ch, "heading");
  gtk_label_set_xalign(GTK_LABEL(ch), 0);
  gtk_widget_set_margin_top(ch, 12);
  gtk_grid_attach(GTK_GRID(grid), ch, 0, row, 2, 1);
  /* In the window's own scroller: a long thread scrolls with the rest. */
  w->comments = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
  gtk_grid_attach(GTK_GRID(grid), w->comments, 0, row + 1, 2, 1);
  w->comment = desk_entry("New comment", "Add a comment", 0);
  gtk_widget_set_hexpand(w->comment, TRUE);
  g_signal_connect(w->comment, "activate", G_CALLBACK(on_comment), w);
  w->comment_btn = gtk_button_new_with_mnemonic("Add _comment");
  g_signal_connect(w->comment_btn, "clicked", G_CALLBACK(on_comment), w);
  GtkWidget *crow = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append(GTK_BOX(crow), w->comment);
  gtk_box_append(GTK_BOX(crow), w->comment_btn);
  gtk_grid_attach(GTK_GRID(grid), crow, 0, row + 2, 2, 1);
}

GtkWindow *taskwin_open(pcn_desk *d, guint64 id) {
  if (!d->task_wins)
    d->task_wins = g_hash_table_new(g_int64_hash, g_int64_equal);
  task_win *w = g_hash_table_lookup(d->task_wins, &id);
  if (w) {
    gtk_window_present(GTK_WINDOW(w->win));
    return GTK_WINDOW(w->win);
  }
  w = g_new0(task_win, 1);
  w->d = d;
  w->id = id;
  w->win = adw_window_new();
  gtk_widget_set_name(w->win, "Task");
  gtk_window_set_title(GTK_WINDOW(w->win), "Task");
  gtk_window_set_transient_for(GTK_WINDOW(w->win), GTK_WINDOW(d->window));
  /* Within 800x600 with the desk's header and a panel beside it. */
  gtk_window_set_default_size(GTK_WINDOW(w->win), 600, 560);
  g_signal_connect(w->win, "destroy", G_CALLBACK(on_destroy), w);
  GtkWidget *header = header_new(w);

  GtkWidget *grid = gtk_grid_new();
  gtk_grid_set_row_spacing(GTK_GRID(grid), 8);
  gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
  /* Who made it, for whom, and when, in words (issue 19). */
  w->about = gtk_label_new(NULL);
  gtk_widget_set_name(w->about, "About the task");
  gtk_label_set_wrap(GTK_LABEL(w->about), TRUE);
  gtk_label_set_xalign(GTK_LABEL(w->about), 0);
  gtk_widget_add_css_class(w->about, "dim-label");
  gtk_grid_attach(GTK_GRID(grid), w->about, 0, 0, 2, 1);
  fields_new(w, grid);
  gtk_grid_attach(GTK_GRID(grid), conflict_new(w), 0, 6, 2, 1);
  /* What the window has to say, and Mark done or Reopen. */
  w->toggle = gtk_button_new_with_mnemonic("Mark _done");
  g_signal_connect(w->toggle, "clicked", G_CALLBACK(on_toggle), w);
  w->note = gtk_label_new("Loading…");
  gtk_label_set_wrap(GTK_LABEL(w->note), TRUE);
  gtk_label_set_xalign(GTK_LABEL(w->note), 0);
  gtk_widget_set_hexpand(w->note, TRUE);
  GtkWidget *actions = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append(GTK_BOX(actions), w->note);
  gtk_box_append(GTK_BOX(actions), w->toggle);
  gtk_grid_attach(GTK_GRID(grid), actions, 0, 7, 2, 1);
  comments_new(w, grid, 8);
  gtk_widget_set_margin_start(grid, 18);
  gtk_widget_set_margin_end(grid, 18);
  gtk_widget_set_margin_top(grid, 18);
  gtk_widget_set_margin_bottom(grid, 18);

  /* The body scrolls under the header bar, so the window is as short as
   * the screen needs. */
  GtkWidget *scroll = gtk_scrolled_window_new();
  gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroll), GTK_POLICY_NEVER,
                                 GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), grid);
  gtk_widget_set_vexpand(scroll, TRUE);
  GtkWidget *content = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append(GTK_BOX(content), header);
  gtk_box_append(GTK_BOX(content), scroll);
  adw_window_set_content(ADW_WINDOW(w->win), content);
  g_hash_table_insert(d->task_wins, &w->id, w);

  Pcn__TaskGet g = PCN__TASK_GET__INIT;
  g.id = id;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_GET;
  req.task_get = &g;
  if (call(w, &req, on_loaded))
    say(w,
        "Not connected to the server; close this and open the task "
        "again when the header says Connected.",
        1);
  gtk_window_present(GTK_WINDOW(w->win));
  return GTK_WINDOW(w->win);
}

GtkWindow *pcn_desk_task_window(pcn_desk *d, guint64 id) {
  task_win *w = d->task_wins ? g_hash_table_lookup(d->task_wins, &id) : NULL;
  return w ? GTK_WINDOW(w->win) : NULL;
}

void taskwin_close_all(pcn_desk *d) {
  if (!d->task_wins) return;
  GList *wins = g_hash_table_get_values(d->task_wins);
  for (GList *l = wins; l; l = l->next)
    gtk_window_destroy(GTK_WINDOW(((task_win *)l->data)->win));
  g_list_free(wins);
  g_hash_table_destroy(d->task_wins);
  d->task_wins = NULL;
}
