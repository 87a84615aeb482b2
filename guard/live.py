"""The live guard, assembled: sources → identifier → engine → journal and listeners.

One object the CLI (``watch``), the tray app and the benchmarks start and stop the same way,
so every one of them gets the same protection, the same journal and the same events.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from guard import locations
from guard.database import load_active
from guard.engine.allowances import JOURNAL_LOOKBACK, saved_allowances
from guard.engine.detection import OnDetect
from guard.engine.engine import Engine
from guard.engine.incidents import State
from guard.engine.quarantine import Quarantine
from guard.engine.requests import RequestInbox
from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex
from guard.instance import GuardInstance
from guard.locations import WatchFolder
from guard.platform import current_os, remote_switches, service_host
from guard.platform.remote_switches import SwitchAdapter
from guard.session.monitor import SessionMonitor
from guard.session.os_signals import default_os_sessions
from guard.sigdb.model import SessionRules
from guard.sigdb.problems import SignatureError
from guard.state import journal, paths, settings, settings_edits
from guard.state.events import EventKind, GuardEvent
from guard.state.journal import Journal
from guard.state.paths import journal_path, quarantine_dir
from guard.watch.exec_gate import ExecGate, GateUnavailable
from guard.watch.install_watcher import InstallWatcher
from guard.watch.process_watcher import ProcessWatcher
from guard.watch.remote_switches import MEMORY_FILE, RemoteSwitches

# Quick while an incident is open (a tool that exits, an allowance that ends, a decision
# from 'scamguard block'); slow when there is nothing to look after.
HOUSEKEEPING_SECONDS = 0.25
IDLE_HOUSEKEEPING_SECONDS = 1.0
# While anything is frozen, how often each frozen process is checked to still be stopped
# (a `kill -CONT` from outside runs the tool for at most about this long); when nothing is.
HOLD_SECONDS = 0.05
IDLE_HOLD_SECONDS = 0.5


@dataclass
class GuardOptions:
    on_detect: OnDetect = OnDetect.FREEZE
    interval: float = 0.05
    source: str = "auto"
    default_folders: bool = True
    extra_folders: list[Path] = field(default_factory=list)
    only_under: Path | None = None
    follow_updates: bool = True  # switch to an installed update as soon as it lands
    # Why the database in use is not the installed update (load_active's warning, e.g. an
    # update folder copied in by hand was refused): journalled when the guard starts.
    database_warning: str = ""
    # The OS's own remote-access switches (Remote Desktop...: guard/watch/remote_switches.py):
    # this adapter, or None for this OS's own. Confined to a folder (only_under: trying it
    # out, tests), the guard leaves the computer's real settings alone unless given one.
    switches: SwitchAdapter | None = None
    watch_switches: bool = True
    # The service's guard: every person's Downloads and Desktop, not this account's.
    everyone: bool = False
    # Linux, as root: refuse a known tool before it runs (fanotify; guard/watch/exec_gate.py).
    # Confined to a folder (only_under), it watches that folder only, never whole mounts.
    exec_gate: bool = False
    # Is someone connected through a running tool now? (guard/session/: issue 16)
    watch_sessions: bool = True


class TrustedTools:
    """The permanently trusted tool ids, re-read when the settings file changes, so a change
    made with ``scamguard trust`` or the settings window applies without a restart, and at
    once: the file is looked at (one stat, a few microseconds) each time trust is asked,
    because a person who trusts TeamViewer and starts it the next second must not see it
    frozen (``min_interval`` can space the looks out where that cost matters).

    A change made to the file by hand (perhaps dictated by a caller) applies too, but is
    never silent: at the first read and at every re-read it is journalled once, through
    ``record``, as a "settings" event in words (``settings_edits``). It is not an error, so
    it does not go to ``report``, which gets the file's problems. ``names`` gives a tool
    id's display name for that message, if known.
    """

    def __init__(
        self,
        report: Callable[[str], None],
        record: Callable[[GuardEvent], object],
        *,
        names: Callable[[str], str | None] | None = None,
        min_interval: float = 0.0,
    ):
        self.report = report
        self.record = record
        self.names = names
        self.min_interval = min_interval
        self._checked = 0.0
        self._read = False
        self._stamp: tuple[int, int, int] | None = None
        self._ids: frozenset[str] = frozenset()
        # Asked from housekeeping, detection and the service's request threads at once: one
        # look at a time, so an older read can never land after a newer one.
        self._lock = threading.Lock()

    def __call__(self) -> frozenset[str]:
        with self._lock:
            return self._look()

    def _look(self) -> frozenset[str]:
        now = time.monotonic()
        if now - self._checked >= self.min_interval:
            self._checked = now
            path = settings.settings_path()
            try:
                st = path.stat()
                # Saves replace the file (a new inode), so two saves within one mtime tick
                # that leave the same size are still told apart.
                stamp: tuple[int, int, int] | None = (st.st_mtime_ns, st.st_size, st.st_ino)
            except OSError:
                stamp = None
            if stamp != self._stamp or not self._read:  # a file deleted by hand counts too
                self._stamp, self._read = stamp, True
                raw, loaded = settings.read(path)
                if loaded.problem:
                    self.report(loaded.problem)
                settings_edits.journal_hand_edit(
                    path,
                    raw,
                    loaded,
                    record_event=self.record,
                    report=self.report,
                    names=self.names,
                )
                self._ids = frozenset(loaded.trusted)
        return self._ids


class LiveGuard:
    def __init__(self, identifier: Identifier, options: GuardOptions | None = None):
        self.options = options or GuardOptions()
        self.identifier = identifier
        self.instance = GuardInstance()  # raises AlreadyRunning before anything starts
        try:
            self._build()
        except BaseException:
            self.instance.release()
            raise

    def _build(self) -> None:
        identifier = self.identifier
        early: list[str] = []
        self.journal = Journal(journal_path(), report=early.append)
        trusted = TrustedTools(
            early.append,
            self.journal.record,  # a hand edit of the settings file: journalled, not an error
            names=lambda tool_id: getattr(self.identifier.index.tools.get(tool_id), "name", None),
        )
        adapter = self.options.switches
        if adapter is None and self.options.watch_switches and not self.options.only_under:
            adapter = remote_switches.for_this_os(
                identifier.os_name, everyone=self.options.everyone
            )
        # The engine's own report (a failing listener) goes to stderr, not back into events.
        self.engine = Engine(
            Quarantine(quarantine_dir()),
            on_detect=self.options.on_detect,
            journal=self.journal,
            trusted=trusted,
            only_under=str(self.options.only_under) if self.options.only_under else None,
            switch_off=adapter.switch_off if adapter is not None else None,
            # The service's engine: one incident per tool and person.
            person_of=service_host.person_of if self.options.everyone else None,
            end_os_session=_os_session_ender(),
        )
        self.switches = (
            RemoteSwitches(
                adapter,
                self.engine,
                lambda: self.identifier.index.tools,
                memory=paths.state_dir() / MEMORY_FILE,
            )
            if adapter is not None
            else None
        )
        self.journal.report = trusted.report = self.engine.problem
        self._early = early
        self.processes = ProcessWatcher(
            identifier,
            self.engine.process_seen,
            self.engine.problem,
            interval=self.options.interval,
            source=self.options.source,
            lineage=self.engine.lineage,
            interest=self.engine.is_member,
        )
        folders = (
            locations.watch_folders(everyone=self.options.everyone)
            if self.options.default_folders
            else []
        )
        folders += [WatchFolder(Path(p)) for p in self.options.extra_folders]
        # A second identifier over the same index: each watcher thread keeps its own cache.
        self.installs = InstallWatcher(
            Identifier(identifier.index, identifier.os_name),
            self.engine.file_seen,
            folders,
            self.engine.problem,
            ignore_under=[paths.state_dir()],
        )
        self.gate = self._build_gate()
        self.sessions = (
            SessionMonitor(
                self._session_rules,
                self.engine.tool_processes,
                self.engine.session_changed,
                os_sessions=default_os_sessions(),
            )
            if self.options.watch_sessions
            else None
        )
        self.inbox = RequestInbox(journal_path(), self.engine)
        self._installed = paths.installed_signatures_dir()  # the update in use (or none)
        self._stop = threading.Event()
        self._housekeeper = threading.Thread(
            target=self._housekeeping, name="housekeeping", daemon=True
        )
        self._holder = threading.Thread(target=self._hold, name="hold", daemon=True)

    def start(self, ready_timeout: float = 30.0) -> None:
        """Start every source; returns once tools already running have been looked at."""
        for line in [*self._early, *self.instance.warnings, self.options.database_warning]:
            if line:
                self.engine.problem(line)
        self._restore_allowances()
        self.processes.start()
        self.installs.start()
        self.processes.ready.wait(ready_timeout)
        if self.switches is not None:
            try:
                self.switches.start()  # after the first process scan: a running server joins
            except Exception as exc:  # the rest of the guard protects without it
                self.engine.problem(f"remote-access settings are not watched ({exc!r})")
        gate = self._start_gate()
        if self.sessions is not None:
            self.sessions.start()  # after the first look: the tools already running are known
        self.inbox.expire_stale()
        self._housekeeper.start()
        self._holder.start()
        status = self.installs.status()
        self.engine.note(
            EventKind.STARTED,
            f"watching for {len(self.identifier.index)} remote-access tools "
            f"({self.processes.source}); on detection: {self.options.on_detect}",
            source=self.processes.source,
            fallback_reason=self.processes.fallback_reason,
            on_detect=str(self.options.on_detect),
            interval_ms=round(self.options.interval * 1000),
            folders=status,
            tools=len(self.identifier.index),
            exec_gate=gate,
        )

    def stop(self, reason: str = "") -> None:
        """Stop watching. Frozen tools stay frozen: stopping the guard is not a decision.

        ``reason`` (the tray's "Quit", a restart for new folders) goes into the journal.
        """
        self._stop.set()
        if self.gate is not None:
            self.gate.stop()  # first: execs are never left waiting for a stopping guard
        if self.sessions is not None:
            self.sessions.stop()
        self.processes.stop()
        self.installs.stop()
        if self.switches is not None:
            self.switches.stop()
        for thread in (self._housekeeper, self._holder):
            if thread.is_alive():
                thread.join(timeout=5)
        self.engine.housekeeping()  # so a tool that just exited is not counted as frozen
        frozen = [v for v in self.engine.incidents() if v.state == State.FROZEN]
        self.engine.note(
            EventKind.STOPPED,
            "the guard stopped"
            + (f" ({reason})" if reason else "")
            + (f"; {len(frozen)} tool(s) left frozen" if frozen else ""),
            frozen=[v.id for v in frozen],
            reason=reason,
        )
        self.engine.close()
        self.journal.flush()
        self.journal.close()
        self.instance.release()

    def _session_rules(self, tool_id: str) -> SessionRules | None:
        """The ``[session]`` table of a tool, from the signatures in use now (an update
        swaps them)."""
        tool = self.identifier.index.tools.get(tool_id)
        return tool.session if tool is not None else None

    # --- the exec gate (Linux, root): guard/watch/exec_gate.py ---

    def _build_gate(self) -> ExecGate | None:
        if not self.options.exec_gate:
            return None
        confined = self.options.only_under
        gate = ExecGate(
            self.identifier,
            self.engine.exec_spared,
            self.engine.exec_denied,
            self.engine.problem,
            content=self.processes.content,
            folders=[confined] if confined else None,
        )
        self.installs.on_identified = gate.landed
        self.engine.add_listener(gate.on_event)  # a decision empties its cache
        return gate

    def _start_gate(self) -> str:
        """Start the exec gate if asked; what the ``started`` event says about it. Without
        root or kernel support the guard carries on: the freeze still protects."""
        if self.gate is None:
            return "off"
        # Read now, so the gate's first question never reads the settings file.
        self.engine.trusted_seen = frozenset(self.engine.trusted())
        try:
            self.gate.start()
        except GateUnavailable as exc:
            self.engine.problem(
                f"programs are not checked before they start ({exc}); freezing continues"
            )
            return f"unavailable: {exc}"
        if self.gate.problems:
            self.engine.problem(
                f"{len(self.gate.problems)} place(s) are not checked before programs start "
                f"(first: {self.gate.problems[0]})"
            )
        return self.gate.describe()

    def _follow_updates(self) -> None:
        """An update installed by ``scamguard update`` (or the tray) moves the pointer; the
        running guard switches to it within a second, without a restart."""
        now = paths.installed_signatures_dir()
        if now == self._installed:
            return
        self._installed = now
        if not self.options.follow_updates:
            return  # started on a chosen database (--signatures): stay on it
        try:
            active = load_active()
        except SignatureError as exc:
            self.engine.problem(f"the new signature update cannot be used ({exc}); keeping the old")
            return
        index = SignatureIndex(active.signatures)
        self.identifier.use(index)
        self.installs.identifier.use(index)
        if active.warning:
            self.engine.problem(active.warning)
        self.engine.note(
            EventKind.UPDATE,
            f"now guarding with signature version {active.signatures.version} "
            f"({len(index)} remote-access tools, {active.origin})",
            version=active.signatures.version,
            origin=active.origin,
        )

    def _restore_allowances(self) -> None:
        """Allowances given before a restart keep their tools running (allowances.py)."""
        try:
            events = journal.read(journal_path(), limit=JOURNAL_LOOKBACK)
        except journal.JournalError as exc:
            self.engine.problem(f"allowances from before could not be read ({exc})")
            return
        for saved in saved_allowances(events):
            tool = self.identifier.index.tools.get(saved.tool)
            if tool is not None:
                self.engine.restore_allowance(saved, tool)

    def _hold(self) -> None:
        """Keep frozen tools frozen (Engine.hold), on its own thread so a slow housekeeping
        pass (a hung network folder) never lets a resumed tool run on."""
        while not self._stop.is_set():
            if not self.engine.holding():
                # Woken by the next freeze (or now and then, to notice a stop request).
                self.engine.froze.wait(IDLE_HOLD_SECONDS)
                self.engine.froze.clear()
                continue
            if self._stop.wait(HOLD_SECONDS):
                return
            try:
                self.engine.hold()
            except Exception as exc:  # never let a check stop the guard
                self.engine.problem(f"checking frozen programs failed ({exc!r}); carrying on")

    def _housekeeping(self) -> None:
        while not self._stop.wait(
            HOUSEKEEPING_SECONDS if self.engine.busy() else IDLE_HOUSEKEEPING_SECONDS
        ):
            try:
                self.engine.housekeeping()
                self.inbox.poll()
                self._follow_updates()
            except Exception as exc:  # never let bookkeeping stop the guard
                self.engine.problem(f"housekeeping failed ({exc!r}); carrying on")
        self.inbox.close()


def _os_session_ender() -> Callable[[int], None] | None:
    """What ends one of the OS's own remote sessions: Windows logs a Remote Desktop session
    off; elsewhere there is none (a VNC server's session ends with its program)."""
    if current_os() != "windows":
        return None
    from guard.platform import _winapi  # noqa: PLC0415 - Windows only

    return _winapi.wts_logoff
