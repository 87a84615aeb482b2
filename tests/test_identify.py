"""The identifier, against the shipped database and against small purpose-built ones."""

from __future__ import annotations

import json
import os
import plistlib
from pathlib import Path

import pytest

from guard.identify.identifier import Identifier, InspectError
from guard.identify.index import SignatureIndex
from guard.sigdb.loader import load_database
from tests.conftest import run_cli
from tests.helpers import tool_toml, write_database
from tests.pe_builder import write_pe

DONE_POSITIVE = {
    "AnyDesk.exe": "anydesk",
    "AnyDesk (1).exe": "anydesk",
    "TeamViewerQS_x64.exe": "teamviewer",
    "rustdesk-1.3.2-x86_64.exe": "rustdesk",
    "quickassist.exe": "quick-assist",
    "ScreenConnect.ClientSetup.exe": "screenconnect",
}
DONE_NEGATIVE = ["explorer.exe", "notepad.exe", "dwm.exe", "agent.exe", "zoom.exe"]


@pytest.mark.parametrize(("name", "tool"), DONE_POSITIVE.items())
def test_issue_examples_identified(identifier: Identifier, name: str, tool: str) -> None:
    result = identifier.identify_name(name)
    assert result.tool is not None and result.tool.id == tool
    assert result.evidence and all(e.tool_id in (tool, None) for e in result.evidence)


@pytest.mark.parametrize(
    "name",
    [
        *DONE_NEGATIVE,
        "setup.exe",
        "chrome.exe",
        "ChromeSetup.exe",
        "Firefox Setup 133.0.exe",
        "python.exe",
        "svchost.exe",
        "msedge.exe",
        "OneDrive.exe",
        "Teams.exe",
        "Spotify.exe",
        "vlc.exe",
        "client32.exe",
        "winvnc.exe",
        "invoice.pdf.exe",
        "bash",
        "sshd",
        "rdesktop",
    ],
)
def test_ordinary_names_are_not_tools(identifier: Identifier, name: str) -> None:
    assert identifier.identify_name(name).tool is None


def test_generic_name_explains_itself(identifier: Identifier) -> None:
    result = identifier.identify_name("client32.exe")
    assert result.tool is None
    assert result.evidence and all(e.kind == "generic-name" for e in result.evidence)
    assert "needs a second piece of evidence" in result.evidence[0].detail


def test_protected_name_explains_itself(identifier: Identifier) -> None:
    (note,) = identifier.identify_name("explorer.exe").evidence
    assert note.kind == "protected-name" and note.tool_id is None


@pytest.fixture
def small_ident(tmp_path: Path) -> Identifier:
    """A database with one tool that has every kind of evidence, read with Windows rules."""
    root = write_database(
        tmp_path / "db",
        {
            "demodesk": tool_toml(
                "demodesk",
                "DemoDesk",
                """
            [names]
            windows = ["DemoDesk.exe", "agent.exe"]
            linux = ["demodesk"]
            [installers]
            patterns = ["DemoDesk_Setup*.exe"]
            [[pe]]
            product = "DemoDesk"
            [[pe]]
            company = "Demo GmbH"
            original_filename = "DD.exe"
            [macos]
            bundle_ids = ["com.demo.desk"]
            [linux]
            desktop_ids = ["demodesk.desktop"]
            packages = ["demodesk"]
            [paths]
            windows = ["%ProgramFiles(x86)%\\\\DemoDesk"]
            macos = ["/Applications/DemoDesk.app"]
            [hashes]
            sha256 = ["{sha}"]
        """.replace("{sha}", "a" * 64),
            ),
        },
    )
    index = SignatureIndex(load_database(root))
    env = {"ProgramFiles(x86)": str(tmp_path / "Program Files (x86)")}
    return Identifier(index, os_name="windows", env=env, home=str(tmp_path))


def test_renamed_pe_is_caught_by_version_info(tmp_path: Path, identifier: Identifier) -> None:
    disguised = write_pe(
        tmp_path / "TalkTalk Support.exe",
        CompanyName="AnyDesk Software GmbH",
        ProductName="AnyDesk",
        OriginalFilename="AnyDesk.exe",
    )
    result = identifier.identify_file(disguised)
    assert result.tool is not None and result.tool.id == "anydesk"
    assert [e.kind for e in result.evidence] == ["pe-version"]
    assert result.facts["ProductName"] == "AnyDesk"


def test_protected_name_with_tool_metadata_is_still_the_tool(
    tmp_path: Path, identifier: Identifier
) -> None:
    disguised = write_pe(tmp_path / "explorer.exe", ProductName="AnyDesk")
    result = identifier.identify_file(disguised)
    assert result.tool is not None and result.tool.id == "anydesk"
    assert {e.kind for e in result.evidence} == {"pe-version", "protected-name"}


def test_metadata_outranks_a_misleading_name(tmp_path: Path, identifier: Identifier) -> None:
    # Named like TeamViewer, built from AnyDesk: the version info wins.
    exe = write_pe(tmp_path / "TeamViewer.exe", ProductName="AnyDesk")
    assert identifier.identify_file(exe).tool.id == "anydesk"  # type: ignore[union-attr]


def test_pe_identity_needs_all_its_fields(tmp_path: Path, small_ident: Identifier) -> None:
    half = write_pe(tmp_path / "x.exe", CompanyName="Demo GmbH", OriginalFilename="other.exe")
    assert small_ident.identify_file(half).tool is None
    full = write_pe(tmp_path / "y.exe", CompanyName="DEMO GMBH", OriginalFilename="dd.exe")
    assert small_ident.identify_file(full).tool.id == "demodesk"  # type: ignore[union-attr]


def test_generic_name_plus_install_path(tmp_path: Path, small_ident: Identifier) -> None:
    folder = tmp_path / "Program Files (x86)" / "DemoDesk"
    folder.mkdir(parents=True)
    inside = folder / "agent.exe"
    inside.write_bytes(b"not a pe")
    result = small_ident.identify_file(inside)
    assert result.tool is not None and result.tool.id == "demodesk"
    assert {e.kind for e in result.evidence} == {"generic-name", "install-path"}
    elsewhere = tmp_path / "agent.exe"
    elsewhere.write_bytes(b"not a pe")
    assert small_ident.identify_file(elsewhere).tool is None
    # Windows compares paths without case.
    upper = Path(str(inside).replace("DemoDesk", "DEMODESK"))
    upper.parent.mkdir(parents=True, exist_ok=True)
    upper.write_bytes(b"x")
    assert small_ident.identify_file(upper).tool is not None


def test_install_path_alone_is_not_enough(tmp_path: Path, small_ident: Identifier) -> None:
    folder = tmp_path / "Program Files (x86)" / "DemoDesk"
    folder.mkdir(parents=True)
    (folder / "readme.txt").write_text("hello")
    result = small_ident.identify_file(folder / "readme.txt")
    assert result.tool is None
    assert [e.kind for e in result.evidence] == ["install-path"]


def test_hash_identifies_alone(tmp_path: Path) -> None:
    payload = tmp_path / "blob.bin"
    payload.write_bytes(b"exact build")
    import hashlib

    digest = hashlib.sha256(b"exact build").hexdigest()
    root = write_database(
        tmp_path / "db",
        {
            "hashtool": tool_toml("hashtool", extra=f"[hashes]\nsha256 = ['{digest.upper()}']\n"),
        },
    )
    ident = Identifier(SignatureIndex(load_database(root)), os_name="linux", env={})
    result = ident.identify_file(payload)
    assert result.tool is not None and result.tool.id == "hashtool"
    assert result.sha256 == digest


@pytest.mark.parametrize("binary", [False, True])
def test_macos_bundle_id(tmp_path: Path, small_ident: Identifier, binary: bool) -> None:
    app = tmp_path / "Support Helper.app"
    (app / "Contents" / "MacOS").mkdir(parents=True)
    info = {"CFBundleIdentifier": "com.demo.desk", "CFBundleExecutable": "helper"}
    fmt = plistlib.FMT_BINARY if binary else plistlib.FMT_XML
    (app / "Contents" / "Info.plist").write_bytes(plistlib.dumps(info, fmt=fmt))
    exe = app / "Contents" / "MacOS" / "helper"
    exe.write_text("#!/bin/sh\n")
    for target in (app, exe):
        result = small_ident.identify_file(target)
        assert result.tool is not None and result.tool.id == "demodesk", target
        assert "bundle-id" in {e.kind for e in result.evidence}


def test_broken_plist_is_no_evidence(tmp_path: Path, small_ident: Identifier) -> None:
    app = tmp_path / "Odd.app"
    (app / "Contents").mkdir(parents=True)
    (app / "Contents" / "Info.plist").write_text("<plist><dict><key>x</key")
    assert small_ident.identify_file(app).tool is None


def test_desktop_entry_and_browser_duplicate(tmp_path: Path, small_ident: Identifier) -> None:
    entry = tmp_path / "demodesk.desktop"
    entry.write_text("[Desktop Entry]\nName=DemoDesk\n")
    assert small_ident.identify_file(entry).tool.id == "demodesk"  # type: ignore[union-attr]
    dup = tmp_path / "DemoDesk_Setup_x64 (2).exe"
    dup.write_bytes(b"x")
    result = small_ident.identify_file(dup)
    assert result.tool is not None and result.evidence[0].kind == "installer-name"


def test_folder_and_missing_targets_are_one_line_errors(
    tmp_path: Path, identifier: Identifier
) -> None:
    with pytest.raises(InspectError, match="is a folder, not a program"):
        identifier.identify_file(tmp_path)
    with pytest.raises(InspectError, match="no such file or folder"):
        identifier.identify_target(str(tmp_path / "AnyDesk.exe"))
    with pytest.raises(InspectError, match="empty"):
        identifier.identify_target(" ")


def test_bare_name_vs_existing_file(
    tmp_path: Path, identifier: Identifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert identifier.identify_target("AnyDesk.exe").path is None  # no such file: a name
    write_pe(tmp_path / "AnyDesk.exe", ProductName="AnyDesk")
    result = identifier.identify_target("AnyDesk.exe")  # exists: inspected
    assert result.path == str(tmp_path / "AnyDesk.exe")
    assert {e.kind for e in result.evidence} == {"name", "pe-version"}


def _drop_file_permission_override() -> None:
    """In the child: as root, give up CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH so file modes
    apply to us as to any user (prctl PR_CAPBSET_DROP; exec recomputes root's capabilities
    from the bounding set)."""
    if os.geteuid() == 0:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "prctl")


def test_unreadable_file_is_identified_by_name_with_a_note(tmp_path: Path) -> None:
    """A file we may not read: its name still counts and the note says why."""
    secret = write_pe(tmp_path / "AnyDesk.exe", ProductName="AnyDesk")
    secret.chmod(0o000)
    try:
        result = run_cli(
            "identify", "--json", str(secret), preexec_fn=_drop_file_permission_override
        )
    finally:
        secret.chmod(0o600)
    assert result.returncode == 0, result.stderr
    (verdict,) = json.loads(result.stdout)
    assert verdict["tool"] == "anydesk"
    assert [e["kind"] for e in verdict["evidence"]] == ["name", "unreadable"]


def test_untraversable_folder_is_a_one_line_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    write_pe(locked / "AnyDesk.exe", ProductName="AnyDesk")
    locked.chmod(0o000)
    try:
        result = run_cli(
            "identify", str(locked / "AnyDesk.exe"), preexec_fn=_drop_file_permission_override
        )
    finally:
        locked.chmod(0o700)
    assert result.returncode == 2
    assert result.stderr.strip().endswith("AnyDesk.exe: permission denied"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
