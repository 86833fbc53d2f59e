/* test_desktop_news.c - the News view, Jo (practice manager at F84001)
 * against a real pcnd. The PCN manager's posts arrive live, unread and in
 * bold, a notice each; what goes to Hill Street alone never shows. Pinned
 * goes on top. Opening an item records Jo's receipt at the server; the
 * "Read and understood" button confirms a policy; a new version asks
 * again, with its own notice. Jo sees who in her practice has not
 * confirmed, posts to her practice through the form, and watches Amy's
 * receipt arrive in her post's receipts live. Every control is named for
 * screen readers.
 *
 * Whom a post is to is ticked by practice name (issue 19): Jo's form
 * starts at her own practice; the PCN manager's at Everyone, which greys
 * the practices; nothing ticked is said under the row and nothing is
 * sent; two practices ticked by name reach the members of those two and
 * not of a third, as the server's lists say; no text in the window is an
 * ODS code, and a 72-character practice name wraps within the window.
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

/* The first widget under root whose text (a label's, an entry's or its
 * placeholder's, a button's) holds code; NULL when none does. Tooltips
 * may name codes. */
static GtkWidget *shows_code(GtkWidget *root, const char *code) {
  const char *text = NULL, *more = NULL;
  if (GTK_IS_LABEL(root))
    text = gtk_label_get_text(GTK_LABEL(root));
  else if (GTK_IS_TEXT(root)) {
    text = gtk_editable_get_text(GTK_EDITABLE(root));
    more = gtk_text_get_placeholder_text(GTK_TEXT(root));
  } else if (GTK_IS_BUTTON(root))
    text = gtk_button_get_label(GTK_BUTTON(root));
  else if (GTK_IS_CHECK_BUTTON(root))
    text = gtk_check_button_get_label(GTK_CHECK_BUTTON(root));
  if ((text && strstr(text, code)) || (more && strstr(more, code))) return root;
  for (GtkWidget *c = gtk_widget_get_first_child(root); c;
       c = gtk_widget_get_next_sibling(c)) {
    GtkWidget *hit = shows_code(c, code);
    if (hit) return hit;
  }
  return NULL;
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
  /* To her own practice, by name (issue 19). */
  assert_true(gtk_check_button_get_active(GTK_CHECK_BUTTON(
      find_widget(form, GTK_TYPE_CHECK_BUTTON, "Riverside Surgery"))));
  assert_false(gtk_check_button_get_active(GTK_CHECK_BUTTON(
      find_widget(form, GTK_TYPE_CHECK_BUTTON, "Hill Street"))));
  assert_false(gtk_check_button_get_active(GTK_CHECK_BUTTON(
      find_widget(form, GTK_TYPE_CHECK_BUTTON, "Everyone in the network"))));
  assert_null(shows_code(form, "F84001"));
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

/* Whether m's list has an item titled title. */
static int sees(its_member *m, const char *title) {
  Pcn__NewsList l = PCN__NEWS_LIST__INIT;
  l.include_expired = 1;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_LIST;
  req.news_list = &l;
  const Pcn__NewsPage *p = its_expect(m, &req, PCN__STATUS_CODE__OK)->news_page;
  for (size_t i = 0; i < p->n_entries; i++)
    if (!strcmp(p->entries[i]->item->title, title)) return 1;
  return 0;
}

#define LONG_PRACTICE                                                          \
  "The Very Long Named Surgery and Health Centre of Upper Riverside Valley"

static int names_known(fixture *f) {
  return g_list_model_get_n_items(pcn_desk_practices(f->d)) == 4;
}

static its_member *posted_reader;
static const char *posted_title;
static int posted(fixture *f) {
  (void)f;
  return sees(posted_reader, posted_title);
}

static int post_window_gone(fixture *f) {
  (void)f;
  return dtest_window_named("New post") == NULL;
}

static int checked(GtkWidget *form, const char *name) {
  GtkWidget *c = find_widget(form, GTK_TYPE_CHECK_BUTTON, name);
  assert_non_null(c);
  return gtk_check_button_get_active(GTK_CHECK_BUTTON(c));
}

static void tick(GtkWidget *form, const char *name, int on) {
  GtkWidget *c = find_widget(form, GTK_TYPE_CHECK_BUTTON, name);
  assert_non_null(c);
  assert_true(gtk_widget_is_sensitive(c));
  gtk_check_button_set_active(GTK_CHECK_BUTTON(c), on);
  spin_ms(30);
}

/* The PCN manager's post window: practices ticked by name reach their
 * members only. */
static void test_post_to_practices(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  its_add_practice(f->mgr, "F84002", "Hill Street", 8000);
  its_add_practice(f->mgr, "F84003", "Canal Side", 9000);
  its_add_practice(f->mgr, "F84004", LONG_PRACTICE, 7000);
  its_member *hill =
      its_add_member(f->s, f->mgr, "amy", PCN__ROLE__STAFF, "F84002");
  its_member *canal =
      its_add_member(f->s, f->mgr, "cal", PCN__ROLE__STAFF, "F84003");
  assert_true(spin_until(f, names_known, 8000));
  dtest_show_page(win, "news");
  dtest_click(win, "New post");
  GtkWidget *form = dtest_window_named("New post");
  assert_non_null(form);
  assert_int_equal(dtest_unnamed(form), 0);

  /* Everyone, as before: the practices are there by name, greyed. */
  assert_true(checked(form, "Everyone in the network"));
  GtkWidget *canal_check =
      find_widget(form, GTK_TYPE_CHECK_BUTTON, "Canal Side");
  assert_non_null(canal_check);
  assert_false(gtk_widget_is_sensitive(canal_check));
  assert_string_equal(gtk_widget_get_tooltip_text(canal_check),
                      "ODS code F84003");
  const char *codes[] = {"F84001", "F84002", "F84003", "F84004"};
  for (size_t i = 0; i < G_N_ELEMENTS(codes); i++) {
    GtkWidget *w = shows_code(form, codes[i]);
    if (w) fail_msg("%s shows %s", G_OBJECT_TYPE_NAME(w), codes[i]);
  }

  /* Nothing ticked: said under the row, in words; nothing is sent. */
  const char *title = "Flu clinic at Riverside and Canal Side";
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Title"), title);
  tick(form, "Everyone in the network", 0);
  dtest_click(form, "Post");
  assert_true(dtest_label_under(
      form, "Tick Everyone in the network, or the practices"));
  assert_non_null(dtest_window_named("New post"));
  spin_ms(300);
  assert_false(sees(f->mgr, title));

  /* Two ticked by name (a tick answers the error); Everyone would untick
   * them again. */
  tick(form, "Riverside Surgery", 1);
  assert_false(dtest_label_under(form, "Tick Everyone"));
  tick(form, "Canal Side", 1);
  tick(form, "Everyone in the network", 1);
  assert_false(checked(form, "Riverside Surgery"));
  assert_false(gtk_widget_is_sensitive(canal_check));
  tick(form, "Everyone in the network", 0);
  tick(form, "Riverside Surgery", 1);
  tick(form, "Canal Side", 1);
  /* A 72-character name wraps: the window still fits 800x600. */
  int min = 0, nat = 0;
  gtk_widget_measure(form, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL,
                     NULL);
  printf("the post window's minimum width: %d px\n", min);
  assert_true(min <= 640);
  gtk_text_buffer_set_text(
      gtk_text_view_get_buffer(
          GTK_TEXT_VIEW(find_widget(form, GTK_TYPE_TEXT_VIEW, "Text"))),
      "Saturday 9-12 at both sites; book through the usual lists.", -1);
  spin_ms(200);
  shot(form, "desktop-news-post");
  dtest_click(form, "Post");

  /* At the server: Riverside's Jo and Canal Side's Cal have it, Hill
   * Street's Amy has not; the item is to exactly those two codes. */
  posted_reader = canal;
  posted_title = title;
  assert_true(spin_until(f, posted, 5000));
  assert_true(sees(f->jo, title));
  assert_false(sees(hill, title));
  Pcn__NewsList l = PCN__NEWS_LIST__INIT;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_LIST;
  req.news_list = &l;
  const Pcn__NewsPage *p =
      its_expect(f->mgr, &req, PCN__STATUS_CODE__OK)->news_page;
  assert_int_equal(p->n_entries, 1);
  assert_int_equal(p->entries[0]->item->n_practices, 2);
  assert_string_equal(p->entries[0]->item->practices[0], "F84001");
  assert_string_equal(p->entries[0]->item->practices[1], "F84003");
  assert_true(spin_until(f, post_window_gone, 5000)); /* on the answer */
  its_member_free(hill);
  its_member_free(canal);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_news, dtest_setup, dtest_teardown),
      cmocka_unit_test_setup_teardown(test_post_to_practices,
                                      dtest_setup_manager, dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
