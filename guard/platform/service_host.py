"""Where the privileged guard service lives on each OS, and who is on the other end of its
socket.

The service (root on Linux and macOS, LocalSystem on Windows) keeps its state in a folder
only administrators can write and listens on a local endpoint any user can reach. Who a
client is comes from the kernel, never from what the client says: ``SO_PEERCRED`` on Linux
and ``LOCAL_PEERCRED`` on macOS give the connecting process's user, and on Windows the named
pipe's client token does (``guard/service/pipe.py`` through ``_winapi``).

"Administrator" means the client runs with an administrator's rights *now*: root on Linux
and macOS (a member of ``sudo`` or ``admin`` has to go through ``sudo`` and its password), an
elevated token on Windows. A caller can dictate a command, but not the password prompt's
answer without the person typing it, and that prompt is the moment to stop and think.
"""

from __future__ import annotations

import os
import socket
import struct
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from guard.platform import APP, current_os, facts

# Linux: struct ucred {pid_t pid; uid_t uid; gid_t gid;}
_UCRED = struct.Struct("iII")
# macOS: SOL_LOCAL / LOCAL_PEERCRED (struct xucred: u_int version; uid_t uid; short ngroups;
# gid_t groups[16]) and LOCAL_PEERPID; values from <sys/un.h>.
_SOL_LOCAL = 0
_LOCAL_PEERCRED = 0x001
_LOCAL_PEERPID = 0x002
_XUCRED = struct.Struct("IIh")
_XUCRED_GROUPS_AT = 12  # after the short and its padding
PIPE_NAME = r"\\.\pipe\ScamGuard.Service"


def service_state_dir(os_name: str | None = None) -> Path:
    """The service's own state (journal, quarantine, installed updates): administrators'."""
    name = os_name or current_os()
    if name in ("windows", "macos"):  # beside the machine settings, which are admins' too
        return facts(name).machine_dir(APP) / "Service"
    return Path("/var/lib/scamguard")


def service_endpoint(os_name: str | None = None) -> str:
    """Where the service listens: a Unix socket in a root-owned folder, or a named pipe."""
    name = os_name or current_os()
    if name == "windows":
        return PIPE_NAME
    if name == "macos":
        return "/var/run/scamguard/service.sock"
    return "/run/scamguard/service.sock"


@dataclass(frozen=True)
class Peer:
    """The process on the other end of a local connection, as the kernel names it."""

    uid: int
    gid: int
    pid: int | None
    admin: bool
    name: str  # the user's name, for the journal ("trusted by alice")


def user_name(uid: int) -> str:
    try:
        import pwd  # noqa: PLC0415 - POSIX only

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"uid {uid}"


def unix_peer(sock: socket.socket) -> Peer:
    """The peer of a connected Unix socket. Raises OSError when the kernel will not say."""
    if sys.platform == "darwin":
        raw = sock.getsockopt(_SOL_LOCAL, _LOCAL_PEERCRED, _XUCRED_GROUPS_AT + 4 * 16)
        _version, uid, ngroups = _XUCRED.unpack_from(raw)
        ok = ngroups > 0 and len(raw) >= _XUCRED_GROUPS_AT + 4
        gid = struct.unpack_from("I", raw, _XUCRED_GROUPS_AT)[0] if ok else 0
        pid: int | None = struct.unpack("i", sock.getsockopt(_SOL_LOCAL, _LOCAL_PEERPID, 4))[0]
    else:
        raw = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _UCRED.size)
        pid, uid, gid = _UCRED.unpack(raw)
    return Peer(uid=uid, gid=gid, pid=pid or None, admin=uid == 0, name=user_name(uid))


def is_service_user() -> bool:
    """Is this process running with the rights the service needs (root; on Windows an
    elevated or SYSTEM token, asked through ``_winapi``)?"""
    if hasattr(os, "geteuid"):
        return os.geteuid() == 0
    from guard.platform import _winapi  # noqa: PLC0415 - Windows only

    return _winapi.is_elevated()


# Accounts below these are the system's own (Debian's UID_MIN; macOS's first user is 501):
# a tool running as one of them (a real ``teamviewerd``) belongs to nobody in particular,
# so its warning goes to every person signed in.
FIRST_PERSON_UID = {"linux": 1000, "macos": 501}
WINDOWS_SYSTEM_ACCOUNTS = (
    "nt authority\\",
    "nt service\\",
    "window manager\\",
    "font driver host\\",
)


def process_owner(pid: int) -> str | None:
    """The name of the person a process runs as, or None for a system account (or when the
    process is gone). Raises nothing."""
    import psutil  # noqa: PLC0415

    try:
        proc = psutil.Process(pid)
        if hasattr(os, "getuid"):
            return _person(proc.uids().real)
        name = proc.username()
    except (psutil.Error, OSError):
        return None
    return None if name.casefold().startswith(WINDOWS_SYSTEM_ACCOUNTS) else name


def person_of(pid: int | None, path: str | None) -> str | None:
    """Whose a sighting is: the person the process runs as, else who owns the file; None for
    a system account (everyone's)."""
    if pid is not None:
        return process_owner(pid)
    return file_owner(path) if path else None


def file_owner(path: str) -> str | None:
    """The person who owns a file (an installer in their Downloads), or None."""
    if not hasattr(os, "getuid"):
        return None  # Windows: the file's folder names the person; not read here yet
    try:
        return _person(os.stat(path).st_uid)
    except OSError:
        return None


def _person(uid: int) -> str | None:
    return user_name(uid) if uid >= FIRST_PERSON_UID.get(current_os(), 1000) else None


UNIT = "scamguard.service"


def unit_state() -> str:
    """What the OS's service manager says about the service, in a few words ("enabled,
    inactive", "masked"), or "" where it cannot be asked: ``systemctl`` on Linux, the
    Service Control Manager on Windows (launchd is asked by its adapter)."""
    import shutil  # noqa: PLC0415
    import subprocess  # noqa: PLC0415

    if current_os() == "windows":
        return windows_unit_state()
    if current_os() != "linux" or shutil.which("systemctl") is None:
        return ""
    answers = []
    for question in ("is-enabled", "is-active"):
        try:
            done = subprocess.run(
                ["systemctl", question, UNIT],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
        answers.append(done.stdout.strip() or "unknown")
    return ", ".join(answers)


WINDOWS_SERVICE = "ScamGuard"
_START_TYPES = {0: "boot", 1: "system", 2: "automatic", 3: "manual", 4: "disabled"}
_STATES = {
    1: "stopped",
    2: "starting",
    3: "stopping",
    4: "running",
    5: "resuming",
    6: "pausing",
    7: "paused",
}


def windows_unit_state() -> str:
    """The SCM's word on the ``ScamGuard`` service: "automatic, running", "disabled,
    stopped", "not installed"; "" when the SCM cannot be asked."""
    from guard.platform import _winapi  # noqa: PLC0415 - Windows only

    try:
        start_type, state = _winapi.service_query(WINDOWS_SERVICE)
    except OSError as exc:
        if getattr(exc, "winerror", None) == _winapi.ERROR_SERVICE_DOES_NOT_EXIST:
            return "not installed"
        return ""
    start = _START_TYPES.get(start_type, f"start type {start_type}")
    return f"{start}, {_STATES.get(state, f'state {state}')}"


def person_homes(os_name: str | None = None) -> list[Path]:
    """Every person's home folder on this computer (the service watches each one's
    Downloads and Desktop): accounts from the first person's uid up that have a real home
    (Linux, macOS); the profile folders under ``C:\\Users`` (Windows)."""
    name = os_name or current_os()
    if name == "windows":
        base = Path(os.environ.get("SYSTEMDRIVE", "C:") + "\\") / "Users"
        skip = {"public", "default", "default user", "all users"}
        try:
            return sorted(p for p in base.iterdir() if p.is_dir() and p.name.casefold() not in skip)
        except OSError:
            return []
    try:
        import pwd  # noqa: PLC0415
    except ImportError:
        return []
    first = FIRST_PERSON_UID.get(name, 1000)
    homes = []
    for entry in pwd.getpwall():
        home = Path(entry.pw_dir)
        if first <= entry.pw_uid < 60000 and home.is_dir() and home != Path("/"):
            homes.append(home)
    return sorted(set(homes))


def system_stopping() -> bool:
    """Is the computer shutting down or restarting now (so a service stopping is no one's
    doing)? Linux asks systemd (``is-system-running`` says "stopping"); on Windows the
    service host passes the shutdown control's own reason; elsewhere False."""
    import shutil  # noqa: PLC0415
    import subprocess  # noqa: PLC0415

    if current_os() != "linux" or shutil.which("systemctl") is None:
        return False
    try:
        done = subprocess.run(
            ["systemctl", "is-system-running"], capture_output=True, text=True, timeout=5,
            check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.stdout.strip() == "stopping"


def awake_clock() -> Callable[[], float]:
    """A monotonic clock that does not count time asleep: Linux's and macOS's
    ``time.monotonic``; on Windows ``QueryUnbiasedInterruptTime`` (``time.monotonic`` there
    counts sleep, and every lid closed would look like the service held still)."""
    if current_os() != "windows":
        return time.monotonic
    from guard.platform import _winapi  # noqa: PLC0415

    return _winapi.unbiased_seconds
