"""Moves this Python's clock ahead by ``SCAMGUARD_TEST_TRAVEL_DAYS`` days, for tests only.

``make test-future`` (and ``tests/test_calendar.py``) put this folder first on PYTHONPATH, so
the test process and every Python program a test starts (the CLI, a tray, a guard) read the
same moved calendar: ``time.time``, ``datetime.now``, ``date.today`` and friends, through
time-machine. What the kernel stamps is not moved (file times, process start times), which
is why the product itself never compares those with the calendar.

Never shipped: the guard has no way to move its clock, so nobody can make an expired
update look current.
"""

from __future__ import annotations

import os

_DAYS = os.environ.get("SCAMGUARD_TEST_TRAVEL_DAYS")
if _DAYS:
    import datetime as _dt

    import time_machine

    _target = _dt.datetime.now(_dt.UTC) + _dt.timedelta(days=float(_DAYS))
    time_machine.travel(_target, tick=True).start()
