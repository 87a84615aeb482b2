"""The schema of one country's banking file (``signatures/banking/gb.toml``), field by field.

Like the tool and provider schemas, every check records a Problem naming the field rather
than raising, so ``signatures validate`` shows everything wrong with a file in one run.
Title patterns are bounded globs (``guard/sigdb/globs.py``), never regular expressions, and
each must name the bank and a banking word and miss every ordinary title in
``FALSE_ALARM_PROBES``: a pattern that fires on "Barclays Premier League" would freeze a
family member's trusted remote help while someone reads the football.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from guard.banking.model import STATUSES, Bank, BankingHelp, HelpLine
from guard.banking.titles import BANKING_WORDS, normalize_title, page_title
from guard.providers.phone import check_number, known_country
from guard.sigdb.globs import Glob, PatternError, compile_value_glob
from guard.sigdb.names import name_key, protected_category
from guard.sigdb.problems import FieldChecker, Problem, type_name

ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$")
HOST_RE = re.compile(r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
APP_BAD_CHARS = set('/\\:*?"<>|\x00')
MAX_BANKS = 200
MAX_LIST = 32
MAX_TITLES = 64
MAX_SOURCES = 20
MAX_PATTERN = 120
MAX_HELP_NUMBERS = 5
FUTURE_SLACK = dt.timedelta(days=1)  # a reviewer a time zone ahead is not "in the future"

TOP_FIELDS = ("schema", "country", "reviewed", "help", "banks")
BANK_FIELDS = ("id", "name", "aliases", "domains", "titles", "apps", "sources", "reviewed")
BANK_REQUIRED = ("id", "name", "domains", "titles", "sources", "reviewed")
HELP_FIELDS = ("numbers", "card")
NUMBER_FIELDS = ("label", "number", "audience", "source", "checked", "status")
CARD_FIELDS = ("text", "source", "checked", "status")

UNVERIFIED_MESSAGE = (
    "'unverified' is never shipped: a wrong number sends a victim to a scammer; check it on "
    "the organisation's own site and mark it verified or partial"
)

# Suffixes shared by many unrelated sites: a bank's domain must be a name below one of them.
# fmt: off
SHARED_SUFFIXES: frozenset[str] = frozenset({
    "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk", "ac.uk", "gov.uk", "nhs.uk", "police.uk",
    "com.au", "net.au", "co.nz", "co.ie", "com", "net", "org", "uk", "ie", "io", "app",
    "github.io", "blogspot.com", "appspot.com", "azurewebsites.net", "cloudfront.net",
    "herokuapp.com", "netlify.app", "pages.dev", "web.app", "firebaseapp.com", "google.com",
    "microsoft.com", "live.com", "sharepoint.com", "wixsite.com", "squarespace.com",
})
# fmt: on

# Ordinary titles that carry a bank's name, as the browsers write them. No shipped pattern
# may match one (the tests hold a longer list against the shipped data).
# fmt: off
FALSE_ALARM_PROBES: tuple[str, ...] = (
    "Halifax weather - BBC Weather — Mozilla Firefox",
    "Santander Cup final: Celtic v Rangers - BBC Sport - Google Chrome",
    "Barclays Premier League table - Microsoft Edge",
    "Barclays share price | BARC - London Stock Exchange - Google Chrome",
    "HSBC results: profits fall - BBC News — Mozilla Firefox",
    "Lloyds Bank branch closures near me - Google Chrome",
    "Nationwide Building Society - Wikipedia — Mozilla Firefox",
    "Nationwide Arena - Columbus - Google Chrome",
    "PayPal - Wikipedia - Microsoft Edge",
    "How to log in to PayPal safely - YouTube - Google Chrome",
    "Monzo review: is it a safe bank? - Which? — Mozilla Firefox",
    "Starling Bank Careers - Google Chrome",
    "TSB customers unable to log in - BBC News - Microsoft Edge",
    "Revolut - Apps on Google Play - Google Chrome",
    "Wise (company) - Wikipedia — Mozilla Firefox",
    "Chase UK review - MoneySavingExpert - Google Chrome",
    "Virgin Money Giving - London Marathon - Microsoft Edge",
    "First Direct Arena Leeds - What's on - Google Chrome",
    "Metro Bank share price - Google Finance — Mozilla Firefox",
    "Co-operative Bank - Wikipedia - Google Chrome",
    "NatWest Group results - Reuters - Microsoft Edge",
    "Royal Bank of Scotland history - Google Chrome",
    "Bank of Scotland branches - Google Maps — Mozilla Firefox",
    "Sign in - Google Accounts - Google Chrome",
    "Log in to Facebook — Mozilla Firefox",
    "Online banking scams: how to stay safe - Age UK - Microsoft Edge",
    "Inbox (3) - me@example.com - Gmail — Mozilla Firefox",
    "Halifax online banking down? Current problems and outages | Downdetector - Google Chrome",
    "Barclays online banking not working - Reddit — Mozilla Firefox",
    "Log in issues at NatWest - BBC News - Google Chrome",
    "Document1 - Word",
    "Terminal",
)
# fmt: on


class _Checker(FieldChecker):
    def __init__(self, file: str, today: dt.date | None):
        super().__init__(file)
        self.today = today

    def unknown(self, prefix: str, table: dict[str, Any], allowed: tuple[str, ...]) -> None:
        for key in table:
            if key not in allowed:
                self.problem(f"{prefix}{key}", f"unknown field (allowed: {', '.join(allowed)})")

    def required(self, prefix: str, table: dict[str, Any], names: tuple[str, ...]) -> bool:
        missing = [n for n in names if n not in table]
        for name in missing:
            self.problem(f"{prefix}{name}", "is required")
        return not missing

    def date(self, field: str, value: Any) -> dt.date | None:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            self.problem(
                field, f"must be a date like 2026-11-21 (no quotes), not {type_name(value)}"
            )
            return None
        if self.today is not None and value > self.today + FUTURE_SLACK:
            self.problem(field, f"{value} is in the future")
            return None
        return value

    def status(self, field: str, value: Any) -> str | None:
        text = self.string(field, value, 20)
        if text == "unverified":
            self.problem(field, UNVERIFIED_MESSAGE)
            return None
        if text is not None and text not in STATUSES:
            self.problem(field, f"{text!r} must be one of {', '.join(STATUSES)}")
            return None
        return text

    def strings(self, field: str, value: Any, max_items: int, max_len: int) -> list[str]:
        """A list of distinct (case-insensitively) non-empty strings."""
        if not isinstance(value, list):
            self.problem(field, f"must be a list, not {type_name(value)}")
            return []
        if len(value) > max_items:
            self.problem(field, f"has more than {max_items} entries")
            return []
        out: list[str] = []
        for i, raw in enumerate(value):
            text = self.string(f"{field}[{i}]", raw, max_len)
            if text is None:
                continue
            if text.casefold() in (o.casefold() for o in out):
                self.problem(f"{field}[{i}]", f"repeats {text!r}")
                continue
            out.append(text)
        return out


def _domain(c: _Checker, field: str, text: str) -> str | None:
    host = text.casefold().rstrip(".")
    if not HOST_RE.match(host):
        c.problem(field, f"{text!r} is not a domain like barclays.co.uk (no scheme, path or *)")
        return None
    if host in SHARED_SUFFIXES:
        c.problem(field, f"{text!r} is shared by many unrelated sites")
        return None
    return host


def _app(c: _Checker, field: str, text: str) -> str | None:
    if any(ch in APP_BAD_CHARS for ch in text):
        c.problem(field, f"{text!r} must be a bare program name, not a path or a pattern")
        return None
    if len(name_key(text)) < 3:
        c.problem(field, f"{text!r} is too short to identify a program")
        return None
    category = protected_category(text)
    if category is not None:  # a browser named here would make every web page a bank
        c.problem(field, f"{text!r} is a protected {category} and can never be a bank's app")
        return None
    return text


def title_glob(text: str) -> Glob:
    """A title pattern compiled for matching (normalized like every title), or PatternError."""
    return compile_value_glob(normalize_title(text), MAX_PATTERN)


def title_problem(text: str, names: tuple[str, ...]) -> str | None:
    """Why a title pattern may not ship, or None. ``names``: the bank's name and aliases."""
    try:
        glob = title_glob(text)
    except PatternError as exc:
        return f"pattern {text!r} {exc}"
    literal = glob.pattern
    if not any(word in literal for word in BANKING_WORDS):
        return (
            f"pattern {text!r} holds no banking words (such as 'online banking', 'log in', "
            "'sign in'): the bank's name alone also names football cups and weather pages"
        )
    if not any(normalize_title(n) in literal for n in names):
        return f"pattern {text!r} must hold the bank's name or one of its aliases"
    for probe in FALSE_ALARM_PROBES:
        if glob.matches(page_title(normalize_title(probe))):
            return f"pattern {text!r} is too broad: it matches the ordinary title {probe!r}"
    return None


def _titles(c: _Checker, value: Any, names: tuple[str, ...]) -> list[str]:
    out = []
    for i, text in enumerate(c.strings("titles", value, MAX_TITLES, MAX_PATTERN)):
        problem = title_problem(text, names)
        if problem:
            c.problem(f"titles[{i}]", problem)
        else:
            out.append(text)
    return out


def _bank(c: _Checker, i: int, value: Any, country: str | None) -> Bank | None:
    at = f"banks[{i}]"
    if not isinstance(value, dict):
        c.problem(at, f"must be a table ([[banks]]), not {type_name(value)}")
        return None
    c.unknown(f"{at}.", value, BANK_FIELDS)
    if not c.required(f"{at}.", value, BANK_REQUIRED):
        return None
    before = len(c.problems)
    bank_id = c.string(f"{at}.id", value["id"], 48)
    if bank_id is not None and not ID_RE.match(bank_id):
        c.problem(f"{at}.id", f"{bank_id!r} must be lower-case letters, digits and '-' only")
    name = c.string(f"{at}.name", value["name"], 60)
    aliases = c.strings(f"{at}.aliases", value.get("aliases", []), 8, 60)
    sub = _Checker(f"{c.file}", c.today)  # field names below get the bank's prefix
    domains = [
        d
        for j, t in enumerate(sub.strings("domains", value["domains"], MAX_LIST, 100))
        if (d := _domain(sub, f"domains[{j}]", t))
    ]
    titles = _titles(sub, value["titles"], (name, *aliases)) if name else []
    apps = [
        a
        for j, t in enumerate(sub.strings("apps", value.get("apps", []), MAX_LIST, 100))
        if (a := _app(sub, f"apps[{j}]", t))
    ]
    for p in sub.problems:
        c.problem(f"{at}.{p.field}", p.message)
    sources = c.strings(f"{at}.sources", value["sources"], MAX_SOURCES, 300)
    if "sources" in value and not sources and len(c.problems) == before:
        c.problem(f"{at}.sources", "must name at least one source")
    reviewed = c.date(f"{at}.reviewed", value["reviewed"])
    if not domains and not titles and not apps and len(c.problems) == before:
        c.problem(at, "has no domains, titles or apps: nothing would ever match it")
    if len(c.problems) > before or country is None:
        return None
    assert bank_id and name and reviewed
    return Bank(
        id=bank_id,
        name=name,
        country=country,
        domains=tuple(domains),
        titles=tuple(titles),
        apps=tuple(apps),
        sources=tuple(sources),
        reviewed=reviewed,
        aliases=tuple(aliases),
    )


def _help_number(c: _Checker, i: int, value: Any, country: str | None) -> HelpLine | None:
    at = f"help.numbers[{i}]"
    if not isinstance(value, dict):
        c.problem(at, f"must be a table ([[help.numbers]]), not {type_name(value)}")
        return None
    c.unknown(f"{at}.", value, NUMBER_FIELDS)
    if not c.required(f"{at}.", value, NUMBER_FIELDS):
        return None
    before = len(c.problems)
    label = c.string(f"{at}.label", value["label"], 100)
    number = c.string(f"{at}.number", value["number"], 40)
    audience = c.string(f"{at}.audience", value["audience"], 200)
    source = c.string(f"{at}.source", value["source"], 300)
    checked = c.date(f"{at}.checked", value["checked"])
    status = c.status(f"{at}.status", value["status"])
    if number is not None and country is not None:
        reason = check_number(number, "call", country)
        if reason:
            c.problem(f"{at}.number", reason)
    if len(c.problems) > before or country is None:
        return None
    assert label and number and audience and source and checked and status
    return HelpLine(label, number, audience, source, checked, status)


def _help(c: _Checker, value: Any, country: str | None) -> BankingHelp | None:
    if not isinstance(value, dict):
        c.problem("help", f"must be a table, not {type_name(value)}")
        return None
    c.unknown("help.", value, HELP_FIELDS)
    if not c.required("help.", value, HELP_FIELDS):
        return None
    before = len(c.problems)
    raw = value["numbers"]
    numbers: list[HelpLine] = []
    if not isinstance(raw, list) or not raw:
        c.problem("help.numbers", "must be a list of [[help.numbers]] tables, at least one")
    elif len(raw) > MAX_HELP_NUMBERS:
        c.problem("help.numbers", f"has more than {MAX_HELP_NUMBERS} entries")
    else:
        numbers = [n for i, r in enumerate(raw) if (n := _help_number(c, i, r, country))]
    card = value["card"]
    text = source = checked = status = None
    if not isinstance(card, dict):
        c.problem("help.card", f"must be a table, not {type_name(card)}")
    else:
        c.unknown("help.card.", card, CARD_FIELDS)
        if c.required("help.card.", card, CARD_FIELDS):
            text = c.string("help.card.text", card["text"], 120)
            source = c.string("help.card.source", card["source"], 300)
            checked = c.date("help.card.checked", card["checked"])
            status = c.status("help.card.status", card["status"])
    if len(c.problems) > before or country is None:
        return None
    assert text and source and checked and status
    return BankingHelp(country, tuple(numbers), text, source, checked, status)


def check_country_file(
    file: str, stem: str, doc: dict[str, Any], today: dt.date | None
) -> tuple[tuple[tuple[Bank, ...], BankingHelp] | None, list[Problem]]:
    """Validate one parsed country file; return its banks and help (only when the whole
    file is clean) and every problem found. ``today`` None skips the future-date check."""
    c = _Checker(file, today)
    c.unknown("", doc, TOP_FIELDS)
    c.required("", doc, TOP_FIELDS)
    schema = doc.get("schema")
    if "schema" in doc and (isinstance(schema, bool) or schema != 1):
        c.problem("schema", "this ScamGuard reads schema 1 only")
    country = c.string("country", doc["country"], 2) if "country" in doc else None
    if country is not None and not (re.fullmatch(r"[A-Z]{2}", country) and known_country(country)):
        c.problem("country", f"{country!r} must be a two-letter country code in capitals, like GB")
        country = None
    elif country is not None and country.casefold() != stem:
        c.problem("country", f"{country!r} must match the file name ({stem}.toml)")
        country = None
    if "reviewed" in doc:
        c.date("reviewed", doc["reviewed"])
    help_ = _help(c, doc["help"], country) if "help" in doc else None
    banks: list[Bank] = []
    raw = doc.get("banks", [])
    if not isinstance(raw, list) or not raw:
        c.problem("banks", "must be a list of [[banks]] tables, at least one")
    elif len(raw) > MAX_BANKS:
        c.problem("banks", f"has more than {MAX_BANKS} entries")
    else:
        banks = [b for i, r in enumerate(raw) if (b := _bank(c, i, r, country))]
    if c.problems:
        return None, c.problems
    assert help_ is not None
    return (tuple(banks), help_), []
