"""The Qt binding itself: a release that mishandles reference counts would crash the tray.

PySide6 6.12.0 drops a reference to None on every call of a method that returns nothing
(``setText``, ``update``, ``processEvents``). On Python 3.11, where None is an ordinary
object, the tray aborted with "deallocating None" after a few thousand such calls (found by
benchmarks/tray.py). pyproject.toml keeps that release out; this test keeps it out for good.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_calls_returning_nothing_keep_none_alive(qapp):
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("Hang up.")
        label.update()
        qapp.processEvents()
    # Other threads may hold or drop a few references meanwhile; a leak is one per call.
    assert sys.getrefcount(None) > before - 500
