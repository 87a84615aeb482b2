"""macOS installer packages (.pkg, xar archives) are known by the identifiers they declare:
``Zoom-Update.pkg`` whose PackageInfo says ``com.demo.desk`` is DemoDesk. The packages are
written here as the xar format defines them (header, zlib TOC, heap)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from guard.identify import macpkg
from guard.identify.macpkg import read_pkg
from tests.formats_db import demo_identifier

PACKAGE_INFO = b"""<?xml version="1.0" encoding="utf-8"?>
<pkg-info format-version="2" identifier="com.demo.desk.pkg" version="1.0" auth="root">
  <bundle id="com.demo.desk" path="./DemoDesk.app" CFBundleVersion="1"/>
</pkg-info>"""
DISTRIBUTION = b"""<?xml version="1.0" encoding="utf-8"?>
<installer-gui-script minSpecVersion="1"><title>Demo Helper</title>
<pkg-ref id="com.example.helper"/></installer-gui-script>"""


def make_xar(files: dict[str, bytes], toc_extra: bytes = b"", compress: bool = True) -> bytes:
    """Files as "folder/name": bytes; folders become nested <file> entries."""
    heap = b""
    entries: dict[str, list[bytes]] = {}
    for path, data in files.items():
        folder, _, name = path.rpartition("/")
        stored = zlib.compress(data) if compress else data
        encoding = "application/x-gzip" if compress else "application/octet-stream"
        entries.setdefault(folder, []).append(
            b'<file><data><length>%d</length><encoding style="%s"/><offset>%d</offset>'
            b"<size>%d</size></data><name>%s</name><type>file</type></file>"
            % (len(stored), encoding.encode(), len(heap), len(data), name.encode())
        )
        heap += stored
    body = b"".join(entries.pop("", []))
    for folder, kids in entries.items():
        body += b"<file><name>%s</name><type>directory</type>%s</file>" % (
            folder.encode(),
            b"".join(kids),
        )
    toc = b'<?xml version="1.0"?>' + toc_extra + b"<xar><toc>" + body + b"</toc></xar>"
    packed = zlib.compress(toc)
    header = struct.pack(">4sHHQQL", b"xar!", 28, 1, len(packed), len(toc), 1)
    return header + packed + heap


def test_package_info_and_distribution_are_read() -> None:
    data = make_xar(
        {
            "Distribution": DISTRIBUTION,
            "demo.pkg/PackageInfo": PACKAGE_INFO,
            "demo.pkg/Payload": b"cpio",
        }
    )
    look = macpkg._read(_Reader(data), len(data))
    assert look.ids == ("com.example.helper", "com.demo.desk.pkg", "com.demo.desk")
    assert look.names == ("Demo Helper", "DemoDesk")
    assert "demo.pkg/PackageInfo" in look.files


class _Reader:
    """A seekable reader over bytes, as open_regular would hand one over."""

    def __init__(self, data: bytes) -> None:
        import io

        self._io = io.BytesIO(data)
        self.read, self.seek = self._io.read, self._io.seek


@pytest.mark.parametrize("compress", [True, False])
def test_a_pkg_declaring_a_tools_bundle_id_is_that_tool(tmp_path: Path, compress: bool) -> None:
    path = tmp_path / "Zoom-Update.pkg"
    path.write_bytes(make_xar({"x.pkg/PackageInfo": PACKAGE_INFO}, compress=compress))
    verdict = demo_identifier(tmp_path).identify_file(path)
    assert verdict.tool is not None and verdict.tool.id == "demodesk"
    kinds = {e.kind for e in verdict.evidence}
    assert "bundle-id" in kinds and "name" in kinds  # com.demo.desk and DemoDesk.app
    renamed = tmp_path / "invoice.pdf"
    renamed.write_bytes(path.read_bytes())
    assert demo_identifier(tmp_path).identify_file(renamed).tool is not None


def test_an_ordinary_pkg_is_nothing(tmp_path: Path) -> None:
    path = tmp_path / "printer-driver.pkg"
    path.write_bytes(make_xar({"Distribution": DISTRIBUTION}))
    assert demo_identifier(tmp_path).identify_file(path).evidence == ()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"xar!",
        make_xar({"Distribution": DISTRIBUTION})[:40],
        b"xar!" + struct.pack(">HHQQL", 28, 1, 10**12, 10**12, 1),  # a TOC of a terabyte
        make_xar({}, toc_extra=b'<!DOCTYPE x [<!ENTITY a "aaaa">]>'),
    ],
    ids=["empty", "magic-only", "truncated", "huge-toc", "doctype"],
)
def test_damaged_or_hostile_pkgs_are_one_line_notes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "x.pkg"
    path.write_bytes(data)
    verdict = demo_identifier(tmp_path).identify_file(path)
    [note] = verdict.evidence
    assert note.kind == macpkg.UNREADABLE_KIND and "\n" not in note.detail


def test_a_hostile_package_info_is_skipped_and_the_rest_still_counts(tmp_path: Path) -> None:
    bomb = b'<!DOCTYPE p [<!ENTITY a "' + b"a" * 100 + b'">]><pkg-info identifier="&a;"/>'
    path = tmp_path / "x.pkg"
    path.write_bytes(make_xar({"a.pkg/PackageInfo": bomb, "b.pkg/PackageInfo": PACKAGE_INFO}))
    assert read_pkg(path).ids == ("com.demo.desk.pkg", "com.demo.desk")


def test_only_a_few_small_info_files_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {f"p{n}.pkg/PackageInfo": PACKAGE_INFO.replace(b'pkg"', b'p%d"' % n) for n in range(5)}
    path = tmp_path / "many.pkg"
    path.write_bytes(make_xar(files))
    monkeypatch.setattr(macpkg, "MAX_INFO_FILES", 2)
    assert read_pkg(path).ids == ("com.demo.desk.p0", "com.demo.desk", "com.demo.desk.p1")
    monkeypatch.setattr(macpkg, "MAX_INFO_BYTES", 10)
    assert read_pkg(path).ids == ()
