/* news.c - the News view: announcements and policies, with read receipts.
 *
 * The list (a GtkListBox: a network's news is tens or hundreds of items,
 * not thousands) puts pinned items on top, then what needs the member
 * (unread, bold; or a policy awaiting their confirmation, flagged, with a
 * "Read and understood" button), then the rest, newest first. Expired
 * items hide unless "Show expired" is ticked.
 *
 * Opening an item (click or Enter) reads it from the server, which
 * records the receipt; the detail pane shows its text and, for whoever
 * may see receipts (the network's people and the author: every practice;
 * a practice manager: their own practice, who has not confirmed first),
 * the receipts, kept live from the feed. The New post window is for
 * those who may post; a policy's New version reuses it.
 *
 * State is one struct desk_news; rows are rebuilt from the items table
 * after each change (one idle per burst). An event for an item replaces
 * it only when its version is newer, so a row never goes back in time.
 *
 * Issue 19: times in words, UK time ("Wed 9 Dec, 14:00"), the expiry
 * date too; practices by name; the expiry typed as people write it
 * (9/12/2026) or picked from a calendar; a refusal in words under the
 * field it names; whom a post is to ticked by practice name (words.h's
 * practices check list), never typed as ODS codes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "words.h"

typedef struct desk_news desk_news;

typedef struct news_item {
  guint64 id;
  guint version, policy_version;
  char *title, *body, *link, *to, *expires, *posted_by, *updated_by;
  char **practices;
  gint64 posted_at, updated_at;
  gboolean pinned, policy, read, confirmed, author, have_body;
  GtkWidget *row; /* its row in the list (the list owns it) */
  char sig[64];   /* what the row shows was made from (see rebuild) */
} news_item;

struct desk_news {
  GHashTable *items; /* id -> news_item (owned) */
  GtkWidget *list, *count, *expired, *new_post;
  /* the detail pane */
  GtkWidget *detail, *d_title, *d_meta, *d_body, *d_link, *d_state, *d_confirm,
      *d_version, *d_actions, *d_receipts_head, *d_receipts, *d_note;
  guint64 open_id;
  guint rebuild_id, report_id;
  int loading;
  char today[11]; /* UTC, YYYY-MM-DD */
  /* the post window */
  GtkWidget *p_title_error, *p_expires_error, *p_to_error;
  GtkWidget *post_win, *p_title, *p_text, *p_link, *p_to, *p_expires, *p_pin,
      *p_policy, *p_note, *p_go;
  guint64 p_version_of;
  guint p_version;
};

/* ------------------------------------------------------------ items */

static void item_free(gpointer p) {
  news_item *it = p;
  g_free(it->title);
  g_free(it->body);
  g_free(it->link);
  g_free(it->to);
  g_free(it->expires);
  g_free(it->posted_by);
  g_free(it->updated_by);
  g_strfreev(it->practices);
  g_free(it);
}

static void set_today(desk_news *s) {
  GDateTime *now = desk_london_time(g_get_real_time() / 1000); /* UK */
  char *t = g_date_time_format(now, "%Y-%m-%d");
  snprintf(s->today, sizeof s->today, "%s", t);
  g_free(t);
  g_date_time_unref(now);
}

static gboolean needs_me(const news_item *it) {
  return !it->read || (it->policy && !it->confirmed && !it->author);
}

static gboolean is_expired(desk_news *n, const news_item *it) {
  return it->expires[0] && strcmp(it->expires, n->today) < 0;
}

static void set_str(char **dst, const char *src) {
  g_free(*dst);
  *dst = g_strdup(src);
}

/* Takes the record's fields (full: with its text; lists leave it out);
 * returns the item (new or updated), or NULL when the record is older
 * than what is held. */
static news_item *item_put(pcn_desk *d, const Pcn__NewsItem *n, int full) {
  desk_news *s = d->news;
  news_item *it = g_hash_table_lookup(s->items, &n->id);
  if (it && n->version < it->version) return NULL;
  if (!it) {
    it = g_new0(news_item, 1);
    it->id = n->id;
    g_hash_table_insert(s->items, &it->id, it);
  }
  if (it->policy_version != n->policy_version) {
    it->read = it->confirmed = FALSE; /* a new version: asked again */
    it->have_body = FALSE;
  }
  it->version = n->version;
  it->policy_version = n->policy_version;
  set_str(&it->title, n->title);
  set_str(&it->link, n->link);
  set_str(&it->expires, n->expires);
  set_str(&it->posted_by, n->posted_by);
  set_str(&it->updated_by, n->updated_by);
  if (full || !it->body) set_str(&it->body, full ? n->body : "");
  if (full) it->have_body = TRUE;
  g_strfreev(it->practices);
  it->practices = g_new0(char *, n->n_practices + 1);
  for (size_t i = 0; i < n->n_practices; i++)
    it->practices[i] = g_strdup(n->practices[i]);
  g_free(it->to);
  GString *to = g_string_new(n->n_practices ? NULL : "everyone");
  for (size_t i = 0; i < n->n_practices; i++)
    g_string_append_printf(to, "%s%s", i ? ", " : "",
                           desk_practice_words(d, n->practices[i]));
  it->to = g_string_free(to, FALSE);
  it->posted_at = n->posted_at;
  it->updated_at = n->updated_at;
  it->pinned = n->pinned;
  it->policy = n->policy;
  it->author = strcmp(n->updated_by, d->username) == 0;
  if (it->author) it->read = TRUE;
  return it;
}

static news_item *entry_put(pcn_desk *d, const Pcn__NewsEntry *e, int full) {
  news_item *it = item_put(d, e->item, full);
  if (!it) it = g_hash_table_lookup(d->news->items, &e->item->id);
  if (!it || e->item->policy_version != it->policy_version) return it;
  it->read = e->read;
  it->confirmed = e->confirmed;
  return it;
}

/* ------------------------------------------------------------ the list */

static int item_cmp(gconstpointer a, gconstpointer b) {
  const news_item *x = *(news_item *const *)a, *y = *(news_item *const *)b;
  if (x->pinned != y->pinned) return x->pinned ? -1 : 1;
  if (needs_me(x) != needs_me(y)) return needs_me(x) ? -1 : 1;
  if (x->updated_at != y->updated_at)
    return x->updated_at > y->updated_at ? -1 : 1;
  return x->id > y->id ? -1 : x->id < y->id;
}

static void confirm_item(pcn_desk *d, guint64 id, guint policy_version);

static void on_row_confirm(GtkButton *b, gpointer ud) {
  news_item *it = g_object_get_data(G_OBJECT(b), "item");
  if (it) confirm_item(ud, it->id, it->policy_version);
}

static GtkWidget *tag(const char *text, const char *css) {
  GtkWidget *l = gtk_label_new(text);
  gtk_widget_add_css_class(l, "caption");
  if (css) gtk_widget_add_css_class(l, css);
  return l;
}

/* Fills (or refills) it's row: its child and its classes. */
static void row_fill(pcn_desk *d, GtkWidget *row, news_item *it) {
  gtk_widget_remove_css_class(row, "unread");
  gtk_widget_remove_css_class(row, "to-confirm");
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_margin_start(box, 12);
  gtk_widget_set_margin_end(box, 12);
  gtk_widget_set_margin_top(box, 6);
  gtk_widget_set_margin_bottom(box, 6);
  GtkWidget *text = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand(text, TRUE);
  GtkWidget *title = gtk_label_new(NULL);
  gtk_label_set_xalign(GTK_LABEL(title), 0);
  gtk_label_set_ellipsize(GTK_LABEL(title), PANGO_ELLIPSIZE_END);
  if (!it->read) {
    char *m = g_markup_printf_escaped("<b>%s</b>", it->title);
    gtk_label_set_markup(GTK_LABEL(title), m);
    g_free(m);
    gtk_widget_add_css_class(row, "unread");
  } else {
    gtk_label_set_text(GTK_LABEL(title), it->title);
  }
  char when[40];
  desk_datetime_words(it->updated_at, when, sizeof when);
  char *meta;
  if (it->policy)
    meta = g_strdup_printf("Policy, version %u · to %s · %s, %s",
                           it->policy_version, it->to,
                           desk_person_words(d, it->updated_by), when);
  else
    meta = g_strdup_printf("To %s · %s, %s", it->to,
                           desk_person_words(d, it->posted_by), when);
  GtkWidget *sub = gtk_label_new(meta);
  g_free(meta);
  gtk_label_set_xalign(GTK_LABEL(sub), 0);
  gtk_label_set_ellipsize(GTK_LABEL(sub), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class(sub, "dim-label");
  gtk_widget_add_css_class(sub, "caption");
  gtk_box_append(GTK_BOX(text), title);
  gtk_box_append(GTK_BOX(text), sub);
  gtk_box_append(GTK_BOX(box), text);
  if (it->pinned) gtk_box_append(GTK_BOX(box), tag("Pinned", "accent"));
  if (it->policy && it->confirmed)
    gtk_box_append(GTK_BOX(box), tag("Confirmed", "success"));
  if (is_expired(d->news, it))
    gtk_box_append(GTK_BOX(box), tag("Expired", NULL));
  if (it->policy && !it->confirmed && !it->author) {
    gtk_widget_add_css_class(row, "to-confirm");
    gtk_box_append(GTK_BOX(box), tag("To confirm", "warning"));
    GtkWidget *b = gtk_button_new_with_label("Read and understood");
    char *acc = g_strdup_printf("Read and understood: %s", it->title);
    gtk_accessible_update_property(GTK_ACCESSIBLE(b),
                                   GTK_ACCESSIBLE_PROPERTY_LABEL, acc, -1);
    g_free(acc);
    /* Under the title, so the title keeps the row's width. */
    gtk_widget_set_halign(b, GTK_ALIGN_START);
    gtk_widget_set_margin_top(b, 4);
    gtk_widget_add_css_class(b, "suggested-action");
    g_object_set_data(G_OBJECT(b), "item", it);
    g_signal_connect(b, "clicked", G_CALLBACK(on_row_confirm), d);
    gtk_box_append(GTK_BOX(text), b);
  }
  gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(row), box);
}

static gboolean can_post(pcn_desk *d) {
  return d->role == PCN__ROLE__PCN_MANAGER ||
         d->role == PCN__ROLE__CLINICAL_DIRECTOR ||
         d->role == PCN__ROLE__PRACTICE_MANAGER;
}

static void show_detail(pcn_desk *d);

static int row_sort(GtkListBoxRow *a, GtkListBoxRow *b, gpointer ud) {
  desk_news *s = ud;
  guint64 x = (guint64)GPOINTER_TO_SIZE(g_object_get_data(G_OBJECT(a), "id"));
  guint64 y = (guint64)GPOINTER_TO_SIZE(g_object_get_data(G_OBJECT(b), "id"));
  news_item *p = g_hash_table_lookup(s->items, &x);
  news_item *q = g_hash_table_lookup(s->items, &y);
  return p && q ? item_cmp(&p, &q) : 0;
}

static gboolean row_filter(GtkListBoxRow *row, gpointer ud) {
  desk_news *s = ud;
  guint64 id =
      (guint64)GPOINTER_TO_SIZE(g_object_get_data(G_OBJECT(row), "id"));
  news_item *it = g_hash_table_lookup(s->items, &id);
  return it && (!is_expired(s, it) ||
                gtk_check_button_get_active(GTK_CHECK_BUTTON(s->expired)));
}

/* Brings the list up to date: a row per item, refilled only when what it
 * shows changed (so a button under the pointer survives other changes),
 * then sorted and filtered again. */
static gboolean rebuild(gpointer ud) {
  pcn_desk *d = ud;
  desk_news *s = d->news;
  s->rebuild_id = 0;
  set_today(s); /* the window may stay open past midnight */
  gboolean show_old = gtk_check_button_get_active(GTK_CHECK_BUTTON(s->expired));
  unsigned unread = 0, to_confirm = 0;
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init(&iter, s->items);
  while (g_hash_table_iter_next(&iter, NULL, &value)) {
    news_item *it = value;
    int expired = is_expired(s, it);
    char sig[64];
    snprintf(sig, sizeof sig, "%u/%d%d%d%d", it->version, it->read,
             it->confirmed, it->author, expired);
    if (!it->row) {
      it->row = gtk_list_box_row_new();
      char name[40];
      snprintf(name, sizeof name, "news-%llu", (unsigned long long)it->id);
      gtk_widget_set_name(it->row, name);
      g_object_set_data(G_OBJECT(it->row), "id",
                        GSIZE_TO_POINTER((gsize)it->id));
      gtk_list_box_append(GTK_LIST_BOX(s->list), it->row);
    }
    if (strcmp(sig, it->sig) != 0) {
      row_fill(d, it->row, it);
      snprintf(it->sig, sizeof it->sig, "%s", sig);
    }
    if (expired && !show_old) continue;
    unread += !it->read;
    to_confirm += it->policy && !it->confirmed && !it->author;
  }
  gtk_list_box_invalidate_sort(GTK_LIST_BOX(s->list));
  gtk_list_box_invalidate_filter(GTK_LIST_BOX(s->list));
  char buf[120];
  snprintf(buf, sizeof buf, "%u unread · %u %s to confirm%s", unread,
           to_confirm, to_confirm == 1 ? "policy" : "policies",
           s->loading ? " (loading…)" : "");
  gtk_label_set_text(GTK_LABEL(s->count), buf);
  gtk_widget_set_visible(s->new_post, can_post(d));
  show_detail(d);
  return G_SOURCE_REMOVE;
}

static void schedule_rebuild(pcn_desk *d) {
  if (!d->news->rebuild_id)
    d->news->rebuild_id = g_idle_add_full(G_PRIORITY_DEFAULT, rebuild, d, NULL);
}

/* ------------------------------------------------------------ receipts */

static gboolean sees_receipts(pcn_desk *d, const news_item *it) {
  return it->author || strcmp(it->posted_by, d->username) == 0 ||
         d->role == PCN__ROLE__PCN_MANAGER ||
         d->role == PCN__ROLE__CLINICAL_DIRECTOR ||
         d->role == PCN__ROLE__PRACTICE_MANAGER;
}

static void receipts_clear(desk_news *s) {
  GtkWidget *c;
  while ((c = gtk_widget_get_first_child(s->d_receipts)))
    gtk_list_box_remove(GTK_LIST_BOX(s->d_receipts), c);
}

static void receipt_line(desk_news *s, const char *text, int header) {
  GtkWidget *l = gtk_label_new(text);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  gtk_label_set_wrap(GTK_LABEL(l), TRUE);
  gtk_widget_set_margin_start(l, header ? 6 : 18);
  gtk_widget_set_margin_top(l, header ? 6 : 1);
  if (header) gtk_widget_add_css_class(l, "heading");
  gtk_list_box_append(GTK_LIST_BOX(s->d_receipts), l);
}

static void fmt_time(gint64 ms, char *out, size_t n) {
  desk_datetime_words(ms, out, n);
}

static void on_report(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_news *s = d->news;
  if (!s || r->body_case != PCN__RESPONSE__BODY_NEWS_REPORT ||
      r->news_report->item->id != s->open_id) {
    if (s && r->status->code != PCN__STATUS_CODE__OK)
      gtk_label_set_text(GTK_LABEL(s->d_receipts_head), r->status->message);
    return;
  }
  const Pcn__NewsReceiptReport *rep = r->news_report;
  int policy = rep->item->policy;
  receipts_clear(s);
  char buf[400];
  if (policy)
    snprintf(buf, sizeof buf, "Receipts: read by %u of %u, confirmed by %u",
             rep->read, rep->members, rep->confirmed);
  else
    snprintf(buf, sizeof buf, "Receipts: read by %u of %u", rep->read,
             rep->members);
  gtk_label_set_text(GTK_LABEL(s->d_receipts_head), buf);
  for (size_t i = 0; i < rep->n_practices; i++) {
    const Pcn__NewsPracticeReceipts *g = rep->practices[i];
    const char *who =
        g->practice[0] ? desk_practice_words(d, g->practice) : "Network";
    if (policy)
      snprintf(buf, sizeof buf, "%s: read %u of %u, confirmed %u", who, g->read,
               g->members, g->confirmed);
    else
      snprintf(buf, sizeof buf, "%s: read %u of %u", who, g->read, g->members);
    receipt_line(s, buf, 1);
    if (policy && g->confirmed < g->members) {
      /* Unconfirmed members come first in each group. */
      GString *who_not = g_string_new("Not yet confirmed: ");
      for (size_t k = 0; k < g->n_receipts && !g->receipts[k]->confirmed; k++)
        g_string_append_printf(who_not, "%s%s", k ? ", " : "",
                               desk_person_words(d, g->receipts[k]->username));
      receipt_line(s, who_not->str, 0);
      g_string_free(who_not, TRUE);
    }
    for (size_t k = 0; k < g->n_receipts; k++) {
      const Pcn__NewsMemberReceipt *m = g->receipts[k];
      char read[60] = "not read", conf[80] = "";
      if (m->read) {
        char tm[40];
        fmt_time(m->read_at, tm, sizeof tm);
        snprintf(read, sizeof read, "read %s", tm);
      }
      if (policy) {
        char tm[40];
        fmt_time(m->confirmed_at, tm, sizeof tm);
        if (m->confirmed)
          snprintf(conf, sizeof conf, " · confirmed %s", tm);
        else
          snprintf(conf, sizeof conf, " · not confirmed");
      }
      snprintf(buf, sizeof buf, "%s (%s): %s%s", m->display_name, m->username,
               read, conf);
      receipt_line(s, buf, 0);
    }
  }
}

static void load_report(pcn_desk *d) {
  desk_news *s = d->news;
  news_item *it = g_hash_table_lookup(s->items, &s->open_id);
  if (!it || !d->cl || !sees_receipts(d, it)) return;
  Pcn__NewsReceipts x = PCN__NEWS_RECEIPTS__INIT;
  x.id = it->id;
  /* A practice manager who did not write it sees their own practice. */
  int own = d->role == PCN__ROLE__PRACTICE_MANAGER &&
            strcmp(it->posted_by, d->username) != 0 && !it->author;
  x.practice = own ? d->practice : "";
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_RECEIPTS;
  req.news_receipts = &x;
  pcn_client_call(d->cl, &req, on_report, d);
}

static gboolean report_idle(gpointer ud) {
  pcn_desk *d = ud;
  d->news->report_id = 0;
  load_report(d);
  return G_SOURCE_REMOVE;
}

static void schedule_report(pcn_desk *d) {
  if (!d->news->report_id)
    d->news->report_id =
        g_timeout_add_full(G_PRIORITY_DEFAULT, 150, report_idle, d, NULL);
}

/* ------------------------------------------------------------ detail */

static void show_detail(pcn_desk *d) {
  desk_news *s = d->news;
  news_item *it =
      s->open_id ? g_hash_table_lookup(s->items, &s->open_id) : NULL;
  gtk_widget_set_visible(s->detail, it != NULL);
  if (!it) return;
  gtk_label_set_text(GTK_LABEL(s->d_title), it->title);
  char when[40], meta[600], until[32];
  fmt_time(it->posted_at, when, sizeof when);
  desk_date_words(it->expires, until, sizeof until, DESK_DATE_WEEKDAY);
  snprintf(meta, sizeof meta, "%s%s to %s · posted by %s, %s%s%s%s",
           it->policy ? "Policy" : "Announcement",
           it->pinned ? " (pinned)" : "", it->to,
           desk_person_words(d, it->posted_by), when,
           it->expires[0] ? " · until the end of " : "", until,
           is_expired(s, it) ? " (expired)" : "");
  if (it->policy) {
    size_t k = strlen(meta);
    fmt_time(it->updated_at, when, sizeof when);
    snprintf(meta + k, sizeof meta - k, "\nVersion %u, published by %s, %s",
             it->policy_version, desk_person_words(d, it->updated_by), when);
  }
  gtk_label_set_text(GTK_LABEL(s->d_meta), meta);
  gtk_label_set_text(GTK_LABEL(s->d_body), it->have_body ? it->body : "");
  gtk_widget_set_visible(s->d_body, it->have_body && it->body[0]);
  gtk_widget_set_visible(s->d_link, it->link[0] != 0);
  if (it->link[0]) {
    gtk_link_button_set_uri(GTK_LINK_BUTTON(s->d_link), it->link);
    gtk_button_set_label(GTK_BUTTON(s->d_link), it->link);
  }
  const char *state = "";
  if (it->policy)
    state = it->author      ? "You published this version."
            : it->confirmed ? "You confirmed this version as read and "
                              "understood."
                            : "Please read it, then confirm it as read and "
                              "understood.";
  gtk_label_set_text(GTK_LABEL(s->d_state), state);
  gtk_widget_set_visible(s->d_state, state[0] != 0);
  gtk_widget_set_visible(s->d_confirm,
                         it->policy && !it->confirmed && !it->author);
  gtk_widget_set_visible(
      s->d_version,
      it->policy &&
          (it->author || d->role == PCN__ROLE__PCN_MANAGER ||
           d->role == PCN__ROLE__CLINICAL_DIRECTOR ||
           (d->role == PCN__ROLE__PRACTICE_MANAGER && it->practices[0] &&
            !it->practices[1] && !strcmp(it->practices[0], d->practice))));
  gtk_widget_set_visible(s->d_actions,
                         gtk_widget_get_visible(s->d_confirm) ||
                             gtk_widget_get_visible(s->d_version));
  gboolean rec = sees_receipts(d, it);
  gtk_widget_set_visible(s->d_receipts_head, rec);
  gtk_widget_set_visible(s->d_receipts, rec);
}

static void on_read(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  if (!d->news) return;
  if (r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_NEWS_ENTRY) {
    gtk_label_set_text(GTK_LABEL(d->news->d_note), r->status->message);
    return;
  }
  entry_put(d, r->news_entry, 1);
  schedule_rebuild(d);
  schedule_report(d); /* the receipt just recorded shows at once */
}

static void open_item(pcn_desk *d, guint64 id) {
  desk_news *s = d->news;
  if (s->open_id != id) {
    s->open_id = id;
    receipts_clear(s);
    gtk_label_set_text(GTK_LABEL(s->d_receipts_head), "Receipts");
    gtk_label_set_text(GTK_LABEL(s->d_note), "");
  }
  show_detail(d);
  if (!d->cl) return;
  Pcn__NewsRead x = PCN__NEWS_READ__INIT;
  x.id = id;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_READ;
  req.news_read = &x;
  pcn_client_call(d->cl, &req, on_read, d);
  load_report(d);
}

static void on_row_activated(GtkListBox *lb, GtkListBoxRow *row, gpointer ud) {
  (void)lb;
  open_item(ud,
            (guint64)GPOINTER_TO_SIZE(g_object_get_data(G_OBJECT(row), "id")));
}

static void on_confirmed(pcn_client *cl, const Pcn__Response *r, void *ud) {
  on_read(cl, r, ud); /* the same answer: the item as the member sees it */
}

static void confirm_item(pcn_desk *d, guint64 id, guint policy_version) {
  if (!d->cl) return;
  Pcn__NewsConfirm x = PCN__NEWS_CONFIRM__INIT;
  x.id = id;
  x.policy_version = policy_version;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_CONFIRM;
  req.news_confirm = &x;
  pcn_client_call(d->cl, &req, on_confirmed, d);
}

static void on_detail_confirm(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  news_item *it = g_hash_table_lookup(d->news->items, &d->news->open_id);
  if (it) confirm_item(d, it->id, it->policy_version);
}

/* ------------------------------------------------------------ feed */

static void notice_item(pcn_desk *d, const Pcn__Event *ev) {
  const Pcn__NewsItem *n = ev->news;
  char id[40], body[400];
  snprintf(id, sizeof id, "news-%llu", (unsigned long long)n->id);
  if (ev->op == PCN__OP__CREATED) {
    snprintf(body, sizeof body, "%s%s", n->title,
             n->policy ? " (please read and confirm)" : "");
    desk_notice(d, ev, id,
                n->policy ? "A new policy to confirm" : "A new announcement",
                body);
  } else if (n->policy) {
    snprintf(body, sizeof body, "%s, version %u: please read and confirm",
             n->title, n->policy_version);
    desk_notice(d, ev, id, "A new version of a policy", body);
  }
}

void news_on_event(pcn_desk *d, const Pcn__Event *ev) {
  desk_news *s = d->news;
  if (!s) return;
  if (ev->record_case == PCN__EVENT__RECORD_NEWS) {
    item_put(d, ev->news, 1);
    notice_item(d, ev);
    if (ev->news->id == s->open_id) schedule_report(d);
    schedule_rebuild(d);
  } else if (ev->record_case == PCN__EVENT__RECORD_NEWS_RECEIPT) {
    const Pcn__NewsReceipt *r = ev->news_receipt;
    news_item *it = g_hash_table_lookup(s->items, &r->news_id);
    if (it && !strcmp(r->username, d->username)) {
      /* This member, perhaps on another machine. */
      if (r->read_version >= it->policy_version) it->read = TRUE;
      if (r->confirmed_version >= it->policy_version) it->confirmed = TRUE;
      schedule_rebuild(d);
    }
    if (r->news_id == s->open_id) schedule_report(d);
  }
}

static void on_page(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_news *s = d->news;
  if (!s) return;
  s->loading = 0;
  if (r->status->code == PCN__STATUS_CODE__OK &&
      r->body_case == PCN__RESPONSE__BODY_NEWS_PAGE)
    for (size_t i = 0; i < r->news_page->n_entries; i++)
      entry_put(d, r->news_page->entries[i], 0);
  schedule_rebuild(d);
}

void news_load(pcn_desk *d) {
  desk_news *s = d->news;
  if (!s || s->loading || !d->cl) return;
  Pcn__NewsList l = PCN__NEWS_LIST__INIT;
  l.include_expired = 1; /* the view hides them; the tick box shows them */
  l.limit = 200;
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_LIST;
  req.news_list = &l;
  s->loading = pcn_client_call(d->cl, &req, on_page, d) != 0;
  schedule_rebuild(d);
}

/* ------------------------------------------------------------ post */

static void on_posted(pcn_client *cl, const Pcn__Response *r, void *ud) {
  (void)cl;
  pcn_desk *d = ud;
  desk_news *s = d->news;
  if (!s || !s->post_win) return;
  gtk_widget_set_sensitive(s->p_go, TRUE);
  if (r->status->code == PCN__STATUS_CODE__OK &&
      r->body_case == PCN__RESPONSE__BODY_NEWS_ENTRY) {
    news_item *it = entry_put(d, r->news_entry, 1);
    schedule_rebuild(d);
    gtk_window_destroy(GTK_WINDOW(s->post_win));
    if (it) open_item(d, it->id);
    return;
  }
  /* Under the field the refusal names, in words; the rest at the foot. */
  const char *field = r->status->details && r->status->details->field
                          ? r->status->details->field
                          : "";
  if (!strcmp(field, "expires"))
    desk_field_error(desk_date_entry_text(s->p_expires), s->p_expires_error,
                     r->status);
  else if (!strcmp(field, "title"))
    desk_field_error(s->p_title, s->p_title_error, r->status);
  else if (!strcmp(field, "practices"))
    desk_field_error(s->p_to, s->p_to_error, r->status);
  else {
    char words[600];
    desk_error_words(r->status, words, sizeof words);
    desk_say(s->p_note, words);
  }
}

static void on_post(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  desk_news *s = d->news;
  GtkTextBuffer *buf = gtk_text_view_get_buffer(GTK_TEXT_VIEW(s->p_text));
  GtkTextIter a, z;
  gtk_text_buffer_get_bounds(buf, &a, &z);
  char *text = gtk_text_buffer_get_text(buf, &a, &z, FALSE);
  Pcn__NewsPost p = PCN__NEWS_POST__INIT;
  p.title = (char *)gtk_editable_get_text(GTK_EDITABLE(s->p_title));
  p.body = text;
  p.link = (char *)gtk_editable_get_text(GTK_EDITABLE(s->p_link));
  desk_field_error(desk_date_entry_text(s->p_expires), s->p_expires_error,
                   NULL);
  desk_field_error(s->p_title, s->p_title_error, NULL);
  desk_field_error(s->p_to, s->p_to_error, NULL);
  gtk_widget_set_visible(s->p_note, FALSE);
  char expires[11];
  const char *why = NULL;
  if (desk_date_entry_get(s->p_expires, expires, &why) < 0) {
    Pcn__Status st = PCN__STATUS__INIT;
    st.code = PCN__STATUS_CODE__INVALID_ARGUMENT;
    st.message = (char *)why;
    desk_field_error(desk_date_entry_text(s->p_expires), s->p_expires_error,
                     &st);
    g_free(text);
    return;
  }
  p.expires = expires; /* "" when empty: no expiry */
  p.pinned = gtk_check_button_get_active(GTK_CHECK_BUTTON(s->p_pin));
  p.policy = gtk_check_button_get_active(GTK_CHECK_BUTTON(s->p_policy));
  p.version_of = s->p_version_of;
  p.version = s->p_version;
  /* Everyone (no practices), or the codes of the practices ticked; a new
   * version goes where the policy went (the server's rule). */
  GPtrArray *to = g_ptr_array_new();
  if (!s->p_version_of && desk_practices_check_get(s->p_to, to) < 0) {
    Pcn__Status st = PCN__STATUS__INIT;
    st.code = PCN__STATUS_CODE__INVALID_ARGUMENT;
    st.message = "Tick Everyone in the network, or the practices it is for.";
    desk_field_error(s->p_to, s->p_to_error, &st);
    g_ptr_array_free(to, TRUE);
    g_free(text);
    return;
  }
  if (!s->p_version_of) {
    p.practices = (char **)to->pdata;
    p.n_practices = to->len;
  }
  Pcn__Request req = PCN__REQUEST__INIT;
  req.body_case = PCN__REQUEST__BODY_NEWS_POST;
  req.news_post = &p;
  desk_form_send(d, &req, on_posted, s->p_go, s->p_note);
  g_ptr_array_free(to, TRUE);
  g_free(text);
}

static void on_post_destroy(GtkWidget *w, gpointer ud) {
  (void)w;
  pcn_desk *d = ud;
  if (d->news) d->news->post_win = NULL;
}

/* A tick changed: the row's error (nothing ticked, or the server's) has
 * been answered. */
static void on_to_toggled(GtkCheckButton *c, gpointer ud) {
  (void)c;
  desk_news *s = ((pcn_desk *)ud)->news;
  if (s && s->post_win) desk_field_error(s->p_to, s->p_to_error, NULL);
}

/* The post window; with `of`, a new version of that policy. */
static void post_window(pcn_desk *d, news_item *of) {
  desk_news *s = d->news;
  if (s->post_win) gtk_window_destroy(GTK_WINDOW(s->post_win));
  GtkWidget *grid = gtk_grid_new();
  s->post_win =
      desk_form(d, of ? "New version" : "New post",
                of ? "New version of a policy" : "New announcement", 520, grid);
  g_signal_connect(s->post_win, "destroy", G_CALLBACK(on_post_destroy), d);
  s->p_version_of = of ? of->id : 0;
  s->p_version = of ? of->version : 0;

  int row = 0;
  s->p_title =
      desk_field(grid, row++, "_Title", desk_entry("Title", "The headline", 0));
  s->p_title_error = desk_form_error(grid, row++, 0);
  s->p_text = gtk_text_view_new();
  gtk_widget_set_name(s->p_text, "Text");
  gtk_text_view_set_wrap_mode(GTK_TEXT_VIEW(s->p_text), GTK_WRAP_WORD_CHAR);
  gtk_accessible_update_property(GTK_ACCESSIBLE(s->p_text),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Text", -1);
  GtkWidget *sc = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(sc), s->p_text);
  gtk_widget_set_size_request(sc, -1, 140);
  gtk_widget_add_css_class(sc, "card");
  GtkWidget *tl = gtk_label_new_with_mnemonic("Te_xt");
  gtk_label_set_xalign(GTK_LABEL(tl), 1);
  gtk_widget_set_valign(tl, GTK_ALIGN_START);
  gtk_label_set_mnemonic_widget(GTK_LABEL(tl), s->p_text);
  gtk_widget_set_hexpand(sc, TRUE);
  gtk_grid_attach(GTK_GRID(grid), tl, 0, row, 1, 1);
  gtk_grid_attach(GTK_GRID(grid), sc, 1, row++, 1, 1);
  s->p_link = desk_field(grid, row++, "_Link",
                         desk_entry("Link", "https://... (optional)", 0));
  /* Ticked by practice name (issue 19): a practice manager's own
   * practice, or everyone. */
  s->p_to = desk_field(grid, row++, "T_o", desk_practices_check_new(d));
  gtk_widget_set_name(s->p_to, "To");
  gtk_label_set_mnemonic_widget(
      GTK_LABEL(gtk_grid_get_child_at(GTK_GRID(grid), 0, row - 1)),
      desk_practices_check_everyone(s->p_to));
  gtk_widget_set_valign(gtk_grid_get_child_at(GTK_GRID(grid), 0, row - 1),
                        GTK_ALIGN_START);
  if (d->role == PCN__ROLE__PRACTICE_MANAGER && d->practice[0]) {
    char *mine[] = {d->practice};
    desk_practices_check_set(s->p_to, mine, 1);
  }
  s->p_to_error = desk_form_error(grid, row++, 0);
  for (GtkWidget *c = gtk_widget_get_first_child(s->p_to); c;
       c = gtk_widget_get_next_sibling(c))
    g_signal_connect(c, "toggled", G_CALLBACK(on_to_toggled), d);
  s->p_expires =
      desk_field(grid, row++, "_Expires", desk_date_entry_new("Expires"));
  gtk_label_set_mnemonic_widget(
      GTK_LABEL(gtk_grid_get_child_at(GTK_GRID(grid), 0, row - 1)),
      desk_date_entry_text(s->p_expires));
  gtk_entry_set_placeholder_text(GTK_ENTRY(desk_date_entry_text(s->p_expires)),
                                 "Optional: 9 Dec, 9/12/2026");
  s->p_expires_error = desk_form_error(grid, row++, 0);
  s->p_pin = gtk_check_button_new_with_mnemonic("_Pin to the top");
  s->p_policy = gtk_check_button_new_with_mnemonic(
      "A _policy: each member confirms it as read and understood");
  gtk_grid_attach(GTK_GRID(grid), s->p_pin, 1, row++, 1, 1);
  gtk_grid_attach(GTK_GRID(grid), s->p_policy, 1, row++, 1, 1);
  if (of) {
    gtk_editable_set_text(GTK_EDITABLE(s->p_title), of->title);
    gtk_text_buffer_set_text(gtk_text_view_get_buffer(GTK_TEXT_VIEW(s->p_text)),
                             of->have_body ? of->body : "", -1);
    gtk_editable_set_text(GTK_EDITABLE(s->p_link), of->link);
    desk_practices_check_set(s->p_to, of->practices,
                             g_strv_length(of->practices));
    gtk_widget_set_sensitive(s->p_to, FALSE); /* the same practices */
    desk_date_entry_set(s->p_expires, of->expires);
    gtk_check_button_set_active(GTK_CHECK_BUTTON(s->p_pin), of->pinned);
    gtk_check_button_set_active(GTK_CHECK_BUTTON(s->p_policy), TRUE);
    gtk_widget_set_sensitive(s->p_policy, FALSE);
  }
  s->p_note = desk_form_error(grid, row++, 0);
  s->p_go = desk_form_go(s->post_win, of ? "_Publish" : "_Post",
                         G_CALLBACK(on_post), d);
  gtk_window_present(GTK_WINDOW(s->post_win));
}

static void on_new_post(GtkButton *b, gpointer ud) {
  (void)b;
  post_window(ud, NULL);
}

static void on_new_version(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  news_item *it = g_hash_table_lookup(d->news->items, &d->news->open_id);
  if (it) post_window(d, it);
}

static void on_show_expired(GtkCheckButton *b, gpointer ud) {
  (void)b;
  schedule_rebuild(ud);
}

/* ------------------------------------------------------------ view */

static GtkWidget *detail_label(const char *name, const char *css) {
  GtkWidget *l = gtk_label_new(NULL);
  gtk_widget_set_name(l, name);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  gtk_label_set_wrap(GTK_LABEL(l), TRUE);
  gtk_label_set_selectable(GTK_LABEL(l), TRUE);
  if (css) gtk_widget_add_css_class(l, css);
  return l;
}

static GtkWidget *detail_new(pcn_desk *d) {
  desk_news *s = d->news;
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start(box, 18);
  gtk_widget_set_margin_end(box, 18);
  gtk_widget_set_margin_top(box, 12);
  gtk_widget_set_margin_bottom(box, 12);
  s->d_title = detail_label("News title", "title-2");
  s->d_meta = detail_label("News details", "dim-label");
  s->d_body = detail_label("News text", NULL);
  s->d_link = gtk_link_button_new("https://");
  gtk_widget_set_halign(s->d_link, GTK_ALIGN_START);
  gtk_accessible_update_property(GTK_ACCESSIBLE(s->d_link),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                 "Open the document", -1);
  s->d_state = detail_label("Confirmation", NULL);
  s->d_confirm = gtk_button_new_with_mnemonic("_Read and understood");
  gtk_widget_add_css_class(s->d_confirm, "suggested-action");
  g_signal_connect(s->d_confirm, "clicked", G_CALLBACK(on_detail_confirm), d);
  s->d_version = gtk_button_new_with_mnemonic("New _version");
  g_signal_connect(s->d_version, "clicked", G_CALLBACK(on_new_version), d);
  GtkWidget *actions = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append(GTK_BOX(actions), s->d_confirm);
  gtk_box_append(GTK_BOX(actions), s->d_version);
  s->d_actions = actions;
  s->d_note = detail_label("News note", "error");
  s->d_receipts_head = detail_label("Receipts summary", "heading");
  s->d_receipts = gtk_list_box_new();
  gtk_widget_set_name(s->d_receipts, "Receipts");
  gtk_list_box_set_selection_mode(GTK_LIST_BOX(s->d_receipts),
                                  GTK_SELECTION_NONE);
  gtk_widget_add_css_class(s->d_receipts, "boxed-list");
  gtk_accessible_update_property(GTK_ACCESSIBLE(s->d_receipts),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                 "Who has read it, per practice", -1);
  gtk_box_append(GTK_BOX(box), s->d_title);
  gtk_box_append(GTK_BOX(box), s->d_meta);
  gtk_box_append(GTK_BOX(box), s->d_body);
  gtk_box_append(GTK_BOX(box), s->d_link);
  gtk_box_append(GTK_BOX(box), s->d_state);
  gtk_box_append(GTK_BOX(box), actions);
  gtk_box_append(GTK_BOX(box), s->d_note);
  gtk_box_append(GTK_BOX(box), s->d_receipts_head);
  gtk_box_append(GTK_BOX(box), s->d_receipts);
  s->detail = box;
  gtk_widget_set_visible(box, FALSE);
  GtkWidget *scroll = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), box);
  gtk_widget_set_hexpand(scroll, TRUE);
  gtk_widget_set_vexpand(scroll, TRUE);
  return scroll;
}

GtkWidget *news_view_new(pcn_desk *d) {
  desk_news *s = g_new0(desk_news, 1);
  d->news = s;
  s->items =
      g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, item_free);
  set_today(s);

  s->count = gtk_label_new(NULL);
  gtk_label_set_xalign(GTK_LABEL(s->count), 0);
  gtk_widget_set_hexpand(s->count, TRUE);
  s->expired = gtk_check_button_new_with_mnemonic("Show e_xpired");
  g_signal_connect(s->expired, "toggled", G_CALLBACK(on_show_expired), d);
  s->new_post = gtk_button_new_with_mnemonic("_New post");
  gtk_widget_add_css_class(s->new_post, "suggested-action");
  gtk_widget_set_visible(s->new_post, FALSE); /* until we know the role */
  g_signal_connect(s->new_post, "clicked", G_CALLBACK(on_new_post), d);
  GtkWidget *bar = desk_bar();
  gtk_box_append(GTK_BOX(bar), s->count);
  gtk_box_append(GTK_BOX(bar), s->expired);
  gtk_box_append(GTK_BOX(bar), s->new_post);

  s->list = gtk_list_box_new();
  gtk_widget_set_name(s->list, "News");
  gtk_list_box_set_activate_on_single_click(GTK_LIST_BOX(s->list), TRUE);
  gtk_list_box_set_placeholder(GTK_LIST_BOX(s->list),
                               gtk_label_new("No announcements."));
  gtk_accessible_update_property(GTK_ACCESSIBLE(s->list),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                 "Announcements: pinned, then unread", -1);
  g_signal_connect(s->list, "row-activated", G_CALLBACK(on_row_activated), d);
  gtk_list_box_set_sort_func(GTK_LIST_BOX(s->list), row_sort, s, NULL);
  gtk_list_box_set_filter_func(GTK_LIST_BOX(s->list), row_filter, s, NULL);
  GtkWidget *scroll = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), s->list);
  gtk_widget_set_vexpand(scroll, TRUE);
  gtk_widget_set_size_request(scroll, 420, -1);
  gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroll), GTK_POLICY_NEVER,
                                 GTK_POLICY_AUTOMATIC);

  GtkWidget *body = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_box_append(GTK_BOX(body), scroll);
  gtk_box_append(GTK_BOX(body), gtk_separator_new(GTK_ORIENTATION_VERTICAL));
  gtk_box_append(GTK_BOX(body), detail_new(d));
  gtk_widget_set_vexpand(body, TRUE);
  GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append(GTK_BOX(box), bar);
  gtk_box_append(GTK_BOX(box), body);
  schedule_rebuild(d);
  return box;
}

void news_free(pcn_desk *d) {
  desk_news *s = d->news;
  if (!s) return;
  if (s->post_win) gtk_window_destroy(GTK_WINDOW(s->post_win));
  if (s->rebuild_id) g_source_remove(s->rebuild_id);
  if (s->report_id) g_source_remove(s->report_id);
  g_hash_table_destroy(s->items);
  g_free(s);
  d->news = NULL;
}

/* ------------------------------------------------------------ registry */

/* What waits on the member: news unread, or a policy to confirm, that has
 * not expired. */
static unsigned news_needs_me(pcn_desk *d) {
  desk_news *s = d->news;
  if (!s) return 0;
  unsigned n = 0;
  GHashTableIter iter;
  gpointer v;
  g_hash_table_iter_init(&iter, s->items);
  while (g_hash_table_iter_next(&iter, NULL, &v))
    n += needs_me(v) && !is_expired(s, v);
  return n;
}

/* Everyone. */
const desk_page news_page = {
    .id = "news",
    .title = "News",
    .group = DESK_WORK,
    .icon = "chat-message-new-symbolic",
    .view_new = news_view_new,
    .load = news_load,
    .on_event = news_on_event,
    .free = news_free,
    .needs_me = news_needs_me,
};
