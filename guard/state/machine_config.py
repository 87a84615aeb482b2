"""Machine-wide settings, written by an installer: the provider an ISP set up, its update feed
and channel, and (for staging) the keys updates are checked with.

They sit beneath each person's own settings and win over them: a caller talking someone
through their settings must not be able to change whose numbers the warning shows, point
ScamGuard at another feed, or choose the key that signs the numbers. So the folder is
writable by administrators only (``/etc/xdg/ScamGuard`` on Linux, ``/Library/Application
Support/ScamGuard`` on macOS, ``%ProgramData%\\ScamGuard`` on Windows, where the MSI locks the
folder down), and on Linux and macOS a file that anyone else could have written is ignored
with a one-line reason (guard/platform/ownership.py). ``SCAMGUARD_HOME=DIR`` moves it to
``DIR/machine`` (tests; guard/state/paths.py).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from guard import clock, files, platform
from guard.errors import ScamGuardError
from guard.platform.ownership import admin_owned_reason
from guard.state import paths
from guard.state.paths import machine_dir

CONFIG_FILE = "config.json"
PROFILE_FILE = "provider.scamguard-profile"  # the ISP's signed profile, exactly as supplied
LOG_FILE = "install.log"  # what each install did or refused: msiexec shows no program output
MAX_BYTES = 16 * 1024
MAX_LOG_BYTES = 64 * 1024
KEYS = ("provider", "update_feed", "update_channel", "trusted_keys")
ADMIN = platform.admin_hint()


class MachineConfigError(ScamGuardError):
    """The machine config cannot be written; the message is the one-line reason."""


def untrusted_reason(
    path: Path,
    opened: os.stat_result | None = None,
    *,
    windows: bool | None = None,
    owner_of: Callable[[Path], str] | None = None,
) -> str:
    """Why ``path`` may have been written by someone other than an administrator, or "".

    Not under SCAMGUARD_HOME (tests run as ordinary users). Fails closed: what cannot be
    checked is not trusted.

    - Linux and macOS: the file (``opened``: its ``fstat``, so the file checked is the file
      read) and its folder (not a symbolic link) must belong to root and be writable by
      nobody else.
    - Windows: the file and the folder must be owned by SYSTEM or Administrators, and the
      folder must not be a junction. ``%ProgramData%`` lets any user create a subfolder, so
      a ``ScamGuard`` folder made before the install (with a planted config.json naming the
      user's own keys) stays the user's: refusing it leaves the generic helplines, never a
      caller's numbers. ``owner_of`` (a path's owner SID) stands in for the Windows API in
      tests.
    """
    if paths.overridden():
        return ""
    return admin_owned_reason(path, opened, windows=windows, owner_of=owner_of)


def read_bytes(name: str, limit: int, report: Any = None) -> bytes | None:
    """A file from the machine folder, or None (missing, unreadable, too large or not
    administrator-owned: all but missing are reported, none is fatal). Opened without
    following a symbolic link, and checked by the open file's own status."""
    path = machine_dir() / name
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            opened = os.fstat(fh.fileno())
            raw = fh.read(limit + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if report:
            report(f"{path}: cannot be read ({exc.strerror or exc})")
        return None
    why = untrusted_reason(path, opened)
    why = why or (f"larger than {limit} bytes" if len(raw) > limit else "")
    if why:
        if report:
            report(f"{path}: ignored ({why})")
        return None
    return raw


def read(report: Any = None) -> dict[str, Any]:
    """The machine config, or {} (missing, unreadable or damaged: reported, never fatal)."""
    raw = read_bytes(CONFIG_FILE, MAX_BYTES, report)
    if raw is None:
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except (ValueError, UnicodeDecodeError) as exc:
        if report:
            report(f"{machine_dir() / CONFIG_FILE}: damaged machine config ignored ({exc})")
        return {}
    return data


def _text(key: str, default: str = "") -> str:
    value = read().get(key, default)
    return value if isinstance(value, str) and value else default


def feed_url() -> str:
    return _text("update_feed")


def channel() -> str:
    return _text("update_channel", "stable")


def provider_id() -> str:
    """The provider an installer set for everyone on this computer; "" when none."""
    return _text("provider").strip().casefold()


def trusted_keys_dir() -> Path | None:
    """The pinned public keys the installer chose, replacing the built-in set (staging)."""
    value = _text("trusted_keys")
    return Path(value) if value else None


def update(changes: dict[str, str | None]) -> Path:
    """Set (or, with None, remove) keys of the machine config, keeping the others.

    Raises MachineConfigError with a plain reason, naming the need for an administrator
    when the folder is not writable.
    """
    unknown = set(changes) - set(KEYS)
    if unknown:
        raise ValueError(f"unknown machine config keys: {sorted(unknown)}")
    current = read()
    for key, value in changes.items():
        if value is None:
            current.pop(key, None)
        else:
            current[key] = value
    if not current:  # nothing left: no file, rather than "{}"
        remove_file(CONFIG_FILE)
        return machine_dir() / CONFIG_FILE
    body = json.dumps(current, indent=2, sort_keys=True).encode("utf-8") + b"\n"
    return write_file(CONFIG_FILE, body)


@contextlib.contextmanager
def _changing(verb: str, path: Path) -> Iterator[None]:
    """OSError while changing ``path`` as a MachineConfigError with a plain reason; naming
    the need for an administrator when that is the reason."""
    try:
        yield
    except PermissionError:
        raise MachineConfigError(
            f"{path.parent} can be changed only by an administrator ({ADMIN})"
        ) from None
    except OSError as exc:
        raise MachineConfigError(f"cannot {verb} {path}: {exc.strerror or exc}") from None


def write_file(name: str, data: bytes) -> Path:
    """Write one file into the machine folder whole (guard/files.py), readable by everyone
    and writable only by its owner."""
    folder = machine_dir()
    path = folder / name
    with _changing("write", path):
        folder.mkdir(parents=True, exist_ok=True, mode=0o755)
        files.write_atomic(path, data, 0o644)
    return path


def remove_file(name: str) -> bool:
    """Remove one file from the machine folder; False if it was not there."""
    path = machine_dir() / name
    with _changing("remove", path):
        try:
            path.unlink()
        except FileNotFoundError:
            return False
    return True


def purge() -> None:
    """Remove every file ScamGuard keeps in the machine folder (an uninstaller's last step;
    the folder itself is the uninstaller's to remove)."""
    folder = machine_dir()
    for name in (CONFIG_FILE, PROFILE_FILE, LOG_FILE):
        remove_file(name)
    with _changing("remove", folder / ".tmp"):
        for leftover in folder.glob(".*.tmp") if folder.is_dir() else ():
            leftover.unlink(missing_ok=True)


def log(line: str) -> None:
    """Add one dated line to the install log (best effort: the log must never stop an
    install). Kept short: the newest lines are what support staff need."""
    path = machine_dir() / LOG_FILE
    stamp = clock.iso_now()
    with contextlib.suppress(OSError, MachineConfigError):
        old = path.read_bytes()[-MAX_LOG_BYTES // 2 :] if path.exists() else b""
        if len(old) >= MAX_LOG_BYTES // 2:
            old = old.split(b"\n", 1)[-1]
        write_file(LOG_FILE, old + f"{stamp} {line}\n".encode())
