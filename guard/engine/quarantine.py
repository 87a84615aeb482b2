"""Quarantine: take an installer out of the person's reach, keep it restorable.

Deleting a download would be final and could destroy something the person needs (a false
match, a family member's tool). Moving it into the state folder with a record (original
path, hash, tool, time) stops the scammer's "now double-click it" and keeps an undo.
The stored copy loses its execute permission, so it cannot be started from the quarantine.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import shutil
import stat
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from guard import files
from guard.errors import ScamGuardError
from guard.identify.hashing import sha256_file
from guard.state.events import iso

RECORD = "record.json"
ITEM = "item"


class QuarantineError(ScamGuardError):
    """A one-line reason a file could not be quarantined or restored."""


@dataclass(frozen=True)
class QuarantineRecord:
    id: str
    original_path: str
    sha256: str | None
    size: int
    mode: int
    tool: str
    tool_name: str
    incident: str | None
    time: str

    def to_json(self) -> dict[str, object]:
        return asdict(self)


class Quarantine:
    """A folder of ``<id>/item`` plus ``<id>/record.json``; nothing here is ever executed."""

    def __init__(self, root: Path):
        self.root = root

    def put(
        self, path: str | Path, tool: str, tool_name: str, incident: str | None = None
    ) -> QuarantineRecord:
        source = Path(path)
        try:
            st = source.lstat()
        except FileNotFoundError:
            raise QuarantineError(f"{source}: it is no longer there") from None
        except OSError as exc:
            raise QuarantineError(f"{source}: {exc.strerror or exc}") from None
        sha = sha256_file(source) if stat.S_ISREG(st.st_mode) else None
        qid = time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(3)
        entry = self.root / qid
        try:
            entry.mkdir(parents=True, mode=0o700)
            shutil.move(str(source), entry / ITEM)
        except OSError as exc:
            # A failed copy across disks leaves the original in place and a partial copy
            # here: remove the copy, keep the original.
            if source.exists() or source.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            raise QuarantineError(f"{source}: could not be moved ({exc.strerror or exc})") from None
        _make_inert(entry / ITEM)
        record = QuarantineRecord(
            id=qid,
            original_path=str(source.absolute()),
            sha256=sha,
            size=st.st_size,
            mode=stat.S_IMODE(st.st_mode),
            tool=tool,
            tool_name=tool_name,
            incident=incident,
            time=iso(time.time()),
        )
        try:
            files.write_atomic(entry / RECORD, json.dumps(record.to_json(), indent=2).encode())
        except OSError as exc:  # without a record it could never be restored: put it back
            try:
                shutil.move(str(entry / ITEM), source)
                with contextlib.suppress(OSError):
                    source.chmod(stat.S_IMODE(st.st_mode))
            except OSError:
                raise QuarantineError(
                    f"{source}: moved to {entry} but no record could be written ({exc})"
                ) from None
            shutil.rmtree(entry, ignore_errors=True)
            raise QuarantineError(f"{source}: no record could be written ({exc})") from None
        return record

    def list(self) -> tuple[list[QuarantineRecord], list[str]]:
        """Every record, oldest first, and one line per entry that could not be read."""
        records: list[QuarantineRecord] = []
        problems: list[str] = []
        if not self.root.is_dir():
            return records, problems
        for entry in sorted(self.root.iterdir()):
            try:
                records.append(self._read(entry))
            except QuarantineError as exc:
                problems.append(str(exc))
        return records, problems

    def restore(self, qid: str, to: Path | None = None) -> tuple[QuarantineRecord, Path]:
        """Move an item back (to its original place unless ``to``); never overwrites."""
        if not qid or "/" in qid or "\\" in qid or qid.startswith("."):
            raise QuarantineError(f"{qid!r} is not a quarantine id")
        entry = self.root / qid
        if not entry.is_dir():
            raise QuarantineError(f"nothing in quarantine has the id {qid}")
        record = self._read(entry)
        target = Path(to) if to else Path(record.original_path)
        if target.exists() or target.is_symlink():
            raise QuarantineError(f"{target} already exists; choose another place with --to")
        if not target.parent.is_dir():
            raise QuarantineError(f"{target.parent}: the folder does not exist")
        try:
            shutil.move(str(entry / ITEM), target)
        except OSError as exc:
            raise QuarantineError(
                f"{target}: could not be written ({exc.strerror or exc})"
            ) from None
        with contextlib.suppress(OSError):
            target.chmod(record.mode)
        shutil.rmtree(entry, ignore_errors=True)
        return record, target

    def _read(self, entry: Path) -> QuarantineRecord:
        try:
            data = json.loads((entry / RECORD).read_text(encoding="utf-8"))
            record = QuarantineRecord(**data)
        except FileNotFoundError:
            raise QuarantineError(f"{entry.name}: its record is missing") from None
        except (OSError, ValueError, TypeError) as exc:
            raise QuarantineError(f"{entry.name}: its record is damaged ({exc})") from None
        if record.id != entry.name:
            raise QuarantineError(f"{entry.name}: its record names another entry")
        return record


def _make_inert(path: Path) -> None:
    """Drop execute (and write) permission so nothing in quarantine can be started. A macOS
    ``.app`` is a folder: stored as ``item`` it is no longer an app bundle to the Finder or
    LaunchServices, so it cannot be double-clicked open from here."""
    with contextlib.suppress(OSError):
        if path.is_dir():
            path.chmod(0o700)
        else:
            path.chmod(0o400)
