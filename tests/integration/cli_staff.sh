#!/usr/bin/env bash
# Shared staff through the real pcn binary: the PCN manager keeps the
# register and the week's rota, a clash refused naming both practices,
# the practice managers of two practices recording leave for the staff
# their practice employs (and refused for another's), the rota grid and
# the equity report with exact figures; --json on every verb, a usage
# error on one line (exit 1), refusals with the server's sentence
# (exit 2), a stale version showing the record as it stands, terms
# changed from a day with their history in `pcn staff show`, and the
# change showing in the other practice's `pcn feed`.
. "$(dirname "$0")/cli_common.bash" "$1"
jo() { as jo "$@"; }
pat() { as pat "$@"; }

cli_start_network
cli_add_practices # F84001 12000 patients, F84002 8000: 60% and 40%
cli_add_member jo practice_manager F84001 "Jo Bloggs"
cli_add_member pat practice_manager F84002 "Pat Hill"
ok

cli_feed pat

# --- the register
[ "$(mgr staff add --name "Sam Patel" --role "clinical pharmacist" --practice F84001 \
  --wte 0.8 --cost "£42,000" --json | json 'd["id"]')" = 1 ] || fail "staff add --json"
wait_feed 'added staff 1 Sam Patel (clinical pharmacist at F84001, 0.80 WTE)'
mgr staff add --name "Ria Khan" --role "social prescribing link worker" \
  --practice F84002 --wte 1 --cost 31,500.50 > "$tmp/out"
grep -q 'cost: *£31,500.50 a year' "$tmp/out" || fail "add shows the cost: $(cat "$tmp/out")"
jo staff list > "$tmp/list"
grep -E -q '^ +1  Sam Patel +clinical pharmacist +F84001 +0.80 +42,000.00' "$tmp/list" ||
  fail "list row: $(cat "$tmp/list")"
grep -q '2 staff, costing £73,500.50 a year.' "$tmp/list" || fail "list total: $(cat "$tmp/list")"
[ "$(pat staff list --json | json 'd["roles"][-1]')" = GP ] || fail "roles in --json"
[ "$(pat staff list --json | json 'd["staff"][1]["wte"]')" = 100 ] || fail "wte in --json"
ok

# --- update with a version; a stale one shows the record as it stands
[ "$(mgr staff update 1 --version 1 --wte 0.6 --json | json 'd["version"]')" = 2 ] ||
  fail "staff update --json"
expect 2 mgr staff update 1 --version 1 --wte 0.7
grep -q 'changed meanwhile' "$tmp/err" || fail "conflict sentence: $(cat "$tmp/err")"
grep -q 'version: *2' "$tmp/out" || grep -q 'version: *2' "$tmp/err" || fail "record as it stands"
expect 2 jo staff add --name X --role GP --practice F84001 --wte 1 --cost 1
grep -q 'practice manager' "$tmp/err" || fail "refusal says who: $(cat "$tmp/err")"
expect 1 mgr staff add --name X --role GP --practice F84001 --wte 1.5 --cost 1
one_line "bad --wte"
ok

# --- terms change from a day, history kept (issue 20): the --wte 0.6 above
# took effect today; a cost from 1 April goes in before it; show lists them
today=$(date -u +%Y-%m-%d)
mgr staff update 1 --version 2 --cost 44,800 --from 2026-04-01 > /dev/null
mgr staff show 1 > "$tmp/out"
grep -E -q '^terms: +at the start +0.80 WTE, £42,000.00 a year$' "$tmp/out" ||
  fail "show: first terms: $(cat "$tmp/out")"
grep -E -q '^ +from 2026-04-01 +0.80 WTE, £44,800.00 a year, set by manager$' "$tmp/out" ||
  fail "show: backdated terms: $(cat "$tmp/out")"
grep -E -q "^ +from $today +0.60 WTE, £42,000.00 a year, set by manager\$" "$tmp/out" ||
  fail "show: today's terms: $(cat "$tmp/out")"
[ "$(jo staff show 1 --json | json 'len(d["terms"]), d["wte"]')" = "3 60" ] || fail "show --json"
expect 1 mgr staff update 1 --version 3 --from 2026-04-01; one_line "--from alone"
expect 1 mgr staff update 1 --version 3 --wte 1 --from 2026-04-31; one_line "bad --from"
expect 2 jo staff show 99; one_line "show a missing one"
ok

# --- the rota: Sam Mon AM, Mon PM, Tue AM at Riverside, Wed AM at Hill
# Street; Ria Thursday and Friday at Hill Street
mgr staff assign 1 mon,tue-am F84001 --week 2026-11-23 > "$tmp/out"
grep -q 'Sam Patel from the week of 2026-11-23 on: Mon AM F84001, Mon PM F84001, Tue AM F84001 (3 sessions a week)' \
  "$tmp/out" || fail "assign output: $(cat "$tmp/out")"
[ "$(mgr staff assign 1 wed-am F84002 --week 2026-11-25 --json | json 'd["sessions"][4]')" = F84002 ] ||
  fail "assign --json"
mgr staff assign 2 thu,fri F84002 --week 2026-11-23 > /dev/null
wait_feed "set Ria Khan's rota from the week of 2026-11-23"
expect 2 mgr staff assign 1 mon-am F84002 --week 2026-11-23
grep -q 'Sam Patel is already at Riverside Surgery (F84001) on Mon AM in the week of Mon 23 Nov 2026, so cannot be at Hill Street (F84002)' \
  "$tmp/err" || fail "clash names both: $(cat "$tmp/err")"
expect 1 mgr staff assign 1 sun-am F84002 --week 2026-11-23
one_line "bad session"
expect 2 pat staff assign 2 mon F84002 --week 2026-11-23
ok

# --- issue 20: a week's pattern in one command, and a warning (not a
# refusal) past the person's WTE: Sam is 0.6 WTE, so 6 sessions a week
mgr staff assign 1 --pattern "Mon AM F84001, Tue PM F84002, wed pm F84002, Thu F84001" \
  --week 2027-01-04 > "$tmp/out"
grep -q 'Sam Patel from the week of 2027-01-04 on: Mon AM F84001, Mon PM F84001, Tue AM F84001, Tue PM F84002, Wed AM F84002, Wed PM F84002, Thu AM F84001, Thu PM F84001 (8 sessions a week)' \
  "$tmp/out" || fail "pattern output: $(cat "$tmp/out")"
grep -q '^Warning: Sam Patel is rostered for 8 sessions a week, more than a WTE of 0.60 covers (6.0)' \
  "$tmp/out" || fail "the WTE warning: $(cat "$tmp/out")"
wait_feed "set Sam Patel's rota from the week of 2027-01-04"
[ "$(mgr staff assign 1 --pattern "Thu -" --week 2027-01-04 --json | json 'd.get("warning", "")')" = "" ] ||
  fail "6 sessions fit 0.6 WTE"
[ "$(mgr staff assign 1 --pattern "Fri AM F84002" --week 2027-01-04 --json | json 'd["warning"]')" != "" ] ||
  fail "7 sessions: the warning in --json"
expect 1 mgr staff assign 1 --pattern "Mon" --week 2027-01-04; one_line "pattern without a practice"
expect 1 mgr staff assign 1 mon F84001 --pattern "Mon F84001" --week 2027-01-04; one_line "both"
expect 1 mgr staff assign 1 --week 2027-01-04; one_line "neither"
expect 2 mgr staff assign 1 --pattern "Mon AM F84002" --week 2027-01-04
grep -q 'already at Riverside Surgery (F84001) on Mon AM' "$tmp/err" || fail "a pattern clash: $(cat "$tmp/err")"
ok

# --- leave: each practice manager for their own practice's staff
pat staff leave 2 --from 2026-11-26 --part pm --note "dentist" > "$tmp/out"
grep -q 'Leave 1 for Ria Khan: 2026-11-26 to 2026-11-26, afternoons.' "$tmp/out" ||
  fail "leave output: $(cat "$tmp/out")"
expect 2 jo staff leave 2 --from 2026-11-27
grep -q 'F84002' "$tmp/err" || fail "leave refusal names the practice: $(cat "$tmp/err")"
[ "$(jo staff leave 1 --from 2026-12-21 --to 2026-12-24 --json | json 'd["staff_name"]')" = "Sam Patel" ] ||
  fail "leave --json"
[ "$(jo staff leave --json | json 'len(d["leave"])')" = 2 ] || fail "leave list --json"
[ "$(jo staff leave --cancel 2 --json | json 'd["cancelled"]')" = True ] || fail "leave --cancel"
wait_feed 'cancelled leave 2 for Sam Patel'
ok

# --- the grid, rows staff, columns sessions
pat staff rota --week 2026-11-26 > "$tmp/rota"
grep -q 'Week of 2026-11-23' "$tmp/rota" || fail "rota week: $(cat "$tmp/rota")"
grep -E -q '^ +1  Sam Patel +F84001 +F84001 +F84001 +- +F84002 +- +- +- +- +-' "$tmp/rota" ||
  fail "Sam's row: $(cat "$tmp/rota")"
grep -E -q '^ +2  Ria Khan +- +- +- +- +- +- +F84002 +leave +F84002 +F84002' "$tmp/rota" ||
  fail "Ria's row with leave: $(cat "$tmp/rota")"
[ "$(jo staff rota --week 2026-12-02 --json | json 'd["rows"][0]["from_week"]')" = 2026-11-23 ] ||
  fail "the pattern stands (rota --json)"
ok

# --- equity: 3 of 7 sessions at Riverside (42.86%) against 60% of the list
jo staff equity --from 2026-11-23 --to 2026-11-27 > "$tmp/eq"
grep -E -q '^F84001 +Riverside Surgery +3 +42.86 +12000 +60.00 +-17.14' "$tmp/eq" ||
  fail "equity F84001: $(cat "$tmp/eq")"
grep -E -q '^F84002 +Hill Street +4 +57.14 +8000 +40.00 +\+17.14' "$tmp/eq" ||
  fail "equity F84002: $(cat "$tmp/eq")"
grep -q '7 sessions delivered (8 on the rota, 1 lost to leave)' "$tmp/eq" || fail "totals: $(cat "$tmp/eq")"
[ "$(pat staff equity --from 2026-11-23 --to 2026-11-27 --json | json 'd["rows"][0]["deviation_bp"]')" = -1714 ] ||
  fail "equity --json"
expect 1 jo staff equity --from 2026-11-23
one_line "equity without --to"
ok

# --- ending employment keeps the record
[ "$(mgr staff end 2 --version 1 --on 2020-01-31 --json | json 'd["ended"]')" = 2020-01-31 ] ||
  fail "staff end --json"
wait_feed "ended Ria Khan's employment"
[ "$(jo staff list --json | json 'len(d["staff"])')" = 1 ] || fail "current list"
[ "$(jo staff list --all --json | json 'len(d["staff"])')" = 2 ] || fail "--all keeps history"
ok

cli_stop_feed || true
echo "cli_staff: $passed groups passed"
