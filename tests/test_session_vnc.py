"""The real thing: Debian's x11vnc serving an Xvfb display, found by the shipped signatures
(its name, and the x11vnc [session] table's VNC ports), and a real VNC client (vncdotool,
over loopback) connecting and leaving: session-started within 2 s of the connection,
session-ended within 2 s of the disconnect."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator

import pytest

from guard.session.monitor import SessionMonitor
from guard.sigdb.model import SignatureSet
from tests.session_rig import Finder, need, stop, vnc_server
from tests.test_session_monitor import DETECT_WITHIN, Recorder

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Xvfb: Linux only")

# The client runs in its own process: vncdotool's Twisted reactor starts once per process.
CLIENT = textwrap.dedent(
    """
    import sys
    from vncdotool import api
    client = api.connect(sys.argv[1], password=None, timeout=20)
    client.refreshScreen()  # a full RFB handshake and a first frame: a real viewer
    print("connected", flush=True)
    sys.stdin.readline()
    client.disconnect()
    api.shutdown()
    print("closed", flush=True)
    """
)


def _free_vnc_port(shipped: SignatureSet) -> int:
    rules = shipped.by_id()["x11vnc"].session
    assert rules is not None
    for port in rules.listen_ports:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    pytest.skip("every VNC port of the x11vnc signature is taken on this machine")


@pytest.fixture
def vnc(shipped: SignatureSet) -> Iterator[tuple[subprocess.Popen, int]]:
    x11vnc = need("x11vnc", "x11vnc")
    pytest.importorskip("vncdotool", reason="vncdotool (the test extra) is not installed")
    port = _free_vnc_port(shipped)
    with vnc_server(x11vnc, port) as server:
        yield server, port


def _established(pid: int, port: int, timeout: float = 30.0) -> float:
    """When (time.monotonic) the server at ``pid`` first held an established connection
    accepted on ``port``: polled every 5 ms."""
    import psutil

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = time.monotonic()
        with contextlib.suppress(psutil.Error):
            for conn in psutil.Process(pid).net_connections(kind="tcp"):
                if conn.status == psutil.CONN_ESTABLISHED and conn.laddr.port == port:
                    return now
        time.sleep(0.005)  # polling a condition, with the deadline above
    raise AssertionError("the viewer never connected")


def test_a_real_vnc_viewer_on_x11vnc_is_a_live_session(vnc, shipped: SignatureSet) -> None:
    server, port = vnc
    finder = Finder(shipped, [server.pid])
    assert [t.tool_id for t in finder()] == ["x11vnc"]  # the shipped signature knows it
    rec = Recorder()
    monitor = SessionMonitor(lambda t: shipped.by_id()[t].session, finder, rec)
    monitor.start()
    client = None
    try:
        client = subprocess.Popen(
            [sys.executable, "-c", CLIENT, f"127.0.0.1::{port}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        # Timed from the connection itself (the viewer's interpreter takes a while to start
        # on a busy machine): the server's socket for it established.
        connecting = _established(server.pid, port)
        assert rec.started.wait(DETECT_WITHIN), "no session-started within 2 s of connecting"
        at, start = rec.changes[0]
        assert at - connecting <= DETECT_WITHIN
        assert start.tool_id == "x11vnc" and start.signal == "socket"
        assert start.pids == (server.pid,)
        assert start.peer.startswith("127.0.0.1:")
        assert f"x11vnc (pid {server.pid}) accepted a connection from 127.0.0.1:" in (
            start.evidence
        )
        assert client.stdout is not None and client.stdin is not None
        assert client.stdout.readline().strip() == "connected"  # a full RFB session is up

        client.stdin.write("\n")
        client.stdin.flush()
        assert client.stdout.readline().strip() == "closed"
        closed = time.monotonic()
        assert rec.ended.wait(DETECT_WITHIN), "no session-ended within 2 s of disconnecting"
        at, end = rec.changes[-1]
        assert at - closed <= DETECT_WITHIN
        assert not end.started and end.since == start.since
        assert server.poll() is None  # x11vnc -forever still serves: only the session ended
        assert monitor.live() == []
    finally:
        monitor.stop()
        if client is not None:
            stop(client)
