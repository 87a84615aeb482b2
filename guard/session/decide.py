"""The pure decision: from one tick's look at a tool (its processes' connections, its traffic,
new lines in its logs, the OS's sessions), is someone connected through it right now, and
what one plain line says why?

No I/O here, so every rule is tested with plain values (tests/test_session_decide.py).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from guard.session.model import Conn, ProcessLook, SessionRules, Signal


@dataclass(frozen=True, slots=True)
class LogHit:
    """A new line in a tool's connection log that records an incoming session."""

    path: str
    line: str


@dataclass(frozen=True, slots=True)
class OsHit:
    """A remote session the OS itself reports (a Remote Desktop session)."""

    signal: str  # the [session] os value it answers to: "rdp"
    peer: str
    evidence: str
    session_id: int | None = None  # the OS's own id for it (Windows: the WTS session id)
    # The tool's processes that hold it (Remote Assistance: msra.exe); () for a Remote Desktop
    # session, which the RDP server in svchost holds, never a tool process given to the guard.
    pids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Verdict:
    """The tick's answer for one tool: the signal (None: none), and whether the tool has any
    established connection to a non-loopback peer (what keeps a log-started session live)."""

    signal: Signal | None
    connected: bool


def is_loopback(ip: str) -> bool:
    """127.0.0.0/8, ::1 and IPv4-mapped loopback (``::ffff:127.0.0.1``); an address that does
    not parse counts as remote (never a reason to miss a session)."""
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(addr, "ipv4_mapped", None)
    return bool(addr.is_loopback or (mapped is not None and mapped.is_loopback))


def decide(
    tool_name: str,
    rules: SessionRules,
    looks: Sequence[ProcessLook],
    *,
    rate: float | None = None,
    log_hits: Sequence[LogHit] = (),
    os_hits: Sequence[OsHit] = (),
) -> Verdict:
    """The strongest signal of this tick, in this order: an inbound connection on a listen
    port, the OS's own session, an outbound connection on a tool port (or to anyone, with
    ``any_remote``) when no traffic threshold applies, the same with the tool's traffic at or
    above its threshold, a new incoming-session line in its log.

    ``rate`` is the tool's I/O in bytes per second since the last tick (None: not known yet,
    or this OS cannot say), ``tool_name`` the name evidence lines use.
    """
    listen = set(rules.listen_ports)
    remote_ports = set(rules.remote_ports)
    inbound: list[tuple[ProcessLook, Conn]] = []
    outbound: list[tuple[ProcessLook, Conn]] = []
    connected = False
    for look in looks:
        for conn in look.conns:
            if conn.local_port in listen:
                inbound.append((look, conn))  # any peer: an SSH tunnel arrives on loopback
                continue
            if is_loopback(conn.remote_ip):
                continue
            connected = True
            if conn.remote_port in remote_ports or rules.any_remote:
                outbound.append((look, conn))

    if inbound:
        look, conn = inbound[0]
        pids = _pids(inbound)
        return Verdict(
            Signal(
                "socket",
                pids,
                conn.peer,
                f"{look.name} (pid {look.pid}) accepted a connection from {conn.peer} on port "
                f"{conn.local_port}",
            ),
            connected,
        )
    if os_hits:
        os_hit = os_hits[0]
        return Verdict(
            Signal("os", os_hit.pids, os_hit.peer, os_hit.evidence, os_hit.session_id), connected
        )
    if outbound:
        look, conn = outbound[0]
        pids = _pids(outbound)
        if not rules.traffic:
            evidence = f"{look.name} (pid {look.pid}) is connected to {conn.peer}"
            return Verdict(Signal("socket", pids, conn.peer, evidence), connected)
        if rate is not None and rate >= rules.traffic:
            evidence = (
                f"{look.name} (pid {look.pid}) is connected to {conn.peer} and moving "
                f"{_rate_text(rate)} (a session; idle it stays under {_rate_text(rules.traffic)})"
            )
            return Verdict(Signal("traffic", pids, conn.peer, evidence), connected)
    if log_hits:
        hit = log_hits[-1]
        pids = tuple(sorted({look.pid for look in looks}))
        line = " ".join(hit.line.split())[:120]
        evidence = f"{tool_name} recorded an incoming connection in {hit.path}: {line}"
        return Verdict(Signal("log", pids, "", evidence), connected)
    return Verdict(None, connected)


def _pids(pairs: list[tuple[ProcessLook, Conn]]) -> tuple[int, ...]:
    return tuple(sorted({look.pid for look, _ in pairs}))


def _rate_text(rate: float) -> str:
    return f"{rate / 1024:.0f} KiB/s" if rate >= 1024 else f"{rate:.0f} bytes/s"
