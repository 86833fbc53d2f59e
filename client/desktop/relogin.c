/* relogin.c - when the window's session ends (16 days unused, 30 after
 * login, a logout elsewhere), ask for the password and carry on (issue 20).
 *
 * An AdwMessageDialog over the main window with a GtkPasswordEntry: "Log
 * in" logs in on a short-lived client of its own (as the first-run page
 * does, join.c), saves the new session where pcn saves it, gives the token
 * to the window's client and reconnects it. That client kept its
 * subscription and the last seq it delivered, so the feed and every page
 * go on from where they were: what was written meanwhile arrives once, and
 * nothing shown is shown again. The window is never rebuilt. A wrong
 * password asks again with the server's sentence; "Not now" leaves the
 * window as it is, saying in its header how to log in.
 */
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "deskpriv.h"
#include "validate.h"

#define RELOGIN_KEY "pcn-relogin" /* the open dialog, on the window */

typedef struct relogin {
  pcn_desk *d;
  pcn_client *cl;
  char password[PCN_MAX_PASSWORD + 1];
} relogin;

static void ask(pcn_desk *d, const char *problem);

static gboolean close_later(gpointer ud) {
  relogin *r = ud;
  pcn_client_close(r->cl);
  OPENSSL_cleanse(r->password, sizeof r->password);
  g_free(r);
  return G_SOURCE_REMOVE;
}

static void on_session(pcn_client *cl, const Pcn__Response *res, void *ud) {
  (void)cl;
  relogin *r = ud;
  pcn_desk *d = r->d;
  g_idle_add(close_later, r);
  if (res->status->code != PCN__STATUS_CODE__OK ||
      res->body_case != PCN__RESPONSE__BODY_SESSION) {
    ask(d, res->status->message);
    return;
  }
  snprintf(d->cfg.token, sizeof d->cfg.token, "%s", res->session->token);
  char err[300];
  if (pcn_config_save(&d->cfg, err, sizeof err))
    g_warning("%s", err); /* this window carries on; pcn will ask again */
  pcn_client_set_token(d->cl, d->cfg.token);
  snprintf(d->status, sizeof d->status, "Connecting…");
  desk_show_status(d);
  pcn_client_connect(d->cl); /* resubscribes after its last seq */
}

static void on_state(pcn_client *cl, pcn_client_state st, const char *detail,
                     void *ud) {
  relogin *r = ud;
  if (st == PCN_CLIENT_READY) {
    Pcn__Login lg = PCN__LOGIN__INIT;
    lg.username = r->d->cfg.username;
    lg.password = r->password;
    Pcn__Request req = PCN__REQUEST__INIT;
    req.body_case = PCN__REQUEST__BODY_LOGIN;
    req.login = &lg;
    if (!pcn_client_call(cl, &req, on_session, r)) {
      g_idle_add(close_later, r);
      ask(r->d, "The connection was lost.");
    }
  } else if (st == PCN_CLIENT_FAILED) {
    g_idle_add(close_later, r);
    ask(r->d, detail && *detail ? detail : pcn_client_error(cl));
  }
}

static void log_in(pcn_desk *d, const char *password) {
  relogin *r = g_new0(relogin, 1);
  r->d = d;
  snprintf(r->password, sizeof r->password, "%s", password);
  pcn_client_config cc = {.server = d->cfg.server,
                          .ca_pem = d->cfg.ca_pem,
                          .client_name = "pcn-desktop",
                          .client_version = PCN_VERSION};
  r->cl = pcn_client_new(&d->loop, &cc);
  if (!r->cl) {
    OPENSSL_cleanse(r->password, sizeof r->password);
    g_free(r);
    ask(d, "The saved server address or certificate is unusable.");
    return;
  }
  snprintf(d->status, sizeof d->status, "Logging in…");
  desk_show_status(d);
  pcn_client_on_state(r->cl, on_state, r);
  pcn_client_connect(r->cl);
}

static void on_response(AdwMessageDialog *dlg, const char *response,
                        gpointer ud) {
  pcn_desk *d = ud;
  g_object_set_data(G_OBJECT(d->window), RELOGIN_KEY, NULL);
  if (strcmp(response, "login") != 0) {
    snprintf(d->status, sizeof d->status,
             "Your session has ended: close PCN Hub and open it again to "
             "log in.");
    desk_show_status(d);
    return;
  }
  GtkWidget *pw = adw_message_dialog_get_extra_child(dlg);
  log_in(d, gtk_editable_get_text(GTK_EDITABLE(pw)));
  gtk_editable_set_text(GTK_EDITABLE(pw), "");
}

static void ask(pcn_desk *d, const char *problem) {
  if (!d->window || g_object_get_data(G_OBJECT(d->window), RELOGIN_KEY)) return;
  GtkWidget *dlg = adw_message_dialog_new(GTK_WINDOW(d->window),
                                          "Your session has ended", NULL);
  adw_message_dialog_format_body(ADW_MESSAGE_DIALOG(dlg),
                                 "%s%sLog in again as %s to carry on where you "
                                 "left off.",
                                 problem ? problem : "", problem ? "\n\n" : "",
                                 d->cfg.username);
  GtkWidget *pw = gtk_password_entry_new();
  gtk_password_entry_set_show_peek_icon(GTK_PASSWORD_ENTRY(pw), TRUE);
  g_object_set(pw, "activates-default", TRUE, NULL); /* Enter logs in */
  gtk_widget_set_name(pw, "Password");
  gtk_accessible_update_property(GTK_ACCESSIBLE(pw),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "Password", -1);
  adw_message_dialog_set_extra_child(ADW_MESSAGE_DIALOG(dlg), pw);
  adw_message_dialog_add_responses(ADW_MESSAGE_DIALOG(dlg), "later", "_Not now",
                                   "login", "_Log in", NULL);
  adw_message_dialog_set_response_appearance(ADW_MESSAGE_DIALOG(dlg), "login",
                                             ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response(ADW_MESSAGE_DIALOG(dlg), "login");
  adw_message_dialog_set_close_response(ADW_MESSAGE_DIALOG(dlg), "later");
  gtk_widget_set_name(dlg, "Log in again");
  g_signal_connect(dlg, "response", G_CALLBACK(on_response), d);
  g_object_set_data(G_OBJECT(d->window), RELOGIN_KEY, dlg);
  gtk_window_present(GTK_WINDOW(dlg));
  gtk_widget_grab_focus(pw);
}

void desk_session_ended(pcn_desk *d) {
  ask(d, NULL);
}
