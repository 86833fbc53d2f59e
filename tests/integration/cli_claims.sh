#!/usr/bin/env bash
# Backfill claims and the year end through the real pcn binary: the PCN
# manager sets hourly rates per role; a meeting's attendance becomes a
# claim made by the attendee's practice manager at the rate of the
# attendee's own role (a GP is a clinician, everyone else at a practice
# staff; --role may only repeat it: issue 20) (the amount to the
# penny), listed for that practice and the network's people only; the
# manager approves it into the ledger (the balance and statement show
# it) and rejects another with a reason; the year end splits what was
# paid by list size; several claims approved in one go, all or none.
# --json on every verb, usage errors on one line
# (exit 1), refusals with the server's sentence (exit 2).
. "$(dirname "$0")/cli_common.bash" "$1"
jo() { as jo "$@"; }
pat() { as pat "$@"; }

cli_start_network
cli_add_practices
cli_add_member jo practice_manager F84001 "Jo Bloggs"
cli_add_member pat practice_manager F84002 "Pat Hill"
cli_add_member dr.khan clinician F84001 "Dr Khan"
cli_add_member nia staff F84002 "Nia Jones"
ok

# --- rates: the manager's; everyone reads them
mgr funds claim rate --role gp --per-hour 110.00 > "$tmp/out"
grep -q 'Backfill rate for gp: £110.00 an hour' "$tmp/out" || fail "rate: $(cat "$tmp/out")"
[ "$(mgr funds claim rate --role Staff --per-hour 45.37 --json | json 'd["role"], d["pence_per_hour"]')" = \
  "staff 4537" ] || fail "rate --json"
pat funds claim rate > "$tmp/out"
grep -E -q '^gp +£110.00 +manager' "$tmp/out" || fail "rate list: $(cat "$tmp/out")"
[ "$(jo funds claim rate --json | json 'len(d["rates"])')" = 2 ] || fail "rate list --json"
ok

# --- a past meeting: Dr Khan the whole 90 minutes, Nia 50
mgr meeting new --title "PCN board" --start "2026-10-05 10:00" --minutes 90 --invite dr.khan,nia \
  > /dev/null
mgr meeting attend 1 dr.khan > /dev/null
mgr meeting attend 1 nia --minutes 50 > /dev/null

jo funds claim backfill --meeting 1 --user dr.khan > "$tmp/out"
grep -E -q '^amount: +£165.00 \(90 min at £110.00 an hour\)' "$tmp/out" ||
  fail "backfill: $(cat "$tmp/out")"
grep -E -q '^state: +pending' "$tmp/out" || fail "pending: $(cat "$tmp/out")"
expect 2 pat funds claim backfill --meeting 1 --user nia --role gp
one_line "staff as gp"
grep -q "nia is claimed as 'staff', their role in the network" "$tmp/err" || fail "staff as gp: $(cat "$tmp/err")"
[ "$(pat funds claim backfill --meeting 1 --user nia --json | json 'd["pence"], d["role"]')" = "3781 staff" ] ||
  fail "backfill --json: 50 min at £45.37 is £37.81"

# --- who sees what
jo funds claim list > "$tmp/out"
grep -E -q '^ +1 pending +2026-10-05 +1 dr.khan +F84001 +gp +90 +£165.00' "$tmp/out" ||
  fail "list: $(cat "$tmp/out")"
grep -q nia "$tmp/out" && fail "jo sees F84002's claim: $(cat "$tmp/out")"
[ "$(mgr funds claim list --pending --json | json '[c["id"] for c in d["claims"]]')" = "[2, 1]" ] ||
  fail "list --pending --json, newest first"
[ "$(mgr funds claim list --practice F84002 --json | json 'len(d["claims"])')" = 1 ] ||
  fail "list --practice"
ok

# --- the money: approve pays it from a stream; reject says why
mgr funds receive --stream core --amount 1,000.00 --date 2027-05-01 > /dev/null
mgr funds claim approve 1 --stream core --date 2027-05-10 --version 1 > "$tmp/out"
grep -E -q '^state: +approved' "$tmp/out" || fail "approve: $(cat "$tmp/out")"
grep -E -q '^paid: +from core, ledger entry 2' "$tmp/out" || fail "paid: $(cat "$tmp/out")"
jo funds ledger > "$tmp/out"
grep -E -q '^ +2 2027-05-10 claim +core +£165.00  backfill claim 1 to F84001' "$tmp/out" ||
  fail "ledger: $(cat "$tmp/out")"
[ "$(jo funds ledger --json | json 'd["entries"][0]["claim"]')" = 1 ] || fail "ledger --json"
pat funds balance > "$tmp/out"
grep -E -q '^F84001 +core +£165.00' "$tmp/out" || fail "balance: $(cat "$tmp/out")"
grep -E -q '^claimed: +£165.00' "$tmp/out" || fail "claimed: $(cat "$tmp/out")"
grep -E -q '^held: +£835.00' "$tmp/out" || fail "held: $(cat "$tmp/out")"
jo funds statement --month 2027-05 > "$tmp/out"
grep -E -q '^Core PCN funding +0.00 +165.00 +165.00 +165.00$' "$tmp/out" || fail "statement: $(cat "$tmp/out")"
jo funds statement --month 2027-05 --format csv | tr -d '\r' > "$tmp/out"
grep -E -q '^network_total,2027-05,,,,\*,All streams,[0-9.]+,[0-9.]+,0.00,165.00,0.00,835.00,,,$' "$tmp/out" ||
  fail "csv total: $(cat "$tmp/out")"
[ "$(mgr funds claim reject 2 --reason "wrong rate" --json | json 'd["state"], d["reason"]')" = \
  "claim_rejected wrong rate" ] || fail "reject --json"
ok

# --- the year end: 1,165.00 paid... here 165.00, shared 12000:8000
mgr funds figures --set F84001 --from 2027-04-01 --list-size 12000 --weighted 12000 > /dev/null
mgr funds figures --set F84002 --from 2027-04-01 --list-size 8000 --weighted 8000 > /dev/null
pat funds year-end --year 2027 > "$tmp/out"
grep -q 'Year end 2027/28' "$tmp/out" || fail "year-end title: $(cat "$tmp/out")"
grep -E -q '^F84001 +Riverside Surgery +12000 +£0.00 +£165.00 +£165.00 +£99.00 +£66.00' "$tmp/out" ||
  fail "year-end F84001: $(cat "$tmp/out")"
grep -E -q '^F84002 +Hill Street +8000 +£0.00 +£0.00 +£0.00 +£66.00 +-£66.00' "$tmp/out" ||
  fail "year-end F84002: $(cat "$tmp/out")"
[ "$(jo funds year-end --year 2027 --by weighted --json | json 'sum(r["share"] for r in d["rows"])')" = \
  16500 ] || fail "year-end --json: shares add up"
ok

# --- usage errors: one line, exit 1
expect 1 mgr funds claim rate --role gp --per-hour 1.234; one_line "rate amount"
expect 1 mgr funds claim rate --per-hour 10; one_line "rate without role"
expect 1 jo funds claim backfill --meeting x --user nia --role gp; one_line "meeting id"
expect 1 jo funds claim backfill --meeting 1 --role gp; one_line "no user"
expect 1 mgr funds claim approve; one_line "approve without id"
expect 1 mgr funds claim approve 3; one_line "approve without stream"
expect 1 mgr funds claim reject 3; one_line "reject without reason"
expect 1 mgr funds claim list --stream core; one_line "option of another action"
expect 1 mgr funds claim pay 1; one_line "unknown action"
expect 1 jo funds year-end --by equal; one_line "year-end basis"
ok

# --- refusals: exit 2, the server's sentence
expect 2 pat funds claim backfill --meeting 1 --user dr.khan --role gp
one_line "another practice"; grep -q 'belongs to practice F84001' "$tmp/err" || fail "pm: $(cat "$tmp/err")"
expect 2 jo funds claim backfill --meeting 1 --user dr.khan --role gp
grep -q 'already claimed' "$tmp/err" || fail "duplicate: $(cat "$tmp/err")"
expect 2 jo funds claim backfill --meeting 1 --user dr.khan --role physio
grep -q "is claimed as 'gp'" "$tmp/err" || fail "role: $(cat "$tmp/err")"
expect 2 jo funds claim approve 1 --stream core
grep -q 'may not decide a backfill claim' "$tmp/err" || fail "pm decides: $(cat "$tmp/err")"
expect 2 mgr funds claim approve 1 --stream core
grep -q 'a claim is decided once' "$tmp/err" || fail "twice: $(cat "$tmp/err")"
expect 2 jo funds claim rate --role gp --per-hour 1
expect 2 pat funds claim list --practice F84001
ok

# --- several approved at once: all or none
mgr meeting new --title "PCN board" --start "2026-11-02 10:00" --minutes 60 --invite dr.khan,nia \
  > /dev/null
mgr meeting attend 2 dr.khan,nia > /dev/null
jo funds claim backfill --meeting 2 --user dr.khan > /dev/null
pat funds claim backfill --meeting 2 --user nia > /dev/null
expect 1 mgr funds claim approve 3 4 --stream core --version 1; one_line "version with several"
expect 2 mgr funds claim approve 3 4 99 --stream core
one_line "one missing"; grep -q 'None of the claims named was decided' "$tmp/err" ||
  fail "all or none: $(cat "$tmp/err")"
[ "$(mgr funds claim list --pending --json | json 'len(d["claims"])')" = 2 ] || fail "none decided"
mgr funds claim approve 3 4 --stream core --date 2027-05-12 > "$tmp/out"
grep -E -q '^Claim 3 approved: dr.khan of F84001, £110.00, ledger entry [0-9]+$' "$tmp/out" ||
  fail "approve several: $(cat "$tmp/out")"
grep -E -q '^2 claims, £155.37.$' "$tmp/out" || fail "approve several total: $(cat "$tmp/out")"
[ "$(mgr funds claim list --pending --json | json 'len(d.get("claims", []))')" = 0 ] || fail "all decided"
ok

echo "cli_claims: $passed groups passed"
