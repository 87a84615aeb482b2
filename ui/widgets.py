"""The one set of widget factories: labels and buttons for the warning and every window.

The warning and the small windows are read by the same people, so their words are built the
same way: plain text that wraps, never rich text (data goes in as it is), a name for screen
readers on everything, and no button that Enter presses by surprise. What differs is passed
in, not copied: the warning's larger type (its sizes from ``ui.style``), and whether a
button takes its shape from a style sheet (the warning's and the notices') or is a native
button given room around its words (the small windows'). Nothing is ever under ``MIN_PT``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QWidget,
)

from ui import style

MIN_PT = style.MIN_PT  # nothing in ScamGuard's windows is smaller (before the scale)
CAUTION_CSS = (
    f"background: {style.CAUTION_BG}; color: {style.INK}; "
    f"border: 2px solid {style.CAUTION_EDGE}; border-radius: 8px; padding: 12px;"
)


def label(
    text: str = "",
    points: int = style.BODY_PT,
    bold: bool = False,
    *,
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


def button(
    text: str,
    description: str,
    accessible: str = "",
    *,
    points: int = style.BODY_PT,
    bold: bool = False,
    styled: bool = False,
) -> QPushButton:
    """A push button that Enter never presses by surprise (no auto-default): only a click
    or Space.

    A ``styled`` button (the warning's, the notices') gets its size and look from a style
    sheet, and a pointing hand says it can be pressed even where it looks like a link. Any
    other is a native button given room: at least 48 px tall, 32 px wider than its words.
    """
    widget = QPushButton(text)
    widget.setFont(style.font(max(points, MIN_PT), bold))
    widget.setAutoDefault(False)
    widget.setDefault(False)
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    if styled:
        widget.setCursor(Qt.CursorShape.PointingHandCursor)
    else:
        widget.setMinimumHeight(48)
        widget.setMinimumWidth(widget.sizeHint().width() + 32)  # room around the words
    style.name(widget, accessible or text.rstrip("…").rstrip("."), description)
    return widget


class _BoxLabel(QLabel):
    """The words of a check box, wrapped; a click on them ticks the box, as on the box."""

    def __init__(self, text: str, box: QCheckBox):
        super().__init__(text)
        self.box = box

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.box.isEnabled():
            self.box.click()
        super().mouseReleaseEvent(event)


def check(text: str, description: str) -> tuple[QWidget, QCheckBox]:
    """A check box with a large tick and its words beside it, wrapped (a QCheckBox's own
    words never wrap, so in large type they were cut off on a small screen). Returns the
    line to lay out and the box to drive."""
    box = QCheckBox()
    box.setFont(style.font(style.BODY_PT, bold=True))  # its style sheet stops inheriting
    box.setStyleSheet("QCheckBox::indicator { width: 28px; height: 28px; }")
    style.name(box, text, description)
    words = _BoxLabel(text, box)
    words.setFont(style.font(style.BODY_PT, bold=True))
    words.setWordWrap(True)
    words.setTextFormat(Qt.TextFormat.PlainText)
    words.setBuddy(box)
    words.setCursor(Qt.CursorShape.PointingHandCursor)
    holder = QWidget()
    line = QHBoxLayout(holder)
    line.setContentsMargins(0, 0, 0, 0)
    line.setSpacing(12)
    line.addWidget(box, 0, Qt.AlignmentFlag.AlignTop)
    line.addWidget(words, 1)
    return holder, box


class _WrapLayout(QBoxLayout):
    """A row that becomes a column when it is given less width than its widgets need; its
    height for a width says so, so the window is made tall enough before it is shown."""

    SPACING = 12

    def __init__(self, parent: QWidget):
        super().__init__(QBoxLayout.Direction.LeftToRight, parent)
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(self.SPACING)

    def _widgets(self) -> list[QWidget]:
        found = []
        for n in range(self.count()):
            item = self.itemAt(n)
            widget = item.widget() if item is not None else None
            if widget is not None and not widget.isHidden():
                found.append(widget)
        return found

    @staticmethod
    def _size(widget: QWidget) -> QSize:
        return widget.sizeHint().expandedTo(widget.minimumSize())

    def side_by_side(self) -> int:
        shown = self._widgets()
        return sum(self._size(w).width() for w in shown) + self.SPACING * max(0, len(shown) - 1)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        heights = [self._size(w).height() for w in self._widgets()]
        if not heights:
            return 0
        if self.side_by_side() <= width:
            return max(heights)
        return sum(heights) + self.SPACING * (len(heights) - 1)

    def minimumSize(self) -> QSize:
        shown = self._widgets()
        widest = max((self._size(w).width() for w in shown), default=0)
        return QSize(widest, max((self._size(w).height() for w in shown), default=0))

    def setGeometry(self, rect: QRect) -> None:
        fits = self.side_by_side() <= rect.width()
        direction = QBoxLayout.Direction.LeftToRight if fits else QBoxLayout.Direction.TopToBottom
        if self.direction() != direction:
            self.setDirection(direction)
            left = Qt.AlignmentFlag(0) if fits else Qt.AlignmentFlag.AlignLeft
            for widget in self._widgets():  # stacked: each at its own width, on the left
                self.setAlignment(widget, left)
        super().setGeometry(rect)


class WrappingRow(QWidget):
    """Buttons side by side, or one under another when there is not room for them (large
    type on a small screen): never wider than the window, never a button cut off.

    ``stretch``: the buttons sit left, room after them; ``spread``: the first on the left,
    the rest on the right (a safe choice and a quiet one)."""

    def __init__(self, items: Sequence[QWidget], *, stretch: bool = True, spread: bool = False):
        super().__init__()
        self.items = tuple(items)
        self.line = _WrapLayout(self)
        for n, widget in enumerate(self.items):
            if spread and n == 1:
                self.line.addStretch(1)
            self.line.addWidget(widget)
        if stretch and not spread:
            self.line.addStretch(1)


def combo(accessible: str, description: str) -> QComboBox:
    """A drop-down list as wide as the page (not as its longest choice, which in large type
    made the page scroll sideways on a small screen); its list opens as wide as it needs."""
    widget = QComboBox()
    widget.setFont(style.font(style.BODY_PT))
    widget.view().setFont(style.font(style.BODY_PT))  # the drop-down list is its own window
    widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    widget.setMinimumContentsLength(12)
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
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
    style.scroll_bars(widget)  # always drawn, easy to grab
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    style.name(widget, accessible, description)
    return widget
