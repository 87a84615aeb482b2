"""Linux (and other Unixes, which are treated as Linux): the machine folder, the folders
tools arrive in, the kernel's own threads, and installed packages read from dpkg's status
file (no subprocess, no root needed)."""

from __future__ import annotations

import contextlib
import os
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
from guard.platform.folders import WatchFolder, unique

__all__ = [
    "ADMIN_HINT",
    "SUSPEND_IS_COUNTED",
    "process_exe",
    "process_name",
    "process_status",
]

SYSTEM_FOLDERS = ("/usr/", "/bin/", "/sbin/", "/lib/", "/lib64/")
DPKG_STATUS = Path("/var/lib/dpkg/status")


def machine_dir(app: str) -> Path:
    """The machine-wide settings folder.

    Not platformdirs: it takes the first of $XDG_CONFIG_DIRS, which Ubuntu's sessions set
    to /etc/xdg/xdg-ubuntu (and sudo clears), so the installer would write one folder and
    the tray read another; and anyone could point the variable at a folder of their own."""
    return Path("/etc/xdg") / app


def in_system_folder(exe: str, _env: Mapping[str, str]) -> bool:
    return under_system_folders(exe, SYSTEM_FOLDERS)


def is_kernel_thread(proc: psutil.Process) -> bool:
    """A kernel thread: a child of kthreadd (pid 2). Raises psutil's errors."""
    return proc.ppid() == 2


def _data_home(env: Mapping[str, str], home: Path) -> Path:
    return Path(env.get("XDG_DATA_HOME") or str(home / ".local" / "share"))


def application_folders(_home: Path) -> list[Path]:
    return []


def desktop_entry_folders(env: Mapping[str, str], home: Path) -> list[Path]:
    """Folders of .desktop files (what the app menu shows)."""
    return unique(
        [
            Path("/usr/share/applications"),
            Path("/usr/local/share/applications"),
            _data_home(env, home) / "applications",
            Path("/var/lib/flatpak/exports/share/applications"),
            Path("/var/lib/snapd/desktop/applications"),
        ]
    )


def install_folders(env: Mapping[str, str], home: Path) -> list[WatchFolder]:
    """Where programs get installed, watched at their top level and only reported."""
    return [
        WatchFolder(Path("/opt"), recursive=False, quarantine=False),
        WatchFolder(Path("/usr/share/applications"), recursive=False, quarantine=False),
        WatchFolder(_data_home(env, home) / "applications", recursive=False, quarantine=False),
    ]


def shared_library_present(name: str) -> bool:
    """Can the system's loader find the library ``name`` (``xcb-cursor``)?"""
    import ctypes.util  # noqa: PLC0415 - only the tray's start-up asks

    return ctypes.util.find_library(name) is not None


MAX_STATUS_BYTES = 64 * 1024 * 1024


def installed_dpkg_packages(status_file: Path) -> set[str]:
    """Names of packages dpkg marks 'install ok installed'; empty if there is no dpkg."""
    try:
        if status_file.stat().st_size > MAX_STATUS_BYTES:
            return set()
        text = status_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    installed = set()
    for stanza in text.split("\n\n"):
        name = status = ""
        for line in stanza.splitlines():
            if line.startswith("Package: "):
                name = line[9:].strip()
            elif line.startswith("Status: "):
                status = line[8:].strip()
        if name and status.endswith(" installed") and status.startswith("install "):
            installed.add(name)
    return installed


DPKG_INFO = Path("/var/lib/dpkg/info")
MAX_LIST_BYTES = 8 * 1024 * 1024


def dpkg_owns(package: str, path: str, info_dir: Path = DPKG_INFO) -> bool:
    """Did dpkg install ``path`` as part of ``package``? Reads that one package's file list
    (``/var/lib/dpkg/info/<package>[:<arch>].list``): a few kilobytes, no subprocess."""
    return path.encode("utf-8", "surrogateescape") in dpkg_listed_files(package, info_dir)


def dpkg_listed_files(package: str, info_dir: Path = DPKG_INFO) -> list[bytes]:
    """The paths dpkg recorded for ``package`` (every architecture's list), as bytes; [] when
    it is not installed, or its list cannot be read or is implausibly large."""
    if not package or "/" in package or package.startswith("."):
        return []
    candidates = [info_dir / f"{package}.list"]
    with contextlib.suppress(OSError):
        candidates += sorted(info_dir.glob(f"{package}:*.list"))
    lines: list[bytes] = []
    for listing in candidates:
        try:
            if listing.stat().st_size > MAX_LIST_BYTES:
                continue
            lines += listing.read_bytes().splitlines()
        except OSError:
            continue
    return lines


def flock_holder(path: Path, locks: Path = Path("/proc/locks")) -> int | None:
    """The pid holding a flock on ``path``, as the kernel tells it (``/proc/locks``); None
    when it cannot say (no /proc, or no flock on that file)."""
    try:
        st = os.stat(path)
        table = locks.read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    wanted = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    for line in table.splitlines():
        fields = line.split()
        if "->" in fields or len(fields) < 6 or fields[1] != "FLOCK":
            continue  # a waiter, or a POSIX/OFD lock (filelock uses flock)
        if fields[5] == wanted and fields[4].isdigit():
            return int(fields[4])
    return None
