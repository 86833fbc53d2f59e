#!/usr/bin/env bash
# Runs a GUI test on a private Xvfb display: Xvfb picks a free display
# number itself (-displayfd), and is stopped however the test ends.
# (xvfb-run's own signal handling left tests running after a timeout.)
set -uo pipefail
fifo=$(mktemp -u)
mkfifo "$fifo"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$fifo" >/dev/null 2>&1 &
xpid=$!
trap 'kill $xpid 2>/dev/null; wait $xpid 2>/dev/null; rm -f "$fifo"' EXIT
read -r -t 20 display < "$fifo" || { echo "Xvfb did not start"; exit 1; }
export DISPLAY=:$display
"$@"
