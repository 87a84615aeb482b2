"""Type sizes and colours shared by the warning and the small windows.

Sizes are in points, so they follow the system's scaling and high-DPI settings. The body is
never under 20 pt (the warning is read by people who may not have their glasses on, often
while a caller talks at them); colours are near-black on white, and the provider's brand
colours are used only where their contrast was checked when the profile was validated.
"""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

HEADLINE_PT = 60
SHORT_HEADLINE_PT = 44  # on screens under 900 px tall, so the numbers stay in view
LEAD_PT = 26
BODY_PT = 20
NUMBER_PT = 34
SMALL_NUMBER_PT = 26
NOTE_PT = 18  # small print under a number; the only text under the 20 pt body size
BUTTON_PT = 24

INK = "#111111"
PAPER = "#ffffff"
PANEL = "#f1f3f5"
CAUTION_BG = "#fff3bf"  # the "if the caller told you to expect this" box
CAUTION_EDGE = "#8a6d00"
QUIET_INK = "#333333"  # the small "I started this myself" link: still 12:1 on white


def font(points: int, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSize(points)
    f.setBold(bold)
    return f


def name(widget: QWidget, accessible: str, description: str = "") -> QWidget:
    """Give a control the name and description a screen reader speaks."""
    widget.setAccessibleName(accessible)
    if description:
        widget.setAccessibleDescription(description)
    return widget
