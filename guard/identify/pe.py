"""Version information from Windows executables, read with pefile and kept cheap and safe.

A renamed binary ("TalkTalk Support.exe") still carries the vendor's CompanyName, ProductName
and OriginalFilename in its version resource; that is how we see through the disguise.
pefile is handed a read-on-demand view of the file rather than a path: with a path it would
memory-map the file, and a file truncated while mapped (a download being rewritten, an
editor saving) kills the whole process with SIGBUS. The view reads only the bytes pefile
asks for (the headers and the resource section), and a file that shrinks under it just
reads short. Anything that is not a well-formed PE (a truncated download, a text file named
.exe) yields no PE evidence; it is never an error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pefile

from guard.identify.regular_file import open_regular
from guard.identify.signer import MAX_SIGNATURE_BYTES, pkcs7_from_certificate_table, signer_names

# An executable already in memory (a member read out of a zip) larger than this is not parsed.
# Files on disk are parsed whatever their size: padding a tool past a size limit must not
# hide it, and every read from a file is capped (MAX_SLICE_BYTES) instead.
MAX_PE_FILE_BYTES = 1024 * 1024 * 1024
# The most pefile is handed in one slice of a file: headers and version resources are a
# few KB, and a forged size field must not make the guard read (and hold) gigabytes.
MAX_SLICE_BYTES = 16 * 1024 * 1024
MAX_VALUE_CHARS = 200
KEYS = ("CompanyName", "ProductName", "OriginalFilename", "FileDescription", "InternalName")

# pefile logs warnings about odd files at WARNING level; they are not ours to show.
logging.getLogger("pefile").setLevel(logging.ERROR)


class _FileView:
    """Just enough of ``bytes`` for pefile (``len``, indexing, slicing), read from an open
    file on demand."""

    def __init__(self, fh: BinaryIO, size: int):  # unbuffered: reads see the file as it is
        self._fh = fh
        self._size = size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, key: int | slice) -> bytes | int:
        if isinstance(key, slice):
            start, stop, step = key.indices(self._size)
            if stop <= start:
                return b""
            self._fh.seek(start)
            data = self._fh.read(min(stop - start, MAX_SLICE_BYTES))  # short, never huge
            return data if step == 1 else data[::step]
        index = key + self._size if key < 0 else key
        if not 0 <= index < self._size:
            raise IndexError("file view index out of range")
        self._fh.seek(index)
        byte = self._fh.read(1)
        if not byte:
            raise IndexError("the file became shorter while it was read")
        return byte[0]


@dataclass(frozen=True, slots=True)
class PeFacts:
    """What a Windows executable says about itself: its version strings and its signer."""

    version: dict[str, str]
    signers: tuple[str, ...] = ()


NOT_PE = PeFacts({})


def read_pe(path: Path | str) -> PeFacts:
    """Version strings and Authenticode signer names, or NOT_PE for anything that is not a
    usable PE. A FIFO, socket or device under the name is refused without blocking
    (regular_file)."""
    try:
        fh, st = open_regular(path)
    except OSError:
        return NOT_PE
    with fh:
        return pe_from_handle(fh, st.st_size)


def pe_from_handle(fh: BinaryIO, size: int) -> PeFacts:
    """The same from a file already open (unbuffered, from regular_file), never raising."""
    try:
        fh.seek(0)
        if fh.read(2) != b"MZ":
            return NOT_PE
        return _parse(_FileView(fh, size))
    except Exception:  # malformed, truncated mid-read, unreadable: no PE evidence
        return NOT_PE


def read_version_info(path: Path) -> dict[str, str]:
    """The version-resource strings we match on, or {} for anything that is not a usable PE."""
    return read_pe(path).version


def version_info_from_bytes(data: bytes) -> dict[str, str]:
    """The same strings from an executable already in memory (a member read out of a zip;
    nothing is written to disk), or {} for anything that is not a usable PE."""
    return pe_from_bytes(data).version


def pe_from_bytes(data: bytes) -> PeFacts:
    """Version strings and signer of an executable already in memory, or NOT_PE."""
    if len(data) > MAX_PE_FILE_BYTES or data[:2] != b"MZ":
        return NOT_PE
    try:
        return _parse(data)
    except Exception:  # malformed or truncated: no PE evidence
        return NOT_PE


def _parse(data: bytes | _FileView) -> PeFacts:
    pe = pefile.PE(data=data, fast_load=True)
    pe.parse_data_directories(
        directories=[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_RESOURCE"]]
    )
    return PeFacts(_strings(pe), _signers(pe, data))


def _signers(pe: pefile.PE, data: bytes | _FileView) -> tuple[str, ...]:
    """The certificate table's signer names. Its data directory holds a file offset, not an
    address, and the table sits outside every section (pefile does not parse it)."""
    try:
        entry = pe.OPTIONAL_HEADER.DATA_DIRECTORY[
            pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_SECURITY"]
        ]
    except (AttributeError, IndexError):
        return ()
    offset, size = entry.VirtualAddress, entry.Size
    if not offset or size <= 0 or offset + size > len(data):
        return ()
    # Only the table's start is read: a signature padded inside its entry (which leaves it
    # valid) must not push the signer past a size limit; the DER says where it ends.
    table = data[offset : offset + min(size, MAX_SIGNATURE_BYTES + 8)]
    blob = pkcs7_from_certificate_table(table if isinstance(table, bytes) else b"")
    return signer_names(blob) if blob else ()


def _strings(pe: pefile.PE) -> dict[str, str]:
    found: dict[str, str] = {}
    for file_info in getattr(pe, "FileInfo", None) or []:
        for entry in file_info:
            for table in getattr(entry, "StringTable", None) or []:
                for raw_key, raw_value in table.entries.items():
                    key = _text(raw_key)
                    if key in KEYS and key not in found:
                        value = _text(raw_value).strip()
                        if value:
                            found[key] = value[:MAX_VALUE_CHARS]
    return found


def _text(value: bytes | str) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value
