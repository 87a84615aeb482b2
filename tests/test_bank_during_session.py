"""The foreground window meets the engine (guard/session/banking.py), with a real engine and
a real tool process: a bank during a live session freezes it; an ordinary window or a bank
with no session does nothing; a bank soon after a session ended gets one gentle notice."""

from __future__ import annotations

from pathlib import Path

import pytest

from guard.engine.engine import Engine
from guard.engine.incidents import AllowScope
from guard.engine.quarantine import Quarantine
from guard.identify.identifier import Identifier
from guard.identify.process import read_process
from guard.session.banking import BankingGuard, names
from guard.session.model import SessionChange
from tests.conftest import Spawner
from tests.guard_rig import is_stopped
from tests.helpers import ManualClock, wait_for


def _bank(title: str, _process: str) -> str | None:
    """A stand-in for the banking data's matcher (its own tests: tests/test_banking_*.py)."""
    return "Barclays" if "Barclays Online Banking" in title else None


@pytest.fixture
def setup(tmp_path: Path, spawn: Spawner, identifier: Identifier):
    engine = Engine(Quarantine(tmp_path / "q"), only_under=str(spawn.root))
    tool = spawn.start("anydesk")
    info = wait_for(lambda: read_process(tool.pid))
    engine.process_seen(info, identifier.identify_process(info))
    (view,) = engine.incidents()
    engine.allow(view.id, AllowScope("until-closed"))
    assert wait_for(lambda: not is_stopped(tool.pid))
    clock, told = ManualClock(5000.0), []
    guard = BankingGuard(engine, _bank, told.append, clock=clock)
    engine.add_listener(guard.on_event)
    yield engine, tool, guard, clock, told
    engine.close()


def _session(pid: int, started: bool) -> SessionChange:
    return SessionChange(started, "anydesk", (pid,), None, "socket", "203.0.113.5:6568",
                         "anydesk is connected", 1000.0)  # fmt: skip


def test_the_bank_during_a_session_freezes_the_tool(setup) -> None:
    engine, tool, guard, _clock, told = setup
    assert guard.on_focus("BBC News - Mozilla Firefox", "firefox") is None
    assert guard.on_focus("Barclays Online Banking - Mozilla Firefox", "firefox") is None
    assert not is_stopped(tool.pid)  # no session: nothing happens
    engine.session_changed(_session(tool.pid, True))
    assert guard.on_focus("Your accounts - Mozilla Firefox", "firefox") is None
    assert not is_stopped(tool.pid)  # a session, but not a bank
    assert guard.on_focus("Barclays Online Banking - Mozilla Firefox", "firefox") == "frozen"
    assert wait_for(lambda: is_stopped(tool.pid))
    assert told == []


def test_a_bank_soon_after_a_session_ended_gets_one_notice(setup) -> None:
    engine, tool, guard, clock, told = setup
    engine.session_changed(_session(tool.pid, True))
    engine.session_changed(_session(tool.pid, False))
    engine.wait_delivered()
    clock.now += 60
    assert guard.on_focus("Barclays Online Banking - Google Chrome", "chrome") == "notice"
    assert guard.on_focus("Barclays Online Banking - Google Chrome", "chrome") is None
    assert told == ["Barclays"] and not is_stopped(tool.pid)


def test_no_notice_once_two_minutes_have_passed(setup) -> None:
    engine, tool, guard, clock, told = setup
    engine.session_changed(_session(tool.pid, True))
    engine.session_changed(_session(tool.pid, False))
    engine.wait_delivered()
    clock.now += 121
    assert guard.on_focus("Barclays Online Banking - Google Chrome", "chrome") is None
    assert told == []


def test_a_session_that_starts_while_the_bank_is_in_front_freezes_the_tool(setup) -> None:
    """ "Log in to your bank first, then I will connect": the order is the other way round,
    and the bank's page title may change after the log-in, but the tool is frozen all the
    same."""
    engine, tool, guard, _clock, _told = setup
    assert guard.on_focus("Barclays Online Banking - Mozilla Firefox", "firefox") is None
    engine.session_changed(_session(tool.pid, True))
    assert wait_for(lambda: is_stopped(tool.pid), message="frozen when the session started")
    (view,) = engine.incidents()
    assert view.banking == "Barclays"


def test_the_banks_pages_after_the_log_in_still_count_as_the_bank(setup) -> None:
    """ "Payments | Barclays" names no banking word, so the data alone would not know it; the
    same browser showing it right after the bank's log-in page is still the bank."""
    engine, tool, guard, _clock, _told = setup
    assert guard.on_focus("Payments | Barclays - Mozilla Firefox", "firefox") is None
    assert guard.in_front is None  # never recognised here: just a page naming Barclays
    assert guard.on_focus("Barclays Online Banking - Mozilla Firefox", "firefox") is None
    assert guard.on_focus("Payments | Barclays - Mozilla Firefox", "firefox") is None
    assert guard.in_front == "Barclays"  # the log-in led here: still the bank
    assert guard.on_focus("Payments | Barclays", "chrome") is None
    assert guard.in_front is None  # another program: not the page that was recognised
    guard.on_focus("Barclays Online Banking - Mozilla Firefox", "firefox")
    guard.on_focus("BBC News - Mozilla Firefox", "firefox")
    assert guard.on_focus("Payments | Barclays - Mozilla Firefox", "firefox") is None
    assert guard.in_front is None  # a title without the bank's name ended it
    guard.on_focus("Barclays Online Banking - Mozilla Firefox", "firefox")
    assert guard.on_focus("Barclaysfan forum - Mozilla Firefox", "firefox") is None
    assert guard.in_front is None  # the name inside another word is not the bank's
    guard.on_focus("Barclays Online Banking - Mozilla Firefox", "firefox")
    guard.on_focus("Payments | Barclays - Mozilla Firefox", "firefox")
    engine.session_changed(_session(tool.pid, True))  # the caller connects now
    assert wait_for(lambda: is_stopped(tool.pid), message="frozen on the page after log-in")
    (view,) = engine.incidents()
    assert view.banking == "Barclays"


def test_a_title_names_a_bank_only_as_a_whole_word() -> None:
    assert names("Payments | Barclays - Mozilla Firefox", "Barclays")
    assert names("LLOYDS BANK – Home", "Lloyds Bank")
    assert not names("Barclaysfan forum", "Barclays")
    assert not names("Lloyds Banking Group careers", "Lloyds Bank")


def test_a_bank_known_by_a_shorter_name_stays_the_bank_after_the_log_in(setup) -> None:
    """ "HSBC UK" in the data; "Accounts | HSBC" after the log-in."""
    engine, _tool, _guard, clock, told = setup
    hsbc = BankingGuard(
        engine,
        lambda title, _p: "HSBC UK" if "Log on to Online Banking" in title else None,
        told.append,
        clock=clock,
        names_of=lambda bank: (bank, "HSBC") if bank == "HSBC UK" else (bank,),
    )
    hsbc.on_focus("Log on to Online Banking | HSBC UK - Google Chrome", "chrome")
    hsbc.on_focus("Accounts | HSBC - Google Chrome", "chrome")
    assert hsbc.in_front == "HSBC UK"
    hsbc.on_focus("HSBCfans - Google Chrome", "chrome")
    assert hsbc.in_front is None
