/* meetings.c - placeholder: the Meetings view arrives with issue 6. */
#include "deskpriv.h"

GtkWidget *meetings_view_new(pcn_desk *d) {
  (void)d;
  return gtk_label_new("Meetings: coming with this release.");
}
void meetings_load(pcn_desk *d) {
  (void)d;
}
void meetings_on_event(pcn_desk *d, const Pcn__Event *ev) {
  (void)d;
  (void)ev;
}
void meetings_free(pcn_desk *d) {
  (void)d;
}
