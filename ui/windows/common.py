"""What every small window shares: large type, plain labels, named controls, plain dates.

The small windows (history, settings, about) are read by the same people as the warning,
calmly rather than under pressure, so they use the warning's body size (20 pt) and never go
under 16 pt. Every control has an accessible name, every string goes through ``tr()``.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QWidget,
)

from ui import style
from ui.i18n import tr

MIN_PT = 16  # nothing in these windows is smaller
CAUTION_CSS = (
    f"background: {style.CAUTION_BG}; color: {style.INK}; "
    f"border: 2px solid {style.CAUTION_EDGE}; border-radius: 8px; padding: 12px;"
)


def label(
    text: str = "",
    points: int = style.BODY_PT,
    *,
    bold: bool = False,
    accessible: str = "",
    selectable: bool = True,
) -> QLabel:
    """A plain-text, word-wrapped label (never rich text: data goes in as it is)."""
    widget = QLabel(text)
    widget.setFont(style.font(max(points, MIN_PT), bold))
    widget.setWordWrap(True)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if selectable:
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if accessible or text:
        style.name(widget, accessible or text)
    return widget


def heading(text: str) -> QLabel:
    return label(text, style.LEAD_PT, bold=True)


def caution(text: str = "", accessible: str = "") -> QLabel:
    """A yellow box for the things that must not be missed."""
    widget = label(text, accessible=accessible)
    widget.setStyleSheet(f"QLabel {{ {CAUTION_CSS} }}")
    return widget


def set_text(widget: QLabel, text: str) -> None:
    """Change a label and what a screen reader says for it together."""
    widget.setText(text)
    widget.setAccessibleName(text)
    widget.setVisible(bool(text))


def button(text: str, description: str, accessible: str = "") -> QPushButton:
    """A push button that Enter never presses by surprise (no auto-default)."""
    widget = QPushButton(text)
    widget.setFont(style.font(style.BODY_PT))
    widget.setAutoDefault(False)
    widget.setDefault(False)
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    widget.setMinimumHeight(48)
    widget.setMinimumWidth(widget.sizeHint().width() + 32)  # room around the words
    style.name(widget, accessible or text.rstrip("…").rstrip("."), description)
    return widget


def combo(accessible: str, description: str) -> QComboBox:
    widget = QComboBox()
    widget.setFont(style.font(style.BODY_PT))
    widget.view().setFont(style.font(style.BODY_PT))  # the drop-down list is its own window
    widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    widget.setMinimumHeight(48)
    style.name(widget, accessible, description)
    return widget


def table(columns: list[str], accessible: str, description: str) -> QTableWidget:
    """A read-only table that selects whole rows, one at a time, and grows with its text."""
    widget = QTableWidget(0, len(columns))
    widget.setFont(style.font(style.BODY_PT))
    widget.setHorizontalHeaderLabels(columns)
    widget.horizontalHeader().setFont(style.font(style.BODY_PT, bold=True))
    widget.horizontalHeader().setStretchLastSection(True)
    widget.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    widget.horizontalHeader().setSectionResizeMode(len(columns) - 1, QHeaderView.ResizeMode.Stretch)
    widget.verticalHeader().setVisible(False)
    widget.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setWordWrap(True)
    widget.setAlternatingRowColors(True)
    widget.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    style.name(widget, accessible, description)
    return widget


def close_on_escape(window: QWidget) -> QShortcut:
    shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
    shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
    shortcut.activated.connect(window.close)
    return shortcut


def long_date(day: dt.date) -> str:
    """``21 November 2026``, in the person's language."""
    return QLocale().toString(QDate(day.year, day.month, day.day), "d MMMM yyyy")


def when(stamp: str, now: dt.datetime | None = None) -> str:
    """A journal time (UTC ISO-8601) as a person says it: "Today at 14:03", "Yesterday at
    09:12", "3 November 2026 at 18:40" (local time)."""
    try:
        moment = dt.datetime.fromisoformat(stamp).astimezone()
    except (TypeError, ValueError):
        return stamp or tr("unknown time")
    now = (now or dt.datetime.now(dt.UTC)).astimezone()
    clock = moment.strftime("%H:%M")
    if moment.date() == now.date():
        return tr("Today at {time}").format(time=clock)
    if moment.date() == now.date() - dt.timedelta(days=1):
        return tr("Yesterday at {time}").format(time=clock)
    return tr("{date} at {time}").format(date=long_date(moment.date()), time=clock)


def clock_time(stamp: str) -> str:
    """Just the local time of day, with seconds, for a timeline."""
    try:
        return dt.datetime.fromisoformat(stamp).astimezone().strftime("%H:%M:%S")
    except (TypeError, ValueError):
        return stamp


def smallest_point_size(root: QWidget) -> int:
    """The smallest font in a window (tests check nothing is under MIN_PT)."""
    sizes = [w.font().pointSize() for w in [root, *root.findChildren(QWidget)]]
    return min(s for s in sizes if s > 0)
