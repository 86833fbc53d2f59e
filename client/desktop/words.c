/* words.c - the desktop's shared vocabulary (words.h, issue 19): dates,
 * times, roles, people and practices in words; the server's refusals in
 * words for a window; a confirmation dialog; a date entry with a calendar;
 * a person picker; a practice picker and a practices check list, by name:
 * the codes are what they give, shown only in tooltips and, dim beside
 * each name, in the picker's list.
 *
 * Choices: a date this year leaves its year out ("Wed 9 Dec"), any other
 * keeps it; typed dates are read day first, a year left out meaning the
 * date nearest today (uktime.h). Error words drop a leading "field: " (the
 * field is shown by where the words go) and every clause that names a
 * `pcn ...` command, which means nothing in a window; what is left is the
 * server's own sentence.
 */
#include "words.h"

#include <stdio.h>
#include <string.h>

#include "uktime.h"
#include "validate.h"

void desk_date_words(const char *iso, char *out, size_t n, int flags) {
  int32_t day;
  if (!n) return;
  if (!iso || pcn_date_parse(iso, &day) != 0) {
    snprintf(out, n, "%s", iso ? iso : "");
    return;
  }
  pcn_date_words(day, pcn_date_today(), (flags & DESK_DATE_WEEKDAY) != 0,
                 (flags & DESK_DATE_YEAR) != 0, out, n);
}

void desk_datetime_words(int64_t ms, char *out, size_t n) {
  int y, mo, d, h, mi;
  char date[24];
  if (!n) return;
  pcn_london_from_utc(ms, &y, &mo, &d, &h, &mi);
  pcn_date_words((int32_t)pcn_days_from_civil(y, mo, d), pcn_date_today(), 1, 0,
                 date, sizeof date);
  snprintf(out, n, "%s, %02d:%02d", date, h, mi);
}

const char *desk_role_words(int role) {
  switch (role) {
  case PCN__ROLE__PCN_MANAGER: return "PCN manager";
  case PCN__ROLE__CLINICAL_DIRECTOR: return "Clinical director";
  case PCN__ROLE__PRACTICE_MANAGER: return "Practice manager";
  case PCN__ROLE__STAFF: return "Staff";
  case PCN__ROLE__CLINICIAN: return "Clinician";
  default: return "No role";
  }
}

const char *desk_person_words(pcn_desk *d, const char *username) {
  const char *name = username ? people_member_name(d, username) : NULL;
  return name && name[0] ? name : (username ? username : "");
}

const char *desk_practice_words(pcn_desk *d, const char *ods) {
  const char *name = ods && ods[0] ? people_practice_name(d, ods) : NULL;
  return name && name[0] ? name : (ods ? ods : "");
}

const char *desk_stream_words(pcn_desk *d, const char *code) {
  const char *name = code && d && d->stream_names
                         ? g_hash_table_lookup(d->stream_names, code)
                         : NULL;
  return name ? name : (code ? code : "");
}

static void stream_setup(GtkSignalListItemFactory *fa, GtkListItem *it,
                         gpointer ud) {
  (void)fa, (void)ud;
  GtkWidget *l = gtk_label_new(NULL);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  gtk_label_set_ellipsize(GTK_LABEL(l), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars(GTK_LABEL(l), 28);
  gtk_list_item_set_child(it, l);
}

static void stream_bind(GtkSignalListItemFactory *fa, GtkListItem *it,
                        gpointer ud) {
  (void)fa;
  const char *code = gtk_string_object_get_string(
      GTK_STRING_OBJECT(gtk_list_item_get_item(it)));
  GtkWidget *l = gtk_list_item_get_child(it);
  gtk_label_set_text(GTK_LABEL(l), desk_stream_words(ud, code));
  gtk_widget_set_tooltip_text(l, code);
}

/* The streams' list changed (names came, or a stream): the drop-down
 * binds its rows and its button again. Setting the same factory is a
 * no-op in GTK, so it goes and comes back. */
static void on_streams_changed(GListModel *m, guint pos, guint removed,
                               guint added, gpointer ud) {
  (void)m, (void)pos, (void)removed, (void)added;
  GtkDropDown *dd = ud;
  GtkListItemFactory *fa = gtk_drop_down_get_factory(dd);
  if (!fa) return;
  g_object_ref(fa);
  gtk_drop_down_set_factory(dd, NULL);
  gtk_drop_down_set_factory(dd, fa);
  g_object_unref(fa);
}

void desk_stream_dropdown(pcn_desk *d, GtkWidget *dd) {
  GtkListItemFactory *fa = gtk_signal_list_item_factory_new();
  g_signal_connect(fa, "setup", G_CALLBACK(stream_setup), NULL);
  g_signal_connect(fa, "bind", G_CALLBACK(stream_bind), d);
  gtk_drop_down_set_factory(GTK_DROP_DOWN(dd), fa);
  g_object_unref(fa);
  g_signal_connect_object(d->streams, "items-changed",
                          G_CALLBACK(on_streams_changed), dd, G_CONNECT_AFTER);
}

void desk_streams_named(pcn_desk *d) {
  /* The same strings, announced again: each drop-down binds its rows (and
   * the shown one) anew, now with the names; the selection stays. */
  guint n = g_list_model_get_n_items(G_LIST_MODEL(d->streams));
  g_list_model_items_changed(G_LIST_MODEL(d->streams), 0, n, n);
}

/* Whether s begins with a field prefix: a lower-case name (letters,
 * digits, _ . [ ]) then ": ". Its length with the ": ", or 0. */
static size_t field_prefix(const char *s) {
  size_t i = 0;
  while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
         s[i] == '_' || s[i] == '.' || s[i] == '[' || s[i] == ']')
    i++;
  return i > 0 && s[i] == ':' && s[i + 1] == ' ' ? i + 2 : 0;
}

void desk_error_words(const Pcn__Status *st, char *out, size_t n) {
  if (!n) return;
  out[0] = 0;
  const char *msg = st && st->message ? st->message : "";
  msg += field_prefix(msg);
  /* Clauses end at ". " or "; " (or the end); those naming `pcn go. */
  size_t len = 0;
  const char *p = msg;
  while (*p) {
    const char *end = p;
    while (*end && !((end[0] == '.' || end[0] == ';') &&
                     (end[1] == ' ' || end[1] == 0)))
      end++;
    size_t clause = (size_t)(end - p) + (*end ? 1 : 0);
    int advice = 0;
    for (const char *q = p; q < end; q++)
      if (!strncmp(q, "`pcn ", 5)) advice = 1;
    if (!advice && len + clause + 2 < n) {
      if (len) out[len++] = ' ';
      memcpy(out + len, p, clause);
      len += clause;
      out[len] = 0;
    }
    p = end + (*end ? 1 : 0);
    while (*p == ' ')
      p++;
  }
  if (len && out[len - 1] == ';') out[len - 1] = '.';
  if (len && out[len - 1] != '.' && out[len - 1] != '?' &&
      out[len - 1] != '!' && len + 1 < n) {
    out[len++] = '.';
    out[len] = 0;
  }
  if (out[0] >= 'a' && out[0] <= 'z') out[0] = (char)(out[0] - 'a' + 'A');
  if (!len) snprintf(out, n, "%s", msg[0] ? "The server refused this." : "");
}

void desk_field_error(GtkWidget *field, GtkWidget *label,
                      const Pcn__Status *st) {
  if (!st || st->code == PCN__STATUS_CODE__OK) {
    if (field) gtk_widget_remove_css_class(field, "error");
    if (label) {
      gtk_label_set_text(GTK_LABEL(label), "");
      gtk_widget_set_visible(label, FALSE);
    }
    return;
  }
  char words[600];
  desk_error_words(st, words, sizeof words);
  if (field) gtk_widget_add_css_class(field, "error");
  if (label) {
    gtk_label_set_text(GTK_LABEL(label), words);
    gtk_widget_add_css_class(label, "error");
    gtk_widget_set_visible(label, TRUE);
  }
}

/* ------------------------------------------------------------ strips */

GtkWidget *desk_strip_new(void) {
  GtkWidget *fb = gtk_flow_box_new();
  gtk_flow_box_set_selection_mode(GTK_FLOW_BOX(fb), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line(GTK_FLOW_BOX(fb), 30);
  gtk_flow_box_set_column_spacing(GTK_FLOW_BOX(fb), 12);
  gtk_flow_box_set_row_spacing(GTK_FLOW_BOX(fb), 0);
  gtk_widget_set_hexpand(fb, TRUE);
  gtk_widget_set_valign(fb, GTK_ALIGN_CENTER);
  return fb;
}

void desk_strip_add(GtkWidget *strip, GtkWidget *chip) {
  gtk_flow_box_append(GTK_FLOW_BOX(strip), chip);
  gtk_widget_set_focusable(gtk_widget_get_parent(chip), FALSE);
}

/* ------------------------------------------------------------ confirm */

typedef struct confirm {
  void (*cb)(gpointer);
  gpointer ud;
  GDestroyNotify destroy;
} confirm;

static void confirm_free(gpointer p, GClosure *closure) {
  (void)closure;
  confirm *c = p;
  if (c->destroy && c->ud) c->destroy(c->ud);
  g_free(c);
}

static void on_confirm_response(AdwMessageDialog *dlg, const char *response,
                                gpointer ud) {
  (void)dlg;
  confirm *c = ud;
  if (!strcmp(response, "go") && c->cb) c->cb(c->ud);
}

GtkWidget *desk_confirm(GtkWindow *parent, const char *heading,
                        const char *body, const char *verb,
                        gboolean destructive, void (*cb)(gpointer ud),
                        gpointer ud, GDestroyNotify destroy) {
  GtkWidget *dlg = adw_message_dialog_new(parent, heading, body);
  gtk_widget_set_name(dlg, "Confirm");
  gtk_window_set_modal(GTK_WINDOW(dlg), TRUE);
  gtk_window_set_destroy_with_parent(GTK_WINDOW(dlg), TRUE);
  adw_message_dialog_add_responses(ADW_MESSAGE_DIALOG(dlg), "cancel", "_Cancel",
                                   "go", verb, NULL);
  adw_message_dialog_set_response_appearance(
      ADW_MESSAGE_DIALOG(dlg), "go",
      destructive ? ADW_RESPONSE_DESTRUCTIVE : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response(ADW_MESSAGE_DIALOG(dlg), "cancel");
  adw_message_dialog_set_close_response(ADW_MESSAGE_DIALOG(dlg), "cancel");
  confirm *c = g_new0(confirm, 1);
  c->cb = cb;
  c->ud = ud;
  c->destroy = destroy;
  g_signal_connect_data(dlg, "response", G_CALLBACK(on_confirm_response), c,
                        confirm_free, 0);
  gtk_window_present(GTK_WINDOW(dlg));
  return dlg;
}

/* --------------------------------------------------------- date entry */

/* The entry reads what is typed on every change; the calendar's pick is
 * written back in words. The box holds the entry as "entry". */
static void date_check(GtkEditable *e, gpointer ud) {
  (void)ud;
  const char *text = gtk_editable_get_text(e);
  int32_t day;
  const char *why = NULL;
  while (*text == ' ')
    text++;
  if (!*text) {
    gtk_widget_remove_css_class(GTK_WIDGET(e), "error");
    gtk_widget_set_tooltip_text(GTK_WIDGET(e),
                                "Type a date, as 9 Dec or 9/12/2026, or pick "
                                "one from the calendar.");
    return;
  }
  if (pcn_date_parse_uk(text, pcn_date_today(), &day, &why) == 0) {
    char words[32];
    pcn_date_words(day, pcn_date_today(), 1, 1, words, sizeof words);
    gtk_widget_remove_css_class(GTK_WIDGET(e), "error");
    gtk_widget_set_tooltip_text(GTK_WIDGET(e), words);
  } else {
    gtk_widget_add_css_class(GTK_WIDGET(e), "error");
    gtk_widget_set_tooltip_text(GTK_WIDGET(e), why);
  }
}

static void on_calendar_pick(GtkCalendar *cal, gpointer ud) {
  GtkWidget *box = ud;
  GDateTime *dt = gtk_calendar_get_date(cal);
  char iso[11];
  snprintf(iso, sizeof iso, "%04d-%02d-%02d", g_date_time_get_year(dt),
           g_date_time_get_month(dt), g_date_time_get_day_of_month(dt));
  g_date_time_unref(dt);
  desk_date_entry_set(box, iso);
  GtkWidget *pop = gtk_widget_get_ancestor(GTK_WIDGET(cal), GTK_TYPE_POPOVER);
  if (pop) gtk_popover_popdown(GTK_POPOVER(pop));
}

/* Opening the calendar shows the date typed, if it reads. */
static void on_calendar_show(GtkWidget *pop, gpointer ud) {
  GtkWidget *box = ud;
  char iso[11];
  int32_t day;
  if (desk_date_entry_get(box, iso, NULL) != 0 || pcn_date_parse(iso, &day))
    return;
  int64_t y;
  int m, dd;
  pcn_civil_from_days(day, &y, &m, &dd);
  GDateTime *dt = g_date_time_new_utc((int)y, m, dd, 12, 0, 0);
  GtkWidget *cal = g_object_get_data(G_OBJECT(pop), "calendar");
  g_signal_handlers_block_by_func(cal, on_calendar_pick, box);
  gtk_calendar_select_day(GTK_CALENDAR(cal), dt);
  g_signal_handlers_unblock_by_func(cal, on_calendar_pick, box);
  g_date_time_unref(dt);
}

GtkWidget *desk_date_entry_new(const char *name) {
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class(box, "linked");
  GtkWidget *e = desk_entry(name, "9 Dec, 9/12/2026", 0);
  gtk_widget_set_hexpand(e, TRUE);
  g_signal_connect(e, "changed", G_CALLBACK(date_check), NULL);
  GtkWidget *cal = gtk_calendar_new();
  GtkWidget *pop = gtk_popover_new();
  gtk_popover_set_child(GTK_POPOVER(pop), cal);
  g_object_set_data(G_OBJECT(pop), "calendar", cal);
  g_signal_connect(cal, "day-selected", G_CALLBACK(on_calendar_pick), box);
  g_signal_connect(pop, "show", G_CALLBACK(on_calendar_show), box);
  GtkWidget *btn = gtk_menu_button_new();
  gtk_menu_button_set_icon_name(GTK_MENU_BUTTON(btn),
                                "x-office-calendar-symbolic");
  gtk_menu_button_set_popover(GTK_MENU_BUTTON(btn), pop);
  char *label = g_strdup_printf("Pick %s from a calendar", name);
  gtk_widget_set_tooltip_text(btn, label);
  gtk_accessible_update_property(GTK_ACCESSIBLE(btn),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_free(label);
  gtk_box_append(GTK_BOX(box), e);
  gtk_box_append(GTK_BOX(box), btn);
  g_object_set_data(G_OBJECT(box), "entry", e);
  g_object_set_data(G_OBJECT(box), "calendar", cal);
  date_check(GTK_EDITABLE(e), NULL);
  return box;
}

GtkWidget *desk_date_entry_text(GtkWidget *w) {
  return g_object_get_data(G_OBJECT(w), "entry");
}

int desk_date_entry_get(GtkWidget *w, char iso[11], const char **why) {
  const char *text =
      gtk_editable_get_text(GTK_EDITABLE(desk_date_entry_text(w)));
  int32_t day;
  iso[0] = 0;
  while (*text == ' ')
    text++;
  if (!*text) return 1;
  if (pcn_date_parse_uk(text, pcn_date_today(), &day, why) != 0) return -1;
  pcn_date_format(day, iso);
  return 0;
}

void desk_date_entry_set(GtkWidget *w, const char *iso) {
  char words[32];
  int32_t day;
  if (iso && pcn_date_parse(iso, &day) == 0)
    pcn_date_words(day, pcn_date_today(), 1, 1, words, sizeof words);
  else
    snprintf(words, sizeof words, "%s", iso ? iso : "");
  gtk_editable_set_text(GTK_EDITABLE(desk_date_entry_text(w)), words);
}

/* ------------------------------------------------------- person picker */

/* The picker keeps the usernames (its own copies) in the names' order. */
GtkWidget *desk_person_picker_new(pcn_desk *d, const char *practice) {
  GPtrArray *keys = g_ptr_array_new();
  people_member_keys(d, practice, keys);
  GPtrArray *own = g_ptr_array_new_with_free_func(g_free);
  GtkStringList *names = gtk_string_list_new(NULL);
  for (guint i = 0; i < keys->len; i++) {
    const char *u = g_ptr_array_index(keys, i);
    g_ptr_array_add(own, g_strdup(u));
    gtk_string_list_append(names, desk_person_words(d, u));
  }
  g_ptr_array_free(keys, TRUE);
  GtkWidget *dd = gtk_drop_down_new(G_LIST_MODEL(names), NULL);
  g_object_set_data_full(G_OBJECT(dd), "usernames", own,
                         (GDestroyNotify)g_ptr_array_unref);
  return dd;
}

const char *desk_person_picker_get(GtkWidget *picker) {
  GPtrArray *own = g_object_get_data(G_OBJECT(picker), "usernames");
  guint i = gtk_drop_down_get_selected(GTK_DROP_DOWN(picker));
  return own && i < own->len ? g_ptr_array_index(own, i) : NULL;
}

void desk_person_picker_add(GtkWidget *picker, int position,
                            const char *username, const char *label) {
  GPtrArray *own = g_object_get_data(G_OBJECT(picker), "usernames");
  GtkStringList *names =
      GTK_STRING_LIST(gtk_drop_down_get_model(GTK_DROP_DOWN(picker)));
  guint at =
      position < 0 || (guint)position > own->len ? own->len : (guint)position;
  const char *add[] = {label, NULL};
  g_ptr_array_insert(own, (gint)at, g_strdup(username));
  gtk_string_list_splice(names, at, 0, add);
}

int desk_person_picker_set(GtkWidget *picker, const char *username) {
  GPtrArray *own = g_object_get_data(G_OBJECT(picker), "usernames");
  for (guint i = 0; own && username && i < own->len; i++)
    if (!strcmp(g_ptr_array_index(own, i), username)) {
      gtk_drop_down_set_selected(GTK_DROP_DOWN(picker), i);
      return 0;
    }
  return -1;
}

GtkWidget *desk_empty_state(const char *name, const char *icon,
                            const char *title, const char *what) {
  GtkWidget *s = adw_status_page_new();
  if (icon) adw_status_page_set_icon_name(ADW_STATUS_PAGE(s), icon);
  adw_status_page_set_title(ADW_STATUS_PAGE(s), title);
  adw_status_page_set_description(ADW_STATUS_PAGE(s), what);
  gtk_widget_add_css_class(s, "compact");
  gtk_widget_set_name(s, name);
  gtk_accessible_update_property(GTK_ACCESSIBLE(s),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  /* Its own scroller would let a list give it a sliver (a list box gives
   * its placeholder the minimum): as tall as what it says. */
  GtkWidget *sw = gtk_widget_get_first_child(s);
  if (GTK_IS_SCROLLED_WINDOW(sw))
    gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(sw), GTK_POLICY_NEVER,
                                   GTK_POLICY_NEVER);
  return s;
}

/* ----------------------------------------------------- practice picker */

/* Each item of a practice picker's model (a GtkStringList of names) and
 * each check of a practices check list carries its code as "ods". */

typedef struct practice_name {
  char *ods, *name;
} practice_name;

static void practice_name_free(gpointer p) {
  practice_name *x = p;
  g_free(x->ods);
  g_free(x->name);
  g_free(x);
}

static int by_name(gconstpointer a, gconstpointer b) {
  const practice_name *x = *(practice_name *const *)a;
  const practice_name *y = *(practice_name *const *)b;
  int c = g_utf8_collate(x->name, y->name);
  return c ? c : strcmp(x->ods, y->ods);
}

/* The Practices list's practices sorted by name, own copies: the caller
 * frees the array with g_ptr_array_unref. */
static GPtrArray *practices_by_name(pcn_desk *d) {
  GPtrArray *out = g_ptr_array_new_with_free_func(practice_name_free);
  GListModel *m = d->practices ? G_LIST_MODEL(d->practices) : NULL;
  guint n = m ? g_list_model_get_n_items(m) : 0;
  for (guint i = 0; i < n; i++) {
    PcnRecordRow *r = g_list_model_get_item(m, i);
    practice_name *x = g_new0(practice_name, 1);
    x->ods = g_strdup(pcn_record_row_key(r));
    x->name = g_strdup(desk_practice_words(d, x->ods));
    g_ptr_array_add(out, x);
    g_object_unref(r);
  }
  g_ptr_array_sort(out, by_name);
  return out;
}

/* "Riverside Surgery (F84001)"; the code alone when it is the name (not
 * known yet); for none, what it means. A new string. */
static char *practice_tip(const char *name, const char *ods) {
  if (!ods || !ods[0]) return g_strdup("No practice");
  if (!strcmp(name, ods)) return g_strdup_printf("Practice %s", ods);
  return g_strdup_printf("%s (%s)", name, ods);
}

static void picker_append(GtkStringList *names, const char *name,
                          const char *ods) {
  gtk_string_list_append(names, name);
  guint at = g_list_model_get_n_items(G_LIST_MODEL(names)) - 1;
  GObject *o = g_list_model_get_item(G_LIST_MODEL(names), at);
  g_object_set_data_full(o, "ods", g_strdup(ods), g_free);
  g_object_unref(o); /* the list keeps it, and so its code */
}

/* The button: the name, at most max_chars wide (ud), with an ellipsis. */
static void pick_setup(GtkSignalListItemFactory *f, GtkListItem *li,
                       gpointer ud) {
  (void)f;
  GtkWidget *l = gtk_label_new("");
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  gtk_label_set_ellipsize(GTK_LABEL(l), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars(GTK_LABEL(l), GPOINTER_TO_INT(ud));
  gtk_list_item_set_child(li, l);
}

static void pick_bind(GtkSignalListItemFactory *f, GtkListItem *li,
                      gpointer ud) {
  (void)f;
  GObject *o = gtk_list_item_get_item(li);
  const char *name =
      o ? gtk_string_object_get_string(GTK_STRING_OBJECT(o)) : "";
  const char *ods = o ? g_object_get_data(o, "ods") : NULL;
  GtkWidget *l = gtk_list_item_get_child(li);
  gtk_label_set_text(GTK_LABEL(l), name);
  /* As wide as the name up to max_chars even at the minimum: a scrolling
   * grid gives its cells their minimum. */
  gtk_label_set_width_chars(
      GTK_LABEL(l), MIN(GPOINTER_TO_INT(ud), (int)g_utf8_strlen(name, -1)));
  char *tip = practice_tip(name, ods);
  gtk_widget_set_tooltip_text(l, tip);
  g_free(tip);
}

/* The list: the name whole, its code dim beside. (The popup is as wide
 * as its rows' minimum: a name that wrapped would break at every word.) */
static void pick_list_setup(GtkSignalListItemFactory *f, GtkListItem *li,
                            gpointer ud) {
  (void)f;
  (void)ud;
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *name = gtk_label_new(""), *code = gtk_label_new("");
  gtk_label_set_xalign(GTK_LABEL(name), 0);
  gtk_widget_set_hexpand(name, TRUE);
  gtk_widget_add_css_class(code, "dim-label");
  gtk_box_append(GTK_BOX(box), name);
  gtk_box_append(GTK_BOX(box), code);
  gtk_list_item_set_child(li, box);
}

static void pick_list_bind(GtkSignalListItemFactory *f, GtkListItem *li,
                           gpointer ud) {
  (void)f;
  (void)ud;
  GObject *o = gtk_list_item_get_item(li);
  const char *name =
      o ? gtk_string_object_get_string(GTK_STRING_OBJECT(o)) : "";
  const char *ods = o ? g_object_get_data(o, "ods") : NULL;
  GtkWidget *box = gtk_list_item_get_child(li);
  GtkWidget *l = gtk_widget_get_first_child(box);
  gtk_label_set_text(GTK_LABEL(l), name);
  /* The code beside a name; not twice when the code is all there is. */
  gtk_label_set_text(GTK_LABEL(gtk_widget_get_next_sibling(l)),
                     ods && strcmp(name, ods) ? ods : "");
}

static GtkListItemFactory *factory(GCallback setup, GCallback bind,
                                   gpointer ud) {
  GtkListItemFactory *f = gtk_signal_list_item_factory_new();
  g_signal_connect(f, "setup", setup, ud);
  g_signal_connect(f, "bind", bind, ud);
  return f;
}

GtkWidget *desk_practice_picker_new(pcn_desk *d, const char *none_label,
                                    int max_chars) {
  GtkStringList *names = gtk_string_list_new(NULL);
  if (none_label) picker_append(names, none_label, "");
  GPtrArray *ps = practices_by_name(d);
  for (guint i = 0; i < ps->len; i++) {
    practice_name *x = g_ptr_array_index(ps, i);
    picker_append(names, x->name, x->ods);
  }
  g_ptr_array_unref(ps);
  GtkWidget *dd = gtk_drop_down_new(G_LIST_MODEL(names), NULL);
  GtkListItemFactory *button =
      factory(G_CALLBACK(pick_setup), G_CALLBACK(pick_bind),
              GINT_TO_POINTER(max_chars > 0 ? max_chars : 12));
  GtkListItemFactory *list =
      factory(G_CALLBACK(pick_list_setup), G_CALLBACK(pick_list_bind), NULL);
  gtk_drop_down_set_factory(GTK_DROP_DOWN(dd), button);
  gtk_drop_down_set_list_factory(GTK_DROP_DOWN(dd), list);
  g_object_unref(button);
  g_object_unref(list);
  return dd;
}

const char *desk_practice_picker_get(GtkWidget *picker) {
  GObject *o = gtk_drop_down_get_selected_item(GTK_DROP_DOWN(picker));
  const char *ods = o ? g_object_get_data(o, "ods") : NULL;
  return ods ? ods : "";
}

int desk_practice_picker_set(GtkWidget *picker, const char *ods) {
  GListModel *m = gtk_drop_down_get_model(GTK_DROP_DOWN(picker));
  guint n = g_list_model_get_n_items(m);
  if (!ods) ods = "";
  for (guint i = 0; i < n; i++) {
    GObject *o = g_list_model_get_item(m, i);
    const char *at = g_object_get_data(o, "ods");
    int hit = at && !strcmp(at, ods);
    g_object_unref(o);
    if (hit) {
      gtk_drop_down_set_selected(GTK_DROP_DOWN(picker), i);
      return 0;
    }
  }
  if (!ods[0]) return -1;
  picker_append(GTK_STRING_LIST(m), ods, ods); /* not in the list (yet) */
  gtk_drop_down_set_selected(GTK_DROP_DOWN(picker), n);
  return 0;
}

/* ------------------------------------------------ practices check list */

/* The box holds the Everyone check first ("everyone"), then a check per
 * practice, each with its "ods". */

static void on_everyone(GtkCheckButton *all, gpointer ud) {
  gboolean on = gtk_check_button_get_active(all);
  for (GtkWidget *c = gtk_widget_get_first_child(GTK_WIDGET(ud)); c;
       c = gtk_widget_get_next_sibling(c)) {
    if (c == GTK_WIDGET(all)) continue;
    if (on) gtk_check_button_set_active(GTK_CHECK_BUTTON(c), FALSE);
    gtk_widget_set_sensitive(c, !on);
  }
}

static GtkWidget *practice_check(GtkWidget *box, const char *ods,
                                 const char *name) {
  GtkWidget *c = gtk_check_button_new();
  /* A label of our own, so that a long name wraps rather than widen the
   * form. */
  GtkWidget *l = gtk_label_new(name);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  gtk_label_set_wrap(GTK_LABEL(l), TRUE);
  gtk_label_set_wrap_mode(GTK_LABEL(l), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars(GTK_LABEL(l), 40);
  gtk_check_button_set_child(GTK_CHECK_BUTTON(c), l);
  gtk_widget_set_name(c, name);
  gtk_accessible_update_property(GTK_ACCESSIBLE(c),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  char *tip = strcmp(name, ods) ? g_strdup_printf("ODS code %s", ods)
                                : g_strdup_printf("Practice %s", ods);
  gtk_widget_set_tooltip_text(c, tip);
  g_free(tip);
  g_object_set_data_full(G_OBJECT(c), "ods", g_strdup(ods), g_free);
  gtk_widget_set_sensitive(c, !gtk_check_button_get_active(GTK_CHECK_BUTTON(
                                  desk_practices_check_everyone(box))));
  gtk_box_append(GTK_BOX(box), c);
  return c;
}

GtkWidget *desk_practices_check_new(pcn_desk *d) {
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *all = gtk_check_button_new_with_label("Everyone in the network");
  gtk_widget_set_name(all, "Everyone in the network");
  gtk_check_button_set_active(GTK_CHECK_BUTTON(all), TRUE);
  g_signal_connect(all, "toggled", G_CALLBACK(on_everyone), box);
  gtk_box_append(GTK_BOX(box), all);
  g_object_set_data(G_OBJECT(box), "everyone", all);
  GPtrArray *ps = practices_by_name(d);
  for (guint i = 0; i < ps->len; i++) {
    practice_name *x = g_ptr_array_index(ps, i);
    practice_check(box, x->ods, x->name);
  }
  g_ptr_array_unref(ps);
  return box;
}

GtkWidget *desk_practices_check_everyone(GtkWidget *w) {
  return g_object_get_data(G_OBJECT(w), "everyone");
}

int desk_practices_check_get(GtkWidget *w, GPtrArray *out) {
  if (gtk_check_button_get_active(
          GTK_CHECK_BUTTON(desk_practices_check_everyone(w))))
    return 0;
  int n = 0;
  for (GtkWidget *c = gtk_widget_get_first_child(w); c;
       c = gtk_widget_get_next_sibling(c)) {
    const char *ods = g_object_get_data(G_OBJECT(c), "ods");
    if (ods && gtk_check_button_get_active(GTK_CHECK_BUTTON(c))) {
      g_ptr_array_add(out, (gpointer)ods);
      n++;
    }
  }
  return n ? n : -1;
}

void desk_practices_check_set(GtkWidget *w, char *const *codes, size_t n) {
  gtk_check_button_set_active(
      GTK_CHECK_BUTTON(desk_practices_check_everyone(w)), n == 0);
  if (!n) return;
  for (GtkWidget *c = gtk_widget_get_first_child(w); c;
       c = gtk_widget_get_next_sibling(c))
    if (g_object_get_data(G_OBJECT(c), "ods"))
      gtk_check_button_set_active(GTK_CHECK_BUTTON(c), FALSE);
  for (size_t i = 0; i < n; i++) {
    GtkWidget *hit = NULL;
    for (GtkWidget *c = gtk_widget_get_first_child(w); c && !hit;
         c = gtk_widget_get_next_sibling(c)) {
      const char *ods = g_object_get_data(G_OBJECT(c), "ods");
      if (ods && !strcmp(ods, codes[i])) hit = c;
    }
    if (!hit) hit = practice_check(w, codes[i], codes[i]); /* not known yet */
    gtk_check_button_set_active(GTK_CHECK_BUTTON(hit), TRUE);
  }
}
