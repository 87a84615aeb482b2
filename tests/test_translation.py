"""A new language is a data file: the real Qt tools extract our strings and a translation
made from them changes what the warning says.

The shipped translations (ui/translations/scamguard_<locale>.ts, today fr_CA) are checked as
data here: each keeps every {placeholder} and tag of its English, none is left unfinished,
the .ts is in step with the code (lupdate finds nothing new to translate), and the compiled
.qm changes the warning. tests/test_strings_translatable.py checks the other half: that every
visible string reaches lupdate at all.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from guard.providers.active import load_active_profiles
from tests.helpers import not_on_windows
from ui.i18n import CONTEXT, install_translator
from ui.warning import text as warning_text
from ui.warning.text import Caught

UI = Path(__file__).resolve().parent.parent / "ui"
BIN = Path(sys.executable).parent
TOOL = UI.parent / "tools" / "translations.py"


def _load_tool():
    """tools/translations.py (not a package): the one place that knows the .ts layout."""
    spec = importlib.util.spec_from_file_location("scamguard_translations_tool", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # a dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


translations = _load_tool()
SHIPPED = translations.ts_files()
# Runs Qt's lupdate/lrelease programs, checked on Linux; the .ts and .qm files they read and
# write are the same on every system, so the Windows lane adds nothing here.
RUNS_QT_TOOLS = not_on_windows("runs Qt's lupdate and lrelease (same files on every system)")
TAG = re.compile(r"</?[A-Za-z][^<>]*>")


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


def _qt_tool(name: str) -> str:
    try:
        return str(translations.qt_tool(name))
    except translations.ToolMissing as exc:
        pytest.skip(str(exc))


def _remove_translators(app: QCoreApplication) -> None:
    for translator in app.findChildren(QTranslator):
        QCoreApplication.removeTranslator(translator)
        translator.setParent(None)


@pytest.fixture
def french(qapp: QApplication, tmp_path: Path) -> Iterator[Path]:
    """scamguard_fr_CA.qm compiled from the shipped .ts now (never a stale build), installed
    as the app's translator for QLocale("fr_CA"); removed again afterwards."""
    _qt_tool("lrelease")
    qm = translations.build(
        translations.TRANSLATIONS / "scamguard_fr_CA.ts", tmp_path / "scamguard_fr_CA.qm"
    )
    loaded = install_translator(qapp, QLocale("fr_CA"), qm.parent)
    try:
        assert loaded == str(qm)
        yield qm
    finally:
        _remove_translators(qapp)


def test_canadian_french_ships():
    assert [translations.locale_of(ts) for ts in SHIPPED] == ["fr_CA"]


@pytest.mark.parametrize("ts", SHIPPED, ids=lambda p: p.stem)
def test_every_translation_keeps_the_placeholders_and_tags_of_its_english(ts):
    wrong = [
        f"{e.source!r} -> {e.translation!r}"
        for e in translations.entries(ts)
        if not e.obsolete
        and e.translation
        and (
            translations.placeholders(e.source) != translations.placeholders(e.translation)
            or sorted(TAG.findall(e.source)) != sorted(TAG.findall(e.translation))
        )
    ]
    assert not wrong, f"{ts.name}: a {{placeholder}} or tag was lost, added or changed:\n" + (
        "\n".join(wrong)
    )


@pytest.mark.parametrize("ts", SHIPPED, ids=lambda p: p.stem)
def test_every_translation_is_finished(ts):
    left = translations.untranslated(ts)
    assert not left, f"{ts.name}: {len(left)} not translated yet:\n" + "\n".join(left)
    assert 'type="unfinished"' not in ts.read_text(encoding="utf-8")


@RUNS_QT_TOOLS
@pytest.mark.parametrize("ts", SHIPPED, ids=lambda p: p.stem)
def test_every_translation_is_in_step_with_the_code(ts, tmp_path):
    """lupdate run again over ui/ into a copy finds nothing new to translate and nothing the
    code no longer says. This fails as soon as someone adds or rewords a string: that is how a
    missing translation is caught. The fix: `make translations-update`, translate what it
    lists, commit the .ts."""
    _qt_tool("lupdate")
    copy = tmp_path / ts.name
    shutil.copyfile(ts, copy)
    translations.update(copy)
    before = {e.source for e in translations.entries(ts) if not e.obsolete}
    after = {e.source for e in translations.entries(copy) if not e.obsolete}
    new = translations.untranslated(copy)
    gone = sorted(before - after)
    assert not new and not gone, (
        f"{ts.name} is behind the code; run `make translations-update`, translate, commit.\n"
        + (f"Not translated yet ({len(new)}):\n  " + "\n  ".join(new) + "\n" if new else "")
        + (f"No longer in the code ({len(gone)}):\n  " + "\n  ".join(gone) if gone else "")
    )


@RUNS_QT_TOOLS
def test_the_french_translation_changes_the_warning(french):
    profiles, _ = load_active_profiles()
    canada = profiles.get("generic-ca")
    caught = [Caught("AnyDesk", "remote-desktop", True)]
    text = warning_text.build(caught, canada, canada)
    assert text.headline == "Raccrochez."
    assert text.caught.startswith("AnyDesk vient de démarrer.")  # {names} filled in
    assert text.remove == "Supprimer AnyDesk"
    assert text.coaching.endswith("cela fait partie de l'arnaque.")
    assert "comme un cellulaire" in text.call_how
    assert QCoreApplication.translate(CONTEXT, "Who to call") == "Qui appeler"


@RUNS_QT_TOOLS
def test_english_canada_and_other_french_stay_english(qapp, tmp_path):
    """fr_CA loads only for a Canadian French system: English Canada gets English; French
    from France gets English too until a scamguard_fr.ts ships (docs/translations.md)."""
    _qt_tool("lrelease")
    out = tmp_path / "qm"
    translations.build_all(out)
    try:
        for locale in ("en_CA", "en_AU", "fr_FR"):
            assert install_translator(qapp, QLocale(locale), out) is None, locale
            assert QCoreApplication.translate(CONTEXT, "Hang up.") == "Hang up."
        assert install_translator(qapp, QLocale("fr_CA"), out) is not None
        assert QCoreApplication.translate(CONTEXT, "Hang up.") == "Raccrochez."
    finally:
        _remove_translators(qapp)
    assert QCoreApplication.translate(CONTEXT, "Hang up.") == "Hang up."


@pytest.mark.parametrize(
    "qm", sorted(translations.TRANSLATIONS.glob("scamguard_*.qm")), ids=lambda p: p.stem
)
def test_a_built_qm_says_what_its_ts_says(qm):
    """`make translations` builds the .qm beside its .ts for `make run`; one built before the
    .ts last changed would show old words. (Nothing to check when none is built.)"""
    ts = qm.with_suffix(".ts")
    assert ts.is_file(), f"{qm.name} has no {ts.name}: delete it"
    translator = QTranslator()
    assert translator.load(str(qm))
    stale = [
        e.source
        for e in translations.entries(ts)
        if not e.obsolete
        and not e.unfinished
        and translator.translate(CONTEXT, e.source) != e.translation
    ]
    assert not stale, f"{qm.name} is older than {ts.name}: run `make translations`:\n" + (
        "\n".join(stale)
    )
