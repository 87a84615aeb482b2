"""Notice a remote-access tool the moment it lands on disk: a download, an unpacked zip, a
new program folder, a new menu entry.

Lessons measured on Linux (docs/architecture.md, "Detection"), each one a rule here:

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
* A watched folder that is a link (a Downloads folder on a second disk) is watched at its
  target: watchdog watches a link itself, not what it points to, so the link path would be
  armed while nothing inside it is ever seen. The link is resolved again on every health
  check, and a link pointed elsewhere is re-armed at its new target and said so in the
  status. ``follow_symlink`` is not used: it would also follow links *inside* a recursive
  tree (a link to ``/`` in Downloads would watch the whole disk).
* ``status()`` says "watching" only for a folder whose watch is scheduled at its real
  target and whose watchdog emitter is still running; anything else is re-armed.
* Temp is watched at its top level only (it is busy), but archive tools unpack into a new
  folder there (Windows Explorer opens a zip into ``%TEMP%/Temp1_name.zip/``, 7-Zip into
  ``%TEMP%/7zXXXX``). A folder with ``watch_new_subfolders`` has each new top-level folder
  watched too (recursively while small), for ``SUBFOLDER_WATCH_SECONDS`` (archive tools'
  own folders, for as long as they exist), at most ``MAX_SUBFOLDER_WATCHES`` at a time,
  and what was written into it before the watch was armed is looked at as well.
* Every read of a watched file refuses FIFOs, sockets and devices without blocking
  (guard/identify/regular_file.py): a file swapped for a FIFO must not wedge the worker.
* Identification runs on this watcher's own thread and holds none of the locks the process
  path needs: the engine's lock is taken only inside ``file_seen``, after the verdict.
"""

from __future__ import annotations

import contextlib
import heapq
import math
import os
import re
import stat
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

from guard.errors import describe_os_error
from guard.identify.archive import ARCHIVE_SUFFIXES, REFUSED_KIND
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
# Kinds of file that can run or install something, or that a person opens with one
# double-click to find one inside (a disk image); other files are checked by name only.
RUNNABLE_SUFFIXES = frozenset({
    "", ".exe", ".msi", ".msp", ".msix", ".msixbundle", ".appx", ".appxbundle", ".com", ".scr",
    ".pif", ".cpl", ".application", ".appinstaller", ".bat", ".cmd", ".ps1", ".vbs", ".hta",
    ".lnk", ".iso", ".img", ".dmg", ".pkg", ".mpkg", ".app", ".deb", ".rpm", ".appimage",
    ".run", ".sh", ".bin", ".jar", ".desktop", ".flatpakref", ".snap",
})  # fmt: skip
PARTIAL_SUFFIXES = (".crdownload", ".part", ".partial", ".download", ".opdownload", ".tmp")
SETTLE_SECONDS = 0.5  # a created file whose size holds still this long is complete
HEALTH_SECONDS = 1.0
RETRY_FAILED_SECONDS = 30.0
# New folders in temp: each watch is a watchdog emitter (a thread and, on Linux, an inotify
# instance, of which a user has 128 by default), so they are few and short-lived.
MAX_SUBFOLDER_WATCHES = 16
SUBFOLDER_WATCH_SECONDS = 600.0
SUBFOLDER_RECURSION_LIMIT = 50
SUBFOLDER_SCAN_LIMIT = 2000  # entries looked at in a new folder's first look
# Folders archive tools unpack into, kept watched while they exist (a zip opened again
# later unpacks into the same folder): Windows Explorer, 7-Zip, WinRAR, GNOME's file-roller.
ARCHIVE_TEMP_NAME = re.compile(r"(?i)^(?:temp\d+_.+|7z\w+|rar\$\w+\.\w+|\.fr-\w+)$")

OnFile = Callable[[str, Identification, str, bool], None]  # path, verdict, how, quarantinable


@dataclass
class _Folder:
    spec: WatchFolder
    state: str = "new"  # watching | waiting | failed
    watch: ObservedWatch | None = None
    recursive: bool = False
    root: str = ""  # the real folder watched (links resolved); events arrive under it
    identity: tuple[int, int] | None = None  # (st_dev, st_ino) of root when armed
    waiting_on: Path | None = None
    since: float = 0.0
    note: str = ""
    retry_at: float = 0.0


@dataclass
class _Sub:
    """A new folder inside a folder with ``watch_new_subfolders`` (an unpacked archive)."""

    path: str
    folder: _Folder
    watch: ObservedWatch
    recursive: bool
    identity: tuple[int, int]
    until: float  # monotonic; inf for an archive tool's own folder


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
        # Also told of each tool identified, with the file's stat then (the exec gate:
        # a file identified on arrival is refused at its first exec).
        self.on_identified: Callable[[str, os.stat_result, Identification], None] | None = None
        # Real paths: events arrive under the real folders watched (links resolved).
        self.ignore_under = [os.path.join(os.path.realpath(p), "") for p in ignore_under or []]
        self._folders = [_Folder(f) for f in folders]
        self._observer = observer or Observer()
        self._events = _Events(self)
        self._nudge = _Nudge(self)
        self._parents: dict[str, tuple[ObservedWatch, int]] = {}
        # Folder watches by (real path, recursive), counted: two folder names leading to the
        # same place share one watchdog watch, and unscheduling it for one must not silently
        # end the other's.
        self._watches: dict[tuple[str, bool], tuple[ObservedWatch, int]] = {}
        self._subs: dict[str, _Sub] = {}  # oldest first
        self._sub_problem = ""
        # Guards only the pending queue and the re-check flag. Folder arming runs on the
        # worker thread alone and never under this lock: watchdog calls our handlers while
        # holding its own lock, so holding ours around schedule() could deadlock.
        self._wake = threading.Condition(threading.Lock())
        self._pending: list[_Pending] = []
        self._queued: dict[str, float] = {}  # path -> due time of its one live entry
        self._seen: dict[str, tuple[int, ...]] = {}  # path -> identity of the file checked
        self._recheck = False
        self._new_dirs: list[tuple[str, _Folder]] = []  # new folders to watch (worker arms)
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

        ``state`` is "watching" only while a watch is scheduled at the folder's real place
        (``target``, which differs from ``path`` for a link) and its emitter runs; the
        health check turns anything else into "waiting" or "failed" with a ``note``.
        ``subfolders`` are the new folders inside it watched for now (unpacked archives).
        A snapshot of plain fields that only the worker thread writes; no lock needed."""
        subs = list(self._subs.values())
        return [
            {
                "path": str(f.spec.path),
                "state": f.state,
                "target": f.root if f.state == "watching" else None,
                "recursive": f.recursive,
                "note": f.note,
                "subfolders": [s.path for s in subs if s.folder is f],
            }
            for f in self._folders
        ]

    # --- arming folders ---

    def _arm(self, folder: _Folder) -> None:
        path = folder.spec.path
        try:
            root = os.path.realpath(path)  # a link is watched where it leads
            st = os.stat(root)
            if not stat.S_ISDIR(st.st_mode):
                raise NotADirectoryError(f"{path} is not a folder")
        except (FileNotFoundError, NotADirectoryError):
            self._wait_for(folder)
            return
        except OSError as exc:
            self._fail(folder, f"{path}: cannot be watched ({describe_os_error(exc)})")
            return
        recursive, note = self._choose_recursion(folder.spec, root)
        try:
            watch = self._schedule(root, recursive)
        except OSError as exc:
            self._fail(folder, f"{path}: cannot be watched ({describe_os_error(exc)})")
            return
        was_waiting = folder.state == "waiting"
        self._release_parent(folder)
        folder.state, folder.watch, folder.recursive, folder.root = (
            "watching",
            watch,
            recursive,
            root,
        )
        if root != os.path.abspath(path):
            link = f"leads to {root}; watched there"
            note = f"{link}; {note}" if note else link
        folder.identity, folder.note = (st.st_dev, st.st_ino), note
        if folder.spec.watch_new_subfolders and not recursive:
            self._watch_archive_folders(folder)
        if was_waiting:
            self.report(f"{path} is back; watching it again")
            self._scan_new(folder)

    def _choose_recursion(self, spec: WatchFolder, root: str) -> tuple[bool, str]:
        if spec.recursive is not None:
            return spec.recursive, ""
        if _more_folders_than(root, RECURSION_LIMIT):
            return False, (
                f"more than {RECURSION_LIMIT} folders inside; only its top level is watched"
            )
        return True, ""

    def _schedule(self, path: str, recursive: bool) -> ObservedWatch:
        """Watch ``path`` (a real path) for file events; counted, see ``_watches``."""
        key = (path, recursive)
        if key in self._watches:
            watch, count = self._watches[key]
            self._watches[key] = (watch, count + 1)
            return watch
        watch = self._observer.schedule(
            self._events, path, recursive=recursive, event_filter=FILE_EVENTS
        )
        self._watches[key] = (watch, 1)
        return watch

    def _unschedule(self, watch: ObservedWatch | None) -> None:
        if watch is None:
            return
        for key, (known, count) in list(self._watches.items()):
            if known is watch:
                if count > 1:
                    self._watches[key] = (known, count - 1)
                    return
                del self._watches[key]
                break
        with contextlib.suppress(Exception):
            self._observer.unschedule(watch)

    def _emitter_running(self, watch: ObservedWatch | None) -> bool:
        """True unless watchdog's emitter for ``watch`` has stopped (an emitter whose
        thread died reports nothing more, while the folder would still say "watching")."""
        if watch is None:
            return False
        try:
            emitters = list(self._observer.emitters)
        except Exception:
            return True  # an observer that does not say: trust the schedule
        for emitter in emitters:
            if emitter.watch == watch:
                return emitter.is_alive() or not self._observer.is_alive()
        return False

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
        """Re-arm folders that were deleted, recreated, pointed elsewhere (a link), stopped
        being reported on, or have appeared; let go of subfolder watches that are done."""
        now = time.monotonic()
        for folder in self._folders:
            change = self._change(folder) if folder.state == "watching" else ""
            if change:
                self._unschedule(folder.watch)
                folder.watch = None
                self.report(change)
                folder.state = "lost"
                self._arm(folder)
            elif folder.state == "waiting" or (folder.state == "failed" and now >= folder.retry_at):
                self._arm(folder)
        for sub in list(self._subs.values()):
            if now >= sub.until or not self._sub_still_there(sub):
                self._drop_sub(sub)

    def _change(self, folder: _Folder) -> str:
        """Why a watching folder is not really watched any more, or '' if it still is."""
        path = folder.spec.path
        try:
            root = os.path.realpath(path)
            st = os.stat(root)
        except OSError:
            return f"{path} was removed or replaced; watching for it"
        if root != folder.root:
            return f"{path} now leads to {root} instead of {folder.root}; watching it there"
        if (st.st_dev, st.st_ino) != folder.identity:
            return f"{path} was removed or replaced; watching for it"
        if not self._emitter_running(folder.watch):
            return f"{path}: changes stopped being reported; watching it again"
        return ""

    # --- new folders inside a folder like temp (unpacked archives) ---

    def _watch_archive_folders(self, folder: _Folder) -> None:
        """At arming: archive tools' folders already in temp (a zip opened before the guard
        started, to be opened again) are watched too. What is in them now is not news."""
        try:
            with os.scandir(folder.root) as it:
                found = [
                    (e.stat(follow_symlinks=False).st_mtime, e.path)
                    for e in it
                    if ARCHIVE_TEMP_NAME.match(e.name) and e.is_dir(follow_symlinks=False)
                ]
        except OSError:
            return
        for _mtime, path in sorted(found, reverse=True)[: MAX_SUBFOLDER_WATCHES // 2]:
            self._watch_subfolder(path, folder, look=False)

    def _watch_subfolder(self, path: str, folder: _Folder, look: bool = True) -> None:
        """A folder appeared at the top of a folder like temp: watch it (recursively while
        small), then, with ``look``, check what was written into it before the watch."""
        try:
            st = os.lstat(path)
        except OSError:
            return  # gone already: a short-lived scratch folder
        if not stat.S_ISDIR(st.st_mode):
            return  # a link is never followed out of the watched folder
        identity = (st.st_dev, st.st_ino)
        known = self._subs.get(path)
        if known is not None:
            if known.identity == identity and self._emitter_running(known.watch):
                return
            self._drop_sub(known)
        if any(f.root == path for f in self._folders):
            return  # watched as a folder of its own
        recursive = not _more_folders_than(path, SUBFOLDER_RECURSION_LIMIT)
        while len(self._subs) >= MAX_SUBFOLDER_WATCHES:
            # Short-lived folders go first; archive tools' folders only when all are.
            subs = list(self._subs.values())
            self._drop_sub(next((x for x in subs if x.until != math.inf), subs[0]))
        try:
            watch = self._schedule(path, recursive)
        except OSError as exc:
            problem = (
                f"new folders in {folder.spec.path} cannot be watched ({describe_os_error(exc)})"
            )
            if problem != self._sub_problem:
                self._sub_problem = problem
                self.report(problem)
        else:
            lasting = ARCHIVE_TEMP_NAME.match(os.path.basename(path)) is not None
            until = math.inf if lasting else time.monotonic() + SUBFOLDER_WATCH_SECONDS
            self._subs[path] = _Sub(path, folder, watch, recursive, identity, until)
        if look:
            self._look_into(path, folder, recursive)

    def _look_into(self, path: str, folder: _Folder, recursive: bool) -> None:
        """Queue what is already inside a new folder, as just created (so a file still being
        unpacked is checked once its size holds still)."""
        count = 0
        for root, dirs, files in os.walk(path):
            if not recursive:
                dirs.clear()
            for name in files:
                count += 1
                if count > SUBFOLDER_SCAN_LIMIT:
                    return
                self._queue(os.path.join(root, name), "created", folder.spec, delay=0.0)

    def _sub_still_there(self, sub: _Sub) -> bool:
        try:
            st = os.lstat(sub.path)
        except OSError:
            return False
        same = (st.st_dev, st.st_ino) == sub.identity and stat.S_ISDIR(st.st_mode)
        return same and self._emitter_running(sub.watch)

    def _drop_sub(self, sub: _Sub) -> None:
        self._subs.pop(sub.path, None)
        self._unschedule(sub.watch)

    def _scan_new(self, folder: _Folder) -> None:
        """A folder that came back may already hold files written before the watch."""
        try:
            with os.scandir(folder.root) as it:
                for entry in it:
                    with contextlib.suppress(OSError):
                        if entry.stat().st_mtime >= folder.since - 1:
                            self._queue(
                                entry.path, "scan", folder.spec, delay=0.0, is_dir=entry.is_dir()
                            )
        except OSError:
            pass

    # --- events (watchdog's thread) ---

    def _folder_for(self, path: str) -> _Folder | None:
        """The watched folder an event's path lies in (the deepest, if nested). Events carry
        real paths, so this compares with each folder's real root."""
        best: _Folder | None = None
        for folder in self._folders:
            root = folder.root
            if not root:
                continue
            inside = path == root or path.startswith(root.rstrip(os.sep) + os.sep)
            if inside and (best is None or len(root) > len(best.root)):
                best = folder
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
        if any(path.startswith(p) or path == p[:-1] for p in self.ignore_under):
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
        suffix = os.path.splitext(name)[1].casefold()
        return suffix in RUNNABLE_SUFFIXES or suffix in ARCHIVE_SUFFIXES

    def _event(self, event: FileSystemEvent, how: str, path: str) -> None:
        folder = self._folder_for(path)
        if folder is None:
            return
        spec = folder.spec
        if event.is_directory:
            parent = os.path.dirname(path.rstrip(os.sep))
            top_level = parent == folder.root.rstrip(os.sep)
            if top_level and spec.watch_new_subfolders and not folder.recursive:
                with self._wake:  # armed by the worker: never schedule on watchdog's thread
                    self._new_dirs.append((path, folder))
                    self._wake.notify()
            if path.casefold().endswith(".app") or (top_level and not spec.quarantine):
                self._queue(path, how, spec, delay=0.0, is_dir=True)
            return
        # A created file may still be being written; closed and moved mean it is complete.
        self._queue(path, how, spec, delay=SETTLE_SECONDS if how == "created" else 0.0)

    def _root_changed(self, path: str) -> None:
        if any(f.root == path for f in self._folders) or path in self._subs:
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
                if not (self._recheck or self._new_dirs) and due > now:
                    self._wake.wait(min(due, next_health) - now)
                ready = []
                now = time.monotonic()
                while self._pending and self._pending[0].due <= now:
                    item = heapq.heappop(self._pending)
                    if self._queued.get(item.path) == item.due:  # else superseded
                        del self._queued[item.path]
                        ready.append(item)
                recheck, self._recheck = self._recheck, False
                new_dirs, self._new_dirs = self._new_dirs, []
            for path, folder in new_dirs:  # first, so what lands in them is seen
                try:
                    self._watch_subfolder(path, folder)
                except Exception as exc:  # one odd folder must never stop the watcher
                    self.report(f"{path}: could not be watched ({exc!r})")
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
        for ev in verdict.evidence:
            if ev.kind == REFUSED_KIND:  # a zip over a limit (a bomb?): one line, said once
                self.report(f"{item.path}: {ev.detail}")
        if verdict.matched and self.on_identified is not None and not is_dir:
            self.on_identified(item.path, st, verdict)
        if verdict.matched:
            quarantinable = item.folder.quarantine and (
                not is_dir or item.path.casefold().endswith(".app")
            )
            self.on_file(item.path, verdict, item.how, quarantinable)


def _more_folders_than(top: str, limit: int) -> bool:
    """Whether the tree under ``top`` holds more than ``limit`` folders (links not followed);
    stops counting as soon as it does."""
    count = 0
    for _root, dirs, _files in os.walk(top):
        count += len(dirs)
        if count > limit:
            return True
    return False


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
