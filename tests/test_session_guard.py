"""The whole chain on the real thing (issue 16): the running guard, Debian's x11vnc trusted
in settings (a family member's remote help), a real VNC viewer connecting over loopback. The
guard's own session monitor sees the session and records it in the tool's incident; the
bank coming up then freezes the trusted server; "Disconnect now" ends it; the viewer's
leaving is recorded too."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest

from guard.identify.identifier import Identifier
from guard.sigdb.model import SignatureSet
from guard.state import changes
from tests.conftest import Spawner
from tests.guard_rig import Rig, is_stopped
from tests.helpers import wait_for
from tests.session_rig import need, stop, vnc_server
from tests.test_session_vnc import CLIENT, _free_vnc_port

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Xvfb: Linux only")


@pytest.fixture
def trusted_vnc(
    shipped: SignatureSet, spawn: Spawner
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """x11vnc, copied under the guard's test folder (the guard acts only there) and trusted
    in settings before the guard starts, serving a fresh Xvfb screen."""
    x11vnc = need("x11vnc", "x11vnc")
    pytest.importorskip("vncdotool", reason="vncdotool (the test extra) is not installed")
    changes.add_trust(shipped.by_id()["x11vnc"], "my son's remote help", report=print)
    server_copy = spawn.root / "x11vnc"
    shutil.copy(x11vnc, server_copy)
    port = _free_vnc_port(shipped)
    with vnc_server(str(server_copy), port) as server:
        yield server, port


def test_the_guard_sees_a_real_vnc_session_and_the_bank_freezes_even_a_trusted_server(
    identifier: Identifier, spawn: Spawner, trusted_vnc: tuple[subprocess.Popen[bytes], int]
) -> None:
    server, port = trusted_vnc
    rig = Rig(identifier, spawn.root).start()
    client = None
    try:
        allowed = rig.wait_event("allowed", tool="x11vnc")
        assert allowed.data["scope"] == "trusted" and not is_stopped(server.pid)
        assert rig.engine.banking_opened("Barclays") == []  # nobody connected: nothing
        client = subprocess.Popen(
            [sys.executable, "-c", CLIENT, f"127.0.0.1::{port}"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        started = rig.wait_event("session-started", timeout=10)
        assert started.incident == allowed.incident and started.data["signal"] == "socket"
        assert started.data["peer"].startswith("127.0.0.1:")
        assert rig.engine.incident(allowed.incident or "").session is not None
        assert client.stdout is not None and client.stdout.readline().strip() == "connected"

        assert rig.engine.banking_opened("Barclays") == [allowed.incident]
        assert wait_for(lambda: is_stopped(server.pid), message="the trusted server frozen")
        assert rig.engine.incident(allowed.incident or "").banking == "Barclays"

        rig.engine.block(allowed.incident or "")  # "Disconnect now"
        assert wait_for(lambda: server.poll() is not None, message="the server's tree ended")
        ended = rig.wait_event("session-ended", timeout=10)
        assert ended.incident == allowed.incident and ended.data["seconds"] >= 0
    finally:
        if client is not None:
            stop(client)
        rig.stop()
