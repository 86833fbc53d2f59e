#!/usr/bin/env bash
# `pcn network` through the real pcn against a real pcnd: the defaults, the
# PCN manager changing notice and reminders, a practice manager refused
# (exit 2, one line), a year's bank holidays with the network's
# corrections, bad input as one-line usage errors (exit 1), and --json;
# issue 19's staff-see-funding switch (no by default).
. "$(dirname "$0")/cli_common.bash" "$1"
jo() { as jo "$@"; }
cli_start_network
cli_add_practice F84001 "Riverside Surgery"
cli_add_member jo practice_manager F84001

# Defaults, readable by everyone.
jo network show > "$tmp/show"
grep -q "minimum notice: *10 working days" "$tmp/show" || fail "default notice: $(cat "$tmp/show")"
grep -q "reminders: *3, 1 working day" "$tmp/show" || fail "default reminders: $(cat "$tmp/show")"

# The PCN manager changes them; Jo may not.
[ "$(mgr network set --notice 15 --reminders 5,2 --json | json 'd["min_notice_days"]')" = 15 ] ||
  fail "network set --json"
[ "$(jo network show --json | json 'd["reminder_days"]')" = "[5, 2]" ] || fail "reminders after set"
expect 2 jo network set --notice 5
one_line "a refused set"
grep -q "may not change the network's settings" "$tmp/err" || fail "refusal: $(cat "$tmp/err")"

# Bad input: one line, exit 1, nothing sent.
expect 1 mgr network set
one_line "set without options"
expect 1 mgr network set --notice 400
expect 1 mgr network set --reminders 3,x
grep -q -- "--reminders takes" "$tmp/err" || fail "bad reminders: $(cat "$tmp/err")"
expect 1 mgr network set --staff-see-funding maybe
grep -q -- "--staff-see-funding takes yes or no" "$tmp/err" || fail "bad staff-see-funding: $(cat "$tmp/err")"

# Issue 19: whether the desktop offers staff the funding pages; no by default.
grep -q "staff see funding: *no" "$tmp/show" || fail "default staff see funding: $(cat "$tmp/show")"
expect 2 jo network set --staff-see-funding yes
mgr network set --staff-see-funding yes | grep -q "staff see funding: *yes" ||
  fail "staff-see-funding yes"
[ "$(jo network show --json | json 'd.get("staff_see_funding", False)')" = True ] ||
  fail "staff_see_funding in --json"
[ "$(jo network show --json | json 'd["min_notice_days"]')" = 15 ] || fail "the notice kept"
mgr network set --staff-see-funding no > /dev/null
[ "$(jo network show --json | json 'd.get("staff_see_funding", False)')" = False ] ||
  fail "staff_see_funding back to no"
expect 1 mgr network holiday-add 2027-02-30
one_line "a bad date"

# Holidays: 2027 by the rules (Christmas on a Saturday moves to Mon 27).
mgr network holidays --year 2027 > "$tmp/h"
[ "$(grep -c ' rule$' "$tmp/h")" -eq 8 ] || fail "2027 has 8 rule holidays: $(cat "$tmp/h")"
grep -q "2027-12-27  Mon  Christmas Day" "$tmp/h" || fail "Christmas 2027: $(cat "$tmp/h")"
# A jubilee added, a rule day removed; both shown, and refused twice.
mgr network holiday-add 2027-06-04 | grep -q "is now a bank holiday" || fail "holiday-add"
mgr network holiday-remove 2027-05-03 > /dev/null
expect 2 mgr network holiday-add 2027-06-04
grep -q "already a bank holiday" "$tmp/err" || fail "repeat add: $(cat "$tmp/err")"
expect 2 jo network holiday-add 2027-06-07
jo network holidays --year 2027 > "$tmp/h"
grep -q "2027-06-04  Fri  added by the network" "$tmp/h" || fail "added day: $(cat "$tmp/h")"
grep -q "2027-05-03  Mon  Early May bank holiday *rule, removed by the network" "$tmp/h" ||
  fail "removed day: $(cat "$tmp/h")"
[ "$(jo network holidays --year 2027 --json |
  json 'sum(1 for h in d["holidays"] if h["holiday"])')" = 8 ] || fail "holidays --json"
echo "cli_network: all checks passed"
