#!/usr/bin/env bash
# `pcn feed` survives a server restart: it reconnects with backoff and
# resumes from its last seq, printing every event exactly once.
#
# A manager joins; `pcn feed --since 0 --json --count 7` starts; 3 tasks are added;
# pcnd is stopped (SIGTERM) and started again on the same store; 3 more
# tasks are added. The feed must print seqs 1..7 (the join and six tasks),
# each once, in order, and exit 0 by itself.
. "$(dirname "$0")/cli_common.bash" "$1"
cli_start_network

cli_feed mgr --since 0 --json --count 7
for i in 1 2 3; do mgr task add --title "before restart $i" > /dev/null; done

cli_stop_pcnd
sleep 1  # the feed is now retrying
cli_start_pcnd
for i in 1 2 3; do mgr task add --title "after restart $i" > /dev/null; done

for _ in $(seq 150); do kill -0 "$feed" 2>/dev/null || break; sleep 0.1; done
kill -0 "$feed" 2>/dev/null &&
  fail "pcn feed did not finish; it printed: $(cat "$tmp/feed.out" "$tmp/feed.err")"
wait "$feed"; bg=(); feed="" # reaped: nothing left to stop at exit

seqs=$(python3 -c '
import json, sys
print(" ".join(str(json.loads(l)["seq"]) for l in open(sys.argv[1]) if l.strip()))' "$tmp/feed.out")
[ "$seqs" = "1 2 3 4 5 6 7" ] ||
  fail "expected seqs 1..7 once each, got: $seqs $(cat "$tmp/feed.err")"
grep -q "retrying" "$tmp/feed.err" || fail "no reconnect notice on stderr: $(cat "$tmp/feed.err")"
echo "1 passed, 0 failed"
