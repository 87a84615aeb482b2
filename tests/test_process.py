"""Real processes: a copy of /bin/sleep started under a tool's name, and processes that vanish."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import psutil
import pytest

from guard.identify.identifier import Identifier
from guard.identify.process import ProcessInfo, read_process
from guard.watch import process_poller
from guard.watch.process_poller import ProcessPoller
from tests.conftest import Spawner
from tests.helpers import wait_for


def test_running_tool_is_identified_by_its_executable(
    spawn: Spawner, identifier: Identifier
) -> None:
    proc = spawn.start("anydesk")
    info = wait_for(
        lambda: (i := read_process(proc.pid)) and i.name == "anydesk" and i,
        message="the child to exec",
    )
    assert info.exe == str(spawn.binary("anydesk"))
    verdict = identifier.identify_process(info)
    assert verdict.tool is not None and verdict.tool.id == "anydesk"
    assert verdict.target == f"pid {proc.pid} (anydesk)"


def test_long_names_use_the_executable_not_the_15_char_comm(
    spawn: Spawner, identifier: Identifier
) -> None:
    # Linux truncates comm to 15 characters; the executable path keeps the whole name.
    long_name = next(
        n
        for t in identifier.index.tools.values()
        for n in t.names.get("linux", ())
        if len(n) > 15 and "*" not in n
    )
    proc = spawn.start(long_name)
    info = wait_for(lambda: (i := read_process(proc.pid)) and i.exe and i, message="exec")
    verdict = identifier.identify_process(info)
    assert verdict.tool is not None, (long_name, info)


def test_vanished_process_is_none() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert read_process(child.pid) is None


def test_zombie_is_reported_not_raised(spawn: Spawner, identifier: Identifier) -> None:
    binary = spawn.binary("anydesk")
    # The child exits at once and is not reaped until we call wait(): a zombie meanwhile.
    child = subprocess.Popen([str(binary), "0"])
    wait_for(lambda: psutil.Process(child.pid).status() == psutil.STATUS_ZOMBIE, message="zombie")
    try:
        info = read_process(child.pid)
        assert info is not None and info.pid == child.pid
        identifier.identify_process(info)  # must not raise
    finally:
        child.wait()


def test_other_users_process_is_read_without_crashing(identifier: Identifier) -> None:
    info = read_process(1)  # init: another user's process when not root; always present
    assert info is not None
    assert identifier.identify_process(info).tool is None


class _Collector:
    def __init__(self) -> None:
        self.pids: dict[int, str] = {}
        self.lock = threading.Lock()

    def __call__(self, info, verdict) -> None:
        with self.lock:
            self.pids[info.pid] = verdict.tool.id


def _run_poller(
    identifier: Identifier, collector: _Collector
) -> tuple[threading.Event, threading.Thread]:
    poller = ProcessPoller(identifier, collector, interval=0.02)
    stop = threading.Event()
    thread = threading.Thread(target=poller.run, args=(stop,), daemon=True)
    thread.start()
    return stop, thread


def test_poller_catches_direct_and_fork_exec_launches(
    spawn: Spawner, identifier: Identifier
) -> None:
    already = spawn.start("rustdesk")  # running before the guard starts
    wait_for(lambda: (i := read_process(already.pid)) and i.name == "rustdesk", message="exec")
    collector = _Collector()
    stop, thread = _run_poller(identifier, collector)
    try:
        wait_for(lambda: already.pid in collector.pids, message="the initial scan")
        direct = spawn.start("anydesk")
        # sh -c 'sleep; exec tool': the pid is "sh" when first seen and only later the tool.
        shelled = [spawn.start_via_shell("teamviewer", delay=0.1) for _ in range(5)]
        wait_for(lambda: direct.pid in collector.pids, message="the direct launch")
        wait_for(
            lambda: all(p.pid in collector.pids for p in shelled),
            timeout=10,
            message="every fork-then-exec launch",
        )
    finally:
        stop.set()
        thread.join(timeout=5)
    assert collector.pids[already.pid] == "rustdesk"
    assert collector.pids[direct.pid] == "anydesk"
    assert {collector.pids[p.pid] for p in shelled} == {"teamviewer"}
    assert os.getpid() not in collector.pids
    assert not thread.is_alive()


def test_poller_reports_each_process_once_and_forgets_exited(
    spawn: Spawner, identifier: Identifier
) -> None:
    calls: list[int] = []
    poller = ProcessPoller(identifier, lambda info, v: calls.append(info.pid), interval=0.01)
    poller.initial_scan()
    proc = spawn.start("anydesk")
    wait_for(lambda: (poller.tick(), proc.pid in calls)[1], message="detection")
    for _ in range(5):
        poller.tick()
    assert calls.count(proc.pid) == 1
    proc.kill()
    proc.wait()
    # An exit allocates no pid, so it is noticed by the full diff that runs once a second.
    wait_for(lambda: (poller.tick(), proc.pid not in poller.known)[1], message="the exit noticed")
    assert proc.pid not in poller.matched


def test_processes_that_are_not_tools_are_left_alone(
    spawn: Spawner, identifier: Identifier
) -> None:
    calls: list[int] = []
    poller = ProcessPoller(identifier, lambda info, v: calls.append(info.pid), interval=0.01)
    poller.initial_scan()
    harmless = [spawn.start(name) for name in ("notepad", "agent", "setup", "zoom")]
    wait_for(
        lambda: (poller.tick(), all(p.pid in poller.known for p in harmless))[1],
        message="the pids to be seen",
    )
    for _ in range(3):
        poller.tick()
    assert not set(calls) & {p.pid for p in harmless}


def test_young_pids_expire(spawn: Spawner, identifier: Identifier) -> None:
    now = [0.0]
    poller = ProcessPoller(
        identifier, lambda *a: None, interval=0.01, recheck_window=2.0, clock=lambda: now[0]
    )
    poller.initial_scan()
    proc = spawn.start("notatool")
    wait_for(lambda: (poller.tick(), proc.pid in poller.young)[1], message="young pid")
    now[0] = 2.5
    poller.tick()
    assert proc.pid not in poller.young and proc.pid in poller.known


def test_binary_path_kept_for_details(spawn: Spawner, identifier: Identifier) -> None:
    proc = spawn.start("anydesk")
    info = wait_for(lambda: (i := read_process(proc.pid)) and i.exe and i, message="exec")
    verdict = identifier.identify_process(info)
    assert verdict.path == str(spawn.binary("anydesk"))


def test_idle_ticks_skip_the_pid_list_when_no_process_was_created(
    identifier: Identifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [0.0]
    last = [4242]
    monkeypatch.setattr(process_poller, "_last_pid", lambda: last[0])
    poller = ProcessPoller(identifier, lambda *a: None, clock=lambda: now[0])
    poller.initial_scan()
    poller.tick()  # the first tick always diffs
    calls = []
    real = process_poller.psutil.pids
    monkeypatch.setattr(process_poller.psutil, "pids", lambda: (calls.append(1), real())[1])
    for _ in range(10):
        poller.tick()
    assert calls == []  # nothing was created: no pid list read
    now[0] += 1.5
    poller.tick()
    assert calls == [1]  # but once a second the full diff still runs
    last[0] += 1  # a process was created: the very next tick looks
    poller.tick()
    assert calls == [1, 1]


class _WindowsNameError(psutil.Process):
    """What psutil raised under Wine for some system processes: a plain OSError from the
    name read, not one of psutil's own errors (the Windows call itself cannot run here)."""

    def name(self) -> str:
        raise OSError(22, "The parameter is incorrect")


def test_a_name_that_cannot_be_read_is_reported_not_raised(spawn: Spawner) -> None:
    proc = spawn.start("notepad")
    info = read_process(_WindowsNameError(proc.pid))
    assert info is not None and info.pid == proc.pid and info.name == "?"
    assert info.problems == ("name: the parameter is incorrect",)  # errors.describe_os_error


def test_a_new_tool_that_cannot_be_read_at_first_is_looked_at_again(
    spawn: Spawner, identifier: Identifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen under Wine: a process a few ms old cannot be opened (read as gone), then its
    name read fails with "invalid handle"; a moment later both work. The poller must keep
    looking while the pid is young, not drop it after the first failed look."""
    proc = spawn.start("anydesk")
    failures = {"gone": 1, "unread": 2}
    real_read = process_poller.read_process

    def read(pid: int) -> ProcessInfo | None:
        if pid == proc.pid and failures["gone"]:
            failures["gone"] -= 1
            return None  # what psutil says of a process it cannot open yet
        if pid == proc.pid and failures["unread"]:
            failures["unread"] -= 1
            return read_process(_WindowsNameError(pid))  # the name read fails: "?"
        return real_read(pid)

    monkeypatch.setattr(process_poller, "read_process", read)
    calls: list[int] = []
    poller = ProcessPoller(identifier, lambda info, v: calls.append(info.pid), interval=0.01)
    poller.known = set(psutil.pids()) - {proc.pid}  # as if it started after the first scan
    wait_for(lambda: (poller.tick(), proc.pid in calls)[1], message="detection after retries")
    assert failures == {"gone": 0, "unread": 0}  # every failure was met on the way
    assert calls == [proc.pid]
