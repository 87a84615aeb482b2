"""A settings file changed by hand (a caller dictating "paste this into settings.json") still
takes effect, but is journalled once as such at the next load: never silent, never twice.

Real files in the test's own ScamGuard home, the real journal, the real guard; the file is
edited with plain Python, as Notepad would."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from guard import clock
from guard.history import build
from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex
from guard.live import TrustedTools
from guard.state import changes, journal, settings, settings_edits, settings_written
from guard.state.events import GuardEvent
from guard.state.journal import Journal
from guard.state.paths import journal_path
from tests.conftest import Spawner, run_cli
from tests.guard_rig import Rig, is_stopped
from tests.helpers import wait_for

PREFIX = "the settings file was changed outside ScamGuard"


class Guard:
    """What a guard does at each load of the settings: a ``TrustedTools`` writing to the
    real journal. A new one is a restart (it reads the file afresh, as at the guard's start)."""

    def __init__(self, index: SignatureIndex):
        self.index = index
        self.problems: list[str] = []
        self.start()

    def start(self) -> None:
        self.journal = Journal(journal_path(), report=self.problems.append)
        self.trusted = TrustedTools(
            self.problems.append,
            self.journal.record,
            names=lambda tool_id: getattr(self.index.tools.get(tool_id), "name", None),
            min_interval=0,
        )

    def load(self) -> frozenset[str]:
        ids = self.trusted()
        assert self.journal.flush()
        return ids

    def restart(self) -> None:
        self.journal.close()
        self.start()

    def close(self) -> None:
        self.journal.close()


@pytest.fixture
def guard(shipped_index: SignatureIndex) -> Iterator[Guard]:
    g = Guard(shipped_index)
    yield g
    g.close()


def rows(kind: str | None = None) -> list[dict[str, Any]]:
    return [r for r in journal.read(journal_path()) if kind is None or r["kind"] == kind]


def hand_edits() -> list[dict[str, Any]]:
    return [r for r in rows("settings") if r["data"].get("setting") == "edited-by-hand"]


def edit_by_hand(change: Any) -> None:
    """Change settings.json the way a person with Notepad would: read, change, write."""
    path = settings.settings_path()
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    change(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def add_teamviewer(data: dict[str, Any]) -> None:
    data.setdefault("trusted_tools", {})["teamviewer"] = {"added": "", "note": "my nephew"}


def test_a_change_made_through_scamguard_is_not_a_hand_edit(
    guard: Guard, shipped_index: SignatureIndex
) -> None:
    assert guard.load() == frozenset()
    changes.add_trust(shipped_index.tools["teamviewer"], "Dad", report=pytest.fail)
    changes.set_provider("bt", "BT", report=pytest.fail)
    assert guard.load() == {"teamviewer"}
    guard.restart()
    assert guard.load() == {"teamviewer"}
    changes.load(report=pytest.fail)  # and the next change made through ScamGuard
    assert [r["kind"] for r in rows()] == ["trusted", "settings"]
    assert hand_edits() == []
    assert guard.problems == []


def test_a_tool_trusted_by_hand_is_trusted_and_journalled_once(
    guard: Guard, shipped_index: SignatureIndex
) -> None:
    changes.add_trust(shipped_index.tools["anydesk"], "", report=pytest.fail)
    assert guard.load() == {"anydesk"}
    guard.close()  # the guard is not running while the caller dictates

    edit_by_hand(add_teamviewer)
    guard.start()  # the guard's next start
    assert guard.load() == {"anydesk", "teamviewer"}  # it takes effect...
    [event] = hand_edits()  # ...and is said, once
    assert event["message"] == f"{PREFIX}: TeamViewer added to the trusted tools by hand"
    assert event["tool"] == "teamviewer" and event["name"] == "TeamViewer"
    assert event["data"]["trusted_added"] == ["teamviewer"]
    assert event["data"]["trusted_removed"] == [] and event["data"]["record"] == "kept"

    assert guard.load() == {"anydesk", "teamviewer"}
    guard.restart()
    assert guard.load() == {"anydesk", "teamviewer"}
    assert len(hand_edits()) == 1
    assert guard.problems == []
    # The record remembers that this trust came from a hand edit.
    record = settings_written.read().record
    assert record is not None and record.by == "hand"
    assert set(record.by_hand) == {"teamviewer"}


def test_a_running_guard_notices_a_hand_edit_when_it_rereads(guard: Guard) -> None:
    settings.save(settings.Settings(provider="bt"))
    assert guard.load() == frozenset()
    edit_by_hand(add_teamviewer)
    assert guard.load() == {"teamviewer"}
    assert [e["message"] for e in hand_edits()] == [
        f"{PREFIX}: TeamViewer added to the trusted tools by hand"
    ]


def test_a_hand_edit_is_said_in_the_history(guard: Guard) -> None:
    settings.save(settings.Settings())
    edit_by_hand(add_teamviewer)
    guard.load()
    [notice] = [e for e in build(rows())["other"] if e["event"] == "settings"]
    assert notice["setting"] == "edited-by-hand" and notice["trusted_added"] == ["teamviewer"]
    shown = run_cli("history")
    assert shown.returncode == 0, shown.stderr
    assert f"settings: {PREFIX}: TeamViewer added to the trusted tools by hand" in shown.stdout


def test_a_tool_removed_by_hand(guard: Guard, shipped_index: SignatureIndex) -> None:
    changes.add_trust(shipped_index.tools["teamviewer"], "Dad", report=pytest.fail)
    assert guard.load() == {"teamviewer"}
    edit_by_hand(lambda data: data["trusted_tools"].clear())
    assert guard.load() == frozenset()
    [event] = hand_edits()
    assert event["message"] == f"{PREFIX}: TeamViewer removed from the trusted tools by hand"
    assert event["data"]["trusted_removed"] == ["teamviewer"]


def test_the_provider_and_folders_changed_by_hand(guard: Guard, tmp_path: Path) -> None:
    changes.set_provider("bt", "BT", report=pytest.fail)
    changes.set_folders([str(tmp_path / "old")], "watch old", report=pytest.fail)
    guard.load()

    def change(data: dict[str, Any]) -> None:
        data["provider"] = "sky"
        data["watch_folders"] = [str(tmp_path / "new")]

    edit_by_hand(change)
    guard.load()
    [event] = hand_edits()
    assert event["message"] == (
        f"{PREFIX}: the warning's provider changed by hand from bt to sky; "
        f"{tmp_path / 'new'} added to the watched folders by hand; "
        f"{tmp_path / 'old'} removed from the watched folders by hand"
    )
    data = event["data"]
    assert (data["provider"], data["previous_provider"]) == ("sky", "bt")
    assert data["folders_added"] == [str(tmp_path / "new")]
    assert data["folders_removed"] == [str(tmp_path / "old")]


def test_a_file_made_by_hand_without_scamguard_ever_writing_one(guard: Guard) -> None:
    assert guard.load() == frozenset()  # no file, no record: just no settings
    assert rows() == []
    edit_by_hand(add_teamviewer)
    assert guard.load() == {"teamviewer"}
    [event] = hand_edits()
    assert event["message"] == (
        f"{PREFIX} (ScamGuard has no record of writing it, so it was made by hand or by "
        "an older ScamGuard): "
        "TeamViewer added to the trusted tools by hand"
    )
    assert event["data"]["record"] == "missing"


def test_an_empty_file_made_by_hand_changes_nothing_and_is_not_journalled(guard: Guard) -> None:
    edit_by_hand(lambda data: None)  # "{}"
    assert guard.load() == frozenset()
    assert rows() == []


def test_a_file_damaged_by_hand_counts_as_edited_and_is_reported_once(
    guard: Guard, shipped_index: SignatureIndex
) -> None:
    changes.add_trust(shipped_index.tools["teamviewer"], "Dad", report=pytest.fail)
    changes.set_provider("bt", "BT", report=pytest.fail)
    assert guard.load() == {"teamviewer"}
    path = settings.settings_path()
    path.write_text(path.read_text(encoding="utf-8") + ",", encoding="utf-8")  # a stray comma
    assert guard.load() == frozenset()
    [problem] = guard.problems  # the damage: said by load, once
    assert "damaged settings ignored" in problem
    [event] = hand_edits()  # the edit: said as such, without repeating the damage
    assert event["message"] == (
        f"{PREFIX}: it is now damaged, so ScamGuard ignores it until it is fixed; "
        "TeamViewer no longer trusted"
    )
    assert event["data"]["damaged"] is True
    assert "damaged settings ignored" not in event["message"]
    guard.restart()
    guard.load()
    assert len(hand_edits()) == 1


def test_a_file_deleted_by_hand(guard: Guard, shipped_index: SignatureIndex) -> None:
    changes.add_trust(shipped_index.tools["teamviewer"], "Dad", report=pytest.fail)
    guard.load()
    guard.close()
    settings.settings_path().unlink()
    guard.start()
    assert guard.load() == frozenset()
    [event] = hand_edits()
    assert event["message"] == (
        "the settings file was deleted outside ScamGuard: "
        "TeamViewer removed from the trusted tools by hand"
    )
    guard.restart()
    guard.load()
    assert len(hand_edits()) == 1


def test_going_back_by_hand_to_an_older_file_of_scamguards_is_a_hand_edit(guard: Guard) -> None:
    settings.save(settings.Settings(trusted={"teamviewer": {"added": "", "note": ""}}))
    older = settings.settings_path().read_bytes()
    settings.save(settings.Settings())
    assert guard.load() == frozenset()
    settings.settings_path().write_bytes(older)  # "undo" in the editor
    assert guard.load() == {"teamviewer"}
    assert hand_edits()[0]["data"]["trusted_added"] == ["teamviewer"]


def test_a_save_half_done_is_not_a_hand_edit() -> None:
    """Between the record naming the new bytes and the file holding them, a guard reading
    the file sees ScamGuard's old bytes or its new ones: neither is a hand edit."""
    path = settings.settings_path()
    settings.save(settings.Settings(provider="bt"))
    old = path.read_bytes()
    new = settings.Settings(provider="sky").to_json()
    settings_written.remember(path, json.dumps(new).encode(), new)
    record = settings_written.read().record
    for raw in (old, json.dumps(new).encode()):
        assert settings_edits.describe(raw, record, path) is None
    assert settings_edits.describe(b'{"provider": "ee"}', record, path) is not None


def test_a_hand_edit_before_a_change_through_scamguard_is_journalled_first(
    shipped_index: SignatureIndex,
) -> None:
    """No guard running: the next change made through ScamGuard must not save over the hand
    edit silently; it journals it first, and the guard does not say it again."""
    settings.save(settings.Settings())
    edit_by_hand(add_teamviewer)
    changes.set_provider("bt", "BT", report=pytest.fail)
    assert [r["kind"] for r in rows()] == ["settings", "settings"]
    [hand, provider] = rows()
    assert hand["message"] == f"{PREFIX}: teamviewer added to the trusted tools by hand"
    assert provider["message"] == "the warning's provider is now BT"
    assert settings.load().trusted.keys() == {"teamviewer"}  # it still takes effect
    g = Guard(shipped_index)
    try:
        assert g.load() == {"teamviewer"}
    finally:
        g.close()
    assert len(hand_edits()) == 1


def test_an_edit_whose_event_was_not_journalled_is_said_again(
    shipped_index: SignatureIndex,
) -> None:
    settings.save(settings.Settings())
    edit_by_hand(add_teamviewer)
    lost: list[GuardEvent] = []

    def failing(event: GuardEvent) -> bool:
        lost.append(event)
        return False

    TrustedTools(pytest.fail, failing, min_interval=0)()
    assert len(lost) == 1
    g = Guard(shipped_index)  # the next start: the record was not moved on
    try:
        assert g.load() == {"teamviewer"}
    finally:
        g.close()
    assert len(hand_edits()) == 1


def test_a_damaged_record_is_reported_in_one_line_and_kept(guard: Guard) -> None:
    settings.save(settings.Settings())
    record = settings_written.record_path()
    record.write_text("{ not json", encoding="utf-8")
    edit_by_hand(add_teamviewer)
    assert guard.load() == {"teamviewer"}
    [problem] = guard.problems
    assert problem.startswith(f"{record}: damaged record") and "\n" not in problem
    [event] = hand_edits()
    assert "(ScamGuard's record of writing it could not be read)" in event["message"]
    assert event["data"]["record"] == "unreadable"
    [aside] = record.parent.glob(f"{record.name}.bad-*")
    assert aside.read_text(encoding="utf-8") == "{ not json"
    assert settings_written.read().problem == ""


def test_trust_add_dates_the_trust_from_the_one_clock(
    monkeypatch: pytest.MonkeyPatch, shipped_index: SignatureIndex
) -> None:
    # A moment the system clock is not at (days from the one clock's now, whole seconds).
    moment = (clock.now() + dt.timedelta(days=3, hours=5)).replace(microsecond=0)
    monkeypatch.setattr(clock, "now", lambda: moment)
    changes.add_trust(shipped_index.tools["teamviewer"], "", report=pytest.fail)
    assert settings.load().trusted["teamviewer"]["added"] == moment.isoformat()
    assert moment.isoformat().endswith("+00:00")  # recorded in UTC


def test_a_real_guard_trusts_a_tool_added_by_hand_and_journals_it(
    identifier: Identifier, spawn: Spawner
) -> None:
    settings.save(settings.Settings())
    edit_by_hand(add_teamviewer)
    rig = Rig(identifier, spawn.root).start()
    try:
        tool = spawn.start("teamviewer")
        allowed = rig.wait_event("allowed", tool="teamviewer")
        assert allowed.data["scope"] == "trusted" and not is_stopped(tool.pid)
        wait_for(hand_edits, message="the hand edit in the journal")
    finally:
        rig.stop()
    [event] = hand_edits()
    assert event["message"] == f"{PREFIX}: TeamViewer added to the trusted tools by hand"


def test_a_tool_id_typed_by_hand_in_capitals_is_the_same_tool() -> None:
    """ "TeamViewer" typed into the file means teamviewer: what is reported as trusted is
    reported as trusted is what the guard really trusts."""
    path = settings.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"trusted_tools": {"TeamViewer": {"note": "by hand"}}}))
    assert settings.load().trusted == {"teamviewer": {"note": "by hand"}}


def test_reading_aloud_turned_off_by_hand_is_journalled_and_takes_effect(guard: Guard) -> None:
    changes.set_speak(True, report=pytest.fail)
    guard.load()
    edit_by_hand(lambda data: data.__setitem__("speak", False))
    guard.load()
    [event] = hand_edits()
    assert event["message"] == f"{PREFIX}: reading the warning aloud turned off by hand"
    assert settings.load().speak is False


def test_the_preferences_round_trip_and_a_wrong_type_is_damage() -> None:
    changes.set_speak(False, report=pytest.fail)
    changes.set_larger_text(True, report=pytest.fail)
    changes.mark_welcomed(report=pytest.fail)
    saved = settings.load()
    assert (saved.speak, saved.larger_text, saved.problem) == (False, True, "")
    assert saved.welcomed == clock.now().isoformat(timespec="seconds")
    assert [r["data"]["setting"] for r in rows("settings")] == ["speak"]
    path = settings.settings_path()
    path.write_text(json.dumps({"speak": "no"}), encoding="utf-8")
    assert "speak and larger_text must be true or false" in settings.load().problem
    path.write_text("{}", encoding="utf-8")
    fresh = settings.load()
    assert (fresh.speak, fresh.larger_text, fresh.welcomed) == (True, False, "")
