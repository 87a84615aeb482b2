"""Who signed a macOS program: the Developer ID in its embedded code signature.

Every app a person can open on a current Mac without a scary prompt is signed with a
Developer ID certificate ("Developer ID Application: AnyDesk Software GmbH (TEAMID)",
organisation "AnyDesk Software GmbH"). Renaming the app or its program changes nothing in
it, so the signer identifies a renamed copy as Authenticode does on Windows (signer.py reads
the certificate; the same ``[signing] signers`` match).

The signature sits in the program file itself: a Mach-O load command ``LC_CODE_SIGNATURE``
points at a "super blob" whose CMS slot holds a PKCS#7 SignedData. A universal ("fat")
program holds one Mach-O per processor; the first signed one answers. Everything is read
through small bounded reads from an open handle; anything malformed gives no signer.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

from guard.identify.signer import MAX_SIGNATURE_BYTES, signer_names

MH_MAGIC_64 = 0xFEEDFACF
MH_MAGIC = 0xFEEDFACE
FAT_MAGIC = 0xCAFEBABE
FAT_MAGIC_64 = 0xCAFEBABF
LC_CODE_SIGNATURE = 0x1D
CSMAGIC_EMBEDDED_SIGNATURE = 0xFADE0CC0
CSMAGIC_BLOBWRAPPER = 0xFADE0B01
CSSLOT_SIGNATURESLOT = 0x10000

MAX_ARCHES = 8
MAX_COMMANDS = 512
MAX_COMMAND_BYTES = 1024 * 1024
MAX_BLOB_SLOTS = 64


def macho_signers(fh: BinaryIO, size: int) -> tuple[str, ...]:
    """The Developer ID names of a Mach-O (or universal) program, or () for anything else."""
    try:
        head = _read(fh, 0, 8)
        if len(head) < 8:
            return ()
        (magic,) = struct.unpack_from(">I", head)
        if magic in (FAT_MAGIC, FAT_MAGIC_64):
            return _fat(fh, size, magic == FAT_MAGIC_64)
        return _slice(fh, 0, size)
    except (OSError, struct.error, ValueError):
        return ()


def _read(fh: BinaryIO, offset: int, count: int) -> bytes:
    fh.seek(offset)
    return fh.read(count)


def _fat(fh: BinaryIO, size: int, wide: bool) -> tuple[str, ...]:
    (count,) = struct.unpack(">I", _read(fh, 4, 4))
    entry = struct.Struct(">iiQQI4x" if wide else ">iiIII")
    table = _read(fh, 8, entry.size * min(count, MAX_ARCHES))
    for i in range(min(count, MAX_ARCHES)):
        if len(table) < (i + 1) * entry.size:
            break
        _cpu, _sub, offset, length, _align = entry.unpack_from(table, i * entry.size)
        if 0 < offset < size and length <= size - offset:
            found = _slice(fh, offset, length)
            if found:
                return found
    return ()


def _slice(fh: BinaryIO, base: int, length: int) -> tuple[str, ...]:
    head = _read(fh, base, 32)
    if len(head) < 28:
        return ()
    (magic,) = struct.unpack_from("<I", head)
    if magic == MH_MAGIC_64:
        header_size = 32
    elif magic == MH_MAGIC:
        header_size = 28
    else:
        return ()  # big-endian Mach-O is PowerPC: no current Mac runs it
    ncmds, sizeofcmds = struct.unpack_from("<II", head, 16)
    if ncmds > MAX_COMMANDS or sizeofcmds > min(MAX_COMMAND_BYTES, length):
        return ()
    commands = _read(fh, base + header_size, sizeofcmds)
    at = 0
    for _ in range(ncmds):
        if at + 8 > len(commands):
            return ()
        cmd, cmdsize = struct.unpack_from("<II", commands, at)
        if cmd == LC_CODE_SIGNATURE and cmdsize >= 16 and at + 16 <= len(commands):
            dataoff, datasize = struct.unpack_from("<II", commands, at + 8)
            if dataoff + datasize > length:
                return ()
            return _signature(fh, base + dataoff, datasize)
        if cmdsize < 8:
            return ()
        at += cmdsize
    return ()


def _signature(fh: BinaryIO, offset: int, size: int) -> tuple[str, ...]:
    """The super blob (big-endian, as Apple writes it) and its CMS slot."""
    head = _read(fh, offset, 12)
    if len(head) < 12:
        return ()
    magic, length, count = struct.unpack(">III", head)
    if magic != CSMAGIC_EMBEDDED_SIGNATURE or length > size or count > MAX_BLOB_SLOTS:
        return ()
    index = _read(fh, offset + 12, 8 * count)
    for i in range(count):
        if len(index) < 8 * (i + 1):
            return ()
        slot, blob_at = struct.unpack_from(">II", index, 8 * i)
        if slot != CSSLOT_SIGNATURESLOT or blob_at + 8 > length:
            continue
        blob_magic, blob_length = struct.unpack(">II", _read(fh, offset + blob_at, 8))
        if blob_magic != CSMAGIC_BLOBWRAPPER or not 8 < blob_length <= MAX_SIGNATURE_BYTES:
            return ()
        if blob_at + blob_length > length:
            return ()
        return signer_names(_read(fh, offset + blob_at + 8, blob_length - 8))
    return ()
