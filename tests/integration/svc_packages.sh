#!/usr/bin/env bash
# The Debian packages build from this build tree (`cpack -G DEB`) and say
# what they must: each package's name, its Depends (from dpkg-shlibdeps:
# libsystemd0 for pcnd's sd_notify, GTK for the desktop; adduser for
# pcnd's postinst), the files where Debian looks for them, and pcnd's
# maintainer scripts making the pcn system user. Whether they install on
# a fresh Debian is scripts/package-check.sh's job (root, minutes).
# Skips when cpack or dpkg-deb is missing.
set -euo pipefail
build=$1
for tool in cpack dpkg-deb dpkg-shlibdeps; do
  if ! command -v $tool > /dev/null; then
    echo "$tool is missing (apt-get install cmake dpkg-dev): svc_packages skipped"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
  fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
passed=0

# Uncompressed and unstripped: this checks the layout, not the bytes.
(cd "$build" && cpack -G DEB -B "$tmp" -D CPACK_STRIP_FILES=OFF \
  -D CPACK_DEBIAN_COMPRESSION_TYPE=none) > "$tmp/cpack.out" 2>&1 ||
  fail "cpack failed: $(tail -5 "$tmp/cpack.out")"

# check_deb NAME "DEPENDS..." PATH...: the package exists, depends on
# each of DEPENDS, and holds each PATH.
check_deb() {
  local name=$1 deps=$2; shift 2
  local deb
  deb=$(ls "$tmp"/"${name}"_*_*.deb 2> /dev/null | head -1)
  [ -n "$deb" ] || fail "no ${name}_*.deb: $(ls "$tmp")"
  [ "$(dpkg-deb -f "$deb" Package)" = "$name" ] || fail "$deb is not $name"
  local have
  have=$(dpkg-deb -f "$deb" Depends)
  for d in $deps; do
    grep -qE "(^|, )$d( |,|$)" <<< "$have" || fail "$name does not depend on $d: $have"
  done
  dpkg-deb --contents "$deb" | awk '{print $6}' > "$tmp/$name.files"
  for p in "$@"; do
    grep -qxF "./$p" "$tmp/$name.files" || fail "$name lacks /$p: $(cat "$tmp/$name.files")"
  done
  passed=$((passed + 1))
}

check_deb pcnd "libsystemd0 liblmdb0 libuv1 libssl3 libargon2-1 libprotobuf-c1 adduser" \
  usr/bin/pcnd usr/lib/systemd/system/pcnd@.service usr/share/doc/pcnd/service.md
dpkg-deb -e "$tmp"/pcnd_*.deb "$tmp/pcnd.ctrl"
for s in postinst prerm postrm; do
  [ -x "$tmp/pcnd.ctrl/$s" ] || fail "pcnd has no executable $s"
  sh -n "$tmp/pcnd.ctrl/$s" || fail "pcnd's $s is not valid sh"
done
grep -q 'adduser --quiet --system --group --home /var/lib/pcn' "$tmp/pcnd.ctrl/postinst" ||
  fail "pcnd's postinst does not make the pcn system user"
passed=$((passed + 1))

check_deb pcn "libuv1 libssl3 libjansson4 libprotobuf-c1" usr/bin/pcn
if grep -q 'desktop' <<< "$(grep CPACK_COMPONENTS_ALL "$build/CPackConfig.cmake")"; then
  check_deb pcn-desktop "libgtk-4-1 libadwaita-1-0 libuv1" usr/bin/pcn-desktop \
    usr/share/applications/org.pcnhub.Desktop.desktop \
    usr/share/icons/hicolor/scalable/apps/org.pcnhub.Desktop.svg
fi
# A server's package brings no GUI, and the clients no server.
! grep -q gtk <<< "$(dpkg-deb -f "$tmp"/pcnd_*.deb Depends)" || fail "pcnd depends on GTK"
! grep -q libsystemd <<< "$(dpkg-deb -f "$tmp"/pcn_*.deb Depends)" || fail "pcn depends on libsystemd"
echo "$passed passed, 0 failed"
