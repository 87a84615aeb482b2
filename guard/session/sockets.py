"""A tool process's established TCP connections and I/O, read cheaply enough to do every second.

Listing a process's connections with psutil costs about 6.6 ms of CPU on Linux when it holds
any socket (the kernel builds the whole ``/proc/net/tcp`` text each time: measured in
benchmarks/session_monitor.py), far too much for three tools at 1 Hz against a 0.2 % target.
So a process is listed again only when something that a new or closed connection changes has
changed: on Linux the set of its socket inodes (a readlink per open file, about 5 us each);
elsewhere its handle count and I/O counters. It is also listed every tick while it holds a
live session (so an end is seen within the tick), on the tick after any change (a connection
still being set up when first listed), and every ``refresh`` seconds regardless.

I/O: psutil's ``io_counters``: on Linux ``read_chars + write_chars`` (bytes passed to read()
and write(), sockets included, but not send()/recv(): a tool using those shows no traffic),
on Windows ``read + write + other`` bytes (socket I/O is "other"); macOS has none (None).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import psutil

from guard import platform
from guard.session.model import Conn, ProcessLook, ToolProcess

REFRESH_SECONDS = 30.0
log = logging.getLogger(__name__)
ON_LINUX = sys.platform.startswith("linux")


@dataclass(slots=True)
class _Entry:
    proc: psutil.Process
    name: str
    fingerprint: Any = None
    conns: tuple[Conn, ...] = ()
    listed_at: float = float("-inf")
    relist_next: bool = True
    io: int | None = None
    io_at: float = 0.0
    listings: int = 0
    environ: dict[str, str] | None = None  # once read (not empty: a new process's may be)
    account: platform.Account | None = None  # who it runs as, once known
    asked_at: float = float("-inf")  # when account or environ last failed to be read


def _socket_inodes(pid: int) -> frozenset[str] | None:
    """Linux: the inodes of the sockets ``pid`` holds open, from /proc/PID/fd; None when
    they cannot be read (another user's process, without root)."""
    try:
        with os.scandir(f"/proc/{pid}/fd") as entries:
            found = []
            for entry in entries:
                try:
                    target = os.readlink(entry.path)
                except OSError:
                    continue  # closed meanwhile
                if target.startswith("socket:"):
                    found.append(target)
            return frozenset(found)
    except OSError:
        return None


def _io_total(proc: psutil.Process) -> int | None:
    try:
        io = proc.io_counters()
    except (AttributeError, NotImplementedError):
        return None  # macOS: psutil has no I/O counters there
    if ON_LINUX:
        return int(getattr(io, "read_chars", 0)) + int(getattr(io, "write_chars", 0))
    return int(io.read_bytes) + int(io.write_bytes) + int(getattr(io, "other_bytes", 0))


def _list_connections(proc: psutil.Process) -> tuple[Conn, ...]:
    lister = getattr(proc, "net_connections", None) or proc.connections  # psutil < 6
    out = []
    for c in lister(kind="tcp"):
        if c.status != psutil.CONN_ESTABLISHED or not c.raddr:
            continue
        out.append(Conn(c.laddr.ip, c.laddr.port, c.raddr.ip, c.raddr.port))
    return tuple(out)


class ProcessReader:
    """Looks at tool processes tick after tick, keeping what it learnt per (pid, start time)."""

    def __init__(
        self, *, refresh: float = REFRESH_SECONDS, clock: Callable[[], float] = time.monotonic
    ):
        self.refresh = refresh
        self.clock = clock
        self._entries: dict[tuple[int, float], _Entry] = {}
        self.listings = 0  # how many full listings were made (benchmark, tests)
        self._own_account: platform.Account | Literal[False] | None = None

    def look(self, tool: ToolProcess, *, fresh: bool = False) -> tuple[ProcessLook, float | None]:
        """The process's connections (listed again only when needed, or always with
        ``fresh``) and its I/O in bytes per second since the last look (None the first time,
        or where the OS gives no counters). Raises ``psutil.Error`` when it is gone, was
        replaced (same pid, other start time) or cannot be read: the caller skips it."""
        key = (tool.pid, round(tool.create_time, 2))
        entry = self._entries.get(key)
        if entry is None:
            proc = psutil.Process(tool.pid)
            if abs(proc.create_time() - tool.create_time) > 0.01:
                raise psutil.NoSuchProcess(tool.pid, msg="the pid now runs another program")
            entry = _Entry(proc, proc.name())
            self._entries[key] = entry
        now = self.clock()
        io = _io_total(entry.proc)
        fingerprint = self._fingerprint(entry, io)
        changed = fingerprint != entry.fingerprint
        if fresh or changed or entry.relist_next or now - entry.listed_at >= self.refresh:
            entry.conns = _list_connections(entry.proc)
            entry.listed_at = now
            entry.listings += 1
            self.listings += 1
            entry.relist_next = changed  # once more: a connection may still be being set up
            entry.fingerprint = fingerprint
        rate = None
        if io is not None and entry.io is not None and now > entry.io_at:
            rate = max(0, io - entry.io) / (now - entry.io_at)
        entry.io, entry.io_at = io, now
        return ProcessLook(tool.pid, entry.name, entry.conns), rate

    def _fingerprint(self, entry: _Entry, io: int | None) -> Any:
        if ON_LINUX:
            inodes = _socket_inodes(entry.proc.pid)
            if inodes is not None:
                return inodes
            entry.proc.status()  # raises NoSuchProcess when gone
            return None
        handles = getattr(entry.proc, "num_handles", None) or entry.proc.num_fds
        return (handles(), io)

    def environ(self, tool: ToolProcess) -> dict[str, str]:
        """The process's own environment ({} when it cannot be read, or before ``look`` has
        seen it). Kept once read. An empty one is asked again next time (a process that has
        only just started may not have one to show yet); a refusal, after ``refresh``."""
        entry = self._entry(tool)
        if entry is None:
            return {}
        if not entry.environ and self.clock() - entry.asked_at >= self.refresh:
            try:
                entry.environ = dict(entry.proc.environ())
            except (psutil.Error, OSError) as exc:
                log.debug("cannot read the environment of pid %s: %s", tool.pid, exc)
                entry.asked_at = self.clock()
        return entry.environ or {}

    def account(self, tool: ToolProcess) -> platform.Account | None:
        """Who the process runs as, from the OS's records (``platform.account_of``); None
        before ``look`` has seen it, or when it cannot be told (asked again after
        ``refresh``: the lookup opens the process and reads the registry)."""
        entry = self._entry(tool)
        if entry is None:
            return None
        if entry.account is None and self.clock() - entry.asked_at >= self.refresh:
            entry.account = platform.account_of(tool.pid) if entry.proc.is_running() else None
            if entry.account is None:
                entry.asked_at = self.clock()
        return entry.account

    def own_account(self) -> platform.Account | None:
        """The account this monitor runs as, looked up once."""
        if self._own_account is None:
            self._own_account = platform.account_of(os.getpid()) or False
        return self._own_account or None

    def _entry(self, tool: ToolProcess) -> _Entry | None:
        return self._entries.get(self.key(tool))

    def forget_except(self, keep: set[tuple[int, float]]) -> None:
        """Drop what is known about processes no longer asked about."""
        for key in [k for k in self._entries if (k[0], k[1]) not in keep]:
            del self._entries[key]

    @staticmethod
    def key(tool: ToolProcess) -> tuple[int, float]:
        return (tool.pid, round(tool.create_time, 2))
