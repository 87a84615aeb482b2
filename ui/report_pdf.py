"""The recovery pack printed to PDF with Qt's own writer, and saved from the tray's windows.

The PDF is the pack's HTML (``guard.report.html``) laid out by QTextDocument and printed by
QPdfWriter on A4: one layout engine, so the printed page says exactly what the HTML says,
with no browser or extra library. An ordinary incident fits on one page. The HTML is the
accessible form (a screen reader reads it in order); Qt's PDF is for printing and handing
over, and carries the same text (``pdftotext`` reads it back in the tests).

``save_pack(parent, incident_id)`` is the one call the tray's windows make (History's
"Recovery pack..." button, and the warning's): it asks where to save, PDF by default, and
returns a one-line message for the window to show; it never raises for a person's mistake.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QStandardPaths
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from guard.report import ReportError, html, installed_profiles, load_pack
from guard.report.model import RecoveryPack
from guard.report.output import check_target, save_bytes, write_html
from guard.state.paths import journal_path
from ui.i18n import tr

MARGIN_MM = 10.0
PACK_FONT = "DejaVu Sans"  # the first family of the pack's CSS (guard/report/html.py)
RESOLUTION_DPI = 300
_APP: list[QApplication] = []  # the one made here for a command line, kept alive


def pdf_bytes(pack: RecoveryPack) -> tuple[bytes, int]:
    """The pack as PDF bytes, and its number of pages."""
    _ensure_app()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(
        QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter
    )
    writer.setResolution(RESOLUTION_DPI)
    writer.setTitle(
        tr("ScamGuard recovery pack: incident {incident}").format(incident=pack.incident)
    )
    writer.setCreator("ScamGuard")
    document = QTextDocument()
    document.setDocumentMargin(0)
    # The pack's own size (its CSS says 9 pt), not the application's: "larger text" in the
    # person's windows must not push the one-page pack onto a second page.
    document.setDefaultFont(QFont(PACK_FONT, 9))
    # Laid out for the writer itself (its resolution, so points are points on paper) on its
    # printable area: the pages counted here are the pages print_() makes.
    document.documentLayout().setPaintDevice(writer)
    document.setHtml(html.render(pack))
    document.setPageSize(writer.pageLayout().paintRectPixels(RESOLUTION_DPI).size().toSizeF())
    pages = document.pageCount()
    document.print_(writer)
    del writer  # finishes the file
    data = bytes(QByteArray(buffer.data()).data())
    buffer.close()
    return data, pages


def write_pdf(pack: RecoveryPack, path: Path) -> int:
    """Write the pack as a PDF (whole or not at all); returns the number of pages."""
    check_target(path)
    data, pages = pdf_bytes(pack)
    save_bytes(path, data)
    return pages


def write(pack: RecoveryPack, path: Path) -> None:
    """PDF or HTML, by ``path``'s extension; ReportError with the reason when it cannot be."""
    if check_target(path) == ".html":
        write_html(pack, path)
    else:
        write_pdf(pack, path)


def default_file(incident_id: str) -> Path:
    """Documents (or home) / ``ScamGuard recovery pack <id>.pdf``."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    base = Path(folder) if folder and Path(folder).is_dir() else Path.home()
    return base / tr("ScamGuard recovery pack {incident}.pdf").format(incident=incident_id)


def ask_where(parent: QWidget | None, suggested: Path) -> Path | None:
    """The save dialog (Qt's own, the same on every system and drivable in tests): PDF
    first, a web page as the other choice. None when the person cancels."""
    pdf, page = tr("PDF document (*.pdf)"), tr("Web page (*.html)")
    dialog = QFileDialog(parent, tr("Save the recovery pack"), str(suggested.parent))
    dialog.setObjectName("recovery-pack-save")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setNameFilters([pdf, page])
    dialog.selectNameFilter(pdf)
    dialog.setDefaultSuffix("pdf")
    dialog.selectFile(suggested.name)
    dialog.filterSelected.connect(
        lambda chosen: dialog.setDefaultSuffix("html" if chosen == page else "pdf")
    )
    if not dialog.exec():
        return None
    chosen = dialog.selectedFiles()
    return Path(chosen[0]) if chosen else None


def save_pack(
    parent: QWidget | None, incident_id: str, journal_file: Path | None = None
) -> tuple[Path | None, str]:
    """Ask where, then save the pack for ``incident_id``: (the file, or None, and one line
    for the window: where it went, or why not; "" when the person cancelled)."""
    target = ask_where(parent, default_file(incident_id))
    if target is None:
        return None, ""
    try:
        provider, generic = installed_profiles()
        pack = load_pack(
            incident_id, journal_file or journal_path(), provider=provider, generic=generic
        )
        write(pack, target)
    except ReportError as exc:
        return None, tr("The recovery pack was not saved: {why}").format(why=exc)
    return target, tr("The recovery pack was saved to {path}").format(path=target)


def _ensure_app() -> None:
    """QTextDocument needs a GUI application (its fonts); the command line has none. It
    never shows anything, so it runs offscreen when there is none yet."""
    if QApplication.instance() is None:
        if "QT_QPA_PLATFORM" not in os.environ:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        _APP.append(QApplication([]))
