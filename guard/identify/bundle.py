"""macOS application bundles: the bundle id in ``Info.plist`` names the app, whatever its folder
or executable is called."""

from __future__ import annotations

import plistlib
from pathlib import Path

from guard.identify.regular_file import open_regular

MAX_PLIST_BYTES = 1024 * 1024
MAX_DEPTH = 8  # how far up from an executable we look for the enclosing .app


def enclosing_app(path: Path) -> Path | None:
    """The ``Foo.app`` folder a path is, or lies inside (``Foo.app/Contents/MacOS/foo``)."""
    for i, candidate in enumerate((path, *path.parents)):
        if i > MAX_DEPTH:
            break
        if candidate.suffix.casefold() == ".app":
            return candidate
    return None


def read_bundle_info(app: Path) -> dict[str, str]:
    """CFBundleIdentifier, CFBundleName and CFBundleExecutable, or {} if unreadable."""
    plist = app / "Contents" / "Info.plist"
    try:
        # Never blocks on a FIFO named Info.plist (see regular_file).
        fh, _ = open_regular(plist, buffering=-1)
        with fh:
            raw = fh.read(MAX_PLIST_BYTES + 1)
        if len(raw) > MAX_PLIST_BYTES:
            return {}
        data = plistlib.loads(raw)
    except (OSError, plistlib.InvalidFileException, ValueError, TypeError):
        return {}
    except Exception:
        return {}
    if not isinstance(data, dict):
        return {}
    keys = ("CFBundleIdentifier", "CFBundleName", "CFBundleExecutable")
    return {k: str(data[k])[:200] for k in keys if isinstance(data.get(k), str) and data[k]}
