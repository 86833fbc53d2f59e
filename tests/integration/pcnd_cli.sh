#!/usr/bin/env bash
# pcnd's own command line: --help lists every option with its default;
# wrong use exits 1 with one line; init refuses a used directory; run
# refuses a directory that holds no network; verify passes on a new one.
set -euo pipefail
pcnd=$1/server/pcnd
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

help=$("$pcnd" run --help)
for opt in listen max-frame max-conns max-anon-per-addr max-inflight max-output arena-budget \
           handshake-timeout idle-timeout heartbeat feed-keep map-size \
           session-idle session-max invite-ttl batch-max argon2-memory argon2-time; do
  grep -q -- "--$opt" <<<"$help" || fail "run --help does not list --$opt"
done
[ "$(grep -c '\[default' <<<"$help")" -ge 16 ] || fail "run --help lacks defaults"
grep -q '\[default 1048576\]' <<<"$help" || fail "frame limit default not shown"
"$pcnd" init --help | grep -q -- '--host' || fail "init --help"
"$pcnd" verify --help | grep -q -- '--data' || fail "verify --help"
"$pcnd" --help | grep -q 'pcnd init' || fail "--help"

expect_usage() { # exit 1 and exactly one line on stderr
  set +e; out=$("$@" 2>&1 >/dev/null); rc=$?; set -e
  [ $rc -eq 1 ] || fail "$* exited $rc, not 1"
  [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "$* said more than one line: $out"
}
expect_usage "$pcnd" frobnicate
expect_usage "$pcnd" run
expect_usage "$pcnd" run --data "$tmp" --max-conns lots
expect_usage "$pcnd" init --data "$tmp/x"
expect_usage "$pcnd" verify

"$pcnd" init --data "$tmp/net" --network "CLI PCN" --listen 127.0.0.1:1 --host pcn.example.org > "$tmp/init.out"
grep -q '^  pcn join pcn1-' "$tmp/init.out" || fail "init did not print the join line"
[ "$(stat -c %a "$tmp/net/ca.key")" = 600 ] || fail "ca.key is not 0600"
[ "$(stat -c %a "$tmp/net/server.key")" = 600 ] || fail "server.key is not 0600"
! grep -rqi password "$tmp/net"/*.pem || fail "a password in a file"
set +e; out=$("$pcnd" init --data "$tmp/net" --network again 2>&1); rc=$?; set -e
[ $rc -eq 2 ] && grep -q "already holds a network" <<<"$out" || fail "init over a network: $rc $out"
set +e; out=$("$pcnd" run --data "$tmp/empty" 2>&1); rc=$?; set -e
[ $rc -eq 2 ] && grep -q "pcnd init" <<<"$out" || fail "run without a store: $rc $out"
"$pcnd" verify --data "$tmp/net" | grep -q "sound" || fail "verify of a new network"
"$pcnd" verify --data "$tmp/net" --json | python3 -m json.tool > /dev/null || fail "verify --json"
echo "1 passed, 0 failed"
