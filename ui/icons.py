"""The tray icon, drawn in code: a shield whose colour and mark say the state at a glance.

Drawn rather than shipped as files so every state exists at every size the desktop asks
for, and so the states differ by shape as well as colour (a tick, an exclamation mark, an
"i", a question mark, two bars, a screen), for people who cannot tell red from green.
"remote" (blue, with a small screen) is shown while a remote-access program the person
allowed or trusts is running: someone may be able to see and work this computer, and that
must never look the same as "all clear".
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap

from ui.i18n import tr

STATE_COLOURS = {
    "protected": "#1b7f3b",
    "warning": "#c92a2a",
    "outdated": "#9c6500",
    "attention": "#9c6500",
    "paused": "#5c6670",
    "remote": "#1d4ed8",
}
STATE_MARKS = {
    "protected": "tick",
    "warning": "!",
    "attention": "i",
    "outdated": "?",
    "paused": "pause",
    "remote": "screen",
}
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def _shield(size: float) -> QPainterPath:
    s = size
    path = QPainterPath(QPointF(s * 0.5, s * 0.04))
    path.lineTo(s * 0.9, s * 0.18)
    path.cubicTo(s * 0.9, s * 0.62, s * 0.72, s * 0.84, s * 0.5, s * 0.96)
    path.cubicTo(s * 0.28, s * 0.84, s * 0.1, s * 0.62, s * 0.1, s * 0.18)
    path.closeSubpath()
    return path


def pixmap(state: str, size: int) -> QPixmap:
    image = QPixmap(size, size)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#ffffff"), max(1.0, size / 24)))
    painter.setBrush(QBrush(QColor(STATE_COLOURS.get(state, STATE_COLOURS["paused"]))))
    painter.drawPath(_shield(size))
    mark = STATE_MARKS.get(state, "pause")
    white = QPen(QColor("#ffffff"), max(1.5, size / 9))
    white.setCapStyle(Qt.PenCapStyle.RoundCap)
    white.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(white)
    if mark == "tick":
        painter.drawPolyline(
            [
                QPointF(size * 0.32, size * 0.5),
                QPointF(size * 0.45, size * 0.64),
                QPointF(size * 0.69, size * 0.36),
            ]
        )
    elif mark == "screen":  # a monitor on its stand: someone may see this screen
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(
            QRectF(size * 0.3, size * 0.3, size * 0.4, size * 0.28), size * 0.03, size * 0.03
        )
        painter.drawLine(QPointF(size * 0.5, size * 0.6), QPointF(size * 0.5, size * 0.7))
        painter.drawLine(QPointF(size * 0.4, size * 0.71), QPointF(size * 0.6, size * 0.71))
    elif mark == "pause":
        painter.drawLine(QPointF(size * 0.41, size * 0.34), QPointF(size * 0.41, size * 0.64))
        painter.drawLine(QPointF(size * 0.59, size * 0.34), QPointF(size * 0.59, size * 0.64))
    else:
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(8, int(size * 0.56)))
        painter.setFont(font)
        painter.drawText(
            QRectF(0, size * 0.05, size, size * 0.86), Qt.AlignmentFlag.AlignCenter, mark
        )
    painter.end()
    return image


def description(state: str) -> str:
    """What the icon for ``state`` looks like and means, in plain words: said by screen
    readers for the status window's picture (the tooltip's first line says the same)."""
    said = {
        "protected": tr("Green shield with a tick: ScamGuard is protecting this computer."),
        "warning": tr("Red shield with an exclamation mark: a remote-control program was stopped."),
        "attention": tr("Amber shield with an i: protecting, but something needs looking at."),
        "outdated": tr("Amber shield with a question mark: the list of programs is out of date."),
        "paused": tr("Grey shield with two bars: ScamGuard is not protecting this computer."),
        "remote": tr("Blue shield with a screen: a remote-access program is running."),
    }
    return said.get(state, said["paused"])


def icon(state: str) -> QIcon:
    result = QIcon()
    for size in SIZES:
        result.addPixmap(pixmap(state, size))
    return result
