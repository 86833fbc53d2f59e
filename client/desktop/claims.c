/* claims.c - the Claims page: backfill claims from meetings, approved by the PCN manager; the year end. (Stub: being built.) */
#include "deskpriv.h"

GtkWidget *claims_view_new(pcn_desk *d) {
  (void)d;
  return gtk_label_new("Coming soon.");
}
void claims_load(pcn_desk *d) { (void)d; }
void claims_on_event(pcn_desk *d, const Pcn__Event *ev) {
  (void)d, (void)ev;
}
void claims_free(pcn_desk *d) { (void)d; }
