"""Look inside a zip in a watched folder: the names of the files it holds and, for the small
programs among them, their Windows version info, so ``support-tools.zip`` holding
``AnyDesk.exe`` is AnyDesk before anyone unpacks it.

A zip is the scam caller's file as much as the person's, so everything here is bounded, and
nothing is ever written to disk:

* The end-of-central-directory record is read first (a few bytes at the end of the file)
  and a zip claiming more than ``MAX_MEMBERS`` entries, or a directory larger than
  ``MAX_DIRECTORY_BYTES``, is refused before the standard ``zipfile`` module parses it.
* Member names come from that directory and are always checked, even in an encrypted zip or
  one refused as a bomb: padding a zip with a bomb must not hide the AnyDesk.exe next to it.
* Only then is anything decompressed, and only programs (``.exe`` and kin) no larger than
  ``MAX_MEMBER_BYTES``, smallest first, ``MAX_READ_BYTES`` in all, into memory, for their
  version info. A zip whose members declare more than ``MAX_TOTAL_UNCOMPRESSED`` bytes, or
  one that would grow more than ``MAX_RATIO`` times, is a bomb: nothing in it is
  decompressed and the reason is one line.
* The zip is opened through regular_file, so a FIFO named ``x.zip`` never blocks.

Zips inside zips are not opened (their names are still checked). An encrypted member is
checked by its name only; renamed *and* encrypted, it is caught when it is unpacked (the
temp folders are watched) or run (the process watcher).
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from guard.errors import ScamGuardError, describe_os_error
from guard.identify.evidence import Evidence
from guard.identify.index import SignatureIndex
from guard.identify.members import Member, member_evidence
from guard.identify.pe import version_info_from_bytes
from guard.identify.regular_file import open_regular

ARCHIVE_SUFFIXES = frozenset({".zip"})
# Members read for PE version info; other members are judged by their names only.
PE_SUFFIXES = frozenset({".exe", ".scr", ".com", ".pif"})

MAX_MEMBERS = 10_000
MAX_DIRECTORY_BYTES = 4 * 1024 * 1024
MAX_TOTAL_UNCOMPRESSED = 4 * 1024**3
MAX_RATIO = 100  # uncompressed / compressed, for members large enough to matter
RATIO_FLOOR_BYTES = 1024 * 1024  # a small file of zeros may compress 1000:1; harmless
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_READ_BYTES = 256 * 1024 * 1024
MAX_PE_MEMBERS = 32
MAX_NAME_CHARS = 255
# Kinds of the notes (evidence for no tool) saying a zip was not, or not fully, looked into.
REFUSED_KIND = "archive-refused"
UNREADABLE_KIND = "archive-unreadable"

_EOCD = struct.Struct("<4s4H2LH")  # signature, disks, entries here, entries, size, offset, note
_EOCD_SIG = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_LOCATOR_SIG = b"PK\x06\x07"
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_ZIP64_EOCD_SIG = b"PK\x06\x06"


class ArchiveRefused(ScamGuardError):
    """The zip is over a limit: the message is one line for the person."""


@dataclass(frozen=True)
class ArchiveLook:
    """What was seen inside. ``refused`` is a limit that stopped the look (reported as one
    line); ``problem`` says why a file named .zip could not be read as one (a note only)."""

    members: tuple[Member, ...] = ()
    refused: str = ""
    problem: str = ""


def is_archive(path: str | Path) -> bool:
    return Path(path).suffix.casefold() in ARCHIVE_SUFFIXES


def look_inside(path: str | Path) -> ArchiveLook:
    """Member names and version info of a zip on disk; never raises for a bad or hostile zip."""
    try:
        fh, st = open_regular(path, buffering=64 * 1024)
    except OSError as exc:
        return ArchiveLook(problem=f"could not be opened ({describe_os_error(exc)})")
    with fh:
        try:
            _check_directory(fh, st.st_size)
        except ArchiveRefused as exc:
            return ArchiveLook(refused=str(exc))
        except (OSError, ValueError, struct.error):
            return ArchiveLook(problem="is not a readable zip")
        try:
            with zipfile.ZipFile(fh) as zf:
                return _look(zf)
        except Exception as exc:  # zipfile raises many kinds for a damaged file
            return ArchiveLook(problem=f"is not a readable zip ({type(exc).__name__})")


def _check_directory(fh: BinaryIO, size: int) -> None:
    """Refuse a zip whose central directory is too large, before zipfile reads all of it.
    Finds the end record the way zipfile does, so both agree on which directory it is."""
    if size < _EOCD.size:
        raise ValueError("too short")
    fh.seek(size - _EOCD.size)
    tail = fh.read(_EOCD.size)
    where = size - _EOCD.size
    if not (tail[:4] == _EOCD_SIG and tail[-2:] == b"\0\0"):
        start = max(size - 0xFFFF - _EOCD.size, 0)
        fh.seek(start)
        tail = fh.read(size - start)
        found = tail.rfind(_EOCD_SIG)
        if found < 0 or found + _EOCD.size > len(tail):
            raise ValueError("no end record")
        where = start + found
        tail = tail[found : found + _EOCD.size]
    _sig, _disk, _cd_disk, _here, entries, cd_size, cd_offset, _note = _EOCD.unpack(tail)
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
        entries, cd_size = _zip64_counts(fh, where, entries, cd_size)
    if entries > MAX_MEMBERS:
        raise ArchiveRefused(f"it holds {entries:,} files (more than {MAX_MEMBERS:,})")
    if cd_size > MAX_DIRECTORY_BYTES:
        raise ArchiveRefused(
            f"its list of contents is {cd_size:,} bytes (more than {MAX_DIRECTORY_BYTES:,})"
        )


def _zip64_counts(fh: BinaryIO, eocd_at: int, entries: int, cd_size: int) -> tuple[int, int]:
    if eocd_at < _ZIP64_LOCATOR.size:
        return entries, cd_size
    fh.seek(eocd_at - _ZIP64_LOCATOR.size)
    sig, _disk, offset, _disks = _ZIP64_LOCATOR.unpack(fh.read(_ZIP64_LOCATOR.size))
    if sig != _ZIP64_LOCATOR_SIG:
        return entries, cd_size
    fh.seek(offset)
    record = fh.read(_ZIP64_EOCD.size)
    if len(record) != _ZIP64_EOCD.size or record[:4] != _ZIP64_EOCD_SIG:
        raise ValueError("bad zip64 record")
    fields = _ZIP64_EOCD.unpack(record)
    return fields[7], fields[8]


def _look(zf: zipfile.ZipFile) -> ArchiveLook:
    infos = [i for i in zf.infolist() if not i.is_dir()]
    if len(infos) > MAX_MEMBERS:  # zipfile read a different directory than the end record said
        return ArchiveLook(refused=f"it holds {len(infos):,} files (more than {MAX_MEMBERS:,})")
    names = {id(i): i.filename[:MAX_NAME_CHARS] for i in infos}
    refused = _bomb(infos)
    info_of: dict[int, dict[str, str]] = {}
    if not refused:
        budget = MAX_READ_BYTES
        programs = sorted(
            (i for i in infos if _is_program(i) and i.file_size <= MAX_MEMBER_BYTES),
            key=lambda i: i.file_size,
        )
        for info in programs[:MAX_PE_MEMBERS]:
            if info.file_size > budget:
                break
            budget -= info.file_size
            version = _version_info(zf, info)
            if version:
                info_of[id(info)] = version
    members = tuple(Member(names[id(i)], info_of.get(id(i), {})) for i in infos)
    return ArchiveLook(members, refused=refused)


def _bomb(infos: list[zipfile.ZipInfo]) -> str:
    """One line if the declared sizes look like a zip bomb, else ''. Declared sizes are all we
    trust before decompressing; a member that lies about its size is cut off at the size it
    declared (zipfile stops there) and at MAX_MEMBER_BYTES."""
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_UNCOMPRESSED:
        return (
            f"a zip bomb? its files would take {total:,} bytes unpacked "
            f"(more than {MAX_TOTAL_UNCOMPRESSED:,})"
        )
    for info in infos:
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
            return (
                f"a zip bomb? {Member(info.filename[:MAX_NAME_CHARS]).basename!r} would grow "
                f"{ratio:,} times when unpacked (more than {MAX_RATIO})"
            )
    return ""


def _is_program(info: zipfile.ZipInfo) -> bool:
    encrypted = info.flag_bits & 0x1
    suffix = PurePosixPath(info.filename.replace("\\", "/")).suffix.casefold()
    return not encrypted and suffix in PE_SUFFIXES


def _version_info(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> dict[str, str]:
    """Decompress one member into memory (never to disk) and read its version info."""
    try:
        with zf.open(info) as member:
            data = member.read(MAX_MEMBER_BYTES + 1)
    except Exception:  # damaged, unsupported method, wrong CRC: name evidence only
        return {}
    if len(data) > MAX_MEMBER_BYTES:
        return {}
    return version_info_from_bytes(data)


def archive_evidence(look: ArchiveLook, index: SignatureIndex, shown: str) -> list[Evidence]:
    """Evidence from the members (members.py), plus a note when the zip could not be (fully)
    looked into."""
    zip_name = Path(shown).name
    found = member_evidence(look.members, index, shown)
    if look.refused:
        why = f"not unpacked to look inside: {look.refused}"
        found.append(Evidence(REFUSED_KIND, shown, why))
    elif look.problem:
        found.append(Evidence(UNREADABLE_KIND, shown, f"{zip_name} {look.problem}"))
    return found
