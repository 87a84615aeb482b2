"""The tray icon and its menu, or a small status window where the desktop has no tray.

GNOME without the AppIndicator extension has no system tray; there the same menu lives on
a small status window, so protection is never invisible. There is deliberately no "pause"
item: "pause your antivirus" is a line scam callers use. "Paused" is shown only when the
guard is not running (it could not start, or another guard holds the lock).

Both always say whose numbers the warning will show, and list every remote-access program
the person allowed or trusts that is running now, each with "Stop it now": an allowed tool
must never be invisible while someone may be using it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

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

from guard.engine.incidents import AllowScope, IncidentView, MemberState, State
from guard.providers.model import Profile
from ui import icons, style
from ui.i18n import tr

TRUSTED = AllowScope("trusted").label  # how the engine labels a trusted tool's allowance
UNTIL_CLOSED = AllowScope("until-closed").label


@dataclass(frozen=True)
class RunningTool:
    """A remote-access program running with the person's leave: allowed from the warning
    (``until``: when that runs out; None: until it closes) or trusted in settings."""

    incident: str
    name: str
    trusted: bool = False
    until: float | None = None

    @property
    def text(self) -> str:
        if self.trusted:
            return tr("{name} (trusted) is running").format(name=self.name)
        if self.until is None:
            return tr("{name} is allowed until it closes").format(name=self.name)
        ends = dt.datetime.fromtimestamp(self.until).strftime("%H:%M")
        return tr("{name} is allowed until {time}").format(name=self.name, time=ends)

    @property
    def menu_text(self) -> str:
        return tr("{running}: Stop it now").format(running=self.text)


def running_tools(views: Iterable[IncidentView]) -> tuple[RunningTool, ...]:
    """The allowed or trusted tools with a process still running, by name."""
    found = [
        RunningTool(
            view.id,
            view.tool.name,
            trusted=view.allow == TRUSTED,
            # "until it closes" has a safety limit too, but the person chose "until it closes"
            until=None if view.allow in (TRUSTED, UNTIL_CLOSED) else view.allow_expires,
        )
        for view in views
        if view.state is State.ALLOWED
        and any(p.get("state") == MemberState.RUNNING for p in view.processes)
    ]
    return tuple(sorted(found, key=lambda t: (t.name.casefold(), t.incident)))


def whose_numbers(provider: Profile | None) -> str:
    """ "The warning shows TalkTalk's numbers", in one line for the tooltip and windows."""
    if provider is None or not provider.numbers:
        return tr("The warning shows no phone numbers (no provider details could be loaded)")
    if provider.generic:
        return tr("The warning shows the {name} (no provider chosen)").format(name=provider.name)
    return tr("The warning shows {name}'s numbers").format(name=provider.name)


@dataclass(frozen=True)
class Status:
    """What the icon and tooltip say; ``state`` picks the icon. ``numbers`` says whose
    numbers the warning shows; ``running`` lists the tools running with the person's leave."""

    state: str  # protected | warning | attention | outdated | paused | remote
    headline: str
    detail: str = ""
    numbers: str = ""
    running: tuple[RunningTool, ...] = ()

    @property
    def tooltip(self) -> str:
        named = tr("ScamGuard: {status}").format(status=self.headline)  # French: "ScamGuard : "
        lines = [named, self.detail, *(t.text for t in self.running)]
        return "\n".join(line for line in (*lines, self.numbers) if line)


def status_of(
    running: bool,
    warning_open: bool,
    signatures_outdated: bool,
    reason: str = "",
    concern: str = "",
    *,
    numbers: str = "",
    tools: tuple[RunningTool, ...] = (),
) -> Status:
    """The most urgent state wins: a warning, then not running, then a running guard with
    a ``concern`` (its lock held by another program, its history in a temporary folder),
    then a remote-access tool running with the person's leave (``tools``), then old
    signatures. A concern is never hidden behind a green "protecting": a program holding
    the lock may be trying to switch protection off. ``numbers`` (whose numbers the warning
    shows) and ``tools`` are shown whatever the state."""
    if warning_open:
        status = Status("warning", tr("a remote-control program was frozen"), tr("Hang up."))
    elif not running:
        status = Status("paused", tr("not protecting this computer"), reason)
    elif concern:
        status = Status("attention", tr("protecting, but something needs looking at"), concern)
    elif tools:
        status = Status(
            "remote",
            tr("protecting; a remote-access program is running"),
            tr("Check for updates from this menu.") if signatures_outdated else "",
        )
    elif signatures_outdated:
        status = Status(
            "outdated",
            tr("protecting, but the list of programs is out of date"),
            tr("Check for updates from this menu."),
        )
    else:
        status = Status("protected", tr("protecting this computer"))
    return replace(status, numbers=numbers, running=tools)


class Menu(QObject):
    """The actions the tray menu and the status window share. ``stop_tool`` carries the
    incident of a running tool the person chose "Stop it now" for."""

    show_warning = Signal()
    numbers = Signal()
    history = Signal()
    updates = Signal()
    settings = Signal()
    setup = Signal()
    about = Signal()
    quit = Signal()
    stop_tool = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.menu = QMenu()
        self.menu.setFont(style.font(style.MENU_PT))
        self.status_action = QAction("")
        self.status_action.setEnabled(False)
        self.numbers_action = QAction("")  # whose numbers the warning shows
        self.numbers_action.setEnabled(False)
        self.warning_action = QAction(tr("Show the warning"))
        self.warning_action.triggered.connect(self.show_warning)
        self.menu.addAction(self.status_action)
        self.menu.addAction(self.numbers_action)
        self.menu.addAction(self.warning_action)
        self.tool_actions: list[QAction] = []  # "TeamViewer is allowed...: Stop it now"
        self._tools: tuple[RunningTool, ...] = ()
        self.tools_end = self.menu.addSeparator()
        self.actions: dict[str, QAction] = {}
        for key, text, signal in (
            ("numbers", tr("Who to call…"), self.numbers),
            ("history", tr("History…"), self.history),
            ("updates", tr("Check for updates"), self.updates),
            ("settings", tr("Settings…"), self.settings),
            ("setup", tr("Set up ScamGuard again…"), self.setup),
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
        headline = tr("ScamGuard: {status}").format(status=status.headline) + (
            f" — {status.detail}" if status.detail else ""
        )
        self.status_action.setText(headline)
        self.numbers_action.setText(status.numbers)
        self.numbers_action.setVisible(bool(status.numbers))
        self.warning_action.setVisible(status.state == "warning")
        self._show_tools(status.running)

    def _show_tools(self, tools: tuple[RunningTool, ...]) -> None:
        if tools == self._tools:
            return
        self._tools = tools
        for action in self.tool_actions:
            self.menu.removeAction(action)
        self.tool_actions = []
        for tool in tools:
            action = QAction(tool.menu_text)
            action.triggered.connect(lambda _checked=False, i=tool.incident: self.stop_tool.emit(i))
            self.menu.insertAction(self.tools_end, action)
            self.tool_actions.append(action)


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
        self.numbers_label = QLabel()  # whose numbers the warning shows
        self.numbers_label.setFont(style.font(style.BODY_PT))
        self.numbers_label.setWordWrap(True)
        col.addWidget(self.numbers_label)
        # One row per tool running with the person's leave: what it is, and "Stop it now".
        self.menu = menu
        self.tools_box = QWidget()
        self.tools_box.setObjectName("running")
        self.tools_box.setStyleSheet(
            f"QWidget#running {{ background: {style.CAUTION_BG}; "
            f"border: 2px solid {style.CAUTION_EDGE}; border-radius: 8px; }}"
        )
        self.tools_layout = QVBoxLayout(self.tools_box)
        self.tools_layout.setContentsMargins(14, 10, 14, 10)
        self.tools_box.hide()
        self.tool_rows: list[tuple[QLabel, QPushButton]] = []
        self._tools: tuple[RunningTool, ...] = ()
        col.addWidget(self.tools_box)
        self.warning_button = self._button(tr("Show the warning"), menu.show_warning, col)
        self._button(tr("Who to call"), menu.numbers, col)
        row = QHBoxLayout()
        for text, signal in (
            (tr("History"), menu.history),
            (tr("Settings"), menu.settings),
            (tr("Set up"), menu.setup),
            (tr("About"), menu.about),
            (tr("Quit…"), menu.quit),
        ):
            self._button(text, signal, row)
        col.addLayout(row)
        # Wide enough for the row of buttons at their natural size: no word cut short.
        self.setMinimumWidth(max(520, row.sizeHint().width() + 48))

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
        self.numbers_label.setText(status.numbers + "." if status.numbers else "")
        self.numbers_label.setVisible(bool(status.numbers))
        self._show_tools(status.running)
        self._fit_detail()
        self.warning_button.setVisible(status.state == "warning")
        self.picture.setAccessibleName(status.headline)
        self.picture.setAccessibleDescription(icons.description(status.state))

    def _show_tools(self, tools: tuple[RunningTool, ...]) -> None:
        if tools == self._tools:
            return
        self._tools = tools
        while self.tools_layout.count():
            item = self.tools_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.tool_rows = []
        for tool in tools:
            holder = QWidget()
            line = QVBoxLayout(holder)  # the words above their button: long names wrap freely
            line.setContentsMargins(0, 0, 0, 0)
            line.setSpacing(6)
            said = QLabel(tool.text + ".")
            said.setFont(style.font(style.BODY_PT, bold=True))
            said.setWordWrap(True)
            said.setStyleSheet(f"QLabel {{ color: {style.INK}; background: transparent; }}")
            stop = QPushButton(tr("Stop it now"))
            stop.setFont(style.font(18, bold=True))
            stop.setMinimumHeight(48)
            stop.setAutoDefault(False)
            style.name(
                stop,
                tr("Stop {name} now").format(name=tool.name),
                tr("Closes the program at once, as Remove on the warning does."),
            )
            stop.clicked.connect(
                lambda _checked=False, i=tool.incident: self.menu.stop_tool.emit(i)
            )
            line.addWidget(said)
            line.addWidget(stop, 0, Qt.AlignmentFlag.AlignLeft)
            self.tools_layout.addWidget(holder)
            self.tool_rows.append((said, stop))
        self.tools_box.setVisible(bool(tools))

    def _fit_detail(self) -> None:
        """A long reason (a folder path, the program holding the lock) wraps onto several
        lines: give it the height it needs at the window's width, and grow the window if
        it is shorter than that, so no line of the reason is cut off."""
        layout = self.layout()  # the column made in __init__
        margins = layout.contentsMargins().left() * 2 if layout is not None else 0
        width = max(self.width(), self.minimumWidth()) - margins
        needed = self.detail.heightForWidth(width) if self.detail.isVisibleTo(self) else 0
        self.detail.setMinimumHeight(max(needed, 0))
        numbers = self.numbers_label
        numbers.setMinimumHeight(max(numbers.heightForWidth(width), 0) if numbers.text() else 0)
        inside = width - 28  # the yellow box's own margins
        for said, _stop in self.tool_rows:
            said.setMinimumHeight(max(said.heightForWidth(inside), 0))
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
