"""The about window: which ScamGuard this is, what it knows, and where it keeps its files.

Written for the person reading it out to their ISP's helpdesk as much as for the person at
the keyboard: plain, selectable text, and a button that copies it all.
"""

from __future__ import annotations

import datetime as dt
import platform
import sys

import PySide6
from PySide6.QtCore import QRect, Qt, qVersion
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

import guard
from guard import clock
from guard.database import load_active
from guard.providers.active import active_profile, load_active_profiles
from guard.providers.model import ProfileSet
from guard.state import machine_config, settings
from guard.state.paths import journal_path
from guard.updates import client as update_client
from guard.updates import installed
from ui import style, widgets
from ui.i18n import tr
from ui.windows import common

USUAL_SIZE = (980, 720)  # logical px at the usual text size; smaller screens get less
FIELDS = ("version", "python", "qt", "database", "updates", "provider", "settings", "journal")


class AboutWindow(QWidget):
    """ScamGuard's version, the software under it, the signature database and provider
    profile in use, and where the settings and journal live.

    ``fields[key]`` is the value label for each key of :data:`FIELDS`; :meth:`refresh`
    (also run on every show) reads everything again; :meth:`details_text` is what "Copy"
    puts on the clipboard. ``profiles`` defaults to the installed provider profiles.
    """

    def __init__(
        self,
        profiles: ProfileSet | None = None,
        *,
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.profiles = profiles
        self.today = today
        self.setWindowTitle(tr("About ScamGuard"))
        self.setFont(style.font(style.BODY_PT))

        self.title = widgets.heading(tr("ScamGuard"))
        self.summary = widgets.label(
            tr(
                "ScamGuard freezes remote-access programs the moment they arrive or start, "
                "and shows your provider's real phone numbers."
            )
        )
        names = {
            "version": tr("Version"),
            "python": tr("Python"),
            "qt": tr("Qt"),
            "database": tr("Programs it knows"),
            "updates": tr("Updates"),
            "provider": tr("Provider"),
            "settings": tr("Settings file"),
            "journal": tr("History file"),
        }
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(12)
        self.names: dict[str, QLabel] = {}
        self.fields: dict[str, QLabel] = {}
        for row, key in enumerate(FIELDS):
            name = widgets.label(names[key], bold=True)
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            value = widgets.label(accessible=names[key])
            value.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse
                | Qt.TextInteractionFlag.TextSelectableByKeyboard
            )
            value.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab reads each line in turn
            name.setBuddy(value)
            grid.addWidget(name, row, 0)
            grid.addWidget(value, row, 1)
            self.names[key], self.fields[key] = name, value
        grid.setColumnStretch(1, 1)
        self.stale_label = widgets.caution(accessible=tr("Provider numbers need checking"))
        self.stale_label.hide()
        self.copy_button = widgets.button(
            tr("Copy these details"),
            tr("Copy everything shown here, to paste into an email to your helpdesk"),
        )
        self.copy_button.clicked.connect(self.copy)
        self.copied = widgets.label(accessible=tr("Copied"))
        self.copied.hide()
        self.close_button = widgets.button(tr("Close"), tr("Close the about window"))
        self.close_button.clicked.connect(self.close)
        common.close_on_escape(self)

        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.copied, 1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(14)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        details = QWidget()
        inner = QVBoxLayout(details)
        inner.setContentsMargins(0, 6, 0, 0)
        inner.setSpacing(14)
        inner.addLayout(grid)
        inner.addWidget(self.stale_label)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        style.scroll_bars(scroll)
        scroll.setWidget(details)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.refresh()
        self.fit_to()

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        if not event.spontaneous():  # opened (not restored): fit the screen it is on
            self.fit_to()
        super().showEvent(event)
        self.close_button.setFocus(Qt.FocusReason.OtherFocusReason)  # no caret in a label

    def fit_to(self, area: QRect | None = None) -> None:
        """Its usual size (grown with larger text), never larger than ``area`` (the
        available part of the screen it opens on); what does not fit scrolls."""
        common.fit_to_screen(self, common.scaled(*USUAL_SIZE), area)

    def refresh(self) -> None:
        values = {
            "version": tr("ScamGuard {version}").format(version=guard.__version__),
            "python": f"{platform.python_implementation()} {platform.python_version()}",
            "qt": tr("Qt {qt}, PySide6 {pyside}").format(qt=qVersion(), pyside=PySide6.__version__),
            "database": self._database(),
            "updates": self._updates(),
            "provider": self._provider(),
            "settings": str(settings.settings_path()),
            "journal": str(journal_path()),
        }
        for key, text in values.items():
            self.fields[key].setText(text)
            self.fields[key].setAccessibleDescription(text)
        widgets.set_text(self.copied, "")

    def _database(self) -> str:
        try:
            active = load_active()
        except Exception as exc:  # a line, never a traceback
            return tr("The signature database could not be loaded ({why}).").format(why=exc)
        sigs = active.signatures
        origin = tr("an installed update") if active.origin == "installed update" else (
            tr("built in") if active.origin == "built-in" else active.origin
        )  # fmt: skip
        released = common.long_date(sigs.released) if sigs.released else tr("no date")
        text = tr("{count} remote-access programs; database version {version}, released "
                  "{date} ({origin})").format(
            count=len(sigs.tools), version=sigs.version, date=released, origin=origin
        )  # fmt: skip
        if active.warning:
            text += "\n" + active.warning
        return text

    def _updates(self) -> str:
        """Where updates come from, what is installed, and whether it is out of date."""
        state = installed.read_state()
        feed = machine_config.feed_url() or state.get("feed")
        if not feed:
            return tr("No update feed is set up: ScamGuard uses the list it came with.")
        parts = [tr("From {feed}").format(feed=feed)]
        version = installed.version_in_use()
        if version:
            parts.append(tr("update version {version} installed").format(version=version))
        if state.get("last_check"):
            parts.append(
                tr("last checked {when} ({result})").format(
                    when=str(state["last_check"])[:16].replace("T", " "),
                    result=state.get("last_result", "?"),
                )
            )
        stale = update_client.out_of_date()
        text = "; ".join(parts) + "."
        return text + ("\n" + tr("Out of date: {why}.").format(why=stale) if stale else "")

    def _provider(self) -> str:
        profiles = self.profiles
        try:
            if profiles is None:
                profiles, _problems = load_active_profiles()
            chosen = settings.load().provider
            profile, warning = active_profile(profiles, chosen)
        except Exception as exc:
            widgets.set_text(self.stale_label, "")
            return tr("No provider details could be loaded ({why}).").format(why=exc)
        today = self.today or clock.today()
        stale = profile.stale_numbers(today)
        if not stale:
            said = ""
        elif len(stale) == len(profile.numbers):
            said = tr(
                "All {total} phone numbers were last checked more than a year ago and may "
                "have changed. Update ScamGuard to check them again."
            ).format(total=len(profile.numbers))
        else:
            said = tr(
                "{count} of the {total} phone numbers were last checked more than a year ago "
                "and may have changed. Update ScamGuard to check them again."
            ).format(count=len(stale), total=len(profile.numbers))
        widgets.set_text(self.stale_label, said)
        text = tr("{name}; phone numbers last checked {date}").format(
            name=profile.name, date=common.long_date(profile.oldest_check)
        )
        return f"{text}\n{warning}" if warning else text

    def details_text(self) -> str:
        lines = [f"{self.names[k].text()}: {self.fields[k].text()}" for k in FIELDS]
        if self.stale_label.text() and not self.stale_label.isHidden():
            lines.append(self.stale_label.text())
        lines.append(f"{sys.platform}, {platform.platform()}")
        return "\n".join(lines)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text())
        widgets.set_text(self.copied, tr("Copied."))
