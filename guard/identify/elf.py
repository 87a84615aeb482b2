"""The GNU build ID of a Linux program: the same for every copy of one build, whatever the
file is called, and unchanged by stripping or by packaging (.deb, .rpm, tarball, AppImage).

Linux programs carry no version resource and are seldom signed, so after the hash this is
their content identity: a signature file may list a tool build's IDs (``[linux] build_ids``)
and a renamed copy of that build is the tool. The ID is a note (``NT_GNU_BUILD_ID``) in a
``PT_NOTE`` segment, found through the program headers; everything is read with small
bounded reads from an open handle, and anything malformed gives no ID.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

ELF_MAGIC = b"\x7fELF"
PT_NOTE = 4
NT_GNU_BUILD_ID = 3
MAX_PROGRAM_HEADERS = 128
MAX_NOTE_BYTES = 64 * 1024
MAX_ID_BYTES = 64  # SHA-1 IDs are 20 bytes, MD5 16, xxhash 8; nothing real is longer


def elf_build_id(fh: BinaryIO, size: int) -> str | None:
    """The build ID in lower-case hex, or None for anything that is not an ELF with one."""
    try:
        fh.seek(0)
        ident = fh.read(64)
        if len(ident) < 52 or ident[:4] != ELF_MAGIC or ident[4] not in (1, 2):
            return None
        wide = ident[4] == 2
        order = "<" if ident[5] == 1 else ">"
        if wide:
            phoff, phentsize, phnum = (
                struct.unpack_from(order + "Q", ident, 32)[0],
                *struct.unpack_from(order + "HH", ident, 54),
            )
            header = struct.Struct(order + "IIQQQQQQ")  # type, flags, offset, ..., filesz
        else:
            phoff, phentsize, phnum = (
                struct.unpack_from(order + "I", ident, 28)[0],
                *struct.unpack_from(order + "HH", ident, 42),
            )
            header = struct.Struct(order + "IIIIIIII")  # type, offset, ..., filesz
        if not 0 < phnum <= MAX_PROGRAM_HEADERS or phentsize < header.size:
            return None
        fh.seek(phoff)
        table = fh.read(phentsize * phnum)
        for i in range(phnum):
            if len(table) < i * phentsize + header.size:
                return None
            fields = header.unpack_from(table, i * phentsize)
            if fields[0] != PT_NOTE:
                continue
            offset, filesz = (fields[2], fields[5]) if wide else (fields[1], fields[4])
            if filesz > MAX_NOTE_BYTES or offset + filesz > size:
                continue
            fh.seek(offset)
            found = _build_id(fh.read(filesz), order)
            if found:
                return found
    except (OSError, struct.error, ValueError):
        return None
    return None


def _build_id(notes: bytes, order: str) -> str | None:
    """Walk the notes of one segment: namesz, descsz, type, name and description, each
    padded to 4 bytes."""
    at = 0
    while at + 12 <= len(notes):
        namesz, descsz, kind = struct.unpack_from(order + "III", notes, at)
        name_at = at + 12
        desc_at = name_at + ((namesz + 3) & ~3)
        end = desc_at + ((descsz + 3) & ~3)
        if end > len(notes) or end <= at:
            return None
        if kind == NT_GNU_BUILD_ID and notes[name_at : name_at + namesz] == b"GNU\0":
            if 0 < descsz <= MAX_ID_BYTES:
                return notes[desc_at : desc_at + descsz].hex()
            return None
        at = end
    return None
