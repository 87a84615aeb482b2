"""SessionMonitor: a thread that tells, each tick, whether someone is connected through a
running remote-access tool, and reports each session's start and end.

Each tick it asks ``processes()`` which tool processes to look at (frozen, allowed, trusted or
unknown to the incident list: the engine decides), reads their connections and traffic
(``sockets.ProcessReader``), the new lines of their connection logs (``logs.LogTailer``), and
the OS's own remote sessions (``os_signals``), and lets the pure ``decide`` say, per tool and
owner, whether a session is live. A session starts on the first tick with a signal and ends
after ``end_after`` seconds with none (a log line keeps a session live while the tool stays
connected to someone). A process that vanishes or cannot be read mid-look is skipped; nothing
raises out of the thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import psutil

from guard.platform import Account
from guard.session.decide import LogHit, OsHit, Verdict, decide
from guard.session.logs import LogTailer, owner_folders
from guard.session.model import ProcessLook, SessionChange, SessionRules, Signal, ToolProcess
from guard.session.os_signals import PROCESS_BOUND, OsSessions
from guard.session.sockets import ProcessReader

log = logging.getLogger(__name__)

Key = tuple[str, str | None]  # (tool id, owner)
T = TypeVar("T")
# An end is declared this long after the last tick that saw the session (the disconnect came
# after that tick): 0.5 s inside the 2 s the issue allows from disconnect to session-ended,
# for a tick kept waiting on a busy machine. A TCP session does not flicker; traffic and log
# sessions have holds of their own.
END_AFTER = 1.5
TICK_ALLOWANCE = 0.1  # seconds: what one tick takes to look and report, at most (benchmark)
# A session seen by its traffic stays open this long below the threshold while the tool is
# still connected (only a disconnect ends it sooner).
TRAFFIC_HOLD = 60.0
# An OS event may be stamped a little before the process that caused it is seen to start
# (clock granularity, the event written as the process came up).
CLOCK_SLACK = 2.0


@dataclass(slots=True)
class _Open:
    start: SessionChange
    last_seen: float
    log_hold: bool = False


class SessionMonitor:
    """Watches for live sessions; ``on_change`` is called (from the monitor's thread, or from
    ``check_now``'s caller) with each start and end."""

    def __init__(
        self,
        rules_for: Callable[[str], SessionRules | None],
        processes: Callable[[], Iterable[ToolProcess]],
        on_change: Callable[[SessionChange], None],
        *,
        interval: float = 1.0,
        clock: Callable[[], float] = time.time,
        os_sessions: OsSessions | None = None,
        end_after: float = END_AFTER,
        reader: ProcessReader | None = None,
        tailer: LogTailer | None = None,
    ):
        self.rules_for = rules_for
        self.processes = processes
        self.on_change = on_change
        self.interval = interval
        self.clock = clock
        self.os_sessions = os_sessions
        self.end_after = end_after
        self.reader = reader or ProcessReader()
        self.tailer = tailer or LogTailer()
        self._open: dict[Key, _Open] = {}
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.ticks = 0

    # --- the seam ---

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="session-monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def live(self) -> list[SessionChange]:
        """The sessions open now, as their start changes."""
        with self._lock:
            return [o.start for o in self._open.values()]

    def check_now(self) -> list[SessionChange]:
        """One tick, synchronously; returns (and reports) the changes it found."""
        with self._lock:
            changes = self._tick()
        for change in changes:
            try:
                self.on_change(change)
            except Exception:  # a listener's bug must not stop the monitor
                log.exception("session listener failed on %s", change)
        return changes

    # --- the loop ---

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.check_now()
            except Exception:  # never out of the thread: log, and look again next tick
                log.exception("session monitor tick failed")
            self._stop.wait(self._next_wait())

    def _next_wait(self) -> float:
        """A tick interval, or less when an open session's end falls due sooner: an end is
        declared at exactly ``end_after`` after the last tick that saw the session, which was
        before the disconnect, so the end is reported within ``end_after`` of it."""
        now = self.clock()
        wait = self.interval
        with self._lock:
            for opened in self._open.values():
                if opened.last_seen < now:  # not seen in the tick just made
                    due = opened.last_seen + self.end_after - TICK_ALLOWANCE
                    wait = min(wait, due - now)
        return max(0.01, wait)

    def _tick(self) -> list[SessionChange]:
        self.ticks += 1
        now = self.clock()
        groups: dict[Key, list[ToolProcess]] = {}
        for tool in _safe(self.processes, "the tool processes"):
            groups.setdefault((tool.tool_id, tool.owner), []).append(tool)
        self.reader.forget_except({ProcessReader.key(t) for ts in groups.values() for t in ts})
        os_hits: dict[Key, list[OsHit]] = {}
        if (os_sessions := self.os_sessions) is not None:
            running = frozenset(tool_id for tool_id, _owner in groups)
            for s in _safe(lambda: os_sessions(running), "the OS's remote sessions"):
                rules = self.rules_for(s.tool_id)
                if rules is None or rules.os != s.signal:
                    continue
                if s.signal not in PROCESS_BOUND:
                    hit = OsHit(s.signal, s.peer, s.evidence, s.session_id)
                    os_hits.setdefault((s.tool_id, s.owner), []).append(hit)
                    continue
                # Only for the tool's running processes, and only if it came after the
                # oldest of them started (an old session's event is not today's).
                for key, tools in groups.items():
                    oldest = min(t.create_time for t in tools)
                    if key[0] == s.tool_id and (s.at is None or s.at >= oldest - CLOCK_SLACK):
                        held = tuple(sorted({t.pid for t in tools}))
                        hit = OsHit(s.signal, s.peer, s.evidence, s.session_id, held)
                        os_hits.setdefault(key, []).append(hit)
        changes: list[SessionChange] = []
        seen: set[Key] = set()
        for key in {*groups, *os_hits}:
            rules = self.rules_for(key[0])
            if rules is None:
                continue
            opened = self._open.get(key)
            verdict = self._look(key, rules, groups.get(key, []), os_hits.get(key, []), opened)
            signal = verdict.signal
            if signal is None and opened is not None and opened.log_hold and verdict.connected:
                signal = Signal("log", opened.start.pids, "", "")  # still connected
            if (
                signal is None
                and opened is not None
                and opened.start.signal == "traffic"
                and verdict.connected
                and now - opened.last_seen < TRAFFIC_HOLD
            ):
                # A caller who only watches moves little: a quiet minute in a session that
                # is still connected does not end it (and a bank opened then still freezes).
                seen.add(key)
                continue
            if signal is None:
                continue
            seen.add(key)
            if opened is None:
                start = SessionChange(
                    started=True,
                    tool_id=key[0],
                    pids=signal.pids,
                    owner=key[1],
                    signal=signal.kind,
                    peer=signal.peer,
                    evidence=signal.evidence,
                    since=now,
                    os_session=signal.os_session,
                )
                self._open[key] = _Open(start, now, log_hold=signal.kind == "log")
                changes.append(start)
            else:
                opened.last_seen = now
                opened.log_hold = opened.log_hold or signal.kind == "log"
        # An end: no signal for end_after, counted from the last tick that saw one, less the
        # time a tick takes to look and report (so the report itself lands within end_after).
        for key, opened in list(self._open.items()):
            if key in seen or now - opened.last_seen < self.end_after - TICK_ALLOWANCE:
                continue
            del self._open[key]
            start = opened.start
            lasted = max(0.0, now - start.since)
            changes.append(
                SessionChange(
                    started=False,
                    tool_id=start.tool_id,
                    pids=start.pids,
                    owner=start.owner,
                    signal=start.signal,
                    peer=start.peer,
                    evidence=f"{_label(start)}: no connection, traffic or log line for "
                    f"{self.end_after:g} s; the session lasted {lasted:.0f} s",
                    since=start.since,
                    os_session=start.os_session,
                )
            )
        return changes

    def _owner_folders(
        self, tools: list[ToolProcess]
    ) -> tuple[Account | None, list[dict[str, str]]]:
        """The owner's account and per-user folders for its logs when this monitor runs as
        another account (the service); (None, []) when it runs as the owner, whose own
        environment already says (guard/session/logs.py). One owner per group: the first
        process whose account is known answers."""
        for tool in tools:
            account = self.reader.account(tool)
            if account is None:
                continue
            own = self.reader.own_account()
            if own is not None and own.owner == account.owner:
                return None, []
            env = self.reader.environ(tool)
            return account, owner_folders(account.profile, self.tailer.os_name, env)
        return None, []

    def _look(
        self,
        key: Key,
        rules: SessionRules,
        tools: list[ToolProcess],
        os_hits: list[OsHit],
        opened: _Open | None,
    ) -> Verdict:
        looks: list[ProcessLook] = []
        rate: float | None = None
        for tool in tools:
            try:
                look, proc_rate = self.reader.look(tool, fresh=opened is not None)
            except psutil.Error:
                continue  # gone, replaced or unreadable: skipped this tick
            except OSError as exc:
                log.debug("cannot look at pid %s: %s", tool.pid, exc)
                continue
            looks.append(look)
            if proc_rate is not None:
                rate = (rate or 0.0) + proc_rate
        log_hits: list[LogHit] = []
        if rules.logs is not None and tools:
            try:
                account, folders = self._owner_folders(tools)
                log_hits = self.tailer.new_hits(rules.logs, key[1], account, folders)
            except Exception:  # a log must never stop the monitor
                log.exception("reading %s's logs failed", key[0])
        name = looks[0].name if looks else key[0]
        return decide(name, rules, looks, rate=rate, log_hits=log_hits, os_hits=os_hits)


def _label(start: SessionChange) -> str:
    return f"{start.tool_id} (pid {start.pids[0]})" if start.pids else start.tool_id


def _safe(source: Callable[[], Iterable[T]], what: str) -> list[T]:
    """What ``source`` gives, or nothing (logged) when it fails."""
    try:
        return list(source())
    except Exception:
        log.exception("could not read %s", what)
        return []
