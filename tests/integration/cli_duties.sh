#!/usr/bin/env bash
# The responsibilities agreement through the real pcn binary: the default
# register of a new network, the PCN manager changing an entry, the
# practice managers of two practices agreeing it for their own practices
# (one entry, then all), a change clearing that entry's agreements and
# showing in the other practice's `pcn feed`, removal; --json on every
# verb, a usage error on one line (exit 1), refusals with the server's
# sentence (exit 2), and a stale version showing the entry as it stands.
# Then (issue 13) `duty show` giving the version update names, and a
# practice disagreeing with a reason, seen by all, then agreeing after.
. "$(dirname "$0")/cli_common.bash" "$1"
jo() { as jo "$@"; }
pat() { as pat "$@"; }

cli_start_network
cli_add_practices
cli_add_member jo practice_manager F84001 "Jo Bloggs"
cli_add_member pat practice_manager F84002 "Pat Hill"
ok

# --- the default register: entries down, practices across, all pending
jo duty list > "$tmp/list"
grep -q 'F84001   F84002' "$tmp/list" || fail "practices across: $(cat "$tmp/list")"
grep -q 'ARRS recruitment and claims' "$tmp/list" || fail "default register: $(cat "$tmp/list")"
[ "$(grep -c 'pending  pending' "$tmp/list")" = 14 ] || fail "14 entries pending: $(cat "$tmp/list")"
grep -q 'F84001 Riverside Surgery: 0 of 14 agreed' "$tmp/list" || fail "summary: $(cat "$tmp/list")"
[ "$(jo duty list --json | json 'len(d["duties"])')" = 14 ] || fail "duty list --json"
[ "$(pat duty list --json | json 'd["duties"][0]["owner"]')" = duty_pcn_manager ] ||
  fail "owner in --json"
ok

# --- pat watches the feed while the others work
cli_feed pat

# --- jo agrees one entry, then all; pat one
[ "$(jo duty agree 1 --json | json 'd["agreements"][0]["practice"]')" = F84001 ] ||
  fail "duty agree --json"
wait_feed 'F84001 agreed responsibility 1 "ARRS recruitment and claims"'
jo duty agree --all > "$tmp/out"
[ "$(wc -l < "$tmp/out")" = 13 ] || fail "agree --all agreed the other 13: $(cat "$tmp/out")"
pat duty agree 3 --version 1 > /dev/null
jo duty list > "$tmp/list"
grep -q 'F84001 Riverside Surgery: 14 of 14 agreed' "$tmp/list" || fail "jo all agreed: $(cat "$tmp/list")"
grep -q 'F84002 Hill Street: 1 of 14 agreed' "$tmp/list" || fail "pat one agreed: $(cat "$tmp/list")"
grep -E -q '^ +3 .* agreed +agreed +Enhanced access rota' "$tmp/list" || fail "row 3: $(cat "$tmp/list")"
ok

# --- the PCN manager changes entry 3: its agreements go, the others stay
[ "$(mgr duty update 3 --version 1 --review 2027-01-31 --does "Plans the rota and fills every session." \
  --json | json 'd["cleared"]')" = \
  "['F84001', 'F84002']" ] || fail "duty update --json names the cleared practices"
wait_feed 'changed responsibility 3 "Enhanced access rota"'
grep -q 'every practice to agree again' "$tmp/feed.out" || fail "feed wording"
jo duty list --pending > "$tmp/list"
grep -E -q '^ +3 .*pending +pending +Enhanced access rota' "$tmp/list" || fail "3 pending: $(cat "$tmp/list")"
[ "$(grep -c 'Enhanced\|ARRS' "$tmp/list")" = 1 ] || fail "--pending shows only 3: $(cat "$tmp/list")"
grep -q 'F84001 Riverside Surgery: 13 of 14 agreed' "$tmp/list" || fail "13 of 14: $(cat "$tmp/list")"
ok

# --- adding and removing, with --json
[ "$(mgr duty add --title "Flu campaign" --owner shared --does "Books the clinics." \
  --review 2027-02-28 --json | json 'd["id"]')" = 15 ] || fail "duty add --json"
wait_feed 'added responsibility 15 "Flu campaign"'
[ "$(mgr duty remove 15 --json | json 'd["title"]')" = "Flu campaign" ] || fail "duty remove --json"
wait_feed 'removed responsibility 15 "Flu campaign" from the register'
ok

# --- usage errors: one line, exit 1
expect 1 jo duty agree; one_line "agree with nothing"
expect 1 jo duty agree 1 --all; one_line "agree both"
expect 1 mgr duty add --title x --owner everyone --does y --review 2027-01-01; one_line "bad owner"
expect 1 mgr duty add --title x --owner shared --does y --review 2027-02-30; one_line "bad date"
expect 1 mgr duty update 3 --title x; one_line "update without --version"
expect 1 mgr duty remove three; one_line "bad id"
ok

# --- refusals: exit 2, the server's sentence
expect 2 jo duty add --title "Estates" --owner shared --does "Rooms." --review 2027-01-01
one_line "pm add"; grep -q 'responsibilities register' "$tmp/err" || fail "add refusal: $(cat "$tmp/err")"
expect 2 jo duty agree 3 --practice F84002
one_line "other practice"; grep -q 'F84002' "$tmp/err" || fail "agree refusal: $(cat "$tmp/err")"
expect 2 mgr duty agree 3
expect 2 jo duty agree 1
one_line "agreed twice"; grep -q 'already agreed' "$tmp/err" || fail "twice: $(cat "$tmp/err")"
expect 2 mgr duty update 3 --version 1 --title "Stale edit"
grep -q 'meanwhile' "$tmp/err" || fail "conflict message: $(cat "$tmp/err")"
grep -q '2027-01-31' "$tmp/out" || fail "the conflict shows the entry as it stands: $(cat "$tmp/out")"
expect 2 mgr duty add --title "Flu campaign" --owner shared --does "y" --review 2020-01-01
grep -q 'review_date' "$tmp/err" || fail "past review date: $(cat "$tmp/err")"
ok

# --- duty show: where the version is read; update names it (issue 13)
mgr duty show 3 > "$tmp/out"
grep -q '^version: *2$' "$tmp/out" || fail "duty show gives the version: $(cat "$tmp/out")"
grep -E -q '^F84001 +pending +Riverside Surgery' "$tmp/out" || fail "show: F84001's position: $(cat "$tmp/out")"
[ "$(mgr duty show 3 --json | json 'd["duty"]["version"]')" = 2 ] || fail "duty show --json"
expect 1 mgr duty update 3 --title x; one_line "update without --version"
grep -q 'pcn duty show 3' "$tmp/err" || fail "the usage error says where the version is: $(cat "$tmp/err")"
expect 2 mgr duty show 99; one_line "show a missing entry"
mgr duty update 3 --version 2 --review 2027-02-28 > /dev/null
jo duty agree 3 > /dev/null
ok

# --- a practice disagrees, with a reason; everyone sees it; it agrees later
expect 1 pat duty disagree 7; one_line "disagree without a reason"
grep -q -- '--reason' "$tmp/err" || fail "reason required: $(cat "$tmp/err")"
[ "$(pat duty disagree 7 --reason "No rooms on Fridays" --json | json 'd["practice"]')" = F84002 ] ||
  fail "duty disagree --json"
wait_feed 'F84002 disagrees with responsibility 7 "Estates and rooms for ARRS staff" (version 1): No rooms on Fridays'
jo duty list > "$tmp/list"
grep -E -q '^ +7 .* agreed +DISAGREES +Estates' "$tmp/list" || fail "row 7 shows the disagreement: $(cat "$tmp/list")"
grep -q 'F84002 Hill Street: 0 of 14 agreed, disagrees with 1' "$tmp/list" || fail "summary: $(cat "$tmp/list")"
grep -q '7 Estates and rooms for ARRS staff: F84002 (pat, .*): No rooms on Fridays' "$tmp/list" ||
  fail "the reason beside the agreements: $(cat "$tmp/list")"
mgr duty show 7 > "$tmp/out"
grep -q 'F84002 *DISAGREES Hill Street: "No rooms on Fridays" (pat)' "$tmp/out" || fail "show 7: $(cat "$tmp/out")"
[ "$(mgr duty list --json | json 'd["disagreements"][0]["reason"]')" = "No rooms on Fridays" ] ||
  fail "list --json carries the disagreements"
expect 2 pat duty disagree 7 --reason "No rooms on Fridays"; one_line "the same reason twice"
grep -q 'already disagrees' "$tmp/err" || fail "twice: $(cat "$tmp/err")"
expect 2 jo duty disagree 7 --reason "x" --practice F84002; one_line "another practice"
expect 2 mgr duty disagree 7 --reason "x"; one_line "the manager disagrees"
# --all leaves the disagreement alone and says so
pat duty agree --all > /dev/null
expect 2 pat duty agree --all; one_line "agree all with only a disagreement left"
grep -q 'except the 1 it disagrees with' "$tmp/err" || fail "all skips it: $(cat "$tmp/err")"
# disagreeing with what one agreed withdraws the agreement
pat duty disagree 1 --reason "Recruiting is ours" > /dev/null
wait_feed 'F84002 withdrew its agreement to responsibility 1'
grep -E -q '^ +1 .* DISAGREES ' <(jo duty list) || fail "1 disagreed after agreeing"
# changing one's mind: agreeing by number withdraws the disagreement
pat duty agree 7 > /dev/null
wait_feed 'F84002 no longer disagrees with responsibility 7'
jo duty list > "$tmp/list"
grep -E -q '^ +7 .* agreed +agreed +Estates' "$tmp/list" || fail "7 agreed after disagreeing: $(cat "$tmp/list")"
# a change to the entry clears a disagreement as it clears agreements
[ "$(mgr duty update 1 --version 1 --owner shared --json | json 'd["cleared"]')" = \
  "['F84001', 'F84002']" ] || fail "an update clears the disagreement too"
[ "$(mgr duty list --json | json 'len(d.get("disagreements", []))')" = 0 ] || fail "no disagreement left"
ok

# --- issue 20: twelve IDs in one `duty agree` (no limit on a list), and a
# new review date alone keeping every agreement, the feed saying so
ids=""
for i in $(seq 1 12); do
  ids="$ids $(mgr duty add --title "Area $i" --owner shared --does "Does $i." \
    --review 2027-02-28 --json | json 'd["id"]')"
done
# shellcheck disable=SC2086
pat duty agree $ids > "$tmp/out" || fail "agree 12 IDs: $(cat "$tmp/out")"
[ "$(grep -c '^F84002 agreed .* Area ' "$tmp/out")" = 12 ] || fail "12 agreed: $(cat "$tmp/out")"
read -r first _ <<< "$ids"
mgr duty update "$first" --version 1 --review 2027-03-15 > "$tmp/out"
grep -q '^agreements: *stand' "$tmp/out" || fail "update says the agreements stand: $(cat "$tmp/out")"
grep -q 'cleared:' "$tmp/out" && fail "nothing cleared: $(cat "$tmp/out")"
wait_feed "changed the review date of responsibility $first \"Area 1\" to 2027-03-15 (version 2): agreements stand"
[ "$(mgr duty show "$first" --json | json '[a["practice"] for a in d["agreements"]]')" = "['F84002']" ] ||
  fail "F84002's agreement stands"
grep -E -q "^ +$first .* agreed +Area 1\$" <(pat duty list) || fail "listed agreed"
# agreeing with the version read before the new date is not stale
mgr duty update "$first" --version 2 --does "Does 1, more." --json > "$tmp/out"
[ "$(json 'd["cleared"]' < "$tmp/out")" = "['F84002']" ] || fail "a change of substance clears"
[ "$(json 'd["changed"]' < "$tmp/out")" = "['owner_does']" ] || fail "changed names the field"
ok

cli_stop_feed || true
echo "cli_duties: $passed groups passed"
