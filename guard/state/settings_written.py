"""What ScamGuard last wrote to the settings file, so a change made by hand can be told apart.

A caller can dictate "open Notepad, paste this into settings.json" as easily as a click, and
a tool trusted that way is never frozen. Every ``settings.save`` therefore records here, in
the state folder, the sha256 of the exact bytes it wrote and the settings those bytes hold:
a later edit by anyone else is then not only detected but described ("TeamViewer added to
the trusted tools by hand"; ``settings_edits``). The record is JSON data, never code.

A save writes this record twice: first naming the new bytes as ``pending`` (the settings
file still holds the old ones for a moment), then, once the settings file is replaced,
naming them as written. So a guard that reads the settings file halfway through someone
else's save never mistakes ScamGuard's own change for a hand edit, and once a save is done
only its bytes are ScamGuard's (going back by hand to an older file is a hand edit too).

A record that cannot be read or is damaged is reported in one line and treated as missing;
a damaged one is moved aside before it is replaced, so nothing is lost.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from guard import clock, files
from guard.state import paths

RECORD_FILE = "settings-written.json"
MAX_BYTES = 256 * 1024  # the settings file is at most 64 KiB; the record holds it about twice


def record_path() -> Path:
    return paths.state_dir() / RECORD_FILE


def fingerprint(raw: bytes | None) -> str | None:
    """The sha256 of a settings file's bytes; None for no file at all."""
    return None if raw is None else hashlib.sha256(raw).hexdigest()


@dataclass
class Written:
    """The settings file as ScamGuard last left it.

    ``sha256`` is None when ScamGuard last saw no file (a deletion it has journalled).
    ``settings`` is what the file meant then (``Settings.to_json``; empty settings for a
    damaged file, since that is how a damaged file is read). ``by`` says whether ScamGuard
    wrote those bytes ("scamguard") or found them and journalled them as a hand edit
    ("hand"). ``by_hand`` keeps the trusted-tool entries that came from a hand edit, for as
    long as they stay as the hand left them, so the fact survives later saves.
    """

    sha256: str | None
    settings: dict[str, Any]
    file: str = ""
    by: str = "scamguard"
    time: str = ""
    damaged: bool = False  # the accepted bytes were a damaged file
    pending: str | None = None  # a save under way: the bytes about to replace the file
    pending_settings: dict[str, Any] | None = None
    by_hand: dict[str, Any] = field(default_factory=dict)

    def knows(self, sha: str | None) -> bool:
        """Are these bytes ScamGuard's own (written, or being written right now)?"""
        return sha == self.sha256 or (self.pending is not None and sha == self.pending)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": 1,
            "file": self.file,
            "sha256": self.sha256,
            "settings": self.settings,
            "by": self.by,
            "time": self.time,
            "damaged": self.damaged,
            "pending": self.pending,
            "pending_settings": self.pending_settings,
            "by_hand": self.by_hand,
        }


@dataclass
class Loaded:
    """The record as read: ``record`` is None when there is none; ``problem`` is one line
    saying why a record that exists could not be used ("" when it could)."""

    record: Written | None
    problem: str = ""


def read(path: Path | None = None) -> Loaded:
    path = path or record_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Loaded(None)
    except OSError as exc:
        return Loaded(None, f"{path}: cannot be read ({exc.strerror or exc})")
    try:
        return Loaded(_parse(raw))
    except (ValueError, UnicodeDecodeError) as exc:
        return Loaded(None, f"{path}: damaged record of ScamGuard's settings ignored ({exc})")


def _parse(raw: bytes) -> Written:
    if len(raw) > MAX_BYTES:
        raise ValueError(f"larger than {MAX_BYTES // 1024} KiB")
    data = json.loads(raw.decode("utf-8"))
    if not isinstance(data, dict) or data.get("schema") != 1:
        raise ValueError("not a schema 1 record")
    sha, pending = data.get("sha256"), data.get("pending")
    if not all(v is None or (isinstance(v, str) and len(v) == 64) for v in (sha, pending)):
        raise ValueError("sha256 must be a hex digest")
    content, pending_content = data.get("settings"), data.get("pending_settings")
    by_hand = data.get("by_hand", {})
    if not isinstance(content, dict) or not isinstance(by_hand, dict):
        raise ValueError("settings must be a table")
    if pending_content is not None and not isinstance(pending_content, dict):
        raise ValueError("pending_settings must be a table")
    return Written(
        sha256=sha,
        settings=content,
        file=str(data.get("file", "")),
        by=str(data.get("by", "scamguard")),
        time=str(data.get("time", "")),
        damaged=data.get("damaged") is True,
        pending=pending,
        pending_settings=pending_content,
        by_hand=by_hand,
    )


def write(record: Written, path: Path | None = None) -> None:
    """Replace the record (atomically); a damaged one is moved aside first. Raises OSError."""
    path = path or record_path()
    with contextlib.suppress(OSError):
        try:
            _parse(path.read_bytes())
        except (ValueError, UnicodeDecodeError):
            files.set_aside(path)
    record.time = record.time or clock.iso_now()
    data = json.dumps(record.to_json(), indent=2, sort_keys=True).encode()
    files.write_atomic(path, data)


def remember(settings_file: Path, data: bytes, content: dict[str, Any]) -> Written:
    """Before ``data`` replaces ``settings_file``: note it as ScamGuard's, about to be written.

    Returns the record to pass to :func:`written` once the settings file is replaced. A
    record that could not be read is started afresh (the damaged one moved aside): the
    settings it described are on disk, and what ScamGuard writes now is its own either way.
    """
    old = read().record
    if old is None or old.file != str(settings_file):
        old = Written(None, {}, file=str(settings_file))  # none of the bytes on disk are ours
    sha = fingerprint(data)
    write(replace(old, pending=sha, pending_settings=content, time=""))
    trusted = content.get("trusted_tools", {})
    by_hand = {tool: entry for tool, entry in old.by_hand.items() if trusted.get(tool) == entry}
    return Written(sha, content, file=str(settings_file), by_hand=by_hand)


def written(record: Written) -> None:
    """The settings file now holds ``record``'s bytes: they alone are ScamGuard's."""
    write(record)
