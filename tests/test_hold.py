"""A frozen tool stays frozen: resumed from outside, it is frozen again at once and the
journal says so; one that cannot be held is closed, and its incident says why.

Each way a caller can wake a frozen tool is done for real: ``kill -CONT``, a loop of them, a
ptrace launcher that swallows every stop, and the kernel's own SIGCONT to a stopped process
group that is orphaned when its parent exits.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from guard.engine.holding import HOLD_LIMIT
from guard.engine.removals import COULD_NOT_HOLD
from guard.identify.identifier import Identifier
from guard.state import journal
from guard.state.paths import journal_path
from tests.conftest import Spawner
from tests.guard_rig import Rig, is_stopped, status
from tests.helpers import keep_resuming, wait_for

PROGRAMS = Path(__file__).parent / "programs"


@pytest.fixture
def rig(identifier: Identifier, spawn: Spawner) -> Iterator[Rig]:
    r = Rig(identifier, spawn.root).start()
    yield r
    r.stop()


@pytest.fixture
def strays() -> Iterator[list[psutil.Process]]:
    """Processes a test started that left its tree (orphans, traced children): always killed
    at the end, by identity (pid and start time), never a reused pid."""
    found: list[psutil.Process] = []
    yield found
    for proc in found:
        with contextlib.suppress(psutil.Error):
            proc.resume()
            proc.kill()


def _gone(pid: int) -> bool:
    return status(pid) in ("gone", psutil.STATUS_ZOMBIE)


def test_kill_cont_is_undone_at_once_and_journalled(rig: Rig, spawn: Spawner) -> None:
    tool = spawn.start("anydesk")
    rig.wait_event("frozen", pid=tool.pid)
    wait_for(lambda: is_stopped(tool.pid), message="frozen")
    os.kill(tool.pid, signal.SIGCONT)  # what a caller dictates: "type kill -CONT ..."
    event = rig.wait_event("resumed-from-outside", timeout=5)
    assert event.data["refrozen"] is True and tool.pid in event.data["pids"]
    wait_for(lambda: is_stopped(tool.pid), message="frozen again")
    [view] = rig.engine.incidents()
    assert view.state == "frozen"
    assert [p["resumed_from_outside"] for p in view.processes] == [1]
    rig.engine.wait_delivered()
    rig.guard.journal.flush()
    kinds = [e["kind"] for e in journal.read(journal_path())]
    assert "resumed-from-outside" in kinds


def test_a_tool_resumed_again_and_again_is_closed_and_says_why(rig: Rig, spawn: Spawner) -> None:
    tool = spawn.start("anydesk")
    rig.wait_event("frozen", pid=tool.pid)
    wait_for(lambda: is_stopped(tool.pid), message="frozen")
    with keep_resuming(tool.pid):  # a script the caller left running
        blocked = rig.wait_event("blocked", timeout=10)
    assert blocked.data["reason"] == COULD_NOT_HOLD
    assert "could not be kept stopped" in blocked.message
    wait_for(lambda: _gone(tool.pid), message="the tool closed")
    [view] = rig.engine.incidents()
    assert view.state == "blocked"
    assert any("could not be kept stopped" in p for p in view.problems)
    tries = rig.matching("resumed-from-outside")
    assert len(tries) == HOLD_LIMIT and tries[-1].data["refrozen"] is False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ptrace launcher is Linux's")
def test_a_ptrace_launcher_that_swallows_the_stop_gets_the_tool_closed(
    rig: Rig, spawn: Spawner, strays: list[psutil.Process]
) -> None:
    binary = spawn.binary("anydesk")
    launcher = subprocess.Popen(
        [sys.executable, str(PROGRAMS / "ptrace_launcher.py"), str(binary), "30"],
        stdout=subprocess.PIPE,
        text=True,
    )
    spawn.children.append(launcher)  # type: ignore[arg-type]
    assert launcher.stdout is not None
    pid = int(launcher.stdout.readline())
    strays.append(psutil.Process(pid))
    blocked = rig.wait_event("blocked", timeout=10)
    assert blocked.data["reason"] == COULD_NOT_HOLD
    wait_for(lambda: _gone(pid), message="the traced tool closed")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX job control")
def test_the_kernels_sigcont_to_an_orphaned_group_is_undone(
    rig: Rig, spawn: Spawner, strays: list[psutil.Process]
) -> None:
    binary = spawn.binary("anydesk")
    parent = subprocess.Popen(
        [sys.executable, str(PROGRAMS / "orphan_group.py"), str(binary), "30"],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    spawn.children.append(parent)  # type: ignore[arg-type]
    assert parent.stdout is not None
    pid = int(parent.stdout.readline())
    strays.append(psutil.Process(pid))
    rig.wait_event("frozen", pid=pid)
    wait_for(lambda: is_stopped(pid), message="frozen")
    parent.kill()  # its group is orphaned: the kernel sends SIGHUP (ignored) and SIGCONT
    parent.wait()
    event = rig.wait_event("resumed-from-outside", timeout=5)
    assert pid in event.data["pids"] and event.data["refrozen"] is True
    wait_for(lambda: is_stopped(pid), message="frozen again")


def test_an_allowed_tool_resumed_by_the_person_is_not_a_resume_from_outside(
    rig: Rig, spawn: Spawner
) -> None:
    from guard.engine.incidents import AllowScope

    tool = spawn.start("anydesk")
    frozen = rig.wait_event("frozen", pid=tool.pid)
    rig.engine.allow(frozen.incident or "", AllowScope.parse("1h"))
    wait_for(lambda: not is_stopped(tool.pid), message="running")
    rig.engine.hold()
    assert not rig.matching("resumed-from-outside")
    assert not is_stopped(tool.pid)
