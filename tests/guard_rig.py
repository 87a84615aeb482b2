"""A live guard for tests: the real assembly (sources, engine, journal) confined to processes
under one temp folder and to temp download folders, with its events collected."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

from guard.engine.detection import OnDetect
from guard.identify.identifier import Identifier
from guard.live import GuardOptions, LiveGuard
from guard.platform import process_status
from guard.platform.remote_switches import SwitchAdapter
from guard.state.events import GuardEvent
from tests.helpers import wait_for


class Rig:
    def __init__(
        self,
        identifier: Identifier,
        only_under: Path,
        *,
        folders: list[Path] | None = None,
        on_detect: OnDetect = OnDetect.FREEZE,
        source: str = "polling",
        interval: float = 0.02,
        switches: SwitchAdapter | None = None,
    ):
        options = GuardOptions(
            on_detect=on_detect,
            interval=interval,
            source=source,
            default_folders=False,
            extra_folders=folders or [],
            only_under=only_under,
            switches=switches,  # the OS's remote-access settings, through a test's adapter
        )
        self.guard = LiveGuard(identifier, options)
        self.engine = self.guard.engine
        self.events: list[GuardEvent] = []
        self._lock = threading.Lock()
        self.engine.add_listener(self._collect)

    def _collect(self, event: GuardEvent, _incident: Any) -> None:
        with self._lock:
            self.events.append(event)

    def start(self) -> Rig:
        self.guard.start()
        return self

    def stop(self) -> None:
        self.guard.stop()

    def matching(self, kind: str, **fields: Any) -> list[GuardEvent]:
        with self._lock:
            return [
                e
                for e in self.events
                if e.kind == kind and all(getattr(e, k) == v for k, v in fields.items())
            ]

    def wait_event(
        self,
        kind: str,
        timeout: float = 5.0,
        where: Callable[[GuardEvent], bool] | None = None,
        **fields: Any,
    ) -> GuardEvent:
        def found() -> GuardEvent | None:
            hits = [e for e in self.matching(kind, **fields) if where is None or where(e)]
            return hits[0] if hits else None

        try:
            return wait_for(found, timeout=timeout, message=f"a {kind} event {fields}")
        except AssertionError as exc:  # say what the guard did instead (a flake's only clue)
            with self._lock:
                seen = "\n".join(f"  {e.kind}: {e.message}" for e in self.events[-20:])
            raise AssertionError(f"{exc}; the guard's last events:\n{seen}") from None


def status(pid: int) -> str:
    """psutil's status, through the platform layer the guard itself uses (on Windows it
    sees a suspension that psutil under Wine does not)."""
    try:
        return process_status(psutil.Process(pid))
    except psutil.NoSuchProcess:
        return "gone"


def is_stopped(pid: int) -> bool:
    return status(pid) == psutil.STATUS_STOPPED


def tree(pid: int) -> list[int]:
    try:
        return [pid] + [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []
