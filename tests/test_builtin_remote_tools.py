"""Remote access built into the operating system (issue 14), started as a program: each one is
identified by its name and frozen, including where the system really keeps it (a program in a
system folder is never frozen on its name alone, so each signature names its place).

Real processes (copies of sleep under the real names) wherever the OS allows it here: in a
temp folder for every Linux name, and in a temp "Windows" folder that the engine is told is
the system folder (``SystemRoot``) for the Windows ones. The real Linux and macOS system paths
cannot be written by a test, so for those the same decision the engine makes is asked with
the path the package installs (checked against the Debian packages' file lists).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from guard.engine.engine import Engine
from guard.engine.exemptions import Exemptions
from guard.engine.quarantine import Quarantine
from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex
from guard.identify.process import ProcessInfo, read_process
from tests.conftest import Spawner
from tests.guard_rig import Rig, is_stopped
from tests.helpers import not_on_windows, wait_for

# (process name, tool) for every Linux server and switch command of issue 14.
LINUX_NAMES = [
    ("grdctl", "gnome-remote-desktop"),
    ("krfb", "krfb"),
    ("krfb-virtualmonitor", "krfb"),
    ("vino-server", "vino"),
    ("x11vnc", "x11vnc"),
    ("Xvnc", "tigervnc"),
    ("Xtigervnc", "tigervnc"),
    ("x0vncserver", "tigervnc"),
    ("x0tigervncserver", "tigervnc"),
    ("w0vncserver", "tigervnc"),
    ("vncserver", "tigervnc"),
    ("tigervncserver", "tigervnc"),
    ("xrdp", "xrdp"),
    ("xrdp-sesman", "xrdp"),
]

# Where each really lives (Debian 12's packages: `apt-get download P && dpkg -c P.deb`; the
# macOS and Windows places from the vendors' documentation). (os, name, program file, tool)
SYSTEM_PLACES = [
    ("linux", "grdctl", "/usr/bin/grdctl", "gnome-remote-desktop"),
    ("linux", "krfb", "/usr/bin/krfb", "krfb"),
    ("linux", "vino-server", "/usr/libexec/vino-server", "vino"),
    ("linux", "vino-server", "/usr/lib/vino/vino-server", "vino"),
    ("linux", "x11vnc", "/usr/bin/x11vnc", "x11vnc"),
    ("linux", "Xtigervnc", "/usr/bin/Xtigervnc", "tigervnc"),
    ("linux", "Xvnc", "/usr/bin/Xvnc", "tigervnc"),
    ("linux", "x0tigervncserve", "/usr/bin/x0tigervncserver", "tigervnc"),
    ("linux", "xrdp", "/usr/sbin/xrdp", "xrdp"),
    ("linux", "xrdp-sesman", "/usr/sbin/xrdp-sesman", "xrdp"),
    ("macos", "screensharingd",
     "/System/Library/CoreServices/RemoteManagement/screensharingd.bundle/Contents/MacOS/"
     "screensharingd", "macos-screen-sharing"),
    ("macos", "AppleVNCServer",
     "/System/Library/CoreServices/RemoteManagement/AppleVNCServer.bundle/Contents/MacOS/"
     "AppleVNCServer", "macos-screen-sharing"),
    ("macos", "ARDAgent",
     "/System/Library/CoreServices/RemoteManagement/ARDAgent.app/Contents/MacOS/ARDAgent",
     "apple-remote-desktop"),
    ("windows", "msra.exe", "C:\\Windows\\System32\\msra.exe", "windows-remote-assistance"),
    ("windows", "raserver.exe", "C:\\Windows\\System32\\raserver.exe",
     "windows-remote-assistance"),
    ("windows", "QuickAssist.exe", "C:\\Windows\\System32\\quickassist.exe", "quick-assist"),
    ("windows", "rdpclip.exe", "C:\\Windows\\System32\\rdpclip.exe", "windows-remote-desktop"),
]  # fmt: skip


@pytest.fixture
def rig(identifier: Identifier, spawn: Spawner) -> Iterator[Rig]:
    r = Rig(identifier, spawn.root).start()
    yield r
    r.stop()


@not_on_windows("Linux program names")
@pytest.mark.parametrize(("name", "tool"), LINUX_NAMES)
def test_each_linux_server_is_frozen_when_it_starts(
    rig: Rig, spawn: Spawner, name: str, tool: str
) -> None:
    """A VNC or RDP server's name on Linux is enough: ``x11vnc`` or ``vncserver`` copied to a
    temp folder (a caller's "download this and run it") is frozen like AnyDesk."""
    proc = spawn.start(name)
    event = rig.wait_event("frozen", where=lambda e: proc.pid in e.data["pids"])
    assert event.tool == tool
    wait_for(lambda: is_stopped(proc.pid), message=f"{name} frozen")


@pytest.mark.parametrize(("os_name", "name", "exe", "tool"), SYSTEM_PLACES)
def test_each_builtin_is_frozen_in_its_real_system_place(
    shipped_index: SignatureIndex, os_name: str, name: str, exe: str, tool: str
) -> None:
    """The engine's own decision, as that OS would make it: matched, and not held back as "a
    system program matched by its name alone", because the signature names that place."""
    env = {"SystemRoot": "C:\\Windows"}
    identifier = Identifier(shipped_index, os_name=os_name, env=env, home="/home/pat")
    exemptions = Exemptions(os_name=os_name, env=env, dpkg_info=Path("/nonexistent"))
    info = ProcessInfo(pid=4242, name=name, exe=exe, cmdline=(exe,))
    verdict = identifier.identify_process(info, inspect_file=False)
    assert verdict.tool is not None and verdict.tool.id == tool
    assert exemptions.name_alone(info, verdict.tool, verdict, None)[0] is None


@pytest.mark.parametrize(
    "args", [("--system",), ("--handover",), ()], ids=["system", "handover", "session"]
)
def test_the_gnome_daemon_that_runs_in_ordinary_sessions_is_not_a_tool(
    shipped_index: SignatureIndex, tmp_path: Path, args: tuple[str, ...]
) -> None:
    """Newer GNOME releases start gnome-remote-desktop-daemon at login whether or not sharing
    is on: matching it would warn at every login. Its package does not count either; the
    switch is what is watched."""
    exe = "/usr/libexec/gnome-remote-desktop-daemon"
    info_dir = tmp_path / "dpkg-info"
    info_dir.mkdir()
    (info_dir / "gnome-remote-desktop.list").write_text(f"/.\n/usr/libexec\n{exe}\n")
    identifier = Identifier(shipped_index, os_name="linux", dpkg_info=info_dir)
    info = ProcessInfo(pid=4242, name="gnome-remote-de", exe=exe, cmdline=(exe, *args))
    assert not identifier.identify_process(info, inspect_file=True).matched


def test_a_script_started_under_an_alternatives_name_is_frozen_in_the_system_folder(
    shipped_index: SignatureIndex,
) -> None:
    """Debian's ``vncserver`` is a perl script reached through /etc/alternatives: the process
    runs /usr/bin/perl, the program is /usr/bin/vncserver, and that place is TigerVNC's."""
    identifier = Identifier(shipped_index, os_name="linux", env={}, home="/home/pat")
    exemptions = Exemptions(os_name="linux", env={}, dpkg_info=Path("/nonexistent"))
    info = ProcessInfo(
        pid=4242,
        name="vncserver",
        exe="/usr/bin/perl",
        cmdline=("/usr/bin/perl", "/usr/bin/vncserver", ":1"),
    )
    verdict = identifier.identify_process(info, inspect_file=False)
    assert verdict.tool is not None and verdict.tool.id == "tigervnc"
    why, more = exemptions.name_alone(info, verdict.tool, verdict, None)
    assert why is None and [e.kind for e in more] == ["install-path"]


def test_a_vnc_server_name_is_strong_only_on_linux(shipped_index: SignatureIndex) -> None:
    """``winvnc.exe`` is the server of many Windows VNC products (and of programs that borrow
    the name), so on Windows it still needs a second piece of evidence; on Linux ``x11vnc``
    and ``vncserver`` are what they say. A bare file name (a download) keeps the generic rule."""
    linux = Identifier(shipped_index, os_name="linux", env={}, home="/home/pat")
    windows = Identifier(shipped_index, os_name="windows", env={}, home="C:\\Users\\Pat")
    for name in ("x11vnc", "vncserver", "Xvnc"):
        info = ProcessInfo(pid=1, name=name, exe=f"/tmp/x/{name}")
        verdict = linux.identify_process(info, inspect_file=False)
        assert verdict.tool is not None, name
        assert any(e.kind == "name" for e in verdict.evidence), verdict.evidence
    exe = "C:\\Users\\Pat\\Downloads\\winvnc.exe"
    info = ProcessInfo(pid=1, name="winvnc.exe", exe=exe)
    verdict = windows.identify_process(info, inspect_file=False)
    assert verdict.tool is None
    assert [e.kind for e in verdict.evidence] and all(
        e.kind == "generic-name" for e in verdict.evidence
    )
    assert linux.identify_name("x11vnc").tool is None  # a file name: could be anything


def _windows_engine(system_root: Path, shipped_index: SignatureIndex) -> tuple[Engine, Identifier]:
    # Written the Windows way, as Windows sets it; the engine compares paths that way.
    env = {"SystemRoot": str(system_root).replace("/", "\\")}
    identifier = Identifier(shipped_index, os_name="windows", env=env, home="/home/pat")
    engine = Engine(Quarantine(system_root.parent / "q"))
    engine.exemptions = Exemptions(os_name="windows", env=env)
    return engine, identifier


@not_on_windows("a copy of sleep named like a Windows program, run on Linux")
@pytest.mark.parametrize(
    ("name", "tool", "frozen"),
    [
        ("msra.exe", "windows-remote-assistance", True),
        ("raserver.exe", "windows-remote-assistance", True),
        ("QuickAssist.exe", "quick-assist", True),
        ("rdpclip.exe", "windows-remote-desktop", True),
        # The control: a tool that does not name a System32 place is held back there.
        ("winvnc4.exe", "tigervnc", False),
    ],
)
def test_windows_builtins_in_the_system_folder_are_frozen_for_real(
    tmp_path: Path, shipped_index: SignatureIndex, name: str, tool: str, frozen: bool
) -> None:
    """A real process in a folder the engine is told is ``%SystemRoot%\\System32``."""
    system32 = tmp_path / "Windows" / "System32"
    spawner = Spawner(system32)
    system32.mkdir(parents=True)
    engine, identifier = _windows_engine(tmp_path / "Windows", shipped_index)
    try:
        proc = spawner.start(name)
        info = wait_for(lambda: (i := read_process(proc.pid)) and i.name == name and i)
        verdict = identifier.identify_process(info, inspect_file=False)
        assert verdict.tool is not None and verdict.tool.id == tool
        engine.process_seen(info, verdict)
        engine.wait_delivered()
        [view] = engine.incidents()
        if frozen:
            wait_for(lambda: is_stopped(proc.pid), message=f"{name} frozen")
            assert view.state == "frozen"
        else:
            assert view.state == "detected" and not is_stopped(proc.pid)
            assert "only its name" in view.processes[0]["note"]
        view = engine.block(view.id)
        wait_for(lambda: proc.poll() is not None, message=f"{name} ended by block")
        assert engine.incident(view.id).state == "blocked"
    finally:
        spawner.cleanup()
        engine.close()
