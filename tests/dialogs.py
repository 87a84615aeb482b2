"""Driving Qt's modal dialogs (save, print) from a test: a dialog runs its own event loop,
so what to do with it is scheduled before the call that opens it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

D = TypeVar("D", bound=QWidget)


def when_dialog_opens(kind: type[D], act: Callable[[D], None]) -> list[D]:
    """Once a modal dialog of ``kind`` is up, do ``act`` with it; the list gets each one
    seen (so a test can say the dialog did open)."""
    seen: list[D] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and dialog.isVisible():
            seen.append(dialog)
            act(dialog)
        else:
            QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)
    return seen
