#!/usr/bin/env bash
# docs-shots.sh BUILD_DIR - the screenshots of docs/desktop.md, taken by the
# GUI test that tours every page (tests/desktop/test_desktop_tour.c).
#
# Builds nothing: BUILD_DIR must hold a build with the tests (any build
# type; the ASan build is fine). Runs the tour there through ctest (a real
# pcnd, the real window on a private Xvfb), then copies its screenshots:
#   the PCN manager's page <id>  -> docs/tour-<id>.png, one a page;
#   the practice manager's, for the pages that look different for them
#   (what they answer, vote on, agree, confirm or claim)
#                                -> docs/tour-pm-<id>.png.
# docs/tour-*.png from an earlier run are removed first, so a page that is
# gone leaves no picture behind. Look at the pictures before committing
# them: the test checks the words, not how the page looks.
set -euo pipefail

build=${1:-}
if [ -z "$build" ] || [ ! -f "$build/CTestTestfile.cmake" ]; then
  echo "usage: $0 BUILD_DIR   (a configured and built tree, e.g. build)" >&2
  exit 1
fi
build=$(cd "$build" && pwd)
docs=$(cd "$(dirname "$0")/../docs" && pwd)
shots="$build/tests/desktop"

# The practice manager's pages worth their own picture.
pm_pages="asks news decisions duties claims"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
rm -f "$shots"/tour-pcn-manager-*.png "$shots"/tour-practice-manager-*.png
(cd "$build" && nice ctest -R '^desktop\.test_desktop_tour$' \
  --output-on-failure --timeout 600)

set -- "$shots"/tour-pcn-manager-*.png
if [ ! -e "$1" ]; then
  echo "the tour saved no screenshots in $shots" >&2
  exit 1
fi
rm -f "$docs"/tour-*.png
for f in "$@"; do
  id=${f##*/tour-pcn-manager-}
  cp "$f" "$docs/tour-$id"
done
for id in $pm_pages; do
  f="$shots/tour-practice-manager-$id.png"
  if [ ! -e "$f" ]; then
    echo "no practice manager's picture of page $id" >&2
    exit 1
  fi
  cp "$f" "$docs/tour-pm-$id.png"
done
ls -1 "$docs"/tour-*.png
