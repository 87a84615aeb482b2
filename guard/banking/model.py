"""Typed, immutable views of validated banking data.

Only the loader builds these, after every field has passed the schema, so the matcher and
the warning can trust their shapes without re-checking.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

STATUSES: tuple[str, ...] = ("verified", "partial")  # never "unverified": see schema.py


@dataclass(frozen=True, slots=True)
class Bank:
    """One bank or payment service, and how its site and apps are recognised."""

    id: str  # "barclays"
    name: str  # "Barclays": how the warning names it
    country: str  # "GB": the file it came from
    domains: tuple[str, ...]  # "barclays.co.uk": the site and every host below it
    titles: tuple[str, ...]  # bounded globs, matched whole against the window title
    apps: tuple[str, ...]  # desktop program names ("examplebank.exe"), usually none
    sources: tuple[str, ...]
    reviewed: dt.date
    # Shorter names the bank goes by ("HSBC" for HSBC UK): each title pattern must hold the
    # name or one of these, so a pattern cannot describe every bank's log-in page at once.
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HelpLine:
    """A number to call about a bank, as printed by the source that vouches for it."""

    label: str  # "Your bank's fraud team"
    number: str  # "159", exactly as the source writes it
    audience: str  # who it is for, in one line
    source: str
    checked: dt.date  # when someone last checked it against the source
    status: str  # verified | partial


@dataclass(frozen=True, slots=True)
class BankingHelp:
    """A country's help for someone whose bank may be in danger: the shared bank line(s)
    and the advice to call the number on the back of their card."""

    country: str
    numbers: tuple[HelpLine, ...]
    card: str  # "the number on the back of your card"
    card_source: str
    card_checked: dt.date
    card_status: str


@dataclass(frozen=True)
class BankingSet:
    """Every country file that loaded cleanly: its banks and its help."""

    banks: tuple[Bank, ...] = ()
    help: dict[str, BankingHelp] = field(default_factory=dict)  # country -> help
    files: dict[str, str] = field(default_factory=dict)  # country -> file it came from

    def by_id(self) -> dict[str, Bank]:
        return {b.id: b for b in self.banks}

    def help_for(self, country: str) -> BankingHelp | None:
        return self.help.get(country.strip().upper())
