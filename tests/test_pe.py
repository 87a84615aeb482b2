"""PE version info: read from real PE files built by tests/pe_builder.py; junk yields nothing."""

from pathlib import Path

from guard.identify.pe import read_version_info
from tests.pe_builder import build_pe, write_pe


def test_reads_version_strings(tmp_path: Path) -> None:
    exe = write_pe(
        tmp_path / "x.exe",
        CompanyName="AnyDesk Software GmbH",
        ProductName="AnyDesk",
        OriginalFilename="AnyDesk.exe",
        FileDescription="AnyDesk",
        InternalName="AnyDesk",
        LegalCopyright="(C) someone",
    )
    info = read_version_info(exe)
    assert info == {
        "CompanyName": "AnyDesk Software GmbH",
        "ProductName": "AnyDesk",
        "OriginalFilename": "AnyDesk.exe",
        "FileDescription": "AnyDesk",
        "InternalName": "AnyDesk",
    }


def test_pe_without_resources(tmp_path: Path) -> None:
    exe = tmp_path / "plain.exe"
    exe.write_bytes(build_pe(None))
    assert read_version_info(exe) == {}


def test_truncated_pe_is_simply_no_evidence(tmp_path: Path) -> None:
    full = build_pe({"ProductName": "AnyDesk"})
    # Cut in the DOS header, the PE headers, the resource directory and the version strings.
    for cut in (2, 64, 300, 0x200 + 40, 0x200 + 120, 0x200 + 200):
        exe = tmp_path / f"cut{cut}.exe"
        exe.write_bytes(full[:cut])
        assert read_version_info(exe) == {}, cut


def test_non_pe_and_odd_files(tmp_path: Path) -> None:
    text = tmp_path / "readme.exe"
    text.write_text("not a program")
    mz_junk = tmp_path / "junk.exe"
    mz_junk.write_bytes(b"MZ" + b"\xff" * 4000)
    empty = tmp_path / "empty.exe"
    empty.write_bytes(b"")
    for path in (text, mz_junk, empty, tmp_path / "missing.exe", tmp_path):
        assert read_version_info(path) == {}


def test_non_ascii_values(tmp_path: Path) -> None:
    exe = write_pe(tmp_path / "x.exe", ProductName="向日葵远程控制", CompanyName="Oray")
    assert read_version_info(exe)["ProductName"] == "向日葵远程控制"


def test_the_file_is_never_memory_mapped(tmp_path: Path, monkeypatch) -> None:
    # A mapped file that shrinks kills the process with SIGBUS (seen with a file rewritten
    # while it was checked), so the reader must not map at all.
    import mmap

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("read_version_info memory-mapped the file")

    monkeypatch.setattr(mmap, "mmap", refuse)
    exe = write_pe(tmp_path / "x.exe", ProductName="AnyDesk")
    assert read_version_info(exe) == {"ProductName": "AnyDesk"}


def test_a_file_truncated_while_it_is_read_gives_no_evidence(tmp_path: Path, monkeypatch) -> None:
    import pefile

    exe = write_pe(tmp_path / "x.exe", ProductName="AnyDesk")
    real = pefile.PE.parse_data_directories

    def truncate_first(self: pefile.PE, *args: object, **kwargs: object) -> None:
        with open(exe, "r+b") as fh:  # a download being rewritten under us
            fh.truncate(0x200)
        real(self, *args, **kwargs)

    monkeypatch.setattr(pefile.PE, "parse_data_directories", truncate_first)
    assert read_version_info(exe) == {}
