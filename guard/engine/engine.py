"""The engine: matches in, incidents and actions out. Freeze first, then tell.

Event sources (the process watcher, the install watcher) call ``process_seen`` and
``file_seen`` from their own threads. The engine acts at once, under its lock, before it
tells anybody: the freeze is a syscall away from the detection, and the journal and the
listeners hear about it afterwards, outside the lock, in order. A person's decision arrives
through ``block`` and ``allow``; nothing in here ever waits for one.

Rules that no signature can change: the guard never freezes itself, the programs that
started it, or a protected system process; an allowance from the warning always expires;
permanent trust comes only from settings.
"""

from __future__ import annotations

import collections
import os
import sys
import threading
import time
from collections.abc import Callable, Collection
from enum import StrEnum
from typing import Any

import psutil

from guard.engine.events import GuardEvent, Listener, iso
from guard.engine.incidents import (
    PENDING,
    AllowScope,
    FileMember,
    Incident,
    IncidentView,
    Member,
    State,
)
from guard.engine.journal import Journal
from guard.engine.process_tree import (
    ProcessControl,
    TreeResult,
    ancestors_of_self,
    freeze_tree,
    is_alive,
    kill_tree,
    resume_all,
)
from guard.engine.quarantine import Quarantine, QuarantineError
from guard.identify.evidence import Identification
from guard.identify.process import ProcessInfo
from guard.sigdb.model import ToolSignature
from guard.sigdb.names import SHELL_NAMES, is_protected, name_key

# An incident closed (blocked or ended) less than this long ago is joined by a relaunch of
# the same tool: the scammer's "try it again" gets the same answer, not a new alert.
JOIN_WINDOW = 600.0
_TIMELINE_CAP = 500


class OnDetect(StrEnum):
    FREEZE = "freeze"
    KILL = "kill"
    LOG = "log"


class DecisionError(Exception):
    """A decision that cannot be carried out (unknown incident, already removed)."""


class Engine:
    def __init__(
        self,
        quarantine: Quarantine,
        *,
        on_detect: OnDetect = OnDetect.FREEZE,
        journal: Journal | None = None,
        trusted: Callable[[], Collection[str]] = frozenset,
        control: ProcessControl | None = None,
        join_window: float = JOIN_WINDOW,
        clock: Callable[[], float] = time.time,
        report: Callable[[str], None] | None = None,
        only_under: str | None = None,
    ):
        self.quarantine = quarantine
        # Act only on tools whose executable lies under this folder (trying ScamGuard out,
        # tests and benchmarks on a shared machine): nobody else's AnyDesk is touched.
        self.only_under = os.path.join(os.path.realpath(only_under), "") if only_under else None
        self.on_detect = OnDetect(on_detect)
        self.journal = journal
        self.trusted = trusted
        self.control = control or ProcessControl()
        self.join_window = join_window
        self.clock = clock
        self.report = report or (lambda line: print(f"scamguard: {line}", file=sys.stderr))
        self._lock = threading.RLock()
        self._dispatching = threading.RLock()
        self._incidents: dict[str, Incident] = {}
        self._by_tool: dict[str, str] = {}
        self._member_of: dict[int, str] = {}
        self._outbox: collections.deque[tuple[GuardEvent, IncidentView | None]] = (
            collections.deque()
        )
        self._listeners: list[Listener] = []
        self._never = ancestors_of_self() | {0, 1, 2}

    # --- listeners ---

    def add_listener(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.remove(listener)

    # --- inputs from the event sources (any thread) ---

    def process_seen(self, info: ProcessInfo, verdict: Identification) -> None:
        """Every process a source looked at. Matches open or join an incident; an unmatched
        process joins one only when its parent is a member (a tool's helper or shell)."""
        if verdict.tool is None:
            if info.ppid is None or info.ppid not in self._member_of:
                return  # the common case: nothing to do, no lock taken
            with self._lock:
                self._adopt_child(info)
        else:
            if self.only_under and not (info.exe or "").startswith(self.only_under):
                return
            with self._lock:
                self._tool_process(info, verdict.tool, verdict)
        self._dispatch()

    def file_seen(
        self, path: str, verdict: Identification, how: str, quarantinable: bool = True
    ) -> None:
        """An installer (or an installed folder) of a tool appeared in a watched folder."""
        tool = verdict.tool
        if tool is None:
            return
        with self._lock:
            self._tool_file(path, tool, verdict, how, quarantinable)
        self._dispatch()

    def problem(self, message: str, **data: Any) -> None:
        """A source or the runner hit trouble it survived; it goes in the journal."""
        self.note("error", message, **data)

    def note(self, kind: str, message: str, **data: Any) -> None:
        """An event not tied to an incident (started, stopped, error)."""
        with self._lock:
            self._outbox.append((GuardEvent(kind, message, data=data, time=self.clock()), None))
        self._dispatch()

    # --- decisions (the tray, the CLI) ---

    def block(self, incident_id: str) -> IncidentView:
        """Remove the tool: kill its whole tree, move its installers to quarantine."""
        with self._lock:
            inc = self._get(incident_id)
            if inc.state is not State.BLOCKED:
                self._block(inc)
            view = inc.view()
        self._dispatch()
        return view

    def allow(self, incident_id: str, scope: AllowScope) -> IncidentView:
        """Resume the tool under a scope that expires ("until it closes", "for 1 hour")."""
        if scope.kind == "trusted":
            raise DecisionError("permanent trust is a setting (scamguard trust), not a decision")
        with self._lock:
            inc = self._get(incident_id)
            if inc.state is State.BLOCKED:
                raise DecisionError(f"{inc.tool.name} has already been removed")
            frozen = [m for m in inc.live_members() if m.state == "frozen"]
            result = resume_all([m.proc for m in frozen], self.control)
            self._mark(inc, result, done="running")
            now = self.clock()
            inc.state, inc.allow, inc.allowed_at, inc.closed = State.ALLOWED, scope, now, None
            inc.allow_expires = now + scope.seconds if scope.seconds else None
            data: dict[str, Any] = {"scope": scope.kind, "resumed": result.pids}
            if inc.allow_expires:
                data["expires"] = iso(inc.allow_expires)
            self._emit(inc, "allowed", f"{inc.tool.name} was allowed {scope.label}", data=data)
            view = inc.view()
        self._dispatch()
        return view

    def incidents(self, pending_only: bool = False) -> list[IncidentView]:
        with self._lock:
            views = [i.view() for i in self._incidents.values()]
        return [v for v in views if v.pending or not pending_only]

    def incident(self, incident_id: str) -> IncidentView:
        with self._lock:
            return self._get(incident_id).view()

    # --- time passing (the runner calls this a few times a second) ---

    def housekeeping(self) -> None:
        """Notice members that exited, allowances that ran out, incidents old enough to
        forget (they stay in the journal)."""
        with self._lock:
            now = self.clock()
            for inc in list(self._incidents.values()):
                self._check_members(inc)
                self._check_state(inc, now)
                if inc.closed is not None and now - inc.closed > self.join_window:
                    self._forget(inc)
        self._dispatch()

    # --- the rules ---

    def _tool_process(
        self, info: ProcessInfo, tool: ToolSignature, verdict: Identification
    ) -> None:
        known = self._member_of.get(info.pid)
        if known is not None and info.pid in self._incidents[known].members:
            return  # the same process seen again (a re-check after exec)
        inc, new = self._incident_for(tool)
        inc.add_evidence(verdict.evidence, verdict.facts)
        data: dict[str, Any] = {"evidence": [e.to_json() for e in verdict.evidence]}
        if info.problems:
            data["problems"] = list(info.problems)
        try:
            proc = psutil.Process(info.pid)
            if info.create_time is not None and abs(proc.create_time() - info.create_time) > 0.01:
                raise psutil.NoSuchProcess(info.pid)
        except psutil.Error:
            proc = None
        why_not = self._exempt(proc, root=True) if proc is not None else None
        trusted = tool.id in self.trusted()
        early = None
        if (
            proc is not None
            and not why_not
            and not trusted
            and self.on_detect is OnDetect.FREEZE
            and inc.state not in (State.ALLOWED, State.BLOCKED)
        ):
            early = freeze_tree(proc, self._exempt, self.control)  # act first, record after
        if proc is None or (early is not None and info.pid in early.gone) or not is_alive(proc):
            self._emit(
                inc,
                "detected",
                f"{tool.name} started and closed at once (pid {info.pid})",
                pid=info.pid,
                path=info.exe,
                data=data,
            )
            self._settle(inc)
            return
        member = Member(proc, info.name, info.exe, role="tool")
        inc.members[info.pid] = member
        self._member_of[info.pid] = inc.id
        for p in info.problems:
            inc.note_problem(f"pid {info.pid}: {p}")
        said = (
            f"{tool.name} was started"
            if new
            else f"{tool.name} was started again"
            if inc.closed
            else f"Another {tool.name} process started"
        )
        self._emit(
            inc, "detected", f"{said} (pid {info.pid})", pid=info.pid, path=info.exe, data=data
        )
        if why_not:
            member.state, member.note = "exempt", why_not
            self._emit(
                inc,
                "error",
                f"{tool.name} (pid {info.pid}) was not frozen: {why_not}",
                pid=info.pid,
                path=info.exe,
            )
        elif trusted:
            self._trust(inc)
        elif inc.state is State.ALLOWED:
            pass  # joins under the person's allowance
        elif inc.state is State.BLOCKED or self.on_detect is OnDetect.KILL:
            self._block(inc)  # freezes the whole tree first, then kills it
        elif early is not None:
            self._freeze(inc, member, result=early)
        else:
            self._reopen(inc, State.DETECTED)

    def _tool_file(
        self, path: str, tool: ToolSignature, verdict: Identification, how: str, quarantinable: bool
    ) -> None:
        inc, _ = self._incident_for(tool)
        known = inc.files.get(path)
        if known is not None and known.state == "present":
            return  # created, then closed: one file, one event
        inc.files[path] = FileMember(path, how, quarantinable)
        inc.add_evidence(verdict.evidence, verdict.facts)
        what = "installer" if quarantinable else "installation"
        self._emit(
            inc,
            "installer",
            f"{tool.name} {what} appeared: {path}",
            path=path,
            data={"how": how, "evidence": [e.to_json() for e in verdict.evidence]},
        )
        if tool.id in self.trusted():
            self._trust(inc)
        elif inc.state is State.BLOCKED or self.on_detect is OnDetect.KILL:
            self._block(inc)
        elif inc.state is State.ENDED:
            self._reopen(inc, State.DETECTED)

    def _adopt_child(self, info: ProcessInfo) -> None:
        parent_incident = self._member_of.get(info.ppid or -1)
        if parent_incident is None or info.pid in self._member_of:
            return
        inc = self._incidents[parent_incident]
        try:
            proc = psutil.Process(info.pid)
        except psutil.Error:
            return
        member = Member(proc, info.name, info.exe, role="child")
        inc.members[info.pid] = member
        self._member_of[info.pid] = inc.id
        if inc.state is State.FROZEN:
            self._freeze(inc, member, child=True)
        elif inc.state is State.BLOCKED:
            self._block(inc)

    def _incident_for(self, tool: ToolSignature) -> tuple[Incident, bool]:
        now = self.clock()
        iid = self._by_tool.get(tool.id)
        if iid is not None:
            inc = self._incidents[iid]
            if inc.closed is None or now - inc.closed <= self.join_window:
                return inc, False
            self._forget(inc)
        inc = Incident(tool, now)
        self._incidents[inc.id] = inc
        self._by_tool[tool.id] = inc.id
        return inc, True

    def _freeze(
        self,
        inc: Incident,
        member: Member,
        child: bool = False,
        why: str = "",
        result: TreeResult | None = None,
    ) -> None:
        """Suspend ``member``'s tree (or record a freeze already done) and tell."""
        if result is None:
            result = freeze_tree(member.proc, self._exempt, self.control)
        self._mark(inc, result, done="frozen")
        if result.done:
            self._reopen(inc, State.FROZEN)
            started = why or ("A program started by " if child else "")
            self._emit(
                inc,
                "frozen",
                f"{started}{inc.tool.name} is frozen (pids {', '.join(map(str, result.pids))})",
                pid=member.pid,
                path=member.exe,
                data={"pids": result.pids, "skipped": [p for p, _ in result.skipped]},
            )
        if member.pid in dict(result.denied):
            why = dict(result.denied)[member.pid]
            self._emit(
                inc,
                "error",
                f"{inc.tool.name} (pid {member.pid}) could not be frozen: {why}",
                pid=member.pid,
                path=member.exe,
                data={"problem": why},
            )
            if inc.state not in (State.FROZEN, State.BLOCKED):
                self._reopen(inc, State.DETECTED)
        elif member.pid in result.gone and not result.done:
            self._settle(inc)

    def _block(self, inc: Incident) -> None:
        live = [m for m in inc.live_members() if m.state != "exempt"]
        result = kill_tree([m.proc for m in live], self._exempt, self.control)
        self._mark(inc, result, done="killed")
        for pid in result.gone:
            if pid in inc.members:
                inc.members[pid].state = "exited"
        moved = []
        for f in inc.pending_files():
            try:
                record = self.quarantine.put(f.path, inc.tool.id, inc.tool.name, inc.id)
            except QuarantineError as exc:
                f.state, f.note = "failed", str(exc)
                inc.note_problem(str(exc))
            else:
                f.state, f.quarantine_id = "quarantined", record.id
                moved.append(record.to_json())
        first_time = inc.state is not State.BLOCKED
        inc.state, inc.allow, inc.allow_expires = State.BLOCKED, None, None
        inc.closed = self.clock()
        if not (first_time or result.done or moved or result.denied):
            return
        parts = []
        if result.done:
            parts.append(f"{len(result.done)} program(s) stopped")
        if moved:
            parts.append(f"{len(moved)} file(s) moved to quarantine")
        if result.denied:
            parts.append(f"{len(result.denied)} could not be stopped")
        again = "" if first_time else " again"
        self._emit(
            inc,
            "blocked",
            f"{inc.tool.name} was removed{again}" + (f": {', '.join(parts)}" if parts else ""),
            data={"killed": result.pids, "quarantined": moved, "problems": result.problems()},
        )

    def _trust(self, inc: Incident) -> None:
        if inc.state is State.ALLOWED and inc.allow and inc.allow.kind == "trusted":
            return
        inc.state, inc.allow, inc.allowed_at, inc.closed = (
            State.ALLOWED,
            AllowScope("trusted"),
            self.clock(),
            None,
        )
        inc.allow_expires = None
        self._emit(
            inc,
            "allowed",
            f"{inc.tool.name} is trusted in settings; left running",
            data={"scope": "trusted"},
        )

    def _reopen(self, inc: Incident, state: State) -> None:
        """Enter a pending state: a fresh detection re-opens an ended incident. A blocked
        incident stays blocked, an allowed one allowed, and frozen is never downgraded."""
        if inc.state in (State.BLOCKED, State.ALLOWED):
            return
        if inc.state is State.FROZEN and state is State.DETECTED:
            return
        inc.state, inc.closed = state, None

    def _settle(self, inc: Incident) -> None:
        """A new incident whose process was already gone: it ends unless a file waits."""
        if not inc.live_members() and not inc.pending_files() and inc.state in PENDING:
            inc.state, inc.closed = State.ENDED, self.clock()
            self._emit(inc, "ended", f"{inc.tool.name} closed")

    def _check_members(self, inc: Incident) -> None:
        for member in inc.live_members():
            if not is_alive(member.proc):
                member.state = "exited"
                self._member_of.pop(member.pid, None)

    def _check_state(self, inc: Incident, now: float) -> None:
        live = inc.live_members()
        had_processes = bool(inc.members)
        if inc.state in PENDING and had_processes and not live and not inc.pending_files():
            how = " while it was frozen" if inc.state is State.FROZEN else ""
            inc.state, inc.closed = State.ENDED, now
            self._emit(inc, "ended", f"{inc.tool.name} closed{how}")
        elif inc.state is State.ALLOWED and inc.allow is not None:
            self._check_allowance(inc, inc.allow, live, had_processes, now)

    def _check_allowance(
        self, inc: Incident, scope: AllowScope, live: list[Member], had: bool, now: float
    ) -> None:
        if scope.kind == "for" and inc.allow_expires is not None and now >= inc.allow_expires:
            if live:
                inc.allow = inc.allow_expires = None
                inc.state = State.DETECTED
                for member in live:
                    if member.state != "exempt":
                        self._freeze(inc, member, why="The time allowed ran out: ")
                return
            self._end(inc, now, f"the allowance for {inc.tool.name} ran out")
        elif had and not live:
            self._end(
                inc,
                now,
                f"{inc.tool.name} closed; the allowance has ended"
                if scope.kind != "trusted"
                else f"{inc.tool.name} closed",
            )
        elif not had and inc.allowed_at is not None and now - inc.allowed_at > self.join_window:
            self._end(inc, now, f"the allowance for {inc.tool.name} was not used and has ended")

    def _end(self, inc: Incident, now: float, message: str) -> None:
        inc.state, inc.closed, inc.allow, inc.allow_expires = State.ENDED, now, None, None
        self._emit(inc, "ended", message)

    def _forget(self, inc: Incident) -> None:
        self._incidents.pop(inc.id, None)
        if self._by_tool.get(inc.tool.id) == inc.id:
            del self._by_tool[inc.tool.id]
        for pid in inc.members:
            if self._member_of.get(pid) == inc.id:
                del self._member_of[pid]

    def _mark(self, inc: Incident, result: TreeResult, done: str) -> None:
        for proc in result.done:
            member = inc.members.get(proc.pid)
            if member is None:
                member = Member(proc, _name(proc), _exe(proc), role="child")
                inc.members[proc.pid] = member
                self._member_of[proc.pid] = inc.id
            member.state = done
        for pid, why in result.denied:
            if pid in inc.members:
                inc.members[pid].state, inc.members[pid].note = "denied", why
            inc.note_problem(f"pid {pid}: {why}")

    def _exempt(self, proc: psutil.Process, root: bool = False) -> str | None:
        """Why ``proc`` must never be frozen, or None. Checked for every process in a tree."""
        if proc.pid in self._never:
            return "it is ScamGuard itself or a program that started ScamGuard"
        try:
            if sys.platform.startswith("linux") and proc.ppid() == 2:
                return "it is part of the operating system kernel"
            names = [proc.name()]
        except psutil.Error:
            return None
        exe = _exe(proc)
        if exe:
            names.append(exe.replace("\\", "/").rsplit("/", 1)[-1])
        for name in names:
            if is_protected(name) and (root or name_key(name) not in SHELL_NAMES):
                return f"{name} is a protected system program"
        return None

    def _get(self, incident_id: str) -> Incident:
        inc = self._incidents.get(incident_id)
        if inc is None:
            raise DecisionError(f"no open incident has the id {incident_id}")
        return inc

    def _emit(
        self,
        inc: Incident | None,
        kind: str,
        message: str,
        *,
        pid: int | None = None,
        path: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        event = GuardEvent(
            kind,
            message,
            incident=inc.id if inc else None,
            tool=inc.tool.id if inc else None,
            tool_name=inc.tool.name if inc else None,
            pid=pid,
            path=path,
            data=data or {},
            time=self.clock(),
        )
        if inc is not None:
            inc.timeline.append(event)
            del inc.timeline[:-_TIMELINE_CAP]
        self._outbox.append((event, inc.view() if inc else None))

    def _dispatch(self) -> None:
        """Deliver queued events in order, outside the engine lock."""
        with self._dispatching:
            while True:
                with self._lock:
                    if not self._outbox:
                        return
                    event, view = self._outbox.popleft()
                    listeners = list(self._listeners)
                if self.journal is not None:
                    self.journal.record(event)
                for listener in listeners:
                    try:
                        listener(event, view)
                    except Exception as exc:  # a listener must not stop the guard
                        self.report(f"a listener failed on a {event.kind} event: {exc!r}")


def _name(proc: psutil.Process) -> str:
    try:
        return proc.name()
    except psutil.Error:
        return "?"


def _exe(proc: psutil.Process) -> str | None:
    try:
        return proc.exe() or None
    except psutil.Error:
        return None
