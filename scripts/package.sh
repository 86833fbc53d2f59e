#!/usr/bin/env bash
# Builds the Debian packages from this tree: a gcc release build of pcnd,
# pcn and pcn-desktop (when GTK 4 is there) in build-pkg/, then
# `cpack -G DEB`. Prints the paths of the .deb files it made, in
# build-pkg/packages/. Install one with `sudo apt install ./FILE.deb`;
# scripts/package-check.sh proves they install on a fresh Debian 12.
#
#   scripts/package.sh [BUILD_DIR]     (default build-pkg)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
pcn_install_deps

build=${1:-build-pkg}
jobs=$(nproc 2>/dev/null || echo 2)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache)
# Only the three programs: CMAKE_SKIP_INSTALL_ALL_DEPENDENCY keeps cpack
# from building the tests and benchmarks too.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DPCN_WERROR=ON \
  -DCMAKE_C_COMPILER=gcc -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON \
  "${launcher[@]}" >/dev/null
targets=(pcnd pcn)
grep -q '^GTK4_FOUND:INTERNAL=1' "$build/CMakeCache.txt" &&
  grep -q '^ADW_FOUND:INTERNAL=1' "$build/CMakeCache.txt" && targets+=(pcn-desktop)
echo "== building ${targets[*]} (gcc, release) in $build/"
cmake --build "$build" -j "$jobs" --target "${targets[@]}" >/dev/null
echo "== cpack -G DEB"
rm -f "$build"/packages/*.deb
# cpack's stdout is progress; its stderr, less one chatty line, is news.
(cd "$build" && cpack -G DEB -B packages 2>&1 >/dev/null |
  { grep -v 'Generating dependency list' >&2 || true; })
ls -1 "$PWD/$build"/packages/*.deb
