#!/usr/bin/env bash
# The clients for 64-bit Windows, cross-built on Debian 12 (issue 14).
#
#   ./scripts/windows.sh           installs what is missing (mingw-w64, Wine,
#                                  ...), builds the clients' dependencies for
#                                  Windows from Debian's own source packages
#                                  (the versions the Linux build uses), then
#                                  pcn.exe; build-windows/pcn-win64/ holds it
#                                  with the DLLs it needs.
#   ./scripts/windows.sh --check   the same, then checks pcn.exe under Wine
#                                  against a real pcnd (Linux build) on
#                                  loopback: join, practice add, task add,
#                                  task list --json, feed, funds statement as
#                                  PDF (pdfinfo), meeting ics, logout.
#
# Each dependency is built once into build-windows/deps/<name>-<version>/
# (a .done file marks it complete); a second run only rebuilds the project.
# How each is built, and why, is in docs/windows.md.
set -euo pipefail
shopt -s inherit_errexit
check=0
[ "${1:-}" = "--check" ] && check=1
cd "$(dirname "$0")/.."
top=$PWD
. scripts/deps.sh

host=x86_64-w64-mingw32
out=$top/build-windows
src=$out/src
deps=$out/deps
jobs=$(nproc 2>/dev/null || echo 2)
mkdir -p "$src" "$deps"

# --- the build machine -----------------------------------------------------
WIN_PACKAGES=(gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 wine64 wine
              dpkg-dev meson ninja-build pkg-config perl make
              poppler-utils xvfb zip nsis librsvg2-bin icoutils)
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# apt-get source needs deb-src lines for the archive the machine already
# uses: added to its deb822 file (Types: deb -> deb deb-src) or, for an old
# one-line sources.list, as deb-src copies of its deb lines.
enable_deb_src() {
  local f=/etc/apt/sources.list.d/debian.sources
  if [ -f $f ]; then
    grep -q '^Types:.*deb-src' $f && return 0
    as_root sed -i 's/^Types: deb$/Types: deb deb-src/' $f
  elif [ -f /etc/apt/sources.list ]; then
    grep -q '^deb-src ' /etc/apt/sources.list && return 0
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list |
      as_root tee /etc/apt/sources.list.d/pcn-deb-src.list >/dev/null
  else
    echo "windows.sh: no Debian sources list found to add deb-src to." >&2
    exit 1
  fi
  as_root apt-get update -qq
}

# The Linux build's packages (and pcnd for --check), then ours.
pcn_install_deps
PCN_PACKAGES=("${WIN_PACKAGES[@]}")
pcn_install_deps
enable_deb_src

# --- dependencies ------------------------------------------------------------
# The Windows prefixes so far, for pkg-config and CMake.
win_prefixes=()
pc_path() {
  local p="" d
  for d in "${win_prefixes[@]}"; do p="$p${p:+:}$d/lib/pkgconfig"; done
  echo "$p"
}

# The source package of the Debian -dev package the Linux build uses
# (installed by deps.sh), and the versions to try, best first: the one
# installed, then the candidate (what deps.sh installs on a fresh Debian
# today), then the archive's others, newest first. The mirror may have lost
# the installed one (a security update since) or not carry a version's
# source (a 404): the first that apt-get source fetches is built.
srcpkg() { dpkg-query -W -f='${source:Package}' "$1"; }
srcvers() {
  local pkg cand
  pkg=$(srcpkg "$1")
  cand=$(apt-cache policy "$1" | sed -n 's/^  Candidate: //p')
  { dpkg-query -W -f='${source:Version}\n' "$1"; echo "${cand%+b[0-9]*}"
    apt-cache showsrc "$pkg" | sed -n 's/^Version: //p' |
      sort -u | sort -r -V; } | awk 'NF && !seen[$0]++'
}

# fetch_src PKG VERSION [orig]: unpacks that source package (Debian's
# patches applied) as build-windows/src/PKG-VERSION; fails if it cannot be
# fetched. With "orig", Debian's upstream tarball of VERSION alone, for when
# the mirror has it but not the .debian.tar.xz or .diff.gz beside it.
fetch_src() {
  local dir=$src/$1-${2#*:} d up
  [ -f "$dir/.unpacked" ] && return 0
  rm -rf "$dir" "$src/tmp"; mkdir -p "$src/tmp"
  if [ "${3:-}" = orig ]; then
    up=${2#*:}; up=${up%-*}
    (cd "$src/tmp" && apt-get source -qq --download-only "$1=$2") >"$src/tmp.log" 2>&1
    d=$(ls "$src/tmp/$1_$up.orig.tar."* 2>/dev/null | grep -v '\.asc$' | head -1)
    [ -n "$d" ] || { rm -rf "$src/tmp"; return 1; }
    mkdir "$src/tmp/x" && tar -xf "$d" -C "$src/tmp/x"
    d=$(find "$src/tmp/x" -mindepth 1 -maxdepth 1 -type d | head -1)
    echo "Debian's $1_$up.orig tarball only: the mirror has not the rest of $1 $2" >"$d/.orig-only"
  else
    (cd "$src/tmp" && apt-get source -qq "$1=$2") >"$src/tmp.log" 2>&1 || {
      rm -rf "$src/tmp"; return 1; }
    d=$(find "$src/tmp" -mindepth 1 -maxdepth 1 -type d | head -1)
  fi
  mv "$d" "$dir"; rm -rf "$src/tmp"
  touch "$dir/.unpacked"
}

# dep NAME DEVPKG BUILDER: builds NAME from DEVPKG's source package with the
# function BUILDER (run in a fresh copy of the source, PREFIX set) unless
# build-windows/deps/NAME-VERSION/.done is there.
dep() {
  local name=$1 devpkg=$2 builder=$3 pkg ver="" v first prefix
  pkg=$(srcpkg "$devpkg")
  mapfile -t vers < <(srcvers "$devpkg")
  first=${vers[0]}
  for v in "${vers[@]}"; do
    if [ -f "$deps/$name-${v#*:}/.done" ]; then
      win_prefixes+=("$deps/$name-${v#*:}")
      echo "== $name ${v#*:} (built before)"
      return 0
    fi
  done
  echo "== $name: building for Windows"
  local t0=$SECONDS
  for v in "${vers[@]}"; do
    fetch_src "$pkg" "$v" && { ver=$v; break; }
    echo "   note: no source for $pkg $v in the archive ($(grep -m1 -o '40[0-9] .*' "$src/tmp.log" || tail -1 "$src/tmp.log"))"
  done
  if [ -z "$ver" ]; then
    for v in "${vers[@]}"; do
      fetch_src "$pkg" "$v" orig && { ver=$v; break; }
    done
    [ -n "$ver" ] || { echo "windows.sh: no source of $pkg could be fetched." >&2; exit 1; }
    echo "   note: $pkg $ver from Debian's upstream tarball, without Debian's patches"
  fi
  [ "$ver" = "$first" ] || echo "   note: $pkg $first is what Linux uses here; building $ver"
  prefix=$deps/$name-${ver#*:}
  win_prefixes+=("$prefix")
  rm -rf "$prefix" "$out/work/$name"; mkdir -p "$out/work"
  cp -a "$src/$pkg-${ver#*:}" "$out/work/$name"
  local log=$out/work/$name.log
  # errexit holds inside the builder only outside a condition.
  set +e
  (set -e; cd "$out/work/$name"; PREFIX=$prefix PKG_CONFIG_LIBDIR=$(pc_path) \
     PKG_CONFIG_PATH='' $builder) >"$log" 2>&1
  local rc=$?
  set -e
  if [ $rc -ne 0 ]; then
    echo "windows.sh: building $name ${ver#*:} failed; the end of $log:" >&2
    tail -25 "$log" >&2
    exit 1
  fi
  touch "$prefix/.done"
  echo "   $name ${ver#*:}: $((SECONDS - t0)) s"
}

export CFLAGS="-O2 -pipe"
# -static-libgcc in CC too: libtool drops it from LDFLAGS when it links a
# DLL, which then wants libgcc_s_seh-1.dll (pixman, cairo).
cross_env=("CC=$host-gcc-win32 -static-libgcc" "CXX=$host-g++-win32 -static-libgcc" AR=$host-gcc-ar-win32
           RANLIB=$host-gcc-ranlib-win32 RC=$host-windres WINDRES=$host-windres
           STRIP=$host-strip LDFLAGS=-static-libgcc)
configure_host() {
  env "${cross_env[@]}" ./configure --host=$host --prefix="$PREFIX" \
    --disable-static --enable-shared "$@"
}
cmake_host() {
  PCN_WIN_DEPS=$(IFS=:; echo "${win_prefixes[*]}") \
  cmake -S . -B _build -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$top/cmake/mingw-w64-x86_64.cmake" \
    -DCMAKE_INSTALL_PREFIX="$PREFIX" "$@"
  nice cmake --build _build -j "$jobs"
  cmake --install _build
}

build_zlib() {
  # Debian's zlib source has no win32/ (the Makefile.gcc, .def and .rc that
  # MSYS2 builds with), so by hand, as that Makefile does: zlib1.dll with
  # every symbol exported, libz.dll.a, the two headers, zlib.pc.
  local f objs=()
  for f in adler32 compress crc32 deflate gzclose gzlib gzread gzwrite \
           infback inffast inflate inftrees trees uncompr zutil; do
    $host-gcc-win32 $CFLAGS -c $f.c -o $f.o; objs+=($f.o)
  done
  mkdir -p "$PREFIX"/{bin,include,lib/pkgconfig}
  $host-gcc-win32 -shared -static-libgcc -o "$PREFIX/bin/zlib1.dll" "${objs[@]}" \
    -Wl,--out-implib,"$PREFIX/lib/libz.dll.a"
  cp zlib.h zconf.h "$PREFIX/include/"
  sed -e "s|@prefix@|$PREFIX|; s|@exec_prefix@|\${prefix}|" \
      -e "s|@libdir@|\${exec_prefix}/lib|; s|@sharedlibdir@|\${libdir}|" \
      -e "s|@includedir@|\${prefix}/include|" \
      -e "s|@VERSION@|$(sed -n 's/#define ZLIB_VERSION "\(.*\)"/\1/p' zlib.h)|" \
      zlib.pc.in > "$PREFIX/lib/pkgconfig/zlib.pc"
}
build_libuv() {
  cmake_host -DLIBUV_BUILD_TESTS=OFF -DLIBUV_BUILD_BENCH=OFF
}
build_protobuf_c() {
  # Only the runtime library: protoc-c, the compiler, stays the Linux one.
  configure_host --disable-protoc
  nice make -j "$jobs"
  make install
}
build_jansson() {
  # Debian's jansson source is the git tree (no configure): its CMake build.
  cmake_host -DJANSSON_BUILD_SHARED_LIBS=ON -DJANSSON_BUILD_DOCS=OFF \
    -DJANSSON_WITHOUT_TESTS=ON -DJANSSON_EXAMPLES=OFF
}
build_openssl() {
  # As MSYS2's mingw-w64-openssl: the mingw64 target, shared; no tests,
  # engines or providers as modules (pcn uses libssl/libcrypto only).
  nice ./Configure mingw64 shared no-tests no-engine no-module \
    --cross-compile-prefix=$host- --prefix="$PREFIX" --libdir=lib \
    --openssldir=ssl CC=gcc-win32 -static-libgcc
  nice make -j "$jobs" build_libs
  make install_dev install_runtime_libs
}
build_libical() {
  # As MSYS2's mingw-w64-libical, less what pcn does not use (GLib
  # bindings, introspection, docs, ICU, Berkeley DB); tzdata built in,
  # Windows having no /usr/share/zoneinfo.
  cmake_host -DICAL_GLIB=OFF -DGOBJECT_INTROSPECTION=OFF \
    -DICAL_BUILD_DOCS=OFF -DENABLE_GTK_DOC=OFF -DLIBICAL_BUILD_TESTING=OFF \
    -DUSE_BUILTIN_TZDATA=ON -DCMAKE_DISABLE_FIND_PACKAGE_ICU=ON \
    -DCMAKE_DISABLE_FIND_PACKAGE_BDB=ON -DSTATIC_ONLY=OFF \
    -DWITH_CXX_BINDINGS=OFF
}
build_pixman() {
  configure_host --disable-gtk --disable-libpng
  nice make -j "$jobs" -C pixman
  make -C pixman install
  make install-pkgconfigDATA
}
build_libpng() {
  configure_host CPPFLAGS="-I$(pc_zlib)/include" LDFLAGS="-static-libgcc -L$(pc_zlib)/lib"
  nice make -j "$jobs"
  make install
}
pc_zlib() { PKG_CONFIG_LIBDIR=$(pc_path) pkg-config --variable=prefix zlib; }
build_freetype() {
  configure_host --with-zlib=yes --with-png=no --with-harfbuzz=no \
    --with-bzip2=no --with-brotli=no
  nice make -j "$jobs"
  make install
}
build_cairo() {
  # As MSYS2's mingw-w64-cairo but with the win32 font backend only: no
  # FreeType, no fontconfig (and so no fonts.conf to ship); the PDF
  # surface embeds Windows' own fonts. Only src/ is built (no tests, no
  # tools). cairo turns on _FORTIFY_SOURCE among its warning flags, whose
  # checks mingw-w64 keeps in libssp (MSYS2 links it: 0028-link-libssp.patch);
  # here it is left off rather than ship libssp-0.dll.
  sed -i '/-Wp,-D_FORTIFY_SOURCE=2"/d' configure
  touch aclocal.m4 configure Makefile.in src/Makefile.in config.h.in
  configure_host --enable-win32 --enable-win32-font --enable-png \
    --enable-pdf --enable-ps --enable-svg --disable-ft --disable-fc \
    --disable-xlib --disable-xcb --disable-gobject --disable-trace \
    --disable-interpreter --disable-script --disable-gtk-doc \
    CFLAGS="$CFLAGS -Wno-implicit-function-declaration" \
    CPPFLAGS="-I$(pc_zlib)/include" LDFLAGS="-static-libgcc -L$(pc_zlib)/lib"
  # Debian's patches touch configure.ac and Makefile.am (maintainer mode,
  # perf tools); the configure shipped is used as it is, not regenerated.
  local keep=(ACLOCAL=: AUTOCONF=: AUTOMAKE=: AUTOHEADER=:)
  nice make -j "$jobs" -C src "${keep[@]}"
  make -C src install "${keep[@]}"
}

dep zlib      zlib1g-dev        build_zlib
dep libuv     libuv1-dev        build_libuv
dep protobuf-c libprotobuf-c-dev build_protobuf_c
dep jansson   libjansson-dev    build_jansson
dep openssl   libssl-dev        build_openssl
dep libical   libical-dev       build_libical
dep pixman    libpixman-1-dev   build_pixman
dep libpng    libpng-dev        build_libpng
dep freetype  libfreetype-dev   build_freetype
dep cairo     libcairo2-dev     build_cairo

# --- the clients ---------------------------------------------------------------
# build_client TARGET LOG: the project's CMake build for Windows against
# the dependencies' prefixes (all of them so far: the desktop's stage
# calls it again once GTK 4 and libadwaita are there), TARGET built.
build_client() {
  unset CFLAGS CXXFLAGS # the dependencies'; the project has its own
  PCN_WIN_DEPS=$(IFS=';'; echo "${win_prefixes[*]}")
  cmake -S . -B "$out/pcn" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_TOOLCHAIN_FILE="$top/cmake/mingw-w64-x86_64.cmake" \
    -DPCN_WIN_DEPS="$PCN_WIN_DEPS" >"$2" 2>&1 ||
    { tail -30 "$2" >&2; exit 1; }
  nice cmake --build "$out/pcn" -j "$jobs" --target "$1" >>"$2" 2>&1 ||
    { grep -E 'error|warning' "$2" | head -40 >&2; exit 1; }
}
echo "== pcn.exe"
t0=$SECONDS
build_client pcn "$out/pcn.log"

# pcn.exe with every DLL it loads that is not Windows' own, found by
# following the import tables through the dependencies' bin/ directories.
dist=$out/pcn-win64
rm -rf "$dist"; mkdir -p "$dist"
cp "$out/pcn/client/pcn.exe" "$dist/"
$host-strip "$dist/pcn.exe"
# mingw-w64's own: libwinpthread-1.dll (libical's locks).
toolchain_dlls=(/usr/$host/lib "$(dirname "$($host-gcc-win32 -print-libgcc-file-name)")")
copy_dlls() {
  local dll d found
  for dll in $($host-objdump -p "$1" | sed -n 's/^\tDLL Name: //p'); do
    [ -f "$dist/$dll" ] && continue
    found=""
    for d in "${win_prefixes[@]/%//bin}" "${toolchain_dlls[@]}"; do
      [ -f "$d/$dll" ] && { found=$d/$dll; break; }
    done
    [ -n "$found" ] || continue # a system DLL (KERNEL32, ws2_32, msvcrt...)
    cp "$found" "$dist/"
    $host-strip "$dist/$dll"
    copy_dlls "$dist/$dll"
  done
}
copy_dlls "$dist/pcn.exe"
echo "   $dist: pcn.exe and $(ls "$dist" | grep -c '\.dll$') DLLs ($(du -sh "$dist" | cut -f1)), $((SECONDS - t0)) s"

# The desktop: its stack (GTK 4, libadwaita, ...) and pcn-desktop.exe.
[[ " $* " == *" --no-desktop "* ]] || . scripts/windows-desktop.sh

# The installer and the zip of what is staged (pcn.exe, and the desktop
# with its DLLs and share\ when built): dist/windows/ (scripts/
# windows-installer.sh; with --check it installs and uninstalls silently
# under Wine).
version=$(sed -n 's/^project(pcnhub VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
echo "== installer"
./scripts/windows-installer.sh "$dist" "$version" $([ $check -eq 1 ] && echo --check)

[ $check -eq 1 ] || exit 0

# --- the check: pcn.exe under Wine against a real pcnd ------------------------
# pcnd is the Linux build (build-windows/linux/); Wine runs in a prefix of
# its own, so pcn.exe keeps its configuration where Windows would, in
# %APPDATA%\pcn. Every pcn.exe run is cut off after 60 s, the whole check
# after 10 minutes.
echo "== pcnd (Linux) for the check"
t0=$SECONDS
cmake -S . -B "$out/linux" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPCN_WERROR=OFF \
  >"$out/linux.log" 2>&1 || { tail -20 "$out/linux.log" >&2; exit 1; }
nice cmake --build "$out/linux" -j "$jobs" --target pcnd >>"$out/linux.log" 2>&1 ||
  { tail -20 "$out/linux.log" >&2; exit 1; }
echo "   $((SECONDS - t0)) s"
pcnd=$out/linux/server/pcnd

echo "== checking pcn.exe under Wine"
t0=$SECONDS
tmp=$(mktemp -d)
pid=""
finish() {
  [ -n "$pid" ] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
  WINEPREFIX=$tmp/wine /usr/lib/wine/wineserver -k 2>/dev/null || true
  rm -rf "$tmp"
}
trap finish EXIT
# (Its sleep is stopped with it, or it would hold a pipe from this script
# open for ten minutes.)
( sleep 600 & s=$!; trap 'kill $s; exit 0' TERM; wait $s
  echo "windows.sh --check: over 10 minutes, stopped." >&2
  kill -TERM $$ ) >/dev/null & watchdog=$!
trap 'finish; kill $watchdog 2>/dev/null' EXIT

wine=/usr/lib/wine/wine64
fail() { echo "windows.sh --check: FAIL: $*" >&2; exit 1; }
export WINEPREFIX=$tmp/wine WINEDEBUG=-all WINEARCH=win64
unset DISPLAY
# No Mono or Gecko to offer to install.
WINEDLLOVERRIDES="mscoree,mshtml=" timeout 120 "$wine" wineboot --init >/dev/null 2>&1 ||
  fail "wineboot did not make a Wine prefix"
# pcnexe ARGS...: pcn.exe under Wine, stdout in $tmp/out (CRs removed),
# stderr in $tmp/err; fails the check unless it exits 0.
pcnexe() {
  local rc=0
  # Debian's Wine has a zlib1.dll of its own that it would load first: the
  # check is of the one we ship.
  WINEDLLOVERRIDES=zlib1=n timeout 60 "$wine" "$dist/pcn.exe" "$@" \
    >"$tmp/out.raw" 2>"$tmp/err" || rc=$?
  tr -d '\r' <"$tmp/out.raw" >"$tmp/out"
  [ $rc -eq 0 ] || fail "pcn.exe $* exited $rc: $(cat "$tmp/err" "$tmp/out")"
}
winpath() { "$wine" winepath -w "$1" 2>/dev/null | tr -d '\r'; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
code=$("$pcnd" init --data "$tmp/net" --network "Wine Check PCN" \
         --listen "127.0.0.1:$port" | grep -o 'pcn1-[A-Za-z0-9_-]*')
"$pcnd" run --data "$tmp/net" >"$tmp/pcnd.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q serving "$tmp/pcnd.log" && break; sleep 0.1; done
grep -q serving "$tmp/pcnd.log" || fail "pcnd did not start: $(cat "$tmp/pcnd.log")"

step() { printf '   %-44s' "$1"; }
step "join CODE --password-stdin"
echo "manager's long password" | pcnexe join "$code" --password-stdin
appdata=$("$wine" cmd /c echo '%APPDATA%' 2>/dev/null | tr -d '\r')
cfg=$("$wine" winepath -u "$appdata\\pcn\\config.json" 2>/dev/null | tr -d '\r')
[ -f "$cfg" ] || fail "no configuration in %APPDATA%\\pcn ($cfg)"
echo "ok (configuration in $appdata\\pcn)"

step "practice add (two practices)"
pcnexe practice add --ods F84001 --name "Riverside Surgery" --list-size 12000
pcnexe practice add --ods F84002 --name "Hill Street" --list-size 8000
pcnexe practice list
grep -q 'F84001.*Riverside Surgery' "$tmp/out" && grep -q 'F84002.*Hill Street' "$tmp/out" ||
  fail "practice list: $(cat "$tmp/out")"
echo "ok"

step "task add"
pcnexe task add --title "Flu clinic rota (from Windows)" --due 2027-01-15
grep -q 'Flu clinic rota (from Windows)' "$tmp/out" || fail "task add: $(cat "$tmp/out")"
echo "ok"

step "task list --json"
pcnexe task list --json
python3 - "$tmp/out" <<'PY' || fail "task list --json: $(cat "$tmp/out")"
import json, sys
d = json.load(open(sys.argv[1]))
t = [t for t in d["tasks"] if t["title"] == "Flu clinic rota (from Windows)"]
assert len(t) == 1 and t[0]["due"] == "2027-01-15", d
PY
echo "ok"

step "feed --since 0 --count 3"
pcnexe feed --since 0 --count 3
[ "$(grep -c . "$tmp/out")" -ge 3 ] || fail "feed: $(cat "$tmp/out")"
grep -q 'Flu clinic rota' "$tmp/out" || grep -q 'F84002' "$tmp/out" ||
  fail "feed shows none of the changes: $(cat "$tmp/out")"
echo "ok ($(grep -c . "$tmp/out") lines)"

step "funds statement --format pdf"
month=$(date -u -d "$(date -u +%Y-%m-01) -1 month" +%Y-%m)
pcnexe funds figures --set F84001 --from "$month-01" --list-size 12000 --weighted 13250
pcnexe funds figures --set F84002 --from "$month-01" --list-size 8000 --weighted 7400
pcnexe funds receive --stream arrs --amount '£12,345.67' --date "$month-01"
pcnexe funds distribute --stream arrs --amount 10,000.03 --by list --date "$month-10"
pdf=$(winpath "$tmp/statement.pdf")
pcnexe funds statement --month "$month" --format pdf --out "$pdf"
grep -q '^Wrote .*statement.pdf' "$tmp/out" || fail "statement: $(cat "$tmp/out")"
pdfinfo "$tmp/statement.pdf" >"$tmp/pdfinfo" 2>&1 || fail "pdfinfo: $(cat "$tmp/pdfinfo")"
pdftotext -layout "$tmp/statement.pdf" - | grep -q 'Network total' ||
  fail "the statement's text has no network total"
echo "ok ($(sed -n 's/^Pages: *//p' "$tmp/pdfinfo") pages, $(stat -c %s "$tmp/statement.pdf") bytes)"

step "meeting ics"
start=$(date -u -d '+30 days' +%Y-%m-%d)
pcnexe meeting new --title "PCN board" --start "$start 14:00" --end 15:30 \
  --place "Riverside Surgery, room 2"
ics=$(winpath "$tmp/board.ics")
pcnexe meeting ics 1 --out "$ics"
grep -q '^BEGIN:VCALENDAR' "$tmp/board.ics" && grep -q '^UID:meeting-.*-1@pcn-hub' "$tmp/board.ics" &&
  grep -q '^SUMMARY:PCN board' "$tmp/board.ics" || fail "ics: $(cat "$tmp/board.ics")"
echo "ok ($(grep -c '^BEGIN:VEVENT' "$tmp/board.ics") meeting)"

step "logout (the configuration replaced)"
pcnexe logout
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["token"] == "", d' "$cfg" ||
  fail "logout left the token in $cfg"
[ ! -e "$cfg.tmp" ] || fail "logout left $cfg.tmp"
echo "ok"

echo "windows check: OK ($((SECONDS - t0)) s)"
