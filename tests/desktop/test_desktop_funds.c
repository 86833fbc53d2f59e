/* test_desktop_funds.c - the Funds page. Jo (practice manager at F84001)
 * sees the ledger and what each practice was paid; a receipt and a
 * distribution the PCN manager posts over the wire appear live, and Jo is
 * told of the money paid to her practice. Jo has no posting forms. The PCN
 * manager, in a second window, receives money and previews a split (the
 * server posts nothing) and then distributes it through the real widgets;
 * Jo's window follows. Every control on the page has a name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dtest.h"

static GtkWidget *watch_root;
static const char *watch_name, *watch_text;

/* Appends the text of every label under w. */
static void gather(GtkWidget *w, GString *out) {
  if (GTK_IS_LABEL(w)) {
    g_string_append(out, gtk_label_get_text(GTK_LABEL(w)));
    g_string_append_c(out, '\n');
  }
  for (GtkWidget *c = gtk_widget_get_first_child(w); c;
       c = gtk_widget_get_next_sibling(c))
    gather(c, out);
}

static int says(GtkWidget *root, const char *name, const char *text) {
  GtkWidget *w = find_widget(root, 0, name);
  if (!w) return 0;
  if (!text) return 1;
  GString *s = g_string_new(NULL);
  gather(w, s);
  int hit = strstr(s->str, text) != NULL;
  g_string_free(s, TRUE);
  return hit;
}

static int watched(fixture *f) {
  (void)f;
  return says(watch_root, watch_name, watch_text);
}

/* Waits until the widget named name under root shows text (NULL: exists). */
static int wait_says(fixture *f, GtkWidget *root, const char *name,
                     const char *text) {
  watch_root = root;
  watch_name = name;
  watch_text = text;
  return spin_until(f, watched, 8000);
}

static void show_page(GtkWidget *win, const char *page) {
  gtk_stack_set_visible_child_name(
      GTK_STACK(find_widget(win, GTK_TYPE_STACK, NULL)), page);
  spin_ms(50);
}

static void click(GtkWidget *root, const char *name) {
  GtkWidget *b = find_widget(root, GTK_TYPE_BUTTON, name);
  if (!b) fail_msg("no button %s", name);
  dtest_press(b);
}

static unsigned notices_seen;
static int new_notice(fixture *f) {
  return pcn_desk_notices(f->d, NULL) > notices_seen;
}

/* Every button, entry, drop-down, check box and text view under w has a
 * name a screen reader can say. */
static int unnamed(GtkWidget *w) {
  int n = 0;
  if (gtk_widget_get_visible(w) &&
      (GTK_IS_BUTTON(w) || GTK_IS_ENTRY(w) || GTK_IS_DROP_DOWN(w) ||
       GTK_IS_CHECK_BUTTON(w) || GTK_IS_TEXT_VIEW(w)) &&
      !gtk_widget_get_ancestor(gtk_widget_get_parent(w), GTK_TYPE_DROP_DOWN)) {
    GtkAccessible *a = GTK_ACCESSIBLE(w);
    int ok =
        gtk_test_accessible_has_property(a, GTK_ACCESSIBLE_PROPERTY_LABEL) ||
        gtk_test_accessible_has_relation(a,
                                         GTK_ACCESSIBLE_RELATION_LABELLED_BY) ||
        (GTK_IS_BUTTON(w) && gtk_button_get_label(GTK_BUTTON(w))) ||
        (GTK_IS_CHECK_BUTTON(w) &&
         gtk_check_button_get_label(GTK_CHECK_BUTTON(w)));
    if (!ok) {
      fprintf(stderr, "no accessible name: %s '%s'\n", G_OBJECT_TYPE_NAME(w),
              gtk_widget_get_name(w));
      n++;
    }
  }
  if (GTK_IS_ENTRY(w)) return n;
  for (GtkWidget *c = gtk_widget_get_first_child(w); c;
       c = gtk_widget_get_next_sibling(c))
    n += unnamed(c);
  return n;
}

static pcn_desk *open_manager_window(fixture *f) {
  char dir[400];
  snprintf(dir, sizeof dir, "%s/mgr-config", f->s->dir);
  setenv("XDG_CONFIG_HOME", dir, 1);
  pcn_config cfg;
  memset(&cfg, 0, sizeof cfg);
  snprintf(cfg.server, sizeof cfg.server, "%s", f->s->addr);
  snprintf(cfg.username, sizeof cfg.username, "manager");
  snprintf(cfg.token, sizeof cfg.token, "%s", f->mgr->token);
  cfg.ca_pem = f->s->ca_pem;
  char err[300];
  assert_int_equal(pcn_config_save(&cfg, err, sizeof err), 0);
  pcn_desk *m = pcn_desk_new(GTK_APPLICATION(f->app));
  setenv("XDG_CONFIG_HOME", f->cfgdir, 1);
  gtk_window_present(pcn_desk_window(m));
  return m;
}

static const Pcn__FundsLedgerPage *ledger(its_member *m) {
  Pcn__FundsLedger l = PCN__FUNDS_LEDGER__INIT;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_LEDGER;
  r.funds_ledger = &l;
  return its_expect(m, &r, PCN__STATUS_CODE__OK)->funds_ledger_page;
}

static void test_funds(void **state) {
  fixture *f = *state;
  GtkWidget *jo_win = GTK_WIDGET(pcn_desk_window(f->d));
  its_add_practice(f->mgr, "F84002", "Hill Street", 8000);
  Pcn__Request r = PCN__REQUEST__INIT;
  Pcn__FundsFiguresSet fs = PCN__FUNDS_FIGURES_SET__INIT;
  fs.applies_from = "2027-04-01";
  fs.practice = "F84001";
  fs.list_size = 12000;
  fs.weighted = 13000;
  r.body_case = PCN__REQUEST__BODY_FUNDS_FIGURES_SET;
  r.funds_figures_set = &fs;
  its_expect(f->mgr, &r, PCN__STATUS_CODE__OK);
  fs.practice = "F84002";
  fs.list_size = 8000;
  fs.weighted = 7000;
  its_expect(f->mgr, &r, PCN__STATUS_CODE__OK);

  show_page(jo_win, "funds");
  assert_true(wait_says(f, jo_win, "Funds summary", "The network holds £0.00"));
  assert_true(says(jo_win, "Ledger", "No entries in the ledger yet."));
  /* Posting is the PCN manager's: Jo has no forms. */
  GtkWidget *post = find_widget(jo_win, 0, "Post to the ledger");
  assert_non_null(post);
  assert_false(gtk_widget_get_visible(post));

  /* The manager receives and distributes over the wire: live in Jo's
   * window, and Jo is told of her practice's part. */
  Pcn__FundsReceive rc = PCN__FUNDS_RECEIVE__INIT;
  rc.stream = "core";
  rc.pence = 2500000;
  rc.date = "2027-04-03";
  rc.reference = "REM-0427";
  r.body_case = PCN__REQUEST__BODY_FUNDS_RECEIVE;
  r.funds_receive = &rc;
  its_expect(f->mgr, &r, PCN__STATUS_CODE__OK);
  assert_true(
      wait_says(f, jo_win, "Ledger entry 1", "Receipt · core · £25,000.00"));
  assert_true(wait_says(f, jo_win, "Funds summary", "holds £25,000.00"));
  notices_seen = pcn_desk_notices(f->d, NULL);
  Pcn__FundsDistribute ds = PCN__FUNDS_DISTRIBUTE__INIT;
  ds.stream = "core";
  ds.pence = 1000001;
  ds.date = "2027-04-15";
  ds.split = PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE;
  r.body_case = PCN__REQUEST__BODY_FUNDS_DISTRIBUTE;
  r.funds_distribute = &ds;
  its_expect(f->mgr, &r, PCN__STATUS_CODE__OK);
  assert_true(wait_says(f, jo_win, "Ledger entry 2", "F84001 £6,000.01"));
  assert_true(says(jo_win, "Ledger entry 2", "F84002 £4,000.00"));
  assert_true(
      wait_says(f, jo_win, "Balance F84001 core", "F84001 · core: £6,000.01"));
  assert_true(says(jo_win, "Balance F84002 core", "£4,000.00"));
  assert_true(spin_until(f, new_notice, 8000));
  const char *last;
  pcn_desk_notices(f->d, &last);
  assert_non_null(strstr(last, "Money distributed to your practice"));
  assert_non_null(strstr(last, "£6,000.01"));
  spin_ms(200);
  shot(jo_win, "desktop-funds");
  assert_int_equal(unnamed(find_widget(jo_win, 0, "Funds page")), 0);

  /* The PCN manager's window: the forms. */
  pcn_desk *md = open_manager_window(f);
  GtkWidget *mgr_win = GTK_WIDGET(pcn_desk_window(md));
  show_page(mgr_win, "funds");
  assert_true(wait_says(f, mgr_win, "Ledger entry 2", "Distribution"));
  post = find_widget(mgr_win, 0, "Post to the ledger");
  assert_true(gtk_widget_get_visible(post));
  assert_int_equal(unnamed(find_widget(mgr_win, 0, "Funds page")), 0);
  type_text(find_widget(post, GTK_TYPE_ENTRY, "Receive amount"), "1,234.56");
  type_text(find_widget(post, GTK_TYPE_ENTRY, "Receive date"), "2027-04-20");
  type_text(find_widget(post, GTK_TYPE_ENTRY, "Receive reference"), "IIF-Q1");
  dtest_pick(find_widget(post, GTK_TYPE_DROP_DOWN, "Receive stream"), "iif");
  click(post, "Receive");
  assert_true(
      wait_says(f, jo_win, "Ledger entry 3", "Receipt · iif · £1,234.56"));
  assert_true(says(mgr_win, "Funds note", "Posted entry 3"));

  /* A preview shows the split and posts nothing; then it is posted. */
  type_text(find_widget(post, GTK_TYPE_ENTRY, "Distribute amount"), "1,234.56");
  type_text(find_widget(post, GTK_TYPE_ENTRY, "Distribute date"), "2027-04-21");
  dtest_pick(find_widget(post, GTK_TYPE_DROP_DOWN, "Distribute stream"), "iif");
  dtest_pick(find_widget(post, GTK_TYPE_DROP_DOWN, "Split"),
             "By weighted population");
  click(post, "Preview split");
  /* 13000:7000 of 1,234.56: 802.464 and 432.096; the odd penny goes to
   * the larger remainder, F84002. */
  assert_true(wait_says(f, mgr_win, "Split preview", "F84001  £802.46"));
  assert_true(says(mgr_win, "Split preview", "F84002  £432.10"));
  assert_int_equal(ledger(f->mgr)->n_entries, 3);
  spin_ms(200);
  shot(mgr_win, "desktop-funds-manager");
  click(post, "Distribute");
  assert_true(wait_says(f, jo_win, "Ledger entry 4", "F84001 £802.46"));
  assert_int_equal(ledger(f->mgr)->n_entries, 4);
  assert_true(wait_says(f, jo_win, "Balance F84001 iif", "£802.46"));

  gtk_window_destroy(GTK_WINDOW(mgr_win));
  pcn_desk_free(md);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_funds, dtest_setup, dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
