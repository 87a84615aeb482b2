"""Windows: the machine folder under ``%ProgramData%``, the folders programs get installed
in, the system folder, counted suspensions, and process names read the way Wine allows."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

import psutil

from guard.platform.folders import WatchFolder

ADMIN_HINT = "run it from an administrator command prompt"
# Windows counts suspensions: a tool frozen by an earlier run of the guard (it stays frozen
# when the guard stops) must not be suspended twice, or one resume would not wake it.
SUSPEND_IS_COUNTED = True
INSTALL_VARIABLES = ("ProgramFiles", "ProgramFiles(x86)", "ProgramData", "APPDATA", "LOCALAPPDATA")


def _winapi() -> ModuleType:
    from guard.platform import _winapi  # noqa: PLC0415 - loads ctypes only when asked

    return _winapi


def machine_dir(app: str) -> Path:
    return (_winapi().program_data() or Path(r"C:\ProgramData")) / app


def in_system_folder(exe: str, env: Mapping[str, str]) -> bool:
    root = env.get("SystemRoot", "C:\\Windows")
    return exe.replace("/", "\\").casefold().startswith(root.rstrip("\\").casefold() + "\\")


def is_kernel_thread(_proc: psutil.Process) -> bool:
    return False


def application_folders(_home: Path) -> list[Path]:
    return []


def desktop_entry_folders(_env: Mapping[str, str], _home: Path) -> list[Path]:
    return []


def install_folders(env: Mapping[str, str], _home: Path) -> list[WatchFolder]:
    return [
        WatchFolder(Path(env[var]), recursive=False, quarantine=False)
        for var in INSTALL_VARIABLES
        if env.get(var)
    ]


# --- process names under Wine ------------------------------------------------------------


def _needs_fallback(exc: OSError) -> bool:
    """psutil asks NtQuerySystemInformation (class 88) for a process's image, which Wine
    does not implement: ERROR_INVALID_PARAMETER (87)."""
    return getattr(exc, "winerror", None) == 87


def _image_path(proc: psutil.Process, winapi: ModuleType | None) -> str:
    """The program file by ``QueryFullProcessImageNameW``, psutil's errors raised as psutil
    raises them."""
    api = winapi if winapi is not None else _winapi()
    try:
        return api.process_image_path(proc.pid)
    except ProcessLookupError:
        raise psutil.NoSuchProcess(proc.pid) from None
    except PermissionError:
        raise psutil.AccessDenied(proc.pid) from None
    except OSError as exc:
        if getattr(exc, "winerror", None) == 5:  # ERROR_ACCESS_DENIED
            raise psutil.AccessDenied(proc.pid) from None
        raise


def process_exe(proc: psutil.Process, winapi: ModuleType | None = None) -> str:
    """``proc.exe()``; under Wine (error 87) the path from ``QueryFullProcessImageNameW``.
    ``winapi`` stands in for :mod:`guard.platform._winapi` in tests."""
    try:
        return proc.exe()
    except OSError as exc:
        if not _needs_fallback(exc):
            raise
    return _image_path(proc, winapi)


def process_name(proc: psutil.Process, winapi: ModuleType | None = None) -> str:
    """``proc.name()``; under Wine (error 87) the file name of the program's path."""
    try:
        return proc.name()
    except OSError as exc:
        if not _needs_fallback(exc):
            raise
    return os.path.basename(_image_path(proc, winapi).replace("\\", "/"))


def process_status(proc: psutil.Process, winapi: ModuleType | None = None) -> str:
    """``proc.status()``, except that a process psutil calls running is asked again, thread
    by thread, whether it is suspended (Wine reports a suspended process as running, so
    the guard would think every freeze had been undone). ``winapi`` stands in for
    :mod:`guard.platform._winapi` in tests."""
    status = proc.status()
    if status != psutil.STATUS_RUNNING:
        return status
    api = winapi if winapi is not None else _winapi()
    try:
        suspended = api.threads_all_suspended(proc.pid)
    except OSError:
        return status
    return psutil.STATUS_STOPPED if suspended else status
