"""Every way protection goes off leaves a trace: the service's record of being on.

Scam callers say "turn off your antivirus", and an off-switch that leaves no trace is the one
they will use. The service therefore keeps a small record in its own state folder
(``health.json``, written with ``os.replace``: whole or not at all) and checks it:

- **At start**: the last run either stopped cleanly (``stopped`` and when, and why) or not
  (``running`` and its last heartbeat: killed, crashed, the power cut). Either way the time
  since is a gap, journalled as ``protection-off`` ("protection was off from X to Y"),
  unless the computer itself was off or restarting in between (the boot time moved past
  the stop), which is no one's trick and would be a notice at every start.
- **While running**: a ticker on the monotonic clock notices the service itself was
  paused (``kill -STOP``, a debugger): a tick that comes late by more than ``GAP_SECONDS``
  is a gap, journalled at once, and the process watcher looks at every process again so what
  started meanwhile is frozen. (The clock used does not run while the computer sleeps, so
  a laptop lid is not a gap: ``service_host.awake_clock``.)
- **From outside**: ``scamguard service check``, run by a timer unit, finds the service
  not answering and journals it once per gap with the unit's state (stopped, disabled,
  masked), so even a service that never starts again leaves the gap on record.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from guard import __version__, files
from guard.platform.service_host import awake_clock, system_stopping
from guard.state.events import EventKind, GuardEvent, iso

RECORD = "health.json"
SHUTDOWN = "the computer shut down"  # the stop reason when the OS is shutting down
TICK_SECONDS = 0.5
GAP_SECONDS = 1.5  # this long between two ticks: the whole service was held still
HEARTBEAT_SECONDS = 10.0  # how often "still running" is written: a kill is dated this closely
MAX_BYTES = 4096


@dataclass(frozen=True)
class Record:
    state: str  # "running" | "stopped"
    pid: int
    started: float
    last: float  # heartbeat, or the stop
    reason: str = ""
    boot: float = 0.0
    version: str = ""  # the ScamGuard that wrote it: a different one next time is an update


def read(folder: Path) -> Record | None:
    """The last run's record, or None (never ran here, or the record is damaged)."""
    try:
        raw = (folder / RECORD).read_bytes()[:MAX_BYTES]
        data = json.loads(raw.decode("utf-8"))
        return Record(
            state=str(data["state"]),
            pid=int(data["pid"]),
            started=float(data["started"]),
            last=float(data["last"]),
            reason=str(data.get("reason", "")),
            boot=float(data.get("boot", 0.0)),
            version=str(data.get("version", "")),
        )
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


def write(folder: Path, record: Record) -> None:
    data = {
        "state": record.state,
        "pid": record.pid,
        "started": record.started,
        "last": record.last,
        "reason": record.reason,
        "boot": record.boot,
        "version": record.version,
    }
    files.write_atomic(folder / RECORD, json.dumps(data).encode())


def boot_time() -> float:
    with contextlib.suppress(Exception):
        return float(psutil.boot_time())
    return 0.0


def gap_since(
    previous: Record | None, now: float, boot: float, version: str = __version__
) -> GuardEvent | None:
    """The ``protection-off`` event for the time since the last run, or None when there is
    nothing to say (first run, or the service stopped because the computer shut down and it
    has started since). A stop that was not a shutdown is a gap even across a restart
    (``systemctl stop``, then a reboot to cover it up)."""
    if previous is None:
        return None
    restarted = boot and previous.boot and boot > previous.boot + 1.0
    if previous.state == "stopped":
        if previous.reason == SHUTDOWN and restarted:
            return None  # stopped because the computer shut down or restarted
        if previous.version and previous.version != version and not restarted:
            # A new version installed (the package stops and starts the service): on
            # record, but nobody need be told.
            return off_event(previous.last, now, f"ScamGuard was updated to {version}",
                             notice=False)  # fmt: skip
        why = previous.reason or "stopped"
        how = f"the ScamGuard service was stopped ({why})"
        notice = True
    elif restarted:
        how = "the computer stopped without shutting down (a power cut or crash)"
        notice = False
    else:
        how = "the ScamGuard service was killed or crashed"
        notice = True
    return off_event(previous.last, now, how, notice=notice)


def off_event(start: float, end: float, how: str, *, notice: bool = True) -> GuardEvent:
    """One ``protection-off`` event: ``notice`` asks every person's tray to say it once."""
    return GuardEvent(
        EventKind.PROTECTION_OFF,
        f"protection was off from {_clock_time(start)} to {_clock_time(end)}: {how}",
        data={
            "from": iso(start),
            "to": iso(end),
            "seconds": round(end - start, 1),
            "how": how,
            "notice": notice,
        },
        time=end,
    )


def _clock_time(moment: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(moment))


class Health:
    """The running service's side: heartbeat, pause detection, the clean-stop record."""

    def __init__(
        self,
        folder: Path,
        record: Callable[[GuardEvent], Any],
        on_gap: Callable[[], Any],
        *,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] | None = None,
        tick: float = TICK_SECONDS,
        gap: float = GAP_SECONDS,
        heartbeat: float = HEARTBEAT_SECONDS,
        alive: Callable[[], Any] | None = None,
    ):
        self.folder = folder
        # Called on every tick: the service manager's watchdog hears the service is not
        # held still (guard/platform/sd_notify.py).
        self.alive = alive
        self.record = record
        self.on_gap = on_gap
        self.clock = clock
        # A clock that stands still while the computer sleeps: a closed laptop lid is no gap.
        self.monotonic = monotonic or awake_clock()
        self.tick = tick
        self.gap = gap
        self.heartbeat = heartbeat
        self._started = clock()
        self._boot = boot_time()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="health", daemon=True)

    def start(self) -> GuardEvent | None:
        """Journal the gap since the last run (returned too), then start the ticker."""
        event = gap_since(read(self.folder), self._started, self._boot)
        if event is not None:
            self.record(event)
        self._beat()
        self._thread.start()
        return event

    def stop(self, reason: str) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        if system_stopping():
            reason = SHUTDOWN
        with contextlib.suppress(OSError):
            write(
                self.folder,
                Record("stopped", _pid(), self._started, self.clock(), reason, self._boot,
                       __version__),
            )  # fmt: skip

    def _beat(self) -> None:
        with contextlib.suppress(OSError):  # a full disk: the next beat tries again
            write(
                self.folder,
                Record("running", _pid(), self._started, self.clock(), "", self._boot,
                       __version__),
            )  # fmt: skip

    def _run(self) -> None:
        last = self.monotonic()
        beat_at = last + self.heartbeat
        while not self._stop.wait(self.tick):
            now = self.monotonic()
            # Since the last tick (normally ``tick``): a pause of ``gap`` or more is always
            # seen, and only a thread kept from running for ``gap - tick`` (1 s) looks like one.
            if now - last > self.gap:
                end = self.clock()
                self.record(
                    off_event(
                        end - (now - last),
                        end,
                        "the ScamGuard service was "
                        "paused from outside (stopped, or held by a debugger)",
                    )
                )
                with contextlib.suppress(Exception):  # the rescan reports its own trouble
                    self.on_gap()
            last = now
            if self.alive is not None:
                with contextlib.suppress(Exception):  # never stops the ticker
                    self.alive()
            if now >= beat_at:
                self._beat()
                beat_at = now + self.heartbeat


def _pid() -> int:
    return os.getpid()
