"""Installer file-name patterns: a tiny, bounded glob language instead of free regular expressions.

Support staff write patterns like ``AnyDesk*.exe`` or ``rustdesk-*-x86_64.AppImage``. Only ``*``
(any run of characters) and ``?`` (one character) are special. Every pattern must start with a
literal prefix, which lets the index bucket patterns by their first characters, and must not
match common names such as ``setup.exe``: a pattern that broad would flag half the Downloads
folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from guard.sigdb.names import PROTECTED_NAMES, normalize_file_name

PREFIX_LEN = 3
MAX_WILDCARDS = 4
MAX_PATTERN_LEN = 120

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


class PatternError(ValueError):
    """A pattern is malformed or too broad; the message says why in plain words."""


@dataclass(frozen=True, slots=True)
class Glob:
    """A compiled, validated installer-name pattern."""

    text: str
    prefix: str  # case-folded literal prefix, at least PREFIX_LEN characters
    regex: re.Pattern[str]

    @property
    def literal_chars(self) -> int:
        """How specific the pattern is: more literal characters win a tie between two tools."""
        return sum(1 for c in self.text if c not in "*?")

    def matches(self, normalized_name: str) -> bool:
        """Match an already normalized (case-folded, de-duplicated) file name."""
        return self.regex.fullmatch(normalized_name) is not None


def _translate(pattern: str) -> str:
    """Glob → regex with no nested quantifiers; ``*`` is a lazy run, so no catastrophic cases."""
    parts = []
    for ch in pattern:
        if ch == "*":
            parts.append(".*?")
        elif ch == "?":
            parts.append(".")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


def compile_glob(pattern: str) -> Glob:
    """Validate and compile one installer pattern, or raise PatternError saying what is wrong."""
    if not pattern.strip():
        raise PatternError("is empty")
    if len(pattern) > MAX_PATTERN_LEN:
        raise PatternError(f"is longer than {MAX_PATTERN_LEN} characters")
    if any(c in pattern for c in "[]{}/\\\x00"):
        raise PatternError("may only use * and ? as wildcards (no [], {}, or path separators)")
    if pattern.count("*") + pattern.count("?") > MAX_WILDCARDS:
        raise PatternError(f"has more than {MAX_WILDCARDS} wildcards")
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
    regex = re.compile(_translate(folded), re.DOTALL)
    glob = Glob(text=pattern, prefix=prefix, regex=regex)
    too_broad = [p for p in BREADTH_PROBES if glob.matches(p)]
    if too_broad:
        raise PatternError(f"is too broad: it matches ordinary files such as {too_broad[0]!r}")
    hits = [n for n in PROTECTED_NAMES if glob.matches(n) or glob.matches(n + ".exe")]
    if hits:
        raise PatternError(f"matches the protected system name {sorted(hits)[0]!r}")
    return glob
