"""Reading a process without being surprised by it: psutil lookups that never raise.

A process can exit, or its pid be reused, between any two looks. The engine asks through
these so a vanished process reads as "?" or None, and a handle is only ever on the very
process (pid and start time) a source described.
"""

from __future__ import annotations

import time
from collections.abc import Callable

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


# A Windows process a few milliseconds old may not be openable yet (seen under Wine, where
# psutil then says "no such process" although the pid is listed): asked again this often,
# this many times, while the system still lists the pid. Never waits for a process that
# really ended (its pid is no longer listed), and at most ~50 ms for one that did not.
OPEN_RETRIES = 5
OPEN_RETRY_SECONDS = 0.01


def open_process(
    info: ProcessInfo, *, sleep: Callable[[float], None] = time.sleep
) -> psutil.Process | None:
    """``handle_of(info)``, asked again while a process that cannot be opened is still in
    the system's process list. (One that opens is returned at once, even a zombie: that
    one has ended, and the caller says so.)"""
    for attempt in range(OPEN_RETRIES + 1):
        proc = handle_of(info)
        if proc is not None or attempt == OPEN_RETRIES or info.pid not in psutil.pids():
            return proc
        sleep(OPEN_RETRY_SECONDS)
    return None


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
