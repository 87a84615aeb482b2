"""The settings window's "Reading and sound" tab: whether the warning is read aloud when it
appears, and whether ScamGuard's windows use the larger text.

Both are saved at once (``guard.state.changes``). Turning reading aloud off is journalled,
since a caller could dictate it; the larger text is a matter of comfort and is applied at
once to every open window, the tray menu and message boxes (``ui.style.apply_app_font``).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QApplication, QScrollArea

from guard.state import changes
from guard.state.settings import Settings
from ui import style, widgets
from ui.i18n import tr
from ui.windows.settings.saving import Saving, fill


class ReadingTab(QScrollArea):
    """``speak_box`` turns reading the warning aloud on or off, then ``changed("speak")``;
    ``larger_box`` turns the larger text on or off (at once, in every open window), then
    ``changed("larger_text")``. ``problem`` says why a change could not be saved."""

    changed = Signal(str)

    def __init__(self, saving: Saving):
        super().__init__()
        self.saving = saving
        title = widgets.heading(tr("Reading and sound"))
        speak_line, self.speak_box = widgets.check(
            tr("Read the warning aloud when it appears"),
            tr("ScamGuard says the warning's first words and the number to call."),
        )
        self.speak_box.clicked.connect(self._speak_clicked)
        speak_why = widgets.label(
            tr(
                "When ScamGuard stops a remote-access program, it plays a sound and reads out "
                "the warning and the number to call, so you hear it even if you are looking "
                "away from the screen."
            )
        )
        larger_line, self.larger_box = widgets.check(
            tr("Larger text in ScamGuard's windows"),
            tr("Makes the words bigger in ScamGuard's windows, its menu and its messages."),
        )
        self.larger_box.clicked.connect(self._larger_clicked)
        larger_why = widgets.label(
            tr(
                "Makes the words bigger in ScamGuard's windows, its menu and its messages. "
                "The full-screen warning is already as large as fits on the screen."
            )
        )
        self.problem = widgets.caution(accessible=tr("Reading and sound problem"))
        self.problem.hide()
        fill(self, title, speak_line, speak_why, larger_line, larger_why, self.problem)

    def show_saved(self, current: Settings) -> None:
        self.speak_box.setChecked(current.speak)
        self.larger_box.setChecked(current.larger_text)

    def _speak_clicked(self, checked: bool) -> None:
        saved = self.saving.change(
            lambda report: changes.set_speak(checked, report=report), self.problem
        )
        if not saved:
            self.speak_box.setChecked(not checked)
            return
        self.changed.emit("speak")

    def _larger_clicked(self, checked: bool) -> None:
        saved = self.saving.change(
            lambda report: changes.set_larger_text(checked, report=report), self.problem
        )
        if not saved:
            self.larger_box.setChecked(not checked)
            return
        app = QApplication.instance()
        if isinstance(app, QApplication):
            style.apply_app_font(app, checked)
        self.changed.emit("larger_text")
