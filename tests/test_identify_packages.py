"""Linux packages are known by the package they install: ``random-name.deb`` whose control
file says ``Package: anydesk`` is AnyDesk, and so is an .rpm whose header's NAME is anydesk.
Packages are built here byte by byte as the formats define them (ar + tar, rpm lead +
headers) and, where Debian's dpkg-deb is installed, by dpkg-deb itself."""

from __future__ import annotations

import io
import lzma
import shutil
import struct
import subprocess
import tarfile
from pathlib import Path

import pytest

from guard.identify import packages
from guard.identify.identifier import Identifier
from guard.identify.packages import read_package
from tests.formats_db import demo_identifier


def _tar(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _ar(members: list[tuple[str, bytes]]) -> bytes:
    out = bytearray(b"!<arch>\n")
    for name, data in members:
        out += f"{name:<16}{0:<12}{0:<6}{0:<6}{'100644':<8}{len(data):<10}`\n".encode()
        out += data + (b"\n" if len(data) % 2 else b"")
    return bytes(out)


def make_deb(
    package: str = "demodesk", compression: str = "gz", control: bytes | None = None
) -> bytes:
    text = control or f"Package: {package}\nVersion: 6.3.0\nArchitecture: amd64\n".encode()
    raw = _tar({"./control": text, "./md5sums": b""})
    if compression == "gz":
        import gzip

        packed, name = gzip.compress(raw), "control.tar.gz"
    elif compression == "xz":
        packed, name = lzma.compress(raw), "control.tar.xz"
    elif compression == "zst":
        packed, name = b"\x28\xb5\x2f\xfd" + raw[:100], "control.tar.zst"
    else:
        packed, name = raw, "control.tar"
    return _ar([("debian-binary", b"2.0\n"), (name, packed), ("data.tar.xz", lzma.compress(b""))])


def _header(entries: list[tuple[int, int, bytes]]) -> bytes:
    """An rpm header: magic, index entries (tag, type, offset, count), then the store."""
    index, store = b"", b""
    for tag, kind, value in entries:
        index += struct.pack(">4L", tag, kind, len(store), 1)
        store += value
    return (
        b"\x8e\xad\xe8\x01\0\0\0\0" + struct.pack(">LL", len(entries), len(store)) + index + store
    )


def make_rpm(name: bytes = b"demodesk", signature_store: int = 5) -> bytes:
    lead = b"\xed\xab\xee\xdb\3\0\0\0\0\1" + b"demodesk-6.3.0".ljust(66, b"\0") + b"\0" * 20
    signature = _header([(1000, 4, b"\0" * signature_store)])  # sizes: padded to 8 after
    signature += b"\0" * (-len(signature) % 8)
    main = _header([(1004, 6, b"Remote desktop\0"), (1000, 6, name + b"\0"), (1001, 6, b"6.3.0\0")])
    return lead + signature + main + b"cpio payload"


@pytest.mark.parametrize("compression", ["gz", "xz", "none"])
def test_a_deb_is_known_by_its_package_name(tmp_path: Path, compression: str) -> None:
    path = tmp_path / "random-name.deb"
    path.write_bytes(make_deb(compression=compression))
    assert read_package(path).fields == (("Package", "demodesk"), ("Version", "6.3.0"))
    verdict = demo_identifier(tmp_path).identify_file(path)
    assert verdict.tool is not None and verdict.tool.id == "demodesk"
    [ev] = verdict.evidence
    assert ev.kind == "package" and "installs the package 'demodesk'" in ev.detail
    assert verdict.facts["deb Version"] == "6.3.0"


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb not installed")
def test_a_deb_built_by_dpkg_deb_is_anydesk(identifier: Identifier, tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    (root / "DEBIAN").mkdir(parents=True)
    (root / "DEBIAN" / "control").write_text(
        "Package: anydesk\nVersion: 6.3.0\nArchitecture: all\nMaintainer: x <x@example.org>\n"
        "Description: test\n"
    )
    (root / "opt").mkdir()
    (root / "opt" / "readme").write_text("hi")
    out = tmp_path / "update-helper.deb"
    subprocess.run(
        ["dpkg-deb", "-Zxz", "--root-owner-group", "--build", str(root), str(out)],
        check=True,
        capture_output=True,
    )
    verdict = identifier.identify_file(out)
    assert verdict.tool is not None and verdict.tool.id == "anydesk"


def test_an_rpm_is_known_by_its_header_name(tmp_path: Path) -> None:
    for store in (5, 8, 13):  # the signature header's padding to 8 bytes must be honoured
        path = tmp_path / f"x{store}.rpm"
        path.write_bytes(make_rpm(signature_store=store))
        assert read_package(path).fields == (("Package", "demodesk"), ("Version", "6.3.0"))
    renamed = tmp_path / "invoice.pdf"
    renamed.write_bytes(make_rpm())
    verdict = demo_identifier(tmp_path).identify_file(renamed)
    assert verdict.tool is not None and verdict.tool.id == "demodesk"


def test_a_zstd_control_archive_is_a_note(tmp_path: Path) -> None:
    path = tmp_path / "x.deb"
    path.write_bytes(make_deb(compression="zst"))
    [note] = demo_identifier(tmp_path).identify_file(path).evidence
    assert note.kind == packages.UNREADABLE_KIND and "zstd" in note.detail


def test_ordinary_packages_and_static_libraries_are_nothing(tmp_path: Path) -> None:
    ident = demo_identifier(tmp_path)
    deb = tmp_path / "demodesk-viewer.deb"  # the name alone says nothing here
    deb.write_bytes(make_deb("htop"))
    assert ident.identify_file(deb).evidence == ()
    lib = tmp_path / "libdemo.a"  # an ar archive that is no package
    lib.write_bytes(_ar([("demo.o", b"\x7fELF")]))
    assert ident.identify_file(lib).evidence == ()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"!<arch>\n",
        make_deb()[:40],
        make_deb()[:200],
        make_deb(control=b"Version: 1\n"),
        _ar([("debian-binary", b"2.0\n"), ("control.tar.gz", b"\x1f\x8b garbage")]),
        make_rpm()[:90],
        make_rpm()[:150],
        make_rpm(name=b""),
        b"\xed\xab\xee\xdb" + b"\0" * 92 + b"\x8e\xad\xe8\x01\0\0\0\0" + b"\xff" * 8,
    ],
    ids=range(10),
)
def test_damaged_packages_are_one_line_notes(tmp_path: Path, data: bytes) -> None:
    suffix = ".rpm" if data.startswith(b"\xed") else ".deb"
    path = tmp_path / f"p{suffix}"
    path.write_bytes(data)
    verdict = demo_identifier(tmp_path).identify_file(path)
    assert verdict.tool is None
    [note] = verdict.evidence
    assert note.kind == packages.UNREADABLE_KIND and "\n" not in note.detail


def test_a_negative_member_size_is_damage_not_a_read_of_everything(tmp_path: Path) -> None:
    """``int(b"-1")`` would make the member "the rest of the file": a 100 MB file (sparse)
    must not be read into memory."""
    header = f"{'control.tar.gz':<16}{0:<12}{0:<6}{0:<6}{'100644':<8}{'-1':<10}`\n".encode()
    path = tmp_path / "support.deb"
    with open(path, "wb") as fh:
        fh.write(b"!<arch>\n" + header)
        fh.truncate(100_000_000)
    verdict = demo_identifier(tmp_path).identify_file(path)
    [note] = verdict.evidence
    assert note.kind == packages.UNREADABLE_KIND and "damaged" in note.detail


def test_a_control_archive_bomb_is_cut_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 64 MiB of zeros before the control file, squeezed to ~64 KiB: only MAX_CONTROL_BYTES
    # are ever decompressed, so the control file past them is not reached.
    import gzip

    raw = _tar({"./pad": b"\0" * (64 << 20), "./control": b"Package: demodesk\n"})
    deb = _ar([("debian-binary", b"2.0\n"), ("control.tar.gz", gzip.compress(raw, 1))])
    path = tmp_path / "bomb.deb"
    path.write_bytes(deb)
    monkeypatch.setattr(packages, "MAX_CONTROL_BYTES", 1 << 20)
    look = read_package(path)
    assert look.fields == () and "no control file" in look.problem
