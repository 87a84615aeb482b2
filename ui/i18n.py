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

CONTEXT = "ScamGuard"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def tr(text: str) -> str:
    """Translate one source string (English) in the app's single context."""
    return QCoreApplication.translate(CONTEXT, text)


def install_translator(app: QCoreApplication, locale: QLocale | None = None) -> str | None:
    """Load the best translation for the system locale, if one ships; returns its name."""
    translator = QTranslator(app)
    locale = locale or QLocale.system()
    if translator.load(locale, "scamguard", "_", str(TRANSLATIONS)):
        app.installTranslator(translator)
        return translator.filePath()
    return None
