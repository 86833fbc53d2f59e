#!/usr/bin/env bash
# `pcn feed` survives a server restart: it reconnects with backoff and
# resumes from its last seq, printing every event exactly once.
#
# A manager joins; `pcn feed --since 0 --json --count 7` starts; 3 tasks are added;
# pcnd is stopped (SIGTERM) and started again on the same store; 3 more
# tasks are added. The feed must print seqs 1..7 (the join and six tasks),
# each once, in order, and exit 0 by itself.
set -euo pipefail
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

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
code=$("$pcnd" init --data "$tmp/net" --network "Restart PCN" --listen "127.0.0.1:$port" |
  grep -o 'pcn1-[A-Za-z0-9_-]*')

start() {
  "$pcnd" run --data "$tmp/net" > "$tmp/pcnd.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q serving "$tmp/pcnd.log" && return; sleep 0.1; done
  echo "pcnd did not start"; cat "$tmp/pcnd.log"; exit 1
}
start
export XDG_CONFIG_HOME=$tmp/cfg
echo "restart test password" | "$pcn" join "$code" --password-stdin > /dev/null

"$pcn" feed --since 0 --json --count 7 > "$tmp/feed.out" 2> "$tmp/feed.err" &
feed=$!
for i in 1 2 3; do "$pcn" task add --title "before restart $i" > /dev/null; done

kill -TERM "$pid"; wait "$pid"; pid=""
sleep 1  # the feed is now retrying
start
for i in 1 2 3; do "$pcn" task add --title "after restart $i" > /dev/null; done

for _ in $(seq 150); do kill -0 "$feed" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$feed" 2>/dev/null; then
  echo "pcn feed did not finish; it printed:"; cat "$tmp/feed.out" "$tmp/feed.err"; exit 1
fi
wait "$feed"; feed=""

seqs=$(python3 -c '
import json, sys
print(" ".join(str(json.loads(l)["seq"]) for l in open(sys.argv[1]) if l.strip()))' "$tmp/feed.out")
if [ "$seqs" != "1 2 3 4 5 6 7" ]; then
  echo "expected seqs 1..7 once each, got: $seqs"; cat "$tmp/feed.err"; exit 1
fi
grep -q "retrying" "$tmp/feed.err" || { echo "no reconnect notice on stderr"; cat "$tmp/feed.err"; exit 1; }
echo "1 passed, 0 failed"
