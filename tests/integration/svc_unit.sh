#!/usr/bin/env bash
# packaging/systemd/pcnd@.service, checked by systemd itself without a
# running systemd: `systemd-analyze verify` accepts an instance of it
# with no warning (and rejects a broken copy, so the check can fail), its
# hardening scores "OK" in `systemd-analyze security --offline`, and it
# keeps what the service promises: Type=notify, the pcn user, its data
# directory the only writable path, AF_UNIX/AF_INET/AF_INET6 only,
# restart on failure, SIGHUP for reload. Skips when systemd-analyze is
# missing (apt-get install systemd).
set -euo pipefail
build=$1
unit=$(cd "$(dirname "$0")/../.." && pwd)/packaging/systemd/pcnd@.service
if ! command -v systemd-analyze > /dev/null; then
  echo "systemd-analyze is missing (apt-get install systemd): svc_unit skipped"
  echo "0 passed, 0 failed, 1 skipped"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
passed=0

# verify insists that ExecStart= exists: point it at the built pcnd.
sed "s|^ExecStart=/usr/bin/pcnd |ExecStart=$build/server/pcnd |" "$unit" \
  > "$tmp/pcnd@riverside.service"
grep -q "^ExecStart=$build/server/pcnd run --data /var/lib/pcn/%i$" \
  "$tmp/pcnd@riverside.service" || fail "ExecStart is not pcnd run --data /var/lib/pcn/%i"
(cd "$tmp" && systemd-analyze verify --man=no ./pcnd@riverside.service) \
  > "$tmp/verify.out" 2>&1 || fail "systemd-analyze verify: $(cat "$tmp/verify.out")"
[ ! -s "$tmp/verify.out" ] || fail "systemd-analyze verify warned: $(cat "$tmp/verify.out")"
passed=$((passed + 1))

# The same check on a broken copy must fail, or it proves nothing here.
mkdir "$tmp/broken"
sed 's/^Type=notify$/Type=notifyy/' "$tmp/pcnd@riverside.service" \
  > "$tmp/broken/pcnd@riverside.service"
if (cd "$tmp/broken" && systemd-analyze verify --man=no ./pcnd@riverside.service) \
  > "$tmp/broken.out" 2>&1 && [ ! -s "$tmp/broken.out" ]; then
  fail "systemd-analyze verify accepted Type=notifyy"
fi
passed=$((passed + 1))

# Hardening: exposure 2.0 or less ("OK"; 1.2 when written).
(cd "$tmp" && systemd-analyze security --offline=true --threshold=20 \
  ./pcnd@riverside.service) > "$tmp/security.out" 2>&1 ||
  fail "exposure above 2.0: $(tail -1 "$tmp/security.out")"
grep -q "Overall exposure level for pcnd@riverside.service: [0-9.]* OK" \
  "$tmp/security.out" || fail "exposure not OK: $(tail -1 "$tmp/security.out")"
echo "$(tail -1 "$tmp/security.out")"
passed=$((passed + 1))

for line in 'Type=notify' 'NotifyAccess=main' 'User=pcn' 'Group=pcn' \
  'Restart=on-failure' 'RestartPreventExitStatus=1 3' 'ExecReload=/bin/kill -HUP $MAINPID' \
  'ReadWritePaths=/var/lib/pcn/%i' 'ProtectSystem=strict' 'ProtectHome=yes' \
  'PrivateTmp=yes' 'NoNewPrivileges=yes' \
  'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' \
  'WantedBy=multi-user.target'; do
  grep -qxF -- "$line" "$unit" || fail "the unit lacks the line $line"
done
[ "$(grep -c '^ReadWritePaths=' "$unit")" -eq 1 ] || fail "more than one ReadWritePaths"
passed=$((passed + 1))
echo "$passed passed, 0 failed"
