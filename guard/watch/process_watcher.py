"""The process side of the guard: one source of "a program just started", chosen per machine
(process_source.py chooses; this module runs it).

* With an event source (Linux, where the kernel accepts the subscription: the netlink proc
  connector delivers an exec event within a millisecond, measured 0.66 ms spawn → frozen),
  the pid-set diff keeps running as a slow safety net (every ``SAFETY_INTERVAL``), and a
  full rescan follows any lost events (ENOBUFS), so nothing that started is ever missed for
  long.
* Without one (Windows, macOS, Linux in a container or with an old kernel): the pid-set
  diff every ``interval`` with young pids re-checked (process_poller.py).

Either way each new process gets two looks: by its names at once on this thread, and by
its program file's content right after on the content-look thread (content_look.py), so a
renamed tool is caught without a name-based freeze ever waiting for a disk read.

Windows ETW and macOS NSWorkspace sources slot in to process_source.py's table behind the
same ``ProcessSource`` interface and feed the same poller.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from guard.engine.lineage import Lineage
from guard.identify.evidence import Identification
from guard.identify.identifier import Identifier
from guard.identify.process import ProcessInfo
from guard.watch import process_source
from guard.watch.content_look import ContentLook
from guard.watch.proc_connector import ConnectorOverflow
from guard.watch.process_poller import ProcessPoller
from guard.watch.process_source import SOURCES, ProcessSource

# With exec events arriving, the pid diff is only a safety net (forks that never exec,
# anything the kernel failed to say): once a second costs almost nothing.
SAFETY_INTERVAL = 1.0
STOP_CHECK_SECONDS = 0.25  # how long a stop request may wait for the event socket

Sink = Callable[[ProcessInfo, Identification], None]


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
        # The second look, by program-file content, on its own thread (content_look.py).
        self.content = ContentLook(identifier, self.poller.content_matched, report)
        self.poller.content = self.content
        self.report = report
        self.interval = interval
        chosen = process_source.choose(source)
        self.events: ProcessSource | None = chosen.events
        self.source = chosen.name  # "proc-connector" or "polling", as the CLI prints it
        self.title = chosen.title  # "the proc connector", for messages
        self.fallback_reason = chosen.fallback_reason
        self.overflows = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="process-watcher", daemon=True)
        self.ready = threading.Event()  # set once the initial scan is done
        self._rescan = threading.Event()

    def start(self) -> None:
        self.content.start()
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join(timeout)
        if self.events is not None:
            self.events.close()
        self.content.stop(timeout)

    def _run(self) -> None:
        try:
            self.poller.initial_scan()
        except Exception as exc:  # a partial first look is better than no watcher at all
            self.report(f"the first look at running programs failed part-way ({exc!r})")
        finally:
            self.ready.set()
        if self.events is not None and not self._run_events():
            return
        # A plain sleep, not Event.wait: on the VM this was measured on, each wakeup of a
        # timed Event.wait cost ~140 µs of CPU against ~100 µs for sleep, and at 20 ticks a
        # second that is most of the idle cost. Stopping waits at most one interval.
        while not self._stop.is_set():
            time.sleep(self.interval)
            self._tick()

    def rescan_soon(self) -> None:
        """Look at every process again on this watcher's own thread, at its next turn (the
        guard was held still from outside: what started meanwhile must be found)."""
        self._rescan.set()

    def _tick(self) -> None:
        try:
            if self._rescan.is_set():
                self._rescan.clear()
                self.poller.rescan()
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

    def _run_events(self) -> bool:
        """Serve exec events until stopped (True) or the source fails (False: poll instead)."""
        assert self.events is not None
        next_tick = time.monotonic() + SAFETY_INTERVAL
        while not self._stop.is_set():
            try:
                wait = min(STOP_CHECK_SECONDS, max(0.0, next_tick - time.monotonic()))
                pids = self.events.read_execs(wait)
            except ConnectorOverflow as overflow:
                self.report("process events were lost in a burst; checking every process again")
                self.overflows += 1
                try:
                    self.poller.rescan()
                except Exception as exc:
                    self.report(f"checking every process failed part-way ({exc!r})")
                pids = overflow.pids
            except OSError as exc:
                self.report(f"{self.title} failed ({exc}); falling back to polling")
                self.events.close()
                self.events = None
                self.source = process_source.POLLING
                return False
            forks = self.events.take_forks() if self.events is not None else []
            for child, parent in forks:
                self.lineage.record(child, parent)
            for pid in pids:
                try:
                    self.poller.look_now(pid)
                except Exception as exc:
                    self.report(f"a process check failed ({exc!r}); carrying on")
            self._look_at_forks_of_members(forks)
            if time.monotonic() >= next_tick or self._rescan.is_set():
                self._tick()
                next_tick = time.monotonic() + SAFETY_INTERVAL
        return True
