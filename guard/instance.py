"""One guard per user: a second one would freeze the same tools, answer the same decisions
and fight the first over the journal.

The lock is an OS file lock (flock on POSIX, LockFileEx on Windows, via ``filelock``), so it
is released by the kernel when the guard dies, even by kill -9: a crash never leaves a stale
lock that stops the next start.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from filelock import FileLock, Timeout

from guard import home


class AlreadyRunning(Exception):
    """Another guard holds the lock; the message says which process."""


def _paths() -> tuple[Path, Path]:
    state = home.state_dir()
    return state / "guard.lock", state / "guard.pid"


class GuardInstance:
    """Held for the life of a running guard."""

    def __init__(self) -> None:
        lock_path, self.pid_path = _paths()
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        # thread_local=False: the tray may start on one thread and stop on another.
        self._lock: FileLock | None = FileLock(str(lock_path), thread_local=False)
        self.warning = ""
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise AlreadyRunning(
                f"ScamGuard is already running for this user (process {_holder()}); "
                "only one guard runs at a time"
            ) from None
        except OSError as exc:  # a file system without locks (some network homes)
            self._lock = None
            self.warning = (
                f"could not check for another running guard ({exc.strerror or exc}); carrying on"
            )
        with contextlib.suppress(OSError):
            self.pid_path.write_text(str(os.getpid()))

    def release(self) -> None:
        if self._lock is None:
            return
        with contextlib.suppress(OSError):
            self.pid_path.unlink()
        self._lock.release()


def is_running(*, unknown: bool = True) -> bool:
    """True when a guard holds the lock right now; ``unknown`` when the file system cannot
    say (no locks on some network homes): True lets a request to that guard be tried,
    False keeps a tray from waiting for, or handing over to, a guard that may not exist."""
    lock_path, _ = _paths()
    if not lock_path.exists():
        return False
    probe = FileLock(str(lock_path), thread_local=False)
    try:
        probe.acquire(timeout=0)
    except Timeout:
        return True
    except OSError:
        return unknown
    probe.release()
    return False


def _holder() -> str:
    _, pid_path = _paths()
    try:
        return pid_path.read_text().strip() or "?"
    except OSError:
        return "?"
