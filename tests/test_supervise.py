"""The keep-running supervisor, with real child processes: killed, crashing, quitting."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

from guard.supervise import Backoff, Supervisor, describe_exit
from tests.helpers import END_TASK_EXIT_CODE, ON_WINDOWS, wait_for

# A stand-in tray: records its pid, then exits 0 once the "quit" file appears (Quit).
CHILD = """
import os, sys, time, pathlib
folder = pathlib.Path(sys.argv[1])
with open(folder / "pids", "a") as fh:
    fh.write(f"{os.getpid()}\\n")
while not (folder / "quit").exists():
    time.sleep(0.02)
"""


def _pids(folder: Path) -> list[int]:
    path = folder / "pids"
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def _end(pid: int, signal_name: str) -> None:
    """Stop a stand-in tray from outside: the signal on POSIX; on Windows, what Task
    Manager's "End task" and ``taskkill /f`` do (TerminateProcess, with END_TASK_EXIT_CODE)."""
    if not ON_WINDOWS:
        os.kill(pid, getattr(signal, signal_name))
        return
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined]  # its own prototypes
    kernel32.OpenProcess.restype = ctypes.c_void_p  # a HANDLE, not a C int
    kernel32.TerminateProcess.argtypes = [ctypes.c_void_p, ctypes.c_uint]
    kernel32.CloseHandle.argtypes = [ctypes.c_void_p]
    handle = kernel32.OpenProcess(0x0001, False, pid)  # PROCESS_TERMINATE
    assert handle, f"cannot open pid {pid}"
    try:
        assert kernel32.TerminateProcess(handle, END_TASK_EXIT_CODE)
    finally:
        kernel32.CloseHandle(handle)


def _start(supervisor: Supervisor) -> tuple[threading.Thread, list[int]]:
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(supervisor.run()), daemon=True)
    thread.start()
    return thread, result


def test_a_killed_tray_is_started_again_and_quit_ends_it(tmp_path):
    restarts: list[str] = []
    supervisor = Supervisor(
        [sys.executable, "-c", CHILD, str(tmp_path)],
        backoff=Backoff(first=0.05),
        on_restart=restarts.append,
    )
    thread, result = _start(supervisor)
    try:
        wait_for(lambda: len(_pids(tmp_path)) == 1, timeout=20, message="the first tray")
        _end(_pids(tmp_path)[0], "SIGKILL")  # "End task" in Task Manager
        wait_for(lambda: len(_pids(tmp_path)) == 2, timeout=20, message="a restarted tray")
        # Windows has no signals: a process ended from outside has an exit code.
        assert restarts == [
            f"exit code {END_TASK_EXIT_CODE}" if ON_WINDOWS else "stopped by SIGKILL"
        ]
        _end(_pids(tmp_path)[1], "SIGTERM")  # a caller's `pkill` / `taskkill /f`
        wait_for(lambda: len(_pids(tmp_path)) == 3, timeout=20, message="another restart")
        (tmp_path / "quit").touch()  # Quit from the menu: exit 0
        thread.join(timeout=20)
        assert result == [0]
        assert supervisor.restarts == 2
    finally:
        supervisor.stop()
        thread.join(timeout=20)
    assert not thread.is_alive()


def test_quick_failures_back_off_and_a_stop_ends_the_wait(tmp_path):
    lines: list[str] = []
    supervisor = Supervisor(
        [sys.executable, "-c", "raise SystemExit(3)"],
        backoff=Backoff(first=0.01, most=0.04, healthy=60),
        report=lines.append,
    )
    supervisor.on_restart = lambda _why: supervisor.restarts >= 4 and supervisor.stop()
    thread, result = _start(supervisor)
    thread.join(timeout=60)
    assert result == [0]
    delays = [line.rsplit(" in ", 1)[1] for line in lines]
    assert delays == ["0.01 s", "0.02 s", "0.04 s", "0.04 s"]
    assert all("exit code 3" in line for line in lines)


def test_stop_ends_a_running_tray(tmp_path):
    supervisor = Supervisor([sys.executable, "-c", CHILD, str(tmp_path)])
    thread, result = _start(supervisor)
    wait_for(lambda: len(_pids(tmp_path)) == 1, timeout=20, message="the tray")
    supervisor.stop()  # logout: the supervisor is told to stop, and takes the tray with it
    thread.join(timeout=20)
    assert result == [0] and supervisor.restarts == 0
    # Popen.terminate: SIGTERM, or TerminateProcess with exit code 1 on Windows.
    ended = END_TASK_EXIT_CODE if ON_WINDOWS else -signal.SIGTERM
    assert supervisor.child is not None and supervisor.child.returncode == ended


def test_a_program_that_cannot_start_is_reported_and_retried(tmp_path):
    lines: list[str] = []
    supervisor = Supervisor(
        [str(tmp_path / "missing-scamguard")], backoff=Backoff(first=0.01), report=lines.append
    )
    supervisor.on_restart = lambda _why: supervisor.stop()
    thread, result = _start(supervisor)
    thread.join(timeout=20)
    assert result == [0]
    assert "could not be started" in lines[0]


def test_exit_descriptions_read_plainly():
    assert describe_exit(-9) == "stopped by SIGKILL"
    assert describe_exit(1) == "exit code 1"


def test_a_stop_signal_is_ignored_while_the_session_is_there(tmp_path):
    from guard.commands.keep_running import on_stop_signal

    supervisor = Supervisor([sys.executable, "-c", CHILD, str(tmp_path)])
    on_stop_signal(supervisor, lambda: True)  # a caller's `pkill scamguard`
    assert not supervisor._stopping.is_set()
    on_stop_signal(supervisor, lambda: False)  # logout: the display has gone
    assert supervisor._stopping.is_set()


def test_when_the_session_has_gone_a_dead_tray_is_not_restarted(tmp_path):
    lines: list[str] = []
    supervisor = Supervisor(
        [sys.executable, "-c", "raise SystemExit(1)"],
        backoff=Backoff(first=0.01),
        report=lines.append,
        session_alive=lambda: False,
    )
    thread, result = _start(supervisor)
    thread.join(timeout=20)
    assert result == [0] and supervisor.restarts == 0
    assert lines == ["ScamGuard stopped (exit code 1) as the session ended"]


def test_the_display_is_looked_for_where_x11_and_wayland_keep_it(tmp_path):
    from guard.platform.session import display_alive

    assert display_alive({"WAYLAND_DISPLAY": "wayland-0", "XDG_RUNTIME_DIR": str(tmp_path)}) is (
        sys.platform != "linux"
    )
    (tmp_path / "wayland-0").touch()
    assert display_alive({"WAYLAND_DISPLAY": "wayland-0", "XDG_RUNTIME_DIR": str(tmp_path)})
    assert display_alive({"DISPLAY": "remote.example:10.0"})  # cannot tell: keep going
    assert display_alive({})  # offscreen
    assert display_alive({"DISPLAY": ":98765"}) is (sys.platform != "linux")
