"""History entries for tools that have gone read "ended", not "frozen" forever.

A guard that stops leaves a frozen tool frozen (stopping is not a decision), and the journal
records no more about that incident: a guard started again gives a tool it finds a new
incident. ``guard.history.build`` (the CLI's ``history``, the tray's History window, the
recovery pack) reads such an incident as ended once nothing of the tool is left. Tested with
a real guard, a real stand-in tool frozen by it, and the real journal."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from guard.history import build, process_alive
from guard.identify.identifier import Identifier
from guard.state.events import EventKind
from guard.state.journal import read
from guard.state.paths import journal_path
from tests.conftest import Spawner, run_cli
from tests.guard_rig import Rig, status
from tests.helpers import not_on_windows, wait_for
from ui.windows.history import entries_from, outcome


def the_incident(incident_id: str, **kwargs: Any) -> dict[str, Any]:
    [found] = [
        i
        for i in build(read(journal_path()), **kwargs)["incidents"]
        if i["incident"] == incident_id
    ]
    return found


@not_on_windows("SIGKILL of a stopped (frozen) process, and /bin/sleep as the stand-in tool")
def test_a_frozen_tool_that_goes_after_the_guard_stopped_reads_ended(
    identifier: Identifier, spawn: Spawner
) -> None:
    tool = spawn.start("anydesk")
    rig = Rig(identifier, spawn.root).start()
    try:
        frozen = rig.wait_event("frozen", pid=tool.pid)
    finally:
        rig.stop()  # the tray quit: the tool stays frozen
    incident = frozen.incident or ""
    # Still frozen on the computer: the history says so, truthfully.
    assert status(tool.pid) == "stopped"
    still = the_incident(incident)
    assert still["state"] == "frozen" and "gone" not in still
    # The person switches off, or kills it: nothing of it is left.
    tool.send_signal(signal.SIGKILL)
    tool.wait(timeout=10)
    wait_for(lambda: not process_alive(tool.pid, frozen.time), message="the tool to be gone")
    gone = the_incident(incident)
    assert gone["state"] == "ended" and gone["gone"] is True
    # The History window words it from the same build: "Frozen, then closed".
    [entry] = [e for e in entries_from(read(journal_path())) if e["incident"] == incident]
    assert outcome(entry) == "Frozen, then closed"
    # And the CLI says it closed after the guard stopped.
    shown = run_cli("history", "--incident", incident)
    assert shown.returncode == 0, shown.stderr
    assert "AnyDesk: ended" in shown.stdout
    assert "closed after the guard stopped" in shown.stdout


def rows(*events: tuple[str, str | None, int | None, dict[str, Any]]) -> list[dict[str, Any]]:
    """Journal rows as ``journal.read`` returns them, one second apart."""
    return [
        {
            "seq": n,
            "time": 1_000.0 + n,
            "kind": kind,
            "incident": incident,
            "tool": "anydesk" if incident else None,
            "name": "AnyDesk" if incident else None,
            "pid": pid,
            "path": None,
            "message": kind,
            "data": data,
        }
        for n, (kind, incident, pid, data) in enumerate(events)
    ]


RUN = [
    (EventKind.STARTED, None, None, {}),
    (EventKind.DETECTED, "i1", 4242, {}),
    (EventKind.FROZEN, "i1", 4242, {"pids": [4242, 4243]}),
]


@pytest.mark.parametrize(
    ("end", "alive", "state"),
    [
        ([], set(), "frozen"),  # the guard still runs: its engine speaks for the incident
        ([(EventKind.STOPPED, None, None, {})], set(), "ended"),
        ([(EventKind.STOPPED, None, None, {})], {4243}, "frozen"),  # a helper still frozen
        ([(EventKind.STARTED, None, None, {})], set(), "ended"),  # a crash, then a new run
    ],
)
def test_which_incidents_are_read_as_ended(end: list, alive: set[int], state: str) -> None:
    asked: list[int] = []

    def is_alive(pid: int, _seen: float) -> bool:
        asked.append(pid)
        return pid in alive

    [incident] = build(rows(*RUN, *end), alive=is_alive)["incidents"]
    assert incident["state"] == state
    assert incident.get("gone", False) is (state == "ended")
    if end:
        assert set(asked) <= {4242, 4243} and asked


def test_a_decided_incident_is_never_rewritten() -> None:
    """Blocked, allowed or ended by the engine: the journal's word stands."""
    for kind in (EventKind.BLOCKED, EventKind.ALLOWED, EventKind.ENDED):
        events = rows(*RUN, (kind, "i1", None, {}), (EventKind.STOPPED, None, None, {}))
        [incident] = build(events, alive=lambda _pid, _seen: False)["incidents"]
        assert incident["state"] == kind and "gone" not in incident


def test_an_installer_alone_ends_when_the_file_has_gone(tmp_path: Path) -> None:
    installer = tmp_path / "AnyDesk.exe"
    installer.write_bytes(b"MZ")
    events = rows((EventKind.INSTALLER, "i2", None, {}), (EventKind.STOPPED, None, None, {}))
    events[0]["path"] = str(installer)
    [incident] = build(events)["incidents"]
    assert incident["state"] == "detected"  # still in Downloads: a decision is still due
    installer.unlink()
    [incident] = build(events)["incidents"]
    assert incident["state"] == "ended" and incident["gone"] is True


def test_a_reused_pid_is_not_the_tool(spawn: Spawner) -> None:
    """A pid now used by a program started after the journal saw the tool: it has gone."""
    other = spawn.start("not-a-tool")
    assert process_alive(other.pid, seen_at=2**31)  # seen after it started: it is that one
    assert not process_alive(other.pid, seen_at=1_000.0)  # seen long before it started
