"""A realistic incident written into a real journal through the journal API, for the
recovery-pack tests: an installer downloaded, the tool started and frozen, allowed under
pressure, someone connected, the connection ended, the tool removed and its installer
quarantined with its hash, then a relaunch stopped. Fixed epoch times: local times are
derived from them with the code's own functions, never from today's date."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from guard.state import journal
from guard.state.events import GuardEvent

# Tuesday 3 March 2026, 13:58:20 UTC: a fixed moment, so no test depends on today's date.
T0 = 1_772_546_300.0
INCIDENT = "5ca3e11d"
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
PEER = "203.0.113.5:6568"


def events(downloads: Path, incident: str = INCIDENT, name: str = "AnyDesk") -> list[GuardEvent]:
    installer = str(downloads / "AnyDesk.exe")

    def ev(
        kind: str,
        message: str,
        at: float,
        pid: int | None = None,
        path: str | None = None,
        **data: Any,
    ) -> GuardEvent:
        return GuardEvent(
            kind,
            message,
            incident=incident,
            tool="anydesk",
            tool_name=name,
            pid=pid,
            path=path,
            data=data,
            time=T0 + at,
        )

    evidence = [
        {
            "kind": "installer-name",
            "value": "AnyDesk.exe",
            "tool": "anydesk",
            "strong": True,
            "detail": "AnyDesk's installer name",
        }
    ]
    record = {
        "id": "20260303-140500-a1b2c3",
        "original_path": installer,
        "sha256": SHA,
        "size": 5_242_880,
        "mode": 0o755,
        "tool": "anydesk",
        "tool_name": name,
        "incident": incident,
        "time": "2026-03-03T14:05:00.000+00:00",
    }
    return [
        ev(
            "installer",
            f"{name} installer appeared: {installer}",
            0,
            path=installer,
            how="closed",
            evidence=evidence,
        ),
        ev("detected", f"{name} was started (pid 4242)", 20, 4242, installer, evidence=evidence),
        ev(
            "frozen",
            f"{name} is frozen (pids 4242, 4243)",
            20.05,
            4242,
            installer,
            pids=[4242, 4243],
            skipped=[],
        ),
        ev(
            "allowed",
            f"{name} was allowed for 1 hour",
            95,
            scope="for",
            seconds=3600.0,
            expires="2026-03-03T14:59:55.000+00:00",
            allowed_at="2026-03-03T13:59:55.000+00:00",
            resumed=[4242, 4243],
            members=[[4242, T0 + 19.9]],
        ),
        ev(
            "session-started",
            f"Someone connected through {name}",
            110,
            4242,
            signal="socket",
            peer=PEER,
            evidence=f"anydesk (pid 4242) is connected to {PEER}",
        ),
        ev(
            "session-ended",
            f"The connection through {name} ended",
            362,
            4242,
            signal="socket",
            seconds=252.0,
        ),
        ev(
            "blocked",
            f"{name} was removed (2 program(s) stopped, 1 file(s) moved to quarantine)",
            400,
            killed=[4242, 4243],
            quarantined=[record],
            problems=[],
            reason="decision",
            switched_off=[],
        ),
        ev(
            "stopped-again",
            f"{name} tried to start again and was stopped",
            640,
            path=None,
            what="process",
        ),
    ]


def write(path: Path, items: list[GuardEvent]) -> None:
    """Through the journal's own API, as the guard writes it."""
    said: list[str] = []
    conn = journal.connect(path, said.append)
    try:
        journal.append(conn, items)
    finally:
        conn.close()
    assert not said, said
