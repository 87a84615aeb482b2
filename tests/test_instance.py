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
