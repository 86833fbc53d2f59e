/* news.c - placeholder: the News view arrives with issue 6. */
#include "deskpriv.h"

GtkWidget *news_view_new(pcn_desk *d) {
  (void)d;
  return gtk_label_new("News: coming with this release.");
}
void news_load(pcn_desk *d) {
  (void)d;
}
void news_on_event(pcn_desk *d, const Pcn__Event *ev) {
  (void)d;
  (void)ev;
}
void news_free(pcn_desk *d) {
  (void)d;
}
