"""Per-OS folders where remote-access tools arrive or get installed.

Kept in one place so the scan, the watcher and the docs agree. Only paths are computed here;
nothing is read, so this is cheap and safe to call anywhere.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import platformdirs

from guard.oskind import current_os


def download_folders() -> list[Path]:
    """Where a scam caller's download lands: Downloads, Desktop and the temp folder."""
    folders = [
        Path(platformdirs.user_downloads_dir()),
        Path(platformdirs.user_desktop_dir()),
        Path(tempfile.gettempdir()),
    ]
    return _unique(folders)


def application_folders(os_name: str | None = None) -> list[Path]:
    """Folders holding installed apps that are identified by inspecting each entry."""
    os_name = os_name or current_os()
    if os_name == "macos":
        return [Path("/Applications"), Path.home() / "Applications"]
    return []


def desktop_entry_folders(os_name: str | None = None) -> list[Path]:
    """Linux folders of .desktop files (what the app menu shows)."""
    if (os_name or current_os()) != "linux":
        return []
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return _unique(
        [
            Path("/usr/share/applications"),
            Path("/usr/local/share/applications"),
            Path(data_home) / "applications",
            Path("/var/lib/flatpak/exports/share/applications"),
            Path("/var/lib/snapd/desktop/applications"),
        ]
    )


DPKG_STATUS = Path("/var/lib/dpkg/status")


def _unique(paths: list[Path]) -> list[Path]:
    seen: set[str] = set()
    out = []
    for p in paths:
        key = os.path.normcase(os.path.abspath(p))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
