"""Ed25519 keys and detached signatures for signed updates.

Two key roles (docs/architecture.md): the *content* key signs the update manifest and can live
in CI; the *profile* key signs provider profiles (the phone numbers shown in the warning) and
stays offline, because a forged number would turn the guard into a scam tool. The app pins
the public keys of both roles in ``signatures/keys/<role>/*.pub``; each role holds the current
key plus an offline backup, and a new key needs an app release (there is no in-band rotation).

Every signature covers a purpose prefix (``PURPOSES``) followed by the data, so a manifest
signature can never be replayed as a profiles signature.

A ``.pub`` file is one line::

    scamguard-ed25519 <key id> <base64 raw 32-byte public key> <name>

and a signature file is canonical JSON ``{"signatures": [{"key_id": ..., "signature": ...}]}``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from guard.errors import ScamGuardError
from guard.state import paths

ROLES = ("content", "profile")
PURPOSES = {
    "manifest": b"scamguard-manifest-v1\0",
    "profiles": b"scamguard-profiles-v1\0",
    # One ISP's profile, installed machine-wide (guard/providers/signed_file.py).
    "provider-profile": b"scamguard-provider-profile-v1\0",
}

PUB_PREFIX = "scamguard-ed25519"
NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,40}")
KEY_ID_RE = re.compile(r"[0-9a-f]{16}")
MAX_PUB_BYTES = 4096
MAX_PRIVATE_BYTES = 16384
MAX_KEYS_PER_ROLE = 16
MAX_SIGNATURE_FILE_BYTES = 4096
MAX_SIGNATURES = 8
_SIGNATURE_LEN = 64
_PUBLIC_LEN = 32


class KeyProblem(ScamGuardError):
    """A key file is missing, malformed or unsafe: one line naming the file and the problem."""


class BadSignature(ScamGuardError):
    """A signature file was refused: one line saying why."""


@dataclass(frozen=True)
class TrustedKey:
    """A pinned public key. ``key_id`` is derived from ``public``, so it alone identifies the
    key for equality and hashing (the key object itself is not hashable)."""

    role: str
    name: str
    key_id: str
    public: Ed25519PublicKey = field(compare=False, repr=False)


def key_id(public: Ed25519PublicKey) -> str:
    """First 16 hex characters of sha256 of the raw 32-byte public key."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def builtin_keys_dir() -> Path:
    """The public keys shipped with this copy of ScamGuard."""
    return paths.builtin_signatures_dir() / "keys"


def _check_name(name: str) -> None:
    if not NAME_RE.fullmatch(name):
        raise KeyProblem(
            f"{name!r}: a key name is 1 to 41 lower-case letters, digits or '-', "
            "starting with a letter or digit"
        )


def _public_line(public: Ed25519PublicKey, name: str) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return f"{PUB_PREFIX} {key_id(public)} {base64.b64encode(raw).decode('ascii')} {name}\n"


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Create ``path`` with ``mode`` from the very first moment; never overwrite."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, mode)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def generate(name: str, out_dir: Path) -> tuple[Path, Path]:
    """Write a new key pair: ``out_dir/NAME.key`` (PKCS#8 PEM, unencrypted, mode 0600) and
    ``out_dir/NAME.pub``. Returns (private path, public path); refuses to overwrite."""
    _check_name(name)
    out_dir = Path(out_dir)
    private_path = out_dir / f"{name}.key"
    public_path = out_dir / f"{name}.pub"
    try:
        out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise KeyProblem(f"{out_dir}: cannot create the folder ({exc.strerror or exc})") from None
    if not out_dir.is_dir():
        raise KeyProblem(f"{out_dir}: not a folder")
    for path in (private_path, public_path):
        if path.exists() or path.is_symlink():
            raise KeyProblem(f"{path}: already exists; refusing to overwrite a key")
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        _write_new(private_path, pem, 0o600)
    except FileExistsError:
        raise KeyProblem(f"{private_path}: already exists; refusing to overwrite a key") from None
    except OSError as exc:
        raise KeyProblem(f"{private_path}: cannot write ({exc.strerror or exc})") from None
    try:
        _write_new(public_path, _public_line(private.public_key(), name).encode("ascii"), 0o644)
    except OSError as exc:
        # Never leave a private key behind without its public half.
        private_path.unlink(missing_ok=True)
        if isinstance(exc, FileExistsError):
            raise KeyProblem(
                f"{public_path}: already exists; refusing to overwrite a key"
            ) from None
        raise KeyProblem(f"{public_path}: cannot write ({exc.strerror or exc})") from None
    return private_path, public_path


def _read_capped(path: Path, limit: int, what: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise KeyProblem(f"{path}: no such file") from None
    except IsADirectoryError:
        raise KeyProblem(f"{path}: is a folder, not a {what}") from None
    except OSError as exc:
        raise KeyProblem(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise KeyProblem(f"{path}: larger than {limit} bytes, not a {what}")
    return data


def load_private(path: Path) -> Ed25519PrivateKey:
    """Load an unencrypted PKCS#8 PEM Ed25519 private key that only its owner can read."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise KeyProblem(f"{path}: no such file") from None
    except OSError as exc:
        raise KeyProblem(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise KeyProblem(f"{path}: not a regular file")
    if os.name == "posix" and info.st_mode & 0o077:
        raise KeyProblem(f"{path}: permissions too open: chmod 600 {path}")
    data = _read_capped(path, MAX_PRIVATE_BYTES, "private key")
    try:
        private = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise KeyProblem(
            f"{path}: the key is encrypted; ScamGuard needs an unencrypted key"
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise KeyProblem(f"{path}: not a PEM private key") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise KeyProblem(f"{path}: not an Ed25519 private key")
    return private


def load_public(path: Path, role: str) -> TrustedKey:
    """Parse a ``.pub`` line and check that its key id matches its key."""
    if role not in ROLES:
        raise ValueError(f"unknown key role {role!r} (expected one of {', '.join(ROLES)})")
    path = Path(path)
    data = _read_capped(path, MAX_PUB_BYTES, "public key file")
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise KeyProblem(f"{path}: not a ScamGuard public key (not plain ASCII)") from None
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) != 1:
        raise KeyProblem(f"{path}: expected exactly one line '{PUB_PREFIX} KEY-ID KEY NAME'")
    fields = lines[0].split()
    if len(fields) != 4 or fields[0] != PUB_PREFIX:
        raise KeyProblem(f"{path}: expected '{PUB_PREFIX} KEY-ID KEY NAME'")
    _, claimed_id, encoded, name = fields
    if not KEY_ID_RE.fullmatch(claimed_id):
        raise KeyProblem(f"{path}: key id {claimed_id[:40]!r} is not 16 lower-case hex digits")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise KeyProblem(f"{path}: the key is not valid base64") from None
    if len(raw) != _PUBLIC_LEN:
        raise KeyProblem(f"{path}: the key is {len(raw)} bytes, an Ed25519 key is {_PUBLIC_LEN}")
    public = Ed25519PublicKey.from_public_bytes(raw)
    actual = key_id(public)
    if actual != claimed_id:
        raise KeyProblem(f"{path}: key id {claimed_id} does not match the key (it is {actual})")
    if not NAME_RE.fullmatch(name):
        raise KeyProblem(f"{path}: key name {name[:60]!r} is not a valid key name")
    return TrustedKey(role=role, name=name, key_id=actual, public=public)


def trusted_keys(directory: Path) -> dict[str, tuple[TrustedKey, ...]]:
    """Every pinned key, by role, from ``directory/<role>/*.pub``.

    A missing role folder means no keys for that role. Anything malformed is a KeyProblem,
    never skipped: the pinned set must be exactly what was shipped.
    """
    directory = Path(directory)
    result: dict[str, tuple[TrustedKey, ...]] = {}
    seen: dict[str, TrustedKey] = {}
    for role in ROLES:
        folder = directory / role
        if not folder.exists():
            result[role] = ()
            continue
        if not folder.is_dir():
            raise KeyProblem(f"{folder}: not a folder")
        try:
            files = sorted(
                p for p in folder.iterdir() if p.suffix == ".pub" and not p.name.startswith(".")
            )
        except OSError as exc:
            raise KeyProblem(f"{folder}: cannot list ({exc.strerror or exc})") from None
        if len(files) > MAX_KEYS_PER_ROLE:
            raise KeyProblem(
                f"{folder}: {len(files)} public keys, at most {MAX_KEYS_PER_ROLE} are allowed"
            )
        keys = []
        for path in files:
            key = load_public(path, role)
            earlier = seen.get(key.key_id)
            if earlier is not None:
                if earlier.role != role:
                    raise KeyProblem(
                        f"{path}: key {key.key_id} is pinned as both a {earlier.role} and a "
                        f"{role} key; the roles need separate keys"
                    )
                raise KeyProblem(f"{path}: key {key.key_id} is pinned twice")
            seen[key.key_id] = key
            keys.append(key)
        result[role] = tuple(keys)
    return result


def _prefix(purpose: str) -> bytes:
    try:
        return PURPOSES[purpose]
    except KeyError:
        raise ValueError(
            f"unknown signature purpose {purpose!r} (expected one of {', '.join(PURPOSES)})"
        ) from None


def sign(private: Ed25519PrivateKey, purpose: str, data: bytes) -> dict:
    """One signature entry: Ed25519 over ``PURPOSES[purpose] + data``."""
    signature = private.sign(_prefix(purpose) + data)
    return {
        "key_id": key_id(private.public_key()),
        "signature": base64.b64encode(signature).decode("ascii"),
    }


def signature_file(signatures: list[dict]) -> bytes:
    """The canonical signature file holding ``signatures`` (as made by ``sign``)."""
    if not 1 <= len(signatures) <= MAX_SIGNATURES:
        raise ValueError(f"a signature file holds 1 to {MAX_SIGNATURES} signatures")
    entries = [{"key_id": s["key_id"], "signature": s["signature"]} for s in signatures]
    body = json.dumps({"signatures": entries}, sort_keys=True, separators=(",", ":"))
    return body.encode("ascii") + b"\n"


def _malformed(why: str) -> BadSignature:
    return BadSignature(f"malformed signature file ({why})")


def _parse_signature_file(raw: bytes) -> list[tuple[str, bytes]]:
    if len(raw) > MAX_SIGNATURE_FILE_BYTES:
        raise _malformed(f"larger than {MAX_SIGNATURE_FILE_BYTES} bytes")
    try:
        document: Any = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _malformed("not JSON") from None
    if not isinstance(document, dict) or not isinstance(document.get("signatures"), list):
        raise _malformed('expected {"signatures": [...]}')
    entries = document["signatures"]
    if not entries:
        raise _malformed("no signatures")
    if len(entries) > MAX_SIGNATURES:
        raise _malformed(f"{len(entries)} signatures, at most {MAX_SIGNATURES}")
    parsed = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise _malformed(f"signature {number} is not an object")
        kid, encoded = entry.get("key_id"), entry.get("signature")
        if not isinstance(kid, str) or not KEY_ID_RE.fullmatch(kid):
            raise _malformed(f"signature {number}: key_id is not 16 lower-case hex digits")
        if not isinstance(encoded, str):
            raise _malformed(f"signature {number}: no signature")
        try:
            signature = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise _malformed(f"signature {number}: not base64") from None
        if len(signature) != _SIGNATURE_LEN:
            raise _malformed(f"signature {number}: not an Ed25519 signature")
        parsed.append((kid, signature))
    return parsed


def _verifies(key: TrustedKey, signature: bytes, message: bytes) -> bool:
    try:
        key.public.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def verify(
    keys: Sequence[TrustedKey], purpose: str, data: bytes, signature_file_bytes: bytes
) -> TrustedKey:
    """The first trusted key with a valid signature over ``PURPOSES[purpose] + data``.

    Raises BadSignature: "signed by an unknown key (key ids: ...)", "signature does not
    verify" or "malformed signature file (...)".
    """
    message = _prefix(purpose) + data
    entries = _parse_signature_file(signature_file_bytes)
    by_id: dict[str, list[TrustedKey]] = {}
    for key in keys:
        by_id.setdefault(key.key_id, []).append(key)
    known = False
    for kid, signature in entries:
        for key in by_id.get(kid, ()):
            known = True
            if _verifies(key, signature, message):
                return key
    if not known:
        ids = ", ".join(dict.fromkeys(kid for kid, _ in entries))
        pinned = "" if keys else "; no trusted key is pinned"
        raise BadSignature(f"signed by an unknown key (key ids: {ids}{pinned})")
    # Name a signature made for another purpose: a release mix-up is then obvious.
    for other, prefix in PURPOSES.items():
        if other == purpose:
            continue
        for kid, signature in entries:
            if any(_verifies(k, signature, prefix + data) for k in by_id.get(kid, ())):
                raise BadSignature(
                    f"signature does not verify (it is a {other} signature, not a {purpose} one)"
                )
    raise BadSignature("signature does not verify")
