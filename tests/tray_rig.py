"""The tray app as the tests start it: the real TrayApp and guard, confined to the test's
folders, on the built-in signatures as on the day they shipped, without the tray icon and
without the first-run window (tests/test_first_run.py tests that on its own)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from guard.live import GuardOptions
from guard.sigdb.loader import load_database
from guard.state import paths, settings
from tests.guard_rig import status
from tests.helpers import TIME_FACTOR

WAIT_MS = 10_000 * TIME_FACTOR


def release_day() -> dt.date:
    """The built-in signatures' release day: never out of date, whatever today is."""
    released = load_database(paths.builtin_signatures_dir()).released
    assert released is not None
    return released


def gone(proc) -> bool:
    """The process has exited (or is a zombie), as the guard sees it."""
    return proc.poll() is not None or status(proc.pid) in ("gone", psutil.STATUS_ZOMBIE)


@pytest.fixture
def start_tray(qtbot, tmp_path: Path, downloads: Path) -> Iterator[Callable[..., Any]]:
    """``start(provider, allow_wait)``: a running TrayApp, stopped after the test. (Qt is
    imported here, not at the top: every test's conftest loads this module.)"""
    from ui.app import AppOptions, TrayApp

    made: list[TrayApp] = []

    def start(provider: str = "talktalk", allow_wait: int = 30) -> TrayApp:
        chosen = settings.load()
        chosen.provider = provider
        settings.save(chosen)
        options = AppOptions(
            guard=GuardOptions(
                interval=0.02,
                default_folders=False,
                extra_folders=[downloads],
                only_under=tmp_path,
            ),
            allow_wait=allow_wait,
            use_tray=False,
            today=release_day,
            welcome=False,
        )
        app = TrayApp(options)
        made.append(app)
        qtbot.addWidget(app.status_window)
        app.start()
        qtbot.waitUntil(lambda: app.running, timeout=WAIT_MS)
        return app

    yield start
    for app in made:
        if app.guard is not None:
            app.stop("test finished")
