"""A new language is a data file: the real Qt tools extract our strings and a translation
made from them changes what the warning says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from guard.providers.active import load_active_profiles
from ui.i18n import install_translator
from ui.warning import text as warning_text
from ui.warning.text import Caught

UI = Path(__file__).resolve().parent.parent / "ui"
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = BIN / name
    if not found.exists():
        pytest.skip(f"{name} is not installed beside this Python")
    return str(found)


def test_a_translation_made_with_lupdate_and_lrelease_changes_the_warning(qapp, tmp_path):
    ts, qm_dir = tmp_path / "scamguard_cy_GB.ts", tmp_path / "qm"
    sources = sorted(str(p) for p in UI.rglob("*.py"))
    subprocess.run(
        [_tool("pyside6-lupdate"), *sources, "-ts", str(ts)], check=True, capture_output=True
    )
    text = ts.read_text(encoding="utf-8")
    assert "<source>Hang up.</source>" in text
    assert "If the caller told you to expect this warning" in text
    welsh = "Rhowch y ffôn i lawr."
    text = re.sub(
        r"(<source>Hang up\.</source>\s*)<translation type=\"unfinished\"></translation>",
        rf"\1<translation>{welsh}</translation>",
        text,
    )
    ts.write_text(text, encoding="utf-8")
    qm_dir.mkdir()
    subprocess.run(
        [_tool("pyside6-lrelease"), str(ts), "-qm", str(qm_dir / "scamguard_cy_GB.qm")],
        check=True,
        capture_output=True,
    )
    profiles, _ = load_active_profiles()
    generic = profiles.get("generic-uk")
    caught = [Caught("AnyDesk", "remote-desktop", True)]
    assert warning_text.build(caught, generic, generic).headline == "Hang up."
    loaded = install_translator(qapp, QLocale("cy_GB"), qm_dir)
    try:
        assert loaded is not None
        assert warning_text.build(caught, generic, generic).headline == welsh
    finally:
        for translator in qapp.findChildren(QTranslator):
            QCoreApplication.removeTranslator(translator)
            translator.setParent(None)
    assert warning_text.build(caught, generic, generic).headline == "Hang up."
