"""A one-page card to keep by the phone: the provider's numbers, "hang up, call from a
different phone", and a QR code that dials the first number.

A scam call comes when the computer is the last thing to trust, so the numbers must also be
somewhere else: on paper, by the phone. The card says what the warning says, from the same
text (``ui/warning/text.py``, so the numbers come only from the profile and the words only
from ``tr()``), laid out with QPainter on one A4 page: into a PDF with Qt's own QPdfWriter
(no extra library), or straight to a printer through Qt's print dialog (QtPrintSupport, part
of PySide6-Essentials). The QR code is a ``tel:`` link of the first number (``ui/qr.py``).

The calls the tray's windows make:

- ``print_card(parent, provider, generic)``: ask where to save (Documents by default),
  write the PDF; returns the file, or None when the person cancelled or it failed (a message
  box says why);
- ``print_on_paper(parent, provider, generic)``: Qt's print dialog, then the printer;
- ``print_or_save(parent, provider, generic)``: the button's one call: the print dialog when
  a printer is installed, else the PDF; returns the line to show under the buttons;
- ``write_card_pdf(path, provider, generic)``: the file itself (tests, a command line);
- ``QrCode.from_line(text.provider_numbers[0])``: the first number's QR code on screen.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QStandardPaths, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

# Imported here, not when printing: packaging/pyinstaller/qt_usage.py measures the Qt the
# tray loads, and the spec keeps exactly that (QtPrintSupport is small: one library).
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from guard import clock, files
from guard.errors import describe_os_error
from guard.providers.model import Profile
from ui import qr
from ui.i18n import tr
from ui.warning.text import Caught, NumberLine, WarningText, build

QrCode = qr.QrCode  # the on-screen QR code, for the windows that show the card's number

MARGIN_MM = 14.0
RESOLUTION_DPI = 300
# Type on paper, in points: the card is read at arm's length, often without glasses.
TITLE_PT = 22.0
HANG_UP_PT = 30.0
BODY_PT = 14.0
NUMBER_PT = 24.0
OTHER_NUMBER_PT = 16.0
NOTE_PT = 11.0
SMALLEST_SCALE = 0.6  # below this the card would be unreadable: it is cut, never shrunk more
_APP: list[QApplication] = []  # the one made here for a command line, kept alive


@dataclass(frozen=True)
class CardText:
    """What the card says, in reading order."""

    provider: str
    title: str
    when: str  # "If someone phones and asks to connect to your computer:"
    hang_up: str
    how: str  # "Hang up first. Then call from a different phone..."
    call_title: str
    numbers: tuple[NumberLine, ...]
    scan: str  # the caption under the QR code ("" when there is no number to dial)
    other_title: str
    others: tuple[NumberLine, ...]
    checked: str
    promise: str
    already_title: str
    already_steps: tuple[str, ...]
    footer: str

    @property
    def first(self) -> NumberLine | None:
        """The number the QR code dials: the first one the warning shows."""
        return next((n for n in self.numbers if n.dial), None)


def card_text(provider: Profile, generic: Profile | None, today: dt.date | None = None) -> CardText:
    """The card for ``provider`` (with its country's ``generic`` lines), worded as the
    warning words it: the warning's own text, built for a stand-in tool."""
    today = today or clock.today()
    said: WarningText = build([Caught("", "remote-desktop", True)], provider, generic, today)
    first = next((n for n in said.provider_numbers if n.dial), None)
    shared = generic.numbers if generic is not None and generic.id != provider.id else ()
    shown = [n.verified for n in (*provider.numbers, *shared)]
    scan = (
        tr("Scan with your mobile phone to call {number}").format(number=first.number)
        if first
        else ""
    )
    return CardText(
        provider=provider.name,
        title=tr("Keep this by your phone"),
        when=tr("If someone phones and asks to connect to your computer:"),
        hang_up=said.headline,
        how=said.call_how,
        call_title=said.call_title,
        numbers=said.provider_numbers,
        scan=scan,
        other_title=said.other_title,
        others=said.other_numbers,
        checked=said.checked,
        promise=said.promise,
        already_title=said.already_title,
        already_steps=said.already_steps,
        footer=tr("Printed from ScamGuard on {date}. Numbers last checked: {checked}.").format(
            date=_day(today), checked=_day(min(shown, default=provider.reviewed))
        ),
    )


def _day(day: dt.date) -> str:
    """ "6 December 2026": the way the warning writes a date (no leading zero)."""
    return f"{day.day} {day.strftime('%B %Y')}"


class _Page:
    """Lays the card out top to bottom on one page. ``draw`` False only measures, so the
    same code finds the scale at which everything fits, then paints."""

    def __init__(self, painter: QPainter, area: QRectF, scale: float, draw: bool) -> None:
        self.painter = painter
        self.area = area
        self.scale = scale
        self.draw = draw
        self.y = area.top()
        self.px_per_pt = painter.device().logicalDpiY() / 72.0

    def pt(self, points: float) -> float:
        """Points on paper in device pixels, at this scale (for gaps and boxes)."""
        return points * self.scale * self.px_per_pt

    def font(self, points: float, bold: bool = False) -> QFont:
        f = QFont()
        f.setPointSizeF(points * self.scale)
        f.setBold(bold)
        # No "fi"/"ff" ligatures: text copied or read aloud from the PDF (and pdftotext in
        # the tests) gets the plain letters a person typed.
        for tag in ("liga", "clig"):
            f.setFeature(QFont.Tag(tag), 0)
        return f

    def text(
        self,
        words: str,
        points: float,
        *,
        bold: bool = False,
        left: float = 0.0,
        right: float = 0.0,
        colour: str = "#111111",
        after: float = 4.0,
    ) -> QRectF:
        """A wrapped paragraph, ``left``/``right`` indents in device pixels; returns its box."""
        if not words:
            return QRectF(self.area.left(), self.y, 0, 0)
        self.painter.setFont(self.font(points, bold))
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap)
        box = QRectF(
            self.area.left() + left, self.y, self.area.width() - left - right, self.area.height()
        )
        used = self.painter.boundingRect(box, flags, words)
        if self.draw:
            self.painter.setPen(QColor(colour))
            self.painter.drawText(
                QRectF(box.left(), self.y, box.width(), used.height()), flags, words
            )
        self.y += used.height() + self.pt(after)
        return used

    def gap(self, points: float) -> None:
        self.y += self.pt(points)


def _band(page: _Page, card: CardText, background: str, ink: str) -> None:
    """The provider's colours across the top (contrast checked when the profile loaded)."""
    top = page.y
    pad = page.pt(8)
    page.painter.setFont(page.font(TITLE_PT, True))
    flags = int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap)
    inner = QRectF(
        page.area.left() + pad, top + pad, page.area.width() - 2 * pad, page.area.height()
    )
    line = f"{card.provider}: {card.title}"
    used = page.painter.boundingRect(inner, flags, line)
    height = used.height() + 2 * pad
    if page.draw:
        page.painter.fillRect(
            QRectF(page.area.left(), top, page.area.width(), height), QColor(background)
        )
        page.painter.setPen(QColor(ink))
        page.painter.drawText(
            QRectF(inner.left(), inner.top(), inner.width(), used.height()), flags, line
        )
    page.y = top + height + page.pt(10)


def _numbers(page: _Page, card: CardText, squares: qr.Matrix | None) -> None:
    """The provider's numbers, large, with the QR code beside them."""
    page.text(card.call_title, BODY_PT + 2, bold=True, after=6)
    side = page.pt(132) if squares is not None else 0.0
    beside = side + page.pt(14) if squares is not None else 0.0
    top = page.y
    for line in card.numbers:
        page.text(line.label, BODY_PT, bold=True, right=beside, after=1)
        page.text(line.number, NUMBER_PT, bold=True, right=beside, after=1)
        page.text(line.note, NOTE_PT, right=beside, colour="#333333", after=8)
    if squares is not None:
        square = QRectF(page.area.right() - side, top, side, side)
        if page.draw:
            qr.paint(page.painter, squares, square)
        page.y = top + max(page.y - top, side)
        caption_top = top + side + page.pt(2)
        if caption_top + page.pt(30) > page.y:  # room for the caption under the code
            page.y = caption_top
        saved = page.y
        page.y = caption_top
        page.text(
            card.scan,
            NOTE_PT,
            left=page.area.width() - side - page.pt(6),
            colour="#333333",
            after=0,
        )
        page.y = max(saved, page.y) + page.pt(6)


def _promise(page: _Page, card: CardText) -> None:
    """The provider's own "we will never..." in a light box."""
    pad = page.pt(6)
    top = page.y
    page.y += pad
    if page.draw:
        probe = _Page(page.painter, page.area, page.scale, draw=False)
        probe.y = page.y
        probe.text(card.promise, BODY_PT, left=pad, right=pad, after=0)
        page.painter.fillRect(
            QRectF(page.area.left(), top, page.area.width(), probe.y - top + pad), QColor("#f1f3f5")
        )
    page.text(card.promise, BODY_PT, left=pad, right=pad, after=0)
    page.y += pad + page.pt(10)


def _rule(page: _Page) -> None:
    if page.draw:
        page.painter.setPen(QPen(QColor("#999999"), page.pt(0.6)))
        page.painter.drawLine(
            int(page.area.left()), int(page.y), int(page.area.right()), int(page.y)
        )
    page.gap(8)


def lay_out(
    painter: QPainter, area: QRectF, card: CardText, profile: Profile, *, scale: float, draw: bool
) -> float:
    """The whole card at ``scale``; returns how far down it went (device pixels)."""
    page = _Page(painter, area, scale, draw)
    _band(page, card, profile.colours.background, profile.colours.text)
    page.text(card.when, BODY_PT + 2, bold=True, after=2)
    page.text(card.hang_up, HANG_UP_PT, bold=True, after=4)
    page.text(card.how, BODY_PT, after=12)
    first = card.first
    _numbers(page, card, qr.matrix(qr.tel_link(first.dial)) if first else None)
    page.text(card.checked, NOTE_PT, colour="#333333", after=10)
    _promise(page, card)
    if card.others:
        page.text(card.other_title, BODY_PT, bold=True, after=4)
        for line in card.others:
            page.text(f"{line.label}: {line.number}", OTHER_NUMBER_PT, bold=True, after=0)
            page.text(line.note, NOTE_PT, colour="#333333", after=6)
        page.gap(6)
    _rule(page)
    page.text(card.already_title, BODY_PT, bold=True, after=4)
    for i, step in enumerate(card.already_steps, 1):
        top = page.y
        page.text(f"{i}.", BODY_PT - 1, left=page.pt(4), after=0)
        page.y = top
        page.text(step, BODY_PT - 1, left=page.pt(22), after=3)
    page.gap(8)
    page.text(card.footer, NOTE_PT - 1, colour="#555555", after=0)
    return page.y - area.top()


def paint_card(
    device: QPagedPaintDevice,
    provider: Profile,
    generic: Profile | None,
    today: dt.date | None = None,
) -> float:
    """Paint the card on one page of ``device`` (a QPdfWriter or a QPrinter), as large as
    fits; returns the scale used (1.0: the designed sizes)."""
    card = card_text(provider, generic, today)
    painter = QPainter()
    if not painter.begin(device):  # a printer that went away, a file that cannot be opened
        raise OSError(errno.EIO, tr("the page could not be started"))
    try:
        rect = device.pageLayout().paintRectPixels(device.logicalDpiX())
        area = QRectF(0, 0, rect.width(), rect.height())
        scale = 1.0
        while (
            scale > SMALLEST_SCALE
            and lay_out(painter, area, card, provider, scale=scale, draw=False) > area.height()
        ):
            scale -= 0.05
        lay_out(painter, area, card, provider, scale=scale, draw=True)
    finally:
        painter.end()
    return scale


def _setup(device: QPagedPaintDevice) -> None:
    device.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    device.setPageMargins(
        QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter
    )


def write_card_pdf(
    path: Path, provider: Profile, generic: Profile | None, today: dt.date | None = None
) -> Path:
    """Write the card as a one-page A4 PDF at ``path`` (its folder must exist), whole or
    not at all: made in memory, then written through a temporary file (``files``). Raises
    OSError when it cannot be (QPdfWriter itself says nothing when a file cannot be opened:
    a card still open in a PDF reader on Windows, say)."""
    _ensure_app()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION_DPI)
    _setup(writer)
    writer.setTitle(tr("{provider}: who to call").format(provider=provider.name))
    writer.setCreator("ScamGuard")
    paint_card(writer, provider, generic, today)
    del writer  # finishes the PDF
    data = bytes(QByteArray(buffer.data()).data())
    buffer.close()
    if not data.startswith(b"%PDF"):
        raise OSError(errno.EIO, tr("the card could not be made"))
    files.write_atomic(path, data)
    return path


def default_file(provider: Profile) -> Path:
    """Documents (or home) / ``ScamGuard card - <provider>.pdf``."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    base = Path(folder) if folder and Path(folder).is_dir() else Path.home()
    safe = "".join(c for c in provider.name if c.isalnum() or c in " -_").strip() or "provider"
    return base / f"ScamGuard card - {safe}.pdf"


def ask_where(parent: QWidget | None, suggested: Path) -> Path | None:
    """Qt's own save dialog (the same everywhere, and drivable in tests). None: cancelled."""
    dialog = QFileDialog(parent, tr("Save the card to print"), str(suggested.parent))
    dialog.setObjectName("card-save")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setNameFilters([tr("PDF document (*.pdf)")])
    dialog.setDefaultSuffix("pdf")
    dialog.selectFile(suggested.name)
    if not dialog.exec():
        return None
    chosen = dialog.selectedFiles()
    return Path(chosen[0]) if chosen else None


def print_card(parent: QWidget | None, provider: Profile, generic: Profile | None) -> Path | None:
    """Ask where, then save the card as a PDF to print. The file, or None when the person
    cancelled or it could not be written (a message box has said why)."""
    target = ask_where(parent, default_file(provider))
    if target is None:
        return None
    if target.suffix.casefold() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    try:
        return write_card_pdf(target, provider, generic)
    except OSError as exc:
        why = describe_os_error(exc)
        _could_not(parent, tr("The card could not be saved there: {why}").format(why=why))
        return None


def print_on_paper(
    parent: QWidget | None,
    provider: Profile,
    generic: Profile | None,
    printer: QPrinter | None = None,
) -> bool:
    """Qt's print dialog, then the card on the chosen printer. False when cancelled.
    ``printer``: one set up beforehand (a test prints to a PDF file through the dialog)."""
    if printer is None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        _setup(printer)
    printer.setDocName(tr("{provider}: who to call").format(provider=provider.name))
    dialog = QPrintDialog(printer, parent)
    dialog.setObjectName("card-print")
    dialog.setWindowTitle(tr("Print the card"))
    if not dialog.exec():
        return False
    paint_card(printer, provider, generic)
    return True


def print_or_save(parent: QWidget | None, provider: Profile, generic: Profile | None) -> str:
    """The one call for a "Print a card" button: the print dialog when this computer has a
    printer, else the PDF saved where the person chooses. Returns one line for the window
    to show (what happened), "" when the person cancelled."""
    if QPrinterInfo.availablePrinterNames():
        if print_on_paper(parent, provider, generic):
            return tr("The card was sent to the printer. Keep it by your phone.")
        return ""
    saved = print_card(parent, provider, generic)
    if saved is None:
        return ""
    return tr(
        "The card was saved to {path}. Open it to print it, and keep it by your phone."
    ).format(path=saved)


def _could_not(parent: QWidget | None, message: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, tr("ScamGuard"), message, parent=parent)
    box.exec()


def _ensure_app() -> None:
    """QPdfWriter's fonts need a QGuiApplication: make one for a command line (offscreen)."""
    if QApplication.instance() is None:
        if "QT_QPA_PLATFORM" not in os.environ:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        _APP.append(QApplication([]))
