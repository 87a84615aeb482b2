"""Reading a process without being surprised by it: psutil lookups that never raise.

A process can exit, or its pid be reused, between any two looks. The engine asks through
these so a vanished process reads as "?" or None, and a handle is only ever on the very
process (pid and start time) a source described.
"""

from __future__ import annotations

import psutil

from guard.engine.incidents import Member
from guard.identify.process import ProcessInfo
from guard.platform import process_name


def identities(members: list[Member]) -> list[list[float]]:
    """[pid, start time] of each member: enough to know the very same processes later."""
    out = []
    for m in members:
        try:
            out.append([m.pid, m.proc.create_time()])
        except psutil.Error:
            continue
    return out


def changed_program(member: Member, info: ProcessInfo) -> bool:
    """Did the process run another program since it joined (exec: same pid, new image)?"""
    if member.exe and info.exe:
        return member.exe != info.exe
    return member.name != info.name


def handle_of(info: ProcessInfo) -> psutil.Process | None:
    """A psutil handle on exactly the process ``info`` describes (not a reused pid)."""
    try:
        proc = psutil.Process(info.pid)
        if info.create_time is not None and abs(proc.create_time() - info.create_time) > 0.01:
            return None
    except psutil.Error:
        return None
    return proc


def child_of(child: psutil.Process, parent: psutil.Process) -> bool:
    """``parent`` is still the process we froze (pid and start time: psutil's identity
    check) and ``child`` started after it."""
    try:
        return parent.is_running() and child.create_time() >= parent.create_time()
    except psutil.Error:
        return False


def name_of(proc: psutil.Process) -> str:
    try:
        return process_name(proc)
    except psutil.Error:
        return "?"


def cwd_of(proc: psutil.Process) -> str | None:
    try:
        return proc.cwd() or None
    except (psutil.Error, OSError):
        return None


def ppid_of(proc: psutil.Process) -> int | None:
    try:
        return proc.ppid()
    except (psutil.Error, OSError):
        return None
