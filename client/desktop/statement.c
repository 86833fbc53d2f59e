/* statement.c - the Statement page: a month's statement with its chart drawn in the window. (Stub: being built.) */
#include "deskpriv.h"

GtkWidget *statement_view_new(pcn_desk *d) {
  (void)d;
  return gtk_label_new("Coming soon.");
}
void statement_load(pcn_desk *d) { (void)d; }
void statement_on_event(pcn_desk *d, const Pcn__Event *ev) {
  (void)d, (void)ev;
}
void statement_free(pcn_desk *d) { (void)d; }
