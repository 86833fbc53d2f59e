# cli_common.bash - what the CLI tests (cli_*.sh) share: a scratch
# directory cleaned up on exit, a real pcnd on a free loopback port, and
# members who joined with the real `pcn join`. Sourced, not run: ctest
# registers only *.sh.
#
#   . "$(dirname "$0")/cli_common.bash" "$1"   # the build directory
#   cli_start_network [pcnd run options]      # manager joined: mgr ...
#   cli_add_practice F84001 "Riverside Surgery" [LIST_SIZE]
#   cli_add_practices             # F84001 Riverside Surgery, F84002 Hill Street
#   cli_add_member jo practice_manager F84001 ["Jo Bloggs"] # then: as jo ...
#   cli_join ali "$(jo member invite ... | cli_code)" # someone else invites
#   cli_feed jo [feed options]    # jo's `pcn feed` in the background: $feed,
#   wait_feed TEXT                # printing to $tmp/feed.out and feed.err
#   cli_stop_feed                 # Ctrl-C to the feed; returns its status
#   cli_stop_pcnd; cli_start_pcnd [pcnd run options] # a restart, same store
#
# A member's password is "USER's own long password", the manager's
# "manager's long password". Every `as` (so mgr) run of pcn is cut off
# after 30 s: a hung client fails its check, not the whole ctest run.
# Also: expect, one_line, wait_for, json, fail, ok; bg holds further
# background pids to stop at exit.
set -euo pipefail
trap 'echo "FAIL: line $LINENO exited $?" >&2' ERR
build=$1
pcnd=$build/server/pcnd
pcn=$build/client/pcn
tmp=$(mktemp -d)
pid=""
bg=() # other background processes to stop at exit
cli_cleanup() {
  for p in "${bg[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cli_cleanup EXIT
passed=0
ok() { passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; exit 1; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
# as NAME pcn-args...: runs pcn with NAME's configuration.
as() { local who=$1; shift; XDG_CONFIG_HOME=$tmp/$who timeout 30 "$pcn" "$@"; }
mgr() { as mgr "$@"; }
# expect CODE cmd...: runs cmd expecting exit CODE; stdout in $tmp/out,
# stderr in $tmp/err.
expect() {
  local want=$1; shift
  set +e; "$@" > "$tmp/out" 2> "$tmp/err"; local rc=$?; set -e
  [ $rc -eq "$want" ] || fail "$* exited $rc, not $want: $(cat "$tmp/err")"
}
one_line() {
  [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "$1 said more than one line: $(cat "$tmp/err")"
}
# wait_for FILE TEXT: up to 10 s for TEXT to appear in FILE.
wait_for() {
  for _ in $(seq 100); do grep -q -- "$2" "$1" && return 0; sleep 0.1; done
  fail "'$2' never appeared in $1: $(cat "$1")"
}

cli_start_pcnd() {
  # Emptied here, not by the background job's redirection: after a
  # restart the wait below could otherwise read the last run's "serving".
  : > "$tmp/pcnd.log"
  "$pcnd" run --data "$tmp/net" "$@" >> "$tmp/pcnd.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q serving "$tmp/pcnd.log" && break; sleep 0.1; done
  grep -q serving "$tmp/pcnd.log" || fail "pcnd did not start: $(cat "$tmp/pcnd.log")"
}

cli_stop_pcnd() { kill -TERM "$pid"; wait "$pid"; pid=""; }

# cli_code: the pcn1- code (invite or join) in what pcnd init or
# `pcn member invite` printed.
cli_code() { grep -o 'pcn1-[A-Za-z0-9_-]*'; }

cli_start_network() {
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  code=$("$pcnd" init --data "$tmp/net" --network "Riverside PCN" --listen "127.0.0.1:$port" |
    cli_code)
  cli_start_pcnd "$@"
  echo "manager's long password" | mgr join "$code" --password-stdin > /dev/null
}

# cli_add_practice ODS NAME [LIST_SIZE]
cli_add_practice() {
  mgr practice add --ods "$1" --name "$2" --list-size "${3:-10000}" > /dev/null
}

# cli_add_practices: the two practices most tests use, F84001 Riverside
# Surgery (12000 patients) and F84002 Hill Street (8000).
cli_add_practices() {
  cli_add_practice F84001 "Riverside Surgery" 12000
  cli_add_practice F84002 "Hill Street" 8000
}

# cli_join USER CODE: USER joins with an invite code, from their own
# configuration ($tmp/USER).
cli_join() {
  echo "$1's own long password" | as "$1" join "$2" --password-stdin > /dev/null
}

# cli_add_member USER ROLE [PRACTICE [DISPLAY_NAME]]: the PCN manager
# invites USER, who joins.
cli_add_member() {
  local invite
  invite=$(mgr member invite --username "$1" --name "${4:-$1}" --role "$2" \
    ${3:+--practice "$3"} | cli_code)
  cli_join "$1" "$invite"
}

feed=""
# cli_feed USER [feed options]: USER's `pcn feed` in the background, its
# pid in $feed (and bg), its output in $tmp/feed.out and $tmp/feed.err.
cli_feed() {
  local who=$1; shift
  XDG_CONFIG_HOME=$tmp/$who "$pcn" feed "$@" > "$tmp/feed.out" 2> "$tmp/feed.err" &
  feed=$!
  bg+=("$feed")
}
# wait_feed TEXT: up to 10 s for TEXT in the feed's output.
wait_feed() {
  for _ in $(seq 100); do grep -q -- "$1" "$tmp/feed.out" && return 0; sleep 0.1; done
  fail "the feed never showed '$1': $(cat "$tmp/feed.out" "$tmp/feed.err")"
}
# cli_stop_feed: SIGINT to the feed, as Ctrl-C; returns the feed's status.
cli_stop_feed() {
  local rc=0 p keep=()
  kill -INT "$feed"
  wait "$feed" || rc=$?
  for p in "${bg[@]}"; do [ "$p" = "$feed" ] || keep+=("$p"); done
  bg=("${keep[@]}")
  feed=""
  return "$rc"
}
