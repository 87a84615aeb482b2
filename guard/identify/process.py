"""A safe snapshot of one running process: whatever psutil can tell us, never an exception.

Processes vanish mid-look, turn into zombies, or belong to another user (access denied on the
executable path). Each of those is normal on a busy computer; the snapshot records what it
could not read instead of failing, and returns None only when the process is gone.
"""

from __future__ import annotations

from dataclasses import dataclass

import psutil

from guard.errors import describe_os_error
from guard.platform import process_exe, process_name

# The name of a process whose name could not be read (access denied, or a Windows process
# a moment after it started): the poller looks at such a young process again.
UNREAD = "?"


@dataclass(frozen=True, slots=True)
class ProcessInfo:
    pid: int
    name: str
    exe: str | None = None
    cmdline: tuple[str, ...] = ()
    username: str | None = None
    ppid: int | None = None
    create_time: float | None = None
    problems: tuple[str, ...] = ()  # one-line notes such as "path: access denied"

    @property
    def label(self) -> str:
        return f"pid {self.pid} ({self.name})"


def read_process(target: int | psutil.Process) -> ProcessInfo | None:
    """Snapshot a process by pid or psutil.Process; None if it no longer exists."""
    try:
        proc = target if isinstance(target, psutil.Process) else psutil.Process(target)
        with proc.oneshot():
            name = process_name(proc)
            problems: list[str] = []
            values: dict[str, object] = {}
            for field, getter in (
                ("exe", lambda: process_exe(proc)),
                ("cmdline", proc.cmdline),
                ("username", proc.username),
                ("ppid", proc.ppid),
                ("create_time", proc.create_time),
            ):
                try:
                    values[field] = getter()
                except psutil.AccessDenied:
                    problems.append(f"{field}: access denied")
                except psutil.ZombieProcess:
                    problems.append(f"{field}: process has exited (zombie)")
                except OSError as exc:
                    problems.append(f"{field}: {describe_os_error(exc)}")
    except (psutil.NoSuchProcess, ProcessLookupError):
        return None
    except psutil.AccessDenied:
        pid = target.pid if isinstance(target, psutil.Process) else target
        return ProcessInfo(pid=pid, name=UNREAD, problems=("name: access denied",))
    except OSError as exc:  # Windows (seen under Wine): the name read fails with a plain error
        pid = target.pid if isinstance(target, psutil.Process) else target
        return ProcessInfo(pid=pid, name=UNREAD, problems=(f"name: {describe_os_error(exc)}",))
    cmdline = values.get("cmdline") or ()
    return ProcessInfo(
        pid=proc.pid,
        name=name,
        exe=values.get("exe") or None,  # type: ignore[arg-type]
        cmdline=tuple(cmdline),  # type: ignore[arg-type]
        username=values.get("username"),  # type: ignore[arg-type]
        ppid=values.get("ppid"),  # type: ignore[arg-type]
        create_time=values.get("create_time"),  # type: ignore[arg-type]
        problems=tuple(problems),
    )
