"""Exec events from the Linux netlink process-events connector, with no dependencies.

Why: polling ``/proc`` notices a new process only at the next tick, so a remote-access tool runs
for about half an interval before the guard sees it. The kernel's process connector reports
each ``execve`` on a netlink socket well under a millisecond after it happens, and costs
nothing while the system is idle (docs/architecture.md, "Detection: what was measured").

The contract with the caller:

* ``ProcConnector.open()`` either returns a subscribed socket or raises
  :class:`ConnectorUnavailable` with a one-line reason; the caller then falls back to polling.
* ``read_execs()`` returns the pids of exec events. If the kernel had to drop events because the
  receive queue was full, ``recv`` fails with ENOBUFS once and this module raises
  :class:`ConnectorOverflow`: some execs are lost for good, so the caller must rescan
  ``/proc``. The kernel also drops every further event until the queue has been read empty,
  so the queue is drained before the exception is raised; the socket keeps working.

Why the plain 4-byte subscribe is the probe: every kernel answers it with a
``PROC_EVENT_NONE`` message whose ``err`` field is 0 on success (EPERM on kernels before 6.6
without CAP_NET_ADMIN, when anyone is listening at all), and a caller in a container (another
pid or user namespace) gets no answer at all. Kernels from 6.6 also accept an 8-byte
subscribe (``struct proc_input``: ``mcast_op`` then an ``enum proc_cn_event`` mask) that
filters events in the kernel, but the answer to an exec-only subscribe is filtered out too,
and older kernels silently drop any message that is not exactly 4 bytes. So: subscribe with
4 bytes and wait for the answer; then, on kernels from 6.6, re-subscribe the same socket with
an 8-byte ``PROC_EVENT_ALL`` mask, whose answer does get through and proves the kernel
understands the 8-byte form, and only then narrow the mask to ``PROC_EVENT_EXEC``. Exec
events are still checked in user space, because whatever was queued before the filter took
effect is unfiltered.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import select
import socket
import struct
import sys
import threading
import time
from types import TracebackType

from guard.errors import ScamGuardError, describe_os_error

NETLINK_CONNECTOR = 11
CN_IDX_PROC = 1
CN_VAL_PROC = 1

PROC_CN_MCAST_LISTEN = 1
PROC_CN_MCAST_IGNORE = 2

# enum proc_cn_event (include/uapi/linux/cn_proc.h): one bit per event so masks can be built.
PROC_EVENT_NONE = 0x00000000  # carries the answer to a subscribe in its ``err`` field
PROC_EVENT_FORK = 0x00000001
PROC_EVENT_EXEC = 0x00000002
PROC_EVENT_UID = 0x00000004
PROC_EVENT_GID = 0x00000040
PROC_EVENT_SID = 0x00000080
PROC_EVENT_PTRACE = 0x00000100
PROC_EVENT_COMM = 0x00000200
PROC_EVENT_NONZERO_EXIT = 0x20000000
PROC_EVENT_COREDUMP = 0x40000000
PROC_EVENT_EXIT = 0x80000000
PROC_EVENT_ALL = (
    PROC_EVENT_FORK
    | PROC_EVENT_EXEC
    | PROC_EVENT_UID
    | PROC_EVENT_GID
    | PROC_EVENT_SID
    | PROC_EVENT_PTRACE
    | PROC_EVENT_COMM
    | PROC_EVENT_NONZERO_EXIT
    | PROC_EVENT_COREDUMP
    | PROC_EVENT_EXIT
)

NLMSG_DONE = 3  # the connector sends every message with this type

# Host byte order, standard sizes, no padding: the layouts of the kernel structures.
_NLMSGHDR = struct.Struct("=IHHII")  # len, type, flags, seq, pid
_CN_MSG = struct.Struct("=IIIIHH")  # idx, val, seq, ack, len, flags
_EVENT_HEADER = struct.Struct("=IIQ")  # what, cpu, timestamp_ns
_TWO_U32 = struct.Struct("=II")  # exec: process_pid, process_tgid
_U32 = struct.Struct("=I")  # ack: err
_PAYLOAD_OFFSET = _NLMSGHDR.size + _CN_MSG.size  # 36: where the proc_event starts
_EXEC_EVENT_SIZE = _EVENT_HEADER.size + _TWO_U32.size  # 24
_FOUR_U32 = struct.Struct("=IIII")  # fork: parent pid, parent tgid, child pid, child tgid
_FORK_EVENT_SIZE = _EVENT_HEADER.size + _FOUR_U32.size  # 32
_COMM_EVENT_SIZE = _EVENT_HEADER.size + _TWO_U32.size + 16  # pid, tgid, comm[16]
# What the kernel-side filter lets through: execs (a program started), forks (who started
# whom, for lineage.py) and name changes (a program that renames itself after it started,
# prctl(PR_SET_NAME), is looked at again like a new program).
WANTED_EVENTS = PROC_EVENT_EXEC | PROC_EVENT_FORK | PROC_EVENT_COMM

FILTER_MIN_KERNEL = (6, 6)  # first kernel with struct proc_input (8-byte subscribe)
DEFAULT_RCVBUF = 4 * 1024 * 1024  # a 4,000 execs/s storm fills this in about a second
_SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)  # Python does not export it
_RECV_SIZE = 16384  # one datagram holds one ~76-byte message; room for batched ones
_MAX_DATAGRAMS_PER_READ = 4096  # bounds one drain even if execs arrive faster than we read
_MAX_FORKS_KEPT = 65536  # forks nobody took (a reader that never asks) are not kept forever


class ConnectorUnavailable(ScamGuardError):
    """One-line reason the connector cannot be used here (not Linux, EPERM, namespace, ...)."""


class ConnectorOverflow(ScamGuardError):
    """The kernel dropped events (recv failed with ENOBUFS): the caller must rescan /proc.

    Raised only after the queue was drained, so new events flow again: a rescan started after
    catching it leaves no gap. ``pids`` holds the exec pids read in that same call.
    """

    def __init__(self, pids: list[int] | None = None):
        super().__init__("the kernel dropped process events (ENOBUFS); rescan /proc")
        self.pids: list[int] = pids or []


def parse_exec_pids(data: bytes | bytearray | memoryview) -> list[int]:
    """Exec pids (process tgid) in one datagram, in order; anything malformed is skipped."""
    return parse_events(data)[0]


def parse_events(
    data: bytes | bytearray | memoryview,
) -> tuple[list[int], list[tuple[int, int]]]:
    """Exec (and rename) pids, and (child, parent) process starts, in one datagram, each in
    order. A new thread is reported as a fork too; only new processes (child pid == child
    tgid) count. A rename counts only for a process's main thread, whose name is the
    process's name: threads name themselves all the time ("Socket Thread") and change
    nothing the guard matches on."""
    pids: list[int] = []
    forks: list[tuple[int, int]] = []
    for message in _split_messages(memoryview(data)):
        event = _proc_event(message)
        if event is None or len(event) < _EVENT_HEADER.size:
            continue
        what = _EVENT_HEADER.unpack_from(event)[0]
        if what == PROC_EVENT_EXEC and len(event) >= _EXEC_EVENT_SIZE:
            pids.append(_TWO_U32.unpack_from(event, _EVENT_HEADER.size)[1])
        elif what == PROC_EVENT_COMM and len(event) >= _COMM_EVENT_SIZE:
            pid, tgid = _TWO_U32.unpack_from(event, _EVENT_HEADER.size)
            if pid == tgid:
                pids.append(tgid)
        elif what == PROC_EVENT_FORK and len(event) >= _FORK_EVENT_SIZE:
            _ppid, ptgid, cpid, ctgid = _FOUR_U32.unpack_from(event, _EVENT_HEADER.size)
            if cpid == ctgid:
                forks.append((ctgid, ptgid))
    return pids, forks


def _split_messages(data: memoryview) -> list[memoryview]:
    """The complete netlink messages in one datagram, each padded to 4 bytes.

    The walk stops at the first header that is truncated or whose length could not advance
    it, so no input loops forever or raises.
    """
    messages: list[memoryview] = []
    offset = 0
    while offset + _NLMSGHDR.size <= len(data):
        (msg_len,) = _U32.unpack_from(data, offset)
        if msg_len < _NLMSGHDR.size or offset + msg_len > len(data):
            break  # truncated or nonsense length: nothing after it can be trusted
        messages.append(data[offset : offset + msg_len])
        offset += (msg_len + 3) & ~3
    return messages


def _proc_event(message: memoryview) -> memoryview | None:
    """The proc_event payload of a connector message from CN_IDX_PROC, or None."""
    if len(message) < _PAYLOAD_OFFSET:
        return None
    _length, msg_type, _flags, _seq, _port = _NLMSGHDR.unpack_from(message)
    if msg_type != NLMSG_DONE:
        return None
    idx, val, _seq, _ack, length, _flags = _CN_MSG.unpack_from(message, _NLMSGHDR.size)
    if idx != CN_IDX_PROC or val != CN_VAL_PROC:
        return None
    if _PAYLOAD_OFFSET + length > len(message):
        return None
    return message[_PAYLOAD_OFFSET : _PAYLOAD_OFFSET + length]


def _ack_error(message: memoryview, cookie: int) -> int | None:
    """``err`` of the answer to the subscribe sent with ``cookie``, or None if not that answer.

    Answers are multicast to every listener, and the kernel overwrites the connector ``seq``
    with its own counter; only ``ack`` (ours + 1) identifies the answer to our request.
    """
    event = _proc_event(message)
    if event is None or len(event) < _EVENT_HEADER.size + _U32.size:
        return None
    _idx, _val, _seq, ack, _length, _flags = _CN_MSG.unpack_from(message, _NLMSGHDR.size)
    what, _cpu, _timestamp = _EVENT_HEADER.unpack_from(event)
    if what != PROC_EVENT_NONE or ack != (cookie + 1) & 0xFFFFFFFF:
        return None
    (err,) = _U32.unpack_from(event, _EVENT_HEADER.size)
    return err


def _subscribe_message(port: int, cookie: int, payload: bytes) -> bytes:
    """A netlink message to the kernel's CN_IDX_PROC connector carrying ``payload``."""
    connector = _CN_MSG.pack(CN_IDX_PROC, CN_VAL_PROC, 0, cookie, len(payload), 0) + payload
    header = _NLMSGHDR.pack(_NLMSGHDR.size + len(connector), NLMSG_DONE, 0, 0, port)
    return header + connector


def _kernel_version(release: str | None = None) -> tuple[int, int]:
    """(major, minor) of the running kernel; (0, 0) when the release string is unusual."""
    match = re.match(r"(\d+)\.(\d+)", release if release is not None else os.uname().release)
    return (int(match[1]), int(match[2])) if match else (0, 0)


def _reason(action: str, exc: OSError) -> str:
    """A one-line explanation of a failed socket call, naming the likely cause."""
    code = exc.errno
    detail = describe_os_error(exc)
    if code in (errno.EPERM, errno.EACCES):
        return f"{action} was refused ({detail}): kernels before 6.6 need root or CAP_NET_ADMIN"
    if code == errno.EPROTONOSUPPORT:
        return f"{action} failed ({detail}): kernel built without the process connector"
    if code == errno.ECONNREFUSED:
        return f"{action} failed ({detail}): no connector here (another network namespace?)"
    return f"{action} failed: {detail}"


class ProcConnector:
    """A subscribed netlink socket that yields the pids of new exec events.

    Not meant to be shared by several reading threads. ``close()`` may be called from another
    thread, but a ``read_execs`` already waiting there only notices it at its own timeout, so
    such a reader should use a finite timeout.
    """

    filtered: bool  # True when the kernel-side filter (exec and fork only) is in use

    def __init__(self, sock: socket.socket):
        """Wrap a bound netlink socket; use :meth:`open`, which also subscribes."""
        self._sock = sock
        self._lock = threading.Lock()
        self._closed = False
        self._subscribed = False
        self._pending: list[int] = []  # exec pids that arrived while open() waited
        self._forks: list[tuple[int, int]] = []  # (child, parent) starts not yet taken
        self._overflow_pending = False  # ENOBUFS seen while open() waited
        self._cookie = int.from_bytes(os.urandom(4), "little")
        self._buffer = bytearray(_RECV_SIZE)
        self.filtered = False

    @classmethod
    def open(
        cls,
        ack_timeout: float = 0.5,
        *,
        rcvbuf: int | None = None,
        kernel_filter: bool = True,
    ) -> ProcConnector:
        """Subscribe; raises ConnectorUnavailable with a one-line reason.

        ``rcvbuf`` overrides the receive buffer size (tests use a tiny one to force overflows).
        ``kernel_filter=False`` keeps the 4-byte subscription and filters in user space, as on
        kernels before 6.6; tests use it to exercise that path on newer kernels.
        """
        if not sys.platform.startswith("linux") or not hasattr(socket, "AF_NETLINK"):
            raise ConnectorUnavailable("the process connector exists only on Linux")
        try:
            sock = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_CONNECTOR)
        except OSError as exc:
            raise ConnectorUnavailable(_reason("opening a connector socket", exc)) from exc
        connector = cls(sock)
        try:
            connector._setup(ack_timeout, rcvbuf, kernel_filter)
        except OSError as exc:
            connector.close()
            raise ConnectorUnavailable(_reason("subscribing to process events", exc)) from exc
        except BaseException:
            connector.close()
            raise
        return connector

    def _setup(self, ack_timeout: float, rcvbuf: int | None, kernel_filter: bool) -> None:
        """Size the buffer, join the group, subscribe, and narrow to exec events if possible."""
        self._sock.setblocking(False)
        self._set_rcvbuf(DEFAULT_RCVBUF if rcvbuf is None else rcvbuf)
        try:
            # Port 0: the kernel assigns a unique port id, so one process can hold several.
            self._sock.bind((0, CN_IDX_PROC))
        except OSError as exc:
            raise ConnectorUnavailable(_reason("joining the process-events group", exc)) from exc
        err = self._request(_U32.pack(PROC_CN_MCAST_LISTEN), ack_timeout)
        if err is None:
            raise ConnectorUnavailable(
                f"no answer to the subscribe request within {ack_timeout:g} s (in a container "
                "or another pid/user namespace, or without CAP_NET_ADMIN before kernel 6.6?)"
            )
        if err != 0:
            raise ConnectorUnavailable(
                _reason("subscribing to process events", OSError(err, os.strerror(err)))
            )
        self._subscribed = True
        if kernel_filter and _kernel_version() >= FILTER_MIN_KERNEL:
            self.filtered = self._narrow_to_exec(ack_timeout)

    def _set_rcvbuf(self, size: int) -> None:
        """A large queue so exec storms rarely overflow; FORCE passes rmem_max when root."""
        for option in (_SO_RCVBUFFORCE, socket.SO_RCVBUF):
            try:
                self._sock.setsockopt(socket.SOL_SOCKET, option, size)
                return
            except OSError:
                continue  # EPERM without CAP_NET_ADMIN: plain SO_RCVBUF, capped by rmem_max

    def _narrow_to_exec(self, ack_timeout: float) -> bool:
        """Switch to the kernel-side exec filter if the 8-byte subscribe is understood.

        The ``PROC_EVENT_ALL`` mask changes nothing but is answered, which proves the kernel
        parses ``struct proc_input``; the exec-and-fork mask that follows cannot be answered (its
        answer is filtered), and the kernel applies it before ``send`` returns.
        """
        try:
            probe = struct.pack("=II", PROC_CN_MCAST_LISTEN, PROC_EVENT_ALL)
            if self._request(probe, ack_timeout) != 0:
                return False  # still subscribed by the 4-byte request: filter in user space
            self._send(struct.pack("=II", PROC_CN_MCAST_LISTEN, WANTED_EVENTS))
        except (ConnectorUnavailable, OSError):
            return False  # the subscription that was answered is still in place
        return True

    def _request(self, payload: bytes, timeout: float) -> int | None:
        """Send ``payload`` and wait for its answer's ``err``; None if no answer came in time."""
        self._cookie = (self._cookie + 2) & 0xFFFFFFFF
        cookie = self._cookie
        self._send(payload, cookie)
        deadline = time.monotonic() + timeout
        while True:
            for message in self._receive_messages(deadline):
                err = _ack_error(message, cookie)
                if err is not None:
                    return err
                self._take(message, self._pending)
            if time.monotonic() >= deadline:
                return None

    def _receive_messages(self, deadline: float) -> list[memoryview]:
        """The netlink messages of one datagram received before ``deadline``; [] at the end."""
        if not self._wait_readable(max(0.0, deadline - time.monotonic())):
            return []
        try:
            size = self._sock.recv_into(self._buffer)
        except BlockingIOError:
            return []
        except OSError as exc:
            if exc.errno != errno.ENOBUFS:
                raise
            self._overflow_pending = True  # reported by the first read_execs
            return []
        return _split_messages(memoryview(self._buffer)[:size])

    def _send(self, payload: bytes, cookie: int | None = None) -> None:
        """Send a connector control message to the kernel (port 0)."""
        port = self._sock.getsockname()[0]
        message = _subscribe_message(port, self._cookie if cookie is None else cookie, payload)
        try:
            self._sock.sendto(message, (0, 0))
        except OSError as exc:
            raise ConnectorUnavailable(_reason("sending to the connector", exc)) from exc

    def fileno(self) -> int:
        """The socket's descriptor, for a caller's own select/poll loop."""
        self._check_open()
        return self._sock.fileno()

    def read_execs(self, timeout: float | None) -> list[int]:
        """Wait up to ``timeout`` s (None = block) for events; return exec pids, [] on timeout.

        One entry per exec event, in arrival order: a pid that execs twice (``sh -c 'exec
        tool'``) appears twice, and each time it may have become a different program. Drains
        everything already queued without blocking further. On ENOBUFS it still drains the
        queue, which makes the kernel deliver again, and then raises ConnectorOverflow with
        the pids it read; rescan /proc after catching it, and keep calling read_execs.
        """
        self._check_open()
        if not (self._pending or self._overflow_pending) and not self._wait_readable(timeout):
            self._check_open()  # closed by another thread while waiting
            return []
        with self._lock:
            self._check_open()
            pids, self._pending = self._pending, []
            overflowed, self._overflow_pending = self._overflow_pending, False
            overflowed = self._drain(pids) or overflowed
        if overflowed:
            raise ConnectorOverflow(pids)
        return pids

    def _drain(self, pids: list[int]) -> bool:
        """Append the exec pids of every queued datagram to ``pids``; True if ENOBUFS came.

        Reading on past ENOBUFS matters: after an overflow the kernel marks the socket
        congested and drops every new event until a recv empties the queue, so raising at once
        would leave a gap that a rescan of /proc made right afterwards could miss.
        """
        overflowed = False
        for _ in range(_MAX_DATAGRAMS_PER_READ):
            try:
                size = self._sock.recv_into(self._buffer)
            except BlockingIOError:
                break
            except OSError as exc:
                if exc.errno != errno.ENOBUFS:
                    raise
                overflowed = True
                continue
            self._take(memoryview(self._buffer)[:size], pids)
        return overflowed

    def _take(self, data: memoryview, pids: list[int]) -> None:
        execs, forks = parse_events(data)
        pids.extend(execs)
        if forks:
            self._forks.extend(forks)
            del self._forks[:-_MAX_FORKS_KEPT]

    def take_forks(self) -> list[tuple[int, int]]:
        """The (child, parent) process starts read since the last call, oldest first."""
        forks, self._forks = self._forks, []
        return forks

    def _wait_readable(self, timeout: float | None) -> bool:
        """Whether the socket became readable within ``timeout`` s (None = forever)."""
        poller = select.poll()
        try:
            poller.register(self._sock, select.POLLIN)
        except ValueError:  # fileno() is -1: closed by another thread
            self._check_open()
            raise
        millis = None if timeout is None else max(0.0, timeout) * 1000.0
        return bool(poller.poll(millis))

    def _check_open(self) -> None:
        """Raise a clear error instead of touching a closed (maybe reused) descriptor."""
        if self._closed:
            raise ValueError("the process connector is closed")

    def close(self) -> None:
        """Unsubscribe (best effort) and close the socket; calling it again does nothing."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._subscribed:
                # Only after a confirmed LISTEN: before 6.6 the kernel keeps one global
                # listener count, and an unmatched IGNORE would silence other listeners.
                with contextlib.suppress(ConnectorUnavailable, OSError):
                    self._send(_U32.pack(PROC_CN_MCAST_IGNORE))
            self._sock.close()

    def __enter__(self) -> ProcConnector:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
