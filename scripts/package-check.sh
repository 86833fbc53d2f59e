#!/usr/bin/env bash
# Proves the Debian packages install on a fresh, minimal Debian 12: each
# .deb goes into its own new debootstrap chroot (variant minbase: nothing
# but apt and the essentials) with `apt-get install ./FILE.deb`, which
# must pull every dependency from the archive by itself. Then:
#   pcnd         the pcn user and /var/lib/pcn exist (0750, pcn's), the
#                unit is installed, `runuser -u pcn -- pcnd init` makes a
#                network, pcnd runs as pcn, serves, and stops with 0 on
#                SIGTERM; verify passes; remove and purge are clean
#   pcn          runs; then, with pcnd installed beside it, joins the
#                packaged server over TLS and answers whoami
#   pcn-desktop  every library resolves, --help runs, the .desktop file
#                and icon are where desktops look, and its window stays up
#                under Xvfb
# and then pcnd under a real systemd: a fresh chroot with systemd and the
# pcnd package boots in systemd-nspawn (private network), where
# pcnd@riverside must start as Type=notify (active only once serving, its
# STATUS shown), run as pcn inside its sandbox (the data directory
# writable, /var/lib/pcn beside it not; its control socket answers
# `pcnd status`), log SIGTERM at notice, come back
# after a crash (Restart=on-failure) and stop with Result=success.
# Installs systemd-container for systemd-nspawn if it is missing; skipped,
# saying so, where it cannot be had.
# Needs root and the Debian archive; takes minutes, so it is not part of
# scripts/test.sh. The base system is made once and kept in
# /var/tmp/pcn-package-check/ (--rebuild makes it again).
#
#   scripts/package-check.sh [--rebuild] [DEB...]
#     (no DEB: scripts/package.sh builds them first)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "package-check: run it as root (it uses debootstrap and chroot)." >&2; exit 1; }

rebuild=0
if [ "${1:-}" = --rebuild ]; then rebuild=1; shift; fi
debs=("$@")
if [ ${#debs[@]} -eq 0 ]; then
  mapfile -t debs < <(bash scripts/package.sh | grep '\.deb$')
fi
for d in "${debs[@]}"; do
  [ -f "$d" ] || { echo "package-check: no file $d; build them with scripts/package.sh." >&2; exit 1; }
done

cache=/var/tmp/pcn-package-check
base=$cache/bookworm-minbase.tar
mkdir -p "$cache"
mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1=="deb"{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
if [ "$rebuild" = 1 ] || [ ! -s "$base" ]; then
  command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
  echo "== making a minimal Debian 12 base system (once, about a minute)"
  t=$(mktemp -d "$cache/boot.XXXXXX")
  debootstrap --variant=minbase bookworm "$t" "$mirror" > "$cache/debootstrap.log" 2>&1 ||
    { echo "package-check: debootstrap failed; see $cache/debootstrap.log" >&2; rm -rf "$t"; exit 1; }
  tar -C "$t" -cf "$base.part" . && mv "$base.part" "$base"
  rm -rf "$t"
fi

# chroot_run ROOT SCRIPT: runs SCRIPT with bash in ROOT, /proc and /dev
# mounted in a private mount namespace that ends with it.
chroot_run() {
  unshare --mount --propagation private bash -c '
    root=$1; script=$2
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    exec timeout 900 chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb \
      DEBIAN_FRONTEND=noninteractive \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      bash -euo pipefail -c "$script" </dev/null
  ' _ "$1" "$2"
}

new_root() {
  local r
  r=$(mktemp -d /var/tmp/pcn-package-check/root.XXXXXX)
  tar -C "$r" -xf "$base"
  chmod 755 "$r" # after tar: the archive's "." is debootstrap's 0700 dir
  cp /etc/resolv.conf "$r/etc/resolv.conf"
  mkdir -p "$r/debs"
  echo "$r"
}

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# What each package's check does inside its chroot, after its install.
check_pcnd='
getent passwd pcn | grep -q ":/var/lib/pcn:/usr/sbin/nologin$" || { echo "no pcn system user"; exit 1; }
[ "$(stat -c "%U:%G %a" /var/lib/pcn)" = "pcn:pcn 750" ] || { echo "/var/lib/pcn: $(stat -c "%U:%G %a" /var/lib/pcn)"; exit 1; }
[ -f /usr/lib/systemd/system/pcnd@.service ] || { echo "no unit"; exit 1; }
if ldd /usr/bin/pcnd | grep "not found"; then exit 1; fi
runuser -u pcn -- pcnd init --data /var/lib/pcn/riverside --network "Riverside PCN" \
  --listen 127.0.0.1:PORT > /root/init.out
[ "$(stat -c %U /var/lib/pcn/riverside/server.key)" = pcn ] || { echo "server.key not pcn'"'"'s"; exit 1; }
# setpriv execs pcnd itself (runuser would stand between), so $pid is
# pcnd and SIGTERM reaches it as systemd would send it.
setpriv --reuid pcn --regid pcn --init-groups pcnd run --data /var/lib/pcn/riverside > /root/run.out 2>&1 &
pid=$!
for i in $(seq 100); do grep -q serving /root/run.out && break; sleep 0.1; done
grep -q serving /root/run.out || { cat /root/run.out; exit 1; }
grep -q sound <<<"$(runuser -u pcn -- pcnd verify --data /var/lib/pcn/riverside)"
'
check_pcnd_stop='
kill -TERM $pid; wait $pid || { echo "pcnd exited $? after SIGTERM"; cat /root/run.out; exit 1; }
grep -q "stopped cleanly" /root/run.out
apt-get remove -y -qq pcnd > /dev/null
[ ! -e /usr/bin/pcnd ] || { echo "remove left /usr/bin/pcnd"; exit 1; }
[ -d /var/lib/pcn/riverside ] || { echo "remove took the data"; exit 1; }
apt-get purge -y -qq pcnd > /dev/null 2>&1
[ -d /var/lib/pcn/riverside ] || { echo "purge removed the data"; exit 1; }
echo "pcnd: installed, ran as pcn, stopped cleanly, removed and purged (data kept)"
'
check_pcn='
if ldd /usr/bin/pcn | grep "not found"; then exit 1; fi
grep -q "pcn join" <<<"$(pcn --help)"
echo "pcn: runs; now against the packaged pcnd"
apt-get install -y -qq /debs/pcnd_*.deb > /dev/null
'"$check_pcnd"'
code=$(grep -o "pcn1-[A-Za-z0-9_-]*" /root/init.out)
echo "a long enough password" | XDG_CONFIG_HOME=/root/cfg timeout 60 pcn join "$code" --password-stdin > /dev/null
grep -q manager <<<"$(XDG_CONFIG_HOME=/root/cfg timeout 30 pcn whoami --json)"
echo "pcn: joined the packaged server over TLS and answered whoami"
'"$check_pcnd_stop"
check_desktop='
if ldd /usr/bin/pcn-desktop | grep "not found"; then exit 1; fi
grep -q "Usage" <<<"$(pcn-desktop --help)"
[ -f /usr/share/applications/org.pcnhub.Desktop.desktop ]
[ -f /usr/share/icons/hicolor/scalable/apps/org.pcnhub.Desktop.svg ]
# Its window, on a virtual display: still up after 5 s means GTK found
# everything it loads at run time (schemas, icon loaders, fonts).
apt-get install -y -qq --no-install-recommends xvfb xauth > /dev/null 2>&1
set +e; timeout 5 xvfb-run -a pcn-desktop > /root/desk.out 2>&1; rc=$?; set -e
[ $rc = 124 ] || { echo "pcn-desktop exited $rc within 5 s:"; cat /root/desk.out; exit 1; }
echo "pcn-desktop: every library resolves, --help runs, .desktop and icon in place, the window stays up"
'

status=0 passed=0
for deb in "${debs[@]}"; do
  name=$(dpkg-deb -f "$deb" Package)
  case $name in
    pcnd) check="$check_pcnd$check_pcnd_stop" ;;
    pcn) check=$check_pcn ;;
    pcn-desktop) check=$check_desktop ;;
    *) echo "package-check: no check for package $name" >&2; exit 1 ;;
  esac
  start=$(date +%s)
  echo "== $name: fresh Debian 12 minbase, apt-get install ./$(basename "$deb")"
  root=$(new_root)
  cp "${debs[@]}" "$root/debs/"
  if chroot_run "$root" "
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends /debs/$(basename "$deb") > /root/apt.log 2>&1 ||
        { tail -20 /root/apt.log; exit 1; }
      echo \"installed with: \$(grep -c '^Setting up' /root/apt.log) packages set up\"
      ${check//PORT/$port}"; then
    echo "== $name passed in $(($(date +%s) - start)) s"
    passed=$((passed + 1))
  else
    echo "== $name FAILED after $(($(date +%s) - start)) s"
    status=1
  fi
  rm -rf "$root"
done
# pcnd@.service under a real systemd, booted in systemd-nspawn.
selftest='#!/bin/bash
# Runs at boot in the container; its last line is "selftest: ok" or why not.
exec > /root/selftest.log 2>&1
fail() { echo "selftest: FAIL: $*"; systemctl status pcnd@riverside --no-pager; \
  journalctl -u pcnd@riverside --no-pager; systemctl poweroff; exit 1; }
show() { systemctl show pcnd@riverside -p "$1" --value; }
runuser -u pcn -- pcnd init --data /var/lib/pcn/riverside --network "Riverside PCN" \
  --listen 127.0.0.1:7443 > /dev/null || fail "pcnd init as pcn"
systemctl start pcnd@riverside || fail "systemctl start"
[ "$(show ActiveState)" = active ] || fail "not active after start"
case "$(show StatusText)" in "Serving \"Riverside PCN\" on 127.0.0.1:7443.") ;;
  *) fail "StatusText: $(show StatusText)" ;; esac
timeout 5 bash -c "</dev/tcp/127.0.0.1/7443" || fail "not listening once started"
pid=$(show MainPID)
[ "$(stat -c %U /proc/$pid)" = pcn ] || fail "pcnd runs as $(stat -c %U /proc/$pid)"
nsenter -t "$pid" -m touch /var/lib/pcn/riverside/probe || fail "data dir not writable in the sandbox"
! nsenter -t "$pid" -m touch /var/lib/pcn/probe 2>/dev/null || fail "/var/lib/pcn writable in the sandbox"
! nsenter -t "$pid" -m touch /etc/probe 2>/dev/null || fail "/etc writable in the sandbox"
rm -f /var/lib/pcn/riverside/probe
runuser -u pcn -- pcnd status --data /var/lib/pcn/riverside --json > /root/status.json ||
  fail "pcnd status over the control socket: $(cat /root/status.json)"
grep -q "\"state\": *\"running\"" /root/status.json || fail "status: $(cat /root/status.json)"
echo "started: active, serving, as pcn, only its data dir writable, pcnd status answers"
kill -KILL "$pid"
for i in $(seq 150); do
  [ "$(show NRestarts)" = 1 ] && [ "$(show ActiveState)" = active ] && break; sleep 0.1
done
[ "$(show NRestarts)" = 1 ] && [ "$(show ActiveState)" = active ] || fail "no restart after a crash"
echo "restarted after SIGKILL"
pid_before=$(show MainPID)
# Type=notify: reload returns once pcnd has said READY=1 again.
systemctl reload pcnd@riverside || fail "systemctl reload"
[ "$(show ActiveState)" = active ] || fail "reload stopped pcnd"
[ "$(show MainPID)" = "$pid_before" ] || fail "reload restarted pcnd"
echo "reload: still serving, same process"
systemctl stop pcnd@riverside || fail "systemctl stop"
[ "$(show Result)" = success ] || fail "stop result $(show Result)"
journalctl -u pcnd@riverside -o verbose --no-pager > /root/journal.txt
grep -B30 "MESSAGE=SIGTERM received" /root/journal.txt | grep -q "PRIORITY=5" || fail "SIGTERM not at notice"
! grep -q "MESSAGE=<[0-7]>" /root/journal.txt || fail "a <N> prefix reached the journal text"
echo "stopped: Result=success, SIGTERM logged at notice"
systemd-analyze security pcnd@riverside --no-pager | tail -1
echo "selftest: ok"
systemctl poweroff
'
command -v systemd-nspawn > /dev/null ||
  apt-get install -y -qq systemd-container > /dev/null 2>&1 || true
if ! command -v systemd-nspawn > /dev/null; then
  echo "== pcnd under systemd: skipped, systemd-nspawn is missing (apt-get install systemd-container)"
elif [ -n "$(ls "${debs[@]}" | grep '/pcnd_[^/]*\.deb$')" ]; then
  start=$(date +%s)
  echo "== pcnd under systemd: fresh Debian 12 + systemd booted in systemd-nspawn"
  root=$(new_root)
  cp "${debs[@]}" "$root/debs/"
  printf '%s' "$selftest" > "$root/usr/local/bin/pcn-selftest"
  chmod 755 "$root/usr/local/bin/pcn-selftest"
  printf '[Unit]\nAfter=multi-user.target\n[Service]\nType=oneshot\nExecStart=/usr/local/bin/pcn-selftest\n[Install]\nWantedBy=multi-user.target\n' \
    > "$root/etc/systemd/system/pcn-selftest.service"
  if chroot_run "$root" "
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends systemd systemd-sysv dbus /debs/pcnd_*.deb > /root/apt.log 2>&1 ||
        { tail -20 /root/apt.log; exit 1; }
      systemctl enable pcn-selftest.service > /dev/null 2>&1" &&
    (cd /tmp && timeout 300 systemd-nspawn -D "$root" -b -q --register=no --keep-unit \
      --private-network --console=pipe > "$root/root/nspawn.log" 2>&1 || true) &&
    grep -q '^selftest: ok$' "$root/root/selftest.log" 2> /dev/null; then
    grep -v '^selftest: ok$' "$root/root/selftest.log"
    echo "== pcnd under systemd passed in $(($(date +%s) - start)) s"
    passed=$((passed + 1))
  else
    cat "$root/root/selftest.log" 2> /dev/null || tail -20 "$root/root/nspawn.log"
    echo "== pcnd under systemd FAILED after $(($(date +%s) - start)) s"
    status=1
  fi
  rm -rf "$root"
fi

if [ $status = 0 ]; then echo "$passed passed, 0 failed"
else echo "package-check: a check failed; see above."; fi
exit $status
