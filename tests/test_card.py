"""The printable card (ui/card.py) and its QR code (ui/qr.py): written from a shipped profile
by Qt's own PDF writer, read back with poppler (pdftotext, pdfinfo), and the QR code drawn on
the page read back square by square from poppler's rendering (pdftoppm) and compared with
what segno encodes for ``tel:<digits>``."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
import segno
from PySide6.QtGui import QImage, QPdfWriter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QFileDialog, QWidget

from guard.providers.model import Profile, ProfileSet
from tests.dialogs import when_dialog_opens
from tests.test_report_pdf import need, pdf_pages, pdf_text
from ui import card, qr

WAIT_MS = 10_000


def today_for(profiles: ProfileSet) -> dt.date:
    """A day just after the numbers were checked: nothing is stale, whatever today is."""
    return max(n.verified for p in profiles.profiles.values() for n in p.numbers) + dt.timedelta(1)


def chosen(profiles: ProfileSet, profile_id: str) -> tuple[Profile, Profile | None]:
    provider = profiles.get(profile_id)
    assert provider is not None
    return provider, profiles.generic_for(provider.country)


def expected_squares(dial: str) -> tuple[tuple[bool, ...], ...]:
    """What segno itself encodes for the ``tel:`` link, built here, not by ui/qr.py."""
    code = segno.make_qr(f"tel:{dial}", error="m", boost_error=True)
    return tuple(tuple(bool(c) for c in row) for row in code.matrix)


def read_squares(image: QImage, size: int) -> tuple[tuple[bool, ...], ...]:
    """The QR code's squares read back from a rendering: the box of pure black pixels (the
    code is the only pure black on the card: text is #111111) is split into ``size`` x
    ``size`` squares, each read at its centre."""
    xs, ys = [], []
    for y in range(image.height()):
        for x in range(image.width()):
            if image.pixel(x, y) & 0xFFFFFF == 0:
                xs.append(x)
                ys.append(y)
    assert xs, "no QR code on the page"
    left, right, top, bottom = min(xs), max(xs) + 1, min(ys), max(ys) + 1
    assert abs((right - left) - (bottom - top)) <= 2, "the code is not square"
    module = (right - left) / size
    assert module >= 4, f"squares of {module:.1f} px at this resolution: too small to read"
    return tuple(
        tuple(
            image.pixel(int(left + (col + 0.5) * module), int(top + (row + 0.5) * module)) & 0xFF
            < 128
            for col in range(size)
        )
        for row in range(size)
    )


def render(pdf: Path, tmp_path: Path, dpi: int = 150) -> QImage:
    """Page 1 as poppler draws it, without anti-aliasing (crisp square edges)."""
    stem = tmp_path / "page"
    subprocess.run(
        [
            *(need("pdftoppm"), "-r", str(dpi), "-aa", "no", "-aaVector", "no"),
            *("-png", "-singlefile", str(pdf), str(stem)),
        ],
        check=True,
        timeout=120,
    )
    image = QImage(str(stem.with_suffix(".png")))
    assert not image.isNull()
    return image


# --- the card's words ---


def test_the_card_from_talktalk_has_its_numbers_and_the_steps(
    qapp, tmp_path: Path, profiles: ProfileSet
) -> None:
    provider, generic = chosen(profiles, "talktalk")
    pdf = card.write_card_pdf(tmp_path / "card.pdf", provider, generic, today_for(profiles))
    assert pdf_pages(pdf) == 1
    text = pdf_text(pdf)
    for number in provider.numbers:  # every one of TalkTalk's own numbers, as printed
        assert number.number in text and number.label in text
    assert generic is not None
    for number in generic.numbers:  # the bank and reporting lines the warning shows
        assert number.number in text
    assert "Hang up." in text
    assert "Hang up first. Then call from a different phone, like a mobile." in text
    assert "Never use a number the caller gave you." in text
    assert provider.promise is not None and provider.promise.text in text
    assert "Scan with your mobile phone to call 0345 172 0088" in text
    printed = today_for(profiles)
    oldest = min(n.verified for n in (*provider.numbers, *generic.numbers))
    assert (
        f"Printed from ScamGuard on {printed.day} {printed.strftime('%B %Y')}. Numbers last "
        f"checked: {oldest.day} {oldest.strftime('%B %Y')}." in text
    )
    # TalkTalk's numbers are PARTIAL: the card does not call them real, and asks for a check.
    assert "real number" not in text
    assert "Check 0345 172 0088 against your bill before you call." in text


def test_the_card_for_a_country_without_a_provider_leads_with_its_helpline(
    qapp, tmp_path: Path, profiles: ProfileSet
) -> None:
    """Canada ships only a reporting line: the card (and the warning) show it under "Call a
    fraud helpline", never a title with no number under it."""
    provider, generic = chosen(profiles, "generic-ca")
    said = card.card_text(provider, generic, today_for(profiles))
    assert said.call_title == "Call a fraud helpline"
    assert [n.number for n in said.numbers] == ["1-888-495-8501"]
    pdf = card.write_card_pdf(tmp_path / "ca.pdf", provider, generic, today_for(profiles))
    assert pdf_pages(pdf) == 1
    assert "1-888-495-8501" in pdf_text(pdf)


@pytest.mark.parametrize("profile_id", ["bt", "ee", "sky", "virgin-media", "generic-us"])
def test_every_card_fits_one_page_at_a_readable_size(
    qapp, tmp_path: Path, profiles: ProfileSet, profile_id: str
) -> None:
    provider, generic = chosen(profiles, profile_id)
    pdf = card.write_card_pdf(tmp_path / "c.pdf", provider, generic, today_for(profiles))
    assert pdf_pages(pdf) == 1
    text = pdf_text(pdf)
    assert all(n.number in text for n in provider.numbers)
    writer = QPdfWriter(str(tmp_path / "scale.pdf"))
    writer.setResolution(card.RESOLUTION_DPI)
    card._setup(writer)
    assert card.paint_card(writer, provider, generic, today_for(profiles)) >= 0.9
    del writer


# --- the QR code ---


def test_the_qr_code_on_the_page_dials_the_first_number(
    qapp, tmp_path: Path, profiles: ProfileSet
) -> None:
    provider, generic = chosen(profiles, "talktalk")
    first = provider.numbers_for("provider")[0]
    assert first.digits == "03451720088"
    said = card.card_text(provider, generic, today_for(profiles))
    assert said.first is not None and qr.tel_link(said.first.dial) == "tel:03451720088"
    pdf = card.write_card_pdf(tmp_path / "card.pdf", provider, generic, today_for(profiles))
    wanted = expected_squares("03451720088")
    assert read_squares(render(pdf, tmp_path), len(wanted)) == wanted


def test_a_smaller_qr_widget_still_draws_the_same_code(qtbot) -> None:
    widget = qr.QrCode("0345 172 0088", "03451720088", module_px=4)
    qtbot.addWidget(widget)
    wanted = expected_squares("03451720088")
    assert widget.width() == widget.height() == (len(wanted) + 2 * qr.QUIET_ZONE) * 4
    assert read_squares(widget.grab().toImage(), len(wanted)) == wanted


def test_an_international_number_keeps_its_plus(qapp) -> None:
    widget = qr.QrCode("+44 345 172 0088", "+443451720088")
    assert widget.payload == "tel:+443451720088"
    assert widget.squares == expected_squares("+443451720088")


def test_the_qr_widget_draws_the_code_and_says_what_it_is(qtbot, profiles: ProfileSet) -> None:
    provider, generic = chosen(profiles, "talktalk")
    line = card.card_text(provider, generic, today_for(profiles)).numbers[0]
    widget = qr.QrCode.from_line(line)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.accessibleName() == ("QR code: scan with your mobile phone to call 0345 172 0088")
    assert "0345 172 0088" in widget.accessibleDescription()
    image = widget.grab().toImage()
    wanted = expected_squares("03451720088")
    # The quiet zone is white all round; the squares inside are segno's.
    assert image.width() == (len(wanted) + 2 * qr.QUIET_ZONE) * qr.SCREEN_MODULE_PX
    assert read_squares(image, len(wanted)) == wanted


# --- saving and printing, as a person would ---


def test_print_card_asks_where_then_saves_the_pdf(
    qtbot, tmp_path: Path, profiles: ProfileSet
) -> None:
    provider, generic = chosen(profiles, "talktalk")
    target = tmp_path / "by the phone"  # no extension typed: the card is a PDF

    def save(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog)
        assert dialog.windowTitle() == "Save the card to print"
        assert dialog.selectedFiles()[0].endswith("ScamGuard card - TalkTalk.pdf")
        dialog.selectFile(str(target))
        dialog.accept()

    seen = when_dialog_opens(QFileDialog, save)
    saved = card.print_card(None, provider, generic)
    assert seen, "the save dialog never opened"
    assert saved == tmp_path / "by the phone.pdf" and saved.is_file()
    assert "0345 172 0088" in pdf_text(saved)


def test_without_a_printer_the_button_saves_the_pdf_and_says_where(
    qtbot, tmp_path: Path, profiles: ProfileSet
) -> None:
    if QPrinterInfo.availablePrinterNames():
        pytest.skip("this computer has a printer: the button would open the print dialog")
    provider, generic = chosen(profiles, "talktalk")

    def save(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog)
        dialog.selectFile(str(tmp_path / "card.pdf"))
        dialog.accept()

    seen = when_dialog_opens(QFileDialog, save)
    said = card.print_or_save(None, provider, generic)
    assert seen
    assert said == (
        f"The card was saved to {tmp_path / 'card.pdf'}. Open it to print it, and keep it by "
        "your phone."
    )
    assert pdf_pages(tmp_path / "card.pdf") == 1


def test_print_card_cancelled_saves_nothing(qtbot, tmp_path: Path, profiles: ProfileSet) -> None:
    provider, generic = chosen(profiles, "talktalk")

    def cancel(dialog: QWidget) -> None:
        dialog.close()

    seen = when_dialog_opens(QFileDialog, cancel)
    assert card.print_card(None, provider, generic) is None
    assert seen
    assert list(tmp_path.iterdir()) == []


def test_print_on_paper_goes_through_qts_print_dialog(
    qtbot, tmp_path: Path, profiles: ProfileSet
) -> None:
    """The printer path (QtPrintSupport): the dialog is shown and, once accepted, the card
    is painted on the printer, here one that prints to a PDF file."""
    provider, generic = chosen(profiles, "talktalk")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    card._setup(printer)
    out = tmp_path / "printed.pdf"
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))

    def accept(dialog: QWidget) -> None:
        assert dialog.windowTitle() == "Print the card"
        printer.setOutputFileName(str(out))  # the dialog may have offered its own file
        assert isinstance(dialog, QPrintDialog)
        dialog.accept()

    seen = when_dialog_opens(QPrintDialog, accept)
    assert card.print_on_paper(None, provider, generic, printer)
    assert seen
    assert pdf_pages(out) == 1
    assert "0345 172 0088" in pdf_text(out)


def test_the_default_file_is_in_documents_and_named_for_the_provider(
    qapp, profiles: ProfileSet
) -> None:
    provider, _generic = chosen(profiles, "virgin-media")
    path = card.default_file(provider)
    assert path.name == "ScamGuard card - Virgin Media.pdf"
    assert path.parent.is_dir()


def test_a_card_that_cannot_be_written_is_an_error_never_said_to_be_saved(
    qapp, tmp_path: Path, profiles: ProfileSet
) -> None:
    """QPdfWriter says nothing when its file cannot be opened (a card still open in a PDF
    reader on Windows, a name taken by a folder): the card is made in memory and written
    whole, so the person is never told "saved" when nothing was."""
    provider, generic = profiles.get("talktalk"), profiles.get("generic-uk")
    taken = tmp_path / "card.pdf"
    taken.mkdir()  # the name is a folder: no file can be written there
    with pytest.raises(OSError):
        card.write_card_pdf(taken, provider, generic)
    assert taken.is_dir() and sorted(p.name for p in tmp_path.iterdir()) == ["card.pdf"]
    written = card.write_card_pdf(tmp_path / "mine.pdf", provider, generic)
    assert written.read_bytes().startswith(b"%PDF")
