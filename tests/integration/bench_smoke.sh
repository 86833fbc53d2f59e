#!/usr/bin/env bash
# pcn-bench against a spawned pcnd: a few hundred requests of each
# workload (funds on a small ledger, closed and open loop), checked through its --json report (every request answered, no
# errors, the fan-out feed check clean, logins and reconnects counted,
# memory sampled). No speed is asserted: this proves the harness works,
# the numbers come from real runs (README, "Benchmarks").
set -euo pipefail
bench=$1/bench/pcn-bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
passed=0
export TMPDIR=$tmp  # the spawned servers' directories, removed with it

# run NAME CHECK ARGS...: pcn-bench ARGS --spawn --json --quiet must exit 0
# and CHECK (a Python expression over the report d) must hold.
run() {
  local name=$1 check=$2; shift 2
  set +e; "$bench" "$@" --spawn --json --quiet > "$tmp/$name.json" 2> "$tmp/$name.err"; rc=$?; set -e
  [ $rc -eq 0 ] || fail "$name exited $rc: $(cat "$tmp/$name.err")"
  python3 - "$tmp/$name.json" "$check" <<'PY' || fail "$name: $check: $(cat "$tmp/$name.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ok"] is True and d["errors"] == 0, "not ok"
assert eval(sys.argv[2]), sys.argv[2]
PY
  passed=$((passed + 1))
}

run read 'd["requests"] == 300 and d["ops"]["get"]["count"] > 0 and d["ops"]["list"]["count"] > 0 and d["preloaded"] == 200 and d["server"]["rss_kb"] > 0' \
  read --connections 4 --pipeline 4 --requests 300 --preload-tasks 200
run write 'd["requests"] == 300 and d["ops"]["create"]["count"] >= 140 and d["ops"]["update"]["count"] >= 140' \
  write --connections 4 --requests 300
run mixed 'd["requests"] == 300 and d["rate"] == 600 and d["latency_us"]["p50"] > 0' \
  mixed --connections 4 --requests 300 --rate 600 --read-ratio 50 --preload-tasks 50
run fanout 'd["fanout"]["events"] == 20 * 100 and d["fanout"]["gaps"] == 0 and d["fanout"]["duplicates"] == 0 and d["fanout"]["missing"] == 0 and d["fanout"]["ack_to_last_us"]["count"] == 100' \
  fanout --subscribers 20 --writers 2 --requests 100
run connect 'd["resumes_per_s"] > 0 and d["logins_per_s"] > 0' \
  connect --connections 4 --duration 3
run idle 'd["idle"]["connections"] == 50 and d["idle"]["rss_after_kb"] > d["idle"]["rss_before_kb"]' \
  idle --idle 50 --duration 0.5
run replay 'd["replay"]["events"] == 20 * d["replay"]["head"] and d["replay"]["gaps"] == 0 and d["replay"]["duplicates"] == 0 and d["replay"]["missing"] == 0 and d["replay"]["anon_before_kb"] > 0' \
  replay --idle 20 --preload-tasks 2000 --duration 0.5 --pcnd-arg --output-budget --pcnd-arg 1048576
run restart 'd["server_start_ms"] > 0 and d["requests"] == 100' \
  read --connections 2 --requests 100 --preload-tasks 100 --restart
run funds 'd["requests"] == 300 and d["preloaded"] == 200 and d["ops"]["statement"]["count"] > 0 and d["ops"]["balances"]["count"] > 0 and d["ops"]["receive"]["count"] > 0' \
  funds --connections 4 --pipeline 2 --requests 300 --preload-entries 200 --read-ratio 80
run funds-open 'd["requests"] == 100 and d["rate"] == 400 and d["ops"]["statement"]["count"] > 0' \
  funds --connections 2 --requests 100 --rate 400 --preload-entries 50

# Usage errors: one line, exit 1.
set +e; "$bench" read --connections lots > /dev/null 2> "$tmp/err"; rc=$?; set -e
[ $rc -eq 1 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "bad option: exit $rc: $(cat "$tmp/err")"
set +e; "$bench" fly --spawn > /dev/null 2> "$tmp/err"; rc=$?; set -e
[ $rc -eq 1 ] || fail "unknown workload exited $rc"
set +e; "$bench" funds --preload-tasks 10 > /dev/null 2> "$tmp/err"; rc=$?; set -e
[ $rc -eq 1 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "funds with --preload-tasks: exit $rc: $(cat "$tmp/err")"
help=$("$bench" --help)
for opt in spawn pcnd server pid user password-stdin connections pipeline duration \
           requests rate read-ratio list-percent subscribers writers idle \
           preload-tasks preload-entries restart keep json quiet from pcnd-arg; do
  grep -q -- "--$opt" <<<"$help" || fail "--help does not list --$opt"
done
# ...and every option it lists is one the parser knows.
for opt in $(grep -o -- '--[a-z-]*' <<<"$help" | sort -u); do
  [ "$opt" = --help ] && continue
  # Two stray arguments after it make every run stop at parsing.
  set +e; "$bench" read "$opt" x y < /dev/null 2>&1 | grep -q "no option $opt"; known=$?; set -e
  [ $known -ne 0 ] || fail "--help lists $opt but the parser does not know it"
done
passed=$((passed + 1))
# Nothing left behind: every spawned server's directory was removed.
[ -z "$(ls "$tmp" | grep pcn-bench- || true)" ] || fail "spawned directories left: $(ls "$tmp")"
echo "$passed passed, 0 failed"
