/* people.c - the Practices and Members views: the network's practices and
 * members, loaded after the first connect and kept live from the feed.
 * The PCN manager adds practices, invites members (the code is shown
 * ready to copy), changes their roles, disables them and enables them
 * again (each asked first, naming the person; issue 19); everyone else
 * sees the lists. Members show in words (words.h): their name, their role
 * and their practice's name, the username and ODS code in the row's
 * tooltip; a member's row is rebuilt when a practice's name arrives. Anyone
 * sets their own e-mail address (the selected member's, for whoever manages
 * them); it shows in the member's row, and the calendar export names invitees
 * by it (pcn_desk_member_directory). The server decides who may do what; a
 * refusal shows as its sentence.
 */
#include <stdio.h>
#include <string.h>

#include "perms.h"
#include "words.h"

struct _PcnRecordRow {
  GObject parent;
  char *key, *title, *subtitle;
  int disabled;
  char *name, *email;   /* members: display name and e-mail (""); practices:
                          the name */
  char *practice, *tip; /* members: ODS code; the row's tooltip */
  int role;
};

G_DEFINE_TYPE(PcnRecordRow, pcn_record_row, G_TYPE_OBJECT)

static void pcn_record_row_finalize(GObject *o) {
  PcnRecordRow *r = PCN_RECORD_ROW(o);
  g_free(r->key);
  g_free(r->title);
  g_free(r->subtitle);
  g_free(r->name);
  g_free(r->email);
  g_free(r->practice);
  g_free(r->tip);
  G_OBJECT_CLASS(pcn_record_row_parent_class)->finalize(o);
}

static void pcn_record_row_class_init(PcnRecordRowClass *k) {
  G_OBJECT_CLASS(k)->finalize = pcn_record_row_finalize;
}

static void pcn_record_row_init(PcnRecordRow *r) {
  (void)r;
}

const char *pcn_record_row_key(PcnRecordRow *r) {
  return r->key;
}
const char *pcn_record_row_title(PcnRecordRow *r) {
  return r->title;
}
const char *pcn_record_row_subtitle(PcnRecordRow *r) {
  return r->subtitle;
}

/* Inserts or replaces the row n (its key set), keeping the store sorted;
 * takes n's reference. */
static void upsert_row(GListStore *store, PcnRecordRow *n) {
  const char *key = n->key;
  guint count = g_list_model_get_n_items(G_LIST_MODEL(store)), at = count;
  for (guint i = 0; i < count; i++) {
    PcnRecordRow *r = g_list_model_get_item(G_LIST_MODEL(store), i);
    int c = strcmp(r->key, key);
    g_object_unref(r);
    if (c == 0) {
      g_list_store_splice(store, i, 1, (gpointer *)&n, 1);
      g_object_unref(n);
      return;
    }
    if (c > 0 && at == count) at = i;
  }
  g_list_store_insert(store, at, n);
  g_object_unref(n);
}

static PcnRecordRow *row_new(const char *key, char *title, char *subtitle,
                             int disabled) {
  PcnRecordRow *n = g_object_new(PCN_TYPE_RECORD_ROW, NULL);
  n->key = g_strdup(key);
  n->title = title;
  n->subtitle = subtitle;
  n->disabled = disabled;
  return n;
}

/* The subtitle names the list size in force today and the date its
 * figure applies from (none for the list size the practice was added
 * with). */
static void words_of_member(pcn_desk *d, PcnRecordRow *n);
static void refresh_members(pcn_desk *d);

static void put_practice(pcn_desk *d, const Pcn__Practice *p) {
  /* By name; the ODS code in the tooltip (issue 19); the figure's date in
   * words ("from 1 Apr 2026"). */
  char from[24];
  desk_date_words(p->list_size_from, from, sizeof from, DESK_DATE_YEAR);
  PcnRecordRow *n =
      row_new(p->ods, g_strdup(p->name),
              g_strdup_printf("%u registered patients%s%s", p->list_size,
                              from[0] ? " from " : "", from),
              0);
  n->name = g_strdup(p->name);
  n->tip = g_strdup_printf("%s, ODS code %s", p->name, p->ods);
  upsert_row(d->practices, n);
  refresh_members(d); /* their rows name the practice */
}

static void load_practices(pcn_desk *d);

/* The row's words: the name as the title; role, practice by name, e-mail
 * and "Disabled" below; username and ODS code in the tooltip. */
static void words_of_member(pcn_desk *d, PcnRecordRow *n) {
  const char *where = desk_practice_words(d, n->practice);
  g_free(n->title);
  g_free(n->subtitle);
  g_free(n->tip);
  n->title = g_strdup(n->name && n->name[0] ? n->name : n->key);
  n->subtitle = g_strdup_printf("%s%s%s%s%s%s", desk_role_words(n->role),
                                n->practice[0] ? " at " : "", where,
                                n->email[0] ? " · " : "", n->email,
                                n->disabled ? " · Disabled" : "");
  n->tip = n->practice[0] ? g_strdup_printf("Username %s; practice code %s",
                                            n->key, n->practice)
                          : g_strdup_printf("Username %s", n->key);
}

static void refresh_members(pcn_desk *d) {
  if (!d->members) return;
  GListModel *m = G_LIST_MODEL(d->members);
  guint count = g_list_model_get_n_items(m);
  for (guint i = 0; i < count; i++) {
    PcnRecordRow *r = g_list_model_get_item(m, i);
    words_of_member(d, r);
    g_object_unref(r);
  }
  if (count) g_list_model_items_changed(m, 0, count, count);
}

/* The Disable button says Enable for a disabled member (people.c keeps it
 * on the store: "toggle"). */
static void sync_disable_button(pcn_desk *d);

static void put_member(pcn_desk *d, const Pcn__Member *m) {
  PcnRecordRow *n = row_new(m->username, NULL, NULL, m->disabled);
  n->name = g_strdup(m->display_name);
  n->email = g_strdup(m->email);
  n->practice = g_strdup(m->practice);
  n->role = m->role;
  words_of_member(d, n);
  /* The row is replaced: whoever was selected stays selected. */
  PcnRecordRow *sel =
      d->members_sel ? gtk_single_selection_get_selected_item(d->members_sel)
                     : NULL;
  int was = sel && !strcmp(sel->key, m->username);
  upsert_row(d->members, n);
  if (was) {
    guint count = g_list_model_get_n_items(G_LIST_MODEL(d->members));
    for (guint i = 0; i < count; i++) {
      PcnRecordRow *r = g_list_model_get_item(G_LIST_MODEL(d->members), i);
      if (!strcmp(r->key, m->username))
        gtk_single_selection_set_selected(d->members_sel, i);
      g_object_unref(r);
    }
  }
  sync_disable_button(d);
}

/* Looks a row up by key in store; borrowed, or NULL. */
static PcnRecordRow *row_of(GListStore *store, const char *key) {
  if (!store || !key) return NULL;
  GListModel *m = G_LIST_MODEL(store);
  guint count = g_list_model_get_n_items(m);
  PcnRecordRow *hit = NULL;
  for (guint i = 0; i < count && !hit; i++) {
    PcnRecordRow *r = g_list_model_get_item(m, i);
    if (!strcmp(r->key, key)) hit = r;
    g_object_unref(r); /* the store keeps it */
  }
  return hit;
}

const char *people_member_name(pcn_desk *d, const char *username) {
  PcnRecordRow *r = row_of(d->members, username);
  return r ? r->name : NULL;
}

const char *people_practice_name(pcn_desk *d, const char *ods) {
  PcnRecordRow *r = row_of(d->practices, ods);
  return r ? r->name : NULL;
}

void people_member_keys(pcn_desk *d, const char *practice, GPtrArray *out) {
  if (!d->members) return;
  GListModel *m = G_LIST_MODEL(d->members);
  guint count = g_list_model_get_n_items(m);
  for (guint i = 0; i < count; i++) {
    PcnRecordRow *r = g_list_model_get_item(m, i);
    if (!r->disabled &&
        (!practice || !practice[0] || !strcmp(r->practice, practice)))
      g_ptr_array_add(out, r->key);
    g_object_unref(r);
  }
}

Pcn__Member *pcn_desk_member_directory(pcn_desk *d, size_t *n) {
  GListModel *m = G_LIST_MODEL(d->members);
  guint count = m ? g_list_model_get_n_items(m) : 0;
  Pcn__Member *out = g_new0(Pcn__Member, count ? count : 1);
  *n = 0;
  for (guint i = 0; i < count; i++) {
    PcnRecordRow *r = g_list_model_get_item(m, i);
    if (!r->disabled) {
      Pcn__Member *x = &out[(*n)++];
      pcn__member__init(x);
      x->username = r->key;
      x->display_name = r->name ? r->name : r->key;
      x->email = r->email ? r->email : "";
    }
    g_object_unref(r); /* the store keeps it, and so its strings */
  }
  return out;
}

void people_on_event(pcn_desk *d, const Pcn__Event *ev) {
  if (!d->practices) return;
  if (ev->record_case == PCN__EVENT__RECORD_PRACTICE)
    put_practice(d, ev->practice);
  else if (ev->record_case == PCN__EVENT__RECORD_FUNDS_FIGURES)
    load_practices(d); /* a practice's list size is its latest figure */
  else if (ev->record_case == PCN__EVENT__RECORD_MEMBER)
    put_member(d, ev->member);
}

static void on_practices(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  if (!d->practices || r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_PRACTICES)
    return;
  for (size_t i = 0; i < r->practices->n_practices; i++)
    put_practice(d, r->practices->practices[i]);
}

static void on_members(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  if (!d->members || r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_MEMBERS)
    return;
  for (size_t i = 0; i < r->members->n_members; i++)
    put_member(d, r->members->members[i]);
}

static void load_practices(pcn_desk *d) {
  if (!d->cl) return;
  Pcn__PracticeList pl = PCN__PRACTICE_LIST__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_PRACTICE_LIST;
  req.practice_list = &pl;
  pcn_client_call(d->cl, &req, on_practices, d);
}

void people_load(pcn_desk *d) {
  load_practices(d);
  Pcn__Request req = PCN__REQUEST__INIT;
  Pcn__MemberList ml = PCN__MEMBER_LIST__INIT;
  ml.practice = "";
  ml.include_disabled = 1;
  req.body_case = PCN__REQUEST__BODY_MEMBER_LIST;
  req.member_list = &ml;
  pcn_client_call(d->cl, &req, on_members, d);
}

/* ------------------------------------------------------------ views */

static void row_setup(GtkSignalListItemFactory *f, GtkListItem *item,
                      gpointer ud) {
  (void)f;
  (void)ud;
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_start(box, 12);
  gtk_widget_set_margin_top(box, 6);
  gtk_widget_set_margin_bottom(box, 6);
  GtkWidget *t = gtk_label_new(NULL), *s = gtk_label_new(NULL);
  gtk_label_set_xalign(GTK_LABEL(t), 0);
  gtk_label_set_xalign(GTK_LABEL(s), 0);
  /* A long name ends in an ellipsis rather than widening the window (issue
   * 19); the row's tooltip has it whole. */
  gtk_label_set_ellipsize(GTK_LABEL(t), PANGO_ELLIPSIZE_END);
  gtk_label_set_ellipsize(GTK_LABEL(s), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class(s, "dim-label");
  gtk_box_append(GTK_BOX(box), t);
  gtk_box_append(GTK_BOX(box), s);
  gtk_list_item_set_child(item, box);
}

static void row_bind(GtkSignalListItemFactory *f, GtkListItem *item,
                     gpointer ud) {
  (void)f;
  (void)ud;
  PcnRecordRow *r = gtk_list_item_get_item(item);
  GtkWidget *t = gtk_widget_get_first_child(gtk_list_item_get_child(item));
  gtk_label_set_text(GTK_LABEL(t), r->title);
  gtk_label_set_text(GTK_LABEL(gtk_widget_get_next_sibling(t)), r->subtitle);
  gtk_widget_set_tooltip_text(gtk_list_item_get_child(item), r->tip);
  if (r->disabled)
    gtk_widget_add_css_class(t, "dim-label");
  else
    gtk_widget_remove_css_class(t, "dim-label");
}

static GtkWidget *list_of(GListStore *store, const char *name,
                          GtkSingleSelection **sel_out) {
  GtkListItemFactory *f = gtk_signal_list_item_factory_new();
  g_signal_connect(f, "setup", G_CALLBACK(row_setup), NULL);
  g_signal_connect(f, "bind", G_CALLBACK(row_bind), NULL);
  GtkSingleSelection *sel =
      gtk_single_selection_new(G_LIST_MODEL(g_object_ref(store)));
  gtk_single_selection_set_autoselect(sel, FALSE);
  gtk_single_selection_set_can_unselect(sel, TRUE);
  if (sel_out) *sel_out = sel;
  GtkWidget *list = gtk_list_view_new(GTK_SELECTION_MODEL(sel), f);
  /* The sidebar style marks the selected row plainly (issue 19: the plain
   * list's highlight was hard to see, and Disable acts on it). */
  gtk_widget_add_css_class(list, "navigation-sidebar");
  gtk_widget_set_name(list, name);
  gtk_accessible_update_property(GTK_ACCESSIBLE(list),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  GtkWidget *scroll = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), list);
  gtk_widget_set_vexpand(scroll, TRUE);
  return scroll;
}

/* A small form window: fields, a button, and a line for the answer. */
typedef struct form {
  pcn_desk *d;
  GtkWidget *win, *grid, *go, *note, *f[4];
  int rows, pending, dead;
} form;

static int form_answered(form *fm) {
  fm->pending--;
  if (!fm->dead) return 0;
  if (!fm->pending) g_free(fm);
  return 1;
}

static void form_destroyed(GtkWidget *w, gpointer ud) {
  (void)w;
  form *fm = ud;
  fm->dead = 1;
  if (!fm->pending) g_free(fm);
}

/* Adds a row: a text entry named name, or w (named name for screen
 * readers) when given. */
static GtkWidget *form_field(form *fm, const char *label, const char *name,
                             GtkWidget *w) {
  if (w) {
    gtk_widget_set_name(w, name);
    gtk_accessible_update_property(GTK_ACCESSIBLE(w),
                                   GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  } else
    w = desk_entry(name, NULL, 0);
  desk_field(fm->grid, fm->rows, label, w);
  fm->f[fm->rows++] = w;
  return w;
}

static form *form_new(pcn_desk *d, const char *name, const char *title,
                      const char *go, GCallback on_go) {
  form *fm = g_new0(form, 1);
  fm->d = d;
  fm->grid = gtk_grid_new();
  fm->win = desk_form(d, name, title, 480, fm->grid);
  g_signal_connect(fm->win, "destroy", G_CALLBACK(form_destroyed), fm);
  fm->go = gtk_button_new_with_mnemonic(go);
  gtk_widget_add_css_class(fm->go, "suggested-action");
  g_signal_connect(fm->go, "clicked", on_go, fm);
  fm->note = gtk_label_new(NULL);
  gtk_label_set_wrap(GTK_LABEL(fm->note), TRUE);
  gtk_label_set_selectable(GTK_LABEL(fm->note), TRUE);
  gtk_label_set_xalign(GTK_LABEL(fm->note), 0);
  return fm;
}

static void form_show(form *fm) {
  gtk_grid_attach(GTK_GRID(fm->grid), fm->note, 0, fm->rows, 2, 1);
  desk_form_action(fm->win, fm->go);
  gtk_window_present(GTK_WINDOW(fm->win));
}

static const char *text_of(form *fm, int i) {
  return gtk_editable_get_text(GTK_EDITABLE(fm->f[i]));
}

static void form_send(form *fm, Pcn__Request *req, pcn_response_cb cb) {
  if (fm->d->cl && pcn_client_call(fm->d->cl, req, cb, fm)) {
    fm->pending++;
    gtk_widget_set_sensitive(fm->go, FALSE);
  } else {
    gtk_label_set_text(GTK_LABEL(fm->note), "Not connected to the server.");
  }
}

static int form_refused(form *fm, const Pcn__Response *r) {
  gtk_widget_set_sensitive(fm->go, TRUE);
  if (r->status->code == PCN__STATUS_CODE__OK) return 0;
  char words[600]; /* the sentence, without field prefixes or CLI advice */
  desk_error_words(r->status, words, sizeof words);
  gtk_label_set_text(GTK_LABEL(fm->note), words);
  gtk_widget_add_css_class(fm->note, "error");
  return 1;
}

/* A form whose work is done when the server says OK: it closes. */
static void on_form_done(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  form *fm = ud;
  if (form_answered(fm) || form_refused(fm, r)) return;
  gtk_window_destroy(GTK_WINDOW(fm->win));
}

static void on_add_practice_go(GtkButton *b, gpointer ud) {
  (void)b;
  form *fm = ud;
  Pcn__PracticeAdd a = PCN__PRACTICE_ADD__INIT;
  a.ods = (char *)text_of(fm, 0);
  a.name = (char *)text_of(fm, 1);
  a.list_size = (uint32_t)g_ascii_strtoull(text_of(fm, 2), NULL, 10);
  char from[11];
  const char *why = NULL;
  if (desk_date_entry_get(fm->f[3], from, &why) < 0) {
    gtk_label_set_text(GTK_LABEL(fm->note), why);
    gtk_widget_add_css_class(fm->note, "error");
    return;
  }
  a.list_size_from = from;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_PRACTICE_ADD;
  req.practice_add = &a;
  form_send(fm, &req, on_form_done);
}

static void on_add_practice(GtkButton *b, gpointer ud) {
  (void)b;
  form *fm = form_new(ud, "Add a practice", NULL, "_Add",
                      G_CALLBACK(on_add_practice_go));
  form_field(fm, "_ODS code", "ODS code", NULL);
  form_field(fm, "_Name", "Practice name", NULL);
  form_field(fm, "_List size", "List size", NULL);
  GtkWidget *from = desk_date_entry_new("List size from");
  gtk_entry_set_placeholder_text(GTK_ENTRY(desk_date_entry_text(from)),
                                 "Optional: in force from the start");
  form_field(fm, "List size _from", "List size from", from);
  gtk_label_set_mnemonic_widget(
      GTK_LABEL(gtk_grid_get_child_at(GTK_GRID(fm->grid), 0, fm->rows - 1)),
      desk_date_entry_text(from));
  form_show(fm);
}

static void on_copy(GtkButton *b, gpointer ud) {
  (void)ud;
  const char *code = g_object_get_data(G_OBJECT(b), "code");
  gdk_clipboard_set_text(gtk_widget_get_clipboard(GTK_WIDGET(b)), code);
  gtk_button_set_label(b, "Copied");
}

static void on_invited(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  form *fm = ud;
  if (form_answered(fm) || form_refused(fm, r)) return;
  char *text = g_strdup_printf(
      "Invited %s. Send them this code (it works once, for 7 days); they "
      "paste it into PCN Hub when it first opens:\n%s",
      desk_person_words(fm->d, r->invitation->username), r->invitation->code);
  gtk_label_set_text(GTK_LABEL(fm->note), text);
  g_free(text);
  gtk_button_set_label(GTK_BUTTON(fm->go), "_Copy the code");
  gtk_button_set_use_underline(GTK_BUTTON(fm->go), TRUE);
  g_object_set_data_full(G_OBJECT(fm->go), "code",
                         g_strdup(r->invitation->code), g_free);
  g_signal_handlers_disconnect_matched(fm->go, G_SIGNAL_MATCH_DATA, 0, 0, NULL,
                                       NULL, fm);
  g_signal_connect(fm->go, "clicked", G_CALLBACK(on_copy), NULL);
  /* The invitation is made: what is left is to close the window. */
  gtk_button_set_label(GTK_BUTTON(desk_form_cancel(fm->win)), "_Close");
}

/* The roles the forms offer, in their drop-down's order. */
static const struct {
  int role;
  const char *label;
} roles[] = {{PCN__ROLE__PRACTICE_MANAGER, "Practice manager"},
             {PCN__ROLE__STAFF, "Staff"},
             {PCN__ROLE__CLINICIAN, "Clinician (a practice's GP)"},
             {PCN__ROLE__CLINICAL_DIRECTOR, "Clinical director"},
             {PCN__ROLE__PCN_MANAGER, "PCN manager"}};

/* The practice of a practice role, picked by name (issue 19); "No
 * practice" for the network's roles. */
static void practice_field(form *fm, const char *ods) {
  GtkWidget *p =
      desk_practice_picker_new(fm->d, "No practice (a network role)", 40);
  if (ods && ods[0]) desk_practice_picker_set(p, ods);
  form_field(fm, "_Practice", "Practice", p);
}

static GtkWidget *role_field(form *fm) {
  const char *labels[G_N_ELEMENTS(roles) + 1];
  for (size_t i = 0; i < G_N_ELEMENTS(roles); i++)
    labels[i] = roles[i].label;
  labels[G_N_ELEMENTS(roles)] = NULL;
  return form_field(fm, "_Role", "Role",
                    gtk_drop_down_new_from_strings(labels));
}

static int role_of(GtkWidget *dropdown) {
  guint i = gtk_drop_down_get_selected(GTK_DROP_DOWN(dropdown));
  return i < G_N_ELEMENTS(roles) ? roles[i].role : PCN__ROLE__STAFF;
}

/* The member picked in the list, or NULL after saying to pick one. */
static PcnRecordRow *picked_member(pcn_desk *d) {
  PcnRecordRow *r = gtk_single_selection_get_selected_item(d->members_sel);
  if (!r)
    gtk_label_set_text(GTK_LABEL(d->members_note), "Select a member first.");
  return r;
}

static void on_invite_go(GtkButton *b, gpointer ud) {
  (void)b;
  form *fm = ud;
  Pcn__MemberInvite m = PCN__MEMBER_INVITE__INIT;
  m.username = (char *)text_of(fm, 0);
  m.display_name = (char *)text_of(fm, 1);
  m.role = role_of(fm->f[2]);
  m.practice = (char *)desk_practice_picker_get(fm->f[3]);
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEMBER_INVITE;
  req.member_invite = &m;
  form_send(fm, &req, on_invited);
}

static void on_invite(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  form *fm =
      form_new(d, "Invite a member", NULL, "_Invite", G_CALLBACK(on_invite_go));
  form_field(fm, "_Username", "Username", NULL);
  form_field(fm, "_Name", "Display name", NULL);
  role_field(fm);
  practice_field(fm, d->practice);
  form_show(fm);
}

/* ------------------------------------------------- disable and enable */

/* What a confirmed Disable or Enable sends: the member asked about, by
 * username (the row may be replaced while the dialog is open). */
typedef struct able {
  pcn_desk *d;
  char *username;
  int enable;
} able;

static void able_free(gpointer p) {
  able *a = p;
  g_free(a->username);
  g_free(a);
}

static void on_abled(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  if (!d->members) return;
  if (r->status->code != PCN__STATUS_CODE__OK) {
    char words[600];
    desk_error_words(r->status, words, sizeof words);
    desk_note(d->members_note, words, 1);
    return;
  }
  const Pcn__Member *m = r->member;
  char *text =
      m->disabled
          ? g_strdup_printf("%s is disabled; their sessions have ended.",
                            m->display_name)
          : g_strdup_printf("%s is enabled again and can log in.",
                            m->display_name);
  desk_note(d->members_note, text, 0);
  g_free(text);
  put_member(d, m); /* at once; the feed's event says the same */
}

static void able_go(gpointer ud) {
  able *a = ud;
  pcn_desk *d = a->d;
  Pcn__MemberDisable dis = PCN__MEMBER_DISABLE__INIT;
  Pcn__MemberEnable en = PCN__MEMBER_ENABLE__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  if (a->enable) {
    en.username = a->username;
    req.body_case = PCN__REQUEST__BODY_MEMBER_ENABLE;
    req.member_enable = &en;
  } else {
    dis.username = a->username;
    req.body_case = PCN__REQUEST__BODY_MEMBER_DISABLE;
    req.member_disable = &dis;
  }
  desk_send(d, d->members_note, &req, on_abled);
}

/* Disable (or, for a disabled member, Enable) asks first, naming the
 * person and what happens. */
static void on_disable(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  PcnRecordRow *r = picked_member(d);
  if (!r) return;
  able *a = g_new0(able, 1);
  a->d = d;
  a->username = g_strdup(r->key);
  a->enable = r->disabled;
  const char *who = r->name && r->name[0] ? r->name : r->key;
  char *heading =
      g_strdup_printf(a->enable ? "Enable %s again?" : "Disable %s?", who);
  char *body =
      a->enable
          ? g_strdup_printf("%s will be able to log in again with their "
                            "password. Their old sessions stay ended.",
                            who)
          : g_strdup_printf("%s will be logged out everywhere and cannot log "
                            "in until re-enabled; their records stay.",
                            who);
  desk_confirm(GTK_WINDOW(d->window), heading, body,
               a->enable ? "_Enable" : "_Disable", !a->enable, able_go, a,
               able_free);
  g_free(heading);
  g_free(body);
}

static void sync_disable_button(pcn_desk *d) {
  GtkWidget *b =
      d->members ? g_object_get_data(G_OBJECT(d->members), "toggle") : NULL;
  if (!b) return;
  PcnRecordRow *r = gtk_single_selection_get_selected_item(d->members_sel);
  int enable = r && r->disabled;
  gtk_button_set_label(GTK_BUTTON(b), enable ? "_Enable" : "_Disable");
  gtk_widget_set_name(b, enable ? "Enable" : "Disable");
  if (enable)
    gtk_widget_remove_css_class(b, "destructive-action");
  else
    gtk_widget_add_css_class(b, "destructive-action");
}

static void on_member_selected(GObject *o, GParamSpec *ps, gpointer ud) {
  (void)o;
  (void)ps;
  sync_disable_button(ud);
}

static void on_role_go(GtkButton *b, gpointer ud) {
  (void)b;
  form *fm = ud;
  Pcn__MemberSetRole m = PCN__MEMBER_SET_ROLE__INIT;
  m.username = (char *)g_object_get_data(G_OBJECT(fm->win), "username");
  m.role = role_of(fm->f[0]);
  m.practice = (char *)desk_practice_picker_get(fm->f[1]);
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEMBER_SET_ROLE;
  req.member_set_role = &m;
  form_send(fm, &req, on_form_done);
}

static void on_role(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  PcnRecordRow *r = picked_member(d);
  if (!r) return;
  char *title =
      g_strdup_printf("Change %s's role", desk_person_words(d, r->key));
  form *fm =
      form_new(d, "Change role", title, "_Change", G_CALLBACK(on_role_go));
  g_free(title);
  g_object_set_data_full(G_OBJECT(fm->win), "username", g_strdup(r->key),
                         g_free);
  GtkWidget *role = role_field(fm);
  for (guint i = 0; i < G_N_ELEMENTS(roles); i++)
    if (roles[i].role == r->role)
      gtk_drop_down_set_selected(GTK_DROP_DOWN(role), i);
  practice_field(fm, r->practice);
  form_show(fm);
}

/* ------------------------------------------------------------ e-mail */

static void on_email_go(GtkButton *b, gpointer ud) {
  (void)b;
  form *fm = ud;
  Pcn__MemberSetEmail m = PCN__MEMBER_SET_EMAIL__INIT;
  m.username = (char *)g_object_get_data(G_OBJECT(fm->win), "username");
  m.email = g_strstrip(g_strdup(text_of(fm, 0)));
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEMBER_SET_EMAIL;
  req.member_set_email = &m;
  form_send(fm, &req, on_form_done);
  g_free(m.email);
}

/* The selected member's address, or (nothing selected) one's own. */
static void on_email(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  PcnRecordRow *r = gtk_single_selection_get_selected_item(d->members_sel);
  const char *who = r ? r->key : d->username;
  char *title =
      g_strdup_printf("E-mail address of %s", desk_person_words(d, who));
  form *fm = form_new(d, "Set e-mail", title, "_Save", G_CALLBACK(on_email_go));
  g_free(title);
  g_object_set_data_full(G_OBJECT(fm->win), "username", g_strdup(who), g_free);
  GtkWidget *e = form_field(fm, "_E-mail", "E-mail address", NULL);
  gtk_entry_set_placeholder_text(GTK_ENTRY(e),
                                 "name@practice.nhs.net; empty removes it");
  if (r && r->email) gtk_editable_set_text(GTK_EDITABLE(e), r->email);
  form_show(fm);
}

static GtkWidget *bar_with(GtkWidget *note, GtkWidget *b1, GtkWidget *b2,
                           GtkWidget *b3) {
  GtkWidget *bar = desk_bar();
  gtk_widget_set_hexpand(note, TRUE);
  gtk_label_set_xalign(GTK_LABEL(note), 0);
  gtk_label_set_ellipsize(GTK_LABEL(note), PANGO_ELLIPSIZE_END);
  gtk_box_append(GTK_BOX(bar), note);
  if (b3) gtk_box_append(GTK_BOX(bar), b3);
  if (b2) gtk_box_append(GTK_BOX(bar), b2);
  gtk_box_append(GTK_BOX(bar), b1);
  return bar;
}

/* Add practice is the PCN manager's (the server's table, perms.h): for
 * anyone else it is greyed out with the reason, each time it is shown. */
static void on_add_practice_map(GtkWidget *w, gpointer ud) {
  desk_may_widget(ud, w, PCN__REQUEST__BODY_PRACTICE_ADD, NULL, FALSE,
                  "Add a practice to the network");
}

static void on_practices_changed(GListModel *m, guint pos, guint removed,
                                 guint added, gpointer stack) {
  (void)pos;
  (void)removed;
  (void)added;
  gtk_stack_set_visible_child_name(
      stack, g_list_model_get_n_items(m) ? "list" : "empty");
}

GtkWidget *practices_view_new(pcn_desk *d) {
  d->practices = g_list_store_new(PCN_TYPE_RECORD_ROW);
  GtkWidget *add = gtk_button_new_with_mnemonic("_Add practice");
  gtk_widget_set_name(add, "Add practice");
  g_signal_connect(add, "clicked", G_CALLBACK(on_add_practice), d);
  g_signal_connect(add, "map", G_CALLBACK(on_add_practice_map), d);
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append(
      GTK_BOX(box),
      bar_with(gtk_label_new("The network's practices"), add, NULL, NULL));
  /* No practices yet: what to do next, in place of the empty list. */
  GtkWidget *stack = gtk_stack_new();
  gtk_widget_set_vexpand(stack, TRUE);
  AdwStatusPage *e = ADW_STATUS_PAGE(adw_status_page_new());
  adw_status_page_set_icon_name(e, "x-office-address-book-symbolic");
  adw_status_page_set_title(e, "No practices yet");
  adw_status_page_set_description(
      e, "The PCN manager adds each practice of the network with Add "
         "practice: its ODS code, name and list size. They show here for "
         "everyone.");
  gtk_widget_set_name(GTK_WIDGET(e), "No practices");
  gtk_stack_add_named(GTK_STACK(stack), GTK_WIDGET(e), "empty");
  gtk_stack_add_named(GTK_STACK(stack),
                      list_of(d->practices, "Practices", NULL), "list");
  g_signal_connect_object(d->practices, "items-changed",
                          G_CALLBACK(on_practices_changed), stack, 0);
  on_practices_changed(G_LIST_MODEL(d->practices), 0, 0, 0, stack);
  gtk_box_append(GTK_BOX(box), stack);
  return box;
}

GtkWidget *members_view_new(pcn_desk *d) {
  d->members = g_list_store_new(PCN_TYPE_RECORD_ROW);
  GtkWidget *invite = gtk_button_new_with_mnemonic("_Invite");
  g_signal_connect(invite, "clicked", G_CALLBACK(on_invite), d);
  GtkWidget *disable = gtk_button_new_with_mnemonic("_Disable");
  gtk_widget_add_css_class(disable, "destructive-action");
  g_signal_connect(disable, "clicked", G_CALLBACK(on_disable), d);
  GtkWidget *role = gtk_button_new_with_mnemonic("Change _role");
  g_signal_connect(role, "clicked", G_CALLBACK(on_role), d);
  GtkWidget *email = gtk_button_new_with_mnemonic("Set _e-mail");
  gtk_widget_set_tooltip_text(email, "Your own e-mail address, or the "
                                     "selected member's");
  g_signal_connect(email, "clicked", G_CALLBACK(on_email), d);
  d->members_note = gtk_label_new("Everyone in the network");
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *bar = bar_with(d->members_note, invite, disable, role);
  gtk_box_append(GTK_BOX(bar), email);
  gtk_box_append(GTK_BOX(box), bar);
  gtk_box_append(GTK_BOX(box), list_of(d->members, "Members", &d->members_sel));
  g_object_set_data(G_OBJECT(d->members), "toggle", disable);
  g_signal_connect(d->members_sel, "notify::selected",
                   G_CALLBACK(on_member_selected), d);
  return box;
}

void people_free(pcn_desk *d) {
  if (d->practices) g_object_unref(d->practices);
  if (d->members) g_object_unref(d->members);
  d->practices = d->members = NULL;
}

GListModel *pcn_desk_members(pcn_desk *d) {
  return G_LIST_MODEL(d->members);
}
GListModel *pcn_desk_practices(pcn_desk *d) {
  return G_LIST_MODEL(d->practices);
}

/* ------------------------------------------------------------ registry */

/* Everyone (read-only but for the PCN manager); the two lists load and follow
 * events together, so Members has no load of its own. */
const desk_page practices_page = {
    .id = "practices",
    .title = "Practices",
    .group = DESK_PEOPLE,
    .icon = "user-home-symbolic",
    .view_new = practices_view_new,
    .load = people_load,
    .on_event = people_on_event,
    .free = people_free,
};

/* Everyone. */
const desk_page members_page = {
    .id = "members",
    .title = "Members",
    .group = DESK_PEOPLE,
    .icon = "x-office-address-book-symbolic",
    .view_new = members_view_new,
};
