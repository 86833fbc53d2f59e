#!/usr/bin/env bash
# A full disk loses nothing (docs/faults.md).
#
# The store lives on a small tmpfs, filled with a ballast file until a few
# hundred KiB are left. Tasks with 12 KB bodies are added until one is
# refused: it must be refused as RESOURCE_EXHAUSTED with a message that
# says the disk is full (pcn exits 2, one line). While the disk is full,
# a listing (a new connection) and a live `pcn feed` keep working and show
# every acknowledged task. Deleting the ballast lets the next write through
# with no restart. After a stop, `pcnd verify` passes, and a restarted
# pcnd holds every acknowledged task and none of the refused ones.
#
# Needs root to mount the tmpfs: without it the test says so and is
# skipped (exit 77). The mount is undone whatever happens.
. "$(dirname "$0")/cli_common.bash" "$1"

mnt=$tmp/net
diskfull_cleanup() {
  for p in "${bg[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  pid="" bg=()
  if mountpoint -q "$mnt"; then umount "$mnt" 2>/dev/null || umount -l "$mnt"; fi
  cli_cleanup
}
trap diskfull_cleanup EXIT
mkdir -p "$mnt"
if ! mount -t tmpfs -o size=8m,mode=0700 pcn-diskfull "$mnt" 2>/dev/null; then
  echo "SKIP: cannot mount a tmpfs here (needs root); the disk-full test did not run."
  exit 77
fi

cli_start_network
cli_feed mgr --since 0 --json
mgr task add --title "before the ballast" > /dev/null
ok

# Leave ~384 KiB free on the store's filesystem.
avail=$(df --output=avail -B1 "$mnt" | tail -1)
fallocate -l $((avail - 384 * 1024)) "$mnt/ballast"
body=$(head -c 12000 /dev/zero | tr '\0' 'x')

acked=() refused=""
for i in $(seq 200); do
  rc=0
  mgr task add --title "full $i" --body "$body" > "$tmp/out" 2> "$tmp/err" || rc=$?
  if [ $rc -eq 0 ]; then acked+=("full $i"); continue; fi
  [ $rc -eq 2 ] || fail "a write on a full disk exited $rc, not 2: $(cat "$tmp/err")"
  refused="full $i"
  break
done
cp "$tmp/err" "$tmp/refusal"
[ -n "$refused" ] || fail "200 writes of 12 KB fitted in 384 KiB; the disk never filled"
[ ${#acked[@]} -gt 0 ] || fail "no write fitted before the disk was full"
grep -q "disk is full" "$tmp/err" || fail "the refusal does not say the disk is full: $(cat "$tmp/err")"
one_line "the refusal"
logged=$(grep "is full" "$tmp/pcnd.log") || fail "pcnd did not log the full disk: $(cat "$tmp/pcnd.log")"
ok

# A second refusal: still full, still refused the same way.
expect 2 mgr task add --title "full again" --body "$body"
grep -q "disk is full" "$tmp/err" || fail "the second refusal: $(cat "$tmp/err")"
ok

# Reads and the feed go on.
mgr task list --json --limit 500 > "$tmp/list.json"
for t in "before the ballast" "${acked[@]}"; do
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if any(x.get("title")==sys.argv[2] for x in (d["tasks"] if isinstance(d,dict) else d)) else 1)' \
    "$tmp/list.json" "$t" || fail "'$t' was acknowledged but is not listed while the disk is full"
done
wait_feed "\"${acked[-1]}\""
ok

# Space comes back: the next write goes through without a restart.
rm "$mnt/ballast"
mgr task add --title "after space freed" > /dev/null
wait_feed "after space freed"
wait_for "$tmp/pcnd.log" "room on the disk again"
cli_stop_feed || true
ok

# After a stop the store verifies, and a restart holds exactly what was
# acknowledged.
cli_stop_pcnd
"$pcnd" verify --data "$mnt" > "$tmp/verify.out" 2>&1 || fail "pcnd verify failed: $(cat "$tmp/verify.out")"
cli_start_pcnd
mgr task list --json --limit 500 > "$tmp/list.json"
python3 - "$tmp/list.json" "$refused" "full again" "before the ballast" "after space freed" "${acked[@]}" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
tasks = d["tasks"] if isinstance(d, dict) else d
titles = [t.get("title") for t in tasks]
refused, want = sys.argv[2:4], sys.argv[4:]
missing = [t for t in want if t not in titles]
back = [t for t in refused if t in titles]
if missing: sys.exit("acknowledged but lost after the restart: %s" % missing)
if back: sys.exit("refused but stored after all: %s" % back)
PY
ok
echo "pcn said: $(cat "$tmp/refusal")"
echo "$logged"
echo "disk full: ${#acked[@]} writes fitted, '$refused' was refused; $passed passed, 0 failed"
