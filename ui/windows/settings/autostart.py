"""The settings window's "Start at login" tab: whether ScamGuard starts when the person logs
in. Its tab is shown only where ScamGuard can set that up (an ``Autostart`` adapter for
this system; ``None`` elsewhere).

Set for everyone by an installer, it cannot be changed here: a caller cannot talk anyone
out of it. Each change is journalled.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QScrollArea

from guard.platform.autostart import Autostart, AutostartError, login_command
from guard.state import changes
from guard.state.events import EventKind
from ui import style, widgets
from ui.i18n import tr
from ui.windows.settings.saving import fill


def _why_autostart() -> str:
    return tr(
        "Recommended: ScamGuard can only protect you while it is running. If someone "
        "on the phone asked you to untick this, that is a scam: hang up."
    )


class AutostartTab(QScrollArea):
    """``autostart_box`` turns starting at login on or off at once, then
    ``changed("autostart")``; ``autostart_error`` says what went wrong."""

    changed = Signal(str)

    def __init__(self, autostart: Autostart | None):
        super().__init__()
        self.autostart = autostart
        title = widgets.heading(tr("Start at login"))
        box_line, self.autostart_box = widgets.check(
            tr("Start ScamGuard when I log in"),
            tr("Recommended. ScamGuard can only protect you while it is running."),
        )
        self.autostart_box.clicked.connect(self._autostart_clicked)
        self.autostart_why = why = widgets.label(_why_autostart())
        self.autostart_error = widgets.caution(accessible=tr("Start at login problem"))
        self.autostart_error.hide()
        self.autostart_where = widgets.label(
            accessible=tr("Where this is set"), points=style.NOTE_PT
        )
        self.autostart_where.setStyleSheet(f"QLabel {{ color: {style.QUIET_INK}; }}")
        fill(self, title, box_line, why, self.autostart_error, self.autostart_where)

    def show_saved(self) -> None:
        """Show whether ScamGuard starts at login now, and where that is set."""
        if self.autostart is None:
            return
        widgets.set_text(self.autostart_error, "")
        everyone = self.autostart.for_everyone()
        if everyone:  # the installer's: a caller cannot talk anyone out of it here
            self.autostart_box.setChecked(True)
            self.autostart_box.setEnabled(False)
            widgets.set_text(
                self.autostart_why,
                tr(
                    "ScamGuard always starts when anyone logs in to this computer. It was set "
                    "up this way for you, so there is nothing to change here. If someone on "
                    "the phone asks you to stop ScamGuard, that is a scam: hang up."
                ),
            )
            # Where it is set matters to support staff, not to the person: said to screen
            # readers and shown small.
            widgets.set_text(self.autostart_where, tr("Set for everyone in: {where}").format(
                where=everyone))  # fmt: skip
            return
        self.autostart_box.setEnabled(True)
        widgets.set_text(self.autostart_why, _why_autostart())
        try:
            enabled = self.autostart.is_enabled()
        except AutostartError as exc:
            enabled = False
            widgets.set_text(self.autostart_error, str(exc))
        self.autostart_box.setChecked(enabled)
        try:
            where = self.autostart.describe()
        except AutostartError as exc:
            where = str(exc)
        widgets.set_text(self.autostart_where, tr("Set in: {where}").format(where=where))

    def _autostart_clicked(self, checked: bool) -> None:
        if self.autostart is None:
            return
        widgets.set_text(self.autostart_error, "")
        try:
            if checked:
                self.autostart.enable(login_command())
            else:
                self.autostart.disable()
            now = self.autostart.is_enabled()
        except AutostartError as exc:
            widgets.set_text(self.autostart_error, str(exc))
            self.autostart_box.setChecked(not checked)
            return
        self.autostart_box.setChecked(now)
        changes.journal(
            EventKind.SETTINGS,
            "ScamGuard will start at login" if now else "ScamGuard will no longer start at login",
            lambda line: widgets.set_text(self.autostart_error, line),
            setting="start_at_login",
            value=now,
            previous=not checked,
        )
        if now != checked:
            widgets.set_text(
                self.autostart_error,
                tr("This did not take effect: {where}").format(where=self.autostart.describe()),
            )
        self.changed.emit("autostart")
