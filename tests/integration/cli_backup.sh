#!/usr/bin/env bash
# pcnd backup / pcnd restore as an operator types them, and `pcn feed`
# across a restore.
#
# A manager joins; `pcn feed --since 0 --json` runs; 3 tasks; an encrypted
# backup is taken while pcnd serves; 2 more tasks (the feed reaches #6);
# kill -9; the encrypted backup is refused without its key, with a wrong
# key, and when altered; a non-empty directory is refused; then it is
# restored where the store was and pcnd runs again on the same port. The
# feed says 2 events were lost and prints the restored server's next task
# as #5; the tasks from before the backup are there; verify passes.
. "$(dirname "$0")/cli_common.bash" "$1"

"$pcnd" backup --help | grep -q -- "--encrypt-key" || fail "pcnd backup --help says nothing of --encrypt-key"
"$pcnd" restore --help | grep -q "new or empty" || fail "pcnd restore --help does not say where it restores"
"$pcnd" run --help | grep -q -- "--backup-every DURATION" || fail "pcnd run --help lacks --backup-every"
expect 1 "$pcnd" backup --data "$tmp/net"
one_line "pcnd backup without --out"
expect 1 "$pcnd" run --data "$tmp/net" --backup-every 5x
grep -q "30m, 6h, 1d" "$tmp/err" || fail "a bad duration is not explained: $(cat "$tmp/err")"
# A schedule with nowhere to go is refused, not silently ignored.
for opt in "--backup-every 6h" "--backup-keep 3" "--encrypt-key $tmp/k"; do
  # shellcheck disable=SC2086
  expect 1 "$pcnd" run --data "$tmp/net" $opt
  one_line "pcnd run $opt without --backup-dir"
  grep -q -- "--backup-dir" "$tmp/err" || fail "$opt alone does not ask for --backup-dir"
done
ok

cli_start_network
expect 0 "$pcnd" backup --new-key "$tmp/key"
[ "$(stat -c %a "$tmp/key")" = 600 ] || fail "the key file is not 0600"
expect 2 "$pcnd" backup --new-key "$tmp/key"
one_line "pcnd backup --new-key over an existing key"
cp "$tmp/key" "$tmp/loose" && chmod 644 "$tmp/loose"
expect 2 "$pcnd" backup --data "$tmp/net" --out "$tmp/x.pcnbak" --encrypt-key "$tmp/loose"
grep -q "chmod 600" "$tmp/err" || fail "a key others can read is not refused: $(cat "$tmp/err")"
ok

cli_feed mgr --since 0 --json
for i in 1 2 3; do mgr task add --title "before backup $i" > /dev/null; done
expect 0 "$pcnd" backup --data "$tmp/net" --out "$tmp/net.pcnbak" --encrypt-key "$tmp/key" --json
[ "$(json 'd["head_seq"], d["encrypted"], len(d["store_epoch"])' < "$tmp/out")" = "4 True 32" ] ||
  fail "the backup's manifest is not as expected: $(cat "$tmp/out")"
for i in 1 2; do mgr task add --title "after backup $i" > /dev/null; done
wait_feed '"seq":6,'
kill -9 "$pid"; wait "$pid" || true; pid=""
mv "$tmp/net" "$tmp/net.crashed"
ok

expect 2 "$pcnd" restore --from "$tmp/net.pcnbak" --data "$tmp/net"
grep -q "encrypted; give its key" "$tmp/err" || fail "no key: $(cat "$tmp/err")"
[ ! -e "$tmp/net" ] || fail "a refused restore left $tmp/net behind"
expect 0 "$pcnd" backup --new-key "$tmp/other"
expect 2 "$pcnd" restore --from "$tmp/net.pcnbak" --data "$tmp/net" --encrypt-key "$tmp/other"
grep -q "key is wrong" "$tmp/err" || fail "wrong key: $(cat "$tmp/err")"
python3 -c '
import sys; d = bytearray(open(sys.argv[1], "rb").read()); d[-40] ^= 1
open(sys.argv[2], "wb").write(d)' "$tmp/net.pcnbak" "$tmp/altered.pcnbak"
expect 2 "$pcnd" restore --from "$tmp/altered.pcnbak" --data "$tmp/net" --encrypt-key "$tmp/key"
grep -q "tag does not verify" "$tmp/err" || fail "altered file: $(cat "$tmp/err")"
one_line "pcnd restore of an altered file"
[ ! -e "$tmp/net" ] || fail "a refused restore left $tmp/net behind"
expect 2 "$pcnd" restore --from "$tmp/net.pcnbak" --data "$tmp/net.crashed" --encrypt-key "$tmp/key"
grep -q "not an empty directory" "$tmp/err" || fail "non-empty directory: $(cat "$tmp/err")"
ok

expect 0 "$pcnd" restore --from "$tmp/net.pcnbak" --data "$tmp/net" --encrypt-key "$tmp/key" --json
[ "$(json 'd["head_seq"]' < "$tmp/out")" = 4 ] || fail "restore: $(cat "$tmp/out")"
"$pcnd" verify --data "$tmp/net" > /dev/null || fail "the restored store does not verify"
cli_start_pcnd
wait_for "$tmp/feed.err" "server_restored"
grep -q '"events_lost": *2' "$tmp/feed.err" || fail "the feed did not count 2 lost events: $(cat "$tmp/feed.err")"
mgr task add --title "after restore" > /dev/null
for _ in $(seq 100); do [ "$(grep -c '"seq":5,' "$tmp/feed.out")" = 2 ] && break; sleep 0.1; done
[ "$(grep -c '"seq":5,' "$tmp/feed.out")" = 2 ] ||
  fail "the feed did not carry on from the restored head: $(cat "$tmp/feed.out" "$tmp/feed.err")"
tail -1 "$tmp/feed.out" | grep -q "after restore" || fail "the new #5 is not the new task"
mgr task list --json > "$tmp/tasks"
for i in 1 2 3; do grep -q "before backup $i" "$tmp/tasks" || fail "task $i was lost"; done
grep -q "after backup" "$tmp/tasks" && fail "the restore did not go back in time"
ok

# The human line, too.
cli_stop_feed || true
cli_feed mgr
wait_feed "after restore"
mv "$tmp/net" "$tmp/net.second"
cli_stop_pcnd
expect 0 "$pcnd" restore --from "$tmp/net.pcnbak" --data "$tmp/net" --encrypt-key "$tmp/key"
grep -q "new store epoch" "$tmp/out" || fail "restore said: $(cat "$tmp/out")"
cli_start_pcnd
wait_for "$tmp/feed.err" "the server was restored from a backup; the last 1 event"
ok
echo "$passed passed, 0 failed"
