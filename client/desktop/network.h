/* network.h - what the Network page (network.c) tells other pages about
 * the network's settings it holds (issue 19). The settings arrive after
 * the first connect and with every settings event; until then the
 * defaults hold.
 */
#ifndef PCN_DESK_NETWORK_H
#define PCN_DESK_NETWORK_H

#include "deskpriv.h"

/* Whether the network offers staff and clinicians the Funding plan and
 * ARRS headroom pages (NetworkSettings.staff_see_funding; default no).
 * Read by those pages' shown functions: the sidebar asks again after every
 * event, so a change shows at once. Not a permission: the server lets
 * everyone read those reports. */
int desk_staff_see_funding(pcn_desk *d);

#endif
