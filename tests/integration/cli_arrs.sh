#!/usr/bin/env bash
# ARRS claims and headroom through the real pcn binary: the PCN manager
# records the claims for two months of a past year and replaces one; the
# practice manager reads the headroom as a table and as --json (claims,
# cumulative, due days, overdue months) and sees the claims in `pcn feed`.
# A claim for a month that is not over (this one, issue 20) is refused
# (exit 2, the server's sentence saying from when), as is one by a
# practice manager, or of nothing (exit 1 at the CLI); a mistaken claim is
# reversed with a reason and the month is unclaimed again; usage errors
# are one line (exit 1). The year is a past one (2025) so that every month has begun
# whenever this runs.
. "$(dirname "$0")/cli_common.bash" "$1"
jo() { as jo "$@"; }

cli_start_network
cli_add_practices
cli_add_member jo practice_manager F84001 "Jo Bloggs"
ok

# --- claims, seen live by a practice
cli_feed jo
mgr funds claim arrs --month 2025-04 --amount 18,250.00 --ref ARRS-04 > "$tmp/out"
grep -q '^Recorded the ARRS claim for 2025-04: £18,250.00, ref ARRS-04$' "$tmp/out" ||
  fail "claim: $(cat "$tmp/out")"
wait_feed 'recorded the ARRS claim for 2025-04: £18,250.00'
[ "$(mgr funds claim arrs --month 2025-05 --amount '£17,500.01' --note "one leaver" --json |
  json 'd["pence"]')" = 1750001 ] || fail "claim --json"
# April again replaces it
[ "$(mgr funds claim arrs --month 2025-04 --amount 18,300 --ref ARRS-04b --json |
  json 'd["reference"]')" = ARRS-04b ] || fail "replace"
wait_feed 'recorded the ARRS claim for 2025-04: £18,300.00'
ok

# --- the headroom, for everyone
jo funds headroom --year 2025 > "$tmp/out"
grep -q '^ARRS headroom 2025 (April 2025 to March 2026)$' "$tmp/out" || fail "title: $(cat "$tmp/out")"
grep -q 'No ARRS rate is recorded for 2025' "$tmp/out" || fail "no rate: $(cat "$tmp/out")"
grep -E -q '^claimed: +£35,800.01$' "$tmp/out" || fail "claimed: $(cat "$tmp/out")"
grep -E -q '^left: +-£35,800.01$' "$tmp/out" || fail "left: $(cat "$tmp/out")"
grep -E -q '^2025-04 +£18,300.00 +£18,300.00 +£0.00 +2025-05-10 +£0.00$' "$tmp/out" ||
  fail "April: $(cat "$tmp/out")"
grep -E -q '^2025-05 +£17,500.01 +£35,800.01 +£0.00 +2025-06-10 ' "$tmp/out" ||
  fail "May: $(cat "$tmp/out")"
grep -E -q '^2025-06 +- +£35,800.01 +£0.00 +2025-07-10 +OVERDUE ' "$tmp/out" ||
  fail "June overdue: $(cat "$tmp/out")"
grep -E -q '^2026-03 +- +£35,800.01 +£0.00 +2026-04-10 +OVERDUE ' "$tmp/out" ||
  fail "March: $(cat "$tmp/out")"
jo funds headroom --year 2025 --json > "$tmp/j"
[ "$(json 'len(d["months"])' < "$tmp/j")" = 12 ] || fail "--json months"
[ "$(json 'd["claimed"]' < "$tmp/j")" = 3580001 ] || fail "--json claimed"
[ "$(json '[m.get("overdue", False) for m in d["months"]][:3]' < "$tmp/j")" = "[False, False, True]" ] ||
  fail "--json overdue"
[ "$(json 'd["claims"][0]["reference"]' < "$tmp/j")" = ARRS-04b ] || fail "--json claims"
[ "$(jo funds headroom --json | json 'd["year"]')" -ge 2026 ] || fail "this year by default"
ok

# --- usage errors: one line, exit 1
expect 1 mgr funds claim arrs --amount 5; one_line "no month"
expect 1 mgr funds claim arrs --month April --amount 5; one_line "bad month"
grep -q "'April' is not a month" "$tmp/err" || fail "month named: $(cat "$tmp/err")"
expect 1 mgr funds claim arrs --month 2025-04; one_line "no amount"
expect 1 mgr funds claim arrs --month 2025-04 --amount -3; one_line "negative"
expect 1 mgr funds claim arrs --month 2025-04 --amount 0; one_line "nothing"
expect 1 mgr funds claim arrs reverse --month 2025-04; one_line "reverse without reason"
expect 1 mgr funds claim arrs undo --month 2025-04; one_line "bad arrs action"
expect 1 mgr funds claim arrs --month 2025-04 --amount 3 --stream core; one_line "stray option"
expect 1 jo funds headroom --year 27; one_line "bad year"
ok

# --- refusals: exit 2, the server's sentence; nothing changed
next=$(date -u -d "$(date -u +%Y-%m-15) +1 month" +%Y-%m)
this=$(date -u +%Y-%m)
expect 2 mgr funds claim arrs --month "$next" --amount 5
one_line "future"; grep -q "month: $next is not over yet" "$tmp/err" || fail "future: $(cat "$tmp/err")"
expect 2 mgr funds claim arrs --month "$this" --amount 5
one_line "this month"
grep -q "month: $this is not over yet; its claim can be recorded from $next-01" "$tmp/err" ||
  fail "this month: $(cat "$tmp/err")"
expect 2 mgr funds claim arrs reverse --month 2025-07 --reason "never sent"
one_line "reverse nothing"
expect 2 jo funds claim arrs --month 2025-06 --amount 5
one_line "pm"; grep -q "may not record the network's ARRS claim" "$tmp/err" || fail "pm: $(cat "$tmp/err")"
[ "$(jo funds headroom --year 2025 --json | json 'd["claimed"]')" = 3580001 ] ||
  fail "a refusal changed the claims"
ok

# --- a mistaken claim reversed: the month unclaimed (and overdue) again
mgr funds claim arrs reverse --month 2025-05 --reason "sent twice" > "$tmp/out"
grep -q '^Reversed the ARRS claim for 2025-05 (£17,500.01); the month is unclaimed again.$' "$tmp/out" ||
  fail "reverse: $(cat "$tmp/out")"
wait_feed 'reversed the ARRS claim for 2025-05 (£17,500.01): sent twice'
jo funds headroom --year 2025 > "$tmp/out"
grep -E -q '^claimed: +£18,300.00$' "$tmp/out" || fail "claimed after reverse: $(cat "$tmp/out")"
grep -E -q '^2025-05 +- +£18,300.00 +£0.00 +2025-06-10 +OVERDUE ' "$tmp/out" ||
  fail "May unclaimed: $(cat "$tmp/out")"
expect 2 mgr funds claim arrs reverse --month 2025-05 --reason again
one_line "reversed twice"
[ "$(mgr funds claim arrs reverse --month 2025-04 --reason "wrong sum" --json |
  json 'd["reversed_by"]')" = manager ] || fail "reverse --json"
ok

cli_stop_feed || true
echo "cli_arrs: $passed groups passed"
