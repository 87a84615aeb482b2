"""Freeze, resume and kill a process together with everything it started.

Freezing only the process a signature matched is not enough: a remote-access tool is often a
small launcher whose child does the screen sharing, and a child left running keeps the
scammer's session alive. So every action takes the whole tree. The tree is walked again until
no new child appears, because a child can fork between our listing and our signal.

The platform part is tiny and sits behind ``ProcessControl``: psutil sends SIGSTOP/SIGCONT/
SIGKILL on POSIX and calls NtSuspendProcess/NtResumeProcess/TerminateProcess on Windows, and
its ``Process`` objects remember their creation time, so a pid reused by an unrelated program
is never signalled.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

import psutil

from guard.platform import process_status, suspend_is_counted

# How many times the tree is re-walked looking for children that appeared meanwhile. Each walk
# freezes what it finds, and frozen processes cannot fork, so two or three walks settle.
_MAX_WALKS = 8


@dataclass
class TreeResult:
    """What an action did, process by process, so the incident can say exactly that."""

    done: list[psutil.Process] = field(default_factory=list)
    denied: list[tuple[int, str]] = field(default_factory=list)  # (pid, one-line reason)
    gone: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # never touched, and why

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.done]

    def problems(self) -> list[str]:
        return [f"pid {pid}: {why}" for pid, why in self.denied]


class ProcessControl:
    """The only place that signals processes; tests substitute it to simulate Windows-only
    failures (a service running as SYSTEM that an unelevated guard may not suspend)."""

    def suspend(self, proc: psutil.Process) -> None:
        # Where suspensions are counted (Windows, guard.platform), a tool frozen by an earlier
        # run of the guard must not be suspended twice; elsewhere the check would only cost
        # time.
        if suspend_is_counted() and process_status(proc) == psutil.STATUS_STOPPED:
            return
        proc.suspend()

    def resume(self, proc: psutil.Process) -> None:
        proc.resume()

    def kill(self, proc: psutil.Process) -> None:
        proc.kill()

    def children(self, proc: psutil.Process) -> list[psutil.Process]:
        return proc.children(recursive=True)

    def is_held(self, proc: psutil.Process) -> bool | None:
        """Is ``proc`` still stopped? None when it has exited (or its pid is another
        program's now). A stop can be undone from outside: ``kill -CONT``, a debugger that
        swallows SIGSTOP, the kernel's SIGCONT to an orphaned process group; on Windows any
        program that may open the process can call NtResumeProcess. Windows and macOS report
        a suspended process as "stopped" too (psutil; on Windows the platform layer asks the
        threads when psutil cannot tell, as under Wine), so one check serves every OS."""
        try:
            if not proc.is_running():
                return None
            status = process_status(proc)
        except psutil.NoSuchProcess:
            return None
        except psutil.Error:
            return True  # cannot look (another user's process): nothing to act on
        if status in (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD):
            return None
        return status in (psutil.STATUS_STOPPED, psutil.STATUS_TRACING_STOP)


Exempt = Callable[[psutil.Process], str | None]


def _apply(
    action: Callable[[psutil.Process], None], proc: psutil.Process, result: TreeResult
) -> None:
    try:
        action(proc)
    except psutil.NoSuchProcess:  # includes ZombieProcess: it has exited already
        result.gone.append(proc.pid)
    except psutil.AccessDenied:
        result.denied.append(
            (proc.pid, "access denied (it may belong to another user or run as a system service)")
        )
    except OSError as exc:
        result.denied.append((proc.pid, exc.strerror or str(exc)))
    else:
        result.done.append(proc)


Related = Callable[[psutil.Process], list[psutil.Process]]


def freeze_tree(
    root: psutil.Process,
    exempt: Exempt,
    control: ProcessControl | None = None,
    skip: Collection[int] = (),
    related: Related | None = None,
) -> TreeResult:
    """Suspend ``root`` first (so it cannot start more), then its descendants until none
    is new. ``exempt`` names processes that must never be frozen (the guard, its parents);
    ``skip`` are pids already frozen (Windows counts suspensions, so suspending twice would
    need two resumes); ``related`` adds descendants no live parent link shows (a worker
    whose parent double-forked and exited: lineage.py)."""
    control = control or ProcessControl()
    result = TreeResult()
    seen: set[int] = set(skip)
    frontier = [root]
    for _ in range(_MAX_WALKS):
        for proc in frontier:
            if proc.pid in seen:
                continue
            seen.add(proc.pid)
            reason = exempt(proc)
            if reason:
                result.skipped.append((proc.pid, reason))
            else:
                _apply(control.suspend, proc, result)
        found = _descendants(root, control) + (related(root) if related else [])
        frontier = [c for c in found if c.pid not in seen]
        if not frontier:
            break
    return result


def kill_tree(
    members: Iterable[psutil.Process],
    exempt: Exempt,
    control: ProcessControl | None = None,
    related: Related | None = None,
) -> TreeResult:
    """Kill every member and every descendant of a member. Members are suspended first so
    none can start a replacement while its siblings die. It does not wait for them to go:
    a stopped process dies on SIGKILL at once, and the engine must not sit on its lock."""
    control = control or ProcessControl()
    everything: dict[int, psutil.Process] = {}
    result = TreeResult()
    for root in members:
        frozen = freeze_tree(root, exempt, control, skip=everything, related=related)
        result.denied += frozen.denied
        result.gone += frozen.gone
        for proc in frozen.done:
            everything.setdefault(proc.pid, proc)
        if root.pid in dict(frozen.skipped) or root.pid in dict(frozen.denied):
            continue
        everything.setdefault(root.pid, root)  # already frozen earlier: skipped above
    for proc in everything.values():
        _apply(control.kill, proc, result)
    return result


def resume_all(
    members: Iterable[psutil.Process], control: ProcessControl | None = None
) -> TreeResult:
    """Resume each member (children first, so the parent wakes to a running tree)."""
    control = control or ProcessControl()
    result = TreeResult()
    for proc in reversed(list(members)):
        _apply(control.resume, proc, result)
    return result


def is_alive(proc: psutil.Process) -> bool:
    """Running and not a zombie; False for a pid now used by another program."""
    try:
        return proc.is_running() and not _is_zombie(proc)
    except psutil.Error:
        return False


def _is_zombie(proc: psutil.Process) -> bool:
    try:
        return proc.status() == psutil.STATUS_ZOMBIE
    except psutil.Error:
        return True


def _descendants(root: psutil.Process, control: ProcessControl) -> list[psutil.Process]:
    try:
        return control.children(root)
    except psutil.Error:
        return []


def ancestors_of_self() -> set[int]:
    """This process and every parent up to init: the guard must never freeze its own chain
    (freezing the terminal or service manager that started it would hang the person's
    session)."""
    chain = {os.getpid()}
    try:
        proc: psutil.Process | None = psutil.Process()
        while proc is not None and proc.pid not in (0, 1):
            proc = proc.parent()
            if proc is not None:
                chain.add(proc.pid)
    except psutil.Error:
        chain.add(os.getppid())
    return chain
