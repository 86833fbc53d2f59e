#!/usr/bin/env bash
# pcnd's TLS key exchange, seen from the openssl tool: X25519 and P-256
# are accepted; the finite-field groups (ffdhe2048 to ffdhe8192), whose
# cost a client could otherwise put on the server's loop thread, are
# refused with a handshake failure; and the server goes on serving.
set -euo pipefail
pcnd=$1/server/pcnd
tmp=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$pcnd" init --data "$tmp/net" --network "Groups PCN" --listen "127.0.0.1:$port" > /dev/null
"$pcnd" run --data "$tmp/net" > "$tmp/pcnd.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q serving "$tmp/pcnd.log" && break; sleep 0.1; done
grep -q serving "$tmp/pcnd.log" || fail "pcnd did not start: $(cat "$tmp/pcnd.log")"

# handshake GROUPS: a TLS 1.3 handshake offering only GROUPS, verifying
# the network's CA; its output in $tmp/out; the status of s_client.
handshake() {
  set +e
  timeout 20 openssl s_client -connect "127.0.0.1:$port" -tls1_3 -groups "$1" \
    -CAfile "$tmp/net/ca.pem" -verify_return_error < /dev/null > "$tmp/out" 2>&1
  local rc=$?
  set -e
  return $rc
}

handshake X25519 || fail "X25519 refused: $(cat "$tmp/out")"
grep -q "Server Temp Key: X25519" "$tmp/out" || fail "X25519 not used: $(cat "$tmp/out")"
handshake P-256 || fail "P-256 refused: $(cat "$tmp/out")"
grep -q "Server Temp Key: ECDH, prime256v1" "$tmp/out" || fail "P-256 not used: $(cat "$tmp/out")"

for g in ffdhe2048 ffdhe3072 ffdhe4096 ffdhe6144 ffdhe8192 \
         ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:ffdhe8192 X448; do
  if handshake "$g"; then fail "$g accepted: $(cat "$tmp/out")"; fi
  grep -q "handshake failure" "$tmp/out" || fail "$g: not a handshake failure: $(cat "$tmp/out")"
done

# Offered alongside, ours is chosen; and the server still serves.
handshake ffdhe8192:P-256 || fail "ffdhe8192:P-256 refused: $(cat "$tmp/out")"
grep -q "Server Temp Key: ECDH, prime256v1" "$tmp/out" || fail "ffdhe8192:P-256 did not pick P-256"
kill -0 "$pid" || fail "pcnd died"
echo "ok: X25519 and P-256 accepted, ffdhe2048..8192 and X448 refused"
