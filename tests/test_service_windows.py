"""The Windows side of the guard service, decided in Python and tested here through a fake
of ``guard/platform/_winapi.py`` (the only place that calls Windows): the named pipe's
security descriptor, who a client is (its token), whether the server is the real service,
frame limits, and the service host's answers to the Service Control Manager. The same code
runs against the real Windows API under Wine in tests/test_service_wine.py."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from guard.platform import _winapi, service_host
from guard.platform._winapi import TokenFacts
from guard.service import pipe, windows_host
from guard.service.client import ServiceClient, ServiceUnavailable
from guard.service.protocol import HEADER, MAX_REPLY, MAX_REQUEST, ProtocolError
from guard.service.transport import ChannelClosed
from guard.state import paths
from tests.helpers import wait_for

NAME = r"\\.\pipe\ScamGuard.Service"
ALICE = TokenFacts("S-1-5-21-1-2-3-1001", "PC\\alice", False, ("S-1-1-0", "S-1-5-11"))
ALICE_ELEVATED = TokenFacts("S-1-5-21-1-2-3-1001", "PC\\alice", True, ("S-1-5-32-544",))
SYSTEM = TokenFacts("S-1-5-18", "NT AUTHORITY\\SYSTEM", True, ("S-1-5-32-544",))


def win_error(code: int, text: str = "") -> OSError:
    """An OSError carrying ``winerror``, as ctypes.WinError makes one on Windows."""
    exc = PermissionError(text) if code == _winapi.ERROR_ACCESS_DENIED else OSError(text)
    exc.winerror = code  # type: ignore[attr-defined]
    return exc


@dataclass
class End:
    """One end of a fake pipe instance: bytes waiting to be read, and the other end."""

    handle: int
    name: str
    inbox: bytearray = field(default_factory=bytearray)
    other: End | None = None
    closed: bool = False
    facts: TokenFacts | None = None  # a client end: the token its process has
    pid: int = 0
    wrote: bool = False
    reads: list[int] = field(default_factory=list)  # sizes asked for


class FakeWindows:
    """The pipe and service calls of ``_winapi``, in memory, with Windows' rules where the
    code depends on them: a first instance fails if the name exists; ConnectNamedPipe waits
    for a client or the cancel event; a read waits for bytes, the other end closing, or the
    cancel event."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.handles = iter(range(100, 10**6))
        self.ends: dict[int, End] = {}
        self.events: dict[int, bool] = {}
        self.created: list[tuple[str, str, bool]] = []  # (name, sddl, first)
        self.waiting: dict[str, list[End]] = {}
        self.processes: dict[int, TokenFacts] = {}  # pid -> token (absent: access denied)
        self.owner = "S-1-5-18"  # the pipe object's owner SID
        self.server_pid = 4242
        self.me = ALICE  # this process's own token
        self.must_write_first = False  # Windows identifies a client only once it wrote
        self.closed_handles: list[int] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        for name in (
            "event_create", "event_set", "handle_close", "pipe_create", "pipe_accept",
            "pipe_open", "pipe_read", "pipe_write", "pipe_client_pid", "pipe_server_pid",
            "pipe_client_token", "process_token", "handle_owner_sid", "own_token",
        ):  # fmt: skip
            monkeypatch.setattr(_winapi, name, getattr(self, name))

    # events and handles
    def event_create(self) -> int:
        with self.cond:
            handle = next(self.handles)
            self.events[handle] = False
            return handle

    def event_set(self, handle: int) -> None:
        with self.cond:
            self.events[handle] = True
            self.cond.notify_all()

    def handle_close(self, handle: int) -> None:
        with self.cond:
            self.closed_handles.append(handle)
            end = self.ends.get(handle)
            if end is not None:
                end.closed = True
                for queue in self.waiting.values():
                    if end in queue:
                        queue.remove(end)
            self.cond.notify_all()

    def _wait(self, ready: Any, cancel: int, timeout: float | None, what: str) -> None:
        if not self.cond.wait_for(lambda: ready() or self.events.get(cancel), timeout):
            raise TimeoutError(f"{what} timed out")
        if not ready():
            raise ConnectionAbortedError(f"{what}: the pipe was closed")

    # the pipe
    def pipe_create(self, name: str, sddl: str, *, first: bool, buffer_size: int) -> int:
        with self.cond:
            exists = any(not e.closed for e in self.ends.values() if e.name == name)
            if first and exists:
                raise win_error(_winapi.ERROR_ACCESS_DENIED, "Access is denied")
            self.created.append((name, sddl, first))
            end = End(next(self.handles), name)
            self.ends[end.handle] = end
            self.waiting.setdefault(name, []).append(end)
            return end.handle

    def pipe_accept(self, handle: int, cancel: int) -> None:
        end = self.ends[handle]
        with self.cond:
            self._wait(lambda: end.other is not None, cancel, None, "ConnectNamedPipe")

    def pipe_open(self, name: str, timeout: float, *, facts: TokenFacts | None = None) -> int:
        with self.cond:
            queue = self.waiting.get(name) or []
            if not queue:
                raise FileNotFoundError(2, "The system cannot find the file specified")
            server = queue.pop(0)
            client = End(next(self.handles), name, other=server, facts=facts or self.me, pid=777)
            server.other = client
            self.ends[client.handle] = client
            self.cond.notify_all()
            return client.handle

    def pipe_read(self, handle: int, size: int, cancel: int, timeout: float | None = None) -> bytes:
        end = self.ends[handle]
        with self.cond:
            end.reads.append(size)
            other = end.other
            self._wait(
                lambda: end.inbox or (other is not None and other.closed) or end.closed,
                cancel,
                timeout,
                "ReadFile",
            )
            data = bytes(end.inbox[:size])
            del end.inbox[:size]
            return data

    def pipe_write(self, handle: int, data: bytes, cancel: int, timeout: float | None) -> int:
        end = self.ends[handle]
        with self.cond:
            if end.other is None or end.other.closed or end.closed:
                raise win_error(_winapi.ERROR_NO_DATA, "The pipe is being closed")
            end.other.inbox += data
            end.wrote = True
            self.cond.notify_all()
            return len(data)

    def pipe_client_pid(self, handle: int) -> int:
        other = self.ends[handle].other
        assert other is not None
        return other.pid

    def pipe_server_pid(self, handle: int) -> int:
        return self.server_pid

    def pipe_client_token(self, handle: int) -> TokenFacts:
        client = self.ends[handle].other
        assert client is not None and client.facts is not None
        if self.must_write_first and not client.wrote:
            raise win_error(_winapi.ERROR_CANNOT_IMPERSONATE, "not until data has been read")
        return client.facts

    def process_token(self, pid: int) -> TokenFacts:
        if pid not in self.processes:
            raise win_error(_winapi.ERROR_ACCESS_DENIED, "Access is denied")
        return self.processes[pid]

    def handle_owner_sid(self, handle: int) -> str:
        return self.owner

    def own_token(self) -> TokenFacts:
        return self.me


@pytest.fixture
def win(monkeypatch: pytest.MonkeyPatch) -> FakeWindows:
    fake = FakeWindows()
    fake.install(monkeypatch)
    return fake


@pytest.fixture
def listener(win: FakeWindows) -> Iterator[pipe.PipeListener]:
    made = pipe.PipeListener(NAME, send_limit=MAX_REPLY, receive_limit=MAX_REQUEST)
    yield made
    made.close()
    # An accept still under way ends now, before the fake Windows API is taken away.
    for thread in threading.enumerate():
        if thread.name == ACCEPT_THREAD:
            thread.join(timeout=5)


ACCEPT_THREAD = "accept-in-test"


def accept_in_thread(listener: pipe.PipeListener) -> dict[str, Any]:
    got: dict[str, Any] = {}
    thread = threading.Thread(
        target=lambda: got.setdefault("channel", listener.accept()), name=ACCEPT_THREAD
    )
    thread.start()
    got["thread"] = thread
    return got


def connect(
    win: FakeWindows, listener: pipe.PipeListener, who: TokenFacts = ALICE
) -> tuple[pipe.PipeChannel, pipe.PipeChannel]:
    """A client of token ``who`` connected: (the client's channel, the server's)."""
    got = accept_in_thread(listener)
    win.processes[win.server_pid] = SYSTEM
    handle = win.pipe_open(NAME, 1.0, facts=who)
    client = pipe.PipeChannel(
        handle, pipe.server_peer(handle), send_limit=MAX_REQUEST, receive_limit=MAX_REPLY
    )
    if win.must_write_first:  # the service waits for its first bytes before it asks again
        server_end = win.ends[handle].other
        assert server_end is not None
        wait_for(lambda: server_end.reads, timeout=5, message="the service to read")
        client.send({"type": "hello", "v": 1, "client": "tray"})
    got["thread"].join(timeout=5)
    return client, got["channel"]


# --- the pipe's security descriptor --------------------------------------------------------

FILE_CREATE_PIPE_INSTANCE = 0x4  # FILE_APPEND_DATA on a pipe
WRITE_DAC, WRITE_OWNER = 0x40000, 0x80000


def aces(sddl: str) -> list[tuple[str, str, str]]:
    """(allow/deny, rights, trustee) for each ACE of a DACL in SDDL."""
    assert sddl.startswith("D:P("), "a protected DACL, nothing inherited"
    return [
        (kind, rights, sid)
        for kind, rights, sid in re.findall(r"\((A|D);;([^;]+);;;([^)]+)\)", sddl)
    ]


def test_the_pipe_lets_people_read_and_write_but_never_add_an_instance(
    win: FakeWindows, listener: pipe.PipeListener
) -> None:
    [(name, sddl, first)] = win.created
    assert (name, first) == (NAME, True), "the first instance is made with the first-instance flag"
    entries = aces(sddl)
    assert entries[0] == ("D", "GA", "NU"), "network logons are denied first"
    assert ("A", "GA", "SY") in entries and ("A", "GA", "BA") in entries
    [users] = [rights for kind, rights, sid in entries if sid == "AU"]
    mask = int(users, 16)
    assert mask & 0x2, "people may write their requests"
    assert mask & 0x1, "and read the answers"
    assert not mask & FILE_CREATE_PIPE_INSTANCE, "no right to create an instance (squatting)"
    assert not mask & (WRITE_DAC | WRITE_OWNER)
    # Nobody else (in this test home, the person running the service, as the next test says).
    assert {sid for _, _, sid in entries} == {"NU", "SY", "BA", "AU", ALICE.sid}
    # Later instances (one per connection) are made without the flag, or they would fail.
    connect(win, listener)
    assert [first for _, _, first in win.created] == [True, False]


def test_outside_a_test_home_the_running_user_gets_no_ace(
    win: FakeWindows, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(paths.ENV_HOME)
    made = pipe.PipeListener(NAME, send_limit=MAX_REPLY, receive_limit=MAX_REQUEST)
    made.close()
    assert ALICE.sid not in made.sddl
    # In a test home the service runs as a person, who must be able to add instances.
    monkeypatch.setenv(paths.ENV_HOME, "/tmp/some-test-home")
    assert f"(A;;GA;;;{ALICE.sid})" in pipe.pipe_sddl(ALICE.sid)


def test_a_pipe_name_someone_already_holds_stops_the_service_with_a_reason(
    win: FakeWindows,
) -> None:
    squatter = win.pipe_create(NAME, "D:(A;;GA;;;WD)", first=False, buffer_size=4096)
    with pytest.raises(PermissionError, match="another program already made this pipe"):
        pipe.PipeListener(NAME, send_limit=MAX_REPLY, receive_limit=MAX_REQUEST)
    win.handle_close(squatter)


# --- who is on the other end ----------------------------------------------------------------


def test_the_service_knows_the_client_from_its_token(
    win: FakeWindows, listener: pipe.PipeListener
) -> None:
    client, server = connect(win, listener, ALICE)
    assert server.peer == service_host.Peer(uid=1001, gid=0, pid=777, admin=False, name="PC\\alice")
    assert client.peer.admin and client.peer.name == "NT AUTHORITY\\SYSTEM"
    client.send({"type": "status", "id": 3})
    assert server.receive() == {"type": "status", "id": 3}
    server.send({"type": "reply", "ok": True, "message": "protecting", "re": 3})
    assert client.receive()["re"] == 3
    client.close()
    with pytest.raises(ChannelClosed):
        server.receive()
    server.close()


def test_an_elevated_client_is_an_administrator(
    win: FakeWindows, listener: pipe.PipeListener
) -> None:
    _client, server = connect(win, listener, ALICE_ELEVATED)
    assert server.peer.admin


def test_an_elevated_impersonation_needs_an_elevated_process_too(
    win: FakeWindows, listener: pipe.PipeListener
) -> None:
    """The client process's own token is asked as well (under Wine the impersonation token
    is the server's own): a limited process is no administrator, whatever the pipe says."""
    win.processes[777] = ALICE  # the client's process: limited
    _client, server = connect(win, listener, ALICE_ELEVATED)
    assert server.peer.name == "PC\\alice" and not server.peer.admin


@pytest.mark.parametrize(
    ("facts", "admin"),
    [
        (SYSTEM, True),
        (ALICE_ELEVATED, True),
        (ALICE, False),
        # Wine 8.0's limited token keeps Administrators enabled but says it is not elevated:
        # elevation decides.
        (TokenFacts("S-1-5-21-0-0-0-1000", "VM\\root", False, ("S-1-5-32-544",)), False),
        # A token that will not say: the enabled Administrators group does.
        (TokenFacts("S-1-5-21-0-0-0-1000", "VM\\root", None, ("S-1-5-32-544",)), True),
        (TokenFacts("S-1-5-21-0-0-0-1000", "VM\\root", None, ("S-1-5-32-545",)), False),
    ],
)
def test_administrator_means_elevated_now(facts: TokenFacts, admin: bool) -> None:
    assert pipe.is_admin(facts) is admin


def test_a_client_identified_only_after_it_writes_loses_no_bytes(
    win: FakeWindows, listener: pipe.PipeListener
) -> None:
    win.must_write_first = True
    client, server = connect(win, listener, ALICE)
    assert server.peer.name == "PC\\alice"
    assert server.receive() == {"type": "hello", "v": 1, "client": "tray"}
    client.close()
    server.close()


def test_a_client_that_never_writes_when_it_must_is_dropped(
    win: FakeWindows, listener: pipe.PipeListener, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipe, "IDENTIFY_TIMEOUT", 0.2)
    win.must_write_first = True
    got = accept_in_thread(listener)
    silent = win.pipe_open(NAME, 1.0)
    wait_for(lambda: win.ends[silent].closed or win.ends[silent].other.closed, timeout=5)  # type: ignore[union-attr]
    # The service went on: the next client is served.
    win.must_write_first = False
    handle = win.pipe_open(NAME, 1.0, facts=ALICE_ELEVATED)
    got["thread"].join(timeout=5)
    assert got["channel"].peer.admin
    win.handle_close(handle)


def test_an_impostor_answering_on_the_pipe_is_refused(
    win: FakeWindows, listener: pipe.PipeListener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A person's program made the pipe (the service was not running): the client sees the
    server process's token is the person's own, and says so instead of talking to it."""
    monkeypatch.delenv(paths.ENV_HOME)
    win.processes[win.server_pid] = ALICE
    accept_in_thread(listener)
    with pytest.raises(ServiceUnavailable, match=r"program of PC\\alice's, not by the ScamGuard"):
        ServiceClient.connect(endpoint=NAME, timeout=1.0)


@pytest.mark.parametrize(
    ("owner", "admin"), [("S-1-5-18", True), ("S-1-5-32-544", True), (ALICE.sid, False)]
)
def test_when_the_server_token_is_closed_to_us_the_pipes_owner_decides(
    win: FakeWindows, owner: str, admin: bool
) -> None:
    win.owner = owner  # win.processes has no token for the server: access denied
    handle = win.pipe_create(NAME, "D:P", first=True, buffer_size=4096)
    client = win.pipe_open(NAME, 1.0)
    peer = pipe.server_peer(client)
    assert (peer.admin, peer.pid) == (admin, win.server_pid)
    win.handle_close(handle)


def test_nothing_listening_is_an_oserror_the_client_words(win: FakeWindows) -> None:
    with pytest.raises(ServiceUnavailable, match="the ScamGuard service is not running"):
        ServiceClient.connect(endpoint=NAME, timeout=0.5)


# --- frames ---------------------------------------------------------------------------------


def test_an_oversized_frame_is_refused_before_its_body_is_read(
    win: FakeWindows, listener: pipe.PipeListener
) -> None:
    client, server = connect(win, listener)
    win.pipe_write(client.handle, HEADER.pack(MAX_REQUEST + 1) + b"x" * 100, 0, None)
    with pytest.raises(ProtocolError, match="refused"):
        server.receive()
    assert win.ends[server.handle].reads == [HEADER.size], "only the header was read"
    with pytest.raises(ProtocolError):
        client.send({"type": "trust", "tool": "x" * MAX_REQUEST, "action": "add"})
    server.close()


def test_a_broken_frame_is_a_protocol_error(win: FakeWindows, listener: pipe.PipeListener) -> None:
    client, server = connect(win, listener)
    win.pipe_write(client.handle, HEADER.pack(5) + b"{nope", 0, None)
    with pytest.raises(ProtocolError, match="not a JSON message"):
        server.receive()


def test_close_ends_a_waiting_receive_and_a_waiting_accept(
    win: FakeWindows, listener: pipe.PipeListener
) -> None:
    _client, server = connect(win, listener)
    ended: list[BaseException] = []

    def receive() -> None:
        try:
            server.receive()
        except ChannelClosed as exc:
            ended.append(exc)

    reader = threading.Thread(target=receive)
    reader.start()
    wait_for(lambda: win.ends[server.handle].reads, timeout=5)
    server.close()
    reader.join(timeout=5)
    assert ended and not reader.is_alive()
    assert server.handle in win.closed_handles, "the handle is let go once nothing uses it"
    with pytest.raises(ChannelClosed):
        server.send({"type": "bye"})
    got = accept_in_thread(listener)
    listener.close()
    got["thread"].join(timeout=5)
    assert got["channel"] is None and not got["thread"].is_alive()


# --- the service host -----------------------------------------------------------------------


class FakeRunner:
    """ServiceRunner's stop contract: the first reason asked for wins."""

    def __init__(self, fail: str = "") -> None:
        self.reason = ""
        self.stopped_with: str | None = None
        self.started = threading.Event()
        self._stop = threading.Event()
        self.fail = fail

    def start(self) -> None:
        self.started.set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._stop.wait(timeout)

    def request_stop(self, reason: str = "") -> None:
        self.reason = self.reason or reason
        self._stop.set()

    def stop(self, reason: str = "") -> None:
        self.stopped_with = self.reason or reason


class FakeSCM:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, console: bool = False) -> None:
        self.statuses: list[dict[str, int]] = []
        self.handler: Any = None
        self.console = console
        self.thread: threading.Thread | None = None
        monkeypatch.setattr(_winapi, "service_register", self.register)
        monkeypatch.setattr(_winapi, "service_set_status", self.set_status)
        monkeypatch.setattr(_winapi, "service_dispatch", self.dispatch)

    def register(self, name: str, handler: Any) -> int:
        assert name == "ScamGuard"
        self.handler = handler
        return 99

    def set_status(self, handle: int, state: int, **fields: int) -> None:
        assert handle == 99
        self.statuses.append({"state": state, **fields})

    def dispatch(self, name: str, main: Any) -> bool:
        if self.console:
            return False
        self.thread = threading.Thread(target=main)
        self.thread.start()
        self.thread.join(timeout=10)
        return True

    def states(self) -> list[int]:
        return [s["state"] for s in self.statuses]


def run_host(scm: FakeSCM, runner: FakeRunner) -> tuple[windows_host.ServiceHost, threading.Thread]:
    host = windows_host.ServiceHost(lambda: runner)
    thread = threading.Thread(target=host.main)
    thread.start()
    wait_for(lambda: _winapi.SERVICE_RUNNING in scm.states(), timeout=5, message="running")
    return host, thread


@pytest.mark.parametrize(
    ("control", "reason"),
    [
        (_winapi.SERVICE_CONTROL_STOP, windows_host.STOP_REASON),
        (_winapi.SERVICE_CONTROL_SHUTDOWN, "the computer shut down"),
        (_winapi.SERVICE_CONTROL_PRESHUTDOWN, "the computer shut down"),
    ],
)
def test_stop_and_shutdown_stop_the_runner_with_their_reason(
    monkeypatch: pytest.MonkeyPatch, control: int, reason: str
) -> None:
    scm = FakeSCM(monkeypatch)
    runner = FakeRunner()
    host, thread = run_host(scm, runner)
    running = scm.statuses[scm.states().index(_winapi.SERVICE_RUNNING)]
    assert running["accepted"] == _winapi.SERVICE_ACCEPT_STOP | _winapi.SERVICE_ACCEPT_SHUTDOWN
    assert scm.handler(_winapi.SERVICE_CONTROL_INTERROGATE) == _winapi.NO_ERROR
    assert scm.handler(0x80) == _winapi.ERROR_CALL_NOT_IMPLEMENTED  # a control of someone else's
    assert runner.stopped_with is None
    assert scm.handler(control) == _winapi.NO_ERROR
    thread.join(timeout=5)
    assert runner.stopped_with == reason
    states = scm.states()
    assert states[0] == _winapi.SERVICE_START_PENDING and states[-1] == _winapi.SERVICE_STOPPED
    assert _winapi.SERVICE_STOP_PENDING in states[states.index(_winapi.SERVICE_RUNNING) :]
    pending = [s["checkpoint"] for s in scm.statuses if s["state"] == _winapi.SERVICE_STOP_PENDING]
    assert pending == sorted(pending) and 0 not in pending, "checkpoints count up while pending"
    assert host.error == ""


def test_a_stop_before_the_runner_exists_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    scm = FakeSCM(monkeypatch)
    runner = FakeRunner()
    made = threading.Event()
    go = threading.Event()

    def make() -> FakeRunner:
        made.set()
        go.wait(5)
        return runner

    host = windows_host.ServiceHost(make)
    thread = threading.Thread(target=host.main)
    thread.start()
    made.wait(5)
    scm.handler(_winapi.SERVICE_CONTROL_SHUTDOWN)
    go.set()
    thread.join(timeout=5)
    assert runner.stopped_with == "the computer shut down"
    assert scm.states()[-1] == _winapi.SERVICE_STOPPED


def test_a_service_that_cannot_start_tells_the_scm_and_says_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scm = FakeSCM(monkeypatch)

    def make() -> FakeRunner:
        raise RuntimeError("the service cannot listen on \\\\.\\pipe\\ScamGuard.Service (taken)")

    assert "cannot listen" in (windows_host.dispatch(make) or "")
    [*_, last] = scm.statuses
    assert last["state"] == _winapi.SERVICE_STOPPED
    assert last["exit_code"] == _winapi.ERROR_SERVICE_SPECIFIC_ERROR


def test_from_a_console_the_command_runs_in_the_foreground(monkeypatch: pytest.MonkeyPatch) -> None:
    scm = FakeSCM(monkeypatch, console=True)
    made: list[FakeRunner] = []

    def make() -> FakeRunner:
        made.append(FakeRunner())
        return made[-1]

    assert windows_host.dispatch(make) is None
    assert made == [] and scm.statuses == []


def test_as_a_service_dispatch_returns_when_it_has_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    scm = FakeSCM(monkeypatch)
    runner = FakeRunner()

    def stop_soon() -> None:
        runner.started.wait(5)
        scm.handler(_winapi.SERVICE_CONTROL_STOP)

    threading.Thread(target=stop_soon).start()
    assert windows_host.dispatch(lambda: runner) == ""
    assert runner.stopped_with == windows_host.STOP_REASON


# --- what the service manager says ----------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        ((2, 4), "automatic, running"),
        ((4, 1), "disabled, stopped"),
        ((3, 3), "manual, stopping"),
        (win_error(_winapi.ERROR_SERVICE_DOES_NOT_EXIST), "not installed"),
        (win_error(_winapi.ERROR_ACCESS_DENIED), ""),
    ],
)
def test_unit_state_on_windows_is_the_scms_word(
    monkeypatch: pytest.MonkeyPatch, answer: Any, said: str
) -> None:
    def query(name: str) -> tuple[int, int]:
        assert name == "ScamGuard"
        if isinstance(answer, OSError):
            raise answer
        return answer

    monkeypatch.setattr(service_host, "current_os", lambda: "windows")
    monkeypatch.setattr(_winapi, "service_query", query)
    assert service_host.unit_state() == said
