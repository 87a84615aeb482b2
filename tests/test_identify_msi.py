"""Windows Installer files are known by what they say about themselves: ``support.msi`` (or a
renamed ``invoice.pdf``) whose Property table says ProductName AnyDesk is AnyDesk. A damaged,
truncated or hostile MSI gives a one-line note, never an exception.

The MSI is tests/fixtures/support-anydesk.msi, built with Debian's wixl and msibuild by
tests/fixtures/make_msi_fixture.py (olefile cannot write MSI files)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from guard.identify import msi
from guard.identify.identifier import Identifier
from guard.identify.msi import read_msi, stream_name
from tests.formats_db import demo_identifier

FIXTURE = Path(__file__).parent / "fixtures" / "support-anydesk.msi"


def _copy(tmp_path: Path, name: str, data: bytes | None = None) -> Path:
    path = tmp_path / name
    path.write_bytes(FIXTURE.read_bytes() if data is None else data)
    return path


def test_stream_names_are_mangled_as_msi_tables_are() -> None:
    ole = msi.olefile.OleFileIO(str(FIXTURE))
    try:
        for table in ("Property", "_StringPool", "_StringData", "_Tables"):
            assert ole.exists(stream_name(table)), table
        assert not ole.exists("Property")
    finally:
        ole.close()


def test_the_property_table_and_summary_are_read(tmp_path: Path) -> None:
    look = read_msi(_copy(tmp_path, "support.msi"))
    assert look.problem == ""
    assert look.properties == {
        "ProductName": "AnyDesk",
        "Manufacturer": "AnyDesk Software GmbH",
        "ProductVersion": "9.0.1",
        "ProductCode": "{8F7E9B7A-1111-4222-8333-944455566677}",
        "UpgradeCode": "{6336801E-0000-4715-B108-64B39BE21A33}",
    }
    assert look.summary["Subject"] == "AnyDesk remote desktop"
    assert look.summary["Author"] == "AnyDesk Software GmbH"
    assert look.signature is not None and look.signature.startswith(b"0\x82\x00\x10stand-in")


def test_support_msi_is_anydesk_through_the_shipped_database(
    identifier: Identifier, tmp_path: Path
) -> None:
    verdict = identifier.identify_file(_copy(tmp_path, "support.msi"))
    assert verdict.tool is not None and verdict.tool.id == "anydesk"
    [ev] = [e for e in verdict.evidence if e.tool_id]
    assert ev.kind == "pe-version" and "installer's properties" in ev.detail
    assert verdict.facts["Manufacturer"] == "AnyDesk Software GmbH"
    assert verdict.facts["UpgradeCode"] == "{6336801E-0000-4715-B108-64B39BE21A33}"


def test_a_renamed_msi_is_still_read_by_its_bytes(identifier: Identifier, tmp_path: Path) -> None:
    verdict = identifier.identify_file(_copy(tmp_path, "invoice.pdf"))
    assert verdict.tool is not None and verdict.tool.id == "anydesk"


def test_manufacturer_and_product_match_a_company_identity(tmp_path: Path) -> None:
    # Strings of the same lengths, so the string pool's lengths still hold.
    data = FIXTURE.read_bytes().replace(b"AnyDesk Software GmbH", b"Demo Remote Desk GmbH")
    data = data.replace(b"AnyDesk", b"HelperX")
    ident = demo_identifier(tmp_path)
    verdict = ident.identify_file(_copy(tmp_path, "setup.msi", data))
    assert verdict.tool is not None and verdict.tool.id == "demodesk"
    [ev] = [e for e in verdict.evidence if e.tool_id]
    assert "Manufacturer 'Demo Remote Desk GmbH'" in ev.detail
    assert "ProductName 'HelperX'" in ev.detail
    assert verdict.facts["company"] == "Demo Remote Desk GmbH"
    # The unchanged fixture (AnyDesk) is nothing to this one-tool database.
    assert ident.identify_file(_copy(tmp_path, "other.msi")).tool is None


@pytest.mark.parametrize("keep", [0, 7, 511, 513, 4096, 8000])
def test_a_truncated_msi_is_a_one_line_note(tmp_path: Path, keep: int) -> None:
    ident = demo_identifier(tmp_path)
    path = _copy(tmp_path, "support.msi", FIXTURE.read_bytes()[:keep])
    verdict = ident.identify_file(path)
    assert verdict.tool is None
    notes = [e for e in verdict.evidence if e.kind == msi.UNREADABLE_KIND]
    assert len(notes) == 1 and "\n" not in notes[0].detail
    assert notes[0].detail.startswith("support.msi ")


def test_an_ole_file_that_is_no_installer_is_nothing(tmp_path: Path) -> None:
    # A Word .doc is an OLE file too: without the string pool it is silently not an MSI.
    pool = stream_name("_StringPool").encode("utf-16-le")
    data = FIXTURE.read_bytes().replace(pool, "\u4840XXXXXX".encode("utf-16-le"))
    ident = demo_identifier(tmp_path)
    assert ident.identify_file(_copy(tmp_path, "letter.doc", data)).evidence == ()
    assert read_msi(_copy(tmp_path, "letter2.doc", data)).is_msi is False


def test_a_directory_longer_than_the_limit_is_refused_before_olefile_loads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(msi, "MAX_DIRECTORY_ENTRIES", 4)
    loaded: list[object] = []
    monkeypatch.setattr(msi.olefile, "OleFileIO", lambda *a, **k: loaded.append(a))
    look = read_msi(_copy(tmp_path, "support.msi"))
    assert "more than 4 streams" in look.problem and loaded == []


def test_a_directory_chain_that_loops_is_refused(tmp_path: Path) -> None:
    data = bytearray(FIXTURE.read_bytes())
    first_dir = struct.unpack_from("<L", data, 0x30)[0]
    first_fat = struct.unpack_from("<L", data, 0x4C)[0]
    # The directory's FAT entry points back at itself: an endless chain.
    struct.pack_into("<L", data, (first_fat + 1) * 512 + first_dir * 4, first_dir)
    look = read_msi(_copy(tmp_path, "loop.msi", bytes(data)))
    assert "streams" in look.problem


def test_oversized_streams_are_refused_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(msi, "MAX_STRING_DATA_BYTES", 16)
    look = read_msi(_copy(tmp_path, "support.msi"))
    assert look.properties == {} and "more than 16" in look.problem
    monkeypatch.undo()
    monkeypatch.setattr(msi, "MAX_SIGNATURE_BYTES", 8)
    assert "more than 8" in read_msi(_copy(tmp_path, "signed.msi")).problem


def test_a_string_pool_claiming_huge_strings_reads_nothing_past_the_data(tmp_path: Path) -> None:
    # Every string claims 4 GiB (a 32-bit length after a 0 entry): the values are cut at
    # the end of _StringData and at MAX_VALUE_CHARS, never read beyond.
    pool = msi._properties(
        struct.pack("<L", 1252) + struct.pack("<HHL", 0, 1, 0xFFFFFFFF) * 3,
        b"ProductName" + b"x" * 5000,
        struct.pack("<HH", 1, 2),
    )
    assert len(pool.get("ProductName", "")) <= 200
