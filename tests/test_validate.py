"""``signatures validate``: every kind of bad file is refused with file, field and reason."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from guard.sigdb.loader import check_database, load_database
from guard.sigdb.problems import SignatureError
from tests.conftest import run_cli
from tests.helpers import tool_toml, write_database

GOOD = tool_toml(
    "goodtool",
    "Good Tool",
    """
    [names]
    windows = ["GoodTool.exe"]
    linux = ["goodtool"]
""",
)


def problems_for(tmp_path: Path, tools: dict[str, str]) -> list[str]:
    _, problems = check_database(write_database(tmp_path / "db", tools))
    return [str(p) for p in problems]


def test_good_database_loads(tmp_path: Path) -> None:
    sigset = load_database(write_database(tmp_path / "db", {"goodtool": GOOD}))
    assert [t.id for t in sigset.tools] == ["goodtool"]
    assert sigset.version == 1


@pytest.mark.parametrize(
    ("stem", "text", "expected"),
    [
        ("bad", 'id = "bad"\nname = [unclosed', "bad.toml: file: malformed TOML"),
        (
            "bad",
            tool_toml("bad", extra="colour = 'red'\n[names]\nlinux=['badtool']\n"),
            "bad.toml: colour: unknown field",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nlinux=['badtool']\nsolaris=['x']\n"),
            "bad.toml: names.solaris: unknown field",
        ),
        ("bad", 'id = "bad"\nname = "Bad"\n', "bad.toml: vendor: is required"),
        (
            "bad",
            tool_toml("bad", extra="[names]\nlinux='badtool'\n"),
            "bad.toml: names.linux: must be a list, not a string",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nlinux=[42]\n"),
            "bad.toml: names.linux[0]: must be a string, not a number",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nlinux=['']\n"),
            "bad.toml: names.linux[0]: must not be empty",
        ),
        (
            "bad",
            tool_toml("bad", extra=f"[names]\nlinux=['{'b' * 201}']\n"),
            "bad.toml: names.linux[0]: is longer than 200 characters",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nwindows=['explorer.exe']\n"),
            "bad.toml: names.windows[0]: 'explorer.exe' is a protected system program",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nlinux=['systemd']\n"),
            "bad.toml: names.linux[0]: 'systemd' is a protected system program",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nmacos=['WindowServer']\n"),
            "is a protected system program",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nwindows=['scamguard.exe']\n"),
            "'scamguard.exe' is a protected part of ScamGuard",
        ),
        (
            "bad",
            tool_toml("bad", extra="[installers]\npatterns=['*.exe']\n"),
            "bad.toml: installers.patterns[0]: pattern '*.exe' must start with at least 3",
        ),
        (
            "bad",
            tool_toml("bad", extra="[installers]\npatterns=['setup*']\n"),
            "bad.toml: installers.patterns[0]: pattern 'setup*' is too broad",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nwindows=['dwm*.exe']\n"),
            "bad.toml: names.windows[0]: pattern 'dwm*.exe' matches the protected name 'dwm' "
            "(system program), which no signature may claim",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nwindows=['C:\\\\x\\\\bad.exe']\n"),
            "must be a bare file name",
        ),
        # What no signature can ever freeze: runtimes, desktop services, browsers, system
        # programs, by name, by pattern, by install path, by version info, by app id.
        (
            "bad",
            tool_toml("bad", extra="[names]\nlinux=['python3.11']\n"),
            "bad.toml: names.linux[0]: 'python3.11' is a protected interpreter or runtime and "
            "can never be matched",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nwindows=['wscript.exe']\n"),
            "'wscript.exe' is a protected interpreter or runtime",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nlinux=['gnome-terminal-server']\n"),
            "'gnome-terminal-server' is a protected desktop or session service",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nmacos=['Google Chrome Helper (Renderer)']\n"),
            "'Google Chrome Helper (Renderer)' is a protected web browser",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nwindows=['SgrmBroker.exe']\n"),
            "'SgrmBroker.exe' is a protected system program",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nlinux=['pyth?n3.1*']\n"),
            "bad.toml: names.linux[0]: pattern 'pyth?n3.1*' matches the protected name "
            "'python3.1' (interpreter or runtime), which no signature may claim",
        ),
        (
            "bad",
            tool_toml("bad", extra="[installers]\npatterns=['python3.1??.exe']\n"),
            "bad.toml: installers.patterns[0]: pattern 'python3.1??.exe' matches the "
            "protected name 'python3.100'",
        ),
        (
            "bad",
            tool_toml(
                "bad", extra="[names]\nlinux=['badtool']\n[paths]\nlinux=['/usr/lib/firefox']\n"
            ),
            "bad.toml: paths.linux[0]: '/usr/lib/firefox' is the place of 'firefox', a "
            "protected web browser",
        ),
        (
            "bad",
            tool_toml(
                "bad",
                extra="[names]\nlinux=['badtool']\n"
                "[paths]\nwindows=['%SystemRoot%\\\\System32\\\\svchost.exe']\n",
            ),
            "'svchost.exe', a protected system program",
        ),
        (
            "bad",
            tool_toml("bad", extra="[[pe]]\nproduct = 'Bad'\noriginal_filename = 'python.exe'\n"),
            "bad.toml: pe[0].original_filename: 'python.exe' would match the protected "
            "interpreter or runtime 'python'",
        ),
        (
            "bad",
            tool_toml("bad", extra="[[pe]]\nproduct = 'Google Chrome'\n"),
            "bad.toml: pe[0].product: 'Google Chrome' would match the protected web browser",
        ),
        (
            "bad",
            tool_toml("bad", extra="[[pe]]\ninternal_name = 'pyth*3.1?'\nproduct = 'Bad'\n"),
            "'pyth*3.1?' would match the protected interpreter or runtime 'python3.10'",
        ),
        (
            "bad",
            # A pathological pattern in version info: the same cap as file patterns.
            tool_toml("bad", extra="[[pe]]\nproduct = 'Bad*a*a*a*a*a*a*a*a*a*a*a*a*a*b'\n"),
            "bad.toml: pe[0].product: 'Bad*a*a*a*a*a*a*a*a*a*a*a*a*a*b' has more than 4 wildcards",
        ),
        (
            "bad",
            tool_toml("bad", extra="[macos]\nbundle_ids=['org.mozilla.firefox']\n"),
            "bad.toml: macos.bundle_ids[0]: 'org.mozilla.firefox' names 'firefox', a protected "
            "web browser, which can never be matched",
        ),
        (
            "bad",
            tool_toml("bad", extra="[macos]\nbundle_ids=['com.apple.Finder2']\n"),
            "'com.apple.finder2', a protected system program",
        ),
        (
            "bad",
            tool_toml("bad", extra="[linux]\ndesktop_ids=['org.gnome.Terminal.desktop']\n"),
            "names 'terminal', a protected desktop or session service",
        ),
        (
            "bad",
            tool_toml("bad", extra="[linux]\npackages=['python3.11']\n"),
            "bad.toml: linux.packages[0]: 'python3.11' names 'python3.11', a protected "
            "interpreter or runtime",
        ),
        (
            "bad",
            tool_toml("bad", extra="[[pe]]\ncompany = 'Microsoft Corporation'\n"),
            "bad.toml: pe[0]: company or generic values alone",
        ),
        (
            "bad",
            tool_toml("bad", extra="[[pe]]\noriginal_filename = 'setup.exe'\n"),
            "bad.toml: pe[0]: company or generic values alone",
        ),
        (
            "bad",
            tool_toml("bad", extra="[[pe]]\nproduct = 'Bad'\nversion = '1'\n"),
            "bad.toml: pe[0].version: unknown field",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nlinux=['badtool']\n[paths]\nlinux=['/usr/bin']\n"),
            "bad.toml: paths.linux[0]: '/usr/bin' is a shared folder",
        ),
        (
            "bad",
            tool_toml(
                "bad", extra="[names]\nlinux=['badtool']\n[paths]\nwindows=['%ProgramFiles%']\n"
            ),
            "is a shared folder",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nlinux=['badtool']\n[paths]\nlinux=['opt/bad']\n"),
            "bad.toml: paths.linux[0]: 'opt/bad' must be absolute",
        ),
        (
            "bad",
            tool_toml(
                "bad", extra="[names]\nlinux=['badtool']\n[paths]\nwindows=['%HOMEDRIVE%\\\\bad']\n"
            ),
            "uses unknown variable %HOMEDRIVE%",
        ),
        (
            "bad",
            tool_toml(
                "bad",
                extra="[names]\nlinux=['badtool']\n"
                "[network]\ndomains=['relay-[a-f0-9]{8}.bad.com']\n",
            ),
            "bad.toml: network.domains[0]: 'relay-[a-f0-9]{8}.bad.com' is not a lower-case host",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nlinux=['badtool']\n[network]\nports=[70000]\n"),
            "bad.toml: network.ports[0]: 70000 is not a port number",
        ),
        (
            "bad",
            tool_toml("bad", extra="[hashes]\nsha256=['abc']\n"),
            "bad.toml: hashes.sha256[0]: 'abc' is not 64 hexadecimal characters",
        ),
        (
            "bad",
            tool_toml("bad", extra="[macos]\nbundle_ids=['com.apple.finder']\n"),
            "bad.toml: macos.bundle_ids[0]: 'com.apple.finder' is a protected macOS system app",
        ),
        ("bad", tool_toml("bad"), "bad.toml: names: the tool has nothing to identify it by"),
        (
            "bad",
            tool_toml("other", extra="[names]\nlinux=['badtool']\n"),
            "bad.toml: id: 'other' must equal the file name (bad.toml)",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nlinux=['badtool', 'BADTOOL']\n"),
            "bad.toml: names.linux[1]: repeats 'BADTOOL'",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nlinux=['badtool']\n").replace(
                'kind = "remote-desktop"', 'kind = "spyware"'
            ),
            "bad.toml: kind: 'spyware' is not one of",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nlinux=['badtool']\n").replace(
                "reviewed = 2026-11-01", 'reviewed = "yesterday"'
            ),
            "bad.toml: reviewed: must be a date",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nlinux=['badtool']\n").replace(
                "reviewed = 2026-11-01", "reviewed = 2099-01-01"
            ),
            "bad.toml: reviewed: 2099-01-01 is in the future",
        ),
        (
            "bad",
            tool_toml("bad", extra="[names]\nlinux=['badtool']\n").replace(
                'sources = ["https://example.com/docs"]', "sources = []"
            ),
            "bad.toml: sources: must cite at least one source",
        ),
        (
            "bad",
            tool_toml("bad", extra="abuse_url = 'http://x.example'\n[names]\nlinux=['bt']\n"),
            "bad.toml: abuse_url: must be an https:// address",
        ),
    ],
)
def test_each_kind_of_bad_file_is_refused(
    tmp_path: Path, stem: str, text: str, expected: str
) -> None:
    found = problems_for(tmp_path, {"goodtool": GOOD, stem: text})
    assert any(expected in p for p in found), found
    assert not any(p.startswith("goodtool.toml") for p in found), found


def test_the_systems_own_remote_access_tools_may_be_listed(tmp_path: Path) -> None:
    """Quick Assist, Remote Assistance, Remote Desktop, macOS Screen Sharing and Linux desktop
    sharing are remote-access tools a caller can talk a person into: never protected."""
    tool = tool_toml(
        "systools",
        "System Remote Tools",
        """
        [names]
        windows = ["QuickAssist.exe", "msra.exe", "mstsc.exe", "raserver.exe", "rdpclip.exe"]
        macos = ["screensharingd", "Screen Sharing", "ScreensharingAgent", "SSInvitationAgent"]
        linux = ["vino-server", "gnome-remote-desktop-daemon", "krfb", "kdeconnectd"]
        [installers]
        patterns = ["com.apple.screensharing*"]
        [macos]
        bundle_ids = ["com.apple.ScreenSharing", "com.apple.RemoteDesktop"]
        [paths]
        windows = ["%SystemRoot%\\\\System32\\\\quickassist.exe"]
        macos = ["/System/Library/CoreServices/RemoteManagement/ARDAgent.app"]
        """,
    )
    assert problems_for(tmp_path, {"systools": tool}) == []


def test_cli_validate_names_the_protected_program_a_pattern_reaches(tmp_path: Path) -> None:
    root = write_database(
        tmp_path / "db",
        {
            "goodtool": GOOD,
            "bad": tool_toml("bad", extra="[names]\nwindows=['Pyth?n3.1*.exe']\n"),
        },
    )
    result = run_cli("signatures", "validate", str(root))
    assert result.returncode == 3
    assert result.stdout.splitlines()[0] == (
        "bad.toml: names.windows[0]: pattern 'Pyth?n3.1*.exe' matches the protected name "
        "'python3.1' (interpreter or runtime), which no signature may claim"
    )
    assert "Traceback" not in result.stderr


def test_two_tools_claiming_one_name(tmp_path: Path) -> None:
    other = tool_toml("other", "Other", "[names]\nwindows = ['goodtool.EXE']\n")
    found = problems_for(tmp_path, {"goodtool": GOOD, "other": other})
    assert found == [
        "other.toml: names.windows: 'goodtool.EXE' is already claimed by goodtool (goodtool.toml)"
    ]


def test_two_tools_with_one_display_name(tmp_path: Path) -> None:
    other = tool_toml("other", "Good Tool", "[names]\nlinux = ['othertool']\n")
    found = problems_for(tmp_path, {"goodtool": GOOD, "other": other})
    assert found == ["other.toml: name: 'Good Tool' is already claimed by goodtool (goodtool.toml)"]


def test_generic_names_may_be_shared(tmp_path: Path) -> None:
    a = tool_toml("vnca", "VNC A", "[names]\nwindows=['winvnc.exe']\n[[pe]]\nproduct='VNC A'\n")
    b = tool_toml("vncb", "VNC B", "[names]\nwindows=['winvnc.exe']\n[[pe]]\nproduct='VNC B'\n")
    assert problems_for(tmp_path, {"vnca": a, "vncb": b}) == []


def test_unreadable_inputs(tmp_path: Path) -> None:
    root = write_database(tmp_path / "db", {"goodtool": GOOD})
    (root / "tools" / "binary.toml").write_bytes(b'id = "\xff\xfe"')
    (root / "tools" / "huge.toml").write_text("# " + "x" * 70_000)
    found = [str(p) for p in check_database(root)[1]]
    assert "binary.toml: file: is not UTF-8 text (byte 6)" in found
    assert "huge.toml: file: is larger than 64 KiB" in found


def test_missing_and_empty_directories(tmp_path: Path) -> None:
    _, problems = check_database(tmp_path / "nowhere")
    assert [p.message for p in problems] == ["does not exist or is not a folder"]
    (tmp_path / "empty").mkdir()
    _, problems = check_database(tmp_path / "empty")
    assert [p.message for p in problems] == ["holds no tool signature files"]


def test_database_metadata_is_checked(tmp_path: Path) -> None:
    root = write_database(tmp_path / "db", {"goodtool": GOOD})
    (root / "database.toml").write_text("version = 0\nreleased = 'soon'\nowner = 'me'\n")
    found = [str(p) for p in check_database(root)[1]]
    assert "database.toml: version: must be a whole number of 1 or more" in found
    assert "database.toml: released: must be a date like 2026-11-21" in found
    assert "database.toml: owner: unknown field" in found


def test_load_raises_with_every_problem(tmp_path: Path) -> None:
    root = write_database(
        tmp_path / "db",
        {
            "aa": tool_toml("aa", extra="[installers]\npatterns=['*.exe']\n"),
            "bb": tool_toml("bb", extra="[names]\nwindows=['lsass.exe']\n"),
        },
    )
    with pytest.raises(SignatureError) as caught:
        load_database(root)
    assert len(caught.value.problems) == 2
    assert "and 1 more" in str(caught.value)


def test_reviewed_tomorrow_is_allowed_for_clock_skew(tmp_path: Path) -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    text = GOOD.replace("reviewed = 2026-11-01", f"reviewed = {tomorrow.isoformat()}")
    assert problems_for(tmp_path, {"goodtool": text}) == []


def test_a_clock_set_back_still_loads_the_database_to_guard_with(tmp_path: Path) -> None:
    """Publishing refuses a review date in the future; guarding must not, or a computer
    with a flat clock battery would stop guarding altogether."""
    text = GOOD.replace("reviewed = 2026-11-01", "reviewed = 2099-01-01")
    root = write_database(tmp_path / "db", {"goodtool": text})
    assert [t.id for t in load_database(root).tools] == ["goodtool"]
    assert problems_for(tmp_path / "again", {"goodtool": text}) == [
        "goodtool.toml: reviewed: 2099-01-01 is in the future"
    ]


def test_cli_validate_reports_and_exits_3(tmp_path: Path) -> None:
    root = write_database(
        tmp_path / "db",
        {
            "goodtool": GOOD,
            "bad": tool_toml("bad", extra="[installers]\npatterns=['setup*']\n"),
        },
    )
    result = run_cli("signatures", "validate", str(root))
    assert result.returncode == 3
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "bad.toml: installers.patterns[0]: pattern 'setup*' is too broad: it "
        "matches ordinary files such as 'setup.exe'"
    )
    assert lines[-1].startswith("REJECTED: 1 problem(s) in 1 file(s)")
    assert "Traceback" not in result.stderr


def test_cli_validate_json_and_clean_exit(tmp_path: Path) -> None:
    root = write_database(tmp_path / "db", {"goodtool": GOOD})
    result = run_cli("signatures", "validate", "--json", str(root))
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["tools"] == 1 and data["problems"] == []


def test_cli_validate_a_bare_tools_folder(tmp_path: Path) -> None:
    root = write_database(tmp_path / "db", {"goodtool": GOOD})
    result = run_cli("signatures", "validate", str(root / "tools"))
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("OK: 1 tool signatures")


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("AnyDesk - STOP. Call Microsoft on 0800 046 1234", "more than 4 digits"),
        ("AnyDesk\u202e", "is not allowed"),  # right-to-left override: invisible reordering
        ("AnyDesk see scam-help.example", None),  # words alone cannot carry a number
        ("Sunlogin (向日葵)", None),
        ("TeamViewer 15", None),
    ],
)
def test_names_shown_in_the_warning_cannot_carry_a_phone_number(
    tmp_path: Path, name: str, why: str | None
) -> None:
    """Tool names are signed by the content key only; phone numbers need the profile key."""
    text = GOOD.replace('name = "Good Tool"', f"name = {json.dumps(name)}")
    assert text != GOOD
    problems = problems_for(tmp_path, {"goodtool": text})
    if why is None:
        assert problems == []
    else:
        assert len(problems) == 1 and "goodtool.toml: name:" in problems[0] and why in problems[0]
