#!/usr/bin/env bash
# Meetings through the real pcn binary against a real pcnd, between the
# PCN manager and the practice managers of two practices (Jo at F84001,
# Sam at F84002): a meeting called in UK time, Jo's agenda item reaching
# Sam's feed live, the iCalendar export twice (same UID, SEQUENCE grows
# after an edit), a past meeting's attendance, minutes and an action that
# is at once Jo's task; members' e-mail addresses as the export's
# ATTENDEEs, checked by python-icalendar. Then --json on every verb, usage
# errors (one line, exit 1) and refusals (exit 2, the server's sentence).
. "$(dirname "$0")/cli_common.bash" "$1"
jo() { as jo "$@"; }
sam() { as sam "$@"; }
ali() { as ali "$@"; }

# The value of an iCalendar property in a file (lines unfolded first).
ics_prop() {
  python3 - "$1" "$2" <<'EOF'
import sys
text = open(sys.argv[1], newline="").read()
assert "\r\n" in text, "not CRLF"
lines = text.replace("\r\n ", "").split("\r\n")
print("\n".join(l.split(":", 1)[1] for l in lines if l.split(":", 1)[0].split(";")[0] == sys.argv[2]))
EOF
}

cli_start_network
cli_add_practices
cli_add_member jo practice_manager F84001
cli_add_member sam practice_manager F84002
invite=$(jo member invite --username ali --name "Ali" --role staff --practice F84001 | cli_code)
cli_join ali "$invite"
ok

# --- a meeting in UK summer time: 14:00 BST is 13:00 UTC
mgr meeting new --title "PCN board" --start "2030-06-04 14:00" --end 15:30 \
  --place "Riverside, room 2" --invite jo,sam --json > "$tmp/new.json"
[ "$(json 'd["id"]' < "$tmp/new.json")" = 1 ] || fail "meeting new --json"
[ "$(json 'd["starts_at"]' < "$tmp/new.json")" = 1906808400000 ] || fail "14:00 BST is not 13:00 UTC: $(cat "$tmp/new.json")"
[ "$(json '",".join(d["invitees"])' < "$tmp/new.json")" = manager,jo,sam ] || fail "invitees"
ok

# --- Jo adds to the agenda; Sam's feed shows it at once
cli_feed sam
wait_feed 'created meeting 1 "PCN board" (called by manager, 3 invited)'
[ "$(jo meeting agenda 1 "Estates: Hill Street lease" --json | json 'd["n"]')" = 1 ] || fail "agenda --json"
wait_feed 'created agenda item 1 of meeting 1: "Estates: Hill Street lease"'
cli_stop_feed || fail "pcn feed exited $? on SIGINT"
sam meeting show 1 > "$tmp/show.txt"
grep -q '2030-06-04 14:00-15:30 BST' "$tmp/show.txt" || fail "show: $(cat "$tmp/show.txt")"
grep -q '1. Estates: Hill Street lease (jo)' "$tmp/show.txt" || fail "show agenda: $(cat "$tmp/show.txt")"
[ "$(sam meeting show 1 --json | json 'd["agenda"][0]["added_by"]')" = jo ] || fail "show --json"
sam meeting list --all > "$tmp/list.txt"
grep -q 'PCN board @ Riverside, room 2' "$tmp/list.txt" || fail "list: $(cat "$tmp/list.txt")"
[ "$(sam meeting list --from 2030-06-04 --to 2030-06-04 --json | json 'len(d["meetings"])')" = 1 ] ||
  fail "list --json for the day"
[ "$(sam meeting list --from 2030-06-05 --to 2030-06-30 --json | json 'len(d["meetings"])')" = 0 ] ||
  fail "list of the days after"
ok

# --- iCalendar, twice: the same UID, and a higher SEQUENCE after an edit
mgr meeting ics 1 --out "$tmp/a.ics" 2> /dev/null
netid=$(ics_prop "$tmp/a.ics" UID | sed 's/^meeting-\(.*\)-1@pcn-hub$/\1/')
[ ${#netid} -eq 32 ] || fail "UID: $(ics_prop "$tmp/a.ics" UID)"
[ "$(ics_prop "$tmp/a.ics" METHOD)" = PUBLISH ] || fail "METHOD"
[ "$(ics_prop "$tmp/a.ics" DTSTART)" = 20300604T130000Z ] || fail "DTSTART $(ics_prop "$tmp/a.ics" DTSTART)"
[ "$(ics_prop "$tmp/a.ics" DTEND)" = 20300604T143000Z ] || fail "DTEND"
[ "$(ics_prop "$tmp/a.ics" SUMMARY)" = "PCN board" ] || fail "SUMMARY"
[ "$(ics_prop "$tmp/a.ics" LOCATION)" = 'Riverside\, room 2' ] || fail "LOCATION $(ics_prop "$tmp/a.ics" LOCATION)"
ics_prop "$tmp/a.ics" DESCRIPTION | grep -q 'Estates: Hill Street lease' || fail "DESCRIPTION"
seq1=$(ics_prop "$tmp/a.ics" SEQUENCE)
v=$(mgr meeting show 1 --json | json 'd["meeting"]["version"]')
[ "$seq1" = "$v" ] || fail "SEQUENCE $seq1 is not the version $v"
mgr meeting update 1 --version "$v" --start "2030-06-04 15:00" --end 16:30 --json > "$tmp/upd.json"
[ "$(json 'd["version"]' < "$tmp/upd.json")" = $((v + 1)) ] || fail "update --json"
mgr meeting ics 1 --out "$tmp/b.ics" --json > "$tmp/ics.json"
[ "$(ics_prop "$tmp/b.ics" UID)" = "$(ics_prop "$tmp/a.ics" UID)" ] || fail "the UID changed"
seq2=$(ics_prop "$tmp/b.ics" SEQUENCE)
[ "$seq2" -gt "$seq1" ] || fail "SEQUENCE did not grow: $seq1 then $seq2"
[ "$(ics_prop "$tmp/b.ics" DTSTART)" = 20300604T140000Z ] || fail "moved DTSTART"
[ "$(json 'd["events"][0]["uid"]' < "$tmp/ics.json")" = "$(ics_prop "$tmp/b.ics" UID)" ] || fail "ics --json"
[ "$(json 'd["events"][0]["sequence"]' < "$tmp/ics.json")" = "$seq2" ] || fail "ics --json sequence"
mgr meeting ics 1 | grep -q '^BEGIN:VCALENDAR' || fail "ics to standard output"
ok

# --- a past meeting: attendance (the meeting's length by default),
# minutes, and an action that is Jo's task at once
mgr meeting new --title "Winter planning" --start "2025-01-15 10:00" --minutes 60 \
  --invite jo,sam > /dev/null
[ "$(mgr meeting attend 2 jo,sam --json | json '[a["minutes"] for a in d["attendance"]]')" = "[60, 60]" ] ||
  fail "attend --json"
mgr meeting attend 2 sam --minutes 45 > "$tmp/att.txt"
grep -q 'sam (F84002) attended for 45 minutes' "$tmp/att.txt" || fail "attend: $(cat "$tmp/att.txt")"
[ "$(mgr meeting minutes 2 --version 1 --text "Rota agreed." --json | json 'd["version"]')" = 2 ] ||
  fail "minutes --json"
task=$(mgr meeting action 2 --title "Send the winter rota" --assign jo --due 2030-01-10 --json |
  json 'd["task_id"]')
[ "$(jo task list --assignee jo --json | json '[t["id"] for t in d["tasks"]]')" = "[$task]" ] ||
  fail "the action is not jo's task"
jo task show "$task" | grep -q 'An action from meeting 2' || fail "task body"
mgr meeting show 2 > "$tmp/show2.txt"
grep -q "1. task $task, jo, due 2030-01-10: Send the winter rota" "$tmp/show2.txt" ||
  fail "show actions: $(cat "$tmp/show2.txt")"
grep -q 'sam          F84002   45 minutes' "$tmp/show2.txt" || fail "show attendance"
[ "$(mgr meeting ics --from 2025-01-01 --to 2030-12-31 --out "$tmp/all.ics" --json | json 'd["count"]')" = 2 ] ||
  fail "range export"
ok

# --- e-mail addresses (issue 13): set by the member or their manager,
# shown by member show/list, and each invitee who has one is an ATTENDEE
# of the exported event (CN= their name), with the meeting's link as URL.
# Read back by python-icalendar, a parser other than the libical that
# wrote it.
cli_add_member lee staff F84002 'Lee "LJ" Jones, Hill Street Surgery, practice nurse and the network lead for estates'
[ "$(jo member email jo jo.bloggs@riverside.nhs.uk --json | json 'd["email"]')" = jo.bloggs@riverside.nhs.uk ] ||
  fail "jo sets her own address"
sam member email sam Sam.Hill@hillstreet.nhs.uk > /dev/null
as lee member email lee lee.jones+pcn@nhs.net > /dev/null
jo member show jo | grep -q '^e-mail: *jo.bloggs@riverside.nhs.uk$' || fail "member show: $(jo member show jo)"
mgr member list > "$tmp/members.txt"
grep -E -q '^sam .* Sam.Hill@hillstreet.nhs.uk +sam$' "$tmp/members.txt" || fail "member list: $(cat "$tmp/members.txt")"
grep -E -q '^ali .* - +Ali$' "$tmp/members.txt" || fail "member list, no address: $(cat "$tmp/members.txt")"
expect 1 jo member email jo "jo at riverside"; one_line "not an address"
grep -q 'name@practice.nhs.net' "$tmp/err" || fail "bad address message: $(cat "$tmp/err")"
expect 2 jo member email sam sam@elsewhere.nhs.uk; one_line "jo sets sam's address"
mgr member email ali ali@riverside.nhs.uk > /dev/null
mgr member email ali - > /dev/null
[ "$(mgr member show ali --json | json 'd.get("email", "")')" = "" ] || fail "- removes the address"
link="https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ4@thread.v2/0?context=%7b%22Tid%22%3a%22x%22%7d"
mgr meeting new --title "Estates, rooms; and \"the lease\"" --start "2030-07-01 10:00" --end 11:00 \
  --place "$link" --invite jo,sam,ali,lee > /dev/null
mgr meeting ics 3 --out "$tmp/c.ics" 2> /dev/null
icalpy=""
for p in python3 /usr/bin/python3; do
  "$p" -c 'import icalendar' 2> /dev/null && { icalpy=$p; break; }
done
[ -n "$icalpy" ] || fail "python3-icalendar is missing: scripts/deps.sh installs it"
"$icalpy" - "$tmp/c.ics" "$link" > "$tmp/ical.out" 2>&1 <<'EOF' || fail "python-icalendar: $(cat "$tmp/ical.out")"
import sys, icalendar
raw = open(sys.argv[1], "rb").read()
for line in raw.split(b"\r\n"):
    assert len(line) <= 75, "unfolded line: %r" % line
cal = icalendar.Calendar.from_ical(raw)
(ev,) = cal.walk("VEVENT")
assert str(ev["SUMMARY"]) == 'Estates, rooms; and "the lease"', ev["SUMMARY"]
assert str(ev["URL"]) == sys.argv[2], ev["URL"]
att = ev["ATTENDEE"]
att = att if isinstance(att, list) else [att]
got = sorted((str(a), a.params["CN"]) for a in att)
want = sorted([
    ("mailto:jo.bloggs@riverside.nhs.uk", "jo"),
    ("mailto:Sam.Hill@hillstreet.nhs.uk", "sam"),
    ("mailto:lee.jones+pcn@nhs.net",
     "Lee 'LJ' Jones, Hill Street Surgery, practice nurse and the network lead for estates"),
])
assert got == want, got
assert all(a.params["ROLE"] == "REQ-PARTICIPANT" for a in att)
assert "ORGANIZER" not in ev, "the manager has no address"
print("ok")
EOF
ok

# --- usage errors: one line, exit 1
expect 1 mgr meeting new --title x --start "2030-03-31 01:30" --end 02:30; one_line "spring gap"
grep -q 'clocks go forward' "$tmp/err" || fail "gap message: $(cat "$tmp/err")"
expect 1 mgr meeting new --title x --start tomorrow --end 10:00; one_line "bad start"
grep -q 'YYYY-MM-DD HH:MM' "$tmp/err" || fail "start message: $(cat "$tmp/err")"
expect 1 mgr meeting ics; one_line "ics without ID"
expect 1 mgr meeting show three; one_line "bad id"
expect 1 mgr meeting attend 2 jo --minutes 10 --absent; one_line "minutes and absent"
ok

# --- refusals: exit 2 with the server's sentence
expect 2 mgr meeting new --title "Backwards" --start "2030-06-05 10:00" --end 09:00
one_line "end before start"; grep -q 'after it starts' "$tmp/err" || fail "$(cat "$tmp/err")"
expect 2 ali meeting agenda 1 "Can I come?"
grep -q 'invited' "$tmp/err" || fail "non-invitee: $(cat "$tmp/err")"
expect 2 sam meeting minutes 2 --version 2 --text "Mine"
grep -q 'organiser' "$tmp/err" || fail "minutes by sam: $(cat "$tmp/err")"
expect 2 jo meeting action 2 --title x --assign jo
expect 2 ali meeting new --title x --start "2030-06-05 10:00" --end 11:00
expect 2 mgr meeting update 1 --version 1 --title "Stale"
grep -q 'meanwhile' "$tmp/err" || fail "conflict: $(cat "$tmp/err")"
grep -q 'PCN board' "$tmp/out" || fail "conflict does not show the meeting as it is"
ok

# --- issue 20: a past meeting's show suggests only what the server would
# take from this member; minutes without --version send the current one
jo meeting show 2 > "$tmp/out"
grep -q 'pcn meeting agenda' "$tmp/out" && fail "a past meeting suggests an agenda item: $(cat "$tmp/out")"
[ "$(jo meeting show 2 --json | json 'd.get("may", [])')" = "[]" ] || fail "jo may do nothing to meeting 2"
[ "$(mgr meeting show 2 --json | json 'd["may"]')" = "['update', 'attend', 'minutes', 'action']" ] ||
  fail "the manager's may: $(mgr meeting show 2 --json | json 'd.get("may")')"
sp=$(mgr meeting new --title "Spring planning" --start "2025-03-15 10:00" --minutes 60 \
  --invite jo --json | json 'd["id"]')
mgr meeting show "$sp" > "$tmp/out"
grep -q 'pcn meeting agenda' "$tmp/out" && fail "past: no agenda suggestion: $(cat "$tmp/out")"
grep -q "pcn meeting minutes $sp TEXT" "$tmp/out" || fail "minutes suggested: $(cat "$tmp/out")"
fut=$(mgr meeting new --title "Autumn planning" --start "2031-09-15 10:00" --minutes 60 \
  --invite jo --json | json 'd["id"]')
grep -q "pcn meeting agenda $fut TEXT" <(jo meeting show "$fut") || fail "jo, invited, may add to the agenda"
ali meeting show "$fut" > "$tmp/out"
grep -q 'pcn meeting agenda' "$tmp/out" && fail "ali is not invited: $(cat "$tmp/out")"
[ "$(mgr meeting minutes "$sp" "Nothing to report." --json | json 'd["version"]')" = 2 ] ||
  fail "minutes without --version"
[ "$(mgr meeting minutes "$sp" --text "Amended." --json | json 'd["minutes"]')" = "Amended." ] ||
  fail "minutes --text without --version"
expect 2 mgr meeting minutes "$sp" --version 2 --text "Stale"
grep -q 'meanwhile' "$tmp/err" || fail "a stale --version is still a conflict: $(cat "$tmp/err")"
expect 1 mgr meeting minutes "$sp" "Twice" --text "Twice"; one_line "minutes given twice"
ok

# --- across the clock changes (issue 20): each end of a range carries its
# own zone; a start in October's repeated hour is the first (BST) one, with
# a one-line note, unless GMT says the second
mgr meeting new --title "Spring forward" --start "2027-03-28 00:30" \
  --end "2027-03-28 02:30" --json > "$tmp/dst.json"
dst=$(json 'd["id"]' < "$tmp/dst.json")
[ "$(json 'd["ends_at"] - d["starts_at"]' < "$tmp/dst.json")" = 3600000 ] ||
  fail "00:30 GMT to 02:30 BST is one hour: $(cat "$tmp/dst.json")"
sam meeting show "$dst" | grep -q '2027-03-28 00:30 GMT - 02:30 BST' ||
  fail "spring range: $(sam meeting show "$dst")"
expect 0 mgr meeting new --title "Fall back" --start "2027-10-31 01:30" --minutes 30
one_line "the note on the repeated hour"
grep -q 'happens twice.*first (BST).*GMT' "$tmp/err" || fail "no note: $(cat "$tmp/err")"
back=$(mgr meeting list --from 2027-10-31 --to 2027-10-31 --json | json 'd["meetings"][0]["id"]')
sam meeting show "$back" | grep -q '2027-10-31 01:30 BST - 01:00 GMT' ||
  fail "autumn range: $(sam meeting show "$back")"
expect 0 mgr meeting new --title "Second 01:30" --start "2027-10-31 01:30 GMT" \
  --end "02:00" --json
[ ! -s "$tmp/err" ] || fail "a note though GMT was given: $(cat "$tmp/err")"
[ "$(json 'd["starts_at"]' < "$tmp/out")" = 1824946200000 ] ||
  fail "01:30 GMT is 01:30 UTC: $(cat "$tmp/out")"
sam meeting list --from 2027-10-31 --to 2027-10-31 | grep -q '2027-10-31 01:30-02:00 GMT' ||
  fail "one-zone range: $(sam meeting list --from 2027-10-31 --to 2027-10-31)"
expect 1 mgr meeting new --title x --start "2027-07-01 10:00 GMT" --minutes 30
one_line "GMT in July"; grep -q 'BST at that time' "$tmp/err" || fail "$(cat "$tmp/err")"
ok

echo "$passed passed, 0 failed"
