"""Load the banking folder (``signatures/banking/*.toml``, one file per country).

Per file, like the provider profiles: one broken country file does not take the others
down. And a file that goes bad after it loaded once keeps its last good data
(``BankingCatalog.reload``): a typo in an update must not turn banking protection off.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from guard import clock
from guard.banking.matcher import BankingMatcher
from guard.banking.model import Bank, BankingHelp, BankingSet
from guard.banking.schema import check_country_file
from guard.sigdb.loader import read_toml
from guard.sigdb.problems import Problem
from guard.state import paths

BANKING_DIR = "banking"
MAX_FILE_BYTES = 64 * 1024
MAX_COUNTRY_FILES = 300

CountryData = tuple[tuple[Bank, ...], BankingHelp]


def builtin_banking_dir() -> Path:
    """The banking folder shipped with this copy of ScamGuard."""
    return paths.builtin_signatures_dir() / BANKING_DIR


def read_country_files(
    directory: Path, today: dt.date | None
) -> tuple[dict[str, CountryData], list[Problem], list[str]]:
    """Every clean country file (by file name), one Problem per thing wrong, and the names
    of every file present (clean or not). ``today`` None skips the future-date check."""
    if not directory.is_dir():
        return {}, [Problem(str(directory), "directory", "does not exist or is not a folder")], []
    try:
        files = sorted(p for p in directory.glob("*.toml") if not p.name.startswith("."))
    except OSError as exc:
        return {}, [Problem(str(directory), "directory", f"cannot be listed: {exc}")], []
    if len(files) > MAX_COUNTRY_FILES:
        message = f"has over {MAX_COUNTRY_FILES} country files"
        return {}, [Problem(str(directory), "directory", message)], []
    clean: dict[str, CountryData] = {}
    problems: list[Problem] = []
    for path in files:
        doc, problem = read_toml(path, path.name, MAX_FILE_BYTES)
        if problem:
            problems.append(problem)
            continue
        assert doc is not None
        try:
            data, found = check_country_file(path.name, path.stem, doc, today)
        except Exception as exc:  # a checker bug must not stop the other files loading
            data, found = None, [Problem(path.name, "file", f"could not be checked: {exc!r}")]
        problems += found
        if data is not None:
            clean[path.name] = data
    if not files:
        problems.append(Problem(str(directory), "directory", "holds no country files"))
    return clean, problems, [p.name for p in files]


def cross_check(files: Iterable[tuple[str, CountryData]]) -> tuple[set[str], list[Problem]]:
    """Bank ids, domains (or a domain below another bank's), title patterns and app names
    claimed twice make a match ambiguous: the later file (by name) is refused."""
    claims: dict[tuple[str, str], tuple[str, str]] = {}  # (kind, key) -> (file, bank id)
    domains: dict[str, tuple[str, str]] = {}
    refused: set[str] = set()
    problems: list[Problem] = []
    for file, (banks, _help) in files:
        mine: list[tuple[str, str, tuple[str, str]]] = []
        for bank in banks:
            owner = (file, bank.id)
            keys = [("id", bank.id, "id")]
            keys += [("title", t.casefold(), "titles") for t in bank.titles]
            keys += [("app", a.casefold().removesuffix(".exe"), "apps") for a in bank.apps]
            for kind, key, field in keys:
                other = claims.get((kind, key))
                if other and other != owner:
                    shown = f"{key!r}" if kind != "id" else f"id {key!r}"
                    message = f"{shown} is already claimed by {other[1]} ({other[0]})"
                    problems.append(Problem(file, f"{bank.id}.{field}", message))
                    refused.add(file)
                mine.append((kind, key, owner))
            for d in bank.domains:
                for other_domain, other in domains.items():
                    related = d == other_domain or d.endswith("." + other_domain)
                    related = related or other_domain.endswith("." + d)
                    if related and other != owner:
                        message = f"{d!r} overlaps {other_domain!r} of {other[1]} ({other[0]})"
                        problems.append(Problem(file, f"{bank.id}.domains", message))
                        refused.add(file)
        for bank in banks:
            for d in bank.domains:
                domains.setdefault(d, (file, bank.id))
        for kind, key, owner in mine:
            claims.setdefault((kind, key), owner)
    return refused, problems


def build_set(files: dict[str, CountryData]) -> BankingSet:
    banks: list[Bank] = []
    help_: dict[str, BankingHelp] = {}
    origin: dict[str, str] = {}
    for file in sorted(files):
        country_banks, country_help = files[file]
        banks += country_banks
        help_[country_help.country] = country_help
        origin[country_help.country] = file
    return BankingSet(banks=tuple(banks), help=help_, files=origin)


def check_banking(
    directory: Path, today: dt.date | None = None, *, future_check: bool = True
) -> tuple[BankingSet, list[Problem]]:
    """Every clean country file as one set, and every problem (``signatures validate``).

    ``future_check=False`` (the running guard) accepts dates after this computer's today:
    a clock set back must not switch banking protection off."""
    check_today = (today or clock.today()) if future_check else None
    clean, problems, _names = read_country_files(directory, check_today)
    refused, found = cross_check(sorted(clean.items()))
    for file in refused:
        clean.pop(file, None)
    return build_set(clean), problems + found


class BankingCatalog:
    """The banking data a running guard uses, and its matcher; ``reload()`` after an update.

    A file that was good and is now broken keeps its last good data (and the problem is
    returned, one line each, for the log); a file that was removed is dropped. The set and
    matcher are replaced whole, so a reader on another thread sees the old or the new one.
    """

    def __init__(
        self, directory: Path | None = None, *, today: Callable[[], dt.date] | None = None
    ):
        self.directory = directory or builtin_banking_dir()
        self._today = today
        self._good: dict[str, CountryData] = {}
        self._lock = threading.Lock()
        self.banking_set = BankingSet()
        self.matcher = BankingMatcher(())

    def reload(self) -> list[Problem]:
        """Read the folder again; return what is wrong (the data stays at its last good)."""
        with self._lock:
            # No future-date check: a computer whose clock runs behind keeps its banks.
            clean, problems, present = read_country_files(self.directory, None)
            if any(p.field == "directory" and p.file == str(self.directory) for p in problems):
                return problems  # the folder itself is gone or unreadable: keep everything
            merged = {f: d for f, d in self._good.items() if f in present}
            merged.update(clean)
            refused, found = cross_check(sorted(merged.items()))
            for file in refused:
                if file in self._good and self._good[file] is not merged[file]:
                    merged[file] = self._good[file]  # the new version clashes: keep the old
                else:
                    merged.pop(file)
            self._good = merged
            self.banking_set = build_set(merged)
            self.matcher = BankingMatcher(self.banking_set.banks)
            return problems + found
