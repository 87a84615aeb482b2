"""One guard per user: a second one would freeze the same tools, answer the same decisions
and fight the first over the journal.

The lock is an OS file lock (flock on POSIX, LockFileEx on Windows, via ``filelock``), so it
is released by the kernel when the guard dies, even by kill -9: a crash never leaves a stale
lock that stops the next start. It lives in the state folder, or, when that cannot be used
(``paths.fallback_reason``), in the user's private runtime folder (``paths.runtime_dir``),
which every ScamGuard of this user agrees on whatever the state folder is like.

A lock alone proves nothing: any program of the user's can take it (``flock guard.lock
sleep 1d``, dictated by a caller) and a guard that believed it would never start. So the
guard that takes the lock writes a record beside it (pid, start time, program), and a held
lock only counts as "a guard runs" when the holder is verified: on Linux the kernel names
the holding process (``/proc/locks``), elsewhere the record does; that process must be
alive, have started when the record says, and be a Python interpreter or ScamGuard's own
program. A lock held by anything else is a squatter: the guard says so (journal, tray) and
protects anyway, taking a second lock so two guards still never run together. A program
of the user's that forges the record as well is not stopped by this (nothing of the user's
can be); a planted lock no longer switches protection off silently.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
from filelock import FileLock, Timeout

from guard import __version__, files
from guard.errors import ScamGuardError
from guard.platform import lock_holder, process_exe, process_name
from guard.state import paths

# The usual lock, and the one a guard takes when something that is not ScamGuard holds it.
LOCK_NAMES = ("guard.lock", "guard-2.lock")
RECORD_SUFFIX = ".json"
PROGRAM = "scamguard"
# A guard writes its record just after locking: a lock held without a valid record is
# looked at again for this long before it is called a squatter.
VERIFY_GRACE_SECONDS = 2.0
_START_TIME_SLACK = 1.0


class AlreadyRunning(ScamGuardError):
    """Another guard holds the lock; the message says which process."""


@dataclass(frozen=True)
class Holder:
    """Who holds one of the guard's locks: ``guard`` when it is a verified ScamGuard."""

    pid: int | None
    guard: bool
    detail: str  # "process 4242 (flock), which left no record", for the squatter message
    # Not a guard, and never about to be one: the kernel named a holder that is not even a
    # program ScamGuard runs as, so there is no record to wait for.
    certain: bool = False


def lock_dir() -> Path:
    """Where the locks live: the state folder, or the runtime folder when state fell back
    to a temporary folder (a private temporary folder is this process's alone, and two
    guards each locking their own would both run)."""
    if paths.fallback_reason():
        shared = paths.runtime_dir()
        if shared is not None:
            return shared
    return paths.state_dir()


class GuardInstance:
    """Held for the life of a running guard.

    ``warnings`` are one-line notices for the journal (the state folder fell back, the lock
    is squatted, locks are not available here); ``squatter`` is the one the tray shows
    while a program that is not ScamGuard holds the usual lock ("" when none does)."""

    def __init__(self) -> None:
        self.warnings: list[str] = [reason for reason in [paths.fallback_reason()] if reason]
        self.squatter = ""
        self._lock: FileLock | None = None
        self._record: Path | None = None
        folder = lock_dir()
        squatters: list[Holder] = []
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for name in LOCK_NAMES:
                held = self._take(folder / name)
                if held is not None:
                    squatters.append(held)
                    continue
                self._refuse_if_another_guard(folder, name, {h.pid for h in squatters})
                break
        except OSError as exc:  # a file system without locks (some network homes)
            self._lock = None
            self.warnings.append(
                f"could not check for another running guard ({exc.strerror or exc}); carrying on"
            )
        if squatters:
            holders = " and ".join(h.detail for h in squatters)
            self.squatter = (
                f"ScamGuard's lock is held by {holders}, which is not "
                "ScamGuard (a program may be trying to switch protection off); guarding anyway"
                + ("" if self._lock else ", without the check for a second guard")
            )
            self.warnings.append(self.squatter)

    @property
    def warning(self) -> str:
        """All ``warnings`` in one line (older callers)."""
        return "; ".join(self.warnings)

    def _take(self, path: Path) -> Holder | None:
        """Lock ``path`` (None), or say who holds it when that is not a guard (a guard
        holding it raises AlreadyRunning). OSError: locks do not work here."""
        lock = FileLock(str(path), thread_local=False)  # the tray may stop on another thread
        deadline = time.monotonic() + VERIFY_GRACE_SECONDS
        while True:
            try:
                lock.acquire(timeout=0)
            except Timeout:
                holder = identify(path)
                if holder.guard:
                    raise AlreadyRunning(
                        f"ScamGuard is already running for this user (process {holder.pid}); "
                        "only one guard runs at a time"
                    ) from None
                if holder.certain or time.monotonic() >= deadline:
                    return holder
                time.sleep(0.1)
                continue
            self._lock = lock
            self._record = _record_path(path)
            _write_record(self._record)
            return None

    def _refuse_if_another_guard(self, folder: Path, mine: str, squatters: set[int | None]) -> None:
        """A guard that took the second lock while a squatter held the first is still
        running after the squatter left: the first lock is free again, and taking it must
        not start a second guard."""
        for name in LOCK_NAMES:
            if name == mine:
                continue
            holder = _held_by(folder / name, grace=False)
            if holder is not None and not holder.guard and holder.pid not in squatters:
                holder = _held_by(folder / name, grace=True)  # a guard starting this moment
            if holder is not None and holder.guard:
                self.release()
                raise AlreadyRunning(
                    f"ScamGuard is already running for this user (process {holder.pid}); "
                    "only one guard runs at a time"
                )

    def release(self) -> None:
        if self._lock is None:
            return
        if self._record is not None:
            with contextlib.suppress(OSError):
                self._record.unlink()
        self._lock.release()
        self._lock = None


def is_running(*, unknown: bool = True) -> bool:
    """True when a verified guard holds a lock right now; ``unknown`` when the file system
    cannot say (no locks on some network homes): True lets a request to that guard be
    tried, False keeps a tray from waiting for, or handing over to, a guard that may not
    exist. A lock held by anything that is not ScamGuard does not count."""
    folder = lock_dir()
    for name in LOCK_NAMES:
        try:
            holder = _held_by(folder / name, grace=True)
        except OSError:
            return unknown
        if holder is not None and holder.guard:
            return True
    return False


def squatters() -> list[Holder]:
    """Programs that are not ScamGuard holding a guard lock right now (for the tray and
    ``scamguard`` commands to name). Waits up to VERIFY_GRACE_SECONDS per lock."""
    folder = lock_dir()
    found = []
    for name in LOCK_NAMES:
        with contextlib.suppress(OSError):
            holder = _held_by(folder / name, grace=True)
            if holder is not None and not holder.guard:
                found.append(holder)
    return found


def _held_by(path: Path, *, grace: bool) -> Holder | None:
    """Who holds ``path`` (None: nobody). Raises OSError when locks do not work here."""
    if not path.exists():
        return None
    probe = FileLock(str(path), thread_local=False)
    deadline = time.monotonic() + (VERIFY_GRACE_SECONDS if grace else 0.0)
    while True:
        try:
            probe.acquire(timeout=0)
        except Timeout:
            holder = identify(path)
            if holder.guard or holder.certain or time.monotonic() >= deadline:
                return holder
            time.sleep(0.1)
            continue
        probe.release()
        return None


def identify(path: Path) -> Holder:
    """Is the process holding the lock at ``path`` a running ScamGuard? (Call it while
    the lock is known to be held.)"""
    record = _read_record(_record_path(path))
    kernel = lock_holder(path)
    recorded = record.get("pid") if record else None
    pid = kernel if kernel is not None else recorded
    if not isinstance(pid, int):
        return Holder(None, False, "a program that left no record of itself")
    try:
        proc = psutil.Process(pid)
        name = process_name(proc)
        started = proc.create_time()
        exe = _program(proc)
    except psutil.NoSuchProcess:
        return Holder(pid, False, f"process {pid}, which is no longer running")
    except psutil.Error:
        return Holder(pid, False, f"process {pid}, which cannot be looked at")
    who = f"process {pid} ({name})"
    if kernel is not None and not _could_be_scamguard(exe):
        return Holder(pid, False, who, certain=True)
    if record is None:
        return Holder(pid, False, f"{who}, which left no record of itself")
    if recorded != pid or record.get("program") != PROGRAM:
        return Holder(pid, False, f"{who}, which is not the process its record names")
    when = record.get("started")
    if not isinstance(when, int | float) or abs(started - when) > _START_TIME_SLACK:
        return Holder(pid, False, f"{who}, which started after the guard its record names")
    if not _could_be_scamguard(exe):
        return Holder(pid, False, who)
    return Holder(pid, True, who)


def _could_be_scamguard(exe: str) -> bool:
    """A Python interpreter (``python -m guard``, the ``scamguard`` script, the tray) or
    ScamGuard's own program (an installed build)."""
    stem = Path(exe).name.casefold().removesuffix(".exe")
    own = Path(sys.executable).name.casefold().removesuffix(".exe")
    return stem.startswith(("python", "scamguard")) or (
        getattr(sys, "frozen", False) and stem == own
    )


def _program(proc: psutil.Process) -> str:
    try:
        return process_exe(proc) or process_name(proc)
    except psutil.AccessDenied:
        return process_name(proc)


def _record_path(lock: Path) -> Path:
    return lock.with_name(lock.name + RECORD_SUFFIX)


def _write_record(path: Path) -> None:
    me = psutil.Process()
    record = {
        "program": PROGRAM,
        "pid": me.pid,
        "started": me.create_time(),
        "exe": sys.executable,
        "version": __version__,
    }
    with contextlib.suppress(OSError):  # unverifiable then: a later guard calls it a squatter
        files.write_atomic(path, json.dumps(record).encode())


def _read_record(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_bytes()[:4096].decode("utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None
