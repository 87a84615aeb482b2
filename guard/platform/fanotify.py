"""Linux fanotify through ctypes: the kernel asks before a program file is executed.

Why: the proc connector reports an ``execve`` after the fact, so a tool runs for the moment
it takes to freeze it. fanotify's ``FAN_OPEN_EXEC_PERM`` makes the kernel hold every exec
of a file on a marked mount (or in a marked folder) until a listener answers allow or deny:
a tool denied here never executes one instruction. It needs root (CAP_SYS_ADMIN) and a
kernel from 5.0; ``Fanotify.open`` and ``mark`` raise :class:`FanotifyUnavailable` with a
one-line reason otherwise, and the caller carries on with the proc connector alone.

This is the thin layer only (the constants, the two calls, the records read and the answer
written); what to answer is ``guard/watch/exec_gate.py``'s business. It imports on every OS
and fails only when used where there is no fanotify.

The kernel's rules the caller must keep (fanotify(7)):

* every event's ``fd`` is an open file of the listener's: close it, always;
* every permission event must be answered (``respond``), always: an unanswered event holds
  that exec until the listener answers or closes the fanotify descriptor (then the kernel
  allows everything still waiting); a process waiting there can still be killed;
* answer before closing the event's ``fd``: the answer names the event by that ``fd``;
* when the queue overflows (16,384 events by default) the kernel allows the permission
  events it cannot queue, and a ``FAN_Q_OVERFLOW`` record (``fd`` ``FAN_NOFD``) says so.
"""

from __future__ import annotations

import ctypes
import errno
import os
import select
import struct
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from guard.errors import ScamGuardError, describe_os_error

# include/uapi/linux/fanotify.h
FAN_ACCESS = 0x00000001
FAN_OPEN = 0x00000020
FAN_OPEN_EXEC = 0x00001000
FAN_Q_OVERFLOW = 0x00004000  # the queue overflowed; events were lost (fd is FAN_NOFD)
FAN_OPEN_PERM = 0x00010000
FAN_ACCESS_PERM = 0x00020000
FAN_OPEN_EXEC_PERM = 0x00040000  # a file opened to be executed: answer allow or deny
FAN_EVENT_ON_CHILD = 0x08000000  # a folder mark covers the files directly in it
FAN_ONDIR = 0x40000000
PERMISSION_EVENTS = FAN_OPEN_PERM | FAN_ACCESS_PERM | FAN_OPEN_EXEC_PERM

# fanotify_init flags
FAN_CLOEXEC = 0x00000001
FAN_NONBLOCK = 0x00000002
FAN_CLASS_NOTIF = 0x00000000
FAN_CLASS_CONTENT = 0x00000004  # may answer permission events (after FAN_CLASS_PRE_CONTENT)
FAN_CLASS_PRE_CONTENT = 0x00000008

# fanotify_mark flags
FAN_MARK_ADD = 0x00000001
FAN_MARK_REMOVE = 0x00000002
FAN_MARK_DONT_FOLLOW = 0x00000004
FAN_MARK_ONLYDIR = 0x00000008
FAN_MARK_MOUNT = 0x00000010
FAN_MARK_FLUSH = 0x00000080
FAN_MARK_FILESYSTEM = 0x00000100

# struct fanotify_response.response
FAN_ALLOW = 0x01
FAN_DENY = 0x02

FAN_NOFD = -1
FANOTIFY_METADATA_VERSION = 3
AT_FDCWD = -100

# struct fanotify_event_metadata: event_len, vers, reserved, metadata_len, mask (aligned
# u64), fd, pid. 24 bytes, host byte order.
EVENT = struct.Struct("=IBBHQii")
# struct fanotify_response: fd, response.
RESPONSE = struct.Struct("=iI")
READ_SIZE = EVENT.size * 512  # one read takes up to 512 events

# File systems that hold no program a person could have put there: never marked.
PSEUDO_FILESYSTEMS = frozenset(
    {
        "autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs", "debugfs",
        "devpts", "devtmpfs", "efivarfs", "fusectl", "hugetlbfs", "mqueue", "nsfs",
        "proc", "pstore", "rpc_pipefs", "securityfs", "selinuxfs", "sysfs", "tracefs",
    }
)  # fmt: skip


# Only local file systems are marked: answering an exec means an fstat of the file, and on a
# network or FUSE file system that waits on a server or a daemon (a stalled sshfs would hold
# every exec on every marked mount). Programs run from elsewhere are left to the freeze.
LOCAL_FILESYSTEMS = frozenset(
    {
        "ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs", "jfs", "reiserfs", "zfs", "bcachefs",
        "vfat", "exfat", "ntfs", "ntfs3", "hfsplus", "tmpfs", "ramfs", "overlay", "squashfs",
        "erofs", "iso9660", "udf",
    }
)  # fmt: skip


class FanotifyUnavailable(ScamGuardError):
    """One-line reason fanotify cannot be used here (not Linux, not root, old kernel...)."""


@dataclass(frozen=True, slots=True)
class FanEvent:
    """One record read from the fanotify descriptor."""

    mask: int
    fd: int  # an open descriptor of the file (the caller closes it), or FAN_NOFD
    pid: int  # the process that caused it (for an exec: the one calling execve)

    @property
    def needs_answer(self) -> bool:
        return bool(self.mask & PERMISSION_EVENTS) and self.fd >= 0


class FanotifyError(ScamGuardError):
    """A read returned something this layout cannot parse. ``events`` holds the records
    parsed before it: their fds are open and must be answered and closed."""

    def __init__(self, message: str, events: list[FanEvent]):
        super().__init__(message)
        self.events = events


def parse_events(data: bytes | bytearray | memoryview) -> list[FanEvent]:
    """The records in one read, in order. A record whose version is not the one this layout
    describes raises FanotifyError after the records before it (whose fds the caller must
    still answer and close); the walk never loops on a nonsense length."""
    events: list[FanEvent] = []
    offset = 0
    view = memoryview(data)
    while offset + EVENT.size <= len(view):
        event_len, vers, _reserved, _meta_len, mask, fd, pid = EVENT.unpack_from(view, offset)
        if vers != FANOTIFY_METADATA_VERSION or event_len < EVENT.size:
            raise FanotifyError(
                f"unexpected fanotify record (version {vers}, length {event_len})", events
            )
        events.append(FanEvent(mask, fd, pid))
        offset += event_len
    return events


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.fanotify_init.argtypes = [ctypes.c_uint, ctypes.c_uint]
    libc.fanotify_init.restype = ctypes.c_int
    libc.fanotify_mark.argtypes = [
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint64,
        ctypes.c_int,
        ctypes.c_char_p,
    ]
    libc.fanotify_mark.restype = ctypes.c_int
    return libc


def _reason(action: str, exc: OSError) -> str:
    """A one-line explanation of a failed fanotify call, naming the likely cause."""
    detail = describe_os_error(exc)
    if exc.errno in (errno.EPERM, errno.EACCES):
        return f"{action} was refused ({detail}): fanotify needs root (CAP_SYS_ADMIN)"
    if exc.errno == errno.ENOSYS:
        return f"{action} failed: this kernel was built without fanotify"
    if exc.errno == errno.EINVAL:
        return f"{action} failed ({detail}): the kernel lacks exec permission events (5.0+)"
    if exc.errno in (errno.ENODEV, errno.EXDEV, errno.EOPNOTSUPP):
        return f"{action} failed ({detail}): this file system cannot be watched"
    return f"{action} failed: {detail}"


class Fanotify:
    """One fanotify group: marks, the records it reads, the answers it writes.

    ``read`` and ``respond`` belong to one reading thread; ``close`` may come from another
    (the reader notices at its next poll timeout). Closing makes the kernel allow every
    permission event still waiting, so nothing hangs on a listener that went away.
    """

    def __init__(self, fd: int):
        """Wrap a descriptor from ``fanotify_init``; use :meth:`open`."""
        self.fd = fd
        self._closed = False
        self._poller = select.poll()  # one, reused: every exec waits on this loop
        self._poller.register(fd, select.POLLIN)

    @classmethod
    def open(cls, flags: int = FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK) -> Fanotify:
        """A new group that may answer permission events; raises FanotifyUnavailable."""
        if not sys.platform.startswith("linux"):
            raise FanotifyUnavailable("fanotify exists only on Linux")
        try:
            libc = _libc()
        except (OSError, AttributeError) as exc:
            raise FanotifyUnavailable(f"the C library has no fanotify ({exc})") from None
        event_flags = os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_LARGEFILE", 0)
        fd = libc.fanotify_init(flags, event_flags)
        if fd < 0:
            err = ctypes.get_errno()
            raise FanotifyUnavailable(_reason("fanotify_init", OSError(err, os.strerror(err))))
        return cls(fd)

    def mark(self, path: str, mask: int, *, mount: bool = False, remove: bool = False) -> None:
        """Add (or remove) ``mask`` on the mount holding ``path`` (``mount``) or on ``path``
        itself (a folder: add ``FAN_EVENT_ON_CHILD`` to cover the files directly in it).
        Raises FanotifyUnavailable with a one-line reason."""
        self._check_open()
        flags = (FAN_MARK_REMOVE if remove else FAN_MARK_ADD) | (FAN_MARK_MOUNT if mount else 0)
        if _libc().fanotify_mark(self.fd, flags, mask, AT_FDCWD, os.fsencode(path)) < 0:
            err = ctypes.get_errno()
            what = f"watching {'the mount of ' if mount else ''}{path}"
            raise FanotifyUnavailable(_reason(what, OSError(err, os.strerror(err))))

    def wait(self, timeout: float | None) -> bool:
        """Whether records are waiting within ``timeout`` s (None: until there are)."""
        self._check_open()
        millis = None if timeout is None else max(0.0, timeout) * 1000.0
        return bool(self._poller.poll(millis))

    def read(self) -> list[FanEvent]:
        """The records waiting now ([] if none). Raises FanotifyError (see parse_events)."""
        self._check_open()
        try:
            data = os.read(self.fd, READ_SIZE)
        except BlockingIOError:
            return []
        except InterruptedError:
            return []
        return parse_events(data)

    def respond(self, fd: int, allow: bool) -> None:
        """Answer the permission event whose file is ``fd``. Raises OSError (ENOENT: the
        event is gone, its process killed while it waited)."""
        self._check_open()
        os.write(self.fd, RESPONSE.pack(fd, FAN_ALLOW if allow else FAN_DENY))

    def close(self) -> None:
        """Close the group; the kernel allows every permission event still waiting."""
        if self._closed:
            return
        self._closed = True
        os.close(self.fd)

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError("the fanotify group is closed")


def unavailable_reason() -> str | None:
    """Why fanotify permission events cannot be used here, in one line (None: they can)."""
    if not sys.platform.startswith("linux"):
        return "fanotify exists only on Linux"
    if os.geteuid() != 0:
        return "fanotify permission events need root"
    try:
        Fanotify.open().close()
    except FanotifyUnavailable as exc:
        return str(exc)
    return None


def exec_mounts(mountinfo: str) -> list[str]:
    """The mount points (from ``/proc/self/mountinfo`` text) that can hold a program a
    person could run: a local file system (``LOCAL_FILESYSTEMS``: never a network or FUSE
    one, whose files can keep an answer waiting) not mounted ``noexec``. Each mount point
    once, in the order listed (the kernel lists parents first)."""
    points: list[str] = []
    for line in mountinfo.splitlines():
        fields = line.split()
        if "-" not in fields:
            continue
        sep = fields.index("-")
        if sep < 6 or sep + 1 >= len(fields):
            continue
        point, options, fstype = _unescape(fields[4]), fields[5].split(","), fields[sep + 1]
        local = fstype in LOCAL_FILESYSTEMS and fstype not in PSEUDO_FILESYSTEMS
        if "noexec" in options or not local or point in points:
            continue
        points.append(point)
    return points


def _unescape(field: str) -> str:
    r"""mountinfo writes space, tab, newline and backslash as octal escapes (``\040``)."""
    return "".join(_unescaped(field))


def _unescaped(field: str) -> Iterator[str]:
    i = 0
    while i < len(field):
        if field[i] == "\\" and i + 3 < len(field) and field[i + 1 : i + 4].isdigit():
            yield chr(int(field[i + 1 : i + 4], 8))
            i += 4
        else:
            yield field[i]
            i += 1


def read_exec_mounts(path: str = "/proc/self/mountinfo") -> list[str]:
    """``exec_mounts`` of this process's mount namespace; [] when it cannot be read."""
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            return exec_mounts(fh.read())
    except OSError:
        return []
