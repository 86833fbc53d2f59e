#!/usr/bin/env bash
# A decision that some practice has nobody to vote for (issue 13): propose
# warns on stderr and lists that practice (no_voter in --json), under
# unanimous saying it cannot pass; the PCN manager names the clinical
# director, a network role, as that practice's voter; the next proposal
# warns of nobody and the clinical director's vote for it counts; a
# practice manager still may not name someone outside their practice.
. "$(dirname "$0")/cli_common.bash" "$1"
jo() { as jo "$@"; }
cd_() { as cd "$@"; }

cli_start_network
cli_add_practices
cli_add_member jo practice_manager F84001 "Jo Bloggs"
cli_add_member cd clinical_director "" "Dr Clare Dean"
ok
tomorrow=$(date -d tomorrow +%F)

# --- F84002 has no practice manager and no voter: propose says so
expect 0 mgr decision propose --title "Shared flu clinic" --rule unanimous \
  --closes "$tomorrow 17:00" --json
[ "$(json 'd["no_voter"]' < "$tmp/out")" = "['F84002']" ] || fail "no_voter: $(cat "$tmp/out")"
one_line "the warning"
grep -q 'nobody can vote for F84002 .*cannot pass' "$tmp/err" || fail "warning: $(cat "$tmp/err")"
expect 0 mgr decision propose --title "Training day" --rule majority --closes "$tomorrow"
grep -q 'F84002' "$tmp/err" || fail "majority warning: $(cat "$tmp/err")"
grep -q 'cannot pass' "$tmp/err" && fail "majority said it cannot pass: $(cat "$tmp/err")"
ok

# --- the clinical director may vote for F84002 once the PCN manager names them
expect 2 cd_ decision vote 1 agree --practice F84002
expect 2 jo decision voter cd; one_line "a PM naming someone outside the practice"
[ "$(mgr decision voter cd --practice F84002 --json | json 'd["username"]')" = cd ] ||
  fail "naming the clinical director"
expect 0 mgr decision propose --title "Joint audit" --rule unanimous --closes "$tomorrow" --json
[ ! -s "$tmp/err" ] || fail "warned with a voter named: $(cat "$tmp/err")"
[ "$(json 'd.get("no_voter", [])' < "$tmp/out")" = "[]" ] || fail "no_voter: $(cat "$tmp/out")"
jo decision vote 1 agree > /dev/null
out=$(cd_ decision vote 1 agree --practice F84002 --json)
[ "$(echo "$out" | json 'd["outcome"]')" = decision_passed ] || fail "outcome: $out"
ok

# --- a clinician (a practice's GP): in pcn member, F84001's named voter,
# invited to a meeting, claiming backfill for their own time only
cli_add_member dr.khan clinician F84001 "Dr Khan"
as dr.khan member list > "$tmp/out"
grep -E -q '^dr.khan +clinician +F84001' "$tmp/out" || fail "member list: $(cat "$tmp/out")"
[ "$(mgr member show dr.khan --json | json 'd["role"]')" = clinician ] || fail "member show --json"
expect 1 mgr member invite --username x --name X --role doctor --practice F84001
grep -q 'clinician' "$tmp/err" || fail "--role usage: $(cat "$tmp/err")"
expect 2 mgr member invite --username gp2 --name "Dr Two" --role clinician
grep -q 'clinicians' "$tmp/err" || fail "clinician without practice: $(cat "$tmp/err")"
expect 2 as dr.khan decision vote 3 agree
[ "$(jo decision voter dr.khan --json | json 'd["username"]')" = dr.khan ] || fail "naming dr.khan"
[ "$(as dr.khan decision vote 3 agree --json | json 'd["votes"][0]["voter"]')" = dr.khan ] ||
  fail "the clinician's vote"
mgr funds claim rate --role gp --per-hour 110.00 > /dev/null
mgr meeting new --title "PCN board" --start "2026-10-05 10:00" --minutes 90 \
  --invite dr.khan,jo > /dev/null
mgr meeting attend 1 dr.khan > /dev/null
mgr meeting attend 1 jo > /dev/null
expect 2 as dr.khan funds claim backfill --meeting 1 --user jo --role gp
grep -q 'own meeting time' "$tmp/err" || fail "claim for another: $(cat "$tmp/err")"
[ "$(as dr.khan funds claim backfill --meeting 1 --user dr.khan --role gp --json |
  json 'd["pence"]')" = 16500 ] || fail "the clinician's own claim"
ok

# --- a decision put to some practices only (F84002 and F84003): only
# they (and the network's people) see it, vote on it and hear of it in
# the feed; its outcome is reckoned over those two
cli_add_practice F84003 "Brook Lane" 6000
cli_add_member pat practice_manager F84003 "Pat Hill"
cli_feed jo
expect 1 mgr decision propose --title x --rule majority --closes "$tomorrow" --to ,
expect 2 mgr decision propose --title x --rule majority --closes "$tomorrow" --to F84009
one_line "an unknown practice"
expect 0 mgr decision propose --title "Shared clinic" --rule unanimous --closes "$tomorrow" \
  --to F84003,f84002 --json
[ "$(json 'd["practices"], d["some_practices"], d["id"]' < "$tmp/out")" = \
  "['F84002', 'F84003'] True 4" ] || fail "propose --to: $(cat "$tmp/out")"
[ ! -s "$tmp/err" ] || fail "warned: $(cat "$tmp/err")"
as pat decision show 4 > "$tmp/show" 2>&1 || fail "pat show: $(cat "$tmp/show")"
grep -q '^to: *F84002, F84003 only' "$tmp/show" || fail "show to: $(cat "$tmp/show")"
expect 2 jo decision show 4
grep -q 'No decision 4' "$tmp/err" || fail "jo's show: $(cat "$tmp/err")"
expect 2 jo decision vote 4 agree
# (the open ones first, by closing time and then number; then decision 1,
# closed early: issue 20's order)
[ "$(jo decision list --json | json '[x["id"] for x in d["decisions"]]')" = "[2, 3, 1]" ] ||
  fail "jo's list: $(jo decision list --json)"
[ "$(as pat decision list --json | json '[x["id"] for x in d["decisions"]]')" = "[2, 3, 4, 1]" ] ||
  fail "pat's list"
pat() { as pat "$@"; }
pat decision vote 4 agree > /dev/null
out=$(cd_ decision vote 4 agree --practice F84002 --json)
[ "$(echo "$out" | json 'd["outcome"], d["closed_early"]')" = "decision_passed True" ] ||
  fail "outcome over two practices: $out"
mgr decision propose --title "Everyone's" --rule majority --closes "$tomorrow" > /dev/null 2>&1
wait_feed "Everyone's"
grep -q 'Shared clinic\|decision 4' "$tmp/feed.out" && fail "jo's feed heard of decision 4: $(cat "$tmp/feed.out")"
cli_stop_feed || true
ok
