"""The recovery pack printed by Qt's PDF writer and read back with poppler's ``pdftotext``
(Debian's poppler-utils, tests/debian-packages.txt), and ``scamguard report`` end to end as a
real subprocess: the PDF and HTML it writes, and its one-line errors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from guard.providers.model import ProfileSet
from guard.report import load_pack
from guard.report import words as w
from guard.report.model import RecoveryPack
from guard.state import changes
from guard.state.paths import journal_path
from tests.conftest import REPO
from tests.report_incident import INCIDENT, PEER, SHA, T0, events, write

DOWNLOADS = Path("/home/ann/Downloads")


def need(program: str) -> str:
    """A poppler program. Missing: a failure where ``make test`` would have installed it
    (root on Debian, or SCAMGUARD_REQUIRE_DEBS=1), else a skip that says what to install."""
    found = shutil.which(program)
    if found:
        return found
    why = f"{program} is not installed (Debian: apt-get install poppler-utils)"
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get")
    if os.environ.get("SCAMGUARD_REQUIRE_DEBS") == "1" or as_root:
        pytest.fail(f"{why}; `make test` installs it as root")
    pytest.skip(why)


def pdf_text(path: Path) -> str:
    """The PDF's text as poppler reads it, ligatures unfolded, whitespace made single."""
    result = subprocess.run(
        [need("pdftotext"), "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return " ".join(unicodedata.normalize("NFKC", result.stdout).split())


def pdf_pages(path: Path) -> int:
    result = subprocess.run(
        [need("pdfinfo"), str(path)], capture_output=True, text=True, timeout=60, check=True
    )
    [line] = [x for x in result.stdout.splitlines() if x.startswith("Pages:")]
    return int(line.split()[1])


def scamguard(*args: str) -> subprocess.CompletedProcess[str]:
    """The full ``scamguard`` program (``python -m ui``: the engine's commands plus the
    Qt ones), as a real subprocess in the test's ScamGuard home."""
    return subprocess.run(
        [sys.executable, "-m", "ui", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
        start_new_session=True,
    )


def check_pack_text(text: str) -> None:
    """What the printed page must say about the standard incident."""
    assert "ScamGuard recovery pack" in text
    assert f"Incident reference: {INCIDENT}" in text
    assert f"Date: {w.day(T0)}" in text
    # What ran, the connection and the allowance, in local time.
    assert str(DOWNLOADS / "AnyDesk.exe") in text
    assert f"From {w.clock(T0 + 110)} to {w.clock(T0 + 362)} (4 minutes and 12 seconds)" in text
    assert PEER in text
    assert f"allowed to run for 1 hour (until {w.clock(T0 + 95 + 3600)})" in text
    assert "the journal does not say which" in text
    # The installer's hash and what ScamGuard did.
    assert SHA in text
    assert f"Froze AnyDesk at {w.clock(T0 + 20.05)}" in text
    assert f"Removed AnyDesk at {w.clock(T0 + 400)}" in text
    # The steps with the profiles' numbers and the reference to give.
    assert "Call your bank now, from another phone" in text and "159" in text
    assert "Change your passwords from another device" in text and "email" in text
    assert "0300 123 2040" in text and "Report Fraud" in text
    assert f"incident reference: {INCIDENT}" in text


def bt_pack(tmp_path: Path, profiles: ProfileSet) -> RecoveryPack:
    """The pack of the sample incident, from a real journal, in BT's name."""
    path = tmp_path / "journal.db"
    write(path, events(DOWNLOADS))
    return load_pack(
        INCIDENT,
        path,
        provider=profiles.get("bt"),
        generic=profiles.get("generic-uk"),
        now=T0 + 900,
    )


def test_the_pdf_is_one_a4_page_and_says_it_all(tmp_path: Path, profiles: ProfileSet) -> None:
    from ui.report_pdf import write_pdf

    pack = bt_pack(tmp_path, profiles)
    out = tmp_path / "pack.pdf"
    assert write_pdf(pack, out) == 1
    assert out.read_bytes().startswith(b"%PDF-")
    assert pdf_pages(out) == 1
    size = subprocess.run(
        [need("pdfinfo"), str(out)], capture_output=True, text=True, check=True
    ).stdout
    assert "595.276 x 841.89 pts (A4)" in size or "595 x 842 pts (A4)" in size
    text = pdf_text(out)
    check_pack_text(text)
    for number in ("0800 800 150", "0800 800 151"):  # BT's own, from its profile
        assert number in text


def test_report_command_writes_the_pdf_and_the_html(tmp_path: Path) -> None:
    write(journal_path(), events(DOWNLOADS))
    changes.set_provider("bt", "BT", report=lambda _line: None)
    out = tmp_path / "recovery.pdf"
    result = scamguard("report", INCIDENT, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out) and result.stderr == ""
    text = pdf_text(out)
    check_pack_text(text)
    assert "0800 800 150" in text  # the chosen provider's number

    page = tmp_path / "recovery.html"
    result = scamguard("report", INCIDENT, "--out", str(page), "--journal", str(journal_path()))
    assert result.returncode == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and SHA in html and "0800 800 150" in html


def test_an_html_pack_needs_no_qt(tmp_path: Path) -> None:
    """The HTML is made by guard/ alone: Qt is not even imported (a display-less server)."""
    write(journal_path(), events(DOWNLOADS))
    out = tmp_path / "p.html"
    code = (
        "import sys; from ui.cli import main; rc = main(['report', sys.argv[1], '--out', "
        "sys.argv[2]]); assert not [m for m in sys.modules if m.startswith('PySide6')]; "
        "sys.exit(rc)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, INCIDENT, str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert out.is_file()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["deadbeef", "--out", "{tmp}/p.pdf"], "there is no incident 'deadbeef' in the journal"),
        (["{id}", "--out", "{tmp}/p.txt"], "the file name must end in .pdf or .html, not .txt"),
        (["{id}", "--out", "{tmp}/p"], "the file name must end in .pdf or .html"),
        (["{id}", "--out", "{file}"], "cannot be written: {tmp}{sep}file is not a folder"),
        (["{id}", "--out", "{none}"], "cannot be written: {tmp}{sep}none does not exist"),
        (["{id}", "--out", "{tmp}/folder.pdf"], "is a folder"),
        (["{id}", "--out", "{tmp}/p.pdf", "--journal", "{tmp}/none.db"], "there is no journal"),
    ],
)
def test_report_command_bad_input_gets_one_line(tmp_path: Path, args: list[str], said: str) -> None:
    write(journal_path(), events(DOWNLOADS))
    (tmp_path / "file").write_text("in the way")
    (tmp_path / "folder.pdf").mkdir()
    names = {
        "tmp": tmp_path,
        "id": INCIDENT,
        "sep": os.sep,
        "file": tmp_path / "file" / "p.pdf",
        "none": tmp_path / "none" / "p.pdf",
    }
    argv = [a.format(**names) for a in args]
    result = scamguard("report", *argv)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("scamguard report: ")
    assert said.format(**names) in line
    if "no incident" in said or "no journal" in said:
        assert line.endswith("(list incidents with: scamguard history)")
    assert result.stdout == "" and not list(tmp_path.glob("p.*"))


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="Linux: /proc refuses new files")
def test_report_command_into_a_place_nothing_can_be_written(tmp_path: Path) -> None:
    """A folder that exists but takes no file (even for root): the reason, in one line."""
    write(journal_path(), events(DOWNLOADS))
    result = scamguard("report", INCIDENT, "--out", "/proc/scamguard-pack.html")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("scamguard report: /proc/scamguard-pack.html cannot be written (")


def test_report_help_reads_well_to_a_newcomer() -> None:
    result = scamguard("report", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "usage: scamguard report [-h] --out FILE [--journal FILE] INCIDENT" in text
    for words in (
        "one-page recovery pack",
        "call your bank from another phone (159 in the UK)",
        "change your passwords from another device",
        "a name ending in .pdf (to print) or .html",
        "Find the incident's id with 'scamguard history'",
    ):
        assert words in text, words
    listed = scamguard("--help")
    assert "report" in listed.stdout and "recovery pack" in listed.stdout


def test_larger_text_in_the_persons_windows_keeps_the_pack_on_one_page(
    tmp_path: Path, profiles: ProfileSet, qapp
) -> None:
    from ui import style
    from ui.report_pdf import write_pdf

    pack = bt_pack(tmp_path, profiles)
    before = qapp.font()
    style.apply_app_font(qapp, True)
    qapp.setFont(style.font(40))  # far larger than any setting: the pack keeps its own size
    try:
        assert write_pdf(pack, tmp_path / "pack.pdf") == 1
    finally:
        style.apply_app_font(qapp, False)
        qapp.setFont(before)
