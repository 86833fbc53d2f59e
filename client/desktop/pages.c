/* pages.c - the page registry (issue 19): every page of the desktop, in the
 * sidebar's order, grouped Work, Money, People, Network.
 *
 * This is the only file that names every page. Each page describes itself
 * in its own file (a const desk_page: its stack name, title, group, icon,
 * and its view_new/load/on_event/free, who uses it and what waits on the
 * member; deskpriv.h), and desk.c loops over this list: adding a page is
 * one descriptor in the page's file and one line here. The Feed comes
 * first and is desk.c's own; the join view is not a page of the list.
 */
#include "deskpriv.h"

const desk_page *const desk_pages[] = {
    /* Work */
    &tasks_page,
    &asks_page,
    &news_page,
    &decisions_page,
    &meetings_page,
    &duties_page,
    /* Money */
    &funds_page,
    &statement_page,
    &plan_page,
    &headroom_page,
    &claims_page,
    /* People */
    &staff_page,
    &practices_page,
    &members_page,
    /* Network */
    &network_page,
};

const size_t desk_n_pages = G_N_ELEMENTS(desk_pages);

const char *const desk_group_names[DESK_N_GROUPS] = {"Work", "Money", "People",
                                                     "Network"};

int desk_role_is_staff(pcn_desk *d) {
  return d->role == PCN__ROLE__STAFF || d->role == PCN__ROLE__CLINICIAN;
}
