/* staff.c - the Shared staff page: the register of people employed with
 * network funds, the week's rota as a grid (rows people, columns Mon AM
 * .. Fri PM, cells practices; earlier and later weeks a button away), the
 * week's leave with a form to record it, and the equity report: each
 * practice's (and locality's) share of the sessions delivered and of the
 * money paid to it beside its share of the list size, in a table and as
 * charts drawn by client/report (the PDF's own).
 *
 * Everyone sees everything. The PCN manager assigns sessions from the
 * grid (each cell a drop-down of practices by name, words.h's practice
 * picker; a cell already at another practice is a clash the server
 * refuses, and its sentence shows); the
 * PCN manager and practice managers record leave (the server decides for
 * whose staff). Staff events from the feed reload what they touch, once
 * per main-loop turn.
 *
 * Issue 19: practices by name (their codes in tooltips; the equity
 * table's first column is the name, no column of codes), dates in words,
 * leave typed as people write dates, cancelling leave asks first naming
 * the person and the days, and every label holding data wraps or
 * ellipsizes, so a long practice or person's name never widens the window.
 * The grid's names come from the Practices list (people.c): it is drawn
 * again when that list's codes or names change (the first time when it
 * arrives after the rota), never while they stay the same, so an open
 * drop-down is not pulled away by unrelated events.
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "deskpriv.h"
#include "perms.h"
#include "money.h"
#include "report_pb.h"
#include "shell.h"
#include "validate.h"
#include "words.h"
#include "workdays.h"

#define SESSIONS 10
#define EQ_COLS 9 /* the equity table: practice, then the figures */

static const char *const session_names[SESSIONS] = {
    "Mon AM", "Mon PM", "Tue AM", "Tue PM", "Wed AM",
    "Wed PM", "Thu AM", "Thu PM", "Fri AM", "Fri PM"};

struct desk_staff {
  pcn_desk *d;
  GtkWidget *reg, *week_label, *grid, *leave_list, *leave_box, *leave_who,
      *leave_from, *leave_to, *leave_part, *leave_go, *leave_error, *eq_from,
      *eq_to, *eq_grid, *eq_chart, *eq_chart_loc, *status;
  pcn_equity *eq; /* the chart's figures, from the last report */
  int32_t monday;
  Pcn__StaffPage *page; /* own copies, or NULL */
  Pcn__StaffRota *rota;
  uint64_t *who_ids; /* the leave drop-down's people */
  size_t n_who;
  int filling; /* the grid is being built: ignore its drop-downs */
  guint reload_id;
  int want_reg, want_rota, want_eq, want_draw;
  char *drawn_with;              /* practices_seen when the grid was drawn */
  GListModel *practices_watched; /* d->practices, while connected */
  /* The Add staff and End employment forms (issue 19), while open. */
  GtkWidget *add_win, *a_name, *a_role, *a_other, *a_practice, *a_wte, *a_cost,
      *a_started, *a_error, *a_go;
  GtkWidget *end_win, *e_last, *e_error, *e_go, *add_btn;
  uint64_t e_id;
  uint32_t e_version;
  gulong practices_handler;
};

static void drop(void *m) {
  if (m) protobuf_c_message_free_unpacked(m, NULL);
}

static void say(struct desk_staff *t, const char *msg) {
  gtk_label_set_text(GTK_LABEL(t->status), msg);
}

static void clear(GtkWidget *w) {
  GtkWidget *c;
  while ((c = gtk_widget_get_first_child(w))) {
    if (GTK_IS_LIST_BOX(w))
      gtk_list_box_remove(GTK_LIST_BOX(w), c);
    else if (GTK_IS_GRID(w))
      gtk_grid_remove(GTK_GRID(w), c);
    else
      gtk_box_remove(GTK_BOX(w), c);
  }
}

static GtkWidget *cell_label(const char *text, int bold) {
  GtkWidget *l = gtk_label_new(text);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  if (bold) gtk_widget_add_css_class(l, "heading");
  return l;
}

/* A label of data that wraps to the page's width (long names break
 * between words, or inside one too long for the line). */
static GtkWidget *wrap_label(const char *text) {
  GtkWidget *l = cell_label(text, 0);
  gtk_label_set_wrap(GTK_LABEL(l), TRUE);
  gtk_label_set_wrap_mode(GTK_LABEL(l), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand(l, TRUE);
  return l;
}

/* A grid cell holding a name: at most chars wide, with an ellipsis, the
 * whole name (and tip, such as a practice's code) in the tooltip. */
static GtkWidget *name_cell(const char *text, int chars, const char *tip) {
  GtkWidget *l = cell_label(text, 0);
  gtk_label_set_ellipsize(GTK_LABEL(l), PANGO_ELLIPSIZE_END);
  /* As wide as chars even at the minimum: the grids scroll sideways in
   * their own pane, which gives them their minimum width. */
  gtk_label_set_max_width_chars(GTK_LABEL(l), chars);
  gtk_label_set_width_chars(GTK_LABEL(l),
                            MIN(chars, (int)g_utf8_strlen(text, -1)));
  char *t =
      tip && tip[0] ? g_strdup_printf("%s (%s)", text, tip) : g_strdup(text);
  gtk_widget_set_tooltip_text(l, t);
  g_free(t);
  return l;
}

static void name_it(GtkWidget *w, const char *name) {
  gtk_widget_set_name(w, name);
  gtk_accessible_update_property(GTK_ACCESSIBLE(w),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static int is_manager(pcn_desk *d) {
  return d->role == PCN__ROLE__PCN_MANAGER;
}

static int may_record_leave(pcn_desk *d) {
  return d->role == PCN__ROLE__PCN_MANAGER ||
         d->role == PCN__ROLE__PRACTICE_MANAGER;
}

static void fmt_bp(int32_t bp, int sign, char out[16]) {
  int32_t a = bp < 0 ? -bp : bp;
  snprintf(out, 16, "%s%d.%02d",
           bp < 0 ? "-"
           : sign ? "+"
                  : "",
           a / 100, a % 100);
}

/* The Practices list's codes and names as one string (a new one): what
 * the grid's names and pickers were made from. */
static char *practices_seen(pcn_desk *d) {
  GString *g = g_string_new(NULL);
  GListModel *m = pcn_desk_practices(d);
  guint n = m ? g_list_model_get_n_items(m) : 0;
  for (guint i = 0; i < n; i++) {
    PcnRecordRow *r = g_list_model_get_item(m, i);
    const char *ods = pcn_record_row_key(r);
    g_string_append_printf(g, "%s\t%s\n", ods, desk_practice_words(d, ods));
    g_object_unref(r);
  }
  return g_string_free(g, FALSE);
}

static gboolean reload_idle(gpointer ud);

/* The Practices list changed: the grid is drawn again (once this turn)
 * if the codes or names it shows did. */
static void on_practices_changed(GListModel *m, guint pos, guint removed,
                                 guint added, gpointer ud) {
  (void)m;
  (void)pos;
  (void)removed;
  (void)added;
  pcn_desk *d = ud;
  struct desk_staff *t = d->staff;
  if (!t) return;
  t->want_draw = 1;
  if (!t->reload_id) t->reload_id = g_idle_add(reload_idle, d);
}

static void on_end_employment(GtkButton *b, gpointer ud);
static void role_words(const char *role, char *out, size_t n);
static GtkWidget *button(const char *mnemonic, const char *name, GCallback cb,
                         gpointer ud);

/* ------------------------------------------------------------ drawing */

static void draw_register(struct desk_staff *t) {
  /* The role is known by now (WhoAmI was asked first). */
  gtk_widget_set_visible(t->leave_box, may_record_leave(t->d));
  desk_may_widget(t->d, t->add_btn, PCN__REQUEST__BODY_STAFF_ADD, "", FALSE,
                  NULL);
  clear(t->reg);
  const Pcn__StaffPage *p = t->page;
  if (!p) return;
  for (size_t i = 0; i < p->n_staff; i++) {
    const Pcn__StaffMember *m = p->staff[i];
    char cost[PCN_PENCE_BUF], ended[24], from[24], role[80];
    desk_date_words(m->ended, ended, sizeof ended, DESK_DATE_YEAR);
    role_words(m->role, role, sizeof role);
    GString *text = g_string_new(NULL);
    g_string_printf(text, "%s — %s, employed by %s, %u.%02u WTE, %s a year%s%s",
                    m->name, role, desk_practice_words(t->d, m->practice),
                    m->wte / 100, m->wte % 100,
                    pcn_pence_format(m->annual_cost, 1, cost),
                    m->ended[0] ? ", ended " : "", ended);
    /* The terms' history, when they have changed (issue 20). */
    for (size_t k = 0; k < m->n_terms; k++) {
      const Pcn__StaffTerms *x = m->terms[k];
      desk_date_words(x->from, from, sizeof from, DESK_DATE_YEAR);
      g_string_append_printf(
          text, "%s%s%s %u.%02u WTE, %s a year",
          k ? "; " : "; terms: ", x->from[0] ? "from " : "at the start", from,
          x->wte / 100, x->wte % 100,
          pcn_pence_format(x->annual_cost, 1, cost));
    }
    GtkWidget *l = wrap_label(text->str);
    gtk_widget_set_tooltip_text(l, m->practice);
    g_string_free(text, TRUE);
    if (m->ended[0]) gtk_widget_add_css_class(l, "dim-label");
    GtkWidget *row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
    gtk_box_append(GTK_BOX(row), l);
    if (!m->ended[0] &&
        desk_may(t->d, PCN__REQUEST__BODY_STAFF_END, "", FALSE, NULL)) {
      char name[48];
      snprintf(name, sizeof name, "End employment %llu",
               (unsigned long long)m->id);
      GtkWidget *b =
          button("_End employment…", name, G_CALLBACK(on_end_employment), t);
      g_object_set_data(G_OBJECT(b), "staff", GSIZE_TO_POINTER((gsize)m->id));
      gtk_widget_set_valign(b, GTK_ALIGN_CENTER);
      gtk_box_append(GTK_BOX(row), b);
    }
    gtk_list_box_append(GTK_LIST_BOX(t->reg), row);
  }
  if (!p->n_staff)
    gtk_list_box_append(
        GTK_LIST_BOX(t->reg),
        desk_empty_state(
            "Register empty", NULL, "Nobody in the register yet",
            is_manager(t->d)
                ? "Add the people the network employs with its funds "
                  "with Add staff; they show here for every practice."
                : "The PCN manager adds the people the network "
                  "employs with its funds; they show here when "
                  "added."));
  /* The leave form's people: those still employed. */
  g_free(t->who_ids);
  t->who_ids = g_new0(uint64_t, p->n_staff + 1);
  t->n_who = 0;
  const char **names = g_new0(const char *, p->n_staff + 1);
  for (size_t i = 0; i < p->n_staff; i++)
    if (!p->staff[i]->ended[0]) {
      names[t->n_who] = p->staff[i]->name;
      t->who_ids[t->n_who++] = p->staff[i]->id;
    }
  GtkStringList *sl = gtk_string_list_new(names);
  gtk_drop_down_set_model(GTK_DROP_DOWN(t->leave_who), G_LIST_MODEL(sl));
  g_object_unref(sl);
  g_free(names);
}

static void day_of_week(int32_t monday, int i, char out[11]) {
  pcn_date_format(monday + i, out);
}

static int on_leave(const Pcn__StaffRota *r, uint64_t staff, const char *day,
                    int half) {
  for (size_t i = 0; i < r->n_leave; i++) {
    const Pcn__StaffLeave *l = r->leave[i];
    if (l->staff_id != staff || strcmp(day, l->from) < 0 ||
        strcmp(day, l->to) > 0)
      continue;
    if (l->part == PCN__STAFF_LEAVE_PART__LEAVE_MORNINGS && half) continue;
    if (l->part == PCN__STAFF_LEAVE_PART__LEAVE_AFTERNOONS && !half) continue;
    return 1;
  }
  return 0;
}

static void on_cell(GObject *o, GParamSpec *ps, gpointer ud);
static void on_cancel_leave(GtkButton *b, gpointer ud);

static void draw_rota(struct desk_staff *t) {
  char week[11], text[80];
  pcn_date_format(t->monday, week);
  char words[24];
  desk_date_words(week, words, sizeof words, DESK_DATE_WEEKDAY);
  snprintf(text, sizeof text, "Week of %s", words);
  gtk_label_set_text(GTK_LABEL(t->week_label), text);
  t->filling = 1;
  clear(t->grid);
  gtk_grid_attach(GTK_GRID(t->grid), cell_label("Staff", 1), 0, 0, 1, 1);
  for (int s = 0; s < SESSIONS; s++)
    gtk_grid_attach(GTK_GRID(t->grid), cell_label(session_names[s], 1), s + 1,
                    0, 1, 1);
  const Pcn__StaffRota *r = t->rota;
  g_free(t->drawn_with);
  t->drawn_with = practices_seen(t->d);
  for (size_t i = 0; r && i < r->n_rows; i++) {
    const Pcn__StaffRotaWeek *row = r->rows[i];
    gtk_grid_attach(GTK_GRID(t->grid), name_cell(row->staff_name, 20, NULL), 0,
                    (int)i + 1, 1, 1);
    for (int s = 0; s < SESSIONS && (size_t)s < row->n_sessions; s++) {
      char day[11];
      day_of_week(t->monday, s / 2, day);
      int off = on_leave(r, row->staff_id, day, s % 2);
      const char *at = row->sessions[s];
      GtkWidget *w;
      if (is_manager(t->d)) {
        /* By name, as wide as Jo's cells; "-" is nobody (issue 19). */
        w = desk_practice_picker_new(t->d, "-", 12);
        gtk_widget_add_css_class(w, "flat");
        desk_practice_picker_set(w, at);
        char acc[160];
        snprintf(acc, sizeof acc, "%s %s%s", row->staff_name, session_names[s],
                 off ? " (on leave)" : "");
        name_it(w, acc);
        g_object_set_data(G_OBJECT(w), "staff",
                          GSIZE_TO_POINTER((gsize)row->staff_id));
        g_object_set_data(G_OBJECT(w), "session", GINT_TO_POINTER(s));
        g_signal_connect(w, "notify::selected", G_CALLBACK(on_cell), t->d);
        if (off) gtk_widget_add_css_class(w, "dim-label");
      } else {
        w = name_cell(off     ? "leave"
                      : at[0] ? desk_practice_words(t->d, at)
                              : "-",
                      12, off ? NULL : at);
        if (off) gtk_widget_add_css_class(w, "dim-label");
      }
      gtk_grid_attach(GTK_GRID(t->grid), w, s + 1, (int)i + 1, 1, 1);
    }
  }
  if (r && !r->n_rows)
    gtk_grid_attach(GTK_GRID(t->grid),
                    cell_label("Nobody is employed this week.", 0), 0, 1, 11,
                    1);
  t->filling = 0;

  clear(t->leave_list);
  for (size_t i = 0; r && i < r->n_leave; i++) {
    const Pcn__StaffLeave *l = r->leave[i];
    char line[600], from[24], to[24];
    desk_date_words(l->from, from, sizeof from, DESK_DATE_WEEKDAY);
    desk_date_words(l->to, to, sizeof to, DESK_DATE_WEEKDAY);
    snprintf(line, sizeof line, "%s (%s): %s to %s, %s%s%s", l->staff_name,
             desk_practice_words(t->d, l->practice), from, to,
             l->part == PCN__STAFF_LEAVE_PART__LEAVE_MORNINGS ? "mornings"
             : l->part == PCN__STAFF_LEAVE_PART__LEAVE_AFTERNOONS
                 ? "afternoons"
                 : "whole days",
             l->note[0] ? " — " : "", l->note);
    GtkWidget *rowbox = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
    GtkWidget *l1 = wrap_label(line);
    gtk_widget_set_tooltip_text(l1, l->practice);
    gtk_box_append(GTK_BOX(rowbox), l1);
    if (may_record_leave(t->d) &&
        (is_manager(t->d) || !strcmp(l->practice, t->d->practice))) {
      char name[40];
      snprintf(name, sizeof name, "Cancel leave %llu",
               (unsigned long long)l->id);
      GtkWidget *b = gtk_button_new_with_label("Cancel leave");
      name_it(b, name);
      g_object_set_data(G_OBJECT(b), "leave", GSIZE_TO_POINTER((gsize)l->id));
      /* What the confirmation names: the person and the days. */
      g_object_set_data_full(
          G_OBJECT(b), "what",
          g_strdup_printf("%s's leave, %s to %s", l->staff_name, from, to),
          g_free);
      gtk_widget_set_valign(b, GTK_ALIGN_CENTER);
      g_signal_connect(b, "clicked", G_CALLBACK(on_cancel_leave), t);
      gtk_box_append(GTK_BOX(rowbox), b);
    }
    gtk_list_box_append(GTK_LIST_BOX(t->leave_list), rowbox);
  }
  if (r && !r->n_leave)
    gtk_list_box_append(
        GTK_LIST_BOX(t->leave_list),
        desk_empty_state(
            "No leave", NULL, "No leave this week",
            may_record_leave(t->d)
                ? "Record leave below: whose it is, the first and "
                  "last days and which part of them."
                : "Leave the managers record shows here, and in the "
                  "rota."));
}

/* One row of the equity grid: a practice (its name, the code in the
 * tooltip: issue 19) or a locality (its name, ods ""). */
static void equity_row(struct desk_staff *t, int y, const char *name,
                       const char *ods, const Pcn__StaffEquityRow *w) {
  char a[16], b[16], c[16], m[16], md[16], s[16], l[16], sa[20], sb[20], sm[20],
      paid[PCN_PENCE_BUF];
  fmt_bp(w->sessions_share_bp, 0, a);
  fmt_bp(w->list_share_bp, 0, b);
  fmt_bp(w->deviation_bp, 1, c);
  fmt_bp(w->money_share_bp, 0, m);
  fmt_bp(w->money_deviation_bp, 1, md);
  snprintf(s, sizeof s, "%u", w->sessions);
  snprintf(l, sizeof l, "%u", w->list_size);
  snprintf(sa, sizeof sa, "%s%%", a);
  snprintf(sb, sizeof sb, "%s%%", b);
  snprintf(sm, sizeof sm, "%s%%", m);
  pcn_pence_format(w->distributed, 1, paid);
  const char *cells[] = {name, s, sa, paid, sm, l, sb, c, md};
  for (int k = 0; k < EQ_COLS; k++)
    gtk_grid_attach(GTK_GRID(t->eq_grid),
                    k == 0 ? name_cell(name, 16, ods) : cell_label(cells[k], 0),
                    k, y, 1, 1);
}

/* A practice of the equity report by name: the server's, else the
 * Practices list's, else its code. */
static const char *equity_name(struct desk_staff *t,
                               const Pcn__StaffEquityRow *w) {
  return w->name[0] ? w->name : desk_practice_words(t->d, w->practice);
}

/* The table (practices, then localities when there are two or more) and
 * the charts, drawn by client/report from the server's figures. */
static void draw_equity(struct desk_staff *t, const Pcn__StaffEquityReport *q) {
  clear(t->eq_grid);
  static const char *const head[EQ_COLS] = {
      "Practice",  "Sessions", "Share",      "Paid",   "Share",
      "List size", "Share",    "Δ sessions", "Δ money"};
  for (int c = 0; c < EQ_COLS; c++)
    gtk_grid_attach(GTK_GRID(t->eq_grid), cell_label(head[c], 1), c, 0, 1, 1);
  int y = 1;
  for (size_t i = 0; i < q->n_rows; i++)
    equity_row(t, y++, equity_name(t, q->rows[i]), q->rows[i]->practice,
               q->rows[i]);
  int by_locality = q->n_localities >= 2;
  if (by_locality) {
    gtk_grid_attach(GTK_GRID(t->eq_grid), cell_label("Locality", 1), 0, y++, 1,
                    1);
    for (size_t i = 0; i < q->n_localities; i++)
      equity_row(t, y++, q->localities[i]->practice, "", q->localities[i]);
  }
  char total[300], paid[PCN_PENCE_BUF];
  pcn_pence_format(q->distributed, 1, paid);
  snprintf(total, sizeof total,
           "%u sessions delivered of %u on the rota (%u lost to leave); %s "
           "paid to practices.",
           q->sessions_delivered, q->sessions_rota, q->sessions_leave, paid);
  gtk_grid_attach(GTK_GRID(t->eq_grid), wrap_label(total), 0, y++, EQ_COLS, 1);
  /* Which figures: the day they were read as at, each practice's date. */
  if (q->figures_as_at[0]) {
    GString *g = g_string_new(NULL);
    char asat[24];
    desk_date_words(q->figures_as_at, asat, sizeof asat, DESK_DATE_YEAR);
    g_string_printf(g,
                    "List sizes and localities are the figures in force on "
                    "%s, the period's last day:",
                    asat);
    for (size_t i = 0; i < q->n_rows; i++) {
      const Pcn__StaffEquityRow *w = q->rows[i];
      char from[24];
      desk_date_words(w->figures_from, from, sizeof from, DESK_DATE_YEAR);
      g_string_append_printf(g, "%s %s %s%s", i ? "," : "", equity_name(t, w),
                             w->figures_from[0] ? "from "
                             : w->list_size     ? "as added"
                                                : "none recorded",
                             from);
    }
    g_string_append_c(g, '.');
    GtkWidget *l = cell_label(g->str, 0);
    gtk_label_set_wrap(GTK_LABEL(l), TRUE);
    gtk_grid_attach(GTK_GRID(t->eq_grid), l, 0, y++, EQ_COLS, 1);
    g_string_free(g, TRUE);
  }
  /* Pass-through streams left out of the money (issue 20). */
  if (q->n_left_out) {
    GString *g = g_string_new("Left out of the money share: pass-through ");
    for (size_t i = 0; i < q->n_left_out; i++)
      g_string_append_printf(g, "%s%s", i ? ", " : "", q->left_out[i]);
    g_string_append_printf(g,
                           " (%s paid to practices for their own staff "
                           "or achievement).",
                           pcn_pence_format(q->left_out_paid, 1, paid));
    GtkWidget *l = cell_label(g->str, 0);
    gtk_label_set_wrap(GTK_LABEL(l), TRUE);
    gtk_widget_set_name(l, "Equity left out");
    gtk_grid_attach(GTK_GRID(t->eq_grid), l, 0, y, EQ_COLS, 1);
    g_string_free(g, TRUE);
  }

  pcn_equity_free(t->eq);
  t->eq = report_pb_equity(q, t->d->cfg.network_name, pcn_now_ms());
  gtk_widget_set_visible(t->eq_chart, t->eq != NULL);
  gtk_widget_set_visible(t->eq_chart_loc, t->eq && by_locality);
  gtk_widget_queue_draw(t->eq_chart);
  gtk_widget_queue_draw(t->eq_chart_loc);
}

/* The equity chart: a light background, then client/report's bars (by
 * practice, or by locality for the second chart), drawn into an image of
 * its own and then painted (as statement.c does: the renderer's cairo
 * text drawn straight into GTK's context left GTK dropping later labels'
 * text). */
static void draw_eq_chart(GtkDrawingArea *area, cairo_t *cr, int w, int h,
                          gpointer ud) {
  pcn_desk *d = ud;
  struct desk_staff *t = d->staff;
  int scale = gtk_widget_get_scale_factor(GTK_WIDGET(area));
  cairo_surface_t *img =
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, w * scale, h * scale);
  cairo_surface_set_device_scale(img, scale, scale);
  cairo_t *c = cairo_create(img);
  desk_chart_begin(GTK_WIDGET(area), c); /* dark style: dark (shell.c) */
  if (t && t->eq)
    report_draw_equity_chart(c, t->eq, GTK_WIDGET(area) == t->eq_chart_loc, w,
                             h);
  desk_chart_end();
  cairo_destroy(c);
  cairo_set_source_surface(cr, img, 0, 0);
  cairo_paint(cr);
  cairo_surface_destroy(img);
}

/* ------------------------------------------------------------ requests */

static struct desk_staff *page_of(void *ud) {
  return ((pcn_desk *)ud)->staff;
}

static void on_page(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  struct desk_staff *t = page_of(ud);
  if (!t || r->status->code != PCN__STATUS_CODE__OK) return;
  drop(t->page);
  t->page = desk_copy_msg((const ProtobufCMessage *)r->staff_page);
  draw_register(t);
}

static void on_rota(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  struct desk_staff *t = page_of(ud);
  if (!t || r->status->code != PCN__STATUS_CODE__OK) return;
  int32_t day;
  if (pcn_date_parse(r->staff_rota->week, &day) || day != t->monday)
    return; /* an answer for a week no longer shown */
  drop(t->rota);
  t->rota = desk_copy_msg((const ProtobufCMessage *)r->staff_rota);
  draw_rota(t);
}

static void on_equity(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  struct desk_staff *t = page_of(ud);
  if (!t) return;
  if (r->status->code != PCN__STATUS_CODE__OK) {
    say(t, r->status->message);
    return;
  }
  draw_equity(t, r->staff_equity);
}

static void call(struct desk_staff *t, Pcn__Request *req,
                 void (*cb)(pcn_client *, const Pcn__Response *, void *)) {
  if (!t->d->cl || !pcn_client_call(t->d->cl, req, cb, t->d))
    say(t, "Not connected; try again when the header says connected.");
}

static void load_register(struct desk_staff *t) {
  Pcn__StaffList l = PCN__STAFF_LIST__INIT;
  l.include_ended = 1;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_LIST;
  req.staff_list = &l;
  call(t, &req, on_page);
}

static void load_rota(struct desk_staff *t) {
  char week[11];
  pcn_date_format(t->monday, week);
  Pcn__StaffRotaGet g = PCN__STAFF_ROTA_GET__INIT;
  g.week = week;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_ROTA_GET;
  req.staff_rota_get = &g;
  call(t, &req, on_rota);
}

static void load_equity(struct desk_staff *t) {
  Pcn__StaffEquity e = PCN__STAFF_EQUITY__INIT;
  char from[11], to[11];
  if (desk_date_entry_get(t->eq_from, from, NULL) ||
      desk_date_entry_get(t->eq_to, to, NULL)) {
    say(t, "Equity: write the period's first and last days, such as 7 Dec "
           "and 11 Dec.");
    return;
  }
  e.from = from;
  e.to = to;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_EQUITY;
  req.staff_equity = &e;
  call(t, &req, on_equity);
}

static void on_done(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  struct desk_staff *t = page_of(ud);
  if (!t) return;
  if (r->status->code != PCN__STATUS_CODE__OK) {
    say(t, r->status->message);
    load_rota(t); /* put the grid back as it stands */
    return;
  }
  char msg[300];
  if (r->body_case == PCN__RESPONSE__BODY_STAFF_ROTA_WEEK) {
    /* The server's warning past the person's WTE (issue 20) is shown in
     * place of the plain confirmation: the rota was saved all the same. */
    snprintf(msg, sizeof msg, "Saved %s's rota from the week of %s.%s%s",
             r->staff_rota_week->staff_name, r->staff_rota_week->week,
             r->staff_rota_week->warning[0] ? " " : "",
             r->staff_rota_week->warning);
  } else if (r->body_case == PCN__RESPONSE__BODY_STAFF_LEAVE) {
    char from[24], to[24];
    desk_date_words(r->staff_leave->from, from, sizeof from, DESK_DATE_WEEKDAY);
    desk_date_words(r->staff_leave->to, to, sizeof to, DESK_DATE_WEEKDAY);
    snprintf(msg, sizeof msg, "%s leave for %s, %s to %s.",
             r->staff_leave->cancelled ? "Cancelled" : "Recorded",
             r->staff_leave->staff_name, from, to);
  } else {
    snprintf(msg, sizeof msg, "Saved.");
  }
  say(t, msg);
  load_rota(t);
  load_equity(t);
}

/* ------------------------------------------------------------ actions */

static void on_cell(GObject *o, GParamSpec *ps, gpointer ud) {
  (void)ps;
  struct desk_staff *t = page_of(ud);
  if (!t || t->filling) return;
  const char *ods = desk_practice_picker_get(GTK_WIDGET(o)); /* "": nobody */
  char week[11];
  pcn_date_format(t->monday, week);
  Pcn__StaffRotaCell c = PCN__STAFF_ROTA_CELL__INIT, *cp[] = {&c};
  c.session = (uint32_t)GPOINTER_TO_INT(g_object_get_data(o, "session"));
  c.practice = (char *)ods;
  Pcn__StaffRotaSet s = PCN__STAFF_ROTA_SET__INIT;
  s.staff_id = (uint64_t)GPOINTER_TO_SIZE(g_object_get_data(o, "staff"));
  s.week = week;
  s.cells = cp;
  s.n_cells = 1;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_ROTA_SET;
  req.staff_rota_set = &s;
  call(t, &req, on_done);
}

static void on_week(GtkButton *b, gpointer ud) {
  struct desk_staff *t = ud;
  int step = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(b), "step"));
  t->monday += step;
  drop(t->rota);
  t->rota = NULL;
  draw_rota(t);
  load_rota(t);
}

/* The leave form's error under its fields: the field the server (or the
 * form) names, "from" or "to" or another (the person, the part); NULL
 * clears it. */
static void leave_field_error(struct desk_staff *t, const char *field,
                              const char *text) {
  GtkWidget *e_from = desk_date_entry_text(t->leave_from);
  GtkWidget *e_to = desk_date_entry_text(t->leave_to);
  desk_field_error(e_from, t->leave_error, NULL);
  desk_field_error(e_to, NULL, NULL);
  if (!field) return;
  Pcn__StatusDetails det = PCN__STATUS_DETAILS__INIT;
  det.field = (char *)field;
  Pcn__Status st = PCN__STATUS__INIT;
  st.code = PCN__STATUS_CODE__INVALID_ARGUMENT;
  st.message = (char *)(text ? text : "");
  st.details = &det;
  desk_field_error(!strcmp(field, "from") ? e_from
                   : !strcmp(field, "to") ? e_to
                                          : NULL,
                   t->leave_error, &st);
}

static void on_leave_done(pcn_client *cl, const Pcn__Response *r, void *ud) {
  struct desk_staff *t = page_of(ud);
  if (!t) return;
  if (r->status->code != PCN__STATUS_CODE__OK) {
    const char *field = r->status->details ? r->status->details->field : "";
    char words[600];
    desk_error_words(r->status, words, sizeof words);
    leave_field_error(t, field[0] ? field : "staff_id", words);
    return;
  }
  desk_date_entry_set(t->leave_from, "");
  desk_date_entry_set(t->leave_to, "");
  on_done(cl, r, ud);
}

static void on_leave_go(GtkButton *b, gpointer ud) {
  (void)b;
  struct desk_staff *t = ud;
  guint who = gtk_drop_down_get_selected(GTK_DROP_DOWN(t->leave_who));
  if (who == GTK_INVALID_LIST_POSITION || who >= t->n_who) {
    say(t, "Leave: choose whose leave it is.");
    return;
  }
  Pcn__StaffLeaveAdd a = PCN__STAFF_LEAVE_ADD__INIT;
  a.staff_id = t->who_ids[who];
  char from[11], to[11];
  const char *why = NULL;
  leave_field_error(t, NULL, NULL);
  if (desk_date_entry_get(t->leave_from, from, &why)) {
    leave_field_error(
        t, "from", why ? why : "Write the first day of leave, such as 9 Dec.");
    return;
  }
  if (desk_date_entry_get(t->leave_to, to, &why) < 0) {
    leave_field_error(t, "to", why);
    return;
  }
  a.from = from;
  a.to = to;
  a.note = "";
  a.part = (Pcn__StaffLeavePart)gtk_drop_down_get_selected(
      GTK_DROP_DOWN(t->leave_part));
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_LEAVE_ADD;
  req.staff_leave_add = &a;
  call(t, &req, on_leave_done);
}

/* The confirmation's data: the desk (the page may be gone by the answer)
 * and the leave's id. */
typedef struct {
  pcn_desk *d;
  uint64_t id;
} leave_cancel;

static void cancel_leave_now(gpointer ud) {
  leave_cancel *lc = ud;
  struct desk_staff *t = lc->d->staff;
  if (!t) return;
  Pcn__StaffLeaveCancel c = PCN__STAFF_LEAVE_CANCEL__INIT;
  c.id = lc->id;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_LEAVE_CANCEL;
  req.staff_leave_cancel = &c;
  call(t, &req, on_done);
}

/* Asks first, naming the person and the days; Cancel changes nothing. */
static void on_cancel_leave(GtkButton *b, gpointer ud) {
  struct desk_staff *t = ud;
  leave_cancel *lc = g_new0(leave_cancel, 1);
  lc->d = t->d;
  lc->id = (uint64_t)GPOINTER_TO_SIZE(g_object_get_data(G_OBJECT(b), "leave"));
  const char *what = g_object_get_data(G_OBJECT(b), "what");
  char *heading = g_strdup_printf("Cancel %s?", what);
  desk_confirm(GTK_WINDOW(t->d->window), heading,
               "The sessions count as delivered again in the rota and the "
               "equity report; the practice is told.",
               "Cancel leave", TRUE, cancel_leave_now, lc, g_free);
  g_free(heading);
}

static void on_eq_go(GtkButton *b, gpointer ud) {
  (void)b;
  load_equity(ud);
}

/* ------------------------------------------------------------ the page */

/* A drop-down's items as labels that ellipsize past 28 characters: a long
 * name does not widen the form (or the window). */
static void item_setup(GtkSignalListItemFactory *f, GtkListItem *li,
                       gpointer ud) {
  (void)f;
  (void)ud;
  GtkWidget *l = gtk_label_new("");
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  gtk_label_set_ellipsize(GTK_LABEL(l), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars(GTK_LABEL(l), 28);
  gtk_list_item_set_child(li, l);
}

static void item_bind(GtkSignalListItemFactory *f, GtkListItem *li,
                      gpointer ud) {
  (void)f;
  (void)ud;
  GtkStringObject *o = gtk_list_item_get_item(li);
  const char *text = o ? gtk_string_object_get_string(o) : "";
  gtk_label_set_text(GTK_LABEL(gtk_list_item_get_child(li)), text);
  gtk_widget_set_tooltip_text(gtk_list_item_get_child(li), text);
}

static GtkListItemFactory *ellipsized_items(void) {
  GtkListItemFactory *f = gtk_signal_list_item_factory_new();
  g_signal_connect(f, "setup", G_CALLBACK(item_setup), NULL);
  g_signal_connect(f, "bind", G_CALLBACK(item_bind), NULL);
  return f;
}

static GtkWidget *heading(const char *text) {
  GtkWidget *h = gtk_label_new(text);
  gtk_widget_add_css_class(h, "title-3");
  gtk_label_set_xalign(GTK_LABEL(h), 0);
  return h;
}

static GtkWidget *button(const char *mnemonic, const char *name, GCallback cb,
                         gpointer ud) {
  GtkWidget *b = gtk_button_new_with_mnemonic(mnemonic);
  gtk_widget_set_name(b, name);
  g_signal_connect(b, "clicked", cb, ud);
  return b;
}

/* ------------------------------------------------- add and end (forms) */

/* A role as people write it: "Clinical pharmacist". */
static void role_words(const char *role, char *out, size_t n) {
  snprintf(out, n, "%s", role);
  if (out[0] >= 'a' && out[0] <= 'z') out[0] = (char)(out[0] - 'a' + 'A');
}

/* The field a refusal names, for the words under it. */
static GtkWidget *add_field_of(struct desk_staff *t, const Pcn__Status *st) {
  const char *f = st->details ? st->details->field : "";
  if (!strcmp(f, "name")) return t->a_name;
  if (!strcmp(f, "role")) return t->a_other;
  if (!strcmp(f, "practice")) return t->a_practice;
  if (!strcmp(f, "wte")) return t->a_wte;
  if (!strcmp(f, "annual_cost")) return t->a_cost;
  if (!strcmp(f, "started")) return desk_date_entry_text(t->a_started);
  return NULL;
}

static void on_added(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  struct desk_staff *t = page_of(ud);
  if (!t || !t->add_win) return;
  gtk_widget_set_sensitive(t->a_go, TRUE);
  if (r->status->code != PCN__STATUS_CODE__OK) {
    desk_field_error(add_field_of(t, r->status), t->a_error, r->status);
    return;
  }
  char text[200];
  snprintf(text, sizeof text, "Added %s to the register.",
           gtk_editable_get_text(GTK_EDITABLE(t->a_name)));
  say(t, text);
  gtk_window_destroy(GTK_WINDOW(t->add_win));
}

static void add_refuse(struct desk_staff *t, GtkWidget *field,
                       const char *why) {
  gtk_widget_add_css_class(field, "error");
  desk_say(t->a_error, why);
}

static void on_add_go(GtkButton *b, gpointer ud) {
  (void)b;
  struct desk_staff *t = ud;
  GtkWidget *fields[] = {t->a_name, t->a_other, t->a_wte, t->a_cost,
                         desk_date_entry_text(t->a_started)};
  for (size_t i = 0; i < G_N_ELEMENTS(fields); i++)
    gtk_widget_remove_css_class(fields[i], "error");
  gtk_widget_set_visible(t->a_error, FALSE);
  Pcn__StaffAdd a = PCN__STAFF_ADD__INIT;
  a.name = (char *)gtk_editable_get_text(GTK_EDITABLE(t->a_name));
  const Pcn__StaffPage *p = t->page;
  guint ri = gtk_drop_down_get_selected(GTK_DROP_DOWN(t->a_role));
  a.role = p && ri < p->n_roles
               ? p->roles[ri]
               : (char *)gtk_editable_get_text(GTK_EDITABLE(t->a_other));
  a.practice = (char *)desk_practice_picker_get(t->a_practice);
  if (pcn_wte_parse(gtk_editable_get_text(GTK_EDITABLE(t->a_wte)), &a.wte))
    return add_refuse(t, t->a_wte,
                      "Give the whole-time equivalent from 0.01 to 1, such "
                      "as 0.8 for four days a week.");
  if (pcn_pence_parse(gtk_editable_get_text(GTK_EDITABLE(t->a_cost)),
                      &a.annual_cost) ||
      a.annual_cost < 0)
    return add_refuse(t, t->a_cost,
                      "Give the cost a year in pounds, such as 42,000.");
  char started[11];
  const char *why = NULL;
  if (desk_date_entry_get(t->a_started, started, &why))
    return add_refuse(t, desk_date_entry_text(t->a_started),
                      why ? why : "Give the first day, as 1 Dec.");
  a.started = started;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_ADD;
  req.staff_add = &a;
  desk_form_send(t->d, &req, on_added, t->a_go, t->a_error);
}

static void on_role_picked(GObject *o, GParamSpec *ps, gpointer ud) {
  (void)ps;
  struct desk_staff *t = ud;
  guint i = gtk_drop_down_get_selected(GTK_DROP_DOWN(o));
  gtk_widget_set_visible(t->a_other, !t->page || i >= t->page->n_roles);
}

static void on_add_gone(GtkWidget *w, gpointer ud) {
  (void)w;
  struct desk_staff *t = page_of(ud);
  if (t) t->add_win = NULL;
}

static void on_add_staff(GtkButton *b, gpointer ud) {
  (void)b;
  struct desk_staff *t = ud;
  pcn_desk *d = t->d;
  if (t->add_win) {
    gtk_window_present(GTK_WINDOW(t->add_win));
    return;
  }
  GtkWidget *grid = gtk_grid_new();
  t->add_win = desk_form(d, "Add staff",
                         "Someone the network employs with "
                         "its funds",
                         520, grid);
  g_signal_connect(t->add_win, "destroy", G_CALLBACK(on_add_gone), d);
  t->a_name = desk_field(grid, 0, "_Name", desk_entry("Staff name", NULL, 0));
  /* The ARRS roles the server knows, then another role typed. */
  size_t nr = t->page ? t->page->n_roles : 0;
  char **labels = g_new0(char *, nr + 2);
  for (size_t i = 0; i < nr; i++) {
    char w[80];
    role_words(t->page->roles[i], w, sizeof w);
    labels[i] = g_strdup(w);
  }
  labels[nr] = g_strdup("Another role…");
  t->a_role = gtk_drop_down_new_from_strings((const char *const *)labels);
  g_strfreev(labels);
  name_it(t->a_role, "Staff role");
  desk_field(grid, 1, "_Role", t->a_role);
  t->a_other =
      desk_entry("Other role", "The role, as the contract names it", 0);
  gtk_grid_attach(GTK_GRID(grid), t->a_other, 1, 2, 1, 1);
  g_signal_connect(t->a_role, "notify::selected", G_CALLBACK(on_role_picked),
                   t);
  on_role_picked(G_OBJECT(t->a_role), NULL, t);
  t->a_practice = desk_practice_picker_new(d, NULL, 40);
  name_it(t->a_practice, "Employed by");
  if (d->practice[0]) desk_practice_picker_set(t->a_practice, d->practice);
  desk_field(grid, 3, "_Employed by", t->a_practice);
  t->a_wte = desk_field(grid, 4, "_Whole-time equivalent",
                        desk_entry("Whole-time equivalent",
                                   "1 for full time, "
                                   "0.8 for four days",
                                   0));
  t->a_cost = desk_field(grid, 5, "_Cost a year (£)",
                         desk_entry("Cost a year", "42,000", 0));
  t->a_started = desk_date_entry_new("Started");
  desk_field(grid, 6, "_Started", t->a_started);
  gtk_label_set_mnemonic_widget(
      GTK_LABEL(gtk_grid_get_child_at(GTK_GRID(grid), 0, 6)),
      desk_date_entry_text(t->a_started));
  char today[11];
  pcn_date_format(pcn_date_today(), today);
  desk_date_entry_set(t->a_started, today);
  t->a_error = desk_form_error(grid, 7, 1);
  t->a_go = desk_form_go(t->add_win, "_Add", G_CALLBACK(on_add_go), t);
  gtk_window_present(GTK_WINDOW(t->add_win));
}

static void on_ended(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  struct desk_staff *t = page_of(ud);
  if (!t || !t->end_win) return;
  gtk_widget_set_sensitive(t->e_go, TRUE);
  if (r->status->code != PCN__STATUS_CODE__OK) {
    desk_field_error(desk_date_entry_text(t->e_last), t->e_error, r->status);
    return;
  }
  say(t, "Ended their employment; the register keeps the record.");
  gtk_window_destroy(GTK_WINDOW(t->end_win));
}

static void on_end_go(GtkButton *b, gpointer ud) {
  (void)b;
  struct desk_staff *t = ud;
  char last[11];
  const char *why = NULL;
  if (desk_date_entry_get(t->e_last, last, &why)) {
    desk_say(t->e_error, why ? why : "Give their last day, as 31 Dec.");
    return;
  }
  Pcn__StaffEnd e = PCN__STAFF_END__INIT;
  e.id = t->e_id;
  e.version = t->e_version;
  e.ended = last;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_STAFF_END;
  req.staff_end = &e;
  desk_form_send(t->d, &req, on_ended, t->e_go, t->e_error);
}

static void on_end_gone(GtkWidget *w, gpointer ud) {
  (void)w;
  struct desk_staff *t = page_of(ud);
  if (t) t->end_win = NULL;
}

/* Ending someone's employment asks first, in its own window: it names the
 * person and what happens, and takes the last day (issue 19). */
static void on_end_employment(GtkButton *b, gpointer ud) {
  struct desk_staff *t = ud;
  uint64_t id = GPOINTER_TO_SIZE(g_object_get_data(G_OBJECT(b), "staff"));
  const Pcn__StaffMember *m = NULL;
  for (size_t i = 0; t->page && i < t->page->n_staff; i++)
    if (t->page->staff[i]->id == id) m = t->page->staff[i];
  if (!m) return;
  if (t->end_win) gtk_window_destroy(GTK_WINDOW(t->end_win));
  t->e_id = m->id;
  t->e_version = m->version;
  GtkWidget *grid = gtk_grid_new();
  t->end_win = desk_form(t->d, "End employment", m->name, 480, grid);
  g_signal_connect(t->end_win, "destroy", G_CALLBACK(on_end_gone), t->d);
  char *what = g_strdup_printf(
      "%s stops being employed with the network's funds after their last "
      "day. The register keeps them, marked ended, and the figures up to "
      "that day stay as they are.",
      m->name);
  GtkWidget *l = wrap_label(what);
  g_free(what);
  gtk_grid_attach(GTK_GRID(grid), l, 0, 0, 2, 1);
  t->e_last = desk_date_entry_new("Last day");
  desk_field(grid, 1, "_Last day", t->e_last);
  char today[11];
  pcn_date_format(pcn_date_today(), today);
  desk_date_entry_set(t->e_last, today);
  gtk_label_set_mnemonic_widget(
      GTK_LABEL(gtk_grid_get_child_at(GTK_GRID(grid), 0, 1)),
      desk_date_entry_text(t->e_last));
  t->e_error = desk_form_error(grid, 2, 1);
  t->e_go = gtk_button_new_with_mnemonic("_End employment");
  gtk_widget_set_name(t->e_go, "End employment");
  gtk_widget_add_css_class(t->e_go, "destructive-action");
  g_signal_connect(t->e_go, "clicked", G_CALLBACK(on_end_go), t);
  desk_form_action(t->end_win, t->e_go);
  gtk_window_present(GTK_WINDOW(t->end_win));
}

GtkWidget *staff_view_new(pcn_desk *d) {
  struct desk_staff *t = g_new0(struct desk_staff, 1);
  t->d = d;
  d->staff = t;
  t->monday = pcn_date_today(); /* the UK date */
  t->monday -= (pcn_weekday(t->monday) + 6) % 7;
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start(box, 18);
  gtk_widget_set_margin_end(box, 18);
  gtk_widget_set_margin_top(box, 12);
  gtk_widget_set_margin_bottom(box, 12);

  GtkWidget *top = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *h = heading("Staff employed with network funds");
  gtk_widget_set_hexpand(h, TRUE);
  gtk_box_append(GTK_BOX(top), h);
  GtkWidget *add =
      button("_Add staff…", "Add staff", G_CALLBACK(on_add_staff), t);
  gtk_box_append(GTK_BOX(top), add);
  t->add_btn = add;
  gtk_box_append(GTK_BOX(box), top);
  t->reg = gtk_list_box_new();
  gtk_list_box_set_selection_mode(GTK_LIST_BOX(t->reg), GTK_SELECTION_NONE);
  name_it(t->reg, "Staff register");
  gtk_box_append(GTK_BOX(box), t->reg);

  GtkWidget *nav = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *prev =
      button("_Previous week", "Previous week", G_CALLBACK(on_week), t);
  g_object_set_data(G_OBJECT(prev), "step", GINT_TO_POINTER(-7));
  GtkWidget *next = button("_Next week", "Next week", G_CALLBACK(on_week), t);
  g_object_set_data(G_OBJECT(next), "step", GINT_TO_POINTER(7));
  t->week_label = heading("Week of");
  gtk_widget_set_name(t->week_label, "Rota week");
  gtk_widget_set_hexpand(t->week_label, TRUE);
  gtk_box_append(GTK_BOX(nav), t->week_label);
  gtk_box_append(GTK_BOX(nav), prev);
  gtk_box_append(GTK_BOX(nav), next);
  gtk_box_append(GTK_BOX(box), nav);
  t->grid = gtk_grid_new();
  gtk_grid_set_column_spacing(GTK_GRID(t->grid), 10);
  gtk_grid_set_row_spacing(GTK_GRID(t->grid), 4);
  name_it(t->grid, "Week rota");
  /* A wide grid (the manager's drop-downs) scrolls by itself; the rest
   * of the page wraps to the window. */
  GtkWidget *gsc = gtk_scrolled_window_new();
  gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(gsc), GTK_POLICY_AUTOMATIC,
                                 GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_height(GTK_SCROLLED_WINDOW(gsc),
                                                   TRUE);
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(gsc), t->grid);
  gtk_box_append(GTK_BOX(box), gsc);

  gtk_box_append(GTK_BOX(box), heading("Leave this week"));
  t->leave_list = gtk_list_box_new();
  gtk_list_box_set_selection_mode(GTK_LIST_BOX(t->leave_list),
                                  GTK_SELECTION_NONE);
  name_it(t->leave_list, "Leave this week");
  gtk_box_append(GTK_BOX(box), t->leave_list);
  /* Two rows, so that the form fits a narrow window: who and which part
   * of the days, then the days (typed as people write them) and Record;
   * the error under them. */
  t->leave_box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *lrow1 = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *lrow2 = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
  t->leave_who = gtk_drop_down_new(NULL, NULL);
  GtkListItemFactory *items = ellipsized_items();
  gtk_drop_down_set_factory(GTK_DROP_DOWN(t->leave_who), items);
  g_object_unref(items);
  name_it(t->leave_who, "Leave for");
  t->leave_from = desk_date_entry_new("Leave from");
  t->leave_to = desk_date_entry_new("Leave to");
  gtk_entry_set_placeholder_text(GTK_ENTRY(desk_date_entry_text(t->leave_to)),
                                 "last day (empty: one day)");
  static const char *const parts[] = {"Whole days", "Mornings", "Afternoons",
                                      NULL};
  t->leave_part = gtk_drop_down_new_from_strings(parts);
  name_it(t->leave_part, "Leave part");
  t->leave_go =
      button("_Record leave", "Record leave", G_CALLBACK(on_leave_go), t);
  gtk_box_append(GTK_BOX(lrow1), t->leave_who);
  gtk_box_append(GTK_BOX(lrow1), t->leave_part);
  gtk_box_append(GTK_BOX(lrow2), t->leave_from);
  gtk_box_append(GTK_BOX(lrow2), t->leave_to);
  gtk_box_append(GTK_BOX(lrow2), t->leave_go);
  t->leave_error = gtk_label_new("");
  gtk_label_set_xalign(GTK_LABEL(t->leave_error), 0);
  gtk_label_set_wrap(GTK_LABEL(t->leave_error), TRUE);
  gtk_widget_set_name(t->leave_error, "Leave error");
  gtk_widget_set_visible(t->leave_error, FALSE);
  gtk_box_append(GTK_BOX(t->leave_box), lrow1);
  gtk_box_append(GTK_BOX(t->leave_box), lrow2);
  gtk_box_append(GTK_BOX(t->leave_box), t->leave_error);
  gtk_widget_set_visible(t->leave_box, FALSE);
  gtk_box_append(GTK_BOX(box), t->leave_box);

  gtk_box_append(GTK_BOX(box),
                 heading("Equity: sessions and money against list size"));
  GtkWidget *eq = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
  char from[11], to[11];
  pcn_date_format(t->monday, from);
  pcn_date_format(t->monday + 4, to);
  t->eq_from = desk_date_entry_new("Equity from");
  desk_date_entry_set(t->eq_from, from);
  t->eq_to = desk_date_entry_new("Equity to");
  desk_date_entry_set(t->eq_to, to);
  gtk_box_append(GTK_BOX(eq), t->eq_from);
  gtk_box_append(GTK_BOX(eq), t->eq_to);
  gtk_box_append(GTK_BOX(eq), button("_Show equity", "Show equity",
                                     G_CALLBACK(on_eq_go), t));
  gtk_box_append(GTK_BOX(box), eq);
  t->eq_grid = gtk_grid_new();
  gtk_grid_set_column_spacing(GTK_GRID(t->eq_grid), 14);
  gtk_grid_set_row_spacing(GTK_GRID(t->eq_grid), 4);
  name_it(t->eq_grid, "Equity report");
  /* Ten columns: the table scrolls sideways by itself rather than widen
   * the page (issue 19). */
  GtkWidget *esc = gtk_scrolled_window_new();
  gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(esc), GTK_POLICY_AUTOMATIC,
                                 GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_height(GTK_SCROLLED_WINDOW(esc),
                                                   TRUE);
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(esc), t->eq_grid);
  gtk_box_append(GTK_BOX(box), esc);
  t->eq_chart = gtk_drawing_area_new();
  name_it(t->eq_chart, "Equity chart");
  t->eq_chart_loc = gtk_drawing_area_new();
  name_it(t->eq_chart_loc, "Equity chart by locality");
  GtkWidget *charts[] = {t->eq_chart, t->eq_chart_loc};
  for (int i = 0; i < 2; i++) {
    gtk_drawing_area_set_content_height(GTK_DRAWING_AREA(charts[i]), 260);
    gtk_widget_set_hexpand(charts[i], TRUE);
    gtk_drawing_area_set_draw_func(GTK_DRAWING_AREA(charts[i]), draw_eq_chart,
                                   d, NULL);
    gtk_widget_set_visible(charts[i], FALSE);
    gtk_box_append(GTK_BOX(box), charts[i]);
  }
  GtkWidget *note = gtk_label_new(
      "Δ: the share of sessions (or of the money paid to practices in "
      "the period) less the share of patients, in percentage points. "
      "Sessions on leave or bank holidays are not delivered. List sizes "
      "and localities are the practices' figures in force on the period's "
      "last day.");
  gtk_label_set_wrap(GTK_LABEL(note), TRUE);
  gtk_label_set_xalign(GTK_LABEL(note), 0);
  gtk_widget_add_css_class(note, "dim-label");
  gtk_box_append(GTK_BOX(box), note);

  t->status = gtk_label_new("");
  gtk_label_set_xalign(GTK_LABEL(t->status), 0);
  gtk_label_set_wrap(GTK_LABEL(t->status), TRUE);
  gtk_widget_set_name(t->status, "Staff status");
  gtk_box_append(GTK_BOX(box), t->status);
  draw_rota(t);

  GtkWidget *sc = gtk_scrolled_window_new();
  gtk_widget_set_name(sc, "Shared staff page");
  gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(sc), GTK_POLICY_NEVER,
                                 GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(sc), box);
  gtk_widget_set_vexpand(sc, TRUE);
  return sc;
}

void staff_load(pcn_desk *d) {
  struct desk_staff *t = d->staff;
  if (!t || !d->cl) return;
  /* The Practices list exists once every page is built. */
  GListModel *ps = pcn_desk_practices(d);
  if (ps && !t->practices_handler) {
    t->practices_watched = ps;
    t->practices_handler = g_signal_connect(
        ps, "items-changed", G_CALLBACK(on_practices_changed), d);
  }
  load_register(t);
  load_rota(t);
  load_equity(t);
}

static gboolean reload_idle(gpointer ud) {
  pcn_desk *d = ud;
  struct desk_staff *t = d->staff;
  if (!t) return G_SOURCE_REMOVE;
  t->reload_id = 0;
  if (t->want_reg) load_register(t);
  if (t->want_rota) load_rota(t);
  if (t->want_eq) load_equity(t);
  if (t->want_draw) {
    char *now = practices_seen(d);
    if (g_strcmp0(now, t->drawn_with)) draw_rota(t);
    g_free(now);
  }
  t->want_reg = t->want_rota = t->want_eq = t->want_draw = 0;
  return G_SOURCE_REMOVE;
}

static int has_session_at(const Pcn__StaffRotaWeek *w, const char *ods) {
  for (size_t i = 0; i < w->n_sessions; i++)
    if (!strcmp(w->sessions[i], ods)) return 1;
  return 0;
}

/* What concerns a practice's members: a person joining their practice,
 * the rota sending someone to their practice, leave of their practice's
 * staff. */
static void notices(pcn_desk *d, const Pcn__Event *ev) {
  if (!d->practice[0]) return;
  char id[48], body[300];
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_STAFF_MEMBER:
    if (ev->op != PCN__OP__CREATED ||
        strcmp(ev->staff_member->practice, d->practice))
      return;
    snprintf(id, sizeof id, "staff-%llu",
             (unsigned long long)ev->staff_member->id);
    snprintf(body, sizeof body, "%s, %s", ev->staff_member->name,
             ev->staff_member->role);
    desk_notice(d, ev, id, "Shared staff employed by your practice", body);
    break;
  case PCN__EVENT__RECORD_STAFF_ROTA_WEEK:
    if (!has_session_at(ev->staff_rota_week, d->practice)) return;
    snprintf(id, sizeof id, "rota-%llu",
             (unsigned long long)ev->staff_rota_week->staff_id);
    snprintf(body, sizeof body, "%s's sessions from the week of %s",
             ev->staff_rota_week->staff_name, ev->staff_rota_week->week);
    desk_notice(d, ev, id, "The shared staff rota changed", body);
    break;
  case PCN__EVENT__RECORD_STAFF_LEAVE:
    if (strcmp(ev->staff_leave->practice, d->practice)) return;
    snprintf(id, sizeof id, "leave-%llu",
             (unsigned long long)ev->staff_leave->id);
    snprintf(body, sizeof body, "%s, %s to %s", ev->staff_leave->staff_name,
             ev->staff_leave->from, ev->staff_leave->to);
    desk_notice(d, ev, id,
                ev->staff_leave->cancelled ? "Leave cancelled"
                                           : "Leave recorded",
                body);
    break;
  default: break;
  }
}

void staff_on_event(pcn_desk *d, const Pcn__Event *ev) {
  struct desk_staff *t = d->staff;
  if (!t) return;
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_STAFF_MEMBER:
  case PCN__EVENT__RECORD_STAFF_ROTA_WEEK:
  case PCN__EVENT__RECORD_STAFF_LEAVE:
  case PCN__EVENT__RECORD_PRACTICE: break;
  case PCN__EVENT__RECORD_FUNDS_ENTRY:
  case PCN__EVENT__RECORD_FUNDS_FIGURES:
    /* The equity report's money and localities. */
    t->want_eq = 1;
    if (!t->reload_id) t->reload_id = g_idle_add(reload_idle, d);
    return;
  default: return;
  }
  t->want_reg |= ev->record_case == PCN__EVENT__RECORD_STAFF_MEMBER;
  t->want_rota = t->want_eq = 1;
  notices(d, ev);
  if (!t->reload_id) t->reload_id = g_idle_add(reload_idle, d);
}

void staff_free(pcn_desk *d) {
  struct desk_staff *t = d->staff;
  if (!t) return;
  if (t->reload_id) g_source_remove(t->reload_id);
  if (t->practices_handler && d->practices &&
      G_LIST_MODEL(d->practices) == t->practices_watched)
    g_signal_handler_disconnect(d->practices, t->practices_handler);
  g_free(t->drawn_with);
  drop(t->page);
  drop(t->rota);
  pcn_equity_free(t->eq);
  g_free(t->who_ids);
  g_free(t);
  d->staff = NULL;
}

/* ------------------------------------------------------------ registry */

/* Everyone. */
const desk_page staff_page = {
    .id = "staff",
    .title = "Shared staff",
    .group = DESK_PEOPLE,
    .icon = "system-users-symbolic",
    .view_new = staff_view_new,
    .load = staff_load,
    .on_event = staff_on_event,
    .free = staff_free,
};
