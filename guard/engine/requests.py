"""Decisions from another process: ``scamguard block ID`` / ``allow ID`` reach the running guard.

The guard that froze a tool holds its process handles, its allowance timers and its incident,
so only that guard can carry a decision out. A decision made elsewhere (the command line today;
a separate tray process or an elevated service tomorrow) is written as a request row in the
journal database, and the guard picks it up on its next housekeeping tick (a quarter of a
second) and writes the answer back. SQLite in WAL mode already gives both processes safe,
crash-proof access to one file, so no socket or named pipe (and no per-OS IPC code) is needed.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from guard.engine.engine import Engine
from guard.engine.incidents import AllowScope, DecisionError
from guard.state.journal import connect

ACTIONS = ("block", "allow")
RETRY_SECONDS = 5.0


def submit(
    path: Path, incident: str, action: str, scope: str | None, report: Callable[[str], None]
) -> int:
    """Queue a decision; returns its sequence number for ``wait_answer``."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    conn = connect(path, report)
    try:
        with conn:
            cur = conn.execute(
                "INSERT INTO requests (time, incident, action, scope) VALUES (?, ?, ?, ?)",
                (time.time(), incident, action, scope),
            )
        return int(cur.lastrowid or 0)
    finally:
        conn.close()


def wait_answer(path: Path, seq: int, timeout: float) -> tuple[str, str] | None:
    """(state, answer) once the guard has answered, or None if nobody did in time (the
    request is then withdrawn, so a guard started later does not act on a stale decision).
    A request the guard has already claimed is waited for a little longer instead: it is
    being carried out, and saying "nothing was changed" then would be wrong."""
    deadline = time.monotonic() + timeout
    conn = sqlite3.connect(path, timeout=2.0)
    try:
        while True:
            row = conn.execute(
                "SELECT state, answer FROM requests WHERE seq = ?", (seq,)
            ).fetchone()
            if row is not None and row[0] not in ("pending", "working"):
                return str(row[0]), str(row[1])
            if time.monotonic() > deadline:
                with conn:
                    withdrawn = conn.execute(
                        "UPDATE requests SET state = 'withdrawn'"
                        " WHERE seq = ? AND state = 'pending'",
                        (seq,),
                    ).rowcount
                if withdrawn:
                    return None
                deadline = time.monotonic() + timeout  # claimed: wait for its answer
            time.sleep(0.05)  # another process answers; there is nothing to wait on but time
    finally:
        conn.close()


class RequestInbox:
    """The guard's side: answer pending requests against its engine."""

    def __init__(self, path: Path, engine: Engine):
        self.path = path
        self.engine = engine
        self._conn: sqlite3.Connection | None = None
        self._inode: tuple[int, int] | None = None
        self._retry_at = 0.0
        self._said = False

    def poll(self) -> None:
        conn = self._connection()
        if conn is None:
            return
        try:
            rows = conn.execute(
                "SELECT seq, incident, action, scope FROM requests WHERE state = 'pending'"
                " ORDER BY seq"
            ).fetchall()
            for seq, incident, action, scope in rows:
                with conn:  # claim it, so a request the CLI withdrew meanwhile is not acted on
                    claimed = conn.execute(
                        "UPDATE requests SET state = 'working' WHERE seq = ? AND state = 'pending'",
                        (seq,),
                    ).rowcount
                if not claimed:
                    continue
                state, answer = self._carry_out(incident, action, scope)
                with conn:
                    conn.execute(
                        "UPDATE requests SET state = ?, answer = ? WHERE seq = ?",
                        (state, answer, seq),
                    )
        except sqlite3.Error as exc:
            self._drop(f"decisions from other programs cannot be read ({exc})")

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None

    def expire_stale(self) -> None:
        """Requests left from before this guard started were meant for another run."""
        conn = self._connection()
        if conn is None:
            return
        try:
            with conn:
                conn.execute("UPDATE requests SET state = 'withdrawn' WHERE state = 'pending'")
        except sqlite3.Error as exc:
            self._drop(f"decisions from other programs cannot be read ({exc})")

    def _carry_out(self, incident: str, action: str, scope: str | None) -> tuple[str, str]:
        try:
            if action == "block":
                view = self.engine.block(incident)
                return "done", f"{view.tool.name} was removed"
            if action == "allow":
                parsed = AllowScope.parse(scope or "")
                view = self.engine.allow(incident, parsed, via="command-line")
                return "done", f"{view.tool.name} was allowed {parsed.label}"
            return "refused", f"unknown action {action!r}"
        except (DecisionError, ValueError) as exc:
            return "refused", str(exc)
        except Exception as exc:  # answered, not retried every tick forever
            return "failed", f"the guard could not carry this out ({exc!r})"

    def _connection(self) -> sqlite3.Connection | None:
        identity = _identity(self.path)
        if self._conn is not None and identity != self._inode:
            self.close()  # the journal was moved aside and recreated: follow it
        if self._conn is None and time.monotonic() >= self._retry_at:
            try:
                self._conn = connect(self.path, self.engine.problem)
                self._inode = _identity(self.path)
                self._said = False
            except (sqlite3.Error, OSError) as exc:
                self._drop(f"decisions from other programs cannot be read ({exc})")
        return self._conn

    def _drop(self, message: str) -> None:
        """Say it once, and try again a little later (a lock held by a reader passes)."""
        if not self._said:
            self.engine.problem(message)
            self._said = True
        self.close()
        self._retry_at = time.monotonic() + RETRY_SECONDS


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino
