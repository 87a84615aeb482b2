"""The recovery pack from a real SQLite journal written through the journal API: what ran,
when someone was connected, what was allowed and by which path, the installer's hash, what
ScamGuard did, and the steps with the installed profiles' own numbers. Times are fixed epoch
values turned into local time by the code's own functions: nothing depends on today."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from guard.engine.incidents import AllowScope
from guard.engine.requests import RequestInbox, submit
from guard.providers.model import ProfileSet
from guard.report import ReportError, load_pack
from guard.report import words as w
from guard.report.build import UNSURE_HOW
from guard.report.model import RecoveryPack
from guard.state.events import GuardEvent
from guard.state.paths import journal_path
from tests.report_incident import INCIDENT, PEER, SHA, T0, events, write

DOWNLOADS = Path("/home/ann/Downloads")


def pack_of(path: Path, profiles: ProfileSet, incident: str = INCIDENT, **kw: Any) -> RecoveryPack:
    return load_pack(
        incident,
        path,
        provider=profiles.get("bt"),
        generic=profiles.get("generic-uk"),
        now=T0 + 900,
        **kw,
    )


def one(kind: str, message: str, at: float, path: str | None = None, **data: Any) -> GuardEvent:
    """An event of a second incident (TeamViewer), ``at`` seconds after T0."""
    return GuardEvent(
        kind,
        message,
        incident="0a0b0c0d",
        tool="teamviewer",
        tool_name="TeamViewer",
        path=path,
        data=data,
        time=T0 + at,
    )


def test_the_pack_tells_what_ran_the_session_the_allowance_and_what_scamguard_did(
    tmp_path: Path, profiles: ProfileSet
) -> None:
    path = tmp_path / "journal.db"
    write(path, events(DOWNLOADS))
    pack = pack_of(path, profiles)

    assert (pack.incident, pack.tool, pack.name) == (INCIDENT, "anydesk", "AnyDesk")
    assert pack.day == w.day(T0) and pack.first == w.clock(T0) and pack.zone == w.zone(T0)
    # What ran, as the journal recorded it.
    [program] = pack.programs
    assert (program.pid, program.path) == (4242, str(DOWNLOADS / "AnyDesk.exe"))
    # The connection: when, for how long, from where, and what showed it.
    [session] = pack.sessions
    assert (session.started, session.ended) == (w.clock(T0 + 110), w.clock(T0 + 362))
    assert session.length == "4 minutes and 12 seconds"
    assert session.peer == PEER and PEER in session.evidence
    assert session.signal == "its network connections"
    assert f"from {w.clock(T0 + 110)} to {w.clock(T0 + 362)}" in pack.summary
    # The allowance: for how long, and honestly how (no request row, no "via": unknown).
    [allowed] = pack.allowances
    expires = w.clock(T0 + 95 + 3600)
    assert allowed.scope == f"for 1 hour (until {expires})"
    assert allowed.how == UNSURE_HOW and not allowed.certain
    assert any("does not record whether" in note for note in pack.notes)
    # The installer, with its hash from the quarantine record in the "blocked" event.
    [installer] = pack.files
    assert installer.path == str(DOWNLOADS / "AnyDesk.exe") and installer.sha256 == SHA
    assert installer.size == 5_242_880
    assert installer.fate.startswith(f"moved to quarantine at {w.clock(T0 + 400)}")
    # What ScamGuard did, in order.
    assert [d.split(" at ")[0] for d in pack.did] == [
        "Froze AnyDesk",
        "Removed AnyDesk",
        "Stopped AnyDesk again",
    ]
    assert "2 programs stopped, 1 file moved to quarantine" in pack.did[1]
    assert pack.outcome == "removed by ScamGuard"
    # The timeline: every event, in order, with who acted, in local time.
    assert [m.kind for m in pack.moments] == [
        "installer",
        "detected",
        "frozen",
        "allowed",
        "session-started",
        "session-ended",
        "blocked",
        "stopped-again",
    ]
    assert [m.who for m in pack.moments[:5]] == [
        "Program",
        "Program",
        "ScamGuard",
        "Decision",
        "Connection",
    ]
    assert pack.moments[4].when == w.clock(T0 + 110)
    assert (
        pack.moments[4].what == f"Someone connected to this computer through AnyDesk, from {PEER}."
    )


def test_the_steps_carry_only_the_installed_profiles_numbers(
    tmp_path: Path, profiles: ProfileSet
) -> None:
    path = tmp_path / "journal.db"
    write(path, events(DOWNLOADS))
    pack = pack_of(path, profiles)
    titles = [s.title for s in pack.steps]
    assert titles[:3] == [
        "Call your bank now, from another phone",
        "Change your passwords from another device",
        "Report it",
    ]
    bank, passwords, report = pack.steps[:3]
    assert [c.number for c in bank.contacts] == ["159"]
    assert "another phone" in bank.title and "back of your bank card" in bank.text
    assert "start with your email" in passwords.text
    assert "0300 123 2040" in [c.number for c in report.contacts]
    assert INCIDENT in report.text and report.link == "https://reportfraud.police.uk"
    [provider] = [s for s in pack.steps if s.title == "Tell BT"]
    bt = profiles.get("bt")
    assert bt is not None and pack.provider == "BT"
    assert [c.number for c in provider.contacts] == [n.number for n in bt.numbers]
    # Every number on the page is one of the profiles' own: none is made up here.
    known = {n.number for p in profiles.profiles.values() for n in p.numbers}
    shown = [c.number for s in pack.steps for c in s.contacts]
    assert shown and set(shown) <= known
    # No numbers hidden in the prose either (the incident reference aside).
    prose = " ".join(s.text for s in pack.steps).replace(INCIDENT, "")
    assert not re.search(r"\d{3}", prose)


def test_without_a_provider_the_steps_stand_with_the_generic_numbers_only(
    tmp_path: Path, profiles: ProfileSet
) -> None:
    path = tmp_path / "journal.db"
    write(path, events(DOWNLOADS))
    generic = profiles.get("generic-uk")
    pack = load_pack(INCIDENT, path, provider=generic, generic=generic, now=T0)
    assert not any(s.title.startswith("Tell ") for s in pack.steps)
    bare = load_pack(INCIDENT, path, provider=None, generic=None, now=T0)
    assert [c for s in bare.steps for c in s.contacts] == []
    assert "back of your bank card" in bare.steps[0].text and bare.provider == ""


def test_times_are_in_the_zone_given(tmp_path: Path, profiles: ProfileSet) -> None:
    path = tmp_path / "journal.db"
    write(path, events(DOWNLOADS))
    plus_two = dt.timezone(dt.timedelta(hours=2))
    pack = pack_of(path, profiles, tz=plus_two)
    utc = dt.datetime.fromtimestamp(T0 + 110, dt.UTC)
    assert pack.sessions[0].started == (utc + dt.timedelta(hours=2)).strftime("%H:%M:%S")
    assert pack.zone == "UTC+02:00"


def test_allowed_with_the_command_line_is_said_so(tmp_path: Path, profiles: ProfileSet) -> None:
    """A real ``scamguard allow`` request in the journal's requests table, answered by the
    real inbox: the pack can tell the command line from the warning."""
    path = tmp_path / "journal.db"
    items = events(DOWNLOADS)
    write(path, items)

    class Guard:  # what the inbox needs of the engine, to carry the decision out
        def allow(self, incident: str, scope: AllowScope, via: str = "") -> Any:
            assert (incident, scope, via) == (INCIDENT, AllowScope("for", 3600.0), "command-line")
            return SimpleNamespace(tool=SimpleNamespace(name="AnyDesk"))

        def problem(self, message: str) -> None:
            raise AssertionError(message)

    submit(path, INCIDENT, "allow", "1h", lambda _line: None)
    RequestInbox(path, Guard()).poll()  # type: ignore[arg-type]
    # The engine's "allowed" event comes right after (as it would, within the same tick).
    now = time.time()
    allowed = next(e for e in items if e.kind == "allowed")
    write(
        path,
        [
            GuardEvent(
                allowed.kind,
                allowed.message,
                incident=INCIDENT,
                tool="anydesk",
                tool_name="AnyDesk",
                data=allowed.data,
                time=now + 0.2,
            )
        ],
    )
    pack = pack_of(path, profiles)
    assert (
        pack.allowances[-1].how == "with the command 'scamguard allow', after its 30-second pause"
    )
    assert pack.allowances[-1].certain
    assert pack.allowances[0].how == UNSURE_HOW  # the one before is still not known


def test_allowed_by_settings_trust_by_a_restart_and_by_a_path_the_event_names(
    tmp_path: Path, profiles: ProfileSet
) -> None:
    path = tmp_path / "journal.db"
    write(
        path,
        [
            one("detected", "TeamViewer was started (pid 77)", 0),
            one(
                "allowed",
                "TeamViewer is trusted in settings; left running",
                1,
                scope="trusted",
                resumed=[77],
            ),
            one(
                "allowed",
                "TeamViewer is still allowed until it closes",
                2,
                scope="until-closed",
                seconds=None,
                expires="2026-03-04T13:58:22.000+00:00",
                restored=True,
            ),
            one(
                "allowed",
                "TeamViewer was allowed until it closes",
                3,
                scope="until-closed",
                via="warning",
            ),
        ],
    )
    pack = pack_of(path, profiles, incident="0a0b0c0d")
    trusted, restored, warned = pack.allowances
    assert "trusted in ScamGuard's settings" in trusted.how and trusted.certain
    assert trusted.scope.startswith("with no end")
    assert "ScamGuard restarted" in restored.how
    assert restored.scope == "until it closed (24 hours at most)"
    assert warned.how == "on ScamGuard's warning screen"
    assert not any("does not record whether" in n for n in pack.notes)
    assert pack.sessions == () and "records no one connecting" in pack.summary


def test_allowed_by_a_script_with_the_pause_skipped_is_said_so(profiles: ProfileSet) -> None:
    from guard.commands.pause import journal_skipped

    write(journal_path(), [one("detected", "TeamViewer was started (pid 77)", 0)])
    journal_skipped("allow 0a0b0c0d", lambda _line: None, for_incident="0a0b0c0d")

    write(
        journal_path(),
        [
            GuardEvent(
                "allowed",
                "TeamViewer was allowed for 30 minutes",
                incident="0a0b0c0d",
                tool="teamviewer",
                tool_name="TeamViewer",
                data={"scope": "for", "seconds": 1800.0},
                time=time.time() + 1,
            )
        ],
    )
    pack = pack_of(journal_path(), profiles, incident="0a0b0c0d")
    assert "pause was skipped" in pack.allowances[0].how
    assert pack.allowances[0].scope == "for 30 minutes"


def test_a_session_not_tied_to_the_incident_joins_it_only_while_it_was_open(
    tmp_path: Path, profiles: ProfileSet
) -> None:
    """The monitor may see a session before the engine joins it to an incident: one of the
    same tool that started while the incident was open belongs in its pack; one of another
    tool, or long after, does not."""
    path = tmp_path / "journal.db"

    def loose(kind: str, at: float, tool: str = "teamviewer", **data: Any) -> GuardEvent:
        return GuardEvent(kind, "session", tool=tool, tool_name=tool, data=data, time=T0 + at)

    write(
        path,
        [
            one("detected", "TeamViewer was started (pid 77)", 0),
            loose("session-started", 5, signal="log", peer="", evidence="incoming 123 456 789"),
            loose("session-started", 6, tool="anydesk", signal="socket", peer=PEER),
            one("frozen", "TeamViewer is frozen (pids 77)", 10),
            loose("session-ended", 12, signal="log", seconds=7.0),
            loose("session-started", 5000, signal="log", peer="", evidence="much later"),
        ],
    )
    pack = pack_of(path, profiles, incident="0a0b0c0d")
    [session] = pack.sessions
    assert session.evidence == "“incoming 123 456 789”" and session.peer == ""
    assert session.signal == "its own connection log" and session.length == "7 seconds"


def test_a_log_line_written_by_the_scammer_stays_a_short_quote(
    tmp_path: Path, profiles: ProfileSet
) -> None:
    """The caller controls what the tool's log says (a display name, a message): it is
    quoted and cut short in the details, and never reaches the steps."""
    path = tmp_path / "journal.db"
    bait = "Bank security team: call 0800 999 1234 now to protect your money. " * 10
    write(
        path,
        [
            one("detected", "TeamViewer was started (pid 77)", 0),
            one("session-started", "session", 5, signal="log", peer="", evidence=bait),
        ],
    )
    pack = pack_of(path, profiles, incident="0a0b0c0d")
    [session] = pack.sessions
    assert session.evidence.startswith("“Bank security team: call 0800 999 1234")
    assert session.evidence.endswith("…”") and len(session.evidence) <= 202
    steps = " ".join(
        [s.text for s in pack.steps] + [c.number for s in pack.steps for c in s.contacts]
    )
    assert "999 1234" not in steps


def test_a_file_whose_hash_was_not_journalled_says_so(tmp_path: Path, profiles: ProfileSet) -> None:
    path = tmp_path / "journal.db"
    write(path, [one("installer", "TeamViewer installer appeared", 2, "/tmp/tv.exe", how="scan")])
    pack = pack_of(path, profiles, incident="0a0b0c0d")
    [f] = pack.files
    assert (f.path, f.sha256) == ("/tmp/tv.exe", "")
    assert f.found == f"found by a scan at {w.clock(T0 + 2)}" and f.fate == "not moved by ScamGuard"
    assert any("SHA-256" in note for note in pack.notes)
    assert pack.outcome == "seen, but not frozen"
    assert pack.did == ("Recorded TeamViewer; it did not freeze or remove it.",)


def test_a_hash_the_tool_was_recognised_by_is_shown(tmp_path: Path, profiles: ProfileSet) -> None:
    path = tmp_path / "journal.db"
    by_hash = [{"kind": "sha256", "value": SHA.upper(), "tool": "teamviewer", "detail": "hash"}]
    write(
        path,
        [
            one(
                "installer",
                "TeamViewer installer appeared",
                0,
                "/tmp/tv.exe",
                how="closed",
                evidence=by_hash,
            )
        ],
    )
    pack = pack_of(path, profiles, incident="0a0b0c0d")
    assert pack.files[0].sha256 == SHA and not pack.notes


def test_an_unknown_incident_says_how_to_list_them(tmp_path: Path, profiles: ProfileSet) -> None:
    path = tmp_path / "journal.db"
    write(path, events(DOWNLOADS))
    with pytest.raises(ReportError, match=r"no incident 'deadbeef' .*scamguard history"):
        pack_of(path, profiles, incident="deadbeef")
    with pytest.raises(ReportError, match=r"no journal at .*scamguard history"):
        pack_of(tmp_path / "none.db", profiles)
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"not a database" * 100)
    with pytest.raises(ReportError, match="cannot be read"):
        pack_of(damaged, profiles)


def test_lengths_read_as_people_say_them() -> None:
    assert w.length(45) == "45 seconds"
    assert w.length(60) == "1 minute"
    assert w.length(252) == "4 minutes and 12 seconds"
    assert w.length(3600 + 5 * 60 + 9) == "1 hour and 5 minutes"
    assert w.length(7200) == "2 hours"
