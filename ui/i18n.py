"""Every string a person reads goes through Qt's translation, so a language is a data file.

A translation is a ``.qm`` file in ``ui/translations/`` named ``scamguard_<locale>.qm`` (for
example ``scamguard_cy_GB.qm`` for Welsh), made with ``pyside6-lupdate`` and
``pyside6-lrelease`` (docs/translations.md). English needs no file. Phone numbers, provider
names and promises come from the provider profile and are never translated here: the
profile is the single, signed source of what a provider says.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

# pyside6-lupdate files a plain ``tr("...")`` call under the empty context, so that is the
# context we look strings up in (tests/test_translation.py runs lupdate to keep this true).
CONTEXT = ""
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def tr(text: str) -> str:
    """Translate one source string (English) in the app's single context."""
    return QCoreApplication.translate(CONTEXT, text)


def install_translator(
    app: QCoreApplication, locale: QLocale | None = None, directory: Path = TRANSLATIONS
) -> str | None:
    """Load the best translation for the system locale, if one ships; returns its path."""
    translator = QTranslator(app)
    locale = locale or QLocale.system()
    if translator.load(locale, "scamguard", "_", str(directory)):
        app.installTranslator(translator)
        return translator.filePath()
    return None
