"""Name normalisation and the protected/generic lists that no signature can weaken."""

import pytest

from guard.sigdb.names import (
    GENERIC_NAMES,
    PROTECTED_NAMES,
    SHELL_NAMES,
    is_command_runner,
    is_protected,
    is_protected_program,
    name_key,
    normalize_file_name,
    protected_reason,
    strip_duplicate_suffix,
)
from guard.sigdb.protected import FAMILIES, LITERALS, MAX_NAME_LEN


@pytest.mark.parametrize(
    ("given", "key"),
    [
        ("AnyDesk.exe", "anydesk"),
        ("anydesk", "anydesk"),
        ("ANYDESK.EXE", "anydesk"),
        ("AnyDesk (1).exe", "anydesk"),  # Chrome / Edge duplicate download
        ("AnyDesk(12).exe", "anydesk"),  # Firefox duplicate download
        ("  AnyDesk.exe ", "anydesk"),
        ("AnyDesk.msi", "anydesk.msi"),  # an installer is not the program
        ("TeamViewer (1)", "teamviewer"),
    ],
)
def test_name_key(given: str, key: str) -> None:
    assert name_key(given) == key


def test_duplicate_suffix_only_at_the_end() -> None:
    assert strip_duplicate_suffix("Tool (1) helper.exe") == "Tool (1) helper.exe"
    assert strip_duplicate_suffix("Tool (2024).exe") == "Tool (2024).exe"  # 4 digits: a year
    assert normalize_file_name("AnyDesk (3).dmg") == "anydesk.dmg"


@pytest.mark.parametrize(
    "name",
    [
        "explorer.exe",
        "EXPLORER.EXE",
        "dwm.exe",
        "svchost.exe",
        "csrss.exe",
        "winlogon.exe",
        "lsass.exe",
        "services.exe",
        "systemd",
        "init",
        "Xorg",
        "gnome-shell",
        "kwin",
        "loginwindow",
        "WindowServer",
        "Finder",
        "scamguard",
        "scamguard.exe",
        "python3",
        # interpreters and runtimes, with their versions
        "python3.11",
        "python3.12",
        "Python3.12.exe",  # the Microsoft Store's name
        "pythonw3.12",
        "python3.13t",
        "pypy3.10",
        "perl",
        "perl5.36",
        "java",
        "javaw.exe",
        "node",
        "nodejs",
        "ruby3.1",
        "php8.2",
        "php-fpm8.2",
        "lua5.4",
        "tclsh8.6",
        "wscript.exe",
        "cscript.exe",
        "mshta.exe",
        "osascript",
        # desktop and session services, terminals
        "gnome-terminal-server",
        "konsole",
        "xterm",
        "xfce4-terminal",
        "tilix",
        "xdg-desktop-portal",
        "xdg-desktop-portal-gnome",
        "polkitd",
        "polkit-gnome-authentication-agent-1",
        "pipewire",
        "pipewire-pulse",
        "wireplumber",
        "pulseaudio",
        "ibus-daemon",
        "fcitx5",
        "gvfsd-fuse",
        "ssh-agent",
        "gpg-agent",
        "at-spi2-registryd",
        "gnome-keyring-daemon",
        "evolution-source-registry",
        "tracker-miner-fs-3",
        "kded6",
        "systemd-logind",
        # browsers and their helpers
        "firefox",
        "Isolated Web Co",
        "chrome.exe",
        "chromium",
        "msedge.exe",
        "msedgewebview2.exe",
        "brave.exe",
        "opera.exe",
        "vivaldi",
        "Safari",
        "Google Chrome Helper (Renderer)",
        "Microsoft Edge Helper",
        # Windows and macOS system programs
        "WerFault.exe",
        "SearchProtocolHost.exe",
        "backgroundTaskHost.exe",
        "SgrmBroker.exe",
        "CompatTelRunner.exe",
        "MusNotification.exe",
        "Magnify.exe",
        "cfprefsd",
        "distnoted",
        "UserEventAgent",
        "trustd",
        "syspolicyd",
        "XprotectService",
        "XProtectRemediatorAdload",
        "com.apple.WebKit.WebContent",
    ],
)
def test_protected(name: str) -> None:
    assert is_protected(name)
    assert protected_reason(name)


@pytest.mark.parametrize(
    "name",
    [
        # Remote-access programs of the operating systems themselves: the signature database
        # lists some of them (Quick Assist, Remote Assistance, ARDAgent, x11vnc, xrdp).
        "QuickAssist.exe",
        "msra.exe",
        "raserver.exe",
        "mstsc.exe",
        "rdpclip.exe",
        "screensharingd",
        "Screen Sharing",
        "ScreensharingAgent",
        "ARDAgent",
        "com.apple.screensharing.agent",
        "vino-server",
        "gnome-remote-desktop",
        "gnome-remote-desktop-daemon",
        "krfb",
        "x11vnc",
        "xrdp",
        "kdeconnectd",
        # near misses of a family
        "pythonista",
        "python3.11-tool",
        "nodemon",
        "javascript",
        "perlbrew",
        "Google Chrome Remote Desktop",
        "AnyDesk.exe",
        "python" + "3" * 11,  # longer than any version
        "python3." + "1" * MAX_NAME_LEN,
    ],
)
def test_not_protected(name: str) -> None:
    assert not is_protected(name)
    assert protected_reason(name) is None


def test_reasons_name_the_program_and_what_it_is() -> None:
    assert protected_reason("python3.11") == "python3.11 is a protected interpreter or runtime"
    assert protected_reason("explorer.exe") == "explorer.exe is a protected system program"
    assert protected_reason("firefox") == "firefox is a protected web browser"
    assert protected_reason("konsole") == "konsole is a protected desktop or session service"
    assert protected_reason("scamguard") == "scamguard is part of ScamGuard"


def test_protected_program_by_its_own_name_never_by_its_interpreter() -> None:
    assert is_protected_program("python3.11", "/usr/bin/python3.11", "linux") == (
        "python3.11 is a protected interpreter or runtime"
    )
    # A script named like a tool, running on the system's Python, is that tool.
    assert is_protected_program("anydesk", "/usr/bin/python3.11", "linux") is None
    # The kernel cut the name to 15 characters: the program file says what it was.
    assert is_protected_program(
        "gnome-terminal-", "/usr/libexec/gnome-terminal-server", "linux"
    ) == ("gnome-terminal-server is a protected desktop or session service")
    # ...but only a file whose name continues the cut one.
    assert is_protected_program("teamviewer-help", "/usr/bin/gnome-terminal-server", "linux") is (
        None
    )
    # Windows never cuts names.
    assert is_protected_program("gnome-terminal-", "C:\\x\\gnome-terminal-server", "windows") is (
        None
    )
    assert is_protected_program("msedge.exe", None, "windows") == (
        "msedge.exe is a protected web browser"
    )


def test_command_runners_are_the_shells_and_interpreters() -> None:
    """What a frozen tool started to run the caller's commands: protected from signatures,
    but the engine may freeze them inside a tool's tree, like the shells."""
    for name in [*SHELL_NAMES, "python3.12", "perl", "node", "wscript.exe", "mshta", "pwsh"]:
        assert is_command_runner(name), name
    for name in ["explorer", "firefox", "konsole", "systemd-logind", "anydesk"]:
        assert not is_command_runner(name), name
    assert SHELL_NAMES <= PROTECTED_NAMES


def test_family_stems_are_keys_and_the_lists_are_not_tiny() -> None:
    for family in FAMILIES:
        assert family.stem == name_key(family.stem) and len(family.stem) >= 3
    assert len(LITERALS) >= 400 and len(FAMILIES) >= 40


@pytest.mark.parametrize(
    "name", ["agent.exe", "setup.exe", "client32.exe", "connect.exe", "winvnc.exe", "Setup (1).exe"]
)
def test_generic(name: str) -> None:
    assert name_key(name) in GENERIC_NAMES


def test_lists_do_not_overlap_and_are_normalised() -> None:
    assert not PROTECTED_NAMES & GENERIC_NAMES
    for name in PROTECTED_NAMES | GENERIC_NAMES:
        assert name == name_key(name), name
