"""Install paths from signatures, expanded for one machine and compared the way that OS does.

Signature files write Windows paths with variables (``%ProgramFiles(x86)%\\AnyDesk``) because
the real folders differ per machine and language. Windows and macOS compare paths without
regard to case; Linux compares them exactly. Both the OS and the variables can be given
explicitly, which lets tests on Linux exercise the Windows rules against temp folders.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from guard.sigdb.model import ToolSignature

_VAR_RE = re.compile(r"%([A-Za-z0-9()_]+)%")

# Used when the variable is missing from the environment (a service account, a test).
WINDOWS_DEFAULTS: dict[str, str] = {
    "programfiles": r"C:\Program Files",
    "programfiles(x86)": r"C:\Program Files (x86)",
    "programw6432": r"C:\Program Files",
    "programdata": r"C:\ProgramData",
    "systemroot": r"C:\Windows",
    "windir": r"C:\Windows",
    "systemdrive": "C:",
    "public": r"C:\Users\Public",
}


def normalize(path: str, os_name: str) -> str:
    """The comparable form of a path on ``os_name``: forward slashes, no trailing slash, and
    case-folded where that OS ignores case."""
    text = path.replace("\\", "/") if os_name == "windows" else path
    text = text.rstrip("/") or "/"
    return text.casefold() if os_name in ("windows", "macos") else text


def expand(template: str, os_name: str, env: Mapping[str, str], home: str) -> str | None:
    """Fill in ``%VAR%`` and ``~``; None when a variable has no value on this machine."""
    lowered_env = {k.casefold(): v for k, v in env.items()}
    missing = False

    def sub(match: re.Match[str]) -> str:
        nonlocal missing
        name = match.group(1).casefold()
        value = lowered_env.get(name)
        if value is None and os_name == "windows":
            value = WINDOWS_DEFAULTS.get(name)
        if value is None:
            missing = True
            return ""
        return value

    text = _VAR_RE.sub(sub, template)
    if missing:
        return None
    if text == "~" or text.startswith(("~/", "~\\")):
        text = home + text[1:]
    return text


class InstallPaths:
    """Every tool's install prefixes for one OS, ready for a fast ``under(path)`` check."""

    def __init__(
        self,
        tools: tuple[ToolSignature, ...],
        os_name: str,
        env: Mapping[str, str] | None = None,
        home: str | None = None,
    ):
        self.os_name = os_name
        env = os.environ if env is None else env
        home = home if home is not None else str(Path.home())
        self.prefixes: list[tuple[str, str, ToolSignature]] = []  # (normalized, shown, tool)
        for tool in tools:
            for template in tool.paths.get(os_name, ()):
                concrete = expand(template, os_name, env, home)
                if concrete:
                    self.prefixes.append((normalize(concrete, os_name), concrete, tool))

    def under(self, path: str) -> list[tuple[ToolSignature, str]]:
        """Tools whose install path is ``path`` or contains it, with the install path shown."""
        norm = normalize(path, self.os_name)
        return [
            (tool, shown)
            for prefix, shown, tool in self.prefixes
            if norm == prefix or norm.startswith(prefix + "/")
        ]

    def existing(self) -> list[tuple[ToolSignature, str]]:
        """Install paths that exist on this machine right now (for ``scan``)."""
        found = []
        for _, shown, tool in self.prefixes:
            # Windows accepts "/" too, so this also lets tests on Linux check Windows layouts.
            native = shown.replace("\\", "/") if self.os_name == "windows" else shown
            try:
                if os.path.lexists(native):
                    found.append((tool, shown))
            except OSError:
                continue
        return found
