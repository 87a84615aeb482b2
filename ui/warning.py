"""The full-screen warning: what the person sees while the caught tool is frozen.

The rules (DESIGN.md, the warning): lead with "Hang up.", the provider's promise and real
numbers, the safe choice big and first, the unsafe one small, with no keyboard default and
only after a visible wait, then a second plain-language check. Enter and Esc do nothing;
closing the window does not let the tool run (the window stays until the person chooses or
the tool goes away). The window never talks to the engine itself: it emits what the person
chose and the controller carries it out, so the window can be rendered offscreen for
``preview-warning`` and tested on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

import psutil
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QScreen
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from guard.engine.events import iso
from guard.engine.incidents import IncidentView
from guard.providers.model import Profile
from ui import style
from ui.i18n import tr
from ui.warning_text import Caught, NumberLine, WarningText, build, join_names

DEFAULT_ALLOW_WAIT = 30  # seconds before "I started this myself" can be pressed
BLOCKED_KEYS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape})
WINDOW_FLAGS = (
    Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
)

CHOICE, CONFIRM, DONE = 0, 1, 2
LARGE_NUMBERS = 2  # the provider's first two numbers in large type; any more in body type
NARROW = 1400  # logical px: below this the buttons stack instead of sharing a row


def _label(text: str, points: int, bold: bool = False, accessible: str = "") -> QLabel:
    label = QLabel(text)
    label.setFont(style.font(points, bold))
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    style.name(label, accessible or text)
    return label


def _button(text: str, points: int, description: str, bold: bool = False) -> QPushButton:
    button = QPushButton(text)
    button.setFont(style.font(points, bold))
    button.setAutoDefault(False)
    button.setDefault(False)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    style.name(button, text, description)
    return button


class _KeyGuard(QObject):
    """Swallows Enter, Return and Esc anywhere in a window: no keyboard default, ever."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.window = window

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (
            isinstance(event, QKeyEvent)
            and event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)
            and event.key() in BLOCKED_KEYS
            and isinstance(obj, QWidget)
            and self._inside(obj)
        ):
            event.accept()
            return True
        return False

    def _inside(self, widget: QWidget) -> bool:
        return widget is self.window or self.window.isAncestorOf(widget)


class _ClickLabel(QLabel):
    """A wrapping label for a check box: clicking the words ticks the box, as people expect
    (a QCheckBox's own text never wraps, which would push the window wider than a laptop)."""

    def __init__(self, text: str, box: QCheckBox):
        super().__init__(text)
        self.box = box
        self.setFont(style.font(style.BODY_PT))
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, event: QEvent) -> None:
        if self.box.isEnabled():
            self.box.toggle()
        super().mouseReleaseEvent(event)


class BrandBand(QFrame):
    """The headline on the provider's colours: the first thing the eye lands on."""

    def __init__(self, provider: Profile, headline: str, points: int = style.HEADLINE_PT):
        super().__init__()
        self.setObjectName("band")
        bg, fg = provider.colours.background, provider.colours.text
        self.setStyleSheet(f"#band {{ background: {bg}; }} #band QLabel {{ color: {fg}; }}")
        row = QHBoxLayout(self)
        row.setContentsMargins(48, 20, 48, 20)
        self.headline = _label(headline, points, bold=True)
        self.headline.setWordWrap(False)
        self.brand = _label(
            tr("ScamGuard for {provider}").format(provider=provider.name)
            if not provider.generic
            else "ScamGuard",
            style.BODY_PT,
        )
        self.brand.setWordWrap(False)
        self.brand.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.headline, 1)
        row.addWidget(self.brand, 0)


class NumbersPanel(QFrame):
    """Who to call: the provider's numbers large, then the bank line and fraud reporting."""

    def __init__(self, text: WarningText):
        super().__init__()
        self.setObjectName("numbers")
        self.setStyleSheet(f"#numbers {{ background: {style.PANEL}; border-radius: 12px; }}")
        col = QVBoxLayout(self)
        col.setContentsMargins(32, 24, 32, 24)
        col.setSpacing(6)
        col.addWidget(_label(text.call_title, style.LEAD_PT, bold=True))
        col.addWidget(_label(text.call_how, style.BODY_PT))
        for n, line in enumerate(text.provider_numbers):
            if n < LARGE_NUMBERS:
                col.addSpacing(10)
                self._add(col, line, style.NUMBER_PT)
            else:  # a third line (a textphone, say) stays, smaller, so the rest still fits
                col.addWidget(self._compact(line))
        if text.other_numbers:
            col.addSpacing(18)
            col.addWidget(_label(text.other_title, style.BODY_PT, bold=True))
            for line in text.other_numbers:
                col.addWidget(self._compact(line))
        if text.checked:
            col.addSpacing(12)
            col.addWidget(_label(text.checked, style.NOTE_PT))
        col.addStretch(1)

    @staticmethod
    def _compact(line: NumberLine) -> QLabel:
        """One line per bank or reporting number: these matter, but less than the first."""
        label = QLabel(f"<b>{escape(line.number)}</b>&nbsp; {escape(line.label)}")
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setFont(style.font(style.BODY_PT))
        label.setWordWrap(True)
        style.name(label, f"{line.label}: {line.number}", line.note)
        return label

    @staticmethod
    def _add(col: QVBoxLayout, line: NumberLine, points: int) -> None:
        col.addWidget(_label(line.label, style.BODY_PT, bold=True))
        number = _label(line.number, points, bold=True, accessible=f"{line.label}: {line.number}")
        number.setObjectName("number")
        col.addWidget(number)
        if line.note:
            col.addWidget(_label(line.note, style.NOTE_PT))


class WarningWindow(QWidget):
    """One warning for every tool caught, however many incidents it spans.

    ``remove_requested`` and ``allow_requested`` carry incident ids; ``closed`` fires once the
    person pressed Done (or the allowance was given) and the window has gone.
    """

    remove_requested = Signal(list)
    allow_requested = Signal(list, str)
    closed = Signal()

    def __init__(
        self,
        provider: Profile,
        generic: Profile | None,
        allow_wait: int = DEFAULT_ALLOW_WAIT,
        today: dt.date | None = None,
    ):
        super().__init__(None, WINDOW_FLAGS)
        self.provider, self.generic = provider, generic
        self.allow_wait = max(0, allow_wait)
        self.today = today
        # Qt frees the window when it closes: one is built per warning, and a closed one
        # held only by signal connections would otherwise stay in memory for good.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.views: dict[str, IncidentView] = {}
        self.resolved: dict[str, IncidentView] = {}
        self._closable = False
        self.remaining = self.allow_wait
        self.setObjectName("warning")
        self.setWindowTitle(tr("ScamGuard warning: hang up"))
        style.name(self, tr("ScamGuard warning"), tr("A remote-control program was frozen."))
        self.setStyleSheet(
            f"#warning, #body {{ background: {style.PAPER}; }} "
            f"#warning QLabel {{ color: {style.INK}; }}"
        )
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self._keys = _KeyGuard(self)
        self._outer = QVBoxLayout(self)
        # The window is the screen's size, whatever the content wants: on a small screen the
        # body scrolls; the window never grows past the edge (where its buttons would hide).
        self._outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._outer.setContentsMargins(0, 0, 0, 0)
        self._outer.setSpacing(0)
        self._content: QWidget | None = None

    # --- what it shows ---

    def show_incidents(self, views: Sequence[IncidentView]) -> None:
        """Add tools to the warning (a new tool restarts the wait: the unsafe path is slow)."""
        fresh = False
        for view in views:
            fresh |= view.id not in self.views
            self.views[view.id] = view
            self.resolved.pop(view.id, None)
        self._render()
        if fresh:
            self.remaining = self.allow_wait
            self.pages.setCurrentIndex(CHOICE)
            self._update_allow_button()
            self._timer.start()

    def update_incident(self, view: IncidentView) -> None:
        """A tool's incident changed: still waiting, or gone (removed, closed, allowed)."""
        if view.id not in self.views and view.id not in self.resolved:
            return
        if view.pending:
            self.views[view.id] = view
            self._render_details()
            return
        self.views.pop(view.id, None)
        self.resolved[view.id] = view
        if not self.views:
            self._show_done()

    @property
    def pending_ids(self) -> list[str]:
        return list(self.views)

    def text(self) -> WarningText:
        views = list(self.views.values()) or list(self.resolved.values())
        caught = [Caught.from_incident(v) for v in views]
        return build(caught, self.provider, self.generic, self.today)

    def _render(self) -> None:
        if self._content is not None:
            self._outer.removeWidget(self._content)
            self._content.deleteLater()
        text = self.text()
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.band = BrandBand(self.provider, text.headline)
        layout.addWidget(self.band)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._body(text))
        layout.addWidget(scroll, 1)
        layout.addWidget(self._choices(text))
        self._outer.addWidget(content)
        self._content = content
        self._render_details()

    def _body(self, text: WarningText) -> QWidget:
        body = QWidget()
        body.setObjectName("body")
        row = QBoxLayout(QBoxLayout.Direction.LeftToRight, body)
        self._columns = row
        row.setContentsMargins(48, 28, 48, 16)
        row.setSpacing(40)
        left = QVBoxLayout()
        left.setSpacing(14)
        self.caught_label = _label(text.caught, style.LEAD_PT, bold=True)
        self.caught_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # read first
        left.addWidget(self.caught_label)
        left.addWidget(_label(text.frozen, style.BODY_PT))
        left.addWidget(_label(text.promise, style.BODY_PT, bold=True))
        caution = _label(text.coaching, style.BODY_PT, bold=True)
        caution.setObjectName("caution")
        caution.setStyleSheet(
            f"#caution {{ background: {style.CAUTION_BG}; color: {style.INK}; "
            f"border-left: 8px solid {style.CAUTION_EDGE}; padding: 12px; }}"
        )
        left.addWidget(caution)
        left.addSpacing(8)
        left.addWidget(_label(text.already_title, style.BODY_PT, bold=True))
        for n, step in enumerate(text.already_steps, 1):
            left.addWidget(_label(f"{n}. {step}", style.BODY_PT))
        self.details = _label("", style.NOTE_PT, accessible=tr("Details"))
        self.details.setVisible(False)
        left.addWidget(self.details)
        left.addStretch(1)
        row.addLayout(left, 3)
        self.numbers = NumbersPanel(text)
        row.addWidget(self.numbers, 2, Qt.AlignmentFlag.AlignTop)
        return body

    def _choices(self, text: WarningText) -> QWidget:
        bar = QFrame()
        bar.setObjectName("choices")
        bar.setStyleSheet(
            f"#choices {{ background: {style.PAPER}; border-top: 2px solid #c8ccd0; }}"
        )
        self.pages = QStackedWidget()
        self.pages.currentChanged.connect(self._fit_page)
        outer = QVBoxLayout(bar)
        outer.setContentsMargins(48, 16, 48, 20)
        outer.addWidget(self.pages)
        colours = self.provider.colours
        remove_style = (
            f"QPushButton {{ background: {colours.background}; color: {colours.text}; "
            "border-radius: 10px; padding: 18px 40px; } "
            f"QPushButton:focus {{ outline: 4px solid {style.INK}; }}"
        )
        tools = text.tools

        # Page 0: the safe choice, big and first; the unsafe one small and slow.
        choice = QWidget()
        row = QBoxLayout(QBoxLayout.Direction.LeftToRight, choice)
        row.setContentsMargins(0, 0, 0, 0)
        self._rows = [row]
        self.remove_button = _button(
            tr("Remove {tools}").format(tools=tools),
            style.BUTTON_PT,
            tr("Closes the program and moves what was downloaded out of the way. Always safe."),
            bold=True,
        )
        self.remove_button.setStyleSheet(remove_style)
        self.remove_button.clicked.connect(self._remove)
        self.details_button = _button(
            tr("Details"), style.BODY_PT, tr("Shows where the program is and why it was caught.")
        )
        self.details_button.setCheckable(True)
        self.details_button.setStyleSheet(
            f"QPushButton {{ color: {style.INK}; background: {style.PANEL}; "
            "border: 2px solid #8a9199; border-radius: 10px; padding: 14px 28px; }"
        )
        self.details_button.toggled.connect(self.details_toggled)
        self.allow_button = _button(
            tr("I started this myself"),
            style.BODY_PT,
            tr("Only if nobody is on the phone with you. Available after a short wait."),
        )
        self.allow_button.setFlat(True)
        self.allow_button.setStyleSheet(
            f"QPushButton {{ color: {style.QUIET_INK}; text-decoration: underline; "
            "border: none; padding: 8px; } QPushButton:disabled { color: #595959; }"
        )
        self.allow_button.clicked.connect(self._ask_scope)
        row.addWidget(self.remove_button)
        row.addSpacing(24)
        row.addWidget(self.details_button)
        row.addStretch(1)
        row.addWidget(self.allow_button)
        self.pages.addWidget(choice)

        # Page 1: the second check, then how long.
        confirm = QWidget()
        col = QVBoxLayout(confirm)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(
            _label(
                tr(
                    "Only let {tools} run if you set it up yourself. If anyone is on the phone "
                    "with you, or asked you to install it, choose Remove."
                ).format(tools=tools),
                style.BODY_PT,
                bold=True,
            )
        )
        statement = tr("Nobody asked me to do this, and nobody is on the phone with me.")
        self.confirm_box = QCheckBox()
        style.name(
            self.confirm_box,
            statement,
            tr("Tick this only if it is true. The buttons to let it run need it."),
        )
        self.confirm_box.setFont(style.font(style.BODY_PT))
        self.confirm_box.setStyleSheet("QCheckBox::indicator { width: 30px; height: 30px; }")
        self.confirm_box.toggled.connect(self._update_scope_buttons)
        statement_label = _ClickLabel(statement, self.confirm_box)
        tick = QHBoxLayout()
        tick.addWidget(self.confirm_box, 0, Qt.AlignmentFlag.AlignTop)
        tick.addWidget(statement_label, 1)
        col.addLayout(tick)
        scopes = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._rows.append(scopes)
        self.remove_again = _button(
            tr("Remove {tools}").format(tools=tools),
            style.BUTTON_PT,
            tr("Closes the program. Always safe."),
            bold=True,
        )
        self.remove_again.setStyleSheet(remove_style)
        self.remove_again.clicked.connect(self._remove)
        self.until_closed_button = _button(
            tr("Let it run until it closes"),
            style.BODY_PT,
            tr("It is frozen again if it starts again later."),
        )
        self.until_closed_button.clicked.connect(lambda: self._allow("until-closed"))
        self.hour_button = _button(
            tr("Let it run for 1 hour"), style.BODY_PT, tr("After an hour it is frozen again.")
        )
        self.hour_button.clicked.connect(lambda: self._allow("1h"))
        for button in (self.until_closed_button, self.hour_button):
            button.setStyleSheet(
                f"QPushButton {{ color: {style.INK}; background: {style.PANEL}; "
                "border: 2px solid #8a9199; border-radius: 10px; padding: 12px 24px; } "
                "QPushButton:disabled { color: #595959; border-color: #c8ccd0; }"
            )
        scopes.addWidget(self.remove_again)
        scopes.addStretch(1)
        scopes.addWidget(self.until_closed_button)
        scopes.addWidget(self.hour_button)
        col.addLayout(scopes)
        self.pages.addWidget(confirm)

        # Page 2: nothing left to decide.
        done = QWidget()
        done_row = QBoxLayout(QBoxLayout.Direction.LeftToRight, done)
        self._rows.append(done_row)
        done_row.setContentsMargins(0, 0, 0, 0)
        self.done_label = _label("", style.LEAD_PT, bold=True)
        self.done_button = _button(
            tr("Done"), style.BUTTON_PT, tr("Closes this message."), bold=True
        )
        self.done_button.setStyleSheet(remove_style)
        self.done_button.clicked.connect(self._finish)
        done_row.addWidget(self.done_label, 1)
        done_row.addWidget(self.done_button)
        self.pages.addWidget(done)

        self.hint = _label("", style.NOTE_PT)
        self.hint.setVisible(False)
        outer.addWidget(self.hint)
        self._fit_page(CHOICE)
        self._arrange()
        self._update_allow_button()
        self._update_scope_buttons()
        return bar

    def _arrange(self) -> None:
        """Side by side on a wide screen, stacked on a small laptop: never cut off."""
        narrow = self.width() < NARROW
        direction = QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight
        if hasattr(self, "band"):
            self.band.brand.setVisible(not narrow)
        if hasattr(self, "_columns"):
            self._columns.setDirection(direction)
        for row in getattr(self, "_rows", []):
            row.setDirection(direction)
            for n in range(row.count()):
                item = row.itemAt(n)
                if item.widget() is not None:  # stacked buttons keep their own width
                    item.setAlignment(Qt.AlignmentFlag.AlignLeft if narrow else Qt.AlignmentFlag(0))
        if hasattr(self, "pages"):
            self._fit_page(self.pages.currentIndex())

    def resizeEvent(self, event: QEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

    def _fit_page(self, index: int) -> None:
        """Only the page on show claims height, so the bar is as tall as what it shows."""
        for n in range(self.pages.count()):
            policy = QSizePolicy.Policy.Preferred if n == index else QSizePolicy.Policy.Ignored
            self.pages.widget(n).setSizePolicy(policy, policy)
        self.pages.adjustSize()

    # --- the wait ---

    def _tick(self) -> None:
        self.remaining = max(0, self.remaining - 1)
        self._update_allow_button()
        if self.remaining == 0:
            self._timer.stop()

    def _update_allow_button(self) -> None:
        if not hasattr(self, "allow_button"):
            return
        ready = self.remaining <= 0
        self.allow_button.setEnabled(ready)
        label = (
            tr("I started this myself")
            if ready
            else tr("I started this myself (wait {seconds} s)").format(seconds=self.remaining)
        )
        self.allow_button.setText(label)
        self.allow_button.setAccessibleName(label)

    def _update_scope_buttons(self) -> None:
        ok = self.confirm_box.isChecked() and bool(self.views)
        self.until_closed_button.setEnabled(ok)
        self.hour_button.setEnabled(ok)

    # --- choices ---

    def _remove(self) -> None:
        if self.views:
            self.remove_requested.emit(self.pending_ids)

    def _ask_scope(self) -> None:
        if self.remaining > 0 or not self.views:
            return
        self.confirm_box.setChecked(False)
        self.pages.setCurrentIndex(CONFIRM)
        self.confirm_box.setFocus()

    def _allow(self, scope: str) -> None:
        if self.remaining > 0 or not self.confirm_box.isChecked() or not self.views:
            return
        self.allow_requested.emit(self.pending_ids, scope)

    def details_toggled(self, on: bool) -> None:
        self.details.setVisible(on)
        self.details_button.setText(tr("Hide details") if on else tr("Details"))

    def _render_details(self) -> None:
        views = list(self.views.values()) or list(self.resolved.values())
        self.details.setText("\n\n".join(describe(v) for v in views))

    def _show_done(self) -> None:
        self._timer.stop()
        states = {str(v.state) for v in self.resolved.values()}
        tools = join_names([v.tool.name for v in self.resolved.values()])
        if states == {"allowed"}:
            message = tr("{tools} was allowed to run.").format(tools=tools)
        elif "blocked" in states:
            message = tr(
                "{tools} has been removed. Now hang up, and call from a different phone."
            ).format(tools=tools)
        else:
            message = tr(
                "{tools} has closed and cannot control this computer now. If someone on the "
                "phone asked you to install it, hang up."
            ).format(tools=tools)
        self.done_label.setText(message)
        self.done_label.setAccessibleName(message)
        self.pages.setCurrentIndex(DONE)
        self._closable = True
        self.done_button.setFocus()

    def _finish(self) -> None:
        self._closable = True
        self.close()

    def finish_allowed(self) -> None:
        """The allowance was given from this window: nothing more to say."""
        self._finish()

    def dismiss(self) -> None:
        """Close without a decision (the app is quitting): the tools stay frozen."""
        self._finish()

    def skip_wait(self) -> None:
        """End the wait now: for previews of the second page, never from a person's input."""
        self.remaining = 0
        self._timer.stop()
        self._update_allow_button()

    # --- staying put ---

    def show_on(self, screen: QScreen | None) -> None:
        if screen is not None:
            self.setScreen(screen)
            self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.raise_()
        self.activateWindow()
        self.caught_label.setFocus()

    def showEvent(self, event: QEvent) -> None:
        QApplication.instance().installEventFilter(self._keys)
        super().showEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in BLOCKED_KEYS:
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closable:
            event.ignore()  # Alt+F4 / the window manager: the tool stays frozen, we stay
            self.hint.setText(
                tr("This message stays until you choose. Removing {tools} is always safe.").format(
                    tools=self.text().tools
                )
            )
            self.hint.setVisible(True)
            return
        self._timer.stop()
        QApplication.instance().removeEventFilter(self._keys)
        super().closeEvent(event)
        self.closed.emit()


class CoverWindow(QWidget):
    """What every other screen shows: the headline and the numbers, pointing to the warning."""

    def __init__(self, provider: Profile, text: WarningText):
        super().__init__(None, WINDOW_FLAGS)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("cover")
        self.setStyleSheet(
            f"#cover {{ background: {style.PAPER}; }} QLabel {{ color: {style.INK}; }}"
        )
        style.name(self, tr("ScamGuard warning"), text.caught)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(BrandBand(provider, text.headline))
        inner = QVBoxLayout()
        inner.setContentsMargins(48, 28, 48, 28)
        inner.addWidget(_label(text.caught, style.LEAD_PT, bold=True))
        inner.addWidget(_label(tr("The choices are on your main screen."), style.BODY_PT))
        inner.addWidget(NumbersPanel(text))
        col.addLayout(inner, 1)
        self._closable = False

    def show_on(self, screen: QScreen) -> None:
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.showFullScreen()

    def release(self) -> None:
        self._closable = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closable:
            super().closeEvent(event)
        else:
            event.ignore()


def describe(view: IncidentView) -> str:
    """The Details text: for a helper who knows computers, not for the person in danger."""
    lines = [f"{view.tool.name} ({view.tool.vendor}) · {tr('incident')} {view.id}"]
    publisher = view.facts.get("CompanyName") or view.facts.get("company")
    if publisher:
        lines.append(tr("Publisher: {name}").format(name=publisher))
    for proc in view.processes:
        where = proc.get("path") or proc.get("name")
        parent = _parent_name(proc.get("ppid"))
        state = proc.get("state", "")
        line = tr("Program: {path} (pid {pid}, {state})").format(
            path=where, pid=proc.get("pid"), state=state
        )
        if parent:
            line += "; " + tr("started by {parent}").format(parent=parent)
        lines.append(line)
    for file in view.files:
        lines.append(
            tr("File: {path} (arrived {time}, {state})").format(
                path=file.get("path"), time=_local(file.get("seen")), state=file.get("state")
            )
        )
    for evidence in view.evidence[:6]:
        lines.append(tr("Why: {detail}").format(detail=evidence.detail))
    lines.append(tr("Caught at {time}").format(time=_local(iso(view.opened))))
    return "\n".join(lines)


def _parent_name(ppid: object) -> str:
    if not isinstance(ppid, int) or ppid <= 0:
        return ""
    try:
        return f"{psutil.Process(ppid).name()} (pid {ppid})"
    except (psutil.Error, OSError):
        return f"pid {ppid}"


def _local(stamp: object) -> str:
    if not isinstance(stamp, str):
        return "?"
    try:
        return dt.datetime.fromisoformat(stamp).astimezone().strftime("%H:%M:%S, %d %b %Y")
    except ValueError:
        return stamp
