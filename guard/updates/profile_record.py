"""What the offline profile key signs: a small record naming one profiles bundle.

The record holds the product, the channel, a profiles version that only goes up, when it was
signed, and the bundle's sha256. Signing the record (not just the bundle) means the online
content key alone can neither roll the phone numbers back to an older signed set (the
version floor), nor move a set made for one channel to another. The payload in the feed
(``providers_sig``) is ``{"record": {...}, "signatures": {...}}``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from guard.errors import ScamGuardError
from guard.updates import keys
from guard.updates.manifest import PRODUCT, canonical, strict_json

MAX_BYTES = 8 * 1024


class RecordProblem(ScamGuardError):
    """The profile record is unusable; the message is the one-line reason."""


@dataclass(frozen=True)
class ProfileRecord:
    product: str
    channel: str
    version: int
    issued: str
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": 1,
            "product": self.product,
            "channel": self.channel,
            "version": self.version,
            "issued": self.issued,
            "sha256": self.sha256,
        }


def make(
    key: Ed25519PrivateKey, channel: str, version: int, sha256: str, now: dt.datetime
) -> bytes:
    """The ``providers_sig`` payload: the record and the profile key's signature over it."""
    record = ProfileRecord(
        PRODUCT, channel, version, now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), sha256
    )
    body = canonical(record.to_json())
    signatures = strict_json(keys.signature_file([keys.sign(key, "profiles", body)]))
    return canonical({"record": record.to_json(), "signatures": signatures})


def read(data: bytes) -> tuple[ProfileRecord, bytes, bytes]:
    """The record, the exact bytes that were signed, and the signature file (unverified)."""
    if len(data) > MAX_BYTES:
        raise RecordProblem("the profile signature file is too large")
    try:
        doc = strict_json(data)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise RecordProblem(f"the profile signature file is not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or set(doc) != {"record", "signatures"}:
        raise RecordProblem("the profile signature file must hold a record and its signatures")
    record = doc["record"]
    expected = {"schema", "product", "channel", "version", "issued", "sha256"}
    if not isinstance(record, dict) or set(record) != expected or record["schema"] != 1:
        raise RecordProblem("the profile record has the wrong fields")
    version = record["version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise RecordProblem("the profile record's version must be a whole number of 1 or more")
    if not all(isinstance(record[k], str) for k in ("product", "channel", "issued", "sha256")):
        raise RecordProblem("the profile record's fields must be text")
    parsed = ProfileRecord(
        record["product"], record["channel"], version, record["issued"], record["sha256"]
    )
    return parsed, canonical(record), canonical(doc["signatures"])


def verify(data: bytes, bundle_sha256: str, pinned: tuple[keys.TrustedKey, ...]) -> ProfileRecord:
    """The record, if a pinned profile key signed it and it names this very bundle."""
    record, body, signatures = read(data)
    try:
        keys.verify(pinned, "profiles", body, signatures)
    except keys.BadSignature as exc:
        raise RecordProblem(f"not signed by a trusted profile key ({exc})") from None
    if record.product != PRODUCT:
        raise RecordProblem(f"the profiles are for {record.product!r}, not {PRODUCT!r}")
    if record.sha256 != bundle_sha256:
        raise RecordProblem("the profile signature names a different profiles bundle")
    return record
