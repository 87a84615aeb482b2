"""The schema of one provider profile, checked field by field.

Every check records a Problem naming the field rather than raising, so ``signatures
validate`` shows an ISP everything wrong with a profile in one run. ``docs/providers.md``
describes the same rules for people; keep the two in step.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from guard.providers.contrast import HEX_RE, MIN_CONTRAST, contrast_ratio
from guard.providers.model import (
    KINDS,
    ROLES,
    STATUSES,
    Colours,
    ContactNumber,
    Profile,
    Promise,
)
from guard.providers.phone import check_number, known_country
from guard.sigdb.problems import FieldChecker, Problem, type_name

ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$")
GENERIC_PREFIX = "generic-"
MAX_NUMBERS = 20
MAX_LOGO_BYTES = 512 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FUTURE_SLACK = dt.timedelta(days=1)  # a reviewer a time zone ahead is not "in the future"

TOP_FIELDS = {
    "schema", "id", "name", "country", "generic", "website", "scam_advice_url", "reviewed",
    "logo", "colours", "promise", "numbers",
}  # fmt: skip
TOP_REQUIRED = ("schema", "id", "name", "country", "generic", "website", "reviewed")
COLOUR_FIELDS = ("background", "text")
PROMISE_FIELDS = ("text", "source", "status")
NUMBER_REQUIRED = ("label", "number", "kind", "audience", "source", "verified", "status", "role")
NUMBER_OPTIONAL = ("hours", "cost", "published")

UNVERIFIED_MESSAGE = (
    "'unverified' is never shipped: a wrong number sends a victim to a scammer; check it on "
    "the organisation's own site and mark it verified or partial"
)


class _Checker(FieldChecker):
    """Collects problems for one profile while pulling typed values out of its parsed TOML."""

    def __init__(self, file: str, today: dt.date | None):
        super().__init__(file)
        self.today = today

    def unknown(self, prefix: str, table: dict[str, Any], allowed: set[str] | tuple) -> None:
        for key in table:
            if key not in allowed:
                self.problem(f"{prefix}{key}", "unknown field")

    def required(self, prefix: str, table: dict[str, Any], names: tuple[str, ...]) -> bool:
        missing = [n for n in names if n not in table]
        for name in missing:
            self.problem(f"{prefix}{name}", "is required")
        return not missing

    def choice(self, field: str, value: Any, allowed: tuple[str, ...]) -> str | None:
        text = self.string(field, value, 40)
        if text is None:
            return None
        if text == "unverified" and allowed == STATUSES:
            self.problem(field, UNVERIFIED_MESSAGE)
            return None
        if text not in allowed:
            self.problem(field, f"{text!r} must be one of {', '.join(allowed)}")
            return None
        return text

    def date(self, field: str, value: Any) -> dt.date | None:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            kind = "a date and time" if isinstance(value, dt.datetime) else type_name(value)
            self.problem(field, f"must be a date like 2026-11-21 (no quotes), not {kind}")
            return None
        if self.today is not None and value > self.today + FUTURE_SLACK:
            self.problem(field, f"{value} is in the future")
            return None
        return value

    def url(self, field: str, value: Any, empty_ok: bool = False) -> str | None:
        text = self.string(field, value, 300, empty_ok=empty_ok)
        if not text:
            return text
        parts = urlsplit(text)
        if parts.scheme != "https":
            self.problem(field, f"{text!r} must start with https://")
            return None
        if not parts.hostname or "@" in parts.netloc or " " in text:
            self.problem(field, f"{text!r} is not a plain web address (https://host/path)")
            return None
        return text


def _colours(c: _Checker, value: Any) -> Colours | None:
    if not isinstance(value, dict):
        c.problem("colours", f"must be a table, not {type_name(value)}")
        return None
    c.unknown("colours.", value, COLOUR_FIELDS)
    if not c.required("colours.", value, COLOUR_FIELDS):
        return None
    found: dict[str, str] = {}
    for key in COLOUR_FIELDS:
        text = c.string(f"colours.{key}", value[key], 7)
        if text is not None and not HEX_RE.match(text):
            c.problem(f"colours.{key}", f"{text!r} must be a colour like #5a1f7a")
        elif text is not None:
            found[key] = text.lower()
    if len(found) != len(COLOUR_FIELDS):
        return None
    ratio = contrast_ratio(found["background"], found["text"])
    if ratio < MIN_CONTRAST:
        c.problem(
            "colours.text",
            f"contrast with the background is {ratio:.2f}:1; it must be at least "
            f"{MIN_CONTRAST}:1 so the warning is readable",
        )
        return None
    return Colours(background=found["background"], text=found["text"])


def _promise(c: _Checker, value: Any) -> Promise | None:
    if not isinstance(value, dict):
        c.problem("promise", f"must be a table, not {type_name(value)}")
        return None
    c.unknown("promise.", value, PROMISE_FIELDS)
    if not c.required("promise.", value, PROMISE_FIELDS):
        return None
    text = c.string("promise.text", value["text"], 200)
    if text is not None and (not text.endswith(".") or re.search(r"[.!?]\s", text)):
        c.problem("promise.text", "must be one sentence ending with a full stop")
        text = None
    source = c.string("promise.source", value["source"], 300)
    status = c.choice("promise.status", value["status"], STATUSES)
    if text is None or source is None or status is None:
        return None
    return Promise(text=text, source=source, status=status)


def _number(c: _Checker, i: int, value: Any, country: str | None) -> ContactNumber | None:
    at = f"numbers[{i}]"
    if not isinstance(value, dict):
        c.problem(at, f"must be a table ([[numbers]]), not {type_name(value)}")
        return None
    c.unknown(f"{at}.", value, NUMBER_REQUIRED + NUMBER_OPTIONAL)
    if not c.required(f"{at}.", value, NUMBER_REQUIRED):
        return None
    before = len(c.problems)
    label = c.string(f"{at}.label", value["label"], 100)
    number = c.string(f"{at}.number", value["number"], 40)
    kind = c.choice(f"{at}.kind", value["kind"], KINDS)
    audience = c.string(f"{at}.audience", value["audience"], 200)
    hours = c.string(f"{at}.hours", value.get("hours", ""), 100, empty_ok=True)
    cost = c.string(f"{at}.cost", value.get("cost", ""), 100, empty_ok=True)
    source = c.string(f"{at}.source", value["source"], 300)
    published = c.date(f"{at}.published", value["published"]) if "published" in value else None
    verified = c.date(f"{at}.verified", value["verified"])
    status = c.choice(f"{at}.status", value["status"], STATUSES)
    role = c.choice(f"{at}.role", value["role"], ROLES)
    if number is not None and kind is not None and country is not None:
        reason = check_number(number, kind, country)
        if reason:
            c.problem(f"{at}.number", reason)
    if published and verified and published > verified:
        c.problem(f"{at}.published", f"{published} is after the date it was verified")
    if len(c.problems) > before:
        return None
    assert label and number and kind and audience and source and verified and status and role
    return ContactNumber(
        label=label,
        number=number,
        kind=kind,
        audience=audience,
        hours=hours or "",
        cost=cost or "",
        source=source,
        published=published,
        verified=verified,
        status=status,
        role=role,
    )


def _numbers(c: _Checker, value: Any, country: str | None) -> tuple[ContactNumber, ...]:
    if not isinstance(value, list):
        c.problem("numbers", f"must be a list of [[numbers]] tables, not {type_name(value)}")
        return ()
    if not value:
        c.problem("numbers", "must hold at least one number")
        return ()
    if len(value) > MAX_NUMBERS:
        c.problem("numbers", f"has more than {MAX_NUMBERS} entries")
        return ()
    out: list[ContactNumber] = []
    seen: dict[tuple[str, str], int] = {}
    for i, raw in enumerate(value):
        number = _number(c, i, raw, country)
        if number is None:
            continue
        key = (number.kind, number.digits)
        if key in seen:
            c.problem(f"numbers[{i}].number", f"repeats numbers[{seen[key]}] ({number.number})")
            continue
        seen[key] = i
        out.append(number)
    return tuple(out)


def _logo(c: _Checker, value: Any, directory: Path) -> Path | None:
    name = c.string("logo", value, 100, empty_ok=True)
    if not name:
        return None
    if "/" in name or "\\" in name or name.startswith("."):
        c.problem("logo", f"{name!r} must be a plain file name beside the profile (no folders)")
        return None
    if not name.casefold().endswith(".png"):
        c.problem("logo", f"{name!r} must be a .png file")
        return None
    path = directory / name
    if path.is_symlink() or not path.is_file():
        c.problem("logo", f"{name!r} does not exist beside the profile")
        return None
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(len(PNG_MAGIC))
    except OSError as exc:
        c.problem("logo", f"{name!r} cannot be read: {exc.strerror or exc}")
        return None
    if size > MAX_LOGO_BYTES:
        c.problem("logo", f"{name!r} is larger than {MAX_LOGO_BYTES // 1024} KiB")
        return None
    if head != PNG_MAGIC:
        c.problem("logo", f"{name!r} is not a PNG image")
        return None
    return path


def check_profile(
    path: Path, label: str, doc: dict[str, Any], today: dt.date | None
) -> tuple[Profile | None, list[Problem]]:
    """Validate one parsed profile; return it (only when clean) and every problem found.

    ``today`` None skips the "date in the future" check: publishing checks it, but a
    computer whose clock runs behind must not lose every phone number at run time.
    """
    c = _Checker(label, today)
    c.unknown("", doc, TOP_FIELDS)
    c.required("", doc, (*TOP_REQUIRED, "colours", "numbers"))
    schema = doc.get("schema")
    if "schema" in doc and (isinstance(schema, bool) or schema != 1):
        c.problem("schema", "this ScamGuard reads schema 1 only")
    profile_id = c.string("id", doc["id"], 48) if "id" in doc else None
    if profile_id is not None and not ID_RE.match(profile_id):
        c.problem("id", f"{profile_id!r} must be lower-case letters, digits and '-' only")
        profile_id = None
    elif profile_id is not None and profile_id != path.stem:
        c.problem("id", f"{profile_id!r} must equal the file name ({path.stem})")
        profile_id = None
    name = c.string("name", doc["name"], 60) if "name" in doc else None
    country = c.string("country", doc["country"], 2) if "country" in doc else None
    if country is not None and not (re.fullmatch(r"[A-Z]{2}", country) and known_country(country)):
        c.problem("country", f"{country!r} must be a two-letter country code in capitals, like GB")
        country = None
    generic = doc.get("generic")
    if "generic" in doc and not isinstance(generic, bool):
        c.problem("generic", f"must be true or false, not {type_name(generic)}")
    elif "generic" in doc and profile_id and generic != profile_id.startswith(GENERIC_PREFIX):
        c.problem("generic", "must be true exactly when the id starts with 'generic-'")
    website = c.url("website", doc["website"]) if "website" in doc else None
    advice = c.url("scam_advice_url", doc.get("scam_advice_url", ""), empty_ok=True)
    reviewed = c.date("reviewed", doc["reviewed"]) if "reviewed" in doc else None
    logo = _logo(c, doc.get("logo", ""), path.parent)
    colours = _colours(c, doc["colours"]) if "colours" in doc else None
    promise = _promise(c, doc["promise"]) if "promise" in doc else None
    numbers = _numbers(c, doc["numbers"], country) if "numbers" in doc else ()
    if c.problems:
        return None, c.problems
    assert profile_id and name and country and website and reviewed and colours
    return Profile(
        id=profile_id,
        name=name,
        country=country,
        generic=bool(generic),
        website=website,
        scam_advice_url=advice or "",
        reviewed=reviewed,
        colours=colours,
        promise=promise,
        numbers=numbers,
        logo=logo,
        source=str(path),
    ), []
