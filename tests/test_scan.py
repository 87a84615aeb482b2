"""``scan``: running tools, installed tools and installers in download folders."""

from __future__ import annotations

import json
import os
from pathlib import Path

import platformdirs

from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex
from guard.identify.installpaths import InstallPaths, expand, normalize
from guard.identify.process import read_process
from guard.platform import installed_dpkg_packages
from guard.sigdb.loader import load_database
from tests.conftest import Spawner, run_cli
from tests.helpers import (
    ON_WINDOWS,
    signatures_without_rig_tools,
    tool_toml,
    wait_for,
    write_database,
)
from tests.pe_builder import write_pe


def _home_env(tmp_path: Path) -> dict[str, str]:
    """A fake home so Downloads/Desktop/temp are temp folders, never the real ones."""
    home = tmp_path / "home"
    for sub in ("Downloads", "Desktop"):
        (home / sub).mkdir(parents=True)
    (tmp_path / "tmp").mkdir()
    return {
        "HOME": str(home),
        "TMPDIR": str(tmp_path / "tmp"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
    }


def test_scan_finds_installers_in_downloads_and_desktop(tmp_path: Path) -> None:
    env = _home_env(tmp_path)
    home = Path(env["HOME"])
    write_pe(home / "Downloads" / "TalkTalk Support.exe", ProductName="AnyDesk")
    (home / "Desktop" / "TeamViewerQS_x64 (1).exe").write_bytes(b"x")
    (home / "Downloads" / "holiday.jpg").write_bytes(b"x")
    write_pe(Path(env["TMPDIR"]) / "notepad.exe", ProductName="Notepad")
    result = run_cli("scan", "--json", env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    found = {(Path(f["location"]).name, f["tool"]) for f in report["installers"]}
    assert found == {
        ("TalkTalk Support.exe", "anydesk"),
        ("TeamViewerQS_x64 (1).exe", "teamviewer"),
    }
    assert str(home / "Downloads") in report["folders"]
    assert str(home / "Desktop") in report["folders"]


def test_scan_looks_in_the_folders_this_system_calls_downloads_and_desktop(
    tmp_path: Path,
) -> None:
    """On Windows these are the shell's known folders (a test cannot move them, so it only
    reads them); elsewhere the test's temporary home."""
    env = _home_env(tmp_path)
    result = run_cli("scan", "--json", env=env)
    folders = json.loads(result.stdout)["folders"]
    if ON_WINDOWS:
        expected = [platformdirs.user_downloads_dir(), platformdirs.user_desktop_dir()]
    else:
        expected = [str(Path(env["HOME"]) / "Downloads"), str(Path(env["HOME"]) / "Desktop")]
    assert set(expected) <= set(folders), folders


def test_scan_finds_running_tool(tmp_path: Path, spawn: Spawner) -> None:
    env = _home_env(tmp_path)
    proc = spawn.start("anydesk")
    program = spawn.binary("anydesk")
    wait_for(  # exec done: the process runs the copy, not the launcher
        lambda: (
            (info := read_process(proc.pid)) and info.exe and Path(info.exe).name == program.name
        ),
        message="exec",
    )
    result = run_cli("scan", "--json", env=env)
    report = json.loads(result.stdout)
    running = [f for f in report["running"] if f["pid"] == proc.pid]
    assert running and running[0]["tool"] == "anydesk"
    assert os.path.normcase(running[0]["location"]) == os.path.normcase(program)
    assert result.returncode == 0


def test_clean_scan_says_so_and_exits_1(tmp_path: Path) -> None:
    env = _home_env(tmp_path)
    (Path(env["HOME"]) / "Downloads" / "letter.pdf").write_bytes(b"%PDF")
    # Without the VNC server the test suite installs for its session tests (RIG_TOOLS).
    database = signatures_without_rig_tools(tmp_path / "signatures")
    result = run_cli("scan", "--signatures", str(database), env=env)
    if '"running"' in result.stdout or "Running now" in result.stdout:
        # A real remote-access tool on this machine would make the scan non-clean.
        raise AssertionError(f"machine not clean:\n{result.stdout}")
    assert result.returncode == 1, result.stdout
    assert "No remote-access tools found" in result.stdout


def test_scan_extra_dirs_only(tmp_path: Path) -> None:
    env = _home_env(tmp_path)
    (Path(env["HOME"]) / "Downloads" / "AnyDesk.exe").write_bytes(b"x")
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "rustdesk-1.3.2-x86_64.exe").write_bytes(b"x")
    result = run_cli(
        "scan",
        "--json",
        "--no-default-dirs",
        "--dirs",
        str(extra),
        str(tmp_path / "missing"),
        env=env,
    )
    report = json.loads(result.stdout)
    assert [f["tool"] for f in report["installers"]] == ["rustdesk"]
    assert report["folders"] == [str(extra)]
    assert "missing: not a folder; skipped" in result.stderr


def test_installed_paths_expand_per_os(tmp_path: Path) -> None:
    root = write_database(
        tmp_path / "db",
        {
            "demodesk": tool_toml(
                "demodesk",
                extra="""
        [names]
        windows = ["DemoDesk.exe"]
        [paths]
        windows = ["%ProgramFiles(x86)%\\\\DemoDesk", "%LocalAppData%\\\\DemoDesk"]
        linux = ["~/.demodesk", "/opt/demodesk"]
    """,
            )
        },
    )
    tools = load_database(root).tools
    pf = tmp_path / "pf86"
    (pf / "DemoDesk").mkdir(parents=True)
    win = InstallPaths(tools, "windows", env={"PROGRAMFILES(X86)": str(pf)}, home="/h")
    # %LocalAppData% is unknown here: that path is dropped, never guessed.
    assert [shown for _, shown, _ in win.prefixes] == [str(pf) + "\\DemoDesk"]
    assert [t.id for t, _ in win.existing()] == ["demodesk"]
    lin = InstallPaths(tools, "linux", env={}, home=str(tmp_path))
    assert [shown for _, shown, _ in lin.prefixes] == [f"{tmp_path}/.demodesk", "/opt/demodesk"]
    assert lin.existing() == []
    assert expand("%ProgramFiles%\\X", "windows", {}, "/h") == "C:\\Program Files\\X"
    assert normalize("C:\\Program Files\\X\\", "windows") == "c:/program files/x"
    assert normalize("/Opt/X/", "linux") == "/Opt/X"


def test_dpkg_status_parsing(tmp_path: Path) -> None:
    status = tmp_path / "status"
    status.write_text(
        "Package: anydesk\nStatus: install ok installed\nVersion: 6\n\n"
        "Package: teamviewer\nStatus: deinstall ok config-files\n\n"
        "Package: rustdesk\nStatus: install ok installed\n"
    )
    assert installed_dpkg_packages(status) == {"anydesk", "rustdesk"}
    assert installed_dpkg_packages(tmp_path / "none") == set()


def test_scan_in_process_with_installed_package(tmp_path: Path, monkeypatch) -> None:
    from guard import locations, platform, scan

    status = tmp_path / "status"
    status.write_text("Package: anydesk\nStatus: install ok installed\n")
    monkeypatch.setattr(platform, "DPKG_STATUS", status)
    monkeypatch.setattr(locations, "desktop_entry_folders", lambda os_name=None: [tmp_path])
    (tmp_path / "x2godesktopsharing.desktop").write_text("[Desktop Entry]\n")
    shipped = load_database(Path(__file__).resolve().parent.parent / "signatures")
    ident = Identifier(SignatureIndex(shipped), os_name="linux", env={}, home=str(tmp_path))
    report = scan.scan(ident, default_folders=False)
    installed = {f.verdict.tool.id: f.location for f in report.installed}
    assert installed["anydesk"] == "package anydesk"
    assert installed["x2go"] == str(tmp_path / "x2godesktopsharing.desktop")
