#!/usr/bin/env bash
# Announcements and policies through the real pcn binary against a real
# pcnd, between the PCN manager and two practice managers (Jo at F84001,
# Sam at F84002) and Jo's receptionist Amy: posting to everyone and to one
# practice, read receipts per practice, a policy confirmed and then asked
# again by its new version, Sam's live feed showing what reaches Hill
# Street and nothing of Riverside's own; --json on every verb, usage
# errors on one line (exit 1), refusals with the server's sentence (2).
. "$(dirname "$0")/cli_common.bash" "$1"
jo() { as jo "$@"; }
sam() { as sam "$@"; }
amy() { as amy "$@"; }

cli_start_network
cli_add_practices
cli_add_member jo practice_manager F84001
cli_add_member sam practice_manager F84002
cli_add_member amy staff F84001
ok

# --- Sam watches the feed from here on
cli_feed sam
wait_feed "member sam"

# --- an announcement to everyone, pinned; receipts per practice
id=$(mgr news post --to all --title "Extended access rota for December" \
  --text "Rota attached to the hub; swaps by Friday." --pin --json | json 'd["item"]["id"]')
[ "$id" = 1 ] || fail "first announcement is $id"
wait_feed 'created announcement 1 "Extended access rota for December" (to everyone, pinned)'
[ "$(jo news list --json | json 'd["entries"][0]["read"]')" = False ] || fail "unread for jo"
[ "$(jo news list --json | json 'd["unread"]')" = 1 ] || fail "jo's unread count"
jo news read 1 > "$tmp/read.out"
grep -q "Rota attached to the hub" "$tmp/read.out" || fail "read shows the text: $(cat "$tmp/read.out")"
[ "$(jo news read 1 --json | json 'd["read"]')" = True ] || fail "read --json"
[ "$(jo news list --json | json 'd["unread"]')" = 0 ] || fail "jo's unread after reading"
mgr news receipts 1 > "$tmp/rc.out"
grep -q "read by 1 of 3" "$tmp/rc.out" || fail "receipts summary: $(cat "$tmp/rc.out")"
grep -q "^F84002: read 0 of 1" "$tmp/rc.out" || fail "receipts per practice: $(cat "$tmp/rc.out")"
[ "$(mgr news receipts 1 --json | json '[g["read"] for g in d["practices"] if g["practice"]=="F84001"][0]')" = 1 ] ||
  fail "receipts --json"
# Jo's own read receipt reached Jo's practice, not Sam's.
wait_feed 'created announcement 1'
grep -q "jo read announcement 1" "$tmp/feed.out" && fail "sam saw jo's receipt"
ok

# --- a practice manager posts to their own practice only
jo news post --to F84001 --title "Riverside fire drill Tuesday 10:00" > /dev/null
expect 2 jo news post --to F84002 --title "To Hill Street"
one_line "post to another practice"
grep -q "F84002" "$tmp/err" || fail "refusal message: $(cat "$tmp/err")"
expect 2 sam news read 2
one_line "another practice's announcement"
[ "$(amy news list --json | json 'len(d["entries"])')" = 2 ] || fail "amy sees both"
[ "$(sam news list --json | json 'len(d["entries"])')" = 1 ] || fail "sam sees one"
ok

# --- a policy, confirmed; a new version asks again
mgr news post --to all --policy --title "Chaperone policy" \
  --link https://pcn.example/policies/chaperone-v1.pdf > /dev/null
wait_feed 'created policy 3 "Chaperone policy"'
grep -q "Riverside fire drill" "$tmp/feed.out" && fail "sam's feed showed Riverside's own post"
[ "$(sam news list --json | json 'd["to_confirm"]')" = 1 ] || fail "sam has a policy to confirm"
[ "$(sam news confirm 3 --json | json 'd["confirmed"]')" = True ] || fail "confirm --json"
amy news confirm 3 > /dev/null
jo news receipts 3 > "$tmp/rc.out" # Jo's practice, by default
grep -q "^F84001: read 1 of 2, confirmed 1" "$tmp/rc.out" || fail "jo's practice view: $(cat "$tmp/rc.out")"
grep -q "jo .*not read .*not confirmed" "$tmp/rc.out" || fail "jo not confirmed: $(cat "$tmp/rc.out")"
[ "$(mgr news receipts 3 --json | json 'd["confirmed"]')" = 2 ] || fail "two confirmed"
mgr news post --policy --version-of 3 --version 1 --title "Chaperone policy (v2)" \
  --text "Offer a chaperone for every intimate examination." > /dev/null
wait_feed 'published version 2 of policy 3'
[ "$(mgr news receipts 3 --json | json 'd["confirmed"]')" = 0 ] || fail "v2 clears confirmations"
[ "$(sam news list --json | json 'd["to_confirm"]')" = 1 ] || fail "sam asked again"
expect 2 sam news confirm 3 --version 1
grep -q "version 2" "$tmp/err" || fail "stale confirm: $(cat "$tmp/err")"
grep -q "Chaperone policy (v2)" "$tmp/out" || fail "stale confirm shows the policy now"
expect 2 mgr news post --policy --version-of 3 --version 1 --title "stale" --text "old"
grep -q meanwhile "$tmp/err" || fail "conflict: $(cat "$tmp/err")"
sam news confirm 3 > /dev/null
ok

# --- expiry and --all
today=$(date -u +%F)
mgr news post --to all --title "Today only" --expires "$today" > /dev/null
[ "$(sam news list --all --json | json 'len(d["entries"])')" = 3 ] || fail "list --all"
ok

# --- usage errors: one line, exit 1, nothing sent
expect 1 mgr news post --title "Nowhere"; one_line "no --to"
expect 1 mgr news post --to XYZ --title "x"; one_line "bad --to"
expect 1 mgr news post --to all --title x --expires 2026-13-01; one_line "bad --expires"
expect 1 mgr news post --title x --version-of 3; one_line "version-of without --policy"
expect 1 mgr news read abc; one_line "bad id"
expect 1 mgr news list --limit 900; one_line "limit"
expect 1 mgr news confirm; one_line "missing id"
[ "$(mgr news list --all --json | json 'len(d["entries"])')" = 4 ] || fail "a usage error posted something"
mgr news --help | grep -q 'pcn news receipts' || fail "pcn news --help"
mgr news post --help | grep -q -- '--version-of ID' || fail "pcn news post --help"
ok

# --- refusals: exit 2 with the server's sentence
expect 2 amy news post --to F84001 --title "Staff post"; one_line "staff may not post"
expect 2 sam news confirm 1; one_line "not a policy"
grep -q "not a policy" "$tmp/err" || fail "confirm an announcement: $(cat "$tmp/err")"
expect 2 mgr news post --to all --title "Old" --expires 2020-01-01; one_line "expired"
grep -q "has passed" "$tmp/err" || fail "past expiry: $(cat "$tmp/err")"
expect 2 amy news receipts 1 --json
python3 -c "import json,sys; d=json.load(open('$tmp/err')); assert d['error']=='PERMISSION_DENIED'" ||
  fail "refusal --json: $(cat "$tmp/err")"
ok

cli_stop_feed || true
echo "$passed passed, 0 failed"
