"""Installed updates on disk: whole version folders that never change, and one pointer.

``<state>/updates/v12-1a2b3c4d/`` holds one complete update: the tool database and the provider
profiles unpacked, the bundles they came from, the profiles' signature, and the signed
manifest with its signature, so that the guard can re-check the whole folder against the
pinned keys every time it loads it (installed_check.py): a folder copied in by hand is
refused. ``<state>/updates/current`` names the folder in use and
is replaced in one ``os.replace``. A guard killed at any moment of an install therefore finds
the pointer naming either the old folder or the new one, each complete: never a mix, and
never nothing. The previous folder is kept (the last good copy); older ones are removed.
``state.json`` records the installed version (rollback protection), the manifest's expiry
and the feed's ETag.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Any

from guard import files
from guard.files import fsync_dir
from guard.state import paths

POINTER = "current"
STATE = "state.json"
FOLDER_RE = re.compile(r"^v[0-9]{1,16}-[0-9a-f]{8}$")
VERSION = "feed-version"
PROFILES_VERSION = "profiles-version"
PROVIDERS = "providers"
PROVIDERS_BUNDLE = "providers.json"
PROVIDERS_SIG = "providers.json.sig"
TOOLS_BUNDLE = "tools.json"
MANIFEST_COPY = "manifest.json"  # the feed's signed manifest, byte for byte
SIGNATURE_COPY = "manifest.json.sig"


def root() -> Path:
    return paths.updates_dir()


def current_folder() -> Path | None:
    """The installed update in use, or None (then the built-in data is used)."""
    folder = paths.installed_signatures_dir()
    return folder if folder.is_dir() else None


def version_in_use() -> int:
    """The feed version of the installed update in use (its ``feed-version`` file), 0 if
    none: rollback protection counts from it even if state.json was never written."""
    return _number_in_use(VERSION)


def profiles_version_in_use(channel: str) -> int:
    """The profiles version of the phone numbers in use, if they came from ``channel``'s
    feed (each channel counts its own): older ones are never installed."""
    folder = current_folder()
    if folder is None:
        return 0
    try:
        text = (folder / PROFILES_VERSION).read_bytes().decode("utf-8").split()
    except (OSError, UnicodeDecodeError):
        return 0
    if len(text) != 2 or text[0] != channel or not text[1].isdigit() or len(text[1]) > 16:
        return 0
    return int(text[1])


def _number_in_use(name: str) -> int:
    folder = current_folder()
    if folder is None:
        return 0
    try:
        text = (folder / name).read_bytes().decode("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return 0
    return int(text) if text.isdigit() and len(text) <= 16 else 0


def read_state() -> dict[str, Any]:
    try:
        data = json.loads((root() / STATE).read_bytes().decode("utf-8"))
    except (OSError, ValueError):  # UnicodeDecodeError is a ValueError
        return {}
    return data if isinstance(data, dict) else {}


def write_state(**changes: Any) -> dict[str, Any]:
    state = {**read_state(), **changes}
    data = (json.dumps(state, indent=2, sort_keys=True) + "\n").encode()
    files.write_atomic(root() / STATE, data, mode=paths.for_everyone_mode())
    return state


def install(version: int, unpack: Any) -> Path:
    """Make a new version folder with ``unpack(folder)``, then switch the pointer to it.

    ``unpack`` fills a fresh staging folder; it is synced to disk, renamed into place, and
    only then does the pointer move. Returns the new folder.
    """
    base = root()
    base.mkdir(parents=True, exist_ok=True)
    name = f"v{version}-{secrets.token_hex(4)}"
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=base))
    try:
        unpack(staging / "new")
        _sync_tree(staging / "new")
        os.replace(staging / "new", base / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    fsync_dir(base)
    before = current_folder()
    files.write_atomic(base / POINTER, f"{name}\n".encode(), mode=paths.for_everyone_mode())
    _prune(keep={name, before.name if before else ""})
    return base / name


def share_with_everyone() -> None:
    """The service's pointer and state made readable by every account (the trays follow
    its update: ``paths.follow_service_updates``), for those written private before stop 25.
    A file that is not there, or cannot be changed, is left as it is."""
    for name in (POINTER, STATE):
        with contextlib.suppress(OSError):
            os.chmod(root() / name, 0o644)


def _prune(keep: set[str]) -> None:
    """Remove version folders other than the current and the previous one, and staging
    folders an interrupted install left behind."""
    for entry in root().iterdir():
        stale = (FOLDER_RE.match(entry.name) and entry.name not in keep) or entry.name.startswith(
            ".staging-"
        )
        if stale and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


def _sync_tree(folder: Path) -> None:
    """Flush every file (opened for writing: Windows refuses to flush a read-only handle)
    and every folder of a new version before it is renamed into place."""
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file():
            with open(path, "r+b") as fh:
                os.fsync(fh.fileno())
        else:
            fsync_dir(path)
    fsync_dir(folder)
