"""A ScamGuard home that cannot be used (a file where the folder should be, a read-only
disk, a folder the user cannot enter) is one line, then the guard protects as usual with its
state in a private temporary folder, and the one-guard lock still holds.

Tests run as root, for whom permission bits do not bite, so each case uses something that
does: a regular file where the home folder should be (ENOTDIR), a tmpfs mounted read-only
(EROFS), and a chmod 0 home looked at from a forked child that has switched to the
unprivileged ``nobody`` user (the venv's interpreter lives under /root, which nobody cannot
enter, so the child is forked, not exec'd).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from guard.instance import AlreadyRunning, GuardInstance, is_running, lock_dir
from guard.state import paths
from guard.state.events import GuardEvent
from guard.state.journal import read, record_now
from guard.state.paths import journal_path
from tests.child_output import Watching
from tests.conftest import REPO, Spawner, run_cli
from tests.helpers import END_TASK_EXIT_CODE, ON_WINDOWS, mounted_tmpfs, wait_for


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temp folder for this test alone (TMPDIR for children, tempfile here), so every
    temporary state folder and runtime folder the test makes is cleaned up with it."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def home_is_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    blocker = tmp_path / "home-file"
    blocker.write_text("a file where the ScamGuard folder should be")
    monkeypatch.setenv(paths.ENV_HOME, str(blocker))
    return blocker


@pytest.fixture
def watching(home_is_a_file: Path, private_tmp: Path, spawn: Spawner) -> Iterator[Watching]:
    guard = Watching(spawn.root, REPO)
    try:
        yield guard
    finally:
        guard.stop()


def test_watch_with_a_file_for_a_home_says_one_line_and_keeps_guarding(
    watching: Watching, spawn: Spawner, private_tmp: Path
) -> None:
    proc, out, err = watching.proc, watching.out, watching.err
    err.wait("watching for")
    [said] = [line for line in err.lines if "cannot be used" in line]
    temporary = Path(re.fullmatch(r".* the temporary folder (\S+) until it is fixed", said)[1])
    assert said == (
        f"scamguard: the ScamGuard folder {paths.configured_state_dir()} cannot be used (a "
        "file stands where a folder should be); guarding anyway, with the journal and "
        f"quarantine in the temporary folder {temporary} until it is fixed"
    )
    assert not any("Traceback" in line for line in err.lines)
    assert temporary.parent == private_tmp and temporary.name.startswith("scamguard-state-")
    if not ON_WINDOWS:  # Windows keeps it private by the user's own temp folder's ACL
        assert stat.S_IMODE(temporary.stat().st_mode) == 0o700
    # It still protects: a tool started now is frozen.
    tool = spawn.start("anydesk")
    out.wait(f"AnyDesk is frozen (pids {tool.pid}")
    # One guard still: a second one, with the same broken home, agrees on the lock.
    second = run_cli("watch", "--no-default-dirs")
    assert second.returncode == 2, second.stderr
    assert "already running" in second.stderr and str(proc.pid) in second.stderr
    assert "Traceback" not in second.stderr
    # And the other commands find the guard's journal in the temporary folder.
    wait_for(lambda: '"frozen"' in run_cli("history", "--json").stdout, timeout=30)
    history = json.loads(run_cli("history", "--json").stdout)
    assert history["journal"] == str(temporary / "journal.db")
    kinds = [e["message"] for e in history["other"] if e["event"] == "error"]
    assert any("cannot be used" in m for m in kinds)
    assert watching.stop() == (END_TASK_EXIT_CODE if ON_WINDOWS else 0)  # Ctrl-C: exit 0


@pytest.fixture
def read_only_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A state folder on a really read-only file system (a tmpfs mounted ``ro``)."""
    state = tmp_path / "home" / "state"
    state.mkdir(parents=True)
    with mounted_tmpfs(state, "ro,size=64k"):
        monkeypatch.setenv(paths.ENV_HOME, str(tmp_path / "home"))
        yield state


def test_a_read_only_state_folder_falls_back_and_the_lock_still_holds(
    read_only_state: Path, private_tmp: Path
) -> None:
    assert paths.state_dir() != read_only_state
    assert "(read-only file system)" in paths.fallback_reason()
    temporary = paths.state_dir()
    assert temporary.parent == private_tmp
    assert stat.S_IMODE(temporary.stat().st_mode) == 0o700
    shared = lock_dir()
    assert shared.parent == private_tmp and shared.name.startswith(f"scamguard-{os.getuid()}-")
    guard = GuardInstance()
    try:
        assert guard.warnings[0] == paths.fallback_reason()
        assert (shared / "guard.lock").exists() and is_running()
        with pytest.raises(AlreadyRunning):
            GuardInstance()
        # Another process of this user agrees on both the lock and the temporary folder.
        other = run_cli("watch", "--no-default-dirs")
        assert other.returncode == 2 and "already running" in other.stderr
        record_now(journal_path(), [GuardEvent("error", "written here")], print)
        assert [r["message"] for r in read(temporary / "journal.db")] == ["written here"]
        assert "written here" in run_cli("history").stdout
    finally:
        guard.release()


def test_an_unreadable_home_falls_back_for_an_ordinary_user() -> None:
    """chmod 0 bites only for someone who is not root: a forked child becomes nobody."""
    if not hasattr(os, "fork") or os.geteuid() != 0:
        pytest.skip("needs root and fork to become another user")
    import pwd

    nobody = pwd.getpwnam("nobody")
    base = Path(tempfile.mkdtemp(prefix="scamguard-unreadable-", dir="/tmp"))
    try:
        os.chmod(base, 0o755)
        locked_home = base / "home"
        (locked_home / "state").mkdir(parents=True)
        locked_home.chmod(0)
        scratch = base / "tmp"
        scratch.mkdir()
        os.chown(scratch, nobody.pw_uid, nobody.pw_gid)
        answer = _as_nobody(nobody, locked_home, scratch)
    finally:
        (base / "home").chmod(0o700)
        shutil.rmtree(base)
    assert answer["reason"].startswith(
        f"the ScamGuard folder {locked_home / 'state'} cannot be used (permission denied); "
        "guarding anyway"
    )
    assert Path(answer["state"]).parent == scratch
    assert answer["mode"] == 0o700 and answer["uid"] == nobody.pw_uid
    assert answer["running"] and answer["refused"]


def _as_nobody(nobody: Any, locked_home: Path, scratch: Path) -> dict:
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            os.close(reader)
            os.setgid(nobody.pw_gid)
            os.setgroups([])
            os.setuid(nobody.pw_uid)
            os.environ[paths.ENV_HOME] = str(locked_home)
            tempfile.tempdir = str(scratch)
            guard = GuardInstance()
            try:
                GuardInstance()
                refused = False
            except AlreadyRunning:
                refused = True
            state = paths.state_dir()
            answer = {
                "reason": paths.fallback_reason(),
                "state": str(state),
                "mode": stat.S_IMODE(state.stat().st_mode),
                "uid": state.stat().st_uid,
                "running": is_running(),
                "refused": refused,
            }
            guard.release()
            os.write(writer, json.dumps(answer).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(writer)
    with os.fdopen(reader, "rb") as fh:
        data = fh.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, data
    return json.loads(data)
