#!/usr/bin/env bash
# Decisions between practices through the real pcn binary against a real
# pcnd: the PCN manager proposes, Jo (F84001) and Ravi (F84002) vote from
# their own configurations, an objection without a reason is refused, the
# last vote closes it with its outcome, which Jo's `pcn feed` shows live;
# Jo names Sam as F84001's voter, proposes, reminds and withdraws; --json
# parses on every verb; usage errors are one line and exit 1; refusals
# exit 2 with the server's sentence.
. "$(dirname "$0")/cli_common.bash" "$1"
jo() { as jo "$@"; }
ravi() { as ravi "$@"; }
sam() { as sam "$@"; }

cli_start_network
cli_add_practices
cli_add_member jo practice_manager F84001 "Jo Bloggs"
cli_add_member ravi practice_manager F84002 "Ravi Patel"
cli_add_member sam staff F84001 "Sam Hill"
ok

cli_feed jo
tomorrow=$(date -d tomorrow +%F)

# --- propose, vote, object, close early with the outcome
id=$(mgr decision propose --title "Shared flu clinic" --rule consent \
  --closes "$tomorrow 17:00" --text "One clinic at Riverside on Saturdays." --json |
  json 'd["id"]')
[ "$id" = 1 ] || fail "propose --json gave id $id"
wait_feed 'proposed decision 1 "Shared flu clinic" (consent, 2 practices'
[ "$(jo decision vote 1 agree --json | json 'd["state"]')" = decision_open ] || fail "jo's vote"
expect 2 ravi decision vote 1 disagree; one_line "objection without a reason"
grep -q 'objection' "$tmp/err" || fail "objection message: $(cat "$tmp/err")"
out=$(ravi decision vote 1 disagree --reason "No room on Saturdays" --json)
[ "$(echo "$out" | json 'd["outcome"]')" = decision_rejected ] || fail "outcome: $out"
[ "$(echo "$out" | json 'd["closed_early"]')" = True ] || fail "closed early: $out"
wait_feed 'F84002 voted disagree on decision 1: "No room on Saturdays"'
wait_feed 'closed decision 1 "Shared flu clinic": Rejected: 1 of 2 practices objected'
ok

# --- the outcome never changes; the record shows every vote
expect 2 jo decision vote 1 disagree --reason "changed my mind"; one_line "vote after close"
grep -q 'never change' "$tmp/err" || fail "closed message: $(cat "$tmp/err")"
jo decision show 1 > "$tmp/show"
grep -q '^outcome: *Rejected' "$tmp/show" || fail "show: $(cat "$tmp/show")"
grep -q '^F84002 *disagree *ravi' "$tmp/show" || fail "show votes: $(cat "$tmp/show")"
[ "$(ravi decision show 1 --json | json 'len(d["votes"])')" = 2 ] || fail "show --json"
[ "$(ravi decision list --json | json 'd["decisions"][0]["state"]')" = decision_closed ] ||
  fail "list --json"
ravi decision list | grep -q 'rejected  consent' || fail "list table: $(ravi decision list)"
ok

# --- a named voter; a practice's own proposal, reminded and withdrawn
expect 2 sam decision vote 1 agree
[ "$(jo decision voter sam --json | json 'd["username"]')" = sam ] || fail "voter --json"
wait_feed 'F84001 named sam as its voter on decisions'
expect 2 ravi decision voter ravi --practice F84001; one_line "voter of another practice"
[ "$(ravi decision voters --json | json 'd["voters"][0]["username"]')" = sam ] || fail "voters --json"
id2=$(jo decision propose --title "Joint training day" --rule majority \
  --closes "$tomorrow" --json | json 'd["id"]')
[ "$(sam decision vote "$id2" agree --json | json 'd["votes"][0]["voter"]')" = sam ] ||
  fail "sam votes for F84001"
expect 2 ravi decision withdraw "$id2"; one_line "withdraw by another"
grep -q 'Only the proposer' "$tmp/err" || fail "withdraw message: $(cat "$tmp/err")"
[ "$(jo decision remind "$id2" --json | json 'd["practices"]')" = "['F84002']" ] ||
  fail "remind --json"
expect 2 jo decision remind "$id2"; one_line "second reminder"
grep -q 'a day' "$tmp/err" || fail "reminder limit message: $(cat "$tmp/err")"
expect 2 jo decision withdraw "$id2" --version 9
grep -q 'meanwhile' "$tmp/err" || fail "withdraw conflict: $(cat "$tmp/err")"
grep -q 'Joint training day' "$tmp/out" || fail "conflict does not show the decision"
[ "$(jo decision withdraw "$id2" --reason "Dates clash" --json | json 'd["state"]')" = \
  decision_withdrawn ] || fail "withdraw --json"
wait_feed "withdrew decision $id2 \"Joint training day\": Dates clash"
ok

# --- usage errors: one line, exit 1, nothing sent
expect 1 mgr decision propose --title x --closes "$tomorrow"; one_line "no rule"
expect 1 mgr decision propose --title x --rule mostly --closes "$tomorrow"; one_line "bad rule"
expect 1 mgr decision propose --title x --rule consent --closes "next week"; one_line "bad closes"
grep -q 'YYYY-MM-DD' "$tmp/err" || fail "closes message: $(cat "$tmp/err")"
expect 1 jo decision vote 1 maybe; one_line "bad choice"
expect 1 jo decision show one; one_line "bad id"
expect 1 jo decision list --state pending; one_line "bad state"
[ "$(mgr decision list --json | json 'len(d["decisions"])')" = 2 ] || fail "a usage error made something"
mgr decision --help | grep -q 'pcn decision voter' || fail "decision --help"
mgr decision propose --help | grep -q 'silence blocks' || fail "propose --help"
ok

# --- UK time on every machine (issue 20; ctest runs this file under
# TZ=UTC, America/New_York and Europe/London too): 17:00 typed for a summer
# day is 16:00 UTC, and every member reads 17:00 back, in show, list and
# the feed; a winter day's 17:00 is 17:00 UTC.
summer=$(python3 -c 'import datetime as d; t=d.date.today(); print(next(c for c in (d.date(t.year,7,10), d.date(t.year+1,4,20)) if c > t + d.timedelta(days=1)))')
summer_ms=$(python3 -c "import datetime as d; print(int(d.datetime.fromisoformat('$summer 16:00+00:00').timestamp()*1000))")
id3=$(mgr decision propose --title "Summer rota" --rule consent \
  --closes "$summer 17:00" --json | json 'd["id"]')
[ "$(jo decision show "$id3" --json | json 'd["closes_at"]')" = "$summer_ms" ] ||
  fail "17:00 UK time in July is not 16:00 UTC: $(jo decision show "$id3" --json)"
jo decision show "$id3" | grep -q "^closes: *$summer 17:00\$" ||
  fail "closes as shown: $(jo decision show "$id3")"
wait_feed "\"Summer rota\" (consent, 2 practices, closes $summer 17:00)"
winter=$(python3 -c 'import datetime as d; t=d.date.today()+d.timedelta(days=2); print(t if t.month in (11,12,1,2) else f"{t.year+(t.month>2)}-01-12")')
winter_ms=$(python3 -c "import datetime as d; print(int(d.datetime.fromisoformat('$winter 17:00+00:00').timestamp()*1000))")
[ "$(mgr decision propose --title "Winter rota" --rule consent --closes "$winter" --json |
  json 'd["closes_at"]')" = "$winter_ms" ] || fail "a winter date alone is not 17:00 GMT"
ok

# --- refusals: exit 2 with the server's sentence
expect 2 mgr decision propose --title "Too soon" --rule consent --closes "$(date -d yesterday +%F)"
one_line "closing in the past"; grep -q 'closes_at' "$tmp/err" || fail "past: $(cat "$tmp/err")"
expect 2 sam decision propose --title "Staff idea" --rule consent --closes "$tomorrow"
one_line "staff propose"
expect 2 mgr decision vote 1 agree; grep -q 'Practices vote' "$tmp/err" || fail "manager vote"
ok

cli_stop_feed || fail "pcn feed exited $? on SIGINT"
echo "$passed passed, 0 failed"
