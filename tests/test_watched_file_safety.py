"""Reading a watched file never blocks on a FIFO or device, and a PE field of any length is cut
to a sane size before it is matched."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from guard.identify.bundle import read_bundle_info
from guard.identify.hashing import sha256_file
from guard.identify.identifier import Identifier
from guard.identify.pe import MAX_VALUE_CHARS, read_version_info
from guard.identify.regular_file import NotRegularFile, open_regular
from tests.pe_builder import write_pe


def _returns_promptly(call: Callable[[], object], fifo: Path) -> object:
    """Run ``call`` on a thread; fail (instead of hanging the run) if it blocks."""
    result: list[object] = []
    worker = threading.Thread(target=lambda: result.append(call()), daemon=True)
    worker.start()
    worker.join(timeout=10)
    with contextlib.suppress(OSError):  # a reader stuck on the FIFO gets a writer and ends
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert result, "blocked on a FIFO"
    return result[0]


@pytest.mark.parametrize(
    "reader",
    [read_version_info, sha256_file],
    ids=["pe", "hash"],
)
def test_reading_a_fifo_returns_at_once(tmp_path: Path, reader: Callable[[Path], object]) -> None:
    fifo = tmp_path / "AnyDesk.exe"
    os.mkfifo(fifo)
    assert _returns_promptly(lambda: reader(fifo), fifo) in ({}, None)


def test_a_fifo_info_plist_returns_at_once(tmp_path: Path) -> None:
    app = tmp_path / "AnyDesk.app"
    (app / "Contents").mkdir(parents=True)
    fifo = app / "Contents" / "Info.plist"
    os.mkfifo(fifo)
    assert _returns_promptly(lambda: read_bundle_info(app), fifo) == {}


def test_open_regular_refuses_special_files(tmp_path: Path) -> None:
    fifo = tmp_path / "x"
    os.mkfifo(fifo)
    for special in (fifo, Path("/dev/null"), tmp_path):
        with pytest.raises(OSError):
            fh, _ = open_regular(special)
            fh.close()
    with pytest.raises(NotRegularFile):
        open_regular(fifo)
    (tmp_path / "ok").write_bytes(b"MZ")
    fh, st = open_regular(tmp_path / "ok")
    with fh:
        assert fh.read() == b"MZ" and st.st_size == 2


def test_identify_file_on_a_fifo_is_by_name_only(identifier: Identifier, tmp_path: Path) -> None:
    fifo = tmp_path / "AnyDesk.exe"
    os.mkfifo(fifo)
    verdict = _returns_promptly(lambda: identifier.identify_file(fifo), fifo)
    assert verdict.tool is not None and verdict.tool.id == "anydesk"  # type: ignore[attr-defined]


def test_an_overlong_pe_field_is_cut_before_matching(
    identifier: Identifier, tmp_path: Path
) -> None:
    # A version resource holds at most 64 KiB (its lengths are 16-bit): ~32,000 characters.
    exe = write_pe(
        tmp_path / "update.exe",
        CompanyName="AnyDesk Software GmbH " + "x" * 10_000,
        ProductName="AnyDesk",
        FileDescription="y" * 12_000,
    )
    info = read_version_info(exe)
    assert MAX_VALUE_CHARS <= 256
    assert all(len(v) <= MAX_VALUE_CHARS for v in info.values())
    assert info["CompanyName"].startswith("AnyDesk Software GmbH")
    verdict = identifier.identify_file(exe)
    assert verdict.tool is not None and verdict.tool.id == "anydesk"
    assert all(len(v) <= MAX_VALUE_CHARS for v in verdict.facts.values())
