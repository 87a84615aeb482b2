"""What differs between the operating systems, in one place (as psutil and watchdog do it).

This module is the public entry: which OS family we are on (``current_os``), and the facts
callers ask about, each taking an explicit ``os_name`` where tests ask about another OS on
Linux. The answers come from one module per OS: ``_linux`` (other Unixes are treated as
Linux), ``_macos``, ``_windows``, with ``_posix`` holding what Linux and macOS share.
Every Windows API and registry call is in ``_winapi``. Nothing here imports the engine, the
watchers or the stored state.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import BinaryIO

import psutil

from guard.platform import _linux
from guard.platform._linux import (
    DPKG_INFO,
    DPKG_STATUS,
    dpkg_listed_files,
    dpkg_owns,
    installed_dpkg_packages,
)
from guard.platform.folders import WatchFolder

__all__ = [
    "APP",
    "DPKG_INFO",
    "DPKG_STATUS",
    "OSES",
    "WatchFolder",
    "admin_hint",
    "application_folders",
    "current_os",
    "desktop_entry_folders",
    "dpkg_listed_files",
    "dpkg_owns",
    "facts",
    "in_system_folder",
    "install_folders",
    "installed_dpkg_packages",
    "is_kernel_thread",
    "lock_holder",
    "machine_dir",
    "owner_sid",
    "process_exe",
    "process_name",
    "process_status",
    "program_images",
    "shared_library_present",
    "suspend_is_counted",
    "user_locale_name",
]

APP = "ScamGuard"  # the folder name everywhere ScamGuard keeps files
OSES = ("linux", "macos", "windows")


def current_os() -> str:
    """``windows``, ``macos`` or ``linux`` (other Unixes are treated as Linux)."""
    if sys.platform.startswith("win"):
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"


def facts(os_name: str | None = None) -> ModuleType:
    """The module of per-OS facts for ``os_name`` (default: this OS; an unknown name is
    treated as Linux, as other Unixes are). Imported by name, not through importlib, so
    PyInstaller sees every OS module."""
    name = os_name or current_os()
    if name == "windows":
        from guard.platform import _windows  # noqa: PLC0415 - loads only when asked

        return _windows
    if name == "macos":
        from guard.platform import _macos  # noqa: PLC0415 - loads only when asked

        return _macos
    return _linux


def machine_dir() -> Path:
    """The machine-wide settings folder of this OS, fixed whatever the environment says
    (``%ProgramData%\\ScamGuard``, ``/Library/Application Support/ScamGuard``,
    ``/etc/xdg/ScamGuard``)."""
    return facts().machine_dir(APP)


def admin_hint() -> str:
    """How a person gets an administrator's rights here, for a message."""
    return facts().ADMIN_HINT


def in_system_folder(
    exe: str, os_name: str | None = None, env: Mapping[str, str] | None = None
) -> bool:
    """Is ``exe`` where the operating system keeps its own programs (where a protected name
    is what it says), rather than somewhere a download could have put it?"""
    return facts(os_name).in_system_folder(exe, os.environ if env is None else env)


def is_kernel_thread(proc: psutil.Process, os_name: str | None = None) -> bool:
    """Is ``proc`` part of the operating system kernel (Linux: a child of kthreadd)?
    Raises psutil's errors."""
    return facts(os_name).is_kernel_thread(proc)


def suspend_is_counted(os_name: str | None = None) -> bool:
    """Does suspending a process twice take two resumes (Windows), so a process already
    stopped must not be suspended again?"""
    return facts(os_name).SUSPEND_IS_COUNTED


def application_folders(os_name: str | None = None, home: Path | None = None) -> list[Path]:
    """Folders holding installed apps that are identified by inspecting each entry."""
    return facts(os_name).application_folders(home or Path.home())


def desktop_entry_folders(
    os_name: str | None = None, env: Mapping[str, str] | None = None
) -> list[Path]:
    """Folders of .desktop files (what the app menu shows): Linux only."""
    return facts(os_name).desktop_entry_folders(os.environ if env is None else env, Path.home())


def install_folders(
    os_name: str | None = None, env: Mapping[str, str] | None = None
) -> list[WatchFolder]:
    """The folders programs get installed in on ``os_name``, watched beside the downloads."""
    return facts(os_name).install_folders(os.environ if env is None else env, Path.home())


def process_name(proc: psutil.Process) -> str:
    """``proc.name()``, with psutil's exceptions; on Windows, where Wine fails it with
    error 87, the file name of the program ``QueryFullProcessImageNameW`` reports."""
    return facts().process_name(proc)


def process_exe(proc: psutil.Process) -> str:
    """``proc.exe()``, with psutil's exceptions; on Windows, where Wine fails it with
    error 87, the path ``QueryFullProcessImageNameW`` reports."""
    return facts().process_exe(proc)


def program_images(pid: int, exe: str | None, os_name: str | None = None) -> list[str]:
    """Where to read the program file a process runs, best first. On Linux the kernel's
    ``/proc/PID/exe`` link opens the very file the process was started from, even after it
    was renamed, replaced or deleted; elsewhere the path the OS reports."""
    paths = [f"/proc/{pid}/exe"] if (os_name or current_os()) == "linux" else []
    if exe:
        paths.append(exe)
    return paths


def process_status(proc: psutil.Process) -> str:
    """``proc.status()``, with psutil's exceptions; on Windows a process psutil calls running
    is checked thread by thread for a suspension (Wine reports suspended ones as running)."""
    return facts().process_status(proc)


@dataclass(frozen=True, slots=True)
class Account:
    """Who a process runs as, from the OS's own records, never from its environment (which
    whoever started it chose): its profile (home) folder, and the id a file it creates is
    owned by (a uid, or a Windows SID string)."""

    profile: str
    owner: int | str


# Owners whose files anyone's tool may have written: root / SYSTEM and Administrators (a
# program run elevated on Windows creates files owned by the Administrators group).
SYSTEM_OWNERS: frozenset[int | str] = frozenset({0, "S-1-5-18", "S-1-5-32-544"})


def account_of(pid: int) -> Account | None:
    """The account ``pid`` runs as: the profile Windows made for its token's SID, or the
    home the user database gives its real uid. None when it cannot be told (gone, or not
    ours to look at)."""
    try:
        if current_os() == "windows":
            from guard.platform import _winapi  # noqa: PLC0415 - Windows only

            sid = _winapi.process_token(pid).sid
            return Account(_winapi.profile_dir(sid), sid)
        import pwd  # noqa: PLC0415 - POSIX only

        uid = psutil.Process(pid).uids().real
        return Account(pwd.getpwuid(uid).pw_dir, uid)
    except (OSError, KeyError, psutil.Error):
        return None


def file_owner(fh: BinaryIO) -> int | str:
    """The owner of an open file (a uid, or a SID string on Windows): asked of the open
    handle, so a link swapped after the file was opened changes nothing. Raises OSError."""
    if current_os() == "windows":
        import msvcrt  # noqa: PLC0415 - Windows only

        from guard.platform import _winapi  # noqa: PLC0415 - Windows only

        handle = msvcrt.get_osfhandle(fh.fileno())  # type: ignore[attr-defined]
        return _winapi.handle_owner_sid(handle, _winapi.SE_FILE_OBJECT)
    return os.fstat(fh.fileno()).st_uid


def console_ctrl_c_on() -> None:
    """Windows: undo an inherited "ignore Ctrl-C" of this process's console
    (``SetConsoleCtrlHandler(NULL, FALSE)``; ``start /b`` and new process groups set it), so
    a person can stop a command at its pause. Elsewhere nothing: SIGINT is Python's own."""
    if current_os() != "windows":
        return
    from guard.platform import _winapi  # noqa: PLC0415 - Windows only

    with contextlib.suppress(OSError, AttributeError):
        _winapi.console_ctrl_c_on()


def user_locale_name() -> str | None:
    """The user's region setting where the OS keeps one outside the environment (Windows:
    ``en-GB``); None elsewhere or when it cannot be read."""
    if current_os() != "windows":
        return None
    from guard.platform import _winapi  # noqa: PLC0415 - Windows only

    return _winapi.user_locale_name()


def owner_sid(path: Path) -> str:
    """The owner of ``path`` as a Windows SID string ("S-1-5-18"); OSError elsewhere."""
    from guard.platform import _winapi  # noqa: PLC0415 - Windows only

    return _winapi.owner_sid(path)


def lock_holder(path: Path) -> int | None:
    """The pid holding a file lock on ``path``, where the kernel tells (Linux: /proc/locks);
    None elsewhere, or when it cannot say. (Wine maps ``/proc/locks`` to the Linux host's,
    which describes the host's files, not Windows ones: asked on Linux only.)"""
    if current_os() != "linux":
        return None
    return facts("linux").flock_holder(path)


def shared_library_present(name: str) -> bool:
    """Can the system's loader find the shared library ``name``?"""
    return facts("linux").shared_library_present(name)
