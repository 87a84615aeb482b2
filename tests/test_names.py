"""Name normalisation and the protected/generic lists that no signature can weaken."""

import pytest

from guard.sigdb.names import (
    GENERIC_NAMES,
    PROTECTED_NAMES,
    is_protected,
    name_key,
    normalize_file_name,
    strip_duplicate_suffix,
)


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
    ],
)
def test_protected(name: str) -> None:
    assert is_protected(name)


@pytest.mark.parametrize(
    "name", ["agent.exe", "setup.exe", "client32.exe", "connect.exe", "winvnc.exe", "Setup (1).exe"]
)
def test_generic(name: str) -> None:
    assert name_key(name) in GENERIC_NAMES


def test_lists_do_not_overlap_and_are_normalised() -> None:
    assert not PROTECTED_NAMES & GENERIC_NAMES
    for name in PROTECTED_NAMES | GENERIC_NAMES:
        assert name == name_key(name), name
