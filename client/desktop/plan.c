/* plan.c - the Funding plan page: for a financial year (a spin button;
 * 2027 is April 2027 to March 2028), each stream's rate, the income the
 * rates make expected against what was received, and the budgets against
 * what was paid out. Every member sees it (transparency is the point);
 * the PCN manager also has a small form to set a rate and one to set a
 * budget for the year shown. The server decides who may do what; a
 * refusal shows as its sentence.
 *
 * Model: the server's last three pages for the year shown (rates,
 * expected, budgets), fetched again when the year changes and after any
 * event that can change them (a rate, a budget, a ledger entry, a
 * practice's figures), at most once per main-loop turn. The figures shown
 * are always the server's own sums; a page for another year than the one
 * shown (an answer overtaken by a change of year) is dropped.
 */
#include <stdio.h>
#include <string.h>

#include "deskpriv.h"
#include "words.h"
#include "money.h"
#include "network.h"
#include "validate.h"

#define YEAR_MIN 2000
#define YEAR_MAX 2200
#define EMPTY_RATES "No rates recorded for this year."
#define EMPTY_EXPECTED "No rates and no receipts in this year."
#define EMPTY_BUDGETS "No budgets, rates or entries in this year."

typedef struct desk_plan desk_plan;
struct desk_plan {
  pcn_desk *d;
  GtkWidget *year, *year_says, *note, *forms;
  GtkWidget *r_stream, *r_basis, *r_rate, *r_go;
  GtkWidget *b_stream, *b_amount, *b_go;
  GtkWidget *rates, *expected, *budgets;
  GtkStringList *streams;
  Pcn__FundsRatePage *rp;
  Pcn__FundsExpectedPage *ep;
  Pcn__FundsBudgetPage *bp;
  guint reload_id, redraw_id;
  int manager; /* the PCN manager's window: the empty rates say what to do */
};

static const struct {
  int basis;
  const char *label, *says;
} bases[] = {
    {PCN__FUNDS_BASIS__FUNDS_PER_PATIENT, "Per registered patient",
     "per registered patient"},
    {PCN__FUNDS_BASIS__FUNDS_PER_WEIGHTED, "Per weighted patient",
     "per weighted patient"},
    {PCN__FUNDS_BASIS__FUNDS_PER_BED, "Per care-home bed", "per care-home bed"},
    {PCN__FUNDS_BASIS__FUNDS_FIXED, "Fixed for the year", "for the year"},
};

static const char *basis_says(int basis) {
  for (size_t i = 0; i < G_N_ELEMENTS(bases); i++)
    if (bases[i].basis == basis) return bases[i].says;
  return "";
}

static uint32_t shown_year(pcn_desk *d) {
  return (uint32_t)gtk_spin_button_get_value_as_int(
      GTK_SPIN_BUTTON(d->plan->year));
}

/* ------------------------------------------------------------ model */

static void redraw(pcn_desk *d);

static gboolean redraw_idle(gpointer ud) {
  pcn_desk *d = ud;
  d->plan->redraw_id = 0;
  redraw(d);
  return G_SOURCE_REMOVE;
}

static void changed(pcn_desk *d) {
  if (!d->plan->redraw_id) d->plan->redraw_id = g_idle_add(redraw_idle, d);
}

static void note(pcn_desk *d, const char *text, int error) {
  desk_note(d->plan->note, text, error);
}

/* Sends req; 0, or -1 (said why). Callbacks check d->plan first: a
 * closing client fails what is in flight after plan_free. */
static int call(pcn_desk *d, Pcn__Request *req, pcn_response_cb cb) {
  return desk_send(d, d->plan->note, req, cb);
}

static void on_rates(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  if (!d->plan) return;
  if (r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_FUNDS_RATE_PAGE) {
    note(d, r->status->message, 1);
    return;
  }
  const Pcn__FundsRatePage *p = r->funds_rate_page;
  if (p->n_rates && p->rates[0]->year != shown_year(d)) return;
  if (d->plan->rp) pcn__funds_rate_page__free_unpacked(d->plan->rp, NULL);
  d->plan->rp = desk_copy_msg(&p->base);
  changed(d);
}

static void on_expected(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  if (!d->plan || r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_FUNDS_EXPECTED_PAGE ||
      r->funds_expected_page->year != shown_year(d))
    return;
  if (d->plan->ep) pcn__funds_expected_page__free_unpacked(d->plan->ep, NULL);
  d->plan->ep = desk_copy_msg(&r->funds_expected_page->base);
  changed(d);
}

static void on_budgets(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  if (!d->plan || r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_FUNDS_BUDGET_PAGE ||
      r->funds_budget_page->year != shown_year(d))
    return;
  if (d->plan->bp) pcn__funds_budget_page__free_unpacked(d->plan->bp, NULL);
  d->plan->bp = desk_copy_msg(&r->funds_budget_page->base);
  changed(d);
}

static void reload(pcn_desk *d) {
  uint32_t year = shown_year(d);
  Pcn__Request req = PCN__REQUEST__INIT;
  Pcn__FundsRateList rl = PCN__FUNDS_RATE_LIST__INIT;
  rl.year = year;
  req.body_case = PCN__REQUEST__BODY_FUNDS_RATE_LIST;
  req.funds_rate_list = &rl;
  if (call(d, &req, on_rates)) return;
  Pcn__FundsExpected ex = PCN__FUNDS_EXPECTED__INIT;
  ex.year = year;
  ex.stream = "";
  req.body_case = PCN__REQUEST__BODY_FUNDS_EXPECTED;
  req.funds_expected = &ex;
  call(d, &req, on_expected);
  Pcn__FundsBudgetReport br = PCN__FUNDS_BUDGET_REPORT__INIT;
  br.year = year;
  req.body_case = PCN__REQUEST__BODY_FUNDS_BUDGET_REPORT;
  req.funds_budget_report = &br;
  call(d, &req, on_budgets);
}

static gboolean reload_idle(gpointer ud) {
  pcn_desk *d = ud;
  d->plan->reload_id = 0;
  reload(d);
  return G_SOURCE_REMOVE;
}

static void reload_soon(pcn_desk *d) {
  if (!d->plan->reload_id) d->plan->reload_id = g_idle_add(reload_idle, d);
}

void plan_load(pcn_desk *d) {
  if (!d->plan) return;
  reload(d);
  changed(d);
}

void plan_on_event(pcn_desk *d, const Pcn__Event *ev) {
  if (!d->plan) return;
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_FUNDS_RATE:
  case PCN__EVENT__RECORD_FUNDS_BUDGET:
  case PCN__EVENT__RECORD_FUNDS_ENTRY:
  case PCN__EVENT__RECORD_FUNDS_FIGURES: reload_soon(d); break;
  default: break;
  }
}

/* ------------------------------------------------------------ forms */

static const char *picked_stream(GtkWidget *dd) {
  GObject *o = gtk_drop_down_get_selected_item(GTK_DROP_DOWN(dd));
  return o ? gtk_string_object_get_string(GTK_STRING_OBJECT(o)) : "core";
}

static void on_set(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  if (!d->plan) return;
  char text[300], a[PCN_RATE_BUF];
  if (r->status->code != PCN__STATUS_CODE__OK) {
    note(d, r->status->message, 1);
    return;
  }
  if (r->body_case == PCN__RESPONSE__BODY_FUNDS_RATE) {
    const Pcn__FundsRate *x = r->funds_rate;
    snprintf(text, sizeof text, "Set %s's rate for %u/%02u: %s %s.",
             desk_stream_words(d, x->stream), x->year, (x->year + 1) % 100,
             pcn_rate_format(x->rate_cp, a), basis_says(x->basis));
  } else if (r->body_case == PCN__RESPONSE__BODY_FUNDS_BUDGET) {
    const Pcn__FundsBudget *x = r->funds_budget;
    if (x->pence)
      snprintf(text, sizeof text, "Set %s's budget for %u/%02u: %s.",
               desk_stream_words(d, x->stream), x->year, (x->year + 1) % 100,
               pcn_pence_format(x->pence, 1, a));
    else
      snprintf(text, sizeof text, "%s has no budget for %u/%02u.",
               desk_stream_words(d, x->stream), x->year, (x->year + 1) % 100);
  } else {
    return;
  }
  note(d, text, 0);
  reload_soon(d);
}

static void on_set_rate(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  desk_plan *t = d->plan;
  Pcn__FundsRateSet s = PCN__FUNDS_RATE_SET__INIT;
  const char *v = gtk_editable_get_text(GTK_EDITABLE(t->r_rate));
  if (pcn_rate_parse(v, &s.rate_cp)) {
    note(d,
         "Rate: write pounds, 0 or more, with up to four decimal places, "
         "such as 1.5023 or 68,000.",
         1);
    return;
  }
  guint k = gtk_drop_down_get_selected(GTK_DROP_DOWN(t->r_basis));
  s.basis = bases[k < G_N_ELEMENTS(bases) ? k : 0].basis;
  s.year = shown_year(d);
  s.stream = (char *)picked_stream(t->r_stream);
  s.note = "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_RATE_SET;
  req.funds_rate_set = &s;
  call(d, &req, on_set);
}

static void on_set_budget(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  desk_plan *t = d->plan;
  Pcn__FundsBudgetSet s = PCN__FUNDS_BUDGET_SET__INIT;
  const char *v = gtk_editable_get_text(GTK_EDITABLE(t->b_amount));
  if (pcn_pence_parse(v, &s.pence) || s.pence < 0) {
    note(d,
         "Budget: write pounds and pence, 0 or more (0 clears it), such as "
         "50,000.",
         1);
    return;
  }
  s.year = shown_year(d);
  s.stream = (char *)picked_stream(t->b_stream);
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_BUDGET_SET;
  req.funds_budget_set = &s;
  call(d, &req, on_set);
}

static void on_year(GtkSpinButton *sb, gpointer ud) {
  (void)sb;
  pcn_desk *d = ud;
  desk_plan *t = d->plan;
  uint32_t y = shown_year(d);
  char text[80];
  snprintf(text, sizeof text, "%u/%02u: April %u to March %u", y, (y + 1) % 100,
           y, y + 1);
  gtk_label_set_text(GTK_LABEL(t->year_says), text);
  if (t->rp) pcn__funds_rate_page__free_unpacked(t->rp, NULL);
  if (t->ep) pcn__funds_expected_page__free_unpacked(t->ep, NULL);
  if (t->bp) pcn__funds_budget_page__free_unpacked(t->bp, NULL);
  t->rp = NULL;
  t->ep = NULL;
  t->bp = NULL;
  changed(d);
  if (d->cl) reload_soon(d);
}

/* ------------------------------------------------------------ drawing */

static GtkWidget *label(const char *text, const char *css, int wrap) {
  GtkWidget *l = gtk_label_new(text);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  if (wrap) {
    gtk_label_set_wrap(GTK_LABEL(l), TRUE);
    gtk_label_set_wrap_mode(GTK_LABEL(l), PANGO_WRAP_WORD_CHAR);
  }
  if (css) gtk_widget_add_css_class(l, css);
  return l;
}

/* A row of a table: cells in columns of fixed widths in pixels (so the
 * bold heading and the rows line up; text is the left column and any
 * column wider than 150, amounts are right-aligned), named name for the
 * tests and a11y for screen readers. */
static GtkWidget *table_row(const char *name, const char *a11y,
                            const char *const *cells, const int *widths,
                            size_t n, int heading) {
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
  for (size_t i = 0; i < n; i++) {
    GtkWidget *l = label(cells[i], heading ? "heading" : NULL, 0);
    gtk_widget_set_size_request(l, widths[i], -1);
    gtk_label_set_ellipsize(GTK_LABEL(l), PANGO_ELLIPSIZE_END);
    gtk_label_set_xalign(GTK_LABEL(l), i == 0 || widths[i] > 150 ? 0 : 1);
    if (!heading && i) gtk_widget_add_css_class(l, "numeric");
    gtk_box_append(GTK_BOX(box), l);
  }
  GtkWidget *row = gtk_list_box_row_new();
  gtk_widget_set_name(row, name);
  gtk_accessible_update_property(GTK_ACCESSIBLE(row),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
  gtk_widget_set_margin_start(box, 12);
  gtk_widget_set_margin_end(box, 12);
  gtk_widget_set_margin_top(box, 4);
  gtk_widget_set_margin_bottom(box, 4);
  gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(row), box);
  return row;
}

/* Empties list, its placeholder included (removing every child takes it
 * too), and gives it the placeholder again. */
static void clear(GtkWidget *list, const char *empty) {
  GtkWidget *c;
  while ((c = gtk_widget_get_first_child(list)))
    gtk_list_box_remove(GTK_LIST_BOX(list), c);
  gtk_list_box_set_placeholder(GTK_LIST_BOX(list),
                               label(empty, "dim-label", 0));
}

/* Appends cells as a row of list, its accessible label the cells joined. */
static void add_row(GtkWidget *list, const char *name, const char *const *cells,
                    const int *widths, size_t n, int heading) {
  GString *s = g_string_new(NULL);
  for (size_t i = 0; i < n; i++)
    g_string_append_printf(s, "%s%s", i ? ", " : "", cells[i]);
  gtk_list_box_append(GTK_LIST_BOX(list),
                      table_row(name, s->str, cells, widths, n, heading));
  g_string_free(s, TRUE);
}

static void draw_rates(desk_plan *t) {
  static const int w[] = {90, 100, 180, 240};
  clear(t->rates, EMPTY_RATES);
  if (t->rp && !t->rp->n_rates)
    gtk_list_box_set_placeholder(
        GTK_LIST_BOX(t->rates),
        desk_empty_state("Rates empty", "accessories-calculator-symbolic",
                         "No rates recorded for this year",
                         t->manager
                             ? "Set each stream's rate for the year with Set a "
                               "rate below: the expected income and the "
                               "statement's Expected column follow from it."
                             : "The PCN manager has not set this year's rates; "
                               "expected income shows once they do."));
  if (!t->rp || !t->rp->n_rates) return;
  const char *head[] = {"Stream", "Rate", "Basis", "Note"};
  add_row(t->rates, "Rates heading", head, w, 4, 1);
  for (size_t i = 0; i < t->rp->n_rates; i++) {
    const Pcn__FundsRate *x = t->rp->rates[i];
    char a[PCN_RATE_BUF], name[64];
    const char *cells[] = {desk_stream_words(t->d, x->stream),
                           pcn_rate_format(x->rate_cp, a), basis_says(x->basis),
                           x->note};
    snprintf(name, sizeof name, "Rate %s", x->stream);
    add_row(t->rates, name, cells, w, 4, 0);
  }
}

static void draw_expected(desk_plan *t) {
  static const int w[] = {90, 110, 110, 110};
  clear(t->expected, EMPTY_EXPECTED);
  if (!t->ep || !t->ep->n_rows) return;
  const char *head[] = {"Stream", "Expected", "Received", "Difference"};
  add_row(t->expected, "Expected heading", head, w, 4, 1);
  for (size_t i = 0; i < t->ep->n_rows;) {
    const char *stream = t->ep->rows[i]->stream;
    int64_t e = 0, r = 0;
    for (; i < t->ep->n_rows && !strcmp(t->ep->rows[i]->stream, stream); i++) {
      e += t->ep->rows[i]->expected;
      r += t->ep->rows[i]->received;
    }
    char a[PCN_PENCE_BUF], b[PCN_PENCE_BUF], c[PCN_PENCE_BUF], name[64];
    const char *cells[] = {desk_stream_words(t->d, stream),
                           pcn_pence_format(e, 1, a), pcn_pence_format(r, 1, b),
                           pcn_pence_format(r - e, 1, c)};
    snprintf(name, sizeof name, "Expected %s", stream);
    add_row(t->expected, name, cells, w, 4, 0);
  }
  char a[PCN_PENCE_BUF], b[PCN_PENCE_BUF], c[PCN_PENCE_BUF];
  const char *cells[] = {
      "Total", pcn_pence_format(t->ep->expected, 1, a),
      pcn_pence_format(t->ep->received, 1, b),
      pcn_pence_format(t->ep->received - t->ep->expected, 1, c)};
  add_row(t->expected, "Expected total", cells, w, 4, 1);
}

static void draw_budgets(desk_plan *t) {
  static const int w[] = {90, 100, 100, 100, 100, 100, 100};
  clear(t->budgets, EMPTY_BUDGETS);
  if (!t->bp || !t->bp->n_rows) return;
  const char *head[] = {"Stream", "Budget",    "Distributed", "Claimed",
                        "Spent",  "Remaining", "Received"};
  add_row(t->budgets, "Budgets heading", head, w, 7, 1);
  for (size_t i = 0; i < t->bp->n_rows; i++) {
    const Pcn__FundsBudgetRow *x = t->bp->rows[i];
    char b[6][PCN_PENCE_BUF], name[64];
    const char *cells[] = {
        desk_stream_words(t->d, x->stream),
        x->budgeted ? pcn_pence_format(x->budget, 1, b[0]) : "none",
        pcn_pence_format(x->distributed, 1, b[1]),
        pcn_pence_format(x->claimed, 1, b[2]),
        pcn_pence_format(x->spent, 1, b[3]),
        /* No budget, no remaining (issue 20). */
        x->budgeted ? pcn_pence_format(x->remaining, 1, b[4]) : "-",
        pcn_pence_format(x->received, 1, b[5])};
    snprintf(name, sizeof name, "Budget %s", x->stream);
    add_row(t->budgets, name, cells, w, 7, 0);
  }
}

static void redraw(pcn_desk *d) {
  desk_plan *t = d->plan;
  gtk_widget_set_visible(t->forms, d->role == PCN__ROLE__PCN_MANAGER);
  t->manager = d->role == PCN__ROLE__PCN_MANAGER;
  draw_rates(t);
  draw_expected(t);
  draw_budgets(t);
}

static GtkWidget *boxed_list(const char *name, const char *a11y,
                             const char *empty) {
  GtkWidget *l = gtk_list_box_new();
  gtk_widget_set_name(l, name);
  gtk_list_box_set_selection_mode(GTK_LIST_BOX(l), GTK_SELECTION_NONE);
  gtk_accessible_update_property(GTK_ACCESSIBLE(l),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  gtk_widget_add_css_class(l, "boxed-list");
  gtk_list_box_set_placeholder(GTK_LIST_BOX(l), label(empty, "dim-label", 0));
  return l;
}

static GtkWidget *stream_pick(desk_plan *t, const char *name) {
  GtkWidget *dd =
      gtk_drop_down_new(G_LIST_MODEL(g_object_ref(t->streams)), NULL);
  desk_stream_dropdown(t->d, dd);
  gtk_widget_set_name(dd, name);
  gtk_accessible_update_property(GTK_ACCESSIBLE(dd),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return dd;
}

static GtkWidget *form_grid(const char *title) {
  GtkWidget *g = gtk_grid_new();
  gtk_grid_set_row_spacing(GTK_GRID(g), 6);
  gtk_grid_set_column_spacing(GTK_GRID(g), 12);
  gtk_grid_attach(GTK_GRID(g), label(title, "heading", 0), 0, 0, 2, 1);
  return g;
}

static GtkWidget *go_button(GtkWidget *grid, int row, const char *mnemonic,
                            const char *name, GCallback cb, pcn_desk *d) {
  GtkWidget *b = gtk_button_new_with_mnemonic(mnemonic);
  gtk_widget_set_name(b, name);
  gtk_widget_add_css_class(b, "suggested-action");
  gtk_widget_set_halign(b, GTK_ALIGN_END);
  g_signal_connect(b, "clicked", cb, d);
  gtk_grid_attach(GTK_GRID(grid), b, 1, row, 1, 1);
  return b;
}

static GtkWidget *forms(pcn_desk *d) {
  desk_plan *t = d->plan;
  GtkWidget *rg = form_grid("Set a rate for the year shown");
  t->r_stream = desk_field(rg, 1, "_Stream", stream_pick(t, "Rate stream"));
  const char *labels[G_N_ELEMENTS(bases) + 1];
  for (size_t i = 0; i < G_N_ELEMENTS(bases); i++)
    labels[i] = bases[i].label;
  labels[G_N_ELEMENTS(bases)] = NULL;
  t->r_basis = gtk_drop_down_new_from_strings(labels);
  gtk_widget_set_name(t->r_basis, "Basis");
  gtk_accessible_update_property(GTK_ACCESSIBLE(t->r_basis),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Basis", -1);
  desk_field(rg, 2, "_Basis", t->r_basis);
  t->r_rate = desk_field(rg, 3, "_Rate (£)", desk_entry("Rate", "1.5023", 0));
  t->r_go =
      go_button(rg, 4, "Set _rate", "Set rate", G_CALLBACK(on_set_rate), d);

  GtkWidget *bg = form_grid("Set a budget for the year shown");
  t->b_stream = desk_field(bg, 1, "S_tream", stream_pick(t, "Budget stream"));
  t->b_amount = desk_field(bg, 2, "_Amount (£)",
                           desk_entry("Budget amount", "50,000.00", 0));
  t->b_go = go_button(bg, 3, "Set _budget", "Set budget",
                      G_CALLBACK(on_set_budget), d);

  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 24);
  gtk_widget_set_name(box, "Plan forms");
  gtk_widget_set_margin_start(box, 12);
  gtk_widget_set_margin_end(box, 12);
  gtk_widget_set_margin_bottom(box, 6);
  gtk_box_append(GTK_BOX(box), rg);
  gtk_box_append(GTK_BOX(box), bg);
  gtk_widget_set_visible(box, FALSE);
  return box;
}

static GtkWidget *section(const char *title, GtkWidget *list) {
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append(GTK_BOX(box), label(title, "heading", 0));
  gtk_box_append(GTK_BOX(box), list);
  return box;
}

GtkWidget *plan_view_new(pcn_desk *d) {
  desk_plan *t = g_new0(desk_plan, 1);
  d->plan = t;
  t->d = d;
  t->streams = g_object_ref(d->streams);

  GtkWidget *bar = desk_bar();
  GtkWidget *yl = gtk_label_new_with_mnemonic("Financial _year");
  int64_t y;
  int m, dd;
  pcn_civil_from_days(pcn_date_today(), &y, &m, &dd);
  t->year = gtk_spin_button_new_with_range(YEAR_MIN, YEAR_MAX, 1);
  gtk_widget_set_name(t->year, "Financial year");
  gtk_accessible_update_property(
      GTK_ACCESSIBLE(t->year), GTK_ACCESSIBLE_PROPERTY_LABEL,
      "Financial year, by the year it starts in", -1);
  gtk_label_set_mnemonic_widget(GTK_LABEL(yl), t->year);
  gtk_spin_button_set_value(GTK_SPIN_BUTTON(t->year),
                            (double)(m >= 4 ? y : y - 1));
  t->year_says = label("", "dim-label", 0);
  gtk_widget_set_name(t->year_says, "Year shown");
  gtk_box_append(GTK_BOX(bar), yl);
  gtk_box_append(GTK_BOX(bar), t->year);
  gtk_box_append(GTK_BOX(bar), t->year_says);

  t->note = label(NULL, NULL, 1);
  gtk_widget_set_name(t->note, "Plan note");
  gtk_widget_set_margin_start(t->note, 12);
  gtk_widget_set_margin_end(t->note, 12);
  t->forms = forms(d);

  t->rates = boxed_list("Rates", "The funding rates of the year", EMPTY_RATES);
  t->expected =
      boxed_list("Expected", "Expected income against received, by stream",
                 EMPTY_EXPECTED);
  t->budgets = boxed_list("Budgets", "Budgets against actuals, by stream",
                          EMPTY_BUDGETS);
  GtkWidget *cols = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start(cols, 12);
  gtk_widget_set_margin_end(cols, 12);
  gtk_widget_set_margin_bottom(cols, 12);
  gtk_box_append(GTK_BOX(cols), section("Rates", t->rates));
  gtk_box_append(
      GTK_BOX(cols),
      section("Expected income against received, over the year", t->expected));
  gtk_box_append(GTK_BOX(cols), section("Budgets against actuals", t->budgets));
  GtkWidget *scroll = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), cols);
  gtk_widget_set_vexpand(scroll, TRUE);

  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_name(box, "Plan page");
  gtk_box_append(GTK_BOX(box), bar);
  gtk_box_append(GTK_BOX(box), t->note);
  gtk_box_append(GTK_BOX(box), t->forms);
  gtk_box_append(GTK_BOX(box), scroll);
  on_year(GTK_SPIN_BUTTON(t->year), d);
  g_signal_connect(t->year, "value-changed", G_CALLBACK(on_year), d);
  return box;
}

void plan_free(pcn_desk *d) {
  desk_plan *t = d->plan;
  if (!t) return;
  if (t->redraw_id) g_source_remove(t->redraw_id);
  if (t->reload_id) g_source_remove(t->reload_id);
  if (t->rp) pcn__funds_rate_page__free_unpacked(t->rp, NULL);
  if (t->ep) pcn__funds_expected_page__free_unpacked(t->ep, NULL);
  if (t->bp) pcn__funds_budget_page__free_unpacked(t->bp, NULL);
  g_object_unref(t->streams);
  g_free(t);
  d->plan = NULL;
}

/* ------------------------------------------------------------ registry */

static int plan_shown(pcn_desk *d) {
  return !desk_role_is_staff(d) || desk_staff_see_funding(d);
}

/* Not staff: budgets are the managers' and the clinical director's work. */
const desk_page plan_page = {
    .id = "plan",
    .title = "Funding plan",
    .group = DESK_MONEY,
    .icon = "x-office-spreadsheet-symbolic",
    .view_new = plan_view_new,
    .load = plan_load,
    .on_event = plan_on_event,
    .free = plan_free,
    .shown = plan_shown,
};
