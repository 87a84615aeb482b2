"""Writing a file whole or not at all, the one way ScamGuard does it everywhere.

A temp file beside the target (its name starts with a dot and ends in ``.tmp``, so nothing
that loads ``*.desktop``, ``*.plist``, ``*.json`` or ``*.toml`` ever picks it up), synced,
then renamed over the target in one ``os.replace``, and the folder synced so the rename
itself survives a power cut. A crash or a full disk leaves the old file or the new one,
never half of either.

On Windows a rename over a file fails (access denied, or a sharing violation) while anyone
has that file open without ``FILE_SHARE_DELETE``, and Python's own ``open`` never asks for it:
the tray reading its settings while the service writes them is enough. That lasts only as
long as the reader's read, so the rename is tried again for up to ``REPLACE_PATIENCE``
seconds before it counts as failed. Elsewhere a rename over an open file always succeeds and
an error is final at once.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

from guard import clock

REPLACE_PATIENCE = 2.0  # seconds: far longer than any reader of our small files holds them
# ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION: another open handle.
_BUSY_WINERRORS = frozenset({5, 32, 33})


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
        replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def replace(source: str | Path, target: Path, patience: float | None = None) -> None:
    """``os.replace``, tried again while Windows says another handle has ``target`` open
    (see the module's docstring). Raises the last OSError once ``patience`` (seconds,
    ``REPLACE_PATIENCE`` by default) runs out, and at once for a target marked read-only,
    which no waiting changes."""
    deadline = time.monotonic() + (REPLACE_PATIENCE if patience is None else patience)
    pause = 0.01
    while True:
        try:
            os.replace(source, target)
            return
        except PermissionError as exc:
            if getattr(exc, "winerror", None) not in _BUSY_WINERRORS:
                raise
            if os.path.exists(target) and not os.access(target, os.W_OK):
                raise  # read-only: Windows' access check is that attribute
            if time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


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
