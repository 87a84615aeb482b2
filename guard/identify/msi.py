"""Windows Installer files (.msi, .msp): who made them and what they install, read from the
file itself, so ``support.msi`` whose ProductName is AnyDesk is AnyDesk.

An MSI is an OLE compound file (olefile reads it) holding a small database. What we want:

* the ``Property`` table: ProductName, Manufacturer, ProductVersion, ProductCode and
  UpgradeCode. Table streams have mangled names (pairs of characters from a 64-letter
  alphabet packed into one code point from U+3800, a table's name starting with U+4840), and
  a table holds no text, only numbers of strings in the ``_StringPool`` (one length per
  string) / ``_StringData`` (the strings, back to back) pair. The Property table is stored
  column by column: all the key references, then all the value references, each two bytes
  (three when the pool's header says "long string references").
* the ``\\x05SummaryInformation`` property set: Title, Subject, Author (olefile parses it).
* the raw PKCS#7 bytes of an Authenticode signature (``\\x05DigitalSignature``), kept for
  signer.py; nothing here parses them.

The file is the scam caller's, so: it is opened through regular_file (a FIFO named x.msi
never blocks), the OLE directory's length is checked *before* olefile loads it (olefile
would load a directory as long as the file), every stream is size-checked before it is
read into memory, the string pool is walked at most ``MAX_STRINGS`` entries, and anything
malformed is a one-line ``problem``, never an exception. Nothing is written to disk.
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import olefile

from guard.errors import describe_os_error
from guard.identify.evidence import Evidence
from guard.identify.index import SignatureIndex
from guard.identify.members import problem_note
from guard.identify.pe import MAX_VALUE_CHARS
from guard.identify.regular_file import open_regular

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MSI_SUFFIXES = frozenset({".msi", ".msp"})
UNREADABLE_KIND = "msi-unreadable"

MAX_FILE_BYTES = 4 * 1024**3  # the MSI format's own limit is 2 GiB
MAX_DIRECTORY_ENTRIES = 16_384  # a real MSI has a few hundred streams
MAX_FAT_SECTORS = 1 << 17  # 64 MiB of allocation table: 8 GiB of 512-byte sectors
MAX_MINI_STREAM_BYTES = 64 * 1024 * 1024
MAX_POOL_BYTES = 4 * 1024 * 1024  # 4 bytes a string: a million strings
MAX_STRING_DATA_BYTES = 32 * 1024 * 1024
MAX_STRINGS = 1_000_000
MAX_PROPERTY_BYTES = 1024 * 1024
MAX_SUMMARY_BYTES = 256 * 1024
MAX_SIGNATURE_BYTES = 1024 * 1024

# Property-table rows worth keeping (the rest are installer settings).
PROPERTIES = ("ProductName", "Manufacturer", "ProductVersion", "ProductCode", "UpgradeCode")
# SummaryInformation property ids [MS-OLEPS]: 1 code page, 2 title, 3 subject, 4 author.
SUMMARY = {2: "Title", 3: "Subject", 4: "Author"}
SIGNATURE_STREAM = "\x05DigitalSignature"
SUMMARY_STREAM = "\x05SummaryInformation"

_ENDOFCHAIN = 0xFFFFFFFE
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._"

# olefile logs each oddity of a damaged file at WARNING; they are not ours to show.
logging.getLogger("olefile").setLevel(logging.ERROR)


class _Bad(Exception):
    """A limit or a malformation: the message is the one line the person may see."""


@dataclass(frozen=True)
class MsiLook:
    """What an MSI says about itself. ``is_msi`` is False for an OLE file that is no
    installer (a Word .doc): nothing to say about it. ``problem`` is one line."""

    properties: dict[str, str] = field(default_factory=dict)
    summary: dict[str, str] = field(default_factory=dict)
    signature: bytes | None = None
    is_msi: bool = True
    problem: str = ""


def looks_like_msi(head: bytes, path: str | Path) -> bool:
    """An OLE file, or a file named .msi/.msp (which gets a note if it is not one)."""
    return head.startswith(OLE_MAGIC) or Path(path).suffix.casefold() in MSI_SUFFIXES


def stream_name(table: str) -> str:
    """The mangled OLE stream name of an MSI table (the format's base-64-like packing)."""
    out = ["\u4840"]
    chars = [_ALPHABET.index(c) if c in _ALPHABET else -1 for c in table]
    i = 0
    while i < len(chars):
        first = chars[i]
        if first < 0:
            out.append(table[i])
            i += 1
            continue
        second = chars[i + 1] if i + 1 < len(chars) else -1
        if second >= 0:
            out.append(chr(0x3800 + (second << 6) + first))
            i += 2
        else:
            out.append(chr(0x4800 + first))
            i += 1
    return "".join(out)


def read_msi(path: str | Path) -> MsiLook:
    """Properties, summary and signature bytes of an MSI on disk; never raises."""
    try:
        fh, st = open_regular(path, buffering=64 * 1024)
    except OSError as exc:
        return MsiLook(problem=f"could not be opened ({describe_os_error(exc)})")
    with fh:
        try:
            if st.st_size > MAX_FILE_BYTES:
                raise _Bad(f"is larger than {MAX_FILE_BYTES:,} bytes")
            if fh.read(len(OLE_MAGIC)) != OLE_MAGIC:
                raise _Bad("is not a Windows Installer file")
            _check_directory(fh, st.st_size)
            fh.seek(0)
            ole = olefile.OleFileIO(fh)
        except _Bad as exc:
            return MsiLook(problem=str(exc))
        except Exception:  # olefile raises many kinds for a damaged file
            return MsiLook(problem="is not a readable Windows Installer file")
        try:
            return _read(ole)
        except _Bad as exc:
            return MsiLook(problem=str(exc))
        except Exception:
            return MsiLook(problem="is a damaged Windows Installer file")
        finally:
            ole.close()


def _check_directory(fh: BinaryIO, size: int) -> None:
    """Walk the OLE directory's sector chain (header, DIFAT, FAT: a few reads) and refuse a
    directory of more than MAX_DIRECTORY_ENTRIES before olefile loads all of it."""
    fh.seek(0)
    header = fh.read(512)
    if len(header) < 512:
        raise _Bad("is a truncated Windows Installer file")
    shift = struct.unpack_from("<H", header, 0x1E)[0]
    if shift not in (9, 12):
        raise _Bad("is not a readable Windows Installer file")
    ssz = 1 << shift
    per = ssz // 4
    fat_count, first_dir = struct.unpack_from("<2L", header, 0x2C)
    mini_fat_count = struct.unpack_from("<L", header, 0x40)[0]
    first_difat, difat_count = struct.unpack_from("<2L", header, 0x44)
    if fat_count > MAX_FAT_SECTORS or difat_count > MAX_FAT_SECTORS // per + 1:
        raise _Bad(f"its allocation table is larger than {MAX_FAT_SECTORS:,} sectors")
    if mini_fat_count * ssz > MAX_MINI_STREAM_BYTES:
        raise _Bad("its small-stream table is too large")
    fat_sectors = list(struct.unpack_from("<109L", header, 0x4C))
    sect = first_difat
    for _ in range(difat_count):
        if len(fat_sectors) >= fat_count or sect >= _ENDOFCHAIN:
            break
        block = _sector(fh, sect, ssz, size)
        entries = struct.unpack(f"<{per}L", block)
        fat_sectors += entries[:-1]
        sect = entries[-1]
    fat_sectors = fat_sectors[:fat_count]
    max_sectors = MAX_DIRECTORY_ENTRIES * 128 // ssz
    sect, steps = first_dir, 0
    while sect != _ENDOFCHAIN:
        steps += 1
        if steps > max_sectors:
            raise _Bad(f"it lists more than {MAX_DIRECTORY_ENTRIES:,} streams")
        where = sect // per
        if sect >= _ENDOFCHAIN or where >= len(fat_sectors):
            raise _Bad("is a damaged Windows Installer file")
        block = _sector(fh, fat_sectors[where], ssz, size)
        sect = struct.unpack_from("<L", block, (sect % per) * 4)[0]


def _sector(fh: BinaryIO, sect: int, ssz: int, size: int) -> bytes:
    offset = (sect + 1) * ssz
    if sect >= _ENDOFCHAIN or offset + ssz > size:
        raise _Bad("is a truncated Windows Installer file")
    fh.seek(offset)
    data = fh.read(ssz)
    if len(data) != ssz:
        raise _Bad("is a truncated Windows Installer file")
    return data


def _stream(ole: olefile.OleFileIO, name: str, limit: int) -> bytes | None:
    """A stream's bytes, or None if absent; refused (one line) above ``limit``."""
    if not ole.exists(name):
        return None
    size = ole.get_size(name)
    if size > limit:
        raise _Bad(f"its {name.lstrip(chr(5))!r} part is {size:,} bytes (more than {limit:,})")
    if size < 4096 and ole.root is not None and ole.root.size > MAX_MINI_STREAM_BYTES:
        raise _Bad("its small-stream area is too large")
    data: bytes = ole.openstream(name).read(limit + 1)
    return data[:limit]


def _read(ole: olefile.OleFileIO) -> MsiLook:
    pool = _stream(ole, stream_name("_StringPool"), MAX_POOL_BYTES)
    strings = _stream(ole, stream_name("_StringData"), MAX_STRING_DATA_BYTES)
    table = _stream(ole, stream_name("Property"), MAX_PROPERTY_BYTES)
    if pool is None or strings is None:
        return MsiLook(is_msi=False, problem="is not a Windows Installer file")
    properties = _properties(pool, strings, table or b"")
    summary = _summary(ole)
    signature = _stream(ole, SIGNATURE_STREAM, MAX_SIGNATURE_BYTES)
    return MsiLook(properties, summary, signature or None)


def _properties(pool: bytes, data: bytes, table: bytes) -> dict[str, str]:
    """The wanted rows of the Property table, decoded through the string pool."""
    if len(pool) < 4:
        raise _Bad("is a damaged Windows Installer file (no string list)")
    header = struct.unpack_from("<L", pool)[0]
    codec = _codec(header & 0x7FFFFFFF)
    ref = 3 if header & 0x80000000 else 2
    # String number n (from 1) -> (offset, length) in _StringData.
    spans: list[tuple[int, int]] = [(0, 0)]
    offset, i, end = 0, 4, len(pool) - 3
    while i < end and len(spans) <= MAX_STRINGS:
        length, refs = struct.unpack_from("<HH", pool, i)
        i += 4
        if length == 0 and refs != 0 and i + 4 <= len(pool):  # a string over 64 KiB
            length = struct.unpack_from("<L", pool, i)[0]
            i += 4
        spans.append((offset, length))
        offset += length
    rows = len(table) // (2 * ref)
    wanted = set(PROPERTIES)
    found: dict[str, str] = {}
    for row in range(rows):
        key = _text(_ref(table, row * ref, ref), spans, data, codec)
        if key in wanted and key not in found:
            value = _text(_ref(table, (rows + row) * ref, ref), spans, data, codec)
            if value:
                found[key] = value
    return found


def _ref(table: bytes, at: int, size: int) -> int:
    return int.from_bytes(table[at : at + size], "little")


def _text(number: int, spans: list[tuple[int, int]], data: bytes, codec: str) -> str:
    if not 0 < number < len(spans):
        return ""
    offset, length = spans[number]
    raw = data[offset : offset + min(length, MAX_VALUE_CHARS * 4)]
    return raw.decode(codec, errors="replace")[:MAX_VALUE_CHARS]


def _codec(codepage: int) -> str:
    """Python's codec for an MSI code page (0 is 'neutral': plain ASCII in practice)."""
    if codepage in (0, 1252):
        return "cp1252"
    if codepage == 65001:
        return "utf-8"
    name = f"cp{codepage}"
    try:
        "".encode(name)
    except LookupError:
        return "cp1252"
    return name


def _summary(ole: olefile.OleFileIO) -> dict[str, str]:
    if _stream(ole, SUMMARY_STREAM, MAX_SUMMARY_BYTES) is None:
        return {}
    props = ole.getproperties(SUMMARY_STREAM)
    codepage = props.get(1)
    codec = _codec(codepage & 0xFFFF) if isinstance(codepage, int) else "cp1252"
    found = {}
    for pid, key in SUMMARY.items():
        value = props.get(pid)
        if isinstance(value, bytes):
            value = value.decode(codec, errors="replace")
        if isinstance(value, str) and value.strip():
            found[key] = value.strip()[:MAX_VALUE_CHARS]
    return found


def msi_evidence(
    look: MsiLook, index: SignatureIndex, shown: str, path: str | Path
) -> tuple[list[Evidence], dict[str, str]]:
    """Evidence (through the PE identity tables: Manufacturer is the CompanyName, ProductName
    the ProductName) and the facts for Details. A file named .msi that is not one gets a
    one-line note; an OLE file that is no installer (a .doc) gets nothing."""
    name = Path(shown).name
    if look.problem:
        if not look.is_msi and Path(path).suffix.casefold() not in MSI_SUFFIXES:
            return [], {}
        return [problem_note(UNREADABLE_KIND, look.problem, shown)], {}
    facts = {**look.summary, **look.properties}
    if "Manufacturer" in look.properties:
        facts["company"] = look.properties["Manufacturer"]  # Details' "Publisher:" line
    pe_like = {}
    if "ProductName" in look.properties:
        pe_like["ProductName"] = look.properties["ProductName"]
    if "Manufacturer" in look.properties:
        pe_like["CompanyName"] = look.properties["Manufacturer"]
    evidence = [
        Evidence(
            ev.kind,
            f"{ev.value.replace('CompanyName', 'Manufacturer')} (installer properties of {name})",
            ev.detail.replace("version information says", "the installer's properties say").replace(
                "CompanyName", "Manufacturer"
            ),
            ev.tool_id,
        )
        for ev in index.lookup_pe(pe_like)
    ]
    return evidence, facts
