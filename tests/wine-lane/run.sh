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
# A Windows program a test started and did not end (a stand-in tool, a voice) inherits the
# pipe, and `tr` would wait for it for ever (the likeliest way a CI run once spent its whole
# budget after the lane printed its summary). Once Python exits, whatever of this prefix
# still runs is named, then ended with the server.
leftovers() {
  local pid env names=()
  for pid in $(pgrep -f '\.exe' || true); do
    env=$(tr '\0' '\n' 2>/dev/null </proc/"$pid"/environ) || continue
    grep -qxF "WINEPREFIX=$WINEPREFIX" <<<"$env" || continue
    names+=("$(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null | sed 's/ *$//' | cut -c1-120) (pid $pid)")
  done
  local quiet='(wineserver|services|winedevice|plugplay|explorer|rpcss|svchost|conhost)\.exe'
  local name
  for name in "${names[@]}"; do
    grep -qiE '(^|[\/])'"$quiet" <<<"$name" || echo "wine lane: still running after Python exited, ended: $name" >&2
  done
}
{
  wine "$LANE/python/python.exe" "$@" </dev/null 2>&1
  rc=$?
  leftovers 2>&1
  wineserver -k 2>/dev/null
  exit "$rc"
} | stdbuf -oL tr -d '\r'
exit "${PIPESTATUS[0]}"
