/* test_desktop_duties.c - the Responsibilities page. Jo (practice manager
 * at F84001) sees the default register with every practice's state;
 * agrees one entry from its row and then all that are pending with the
 * real buttons (the server records both); sees Pat's agreement at F84002
 * and the PCN manager's changes arrive live; is told when an entry her
 * practice had agreed is changed and must be agreed again; sees a review
 * due flagged. The PCN manager, in a second window, edits an entry
 * through the form. Pat disagrees with an entry and Jo sees it, with the
 * reason, live; Jo disagrees through the row's form, then changes her
 * mind with the row's Agree. Every control on the page has a name.
 * Issue 19: practices by name (the code in the tooltip); "Agree all
 * pending" asks first, listing the titles and how many: Cancel agrees
 * nothing on the server, Agree agrees them all; the review date is typed
 * as "9/12/2031" and lands on the server as 2031-12-09.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dtest.h"
#include "uktime.h"
#include "validate.h"

/* Over the wire, as another client sees it. */
static const Pcn__DutyRegister *reg(its_member *m) {
  Pcn__DutyList l = PCN__DUTY_LIST__INIT;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DUTY_LIST;
  r.duty_list = &l;
  return its_expect(m, &r, PCN__STATUS_CODE__OK)->duty_register;
}

static size_t agreed_by(its_member *m, const char *ods, uint64_t *one) {
  const Pcn__DutyRegister *g = reg(m);
  size_t n = 0;
  for (size_t i = 0; i < g->n_agreements; i++)
    if (!strcmp(g->agreements[i]->practice, ods)) {
      n++;
      if (one) *one = g->agreements[i]->duty_id;
    }
  return n;
}

static size_t disagreements_of(its_member *m, const char *ods) {
  const Pcn__DutyRegister *g = reg(m);
  size_t n = 0;
  for (size_t i = 0; i < g->n_disagreements; i++)
    n += !strcmp(g->disagreements[i]->practice, ods);
  return n;
}

static unsigned notices_seen;
static int new_notice(fixture *f) {
  return pcn_desk_notices(f->d, NULL) > notices_seen;
}

static void test_duties(void **state) {
  fixture *f = *state;
  GtkWidget *jo_win = GTK_WIDGET(pcn_desk_window(f->d));
  its_add_practice(f->mgr, "F84002", "Hill Street", 8000);
  its_member *pat = its_add_member(f->s, f->mgr, "pat",
                                   PCN__ROLE__PRACTICE_MANAGER, "F84002");

  /* The default register, every practice pending. */
  dtest_show_page(jo_win, "duties");
  assert_true(dtest_wait_says(f, jo_win, "Entry 14", "Hill Street pending"));
  assert_true(dtest_says(jo_win, "Entry 1", "ARRS recruitment and claims"));
  assert_true(dtest_says(jo_win, "Entry 1", "Owner: PCN manager"));
  assert_true(dtest_says(jo_win, "Entry 1", "Riverside Surgery pending"));
  assert_true(dtest_says(jo_win, "Responsibilities page",
                         "Riverside Surgery has agreed 0 of 14"));
  assert_null(find_widget(jo_win, GTK_TYPE_BUTTON, "Edit 1")); /* not hers */

  /* Jo agrees entry 1 from its row; the server has it. */
  dtest_click(jo_win, "Agree 1");
  assert_true(
      dtest_wait_says(f, jo_win, "Entry 1", "Riverside Surgery agreed"));
  uint64_t which = 0;
  assert_int_equal(agreed_by(f->mgr, "F84001", &which), 1);
  assert_int_equal(which, 1);
  assert_null(find_widget(jo_win, GTK_TYPE_BUTTON, "Agree 1"));

  /* Pat agrees over the wire: it shows live in Jo's window. */
  Pcn__DutyVersion v = PCN__DUTY_VERSION__INIT, *vp = &v;
  v.id = 1;
  Pcn__DutyAgree a = PCN__DUTY_AGREE__INIT;
  a.practice = "";
  a.n_entries = 1;
  a.entries = &vp;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_DUTY_AGREE;
  r.duty_agree = &a;
  its_expect(pat, &r, PCN__STATUS_CODE__OK);
  assert_true(dtest_wait_says(f, jo_win, "Entry 1", "Hill Street agreed"));

  /* Agree all pending asks first, listing the other thirteen by title;
   * Cancel agrees nothing. */
  dtest_click(jo_win, "Agree all pending");
  GtkWidget *dlg = dtest_window_named("Confirm");
  assert_non_null(dlg);
  assert_true(dtest_label_under(dlg, "Agree 13 responsibilities?"));
  assert_true(dtest_label_under(dlg, "Enhanced access rota"));
  assert_true(dtest_label_under(dlg, "IIF and CAIP reporting"));
  assert_false(dtest_label_under(dlg, "ARRS recruitment and claims"));
  spin_ms(200);
  shot(dlg, "desktop-agree-all");
  dtest_click(dlg, "Cancel");
  spin_ms(400);
  assert_int_equal(agreed_by(f->mgr, "F84001", NULL), 1);
  assert_true(dtest_says(jo_win, "Entry 14", "Riverside Surgery pending"));
  /* Agree in the dialog: all thirteen. */
  dtest_click(jo_win, "Agree all pending");
  dlg = dtest_window_named("Confirm");
  assert_non_null(dlg);
  dtest_click(dlg, "Agree 13");
  assert_true(
      dtest_wait_says(f, jo_win, "Entry 14", "Riverside Surgery agreed"));
  assert_int_equal(agreed_by(f->mgr, "F84001", NULL), 14);
  assert_true(
      dtest_wait_says(f, jo_win, "Responsibilities page",
                      "Riverside Surgery has agreed 14 of 14 entries."));

  /* The PCN manager changes entry 2: Jo is told, and it is hers to agree
   * again; entry 1 stays agreed. */
  notices_seen = pcn_desk_notices(f->d, NULL);
  Pcn__DutyUpdate u = PCN__DUTY_UPDATE__INIT;
  u.id = 2;
  u.version = 1;
  u.has_owner_does_case = PCN__DUTY_UPDATE__HAS_OWNER_DOES_OWNER_DOES;
  u.owner_does = "The PCN manager reports IIF; practices code it.";
  r.body_case = PCN__REQUEST__BODY_DUTY_UPDATE;
  r.duty_update = &u;
  its_expect(f->mgr, &r, PCN__STATUS_CODE__OK);
  assert_true(spin_until(f, new_notice, 8000));
  const char *last;
  pcn_desk_notices(f->d, &last);
  assert_non_null(strstr(last, "agree it again"));
  assert_non_null(strstr(last, "IIF and CAIP reporting"));
  assert_true(
      dtest_wait_says(f, jo_win, "Entry 2", "Riverside Surgery pending"));
  assert_true(dtest_says(jo_win, "Entry 2", "practices code it"));
  assert_non_null(find_widget(jo_win, GTK_TYPE_BUTTON, "Agree 2"));
  assert_true(dtest_says(jo_win, "Entry 1", "Riverside Surgery agreed"));

  /* A new entry reviewed today: due at once, and Jo is asked to agree. */
  char today[11];
  snprintf(today, sizeof today, "%s", reg(f->mgr)->today);
  notices_seen = pcn_desk_notices(f->d, NULL);
  Pcn__DutyAdd add = PCN__DUTY_ADD__INIT;
  add.title = "Flu campaign";
  add.owner = PCN__DUTY_OWNER__DUTY_SHARED;
  add.owner_does = "The PCN manager books the clinics; practices call.";
  add.review_date = today;
  r.body_case = PCN__REQUEST__BODY_DUTY_ADD;
  r.duty_add = &add;
  its_expect(f->mgr, &r, PCN__STATUS_CODE__OK);
  assert_true(dtest_wait_says(f, jo_win, "Entry 15", "Review due"));
  assert_true(spin_until(f, new_notice, 8000));
  pcn_desk_notices(f->d, &last);
  assert_non_null(strstr(last, "Flu campaign"));
  assert_true(
      dtest_says(jo_win, "Responsibilities page", "1 is due for review"));
  spin_ms(200);
  shot(jo_win, "desktop-duties");
  assert_int_equal(
      dtest_unnamed(find_widget(jo_win, 0, "Responsibilities page")), 0);

  /* The PCN manager edits entry 3 in the form of their own window. */
  pcn_desk *md = dtest_open_manager(f);
  GtkWidget *mgr_win = GTK_WIDGET(pcn_desk_window(md));
  dtest_show_page(mgr_win, "duties");
  assert_true(dtest_wait_says(f, mgr_win, "Entry 3", "Enhanced access rota"));
  assert_null(find_widget(mgr_win, GTK_TYPE_BUTTON, "Agree 3"));
  dtest_click(mgr_win, "Edit 3");
  GtkWidget *form = dtest_window_named("Edit entry");
  assert_non_null(form);
  assert_int_equal(dtest_unnamed(form), 0);
  char later[11];
  int32_t day;
  assert_int_equal(pcn_date_parse(today, &day), 0);
  pcn_date_format(day + 100, later);
  /* Typed as people in England write it: day/month/year. */
  int64_t ly;
  int lm, ld;
  pcn_civil_from_days(day + 100, &ly, &lm, &ld);
  char typed[16], later_words[32];
  snprintf(typed, sizeof typed, "%d/%d/%lld", ld, lm, (long long)ly);
  pcn_date_words(day + 100, pcn_date_today(), 0, 1, later_words,
                 sizeof later_words);
  type_text(find_widget(form, GTK_TYPE_ENTRY, "Review date"), typed);
  shot(form, "desktop-duty-edit");
  dtest_click(form, "Save");
  assert_true(dtest_wait_says(f, jo_win, "Entry 3", later_words));
  /* A new review date alone is bookkeeping (issue 20): Jo's agreement
   * stands, and she is not asked to agree again. */
  assert_true(dtest_says(jo_win, "Entry 3", "Riverside Surgery agreed"));
  assert_null(find_widget(jo_win, GTK_TYPE_BUTTON, "Agree 3"));
  const Pcn__DutyRegister *g = reg(f->mgr);
  for (size_t i = 0; i < g->n_duties; i++)
    if (g->duties[i]->id == 3) {
      assert_int_equal(g->duties[i]->version, 2);
      assert_string_equal(g->duties[i]->review_date, later);
      assert_string_equal(g->duties[i]->title, "Enhanced access rota");
    }
  assert_null(dtest_window_named("Edit entry"));

  /* Pat disagrees with entry 5 over the wire: Jo sees it, and why. */
  Pcn__DutyDisagree x = PCN__DUTY_DISAGREE__INIT;
  x.practice = "";
  x.id = 5;
  x.reason = "We cannot staff a DES return this year";
  r.body_case = PCN__REQUEST__BODY_DUTY_DISAGREE;
  r.duty_disagree = &x;
  its_expect(pat, &r, PCN__STATUS_CODE__OK);
  assert_true(dtest_wait_says(f, jo_win, "Entry 5", "Hill Street disagrees"));
  assert_true(dtest_says(jo_win, "Disagreements 5", "Hill Street disagrees"));
  assert_true(dtest_says(jo_win, "Disagreements 5", "We cannot staff"));

  /* Jo disagrees with entry 6 (which she had agreed) through its form. */
  dtest_click(jo_win, "Disagree 6");
  GtkWidget *dform = dtest_window_named("Disagree with entry");
  assert_non_null(dform);
  assert_int_equal(dtest_unnamed(dform), 0);
  type_text(find_widget(dform, GTK_TYPE_ENTRY, "Reason"),
            "HR for network staff sits with the employing practice");
  shot(dform, "desktop-duty-disagree");
  dtest_click(dform, "Disagree");
  assert_true(
      dtest_wait_says(f, jo_win, "Entry 6", "Riverside Surgery disagrees"));
  assert_true(dtest_says(jo_win, "Disagreements 6", "employing practice"));
  assert_int_equal(disagreements_of(f->mgr, "F84001"), 1);
  assert_true(dtest_says(jo_win, "Responsibilities page", "disagrees with 1"));
  assert_null(dtest_window_named("Disagree with entry"));
  /* ... and changes her mind: the row's Agree withdraws it. */
  dtest_click(jo_win, "Agree 6");
  assert_true(
      dtest_wait_says(f, jo_win, "Entry 6", "Riverside Surgery agreed"));
  assert_int_equal(disagreements_of(f->mgr, "F84001"), 0);
  assert_null(find_widget(jo_win, 0, "Disagreements 6"));
  assert_int_equal(
      dtest_unnamed(find_widget(jo_win, 0, "Responsibilities page")), 0);

  gtk_window_destroy(GTK_WINDOW(mgr_win));
  pcn_desk_free(md);
  its_member_free(pat);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_duties, dtest_setup, dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
