/* headroom.c - the ARRS headroom page: the year's reimbursement ceiling,
 * what the network has claimed and has left, what would be lost at the
 * year's end at the current rate of claiming (bold red when anything
 * would), and the months April to March with their claims, cumulative,
 * the staff register's cost, due day and overdue mark. Every member sees
 * it; the PCN manager also has a form to record a month's claim (for a
 * month that is over), or to reverse a mistaken one with a reason. The
 * server works every figure out (funds_arrs.c); this page shows its
 * report as it is and asks again when a claim, a rate, the practices'
 * figures or the staff register change. A reminder that a claim is due
 * (FundsClaimDue, sent to the network's people) becomes a notice for the
 * PCN manager.
 */
#include <stdio.h>
#include <string.h>

#include "deskpriv.h"
#include "money.h"
#include "network.h"
#include "uktime.h"
#include "words.h"

typedef struct desk_headroom desk_headroom;
struct desk_headroom {
  GtkWidget *title, *summary, *loss, *note, *months, *form;
  GtkWidget *earlier, *later;
  GtkWidget *f_month, *f_amount, *f_ref, *f_go, *f_reason, *f_rev;
  Pcn__FundsHeadroomReport *rep; /* own copy, or NULL */
  uint32_t year;                 /* 0 until the server has said */
  guint reload_id;
};

static void note(pcn_desk *d, const char *text, int error) {
  desk_note(d->headroom->note, text, error);
}

/* Sends req; 0, or -1 (said why). Callbacks check d->headroom first: a
 * closing client fails what is in flight after headroom_free. */
static int call(pcn_desk *d, Pcn__Request *req, pcn_response_cb cb) {
  return desk_send(d, d->headroom->note, req, cb);
}

/* ------------------------------------------------------------ drawing */

static GtkWidget *label(const char *text, const char *css, int chars,
                        float xalign) {
  GtkWidget *l = gtk_label_new(text);
  gtk_label_set_xalign(GTK_LABEL(l), xalign);
  if (chars) gtk_label_set_width_chars(GTK_LABEL(l), chars);
  if (css) gtk_widget_add_css_class(l, css);
  return l;
}

static GtkWidget *wrap_label(const char *text, const char *css) {
  GtkWidget *l = label(text, css, 0, 0);
  gtk_label_set_wrap(GTK_LABEL(l), TRUE);
  gtk_label_set_wrap_mode(GTK_LABEL(l), PANGO_WRAP_WORD_CHAR);
  return l;
}

/* One line of the months table: cells of fixed widths, so the columns
 * line up as a table's. */
static GtkWidget *cells(const char *const *text, const char *css) {
  static const int width[] = {8, 14, 14, 14, 11, 8, 14};
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
  for (size_t i = 0; i < G_N_ELEMENTS(width); i++) {
    GtkWidget *c = label(text[i], css, width[i], i == 0 || i >= 4 ? 0 : 1);
    if (i == 5 && text[i][0]) gtk_widget_add_css_class(c, "error");
    gtk_box_append(GTK_BOX(box), c);
  }
  return box;
}

static GtkWidget *row_with(const char *name, const char *a11y, GtkWidget *c) {
  GtkWidget *row = gtk_list_box_row_new();
  gtk_widget_set_name(row, name);
  gtk_accessible_update_property(GTK_ACCESSIBLE(row),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
  gtk_widget_set_margin_start(c, 12);
  gtk_widget_set_margin_end(c, 12);
  gtk_widget_set_margin_top(c, 4);
  gtk_widget_set_margin_bottom(c, 4);
  gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(row), c);
  return row;
}

static int claimed_in(const Pcn__FundsHeadroomReport *h, const char *month) {
  for (size_t i = 0; i < h->n_claims; i++)
    if (!strcmp(h->claims[i]->month, month)) return 1;
  return 0;
}

static GtkWidget *month_row(const Pcn__FundsHeadroomReport *h,
                            const Pcn__FundsHeadroomMonth *m) {
  char a[PCN_PENCE_BUF], b[PCN_PENCE_BUF], c[PCN_PENCE_BUF], e[PCN_PENCE_BUF],
      name[32], a11y[300];
  int claimed = claimed_in(h, m->month);
  char due[24], month[24];
  desk_date_words(m->due, due, sizeof due, DESK_DATE_YEAR);
  pcn_month_words(m->month, month, sizeof month);
  char cell[16]; /* "Sep 2026": the column is 8 wide */
  snprintf(cell, sizeof cell, "%.3s %.4s", month, m->month);
  const char *text[] = {cell,
                        claimed ? pcn_pence_format(m->claimed, 1, a) : "—",
                        pcn_pence_format(m->cumulative, 1, b),
                        pcn_pence_format(m->staff_cost, 1, c),
                        due,
                        m->overdue ? "Overdue" : "",
                        pcn_pence_format(m->projected_lost, 1, e)};
  snprintf(name, sizeof name, "Month %s", m->month);
  snprintf(a11y, sizeof a11y,
           "%s: claimed %s, %s so far, staff cost %s, due %s%s, would lose "
           "%s",
           month, claimed ? a : "nothing", b, c, due,
           m->overdue ? " (overdue)" : "", e);
  return row_with(name, a11y, cells(text, NULL));
}

static void clear(GtkWidget *list) {
  GtkWidget *c;
  while ((c = gtk_widget_get_first_child(list)))
    gtk_list_box_remove(GTK_LIST_BOX(list), c);
}

static void redraw(pcn_desk *d) {
  desk_headroom *t = d->headroom;
  gtk_widget_set_visible(t->form, d->role == PCN__ROLE__PCN_MANAGER);
  const Pcn__FundsHeadroomReport *h = t->rep;
  if (!h) return;
  char a[PCN_PENCE_BUF], b[PCN_PENCE_BUF], c[PCN_PENCE_BUF], text[400];
  snprintf(text, sizeof text, "April %u to March %u", h->year, h->year + 1);
  gtk_label_set_text(GTK_LABEL(t->title), text);
  if (!h->rate_cp)
    snprintf(text, sizeof text,
             "No ARRS rate is recorded for this year, so there is no "
             "ceiling yet. Claimed %s.",
             pcn_pence_format(h->claimed, 1, b));
  else
    snprintf(text, sizeof text, "Ceiling %s · Claimed %s · Left %s",
             pcn_pence_format(h->ceiling, 1, a),
             pcn_pence_format(h->claimed, 1, b),
             pcn_pence_format(h->left, 1, c));
  gtk_label_set_text(GTK_LABEL(t->summary), text);
  char *markup;
  if (h->projected_lost > 0)
    markup = g_markup_printf_escaped(
        "At the current rate of claiming, <span weight=\"bold\" "
        "foreground=\"#c01c28\">%s would be lost</span> at the year's end: "
        "unclaimed money does not carry over.",
        pcn_pence_format(h->projected_lost, 1, a));
  else
    markup = g_strdup("At the current rate of claiming, nothing would be "
                      "lost at the year's end.");
  gtk_label_set_markup(GTK_LABEL(t->loss), markup);
  g_free(markup);
  clear(t->months);
  for (size_t i = 0; i < h->n_months; i++)
    gtk_list_box_append(GTK_LIST_BOX(t->months), month_row(h, h->months[i]));
}

/* ------------------------------------------------------------ loading */

static void on_report(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_headroom *t = d->headroom;
  if (!t) return;
  if (r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_FUNDS_HEADROOM) {
    note(d, r->status->message, 1);
    return;
  }
  if (t->rep) pcn__funds_headroom_report__free_unpacked(t->rep, NULL);
  t->rep = desk_copy_msg(&r->funds_headroom->base);
  if (t->rep) t->year = t->rep->year;
  redraw(d);
}

static void load_report(pcn_desk *d) {
  Pcn__FundsHeadroom h = PCN__FUNDS_HEADROOM__INIT;
  h.year = d->headroom->year;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_HEADROOM;
  req.funds_headroom = &h;
  call(d, &req, on_report);
}

static gboolean reload_idle(gpointer ud) {
  pcn_desk *d = ud;
  d->headroom->reload_id = 0;
  load_report(d);
  return G_SOURCE_REMOVE;
}

static void reload_soon(pcn_desk *d) {
  if (!d->headroom->reload_id)
    d->headroom->reload_id = g_idle_add(reload_idle, d);
}

void headroom_load(pcn_desk *d) {
  if (!d->headroom) return;
  redraw(d);
  load_report(d);
}

void headroom_on_event(pcn_desk *d, const Pcn__Event *ev) {
  desk_headroom *t = d->headroom;
  if (!t) return;
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_FUNDS_ARRS_CLAIM:
  case PCN__EVENT__RECORD_FUNDS_RATE:
  case PCN__EVENT__RECORD_FUNDS_FIGURES:
  case PCN__EVENT__RECORD_STAFF_MEMBER: reload_soon(d); break;
  case PCN__EVENT__RECORD_FUNDS_CLAIM_DUE: {
    /* The page's overdue marks follow the server's day. */
    reload_soon(d);
    if (d->role != PCN__ROLE__PCN_MANAGER) break;
    const Pcn__FundsClaimDue *c = ev->funds_claim_due;
    char id[64], body[200], month[24], due[24];
    snprintf(id, sizeof id, "arrs-due-%.8s", c->month);
    pcn_month_words(c->month, month, sizeof month);
    desk_date_words(c->due, due, sizeof due, DESK_DATE_WEEKDAY);
    if (c->working_days_left < 0)
      snprintf(body, sizeof body,
               "The ARRS claim for %s was due %s and is not recorded.", month,
               due);
    else
      snprintf(body, sizeof body,
               "The ARRS claim for %s is due %s (%d working day%s left).",
               month, due, c->working_days_left,
               c->working_days_left == 1 ? "" : "s");
    desk_notice(d, ev, id,
                c->working_days_left < 0 ? "ARRS claim overdue"
                                         : "ARRS claim due",
                body);
    break;
  }
  default: break;
  }
}

/* ------------------------------------------------------------ the form */

static void on_recorded(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_headroom *t = d->headroom;
  if (!t) return;
  gtk_widget_set_sensitive(t->f_go, TRUE);
  if (r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_FUNDS_ARRS_CLAIM) {
    char words[600];
    desk_error_words(r->status, words, sizeof words);
    note(d, words, 1);
    return;
  }
  char a[PCN_PENCE_BUF], text[200], month[24];
  pcn_month_words(r->funds_arrs_claim->month, month, sizeof month);
  snprintf(text, sizeof text, "Recorded the ARRS claim for %s: %s.", month,
           pcn_pence_format(r->funds_arrs_claim->pence, 1, a));
  note(d, text, 0);
  gtk_editable_set_text(GTK_EDITABLE(t->f_amount), "");
  gtk_editable_set_text(GTK_EDITABLE(t->f_ref), "");
  reload_soon(d);
}

static void on_record(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  desk_headroom *t = d->headroom;
  Pcn__FundsArrsClaim c = PCN__FUNDS_ARRS_CLAIM__INIT;
  const char *amount = gtk_editable_get_text(GTK_EDITABLE(t->f_amount));
  if (pcn_pence_parse(amount, &c.pence) || c.pence <= 0) {
    note(d, "Amount: write pounds and pence above 0, such as 18,250.00.", 1);
    return;
  }
  char month[8];
  const char *why;
  if (pcn_month_parse_uk(gtk_editable_get_text(GTK_EDITABLE(t->f_month)), month,
                         &why)) {
    note(d, why, 1);
    return;
  }
  c.month = month;
  c.reference = (char *)gtk_editable_get_text(GTK_EDITABLE(t->f_ref));
  c.note = "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_ARRS_CLAIM;
  req.funds_arrs_claim = &c;
  if (call(d, &req, on_recorded) == 0) gtk_widget_set_sensitive(t->f_go, FALSE);
}

static void on_reversed(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_headroom *t = d->headroom;
  if (!t) return;
  gtk_widget_set_sensitive(t->f_rev, TRUE);
  if (r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_FUNDS_ARRS_CLAIM) {
    char words[600];
    desk_error_words(r->status, words, sizeof words);
    note(d, words, 1);
    return;
  }
  char a[PCN_PENCE_BUF], text[200], month[24];
  pcn_month_words(r->funds_arrs_claim->month, month, sizeof month);
  snprintf(text, sizeof text,
           "Reversed the ARRS claim for %s (%s); the month is unclaimed "
           "again.",
           month, pcn_pence_format(r->funds_arrs_claim->pence, 1, a));
  note(d, text, 0);
  gtk_editable_set_text(GTK_EDITABLE(t->f_reason), "");
  reload_soon(d);
}

/* The reversal the PCN manager has been asked to confirm: copies, as the
 * dialog can outlive what the form held. */
struct reversal {
  pcn_desk *d;
  char *month, *reason;
};

static void reversal_free(gpointer p) {
  struct reversal *x = p;
  g_free(x->month);
  g_free(x->reason);
  g_free(x);
}

static void send_reversal(gpointer p) {
  struct reversal *x = p;
  desk_headroom *t = x->d->headroom;
  if (!t) return;
  Pcn__FundsArrsClaimReverse v = PCN__FUNDS_ARRS_CLAIM_REVERSE__INIT;
  v.month = x->month;
  v.reason = x->reason;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_ARRS_CLAIM_REVERSE;
  req.funds_arrs_claim_reverse = &v;
  if (call(x->d, &req, on_reversed) == 0)
    gtk_widget_set_sensitive(t->f_rev, FALSE);
}

/* The month's standing claim in the report shown, or NULL. */
static const Pcn__FundsArrsClaimRecord *claim_of(const desk_headroom *t,
                                                 const char *month) {
  if (!t->rep) return NULL;
  for (size_t i = 0; i < t->rep->n_claims; i++)
    if (!strcmp(t->rep->claims[i]->month, month) &&
        !t->rep->claims[i]->reversed_at)
      return t->rep->claims[i];
  return NULL;
}

/* Reverses the claim of the form's month, with the reason typed, once
 * the PCN manager has confirmed what it will do (issue 19). */
static void on_reverse(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  desk_headroom *t = d->headroom;
  char month[8], words[24];
  const char *why;
  if (pcn_month_parse_uk(gtk_editable_get_text(GTK_EDITABLE(t->f_month)), month,
                         &why)) {
    note(d, why, 1);
    return;
  }
  pcn_month_words(month, words, sizeof words);
  const char *reason = gtk_editable_get_text(GTK_EDITABLE(t->f_reason));
  if (!reason[0]) {
    note(d, "Reason: say why the month's claim is reversed.", 1);
    return;
  }
  const Pcn__FundsArrsClaimRecord *c = claim_of(t, month);
  char amt[PCN_PENCE_BUF] = "", heading[80];
  if (c) pcn_pence_format(c->pence, 1, amt);
  snprintf(heading, sizeof heading, "Reverse the ARRS claim for %s?", words);
  char *body = g_strdup_printf(
      "%s%s%s%s will be marked reversed (“%s”): the month counts as "
      "unclaimed again, the headroom goes back up by the amount, and the "
      "reminders that it is due resume until it is claimed anew.",
      c ? "The claim of " : "The claim for ", c ? amt : words, c ? " for " : "",
      c ? words : "", reason);
  struct reversal *x = g_new0(struct reversal, 1);
  x->d = d;
  x->month = g_strdup(month);
  x->reason = g_strdup(reason);
  desk_confirm(GTK_WINDOW(d->window), heading, body, "Reverse claim", TRUE,
               send_reversal, x, reversal_free);
  g_free(body);
}

static void on_year(GtkButton *b, gpointer ud) {
  pcn_desk *d = ud;
  desk_headroom *t = d->headroom;
  if (!t->year) return;
  if (GTK_WIDGET(b) == t->earlier && t->year > 2000)
    t->year--;
  else if (GTK_WIDGET(b) == t->later && t->year < 2198)
    t->year++;
  load_report(d);
}

static GtkWidget *record_form(pcn_desk *d) {
  desk_headroom *t = d->headroom;
  GtkWidget *g = gtk_grid_new();
  gtk_grid_set_row_spacing(GTK_GRID(g), 6);
  gtk_grid_set_column_spacing(GTK_GRID(g), 12);
  gtk_grid_attach(GTK_GRID(g), label("Record a month's claim", "heading", 0, 0),
                  0, 0, 2, 1);
  t->f_month = desk_field(
      g, 1, "_Month", desk_entry("Claim month", "December 2026, 12/2026", 0));
  t->f_amount = desk_field(g, 2, "A_mount (£)",
                           desk_entry("Claim amount", "18,250.00", 0));
  t->f_ref = desk_field(g, 3, "_Reference",
                        desk_entry("Claim reference", "ARRS-04", 0));
  t->f_go = gtk_button_new_with_mnemonic("Record _claim");
  gtk_widget_set_name(t->f_go, "Record claim");
  gtk_widget_add_css_class(t->f_go, "suggested-action");
  gtk_widget_set_halign(t->f_go, GTK_ALIGN_END);
  g_signal_connect(t->f_go, "clicked", G_CALLBACK(on_record), d);
  gtk_grid_attach(GTK_GRID(g), t->f_go, 1, 4, 1, 1);
  t->f_reason = desk_field(g, 5, "Reason to re_verse",
                           desk_entry("Reverse reason", "sent twice", 0));
  t->f_rev = gtk_button_new_with_mnemonic("Reverse the month's c_laim");
  gtk_widget_set_name(t->f_rev, "Reverse claim");
  gtk_widget_add_css_class(t->f_rev, "destructive-action");
  gtk_widget_set_halign(t->f_rev, GTK_ALIGN_END);
  g_signal_connect(t->f_rev, "clicked", G_CALLBACK(on_reverse), d);
  gtk_grid_attach(GTK_GRID(g), t->f_rev, 1, 6, 1, 1);
  gtk_widget_set_name(g, "Record an ARRS claim");
  gtk_widget_set_halign(g, GTK_ALIGN_START);
  gtk_widget_set_size_request(g, 420, -1);
  gtk_widget_set_margin_start(g, 12);
  gtk_widget_set_margin_end(g, 12);
  gtk_widget_set_visible(g, FALSE);
  return g;
}

GtkWidget *headroom_view_new(pcn_desk *d) {
  desk_headroom *t = g_new0(desk_headroom, 1);
  d->headroom = t;

  GtkWidget *bar = desk_bar();
  t->earlier = gtk_button_new_from_icon_name("go-previous-symbolic");
  gtk_widget_set_name(t->earlier, "Earlier year");
  gtk_widget_set_tooltip_text(t->earlier, "Earlier year");
  gtk_accessible_update_property(GTK_ACCESSIBLE(t->earlier),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Earlier year",
                                 -1);
  t->later = gtk_button_new_from_icon_name("go-next-symbolic");
  gtk_widget_set_name(t->later, "Later year");
  gtk_widget_set_tooltip_text(t->later, "Later year");
  gtk_accessible_update_property(GTK_ACCESSIBLE(t->later),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Later year",
                                 -1);
  g_signal_connect(t->earlier, "clicked", G_CALLBACK(on_year), d);
  g_signal_connect(t->later, "clicked", G_CALLBACK(on_year), d);
  t->title = label("This year", "title-4", 0, 0);
  gtk_widget_set_name(t->title, "Headroom year");
  gtk_box_append(GTK_BOX(bar), t->earlier);
  gtk_box_append(GTK_BOX(bar), t->title);
  gtk_box_append(GTK_BOX(bar), t->later);

  t->summary = wrap_label("Loading the headroom…", "heading");
  gtk_widget_set_name(t->summary, "Headroom summary");
  t->loss = wrap_label("", NULL);
  gtk_widget_set_name(t->loss, "Headroom loss");
  t->note = wrap_label("", NULL);
  gtk_widget_set_name(t->note, "Headroom note");
  GtkWidget *top = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start(top, 12);
  gtk_widget_set_margin_end(top, 12);
  gtk_box_append(GTK_BOX(top), t->summary);
  gtk_box_append(GTK_BOX(top), t->loss);
  gtk_box_append(GTK_BOX(top), t->note);
  t->form = record_form(d);

  static const char *const head[] = {
      "Month", "Claimed", "Cumulative", "Staff cost", "Due", "", "Would lose"};
  GtkWidget *header = cells(head, "dim-label");
  gtk_widget_set_margin_start(header, 24);
  t->months = gtk_list_box_new();
  gtk_widget_set_name(t->months, "Headroom months");
  gtk_list_box_set_selection_mode(GTK_LIST_BOX(t->months), GTK_SELECTION_NONE);
  gtk_accessible_update_property(
      GTK_ACCESSIBLE(t->months), GTK_ACCESSIBLE_PROPERTY_LABEL,
      "The year's months: claims, staff costs, due days", -1);
  gtk_widget_add_css_class(t->months, "boxed-list");
  GtkWidget *table = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start(table, 12);
  gtk_widget_set_margin_end(table, 12);
  gtk_widget_set_margin_bottom(table, 12);
  gtk_box_append(GTK_BOX(table), header);
  gtk_box_append(GTK_BOX(table), t->months);
  GtkWidget *scroll = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), table);
  gtk_widget_set_vexpand(scroll, TRUE);

  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_name(box, "Headroom page");
  gtk_box_append(GTK_BOX(box), bar);
  gtk_box_append(GTK_BOX(box), top);
  gtk_box_append(GTK_BOX(box), t->form);
  gtk_box_append(GTK_BOX(box), scroll);
  return box;
}

void headroom_free(pcn_desk *d) {
  desk_headroom *t = d->headroom;
  if (!t) return;
  if (t->reload_id) g_source_remove(t->reload_id);
  if (t->rep) pcn__funds_headroom_report__free_unpacked(t->rep, NULL);
  g_free(t);
  d->headroom = NULL;
}

/* ------------------------------------------------------------ registry */

static int headroom_shown(pcn_desk *d) {
  return !desk_role_is_staff(d) || desk_staff_see_funding(d);
}

/* Not staff: ARRS claims and headroom are the managers' work. */
const desk_page headroom_page = {
    .id = "headroom",
    .title = "ARRS headroom",
    .group = DESK_MONEY,
    .icon = "x-office-presentation-symbolic",
    .view_new = headroom_view_new,
    .load = headroom_load,
    .on_event = headroom_on_event,
    .free = headroom_free,
    .shown = headroom_shown,
};
