/* funds.c - placeholder: the Funds view arrives with issue 7. */
#include "deskpriv.h"

GtkWidget *funds_view_new(pcn_desk *d) {
  (void)d;
  return gtk_label_new("Funds: coming with this release.");
}
void funds_load(pcn_desk *d) {
  (void)d;
}
void funds_on_event(pcn_desk *d, const Pcn__Event *ev) {
  (void)d;
  (void)ev;
}
void funds_free(pcn_desk *d) {
  (void)d;
}
