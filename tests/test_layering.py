"""The engine stays usable headless: nothing in guard/ imports Qt or the UI, and the
engine's CLI runs without loading Qt at all."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

FORBIDDEN = ("PySide6", "shiboken6", "ui")


def test_no_module_in_guard_imports_qt_or_ui():
    offenders = []
    for path in sorted((REPO / "guard").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in FORBIDDEN:
                    offenders.append(f"{path.relative_to(REPO)}:{node.lineno} imports {name}")
    assert offenders == []


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
