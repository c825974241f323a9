#!/usr/bin/env bash
# Cargo's runner for x86_64-pc-windows-gnu (`make test-windows`): runs a Windows test binary
# under Wine, in a Wine prefix of the project's own (WINEPREFIX, set by the Makefile), made on
# first use. Wine 8 lacks bcryptprimitives.dll, which Rust's standard library loads on
# Windows; the prefix gets a stand-in built from bcryptprimitives.c.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${WINEPREFIX:?WINEPREFIX must name the Wine prefix of the test tier}"
export WINEPREFIX WINEDEBUG=-all
system32="$WINEPREFIX/drive_c/windows/system32"
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  mkdir -p "$WINEPREFIX"
  # No display here: Wine says it cannot open windows, which these tests never do.
  DISPLAY= wineboot --init >/dev/null 2>&1 || true
  wineserver --wait
fi
[ -d "$system32" ] || { echo "the Wine prefix $WINEPREFIX was not made" >&2; exit 1; }
if [ ! -f "$system32/bcryptprimitives.dll" ] || [ "$here/bcryptprimitives.c" -nt "$system32/bcryptprimitives.dll" ]; then
  x86_64-w64-mingw32-gcc -O2 -shared -Wl,--kill-at -o "$system32/bcryptprimitives.dll" \
    "$here/bcryptprimitives.c" -ladvapi32
fi
DISPLAY= exec wine "$@"
