/* staff.c - placeholder: the Shared staff view arrives with issue 7. */
#include "deskpriv.h"

GtkWidget *staff_view_new(pcn_desk *d) {
  (void)d;
  return gtk_label_new("Shared staff: coming with this release.");
}
void staff_load(pcn_desk *d) {
  (void)d;
}
void staff_on_event(pcn_desk *d, const Pcn__Event *ev) {
  (void)d;
  (void)ev;
}
void staff_free(pcn_desk *d) {
  (void)d;
}
