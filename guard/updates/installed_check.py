"""Re-checking an installed update every time it is loaded, against the pinned keys.

The update folder sits in the person's own state folder, which anyone using the account can
write. A caller who talks someone into copying in a folder of ``.toml`` files and a pointer
would otherwise choose what the guard detects (an empty list detects nothing). So the folder
is trusted for no other reason than what it holds: the feed's manifest, byte for byte, and
its signature. At every load the signature is checked against the content keys this copy of
ScamGuard pins (the same keys ``scamguard update`` checks with: the machine config's
``trusted_keys`` for staging, else the built-in ones), then the product and channel, then
every file against the manifest: the bundles by sha256 and length, the unpacked files
byte for byte against the bundles, and no file the loaders read that the update did not
bring. Any difference refuses the whole folder, with a one-line reason, and the guard uses
its built-in database.

A development build pins no keys, so no installed update can pass: it always guards with the
built-in database (``scamguard update`` refuses every update there anyway).

Not covered: a genuine, older signed install copied back in (state.json, which counts
versions, is just as writable); it can only bring back data that was once published.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from guard.errors import ScamGuardError
from guard.state import machine_config
from guard.updates import bundles, installed, keys, profile_record
from guard.updates.manifest import MAX_MANIFEST_BYTES, PRODUCT, Manifest, ManifestProblem, parse

MAX_SIGNATURE_BYTES = keys.MAX_SIGNATURE_FILE_BYTES


class Refused(ScamGuardError):
    """The installed update is not used; the message is the one-line reason."""


def pinned_content_keys() -> tuple[keys.TrustedKey, ...]:
    """The content keys this computer pins (the installer's, for staging, else built-in)."""
    directory = machine_config.trusted_keys_dir() or keys.builtin_keys_dir()
    try:
        return keys.trusted_keys(directory).get("content", ())
    except keys.KeyProblem as exc:
        raise Refused(f"the trusted keys cannot be read: {exc}") from None


def followed_channel() -> str | None:
    """The channel the installer set for this computer, or None (any channel: a person may
    follow another with ``scamguard update --channel``)."""
    value = machine_config.read().get("update_channel")
    return value if isinstance(value, str) and value else None


def _read(folder: Path, name: str, limit: int) -> bytes:
    path = folder / name
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise Refused(f"{name} is missing") from None
    except OSError as exc:
        raise Refused(f"{name} cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise Refused(f"{name} is larger than the {limit} bytes allowed")
    return data


def check(folder: Path, pinned: tuple[keys.TrustedKey, ...], channel: str | None) -> Manifest:
    """The verified manifest of the update installed in ``folder``, or Refused."""
    try:
        body = _read(folder, installed.MANIFEST_COPY, MAX_MANIFEST_BYTES)
        signature = _read(folder, installed.SIGNATURE_COPY, MAX_SIGNATURE_BYTES)
    except Refused as exc:
        raise Refused(f"it has no signed manifest: {exc}") from None
    if not pinned:
        raise Refused("no trusted content key is pinned, so no installed update can be checked")
    try:
        keys.verify(pinned, "manifest", body, signature)
    except keys.BadSignature as exc:
        raise Refused(f"its manifest's signature was refused: {exc}") from None
    try:
        manifest = parse(body)
    except ManifestProblem as exc:
        raise Refused(str(exc)) from None
    if manifest.product != PRODUCT:
        raise Refused(f"its manifest is for {manifest.product!r}, not {PRODUCT!r}")
    if channel is not None and manifest.channel != channel:
        raise Refused(
            f"it is for the {manifest.channel!r} channel; this computer follows {channel!r}"
        )
    payloads = {}
    for name, filename in (
        ("tools", installed.TOOLS_BUNDLE),
        ("providers", installed.PROVIDERS_BUNDLE),
        ("providers_sig", installed.PROVIDERS_SIG),
    ):
        entry = manifest.files[name]
        data = _read(folder, filename, entry.length)
        if len(data) != entry.length or hashlib.sha256(data).hexdigest() != entry.sha256:
            raise Refused(f"{filename} does not match the signed manifest")
        payloads[name] = data
    _same_text(folder, installed.VERSION, f"{manifest.version}\n")
    try:
        record = profile_record.read(payloads["providers_sig"])[0]
    except profile_record.RecordProblem as exc:
        raise Refused(str(exc)) from None
    _same_text(folder, installed.PROFILES_VERSION, f"{record.channel} {record.version}\n")
    try:
        tools = bundles.files_of("tools", payloads["tools"])
        providers = bundles.files_of("providers", payloads["providers"])
    except bundles.BundleProblem as exc:
        raise Refused(str(exc)) from None
    _same_files(folder, "", bundles.expected_files("tools", tools))
    _same_files(folder, installed.PROVIDERS, bundles.expected_files("providers", providers))
    return manifest


def _same_text(folder: Path, name: str, expected: str) -> None:
    if _read(folder, name, 64) != expected.encode("utf-8"):
        raise Refused(f"{name} does not match the signed manifest")


def _same_files(folder: Path, under: str, expected: dict[str, bytes]) -> None:
    """Every file of the bundle, byte for byte, and no other file the loaders would read."""
    base = folder / under if under else folder
    for where, content in expected.items():
        shown = f"{under}/{where}" if under else where
        if _read(base, where, bundles.MAX_FILE_BYTES) != content:
            raise Refused(f"{shown} was changed after it was installed")
    wanted = set(expected)
    for sub in {where.rpartition("/")[0] for where in expected}:
        try:
            present = [p for p in (base / sub).iterdir() if _loaded(p)]
        except OSError as exc:
            shown = "/".join(part for part in (under, sub) if part) or "the update folder"
            raise Refused(f"{shown} cannot be listed ({exc.strerror or exc})") from None
        for path in present:
            where = f"{sub}/{path.name}" if sub else path.name
            if where not in wanted:
                shown = f"{under}/{where}" if under else where
                raise Refused(f"{shown} is not part of the signed update (added by hand)")


def _loaded(path: Path) -> bool:
    """Would a loader read this (``*.toml`` not starting with "."; any case, for Windows)?"""
    return path.name.lower().endswith(".toml") and not path.name.startswith(".")
