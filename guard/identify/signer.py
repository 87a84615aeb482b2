"""Who signed a program: the publisher names in its code-signing certificate.

A renamed AnyDesk (``notes.exe``, version info stripped by a repacker) still carries AnyDesk
Software GmbH's Authenticode signature, because removing it makes Windows SmartScreen warn
the person. That makes the signer the strongest identity a Windows program has after its
hash. The guard only *identifies* with it: a file claiming AnyDesk's signer is treated as
AnyDesk whether or not the chain is valid (a forged claim is still someone pretending to be
a remote-access tool), so no chain is built and no trust store is read.

The PKCS#7 SignedData comes from a PE's certificate table (``WIN_CERTIFICATE``, read in
pe.py) or an MSI's ``\\x05DigitalSignature`` stream; ``cryptography`` parses it. The signer is
the certificate that signs code and is not a CA: the intermediates are CAs, and a timestamp
authority's certificate is for time-stamping only.
"""

from __future__ import annotations

import contextlib
import struct
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography import x509

# Real signatures are a few KB to a few tens of KB (the whole chain); a larger blob is not
# parsed.
MAX_SIGNATURE_BYTES = 1024 * 1024
MAX_CERTIFICATES = 32
MAX_NAME_CHARS = 200
WIN_CERT_TYPE_PKCS_SIGNED_DATA = 0x0002
_WIN_CERTIFICATE = struct.Struct("<LHH")  # dwLength, wRevision, wCertificateType


def signer_names(der: bytes) -> tuple[str, ...]:
    """The publisher names (subject common name, then organisation) of the code-signing
    certificates in a PKCS#7 SignedData, or () for anything that is not one."""
    blob = _exact_der(der)
    if blob is None:
        return ()
    # Imported on the first signature seen: the PKCS#7 bindings cost about 9 MB of memory,
    # which a guard that never meets a signed program (most Linux desktops) need not pay.
    from cryptography.hazmat.primitives.serialization import pkcs7  # noqa: PLC0415
    from cryptography.x509.oid import NameOID  # noqa: PLC0415

    try:
        certificates = pkcs7.load_der_pkcs7_certificates(blob)
    except Exception:  # malformed, truncated, not PKCS#7: no signer evidence
        return ()
    names: dict[str, None] = {}
    for cert in certificates[:MAX_CERTIFICATES]:
        if _is_code_signer(cert):
            for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME):
                for attribute in cert.subject.get_attributes_for_oid(oid):
                    value = attribute.value
                    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
                    text = text.strip()[:MAX_NAME_CHARS]
                    if text:
                        names.setdefault(text, None)
    return tuple(names)


def pkcs7_from_certificate_table(table: bytes) -> bytes | None:
    """The first PKCS#7 SignedData in a PE certificate table (the bytes the security data
    directory points at), or None."""
    if len(table) < _WIN_CERTIFICATE.size:
        return None
    length, _revision, kind = _WIN_CERTIFICATE.unpack_from(table)
    if kind != WIN_CERT_TYPE_PKCS_SIGNED_DATA or length <= _WIN_CERTIFICATE.size:
        return None
    # ``table`` may be only the start of a padded entry; the DER's own length decides.
    return table[_WIN_CERTIFICATE.size : length]


def _exact_der(data: bytes) -> bytes | None:
    """The outer DER SEQUENCE alone: a certificate table pads its entry to 8 bytes, and
    trailing bytes would make cryptography fall back to (deprecated) BER parsing."""
    if len(data) < 2 or data[0] != 0x30:
        return None
    first = data[1]
    if first < 0x80:
        header, length = 2, first
    else:
        count = first & 0x7F
        if not 1 <= count <= 4 or len(data) < 2 + count:
            return None
        header, length = 2 + count, int.from_bytes(data[2 : 2 + count], "big")
    end = header + length
    return data[:end] if end <= min(len(data), MAX_SIGNATURE_BYTES) else None


def _is_code_signer(cert: x509.Certificate) -> bool:
    from cryptography import x509  # noqa: PLC0415 - see signer_names
    from cryptography.x509.oid import ExtendedKeyUsageOID  # noqa: PLC0415

    # No basic constraints (an end certificate) or unparsable ones: judge by the usages.
    with contextlib.suppress(Exception):
        if cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return False
    try:
        usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return True  # old certificates carry no usage list; not a CA, so the signer
    except Exception:
        return False
    return ExtendedKeyUsageOID.CODE_SIGNING in usages
