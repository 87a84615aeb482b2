"""Linux packages (.deb, .rpm): the package name they install, read from the file, so
``random-name.deb`` whose package is ``anydesk`` is AnyDesk (matched against the tools'
``[linux] packages``).

* A .deb is an ``ar`` archive: ``debian-binary``, ``control.tar.{gz,xz,zst}`` (or plain
  ``control.tar``), ``data.tar.*``. The ``control`` file inside the control tarball says
  ``Package:`` and ``Version:``. The tarball is decompressed into memory, at most
  ``MAX_CONTROL_BYTES`` of it (real ones are a few KiB), and only then handed to tarfile, so
  a compression bomb costs at most that much. zstd (Ubuntu's default since 21.10) needs a
  library the standard library lacks before Python 3.14: such a package gets a one-line note
  and is judged by its name.
* An .rpm is a 96-byte lead, a signature header and the main header. A header is a magic,
  an index of (tag, type, offset, count) entries and a data store; tag 1000 is NAME, 1001
  VERSION. Only the index (at most ``MAX_INDEX_ENTRIES`` entries) and the few bytes at the
  wanted offsets are read, never the whole store.

Nothing is written to disk; a damaged or hostile package gives a one-line note, never raises.
"""

from __future__ import annotations

import io
import lzma
import struct
import tarfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from guard.errors import describe_os_error
from guard.identify.evidence import Evidence
from guard.identify.index import SignatureIndex
from guard.identify.members import problem_note
from guard.identify.regular_file import open_regular

SUFFIXES = frozenset({".deb", ".udeb", ".rpm"})
AR_MAGIC = b"!<arch>\n"
RPM_MAGIC = b"\xed\xab\xee\xdb"
HEADER_MAGIC = b"\x8e\xad\xe8\x01"
UNREADABLE_KIND = "package-unreadable"

MAX_AR_MEMBERS = 16  # a .deb has three
MAX_CONTROL_ARCHIVE_BYTES = 16 * 1024 * 1024  # compressed
MAX_CONTROL_BYTES = 16 * 1024 * 1024  # decompressed
MAX_CONTROL_FILE_BYTES = 1024 * 1024
MAX_TAR_MEMBERS = 1000
MAX_INDEX_ENTRIES = 65_536
MAX_STORE_BYTES = 256 * 1024 * 1024  # rpm's own limit for a header's store
MAX_VALUE_CHARS = 200
RPM_TAGS = {1000: "Package", 1001: "Version"}
RPM_STRING = 6

_AR_HEADER = struct.Struct("16s12s6s6s8s10s2s")
_RPM_HEADER = struct.Struct(">4s4xLL")  # magic, reserved, index entries, store bytes
_RPM_ENTRY = struct.Struct(">4L")  # tag, type, offset, count


class _Bad(Exception):
    """One line for the person: why the package could not be read."""


@dataclass(frozen=True)
class PackageLook:
    """``fields`` has Package (the name) and Version when they could be read."""

    format: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    problem: str = ""


def is_deb(head: bytes) -> bool:
    """An ar archive whose first member is debian-binary (a static library .a is not)."""
    return head.startswith(AR_MAGIC) and head[8:24].rstrip(b" /") == b"debian-binary"


def read_package(path: str | Path) -> PackageLook:
    """Name and version of a .deb or .rpm on disk; never raises."""
    try:
        fh, st = open_regular(path, buffering=64 * 1024)
    except OSError as exc:
        return PackageLook(problem=f"could not be opened ({describe_os_error(exc)})")
    with fh:
        head = fh.read(24)
        if head.startswith(AR_MAGIC):
            kind = "deb"
        elif head.startswith(RPM_MAGIC):
            kind = "rpm"
        else:
            kind = Path(path).suffix.casefold().lstrip(".")
            return PackageLook(kind, problem=f"is not a readable .{kind} package")
        try:
            if kind == "deb":
                return PackageLook("deb", _deb(fh, st.st_size))
            return PackageLook("rpm", _rpm(fh, st.st_size))
        except _Bad as exc:
            return PackageLook(kind, problem=str(exc))
        except (
            OSError,
            ValueError,
            EOFError,
            struct.error,
            tarfile.TarError,
            lzma.LZMAError,
            zlib.error,
        ):
            return PackageLook(kind, problem=f"is not a readable .{kind} package")


# --- .deb ---


def _deb(fh: BinaryIO, size: int) -> tuple[tuple[str, str], ...]:
    at = len(AR_MAGIC)
    for _ in range(MAX_AR_MEMBERS):
        fh.seek(at)
        header = fh.read(_AR_HEADER.size)
        if len(header) < _AR_HEADER.size:
            break
        name, *_rest, length, end = _AR_HEADER.unpack(header)
        if end != b"`\n":
            raise _Bad("is a damaged .deb package")
        member = name.rstrip(b" ").rstrip(b"/").decode("ascii", errors="replace")
        digits = length.strip() or b"0"
        if not digits.isdigit():  # "-1" would read the whole file
            raise _Bad("is a damaged .deb package")
        length_n = int(digits)
        start = at + _AR_HEADER.size
        if start + length_n > size:
            raise _Bad("is a truncated .deb package")
        if member.startswith("control.tar"):
            return _control(fh, start, length_n, member)
        at = start + length_n + (length_n % 2)
    raise _Bad("has no package information (control.tar)")


def _control(fh: BinaryIO, start: int, length: int, member: str) -> tuple[tuple[str, str], ...]:
    if length > MAX_CONTROL_ARCHIVE_BYTES:
        raise _Bad(f"has package information of {length:,} bytes, too large to read")
    fh.seek(start)
    packed = fh.read(length)
    if member.endswith(".zst"):
        raise _Bad("keeps its package information zstd-compressed, which cannot be read yet")
    if member.endswith(".gz"):
        inflate = zlib.decompressobj(wbits=31)
        raw = inflate.decompress(packed, MAX_CONTROL_BYTES)
    elif member.endswith(".xz"):
        raw = lzma.LZMADecompressor().decompress(packed, max_length=MAX_CONTROL_BYTES)
    elif member == "control.tar":
        raw = packed[:MAX_CONTROL_BYTES]
    else:
        raise _Bad(f"keeps its package information as {member}, which cannot be read")
    # A tarball cut short at the limit still yields the members before the cut.
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as tar:
        for _, info in zip(range(MAX_TAR_MEMBERS), _members(tar), strict=False):
            if info.name.lstrip("./") == "control" and info.isfile():
                if info.size > MAX_CONTROL_FILE_BYTES:
                    raise _Bad("has a control file too large to read")
                handle = tar.extractfile(info)
                if handle is None:
                    break
                return _control_fields(handle.read(MAX_CONTROL_FILE_BYTES))
    raise _Bad("has no control file in its package information")


def _members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    """The tarball's members one at a time, stopping quietly where the data was cut short."""
    while True:
        try:
            info = tar.next()
        except (tarfile.TarError, EOFError):
            return
        if info is None:
            return
        yield info


def _control_fields(data: bytes) -> tuple[tuple[str, str], ...]:
    found: dict[str, str] = {}
    for line in data.decode("utf-8", errors="replace").splitlines():
        key, sep, value = line.partition(":")
        if sep and key in ("Package", "Version") and key not in found and value.strip():
            found[key] = value.strip()[:MAX_VALUE_CHARS]
    if "Package" not in found:
        raise _Bad("has a control file with no package name")
    return tuple(found.items())


# --- .rpm ---


def _rpm(fh: BinaryIO, size: int) -> tuple[tuple[str, str], ...]:
    """Skip the lead and the signature header, then read NAME and VERSION from the main
    header's index and store."""
    _entries, store, index_at = _rpm_header(fh, 96, size)
    signature_end = index_at + _entries * _RPM_ENTRY.size + store
    main_at = signature_end + (-signature_end % 8)  # the signature header is padded to 8
    entries, store, index_at = _rpm_header(fh, main_at, size)
    store_at = index_at + entries * _RPM_ENTRY.size
    fh.seek(index_at)
    index = fh.read(entries * _RPM_ENTRY.size)
    if len(index) != entries * _RPM_ENTRY.size:
        raise _Bad("is a truncated .rpm package")
    found: dict[str, str] = {}
    for n in range(entries):
        tag, kind, offset, _count = _RPM_ENTRY.unpack_from(index, n * _RPM_ENTRY.size)
        key = RPM_TAGS.get(tag)
        if key is None or kind != RPM_STRING or key in found or offset >= store:
            continue
        fh.seek(store_at + offset)
        value = fh.read(MAX_VALUE_CHARS + 1).split(b"\0", 1)[0]
        if value:
            found[key] = value.decode("utf-8", errors="replace")[:MAX_VALUE_CHARS]
    if "Package" not in found:
        raise _Bad("has no package name in its header")
    return (("Package", found["Package"]), *((k, v) for k, v in found.items() if k != "Package"))


def _rpm_header(fh: BinaryIO, at: int, size: int) -> tuple[int, int, int]:
    """(index entries, store bytes, where the index starts) of the header at ``at``."""
    fh.seek(at)
    raw = fh.read(_RPM_HEADER.size)
    if len(raw) != _RPM_HEADER.size:
        raise _Bad("is a truncated .rpm package")
    magic, entries, store = _RPM_HEADER.unpack(raw)
    if magic != HEADER_MAGIC:
        raise _Bad("is a damaged .rpm package")
    if entries > MAX_INDEX_ENTRIES or store > MAX_STORE_BYTES:
        raise _Bad("has a header larger than any real package's")
    index_at = at + _RPM_HEADER.size
    if index_at + entries * _RPM_ENTRY.size + store > size:
        raise _Bad("is a truncated .rpm package")
    return entries, store, index_at


def package_evidence(
    look: PackageLook, index: SignatureIndex, shown: str
) -> tuple[list[Evidence], dict[str, str]]:
    name = Path(shown).name
    if look.problem:
        return [problem_note(UNREADABLE_KIND, look.problem, shown)], {}
    fields = dict(look.fields)
    package = fields["Package"]
    found = [
        Evidence(
            ev.kind,
            f"{package} (package in {name})",
            f"{name} installs the package {package!r}, which is {index.tools[ev.tool_id].name}",
            ev.tool_id,
        )
        for ev in index.lookup_exact("package", package)
        if ev.tool_id is not None
    ]
    return found, {f"{look.format} {k}": v for k, v in fields.items()}
