/* duties.c - placeholder: the Responsibilities view arrives with issue 6. */
#include "deskpriv.h"

GtkWidget *duties_view_new(pcn_desk *d) {
  (void)d;
  return gtk_label_new("Responsibilities: coming with this release.");
}
void duties_load(pcn_desk *d) {
  (void)d;
}
void duties_on_event(pcn_desk *d, const Pcn__Event *ev) {
  (void)d;
  (void)ev;
}
void duties_free(pcn_desk *d) {
  (void)d;
}
