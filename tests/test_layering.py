"""Imports flow one way, checked by parsing every module (``ast``), never by importing it:

- nothing in guard/ imports Qt or the UI, and the engine's CLI runs without loading Qt;
- guard/state/ (what is stored, and where) imports nothing from the engine, the watchers,
  the live guard, the commands or the UI;
- guard/platform/ (what differs per OS) imports nothing from the engine, the watchers or
  the stored state;
- ui/ imports no command module (guard.commands): the UI and the CLI are siblings;
- only guard/platform/ talks to the Windows API (ctypes, winreg);
- ``scamguard trust`` does not load the live guard.

A failure names each file:line and the forbidden import.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import REPO

# Known imports against the rules, each to be removed by moving code, never added to.
KNOWN: set[tuple[str, str]] = set()


def _imports(folder: str) -> Iterator[tuple[str, int, str]]:
    """(file relative to the repository, line, imported module) for every import under
    ``folder``, at any depth in the file (a function-level import counts too)."""
    for path in sorted((REPO / folder).rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield rel, node.lineno, alias.name
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield rel, node.lineno, node.module
                for alias in node.names:  # `from guard import live` imports guard.live
                    yield rel, node.lineno, f"{node.module}.{alias.name}"


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _offenders(folder: str, forbidden: tuple[str, ...], *, except_under: str = "") -> list[str]:
    found = []
    for rel, line, name in _imports(folder):
        if except_under and rel.startswith(except_under):
            continue
        known = any(_within(name, (k,)) for r, k in KNOWN if r == rel)
        if _within(name, forbidden) and not known:
            found.append(f"{rel}:{line} imports {name}")
    return sorted(set(found))


def test_no_module_in_guard_imports_qt_or_ui():
    assert _offenders("guard", ("PySide6", "shiboken6", "ui")) == []


def test_stored_state_imports_no_engine_watcher_live_guard_command_or_ui():
    forbidden = ("guard.engine", "guard.watch", "guard.live", "guard.commands", "ui")
    assert _offenders("guard/state", forbidden) == []


def test_platform_imports_no_engine_watcher_or_state():
    assert _offenders("guard/platform", ("guard.engine", "guard.watch", "guard.state")) == []


def test_ui_imports_no_command_module():
    assert _offenders("ui", ("guard.commands",)) == []


def test_only_the_platform_layer_calls_the_windows_api():
    forbidden = ("ctypes", "winreg", "_winapi")
    for folder in ("guard", "ui"):
        assert _offenders(folder, forbidden, except_under="guard/platform/") == []


def test_every_known_exception_is_still_real():
    """Once a known import is gone, it must leave KNOWN too, so it cannot come back."""
    seen = {(rel, name) for folder in ("guard", "ui") for rel, _line, name in _imports(folder)}
    assert sorted(KNOWN - seen) == []


def test_the_engine_cli_and_the_scamguard_help_load_no_qt():
    probe = (
        "import sys, contextlib, io\n"
        "from {module} import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))\n"
    )
    for module in ("guard.cli", "ui.cli"):  # `scamguard --help` must stay quick too
        result = subprocess.run(
            [sys.executable, "-c", probe.format(module=module)],
            capture_output=True, text=True, cwd=Path(REPO), check=True,
        )  # fmt: skip
        assert result.stdout.strip() == "[]", (module, result.stdout)


def test_changing_trust_does_not_load_the_live_guard():
    probe = (
        "import sys, contextlib, io\n"
        "from guard.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['trust', '--help'])\n"
        "print(sorted(m for m in sys.modules if m == 'guard.live'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=Path(REPO), check=True
    )
    assert result.stdout.strip() == "[]", result.stdout
