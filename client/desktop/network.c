/* network.c - placeholder: the Network view arrives with issue 6. */
#include "deskpriv.h"

GtkWidget *network_view_new(pcn_desk *d) {
  (void)d;
  return gtk_label_new("Network: coming with this release.");
}
void network_load(pcn_desk *d) {
  (void)d;
}
void network_on_event(pcn_desk *d, const Pcn__Event *ev) {
  (void)d;
  (void)ev;
}
void network_free(pcn_desk *d) {
  (void)d;
}
