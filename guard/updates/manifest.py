"""The update feed's manifest: what a published update is, in one small signed file.

``manifest.json`` names the product, channel, a version that only ever goes up, when it was
issued and when it expires, the rollout percentage, and for each payload its path, sha256
and length. It is the only file a client trusts directly (after checking its signature);
every payload is then checked against it. Payloads are named by their hash, so a CDN can
cache them for ever and only the manifest is short-lived.

The JSON is written canonically (sorted keys, no spaces) so the bytes that were signed are
the bytes that are served; the client verifies those exact bytes, never a re-encoding.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from guard.errors import ScamGuardError

PRODUCT = "scamguard"
SCHEMA = 1
MAX_MANIFEST_BYTES = 64 * 1024
MAX_PAYLOAD_BYTES = 8 * 1024 * 1024
MAX_VERSION_JUMP = 1000  # a stolen key's "version 2**53" would otherwise freeze installs
PAYLOADS = ("tools", "providers", "providers_sig")  # the files every manifest lists
CHANNEL_RE = re.compile(r"[a-z][a-z0-9-]{0,31}")  # always fullmatch: "$" lets "\n" through
PATH_RE = re.compile(r"bundles/[a-z_]+-[0-9a-f]{64}\.json(\.sig)?")
SHA_RE = re.compile(r"[0-9a-f]{64}")


class ManifestProblem(ScamGuardError):
    """The manifest is not one this client can use; the message is the one-line reason."""


@dataclass(frozen=True)
class FileEntry:
    path: str
    sha256: str
    length: int

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "length": self.length}


@dataclass(frozen=True)
class Manifest:
    product: str
    channel: str
    version: int
    issued: dt.datetime
    expires: dt.datetime
    rollout: int  # percent of installs that take it
    files: dict[str, FileEntry]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "product": self.product,
            "channel": self.channel,
            "version": self.version,
            "issued": _stamp(self.issued),
            "expires": _stamp(self.expires),
            "rollout": self.rollout,
            "files": {name: entry.to_json() for name, entry in sorted(self.files.items())},
        }

    def encode(self) -> bytes:
        return canonical(self.to_json())

    def expired(self, now: dt.datetime) -> bool:
        return now >= self.expires


def canonical(data: Any) -> bytes:
    """The one byte form of a JSON document that is signed and served."""
    return (
        json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")
        + b"\n"
    )


def strict_json(raw: bytes) -> Any:
    """JSON with no repeated keys: parsers differ on which copy wins, so a document that an
    auditor reads one way must not install another way."""

    def no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in pairs]
        if len(set(keys)) != len(keys):
            raise ValueError("a key appears twice")
        return dict(pairs)

    return json.loads(raw.decode("utf-8"), object_pairs_hook=no_repeats)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _moment(field: str, value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise ManifestProblem(f"manifest {field} must be a time like 2026-11-22T03:00:00Z")
    try:
        moment = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        raise ManifestProblem(
            f"manifest {field} {value!r} is not a time like 2026-11-22T03:00:00Z"
        ) from None
    return moment


def parse(raw: bytes) -> Manifest:
    """Read a manifest whose signature has already been checked; any oddity is refused."""
    if len(raw) > MAX_MANIFEST_BYTES:
        raise ManifestProblem(f"manifest is larger than {MAX_MANIFEST_BYTES // 1024} KiB")
    try:
        doc = strict_json(raw)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ManifestProblem(f"manifest is not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise ManifestProblem("manifest is not a JSON object")
    expected = {"schema", "product", "channel", "version", "issued", "expires", "rollout", "files"}
    if set(doc) != expected:
        extra, missing = set(doc) - expected, expected - set(doc)
        what = f"unknown fields {sorted(extra)}" if extra else f"missing fields {sorted(missing)}"
        raise ManifestProblem(f"manifest has {what}")
    if doc["schema"] != SCHEMA:
        raise ManifestProblem(f"manifest schema {doc['schema']!r} is not {SCHEMA}")
    version, rollout = doc["version"], doc["rollout"]
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version < 2**53:
        raise ManifestProblem("manifest version must be a whole number of 1 or more")
    if isinstance(rollout, bool) or not isinstance(rollout, int) or not 0 <= rollout <= 100:
        raise ManifestProblem("manifest rollout must be a percentage from 0 to 100")
    if not isinstance(doc["product"], str) or not isinstance(doc["channel"], str):
        raise ManifestProblem("manifest product and channel must be text")
    files = doc["files"]
    if not isinstance(files, dict) or set(files) != set(PAYLOADS):
        raise ManifestProblem(f"manifest files must be exactly {', '.join(PAYLOADS)}")
    entries = {}
    for name, entry in files.items():
        if not isinstance(entry, dict) or set(entry) != {"path", "sha256", "length"}:
            raise ManifestProblem(f"manifest file {name!r} must have path, sha256 and length")
        path, sha, length = entry["path"], entry["sha256"], entry["length"]
        if not isinstance(path, str) or not PATH_RE.fullmatch(path):
            raise ManifestProblem(f"manifest file {name!r} has an unsafe path {path!r}")
        if not isinstance(sha, str) or not SHA_RE.fullmatch(sha):
            raise ManifestProblem(f"manifest file {name!r} sha256 is not 64 hex digits")
        if (
            isinstance(length, bool)
            or not isinstance(length, int)
            or not 0 < length <= MAX_PAYLOAD_BYTES
        ):
            raise ManifestProblem(
                f"manifest file {name!r} length must be 1 to {MAX_PAYLOAD_BYTES} bytes"
            )
        entries[name] = FileEntry(path, sha, length)
    issued, expires = _moment("issued", doc["issued"]), _moment("expires", doc["expires"])
    if expires <= issued:
        raise ManifestProblem("manifest expires before it was issued")
    return Manifest(doc["product"], doc["channel"], version, issued, expires, rollout, entries)
