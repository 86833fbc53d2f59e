/* perms.h - the client side of the server's permission table (issue 19).
 *
 * WhoAmI's answer carries the member's slice of the table the server
 * enforces (server/dispatch.c: Member.permissions), so the desktop greys
 * out or hides what would be refused, from the same rule, instead of a
 * copy of it: for a request type, may the member act on a network-wide
 * target, on their own practice's, on another's, and may a record's
 * creator or assignee act where the role alone may not. The server still
 * decides; this only saves a person the refusal. Until WhoAmI is answered
 * (or from a server too old to send the slice) everything is allowed here
 * and the server's refusal says why, as before.
 */
#ifndef PCN_PERMS_H
#define PCN_PERMS_H

#include "deskpriv.h"

/* Keeps m's slice (desk.c, when WhoAmI is answered). */
void desk_perms_set(pcn_desk *d, const Pcn__Member *m);
/* Whether the member may make request body_case (Pcn__Request__BodyCase)
 * on target_practice (an ODS code; NULL or "" for the network). owner:
 * TRUE when the member created or holds the record (REQ_OWNER requests).
 * On FALSE, *why (when why is not NULL) is a sentence for a tooltip that
 * says what they may not do and whom to ask, valid until the next call. */
gboolean desk_may(pcn_desk *d, int body_case, const char *target_practice,
                  gboolean owner, const char **why);
/* desk_may for a control: sensitive or not, with why as its tooltip (and
 * ok_tip, which may be NULL, when allowed). Returns what desk_may did. */
gboolean desk_may_widget(pcn_desk *d, GtkWidget *w, int body_case,
                         const char *target_practice, gboolean owner,
                         const char *ok_tip);

#endif
