/* test_desktop_feed.c - the Feed reads as sentences (issue 19): Jo's
 * window is open while the PCN manager and Sam Hill (Hill Street's
 * practice manager, written by their own clients over TLS) add a
 * practice, a member, tasks, a comment and an announcement. Each row must
 * begin with its actor's display name, carry no record number ("#47") and
 * no ISO date, show its area's icon (the sidebar's), the time of day, and
 * sit under the "Today" header; the day headers themselves are checked at
 * fixed instants across midnight, British Summer Time and the year.
 * Saves desktop-feed-sentences.png (PCN_SHOT_DIR; docs/desktop-feed.png).
 * Every Event case is also read with its practice fields holding a known
 * practice's ODS code and its role fields a backfill role key: the
 * sentence must name the practice and say the role in words (issue 19).
 */
#include <stdio.h>
#include <string.h>

#include "dtest.h"
#include "sentences.h"
#include "words.h"

static const char *want;
static int row_there(fixture *f) {
  int n;
  return find_row(f, want, &n) >= 0;
}

/* The sentence of the newest row whose CLI line has needle. */
static const char *sentence_of(fixture *f, const char *needle,
                               const char **icon) {
  int n, i = find_row(f, needle, &n);
  if (i < 0) return NULL;
  PcnFeedRow *r = g_list_model_get_item(pcn_desk_feed(f->d), (guint)i);
  const char *s = pcn_feed_row_sentence(r);
  if (icon) *icon = pcn_feed_row_icon(r);
  g_object_unref(r); /* the model holds it */
  return s;
}

static const char *want_start;
static int sentence_starts(fixture *f) {
  const char *s = sentence_of(f, want, NULL);
  return s && !strncmp(s, want_start, strlen(want_start));
}

static void expect_start(fixture *f, const char *needle, const char *start) {
  want = needle;
  want_start = start;
  if (!spin_until(f, sentence_starts, 5000))
    fail_msg("the row of '%s' says '%s', not '%s...'", needle,
             sentence_of(f, needle, NULL), start);
}

/* Whether s starts with a member's display name (the Members list's
 * titles) or "The server". */
static int starts_with_person(fixture *f, const char *s) {
  if (!strncmp(s, "The server ", 11)) return 1;
  GListModel *m = pcn_desk_members(f->d);
  int yes = 0;
  for (guint i = 0; !yes && i < g_list_model_get_n_items(m); i++) {
    PcnRecordRow *r = g_list_model_get_item(m, i);
    const char *name = pcn_record_row_title(r);
    size_t k = strlen(name);
    yes = k && !strncmp(s, name, k) && s[k] == ' ';
    g_object_unref(r);
  }
  return yes;
}

/* No "#", no YYYY-MM-DD. */
static void assert_words(const char *s) {
  if (strchr(s, '#')) fail_msg("a record number in '%s'", s);
  for (const char *p = s; *p; p++)
    if (g_ascii_isdigit(p[0]) && g_ascii_isdigit(p[1]) &&
        g_ascii_isdigit(p[2]) && g_ascii_isdigit(p[3]) && p[4] == '-')
      fail_msg("an ISO date in '%s'", s);
}

static void test_sentences(void **state) {
  fixture *f = *state;
  its_add_practice(f->mgr, "F84002", "Hill Street", 8000);
  Pcn__MemberInvite inv = PCN__MEMBER_INVITE__INIT;
  inv.username = "sam";
  inv.display_name = "Sam Hill";
  inv.role = PCN__ROLE__PRACTICE_MANAGER;
  inv.practice = "F84002";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_MEMBER_INVITE;
  req.member_invite = &inv;
  const Pcn__Response *r = its_expect(f->mgr, &req, PCN__STATUS_CODE__OK);
  char *code = strdup(r->invitation->code);
  its_member *sam = its_join(f->s, code);
  free(code);

  uint64_t own = its_task(f->mgr, "Flu clinic numbers", "", "2027-01-15", "jo");
  Pcn__TaskComment c = PCN__TASK_COMMENT__INIT;
  c.id = own;
  c.text = "Two GPs so far";
  req = (Pcn__Request)PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_TASK_COMMENT;
  req.task_comment = &c;
  its_expect(sam, &req, PCN__STATUS_CODE__OK);
  Pcn__NewsPost np = PCN__NEWS_POST__INIT;
  np.title = "Winter pressures";
  np.body = "Plans for January.";
  req = (Pcn__Request)PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_POST;
  req.news_post = &np;
  its_expect(f->mgr, &req, PCN__STATUS_CODE__OK);

  want = "Winter pressures";
  assert_true(spin_until(f, row_there, 5000));
  /* Sam's rows begin with Sam's name once the Members list knows it. */
  expect_start(f, "Two GPs so far",
               "Sam Hill commented on Flu clinic numbers: \"Two GPs so far\"");
  want = "member sam";
  want_start = "Sam Hill joined as a practice manager at Hill Street.";
  const char *icon;
  const char *s = sentence_of(f, want, &icon);
  assert_non_null(s);
  assert_non_null(strstr(s, want_start));
  assert_string_equal(icon, "x-office-address-book-symbolic");
  s = sentence_of(f, "practice F84002", &icon);
  assert_non_null(strstr(s, "added the practice Hill Street"));
  assert_string_equal(icon, "user-home-symbolic");
  s = sentence_of(f, "Flu clinic numbers", &icon);
  assert_non_null(
      strstr(s, "created the task Flu clinic numbers for jo, due "));
  assert_non_null(strstr(s, "15 Jan"));
  assert_string_equal(icon, "task-due-symbolic");
  s = sentence_of(f, "Winter pressures", &icon);
  assert_non_null(strstr(s, "posted the announcement Winter pressures to "
                            "everyone."));
  assert_string_equal(icon, "chat-message-new-symbolic");
  s = sentence_of(f, "Two GPs", &icon);
  assert_string_equal(icon, "task-due-symbolic");

  /* Every row: the actor's name first (the manager's rows start with the
   * manager's display name, as the Members list has it), words only, a
   * time of day; one "Today" header over the newest. */
  GListModel *all = pcn_desk_feed(f->d);
  guint n = g_list_model_get_n_items(all);
  assert_true(n >= 8);
  for (guint i = 0; i < n; i++) {
    PcnFeedRow *row = g_list_model_get_item(all, i);
    const char *t = pcn_feed_row_sentence(row);
    assert_words(t);
    if (!starts_with_person(f, t))
      fail_msg("'%s' does not start with its actor's name", t);
    assert_int_equal(t[strlen(t) - 1] == '.' || t[strlen(t) - 1] == '"', 1);
    assert_int_equal(strlen(pcn_feed_row_time(row)), 5);
    assert_int_equal(pcn_feed_row_time(row)[2], ':');
    assert_non_null(pcn_feed_row_icon(row));
    g_object_unref(row);
  }
  char *h = pcn_desk_feed_header(f->d, 0);
  assert_string_equal(h, "Today");
  g_free(h);
  assert_null(pcn_desk_feed_header(f->d, 1)); /* the same day */

  shot(GTK_WIDGET(pcn_desk_window(f->d)), "desktop-feed-sentences");

  /* The practice filter takes a practice's name, or part of it: Hill
   * Street's rows are its adding and Sam's joining. */
  GtkWidget *win = GTK_WIDGET(pcn_desk_window(f->d));
  GListModel *shown = pcn_desk_feed_shown(f->d);
  type_text(find_widget(win, GTK_TYPE_ENTRY, "Practice filter"), "hill st");
  spin_ms(50);
  assert_int_equal(g_list_model_get_n_items(shown), 2);
  type_text(find_widget(win, GTK_TYPE_ENTRY, "Practice filter"), "f84002");
  spin_ms(50);
  assert_int_equal(g_list_model_get_n_items(shown), 2);
  type_text(find_widget(win, GTK_TYPE_ENTRY, "Practice filter"), "");
  spin_ms(50);
  assert_int_equal(g_list_model_get_n_items(shown), n);
  its_member_free(sam);
}

static int practice_named(fixture *f) {
  return !strcmp(desk_practice_words(f->d, "F84001"), "Riverside Surgery");
}

/* Whether word stands in s as a whole word ("gp", not "gps"). */
static int has_word(const char *s, const char *word) {
  size_t n = strlen(word);
  for (const char *p = strstr(s, word); p; p = strstr(p + 1, word))
    if ((p == s || !g_ascii_isalnum(p[-1])) && !g_ascii_isalnum(p[n])) return 1;
  return 0;
}

/* Fills rec's practice fields (practice, practices, payee, ods, ...) with
 * F84001 and its role fields with role, as the server would send them. */
static char *fill_practices[] = {"F84001"};
static void fill(ProtobufCMessage *rec, const char *role) {
  const ProtobufCMessageDescriptor *md = rec->descriptor;
  for (unsigned i = 0; i < md->n_fields; i++) {
    const ProtobufCFieldDescriptor *fd = &md->fields[i];
    if (fd->type != PROTOBUF_C_TYPE_STRING ||
        (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
      continue;
    char *at = (char *)rec + fd->offset;
    int practice = strstr(fd->name, "practice") || !strcmp(fd->name, "payee") ||
                   !strcmp(fd->name, "ods");
    if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
      if (!practice) continue;
      *(size_t *)((char *)rec + fd->quantifier_offset) = 1;
      *(char ***)at = fill_practices;
    } else if (practice) {
      *(char **)at = "F84001";
    } else if (!strcmp(fd->name, "role")) {
      *(char **)at = (char *)role;
    }
  }
}

/* Every record the feed can carry (the Event oneof, read from its
 * descriptor, so a new case added to the proto without a sentence fails
 * here): its sentence starts with the actor's name, is not the fallback,
 * has no "#" and ends as a sentence; its icon is a page's. The records
 * are empty (the real ones are above): this is about the cases. Then each
 * again with its practice fields holding F84001 (Riverside Surgery, which
 * the window knows) and its role fields a backfill role key (the server's
 * "gp", "practice-manager"): the sentence names the practice and says the
 * role in words, never the code or the key (issue 19). */
static void test_every_case(void **state) {
  fixture *f = *state;
  assert_true(spin_until(f, practice_named, 10000));
  const ProtobufCMessageDescriptor *ed = &pcn__event__descriptor;
  int cases = 0;
  static const char *const roles[] = {NULL, "gp", "practice-manager"};
  for (size_t k = 0; k < G_N_ELEMENTS(roles); k++)
    for (unsigned i = 0; i < ed->n_fields; i++) {
      const ProtobufCFieldDescriptor *fd = &ed->fields[i];
      if (!(fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) ||
          fd->type != PROTOBUF_C_TYPE_MESSAGE)
        continue;
      const ProtobufCMessageDescriptor *md = fd->descriptor;
      ProtobufCMessage *rec = g_malloc0(md->sizeof_message);
      protobuf_c_message_init(md, rec);
      if (roles[k]) fill(rec, roles[k]);
      Pcn__Event ev = PCN__EVENT__INIT;
      ev.actor = "nobody-known";
      ev.at = 1796774400000LL;
      ev.record_case = (Pcn__Event__RecordCase)fd->id;
      *(ProtobufCMessage **)((char *)&ev + fd->offset) = rec;
      char s[1600];
      desk_event_sentence(f->d, &ev, s, sizeof s);
      if (strncmp(s, "nobody-known ", 13) || strstr(s, "cannot show") ||
          strchr(s, '#'))
        fail_msg("%s: '%s'", fd->name, s);
      assert_true(s[strlen(s) - 1] == '.' || s[strlen(s) - 1] == '"');
      if (!strcmp(desk_event_icon(fd->id), "view-paged-symbolic"))
        fail_msg("%s has no area icon", fd->name);
      if (roles[k] && strstr(s, "F84001"))
        fail_msg("%s shows the practice's code: '%s'", fd->name, s);
      if (roles[k] && has_word(s, roles[k]))
        fail_msg("%s shows the role key %s: '%s'", fd->name, roles[k], s);
      g_free(rec);
      cases++;
    }
  assert_true(cases >= 3 * 30);
}

/* 2026-12-09 00:00 UTC, in ms. */
#define DEC9 1796774400000LL
#define HOUR 3600000LL

static void test_days(void **state) {
  (void)state;
  char out[32];
  desk_day_words(DEC9 + 10 * HOUR, DEC9 + 23 * HOUR, out, sizeof out);
  assert_string_equal(out, "Today");
  desk_day_words(DEC9 + 23 * HOUR, DEC9 + 24 * HOUR + 30 * 60000, out,
                 sizeof out);
  assert_string_equal(out, "Yesterday");
  desk_day_words(DEC9 - 14 * HOUR, DEC9 + 24 * HOUR, out, sizeof out);
  assert_string_equal(out, "Tue 8 Dec");
  desk_day_words(DEC9 - 365 * 24 * HOUR, DEC9, out, sizeof out);
  assert_string_equal(out, "9 Dec 2025");
  /* 30 June 23:30 UTC is 1 July 00:30 in London: today on 1 July. */
  int64_t jun30 = DEC9 - (162LL * 24 * HOUR); /* 2026-06-30 00:00 UTC */
  desk_day_words(jun30 + 23 * HOUR + 30 * 60000, jun30 + 36 * HOUR, out,
                 sizeof out);
  assert_string_equal(out, "Today");
  char t[6];
  desk_time_words(jun30 + 23 * HOUR + 30 * 60000, t);
  assert_string_equal(t, "00:30");
  desk_time_words(DEC9 + 14 * HOUR + 5 * 60000, t);
  assert_string_equal(t, "14:05");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_days),
      cmocka_unit_test_setup_teardown(test_every_case, dtest_setup,
                                      dtest_teardown),
      cmocka_unit_test_setup_teardown(test_sentences, dtest_setup,
                                      dtest_teardown),
  };
  return dtest_main(tests, sizeof tests / sizeof tests[0]);
}
