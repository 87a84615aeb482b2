"""The dispatch of installer and disk-image files to their readers (guard/identify/
contents.py): by their bytes first, then by their names; a FIFO under any of these names
never blocks, and identify_file never raises for any of them."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import pytest

from guard.identify import contents
from guard.identify.contents import Sniff, kind_of, look_at_contents
from tests.formats_db import demo_identifier

NAMES = ["x.msi", "x.iso", "x.img", "x.deb", "x.rpm", "x.pkg", "x.application", "x.msix"]


@pytest.mark.parametrize("name", NAMES)
def test_a_fifo_named_like_any_format_never_blocks(tmp_path: Path, name: str) -> None:
    fifo = tmp_path / name
    os.mkfifo(fifo)
    ident = demo_identifier(tmp_path)
    result: list[object] = []
    reader = threading.Thread(
        target=lambda: result.append(look_at_contents(fifo, ident.index, str(fifo))), daemon=True
    )
    reader.start()
    reader.join(timeout=10)
    try:
        assert result, f"looking into {name} blocked on a FIFO"
        for ev in result[0].evidence:  # type: ignore[attr-defined]
            assert ev.tool_id is None and "\n" not in ev.detail
    finally:
        with contextlib.suppress(OSError):  # a reader stuck on the FIFO gets a writer
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def test_kinds_come_from_bytes_before_names() -> None:
    assert kind_of("invoice.pdf", Sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")) == "msi"
    assert kind_of("invoice.pdf", Sniff(b"", b"CD001")) == "disk-image"
    assert kind_of("x.msi", Sniff(b"PK\x03\x04")) == "zip"  # a zip named .msi is a zip
    assert kind_of("x.msi", Sniff(b"garbage")) == "msi"  # ... and garbage gets msi's note
    assert kind_of("lib.a", Sniff(b"!<arch>\nfoo.o/          ")) is None
    assert kind_of("notes.txt", Sniff(b"hello")) is None
    assert kind_of("x.dmg", Sniff(b"")) is None  # not looked into (contents.py says why)


@pytest.mark.parametrize("name", [*NAMES, "x.zip", "x.appx"])
@pytest.mark.parametrize("size", [0, 1, 4096, 40_000])
def test_random_bytes_under_any_name_never_raise(tmp_path: Path, name: str, size: int) -> None:
    path = tmp_path / name
    path.write_bytes(os.urandom(size))
    verdict = demo_identifier(tmp_path).identify_file(path)
    assert verdict.tool is None
    assert all(e.tool_id is None and "\n" not in e.detail for e in verdict.evidence)


def test_a_reader_that_fails_unexpectedly_is_a_note_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_path: object) -> object:
        raise MemoryError("pretend")

    monkeypatch.setattr(contents.packages, "read_package", broken)
    path = tmp_path / "x.deb"
    path.write_bytes(b"!<arch>\n")
    [note] = demo_identifier(tmp_path).identify_file(path).evidence
    assert note.kind == "contents-unreadable" and "MemoryError" in note.detail
