"""Build small but real Windows PE files with a version resource, for tests and benchmarks.

Real remote-access binaries cannot be committed (licences, size), so tests make their own:
a PE32+ image with one ``.rsrc`` section holding an RT_VERSION resource (VS_VERSIONINFO →
StringFileInfo → StringTable → String entries, plus VarFileInfo), laid out as the PE/COFF and
VERSIONINFO specifications describe. pefile parses these exactly as it parses vendor files.

Run directly to write a fixture: ``python tests/pe_builder.py OUT.exe ProductName=AnyDesk``.
"""

from __future__ import annotations

import datetime as dt
import struct
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from guard import clock

FILE_ALIGN = 0x200
SECTION_ALIGN = 0x1000
RSRC_RVA = 0x1000
RT_VERSION = 16


def _pad4(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


def _block(key: str, value: bytes, value_length: int, wtype: int, children: list[bytes]) -> bytes:
    """One VERSIONINFO node: wLength, wValueLength, wType, szKey, padding, Value, Children."""
    body = struct.pack("<HH", value_length, wtype) + (key + "\0").encode("utf-16le")
    data = _pad4(b"\0\0" + body)[2:]
    data += value
    for child in children:
        data = _pad4(b"\0\0" + data)[2:] + child
    return struct.pack("<H", len(data) + 2) + data


def version_info(strings: dict[str, str], lang_codepage: str = "040904B0") -> bytes:
    """A complete VS_VERSIONINFO blob carrying ``strings`` in one StringTable."""
    entries = [
        _block(k, (v + "\0").encode("utf-16le"), len(v) + 1, 1, []) for k, v in strings.items()
    ]
    table = _block(lang_codepage, b"", 0, 1, entries)
    string_file_info = _block("StringFileInfo", b"", 0, 1, [table])
    translation = _block("Translation", struct.pack("<HH", 0x0409, 0x04B0), 4, 0, [])
    var_file_info = _block("VarFileInfo", b"", 0, 1, [translation])
    fixed = struct.pack(
        "<13I", 0xFEEF04BD, 0x00010000, 0x00070000, 0, 0x00070000, 0, 0x3F, 0, 0x40004, 1, 0, 0, 0
    )
    return _block("VS_VERSION_INFO", fixed, len(fixed), 0, [string_file_info, var_file_info])


def _resource_section(blob: bytes) -> bytes:
    """Type directory → name directory → language directory → data entry → data."""

    def directory(entry_id: int, target: int, is_dir: bool) -> bytes:
        head = struct.pack("<IIHHHH", 0, 0, 0, 0, 0, 1)
        return head + struct.pack("<II", entry_id, (0x80000000 | target) if is_dir else target)

    data_offset = 24 * 3 + 16
    section = directory(RT_VERSION, 24, True)
    section += directory(1, 48, True)
    section += directory(0x0409, 72, False)
    section += struct.pack("<IIII", RSRC_RVA + data_offset, len(blob), 0, 0)
    return _pad4(section + blob)


def code_signature(publisher: str, organisation: str | None = None) -> bytes:
    """A PKCS#7 SignedData as Authenticode carries it: the publisher's code-signing
    certificate, the CA that issued it and a time-stamping authority's certificate (which
    is not the signer). Valid from the one clock's today (guard/clock.py) for three years;
    nothing here checks validity, but no test file carries a calendar date."""
    issued = clock.now()

    def cert(
        name: x509.Name, key: ec.EllipticCurvePrivateKey, issuer: x509.Name,
        issuer_key: ec.EllipticCurvePrivateKey, *, ca: bool,
        usage: list[x509.ObjectIdentifier],
    ) -> x509.Certificate:  # fmt: skip
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(issued - dt.timedelta(days=1))
            .not_valid_after(issued + dt.timedelta(days=3 * 365))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if usage:
            builder = builder.add_extension(x509.ExtendedKeyUsage(usage), critical=False)
        return builder.sign(issuer_key, hashes.SHA256())

    def name(common: str, org: str | None = None) -> x509.Name:
        parts = [x509.NameAttribute(NameOID.COMMON_NAME, common)]
        if org:
            parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
        return x509.Name(parts)

    ca_key, leaf_key, ts_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    ca_name = name("Test Code Signing CA")
    signing = [ExtendedKeyUsageOID.CODE_SIGNING]
    ca = cert(ca_name, ca_key, ca_name, ca_key, ca=True, usage=signing)
    leaf = cert(name(publisher, organisation), leaf_key, ca_name, ca_key, ca=False, usage=signing)
    stamp = cert(
        name("Test Timestamp Authority"), ts_key, ca_name, ca_key, ca=False,
        usage=[ExtendedKeyUsageOID.TIME_STAMPING],
    )  # fmt: skip
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(b"SpcIndirectDataContent stand-in")
        .add_signer(leaf, leaf_key, hashes.SHA256())
        .add_certificate(ca)
        .add_certificate(stamp)
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )


def certificate_table(signature: bytes) -> bytes:
    """One WIN_CERTIFICATE (revision 2.0, PKCS#7 signed data), padded to 8 bytes."""
    entry = struct.pack("<LHH", 8 + len(signature), 0x0200, 0x0002) + signature
    return entry + b"\0" * (-len(entry) % 8)


def build_pe(strings: dict[str, str] | None, signature: bytes | None = None) -> bytes:
    """A PE32+ GUI executable; with ``strings`` None it has no resources at all. With
    ``signature`` (a PKCS#7, see ``code_signature``) a certificate table follows the image,
    where Windows puts an Authenticode signature."""
    rsrc = _resource_section(version_info(strings)) if strings is not None else b"\0" * 16
    raw_size = -(-len(rsrc) // FILE_ALIGN) * FILE_ALIGN
    table = certificate_table(signature) if signature is not None else b""
    image_size = RSRC_RVA + -(-len(rsrc) // SECTION_ALIGN) * SECTION_ALIGN
    dos = b"MZ" + b"\0" * 0x3A + struct.pack("<I", 0x40)
    coff = struct.pack("<HHIIIHH", 0x8664, 1, 0, 0, 0, 240, 0x0022)
    opt = struct.pack("<HBBIIIII", 0x20B, 14, 0, 0, len(rsrc), 0, 0, RSRC_RVA)
    opt += struct.pack(
        "<QIIHHHHHHIIIIHHQQQQII",
        0x140000000,
        SECTION_ALIGN,
        FILE_ALIGN,
        6,
        0,
        0,
        0,
        6,
        0,
        0,
        image_size,
        FILE_ALIGN,
        0,
        2,
        0x8160,
        0x100000,
        0x1000,
        0x100000,
        0x1000,
        0,
        16,
    )
    dirs = [(0, 0)] * 16
    if strings is not None:
        dirs[2] = (RSRC_RVA, len(rsrc))
    if table:
        dirs[4] = (FILE_ALIGN + raw_size, len(table))  # a file offset, not an address
    opt += b"".join(struct.pack("<II", rva, size) for rva, size in dirs)
    section = struct.pack(
        "<8sIIIIIIHHI", b".rsrc", len(rsrc), RSRC_RVA, raw_size, FILE_ALIGN, 0, 0, 0, 0, 0x40000040
    )
    headers = dos + b"PE\0\0" + coff + opt + section
    headers += b"\0" * (FILE_ALIGN - len(headers))
    return headers + rsrc + b"\0" * (raw_size - len(rsrc)) + table


def write_pe(path: Path, signature: bytes | None = None, **strings: str) -> Path:
    """Write a PE whose version resource holds ``strings`` (CompanyName=…, ProductName=…),
    signed with ``signature`` when given."""
    path.write_bytes(build_pe(strings or None, signature))
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1])
    pairs = dict(arg.split("=", 1) for arg in sys.argv[2:])
    write_pe(out, **pairs)
    print(f"wrote {out} ({out.stat().st_size} bytes)")
