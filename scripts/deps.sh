#!/usr/bin/env bash
# Installs the Debian 12 packages PCN Hub needs, only those missing.
# Sourced by demo.sh and test.sh; safe to run on its own.
set -euo pipefail

PCN_PACKAGES=(
  build-essential cmake pkg-config git
  libuv1-dev libprotobuf-c-dev protobuf-c-compiler liblmdb-dev lmdb-utils
  libssl-dev libargon2-dev libjansson-dev libcmocka-dev libical-dev
  python3 python3-protobuf protobuf-compiler
  clang libclang-rt-14-dev
  llvm-14 # llvm-symbolizer: without it LeakSanitizer cannot match the
          # GTK suppressions in tests/desktop/lsan.supp by name
  libgtk-4-dev libadwaita-1-dev xvfb
  libcairo2-dev poppler-utils
  prometheus # promtool: it_operator checks pcnd's --metrics with it
  openssl # cli_upgrade checks a fixture's certificate is still in date;
          # cli_certs makes an organisation PKI with it
  libsystemd-dev # sd_notify, for pcnd@.service's Type=notify
  systemd # systemd-analyze: svc_unit verifies pcnd@.service with it
  file # cpack's DEB generator runs it to find the binaries dpkg-shlibdeps
       # reads for Depends (svc_packages, scripts/package.sh)
  python3-icalendar # cli_meetings reads pcn's .ics as a calendar other
                    # than libical would (ATTENDEE, CN, URL, folding)
)

pcn_install_deps() {
  local missing=()
  for p in "${PCN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing Debian packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || {
      echo "These packages are missing and you are not root: ${missing[*]}" >&2
      echo "Install them as root (apt-get install -y ...), then run this again." >&2
      exit 1
    }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then pcn_install_deps; fi
