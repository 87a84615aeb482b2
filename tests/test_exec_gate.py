"""The exec gate (issue 15): a known tool is refused by the kernel before it runs.

Real fanotify, real execs of real files in temp folders. On this shared machine a test never
marks a whole mount: every gate here marks its own temp folder (folder-mark mode). Needs
root and a kernel with fanotify exec permission events; skipped with the reason otherwise.
"""

from __future__ import annotations

import ast
import contextlib
import errno
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from guard.engine.engine import Engine
from guard.engine.incidents import AllowScope
from guard.engine.quarantine import Quarantine
from guard.identify.evidence import Evidence, Identification
from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex
from guard.live import GuardOptions, LiveGuard
from guard.platform import fanotify
from guard.platform.fanotify import Fanotify, FanotifyUnavailable, exec_mounts
from guard.sigdb.loader import load_database
from guard.state.events import GuardEvent
from guard.watch.exec_gate import ExecGate
from tests.conftest import Spawner
from tests.guard_rig import is_stopped
from tests.helpers import tool_toml, wait_for, write_database

NO_FANOTIFY = fanotify.unavailable_reason()
needs_fanotify = pytest.mark.skipif(NO_FANOTIFY is not None, reason=f"{NO_FANOTIFY}")


# --- helpers ---


class _Guard:
    """A LiveGuard with the exec gate on, confined to ``root`` (so the gate marks that
    folder and its subfolders, never a mount), its events collected."""

    def __init__(self, identifier: Identifier, root: Path, folders: list[Path] | None = None):
        options = GuardOptions(
            interval=0.02,
            default_folders=False,
            extra_folders=folders or [],
            only_under=root,
            watch_switches=False,
            exec_gate=True,
        )
        self.guard = LiveGuard(identifier, options)
        self.engine = self.guard.engine
        self.events: list[GuardEvent] = []
        self._lock = threading.Lock()
        self.engine.add_listener(self._collect)

    def _collect(self, event: GuardEvent, _view: Any) -> None:
        with self._lock:
            self.events.append(event)

    def matching(self, kind: str) -> list[GuardEvent]:
        with self._lock:
            return [e for e in self.events if e.kind == kind]

    def wait_event(self, kind: str, timeout: float = 5.0) -> GuardEvent:
        def found() -> GuardEvent | None:
            hits = self.matching(kind)
            return hits[0] if hits else None

        try:
            event = wait_for(found, timeout=timeout, message=f"a {kind} event")
        except AssertionError as exc:
            with self._lock:
                seen = "\n".join(f"  {e.kind}: {e.message}" for e in self.events[-20:])
            raise AssertionError(f"{exc}; the guard's last events:\n{seen}") from None
        assert event is not None
        return event


@contextlib.contextmanager
def _guarded(identifier: Identifier, root: Path, **kw: Any) -> Iterator[_Guard]:
    g = _Guard(identifier, root, **kw)
    g.guard.start()
    try:
        yield g
    finally:
        g.guard.stop()


def _unique_program(path: Path) -> str:
    """A copy of /bin/sleep with bytes of its own appended (it still runs): its hash is this
    test's alone, so no real program on the machine matches. Returns the hash."""
    data = Path("/bin/sleep").read_bytes() + os.urandom(16)
    path.write_bytes(data)
    path.chmod(0o755)
    return hashlib.sha256(data).hexdigest()


def _content_identifier(tmp_path: Path, digest: str) -> Identifier:
    """A database whose one tool is known only by the hash of its program file."""
    root = write_database(
        tmp_path / "db",
        {"demo-tool": tool_toml("demo-tool", "Demo Tool", f'[hashes]\nsha256 = ["{digest}"]\n')},
    )
    return Identifier(SignatureIndex(load_database(root)), os_name="linux", env={})


def _refused(argv: list[str]) -> bool:
    """Exec ``argv``: True when the kernel refused it (EPERM), False when it ran to the end."""
    try:
        subprocess.run(argv, check=False, timeout=30)
    except PermissionError as exc:
        assert exc.errno == errno.EPERM
        return True
    return False


def _start(spawn: Spawner, path: Path, *args: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([str(path), *args])
    spawn.children.append(proc)
    return proc


def _real(path: Path) -> str:
    return os.path.realpath(path)


# --- the platform layer ---


def test_exec_mounts_skip_noexec_and_pseudo_file_systems_and_unescape_names() -> None:
    text = (
        "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
        "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
        "30 27 0:27 / /dev/shm rw,nosuid,nodev,noexec - tmpfs tmpfs rw\n"
        "31 27 0:28 / /media/my\\040disk rw,relatime shared:1 - vfat /dev/sdb1 rw\n"
        "32 27 0:29 / /tmp rw,nosuid - tmpfs tmpfs rw\n"
        "33 27 0:30 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"
        "34 27 0:31 / /home/ann/remote rw - fuse.sshfs ann@host: rw\n"
        "35 27 0:32 / /mnt/nas rw - nfs4 nas:/share rw\n"
        "36 27 0:33 / /mnt/win rw - cifs //pc/c rw\n"
        "garbage line\n"
    )
    # Network and FUSE mounts are never marked: their files can keep an exec waiting.
    assert exec_mounts(text) == ["/", "/media/my disk", "/tmp"]


def test_a_record_of_an_unknown_layout_is_refused_after_the_good_ones() -> None:
    good = fanotify.EVENT.pack(24, 3, 0, 24, fanotify.FAN_OPEN_EXEC_PERM, 7, 42)
    bad = fanotify.EVENT.pack(24, 2, 0, 24, fanotify.FAN_OPEN_EXEC_PERM, 8, 43)
    with pytest.raises(fanotify.FanotifyError) as caught:
        fanotify.parse_events(good + bad)
    assert [(e.fd, e.pid, e.needs_answer) for e in caught.value.events] == [(7, 42, True)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fanotify is Linux's")
def test_without_root_fanotify_is_refused_with_a_one_line_reason() -> None:
    if os.geteuid() != 0:
        with pytest.raises(FanotifyUnavailable, match="needs root"):
            Fanotify.open()
        return
    probe = (
        "from guard.platform.fanotify import Fanotify, FanotifyUnavailable\n"
        "try:\n    Fanotify.open()\nexcept FanotifyUnavailable as exc:\n    print(exc)\n"
    )

    def as_nobody() -> None:
        os.setgid(65534)
        os.setuid(65534)

    try:
        result = subprocess.run(
            [sys.executable, "-c", probe],
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
            preexec_fn=as_nobody,
            check=False,
        )
    except PermissionError as exc:
        pytest.skip(f"this Python cannot be run as nobody here ({exc})")
    if result.returncode != 0:
        pytest.skip(f"cannot run Python as nobody here: {result.stderr.strip()[-200:]}")
    assert "needs root" in result.stdout and len(result.stdout.strip().splitlines()) == 1


def test_the_guard_never_execs_through_posix_spawn() -> None:
    """CPython's os.posix_spawn holds the GIL while the kernel holds the child's exec for
    the gate's answer, and the gate's thread needs the GIL to answer: one such call in the
    guard's process would stop every exec on the marked mounts for good."""
    root = Path(__file__).resolve().parent.parent
    offenders = []
    for path in [*(root / "guard").rglob("*.py"), *(root / "ui").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("posix_spawn", "posix_spawnp"):
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []


# --- the engine's question: lock-free, the same exemptions as a freeze ---


def test_a_system_program_or_a_name_alone_in_a_system_folder_is_never_refused(
    tmp_path: Path, identifier: Identifier
) -> None:
    engine = Engine(Quarantine(tmp_path / "q"))
    try:
        anydesk = identifier.index.tools["anydesk"]
        by_name = Identification(
            "x", anydesk, (Evidence("name", "anydesk", "its name", "anydesk"),)
        )
        assert engine.exec_spared("/home/someone/Downloads/anydesk", by_name) is None
        # Only its name matches, in a system folder it does not declare: left to the
        # freeze's checks (which may ask dpkg); where its signature says it lives, refused.
        assert "system folder" in (engine.exec_spared("/usr/lib/x/anydesk", by_name) or "")
        assert engine.exec_spared("/usr/bin/anydesk", by_name) is None
        # A protected system program that is what it claims is never refused.
        assert engine.exec_spared("/usr/bin/bash", by_name) is not None
        # ...but a system name worn by a file elsewhere is a disguise.
        assert engine.exec_spared("/home/someone/bash", by_name) is None
        nothing = Identification("x", None, ())
        assert engine.exec_spared("/tmp/notes", nothing) is not None
    finally:
        engine.close()


# --- real execs, refused or let through ---


@needs_fanotify
def test_a_tool_is_refused_before_it_runs_and_opens_an_incident(
    identifier: Identifier, spawn: Spawner
) -> None:
    with _guarded(identifier, spawn.root) as g:
        tool = spawn.binary("anydesk")
        assert _refused([str(tool), "30"])
        event = g.wait_event("denied")
        assert event.tool == "anydesk" and event.path == _real(tool)
        view = g.engine.incident(event.incident or "")
        assert view.pending  # the warning shows, as for a freeze
        assert [f["how"] for f in view.files] == ["exec"]  # the program file, never run
        assert view.processes == ()
        assert g.guard.gate is not None and g.guard.gate.counts.denied == 1
        # Refused again and again: each refusal counted, the same program told once a second.
        assert _refused([str(tool), "30"])
        assert g.guard.gate.counts.denied == 2
        # Every exec waits for the gate's thread: it runs before ordinary programs.
        gate_thread = g.guard.gate._thread.native_id
        assert gate_thread is not None
        assert os.sched_getscheduler(gate_thread) == os.SCHED_FIFO
    started = next(e for e in g.events if e.kind == "started")
    assert "exec gate on" in started.data["exec_gate"]
    assert "real-time priority" in started.data["exec_gate"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux scheduling")
def test_the_gate_thread_falls_back_to_nice_when_real_time_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A unit with RestrictRealtime=, or no root: the gate thread still runs ahead (nice)."""
    from guard.watch import exec_gate

    def refused(*_args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    niced: list[tuple[int, int, int]] = []
    monkeypatch.setattr(exec_gate.os, "sched_setscheduler", refused, raising=False)
    monkeypatch.setattr(exec_gate.os, "setpriority", lambda *a: niced.append(a), raising=False)
    assert exec_gate.answer_first(4242) == "nice -10"
    assert niced == [(os.PRIO_PROCESS, 4242, -10)]
    assert exec_gate.answer_first(None) == "ordinary priority"


@needs_fanotify
def test_a_script_tool_never_runs_its_first_line(
    identifier: Identifier, spawn: Spawner, tmp_path: Path
) -> None:
    marker, control = tmp_path / "tool-ran", tmp_path / "notes-ran"
    script = spawn.root / "anydesk"
    script.write_text(f"#!/bin/sh\ntouch '{marker}'\n")
    script.chmod(0o755)
    same = spawn.root / "notes"  # the very same script under an ordinary name: it runs
    same.write_text(f"#!/bin/sh\ntouch '{control}'\n")
    same.chmod(0o755)
    with _guarded(identifier, spawn.root) as g:
        assert _refused([str(script)])
        g.wait_event("denied")
        assert not _refused([str(same)])
        assert control.exists()
    assert not marker.exists()


@needs_fanotify
def test_an_ordinary_program_in_the_same_folder_runs(
    identifier: Identifier, spawn: Spawner
) -> None:
    notes = spawn.root / "notes"
    shutil.copy("/bin/true", notes)
    with _guarded(identifier, spawn.root) as g:
        for _ in range(3):
            assert not _refused([str(notes)])
        gate = g.guard.gate
        assert gate is not None
        # Its content was not known at first: let through and handed to the content look.
        assert gate.counts.fallbacks >= 1 and gate.counts.denied == 0
        assert gate.counts.allowed == 3
    assert g.matching("denied") == []


@needs_fanotify
def test_a_tool_the_person_allowed_runs_and_is_not_frozen(
    identifier: Identifier, spawn: Spawner
) -> None:
    with _guarded(identifier, spawn.root) as g:
        tool = spawn.binary("anydesk")
        assert _refused([str(tool), "30"])
        incident = g.wait_event("denied").incident or ""
        g.engine.allow(incident, AllowScope("for", 600.0))
        proc = _start(spawn, tool, "30")
        wait_for(
            lambda: any(p["pid"] == proc.pid for p in g.engine.incident(incident).processes),
            message="the allowed tool joining its incident",
        )
        assert not is_stopped(proc.pid)
        assert proc.poll() is None


@needs_fanotify
def test_a_trusted_tool_runs(tmp_path: Path, identifier: Identifier, spawn: Spawner) -> None:
    engine = Engine(
        Quarantine(tmp_path / "q"),
        trusted=lambda: frozenset({"anydesk"}),
        only_under=str(spawn.root),
    )
    lines: list[str] = []
    gate = ExecGate(
        identifier, engine.exec_spared, engine.exec_denied, lines.append, folders=[spawn.root]
    )
    gate.start()
    try:
        proc = _start(spawn, spawn.binary("anydesk"), "30")
        assert proc.poll() is None
        assert gate.counts.spared == 1 and gate.counts.denied == 0
    finally:
        gate.stop()
        engine.close()


@needs_fanotify
def test_a_renamed_tool_known_by_content_is_refused_at_its_next_start(
    tmp_path: Path, spawn: Spawner
) -> None:
    notes = spawn.root / "notes"
    identifier = _content_identifier(tmp_path, _unique_program(notes))
    with _guarded(identifier, spawn.root) as g:
        # Its content is not known yet: it starts, and the freeze catches it by content.
        first = _start(spawn, notes, "30")
        g.wait_event("frozen")
        assert is_stopped(first.pid)
        gate = g.guard.gate
        assert gate is not None and gate.counts.fallbacks >= 1
        # Now its content is known: the next start is refused before it runs.
        assert _refused([str(notes), "30"])
        assert g.wait_event("denied").tool == "demo-tool"
        # A hard link under yet another name is the same file: refused too.
        other = spawn.root / "holiday-photos"
        os.link(notes, other)
        assert _refused([str(other), "30"])


@needs_fanotify
def test_a_tool_identified_when_it_landed_is_refused_at_its_first_start(
    tmp_path: Path, spawn: Spawner
) -> None:
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    landed = downloads / "notes"
    data = Path("/bin/sleep").read_bytes() + os.urandom(16)
    identifier = _content_identifier(tmp_path, hashlib.sha256(data).hexdigest())
    with _guarded(identifier, tmp_path, folders=[downloads]) as g:
        landed.write_bytes(data)  # a download: no execute bit yet
        g.wait_event("installer")
        landed.chmod(0o755)  # what the caller dictates next (changes the change time)
        assert _refused([str(landed), "30"])
        assert g.wait_event("denied").tool == "demo-tool"
        gate = g.guard.gate
        assert gate is not None and gate.counts.fallbacks == 0  # refused at the first start


# --- failing open, never hanging ---


def _bare_gate(
    tmp_path: Path, identifier: Identifier, folder: Path, lines: list[str]
) -> tuple[ExecGate, Engine]:
    engine = Engine(Quarantine(tmp_path / "q"), only_under=str(folder))
    gate = ExecGate(
        identifier, engine.exec_spared, engine.exec_denied, lines.append, folders=[folder]
    )
    gate.start()
    return gate, engine


@needs_fanotify
def test_an_internal_error_allows_counts_and_says_one_line(
    tmp_path: Path, identifier: Identifier, spawn: Spawner
) -> None:
    lines: list[str] = []
    gate, engine = _bare_gate(tmp_path, identifier, spawn.root, lines)
    try:

        def broken(*_a: Any, **_k: Any) -> Identification:
            raise OSError(errno.EBADF, "Bad file descriptor")

        gate.identifier = Identifier(identifier.index, os_name="linux", env={})
        gate.identifier.identify_process = broken  # type: ignore[method-assign]
        tool = spawn.binary("anydesk")
        for _ in range(3):
            assert not _refused([str(tool), "0"])  # failed open: allowed
        assert gate.counts.errors == 3 and gate.counts.denied == 0
        wait_for(lambda: lines, message="a line about the error")
        assert len(lines) == 1 and "could not be checked" in lines[0]
        assert gate.running  # and it carries on
    finally:
        gate.stop()
        engine.close()


@needs_fanotify
def test_a_process_killed_while_its_exec_waits_leaves_the_gate_working(
    tmp_path: Path, identifier: Identifier, spawn: Spawner
) -> None:
    lines: list[str] = []
    gate, engine = _bare_gate(tmp_path, identifier, spawn.root, lines)
    holding, release = threading.Event(), threading.Event()
    real = gate.identifier.identify_process
    gate.identifier = Identifier(identifier.index, os_name="linux", env={})

    def slow(*a: Any, **k: Any) -> Identification:
        holding.set()
        release.wait(10)
        return real(*a, **k)

    gate.identifier.identify_process = slow  # type: ignore[method-assign]
    tool = spawn.binary("anydesk")
    outcome: list[object] = []

    def start() -> None:
        try:
            outcome.append(subprocess.Popen([str(tool), "30"]).wait(10))
        except OSError as exc:
            outcome.append(exc)

    starter = threading.Thread(target=start)
    before = {c.pid for c in psutil.Process().children()}
    try:
        starter.start()
        assert holding.wait(5)
        for child in psutil.Process().children():  # the one stuck in execve: killable
            if child.pid not in before:
                os.kill(child.pid, signal.SIGKILL)
        starter.join(10)
        assert outcome and outcome[0] == -signal.SIGKILL
        release.set()
        gate.identifier.identify_process = real  # type: ignore[method-assign]
        # The gate answered the abandoned event and goes on answering.
        assert _refused([str(tool), "30"])
        assert gate.running and gate.counts.errors == 0
    finally:
        release.set()
        starter.join(10)
        gate.stop()
        engine.close()


@needs_fanotify
def test_a_stopped_gate_or_a_dead_gate_thread_leaves_nothing_hanging(
    tmp_path: Path, identifier: Identifier, spawn: Spawner
) -> None:
    lines: list[str] = []
    tool = spawn.binary("anydesk")
    gate, engine = _bare_gate(tmp_path, identifier, spawn.root, lines)
    try:
        assert _refused([str(tool), "0"])
        gate.stop()
        assert not gate.running
        assert not _refused([str(tool), "0"])  # no gate: the kernel lets it run
        # A gate whose thread dies: its descriptor closes, and the exec goes on.
        gate2, engine2 = _bare_gate(tmp_path / "2", identifier, spawn.root, lines)

        def crash(*_a: Any) -> None:
            raise RuntimeError("a bug")

        gate2._answer = crash  # type: ignore[method-assign,assignment]
        assert not _refused([str(tool), "0"])
        wait_for(lambda: not gate2.running, message="the gate thread ending")
        wait_for(lambda: any("the exec gate stopped" in line for line in lines), message="a line")
        assert not _refused([str(tool), "0"])
        gate2.stop()
        engine2.close()
    finally:
        gate.stop()
        engine.close()


@needs_fanotify
def test_without_fanotify_the_guard_says_why_and_still_freezes(
    identifier: Identifier, spawn: Spawner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*_a: Any, **_k: Any) -> Fanotify:
        raise FanotifyUnavailable("fanotify_init was refused (permission denied): needs root")

    monkeypatch.setattr(Fanotify, "open", refused)
    with _guarded(identifier, spawn.root) as g:
        started = g.wait_event("started")
        assert started.data["exec_gate"].startswith("unavailable: fanotify_init was refused")
        assert any("not checked before they start" in e.message for e in g.matching("error"))
        proc = spawn.start("anydesk")
        g.wait_event("frozen")
        assert is_stopped(proc.pid)
