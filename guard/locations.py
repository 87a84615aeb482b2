"""Per-OS folders where remote-access tools arrive or get installed.

Kept in one place so the scan, the watcher and the docs agree. Only paths are computed here;
nothing is read, so this is cheap and safe to call anywhere.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
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


def watch_folders(
    os_name: str | None = None, env: Mapping[str, str] | None = None
) -> list[WatchFolder]:
    """The per-OS folders tools arrive in (issue 3's list), in the order they are armed."""
    os_name = os_name or current_os()
    env = os.environ if env is None else env
    folders = [
        WatchFolder(Path(platformdirs.user_downloads_dir())),
        WatchFolder(Path(platformdirs.user_desktop_dir())),
        # Busy with other programs' scratch folders, so its top level only; but a zip opened
        # from Explorer or 7-Zip unpacks into a new folder here (Temp1_x.zip, 7zXXXX), and
        # those new folders are watched too.
        WatchFolder(Path(tempfile.gettempdir()), recursive=False, watch_new_subfolders=True),
    ]
    if os_name == "windows":
        for var in ("ProgramFiles", "ProgramFiles(x86)", "ProgramData", "APPDATA", "LOCALAPPDATA"):
            if env.get(var):
                folders.append(WatchFolder(Path(env[var]), recursive=False, quarantine=False))
    elif os_name == "macos":
        folders += [
            WatchFolder(Path("/Applications"), recursive=False),
            WatchFolder(Path.home() / "Applications", recursive=False),
        ]
    else:
        data_home = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        folders += [
            WatchFolder(Path("/opt"), recursive=False, quarantine=False),
            WatchFolder(Path("/usr/share/applications"), recursive=False, quarantine=False),
            WatchFolder(Path(data_home) / "applications", recursive=False, quarantine=False),
        ]
    seen: set[str] = set()
    unique = []
    for folder in folders:
        key = os.path.normcase(os.path.abspath(folder.path))
        if key not in seen:
            seen.add(key)
            unique.append(folder)
    return unique


def _unique(paths: list[Path]) -> list[Path]:
    seen: set[str] = set()
    out = []
    for p in paths:
        key = os.path.normcase(os.path.abspath(p))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
