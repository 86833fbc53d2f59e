/* test_desktop_news.c - the News view, Jo (practice manager at F84001)
 * against a real pcnd. The PCN manager's posts arrive live, unread and in
 * bold, a notice each; what goes to Hill Street alone never shows. Pinned
 * goes on top. Opening an item records Jo's receipt at the server; the
 * "Read and understood" button confirms a policy; a new version asks
 * again, with its own notice. Jo sees who in her practice has not
 * confirmed, posts to her practice through the form, and watches Amy's
 * receipt arrive in her post's receipts live. Every control is named for
 * screen readers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtest.h"
#include "validate.h"

static GtkWidget *page, *list;
static its_member *amy;

/* ------------------------------------------------------------ widgets */

/* The list's row showing title, and its position among the rows shown
 * (-1: none). */
static GtkWidget *row_for(const char *title, int *pos) {
  int shown = 0;
  GtkListBoxRow *r;
  for (int i = 0; (r = gtk_list_box_get_row_at_index(GTK_LIST_BOX(list), i));
       i++) {
    if (!gtk_widget_get_child_visible(GTK_WIDGET(r))) continue;
    if (dtest_label_under(GTK_WIDGET(r), title)) {
      if (pos) *pos = shown;
      return GTK_WIDGET(r);
    }
    shown++;
  }
  if (pos) *pos = -1;
  return NULL;
}

static const char *want_title, *want_class;
static int want_has;
static int row_shown(fixture *f) {
  (void)f;
  GtkWidget *r = row_for(want_title, NULL);
  if (!r) return 0;
  return !want_class ||
         gtk_widget_has_css_class(r, want_class) == (gboolean)want_has;
}

static int wait_row(fixture *f, const char *title, const char *css, int has) {
  want_title = title;
  want_class = css;
  want_has = has;
  return spin_until(f, row_shown, 5000);
}

static GtkWidget *detail_find;
static const char *detail_text;
static int detail_says(fixture *f) {
  (void)f;
  return dtest_label_under(detail_find, detail_text);
}

static int wait_text(fixture *f, GtkWidget *root, const char *text) {
  detail_find = root;
  detail_text = text;
  return spin_until(f, detail_says, 5000);
}

static void open_row(const char *title) {
  GtkWidget *r = row_for(title, NULL);
  assert_non_null(r);
  g_signal_emit_by_name(list, "row-activated", r);
}

/* ------------------------------------------------------------ server */

static uint64_t post(its_member *m, const char *title, const char *to,
                     int policy, int pinned, uint64_t version_of) {
  char *practices[1] = {(char *)to};
  Pcn__NewsPost p = PCN__NEWS_POST__INIT;
  p.title = (char *)title;
  p.body = "Details are in the attached note.";
  p.policy = policy;
  p.pinned = pinned;
  p.version_of = version_of;
  p.practices = practices;
  p.n_practices = to ? 1 : 0;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_POST;
  req.news_post = &p;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->news_entry->item->id;
}

static const Pcn__NewsReceiptReport *receipts(its_member *m, uint64_t id) {
  Pcn__NewsReceipts x = PCN__NEWS_RECEIPTS__INIT;
  x.id = id;
  x.practice = "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_RECEIPTS;
  req.news_receipts = &x;
  return its_expect(m, &req, PCN__STATUS_CODE__OK)->news_report;
}

static const Pcn__NewsMemberReceipt *jo_in(const Pcn__NewsReceiptReport *r) {
  for (size_t i = 0; i < r->n_practices; i++)
    for (size_t k = 0; k < r->practices[i]->n_receipts; k++)
      if (!strcmp(r->practices[i]->receipts[k]->username, "jo"))
        return r->practices[i]->receipts[k];
  return NULL;
}

static uint64_t rota;
static int jo_has_read(fixture *f) {
  return jo_in(receipts(f->mgr, rota))->read;
}
static uint64_t policy_id;
static int jo_confirmed(fixture *f) {
  return jo_in(receipts(f->mgr, policy_id))->confirmed;
}

/* ------------------------------------------------------------ the test */

static void test_news(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  its_add_practice(f->mgr, "F84002", "Hill Street", 8000);
  amy = its_add_member(f->s, f->mgr, "amy", PCN__ROLE__STAFF, "F84001");
  GtkStack *stack = GTK_STACK(find_widget(win, GTK_TYPE_STACK, NULL));
  gtk_stack_set_visible_child_name(stack, "news");
  page = gtk_stack_get_child_by_name(stack, "news");
  list = find_widget(page, GTK_TYPE_LIST_BOX, "News");
  assert_non_null(list);

  /* Live: the manager's posts arrive unread, each with a notice. */
  unsigned n0 = pcn_desk_notices(f->d, NULL);
  rota = post(f->mgr, "Extended access rota for December", NULL, 0, 0, 0);
  assert_true(dtest_wait_notice(f, f->d, n0, "Extended access rota"));
  post(f->mgr, "Hill Street only", "F84002", 0, 0, 0);
  n0 = pcn_desk_notices(f->d, NULL);
  policy_id = post(f->mgr, "Chaperone policy", "F84001", 1, 0, 0);
  assert_true(dtest_wait_notice(f, f->d, n0, "Chaperone policy"));
  assert_true(wait_row(f, "Extended access rota", "unread", 1));
  assert_true(wait_row(f, "Chaperone policy", "to-confirm", 1));
  assert_null(row_for("Hill Street only", NULL));
  int p_rota, p_pol;
  row_for("Extended access rota", &p_rota);
  row_for("Chaperone policy", &p_pol);
  assert_true(p_pol < p_rota); /* both unread: newest first */
  post(f->mgr, "How to reach the hub", NULL, 0, 1, 0);
  assert_true(wait_row(f, "How to reach the hub", NULL, 0));
  int p_pin;
  row_for("How to reach the hub", &p_pin);
  assert_int_equal(p_pin, 0); /* pinned on top */

  /* Opening one reads it: the text shows, the receipt is at the server,
   * and the row is no longer bold. */
  open_row("Extended access rota");
  assert_true(wait_text(f, page, "Details are in the attached note."));
  assert_true(spin_until(f, jo_has_read, 5000));
  assert_true(wait_row(f, "Extended access rota", "unread", 0));
  assert_null(find_widget(row_for("Extended access rota", NULL),
                          GTK_TYPE_BUTTON, "Read and understood"));

  /* The policy: Jo sees who in her practice has not confirmed, then
   * confirms it with the row's button. */
  open_row("Chaperone policy");
  GtkWidget *receipts_list = find_widget(page, GTK_TYPE_LIST_BOX, "Receipts");
  assert_non_null(receipts_list);
  assert_true(wait_text(f, receipts_list, "Not yet confirmed: amy, jo"));
  assert_true(wait_row(f, "Chaperone policy", "unread", 0)); /* opened */
  dtest_press(find_widget(row_for("Chaperone policy", NULL), GTK_TYPE_BUTTON,
                          "Read and understood"));
  assert_true(spin_until(f, jo_confirmed, 5000));
  assert_true(wait_row(f, "Chaperone policy", "to-confirm", 0));
  assert_true(wait_text(f, receipts_list, "Not yet confirmed: amy"));
  assert_true(wait_text(f, page, "You confirmed this version"));

  /* A new version asks again, with a notice. */
  n0 = pcn_desk_notices(f->d, NULL);
  post(f->mgr, "Chaperone policy (2026)", NULL, 1, 0, policy_id);
  assert_true(dtest_wait_notice(f, f->d, n0, "version 2"));
  assert_true(wait_row(f, "Chaperone policy (2026)", "to-confirm", 1));
  assert_true(wait_text(f, receipts_list, "Not yet confirmed: amy, jo"));
  open_row("Chaperone policy (2026)"); /* reading v2 is its own receipt */
  assert_true(wait_row(f, "Chaperone policy (2026)", "unread", 0));
  assert_true(wait_text(f, receipts_list, "jo (jo): read")); /* live */
  shot(win, "desktop-news-policy");
  dtest_press(find_widget(page, GTK_TYPE_BUTTON, "Read and understood"));
  assert_true(spin_until(f, jo_confirmed, 5000));

  /* Jo posts to her practice through the form. */
  dtest_press(find_widget(page, GTK_TYPE_BUTTON, "New post"));
  GtkWidget *form = dtest_window_named("New post");
  assert_non_null(form);
  assert_int_equal(dtest_unnamed(form), 0);
  assert_string_equal(gtk_editable_get_text(GTK_EDITABLE(
                          find_widget(form, GTK_TYPE_ENTRY, "To"))),
                      "F84001");
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Title"),
            "Riverside car park closed Friday");
  /* The expiry as people in England type it (issue 19): a date that does
   * not read is said under the field, in words; d/m/yyyy lands as ISO. */
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Expires"), "31/2/2030");
  dtest_press(find_widget(form, GTK_TYPE_BUTTON, "Post"));
  assert_true(gtk_widget_has_css_class(
      find_widget(form, GTK_TYPE_ENTRY, "Expires"), "error"));
  assert_non_null(dtest_window_named("New post"));
  char expiry[11], typed[16];
  int64_t ey;
  int em, ed;
  pcn_civil_from_days(pcn_date_today() + 30, &ey, &em, &ed);
  snprintf(typed, sizeof typed, "%d/%d/%lld", ed, em, (long long)ey);
  pcn_date_format(pcn_date_today() + 30, expiry);
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Expires"), typed);
  dtest_press(find_widget(form, GTK_TYPE_BUTTON, "Post"));
  assert_true(wait_row(f, "Riverside car park closed", NULL, 0));
  assert_null(dtest_window_named("New post"));

  /* Her post opened in the detail; Amy's receipt arrives live. */
  assert_true(wait_text(f, receipts_list, "amy (amy): not read"));
  Pcn__NewsList l = PCN__NEWS_LIST__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_LIST;
  req.news_list = &l;
  const Pcn__NewsPage *p =
      its_expect(amy, &req, PCN__STATUS_CODE__OK)->news_page;
  assert_string_equal(p->entries[1]->item->title,
                      "Riverside car park closed Friday");
  assert_string_equal(p->entries[1]->item->expires, expiry);
  Pcn__NewsRead rd = PCN__NEWS_READ__INIT;
  rd.id = p->entries[1]->item->id;
  req.body_case = PCN__REQUEST__BODY_NEWS_READ;
  req.news_read = &rd;
  its_expect(amy, &req, PCN__STATUS_CODE__OK);
  assert_true(wait_text(f, receipts_list, "amy (amy): read"));

  assert_int_equal(dtest_unnamed(page), 0);
  shot(win, "desktop-news");
  its_member_free(amy);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_news, dtest_setup, dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
