/* decisions.c - placeholder: the Decisions view arrives with issue 6. */
#include "deskpriv.h"

GtkWidget *decisions_view_new(pcn_desk *d) {
  (void)d;
  return gtk_label_new("Decisions: coming with this release.");
}
void decisions_load(pcn_desk *d) {
  (void)d;
}
void decisions_on_event(pcn_desk *d, const Pcn__Event *ev) {
  (void)d;
  (void)ev;
}
void decisions_free(pcn_desk *d) {
  (void)d;
}
