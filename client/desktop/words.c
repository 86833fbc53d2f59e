/* words.c - the desktop's shared vocabulary (words.h, issue 19): dates,
 * times, roles, people and practices in words; the server's refusals in
 * words for a window; a confirmation dialog; a date entry with a calendar;
 * a person picker.
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

void desk_stream_dropdown(pcn_desk *d, GtkWidget *dd) {
  GtkListItemFactory *fa = gtk_signal_list_item_factory_new();
  g_signal_connect(fa, "setup", G_CALLBACK(stream_setup), NULL);
  g_signal_connect(fa, "bind", G_CALLBACK(stream_bind), d);
  gtk_drop_down_set_factory(GTK_DROP_DOWN(dd), fa);
  g_object_unref(fa);
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
