/* join.c - the first-run page: paste the invitation code and choose a
 * password (the code carries the server's address and its CA's
 * fingerprint, which the connection checks before the password is sent),
 * or, on a machine that has joined before, log in again. Success saves the
 * session where pcn saves it, so the CLI is logged in too.
 *
 * Each attempt uses a short-lived client of its own; the window's main
 * connection starts once there is a session (desk_joined).
 */
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "deskpriv.h"
#include "invite.h"
#include "validate.h"

typedef struct joiner {
  pcn_desk *d;
  pcn_client *cl;
  int login; /* else join */
  char token[65], password[PCN_MAX_PASSWORD + 1], username[40];
  char server[300];
} joiner;

typedef struct join_page {
  GtkWidget *code, *pw, *again, *join, *server, *user, *login_pw, *login, *note;
  joiner *busy;
} join_page;

static join_page page; /* one first-run page per process is plenty */
/* Attempts that have ended and wait for close_later: the window may be
 * freed first (a test, or a quick quit), and then join_shutdown closes
 * them while their loop still runs, instead of an idle closing them on a
 * loop already gone. */
static GSList *ending;

static void note(const char *text) {
  gtk_label_set_text(GTK_LABEL(page.note), text);
}

/* Discarded: its calls still waiting are dropped, not answered into j. */
static void close_now(joiner *j) {
  pcn_client_discard(j->cl);
  OPENSSL_cleanse(j->password, sizeof j->password);
  g_free(j);
}

static gboolean close_later(gpointer ud) {
  ending = g_slist_remove(ending, ud);
  close_now(ud);
  return G_SOURCE_REMOVE;
}

void join_shutdown(pcn_desk *d) {
  (void)d;
  while (ending) {
    joiner *j = ending->data;
    g_idle_remove_by_data(j);
    ending = g_slist_remove(ending, j);
    close_now(j);
  }
  if (page.busy) {
    joiner *j = page.busy;
    page.busy = NULL;
    close_now(j);
  }
}

/* Ends an attempt (from inside the client's callbacks, so later). */
static void finish(joiner *j) {
  page.busy = NULL;
  gtk_widget_set_sensitive(page.join, TRUE);
  gtk_widget_set_sensitive(page.login, TRUE);
  ending = g_slist_prepend(ending, j);
  g_idle_add(close_later, j);
}

static void on_session(pcn_client *cl, const Pcn__Response *r, void *ud) {
  joiner *j = ud;
  pcn_desk *d = j->d;
  if (r->status->code != PCN__STATUS_CODE__OK ||
      r->body_case != PCN__RESPONSE__BODY_SESSION) {
    note(r->status->message);
    finish(j);
    return;
  }
  pcn_config *c = &d->cfg;
  if (!j->login) {
    pcn_config_free(c);
    memset(c, 0, sizeof *c);
    const char *ca = pcn_client_pinned_ca(cl);
    c->ca_pem = ca ? strdup(ca) : NULL; /* pcn_config_free frees it */
  }
  snprintf(c->server, sizeof c->server, "%s", j->server);
  snprintf(c->username, sizeof c->username, "%s", r->session->member->username);
  snprintf(c->token, sizeof c->token, "%s", r->session->token);
  const Pcn__Welcome *w = pcn_client_welcome(cl);
  if (w) {
    snprintf(c->network_name, sizeof c->network_name, "%s", w->network_name);
    snprintf(c->network_id, sizeof c->network_id, "%s", w->network_id);
  }
  char err[300];
  if (pcn_config_save(c, err, sizeof err)) {
    note(err);
    finish(j);
    return;
  }
  gtk_editable_set_text(GTK_EDITABLE(page.pw), "");
  gtk_editable_set_text(GTK_EDITABLE(page.again), "");
  gtk_editable_set_text(GTK_EDITABLE(page.login_pw), "");
  finish(j);
  desk_joined(d); /* the page goes away here */
}

static void on_state(pcn_client *cl, pcn_client_state st, const char *detail,
                     void *ud) {
  joiner *j = ud;
  if (st == PCN_CLIENT_READY) {
    Pcn__Request req = PCN__REQUEST__INIT;
    Pcn__Join jn = PCN__JOIN__INIT;
    Pcn__Login lg = PCN__LOGIN__INIT;
    if (j->login) {
      lg.username = j->username;
      lg.password = j->password;
      req.body_case = PCN__REQUEST__BODY_LOGIN;
      req.login = &lg;
    } else {
      jn.invite_token = j->token;
      jn.password = j->password;
      req.body_case = PCN__REQUEST__BODY_JOIN;
      req.join = &jn;
    }
    note(j->login ? "Logging in…" : "Joining…");
    if (!pcn_client_call(cl, &req, on_session, j)) {
      note("The connection was lost; try again.");
      finish(j);
    }
  } else if (st == PCN_CLIENT_FAILED) {
    note(detail && *detail ? detail : pcn_client_error(cl));
    finish(j);
  }
}

static void start(joiner *j, const pcn_client_config *cc) {
  j->cl = pcn_client_new(&j->d->loop, cc);
  if (!j->cl) {
    note("That server address cannot be used.");
    OPENSSL_cleanse(j->password, sizeof j->password);
    g_free(j);
    return;
  }
  page.busy = j;
  gtk_widget_set_sensitive(page.join, FALSE);
  gtk_widget_set_sensitive(page.login, FALSE);
  note("Connecting…");
  pcn_client_on_state(j->cl, on_state, j);
  pcn_client_connect(j->cl);
}

static void on_join(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  if (page.busy) return;
  pcn_invite inv;
  char err[400];
  if (pcn_invite_decode(gtk_editable_get_text(GTK_EDITABLE(page.code)), &inv,
                        err, sizeof err)) {
    note(err);
    return;
  }
  const char *pw = gtk_editable_get_text(GTK_EDITABLE(page.pw));
  const char *why = pcn_check_password(pw);
  if (why) {
    note(why);
    return;
  }
  if (strcmp(pw, gtk_editable_get_text(GTK_EDITABLE(page.again))) != 0) {
    note("The two passwords differ; type them again.");
    return;
  }
  joiner *j = g_new0(joiner, 1);
  j->d = d;
  snprintf(j->token, sizeof j->token, "%s", inv.token);
  snprintf(j->password, sizeof j->password, "%s", pw);
  snprintf(j->server, sizeof j->server, "%s", inv.server);
  pcn_client_config cc = {.server = inv.server,
                          .pin_sha256 = inv.ca_sha256,
                          .client_name = "pcn-desktop",
                          .client_version = PCN_VERSION};
  start(j, &cc);
}

static void on_login(GtkButton *b, gpointer ud) {
  (void)b;
  pcn_desk *d = ud;
  if (page.busy) return;
  if (!d->cfg.ca_pem) {
    note("This computer has not joined a network yet: paste your "
         "invitation code above.");
    return;
  }
  joiner *j = g_new0(joiner, 1);
  j->d = d;
  j->login = 1;
  snprintf(j->server, sizeof j->server, "%s",
           gtk_editable_get_text(GTK_EDITABLE(page.server)));
  snprintf(j->username, sizeof j->username, "%s",
           gtk_editable_get_text(GTK_EDITABLE(page.user)));
  snprintf(j->password, sizeof j->password, "%s",
           gtk_editable_get_text(GTK_EDITABLE(page.login_pw)));
  pcn_client_config cc = {.server = j->server,
                          .ca_pem = d->cfg.ca_pem,
                          .client_name = "pcn-desktop",
                          .client_version = PCN_VERSION};
  start(j, &cc);
}

static GtkWidget *row(GtkWidget *grid, int r, const char *label,
                      const char *name, int secret) {
  return desk_field(grid, r, label, desk_entry(name, NULL, secret));
}

GtkWidget *join_view_new(pcn_desk *d) {
  GtkWidget *grid = gtk_grid_new();
  gtk_grid_set_row_spacing(GTK_GRID(grid), 8);
  gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
  gtk_widget_set_size_request(grid, 520, -1);
  gtk_widget_set_halign(grid, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top(grid, 36);
  GtkWidget *h = gtk_label_new("Join your network");
  gtk_widget_add_css_class(h, "title-2");
  gtk_grid_attach(GTK_GRID(grid), h, 0, 0, 2, 1);
  GtkWidget *intro = gtk_label_new(
      "Paste the invitation code your PCN manager sent you and choose a "
      "password (10 characters or more).");
  gtk_label_set_wrap(GTK_LABEL(intro), TRUE);
  gtk_grid_attach(GTK_GRID(grid), intro, 0, 1, 2, 1);
  page.code = row(grid, 2, "Invitation _code", "Invitation code", 0);
  gtk_entry_set_placeholder_text(GTK_ENTRY(page.code), "pcn1-…");
  page.pw = row(grid, 3, "New _password", "New password", 1);
  page.again = row(grid, 4, "_Same again", "Same password again", 1);
  page.join = gtk_button_new_with_mnemonic("_Join");
  gtk_widget_add_css_class(page.join, "suggested-action");
  gtk_widget_set_halign(page.join, GTK_ALIGN_END);
  g_signal_connect(page.join, "clicked", G_CALLBACK(on_join), d);
  gtk_grid_attach(GTK_GRID(grid), page.join, 1, 5, 1, 1);

  GtkWidget *h2 = gtk_label_new("Joined before on this computer? Log in");
  gtk_widget_add_css_class(h2, "heading");
  gtk_widget_set_margin_top(h2, 24);
  gtk_grid_attach(GTK_GRID(grid), h2, 0, 6, 2, 1);
  page.server = row(grid, 7, "Se_rver", "Server", 0);
  gtk_editable_set_text(GTK_EDITABLE(page.server), d->cfg.server);
  page.user = row(grid, 8, "_Username", "Username", 0);
  gtk_editable_set_text(GTK_EDITABLE(page.user), d->cfg.username);
  page.login_pw = row(grid, 9, "Pass_word", "Password", 1);
  page.login = gtk_button_new_with_mnemonic("_Log in");
  gtk_widget_set_halign(page.login, GTK_ALIGN_END);
  g_signal_connect(page.login, "clicked", G_CALLBACK(on_login), d);
  gtk_grid_attach(GTK_GRID(grid), page.login, 1, 10, 1, 1);
  page.note = gtk_label_new(NULL);
  gtk_label_set_wrap(GTK_LABEL(page.note), TRUE);
  gtk_label_set_xalign(GTK_LABEL(page.note), 0);
  gtk_grid_attach(GTK_GRID(grid), page.note, 0, 11, 2, 1);
  GtkWidget *scroll = gtk_scrolled_window_new();
  gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), grid);
  gtk_widget_set_vexpand(scroll, TRUE);
  gtk_widget_set_hexpand(scroll, TRUE);
  return scroll;
}
