"""``scamguard watch`` as a person or a script runs it: a real subprocess, real tools."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from guard import cli
from guard.commands import decide
from guard.instance import GuardInstance
from guard.state import paths
from tests.conftest import REPO, Spawner, run_cli
from tests.guard_rig import is_stopped, status
from tests.helpers import ON_WINDOWS, wait_for


class WatchProcess:
    """``python -m guard watch --json`` confined to the test's folders, its events parsed."""

    COMMAND = ("watch", "--json", "--no-default-dirs")

    def __init__(self, *args: str, cwd: Path = REPO, launcher: list[str] | None = None):
        cmd = [sys.executable, "-m", "guard", *self.COMMAND, *args]
        self.proc = subprocess.Popen(
            [*(launcher or []), *cmd],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
        )
        self.launched = launcher is not None
        self.events: list[dict[str, Any]] = []
        self.stderr = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.events.append(json.loads(line))

    def wait_event(self, kind: str, timeout: float = 10.0, **fields: Any) -> dict[str, Any]:
        def found() -> dict[str, Any] | None:
            if self.proc.poll() is not None and self._reader.is_alive() is False:
                raise AssertionError(f"watch exited: {self.proc.stderr.read()}")  # type: ignore[union-attr]
            for event in list(self.events):
                if event["event"] == kind and all(event.get(k) == v for k, v in fields.items()):
                    return event
            return None

        return wait_for(found, timeout=timeout, message=f"{kind} {fields}")

    def stop(self, sig: int = signal.SIGINT) -> int:
        """Signal the guard (under a launcher, the launcher's child) and wait for it. On
        Windows there is no signal to send another console's program: it is ended
        (TerminateProcess, as Task Manager's "End task")."""
        if self.proc.poll() is None and ON_WINDOWS:
            for child in psutil.Process(self.proc.pid).children():  # under a launcher
                child.kill()
            self.proc.kill()
        elif self.proc.poll() is None:
            for child in psutil.Process(self.proc.pid).children():
                child.send_signal(sig)
            if sig == signal.SIGKILL or not self.launched:
                self.proc.send_signal(sig)
        code = self.proc.wait(timeout=15)
        self._reader.join(timeout=5)
        assert self.proc.stderr is not None
        self.stderr = self.proc.stderr.read()
        return code


@pytest.fixture
def watch(spawn: Spawner, downloads: Path) -> Iterator[WatchProcess]:
    w = WatchProcess("--only-under", str(spawn.root), "--dirs", str(downloads), "--interval", "20")
    w.wait_event("started")
    yield w
    w.stop(KILL)


KILL = getattr(signal, "SIGKILL", signal.SIGTERM)  # Windows has no SIGKILL: stop() ends it
NOT_ON_THE_PHONE = "--yes-i-am-not-on-the-phone"  # these tests are scripts: no terminal
REQUIRED = {"event", "time", "incident", "tool", "name", "pid", "path", "message"}


def test_events_are_json_lines_with_the_documented_fields(
    watch: WatchProcess, spawn: Spawner, downloads: Path
) -> None:
    started = watch.events[0]
    assert started["event"] == "started" and started["on_detect"] == "freeze"
    assert started["source"] in ("proc-connector", "polling")
    assert started["folders"][0]["state"] == "watching"
    tool = spawn.start("anydesk")
    frozen = watch.wait_event("frozen", pid=tool.pid)
    assert is_stopped(tool.pid)
    part = downloads / "TeamViewer_Setup.exe.crdownload"
    shutil.copy(spawn.binary("anydesk"), part)
    part.rename(downloads / "TeamViewer_Setup.exe")
    installer = watch.wait_event("installer", tool="teamviewer")
    for event in (watch.events[1], frozen, installer):
        assert set(event) >= REQUIRED, event
    assert frozen["incident"] and frozen["tool"] == "anydesk"
    assert installer["path"] == str(downloads / "TeamViewer_Setup.exe")
    assert frozen["incident"] != installer["incident"]  # two tools, two incidents


def test_ctrl_c_exits_cleanly_and_leaves_tools_frozen(watch: WatchProcess, spawn: Spawner) -> None:
    tool = spawn.start("anydesk")
    watch.wait_event("frozen", pid=tool.pid)
    assert watch.stop(signal.SIGINT) == 0
    assert "Traceback" not in watch.stderr
    # No service in a test home: the person is told this guard can be stopped by one command.
    assert "running without tamper protection" in watch.stderr
    assert watch.events[-1]["event"] == "stopped" and watch.events[-1]["frozen"]
    assert is_stopped(tool.pid)


def test_journal_survives_kill_9_and_history_shows_it(watch: WatchProcess, spawn: Spawner) -> None:
    tool = spawn.start("anydesk")
    frozen = watch.wait_event("frozen", pid=tool.pid)
    # The journal writes a moment after the event is printed; wait until it is there.
    wait_for(lambda: '"frozen"' in run_cli("history", "--json").stdout, message="the journal entry")
    watch.stop(KILL)
    result = run_cli("history", "--json")
    assert result.returncode == 0, result.stderr
    history = json.loads(result.stdout)
    [incident] = history["incidents"]
    assert incident["incident"] == frozen["incident"] and incident["state"] == "frozen"
    assert [e["event"] for e in incident["events"]][:2] == ["detected", "frozen"]
    # And a new guard starts on the same journal without complaint.
    again = WatchProcess("--only-under", str(spawn.root))
    try:
        again.wait_event("started")
    finally:
        again.stop()
    assert "journal" not in again.stderr
    human = run_cli("history")
    assert "AnyDesk: frozen" in human.stdout and "AnyDesk is frozen" in human.stdout


def test_kill_mode_and_log_mode_from_the_command_line(spawn: Spawner) -> None:
    killer = WatchProcess("--only-under", str(spawn.root), "--on-detect", "kill")
    try:
        killer.wait_event("started")
        tool = spawn.start("anydesk")
        blocked = killer.wait_event("blocked")
        assert blocked["killed"] == [tool.pid]
        wait_for(lambda: status(tool.pid) in ("gone", "zombie"), message="the kill")
    finally:
        killer.stop()
    logger = WatchProcess("--only-under", str(spawn.root), "--on-detect", "log")
    try:
        logger.wait_event("started")
        tool = spawn.start("teamviewer")
        logger.wait_event("detected", pid=tool.pid)
        assert not is_stopped(tool.pid)
    finally:
        logger.stop()
    assert not [e for e in logger.events if e["event"] == "frozen"]


def test_guard_never_freezes_the_program_that_started_it(spawn: Spawner) -> None:
    # A program named "anydesk" runs the guard: the guard's own parent is a "tool". On
    # POSIX a copy of sh; on Windows the stand-in tool's `--run` (tests/wine-lane/stubs).
    launcher = spawn.binary("anydesk")
    if ON_WINDOWS:
        runs = [str(launcher), "--run"]
    else:
        shutil.copy("/bin/sh", launcher)
        runs = [str(launcher), "-c", '"$@"; true', "sh"]  # the guard's command follows
    w = WatchProcess("--only-under", str(spawn.root), cwd=REPO, launcher=runs)
    try:
        error = w.wait_event("error", tool="anydesk")
        assert "started ScamGuard" in error["message"]
        assert not is_stopped(w.proc.pid)
        tool = spawn.start("teamviewer")  # and the guard keeps guarding
        w.wait_event("frozen", pid=tool.pid)
        assert not is_stopped(w.proc.pid)
    finally:
        code = w.stop(signal.SIGTERM)
    assert ON_WINDOWS or code == 0  # Windows ends it from outside: no clean exit code


def test_trusted_tool_is_recorded_not_frozen(spawn: Spawner) -> None:
    assert run_cli("trust", "add", "teamviewer", "--note", "Dad", NOT_ON_THE_PHONE).returncode == 0
    w = WatchProcess("--only-under", str(spawn.root))
    try:
        w.wait_event("started")
        tool = spawn.start("teamviewer")
        allowed = w.wait_event("allowed", tool="teamviewer")
        assert allowed["scope"] == "trusted" and not is_stopped(tool.pid)
        other = spawn.start("anydesk")
        w.wait_event("frozen", pid=other.pid)
    finally:
        w.stop()
    listed = json.loads(run_cli("trust", "list", "--json").stdout)
    assert listed["trusted"]["teamviewer"]["note"] == "Dad"
    assert run_cli("trust", "add", "no-such-tool").returncode == 2
    assert run_cli("trust", "remove", "teamviewer").returncode == 0
    history = json.loads(run_cli("history", "--json").stdout)
    assert [e["event"] for e in history["other"] if e["event"] == "trusted"] == ["trusted"] * 2


def test_quarantine_commands(tmp_path: Path, downloads: Path, spawn: Spawner) -> None:
    w = WatchProcess(
        "--only-under", str(spawn.root), "--dirs", str(downloads), "--on-detect", "kill"
    )
    try:
        w.wait_event("started")
        part = downloads / "AnyDesk.exe.part"
        shutil.copy("/bin/sleep", part)
        part.rename(downloads / "AnyDesk.exe")
        blocked = w.wait_event("blocked")
    finally:
        w.stop()
    [record] = blocked["quarantined"]
    assert not (downloads / "AnyDesk.exe").exists()
    listed = run_cli("quarantine", "list", "--json")
    assert json.loads(listed.stdout)["items"][0]["id"] == record["id"]
    (downloads / "AnyDesk.exe").write_text("something else now")
    clash = run_cli("quarantine", "restore", record["id"])
    assert clash.returncode == 2 and "already exists" in clash.stderr
    other = tmp_path / "restored.exe"
    done = run_cli("quarantine", "restore", record["id"], "--to", str(other))
    assert done.returncode == 0, done.stderr
    assert other.read_bytes() == Path("/bin/sleep").read_bytes()
    assert run_cli("quarantine", "list").returncode == 1
    assert run_cli("quarantine", "restore", "nope").returncode == 2
    history = json.loads(run_cli("history", "--json").stdout)
    kinds = [e["event"] for i in history["incidents"] for e in i["events"]]
    assert kinds[-1] == "restored"


def test_history_when_empty_and_with_a_damaged_journal() -> None:
    empty = run_cli("history")
    assert empty.returncode == 1 and "Nothing recorded" in empty.stdout
    state = paths.state_dir()
    state.mkdir(parents=True, exist_ok=True)
    (state / "journal.db").write_bytes(b"garbage" * 1000)
    damaged = run_cli("history")
    assert damaged.returncode == 2
    assert damaged.stderr.count("\n") == 1 and "cannot be read" in damaged.stderr


def test_watch_rejects_bad_options(tmp_path: Path) -> None:
    assert run_cli("watch", "--interval", "5").returncode == 2
    assert run_cli("watch", "--on-detect", "ignore").returncode == 2
    bad = run_cli("watch", "--only-under", str(tmp_path / "missing"))
    assert bad.returncode == 2 and "no such folder" in bad.stderr


def test_block_and_allow_reach_the_running_guard(
    watch: WatchProcess, spawn: Spawner, downloads: Path
) -> None:
    tool = spawn.start_shell("anydesk", "sleep 30 & wait")
    frozen = watch.wait_event("frozen", pid=tool.pid)
    allowed = run_cli("allow", frozen["incident"], "--for", "30m", NOT_ON_THE_PHONE)
    assert allowed.returncode == 0, allowed.stderr
    assert "allowed for 30 minutes" in allowed.stdout
    wait_for(lambda: not is_stopped(tool.pid), message="the tool to resume")
    event = watch.wait_event("allowed")
    assert event["scope"] == "for" and event["expires"]
    blocked = run_cli("block", frozen["incident"], "--json")
    assert blocked.returncode == 0, blocked.stderr
    assert json.loads(blocked.stdout)["state"] == "done"
    wait_for(lambda: status(tool.pid) in ("gone", "zombie"), message="the tool to be killed")
    again = run_cli("allow", frozen["incident"], NOT_ON_THE_PHONE)
    assert again.returncode == 2 and "already been removed" in again.stderr
    unknown = run_cli("block", "feedbeef")
    assert unknown.returncode == 2 and "no open incident" in unknown.stderr
    assert run_cli("allow", frozen["incident"], "--for", "forever").returncode == 2


def test_a_decision_with_no_guard_running_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["block", "abcd1234"]) == 2
    assert "ScamGuard is not running" in capsys.readouterr().err
    # A guard that holds the lock but never answers (hung): the request is withdrawn, so
    # a guard started later never acts on a stale decision.
    monkeypatch.setattr(decide, "ANSWER_TIMEOUT", 0.3)
    hung = GuardInstance()
    try:
        assert cli.main(["block", "abcd1234"]) == 2
        assert "did not answer" in capsys.readouterr().err
    finally:
        hung.release()
    conn = sqlite3.connect(paths.state_dir() / "journal.db")
    assert conn.execute("SELECT state FROM requests").fetchall() == [("withdrawn",)]
    conn.close()


def test_only_one_guard_runs_per_user(watch: WatchProcess) -> None:
    second = run_cli("watch", "--no-default-dirs")
    assert second.returncode == 2
    assert "already running" in second.stderr and str(watch.proc.pid) in second.stderr
