"""Event kinds and member/file states are StrEnums, but what reaches the journal and the JSON
of ``watch --json`` / ``history --json`` stays the same plain strings: scripts and older
journals depend on them."""

from __future__ import annotations

import ast
import json
import sqlite3
from pathlib import Path

import psutil
import pytest

from guard.engine.incidents import FileMember, FileState, Member, MemberState
from guard.state.events import EventKind, GuardEvent
from guard.state.journal import connect, read, record_now

ROOT = Path(__file__).resolve().parent.parent
# Calls that make an event, and which positional argument is its kind.
_KIND_ARG = {"GuardEvent": 0, "note": 0, "journal": 0, "_emit": 1}
# The kinds the documentation promises (docs/cli.md): renaming one breaks scripts.
DOCUMENTED = {
    "started",
    "detected",
    "frozen",
    "blocked",
    "allowed",
    "ended",
    "installer",
    "error",
    "restored",
    "trusted",
    "settings",
    "update",
    "stopped",
    "resumed-from-outside",
    "stopped-again",
    "refused",
    "protection-off",
    "session-started",
    "session-ended",
    "denied",
}


def _kinds_written() -> list[tuple[str, str]]:
    """(where, kind) for every event the guard and the tray make, read from their source."""
    found = []
    for path in sorted([*(ROOT / "guard").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            index = _KIND_ARG.get(name)
            if index is None or len(node.args) <= index:
                continue
            arg = node.args[index]
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.append((where, arg.value))
            elif (
                isinstance(arg, ast.Attribute)
                and isinstance(arg.value, ast.Name)
                and arg.value.id == "EventKind"
            ):
                found.append((where, EventKind[arg.attr].value))
    return found


def test_every_kind_the_guard_writes_is_a_member_of_the_enum() -> None:
    written = _kinds_written()
    assert len(written) > 20  # the scan found the engine's, the commands' and the tray's
    assert {kind for _, kind in written} <= {k.value for k in EventKind}, written
    assert {k.value for k in EventKind} == DOCUMENTED


def test_a_plain_string_becomes_the_enum_and_an_unknown_one_is_refused() -> None:
    event = GuardEvent("stopped-again", "m")
    assert event.kind is EventKind.STOPPED_AGAIN
    with pytest.raises(ValueError, match="unknown event kind 'no-such-kind'"):
        GuardEvent("no-such-kind", "m")


def test_the_json_line_and_the_journal_carry_the_plain_strings(tmp_path: Path) -> None:
    events = [GuardEvent(kind, f"a {kind} event", incident="abc") for kind in EventKind]
    for event in events:
        line = json.dumps(event.to_json())
        assert f'"event": "{event.kind.value}"' in line
        assert type(json.loads(line)["event"]) is str
    path = tmp_path / "journal.db"
    record_now(path, events, lambda line: None)
    rows = read(path)
    assert [r["kind"] for r in rows] == [k.value for k in EventKind]
    assert all(type(r["kind"]) is str for r in rows)
    conn = sqlite3.connect(path)
    try:
        types = {t for (t,) in conn.execute("SELECT DISTINCT typeof(kind) FROM events")}
    finally:
        conn.close()
    assert types == {"text"}
    connect(path, lambda line: None).close()  # still a journal this version opens


def test_member_and_file_states_are_plain_strings_in_json() -> None:
    member = Member(psutil.Process(), "python", None, role="tool")
    assert member.state is MemberState.RUNNING
    member.state = MemberState.FROZEN
    assert json.loads(json.dumps(member.to_json()))["state"] == "frozen"
    installer = FileMember("/tmp/AnyDesk.exe", "created")
    assert installer.state is FileState.PRESENT
    assert '"state": "present"' in json.dumps(installer.to_json())
    assert [s.value for s in MemberState] == [
        "running",
        "frozen",
        "killed",
        "exited",
        "denied",
        "exempt",
    ]
    assert [s.value for s in FileState] == ["present", "moving", "quarantined", "gone", "failed"]
