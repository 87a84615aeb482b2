"""Notice a remote-access tool the moment it lands on disk: a download, an unpacked zip, a
new program folder, a new menu entry.

Lessons measured on Linux (reference/detection.md §6), each one a rule here:

* Always pass an ``event_filter``. With watchdog's default mask (which includes open and
  close-without-write) a recursive watch of 5,000 folders livelocked at 100 % CPU and the
  AnyDesk.exe event never arrived.
* Browser downloads arrive as a rename from ``.crdownload``/``.part``/``.download``: the
  moved event's destination is the file to check; the partial file is ignored.
* A file is identified once complete: on its close-after-write (Linux), on the rename, or,
  where the OS reports neither (Windows, macOS), once its size has stopped changing.
* ``Observer.start()`` with one missing path fails every watch, so the observer starts
  empty and each folder is scheduled on its own, inside its own try. A folder that is
  missing, deleted or recreated is waited for through its nearest existing parent and
  re-armed; a once-a-second check backs up the events. One bad folder never breaks others.
* Recursion only where it is cheap: a folder tree larger than ``RECURSION_LIMIT`` folders is
  watched at its top level only.
"""

from __future__ import annotations

import contextlib
import heapq
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from guard.identify.evidence import Identification
from guard.identify.identifier import Identifier, InspectError
from guard.locations import WatchFolder

FILE_EVENTS = [
    FileCreatedEvent,
    FileMovedEvent,
    FileClosedEvent,
    DirCreatedEvent,
    DirMovedEvent,
    DirDeletedEvent,
]
PARENT_EVENTS = [DirCreatedEvent, DirMovedEvent]
RECURSION_LIMIT = 2000
# Kinds of file that can run or install something; other files are checked by name only.
RUNNABLE_SUFFIXES = frozenset({
    "", ".exe", ".msi", ".msix", ".msixbundle", ".appx", ".appxbundle", ".com", ".scr", ".pif",
    ".bat", ".cmd", ".ps1", ".vbs", ".hta", ".lnk", ".dmg", ".pkg", ".mpkg", ".app", ".deb",
    ".rpm", ".appimage", ".run", ".sh", ".bin", ".jar", ".desktop", ".flatpakref", ".snap",
})  # fmt: skip
PARTIAL_SUFFIXES = (".crdownload", ".part", ".partial", ".download", ".opdownload", ".tmp")
SETTLE_SECONDS = 0.5  # a created file whose size holds still this long is complete
HEALTH_SECONDS = 1.0
RETRY_FAILED_SECONDS = 30.0

OnFile = Callable[[str, Identification, str, bool], None]  # path, verdict, how, quarantinable


@dataclass
class _Folder:
    spec: WatchFolder
    state: str = "new"  # watching | waiting | failed
    watch: ObservedWatch | None = None
    recursive: bool = False
    identity: tuple[int, int] | None = None  # (st_dev, st_ino) when armed
    waiting_on: Path | None = None
    since: float = 0.0
    note: str = ""
    retry_at: float = 0.0


@dataclass(order=True)
class _Pending:
    due: float
    path: str = field(compare=False)
    how: str = field(compare=False)
    folder: WatchFolder = field(compare=False)
    size: int = field(compare=False, default=-1)


class InstallWatcher:
    def __init__(
        self,
        identifier: Identifier,
        on_file: OnFile,
        folders: list[WatchFolder],
        report: Callable[[str], None],
        *,
        ignore_under: list[Path] | None = None,
        observer: BaseObserver | None = None,
    ):
        self.identifier = identifier
        self.on_file = on_file
        self.report = report
        self.ignore_under = [str(p) for p in ignore_under or []]
        self._folders = [_Folder(f) for f in folders]
        self._observer = observer or Observer()
        self._events = _Events(self)
        self._nudge = _Nudge(self)
        self._parents: dict[str, tuple[ObservedWatch, int]] = {}
        # Guards only the pending queue and the re-check flag. Folder arming runs on the
        # worker thread alone and never under this lock: watchdog calls our handlers while
        # holding its own lock, so holding ours around schedule() could deadlock.
        self._wake = threading.Condition(threading.Lock())
        self._pending: list[_Pending] = []
        self._queued: dict[str, float] = {}  # path -> due time of its one live entry
        self._seen: dict[str, tuple[int, ...]] = {}  # path -> identity of the file checked
        self._recheck = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="install-watcher", daemon=True)

    # --- lifecycle ---

    def start(self) -> None:
        self._observer.start()
        for folder in self._folders:
            self._arm(folder)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        with self._wake:
            self._wake.notify_all()
        with contextlib.suppress(Exception):
            self._observer.stop()
            self._observer.join(timeout=5)
        self._thread.join(timeout=5)

    def status(self) -> list[dict[str, object]]:
        """Each folder, what is happening to it, and why (for ``started`` and the tray).
        A snapshot of plain fields that only the worker thread writes; no lock needed."""
        return [
            {"path": str(f.spec.path), "state": f.state, "recursive": f.recursive, "note": f.note}
            for f in self._folders
        ]

    # --- arming folders ---

    def _arm(self, folder: _Folder) -> None:
        path = folder.spec.path
        try:
            st = path.stat()
            if not path.is_dir():
                raise NotADirectoryError(f"{path} is not a folder")
        except (FileNotFoundError, NotADirectoryError):
            self._wait_for(folder)
            return
        except OSError as exc:
            self._fail(folder, f"{path}: cannot be watched ({exc.strerror or exc})")
            return
        recursive, note = self._choose_recursion(folder.spec)
        try:
            watch = self._observer.schedule(
                self._events, str(path), recursive=recursive, event_filter=FILE_EVENTS
            )
        except OSError as exc:
            self._fail(folder, f"{path}: cannot be watched ({exc.strerror or exc})")
            return
        was_waiting = folder.state == "waiting"
        self._release_parent(folder)
        folder.state, folder.watch, folder.recursive = "watching", watch, recursive
        folder.identity, folder.note = (st.st_dev, st.st_ino), note
        if was_waiting:
            self.report(f"{path} is back; watching it again")
            self._scan_new(folder)

    def _choose_recursion(self, spec: WatchFolder) -> tuple[bool, str]:
        if spec.recursive is not None:
            return spec.recursive, ""
        count = 0
        for _root, dirs, _files in os.walk(spec.path):
            count += len(dirs)
            if count > RECURSION_LIMIT:
                return False, (
                    f"more than {RECURSION_LIMIT} folders inside; only its top level is watched"
                )
        return True, ""

    def _wait_for(self, folder: _Folder) -> None:
        """Watch the nearest existing parent for the folder to (re)appear."""
        path = folder.spec.path
        parent = path.parent
        while not parent.is_dir() and parent != parent.parent:
            parent = parent.parent
        if folder.state != "waiting":
            folder.since = time.time()
            folder.note = f"does not exist; waiting for it to appear in {parent}"
        folder.state = "waiting"
        if folder.waiting_on == parent:
            return
        self._release_parent(folder)
        key = str(parent)
        try:
            if key in self._parents:
                watch, count = self._parents[key]
                self._parents[key] = (watch, count + 1)
            else:
                watch = self._observer.schedule(
                    self._nudge, key, recursive=False, event_filter=PARENT_EVENTS
                )
                self._parents[key] = (watch, 1)
            folder.waiting_on = parent
        except OSError:
            folder.waiting_on = None  # the once-a-second check still notices it

    def _release_parent(self, folder: _Folder) -> None:
        if folder.waiting_on is None:
            return
        key = str(folder.waiting_on)
        folder.waiting_on = None
        watch, count = self._parents.get(key, (None, 0))
        if watch is None:
            return
        if count <= 1:
            del self._parents[key]
            with contextlib.suppress(Exception):
                self._observer.unschedule(watch)
        else:
            self._parents[key] = (watch, count - 1)

    def _fail(self, folder: _Folder, reason: str) -> None:
        if folder.note != reason:
            self.report(reason)
        folder.state, folder.note = "failed", reason
        folder.retry_at = time.monotonic() + RETRY_FAILED_SECONDS

    def _health(self) -> None:
        """Re-arm folders that were deleted, recreated, or have appeared."""
        now = time.monotonic()
        for folder in self._folders:
            if folder.state == "watching" and not self._still_there(folder):
                if folder.watch is not None:
                    with contextlib.suppress(Exception):
                        self._observer.unschedule(folder.watch)
                folder.watch = None
                self.report(f"{folder.spec.path} was removed or replaced; watching for it")
                folder.state = "lost"
                self._arm(folder)
            elif folder.state == "waiting" or (folder.state == "failed" and now >= folder.retry_at):
                self._arm(folder)

    @staticmethod
    def _still_there(folder: _Folder) -> bool:
        try:
            st = folder.spec.path.stat()
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == folder.identity

    def _scan_new(self, folder: _Folder) -> None:
        """A folder that came back may already hold files written before the watch."""
        try:
            with os.scandir(folder.spec.path) as it:
                for entry in it:
                    with contextlib.suppress(OSError):
                        if entry.stat().st_mtime >= folder.since - 1:
                            self._queue(
                                entry.path, "scan", folder.spec, delay=0.0, is_dir=entry.is_dir()
                            )
        except OSError:
            pass

    # --- events (watchdog's thread) ---

    def _folder_for(self, path: str) -> WatchFolder | None:
        best: WatchFolder | None = None
        for folder in self._folders:
            root = str(folder.spec.path)
            inside = path == root or path.startswith(root.rstrip(os.sep) + os.sep)
            if inside and (best is None or len(root) > len(str(best.path))):
                best = folder.spec
        return best

    def _queue(
        self,
        path: str,
        how: str,
        spec: WatchFolder,
        *,
        delay: float,
        size: int = -1,
        is_dir: bool = False,
    ) -> None:
        if any(path.startswith(p) for p in self.ignore_under):
            return
        if path.casefold().endswith(PARTIAL_SUFFIXES):
            return
        if not (is_dir or self._worth_a_look(path)):
            return
        due = time.monotonic() + delay
        with self._wake:
            # One entry per path: a file rewritten a thousand times is looked at once, so a
            # busy folder cannot bury an installer under a backlog.
            queued = self._queued.get(path)
            if queued is not None and queued <= due:
                return
            self._queued[path] = due
            heapq.heappush(self._pending, _Pending(due, path, how, spec, size))
            self._wake.notify()

    def _worth_a_look(self, path: str) -> bool:
        """Cheap, before any read: a tool's name or installer pattern, or a kind of file
        that can run (and so can carry Windows version info, a bundle id, or a known hash;
        no extension at all is how Linux programs often arrive). A photo rewritten by an
        editor is never opened."""
        name = os.path.basename(path)
        if self.identifier.index.lookup_name(name):
            return True
        return os.path.splitext(name)[1].casefold() in RUNNABLE_SUFFIXES

    def _event(self, event: FileSystemEvent, how: str, path: str) -> None:
        spec = self._folder_for(path)
        if spec is None:
            return
        if event.is_directory:
            parent = os.path.dirname(path.rstrip(os.sep))
            top_level = parent == str(spec.path).rstrip(os.sep)
            if path.casefold().endswith(".app") or (top_level and not spec.quarantine):
                self._queue(path, how, spec, delay=0.0, is_dir=True)
            return
        # A created file may still be being written; closed and moved mean it is complete.
        self._queue(path, how, spec, delay=SETTLE_SECONDS if how == "created" else 0.0)

    def _root_changed(self, path: str) -> None:
        if any(str(f.spec.path) == path for f in self._folders):
            self._nudge_health()

    def _nudge_health(self) -> None:
        with self._wake:
            self._recheck = True
            self._wake.notify()

    # --- the worker: identify, settle, health ---

    def _run(self) -> None:
        next_health = time.monotonic() + HEALTH_SECONDS
        while not self._stop.is_set():
            with self._wake:
                now = time.monotonic()
                due = self._pending[0].due if self._pending else next_health
                if not self._recheck and due > now:
                    self._wake.wait(min(due, next_health) - now)
                ready = []
                now = time.monotonic()
                while self._pending and self._pending[0].due <= now:
                    item = heapq.heappop(self._pending)
                    if self._queued.get(item.path) == item.due:  # else superseded
                        del self._queued[item.path]
                        ready.append(item)
                recheck, self._recheck = self._recheck, False
            for item in ready:
                try:
                    self._consider(item)
                except Exception as exc:  # a strange file must never stop the watcher
                    self.report(f"{item.path}: could not be checked ({exc!r})")
            if recheck or time.monotonic() >= next_health:
                try:
                    self._health()
                except Exception as exc:  # one bad folder must never stop the others
                    self.report(f"checking the watched folders failed ({exc!r}); carrying on")
                next_health = time.monotonic() + HEALTH_SECONDS

    def _consider(self, item: _Pending) -> None:
        try:
            st = os.stat(item.path)
        except OSError:
            return  # gone already (a temp file, or renamed: the move event follows)
        is_dir = os.path.isdir(item.path)
        if item.how == "created" and not is_dir and st.st_size != item.size:
            # Still growing (or first look): check again once it has held still.
            self._queue(item.path, item.how, item.folder, delay=SETTLE_SECONDS, size=st.st_size)
            return
        # Inode and change time too: a file restored from quarantine, or unpacked again
        # from the same archive (same size and mtime), is a new arrival.
        key = (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
        if self._seen.get(item.path) == key:
            return  # created then closed, or closed twice: identified already
        if len(self._seen) > 4096:
            self._seen.clear()
        self._seen[item.path] = key
        try:
            if is_dir:
                verdict = self.identifier.identify_folder(item.path)
            else:
                verdict = self.identifier.identify_file(item.path)
        except InspectError:
            return
        except Exception as exc:  # a strange file must never stop the watcher
            self.report(f"{item.path}: could not be checked ({exc})")
            return
        if verdict.matched:
            quarantinable = item.folder.quarantine and (
                not is_dir or item.path.casefold().endswith(".app")
            )
            self.on_file(item.path, verdict, item.how, quarantinable)


class _Events(FileSystemEventHandler):
    def __init__(self, watcher: InstallWatcher):
        self.w = watcher

    def on_created(self, event: FileSystemEvent) -> None:
        self.w._event(event, "created", os.fsdecode(event.src_path))

    def on_closed(self, event: FileSystemEvent) -> None:
        self.w._event(event, "closed", os.fsdecode(event.src_path))

    def on_moved(self, event: FileSystemEvent) -> None:
        self.w._event(event, "moved", os.fsdecode(event.dest_path))
        if event.is_directory:
            self.w._root_changed(os.fsdecode(event.src_path))

    def on_deleted(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            self.w._root_changed(os.fsdecode(event.src_path))


class _Nudge(FileSystemEventHandler):
    """On a watched parent: something appeared, so re-check the folders waiting there."""

    def __init__(self, watcher: InstallWatcher):
        self.w = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.w._nudge_health()
