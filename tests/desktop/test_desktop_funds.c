/* test_desktop_funds.c - the Funds page. Jo (practice manager at F84001)
 * sees the ledger and what each practice was paid; a receipt and a
 * distribution the PCN manager posts over the wire appear live, and Jo is
 * told of the money paid to her practice. Jo has no posting forms. The PCN
 * manager, in a second window, is offered a stream added over the wire at
 * once, receives money and previews a split (the
 * server posts nothing) and then distributes it through the real widgets;
 * Jo's window follows. Every control on the page has a name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dtest.h"
#include "words.h"

static unsigned notices_seen;
static int new_notice(fixture *f) {
  return pcn_desk_notices(f->d, NULL) > notices_seen;
}

/* Whether the stream picker being watched offers "estates". */
static GtkWidget *picker;
static int offers_estates(fixture *f) {
  (void)f;
  GListModel *m = gtk_drop_down_get_model(GTK_DROP_DOWN(picker));
  for (guint i = 0; i < g_list_model_get_n_items(m); i++)
    if (!strcmp(gtk_string_list_get_string(GTK_STRING_LIST(m), i), "estates"))
      return 1;
  return 0;
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

  dtest_show_page(jo_win, "funds");
  assert_true(
      dtest_wait_says(f, jo_win, "Funds summary", "The network holds £0.00"));
  assert_true(dtest_says(jo_win, "Ledger", "No entries in the ledger yet"));
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
  assert_true(dtest_wait_says(f, jo_win, "Ledger entry 1",
                              "Receipt · Core PCN funding · £25,000.00"));
  assert_true(dtest_wait_says(f, jo_win, "Funds summary", "holds £25,000.00"));
  notices_seen = pcn_desk_notices(f->d, NULL);
  Pcn__FundsDistribute ds = PCN__FUNDS_DISTRIBUTE__INIT;
  ds.stream = "core";
  ds.pence = 1000001;
  ds.date = "2027-04-15";
  ds.split = PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE;
  r.body_case = PCN__REQUEST__BODY_FUNDS_DISTRIBUTE;
  r.funds_distribute = &ds;
  its_expect(f->mgr, &r, PCN__STATUS_CODE__OK);
  assert_true(dtest_wait_says(f, jo_win, "Ledger entry 2",
                              "Riverside Surgery £6,000.01"));
  assert_true(dtest_says(jo_win, "Ledger entry 2", "Hill Street £4,000.00"));
  assert_true(
      dtest_wait_says(f, jo_win, "Balance F84001 core",
                      "Riverside Surgery · Core PCN funding: £6,000.01"));
  assert_true(dtest_says(jo_win, "Balance F84002 core", "£4,000.00"));
  assert_true(spin_until(f, new_notice, 8000));
  const char *last;
  pcn_desk_notices(f->d, &last);
  assert_non_null(strstr(last, "Money distributed to your practice"));
  /* The stream by name and the day in words, no code or entry number
   * (issue 19). */
  char dated[24], said[120];
  desk_date_words("2027-04-15", dated, sizeof dated, DESK_DATE_WEEKDAY);
  snprintf(said, sizeof said, "£6,000.01 of Core PCN funding, dated %s", dated);
  if (!strstr(last, said)) fail_msg("the notice says '%s'", last);
  spin_ms(200);
  shot(jo_win, "desktop-funds");
  assert_int_equal(dtest_unnamed(find_widget(jo_win, 0, "Funds page")), 0);

  /* The PCN manager's window: the forms. */
  pcn_desk *md = dtest_open_manager(f);
  GtkWidget *mgr_win = GTK_WIDGET(pcn_desk_window(md));
  dtest_show_page(mgr_win, "funds");
  assert_true(dtest_wait_says(f, mgr_win, "Ledger entry 2", "Distribution"));
  post = find_widget(mgr_win, 0, "Post to the ledger");
  assert_true(gtk_widget_get_visible(post));
  assert_int_equal(dtest_unnamed(find_widget(mgr_win, 0, "Funds page")), 0);
  /* A stream the PCN manager adds over the wire is offered at once. */
  picker = find_widget(post, GTK_TYPE_DROP_DOWN, "Receive stream");
  /* The stream shown from the start is named too, though the names came
   * after the picker was drawn (its button binds again). */
  assert_true(dtest_label_under(gtk_widget_get_first_child(picker),
                                "Core PCN funding"));
  assert_false(offers_estates(f));
  Pcn__FundsStreamAdd sa = PCN__FUNDS_STREAM_ADD__INIT;
  sa.code = "estates";
  sa.name = "Estates grant";
  r.body_case = PCN__REQUEST__BODY_FUNDS_STREAM_ADD;
  r.funds_stream_add = &sa;
  its_expect(f->mgr, &r, PCN__STATUS_CODE__OK);
  assert_true(spin_until(f, offers_estates, 8000));
  /* By its name, not its code (issue 19), once picked. */
  dtest_pick(picker, "estates");
  spin_ms(100);
  assert_true(dtest_label_under(picker, "Estates grant"));
  assert_false(dtest_label_under(picker, "estates"));
  /* What cannot be read is said under its field, and nothing is sent
   * (issue 19): the ledger still has two entries. */
  type_text(find_widget(post, GTK_TYPE_ENTRY, "Receive amount"), "lots");
  type_text(find_widget(post, GTK_TYPE_ENTRY, "Receive date"), "20/4/2027");
  dtest_click(post, "Receive");
  GtkWidget *amount_err =
      find_widget(post, GTK_TYPE_LABEL, "Receive amount error");
  assert_non_null(amount_err);
  assert_true(gtk_widget_get_visible(amount_err));
  assert_true(dtest_says(post, "Receive amount error", "pounds and pence"));
  type_text(find_widget(post, GTK_TYPE_ENTRY, "Receive amount"), "1,234.56");
  type_text(find_widget(post, GTK_TYPE_ENTRY, "Receive date"), "31/2/2027");
  dtest_click(post, "Receive");
  assert_false(gtk_widget_get_visible(amount_err));
  assert_true(gtk_widget_get_visible(
      find_widget(post, GTK_TYPE_LABEL, "Receive date error")));
  spin_ms(300);
  assert_null(find_widget(jo_win, 0, "Ledger entry 3"));
  /* Dates typed as people in England write them (issue 19). */
  type_text(find_widget(post, GTK_TYPE_ENTRY, "Receive date"), "20/4/2027");
  type_text(find_widget(post, GTK_TYPE_ENTRY, "Receive reference"), "IIF-Q1");
  dtest_pick(find_widget(post, GTK_TYPE_DROP_DOWN, "Receive stream"), "iif");
  dtest_click(post, "Receive");
  assert_true(dtest_wait_says(f, jo_win, "Ledger entry 3",
                              "Receipt · IIF · £1,234.56"));
  assert_true(dtest_says(mgr_win, "Funds note", "Posted entry 3"));
  assert_true(
      dtest_says(jo_win, "Ledger entry 3", "3 · 20 Apr 2027 · Receipt"));

  /* A preview shows the split and posts nothing; then it is posted. */
  type_text(find_widget(post, GTK_TYPE_ENTRY, "Distribute amount"), "1,234.56");
  type_text(find_widget(post, GTK_TYPE_ENTRY, "Distribute date"), "2027-04-21");
  dtest_pick(find_widget(post, GTK_TYPE_DROP_DOWN, "Distribute stream"), "iif");
  dtest_pick(find_widget(post, GTK_TYPE_DROP_DOWN, "Split"),
             "By weighted population");
  dtest_click(post, "Preview split");
  /* 13000:7000 of 1,234.56: 802.464 and 432.096; the odd penny goes to
   * the larger remainder, F84002. */
  assert_true(dtest_wait_says(f, mgr_win, "Split preview",
                              "Riverside Surgery  £802.46"));
  assert_true(dtest_says(mgr_win, "Split preview", "Hill Street  £432.10"));
  assert_int_equal(ledger(f->mgr)->n_entries, 3);
  spin_ms(200);
  shot(mgr_win, "desktop-funds-manager");
  dtest_click(post, "Distribute");
  assert_true(dtest_wait_says(f, jo_win, "Ledger entry 4",
                              "Riverside Surgery £802.46"));
  assert_int_equal(ledger(f->mgr)->n_entries, 4);
  assert_true(dtest_wait_says(f, jo_win, "Balance F84001 iif", "£802.46"));

  /* The stream's saved rule (issue 20): 10% of £300.00 kept, the rest by
   * list size 12000:8000 -> £162.00 and £108.00; every member reads the
   * top slice on the ledger entry. */
  Pcn__FundsReceive more = PCN__FUNDS_RECEIVE__INIT;
  more.stream = "iif";
  more.pence = 30000;
  more.date = "2027-04-21";
  r.body_case = PCN__REQUEST__BODY_FUNDS_RECEIVE;
  r.funds_receive = &more;
  its_expect(f->mgr, &r, PCN__STATUS_CODE__OK);
  Pcn__FundsRuleSet rs = PCN__FUNDS_RULE_SET__INIT;
  rs.stream = "iif";
  rs.split = PCN__FUNDS_SPLIT__FUNDS_SPLIT_LIST_SIZE;
  rs.top_slice_bp = 1000;
  r.body_case = PCN__REQUEST__BODY_FUNDS_RULE_SET;
  r.funds_rule_set = &rs;
  its_expect(f->mgr, &r, PCN__STATUS_CODE__OK);
  type_text(find_widget(post, GTK_TYPE_ENTRY, "Distribute amount"), "300");
  dtest_pick(find_widget(post, GTK_TYPE_DROP_DOWN, "Split"),
             "By the stream's rule");
  dtest_click(post, "Preview split");
  assert_true(dtest_wait_says(f, mgr_win, "Split preview",
                              "Riverside Surgery  £162.00"));
  assert_true(dtest_says(mgr_win, "Split preview",
                         "Kept for the network's costs  £30.00"));
  dtest_click(post, "Distribute");
  assert_true(dtest_wait_says(f, jo_win, "Ledger entry 6",
                              "£30.00 kept by the network for its own "
                              "costs"));

  /* A mistaken entry is reversed from its row (issue 19): Jo (who may
   * not post) is offered nothing; the PCN manager's window asks first,
   * naming the entry, and Cancel sends nothing; then the reason is asked
   * for, and Reverse posts the opposite. */
  assert_null(find_widget(jo_win, GTK_TYPE_BUTTON, "Reverse entry 3"));
  GtkWidget *rev = find_widget(mgr_win, GTK_TYPE_BUTTON, "Reverse entry 3");
  assert_non_null(rev);
  dtest_press(rev);
  GtkWidget *form = dtest_window_named("Reverse an entry");
  assert_non_null(form);
  assert_true(dtest_label_under(form, "Entry 3: Receipt of £1,234.56, IIF"));
  dtest_click(find_widget(form, ADW_TYPE_HEADER_BAR, NULL), "Cancel");
  spin_ms(300);
  assert_null(dtest_window_named("Reverse an entry"));
  assert_int_equal(ledger(f->mgr)->n_entries, 6);
  dtest_press(find_widget(mgr_win, GTK_TYPE_BUTTON, "Reverse entry 3"));
  form = dtest_window_named("Reverse an entry");
  dtest_click(find_widget(form, ADW_TYPE_HEADER_BAR, NULL), "Reverse");
  assert_true(dtest_label_under(form, "Say why it is reversed"));
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Reverse reason"),
            "Received twice");
  /* The server refuses (the money was distributed since): its words show
   * in the window, which stays open. */
  dtest_click(find_widget(form, ADW_TYPE_HEADER_BAR, NULL), "Reverse");
  assert_true(dtest_wait_says(f, form, NULL, "The network holds only"));
  assert_int_equal(ledger(f->mgr)->n_entries, 6);
  dtest_click(find_widget(form, ADW_TYPE_HEADER_BAR, NULL), "Cancel");
  spin_ms(200);
  /* The distribution, then: its money goes back to the network. */
  dtest_press(find_widget(mgr_win, GTK_TYPE_BUTTON, "Reverse entry 6"));
  form = dtest_window_named("Reverse an entry");
  assert_non_null(form);
  assert_true(dtest_label_under(form, "Entry 6: Distribution of £"));
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Reverse reason"),
            "Split by the wrong rule");
  spin_ms(200);
  shot(form, "desktop-reverse-entry");
  dtest_click(find_widget(form, ADW_TYPE_HEADER_BAR, NULL), "Reverse");
  assert_true(dtest_wait_says(f, jo_win, "Ledger entry 7", "Reversal"));
  const Pcn__FundsLedgerPage *lp = ledger(f->mgr);
  assert_int_equal(lp->entries[0]->reverses, 6);
  assert_string_equal(lp->entries[0]->note, "Split by the wrong rule");
  assert_null(dtest_window_named("Reverse an entry"));
  spin_ms(200);
  /* Reversed once: the row offers it no more, nor the reversal's. */
  assert_null(find_widget(mgr_win, GTK_TYPE_BUTTON, "Reverse entry 6"));
  assert_null(find_widget(mgr_win, GTK_TYPE_BUTTON, "Reverse entry 7"));
  assert_non_null(find_widget(mgr_win, GTK_TYPE_BUTTON, "Reverse entry 3"));

  gtk_window_destroy(GTK_WINDOW(mgr_win));
  pcn_desk_free(md);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_funds, dtest_setup, dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
