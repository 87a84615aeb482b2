"""The tray icon and its menu, or a small status window where the desktop has no tray.

GNOME without the AppIndicator extension has no system tray; there the same menu lives on
a small status window, so protection is never invisible. There is deliberately no "pause"
item: "pause your antivirus" is a line scam callers use. "Paused" is shown only when the
guard is not running (it could not start, or another guard holds the lock).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from ui import icons, style
from ui.i18n import tr


@dataclass(frozen=True)
class Status:
    """What the icon and tooltip say; ``state`` picks the icon."""

    state: str  # protected | warning | attention | outdated | paused
    headline: str
    detail: str = ""

    @property
    def tooltip(self) -> str:
        return f"ScamGuard: {self.headline}" + (f"\n{self.detail}" if self.detail else "")


def status_of(
    running: bool,
    warning_open: bool,
    signatures_outdated: bool,
    reason: str = "",
    concern: str = "",
) -> Status:
    """The most urgent state wins: a warning, then not running, then a running guard with
    a ``concern`` (its lock held by another program, its history in a temporary folder),
    then old signatures. A concern is never hidden behind a green "protecting": a program
    holding the lock may be trying to switch protection off."""
    if warning_open:
        return Status("warning", tr("a remote-control program was frozen"), tr("Hang up."))
    if not running:
        return Status("paused", tr("not protecting this computer"), reason)
    if concern:
        return Status("attention", tr("protecting, but something needs looking at"), concern)
    if signatures_outdated:
        return Status(
            "outdated",
            tr("protecting, but the list of programs is out of date"),
            tr("Check for updates from this menu."),
        )
    return Status("protected", tr("protecting this computer"))


class Menu(QObject):
    """The actions the tray menu and the status window share."""

    show_warning = Signal()
    numbers = Signal()
    history = Signal()
    updates = Signal()
    settings = Signal()
    about = Signal()
    quit = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.menu = QMenu()
        self.menu.setFont(style.font(12))
        self.status_action = QAction("")
        self.status_action.setEnabled(False)
        self.warning_action = QAction(tr("Show the warning"))
        self.warning_action.triggered.connect(self.show_warning)
        self.menu.addAction(self.status_action)
        self.menu.addAction(self.warning_action)
        self.menu.addSeparator()
        self.actions: dict[str, QAction] = {}
        for key, text, signal in (
            ("numbers", tr("Who to call…"), self.numbers),
            ("history", tr("History…"), self.history),
            ("updates", tr("Check for updates"), self.updates),
            ("settings", tr("Settings…"), self.settings),
            ("about", tr("About ScamGuard"), self.about),
        ):
            action = QAction(text)
            action.triggered.connect(signal)
            self.menu.addAction(action)
            self.actions[key] = action
        self.menu.addSeparator()
        quit_action = QAction(tr("Quit ScamGuard…"))
        quit_action.triggered.connect(self.quit)
        self.menu.addAction(quit_action)
        self.actions["quit"] = quit_action

    def set_status(self, status: Status) -> None:
        self.status_action.setText(status.tooltip.replace("\n", " — "))
        self.warning_action.setVisible(status.state == "warning")


class TrayIcon:
    """The system tray icon; clicking it opens the status window."""

    def __init__(self, menu: Menu, on_activate: Callable[[], None]):
        self.icon = QSystemTrayIcon()
        self.icon.setContextMenu(menu.menu)
        self.icon.activated.connect(
            lambda reason: (
                on_activate()
                if reason
                in (
                    QSystemTrayIcon.ActivationReason.Trigger,
                    QSystemTrayIcon.ActivationReason.DoubleClick,
                )
                else None
            )
        )

    def set_status(self, status: Status) -> None:
        self.icon.setIcon(icons.icon(status.state))
        self.icon.setToolTip(status.tooltip)

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()


class StatusWindow(QWidget):
    """A small window with the state and the menu's choices as buttons.

    Shown instead of a tray icon where there is no tray, and brought forward when
    ScamGuard is launched a second time. Closing it hides it; only Quit stops ScamGuard.
    """

    def __init__(self, menu: Menu, has_tray: bool = True):
        super().__init__()
        self.has_tray = has_tray
        self.setWindowTitle("ScamGuard")
        style.name(self, "ScamGuard", tr("Shows whether ScamGuard is protecting this computer."))
        col = QVBoxLayout(self)
        col.setContentsMargins(24, 20, 24, 20)
        top = QHBoxLayout()
        self.picture = QLabel()
        self.headline = QLabel()
        self.headline.setFont(style.font(style.BODY_PT, bold=True))
        self.headline.setWordWrap(True)
        top.addWidget(self.picture)
        top.addWidget(self.headline, 1)
        col.addLayout(top)
        self.detail = QLabel()
        self.detail.setFont(style.font(style.BODY_PT, bold=True))
        self.detail.setWordWrap(True)
        col.addWidget(self.detail)
        self.warning_button = self._button(tr("Show the warning"), menu.show_warning, col)
        self._button(tr("Who to call"), menu.numbers, col)
        row = QHBoxLayout()
        for text, signal in (
            (tr("History"), menu.history),
            (tr("Settings"), menu.settings),
            (tr("About"), menu.about),
            (tr("Quit…"), menu.quit),
        ):
            self._button(text, signal, row)
        col.addLayout(row)
        self.setMinimumWidth(520)

    @staticmethod
    def _button(
        text: str, signal: SignalInstance, layout: QHBoxLayout | QVBoxLayout
    ) -> QPushButton:
        button = QPushButton(text)
        button.setFont(style.font(18))
        button.setMinimumHeight(48)
        button.setAutoDefault(False)
        style.name(button, text.rstrip("…"))
        button.clicked.connect(signal)
        layout.addWidget(button)
        return button

    def set_status(self, status: Status) -> None:
        self.setWindowIcon(icons.icon(status.state))
        self.picture.setPixmap(icons.pixmap(status.state, 64))
        self.headline.setText(status.headline[:1].upper() + status.headline[1:] + ".")
        self.detail.setText(status.detail[:1].upper() + status.detail[1:])
        self.detail.setVisible(bool(status.detail))
        self._fit_detail()
        self.warning_button.setVisible(status.state == "warning")
        self.picture.setAccessibleName(status.headline)

    def _fit_detail(self) -> None:
        """A long reason (a folder path, the program holding the lock) wraps onto several
        lines: give it the height it needs at the window's width, and grow the window if
        it is shorter than that, so no line of the reason is cut off."""
        layout = self.layout()  # the column made in __init__
        margins = layout.contentsMargins().left() * 2 if layout is not None else 0
        width = max(self.width(), self.minimumWidth()) - margins
        needed = self.detail.heightForWidth(width) if self.detail.isVisibleTo(self) else 0
        self.detail.setMinimumHeight(max(needed, 0))
        hint = self.sizeHint().height()
        if self.height() < hint:
            self.resize(self.width(), hint)

    def bring_forward(self) -> None:
        self.show()
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing never stops protection: with a tray it hides, without one it minimises
        (a hidden window with no tray icon could never be found again)."""
        event.ignore()
        if self.has_tray:
            self.hide()
        else:
            self.showMinimized()
