/* test_desktop_layout.c - the desktop's layout of issue 19, in real windows
 * on a real pcnd: the grouped sidebar (the pages each role uses, under
 * Work, Money, People, Network), a badge that counts what waits on the
 * member and follows another client's writes live (an ask to Jo's practice
 * makes Asks 1; Jo answering over the wire takes it away), and the
 * adaptive window (the leaflet folds at 800x600 and not at 1280x800, and
 * the window's minimum width stays at most 800 with every page shown,
 * where the widest page made it 1301). Screenshots at 1024x768 and
 * 800x600 (docs/desktop-sidebar.png, docs/desktop-narrow.png).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dtest.h"
#include "validate.h"
#include "workdays.h"

/* The sidebar as a line: "feed | Work: tasks asks ... | Money: ...", the
 * shown rows by name with each group's header where it starts. */
static void sidebar_line(GtkWidget *win, char *out, size_t n) {
  GtkWidget *lb = find_widget(win, GTK_TYPE_LIST_BOX, "Sidebar");
  assert_non_null(lb);
  out[0] = 0;
  for (GtkWidget *c = gtk_widget_get_first_child(lb); c;
       c = gtk_widget_get_next_sibling(c)) {
    if (!GTK_IS_LIST_BOX_ROW(c) || !gtk_widget_get_visible(c)) continue;
    GtkWidget *h = gtk_list_box_row_get_header(GTK_LIST_BOX_ROW(c));
    size_t len = strlen(out);
    if (h && gtk_widget_get_visible(h))
      snprintf(out + len, n - len, "%s%s:", len ? " | " : "",
               gtk_label_get_text(GTK_LABEL(h)));
    len = strlen(out);
    snprintf(out + len, n - len, "%s%s", len ? " " : "",
             gtk_widget_get_name(c));
  }
}

static GtkWidget *row_of(GtkWidget *win, const char *id) {
  GtkWidget *lb = find_widget(win, GTK_TYPE_LIST_BOX, "Sidebar");
  for (GtkWidget *c = gtk_widget_get_first_child(lb); c;
       c = gtk_widget_get_next_sibling(c))
    if (GTK_IS_LIST_BOX_ROW(c) && !strcmp(gtk_widget_get_name(c), id)) return c;
  return NULL;
}

/* What the row's badge shows ("" when hidden). */
static const char *badge_of(GtkWidget *win, const char *id) {
  GtkWidget *row = row_of(win, id);
  assert_non_null(row);
  GtkWidget *box = gtk_list_box_row_get_child(GTK_LIST_BOX_ROW(row));
  GtkWidget *b = gtk_widget_get_last_child(box);
  return gtk_widget_get_visible(b) ? gtk_label_get_text(GTK_LABEL(b)) : "";
}

static GtkWidget *the_win;
static const char *want_line, *want_badge;
static char last_line[600];

static int line_is(fixture *f) {
  (void)f;
  sidebar_line(the_win, last_line, sizeof last_line);
  return !strcmp(last_line, want_line);
}

static const char *badge_page = "asks";
static int asks_badge_is(fixture *f) {
  (void)f;
  return !strcmp(badge_of(the_win, badge_page), want_badge);
}

/* Waits until page's badge in Jo's window shows want ("" hidden). */
static void expect_badge(fixture *f, const char *page, const char *want) {
  the_win = GTK_WIDGET(pcn_desk_window(f->d));
  badge_page = page;
  want_badge = want;
  if (!spin_until(f, asks_badge_is, 8000))
    fprintf(stderr, "%s's badge shows '%s', not '%s'\n", page,
            badge_of(the_win, page), want);
  assert_string_equal(badge_of(the_win, page), want);
}

static const char *const MANAGER_LINE =
    "feed | Work: tasks asks news decisions meetings duties"
    " | Money: funds statement plan headroom claims"
    " | People: staff practices members | Network: network";
static const char *const STAFF_LINE =
    "feed | Work: tasks asks news decisions meetings duties"
    " | Money: funds statement | People: staff practices members"
    " | Network: network";

static void expect_line(fixture *f, GtkWidget *win, const char *want) {
  the_win = win;
  want_line = want;
  if (!spin_until(f, line_is, 8000))
    fprintf(stderr, "sidebar: %s\nwanted:  %s\n", last_line, want);
  assert_string_equal(last_line, want);
}

static pcn_desk *other;
static int other_connected(fixture *f) {
  (void)f;
  return !strcmp(pcn_desk_status(other), "Connected");
}

/* A window of its own for member m (their saved session). */
static pcn_desk *open_as(fixture *f, its_member *m) {
  char dir[400];
  dtest_save_session(f, m, dir, sizeof dir);
  other = pcn_desk_new(GTK_APPLICATION(f->app));
  setenv("XDG_CONFIG_HOME", f->cfgdir, 1);
  gtk_window_present(pcn_desk_window(other));
  assert_true(spin_until(f, other_connected, 10000));
  return other;
}

static void close_desk(pcn_desk *d) {
  gtk_window_destroy(pcn_desk_window(d));
  pcn_desk_free(d);
}

static void test_sidebar_per_role(void **state) {
  fixture *f = *state;
  /* Jo, practice manager: every page (Practices and Network read-only). */
  GtkWidget *jo = GTK_WIDGET(pcn_desk_window(f->d));
  expect_line(f, jo, MANAGER_LINE);
  /* The window opens on the Feed, its row selected. */
  assert_ptr_equal(gtk_list_box_get_selected_row(GTK_LIST_BOX(
                       find_widget(jo, GTK_TYPE_LIST_BOX, "Sidebar"))),
                   row_of(jo, "feed"));
  /* The PCN manager: the same pages. */
  pcn_desk *m = open_as(f, f->mgr);
  expect_line(f, GTK_WIDGET(pcn_desk_window(m)), MANAGER_LINE);
  close_desk(m);
  /* Kim, staff at F84001: no Funding plan, ARRS headroom or Claims. */
  its_member *kim =
      its_add_member(f->s, f->mgr, "kim", PCN__ROLE__STAFF, "F84001");
  pcn_desk *k = open_as(f, kim);
  GtkWidget *kwin = GTK_WIDGET(pcn_desk_window(k));
  expect_line(f, kwin, STAFF_LINE);
  /* Choosing a row shows its page; showing a page selects its row. */
  GtkWidget *lb = find_widget(kwin, GTK_TYPE_LIST_BOX, "Sidebar");
  gtk_list_box_select_row(GTK_LIST_BOX(lb),
                          GTK_LIST_BOX_ROW(row_of(kwin, "meetings")));
  GtkStack *stack = GTK_STACK(find_widget(kwin, GTK_TYPE_STACK, NULL));
  assert_string_equal(gtk_stack_get_visible_child_name(stack), "meetings");
  dtest_show_page(kwin, "staff");
  assert_ptr_equal(gtk_list_box_get_selected_row(GTK_LIST_BOX(lb)),
                   row_of(kwin, "staff"));
  assert_int_equal(dtest_unnamed(lb), 0);
  close_desk(k);
  its_member_free(kim);
}

/* The row's name for a screen reader is label. */
static void assert_label(GtkWidget *row, const char *label) {
  char *err = gtk_test_accessible_check_property(
      GTK_ACCESSIBLE(row), GTK_ACCESSIBLE_PROPERTY_LABEL, label);
  if (err) fprintf(stderr, "%s\n", err);
  assert_null(err);
}

/* The PCN manager asks Jo's practice for something, well ahead; the
 * ask's id. */
static uint64_t ask_jo(fixture *f) {
  char day[11];
  pcn_date_format((int32_t)(g_get_real_time() / 86400000000LL) + 40, day);
  char *to[] = {"F84001"};
  Pcn__AskCreate c = PCN__ASK_CREATE__INIT;
  c.title = "Flu clinic numbers";
  c.body = "";
  c.due = day;
  c.practices = to;
  c.n_practices = 1;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_ASK_CREATE;
  req.ask_create = &c;
  return its_expect(f->mgr, &req, PCN__STATUS_CODE__OK)->ask->id;
}

static int asks_listed(fixture *f) {
  (void)f;
  GtkStack *stack = GTK_STACK(find_widget(the_win, GTK_TYPE_STACK, NULL));
  return dtest_label_under(gtk_stack_get_child_by_name(stack, "asks"),
                           "Flu clinic numbers");
}

/* The badges are asked again every second at the latest. */
static void sidebar_refresh_wait(void) {
  spin_ms(1200);
}

static void test_badge_live(void **state) {
  fixture *f = *state;
  GtkWidget *jo = GTK_WIDGET(pcn_desk_window(f->d));
  expect_badge(f, "asks", "");
  uint64_t id = ask_jo(f);
  Pcn__Request req = PCN__REQUEST__INIT;
  const Pcn__Response *r;
  expect_badge(f, "asks", "1");
  GtkWidget *row = row_of(jo, "asks");
  assert_label(row, "Asks, 1 needs you");
  /* The PCN manager's window: they owe nothing, so no badge. */
  pcn_desk *m = open_as(f, f->mgr);
  GtkWidget *mwin = GTK_WIDGET(pcn_desk_window(m));
  the_win = mwin;
  assert_true(spin_until(f, asks_listed, 8000)); /* the page has it */
  sidebar_refresh_wait();
  assert_string_equal(badge_of(mwin, "asks"), "");
  close_desk(m);
  /* Jo answers from another client (the CLI, say): the badge goes. */
  Pcn__AskReply rep = PCN__ASK_REPLY__INIT;
  rep.ask_id = id;
  rep.state = PCN__ASK_ANSWER_STATE__ASK_DONE;
  rep.note = "42 booked";
  req.body_case = PCN__REQUEST__BODY_ASK_REPLY;
  req.ask_reply = &rep;
  its_expect(f->jo, &req, PCN__STATUS_CODE__OK);
  expect_badge(f, "asks", "");
  assert_label(row, "Asks");

  /* Tasks: Jo's open tasks past their due date; not what is due later,
   * nor someone else's. */
  expect_badge(f, "tasks", "");
  its_task(f->mgr, "Send the flu returns", "", "2020-01-02", "jo");
  its_task(f->mgr, "Book the Christmas rota", "", "2099-01-02", "jo");
  its_task(f->mgr, "The manager's own", "", "2020-01-02", "manager");
  expect_badge(f, "tasks", "1");

  /* News: a post to everyone is unread for Jo until Jo opens it. */
  expect_badge(f, "news", "");
  Pcn__NewsPost np = PCN__NEWS_POST__INIT;
  np.title = "Flu clinics start on Saturday";
  np.body = "";
  np.link = "";
  np.expires = "";
  req.body_case = PCN__REQUEST__BODY_NEWS_POST;
  req.news_post = &np;
  r = its_expect(f->mgr, &req, PCN__STATUS_CODE__OK);
  uint64_t news_id = r->news_entry->item->id;
  expect_badge(f, "news", "1");
  Pcn__NewsRead nr = PCN__NEWS_READ__INIT;
  nr.id = news_id;
  req.body_case = PCN__REQUEST__BODY_NEWS_READ;
  req.news_read = &nr;
  its_expect(f->jo, &req, PCN__STATUS_CODE__OK);
  expect_badge(f, "news", "");

  /* Decisions: one to vote on until Jo votes. */
  expect_badge(f, "decisions", "");
  Pcn__DecisionPropose dp = PCN__DECISION_PROPOSE__INIT;
  dp.title = "Saturday flu clinic at Riverside";
  dp.text = "";
  dp.rule = PCN__DECISION_RULE__DECISION_MAJORITY;
  dp.closes_at = ((int64_t)time(NULL) + 3 * 86400) * 1000;
  req.body_case = PCN__REQUEST__BODY_DECISION_PROPOSE;
  req.decision_propose = &dp;
  uint64_t dec = its_expect(f->mgr, &req, PCN__STATUS_CODE__OK)->decision->id;
  expect_badge(f, "decisions", "1");
  Pcn__DecisionVoteCast v = PCN__DECISION_VOTE_CAST__INIT;
  v.id = dec;
  v.choice = PCN__DECISION_CHOICE__DECISION_AGREE;
  v.reason = "";
  v.practice = "";
  req.body_case = PCN__REQUEST__BODY_DECISION_VOTE;
  req.decision_vote = &v;
  its_expect(f->jo, &req, PCN__STATUS_CODE__OK);
  expect_badge(f, "decisions", "");
}

static GtkWidget *size_win;
static int size_w, size_h;
/* The default size counts the client-side decorations' shadow, which
 * the window's own allocation does not: a few pixels each way. */
static int near(int got, int want) {
  return got <= want && got >= want - 24;
}
static int sized(fixture *f) {
  (void)f;
  return near(gtk_widget_get_width(size_win), size_w) &&
         near(gtk_widget_get_height(size_win), size_h);
}

static void resize(fixture *f, GtkWidget *win, int w, int h) {
  gtk_window_set_default_size(GTK_WINDOW(win), w, h);
  size_win = win;
  size_w = w;
  size_h = h;
  if (!spin_until(f, sized, 5000))
    fprintf(stderr, "the window is %dx%d, not %dx%d\n",
            gtk_widget_get_width(win), gtk_widget_get_height(win), w, h);
  assert_true(near(gtk_widget_get_width(win), w));
  spin_ms(100);
}

static int min_width(GtkWidget *w) {
  int min = 0, nat = 0;
  gtk_widget_measure(w, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  return min;
}

/* The window's minimum width with each page shown in turn; what each
 * page asks for itself is printed (the widest made the window 1301 px
 * before the pages scrolled in their pane). */
static void every_page_fits(GtkWidget *win) {
  GtkStack *stack = GTK_STACK(find_widget(win, GTK_TYPE_STACK, NULL));
  GListModel *pages = G_LIST_MODEL(gtk_stack_get_pages(stack));
  for (guint i = 0; i < g_list_model_get_n_items(pages); i++) {
    GtkStackPage *p = g_list_model_get_item(pages, i);
    const char *name = gtk_stack_page_get_name(p);
    gtk_stack_set_visible_child_name(stack, name);
    spin_ms(30);
    int page = min_width(gtk_stack_page_get_child(p));
    int whole = min_width(win);
    printf("page %-10s asks for %4d px; the window's minimum is %d\n", name,
           page, whole);
    assert_true(whole <= 800);
    g_object_unref(p);
  }
  g_object_unref(pages);
  gtk_stack_set_visible_child_name(stack, "feed");
}

static void test_adaptive(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  AdwLeaflet *leaflet = ADW_LEAFLET(find_widget(win, ADW_TYPE_LEAFLET, NULL));
  assert_non_null(leaflet);
  resize(f, win, 1280, 800);
  assert_false(adw_leaflet_get_folded(leaflet));
  every_page_fits(win);
  resize(f, win, 1024, 768);
  assert_false(adw_leaflet_get_folded(leaflet));
  ask_jo(f); /* the screenshot shows a badge */
  expect_badge(f, "asks", "1");
  shot(win, "desktop-sidebar");
  resize(f, win, 800, 600);
  assert_true(adw_leaflet_get_folded(leaflet));
  every_page_fits(win);
  /* Folded: the page shows, with a back button to the sidebar; choosing
   * a row there goes on to its page. */
  GtkWidget *back = find_widget(win, GTK_TYPE_BUTTON, "Back to the pages");
  assert_non_null(back);
  assert_true(gtk_widget_get_visible(back));
  dtest_press(back);
  spin_ms(400);
  GtkWidget *lb = find_widget(win, GTK_TYPE_LIST_BOX, "Sidebar");
  assert_ptr_equal(
      adw_leaflet_get_visible_child(leaflet),
      gtk_widget_get_ancestor(gtk_widget_get_parent(gtk_widget_get_parent(lb)),
                              GTK_TYPE_BOX));
  g_signal_emit_by_name(lb, "row-activated", row_of(win, "asks"));
  spin_ms(400);
  GtkStack *stack = GTK_STACK(find_widget(win, GTK_TYPE_STACK, NULL));
  assert_string_equal(gtk_stack_get_visible_child_name(stack), "asks");
  assert_true(gtk_widget_is_ancestor(GTK_WIDGET(stack),
                                     adw_leaflet_get_visible_child(leaflet)));
  shot(win, "desktop-narrow");
  resize(f, win, 1280, 800);
  assert_false(adw_leaflet_get_folded(leaflet));
  assert_false(gtk_widget_get_visible(back));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_sidebar_per_role, dtest_setup,
                                      dtest_teardown),
      cmocka_unit_test_setup_teardown(test_badge_live, dtest_setup,
                                      dtest_teardown),
      cmocka_unit_test_setup_teardown(test_adaptive, dtest_setup,
                                      dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
