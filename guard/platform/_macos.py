"""macOS: the machine folder, the application folders, and the system's own folders."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import psutil

from guard.platform._posix import (
    ADMIN_HINT,
    SUSPEND_IS_COUNTED,
    process_exe,
    process_name,
    process_status,
    under_system_folders,
)
from guard.platform.folders import WatchFolder

__all__ = ["ADMIN_HINT", "SUSPEND_IS_COUNTED", "process_exe", "process_name", "process_status"]

SYSTEM_FOLDERS = ("/System/", "/usr/", "/bin/", "/sbin/")


def machine_dir(app: str) -> Path:
    return Path("/Library/Application Support") / app


def in_system_folder(exe: str, _env: Mapping[str, str]) -> bool:
    return under_system_folders(exe, SYSTEM_FOLDERS)


def is_kernel_thread(_proc: psutil.Process) -> bool:
    return False


def application_folders(home: Path) -> list[Path]:
    """Folders holding installed apps, each identified by inspecting the bundle."""
    return [Path("/Applications"), home / "Applications"]


def desktop_entry_folders(_env: Mapping[str, str], _home: Path) -> list[Path]:
    return []


def install_folders(_env: Mapping[str, str], home: Path) -> list[WatchFolder]:
    return [
        WatchFolder(Path("/Applications"), recursive=False),
        WatchFolder(home / "Applications", recursive=False),
    ]
