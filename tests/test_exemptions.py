"""What is never frozen, and what is not frozen on a name alone: real processes, real files.

Protection is for the operating system's own programs where the system keeps them, never
for whatever merely runs on a system interpreter or wears a system name.
"""

from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from guard.engine.engine import Engine
from guard.engine.exemptions import Exemptions, program_file
from guard.engine.quarantine import Quarantine
from guard.identify.evidence import Evidence, Identification
from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex
from guard.identify.process import ProcessInfo, read_process
from guard.platform import dpkg_owns
from guard.sigdb.loader import load_database
from tests.conftest import Spawner
from tests.guard_rig import Rig, is_stopped
from tests.helpers import tool_toml, wait_for, write_database


@pytest.fixture
def rig(identifier: Identifier, spawn: Spawner) -> Iterator[Rig]:
    r = Rig(identifier, spawn.root).start()
    yield r
    r.stop()


def test_a_shell_script_named_like_the_tool_is_frozen_not_exempt(rig: Rig, spawn: Spawner) -> None:
    """``#!/bin/sh`` named anydesk: its executable is the system's shell, but the program it
    runs is AnyDesk. Protection is for the real shell, not for whatever runs on it."""
    script = spawn.root / "anydesk"
    script.write_text("#!/bin/sh\nsleep 30\n")
    script.chmod(0o755)
    proc = subprocess.Popen([str(script)])
    spawn.children.append(proc)  # type: ignore[arg-type]
    event = rig.wait_event("frozen", timeout=5, where=lambda e: proc.pid in e.data["pids"])
    assert event.tool == "anydesk"
    wait_for(lambda: is_stopped(proc.pid), message="the script frozen")
    assert not rig.matching("error")


def test_the_program_file_of_a_script_is_the_script() -> None:
    assert program_file("anydesk", "/usr/bin/dash", ["/bin/sh", "/tmp/x/anydesk"]) == (
        "/tmp/x/anydesk"
    )
    assert program_file("anydesk", "/usr/bin/dash", ["/bin/sh", "./anydesk"], "/tmp/y") == (
        "/tmp/y/anydesk"
    )
    assert program_file("anydesk", "/opt/anydesk/anydesk", ["anydesk"]) == "/opt/anydesk/anydesk"
    # The kernel cuts names at 15 characters.
    long = "/home/p/teamviewer-helper-x"
    assert program_file("teamviewer-help", "/usr/bin/python3.11", ["python3", long]) == long
    assert program_file("python3", "/usr/bin/python3.11", ["python3", "-c", "x"]) == (
        "/usr/bin/python3.11"
    )


def _sleep_tool_identifier(tmp_path: Path, extra: str = "") -> Identifier:
    """A database whose one tool is named like the system's own ``sleep`` program."""
    root = write_database(
        tmp_path / "db",
        {"sleeper": tool_toml("sleeper", "Sleeper", "[names]\nlinux = ['sleep']\n" + extra)},
    )
    return Identifier(SignatureIndex(load_database(root)), os_name="linux", env={})


def test_a_system_program_matched_by_name_alone_is_not_frozen(tmp_path: Path) -> None:
    """A signature that names a system program by mistake must not freeze it: /bin/sleep
    matches "sleep" and nothing else, so the incident says why it was left running."""
    identifier = _sleep_tool_identifier(tmp_path)
    engine = Engine(Quarantine(tmp_path / "q"))
    real = subprocess.Popen(["/bin/sleep", "30"])
    try:
        info = wait_for(lambda: (i := read_process(real.pid)) and i.name == "sleep" and i)
        engine.process_seen(info, identifier.identify_process(info))
        engine.wait_delivered()
        [view] = engine.incidents()
        assert view.state == "detected"
        assert not is_stopped(real.pid)
        [member] = view.processes
        assert member["state"] == "running" and "only its name" in member["note"]
    finally:
        real.kill()
        real.wait()
        engine.close()


def test_a_tool_that_declares_its_system_location_is_frozen_there(tmp_path: Path) -> None:
    """Quick Assist lives in System32: a signature that names the location makes the match
    more than a name, so the program is frozen."""
    identifier = _sleep_tool_identifier(tmp_path, "[paths]\nlinux = ['/usr/bin/sleep']\n")
    engine = Engine(Quarantine(tmp_path / "q"))
    real = subprocess.Popen(["/bin/sleep", "30"])
    try:
        info = wait_for(lambda: (i := read_process(real.pid)) and i.name == "sleep" and i)
        engine.process_seen(info, identifier.identify_process(info))
        wait_for(lambda: is_stopped(real.pid), message="frozen")
        assert engine.incidents()[0].state == "frozen"
    finally:
        subprocess.run(["kill", "-CONT", str(real.pid)], check=False)
        real.kill()
        real.wait()
        engine.close()


def test_the_tools_own_package_owning_the_file_is_enough(tmp_path: Path) -> None:
    info_dir = tmp_path / "dpkg-info"
    info_dir.mkdir()
    (info_dir / "anydesk.list").write_text("/.\n/usr\n/usr/bin\n/usr/bin/anydesk\n")
    (info_dir / "other:amd64.list").write_text("/usr/bin/other\n")
    assert dpkg_owns("anydesk", "/usr/bin/anydesk", info_dir)
    assert dpkg_owns("other", "/usr/bin/other", info_dir)  # multi-arch file names
    assert not dpkg_owns("anydesk", "/usr/bin/anydesk-helper", info_dir)
    assert not dpkg_owns("../etc/passwd", "/usr/bin/anydesk", info_dir)

    db = write_database(
        tmp_path / "db",
        {"anydesk": tool_toml("anydesk", "AnyDesk", "[names]\nlinux = ['anydesk']\n")},
    )
    [tool] = load_database(db).tools
    tool = dataclasses.replace(tool, packages=("anydesk",))
    exemptions = Exemptions(os_name="linux", dpkg_info=info_dir)
    info = ProcessInfo(pid=1234, name="anydesk", exe="/usr/bin/anydesk")
    by_name = Identification("x", tool, (Evidence("name", "anydesk", "", "anydesk"),))
    why, more = exemptions.name_alone(info, tool, by_name, None)
    assert why is None and [e.kind for e in more] == ["package"]
    stranger = ProcessInfo(pid=1234, name="anydesk", exe="/usr/bin/anydesk-x")
    why, more = exemptions.name_alone(stranger, tool, by_name, None)
    assert why is not None and "only its name" in why and not more


def test_programs_people_install_themselves_are_not_the_systems() -> None:
    from guard.engine.exemptions import in_system_folder

    assert in_system_folder("/usr/bin/sleep", "linux")
    assert not in_system_folder("/usr/local/bin/rport", "linux")
    assert not in_system_folder("/usr/local/bin/anydesk", "macos")


def test_quick_assist_in_system32_is_frozen_on_windows(shipped_index: SignatureIndex) -> None:
    """The scam callers' favourite built-in tool: System32 is a system folder, so only the
    location its signature names lets the guard freeze it there (decided here, as Windows
    would; the real call runs in the Windows lane)."""
    env = {"SystemRoot": "C:\\Windows"}
    identifier = Identifier(shipped_index, os_name="windows", env=env, home="C:\\Users\\Pat")
    exemptions = Exemptions(os_name="windows", env=env)
    info = ProcessInfo(
        pid=4242, name="QuickAssist.exe", exe="C:\\Windows\\System32\\QuickAssist.exe"
    )
    verdict = identifier.identify_process(info, inspect_file=False)
    assert verdict.tool is not None and verdict.tool.id == "quick-assist"
    assert exemptions.name_alone(info, verdict.tool, verdict, None) == (None, [])
    other = ProcessInfo(pid=4243, name="msra.exe", exe="C:\\Windows\\System32\\msra.exe")
    verdict = identifier.identify_process(other, inspect_file=False)
    assert verdict.tool is not None
    assert exemptions.name_alone(other, verdict.tool, verdict, None) == (None, [])
