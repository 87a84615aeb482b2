"""Per-OS folders where remote-access tools arrive or get installed.

Kept in one place so the scan, the watcher and the docs agree. Only paths are computed here;
nothing is read, so this is cheap and safe to call anywhere. What differs per OS comes from
``guard.platform``; this module puts it together with the folders every OS shares.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from guard import platform
from guard.platform import service_host
from guard.platform.folders import WatchFolder, unique

__all__ = [
    "WatchFolder",
    "application_folders",
    "desktop_entry_folders",
    "download_folders",
    "watch_folders",
]


def download_folders() -> list[Path]:
    """Where a scam caller's download lands: Downloads, Desktop and the temp folder."""
    folders = [
        Path(platformdirs.user_downloads_dir()),
        Path(platformdirs.user_desktop_dir()),
        Path(tempfile.gettempdir()),
    ]
    return unique(folders)


def application_folders(os_name: str | None = None) -> list[Path]:
    """Folders holding installed apps that are identified by inspecting each entry."""
    return platform.application_folders(os_name)


def desktop_entry_folders(os_name: str | None = None) -> list[Path]:
    """Linux folders of .desktop files (what the app menu shows)."""
    return platform.desktop_entry_folders(os_name)


def watch_folders(
    os_name: str | None = None, env: Mapping[str, str] | None = None, *, everyone: bool = False
) -> list[WatchFolder]:
    """The per-OS folders tools arrive in (issue 3's list), in the order they are armed.

    ``everyone``: the service's list, every person's Downloads and Desktop (by the usual
    names in each home) instead of this account's own."""
    env = os.environ if env is None else env
    if everyone:
        personal = [
            WatchFolder(home / sub)
            for home in service_host.person_homes(os_name)
            for sub in ("Downloads", "Desktop")
        ]
    else:
        personal = [
            WatchFolder(Path(platformdirs.user_downloads_dir())),
            WatchFolder(Path(platformdirs.user_desktop_dir())),
        ]
    folders = [
        *personal,
        # Busy with other programs' scratch folders, so its top level only; but a zip opened
        # from Explorer or 7-Zip unpacks into a new folder here (Temp1_x.zip, 7zXXXX), and
        # those new folders are watched too.
        WatchFolder(Path(tempfile.gettempdir()), recursive=False, watch_new_subfolders=True),
    ]
    folders += platform.install_folders(os_name, env)
    seen: set[str] = set()
    kept = []
    for folder in folders:
        key = os.path.normcase(os.path.abspath(folder.path))
        if key not in seen:
            seen.add(key)
            kept.append(folder)
    return kept
