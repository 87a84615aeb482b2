"""Disk images (.iso, .img) are looked into without mounting: ``invoice.iso`` holding
AnyDesk.exe (Windows opens an ISO with one double-click) is AnyDesk, by the program's name or
its version info. Images are written here with pycdlib, an independent ISO writer; the guard
reads them with its own bounded reader (guard/identify/disk_image.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pycdlib
import pytest

from guard.identify import archive, disk_image
from guard.identify.disk_image import FIRST_DESCRIPTOR, SECTOR, look_inside
from guard.identify.identifier import Identifier
from tests.formats_db import demo_identifier
from tests.pe_builder import build_pe

ANYDESK_PE = build_pe({"CompanyName": "AnyDesk Software GmbH", "ProductName": "AnyDesk"})


def make_iso(path: Path, files: dict[str, bytes], flavour: str = "joliet") -> Path:
    """An ISO with ``files`` ("Folder/Name.exe": bytes); ``flavour`` is joliet, rock-ridge
    or plain (ISO 9660 level 1: 8.3 upper-case names)."""
    iso = pycdlib.PyCdlib()
    iso.new(**{"joliet": {"joliet": 3}, "rock-ridge": {"rock_ridge": "1.09"}}.get(flavour, {}))
    made: set[str] = set()

    def plain(part: str) -> str:
        stem, _, ext = part.upper().replace(" ", "_").partition(".")
        return f"{stem[:8]}.{ext[:3]};1" if ext else stem[:8]

    def extra(parts: list[str]) -> dict[str, str]:
        if flavour == "joliet":
            return {"joliet_path": "/" + "/".join(parts)}
        if flavour == "rock-ridge":
            return {"rr_name": parts[-1]}
        return {}

    for name, data in files.items():
        parts = name.split("/")
        for depth in range(1, len(parts)):
            folder = "/" + "/".join(plain(p) for p in parts[:depth])
            if folder not in made:
                made.add(folder)
                iso.add_directory(folder, **extra(parts[:depth]))
        iso_path = "/" + "/".join(plain(p) for p in parts)
        iso.add_fp(io.BytesIO(data), len(data), iso_path, **extra(parts))
    iso.write(str(path))
    iso.close()
    return path


@pytest.mark.parametrize("flavour", ["joliet", "rock-ridge", "plain"])
def test_names_and_version_info_are_read_from_each_kind_of_image(
    tmp_path: Path, flavour: str
) -> None:
    path = make_iso(
        tmp_path / "x.iso",
        {"Tools/Viewer.exe": ANYDESK_PE, "readme.txt": b"Run Viewer", "A/B/C/deep.txt": b""},
        flavour,
    )
    look = look_inside(path)
    assert look.problem == "" and look.refused == ""
    by_name = {m.name.casefold(): m for m in look.members}
    assert set(by_name) == {"tools/viewer.exe", "readme.txt", "a/b/c/deep.txt"}
    assert by_name["tools/viewer.exe"].version_info["ProductName"] == "AnyDesk"


def test_invoice_iso_holding_anydesk_is_anydesk(identifier: Identifier, tmp_path: Path) -> None:
    path = make_iso(tmp_path / "invoice.iso", {"AnyDesk.exe": b"MZ not really", "a.txt": b""})
    verdict = identifier.identify_file(path)
    assert verdict.tool is not None and verdict.tool.id == "anydesk"
    [ev] = [e for e in verdict.evidence if e.tool_id]
    assert ev.kind == "name" and ev.detail.startswith("inside invoice.iso: ")
    # A renamed program inside is found by its version info.
    path = make_iso(tmp_path / "photos.iso", {"Photo Viewer.exe": ANYDESK_PE})
    verdict = identifier.identify_file(path)
    assert verdict.tool is not None and verdict.tool.id == "anydesk"
    assert [e.kind for e in verdict.evidence if e.tool_id] == ["pe-version"]


def test_a_renamed_image_is_read_by_its_bytes_and_img_too(tmp_path: Path) -> None:
    ident = demo_identifier(tmp_path)
    for name in ("statement.pdf", "disk.img"):
        path = make_iso(tmp_path / name, {"DemoDesk.exe": b"MZ"})
        verdict = ident.identify_file(path)
        assert verdict.tool is not None and verdict.tool.id == "demodesk", name


def test_an_ordinary_image_is_nothing(tmp_path: Path) -> None:
    ident = demo_identifier(tmp_path)
    path = make_iso(tmp_path / "holiday.iso", {"IMG_0001.JPG": b"\xff\xd8", "Setup.exe": b"MZ"})
    assert ident.identify_file(path).evidence == ()


def test_a_bridge_image_whose_udf_list_may_differ_says_so(tmp_path: Path) -> None:
    """Windows shows an image's UDF file list when it has one; the ISO/Joliet list read here
    can be a decoy ("readme.txt") beside AnyDesk.exe in the UDF list. Not read yet, so said."""
    iso = pycdlib.PyCdlib()
    iso.new(joliet=3, udf="2.60")
    iso.add_fp(
        io.BytesIO(ANYDESK_PE), len(ANYDESK_PE), "/README.TXT;1",
        joliet_path="/readme.txt", udf_path="/AnyDesk.exe",
    )  # fmt: skip
    path = tmp_path / "invoice.iso"
    iso.write(str(path))
    iso.close()
    look = look_inside(path)
    assert [m.name for m in look.members] == ["readme.txt"]
    assert "UDF file list" in look.refused
    notes = [e for e in demo_identifier(tmp_path).identify_file(path).evidence if not e.tool_id]
    assert any("UDF file list" in e.detail for e in notes)


def test_a_udf_only_image_gets_a_one_line_note(tmp_path: Path) -> None:
    path = make_iso(tmp_path / "u.iso", {"DemoDesk.exe": b"MZ"})
    data = bytearray(path.read_bytes())
    for n, marker in enumerate((b"BEA01", b"NSR02", b"TEA01")):  # no ISO 9660 descriptors
        at = FIRST_DESCRIPTOR + n * SECTOR
        data[at : at + SECTOR] = b"\0" + marker + b"\1" + b"\0" * (SECTOR - 7)
    path.write_bytes(bytes(data))
    ident = demo_identifier(tmp_path)
    verdict = ident.identify_file(path)
    assert verdict.tool is None
    [note] = verdict.evidence
    assert note.kind == disk_image.UNREADABLE_KIND and "UDF" in note.detail
    assert "\n" not in note.detail


@pytest.mark.parametrize("keep", [0, 100, FIRST_DESCRIPTOR + 10, FIRST_DESCRIPTOR + SECTOR * 2])
def test_a_truncated_iso_is_a_one_line_note(tmp_path: Path, keep: int) -> None:
    path = make_iso(tmp_path / "cut.iso", {"DemoDesk.exe": b"MZ" * 5000})
    path.write_bytes(path.read_bytes()[:keep])
    verdict = demo_identifier(tmp_path).identify_file(path)
    assert verdict.tool is None
    [note] = verdict.evidence
    assert note.kind == disk_image.UNREADABLE_KIND and "\n" not in note.detail


def test_a_directory_that_contains_itself_ends(tmp_path: Path) -> None:
    path = make_iso(tmp_path / "loop.iso", {"Sub/DemoDesk.exe": b"MZ"}, "plain")
    data = bytearray(path.read_bytes())
    root_extent = int.from_bytes(
        data[FIRST_DESCRIPTOR + 156 + 2 : FIRST_DESCRIPTOR + 156 + 6], "little"
    )
    # Point SUB's record at the root directory: root -> SUB -> root -> ...
    root = root_extent * SECTOR
    at = data.index(b"SUB", root, root + SECTOR) - 33
    data[at + 2 : at + 6] = root_extent.to_bytes(4, "little")
    data[at + 6 : at + 10] = root_extent.to_bytes(4, "big")
    path.write_bytes(bytes(data))
    look = look_inside(path)
    assert look.problem == "" and [m.name for m in look.members] == []


def test_limits_stop_the_listing_in_one_line_and_keep_what_was_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {f"f{n:03}.txt": b"" for n in range(30)} | {"DemoDesk.exe": b"MZ"}
    path = make_iso(tmp_path / "many.iso", files)
    monkeypatch.setattr(archive, "MAX_MEMBERS", 10)
    look = look_inside(path)
    assert "more than 10 files" in look.refused and len(look.members) == 10
    monkeypatch.setattr(archive, "MAX_MEMBERS", 10_000)
    monkeypatch.setattr(archive, "MAX_DIRECTORY_BYTES", 100)
    assert "folders take more than 100 bytes" in look_inside(path).refused


def test_deep_folders_are_listed_only_to_the_depth_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_iso(tmp_path / "deep.iso", {"A/B/C/D/DemoDesk.exe": b"MZ", "top.txt": b""})
    monkeypatch.setattr(disk_image, "MAX_DEPTH", 3)
    assert [m.name for m in look_inside(path).members] == ["top.txt"]


def test_programs_are_read_smallest_first_within_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = ANYDESK_PE + b"\0" * 50_000
    path = make_iso(tmp_path / "b.iso", {"big.exe": big, "small.exe": ANYDESK_PE})
    monkeypatch.setattr(archive, "MAX_READ_BYTES", len(ANYDESK_PE) + 10)
    info = {m.name: m.version_info for m in look_inside(path).members}
    assert info["small.exe"] and info["big.exe"] == {}
    monkeypatch.setattr(archive, "MAX_MEMBER_BYTES", len(ANYDESK_PE) - 1)
    monkeypatch.setattr(archive, "MAX_READ_BYTES", 10**9)
    assert all(not m.version_info for m in look_inside(path).members)


def test_a_record_pointing_past_the_end_keeps_its_name(tmp_path: Path) -> None:
    path = make_iso(tmp_path / "p.iso", {"DemoDesk.exe": ANYDESK_PE}, "plain")
    data = bytearray(path.read_bytes())
    at = data.index(b"DEMODESK.EXE;1") - 33
    data[at + 2 : at + 6] = (10**6).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    verdict = demo_identifier(tmp_path).identify_file(path)
    assert verdict.tool is not None and verdict.tool.id == "demodesk"
