"""The journal: real SQLite in WAL mode, damaged and locked files, a full disk, reading it
back. Only damage sets a journal aside; a locked journal or a full disk is waited out."""

from __future__ import annotations

import contextlib
import errno
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from guard.state import journal as journal_module
from guard.state.events import GuardEvent
from guard.state.journal import Journal, connect, read, record_now
from tests.helpers import mounted_tmpfs, wait_for


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


@contextlib.contextmanager
def held_by_another_program(path: Path, *, exclusive_mode: bool = False) -> Iterator[None]:
    """Another program (a database browser, a backup tool) holding the journal locked for
    a while, by a real second SQLite connection; ``exclusive_mode`` keeps readers out too."""
    holder = sqlite3.connect(path, isolation_level=None)
    if exclusive_mode:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


def test_a_journal_locked_at_start_is_kept_not_moved_aside(tmp_path: Path) -> None:
    """Another program holding the journal (a database browser, a backup tool) is not
    damage: nothing is set aside, and a short-lived command says it was not recorded."""
    path = tmp_path / "journal.db"
    record_now(path, [_event(1)], print)
    with held_by_another_program(path, exclusive_mode=True):
        problems: list[str] = []
        with pytest.raises(sqlite3.OperationalError):
            connect(path, problems.append)
        record_now(path, [_event(2)], problems.append)
        assert problems == [
            "this was not recorded in the journal (another program is holding it locked)"
        ]
        assert not list(tmp_path.glob("journal.db.bad-*"))
    assert [r["pid"] for r in read(path)] == [1]


def _guard_like(path: Path) -> tuple[Journal, list[str]]:
    """A journal wired as the live guard wires it (each report becomes an event that goes
    to the journal), and the list of what it said."""
    said: list[str] = []
    journal = Journal(path, said.append)

    def report(line: str) -> None:
        journal.record(GuardEvent("error", line))
        said.append(line)

    journal.report = report
    return journal, said


def test_a_journal_locked_while_the_guard_runs_is_kept_and_caught_up(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    journal, said = _guard_like(path)
    journal.record(_event(1))
    assert journal.flush()
    with held_by_another_program(path):
        for n in (2, 3, 4):
            journal.record(_event(n))
        wait_for(lambda: any("cannot be written just now" in s for s in said), timeout=30)
        assert "another program is holding it locked" in said[0]
        assert journal.waiting >= 3
        assert not list(tmp_path.glob("journal.db.bad-*"))
    assert journal.flush(timeout=30)
    journal.close()
    rows = read(path)
    assert [r["pid"] for r in rows if r["kind"] == "detected"] == [1, 2, 3, 4]
    assert journal.dropped == 0
    assert any("being written again" in r["message"] for r in rows)
    assert not list(tmp_path.glob("journal.db.bad-*"))


def test_events_beyond_the_bound_are_counted_and_the_count_is_journalled(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal.db"
    journal, said = _guard_like(path)
    journal.MAX_BACKLOG = 3
    with held_by_another_program(path):
        journal.record(_event(1))
        wait_for(lambda: said, timeout=30)  # its report is the second event waiting
        for n in range(2, 7):
            journal.record(_event(n))
        wait_for(lambda: journal.dropped >= 4, timeout=30)
        assert journal.waiting == 3
    assert journal.flush(timeout=30)
    journal.close()
    rows = read(path)
    assert [r["pid"] for r in rows if r["kind"] == "detected"] == [1, 2]  # the oldest kept
    counted = [r["message"] for r in rows if "events could not be written" in r["message"]]
    assert counted == [
        f"{journal.dropped} events could not be written to the journal (another program is "
        "holding it locked); it is being written again"
    ]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MiB file system (tmpfs), so the disk really fills up."""
    folder = tmp_path / "disk"
    folder.mkdir()
    with mounted_tmpfs(folder, "size=1m,mode=0700"):
        yield folder


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    with open(filler, "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def test_a_full_disk_keeps_the_journal_and_writes_once_there_is_room(small_disk: Path) -> None:
    path = small_disk / "journal.db"
    journal, said = _guard_like(path)
    journal.record(_event(0))
    assert journal.flush()
    filler = _fill(small_disk)
    try:
        for n in range(1, 41):  # far more than the WAL has room for
            journal.record(GuardEvent("detected", "x" * 8000, pid=n))
        wait_for(lambda: any("the disk is full" in s for s in said), timeout=30)
        assert not list(small_disk.glob("journal.db.bad-*"))
        assert path.exists()
    finally:
        filler.unlink()
    assert journal.flush(timeout=30)
    journal.close()
    pids = [r["pid"] for r in read(path) if r["kind"] == "detected"]
    assert pids == list(range(41))
    assert journal.dropped == 0
    assert not list(small_disk.glob("journal.db.bad-*"))


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
    wait_for(lambda: journal.waiting == 3)  # kept, in case it can be written later
    journal.close()
    assert journal.dropped == 3  # and counted when the guard stops without it
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
    failures = [_real_damage(tmp_path)]

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
    wait_for(lambda: journal.waiting >= 1)
    journal.close()
    assert len(reports) <= 3, reports


def _real_damage(folder: Path) -> sqlite3.DatabaseError:
    """The error SQLite itself raises for a file that is not a database."""
    garbage = folder / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    conn = sqlite3.connect(garbage)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master")
    except sqlite3.DatabaseError as exc:
        return exc
    finally:
        conn.close()
    raise AssertionError("SQLite read garbage as a database")
