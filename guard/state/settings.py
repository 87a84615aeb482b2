"""Per-user settings: the active provider profile, extra watched folders, trusted tools.

Permanent trust (a family member's TeamViewer) is deliberately not offered by the warning,
where a caller may be dictating the clicks; it is made here, by ``scamguard trust`` or the
settings window, and every change is journalled. The file is JSON data, never code. A
damaged file is reported in one line and treated as empty, and is moved aside before it is
overwritten, so nothing the person wrote is lost.

Every save is also recorded (``settings_written``), so a change made to the file by hand,
perhaps dictated by a caller, is told apart from ScamGuard's own and journalled as such
(``settings_edits``): it still takes effect, but never silently.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guard import files
from guard.state import paths, settings_written
from guard.state.paths import settings_path

MAX_BYTES = 64 * 1024


@dataclass
class Settings:
    trusted: dict[str, dict[str, str]] = field(default_factory=dict)  # tool id -> added, note
    provider: str = ""  # active provider profile id; "" = the default for this country
    folders: list[str] = field(default_factory=list)  # watched as well as the defaults
    # How the tray speaks to this person (issue 17); none of these weakens protection.
    speak: bool = True  # read the warning's headline and first number aloud
    larger_text: bool = False  # one step up the type scale in every window
    welcomed: str = ""  # when the first-run window was shown (ISO time); "" = not yet
    problem: str = ""  # why the file on disk could not be used, if it could not

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": 1,
            "trusted_tools": self.trusted,
            "provider": self.provider,
            "watch_folders": self.folders,
            "speak": self.speak,
            "larger_text": self.larger_text,
            "welcomed": self.welcomed,
        }


def load(path: Path | None = None) -> Settings:
    return read(path)[1]


def read(path: Path | None = None) -> tuple[bytes | None, Settings]:
    """The file's exact bytes (None when there is no file, or it cannot be read) and what
    they mean, from one read, so what is checked for a hand edit is what takes effect."""
    path = path or settings_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, Settings()
    except OSError as exc:
        return None, Settings(problem=f"{path}: cannot be read ({exc.strerror or exc})")
    return raw, parse(raw, path)


def parse(raw: bytes, path: Path) -> Settings:
    """What a settings file's bytes mean; damaged bytes give empty settings and a problem."""
    try:
        if len(raw) > MAX_BYTES:
            raise ValueError(f"larger than {MAX_BYTES // 1024} KiB")
        data = json.loads(raw.decode("utf-8"))
        trusted = data.get("trusted_tools", {}) if isinstance(data, dict) else None
        if not isinstance(trusted, dict) or not all(
            isinstance(k, str) and isinstance(v, dict) for k, v in trusted.items()
        ):
            raise ValueError("trusted_tools must be a table of tool ids")
        # Tool ids are lower case; "TeamViewer" typed by hand means the same tool.
        clean = {k.casefold(): {str(a): str(b) for a, b in v.items()} for k, v in trusted.items()}
        provider = data.get("provider", "")
        if not isinstance(provider, str):
            raise ValueError("provider must be a profile id")
        folders = data.get("watch_folders", [])
        if not isinstance(folders, list) or not all(isinstance(f, str) for f in folders):
            raise ValueError("watch_folders must be a list of folder paths")
        speak, larger = data.get("speak", True), data.get("larger_text", False)
        if not isinstance(speak, bool) or not isinstance(larger, bool):
            raise ValueError("speak and larger_text must be true or false")
        welcomed = data.get("welcomed", "")
        if not isinstance(welcomed, str) or len(welcomed) > 64:
            raise ValueError("welcomed must be a time")
    except (ValueError, UnicodeDecodeError) as exc:
        return Settings(problem=f"{path}: damaged settings ignored ({exc})")
    return Settings(
        trusted=clean,
        provider=provider,
        folders=folders,
        speak=speak,
        larger_text=larger,
        welcomed=welcomed,
    )


def save(settings: Settings, path: Path | None = None) -> None:
    """Write ``settings`` (raises OSError), recording the bytes as ScamGuard's own.

    Callers load through ``guard.state.changes.load`` first, which journals a hand edit still
    unreported, so a save never folds someone else's change into ScamGuard's own silently.
    """
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if settings.problem and path.exists():  # keep what the person had, even if damaged
        with contextlib.suppress(OSError):
            files.set_aside(path)
    content = settings.to_json()
    data = json.dumps(content, indent=2, sort_keys=True).encode()
    guarded = path == settings_path()  # the file the guard reads; any other is not watched
    record = settings_written.remember(path, data, content) if guarded else None
    # The service's settings (the machine folder's) are read by every account's window and
    # `trust list`; a person's own stay private to them.
    files.write_atomic(path, data, mode=paths.for_everyone_mode())
    if record is not None:
        settings_written.written(record)
    settings.problem = ""
