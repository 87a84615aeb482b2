"""Writing a file whole or not at all, the one way ScamGuard does it everywhere.

A temp file beside the target (its name starts with a dot and ends in ``.tmp``, so nothing
that loads ``*.desktop``, ``*.plist``, ``*.json`` or ``*.toml`` ever picks it up), synced,
then renamed over the target in one ``os.replace``, and the folder synced so the rename
itself survives a power cut. A crash or a full disk leaves the old file or the new one,
never half of either.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from guard import clock


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` (``mode``: its permissions). Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename inside ``folder`` durable (a no-op where folders cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def aside_name(path: Path) -> Path:
    """Where a damaged ``path`` goes: ``<name>.bad-<time>`` (``-2``, ``-3``… when that name
    is taken, so an earlier one is never replaced)."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.bad-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.bad-{stamp}-{n}")
    return target


def set_aside(path: Path) -> Path:
    """Move a damaged ``path`` to :func:`aside_name` before a fresh one takes its place, so
    nothing the person or ScamGuard wrote is lost. Returns the new name; raises OSError."""
    target = aside_name(path)
    path.replace(target)
    return target
