"""One ISP's provider profile as a single signed file, for installing with ScamGuard.

The ISP writes its profile (a TOML file, ``docs/providers.md``); ScamGuard's support staff
check every number against the ISP's own pages and sign it with the offline profile key
(``scamguard provider sign``). The ISP's installer then passes the file to ``scamguard
provider install``, which accepts it only if a pinned profile key signed it. A file edited
anywhere on the way (a reseller, a compromised deployment share) is refused, so the numbers a
victim is told to call can only ever be ones ScamGuard checked.

The file is canonical JSON::

    {"format": "scamguard-provider-profile",
     "record": {"schema": 1, "product": "scamguard", "provider": ID, "issued": UTC, "sha256": H},
     "signatures": {"signatures": [{"key_id": ..., "signature": ...}]},
     "bundle": "<a providers bundle (guard/updates/bundles.py) holding exactly one profile>"}

The signature covers the record under its own purpose prefix, so it can never pass as a feed
signature, and the record names the bundle by its sha256.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from guard import clock
from guard.errors import ScamGuardError
from guard.providers.loader import load_profiles
from guard.providers.model import Profile
from guard.updates import bundles, keys
from guard.updates.manifest import PRODUCT, canonical, strict_json

FORMAT = "scamguard-provider-profile"
SUFFIX = ".scamguard-profile"
PURPOSE = "provider-profile"
MAX_BYTES = 128 * 1024
RECORD_FIELDS = frozenset({"schema", "product", "provider", "issued", "sha256"})


class SignedProfileProblem(ScamGuardError):
    """The file cannot be used; the message is the one-line reason, for the installer log."""


@dataclass(frozen=True)
class SignedProfile:
    profile: Profile
    issued: str  # when the profile key signed it (UTC, ISO 8601)
    key_id: str  # which pinned profile key signed it


def make(
    profile_file: Path, key: Ed25519PrivateKey, now: dt.datetime | None = None
) -> tuple[bytes, Profile]:
    """The signed file for one profile TOML, and the profile, after validating it exactly as
    publishing does (every number valid, sourced, dated, not in the future). Raises
    SignedProfileProblem."""
    try:
        text = profile_file.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SignedProfileProblem(
            f"{profile_file}: cannot be read as UTF-8 text ({exc})"
        ) from None
    try:
        bundle = bundles.make("providers", {profile_file.name: text})
        bundles.files_of("providers", bundle)  # the same name and size rules as installs
    except bundles.BundleProblem as exc:
        raise SignedProfileProblem(str(exc)) from None
    profile = _load_one(bundle, future_check=True)
    issued = (now or clock.now()).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    record = {
        "schema": 1,
        "product": PRODUCT,
        "provider": profile.id,
        "issued": issued,
        "sha256": bundles.sha256(bundle),
    }
    signatures = keys.signature_file([keys.sign(key, PURPOSE, canonical(record))])
    document = {
        "format": FORMAT,
        "record": record,
        "signatures": strict_json(signatures),
        "bundle": bundle.decode("ascii"),
    }
    return canonical(document), profile


def read(data: bytes, pinned: tuple[keys.TrustedKey, ...]) -> SignedProfile:
    """The profile, if a pinned profile key signed exactly this file's contents. Every way
    it can fail raises SignedProfileProblem with a reason an installer log can show."""
    if len(data) > MAX_BYTES:
        raise SignedProfileProblem(f"larger than {MAX_BYTES // 1024} KiB: not a profile file")
    try:
        doc = strict_json(data)
    except (UnicodeDecodeError, ValueError, RecursionError):
        looks_like_toml = data.lstrip()[:1] in (b"#", b"[") or b"\nid = " in data[:4096]
        raise SignedProfileProblem(
            "this is an unsigned profile (.toml): install the .scamguard-profile file "
            "ScamGuard support sent back after checking and signing it"
            if looks_like_toml
            else "not a signed ScamGuard profile (not JSON)"
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise SignedProfileProblem(
            "not a signed ScamGuard profile (a .toml profile must first be checked and signed "
            "by ScamGuard: see docs/isp-bundling.md)"
        )
    if set(doc) != {"format", "record", "signatures", "bundle"}:
        raise SignedProfileProblem("the signed profile has the wrong fields")
    record, bundle = doc["record"], doc["bundle"]
    if not isinstance(record, dict) or set(record) != RECORD_FIELDS or record["schema"] != 1:
        raise SignedProfileProblem("the signed profile's record has the wrong fields")
    if not isinstance(bundle, str) or not all(
        isinstance(record[k], str) for k in RECORD_FIELDS - {"schema"}
    ):
        raise SignedProfileProblem("the signed profile's fields must be text")
    try:
        key = keys.verify(pinned, PURPOSE, canonical(record), canonical(doc["signatures"]))
    except keys.BadSignature as exc:
        raise SignedProfileProblem(f"not signed by a trusted profile key ({exc})") from None
    if record["product"] != PRODUCT:
        raise SignedProfileProblem(f"the profile is for {record['product']!r}, not {PRODUCT!r}")
    if not bundle.isascii():  # canonical JSON is ASCII; and a lone surrogate cannot encode
        raise SignedProfileProblem("the profile was changed after it was signed")
    raw_bundle = bundle.encode("ascii")
    if bundles.sha256(raw_bundle) != record["sha256"]:
        raise SignedProfileProblem(
            "the profile was changed after it was signed: use the file exactly as received"
        )
    profile = _load_one(raw_bundle, future_check=False)
    if profile.id != record["provider"]:
        raise SignedProfileProblem(
            f"the signature is for provider {record['provider']!r}, the profile is {profile.id!r}"
        )
    return SignedProfile(profile, record["issued"], key.key_id)


def _load_one(bundle: bytes, *, future_check: bool) -> Profile:
    """The single profile in ``bundle``, loaded from a scratch copy exactly as the guard
    loads any profile; any problem at all refuses the file (it was checked before signing)."""
    try:
        files = bundles.files_of("providers", bundle)
    except bundles.BundleProblem as exc:
        raise SignedProfileProblem(str(exc)) from None
    if len(files) != 1:
        raise SignedProfileProblem(f"a profile file holds one profile, not {len(files)}")
    with tempfile.TemporaryDirectory(
        prefix="scamguard-profile-", ignore_cleanup_errors=True
    ) as scratch:
        folder = Path(scratch) / "providers"
        try:
            bundles.unpack("providers", bundle, folder)
        except (OSError, bundles.BundleProblem) as exc:
            raise SignedProfileProblem(f"the profile cannot be unpacked ({exc})") from None
        loaded, problems = load_profiles(folder, future_check=future_check)
    if problems:
        raise SignedProfileProblem("; ".join(str(p) for p in problems[:3]))
    (profile,) = loaded.profiles.values()
    return profile


def with_source(signed: SignedProfile, source: Path) -> SignedProfile:
    """The same profile, naming the installed file it came from (for ``provider show``)."""
    return dataclasses.replace(
        signed, profile=dataclasses.replace(signed.profile, source=str(source))
    )
