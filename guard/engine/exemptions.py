"""What the engine must never freeze, and what it must not freeze on a name alone.

Two rules, both in code rather than in signature data, so no signature file or forged update
can weaken them:

* **Never frozen**: the guard itself and the programs that started it (by pid *and* start
  time, so a reused pid is not exempt), kernel threads, and the operating system's own
  programs (protected names such as ``explorer``, ``python3.12``, ``gnome-shell``) *when they
  are what they say*: the process's own name is protected and its program file is in the
  system's folders. A copy of ``svchost.exe`` in Downloads is a disguise, and a script named
  ``anydesk`` that happens to run under ``/bin/sh`` is AnyDesk, not the shell: what counts is
  the process's name and program file, never merely the interpreter it runs on.
* **Not on a name alone**: a program file in a system folder that matches a tool by its name
  and nothing else is not frozen, since a signature naming a system program by mistake would
  otherwise hang the computer. A tool that really lives there says so: its signature lists
  that install path (Quick Assist in ``System32``), or the file belongs to the tool's own
  package (``/usr/bin/anydesk`` from the ``anydesk`` .deb), or its version info or hash match.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path, PurePath, PureWindowsPath

import psutil

from guard.engine.process_tree import ancestors_of_self
from guard.identify.evidence import Evidence, Identification
from guard.identify.installpaths import InstallPaths
from guard.identify.process import ProcessInfo
from guard.platform import (
    DPKG_INFO,
    current_os,
    dpkg_owns,
    in_system_folder,
    is_kernel_thread,
    process_exe,
    process_name,
)
from guard.sigdb.model import ToolSignature
from guard.sigdb.names import is_command_runner, is_protected_program, name_key

# Evidence that says more than a name: a match backed by one of these may freeze a program in
# a system folder.
CORROBORATING = frozenset(
    {"sha256", "build-id", "pe-version", "signer", "bundle-id", "package", "install-path"}
)
# The kernel keeps 15 characters of a program's name (Linux ``comm``).
_COMM_LEN = 15


def _basename(path: str) -> str:
    return PureWindowsPath(path).name if "\\" in path else PurePath(path).name


def _same_name(process_name: str, file_name: str) -> bool:
    """Does ``file_name`` name the program ``process_name`` runs (allowing the kernel's
    15-character cut)?"""
    a, b = name_key(process_name), name_key(file_name)
    return a == b or (len(process_name) == _COMM_LEN and b.startswith(a))


def program_file(
    name: str, exe: str | None, cmdline: Collection[str] = (), cwd: str | None = None
) -> str | None:
    """The file a process is really running: its executable, or for a script (``#!/bin/sh``
    named ``anydesk``, whose executable is the shell) the script itself. None when unknown."""
    if exe and _same_name(name, _basename(exe)):
        return exe
    args = list(cmdline)
    for arg in args[1:3]:  # "/bin/sh /path/anydesk" or "/usr/bin/env sh /path/anydesk"
        if arg and not arg.startswith("-") and _same_name(name, _basename(arg)):
            if os.path.isabs(arg) or "\\" in arg[:3]:
                return arg
            return os.path.normpath(os.path.join(cwd, arg)) if cwd else None
    return exe


class Exemptions:
    """The engine's two rules above, for one machine (``os_name``) and one guard process."""

    def __init__(
        self,
        os_name: str | None = None,
        env: dict[str, str] | None = None,
        dpkg_info: Path = DPKG_INFO,
    ):
        self.os_name = os_name or current_os()
        self.env = env
        self.dpkg_info = dpkg_info
        self.never = ancestors_with_start_times()

    def never_freeze(self, proc: psutil.Process, root: bool = False) -> str | None:
        """Why ``proc`` must never be frozen, or None. ``root`` is the matched program
        itself; otherwise ``proc`` is in a matched program's tree, where a command shell is
        the caller's hands on the computer and is frozen with the rest."""
        if proc.pid in self.never:
            started = self.never[proc.pid]
            try:
                same = started is None or abs(proc.create_time() - started) < 0.01
            except psutil.Error:
                same = True
            if same:
                return "it is ScamGuard itself or a program that started ScamGuard"
        try:
            if is_kernel_thread(proc, self.os_name):
                return "it is part of the operating system kernel"
            name = process_name(proc)
        except psutil.Error:
            return None
        return self.system_program(name, exe_of(proc), root)

    def system_program(self, name: str, exe: str | None, root: bool = True) -> str | None:
        """Why the program ``name`` (file ``exe``) is the operating system's own and what it
        claims to be, or None. Also asked by the exec gate, before the program runs."""
        reason = is_protected_program(name, exe, self.os_name)
        if reason is None:
            return None  # whatever interpreter it runs on, its own name is not the system's
        if not root and is_command_runner(name):
            return None  # a shell or interpreter a tool started runs the caller's commands
        if exe is not None and not in_system_folder(exe, self.os_name, self.env):
            return None  # a system name worn by a file from elsewhere is a disguise
        return reason

    def name_alone(
        self,
        info: ProcessInfo,
        tool: ToolSignature,
        verdict: Identification,
        cwd: str | None,
        *,
        read_packages: bool = True,
    ) -> tuple[str | None, list[Evidence]]:
        """Why a matched program in a system folder is held back from freezing (None when it
        may be frozen), and any corroborating evidence found on the way (the tool's own
        package owns the file). Without ``read_packages`` (the exec gate, which reads nothing
        from disk while an exec waits) dpkg's file lists are not asked, so a program only
        its package could vouch for is held back here and left to the freeze."""
        path = program_file(info.name, info.exe, info.cmdline, cwd)
        if path is None or not in_system_folder(path, self.os_name, self.env):
            return None, []
        kinds = {e.kind for e in verdict.evidence if e.tool_id == tool.id}
        if kinds & CORROBORATING:
            return None, []
        declared = InstallPaths((tool,), self.os_name, self.env).under(path)
        if declared:  # a script (vncserver on perl): its own file is where the tool says
            where = declared[0][1]
            detail = f"lies in {tool.name}'s install location {where}"
            return None, [Evidence("install-path", path, detail, tool.id)]
        if self.os_name == "linux" and read_packages:
            # A name from the alternatives system (/usr/bin/vncserver) is a link to the file
            # the package installed (/usr/bin/tigervncserver).
            real = os.path.realpath(path)
            for package in tool.packages:
                if dpkg_owns(package, path, self.dpkg_info) or (
                    real != path and dpkg_owns(package, real, self.dpkg_info)
                ):
                    detail = f"the {package} package installed this file"
                    return None, [Evidence("package", package, detail, tool.id)]
        return (
            f"{path} is in a system folder and only its name matches {tool.name}, so it "
            "was not frozen"
        ), []


def ancestors_with_start_times() -> dict[int, float | None]:
    """The guard's own chain, by pid and start time (so a pid the OS reuses later for an
    unrelated program is not exempt), plus the pids that are never user programs."""
    never: dict[int, float | None] = {0: None, 1: None, 2: None}
    for pid in ancestors_of_self():
        try:
            never[pid] = psutil.Process(pid).create_time()
        except psutil.Error:
            continue
    return never


def exe_of(proc: psutil.Process) -> str | None:
    """The program file of ``proc``, or None when it cannot be read."""
    try:
        return process_exe(proc) or None
    except psutil.Error:
        return None
