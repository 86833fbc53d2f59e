/* network.c - the Network page: the fair-notice rule, the reminder days,
 * and this year's and next year's bank holidays as the network has
 * corrected them. Everyone sees it; the PCN manager changes it here (the
 * controls are read-only for everyone else, and say so).
 *
 * Holiday names and rule days come from common/workdays.c, the same code
 * the server judges notice with; the settings record adds the network's
 * corrections. A settings event from the feed refreshes the page.
 *
 * Issue 19: the PCN manager also says here whether staff and clinicians
 * are offered the Funding plan and ARRS headroom pages (network.h tells
 * those pages; the sidebar follows the next settings event).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "deskpriv.h"
#include "network.h"
#include "uktime.h"
#include "validate.h"
#include "words.h"
#include "workdays.h"

struct desk_network {
  pcn_desk *d;
  GtkWidget *notice, *reminders, *staff_funding, *save, *note, *holidays,
      *add_date, *add_go, *status;
  Pcn__NetworkSettings *s; /* the last settings seen (a copy we own) */
};

static int is_manager(pcn_desk *d) {
  return d->role == PCN__ROLE__PCN_MANAGER;
}

static void say(struct desk_network *n, const char *msg) {
  gtk_label_set_text(GTK_LABEL(n->status), msg);
}

static int listed(char **list, size_t k, const char *date) {
  for (size_t i = 0; i < k; i++)
    if (!strcmp(list[i], date)) return 1;
  return 0;
}

static void on_holiday_done(pcn_client *cl, const Pcn__Response *r, void *ud);

static void send_holiday(struct desk_network *n, const char *date, int add) {
  Pcn__HolidayAdd a = PCN__HOLIDAY_ADD__INIT;
  Pcn__HolidayRemove rm = PCN__HOLIDAY_REMOVE__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  if (add) {
    a.date = (char *)date;
    req.body_case = PCN__REQUEST__BODY_HOLIDAY_ADD;
    req.holiday_add = &a;
  } else {
    rm.date = (char *)date;
    req.body_case = PCN__REQUEST__BODY_HOLIDAY_REMOVE;
    req.holiday_remove = &rm;
  }
  if (!n->d->cl || !pcn_client_call(n->d->cl, &req, on_holiday_done, n->d))
    say(n, "Not connected; try again when the header says connected.");
}

static void on_toggle_holiday(GtkButton *b, gpointer ud) {
  struct desk_network *n = ud;
  const char *date = g_object_get_data(G_OBJECT(b), "date");
  int make = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(b), "make"));
  send_holiday(n, date, make);
}

/* One row per holiday (or removed rule day) of year y, its day in words
 * with the year ("Fri 25 Dec 2026"), as the other pages say dates. */
static void fill_year(struct desk_network *n, int64_t y) {
  const Pcn__NetworkSettings *s = n->s;
  int32_t from = (int32_t)pcn_days_from_civil(y, 1, 1);
  int32_t to = (int32_t)pcn_days_from_civil(y + 1, 1, 1);
  for (int32_t day = from; day < to; day++) {
    char date[11];
    pcn_date_format(day, date);
    const char *rule = pcn_bank_holiday_rule_name(day);
    int added = s && listed(s->holidays_added, s->n_holidays_added, date);
    int removed = s && listed(s->holidays_removed, s->n_holidays_removed, date);
    if (!rule && !added) continue;
    char text[160], words[24];
    pcn_date_words(day, pcn_date_today(), 1, 1, words, sizeof words);
    snprintf(text, sizeof text, "%s — %s%s", words,
             rule ? rule : "Bank holiday added by the network",
             removed ? " (a working day: removed by the network)" : "");
    GtkWidget *row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
    GtkWidget *l = gtk_label_new(text);
    gtk_label_set_xalign(GTK_LABEL(l), 0);
    gtk_widget_set_hexpand(l, TRUE);
    if (removed) gtk_widget_add_css_class(l, "dim-label");
    gtk_box_append(GTK_BOX(row), l);
    if (is_manager(n->d)) {
      GtkWidget *b = gtk_button_new_with_label(removed ? "Make a holiday"
                                                       : "Make working");
      char acc[80];
      snprintf(acc, sizeof acc, "%s %s",
               removed ? "Make a holiday" : "Make working", date);
      gtk_widget_set_name(b, acc);
      gtk_accessible_update_property(GTK_ACCESSIBLE(b),
                                     GTK_ACCESSIBLE_PROPERTY_LABEL, acc, -1);
      g_object_set_data_full(G_OBJECT(b), "date", g_strdup(date), g_free);
      g_object_set_data(G_OBJECT(b), "make", GINT_TO_POINTER(removed));
      g_signal_connect(b, "clicked", G_CALLBACK(on_toggle_holiday), n);
      gtk_box_append(GTK_BOX(row), b);
    }
    gtk_list_box_append(GTK_LIST_BOX(n->holidays), row);
  }
}

static void show_settings(struct desk_network *n) {
  const Pcn__NetworkSettings *s = n->s;
  if (s) {
    gtk_spin_button_set_value(GTK_SPIN_BUTTON(n->notice), s->min_notice_days);
    char rem[80] = "";
    size_t k = 0;
    for (size_t i = 0; i < s->n_reminder_days && k + 12 < sizeof rem; i++)
      k += (size_t)snprintf(rem + k, sizeof rem - k, "%s%u", i ? ", " : "",
                            s->reminder_days[i]);
    gtk_editable_set_text(GTK_EDITABLE(n->reminders), rem);
  }
  gtk_check_button_set_active(GTK_CHECK_BUTTON(n->staff_funding),
                              s && s->staff_see_funding);
  int mgr = is_manager(n->d);
  gtk_widget_set_sensitive(n->notice, mgr);
  gtk_widget_set_sensitive(n->reminders, mgr);
  gtk_widget_set_sensitive(n->staff_funding, mgr);
  gtk_widget_set_visible(n->save, mgr);
  gtk_widget_set_visible(n->add_date, mgr);
  gtk_widget_set_visible(n->add_go, mgr);
  gtk_label_set_text(GTK_LABEL(n->note),
                     mgr ? "Asks due sooner than the notice must be marked "
                           "urgent, with a reason."
                         : "Only the PCN manager changes these. Asks due "
                           "sooner than the notice must be marked urgent.");
  GtkWidget *c;
  while ((c = gtk_widget_get_first_child(n->holidays)))
    gtk_list_box_remove(GTK_LIST_BOX(n->holidays), c);
  int64_t y;
  int m, dd;
  pcn_civil_from_days(pcn_date_today(), &y, &m, &dd); /* UK date */
  fill_year(n, y);
  fill_year(n, y + 1);
}

static void keep(struct desk_network *n, const Pcn__NetworkSettings *s) {
  if (n->s) pcn__network_settings__free_unpacked(n->s, NULL);
  n->s = desk_copy_msg(&s->base);
  show_settings(n);
}

/* Callbacks get the desk and find the page through it: a late answer
 * after the window closed finds no page. */
static void on_settings(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  struct desk_network *n = ((pcn_desk *)ud)->network;
  if (n && r->status->code == PCN__STATUS_CODE__OK &&
      r->body_case == PCN__RESPONSE__BODY_SETTINGS)
    keep(n, r->settings);
}

static void on_saved(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  struct desk_network *n = ((pcn_desk *)ud)->network;
  if (!n) return;
  if (r->status->code != PCN__STATUS_CODE__OK) {
    say(n, r->status->message);
    if (r->body_case == PCN__RESPONSE__BODY_SETTINGS) keep(n, r->settings);
    return;
  }
  say(n, "Saved for the whole network.");
  if (r->body_case == PCN__RESPONSE__BODY_SETTINGS) keep(n, r->settings);
}

static void on_holiday_done(pcn_client *cl, const Pcn__Response *r, void *ud) {
  on_saved(cl, r, ud);
}

static void on_save(GtkButton *b, gpointer ud) {
  (void)b;
  struct desk_network *n = ud;
  Pcn__SettingsUpdate u = PCN__SETTINGS_UPDATE__INIT;
  u.version = n->s ? n->s->version : 0;
  u.has_min_notice_case = PCN__SETTINGS_UPDATE__HAS_MIN_NOTICE_MIN_NOTICE_DAYS;
  u.min_notice_days =
      (uint32_t)gtk_spin_button_get_value_as_int(GTK_SPIN_BUTTON(n->notice));
  uint32_t days[8];
  size_t k = 0;
  const char *p = gtk_editable_get_text(GTK_EDITABLE(n->reminders));
  while (*p) {
    char *end;
    long v = strtol(p, &end, 10);
    if (end == p || v < 1 || v > 60 || k == 8) {
      say(n, "Reminders: write working days before the due date, such as "
             "3, 1.");
      return;
    }
    days[k++] = (uint32_t)v;
    p = end;
    while (*p == ',' || *p == ' ')
      p++;
  }
  u.set_reminder_days = 1;
  u.n_reminder_days = k;
  u.reminder_days = days;
  u.has_staff_see_funding_case =
      PCN__SETTINGS_UPDATE__HAS_STAFF_SEE_FUNDING_STAFF_SEE_FUNDING;
  u.staff_see_funding =
      gtk_check_button_get_active(GTK_CHECK_BUTTON(n->staff_funding));
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_SETTINGS_UPDATE;
  req.settings_update = &u;
  if (!n->d->cl || !pcn_client_call(n->d->cl, &req, on_saved, n->d))
    say(n, "Not connected; try again when the header says connected.");
}

static void on_add(GtkButton *b, gpointer ud) {
  (void)b;
  struct desk_network *n = ud;
  char date[11];
  const char *why = NULL;
  if (desk_date_entry_get(n->add_date, date, &why) != 0) {
    say(n, why ? why : "Give the holiday's date, as 4 Jun 2027.");
    return;
  }
  send_holiday(n, date, 1);
}

GtkWidget *network_view_new(pcn_desk *d) {
  struct desk_network *n = g_new0(struct desk_network, 1);
  n->d = d;
  d->network = n;
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 10);
  gtk_widget_set_margin_start(box, 18);
  gtk_widget_set_margin_end(box, 18);
  gtk_widget_set_margin_top(box, 12);
  gtk_widget_set_margin_bottom(box, 12);
  GtkWidget *h = gtk_label_new("Fair notice and reminders");
  gtk_widget_add_css_class(h, "title-3");
  gtk_label_set_xalign(GTK_LABEL(h), 0);
  gtk_box_append(GTK_BOX(box), h);
  GtkWidget *grid = gtk_grid_new();
  gtk_grid_set_row_spacing(GTK_GRID(grid), 6);
  gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
  n->notice = gtk_spin_button_new_with_range(0, 60, 1);
  gtk_widget_set_name(n->notice, "Minimum notice");
  desk_field(grid, 0, "Minimum _notice (working days)", n->notice);
  n->reminders = desk_entry("Reminders", "3, 1", 0);
  desk_field(grid, 1, "_Reminders (working days before due)", n->reminders);
  gtk_box_append(GTK_BOX(box), grid);
  /* Issue 19: a label that wraps, so a narrow window keeps it whole. */
  n->staff_funding = gtk_check_button_new();
  GtkWidget *sfl = gtk_label_new_with_mnemonic(
      "_Staff and clinicians see the Funding plan and ARRS headroom");
  gtk_label_set_wrap(GTK_LABEL(sfl), TRUE);
  gtk_label_set_xalign(GTK_LABEL(sfl), 0);
  gtk_label_set_mnemonic_widget(GTK_LABEL(sfl), n->staff_funding);
  gtk_check_button_set_child(GTK_CHECK_BUTTON(n->staff_funding), sfl);
  gtk_widget_set_name(n->staff_funding, "Staff see funding");
  gtk_accessible_update_property(
      GTK_ACCESSIBLE(n->staff_funding), GTK_ACCESSIBLE_PROPERTY_LABEL,
      "Staff and clinicians see the Funding plan and ARRS headroom", -1);
  gtk_widget_set_tooltip_text(
      n->staff_funding,
      "Only what the desktop offers them: the server lets every member read "
      "these reports.");
  gtk_box_append(GTK_BOX(box), n->staff_funding);
  n->note = gtk_label_new("");
  gtk_label_set_xalign(GTK_LABEL(n->note), 0);
  gtk_label_set_wrap(GTK_LABEL(n->note), TRUE);
  gtk_widget_add_css_class(n->note, "dim-label");
  gtk_box_append(GTK_BOX(box), n->note);
  n->save = gtk_button_new_with_mnemonic("_Save settings");
  gtk_widget_set_name(n->save, "Save settings");
  gtk_widget_set_halign(n->save, GTK_ALIGN_START);
  g_signal_connect(n->save, "clicked", G_CALLBACK(on_save), n);
  gtk_box_append(GTK_BOX(box), n->save);

  GtkWidget *h2 = gtk_label_new("Bank holidays (England and Wales)");
  gtk_widget_add_css_class(h2, "title-3");
  gtk_label_set_xalign(GTK_LABEL(h2), 0);
  gtk_box_append(GTK_BOX(box), h2);
  GtkWidget *add = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
  n->add_date = desk_date_entry_new("Holiday date");
  n->add_go = gtk_button_new_with_mnemonic("_Add a bank holiday");
  gtk_widget_set_name(n->add_go, "Add a bank holiday");
  g_signal_connect(n->add_go, "clicked", G_CALLBACK(on_add), n);
  gtk_box_append(GTK_BOX(add), n->add_date);
  gtk_box_append(GTK_BOX(add), n->add_go);
  gtk_box_append(GTK_BOX(box), add);
  n->holidays = gtk_list_box_new();
  gtk_list_box_set_selection_mode(GTK_LIST_BOX(n->holidays),
                                  GTK_SELECTION_NONE);
  gtk_widget_set_name(n->holidays, "Bank holidays");
  gtk_accessible_update_property(GTK_ACCESSIBLE(n->holidays),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Bank holidays",
                                 -1);
  GtkWidget *sc = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(sc), n->holidays);
  gtk_widget_set_vexpand(sc, TRUE);
  gtk_box_append(GTK_BOX(box), sc);
  n->status = gtk_label_new("");
  gtk_label_set_xalign(GTK_LABEL(n->status), 0);
  gtk_label_set_wrap(GTK_LABEL(n->status), TRUE);
  gtk_widget_set_name(n->status, "Network status");
  gtk_box_append(GTK_BOX(box), n->status);
  show_settings(n);
  return box;
}

void network_load(pcn_desk *d) {
  if (!d->network || !d->cl) return;
  Pcn__SettingsGet g = PCN__SETTINGS_GET__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_SETTINGS_GET;
  req.settings_get = &g;
  pcn_client_call(d->cl, &req, on_settings, d);
}

void network_on_event(pcn_desk *d, const Pcn__Event *ev) {
  if (!d->network || ev->record_case != PCN__EVENT__RECORD_SETTINGS) return;
  if (d->network->s && ev->settings->version <= d->network->s->version)
    return; /* already shown (our own save's answer came first) */
  keep(d->network, ev->settings);
}

void network_free(pcn_desk *d) {
  if (!d->network) return;
  if (d->network->s) pcn__network_settings__free_unpacked(d->network->s, NULL);
  g_free(d->network);
  d->network = NULL;
}

int desk_staff_see_funding(pcn_desk *d) {
  return d->network && d->network->s && d->network->s->staff_see_funding;
}

/* For the GUI tests. */
guint pcn_desk_network_holidays(pcn_desk *d) {
  guint k = 0;
  if (!d->network) return 0;
  for (GtkWidget *c = gtk_widget_get_first_child(d->network->holidays); c;
       c = gtk_widget_get_next_sibling(c))
    k++;
  return k;
}

/* ------------------------------------------------------------ registry */

/* Everyone (the settings read-only but for the PCN manager; the bank holidays
 * are everyone's). */
const desk_page network_page = {
    .id = "network",
    .title = "Network",
    .group = DESK_NETWORK,
    .icon = "network-workgroup-symbolic",
    .view_new = network_view_new,
    .load = network_load,
    .on_event = network_on_event,
    .free = network_free,
};
