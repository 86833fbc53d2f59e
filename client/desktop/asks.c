/* asks.c - placeholder: the Asks view arrives with issue 6. */
#include "deskpriv.h"

GtkWidget *asks_view_new(pcn_desk *d) {
  (void)d;
  return gtk_label_new("Asks: coming with this release.");
}
void asks_load(pcn_desk *d) {
  (void)d;
}
void asks_on_event(pcn_desk *d, const Pcn__Event *ev) {
  (void)d;
  (void)ev;
}
void asks_free(pcn_desk *d) {
  (void)d;
}
