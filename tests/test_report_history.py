"""The History window's "Recovery pack..." button: a real window on a real journal, Qt's own
save dialog driven as a person would (a file name typed, Save pressed), and the PDF it writes
read back with pdftotext."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from guard.state import changes
from guard.state.paths import journal_path
from tests.dialogs import when_dialog_opens
from tests.report_incident import INCIDENT, SHA, events, write
from tests.test_report_pdf import DOWNLOADS, pdf_text
from ui.windows import HistoryWindow

WAIT_MS = 10_000


def history(qtbot) -> HistoryWindow:
    window = HistoryWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_button_saves_the_chosen_incidents_pack_as_pdf(qtbot, tmp_path: Path) -> None:
    write(journal_path(), events(DOWNLOADS))
    window = history(qtbot)
    assert not window.pack_button.isEnabled()  # nothing chosen yet
    assert window.pack_button.accessibleName()
    window.table.selectRow(0)
    qtbot.waitUntil(window.pack_button.isEnabled, timeout=WAIT_MS)

    target = tmp_path / "for the bank"  # no extension typed: PDF is the default

    def save(dialog: QFileDialog) -> None:
        assert dialog.windowTitle() == "Save the recovery pack"
        assert dialog.selectedNameFilter() == "PDF document (*.pdf)"
        assert dialog.selectedFiles()[0].endswith(f"ScamGuard recovery pack {INCIDENT}.pdf")
        dialog.selectFile(str(target))
        dialog.accept()

    seen = when_dialog_opens(QFileDialog, save)
    window.pack_button.click()
    assert seen, "the save dialog never opened"
    saved = tmp_path / "for the bank.pdf"
    assert saved.is_file()
    assert window.pack_status.isVisible()
    assert window.pack_status.text() == f"The recovery pack was saved to {saved}"
    text = pdf_text(saved)
    assert f"Incident reference: {INCIDENT}" in text and SHA in text and "159" in text


def test_the_button_can_save_a_web_page_and_cancel_saves_nothing(qtbot, tmp_path: Path) -> None:
    write(journal_path(), events(DOWNLOADS))
    window = history(qtbot)
    window.table.selectRow(0)
    qtbot.waitUntil(window.pack_button.isEnabled, timeout=WAIT_MS)

    def as_html(dialog: QFileDialog) -> None:
        dialog.selectNameFilter("Web page (*.html)")
        dialog.filterSelected.emit("Web page (*.html)")
        dialog.selectFile(str(tmp_path / "pack"))
        dialog.accept()

    when_dialog_opens(QFileDialog, as_html)
    window.pack_button.click()
    page = tmp_path / "pack.html"
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    when_dialog_opens(QFileDialog, lambda dialog: dialog.reject())
    window.pack_button.click()
    assert window.pack_status.isHidden()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.html"]


def test_a_pack_that_cannot_be_made_says_why_in_the_window(qtbot, tmp_path: Path) -> None:
    """The journal damaged after the window read it: one line in the window, no file."""
    write(journal_path(), events(DOWNLOADS))
    window = history(qtbot)
    window.table.selectRow(0)
    qtbot.waitUntil(window.pack_button.isEnabled, timeout=WAIT_MS)
    for suffix in ("-wal", "-shm"):
        Path(f"{journal_path()}{suffix}").unlink(missing_ok=True)
    journal_path().write_bytes(b"this is not a database" * 100)

    def save(dialog: QFileDialog) -> None:
        dialog.selectFile(str(tmp_path / "pack.pdf"))
        dialog.accept()

    when_dialog_opens(QFileDialog, save)
    window.pack_button.click()
    said = window.pack_status.text()
    assert said.startswith("The recovery pack was not saved: the journal ")
    assert "cannot be read" in said and "\n" not in said and "Traceback" not in said
    assert not (tmp_path / "pack.pdf").exists()


def test_a_settings_notice_has_no_pack(qtbot) -> None:
    changes.set_provider("talktalk", "TalkTalk", report=lambda _line: None)
    window = history(qtbot)
    assert window.table.rowCount() == 1
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: window.selected() is not None, timeout=WAIT_MS)
    assert not window.pack_button.isEnabled()
