"""No test, and no check of an update, depends on today's date.

The update tests sign and check manifests that expire after days, so they are where a fixed
date in a test turns the suite red on its own a week later. Here they run again with the
clock a year ahead, in a separate Python whose every clock reading is moved
(tests/travel/sitecustomize.py); ``make test-future`` does the same for the whole suite.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import not_on_windows

TESTS = Path(__file__).resolve().parent
TRAVEL = TESTS / "travel"


def _run(days: int, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SCAMGUARD_TEST_TRAVEL_DAYS": str(days),
        "PYTHONPATH": os.pathsep.join([str(TRAVEL), os.environ.get("PYTHONPATH", "")]),
        "QT_QPA_PLATFORM": "offscreen",
    }
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=TESTS.parent,
        timeout=900,
        check=False,
    )


def test_the_travelling_clock_really_moves() -> None:
    """The mechanism itself, so a year-ahead run can never pass by not moving at all."""
    if os.environ.get("SCAMGUARD_TEST_TRAVEL_DAYS"):
        pytest.skip("already running with a moved clock (make test-future)")
    code = "import datetime, time; print(datetime.date.today(), int(time.time()))"
    moved = _run(365, "-c", code)
    assert moved.returncode == 0, moved.stderr
    day, stamp = moved.stdout.split()
    ahead = dt.date.fromisoformat(day) - dt.date.today()
    assert 364 <= ahead.days <= 366
    assert int(stamp) - int(dt.datetime.now(dt.UTC).timestamp()) > 364 * 86400


@pytest.mark.slow
@not_on_windows(
    "a nested run of the update tests takes minutes under Wine; "
    "`make test-future` runs the whole suite a year ahead on Linux"
)
def test_the_update_tests_pass_with_the_clock_a_year_ahead() -> None:
    if os.environ.get("SCAMGUARD_TEST_TRAVEL_DAYS"):
        pytest.skip("already running with a moved clock (make test-future)")
    result = _run(
        365, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:time_machine",
        "tests/test_updates.py",
    )  # fmt: skip
    tail = "\n".join(result.stdout.splitlines()[-15:])
    assert result.returncode == 0, tail + result.stderr[-2000:]
    assert " passed" in tail and "failed" not in tail
