"""The pieces the warning is built from, and the cover shown on every other screen.

Kept apart from ``ui.warning.window`` (which decides what the window does) so each file stays
small: here is only how things look. Sizes and colours come from ``ui.style``, labels and
buttons from ``ui.widgets``.
"""

from __future__ import annotations

import datetime as dt
from html import escape

import psutil
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent, QScreen
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from guard.engine.incidents import IncidentView
from guard.providers.model import Profile
from guard.state.events import iso
from ui import style
from ui.i18n import tr
from ui.warning.text import NumberLine, WarningText
from ui.widgets import label

BLOCKED_KEYS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape})
WINDOW_FLAGS = (
    Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
)
# A thick yellow ring on whatever has keyboard focus (as GOV.UK does): visible on white and
# on every brand colour, unlike a thin dark outline.
FOCUS = "QPushButton:focus { border: 4px solid #ffbf47; }"


def safe_style(provider: Profile, compact: bool = False) -> str:
    """The safe choice: big, in the provider's own colours (their contrast was checked).
    ``compact`` (a short screen) trims the padding, never the words' size."""
    colours = provider.colours
    padding = "12px 32px" if compact else "18px 40px"
    return (
        f"QPushButton {{ background: {colours.background}; color: {colours.text}; "
        f"border-radius: 10px; padding: {padding}; border: 4px solid transparent; }} " + FOCUS
    )


def quiet_style(compact: bool = False) -> str:
    """The unsafe choices: text that looks like a link, never like the obvious button."""
    padding = "2px 6px" if compact else "6px"
    return (
        f"QPushButton {{ color: {style.QUIET_INK}; text-decoration: underline; "
        f"border: 4px solid transparent; padding: {padding}; background: transparent; }} "
        "QPushButton:disabled { color: #595959; } " + FOCUS
    )


def plain_style(compact: bool = False) -> str:
    padding = "8px 24px" if compact else "14px 28px"
    return (
        f"QPushButton {{ color: {style.INK}; background: {style.PANEL}; "
        f"border: 2px solid #8a9199; border-radius: 10px; padding: {padding}; }} " + FOCUS
    )


class KeyGuard(QObject):
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
            and (obj is self.window or self.window.isAncestorOf(obj))
        ):
            event.accept()
            return True
        return False


class BrandBand(QFrame):
    """The headline on the provider's colours: the first thing the eye lands on. The
    provider's name stays visible at every width (beside the headline, or under it)."""

    def __init__(self, provider: Profile, headline: str):
        super().__init__()
        self.setObjectName("band")
        bg, fg = provider.colours.background, provider.colours.text
        self.setStyleSheet(f"#band {{ background: {bg}; }} #band QLabel {{ color: {fg}; }}")
        self.row = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.row.setContentsMargins(48, 16, 48, 16)
        self.headline = label(headline, style.HEADLINE_PT, bold=True)
        self.headline.setWordWrap(False)
        brand = (
            tr("ScamGuard for {provider}").format(provider=provider.name)
            if not provider.generic
            else "ScamGuard"
        )
        self.brand = label(brand, style.BODY_PT)
        self.brand.setWordWrap(False)
        self.row.addWidget(self.headline, 1)
        self.row.addWidget(self.brand, 0)

    def arrange(self, narrow: bool, short: bool, width: int = 0) -> None:
        """Short: the smaller headline and less room above and below it. The provider's
        name goes under the headline when ``narrow``, or when ``width`` (the band's, if
        known) has no room for both on one line."""
        self.headline.setFont(
            style.font(style.SHORT_HEADLINE_PT if short else style.HEADLINE_PT, True)
        )
        margins = self.row.contentsMargins()
        side = margins.left() + margins.right()
        both = self.headline.sizeHint().width() + self.brand.sizeHint().width() + 40 + side
        stack = narrow or (width > 0 and both > width)
        self.row.setContentsMargins(48, 8 if short else 16, 48, 8 if short else 16)
        self.row.setDirection(
            QBoxLayout.Direction.TopToBottom if stack else QBoxLayout.Direction.LeftToRight
        )
        self.brand.setAlignment(
            Qt.AlignmentFlag.AlignLeft
            if stack
            else Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )


class NumbersPanel(QFrame):
    """Who to call: one number large (the one to ring first), then how to call it (hang up
    first, another phone), then the rest one line each. The first number and "hang up
    first" come before everything else, so they are in view on a small screen."""

    def __init__(self, text: WarningText):
        super().__init__()
        self.setObjectName("numbers")
        self.setStyleSheet(f"#numbers {{ background: {style.PANEL}; border-radius: 12px; }}")
        col = QVBoxLayout(self)
        col.setContentsMargins(32, 24, 32, 24)
        col.setSpacing(6)
        self._col = col
        col.addWidget(label(text.call_title, style.LEAD_PT, bold=True))
        self.numbers: list[QLabel] = []
        if text.provider_numbers:
            self._large(col, text.provider_numbers[0])
        col.addSpacing(6)
        self.how = label(text.call_how, style.BODY_PT)
        col.addWidget(self.how)
        if len(text.provider_numbers) > 1:
            col.addSpacing(8)
        for line in text.provider_numbers[1:]:
            col.addWidget(self._compact(line))
        if text.other_numbers:
            col.addSpacing(14)
            col.addWidget(label(text.other_title, style.BODY_PT, bold=True))
            for line in text.other_numbers:
                col.addWidget(self._compact(line))
        if text.checked:
            col.addSpacing(10)
            col.addWidget(label(text.checked, style.NOTE_PT))
        col.addStretch(1)

    def compact(self, short: bool) -> None:
        """Less room around the numbers on a short screen (the words stay their size)."""
        self._col.setContentsMargins(28, 14 if short else 24, 28, 14 if short else 24)

    def _compact(self, line: NumberLine) -> QLabel:
        note = f" ({escape(line.note)})" if line.note else ""
        widget = QLabel(f"<b>{escape(line.number)}</b>&nbsp; {escape(line.label)}{note}")
        widget.setTextFormat(Qt.TextFormat.RichText)
        widget.setFont(style.font(style.BODY_PT))
        widget.setWordWrap(True)
        style.name(widget, f"{line.label}: {line.number}", line.note)
        self.numbers.append(widget)
        return widget

    def _large(self, col: QVBoxLayout, line: NumberLine) -> None:
        col.addWidget(label(line.label, style.BODY_PT, bold=True))
        number = label(
            line.number, style.NUMBER_PT, bold=True, accessible=f"{line.label}: {line.number}"
        )
        number.setObjectName("number")
        self.numbers.append(number)
        col.addWidget(number)
        if line.note:
            col.addWidget(label(line.note, style.NOTE_PT))


class CoverWindow(QWidget):
    """What every other screen shows: the headline, the numbers, and where the choices are."""

    def __init__(self, provider: Profile, text: WarningText):
        super().__init__(None, WINDOW_FLAGS)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setProperty(style.FIXED, True)  # the warning's sizes: see ui/style.py
        self.setObjectName("cover")
        self.setStyleSheet(
            f"#cover, #coverbody {{ background: {style.PAPER}; }} "
            f"#cover QLabel {{ color: {style.INK}; }}"
        )
        style.name(self, tr("ScamGuard warning"), f"{text.headline} {text.caught}")
        with style.fixed_scale():
            self._build(provider, text)
        self._closable = False

    def _build(self, provider: Profile, text: WarningText) -> None:
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(BrandBand(provider, text.headline))
        body = QWidget()
        body.setObjectName("coverbody")
        inner = QVBoxLayout(body)
        inner.setContentsMargins(48, 28, 48, 28)
        inner.addWidget(label(text.caught, style.LEAD_PT, bold=True))
        inner.addWidget(label(text.coaching, style.BODY_PT, bold=True))
        inner.addWidget(label(tr("The choices are on your main screen."), style.BODY_PT))
        inner.addWidget(NumbersPanel(text))
        col.addWidget(scrolling(body), 1)

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


def scrolling(body: QWidget) -> QScrollArea:
    """Room for everything on a small screen, with a scroll bar that shows whenever there is
    more below (``style.SCROLLBAR_CSS``: wide, and never hidden until hovered); the area
    itself never takes keyboard focus. Never sideways: the words wrap instead."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    style.scroll_bars(area)
    area.setWidget(body)
    return area


def describe(view: IncidentView) -> str:
    """The Details text: for a helper who knows computers, not for the person in danger."""
    lines = [
        tr("{tool} ({vendor}) · incident {id}").format(
            tool=view.tool.name, vendor=view.tool.vendor, id=view.id
        )
    ]
    publisher = view.facts.get("CompanyName") or view.facts.get("company")
    if publisher:
        lines.append(tr("Publisher: {name}").format(name=publisher))
    for proc in view.processes:
        where = proc.get("path") or proc.get("name")
        parent = _parent_name(proc.get("ppid"), proc.get("started"))
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


def _parent_name(ppid: object, started: object) -> str:
    """The parent's name, if that pid is still the process that started this one (a pid
    reused since by another program must not be named as the parent)."""
    if not isinstance(ppid, int) or ppid <= 0:
        return ""
    try:
        parent = psutil.Process(ppid)
        if isinstance(started, str):
            child_start = dt.datetime.fromisoformat(started).timestamp()
            if parent.create_time() > child_start + 1:
                return f"pid {ppid}"
        return f"{parent.name()} (pid {ppid})"
    except (psutil.Error, OSError, ValueError):
        return f"pid {ppid}"


def _local(stamp: object) -> str:
    if not isinstance(stamp, str):
        return "?"
    try:
        return dt.datetime.fromisoformat(stamp).astimezone().strftime("%H:%M:%S, %d %b %Y")
    except ValueError:
        return stamp
