#!/usr/bin/env bash
# First command of the README: installs what is missing, builds, creates a
# demo network in ./demo on its first run, and starts pcnd on loopback.
# Stop it with Ctrl-C; run this again to start it again (the network stays).
#
#   ./scripts/demo.sh --check   does the same in a throwaway directory, joins
#                               as the PCN manager, adds a task, then stops:
#                               a smoke test of the first command.
set -euo pipefail
check=0
[ "${1:-}" = "--check" ] && check=1
cd "$(dirname "$0")/.."
. scripts/deps.sh
pcn_install_deps

jobs=$(nproc 2>/dev/null || echo 2)
echo "== building (build/)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPCN_WERROR=OFF >/dev/null
cmake --build build -j "$jobs" --target pcnd pcn pcn-bench pcn-desktop >/dev/null
bin="$PWD/build"
data="$PWD/demo"
listen="${PCN_DEMO_LISTEN:-127.0.0.1:7443}"

if [ $check -eq 1 ]; then
  tmp=$(mktemp -d)
  trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  code=$("$bin/server/pcnd" init --data "$tmp/net" --network "Check PCN" \
           --listen "127.0.0.1:$port" | grep -o 'pcn1-[A-Za-z0-9_-]*')
  "$bin/server/pcnd" run --data "$tmp/net" > "$tmp/log" &
  pid=$!
  for _ in $(seq 50); do grep -q serving "$tmp/log" && break; sleep 0.2; done
  export XDG_CONFIG_HOME="$tmp/cfg"
  echo "check password 1" | "$bin/client/pcn" join "$code" --password-stdin
  "$bin/client/pcn" task add --title "Demo check" --due 2026-12-01
  "$bin/client/pcn" task list
  echo "demo check: OK"
  exit 0
fi

if [ ! -f "$data/data.mdb" ]; then
  echo "== creating the demo network in $data"
  "$bin/server/pcnd" init --data "$data" --network "Demo PCN" --listen "$listen" \
    | tee "$data.first-run.txt"
  chmod 600 "$data.first-run.txt"
fi

cat <<MSG

== PCN Hub is starting on $listen (Ctrl-C stops it)
In another terminal, put the client on your PATH and join as the PCN manager:
  export PATH="$bin/client:$bin/server:\$PATH"
  $(grep -o 'pcn join .*' "$data.first-run.txt" 2>/dev/null || echo 'pcn login --user manager   # already joined')
Then, for example:
  pcn practice add --ods F84001 --name "Riverside Surgery" --list-size 12000
  pcn task add --title "Flu clinic rota" --due 2026-12-01
  pcn feed
or open the desktop app (same login): $bin/client/desktop/pcn-desktop
(The invitation works once; the line above is kept in demo.first-run.txt.)

MSG
exec "$bin/server/pcnd" run --data "$data"
