"""Look inside an ISO 9660 disk image (.iso, often .img) without mounting it: the names of the
files it holds and, for small programs, their Windows version info. Windows opens an ISO with
one double-click, so ``invoice.iso`` holding ``AnyDesk.exe`` is a one-click AnyDesk.

A small reader of our own rather than pycdlib: pycdlib parses every directory of every
format in the image when it opens one, with no limit we could set, and we need only names.
The format is simple: 2048-byte sectors; from sector 16, volume descriptors (the primary
one, and a Joliet supplementary one with full Unicode names, preferred when present); each
holds the root directory's record, and a directory is a run of records (length, extent,
size, flags, name), never crossing a sector. Rock Ridge long names (``NM``) are used when
there is no Joliet tree.

Bounded like archive.py, whose limits it shares: at most ``MAX_MEMBERS`` entries,
``MAX_DEPTH`` levels, ``MAX_DIRECTORY_BYTES`` of directories read in all, every directory
read once (a loop of directories ends), and programs read into memory only if no larger
than ``MAX_MEMBER_BYTES``, smallest first, ``MAX_READ_BYTES`` in all. A UDF-only image (no
ISO 9660 tree) or a damaged one gives a one-line note; nothing is written to disk.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from guard.errors import describe_os_error
from guard.identify import archive
from guard.identify.evidence import Evidence
from guard.identify.index import SignatureIndex
from guard.identify.members import Member, member_evidence, problem_note
from guard.identify.pe import version_info_from_bytes
from guard.identify.regular_file import open_regular

SUFFIXES = frozenset({".iso", ".img"})
SECTOR = 2048
FIRST_DESCRIPTOR = 16 * SECTOR
MAX_DESCRIPTORS = 32
MAX_DEPTH = 8
ISO_MARKER = b"CD001"
UDF_MARKERS = frozenset({b"BEA01", b"NSR02", b"NSR03", b"TEA01"})
MARKERS = frozenset({ISO_MARKER, *UDF_MARKERS})
JOLIET_ESCAPES = (b"%/@", b"%/C", b"%/E")
UNREADABLE_KIND = "disk-image-unreadable"
REFUSED_KIND = "disk-image-refused"

_RECORD = struct.Struct("<BBL4xL4x7xB6xB")  # length, ext len, extent, size, flags, name len


class _Bad(Exception):
    """One line for the person: why the image could not be (fully) read."""


@dataclass(frozen=True)
class ImageLook:
    """What was seen inside; ``refused`` is a limit that stopped the listing part-way (the
    names before it still count), ``problem`` why nothing could be read."""

    members: tuple[Member, ...] = ()
    refused: str = ""
    problem: str = ""


@dataclass(frozen=True)
class _File:
    name: str
    extent: int
    size: int


def look_inside(path: str | Path) -> ImageLook:
    """File names and version info of an ISO 9660 image on disk; never raises."""
    try:
        fh, st = open_regular(path, buffering=64 * 1024)
    except OSError as exc:
        return ImageLook(problem=f"could not be opened ({describe_os_error(exc)})")
    with fh:
        try:
            root, joliet, bridge = _root(fh, st.st_size)
            files, refused = _walk(fh, st.st_size, root, joliet)
            if bridge and not refused:
                refused = (
                    "it also holds a UDF file list, which Windows shows and ScamGuard cannot "
                    "read yet; it may name other files"
                )
            info = _programs(fh, st.st_size, files)
        except _Bad as exc:
            return ImageLook(problem=str(exc))
        except (OSError, ValueError, struct.error):
            return ImageLook(problem="is not a readable disk image")
    members = tuple(Member(f.name, info.get(id(f), {})) for f in files)
    return ImageLook(members, refused=refused)


def _read(fh: BinaryIO, offset: int, length: int, size: int) -> bytes:
    if offset < 0 or offset + length > size:
        raise _Bad("is a truncated disk image")
    fh.seek(offset)
    data = fh.read(length)
    if len(data) != length:
        raise _Bad("is a truncated disk image")
    return data


def _root(fh: BinaryIO, size: int) -> tuple[tuple[int, int], bool, bool]:
    """(extent, size) of the root directory to list, whether its names are Joliet, and
    whether the image also carries a UDF file list (a "bridge" image: Windows shows the UDF
    list, which may name other files than the one read here)."""
    primary = joliet = None
    udf = terminated = False
    for n in range(MAX_DESCRIPTORS):
        offset = FIRST_DESCRIPTOR + n * SECTOR
        if offset + SECTOR > size:
            break
        block = _read(fh, offset, SECTOR, size)
        kind, marker = block[0], block[1:6]
        if marker in UDF_MARKERS:  # UDF's descriptors follow the ISO set's terminator
            udf = True
            continue
        if marker != ISO_MARKER:
            break
        if kind == 255:  # the ISO set's terminator: only UDF descriptors may follow
            terminated = True
            continue
        if terminated:
            continue
        record = block[156:190]
        extent, length = _RECORD.unpack_from(record)[2:4]
        if kind == 1 and primary is None:
            primary = (extent, length)
        elif kind == 2 and block[88:91] in JOLIET_ESCAPES and joliet is None:
            joliet = (extent, length)
    if joliet is not None:
        return joliet, True, udf
    if primary is not None:
        return primary, False, udf
    if udf:
        raise _Bad("is a UDF disk image, which cannot be looked inside yet")
    raise _Bad("is not a disk image ScamGuard can read")


def _walk(fh: BinaryIO, size: int, root: tuple[int, int], joliet: bool) -> tuple[list[_File], str]:
    """Every file under the root, breadth first, within the limits; a limit reached stops
    the walk with one line (the files listed so far are kept)."""
    files: list[_File] = []
    queue: list[tuple[int, int, str, int]] = [(root[0], root[1], "", 0)]
    seen: set[int] = set()
    budget = archive.MAX_DIRECTORY_BYTES
    entries = 0
    while queue:
        extent, length, prefix, depth = queue.pop(0)
        if extent in seen:
            continue  # a directory listed twice (a loop): once is enough
        seen.add(extent)
        if length > budget:
            return files, (
                f"its folders take more than {archive.MAX_DIRECTORY_BYTES:,} bytes to list"
            )
        budget -= length
        data = _read(fh, extent * SECTOR, length, size)
        for name, child_extent, child_size, is_dir in _records(data, joliet):
            entries += 1
            if entries > archive.MAX_MEMBERS:
                return files, f"it holds more than {archive.MAX_MEMBERS:,} files"
            path = f"{prefix}{name}"[: archive.MAX_NAME_CHARS]
            if not is_dir:
                files.append(_File(path, child_extent, child_size))
            elif depth + 1 < MAX_DEPTH:
                queue.append((child_extent, child_size, path + "/", depth + 1))
    return files, ""


def _records(data: bytes, joliet: bool) -> list[tuple[str, int, int, bool]]:
    """(name, extent, size, is a folder) of each record in one directory's bytes, without
    the "." and ".." entries. A record never crosses a sector: a zero length skips ahead."""
    out = []
    at = 0
    while at + _RECORD.size <= len(data):
        length = data[at]
        if length == 0:
            at = (at // SECTOR + 1) * SECTOR
            continue
        if length < _RECORD.size + 1 or at + length > len(data):
            break
        _len, _ext, extent, size, flags, name_len = _RECORD.unpack_from(data, at)
        raw = data[at + 33 : at + 33 + name_len]
        if raw not in (b"\0", b"\1"):
            name = _name(raw, joliet)
            if not joliet:  # a padding byte follows an even-length name
                system_use = data[at + 33 + name_len + (name_len + 1) % 2 : at + length]
                name = _rock_ridge_name(system_use) or name
            if name:
                out.append((name, extent, size, bool(flags & 0x02)))
        at += length
    return out


def _name(raw: bytes, joliet: bool) -> str:
    text = raw.decode("utf-16-be", errors="replace") if joliet else raw.decode("latin-1")
    text = text.split(";", 1)[0]  # "ANYDESK.EXE;1": the version number
    return text[:-1] if text.endswith(".") else text  # "README.": no extension


def _rock_ridge_name(system_use: bytes) -> str:
    """The long name from Rock Ridge ``NM`` entries in a record's system-use area, if any."""
    parts: list[bytes] = []
    at = 0
    while at + 5 <= len(system_use):
        sig, length = system_use[at : at + 2], system_use[at + 2]
        if length < 4:
            break
        if sig == b"NM" and length >= 5:
            parts.append(system_use[at + 5 : at + length])
        at += length
    return b"".join(parts).decode("utf-8", errors="replace") if parts else ""


def _programs(fh: BinaryIO, size: int, files: list[_File]) -> dict[int, dict[str, str]]:
    """Version info of the small programs, read into memory smallest first (archive.py's
    limits), keyed by id() of the file record."""
    programs = sorted(
        (
            f
            for f in files
            if PurePosixPath(f.name).suffix.casefold() in archive.PE_SUFFIXES
            and f.size <= archive.MAX_MEMBER_BYTES
        ),
        key=lambda f: f.size,
    )
    budget = archive.MAX_READ_BYTES
    found: dict[int, dict[str, str]] = {}
    for f in programs[: archive.MAX_PE_MEMBERS]:
        if f.size > budget:
            break
        budget -= f.size
        try:
            data = _read(fh, f.extent * SECTOR, f.size, size)
        except _Bad:
            continue  # points past the end of the image: its name still counts
        info = version_info_from_bytes(data)
        if info:
            found[id(f)] = info
    return found


def image_evidence(look: ImageLook, index: SignatureIndex, shown: str) -> list[Evidence]:
    """Evidence from the files inside (members.py), plus a note when the image could not be
    (fully) looked into."""
    found = member_evidence(look.members, index, shown)
    if look.refused:
        found.append(Evidence(REFUSED_KIND, shown, f"not fully looked into: {look.refused}"))
    elif look.problem:
        found.append(problem_note(UNREADABLE_KIND, look.problem, shown))
    return found
