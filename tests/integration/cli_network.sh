#!/usr/bin/env bash
# `pcn network` through the real pcn against a real pcnd: the defaults, the
# PCN manager changing notice and reminders, a practice manager refused
# (exit 2, one line), a year's bank holidays with the network's
# corrections, bad input as one-line usage errors (exit 1), and --json.
set -euo pipefail
trap 'echo "FAIL: line $LINENO exited $?" >&2' ERR
build=$1
pcnd=$build/server/pcnd
pcn=$build/client/pcn
tmp=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
mgr() { XDG_CONFIG_HOME=$tmp/mgr "$pcn" "$@"; }
jo() { XDG_CONFIG_HOME=$tmp/jo "$pcn" "$@"; }
expect() {
  local want=$1; shift
  set +e; "$@" > "$tmp/out" 2> "$tmp/err"; local rc=$?; set -e
  [ $rc -eq "$want" ] || fail "$* exited $rc, not $want: $(cat "$tmp/err")"
}
one_line() {
  [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "$1 said more than one line: $(cat "$tmp/err")"
}

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
code=$("$pcnd" init --data "$tmp/net" --network "Riverside PCN" --listen "127.0.0.1:$port" |
  grep -o 'pcn1-[A-Za-z0-9_-]*')
"$pcnd" run --data "$tmp/net" > "$tmp/pcnd.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q serving "$tmp/pcnd.log" && break; sleep 0.1; done
grep -q serving "$tmp/pcnd.log" || fail "pcnd did not start: $(cat "$tmp/pcnd.log")"
echo "manager's long password" | mgr join "$code" --password-stdin > /dev/null
mgr practice add --ods F84001 --name "Riverside Surgery" --list-size 12000 > /dev/null
invite=$(mgr member invite --username jo --name "Jo Bloggs" --role practice_manager \
  --practice F84001 | grep -o 'pcn1-[A-Za-z0-9_-]*')
echo "jo's own password" | jo join "$invite" --password-stdin > /dev/null

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
