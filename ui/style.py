"""The one type scale, and the colours shared by the warning and the small windows.

Sizes are in points, so they follow the system's scaling and high-DPI settings. The body is
never under 20 pt (the warning is read by people who may not have their glasses on, often
while a caller talks at them); colours are near-black on white, and the provider's brand
colours are used only where their contrast was checked when the profile was validated.

Every size in ScamGuard is one of the steps below, multiplied by the scale: 1 normally,
``LARGER`` when the person chose "Larger text" in settings. ``font`` applies the scale, so
every window, the tray menu and message boxes (the application font, ``apply_app_font``)
grow together. The full-screen warning is the exception (``fixed_scale``): it is already at
the largest size at which the headline, the first number and the Remove button all fit a
1024x768 screen without scrolling, and growing it would push them out of view.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

log = logging.getLogger(__name__)

# --- the type scale (points, before the person's scale) ---
HEADLINE_PT = 60
SHORT_HEADLINE_PT = 44  # on screens under 900 px tall, so the numbers stay in view
LEAD_PT = 26
BODY_PT = 20
NUMBER_PT = 34
SMALL_NUMBER_PT = 26
NOTE_PT = 18  # small print under a number; the only text under the 20 pt body size
BUTTON_PT = 24
MENU_PT = 16  # the tray menu: a system menu, kept compact but never under MIN_PT
MIN_PT = 16  # nothing in ScamGuard's windows is smaller (before the scale)
APP_PT = BODY_PT  # the application font: message boxes and anything not given a size

NORMAL = 1.0
LARGER = 1.25  # "Larger text in ScamGuard's windows": one step up, everything together

INK = "#111111"
PAPER = "#ffffff"
PANEL = "#f1f3f5"
CAUTION_BG = "#fff3bf"  # the "if the caller told you to expect this" box
CAUTION_EDGE = "#8a6d00"
QUIET_INK = "#333333"  # the small "I started this myself" link: still 12:1 on white

# A scroll bar that is always drawn and easy to grab (some styles hide theirs until the
# mouse moves over it, and then nobody knows there is more below).
SCROLLBAR_CSS = (
    "QScrollBar:vertical { width: 24px; background: #e4e7ea; margin: 0; } "
    "QScrollBar::handle:vertical { background: #5f6770; min-height: 48px; "
    "border-radius: 6px; margin: 3px; } "
    "QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical { height: 0; } "
    "QScrollBar:horizontal { height: 24px; background: #e4e7ea; margin: 0; } "
    "QScrollBar::handle:horizontal { background: #5f6770; min-width: 48px; "
    "border-radius: 6px; margin: 3px; } "
    "QScrollBar::add-line:horizontal, QScrollBar::sub-line:horizontal { width: 0; }"
)


class _Scale:
    """The person's scale now, and whether the warning is building (its sizes are fixed)."""

    factor = NORMAL
    fixed = 0  # > 0 while the warning builds its widgets


_state = _Scale()
_BASE = "scamguard_base_pt"  # a widget property: its size before the scale
_SET = "scamguard_set_pt"  # ... and the size last set from it (to notice a new setFont)
FIXED = "scamguard_fixed_scale"  # a window property: leave this window's sizes alone


def scale() -> float:
    """The person's scale now: ``NORMAL`` or ``LARGER``."""
    return _state.factor


def points(base: int) -> int:
    """``base`` points at the person's scale (the warning's own sizes are not scaled)."""
    return base if _state.fixed else round(base * _state.factor)


def font(points_: int, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSize(points(points_))
    f.setBold(bold)
    return f


@contextmanager
def fixed_scale() -> Iterator[None]:
    """Build widgets at the scale's own sizes whatever the person chose (the warning)."""
    _state.fixed += 1
    try:
        yield
    finally:
        _state.fixed -= 1


def set_larger(larger: bool) -> bool:
    """Choose the scale; True if it changed."""
    new = LARGER if larger else NORMAL
    changed = new != _state.factor
    _state.factor = new
    return changed


def apply_app_font(app: QApplication, larger: bool) -> None:
    """Use the person's scale from now on: for the application font (message boxes, the
    tray menu's default) and, at once, for every window already open (except the warning,
    see ``FIXED``). Call it at start-up with ``Settings.larger_text`` and whenever that
    setting changes. A window with a ``fit_to()`` (every ScamGuard window that sizes itself
    to its words or its screen) is refitted after its words change size."""
    old = _state.factor
    set_larger(larger)
    app.setFont(font(APP_PT))
    if old != _state.factor:
        for window in app.topLevelWidgets():
            if window.property(FIXED):
                continue
            rescale(window, old)
            # The layouts learn of the new sizes from posted requests: before refitting.
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            refit = getattr(window, "fit_to", None)
            if callable(refit) and window.isVisible():
                try:
                    refit()
                except Exception:  # one window that cannot refit must not stop the others
                    log.exception("refitting %s to the new text size failed", type(window))


def rescale(root: QWidget, old: float) -> None:
    """Give every size set in ``root`` (and its children) the new scale. Sizes a widget
    inherits follow its parent by themselves; only sizes set on the widget are changed."""
    if root.property(FIXED):
        return
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.testAttribute(Qt.WidgetAttribute.WA_SetFont):
            continue
        f = widget.font()
        size = f.pointSizeF()
        if size <= 0:
            continue
        base, was = widget.property(_BASE), widget.property(_SET)
        if base is None or was != size:  # first time, or set afresh since: at ``old``
            base = size / old
        new = max(1, round(base * _state.factor))
        f.setPointSize(new)
        widget.setFont(f)
        widget.setProperty(_BASE, float(base))
        widget.setProperty(_SET, float(new))


def scroll_bars(area: QAbstractScrollArea) -> QAbstractScrollArea:
    """Give ``area`` the scroll bars of ``SCROLLBAR_CSS``. (A widget with its own style sheet
    no longer inherits its parent's font, so theirs is set too: nothing is small.)"""
    for bar in (area.verticalScrollBar(), area.horizontalScrollBar()):
        bar.setStyleSheet(SCROLLBAR_CSS)
        bar.setFont(font(BODY_PT))
    return area


def name(widget: QWidget, accessible: str, description: str = "") -> QWidget:
    """Give a control the name and description a screen reader speaks."""
    widget.setAccessibleName(accessible)
    if description:
        widget.setAccessibleDescription(description)
    return widget
