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

This module holds the engine's entry points and the incident state machine; each other part
of its work has a module of its own, mixed into ``Engine``: ``detection`` (a sighting becomes
an incident and a freeze), ``holding`` (frozen stays frozen), ``allowing`` (allowances and
trust), ``removals`` (kill now, move files after the lock), ``membership`` (which incident a
process belongs to), ``exempt_rules`` (what is left alone), ``exec_denial`` (the Linux exec
gate's question and report), ``sessions`` (live remote sessions, and the bank opened during
one) and ``dispatch`` (telling the
journal and the listeners, on their own thread). The mixins share one base, ``core``, which
declares the state and methods they use across modules, for the type checker.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Collection
from typing import Any

from guard.engine.allowing import Allowing
from guard.engine.detection import Detection, OnDetect
from guard.engine.dispatch import EventDispatch
from guard.engine.exec_denial import ExecDenial
from guard.engine.exempt_rules import ExemptionRules
from guard.engine.exemptions import Exemptions
from guard.engine.holding import Holding
from guard.engine.incidents import PENDING, FileState, Incident, IncidentView, MemberState, State
from guard.engine.lineage import Lineage
from guard.engine.membership import Membership
from guard.engine.process_tree import ProcessControl, is_alive
from guard.engine.quarantine import Quarantine
from guard.engine.removals import Removal, Removals
from guard.engine.sessions import Sessions
from guard.engine.switching import Switching
from guard.identify.evidence import Identification
from guard.identify.process import ProcessInfo
from guard.state.events import EventKind, GuardEvent, Listener
from guard.state.journal import Journal

# An incident closed (blocked or ended) less than this long ago is joined by a relaunch of
# the same tool: the scammer's "try it again" gets the same answer, not a new alert.
JOIN_WINDOW = 600.0
_TIMELINE_CAP = 500


class Engine(
    Detection,
    Holding,
    Allowing,
    Removals,
    Membership,
    ExemptionRules,
    Switching,
    ExecDenial,
    Sessions,
):
    """One guard's incidents and the actions on them; thread-safe behind one lock."""

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
        switch_off: Callable[[str], None] | None = None,
        person_of: Callable[[int | None, str | None], str | None] | None = None,
        end_os_session: Callable[[int], None] | None = None,
    ):
        self.quarantine = quarantine
        # Act only on tools whose executable lies under this folder (trying ScamGuard out,
        # tests and benchmarks on a shared machine): nobody else's AnyDesk is touched.
        self.only_under = os.path.join(os.path.realpath(only_under), "") if only_under else None
        self.on_detect = OnDetect(on_detect)
        self.journal = journal
        self.trusted = trusted
        # The trusted tools as housekeeping last read them: the exec gate asks without I/O.
        self.trusted_seen: frozenset[str] | None = None
        self.control = control or ProcessControl()
        self.join_window = join_window
        self.clock = clock
        self.report = report or (lambda line: print(f"scamguard: {line}", file=sys.stderr))
        self._lock = threading.RLock()
        self._incidents: dict[str, Incident] = {}
        # One incident per tool and person: the guard service freezes every account's tools,
        # and one person's warning and decision must never be about another's AnyDesk.
        # ``person_of(pid, path)`` names the person (None: a system account, or a guard of one
        # person's own, where every incident is that person's).
        self.person_of = person_of or (lambda _pid, _path: None)
        self._by_tool: dict[tuple[str, str | None], str] = {}
        self._member_of: dict[int, str] = {}
        self._removals: list[Removal] = []
        self.exemptions = Exemptions()
        # Switches an OS remote-access setting off ("Remove" of Remote Desktop...): the
        # platform adapter's (guard/platform/remote_switches.py); None where there is none.
        self.switch_off = switch_off
        # Ends one of the OS's own remote sessions (Windows: logs off a Remote Desktop
        # session), for "Disconnect now"; None where there is no such thing.
        self.end_os_session = end_os_session
        self.lineage = lineage if lineage is not None else Lineage()
        self.froze = threading.Event()  # set at each freeze: wakes whoever keeps them frozen
        self._dispatch = EventDispatch(journal, self._lock, self.report)

    # --- listeners ---

    def add_listener(self, listener: Listener) -> None:
        self._dispatch.add_listener(listener)

    def remove_listener(self, listener: Listener) -> None:
        self._dispatch.remove_listener(listener)

    def wait_delivered(self, timeout: float = 5.0) -> bool:
        """Wait until every event so far has reached the listeners."""
        return self._dispatch.wait_delivered(timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Deliver what is queued, then stop the dispatch thread."""
        self._dispatch.close(timeout)

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
        self.note(EventKind.ERROR, message, **data)

    def note(self, kind: EventKind, message: str, **data: Any) -> None:
        """An event not tied to an incident (started, stopped, error)."""
        self._post(GuardEvent(kind, message, data=data, time=self.clock()), None)

    def note_event(self, event: GuardEvent) -> None:
        """A whole event not tied to an incident (a remote-access setting found on at the
        guard's first look: about a tool, but no warning)."""
        self._post(event, None)

    # --- decisions (the tray, the CLI) ---

    def block(self, incident_id: str) -> IncidentView:
        """Remove the tool: kill its whole tree, move its installers to quarantine, and end
        the operating system's own remote session if that is how someone is connected
        ("Disconnect now": killing Remote Desktop's helper programs does not end it)."""
        with self._lock:
            inc = self._get(incident_id)
            os_session = inc.session.os_session if inc.session is not None else None
            if (
                inc.state is not State.BLOCKED
                or inc.live_members()
                or inc.pending_files()
                or inc.switches_on()
            ):
                self._block(inc)
        self._finish_removals()
        if os_session is not None:
            self._end_os_session(inc, os_session)
        with self._lock:
            return inc.view()

    def _end_os_session(self, inc: Incident, session_id: int) -> None:
        """Outside the lock: asking the OS to log a session off may take a moment."""
        if self.end_os_session is None:
            return
        try:
            self.end_os_session(session_id)
        except OSError as exc:
            with self._lock:
                self._emit(
                    inc,
                    EventKind.ERROR,
                    f"the remote session ({session_id}) could not be ended: {exc}; turn off "
                    "the internet or switch the computer off",
                    data={"problem": str(exc)},
                )

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
                if f.state == FileState.PRESENT
            ]
        # Outside the lock: a Downloads folder on a hung network share must not stall
        # the next freeze.
        gone = {path for path in waiting if not os.path.lexists(path)}
        with self._lock:
            now = self.clock()
            trusted = self.trusted()
            self.trusted_seen = frozenset(trusted)
            for inc in list(self._incidents.values()):
                self._check_members(inc, gone)
                self._check_state(inc, now, trusted)
                if inc.closed is not None and now - inc.closed > self.join_window:
                    self._forget(inc)

    # --- the incident state machine: detected/frozen -> blocked | allowed | ended ---

    def _reopen(self, inc: Incident, state: State) -> None:
        """Enter a pending state: a fresh detection re-opens an ended incident. A blocked
        incident stays blocked, an allowed one allowed, and frozen is never downgraded."""
        if inc.state in (State.BLOCKED, State.ALLOWED):
            return
        still_frozen = any(m.state == MemberState.FROZEN for m in inc.live_members())
        if inc.state is State.FROZEN and state is State.DETECTED and still_frozen:
            return
        inc.state, inc.closed = state, None

    def _settle(self, inc: Incident) -> None:
        """A new incident whose process was already gone: it ends unless a file waits."""
        if not inc.live_members() and not inc.files_present() and inc.state in PENDING:
            inc.state, inc.closed = State.ENDED, self.clock()
            self._emit(inc, EventKind.ENDED, f"{inc.tool.name} closed")

    def _check_members(self, inc: Incident, gone_files: Collection[str]) -> None:
        for member in inc.live_members():
            if not is_alive(member.proc):
                member.state = MemberState.EXITED
                self._untrack(member.pid)
        for f in inc.files.values():
            if f.state == FileState.PRESENT and f.path in gone_files:
                f.state = FileState.GONE  # deleted or moved away by the person: nothing to decide

    def _check_state(self, inc: Incident, now: float, trusted: Collection[str]) -> None:
        live = inc.live_members()
        had_processes = bool(inc.members)
        had_anything = had_processes or bool(inc.files)
        if (
            inc.state in PENDING
            and had_anything
            and not live
            and not inc.files_present()
            and not inc.switches_on()  # a setting still on waits for the person's decision
        ):
            if had_processes:
                how = " while it was frozen" if inc.state is State.FROZEN else ""
                message = f"{inc.tool.name} closed{how}"
            else:
                message = f"the {inc.tool.name} installer was deleted or moved away"
            inc.state, inc.closed = State.ENDED, now
            self._emit(inc, EventKind.ENDED, message)
        elif inc.state is State.ALLOWED and inc.allow is not None:
            if inc.allow.kind == "trusted" and inc.tool.id not in trusted and live:
                self._withdraw_trust(inc)
            else:
                self._check_allowance(inc, inc.allow, live, had_processes, now)

    def _end(self, inc: Incident, now: float, message: str) -> None:
        inc.state, inc.closed, inc.allow, inc.allow_expires = State.ENDED, now, None, None
        self._emit(inc, EventKind.ENDED, message)

    # --- telling ---

    def _emit(
        self,
        inc: Incident,
        kind: EventKind,
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
        self._dispatch.post(event, view)
