"""What Linux and macOS share: system programs under a few root folders, ``sudo`` for an
administrator, a stop (SIGSTOP) that does not count, and psutil reading process names and
program files without help."""

from __future__ import annotations

import psutil

ADMIN_HINT = "use sudo"
# SIGSTOP on POSIX does not count: one SIGCONT wakes a process stopped twice.
SUSPEND_IS_COUNTED = False
# Inside the system folders, where people and Homebrew put programs of their own: not the
# system's.
LOCAL_FOLDERS = ("/usr/local/",)


def under_system_folders(exe: str, folders: tuple[str, ...]) -> bool:
    """Is ``exe`` under one of ``folders`` and not in a local folder inside them?"""
    return exe.startswith(folders) and not exe.startswith(LOCAL_FOLDERS)


def process_name(proc: psutil.Process) -> str:
    return proc.name()


def process_exe(proc: psutil.Process) -> str:
    return proc.exe()


def process_status(proc: psutil.Process) -> str:
    return proc.status()
