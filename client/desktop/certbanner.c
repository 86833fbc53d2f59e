/* certbanner.c - the strip under the desk's header that says the server's
 * certificate (or the network's root) is near its end.
 *
 * Shows the latest ServerNotice of kind "cert_expiry" while it is a
 * warning or a call to action (severity 1 or 2); an information notice
 * of that kind (the server says the certificate was replaced) hides it.
 * The feed's replay on connect brings the latest one, so a window opened
 * after the warning shows it too. Only the network's people (the PCN
 * managers, the clinical director) receive these notices; for everyone
 * else the strip never appears.
 */
#include <string.h>

#include "deskpriv.h"

GtkWidget *certbanner_new(pcn_desk *d) {
  d->cert_banner_label = gtk_label_new("");
  gtk_label_set_wrap(GTK_LABEL(d->cert_banner_label), TRUE);
  gtk_label_set_xalign(GTK_LABEL(d->cert_banner_label), 0);
  gtk_label_set_selectable(GTK_LABEL(d->cert_banner_label), TRUE);
  gtk_widget_add_css_class(d->cert_banner_label, "warning");
  d->cert_banner =
      desk_banner_new("cert-banner", "Server certificate warning",
                      "dialog-warning-symbolic", d->cert_banner_label, NULL);
  return d->cert_banner;
}

void certbanner_on_event(pcn_desk *d, const Pcn__Event *ev) {
  if (!d->cert_banner || ev->record_case != PCN__EVENT__RECORD_SERVER_NOTICE ||
      strcmp(ev->server_notice->kind, "cert_expiry") != 0)
    return;
  const Pcn__ServerNotice *n = ev->server_notice;
  if (n->severity >= 1) {
    gtk_label_set_text(GTK_LABEL(d->cert_banner_label), n->message);
    if (n->severity >= 2) {
      gtk_widget_remove_css_class(d->cert_banner_label, "warning");
      gtk_widget_add_css_class(d->cert_banner_label, "error");
    } else {
      gtk_widget_remove_css_class(d->cert_banner_label, "error");
      gtk_widget_add_css_class(d->cert_banner_label, "warning");
    }
  }
  gtk_revealer_set_reveal_child(GTK_REVEALER(d->cert_banner), n->severity >= 1);
}

const char *pcn_desk_cert_banner(pcn_desk *d) {
  if (!d->cert_banner ||
      !gtk_revealer_get_reveal_child(GTK_REVEALER(d->cert_banner)))
    return NULL;
  return gtk_label_get_text(GTK_LABEL(d->cert_banner_label));
}
