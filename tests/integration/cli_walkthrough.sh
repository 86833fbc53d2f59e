#!/usr/bin/env bash
# The README's walkthrough through the real pcn binary against a real pcnd:
# init, run, the PCN manager joins, adds a practice and invites its
# practice manager, who joins from a second configuration and runs
# `pcn feed`; a task the PCN manager adds appears there at once. Then the
# CLI's contract: --json parses on every command, usage errors are one
# line and exit 1, refusals exit 2 with the server's sentence, a stale
# version shows the task as it is now, disabling a member ends their
# session, and a stopped server gives exit 3.
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
mgr() { XDG_CONFIG_HOME=$tmp/mgr "$pcn" "$@"; }
jo() { XDG_CONFIG_HOME=$tmp/jo "$pcn" "$@"; }
# Runs a command expecting exit code $1; its stderr lands in $tmp/err.
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

# --- the walkthrough
echo "manager's long password" | mgr join "$code" --password-stdin > /dev/null
[ "$(mgr whoami --json | json 'd["role"]')" = pcn_manager ] || fail "whoami --json"
[ "$(stat -c %a "$tmp/mgr/pcn/config.json")" = 600 ] || fail "config.json is not 0600"
grep -q "long password" "$tmp/mgr/pcn/config.json" && fail "the password was written to a file"
ok

mgr practice add --ods F84001 --name "Riverside Surgery" --list-size 12000 > /dev/null
[ "$(mgr practice list --json | json 'd["practices"][0]["list_size"]')" = 12000 ] ||
  fail "practice list --json"
invite=$(mgr member invite --username jo --name "Jo Bloggs" --role practice_manager \
  --practice F84001 | grep -o 'pcn1-[A-Za-z0-9_-]*')
echo "jo's own password" | jo join "$invite" --password-stdin > /dev/null
[ "$(jo whoami --json | json 'd["practice"]')" = F84001 ] || fail "jo's whoami"
ok

XDG_CONFIG_HOME=$tmp/jo "$pcn" feed > "$tmp/feed.out" 2> "$tmp/feed.err" &
feed=$!
for _ in $(seq 50); do grep -q 'member jo' "$tmp/feed.out" && break; sleep 0.1; done
grep -q 'member jo' "$tmp/feed.out" || fail "feed did not show history: $(cat "$tmp/feed.out" "$tmp/feed.err")"
mgr task add --title "Flu clinic rota" --due 2026-12-01 --assign jo > /dev/null
for _ in $(seq 50); do grep -q 'Flu clinic rota' "$tmp/feed.out" && break; sleep 0.1; done
grep -q 'created task 1 "Flu clinic rota" (network, open, assigned to jo)' "$tmp/feed.out" ||
  fail "the task did not appear in jo's feed: $(cat "$tmp/feed.out" "$tmp/feed.err")"
kill -INT "$feed"
set +e; wait "$feed"; rc=$?; set -e; feed=""
[ $rc -eq 0 ] || fail "pcn feed exited $rc on SIGINT"
ok

# --- practice-only tasks stay in the practice
jo task add --title "Riverside rota" --practice F84001 > /dev/null
[ "$(jo task list --json | json 'len(d["tasks"])')" = 2 ] || fail "jo sees both tasks"
[ "$(mgr task list --network --json | json 'len(d["tasks"])')" = 1 ] || fail "network list"
ok

# --- --json on the rest
[ "$(mgr task show 1 --json | json 'd["task"]["title"]')" = "Flu clinic rota" ] || fail "task show --json"
[ "$(mgr task comment 1 "Rota sent" --json | json 'd["comment_count"]')" = 1 ] || fail "comment --json"
[ "$(mgr member show jo --json | json 'd["display_name"]')" = "Jo Bloggs" ] || fail "member show --json"
[ "$(mgr member list --json | json 'len(d["members"])')" = 2 ] || fail "member list --json"
[ "$(mgr task list --assignee jo --due-before 2026-12-31 --json | json 'd["tasks"][0]["id"]')" = 1 ] ||
  fail "task list filters"
ok

# --- usage errors: one line, exit 1, nothing sent
expect 1 mgr task add --title x --due 2026-13-45; one_line "bad date"
grep -q 'YYYY-MM-DD' "$tmp/err" || fail "bad date message: $(cat "$tmp/err")"
expect 1 mgr task list --frobnicate; one_line "unknown option"
expect 1 mgr task add; one_line "missing --title"
expect 1 mgr task show twelve; one_line "bad id"
expect 1 mgr nosuchcommand; one_line "unknown command"
expect 1 mgr task fly; one_line "unknown verb"
[ "$(mgr task list --json | json 'len(d["tasks"])')" = 1 ] || fail "a usage error created something"
ok

# --- help at every level
mgr --help | grep -q 'pcn task' || fail "pcn --help"
mgr task --help | grep -q 'pcn task add' || fail "pcn task --help"
mgr task add --help | grep -q -- '--due YYYY-MM-DD' || fail "pcn task add --help"
mgr feed --help | grep -q -- '--since' || fail "pcn feed --help"
ok

# --- refusals: exit 2 with the server's sentence
expect 2 jo practice add --ods F84002 --name "Hill Surgery" --list-size 9000
one_line "permission"; grep -q 'PCN manager' "$tmp/err" || fail "permission message: $(cat "$tmp/err")"
# A comment leaves the version alone, so version 1 is current: this edit
# lands, and a second edit from the same stale read is refused.
mgr task update 1 --version 1 --title "Flu clinic rota v2" > /dev/null
expect 2 mgr task update 1 --version 1 --title "Stale edit"
grep -q 'meanwhile' "$tmp/err" || fail "conflict message: $(cat "$tmp/err")"
grep -q "Flu clinic rota v2" "$tmp/out" || fail "conflict does not show the task as it is now"
echo "wrong password" | expect 2 mgr login --user manager --password-stdin
one_line "wrong password"
ok

# --- disabling a member ends their session
mgr member disable jo > /dev/null
expect 2 jo whoami
grep -q 'pcn login' "$tmp/err" || fail "disabled member's message: $(cat "$tmp/err")"
ok

# --- logout, login, password; --server and PCN_SERVER
mgr logout > /dev/null
expect 2 mgr whoami; grep -q 'pcn login' "$tmp/err" || fail "after logout: $(cat "$tmp/err")"
echo "manager's long password" | mgr login --user manager --password-stdin > /dev/null
printf "manager's long password\nan even longer password\n" | mgr password --password-stdin > /dev/null
mgr logout > /dev/null
echo "manager's long password" | expect 2 mgr login --user manager --password-stdin
echo "an even longer password" | mgr login --user manager --password-stdin --server "127.0.0.1:$port" > /dev/null
mgr whoami > /dev/null
PCN_SERVER=127.0.0.1:1 expect 3 mgr whoami; one_line "PCN_SERVER override"
expect 3 mgr whoami --server 127.0.0.1:1
ok

# --- a code whose CA is not this server's: join refuses, exit 3
other=$("$pcnd" init --data "$tmp/other" --network "Impostor PCN" --listen "127.0.0.1:$port" |
  grep -o 'pcn1-[A-Za-z0-9_-]*')
echo "some long password" | XDG_CONFIG_HOME=$tmp/eve expect 3 "$pcn" join "$other" --password-stdin
[ -e "$tmp/eve/pcn/config.json" ] && fail "a refused join saved a configuration"
ok

# --- a stopped server: exit 3
kill -TERM "$pid"; wait "$pid"; pid=""
expect 3 mgr task list; one_line "stopped server"
expect 3 mgr feed; one_line "feed with stopped server"
ok

echo "$passed passed, 0 failed"
