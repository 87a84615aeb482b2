"""Installer file-name patterns: a tiny, bounded glob language instead of free regular expressions.

Support staff write patterns like ``AnyDesk*.exe`` or ``rustdesk-*-x86_64.AppImage``. Only ``*``
(any run of characters) and ``?`` (one character) are special. Every pattern must start with a
literal prefix, which lets the index bucket patterns by their first characters, and must not
match common names such as ``setup.exe``: a pattern that broad would flag half the Downloads
folder, nor any protected program (``explorer``, ``python3.12``, ``firefox``…).

Matching is hand-written and linear-ish (``match_steps``), never a regular expression: a data
file with a pathological pattern, or a file with a very long name, cannot stall the guard.
Every Glob is built here (``compile_glob`` for file names, ``compile_value_glob`` for PE
version values), so every one obeys the wildcard cap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from guard.errors import ScamGuardError
from guard.sigdb.names import normalize_file_name
from guard.sigdb.protected import (
    LITERALS,
    MAX_NAME_LEN,
    family_witness,
    literals_starting_with,
)

PREFIX_LEN = 3
MAX_WILDCARDS = 4
MAX_PATTERN_LEN = 120

_EXACT, _ONE_STAR, _GENERAL = 0, 1, 2

# A pattern that matches any of these is too broad to ship.
# fmt: off
BREADTH_PROBES: tuple[str, ...] = (
    "setup.exe", "setup_x64.exe", "setup-1.0.exe", "setup.msi", "install.exe", "installer.exe",
    "installer.msi", "update.exe", "updater.exe", "client.exe", "agent.exe", "agent.msi",
    "download.exe", "downloader.exe", "remote.exe", "remote_support.exe", "support.exe",
    "supporttool.exe", "helper.exe", "service.exe", "launcher.exe", "app.exe", "program.exe",
    "windows.exe", "windows10upgrade.exe", "microsoft.exe", "chrome.exe", "chromesetup.exe",
    "firefox setup.exe", "zoom.exe", "zoominstaller.exe", "teams.exe", "skype.exe",
    "document.pdf.exe", "invoice.exe", "photo.jpg", "readme.txt", "file.zip", "file.dmg",
    "file.pkg", "file.deb", "file.rpm", "file.appimage", "package.deb", "app.dmg",
    "install.pkg", "notepad.exe", "python.exe", "vlc.exe", "steam.exe", "discord.exe",
    "spotifysetup.exe", "whatsapp.exe", "epson.exe", "hp.exe", "driver.exe", "sdk.exe",
)
# fmt: on


class PatternError(ValueError, ScamGuardError):
    """A pattern is malformed or too broad; the message says why in plain words."""


@dataclass(frozen=True, slots=True)
class Glob:
    """A compiled, validated pattern: an installer name, or a PE version value."""

    text: str
    prefix: str  # case-folded literal prefix, at least PREFIX_LEN characters
    pattern: str  # ``text`` case-folded (and de-duplicated, for file names): what is matched
    # Worked out once, so most names are answered by C-speed string tests alone:
    head: str = field(init=False)  # the literal text before the first wildcard
    tail: str = field(init=False)  # the literal text after the last wildcard
    min_len: int = field(init=False)  # how long any match is at least
    shape: int = field(init=False)  # _EXACT, _ONE_STAR (head*tail) or _GENERAL

    def __post_init__(self) -> None:
        p = self.pattern
        wild = [i for i, c in enumerate(p) if c in "*?"]
        stars = p.count("*")
        set_ = object.__setattr__  # frozen: set once, here
        set_(self, "head", p[: wild[0]] if wild else p)
        set_(self, "tail", p[wild[-1] + 1 :] if wild else "")
        set_(self, "min_len", len(p) - stars)
        if not wild:
            set_(self, "shape", _EXACT)
        elif stars == 1 and len(wild) == 1:
            set_(self, "shape", _ONE_STAR)
        else:
            set_(self, "shape", _GENERAL)

    @property
    def literal_chars(self) -> int:
        """How specific the pattern is: more literal characters win a tie between two tools."""
        return sum(1 for c in self.text if c not in "*?")

    def matches(self, normalized_name: str) -> bool:
        """Match an already normalized (case-folded, de-duplicated) file name.

        A name longer than any file name (MAX_NAME_LEN) matches nothing: the work stays
        bounded whatever a zip member or a process calls itself."""
        name = normalized_name
        if self.shape == _EXACT:
            return name == self.pattern
        if (
            len(name) > MAX_NAME_LEN
            or len(name) < self.min_len
            or not name.startswith(self.head)
            or not name.endswith(self.tail)
        ):
            return False
        if self.shape == _ONE_STAR:  # head*tail: the tests above are the whole answer
            return True
        return match_steps(self.pattern, name)[0]


def match_steps(pattern: str, text: str) -> tuple[bool, int]:
    """Does the glob ``pattern`` match all of ``text``, and in how many steps?

    The classic two-pointer wildcard match: on a mismatch only the most recent ``*`` takes
    one more character, never an earlier one (an earlier star could only reach positions the
    later one also reaches). So the work is at most about len(text) x len(pattern) steps,
    whatever the pattern, where a backtracking regex (``.*?a.*?b…``) can take
    len(text) ** stars. The step count is returned so a test can hold the bound.
    """
    p = t = steps = 0
    star = -1  # position of the last star seen in the pattern
    mark = 0  # where in the text that star's run ends for now
    n, m = len(text), len(pattern)
    while t < n:
        steps += 1
        c = pattern[p] if p < m else ""
        if c == "*":
            star, mark = p, t
            p += 1
        elif c and (c == "?" or c == text[t]):
            p += 1
            t += 1
        elif star >= 0:
            mark += 1
            p, t = star + 1, mark
        else:
            return False, steps
    while p < m and pattern[p] == "*":
        p += 1
        steps += 1
    return p == m, steps


def _check_shape(pattern: str, max_len: int) -> str:
    """The rules every pattern obeys, file name or PE value; returns the literal prefix
    (case-folded) or raises PatternError."""
    if not pattern.strip():
        raise PatternError("is empty")
    if len(pattern) > max_len:
        raise PatternError(f"is longer than {max_len} characters")
    if any(c in pattern for c in "[]{}"):
        raise PatternError("may only use * and ? as wildcards (no [] or {})")
    if pattern.count("*") + pattern.count("?") > MAX_WILDCARDS:
        raise PatternError(f"has more than {MAX_WILDCARDS} wildcards")
    prefix = ""
    for ch in pattern.casefold():
        if ch in "*?":
            break
        prefix += ch
    if len(prefix) < PREFIX_LEN and len(prefix) < len(pattern):
        raise PatternError(
            f"must start with at least {PREFIX_LEN} literal characters (it could match almost "
            "anything)"
        )
    return prefix


def protected_match(glob: Glob) -> tuple[str, str] | None:
    """A protected program name ``glob`` would match (``("python3.1", "interpreter or
    runtime")``), or None. Exact: literal names are tried, and each family whose stem fits
    the pattern's literal prefix is walked together with the pattern (see protected.py)."""
    for name in literals_starting_with(glob.prefix):
        if glob.matches(name) or glob.matches(name + ".exe"):
            return name, LITERALS[name]
    return family_witness(glob.pattern, glob.prefix)


def compile_glob(pattern: str) -> Glob:
    """Validate and compile one installer pattern, or raise PatternError saying what is wrong."""
    if pattern.strip() and any(c in pattern for c in "[]{}/\\\x00"):
        raise PatternError("may only use * and ? as wildcards (no [], {}, or path separators)")
    _check_shape(pattern, MAX_PATTERN_LEN)
    folded = normalize_file_name(pattern)
    prefix = ""
    for ch in folded:
        if ch in "*?":
            break
        prefix += ch
    if len(prefix) < PREFIX_LEN:
        raise PatternError(
            f"must start with at least {PREFIX_LEN} literal characters (it could match almost "
            "anything)"
        )
    glob = Glob(text=pattern, prefix=prefix, pattern=folded)
    too_broad = [p for p in BREADTH_PROBES if glob.matches(p)]
    if too_broad:
        raise PatternError(f"is too broad: it matches ordinary files such as {too_broad[0]!r}")
    hit = protected_match(glob)
    if hit:
        name, category = hit
        raise PatternError(
            f"matches the protected name {name!r} ({category}), which no signature may claim"
        )
    return glob


def compile_value_glob(text: str, max_len: int) -> Glob:
    """A PE version value (``AnyDesk``, ``AnyDesk*``): matched whole and case-insensitively,
    with the same wildcard cap and literal start as a file pattern, or PatternError."""
    if "\x00" in text:
        raise PatternError("may not contain a NUL character")
    prefix = _check_shape(text, max_len)
    return Glob(text=text, prefix=prefix, pattern=text.casefold())
