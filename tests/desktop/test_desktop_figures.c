/* test_desktop_figures.c - one history of figures per practice, as a
 * practice manager sees it in the desktop app (issue 13). Jo's Practices
 * page shows Riverside's list size as added (12000), then, live, the
 * figure the PCN manager records with funds figures (from last Tuesday)
 * and the one practice update records (today), each with its date in
 * words. The equity page over last week, whose figures start on its
 * Tuesday, shows both localities and says which figures it used: those in
 * force on the period's last day.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "dtest.h"
#include "validate.h"
#include "words.h"
#include "workdays.h"

static GListModel *model;
static const char *want_key, *want_sub;

static int has_row(fixture *f) {
  (void)f;
  for (guint i = 0; i < g_list_model_get_n_items(model); i++) {
    PcnRecordRow *r = g_list_model_get_item(model, i);
    int hit = !strcmp(pcn_record_row_key(r), want_key) &&
              strstr(pcn_record_row_subtitle(r), want_sub);
    g_object_unref(r);
    if (hit) return 1;
  }
  return 0;
}

static int wait_row(fixture *f, GListModel *m, const char *key,
                    const char *sub) {
  model = m;
  want_key = key;
  want_sub = sub;
  return spin_until(f, has_row, 8000);
}

static void figures(its_member *m, const char *ods, const char *from,
                    uint32_t list, const char *locality) {
  Pcn__FundsFiguresSet fs = PCN__FUNDS_FIGURES_SET__INIT;
  fs.practice = (char *)ods;
  fs.applies_from = (char *)from;
  fs.list_size = list;
  fs.weighted = list;
  fs.locality = (char *)locality;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_FUNDS_FIGURES_SET;
  r.funds_figures_set = &fs;
  its_expect(m, &r, PCN__STATUS_CODE__OK);
}

static void test_figures(void **state) {
  fixture *f = *state;
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  GListModel *practices = pcn_desk_practices(f->d);
  dtest_show_page(win, "practices");
  assert_true(wait_row(f, practices, "F84001", "12000 registered patients"));

  /* Last week: Monday to Friday, its figures from Tuesday. */
  int32_t today = (int32_t)(pcn_now_ms() / 86400000);
  int32_t monday = today - (pcn_weekday(today) + 6) % 7 - 7;
  char mon[11], tue[11], fri[11], now[11], want[120];
  pcn_date_format(monday, mon);
  pcn_date_format(monday + 1, tue);
  pcn_date_format(monday + 4, fri);
  pcn_date_format(today, now);

  /* Live: funds figures change the list size Jo sees, with its date. */
  its_add_practice(f->mgr, "F84002", "Hill Street", 8000);
  figures(f->mgr, "F84001", tue, 9000, "North");
  figures(f->mgr, "F84002", tue, 9000, "South");
  /* The figure's date in words (issue 19). */
  char tue_w[24], now_w[24];
  desk_date_words(tue, tue_w, sizeof tue_w, DESK_DATE_YEAR);
  desk_date_words(now, now_w, sizeof now_w, DESK_DATE_YEAR);
  snprintf(want, sizeof want, "9000 registered patients from %s", tue_w);
  assert_true(wait_row(f, practices, "F84001", want));
  assert_true(wait_row(f, practices, "F84002", want));

  /* practice update --list-size: a figure from today. */
  Pcn__PracticeUpdate u = PCN__PRACTICE_UPDATE__INIT;
  u.ods = "F84001";
  u.has_list_size_case = PCN__PRACTICE_UPDATE__HAS_LIST_SIZE_LIST_SIZE;
  u.list_size = 9100;
  Pcn__Request r = PCN__REQUEST__INIT;
  r.body_case = PCN__REQUEST__BODY_PRACTICE_UPDATE;
  r.practice_update = &u;
  its_expect(f->mgr, &r, PCN__STATUS_CODE__OK);
  snprintf(want, sizeof want, "9100 registered patients from %s", now_w);
  assert_true(wait_row(f, practices, "F84001", want));
  shot(win, "desktop-practices-figures");

  /* The equity page over last week: the figures of its last day, so both
   * localities, and which figures they were. */
  dtest_show_page(win, "staff");
  type_text(find_widget(win, GTK_TYPE_ENTRY, "Equity from"), mon);
  type_text(find_widget(win, GTK_TYPE_ENTRY, "Equity to"), fri);
  dtest_click(win, "Show equity");
  /* Dates in words (issue 19). */
  char fri_w[24];
  desk_date_words(fri, fri_w, sizeof fri_w, DESK_DATE_YEAR);
  snprintf(want, sizeof want, "figures in force on %s", fri_w);
  assert_true(dtest_wait_says(f, win, "Equity report", want));
  /* The practices by name (issue 19). */
  snprintf(want, sizeof want, "Riverside Surgery from %s, Hill Street from %s.",
           tue_w, tue_w);
  assert_true(dtest_says(win, "Equity report", want));
  assert_true(dtest_says(win, "Equity report", "North"));
  assert_true(dtest_says(win, "Equity report", "South"));
  shot(win, "desktop-equity-figures");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_figures, dtest_setup,
                                      dtest_teardown),
  };
  return dtest_main(tests, G_N_ELEMENTS(tests));
}
