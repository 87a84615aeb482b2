"""Shipped provider profiles carry comments (what was left out and why), and those comments
ship to every computer: they cite public pages, never a path on a developer's machine or in
the project's own notes (``../shared/reference/contacts.md``, ``/work/...``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO

PROFILES = sorted((REPO / "signatures" / "providers").glob("*.toml"))
# A relative climb, an absolute Unix or Windows path, a home folder, or the project's own
# notes (shared/, reference/, a Markdown file).
INTERNAL = re.compile(
    r"\.\./|(?<![\w.])/(?:work|home|root|tmp|Users)/|~/|\b[A-Za-z]:\\|\bshared/|"
    r"\breference/|\b[\w-]+\.md\b"
)


def comments(path: Path) -> list[tuple[int, str]]:
    """Every comment in a TOML file: whole-line ones and those after a value (a ``#``
    outside a string; the shipped files keep ``#`` out of strings, except colours)."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.lstrip()
        if stripped.startswith("#"):
            found.append((number, stripped))
            continue
        code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line)  # strings out: "#5a1f7a" is a colour
        if "#" in code:
            found.append((number, code[code.index("#") :]))
    return found


def test_there_are_profiles_with_comments() -> None:
    assert len(PROFILES) >= 5
    assert any(comments(p) for p in PROFILES)


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.name)
def test_no_internal_path_in_a_shipped_profile_comment(path: Path) -> None:
    bad = [f"{path.name}:{n}: {text}" for n, text in comments(path) if INTERNAL.search(text)]
    assert bad == []


@pytest.mark.parametrize(
    "comment",
    [
        "# (research in ../shared/reference/contacts.md)",
        "# see /work/shared/notes.txt",
        "# from reference/contacts.md",
        "# copied from C:\\Users\\dev\\numbers.txt",
    ],
)
def test_the_check_finds_internal_paths(comment: str) -> None:
    assert INTERNAL.search(comment)


@pytest.mark.parametrize(
    "comment",
    [
        "# Sources: each number's `source` below (research 2026-11-21).",
        "# talktalk.co.uk/announcements/security: an old, undated page",
        "# (copy at scribd.com/document/526821498)",
    ],
)
def test_public_sources_pass(comment: str) -> None:
    assert not INTERNAL.search(comment)
