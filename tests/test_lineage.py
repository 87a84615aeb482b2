"""A worker that double-forks away from a tool at start-up still joins the tool's incident:
the guard follows who started whom (lineage.py), not only live parent links."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator

import psutil
import pytest

from guard.engine.lineage import Lineage
from guard.identify.identifier import Identifier
from tests.conftest import Spawner
from tests.guard_rig import Rig, is_stopped
from tests.helpers import wait_for
from tests.test_process_watcher import CONNECTOR


def test_lineage_remembers_through_a_parent_that_is_gone() -> None:
    now = [0.0]
    lineage = Lineage(ttl=10, cap=100, clock=lambda: now[0])
    lineage.record(20, 10)  # the tool starts a go-between...
    lineage.record(30, 20)  # ...which starts the worker and exits
    assert lineage.ancestors(30) == [20, 10]
    assert lineage.descendants(10) == [20, 30]
    lineage.record(30, 99)  # pid 30 reused later by an unrelated start: re-recorded
    assert lineage.ancestors(30) == [99] and lineage.descendants(10) == [20]
    now[0] = 11.0
    lineage.record(40, 41)  # the old entries are forgotten
    assert lineage.descendants(10) == [] and len(lineage) == 1


def test_lineage_is_bounded_and_never_loops() -> None:
    lineage = Lineage(cap=3)
    for child in range(1, 10):
        lineage.record(child + 100, child + 99)
    assert len(lineage) == 3
    lineage.record(1, 2)
    lineage.record(2, 1)  # a loop (pids reused in a circle)
    assert lineage.ancestors(1) == [2]


@pytest.fixture
def orphans(spawn: Spawner) -> Iterator[list[str]]:
    """Paths of programs whose processes a test orphans on purpose: killed at the end."""
    paths: list[str] = []
    yield paths
    for proc in psutil.process_iter(["exe"]):
        if proc.info["exe"] in paths:
            with contextlib.suppress(psutil.Error):
                proc.resume()
                proc.kill()


@pytest.mark.skipif(not CONNECTOR, reason="the proc connector is not available here")
def test_a_worker_double_forked_before_the_freeze_is_frozen_with_the_tool(
    identifier: Identifier, spawn: Spawner, orphans: list[str]
) -> None:
    worker = spawn.binary("helperx")  # not a tool's name: only its ancestry gives it away
    tool = spawn.binary("anydesk")
    orphans.append(str(worker))
    rig = Rig(identifier, spawn.root, source="proc-connector").start()
    try:
        # The pid that becomes AnyDesk first starts a subshell that starts the worker and
        # exits, so the worker's parent is init by the time AnyDesk is seen.
        script = f"( exec '{worker}' 30 & ) ; sleep 0.3 ; exec '{tool}' 30"
        launcher = subprocess.Popen(["sh", "-c", script])
        spawn.children.append(launcher)  # type: ignore[arg-type]
        workers = wait_for(
            lambda: [p for p in psutil.process_iter(["exe"]) if p.info["exe"] == str(worker)],
            message="the worker running",
        )
        assert workers[0].ppid() != launcher.pid  # no live link back to the tool
        rig.wait_event("frozen", pid=launcher.pid)
        wait_for(lambda: is_stopped(workers[0].pid), message="the orphaned worker frozen")
        [view] = rig.engine.incidents()
        assert workers[0].pid in {p["pid"] for p in view.processes}
    finally:
        rig.stop()
