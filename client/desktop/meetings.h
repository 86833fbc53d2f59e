/* meetings.h - what the Meetings page (meetings.c) offers beyond the
 * DESK_VIEW entry points: the GUI tests' ways in, and the export the
 * "Export to calendar (.ics)" button runs after its file chooser.
 */
#ifndef PCN_DESK_MEETINGS_H
#define PCN_DESK_MEETINGS_H

#include "desktop.h"

/* How many meetings the page lists. */
guint pcn_desk_meeting_count(pcn_desk *d);
/* The meeting whose detail the page shows (0: none), and choosing one as
 * a click on its row does. */
guint64 pcn_desk_meeting_selected(pcn_desk *d);
void pcn_desk_meeting_select(pcn_desk *d, guint64 id);
/* The shown meeting's detail has arrived from the server (after a
 * select, or an event that changed it). */
gboolean pcn_desk_meeting_detail_ready(pcn_desk *d);
/* Writes the shown meeting as iCalendar (.ics) to path. 0, or -1 with a
 * sentence in err. */
int pcn_desk_meeting_export(pcn_desk *d, const char *path, char *err,
                            size_t errlen);

#endif
