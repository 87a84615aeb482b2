"""The guard service as root: a real ``scamguard service run`` in a test home, real tools
started by another account and by root, real clients on its socket (one of them running as
an ordinary account), and the ways a caller would talk a person around it.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import Qt

from guard.platform import fanotify
from guard.service import health
from guard.service.client import ServiceClient
from guard.service.remote import RemoteGuard
from guard.state import journal, paths
from tests.conftest import REPO, run_cli
from tests.guard_rig import is_stopped
from tests.helpers import wait_for
from tests.test_watch_cli import WatchProcess
from ui.app import AppOptions, TrayApp

if TYPE_CHECKING or sys.platform != "win32":  # POSIX accounts; the module is skipped on Windows
    import pwd

NO_FANOTIFY = fanotify.unavailable_reason()

pytestmark = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("useradd") is None,
    reason="the service runs as root: these tests need root and useradd (CI runs as root)",
)


class ServiceProcess(WatchProcess):
    """``python -m guard service run --json`` confined to the test's folders."""

    COMMAND = ("service", "run", "--json", "--no-default-dirs")


@pytest.fixture(scope="module")
def people() -> Iterator[list[pwd.struct_passwd]]:
    """Two ordinary accounts made for these tests, removed afterwards."""
    names = [f"sgt{secrets.token_hex(3)}" for _ in range(2)]
    try:
        for name in names:
            subprocess.run(
                ["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                check=True,
                capture_output=True,
            )
        yield [pwd.getpwnam(name) for name in names]
    finally:
        for name in names:
            subprocess.run(["userdel", name], check=False, capture_output=True)


@pytest.fixture(scope="module")
def person(people: list[pwd.struct_passwd]) -> pwd.struct_passwd:
    return people[0]


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder every account can run programs from and reach the service's socket in
    (pytest's own temp folder is root's alone): the tools, and the test home."""
    folder = Path(tempfile.mkdtemp(prefix="scamguard-service-", dir="/tmp"))
    folder.chmod(0o755)
    monkeypatch.setenv(paths.ENV_HOME, str(folder / "home"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


class Tools:
    """Stand-in tools (``/bin/sleep`` under a tool's name) started as any account."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, as_user: pwd.struct_passwd | None = None) -> subprocess.Popen[bytes]:
        binary = self.folder / name
        if not binary.exists():
            shutil.copy("/bin/sleep", binary)
            binary.chmod(0o755)
        prefix = []
        if as_user is not None:
            prefix = [
                "setpriv",
                f"--reuid={as_user.pw_uid}",
                f"--regid={as_user.pw_gid}",
                "--clear-groups",
            ]
        proc = subprocess.Popen([*prefix, str(binary), "60"])
        self.procs.append(proc)
        return proc

    def cleanup(self) -> None:
        for proc in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGKILL)
                os.kill(proc.pid, signal.SIGCONT)
            proc.wait(timeout=5)


@pytest.fixture
def tools(shared: Path) -> Iterator[Tools]:
    made = Tools(shared)
    yield made
    made.cleanup()


@pytest.fixture
def service(shared: Path) -> Iterator[ServiceProcess]:
    """The service on the freeze path (what a kernel without fanotify gives everyone); the
    exec gate it runs by default has its own test below, and tests/test_exec_gate.py."""
    started = ServiceProcess("--only-under", str(shared), "--no-exec-gate")
    started.wait_event("started", timeout=20)
    wait_for(_answers, timeout=10, message="the service's socket")
    yield started
    if started.proc.poll() is None:
        os.kill(started.proc.pid, signal.SIGCONT)
        started.stop(signal.SIGTERM)


def _answers() -> bool:
    try:
        ServiceClient.connect(timeout=1.0).close()
    except Exception:
        return False
    return True


def _journal_events(kind: str) -> list[dict[str, Any]]:
    path = Path(os.environ[paths.ENV_HOME]) / "service" / "journal.db"
    return [{**e, **e["data"]} for e in journal.read(path) if e["kind"] == kind]


def _run_as(
    person: pwd.struct_passwd, *argv: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """This Python with ``argv`` as ``person`` (an ordinary account, no groups), in a session
    of its own (no terminal: as a script runs it)."""
    return subprocess.run(
        ["setpriv", f"--reuid={person.pw_uid}", f"--regid={person.pw_gid}", "--clear-groups",
         sys.executable, *argv],
        capture_output=True, text=True, timeout=timeout, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)}, check=False, start_new_session=True,
    )  # fmt: skip


def _as(person: pwd.struct_passwd, code: str) -> dict[str, Any]:
    """Run ``code`` (which prints one JSON line) as ``person``, in a fresh interpreter."""
    done = _run_as(person, "-c", code, timeout=30)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


CLIENT = """
import json
from guard.service.client import ServiceClient
from guard.service.remote import RemoteGuard
c = ServiceClient.connect("cli")
answers = {{"admin": c.welcome["admin"], "user": c.welcome["user"]}}
{body}
print(json.dumps(answers))
"""


def test_tools_of_another_account_and_of_root_are_frozen(
    service: ServiceProcess, tools: Tools, person: pwd.struct_passwd
) -> None:
    theirs = tools.start("anydesk", as_user=person)
    roots = tools.start("teamviewer")
    service.wait_event("frozen", pid=theirs.pid)
    service.wait_event("frozen", pid=roots.pid)
    assert wait_for(lambda: is_stopped(theirs.pid) and is_stopped(roots.pid))
    # The person's own history is the service's record (its journal is readable by all).
    shown = _run_as(person, "-m", "guard", "history", "--json")
    assert shown.returncode == 0, shown.stderr
    tools_seen = {i["tool"] for i in json.loads(shown.stdout)["incidents"]}
    assert {"anydesk", "teamviewer"} <= tools_seen


@pytest.mark.skipif(NO_FANOTIFY is not None, reason=f"{NO_FANOTIFY}")
def test_by_default_the_service_refuses_another_accounts_tool_before_it_runs(
    shared: Path, tools: Tools, person: pwd.struct_passwd
) -> None:
    started = ServiceProcess("--only-under", str(shared))  # the service's defaults
    try:
        event = started.wait_event("started", timeout=20)
        assert "exec gate on" in event["exec_gate"], event
        assert "real-time priority" in event["exec_gate"]
        theirs = tools.start("anydesk", as_user=person)  # setpriv's exec of it is refused
        assert theirs.wait(timeout=10) != 0
        denied = started.wait_event("denied")
        assert denied["tool"] == "anydesk"
        shown = _run_as(person, "-m", "guard", "history", "--json")
        assert shown.returncode == 0, shown.stderr
        assert "anydesk" in {i["tool"] for i in json.loads(shown.stdout)["incidents"]}
    finally:
        if started.proc.poll() is None:
            started.stop(signal.SIGTERM)


def test_an_ordinary_account_cannot_trust_change_the_provider_or_stop_it(
    service: ServiceProcess, person: pwd.struct_passwd
) -> None:
    body = """
for kind, fields in [("trust", {"tool": "anydesk", "action": "add"}),
                     ("provider", {"profile": "talktalk"}), ("stop", {})]:
    answers[kind] = c.request(kind, **fields)
"""
    answers = _as(person, CLIENT.format(body=body))
    assert answers["admin"] is False and answers["user"] == person.pw_name
    for kind in ("trust", "provider", "stop"):
        assert answers[kind]["ok"] is False, answers[kind]
        assert "administrator" in answers[kind]["message"]
    assert _answers(), "the service still runs"
    refused = wait_for(lambda: _journal_events("refused"), timeout=5)
    assert any(person.pw_name in e["message"] for e in refused)
    settings = Path(os.environ[paths.ENV_HOME]) / "machine" / "settings.json"
    assert not settings.exists() or "anydesk" not in settings.read_text()


def test_forged_oversized_and_malformed_messages_are_refused_and_the_service_goes_on(
    service: ServiceProcess,
) -> None:
    endpoint = paths.service_endpoint()

    def raw(payload: bytes) -> bytes:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            sock.connect(endpoint)
            sock.sendall(payload)
            chunks = b""
            with contextlib.suppress(OSError):
                while chunk := sock.recv(65536):
                    chunks += chunk
            return chunks

    # Ten megabytes announced: refused on the header alone, the connection closed.
    answer = raw(struct.pack(">I", 10 * 1024 * 1024) + b"{")
    assert b"refused" in answer and b"limit" in answer
    # Not JSON, then a frame cut short: refused / dropped, nothing crashes.
    assert b"not a JSON message" in raw(struct.pack(">I", 5) + b"\xff\xfe{{{")
    raw(struct.pack(">I", 100) + b'{"type": "hello"')
    with contextlib.closing(ServiceClient.connect()) as client:
        # A request before hello is refused by the server's own rule, not reached.
        for bad, why in [
            ({"type": "decide", "incident": "x", "action": "allow", "evil": 1}, "unexpected field"),
            ({"type": "launch-missiles"}, "unknown message type"),
            ({"type": "decide", "incident": "x" * 100, "action": "block"}, "longer than"),
            ({"type": "trust", "tool": ["anydesk"], "action": "add"}, "must be text"),
        ]:
            kind = bad.pop("type")
            answer = client.request(kind, **bad)
            assert answer["ok"] is False and why in answer["message"], answer
    assert _answers()
    assert len(wait_for(lambda: _journal_events("refused"), timeout=5)) >= 4


def test_the_tray_killed_a_tool_stays_frozen_and_the_next_tray_is_owed_the_warning(
    service: ServiceProcess, tools: Tools
) -> None:
    tray = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from guard.service.client import ServiceClient\n"
            "import time\nc = ServiceClient.connect('tray')\nc.request('subscribe')\n"
            "print('ready', flush=True)\ntime.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert tray.stdout is not None and tray.stdout.readline().strip() == "ready"
    tray.kill()
    tray.wait(timeout=5)
    service.wait_event("error", timeout=5)  # "... closed without Quit (killed or crashed)"
    tool = tools.start("anydesk")
    frozen = service.wait_event("frozen", pid=tool.pid)
    assert wait_for(lambda: is_stopped(tool.pid))
    got: list[dict[str, Any]] = []
    with contextlib.closing(ServiceClient.connect("tray", on_event=got.append)) as later:
        assert later.request("subscribe")["owed"] >= 1
        owed = wait_for(
            lambda: [m for m in got if m.get("owed") and m["incident"]["id"] == frozen["incident"]]
        )
    assert owed[0]["incident"]["state"] == "frozen"


def test_a_service_held_still_for_two_seconds_journals_the_gap_and_freezes_what_started(
    service: ServiceProcess, tools: Tools
) -> None:
    os.kill(service.proc.pid, signal.SIGSTOP)
    try:
        tool = tools.start("anydesk")
        threading.Event().wait(2.0)  # the pause under test: the service is held for 2 s
    finally:
        os.kill(service.proc.pid, signal.SIGCONT)
    gap = service.wait_event("protection-off", timeout=10)
    assert gap["seconds"] >= 1.5 and "paused from outside" in gap["message"]
    service.wait_event("frozen", pid=tool.pid)
    assert wait_for(lambda: is_stopped(tool.pid))


def test_systemd_hears_ready_then_a_watchdog_beat_that_stops_while_the_service_is_held(
    shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the .deb's unit relies on (Type=notify, WatchdogSec=): READY=1 once it takes
    clients, WATCHDOG=1 every second, none while it is held still (systemd would kill and
    restart it), STOPPING=1 at the end."""
    heard: list[str] = []
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as systemd:
        systemd.bind(str(shared / "notify"))
        systemd.settimeout(0.2)

        def listen() -> bool:
            try:
                heard.append(systemd.recv(256).decode())
            except TimeoutError:
                return False
            return True

        def beats() -> int:
            listen()
            return heard.count("WATCHDOG=1")

        monkeypatch.setenv("NOTIFY_SOCKET", str(shared / "notify"))
        monkeypatch.setenv("WATCHDOG_USEC", "10000000")
        started = ServiceProcess("--only-under", str(shared), "--no-exec-gate")
        try:
            wait_for(lambda: beats() >= 2, timeout=30, message="watchdog beats")
            # READY once it takes clients (a first beat may come before it on a busy machine).
            wait_for(lambda: (listen() or True) and "READY=1" in heard, timeout=10)
            assert _answers()
            os.kill(started.proc.pid, signal.SIGSTOP)
            wait_for(lambda: is_stopped(started.proc.pid), timeout=5)
            while listen():  # what it said before it was stopped
                pass
            held = heard.count("WATCHDOG=1")
            for _ in range(10):  # 2 s held still: not one beat
                listen()
            assert heard.count("WATCHDOG=1") == held
            os.kill(started.proc.pid, signal.SIGCONT)
            wait_for(lambda: beats() > held, timeout=10, message="beats after resuming")
            started.stop(signal.SIGTERM)
            wait_for(lambda: (listen() or True) and "STOPPING=1" in heard, timeout=5)
        finally:
            if started.proc.poll() is None:
                os.kill(started.proc.pid, signal.SIGCONT)
                started.stop(signal.SIGTERM)


def test_a_killed_or_stopped_service_leaves_the_gap_on_record_at_its_next_start(
    shared: Path,
) -> None:
    first = ServiceProcess("--only-under", str(shared))
    first.wait_event("started", timeout=20)
    wait_for(lambda: health.read(Path(os.environ[paths.ENV_HOME]) / "service"))
    first.stop(signal.SIGKILL)
    second = ServiceProcess("--only-under", str(shared))
    try:
        gap = second.wait_event("protection-off", timeout=20)
        assert "killed or crashed" in gap["message"] and gap["notice"] is True
        second.wait_event("started", timeout=20)
    finally:
        second.stop(signal.SIGTERM)
    third = ServiceProcess("--only-under", str(shared))
    try:
        gap = third.wait_event("protection-off", timeout=20)
        assert "was stopped (SIGTERM)" in gap["message"]
    finally:
        third.stop(signal.SIGTERM)


def test_service_check_journals_a_stopped_service_once(shared: Path) -> None:
    from tests.conftest import run_cli

    first = run_cli("service", "check")
    assert first.returncode == 1 and "not running" in first.stderr
    again = run_cli("service", "check")
    assert again.returncode == 1
    assert len(_journal_events("protection-off")) == 1


def test_block_from_the_command_line_goes_through_the_service(
    service: ServiceProcess, tools: Tools
) -> None:
    tool = tools.start("anydesk")
    frozen = service.wait_event("frozen", pid=tool.pid)
    done = run_cli("block", frozen["incident"])
    assert done.returncode == 0, done.stderr
    assert "was removed" in done.stdout
    assert wait_for(lambda: tool.poll() is not None)
    refused = run_cli("block", "00000000")
    assert refused.returncode == 2 and "00000000" in refused.stderr


def test_the_tray_shows_the_services_owed_warning_removes_through_it_and_says_when_it_was_off(
    qtbot, service: ServiceProcess, tools: Tools
) -> None:
    tool = tools.start("anydesk")  # frozen by the service while no window is open
    service.wait_event("frozen", pid=tool.pid)
    app = TrayApp(AppOptions(use_tray=False, allow_wait=30))
    qtbot.addWidget(app.status_window)
    app.start()
    try:
        qtbot.waitUntil(lambda: app.running, timeout=10_000)
        assert isinstance(app.guard, RemoteGuard)
        assert paths.following_service_updates()  # the service's signatures and numbers
        assert app.alerts is not None
        qtbot.waitUntil(lambda: app.alerts.window is not None, timeout=10_000)  # owed
        window = app.alerts.window
        assert "AnyDesk" in window.caught_label.text()
        qtbot.mouseClick(window.remove_button, Qt.MouseButton.LeftButton)
        assert wait_for(lambda: tool.poll() is not None, timeout=10)  # killed by the service
        service.wait_event("blocked")
        history = app.open_window("history")
        assert any(e["tool"] == "anydesk" for e in history.entries)  # the service's record
        with qtbot.waitSignal(app.update_done, timeout=30_000) as asked:  # the service's
            app.check_updates()
        assert "no update feed is set up" in asked.args[0]

        os.kill(service.proc.pid, signal.SIGSTOP)
        try:
            threading.Event().wait(2.0)  # the pause under test
        finally:
            os.kill(service.proc.pid, signal.SIGCONT)
        qtbot.waitUntil(
            lambda: any("switched off" in b.windowTitle() for b in app.boxes), timeout=10_000
        )
        said = next(b for b in app.boxes if "switched off" in b.windowTitle()).text()
        assert "was not protecting this computer" in said and "it is a scam" in said

        service.stop(signal.SIGTERM)
        qtbot.waitUntil(lambda: not app.running, timeout=10_000)
        assert "not answering" in app.reason
    finally:
        app.stop("test over")
    assert not paths.following_service_updates()


def test_trust_is_the_services_and_only_an_administrator_changes_it(
    service: ServiceProcess, tools: Tools, person: pwd.struct_passwd
) -> None:
    script = "--yes-i-am-not-on-the-phone"
    as_person = _run_as(person, "-m", "guard", "trust", "add", "anydesk", script)
    assert as_person.returncode == 2 and "administrator" in as_person.stderr
    done = run_cli("trust", "add", "anydesk", "--note", "my son's", script)
    assert done.returncode == 0, done.stderr
    assert "every account" in done.stdout
    assert "anydesk" in run_cli("trust", "list").stdout
    trusted = wait_for(lambda: _journal_events("trusted"), timeout=5)
    assert "by root" in json.dumps(trusted)  # who did it is in the journal
    tool = tools.start("anydesk")
    allowed = service.wait_event("allowed", scope="trusted")
    assert service.wait_event("detected", pid=tool.pid)["incident"] == allowed["incident"]
    assert not is_stopped(tool.pid)
    assert run_cli("trust", "remove", "anydesk").returncode == 0


STATUS_AND_BLOCK = """
target = [v for v in c.request("status")["incidents"]]
answers["seen"] = [(v["tool"], v["owner"]) for v in target]
answers["block"] = c.request("decide", incident="{incident}", action="block")
answers["allow"] = c.request("decide", incident="{own}", action="allow", nobody_on_phone=True)
"""


def test_each_persons_tool_is_their_own_incident_and_theirs_alone_to_decide(
    service: ServiceProcess, tools: Tools, people: list[pwd.struct_passwd]
) -> None:
    ann, bob = people
    anns = tools.start("anydesk", as_user=ann)
    bobs = tools.start("anydesk", as_user=bob)
    first = service.wait_event("frozen", pid=anns.pid)
    second = service.wait_event("frozen", pid=bobs.pid)
    assert first["incident"] != second["incident"]  # one incident per tool and person
    body = STATUS_AND_BLOCK.format(incident=second["incident"], own=first["incident"])
    answers = _as(ann, CLIENT.format(body=body))
    assert answers["seen"] == [["anydesk", ann.pw_name]]  # Bob's is not shown to Ann
    assert answers["block"]["ok"] is False and "not yours" in answers["block"]["message"]
    assert is_stopped(bobs.pid), "Ann cannot remove Bob's"
    # A script of Ann's, with no window of hers ever showing the warning, cannot allow it.
    assert answers["allow"]["ok"] is False and "screen" in answers["allow"]["message"]
    assert is_stopped(anns.pid)


def test_a_flood_of_connections_from_one_account_never_locks_the_others_out(
    service: ServiceProcess, person: pwd.struct_passwd
) -> None:
    flood = _as(person, """
import json, socket
from guard.state import paths
held = []
for _ in range(40):
    s = socket.socket(socket.AF_UNIX)
    s.connect(paths.service_endpoint())
    held.append(s)
closed = 0
for s in held:
    s.settimeout(10)
    try:
        while s.recv(65536):  # a refusal's reply, then the end; or the end at once
            pass
        closed += 1  # the service closed it
    except OSError:
        pass  # still open after 10 s: not closed
print(json.dumps({"closed": closed}))
""")  # fmt: skip
    # Beyond 8 refused at once; the silent ones closed after the hello deadline.
    assert flood["closed"] == 40
    with contextlib.closing(ServiceClient.connect()) as root:
        assert root.request("status")["ok"] is True


def test_a_flood_of_bad_requests_is_counted_not_written_down_one_by_one(
    service: ServiceProcess,
) -> None:
    with contextlib.closing(ServiceClient.connect()) as client:
        for _ in range(100):
            client.request("decide", incident="00000000", action="block")
    refused = _journal_events("refused")
    assert 20 <= len(refused) <= 22, len(refused)


def test_a_window_waits_for_an_installed_service_and_protects_once_it_answers(
    qtbot, shared: Path, tools: Tools
) -> None:
    state = Path(os.environ[paths.ENV_HOME]) / "service"
    state.mkdir(parents=True)
    health.write(state, health.Record("stopped", 1, 0.0, 0.0, "installed", 0.0, "0"))
    app = TrayApp(AppOptions(use_tray=False))
    qtbot.addWidget(app.status_window)
    app.start()
    try:
        assert isinstance(app.guard, RemoteGuard), "no guard of its own: it waits"
        qtbot.waitUntil(lambda: "not answering" in app.reason, timeout=10_000)
        assert not app.running
        started = ServiceProcess("--only-under", str(shared))
        try:
            started.wait_event("started", timeout=20)
            qtbot.waitUntil(lambda: app.running, timeout=15_000)
        finally:
            started.stop(signal.SIGTERM)
    finally:
        app.stop("test over")
