"""The banking data files: the shipped UK file validates, each kind of mistake is refused
with one plain line, a file that goes bad keeps its last good data, and `scamguard
signatures validate` covers the banking folder."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest

from guard.banking.loader import BankingCatalog, builtin_banking_dir, check_banking
from guard.banking.schema import check_country_file
from guard.state import paths
from tests.conftest import run_cli

SHIPPED = builtin_banking_dir() / "gb.toml"


def _day_after_the_data_was_reviewed() -> dt.date:
    """ "Today" for these tests: the day after the newest date in the shipped file, so no
    test depends on the real date (the validator's own check of it runs in make test-future
    with the clock a year on)."""
    dates: list[dt.date] = []

    def walk(value: Any) -> None:
        if isinstance(value, dt.date):
            dates.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(tomllib.loads(SHIPPED.read_text(encoding="utf-8")))
    return max(dates) + dt.timedelta(days=1)


TODAY = _day_after_the_data_was_reviewed()


@pytest.fixture(scope="module")
def shipped_doc() -> dict[str, Any]:
    return tomllib.loads(SHIPPED.read_text(encoding="utf-8"))


def test_the_shipped_files_validate() -> None:
    found, problems = check_banking(builtin_banking_dir())
    assert problems == []
    assert len(found.banks) >= 20
    for bank in found.banks:
        assert bank.sources and bank.reviewed <= TODAY and bank.country == "GB"
        assert bank.titles and bank.domains


def test_uk_help_is_159_and_the_card_and_nothing_unchecked() -> None:
    found, _ = check_banking(builtin_banking_dir())
    help_ = found.help_for("gb")
    assert help_ is not None
    # Only numbers the research marks VERIFIED or PARTIAL; it marks no single bank's number.
    assert [n.number for n in help_.numbers] == ["159"]
    assert all(n.status in ("verified", "partial") and n.source for n in help_.numbers)
    assert help_.card == "the number on the back of your card"
    assert help_.card_source and help_.card_checked <= TODAY


def mutate(doc: dict[str, Any], change: str) -> dict[str, Any]:
    d = copy.deepcopy(doc)
    bank = d["banks"][0]  # Barclays
    number = d["help"]["numbers"][0]
    future = TODAY + dt.timedelta(days=10)
    {
        "unknown top": lambda: d.update(colour="red"),
        "unknown bank": lambda: bank.update(regex="Barclays.*"),
        "unknown help": lambda: d["help"].update(phone="0800 000 000"),
        "bare name": lambda: bank.update(titles=["Barclays*"]),
        "no name": lambda: bank.update(titles=["Log in*"]),
        "regex": lambda: bank.update(titles=["Barclays [a-z]+ Online Banking"]),
        "too broad": lambda: bank.update(titles=["Barclays*online banking*"]),
        "wildcards": lambda: bank.update(titles=["Barclays*O*n*l*i*ne Banking"]),
        "browser app": lambda: bank.update(apps=["firefox.exe"]),
        "shared domain": lambda: bank.update(domains=["co.uk"]),
        "url domain": lambda: bank.update(domains=["https://barclays.co.uk/"]),
        "unverified": lambda: number.update(status="unverified"),
        "bad number": lambda: number.update(number="0800 12"),
        "future": lambda: bank.update(reviewed=future),
        "country": lambda: d.update(country="IE"),
        "nothing": lambda: bank.update(domains=[], titles=[]),
    }[change]()
    return d


EXPECTED = {
    "unknown top": ("colour", "unknown field"),
    "unknown bank": ("banks[0].regex", "unknown field"),
    "unknown help": ("help.phone", "unknown field"),
    "bare name": ("banks[0].titles[0]", "holds no banking words"),
    "no name": ("banks[0].titles[0]", "must hold the bank's name"),
    "regex": ("banks[0].titles[0]", "may only use * and ?"),
    "too broad": ("banks[0].titles[0]", "matches the ordinary title"),
    "wildcards": ("banks[0].titles[0]", "more than 4 wildcards"),
    "browser app": ("banks[0].apps[0]", "can never be a bank's app"),
    "shared domain": ("banks[0].domains[0]", "shared by many unrelated sites"),
    "url domain": ("banks[0].domains[0]", "is not a domain"),
    "unverified": ("help.numbers[0].status", "never shipped"),
    "bad number": ("help.numbers[0].number", "not a valid GB phone number"),
    "future": ("banks[0].reviewed", "is in the future"),
    "country": ("country", "must match the file name"),
    "nothing": ("banks[0]", "nothing would ever match it"),
}


@pytest.mark.parametrize("change", sorted(EXPECTED))
def test_each_mistake_is_refused_with_one_line(shipped_doc: dict[str, Any], change: str) -> None:
    data, problems = check_country_file("gb.toml", "gb", mutate(shipped_doc, change), TODAY)
    assert data is None
    field, words = EXPECTED[change]
    assert any(p.field == field and words in p.message for p in problems), problems
    assert all("\n" not in str(p) for p in problems)


def test_the_shipped_doc_itself_is_clean(shipped_doc: dict[str, Any]) -> None:
    data, problems = check_country_file("gb.toml", "gb", shipped_doc, TODAY)
    assert problems == [] and data is not None


def test_a_file_that_goes_bad_keeps_its_last_good_data(tmp_path: Path) -> None:
    folder = tmp_path / "banking"
    folder.mkdir()
    shutil.copy(SHIPPED, folder / "gb.toml")
    catalog = BankingCatalog(folder)
    assert catalog.reload() == []
    banks = len(catalog.banking_set.banks)
    title = "Log in to Online Banking | Barclays - Google Chrome"
    assert catalog.matcher.match(title) is not None

    (folder / "gb.toml").write_text("schema = 1\ncountry = [unclosed", encoding="utf-8")
    problems = catalog.reload()
    assert [p.file for p in problems] == ["gb.toml"] and "malformed TOML" in problems[0].message
    assert len(catalog.banking_set.banks) == banks
    assert catalog.matcher.match(title) is not None
    assert catalog.banking_set.help_for("GB") is not None

    text = SHIPPED.read_text(encoding="utf-8").replace('id = "barclays"', 'id = "barclays-x"')
    (folder / "gb.toml").write_text(text, encoding="utf-8")
    assert catalog.reload() == []
    assert "barclays-x" in catalog.banking_set.by_id()


def test_a_bank_claimed_by_two_files_is_refused_in_the_later(tmp_path: Path) -> None:
    folder = tmp_path / "banking"
    folder.mkdir()
    shutil.copy(SHIPPED, folder / "gb.toml")
    text = SHIPPED.read_text(encoding="utf-8").replace('country = "GB"', 'country = "IE"')
    text = text.replace('number = "159"', 'number = "112"')  # a valid Irish short number
    (folder / "ie.toml").write_text(text, encoding="utf-8")
    found, problems = check_banking(folder)
    assert problems and all(p.file == "ie.toml" for p in problems)
    assert any("already claimed by barclays (gb.toml)" in p.message for p in problems)
    assert set(found.files) == {"GB"}


def test_signatures_validate_covers_the_banking_folder(tmp_path: Path) -> None:
    database = tmp_path / "db"
    shutil.copytree(paths.builtin_signatures_dir(), database)
    ok = run_cli("signatures", "validate", str(database))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "banks in 1 country file(s)" in ok.stdout
    gb = database / "banking" / "gb.toml"
    gb.write_text(
        gb.read_text(encoding="utf-8").replace('"Barclays Online Banking",', '"Barclays*",', 1)
    )
    bad = run_cli("signatures", "validate", str(database))
    assert bad.returncode == 3
    assert (
        "banking/gb.toml: banks[0].titles[0]: pattern 'Barclays*' holds no banking words"
        in bad.stdout
    )
    assert "Traceback" not in bad.stdout + bad.stderr
