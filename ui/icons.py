"""The tray icon, drawn in code: a shield whose colour and mark say the state at a glance.

Drawn rather than shipped as files so every state exists at every size the desktop asks
for, and so the states differ by shape as well as colour (a tick, an exclamation mark, an
"i", a question mark, two bars), for people who cannot tell red from green.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap

STATE_COLOURS = {
    "protected": "#1b7f3b",
    "warning": "#c92a2a",
    "outdated": "#9c6500",
    "attention": "#9c6500",
    "paused": "#5c6670",
}
STATE_MARKS = {
    "protected": "tick",
    "warning": "!",
    "attention": "i",
    "outdated": "?",
    "paused": "pause",
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


def icon(state: str) -> QIcon:
    result = QIcon()
    for size in SIZES:
        result.addPixmap(pixmap(state, size))
    return result
