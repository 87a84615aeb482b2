"""The process side of the guard: one source of "a program just started", chosen per machine.

* Linux, where the kernel accepts the subscription: the netlink proc connector delivers an
  exec event within a millisecond (measured 0.66 ms spawn → frozen). The pid-set diff keeps
  running as a slow safety net (every ``SAFETY_INTERVAL``), and a full rescan follows any
  lost events (ENOBUFS), so nothing that started is ever missed for long.
* Everywhere else (Windows, macOS, Linux in a container or with an old kernel): the pid-set
  diff every ``interval`` with young pids re-checked (process_poller.py).

Windows ETW and macOS NSWorkspace sources would slot in here behind the same ``start``/
``stop`` and feed the same poller.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from guard.engine.lineage import Lineage
from guard.errors import ScamGuardError
from guard.identify.evidence import Identification
from guard.identify.identifier import Identifier
from guard.identify.process import ProcessInfo
from guard.watch.proc_connector import (
    ConnectorOverflow,
    ConnectorUnavailable,
    ProcConnector,
)
from guard.watch.process_poller import ProcessPoller

SOURCES = ("auto", "proc-connector", "polling")
# With exec events arriving, the pid diff is only a safety net (forks that never exec,
# anything the kernel failed to say): once a second costs almost nothing.
SAFETY_INTERVAL = 1.0
STOP_CHECK_SECONDS = 0.25  # how long a stop request may wait for the event socket

Sink = Callable[[ProcessInfo, Identification], None]


class SourceUnavailable(ScamGuardError):
    """The requested source cannot run here; one line."""


class ProcessWatcher:
    def __init__(
        self,
        identifier: Identifier,
        sink: Sink,
        report: Callable[[str], None],
        *,
        interval: float = 0.05,
        source: str = "auto",
        lineage: Lineage | None = None,
        interest: Callable[[int], bool] = lambda _pid: False,
    ):
        if source not in SOURCES:
            raise ValueError(f"unknown process source {source!r}")
        self.lineage = lineage if lineage is not None else Lineage()
        # Is this pid part of an incident? Then a process it started is looked at at once,
        # even before it runs a program of its own (a double fork at start-up).
        self.interest = interest
        self.poller = ProcessPoller(
            identifier, sink, interval=interval, on_other=sink, lineage=self.lineage
        )
        self.report = report
        self.interval = interval
        self.connector: ProcConnector | None = None
        self.source = "polling"
        self.fallback_reason = ""
        self.overflows = 0
        if source != "polling":
            self._open_connector(required=source == "proc-connector")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="process-watcher", daemon=True)
        self.ready = threading.Event()  # set once the initial scan is done

    def _open_connector(self, required: bool) -> None:
        try:
            self.connector = ProcConnector.open()
        except ConnectorUnavailable as exc:
            if required:
                raise SourceUnavailable(f"the proc connector cannot be used here: {exc}") from None
            self.fallback_reason = str(exc)
            return
        self.source = "proc-connector"

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join(timeout)
        if self.connector is not None:
            self.connector.close()

    def _run(self) -> None:
        try:
            self.poller.initial_scan()
        except Exception as exc:  # a partial first look is better than no watcher at all
            self.report(f"the first look at running programs failed part-way ({exc!r})")
        finally:
            self.ready.set()
        if self.connector is not None and not self._run_connector():
            return
        # A plain sleep, not Event.wait: on the VM this was measured on, each wakeup of a
        # timed Event.wait cost ~140 µs of CPU against ~100 µs for sleep, and at 20 ticks a
        # second that is most of the idle cost. Stopping waits at most one interval.
        while not self._stop.is_set():
            time.sleep(self.interval)
            self._tick()

    def _tick(self) -> None:
        try:
            self.poller.tick()
        except Exception as exc:  # one odd process must never stop the watcher
            self.report(f"a process check failed ({exc!r}); carrying on")

    def _look_at_forks_of_members(self, forks: list[tuple[int, int]]) -> None:
        """A process started by a tool member, or by something a member started, is looked
        at now (the engine adopts it), not at the next safety scan."""
        for child, parent in forks:
            if not (
                self.interest(parent) or any(map(self.interest, self.lineage.ancestors(parent)))
            ):
                continue
            try:
                self.poller.look_now(child)
            except Exception as exc:
                self.report(f"a process check failed ({exc!r}); carrying on")

    def _run_connector(self) -> bool:
        """Serve exec events until stopped (True) or the socket fails (False: poll instead)."""
        assert self.connector is not None
        next_tick = time.monotonic() + SAFETY_INTERVAL
        while not self._stop.is_set():
            try:
                wait = min(STOP_CHECK_SECONDS, max(0.0, next_tick - time.monotonic()))
                pids = self.connector.read_execs(wait)
            except ConnectorOverflow as overflow:
                self.report("process events were lost in a burst; checking every process again")
                self.overflows += 1
                try:
                    self.poller.rescan()
                except Exception as exc:
                    self.report(f"checking every process failed part-way ({exc!r})")
                pids = overflow.pids
            except OSError as exc:
                self.report(f"the proc connector failed ({exc}); falling back to polling")
                self.connector.close()
                self.connector = None
                self.source = "polling"
                return False
            forks = self.connector.take_forks() if self.connector is not None else []
            for child, parent in forks:
                self.lineage.record(child, parent)
            for pid in pids:
                try:
                    self.poller.look_now(pid)
                except Exception as exc:
                    self.report(f"a process check failed ({exc!r}); carrying on")
            self._look_at_forks_of_members(forks)
            if time.monotonic() >= next_tick:
                self._tick()
                next_tick = time.monotonic() + SAFETY_INTERVAL
        return True
