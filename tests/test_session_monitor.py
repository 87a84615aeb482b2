"""SessionMonitor against real processes: a stand-in tool (Debian's socat copied under a tool's
name, identified by that name from a test signature) holding an established loopback
connection it accepted on a listen port of its [session] table; real log files; the Windows
RDP signal through a fake WTS call. Waits are conditions with deadlines, never sleeps."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import psutil
import pytest

from guard import platform
from guard.session.logs import LogTailer, owner_folders
from guard.session.model import SessionChange, ToolProcess
from guard.session.monitor import END_AFTER, SessionMonitor
from guard.session.os_signals import (
    AllOsSessions,
    RemoteAssistanceEvents,
    WindowsRdpSessions,
    event_time,
)
from guard.session.sockets import ProcessReader
from guard.sigdb.model import SessionLogs, SessionRules
from tests.helpers import ON_WINDOWS, not_on_windows
from tests.session_rig import Finder, database, free_port, need, stop, wait_listening, wait_until

DETECT_WITHIN = 2.0  # the bound, connect -> session-started and disconnect -> ended


class Recorder:
    """Collects changes with the time they arrived; events to wait on."""

    def __init__(self) -> None:
        self.changes: list[tuple[float, SessionChange]] = []
        self.started = threading.Event()
        self.ended = threading.Event()

    def __call__(self, change: SessionChange) -> None:
        self.changes.append((time.monotonic(), change))
        (self.started if change.started else self.ended).set()


@pytest.fixture
def standin(tmp_path: Path):
    """A real listener named ``sgstandin`` (a copy of socat) on a free loopback port, with a
    test database whose tool ``standin`` is named so and lists that port in [session]."""
    socat = need("socat", "socat")
    port = free_port()
    sigset = database(
        tmp_path / "db", {"standin": ("sgstandin", f"[session]\nlisten_ports = [{port}]\n")}
    )
    binary = tmp_path / "bin" / "sgstandin"
    binary.parent.mkdir()
    shutil.copy(socat, binary)
    proc = subprocess.Popen(
        [str(binary), f"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork", "PIPE"]
    )
    try:
        wait_listening(port)
        yield proc, port, sigset
    finally:
        stop(proc)


def test_standin_session_is_detected_and_its_end_too(standin) -> None:
    proc, port, sigset = standin
    finder = Finder(sigset, [proc.pid])
    assert [t.tool_id for t in finder()] == ["standin"]  # identified by its name
    rec = Recorder()
    monitor = SessionMonitor(lambda t: sigset.by_id()[t].session, finder, rec)
    monitor.start()
    try:
        wait_until(lambda: monitor.ticks >= 2, 5, "the monitor ticks")
        assert rec.changes == [] and monitor.live() == []  # listening alone is no session
        client = socket.create_connection(("127.0.0.1", port))
        connected = time.monotonic()
        client.sendall(b"RFB 003.008\n")
        assert rec.started.wait(DETECT_WITHIN), "session-started not within 2 s of connecting"
        at, start = rec.changes[0]
        assert at - connected <= DETECT_WITHIN
        assert start.started and start.tool_id == "standin" and start.signal == "socket"
        local = client.getsockname()
        assert start.peer == f"127.0.0.1:{local[1]}"
        assert f"accepted a connection from 127.0.0.1:{local[1]} on port {port}" in (start.evidence)
        assert set(start.pids) <= {p.pid for p in psutil.Process(proc.pid).children()}
        assert monitor.live() == [start]

        client.close()
        closed = time.monotonic()
        assert rec.ended.wait(DETECT_WITHIN), "session-ended not within 2 s of disconnecting"
        at, end = rec.changes[-1]
        assert at - closed <= DETECT_WITHIN
        assert not end.started and end.since == start.since and end.tool_id == "standin"
        assert "no connection, traffic or log line for 1.5 s" in end.evidence
        assert monitor.live() == []
        assert proc.poll() is None  # the tool itself still runs: only its session ended
    finally:
        monitor.stop()


def test_socket_listing_happens_only_when_something_changed(standin) -> None:
    proc, port, sigset = standin
    reader = ProcessReader(refresh=3600)
    monitor = SessionMonitor(
        lambda t: sigset.by_id()[t].session, Finder(sigset, [proc.pid]), print, reader=reader
    )
    monitor.check_now()
    monitor.check_now()  # the tick after a first look lists once more
    settled = reader.listings
    for _ in range(20):
        monitor.check_now()
    assert reader.listings == settled  # idle: no listing at all
    with socket.create_connection(("127.0.0.1", port)):
        # The connection is held by a forked child, new to the monitor: found and listed.
        wait_until(
            lambda: any(c.started for c in monitor.check_now()) or monitor.live(), 5, "a session"
        )
    assert reader.listings > settled


def test_vanished_replaced_and_unreadable_processes_are_skipped(spawn, tmp_path: Path) -> None:
    rules = SessionRules(listen_ports=(5900,))
    sleeper = spawn.start("sgvanish")
    real = psutil.Process(sleeper.pid)
    tools = [
        ToolProcess(sleeper.pid, real.create_time(), "vanish", None),
        ToolProcess(sleeper.pid, real.create_time() - 100, "vanish", None),  # a reused pid
        ToolProcess(2**22 + 12345, 0.0, "vanish", None),  # never existed
    ]
    rec = Recorder()
    monitor = SessionMonitor(lambda t: rules, lambda: tools, rec)
    assert monitor.check_now() == []
    sleeper.kill()
    sleeper.wait(timeout=5)
    assert monitor.check_now() == []  # gone mid-run: skipped, nothing raised
    assert rec.changes == []


def test_the_thread_survives_failing_sources_and_listeners(standin) -> None:
    proc, port, sigset = standin
    finder = Finder(sigset, [proc.pid])
    calls = {"n": 0}

    def flaky() -> list[ToolProcess]:
        calls["n"] += 1
        if calls["n"] % 2:
            raise RuntimeError("the engine's list broke")
        return finder()

    def bad_listener(change: SessionChange) -> None:
        raise ValueError("a listener's bug")

    def bad_rules(tool_id: str) -> SessionRules | None:
        return sigset.by_id()[tool_id].session

    monitor = SessionMonitor(bad_rules, flaky, bad_listener, interval=0.05)
    monitor.start()
    try:
        with socket.create_connection(("127.0.0.1", port)):
            wait_until(monitor.live, 5, "a session despite the failures")
        wait_until(lambda: calls["n"] > 10, 5, "ticks keep coming")
    finally:
        monitor.stop()


def test_a_new_incoming_line_in_the_tools_log_is_a_session(spawn, tmp_path: Path) -> None:
    trace = tmp_path / "trace" / "connection_trace.txt"
    trace.parent.mkdir()
    trace.write_text("Incoming 2022-08-23, 10:23 Passwd 547911884 547911884\n")  # history
    rules = SessionRules(
        logs=SessionLogs(
            paths={"linux": (str(trace),)}, markers=("incoming",), ignore=("rejected",)
        )
    )
    tool = spawn.start("sglogtool")
    tools = [ToolProcess(tool.pid, psutil.Process(tool.pid).create_time(), "logtool", None)]
    now = [1000.0]
    monitor = SessionMonitor(
        lambda t: rules,
        lambda: tools,
        lambda c: None,
        clock=lambda: now[0],
        tailer=LogTailer(os_name="linux"),
    )
    assert monitor.check_now() == []  # lines written before the first look are history
    with trace.open("a") as fh:
        fh.write("Incoming 2026-01-02, 09:00 REJECTED 1 1\n")
    assert monitor.check_now() == []  # refused by the person: not a session
    with trace.open("a") as fh:
        fh.write("Incoming 2026-01-02, 09:01 User 442226597 442226597\n")
    (start,) = monitor.check_now()
    assert start.started and start.signal == "log" and start.pids == (tool.pid,)
    assert start.evidence.endswith("Incoming 2026-01-02, 09:01 User 442226597 442226597")
    now[0] += 1.0
    assert monitor.check_now() == []  # still open: ends only after 2 s without a signal
    now[0] += 1.0
    (end,) = monitor.check_now()  # not connected to anyone: the line alone lasts 2 s
    assert not end.started and end.since == 1000.0


def test_a_huge_append_is_read_bounded_and_a_rotated_log_from_its_start(tmp_path: Path) -> None:
    trace = tmp_path / "trace.txt"
    trace.write_text("old\n")
    logs = SessionLogs(paths={"linux": (str(trace),)}, markers=("incoming",))
    tailer = LogTailer(os_name="linux")
    assert tailer.new_hits(logs, None) == []
    with trace.open("a") as fh:
        fh.write("Incoming early\n" + "x" * 200_000 + "\nIncoming late\n")
    hits = tailer.new_hits(logs, None)
    assert [h.line for h in hits] == ["Incoming late"]  # only the newest 64 KiB is read
    trace.unlink()
    trace.write_bytes("\ufeffIncoming rotated\r\n".encode("utf-16-le"))  # a new file, UTF-16
    assert [h.line.strip() for h in tailer.new_hits(logs, None)] == ["Incoming rotated"]


def test_a_remote_desktop_session_comes_from_windows_itself() -> None:
    rows: list[tuple[int, int, str, int, str]] = [(1, 0, "alice", 0, "")]  # the console
    rules = SessionRules(listen_ports=(3389,), os="rdp")
    rdp = WindowsRdpSessions(lambda: rows)
    monitor = SessionMonitor(
        lambda t: rules if t == "windows-remote-desktop" else None,
        lambda: [],
        lambda c: None,
        os_sessions=rdp,
    )
    assert monitor.check_now() == []
    rows.append((2, 0, "alice", 2, "198.51.100.9"))  # an RDP client, active
    (start,) = monitor.check_now()
    assert start.tool_id == "windows-remote-desktop" and start.signal == "os"
    assert start.owner == "alice" and start.peer == "198.51.100.9"
    assert start.os_session == 2  # what "Disconnect now" logs off
    assert start.evidence == (
        "Windows reports a Remote Desktop session from 198.51.100.9 as alice (session 2)"
    )
    # A database without os = "rdp" for the tool turns the signal off.
    quiet = SessionMonitor(
        lambda t: SessionRules(listen_ports=(3389,)), list, print, os_sessions=rdp
    )
    assert quiet.check_now() == []


def ra_event(event_id: int, at: float) -> tuple[int, str]:
    """One Remote Assistance event as ``_winapi.recent_events`` gives it: its id and XML."""
    stamp = dt.datetime.fromtimestamp(at, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.1234567Z")
    xml = (
        "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
        "<Provider Name='Microsoft-Windows-RemoteAssistance'/>"
        f"<EventID>{event_id}</EventID><TimeCreated SystemTime='{stamp}'/></System></Event>"
    )
    return event_id, xml


def test_a_remote_assistance_session_comes_from_its_own_events_while_msra_runs() -> None:
    """Events newest first, as EvtQuery in reverse gives them. A real process stands in for
    msra.exe; the events are Windows' (a fake of the one call)."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        started = psutil.Process(proc.pid).create_time()
        tool = ToolProcess(proc.pid, started, "windows-remote-assistance", "alice")
        running = [tool]
        rows: list[tuple[int, str]] = [ra_event(19, started - 3600), ra_event(22, started - 3700)]
        asked: list[tuple[str, list[int], int]] = []

        def events(channel: str, ids: Sequence[int], limit: int) -> list[tuple[int, str]]:
            asked.append((channel, list(ids), limit))
            return list(rows)

        now = [started + 10]
        rules = SessionRules(os="remote-assistance")
        monitor = SessionMonitor(
            lambda t: rules if t == "windows-remote-assistance" else None,
            lambda: list(running),
            lambda c: None,
            clock=lambda: now[0],
            os_sessions=RemoteAssistanceEvents(events),
        )
        assert monitor.check_now() == []  # yesterday's session ended; nothing now
        assert asked[0][0] == "Microsoft-Windows-RemoteAssistance/Operational"
        rows.insert(0, ra_event(22, started - 600))  # newest is a start, but before msra ran
        assert monitor.check_now() == []
        rows.insert(0, ra_event(15, started + 5))  # a helper connected to this msra
        (start,) = monitor.check_now()
        assert (start.tool_id, start.signal, start.owner) == (
            "windows-remote-assistance",
            "os",
            "alice",
        )
        assert start.pids == (proc.pid,)  # "Disconnect now" ends msra itself
        assert start.evidence.startswith(
            "Windows Remote Assistance logged that a helper connected (event 15 at "
        )
        now[0] += 1
        assert monitor.check_now() == []  # still live: nothing new
        rows.insert(0, ra_event(18, started + 20))  # the helper disconnected
        now[0] += END_AFTER
        (end,) = monitor.check_now()
        assert not end.started and end.since == start.since
        rows.insert(0, ra_event(16, started + 30))  # connected again, but msra has gone
        running.clear()
        now[0] += 1
        assert monitor.check_now() == []
    finally:
        stop(proc)


def test_a_remote_assistance_log_that_cannot_be_read_is_said_once_and_skipped() -> None:
    calls = []

    def refused(channel: str, ids: Sequence[int], limit: int) -> list[tuple[int, str]]:
        calls.append(channel)
        raise OSError(15007, "EvtQuery: The specified channel could not be found")

    reader = RemoteAssistanceEvents(refused)
    assert reader() == [] and reader() == []
    assert len(calls) == 2
    assert reader.problem == (
        "Remote Assistance's event log cannot be read "
        "([Errno 15007] EvtQuery: The specified channel could not be found)"
    )
    both = AllOsSessions(WindowsRdpSessions(lambda: [(2, 0, "bob", 2, "")]), reader)
    assert [s.signal for s in both()] == ["rdp"]


@pytest.mark.skipif(not ON_WINDOWS, reason="the real Windows call runs in the Windows lane")
def test_the_real_event_log_call_answers_or_refuses_in_one_line() -> None:
    """Under Wine the channel does not exist; on Windows it does. Either way: rows or an
    OSError, never a crash, and the adapter turns a refusal into one line."""
    from guard.platform import _winapi

    try:
        rows = _winapi.recent_events("Microsoft-Windows-RemoteAssistance/Operational", [15], 4)
    except OSError as exc:
        assert "EvtQuery" in str(exc) or "EvtNext" in str(exc)
    else:
        assert all(isinstance(i, int) and "<Event" in xml for i, xml in rows)
    reader = RemoteAssistanceEvents()
    assert isinstance(reader(), list)
    assert reader.problem is None or "\n" not in reader.problem


def test_an_event_time_is_read_from_its_xml() -> None:
    assert event_time("<TimeCreated SystemTime='1970-01-01T00:01:40.5000000Z'/>") == 100.5
    assert event_time('<TimeCreated SystemTime="1970-01-01T00:01:40Z"/>') == 100.0
    assert event_time("<TimeCreated/>") is None


class _ScriptedReader(ProcessReader):
    """A tool's readings as the real reader reports them (a relay connection, a byte rate),
    scripted: a relay session's traffic cannot be produced on demand here."""

    def __init__(self) -> None:
        super().__init__()
        self.rate = 0.0
        self.connected = True

    def look(self, tool: ToolProcess, *, fresh: bool = False):  # type: ignore[override]
        from guard.session.model import Conn, ProcessLook

        conns = (Conn("10.0.0.2", 50000, "203.0.113.5", 443),) if self.connected else ()
        return ProcessLook(tool.pid, "relaytool", conns), self.rate


def test_a_quiet_minute_in_a_watched_relay_session_does_not_end_it() -> None:
    """A caller who only watches moves few bytes: while the tool stays connected, a session
    seen by its traffic stays open for a minute below the threshold; a disconnect ends it
    within the usual 2 s."""
    rules = SessionRules(any_remote=True, traffic=20_000)
    reader = _ScriptedReader()
    now = [1000.0]
    monitor = SessionMonitor(
        lambda t: rules,
        lambda: [ToolProcess(4242, 1.0, "relaytool", None)],
        lambda c: None,
        clock=lambda: now[0],
        reader=reader,
    )
    assert monitor.check_now() == []  # connected and idle: no session
    reader.rate = 250_000.0
    (start,) = monitor.check_now()
    assert start.started and start.signal == "traffic"
    reader.rate = 500.0  # the caller just watches
    for _ in range(50):
        now[0] += 1.0
        assert monitor.check_now() == [], f"ended {now[0] - 1000:.0f} s in while connected"
    reader.connected = False  # the caller hangs up the session
    now[0] += 1.0
    (end,) = monitor.check_now()  # quiet for a long while, now gone: it ends at once
    assert not end.started and end.since == start.since


def test_the_remote_assistance_log_is_not_read_while_msra_is_not_running() -> None:
    """The monitor ticks every second: reading an event log each time for a program that is
    not even running would be Windows work for nothing."""
    asked: list[str] = []

    def events(channel: str, ids: Sequence[int], limit: int) -> list[tuple[int, str]]:
        asked.append(channel)
        return [ra_event(15, 1000.0)]

    rules = SessionRules(os="remote-assistance")
    running: list[ToolProcess] = []
    monitor = SessionMonitor(
        lambda t: rules if t == "windows-remote-assistance" else None,
        lambda: list(running),
        lambda c: None,
        clock=lambda: 2000.0,
        os_sessions=AllOsSessions(RemoteAssistanceEvents(events)),
    )
    assert monitor.check_now() == [] and asked == []
    running.append(ToolProcess(os.getpid(), 900.0, "windows-remote-assistance", "alice"))
    (start,) = monitor.check_now()
    assert asked == ["Microsoft-Windows-RemoteAssistance/Operational"]
    assert start.tool_id == "windows-remote-assistance"


ALICE, BOB = 41001, 41002  # uids of no account here: only owners of the test's own files


class _OtherAccount(ProcessReader):
    """The service's view: it runs as root, and the OS says the tool runs as ``alice``
    (uid ALICE) with her profile folder. Only that answer is scripted; the process, its
    environment and the files' owners are real."""

    def __init__(self, profile: Path):
        super().__init__()
        self.alice = platform.Account(str(profile), ALICE)

    def account(self, tool: ToolProcess) -> platform.Account | None:
        return self.alice if self._entries.get(self.key(tool)) else None


def _trace(home: Path, uid: int | None = None) -> Path:
    """An AnyDesk trace in ``home``, owned by ``uid`` (as the tool that wrote it)."""
    trace = home / ".anydesk" / "connection_trace.txt"
    trace.parent.mkdir(parents=True, exist_ok=True)
    trace.touch()
    if uid is not None:
        os.chown(trace, uid, -1)
    return trace


def _incoming(trace: Path, n: int) -> None:
    with trace.open("a") as fh:
        fh.write(f"Incoming 2026-01-02, 09:0{n} User {n} {n}\n")


TRACE_RULES = SessionRules(
    logs=SessionLogs(paths={"linux": ("~/.anydesk/connection_trace.txt",)}, markers=("incoming",))
)


@not_on_windows("file owners set with chown, as root")
def test_the_service_reads_a_tools_log_in_its_owners_profile_and_never_another_accounts(
    spawn, tmp_path: Path
) -> None:
    """The service runs as root (SYSTEM on Windows), whose home is not the person's. The
    owner's profile comes from the OS. A HOME the caller dictated before starting the tool
    is read as well, never instead, and only a file the owner (or the system) owns is read:
    pointed at bob's folder, the service does not read bob's trace for alice."""
    alice, bob, service = tmp_path / "alice", tmp_path / "bob", tmp_path / "root"
    theirs, bobs, ours = _trace(alice, ALICE), _trace(bob, BOB), _trace(service)
    env = {**os.environ, "HOME": str(bob)}  # as `HOME=/home/bob anydesk` would
    tool = subprocess.Popen(
        [str(spawn.binary("sgportable")), "30"], env=env, stdout=subprocess.DEVNULL
    )
    spawn.children.append(tool)
    tools = [ToolProcess(tool.pid, psutil.Process(tool.pid).create_time(), "anydesk", "alice")]
    wait_until(lambda: psutil.Process(tool.pid).environ().get("HOME") == str(bob), 5, "its env")
    monitor = SessionMonitor(
        lambda t: TRACE_RULES,
        lambda: tools,
        lambda c: None,
        tailer=LogTailer({"HOME": str(service)}, "linux"),
        reader=_OtherAccount(alice),
    )
    assert monitor.check_now() == []  # the first look notes where each file ends
    _incoming(ours, 1)  # the service account's own: not a path for alice's tool
    _incoming(bobs, 2)  # where the dictated HOME points: bob's file, not read for alice
    assert monitor.check_now() == []
    assert monitor.tailer.reads == 0
    _incoming(theirs, 3)
    (start,) = monitor.check_now()
    assert start.signal == "log" and f"in {theirs}:" in start.evidence


@not_on_windows("a symbolic link made by an ordinary account, and chown")
def test_a_link_in_the_owners_profile_is_followed_only_to_the_owners_own_file(
    tmp_path: Path,
) -> None:
    """A link to bob's folder never has the service read bob's file; a link to a folder
    elsewhere holding alice's own file (made to hide it) does not blind the check."""
    alice, bob, hidden = tmp_path / "alice", tmp_path / "bob", tmp_path / "public"
    alice.mkdir()
    bobs, hers = _trace(bob, BOB), _trace(hidden, ALICE)
    (alice / ".anydesk").symlink_to(bob / ".anydesk")
    tailer = LogTailer({}, "linux")
    account = platform.Account(str(alice), ALICE)
    folders = owner_folders(str(alice), "linux")
    assert TRACE_RULES.logs is not None
    assert tailer.new_hits(TRACE_RULES.logs, "alice", account, folders) == []
    _incoming(bobs, 1)
    assert tailer.new_hits(TRACE_RULES.logs, "alice", account, folders) == []
    assert tailer.reads == 0  # opened, its owner asked, never read
    (alice / ".anydesk").unlink()
    (alice / ".anydesk").symlink_to(hidden / ".anydesk")
    assert tailer.new_hits(TRACE_RULES.logs, "alice", account, folders) == []  # first look
    _incoming(hers, 2)
    [hit] = tailer.new_hits(TRACE_RULES.logs, "alice", account, folders)
    assert hit.line.startswith("Incoming 2026-01-02, 09:02")


def test_a_folder_the_tools_env_moves_is_read_as_well_never_instead() -> None:
    profile = r"C:\Users\Alice"
    usual = {
        "USERPROFILE": profile,
        "APPDATA": r"C:\Users\Alice\AppData\Roaming",
        "LOCALAPPDATA": r"C:\Users\Alice\AppData\Local",
    }
    assert owner_folders(profile, "windows", {"PATH": r"C:\Windows"}) == [usual]
    assert owner_folders(profile, "windows", {"APPDATA": r"D:\x"}) == [
        usual,
        {**usual, "APPDATA": r"D:\x"},
    ]
    # The same folder in other letters or slashes is the same folder on Windows: one read.
    same = {"AppData": "c:/users/alice/appdata/roaming", "userprofile": "C:\\Users\\Alice\\"}
    assert owner_folders(profile, "windows", same) == [usual]
    assert owner_folders("/home/alice", "linux", {"HOME": "/home/alice/"}) == [
        {"HOME": "/home/alice"}
    ]


@not_on_windows("the user database and setpriv, as root: the Windows lookup has its own test")
@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("setpriv"),
    reason="starting a process as another account needs root and setpriv",
)
def test_the_owners_account_comes_from_the_user_database_not_the_environment(spawn) -> None:
    import pwd

    nobody = pwd.getpwnam("nobody")
    binary = spawn.binary("sgprofile")
    tool = subprocess.Popen(
        ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups",
         str(binary), "30"],
        env={**os.environ, "HOME": "/tmp"},
    )  # fmt: skip
    spawn.children.append(tool)
    wait_until(lambda: psutil.Process(tool.pid).uids().real == nobody.pw_uid, 5, "setpriv")
    assert platform.account_of(tool.pid) == platform.Account(nobody.pw_dir, nobody.pw_uid)
    me = platform.account_of(os.getpid())
    assert me == platform.Account(pwd.getpwuid(os.getuid()).pw_dir, os.getuid())
    tool.kill()
    tool.wait()
    assert platform.account_of(tool.pid) is None  # gone


@pytest.mark.skipif(not ON_WINDOWS, reason="the real Windows calls run in the Windows lane")
def test_the_account_windows_made_for_this_process_is_found(tmp_path: Path) -> None:
    import ntpath

    me = platform.account_of(os.getpid())
    assert me is not None and str(me.owner).startswith("S-1-5-")
    assert ntpath.normcase(me.profile) == ntpath.normcase(os.environ["USERPROFILE"])
    mine = tmp_path / "mine.txt"
    mine.write_text("x")
    with mine.open("rb") as fh:
        owner = platform.file_owner(fh)
    assert owner in {me.owner, *platform.SYSTEM_OWNERS}
