"""A QR code of a phone number, so a mobile phone can dial the provider's number by scanning.

The code is made by segno (a maintained, pure-Python QR encoder: no image library) and drawn
here with QPainter, square by square, so the same drawing serves the screen (``QrCode``) and
the printed card (``ui/card.py``). The payload is a ``tel:`` link of the number's digits
(``ContactNumber.digits``): a phone's camera offers "Call 0345 172 0088" and nothing is
typed, so a caller cannot talk the person into dialling a different number.
"""

from __future__ import annotations

import segno
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.i18n import tr
from ui.warning.text import NumberLine

QUIET_ZONE = 4  # modules of white around the code: what the QR standard asks for a scan
SCREEN_MODULE_PX = 5  # one square on screen: a version 2 code is 165 px with its margin

Matrix = tuple[tuple[bool, ...], ...]


def tel_link(dial: str) -> str:
    """The ``tel:`` link a phone dials: ``dial`` is the digits, with a leading ``+`` kept."""
    return f"tel:{dial}"


def encode(payload: str) -> segno.QRCode:
    """A full QR code (never a Micro QR, which phone cameras do not read), at error level M
    or better: it still scans from a creased or smudged card."""
    return segno.make_qr(payload, error="m", boost_error=True)


def matrix(payload: str) -> Matrix:
    """The code's squares, row by row, True for dark, without the quiet zone."""
    return tuple(tuple(bool(cell) for cell in row) for row in encode(payload).matrix)


def path(squares: Matrix, left: float, top: float, module: float) -> QPainterPath:
    """The dark squares as one path (runs of a row merged), to fill in one go: no hairline
    seams between neighbouring squares in a PDF viewer or on a printer."""
    shape = QPainterPath()
    shape.setFillRule(Qt.FillRule.WindingFill)
    for y, row in enumerate(squares):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            shape.addRect(
                QRectF(left + start * module, top + y * module, (x - start) * module, module)
            )
    return shape


def paint(painter: QPainter, squares: Matrix, area: QRectF) -> QRectF:
    """Draw the code, with its white quiet zone, as the largest square that fits ``area``
    (top left); returns the square used."""
    cells = len(squares) + 2 * QUIET_ZONE
    module = min(area.width(), area.height()) / cells
    side = module * cells
    square = QRectF(area.left(), area.top(), side, side)
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.fillRect(square, QColor("#ffffff"))
    origin = QUIET_ZONE * module
    painter.fillPath(
        path(squares, area.left() + origin, area.top() + origin, module), QColor("#000000")
    )
    painter.restore()
    return square


class QrCode(QWidget):
    """The QR code of one number, for the screen. A screen reader hears what it is and the
    number it dials; the number itself is always printed beside it in words too."""

    def __init__(
        self,
        number: str,
        dial: str,
        parent: QWidget | None = None,
        module_px: int = SCREEN_MODULE_PX,
    ) -> None:
        """``module_px``: one square, in logical pixels (Qt scales them on a high-DPI
        screen); 4 is the smallest a phone's camera reads well from a screen."""
        super().__init__(parent)
        self.setObjectName("qr-code")
        self.number = number
        self.payload = tel_link(dial)
        self.squares = matrix(self.payload)
        side = (len(self.squares) + 2 * QUIET_ZONE) * max(4, module_px)
        self.setFixedSize(QSize(side, side))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        said = tr("QR code: scan with your mobile phone to call {number}").format(number=number)
        self.setAccessibleName(said)
        self.setAccessibleDescription(
            tr(
                "Point your mobile phone's camera at this square. Your phone offers to call "
                "{number}."
            ).format(number=number)
        )
        self.setToolTip(said)

    @classmethod
    def from_line(
        cls, line: NumberLine, parent: QWidget | None = None, module_px: int = SCREEN_MODULE_PX
    ) -> QrCode:
        """From a line of the warning's text (``WarningText.provider_numbers[0]``)."""
        return cls(line.number, line.dial, parent, module_px)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        paint(painter, self.squares, QRectF(self.rect()))
        painter.end()
