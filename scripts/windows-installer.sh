#!/usr/bin/env bash
# windows-installer.sh STAGE_DIR VERSION [--check] - the installer and the
# zip of PCN Hub's Windows clients (issue 14), from what scripts/windows.sh
# staged (pcn.exe, pcn-desktop.exe when built, their DLLs and share\):
#
#   dist/windows/pcn-hub-VERSION-setup.exe   NSIS (packaging/windows/
#                                            pcn-hub.nsi): Program Files,
#                                            Start menu, uninstaller; /S
#                                            for a silent install
#   dist/windows/pcn-hub-VERSION-win64.zip   the same files, for those who
#                                            cannot run installers
#
# --check installs the setup silently under Wine in a throwaway prefix,
# runs the installed pcn.exe --help, uninstalls silently and checks that
# Program Files and the Start menu are clean again.
#
# The icon is the desktop's SVG (packaging/desktop) made into a .ico at 16,
# 32, 48 and 256 px. Needs nsis, zip, librsvg2-bin, icoutils, wine64 and
# xvfb (scripts/windows.sh installs them).
set -euo pipefail
stage=${1:-}
version=${2:-}
check=0
[ "${3:-}" = "--check" ] && check=1
if [ -z "$stage" ] || [ -z "$version" ] || [ ! -f "$stage/pcn.exe" ]; then
  echo "usage: $0 STAGE_DIR VERSION [--check]   (STAGE_DIR holds pcn.exe)" >&2
  exit 1
fi
cd "$(dirname "$0")/.."
top=$PWD
stage=$(cd "$stage" && pwd)
dist=$top/dist/windows
mkdir -p "$dist"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The icon.
for s in 16 32 48 256; do
  rsvg-convert -w $s -h $s packaging/desktop/org.pcnhub.Desktop.svg \
    -o "$work/icon-$s.png"
done
icotool -c -o "$work/pcn-hub.ico" "$work"/icon-{16,32,48,256}.png

setup=$dist/pcn-hub-$version-setup.exe
zipf=$dist/pcn-hub-$version-win64.zip
makensis -V2 -DVERSION="$version" -DSRCDIR="$stage" -DOUTFILE="$setup" \
  -DICON="$work/pcn-hub.ico" packaging/windows/pcn-hub.nsi
rm -f "$zipf"
mkdir -p "$work/zip"
cp -a "$stage" "$work/zip/PCN Hub"
(cd "$work/zip" && zip -qr "$zipf" "PCN Hub")
echo "windows-installer: $setup ($(du -h "$setup" | cut -f1))"
echo "windows-installer: $zipf ($(du -h "$zipf" | cut -f1))"
[ $check = 1 ] || exit 0

# --- the check: a silent install and uninstall in a fresh Wine prefix ----
export WINEPREFIX=$work/wine WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
pf="$WINEPREFIX/drive_c/Program Files/PCN Hub"
menu="$WINEPREFIX/drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs/PCN Hub"
wine_run() { timeout 300 xvfb-run -a sh -c "$1; wineserver -w" >/dev/null 2>&1; }
wine_run "wineboot -i"
wine_run "wine '$setup' /S"
fail() { echo "windows-installer --check: $*" >&2; exit 1; }
[ -f "$pf/pcn.exe" ] || fail "the silent install left no pcn.exe in Program Files"
[ -f "$pf/uninstall.exe" ] || fail "no uninstaller was installed"
[ -f "$menu/PCN Hub command line.lnk" ] || fail "no Start-menu entry"
if [ -f "$stage/pcn-desktop.exe" ]; then
  [ -f "$menu/PCN Hub.lnk" ] || fail "no Start-menu entry for the desktop app"
fi
help=$(timeout 120 wine "$pf/pcn.exe" --help 2>/dev/null | tr -d '\r')
grep -q "the PCN Hub command line" <<<"$help" ||
  fail "the installed pcn.exe --help did not answer"
wine_run "wine '$pf/uninstall.exe' /S"
sleep 1
[ ! -e "$pf" ] || fail "the uninstaller left $pf"
[ ! -e "$menu" ] || fail "the uninstaller left the Start-menu entries"
echo "windows-installer --check: installed silently, pcn.exe --help answered, uninstalled cleanly"
