/* headroom.c - the ARRS headroom page: claims by month, ceiling, what would be lost. (Stub: being built.) */
#include "deskpriv.h"

GtkWidget *headroom_view_new(pcn_desk *d) {
  (void)d;
  return gtk_label_new("Coming soon.");
}
void headroom_load(pcn_desk *d) { (void)d; }
void headroom_on_event(pcn_desk *d, const Pcn__Event *ev) {
  (void)d, (void)ev;
}
void headroom_free(pcn_desk *d) { (void)d; }
