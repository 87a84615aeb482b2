"""What every settings tab shares: its scrolling page, and how a change is saved.

Every change is saved the moment it is made (there is no "Apply" to forget) through a
journalled ``guard`` call. Settings are re-read from disk before each change, so a change
made meanwhile with ``scamguard trust`` or ``scamguard provider set`` is never overwritten.
A failure is said beside the control; a damaged settings file set aside by the save is said
once, at the top of the window.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from guard.state import settings
from ui import style, widgets
from ui.i18n import tr


def fill(area: QScrollArea, *widgets_: QWidget | None) -> QScrollArea:
    """Make ``area`` a tab's contents, top-aligned, scrolling if the screen is small."""
    inner = QWidget()
    layout = QVBoxLayout(inner)
    layout.setContentsMargins(16, 16, 16, 16)
    layout.setSpacing(14)
    for widget in widgets_:
        if widget is not None:
            layout.addWidget(widget)
    layout.addStretch(1)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    style.scroll_bars(area)  # always drawn, easy to grab
    area.setWidget(inner)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return area


def page(*widgets_: QWidget | None) -> QScrollArea:
    """A new tab page (see ``fill``)."""
    return fill(QScrollArea(), *widgets_)


def row(*widgets_: QWidget, stretch: bool = True) -> QWidget:
    """Buttons side by side, one under another on a page too narrow for them."""
    return widgets.WrappingRow(widgets_, stretch=stretch)


class Saving:
    """Saves a tab's change and says what came of it; ``problem_label`` is the window's."""

    def __init__(self, problem_label: QLabel):
        self.problem_label = problem_label

    def change(self, action: Callable[[Callable[[str], None]], object], where: QLabel) -> bool:
        """Carry out a journalled change (guard.state.changes); on failure say why in ``where``
        (the settings on disk stay as they were). Other notes it reports go there too."""
        notes: list[str] = []
        damaged = settings.load().problem
        try:
            action(notes.append)
        except OSError as exc:
            widgets.set_text(
                where,
                tr("The settings could not be saved ({why}).").format(why=exc.strerror or exc),
            )
            return False
        self.saved(damaged)
        widgets.set_text(where, " ".join(other(notes, damaged)))
        return True

    def saved(self, damaged: str) -> None:
        """After a save: if the file had been damaged, say (once) that it was set aside."""
        widgets.set_text(
            self.problem_label,
            tr("The damaged settings file was kept beside the new one, and your change was saved.")
            if damaged
            else "",
        )


def other(notes: list[str], damaged: str) -> list[str]:
    """What guard.state.changes reported, less the damaged-file line atop the window."""
    return [n for n in notes if n != damaged]
