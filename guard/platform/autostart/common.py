"""What the start-at-login adapters share: the one error they raise, and careful small-file
reads and writes that turn every ``OSError`` into that error's one line."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from guard import files
from guard.errors import ScamGuardError
from guard.platform import APP

APP_NAME = APP
MAX_ENTRY_BYTES = 64 * 1024  # an autostart entry or plist is a few hundred bytes


class AutostartError(ScamGuardError):
    """Start-at-login could not be read or changed. The message is one line naming the
    file or registry key, fit to show the person (or read out to their ISP) as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


def check_command(command: Sequence[str]) -> list[str]:
    if isinstance(command, str | bytes) or not command:
        raise AutostartError("no program was given to start at login")
    argv = list(command)
    if not all(isinstance(arg, str) for arg in argv) or any("\0" in arg for arg in argv):
        raise AutostartError(f"cannot start {argv!r} at login: not a list of arguments")
    return argv


def home_dir(env: Mapping[str, str]) -> Path:
    home = env.get("HOME", "")
    if os.path.isabs(home):
        return Path(home)
    try:
        return Path.home()
    except RuntimeError:
        raise AutostartError("cannot tell where your home folder is") from None


def reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def read_small(path: Path, limit: int | None = MAX_ENTRY_BYTES) -> bytes | None:
    """The file's first ``limit`` bytes (enough for any real entry; ``None``: all of it);
    ``None`` if there is no file."""
    try:
        with open(path, "rb") as fh:
            return fh.read(-1 if limit is None else limit)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AutostartError(f"cannot read {path}: {reason(exc)}") from None


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Whole or not at all (guard/files.py): never half an entry that a session would try
    to run; the temp name does not end in ``.desktop`` or ``.plist``, so no session loads it."""
    try:
        files.write_atomic(path, data, mode)
    except OSError as exc:
        raise AutostartError(f"cannot write {path}: {reason(exc)}") from None


def remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise AutostartError(f"cannot remove {path}: {reason(exc)}") from None


def move_aside(path: Path) -> Path:
    """Rename someone else's file to ``<name>.replaced-<time>`` beside it, so nothing they
    wrote is lost and no session loads it any more."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.replaced-{stamp}")
    n = 1
    while os.path.lexists(target):
        n += 1
        target = path.with_name(f"{path.name}.replaced-{stamp}-{n}")
    try:
        os.rename(path, target)
    except OSError as exc:
        raise AutostartError(f"cannot move aside {path}: {reason(exc)}") from None
    return target
