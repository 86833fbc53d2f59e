/* plan.c - the Funding plan page: rates by year, expected against received, budgets. (Stub: being built.) */
#include "deskpriv.h"

GtkWidget *plan_view_new(pcn_desk *d) {
  (void)d;
  return gtk_label_new("Coming soon.");
}
void plan_load(pcn_desk *d) { (void)d; }
void plan_on_event(pcn_desk *d, const Pcn__Event *ev) {
  (void)d, (void)ev;
}
void plan_free(pcn_desk *d) { (void)d; }
