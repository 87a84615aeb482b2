"""What the tray benchmarks share: pumping Qt's events until a condition holds, and noting
a window's first paint. No side effects on import (the benchmarks set their own homes)."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication


class FirstPaint(QObject):
    """An event filter that notes the wall-clock time of the first paint it sees."""

    def __init__(self) -> None:
        super().__init__()
        self.at: float | None = None

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.at is None:
            self.at = time.time()
        return False


def pump(app: QApplication, until: Callable[[], object], timeout: float = 10.0) -> None:
    """Run Qt's events until ``until()`` is true; TimeoutError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark condition not reached")
        app.processEvents()
        time.sleep(0.0005)
