"""Payloads of an update: the tool signatures and the provider profiles, each one JSON file.

A bundle is a JSON object mapping plain file names to their text (TOML, exactly as support
staff wrote and reviewed it). JSON rather than a tar or zip archive: there are no paths, links
or permissions to get wrong when it is unpacked, only names checked against one pattern.
Bundles are named by their sha256, so the same content is the same file for ever.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from guard.errors import ScamGuardError
from guard.updates.manifest import MAX_PAYLOAD_BYTES, canonical, strict_json

KINDS = ("tools", "providers")
NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\.toml")  # always fullmatch ("$" allows "\n")
# Names Windows keeps for devices: "nul.toml" would write to nowhere, "con.toml" to a console.
RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}
)
MAX_FILES = 2000
MAX_FILE_BYTES = 64 * 1024
DATABASE_FILE = "database.toml"


class BundleProblem(ScamGuardError):
    """A bundle that cannot be packed or unpacked; the message is the one-line reason."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _safe_name(name: str) -> bool:
    return bool(NAME_RE.fullmatch(name)) and name.removesuffix(".toml") not in RESERVED


def bundle_path(kind: str, data: bytes) -> str:
    """Where a bundle lives in the feed: its kind and the hash of its bytes."""
    return f"bundles/{kind}-{sha256(data)}.json"


def pack(kind: str, directory: Path) -> bytes:
    """The bundle for a tools database folder (database.toml + tools/*.toml) or a folder of
    provider profiles (*.toml)."""
    if kind == "tools":
        files = {DATABASE_FILE: directory / DATABASE_FILE}
        files.update({p.name: p for p in sorted((directory / "tools").glob("*.toml"))})
    elif kind == "providers":
        files = {p.name: p for p in sorted(directory.glob("*.toml"))}
    else:
        raise BundleProblem(f"unknown bundle kind {kind!r}")
    texts: dict[str, str] = {}
    for name, path in files.items():
        if not _safe_name(name):
            raise BundleProblem(f"{path}: file names must be lower-case letters, digits and '-'")
        try:
            texts[name] = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BundleProblem(f"{path}: cannot be read as UTF-8 text ({exc})") from None
    return make(kind, texts)


def make(kind: str, files: dict[str, str]) -> bytes:
    """The canonical bytes of a bundle holding ``files`` (name -> text)."""
    doc: dict[str, Any] = {"schema": 1, "kind": kind, "files": dict(sorted(files.items()))}
    return canonical(doc)


def files_of(kind: str, data: bytes) -> dict[str, str]:
    """The files in a bundle whose hash was already checked; anything odd is refused."""
    if len(data) > MAX_PAYLOAD_BYTES:
        raise BundleProblem(f"{kind} bundle is larger than {MAX_PAYLOAD_BYTES} bytes")
    try:
        doc = strict_json(data)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BundleProblem(f"{kind} bundle is not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("schema") != 1 or doc.get("kind") != kind:
        raise BundleProblem(f"{kind} bundle has the wrong schema or kind")
    files = doc.get("files")
    if not isinstance(files, dict) or not 0 < len(files) <= MAX_FILES:
        raise BundleProblem(f"{kind} bundle must hold 1 to {MAX_FILES} files")
    for name, text in files.items():
        if not isinstance(name, str) or not _safe_name(name):
            raise BundleProblem(f"{kind} bundle has an unsafe file name {name!r}")
        if not isinstance(text, str) or len(text.encode("utf-8")) > MAX_FILE_BYTES:
            raise BundleProblem(f"{kind} bundle file {name} is not text of at most 64 KiB")
    if kind == "tools" and DATABASE_FILE not in files:
        raise BundleProblem(f"tools bundle has no {DATABASE_FILE}")
    return files


def expected_files(kind: str, files: dict[str, str]) -> dict[str, bytes]:
    """Each file of a bundle by where it goes (a path relative to the unpacked folder, with
    "/") and its exact bytes: the layout the loaders read (tools under ``tools/``,
    database.toml at the top; profiles at the top)."""
    placed = {}
    for name, text in files.items():
        where = name if kind == "providers" or name == DATABASE_FILE else f"tools/{name}"
        placed[where] = text.encode("utf-8")
    return placed


def unpack(kind: str, data: bytes, into: Path) -> None:
    """Write a bundle's files under ``into`` (``expected_files``). ``into`` must not exist."""
    files = files_of(kind, data)
    into.mkdir(parents=True)
    if kind == "tools":
        (into / "tools").mkdir()
    for where, content in expected_files(kind, files).items():
        # Bytes, exactly as signed: a text-mode write would turn "\r\n" into "\r\r\n" on
        # Windows, and the file would no longer be the one the manifest names.
        (into / where).write_bytes(content)
