"""Problems found in signature data, reported as ``file: field: problem`` one per line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from guard.errors import ScamGuardError


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one field of one file."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


class SignatureError(ScamGuardError):
    """A signature database was rejected; carries every problem, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = str(problems[0]) if problems else "unknown problem"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(first + more)


def type_name(value: Any) -> str:
    """How a TOML value's kind is named in a problem ("must be a string, not a list")."""
    if isinstance(value, bool):
        return "true/false"
    return {
        str: "a string",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a table",
        dt.date: "a date",
        dt.datetime: "a date and time",
    }.get(type(value), type(value).__name__)


class FieldChecker:
    """Collects problems for one file while pulling typed values out of its parsed TOML; the
    tool and provider schemas both build on it, so a field is read and reported one way."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.file, field, message))

    def string(self, field: str, value: Any, max_len: int, empty_ok: bool = False) -> str | None:
        """Stripped text of at most ``max_len`` characters, or None after one problem."""
        if not isinstance(value, str):
            self.problem(field, f"must be a string, not {type_name(value)}")
            return None
        text = value.strip()
        if not text and not empty_ok:
            self.problem(field, "must not be empty")
            return None
        if len(text) > max_len:
            self.problem(field, f"is longer than {max_len} characters")
            return None
        if any(ord(c) < 32 or c == "\x7f" for c in text):
            self.problem(field, "contains control characters")
            return None
        return text
