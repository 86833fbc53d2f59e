#!/usr/bin/env bash
# Asks through the real pcn binary against a real pcnd, between the PCN
# manager and two practice managers (Jo at F84001, Sam at F84002): an ask
# with fair notice, one refused for short notice and then made urgent with
# a reason; each practice answers for itself, and Jo's live feed shows
# Jo's practice's answer but never Sam's; show, load, close, a recurring
# ask; --json parsing on every verb, usage errors in one line (exit 1),
# refusals with the server's sentence (exit 2).
set -euo pipefail
trap 'echo "FAIL: line $LINENO exited $?" >&2' ERR
build=$1
pcnd=$build/server/pcnd
pcn=$build/client/pcn
tmp=$(mktemp -d)
pid=""
feed=""
cleanup() {
  [ -n "$feed" ] && kill "$feed" 2>/dev/null || true
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
passed=0
ok() { passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; exit 1; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
mgr() { XDG_CONFIG_HOME=$tmp/mgr timeout 30 "$pcn" "$@"; }
jo() { XDG_CONFIG_HOME=$tmp/jo timeout 30 "$pcn" "$@"; }
sam() { XDG_CONFIG_HOME=$tmp/sam timeout 30 "$pcn" "$@"; }
expect() {
  local want=$1; shift
  set +e; "$@" > "$tmp/out" 2> "$tmp/err"; local rc=$?; set -e
  [ $rc -eq "$want" ] || fail "$* exited $rc, not $want: $(cat "$tmp/err")"
}
one_line() {
  [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "$1 said more than one line: $(cat "$tmp/err")"
}
wait_for() { # file text
  for _ in $(seq 50); do grep -q "$2" "$1" && return 0; sleep 0.1; done
  fail "never saw '$2' in $1: $(cat "$1")"
}
day() { python3 -c "import datetime; print(datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=$1))"; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
code=$("$pcnd" init --data "$tmp/net" --network "Riverside PCN" --listen "127.0.0.1:$port" |
  grep -o 'pcn1-[A-Za-z0-9_-]*')
"$pcnd" run --data "$tmp/net" > "$tmp/pcnd.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q serving "$tmp/pcnd.log" && break; sleep 0.1; done
grep -q serving "$tmp/pcnd.log" || fail "pcnd did not start: $(cat "$tmp/pcnd.log")"

echo "manager's long password" | mgr join "$code" --password-stdin > /dev/null
mgr practice add --ods F84001 --name "Riverside Surgery" --list-size 12000 > /dev/null
mgr practice add --ods F84002 --name "Hill Street" --list-size 8000 > /dev/null
mgr practice add --ods F84003 --name "Canal Side" --list-size 6000 > /dev/null
for who in jo:F84001 sam:F84002; do
  name=${who%%:*}
  invite=$(mgr member invite --username "$name" --name "$name" --role practice_manager \
    --practice "${who#*:}" | grep -o 'pcn1-[A-Za-z0-9_-]*')
  echo "$name's own password" | XDG_CONFIG_HOME=$tmp/$name "$pcn" join "$invite" --password-stdin > /dev/null
done
ok

# --- Jo watches the feed
XDG_CONFIG_HOME=$tmp/jo "$pcn" feed > "$tmp/feed.out" 2> "$tmp/feed.err" &
feed=$!
wait_for "$tmp/feed.out" 'member sam'

# --- fair notice: a month is fine; two days is refused unless urgent
fair=$(day 30)
short=$(day 2)
id=$(mgr ask new --title "Flu vaccine uptake" --to F84001,F84002 --due "$fair" \
  --need "Your figures to the end of last month" --json | json 'd["id"]')
[ "$id" = 1 ] || fail "ask new --json gave id $id"
wait_for "$tmp/feed.out" "created ask 1 \"Flu vaccine uptake\" to F84001, F84002, due $fair"
expect 2 mgr ask new --title "Rota gaps" --to F84001 --due "$short"
one_line "short notice"
grep -q "mark it urgent" "$tmp/err" || fail "short notice message: $(cat "$tmp/err")"
grep -q "or later" "$tmp/err" || fail "no earliest fair date: $(cat "$tmp/err")"
[ "$(mgr ask new --title "Rota gaps" --to F84001 --due "$short" \
  --urgent "The ICB moved its deadline" --json | json 'd["urgent"]')" = True ] || fail "urgent ask"
[ "$(jo ask list --json | json 'len(d["asks"])')" = 2 ] || fail "jo sees both asks"
[ "$(sam ask list --json | json 'len(d["asks"])')" = 1 ] || fail "sam sees the ask to F84002 only"
jo ask list > "$tmp/list"
grep -q "open, urgent" "$tmp/list" || fail "urgent not shown: $(cat "$tmp/list")"
grep -q "Urgent asks by month: .* 1 urgent of 2" "$tmp/list" || fail "urgent count: $(cat "$tmp/list")"
ok

# --- each practice answers for itself; Jo's feed has F84001's, not F84002's
[ "$(jo ask answer 1 ack --json | json 'd["version"]')" = 1 ] || fail "jo ack"
[ "$(jo ask answer 1 done --note "Sent to the ICB" --link https://example.org/flu.xlsx \
  --version 1 --json | json 'd["state"]')" = ask_done ] || fail "jo done"
expect 1 sam ask answer 1 decline; one_line "decline without reason"
[ "$(sam ask answer 1 decline --reason "Our data lead is away" --json | json 'd["practice"]')" = F84002 ] ||
  fail "sam decline"
expect 2 jo ask answer 1 ack --practice F84002; one_line "answering for another practice"
grep -q "F84002's practice manager" "$tmp/err" || fail "other-practice message: $(cat "$tmp/err")"
expect 2 jo ask answer 1 ack --version 1
grep -q "meanwhile" "$tmp/err" || fail "stale answer: $(cat "$tmp/err")"
grep -q "Sent to the ICB" "$tmp/out" "$tmp/err" || fail "conflict does not show the answer"
wait_for "$tmp/feed.out" "F84001 answered ask 1: done - Sent to the ICB"
mgr ask close 2 > /dev/null # a marker Jo sees after Sam's answer
wait_for "$tmp/feed.out" "closed ask 2"
grep -q "F84002 answered" "$tmp/feed.out" && fail "Jo's feed showed F84002's answer"
ok

# --- show and load: the asker sees every practice, Jo their own
[ "$(mgr ask show 1 --json | json 'len(d["answers"])')" = 2 ] || fail "manager sees both answers"
[ "$(jo ask show 1 --json | json 'd["answers"][0]["practice"]')" = F84001 ] || fail "jo's answer"
[ "$(jo ask show 1 --json | json 'len(d["answers"])')" = 1 ] || fail "jo sees only F84001's answer"
mgr ask show 1 > "$tmp/show"
grep -q "F84002   declined" "$tmp/show" || fail "show: $(cat "$tmp/show")"
[ "$(mgr ask load --json | json 'len(d["practices"])')" = 3 ] || fail "manager's load"
[ "$(sam ask load --json | json 'd["practices"][0]["received_30d"]')" = 1 ] || fail "sam's load"
[ "$(sam ask load --json | json 'len(d["practices"])')" = 1 ] || fail "sam sees own row"
mgr ask load | grep -q "F84001   Riverside Surgery" || fail "load table"
ok

# --- closing fixes the answers; stale versions and permissions refused
expect 2 mgr ask close 1 --version 9
grep -q "meanwhile" "$tmp/err" || fail "stale close: $(cat "$tmp/err")"
grep -q "Flu vaccine uptake" "$tmp/out" || fail "conflict does not show the ask"
expect 2 jo ask close 1; one_line "jo closing"
[ "$(mgr ask close 1 --json | json 'd["state"]')" = ask_closed ] || fail "close --json"
expect 2 jo ask answer 1 ack; grep -q "closed" "$tmp/err" || fail "answer after close"
[ "$(jo ask list --json | json 'len(d["asks"])')" = 0 ] || fail "open asks after closing"
[ "$(jo ask list --state all --json | json 'len(d["asks"])')" = 2 ] || fail "all asks"
ok

# --- recurring asks
sid=$(mgr ask repeat --title "ARRS claim" --to all --monthly 10 --json | json 'd["id"]')
[ "$sid" = 1 ] || fail "repeat --json gave $sid"
[ "$(sam ask repeat --json | json 'd["series"][0]["title"]')" = "ARRS claim" ] || fail "sam sees the series"
mgr ask repeat --title "Quarterly return" --to F84001 --quarterly 01-15 > /dev/null
[ "$(sam ask repeat --json | json 'len(d["series"])')" = 1 ] || fail "sam sees only series to F84002"
mgr ask repeat > "$tmp/series"
grep -q "monthly, day 10" "$tmp/series" || fail "repeat list: $(cat "$tmp/series")"
expect 2 jo ask repeat --stop 1; one_line "jo stopping"
[ "$(mgr ask repeat --stop 1 --json | json 'd["stopped"]')" = True ] || fail "stop"
[ "$(mgr ask repeat --all --json | json 'len(d["series"])')" = 2 ] || fail "repeat --all"
ok

# --- usage errors: one line, exit 1
expect 1 mgr ask new --title x --to F84001; one_line "missing --due"
expect 1 mgr ask new --title x --to F84001 --due 2026-02-30; one_line "bad date"
expect 1 mgr ask new --title x --due "$fair"; one_line "missing --to"
expect 1 jo ask answer 1 maybe; one_line "bad answer"
expect 1 jo ask answer 1 done; one_line "done without note"
expect 1 mgr ask list --state sideways; one_line "bad state"
expect 1 mgr ask show seven; one_line "bad id"
expect 1 mgr ask repeat --title x --to all --monthly 40; one_line "bad day"
expect 1 mgr ask repeat --title x --to all --monthly 1 --yearly 03-31; one_line "two repeats"
expect 1 mgr ask repeat --stop 1 --list; one_line "stop and list"
expect 2 mgr ask new --title x --to Z99999 --due "$fair"; one_line "unknown practice"
ok

# --- help
mgr ask --help | grep -q 'pcn ask repeat' || fail "pcn ask --help"
mgr ask answer --help | grep -q -- '--reason TEXT' || fail "pcn ask answer --help"
mgr ask repeat --help | grep -q -- '--monthly 10' || fail "pcn ask repeat --help example"
ok

kill -INT "$feed"; wait "$feed" || true; feed=""
echo "$passed passed, 0 failed"
