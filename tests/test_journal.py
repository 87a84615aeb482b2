"""The journal: real SQLite in WAL mode, damaged and locked files, reading it back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from guard.engine import journal as journal_module
from guard.engine.events import GuardEvent
from guard.engine.journal import Journal, connect, read, record_now


def _event(n: int) -> GuardEvent:
    return GuardEvent(
        "detected",
        f"event {n}",
        incident="abc",
        tool="anydesk",
        pid=n,
        data={"evidence": [{"kind": "name"}]},
    )


def test_events_are_written_in_wal_mode_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    problems: list[str] = []
    journal = Journal(path, problems.append)
    for n in range(50):
        journal.record(_event(n))
    assert journal.flush()
    journal.close()
    rows = read(path)
    assert [r["pid"] for r in rows] == list(range(50))
    assert rows[0]["data"] == {"evidence": [{"kind": "name"}]}
    assert read(path, limit=5)[0]["pid"] == 45
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert problems == []


def test_damaged_journal_is_moved_aside_and_recreated(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    path.write_bytes(b"this is not a database, it was damaged" * 100)
    problems: list[str] = []
    record_now(path, [_event(1)], problems.append)
    [line] = problems
    assert "damaged" in line and "moved to journal.db.bad-" in line
    assert [r["pid"] for r in read(path)] == [1]
    [aside] = tmp_path.glob("journal.db.bad-*")
    assert aside.read_bytes().startswith(b"this is not a database")


def test_locked_journal_is_moved_aside_not_waited_on_forever(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    record_now(path, [_event(1)], print)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        problems: list[str] = []
        conn = connect(path, problems.append)
        conn.close()
        assert problems and "another program is holding it locked" in problems[0]
    finally:
        holder.rollback()
        holder.close()


def test_journal_from_a_newer_version_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    problems: list[str] = []
    record_now(path, [_event(1)], problems.append)
    assert problems and "newer ScamGuard" in problems[0]
    assert list(tmp_path.glob("journal.db.bad-*"))


def test_a_journal_that_cannot_be_written_never_stops_the_guard(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the state folder should be")
    problems: list[str] = []
    journal = Journal(blocker / "journal.db", problems.append)  # cannot even create it
    for n in range(3):
        journal.record(_event(n))
    assert journal.flush()
    journal.close()
    assert journal.dropped == 3
    assert "detection goes on" in problems[0]
    assert any("lost" in p for p in problems)
    # A short-lived command is told, and its own work is not undone.
    said: list[str] = []
    record_now(blocker / "journal.db", [_event(9)], said.append)
    assert said and "not recorded" in said[0]


def test_journal_failing_while_the_guard_runs_is_replaced_and_nothing_is_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "journal.db"
    problems: list[str] = []
    journal = Journal(path, problems.append)
    journal.record(_event(1))
    assert journal.flush()
    real = journal_module.append
    failures = [sqlite3.DatabaseError("database disk image is malformed")]

    def append_once_broken(conn: sqlite3.Connection, events: list[GuardEvent]) -> None:
        if failures:
            raise failures.pop()
        real(conn, events)

    monkeypatch.setattr(journal_module, "append", append_once_broken)
    for n in (2, 3):
        journal.record(_event(n))
    assert journal.flush()
    journal.close()
    assert any("(it is damaged); it was moved to journal.db.bad-" in p for p in problems)
    assert [r["pid"] for r in read(path)] == [2, 3]  # the batch went to the fresh journal
    assert [r["pid"] for r in read(next(tmp_path.glob("journal.db.bad-*")))] == [1]
    assert journal.dropped == 0


def test_a_failing_journal_does_not_feed_on_its_own_reports(tmp_path: Path) -> None:
    # In the guard, the journal's report becomes an event, which goes to the journal.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    reports: list[str] = []
    journal = Journal(blocker / "journal.db", reports.append)

    def report(line: str) -> None:
        reports.append(line)
        journal.record(GuardEvent("error", line))

    journal.report = report
    journal.record(_event(1))
    assert journal.flush()
    journal.close()
    assert len(reports) <= 3, reports
