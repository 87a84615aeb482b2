"""The journal: every detection, decision, update and error, in SQLite, surviving crashes.

It is an append-only table of events (the same events listeners get), written by one thread
so the engine never waits on the disk: a slow disk or a database locked by another program
delays the record, never the freeze. WAL mode with ``synchronous=NORMAL`` means every
committed event survives the guard being killed (kill -9); only a power cut can lose the
last moments.

A journal that cannot be opened (corrupt, not a database, locked past the timeout) is moved
aside with a one-line message and a fresh one is started: losing history is bad, but a guard
that stops guarding because of its diary is worse.
"""

from __future__ import annotations

import contextlib
import errno
import json
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

from guard import files
from guard.errors import ScamGuardError
from guard.state.events import GuardEvent

SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 2000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    time REAL NOT NULL,
    kind TEXT NOT NULL,
    incident TEXT,
    tool TEXT,
    tool_name TEXT,
    pid INTEGER,
    path TEXT,
    message TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS events_incident ON events (incident);
CREATE TABLE IF NOT EXISTS requests (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    time REAL NOT NULL,
    incident TEXT NOT NULL,
    action TEXT NOT NULL,
    scope TEXT,
    state TEXT NOT NULL DEFAULT 'pending',
    answer TEXT NOT NULL DEFAULT ''
);
"""

Report = Callable[[str], None]


class JournalError(ScamGuardError):
    """The journal could not be read (for ``history``); one line."""


def connect(path: Path, report: Report) -> sqlite3.Connection:
    """Open (creating if needed) the journal in WAL mode; move a damaged one aside and
    start afresh (``report`` gets one line when that happens). Raises sqlite3.Error (or
    OSError) when it cannot be opened for now (locked by another program, a full disk, a
    read-only folder: the file is kept) or when a damaged one cannot be moved."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _open(path)
    except sqlite3.DatabaseError as exc:
        if not damaged(exc):
            raise  # busy, locked, full, read-only: the journal is fine, the moment is not
        _set_aside(path, f"could not be opened ({_reason(exc)})", report)
        return _open(path)


def append(conn: sqlite3.Connection, events: Iterable[GuardEvent]) -> None:
    rows = [
        (
            e.time,
            e.kind,
            e.incident,
            e.tool,
            e.tool_name,
            e.pid,
            e.path,
            e.message,
            json.dumps(dict(e.data), ensure_ascii=False, default=str),
        )
        for e in events
    ]
    with conn:
        conn.executemany(
            "INSERT INTO events (time, kind, incident, tool, tool_name, pid, path, message, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def record_now(path: Path, events: Iterable[GuardEvent], report: Report) -> None:
    """Append from a short-lived command (restore, trust): open, write, close. A journal
    that cannot be written is reported, never allowed to undo the command's work."""
    try:
        conn = connect(path, report)
        try:
            append(conn, events)
        finally:
            conn.close()
    except (sqlite3.Error, OSError) as exc:
        report(f"this was not recorded in the journal ({_reason(exc)})")


def read(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Events oldest first (the last ``limit`` of them); [] when there is no journal yet."""
    if not path.exists():
        return []
    try:
        uri = path.absolute().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            query = (
                "SELECT seq, time, kind, incident, tool, tool_name, pid, path, message, data"
                " FROM events"
            )
            if limit:
                query += f" ORDER BY seq DESC LIMIT {int(limit)}"
            rows = conn.execute(query).fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise JournalError(f"the journal {path} cannot be read ({_reason(exc)})") from None
    rows.sort(key=lambda r: r[0])
    out = []
    for seq, t, kind, incident, tool, tool_name, pid, p, message, data in rows:
        try:
            extra = json.loads(data)
        except ValueError:
            extra = {}
        out.append(
            {
                "seq": seq,
                "time": t,
                "kind": kind,
                "incident": incident,
                "tool": tool,
                "name": tool_name,
                "pid": pid,
                "path": p,
                "message": message,
                "data": extra if isinstance(extra, dict) else {},
            }
        )
    return out


_BATCH = 500
# SQLite result codes (the low byte of ``sqlite_errorcode``) that mean the file itself is
# not a journal this version can use: set it aside and start afresh. Everything else (busy,
# locked by another program, disk full, read-only, I/O errors, cannot open) is a passing
# condition of a healthy journal: keep it and try again later.
_SQLITE_ERROR, _SQLITE_CORRUPT, _SQLITE_NOTADB = 1, 11, 26
_DAMAGE_CODES = {_SQLITE_ERROR, _SQLITE_CORRUPT, _SQLITE_NOTADB}


class _Unusable(sqlite3.DatabaseError):
    """The file opened but is not a journal this version may write (a newer schema)."""


def damaged(exc: BaseException) -> bool:
    """Is ``exc`` about the journal file itself (corrupt, not a database, a newer schema),
    rather than about the moment (busy, locked, full disk, read-only, I/O)? Only damage
    sets a journal aside: a healthy journal is never replaced because of a full disk or
    another program holding it."""
    if isinstance(exc, _Unusable):
        return True
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in _DAMAGE_CODES


class Journal:
    """The guard's writer: ``record`` queues, a thread commits in small batches.

    When the journal cannot be written for now (another program holds it locked, the disk
    is full, the folder is read-only), nothing is set aside: events wait in memory (at most
    MAX_BACKLOG of them; newer ones beyond that are dropped and counted) and the thread
    tries again after FIRST_RETRY_SECONDS, doubling up to RETRY_SECONDS. It says so once
    when it starts failing, and once more when it can write again, with the number of
    events lost. The guard never stops for it."""

    FIRST_RETRY_SECONDS = 0.5
    RETRY_SECONDS = 30.0
    MAX_BACKLOG = 10_000

    def __init__(self, path: Path, report: Report):
        self.path = path
        self.report = report
        self.dropped = 0  # events lost since the start (tests, status)
        self._lost = 0  # lost in the current run of failures, said when it can write again
        self._failing = ""  # why it cannot be written right now ("" when it can)
        self._said_lost = False
        self._lost_why = ""
        self._backlog: list[GuardEvent] = []
        self._queue: queue.Queue[GuardEvent | None] = queue.Queue()
        self._pending = 0
        self._done = threading.Condition()
        self._wait = self.FIRST_RETRY_SECONDS
        self._retry_at = 0.0
        self._conn: sqlite3.Connection | None = None
        self._connect()  # at start, so a bad journal is reported at once
        self._thread = threading.Thread(target=self._run, name="journal", daemon=True)
        self._thread.start()

    def record(self, event: GuardEvent) -> None:
        with self._done:
            self._pending += 1
        self._queue.put(event)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything recorded so far is committed or dropped (tests,
        shutdown); False when some of it is still waiting for the journal."""
        with self._done:
            return self._done.wait_for(lambda: self._pending == 0, timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Stop the writer: one last try for what is waiting, the rest is dropped."""
        self._queue.put(None)
        self._thread.join(timeout)

    @property
    def waiting(self) -> int:
        """Events held in memory until the journal can be written."""
        return len(self._backlog)

    def _run(self) -> None:
        try:
            stop = False
            item: GuardEvent | Literal[False] | None  # False: nothing came, retry the backlog
            while not stop:
                timeout = max(0.0, self._retry_at - time.monotonic()) if self._backlog else None
                try:
                    item = self._queue.get(timeout=timeout)
                except queue.Empty:
                    item = False  # time to try the backlog again
                while item is not False:
                    if item is None:
                        stop = True
                        break
                    self._hold(item)
                    if len(self._backlog) >= _BATCH:
                        break
                    try:
                        item = self._queue.get_nowait()
                    except queue.Empty:
                        break
                if self._backlog and (stop or time.monotonic() >= self._retry_at):
                    try:
                        self._write_backlog()
                    except Exception as exc:  # the writer thread must outlive anything
                        self._failed(exc)
            if self._backlog:
                self._lose(len(self._backlog), "the guard stopped before it could be written")
                self._backlog.clear()
        finally:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()

    def _hold(self, event: GuardEvent) -> None:
        if len(self._backlog) < self.MAX_BACKLOG:
            self._backlog.append(event)
        else:
            self._lose(1, f"more than {self.MAX_BACKLOG} events were waiting")

    def _connect(self) -> bool:
        if self._conn is not None:
            return True
        try:
            self._conn = connect(self.path, self.report)
        except Exception as exc:
            self._failed(exc)
            return False
        return True

    def _write_backlog(self) -> None:
        """Commit the waiting events, oldest first. Only real damage (corrupt, not a
        database) sets the journal aside, once per try."""
        set_aside = False
        while self._backlog:
            if not self._connect():
                return
            assert self._conn is not None
            batch = self._backlog[:_BATCH]
            try:
                append(self._conn, batch)
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._conn = None
                if damaged(exc) and not set_aside:
                    set_aside = True
                    try:  # a fresh journal on the next round
                        _set_aside(self.path, f"could not be written ({_reason(exc)})", self.report)
                    except (sqlite3.Error, OSError) as again:
                        self._failed(again)
                        return
                    continue
                self._failed(exc)
                return
            del self._backlog[: len(batch)]
            if not self._backlog:
                self._recovered()  # before settling, so a flush also waits for what it says
            self._settle(len(batch))

    def _failed(self, exc: BaseException) -> None:
        """Not written this time: try again later, and say so once per run of failures."""
        why = _reason(exc)
        self._retry_at = time.monotonic() + self._wait
        self._wait = min(self._wait * 2, self.RETRY_SECONDS)
        if not self._failing:
            self._failing = why
            self.report(
                f"the journal {self.path} cannot be written just now ({why}); detection goes "
                "on, and events are kept until it can be written"
            )

    def _recovered(self) -> None:
        """Written again: say how many events were lost meanwhile (once), or that none were."""
        self._wait = self.FIRST_RETRY_SECONDS
        why, self._failing = self._failing, ""
        lost, self._lost, self._said_lost = self._lost, 0, False
        cause, self._lost_why = why or self._lost_why, ""
        if lost:
            self.report(
                f"{lost} events could not be written to the journal ({cause}); it is being "
                "written again"
            )
        elif why:
            self.report(f"the journal is being written again ({why} before); nothing was lost")

    def _lose(self, count: int, why: str) -> None:
        """Count lost entries; say so once per run of failures. (The report becomes an event,
        and that event comes back here: saying it every time would feed itself forever.)"""
        self.dropped += count
        self._lost += count
        self._lost_why = self._lost_why or why
        self._settle(count)
        if not self._said_lost:
            self._said_lost = True
            self.report(f"journal entries are being lost ({why})")

    def _settle(self, count: int) -> None:
        with self._done:
            self._pending -= count
            self._done.notify_all()


def _set_aside(path: Path, what: str, report: Report) -> None:
    """Move a bad journal out of the way and say so truthfully."""
    moved = _move_aside(path)
    if moved is None:
        report(f"the journal {path} {what} and could not be moved aside")
        raise sqlite3.OperationalError("the damaged journal could not be moved aside")
    report(f"the journal {path} {what}; it was moved to {moved.name} and a new one started")


def _open(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"journal mode is {mode}, not wal")
        conn.execute("PRAGMA synchronous = NORMAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            raise _Unusable(f"made by a newer ScamGuard (schema {version})")
        conn.executescript(_SCHEMA)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("SELECT count(*) FROM events").fetchone()
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def _move_aside(path: Path) -> Path | None:
    """Rename the journal (and its -wal/-shm) to ``.bad-<time>``; None if it cannot be."""
    target = files.aside_name(path)
    try:
        if path.exists():
            path.replace(target)
    except OSError:
        return None  # e.g. Windows: another program holds it open
    for suffix in ("-wal", "-shm"):
        src = Path(str(path) + suffix)
        if src.exists():
            with contextlib.suppress(OSError):
                src.replace(Path(str(target) + suffix))
    return target


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if "locked" in text:
        return "another program is holding it locked"
    if "full" in text or getattr(exc, "errno", None) == errno.ENOSPC:
        return "the disk is full"
    if "not a database" in text or "malformed" in text:
        return "it is damaged"
    return text
