"""Notice new processes by diffing ``psutil.pids()``, and look only at the new ones.

Measured on Linux (docs/architecture.md): a pid-set diff costs about 0.1 ms per tick even at
576 processes, where ``process_iter`` with attributes every tick costs 10 ms or more. The one
trap is fork-then-exec: a launcher's child first appears under the launcher's name (``sh``)
and only becomes ``anydesk`` a moment later, so a naive diff that looks once missed 20 of 50
such launches. Pids younger than ``recheck_window`` seconds are therefore looked at again on
every tick until their name or executable settles.

A program can also change later: rename itself (``prctl(PR_SET_NAME)``) or execute another
program long after it started. The proc connector reports both at once (exec and comm
events). Polling cannot see them as they happen, so it re-reads the name and program file
of a few older processes on every full diff (``ROLLING_PER_SECOND``), a rolling round over
every process: a change is seen within (processes / ROLLING_PER_SECOND) seconds, about 16 s
at 500 processes, for about 1 ms of CPU a second. A change and change back between two
reads of the same process is not seen by polling at all.

Each process the names do not identify is handed to the content look (content_look.py),
which reads its program file on another thread: a renamed tool is still caught, and a
name-based freeze never waits for a file to be read.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import psutil

from guard.engine.lineage import Lineage
from guard.identify.evidence import Identification
from guard.identify.identifier import Identifier
from guard.identify.process import UNREAD, ProcessInfo, read_process
from guard.platform import process_exe, process_name
from guard.watch.content_look import ContentLook

OnMatch = Callable[[ProcessInfo, Identification], None]
FULL_DIFF_SECONDS = 1.0
ROLLING_PER_SECOND = 32  # older processes whose name and program are re-read per full diff
_LOADAVG = "/proc/loadavg"


def _proc_is_ours() -> bool:
    try:
        return int(os.readlink("/proc/self")) == os.getpid()
    except (OSError, ValueError):
        return False


def _last_pid() -> int | None:
    """The most recently allocated pid in this pid namespace (Linux), else None."""
    try:
        with open(_LOADAVG, "rb") as fh:
            return int(fh.read().rsplit(None, 1)[-1])
    except (OSError, ValueError, IndexError):
        return None


@dataclass
class _Young:
    first_seen: float
    seen_as: tuple[str, str | None]  # (name, exe) last identified


class ProcessPoller:
    """Calls ``on_match`` once per process that is identified as a remote-access tool, and
    ``on_other`` (if given) for every other new process it looked at, so the engine can
    notice children of a frozen tool."""

    def __init__(
        self,
        identifier: Identifier,
        on_match: OnMatch,
        interval: float = 0.05,
        *,
        recheck_window: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        on_other: OnMatch | None = None,
        lineage: Lineage | None = None,
        content: ContentLook | None = None,
    ):
        self.identifier = identifier
        self.on_match = on_match
        self.on_other = on_other
        self.lineage = lineage
        self.interval = interval
        self.recheck_window = recheck_window
        self.clock = clock
        self.known: set[int] = set()
        self.young: dict[int, _Young] = {}
        self.matched: set[int] = set()
        self.content = content
        # (name, program file) of every process looked at: the rolling re-read compares.
        self.seen: dict[int, tuple[str, str | None]] = {}
        self._rolling: list[int] = []
        self.rolling = ROLLING_PER_SECOND
        self._roll_at = 0.0  # once a second, by the clock (a full diff can run every tick)
        self.ignore = {os.getpid()}
        # The hint only describes our own pid namespace; a guard whose /proc shows another
        # one (unshare without remounting /proc) must diff every tick.
        self._hint = _proc_is_ours()
        self._last_pid = _last_pid() if self._hint else None
        self._full_diff_at = 0.0

    def initial_scan(self) -> None:
        """Look at every running process once: tools already running when the guard starts."""
        pids = set(psutil.pids())
        self.known = pids
        for pid in pids - self.ignore:
            self._look(pid, young=False)

    def tick(self) -> None:
        """One diff: new pids are identified; young pids re-checked; gone pids forgotten.

        On Linux the kernel's last-allocated pid (``/proc/loadavg``) tells in one tiny read
        whether any process (or thread) was created since the last tick; when none was and
        no young pid needs a second look, the tick stops there. That cut idle CPU at 570
        processes from 2.7 % of a core to a small fraction; the full diff still runs once a
        second to forget exited pids.
        """
        now = self.clock()
        last = _last_pid() if self._hint else None
        if (
            last is not None
            and last == self._last_pid
            and not self.young
            and now < self._full_diff_at
        ):
            return
        self._last_pid = last
        self._full_diff_at = now + FULL_DIFF_SECONDS
        pids = set(psutil.pids())
        for pid in pids - self.known:
            if pid not in self.ignore:
                self.young[pid] = _Young(now, ("", None))
                self._look(pid, young=True)
        gone = self.known - pids
        self.known = pids
        for pid in gone:
            self.young.pop(pid, None)
            self.matched.discard(pid)
            self.seen.pop(pid, None)
        if now >= self._roll_at:
            self._roll_at = now + 1.0
            self._roll()
            if self.content is not None:
                self.content.retry()
        for pid, state in list(self.young.items()):
            if pid in self.matched or now - state.first_seen > self.recheck_window:
                del self.young[pid]
            elif state.seen_as[0] in ("", UNREAD):  # not read yet: a whole look again
                self._look(pid, young=True)
            else:  # looked at once already: only re-identify on a change
                self._recheck(pid, state)

    def look_now(self, pid: int) -> None:
        """An exec event for ``pid`` (from the proc connector): look at once, even if the pid
        is known or was matched before: exec gave it a new program (a helper of one tool
        can become another)."""
        if pid in self.ignore:
            return
        self.matched.discard(pid)
        if pid not in self.known:
            self.known.add(pid)
        self.young.setdefault(pid, _Young(self.clock(), ("", None)))
        self._look(pid, young=True)

    def _roll(self) -> None:
        """Re-read the next few older processes (each at most once per call); look again at
        any whose name or program changed since it was last looked at."""
        if not self._rolling:
            self._rolling = list(self.seen)
        for _ in range(min(self.rolling, len(self._rolling))):
            pid = self._rolling.pop()
            before = self.seen.get(pid)
            if before is None or pid in self.young or pid in self.ignore:
                continue
            now = _name_and_exe(pid)
            if now is not None and now != before:
                self.matched.discard(pid)
                self._look(pid, young=False)

    def rescan(self) -> None:
        """After lost events (ENOBUFS): look again at every pid not already matched."""
        pids = set(psutil.pids())
        self.known = pids
        self.matched &= pids
        for pid in pids - self.ignore - self.matched:
            self._look(pid, young=False)

    def run(self, stop: threading.Event) -> None:
        """Tick until ``stop`` is set; the initial scan runs first."""
        self.initial_scan()
        while not stop.wait(self.interval):
            self.tick()

    def _look(self, pid: int, young: bool) -> None:
        info = read_process(pid)
        if info is None:
            # Gone, or (under Wine, seen) not yet openable a moment after it started: a young
            # pid stays young and is looked at again next tick; the diff forgets it once the
            # pid is really gone from the list.
            return
        if young and pid in self.young:
            self.young[pid].seen_as = (info.name, info.exe)
            if self.lineage is not None and info.ppid:
                self.lineage.note_parent(pid, info.ppid)  # who started it, while known
        if info.name != UNREAD:
            self.seen[pid] = (info.name, info.exe)
        verdict = self.identifier.identify_process(info, inspect_file=False)
        if verdict.matched:
            self.matched.add(pid)
            self.on_match(info, verdict)
            return
        if self.on_other is not None:
            self.on_other(info, verdict)
        if self.content is not None:
            self.content.submit(info)

    def content_matched(self, info: ProcessInfo, verdict: Identification) -> None:
        """The content look identified a process its name did not (on the content thread).
        A pid already forgotten (it ended) is not marked: the number may come back as a new
        process, which must get its young re-checks."""
        if info.pid in self.known:
            self.matched.add(info.pid)
        self.on_match(info, verdict)

    def _recheck(self, pid: int, state: _Young) -> None:
        now = _name_and_exe(pid)
        # None: gone, or (Windows under Wine) a just-started process whose name fails with
        # "invalid handle" for a few ms; the next tick asks again, within the recheck window.
        if now is not None and now != state.seen_as:
            self._look(pid, young=True)


def _name_and_exe(pid: int) -> tuple[str, str | None] | None:
    """A process's name and program file (None when unreadable), or None if it cannot be
    read at all."""
    try:
        proc = psutil.Process(pid)
        with proc.oneshot():
            name = process_name(proc)
            try:
                exe: str | None = process_exe(proc)
            except (psutil.AccessDenied, psutil.ZombieProcess, OSError):
                exe = None
    except (psutil.NoSuchProcess, psutil.AccessDenied, OSError):
        return None
    return name, exe or None
