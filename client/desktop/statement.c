/* statement.c - the Statement page: a month's statement for any member,
 * as the server computes it (FundsStatement), with the bar chart of
 * distributions per practice and stream drawn in the window, and the same
 * statement saved as the PDF a practice manager files.
 *
 * The month is picked by its YYYY-MM (this month at first; previous and
 * next buttons step it). The page always asks for the whole network: the
 * practice filter narrows the table (and the PDF's tables) to one
 * practice, while the totals and the chart stay the network's, as the
 * CLI's PDF does.
 *
 * The chart and the PDF are drawn from a pcn_statement built by
 * report_pb_statement (client/report/pb), the code the CLI's
 * `pcn funds statement --format pdf` uses, so the window and the filed
 * statement cannot disagree. Live: a funds entry event refetches the
 * statement once per main-loop turn; a practice or stream event refetches
 * the names first.
 *
 * Issue 19: the summary names the nominated payee ("Riverside Surgery
 * (F84001)", as the PDF does), the notes are the model's own words (which
 * say where rates are set without naming a command), and the chart's bars
 * are labelled by the practices' names when they fit (report_chart.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "deskpriv.h"
#include "money.h"
#include "report_pb.h"
#include "shell.h"
#include "uktime.h"
#include "validate.h"
#include "words.h"

#define CHART_HEIGHT 320
/* The most figure columns a row has (the network's); name lines span
 * them all. */
#define TABLE_COLS 7

struct desk_statement {
  pcn_desk *d;
  GtkWidget *month, *practice, *summary, *table, *chart, *pdf_result, *note;
  GtkWidget *notes;              /* what every column means */
  GtkStringList *practice_items; /* "All practices", then one per practice */
  char shown[8];                 /* the month the page holds, YYYY-MM */
  char focus[PCN_REPORT_ODS];    /* "" every practice */
  Pcn__FundsStatementPage *page; /* own copy, or NULL */
  report_pb_names *names;
  pcn_statement *st; /* built from page, for the chart and the PDF */
  guint reload_id;
  int want_names, filling;
};

static struct desk_statement *page_of(void *ud) {
  return ((pcn_desk *)ud)->statement;
}

static void say(struct desk_statement *t, const char *text, int error) {
  gtk_label_set_text(GTK_LABEL(t->note), text);
  if (error)
    gtk_widget_add_css_class(t->note, "error");
  else
    gtk_widget_remove_css_class(t->note, "error");
}

static void call(struct desk_statement *t, Pcn__Request *req,
                 pcn_response_cb cb) {
  if (!t->d->cl || !pcn_client_call(t->d->cl, req, cb, t->d))
    say(t, DESK_OFFLINE, 1);
}

/* ------------------------------------------------------------ months */

/* "YYYY-MM" of the month step months from m (which is valid). */
static void month_step(const char *m, int step, char out[8]) {
  int y = atoi(m), mo = atoi(m + 5) - 1 + step;
  y += mo >= 0 ? mo / 12 : -((11 - mo) / 12);
  mo = ((mo % 12) + 12) % 12;
  snprintf(out, 8, "%04u-%02u", (unsigned)y % 10000u,
           (unsigned)(mo + 1) % 100u);
}

/* ------------------------------------------------------------ drawing */

static GtkWidget *cell(const char *text, int bold, int right) {
  GtkWidget *l = gtk_label_new(text);
  gtk_label_set_xalign(GTK_LABEL(l), right ? 1.0f : 0.0f);
  if (bold) gtk_widget_add_css_class(l, "heading");
  return l;
}

/* A column's title: wraps at its words, so the column is as narrow as
 * its figures (issue 19: the table fits 720 px). */
static GtkWidget *head_cell(const char *text) {
  GtkWidget *l = cell(text, 1, 1);
  gtk_label_set_wrap(GTK_LABEL(l), TRUE);
  gtk_label_set_justify(GTK_LABEL(l), GTK_JUSTIFY_RIGHT);
  gtk_label_set_width_chars(GTK_LABEL(l), 6);
  gtk_label_set_max_width_chars(GTK_LABEL(l), 10);
  gtk_widget_set_valign(l, GTK_ALIGN_END);
  return l;
}

/* Data that can be long (practice and stream names): one line spanning
 * the row, shortened with "…" when the window is narrow, the whole text
 * as its tooltip. */
static GtkWidget *name_cell(const char *text, const char *tip, int bold) {
  GtkWidget *l = cell(text, bold, 0);
  gtk_label_set_ellipsize(GTK_LABEL(l), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars(GTK_LABEL(l), 10);
  gtk_widget_set_tooltip_text(l, tip ? tip : text);
  gtk_widget_set_hexpand(l, FALSE);
  return l;
}

static void clear_grid(GtkWidget *g) {
  GtkWidget *c;
  while ((c = gtk_widget_get_first_child(g)))
    gtk_grid_remove(GTK_GRID(g), c);
}

/* The heading of a section of the table: who, on a line of its own,
 * then the model's column titles for that kind of row. */
static void table_head(struct desk_statement *t, int y, const char *who,
                       const pcn_statement_col *cs, size_t nc) {
  GtkWidget *l = name_cell(who, NULL, 1);
  gtk_widget_set_margin_top(l, 8);
  gtk_grid_attach(GTK_GRID(t->table), l, 0, y, TABLE_COLS, 1);
  for (size_t i = 0; i < nc; i++)
    gtk_grid_attach(GTK_GRID(t->table),
                    head_cell(pcn_statement_col_title(cs[i])), (int)i, y + 1, 1,
                    1);
}

/* The table is the model's rows and columns (statement_model.c), the
 * same the CLI's table, CSV and PDF show: the practices' sections, then
 * the network's. So that it fits a narrow window (issue 19), who and the
 * stream are a line of their own spanning the figures (practice by name,
 * its ODS code in the tooltip, shortened with "…"), and the figures sit
 * under the column titles, which wrap. */
static void draw_table(struct desk_statement *t) {
  clear_grid(t->table);
  if (!t->st) return;
  size_t nr;
  pcn_statement_row *rows = pcn_statement_rows(t->st, &nr);
  if (!rows) return;
  int y = 0;
  for (size_t i = 0; i < nr; i++) {
    const pcn_statement_row *r = &rows[i];
    size_t nc;
    const pcn_statement_col *cs = pcn_statement_cols(t->st, r->kind, &nc);
    int practice =
        r->kind == PCN_ROW_PRACTICE || r->kind == PCN_ROW_PRACTICE_TOTAL;
    int prev_practice = i > 0 && (rows[i - 1].kind == PCN_ROW_PRACTICE ||
                                  rows[i - 1].kind == PCN_ROW_PRACTICE_TOTAL);
    if (i == 0 || practice != prev_practice) {
      table_head(t, y, practice ? "Practices" : "Network", cs, nc);
      y += 2;
    }
    char who[PCN_REPORT_ODS + 2 * PCN_REPORT_NAME + 16];
    char tip[PCN_REPORT_ODS + 2 * PCN_REPORT_NAME + 32];
    const char *stream = r->stream ? r->stream->name : "all streams";
    if (practice) {
      snprintf(who, sizeof who, "%s · %s",
               r->practice->name[0] ? r->practice->name : r->practice->ods,
               stream);
      snprintf(tip, sizeof tip, "%s (%s) · %s", r->practice->name,
               r->practice->ods, stream);
    } else {
      snprintf(who, sizeof who, "Network · %s", stream);
      snprintf(tip, sizeof tip, "%s", who);
    }
    int total = !r->stream;
    GtkWidget *name = name_cell(who, tip, total);
    /* What the row is, for whoever reads the table back (the year test). */
    g_object_set_data_full(G_OBJECT(name), "statement-who",
                           g_strdup(practice ? r->practice->ods : "Network"),
                           g_free);
    g_object_set_data_full(G_OBJECT(name), "statement-stream", g_strdup(stream),
                           g_free);
    gtk_widget_set_margin_top(name, 4);
    gtk_grid_attach(GTK_GRID(t->table), name, 0, y, TABLE_COLS, 1);
    y++;
    for (size_t k = 0; k < nc; k++) {
      char buf[PCN_PENCE_BUF];
      gtk_grid_attach(
          GTK_GRID(t->table),
          cell(pcn_pence_format(pcn_statement_value(&r->f, cs[k]), 1, buf),
               total, 1),
          (int)k, y, 1, 1);
    }
    y++;
  }
  free(rows);
  if (nr == 1 && !t->st->total.held_end && !t->st->total.received) {
    GtkWidget *l = cell("Nothing was received or paid this month.", 0, 0);
    gtk_label_set_wrap(GTK_LABEL(l), TRUE);
    gtk_grid_attach(GTK_GRID(t->table), l, 0, y, TABLE_COLS, 1);
  }
}

/* What every column means, from the model: the PDF's notes, in words
 * the window and the command line share (issue 19). */
static void draw_notes(struct desk_statement *t) {
  GString *s = g_string_new(NULL);
  for (int c = 0; c < PCN_STATEMENT_COLS; c++) {
    if (c == PCN_COL_EXPECTED && t->st && !t->st->rates_set) continue;
    g_string_append_printf(s, "%s%s: %s.", c ? "\n" : "",
                           pcn_statement_col_title((pcn_statement_col)c),
                           pcn_statement_col_meaning((pcn_statement_col)c));
  }
  if (t->st)
    g_string_append_printf(s, "\n%s", pcn_statement_expected_note(t->st));
  g_string_append(s, "\nThe chart shows the whole network whichever practice "
                     "is picked.");
  gtk_label_set_text(GTK_LABEL(t->notes), s->str);
  g_string_free(s, TRUE);
}

static void draw_summary(struct desk_statement *t) {
  const Pcn__FundsStatementPage *pg = t->page;
  char month[24];
  pcn_month_words(pg->month, month, sizeof month);
  char a[PCN_PENCE_BUF], b[PCN_PENCE_BUF], c[PCN_PENCE_BUF], e[PCN_PENCE_BUF];
  GString *s = g_string_new(NULL);
  g_string_append_printf(
      s, "%s: held %s at the start, %s at the end. Received %s, distributed %s",
      month, pcn_pence_format(pg->held_before, 1, a),
      pcn_pence_format(pg->held, 1, b), pcn_pence_format(pg->received, 1, c),
      pcn_pence_format(pg->distributed, 1, e));
  if (pg->claimed)
    g_string_append_printf(s, ", claimed %s",
                           pcn_pence_format(pg->claimed, 1, a));
  g_string_append_printf(s, ", spent %s.", pcn_pence_format(pg->spent, 1, a));
  if (pg->expected)
    g_string_append_printf(s, " Expected from the year's rates: %s.",
                           pcn_pence_format(pg->expected, 1, a));
  /* The payee by name, its code in brackets as the PDF has it. */
  if (pg->payee[0] && pg->payee_name[0])
    g_string_append_printf(s, " Nominated payee: %s (%s).", pg->payee_name,
                           pg->payee);
  else if (pg->payee[0])
    g_string_append_printf(s, " Nominated payee: %s.",
                           desk_practice_words(t->d, pg->payee));
  gtk_label_set_text(GTK_LABEL(t->summary), s->str);
  g_string_free(s, TRUE);
}

/* Builds the renderer's statement from the page (focus narrows only the
 * PDF's tables) and redraws all of it. */
static void rebuild(struct desk_statement *t) {
  pcn_statement_free(t->st);
  t->st = NULL;
  if (t->page) {
    char err[256];
    t->st = report_pb_statement(t->page, t->names, t->d->cfg.network_name,
                                t->focus, pcn_now_ms(), err, sizeof err);
    if (!t->st) say(t, err, 1);
    draw_summary(t);
  }
  draw_table(t);
  draw_notes(t);
  gtk_widget_queue_draw(t->chart);
}

/* The chart is drawn into an image of its own and then painted: drawn
 * straight into GTK's context, the renderer's cairo text (its "toy" font
 * API) left GTK's cairo renderer dropping the text of labels drawn after
 * it (seen with GTK 4.8 under Xvfb: a table cell missing from the
 * window). */
static void draw_chart(GtkDrawingArea *area, cairo_t *cr, int w, int h,
                       gpointer ud) {
  struct desk_statement *t = page_of(ud);
  int scale = gtk_widget_get_scale_factor(GTK_WIDGET(area));
  cairo_surface_t *img =
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, w * scale, h * scale);
  cairo_surface_set_device_scale(img, scale, scale);
  cairo_t *c = cairo_create(img);
  desk_chart_begin(GTK_WIDGET(area), c); /* dark style: dark (shell.c) */
  if (t && t->st) report_draw_statement_chart(c, t->st, w, h);
  desk_chart_end();
  cairo_destroy(c);
  cairo_set_source_surface(cr, img, 0, 0);
  cairo_paint(cr);
  cairo_surface_destroy(img);
}

/* ------------------------------------------------------------ requests */

static void fill_practices(struct desk_statement *t) {
  t->filling = 1;
  guint n = g_list_model_get_n_items(G_LIST_MODEL(t->practice_items));
  const char *items[PCN_REPORT_MAX_PRACTICES + 2];
  char buf[PCN_REPORT_MAX_PRACTICES][PCN_REPORT_ODS + PCN_REPORT_NAME + 4];
  size_t k = 0, pick = 0;
  items[k++] = "All practices";
  for (size_t i = 0; i < t->names->np; i++) {
    snprintf(buf[i], sizeof buf[i], "%s",
             t->names->p[i].name[0] ? t->names->p[i].name : t->names->p[i].ods);
    if (!strcmp(t->names->p[i].ods, t->focus)) pick = k;
    items[k++] = buf[i];
  }
  items[k] = NULL;
  gtk_string_list_splice(t->practice_items, 0, n, items);
  gtk_drop_down_set_selected(GTK_DROP_DOWN(t->practice), (guint)pick);
  t->filling = 0;
}

static void on_statement(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  struct desk_statement *t = page_of(ud);
  if (!t) return;
  if (r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_FUNDS_STATEMENT_PAGE) {
    say(t, r->status->message, 1);
    return;
  }
  if (strcmp(r->funds_statement_page->month, t->shown))
    return; /* an answer for a month no longer shown */
  if (t->page) pcn__funds_statement_page__free_unpacked(t->page, NULL);
  t->page = desk_copy_msg(&r->funds_statement_page->base);
  say(t, "", 0);
  rebuild(t);
}

static void load_statement(struct desk_statement *t) {
  Pcn__FundsStatement s = PCN__FUNDS_STATEMENT__INIT;
  s.month = t->shown;
  s.practice = "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_STATEMENT;
  req.funds_statement = &s;
  call(t, &req, on_statement);
}

static void on_streams(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  struct desk_statement *t = page_of(ud);
  if (!t || r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_FUNDS_STREAMS)
    return;
  report_pb_add_streams(t->names, r->funds_streams->streams,
                        r->funds_streams->n_streams);
  load_statement(t);
}

static void on_practices(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  struct desk_statement *t = page_of(ud);
  if (!t || r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_PRACTICES)
    return;
  report_pb_add_practices(t->names, r->practices->practices,
                          r->practices->n_practices);
  fill_practices(t);
  Pcn__FundsStreamList sl = PCN__FUNDS_STREAM_LIST__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_FUNDS_STREAM_LIST;
  req.funds_stream_list = &sl;
  call(t, &req, on_streams);
}

/* The names (practices, then streams), then the statement. */
static void load_all(struct desk_statement *t) {
  Pcn__PracticeList pl = PCN__PRACTICE_LIST__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_PRACTICE_LIST;
  req.practice_list = &pl;
  call(t, &req, on_practices);
}

void statement_load(pcn_desk *d) {
  struct desk_statement *t = d->statement;
  if (!t || !d->cl) return;
  load_all(t);
}

static gboolean reload_idle(gpointer ud) {
  pcn_desk *d = ud;
  struct desk_statement *t = d->statement;
  if (!t) return G_SOURCE_REMOVE;
  t->reload_id = 0;
  if (t->want_names)
    load_all(t);
  else
    load_statement(t);
  t->want_names = 0;
  return G_SOURCE_REMOVE;
}

void statement_on_event(pcn_desk *d, const Pcn__Event *ev) {
  struct desk_statement *t = d->statement;
  if (!t) return;
  switch (ev->record_case) {
  case PCN__EVENT__RECORD_FUNDS_ENTRY: break;
  case PCN__EVENT__RECORD_PRACTICE:
  case PCN__EVENT__RECORD_FUNDS_STREAM: t->want_names = 1; break;
  default: return;
  }
  if (!t->reload_id) t->reload_id = g_idle_add(reload_idle, d);
}

/* ------------------------------------------------------------ controls */

static void show_month(struct desk_statement *t, const char *m) {
  snprintf(t->shown, sizeof t->shown, "%s", m);
  char words[24];
  pcn_month_words(m, words, sizeof words);
  gtk_editable_set_text(GTK_EDITABLE(t->month), words);
  if (t->page) pcn__funds_statement_page__free_unpacked(t->page, NULL);
  t->page = NULL;
  gtk_label_set_text(GTK_LABEL(t->summary), "Loading the statement…");
  rebuild(t);
  load_statement(t);
}

static void on_step(GtkButton *b, gpointer ud) {
  struct desk_statement *t = ud;
  char m[8];
  month_step(t->shown, GPOINTER_TO_INT(g_object_get_data(G_OBJECT(b), "step")),
             m);
  show_month(t, m);
}

static void on_month(GtkEntry *e, gpointer ud) {
  struct desk_statement *t = ud;
  char m[8];
  const char *why;
  if (pcn_month_parse_uk(gtk_editable_get_text(GTK_EDITABLE(e)), m, &why)) {
    say(t, why, 1);
    return;
  }
  show_month(t, m);
}

static void on_practice(GObject *o, GParamSpec *ps, gpointer ud) {
  (void)o, (void)ps;
  struct desk_statement *t = ud;
  if (t->filling) return;
  guint k = gtk_drop_down_get_selected(GTK_DROP_DOWN(t->practice));
  snprintf(t->focus, sizeof t->focus, "%s",
           k && k - 1 < t->names->np ? t->names->p[k - 1].ods : "");
  rebuild(t);
}

/* Says how saving went in the label beside the button. */
static void saved(struct desk_statement *t, const char *text, int error) {
  gtk_label_set_text(GTK_LABEL(t->pdf_result), text);
  gtk_widget_set_tooltip_text(t->pdf_result, text);
  if (error)
    gtk_widget_add_css_class(t->pdf_result, "error");
  else
    gtk_widget_remove_css_class(t->pdf_result, "error");
}

/* GTK 4.8 (Debian 12) has no GtkFileDialog (4.10): the native chooser,
 * as Meetings' export does; where it went (or why not) beside the
 * button. */
static void on_pdf_chosen(GtkNativeDialog *dlg, int response, gpointer ud) {
  struct desk_statement *t = page_of(ud);
  if (response == GTK_RESPONSE_ACCEPT && t) {
    GFile *f = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dlg));
    char *path = f ? g_file_get_path(f) : NULL;
    char err[300], msg[700];
    if (!path)
      saved(t, "No file chosen: nothing was saved.", 1);
    else if (!t->st)
      saved(t, "The statement has not loaded yet; try again in a moment.", 1);
    else if (report_statement_pdf(t->st, path, err, sizeof err))
      saved(t, err, 1);
    else {
      char *base = g_path_get_basename(path);
      char month[24];
      pcn_month_words(t->shown, month, sizeof month);
      snprintf(msg, sizeof msg, "Saved the statement for %s as %s.", month,
               base);
      saved(t, msg, 0);
      gtk_widget_set_tooltip_text(t->pdf_result, path);
      g_free(base);
    }
    g_free(path);
    if (f) g_object_unref(f);
  }
  g_object_unref(dlg);
}

static void on_save(GtkButton *b, gpointer ud) {
  (void)b;
  struct desk_statement *t = ud;
  if (!t->st) {
    saved(t, "The statement has not loaded yet; try again in a moment.", 1);
    return;
  }
  GtkFileChooserNative *dlg = gtk_file_chooser_native_new(
      "Save the statement as PDF", GTK_WINDOW(t->d->window),
      GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");
  char *name = g_strdup_printf("Statement %s.pdf", t->shown);
  gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(dlg), name);
  g_free(name);
  const char *dir = g_get_user_special_dir(G_USER_DIRECTORY_DOCUMENTS);
  if (dir && g_file_test(dir, G_FILE_TEST_IS_DIR)) {
    GFile *df = g_file_new_for_path(dir);
    gtk_file_chooser_set_current_folder(GTK_FILE_CHOOSER(dlg), df, NULL);
    g_object_unref(df);
  }
  g_signal_connect(dlg, "response", G_CALLBACK(on_pdf_chosen), t->d);
  gtk_native_dialog_show(GTK_NATIVE_DIALOG(dlg));
}

static GtkWidget *button(const char *mnemonic, const char *name, GCallback cb,
                         gpointer ud) {
  GtkWidget *b = gtk_button_new_with_mnemonic(mnemonic);
  gtk_widget_set_name(b, name);
  g_signal_connect(b, "clicked", cb, ud);
  return b;
}

static void name_it(GtkWidget *w, const char *name) {
  gtk_widget_set_name(w, name);
  gtk_accessible_update_property(GTK_ACCESSIBLE(w),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static GtkWidget *label(const char *text, const char *css) {
  GtkWidget *l = gtk_label_new(text);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  gtk_label_set_wrap(GTK_LABEL(l), TRUE);
  if (css) gtk_widget_add_css_class(l, css);
  return l;
}

/* The practice drop-down's rows: practice names can be long, so each
 * is shortened with "…" (the whole name as its tooltip) rather than
 * widening the page (issue 19). */
static void pick_setup(GtkSignalListItemFactory *fa, GtkListItem *it,
                       gpointer ud) {
  (void)fa, (void)ud;
  GtkWidget *l = gtk_label_new(NULL);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  gtk_label_set_ellipsize(GTK_LABEL(l), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars(GTK_LABEL(l), 12);
  gtk_label_set_max_width_chars(GTK_LABEL(l), 32);
  gtk_list_item_set_child(it, l);
}

static void pick_bind(GtkSignalListItemFactory *fa, GtkListItem *it,
                      gpointer ud) {
  (void)fa, (void)ud;
  const char *s = gtk_string_object_get_string(
      GTK_STRING_OBJECT(gtk_list_item_get_item(it)));
  GtkWidget *l = gtk_list_item_get_child(it);
  gtk_label_set_text(GTK_LABEL(l), s);
  gtk_widget_set_tooltip_text(l, s);
}

GtkWidget *statement_view_new(pcn_desk *d) {
  struct desk_statement *t = g_new0(struct desk_statement, 1);
  t->d = d;
  d->statement = t;
  t->names = g_new0(report_pb_names, 1);
  int64_t y;
  int m, day;
  pcn_civil_from_days(pcn_date_today(), &y, &m, &day); /* UK date */
  snprintf(t->shown, sizeof t->shown, "%04u-%02u", (unsigned)(y % 10000),
           (unsigned)m % 100u);

  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start(box, 18);
  gtk_widget_set_margin_end(box, 18);
  gtk_widget_set_margin_top(box, 12);
  gtk_widget_set_margin_bottom(box, 12);

  GtkWidget *bar = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *prev =
      button("_Previous month", "Previous month", G_CALLBACK(on_step), t);
  g_object_set_data(G_OBJECT(prev), "step", GINT_TO_POINTER(-1));
  GtkWidget *next = button("_Next month", "Next month", G_CALLBACK(on_step), t);
  g_object_set_data(G_OBJECT(next), "step", GINT_TO_POINTER(1));
  t->month = desk_entry("Statement month", "December 2026", 0);
  gtk_editable_set_width_chars(GTK_EDITABLE(t->month), 14);
  gtk_editable_set_max_width_chars(GTK_EDITABLE(t->month), 14);
  char shown[24];
  pcn_month_words(t->shown, shown, sizeof shown);
  gtk_editable_set_text(GTK_EDITABLE(t->month), shown);
  g_signal_connect(t->month, "activate", G_CALLBACK(on_month), t);
  t->practice_items =
      gtk_string_list_new((const char *[]){"All practices", NULL});
  t->practice =
      gtk_drop_down_new(G_LIST_MODEL(g_object_ref(t->practice_items)), NULL);
  GtkListItemFactory *fa = gtk_signal_list_item_factory_new();
  g_signal_connect(fa, "setup", G_CALLBACK(pick_setup), NULL);
  g_signal_connect(fa, "bind", G_CALLBACK(pick_bind), NULL);
  gtk_drop_down_set_factory(GTK_DROP_DOWN(t->practice), fa);
  g_object_unref(fa);
  gtk_widget_set_hexpand(t->practice, FALSE);
  gtk_widget_set_tooltip_text(t->practice, "Narrows the table to a practice");
  name_it(t->practice, "Statement practice");
  g_signal_connect(t->practice, "notify::selected", G_CALLBACK(on_practice), t);
  gtk_box_append(GTK_BOX(bar), prev);
  gtk_box_append(GTK_BOX(bar), t->month);
  gtk_box_append(GTK_BOX(bar), next);
  gtk_box_append(GTK_BOX(bar), t->practice);
  gtk_box_append(GTK_BOX(box), bar);

  t->summary = label("Loading the statement…", "heading");
  gtk_widget_set_name(t->summary, "Statement summary");
  gtk_box_append(GTK_BOX(box), t->summary);
  t->note = label("", NULL);
  gtk_widget_set_name(t->note, "Statement note");
  gtk_box_append(GTK_BOX(box), t->note);

  t->chart = gtk_drawing_area_new();
  name_it(t->chart, "Statement chart");
  gtk_drawing_area_set_content_height(GTK_DRAWING_AREA(t->chart), CHART_HEIGHT);
  gtk_widget_set_hexpand(t->chart, TRUE);
  gtk_drawing_area_set_draw_func(GTK_DRAWING_AREA(t->chart), draw_chart, d,
                                 NULL);
  gtk_box_append(GTK_BOX(box), t->chart);

  t->table = gtk_grid_new();
  gtk_grid_set_column_spacing(GTK_GRID(t->table), 12);
  gtk_grid_set_row_spacing(GTK_GRID(t->table), 4);
  name_it(t->table, "Statement table");
  gtk_box_append(GTK_BOX(box), t->table);
  t->notes = label("", "dim-label");
  gtk_label_set_wrap(GTK_LABEL(t->notes), TRUE);
  gtk_widget_set_name(t->notes, "Statement notes");
  gtk_box_append(GTK_BOX(box), t->notes);

  GtkWidget *save = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_box_append(GTK_BOX(save),
                 button("_Save PDF…", "Save PDF", G_CALLBACK(on_save), t));
  t->pdf_result = label("", NULL);
  gtk_widget_set_hexpand(t->pdf_result, TRUE);
  gtk_widget_set_name(t->pdf_result, "Statement PDF result");
  gtk_box_append(GTK_BOX(save), t->pdf_result);
  gtk_box_append(GTK_BOX(box), save);

  GtkWidget *sc = gtk_scrolled_window_new();
  gtk_widget_set_name(sc, "Statement page");
  gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(sc), GTK_POLICY_NEVER,
                                 GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(sc), box);
  gtk_widget_set_vexpand(sc, TRUE);
  return sc;
}

void statement_free(pcn_desk *d) {
  struct desk_statement *t = d->statement;
  if (!t) return;
  if (t->reload_id) g_source_remove(t->reload_id);
  if (t->page) pcn__funds_statement_page__free_unpacked(t->page, NULL);
  pcn_statement_free(t->st);
  g_object_unref(t->practice_items);
  g_free(t->names);
  g_free(t);
  d->statement = NULL;
}

/* ------------------------------------------------------------ registry */

/* Everyone: a month's money, as Funds. */
const desk_page statement_page = {
    .id = "statement",
    .title = "Statement",
    .group = DESK_MONEY,
    .icon = "x-office-document-symbolic",
    .view_new = statement_view_new,
    .load = statement_load,
    .on_event = statement_on_event,
    .free = statement_free,
};
