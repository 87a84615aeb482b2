"""Publishing an update feed: validate everything, write the bundles, sign the manifest.

Support staff run this (``scamguard feed publish``); the feed folder is then copied as it is
to any web server, object store or CDN. Nothing is written unless everything passes the same
checks ``scamguard signatures validate`` makes, and a version is never published twice.

Provider profiles (the phone numbers) are signed by the separate, offline profile key. A
daily heartbeat re-sign needs only the content key: without ``--providers`` the feed's
current, already profile-signed bundle is carried forward unchanged.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from guard import clock, files
from guard.errors import RejectedError, UsageError
from guard.providers.loader import check_profiles
from guard.sigdb.loader import check_database, load_database
from guard.sigdb.problems import SignatureError
from guard.updates import bundles, keys, profile_record
from guard.updates.manifest import (
    CHANNEL_RE,
    MAX_VERSION_JUMP,
    PRODUCT,
    FileEntry,
    Manifest,
    ManifestProblem,
    parse,
)

MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"
MAX_EXPIRES_DAYS = 90
SHOW_PROBLEMS = 10


@dataclass(frozen=True)
class Request:
    tools: Path
    providers: Path | None
    content_key: Path
    profile_key: Path | None
    version: int | None  # None: one more than the feed's (or the database's) current version
    expires_days: int
    channel: str
    rollout: int | None  # None: the feed's current percentage (100 for a new feed)
    out: Path


def current_manifest(feed: Path, content_key: Ed25519PrivateKey | None = None) -> Manifest | None:
    """The feed's present manifest, if there is one, checked like a client would (against
    ``content_key`` or the content keys pinned in signatures/keys): anyone who can write to
    the feed folder must not be able to steer the next publish (its version, or the profile
    bundle it carries forward)."""
    try:
        raw = (feed / MANIFEST).read_bytes()
        signature = (feed / SIGNATURE).read_bytes()
    except FileNotFoundError:
        if (feed / MANIFEST).exists():
            raise UsageError(f"{feed / SIGNATURE} is missing; fix or move the feed first") from None
        return None
    except OSError as exc:
        raise UsageError(f"{feed} cannot be read ({exc.strerror or exc})") from None
    if content_key is not None:
        known = list(keys.trusted_keys(keys.builtin_keys_dir())["content"])
        public = content_key.public_key()
        known.append(keys.TrustedKey("content", "this key", keys.key_id(public), public))
        try:
            keys.verify(known, "manifest", raw, signature)
        except (keys.BadSignature, keys.KeyProblem) as exc:
            raise RejectedError(
                f"{feed / MANIFEST} is not signed by this content key or a pinned one ({exc}); "
                "nothing published"
            ) from None
    try:
        return parse(raw)
    except ManifestProblem as exc:
        raise UsageError(f"{feed / MANIFEST} is damaged ({exc}); fix or move it first") from None


def publish(request: Request, now: dt.datetime | None = None) -> Manifest:
    """Validate, then write bundles, ``manifest.json.sig`` and ``manifest.json``."""
    now = now or clock.now()
    if not CHANNEL_RE.fullmatch(request.channel):
        raise UsageError("--channel must be lower-case letters, digits and '-', like 'stable'")
    if request.rollout is not None and not 0 <= request.rollout <= 100:
        raise UsageError("--rollout must be a percentage from 0 to 100")
    if not 1 <= request.expires_days <= MAX_EXPIRES_DAYS:
        raise UsageError(f"--expires must be 1 to {MAX_EXPIRES_DAYS} days")
    content_key = _private(request.content_key, "--content-key")
    previous = current_manifest(request.out, content_key)
    if previous is not None and previous.channel != request.channel:
        raise UsageError(
            f"{request.out} is the {previous.channel!r} channel's feed; publish "
            f"{request.channel!r} into its own folder"
        )
    version = request.version or (
        previous.version + 1 if previous else _database_version(request.tools) + 1
    )
    rollout = (
        request.rollout if request.rollout is not None else (previous.rollout if previous else 100)
    )
    if previous is not None and version <= previous.version:
        raise RejectedError(
            f"version {version} is not higher than the feed's current version "
            f"{previous.version}; every publish needs a higher one (undo by publishing the "
            "old content under a higher version)"
        )
    if previous is not None and version > previous.version + MAX_VERSION_JUMP:
        raise UsageError(
            f"version {version} jumps more than {MAX_VERSION_JUMP} past the feed's "
            f"{previous.version}; installs would refuse it"
        )
    tools = _tools_bundle(request.tools)
    if request.providers is not None:
        previous_profiles = 0
        if previous is not None:
            _old, old_sig = _carried_forward(request.out, previous)
            with contextlib.suppress(profile_record.RecordProblem):
                previous_profiles = profile_record.read(old_sig)[0].version
        providers, providers_sig = _providers_bundle(request, content_key, previous_profiles, now)
    else:
        providers, providers_sig = _carried_forward(request.out, previous)
    payloads = {"tools": tools, "providers": providers, "providers_sig": providers_sig}
    entries = {}
    for name, data in payloads.items():
        path = bundles.bundle_path(name, data)  # named by its own hash: cacheable for ever
        if name == "providers_sig":
            path += ".sig"
        entries[name] = FileEntry(path, bundles.sha256(data), len(data))
    manifest = Manifest(
        product=PRODUCT,
        channel=request.channel,
        version=version,
        issued=now.replace(microsecond=0),
        expires=(now + dt.timedelta(days=request.expires_days)).replace(microsecond=0),
        rollout=rollout,
        files=entries,
    )
    body = manifest.encode()
    signature = keys.signature_file([keys.sign(content_key, "manifest", body)])
    for name, data in payloads.items():
        _write(request.out / entries[name].path, data)
    _write(request.out / SIGNATURE, signature)
    _write(request.out / MANIFEST, body)
    return manifest


def _private(path: Path, option: str) -> Ed25519PrivateKey:
    try:
        return keys.load_private(path)
    except keys.KeyProblem as exc:
        raise UsageError(f"{option}: {exc}") from None


def _refuse(what: str, problems: Sequence[object]) -> RejectedError:
    shown = "; ".join(str(p) for p in problems[:SHOW_PROBLEMS])
    more = f" (and {len(problems) - SHOW_PROBLEMS} more)" if len(problems) > SHOW_PROBLEMS else ""
    return RejectedError(f"{what} were rejected, nothing published: {shown}{more}")


def _database_version(directory: Path) -> int:
    try:
        return load_database(directory).version
    except SignatureError:
        return 0  # the full check below says what is wrong


def _tools_bundle(directory: Path) -> bytes:
    """The tools bundle, exactly as reviewed: the same files make the same bundle, so a
    heartbeat re-sign changes no bundle and installs download nothing new."""
    if not (directory / bundles.DATABASE_FILE).is_file():
        raise UsageError(f"--tools {directory}: not a database folder (no database.toml)")
    _sigset, problems = check_database(directory)
    if problems:
        raise _refuse("the tool signatures", problems)
    data = bundles.pack("tools", directory)
    with tempfile.TemporaryDirectory() as scratch:  # exactly what a client will load
        bundles.unpack("tools", data, Path(scratch) / "db")
        load_database(Path(scratch) / "db", future_check=True)
    return data


def _providers_bundle(
    request: Request, content_key: Ed25519PrivateKey, previous_version: int, now: dt.datetime
) -> tuple[bytes, bytes]:
    """The profiles bundle and the profile key's signed record for it (profiles version one
    higher than the feed's, so installs never go back to older numbers)."""
    assert request.providers is not None
    if request.profile_key is None:
        raise UsageError(
            "--providers needs --profile-key: phone numbers are signed by the offline profile "
            "key (leave out --providers to carry the feed's current profiles forward)"
        )
    profile_key = _private(request.profile_key, "--profile-key")
    if keys.key_id(profile_key.public_key()) == keys.key_id(content_key.public_key()):
        raise UsageError("--profile-key must be a different key from --content-key")
    profiles, problems, _stale = check_profiles(request.providers)
    if problems:
        raise _refuse("the provider profiles", problems)
    if not len(profiles):
        raise UsageError(f"--providers {request.providers}: no provider profiles in it")
    data = bundles.pack("providers", request.providers)
    record = profile_record.make(
        profile_key, request.channel, previous_version + 1, bundles.sha256(data), now
    )
    return data, record


def _carried_forward(feed: Path, previous: Manifest | None) -> tuple[bytes, bytes]:
    if previous is None:
        raise UsageError(
            "the first publish into a feed needs --providers and --profile-key (later ones "
            "may carry the profiles forward)"
        )
    found = []
    for name in ("providers", "providers_sig"):
        entry = previous.files[name]
        try:
            data = (feed / entry.path).read_bytes()
        except OSError as exc:
            raise UsageError(
                f"{feed / entry.path} cannot be read ({exc.strerror or exc})"
            ) from None
        if bundles.sha256(data) != entry.sha256:
            raise RejectedError(f"{feed / entry.path} does not match the feed's manifest")
        found.append(data)
    return found[0], found[1]


def _write(path: Path, data: bytes) -> None:
    files.write_atomic(path, data, mode=0o644)  # readable by the web server
