"""The [session] table of tool signature files: the shipped data, and every bad value refused
with file, field and a one-line reason (the database then loads nothing, as for any field)."""

from __future__ import annotations

from pathlib import Path

import pytest

from guard.sigdb.loader import check_database
from guard.sigdb.model import SignatureSet
from tests.helpers import tool_toml, write_database

NAMES = "[names]\nlinux = ['sesstool']\n"


def session_problems(tmp_path: Path, table: str) -> list[str]:
    text = tool_toml("sesstool", "Session Tool", table + "\n" + NAMES)
    _, problems = check_database(write_database(tmp_path / "db", {"sesstool": text}))
    return [str(p) for p in problems]


def test_a_good_session_table_loads(tmp_path: Path) -> None:
    table = """
    [session]
    remote_ports = [6568]
    listen_ports = [7070, 5900]
    any_remote = true
    traffic = 20000
    os = "rdp"
    [session.logs]
    windows = ["%ProgramData%\\\\SessTool\\\\trace.txt"]
    linux = ["~/.sesstool/trace.txt"]
    markers = ["Incoming"]
    ignore = ["REJECTED"]
    """
    text = tool_toml("sesstool", "Session Tool", NAMES + table)
    sigset, problems = check_database(write_database(tmp_path / "db", {"sesstool": text}))
    assert problems == []
    assert sigset is not None
    rules = sigset.tools[0].session
    assert rules is not None
    assert rules.remote_ports == (6568,) and rules.listen_ports == (7070, 5900)
    assert rules.any_remote and rules.traffic == 20000 and rules.os == "rdp"
    assert rules.logs is not None
    assert rules.logs.paths["linux"] == ("~/.sesstool/trace.txt",)
    assert rules.logs.markers == ("incoming",) and rules.logs.ignore == ("rejected",)


def test_a_tool_without_a_session_table_has_no_rules(tmp_path: Path) -> None:
    text = tool_toml("sesstool", "Session Tool", NAMES)
    sigset, _ = check_database(write_database(tmp_path / "db", {"sesstool": text}))
    assert sigset is not None and sigset.tools[0].session is None


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("[session]\nports = [1]\n", "session.ports: unknown field"),
        ("[session]\nlisten_ports = [0]\n", "session.listen_ports[0]: 0 is not a port number"),
        ("[session]\nlisten_ports = ['5900']\n", "is not a port number"),
        ("[session]\nlisten_ports = [5900, 5900]\n", "session.listen_ports[1]: repeats 5900"),
        ("[session]\nremote_ports = 6568\n", "session.remote_ports: must be a list"),
        ("[session]\nany_remote = 'yes'\n", "session.any_remote: must be true or false"),
        ("[session]\nany_remote = true\n", "session.any_remote: needs a traffic threshold"),
        ("[session]\nremote_ports = [1]\ntraffic = 10\n", "session.traffic: 10 is not 1024-"),
        ("[session]\nremote_ports = [1]\ntraffic = 2.5\n", "session.traffic: must be a whole"),
        ("[session]\nlisten_ports = [1]\ntraffic = 5000\n", "session.traffic: applies to outbound"),
        ("[session]\nos = 'telepathy'\n", "session.os: 'telepathy' is not one of rdp"),
        ("[session]\nany_remote = false\n", "session: gives no signal"),
        ("[session]\n", "session: is empty"),
        ("session = 3\n", "session: must be a table"),
        (
            "[session.logs]\nlinux = ['trace.txt']\nmarkers = ['Incoming']\n",
            "session.logs.linux[0]: 'trace.txt' must be absolute",
        ),
        (
            "[session.logs]\nwindows = ['%Evil%\\\\trace.txt']\nmarkers = ['Incoming']\n",
            "uses unknown variable %Evil%",
        ),
        (
            "[session.logs]\nlinux = ['/var/log/*.log']\nmarkers = ['Incoming']\n",
            "may not contain wildcards",
        ),
        ("[session.logs]\nlinux = ['/var/log/s.log']\n", "session.logs.markers: is required"),
        (
            "[session.logs]\nlinux = ['/var/log/sesstool.log']\nmarkers = ['in']\n",
            "session.logs.markers[0]: 'in' must be 3-100 characters",
        ),
        ("[session.logs]\nmarkers = ['Incoming']\n", "session.logs: names no log file"),
        (
            "[session.logs]\nlinux = ['/var/log/s.log']\nmarkers = ['Incoming']\nregex = ['.*']\n",
            "session.logs.regex: unknown field",
        ),
    ],
)
def test_bad_session_values_are_refused_with_a_reason(
    tmp_path: Path, table: str, expected: str
) -> None:
    problems = session_problems(tmp_path, table)
    assert any(p.startswith("sesstool.toml: ") and expected in p for p in problems), problems


# The tools the issue names, with the signal each must have in the shipped data.
@pytest.mark.parametrize(
    ("tool_id", "listen", "remote"),
    [
        ("anydesk", None, 6568),
        ("teamviewer", 5938, 5938),
        ("rustdesk", 21118, 21117),
        ("x11vnc", 5900, None),
        ("tigervnc", 5901, None),
        ("realvnc", 5900, None),
        ("tightvnc", 5900, None),
        ("ultravnc", 5900, None),
        ("krfb", 5900, None),
        ("gnome-remote-desktop", 3389, None),
        ("windows-remote-desktop", 3389, None),
        ("xrdp", 3389, None),
        ("screenconnect", None, 8041),
    ],
)
def test_shipped_session_ports(
    shipped: SignatureSet, tool_id: str, listen: int | None, remote: int | None
) -> None:
    rules = shipped.by_id()[tool_id].session
    assert rules is not None
    if listen is not None:
        assert listen in rules.listen_ports
    if remote is not None:
        assert remote in rules.remote_ports


def test_shipped_relay_tools_need_traffic_and_logs_are_sourced(shipped: SignatureSet) -> None:
    tools = shipped.by_id()
    for tool_id in ("splashtop", "splashtop-sos", "supremo", "quick-assist", "anydesk"):
        rules = tools[tool_id].session
        assert rules is not None and rules.any_remote and rules.traffic >= 1024, tool_id
    anydesk = tools["anydesk"].session
    assert anydesk is not None and anydesk.logs is not None
    assert any("connection_trace.txt" in p for p in anydesk.logs.paths["windows"])
    assert "rejected" in anydesk.logs.ignore
    teamviewer = tools["teamviewer"].session
    assert teamviewer is not None and teamviewer.logs is not None
    assert any("Connections_incoming.txt" in p for p in teamviewer.logs.paths["windows"])
    assert tools["windows-remote-desktop"].session.os == "rdp"  # type: ignore[union-attr]
