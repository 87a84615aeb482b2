"""The settings window: provider, watched folders, trusted programs, reading and sound,
start at login.

One class per tab (``provider``, ``folders``, ``trusted``, ``reading``, ``autostart``); this window
composes them, shows what is saved each time it opens, and says at the top when the saved
settings could not be used. Every change is saved the moment it is made (there is no
"Apply" to forget; see ``saving``) and announced with ``changed`` so the tray can pick it
up. Permanent trust, the one dangerous setting, is explained and waited for in ``trusted``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from guard.platform.autostart import Autostart
from guard.providers.model import ProfileSet
from guard.sigdb.model import ToolSignature
from guard.state import settings
from ui import style, widgets
from ui.i18n import tr
from ui.windows import common
from ui.windows.settings.autostart import AutostartTab
from ui.windows.settings.folders import FoldersTab
from ui.windows.settings.provider import ProviderTab
from ui.windows.settings.reading import ReadingTab
from ui.windows.settings.saving import Saving
from ui.windows.settings.trusted import Ask, TrustedTab

USUAL_SIZE = (1000, 720)  # logical px at the usual text size; smaller screens get less


class SettingsWindow(QWidget):
    """ScamGuard's settings, saved at once.

    ``changed`` is emitted with ``"provider"``, ``"folders"``, ``"trusted"``, ``"speak"``,
    ``"larger_text"`` or ``"autostart"`` after that change has been saved (a change to the
    larger text has already been applied to every open window, each refitted to its
    screen: ``ui.style.apply_app_font``). Tests drive the controls directly, on the tabs:
    ``provider_tab``, ``folders_tab``, ``trusted_tab``, ``reading_tab`` and ``autostart_tab``
    (each says which of its controls are for that); ``sections`` lists the tabs' names.
    """

    changed = Signal(str)

    def __init__(
        self,
        profiles: ProfileSet,
        tools: Sequence[ToolSignature],
        autostart: Autostart | None,
        trust_wait: int = 30,
        *,
        today: dt.date | None = None,
        parent: QWidget | None = None,
        service: Ask | None = None,
    ):
        super().__init__(parent)
        self.autostart = autostart

        self.setWindowTitle(tr("ScamGuard: settings"))
        self.setFont(style.font(style.BODY_PT))

        self.problem_label = widgets.caution(accessible=tr("Problem with the saved settings"))
        self.problem_label.hide()
        saving = Saving(self.problem_label)

        # The sections are listed down the left, one a line: five tabs in large type do
        # not fit across a small screen, and a tab bar's scroll arrows hide the rest. The
        # QTabWidget (its own bar hidden) keeps one page showing and the section names.
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.tabBar().hide()
        self.tabs.setFont(style.font(style.BODY_PT))
        self.sections = QListWidget()
        self.sections.setFont(style.font(style.BODY_PT))
        self.sections.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sections.setSpacing(6)  # room around each name: easier to hit
        style.scroll_bars(self.sections)
        style.name(
            self.sections,
            tr("Settings sections"),
            tr(
                "Provider, watched folders, trusted programs, starting at login, and reading "
                "and sound. Use the arrow keys to choose one."
            ),
        )
        self.provider_tab = ProviderTab(profiles, saving, today)
        self.folders_tab = FoldersTab(saving)
        self.trusted_tab = TrustedTab(tools, saving, trust_wait, service)
        self.reading_tab = ReadingTab(saving)
        self.autostart_tab = AutostartTab(autostart)
        self.tabs.addTab(self.provider_tab, tr("Provider"))
        self.tabs.addTab(self.folders_tab, tr("Watched folders"))
        self.tabs.addTab(self.trusted_tab, tr("Trusted programs"))
        index = self.tabs.addTab(self.autostart_tab, tr("Start at login"))
        self.tabs.setTabVisible(index, autostart is not None)  # hidden where unsupported
        self.tabs.addTab(self.reading_tab, tr("Reading and sound"))
        for index in range(self.tabs.count()):
            item = QListWidgetItem(self.tabs.tabText(index))
            self.sections.addItem(item)
            item.setHidden(not self.tabs.isTabVisible(index))
        self.sections.setCurrentRow(0)
        self.sections.currentRowChanged.connect(self.tabs.setCurrentIndex)
        self.tabs.currentChanged.connect(self.sections.setCurrentRow)
        tabs = (self.provider_tab, self.folders_tab, self.trusted_tab, self.autostart_tab)
        for tab in (*tabs, self.reading_tab):
            tab.changed.connect(self.changed)
        self.folders_tab.outdated.connect(self.refresh)

        self.close_button = widgets.button(tr("Close"), tr("Close the settings window"))
        self.close_button.clicked.connect(self.close)
        common.close_on_escape(self)

        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(self.problem_label)
        middle = QHBoxLayout()
        middle.setSpacing(16)
        middle.addWidget(self.sections)
        middle.addWidget(self.tabs, 1)
        layout.addLayout(middle, 1)
        layout.addLayout(bottom)
        self.refresh()
        self.fit_to()

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        if not event.spontaneous():  # opened (not restored): fit the screen it is on
            self.fit_to()
        super().showEvent(event)

    def fit_to(self, area: QRect | None = None) -> None:
        """Its usual size (grown with larger text), never larger than ``area`` (the
        available part of the screen it opens on); what does not fit scrolls. The list of
        sections is as wide as its longest name (which changes with the text size)."""
        self.sections.setFixedWidth(
            self.sections.sizeHintForColumn(0) + 2 * self.sections.frameWidth() + 8
        )
        common.fit_to_screen(self, common.scaled(*USUAL_SIZE), area)

    def hideEvent(self, event: QHideEvent) -> None:
        # A half-finished trust never waits, counted down, for later.
        self.trusted_tab.cancel_trust()
        super().hideEvent(event)

    def refresh(self) -> None:
        """Show what is saved now (another program may have changed it)."""
        current = settings.load()
        self._show_problem(current.problem)
        self.provider_tab.show_saved(current)
        self.folders_tab.show_saved(current)
        self.trusted_tab.show_saved(self.trusted_tab.saved_list())
        self.reading_tab.show_saved(current)
        self.autostart_tab.show_saved()

    def _show_problem(self, problem: str) -> None:
        widgets.set_text(
            self.problem_label,
            tr(
                "Your saved settings could not be used, so ScamGuard is using its defaults "
                "({problem}). Changing a setting here saves new ones; the old file is kept."
            ).format(problem=problem)
            if problem
            else "",
        )
