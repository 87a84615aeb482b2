"""One guard per user: the lock, who holds it (really), and release from another thread."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import psutil
import pytest

from guard.instance import AlreadyRunning, GuardInstance, identify, is_running, lock_dir
from guard.platform import lock_holder
from tests.child_output import Watching
from tests.conftest import REPO, run_cli


def test_second_guard_is_refused_and_told_who_runs() -> None:
    first = GuardInstance()
    try:
        assert is_running()
        with pytest.raises(AlreadyRunning, match="already running") as refused:
            GuardInstance()
        assert str(os.getpid()) in str(refused.value)
    finally:
        first.release()
    assert not is_running()


def test_release_from_another_thread_frees_the_lock() -> None:
    held = GuardInstance()  # the tray may start on one thread and stop on another
    stopper = threading.Thread(target=held.release)
    stopper.start()
    stopper.join()
    assert not is_running()
    GuardInstance().release()


def test_a_file_system_without_locks_is_unknown_not_running(monkeypatch) -> None:
    """Some network homes refuse file locks: a request may still be tried, but a tray must
    neither wait for nor hand over to a guard that may not exist."""
    held = GuardInstance()
    held.release()
    (lock_dir() / "guard.lock").touch()  # a lock file left behind (Windows deletes its own)

    def refuse(*_args, **_kwargs):
        raise OSError(37, "No locks available")

    monkeypatch.setattr("guard.instance.FileLock.acquire", refuse)
    assert is_running() is True
    assert is_running(unknown=False) is False


# --- a lock held by something that is not ScamGuard (a caller's "flock ... sleep") ---

HOLD_WITH_PYTHON = """
import os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
if sys.platform == "win32":  # the lock filelock takes on Windows: byte 0, LockFileEx
    import msvcrt
    msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
else:
    import fcntl
    fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(120)
"""


def _plant(how: str, lock: Path) -> subprocess.Popen[str]:
    """Hold ``lock`` from another real process, the way a caller might have it done."""
    if how == "flock":
        if shutil.which("flock") is None:
            pytest.skip("no flock(1) here")
        cmd = ["flock", str(lock), "sh", "-c", "echo locked; exec sleep 120"]
    else:
        cmd = [sys.executable, "-c", HOLD_WITH_PYTHON, str(lock)]
    planter = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert planter.stdout is not None and planter.stdout.readline().strip() == "locked"
    return planter


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)


@pytest.fixture
def lock_path() -> Path:
    folder = lock_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "guard.lock"


@pytest.mark.parametrize("how", ["flock", "python", "python-with-a-stolen-record"])
def test_a_planted_lock_cannot_switch_the_guard_off(how: str, lock_path: Path) -> None:
    planter = _plant("python" if how.startswith("python") else how, lock_path)
    if how == "python-with-a-stolen-record":
        # A real, live Python process's record (this test's own), copied beside the lock:
        # the kernel says who really holds the lock, and it is not the process named.
        me = psutil.Process()
        record = {"program": "scamguard", "pid": me.pid, "started": me.create_time()}
        lock_path.with_name("guard.lock.json").write_text(json.dumps(record))
        if lock_holder(lock_path) is None:
            _stop(planter)
            pytest.skip("only the Linux kernel names a lock's holder: elsewhere a forged record")
    try:
        assert not is_running()  # nobody can hand over to it, or wait for it
        guard = GuardInstance()  # does not raise: it protects anyway
        try:
            if lock_holder(lock_path) is not None:  # the kernel names the holder (Linux)
                assert f"process {planter.pid}" in guard.squatter
            else:  # Windows, macOS: only a record could, and the squatter left none
                assert "a program that left no record of itself" in guard.squatter
            assert "which is not ScamGuard" in guard.squatter
            assert guard.squatter in guard.warnings
            assert is_running()  # now a real guard runs (it took the second lock)...
            with pytest.raises(AlreadyRunning, match=str(os.getpid())):
                GuardInstance()  # ...and a second one is still refused
        finally:
            guard.release()
    finally:
        _stop(planter)


def test_after_the_squatter_leaves_the_guard_that_took_over_still_counts(lock_path: Path) -> None:
    planter = _plant("python", lock_path)
    try:
        took_over = GuardInstance()
    finally:
        _stop(planter)
    try:
        assert took_over.squatter
        with pytest.raises(AlreadyRunning):
            GuardInstance()  # the usual lock is free again, but a guard runs
        assert is_running()
    finally:
        took_over.release()
    GuardInstance().release()


def test_the_record_names_the_guard_and_goes_with_it(lock_path: Path) -> None:
    guard = GuardInstance()
    record_file = lock_path.with_name("guard.lock.json")
    record = json.loads(record_file.read_text())
    assert record["pid"] == os.getpid() and record["program"] == "scamguard"
    assert identify(lock_path).guard
    guard.release()
    assert not record_file.exists()


def test_watch_with_a_planted_lock_says_so_and_guards(lock_path: Path, spawn) -> None:
    """Through the CLI: one line naming the squatter, then the guard runs and freezes."""
    planter = _plant("flock", lock_path)
    watch = Watching(spawn.root, REPO)
    out, err = watch.out, watch.err
    try:
        err.wait("watching for")
        [said] = [line for line in err.lines if "lock" in line]
        assert said.startswith(
            f"scamguard: ScamGuard's lock is held by process {planter.pid} (flock), which is "
            "not ScamGuard"
        )
        assert "guarding anyway" in said and "Traceback" not in "".join(err.lines)
        tool = spawn.start("anydesk")
        out.wait(f"AnyDesk is frozen (pids {tool.pid}")
        history = json.loads(run_cli("history", "--json").stdout)
        assert said.removeprefix("scamguard: ") in [e["message"] for e in history["other"]]
    finally:
        watch.stop()
        _stop(planter)
