"""The engine: matches in, incidents and actions out. Freeze first, then tell.

Event sources (the process watcher, the install watcher) call ``process_seen`` and
``file_seen`` from their own threads. The engine acts at once, under its lock, before it
records anything: the freeze is a syscall away from the detection. Slow work (moving an
installer to quarantine) happens after the lock is released, and the journal and listeners
hear about everything on the engine's own dispatch thread, in order, so a slow listener (a
terminal nobody reads, a busy tray) can never delay the next freeze. A person's decision
arrives through ``block`` and ``allow``; nothing in here ever waits for one.

Rules that no signature can change: the guard never freezes itself, the programs that
started it, or a protected system process; an allowance from the warning always expires
(24 hours at most, even "until it closes"); permanent trust comes only from settings.
"""

from __future__ import annotations

import collections
import dataclasses
import os
import sys
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import psutil

from guard.engine.allowances import SavedAllowance
from guard.engine.events import GuardEvent, Listener, iso
from guard.engine.exemptions import Exemptions, exe_of, program_file
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
from guard.engine.lineage import Lineage
from guard.engine.process_tree import (
    ProcessControl,
    TreeResult,
    freeze_tree,
    is_alive,
    kill_tree,
    resume_all,
)
from guard.engine.quarantine import Quarantine, QuarantineError
from guard.errors import ScamGuardError
from guard.identify.evidence import Identification
from guard.identify.process import ProcessInfo, read_process
from guard.sigdb.model import ToolSignature

# An incident closed (blocked or ended) less than this long ago is joined by a relaunch of
# the same tool: the scammer's "try it again" gets the same answer, not a new alert.
JOIN_WINDOW = 600.0
# No allowance outlives this, "until it closes" included: a service that never closes
# must not turn a click under pressure into permanent access.
MAX_ALLOW_SECONDS = 24 * 3600.0
_TIMELINE_CAP = 500
# A stop takes effect when the process is next scheduled; a member frozen more recently than
# this is not yet expected to show as stopped.
HOLD_SETTLE = 0.1
# A member found running again this many times after being frozen cannot be held (a ptrace
# launcher swallows every stop, a script resumes it in a loop): the tool is closed instead.
HOLD_LIMIT = 3
COULD_NOT_HOLD = "could-not-hold"


class OnDetect(StrEnum):
    FREEZE = "freeze"
    KILL = "kill"
    LOG = "log"


class DecisionError(ScamGuardError):
    """A decision that cannot be carried out (unknown incident, already removed)."""


@dataclass
class _Removal:
    """A block whose processes are dead and whose files still have to be moved (outside the
    lock, because hashing and moving a large installer takes time)."""

    inc: Incident
    killed: TreeResult
    files: list[FileMember]
    first_time: bool
    reason: str = ""  # why the guard removed it on its own ("could-not-hold"), else a person


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
        lineage: Lineage | None = None,
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
        self._incidents: dict[str, Incident] = {}
        self._by_tool: dict[str, str] = {}
        self._member_of: dict[int, str] = {}
        self._removals: list[_Removal] = []
        self._listeners: list[Listener] = []
        self.exemptions = Exemptions()
        self.lineage = lineage if lineage is not None else Lineage()
        self.froze = threading.Event()  # set at each freeze: wakes whoever keeps them frozen
        # Delivery: a queue and one thread, so listeners never run on a detecting thread.
        self._outbox: collections.deque[tuple[GuardEvent, IncidentView | None]] = (
            collections.deque()
        )
        self._delivery = threading.Condition()
        self._delivering = False
        self._closed = False
        self._dispatcher = threading.Thread(target=self._deliver, name="events", daemon=True)
        self._dispatcher.start()

    # --- listeners ---

    def add_listener(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.remove(listener)

    def wait_delivered(self, timeout: float = 5.0) -> bool:
        """Wait until every event so far has reached the listeners."""
        if threading.current_thread() is self._dispatcher:
            return False  # a listener waiting for itself would wait forever
        with self._delivery:
            return self._delivery.wait_for(
                lambda: not self._outbox and not self._delivering, timeout
            )

    def close(self, timeout: float = 5.0) -> None:
        """Deliver what is queued, then stop the dispatch thread."""
        self.wait_delivered(timeout)
        with self._delivery:
            self._closed = True
            self._delivery.notify_all()
        if threading.current_thread() is not self._dispatcher:
            self._dispatcher.join(timeout)

    # --- inputs from the event sources (any thread) ---

    def process_seen(self, info: ProcessInfo, verdict: Identification) -> None:
        """Every process a source looked at. Matches open or join an incident; an unmatched
        process joins one only when its parent is a member (a tool's helper or shell)."""
        if verdict.tool is None:
            via = self._member_ancestor(info)
            if via is None:
                return  # the common case: nothing to do, no lock taken
            with self._lock:
                self._adopt_child(info, via)
        else:
            if self._outside(info):
                return
            with self._lock:
                self._tool_process(info, verdict.tool, verdict)
        self._finish_removals()

    def file_seen(
        self, path: str, verdict: Identification, how: str, quarantinable: bool = True
    ) -> None:
        """An installer (or an installed folder) of a tool appeared in a watched folder."""
        tool = verdict.tool
        if tool is None:
            return
        with self._lock:
            self._tool_file(path, tool, verdict, how, quarantinable)
        self._finish_removals()

    def problem(self, message: str, **data: Any) -> None:
        """A source or the runner hit trouble it survived; it goes in the journal."""
        self.note("error", message, **data)

    def note(self, kind: str, message: str, **data: Any) -> None:
        """An event not tied to an incident (started, stopped, error)."""
        self._post(GuardEvent(kind, message, data=data, time=self.clock()), None)

    # --- decisions (the tray, the CLI) ---

    def block(self, incident_id: str) -> IncidentView:
        """Remove the tool: kill its whole tree, move its installers to quarantine."""
        with self._lock:
            inc = self._get(incident_id)
            if inc.state is not State.BLOCKED or inc.live_members() or inc.pending_files():
                self._block(inc)
        self._finish_removals()
        with self._lock:
            return inc.view()

    def allow(self, incident_id: str, scope: AllowScope) -> IncidentView:
        """Resume the tool under a scope that expires ("until it closes", "for 1 hour")."""
        if scope.kind == "trusted":
            raise DecisionError("permanent trust is a setting (scamguard trust), not a decision")
        with self._lock:
            inc = self._get(incident_id)
            if inc.state is State.BLOCKED:
                raise DecisionError(f"{inc.tool.name} has already been removed")
            result = self._resume(inc)
            now = self.clock()
            inc.state, inc.allow, inc.allowed_at, inc.closed = State.ALLOWED, scope, now, None
            inc.allow_expires = now + min(scope.seconds or MAX_ALLOW_SECONDS, MAX_ALLOW_SECONDS)
            inc.allowed_pids = {m.pid for m in inc.live_members()}
            self._emit(
                inc,
                "allowed",
                f"{inc.tool.name} was allowed {scope.label}",
                data={
                    "scope": scope.kind,
                    "seconds": scope.seconds,
                    "expires": iso(inc.allow_expires),
                    "allowed_at": iso(now),
                    "resumed": result.pids,
                    "members": _identities(inc.live_members()),
                },
            )
            return inc.view()

    def restore_allowance(self, saved: SavedAllowance, tool: ToolSignature) -> IncidentView | None:
        """Give an allowance made before the guard restarted its incident back (allowances.py),
        if it has not run out and the processes it was given to still run. Call before the
        sources start, so their first look finds those processes already allowed."""
        now = self.clock()
        expires = min(saved.expires, saved.allowed_at + MAX_ALLOW_SECONDS)
        if expires <= now or saved.allowed_at > now:
            return None
        live = []
        for pid, started in saved.members:
            try:
                proc = psutil.Process(pid)
                same = abs(proc.create_time() - started) < 0.01
            except psutil.Error:
                continue
            info = read_process(proc) if same and is_alive(proc) else None
            if info is not None:
                live.append((proc, info))
        if not live:
            return None
        scope = AllowScope(saved.scope, saved.seconds)
        with self._lock:
            if tool.id in self._by_tool:
                return None  # something of this tool was seen already: it decides
            inc = Incident(tool, saved.allowed_at, id=saved.incident)
            self._incidents[inc.id] = inc
            self._by_tool[tool.id] = inc.id
            for proc, info in live:
                self._add_member(inc, proc, info, role="tool")
            inc.state, inc.allow, inc.allowed_at = State.ALLOWED, scope, saved.allowed_at
            inc.allow_expires = expires
            inc.allowed_pids = {proc.pid for proc, _ in live}
            self._emit(
                inc,
                "allowed",
                f"{tool.name} is still allowed {scope.label} (as it was before ScamGuard "
                "restarted)",
                data={
                    "scope": scope.kind,
                    "seconds": scope.seconds,
                    "expires": iso(expires),
                    "allowed_at": iso(saved.allowed_at),
                    "resumed": [],
                    "members": _identities(inc.live_members()),
                    "restored": True,
                },
            )
            return inc.view()

    def incidents(self, pending_only: bool = False) -> list[IncidentView]:
        with self._lock:
            views = [i.view() for i in self._incidents.values()]
        return [v for v in views if v.pending or not pending_only]

    def busy(self) -> bool:
        """Is any incident open (so housekeeping and decisions should be quick)?"""
        return bool(self._incidents)

    def incident(self, incident_id: str) -> IncidentView:
        with self._lock:
            return self._get(incident_id).view()

    # --- time passing (the runner calls this a few times a second) ---

    def housekeeping(self) -> None:
        """Notice members that exited, allowances that ran out or were withdrawn, incidents
        old enough to forget (they stay in the journal)."""
        with self._lock:
            waiting = [
                f.path
                for inc in self._incidents.values()
                for f in inc.files.values()
                if f.state == "present"
            ]
        # Outside the lock: a Downloads folder on a hung network share must not stall
        # the next freeze.
        gone = {path for path in waiting if not os.path.lexists(path)}
        with self._lock:
            now = self.clock()
            trusted = self.trusted()
            for inc in list(self._incidents.values()):
                self._check_members(inc, gone)
                self._check_state(inc, now, trusted)
                if inc.closed is not None and now - inc.closed > self.join_window:
                    self._forget(inc)

    def holding(self) -> bool:
        """Is any process frozen right now (so ``hold`` has something to watch)?"""
        return any(
            m.state == "frozen"
            for inc in list(self._incidents.values())
            for m in inc.live_members()
        )

    def hold(self) -> None:
        """Check that every frozen member is still stopped; one resumed from outside is frozen
        again at once and journalled, and a tool that cannot be held is closed. The warning
        says "ScamGuard has stopped it": this is what keeps that true."""
        now = time.monotonic()
        with self._lock:
            for inc in list(self._incidents.values()):
                resumed = []
                for member in inc.live_members():
                    if member.state != "frozen" or member.frozen_at is None:
                        continue
                    if now - member.frozen_at < HOLD_SETTLE:
                        continue
                    if self.control.is_held(member.proc) is False:
                        resumed.append(member)
                if resumed:
                    self._resumed_from_outside(inc, resumed)
        self._finish_removals()

    # --- the rules ---

    def _resumed_from_outside(self, inc: Incident, resumed: list[Member]) -> None:
        for member in resumed:
            member.resumed += 1
        pids = [m.pid for m in resumed]
        shown = ", ".join(map(str, pids))
        if max(m.resumed for m in resumed) < HOLD_LIMIT:
            skip = self._frozen_pids(inc) - set(pids)
            done: list[int] = []
            denied: list[tuple[int, str]] = []
            for member in resumed:
                result = freeze_tree(
                    member.proc, self._exempt, self.control, skip=skip, related=self._related
                )
                self._mark(inc, result, done="frozen")
                skip |= set(result.pids)
                done += result.pids
                denied += result.denied
            if not denied:
                self._emit(
                    inc,
                    "resumed-from-outside",
                    f"{inc.tool.name} was started again from outside ScamGuard (pid {shown}); "
                    "it is frozen again",
                    pid=pids[0],
                    data={"pids": pids, "refrozen": True, "frozen": done},
                )
                return
            why = "; ".join(f"pid {pid}: {reason}" for pid, reason in denied)
        else:
            why = f"it was started again {max(m.resumed for m in resumed)} times"
        self._emit(
            inc,
            "resumed-from-outside",
            f"{inc.tool.name} was started again from outside ScamGuard (pid {shown}) and "
            f"cannot be kept stopped ({why}); ScamGuard is closing it",
            pid=pids[0],
            data={"pids": pids, "refrozen": False, "problem": why},
        )
        inc.note_problem(f"{inc.tool.name} could not be kept stopped ({why}), so it was closed")
        self._block(inc, reason=COULD_NOT_HOLD)

    def _outside(self, info: ProcessInfo) -> bool:
        """Outside the folder the engine is confined to (``only_under``)? A script counts by
        where the script is, not where its interpreter is."""
        if not self.only_under:
            return False
        paths = (info.exe or "", program_file(info.name, info.exe, info.cmdline) or "")
        return not any(p.startswith(self.only_under) for p in paths)

    def _tool_process(
        self, info: ProcessInfo, tool: ToolSignature, verdict: Identification
    ) -> None:
        if self._tracked(info, tool):
            return  # the same process seen again (a re-check after exec)
        self._leave_other_incident(info, tool)
        inc, new = self._incident_for(tool)
        proc = _handle(info)
        why_not = self._exempt(proc, root=True) if proc is not None else None
        held_back = None
        if proc is not None and not why_not:
            held_back, more = self.exemptions.name_alone(info, tool, verdict, _cwd(proc))
            if more:
                verdict = dataclasses.replace(verdict, evidence=verdict.evidence + tuple(more))
        trusted = tool.id in self.trusted()
        if inc.allow is not None and inc.allow.kind == "trusted" and not trusted:
            self._withdraw_trust(inc)
        early = None
        if (
            proc is not None
            and not why_not
            and not held_back
            and not trusted
            and self.on_detect is OnDetect.FREEZE
            and inc.state is not State.ALLOWED
            and inc.state is not State.BLOCKED
        ):
            early = freeze_tree(
                proc,
                self._exempt,
                self.control,
                skip=self._frozen_pids(inc),
                related=self._related,
            )
        inc.add_evidence(verdict.evidence, verdict.facts)
        data: dict[str, Any] = {"evidence": [e.to_json() for e in verdict.evidence]}
        if info.problems:
            data["problems"] = list(info.problems)
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
        member = self._add_member(inc, proc, info, role="tool")
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
        elif held_back:
            member.note = held_back
            self._emit(
                inc,
                "error",
                f"{tool.name} (pid {info.pid}) was not frozen: {held_back}",
                pid=info.pid,
                path=info.exe,
            )
            self._reopen(inc, State.DETECTED)
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
        if known is not None and known.state in ("present", "moving"):
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

    def is_member(self, pid: int) -> bool:
        """Is ``pid`` part of an open incident? (Lock-free: a source asking whether a new
        process's ancestry is worth a look.)"""
        return pid in self._member_of

    def _member_ancestor(self, info: ProcessInfo) -> int | None:
        """The member this unmatched process descends from: its live parent, or else the
        nearest member in its recorded lineage (a double fork cut the live link)."""
        if info.ppid is not None and info.ppid in self._member_of:
            return info.ppid
        if not self._member_of:
            return None
        return next((a for a in self.lineage.ancestors(info.pid) if a in self._member_of), None)

    def _adopt_child(self, info: ProcessInfo, via: int) -> None:
        parent_incident = self._member_of.get(via)
        if parent_incident is None or self._tracked(info):
            return
        inc = self._incidents[parent_incident]
        parent = inc.members.get(via)
        proc = _handle(info)
        if parent is None or proc is None or not _child_of(proc, parent.proc):
            return  # the parent exited and its pid was reused by an unrelated program
        member = self._add_member(inc, proc, info, role="child")
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
            result = freeze_tree(
                member.proc,
                self._exempt,
                self.control,
                skip=self._frozen_pids(inc),
                related=self._related,
            )
        self._mark(inc, result, done="frozen")
        denied = dict(result.denied)
        if result.done:
            self._reopen(inc, State.FROZEN)
            pids = ", ".join(map(str, result.pids))
            if member.pid in denied:
                message = f"Part of {inc.tool.name} is frozen (pids {pids})"
            else:
                started = why or ("A program started by " if child else "")
                message = f"{started}{inc.tool.name} is frozen (pids {pids})"
            self._emit(
                inc,
                "frozen",
                message,
                pid=member.pid,
                path=member.exe,
                data={"pids": result.pids, "skipped": [p for p, _ in result.skipped]},
            )
        if member.pid in denied:
            self._emit(
                inc,
                "error",
                f"{inc.tool.name} (pid {member.pid}) could not be frozen and is still "
                f"running: {denied[member.pid]}",
                pid=member.pid,
                path=member.exe,
                data={"problem": denied[member.pid]},
            )
            self._reopen(inc, State.DETECTED)
        elif member.pid in result.gone and not result.done:
            self._settle(inc)

    def _block(self, inc: Incident, reason: str = "") -> None:
        """Kill now (under the lock); the files move in ``_finish_removals``."""
        live = [m for m in inc.live_members() if m.state != "exempt"]
        result = kill_tree([m.proc for m in live], self._exempt, self.control, self._related)
        self._mark(inc, result, done="killed")
        for pid in result.gone:
            member = inc.members.get(pid)
            if member is not None:
                member.state = "exited"
                self._untrack(pid)
        files = inc.pending_files()
        for f in files:
            f.state = "moving"
        first_time = inc.state is not State.BLOCKED
        inc.state, inc.allow, inc.allow_expires, inc.closed = (
            State.BLOCKED,
            None,
            None,
            self.clock(),
        )
        if first_time or result.done or result.denied or files:
            self._removals.append(_Removal(inc, result, files, first_time, reason))

    def _finish_removals(self) -> None:
        """Move the installers of blocked incidents to quarantine, then tell. Runs without
        the lock: hashing and moving a large file must not hold up the next freeze."""
        while True:
            with self._lock:
                if not self._removals:
                    return
                removal = self._removals.pop(0)
            moved: list[dict[str, Any]] = []
            failed: list[tuple[FileMember, str]] = []
            done: list[tuple[FileMember, str]] = []
            for f in removal.files:
                try:
                    record = self.quarantine.put(
                        f.path, removal.inc.tool.id, removal.inc.tool.name, removal.inc.id
                    )
                except QuarantineError as exc:
                    failed.append((f, str(exc)))
                except OSError as exc:  # anything else the disk says: reported, never raised
                    failed.append((f, f"{f.path}: {exc}"))
                else:
                    done.append((f, record.id))
                    moved.append(record.to_json())
            with self._lock:
                for f, qid in done:
                    f.state, f.quarantine_id = "quarantined", qid
                for f, why in failed:
                    f.state, f.note = "failed", why
                    removal.inc.note_problem(why)
                self._emit_removal(removal, moved, [why for _, why in failed])

    def _emit_removal(
        self, removal: _Removal, moved: list[dict[str, Any]], file_problems: list[str]
    ) -> None:
        inc, result = removal.inc, removal.killed
        parts = []
        if result.done:
            parts.append(f"{len(result.done)} program(s) stopped")
        if moved:
            parts.append(f"{len(moved)} file(s) moved to quarantine")
        problems = result.problems() + file_problems
        if result.denied:
            head = (
                f"{inc.tool.name} could not be fully removed: {len(result.denied)} "
                "program(s) are still running"
            )
        elif removal.reason == COULD_NOT_HOLD:
            head = (
                f"{inc.tool.name} was started again from outside ScamGuard and could not be "
                "kept stopped, so ScamGuard closed it"
            )
        else:
            head = f"{inc.tool.name} was removed" + ("" if removal.first_time else " again")
        if file_problems:
            parts.append(f"{len(file_problems)} file(s) could not be moved")
        self._emit(
            inc,
            "blocked",
            head + (f" ({', '.join(parts)})" if parts else ""),
            data={
                "killed": result.pids,
                "quarantined": moved,
                "problems": problems,
                "reason": removal.reason or "decision",
            },
        )
        if not removal.first_time and (result.done or moved):
            # A relaunch or a new download after Remove: stopped at once, and said out loud
            # (a small notice), never in silence.
            what = "installer" if moved and not result.done else "process"
            said = (
                f"{inc.tool.name} was downloaded again and moved away"
                if what == "installer"
                else f"{inc.tool.name} tried to start again and was stopped"
            )
            where = str(moved[0]["original_path"]) if moved else None
            self._emit(inc, "stopped-again", said, path=where, data={"what": what, "path": where})

    def _resume(self, inc: Incident) -> TreeResult:
        frozen = [m for m in inc.live_members() if m.state == "frozen"]
        result = resume_all([m.proc for m in frozen], self.control)
        self._mark(inc, result, done="running")
        return result

    def _trust(self, inc: Incident) -> None:
        if inc.state is State.ALLOWED and inc.allow and inc.allow.kind == "trusted":
            return
        result = self._resume(inc)
        now = self.clock()
        inc.state, inc.allow, inc.allowed_at, inc.closed = (
            State.ALLOWED,
            AllowScope("trusted"),
            now,
            None,
        )
        inc.allow_expires = None
        inc.allowed_pids = {m.pid for m in inc.live_members()}
        self._emit(
            inc,
            "allowed",
            f"{inc.tool.name} is trusted in settings; left running",
            data={"scope": "trusted", "resumed": result.pids},
        )

    def _withdraw_trust(self, inc: Incident) -> None:
        """Trust was removed in settings: the tool is frozen again, what already runs and
        what starts from now on."""
        self._emit(inc, "ended", f"{inc.tool.name} is no longer trusted")
        self._refreeze(inc, inc.live_members(), "It is no longer trusted: ")

    def _reopen(self, inc: Incident, state: State) -> None:
        """Enter a pending state: a fresh detection re-opens an ended incident. A blocked
        incident stays blocked, an allowed one allowed, and frozen is never downgraded."""
        if inc.state in (State.BLOCKED, State.ALLOWED):
            return
        still_frozen = any(m.state == "frozen" for m in inc.live_members())
        if inc.state is State.FROZEN and state is State.DETECTED and still_frozen:
            return
        inc.state, inc.closed = state, None

    def _settle(self, inc: Incident) -> None:
        """A new incident whose process was already gone: it ends unless a file waits."""
        if not inc.live_members() and not inc.files_present() and inc.state in PENDING:
            inc.state, inc.closed = State.ENDED, self.clock()
            self._emit(inc, "ended", f"{inc.tool.name} closed")

    def _check_members(self, inc: Incident, gone_files: Collection[str]) -> None:
        for member in inc.live_members():
            if not is_alive(member.proc):
                member.state = "exited"
                self._untrack(member.pid)
        for f in inc.files.values():
            if f.state == "present" and f.path in gone_files:
                f.state = "gone"  # deleted or moved away by the person: nothing to decide

    def _check_state(self, inc: Incident, now: float, trusted: Collection[str]) -> None:
        live = inc.live_members()
        had_processes = bool(inc.members)
        had_anything = had_processes or bool(inc.files)
        if inc.state in PENDING and had_anything and not live and not inc.files_present():
            if had_processes:
                how = " while it was frozen" if inc.state is State.FROZEN else ""
                message = f"{inc.tool.name} closed{how}"
            else:
                message = f"the {inc.tool.name} installer was deleted or moved away"
            inc.state, inc.closed = State.ENDED, now
            self._emit(inc, "ended", message)
        elif inc.state is State.ALLOWED and inc.allow is not None:
            if inc.allow.kind == "trusted" and inc.tool.id not in trusted and live:
                self._withdraw_trust(inc)
            else:
                self._check_allowance(inc, inc.allow, live, had_processes, now)

    def _check_allowance(
        self, inc: Incident, scope: AllowScope, live: list[Member], had: bool, now: float
    ) -> None:
        original_gone = bool(inc.allowed_pids) and not any(m.pid in inc.allowed_pids for m in live)
        if inc.allow_expires is not None and now >= inc.allow_expires:
            if live:
                self._refreeze(inc, live, "The time allowed ran out: ")
            else:
                self._end(inc, now, f"the allowance for {inc.tool.name} ran out")
        elif had and not live:
            self._end(
                inc,
                now,
                f"{inc.tool.name} closed; the allowance has ended"
                if scope.kind != "trusted"
                else f"{inc.tool.name} closed",
            )
        elif scope.kind == "until-closed" and original_gone:
            # The program the person allowed has closed; whatever of it is still running
            # (a service, a helper started later) was not part of that decision.
            self._refreeze(inc, live, f"{inc.tool.name} closed, so the allowance ended: ")
        elif not had and inc.allowed_at is not None and now - inc.allowed_at > self.join_window:
            self._end(inc, now, f"the allowance for {inc.tool.name} was not used and has ended")

    def _refreeze(self, inc: Incident, live: list[Member], why: str) -> None:
        inc.allow = inc.allow_expires = None
        inc.allowed_pids = set()
        inc.state = State.DETECTED
        for member in live:
            if member.state not in ("exempt", "frozen"):
                self._freeze(inc, member, why=why)

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

    # --- membership ---

    def _add_member(
        self, inc: Incident, proc: psutil.Process, info: ProcessInfo, role: str
    ) -> Member:
        member = Member(
            proc, info.name, info.exe, role=role, ppid=info.ppid, started=info.create_time
        )
        inc.members[proc.pid] = member
        self._member_of[proc.pid] = inc.id
        return member

    def _tracked(self, info: ProcessInfo, tool: ToolSignature | None = None) -> bool:
        """Is this very process (not just its pid) already a member of an incident, still
        running the program it joined with? (A member that exec'd another tool is not.)"""
        iid = self._member_of.get(info.pid)
        if iid is None:
            return False
        member = self._incidents[iid].members.get(info.pid)
        if member is None or member.state in ("killed", "exited"):
            return False
        if tool is not None and self._incidents[iid].tool.id != tool.id and _changed(member, info):
            return False
        if info.create_time is None:
            return True
        try:
            return abs(member.proc.create_time() - info.create_time) < 0.01
        except psutil.Error:
            return False

    def _leave_other_incident(self, info: ProcessInfo, tool: ToolSignature) -> None:
        """A member that became another program (exec without a new pid) now belongs to
        that program's incident; its old incident records that it left."""
        iid = self._member_of.get(info.pid)
        if iid is None or self._incidents[iid].tool.id == tool.id:
            return
        old = self._incidents[iid]
        member = old.members.get(info.pid)
        if member is not None:
            member.state, member.note = "exited", f"became {tool.name}"
        self._untrack(info.pid)

    def _untrack(self, pid: int) -> None:
        self._member_of.pop(pid, None)

    def _frozen_pids(self, inc: Incident) -> set[int]:
        return {m.pid for m in inc.live_members() if m.state == "frozen"}

    def _mark(self, inc: Incident, result: TreeResult, done: str) -> None:
        for proc in result.done:
            member = inc.members.get(proc.pid)
            if member is None:
                member = Member(proc, _name(proc), exe_of(proc), role="child", ppid=_ppid(proc))
                inc.members[proc.pid] = member
                self._member_of[proc.pid] = inc.id
            member.state = done
            if done == "frozen":
                member.frozen_at = time.monotonic()
                self.froze.set()
            if done == "killed":
                self._untrack(proc.pid)
        for pid, why in result.denied:
            if pid in inc.members:
                inc.members[pid].state, inc.members[pid].note = "denied", why
            inc.note_problem(f"pid {pid}: {why}")

    def _related(self, root: psutil.Process) -> list[psutil.Process]:
        """Descendants of ``root`` by recorded lineage that no live parent link shows, each
        verified to have started after ``root`` (so a reused pid is never taken)."""
        pids = self.lineage.descendants(root.pid)
        if not pids:
            return []
        try:
            born = root.create_time()
        except psutil.Error:
            return []
        found = []
        for pid in pids:
            try:
                proc = psutil.Process(pid)
                if proc.create_time() >= born:
                    found.append(proc)
            except psutil.Error:
                continue
        return found

    def _exempt(self, proc: psutil.Process, root: bool = False) -> str | None:
        """Why ``proc`` must never be frozen, or None. Checked for every process in a tree."""
        return self.exemptions.never_freeze(proc, root)

    def _get(self, incident_id: str) -> Incident:
        inc = self._incidents.get(incident_id)
        if inc is None:
            raise DecisionError(f"no open incident has the id {incident_id}")
        return inc

    # --- telling ---

    def _emit(
        self,
        inc: Incident,
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
            incident=inc.id,
            tool=inc.tool.id,
            tool_name=inc.tool.name,
            pid=pid,
            path=path,
            data=data or {},
            time=self.clock(),
        )
        inc.timeline.append(event)
        del inc.timeline[:-_TIMELINE_CAP]
        self._post(event, inc.view())

    def _post(self, event: GuardEvent, view: IncidentView | None) -> None:
        if self.journal is not None:
            self.journal.record(event)  # a queue put: in order, and no listener can stall it
        with self._delivery:
            self._outbox.append((event, view))
            self._delivery.notify()

    def _deliver(self) -> None:
        """The dispatch thread: journal first, then every listener, in order."""
        while True:
            with self._delivery:
                self._delivery.wait_for(lambda: self._outbox or self._closed)
                if not self._outbox:
                    return
                event, view = self._outbox.popleft()
                self._delivering = True
            try:
                with self._lock:
                    listeners = list(self._listeners)
                for listener in listeners:
                    try:
                        listener(event, view)
                    except Exception as exc:  # a listener must not stop the guard
                        self.report(f"a listener failed on a {event.kind} event: {exc!r}")
            finally:
                with self._delivery:
                    self._delivering = False
                    self._delivery.notify_all()


def _identities(members: list[Member]) -> list[list[float]]:
    """[pid, start time] of each member: enough to know the very same processes later."""
    out = []
    for m in members:
        try:
            out.append([m.pid, m.proc.create_time()])
        except psutil.Error:
            continue
    return out


def _changed(member: Member, info: ProcessInfo) -> bool:
    """Did the process run another program since it joined (exec: same pid, new image)?"""
    if member.exe and info.exe:
        return member.exe != info.exe
    return member.name != info.name


def _handle(info: ProcessInfo) -> psutil.Process | None:
    """A psutil handle on exactly the process ``info`` describes (not a reused pid)."""
    try:
        proc = psutil.Process(info.pid)
        if info.create_time is not None and abs(proc.create_time() - info.create_time) > 0.01:
            return None
    except psutil.Error:
        return None
    return proc


def _child_of(child: psutil.Process, parent: psutil.Process) -> bool:
    """``parent`` is still the process we froze (pid and start time: psutil's identity
    check) and ``child`` started after it."""
    try:
        return parent.is_running() and child.create_time() >= parent.create_time()
    except psutil.Error:
        return False


def _name(proc: psutil.Process) -> str:
    try:
        return proc.name()
    except psutil.Error:
        return "?"


def _cwd(proc: psutil.Process) -> str | None:
    try:
        return proc.cwd() or None
    except (psutil.Error, OSError):
        return None


def _ppid(proc: psutil.Process) -> int | None:
    try:
        return proc.ppid()
    except (psutil.Error, OSError):
        return None
