#!/usr/bin/env bash
# ab.sh - compare two pcnd builds fairly on a noisy machine: runs the same
# pcn-bench workload against each, alternating, N times, and prints the
# throughput, p99 and server CPU of every run. Single runs here vary by
# +-15%; alternating keeps drift from favouring one side.
#
#   bench/ab.sh [-n N] [--bench PCN_BENCH] OLD_PCND NEW_PCND WORKLOAD [pcn-bench options]
#   bench/ab.sh /tmp/old/server/pcnd build/server/pcnd read --pipeline 16 --duration 3
set -euo pipefail
n=3
bench=${PCN_BENCH:-$(dirname "$0")/../build/bench/pcn-bench}
while [ $# -gt 0 ]; do
  case $1 in
    -n) n=$2; shift 2 ;;
    --bench) bench=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
  esac
done
[ $# -ge 3 ] || { echo "ab.sh: give OLD_PCND NEW_PCND WORKLOAD; see --help." >&2; exit 1; }
old=$1 new=$2; shift 2
for _ in $(seq "$n"); do
  for side in old new; do
    pcnd=$old; [ $side = new ] && pcnd=$new
    "$bench" "$@" --spawn --pcnd "$pcnd" --quiet --json |
      python3 -c 'import json,sys
d = json.load(sys.stdin)
print("%s %9.0f/s  p99 %7.0f us  pcnd cpu %3.0f%%" % (sys.argv[1], d["throughput"],
      d["latency_us"]["p99"], d.get("server", {}).get("cpu_percent", 0)))' "$side"
  done
done
