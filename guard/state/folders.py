"""Which extra folders may be watched, and what adding or removing one saves.

The folder policy behind the settings window's "Watched folders" tab, with no Qt: the window
asks here and only says the answer in the person's language. A folder can be added once it
is really a folder and not already watched, either always (``locations.watch_folders``) or
because it was added before; the same folder written another way (a trailing separator, a
different case on Windows) counts as the same. Only a folder among the saved extra
ones can be removed: the always-watched ones are not the person's to turn off. Each change
carries the line the journal keeps for it (in English, like every journal line).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from guard import locations

NOT_A_FOLDER = "not a folder"
ALREADY_WATCHED = "already watched"


@dataclass(frozen=True)
class FolderChange:
    """The extra folders to save, and what the journal says about the change."""

    folder: str  # the folder added or removed
    folders: tuple[str, ...]  # every extra folder after the change, in the order added
    journal: str


@dataclass(frozen=True)
class Refusal:
    """Why a chosen folder is not added: ``NOT_A_FOLDER`` or ``ALREADY_WATCHED``."""

    folder: str  # as absolute path, the way the person is told about it
    reason: str


def always_watched() -> list[str]:
    """The folders watched whatever the settings say, as the window lists them."""
    return [str(folder.path) for folder in locations.watch_folders()]


def add(chosen: str, saved: Sequence[str], always: Sequence[str]) -> FolderChange | Refusal:
    """Add ``chosen`` (as the folder dialog gave it) to the ``saved`` extra folders."""
    folder = os.path.abspath(chosen)
    if not os.path.isdir(folder):
        return Refusal(folder, NOT_A_FOLDER)
    if same(folder) in {same(f) for f in [*always, *saved]}:
        return Refusal(folder, ALREADY_WATCHED)
    return FolderChange(folder, (*saved, folder), f"ScamGuard also watches {folder}")


def remove(folder: str, saved: Sequence[str]) -> FolderChange | None:
    """Stop watching ``folder``; ``None`` if it is not among the ``saved`` extra folders
    (the list on screen is out of date: something else changed the settings meanwhile)."""
    if folder not in saved:
        return None
    return FolderChange(
        folder, tuple(f for f in saved if f != folder), f"ScamGuard no longer watches {folder}"
    )


def same(path: str) -> str:
    """``path`` as it compares: absolute, and in the case the file system ignores."""
    return os.path.normcase(os.path.abspath(path))
