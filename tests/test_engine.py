"""The live guard on real processes: freeze first, whole trees, one incident, decisions."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from guard.engine import detection, handles
from guard.engine.detection import OnDetect
from guard.engine.engine import Engine
from guard.engine.exemptions import in_system_folder
from guard.engine.incidents import AllowScope, DecisionError, State
from guard.engine.process_tree import ProcessControl
from guard.engine.quarantine import Quarantine
from guard.identify.identifier import Identifier
from guard.identify.process import read_process
from tests.conftest import Spawner
from tests.guard_rig import Rig, is_stopped, status, tree
from tests.helpers import wait_for

EngineFactory = Callable[..., Engine]


@pytest.fixture
def make_engine(tmp_path: Path, spawn: Spawner) -> Iterator[EngineFactory]:
    """Engines confined to this test's processes (unless told otherwise), closed after."""
    made: list[Engine] = []

    def make(**options: Any) -> Engine:
        options.setdefault("only_under", str(spawn.root))
        engine = Engine(Quarantine(tmp_path / "q"), **options)
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.close()


@pytest.fixture
def rig(identifier: Identifier, spawn: Spawner) -> Iterator[Rig]:
    r = Rig(identifier, spawn.root).start()
    yield r
    r.stop()


def _children(proc_pid: int, count: int) -> list[int]:
    return wait_for(
        lambda: (kids := tree(proc_pid)[1:]) and len(kids) >= count and kids,
        message=f"{count} children",
    )


def test_tool_and_whole_tree_frozen_benign_left_running(
    identifier: Identifier, spawn: Spawner
) -> None:
    benign = spawn.start("notepad")
    tool = spawn.start_shell("anydesk", "sleep 30 & sleep 30 & wait")
    _children(tool.pid, 2)  # the tree exists before the guard looks (its startup scan)
    rig = Rig(identifier, spawn.root).start()
    try:
        _check_whole_tree_frozen(rig, tool.pid, benign.pid)
    finally:
        rig.stop()


def _check_whole_tree_frozen(rig: Rig, tool_pid: int, benign_pid: int) -> None:
    event = rig.wait_event("frozen", where=lambda e: tool_pid in e.data["pids"])
    members = tree(tool_pid)
    assert len(members) == 3
    wait_for(lambda: all(is_stopped(p) for p in members), message="the whole tree stopped")
    assert set(event.data["pids"]) == set(members)  # children in the same freeze
    assert status(benign_pid) != psutil.STATUS_STOPPED
    view = rig.engine.incident(event.incident)
    assert view.state is State.FROZEN and view.pending
    assert {p["pid"] for p in view.processes} == set(members)


def test_fork_then_exec_launch_is_frozen(rig: Rig, spawn: Spawner) -> None:
    launched = [spawn.start_via_shell("teamviewer", delay=0.1) for _ in range(3)]
    for proc in launched:
        rig.wait_event("frozen", where=lambda e, p=proc: p.pid in e.data["pids"])
        assert is_stopped(proc.pid)
    assert len({e.incident for e in rig.matching("detected")}) == 1


def test_block_kills_the_tree(rig: Rig, spawn: Spawner) -> None:
    tool = spawn.start_shell("anydesk", "sleep 30 & wait")
    event = rig.wait_event("frozen")
    members = tree(tool.pid)
    view = rig.engine.block(event.incident)
    assert view.state is State.BLOCKED
    wait_for(
        lambda: all(status(p) in ("gone", psutil.STATUS_ZOMBIE) for p in members),
        message="the tree to die",
    )
    blocked = rig.wait_event("blocked")
    assert set(blocked.data["killed"]) == set(members)
    with pytest.raises(DecisionError):
        rig.engine.allow(event.incident, AllowScope("until-closed"))


def test_relaunch_after_block_joins_and_is_killed(rig: Rig, spawn: Spawner) -> None:
    first = spawn.start("anydesk")
    event = rig.wait_event("frozen")
    rig.engine.block(event.incident)
    again = spawn.start("anydesk")
    wait_for(lambda: status(again.pid) in ("gone", psutil.STATUS_ZOMBIE), message="relaunch killed")
    wait_for(lambda: len(rig.matching("blocked")) == 2, message="the second blocked event")
    assert {e.incident for e in rig.matching("detected")} == {event.incident}
    assert "removed again" in rig.matching("blocked")[1].message
    assert status(first.pid) in ("gone", psutil.STATUS_ZOMBIE)
    # Never in silence: the tray shows a small notice for this event.
    notice = rig.wait_event("stopped-again", incident=event.incident)
    assert notice.message == "AnyDesk tried to start again and was stopped"
    assert notice.data["what"] == "process"
    assert len(rig.matching("stopped-again")) == 1  # the first Remove is no "again"


def test_a_tool_that_cannot_be_opened_for_a_moment_is_still_frozen(
    identifier: Identifier, spawn: Spawner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen under Wine: a process a few ms old is listed but cannot be opened yet, and the
    guard called it "started and closed at once". It is asked again while still listed."""
    tool = spawn.start("anydesk")
    refusals = [2]
    real = handles.handle_of

    def handle_of(info: Any) -> psutil.Process | None:
        if info.pid == tool.pid and refusals[0]:
            refusals[0] -= 1
            return None  # what psutil said: no such process
        return real(info)

    monkeypatch.setattr(handles, "handle_of", handle_of)
    monkeypatch.setattr(detection, "handle_of", handle_of)  # wherever the engine opens it
    rig = Rig(identifier, spawn.root).start()
    try:
        frozen = rig.wait_event("frozen", pid=tool.pid)
        assert refusals == [0] and is_stopped(tool.pid)
        assert not [e for e in rig.events if "closed at once" in e.message]
        assert frozen.incident and rig.matching("detected")[0].message.startswith(
            "AnyDesk was started"
        )
    finally:
        rig.stop()


def test_a_tool_that_really_ended_is_not_waited_for(spawn: Spawner) -> None:
    tool = spawn.start("anydesk")
    info = wait_for(lambda: read_process(tool.pid), message="the tool to be readable")
    tool.kill()
    tool.wait()  # reaped: the pid is no longer listed
    waits: list[float] = []
    assert handles.open_process(info, sleep=waits.append) is None
    assert waits == []


def test_allow_until_closed_resumes_then_ends(rig: Rig, spawn: Spawner) -> None:
    tool = spawn.start_shell("anydesk", "sleep 30 & wait")
    event = rig.wait_event("frozen")
    members = tree(tool.pid)
    view = rig.engine.allow(event.incident, AllowScope.parse("until-closed"))
    assert view.state is State.ALLOWED and view.allow == "until it closes"
    wait_for(lambda: not any(is_stopped(p) for p in members), message="the tree to resume")
    # A helper started while allowed joins the incident and is not frozen.
    helper = spawn.start_shell("anydesk", "sleep 30; true")
    wait_for(
        lambda: helper.pid in {p["pid"] for p in rig.engine.incident(event.incident).processes},
        message="the helper to join",
    )
    assert not is_stopped(helper.pid)
    for pid in tree(helper.pid) + members:
        psutil.Process(pid).kill()
    ended = rig.wait_event("ended", incident=event.incident)
    assert "allowance has ended" in ended.message
    assert rig.engine.incident(event.incident).state is State.ENDED


def test_allow_for_a_time_expires_and_freezes_again(
    make_engine: EngineFactory, identifier: Identifier, spawn: Spawner
) -> None:
    now = [1000.0]
    engine = make_engine(clock=lambda: now[0])
    tool = spawn.start("anydesk")
    info = wait_for(lambda: (i := read_process(tool.pid)) and i.exe and i, message="exec")
    engine.process_seen(info, identifier.identify_process(info))
    [view] = engine.incidents()
    assert is_stopped(tool.pid)
    engine.allow(view.id, AllowScope.parse("1h"))
    wait_for(lambda: not is_stopped(tool.pid), message="resume")
    now[0] += 3599
    engine.housekeeping()
    assert engine.incident(view.id).state is State.ALLOWED
    now[0] += 2
    engine.housekeeping()
    assert engine.incident(view.id).state is State.FROZEN
    assert is_stopped(tool.pid)
    assert "time allowed ran out" in engine.incident(view.id).timeline[-1].message


def test_scope_is_never_permanent_from_a_decision() -> None:
    assert AllowScope.parse("1h").seconds == 3600
    assert AllowScope.parse("until-closed").label == "until it closes"
    for bad in ("forever", "0h", "always", "-1m"):
        with pytest.raises(ValueError, match="not a scope"):
            AllowScope.parse(bad)
    with pytest.raises(ValueError, match="longer than the 24-hour limit"):
        AllowScope.parse("25h")


def test_kill_mode_and_log_mode(identifier: Identifier, spawn: Spawner) -> None:
    killer = Rig(identifier, spawn.root, on_detect=OnDetect.KILL).start()
    try:
        victim = spawn.start("anydesk")
        # The tool's own handle says it ended (on Windows the test's open handle keeps an
        # ended process's pid in use, so "gone" may never show there).
        wait_for(lambda: victim.poll() is not None, message="kill")
        assert killer.wait_event("blocked").data["killed"] == [victim.pid]
    finally:
        killer.stop()
    logger = Rig(identifier, spawn.root, on_detect=OnDetect.LOG).start()
    try:
        logged = spawn.start("teamviewer")
        event = logger.wait_event("detected", pid=logged.pid)
        assert not is_stopped(logged.pid)
        assert logger.engine.incident(event.incident).state is State.DETECTED
        assert not logger.matching("frozen")
    finally:
        logger.stop()


def test_tool_exits_while_frozen_ends_incident(rig: Rig, spawn: Spawner) -> None:
    tool = spawn.start("anydesk")
    event = rig.wait_event("frozen")
    tool.kill()
    tool.wait()
    ended = rig.wait_event("ended")
    assert ended.incident == event.incident and "while it was frozen" in ended.message


def test_vanished_and_zombie_processes_do_not_stop_the_guard(
    make_engine: EngineFactory, identifier: Identifier, spawn: Spawner
) -> None:
    engine = make_engine(only_under=None)  # fed by hand, with our own zombie only
    zombie = spawn.start("anydesk", seconds=0)
    wait_for(lambda: status(zombie.pid) == psutil.STATUS_ZOMBIE, message="zombie")
    info = read_process(zombie.pid)
    assert info is not None
    engine.process_seen(info, identifier.identify_name("anydesk"))
    zombie.wait()
    # The same record again after the process is fully gone: no exception either.
    engine.process_seen(info, identifier.identify_name("anydesk"))
    [view] = engine.incidents()
    assert view.state is State.ENDED
    assert "closed at once" in view.timeline[0].message


class _DeniedControl(ProcessControl):
    """Stands in for Windows refusing to suspend a service running as SYSTEM."""

    def suspend(self, proc: psutil.Process) -> None:
        raise psutil.AccessDenied(proc.pid)


def test_access_denied_is_reported_and_the_guard_carries_on(
    make_engine: EngineFactory, identifier: Identifier, spawn: Spawner
) -> None:
    engine = make_engine(control=_DeniedControl())
    events = []
    engine.add_listener(lambda e, _v: events.append(e))
    tool = spawn.start("anydesk")
    info = wait_for(lambda: (i := read_process(tool.pid)) and i.exe and i, message="exec")
    engine.process_seen(info, identifier.identify_process(info))
    [view] = engine.incidents()
    assert view.state is State.DETECTED and view.pending
    assert any("access denied" in p for p in view.problems)
    assert engine.wait_delivered()
    assert [e.kind for e in events] == ["detected", "error"]
    assert "still running" in events[1].message
    assert not is_stopped(tool.pid)
    other = spawn.start("teamviewer")
    info = wait_for(lambda: (i := read_process(other.pid)) and i.exe and i, message="exec")
    engine.process_seen(info, identifier.identify_process(info))
    assert len(engine.incidents()) == 2


def test_unprivileged_guard_gets_real_access_denied_on_roots_tool(spawn: Spawner) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to start a process another user may not signal")
    from guard.engine.process_tree import freeze_tree

    tool = spawn.start("anydesk")
    read_fd, write_fd = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the forked child
        try:
            os.setgid(65534)
            os.setuid(65534)
            result = freeze_tree(psutil.Process(tool.pid), lambda _p: None)
            os.write(write_fd, json.dumps([result.pids, result.denied]).encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    os.waitpid(child, 0)
    with os.fdopen(read_fd) as fh:
        done, denied = json.loads(fh.read())
    assert done == [] and denied and denied[0][0] == tool.pid
    assert "access denied" in denied[0][1]
    assert not is_stopped(tool.pid)


def test_never_freezes_itself_its_parents_or_system_programs(
    make_engine: EngineFactory, spawn: Spawner
) -> None:
    engine = make_engine(only_under=None)
    me = psutil.Process()
    assert engine._exempt(me, root=True)
    assert engine._exempt(me.parent(), root=True)
    kernel_thread = next((p for p in psutil.process_iter(["ppid"]) if p.info["ppid"] == 2), None)
    if kernel_thread is not None:  # none visible inside a container
        assert "kernel" in (engine._exempt(kernel_thread, root=True) or "")
    explorer = spawn.start("explorer")
    shell = spawn.start("bash")
    wait_for(lambda: psutil.Process(shell.pid).name() == "bash", message="exec")
    # A system name on a file from elsewhere is never the system's program, whether it is
    # the matched tool or something the tool started.
    assert engine._exempt(psutil.Process(explorer.pid), root=False) is None
    # As the matched program itself, a system name outside the system folders is a disguise
    # (AnyDesk renamed svchost.exe): it is frozen like any other copy of the tool.
    assert engine._exempt(psutil.Process(explorer.pid), root=True) is None
    # A shell started by a tool is the caller's hands: frozen with the tool's tree...
    assert engine._exempt(psutil.Process(shell.pid), root=False) is None
    # ...but the system's own shell is never frozen as the matched program itself...
    real = subprocess.Popen(["/bin/sh", "-c", "sleep 30"])
    try:
        wait_for(lambda: psutil.Process(real.pid).exe(), message="exe readable")
        assert engine._exempt(psutil.Process(real.pid), root=True)
    finally:
        real.kill()
        real.wait()
    # ...while a copy under a system name elsewhere (a download) is a disguise.
    assert engine._exempt(psutil.Process(shell.pid), root=True) is None


SYSTEM_AGENT = "/usr/bin/ssh-agent"
SYSTEM_PYTHON = "/usr/bin/python3"


@pytest.mark.skipif(
    not (os.path.exists(SYSTEM_AGENT) and os.path.exists(SYSTEM_PYTHON)),
    reason="no system ssh-agent or python3 here",
)
def test_protected_child_in_a_tree_is_left_running(
    identifier: Identifier, spawn: Spawner, tmp_path: Path
) -> None:
    """The real system program a tool starts (here the system's ssh-agent) is left running;
    a copy of a system name from the tool's own folder is a disguise and is frozen, and so
    is an interpreter the tool started (it runs whatever the remote person typed)."""
    explorer = spawn.binary("explorer")
    agent = f"{SYSTEM_AGENT} -D -a '{tmp_path}/agent.sock'"
    python = f"{SYSTEM_PYTHON} -c 'import time; time.sleep(30)'"
    tool = spawn.start_shell("anydesk", f"{agent} & {python} & '{explorer}' 30 & sleep 30 & wait")
    kids = _children(tool.pid, 4)
    wait_for(
        lambda: {psutil.Process(p).name() for p in kids} >= {"ssh-agent", "python3", "explorer"},
        message="children exec'd",
    )
    rig = Rig(identifier, spawn.root).start()
    try:
        _check_protected_child_left_running(rig, tool.pid, kids)
    finally:
        rig.stop()


def _check_protected_child_left_running(rig: Rig, tool_pid: int, kids: list[int]) -> None:
    event = rig.wait_event("frozen")
    names = {p: psutil.Process(p).name() for p in kids}
    protected = next(p for p, n in names.items() if n == "ssh-agent")
    assert protected not in event.data["pids"] and protected in event.data["skipped"]
    assert not is_stopped(protected)
    for frozen in ("explorer", "python3"):
        assert next(p for p, n in names.items() if n == frozen) in event.data["pids"]
    assert all(is_stopped(p) for p in tree(tool_pid) if p != protected)


class _RootKeepsRunning(ProcessControl):
    """Suspends everything but the first process asked: a tool that raced the freeze."""

    def __init__(self) -> None:
        self.first: int | None = None

    def suspend(self, proc: psutil.Process) -> None:
        if self.first is None:
            self.first = proc.pid
            return
        super().suspend(proc)


def test_children_started_after_the_freeze_are_frozen_too(
    identifier: Identifier, spawn: Spawner
) -> None:
    r = Rig(identifier, spawn.root)
    r.engine.control = _RootKeepsRunning()
    r.start()
    try:
        tool = spawn.start_shell("anydesk", "while true; do sleep 30 & sleep 0.2; done")
        r.wait_event("frozen")
        late = wait_for(
            lambda: next((p for p in tree(tool.pid)[1:] if "30" in _cmdline(p)), None),
            message="a child started after the freeze",
        )
        wait_for(lambda: is_stopped(late), message="the late child to be frozen")
        view = r.engine.incidents()[0]
        assert late in {p["pid"] for p in view.processes}
    finally:
        r.stop()


def _cmdline(pid: int) -> list[str]:
    try:
        return psutil.Process(pid).cmdline()
    except psutil.Error:
        return []


def _seen_by(engine: Engine, identifier: Identifier, proc_pid: int) -> None:
    """Feed one of our processes to the engine as a source would."""
    python = os.path.realpath(sys.executable)  # what a just-forked child still is

    def execed():
        i = read_process(proc_pid)
        return i if i and i.exe and os.path.realpath(i.exe) != python else None

    info = wait_for(execed, message="exec")
    engine.process_seen(info, identifier.identify_process(info))


def test_until_closed_ends_when_the_allowed_program_closes(
    make_engine: EngineFactory, identifier: Identifier, spawn: Spawner
) -> None:
    engine = make_engine()
    main = spawn.start("anydesk")
    _seen_by(engine, identifier, main.pid)
    [view] = engine.incidents()
    engine.allow(view.id, AllowScope.parse("until-closed"))
    # A second instance started later (a service, say) joins while allowed...
    service = spawn.start_shell("anydesk", "sleep 30; true")
    _seen_by(engine, identifier, service.pid)
    assert not is_stopped(service.pid)
    # ...but when the program the person allowed closes, the allowance ends with it.
    main.kill()
    main.wait()
    engine.housekeeping()
    assert engine.incident(view.id).state is State.FROZEN
    assert is_stopped(service.pid)


class _Counting(ProcessControl):
    """Counts suspend/resume per pid, as Windows does (NtSuspendProcess nests)."""

    def __init__(self) -> None:
        self.depth: dict[int, int] = {}

    def suspend(self, proc: psutil.Process) -> None:
        super().suspend(proc)
        self.depth[proc.pid] = self.depth.get(proc.pid, 0) + 1

    def resume(self, proc: psutil.Process) -> None:
        super().resume(proc)
        self.depth[proc.pid] = self.depth.get(proc.pid, 0) - 1


def test_no_process_is_suspended_twice(
    make_engine: EngineFactory, identifier: Identifier, spawn: Spawner
) -> None:
    now = [1000.0]
    control = _Counting()
    engine = make_engine(control=control, clock=lambda: now[0])
    root = spawn.start_shell("anydesk", f"'{spawn.binary('teamviewer')}' 30 & wait")
    helper = _children(root.pid, 1)[0]
    _seen_by(engine, identifier, root.pid)
    _seen_by(engine, identifier, helper)  # a matched helper already frozen with its root
    assert set(control.depth.values()) == {1}
    views = {v.tool.id: v for v in engine.incidents()}
    engine.allow(views["anydesk"].id, AllowScope.parse("1h"))
    assert set(control.depth.values()) <= {0, 1}
    now[0] += 3601
    engine.housekeeping()
    assert all(depth <= 1 for depth in control.depth.values()), control.depth


def test_a_reused_parent_pid_does_not_adopt_an_older_process(
    make_engine: EngineFactory, identifier: Identifier, spawn: Spawner
) -> None:
    engine = make_engine()
    older = spawn.start("notepad")  # started before the tool: cannot be its child
    born = psutil.Process(older.pid).create_time()

    def younger() -> subprocess.Popen[bytes] | None:
        # Start times tick in 10 ms steps on Linux: the tool must be visibly younger.
        candidate = spawn.start("anydesk")
        if psutil.Process(candidate.pid).create_time() > born:
            return candidate
        candidate.kill()
        candidate.wait()
        return None

    tool = wait_for(younger, message="a tool started in a later clock tick")
    _seen_by(engine, identifier, tool.pid)
    info = wait_for(lambda: read_process(older.pid), message="the older process")
    liar = dataclasses.replace(info, ppid=tool.pid)
    engine.process_seen(liar, identifier.identify_process(liar))
    assert not is_stopped(older.pid)
    assert older.pid not in {p["pid"] for p in engine.incidents()[0].processes}
    # The same pid with another start time is not "already tracked" either.
    stale = dataclasses.replace(
        wait_for(lambda: read_process(tool.pid), message="tool"), create_time=1.0
    )
    assert not engine._tracked(stale)


def test_a_stuck_listener_never_delays_a_freeze(
    make_engine: EngineFactory, identifier: Identifier, spawn: Spawner
) -> None:
    engine = make_engine()
    release = threading.Event()
    engine.add_listener(lambda _e, _v: release.wait(10))  # a terminal nobody reads
    try:
        for name in ("anydesk", "teamviewer", "rustdesk"):
            tool = spawn.start(name)
            _seen_by(engine, identifier, tool.pid)
            assert is_stopped(tool.pid)
    finally:
        release.set()
    assert engine.wait_delivered()


@pytest.mark.parametrize("noticed_by", ["housekeeping", "a new start"])
def test_withdrawn_trust_freezes_what_runs_and_what_starts(
    make_engine: EngineFactory,
    identifier: Identifier,
    spawn: Spawner,
    noticed_by: str,
) -> None:
    trusted = {"anydesk"}
    engine = make_engine(trusted=lambda: trusted)
    first = spawn.start("anydesk")
    _seen_by(engine, identifier, first.pid)
    assert not is_stopped(first.pid)
    assert engine.incidents()[0].allow == "always (trusted in settings)"
    trusted.clear()
    if noticed_by == "housekeeping":
        engine.housekeeping()
        assert is_stopped(first.pid)
    second = spawn.start("anydesk")
    _seen_by(engine, identifier, second.pid)
    assert is_stopped(first.pid) and is_stopped(second.pid)
    assert engine.incidents()[0].state is State.FROZEN


def test_a_member_that_becomes_another_tool_gets_its_own_incident(
    make_engine: EngineFactory, identifier: Identifier, spawn: Spawner, tmp_path: Path
) -> None:
    engine = make_engine()
    anydesk = spawn.binary("anydesk")
    gate = tmp_path / "go"
    # TeamViewer (a shell here) that, once allowed, execs AnyDesk in the same process.
    tool = spawn.start_shell(
        "teamviewer", f"while [ ! -e '{gate}' ]; do sleep 0.02; done; exec '{anydesk}' 30"
    )
    _seen_by(engine, identifier, tool.pid)
    [view] = engine.incidents()
    engine.allow(view.id, AllowScope.parse("until-closed"))
    gate.touch()
    info = wait_for(
        lambda: (i := read_process(tool.pid)) and i.exe == str(anydesk) and i, message="exec"
    )
    engine.process_seen(info, identifier.identify_process(info))
    assert is_stopped(tool.pid)
    tools = {v.tool.id: v for v in engine.incidents()}
    assert tools["anydesk"].state is State.FROZEN
    assert tools["teamviewer"].processes[0]["note"] == "became AnyDesk"


def test_a_child_of_a_parent_that_has_exited_is_not_adopted(
    make_engine: EngineFactory, identifier: Identifier, spawn: Spawner
) -> None:
    engine = make_engine()
    tool = spawn.start("anydesk")
    _seen_by(engine, identifier, tool.pid)
    tool.kill()
    tool.wait()  # gone, but housekeeping has not noticed yet: its pid is free for reuse
    stranger = spawn.start("notepad")
    info = wait_for(lambda: read_process(stranger.pid), message="the stranger")
    engine.process_seen(dataclasses.replace(info, ppid=tool.pid), identifier.identify_name("x"))
    assert not is_stopped(stranger.pid)


def test_system_folders_per_os() -> None:
    assert in_system_folder("/usr/lib/systemd/systemd", "linux")
    assert not in_system_folder("/home/pat/Downloads/systemd", "linux")
    assert in_system_folder("/System/Library/CoreServices/Finder.app/x", "macos")
    assert not in_system_folder("/Users/pat/Downloads/launchd", "macos")
    env = {"SystemRoot": "C:\\Windows"}
    assert in_system_folder("C:\\Windows\\System32\\svchost.exe", "windows", env)
    assert in_system_folder("c:/windows/system32/svchost.exe", "windows", env)
    assert not in_system_folder("C:\\Users\\Pat\\Downloads\\svchost.exe", "windows", env)
    assert not in_system_folder("C:\\WindowsApps\\svchost.exe", "windows", env)


def test_a_download_again_after_remove_is_moved_away_and_said(
    make_engine: EngineFactory, identifier: Identifier, tmp_path: Path
) -> None:
    engine = make_engine()
    heard = []
    engine.add_listener(lambda event, _view: heard.append(event))
    first = tmp_path / "AnyDesk.exe"
    first.write_bytes(b"MZ first")
    engine.file_seen(str(first), identifier.identify_name("AnyDesk.exe"), "created")
    [view] = engine.incidents()
    engine.block(view.id)
    again = tmp_path / "AnyDesk (1).exe"  # the caller: "download it again"
    again.write_bytes(b"MZ again")
    engine.file_seen(str(again), identifier.identify_name("AnyDesk (1).exe"), "created")
    engine.wait_delivered()
    assert not again.exists()  # moved to quarantine at once
    [notice] = [e for e in heard if e.kind == "stopped-again"]
    assert notice.message == "AnyDesk was downloaded again and moved away"
    assert notice.data == {"what": "installer", "path": str(again)}
