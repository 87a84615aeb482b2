"""The pure session decision: which connections, traffic, log lines and OS sessions make a
session live, and the one plain line that says why."""

from __future__ import annotations

import pytest

from guard.session.decide import LogHit, OsHit, decide, is_loopback
from guard.session.model import Conn, ProcessLook, SessionRules

ANYDESK = SessionRules(remote_ports=(6568,), any_remote=True, traffic=20000)
VNC = SessionRules(listen_ports=(5900, 5901))
REVERSE = SessionRules(remote_ports=(5500,))


def look(*conns: Conn, pid: int = 4242, name: str = "anydesk") -> ProcessLook:
    return ProcessLook(pid, name, conns)


def out(ip: str, port: int) -> Conn:
    return Conn("192.0.2.10", 50123, ip, port)


def inbound(ip: str, port: int = 5900) -> Conn:
    return Conn("127.0.0.1", port, ip, 40000)


@pytest.mark.parametrize(
    ("ip", "loop"),
    [
        ("127.0.0.1", True),
        ("127.3.4.5", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("203.0.113.5", False),
        ("10.0.0.2", False),
        ("fe80::1%eth0", False),
        ("not-an-address", False),
    ],
)
def test_loopback(ip: str, loop: bool) -> None:
    assert is_loopback(ip) is loop


def test_an_idle_relay_connection_is_not_a_session() -> None:
    verdict = decide("anydesk", ANYDESK, [look(out("203.0.113.5", 6568))], rate=300.0)
    assert verdict.signal is None
    assert verdict.connected  # but it is connected: a log line would hold a session


def test_a_relay_connection_with_a_screens_worth_of_traffic_is_a_session() -> None:
    verdict = decide("anydesk", ANYDESK, [look(out("203.0.113.5", 6568))], rate=90_000.0)
    assert verdict.signal is not None
    assert verdict.signal.kind == "traffic"
    assert verdict.signal.peer == "203.0.113.5:6568"
    assert verdict.signal.pids == (4242,)
    assert verdict.signal.evidence.startswith("anydesk (pid 4242) is connected to 203.0.113.5:6568")
    assert "88 KiB/s" in verdict.signal.evidence


def test_traffic_unknown_is_no_session_yet() -> None:
    assert decide("anydesk", ANYDESK, [look(out("203.0.113.5", 443))], rate=None).signal is None


def test_loopback_peers_never_count_as_outbound() -> None:
    # The tool's own GUI talking to its service over loopback, however busy.
    verdict = decide("anydesk", ANYDESK, [look(out("127.0.0.1", 6568))], rate=1e7)
    assert verdict.signal is None and not verdict.connected


def test_an_outbound_port_without_a_traffic_rule_counts_alone() -> None:
    # x11vnc -connect viewer:5500 (a reverse connection) is a session from its first packet.
    verdict = decide("x11vnc", REVERSE, [look(out("198.51.100.7", 5500), name="x11vnc")])
    assert verdict.signal is not None and verdict.signal.kind == "socket"
    assert verdict.signal.evidence == "x11vnc (pid 4242) is connected to 198.51.100.7:5500"
    assert decide("x11vnc", REVERSE, [look(out("198.51.100.7", 443))]).signal is None


def test_an_inbound_connection_on_a_listen_port_counts_from_loopback_too() -> None:
    verdict = decide("x11vnc", VNC, [look(inbound("127.0.0.1"), name="x11vnc", pid=7)])
    assert verdict.signal is not None
    assert verdict.signal.kind == "socket"
    assert verdict.signal.evidence == (
        "x11vnc (pid 7) accepted a connection from 127.0.0.1:40000 on port 5900"
    )
    ipv6 = decide("x11vnc", VNC, [look(Conn("::1", 5901, "::1", 40001))])
    assert ipv6.signal is not None and ipv6.signal.peer == "[::1]:40001"


def test_a_connection_on_another_local_port_is_not_inbound() -> None:
    assert decide("x11vnc", VNC, [look(inbound("127.0.0.1", port=6000))]).signal is None


def test_log_lines_count_and_are_shortened_to_one_line() -> None:
    hit = LogHit(
        "C:/ProgramData/AnyDesk/connection_trace.txt",
        "Incoming   2026-01-02, 10:23  Passwd  547911884 547911884",
    )
    verdict = decide("AnyDesk", ANYDESK, [look()], rate=0.0, log_hits=[hit])
    assert verdict.signal is not None and verdict.signal.kind == "log"
    assert verdict.signal.evidence == (
        "AnyDesk recorded an incoming connection in C:/ProgramData/AnyDesk/connection_trace.txt:"
        " Incoming 2026-01-02, 10:23 Passwd 547911884 547911884"
    )


def test_the_os_signal_and_the_order_of_signals() -> None:
    rdp = OsHit("rdp", "198.51.100.9", "Windows reports a Remote Desktop session from 198.51.100.9")
    rules = SessionRules(listen_ports=(3389,), os="rdp")
    verdict = decide("rdpclip", rules, [], os_hits=[rdp])
    assert verdict.signal is not None and verdict.signal.kind == "os"
    assert verdict.signal.peer == "198.51.100.9"
    # An inbound socket is the most precise evidence: it wins over the OS's word.
    both = decide("xrdp", rules, [look(inbound("198.51.100.9", 3389))], os_hits=[rdp])
    assert both.signal is not None and both.signal.kind == "socket"
