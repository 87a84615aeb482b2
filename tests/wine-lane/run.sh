#!/usr/bin/env bash
# Runs the lane's Windows Python under Wine: run.sh -m pytest ...  (from the repository root)
# Output goes through a pipe (Wine's console handles break CPython's stdio set-up) with CRs
# stripped; the exit code is Python's, so a failing test fails the caller.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LANE=${LANE:-$REPO/.wine-lane}
LANE=$(cd "$LANE" && pwd)
winpath() { printf 'Z:%s' "$1" | tr / '\\'; }   # not winepath: it would start Wine on a pipe
. "$HERE/wine-env.sh"
# Wine passes no QT_* variable to Windows programs; WINEQT_X reaches the program as QT_X.
export WINEQT_QPA_PLATFORM=offscreen WINEQT_QPA_FONTDIR="$(winpath "$LANE/fonts")"
export PYTHONUTF8=1 PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$(winpath "$REPO")"
export SCAMGUARD_TEST_TOOL_EXE="$(winpath "$LANE/bin/sleep.exe")"
# Start wineserver and Wine's own services with their stdio off the pipe: otherwise they
# inherit it and the pipe stays open until they exit.
wineserver -p 30 </dev/null >/dev/null 2>&1
wineboot </dev/null >/dev/null 2>&1
trap 'wineserver -k 2>/dev/null' EXIT   # this prefix's server only (WINEPREFIX)
cd "$REPO"
wine "$LANE/python/python.exe" "$@" </dev/null 2>&1 | stdbuf -oL tr -d '\r'
exit "${PIPESTATUS[0]}"
