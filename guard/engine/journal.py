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
import json
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from guard.engine.events import GuardEvent

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


class JournalError(Exception):
    """The journal could not be read (for ``history``); one line."""


def connect(path: Path, report: Report) -> sqlite3.Connection:
    """Open (creating if needed) the journal in WAL mode; move a bad one aside and start
    afresh. ``report`` gets one line when that happens. Raises sqlite3.Error (or OSError)
    only when even that fails (the file cannot be moved, the folder is read-only)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _open(path)
    except sqlite3.DatabaseError as exc:
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


class Journal:
    """The guard's writer: ``record`` queues, a thread commits in small batches. If the
    journal cannot be written at all, events are dropped (and counted, and said once), and
    it tries again on later batches; the guard never stops for it."""

    RETRY_SECONDS = 30.0

    def __init__(self, path: Path, report: Report):
        self.path = path
        self.report = report
        self.dropped = 0
        self._failing = False
        self._queue: queue.Queue[GuardEvent | None] = queue.Queue()
        self._pending = 0
        self._done = threading.Condition()
        self._retry_at = 0.0
        self._conn = self._connect()  # at start, so a bad journal is reported at once
        self._thread = threading.Thread(target=self._run, name="journal", daemon=True)
        self._thread.start()

    def record(self, event: GuardEvent) -> None:
        with self._done:
            self._pending += 1
        self._queue.put(event)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything recorded so far is committed (tests, shutdown)."""
        with self._done:
            return self._done.wait_for(lambda: self._pending == 0, timeout)

    def close(self, timeout: float = 5.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        try:
            while True:
                first = self._queue.get()
                if first is None:
                    return
                batch = [first]
                stop = False
                while len(batch) < 500:
                    try:
                        item = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if item is None:
                        stop = True
                        break
                    batch.append(item)
                try:
                    self._write(batch)
                except Exception as exc:  # the writer thread must outlive anything
                    self._drop(batch, f"unexpected error {exc!r}")
                with self._done:
                    self._pending -= len(batch)
                    self._done.notify_all()
                if stop:
                    return
        finally:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()

    def _connect(self) -> sqlite3.Connection | None:
        try:
            conn = connect(self.path, self.report)
        except (sqlite3.Error, OSError) as exc:
            self.report(
                f"the journal {self.path} cannot be written ({_reason(exc)}); detection goes "
                "on, but events are not being recorded"
            )
            self._retry_at = time.monotonic() + self.RETRY_SECONDS
            return None
        return conn

    def _write(self, batch: list[GuardEvent]) -> None:
        """Commit ``batch``; a journal that breaks mid-run is set aside and the batch is
        tried once more on a fresh one."""
        for fresh in (False, True):
            if self._conn is None:
                if not fresh and time.monotonic() < self._retry_at:
                    break  # it failed recently; try again after RETRY_SECONDS
                self._conn = self._connect()
                if self._conn is None:
                    break
            try:
                append(self._conn, batch)
                self._failing = False
                return
            except sqlite3.DatabaseError as exc:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._conn = None
                if fresh:
                    self._retry_at = time.monotonic() + self.RETRY_SECONDS
                    self._drop(batch, _reason(exc))
                    return
                with contextlib.suppress(sqlite3.Error, OSError):  # _connect says why next
                    _set_aside(self.path, f"could not be written ({_reason(exc)})", self.report)
        self._drop(batch)

    def _drop(self, batch: list[GuardEvent], why: str = "") -> None:
        """Count lost entries; say so once per run of failures. (The report becomes an event,
        and that event comes back here: saying it every time would feed itself forever.)"""
        self.dropped += len(batch)
        if not self._failing:
            self._failing = True
            self.report(
                "journal entries are being lost until it can be written again"
                + (f" ({why})" if why else "")
            )


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
            raise sqlite3.DatabaseError(f"journal mode is {mode}, not wal")
        conn.execute("PRAGMA synchronous = NORMAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            raise sqlite3.DatabaseError(f"made by a newer ScamGuard (schema {version})")
        conn.executescript(_SCHEMA)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("SELECT count(*) FROM events").fetchone()
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def _move_aside(path: Path) -> Path | None:
    """Rename the journal (and its -wal/-shm) to ``.bad-<time>``; None if it cannot be."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.bad-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.bad-{stamp}-{n}")
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
    if "not a database" in text or "malformed" in text:
        return "it is damaged"
    return text
