"""The netlink process connector against the real kernel: exec pids, overflow, close.

Tests that need the connector skip with the reason from ``ProcConnector.open()`` where it cannot
be used (containers, other namespaces, old kernels without CAP_NET_ADMIN, not Linux). The
datagram parser tests run everywhere.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from guard.watch.proc_connector import (
    FILTER_MIN_KERNEL,
    PROC_EVENT_COMM,
    PROC_EVENT_EXEC,
    PROC_EVENT_EXIT,
    PROC_EVENT_FORK,
    PROC_EVENT_NONE,
    ConnectorOverflow,
    ConnectorUnavailable,
    ProcConnector,
    parse_exec_pids,
)
from tests.conftest import Spawner

BURST = "i=0; while [ $i -lt 300 ]; do /bin/true; i=$((i+1)); done"


@pytest.fixture(scope="module")
def _connector_available() -> None:
    """Probe once: skip every connector test here with the kernel's reason if it cannot work."""
    try:
        probe = ProcConnector.open()
    except ConnectorUnavailable as exc:
        pytest.skip(f"netlink process connector unavailable: {exc}")
    probe.close()


needs_connector = pytest.mark.usefixtures("_connector_available")


@pytest.fixture(params=[True, False], ids=["kernel-filter", "userspace-filter"])
def conn(request: pytest.FixtureRequest, _connector_available: None) -> Iterator[ProcConnector]:
    """A subscribed connector; also with the 4-byte subscription that kernels before 6.6 get."""
    with ProcConnector.open(kernel_filter=request.param) as connector:
        yield connector


def read_until(
    connector: ProcConnector, done: Callable[[list[int]], bool], timeout: float = 5.0
) -> list[int]:
    """Every exec pid read until ``done(pids)`` holds; fails after ``timeout`` seconds."""
    seen: list[int] = []
    deadline = time.monotonic() + timeout
    while not done(seen):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s; read {len(seen)} exec pids")
        seen += connector.read_execs(0.05)
    return seen


def kernel_version() -> tuple[int, int]:
    match = re.match(r"(\d+)\.(\d+)", os.uname().release)
    assert match, os.uname().release
    return int(match[1]), int(match[2])


# --- subscribing ---------------------------------------------------------------------------


@needs_connector
def test_kernel_filter_is_used_exactly_on_kernels_that_have_it() -> None:
    with ProcConnector.open() as connector:
        assert connector.filtered == (kernel_version() >= FILTER_MIN_KERNEL)
    with ProcConnector.open(kernel_filter=False) as connector:
        assert connector.filtered is False


@needs_connector
def test_several_connectors_in_one_process_each_get_the_exec(spawn: Spawner) -> None:
    with ProcConnector.open() as first, ProcConnector.open(kernel_filter=False) as second:
        assert first.fileno() != second.fileno()
        proc = spawn.start("anydesk")
        read_until(first, lambda pids: proc.pid in pids)
        read_until(second, lambda pids: proc.pid in pids)


# --- exec events ---------------------------------------------------------------------------


def test_exec_of_a_new_process_is_reported(conn: ProcConnector, spawn: Spawner) -> None:
    proc = spawn.start("anydesk")
    read_until(conn, lambda pids: proc.pid in pids)


def test_exec_in_place_reports_the_same_pid_for_each_exec(
    conn: ProcConnector, spawn: Spawner
) -> None:
    """``sh -c 'exec tool'``: the pid execs as sh, then again as the tool; both are reported."""
    binary = spawn.binary("anydesk")
    proc = subprocess.Popen(["sh", "-c", f"exec '{binary}' 30"])
    spawn.children.append(proc)
    read_until(conn, lambda pids: pids.count(proc.pid) >= 2)


def test_child_forked_and_execed_by_a_launcher_is_reported(
    conn: ProcConnector, spawn: Spawner
) -> None:
    """A launcher forks a child that execs the tool: the child's own pid arrives."""
    binary = spawn.binary("anydesk")
    launcher = subprocess.Popen(
        ["sh", "-c", '"$0" 30 & echo $!; wait', str(binary)], stdout=subprocess.PIPE, text=True
    )
    spawn.children.append(launcher)
    child = None
    try:
        assert launcher.stdout is not None
        child = int(launcher.stdout.readline())
        assert child != launcher.pid
        read_until(conn, lambda pids: child in pids)
    finally:
        if child is not None:  # our grandchild; sh reaps it and then exits
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        launcher.wait(timeout=5)
        launcher.stdout.close()


def test_fork_without_exec_is_not_reported(conn: ProcConnector) -> None:
    """A child that only forks and exits is never an exec pid, not even via its exit event."""
    code = (
        "import os\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    os._exit(0)\n"
        "os.waitpid(pid, 0)\n"
        "print(pid, flush=True)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    out, _ = parent.communicate(timeout=30)
    forked = int(out)
    # Events reach the socket in the order they happen: once the marker's exec is read, the
    # forked child's fork and exit events (and any exec it had done) were read before it.
    marker = subprocess.Popen(["/bin/true"])
    marker.wait(timeout=5)
    seen = read_until(conn, lambda pids: marker.pid in pids)
    assert parent.pid in seen  # the interpreter's own exec: we were listening all along
    assert forked not in seen


# --- reading and closing ---------------------------------------------------------------------


def test_read_with_nothing_happening_returns_a_list_quickly(conn: ProcConnector) -> None:
    started = time.monotonic()
    for timeout in (0.05, 0.0):
        pids = conn.read_execs(timeout)  # other execs on the system may show up
        assert isinstance(pids, list)
        assert all(isinstance(pid, int) and pid > 0 for pid in pids)
    assert time.monotonic() - started < 2.0


@needs_connector
def test_close_twice_is_fine_and_later_use_fails_clearly() -> None:
    with ProcConnector.open() as connector:
        assert connector.fileno() >= 0
    connector.close()
    connector.close()
    with pytest.raises(ValueError, match="closed"):
        connector.fileno()
    with pytest.raises(ValueError, match="closed"):
        connector.read_execs(0.05)

    # A blocking read on a closed connector must raise, not wait forever.
    outcome: list[BaseException] = []

    def blocking_read() -> None:
        try:
            connector.read_execs(None)
        except BaseException as exc:
            outcome.append(exc)

    reader = threading.Thread(target=blocking_read, daemon=True)
    reader.start()
    reader.join(timeout=2)
    assert not reader.is_alive(), "read_execs(None) on a closed connector hung"
    assert len(outcome) == 1
    assert isinstance(outcome[0], ValueError)


@needs_connector
def test_close_from_another_thread_ends_a_reader_at_its_timeout() -> None:
    connector = ProcConnector.open()
    outcome: list[BaseException] = []
    reading = threading.Event()

    def reader_loop() -> None:
        try:
            while True:
                reading.set()
                connector.read_execs(0.05)
        except BaseException as exc:
            outcome.append(exc)

    reader = threading.Thread(target=reader_loop, daemon=True)
    reader.start()
    assert reading.wait(timeout=5)
    connector.close()
    reader.join(timeout=5)
    assert not reader.is_alive()
    assert len(outcome) == 1
    assert isinstance(outcome[0], ValueError)


# --- overflow ------------------------------------------------------------------------------


@pytest.mark.parametrize("kernel_filter", [True, False], ids=["kernel-filter", "userspace-filter"])
@needs_connector
def test_overflow_is_reported_after_draining_and_no_later_exec_is_lost(
    kernel_filter: bool,
) -> None:
    # 16 KiB (the kernel doubles it) holds about 40 messages; 300 unread execs overflow it.
    with ProcConnector.open(rcvbuf=16384, kernel_filter=kernel_filter) as connector:
        burst = subprocess.Popen(["sh", "-c", BURST])
        assert burst.wait(timeout=60) == 0
        with pytest.raises(ConnectorOverflow) as overflow:
            read_until(connector, lambda pids: False)
        # What fitted in the queue is handed over: the burst's shell exec'd first of all.
        assert burst.pid in overflow.value.pids

        # The queue was drained before the raise, so the kernel delivers again at once: an
        # exec right after catching the overflow (while a caller rescans /proc) is not lost.
        marker = subprocess.Popen(["/bin/true"])
        marker.wait(timeout=5)
        seen: list[int] = []
        deadline = time.monotonic() + 5
        while marker.pid not in seen:
            assert time.monotonic() < deadline, "the exec after the overflow never arrived"
            try:
                seen += connector.read_execs(0.05)
            except ConnectorOverflow as again:  # a busy machine; what did arrive still counts
                seen += again.pids


# --- parsing datagrams (no kernel needed) ------------------------------------------------------


def message(
    what: int,
    first: int,
    second: int,
    *,
    idx: int = 1,
    val: int = 1,
    nl_type: int = 3,
    cn_len: int | None = None,
    extra: int = 0,
) -> bytes:
    """One connector message laid out as the kernel sends it: 76 bytes for a proc event.

    ``extra`` bytes make ``nlmsg_len`` unaligned; padding to 4 bytes follows them.
    """
    event = struct.pack("=IIQ", what, 0, 123) + struct.pack("=II", first, second) + bytes(16)
    event += bytes(extra)
    cn = struct.pack("=IIIIHH", idx, val, 7, 0, len(event) if cn_len is None else cn_len, 0)
    body = cn + event
    padding = bytes(-(16 + len(body)) % 4)
    return struct.pack("=IHHII", 16 + len(body), nl_type, 0, 0, 0) + body + padding


def test_parser_reads_every_exec_in_a_datagram_and_nothing_else() -> None:
    datagram = (
        message(PROC_EVENT_EXEC, 10, 11)
        + message(PROC_EVENT_FORK, 1, 1)  # parent 1 forks ...
        + message(PROC_EVENT_EXIT, 12, 12)
        + message(PROC_EVENT_NONE, 0, 0)  # a subscribe answer
        + message(PROC_EVENT_EXEC, 20, 20, idx=2)  # another connector
        + message(PROC_EVENT_EXEC, 21, 21, nl_type=2)  # NLMSG_ERROR
        + message(PROC_EVENT_EXEC, 22, 22, cn_len=200)  # payload longer than the message
        + message(PROC_EVENT_EXEC, 30, 31)
    )
    assert parse_exec_pids(datagram) == [11, 31]  # the thread-group id, in order


def test_parser_reports_a_process_renaming_itself_but_not_its_threads() -> None:
    """A rename of the main thread is the process's new name: looked at like an exec. A
    thread naming itself ("Socket Thread") changes nothing the guard matches on."""
    datagram = (
        message(PROC_EVENT_COMM, 60, 60)  # main thread: pid == tgid
        + message(PROC_EVENT_COMM, 61, 60)  # another thread of the same process
        + message(PROC_EVENT_EXEC, 70, 70)
    )
    assert parse_exec_pids(datagram) == [60, 70]


def test_parser_steps_over_the_padding_after_an_unaligned_message() -> None:
    datagram = message(PROC_EVENT_EXEC, 40, 41, extra=2) + message(PROC_EVENT_EXEC, 50, 51)
    assert len(datagram) == 80 + 76
    assert parse_exec_pids(datagram) == [41, 51]


def test_parser_on_every_truncation_returns_a_prefix() -> None:
    datagram = message(PROC_EVENT_EXEC, 5, 5) + message(PROC_EVENT_EXEC, 6, 6)
    for cut in range(len(datagram) + 1):
        pids = parse_exec_pids(datagram[:cut])
        assert pids == [5, 6][: len(pids)]
    assert parse_exec_pids(datagram[:76]) == [5]
    assert parse_exec_pids(datagram[:-1]) == [5]


def test_parser_does_not_loop_or_raise_on_nonsense() -> None:
    zero_length = struct.pack("=IHHII", 0, 3, 0, 0, 0) + message(PROC_EVENT_EXEC, 9, 9)
    result: list[list[int]] = []
    parser = threading.Thread(target=lambda: result.append(parse_exec_pids(zero_length)))
    parser.daemon = True
    parser.start()
    parser.join(timeout=5)
    assert result == [[]], "a zero nlmsg_len must end the walk, not loop on it"
    assert parse_exec_pids(b"") == []
    rng = random.Random(1234)
    for _ in range(2000):
        noise = bytes(rng.randrange(256) for _ in range(rng.randrange(200)))
        assert isinstance(parse_exec_pids(noise), list)
