"""macOS installer packages (.pkg): the identifiers and names they declare, read from the
file, so ``Zoom-Update.pkg`` whose package is ``com.teamviewer.teamviewer`` is TeamViewer.

A flat .pkg is a xar archive: a 28-byte big-endian header (magic ``xar!``, header size,
version, compressed and uncompressed length of the table of contents), the TOC (zlib-
compressed XML listing every file with its offset, length and encoding in the heap that
follows), then the heap. The small XML files that matter are ``Distribution`` (the product
package: ``<pkg-ref id=...>``, ``<title>``) and each component's ``PackageInfo``
(``<pkg-info identifier=...>``, ``<bundle id=... path="./TeamViewer.app">``). Identifiers are
matched against the tools' bundle ids, app names (``TeamViewer.app``) and titles as names,
and the TOC's file names (a component called ``AnyDesk.pkg``) as names.

Bounded: the TOC is at most ``MAX_TOC_BYTES`` compressed and decompressed (zlib's
``max_length``), at most ``MAX_INFO_FILES`` files of at most ``MAX_INFO_BYTES`` are read
from the heap, all XML goes through xmlsafe (no DOCTYPE, no entities), nothing is written
to disk, and a damaged or hostile package gives a one-line note, never an exception.
"""

from __future__ import annotations

import bz2
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from guard.errors import describe_os_error
from guard.identify.evidence import Evidence
from guard.identify.index import SignatureIndex
from guard.identify.members import Member, member_evidence, one_per_kind_and_tool, problem_note
from guard.identify.regular_file import open_regular
from guard.identify.xmlsafe import Element, UnsafeXml, find_elements

SUFFIXES = frozenset({".pkg", ".mpkg"})
XAR_MAGIC = b"xar!"
UNREADABLE_KIND = "pkg-unreadable"
MAX_TOC_BYTES = 4 * 1024 * 1024
MAX_INFO_FILES = 16
MAX_INFO_BYTES = 1024 * 1024
MAX_IDS = 64
INFO_NAMES = frozenset({"PackageInfo", "Distribution"})

_HEADER = struct.Struct(">4sHHQQL")


class _Bad(Exception):
    """One line for the person."""


@dataclass(frozen=True)
class PkgLook:
    """Identifiers (package and bundle ids), names (titles, app names) and the TOC's paths."""

    ids: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    problem: str = ""


@dataclass
class _Entry:
    path: str
    offset: int = -1
    length: int = -1
    size: int = -1
    encoding: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def read_pkg(path: str | Path) -> PkgLook:
    """What a flat installer package on disk declares; never raises."""
    try:
        fh, st = open_regular(path, buffering=64 * 1024)
    except OSError as exc:
        return PkgLook(problem=f"could not be opened ({describe_os_error(exc)})")
    with fh:
        try:
            return _read(fh, st.st_size)
        except _Bad as exc:
            return PkgLook(problem=str(exc))
        except (OSError, ValueError, struct.error, zlib.error, EOFError):
            return PkgLook(problem="is not a readable installer package")


def _read(fh: BinaryIO, size: int) -> PkgLook:
    raw = fh.read(_HEADER.size)
    if len(raw) != _HEADER.size or not raw.startswith(XAR_MAGIC):
        raise _Bad("is not a flat installer package")
    _magic, header_size, _version, packed, unpacked, _cksum = _HEADER.unpack(raw)
    if packed > MAX_TOC_BYTES or unpacked > MAX_TOC_BYTES:
        raise _Bad(f"has a table of contents over {MAX_TOC_BYTES:,} bytes")
    heap = header_size + packed
    if heap > size:
        raise _Bad("is a truncated installer package")
    fh.seek(header_size)
    toc = zlib.decompressobj().decompress(fh.read(packed), MAX_TOC_BYTES)
    try:
        elements = find_elements(toc, {"file", "name", "offset", "length", "size", "encoding"})
    except UnsafeXml as exc:
        raise _Bad(f"has a table of contents that {exc}") from None
    entries = _entries(elements)
    ids: list[str] = []
    names: list[str] = []
    read = 0
    for entry in entries:
        if PurePosixPath(entry.path).name not in INFO_NAMES or read >= MAX_INFO_FILES:
            continue
        read += 1
        data = _data(fh, size, heap, entry)
        if data is None:
            continue
        try:
            info = find_elements(data, {"pkg-info", "bundle", "pkg-ref", "title", "product"})
        except UnsafeXml:
            continue  # one bad file among several: the others still count
        _collect(info, ids, names)
    return PkgLook(
        tuple(dict.fromkeys(ids))[:MAX_IDS],
        tuple(dict.fromkeys(names))[:MAX_IDS],
        tuple(e.path for e in entries),
    )


def _entries(elements: list[Element]) -> list[_Entry]:
    """Files of the TOC with their full paths (``<file>`` elements nest for folders)."""
    entries: list[_Entry] = []
    open_files: list[_Entry] = []  # innermost last, matched to elements by depth
    depth_of: list[int] = []
    for el in elements:
        depth = el.parents.count("file")
        if el.name == "file":
            while depth_of and depth_of[-1] >= depth:
                depth_of.pop()
                open_files.pop()
            entry = _Entry("")
            entries.append(entry)
            open_files.append(entry)
            depth_of.append(depth)
            continue
        if not open_files or depth_of[-1] != depth - 1:
            continue
        entry = open_files[-1]
        if el.name == "name" and el.parents[-1:] == ("file",) and not entry.path:
            parent = open_files[-2].path + "/" if len(open_files) > 1 else ""
            entry.path = parent + el.text
        elif el.parents[-1:] == ("data",) and el.name in ("offset", "length", "size"):
            setattr(entry, el.name, int(el.text) if el.text.isdigit() else -1)
        elif el.name == "encoding" and el.parents[-1:] == ("data",):
            entry.encoding = el.attrs.get("style", "")
    return [e for e in entries if e.path]


def _data(fh: BinaryIO, size: int, heap: int, entry: _Entry) -> bytes | None:
    """One small file's bytes from the heap, decompressed into memory, or None."""
    if not 0 <= entry.length <= MAX_INFO_BYTES or entry.offset < 0:
        return None
    start = heap + entry.offset
    if start + entry.length > size:
        return None
    fh.seek(start)
    packed = fh.read(entry.length)
    if entry.encoding == "application/x-gzip":  # xar's name for zlib
        return zlib.decompressobj().decompress(packed, MAX_INFO_BYTES)
    if entry.encoding == "application/x-bzip2":
        try:
            return bz2.BZ2Decompressor().decompress(packed, max_length=MAX_INFO_BYTES)
        except OSError:
            return None
    if entry.encoding in ("", "application/octet-stream"):
        return packed
    return None


def _collect(info: list[Element], ids: list[str], names: list[str]) -> None:
    for el in info:
        if el.name == "pkg-info" and el.attrs.get("identifier"):
            ids.append(el.attrs["identifier"])
        elif el.name == "bundle":
            if el.attrs.get("id"):
                ids.append(el.attrs["id"])
            if el.attrs.get("path"):  # "./TeamViewer.app": the app's name, as for a bundle
                app = PurePosixPath(el.attrs["path"])
                names.append(app.stem if app.suffix.casefold() == ".app" else app.name)
        elif el.name in ("pkg-ref", "product") and el.attrs.get("id"):
            ids.append(el.attrs["id"])
        elif el.name == "title" and el.text:
            names.append(el.text)


def pkg_evidence(
    look: PkgLook, index: SignatureIndex, shown: str
) -> tuple[list[Evidence], dict[str, str]]:
    name = Path(shown).name
    if look.problem:
        return [problem_note(UNREADABLE_KIND, look.problem, shown)], {}
    found: list[Evidence] = []
    for ident in look.ids:
        found += [
            Evidence(
                ev.kind,
                f"{ident} (in {name})",
                f"{name} declares the identifier {ident!r}, which belongs to "
                f"{index.tools[ev.tool_id].name}",
                ev.tool_id,
            )
            for ev in index.lookup_exact("bundle-id", ident)
            if ev.tool_id is not None
        ]
    named = [Member(n) for n in look.names] + [Member(p) for p in look.files]
    found += member_evidence(named, index, shown)
    facts = {"Installer package ids": ", ".join(look.ids[:8])} if look.ids else {}
    return one_per_kind_and_tool(found), facts
