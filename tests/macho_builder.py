"""Small but real macOS program files with an embedded code signature, for tests.

A 64-bit Mach-O header, one ``LC_CODE_SIGNATURE`` load command, and the signature "super
blob" it points at, whose CMS slot holds a PKCS#7 (tests/pe_builder.py ``code_signature``),
laid out as Apple's cs_blobs.h describes; optionally wrapped in a universal ("fat") file.
"""

from __future__ import annotations

import struct

LC_CODE_SIGNATURE = 0x1D


def super_blob(cms: bytes) -> bytes:
    """An embedded-signature super blob with a code directory slot (empty) and the CMS."""
    code_directory = struct.pack(">II", 0xFADE0C02, 8)
    wrapper = struct.pack(">II", 0xFADE0B01, 8 + len(cms)) + cms
    header = 12 + 2 * 8
    blob = struct.pack(">III", 0xFADE0CC0, header + len(code_directory) + len(wrapper), 2)
    blob += struct.pack(">II", 0, header)
    blob += struct.pack(">II", 0x10000, header + len(code_directory))
    return blob + code_directory + wrapper


def build_macho(cms: bytes | None) -> bytes:
    """A 64-bit x86-64 executable; with ``cms`` None it carries no signature."""
    header_size, command_size = 32, 16
    body = b"\0" * 64  # stands in for the program's segments
    if cms is None:
        return struct.pack("<IiiIIIII", 0xFEEDFACF, 0x01000007, 3, 2, 0, 0, 0, 0) + body
    dataoff = header_size + command_size + len(body)
    signature = super_blob(cms)
    header = struct.pack("<IiiIIIII", 0xFEEDFACF, 0x01000007, 3, 2, 1, command_size, 0, 0)
    command = struct.pack("<IIII", LC_CODE_SIGNATURE, command_size, dataoff, len(signature))
    return header + command + body + signature


def build_fat(*slices: bytes) -> bytes:
    """A universal file holding ``slices`` (each aligned to 4 KiB, as lipo does)."""
    offset = 4096
    table = b""
    data = b""
    for piece in slices:
        table += struct.pack(">iiIII", 0x01000007, 3, offset + len(data), len(piece), 12)
        data += piece + b"\0" * (-len(piece) % 4096)
    head = struct.pack(">II", 0xCAFEBABE, len(slices)) + table
    return head + b"\0" * (offset - len(head)) + data
