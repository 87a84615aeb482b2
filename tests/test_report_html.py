"""The recovery pack's HTML: everything from the journal escaped (a tool's name, a file name
or a connection log line is chosen by whoever made the tool), self-contained, and readable by
a screen reader: a language, real headings, a captioned table with header cells, ordered
steps, and words, not colours, for who did what."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from guard.providers.model import ProfileSet
from guard.report import load_pack
from guard.report.html import render
from guard.report.model import RecoveryPack
from guard.state.events import GuardEvent
from tests.report_incident import INCIDENT, SHA, T0, events, write

HOSTILE_NAME = '<script>alert("name")</script>AnyDesk'
HOSTILE_PATH = '/home/ann/Downloads/"><img src=x onerror=alert(1)>AnyDesk.exe'
HOSTILE_LINE = "</td></tr></table><h1>Your bank says all is well</h1><a href='http://x'>"
# The only elements the page itself writes: anything else came from the journal unescaped.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "footer", "h1", "h2", "h3",
    "p", "strong", "ul", "ol", "li", "table", "caption", "thead", "tbody", "tr", "th", "td",
    "span", "code",
}  # fmt: skip


class Page(HTMLParser):
    """The page's elements, in order, with their attributes and text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._open: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            while self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._open and self._open[-1] in ("h1", "h2", "h3"):
            self.headings.append((self._open[-1], data))

    def names(self) -> list[str]:
        return [t for t, _ in self.tags]

    def all_text(self) -> str:
        return "".join(self.text)


def hostile_pack(tmp_path: Path, profiles: ProfileSet) -> RecoveryPack:
    items = events(tmp_path, name=HOSTILE_NAME)
    changed = []
    for e in items:
        data: dict[str, Any] = dict(e.data)
        if e.kind == "session-started":
            data["evidence"] = HOSTILE_LINE
            data["peer"] = "<b>203.0.113.5</b>:6568"
        if e.kind == "blocked":
            data["quarantined"] = [{**data["quarantined"][0], "original_path": HOSTILE_PATH}]
        changed.append(
            GuardEvent(
                e.kind,
                e.message.replace(str(tmp_path / "AnyDesk.exe"), HOSTILE_PATH),
                incident=e.incident,
                tool=e.tool,
                tool_name=e.tool_name,
                pid=e.pid,
                path=HOSTILE_PATH if e.path else None,
                data=data,
                time=e.time,
            )
        )
    write(tmp_path / "journal.db", changed)
    return load_pack(
        INCIDENT,
        tmp_path / "journal.db",
        provider=profiles.get("bt"),
        generic=profiles.get("generic-uk"),
        now=T0 + 900,
    )


def test_everything_from_the_journal_is_escaped(tmp_path: Path, profiles: ProfileSet) -> None:
    pack = hostile_pack(tmp_path, profiles)
    text = render(pack)
    page = Page(text)
    assert set(page.names()) <= ALLOWED_TAGS, set(page.names()) - ALLOWED_TAGS
    assert [t for t in page.names() if t == "h1"] == ["h1"]
    assert "<script" not in text and "<img" not in text and "<b>" not in text
    # ...and it still says what the journal said, word for word, once unescaped.
    words = page.all_text()
    assert HOSTILE_NAME in words and HOSTILE_PATH in words and HOSTILE_LINE in words
    assert "&lt;script&gt;" in text and "&quot;&gt;&lt;img" in text


def test_the_page_is_self_contained_and_accessible(tmp_path: Path, profiles: ProfileSet) -> None:
    write(tmp_path / "journal.db", events(tmp_path))
    pack = load_pack(
        INCIDENT,
        tmp_path / "journal.db",
        provider=profiles.get("bt"),
        generic=profiles.get("generic-uk"),
        now=T0 + 900,
    )
    text = render(pack)
    page = Page(text)
    tags = page.tags
    assert text.startswith("<!DOCTYPE html>")
    assert tags[0] == ("html", {"lang": "en"})
    assert ("meta", {"charset": "utf-8"}) in tags
    assert "title" in page.names() and INCIDENT in text.split("</title>")[0]
    # Self-contained: no script, no link, no image, nothing fetched.
    for name, attrs in tags:
        assert name not in ("script", "link", "img", "iframe", "object", "a"), name
        assert not {"src", "href", "onload", "onerror"} & set(attrs), (name, attrs)
    assert "url(" not in text and "@import" not in text
    # Real headings, in order: one h1, sections under it.
    levels = [h for h, _ in page.headings]
    assert levels[0] == "h1" and levels.count("h1") == 1
    section_titles = [t for h, t in page.headings if h == "h2"]
    assert section_titles == [
        "What ScamGuard did",
        "What happened, in order",
        "Details",
        "What to do now",
    ]
    # The table: a caption, column headers with a scope, a row per event.
    names = page.names()
    assert names.index("caption") == names.index("table") + 1
    headers = [a for n, a in tags if n == "th"]
    assert len(headers) == 3 and all(a.get("scope") == "col" for a in headers)
    assert names.count("tr") == 1 + len(pack.moments)
    # Who did what is said in words in its own column, not by colour.
    for who in ("ScamGuard", "Connection", "Decision", "Program"):
        assert f"<td>{who}</td>" in text
    # The steps are an ordered list, with the numbers as text.
    assert "ol" in names
    for number in ("159", "0300 123 2040", "0800 800 150"):
        assert f'<span class="number">{number}</span>' in text
    assert SHA in text and INCIDENT in page.all_text()
