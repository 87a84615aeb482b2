"""One guard per user: the lock, who holds it, and release from another thread."""

from __future__ import annotations

import os
import threading

import pytest

from guard.instance import AlreadyRunning, GuardInstance, is_running


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
    held.release()  # the lock file now exists

    def refuse(*_args, **_kwargs):
        raise OSError(37, "No locks available")

    monkeypatch.setattr("guard.instance.FileLock.acquire", refuse)
    assert is_running() is True
    assert is_running(unknown=False) is False
