"""The exec gate (Linux): a known tool is refused by the kernel before its first instruction.

The proc connector reports an exec after it happened, so even the fastest freeze lets a tool
run for a fraction of a millisecond. With the guard running as root, fanotify's
``FAN_OPEN_EXEC_PERM`` (guard/platform/fanotify.py) makes the kernel hold every exec of a
file on a marked mount until this gate answers allow or deny. The whole design follows from
one fact: **every exec on those mounts waits for this thread**. So:

* **Nothing is read while an exec waits.** The answer comes from the event's own descriptor
  (``fstat``, and ``readlink`` of ``/proc/self/fd/N`` for its path) and from memory: the
  first look's rules (names and install folder, ``Identifier.identify_process`` without
  reading the file), content identity only if already known (the content look's cache,
  ``ExecutableFacts.peek``), and what the install watcher identified when the file landed.
  A program the names already identify is refused at once (the same rules as the freeze:
  never a name alone in a system folder). A program whose content is not known yet and
  whose name says nothing is **allowed**, its path handed to the content look (counted as a
  fallback), and the proc connector's freeze catches it if it is a tool; its content is
  then known, so the next exec of that file is denied.
* **Verdicts are cached** by device, inode, modification and change time (a bounded LRU):
  an ordinary program costs one ``fstat``, one ``readlink`` and one dict lookup per exec.
  Only verdicts made with the content known are kept (a name-only verdict may still learn
  more); the cache is emptied when the signature database changes and on every decision
  (allow, trust, block). A person's decisions are asked afresh at every tool exec anyway
  (``Engine.exec_spared``: lock-free, the same exemptions as a freeze), so an allowed or
  trusted tool starts and a system program that is what it claims is never refused.
* **A file known to be a tool** (by its content, or identified by the install watcher when
  it landed) is also kept by device, inode and modification time without the change time:
  ``chmod +x`` after a download, a rename or a hard link changes only that, and such a file
  is refused at its first exec under any name.
* **Always answer, always close.** Every permission event is answered (allow unless a
  decision to deny was reached) and every event descriptor closed, whatever fails. On
  overload (a backlog of ``BACKLOG_EVENTS`` read at once: only cached verdicts are used; the
  kernel's own queue overflowing: it allows what it cannot queue) or any internal error the
  answer is allow, counted, and one line says so (at most one per kind every
  ``TROUBLE_EVERY`` seconds). If the thread dies, the fanotify descriptor is closed and the
  kernel allows everything still waiting: the gate can fail open, never hang the computer.
* **Reporting happens elsewhere.** A denial is told to the engine (``exec_denied``: the
  incident and the warning, as for a freeze) on a second thread, ``exec-gate-report``, so
  the gate never waits for the engine's lock while execs queue behind it.

What it cannot do (docs/architecture.md, "Pre-exec blocking"): see execs on mounts it has not
marked (mounted later, other mount namespaces, FUSE file systems that do not support it),
and answer while its process is stopped (``SIGSTOP``): execs on the marked mounts then wait
until it resumes or dies.
"""

from __future__ import annotations

import contextlib
import os
import queue
import stat
import sys
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from guard.errors import ScamGuardError
from guard.identify.evidence import Identification, decide
from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex
from guard.identify.process import ProcessInfo
from guard.platform.fanotify import (
    FAN_EVENT_ON_CHILD,
    FAN_OPEN_EXEC_PERM,
    FAN_Q_OVERFLOW,
    FanEvent,
    Fanotify,
    FanotifyError,
    FanotifyUnavailable,
    read_exec_mounts,
)
from guard.state.events import EventKind, GuardEvent
from guard.watch.content_look import ContentLook

CACHE_ENTRIES = 4096  # program files remembered (a desktop runs a few hundred)
TOOL_ENTRIES = 1024  # files known to be tools, by device, inode and modification time
BACKLOG_EVENTS = 256  # this many read at once: behind, so misses are allowed unexamined
STOP_CHECK_SECONDS = 0.25  # how long a stop request may wait for the gate thread
TROUBLE_EVERY = 10.0  # at most one line per kind of trouble this often
DENIAL_TOLD_EVERY = 1.0  # the same program refused again within this: counted, not told
REPORT_QUEUE = 256  # denials and lines waiting for the reporting thread
MAX_FOLDERS = 64  # folder-mark mode: the folder and its subfolders, at most this many
# Every exec on the marked mounts waits for the gate thread, so it runs before ordinary
# programs: real-time (SCHED_FIFO) at the lowest real-time priority, above every ordinary
# program and below audio servers and the kernel's own threads; where that is refused (not
# root, a unit with RestrictRealtime=), at nice -10. Measured on 2 cores with 4 busy loops:
# the gate added 7.3 ms at p50 to an exec at nice -10 and 0.19 ms real-time. It is safe:
# the thread only waits in poll() and answers from memory, and the kernel keeps 5 % of each
# second for ordinary programs whatever a real-time thread does (sched_rt_runtime_us).
# While the gate runs, the interpreter hands the GIL between threads every 0.5 ms instead
# of 5 ms, so a busy thread of the guard (the content look parsing a program file) delays
# an answer by at most that much.
GATE_RT_PRIORITY = 1
GATE_NICE = -10
GIL_SWITCH_SECONDS = 0.0005
# Decisions after which no cached verdict may stand (the person chose; the next exec asks).
DECISIONS = frozenset({EventKind.ALLOWED, EventKind.TRUSTED, EventKind.BLOCKED})

Spared = Callable[[str, Identification], "str | None"]
Denied = Callable[[str, Identification, "int | None"], None]
Key = tuple[int, int, int, int]


class GateUnavailable(ScamGuardError):
    """One-line reason the exec gate cannot run here (not root, no fanotify, no mount)."""


@dataclass
class GateCounts:
    """What the gate did since it started (the benchmark and the tests read these)."""

    allowed: int = 0  # ordinary programs (or tools spared) let through
    denied: int = 0
    spared: int = 0  # identified as a tool but let through (allowed, trusted, exempt)
    fallbacks: int = 0  # content not known yet: allowed, handed to the content look
    cache_hits: int = 0
    errors: int = 0  # an internal error or a failed answer: allowed
    overflows: int = 0  # the kernel's queue overflowed (it allowed what it dropped)
    overloaded: int = 0  # allowed unexamined while behind
    reports_dropped: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class _Known:
    path: str  # the name it was decided under (a hard link under another name is re-decided)
    verdict: Identification


class ExecGate:
    """Answers the kernel's "may this program file run?" for the marked mounts or folders.

    ``spared(path, verdict)`` says why an identified tool must still run (None: deny it);
    ``denied(path, verdict, pid)`` is told of each refusal (on the reporting thread);
    ``content`` receives the paths whose content was not known yet. ``folders`` chooses the
    folder-mark mode (each folder and the files directly in it; tests and a guard confined
    to a folder), else ``mounts`` (default: every mount that can hold programs).
    """

    def __init__(
        self,
        identifier: Identifier,
        spared: Spared,
        denied: Denied,
        report: Callable[[str], None],
        *,
        content: ContentLook | None = None,
        folders: Sequence[Path] | None = None,
        mounts: Sequence[str] | None = None,
        entries: int = CACHE_ENTRIES,
        opener: Callable[[], Fanotify] | None = None,
    ):
        self.identifier = identifier
        self.spared = spared
        self.denied = denied
        self.report = report
        self.content = content
        self.folders = list(folders) if folders is not None else None
        self.mounts = list(mounts) if mounts is not None else None
        self.entries = entries
        self.opener = opener
        self.counts = GateCounts()
        self.marked: list[str] = []  # what is watched (folders, or mount points)
        self.problems: list[str] = []  # what could not be marked, one line each
        self.scheduling = "not started"  # how the gate thread runs (answer_first)
        self._fan: Fanotify | None = None
        self._lock = threading.Lock()  # the two caches (the install watcher and decisions)
        self._known: OrderedDict[Key, _Known] = OrderedDict()
        # Files known to be tools, without the change time (see ``_tools_key``).
        self._tools: OrderedDict[tuple[int, int, int], Identification] = OrderedDict()
        self._index: SignatureIndex = identifier.index  # what the caches were made with
        self._told: dict[str, float] = {}  # path -> when its last denial was told
        self._trouble_at: dict[str, float] = {}
        self._trouble_count: dict[str, int] = {}
        self._own_pid = os.getpid()
        self._switch: float | None = None  # the GIL switch interval before start
        self._stop = threading.Event()
        self._outbox: queue.Queue[Callable[[], None] | None] = queue.Queue(REPORT_QUEUE)
        self._thread = threading.Thread(target=self._run, name="exec-gate", daemon=True)
        self._reporter = threading.Thread(
            target=self._report_loop, name="exec-gate-report", daemon=True
        )

    # --- lifecycle ---

    def start(self) -> None:
        """Open the fanotify group, mark, start answering. Raises GateUnavailable with a
        one-line reason when nothing could be marked (the guard carries on without it)."""
        try:
            fan = (self.opener or Fanotify.open)()
        except FanotifyUnavailable as exc:
            raise GateUnavailable(str(exc)) from None
        try:
            self._mark_all(fan)
        except BaseException:
            fan.close()
            raise
        self._fan = fan
        self._switch = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch, GIL_SWITCH_SECONDS))
        self._reporter.start()
        self._thread.start()
        self.scheduling = answer_first(self._thread.native_id)

    def _mark_all(self, fan: Fanotify) -> None:
        if self.folders is not None:
            targets = [(str(p), False) for p in _with_subfolders(self.folders, MAX_FOLDERS)]
        else:
            points = self.mounts if self.mounts is not None else read_exec_mounts()
            targets = [(p, True) for p in points]
        for target, mount in targets:
            mask = FAN_OPEN_EXEC_PERM if mount else FAN_OPEN_EXEC_PERM | FAN_EVENT_ON_CHILD
            try:
                fan.mark(target, mask, mount=mount)
            except FanotifyUnavailable as exc:
                self.problems.append(str(exc))
            else:
                self.marked.append(target)
        if not self.marked:
            raise GateUnavailable(
                self.problems[0] if self.problems else "there was nothing to watch"
            )

    def stop(self, timeout: float = 5.0) -> None:
        """Stop answering. The fanotify descriptor is closed, so the kernel allows every
        exec still waiting; nothing is left hanging."""
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join(timeout)
        if self._reporter.ident is not None:
            with contextlib.suppress(queue.Full):
                self._outbox.put_nowait(None)
            self._reporter.join(timeout)
        if self._switch is not None:
            sys.setswitchinterval(self._switch)
            self._switch = None

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def describe(self) -> str:
        """One line for the ``started`` event: what is watched."""
        what = "folder" if self.folders is not None else "mount"
        return f"exec gate on {len(self.marked)} {what}(s), {self.scheduling}" + (
            f" ({len(self.problems)} could not be watched)" if self.problems else ""
        )

    # --- what other parts hand in ---

    def landed(self, path: str, st: os.stat_result, verdict: Identification) -> None:
        """The install watcher identified ``path`` (``st``: its stat then) as a tool: refuse
        it at its first exec, even under another name or after ``chmod +x``."""
        if verdict.tool is not None:
            self._remember_tool(st, verdict)

    def _remember_tool(self, st: os.stat_result, verdict: Identification) -> None:
        """Keep ``verdict`` (a tool, known by content or on arrival) by device, inode and
        modification time, but not the change time, which a rename, a hard link or ``chmod
        +x`` moves without changing a byte. Safe only this way round: such a key can at
        worst refuse a file rewritten in place with its time set back, never let one run."""
        key = (st.st_dev, st.st_ino, st.st_mtime_ns)
        with self._lock:
            self._tools[key] = verdict
            self._tools.move_to_end(key)
            while len(self._tools) > TOOL_ENTRIES:
                self._tools.popitem(last=False)

    def forget(self) -> None:
        """Drop every cached verdict (a decision was made, or the database changed)."""
        with self._lock:
            self._known.clear()

    def on_event(self, event: GuardEvent, _incident: Any = None) -> None:
        """An engine listener: a person's decision empties the cache."""
        if event.kind in DECISIONS:
            self.forget()

    # --- the gate thread ---

    def _run(self) -> None:
        fan = self._fan
        assert fan is not None
        untouched: deque[FanEvent] = deque()  # read but not yet handed to _answer
        try:
            while not self._stop.is_set():
                if not fan.wait(STOP_CHECK_SECONDS):
                    continue
                try:
                    events = fan.read()
                except FanotifyError as exc:
                    events = exc.events
                    self._trouble("error", f"{exc}; answered allow")
                overloaded = len(events) >= BACKLOG_EVENTS
                untouched = deque(events)
                while untouched:
                    self._answer(fan, untouched.popleft(), overloaded)
        except Exception as exc:  # the gate fails open, and says so
            self.counts.errors += 1
            self._trouble(
                "stopped",
                f"the exec gate stopped ({exc!r}); programs start unchecked, the freeze "
                "still protects",
            )
        finally:
            fan.close()  # the kernel allows whatever still waits
            for event in untouched:  # answered by the close; their files are still ours
                if event.fd >= 0:
                    with contextlib.suppress(OSError):
                        os.close(event.fd)

    def _answer(self, fan: Fanotify, event: FanEvent, overloaded: bool) -> None:
        """Decide, answer, close: the answer and the close happen whatever fails."""
        if event.mask & FAN_Q_OVERFLOW:
            self.counts.overflows += 1
            self._trouble("overflow", "too many programs started at once; some ran unchecked")
        if event.fd < 0:
            return
        allow = True
        try:
            if event.needs_answer:
                allow = self._decide(event, overloaded)
        except Exception as exc:
            self.counts.errors += 1
            self._trouble("error", f"a program start could not be checked ({exc!r}); allowed")
        finally:
            try:
                if event.needs_answer:
                    fan.respond(event.fd, allow)
            except OSError as exc:
                self.counts.errors += 1
                self._trouble(
                    "answer",
                    f"answering the kernel failed ({exc.strerror or exc}); the process that "
                    "was starting was probably gone already",
                )
            finally:
                with contextlib.suppress(OSError):
                    os.close(event.fd)

    def _decide(self, event: FanEvent, overloaded: bool) -> bool:
        """True to allow. Reads nothing from disk: fstat, readlink of the event's own
        descriptor, memory."""
        st = os.fstat(event.fd)
        if not stat.S_ISREG(st.st_mode) or event.pid == self._own_pid:
            self.counts.allowed += 1
            return True
        index = self.identifier.index
        if index is not self._index:  # a signature update: old verdicts say nothing
            with self._lock:
                self._tools.clear()
            self.forget()
            self._index = index
        key = (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_ctime_ns)
        with self._lock:
            known = self._known.get(key)
        # A file with one name is known by its key alone (a rename or a new link moves its
        # change time); only one with several names needs the name it was started by.
        path = known.path if known is not None and st.st_nlink == 1 else self._path(event.fd, st)
        if known is not None and known.path == path:
            with self._lock:
                self._known.move_to_end(key)
            self.counts.cache_hits += 1
            verdict, content_known = known.verdict, True
        elif overloaded:
            self.counts.overloaded += 1
            self._trouble("overload", "too many programs started at once; some ran unchecked")
            return True
        else:
            verdict, content_known = self._identify(path, st)
            if content_known:
                self._remember(key, _Known(path, verdict))
        if verdict.tool is not None:
            why = self.spared(path, verdict)
            if why is None:
                self.counts.denied += 1
                self._tell_denied(path, verdict, event.pid)
                return False
            self.counts.spared += 1
        else:
            self.counts.allowed += 1
        if not content_known:
            self.counts.fallbacks += 1
            if self.content is not None:
                self.content.submit_file(path)
        return True

    @staticmethod
    def _path(fd: int, st: os.stat_result) -> str:
        """The path the file was opened by (the kernel's name for the event's descriptor)."""
        path = os.readlink(f"/proc/self/fd/{fd}")
        if st.st_nlink == 0 and path.endswith(" (deleted)"):
            path = path[: -len(" (deleted)")]
        return path

    def _identify(self, path: str, st: os.stat_result) -> tuple[Identification, bool]:
        """The first look's verdict on ``path``, with content identity if already known
        (and what the install watcher saw land); and whether the content was known."""
        name = os.path.basename(path)
        first = self.identifier.identify_process(ProcessInfo(0, name, path), inspect_file=False)
        with self._lock:
            tool = self._tools.get((st.st_dev, st.st_ino, st.st_mtime_ns))
        if tool is not None:
            return tool, True
        facts = self.identifier.executables.peek(path, st, self.identifier.hash_files)
        if facts is None:
            return first, False
        evidence = [*first.evidence, *self.identifier.content_evidence(facts)]
        verdict = decide(
            path, evidence, self.identifier.index.tools, path=path, facts=facts.as_facts()
        )
        if verdict.tool is not None:
            self._remember_tool(st, verdict)
        return verdict, True

    def _remember(self, key: Key, known: _Known) -> None:
        with self._lock:
            self._known[key] = known
            self._known.move_to_end(key)
            while len(self._known) > self.entries:
                self._known.popitem(last=False)

    # --- telling, off the gate thread ---

    def _tell_denied(self, path: str, verdict: Identification, pid: int) -> None:
        now = time.monotonic()
        if now - self._told.get(path, -DENIAL_TOLD_EVERY) < DENIAL_TOLD_EVERY:
            return  # the same program again at once (a script in a loop): counted only
        if len(self._told) > 1024:
            self._told.clear()
        self._told[path] = now
        self._post(lambda: self.denied(path, verdict, pid))

    def _trouble(self, kind: str, line: str) -> None:
        """One line per kind of trouble per TROUBLE_EVERY seconds, with how often it came."""
        self._trouble_count[kind] = self._trouble_count.get(kind, 0) + 1
        now = time.monotonic()
        if now - self._trouble_at.get(kind, -TROUBLE_EVERY) < TROUBLE_EVERY:
            return
        self._trouble_at[kind] = now
        count, self._trouble_count[kind] = self._trouble_count[kind], 0
        said = f"{line} ({count} times)" if count > 1 else line
        self._post(lambda: self.report(said))

    def _post(self, job: Callable[[], None]) -> None:
        try:
            self._outbox.put_nowait(job)
        except queue.Full:
            self.counts.reports_dropped += 1

    def _report_loop(self) -> None:
        while True:
            job = self._outbox.get()
            if job is None:
                return
            try:
                job()
            except Exception as exc:  # the engine refused a report: say so, carry on
                with contextlib.suppress(Exception):
                    self.report(f"the exec gate could not report a refusal ({exc!r})")


def answer_first(tid: int | None) -> str:
    """Give the gate thread ``tid`` the CPU before ordinary programs (see GATE_RT_PRIORITY);
    what it got, in words for the ``started`` event."""
    if tid is None:
        return "ordinary priority"
    try:
        os.sched_setscheduler(tid, os.SCHED_FIFO, os.sched_param(GATE_RT_PRIORITY))
        return "real-time priority"
    except (OSError, AttributeError):  # refused (not root, RestrictRealtime=), not Linux
        pass
    try:
        os.setpriority(os.PRIO_PROCESS, tid, GATE_NICE)
        return f"nice {GATE_NICE}"
    except (OSError, AttributeError):
        return "ordinary priority"


def _with_subfolders(folders: Sequence[Path], limit: int) -> list[Path]:
    """Each folder and the folders under it (a folder mark covers only the files directly
    in the folder), at most ``limit`` in all."""
    found: list[Path] = []
    for top in folders:
        for root, dirs, _files in os.walk(top):
            dirs.sort()
            found.append(Path(root))
            if len(found) >= limit:
                return found
    return found
