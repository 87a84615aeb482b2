"""Both process sources, chosen and fallen back from, on real processes."""

from __future__ import annotations

import threading

import psutil
import pytest

from guard.identify.evidence import Identification
from guard.identify.identifier import Identifier
from guard.identify.process import ProcessInfo
from guard.watch import proc_connector, process_watcher
from guard.watch.proc_connector import ConnectorOverflow, ConnectorUnavailable, ProcConnector
from guard.watch.process_source import SourceUnavailable
from guard.watch.process_watcher import ProcessWatcher
from tests.conftest import Spawner
from tests.helpers import wait_for


def _connector_works() -> bool:
    try:
        ProcConnector.open().close()
    except ConnectorUnavailable:
        return False
    return True


CONNECTOR = _connector_works()


class _Seen:
    def __init__(self, root: str) -> None:
        self.root = root
        self.tools: dict[int, str] = {}
        self.lock = threading.Lock()

    def __call__(self, info: ProcessInfo, verdict: Identification) -> None:
        if verdict.tool is not None and (info.exe or "").startswith(self.root):
            with self.lock:
                self.tools[info.pid] = verdict.tool.id


def _run(identifier: Identifier, spawn: Spawner, source: str) -> tuple[ProcessWatcher, _Seen]:
    seen = _Seen(str(spawn.root))
    watcher = ProcessWatcher(identifier, seen, print, interval=0.02, source=source)
    watcher.start()
    assert watcher.ready.wait(10)
    return watcher, seen


@pytest.mark.parametrize("source", ["polling", "proc-connector"])
def test_each_source_catches_direct_and_shell_launches(
    identifier: Identifier, spawn: Spawner, source: str
) -> None:
    if source == "proc-connector" and not CONNECTOR:
        pytest.skip("the kernel refuses the proc connector here (container or old kernel)")
    watcher, seen = _run(identifier, spawn, source)
    try:
        assert watcher.source == source
        direct = spawn.start("anydesk")
        shelled = [spawn.start_via_shell("teamviewer", delay=0.05) for _ in range(5)]
        wait_for(
            lambda: {direct.pid, *(p.pid for p in shelled)} <= set(seen.tools),
            message="every launch",
        )
    finally:
        watcher.stop()
    assert seen.tools[direct.pid] == "anydesk"


def test_auto_prefers_the_connector_and_falls_back_with_a_reason(
    identifier: Identifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    auto = ProcessWatcher(identifier, lambda *a: None, print, source="auto")
    assert auto.source == ("proc-connector" if CONNECTOR else "polling")
    auto.stop()

    def refuse(*_a: object, **_k: object) -> ProcConnector:
        raise ConnectorUnavailable("not permitted (needs CAP_NET_ADMIN on this kernel)")

    monkeypatch.setattr(proc_connector.ProcConnector, "open", refuse)
    fallback = ProcessWatcher(identifier, lambda *a: None, print, source="auto")
    assert fallback.source == "polling" and "CAP_NET_ADMIN" in fallback.fallback_reason
    with pytest.raises(SourceUnavailable, match="cannot be used here"):
        ProcessWatcher(identifier, lambda *a: None, print, source="proc-connector")


class _Overflowing:
    """A connector whose kernel queue overflowed once: events were lost."""

    def __init__(self) -> None:
        self.calls = 0

    def read_execs(self, timeout: float | None) -> list[int]:
        self.calls += 1
        if self.calls == 1:
            raise ConnectorOverflow([])
        threading.Event().wait(min(timeout or 0.01, 0.01))
        return []

    def take_forks(self) -> list[tuple[int, int]]:
        return []

    def close(self) -> None:
        pass


def test_lost_events_trigger_a_rescan_that_finds_the_tool(
    identifier: Identifier, spawn: Spawner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The tool starts while the (simulated) kernel queue is overflowing: no exec event for
    # it ever arrives, and the pid-diff safety net is pushed far out, so only the rescan
    # can find it.
    monkeypatch.setattr(process_watcher, "SAFETY_INTERVAL", 3600)
    tool = spawn.start("anydesk")
    wait_for(lambda: spawn.root.as_posix() in (_exe(tool.pid) or ""), message="exec")
    seen = _Seen(str(spawn.root))
    watcher = ProcessWatcher(identifier, seen, print, source="polling")
    watcher.poller.known = set()  # as if the initial scan had run before the tool started
    watcher.events = _Overflowing()  # type: ignore[assignment]
    reports: list[str] = []
    watcher.report = reports.append
    watcher._thread = threading.Thread(target=watcher._run_events, daemon=True)
    watcher.start()
    try:
        wait_for(lambda: tool.pid in seen.tools, message="the rescan to find the tool")
    finally:
        watcher.stop()
    assert watcher.overflows == 1 and "lost" in reports[0]


def _exe(pid: int) -> str | None:
    try:
        return psutil.Process(pid).exe()
    except psutil.Error:
        return None
