"""The folder records the per-OS modules describe: kept apart from them so each OS module
and ``guard.locations`` can share them without importing each other."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WatchFolder:
    """A folder the install watcher listens to.

    ``recursive`` None means "recursive when the tree is small": a zip unpacked in Downloads
    is worth seeing, a 50,000-folder Downloads is not worth a watch per folder. ``quarantine``
    says whether a tool found here may be moved away on block (a download may; a program
    folder or a package's menu entry belongs to an installer and is only reported).
    ``watch_new_subfolders`` (for a folder watched at its top level only) has each folder
    that newly appears in it watched too, for a while: archive tools unpack there.
    """

    path: Path
    recursive: bool | None = None
    quarantine: bool = True
    watch_new_subfolders: bool = False


def unique(paths: list[Path]) -> list[Path]:
    """``paths`` without repeats (compared as the OS compares them), first one kept."""
    seen: set[str] = set()
    out = []
    for p in paths:
        key = os.path.normcase(os.path.abspath(p))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
