"""Start-at-login adapters: the Linux entry for real in tmp dirs, Windows against a fake
registry, macOS by parsing the plist back. Nothing here touches a real profile, registry or
launchd: every path comes from an injected environment under ``tmp_path``."""

from __future__ import annotations

import configparser
import os
import plistlib
import subprocess
import sys
from pathlib import Path

import pytest

from guard.platform.autostart import (
    Autostart,
    AutostartError,
    for_this_system,
    login_command,
    tray_command,
)
from guard.platform.autostart import common as autostart_common
from guard.platform.autostart import linux as autostart_linux
from guard.platform.autostart import windows as autostart_windows
from guard.platform.autostart.linux import XdgAutostart
from guard.platform.autostart.macos import LaunchAgentAutostart
from guard.platform.autostart.windows import WindowsAutostart

COMMAND = ["/opt/scamguard/scamguard"]
AWKWARD = [
    '/home/al ice/Scam "Guard" 100%/it\'s$HOME`x`\\bin',  # space, quotes, %, $, `, \
    "--flag=plain",
    "50%",
    "",
]


# --- helpers -----------------------------------------------------------------------------


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A whole XDG world under tmp_path: no lookup can reach the real ~/.config or /etc/xdg."""
    env = {
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CONFIG_DIRS": str(tmp_path / "xdg"),
    }
    env.update(extra)
    return env


def read_entry(path: Path) -> configparser.SectionProxy:
    """Parse a written entry with a stock INI parser: it must be a valid key=value file."""
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    assert parser.sections() == ["Desktop Entry"]
    return parser["Desktop Entry"]


def parse_exec(value: str) -> list[str]:
    """Undo an Exec value the way the Desktop Entry spec says a launcher does, written
    from the spec rather than from the module: string escapes first, then the double-quote
    quoting (inside quotes a backslash escapes a double quote, backtick, dollar or
    backslash), then ``%%``."""
    unescaped = value.replace("\\\\", "\0").replace("\\s", " ").replace("\0", "\\")
    args: list[str] = []
    current: str | None = None
    chars = iter(unescaped)
    for c in chars:
        if c == " ":
            if current is not None:
                args.append(current)
            current = None
        elif c == '"':
            current = current or ""
            for q in chars:
                if q == '"':
                    break
                if q == "\\":
                    escaped = next(chars)
                    assert escaped in '"`$\\', f"bad escape \\{escaped}"
                    current += escaped
                else:
                    current += q
            else:
                raise AssertionError("unterminated quote")
        else:
            assert c not in "\"'\\$`", f"reserved {c!r} outside quotes"
            current = (current or "") + c
    if current is not None:
        args.append(current)
    assert all("%" not in a.replace("%%", "") for a in args), "a stray field code"
    return [a.replace("%%", "%") for a in args]


def system_entry(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "xdg" / "autostart" / "scamguard.desktop"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


ISP_ENTRY = """[Desktop Entry]
Type=Application
Name=ScamGuard
Exec=/opt/scamguard/scamguard
"""

FOREIGN_ENTRY = """# copied from the menu by GNOME Tweaks
[Desktop Entry]
Type=Application
Name=ScamGuard (mine)
Exec=/home/alice/bin/scamguard --quiet
Hidden=false

[Desktop Action New]
Name=Other
Hidden=false
"""


def one_line(err: pytest.ExceptionInfo[AutostartError]) -> str:
    message = str(err.value)
    assert message
    assert "\n" not in message
    assert "Traceback" not in message
    return message


# --- Linux -------------------------------------------------------------------------------


def test_linux_round_trip(tmp_path: Path) -> None:
    adapter = XdgAutostart(env_for(tmp_path))
    path = tmp_path / "config" / "autostart" / "scamguard.desktop"
    assert adapter.user_file == path
    assert not adapter.is_enabled()

    adapter.enable(COMMAND)
    assert adapter.is_enabled()
    entry = read_entry(path)
    assert dict(entry) == {
        "Type": "Application",
        "Name": "ScamGuard",
        "Comment": entry["Comment"],
        "Exec": "/opt/scamguard/scamguard",
        "Icon": "scamguard",
        "Terminal": "false",
        "NoDisplay": "true",
        "X-GNOME-Autostart-enabled": "true",
        "X-GNOME-Autostart-Delay": "5",
        "X-ScamGuard": "1",
    }
    assert entry["Comment"]
    assert str(path) in adapter.describe()

    adapter.enable(COMMAND)  # again: same file, no temp files left behind
    assert os.listdir(path.parent) == ["scamguard.desktop"]

    adapter.disable()
    assert not path.exists()
    assert not adapter.is_enabled()
    adapter.disable()  # nothing to do is not an error


def test_linux_default_config_home_is_under_home(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    del env["XDG_CONFIG_HOME"]
    adapter = XdgAutostart(env)
    assert adapter.user_file == tmp_path / "home" / ".config" / "autostart" / "scamguard.desktop"
    relative = XdgAutostart({**env, "XDG_CONFIG_HOME": "relative/dir"})  # invalid: ignored
    assert relative.user_file == adapter.user_file
    assert XdgAutostart({**env, "XDG_CONFIG_DIRS": ""}).system_files == (
        Path("/etc/xdg/autostart/scamguard.desktop"),
    )


def test_exec_quoting_survives_spaces_quotes_backslashes_and_percent(tmp_path: Path) -> None:
    adapter = XdgAutostart(env_for(tmp_path))
    adapter.enable(AWKWARD)
    exec_line = read_entry(adapter.user_file)["Exec"]
    assert exec_line == (
        'env "/home/al ice/Scam \\\\"Guard\\\\" 100%%/it\'s\\\\$HOME\\\\`x\\\\`\\\\\\\\bin" '
        '--flag=plain 50%% ""'
    )
    assert parse_exec(exec_line) == ["env", *AWKWARD]  # env: see launchable()
    assert adapter.is_enabled()


@pytest.mark.parametrize(
    ("arg", "quoted"),
    [
        ("/usr/bin/scamguard", "/usr/bin/scamguard"),
        ("/a b", '"/a b"'),
        ("50%", "50%%"),
        ("a'b", '"a\'b"'),
        ('a"b', '"a\\"b"'),
        ("a\\b", '"a\\\\b"'),
        ("$x", '"\\$x"'),
        ("", '""'),
    ],
)
def test_exec_quote_follows_the_spec(arg: str, quoted: str) -> None:
    assert autostart_linux.exec_quote(arg) == quoted


def test_program_path_with_percent_is_moved_out_of_first_place() -> None:
    """GLib looks the first word up on disk before undoing ``%%``, so it must be plain."""
    assert autostart_linux.launchable(["/usr/bin/scamguard", "50%"]) == [
        "/usr/bin/scamguard",
        "50%",
    ]
    assert autostart_linux.launchable(["/home/100%/sg"]) == ["env", "/home/100%/sg"]
    assert autostart_linux.launchable(["/x=100%/sg", "-v"]) == [
        "sh",
        "-c",
        'exec "$0" "$@"',
        "/x=100%/sg",
        "-v",
    ]


def test_bad_commands_are_refused_in_one_line(tmp_path: Path) -> None:
    adapter = XdgAutostart(env_for(tmp_path))
    for bad in ([], "scamguard", ["a\0b"], ["/bin/scam\nguard"], ["/bin/\udcffx"]):
        with pytest.raises(AutostartError) as err:
            adapter.enable(bad)  # type: ignore[arg-type]
        one_line(err)
    assert not adapter.user_file.exists()


def test_system_entry_is_masked_per_user_and_unmasked_again(tmp_path: Path) -> None:
    machine = system_entry(tmp_path, ISP_ENTRY)
    adapter = XdgAutostart(env_for(tmp_path))
    assert adapter.is_enabled()  # the ISP's entry starts it for everyone
    assert str(machine) in adapter.describe()

    adapter.disable()
    user = read_entry(adapter.user_file)
    assert user["Hidden"] == "true"
    assert user["X-ScamGuard"] == "1"
    assert "Exec" not in user
    assert not adapter.is_enabled()
    assert machine.read_text(encoding="utf-8") == ISP_ENTRY  # never touched

    adapter.enable(COMMAND)
    user = read_entry(adapter.user_file)
    assert "Hidden" not in user
    assert parse_exec(user["Exec"]) == COMMAND
    assert adapter.is_enabled()

    adapter.disable()  # our full entry becomes the mask again, it is not just deleted
    assert read_entry(adapter.user_file)["Hidden"] == "true"
    assert not adapter.is_enabled()


def test_most_important_config_dir_wins(tmp_path: Path) -> None:
    first, second = tmp_path / "xdg1", tmp_path / "xdg2"
    for folder, text in ((first, ISP_ENTRY + "Hidden=true\n"), (second, ISP_ENTRY)):
        (folder / "autostart").mkdir(parents=True)
        (folder / "autostart" / "scamguard.desktop").write_text(text, encoding="utf-8")
    assert not XdgAutostart(env_for(tmp_path, XDG_CONFIG_DIRS=f"{first}:{second}")).is_enabled()
    assert XdgAutostart(env_for(tmp_path, XDG_CONFIG_DIRS=f"{second}:{first}")).is_enabled()


@pytest.mark.parametrize(
    ("extra", "desktop", "starts"),
    [
        ("", "GNOME", True),
        ("Hidden=true\n", "GNOME", False),
        ("X-GNOME-Autostart-enabled=false\n", "GNOME", False),
        ("OnlyShowIn=KDE;\n", "GNOME", False),
        ("OnlyShowIn=KDE;GNOME;\n", "ubuntu:GNOME", True),
        ("NotShowIn=GNOME;\n", "ubuntu:GNOME", False),
    ],
)
def test_is_enabled_asks_whether_the_session_would_start_it(
    tmp_path: Path, extra: str, desktop: str, starts: bool
) -> None:
    system_entry(tmp_path, ISP_ENTRY + extra)
    adapter = XdgAutostart(env_for(tmp_path, XDG_CURRENT_DESKTOP=desktop))
    assert adapter.is_enabled() is starts


def test_user_file_without_an_entry_hides_the_system_one(tmp_path: Path) -> None:
    system_entry(tmp_path, ISP_ENTRY)
    adapter = XdgAutostart(env_for(tmp_path))
    adapter.user_file.parent.mkdir(parents=True)
    adapter.user_file.write_text("not a desktop entry\n", encoding="utf-8")
    assert not adapter.is_enabled()


def test_foreign_file_is_hidden_in_place_never_deleted(tmp_path: Path) -> None:
    adapter = XdgAutostart(env_for(tmp_path))
    path = adapter.user_file
    path.parent.mkdir(parents=True)
    path.write_text(FOREIGN_ENTRY, encoding="utf-8")
    path.chmod(0o640)
    assert adapter.is_enabled()  # it does start at login, whoever wrote it

    adapter.disable()
    assert path.exists()
    assert not adapter.is_enabled()
    assert path.read_text(encoding="utf-8") == FOREIGN_ENTRY.replace(
        "Exec=/home/alice/bin/scamguard --quiet\nHidden=false",
        "Exec=/home/alice/bin/scamguard --quiet\nHidden=true",
    )  # only the entry's Hidden line changed; the action group's is not ours to touch
    assert path.stat().st_mode & 0o777 == 0o640
    adapter.disable()  # already hidden: unchanged
    assert os.listdir(path.parent) == ["scamguard.desktop"]

    adapter.enable(COMMAND)  # the person asked for ScamGuard: theirs is kept beside ours
    assert adapter.is_enabled()
    assert read_entry(path)["X-ScamGuard"] == "1"
    (kept,) = path.parent.glob("scamguard.desktop.replaced-*")
    assert "Hidden=true" in kept.read_text(encoding="utf-8")
    assert "/home/alice/bin/scamguard --quiet" in kept.read_text(encoding="utf-8")


def test_large_foreign_file_is_edited_whole(tmp_path: Path) -> None:
    adapter = XdgAutostart(env_for(tmp_path))
    adapter.user_file.parent.mkdir(parents=True)
    padding = "# notes\n" * 20_000  # far past what is read to check an entry
    adapter.user_file.write_text(ISP_ENTRY + padding, encoding="utf-8")
    adapter.disable()
    assert adapter.user_file.read_text(encoding="utf-8") == ISP_ENTRY + padding + "Hidden=true\n"


def test_foreign_file_without_hidden_gets_one(tmp_path: Path) -> None:
    adapter = XdgAutostart(env_for(tmp_path))
    adapter.user_file.parent.mkdir(parents=True)
    adapter.user_file.write_text(ISP_ENTRY.rstrip("\n"), encoding="utf-8")  # no final newline
    adapter.disable()
    assert read_entry(adapter.user_file)["Hidden"] == "true"
    assert adapter.user_file.read_text(encoding="utf-8") == ISP_ENTRY + "Hidden=true\n"


@pytest.mark.skipif(sys.platform == "win32", reason="folder modes are a POSIX thing")
def test_read_only_folder_is_one_line_error(tmp_path: Path) -> None:
    adapter = XdgAutostart(env_for(tmp_path))
    adapter.enable(COMMAND)
    folder = adapter.user_file.parent
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):  # root with CAP_DAC_OVERRIDE writes anyway
            pytest.skip("this user can write to read-only folders")
        with pytest.raises(AutostartError) as err:
            adapter.enable(["/elsewhere/scamguard"])
        assert str(adapter.user_file) in one_line(err)
        with pytest.raises(AutostartError) as err:
            adapter.disable()
        assert str(adapter.user_file) in one_line(err)
    finally:
        folder.chmod(0o700)
    assert adapter.is_enabled()


def test_permission_denied_is_one_line_error_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same failure as a read-only folder, made to happen even when tests run as root."""
    adapter = XdgAutostart(env_for(tmp_path))

    def denied(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied", dst)

    monkeypatch.setattr(autostart_common.os, "replace", denied)
    with pytest.raises(AutostartError) as err:
        adapter.enable(COMMAND)
    message = one_line(err)
    assert str(adapter.user_file) in message
    assert "Permission denied" in message
    assert os.listdir(adapter.user_file.parent) == []


def test_folder_in_the_way_is_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "config").write_text("a file where a folder should be", encoding="utf-8")
    adapter = XdgAutostart(env_for(tmp_path))
    with pytest.raises(AutostartError) as err:
        adapter.enable(COMMAND)
    assert str(adapter.user_file) in one_line(err)


def test_unreadable_entry_is_one_line_error(tmp_path: Path) -> None:
    adapter = XdgAutostart(env_for(tmp_path))
    adapter.user_file.mkdir(parents=True)  # a folder under our name cannot be read as one
    with pytest.raises(AutostartError) as err:
        adapter.is_enabled()
    assert str(adapter.user_file) in one_line(err)


# --- Windows -----------------------------------------------------------------------------


class FakeKey:
    """One registry key's values in a dict; ``fail`` makes every call raise like winreg."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.values: dict[str, str | bytes] = {}
        self.fail: OSError | None = None

    def get(self, name: str) -> str | bytes | None:
        self._maybe_fail()
        return self.values.get(name)

    def set(self, name: str, value: str) -> None:
        self._maybe_fail()
        self.values[name] = value

    def delete(self, name: str) -> None:
        self._maybe_fail()
        self.values.pop(name, None)

    def _maybe_fail(self) -> None:
        if self.fail is not None:
            raise self.fail


@pytest.fixture
def registry() -> tuple[WindowsAutostart, FakeKey, FakeKey]:
    run, approved = (
        FakeKey(autostart_windows.RUN_KEY),
        FakeKey(autostart_windows.STARTUP_APPROVED_KEY),
    )
    return WindowsAutostart(run, approved), run, approved


def test_windows_value_set_and_cleared(registry: tuple[WindowsAutostart, FakeKey, FakeKey]) -> None:
    adapter, run, _approved = registry
    assert not adapter.is_enabled()
    adapter.enable([r"C:\Program Files\ScamGuard\ScamGuard.exe"])
    assert run.values == {"ScamGuard": r'"C:\Program Files\ScamGuard\ScamGuard.exe"'}
    assert adapter.is_enabled()
    adapter.disable()
    assert run.values == {}
    assert not adapter.is_enabled()
    adapter.disable()
    assert adapter.describe() == (
        r"registry HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run, "
        r'value "ScamGuard"'
    )


def test_windows_command_line_quoting(registry: tuple[WindowsAutostart, FakeKey, FakeKey]) -> None:
    adapter, run, _approved = registry
    argv = [r"C:\Users\Al Ice\venv\Scripts\pythonw.exe", "-m", "ui", 'say "hi"', "trail\\ing\\"]
    adapter.enable(argv)
    assert run.values["ScamGuard"] == subprocess.list2cmdline(argv)
    assert run.values["ScamGuard"] == (
        r'"C:\Users\Al Ice\venv\Scripts\pythonw.exe" -m ui "say \"hi\"" trail\ing\ '.rstrip()
    )


def test_windows_task_manager_disable_is_seen_and_cleared_by_enable(
    registry: tuple[WindowsAutostart, FakeKey, FakeKey],
) -> None:
    adapter, _run, approved = registry
    adapter.enable(COMMAND)
    approved.values["ScamGuard"] = bytes([3]) + bytes(11)  # Task Manager: Disabled
    assert not adapter.is_enabled()
    approved.values["ScamGuard"] = bytes([2]) + bytes(11)  # Task Manager: Enabled
    assert adapter.is_enabled()
    approved.values["ScamGuard"] = bytes([3]) + bytes(11)
    adapter.enable(COMMAND)  # the tick must win over an old "Disabled"
    assert "ScamGuard" not in approved.values
    assert adapter.is_enabled()


def test_windows_registry_errors_are_one_line(
    registry: tuple[WindowsAutostart, FakeKey, FakeKey],
) -> None:
    adapter, run, _approved = registry
    run.fail = PermissionError(13, "Access is denied")
    for call in (adapter.is_enabled, adapter.disable, lambda: adapter.enable(COMMAND)):
        with pytest.raises(AutostartError) as err:
            call()
        message = one_line(err)
        assert autostart_windows.RUN_KEY in message
        assert "Access is denied" in message


@pytest.mark.skipif(sys.platform == "win32", reason="checks the behaviour off Windows")
def test_real_registry_off_windows_is_an_error_not_a_crash() -> None:
    adapter = for_this_system("windows", env={})
    assert "HKEY_CURRENT_USER" in adapter.describe()  # describing needs no registry
    with pytest.raises(AutostartError) as err:
        adapter.is_enabled()
    assert "not available" in one_line(err)


# --- macOS -------------------------------------------------------------------------------


def test_macos_plist_round_trip(tmp_path: Path) -> None:
    adapter = LaunchAgentAutostart(tmp_path)
    path = tmp_path / "Library" / "LaunchAgents" / "uk.co.scamguard.tray.plist"
    assert adapter.path == path
    assert not adapter.is_enabled()

    adapter.enable(AWKWARD)
    with open(path, "rb") as fh:
        job = plistlib.load(fh)
    assert job == {
        "Label": "uk.co.scamguard.tray",
        "ProgramArguments": AWKWARD,  # an argv, no quoting to get wrong
        "RunAtLoad": True,
        "KeepAlive": {"SuccessfulExit": False},  # started again if killed, not after Quit
        "ThrottleInterval": 10,
        "EnvironmentVariables": {"SCAMGUARD_SUPERVISED": "1"},
        "ProcessType": "Interactive",
        "LimitLoadToSessionType": "Aqua",
    }
    assert adapter.is_enabled()
    assert str(path) in adapter.describe()
    assert os.listdir(path.parent) == [path.name]

    adapter.disable()
    assert not path.exists()
    assert not adapter.is_enabled()


def test_macos_foreign_plist_is_moved_aside_not_deleted(tmp_path: Path) -> None:
    adapter = LaunchAgentAutostart(tmp_path)
    adapter.path.parent.mkdir(parents=True)
    theirs = plistlib.dumps({"Label": "com.example.other", "RunAtLoad": True})
    adapter.path.write_bytes(theirs)
    assert not adapter.is_enabled()
    adapter.disable()
    assert not adapter.path.exists()
    (kept,) = adapter.path.parent.glob("*.replaced-*")
    assert kept.read_bytes() == theirs

    adapter.path.write_bytes(b"not a plist")
    assert not adapter.is_enabled()
    adapter.enable(COMMAND)
    assert adapter.is_enabled()
    assert len(list(adapter.path.parent.glob("*.replaced-*"))) == 2


def test_macos_read_only_error_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    adapter = LaunchAgentAutostart(tmp_path)

    def read_only(src: str, dst: str) -> None:
        raise OSError(30, "Read-only file system", dst)

    monkeypatch.setattr(autostart_common.os, "replace", read_only)
    with pytest.raises(AutostartError) as err:
        adapter.enable(COMMAND)
    assert str(adapter.path) in one_line(err)


# --- choosing and launching --------------------------------------------------------------


def test_for_this_system_picks_each(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    linux = for_this_system("linux", env)
    assert isinstance(linux, XdgAutostart)
    assert linux.user_file == tmp_path / "config" / "autostart" / "scamguard.desktop"
    macos = for_this_system("macos", env)
    assert isinstance(macos, LaunchAgentAutostart)
    assert macos.path.parent == tmp_path / "home" / "Library" / "LaunchAgents"
    assert isinstance(for_this_system("windows", env), WindowsAutostart)
    for adapter in (linux, macos, for_this_system("windows", env)):
        assert isinstance(adapter, Autostart)
    with pytest.raises(ValueError, match="unknown OS"):
        for_this_system("beos", env)


def test_for_this_system_defaults_to_this_os(tmp_path: Path) -> None:
    expected = {"win32": WindowsAutostart, "darwin": LaunchAgentAutostart}
    assert isinstance(
        for_this_system(env=env_for(tmp_path)), expected.get(sys.platform, XdgAutostart)
    )


def test_tray_command(tmp_path: Path) -> None:
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    python = str(bin_dir / "python")
    frozen = str(tmp_path / "ScamGuard")
    assert tray_command(executable=frozen, frozen=True, os_name="linux", env={}) == [frozen]
    appimage = {"APPIMAGE": "/home/al/ScamGuard.AppImage"}
    assert tray_command(executable=frozen, frozen=True, env=appimage) == [appimage["APPIMAGE"]]

    assert tray_command(executable=python, frozen=False, os_name="linux") == [python, "-m", "ui"]
    script = bin_dir / "scamguard"
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    script.chmod(0o755)
    assert tray_command(executable=python, frozen=False, os_name="macos") == [str(script)]

    scripts = tmp_path / "venv" / "Scripts"
    scripts.mkdir()
    py_exe = str(scripts / "python.exe")
    assert tray_command(executable=py_exe, frozen=False, os_name="windows") == [py_exe, "-m", "ui"]
    (scripts / "pythonw.exe").write_bytes(b"")
    (scripts / "scamguard.exe").write_bytes(b"")  # a console program: not used at login
    assert tray_command(executable=py_exe, frozen=False, os_name="windows") == [
        str(scripts / "pythonw.exe"),
        "-m",
        "ui",
    ]


def test_tray_command_for_this_process_is_absolute() -> None:
    argv = tray_command()
    assert argv
    assert os.path.isabs(argv[0])


def test_each_system_tells_when_the_installer_started_it_for_everyone(tmp_path):
    run, approved, machine_run = FakeKey("Run"), FakeKey("Approved"), FakeKey("Run")
    windows = WindowsAutostart(run, approved, machine_run)
    assert windows.for_everyone() == ""
    machine_run.values["ScamGuard"] = (
        '"C:\\Program Files\\ScamGuard\\scamguard-tray.exe" keep-running'
    )
    assert "HKEY_LOCAL_MACHINE" in windows.for_everyone()
    machine_run.fail = PermissionError(5, "Access is denied")
    assert windows.for_everyone() == ""  # unreadable: the person's own setting is shown

    agent = tmp_path / "LaunchAgents" / "uk.co.scamguard.agent.plist"
    mac = LaunchAgentAutostart(tmp_path, machine_agent=agent)
    assert mac.for_everyone() == ""
    agent.parent.mkdir()
    agent.write_bytes(b"<plist/>")
    assert mac.for_everyone() == str(agent)

    system = tmp_path / "xdg" / "autostart" / "scamguard.desktop"
    xdg = XdgAutostart(env_for(tmp_path))
    assert xdg.for_everyone() == ""
    system.parent.mkdir(parents=True)
    system.write_text(
        "[Desktop Entry]\nType=Application\nExec=scamguard keep-running\nHidden=true\n"
    )
    assert xdg.for_everyone() == ""  # switched off by the admin
    system.write_text("[Desktop Entry]\nType=Application\nExec=scamguard keep-running\n")
    assert xdg.for_everyone() == str(system)


def test_a_persons_login_entry_keeps_the_tray_running(tmp_path):
    exe = str(tmp_path / "scamguard-tray")
    assert login_command(executable=exe, frozen=True, os_name="windows") == [exe, "keep-running"]
    assert login_command(executable=exe, frozen=True, os_name="linux") == [exe, "keep-running"]
    assert login_command(executable=exe, frozen=True, os_name="macos") == [exe]  # KeepAlive
