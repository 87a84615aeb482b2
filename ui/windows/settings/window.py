"""The settings window: provider, watched folders, trusted programs, start at login.

One class per tab (``provider``, ``folders``, ``trusted``, ``autostart``); this window
composes them, shows what is saved each time it opens, and says at the top when the saved
settings could not be used. Every change is saved the moment it is made (there is no
"Apply" to forget; see ``saving``) and announced with ``changed`` so the tray can pick it
up. Permanent trust, the one dangerous setting, is explained and waited for in ``trusted``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QTabWidget, QVBoxLayout, QWidget

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
from ui.windows.settings.saving import Saving
from ui.windows.settings.trusted import Ask, TrustedTab


class SettingsWindow(QWidget):
    """ScamGuard's settings, saved at once.

    ``changed`` is emitted with ``"provider"``, ``"folders"``, ``"trusted"`` or
    ``"autostart"`` after that change has been saved. Tests drive the controls directly,
    on the tabs: ``provider_tab``, ``folders_tab``, ``trusted_tab`` and ``autostart_tab``
    (each says which of its controls are for that).
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
        self.resize(1000, 780)

        self.problem_label = widgets.caution(accessible=tr("Problem with the saved settings"))
        self.problem_label.hide()
        saving = Saving(self.problem_label)

        self.tabs = QTabWidget()
        self.tabs.setFont(style.font(style.BODY_PT))
        self.tabs.tabBar().setFont(style.font(style.BODY_PT))
        style.name(
            self.tabs,
            tr("Settings sections"),
            tr("Provider, watched folders, trusted programs and starting at login"),
        )
        self.provider_tab = ProviderTab(profiles, saving, today)
        self.folders_tab = FoldersTab(saving)
        self.trusted_tab = TrustedTab(tools, saving, trust_wait, service)
        self.autostart_tab = AutostartTab(autostart)
        self.tabs.addTab(self.provider_tab, tr("Provider"))
        self.tabs.addTab(self.folders_tab, tr("Watched folders"))
        self.tabs.addTab(self.trusted_tab, tr("Trusted programs"))
        index = self.tabs.addTab(self.autostart_tab, tr("Start at login"))
        self.tabs.setTabVisible(index, autostart is not None)  # hidden where unsupported
        for tab in (self.provider_tab, self.folders_tab, self.trusted_tab, self.autostart_tab):
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
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        super().showEvent(event)

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
