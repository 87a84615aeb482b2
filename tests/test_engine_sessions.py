"""Sessions and the bank, in the engine, on real processes (issue 16): a session joins its
tool's incident; a bank coming up while it is live freezes the tool, trusted and allowed ones
too; the way back is 10 minutes at most; without a session nothing happens. The session
monitor's own signals are tested in tests/test_session_*.py; here its changes are handed in
as it hands them."""

from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from guard.engine.engine import Engine
from guard.engine.incidents import AllowScope, DecisionError, State
from guard.engine.quarantine import Quarantine
from guard.identify.identifier import Identifier
from guard.identify.process import read_process
from guard.session.model import SessionChange
from guard.state.events import GuardEvent
from tests.conftest import Spawner
from tests.guard_rig import is_stopped
from tests.helpers import ManualClock, wait_for


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(1_000_000.0)


@pytest.fixture
def engine_for(
    tmp_path: Path, spawn: Spawner, clock: ManualClock
) -> Iterator[Callable[..., tuple[Engine, list[GuardEvent]]]]:
    made: list[Engine] = []

    def make(**options: Any) -> tuple[Engine, list[GuardEvent]]:
        options.setdefault("only_under", str(spawn.root))
        engine = Engine(Quarantine(tmp_path / "q"), clock=clock, **options)
        events: list[GuardEvent] = []
        engine.add_listener(lambda e, _v: events.append(e))
        made.append(engine)
        return engine, events

    yield make
    for engine in made:
        engine.close()


def _see(engine: Engine, identifier: Identifier, pid: int) -> None:
    info = wait_for(lambda: read_process(pid), message="the tool's process")
    engine.process_seen(info, identifier.identify_process(info))


def _connected(pid: int, tool: str = "anydesk", owner: str | None = None, *, since: float,
               started: bool = True) -> SessionChange:  # fmt: skip
    return SessionChange(
        started=started,
        tool_id=tool,
        pids=(pid,),
        owner=owner,
        signal="socket",
        peer="203.0.113.5:6568",
        evidence=f"{tool} (pid {pid}) is connected to 203.0.113.5:6568",
        since=since,
    )


def _started(
    engine: Engine, identifier: Identifier, spawn: Spawner, name: str
) -> tuple[subprocess.Popen[bytes], str]:
    """A stand-in tool started and seen by the engine: the process and its incident's id."""
    tool = spawn.start(name)
    _see(engine, identifier, tool.pid)
    return tool, _incident(engine)


def _incident(engine: Engine) -> str:
    (view,) = engine.incidents()
    return view.id


def test_a_session_joins_its_tools_incident_and_its_end_says_how_long(
    engine_for, identifier: Identifier, spawn: Spawner, clock: ManualClock
) -> None:
    engine, events = engine_for()
    tool, iid = _started(engine, identifier, spawn, "anydesk")
    assert [p.tool_id for p in engine.tool_processes()] == ["anydesk"]
    engine.session_changed(_connected(tool.pid, since=clock.now))
    view = engine.incident(iid)
    assert view.session is not None and view.session["peer"] == "203.0.113.5:6568"
    assert engine.live_sessions() == [iid]
    clock.now += 125
    engine.session_changed(_connected(tool.pid, since=clock.now - 125, started=False))
    engine.wait_delivered()
    started = next(e for e in events if e.kind == "session-started")
    ended = next(e for e in events if e.kind == "session-ended")
    assert started.incident == ended.incident == iid
    assert started.data["signal"] == "socket" and "203.0.113.5:6568" in started.data["evidence"]
    assert ended.data["seconds"] == 125 and "2 minutes" in ended.message
    assert engine.incident(iid).session is None and engine.live_sessions() == []


def test_the_bank_during_a_session_freezes_even_an_allowed_tool_and_the_way_back_is_short(
    engine_for, identifier: Identifier, spawn: Spawner, clock: ManualClock
) -> None:
    engine, events = engine_for()
    tool, iid = _started(engine, identifier, spawn, "anydesk")
    assert wait_for(lambda: is_stopped(tool.pid))
    engine.allow(iid, AllowScope("until-closed"))  # "I set this up myself", under pressure
    assert wait_for(lambda: not is_stopped(tool.pid))
    assert engine.banking_opened("Barclays") == []  # no session yet: nothing happens
    engine.session_changed(_connected(tool.pid, since=clock.now))
    assert engine.banking_opened("Barclays") == [iid]
    assert wait_for(lambda: is_stopped(tool.pid), message="frozen for the bank")
    view = engine.incident(iid)
    assert view.state is State.FROZEN and view.pending and view.banking == "Barclays"
    engine.wait_delivered()
    frozen = [e for e in events if e.kind == "frozen" and "bank (Barclays)" in e.message]
    assert frozen and tool.pid in frozen[-1].data["pids"]
    # The slow path keeps it on for 10 minutes at most, never "until it closes".
    with pytest.raises(DecisionError, match="10 minutes at most"):
        engine.allow(iid, AllowScope("until-closed"))
    with pytest.raises(DecisionError, match="10 minutes at most"):
        engine.allow(iid, AllowScope.parse("1h"))
    engine.allow(iid, AllowScope.parse("10m"))
    assert wait_for(lambda: not is_stopped(tool.pid))
    assert engine.incident(iid).banking is None  # the warning is answered
    assert engine.banking_opened("Barclays") == []  # the bank again within those 10 minutes
    clock.now += 601
    engine.housekeeping()  # the time allowed ran out: frozen again
    assert wait_for(lambda: is_stopped(tool.pid), message="frozen when the 10 minutes end")


def test_trust_means_may_run_not_may_watch_my_bank(
    engine_for, identifier: Identifier, spawn: Spawner, clock: ManualClock
) -> None:
    engine, _ = engine_for(trusted=lambda: {"teamviewer"})  # a family member's TeamViewer
    tool, iid = _started(engine, identifier, spawn, "teamviewer")
    assert engine.incident(iid).state is State.ALLOWED and not is_stopped(tool.pid)
    engine.session_changed(_connected(tool.pid, "teamviewer", since=clock.now))
    assert engine.banking_opened("HSBC UK") == [iid]
    assert wait_for(lambda: is_stopped(tool.pid), message="a trusted tool frozen for the bank")
    assert engine.incident(iid).banking == "HSBC UK"
    assert engine.banking_opened("HSBC UK") == []  # already waiting: told once
    engine.block(iid)  # "Disconnect now"
    assert wait_for(lambda: tool.poll() is not None, message="the tool's tree killed")


def test_the_bank_freezes_only_the_tools_that_concern_the_person_at_the_screen(
    engine_for, identifier: Identifier, spawn: Spawner, clock: ManualClock
) -> None:
    owners = {"anydesk": "ann", "teamviewer": "bob"}

    def person_of(pid: int | None, _path: str | None) -> str | None:
        info = read_process(pid) if pid else None
        name = (info.name or "").casefold().removesuffix(".exe") if info else ""
        return owners.get(name)

    engine, _ = engine_for(person_of=person_of, trusted=lambda: {"anydesk", "teamviewer"})
    anns, bobs = spawn.start("anydesk"), spawn.start("teamviewer")
    for proc in (anns, bobs):
        _see(engine, identifier, proc.pid)
    by_tool = {v.tool.id: v.id for v in engine.incidents()}
    engine.session_changed(_connected(anns.pid, "anydesk", "ann", since=clock.now))
    engine.session_changed(_connected(bobs.pid, "teamviewer", "bob", since=clock.now))
    assert engine.live_sessions("ann") == [by_tool["anydesk"]]
    assert engine.banking_opened("Monzo", person="ann") == [by_tool["anydesk"]]
    assert wait_for(lambda: is_stopped(anns.pid))
    assert not is_stopped(bobs.pid)  # Bob's, with his own session, is not touched


def test_a_session_of_a_tool_no_incident_holds_is_journalled_without_a_warning(
    engine_for, clock: ManualClock
) -> None:
    engine, events = engine_for()
    engine.session_changed(_connected(999_999, "windows-remote-desktop", since=clock.now))
    engine.wait_delivered()
    (event,) = [e for e in events if e.kind == "session-started"]
    assert event.incident is None and event.tool == "windows-remote-desktop"
    assert engine.incidents() == []


def test_disconnect_now_also_ends_the_operating_systems_own_remote_session(
    engine_for, identifier: Identifier, spawn: Spawner, clock: ManualClock
) -> None:
    """A Remote Desktop session is Windows' own: killing its helper programs does not end
    it, so "Disconnect now" (block) logs the session off through the platform adapter (here
    a stand-in for WTSLogoffSession, which cannot exist on Linux); a refusal is told."""
    ended: list[int] = []
    engine, _events = engine_for(end_os_session=ended.append)
    tool, iid = _started(engine, identifier, spawn, "anydesk")
    rdp = dataclasses.replace(_connected(tool.pid, since=clock.now), signal="os", os_session=2)
    engine.session_changed(rdp)
    engine.banking_opened("Barclays")
    engine.block(iid)
    assert ended == [2]
    assert wait_for(lambda: tool.poll() is not None)

    def refused(_session: int) -> None:
        raise PermissionError(5, "Access is denied")

    engine2, events2 = engine_for(end_os_session=refused)
    other, iid2 = _started(engine2, identifier, spawn, "teamviewer")
    engine2.session_changed(dataclasses.replace(rdp, tool_id="teamviewer", pids=(other.pid,)))
    engine2.block(iid2)
    engine2.wait_delivered()
    assert any(e.kind == "error" and "could not be ended" in e.message for e in events2)


def test_a_second_copy_of_a_trusted_tool_does_not_undo_the_bank_freeze(
    engine_for, identifier: Identifier, spawn: Spawner, clock: ManualClock
) -> None:
    """ "Click the TeamViewer icon again": the new copy joins the frozen incident and is
    frozen too; trust does not apply until the person has answered the banking warning."""
    engine, _ = engine_for(trusted=lambda: {"teamviewer"})
    first, iid = _started(engine, identifier, spawn, "teamviewer")
    engine.session_changed(_connected(first.pid, "teamviewer", since=clock.now))
    assert engine.banking_opened("Barclays") == [iid]
    second = spawn.start("teamviewer")
    _see(engine, identifier, second.pid)
    assert wait_for(lambda: is_stopped(second.pid), message="the second copy frozen")
    assert is_stopped(first.pid)
    view = engine.incident(iid)
    assert view.state is State.FROZEN and view.banking == "Barclays"


def test_the_ten_minute_cap_holds_while_the_session_lasts_and_ends_with_it(
    engine_for, identifier: Identifier, spawn: Spawner, clock: ManualClock
) -> None:
    engine, _ = engine_for()
    tool, iid = _started(engine, identifier, spawn, "anydesk")
    engine.session_changed(_connected(tool.pid, since=clock.now))
    engine.banking_opened("Barclays")
    engine.allow(iid, AllowScope.parse("10m"))
    with pytest.raises(DecisionError, match="10 minutes at most"):
        engine.allow(iid, AllowScope.parse("24h"))  # a command during the 10 minutes
    clock.now += 601
    engine.housekeeping()
    assert wait_for(lambda: is_stopped(tool.pid))
    assert engine.incident(iid).banking == "Barclays"  # the banking warning again
    with pytest.raises(DecisionError, match="10 minutes at most"):
        engine.allow(iid, AllowScope("until-closed"))
    # The session ends: the bank no longer holds it; the ordinary warning and rules apply.
    engine.session_changed(_connected(tool.pid, since=clock.now - 700, started=False))
    assert engine.incident(iid).banking is None
    engine.allow(iid, AllowScope("until-closed"))
    assert wait_for(lambda: not is_stopped(tool.pid))
