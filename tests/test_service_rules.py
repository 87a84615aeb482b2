"""The rules the service enforces for every client, whatever its window does: the 30-second
wait, the warning's question, scopes that end; and the protocol's own checks. A real engine
freezing a real process, a real Unix socket, a clock the test moves."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from guard.identify.identifier import Identifier
from guard.service import protocol
from guard.service.client import ServiceClient
from guard.service.protocol import MAX_REPLY, MAX_REQUEST, ProtocolError
from guard.service.server import Actions, GuardService
from guard.service.transport import UnixListener
from guard.session.model import SessionChange
from tests.conftest import Spawner
from tests.guard_rig import Rig, is_stopped
from tests.helpers import ManualClock, not_on_windows, wait_for

pytestmark = not_on_windows("the Unix socket; the named pipe has its own tests")


@pytest.fixture
def served(
    identifier: Identifier, spawn: Spawner
) -> Iterator[tuple[Rig, GuardService, ManualClock, str]]:
    folder = Path(tempfile.mkdtemp(prefix="sg-rules-", dir="/tmp"))  # a short socket path
    endpoint = str(folder / "s.sock")
    rig = Rig(identifier, spawn.root).start()
    clock = ManualClock(1000.0)
    stopped: list[str] = []
    service = GuardService(
        rig.engine,
        UnixListener(endpoint, send_limit=MAX_REPLY, receive_limit=MAX_REQUEST),
        Actions(trust=lambda *a: "trusted", provider=lambda *a: "set", stop=stopped.append),
        clock=clock,
    )
    service.start()
    try:
        yield rig, service, clock, endpoint
    finally:
        service.stop()
        rig.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_allow_needs_the_wait_the_question_and_a_scope_that_ends(served, spawn: Spawner) -> None:
    rig, _service, clock, endpoint = served
    tool = spawn.start("anydesk")
    frozen = rig.wait_event("frozen", pid=tool.pid)
    with contextlib.closing(ServiceClient.connect("tray", endpoint=endpoint)) as client:
        client.request("subscribe")  # the warning reaches this person's window now

        def allow(**fields: object) -> dict[str, object]:
            return client.request("decide", incident=frozen.incident, action="allow", **fields)

        early = allow(nobody_on_phone=True)
        assert early["ok"] is False and early["retry_after"] == pytest.approx(30, abs=1)
        clock.now += 29
        assert allow(nobody_on_phone=True)["ok"] is False
        clock.now += 2
        unanswered = allow()
        assert unanswered["ok"] is False and "question" in unanswered["message"]
        for scope in ("trusted", "25h", "forever"):
            answer = allow(nobody_on_phone=True, scope=scope)
            assert answer["ok"] is False, scope
        assert is_stopped(tool.pid), "nothing refused let the tool run"
        done = allow(nobody_on_phone=True, scope="30m")
        assert done["ok"] is True and "30 minutes" in done["message"]
    assert wait_for(lambda: not is_stopped(tool.pid))
    assert len(rig.matching("refused")) == 6
    assert rig.wait_event("allowed").data["via"] == "warning"  # the recovery pack says how


def test_with_no_window_the_wait_starts_at_the_first_request(served, spawn: Spawner) -> None:
    rig, _service, clock, endpoint = served
    tool = spawn.start("anydesk")
    frozen = rig.wait_event("frozen", pid=tool.pid)
    with contextlib.closing(ServiceClient.connect("cli", endpoint=endpoint)) as client:
        clock.now += 3600  # frozen an hour ago, but never shown to anyone
        first = client.request(
            "decide", incident=frozen.incident, action="allow", nobody_on_phone=True
        )
        assert first["ok"] is False and first["retry_after"] == pytest.approx(30, abs=1)
        clock.now += 30
        assert client.request(
            "decide", incident=frozen.incident, action="allow", nobody_on_phone=True
        )["ok"]


def test_block_is_immediate_and_unknown_incidents_are_refused(served, spawn: Spawner) -> None:
    rig, _service, _clock, endpoint = served
    tool = spawn.start("anydesk")
    frozen = rig.wait_event("frozen", pid=tool.pid)
    with contextlib.closing(ServiceClient.connect("cli", endpoint=endpoint)) as client:
        assert client.request("decide", incident="00000000", action="block")["ok"] is False
        assert client.request("decide", incident=frozen.incident, action="block")["ok"] is True
    assert wait_for(lambda: tool.poll() is not None)


def test_a_message_must_be_one_of_the_shapes() -> None:
    good = {"type": "decide", "incident": "ab12", "action": "block", "id": 3}
    assert protocol.validate_request(good) == ""
    assert "unexpected field" in protocol.validate_request({**good, "pid": 1})
    assert "id must be" in protocol.validate_request({**good, "id": -1})
    assert "must be true or false" in protocol.validate_request({**good, "nobody_on_phone": "yes"})
    assert "missing field" in protocol.validate_request({"type": "trust", "tool": "x"})
    with pytest.raises(ProtocolError, match="limit"):
        protocol.encode({"type": "status", "pad": "x" * MAX_REQUEST}, MAX_REQUEST)
    with pytest.raises(ProtocolError, match="refused"):
        protocol.frame_length(protocol.HEADER.pack(MAX_REQUEST + 1), MAX_REQUEST)
    with pytest.raises(ProtocolError, match="JSON object"):
        protocol.decode(b"[1, 2]")


def test_an_idle_window_keeps_its_link_and_hears_the_next_freeze(served, spawn: Spawner) -> None:
    rig, _service, _clock, endpoint = served
    got: list[dict[str, object]] = []
    client = ServiceClient.connect("tray", endpoint=endpoint, on_event=got.append, timeout=0.2)
    with contextlib.closing(client):
        client.request("subscribe")
        # Five times the connect timeout with nothing said: the link must not drop.
        assert not client.closed.wait(1.0), client.close_reason
        tool = spawn.start("anydesk")
        rig.wait_event("frozen", pid=tool.pid)
        assert wait_for(
            lambda: any(m.get("event", {}).get("kind") == "frozen" for m in got)  # type: ignore[union-attr]
        )


def _record(state: str, reason: str = "", boot: float = 100.0, version: str = "1.0"):
    from guard.service.health import Record

    return Record(state, 1, 0.0, 5000.0, reason, boot, version)


def test_which_gaps_are_told_and_which_are_only_recorded() -> None:
    from guard.service.health import SHUTDOWN, gap_since

    now = 9000.0
    assert gap_since(None, now, 100.0) is None  # first run
    # Stopped because the computer shut down, and it has started since: nobody's doing.
    assert gap_since(_record("stopped", SHUTDOWN), now, 200.0, "1.0") is None
    # Stopped by someone, then the computer restarted to cover it: still a gap, told.
    covered = gap_since(_record("stopped", "SIGTERM"), now, 200.0, "1.0")
    assert covered is not None and covered.data["notice"] is True
    # The package stopped it to put a new version in: recorded, not told.
    updated = gap_since(_record("stopped", "SIGTERM"), now, 100.0, "1.1")
    assert updated is not None and updated.data["notice"] is False
    assert "updated to 1.1" in updated.message
    # Killed (no clean stop) on the same boot: told; a power cut (new boot): only recorded.
    killed = gap_since(_record("running"), now, 100.0, "1.0")
    assert killed is not None and killed.data["notice"] and "killed" in killed.message
    power = gap_since(_record("running"), now, 200.0, "1.0")
    assert power is not None and power.data["notice"] is False
    assert power.data["seconds"] == pytest.approx(4000.0)


def test_a_tool_started_thousands_of_times_still_fits_one_message(served, spawn: Spawner) -> None:
    import dataclasses

    from guard.service.wire import WIRE_PROCESSES, incident_from_wire, incident_to_wire

    rig, _service, _clock, _endpoint = served
    tool = spawn.start("anydesk")
    rig.wait_event("frozen", pid=tool.pid)
    view = rig.engine.incidents()[0]
    many = tuple({**view.processes[0], "pid": n} for n in range(5000))
    big = dataclasses.replace(view, processes=many, timeline=view.timeline * 400)
    wired = incident_to_wire(big)
    assert len(protocol.encode({"type": "event", "incident": wired}, MAX_REPLY)) < MAX_REPLY
    assert wired["processes_total"] == 5000 and len(wired["processes"]) == WIRE_PROCESSES
    back = incident_from_wire(wired, {view.tool.id: view.tool})
    assert back.processes[-1]["pid"] == 4999  # the latest are the ones kept


def test_a_window_saying_the_bank_came_up_freezes_a_tool_with_a_live_session(
    served, spawn: Spawner
) -> None:
    """The tray says only which bank (never a window title); the service freezes the tools
    with someone connected, and the freeze reaches the window with the bank's name: the
    ordinary warning already up becomes the banking warning, with a wait of its own."""
    rig, _service, clock, endpoint = served
    tool = spawn.start("anydesk")
    frozen = rig.wait_event("frozen", pid=tool.pid)
    got: list[dict[str, object]] = []
    client = ServiceClient.connect("tray", endpoint=endpoint, on_event=got.append)
    with contextlib.closing(client):
        client.request("subscribe")  # the ordinary warning reaches the window: its wait starts
        clock.now += 100  # and has long run out, unanswered
        quiet = client.request("banking", bank="Barclays")
        assert quiet["ok"] is True and quiet["frozen"] == []
        assert client.request("banking", bank="x" * 65)["ok"] is False  # not a shape: refused
        # Words a caller chose never reach the journal as a bank's name.
        made_up = client.request("banking", bank="Call 0800 000 000 now")
        assert made_up["ok"] is False and "not a bank" in made_up["message"]
        rig.engine.session_changed(
            SessionChange(True, "anydesk", (tool.pid,), None, "socket", "203.0.113.5:6568",
                          "anydesk is connected to 203.0.113.5:6568", clock.now)
        )  # fmt: skip
        answer = client.request("banking", bank="Barclays")
        assert answer["ok"] is True and answer["frozen"] == [frozen.incident]
        assert is_stopped(tool.pid)

        def banking_warning() -> bool:
            return any(
                isinstance(m.get("incident"), dict) and m["incident"].get("banking") == "Barclays"  # type: ignore[union-attr]
                for m in got
            )

        assert wait_for(banking_warning, message="the window hears the banking freeze")
        # A new warning: its wait started again when it reached the window, although the
        # ordinary one was answered long ago.
        clock.now += 5
        early = client.request(
            "decide", incident=frozen.incident, action="allow", nobody_on_phone=True, scope="10m"
        )
        assert early["ok"] is False and early["retry_after"] == pytest.approx(25, abs=1)
