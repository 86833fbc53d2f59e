/* words.h - the desktop's shared vocabulary (issue 19): what every page
 * shows a person instead of the wire's codes. Dates as people in England
 * read them ("Wed 9 Dec", "9 Dec 2027"), times in UK time ("Wed 9 Dec,
 * 14:00"), roles, people and practices by name, the server's refusals
 * without their field prefix and CLI advice, a confirmation dialog, a
 * date entry with a calendar, a person picker, a practice picker and a
 * practices check list. Pages adopt these one by one; nothing here sends
 * a request.
 *
 * The pure parts (dates, roles, error words) need no display; the reading
 * of typed dates is common/uktime.c's pcn_date_parse_uk, shared with the
 * CLI. Names come from the Members and Practices lists people.c keeps
 * live from the feed (people_member_name, people_practice_name).
 */
#ifndef PCN_WORDS_H
#define PCN_WORDS_H

#include "deskpriv.h"

/* desk_date_words' flags: the weekday ("Wed 9 Dec"), the year even when it
 * is this year's ("9 Dec 2026"). */
#define DESK_DATE_WEEKDAY 1
#define DESK_DATE_YEAR 2
/* "YYYY-MM-DD" in words: "Wed 9 Dec" this year, "9 Dec 2027" otherwise (as
 * flags ask). Anything that is not a date is copied as it is ("" stays
 * ""). Always NUL-terminated; 24 bytes suffice. */
void desk_date_words(const char *iso, char *out, size_t n, int flags);
/* An instant in UK time: "Wed 9 Dec, 14:00" ("9 Dec 2027, 14:00" in
 * another year); 32 bytes suffice. */
void desk_datetime_words(int64_t ms, char *out, size_t n);
/* "Practice manager", "PCN manager", "Clinical director", "Staff",
 * "Clinician"; a static string. */
const char *desk_role_words(int role);
/* The member's display name, or username itself when the Members list does
 * not know them (yet). Valid until the list next changes. */
const char *desk_person_words(pcn_desk *d, const char *username);
/* The practice's name, or ods itself when not known (also for ""); the
 * code for a tooltip is ods. Valid until the list next changes. */
const char *desk_practice_words(pcn_desk *d, const char *ods);
/* A funding stream by its name ("ARRS reimbursement"); its code until the
 * server has named it. desk_stream_dropdown makes dd, a drop-down over
 * d->streams, show the names (the code in the tooltip); desk_streams_named
 * has every such drop-down bind its rows again once names arrive. */
const char *desk_stream_words(pcn_desk *d, const char *code);
void desk_stream_dropdown(pcn_desk *d, GtkWidget *dd);
void desk_streams_named(pcn_desk *d);
/* The server's message for the window: without a leading "field: " and
 * with the clauses that give CLI advice (a `pcn ...` command in backquotes)
 * left out. Always NUL-terminated. */
void desk_error_words(const Pcn__Status *st, char *out, size_t n);
/* Shows st's words in label (under field) and marks field with the "error"
 * style; st NULL or OK clears both. */
void desk_field_error(GtkWidget *field, GtkWidget *label,
                      const Pcn__Status *st);

/* A row's strip of per-practice chips (answers, votes, agreements; issue
 * 19): a GtkFlowBox that wraps them onto as many lines as the row's width
 * needs, so a row is as wide as the page and not as the sum of the
 * practices' names. desk_strip_add appends a chip, which takes no focus:
 * the chips are read, not chosen. */
GtkWidget *desk_strip_new(void);
void desk_strip_add(GtkWidget *strip, GtkWidget *chip);

/* Asks before something that cannot be taken back lightly: an
 * AdwMessageDialog over parent with heading, body, "Cancel" and verb
 * (destructive: red). cb(ud) runs only when verb is chosen; ud is freed
 * with destroy (may be NULL) when the dialog goes, either way. Returns the
 * dialog (named "Confirm", presented). */
/* An empty list's state: a compact AdwStatusPage with icon (NULL: none),
 * title and what comes next, named name (and its accessible label) for
 * tests; as tall as what it says, so a list box's placeholder shows it
 * whole. */
GtkWidget *desk_empty_state(const char *name, const char *icon,
                            const char *title, const char *what);
GtkWidget *desk_confirm(GtkWindow *parent, const char *heading,
                        const char *body, const char *verb,
                        gboolean destructive, void (*cb)(gpointer ud),
                        gpointer ud, GDestroyNotify destroy);

/* A date field: an entry that reads what people type (pcn_date_parse_uk)
 * and a calendar button beside it. What it cannot read gets the "error"
 * style and a tooltip that says what to type; what it reads, a tooltip in
 * words. name names the entry for screen readers and the tests. */
GtkWidget *desk_date_entry_new(const char *name);
/* The date as "YYYY-MM-DD" into iso: 0; 1 if empty (iso ""); -1 if it
 * cannot be read (iso "", *why set when why is not NULL). */
int desk_date_entry_get(GtkWidget *w, char iso[11], const char **why);
/* Shows iso ("" empties it) in words. */
void desk_date_entry_set(GtkWidget *w, const char *iso);
/* The entry inside (to type into, to mark). */
GtkWidget *desk_date_entry_text(GtkWidget *w);

/* A drop-down of people by display name over the Members list: enabled
 * members, those of practice when practice is not NULL or "". The
 * username picked, or NULL when there is no one. */
GtkWidget *desk_person_picker_new(pcn_desk *d, const char *practice);
const char *desk_person_picker_get(GtkWidget *picker);
/* Adds a choice to picker at position (-1: the end) that reads label and
 * picks username: "Nobody" for "" (no one), or a person the list leaves
 * out (a task's holder since disabled). */
void desk_person_picker_add(GtkWidget *picker, int position,
                            const char *username, const char *label);
/* Picks username if the list has them; 0, or -1. */
int desk_person_picker_set(GtkWidget *picker, const char *username);

/* A drop-down of the network's practices by name (issue 19), over the
 * Practices list as it is when made (pcn_desk_practices), sorted by name,
 * none_label first (when not NULL) for no practice. The model is a
 * GtkStringList of the names shown; the codes are the picker's own. The
 * button shows the name ellipsized past max_chars (a cell never grows
 * with a long name), the whole name and the code in its tooltip; the list
 * shows each name whole with its code dim beside it. Rebuild it when the
 * list changes: it does not follow the list by itself, so that no pick is
 * ever made but by a person or by _set. */
GtkWidget *desk_practice_picker_new(pcn_desk *d, const char *none_label,
                                    int max_chars);
/* The ODS code picked; "" for none_label or nothing picked. Valid while
 * the picker lives. */
const char *desk_practice_picker_get(GtkWidget *picker);
/* Picks ods ("" or NULL: none_label). A code the list does not know (yet)
 * is added, shown as its code, so the picker never shows what is not so.
 * 0, or -1 when ods is "" and the picker has no none_label. */
int desk_practice_picker_set(GtkWidget *picker, const char *ods);

/* Whom a post is to (issue 19): an "Everyone in the network" check, then
 * one check per practice of the Practices list, by name (wrapping; the
 * code in its tooltip), sorted by name. Everyone unticks the others and
 * makes them insensitive. Starts at Everyone. */
GtkWidget *desk_practices_check_new(pcn_desk *d);
/* What is ticked: 0 for Everyone (out untouched), else the number of
 * codes appended to out (borrowed, valid while w lives) in the list's
 * order, or -1 when nothing is ticked. */
int desk_practices_check_get(GtkWidget *w, GPtrArray *out);
/* Ticks the n codes (n 0: Everyone) and nothing else; a code the list
 * does not know gets a check of its own. */
void desk_practices_check_set(GtkWidget *w, char *const *codes, size_t n);
/* The Everyone check: a form row's mnemonic widget. */
GtkWidget *desk_practices_check_everyone(GtkWidget *w);

/* people.c: the lists' names. NULL when not known. */
const char *people_member_name(pcn_desk *d, const char *username);
const char *people_practice_name(pcn_desk *d, const char *ods);
/* Appends the usernames (borrowed strings) of the enabled members, of
 * practice when not NULL or "", to out in the list's order. */
void people_member_keys(pcn_desk *d, const char *practice, GPtrArray *out);

#endif
