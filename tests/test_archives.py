"""Zips in watched folders: a tool inside is found by name or version info, and a hostile zip
(a bomb, a huge directory, a FIFO under a .zip name) is refused in one line, never unpacked."""

from __future__ import annotations

import contextlib
import io
import os
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from guard.identify import archive
from guard.identify.archive import REFUSED_KIND, look_inside
from guard.identify.identifier import Identifier
from tests.conftest import Spawner
from tests.guard_rig import Rig
from tests.pe_builder import build_pe

ANYDESK_PE = build_pe({"CompanyName": "AnyDesk Software GmbH", "ProductName": "AnyDesk"})


@pytest.fixture
def rig(identifier: Identifier, spawn: Spawner, downloads: Path) -> Iterator[Rig]:
    r = Rig(identifier, spawn.root, folders=[downloads]).start()
    yield r
    r.stop()


def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _download_zip(folder: Path, name: str, members: dict[str, bytes]) -> Path:
    """As a browser does it: the .crdownload, then the rename."""
    part = _zip(folder / f"{name}.crdownload", members)
    final = folder / name
    os.rename(part, final)
    return final


def test_a_zip_in_downloads_holding_anydesk_is_an_anydesk_installer(
    rig: Rig, downloads: Path
) -> None:
    path = _download_zip(
        downloads,
        "support-tools.zip",
        {"AnyDesk/AnyDesk.exe": ANYDESK_PE, "AnyDesk/readme.txt": b"Run me"},
    )
    event = rig.wait_event("installer", timeout=10)
    assert event.path == str(path) and event.tool == "anydesk"
    kinds = {e["kind"] for e in event.data["evidence"]}
    assert {"name", "pe-version"} <= kinds
    assert any("inside support-tools.zip" in e["detail"] for e in event.data["evidence"])
    assert rig.engine.incident(event.incident).files[0]["path"] == str(path)


def test_a_renamed_program_inside_a_zip_is_found_by_its_version_info(
    identifier: Identifier, tmp_path: Path
) -> None:
    path = _zip(tmp_path / "invoice.zip", {"Invoice Viewer.exe": ANYDESK_PE})
    verdict = identifier.identify_file(path)
    assert verdict.tool is not None and verdict.tool.id == "anydesk"
    assert [e.kind for e in verdict.evidence if e.tool_id] == ["pe-version"]


def test_an_ordinary_zip_is_nothing(identifier: Identifier, tmp_path: Path) -> None:
    path = _zip(tmp_path / "photos.zip", {"a.jpg": b"\xff\xd8" * 100, "Setup.exe": b"MZ"})
    assert identifier.identify_file(path).tool is None
    junk = tmp_path / "notes.zip"
    junk.write_text("not a zip at all")
    verdict = identifier.identify_file(junk)
    assert verdict.tool is None
    assert [e.kind for e in verdict.evidence] == ["archive-unreadable"]


def test_a_zip_bomb_is_refused_in_one_line_and_the_names_still_count(
    identifier: Identifier, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 8 MiB of zeros squeezed 1000:1, next to the tool: refusing the whole zip would let the
    # bomb hide the tool, so the names are still checked; nothing is decompressed.
    path = _zip(tmp_path / "AnyDesk.zip", {"pad.bin": b"\0" * (8 << 20), "AnyDesk.exe": b"MZ"})
    opened: list[str] = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(
        zipfile.ZipFile,
        "open",
        lambda self, m, *a, **k: (opened.append(str(m)), real_open(self, m, *a, **k))[1],
    )
    before = sorted(os.listdir(tmp_path))
    verdict = identifier.identify_file(path)
    assert verdict.tool is not None and verdict.tool.id == "anydesk"
    [note] = [e for e in verdict.evidence if e.kind == REFUSED_KIND]
    assert "zip bomb" in note.detail and "\n" not in note.detail
    assert opened == []
    assert sorted(os.listdir(tmp_path)) == before  # nothing unpacked to disk


def test_declared_sizes_beyond_the_total_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive, "MAX_TOTAL_UNCOMPRESSED", 1 << 20)
    path = _zip(
        tmp_path / "big.zip",
        {"a.exe": os.urandom(700_000), "b.exe": os.urandom(700_000)},
        zipfile.ZIP_STORED,
    )
    look = look_inside(path)
    assert "zip bomb" in look.refused and [m.name for m in look.members] == ["a.exe", "b.exe"]
    assert all(not m.version_info for m in look.members)


def test_too_many_members_are_refused_before_zipfile_parses_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _zip(tmp_path / "many.zip", {f"f{i}.txt": b"" for i in range(archive.MAX_MEMBERS + 1)})

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("zipfile parsed a directory over the limit")

    monkeypatch.setattr(zipfile, "ZipFile", refuse)
    look = look_inside(path)
    assert look.refused == "it holds 10,001 files (more than 10,000)" and not look.members


def test_a_huge_directory_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_DIRECTORY_BYTES", 1000)
    path = _zip(tmp_path / "long-names.zip", {"x" * 200 + f"{i}.txt": b"" for i in range(10)})
    assert "list of contents" in look_inside(path).refused


def test_a_zip64_directory_is_counted_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_MEMBERS", 5)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", allowZip64=True) as zf:
        for i in range(6):
            with zf.open(f"f{i}.exe", "w", force_zip64=True) as member:
                member.write(b"MZ")
    path = tmp_path / "z64.zip"
    path.write_bytes(buffer.getvalue())
    assert "6 files" in look_inside(path).refused


def test_a_member_is_read_only_up_to_its_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive, "MAX_MEMBER_BYTES", len(ANYDESK_PE) - 1)
    path = _zip(tmp_path / "t.zip", {"Tool.exe": ANYDESK_PE})
    [member] = look_inside(path).members
    assert member.name == "Tool.exe" and member.version_info == {}


def test_a_fifo_named_zip_never_blocks(tmp_path: Path) -> None:
    fifo = tmp_path / "AnyDesk.zip"
    os.mkfifo(fifo)
    result: list[object] = []
    reader = threading.Thread(target=lambda: result.append(look_inside(fifo)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    try:
        assert result, "look_inside blocked on a FIFO"
        assert "not a regular file" in result[0].problem  # type: ignore[attr-defined]
    finally:
        with contextlib.suppress(OSError):  # a reader stuck on the FIFO gets a writer
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def test_the_watcher_reports_a_refused_zip_in_one_line(rig: Rig, downloads: Path) -> None:
    path = _download_zip(downloads, "backup.zip", {"pad.bin": b"\0" * (8 << 20)})
    event = rig.wait_event("error", where=lambda e: str(path) in e.message, timeout=10)
    assert "zip bomb" in event.message and "\n" not in event.message
    assert not rig.matching("installer")
